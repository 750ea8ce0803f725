//! The VRRP part of the configuration: keyword tables, handlers and
//! validation.

pub mod instance;
mod instance_complete;
pub mod instance_env;
mod instance_lint;
mod instance_parse;
#[cfg(test)]
mod instance_tests;
pub mod ipaddr;
pub mod model;
pub mod net_addr;
pub mod net_names;
pub mod net_tests;
pub mod net_values;
pub mod route;
pub mod rule;
pub mod statics;
pub mod track;
pub mod track_file;
pub mod track_misc;
pub mod track_process;
pub mod track_refs;
pub mod track_script;
pub mod track_sync;

use super::diag::Class;
use super::global::{self, model::Global};
use super::parser::Ctx;
use super::script;

/// The global settings the VRRP keywords see while they are read: all of
/// global_defs, as in keepalived's VRRP process (its parent read them all
/// first; `load` models that with a parent pass).
pub fn global_view<'a>(ctx: &'a Ctx) -> &'a Global {
    &ctx.cfg.global
}

/// keepalived's VRRP process checks, in its order (vrrp_daemon.c
/// `start_vrrp`, then vrrp.c `vrrp_complete_init`; under `-t` it stops
/// after the sync groups' trackers are set up).
pub fn validate(ctx: &mut Ctx) {
    // A non-existent interface stops the VRRP process right after it read
    // the configuration, before it completes anything.
    if ctx.cfg.vrrp.non_existent_interface {
        ctx.error_at(
            Class::BadInterface,
            None,
            "an interface named in the VRRP configuration does not exist: keepalived's VRRP process would not start",
        );
        instance::lint(ctx);
        return;
    }
    check_script_security(ctx);
    // chk_min_cfg: the first instance without a VRID or interface stops the
    // VRRP process.
    let mut running = instance::check_min_config(ctx);
    if running {
        // Sync group membership is known before the instances are
        // completed: members handle their trackers' weights differently.
        track::validate(ctx);
        // Every instance, then the VRID conflicts.
        running = instance::complete(ctx);
    }
    if running {
        statics::validate(ctx);
        track::validate_after_instances(ctx);
        // keepalived only links lvs_sync_daemon to its instance after the
        // point where `-t` stops, so nothing it finds changes the verdict.
        let vrids: Vec<(String, u8)> = ctx
            .cfg
            .vrrp
            .instances
            .list
            .iter()
            .filter_map(|v| Some((v.name.clone(), v.vrid?.get())))
            .collect();
        global::link_lvs_sync_daemon(ctx, |name| {
            vrids.iter().find(|(n, _)| n == name).map(|(_, id)| *id)
        });
    }
    instance::lint(ctx);
}

/// keepalived's `check_vrrp_script_security`: every script the VRRP process
/// could run, then one report. Only done when there are instances.
fn check_script_security(ctx: &mut Ctx) {
    if ctx.cfg.vrrp.instances.list.is_empty() {
        return;
    }
    // The vrrp_scripts first: the insecure ones are disabled, and the
    // instances and sync groups stop tracking them below.
    let mut flags = track::check_scripts(ctx);
    flags |= instance::check_notify_scripts(ctx);
    flags |= track::check_sync_group_scripts(ctx);
    flags |= global::check_vrrp_fifo_scripts(ctx);
    ctx.cfg.vrrp.script_flags = flags;
    script::report_security(ctx, flags, "scripts");
}
