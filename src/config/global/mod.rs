//! The global part of the configuration: keyword tables, handlers and
//! validation.

pub mod model;

use super::parser::{Ctx, Keyword};

/// Top-level keywords of this part.
pub static ROOT: &[Keyword] = &[];

/// Checks after the whole configuration has been read.
pub fn validate(_ctx: &mut Ctx) {}
