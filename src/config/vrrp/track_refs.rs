//! Entries of the `track_interface`, `track_script`, `track_file`,
//! `track_process` and `track_bfd` value blocks: a tracked object's name,
//! optionally followed by `weight W [reverse|noreverse]` (keepalived's
//! `alloc_track_*`, shared by vrrp_instance and vrrp_sync_group; `owner`
//! names the block the entry is in, for the messages).
//!
//! keepalived resolves the name when it reads the entry, so only objects
//! defined earlier in the configuration can be tracked.

use super::track;
use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx, Missing};
use crate::config::source::Pos;

/// A tracked object weight. keepalived adds it to the priority (or, with
/// `reverse`, subtracts it); 0 means "go FAULT when down".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Weight {
    pub value: i32,
    pub reverse: bool,
}

/// `track_interface` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedInterface {
    pub name: String,
    pub weight: Weight,
    pub pos: Pos,
}

/// A `track_script`/`track_process`/`track_file`/`track_bfd` entry, resolved
/// by name against the tracking objects defined before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedObject {
    pub name: String,
    /// The entry's weight, or the tracked object's own when none was given.
    pub weight: Weight,
    pub pos: Pos,
}

/// What a tracked-object kind needs: where to look it up, and how
/// keepalived reads its entries (they differ slightly per kind).
pub struct Kind {
    pub what: &'static str,
    /// The keyword that defines such objects, for messages.
    pub definer: &'static str,
    /// Default weight of the named object, if it is defined.
    pub lookup: fn(&Ctx, &str) -> Option<Weight>,
    min: i32,
    max: i32,
    /// ±254 is turned into ±253 (with an error).
    clamp_254: bool,
    /// An unknown word after the weight drops the entry (else it is kept).
    bad_option_drops: bool,
}

// A tracked object's own weight and reverse setting are the entry's
// defaults.
fn lookup_script(ctx: &Ctx, n: &str) -> Option<Weight> {
    ctx.cfg.vrrp.track.script(n).map(|s| Weight {
        value: s.weight,
        reverse: s.weight_reverse,
    })
}

fn lookup_process(ctx: &Ctx, n: &str) -> Option<Weight> {
    ctx.cfg.vrrp.track.process(n).map(|p| Weight {
        value: p.weight,
        reverse: p.weight_reverse,
    })
}

fn lookup_file(ctx: &Ctx, n: &str) -> Option<Weight> {
    ctx.cfg.vrrp.track.file(n).map(|f| Weight {
        value: f.weight,
        reverse: f.weight_reverse,
    })
}

/// Only bfd_instance blocks the VRRP process read before this point count.
fn lookup_bfd(ctx: &Ctx, n: &str) -> Option<Weight> {
    track::bfd_for_vrrp(ctx, n).map(|(value, reverse)| Weight { value, reverse })
}

pub const SCRIPT: Kind = Kind {
    what: "track_script",
    definer: "vrrp_script",
    lookup: lookup_script,
    min: -254,
    max: 254,
    clamp_254: true,
    bad_option_drops: false,
};
pub const PROCESS: Kind = Kind {
    what: "track_process",
    definer: "vrrp_track_process",
    lookup: lookup_process,
    min: -254,
    max: 254,
    clamp_254: false,
    bad_option_drops: false,
};
pub const FILE: Kind = Kind {
    what: "track_file",
    definer: "track_file",
    lookup: lookup_file,
    min: -254,
    max: 254,
    clamp_254: false,
    bad_option_drops: true,
};
pub const BFD: Kind = Kind {
    what: "track_bfd",
    definer: "bfd_instance",
    lookup: lookup_bfd,
    min: -253,
    max: 253,
    clamp_254: false,
    bad_option_drops: true,
};

fn general(ctx: &mut Ctx, a: &Args, i: usize, msg: String) {
    ctx.error(Class::General, a, i, msg);
}

/// keepalived's `alloc_track_script` and its siblings: one entry of what
/// `owner` tracks, given what it tracks so far. `None` when it is dropped.
pub fn object_entry(
    ctx: &mut Ctx,
    owner: &str,
    list: &[TrackedObject],
    e: &Args,
    k: &Kind,
) -> Result<Option<TrackedObject>, Missing> {
    let what = k.what;
    let obj = e.req(0)?.to_string();
    let Some(default) = (k.lookup)(ctx, &obj) else {
        let d = ctx.error(
            Class::General,
            e,
            0,
            format!("({owner}) {what} '{obj}' is not defined: ignored"),
        );
        d.help = Some(format!(
            "keepalived only finds a {} defined before the block that uses it",
            k.definer
        ));
        return Ok(None);
    };
    if list.iter().any(|t| t.name == obj) {
        general(
            ctx,
            e,
            0,
            format!("({owner}) {what} '{obj}' is listed twice: the second is ignored"),
        );
        return Ok(None);
    }
    let mut w = default;
    if e.len() >= 2 {
        if e.get(1) != Some("weight") {
            let opt = e.get(1).unwrap_or("").to_string();
            general(ctx, e, 1, format!("({owner}) {what} '{obj}': unknown option '{opt}' (only 'weight'): the entry is ignored"));
            return Ok(None);
        }
        if e.len() == 2 {
            general(
                ctx,
                e,
                1,
                format!("({owner}) {what} '{obj}': weight needs a value: the entry is ignored"),
            );
            return Ok(None);
        }
        match ctx.int(e, 2, k.min, k.max, true)? {
            None => {
                let d = ctx.error(
                    Class::General,
                    e,
                    2,
                    format!(
                        "({owner}) {what} '{obj}': weight must be {}..{}; the {} weight ({}) is used",
                        k.min.max(-253),
                        k.max.min(253),
                        k.definer,
                        default.value
                    ),
                );
                if default.value == 0 {
                    d.help = Some("with weight 0 a failure puts the tracker into FAULT".into());
                }
            }
            Some(x) if k.clamp_254 && x.abs() == 254 => {
                let y = x.signum() * 253;
                general(
                    ctx,
                    e,
                    2,
                    format!("({owner}) {what} '{obj}': weight cannot be {x}; {y} is used"),
                );
                w.value = y;
            }
            Some(x) => w.value = x,
        }
        if e.len() >= 4 {
            match e.get(3) {
                Some("reverse") => w.reverse = true,
                Some("noreverse") => w.reverse = false,
                _ => {
                    let opt = e.get(3).unwrap_or("").to_string();
                    let tail = if k.bad_option_drops {
                        "the entry is ignored"
                    } else {
                        "ignored"
                    };
                    general(ctx, e, 3, format!("({owner}) {what} '{obj}': unknown weight option '{opt}' (reverse or noreverse): {tail}"));
                    if k.bad_option_drops {
                        return Ok(None);
                    }
                }
            }
        }
    }
    Ok(Some(TrackedObject {
        name: obj,
        weight: w,
        pos: e.pos(0),
    }))
}

/// keepalived's `alloc_track_if`: one `track_interface` entry.
pub fn interface_entry(
    ctx: &mut Ctx,
    owner: &str,
    list: &[TrackedInterface],
    e: &Args,
) -> Result<Option<TrackedInterface>, Missing> {
    let ifname = e.req(0)?.to_string();
    if !track::interface_or_dynamic(ctx, &ifname) {
        let d = ctx.error(
            Class::General,
            e,
            0,
            format!("({owner}) tracked interface '{ifname}' does not exist"),
        );
        d.help = Some("keepalived's VRRP process refuses to start when an interface it is given does not exist (unless dynamic_interfaces is set)".into());
        return Ok(None);
    }
    if list.iter().any(|t| t.name == ifname) {
        general(
            ctx,
            e,
            0,
            format!("({owner}) track_interface '{ifname}' is listed twice: the second is ignored"),
        );
        return Ok(None);
    }
    let mut w = Weight::default();
    if e.len() >= 2 {
        if e.get(1) != Some("weight") {
            let opt = e.get(1).unwrap_or("").to_string();
            general(ctx, e, 1, format!("({owner}) track_interface '{ifname}': unknown option '{opt}' (only 'weight'): the entry is ignored"));
            return Ok(None);
        }
        if e.len() == 2 {
            general(
                ctx,
                e,
                1,
                format!("({owner}) track_interface '{ifname}': weight needs a value: the entry is ignored"),
            );
            return Ok(None);
        }
        match ctx.int(e, 2, -254, 254, true)? {
            None => {
                let d = ctx.error(
                    Class::General,
                    e,
                    2,
                    format!("({owner}) track_interface '{ifname}': weight must be -253..253; weight 0 is used"),
                );
                d.help = Some(
                    "with weight 0 the interface going down puts the tracker into FAULT".into(),
                );
            }
            Some(x) if x.abs() == 254 => {
                let y = x.signum() * 253;
                general(
                    ctx,
                    e,
                    2,
                    format!(
                        "({owner}) track_interface '{ifname}': weight cannot be {x}; {y} is used"
                    ),
                );
                w.value = y;
            }
            Some(x) => w.value = x,
        }
        if e.len() >= 4 {
            if e.get(3) == Some("reverse") {
                w.reverse = true;
            } else {
                let opt = e.get(3).unwrap_or("").to_string();
                general(ctx, e, 3, format!("({owner}) track_interface '{ifname}': unknown weight option '{opt}' (only 'reverse'): ignored"));
            }
        }
    }
    Ok(Some(TrackedInterface {
        name: ifname,
        weight: w,
        pos: e.pos(0),
    }))
}
