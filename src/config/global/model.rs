//! Typed model of global_defs and the global top-level keywords.

#[derive(Debug, Default, Clone)]
pub struct Global {
    /// `enable_script_security`.
    pub script_security: bool,
    /// `dynamic_interfaces`: interfaces named in the configuration may be
    /// created after keepalived starts.
    pub dynamic_interfaces: bool,
    /// `default_interface`: where static addresses without `dev` go
    /// (keepalived's default is eth0).
    pub default_interface: Option<String>,
}
