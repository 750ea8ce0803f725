//! rtnetlink: interfaces, addresses, routes and rules.
//!
//! Messages are built and parsed with the `netlink-packet-route` types; the
//! socket is a plain `AF_NETLINK` socket opened here. Two kinds:
//!
//! * [`Netlink`]: a blocking command socket. Each request asks for an
//!   acknowledgement and waits for the reply carrying its sequence number;
//!   a refusal comes back as an `io::Error` holding the kernel's errno
//!   (`raw_os_error()`), e.g. `EEXIST` for an address already there.
//! * [`Monitor`]: a non-blocking socket subscribed to link and address
//!   changes, for the event loop to poll; [`Monitor::read_events`] turns
//!   what is queued into [`NetEvent`]s.

pub use super::sock::Family;
use super::sock::{self, cvt, cvt_size, setsockopt_int};
use netlink_packet_core::DefaultNla;
use netlink_packet_core::{
    ErrorBuffer, NetlinkDeserializable, NetlinkHeader, NetlinkMessage, NetlinkPayload,
    NlasIterator, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, NLM_F_ACK, NLM_F_CREATE,
    NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_EXCL, NLM_F_MULTIPART, NLM_F_REPLACE, NLM_F_REQUEST,
};
use netlink_packet_route::address::{
    AddressAttribute, AddressFlags, AddressHeader, AddressHeaderFlags, AddressMessage,
    AddressScope, CacheInfo,
};
use netlink_packet_route::link::{
    AfSpecInet6, AfSpecUnspec, In6AddrGenMode, InfoData, InfoKind, InfoMacVlan, InfoVrf,
    LinkAttribute, LinkFlags, LinkHeader, LinkInfo, LinkMessage, MacVlanMode,
};
use netlink_packet_route::route::{
    MplsLabel, RouteAddress, RouteAttribute, RouteFlags, RouteIp6Tunnel, RouteIp6TunnelFlags,
    RouteIpTunnel, RouteIpTunnelFlags, RouteLwEnCapType, RouteLwTunnelEncap, RouteMessage,
    RouteMetric, RouteMplsIpTunnel, RouteMplsTtlPropagation, RouteNextHop, RouteNextHopFlags,
    RoutePreference, RouteProtocol, RouteRealm, RouteScope, RouteType, RouteVia,
};
use netlink_packet_route::rule::{
    RuleAction, RuleAttribute, RuleFlags, RuleMessage, RulePortRange, RuleUidRange,
};
use netlink_packet_route::{AddressFamily, IpProtocol, RouteNetlinkMessage};
use std::collections::HashMap;
use std::io;
use std::mem::{size_of, zeroed};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};

/// Route and rule protocol "keepalived": what tracked routes and rules
/// are installed with.
pub const RTPROT_KEEPALIVED: u8 = 18;
pub const RT_TABLE_UNSPEC: u32 = 0;
pub const RT_TABLE_MAIN: u32 = 254;
pub const RT_TABLE_LOCAL: u32 = 255;
pub const RT_SCOPE_UNIVERSE: u8 = 0;
pub const RT_SCOPE_SITE: u8 = 200;
pub const RT_SCOPE_LINK: u8 = 253;
pub const RT_SCOPE_HOST: u8 = 254;
pub const RT_SCOPE_NOWHERE: u8 = 255;
pub const RTN_UNSPEC: u8 = 0;
pub const RTN_UNICAST: u8 = 1;
pub const RTN_LOCAL: u8 = 2;
pub const RTN_BROADCAST: u8 = 3;
pub const RTN_ANYCAST: u8 = 4;
pub const RTN_MULTICAST: u8 = 5;
pub const RTN_BLACKHOLE: u8 = 6;
pub const RTN_UNREACHABLE: u8 = 7;
pub const RTN_PROHIBIT: u8 = 8;
pub const RTN_THROW: u8 = 9;
/// `rtm_flags`: the gateway is on-link even if no prefix says so.
pub const RTNH_F_ONLINK: u32 = 4;
pub const FR_ACT_UNSPEC: u8 = 0;
pub const FR_ACT_TO_TBL: u8 = 1;
pub const FR_ACT_GOTO: u8 = 2;
pub const FR_ACT_NOP: u8 = 3;
pub const FR_ACT_BLACKHOLE: u8 = 6;
pub const FR_ACT_UNREACHABLE: u8 = 7;
pub const FR_ACT_PROHIBIT: u8 = 8;
/// Address flags (`IFA_F_*`).
pub const IFA_F_SECONDARY: u32 = 0x01;
pub const IFA_F_NODAD: u32 = 0x02;
pub const IFA_F_HOMEADDRESS: u32 = 0x10;
pub const IFA_F_DEPRECATED: u32 = 0x20;
pub const IFA_F_TENTATIVE: u32 = 0x40;
pub const IFA_F_PERMANENT: u32 = 0x80;
pub const IFA_F_MANAGETEMPADDR: u32 = 0x100;
pub const IFA_F_NOPREFIXROUTE: u32 = 0x200;
pub const IFA_F_MCAUTOJOIN: u32 = 0x400;
/// An address lifetime that never runs out.
pub const INFINITY_LIFE_TIME: u32 = u32::MAX;

const RTNLGRP_LINK: u32 = 1;
const RTNLGRP_IPV4_IFADDR: u32 = 5;
const RTNLGRP_IPV6_IFADDR: u32 = 9;
const NETLINK_ADD_MEMBERSHIP: libc::c_int = 1;
const NETLINK_CAP_ACK: libc::c_int = 10;
const NETLINK_EXT_ACK: libc::c_int = 11;
const NLMSG_HDRLEN: usize = 16;
const NLMSG_ALIGN: usize = 4;
/// How long a command waits for the kernel's answer.
const COMMAND_TIMEOUT_SECS: libc::time_t = 10;
/// Tries of a dump the kernel reports as interrupted by a change.
const DUMP_RETRIES: usize = 5;

/// A network interface as the kernel reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Link {
    pub index: u32,
    pub name: String,
    /// `IFF_*` flags.
    pub flags: u32,
    /// `ARPHRD_*` hardware type (1 for Ethernet).
    pub hw_type: u16,
    /// The hardware address; empty when the link has none.
    pub mac: Vec<u8>,
    /// The hardware broadcast address (`IFLA_BROADCAST`).
    pub broadcast: Vec<u8>,
    pub mtu: u32,
    /// `IFLA_INFO_KIND`: "veth", "macvlan", "bridge"...
    pub kind: Option<String>,
    /// `IFLA_LINK`: the parent (lower) interface, e.g. of a macvlan.
    pub parent: Option<u32>,
    /// `IFLA_MACVLAN_MODE` of a macvlan (`MACVLAN_MODE_*`).
    pub macvlan_mode: Option<u32>,
    /// `IFLA_VRF_TABLE` of a VRF.
    pub vrf_table: Option<u32>,
}

/// `MACVLAN_MODE_PRIVATE`: the macvlan talks to no other macvlan of its
/// parent.
pub const MACVLAN_MODE_PRIVATE: u32 = 1;

impl Link {
    /// Up as keepalived counts it: administratively up and running.
    pub fn is_up(&self) -> bool {
        let want = (libc::IFF_UP | libc::IFF_RUNNING) as u32;
        self.flags & want == want
    }

    /// The hardware address as an Ethernet MAC, if it is one.
    pub fn mac6(&self) -> Option<[u8; 6]> {
        self.mac.as_slice().try_into().ok()
    }
}

/// An address on an interface as the kernel reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub index: u32,
    /// The local address (`IFA_LOCAL`, else `IFA_ADDRESS`).
    pub addr: IpAddr,
    pub prefix_len: u8,
    /// The peer of a point-to-point address (`IFA_ADDRESS` differing from
    /// `IFA_LOCAL`).
    pub peer: Option<IpAddr>,
    pub broadcast: Option<Ipv4Addr>,
    pub label: Option<String>,
    pub scope: u8,
    /// `IFA_F_*` flags (the 32-bit `IFA_FLAGS` when present).
    pub flags: u32,
    pub preferred_lft: Option<u32>,
    pub valid_lft: Option<u32>,
}

/// An address to add or delete, with keepalived's `virtual_ipaddress`
/// options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressSpec {
    pub ifindex: u32,
    pub addr: IpAddr,
    pub prefix_len: u8,
    /// `brd`: IPv4 broadcast address.
    pub broadcast: Option<Ipv4Addr>,
    /// `label`.
    pub label: Option<String>,
    /// `scope` (`RT_SCOPE_*`).
    pub scope: u8,
    /// `peer`.
    pub peer: Option<IpAddr>,
    /// `preferred_lft`: sent with an infinite valid lifetime. keepalived
    /// gives it for IPv6 (0 makes the address deprecated, so it is not
    /// picked as a source).
    pub preferred_lft: Option<u32>,
    /// `IFA_F_*` flags: nodad, noprefixroute, home, mngtmpaddr, autojoin.
    pub flags: u32,
}

impl AddressSpec {
    /// A plain address: global scope, no options.
    pub fn new(ifindex: u32, addr: IpAddr, prefix_len: u8) -> AddressSpec {
        AddressSpec {
            ifindex,
            addr,
            prefix_len,
            broadcast: None,
            label: None,
            scope: RT_SCOPE_UNIVERSE,
            peer: None,
            preferred_lft: None,
            flags: 0,
        }
    }

    /// A VIP with keepalived's defaults: IPv6 VIPs skip duplicate address
    /// detection (`nodad`).
    pub fn vip(ifindex: u32, addr: IpAddr, prefix_len: u8) -> AddressSpec {
        let mut a = AddressSpec::new(ifindex, addr, prefix_len);
        if addr.is_ipv6() {
            a.flags |= IFA_F_NODAD;
        }
        a
    }
}

/// A route to add or delete, with keepalived's `virtual_routes` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSpec {
    pub family: Family,
    /// Destination prefix; `None` for the default route.
    pub dst: Option<(IpAddr, u8)>,
    /// `from`: source prefix (IPv6 source routing).
    pub src: Option<(IpAddr, u8)>,
    /// `src`: preferred source address.
    pub pref_src: Option<IpAddr>,
    /// `via`/`gw`; of the other family it goes as `RTA_VIA`.
    pub via: Option<IpAddr>,
    /// `dev`: output interface index.
    pub oif: Option<u32>,
    /// `table`: any 32-bit id (above 255 it goes as `RTA_TABLE`).
    pub table: u32,
    /// `metric`/`preference`/`priority`.
    pub metric: Option<u32>,
    /// `scope`; default universe when adding, "nowhere" (any) deleting.
    pub scope: Option<u8>,
    /// `protocol`; tracked routes use [`RTPROT_KEEPALIVED`].
    pub protocol: u8,
    /// Route type (`RTN_*`); default unicast when adding, any deleting.
    pub kind: Option<u8>,
    /// `tos`/`dsfield`.
    pub tos: u8,
    /// `rtm_flags`, e.g. [`RTNH_F_ONLINK`].
    pub flags: u32,
    /// `realms` (FROM << 16 | TO), sent as `RTA_FLOW`.
    pub realms: Option<u32>,
    /// The `RTA_METRICS` values.
    pub metrics: RouteMetrics,
    /// IPv6 router preference (`RTA_PREF`).
    pub pref: Option<u8>,
    /// IPv6 route lifetime in seconds (`RTA_EXPIRES`).
    pub expires: Option<u32>,
    /// MPLS `ttl-propagate` (`RTA_TTL_PROPAGATE`).
    pub ttl_propagate: Option<bool>,
    /// Lightweight tunnel encapsulation.
    pub encap: Option<Encap>,
    /// A multipath route's next hops (`RTA_MULTIPATH`).
    pub nexthops: Vec<NextHop>,
}

/// Route metrics (`RTAX_*` values, kernel units).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RouteMetrics {
    /// `(RTAX_*, value)` in the order they are sent.
    pub values: Vec<(u16, u32)>,
    /// `RTAX_CC_ALGO`: the congestion control algorithm.
    pub congctl: Option<String>,
    /// `RTAX_LOCK`: bit `1 << RTAX_*` for each locked metric.
    pub lock: u32,
}

impl RouteMetrics {
    fn is_empty(&self) -> bool {
        self.values.is_empty() && self.congctl.is_none()
    }
}

pub const RTAX_LOCK: u16 = 1;
pub const RTAX_MTU: u16 = 2;
pub const RTAX_WINDOW: u16 = 3;
pub const RTAX_RTT: u16 = 4;
pub const RTAX_RTTVAR: u16 = 5;
pub const RTAX_SSTHRESH: u16 = 6;
pub const RTAX_CWND: u16 = 7;
pub const RTAX_ADVMSS: u16 = 8;
pub const RTAX_REORDERING: u16 = 9;
pub const RTAX_HOPLIMIT: u16 = 10;
pub const RTAX_INITCWND: u16 = 11;
pub const RTAX_FEATURES: u16 = 12;
pub const RTAX_RTO_MIN: u16 = 13;
pub const RTAX_INITRWND: u16 = 14;
pub const RTAX_QUICKACK: u16 = 15;
pub const RTAX_CC_ALGO: u16 = 16;
pub const RTAX_FASTOPEN_NO_COOKIE: u16 = 17;

/// The fields of an `ip`/`ip6` lightweight tunnel.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EncapIp {
    pub id: Option<u64>,
    pub dst: Option<IpAddr>,
    pub src: Option<IpAddr>,
    /// `tos` (ip) or `tc` (ip6).
    pub tos: Option<u8>,
    /// `ttl` (ip) or `hoplimit` (ip6).
    pub ttl: Option<u8>,
    pub flags: Option<u16>,
}

/// A lightweight tunnel encapsulation (`RTA_ENCAP` + `RTA_ENCAP_TYPE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encap {
    /// MPLS label stack, outermost first.
    Mpls(Vec<u32>),
    Ip(EncapIp),
    Ip6(EncapIp),
    /// ILA locator.
    Ila(u64),
}

/// One next hop of a multipath route.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NextHop {
    pub via: Option<IpAddr>,
    pub oif: Option<u32>,
    /// `weight` 1..=256 (sent as `rtnh_hops` = weight - 1).
    pub weight: Option<u16>,
    pub onlink: bool,
    pub realms: Option<u32>,
    pub encap: Option<Encap>,
}

/// How a new route relates to routes with the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteAddMode {
    /// `NLM_F_EXCL`: refuse if one exists (`ip route add`).
    Exclusive,
    /// Neither EXCL nor APPEND: go before them (`ip route prepend`).
    Prepend,
    /// `NLM_F_APPEND`: go after them (`ip route append`).
    Append,
}

impl RouteSpec {
    /// A route to `dst` in the main table with protocol keepalived.
    pub fn new(dst: IpAddr, prefix_len: u8) -> RouteSpec {
        RouteSpec {
            family: Family::of(dst),
            dst: Some((dst, prefix_len)),
            src: None,
            pref_src: None,
            via: None,
            oif: None,
            table: RT_TABLE_MAIN,
            metric: None,
            scope: None,
            protocol: RTPROT_KEEPALIVED,
            kind: None,
            tos: 0,
            flags: 0,
            realms: None,
            metrics: RouteMetrics::default(),
            pref: None,
            expires: None,
            ttl_propagate: None,
            encap: None,
            nexthops: Vec::new(),
        }
    }
}

/// A policy routing rule, with keepalived's `virtual_rules` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSpec {
    pub family: Family,
    pub from: Option<(IpAddr, u8)>,
    pub to: Option<(IpAddr, u8)>,
    /// `priority`/`preference`/`order`.
    pub priority: Option<u32>,
    /// `FR_ACT_*`; [`FR_ACT_TO_TBL`] for `table`/`lookup`.
    pub action: u8,
    /// With [`FR_ACT_TO_TBL`]: the table; 0 means main, as in keepalived.
    pub table: u32,
    /// With [`FR_ACT_GOTO`]: the target rule's priority.
    pub goto: Option<u32>,
    pub fwmark: Option<u32>,
    pub fwmask: Option<u32>,
    /// `iif`/`dev`.
    pub iif: Option<String>,
    pub oif: Option<String>,
    /// `not`.
    pub invert: bool,
    pub tos: u8,
    /// `protocol`; tracked rules use [`RTPROT_KEEPALIVED`].
    pub protocol: Option<u8>,
    pub suppress_prefixlen: Option<u32>,
    pub suppress_ifgroup: Option<u32>,
    pub l3mdev: bool,
    pub uid_range: Option<(u32, u32)>,
    pub ip_proto: Option<u8>,
    pub sport_range: Option<(u16, u16)>,
    pub dport_range: Option<(u16, u16)>,
    /// `realms` (FROM << 16 | TO).
    pub realms: Option<u32>,
    /// `tunnel-id`.
    pub tunnel_id: Option<u64>,
}

impl RuleSpec {
    /// A rule sending traffic to `table`, protocol keepalived.
    pub fn to_table(family: Family, table: u32) -> RuleSpec {
        RuleSpec {
            family,
            from: None,
            to: None,
            priority: None,
            action: FR_ACT_TO_TBL,
            table,
            goto: None,
            fwmark: None,
            fwmask: None,
            iif: None,
            oif: None,
            invert: false,
            tos: 0,
            protocol: Some(RTPROT_KEEPALIVED),
            suppress_prefixlen: None,
            suppress_ifgroup: None,
            l3mdev: false,
            uid_range: None,
            ip_proto: None,
            sport_range: None,
            dport_range: None,
            realms: None,
            tunnel_id: None,
        }
    }
}

fn address_family(f: Family) -> AddressFamily {
    match f {
        Family::V4 => AddressFamily::Inet,
        Family::V6 => AddressFamily::Inet6,
    }
}

/// The RTM_NEWADDR / RTM_DELADDR message for `spec`, laid out as keepalived
/// lays it out: `IFA_LOCAL` always; when adding, the broadcast, the
/// cacheinfo for a preferred lifetime, the 32-bit flags, the label and the
/// peer (`IFA_ADDRESS`); when deleting an IPv4 address, `IFA_ADDRESS` too
/// (the peer if there is one), which the kernel matches on.
pub fn address_message(spec: &AddressSpec, add: bool) -> RouteNetlinkMessage {
    let mut m = AddressMessage::default();
    m.header = AddressHeader {
        family: address_family(Family::of(spec.addr)),
        prefix_len: spec.prefix_len,
        flags: AddressHeaderFlags::empty(),
        scope: AddressScope::from(spec.scope),
        index: spec.ifindex,
    };
    let a = &mut m.attributes;
    a.push(AddressAttribute::Local(spec.addr));
    if add {
        if let (Some(b), IpAddr::V4(_)) = (spec.broadcast, spec.addr) {
            a.push(AddressAttribute::Broadcast(b));
        }
        if let Some(p) = spec.preferred_lft {
            let mut ci = CacheInfo::default();
            ci.ifa_preferred = p;
            ci.ifa_valid = INFINITY_LIFE_TIME;
            a.push(AddressAttribute::CacheInfo(ci));
        }
        if spec.flags != 0 {
            a.push(AddressAttribute::Flags(AddressFlags::from_bits_retain(
                spec.flags,
            )));
        }
        if let Some(l) = &spec.label {
            a.push(AddressAttribute::Label(l.clone()));
        }
        if let Some(p) = spec.peer {
            a.push(AddressAttribute::Address(p));
        }
    } else if spec.addr.is_ipv4() {
        a.push(AddressAttribute::Address(spec.peer.unwrap_or(spec.addr)));
    }
    if add {
        RouteNetlinkMessage::NewAddress(m)
    } else {
        RouteNetlinkMessage::DelAddress(m)
    }
}

/// The RTM_NEWROUTE / RTM_DELROUTE message for `spec`.
pub fn route_message(spec: &RouteSpec, add: bool) -> RouteNetlinkMessage {
    let mut m = RouteMessage::default();
    let h = &mut m.header;
    h.address_family = address_family(spec.family);
    h.tos = spec.tos;
    h.protocol = RouteProtocol::from(spec.protocol);
    h.flags = RouteFlags::from_bits_retain(spec.flags);
    let default_scope = if add {
        RT_SCOPE_UNIVERSE
    } else {
        RT_SCOPE_NOWHERE
    };
    h.scope = RouteScope::from(spec.scope.unwrap_or(default_scope));
    let default_kind = if add { RTN_UNICAST } else { RTN_UNSPEC };
    h.kind = RouteType::from(spec.kind.unwrap_or(default_kind));
    let a = &mut m.attributes;
    if let Ok(t) = u8::try_from(spec.table) {
        h.table = t;
    } else {
        h.table = RT_TABLE_UNSPEC as u8;
        a.push(RouteAttribute::Table(spec.table));
    }
    if let Some((d, len)) = spec.dst {
        h.destination_prefix_length = len;
        a.push(RouteAttribute::Destination(RouteAddress::from(d)));
    }
    if let Some((s, len)) = spec.src {
        h.source_prefix_length = len;
        a.push(RouteAttribute::Source(RouteAddress::from(s)));
    }
    if let Some(p) = spec.pref_src {
        a.push(RouteAttribute::PrefSource(RouteAddress::from(p)));
    }
    if let Some(v) = spec.via {
        a.push(gateway_or_via(spec.family, v));
    }
    if let Some(o) = spec.oif {
        a.push(RouteAttribute::Oif(o));
    }
    if let Some(p) = spec.metric {
        a.push(RouteAttribute::Priority(p));
    }
    if let Some(r) = spec.realms {
        a.push(RouteAttribute::Realm(realm(r)));
    }
    if let Some(e) = spec.expires {
        a.push(RouteAttribute::Expires(e));
    }
    if let Some(e) = &spec.encap {
        push_encap(a, e);
    }
    if let Some(p) = spec.pref {
        a.push(RouteAttribute::Preference(RoutePreference::from(p)));
    }
    if let Some(t) = spec.ttl_propagate {
        a.push(RouteAttribute::TtlPropagate(RouteMplsTtlPropagation::from(
            u8::from(t),
        )));
    }
    if !spec.metrics.is_empty() {
        a.push(RouteAttribute::Metrics(metrics(&spec.metrics)));
    }
    if !spec.nexthops.is_empty() {
        a.push(RouteAttribute::MultiPath(
            spec.nexthops
                .iter()
                .map(|nh| next_hop(spec.family, nh))
                .collect(),
        ));
    }
    if add {
        RouteNetlinkMessage::NewRoute(m)
    } else {
        RouteNetlinkMessage::DelRoute(m)
    }
}

fn macvlan_info() -> LinkAttribute {
    LinkAttribute::LinkInfo(vec![
        LinkInfo::Kind(InfoKind::MacVlan),
        LinkInfo::Data(InfoData::MacVlan(vec![InfoMacVlan::Mode(
            MacVlanMode::Private,
        )])),
    ])
}

fn realm(v: u32) -> RouteRealm {
    RouteRealm {
        source: (v >> 16) as u16,
        destination: (v & 0xffff) as u16,
    }
}

fn gateway_or_via(family: Family, v: IpAddr) -> RouteAttribute {
    if Family::of(v) == family {
        RouteAttribute::Gateway(RouteAddress::from(v))
    } else {
        RouteAttribute::Via(match v {
            IpAddr::V4(v4) => RouteVia::Inet(v4),
            IpAddr::V6(v6) => RouteVia::Inet6(v6),
        })
    }
}

fn metrics(m: &RouteMetrics) -> Vec<RouteMetric> {
    let mut out = Vec::new();
    if let Some(c) = &m.congctl {
        out.push(RouteMetric::CcAlgo(c.clone()));
    }
    for &(kind, v) in &m.values {
        out.push(match kind {
            RTAX_MTU => RouteMetric::Mtu(v),
            RTAX_WINDOW => RouteMetric::Window(v),
            RTAX_RTT => RouteMetric::Rtt(v),
            RTAX_RTTVAR => RouteMetric::RttVar(v),
            RTAX_SSTHRESH => RouteMetric::SsThresh(v),
            RTAX_CWND => RouteMetric::Cwnd(v),
            RTAX_ADVMSS => RouteMetric::Advmss(v),
            RTAX_REORDERING => RouteMetric::Reordering(v),
            RTAX_HOPLIMIT => RouteMetric::Hoplimit(v),
            RTAX_INITCWND => RouteMetric::InitCwnd(v),
            RTAX_FEATURES => RouteMetric::Features(v),
            RTAX_RTO_MIN => RouteMetric::RtoMin(v),
            RTAX_INITRWND => RouteMetric::InitRwnd(v),
            RTAX_QUICKACK => RouteMetric::QuickAck(v),
            RTAX_FASTOPEN_NO_COOKIE => RouteMetric::FastopenNoCookie(v),
            other => RouteMetric::Other(DefaultNla::new(other, v.to_ne_bytes().to_vec())),
        });
    }
    if m.lock != 0 {
        out.push(RouteMetric::Lock(m.lock));
    }
    out
}

fn v4_of(a: Option<IpAddr>) -> Option<Ipv4Addr> {
    match a {
        Some(IpAddr::V4(v)) => Some(v),
        _ => None,
    }
}

fn v6_of(a: Option<IpAddr>) -> Option<Ipv6Addr> {
    match a {
        Some(IpAddr::V6(v)) => Some(v),
        _ => None,
    }
}

/// `RTA_ENCAP` (nested) and `RTA_ENCAP_TYPE`.
fn push_encap(a: &mut Vec<RouteAttribute>, e: &Encap) {
    const LWTUNNEL_ENCAP_ILA: u16 = 3;
    const ILA_ATTR_LOCATOR: u16 = 1;
    let (kind, inner) = match e {
        Encap::Mpls(labels) => {
            let n = labels.len();
            let stack = labels
                .iter()
                .enumerate()
                .map(|(i, &label)| MplsLabel {
                    label,
                    traffic_class: 0,
                    bottom_of_stack: i + 1 == n,
                    ttl: 0,
                })
                .collect();
            (
                RouteLwEnCapType::Mpls,
                vec![RouteLwTunnelEncap::Mpls(RouteMplsIpTunnel::Destination(
                    stack,
                ))],
            )
        }
        Encap::Ip(ip) => {
            let mut v = Vec::new();
            if let Some(id) = ip.id {
                v.push(RouteLwTunnelEncap::Ip(RouteIpTunnel::Id(id)));
            }
            if let Some(d) = v4_of(ip.dst) {
                v.push(RouteLwTunnelEncap::Ip(RouteIpTunnel::Destination(d)));
            }
            if let Some(s) = v4_of(ip.src) {
                v.push(RouteLwTunnelEncap::Ip(RouteIpTunnel::Source(s)));
            }
            if let Some(t) = ip.tos {
                v.push(RouteLwTunnelEncap::Ip(RouteIpTunnel::Tos(t)));
            }
            if let Some(t) = ip.ttl {
                v.push(RouteLwTunnelEncap::Ip(RouteIpTunnel::Ttl(t)));
            }
            if let Some(f) = ip.flags {
                v.push(RouteLwTunnelEncap::Ip(RouteIpTunnel::Flags(
                    RouteIpTunnelFlags::from_bits_retain(f),
                )));
            }
            (RouteLwEnCapType::Ip, v)
        }
        Encap::Ip6(ip) => {
            let mut v = Vec::new();
            if let Some(id) = ip.id {
                v.push(RouteLwTunnelEncap::Ip6(RouteIp6Tunnel::Id(id)));
            }
            if let Some(d) = v6_of(ip.dst) {
                v.push(RouteLwTunnelEncap::Ip6(RouteIp6Tunnel::Destination(d)));
            }
            if let Some(s) = v6_of(ip.src) {
                v.push(RouteLwTunnelEncap::Ip6(RouteIp6Tunnel::Source(s)));
            }
            if let Some(t) = ip.tos {
                v.push(RouteLwTunnelEncap::Ip6(RouteIp6Tunnel::Tc(t)));
            }
            if let Some(t) = ip.ttl {
                v.push(RouteLwTunnelEncap::Ip6(RouteIp6Tunnel::Hoplimit(t)));
            }
            if let Some(f) = ip.flags {
                v.push(RouteLwTunnelEncap::Ip6(RouteIp6Tunnel::Flags(
                    RouteIp6TunnelFlags::from_bits_retain(f),
                )));
            }
            (RouteLwEnCapType::Ip6, v)
        }
        Encap::Ila(loc) => (
            RouteLwEnCapType::Other(LWTUNNEL_ENCAP_ILA),
            vec![RouteLwTunnelEncap::Other(DefaultNla::new(
                ILA_ATTR_LOCATOR,
                loc.to_ne_bytes().to_vec(),
            ))],
        ),
    };
    a.push(RouteAttribute::Encap(inner));
    a.push(RouteAttribute::EncapType(kind));
}

fn next_hop(family: Family, nh: &NextHop) -> RouteNextHop {
    let mut n = RouteNextHop::default();
    if nh.onlink {
        n.flags = RouteNextHopFlags::Onlink;
    }
    n.hops = nh.weight.map_or(0, |w| w.saturating_sub(1).min(255) as u8);
    n.interface_index = nh.oif.unwrap_or(0);
    if let Some(v) = nh.via {
        n.attributes.push(gateway_or_via(family, v));
    }
    if let Some(r) = nh.realms {
        n.attributes.push(RouteAttribute::Realm(realm(r)));
    }
    if let Some(e) = &nh.encap {
        push_encap(&mut n.attributes, e);
    }
    n
}

/// The RTM_NEWRULE / RTM_DELRULE message for `spec`.
pub fn rule_message(spec: &RuleSpec, add: bool) -> RouteNetlinkMessage {
    let mut m = RuleMessage::default();
    let h = &mut m.header;
    h.family = address_family(spec.family);
    h.tos = spec.tos;
    h.action = RuleAction::from(spec.action);
    if spec.invert {
        h.flags = RuleFlags::Invert;
    }
    let a = &mut m.attributes;
    if spec.action == FR_ACT_TO_TBL && !spec.l3mdev {
        match u8::try_from(spec.table) {
            Ok(0) => h.table = RT_TABLE_MAIN as u8,
            Ok(t) => h.table = t,
            Err(_) => {
                h.table = RT_TABLE_UNSPEC as u8;
                a.push(RuleAttribute::Table(spec.table));
            }
        }
    }
    if let Some((ip, len)) = spec.from {
        h.src_len = len;
        a.push(RuleAttribute::Source(ip));
    }
    if let Some((ip, len)) = spec.to {
        h.dst_len = len;
        a.push(RuleAttribute::Destination(ip));
    }
    if let Some(p) = spec.priority {
        a.push(RuleAttribute::Priority(p));
    }
    if let Some(v) = spec.fwmark {
        a.push(RuleAttribute::FwMark(v));
    }
    if let Some(v) = spec.fwmask {
        a.push(RuleAttribute::FwMask(v));
    }
    if let Some(v) = spec.realms {
        a.push(RuleAttribute::Realm(realm(v)));
    }
    if let Some(v) = spec.suppress_prefixlen {
        a.push(RuleAttribute::SuppressPrefixLen(v));
    }
    if let Some(v) = spec.suppress_ifgroup {
        a.push(RuleAttribute::SuppressIfGroup(v));
    }
    if let Some(v) = &spec.iif {
        a.push(RuleAttribute::Iifname(v.clone()));
    }
    if let Some(v) = &spec.oif {
        a.push(RuleAttribute::Oifname(v.clone()));
    }
    if let Some(id) = spec.tunnel_id {
        a.push(RuleAttribute::TunId(id));
    }
    if let Some((start, end)) = spec.uid_range {
        a.push(RuleAttribute::UidRange(RuleUidRange { start, end }));
    }
    if spec.l3mdev {
        a.push(RuleAttribute::L3MDev(true));
    }
    if let Some(p) = spec.protocol {
        a.push(RuleAttribute::Protocol(RouteProtocol::from(p)));
    }
    if let Some(p) = spec.ip_proto {
        a.push(RuleAttribute::IpProtocol(IpProtocol::from(p)));
    }
    if let Some((start, end)) = spec.sport_range {
        a.push(RuleAttribute::SourcePortRange(RulePortRange { start, end }));
    }
    if let Some((start, end)) = spec.dport_range {
        a.push(RuleAttribute::DestinationPortRange(RulePortRange {
            start,
            end,
        }));
    }
    if let Some(g) = spec.goto {
        a.push(RuleAttribute::Goto(g));
    }
    if add {
        RouteNetlinkMessage::NewRule(m)
    } else {
        RouteNetlinkMessage::DelRule(m)
    }
}

/// Serialize one request.
fn encode(msg: RouteNetlinkMessage, flags: u16, seq: u32) -> Vec<u8> {
    let mut header = NetlinkHeader::default();
    header.flags = flags;
    header.sequence_number = seq;
    let mut nl = NetlinkMessage::new(header, NetlinkPayload::InnerMessage(msg));
    nl.finalize();
    let mut buf = vec![0u8; nl.buffer_len()];
    nl.serialize(&mut buf);
    buf
}

/// One message of a netlink datagram: its header fields and payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawMessage<'a> {
    pub kind: u16,
    pub flags: u16,
    pub seq: u32,
    pub port: u32,
    pub payload: &'a [u8],
}

/// Split a datagram into its messages. Stops at the first header that does
/// not fit (a malformed tail is dropped, never read past).
pub fn split_datagram(buf: &[u8]) -> Vec<RawMessage<'_>> {
    let mut out = Vec::new();
    let mut off = 0usize;
    while buf.len().saturating_sub(off) >= NLMSG_HDRLEN {
        let h = &buf[off..];
        let len = u32::from_ne_bytes([h[0], h[1], h[2], h[3]]) as usize;
        if len < NLMSG_HDRLEN || len > h.len() {
            break;
        }
        out.push(RawMessage {
            kind: u16::from_ne_bytes([h[4], h[5]]),
            flags: u16::from_ne_bytes([h[6], h[7]]),
            seq: u32::from_ne_bytes([h[8], h[9], h[10], h[11]]),
            port: u32::from_ne_bytes([h[12], h[13], h[14], h[15]]),
            payload: &h[NLMSG_HDRLEN..len],
        });
        off += (len + NLMSG_ALIGN - 1) & !(NLMSG_ALIGN - 1);
    }
    out
}

/// The error code of an NLMSG_ERROR (0 for an acknowledgement), or of an
/// NLMSG_DONE that ends a failed dump.
fn error_code(m: &RawMessage<'_>) -> i32 {
    match ErrorBuffer::new_checked(m.payload) {
        Ok(b) => b.code().map_or(0, |c| c.get()),
        Err(_) => -libc::EPROTO,
    }
}

/// The kernel's explanation attached to an NLMSG_ERROR (extended ACK,
/// `NLMSGERR_ATTR_MSG`), if any.
pub fn ext_ack_message(m: &RawMessage<'_>) -> Option<String> {
    const NLM_F_CAPPED: u16 = 0x100;
    const NLM_F_ACK_TLVS: u16 = 0x200;
    const NLMSGERR_ATTR_MSG: u16 = 1;
    if m.kind != NLMSG_ERROR || m.flags & NLM_F_ACK_TLVS == 0 {
        return None;
    }
    // The error code, then the request's header (and, unless capped, the
    // rest of the request), then the attributes.
    let echoed = m.payload.get(4..)?;
    let echoed_len = if m.flags & NLM_F_CAPPED != 0 {
        NLMSG_HDRLEN
    } else {
        u32::from_ne_bytes(echoed.get(..4)?.try_into().ok()?) as usize
    };
    let tlvs = echoed.get((echoed_len + NLMSG_ALIGN - 1) & !(NLMSG_ALIGN - 1)..)?;
    NlasIterator::new(tlvs)
        .flatten()
        .find(|n| n.kind() == NLMSGERR_ATTR_MSG)
        .map(|n| nla_string(n.value()))
}

/// Decode a message's payload with the route crate. `None` for payloads it
/// cannot make sense of.
pub fn decode_inner(m: &RawMessage<'_>) -> Option<RouteNetlinkMessage> {
    let mut h = NetlinkHeader::default();
    h.length = (m.payload.len() + NLMSG_HDRLEN) as u32;
    h.message_type = m.kind;
    h.flags = m.flags;
    h.sequence_number = m.seq;
    h.port_number = m.port;
    RouteNetlinkMessage::deserialize(&h, m.payload).ok()
}

const RTM_NEWLINK: u16 = 16;
const RTM_DELLINK: u16 = 17;
const RTM_NEWADDR: u16 = 20;
const RTM_DELADDR: u16 = 21;

/// The link in a RTM_NEWLINK/RTM_DELLINK message. Falls back to reading
/// the few fields we need by hand if the crate rejects some attribute.
pub fn parse_link(m: &RawMessage<'_>) -> Option<Link> {
    match decode_inner(m) {
        Some(RouteNetlinkMessage::NewLink(l) | RouteNetlinkMessage::DelLink(l)) => {
            Some(link_from_message(&l))
        }
        _ => link_by_hand(m.payload),
    }
}

fn link_from_message(l: &LinkMessage) -> Link {
    let mut link = Link {
        index: l.header.index,
        flags: l.header.flags.bits(),
        hw_type: u16::from(l.header.link_layer_type),
        ..Link::default()
    };
    for a in &l.attributes {
        match a {
            LinkAttribute::IfName(n) => link.name = n.clone(),
            LinkAttribute::Address(m) => link.mac = m.clone(),
            LinkAttribute::Broadcast(b) => link.broadcast = b.clone(),
            LinkAttribute::Mtu(m) => link.mtu = *m,
            LinkAttribute::Link(p) => link.parent = Some(*p),
            LinkAttribute::LinkInfo(infos) => {
                for i in infos {
                    match i {
                        LinkInfo::Kind(k) => link.kind = Some(k.to_string()),
                        LinkInfo::Data(InfoData::Vrf(v)) => {
                            for x in v {
                                if let InfoVrf::TableId(t) = x {
                                    link.vrf_table = Some(*t);
                                }
                            }
                        }
                        LinkInfo::Data(InfoData::MacVlan(v)) => {
                            for m in v {
                                if let InfoMacVlan::Mode(mode) = m {
                                    link.macvlan_mode = Some(u32::from(*mode));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    link
}

fn nla_string(v: &[u8]) -> String {
    let end = v.iter().position(|b| *b == 0).unwrap_or(v.len());
    String::from_utf8_lossy(&v[..end]).into_owned()
}

fn nla_u32(v: &[u8]) -> Option<u32> {
    Some(u32::from_ne_bytes(v.get(..4)?.try_into().ok()?))
}

fn link_by_hand(payload: &[u8]) -> Option<Link> {
    let h = LinkHeader::parse(payload).ok()?;
    let mut link = Link {
        index: h.index,
        flags: h.flags.bits(),
        hw_type: u16::from(h.link_layer_type),
        ..Link::default()
    };
    for nla in NlasIterator::new(payload.get(16..)?).flatten() {
        let v = nla.value();
        match nla.kind() {
            1 => link.mac = v.to_vec(),
            2 => link.broadcast = v.to_vec(),
            3 => link.name = nla_string(v),
            4 => link.mtu = nla_u32(v).unwrap_or(0),
            5 => link.parent = nla_u32(v),
            18 => {
                for info in NlasIterator::new(v).flatten() {
                    match info.kind() {
                        1 => link.kind = Some(nla_string(info.value())),
                        // IFLA_INFO_DATA; read once the kind is known.
                        2 => {
                            for d in NlasIterator::new(info.value()).flatten() {
                                if d.kind() != 1 {
                                    continue;
                                }
                                match link.kind.as_deref() {
                                    Some("macvlan") => link.macvlan_mode = nla_u32(d.value()),
                                    Some("vrf") => link.vrf_table = nla_u32(d.value()),
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Some(link)
}

/// The address in a RTM_NEWADDR/RTM_DELADDR message.
pub fn parse_address(m: &RawMessage<'_>) -> Option<Address> {
    match decode_inner(m) {
        Some(RouteNetlinkMessage::NewAddress(a) | RouteNetlinkMessage::DelAddress(a)) => {
            address_from_message(&a)
        }
        _ => address_by_hand(m.payload),
    }
}

struct AddrParts {
    local: Option<IpAddr>,
    address: Option<IpAddr>,
    broadcast: Option<Ipv4Addr>,
    label: Option<String>,
    flags: Option<u32>,
    cache: Option<(u32, u32)>,
}

fn assemble_address(h: &AddressHeader, p: AddrParts) -> Option<Address> {
    let addr = p.local.or(p.address)?;
    let peer = match (p.local, p.address) {
        (Some(l), Some(a)) if l != a => Some(a),
        _ => None,
    };
    Some(Address {
        index: h.index,
        addr,
        prefix_len: h.prefix_len,
        peer,
        broadcast: p.broadcast,
        label: p.label,
        scope: u8::from(h.scope),
        flags: p.flags.unwrap_or(u32::from(h.flags.bits())),
        preferred_lft: p.cache.map(|c| c.0),
        valid_lft: p.cache.map(|c| c.1),
    })
}

fn address_from_message(a: &AddressMessage) -> Option<Address> {
    let mut p = AddrParts {
        local: None,
        address: None,
        broadcast: None,
        label: None,
        flags: None,
        cache: None,
    };
    for attr in &a.attributes {
        match attr {
            AddressAttribute::Local(l) => p.local = Some(*l),
            AddressAttribute::Address(x) => p.address = Some(*x),
            AddressAttribute::Broadcast(b) => p.broadcast = Some(*b),
            AddressAttribute::Label(l) => p.label = Some(l.clone()),
            AddressAttribute::Flags(f) => p.flags = Some(f.bits()),
            AddressAttribute::CacheInfo(c) => p.cache = Some((c.ifa_preferred, c.ifa_valid)),
            _ => {}
        }
    }
    assemble_address(&a.header, p)
}

fn ip_from(v: &[u8]) -> Option<IpAddr> {
    match v.len() {
        4 => Some(IpAddr::V4(Ipv4Addr::new(v[0], v[1], v[2], v[3]))),
        16 => {
            let b: [u8; 16] = v.try_into().ok()?;
            Some(IpAddr::V6(Ipv6Addr::from(b)))
        }
        _ => None,
    }
}

fn address_by_hand(payload: &[u8]) -> Option<Address> {
    let h = AddressHeader::parse(payload).ok()?;
    let mut p = AddrParts {
        local: None,
        address: None,
        broadcast: None,
        label: None,
        flags: None,
        cache: None,
    };
    for nla in NlasIterator::new(payload.get(8..)?).flatten() {
        let v = nla.value();
        match nla.kind() {
            1 => p.address = ip_from(v),
            2 => p.local = ip_from(v),
            3 => p.label = Some(nla_string(v)),
            4 => {
                if let Some(IpAddr::V4(b)) = ip_from(v) {
                    p.broadcast = Some(b);
                }
            }
            6 => {
                if let (Some(pr), Some(va)) = (nla_u32(v), v.get(4..).and_then(nla_u32)) {
                    p.cache = Some((pr, va));
                }
            }
            8 => p.flags = nla_u32(v),
            _ => {}
        }
    }
    assemble_address(&h, p)
}

fn open_socket(nonblocking: bool) -> io::Result<(OwnedFd, u32)> {
    let ty = libc::SOCK_RAW | if nonblocking { libc::SOCK_NONBLOCK } else { 0 };
    let fd = sock::socket(libc::AF_NETLINK, ty, libc::NETLINK_ROUTE)?;
    // SAFETY: sockaddr_nl is plain old data; zero is valid (port chosen by
    // the kernel, no groups).
    let mut sa: libc::sockaddr_nl = unsafe { zeroed() };
    sa.nl_family = libc::AF_NETLINK as libc::sa_family_t;
    sock::bind(&fd, &sa)?;
    let mut len = size_of::<libc::sockaddr_nl>() as libc::socklen_t;
    // SAFETY: `sa` and `len` are live locals; the kernel writes at most
    // `len` bytes into `sa`.
    cvt(unsafe {
        libc::getsockname(
            fd.as_raw_fd(),
            (&mut sa as *mut libc::sockaddr_nl).cast(),
            &mut len,
        )
    })?;
    // Errors echo only the request's header, and carry the kernel's text
    // when it has one. Both are optional niceties: ignore refusals.
    let _ = setsockopt_int(&fd, libc::SOL_NETLINK, NETLINK_CAP_ACK, 1);
    let _ = setsockopt_int(&fd, libc::SOL_NETLINK, NETLINK_EXT_ACK, 1);
    Ok((fd, sa.nl_pid))
}

/// Receive one datagram into `buf` (grown to fit). Datagrams not from the
/// kernel are skipped.
fn recv_datagram(fd: &OwnedFd, buf: &mut Vec<u8>) -> io::Result<usize> {
    loop {
        // SAFETY: `buf` is valid for writes of its length; with MSG_PEEK
        // the datagram stays queued and the return value is its full size.
        let want = cvt_size(unsafe {
            libc::recv(
                fd.as_raw_fd(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                libc::MSG_PEEK | libc::MSG_TRUNC,
            )
        })?;
        if want > buf.len() {
            buf.resize(want, 0);
        }
        // SAFETY: sockaddr_nl is plain old data; zero is valid.
        let mut from: libc::sockaddr_nl = unsafe { zeroed() };
        let mut flen = size_of::<libc::sockaddr_nl>() as libc::socklen_t;
        // SAFETY: `buf`, `from` and `flen` are live and sized as passed.
        let n = cvt_size(unsafe {
            libc::recvfrom(
                fd.as_raw_fd(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                0,
                (&mut from as *mut libc::sockaddr_nl).cast(),
                &mut flen,
            )
        })?;
        if from.nl_pid == 0 {
            return Ok(n.min(buf.len()));
        }
    }
}

/// A blocking rtnetlink command socket.
#[derive(Debug)]
pub struct Netlink {
    fd: OwnedFd,
    port: u32,
    seq: u32,
    buf: Vec<u8>,
}

impl Netlink {
    /// Open a command socket in the calling thread's network namespace.
    pub fn open() -> io::Result<Netlink> {
        let (fd, port) = open_socket(false)?;
        let tv = libc::timeval {
            tv_sec: COMMAND_TIMEOUT_SECS,
            tv_usec: 0,
        };
        sock::setsockopt(&fd, libc::SOL_SOCKET, libc::SO_RCVTIMEO, &tv)?;
        Ok(Netlink {
            fd,
            port,
            seq: 0,
            buf: vec![0; 65536],
        })
    }

    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        // SAFETY: sockaddr_nl is plain old data; zero is the kernel's
        // address (port 0, no groups).
        let mut kernel: libc::sockaddr_nl = unsafe { zeroed() };
        kernel.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        // SAFETY: `bytes` and `kernel` are live with the lengths passed.
        cvt_size(unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                bytes.as_ptr().cast(),
                bytes.len(),
                0,
                (&kernel as *const libc::sockaddr_nl).cast(),
                size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        })
        .map(drop)
    }

    fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    /// Send a request asking for an acknowledgement and wait for it.
    fn command(&mut self, msg: RouteNetlinkMessage, flags: u16) -> io::Result<()> {
        let seq = self.next_seq();
        let bytes = encode(msg, NLM_F_REQUEST | NLM_F_ACK | flags, seq);
        self.send(&bytes)?;
        loop {
            let n = recv_datagram(&self.fd, &mut self.buf).map_err(timeout)?;
            for m in split_datagram(&self.buf[..n]) {
                if m.seq != seq || m.port != self.port {
                    continue;
                }
                if m.kind == NLMSG_ERROR {
                    return match error_code(&m) {
                        0 => Ok(()),
                        e => {
                            if let Some(text) = ext_ack_message(&m) {
                                log::debug!("netlink request {}: {text}", m.kind);
                            }
                            Err(io::Error::from_raw_os_error(e.saturating_abs()))
                        }
                    };
                }
            }
        }
    }

    /// Run a dump and hand each message of the answer to `each`. Retries
    /// when the kernel says the dump was interrupted by a change.
    fn dump(
        &mut self,
        msg: RouteNetlinkMessage,
        mut each: impl FnMut(&RawMessage<'_>),
    ) -> io::Result<()> {
        let mut collected: Vec<(u16, Vec<u8>)> = Vec::new();
        for _ in 0..DUMP_RETRIES {
            collected.clear();
            let seq = self.next_seq();
            let bytes = encode(msg.clone(), NLM_F_REQUEST | NLM_F_DUMP, seq);
            self.send(&bytes)?;
            let mut interrupted = false;
            'recv: loop {
                let n = recv_datagram(&self.fd, &mut self.buf).map_err(timeout)?;
                let mut done = false;
                for m in split_datagram(&self.buf[..n]) {
                    if m.seq != seq || m.port != self.port {
                        continue;
                    }
                    if m.flags & NLM_F_DUMP_INTR != 0 {
                        interrupted = true;
                    }
                    match m.kind {
                        NLMSG_DONE => {
                            let code = error_code(&m);
                            if code < 0 {
                                return Err(io::Error::from_raw_os_error(-code));
                            }
                            done = true;
                        }
                        NLMSG_ERROR => {
                            let code = error_code(&m);
                            if code != 0 {
                                return Err(io::Error::from_raw_os_error(code.saturating_abs()));
                            }
                        }
                        NLMSG_NOOP => {}
                        NLMSG_OVERRUN => return Err(io::Error::from_raw_os_error(libc::ENOBUFS)),
                        _ => {
                            collected.push((m.kind, m.payload.to_vec()));
                            if m.flags & NLM_F_MULTIPART == 0 {
                                done = true;
                            }
                        }
                    }
                }
                if done {
                    break 'recv;
                }
            }
            if !interrupted {
                for (kind, payload) in &collected {
                    let m = RawMessage {
                        kind: *kind,
                        flags: 0,
                        seq: 0,
                        port: 0,
                        payload,
                    };
                    each(&m);
                }
                return Ok(());
            }
        }
        Err(io::Error::from_raw_os_error(libc::EINTR))
    }

    /// All interfaces.
    pub fn links(&mut self) -> io::Result<Vec<Link>> {
        let mut out = Vec::new();
        self.dump(RouteNetlinkMessage::GetLink(LinkMessage::default()), |m| {
            if m.kind == RTM_NEWLINK {
                if let Some(l) = parse_link(m) {
                    out.push(l);
                }
            }
        })?;
        Ok(out)
    }

    /// All addresses, of both families.
    pub fn addresses(&mut self) -> io::Result<Vec<Address>> {
        let mut out = Vec::new();
        self.dump(
            RouteNetlinkMessage::GetAddress(AddressMessage::default()),
            |m| {
                if m.kind == RTM_NEWADDR {
                    if let Some(a) = parse_address(m) {
                        out.push(a);
                    }
                }
            },
        )?;
        Ok(out)
    }

    /// Add an address. `EEXIST` if it is already there.
    pub fn add_address(&mut self, spec: &AddressSpec) -> io::Result<()> {
        self.command(address_message(spec, true), NLM_F_CREATE | NLM_F_EXCL)
    }

    /// Delete an address. `EADDRNOTAVAIL` if it is not there.
    pub fn del_address(&mut self, spec: &AddressSpec) -> io::Result<()> {
        self.command(address_message(spec, false), 0)
    }

    /// Add a route. `EEXIST` if it is already there.
    pub fn add_route(&mut self, spec: &RouteSpec) -> io::Result<()> {
        self.command(route_message(spec, true), NLM_F_CREATE | NLM_F_EXCL)
    }

    /// Create a private-mode macvlan `name` on `parent` with address `mac`.
    /// `EEXIST` if an interface of that name exists.
    pub fn create_macvlan(&mut self, name: &str, parent: u32, mac: [u8; 6]) -> io::Result<()> {
        let mut m = LinkMessage::default();
        m.attributes.push(macvlan_info());
        m.attributes.push(LinkAttribute::Link(parent));
        m.attributes.push(LinkAttribute::IfName(name.into()));
        m.attributes.push(LinkAttribute::Address(mac.to_vec()));
        self.command(RouteNetlinkMessage::NewLink(m), NLM_F_CREATE | NLM_F_EXCL)
    }

    /// Make an existing macvlan private with address `mac` (and out of any
    /// VRF).
    pub fn update_macvlan(&mut self, index: u32, mac: [u8; 6]) -> io::Result<()> {
        let mut m = LinkMessage::default();
        m.header.index = index;
        m.attributes.push(macvlan_info());
        m.attributes.push(LinkAttribute::Address(mac.to_vec()));
        m.attributes.push(LinkAttribute::Controller(0));
        self.command(RouteNetlinkMessage::NewLink(m), 0)
    }

    /// Delete an interface. `ENODEV` if it is gone.
    pub fn del_link(&mut self, index: u32) -> io::Result<()> {
        let mut m = LinkMessage::default();
        m.header.index = index;
        self.command(RouteNetlinkMessage::DelLink(m), 0)
    }

    /// Set an interface administratively up.
    pub fn set_link_up(&mut self, index: u32) -> io::Result<()> {
        let mut m = LinkMessage::default();
        m.header.index = index;
        m.header.flags = LinkFlags::Up;
        m.header.change_mask = LinkFlags::Up;
        self.command(RouteNetlinkMessage::NewLink(m), 0)
    }

    /// Stop the kernel from giving the interface an automatic IPv6
    /// link-local address (`addrgenmode none`).
    pub fn set_addr_gen_mode_none(&mut self, index: u32) -> io::Result<()> {
        let mut m = LinkMessage::default();
        m.header.index = index;
        m.attributes
            .push(LinkAttribute::AfSpecUnspec(vec![AfSpecUnspec::Inet6(
                vec![AfSpecInet6::AddrGenMode(In6AddrGenMode::None)],
            )]));
        self.command(RouteNetlinkMessage::NewLink(m), 0)
    }

    /// Add a route as keepalived's `add`/`prepend`/`append` do.
    pub fn add_route_mode(&mut self, spec: &RouteSpec, mode: RouteAddMode) -> io::Result<()> {
        const NLM_F_APPEND: u16 = 0x800;
        let flags = match mode {
            RouteAddMode::Exclusive => NLM_F_CREATE | NLM_F_EXCL,
            RouteAddMode::Prepend => NLM_F_CREATE,
            RouteAddMode::Append => NLM_F_CREATE | NLM_F_APPEND,
        };
        self.command(route_message(spec, true), flags)
    }

    /// Add a route, replacing one with the same key.
    pub fn replace_route(&mut self, spec: &RouteSpec) -> io::Result<()> {
        self.command(route_message(spec, true), NLM_F_CREATE | NLM_F_REPLACE)
    }

    /// Delete a route. `ESRCH` if there is none such.
    pub fn del_route(&mut self, spec: &RouteSpec) -> io::Result<()> {
        self.command(route_message(spec, false), 0)
    }

    /// Add a rule. `EEXIST` if it is already there.
    pub fn add_rule(&mut self, spec: &RuleSpec) -> io::Result<()> {
        self.command(rule_message(spec, true), NLM_F_CREATE | NLM_F_EXCL)
    }

    /// Delete a rule. `ENOENT` if there is none such.
    pub fn del_rule(&mut self, spec: &RuleSpec) -> io::Result<()> {
        self.command(rule_message(spec, false), 0)
    }
}

fn timeout(e: io::Error) -> io::Error {
    if sock::would_block(&e) {
        io::Error::new(io::ErrorKind::TimedOut, "no answer from the kernel")
    } else {
        e
    }
}

/// A change reported by the kernel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetEvent {
    /// A link we did not know of.
    LinkAdded(Link),
    /// A known link became up and running.
    LinkUp(Link),
    /// A known link stopped being up and running.
    LinkDown(Link),
    /// A known link changed otherwise (name, MTU, MAC...).
    LinkChanged(Link),
    LinkDeleted(Link),
    AddressAdded(Address),
    AddressRemoved(Address),
    /// The kernel dropped events (receive buffer full): re-read links and
    /// addresses with [`Netlink`], then [`Monitor::resync`].
    Overrun,
}

/// Turns link and address messages into events, remembering each link's
/// up/down state. Pure: fed messages, gives events.
#[derive(Debug, Default, Clone)]
pub struct EventTracker {
    up: HashMap<u32, bool>,
}

impl EventTracker {
    /// Forget everything and take these links as the current state.
    pub fn resync(&mut self, links: &[Link]) {
        self.up = links.iter().map(|l| (l.index, l.is_up())).collect();
    }

    /// The event for one message, if it is one we report.
    pub fn event(&mut self, m: &RawMessage<'_>) -> Option<NetEvent> {
        match m.kind {
            RTM_NEWLINK | RTM_DELLINK => {
                // Bridge port messages (family AF_BRIDGE) repeat links.
                if m.payload.first() == Some(&(libc::AF_BRIDGE as u8)) {
                    return None;
                }
                let link = parse_link(m)?;
                if m.kind == RTM_DELLINK {
                    self.up.remove(&link.index);
                    return Some(NetEvent::LinkDeleted(link));
                }
                let now = link.is_up();
                Some(match self.up.insert(link.index, now) {
                    None => NetEvent::LinkAdded(link),
                    Some(was) if was != now => {
                        if now {
                            NetEvent::LinkUp(link)
                        } else {
                            NetEvent::LinkDown(link)
                        }
                    }
                    Some(_) => NetEvent::LinkChanged(link),
                })
            }
            RTM_NEWADDR => parse_address(m).map(NetEvent::AddressAdded),
            RTM_DELADDR => parse_address(m).map(NetEvent::AddressRemoved),
            _ => None,
        }
    }
}

/// A non-blocking socket subscribed to link and IPv4/IPv6 address changes.
#[derive(Debug)]
pub struct Monitor {
    fd: OwnedFd,
    tracker: EventTracker,
    buf: Vec<u8>,
}

impl Monitor {
    /// Subscribe, then learn the current links (so later messages can be
    /// told apart as added, up, down or changed). Subscribing first means no
    /// change between the two is missed.
    pub fn open() -> io::Result<Monitor> {
        let (fd, _port) = open_socket(true)?;
        for g in [RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR] {
            setsockopt_int(
                &fd,
                libc::SOL_NETLINK,
                NETLINK_ADD_MEMBERSHIP,
                g as libc::c_int,
            )?;
        }
        // A burst of changes (many VIPs at once) must not overflow the
        // queue; RCVBUFFORCE needs CAP_NET_ADMIN, so fall back quietly.
        let big: libc::c_int = 4 << 20;
        if setsockopt_int(&fd, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, big).is_err() {
            let _ = setsockopt_int(&fd, libc::SOL_SOCKET, libc::SO_RCVBUF, big);
        }
        let mut tracker = EventTracker::default();
        tracker.resync(&Netlink::open()?.links()?);
        Ok(Monitor {
            fd,
            tracker,
            buf: vec![0; 65536],
        })
    }

    /// Take these links as the current state (after an [`NetEvent::Overrun`]).
    pub fn resync(&mut self, links: &[Link]) {
        self.tracker.resync(links);
    }

    /// Read everything queued and append the events to `out`. Returns when
    /// the socket has nothing more (never blocks). An overflow of the
    /// kernel's queue is reported as [`NetEvent::Overrun`].
    pub fn read_events(&mut self, out: &mut Vec<NetEvent>) -> io::Result<()> {
        loop {
            match recv_datagram(&self.fd, &mut self.buf) {
                Ok(n) => {
                    for m in split_datagram(&self.buf[..n]) {
                        if let Some(e) = self.tracker.event(&m) {
                            out.push(e);
                        }
                    }
                }
                Err(e) if sock::would_block(&e) => return Ok(()),
                Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => out.push(NetEvent::Overrun),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

impl AsRawFd for Monitor {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl AsFd for Monitor {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for Netlink {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// Bytes of a message as the kernel would send it (header + payload).
    fn wire(msg: RouteNetlinkMessage, flags: u16) -> Vec<u8> {
        encode(msg, flags, 7)
    }

    #[test]
    fn address_add_carries_keepalived_options() {
        let mut spec = AddressSpec::new(3, ip("10.0.0.5"), 24);
        spec.broadcast = Some("10.0.0.255".parse().unwrap());
        spec.label = Some("eth0:vip".into());
        spec.scope = RT_SCOPE_LINK;
        spec.peer = Some(ip("10.0.0.9"));
        spec.flags = IFA_F_NOPREFIXROUTE;
        let RouteNetlinkMessage::NewAddress(m) = address_message(&spec, true) else {
            panic!("not NewAddress");
        };
        assert_eq!(m.header.index, 3);
        assert_eq!(m.header.prefix_len, 24);
        assert_eq!(u8::from(m.header.scope), RT_SCOPE_LINK);
        assert_eq!(m.header.family, AddressFamily::Inet);
        assert_eq!(
            m.attributes,
            vec![
                AddressAttribute::Local(ip("10.0.0.5")),
                AddressAttribute::Broadcast("10.0.0.255".parse().unwrap()),
                AddressAttribute::Flags(AddressFlags::Noprefixroute),
                AddressAttribute::Label("eth0:vip".into()),
                AddressAttribute::Address(ip("10.0.0.9")),
            ]
        );
        let RouteNetlinkMessage::DelAddress(d) = address_message(&spec, false) else {
            panic!("not DelAddress");
        };
        assert_eq!(
            d.attributes,
            vec![
                AddressAttribute::Local(ip("10.0.0.5")),
                AddressAttribute::Address(ip("10.0.0.9")),
            ]
        );
    }

    #[test]
    fn ipv6_vip_defaults_and_lifetime() {
        let mut spec = AddressSpec::vip(4, ip("fd00::5"), 64);
        spec.preferred_lft = Some(0);
        let RouteNetlinkMessage::NewAddress(m) = address_message(&spec, true) else {
            panic!("not NewAddress");
        };
        let mut ci = CacheInfo::default();
        ci.ifa_valid = INFINITY_LIFE_TIME;
        assert_eq!(
            m.attributes,
            vec![
                AddressAttribute::Local(ip("fd00::5")),
                AddressAttribute::CacheInfo(ci),
                AddressAttribute::Flags(AddressFlags::Nodad),
            ]
        );
        // A broadcast address is never sent for IPv6.
        spec.broadcast = Some("1.2.3.4".parse().unwrap());
        let RouteNetlinkMessage::NewAddress(m2) = address_message(&spec, true) else {
            panic!("not NewAddress");
        };
        assert_eq!(m2.attributes.len(), 3);
    }

    #[test]
    fn route_tables_protocol_and_scope() {
        let mut r = RouteSpec::new(ip("10.77.0.0"), 24);
        r.via = Some(ip("10.99.0.3"));
        r.table = 100;
        r.metric = Some(50);
        r.oif = Some(2);
        let RouteNetlinkMessage::NewRoute(m) = route_message(&r, true) else {
            panic!("not NewRoute");
        };
        assert_eq!(m.header.table, 100);
        assert_eq!(u8::from(m.header.protocol), RTPROT_KEEPALIVED);
        assert_eq!(u8::from(m.header.scope), RT_SCOPE_UNIVERSE);
        assert_eq!(u8::from(m.header.kind), RTN_UNICAST);
        assert_eq!(m.header.destination_prefix_length, 24);
        assert!(m
            .attributes
            .contains(&RouteAttribute::Gateway(RouteAddress::Inet(
                "10.99.0.3".parse().unwrap()
            ))));
        assert!(m.attributes.contains(&RouteAttribute::Priority(50)));
        assert!(m.attributes.contains(&RouteAttribute::Oif(2)));
        assert!(!m
            .attributes
            .iter()
            .any(|a| matches!(a, RouteAttribute::Table(_))));

        r.table = 1000;
        r.via = Some(ip("fe80::1"));
        let RouteNetlinkMessage::DelRoute(d) = route_message(&r, false) else {
            panic!("not DelRoute");
        };
        assert_eq!(d.header.table, 0);
        assert!(d.attributes.contains(&RouteAttribute::Table(1000)));
        assert_eq!(u8::from(d.header.scope), RT_SCOPE_NOWHERE);
        assert_eq!(u8::from(d.header.kind), RTN_UNSPEC);
        assert!(d.attributes.contains(&RouteAttribute::Via(RouteVia::Inet6(
            "fe80::1".parse().unwrap()
        ))));
    }

    #[test]
    fn route_options_encode_and_decode() {
        let mut r = RouteSpec::new(ip("10.67.0.0"), 24);
        r.metrics = RouteMetrics {
            values: vec![(RTAX_MTU, 1400), (RTAX_INITCWND, 10)],
            congctl: Some("cubic".into()),
            lock: 1 << RTAX_MTU,
        };
        r.realms = Some((3 << 16) | 4);
        r.encap = Some(Encap::Mpls(vec![100, 200]));
        r.nexthops = vec![
            NextHop {
                via: Some(ip("10.99.0.3")),
                oif: Some(2),
                weight: Some(2),
                ..NextHop::default()
            },
            NextHop {
                via: Some(ip("fe80::1")),
                oif: Some(2),
                onlink: true,
                ..NextHop::default()
            },
        ];
        let b = wire(route_message(&r, true), 0);
        let m = split_datagram(&b)[0];
        let Some(RouteNetlinkMessage::NewRoute(back)) = decode_inner(&m) else {
            panic!("does not decode");
        };
        let a = &back.attributes;
        assert!(a.contains(&RouteAttribute::Realm(RouteRealm {
            source: 3,
            destination: 4
        })));
        assert!(a.contains(&RouteAttribute::EncapType(RouteLwEnCapType::Mpls)));
        let metrics = a
            .iter()
            .find_map(|x| match x {
                RouteAttribute::Metrics(m) => Some(m.clone()),
                _ => None,
            })
            .expect("metrics");
        assert!(metrics.contains(&RouteMetric::Mtu(1400)));
        assert!(metrics.contains(&RouteMetric::Lock(1 << RTAX_MTU)));
        assert!(metrics.contains(&RouteMetric::CcAlgo("cubic".into())));
        let hops = a
            .iter()
            .find_map(|x| match x {
                RouteAttribute::MultiPath(h) => Some(h.clone()),
                _ => None,
            })
            .expect("multipath");
        assert_eq!(hops.len(), 2);
        // rtnh_hops is the weight less one, as ip(8) writes it.
        assert_eq!(hops[0].hops, 1);
        assert_eq!(hops[0].interface_index, 2);
        assert_eq!(hops[1].flags, RouteNextHopFlags::Onlink);
        assert!(hops[1]
            .attributes
            .contains(&RouteAttribute::Via(RouteVia::Inet6(
                "fe80::1".parse().unwrap()
            ))));
    }

    #[test]
    fn macvlan_links_parse_the_same_both_ways() {
        let mut l = link_message(7, "vrrp.51", 0x1043);
        l.attributes.push(macvlan_info());
        l.attributes.push(LinkAttribute::Link(2));
        let b = wire(RouteNetlinkMessage::NewLink(l), 0);
        let m = split_datagram(&b)[0];
        let parsed = parse_link(&m).unwrap();
        assert_eq!(parsed.kind.as_deref(), Some("macvlan"));
        assert_eq!(parsed.macvlan_mode, Some(MACVLAN_MODE_PRIVATE));
        assert_eq!(parsed.parent, Some(2));
        assert_eq!(link_by_hand(m.payload), Some(parsed));
    }

    #[test]
    fn rule_table_zero_means_main() {
        let mut r = RuleSpec::to_table(Family::V4, 0);
        r.from = Some((ip("10.99.0.0"), 24));
        r.priority = Some(1000);
        r.invert = true;
        let RouteNetlinkMessage::NewRule(m) = rule_message(&r, true) else {
            panic!("not NewRule");
        };
        assert_eq!(m.header.table, 254);
        assert_eq!(m.header.src_len, 24);
        assert_eq!(m.header.flags, RuleFlags::Invert);
        assert!(m.attributes.contains(&RuleAttribute::Priority(1000)));
        assert!(m
            .attributes
            .contains(&RuleAttribute::Protocol(RouteProtocol::KeepAlived)));
        r.table = 5000;
        let RouteNetlinkMessage::DelRule(d) = rule_message(&r, false) else {
            panic!("not DelRule");
        };
        assert_eq!(d.header.table, 0);
        assert!(d.attributes.contains(&RuleAttribute::Table(5000)));
    }

    #[test]
    fn requests_encode_with_header() {
        let spec = AddressSpec::new(1, ip("10.0.0.1"), 8);
        let b = encode(address_message(&spec, true), NLM_F_REQUEST | NLM_F_ACK, 42);
        let msgs = split_datagram(&b);
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].kind, RTM_NEWADDR);
        assert_eq!(msgs[0].seq, 42);
        assert_eq!(msgs[0].flags, NLM_F_REQUEST | NLM_F_ACK);
        assert_eq!(
            u32::from_ne_bytes(b[0..4].try_into().unwrap()) as usize,
            b.len()
        );
        // The payload decodes back to the same address.
        let a = parse_address(&msgs[0]).unwrap();
        assert_eq!(a.addr, ip("10.0.0.1"));
        assert_eq!(a.prefix_len, 8);
        assert_eq!(a.index, 1);
    }

    #[test]
    fn errors_and_acks() {
        // An NLMSG_ERROR with -EEXIST, then an ACK, in one datagram.
        let mut d = Vec::new();
        for code in [-libc::EEXIST, 0] {
            d.extend_from_slice(&(NLMSG_HDRLEN as u32 + 20).to_ne_bytes());
            d.extend_from_slice(&NLMSG_ERROR.to_ne_bytes());
            d.extend_from_slice(&0u16.to_ne_bytes());
            d.extend_from_slice(&9u32.to_ne_bytes());
            d.extend_from_slice(&5u32.to_ne_bytes());
            d.extend_from_slice(&code.to_ne_bytes());
            d.extend_from_slice(&[0u8; 16]);
        }
        let msgs = split_datagram(&d);
        assert_eq!(msgs.len(), 2);
        assert_eq!(error_code(&msgs[0]), -libc::EEXIST);
        assert_eq!(error_code(&msgs[1]), 0);
        assert_eq!(msgs[1].seq, 9);
        assert_eq!(msgs[1].port, 5);
    }

    #[test]
    fn extended_ack_text() {
        // -EINVAL, capped echo of a 16-byte header, then NLMSGERR_ATTR_MSG.
        let text = b"Invalid prefix\0";
        let nla_len = 4 + text.len();
        let total = NLMSG_HDRLEN + 4 + NLMSG_HDRLEN + ((nla_len + 3) & !3);
        let mut d = Vec::new();
        d.extend_from_slice(&(total as u32).to_ne_bytes());
        d.extend_from_slice(&NLMSG_ERROR.to_ne_bytes());
        d.extend_from_slice(&0x300u16.to_ne_bytes());
        d.extend_from_slice(&[0; 8]);
        d.extend_from_slice(&(-libc::EINVAL).to_ne_bytes());
        d.extend_from_slice(&[0; NLMSG_HDRLEN]);
        d.extend_from_slice(&(nla_len as u16).to_ne_bytes());
        d.extend_from_slice(&1u16.to_ne_bytes());
        d.extend_from_slice(text);
        d.resize(total, 0);
        let m = split_datagram(&d)[0];
        assert_eq!(error_code(&m), -libc::EINVAL);
        assert_eq!(ext_ack_message(&m).as_deref(), Some("Invalid prefix"));
        for n in 0..d.len() {
            for m in split_datagram(&d[..n]) {
                let _ = ext_ack_message(&m);
                let _ = error_code(&m);
            }
        }
    }

    fn link_message(index: u32, name: &str, flags: u32) -> LinkMessage {
        let mut l = LinkMessage::default();
        l.header.index = index;
        l.header.flags = netlink_packet_route::link::LinkFlags::from_bits_retain(flags);
        l.attributes.push(LinkAttribute::IfName(name.into()));
        l.attributes.push(LinkAttribute::Mtu(1500));
        l.attributes
            .push(LinkAttribute::Address(vec![2, 0, 0, 0, 0, 9]));
        l
    }

    #[test]
    fn tracker_tells_links_apart() {
        let up = (libc::IFF_UP | libc::IFF_RUNNING) as u32;
        let mut t = EventTracker::default();
        let mut feed = |msg: RouteNetlinkMessage| {
            let b = wire(msg, 0);
            let m = split_datagram(&b)[0];
            t.event(&m)
        };
        let e = feed(RouteNetlinkMessage::NewLink(link_message(5, "eth0", 0)));
        let Some(NetEvent::LinkAdded(l)) = e else {
            panic!("{e:?}");
        };
        assert_eq!(l.name, "eth0");
        assert_eq!(l.mtu, 1500);
        assert_eq!(l.mac6(), Some([2, 0, 0, 0, 0, 9]));
        assert!(matches!(
            feed(RouteNetlinkMessage::NewLink(link_message(5, "eth0", up))),
            Some(NetEvent::LinkUp(_))
        ));
        assert!(matches!(
            feed(RouteNetlinkMessage::NewLink(link_message(5, "eth0", up))),
            Some(NetEvent::LinkChanged(_))
        ));
        // Up but not running (no carrier) is down.
        assert!(matches!(
            feed(RouteNetlinkMessage::NewLink(link_message(
                5,
                "eth0",
                libc::IFF_UP as u32
            ))),
            Some(NetEvent::LinkDown(_))
        ));
        assert!(matches!(
            feed(RouteNetlinkMessage::DelLink(link_message(5, "eth0", 0))),
            Some(NetEvent::LinkDeleted(_))
        ));
        assert!(matches!(
            feed(RouteNetlinkMessage::NewLink(link_message(5, "eth0", up))),
            Some(NetEvent::LinkAdded(_))
        ));
        let spec = AddressSpec::new(5, ip("fd00::1"), 64);
        let e = feed(address_message(&spec, true));
        let Some(NetEvent::AddressAdded(a)) = e else {
            panic!("{e:?}");
        };
        assert_eq!(a.addr, ip("fd00::1"));
        assert!(matches!(
            feed(address_message(&spec, false)),
            Some(NetEvent::AddressRemoved(_))
        ));
    }

    #[test]
    fn hand_parsers_agree_with_the_crate() {
        let b = wire(
            RouteNetlinkMessage::NewLink(link_message(3, "veth1", 0x1043)),
            0,
        );
        let m = split_datagram(&b)[0];
        assert_eq!(link_by_hand(m.payload), parse_link(&m));
        let mut spec = AddressSpec::new(3, ip("10.1.2.3"), 16);
        spec.peer = Some(ip("10.1.2.4"));
        spec.broadcast = Some("10.1.255.255".parse().unwrap());
        spec.label = Some("veth1:a".into());
        spec.flags = IFA_F_NODAD;
        spec.preferred_lft = Some(30);
        let b = wire(address_message(&spec, true), 0);
        let m = split_datagram(&b)[0];
        let a = parse_address(&m).unwrap();
        assert_eq!(address_by_hand(m.payload), Some(a.clone()));
        assert_eq!(a.peer, Some(ip("10.1.2.4")));
        assert_eq!(a.preferred_lft, Some(30));
        assert_eq!(a.flags, IFA_F_NODAD);
        assert_eq!(a.label.as_deref(), Some("veth1:a"));
    }

    #[test]
    fn garbage_never_panics() {
        let spec = AddressSpec::new(3, ip("10.1.2.3"), 16);
        let mut good = wire(address_message(&spec, true), 0);
        good.extend(wire(
            RouteNetlinkMessage::NewLink(link_message(3, "x", 0)),
            0,
        ));
        let mut t = EventTracker::default();
        let mut seed = 0x1234_5678u32;
        for n in 0..good.len() {
            for _ in 0..4 {
                let mut c = good.clone();
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                c[n] ^= (seed >> 16) as u8 | 1;
                for m in split_datagram(&c) {
                    let _ = t.event(&m);
                    let _ = link_by_hand(m.payload);
                    let _ = address_by_hand(m.payload);
                }
                for m in split_datagram(&c[..n]) {
                    let _ = t.event(&m);
                }
            }
        }
    }
}
