//! Typed model of global_defs and the global top-level keywords.

#[derive(Debug, Default, Clone)]
pub struct Global {
    /// `enable_script_security`.
    pub script_security: bool,
}
