//! Typed model of bfd_instance.

#[derive(Debug, Default, Clone)]
pub struct Bfd {}
