//! Typed model of virtual servers, real servers and their checkers.

#[derive(Debug, Default, Clone)]
pub struct Check {}
