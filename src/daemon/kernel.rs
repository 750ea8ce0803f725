//! What the VRRP process does to the kernel besides VIPs and adverts, as
//! keepalived 2.2.7 does it: virtual routes and rules of masters, the
//! static addresses, routes and rules, VMAC interfaces with their sysctls,
//! and the nftables drop rules of `vrrp_strict` / `no_accept`.
//!
//! The conversions from the configuration to netlink specs are pure; the
//! [`Kernel`] holds what was installed so that it can be taken back.

use super::firewall::{Firewall, FwAddr, FwConfig};
use crate::config::vrrp::ipaddr::{IpAddress, Lifetime};
use crate::config::vrrp::net_addr::Family as CfgFamily;
use crate::config::vrrp::route::{self, AddMode, Route, RouterPref};
use crate::config::vrrp::rule::{Rule, RuleAction};
use crate::sys::netlink::{
    self, AddressSpec, Encap, EncapIp, Family, Link, Netlink, NextHop, RouteAddMode, RouteMetrics,
    RouteSpec, RuleSpec, FR_ACT_BLACKHOLE, FR_ACT_GOTO, FR_ACT_NOP, FR_ACT_PROHIBIT, FR_ACT_TO_TBL,
    FR_ACT_UNREACHABLE, IFA_F_HOMEADDRESS, IFA_F_MANAGETEMPADDR, IFA_F_MCAUTOJOIN, IFA_F_NODAD,
    IFA_F_NOPREFIXROUTE, MACVLAN_MODE_PRIVATE, RTNH_F_ONLINK, RTPROT_KEEPALIVED,
};
use crate::sys::nftables::{Msg, NfSocket};
use crate::sys::{sock, sysctl};
use std::io;
use std::net::{IpAddr, Ipv6Addr};

const ICMPV6_ROUTER_PREF_LOW: u8 = 3;
const ICMPV6_ROUTER_PREF_MEDIUM: u8 = 0;
const ICMPV6_ROUTER_PREF_HIGH: u8 = 1;
const RTAX_FEATURE_ECN: u32 = 1;

/// An interface index by name, in the calling thread's namespace.
pub fn if_index(name: &str) -> Option<u32> {
    sock::if_index(name).ok()
}

fn family(f: CfgFamily) -> Family {
    match f {
        CfgFamily::Inet => Family::V4,
        CfgFamily::Inet6 => Family::V6,
    }
}

fn encap(e: &route::Encap) -> Encap {
    let ip = |x: &route::EncapIp| EncapIp {
        id: x.id,
        dst: x.dst,
        src: x.src,
        tos: x.tos,
        ttl: x.ttl,
        flags: x.flags,
    };
    match e {
        route::Encap::Mpls { labels } => Encap::Mpls(labels.clone()),
        route::Encap::Ip(x) => Encap::Ip(ip(x)),
        route::Encap::Ip6(x) => Encap::Ip6(ip(x)),
        route::Encap::Ila { locator } => Encap::Ila(*locator),
    }
}

/// Kernel units of a route time: `unit` per millisecond.
fn rtt_units(d: std::time::Duration, unit: u32) -> u32 {
    (d.as_micros() * u128::from(unit) / 1000).min(u128::from(u32::MAX)) as u32
}

fn route_metrics(r: &Route) -> RouteMetrics {
    use netlink::*;
    let m = &r.metrics;
    let mut out = RouteMetrics::default();
    let mut lock = |kind: u16, locked: bool| {
        if locked {
            out.lock |= 1 << kind;
        }
    };
    if let Some(c) = &m.congctl {
        lock(RTAX_CC_ALGO, c.locked);
    }
    let mut values = Vec::new();
    let mut put = |kind: u16, v: Option<(u32, bool)>, lock: &mut dyn FnMut(u16, bool)| {
        if let Some((v, l)) = v {
            values.push((kind, v));
            lock(kind, l);
        }
    };
    // keepalived's order.
    put(
        RTAX_RTT,
        m.rtt.map(|x| (rtt_units(x.value, 8), x.locked)),
        &mut lock,
    );
    put(
        RTAX_RTTVAR,
        m.rttvar.map(|x| (rtt_units(x.value, 4), x.locked)),
        &mut lock,
    );
    put(
        RTAX_RTO_MIN,
        m.rto_min.map(|x| (rtt_units(x.value, 1), x.locked)),
        &mut lock,
    );
    put(
        RTAX_FEATURES,
        m.features_ecn.then_some((RTAX_FEATURE_ECN, false)),
        &mut lock,
    );
    put(RTAX_MTU, m.mtu.map(|x| (x.value, x.locked)), &mut lock);
    put(RTAX_WINDOW, m.window.map(|x| (x, false)), &mut lock);
    put(
        RTAX_SSTHRESH,
        m.ssthresh.map(|x| (x.value, x.locked)),
        &mut lock,
    );
    put(RTAX_CWND, m.cwnd.map(|x| (x.value, x.locked)), &mut lock);
    put(
        RTAX_ADVMSS,
        m.advmss.map(|x| (x.value, x.locked)),
        &mut lock,
    );
    put(
        RTAX_REORDERING,
        m.reordering.map(|x| (x.value, x.locked)),
        &mut lock,
    );
    put(
        RTAX_HOPLIMIT,
        m.hoplimit.map(|x| (u32::from(x), false)),
        &mut lock,
    );
    put(RTAX_INITCWND, m.initcwnd.map(|x| (x, false)), &mut lock);
    put(RTAX_INITRWND, m.initrwnd.map(|x| (x, false)), &mut lock);
    put(
        RTAX_QUICKACK,
        m.quickack.map(|x| (u32::from(x), false)),
        &mut lock,
    );
    put(
        RTAX_FASTOPEN_NO_COOKIE,
        m.fastopen_no_cookie.map(|x| (u32::from(x), false)),
        &mut lock,
    );
    out.values = values;
    out.congctl = m.congctl.as_ref().map(|c| c.value.clone());
    out
}

/// The netlink spec of a `virtual_routes` / `static_routes` entry, with
/// its interfaces looked up by `index`; `Err` names an interface that does
/// not exist.
pub fn route_spec(
    r: &Route,
    index: &mut dyn FnMut(&str) -> Option<u32>,
    vrf_table: &mut dyn FnMut(&str) -> Option<u32>,
) -> Result<(RouteSpec, RouteAddMode), String> {
    let mut dev = |name: &Option<String>| -> Result<Option<u32>, String> {
        match name {
            None => Ok(None),
            Some(n) => index(n).map(Some).ok_or_else(|| n.clone()),
        }
    };
    let fam = family(r.family);
    let mut s = RouteSpec::new(
        r.dst.addr.unwrap_or(match fam {
            Family::V4 => IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
            Family::V6 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        }),
        r.dst.len,
    );
    s.family = fam;
    if r.dst.addr.is_none() {
        s.dst = None;
    }
    s.src = r.from.as_ref().and_then(|p| p.addr.map(|a| (a, p.len)));
    s.pref_src = r.src;
    s.via = r.via;
    s.oif = dev(&r.dev)?;
    s.table = r.table;
    if let Some(v) = &r.vrf {
        s.table = vrf_table(v).ok_or_else(|| v.clone())?;
    }
    s.protocol = r.protocol.unwrap_or(RTPROT_KEEPALIVED);
    s.scope = r.scope_given.then_some(r.scope);
    s.kind = r.type_given.then_some(r.route_type);
    s.tos = r.tos.unwrap_or(0);
    s.metric = r.metric;
    if r.onlink {
        s.flags |= RTNH_F_ONLINK;
    }
    s.realms = r.realms;
    s.metrics = route_metrics(r);
    s.pref = r.pref.map(|p| match p {
        RouterPref::Low => ICMPV6_ROUTER_PREF_LOW,
        RouterPref::Medium => ICMPV6_ROUTER_PREF_MEDIUM,
        RouterPref::High => ICMPV6_ROUTER_PREF_HIGH,
        RouterPref::Other(v) => v,
    });
    s.expires = r
        .expires
        .map(|d| d.as_secs().min(u64::from(u32::MAX)) as u32);
    s.ttl_propagate = r.ttl_propagate;
    s.encap = r.encap.as_ref().map(encap);
    for nh in &r.nexthops {
        s.nexthops.push(NextHop {
            via: nh.via,
            oif: dev(&nh.dev)?,
            weight: nh.weight,
            onlink: nh.onlink,
            realms: nh.realms,
            encap: nh.encap.as_ref().map(encap),
        });
    }
    let mode = match r.mode {
        AddMode::Add => RouteAddMode::Exclusive,
        AddMode::Prepend => RouteAddMode::Prepend,
        AddMode::Append => RouteAddMode::Append,
    };
    Ok((s, mode))
}

/// The netlink spec of a `virtual_rules` / `static_rules` entry.
pub fn rule_spec(r: &Rule) -> RuleSpec {
    let mut s = RuleSpec::to_table(family(r.family), 0);
    s.protocol = r.protocol;
    match r.action {
        RuleAction::Table(t) => s.table = t,
        RuleAction::L3mdev => s.l3mdev = true,
        RuleAction::Goto(p) => {
            s.action = FR_ACT_GOTO;
            s.goto = Some(p);
        }
        RuleAction::Nop => s.action = FR_ACT_NOP,
        RuleAction::Blackhole => s.action = FR_ACT_BLACKHOLE,
        RuleAction::Unreachable => s.action = FR_ACT_UNREACHABLE,
        RuleAction::Prohibit => s.action = FR_ACT_PROHIBIT,
    }
    debug_assert!(s.action != FR_ACT_TO_TBL || !matches!(r.action, RuleAction::Goto(_)));
    s.from = r.from.as_ref().and_then(|p| p.addr.map(|a| (a, p.len)));
    s.to = r.to.as_ref().and_then(|p| p.addr.map(|a| (a, p.len)));
    s.priority = Some(r.priority);
    s.invert = r.invert;
    s.tos = r.tos.unwrap_or(0);
    if let Some((mark, mask)) = r.fwmark {
        s.fwmark = Some(mark);
        s.fwmask = mask;
    }
    s.realms = r.realms;
    s.suppress_prefixlen = r.suppress_prefixlen;
    s.suppress_ifgroup = r.suppress_ifgroup;
    s.iif = r.iif.clone();
    s.oif = r.oif.clone();
    s.tunnel_id = r.tunnel_id;
    s.uid_range = r.uid_range.map(|u| (u.start, u.end));
    s.ip_proto = r.ip_proto;
    s.sport_range = r.sport.map(|p| (p.start, p.end));
    s.dport_range = r.dport.map(|p| (p.start, p.end));
    s
}

/// An address entry's netlink spec on interface `ifindex`, with
/// keepalived's defaults: IPv6 addresses get `nodad` unless `-nodad`, and a
/// /128 without `preferred_lft` is deprecated (preferred lifetime 0).
pub fn address_spec(a: &IpAddress, ifindex: u32) -> AddressSpec {
    let mut s = AddressSpec::new(ifindex, a.addr, a.prefix_len);
    s.broadcast = a.broadcast;
    s.label = a.label.clone();
    s.scope = a.scope;
    s.peer = a.peer;
    let f = &a.flags;
    for (on, bit) in [
        (f.home, IFA_F_HOMEADDRESS),
        (f.mngtmpaddr, IFA_F_MANAGETEMPADDR),
        (f.noprefixroute, IFA_F_NOPREFIXROUTE),
        (f.autojoin, IFA_F_MCAUTOJOIN),
    ] {
        if on {
            s.flags |= bit;
        }
    }
    if a.addr.is_ipv6() {
        if !f.nodad {
            s.flags |= IFA_F_NODAD;
        }
        s.preferred_lft = match a.preferred_lft {
            Some(Lifetime::Forever) => None,
            Some(Lifetime::Finite(d)) => Some(d.as_secs().min(u64::from(u32::MAX)) as u32),
            None if a.prefix_len == 128 => Some(0),
            None => None,
        };
    }
    s
}

/// The link-local address keepalived derives from a MAC (EUI-64).
pub fn link_local_of(mac: [u8; 6]) -> Ipv6Addr {
    Ipv6Addr::from([
        0xfe,
        0x80,
        0,
        0,
        0,
        0,
        0,
        0,
        mac[0] ^ 0x02,
        mac[1],
        mac[2],
        0xff,
        0xfe,
        mac[3],
        mac[4],
        mac[5],
    ])
}

/// The VMAC MAC of a VRID: 00:00:5e:00:01:VRID (IPv4), :02: for IPv6.
pub fn vmac_mac(vrid: u8, ipv6: bool) -> [u8; 6] {
    [0, 0, 0x5e, 0, if ipv6 { 2 } else { 1 }, vrid]
}

/// keepalived's VMAC name when none is configured: `PREFIX.VRID`, then
/// `PREFIX1.VRID`, `PREFIX2.VRID`... (IPv6 tries `PREFIX6.VRID` second),
/// skipping names in use. Names are cut to 15 characters.
pub fn vmac_name(prefix: &str, vrid: u8, ipv6: bool, taken: &dyn Fn(&str) -> bool) -> String {
    let fit = |p: &str, n: Option<u16>| {
        let suffix = match n {
            None => format!(".{vrid}"),
            Some(n) => format!("{n}.{vrid}"),
        };
        let keep = 15usize.saturating_sub(suffix.len()).min(p.len());
        let mut cut = keep;
        while !p.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}{suffix}", &p[..cut])
    };
    let mut num: Option<u16> = None;
    for _ in 0..1000 {
        let name = fit(prefix, num);
        if !taken(&name) {
            return name;
        }
        num = Some(match (ipv6, num) {
            (true, None) => 6,
            (true, Some(6)) => 1,
            (true, Some(n)) if n + 1 == 6 => 7,
            (_, Some(n)) => n + 1,
            (false, None) => 1,
        });
    }
    fit(prefix, num)
}

/// A VMAC an instance wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmacPlan {
    pub instance: String,
    /// Configured name, if any.
    pub name: Option<String>,
    pub mac: [u8; 6],
    pub ipv6: bool,
    /// Excluded addresses of the other family: IPv6 stays on for an IPv4
    /// VMAC, and both families' reports are redirected.
    pub other_family: bool,
    /// `vmac_xmit_base`.
    pub xmit_base: bool,
    /// `mcast_src_ip`/`unicast_src_ip`: the VMAC's IPv6 link-local address.
    pub src: Option<IpAddr>,
}

/// A VMAC in place.
#[derive(Debug, Clone)]
struct VmacState {
    instance: String,
    name: String,
    index: u32,
    base: u32,
    ipv6: bool,
    other_family: bool,
    /// Its entry is in the nftables VMAC map.
    in_firewall: bool,
}

/// Saved interface sysctls to put back at exit.
#[derive(Debug, Default)]
struct SavedSysctls {
    /// Parents of IPv4 VMACs: (name, index, arp_ignore, arp_filter).
    parents: Vec<(String, u32, u32, u32)>,
    /// `all.rp_filter` before we cleared it.
    all_rp_filter: Option<u32>,
    default_rp_filter: Option<u32>,
    /// Interfaces whose rp_filter we raised to `all`'s.
    rp_filter: Vec<(String, u32)>,
    /// `igmp_link_local_mcast_reports` before `disable_local_igmp`.
    igmp_link_local: Option<u32>,
    /// Interfaces we turned `promote_secondaries` on for.
    promoted: Vec<String>,
}

/// Global settings of the kernel side.
#[derive(Debug, Clone, Default)]
pub struct KernelSpec {
    /// nftables is in use (configured, or needed by `use_vmac`, `no_accept`
    /// or strict mode).
    pub firewall: Option<FwConfig>,
    pub static_addresses: Vec<IpAddress>,
    pub static_routes: Vec<Route>,
    pub static_rules: Vec<Rule>,
    /// `vmac_prefix`.
    pub vmac_prefix: Option<String>,
    /// `disable_local_igmp`.
    pub disable_local_igmp: bool,
}

/// The installed state.
pub struct Kernel {
    pub spec: KernelSpec,
    fw: Option<Firewall>,
    nf: Option<NfSocket>,
    /// Static addresses and routes: spec, added, tracked (put back when
    /// they disappear or their interface comes up again).
    addresses: Vec<(AddressSpec, bool, bool)>,
    routes: Vec<(RouteSpec, RouteAddMode, bool, bool)>,
    rules: Vec<(RuleSpec, bool)>,
    vmacs: Vec<VmacState>,
    saved: SavedSysctls,
}

impl Kernel {
    pub fn new(spec: KernelSpec) -> Kernel {
        let fw = spec.firewall.clone().map(Firewall::new);
        Kernel {
            spec,
            fw,
            nf: None,
            addresses: Vec::new(),
            routes: Vec::new(),
            rules: Vec::new(),
            vmacs: Vec::new(),
            saved: SavedSysctls::default(),
        }
    }

    /// Send nftables messages; failures are logged.
    fn nft(&mut self, msgs: Vec<Msg>) {
        if msgs.is_empty() {
            return;
        }
        if self.nf.is_none() {
            match NfSocket::open() {
                Ok(s) => self.nf = Some(s),
                Err(e) => {
                    log::warn!(target: "vrrp", "nftables: cannot open a netlink socket: {e}");
                    return;
                }
            }
        }
        if let Some(nf) = self.nf.as_mut() {
            if let Err(e) = nf.batch(&msgs) {
                log::warn!(target: "vrrp", "nftables: {:?} refused: {}", msgs.get(e.index).map(msg_name), e.error);
            }
        }
    }

    /// Run `f` on the firewall with a table-existence check, then send.
    fn with_fw(&mut self, f: impl FnOnce(&mut Firewall, &mut dyn FnMut(u8) -> bool) -> Vec<Msg>) {
        let Some(mut fw) = self.fw.take() else {
            return;
        };
        let table = fw.cfg.table.clone();
        let mut nf = self.nf.take().or_else(|| NfSocket::open().ok());
        let mut exists = |family: u8| {
            nf.as_mut()
                .is_some_and(|s| s.table_exists(family, &table).unwrap_or(false))
        };
        let msgs = f(&mut fw, &mut exists);
        self.nf = nf;
        self.fw = Some(fw);
        self.nft(msgs);
    }

    /// Whether the drop rules are used at all.
    pub fn has_firewall(&self) -> bool {
        self.fw.is_some()
    }

    /// Add or remove an instance's addresses from the drop sets.
    pub fn firewall_addresses(&mut self, addrs: &[FwAddr], add: bool) {
        if addrs.is_empty() {
            return;
        }
        self.with_fw(|fw, exists| fw.addresses(addrs, add, exists));
    }

    /// At start: `disable_local_igmp`, then the static addresses, routes
    /// and rules (leftover static rules are deleted first, as keepalived
    /// does).
    pub fn start(&mut self, nl: &mut Netlink) {
        if self.spec.disable_local_igmp {
            const KEY: &str = "ipv4/igmp_link_local_mcast_reports";
            if let Some(v) = sysctl::get_net(KEY) {
                if v != 0 && sysctl::set_net(KEY, 0).is_ok() {
                    self.saved.igmp_link_local = Some(v);
                }
            }
        }
        let statics = std::mem::take(&mut self.spec.static_addresses);
        for a in &statics {
            let Some(index) = a.dev.as_deref().and_then(if_index) else {
                log::warn!(target: "vrrp", "static address {}: interface {} does not exist", a.addr, a.dev.as_deref().unwrap_or("?"));
                continue;
            };
            let s = address_spec(a, index);
            let set = match nl.add_address(&s) {
                Ok(()) => true,
                Err(e) => {
                    log::warn!(target: "vrrp", "cannot add static address {}/{}: {e}", s.addr, s.prefix_len);
                    false
                }
            };
            self.addresses.push((s, set, !a.no_track));
        }
        self.spec.static_addresses = statics;
        let routes = std::mem::take(&mut self.spec.static_routes);
        for r in &routes {
            match route_spec(r, &mut if_index, &mut |v| vrf_table(nl, v)) {
                Ok((s, mode)) => {
                    let set = match nl.add_route_mode(&s, mode) {
                        Ok(()) => true,
                        Err(e) => {
                            log::warn!(target: "vrrp", "cannot add static route {}: {e}", route_text(&s));
                            false
                        }
                    };
                    self.routes.push((s, mode, set, !r.no_track));
                }
                Err(dev) => {
                    log::warn!(target: "vrrp", "static route: interface {dev} does not exist; the route is not added")
                }
            }
        }
        self.spec.static_routes = routes;
        let rules: Vec<RuleSpec> = self.spec.static_rules.iter().map(rule_spec).collect();
        for s in &rules {
            let _ = nl.del_rule(s);
        }
        for s in rules {
            let set = match nl.add_rule(&s) {
                Ok(()) => true,
                Err(e) => {
                    log::warn!(target: "vrrp", "cannot add static rule: {e}");
                    false
                }
            };
            self.rules.push((s, set));
        }
    }

    /// Create (or take over) an instance's VMAC on interface `base`, as
    /// keepalived does, and return its name and index. `links` is the
    /// current interface list; `others` the names other instances' VMACs
    /// use.
    pub fn setup_vmac(
        &mut self,
        nl: &mut Netlink,
        plan: &VmacPlan,
        vrid: u8,
        base: &Link,
        links: &[Link],
        others: &[String],
    ) -> io::Result<(String, u32)> {
        let n = &plan.instance;
        // An existing private macvlan on the same parent with our MAC is
        // taken over whatever its name.
        let matching = links.iter().find(|l| {
            l.kind.as_deref() == Some("macvlan")
                && l.parent == Some(base.index)
                && l.macvlan_mode == Some(MACVLAN_MODE_PRIVATE)
                && l.mac6() == Some(plan.mac)
        });
        let mut created = false;
        if let Some(l) = matching {
            // keepalived 2.2.7 takes such an interface over as it is (no
            // sysctls, no nftables map entry), only giving an IPv6 one a
            // link-local address if it has none. It leaves one that is down
            // down, and the instance in FAULT for good; we bring it up.
            log::info!(target: "vrrp", "({n}) Found matching interface {}", l.name);
            if let Some(want) = plan.name.as_deref().filter(|w| *w != l.name) {
                log::info!(target: "vrrp", "({n}) vmac name mismatch {want} <=> {0}. changing to {0}.", l.name);
            }
            if !l.is_up() {
                nl.set_link_up(l.index)?;
            }
            if plan.ipv6 && !plan.xmit_base {
                let has_ll = nl.addresses().is_ok_and(|all| {
                    all.iter().any(|a| {
                        a.index == l.index
                            && matches!(a.addr, IpAddr::V6(v) if v.segments()[0] & 0xffc0 == 0xfe80)
                    })
                });
                if !has_ll {
                    self.add_vmac_link_local(nl, plan, base, l.index, &l.name);
                }
            }
            self.vmacs.push(VmacState {
                instance: plan.instance.clone(),
                name: l.name.clone(),
                index: l.index,
                base: base.index,
                ipv6: plan.ipv6,
                other_family: plan.other_family,
                in_firewall: false,
            });
            return Ok((l.name.clone(), l.index));
        }
        let (name, index) = {
            let by_name = |name: &str| links.iter().find(|l| l.name == name);
            let mut name = plan.name.clone();
            if let Some(l) = name.as_deref().and_then(by_name) {
                if l.kind.as_deref() != Some("macvlan") {
                    log::warn!(target: "vrrp", "({n}) VMAC interface name {} already exists as a non VMAC interface. ignoring configured name", l.name);
                    name = None;
                }
            }
            let name = name.unwrap_or_else(|| {
                let prefix = self.spec.vmac_prefix.as_deref().unwrap_or("vrrp");
                vmac_name(prefix, vrid, plan.ipv6, &|c| {
                    by_name(c).is_some() || others.iter().any(|o| o == c)
                })
            });
            match by_name(&name) {
                Some(l) if l.parent == Some(base.index) => {
                    log::info!(target: "vrrp", "({n}) Update old VMAC interface {name} due to wrong MAC/mode ");
                    nl.update_macvlan(l.index, plan.mac)?;
                }
                Some(l) => {
                    log::info!(target: "vrrp", "({n}) Removing old VMAC interface {name} due to conflicting interface");
                    nl.del_link(l.index)?;
                    nl.create_macvlan(&name, base.index, plan.mac)?;
                    created = true;
                }
                None => {
                    nl.create_macvlan(&name, base.index, plan.mac)?;
                    created = true;
                }
            }
            if created {
                log::info!(target: "vrrp", "({n}): Success creating VMAC interface {name}");
            }
            let index = if_index(&name).ok_or_else(|| {
                io::Error::new(io::ErrorKind::NotFound, format!("VMAC {name} vanished"))
            })?;
            (name, index)
        };
        if !plan.ipv6 && created {
            self.set_vmac_sysctls(&name, base);
        }
        if plan.ipv6 || !self.spec.disable_local_igmp {
            let (ipv6, other) = (plan.ipv6, plan.other_family);
            self.with_fw(|fw, exists| fw.vmac(index, base.index, ipv6, other, true, exists));
        }
        // No IPv6 on an IPv4 VMAC unless it carries IPv6 addresses.
        let v6 = plan.ipv6 || plan.other_family;
        let _ = sysctl::set_ipv6(&name, "disable_ipv6", u32::from(!v6));
        if let Err(e) = nl.set_addr_gen_mode_none(index) {
            log::info!(target: "vrrp", "({n}) Error setting ADDR_GEN_MODE to NONE on {name}: {e}");
        }
        nl.set_link_up(index)?;
        if plan.ipv6 && !plan.xmit_base {
            self.add_vmac_link_local(nl, plan, base, index, &name);
        }
        self.vmacs.push(VmacState {
            instance: plan.instance.clone(),
            name: name.clone(),
            index,
            base: base.index,
            ipv6: plan.ipv6,
            other_family: plan.other_family,
            in_firewall: plan.ipv6 || !self.spec.disable_local_igmp,
        });
        Ok((name, index))
    }

    /// Adverts of an IPv6 VMAC leave from a link-local address of it: the
    /// configured source, the parent's, or one made from the parent's MAC
    /// (deprecated, so that nothing else picks it).
    fn add_vmac_link_local(
        &mut self,
        nl: &mut Netlink,
        plan: &VmacPlan,
        base: &Link,
        index: u32,
        name: &str,
    ) {
        let n = &plan.instance;
        {
            let parent_ll = nl.addresses().ok().and_then(|all| {
                all.into_iter()
                    .filter(|a| a.index == base.index)
                    .map(|a| a.addr)
                    .find(|a| matches!(a, IpAddr::V6(v) if v.segments()[0] & 0xffc0 == 0xfe80))
            });
            let addr = match plan.src {
                Some(IpAddr::V6(a)) => IpAddr::V6(a),
                _ => parent_ll
                    .unwrap_or_else(|| IpAddr::V6(link_local_of(base.mac6().unwrap_or([0; 6])))),
            };
            let mut s = AddressSpec::vip(index, addr, 64);
            s.preferred_lft = Some(0);
            match nl.add_address(&s) {
                Ok(()) => {}
                Err(e) if e.raw_os_error() == Some(libc::EEXIST) => {}
                Err(e) => {
                    log::info!(target: "vrrp", "({n}) adding link-local address to {name} failed: {e}")
                }
            }
        }
    }

    /// The sysctls keepalived sets for an IPv4 VMAC and its parent.
    fn set_vmac_sysctls(&mut self, vmac: &str, base: &Link) {
        let parent = base.name.as_str();
        if self.saved.all_rp_filter.is_none() {
            self.clear_rp_filter();
        }
        for (p, v) in [
            ("arp_ignore", 1),
            ("accept_local", 1),
            ("rp_filter", 0),
            ("promote_secondaries", 1),
        ] {
            let _ = sysctl::set_ipv4(vmac, p, v);
        }
        // A parent that came back is a new interface with its defaults.
        self.saved
            .parents
            .retain(|(n, i, _, _)| n != parent || *i == base.index);
        if self.saved.parents.iter().any(|(n, _, _, _)| n == parent) {
            return;
        }
        let ignore = sysctl::get_ipv4(parent, "arp_ignore").unwrap_or(0);
        let filter = sysctl::get_ipv4(parent, "arp_filter").unwrap_or(0);
        if ignore != 1 || filter != 1 {
            let _ = sysctl::set_ipv4(parent, "arp_ignore", 1);
            let _ = sysctl::set_ipv4(parent, "arp_filter", 1);
            self.saved
                .parents
                .push((parent.to_string(), base.index, ignore, filter));
        }
    }

    /// A VMAC needs rp_filter 0, which `all.rp_filter` would override: set
    /// every interface to at least `all`'s value, then `all` to 0.
    fn clear_rp_filter(&mut self) {
        let Some(all) = sysctl::get_ipv4("all", "rp_filter") else {
            log::info!(target: "vrrp", "Unable to read sysctl net.ipv4.conf.all.rp_filter");
            return;
        };
        if all == 0 {
            return;
        }
        self.saved.all_rp_filter = Some(all);
        if let Some(d) = sysctl::get_ipv4("default", "rp_filter") {
            if d < all {
                log::info!(target: "vrrp", "NOTICE: setting sysctl net.ipv4.conf.default.rp_filter from {d} to {all}");
                let _ = sysctl::set_ipv4("default", "rp_filter", all);
                self.saved.default_rp_filter = Some(d);
            }
        }
        if let Ok(dir) = std::fs::read_dir("/proc/sys/net/ipv4/conf") {
            for e in dir.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                // keepalived 2.2.7 leaves the loopback interface alone.
                if name == "all" || name == "default" || name == "lo" {
                    continue;
                }
                if let Some(v) = sysctl::get_ipv4(&name, "rp_filter") {
                    if v < all && sysctl::set_ipv4(&name, "rp_filter", all).is_ok() {
                        self.saved.rp_filter.push((name, v));
                    }
                }
            }
        }
        log::info!(target: "vrrp", "NOTICE: setting sysctl net.ipv4.conf.all.rp_filter from {all} to 0");
        let _ = sysctl::set_ipv4("all", "rp_filter", 0);
    }

    fn restore_rp_filter(&mut self) {
        let Some(all) = self.saved.all_rp_filter.take() else {
            return;
        };
        if sysctl::get_ipv4("all", "rp_filter") == Some(0) {
            log::info!(target: "vrrp", "NOTICE: resetting sysctl net.ipv4.conf.all.rp_filter to {all}");
            let _ = sysctl::set_ipv4("all", "rp_filter", all);
        }
        if let Some(d) = self.saved.default_rp_filter.take() {
            if sysctl::get_ipv4("default", "rp_filter") == Some(all) {
                log::info!(target: "vrrp", "NOTICE: resetting sysctl net.ipv4.conf.default.rp_filter to {d}");
                let _ = sysctl::set_ipv4("default", "rp_filter", d);
            }
        }
        for (name, v) in std::mem::take(&mut self.saved.rp_filter) {
            if sysctl::get_ipv4(&name, "rp_filter") == Some(all) {
                let _ = sysctl::set_ipv4(&name, "rp_filter", v);
            }
        }
    }

    /// An interface came up: its tracked static addresses and routes are
    /// put back (the kernel drops IPv6 addresses and routes with a link).
    pub fn interface_up(&mut self, nl: &mut Netlink, index: u32) {
        for (s, set, track) in &mut self.addresses {
            if *track && s.ifindex == index {
                restore_address(nl, s, set);
            }
        }
        for (s, mode, set, track) in &mut self.routes {
            if *track && s.oif == Some(index) {
                match nl.add_route_mode(s, *mode) {
                    Ok(()) => {
                        *set = true;
                        log::info!(target: "vrrp", "Restoring deleted static route {}", route_text(s));
                    }
                    Err(e) if e.raw_os_error() == Some(libc::EEXIST) => *set = true,
                    Err(_) => {}
                }
            }
        }
    }

    /// An address disappeared: a tracked static one is put back.
    pub fn address_removed(&mut self, nl: &mut Netlink, index: u32, addr: IpAddr, prefix_len: u8) {
        for (s, set, track) in &mut self.addresses {
            if *track && s.ifindex == index && s.addr == addr && s.prefix_len == prefix_len {
                restore_address(nl, s, set);
            }
        }
    }

    /// `promote_secondaries` of an instance: turned on for its interface
    /// (unless already on), and off again at exit.
    pub fn promote_secondaries(&mut self, ifname: &str) {
        if self.saved.promoted.iter().any(|n| n == ifname)
            || sysctl::get_ipv4(ifname, "promote_secondaries") == Some(1)
        {
            return;
        }
        if sysctl::set_ipv4(ifname, "promote_secondaries", 1).is_ok() {
            self.saved.promoted.push(ifname.to_string());
        }
    }

    /// Names of the VMACs in place.
    pub fn vmac_names(&self) -> Vec<String> {
        self.vmacs.iter().map(|v| v.name.clone()).collect()
    }

    /// Forget a VMAC the kernel removed (its parent went away).
    pub fn vmac_gone(&mut self, index: u32) {
        if let Some(p) = self.vmacs.iter().position(|v| v.index == index) {
            let v = self.vmacs.remove(p);
            if v.in_firewall {
                self.with_fw(|fw, exists| {
                    fw.vmac(v.index, v.base, v.ipv6, v.other_family, false, exists)
                });
            }
        }
    }

    /// At exit: VMACs (unless `keep`, keepalived's `-V`), the firewall,
    /// the static entries and the sysctls.
    pub fn stop(&mut self, nl: &mut Netlink, keep: bool) {
        if !keep {
            self.restore_rp_filter();
            for ifname in std::mem::take(&mut self.saved.promoted) {
                let _ = sysctl::set_ipv4(&ifname, "promote_secondaries", 0);
            }
            for v in std::mem::take(&mut self.vmacs) {
                match nl.del_link(v.index) {
                    Ok(()) => {
                        log::info!(target: "vrrp", "({}) Success removing VMAC interface {}", v.instance, v.name)
                    }
                    Err(e) if e.raw_os_error() == Some(libc::ENODEV) => {}
                    Err(e) => {
                        log::info!(target: "vrrp", "({}) Error removing VMAC interface {}: {e}", v.instance, v.name)
                    }
                }
            }
            // keepalived 2.2.7 leaves arp_ignore/arp_filter at 1 on the
            // parent (it re-reads them after setting them); we put the
            // values it found back, as it means to.
            for (parent, index, ignore, filter) in std::mem::take(&mut self.saved.parents) {
                if if_index(&parent) != Some(index) {
                    continue;
                }
                let _ = sysctl::set_ipv4(&parent, "arp_ignore", ignore);
                let _ = sysctl::set_ipv4(&parent, "arp_filter", filter);
            }
        }
        if let Some(fw) = self.fw.as_mut() {
            let msgs = fw.teardown();
            self.nft(msgs);
        }
        for (s, set) in std::mem::take(&mut self.rules) {
            if set {
                let _ = nl.del_rule(&s);
            }
        }
        for (s, _, set, _) in std::mem::take(&mut self.routes) {
            if set {
                let _ = nl.del_route(&s);
            }
        }
        for (s, set, _) in std::mem::take(&mut self.addresses) {
            if set {
                let _ = nl.del_address(&s);
            }
        }
        if let Some(v) = self.saved.igmp_link_local.take() {
            let _ = sysctl::set_net("ipv4/igmp_link_local_mcast_reports", v);
        }
    }
}

fn restore_address(nl: &mut Netlink, s: &AddressSpec, set: &mut bool) {
    match nl.add_address(s) {
        Ok(()) => {
            *set = true;
            log::info!(target: "vrrp", "Restoring deleted static address {}/{}", s.addr, s.prefix_len);
        }
        Err(e) if e.raw_os_error() == Some(libc::EEXIST) => *set = true,
        Err(_) => {}
    }
}

/// The routing table of VRF `name`.
pub fn vrf_table(nl: &mut Netlink, name: &str) -> Option<u32> {
    nl.links()
        .ok()?
        .into_iter()
        .find(|l| l.name == name)
        .and_then(|l| l.vrf_table)
}

/// A route for messages: `DST[/LEN]` or `default`.
pub fn route_text(s: &RouteSpec) -> String {
    match s.dst {
        Some((a, l)) => format!("{a}/{l}"),
        None => "default".into(),
    }
}

fn msg_name(m: &Msg) -> String {
    match m {
        Msg::NewTable { table, .. } => format!("table {table}"),
        Msg::DelTable { table, .. } => format!("delete table {table}"),
        Msg::NewChain { name, .. } => format!("chain {name}"),
        Msg::NewSet { set, .. } => format!("set {}", set.name),
        Msg::Elements { set, .. } => format!("elements of {set}"),
        Msg::NewRule { chain, .. } => format!("rule in {chain}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::testutil::parse;

    fn routes_of(conf: &str) -> Vec<Route> {
        let l = parse(conf);
        l.config.vrrp.statics.routes.clone()
    }

    #[test]
    fn vmac_names_follow_keepalived() {
        let none = |_: &str| false;
        assert_eq!(vmac_name("vrrp", 51, false, &none), "vrrp.51");
        let taken = |n: &str| n == "vrrp.51";
        assert_eq!(vmac_name("vrrp", 51, false, &taken), "vrrp1.51");
        assert_eq!(vmac_name("vrrp", 51, true, &taken), "vrrp6.51");
        let taken6 = |n: &str| n == "vrrp.51" || n == "vrrp6.51";
        assert_eq!(vmac_name("vrrp", 51, true, &taken6), "vrrp1.51");
        assert_eq!(
            vmac_name("averyverylongprefix", 200, false, &none),
            "averyverylo.200"
        );
        assert_eq!(vmac_mac(51, false), [0, 0, 0x5e, 0, 1, 0x33]);
        assert_eq!(vmac_mac(52, true), [0, 0, 0x5e, 0, 2, 0x34]);
        assert_eq!(
            link_local_of([0x56, 0xf2, 0xf4, 0x8f, 0x53, 0x35]),
            "fe80::54f2:f4ff:fe8f:5335".parse::<Ipv6Addr>().unwrap()
        );
    }

    #[test]
    fn route_options_reach_the_spec() {
        let r = routes_of(
            "static_routes {\n 10.68.0.0/24 via 10.99.0.3 dev lo mtu lock 1400 advmss 1300 initcwnd 10 rtt 300ms table 300 metric 7 onlink\n blackhole 10.62.0.0/24 no_track\n 10.67.0.0/24 nexthop via 10.99.0.3 dev lo weight 2 nexthop via 10.99.0.4 dev lo weight 3\n default via 10.99.0.3 dev lo append\n}\n",
        );
        let mut idx = |n: &str| (n == "lo").then_some(1);
        let mut vrf = |_: &str| None;
        let (s, mode) = route_spec(&r[0], &mut idx, &mut vrf).unwrap();
        assert_eq!(mode, RouteAddMode::Prepend);
        assert_eq!(s.table, 300);
        assert_eq!(s.metric, Some(7));
        assert_eq!(s.oif, Some(1));
        assert_eq!(s.flags, RTNH_F_ONLINK);
        assert_eq!(s.protocol, RTPROT_KEEPALIVED);
        assert_eq!(
            s.metrics.values,
            vec![
                (netlink::RTAX_RTT, 2400),
                (netlink::RTAX_MTU, 1400),
                (netlink::RTAX_ADVMSS, 1300),
                (netlink::RTAX_INITCWND, 10)
            ]
        );
        assert_eq!(s.metrics.lock, 1 << netlink::RTAX_MTU);
        let (s, mode) = route_spec(&r[1], &mut idx, &mut vrf).unwrap();
        assert_eq!(mode, RouteAddMode::Exclusive);
        assert_eq!(s.kind, Some(netlink::RTN_BLACKHOLE));
        assert_eq!(s.oif, None);
        let (s, _) = route_spec(&r[2], &mut idx, &mut vrf).unwrap();
        assert_eq!(s.nexthops.len(), 2);
        assert_eq!(s.nexthops[1].weight, Some(3));
        let (s, mode) = route_spec(&r[3], &mut idx, &mut vrf).unwrap();
        assert_eq!(s.dst, None);
        assert_eq!(mode, RouteAddMode::Append);
        let mut none = |_: &str| None;
        assert_eq!(route_spec(&r[0], &mut none, &mut vrf).unwrap_err(), "lo");
    }

    #[test]
    fn rule_options_reach_the_spec() {
        let l = parse(
            "static_rules {\n from 10.72.0.0/24 blackhole priority 1005\n fwmark 6/0xff table 200 priority 1002\n from all goto 1010 priority 1008\n not from 10.76.0.0/24 table 200 priority 1011\n iif lo table 5000 priority 7\n}\n",
        );
        let r: Vec<RuleSpec> = l.config.vrrp.statics.rules.iter().map(rule_spec).collect();
        assert_eq!(r[0].action, FR_ACT_BLACKHOLE);
        assert_eq!(r[0].from.unwrap().1, 24);
        assert_eq!((r[1].fwmark, r[1].fwmask), (Some(6), Some(0xff)));
        assert_eq!(r[1].table, 200);
        assert_eq!((r[2].action, r[2].goto), (FR_ACT_GOTO, Some(1010)));
        assert!(r[3].invert);
        assert_eq!(r[4].iif.as_deref(), Some("lo"));
        assert_eq!(r[4].table, 5000);
        assert_eq!(r[4].priority, Some(7));
        assert_eq!(r[4].protocol, Some(RTPROT_KEEPALIVED));
    }

    #[test]
    fn address_defaults() {
        let l = parse("static_ipaddress {\n fd00::5/128 dev lo\n fd00::6/64 dev lo -nodad noprefixroute\n 10.0.0.5/24 dev lo brd + label lo:x\n}\n");
        let a = &l.config.vrrp.statics.addresses;
        let s = address_spec(&a[0], 1);
        assert_eq!(s.preferred_lft, Some(0));
        assert_eq!(s.flags, IFA_F_NODAD);
        let s = address_spec(&a[1], 1);
        assert_eq!(s.preferred_lft, None);
        assert_eq!(s.flags, IFA_F_NOPREFIXROUTE);
        let s = address_spec(&a[2], 1);
        assert_eq!(s.broadcast, Some("10.0.0.255".parse().unwrap()));
        assert_eq!(s.label.as_deref(), Some("lo:x"));
        assert_eq!(s.preferred_lft, None);
    }
}
