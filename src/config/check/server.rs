//! `SSL`, `virtual_server_group`, `virtual_server`, `real_server` and the
//! sorry server (check_parser.c, check_data.c).

use super::addr;
use super::model::*;
use super::num;
use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx, Missing, Res};
use crate::config::script;
use std::net::IpAddr;
use std::time::Duration;

pub(super) fn vs<'a>(ctx: &'a mut Ctx<'_>) -> Option<&'a mut VirtualServer> {
    ctx.cfg.check.virtual_servers.last_mut()
}

pub(super) fn rs<'a>(ctx: &'a mut Ctx<'_>) -> Option<&'a mut RealServer> {
    vs(ctx)?.real_servers.last_mut()
}

/// The message prefix naming the current virtual server.
fn vs_name(ctx: &mut Ctx) -> String {
    vs(ctx).map(|v| v.describe()).unwrap_or_default()
}

/// `KEYWORD [BOOL]` (no word means true). An invalid word is reported with
/// `what` and gives `None`.
pub(super) fn opt_bool(ctx: &mut Ctx, a: &Args, what: &str) -> Option<bool> {
    match a.get(1) {
        None => Some(true),
        Some(w) => {
            match crate::config::values::boolean(w) {
                Some(b) => Some(b),
                None => {
                    let w = w.to_string();
                    ctx.error(
                    Class::General,
                    a,
                    1,
                    format!("{what}: '{w}' is not a boolean (true|on|yes or false|off|no) - ignored"),
                );
                    None
                }
            }
        }
    }
}

/// A timer keyword; `None` (after reporting `what`) when invalid.
pub(super) fn timer(
    ctx: &mut Ctx,
    a: &Args,
    min_us: u64,
    max_us: u64,
    what: &str,
) -> Result<Option<Duration>, Missing> {
    let text = a.req(1)?.to_string();
    match num::timer(ctx, a, 1, min_us, max_us, true)? {
        Some(us) => Ok(Some(Duration::from_micros(us))),
        None => {
            ctx.error(
                Class::General,
                a,
                1,
                format!("{what} '{text}' is not valid - ignored"),
            );
            Ok(None)
        }
    }
}

/// Largest connect_timeout: keepalived keeps it in an unsigned int of µs.
pub(super) const MAX_CONNECT_TIMEOUT_US: u64 = u32::MAX as u64;

// ---- SSL -----------------------------------------------------------------

pub(super) fn ssl_handler(ctx: &mut Ctx, a: &Args) -> Res {
    if ctx.cfg.check.ssl.is_some() {
        ctx.error(
            Class::General,
            a,
            0,
            "a second SSL block replaces the first one",
        );
    }
    ctx.cfg.check.ssl = Some(Ssl {
        pos: a.pos(0),
        ..Default::default()
    });
    Ok(())
}

fn ssl_value(ctx: &mut Ctx, a: &Args, what: &str, field: fn(&mut Ssl) -> &mut Option<String>) {
    let Some(value) = a.get(1).map(str::to_string) else {
        ctx.error(
            Class::General,
            a,
            0,
            format!("SSL {what}: the file name is missing - ignored"),
        );
        return;
    };
    let replaced = ctx
        .cfg
        .check
        .ssl
        .as_mut()
        .is_some_and(|s| field(s).is_some());
    if replaced {
        ctx.error(
            Class::General,
            a,
            1,
            format!("SSL {what} given twice: '{value}' replaces the first one"),
        );
    }
    if let Some(s) = ctx.cfg.check.ssl.as_mut() {
        *field(s) = Some(value);
    }
}

pub(super) fn ssl_password(ctx: &mut Ctx, a: &Args) -> Res {
    ssl_value(ctx, a, "password", |s| &mut s.password);
    Ok(())
}

pub(super) fn ssl_ca(ctx: &mut Ctx, a: &Args) -> Res {
    ssl_value(ctx, a, "ca", |s| &mut s.ca);
    Ok(())
}

pub(super) fn ssl_certificate(ctx: &mut Ctx, a: &Args) -> Res {
    ssl_value(ctx, a, "certificate", |s| &mut s.certificate);
    Ok(())
}

pub(super) fn ssl_key(ctx: &mut Ctx, a: &Args) -> Res {
    ssl_value(ctx, a, "key", |s| &mut s.key);
    Ok(())
}

// ---- virtual_server_group --------------------------------------------------

pub(super) fn vsg_handler(ctx: &mut Ctx, a: &Args) -> Res {
    let name = a.req(1)?.to_string();
    // The entries are read like any value block, but after the group name.
    let mut block_args = a.clone();
    block_args.words = a
        .words
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, w)| w.clone())
        .collect();
    let (lines, misplaced) = ctx.value_block_ex(&block_args);
    if misplaced {
        // keepalived names the block by a word it left out when it complains
        // about the block's start, and exits (status 2).
        ctx.error(
            Class::General,
            a,
            a.len().min(2),
            format!("virtual_server_group '{name}': '{{' must follow the group name"),
        )
        .help = Some("keepalived 2.2.7 stops reading the configuration here and exits".into());
        return Err(Missing);
    }
    let mut group = VirtualServerGroup {
        name: name.clone(),
        pos: a.pos(0),
        entries: Vec::new(),
    };
    let mut missing = false;
    for line in &lines {
        match vsg_entry(ctx, &name, line) {
            Ok(Some(e)) => group.entries.push(e),
            Ok(None) => {}
            Err(Missing) => missing = true,
        }
    }
    if group.entries.is_empty() {
        ctx.error(
            Class::General,
            a,
            1,
            format!("virtual_server_group '{name}' has no valid entries - the group is ignored"),
        );
    } else if group.has_family(Family::Inet)
        && group.has_family(Family::Inet6)
        && group.has_fwmark_without_family()
    {
        ctx.error(
            Class::General,
            a,
            1,
            format!("virtual_server_group '{name}' mixes IPv4 and IPv6 entries with a fwmark that has no family - the group is ignored"),
        )
        .help = Some("give the fwmark entries a family: 'fwmark N inet' or 'fwmark N inet6'".into());
    } else {
        ctx.cfg.check.groups.push(group);
    }
    if missing {
        return Err(Missing);
    }
    Ok(())
}

/// keepalived's `alloc_vsg_entry`.
fn vsg_entry(ctx: &mut Ctx, group: &str, a: &Args) -> Result<Option<VsgEntry>, Missing> {
    let first = a.req(0)?.to_string();
    if first == "fwmark" {
        let Some(mark) = ctx.unsigned(a, 1, 0, u32::MAX, true)? else {
            let text = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!("virtual_server_group '{group}': fwmark '{text}' is not a number 0..4294967295 - entry ignored"),
            );
            return Ok(None);
        };
        let family = match a.get(2) {
            None => None,
            Some("inet") => Some(Family::Inet),
            Some("inet6") => Some(Family::Inet6),
            Some(f) => {
                let f = f.to_string();
                ctx.error(
                    Class::General,
                    a,
                    2,
                    format!("virtual_server_group '{group}': fwmark {mark}: unknown family '{f}' (inet or inet6) - entry ignored"),
                );
                return Ok(None);
            }
        };
        return Ok(Some(VsgEntry::Fwmark {
            mark,
            family,
            pos: a.pos(0),
        }));
    }

    let port_idx = addr::port_word(a, 1).map(|_| 1);
    let Some((start, port)) = addr::sockaddr(ctx, a, 0, port_idx)? else {
        ctx.error(
            Class::General,
            a,
            0,
            format!("virtual_server_group '{group}': '{}' is not a valid address and port - entry ignored", a.raw().trim()),
        );
        return Ok(None);
    };
    let port = (port != 0).then_some(port);
    let entry = |last: IpAddr| VsgEntry::Addresses {
        first: start,
        last,
        port,
        pos: a.pos(0),
    };

    if let Some(slash) = first.find('/') {
        let len_text = &first[slash + 1..];
        let max = if start.is_ipv4() { 32 } else { 128 };
        let len = match len_text.parse::<u32>() {
            Ok(l) if l > 0 && l <= max && len_text.bytes().all(|b| b.is_ascii_digit()) => l,
            _ => {
                ctx.error(
                    Class::General,
                    a,
                    0,
                    format!("virtual_server_group '{group}': '{first}' has an invalid prefix length - entry ignored"),
                );
                return Ok(None);
            }
        };
        let (start_bits, host_mask) = match start {
            IpAddr::V4(v4) => {
                let host = if len >= 32 {
                    0
                } else {
                    u128::from(u32::MAX >> len)
                };
                (u128::from(u32::from(v4)), host)
            }
            IpAddr::V6(v6) => {
                let host = if len >= 128 { 0 } else { u128::MAX >> len };
                (u128::from(v6), host)
            }
        };
        if start_bits & host_mask != 0 {
            ctx.error(
                Class::General,
                a,
                0,
                format!("virtual_server_group '{group}': '{first}' has host bits set after the prefix - entry ignored"),
            )
            .help = Some("write the network address of the prefix".into());
            return Ok(None);
        }
        let last_bits = start_bits | host_mask;
        let last = match start {
            IpAddr::V4(_) => IpAddr::V4((last_bits as u32).into()),
            IpAddr::V6(_) => IpAddr::V6(last_bits.into()),
        };
        return Ok(Some(entry(last)));
    }

    if let Some(dash) = first.find('-') {
        let end_text = &first[dash + 1..];
        let full_end = match start {
            IpAddr::V4(_) => end_text.contains('.'),
            IpAddr::V6(_) => end_text.contains(':'),
        };
        if full_end {
            let Some(end) = addr::pton(addr::strip_range(end_text)) else {
                ctx.error(
                    Class::General,
                    a,
                    0,
                    format!("virtual_server_group '{group}': the end of range '{first}' is not a valid address - entry ignored"),
                );
                return Ok(None);
            };
            if end.is_ipv4() != start.is_ipv4() {
                ctx.error(
                    Class::General,
                    a,
                    0,
                    format!("virtual_server_group '{group}': the ends of range '{first}' are of different address families - entry ignored"),
                );
                return Ok(None);
            }
            let ordered = match (start, end) {
                (IpAddr::V4(s), IpAddr::V4(e)) => s <= e,
                (IpAddr::V6(s), IpAddr::V6(e)) => s <= e,
                _ => false,
            };
            if !ordered {
                ctx.error(
                    Class::General,
                    a,
                    0,
                    format!("virtual_server_group '{group}': range '{first}' ends before it starts - entry ignored"),
                );
                return Ok(None);
            }
            return Ok(Some(entry(end)));
        }

        // IP-LAST: the last byte (IPv4, decimal) or group (IPv6, hex).
        let v6 = first.contains(':');
        let (end, rest, overflow) =
            crate::config::values::strtoul(end_text, if v6 { 16 } else { 10 });
        let limit = if v6 { 0xffff } else { 255 };
        if !rest.is_empty() {
            let rest = rest.to_string();
            ctx.error(
                Class::InvalidNumber,
                a,
                0,
                format!("virtual_server_group '{group}': range '{first}' has extra characters '{rest}' after its end"),
            );
            if !ctx.lenient {
                return Ok(None);
            }
        } else if overflow || end > limit {
            ctx.error(
                Class::InvalidNumber,
                a,
                0,
                format!("virtual_server_group '{group}': the end of range '{first}' is more than {limit} - entry ignored"),
            );
            return Ok(None);
        }
        let (last, start_low) = match start {
            IpAddr::V4(v4) => {
                let bits = u32::from(v4);
                let last = (bits & !0xff) | (end as u32);
                (IpAddr::V4(last.into()), u64::from(bits & 0xff))
            }
            IpAddr::V6(v6) => {
                let mut seg = v6.segments();
                let low = u64::from(seg[7]);
                seg[7] = end as u16;
                (IpAddr::V6(seg.into()), low)
            }
        };
        if start_low >= end {
            ctx.error(
                Class::General,
                a,
                0,
                format!("virtual_server_group '{group}': range '{first}' does not end after its start - entry ignored"),
            );
            return Ok(None);
        }
        return Ok(Some(entry(last)));
    }
    Ok(Some(entry(start)))
}

// ---- virtual_server ------------------------------------------------------------

pub(super) fn vs_handler(ctx: &mut Ctx, a: &Args) -> Res {
    let first = a.req(1)?.to_string();
    let address = match first.as_str() {
        "group" => VsAddress::Group(a.req(2)?.to_string()),
        "fwmark" => {
            a.req(2)?;
            match ctx.unsigned(a, 2, 0, u32::MAX, true)? {
                Some(m) => VsAddress::Fwmark(m),
                None => {
                    let text = a.get(2).unwrap_or("").to_string();
                    ctx.error(
                        Class::General,
                        a,
                        2,
                        format!("virtual_server fwmark '{text}' is not a number 0..4294967295 - the virtual server is ignored"),
                    );
                    ctx.skip_block();
                    return Ok(());
                }
            }
        }
        _ => {
            let port_idx = addr::port_word(a, 2).map(|_| 2);
            match addr::sockaddr(ctx, a, 1, port_idx)? {
                Some((ip, port)) => VsAddress::Socket { ip, port },
                None => {
                    let port = a.get(2).map(|p| format!(" port '{p}'")).unwrap_or_default();
                    ctx.error(
                        Class::General,
                        a,
                        1,
                        format!("virtual_server address '{first}'{port} is not valid - the virtual server is ignored"),
                    );
                    ctx.skip_block();
                    return Ok(());
                }
            }
        }
    };
    let vs = VirtualServer::new(a.pos(0), address);
    ctx.cfg.check.virtual_servers.push(vs);
    Ok(())
}

/// keepalived's `vs_end_handler`: the sorry server's family, and the family
/// of a fwmark service from its servers.
pub(super) fn vs_close(ctx: &mut Ctx) {
    let Some(v) = vs(ctx) else { return };
    let mut mismatch = None;
    if let Some(s) = &v.sorry_server {
        if s.lvs_method != Some(FwdMethod::Tun) {
            let f = Family::of(&s.ip);
            match v.family {
                None => v.family = Some(f),
                Some(vf) if vf != f => mismatch = Some((s.ip, s.pos, vf)),
                _ => {}
            }
        }
    }
    if mismatch.is_some() {
        v.sorry_server = None;
    }
    if v.family.is_none() && !matches!(v.address, VsAddress::Group(_)) {
        // A fwmark service whose servers are all tunnelled: as keepalived,
        // take the servers' family if they agree, else IPv4.
        let mut fams = v
            .sorry_server
            .iter()
            .map(|s| Family::of(&s.ip))
            .chain(v.real_servers.iter().map(|r| Family::of(&r.ip)));
        let first = fams.next();
        let mixed = first.is_some_and(|f| fams.any(|g| g != f));
        v.family = Some(if mixed {
            Family::Inet
        } else {
            first.unwrap_or(Family::Inet)
        });
    }
    if let Some((ip, pos, vf)) = mismatch {
        let name = vs_name(ctx);
        ctx.error_at(
            Class::General,
            Some(pos),
            format!("{name}: sorry_server {ip} is not {} like the virtual server - the sorry server is ignored", vf.name()),
        )
        .help = Some("only a tunnelled (lvs_method TUN) server may differ in address family".into());
    }
}

pub(super) fn ip_family(ctx: &mut Ctx, a: &Args) -> Res {
    let word = a.req(1)?.to_string();
    let f = match word.as_str() {
        "inet" => Family::Inet,
        "inet6" => Family::Inet6,
        _ => {
            ctx.error(
                Class::General,
                a,
                1,
                format!("ip_family: unknown address family '{word}' (inet or inet6) - ignored"),
            );
            return Ok(());
        }
    };
    let cur = vs(ctx).and_then(|v| v.family);
    if cur.is_some_and(|c| c != f) {
        ctx.error(
            Class::General,
            a,
            1,
            format!("ip_family {word} contradicts the family of the virtual server's addresses - ignored"),
        );
        return Ok(());
    }
    if let Some(v) = vs(ctx) {
        v.family = Some(f);
        v.ip_family_set = true;
    }
    Ok(())
}

pub(super) fn vs_connect_timeout(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = timer(ctx, a, 1, MAX_CONNECT_TIMEOUT_US, "connect_timeout")? {
        if let Some(v) = vs(ctx) {
            v.connect_timeout = d;
        }
    }
    Ok(())
}

pub(super) fn vs_delay_loop(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = timer(ctx, a, 1, 0, "delay_loop")? {
        if let Some(v) = vs(ctx) {
            v.delay_loop = d;
        }
    }
    Ok(())
}

pub(super) fn vs_delay_before_retry(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = timer(ctx, a, 0, 0, "delay_before_retry")? {
        if let Some(v) = vs(ctx) {
            v.delay_before_retry = Some(d);
        }
    }
    Ok(())
}

pub(super) fn vs_warmup(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = timer(ctx, a, 0, 0, "warmup")? {
        if let Some(v) = vs(ctx) {
            v.warmup = Some(d);
        }
    }
    Ok(())
}

/// `retry` of a virtual or real server (1.., unlike a checker's 0..).
fn server_retry(ctx: &mut Ctx, a: &Args) -> Result<Option<u32>, Missing> {
    let r = ctx.unsigned(a, 1, 1, u32::MAX, false)?;
    if r.is_none() {
        let text = a.get(1).unwrap_or("").to_string();
        ctx.error(
            Class::General,
            a,
            1,
            format!("retry '{text}' is not valid (1..4294967295) - ignored"),
        );
    }
    Ok(r)
}

pub(super) fn vs_retry(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(r) = server_retry(ctx, a)? {
        if let Some(v) = vs(ctx) {
            v.retry = Some(r);
        }
    }
    Ok(())
}

pub(super) fn vs_inhibit(ctx: &mut Ctx, _a: &Args) -> Res {
    if let Some(v) = vs(ctx) {
        v.inhibit_on_failure = true;
    }
    Ok(())
}

pub(super) fn lb_algo(ctx: &mut Ctx, a: &Args) -> Res {
    let name = a.req(1)?.to_string();
    match Scheduler::from_name(&name) {
        Some(s) => {
            if let Some(v) = vs(ctx) {
                v.scheduler = Some(s);
            }
        }
        None => {
            let kw = a.keyword().to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!("{kw}: unknown scheduler '{name}' - ignored"),
            )
            .help = Some(
                "known schedulers: rr wrr lc wlc lblc sh mh dh fo ovf lblcr sed nq twos".into(),
            );
        }
    }
    Ok(())
}

/// `ops`, `flag-1..3`, `sh-*`, `mh-*` and the legacy `hashed`.
pub(super) fn sched_flag(ctx: &mut Ctx, a: &Args) -> Res {
    let kw = a.keyword().to_string();
    let Some(v) = vs(ctx) else { return Ok(()) };
    let f = &mut v.sched_flags;
    match kw.as_str() {
        "ops" => f.ops = true,
        "flag-1" => f.flag_1 = true,
        "flag-2" => f.flag_2 = true,
        "flag-3" => f.flag_3 = true,
        _ => match v.scheduler {
            // keepalived silently ignores the flags of the other hash
            // scheduler (and `hashed`) once sh or mh is chosen.
            Some(Scheduler::Sh) => match kw.as_str() {
                "sh-port" => f.sh_port = true,
                "sh-fallback" => f.sh_fallback = true,
                _ => {}
            },
            Some(Scheduler::Mh) => match kw.as_str() {
                "mh-port" => f.mh_port = true,
                "mh-fallback" => f.mh_fallback = true,
                _ => {}
            },
            _ => {
                ctx.error(
                    Class::General,
                    a,
                    0,
                    format!("'{kw}' only applies to the sh (or mh) scheduler, which is not set at this point - ignored"),
                )
                .help = Some("put 'lvs_sched sh' (or mh) before the flag".into());
            }
        },
    }
    Ok(())
}

/// keepalived's `svr_forwarding_handler`: `NAT|DR|TUN [type ipip|gue|gre]
/// [port N] [nocsum|csum|remcsum]`. The method is set even when the tunnel
/// options are wrong (those then keep their previous values).
fn forwarding(
    ctx: &mut Ctx,
    a: &Args,
    server: &str,
    tunnel: Tunnel,
) -> Result<Option<(FwdMethod, Tunnel)>, Missing> {
    let word = a.req(1)?.to_string();
    let method = match word.as_str() {
        "NAT" => FwdMethod::Nat,
        "DR" => FwdMethod::Dr,
        "TUN" => FwdMethod::Tun,
        _ => {
            let kw = a.keyword().to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!("{kw}: unknown forwarding method '{word}' for the {server} server (NAT, DR or TUN) - ignored"),
            );
            return Ok(None);
        }
    };
    let mut kind = TunnelType::Ipip;
    let mut port: u32 = 0;
    let mut checksum = TunnelChecksum::NoCsum;
    let mut i = 2;
    let fail = |ctx: &mut Ctx, i: usize, msg: String| {
        ctx.error(Class::General, a, i, msg);
        Ok(Some((method, tunnel)))
    };
    while i < a.len() {
        let opt = a.get(i).unwrap_or("").to_string();
        match opt.as_str() {
            "type" => {
                let Some(t) = a.get(i + 1) else {
                    return fail(
                        ctx,
                        i,
                        format!(
                            "'type' needs a tunnel type (ipip, gue or gre) for the {server} server"
                        ),
                    );
                };
                kind = match t {
                    "ipip" => TunnelType::Ipip,
                    "gue" => TunnelType::Gue,
                    "gre" => TunnelType::Gre,
                    other => {
                        let other = other.to_string();
                        return fail(ctx, i + 1, format!("unknown tunnel type '{other}' for the {server} server (ipip, gue or gre)"));
                    }
                };
                i += 1;
            }
            "port" => {
                if a.get(i + 1).is_none() {
                    return fail(
                        ctx,
                        i,
                        format!("'port' needs the gue tunnel port for the {server} server"),
                    );
                }
                match ctx.unsigned(a, i + 1, 1, 65535, false)? {
                    Some(p) => port = p,
                    None => {
                        let p = a.get(i + 1).unwrap_or("").to_string();
                        return fail(
                            ctx,
                            i + 1,
                            format!("invalid gue tunnel port '{p}' for the {server} server"),
                        );
                    }
                }
                i += 1;
            }
            "nocsum" => checksum = TunnelChecksum::NoCsum,
            "csum" => checksum = TunnelChecksum::Csum,
            "remcsum" => checksum = TunnelChecksum::RemCsum,
            _ => {
                return fail(
                    ctx,
                    i,
                    format!("unknown tunnel option '{opt}' for the {server} server"),
                );
            }
        }
        i += 1;
    }
    if (kind == TunnelType::Gue) != (port != 0) {
        return fail(
            ctx,
            1,
            "a gue tunnel needs a 'port', and only a gue tunnel may have one".into(),
        );
    }
    if kind == TunnelType::Ipip && checksum != TunnelChecksum::NoCsum {
        return fail(ctx, 1, "ipip tunnels have no checksum option".into());
    }
    if kind == TunnelType::Gre && checksum == TunnelChecksum::RemCsum {
        return fail(ctx, 1, "gre tunnels do not support remcsum".into());
    }
    let tunnel = Tunnel {
        kind,
        port: (port != 0).then_some(port as u16),
        checksum,
    };
    Ok(Some((method, tunnel)))
}

pub(super) fn vs_lvs_method(ctx: &mut Ctx, a: &Args) -> Res {
    let cur = vs(ctx).map(|v| v.tunnel).unwrap_or_default();
    if let Some((m, t)) = forwarding(ctx, a, "virtual", cur)? {
        if let Some(v) = vs(ctx) {
            v.lvs_method = Some(m);
            v.tunnel = t;
        }
    }
    Ok(())
}

pub(super) fn persistence_timeout(ctx: &mut Ctx, a: &Args) -> Res {
    if a.len() < 2 {
        if let Some(v) = vs(ctx) {
            v.persistence_timeout = Some(DEFAULT_PERSISTENCE);
        }
        return Ok(());
    }
    match ctx.unsigned(a, 1, 1, MAX_PERSISTENCE_SECS, false)? {
        Some(t) => {
            if let Some(v) = vs(ctx) {
                v.persistence_timeout = Some(Duration::from_secs(t.into()));
            }
        }
        None => {
            let text = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!("persistence_timeout '{text}' is not valid (1..{MAX_PERSISTENCE_SECS} seconds) - ignored"),
            );
        }
    }
    Ok(())
}

pub(super) fn persistence_engine(ctx: &mut Ctx, a: &Args) -> Res {
    let mut name = a.req(1)?.to_string();
    // IPVS names are at most 16 characters.
    if name.len() > 16 {
        ctx.error(
            Class::General,
            a,
            1,
            format!("persistence_engine '{name}' is longer than 16 characters - truncated"),
        );
        let mut cut = 16;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
    }
    if let Some(v) = vs(ctx) {
        v.persistence_engine = Some(name);
    }
    Ok(())
}

pub(super) fn persistence_granularity(ctx: &mut Ctx, a: &Args) -> Res {
    let text = a.req(1)?.to_string();
    let family = vs(ctx)
        .and_then(|v| v.family)
        .unwrap_or(if text.contains('.') {
            Family::Inet
        } else {
            Family::Inet6
        });
    let g = match family {
        Family::Inet6 => match ctx.unsigned(a, 1, 1, 128, false)? {
            Some(l) => Granularity::PrefixLen(l as u8),
            None => {
                ctx.error(
                    Class::General,
                    a,
                    1,
                    format!("persistence_granularity '{text}' is not an IPv6 prefix length 1..128 - ignored"),
                );
                return Ok(());
            }
        },
        Family::Inet => match addr::inet_aton(&text) {
            Some(m) => Granularity::Netmask(m),
            None => {
                ctx.error(
                    Class::General,
                    a,
                    1,
                    format!("persistence_granularity '{text}' is not an IPv4 netmask - ignored"),
                );
                return Ok(());
            }
        },
    };
    if let Some(v) = vs(ctx) {
        v.persistence_granularity = Some(g);
        v.family.get_or_insert(family);
        v.persistence_timeout.get_or_insert(DEFAULT_PERSISTENCE);
    }
    Ok(())
}

pub(super) fn protocol(ctx: &mut Ctx, a: &Args) -> Res {
    let word = a.req(1)?.to_string();
    let p = match word.to_ascii_uppercase().as_str() {
        "TCP" => Protocol::Tcp,
        "UDP" => Protocol::Udp,
        "SCTP" => Protocol::Sctp,
        _ => {
            ctx.error(
                Class::General,
                a,
                1,
                format!("protocol: unknown protocol '{word}' (TCP, UDP or SCTP) - ignored"),
            );
            return Ok(());
        }
    };
    if let Some(v) = vs(ctx) {
        v.protocol = Some(p);
    }
    Ok(())
}

pub(super) fn ha_suspend(ctx: &mut Ctx, _a: &Args) -> Res {
    if let Some(v) = vs(ctx) {
        v.ha_suspend = true;
    }
    Ok(())
}

pub(super) fn vs_smtp_alert(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(b) = opt_bool(ctx, a, "smtp_alert") {
        if let Some(v) = vs(ctx) {
            v.smtp_alert = Some(b);
        }
    }
    Ok(())
}

pub(super) fn vs_virtualhost(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(h) = a.get(1).map(str::to_string) else {
        ctx.error(
            Class::General,
            a,
            0,
            "virtualhost: the host name is missing - ignored",
        );
        return Ok(());
    };
    if let Some(v) = vs(ctx) {
        v.virtualhost = Some(h);
    }
    Ok(())
}

/// `snmp_name NAME`: exactly one word.
fn snmp_name(ctx: &mut Ctx, a: &Args) -> Option<String> {
    if a.len() != 2 {
        ctx.error(
            Class::General,
            a,
            0,
            "snmp_name takes exactly one name - ignored",
        );
        return None;
    }
    a.get(1).map(str::to_string)
}

pub(super) fn vs_snmp_name(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(n) = snmp_name(ctx, a) {
        if let Some(v) = vs(ctx) {
            v.snmp_name = Some(n);
        }
    }
    Ok(())
}

pub(super) fn vs_alpha(ctx: &mut Ctx, _a: &Args) -> Res {
    if let Some(v) = vs(ctx) {
        v.alpha = true;
    }
    Ok(())
}

pub(super) fn omega(ctx: &mut Ctx, _a: &Args) -> Res {
    if let Some(v) = vs(ctx) {
        v.omega = true;
    }
    Ok(())
}

/// A notify script keyword that may be given once.
fn once_script(
    ctx: &mut Ctx,
    a: &Args,
    already: bool,
    kind: &str,
) -> Result<Option<script::Script>, Missing> {
    if already {
        let second = a.req(1)?.to_string();
        let kw = a.keyword().to_string();
        ctx.error(
            Class::General,
            a,
            1,
            format!("{kw} is already set - '{second}' is ignored"),
        );
        return Ok(None);
    }
    script::notify_script(ctx, a, kind)
}

pub(super) fn quorum_up(ctx: &mut Ctx, a: &Args) -> Res {
    let already = vs(ctx).is_some_and(|v| v.quorum_up.is_some());
    if let Some(s) = once_script(ctx, a, already, "quorum")? {
        if let Some(v) = vs(ctx) {
            v.quorum_up = Some(s);
        }
    }
    Ok(())
}

pub(super) fn quorum_down(ctx: &mut Ctx, a: &Args) -> Res {
    let already = vs(ctx).is_some_and(|v| v.quorum_down.is_some());
    if let Some(s) = once_script(ctx, a, already, "quorum")? {
        if let Some(v) = vs(ctx) {
            v.quorum_down = Some(s);
        }
    }
    Ok(())
}

pub(super) fn quorum(ctx: &mut Ctx, a: &Args) -> Res {
    let q = match ctx.unsigned(a, 1, 1, u32::MAX, true)? {
        Some(q) => q,
        None => {
            let text = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!("quorum '{text}' is not valid (1..4294967295) - quorum is set to 1"),
            );
            1
        }
    };
    if let Some(v) = vs(ctx) {
        v.quorum = q;
    }
    Ok(())
}

pub(super) fn hysteresis(ctx: &mut Ctx, a: &Args) -> Res {
    match ctx.unsigned(a, 1, 0, u32::MAX, true)? {
        Some(h) => {
            if let Some(v) = vs(ctx) {
                v.hysteresis = h;
            }
        }
        None => {
            let text = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!("hysteresis '{text}' is not valid (0..4294967295) - ignored"),
            );
        }
    }
    Ok(())
}

pub(super) fn vs_weight(ctx: &mut Ctx, a: &Args) -> Res {
    match ctx.unsigned(a, 1, 1, WEIGHT_LIMIT, true)? {
        Some(w) => {
            if let Some(v) = vs(ctx) {
                v.weight = w;
            }
        }
        None => {
            let text = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!(
                    "virtual server weight '{text}' is not valid (1..{WEIGHT_LIMIT}) - ignored"
                ),
            );
        }
    }
    Ok(())
}

// ---- sorry server ----------------------------------------------------------------

pub(super) fn sorry_server(ctx: &mut Ctx, a: &Args) -> Res {
    let text = a.req(1)?.to_string();
    let port_idx = addr::port_word(a, 2).map(|_| 2);
    let Some((ip, port)) = addr::sockaddr(ctx, a, 1, port_idx)? else {
        ctx.error(
            Class::General,
            a,
            1,
            format!("sorry_server address '{text}' is not valid - ignored"),
        );
        return Ok(());
    };
    if let Some(v) = vs(ctx) {
        // keepalived replaces an earlier sorry server, inhibit included.
        v.sorry_server = Some(SorryServer {
            pos: a.pos(0),
            ip,
            port,
            lvs_method: v.lvs_method,
            tunnel: v.tunnel,
            inhibit: false,
        });
    }
    Ok(())
}

pub(super) fn sorry_server_inhibit(ctx: &mut Ctx, a: &Args) -> Res {
    match vs(ctx).and_then(|v| v.sorry_server.as_mut()) {
        Some(s) => s.inhibit = true,
        None => {
            ctx.error(
                Class::General,
                a,
                0,
                "sorry_server_inhibit without a sorry_server before it - ignored",
            );
        }
    }
    Ok(())
}

pub(super) fn sorry_server_lvs_method(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(cur) = vs(ctx)
        .and_then(|v| v.sorry_server.as_ref())
        .map(|s| s.tunnel)
    else {
        ctx.error(
            Class::General,
            a,
            0,
            "sorry_server_lvs_method without a sorry_server before it - ignored",
        );
        return Ok(());
    };
    if let Some((m, t)) = forwarding(ctx, a, "sorry", cur)? {
        if let Some(s) = vs(ctx).and_then(|v| v.sorry_server.as_mut()) {
            s.lvs_method = Some(m);
            s.tunnel = t;
        }
    }
    Ok(())
}

// ---- real_server ------------------------------------------------------------------

pub(super) fn rs_handler(ctx: &mut Ctx, a: &Args) -> Res {
    let text = a.req(1)?.to_string();
    let port_idx = addr::port_word(a, 2).map(|_| 2);
    let Some((ip, port)) = addr::sockaddr(ctx, a, 1, port_idx)? else {
        let port = a.get(2).map(|p| format!(" port '{p}'")).unwrap_or_default();
        ctx.error(
            Class::General,
            a,
            1,
            format!("real_server address '{text}'{port} is not valid - the real server is ignored"),
        );
        ctx.skip_block();
        return Ok(());
    };
    let Some(v) = vs(ctx) else {
        ctx.skip_block();
        return Ok(());
    };
    let server = RealServer {
        pos: a.pos(0),
        ip,
        port,
        weight: None,
        lvs_method: v.lvs_method,
        tunnel: v.tunnel,
        uthreshold: 0,
        lthreshold: 0,
        inhibit_on_failure: None,
        notify_up: None,
        notify_down: None,
        alpha: None,
        retry: None,
        delay_before_retry: None,
        warmup: None,
        connect_timeout: None,
        delay_loop: None,
        smtp_alert: None,
        virtualhost: None,
        snmp_name: None,
        checkers: Vec::new(),
    };
    v.real_servers.push(server);
    ctx.cfg.check.state.checker_dropped = false;
    Ok(())
}

/// keepalived's `rs_end_handler`: a real server of another address family
/// than its virtual server is dropped, unless it is tunnelled.
pub(super) fn rs_close(ctx: &mut Ctx) {
    let Some(v) = vs(ctx) else { return };
    let Some(r) = v.real_servers.last() else {
        return;
    };
    if r.lvs_method == Some(FwdMethod::Tun) {
        return;
    }
    let f = Family::of(&r.ip);
    match v.family {
        None => v.family = Some(f),
        Some(vf) if vf != f => {
            let Some(r) = v.real_servers.pop() else {
                return;
            };
            let name = v.describe();
            ctx.cfg.check.orphaned_checkers.extend(r.checkers);
            ctx.error_at(
                Class::General,
                Some(r.pos),
                format!("{name}: real server {} is not {} like the virtual server - the real server is ignored", r.ip, vf.name()),
            )
            .help = Some("only a tunnelled (lvs_method TUN) real server may differ in address family".into());
        }
        _ => {}
    }
}

pub(super) fn rs_weight(ctx: &mut Ctx, a: &Args) -> Res {
    match ctx.unsigned(a, 1, 0, WEIGHT_LIMIT, true)? {
        Some(w) => {
            if let Some(r) = rs(ctx) {
                r.weight = Some(w);
            }
        }
        None => {
            let text = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!("real server weight '{text}' is not valid (0..{WEIGHT_LIMIT}) - ignored"),
            );
        }
    }
    Ok(())
}

pub(super) fn rs_lvs_method(ctx: &mut Ctx, a: &Args) -> Res {
    let cur = rs(ctx).map(|r| r.tunnel).unwrap_or_default();
    if let Some((m, t)) = forwarding(ctx, a, "real", cur)? {
        if let Some(r) = rs(ctx) {
            r.lvs_method = Some(m);
            r.tunnel = t;
        }
    }
    Ok(())
}

fn threshold(ctx: &mut Ctx, a: &Args) -> Result<Option<u32>, Missing> {
    let t = ctx.unsigned(a, 1, 0, u32::MAX, true)?;
    if t.is_none() {
        let kw = a.keyword().to_string();
        let text = a.get(1).unwrap_or("").to_string();
        ctx.error(
            Class::General,
            a,
            1,
            format!("{kw} '{text}' is not valid (0..4294967295) - ignored"),
        );
    }
    Ok(t)
}

pub(super) fn uthreshold(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(t) = threshold(ctx, a)? {
        if let Some(r) = rs(ctx) {
            r.uthreshold = t;
        }
    }
    Ok(())
}

pub(super) fn lthreshold(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(t) = threshold(ctx, a)? {
        if let Some(r) = rs(ctx) {
            r.lthreshold = t;
        }
    }
    Ok(())
}

pub(super) fn rs_inhibit(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(b) = opt_bool(ctx, a, "inhibit_on_failure") {
        if let Some(r) = rs(ctx) {
            r.inhibit_on_failure = Some(b);
        }
    }
    Ok(())
}

pub(super) fn notify_up(ctx: &mut Ctx, a: &Args) -> Res {
    let already = rs(ctx).is_some_and(|r| r.notify_up.is_some());
    if let Some(s) = once_script(ctx, a, already, "notify")? {
        if let Some(r) = rs(ctx) {
            r.notify_up = Some(s);
        }
    }
    Ok(())
}

pub(super) fn notify_down(ctx: &mut Ctx, a: &Args) -> Res {
    let already = rs(ctx).is_some_and(|r| r.notify_down.is_some());
    if let Some(s) = once_script(ctx, a, already, "notify")? {
        if let Some(r) = rs(ctx) {
            r.notify_down = Some(s);
        }
    }
    Ok(())
}

pub(super) fn rs_alpha(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(b) = opt_bool(ctx, a, "alpha") {
        if let Some(r) = rs(ctx) {
            r.alpha = Some(b);
        }
    }
    Ok(())
}

pub(super) fn rs_retry(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(n) = server_retry(ctx, a)? {
        if let Some(r) = rs(ctx) {
            r.retry = Some(n);
        }
    }
    Ok(())
}

pub(super) fn rs_delay_before_retry(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = timer(ctx, a, 0, 0, "delay_before_retry")? {
        if let Some(r) = rs(ctx) {
            r.delay_before_retry = Some(d);
        }
    }
    Ok(())
}

pub(super) fn rs_warmup(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = timer(ctx, a, 0, 0, "warmup")? {
        if let Some(r) = rs(ctx) {
            r.warmup = Some(d);
        }
    }
    Ok(())
}

pub(super) fn rs_connect_timeout(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = timer(ctx, a, 1, MAX_CONNECT_TIMEOUT_US, "connect_timeout")? {
        if let Some(r) = rs(ctx) {
            r.connect_timeout = Some(d);
        }
    }
    Ok(())
}

pub(super) fn rs_delay_loop(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = timer(ctx, a, 1, 0, "delay_loop")? {
        if let Some(r) = rs(ctx) {
            r.delay_loop = Some(d);
        }
    }
    Ok(())
}

pub(super) fn rs_smtp_alert(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(b) = opt_bool(ctx, a, "smtp_alert") {
        if let Some(r) = rs(ctx) {
            r.smtp_alert = Some(b);
        }
    }
    Ok(())
}

pub(super) fn rs_virtualhost(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(h) = a.get(1).map(str::to_string) else {
        ctx.error(
            Class::General,
            a,
            0,
            "virtualhost: the host name is missing - ignored",
        );
        return Ok(());
    };
    if let Some(r) = rs(ctx) {
        r.virtualhost = Some(h);
    }
    Ok(())
}

pub(super) fn rs_snmp_name(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(n) = snmp_name(ctx, a) {
        if let Some(r) = rs(ctx) {
            r.snmp_name = Some(n);
        }
    }
    Ok(())
}
