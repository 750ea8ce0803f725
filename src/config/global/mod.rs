//! The global part of the configuration: global_defs and the global
//! top-level keywords (keepalived's global_parser.c), and the checks
//! keepalived makes of them once the configuration has been read (main.c,
//! global_data.c).

mod handlers;
pub mod model;
#[cfg(test)]
mod tests;

use super::parser::{Ctx, Keyword};
use super::script::{self, flags};
use handlers as h;
use model::{Global, NotifyFifo};
use std::path::Path;

pub use handlers::inet_address;

/// Top-level keywords of this part, in keepalived's order.
pub static ROOT: &[Keyword] = &[
    Keyword::leaf("linkbeat_use_polling", h::linkbeat_use_polling),
    Keyword::leaf("net_namespace", h::net_namespace).not_acted_on(),
    Keyword::leaf("net_namespace_ipvs", h::net_namespace_ipvs).not_acted_on(),
    Keyword::leaf("namespace_with_ipsets", h::namespace_with_ipsets).not_acted_on(),
    Keyword::leaf("use_pid_dir", h::use_pid_dir).not_acted_on(),
    Keyword::leaf("instance", h::instance).not_acted_on(),
    Keyword::leaf("child_wait_time", h::child_wait_time).not_acted_on(),
    Keyword::block("global_defs", None, GLOBAL_DEFS, None),
];

/// The keywords of global_defs. Keywords only later keepalived versions know
/// (use_symlink_paths, json_version ...) are accepted too.
pub static GLOBAL_DEFS: &[Keyword] = &[
    Keyword::leaf("process_names", h::process_names).not_acted_on(),
    Keyword::leaf("process_name", h::process_name).not_acted_on(),
    Keyword::leaf("vrrp_process_name", h::vrrp_process_name).not_acted_on(),
    Keyword::leaf("checker_process_name", h::checker_process_name).not_acted_on(),
    Keyword::leaf("lvs_process_name", h::lvs_process_name).not_acted_on(),
    Keyword::leaf("bfd_process_name", h::bfd_process_name).not_acted_on(),
    Keyword::leaf("use_symlink_paths", h::use_symlink_paths).not_acted_on(),
    Keyword::leaf("set_supplementary_groups", h::set_supplementary_groups).not_acted_on(),
    Keyword::leaf("router_id", h::router_id),
    Keyword::leaf("notification_email_from", h::notification_email_from),
    Keyword::leaf("smtp_server", h::smtp_server),
    Keyword::leaf("smtp_helo_name", h::smtp_helo_name),
    Keyword::leaf("smtp_connect_timeout", h::smtp_connect_timeout),
    Keyword::leaf("notification_email", h::notification_email),
    Keyword::leaf("smtp_alert", h::smtp_alert),
    Keyword::leaf("startup_script", h::startup_script).not_acted_on(),
    Keyword::leaf("startup_script_timeout", h::startup_script_timeout).not_acted_on(),
    Keyword::leaf("shutdown_script", h::shutdown_script).not_acted_on(),
    Keyword::leaf("shutdown_script_timeout", h::shutdown_script_timeout).not_acted_on(),
    Keyword::leaf("max_auto_priority", h::max_auto_priority).not_acted_on(),
    Keyword::leaf("min_auto_priority_delay", h::min_auto_priority_delay).not_acted_on(),
    Keyword::leaf("smtp_alert_vrrp", h::smtp_alert_vrrp),
    Keyword::leaf("smtp_alert_checker", h::smtp_alert_checker),
    Keyword::leaf("checker_log_all_failures", h::checker_log_all_failures).not_acted_on(),
    Keyword::leaf("dynamic_interfaces", h::dynamic_interfaces).not_acted_on(),
    Keyword::leaf("no_email_faults", h::no_email_faults),
    Keyword::leaf("default_interface", h::default_interface).not_acted_on(),
    Keyword::leaf("disable_local_igmp", h::disable_local_igmp),
    Keyword::leaf("v3_checksum_as_v2", h::v3_checksum_as_v2).not_acted_on(),
    Keyword::leaf("lvs_timeouts", h::lvs_timeouts).not_acted_on(),
    Keyword::leaf("lvs_flush", h::lvs_flush).not_acted_on(),
    Keyword::leaf("lvs_flush_on_stop", h::lvs_flush_on_stop).not_acted_on(),
    Keyword::leaf("lvs_flush_onstop", h::lvs_flush_on_stop).not_acted_on(),
    Keyword::leaf("lvs_sync_daemon", h::lvs_sync_daemon),
    Keyword::leaf("vrrp_mcast_group4", h::vrrp_mcast_group4),
    Keyword::leaf("vrrp_mcast_group6", h::vrrp_mcast_group6).not_acted_on(),
    Keyword::leaf("vrrp_garp_master_delay", h::vrrp_garp_master_delay),
    Keyword::leaf("vrrp_garp_master_repeat", h::vrrp_garp_master_repeat),
    Keyword::leaf("vrrp_garp_master_refresh", h::vrrp_garp_master_refresh),
    Keyword::leaf(
        "vrrp_garp_master_refresh_repeat",
        h::vrrp_garp_master_refresh_repeat,
    ),
    Keyword::leaf("vrrp_garp_lower_prio_delay", h::vrrp_garp_lower_prio_delay).not_acted_on(),
    Keyword::leaf(
        "vrrp_garp_lower_prio_repeat",
        h::vrrp_garp_lower_prio_repeat,
    )
    .not_acted_on(),
    Keyword::leaf("vrrp_down_timer_adverts", h::vrrp_down_timer_adverts).not_acted_on(),
    Keyword::leaf("vrrp_garp_interval", h::vrrp_garp_interval),
    Keyword::leaf("vrrp_gna_interval", h::vrrp_gna_interval),
    Keyword::leaf("vrrp_min_garp", h::vrrp_min_garp).not_acted_on(),
    Keyword::leaf("vrrp_garp_extra_if", h::vrrp_garp_extra_if).not_acted_on(),
    Keyword::leaf("vrrp_vmac_garp_intvl", h::vrrp_garp_extra_if).not_acted_on(),
    Keyword::leaf("vrrp_lower_prio_no_advert", h::vrrp_lower_prio_no_advert).not_acted_on(),
    Keyword::leaf(
        "vrrp_higher_prio_send_advert",
        h::vrrp_higher_prio_send_advert,
    )
    .not_acted_on(),
    Keyword::leaf("vrrp_version", h::vrrp_version),
    Keyword::leaf("vrrp_iptables", h::vrrp_iptables),
    Keyword::leaf("vrrp_ipsets", h::vrrp_ipsets).not_acted_on(),
    Keyword::leaf("nftables", h::nftables),
    Keyword::leaf("nftables_priority", h::nftables_priority),
    Keyword::leaf("nftables_ifindex", h::nftables_ifindex),
    Keyword::leaf("vrrp_check_unicast_src", h::vrrp_check_unicast_src),
    Keyword::leaf("vrrp_skip_check_adv_addr", h::vrrp_skip_check_adv_addr),
    Keyword::leaf("vrrp_strict", h::vrrp_strict),
    Keyword::leaf("vrrp_priority", h::vrrp_priority).not_acted_on(),
    Keyword::leaf("vrrp_no_swap", h::vrrp_no_swap).not_acted_on(),
    Keyword::leaf("vrrp_rt_priority", h::vrrp_rt_priority).not_acted_on(),
    Keyword::leaf("vrrp_cpu_affinity", h::vrrp_cpu_affinity).not_acted_on(),
    Keyword::leaf("vrrp_rlimit_rttime", h::vrrp_rlimit_rttime).not_acted_on(),
    Keyword::leaf("vrrp_rlimit_rtime", h::vrrp_rlimit_rttime).not_acted_on(),
    Keyword::leaf("nftables_ipvs", h::nftables_ipvs).not_acted_on(),
    Keyword::leaf("nftables_ipvs_priority", h::nftables_ipvs_priority).not_acted_on(),
    Keyword::leaf("nftables_ipvs_start_fwmark", h::nftables_ipvs_start_fwmark).not_acted_on(),
    Keyword::leaf("nftables_counters", h::nftables_counters),
    Keyword::leaf("notify_fifo", h::global_notify_fifo),
    Keyword::leaf("notify_fifo_script", h::global_notify_fifo_script),
    Keyword::leaf("vrrp_notify_fifo", h::vrrp_notify_fifo),
    Keyword::leaf("vrrp_notify_fifo_script", h::vrrp_notify_fifo_script),
    Keyword::leaf(
        "vrrp_notify_priority_changes",
        h::vrrp_notify_priority_changes,
    ),
    Keyword::leaf(
        "fifo_write_vrrp_states_on_reload",
        h::fifo_write_vrrp_states_on_reload,
    )
    .not_acted_on(),
    Keyword::leaf("lvs_notify_fifo", h::lvs_notify_fifo),
    Keyword::leaf("lvs_notify_fifo_script", h::lvs_notify_fifo_script),
    Keyword::leaf("checker_priority", h::checker_priority).not_acted_on(),
    Keyword::leaf("checker_no_swap", h::checker_no_swap).not_acted_on(),
    Keyword::leaf("checker_rt_priority", h::checker_rt_priority).not_acted_on(),
    Keyword::leaf("checker_cpu_affinity", h::checker_cpu_affinity).not_acted_on(),
    Keyword::leaf("checker_rlimit_rttime", h::checker_rlimit_rttime).not_acted_on(),
    Keyword::leaf("checker_rlimit_rtime", h::checker_rlimit_rttime).not_acted_on(),
    Keyword::leaf("bfd_priority", h::bfd_priority).not_acted_on(),
    Keyword::leaf("bfd_no_swap", h::bfd_no_swap).not_acted_on(),
    Keyword::leaf("bfd_rt_priority", h::bfd_rt_priority).not_acted_on(),
    Keyword::leaf("bfd_cpu_affinity", h::bfd_cpu_affinity).not_acted_on(),
    Keyword::leaf("bfd_rlimit_rttime", h::bfd_rlimit_rttime).not_acted_on(),
    Keyword::leaf("bfd_rlimit_rtime", h::bfd_rlimit_rttime).not_acted_on(),
    Keyword::leaf("snmp_socket", h::snmp_socket).not_acted_on(),
    Keyword::leaf("enable_traps", h::enable_traps).not_acted_on(),
    Keyword::leaf("enable_snmp_vrrp", h::enable_snmp_vrrp).not_acted_on(),
    Keyword::leaf("enable_snmp_keepalived", h::enable_snmp_vrrp).not_acted_on(),
    Keyword::leaf("enable_snmp_rfc", h::enable_snmp_rfc).not_acted_on(),
    Keyword::leaf("enable_snmp_rfcv2", h::enable_snmp_rfcv2).not_acted_on(),
    Keyword::leaf("enable_snmp_rfcv3", h::enable_snmp_rfcv3).not_acted_on(),
    Keyword::leaf("enable_snmp_checker", h::enable_snmp_checker).not_acted_on(),
    Keyword::leaf(
        "snmp_vs_stats_update_interval",
        h::snmp_vs_stats_update_interval,
    )
    .not_acted_on(),
    Keyword::leaf(
        "snmp_rs_stats_update_interval",
        h::snmp_rs_stats_update_interval,
    )
    .not_acted_on(),
    Keyword::leaf("enable_dbus", h::enable_dbus).not_acted_on(),
    Keyword::leaf("dbus_service_name", h::dbus_service_name).not_acted_on(),
    Keyword::leaf("dbus_no_interface_name", h::dbus_no_interface_name).not_acted_on(),
    Keyword::leaf("script_user", h::script_user),
    Keyword::leaf("enable_script_security", h::enable_script_security),
    Keyword::leaf("vrrp_netlink_cmd_rcv_bufs", h::vrrp_netlink_cmd_rcv_bufs).not_acted_on(),
    Keyword::leaf(
        "vrrp_netlink_cmd_rcv_bufs_force",
        h::vrrp_netlink_cmd_rcv_bufs_force,
    )
    .not_acted_on(),
    Keyword::leaf(
        "vrrp_netlink_monitor_rcv_bufs",
        h::vrrp_netlink_monitor_rcv_bufs,
    )
    .not_acted_on(),
    Keyword::leaf(
        "vrrp_netlink_monitor_rcv_bufs_force",
        h::vrrp_netlink_monitor_rcv_bufs_force,
    )
    .not_acted_on(),
    Keyword::leaf("process_monitor_rcv_bufs", h::process_monitor_rcv_bufs).not_acted_on(),
    Keyword::leaf(
        "process_monitor_rcv_bufs_force",
        h::process_monitor_rcv_bufs_force,
    )
    .not_acted_on(),
    Keyword::leaf("lvs_netlink_cmd_rcv_bufs", h::lvs_netlink_cmd_rcv_bufs).not_acted_on(),
    Keyword::leaf(
        "lvs_netlink_cmd_rcv_bufs_force",
        h::lvs_netlink_cmd_rcv_bufs_force,
    )
    .not_acted_on(),
    Keyword::leaf(
        "lvs_netlink_monitor_rcv_bufs",
        h::lvs_netlink_monitor_rcv_bufs,
    )
    .not_acted_on(),
    Keyword::leaf(
        "lvs_netlink_monitor_rcv_bufs_force",
        h::lvs_netlink_monitor_rcv_bufs_force,
    )
    .not_acted_on(),
    Keyword::leaf("rs_init_notifies", h::rs_init_notifies).not_acted_on(),
    Keyword::leaf("no_checker_emails", h::no_checker_emails).not_acted_on(),
    Keyword::leaf("vrrp_rx_bufs_policy", h::vrrp_rx_bufs_policy).not_acted_on(),
    Keyword::leaf("vrrp_rx_bufs_multiplier", h::vrrp_rx_bufs_multiplier).not_acted_on(),
    Keyword::leaf("vrrp_startup_delay", h::vrrp_startup_delay),
    Keyword::leaf("vrrp_delay_after_boot", h::vrrp_delay_after_boot).not_acted_on(),
    Keyword::leaf("log_unknown_vrids", h::log_unknown_vrids).not_acted_on(),
    Keyword::leaf("vrrp_owner_ignore_adverts", h::vrrp_owner_ignore_adverts).not_acted_on(),
    Keyword::leaf("vmac_prefix", h::vmac_prefix),
    Keyword::leaf("vmac_addr_prefix", h::vmac_addr_prefix).not_acted_on(),
    Keyword::leaf("umask", h::umask).not_acted_on(),
    Keyword::leaf("random_seed", h::random_seed),
    Keyword::leaf("reload_check_config", h::reload_check_config).not_acted_on(),
    Keyword::leaf("reload_time_file", h::reload_time_file).not_acted_on(),
    Keyword::leaf("reload_repeat", h::reload_repeat).not_acted_on(),
    Keyword::leaf("reload_file", h::reload_file).not_acted_on(),
    Keyword::leaf("include_check", h::include_check),
    Keyword::leaf("config_save_dir", h::config_save_dir).not_acted_on(),
    Keyword::leaf("tmp_config_directory", h::tmp_config_directory).not_acted_on(),
    Keyword::leaf("data_use_instance", h::data_use_instance).not_acted_on(),
    Keyword::leaf("json_version", h::json_version).not_acted_on(),
    Keyword::leaf("iproute_usr_dir", h::iproute_usr_dir).not_acted_on(),
    Keyword::leaf("iproute_etc_dir", h::iproute_etc_dir).not_acted_on(),
    Keyword::leaf("state_dump_file", h::state_dump_file).not_acted_on(),
    Keyword::leaf("stats_dump_file", h::stats_dump_file).not_acted_on(),
    Keyword::leaf("json_dump_file", h::json_dump_file).not_acted_on(),
];

/// Checks after the whole configuration has been read, in keepalived's
/// order: the parent's own checks come before the checker's and the VRRP
/// process's.
pub fn validate(ctx: &mut Ctx) {
    set_defaults(ctx);
    if !enter_namespace(ctx) {
        return;
    }
    check_start_stop_scripts(ctx);
    lint_fifos(ctx);
}

/// keepalived -t enters `net_namespace` before any further check; when it
/// cannot, it stops there and reports success.
fn enter_namespace(ctx: &mut Ctx) -> bool {
    let Some(ns) = ctx.cfg.global.net_namespace.clone() else {
        return true;
    };
    let path = format!("/run/netns/{ns}");
    let usable = ctx.host.stat(Path::new(&path)).is_some() && ctx.host.euid() == 0;
    if !usable {
        let d = ctx.lint_at(
            None,
            format!("network namespace '{ns}' cannot be entered ({path} does not exist, or we are not root): keepalived stops here, before its remaining checks, and `-t` reports success (exit 0) whatever was found above"),
        );
        d.level = super::diag::Level::Error;
        d.help = Some("create the namespace (ip netns add NAME) or remove net_namespace".into());
        ctx.reader.diags.aborts.namespace_unavailable = true;
        return false;
    }
    // Interfaces are looked up in our own namespace, not in `ns`.
    ctx.lint_at(
        None,
        format!("interfaces are checked in the current network namespace, not in '{ns}'"),
    );
    true
}

/// The node name (uname), keepalived's local name.
fn local_name(ctx: &Ctx) -> String {
    ctx.host
        .read_to_string(Path::new("/proc/sys/kernel/hostname"))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| ctx.host.short_hostname())
}

/// The name of the user keepalived runs as.
fn own_user_name(ctx: &Ctx) -> Option<String> {
    let uid = ctx.host.euid().to_string();
    let passwd = ctx.host.read_to_string(Path::new("/etc/passwd"))?;
    passwd.lines().find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        let _pw = f.next()?;
        (f.next()? == uid).then(|| name.to_string())
    })
}

/// keepalived's `init_global_data`: router_id, and the email sender and HELO
/// name when an SMTP server is set, default from the host name.
fn set_defaults(ctx: &mut Ctx) {
    let need_name = ctx.cfg.global.router_id.is_none()
        || (ctx.cfg.global.smtp_server.is_some()
            && (ctx.cfg.global.smtp_helo_name.is_none()
                || ctx.cfg.global.notification_email_from.is_none()));
    if !need_name {
        return;
    }
    let name = local_name(ctx);
    let user = own_user_name(ctx);
    let gl = &mut ctx.cfg.global;
    if gl.router_id.is_none() {
        gl.router_id = Some(name.clone());
    }
    if gl.smtp_server.is_some() {
        if gl.notification_email_from.is_none() {
            if let Some(u) = user {
                gl.notification_email_from = Some(format!("{u}@{name}"));
            }
        }
        if gl.smtp_helo_name.is_none() {
            gl.smtp_helo_name = Some(name);
        }
    }
}

/// main.c: the startup and shutdown scripts are checked by the parent; those
/// that must not run are dropped, and running any script without script
/// security is a security violation.
fn check_start_stop_scripts(ctx: &mut Ctx) {
    let mut all = 0;
    for startup in [true, false] {
        let slot = if startup {
            ctx.cfg.global.startup_script.take()
        } else {
            ctx.cfg.global.shutdown_script.take()
        };
        let Some(mut s) = slot else {
            continue;
        };
        let f = script::check_secure(ctx, &mut s);
        all |= f;
        let keep = f & (flags::INHIBIT | flags::NOTFOUND) == 0
            && f & (flags::EXECUTABLE | flags::SYSTEM) != 0;
        if keep {
            if startup {
                ctx.cfg.global.startup_script = Some(s);
            } else {
                ctx.cfg.global.shutdown_script = Some(s);
            }
        }
    }
    script::report_security(ctx, all, "startup/shutdown scripts");
}

/// keepalived ignores a VRRP or LVS FIFO that is the global FIFO (only
/// logged).
fn lint_fifos(ctx: &mut Ctx) {
    let gl = &ctx.cfg.global;
    let Some(global) = gl.notify_fifo.name.clone() else {
        return;
    };
    let same: Vec<&str> = [("vrrp", &gl.vrrp_notify_fifo), ("lvs", &gl.lvs_notify_fifo)]
        .into_iter()
        .filter(|(_, f)| f.name.as_deref() == Some(global.as_str()))
        .map(|(k, _)| k)
        .collect();
    for kind in same {
        let msg = format!("{kind}_notify_fifo is the same FIFO as notify_fifo ({global}): the {kind} FIFO is ignored");
        ctx.lint_at(None, msg);
    }
}

/// The notify FIFO scripts the VRRP process checks along with its own
/// scripts (keepalived's vrrp.c `check_vrrp_script_security`): the global
/// and the VRRP FIFO scripts. A script that must not run is dropped.
/// Returns the script flags for the VRRP part to fold into its own before
/// it calls `script::report_security` once.
pub fn check_vrrp_fifo_scripts(ctx: &mut Ctx) -> u32 {
    check_fifo_script(ctx, |g| &mut g.notify_fifo)
        | check_fifo_script(ctx, |g| &mut g.vrrp_notify_fifo)
}

/// The same for the checker process (check_data.c
/// `check_check_script_security`): the global and the LVS FIFO scripts.
pub fn check_checker_fifo_scripts(ctx: &mut Ctx) -> u32 {
    check_fifo_script(ctx, |g| &mut g.notify_fifo)
        | check_fifo_script(ctx, |g| &mut g.lvs_notify_fifo)
}

/// Checks a FIFO's script once (a script that must not run is dropped) and
/// returns its flags, also when asked again by another process's checks.
fn check_fifo_script(ctx: &mut Ctx, fifo: fn(&mut Global) -> &mut NotifyFifo) -> u32 {
    let f = fifo(&mut ctx.cfg.global);
    if let Some(flags) = f.script_flags {
        return flags;
    }
    let mut s = f.script.take();
    let flags = script::check_notify_secure(ctx, &mut s);
    let f = fifo(&mut ctx.cfg.global);
    f.script = s;
    f.script_flags = Some(flags);
    flags
}

/// keepalived's vrrp.c: once the VRRP instances are complete, the
/// `lvs_sync_daemon` instance must exist; its VRID is the default sync id.
/// `vrid_of` gives the VRID of an instance by name. Called once the VRRP
/// process completed its instances; keepalived does this after the point
/// where `-t` stops, so a missing instance is only our warning.
pub fn link_lvs_sync_daemon(ctx: &mut Ctx, vrid_of: impl Fn(&str) -> Option<u8>) {
    let Some(sd) = ctx.cfg.global.lvs_sync_daemon.as_mut() else {
        return;
    };
    let Some(name) = sd.vrrp_instance.clone() else {
        sd.sync_id.get_or_insert(0);
        return;
    };
    match vrid_of(&name) {
        Some(vrid) => {
            sd.sync_id.get_or_insert(vrid);
        }
        None => {
            // Kept as configured; whoever runs the sync daemon must check
            // the instance again.
            ctx.lint_at(
                None,
                format!("lvs_sync_daemon: there is no vrrp_instance '{name}': the sync daemon would not be run"),
            );
        }
    }
}
