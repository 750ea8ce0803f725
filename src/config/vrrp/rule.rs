//! Rule entries of virtual_rules and static_rules.

use crate::config::parser::{Args, Ctx, Missing};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rule {}

/// keepalived's `alloc_rule`: one rule entry. `None` when skipped.
pub fn parse_rule(
    _ctx: &mut Ctx,
    _a: &Args,
    _allow_track_group: bool,
) -> Result<Option<Rule>, Missing> {
    Ok(None)
}
