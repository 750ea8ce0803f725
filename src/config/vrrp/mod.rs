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
use super::parser::Ctx;
use super::script;

/// keepalived's VRRP process checks, in its order (vrrp_daemon.c
/// `start_vrrp`, then vrrp.c `vrrp_complete_init`).
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
        // TODO(merge): track::set_sync_groups(ctx) goes here (keepalived's
        // vrrp_sync_set_group: "Virtual router X specified in sync group Y
        // doesn't exist" ...), before the instances are completed.
        running = instance::complete(ctx);
    }
    if running {
        // keepalived then builds the static track groups and the sync
        // groups' tracking (weights of sync group trackers), and under -t
        // stops there.
        statics::validate(ctx);
        track::validate(ctx);
    }
    instance::lint(ctx);
}

/// keepalived's `check_vrrp_script_security`: every script the VRRP process
/// could run, then one report. Only done when there are instances.
fn check_script_security(ctx: &mut Ctx) {
    if ctx.cfg.vrrp.instances.list.is_empty() {
        return;
    }
    let mut flags = 0;
    // TODO(merge): flags |= track::check_scripts(ctx); -- the vrrp_scripts
    // first (keepalived disables insecure ones and drops them from the
    // instances' track_script lists), and the sync groups' notify scripts
    // after the instances' below.
    flags |= instance::check_notify_scripts(ctx);
    // TODO(merge): the global notify_fifo and vrrp_notify_fifo scripts.
    script::report_security(ctx, flags, "scripts");
}
