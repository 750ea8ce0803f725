//! What keepalived's checker process checks after reading the
//! configuration, in its order: `link_vsg_to_vs`, `validate_check_config`
//! (defaults reported as errors, ports, quorum, duplicates, inheritance) and
//! the script security check.

use super::model::*;
use crate::config::diag::Class;
use crate::config::parser::Ctx;
use crate::config::script::{self, flags};
use std::time::Duration;

pub fn validate(ctx: &mut Ctx) {
    let mut vss = std::mem::take(&mut ctx.cfg.check.virtual_servers);
    link_groups(ctx, &mut vss);
    check_servers(ctx, &mut vss);
    resolve_checkers(&mut vss);
    ctx.cfg.check.virtual_servers = vss;
    check_scripts(ctx);
}

/// keepalived's `link_vsg_to_vs`: a `virtual_server group` needs its group,
/// of a compatible family. keepalived only logs these (so they never change
/// the verdict) and drops the virtual server.
fn link_groups(ctx: &mut Ctx, vss: &mut Vec<VirtualServer>) {
    let groups = ctx.cfg.check.groups.clone();
    vss.retain_mut(|v| {
        let VsAddress::Group(name) = &v.address else {
            return true;
        };
        let Some(g) = groups.iter().find(|g| &g.name == name) else {
            ctx.lint_at(
                Some(v.pos),
                format!("virtual_server_group '{name}' is not defined (or was ignored) - this virtual server is ignored"),
            );
            return false;
        };
        let (v4, v6) = (g.has_family(Family::Inet), g.has_family(Family::Inet6));
        if v4 && v6 && v.family.is_some() {
            ctx.lint_at(
                Some(v.pos),
                format!("virtual_server_group '{name}' has IPv4 and IPv6 entries, but the virtual server is of one family - it is ignored"),
            );
            return false;
        }
        if (v4 && v.family == Some(Family::Inet6)) || (v6 && v.family == Some(Family::Inet)) {
            ctx.lint_at(
                Some(v.pos),
                format!("the address family of virtual_server_group '{name}' differs from the virtual server's - it is ignored"),
            );
            return false;
        }
        if v4 != v6 {
            v.family.get_or_insert(if v4 { Family::Inet } else { Family::Inet6 });
        } else if v.family.is_none() && g.has_fwmark_without_family() {
            ctx.lint_at(
                Some(v.pos),
                format!("the address family of virtual server group '{name}' cannot be determined: IPv4 is used"),
            );
        }
        true
    });
}

/// keepalived's `validate_check_config`, up to the checkers.
fn check_servers(ctx: &mut Ctx, vss: &mut Vec<VirtualServer>) {
    let groups = ctx.cfg.check.groups.clone();
    vss.retain_mut(|v| {
        let name = v.describe();
        if v.real_servers.is_empty() {
            ctx.error_at(
                Class::General,
                Some(v.pos),
                format!("{name} has no real servers - it is ignored"),
            );
            return false;
        }
        let group = match &v.address {
            VsAddress::Group(g) => groups.iter().find(|x| &x.name == g),
            _ => None,
        };
        let is_fwmark = matches!(v.address, VsAddress::Fwmark(_));
        let group_has_fwmarks = group.is_some_and(|g| g.has_fwmarks());
        let group_has_addresses = group.is_some_and(|g| g.has_addresses());

        if v.ha_suspend && (is_fwmark || group_has_fwmarks) {
            ctx.error_at(
                Class::General,
                Some(v.pos),
                format!("{name}: ha_suspend cannot be used with firewall marks - it is cleared"),
            );
            v.ha_suspend = false;
        }

        if group_has_addresses || (group.is_none() && !is_fwmark) {
            if v.protocol.is_none() {
                ctx.error_at(
                    Class::General,
                    Some(v.pos),
                    format!("{name}: no 'protocol' - UDP is used"),
                )
                .help = Some("add 'protocol TCP' (or UDP, SCTP) to the virtual server".into());
                v.protocol = Some(Protocol::Udp);
            }
            if v.sched_flags.ops && v.protocol != Some(Protocol::Udp) {
                ctx.error_at(
                    Class::General,
                    Some(v.pos),
                    format!("{}: one-packet scheduling ('ops') needs UDP - it is cleared", v.describe()),
                );
                v.sched_flags.ops = false;
            }
            if v.persistence_timeout.is_none() && group.is_none() && v.port() == 0 {
                ctx.error_at(
                    Class::General,
                    Some(v.pos),
                    format!("{}: port 0 is only valid with persistence - persistence_timeout {} is set", v.describe(), DEFAULT_PERSISTENCE.as_secs()),
                );
                v.persistence_timeout = Some(DEFAULT_PERSISTENCE);
            }
        }

        if v.persistence_timeout.is_none() {
            if let Some(g) = group {
                let portless = g
                    .entries
                    .iter()
                    .any(|e| matches!(e, VsgEntry::Addresses { port: None, .. }));
                if portless {
                    ctx.error_at(
                        Class::General,
                        Some(v.pos),
                        format!("{name}: group entries without a port are only valid with persistence - persistence_timeout {} is set", DEFAULT_PERSISTENCE.as_secs()),
                    );
                    v.persistence_timeout = Some(DEFAULT_PERSISTENCE);
                }
            }
        }

        if v.protocol.is_some()
            && ((group.is_some() && !group_has_addresses && group_has_fwmarks)
                || (group.is_none() && is_fwmark))
        {
            ctx.error_at(
                Class::General,
                Some(v.pos),
                format!("{name}: 'protocol' does not apply to a firewall-mark service - it is ignored"),
            );
            v.protocol = None;
        }
        let name = v.describe();

        if v.scheduler.is_none() {
            ctx.error_at(
                Class::General,
                Some(v.pos),
                format!("{name}: no 'lvs_sched' - wlc is used"),
            )
            .help = Some("add 'lvs_sched wlc' (or another scheduler) to the virtual server".into());
            v.scheduler = Some(Scheduler::Wlc);
        }
        if v.smtp_alert.is_none() {
            let g = &ctx.cfg.global;
            v.smtp_alert = Some(g.smtp_alert_checker.or(g.smtp_alert).unwrap_or(false));
        }

        check_real_servers(ctx, v, &name);
        check_sorry_server(ctx, v, &name);
        check_quorum(ctx, v, &name);
        check_ports(ctx, v, group, &name);
        true
    });
}

fn no_method(ctx: &mut Ctx, v: &mut VirtualServer, name: &str) {
    if v.lvs_method.is_none() {
        ctx.error_at(
            Class::General,
            Some(v.pos),
            format!("{name}: no 'lvs_method' - NAT is used"),
        )
        .help = Some("add 'lvs_method NAT' (or DR, TUN) to the virtual server".into());
        v.lvs_method = Some(FwdMethod::Nat);
    }
}

fn check_real_servers(ctx: &mut Ctx, v: &mut VirtualServer, name: &str) {
    let mut servers = std::mem::take(&mut v.real_servers);
    let mut kept: Vec<RealServer> = Vec::with_capacity(servers.len());
    for mut r in servers.drain(..) {
        if kept.iter().any(|k| k.ip == r.ip && k.port == r.port) {
            ctx.error_at(
                Class::General,
                Some(r.pos),
                format!(
                    "{name}: {} is defined twice - the second one is ignored",
                    r.describe()
                ),
            );
            continue;
        }
        if r.lvs_method.is_none() {
            no_method(ctx, v, name);
            r.lvs_method = v.lvs_method;
            r.tunnel = v.tunnel;
        }
        r.alpha.get_or_insert(v.alpha);
        r.inhibit_on_failure.get_or_insert(v.inhibit_on_failure);
        if r.retry.is_none() {
            r.retry = v.retry;
        }
        r.connect_timeout.get_or_insert(v.connect_timeout);
        r.delay_loop.get_or_insert(v.delay_loop);
        if r.warmup.is_none() {
            r.warmup = v.warmup;
        }
        if r.delay_before_retry.is_none() {
            r.delay_before_retry = v.delay_before_retry;
        }
        r.weight.get_or_insert(v.weight);
        if r.smtp_alert.is_none() {
            // Unlike everywhere else, a real server alerts by default.
            let g = &ctx.cfg.global;
            r.smtp_alert = Some(g.smtp_alert_checker.or(g.smtp_alert).unwrap_or(true));
        }

        if let Some(s) = v.sorry_server.as_mut() {
            if s.ip == r.ip && s.port == r.port {
                let inhibit = r.inhibit_on_failure.unwrap_or(false);
                if s.inhibit != inhibit {
                    let how = if inhibit { "set" } else { "cleared" };
                    ctx.error_at(
                        Class::General,
                        Some(s.pos),
                        format!("{name}: the sorry server is also {}, with a different inhibit_on_failure - sorry_server_inhibit is {how} to match", r.describe()),
                    );
                    s.inhibit = inhibit;
                }
            }
        }
        kept.push(r);
    }
    v.real_servers = kept;
}

fn check_sorry_server(ctx: &mut Ctx, v: &mut VirtualServer, name: &str) {
    if v.sorry_server
        .as_ref()
        .is_some_and(|s| s.lvs_method.is_none())
    {
        no_method(ctx, v, name);
        let (m, t) = (v.lvs_method, v.tunnel);
        if let Some(s) = v.sorry_server.as_mut() {
            s.lvs_method = m;
            s.tunnel = t;
        }
    }
}

fn check_quorum(ctx: &mut Ctx, v: &mut VirtualServer, name: &str) {
    // keepalived adds the weights in an unsigned int.
    let total = v
        .real_servers
        .iter()
        .fold(0u32, |s, r| s.wrapping_add(r.weight.unwrap_or(0)));
    if v.quorum > total {
        ctx.error_at(
            Class::General,
            Some(v.pos),
            format!("{name}: quorum {} is more than the total weight {total} of the real servers - quorum is set to {total}", v.quorum),
        );
        v.quorum = total;
    }
    if v.hysteresis >= v.quorum {
        let h = v.quorum.wrapping_sub(1);
        ctx.error_at(
            Class::General,
            Some(v.pos),
            format!(
                "{name}: hysteresis {} is not less than quorum {} - hysteresis is set to {h}",
                v.hysteresis, v.quorum
            ),
        );
        v.hysteresis = h;
    }
}

/// Unless NAT, real and sorry servers use the virtual server's port (and a
/// firewall-mark service none).
fn check_ports(
    ctx: &mut Ctx,
    v: &mut VirtualServer,
    group: Option<&VirtualServerGroup>,
    name: &str,
) {
    let nat = |m: Option<FwdMethod>| m == Some(FwdMethod::Nat);
    if let Some(g) = group {
        if g.has_fwmarks() {
            for r in &v.real_servers {
                if !nat(r.lvs_method) && r.port != 0 {
                    ctx.error_at(
                        Class::General,
                        Some(r.pos),
                        format!(
                            "{name}: {} has a port, which a firewall-mark service ignores",
                            r.describe()
                        ),
                    );
                }
            }
            if let Some(s) = &v.sorry_server {
                if !nat(s.lvs_method) && s.port != 0 {
                    ctx.error_at(
                        Class::General,
                        Some(s.pos),
                        format!("{name}: the sorry server has a port, which a firewall-mark service ignores"),
                    );
                }
            }
        }
        for e in &g.entries {
            let VsgEntry::Addresses { first, port, .. } = e else {
                continue;
            };
            let eport = port.unwrap_or(0);
            for r in &v.real_servers {
                if !nat(r.lvs_method) && r.port != 0 && r.port != eport {
                    ctx.error_at(
                        Class::General,
                        Some(r.pos),
                        format!("{name}: the port of {} differs from port {eport} of group entry {first}, and only NAT can change ports", r.describe()),
                    );
                }
            }
            if let Some(s) = &v.sorry_server {
                if !nat(s.lvs_method) && s.port != 0 && s.port != eport {
                    ctx.error_at(
                        Class::General,
                        Some(s.pos),
                        format!("{name}: the sorry server's port {} differs from port {eport} of group entry {first} - it is ignored", s.port),
                    );
                }
            }
        }
        return;
    }
    let is_fwmark = matches!(v.address, VsAddress::Fwmark(_));
    let vport = v.port();
    for r in &mut v.real_servers {
        if nat(r.lvs_method) {
            if !is_fwmark && r.port == 0 {
                r.port = vport;
            }
            continue;
        }
        if is_fwmark {
            if r.port != 0 {
                ctx.error_at(
                    Class::General,
                    Some(r.pos),
                    format!("{name}: {} has a port, which a firewall-mark service cannot use without NAT - the port is cleared", r.describe()),
                );
                r.port = 0;
            }
        } else if r.port == 0 {
            r.port = vport;
        } else if r.port != vport {
            ctx.error_at(
                Class::General,
                Some(r.pos),
                format!("{name}: {} has another port than the virtual server, which only NAT allows - port {vport} is used", r.describe()),
            );
            r.port = vport;
        }
    }
    if let Some(s) = v.sorry_server.as_mut() {
        if nat(s.lvs_method) {
            return;
        }
        if is_fwmark {
            if s.port != 0 {
                ctx.error_at(
                    Class::General,
                    Some(s.pos),
                    format!("{name}: the sorry server has a port, which a firewall-mark service cannot use without NAT - the port is cleared"),
                );
                s.port = 0;
            }
        } else if s.port == 0 {
            s.port = vport;
        } else if s.port != vport {
            ctx.error_at(
                Class::General,
                Some(s.pos),
                format!("{name}: the sorry server has another port than the virtual server, which only NAT allows - port {vport} is used"),
            );
            s.port = vport;
        }
    }
}

/// The checkers inherit from their real server, which inherited from its
/// virtual server above; then keepalived's per-type defaults apply.
fn resolve_checkers(vss: &mut [VirtualServer]) {
    for v in vss.iter_mut() {
        for r in v.real_servers.iter_mut() {
            let rs_alpha = r.alpha.unwrap_or(false);
            for c in r.checkers.iter_mut() {
                if matches!(c.kind, CheckerKind::File(_)) {
                    continue;
                }
                c.alpha.get_or_insert(rs_alpha);
                if !c.is_scheduled() {
                    continue;
                }
                let (default_retry, default_dbr) = match c.kind {
                    CheckerKind::Http(_) | CheckerKind::Ssl(_) => (1, Some(Duration::from_secs(3))),
                    CheckerKind::Dns(_) => (3, None),
                    CheckerKind::Misc(_) => (0, Some(Duration::from_secs(1))),
                    _ => (1, Some(Duration::from_secs(1))),
                };
                c.retry.get_or_insert(r.retry.unwrap_or(default_retry));
                if let Some(co) = c.conn.as_mut() {
                    co.connect_timeout
                        .get_or_insert(r.connect_timeout.unwrap_or(v.connect_timeout));
                }
                let delay_loop = *c
                    .delay_loop
                    .get_or_insert(r.delay_loop.unwrap_or(v.delay_loop));
                c.warmup.get_or_insert(r.warmup.unwrap_or(delay_loop));
                c.delay_before_retry
                    .get_or_insert(r.delay_before_retry.or(default_dbr).unwrap_or(delay_loop));
            }
        }
    }
}

/// keepalived's `check_check_script_security`: MISC_CHECK scripts and the
/// notify scripts, then SECURITY VIOLATION when they would run without
/// `enable_script_security`.
fn check_scripts(ctx: &mut Ctx) {
    if ctx.cfg.check.virtual_servers.is_empty() {
        return;
    }
    let mut script_flags = 0;

    // MISC_CHECK scripts that must not run are dropped with their checker.
    let mut vss = std::mem::take(&mut ctx.cfg.check.virtual_servers);
    for v in vss.iter_mut() {
        for r in v.real_servers.iter_mut() {
            r.checkers
                .retain_mut(|c| misc_secure(ctx, c, &mut script_flags));
        }
    }
    let mut orphans = std::mem::take(&mut ctx.cfg.check.orphaned_checkers);
    orphans.retain_mut(|c| misc_secure(ctx, c, &mut script_flags));
    ctx.cfg.check.orphaned_checkers = orphans;

    for v in vss.iter_mut() {
        script_flags |= script::check_notify_secure(ctx, &mut v.quorum_up);
        script_flags |= script::check_notify_secure(ctx, &mut v.quorum_down);
        for r in v.real_servers.iter_mut() {
            script_flags |= script::check_notify_secure(ctx, &mut r.notify_up);
            script_flags |= script::check_notify_secure(ctx, &mut r.notify_down);
        }
    }
    ctx.cfg.check.virtual_servers = vss;

    // The checker process checks its own copy of the global FIFO scripts;
    // the VRRP process checks them again, which changes nothing here.
    script_flags |= crate::config::global::check_checker_fifo_scripts(ctx);

    script::report_security(ctx, script_flags, "check scripts");
}

fn misc_secure(ctx: &mut Ctx, c: &mut Checker, script_flags: &mut u32) -> bool {
    let CheckerKind::Misc(m) = &mut c.kind else {
        return true;
    };
    let f = script::check_secure(ctx, &mut m.script);
    *script_flags |= f;
    let runnable =
        f & (flags::INHIBIT | flags::NOTFOUND) == 0 && f & (flags::EXECUTABLE | flags::SYSTEM) != 0;
    if !runnable {
        let cmd = m.script.args.join(" ");
        ctx.lint_at(
            Some(m.script.pos),
            format!("MISC_CHECK script '{cmd}' cannot be run safely - the checker is disabled"),
        );
    }
    runnable
}
