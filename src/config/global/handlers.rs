//! Keyword handlers of global_defs and the global top-level keywords
//! (keepalived's global_parser.c).

use super::model::{
    Global, LvsFlushOnStop, LvsSyncDaemon, ProcessSched, ReloadFile, RxBufsPolicy, ScriptUser,
    SmtpServer, DEFAULT_IPVS_NF_START_FWMARK, DEFAULT_NFTABLES_IPVS_TABLE, DEFAULT_NFTABLES_TABLE,
};
use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx, Missing, Res};
use crate::config::preproc::check;
use crate::config::script;
use crate::config::values::{self, TIMER_HZ};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

/// The kernel keeps 16 bytes for a process name, the last one for the NUL.
const TASK_COMM_LEN: usize = 16;
/// Longest whole number of seconds keepalived accepts where it stores
/// microseconds in 32 bits (UINT_MAX / TIMER_HZ).
const MAX_SECS_U32_US: u32 = (u32::MAX as u64 / TIMER_HZ) as u32;
/// SCHED_RR priority range on Linux.
const SCHED_RR_MIN: i32 = 1;
const SCHED_RR_MAX: i32 = 99;
/// IPVS limits.
const IP_VS_IFNAME_MAXLEN: usize = 16;
const LVS_MAX_TIMEOUT: u32 = 86400 * 31;
/// nftables limit on table names (NFT_NAME_MAXLEN of current kernel headers).
const NFT_TABLE_MAXNAMELEN: usize = 256;
/// The sysctl `disable_local_igmp` changes.
const IGMP_LINK_LOCAL_MCAST_REPORTS: &str = "/proc/sys/net/ipv4/igmp_link_local_mcast_reports";

fn g<'a>(ctx: &'a mut Ctx) -> &'a mut Global {
    &mut ctx.cfg.global
}

fn general(ctx: &mut Ctx, a: &Args, i: usize, msg: impl Into<String>) {
    ctx.error(Class::General, a, i, msg);
}

fn secs(s: u32) -> Duration {
    Duration::from_secs(u64::from(s))
}

/// keepalived's `read_decimal_unsigned_strvec` / `read_timer`. Unlike the
/// integer readers, keepalived keeps an in-range value of a malformed
/// decimal (`1x` reads as 1) whenever the keyword tolerates errors, even
/// under `-t`.
fn decimal(
    ctx: &mut Ctx,
    a: &Args,
    i: usize,
    min: u64,
    max: u64,
    ignore_error: bool,
) -> Result<Option<u64>, Missing> {
    ctx.decimal(a, i, min, max, 6, ignore_error)
}

/// keepalived's `inet_stosockaddr` without port: the family is IPv6 when the
/// text has a ':'; anything from the first '-' or '/' on is ignored.
pub fn inet_address(text: &str) -> Option<IpAddr> {
    let end = text.find(['-', '/']).unwrap_or(text.len());
    let t = &text[..end];
    if text.contains(':') {
        t.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
    } else {
        t.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
    }
}

/// A `[BOOL]` keyword storing into a `bool`.
fn set_bool(ctx: &mut Ctx, a: &Args, field: fn(&mut Global) -> &mut bool) -> Res {
    if let Some(b) = ctx.opt_bool(a, 1) {
        *field(g(ctx)) = b;
    }
    Ok(())
}

/// A `[BOOL]` keyword storing into an `Option<bool>` (unset = object default).
fn set_opt_bool(ctx: &mut Ctx, a: &Args, field: fn(&mut Global) -> &mut Option<bool>) -> Res {
    if let Some(b) = ctx.opt_bool(a, 1) {
        *field(g(ctx)) = Some(b);
    }
    Ok(())
}

// ---- top-level keywords -----------------------------------------------------

pub fn linkbeat_use_polling(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).linkbeat_use_polling = true;
    Ok(())
}

pub fn net_namespace(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(name) = a.get(1) else {
        general(
            ctx,
            a,
            0,
            "net_namespace needs a namespace name: the line is ignored",
        );
        return Ok(());
    };
    if let Some(old) = g(ctx).net_namespace.clone() {
        general(
            ctx,
            a,
            1,
            format!("net_namespace is already '{old}': '{name}' is ignored"),
        );
        return Ok(());
    }
    let gl = g(ctx);
    gl.net_namespace = Some(name.to_string());
    gl.use_pid_dir = true;
    Ok(())
}

pub fn net_namespace_ipvs(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(old) = g(ctx).net_namespace_ipvs.clone() {
        // keepalived names the ignored namespace in its message, so a missing
        // name stops it here.
        let name = a.req(1)?.to_string();
        general(
            ctx,
            a,
            1,
            format!("net_namespace_ipvs is already '{old}': '{name}' is ignored"),
        );
        return Ok(());
    }
    g(ctx).net_namespace_ipvs = Some(a.get(1).unwrap_or("").to_string());
    Ok(())
}

pub fn namespace_with_ipsets(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).namespace_with_ipsets = true;
    Ok(())
}

pub fn use_pid_dir(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).use_pid_dir = true;
    Ok(())
}

pub fn instance(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(name) = a.get(1) else {
        general(ctx, a, 0, "instance needs a name: the line is ignored");
        return Ok(());
    };
    if let Some(old) = g(ctx).instance_name.clone() {
        general(
            ctx,
            a,
            1,
            format!("the instance name is already '{old}': '{name}' is ignored"),
        );
        return Ok(());
    }
    let gl = g(ctx);
    gl.instance_name = Some(name.to_string());
    gl.use_pid_dir = true;
    Ok(())
}

pub fn child_wait_time(ctx: &mut Ctx, a: &Args) -> Res {
    match ctx.unsigned(a, 1, 0, u32::MAX, false)? {
        Some(s) => g(ctx).child_wait_time = secs(s),
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!(
                    "child_wait_time '{w}' is not a number of seconds: the default of 5 s is kept"
                ),
            );
        }
    }
    Ok(())
}

// ---- process names ------------------------------------------------------------

fn save_process_name(
    ctx: &mut Ctx,
    a: &Args,
    name: &str,
    field: fn(&mut Global) -> &mut Option<String>,
) {
    let mut name = name.to_string();
    if name.len() >= TASK_COMM_LEN {
        let mut end = TASK_COMM_LEN - 1;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
        general(
            ctx,
            a,
            1,
            format!(
                "process names have at most {} characters: truncated to '{name}'",
                TASK_COMM_LEN - 1
            ),
        );
    }
    *field(g(ctx)) = Some(name);
}

pub fn process_names(ctx: &mut Ctx, _a: &Args) -> Res {
    let gl = g(ctx);
    gl.vrrp_process_name = Some("keepalived_vrrp".into());
    gl.checker_process_name = Some("keepalived_lvs".into());
    gl.bfd_process_name = Some("keepalived_bfd".into());
    Ok(())
}

pub fn process_name(ctx: &mut Ctx, a: &Args) -> Res {
    let n = a.req(1)?.to_string();
    save_process_name(ctx, a, &n, |g| &mut g.process_name);
    Ok(())
}

pub fn vrrp_process_name(ctx: &mut Ctx, a: &Args) -> Res {
    let n = a.req(1)?.to_string();
    save_process_name(ctx, a, &n, |g| &mut g.vrrp_process_name);
    Ok(())
}

pub fn checker_process_name(ctx: &mut Ctx, a: &Args) -> Res {
    let n = a.req(1)?.to_string();
    save_process_name(ctx, a, &n, |g| &mut g.checker_process_name);
    Ok(())
}

pub fn lvs_process_name(ctx: &mut Ctx, a: &Args) -> Res {
    // keepalived only logs the deprecation.
    ctx.lint(
        a,
        0,
        "'lvs_process_name' is deprecated: use 'checker_process_name'",
    );
    checker_process_name(ctx, a)
}

pub fn bfd_process_name(ctx: &mut Ctx, a: &Args) -> Res {
    let n = a.req(1)?.to_string();
    save_process_name(ctx, a, &n, |g| &mut g.bfd_process_name);
    Ok(())
}

// ---- identity and email ----------------------------------------------------------

pub fn router_id(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(id) = a.get(1) else {
        general(ctx, a, 0, "router_id needs a value: the line is ignored");
        return Ok(());
    };
    let gl = g(ctx);
    gl.router_id = Some(id.to_string());
    gl.router_id_configured = true;
    Ok(())
}

pub fn notification_email_from(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(from) = a.get(1) else {
        general(
            ctx,
            a,
            0,
            "notification_email_from needs an address: the line is ignored",
        );
        return Ok(());
    };
    g(ctx).notification_email_from = Some(from.to_string());
    Ok(())
}

pub fn smtp_server(ctx: &mut Ctx, a: &Args) -> Res {
    let host = a.req(1)?.to_string();
    let port_text = a.get(2).unwrap_or("25").to_string();
    let port = match values::unsigned(&port_text, 10, 1, 65535) {
        Ok(p) => Some(p as u16),
        Err(e) => {
            let i = if a.len() > 2 { 2 } else { 1 };
            ctx.error(
                Class::InvalidNumber,
                a,
                i,
                format!("smtp_server port: {}", e.message),
            );
            if ctx.lenient {
                e.value.map(|v| v as u16)
            } else {
                None
            }
        }
    };
    // keepalived tries a numeric address first (not for text with '-' or
    // '/', which cannot be one), then name resolution.
    let numeric = if host.contains(['-', '/']) {
        None
    } else {
        inet_address(&host)
    };
    let addr = numeric.or_else(|| ctx.host.resolve(&host).into_iter().next());
    match (addr, port) {
        (Some(ip), Some(port)) => {
            g(ctx).smtp_server = Some(SmtpServer {
                host,
                addr: SocketAddr::new(ip, port),
            });
        }
        (addr, _) => {
            g(ctx).smtp_server = None;
            let why = if addr.is_none() {
                "it is not an address and does not resolve to one"
            } else {
                "its port is invalid"
            };
            let d = ctx.error(
                Class::General,
                a,
                1,
                format!("invalid smtp_server '{host}' port {port_text}: {why}; no alert emails will be sent"),
            );
            if addr.is_none() {
                d.help = Some("keepalived resolves the name once, when it reads the configuration: use an IP address if DNS may not be available then".into());
            }
        }
    }
    Ok(())
}

pub fn smtp_helo_name(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(n) = a.get(1) {
        g(ctx).smtp_helo_name = Some(n.to_string());
    }
    Ok(())
}

pub fn smtp_connect_timeout(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(t) = ctx.unsigned(a, 1, 0, MAX_SECS_U32_US, true)? else {
        let w = a.get(1).unwrap_or("").to_string();
        general(
            ctx,
            a,
            1,
            format!("smtp_connect_timeout '{w}' must be 0..{MAX_SECS_U32_US} seconds: ignored"),
        );
        return Ok(());
    };
    let t = if t == 0 {
        general(
            ctx,
            a,
            1,
            "smtp_connect_timeout must be at least 1 second: 1 is used",
        );
        1
    } else {
        t
    };
    g(ctx).smtp_connect_timeout = secs(t);
    Ok(())
}

pub fn notification_email(ctx: &mut Ctx, a: &Args) -> Res {
    let entries = ctx.value_block(a);
    let addrs: Vec<String> = entries
        .iter()
        .flat_map(|e| e.rest(0).map(str::to_string).collect::<Vec<_>>())
        .collect();
    if addrs.is_empty() {
        general(
            ctx,
            a,
            0,
            "notification_email block is empty: no recipients are added",
        );
        return Ok(());
    }
    g(ctx).notification_email.extend(addrs);
    Ok(())
}

pub fn smtp_alert(ctx: &mut Ctx, a: &Args) -> Res {
    set_opt_bool(ctx, a, |g| &mut g.smtp_alert)
}

pub fn smtp_alert_vrrp(ctx: &mut Ctx, a: &Args) -> Res {
    set_opt_bool(ctx, a, |g| &mut g.smtp_alert_vrrp)
}

pub fn smtp_alert_checker(ctx: &mut Ctx, a: &Args) -> Res {
    set_opt_bool(ctx, a, |g| &mut g.smtp_alert_checker)
}

pub fn checker_log_all_failures(ctx: &mut Ctx, a: &Args) -> Res {
    set_bool(ctx, a, |g| &mut g.checker_log_all_failures)
}

pub fn no_email_faults(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).no_email_faults = true;
    Ok(())
}

// ---- start-up and shutdown scripts ----------------------------------------------------

fn startup_shutdown_script(ctx: &mut Ctx, a: &Args, startup: bool) -> Res {
    let kind = if startup { "startup" } else { "shutdown" };
    let set = if startup {
        g(ctx).startup_script.is_some()
    } else {
        g(ctx).shutdown_script.is_some()
    };
    if set {
        general(
            ctx,
            a,
            0,
            format!("{kind}_script is already set: this one is ignored"),
        );
        return Ok(());
    }
    if a.len() < 2 {
        general(ctx, a, 0, format!("{kind}_script needs a command: ignored"));
        return Ok(());
    }
    match script::notify_script(ctx, a, kind)? {
        Some(s) => {
            if startup {
                g(ctx).startup_script = Some(s);
            } else {
                g(ctx).shutdown_script = Some(s);
            }
        }
        None => general(
            ctx,
            a,
            1,
            format!("{kind}_script cannot be used (see above): it will not be run"),
        ),
    }
    Ok(())
}

pub fn startup_script(ctx: &mut Ctx, a: &Args) -> Res {
    startup_shutdown_script(ctx, a, true)
}

pub fn shutdown_script(ctx: &mut Ctx, a: &Args) -> Res {
    startup_shutdown_script(ctx, a, false)
}

fn script_timeout(ctx: &mut Ctx, a: &Args, startup: bool) -> Res {
    let kind = if startup { "startup" } else { "shutdown" };
    if a.len() < 2 {
        general(
            ctx,
            a,
            0,
            format!("{kind}_script_timeout needs a number of seconds: ignored"),
        );
        return Ok(());
    }
    match ctx.unsigned(a, 1, 1, 1000, true)? {
        Some(t) if startup => g(ctx).startup_script_timeout = secs(t),
        Some(t) => g(ctx).shutdown_script_timeout = secs(t),
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("{kind}_script_timeout '{w}' must be 1..1000 seconds: the default of 10 s is kept"),
            );
        }
    }
    Ok(())
}

pub fn startup_script_timeout(ctx: &mut Ctx, a: &Args) -> Res {
    script_timeout(ctx, a, true)
}

pub fn shutdown_script_timeout(ctx: &mut Ctx, a: &Args) -> Res {
    script_timeout(ctx, a, false)
}

pub fn script_user(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(user) = a.get(1).map(str::to_string) else {
        general(ctx, a, 0, "script_user needs a user name: ignored");
        return Ok(());
    };
    let group = a.get(2).map(str::to_string);
    let ok = script::set_default_user(ctx, &user, group.as_deref());
    // Once a script_user failed, keepalived keeps failing: it does not try
    // again, and scripts without their own user are not run.
    let failed_before = g(ctx).script_user.as_ref().is_some_and(|u| !u.resolved);
    let resolved = ok && !failed_before;
    g(ctx).script_user = Some(ScriptUser {
        user: user.clone(),
        group: group.clone(),
        resolved,
    });
    if !resolved {
        let what = match &group {
            Some(gr) => format!("user '{user}' or group '{gr}'"),
            None => format!("user '{user}'"),
        };
        let msg = if failed_before {
            "an earlier script_user failed, so scripts without their own user will not be run"
                .to_string()
        } else {
            format!("script_user: {what} does not exist; scripts without their own user will not be run")
        };
        general(ctx, a, 1, msg);
    }
    Ok(())
}

pub fn enable_script_security(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).script_security = true;
    Ok(())
}

// ---- notify FIFOs ----------------------------------------------------------------------

fn fifo_field<'a>(g: &'a mut Global, kind: &str) -> &'a mut super::model::NotifyFifo {
    match kind {
        "vrrp_" => &mut g.vrrp_notify_fifo,
        "lvs_" => &mut g.lvs_notify_fifo,
        _ => &mut g.notify_fifo,
    }
}

fn notify_fifo(ctx: &mut Ctx, a: &Args, kind: &str) -> Res {
    let Some(name) = a.get(1).map(str::to_string) else {
        general(
            ctx,
            a,
            0,
            format!("{kind}notify_fifo needs a path: ignored"),
        );
        return Ok(());
    };
    if let Some(old) = fifo_field(g(ctx), kind).name.clone() {
        general(
            ctx,
            a,
            1,
            format!("{kind}notify_fifo is already '{old}': '{name}' is ignored"),
        );
        return Ok(());
    }
    let ids = if a.len() > 2 {
        match script::user_at(ctx, a, 2)? {
            Some(ids) => ids,
            None => {
                // keepalived only logs this.
                ctx.lint(
                    a,
                    2,
                    format!("unknown user or group for {kind}notify_fifo '{name}': the FIFO is not used"),
                );
                return Ok(());
            }
        }
    } else {
        match script::default_user(ctx, Some(a.pos(1))) {
            Some(ids) => ids,
            None => {
                ctx.lint(
                    a,
                    1,
                    format!("no user to own {kind}notify_fifo '{name}': the FIFO is not used"),
                );
                return Ok(());
            }
        }
    };
    let f = fifo_field(g(ctx), kind);
    f.name = Some(name);
    f.uid = ids.0;
    f.gid = ids.1;
    Ok(())
}

fn notify_fifo_script(ctx: &mut Ctx, a: &Args, kind: &str) -> Res {
    if a.len() < 2 {
        general(
            ctx,
            a,
            0,
            format!("{kind}notify_fifo_script needs a command: ignored"),
        );
        return Ok(());
    }
    if fifo_field(g(ctx), kind).script.is_some() {
        let w = a.get(1).unwrap_or("").to_string();
        general(
            ctx,
            a,
            1,
            format!("{kind}notify_fifo_script is already set: '{w}' is ignored"),
        );
        return Ok(());
    }
    let what = format!("{kind}notify_fifo");
    // keepalived only logs a script it cannot use here.
    let s = script::notify_script(ctx, a, &what)?;
    fifo_field(g(ctx), kind).script = s;
    Ok(())
}

pub fn global_notify_fifo(ctx: &mut Ctx, a: &Args) -> Res {
    notify_fifo(ctx, a, "")
}
pub fn global_notify_fifo_script(ctx: &mut Ctx, a: &Args) -> Res {
    notify_fifo_script(ctx, a, "")
}
pub fn vrrp_notify_fifo(ctx: &mut Ctx, a: &Args) -> Res {
    notify_fifo(ctx, a, "vrrp_")
}
pub fn vrrp_notify_fifo_script(ctx: &mut Ctx, a: &Args) -> Res {
    notify_fifo_script(ctx, a, "vrrp_")
}
pub fn lvs_notify_fifo(ctx: &mut Ctx, a: &Args) -> Res {
    notify_fifo(ctx, a, "lvs_")
}
pub fn lvs_notify_fifo_script(ctx: &mut Ctx, a: &Args) -> Res {
    notify_fifo_script(ctx, a, "lvs_")
}

pub fn vrrp_notify_priority_changes(ctx: &mut Ctx, a: &Args) -> Res {
    set_bool(ctx, a, |g| &mut g.vrrp_notify_priority_changes)
}

pub fn fifo_write_vrrp_states_on_reload(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).fifo_write_vrrp_states_on_reload = true;
    Ok(())
}

// ---- process scheduling ------------------------------------------------------------------

fn sched_of<'a>(g: &'a mut Global, process: &str) -> &'a mut ProcessSched {
    match process {
        "vrrp" => &mut g.vrrp_sched,
        "checker" => &mut g.checker_sched,
        _ => &mut g.bfd_sched,
    }
}

fn process_priority(ctx: &mut Ctx, a: &Args, process: &str) -> Res {
    // keepalived sets the nice value to 0 when the line is wrong.
    let nice = if a.len() < 2 {
        general(
            ctx,
            a,
            0,
            format!("{process}_priority needs a nice value (-20..19): 0 is used"),
        );
        0
    } else {
        match ctx.int(a, 1, -20, 19, true)? {
            Some(p) => p,
            None => {
                general(
                    ctx,
                    a,
                    1,
                    format!("{process}_priority must be a nice value -20..19: 0 is used"),
                );
                0
            }
        }
    };
    sched_of(g(ctx), process).nice = nice as i8;
    Ok(())
}

fn no_swap(ctx: &mut Ctx, process: &str) -> Res {
    sched_of(g(ctx), process).no_swap = true;
    Ok(())
}

fn rt_priority(ctx: &mut Ctx, a: &Args, process: &str) -> Res {
    if a.len() < 2 {
        general(
            ctx,
            a,
            0,
            format!("{process}_rt_priority needs a real-time priority: ignored"),
        );
        return Ok(());
    }
    let Some(mut p) = ctx.int(a, 1, i32::MIN, i32::MAX, true)? else {
        general(
            ctx,
            a,
            1,
            format!("{process}_rt_priority is not a number: ignored"),
        );
        return Ok(());
    };
    if p < SCHED_RR_MIN {
        general(
            ctx,
            a,
            1,
            format!("{process}_rt_priority {p} is below the minimum {SCHED_RR_MIN}: {SCHED_RR_MIN} is used"),
        );
        p = SCHED_RR_MIN;
    } else if p > SCHED_RR_MAX {
        general(
            ctx,
            a,
            1,
            format!("{process}_rt_priority {p} is above the maximum {SCHED_RR_MAX}: {SCHED_RR_MAX} is used"),
        );
        p = SCHED_RR_MAX;
    }
    sched_of(g(ctx), process).realtime_priority = Some(p as u32);
    Ok(())
}

/// CPUs online (sysconf(_SC_NPROCESSORS_ONLN)), from sysfs.
fn cpus_online(ctx: &Ctx) -> i32 {
    let Some(text) = ctx
        .host
        .read_to_string(Path::new("/sys/devices/system/cpu/online"))
    else {
        return std::thread::available_parallelism().map_or(1, |n| n.get() as i32);
    };
    let mut n = 0i32;
    for part in text.trim().split(',').filter(|p| !p.is_empty()) {
        let mut ends = part.splitn(2, '-').map(|x| x.trim().parse::<i32>());
        match (ends.next(), ends.next()) {
            (Some(Ok(lo)), Some(Ok(hi))) if hi >= lo => n += hi - lo + 1,
            (Some(Ok(_)), None) => n += 1,
            _ => {}
        }
    }
    n.max(1)
}

fn cpu_affinity(ctx: &mut Ctx, a: &Args, process: &str) -> Res {
    if a.len() < 2 {
        general(
            ctx,
            a,
            0,
            format!("{process}_cpu_affinity needs CPU numbers: ignored"),
        );
        return Ok(());
    }
    let max = cpus_online(ctx) - 1;
    let mut cpus = Vec::new();
    for i in 1..a.len() {
        match ctx.int(a, i, 0, max, true)? {
            Some(c) => cpus.push(c as u32),
            None => {
                let w = a.get(i).unwrap_or("").to_string();
                general(
                    ctx,
                    a,
                    i,
                    format!("{process}_cpu_affinity: '{w}' is not a CPU of this machine (0..{max}): no CPU affinity is set"),
                );
                // keepalived clears the whole set at the first bad CPU.
                cpus.clear();
                break;
            }
        }
    }
    sched_of(g(ctx), process).cpu_affinity = cpus;
    Ok(())
}

fn rlimit_rttime(ctx: &mut Ctx, a: &Args, process: &str) -> Res {
    if a.keyword().ends_with("_rtime") {
        // keepalived only logs the deprecation.
        let kw = a.keyword().to_string();
        ctx.lint(
            a,
            0,
            format!("'{kw}' is deprecated: use '{process}_rlimit_rttime'"),
        );
    }
    // keepalived stores 0 (no limit) when the value is wrong.
    let limit = match ctx.unsigned(a, 1, 1, u32::MAX, true)? {
        Some(1) => 2, // halved elsewhere; must stay non-zero
        Some(l) => u64::from(l),
        None => {
            general(
                ctx,
                a,
                1,
                format!(
                    "{process}_rlimit_rttime must be 1..{} microseconds: no limit is set",
                    u32::MAX
                ),
            );
            0
        }
    };
    sched_of(g(ctx), process).rlimit_rttime_us = limit;
    Ok(())
}

pub fn vrrp_priority(ctx: &mut Ctx, a: &Args) -> Res {
    process_priority(ctx, a, "vrrp")
}
pub fn vrrp_no_swap(ctx: &mut Ctx, _a: &Args) -> Res {
    no_swap(ctx, "vrrp")
}
pub fn vrrp_rt_priority(ctx: &mut Ctx, a: &Args) -> Res {
    rt_priority(ctx, a, "vrrp")
}
pub fn vrrp_cpu_affinity(ctx: &mut Ctx, a: &Args) -> Res {
    cpu_affinity(ctx, a, "vrrp")
}
pub fn vrrp_rlimit_rttime(ctx: &mut Ctx, a: &Args) -> Res {
    rlimit_rttime(ctx, a, "vrrp")
}
pub fn checker_priority(ctx: &mut Ctx, a: &Args) -> Res {
    process_priority(ctx, a, "checker")
}
pub fn checker_no_swap(ctx: &mut Ctx, _a: &Args) -> Res {
    no_swap(ctx, "checker")
}
pub fn checker_rt_priority(ctx: &mut Ctx, a: &Args) -> Res {
    rt_priority(ctx, a, "checker")
}
pub fn checker_cpu_affinity(ctx: &mut Ctx, a: &Args) -> Res {
    cpu_affinity(ctx, a, "checker")
}
pub fn checker_rlimit_rttime(ctx: &mut Ctx, a: &Args) -> Res {
    rlimit_rttime(ctx, a, "checker")
}
pub fn bfd_priority(ctx: &mut Ctx, a: &Args) -> Res {
    process_priority(ctx, a, "bfd")
}
pub fn bfd_no_swap(ctx: &mut Ctx, _a: &Args) -> Res {
    no_swap(ctx, "bfd")
}
pub fn bfd_rt_priority(ctx: &mut Ctx, a: &Args) -> Res {
    rt_priority(ctx, a, "bfd")
}
pub fn bfd_cpu_affinity(ctx: &mut Ctx, a: &Args) -> Res {
    cpu_affinity(ctx, a, "bfd")
}
pub fn bfd_rlimit_rttime(ctx: &mut Ctx, a: &Args) -> Res {
    rlimit_rttime(ctx, a, "bfd")
}

pub fn max_auto_priority(ctx: &mut Ctx, a: &Args) -> Res {
    if a.len() < 2 {
        g(ctx).max_auto_priority = SCHED_RR_MAX;
        return Ok(());
    }
    match ctx.int(a, 1, -1, SCHED_RR_MAX, true)? {
        Some(p) => g(ctx).max_auto_priority = p,
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!(
                    "max_auto_priority '{w}' must be 0..{SCHED_RR_MAX}, or -1 to disable: ignored"
                ),
            );
        }
    }
    Ok(())
}

pub fn min_auto_priority_delay(ctx: &mut Ctx, a: &Args) -> Res {
    if a.len() < 2 {
        general(
            ctx,
            a,
            0,
            "min_auto_priority_delay needs a delay in microseconds: ignored",
        );
        return Ok(());
    }
    match ctx.int(a, 1, 1, 10_000_000, true)? {
        Some(us) => g(ctx).min_auto_priority_delay = Duration::from_micros(us as u64),
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("min_auto_priority_delay '{w}' must be 1..10000000 microseconds: ignored"),
            );
        }
    }
    Ok(())
}

// ---- VRRP defaults -------------------------------------------------------------------------

pub fn dynamic_interfaces(ctx: &mut Ctx, a: &Args) -> Res {
    g(ctx).dynamic_interfaces = true;
    if let Some(opt) = a.get(1) {
        if opt == "allow_if_changes" {
            g(ctx).allow_if_changes = true;
        } else {
            let opt = opt.to_string();
            general(
                ctx,
                a,
                1,
                format!("dynamic_interfaces: unknown option '{opt}' (only 'allow_if_changes' exists): ignored"),
            );
        }
    }
    Ok(())
}

pub fn default_interface(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(ifname) = a.get(1) else {
        general(
            ctx,
            a,
            0,
            "default_interface needs an interface name: ignored",
        );
        return Ok(());
    };
    g(ctx).default_interface = Some(ifname.to_string());
    Ok(())
}

pub fn disable_local_igmp(ctx: &mut Ctx, a: &Args) -> Res {
    let path = Path::new(IGMP_LINK_LOCAL_MCAST_REPORTS);
    let writable = ctx.host.stat(path).is_some_and(|st| {
        let euid = ctx.host.euid();
        euid == 0 || (st.uid == euid && st.mode & 0o200 != 0) || st.mode & 0o002 != 0
    });
    if !writable {
        general(
            ctx,
            a,
            0,
            format!("disable_local_igmp: the kernel setting {IGMP_LINK_LOCAL_MCAST_REPORTS} does not exist or cannot be written: ignored"),
        );
        return Ok(());
    }
    g(ctx).disable_local_igmp = true;
    Ok(())
}

fn mcast_group(ctx: &mut Ctx, a: &Args, v6: bool) -> Res {
    let kw = a.keyword().to_string();
    let text = a.req(1)?.to_string();
    let Some(addr) = inet_address(&text) else {
        general(
            ctx,
            a,
            1,
            format!("{kw}: '{text}' is not an IP address: ignored"),
        );
        return Ok(());
    };
    match (addr, v6) {
        (IpAddr::V4(a4), false) => {
            if !a4.is_multicast() {
                general(
                    ctx,
                    a,
                    1,
                    format!("{kw}: {a4} is not a multicast address: ignored"),
                );
                return Ok(());
            }
            g(ctx).vrrp_mcast_group4 = a4;
        }
        (IpAddr::V6(a6), true) => {
            if !a6.is_multicast() {
                general(
                    ctx,
                    a,
                    1,
                    format!("{kw}: {a6} is not a multicast address: ignored"),
                );
                return Ok(());
            }
            // Link-local scope is ff02::/16 (scope nibble 2).
            if a6.segments()[0] & 0xff0f != 0xff02 {
                ctx.error(
                    Class::Warning,
                    a,
                    1,
                    format!("{kw}: {a6} is not a link-local multicast address (ff02::/16); it is used anyway"),
                );
            }
            g(ctx).vrrp_mcast_group6 = a6;
        }
        _ => {
            let fam = if v6 { "IPv6" } else { "IPv4" };
            general(
                ctx,
                a,
                1,
                format!("{kw}: '{text}' is not an {fam} address: ignored"),
            );
        }
    }
    Ok(())
}

pub fn vrrp_mcast_group4(ctx: &mut Ctx, a: &Args) -> Res {
    mcast_group(ctx, a, false)
}

pub fn vrrp_mcast_group6(ctx: &mut Ctx, a: &Args) -> Res {
    mcast_group(ctx, a, true)
}

/// A whole number of seconds (0..4294) or report `what` is kept.
fn garp_secs(ctx: &mut Ctx, a: &Args, kept: &str) -> Result<Option<Duration>, Missing> {
    match ctx.unsigned(a, 1, 0, MAX_SECS_U32_US, true)? {
        Some(s) => Ok(Some(secs(s))),
        None => {
            let kw = a.keyword().to_string();
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("{kw} '{w}' must be 0..{MAX_SECS_U32_US} seconds: {kept}"),
            );
            Ok(None)
        }
    }
}

/// A repeat count where keepalived raises 0 to 1.
fn garp_repeat(ctx: &mut Ctx, a: &Args) -> Result<Option<u32>, Missing> {
    let kw = a.keyword().to_string();
    match ctx.unsigned(a, 1, 0, u32::MAX, true)? {
        Some(0) => {
            general(ctx, a, 1, format!("{kw} must be at least 1: 1 is used"));
            Ok(Some(1))
        }
        Some(n) => Ok(Some(n)),
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("{kw} '{w}' is not a valid count: ignored"),
            );
            Ok(None)
        }
    }
}

pub fn vrrp_garp_master_delay(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = garp_secs(ctx, a, "ignored")? {
        g(ctx).vrrp_garp_master_delay = d;
    }
    Ok(())
}

pub fn vrrp_garp_master_repeat(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(n) = garp_repeat(ctx, a)? {
        g(ctx).vrrp_garp_master_repeat = n;
    }
    Ok(())
}

pub fn vrrp_garp_master_refresh(ctx: &mut Ctx, a: &Args) -> Res {
    // keepalived turns the refresh off when the value is wrong.
    let d = ctx.unsigned(a, 1, 0, u32::MAX, true)?;
    if d.is_none() {
        let w = a.get(1).unwrap_or("").to_string();
        general(
            ctx,
            a,
            1,
            format!("vrrp_garp_master_refresh '{w}' is not a number of seconds: the refresh is turned off"),
        );
    }
    g(ctx).vrrp_garp_master_refresh = secs(d.unwrap_or(0));
    Ok(())
}

pub fn vrrp_garp_master_refresh_repeat(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(n) = garp_repeat(ctx, a)? {
        g(ctx).vrrp_garp_master_refresh_repeat = n;
    }
    Ok(())
}

pub fn vrrp_garp_lower_prio_delay(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = garp_secs(ctx, a, "ignored")? {
        g(ctx).vrrp_garp_lower_prio_delay = Some(d);
    }
    Ok(())
}

pub fn vrrp_garp_lower_prio_repeat(ctx: &mut Ctx, a: &Args) -> Res {
    match ctx.unsigned(a, 1, 0, i32::MAX as u32, true)? {
        Some(n) => g(ctx).vrrp_garp_lower_prio_repeat = Some(n),
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("vrrp_garp_lower_prio_repeat '{w}' is not a valid count: ignored"),
            );
        }
    }
    Ok(())
}

pub fn vrrp_down_timer_adverts(ctx: &mut Ctx, a: &Args) -> Res {
    match ctx.unsigned(a, 1, 1, 100, true)? {
        Some(n) => g(ctx).vrrp_down_timer_adverts = n,
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("vrrp_down_timer_adverts '{w}' must be 1..100: the default of 3 is kept"),
            );
        }
    }
    Ok(())
}

fn garp_gna_interval(ctx: &mut Ctx, a: &Args, gna: bool) -> Res {
    let kw = a.keyword().to_string();
    match decimal(ctx, a, 1, 1, u64::from(u32::MAX), true)? {
        Some(us) => {
            let d = Duration::from_micros(us);
            if gna {
                g(ctx).vrrp_gna_interval = d;
            } else {
                g(ctx).vrrp_garp_interval = d;
            }
        }
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            let d = ctx.error(
                Class::General,
                a,
                1,
                format!("{kw} '{w}' is ignored: there is no minimum interval (the smallest value is 0.000001 seconds)"),
            );
            if w.trim_start_matches('0')
                .trim_start_matches('.')
                .trim_start_matches('0')
                .is_empty()
            {
                d.help = Some(format!("to have no minimum interval, remove the {kw} line"));
            }
        }
    }
    let cur = if gna {
        g(ctx).vrrp_gna_interval
    } else {
        g(ctx).vrrp_garp_interval
    };
    if cur >= Duration::from_secs(1) {
        // keepalived only logs this.
        ctx.lint(
            a,
            1,
            format!("{kw} of {} s is very large", cur.as_secs_f64()),
        );
    }
    Ok(())
}

pub fn vrrp_garp_interval(ctx: &mut Ctx, a: &Args) -> Res {
    garp_gna_interval(ctx, a, false)
}

pub fn vrrp_gna_interval(ctx: &mut Ctx, a: &Args) -> Res {
    garp_gna_interval(ctx, a, true)
}

pub fn vrrp_min_garp(ctx: &mut Ctx, a: &Args) -> Res {
    if ctx.opt_bool(a, 1) != Some(true) {
        return Ok(());
    }
    // One gratuitous ARP/NA with no repeats, but only for the settings still
    // at their defaults when this line is read.
    let gl = g(ctx);
    if gl.vrrp_garp_master_repeat == 5 {
        gl.vrrp_garp_master_repeat = 1;
    }
    if gl.vrrp_garp_master_refresh_repeat == 1 {
        gl.vrrp_garp_master_refresh_repeat = 0;
    }
    if gl.vrrp_garp_master_delay == Duration::from_secs(5) {
        gl.vrrp_garp_master_delay = Duration::ZERO;
    }
    Ok(())
}

pub fn vrrp_garp_extra_if(ctx: &mut Ctx, a: &Args) -> Res {
    let kw = a.keyword().to_string();
    if kw == "vrrp_vmac_garp_intvl" {
        ctx.error(
            Class::Deprecated,
            a,
            0,
            "'vrrp_vmac_garp_intvl' is deprecated: use 'vrrp_garp_extra_if'",
        );
    }
    let mut delay = 0;
    for i in 1..a.len() {
        if a.get(i) == Some("all") {
            g(ctx).vrrp_garp_extra_if_all = true;
        } else {
            match ctx.unsigned(a, i, 1, 86400, true)? {
                Some(d) => delay = d,
                None => {
                    let w = a.get(i).unwrap_or("").to_string();
                    general(
                        ctx,
                        a,
                        i,
                        format!("{kw} '{w}' must be 1..86400 seconds: ignored"),
                    );
                    return Ok(());
                }
            }
        }
    }
    if delay == 0 {
        general(
            ctx,
            a,
            0,
            format!("{kw} needs an interval in seconds: ignored"),
        );
        return Ok(());
    }
    g(ctx).vrrp_garp_extra_if = Some(secs(delay));
    Ok(())
}

pub fn vrrp_lower_prio_no_advert(ctx: &mut Ctx, a: &Args) -> Res {
    set_bool(ctx, a, |g| &mut g.vrrp_lower_prio_no_advert)
}

pub fn vrrp_higher_prio_send_advert(ctx: &mut Ctx, a: &Args) -> Res {
    set_bool(ctx, a, |g| &mut g.vrrp_higher_prio_send_advert)
}

pub fn vrrp_version(ctx: &mut Ctx, a: &Args) -> Res {
    match ctx.int(a, 1, 2, 3, true)? {
        Some(v) => g(ctx).vrrp_version = v as u8,
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("vrrp_version '{w}' must be 2 or 3: the default of 2 is kept"),
            );
        }
    }
    Ok(())
}

pub fn vrrp_iptables(ctx: &mut Ctx, a: &Args) -> Res {
    let chains = a
        .get(1)
        .map(|i| (i.to_string(), a.get(2).map(str::to_string)));
    let gl = g(ctx);
    gl.vrrp_iptables = chains;
    gl.vrrp_nftables = Some(DEFAULT_NFTABLES_TABLE.into());
    gl.vrrp_nftables_priority = -1;
    ctx.error(
        Class::General,
        a,
        0,
        format!("vrrp_iptables is not supported: nftables (table '{DEFAULT_NFTABLES_TABLE}') is used instead"),
    )
    .help = Some("replace 'vrrp_iptables' and 'vrrp_ipsets' with 'nftables'".into());
    Ok(())
}

pub fn vrrp_ipsets(ctx: &mut Ctx, a: &Args) -> Res {
    g(ctx).vrrp_ipsets = Some(a.rest(1).map(str::to_string).collect());
    // keepalived 2.2.7 as built with nftables does not know the keyword
    // (an error of the same weight).
    ctx.error(
        Class::General,
        a,
        0,
        "vrrp_ipsets is not supported (ipsets need iptables; nftables is used): ignored",
    )
    .help = Some("replace 'vrrp_iptables' and 'vrrp_ipsets' with 'nftables'".into());
    Ok(())
}

fn nft_table(ctx: &mut Ctx, a: &Args, ipvs: bool) -> Res {
    let kw = a.keyword().to_string();
    let set = if ipvs {
        g(ctx).ipvs_nftables.is_some()
    } else {
        g(ctx).vrrp_nftables.is_some()
    };
    if set {
        general(ctx, a, 0, format!("{kw} is already set: ignored"));
        return Ok(());
    }
    let name = match a.get(1) {
        Some(n) if n.len() >= NFT_TABLE_MAXNAMELEN => {
            let n = n.to_string();
            general(
                ctx,
                a,
                1,
                format!(
                    "{kw}: table name '{n}' is longer than {} characters: ignored",
                    NFT_TABLE_MAXNAMELEN - 1
                ),
            );
            return Ok(());
        }
        Some(n) => n.to_string(),
        None if ipvs => DEFAULT_NFTABLES_IPVS_TABLE.into(),
        None => DEFAULT_NFTABLES_TABLE.into(),
    };
    let gl = g(ctx);
    if ipvs {
        gl.ipvs_nftables = Some(name);
        gl.ipvs_nftables_priority = -1;
        gl.ipvs_nftables_start_fwmark = DEFAULT_IPVS_NF_START_FWMARK;
    } else {
        gl.vrrp_nftables = Some(name);
        gl.vrrp_nftables_priority = -1;
    }
    Ok(())
}

pub fn nftables(ctx: &mut Ctx, a: &Args) -> Res {
    nft_table(ctx, a, false)
}

pub fn nftables_ipvs(ctx: &mut Ctx, a: &Args) -> Res {
    nft_table(ctx, a, true)
}

fn nft_priority(ctx: &mut Ctx, a: &Args, ipvs: bool) -> Res {
    match ctx.int(a, 1, i32::MIN, i32::MAX, false)? {
        Some(p) if ipvs => g(ctx).ipvs_nftables_priority = p,
        Some(p) => g(ctx).vrrp_nftables_priority = p,
        None => {
            let kw = a.keyword().to_string();
            let w = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::InvalidNumber,
                a,
                1,
                format!("{kw} '{w}' is not a chain priority: ignored"),
            );
        }
    }
    Ok(())
}

pub fn nftables_priority(ctx: &mut Ctx, a: &Args) -> Res {
    nft_priority(ctx, a, false)
}

pub fn nftables_ipvs_priority(ctx: &mut Ctx, a: &Args) -> Res {
    nft_priority(ctx, a, true)
}

pub fn nftables_ipvs_start_fwmark(ctx: &mut Ctx, a: &Args) -> Res {
    match ctx.unsigned(a, 1, 1, u32::MAX, false)? {
        Some(m) => g(ctx).ipvs_nftables_start_fwmark = m,
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::InvalidNumber,
                a,
                1,
                format!(
                    "nftables_ipvs_start_fwmark '{w}' must be 1..{}: ignored",
                    u32::MAX
                ),
            );
        }
    }
    Ok(())
}

pub fn nftables_ifindex(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).vrrp_nftables_ifindex = true;
    Ok(())
}

pub fn nftables_counters(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).nftables_counters = true;
    Ok(())
}

pub fn vrrp_check_unicast_src(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).vrrp_check_unicast_src = true;
    Ok(())
}

pub fn vrrp_skip_check_adv_addr(ctx: &mut Ctx, a: &Args) -> Res {
    if a.get(1).and_then(values::boolean) == Some(false) {
        // keepalived ignores the argument: even 'false' turns it on.
        ctx.lint(
            a,
            1,
            "vrrp_skip_check_adv_addr ignores its argument: 'false' still turns it on",
        );
    }
    g(ctx).vrrp_skip_check_adv_addr = true;
    Ok(())
}

pub fn vrrp_strict(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).vrrp_strict = true;
    Ok(())
}

/// keepalived's `get_netlink_rcv_bufs_size`: 0 means "not set".
fn rcv_bufs(ctx: &mut Ctx, a: &Args) -> Result<Option<u32>, Missing> {
    let kw = a.keyword().to_string();
    if a.len() < 2 {
        general(ctx, a, 0, format!("{kw} needs a size in bytes: ignored"));
        return Ok(None);
    }
    match ctx.unsigned(a, 1, 0, u32::MAX, false)? {
        Some(0) => Ok(None),
        Some(v) => Ok(Some(v)),
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("{kw} '{w}' is not a size in bytes: ignored"),
            );
            Ok(None)
        }
    }
}

pub fn vrrp_netlink_cmd_rcv_bufs(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = rcv_bufs(ctx, a)? {
        g(ctx).vrrp_netlink_cmd_rcv_bufs = Some(v);
    }
    Ok(())
}
pub fn vrrp_netlink_cmd_rcv_bufs_force(ctx: &mut Ctx, a: &Args) -> Res {
    set_bool(ctx, a, |g| &mut g.vrrp_netlink_cmd_rcv_bufs_force)
}
pub fn vrrp_netlink_monitor_rcv_bufs(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = rcv_bufs(ctx, a)? {
        g(ctx).vrrp_netlink_monitor_rcv_bufs = Some(v);
    }
    Ok(())
}
pub fn vrrp_netlink_monitor_rcv_bufs_force(ctx: &mut Ctx, a: &Args) -> Res {
    set_bool(ctx, a, |g| &mut g.vrrp_netlink_monitor_rcv_bufs_force)
}
pub fn process_monitor_rcv_bufs(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = rcv_bufs(ctx, a)? {
        g(ctx).process_monitor_rcv_bufs = Some(v);
    }
    Ok(())
}
pub fn process_monitor_rcv_bufs_force(ctx: &mut Ctx, a: &Args) -> Res {
    set_bool(ctx, a, |g| &mut g.process_monitor_rcv_bufs_force)
}
pub fn lvs_netlink_cmd_rcv_bufs(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = rcv_bufs(ctx, a)? {
        g(ctx).lvs_netlink_cmd_rcv_bufs = Some(v);
    }
    Ok(())
}
pub fn lvs_netlink_cmd_rcv_bufs_force(ctx: &mut Ctx, a: &Args) -> Res {
    set_bool(ctx, a, |g| &mut g.lvs_netlink_cmd_rcv_bufs_force)
}
pub fn lvs_netlink_monitor_rcv_bufs(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = rcv_bufs(ctx, a)? {
        g(ctx).lvs_netlink_monitor_rcv_bufs = Some(v);
    }
    Ok(())
}
pub fn lvs_netlink_monitor_rcv_bufs_force(ctx: &mut Ctx, a: &Args) -> Res {
    set_bool(ctx, a, |g| &mut g.lvs_netlink_monitor_rcv_bufs_force)
}

pub fn vrrp_rx_bufs_policy(ctx: &mut Ctx, a: &Args) -> Res {
    const MTU: u8 = 1;
    const ADVERT: u8 = 2;
    const SIZE: u8 = 4;
    if a.len() < 2 {
        general(
            ctx,
            a,
            0,
            "vrrp_rx_bufs_policy needs MTU, ADVERT or a size: ignored",
        );
        return Ok(());
    }
    // keepalived adds to the policy of earlier lines.
    let (mut bits, mut size) = match g(ctx).vrrp_rx_bufs_policy {
        RxBufsPolicy::Default => (0, 0),
        RxBufsPolicy::Mtu => (MTU, 0),
        RxBufsPolicy::Advert => (ADVERT, 0),
        RxBufsPolicy::Size(s) => (SIZE, s),
    };
    for i in 1..a.len() {
        let w = a.get(i).unwrap_or("").to_string();
        if w.eq_ignore_ascii_case("MTU") {
            bits |= MTU;
        } else if w.eq_ignore_ascii_case("ADVERT") {
            bits |= ADVERT;
        } else {
            // keepalived reads the size from the first word, whichever word
            // is not a policy name.
            match ctx.unsigned(a, 1, 0, u32::MAX, false)? {
                Some(s) => {
                    size = s;
                    bits |= SIZE;
                }
                None => general(
                    ctx,
                    a,
                    i,
                    format!(
                        "vrrp_rx_bufs_policy: '{w}' is not MTU, ADVERT or a size in bytes: ignored"
                    ),
                ),
            }
        }
    }
    if bits & SIZE != 0 && bits & (MTU | ADVERT) != 0 {
        general(
            ctx,
            a,
            0,
            "vrrp_rx_bufs_policy: a size and a policy cannot both be set: the policy is ignored",
        );
        bits = SIZE;
    } else if bits & MTU != 0 && bits & ADVERT != 0 {
        general(
            ctx,
            a,
            0,
            "vrrp_rx_bufs_policy: MTU and ADVERT cannot both be set: ADVERT is ignored",
        );
        bits = MTU;
    }
    g(ctx).vrrp_rx_bufs_policy = match bits {
        SIZE => RxBufsPolicy::Size(size),
        MTU => RxBufsPolicy::Mtu,
        ADVERT => RxBufsPolicy::Advert,
        _ => RxBufsPolicy::Default,
    };
    Ok(())
}

pub fn vrrp_rx_bufs_multiplier(ctx: &mut Ctx, a: &Args) -> Res {
    if a.len() != 2 {
        general(
            ctx,
            a,
            0,
            "vrrp_rx_bufs_multiplier takes exactly one number: ignored",
        );
        return Ok(());
    }
    match ctx.unsigned(a, 1, 1, u32::MAX, false)? {
        Some(m) => g(ctx).vrrp_rx_bufs_multiplier = m,
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("vrrp_rx_bufs_multiplier '{w}' must be at least 1: ignored"),
            );
        }
    }
    Ok(())
}

pub fn vrrp_startup_delay(ctx: &mut Ctx, a: &Args) -> Res {
    match decimal(ctx, a, 1, TIMER_HZ / 1000, u64::from(u32::MAX), true)? {
        Some(us) => g(ctx).vrrp_startup_delay = Duration::from_micros(us),
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("vrrp_startup_delay '{w}' must be 0.001..4294.967295 seconds: ignored"),
            );
        }
    }
    if g(ctx).vrrp_startup_delay >= Duration::from_secs(60) {
        let d = g(ctx).vrrp_startup_delay.as_secs_f64();
        ctx.lint(a, 1, format!("vrrp_startup_delay of {d} s is very large"));
    }
    Ok(())
}

pub fn vrrp_delay_after_boot(ctx: &mut Ctx, a: &Args) -> Res {
    match decimal(ctx, a, 1, TIMER_HZ / 1000, u64::from(u32::MAX), true)? {
        Some(us) => g(ctx).vrrp_delay_after_boot = Some(Duration::from_micros(us)),
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("vrrp_delay_after_boot '{w}' must be 0.001..4294.967295 seconds: ignored"),
            );
        }
    }
    Ok(())
}

pub fn log_unknown_vrids(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).log_unknown_vrids = true;
    Ok(())
}

fn prefix(ctx: &mut Ctx, a: &Args, addr: bool) -> Res {
    let kw = a.keyword().to_string();
    let p = a.req(1)?.to_string();
    let old = if addr {
        g(ctx).vmac_addr_prefix.clone()
    } else {
        g(ctx).vmac_prefix.clone()
    };
    if let Some(old) = old {
        general(
            ctx,
            a,
            1,
            format!("{kw} is already '{old}': '{p}' is ignored"),
        );
        return Ok(());
    }
    if addr {
        g(ctx).vmac_addr_prefix = Some(p);
    } else {
        g(ctx).vmac_prefix = Some(p);
    }
    Ok(())
}

pub fn vmac_prefix(ctx: &mut Ctx, a: &Args) -> Res {
    prefix(ctx, a, false)
}

pub fn vmac_addr_prefix(ctx: &mut Ctx, a: &Args) -> Res {
    prefix(ctx, a, true)
}

pub fn v3_checksum_as_v2(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).v3_checksum_as_v2 = true;
    Ok(())
}

pub fn vrrp_owner_ignore_adverts(ctx: &mut Ctx, a: &Args) -> Res {
    set_bool(ctx, a, |g| &mut g.vrrp_owner_ignore_adverts)
}

// ---- LVS ---------------------------------------------------------------------------------------

pub fn lvs_timeouts(ctx: &mut Ctx, a: &Args) -> Res {
    if a.len() < 3 {
        general(
            ctx,
            a,
            0,
            "lvs_timeouts needs at least one of 'tcp SECS', 'tcpfin SECS', 'udp SECS': ignored",
        );
        return Ok(());
    }
    let mut i = 1;
    while i < a.len() {
        let opt = a.get(i).unwrap_or("").to_string();
        if matches!(opt.as_str(), "tcp" | "tcpfin" | "udp") {
            if i == a.len() - 1 {
                general(
                    ctx,
                    a,
                    i,
                    format!("lvs_timeouts: '{opt}' has no value: ignored"),
                );
                i += 1;
                continue;
            }
            match ctx.unsigned(a, i + 1, 0, LVS_MAX_TIMEOUT, false)? {
                Some(v) => {
                    let t = &mut g(ctx).lvs_timeouts;
                    let slot = match opt.as_str() {
                        "tcp" => &mut t.tcp,
                        "tcpfin" => &mut t.tcp_fin,
                        _ => &mut t.udp,
                    };
                    *slot = Some(secs(v));
                }
                None => {
                    let w = a.get(i + 1).unwrap_or("").to_string();
                    general(
                        ctx,
                        a,
                        i + 1,
                        format!("lvs_timeouts {opt} '{w}' must be 0..{LVS_MAX_TIMEOUT} seconds (31 days): ignored"),
                    );
                }
            }
            i += 2;
            continue;
        }
        general(
            ctx,
            a,
            i,
            format!("lvs_timeouts: unknown option '{opt}' (expected tcp, tcpfin or udp)"),
        );
        i += 1;
    }
    Ok(())
}

pub fn lvs_sync_daemon(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(old) = g(ctx).lvs_sync_daemon.clone() {
        let inst = old.vrrp_instance.unwrap_or_default();
        general(
            ctx,
            a,
            0,
            format!(
                "lvs_sync_daemon is already set to {} {inst}: this line is ignored",
                old.interface
            ),
        );
        return Ok(());
    }
    let Some(ifname) = a.get(1).map(str::to_string) else {
        general(ctx, a, 0, "lvs_sync_daemon needs an interface: ignored");
        return Ok(());
    };
    if ifname.len() >= IP_VS_IFNAME_MAXLEN {
        general(
            ctx,
            a,
            1,
            format!(
                "lvs_sync_daemon: interface name '{ifname}' is longer than {} characters: ignored",
                IP_VS_IFNAME_MAXLEN - 1
            ),
        );
        return Ok(());
    }
    let mut sd = LvsSyncDaemon {
        interface: ifname,
        vrrp_instance: None,
        sync_id: None,
        max_len: None,
        port: None,
        ttl: None,
        group: None,
    };
    let mut i = 2;
    while i < a.len() {
        let opt = a.get(i).unwrap_or("").to_string();
        let last = i == a.len() - 1;
        match opt.as_str() {
            "inst" => {
                if let Some(old) = &sd.vrrp_instance {
                    let old = old.clone();
                    general(
                        ctx,
                        a,
                        i,
                        format!("lvs_sync_daemon: the VRRP instance is already '{old}': ignored"),
                    );
                } else {
                    sd.vrrp_instance = Some(a.req(i + 1)?.to_string());
                }
                i += 2;
                continue;
            }
            "id" | "maxlen" | "port" | "ttl" | "group" => {
                if last {
                    general(
                        ctx,
                        a,
                        i,
                        format!("lvs_sync_daemon: '{opt}' has no value: ignored"),
                    );
                    i += 1;
                    continue;
                }
                let w = a.get(i + 1).unwrap_or("").to_string();
                match opt.as_str() {
                    "id" => match ctx.unsigned(a, i + 1, 0, 255, false)? {
                        Some(v) => sd.sync_id = Some(v as u8),
                        None => general(
                            ctx,
                            a,
                            i + 1,
                            format!("lvs_sync_daemon id '{w}' must be 0..255: the VRID is used"),
                        ),
                    },
                    "maxlen" => match ctx.unsigned(a, i + 1, 1, 65535 - 20 - 8, false)? {
                        Some(v) => sd.max_len = Some(v as u16),
                        None => general(
                            ctx,
                            a,
                            i + 1,
                            format!("lvs_sync_daemon maxlen '{w}' must be 1..65507: ignored"),
                        ),
                    },
                    "port" => match ctx.unsigned(a, i + 1, 1, 65535, false)? {
                        Some(v) => sd.port = Some(v as u16),
                        None => general(
                            ctx,
                            a,
                            i + 1,
                            format!("lvs_sync_daemon port '{w}' must be 1..65535: ignored"),
                        ),
                    },
                    "ttl" => match ctx.unsigned(a, i + 1, 1, 255, false)? {
                        Some(v) => sd.ttl = Some(v as u8),
                        None => general(
                            ctx,
                            a,
                            i + 1,
                            format!("lvs_sync_daemon ttl '{w}' must be 1..255: ignored"),
                        ),
                    },
                    _ => match inet_address(&w) {
                        None => {
                            sd.group = None;
                            general(
                                ctx,
                                a,
                                i + 1,
                                format!(
                                    "lvs_sync_daemon group '{w}' is not an IP address: ignored"
                                ),
                            );
                        }
                        Some(ip) if !ip.is_multicast() => {
                            sd.group = None;
                            general(
                                ctx,
                                a,
                                i + 1,
                                format!("lvs_sync_daemon group {ip} is not a multicast address: ignored"),
                            );
                        }
                        Some(ip) => sd.group = Some(ip),
                    },
                }
                i += 2;
                continue;
            }
            _ => {}
        }
        // The old form: lvs_sync_daemon IF INSTANCE [SYNC_ID].
        if i == 2 {
            sd.vrrp_instance = Some(opt);
        } else if i == 3 {
            match ctx.unsigned(a, 3, 0, 255, false)? {
                Some(v) => {
                    general(ctx, a, 3, "lvs_sync_daemon: write the sync id as 'id N'");
                    sd.sync_id = Some(v as u8);
                }
                None => general(
                    ctx,
                    a,
                    3,
                    format!("lvs_sync_daemon sync id '{opt}' must be 0..255: the VRID is used"),
                ),
            }
        } else {
            general(
                ctx,
                a,
                i,
                format!("lvs_sync_daemon: unknown option '{opt}'"),
            );
        }
        i += 1;
    }
    g(ctx).lvs_sync_daemon = Some(sd);
    Ok(())
}

pub fn lvs_flush(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).lvs_flush = true;
    Ok(())
}

pub fn lvs_flush_on_stop(ctx: &mut Ctx, a: &Args) -> Res {
    if a.keyword() == "lvs_flush_onstop" {
        ctx.lint(
            a,
            0,
            "'lvs_flush_onstop' is an old spelling of 'lvs_flush_on_stop'",
        );
    }
    match a.get(1) {
        None => g(ctx).lvs_flush_on_stop = LvsFlushOnStop::Full,
        Some("VS") => g(ctx).lvs_flush_on_stop = LvsFlushOnStop::Vs,
        Some(w) => {
            let w = w.to_string();
            general(
                ctx,
                a,
                1,
                format!("lvs_flush_on_stop: unknown type '{w}' (only 'VS'): ignored"),
            );
        }
    }
    Ok(())
}

pub fn rs_init_notifies(ctx: &mut Ctx, a: &Args) -> Res {
    set_bool(ctx, a, |g| &mut g.rs_init_notifies)
}

pub fn no_checker_emails(ctx: &mut Ctx, a: &Args) -> Res {
    set_bool(ctx, a, |g| &mut g.no_checker_emails)
}

// ---- SNMP and D-Bus ----------------------------------------------------------------------------

pub fn snmp_socket(ctx: &mut Ctx, a: &Args) -> Res {
    if a.len() > 2 {
        general(
            ctx,
            a,
            2,
            "snmp_socket takes one socket name: the line is ignored",
        );
        return Ok(());
    }
    let Some(s) = a.get(1).map(str::to_string) else {
        general(ctx, a, 0, "snmp_socket needs a socket name: ignored");
        return Ok(());
    };
    if s.len() > 4095 {
        general(ctx, a, 1, "snmp_socket name is too long: ignored");
        return Ok(());
    }
    if let Some(old) = g(ctx).snmp_socket.clone() {
        general(
            ctx,
            a,
            1,
            format!("snmp_socket is already '{old}': '{s}' is ignored"),
        );
        return Ok(());
    }
    g(ctx).snmp_socket = Some(s);
    Ok(())
}

pub fn enable_traps(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).enable_traps = true;
    Ok(())
}

pub fn enable_snmp_vrrp(ctx: &mut Ctx, a: &Args) -> Res {
    if a.keyword() == "enable_snmp_keepalived" {
        ctx.lint(
            a,
            0,
            "'enable_snmp_keepalived' is an old name of 'enable_snmp_vrrp'",
        );
    }
    g(ctx).enable_snmp_vrrp = true;
    Ok(())
}

pub fn enable_snmp_rfc(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).enable_snmp_rfcv2 = true;
    g(ctx).enable_snmp_rfcv3 = true;
    Ok(())
}

pub fn enable_snmp_rfcv2(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).enable_snmp_rfcv2 = true;
    Ok(())
}

pub fn enable_snmp_rfcv3(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).enable_snmp_rfcv3 = true;
    Ok(())
}

pub fn enable_snmp_checker(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).enable_snmp_checker = true;
    Ok(())
}

fn stats_interval(ctx: &mut Ctx, a: &Args, rs: bool) -> Res {
    match decimal(ctx, a, 1, 1000, 30 * TIMER_HZ, true)? {
        Some(us) if rs => g(ctx).snmp_rs_stats_update_interval = Some(Duration::from_micros(us)),
        Some(us) => g(ctx).snmp_vs_stats_update_interval = Duration::from_micros(us),
        None => {
            let kw = a.keyword().to_string();
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("{kw} '{w}' must be 0.001..30 seconds: ignored"),
            );
        }
    }
    Ok(())
}

pub fn snmp_vs_stats_update_interval(ctx: &mut Ctx, a: &Args) -> Res {
    stats_interval(ctx, a, false)
}

pub fn snmp_rs_stats_update_interval(ctx: &mut Ctx, a: &Args) -> Res {
    stats_interval(ctx, a, true)
}

pub fn enable_dbus(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).enable_dbus = true;
    Ok(())
}

pub fn dbus_service_name(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(n) = a.get(1) else {
        general(ctx, a, 0, "dbus_service_name needs a name: ignored");
        return Ok(());
    };
    g(ctx).dbus_service_name = Some(n.to_string());
    Ok(())
}

pub fn dbus_no_interface_name(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(n) = a.get(1) else {
        general(ctx, a, 0, "dbus_no_interface_name needs a name: ignored");
        return Ok(());
    };
    g(ctx).dbus_no_interface_name = Some(n.to_string());
    Ok(())
}

// ---- files, reload and misc ------------------------------------------------------------------

pub fn umask(ctx: &mut Ctx, a: &Args) -> Res {
    const BITS: [(&str, u32); 9] = [
        ("IRUSR", 0o400),
        ("IWUSR", 0o200),
        ("IXUSR", 0o100),
        ("IRGRP", 0o040),
        ("IWGRP", 0o020),
        ("IXGRP", 0o010),
        ("IROTH", 0o004),
        ("IWOTH", 0o002),
        ("IXOTH", 0o001),
    ];
    let mask = a.req(1)?.to_string();
    let bits = if mask.starts_with(|c: char| c.is_ascii_digit()) {
        if a.len() != 2 {
            general(
                ctx,
                a,
                2,
                "umask: a numeric umask takes no further words: ignored",
            );
            return Ok(());
        }
        let (v, rest) = values::int_base0(&mask);
        if !rest.is_empty() || v < 0 || v & !0o777 != 0 {
            general(
                ctx,
                a,
                1,
                format!("umask '{mask}' is not a mode between 0 and 0777: ignored"),
            );
            return Ok(());
        }
        v as u32
    } else {
        let mut bits = 0;
        let mut need_or = false;
        for i in 1..a.len() {
            let word = a.get(i).unwrap_or("").to_string();
            let mut p = word.as_str();
            while !p.is_empty() {
                if need_or {
                    if let Some(r) = p.strip_prefix('|') {
                        need_or = false;
                        p = r;
                        continue;
                    }
                    general(
                        ctx,
                        a,
                        i,
                        format!("umask: '{word}': bit names must be joined with '|': ignored"),
                    );
                    return Ok(());
                }
                match BITS.iter().find(|(n, _)| p.starts_with(n)) {
                    Some((n, b)) => {
                        bits |= b;
                        p = &p[n.len()..];
                        need_or = true;
                    }
                    None => {
                        let p = p.to_string();
                        general(
                            ctx,
                            a,
                            i,
                            format!("umask: unknown bit '{p}' (expected IRUSR, IWUSR, IXUSR, IRGRP, ... IXOTH): ignored"),
                        );
                        return Ok(());
                    }
                }
            }
        }
        if !need_or {
            general(
                ctx,
                a,
                a.len() - 1,
                "umask: a bit name is missing after the last '|': ignored",
            );
            return Ok(());
        }
        bits
    };
    g(ctx).umask = Some(bits);
    Ok(())
}

pub fn random_seed(ctx: &mut Ctx, a: &Args) -> Res {
    match ctx.unsigned(a, 1, 0, u32::MAX, false)? {
        Some(s) => {
            g(ctx).random_seed = Some(s);
            ctx.reader.set_random_seed(u64::from(s));
        }
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("random_seed '{w}' is not a number 0..{}: ignored", u32::MAX),
            );
        }
    }
    Ok(())
}

pub fn reload_check_config(ctx: &mut Ctx, a: &Args) -> Res {
    g(ctx).reload_check_config = Some(a.get(1).unwrap_or("/dev/null").to_string());
    Ok(())
}

pub fn reload_time_file(ctx: &mut Ctx, a: &Args) -> Res {
    if a.len() != 2 {
        general(
            ctx,
            a,
            0,
            "reload_time_file takes exactly one path: ignored",
        );
        return Ok(());
    }
    g(ctx).reload_time_file = a.get(1).map(str::to_string);
    Ok(())
}

pub fn reload_repeat(ctx: &mut Ctx, _a: &Args) -> Res {
    g(ctx).reload_repeat = true;
    Ok(())
}

pub fn reload_file(ctx: &mut Ctx, a: &Args) -> Res {
    g(ctx).reload_file = Some(match a.get(1) {
        Some(p) => ReloadFile::Path(p.to_string()),
        None => ReloadFile::Default,
    });
    Ok(())
}

/// keepalived's `include_check_set`: `include_check [[+|-]CHECK ...]`; no
/// argument turns on every check.
pub fn include_check(ctx: &mut Ctx, a: &Args) -> Res {
    let mut checks = ctx.reader.include_check;
    if a.len() < 2 {
        checks = check::ALL;
    }
    for i in 1..a.len() {
        let word = a.get(i).unwrap_or("").to_string();
        let (sign, name) = match word.as_bytes().first() {
            Some(b'-') => (-1, &word[1..]),
            Some(b'+') => (1, &word[1..]),
            _ => {
                if i == 1 {
                    checks = 0;
                } else {
                    general(
                        ctx,
                        a,
                        i,
                        format!("include_check: '{word}' must be written '+{word}' or '-{word}' after the first check: ignored"),
                    );
                    continue;
                }
                (0, word.as_str())
            }
        };
        let flag = match name {
            "read" => check::READ,
            "match" => check::MATCH,
            "wildcard_match" => check::WILDCARD,
            "brace_match" => check::BRACE,
            _ => {
                general(
                    ctx,
                    a,
                    i,
                    format!("include_check: unknown check '{name}' (expected read, match, wildcard_match or brace_match): ignored"),
                );
                continue;
            }
        };
        match sign {
            0 => checks = check::READ | flag,
            1 => checks |= flag,
            _ => checks &= !flag,
        }
    }
    ctx.reader.include_check = checks;
    g(ctx).include_check = Some(checks);
    Ok(())
}

pub fn config_save_dir(ctx: &mut Ctx, a: &Args) -> Res {
    let dir = a.req(1)?.to_string();
    // keepalived tests the directory bit the way stat's mode has it.
    match ctx.host.stat(Path::new(&dir)) {
        Some(st) if st.mode & 0o040000 != 0 => {
            g(ctx).config_save_dir = Some(strip_one_slash(&dir));
        }
        Some(_) => general(
            ctx,
            a,
            1,
            format!("config_save_dir '{dir}' exists and is not a directory: ignored"),
        ),
        None => {
            // keepalived creates the directory (not under -t's checks here:
            // we only say whether it could).
            let parent = Path::new(&dir)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            if ctx.host.stat(parent).is_some_and(|st| st.is_dir()) {
                ctx.lint(
                    a,
                    1,
                    format!("config_save_dir '{dir}' does not exist: keepalived creates it"),
                );
                g(ctx).config_save_dir = Some(strip_one_slash(&dir));
            } else {
                general(
                    ctx,
                    a,
                    1,
                    format!("config_save_dir '{dir}' cannot be created: its parent directory does not exist"),
                );
            }
        }
    }
    Ok(())
}

/// keepalived drops one trailing '/' of a directory name.
fn strip_one_slash(dir: &str) -> String {
    dir.strip_suffix('/').unwrap_or(dir).to_string()
}

pub fn tmp_config_directory(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(old) = g(ctx).tmp_config_directory.clone() {
        general(
            ctx,
            a,
            0,
            format!("tmp_config_directory is already '{old}': this line is ignored"),
        );
        return Ok(());
    }
    match a.get(1) {
        Some(d) => g(ctx).tmp_config_directory = Some(d.to_string()),
        None => general(ctx, a, 0, "tmp_config_directory needs a directory: ignored"),
    }
    Ok(())
}

pub fn data_use_instance(ctx: &mut Ctx, a: &Args) -> Res {
    set_bool(ctx, a, |g| &mut g.data_use_instance)
}

pub fn use_symlink_paths(ctx: &mut Ctx, a: &Args) -> Res {
    set_bool(ctx, a, |g| &mut g.use_symlink_paths)
}

pub fn set_supplementary_groups(ctx: &mut Ctx, a: &Args) -> Res {
    set_bool(ctx, a, |g| &mut g.set_supplementary_groups)
}

pub fn json_version(ctx: &mut Ctx, a: &Args) -> Res {
    if a.len() < 2 {
        general(ctx, a, 0, "json_version needs 1 or 2: ignored");
        return Ok(());
    }
    match ctx.unsigned(a, 1, 1, 2, true)? {
        Some(v) => g(ctx).json_version = v,
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("json_version '{w}' must be 1 or 2: ignored"),
            );
        }
    }
    Ok(())
}

fn one_path(
    ctx: &mut Ctx,
    a: &Args,
    non_empty: bool,
    field: fn(&mut Global) -> &mut Option<String>,
) -> Res {
    let ok = a.len() == 2 && !(non_empty && a.get(1) == Some(""));
    if !ok {
        let kw = a.keyword().to_string();
        general(
            ctx,
            a,
            0,
            format!("{kw} takes exactly one (non-empty) path: ignored"),
        );
        return Ok(());
    }
    *field(g(ctx)) = a.get(1).map(str::to_string);
    Ok(())
}

pub fn iproute_usr_dir(ctx: &mut Ctx, a: &Args) -> Res {
    one_path(ctx, a, false, |g| &mut g.iproute_usr_dir)
}
pub fn iproute_etc_dir(ctx: &mut Ctx, a: &Args) -> Res {
    one_path(ctx, a, false, |g| &mut g.iproute_etc_dir)
}
pub fn state_dump_file(ctx: &mut Ctx, a: &Args) -> Res {
    one_path(ctx, a, true, |g| &mut g.state_dump_file)
}
pub fn stats_dump_file(ctx: &mut Ctx, a: &Args) -> Res {
    one_path(ctx, a, true, |g| &mut g.stats_dump_file)
}
pub fn json_dump_file(ctx: &mut Ctx, a: &Args) -> Res {
    one_path(ctx, a, true, |g| &mut g.json_dump_file)
}
