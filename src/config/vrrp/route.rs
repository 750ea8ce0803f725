//! Route entries of virtual_routes and static_routes.

use crate::config::parser::{Args, Ctx, Missing};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Route {}

/// keepalived's `alloc_route`: one route entry. `None` when skipped.
pub fn parse_route(
    _ctx: &mut Ctx,
    _a: &Args,
    _allow_track_group: bool,
) -> Result<Option<Route>, Missing> {
    Ok(None)
}
