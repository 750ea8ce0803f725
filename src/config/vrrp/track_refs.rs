//! Entries of the `track_interface`, `track_script`, `track_file`,
//! `track_process` and `track_bfd` value blocks: a tracked object's name,
//! optionally followed by `weight W [reverse|noreverse]`.
//!
//! keepalived resolves the name when it reads the entry, so only objects
//! defined earlier in the configuration can be tracked. These readers are
//! shared by vrrp_sync_group and vrrp_instance: `owner` names the block the
//! entry is in, for the messages.

use super::track;
use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx};
use crate::config::source::Pos;

/// An interface tracked by an instance or a sync group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedInterface {
    pub name: String,
    pub pos: Pos,
    /// Added to the priority while the interface is up (or down, with
    /// `reverse`); 0 puts the tracker into FAULT when the interface is down.
    pub weight: i32,
    pub reverse: bool,
}

/// A tracked vrrp_script, track_file, vrrp_track_process or bfd_instance,
/// by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedObject {
    pub name: String,
    pub pos: Pos,
    pub weight: i32,
    pub reverse: bool,
}

/// What `weight W [reverse|noreverse]` after a tracked name said.
enum WeightSpec {
    /// No `weight`: use the object's own weight.
    Default,
    /// `weight W ...`: the value (or `None` when it was invalid) and the
    /// `reverse` setting (or `None` when absent).
    Given(Option<i32>, Option<bool>),
}

/// Reads the words after the tracked name. `None` when the entry must be
/// dropped. `what` names the kind of tracker for the messages.
fn weight_spec(
    ctx: &mut Ctx,
    owner: &str,
    what: &str,
    e: &Args,
    range: (i32, i32),
    drop_on_bad_option: bool,
) -> Option<WeightSpec> {
    let name = e.get(0).unwrap_or("");
    let Some(word) = e.get(1) else {
        return Some(WeightSpec::Default);
    };
    if word != "weight" {
        ctx.error(
            Class::General,
            e,
            1,
            format!("({owner}) {what} '{name}': unknown option '{word}', expected 'weight': the entry is ignored"),
        );
        return None;
    }
    if e.get(2).is_none() {
        ctx.error(
            Class::General,
            e,
            1,
            format!("({owner}) {what} '{name}': 'weight' needs a value: the entry is ignored"),
        );
        return None;
    }
    // keepalived reads a value that is always present here.
    let value = ctx.int(e, 2, range.0, range.1, true).ok().flatten();
    let mut reverse = None;
    if let Some(opt) = e.get(3) {
        match opt {
            "reverse" => reverse = Some(true),
            "noreverse" => reverse = Some(false),
            _ => {
                let tail = if drop_on_bad_option {
                    "the entry is ignored"
                } else {
                    "the option is ignored"
                };
                ctx.error(
                    Class::General,
                    e,
                    3,
                    format!("({owner}) {what} '{name}': unknown weight option '{opt}', expected 'reverse' or 'noreverse': {tail}"),
                );
                if drop_on_bad_option {
                    return None;
                }
            }
        }
    }
    Some(WeightSpec::Given(value, reverse))
}

/// One `track_interface` entry (keepalived's `alloc_track_if`). `list` is
/// what the owner tracks so far.
pub fn interface_entry(
    ctx: &mut Ctx,
    owner: &str,
    list: &[TrackedInterface],
    e: &Args,
) -> Option<TrackedInterface> {
    let name = e.get(0)?.to_string();
    if !track::interface_or_dynamic(ctx, &name) {
        ctx.error(
            Class::General,
            e,
            0,
            format!("({owner}) tracked interface '{name}' does not exist: it is ignored, and keepalived's VRRP process will not start"),
        );
        return None;
    }
    if list.iter().any(|t| t.name == name) {
        ctx.error(
            Class::General,
            e,
            0,
            format!("({owner}) interface '{name}' is tracked twice: this entry is ignored"),
        );
        return None;
    }
    // The reverse option of track_interface only knows `reverse`.
    let mut weight = 0;
    let mut reverse = false;
    if let Some(word) = e.get(1) {
        if word != "weight" {
            ctx.error(
                Class::General,
                e,
                1,
                format!("({owner}) track_interface '{name}': unknown option '{word}', expected 'weight': the entry is ignored"),
            );
            return None;
        }
        if e.get(2).is_none() {
            ctx.error(
                Class::General,
                e,
                1,
                format!("({owner}) track_interface '{name}': 'weight' needs a value: the entry is ignored"),
            );
            return None;
        }
        match ctx.int(e, 2, -254, 254, true).ok().flatten() {
            None => {
                ctx.error(
                    Class::General,
                    e,
                    2,
                    format!("({owner}) track_interface '{name}': the weight must be between -253 and 253: weight 0 is used"),
                );
            }
            Some(w) if w.abs() == 254 => {
                weight = w.signum() * 253;
                ctx.error(
                    Class::General,
                    e,
                    2,
                    format!("({owner}) track_interface '{name}': weight {w} is not allowed: {weight} is used"),
                );
            }
            Some(w) => weight = w,
        }
        if let Some(opt) = e.get(3) {
            if opt == "reverse" {
                reverse = true;
            } else {
                ctx.error(
                    Class::General,
                    e,
                    3,
                    format!("({owner}) track_interface '{name}': unknown weight option '{opt}', expected 'reverse': the option is ignored"),
                );
            }
        }
    }
    Some(TrackedInterface {
        name,
        pos: e.pos(0),
        weight,
        reverse,
    })
}

/// One `track_script` entry (keepalived's `alloc_track_script`).
pub fn script_entry(
    ctx: &mut Ctx,
    owner: &str,
    list: &[TrackedObject],
    e: &Args,
) -> Option<TrackedObject> {
    let name = e.get(0)?.to_string();
    let Some(script) = ctx.cfg.vrrp.track.script(&name) else {
        ctx.error(
            Class::General,
            e,
            0,
            format!("({owner}) track_script '{name}': no vrrp_script of that name is defined before this point: it is not tracked"),
        );
        return None;
    };
    let (default_weight, default_reverse) = (script.weight, script.weight_reverse);
    if list.iter().any(|t| t.name == name) {
        ctx.error(
            Class::General,
            e,
            0,
            format!("({owner}) vrrp_script '{name}' is tracked twice: this entry is ignored"),
        );
        return None;
    }
    let spec = weight_spec(ctx, owner, "track_script", e, (-254, 254), false)?;
    let (weight, reverse) = match spec {
        WeightSpec::Default => (default_weight, default_reverse),
        WeightSpec::Given(value, rev) => {
            let weight = match value {
                None => {
                    ctx.error(
                        Class::General,
                        e,
                        2,
                        format!("({owner}) track_script '{name}': the weight must be between -253 and 253: the script's own weight {default_weight} is used"),
                    );
                    default_weight
                }
                Some(w) if w.abs() == 254 => {
                    let clamped = w.signum() * 253;
                    ctx.error(
                        Class::General,
                        e,
                        2,
                        format!("({owner}) track_script '{name}': weight {w} is not allowed: {clamped} is used"),
                    );
                    clamped
                }
                Some(w) => w,
            };
            (weight, rev.unwrap_or(default_reverse))
        }
    };
    Some(TrackedObject {
        name,
        pos: e.pos(0),
        weight,
        reverse,
    })
}

/// One `track_file` entry (keepalived's `vrrp_alloc_track_file`).
pub fn file_entry(
    ctx: &mut Ctx,
    owner: &str,
    list: &[TrackedObject],
    e: &Args,
) -> Option<TrackedObject> {
    let name = e.get(0)?.to_string();
    let Some(file) = ctx.cfg.vrrp.track.file(&name) else {
        ctx.error(
            Class::General,
            e,
            0,
            format!("({owner}) track_file '{name}': no track_file block of that name is defined before this point: it is not tracked"),
        );
        return None;
    };
    let (default_weight, default_reverse) = (file.weight, file.weight_reverse);
    if list.iter().any(|t| t.name == name) {
        ctx.error(
            Class::General,
            e,
            0,
            format!("({owner}) track_file '{name}' is tracked twice: this entry is ignored"),
        );
        return None;
    }
    let spec = weight_spec(ctx, owner, "track_file", e, (-254, 254), true)?;
    let (weight, reverse) = given_or_default(
        ctx,
        owner,
        "track_file",
        e,
        spec,
        (default_weight, default_reverse),
    );
    Some(TrackedObject {
        name,
        pos: e.pos(0),
        weight,
        reverse,
    })
}

/// One `track_process` entry (keepalived's `alloc_track_process`).
pub fn process_entry(
    ctx: &mut Ctx,
    owner: &str,
    list: &[TrackedObject],
    e: &Args,
) -> Option<TrackedObject> {
    let name = e.get(0)?.to_string();
    let Some(process) = ctx.cfg.vrrp.track.process(&name) else {
        ctx.error(
            Class::General,
            e,
            0,
            format!("({owner}) track_process '{name}': no vrrp_track_process of that name is defined before this point: it is not tracked"),
        );
        return None;
    };
    let (default_weight, default_reverse) = (process.weight, process.weight_reverse);
    if list.iter().any(|t| t.name == name) {
        ctx.error(
            Class::General,
            e,
            0,
            format!(
                "({owner}) vrrp_track_process '{name}' is tracked twice: this entry is ignored"
            ),
        );
        return None;
    }
    let spec = weight_spec(ctx, owner, "track_process", e, (-254, 254), false)?;
    let (weight, reverse) = given_or_default(
        ctx,
        owner,
        "track_process",
        e,
        spec,
        (default_weight, default_reverse),
    );
    Some(TrackedObject {
        name,
        pos: e.pos(0),
        weight,
        reverse,
    })
}

/// One `track_bfd` entry (keepalived's `alloc_track_bfd`).
pub fn bfd_entry(
    ctx: &mut Ctx,
    owner: &str,
    list: &[TrackedObject],
    e: &Args,
) -> Option<TrackedObject> {
    let name = e.get(0)?.to_string();
    let Some((default_weight, default_reverse)) = track::bfd_for_vrrp(ctx, &name) else {
        ctx.error(
            Class::General,
            e,
            0,
            format!("({owner}) track_bfd '{name}': no bfd_instance of that name is defined before this point: it is not tracked"),
        );
        return None;
    };
    if list.iter().any(|t| t.name == name) {
        ctx.error(
            Class::General,
            e,
            0,
            format!("({owner}) bfd_instance '{name}' is tracked twice: this entry is ignored"),
        );
        return None;
    }
    let spec = weight_spec(ctx, owner, "track_bfd", e, (-253, 253), true)?;
    let (weight, reverse) = given_or_default(
        ctx,
        owner,
        "track_bfd",
        e,
        spec,
        (default_weight, default_reverse),
    );
    Some(TrackedObject {
        name,
        pos: e.pos(0),
        weight,
        reverse,
    })
}

/// The weight and reverse setting of an entry: as given, or the tracked
/// object's own when absent or invalid.
fn given_or_default(
    ctx: &mut Ctx,
    owner: &str,
    what: &str,
    e: &Args,
    spec: WeightSpec,
    default: (i32, bool),
) -> (i32, bool) {
    match spec {
        WeightSpec::Default => default,
        WeightSpec::Given(value, rev) => {
            let weight = match value {
                Some(w) => w,
                None => {
                    let name = e.get(0).unwrap_or("");
                    ctx.error(
                        Class::General,
                        e,
                        2,
                        format!("({owner}) {what} '{name}': invalid weight: the tracked object's own weight {} is used", default.0),
                    );
                    default.0
                }
            };
            (weight, rev.unwrap_or(default.1))
        }
    }
}
