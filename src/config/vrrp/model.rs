//! Typed model of the VRRP side of the configuration.

#[derive(Debug, Default, Clone)]
pub struct Vrrp {}
