//! Route entries of virtual_routes and static_routes (keepalived's
//! `alloc_route`): `ip route` syntax.
//!
//! `[to] [TYPE] PREFIX|default [src ADDR] [via|gw [inet|inet6] ADDR] [or ADDR]
//! [dev|oif IF] [from PREFIX] [table ID] [vrf IF] [protocol P] [scope S]
//! [metric|priority|preference N] [tos|dsfield T] [onlink] [realms R]
//! [mtu|advmss|reordering|cwnd|ssthresh [lock] N] [hoplimit N] [window N]
//! [initcwnd N] [initrwnd N] [rtt|rttvar|rto_min [lock] TIME] [features ecn]
//! [quickack 0|1] [congctl [lock] ALG] [fastopen_no_cookie 0|1]
//! [pref low|medium|high] [expires SECS] [ttl-propagate enabled|disabled]
//! [encap ...] [as [to] ADDR] [inet|inet6] [add|append|prepend] [no_track]
//! [track_group NAME (static only)] [nexthop ... [nexthop ...]]`

use super::net_addr::{
    interface_usable, looks_like_placeholder, parse_ipaddress_quiet as parse_ipaddress,
    parse_prefix, Family, Prefix,
};
use super::net_names::{self, rtn, RTPROT_KEEPALIVED, RT_TABLE_MAIN};
use super::net_values::{self, RttValue};
use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx, Missing};
use crate::config::source::Pos;
use std::net::IpAddr;
use std::time::Duration;

/// How the route is installed when a matching route exists.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum AddMode {
    /// `prepend` (the default): before matching routes.
    #[default]
    Prepend,
    /// `add`: only if no matching route exists.
    Add,
    /// `append`: after matching routes.
    Append,
}

/// A route metric that can be locked against changes by the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric<T> {
    pub value: T,
    pub locked: bool,
}

/// The RTAX_* metrics of a route.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RouteMetrics {
    pub mtu: Option<Metric<u32>>,
    pub hoplimit: Option<u8>,
    pub advmss: Option<Metric<u32>>,
    /// Round-trip time (kernel unit 1/8 ms).
    pub rtt: Option<Metric<Duration>>,
    /// RTT variance (kernel unit 1/4 ms).
    pub rttvar: Option<Metric<Duration>>,
    pub reordering: Option<Metric<u32>>,
    pub window: Option<u32>,
    pub cwnd: Option<Metric<u32>>,
    pub ssthresh: Option<Metric<u32>>,
    pub initcwnd: Option<u32>,
    pub initrwnd: Option<u32>,
    /// Minimum retransmission timeout (kernel unit 1 ms).
    pub rto_min: Option<Metric<Duration>>,
    /// `features ecn`.
    pub features_ecn: bool,
    pub quickack: Option<bool>,
    /// TCP congestion control algorithm.
    pub congctl: Option<Metric<String>>,
    pub fastopen_no_cookie: Option<bool>,
}

/// IPv6 router preference (`pref`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouterPref {
    Low,
    Medium,
    High,
    /// A number 0..255 as written.
    Other(u8),
}

/// Lightweight tunnel encapsulation (`encap`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encap {
    /// `encap mpls LABEL[/LABEL...]`.
    Mpls { labels: Vec<u32> },
    /// `encap ip [id N] [dst ADDR] [src ADDR] [tos T] [ttl N] [flags N]`.
    Ip(EncapIp),
    /// `encap ip6 [id N] [dst ADDR] [src ADDR] [tc T] [hoplimit N] [flags N]`.
    Ip6(EncapIp),
    /// `encap ila LOCATOR`.
    Ila { locator: u64 },
}

/// The fields of an `ip`/`ip6` encapsulation (`tos`/`tc` and `ttl`/
/// `hoplimit` share fields).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct EncapIp {
    pub id: Option<u64>,
    pub dst: Option<IpAddr>,
    pub src: Option<IpAddr>,
    pub tos: Option<u8>,
    pub ttl: Option<u8>,
    pub flags: Option<u16>,
}

/// One next hop of a multipath route (`nexthop ...`, or the old `or`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Nexthop {
    pub via: Option<IpAddr>,
    pub dev: Option<String>,
    /// `weight` 1..256.
    pub weight: Option<u16>,
    pub onlink: bool,
    pub encap: Option<Encap>,
    pub realms: Option<u32>,
}

/// One route entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub pos: Pos,
    pub family: Family,
    /// The destination (`default` has no address).
    pub dst: Prefix,
    /// Route type (RTN_*): unicast unless a type is written before the
    /// destination. A written type also makes `mode` `Add` (as 2.2.7 does).
    pub route_type: u8,
    pub type_given: bool,
    /// `src`: preferred source address.
    pub src: Option<IpAddr>,
    /// `from`: IPv6 source prefix.
    pub from: Option<Prefix>,
    /// `via` (or `gw`).
    pub via: Option<IpAddr>,
    /// `dev` / `oif`.
    pub dev: Option<String>,
    /// `table` (254 = main by default).
    pub table: u32,
    /// `vrf`: the route goes in that VRF's table.
    pub vrf: Option<String>,
    /// `protocol`; routes keepalived tracks get 18 (keepalived).
    pub protocol: Option<u8>,
    /// `scope` (0 = universe by default).
    pub scope: u8,
    pub scope_given: bool,
    /// `metric` / `priority` / `preference`.
    pub metric: Option<u32>,
    /// `tos` / `dsfield`.
    pub tos: Option<u8>,
    pub onlink: bool,
    /// `realms` (FROM << 16 | TO).
    pub realms: Option<u32>,
    pub metrics: RouteMetrics,
    pub pref: Option<RouterPref>,
    /// `expires` (IPv6).
    pub expires: Option<Duration>,
    /// `ttl-propagate`.
    pub ttl_propagate: Option<bool>,
    pub encap: Option<Encap>,
    pub nexthops: Vec<Nexthop>,
    pub mode: AddMode,
    /// `no_track`, or keepalived gave up tracking (no `dev`).
    pub no_track: bool,
    /// `track_group` (static routes only).
    pub track_group: Option<String>,
}

impl Route {
    fn new(pos: Pos) -> Self {
        Route {
            pos,
            family: Family::Inet,
            dst: Prefix {
                addr: None,
                len: 0,
                family: Family::Inet,
            },
            route_type: rtn::UNICAST,
            type_given: false,
            src: None,
            from: None,
            via: None,
            dev: None,
            table: RT_TABLE_MAIN,
            vrf: None,
            protocol: None,
            scope: 0,
            scope_given: false,
            metric: None,
            tos: None,
            onlink: false,
            realms: None,
            metrics: RouteMetrics::default(),
            pref: None,
            expires: None,
            ttl_propagate: None,
            encap: None,
            nexthops: Vec::new(),
            mode: AddMode::Prepend,
            no_track: false,
            track_group: None,
        }
    }
}

/// Report a problem with the entry (always keepalived's general class).
fn bad(ctx: &mut Ctx, a: &Args, i: usize, msg: String) {
    ctx.error(Class::General, a, i, msg);
}

/// Record the family an element of the route implies; false on a mix.
fn join_family(fam: &mut Option<Family>, f: Family) -> bool {
    match fam {
        None => {
            *fam = Some(f);
            true
        }
        Some(cur) => *cur == f,
    }
}

/// A bounded number option (`get_u8/16/32`); reports and gives `None` when
/// invalid.
fn number(ctx: &mut Ctx, a: &Args, i: usize, what: &str, max: u32) -> Result<Option<u32>, Missing> {
    let s = a.req(i)?;
    match net_values::bounded(s, max) {
        Ok(v) => Ok(Some(v)),
        Err(reason) => {
            let s = s.to_string();
            let d = ctx.error(
                Class::General,
                a,
                i,
                format!("route: invalid {what} '{s}': {reason}; the route is ignored"),
            );
            d.help = Some(format!("{what} takes a whole number from 0 to {max}"));
            Ok(None)
        }
    }
}

/// A route time option; reports and gives `None` when invalid.
fn rtt(
    ctx: &mut Ctx,
    a: &Args,
    i: usize,
    what: &str,
    unit: u32,
) -> Result<Option<RttValue>, Missing> {
    let s = a.req(i)?.to_string();
    match net_values::time_rtt(&s, unit) {
        Ok(v) => {
            if let Some(w) = &v.number_warning {
                ctx.error(Class::InvalidNumber, a, i, format!("route {what}: {w}"));
            }
            if let Some(c) = &v.clamped {
                ctx.lint(
                    a,
                    i,
                    format!("route {what} '{s}' is {c}: the limit is used instead"),
                );
            }
            Ok(Some(v))
        }
        Err(reason) => {
            let d = ctx.error(
                Class::General,
                a,
                i,
                format!("route: invalid {what} '{s}': {reason}; the route is ignored"),
            );
            d.help = Some(format!(
                "write a number of kernel units (1/{unit} ms) or a time such as 300ms or 1.5s"
            ));
            Ok(None)
        }
    }
}

/// Set a lockable metric. keepalived keeps lock bits in a mask that is never
/// cleared, so a lock given earlier for the same metric stays.
fn set_metric<T>(slot: &mut Option<Metric<T>>, value: T, locked: bool) {
    let locked = locked || slot.as_ref().is_some_and(|m| m.locked);
    *slot = Some(Metric { value, locked });
}

/// `lock` before a metric value: returns whether it was there, moving `i`
/// to the value.
fn lock(a: &Args, i: &mut usize) -> Result<bool, Missing> {
    *i += 1;
    if a.req(*i)? == "lock" {
        *i += 1;
        return Ok(true);
    }
    Ok(false)
}

/// keepalived's `alloc_route`: one route entry. `None` when skipped.
pub fn parse_route(
    ctx: &mut Ctx,
    a: &Args,
    allow_track_group: bool,
) -> Result<Option<Route>, Missing> {
    let mut r = Route::new(a.pos(0));
    let mut fam: Option<Family> = None;
    let mut dst: Option<(Prefix, Option<Family>)> = None;
    let mut dest_text = String::new();
    let mut do_nexthop = false;
    let mut swallowed = false;
    let n = a.len();
    let mut i = 0;
    while i < n {
        let opt = a.req(i)?.to_string();
        match opt.as_str() {
            "inet6" | "inet" => {
                let f = if opt == "inet" {
                    Family::Inet
                } else {
                    Family::Inet6
                };
                if !join_family(&mut fam, f) {
                    bad(ctx, a, i, format!("route: '{opt}' contradicts the route's other addresses; the route is ignored"));
                    return Ok(None);
                }
                // keepalived also skips the word after inet/inet6.
                if let Some(next) = a.get(i + 1) {
                    swallowed = true;
                    let next = next.to_string();
                    let d = ctx.lint(a, i + 1, format!("'{next}' after '{opt}' is skipped (keepalived reads '{opt}' as taking a value)"));
                    d.help = Some(if opt == "inet6" {
                        "put 'inet6' last, or leave it out and write '::/0' for an IPv6 default route".into()
                    } else {
                        "put 'inet' last, or leave it out: the addresses show the family".into()
                    });
                }
                i += 1;
            }
            "src" => {
                i += 1;
                let s = a.req(i)?.to_string();
                let Some(p) = parse_ipaddress(ctx, a, i, &s, false) else {
                    bad(
                        ctx,
                        a,
                        i,
                        format!("route: invalid src address '{s}'; the route is ignored"),
                    );
                    return Ok(None);
                };
                if !join_family(&mut fam, p.family()) {
                    bad(
                        ctx,
                        a,
                        i,
                        format!("route: src {s} mixes IPv4 and IPv6; the route is ignored"),
                    );
                    return Ok(None);
                }
                r.src = Some(p.addr);
            }
            "as" => {
                i += 1;
                if a.req(i)? == "to" {
                    i += 1;
                }
                bad(
                    ctx,
                    a,
                    i.min(n.saturating_sub(1)),
                    "route: 'as [to]' is only for MPLS routes and is ignored".into(),
                );
            }
            "via" | "gw" => {
                if opt == "gw" {
                    let d = ctx.error(Class::General, a, i, "route: 'gw' is deprecated");
                    d.help = Some("write 'via' instead".into());
                }
                i += 1;
                let mut s = a.req(i)?.to_string();
                let mut f = fam;
                if s == "inet" || s == "inet6" {
                    f = Some(if s == "inet" {
                        Family::Inet
                    } else {
                        Family::Inet6
                    });
                    i += 1;
                    s = a.req(i)?.to_string();
                }
                if fam.is_none() {
                    fam = f;
                } else if fam != f {
                    bad(
                        ctx,
                        a,
                        i,
                        "route: via mixes IPv4 and IPv6; the route is ignored".into(),
                    );
                    return Ok(None);
                }
                let Some(p) = parse_ipaddress(ctx, a, i, &s, false) else {
                    bad(
                        ctx,
                        a,
                        i,
                        format!("route: invalid via address '{s}'; the route is ignored"),
                    );
                    return Ok(None);
                };
                if !join_family(&mut fam, p.family()) {
                    bad(
                        ctx,
                        a,
                        i,
                        format!("route: via {s} mixes IPv4 and IPv6; the route is ignored"),
                    );
                    return Ok(None);
                }
                r.via = Some(p.addr);
            }
            "from" => {
                i += 1;
                let s = a.req(i)?.to_string();
                let Some((p, pf)) = parse_prefix(ctx, a, i, &s) else {
                    bad(
                        ctx,
                        a,
                        i,
                        format!("route: invalid from prefix '{s}'; the route is ignored"),
                    );
                    return Ok(None);
                };
                if pf != Some(Family::Inet6) {
                    bad(ctx, a, i, format!("route: 'from {s}': source prefixes are only supported for IPv6 routes; the route is ignored"));
                    return Ok(None);
                }
                if !join_family(&mut fam, Family::Inet6) {
                    bad(
                        ctx,
                        a,
                        i,
                        format!("route: from {s} mixes IPv4 and IPv6; the route is ignored"),
                    );
                    return Ok(None);
                }
                r.from = Some(p);
            }
            "tos" | "dsfield" => {
                i += 1;
                let s = a.req(i)?.to_string();
                match net_names::dsfield(ctx, &s) {
                    Some(v) => r.tos = Some(v),
                    None => {
                        bad(ctx, a, i, format!("route: invalid {opt} '{s}' (0..255 or a name from rt_dsfield expected); the route is ignored"));
                        return Ok(None);
                    }
                }
            }
            "table" => {
                i += 1;
                let s = a.req(i)?.to_string();
                match net_names::table(ctx, &s) {
                    Some(v) => r.table = v,
                    None => {
                        bad(ctx, a, i, format!("route: unknown routing table '{s}' (a number or a name from rt_tables expected); the route is ignored"));
                        return Ok(None);
                    }
                }
            }
            "protocol" => {
                i += 1;
                let s = a.req(i)?.to_string();
                match net_names::proto(ctx, &s) {
                    Some(v) => r.protocol = Some(v),
                    None => {
                        bad(ctx, a, i, format!("route: unknown protocol '{s}' (0..255 or a name from rt_protos expected); the route is ignored"));
                        return Ok(None);
                    }
                }
            }
            "scope" => {
                i += 1;
                let s = a.req(i)?.to_string();
                match net_names::scope(ctx, &s) {
                    Some(v) => {
                        r.scope = v;
                        r.scope_given = true;
                    }
                    None => {
                        bad(ctx, a, i, format!("route: unknown scope '{s}' (global, site, link, host, nowhere, a name from rt_scopes or 0..255 expected); the route is ignored"));
                        return Ok(None);
                    }
                }
            }
            "metric" | "priority" | "preference" => {
                i += 1;
                match number(ctx, a, i, &opt, u32::MAX)? {
                    Some(v) => r.metric = Some(v),
                    None => return Ok(None),
                }
            }
            "dev" | "oif" => {
                i += 1;
                let s = a.req(i)?.to_string();
                if !interface_usable(ctx, a, i, &s) {
                    bad(
                        ctx,
                        a,
                        i,
                        format!("route: interface '{s}' does not exist; the route is ignored"),
                    );
                    return Ok(None);
                }
                r.dev = Some(s);
            }
            "onlink" => r.onlink = true,
            "encap" => r.encap = parse_encap(ctx, a, &mut i)?,
            "expires" => {
                i += 1;
                if fam == Some(Family::Inet) {
                    bad(
                        ctx,
                        a,
                        i - 1,
                        "route: 'expires' is only for IPv6 routes; the route is ignored".into(),
                    );
                    return Ok(None);
                }
                fam = Some(Family::Inet6);
                match number(ctx, a, i, "expires", u32::MAX)? {
                    Some(v) => r.expires = Some(Duration::from_secs(u64::from(v))),
                    None => return Ok(None),
                }
            }
            "mtu" | "advmss" | "reordering" | "cwnd" | "ssthresh" => {
                let locked = lock(a, &mut i)?;
                let Some(value) = number(ctx, a, i, &opt, u32::MAX)? else {
                    return Ok(None);
                };
                let slot = match opt.as_str() {
                    "mtu" => &mut r.metrics.mtu,
                    "advmss" => &mut r.metrics.advmss,
                    "reordering" => &mut r.metrics.reordering,
                    "cwnd" => &mut r.metrics.cwnd,
                    _ => &mut r.metrics.ssthresh,
                };
                set_metric(slot, value, locked);
            }
            "hoplimit" => {
                i += 1;
                match number(ctx, a, i, &opt, 255)? {
                    Some(v) => r.metrics.hoplimit = Some(v as u8),
                    None => return Ok(None),
                }
            }
            "window" | "initcwnd" | "initrwnd" => {
                i += 1;
                let Some(v) = number(ctx, a, i, &opt, u32::MAX)? else {
                    return Ok(None);
                };
                match opt.as_str() {
                    "window" => r.metrics.window = Some(v),
                    "initcwnd" => r.metrics.initcwnd = Some(v),
                    _ => r.metrics.initrwnd = Some(v),
                }
            }
            "rtt" | "rttvar" | "rto_min" => {
                let unit = match opt.as_str() {
                    "rtt" => 8,
                    "rttvar" => 4,
                    _ => 1,
                };
                let locked = lock(a, &mut i)?;
                let Some(v) = rtt(ctx, a, i, &opt, unit)? else {
                    return Ok(None);
                };
                let slot = match opt.as_str() {
                    "rtt" => &mut r.metrics.rtt,
                    "rttvar" => &mut r.metrics.rttvar,
                    _ => &mut r.metrics.rto_min,
                };
                set_metric(slot, v.duration(unit), locked);
            }
            "realms" => {
                i += 1;
                let s = a.req(i)?.to_string();
                let Some(v) = net_names::realms(ctx, &s) else {
                    bad(ctx, a, i, format!("route: invalid realms '{s}' ([FROM/]TO, numbers or rt_realms names); the route is ignored"));
                    return Ok(None);
                };
                if fam == Some(Family::Inet6) {
                    bad(
                        ctx,
                        a,
                        i,
                        "route: realms are only for IPv4 routes; the route is ignored".into(),
                    );
                    return Ok(None);
                }
                fam = Some(Family::Inet);
                r.realms = Some(v);
            }
            "features" => {
                i += 1;
                let s = a.req(i)?.to_string();
                if s == "ecn" {
                    r.metrics.features_ecn = true;
                } else {
                    bad(
                        ctx,
                        a,
                        i,
                        format!("route: unknown feature '{s}' (only 'ecn' exists); it is ignored"),
                    );
                }
            }
            "quickack" | "fastopen_no_cookie" => {
                i += 1;
                let Some(v) = number(ctx, a, i, &opt, 1)? else {
                    return Ok(None);
                };
                if opt == "quickack" {
                    r.metrics.quickack = Some(v != 0);
                } else {
                    r.metrics.fastopen_no_cookie = Some(v != 0);
                }
            }
            "congctl" => {
                i += 1;
                let mut locked = false;
                if a.req(i)? == "lock" {
                    locked = true;
                    i += 1;
                }
                let value = a.req(i)?.to_string();
                set_metric(&mut r.metrics.congctl, value, locked);
            }
            "pref" => {
                i += 1;
                if fam == Some(Family::Inet) {
                    bad(
                        ctx,
                        a,
                        i - 1,
                        "route: 'pref' is only for IPv6 routes; the route is ignored".into(),
                    );
                    return Ok(None);
                }
                fam = Some(Family::Inet6);
                let s = a.req(i)?.to_string();
                r.pref = Some(match s.as_str() {
                    "low" => RouterPref::Low,
                    "medium" => RouterPref::Medium,
                    "high" => RouterPref::High,
                    _ => match number(ctx, a, i, "pref", 255)? {
                        Some(v) => RouterPref::Other(v as u8),
                        None => return Ok(None),
                    },
                });
            }
            "ttl-propagate" => {
                i += 1;
                let s = a.req(i)?.to_string();
                r.ttl_propagate = Some(match s.as_str() {
                    "enabled" => true,
                    "disabled" => false,
                    _ => {
                        bad(ctx, a, i, format!("route: ttl-propagate '{s}' is neither 'enabled' nor 'disabled'; 'disabled' is used"));
                        false
                    }
                });
            }
            "add" => r.mode = AddMode::Add,
            "prepend" => r.mode = AddMode::Prepend,
            "append" => r.mode = AddMode::Append,
            "or" => {
                let d = ctx.error(Class::General, a, i, "route: 'or' is deprecated");
                d.help = Some("write the gateways as 'nexthop via ADDR nexthop via ADDR'".into());
                if !r.nexthops.is_empty() {
                    bad(
                        ctx,
                        a,
                        i,
                        "route: only one 'or' is possible; this one and its address are ignored"
                            .into(),
                    );
                    i += 2;
                    continue;
                }
                // The via address becomes the first next hop.
                r.nexthops.push(Nexthop {
                    via: r.via.take(),
                    ..Nexthop::default()
                });
                i += 1;
                let s = a.req(i)?.to_string();
                let Some(p) = parse_ipaddress(ctx, a, i, &s, false) else {
                    bad(
                        ctx,
                        a,
                        i,
                        format!("route: invalid 'or' address '{s}'; the route is ignored"),
                    );
                    return Ok(None);
                };
                r.nexthops.push(Nexthop {
                    via: Some(p.addr),
                    ..Nexthop::default()
                });
            }
            "nexthop" => {
                if !r.nexthops.is_empty() {
                    bad(
                        ctx,
                        a,
                        i,
                        "route: 'nexthop' cannot be combined with 'or'".into(),
                    );
                } else {
                    do_nexthop = true;
                }
                break;
            }
            "no_track" => r.no_track = true,
            "track_group" if allow_track_group => {
                i += 1;
                let s = a.req(i)?.to_string();
                if r.track_group.is_some() {
                    bad(
                        ctx,
                        a,
                        i,
                        format!("route: a second track_group '{s}' is given"),
                    );
                    break;
                }
                if super::statics::track_group_exists(ctx, &s) {
                    r.track_group = Some(s);
                } else {
                    let d = ctx.error(
                        Class::General,
                        a,
                        i,
                        format!("route: track_group '{s}' is not defined; the route is not tracked by a group"),
                    );
                    d.help =
                        Some("a track_group must be defined before the entries that use it".into());
                }
            }
            "vrf" => {
                i += 1;
                let s = a.req(i)?.to_string();
                // keepalived looks VRFs up without creating them, so a missing
                // one is not a missing interface.
                if !ctx.host.interface_exists(&s) {
                    bad(
                        ctx,
                        a,
                        i,
                        format!("route: VRF '{s}' does not exist; the route is ignored"),
                    );
                    return Ok(None);
                }
                if !is_vrf(ctx, &s) {
                    bad(
                        ctx,
                        a,
                        i,
                        format!("route: interface '{s}' is not a VRF; the route is ignored"),
                    );
                    return Ok(None);
                }
                r.vrf = Some(s);
            }
            _ => {
                // The destination, with an optional `to` and route type.
                // keepalived checks the type on the word it started with, so
                // `to TYPE PREFIX` does not work (only `TYPE PREFIX`).
                if opt == "to" {
                    i += 1;
                }
                let mut type_word = None;
                if let Some(t) = net_names::rtntype(&opt) {
                    r.route_type = t;
                    r.type_given = true;
                    // Observed in Debian's 2.2.7 (its config dump): a route
                    // type also selects `add` (NLM_F_EXCL), until a later
                    // prepend/append.
                    r.mode = AddMode::Add;
                    type_word = Some(opt.clone());
                    i += 1;
                }
                let s = a.req(i)?.to_string();
                let Some((p, pf)) = parse_prefix(ctx, a, i, &s) else {
                    let d = ctx.error(
                        Class::General,
                        a,
                        i,
                        format!("route: '{s}' is neither a route option nor a valid destination; the route is ignored"),
                    );
                    d.help = if opt == "to" && net_names::rtntype(&s).is_some() {
                        Some(format!("keepalived does not accept a route type after 'to': write '{s} PREFIX'"))
                    } else if let Some(t) = type_word {
                        Some(format!(
                            "'{t}' was read as a route type, so '{s}' had to be the destination"
                        ))
                    } else if ENCAP_KEYS.contains(&s.as_str()) {
                        Some("an encap value before this word was invalid, so the encap ended here and keepalived read this word as a route option".into())
                    } else if ROUTE_OPTIONS.contains(&s.as_str()) {
                        Some(format!(
                            "'{s}' is a route option, but the word before it took it as its value"
                        ))
                    } else if looks_like_placeholder(&s) {
                        Some(
                            "this looks like a template placeholder that was never filled in"
                                .into(),
                        )
                    } else {
                        suggest(&s).map(|k| format!("did you mean '{k}'?"))
                    };
                    return Ok(None);
                };
                // keepalived compares families exactly here: a `default`
                // destination (no family yet) after an address fails too.
                if fam.is_none() {
                    fam = pf;
                } else if fam != pf {
                    bad(ctx, a, i, format!("route: destination {s} mixes IPv4 and IPv6 (or follows an address with 'default'); the route is ignored"));
                    return Ok(None);
                }
                dest_text = s;
                dst = Some((p, pf));
            }
        }
        i += 1;
    }

    if do_nexthop {
        parse_nexthops(ctx, a, i, &mut r, &mut fam)?;
    } else if i < n {
        let s = a.get(i).unwrap_or("").to_string();
        bad(
            ctx,
            a,
            i,
            format!("route: unexpected '{s}' at the end; the route is ignored"),
        );
        return Ok(None);
    }

    let Some((mut dst, dst_family)) = dst else {
        let d = ctx.error(
            Class::General,
            a,
            0,
            "route has no destination; it is ignored",
        );
        if swallowed {
            d.help = Some("the word after inet/inet6 was skipped (see the warning above)".into());
        }
        return Ok(None);
    };

    if !r.no_track {
        if r.protocol.is_some_and(|p| p != RTPROT_KEEPALIVED) {
            let d = ctx.error(
                Class::General,
                a,
                0,
                format!("route {dest_text}: a tracked route must have protocol keepalived ({RTPROT_KEEPALIVED}); the protocol is replaced"),
            );
            d.help = Some("add 'no_track' to keep your protocol".into());
        }
        r.protocol = Some(RTPROT_KEEPALIVED);
        if r.dev.is_none() {
            let d = ctx.error(
                Class::General,
                a,
                0,
                format!(
                    "route {dest_text} has no 'dev', so it cannot be tracked; it is not tracked"
                ),
            );
            d.help = Some("add 'dev IFNAME', or 'no_track' to say that is intended".into());
            r.no_track = true;
        }
    }

    if r.track_group.is_some() && r.dev.is_none() {
        bad(
            ctx,
            a,
            0,
            format!("route {dest_text}: track_group needs 'dev'; it is ignored"),
        );
        r.track_group = None;
    }

    let family = fam.unwrap_or(Family::Inet);
    r.family = family;
    if dst_family.is_none() {
        dst.family = family;
    }
    r.dst = dst;
    Ok(Some(r))
}

/// Keys of `encap ip|ip6`.
const ENCAP_KEYS: &[&str] = &["id", "dst", "src", "tos", "ttl", "flags", "tc", "hoplimit"];

/// Common route options, for suggestions.
const ROUTE_OPTIONS: &[&str] = &[
    "src",
    "via",
    "dev",
    "table",
    "metric",
    "protocol",
    "scope",
    "onlink",
    "no_track",
    "nexthop",
    "preference",
    "blackhole",
    "unreachable",
    "prohibit",
    "realms",
    "track_group",
];

/// The option closest to a mistyped word, if close enough.
fn suggest(word: &str) -> Option<&'static str> {
    crate::config::parser::closest(word, ROUTE_OPTIONS.iter().copied())
}

/// Whether an interface is a VRF device (its uevent says DEVTYPE=vrf).
fn is_vrf(ctx: &Ctx, name: &str) -> bool {
    if name.contains('/') || name == "." || name == ".." {
        return false;
    }
    let path = format!("/sys/class/net/{name}/uevent");
    ctx.host
        .read_to_string(std::path::Path::new(&path))
        .is_some_and(|t| t.lines().any(|l| l.trim() == "DEVTYPE=vrf"))
}

/// keepalived's `parse_nexthops`: `nexthop [via [inet|inet6] ADDR] [dev IF]
/// [weight N] [onlink] [encap ...] [realms R] ...` repeated to the end of
/// the entry. A bad next hop ends the list but keeps the route.
fn parse_nexthops(
    ctx: &mut Ctx,
    a: &Args,
    mut i: usize,
    r: &mut Route,
    fam: &mut Option<Family>,
) -> Result<(), Missing> {
    let n = a.len();
    // keepalived keeps a family from `via inet|inet6` across next hops.
    let mut via_family: Option<Family> = None;
    while i < n && a.get(i) == Some("nexthop") {
        i += 1;
        let mut nh = Nexthop::default();
        while i < n {
            let opt = a.req(i)?.to_string();
            match opt.as_str() {
                "via" => {
                    i += 1;
                    let mut s = a.req(i)?.to_string();
                    if s == "inet" || s == "inet6" {
                        via_family = Some(if s == "inet" {
                            Family::Inet
                        } else {
                            Family::Inet6
                        });
                        i += 1;
                        s = a.req(i)?.to_string();
                    }
                    if let Some(f) = via_family {
                        if !join_family(fam, f) {
                            bad(ctx, a, i, "route: next hop mixes IPv4 and IPv6; the remaining next hops are ignored".into());
                            return Ok(());
                        }
                    }
                    let Some(p) = parse_ipaddress(ctx, a, i, &s, false) else {
                        bad(ctx, a, i, format!("route: invalid next hop address '{s}'; the remaining next hops are ignored"));
                        return Ok(());
                    };
                    if !join_family(fam, p.family()) {
                        bad(ctx, a, i, format!("route: next hop {s} mixes IPv4 and IPv6; the remaining next hops are ignored"));
                        return Ok(());
                    }
                    nh.via = Some(p.addr);
                }
                "dev" => {
                    i += 1;
                    let s = a.req(i)?.to_string();
                    if !interface_usable(ctx, a, i, &s) {
                        bad(ctx, a, i, format!("route: interface '{s}' of a next hop does not exist; the remaining next hops are ignored"));
                        return Ok(());
                    }
                    nh.dev = Some(s);
                }
                "weight" => {
                    i += 1;
                    let s = a.req(i)?.to_string();
                    match net_values::bounded(&s, 256) {
                        Ok(0) => {
                            bad(ctx, a, i, "route: next hop weight 0 is invalid (1..256); the remaining next hops are ignored".into());
                            return Ok(());
                        }
                        Ok(v) => nh.weight = Some(v as u16),
                        Err(reason) => {
                            bad(ctx, a, i, format!("route: invalid next hop weight '{s}': {reason} (1..256 expected); the remaining next hops are ignored"));
                            return Ok(());
                        }
                    }
                }
                "onlink" => nh.onlink = true,
                "encap" => nh.encap = parse_encap(ctx, a, &mut i)?,
                "realms" => {
                    i += 1;
                    let s = a.req(i)?.to_string();
                    let Some(v) = net_names::realms(ctx, &s) else {
                        bad(ctx, a, i, format!("route: invalid next hop realms '{s}'; the remaining next hops are ignored"));
                        return Ok(());
                    };
                    if !join_family(fam, Family::Inet) {
                        bad(ctx, a, i, "route: realms are only for IPv4 routes; the remaining next hops are ignored".into());
                        return Ok(());
                    }
                    nh.realms = Some(v);
                }
                "as" => {
                    i += 1;
                    if a.req(i)? == "to" {
                        i += 1;
                    }
                    bad(ctx, a, i.min(n.saturating_sub(1)), "route: 'as [to]' (NAT) is not supported in next hops; the remaining next hops are ignored".into());
                    return Ok(());
                }
                _ => break,
            }
            i += 1;
        }
        r.nexthops.push(nh);
    }
    if i < n {
        let s = a.get(i).unwrap_or("").to_string();
        bad(
            ctx,
            a,
            i,
            format!(
                "route: unexpected '{s}' after the next hops; it and anything after it are ignored"
            ),
        );
    }
    Ok(())
}

/// keepalived's `parse_encap`: `encap TYPE ...`. `i` is at `encap` and is
/// left at the last word used. A bad encapsulation is reported and dropped;
/// the route stays.
fn parse_encap(ctx: &mut Ctx, a: &Args, i: &mut usize) -> Result<Option<Encap>, Missing> {
    let n = a.len();
    *i += 1;
    if *i >= n {
        bad(
            ctx,
            a,
            *i - 1,
            "route: 'encap' needs a type (mpls, ip, ip6 or ila)".into(),
        );
        return Ok(None);
    }
    let kind = a.req(*i)?.to_string();
    *i += 1;
    let enc = match kind.as_str() {
        "ip" | "ip6" => encap_ip(ctx, a, i, kind == "ip6"),
        "mpls" | "ila" => {
            if *i >= n {
                bad(ctx, a, *i - 1, format!("route: encap {kind} needs a value"));
                None
            } else {
                let s = a.req(*i)?.to_string();
                *i += 1;
                if kind == "mpls" {
                    match net_values::mpls_labels(&s) {
                        Some(labels) => Some(Encap::Mpls { labels }),
                        None => {
                            bad(ctx, a, *i - 1, format!("route: invalid MPLS label stack '{s}' (LABEL[/LABEL...], labels up to 1048575)"));
                            None
                        }
                    }
                } else {
                    match net_values::addr64(&s) {
                        Some(locator) => Some(Encap::Ila { locator }),
                        None => {
                            bad(ctx, a, *i - 1, format!("route: invalid ILA locator '{s}' (four hex groups such as 1:2:3:4)"));
                            None
                        }
                    }
                }
            }
        }
        _ => {
            let d = ctx.error(
                Class::General,
                a,
                *i - 1,
                format!("route: unknown encap type '{kind}'"),
            );
            d.help = Some("types are mpls, ip, ip6 and ila; keepalived also skips the word after an unknown type".into());
            // keepalived does not step back here, so the next word is lost.
            return Ok(None);
        }
    };
    *i -= 1;
    Ok(enc)
}

/// `encap ip|ip6` pairs. `i` is left at the first word not used.
fn encap_ip(ctx: &mut Ctx, a: &Args, i: &mut usize, v6: bool) -> Option<Encap> {
    let n = a.len();
    let kind = if v6 { "ip6" } else { "ip" };
    let want = if v6 { Family::Inet6 } else { Family::Inet };
    let mut e = EncapIp::default();
    while *i + 1 < n {
        let key = a.get(*i).unwrap_or("").to_string();
        let val = a.get(*i + 1).unwrap_or("").to_string();
        let ok = match key.as_str() {
            "id" => match net_values::bounded64(&val) {
                Ok(v) => {
                    e.id = Some(v);
                    true
                }
                Err(reason) => {
                    bad(
                        ctx,
                        a,
                        *i + 1,
                        format!("route: encap {kind} id '{val}': {reason}"),
                    );
                    false
                }
            },
            "dst" | "src" => match parse_ipaddress(ctx, a, *i + 1, &val, false) {
                None => {
                    bad(
                        ctx,
                        a,
                        *i + 1,
                        format!("route: invalid encap {kind} {key} address '{val}'"),
                    );
                    false
                }
                Some(p) if p.family() != want => {
                    bad(
                        ctx,
                        a,
                        *i + 1,
                        format!(
                            "route: encap {kind} {key} {val} is not an {} address",
                            want.name()
                        ),
                    );
                    false
                }
                Some(p) => {
                    if key == "dst" {
                        e.dst = Some(p.addr);
                    } else {
                        e.src = Some(p.addr);
                    }
                    true
                }
            },
            "tos" | "tc" if (key == "tc") == v6 => match net_names::dsfield(ctx, &val) {
                Some(v) => {
                    e.tos = Some(v);
                    true
                }
                None => {
                    bad(
                        ctx,
                        a,
                        *i + 1,
                        format!("route: invalid encap {kind} {key} '{val}'"),
                    );
                    false
                }
            },
            "ttl" | "hoplimit" if (key == "hoplimit") == v6 => match net_values::bounded(&val, 255)
            {
                Ok(v) => {
                    e.ttl = Some(v as u8);
                    true
                }
                Err(reason) => {
                    bad(
                        ctx,
                        a,
                        *i + 1,
                        format!("route: encap {kind} {key} '{val}': {reason} (0..255 expected)"),
                    );
                    false
                }
            },
            "flags" => match net_values::bounded(&val, 65535) {
                Ok(v) => {
                    e.flags = Some(v as u16);
                    true
                }
                Err(reason) => {
                    bad(
                        ctx,
                        a,
                        *i + 1,
                        format!("route: encap {kind} flags '{val}': {reason} (0..65535 expected)"),
                    );
                    false
                }
            },
            _ => break,
        };
        if !ok {
            // keepalived resumes reading route options at the failed key.
            return None;
        }
        *i += 2;
    }
    if e.dst.is_none() && e.id.is_none() {
        bad(
            ctx,
            a,
            i.saturating_sub(1).min(n.saturating_sub(1)),
            format!("route: encap {kind} needs a dst address or an id"),
        );
        return None;
    }
    Some(if v6 { Encap::Ip6(e) } else { Encap::Ip(e) })
}
