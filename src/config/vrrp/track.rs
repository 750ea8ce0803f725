//! vrrp_sync_group, vrrp_script, vrrp_track_process, track_file, garp_group,
//! track_group, linkbeat_interfaces and interface_up_down_delays.

use crate::config::parser::{Ctx, Keyword};
use crate::config::source::Pos;

/// Everything the instances track or are grouped by. Other parts look
/// objects up here by name.
#[derive(Debug, Default, Clone)]
pub struct Tracking {
    pub scripts: Vec<VrrpScript>,
    pub processes: Vec<TrackProcess>,
    pub files: Vec<TrackFile>,
    pub sync_groups: Vec<SyncGroup>,
    /// track_group blocks (static addresses, routes and rules name them).
    pub track_groups: Vec<TrackGroup>,
}

/// track_group NAME { group { ... } }
#[derive(Debug, Default, Clone)]
pub struct TrackGroup {
    pub name: String,
    pub pos: Pos,
}

/// vrrp_script NAME { ... }
#[derive(Debug, Default, Clone)]
pub struct VrrpScript {
    pub name: String,
    pub pos: Pos,
}

/// vrrp_track_process NAME { ... }
#[derive(Debug, Default, Clone)]
pub struct TrackProcess {
    pub name: String,
    pub pos: Pos,
}

/// track_file NAME { ... } (and its old name vrrp_track_file)
#[derive(Debug, Default, Clone)]
pub struct TrackFile {
    pub name: String,
    pub pos: Pos,
}

/// vrrp_sync_group NAME { group { ... } ... }
#[derive(Debug, Default, Clone)]
pub struct SyncGroup {
    pub name: String,
    pub pos: Pos,
    /// Names of the member instances, as configured.
    pub members: Vec<String>,
}

/// Top-level keywords of this part.
pub static ROOT: &[Keyword] = &[];

/// Checks after the whole configuration has been read.
pub fn validate(_ctx: &mut Ctx) {}
