//! Address entries of virtual_ipaddress, virtual_ipaddress_excluded and
//! static_ipaddress.

use crate::config::parser::{Args, Ctx, Missing};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IpAddress {}

/// keepalived's `alloc_ipaddress`: one address entry. `is_static` for
/// static_ipaddress. `None` when the entry is skipped.
pub fn parse_ip_address(
    _ctx: &mut Ctx,
    _a: &Args,
    _is_static: bool,
) -> Result<Option<IpAddress>, Missing> {
    Ok(None)
}
