//! Our own warnings about vrrp_instance blocks: things keepalived accepts
//! silently (or only reports when its checks get that far) but that are
//! very likely mistakes. They never change the exit code.

use super::instance::*;
use super::instance_env::global_vrrp;
use crate::config::parser::Ctx;
use crate::config::source::Pos;
use std::net::IpAddr;

pub fn lint(ctx: &mut Ctx) {
    let all_completed = ctx
        .cfg
        .vrrp
        .instances
        .list
        .iter()
        .all(|v| v.completion == Completion::Done);
    duplicate_vrids(ctx, all_completed);
    for i in 0..ctx.cfg.vrrp.instances.list.len() {
        let v = ctx.cfg.vrrp.instances.list[i].clone();
        if v.completion == Completion::NotReached {
            not_reached(ctx, &v);
        }
        v2_over_ipv6(ctx, &v);
        strict_unicast(ctx, &v);
        for a in &v.vips {
            let ifname = a.dev.clone().or_else(|| v.interface.clone());
            if let Some(ifname) = ifname {
                if let Some(msg) = vip_prefix_lint(ctx, &a.addr, a.prefix_given, &ifname) {
                    let d = ctx.lint_at(Some(a.pos), format!("({}) {msg}", v.name));
                    d.help =
                        Some("write the prefix length (ADDR/LEN) the address should have".into());
                }
            }
        }
        owner_without_vips(ctx, &v);
        own_peers(ctx, &v);
        defined_later(ctx, &v);
    }
}

/// What keepalived would have reported had its checks reached the instance
/// (they stop at the first instance that cannot run).
fn not_reached(ctx: &mut Ctx, v: &Instance) {
    let n = &v.name;
    let strict = v.strict_mode.unwrap_or(global_vrrp(ctx).vrrp_strict);
    if v.vips.is_empty() && !v.no_virtual_ipaddress {
        let d = ctx.lint_at(Some(v.pos), format!("({n}) has no virtual_ipaddress"));
        d.help = Some("if a virtual_ipaddress block is misspelled (see the unknown keyword reported above), keepalived reads its addresses as unknown keywords".into());
    }
    if v.nopreempt && v.state == Some(InitialState::Master) {
        let d = ctx.lint_at(
            Some(v.pos_of("nopreempt")),
            format!("({n}) nopreempt does not work with state MASTER: keepalived clears it"),
        );
        d.help = Some("use 'state BACKUP' on every router of a nopreempt virtual router".into());
    } else if v.nopreempt && v.priority().is_owner() {
        ctx.lint_at(
            Some(v.pos_of("nopreempt")),
            format!("({n}) nopreempt has no effect with priority 255: keepalived clears it"),
        );
    }
    if v.auth.is_some_and(|a| a.kind.is_some()) {
        let v3 = v.version == Some(VrrpVersion::V3) || v.family == Some(Family::V6);
        if strict || v3 {
            let why = if strict {
                "strict mode"
            } else {
                "VRRP version 3"
            };
            ctx.lint_at(
                Some(v.pos_of("auth_type")),
                format!("({n}) authentication is ignored with {why}"),
            );
        }
    }
}

/// keepalived 2.2.7 accepts unicast peers in strict mode (it checks before
/// it knows the instance uses unicast), although RFC-strict VRRP is
/// multicast only.
fn strict_unicast(ctx: &mut Ctx, v: &Instance) {
    let strict = v.strict_mode.unwrap_or(global_vrrp(ctx).vrrp_strict);
    if strict && !v.unicast_peers.is_empty() {
        ctx.lint_at(
            Some(v.pos_of("unicast_peer")),
            format!("({}) unicast_peer with strict mode: RFC-strict VRRP is multicast only, but keepalived 2.2.7 runs it in unicast mode anyway", v.name),
        );
    }
}

fn prefix_of(ip: &IpAddr) -> u8 {
    match ip {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// The network address of `a/len`.
fn network(a: &IpAddr, len: u8) -> IpAddr {
    match a {
        IpAddr::V4(x) => {
            let m = if len == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(len.min(32)))
            };
            IpAddr::V4((u32::from(*x) & m).into())
        }
        IpAddr::V6(x) => {
            let m = if len == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(len.min(128)))
            };
            IpAddr::V6((u128::from(*x) & m).into())
        }
    }
}

fn in_subnet(a: &IpAddr, net: &IpAddr, len: u8) -> bool {
    match (a, net) {
        (IpAddr::V4(x), IpAddr::V4(y)) => {
            let m = if len == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(len.min(32)))
            };
            u32::from(*x) & m == u32::from(*y) & m
        }
        (IpAddr::V6(x), IpAddr::V6(y)) => {
            let m = if len == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(len.min(128)))
            };
            u128::from(*x) & m == u128::from(*y) & m
        }
        _ => false,
    }
}

/// A VIP written without a prefix length becomes a host address (/32 or
/// /128). When it lies in a subnet of its interface, that is rarely what was
/// meant. Returns the warning, if any.
pub fn vip_prefix_lint(
    ctx: &Ctx,
    vip: &IpAddr,
    prefix_given: bool,
    ifname: &str,
) -> Option<String> {
    if prefix_given {
        return None;
    }
    if let IpAddr::V6(a) = vip {
        // Link-local VIPs are normally host addresses.
        if super::instance_env::is_link_local_v6(a) {
            return None;
        }
    }
    let host = prefix_of(vip);
    let (net, len) = ctx
        .host
        .interface_addresses(ifname)
        .into_iter()
        .find(|(a, len)| *len < host && in_subnet(vip, a, *len))?;
    let net = network(&net, len);
    Some(format!(
        "VIP {vip} has no prefix length, so keepalived adds it as {vip}/{host}, not with the /{len} of interface {ifname}'s subnet {net}/{len}"
    ))
}

/// keepalived 2.2.7 keeps an explicit `version 2` on an IPv6 instance and
/// sends VRRPv2 adverts over IPv6, which RFC 3768 does not define.
fn v2_over_ipv6(ctx: &mut Ctx, v: &Instance) {
    if v.version == Some(VrrpVersion::V2) && v.family == Some(Family::V6) {
        let d = ctx.lint_at(
            Some(v.pos_of("version")),
            format!("({}) uses VRRP version 2 with IPv6 addresses: keepalived sends VRRPv2 adverts over IPv6, which other VRRP implementations do not understand", v.name),
        );
        d.help = Some("remove 'version 2' (IPv6 instances default to version 3)".into());
    }
}

/// Priority 255 claims the VIPs are this node's own addresses.
fn owner_without_vips(ctx: &mut Ctx, v: &Instance) {
    if !v.priority().is_owner() || v.vips.is_empty() {
        return;
    }
    let mut ifaces: Vec<String> = v.interface.iter().cloned().collect();
    ifaces.extend(v.vips.iter().filter_map(|a| a.dev.clone()));
    let owned = ifaces.iter().any(|i| {
        let addrs = ctx.host.interface_addresses(i);
        v.vips
            .iter()
            .any(|a| addrs.iter().any(|(x, _)| *x == a.addr))
    });
    if !owned {
        let (pos, how) = if v.keyword_pos.contains_key("priority") {
            (v.pos_of("priority"), "priority 255")
        } else {
            (
                v.pos_of("state"),
                "priority 255 (the default with state MASTER)",
            )
        };
        let d = ctx.lint_at(
            Some(pos),
            format!("({}) has {how}, which means it owns the virtual addresses, but none of them is configured on its interfaces", v.name),
        );
        d.help = Some("give every router a priority below 255 unless the VIPs really are this node's own addresses (an owner starts as MASTER at once and ignores its trackers' weights)".into());
    }
}

/// A unicast peer that is one of this node's addresses.
fn own_peers(ctx: &mut Ctx, v: &Instance) {
    let mut own: Vec<IpAddr> = v.src_ip.iter().copied().collect();
    if let Some(i) = &v.interface {
        own.extend(ctx.host.interface_addresses(i).into_iter().map(|(a, _)| a));
    }
    for p in &v.unicast_peers {
        if own.contains(&p.addr) {
            let d = ctx.lint_at(
                Some(p.pos),
                format!("({}) unicast_peer {} is an address of this node: the instance sends adverts to itself", v.name, p.addr),
            );
            d.help = Some("list the other routers' addresses; the same file on every node needs '@ID' lines or includes for this".into());
        }
    }
}

/// A tracked object defined after the instance: keepalived only looks
/// back.
fn defined_later(ctx: &mut Ctx, v: &Instance) {
    for u in &v.unresolved_tracks {
        let t = &ctx.cfg.vrrp.track;
        let later: Option<Pos> = match u.keyword {
            "track_script" => t.scripts.iter().find(|s| s.name == u.name).map(|s| s.pos),
            "track_process" => t.processes.iter().find(|s| s.name == u.name).map(|s| s.pos),
            "track_file" => t.files.iter().find(|s| s.name == u.name).map(|s| s.pos),
            _ => None,
        };
        if let Some(p) = later {
            let d = ctx.lint_at(
                Some(u.pos),
                format!("({}) '{}' is defined at line {}, after this instance, so keepalived did not find it", v.name, u.name, p.line),
            );
            d.help = Some("move the definition above the vrrp_instance".into());
        }
    }
}

/// Whether two instances would fight over one VRID.
fn same_virtual_router(ctx: &Ctx, a: &Instance, b: &Instance) -> bool {
    let unicast = |v: &Instance| v.unicast_configured && !v.unicast_peers.is_empty();
    if a.vrid.is_none()
        || a.vrid != b.vrid
        || a.family() != b.family()
        || unicast(a) != unicast(b)
        || a.interface != b.interface
    {
        return false;
    }
    if unicast(a) {
        let local = |v: &Instance| {
            v.src_ip.or_else(|| {
                let i = v.interface.as_deref()?;
                super::instance_env::primary_address(ctx, i, v.family())
            })
        };
        return local(a) == local(b)
            && a.unicast_peers
                .iter()
                .any(|p| b.unicast_peers.iter().any(|q| q.addr == p.addr));
    }
    a.multicast_group() == b.multicast_group()
}

/// The same VRID twice on one interface and family, where keepalived's own
/// check did not run (or could not: the interface does not exist yet).
fn duplicate_vrids(ctx: &mut Ctx, checked: bool) {
    for (i, j) in ctx.cfg.vrrp.instances.same_vrid_pairs() {
        let found = {
            let list = &ctx.cfg.vrrp.instances.list;
            let (a, b) = (&list[i], &list[j]);
            let exists = a
                .interface
                .as_deref()
                .is_some_and(|x| ctx.host.interface_exists(x));
            (same_virtual_router(ctx, a, b) && !(checked && (exists || a.unicast))).then(|| {
                (
                    b.pos_of("virtual_router_id"),
                    format!(
                        "({}) and ({}) both use VRID {} for {} on the same link",
                        a.name,
                        b.name,
                        a.vrid.map_or(0, Vrid::get),
                        a.family().name()
                    ),
                )
            })
        };
        if let Some((pos, msg)) = found {
            let d = ctx.lint_at(Some(pos), msg);
            d.help = Some("every virtual router on a link needs its own virtual_router_id; keepalived refuses this once it checks".into());
        }
    }
}
