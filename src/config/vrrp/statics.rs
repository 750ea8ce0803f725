//! static_ipaddress, static_routes and static_rules.

use crate::config::parser::{Ctx, Keyword};

#[derive(Debug, Default, Clone)]
pub struct Statics {}

/// Top-level keywords of this part.
pub static ROOT: &[Keyword] = &[];

/// Checks after the whole configuration has been read.
pub fn validate(_ctx: &mut Ctx) {}
