//! vrrp_instance: keywords, model and the checks keepalived makes when it
//! completes an instance.

use crate::config::parser::{Ctx, Keyword};
use crate::config::source::Pos;

#[derive(Debug, Default, Clone)]
pub struct Instances {
    pub list: Vec<Instance>,
}

/// vrrp_instance NAME { ... }
#[derive(Debug, Default, Clone)]
pub struct Instance {
    pub name: String,
    pub pos: Pos,
}

/// Top-level keywords of this part.
pub static ROOT: &[Keyword] = &[];

/// Checks after the whole configuration has been read.
pub fn validate(_ctx: &mut Ctx) {}
