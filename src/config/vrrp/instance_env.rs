//! What the vrrp_instance checks need from global_defs and from the machine.

use super::instance::{Family, VrrpVersion};
use crate::config::global;
use crate::config::parser::Ctx;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::time::Duration;

/// The global_defs settings an instance takes its defaults from, with
/// keepalived's own defaults.
#[derive(Debug, Clone)]
pub struct GlobalVrrp {
    pub vrrp_version: VrrpVersion,
    pub vrrp_strict: bool,
    /// Interfaces that do not exist yet may be named.
    pub dynamic_interfaces: bool,
    pub garp_delay: Duration,
    pub garp_repeat: u32,
    pub garp_refresh: Duration,
    pub garp_refresh_repeat: u32,
    /// `None`: `garp_repeat` / `garp_delay`.
    pub garp_lower_prio_repeat: Option<u32>,
    pub garp_lower_prio_delay: Option<Duration>,
    pub down_timer_adverts: u32,
    pub lower_prio_no_advert: bool,
    pub higher_prio_send_advert: bool,
    pub skip_check_adv_addr: bool,
    pub smtp_alert: Option<bool>,
    pub smtp_alert_vrrp: Option<bool>,
    pub notify_priority_changes: bool,
    pub garp_extra_if: Duration,
    pub garp_extra_if_all: bool,
    pub owner_ignore_adverts: bool,
    /// Global `lvs_sync_daemon` interface, if set.
    pub lvs_sync_daemon_interface: Option<String>,
    /// `vrrp_mcast_group4` / `vrrp_mcast_group6`: where multicast adverts go.
    pub mcast_group4: Ipv4Addr,
    pub mcast_group6: Ipv6Addr,
}

impl Default for GlobalVrrp {
    fn default() -> Self {
        GlobalVrrp {
            vrrp_version: VrrpVersion::V2,
            vrrp_strict: false,
            dynamic_interfaces: false,
            garp_delay: Duration::from_secs(5),
            garp_repeat: 5,
            garp_refresh: Duration::ZERO,
            garp_refresh_repeat: 1,
            garp_lower_prio_repeat: None,
            garp_lower_prio_delay: None,
            down_timer_adverts: 3,
            lower_prio_no_advert: false,
            higher_prio_send_advert: false,
            skip_check_adv_addr: false,
            smtp_alert: None,
            smtp_alert_vrrp: None,
            notify_priority_changes: false,
            garp_extra_if: Duration::ZERO,
            garp_extra_if_all: false,
            owner_ignore_adverts: false,
            lvs_sync_daemon_interface: None,
            mcast_group4: global::model::VRRP_MCAST_GROUP4,
            mcast_group6: global::model::VRRP_MCAST_GROUP6,
        }
    }
}

/// The global settings as the VRRP process sees them (all of global_defs,
/// see `vrrp::global_view`).
pub fn global_vrrp(ctx: &Ctx) -> GlobalVrrp {
    let gl = super::global_view(ctx);
    GlobalVrrp {
        vrrp_version: if gl.vrrp_version == 3 {
            VrrpVersion::V3
        } else {
            VrrpVersion::V2
        },
        vrrp_strict: gl.vrrp_strict,
        dynamic_interfaces: gl.dynamic_interfaces,
        garp_delay: gl.vrrp_garp_master_delay,
        garp_repeat: gl.vrrp_garp_master_repeat,
        garp_refresh: gl.vrrp_garp_master_refresh,
        garp_refresh_repeat: gl.vrrp_garp_master_refresh_repeat,
        garp_lower_prio_repeat: gl.vrrp_garp_lower_prio_repeat,
        garp_lower_prio_delay: gl.vrrp_garp_lower_prio_delay,
        down_timer_adverts: gl.vrrp_down_timer_adverts,
        lower_prio_no_advert: gl.vrrp_lower_prio_no_advert,
        higher_prio_send_advert: gl.vrrp_higher_prio_send_advert,
        skip_check_adv_addr: gl.vrrp_skip_check_adv_addr,
        smtp_alert: gl.smtp_alert,
        smtp_alert_vrrp: gl.smtp_alert_vrrp,
        notify_priority_changes: gl.vrrp_notify_priority_changes,
        garp_extra_if: gl.vrrp_garp_extra_if.unwrap_or(Duration::ZERO),
        garp_extra_if_all: gl.vrrp_garp_extra_if_all,
        owner_ignore_adverts: gl.vrrp_owner_ignore_adverts,
        lvs_sync_daemon_interface: gl.lvs_sync_daemon.as_ref().map(|d| d.interface.clone()),
        mcast_group4: gl.vrrp_mcast_group4,
        mcast_group6: gl.vrrp_mcast_group6,
    }
}

/// What keepalived knows about an interface from netlink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfInfo {
    pub loopback: bool,
    pub multicast: bool,
    pub ethernet: bool,
    pub mtu: u32,
}

const ARPHRD_ETHER: u32 = 1;
const ARPHRD_LOOPBACK: u32 = 772;
const IFF_LOOPBACK: u32 = 0x8;
const IFF_MULTICAST: u32 = 0x1000;

/// Interface names are limited to IFNAMSIZ - 1 bytes.
pub const IFNAMSIZ: usize = 16;

fn sysfs(ctx: &Ctx, name: &str, attr: &str) -> Option<String> {
    if name.contains('/') || name == "." || name == ".." {
        return None;
    }
    let p = format!("/sys/class/net/{name}/{attr}");
    ctx.host
        .read_to_string(Path::new(&p))
        .map(|s| s.trim().to_string())
}

fn number(s: &str) -> Option<u32> {
    match s.strip_prefix("0x") {
        Some(h) => u32::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

/// The properties of an existing interface (`None` if it does not exist).
/// When the system does not say, assume an ordinary Ethernet interface
/// (and a loopback for "lo").
pub fn interface_info(ctx: &Ctx, name: &str) -> Option<IfInfo> {
    if !ctx.host.interface_exists(name) {
        return None;
    }
    let hw = sysfs(ctx, name, "type").and_then(|s| number(&s));
    let flags = sysfs(ctx, name, "flags").and_then(|s| number(&s));
    let mtu = sysfs(ctx, name, "mtu").and_then(|s| number(&s));
    let loopback = match (hw, flags) {
        (Some(t), _) => t == ARPHRD_LOOPBACK,
        (None, Some(f)) => f & IFF_LOOPBACK != 0,
        (None, None) => name == "lo",
    };
    Some(IfInfo {
        loopback,
        multicast: flags.map_or(!loopback, |f| f & IFF_MULTICAST != 0),
        ethernet: hw.map_or(!loopback, |t| t == ARPHRD_ETHER),
        mtu: mtu.unwrap_or(if loopback { 65536 } else { 1500 }),
    })
}

/// The kind of link an existing interface is ("macvlan", "ipvlan" ...), if
/// the system says.
pub fn link_kind(ctx: &Ctx, name: &str) -> Option<String> {
    if let Some((kind, _)) = ctx.host.link_kind(name) {
        return Some(kind);
    }
    let uevent = sysfs(ctx, name, "uevent")?;
    uevent
        .lines()
        .find_map(|l| l.strip_prefix("DEVTYPE=").map(str::to_string))
}

/// Whether an existing interface is a private-mode macvlan (keepalived
/// only takes such an interface as a VMAC). Without netlink's answer, any
/// macvlan passes.
pub fn is_private_macvlan(ctx: &Ctx, name: &str) -> bool {
    const MACVLAN_MODE_PRIVATE: u32 = 1;
    match ctx.host.link_kind(name) {
        Some((kind, mode)) => kind == "macvlan" && mode.is_none_or(|m| m == MACVLAN_MODE_PRIVATE),
        None => link_kind(ctx, name).as_deref() == Some("macvlan"),
    }
}

/// The address keepalived uses as an interface's own address for `family`:
/// the first IPv4 address, or the first IPv6 link-local one.
pub fn primary_address(ctx: &Ctx, ifname: &str, family: Family) -> Option<IpAddr> {
    let addrs = ctx.host.interface_addresses(ifname);
    addrs.iter().map(|(a, _)| *a).find(|a| match (family, a) {
        (Family::V4, IpAddr::V4(_)) => true,
        (Family::V6, IpAddr::V6(v6)) => is_link_local_v6(v6),
        _ => false,
    })
}

pub fn is_link_local_v6(a: &std::net::Ipv6Addr) -> bool {
    (a.segments()[0] & 0xffc0) == 0xfe80
}

/// keepalived's `inet_stosockaddr` without a port: the text up to a '-' or
/// '/' must be an address of the family its ':' implies.
pub fn parse_sockaddr(text: &str) -> Option<IpAddr> {
    let end = text
        .find('-')
        .or_else(|| text.find('/'))
        .unwrap_or(text.len());
    let t = &text[..end];
    match Family::of_text(text) {
        Family::V6 => t.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6),
        Family::V4 => t.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4),
    }
}
