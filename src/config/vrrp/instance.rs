//! vrrp_instance: keywords, model and the checks keepalived makes when it
//! completes an instance.

use crate::config::parser::{Ctx, Keyword};

#[derive(Debug, Default, Clone)]
pub struct Instances {}

/// Top-level keywords of this part.
pub static ROOT: &[Keyword] = &[];

/// Checks after the whole configuration has been read.
pub fn validate(_ctx: &mut Ctx) {}
