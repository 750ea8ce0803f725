//! vrrp_sync_group, vrrp_script, vrrp_track_process, track_file, garp_group,
//! track_group, linkbeat_interfaces and interface_up_down_delays.

use crate::config::parser::{Ctx, Keyword};

#[derive(Debug, Default, Clone)]
pub struct Tracking {}

/// Top-level keywords of this part.
pub static ROOT: &[Keyword] = &[];

/// Checks after the whole configuration has been read.
pub fn validate(_ctx: &mut Ctx) {}
