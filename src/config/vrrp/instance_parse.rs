//! The keywords of vrrp_instance, as keepalived 2.2.7 reads them (plus the
//! few that later versions added, accepted the way keepalived's HEAD reads
//! them).

use super::instance::*;
use super::instance_env::{
    global_vrrp, interface_info, is_private_macvlan, link_kind, parse_sockaddr, IFNAMSIZ,
};
use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx, Keyword, Missing, Res};
use crate::config::script;
use crate::config::values;
use crate::config::vrrp::{ipaddr, route, rule};
use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

/// Microseconds per second.
const HZ: u64 = values::TIMER_HZ;

static AUTHENTICATION: &[Keyword] = &[
    Keyword::leaf("auth_type", auth_type),
    Keyword::leaf("auth_pass", auth_pass),
];

static AUTH_HMAC: &[Keyword] = &[
    Keyword::leaf("key", hmac_key).not_acted_on(),
    Keyword::leaf("active_key", hmac_active_key).not_acted_on(),
    Keyword::leaf("time_window", hmac_time_window).not_acted_on(),
    Keyword::leaf("anti_replay", hmac_anti_replay).not_acted_on(),
    Keyword::leaf("mode", hmac_mode).not_acted_on(),
];

/// The keywords inside `vrrp_instance NAME { ... }`, in keepalived's order.
static INSTANCE: &[Keyword] = &[
    Keyword::leaf("use_vmac", use_vmac),
    Keyword::leaf("use_vmac_addr", use_vmac_addr).not_acted_on(),
    Keyword::leaf("vmac_xmit_base", vmac_xmit_base),
    Keyword::leaf("use_ipvlan", use_ipvlan).not_acted_on(),
    Keyword::leaf("unicast_peer", unicast_peer),
    Keyword::leaf("unicast_fault_no_peer", unicast_fault_no_peer).not_acted_on(),
    Keyword::leaf("check_unicast_src", check_unicast_src),
    Keyword::leaf("old_unicast_checksum", old_unicast_checksum).not_acted_on(),
    Keyword::leaf("native_ipv6", native_ipv6),
    Keyword::leaf("state", state),
    Keyword::leaf("interface", interface),
    Keyword::leaf("vrf", vrf).not_acted_on(),
    Keyword::leaf("dont_track_primary", dont_track_primary),
    Keyword::leaf("track_interface", track_interface),
    Keyword::leaf("track_script", track_script),
    Keyword::leaf("track_file", track_file),
    Keyword::leaf("track_process", track_process),
    Keyword::leaf("track_bfd", track_bfd).not_acted_on(),
    Keyword::leaf("mcast_src_ip", mcast_src_ip),
    Keyword::leaf("unicast_src_ip", unicast_src_ip),
    Keyword::leaf("mcast_dst_ip", mcast_dst_ip).not_acted_on(),
    Keyword::leaf("track_src_ip", track_src_ip).not_acted_on(),
    Keyword::leaf("virtual_router_id", virtual_router_id),
    Keyword::leaf("unicast_ttl", unicast_ttl),
    Keyword::leaf("version", version),
    Keyword::leaf("priority", priority),
    Keyword::leaf("advert_int", advert_int),
    Keyword::leaf("virtual_ipaddress", virtual_ipaddress),
    Keyword::leaf("virtual_ipaddress_excluded", virtual_ipaddress_excluded),
    Keyword::leaf("no_virtual_ipaddress", no_virtual_ipaddress).not_acted_on(),
    Keyword::leaf("promote_secondaries", promote_secondaries),
    Keyword::leaf("linkbeat_use_polling", linkbeat_use_polling),
    Keyword::leaf("v3_checksum_as_v2", v3_checksum_as_v2).not_acted_on(),
    Keyword::leaf("virtual_routes", virtual_routes),
    Keyword::leaf("virtual_rules", virtual_rules),
    Keyword::leaf("accept", accept),
    Keyword::leaf("no_accept", no_accept),
    Keyword::leaf("skip_check_adv_addr", skip_check_adv_addr).not_acted_on(),
    Keyword::leaf("strict_mode", strict_mode),
    Keyword::leaf("preempt", preempt),
    Keyword::leaf("nopreempt", nopreempt),
    Keyword::leaf("preempt_delay", preempt_delay),
    Keyword::leaf("debug", debug),
    Keyword::leaf("notify_backup", notify_backup),
    Keyword::leaf("notify_master", notify_master),
    Keyword::leaf("notify_fault", notify_fault),
    Keyword::leaf("notify_stop", notify_stop),
    Keyword::leaf("notify_deleted", notify_deleted),
    Keyword::leaf("notify", notify),
    Keyword::leaf("notify_master_rx_lower_pri", notify_master_rx_lower_pri),
    Keyword::leaf("smtp_alert", smtp_alert),
    Keyword::leaf("notify_priority_changes", notify_priority_changes),
    Keyword::leaf("lvs_sync_daemon_interface", lvs_sync_daemon_interface).not_acted_on(),
    Keyword::leaf("garp_master_delay", garp_master_delay),
    Keyword::leaf("garp_master_refresh", garp_master_refresh),
    Keyword::leaf("garp_master_repeat", garp_master_repeat),
    Keyword::leaf("garp_master_refresh_repeat", garp_master_refresh_repeat),
    Keyword::leaf("garp_lower_prio_delay", garp_lower_prio_delay).not_acted_on(),
    Keyword::leaf("garp_lower_prio_repeat", garp_lower_prio_repeat).not_acted_on(),
    Keyword::leaf("down_timer_adverts", down_timer_adverts).not_acted_on(),
    Keyword::leaf("timer_expired_backup", timer_expired_backup).not_acted_on(),
    Keyword::leaf("thread_timer_expired", thread_timer_expired).not_acted_on(),
    Keyword::leaf("garp_extra_if", garp_extra_if).not_acted_on(),
    Keyword::leaf("vmac_garp_intvl", garp_extra_if).not_acted_on(),
    Keyword::leaf("lower_prio_no_advert", lower_prio_no_advert).not_acted_on(),
    Keyword::leaf("higher_prio_send_advert", higher_prio_send_advert).not_acted_on(),
    Keyword::leaf("owner_ignore_adverts", owner_ignore_adverts).not_acted_on(),
    Keyword::leaf("kernel_rx_buf_size", kernel_rx_buf_size).not_acted_on(),
    Keyword::block("authentication", None, AUTHENTICATION, None),
    Keyword::block("auth_hmac", Some(auth_hmac), AUTH_HMAC, None).not_acted_on(),
];

/// Top-level keywords of this part.
pub static ROOT: &[Keyword] = &[Keyword::block(
    "vrrp_instance",
    Some(vrrp_instance),
    INSTANCE,
    Some(vrrp_instance_end),
)];

// ---- helpers ---------------------------------------------------------------

/// keepalived's "current instance". Every handler of the sub-table runs
/// after `vrrp_instance` pushed one, but stay safe if not.
fn cur<'a>(ctx: &'a mut Ctx) -> Option<&'a mut Instance> {
    ctx.cfg.vrrp.instances.list.last_mut()
}

fn name(ctx: &Ctx) -> String {
    ctx.cfg
        .vrrp
        .instances
        .list
        .last()
        .map_or_else(String::new, |i| i.name.clone())
}

/// Remember where the keyword of `a` was given, and return the instance.
fn mark<'a>(ctx: &'a mut Ctx, a: &Args) -> Option<&'a mut Instance> {
    let kw = a.keyword().to_string();
    let pos = a.pos(0);
    let v = cur(ctx)?;
    v.keyword_pos.insert(kw, pos);
    Some(v)
}

/// Run `f` on the current instance.
fn set(ctx: &mut Ctx, f: impl FnOnce(&mut Instance)) {
    if let Some(v) = cur(ctx) {
        f(v);
    }
}

fn general(ctx: &mut Ctx, a: &Args, i: usize, msg: String) {
    ctx.error(Class::General, a, i, msg);
}

/// An optional boolean after the keyword (no word = true). An invalid word
/// is reported as keepalived does (`what` says what is ignored) and gives
/// `None`.
fn opt_bool(ctx: &mut Ctx, a: &Args, what: &str) -> Option<bool> {
    match a.get(1) {
        None => Some(true),
        Some(w) => {
            match values::boolean(w) {
                Some(b) => Some(b),
                None => {
                    let n = name(ctx);
                    let kw = a.keyword().to_string();
                    general(
                    ctx,
                    a,
                    1,
                    format!("({n}) {kw}: '{w}' is not a boolean (yes/no, true/false, on/off); {what}"),
                );
                    None
                }
            }
        }
    }
}

// ---- vrrp_instance -----------------------------------------------------------

fn vrrp_instance(ctx: &mut Ctx, a: &Args) -> Res {
    if a.len() != 2 {
        let d = ctx.error(
            Class::General,
            a,
            0,
            "vrrp_instance needs exactly one name: the block is skipped",
        );
        d.help = Some("write 'vrrp_instance NAME {'".into());
        ctx.skip_block();
        return Ok(());
    }
    let iname = a.req(1)?.to_string();
    if let Some(prev) = ctx.cfg.vrrp.instances.get(&iname) {
        let line = prev.pos.line;
        ctx.error(
            Class::General,
            a,
            1,
            format!(
                "vrrp_instance '{iname}' is already defined (line {line}): this block is skipped"
            ),
        );
        ctx.skip_block();
        return Ok(());
    }
    // The settings inherited from global_defs are filled in at completion.
    let v = Instance {
        name: iname,
        pos: a.pos(1),
        ..Instance::default()
    };
    ctx.cfg.vrrp.instances.push(v);
    Ok(())
}

/// keepalived's `vrrp_end_handler`.
fn vrrp_instance_end(ctx: &mut Ctx) {
    let Some(v) = cur(ctx) else { return };
    let n = v.name.clone();
    let pos = v.pos;
    let uses_link = v.vmac.is_some() || v.ipvlan.is_some();
    if v.unicast_configured && uses_link {
        if v.interface.is_none() {
            v.vmac = None;
            v.ipvlan = None;
            ctx.error_at(
                Class::General,
                Some(pos),
                format!("({n}) use_vmac/use_ipvlan with unicast needs an interface: the VMAC/ipvlan is dropped"),
            );
        } else if !v.vmac_xmit_base {
            v.vmac_xmit_base = true;
            ctx.error_at(
                Class::General,
                Some(pos),
                format!(
                    "({n}) unicast with use_vmac/use_ipvlan needs vmac_xmit_base: it is turned on"
                ),
            );
        }
    }
    let Some(v) = cur(ctx) else { return };
    if v.unicast_peers.is_empty() && v.unicast_ttl.is_some() {
        let p = v.pos_of("unicast_ttl");
        v.unicast_ttl = None;
        ctx.error_at(
            Class::General,
            Some(p),
            format!("({n}) unicast_ttl without any unicast_peer is ignored"),
        );
    }
    let Some(v) = cur(ctx) else { return };
    if v.interface.is_none() {
        v.linkbeat_use_polling = false;
    }
}

// ---- interface, VMAC, ipvlan -----------------------------------------------

fn interface(ctx: &mut Ctx, a: &Args) -> Res {
    mark(ctx, a);
    let ifname = a.req(1)?.to_string();
    let n = name(ctx);
    if ifname.len() >= IFNAMSIZ {
        general(
            ctx,
            a,
            1,
            format!(
                "({n}) interface name '{ifname}' is longer than {} characters: ignored",
                IFNAMSIZ - 1
            ),
        );
        return Ok(());
    }
    if !super::track::interface_or_dynamic(ctx, &ifname) {
        set(ctx, |v| v.interface = None);
        let d = ctx.error(
            Class::General,
            a,
            1,
            format!("({n}) interface '{ifname}' does not exist"),
        );
        d.help = Some("keepalived's VRRP process refuses to start when an interface it is given does not exist (unless dynamic_interfaces is set)".into());
        return Ok(());
    }
    if interface_info(ctx, &ifname).is_some_and(|i| i.loopback) {
        set(ctx, |v| v.interface = None);
        ctx.error(
            Class::General,
            a,
            1,
            format!("({n}) the loopback interface '{ifname}' cannot carry VRRP: the instance is left without an interface"),
        );
        return Ok(());
    }
    set(ctx, |v| v.interface = Some(ifname));
    Ok(())
}

fn vrf(ctx: &mut Ctx, a: &Args) -> Res {
    mark(ctx, a);
    let ifname = a.req(1)?.to_string();
    let n = name(ctx);
    if ifname.len() >= IFNAMSIZ {
        general(
            ctx,
            a,
            1,
            format!(
                "({n}) VRF interface name '{ifname}' is longer than {} characters: ignored",
                IFNAMSIZ - 1
            ),
        );
        return Ok(());
    }
    let (has_if, prev) = match cur(ctx) {
        Some(v) => (v.interface.is_some(), v.vrf.clone()),
        None => return Ok(()),
    };
    if has_if {
        general(
            ctx,
            a,
            0,
            format!("({n}) vrf cannot be used together with interface: ignored"),
        );
        return Ok(());
    }
    if let Some(p) = prev {
        general(
            ctx,
            a,
            1,
            format!("({n}) the VRF is already set to '{p}': '{ifname}' is ignored"),
        );
        return Ok(());
    }
    if !super::track::interface_or_dynamic(ctx, &ifname) {
        general(
            ctx,
            a,
            1,
            format!("({n}) VRF interface '{ifname}' does not exist"),
        );
        return Ok(());
    }
    if interface_info(ctx, &ifname).is_some_and(|i| i.loopback) {
        general(
            ctx,
            a,
            1,
            format!("({n}) the loopback interface '{ifname}' cannot be a VRF: ignored"),
        );
        return Ok(());
    }
    set(ctx, |v| v.vrf = Some(ifname));
    Ok(())
}

/// The kernel's `dev_name_valid`.
fn dev_name_valid(name: &str) -> bool {
    !name.is_empty()
        && name.len() < IFNAMSIZ
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| c == '/' || c == ':' || c.is_whitespace())
}

/// Another instance already uses `ifname` for its VMAC/ipvlan.
fn link_name_user(ctx: &Ctx, ifname: &str) -> Option<String> {
    ctx.cfg.vrrp.instances.list.iter().find_map(|o| {
        let used = o.vmac.as_ref().and_then(|m| m.ifname.as_deref()) == Some(ifname)
            || o.ipvlan.as_ref().and_then(|m| m.ifname.as_deref()) == Some(ifname);
        used.then(|| o.name.clone())
    })
}

/// A VMAC MAC address as keepalived reads it: 6 octets, or 5 (the VRID is
/// the sixth). Returns the bytes and whether the VRID completes them.
fn parse_vmac_mac(text: &str) -> Option<([u8; 6], bool)> {
    let mut mac = [0u8; 6];
    let mut p = text;
    for (j, slot) in mac.iter_mut().enumerate() {
        let n = p.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(p.len());
        if n == 0 || n > 2 {
            return None;
        }
        *slot = u8::from_str_radix(&p[..n], 16).ok()?;
        let rest = &p[n..];
        if !rest.starts_with(':') && (!rest.is_empty() || j < 4) {
            return None;
        }
        if j == 4 && (rest.is_empty() || rest == ":") {
            return Some((mac, true));
        }
        if rest.is_empty() {
            // Only reachable for the sixth octet.
            return Some((mac, false));
        }
        p = &rest[1..];
        if p.is_empty() && j < 5 {
            return None;
        }
    }
    Some((mac, false))
}

fn use_vmac(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    match mark(ctx, a) {
        Some(v) => {
            v.vmac.get_or_insert_with(Vmac::default);
        }
        None => return Ok(()),
    }
    for i in 1..a.len().min(3) {
        let w = a.get(i).unwrap_or("").to_string();
        if w.contains(':') {
            let already =
                cur(ctx).is_some_and(|v| v.vmac.as_ref().is_some_and(|m| m.mac.is_some()));
            if already {
                general(
                    ctx,
                    a,
                    i,
                    format!("({n}) the VMAC address is already set: '{w}' is ignored"),
                );
                continue;
            }
            if !w.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
                general(
                    ctx,
                    a,
                    i,
                    format!("({n}) '{w}' is not a MAC address: ignored"),
                );
                continue;
            }
            match parse_vmac_mac(&w) {
                None => general(ctx, a, i, format!("({n}) '{w}' is not a valid MAC address (5 or 6 hex octets separated by ':'): ignored")),
                Some((mac, _)) if mac[0] & 1 != 0 => general(ctx, a, i, format!("({n}) VMAC address {w} is a multicast address: ignored")),
                Some((mac, _)) if mac[..4] == [0, 0, 0x5e, 0] && (mac[4] == 1 || mac[4] == 2) => general(ctx, a, i, format!("({n}) VMAC address {w} is in the RFC 5798 virtual router range, which keepalived assigns itself: ignored")),
                Some((mac, uses_vrid)) => set(ctx, |v| {
                    if let Some(m) = v.vmac.as_mut() {
                        m.mac = Some(mac);
                        m.mac_uses_vrid = uses_vrid;
                    }
                }),
            }
        } else {
            let has = cur(ctx).and_then(|v| v.vmac.as_ref().and_then(|m| m.ifname.clone()));
            if let Some(prev) = has {
                general(
                    ctx,
                    a,
                    i,
                    format!("({n}) the VMAC interface name is already '{prev}': '{w}' is ignored"),
                );
                continue;
            }
            if !dev_name_valid(&w) {
                general(ctx, a, i, format!("({n}) '{w}' is not a valid interface name (1-15 characters, no '/', ':' or blanks): ignored"));
                continue;
            }
            if let Some(other) = link_name_user(ctx, &w) {
                general(ctx, a, i, format!("({n}) VRRP instance {other} already uses the interface name '{w}': ignored"));
                continue;
            }
            if ctx.host.interface_exists(&w) && !is_private_macvlan(ctx, &w) {
                general(ctx, a, i, format!("({n}) interface '{w}' already exists and is not a private macvlan: the VMAC gets a name of its own"));
                continue;
            }
            set(ctx, |v| {
                if let Some(m) = v.vmac.as_mut() {
                    m.ifname = Some(w);
                }
            });
        }
    }
    Ok(())
}

fn use_vmac_addr(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = mark(ctx, a) {
        v.vmac_addr = true;
    }
    Ok(())
}

fn vmac_xmit_base(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = mark(ctx, a) {
        v.vmac_xmit_base = true;
    }
    Ok(())
}

/// keepalived's `check_valid_ipaddress(s, true)` then `parse_ipaddress`.
fn ip_with_prefix(s: &str) -> Option<(IpAddr, u8)> {
    if !s.contains(':') && !s.contains('.') {
        return None;
    }
    let fam = Family::of_text(s);
    let max = if fam == Family::V6 { 128 } else { 32 };
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => {
            let (v, rest, _) = values::strtoul(l, 10);
            if l.is_empty() || !rest.is_empty() || v > max {
                return None;
            }
            (a, v as u8)
        }
        None => (s, max as u8),
    };
    let ip = match fam {
        Family::V6 => IpAddr::V6(addr.parse().ok()?),
        Family::V4 => IpAddr::V4(addr.parse().ok()?),
    };
    Some((ip, len))
}

fn use_ipvlan(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    let already = match mark(ctx, a) {
        Some(v) => v.ipvlan.is_some(),
        None => return Ok(()),
    };
    if already {
        general(
            ctx,
            a,
            0,
            format!("({n}) use_ipvlan is already given: ignored"),
        );
        return Ok(());
    }
    set(ctx, |v| v.ipvlan = Some(Ipvlan::default()));
    let mut had_mode = false;
    for i in 1..a.len() {
        let w = a.get(i).unwrap_or("").to_string();
        let mode = match w.as_str() {
            "bridge" => Some(IpvlanMode::Bridge),
            "private" => Some(IpvlanMode::Private),
            "vepa" => Some(IpvlanMode::Vepa),
            _ => None,
        };
        if let Some(m) = mode {
            if had_mode {
                general(
                    ctx,
                    a,
                    i,
                    format!("({n}) the ipvlan mode is already set: '{w}' is ignored"),
                );
            } else {
                had_mode = true;
                set(ctx, |v| {
                    if let Some(l) = v.ipvlan.as_mut() {
                        l.mode = m;
                    }
                });
            }
            continue;
        }
        if let Some((ip, len)) = ip_with_prefix(&w) {
            let (has, fam) = match cur(ctx) {
                Some(v) => (
                    v.ipvlan.as_ref().is_some_and(|l| l.addr.is_some()),
                    v.family,
                ),
                None => return Ok(()),
            };
            if has {
                general(
                    ctx,
                    a,
                    i,
                    format!("({n}) the ipvlan address is already set: '{w}' is ignored"),
                );
                continue;
            }
            let f = Family::of(&ip);
            if fam.is_some_and(|x| x != f) {
                general(
                    ctx,
                    a,
                    i,
                    format!(
                        "({n}) ipvlan address {w} is not of the instance's address family: ignored"
                    ),
                );
                continue;
            }
            set(ctx, |v| {
                v.family = Some(f);
                if let Some(l) = v.ipvlan.as_mut() {
                    l.addr = Some((ip, len));
                }
                // keepalived also sends from this address.
                if v.src_ip.is_none() {
                    v.src_ip = Some(ip);
                    v.src_ip_configured = true;
                }
            });
            continue;
        }
        let has = cur(ctx).and_then(|v| v.ipvlan.as_ref().and_then(|l| l.ifname.clone()));
        if has.is_some() {
            general(
                ctx,
                a,
                i,
                format!("({n}) the ipvlan interface name is already set: '{w}' is ignored"),
            );
            continue;
        }
        if w.len() >= IFNAMSIZ {
            general(
                ctx,
                a,
                i,
                format!(
                    "({n}) ipvlan interface name '{w}' is longer than {} characters: ignored",
                    IFNAMSIZ - 1
                ),
            );
            continue;
        }
        if let Some(other) = link_name_user(ctx, &w) {
            general(
                ctx,
                a,
                i,
                format!(
                    "({n}) VRRP instance {other} already uses the interface name '{w}': ignored"
                ),
            );
            continue;
        }
        if ctx.host.interface_exists(&w) && link_kind(ctx, &w).as_deref() != Some("ipvlan") {
            general(ctx, a, i, format!("({n}) interface '{w}' already exists and is not an L2 ipvlan: the ipvlan gets a name of its own"));
            continue;
        }
        set(ctx, |v| {
            if let Some(l) = v.ipvlan.as_mut() {
                l.ifname = Some(w);
            }
        });
    }
    Ok(())
}

// ---- unicast -------------------------------------------------------------------

fn unicast_peer(ctx: &mut Ctx, a: &Args) -> Res {
    match mark(ctx, a) {
        Some(v) => v.unicast_configured = true,
        None => return Ok(()),
    }
    for e in ctx.value_block(a) {
        unicast_peer_entry(ctx, &e)?;
    }
    Ok(())
}

/// keepalived's `alloc_vrrp_unicast_peer`.
fn unicast_peer_entry(ctx: &mut Ctx, e: &Args) -> Res {
    let n = name(ctx);
    let text = e.req(0)?.to_string();
    let Some(addr) = parse_sockaddr(&text) else {
        general(
            ctx,
            e,
            0,
            format!("({n}) unicast_peer '{text}' is not an IP address: skipped"),
        );
        return Ok(());
    };
    let fam = Family::of(&addr);
    let inst_fam = cur(ctx).and_then(|v| v.family);
    match inst_fam {
        None => set(ctx, |v| v.family = Some(fam)),
        Some(f) if f != fam => {
            general(
                ctx,
                e,
                0,
                format!(
                    "({n}) unicast_peer {text} is {} but the instance is {}: skipped",
                    fam.name(),
                    f.name()
                ),
            );
            return Ok(());
        }
        Some(_) => {}
    }
    let mut peer = UnicastPeer {
        addr,
        min_ttl: 0,
        max_ttl: 255,
        pos: e.pos(0),
    };
    let mut i = 1;
    while i < e.len() {
        let opt = e.get(i).unwrap_or("").to_string();
        if i + 1 >= e.len() {
            general(
                ctx,
                e,
                i,
                format!("({n}) unicast_peer option '{opt}' has no value"),
            );
            break;
        }
        if let Some(ttl) = ctx.unsigned(e, i + 1, 0, 255, false)? {
            match opt.as_str() {
                "min_ttl" => peer.min_ttl = ttl as u8,
                "max_ttl" => peer.max_ttl = ttl as u8,
                _ => {
                    general(ctx, e, i, format!("({n}) unknown unicast_peer option '{opt}' (expected min_ttl or max_ttl): the rest of the line is ignored"));
                    break;
                }
            }
            set(ctx, |v| v.check_unicast_src = true);
        }
        i += 2;
    }
    if peer.min_ttl > peer.max_ttl {
        general(ctx, e, 0, format!("({n}) unicast_peer {text}: min_ttl {} > max_ttl {}: every advert from it will be dropped", peer.min_ttl, peer.max_ttl));
    }
    set(ctx, |v| v.unicast_peers.push(peer));
    Ok(())
}

fn unicast_fault_no_peer(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = mark(ctx, a) {
        v.unicast_configured = true;
        v.unicast_fault_no_peer = true;
    }
    Ok(())
}

fn check_unicast_src(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = mark(ctx, a) {
        v.unicast_configured = true;
        v.check_unicast_src = true;
    }
    Ok(())
}

fn old_unicast_checksum(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    match mark(ctx, a) {
        Some(v) => v.unicast_configured = true,
        None => return Ok(()),
    }
    match a.get(1) {
        None => set(ctx, |v| {
            v.old_unicast_checksum = Some(UnicastChecksumCompat::Old)
        }),
        Some("never") => set(ctx, |v| {
            v.old_unicast_checksum = Some(UnicastChecksumCompat::Never)
        }),
        Some(w) => {
            let w = w.to_string();
            general(
                ctx,
                a,
                1,
                format!("({n}) unknown old_unicast_checksum mode '{w}' (only 'never'): ignored"),
            );
        }
    }
    Ok(())
}

fn native_ipv6(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    let fam = match mark(ctx, a) {
        Some(v) => v.family,
        None => return Ok(()),
    };
    if fam == Some(Family::V4) {
        general(
            ctx,
            a,
            0,
            format!("({n}) native_ipv6 cannot be used with IPv4 addresses: ignored"),
        );
        return Ok(());
    }
    set(ctx, |v| {
        v.family = Some(Family::V6);
        v.version = Some(VrrpVersion::V3);
        v.native_ipv6 = true;
    });
    Ok(())
}

// ---- state, addresses, numbers -----------------------------------------------

fn state(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    let prev = match mark(ctx, a) {
        Some(v) => v.state,
        None => return Ok(()),
    };
    let w = a.req(1)?.to_string();
    match w.as_str() {
        "MASTER" => set(ctx, |v| v.state = Some(InitialState::Master)),
        "BACKUP" if prev == Some(InitialState::Master) => {
            general(
                ctx,
                a,
                1,
                format!("({n}) state is already MASTER: BACKUP is ignored"),
            );
        }
        "BACKUP" => set(ctx, |v| v.state = Some(InitialState::Backup)),
        _ => {
            let d = ctx.error(
                Class::General,
                a,
                1,
                format!("({n}) unknown state '{w}': BACKUP is used"),
            );
            d.help = Some("state is MASTER or BACKUP, in capitals".into());
            set(ctx, |v| v.state = Some(InitialState::Backup));
        }
    }
    Ok(())
}

/// `mcast_src_ip` / `unicast_src_ip`: keepalived's `vrrp_srcip_handler`.
fn src_ip(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    let text = a.req(1)?.to_string();
    let Some(ip) = parse_sockaddr(&text) else {
        set(ctx, |v| v.src_ip = None);
        general(
            ctx,
            a,
            1,
            format!("({n}) source address '{text}' is not an IP address: ignored"),
        );
        return Ok(());
    };
    let fam = Family::of(&ip);
    let inst = cur(ctx).and_then(|v| v.family);
    match inst {
        Some(f) if f != fam => {
            set(ctx, |v| {
                v.src_ip = None;
                v.src_ip_configured = false;
            });
            general(
                ctx,
                a,
                1,
                format!(
                    "({n}) source address {text} is {} but the instance is {}: ignored",
                    fam.name(),
                    f.name()
                ),
            );
        }
        _ => set(ctx, |v| {
            v.family = Some(fam);
            v.src_ip = Some(ip);
            v.src_ip_configured = true;
        }),
    }
    Ok(())
}

fn mcast_src_ip(ctx: &mut Ctx, a: &Args) -> Res {
    mark(ctx, a);
    src_ip(ctx, a)
}

fn unicast_src_ip(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = mark(ctx, a) {
        v.unicast_configured = true;
    }
    src_ip(ctx, a)
}

fn mcast_dst_ip(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    let text = a.req(1)?.to_string();
    let Some(ip) = parse_sockaddr(&text) else {
        set(ctx, |v| v.mcast_dst_ip = None);
        general(
            ctx,
            a,
            1,
            format!("({n}) mcast_dst_ip '{text}' is not an IP address: ignored"),
        );
        return Ok(());
    };
    let fam = Family::of(&ip);
    match cur(ctx).and_then(|v| v.family) {
        Some(f) if f != fam => {
            set(ctx, |v| v.mcast_dst_ip = None);
            general(
                ctx,
                a,
                1,
                format!(
                    "({n}) mcast_dst_ip {text} is {} but the instance is {}: ignored",
                    fam.name(),
                    f.name()
                ),
            );
            return Ok(());
        }
        _ => set(ctx, |v| {
            v.family = Some(fam);
            v.mcast_dst_ip = Some(ip);
        }),
    }
    let ok = match ip {
        IpAddr::V4(v4) => v4.is_multicast(),
        IpAddr::V6(v6) => v6.octets()[0] == 0xff && v6.octets()[1] & 0x0f == 0x02,
    };
    if !ok {
        set(ctx, |v| v.mcast_dst_ip = None);
        let what = if fam == Family::V6 {
            "a link-local multicast address (ff02::/16)"
        } else {
            "a multicast address"
        };
        general(
            ctx,
            a,
            1,
            format!("({n}) mcast_dst_ip {text} is not {what}: ignored"),
        );
    }
    Ok(())
}

fn track_src_ip(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = mark(ctx, a) {
        v.track_src_ip = true;
    }
    Ok(())
}

fn virtual_router_id(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    match ctx.unsigned(a, 1, 1, 255, false)? {
        Some(id) => set(ctx, |v| v.vrid = Vrid::new(id as u8)),
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(ctx, a, 1, format!("({n}) virtual_router_id '{w}' is not valid: it must be 1..255; the line is ignored"));
        }
    }
    Ok(())
}

fn unicast_ttl(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    match ctx.unsigned(a, 1, 0, 255, false)? {
        Some(t) => set(ctx, |v| v.unicast_ttl = Some(t as u8)),
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("({n}) unicast_ttl '{w}' is not valid: it must be 0..255; ignored"),
            );
        }
    }
    Ok(())
}

fn version(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    let Some(ver) = ctx.int(a, 1, 2, 3, true)? else {
        general(ctx, a, 1, format!("({n}) version must be 2 or 3: ignored"));
        return Ok(());
    };
    let ver = if ver == 2 {
        VrrpVersion::V2
    } else {
        VrrpVersion::V3
    };
    let (prev, fam) = match cur(ctx) {
        Some(v) => (v.version, v.family),
        None => return Ok(()),
    };
    if prev.is_some_and(|p| p != ver) || (ver == VrrpVersion::V2 && fam == Some(Family::V6)) {
        let why = match prev {
            Some(p) if p != ver => format!("the instance already uses version {}", p.number()),
            _ => "the instance already has IPv6 addresses, which need version 3".to_string(),
        };
        general(
            ctx,
            a,
            1,
            format!(
                "({n}) version {} conflicts with an earlier setting ({why}): ignored",
                ver.number()
            ),
        );
        return Ok(());
    }
    set(ctx, |v| v.version = Some(ver));
    Ok(())
}

fn priority(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    match ctx.unsigned(a, 1, 1, 255, false)? {
        Some(p) => set(ctx, |v| v.priority = Priority::new(p as u8)),
        None => {
            set(ctx, |v| v.priority = Some(Priority::DEFAULT));
            general(
                ctx,
                a,
                1,
                format!("({n}) priority must be 1..255: the default 100 is used"),
            );
        }
    }
    Ok(())
}

fn advert_int(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    match ctx.decimal(a, 1, HZ / 100, 255 * HZ, 6, true)? {
        Some(us) if us > 0 => set(ctx, |v| {
            v.advert_int = Some(AdvertInterval::from_micros(us))
        }),
        _ => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("({n}) advert_int '{w}' is not valid (0.01..255 seconds): ignored"),
            );
        }
    }
    Ok(())
}

fn vip_entry(ctx: &mut Ctx, e: &Args, excluded: bool) -> Res {
    let Some(vip) = ipaddr::parse_ip_address(ctx, e, false)? else {
        return Ok(());
    };
    let text = e.req(0)?.to_string();
    if excluded {
        set(ctx, |v| v.excluded_vips.push(vip));
        return Ok(());
    }
    let n = name(ctx);
    let fam = vip_family(&vip);
    match cur(ctx).and_then(|v| v.family) {
        Some(f) if f != fam => {
            let d = ctx.error(
                Class::General,
                e,
                0,
                format!(
                    "({n}) virtual_ipaddress {text} is {} but the instance is {}: ignored",
                    fam.name(),
                    f.name()
                ),
            );
            d.help = Some("all VIPs of an instance share one family; put addresses of the other family in virtual_ipaddress_excluded".into());
        }
        _ => set(ctx, |v| {
            v.family = Some(fam);
            v.vips.push(vip);
        }),
    }
    Ok(())
}

/// The entries of a value block; an entry that lacks a value stops
/// keepalived (exit 2), reported at the entry.
fn entries(ctx: &mut Ctx, a: &Args, mut each: impl FnMut(&mut Ctx, &Args) -> Res) -> Res {
    mark(ctx, a);
    for e in ctx.value_block(a) {
        if each(ctx, &e).is_err() {
            super::statics::entry_missing_parameter(ctx, &e);
            break;
        }
    }
    Ok(())
}

fn virtual_ipaddress(ctx: &mut Ctx, a: &Args) -> Res {
    entries(ctx, a, |ctx, e| vip_entry(ctx, e, false))
}

fn virtual_ipaddress_excluded(ctx: &mut Ctx, a: &Args) -> Res {
    entries(ctx, a, |ctx, e| vip_entry(ctx, e, true))
}

fn no_virtual_ipaddress(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = mark(ctx, a) {
        v.no_virtual_ipaddress = true;
    }
    Ok(())
}

fn virtual_routes(ctx: &mut Ctx, a: &Args) -> Res {
    entries(ctx, a, |ctx, e| {
        if let Some(r) = route::parse_route(ctx, e, false)? {
            set(ctx, |v| v.virtual_routes.push(r));
        }
        Ok(())
    })
}

fn virtual_rules(ctx: &mut Ctx, a: &Args) -> Res {
    entries(ctx, a, |ctx, e| {
        if let Some(r) = rule::parse_rule(ctx, e, false)? {
            set(ctx, |v| v.virtual_rules.push(r));
        }
        Ok(())
    })
}

fn promote_secondaries(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = mark(ctx, a) {
        v.promote_secondaries = true;
    }
    Ok(())
}

fn linkbeat_use_polling(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    if let Some(v) = mark(ctx, a) {
        v.linkbeat_use_polling = true;
    }
    let d = ctx.error(
        Class::General,
        a,
        0,
        format!("({n}) linkbeat_use_polling in an instance is deprecated"),
    );
    d.help = Some(
        "list the interface in a top-level 'linkbeat_interfaces { ... }' block instead".into(),
    );
    Ok(())
}

fn v3_checksum_as_v2(ctx: &mut Ctx, a: &Args) -> Res {
    mark(ctx, a);
    if let Some(b) = opt_bool(ctx, a, "ignored") {
        set(ctx, |v| v.v3_checksum_as_v2 = b);
    }
    Ok(())
}

fn accept(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = mark(ctx, a) {
        v.accept = Some(true);
    }
    Ok(())
}

fn no_accept(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = mark(ctx, a) {
        v.accept = Some(false);
    }
    Ok(())
}

fn skip_check_adv_addr(ctx: &mut Ctx, a: &Args) -> Res {
    mark(ctx, a);
    // keepalived turns the check off for any valid value, even "false".
    if opt_bool(ctx, a, "ignored").is_some() {
        set(ctx, |v| v.skip_check_adv_addr = true);
    }
    Ok(())
}

fn strict_mode(ctx: &mut Ctx, a: &Args) -> Res {
    mark(ctx, a);
    if let Some(b) = opt_bool(ctx, a, "ignored") {
        set(ctx, |v| v.strict_mode = Some(b));
    }
    Ok(())
}

fn preempt(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = mark(ctx, a) {
        v.nopreempt = false;
    }
    Ok(())
}

fn nopreempt(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = mark(ctx, a) {
        v.nopreempt = true;
    }
    Ok(())
}

fn preempt_delay(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    match ctx.decimal(a, 1, 0, 1000 * HZ, 6, true)? {
        Some(us) => set(ctx, |v| v.preempt_delay = Duration::from_micros(us)),
        None => {
            set(ctx, |v| v.preempt_delay = Duration::ZERO);
            general(
                ctx,
                a,
                1,
                format!("({n}) preempt_delay must be 0..1000 seconds: no delay is used"),
            );
        }
    }
    Ok(())
}

fn debug(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    match ctx.unsigned(a, 1, 0, 4, true)? {
        Some(d) => set(ctx, |v| v.debug = d as u8),
        None => {
            let w = a.get(1).unwrap_or("").to_string();
            general(
                ctx,
                a,
                1,
                format!("({n}) debug '{w}' must be 0..4: ignored"),
            );
        }
    }
    Ok(())
}

// ---- notify --------------------------------------------------------------------

type Slot = fn(&mut NotifyScripts) -> &mut Option<script::Script>;

/// A notify script keyword: keepalived keeps the first one given.
fn notify_kw(ctx: &mut Ctx, a: &Args, slot: Slot) -> Res {
    let n = name(ctx);
    let taken = match mark(ctx, a) {
        Some(v) => slot(&mut v.notify).is_some(),
        None => return Ok(()),
    };
    let kw = a.keyword().to_string();
    if !super::track::notify_line_has_command(a) {
        return Err(Missing);
    }
    if taken {
        let w = a.req(1)?.to_string();
        general(
            ctx,
            a,
            1,
            format!("({n}) {kw} is already set: '{w}' is ignored"),
        );
        return Ok(());
    }
    let s = script::notify_script(ctx, a, "notify")?;
    set(ctx, |v| *slot(&mut v.notify) = s);
    Ok(())
}

fn notify_backup(ctx: &mut Ctx, a: &Args) -> Res {
    notify_kw(ctx, a, |n| &mut n.backup)
}
fn notify_master(ctx: &mut Ctx, a: &Args) -> Res {
    notify_kw(ctx, a, |n| &mut n.master)
}
fn notify_fault(ctx: &mut Ctx, a: &Args) -> Res {
    notify_kw(ctx, a, |n| &mut n.fault)
}
fn notify_stop(ctx: &mut Ctx, a: &Args) -> Res {
    notify_kw(ctx, a, |n| &mut n.stop)
}
fn notify(ctx: &mut Ctx, a: &Args) -> Res {
    notify_kw(ctx, a, |n| &mut n.generic)
}
fn notify_master_rx_lower_pri(ctx: &mut Ctx, a: &Args) -> Res {
    notify_kw(ctx, a, |n| &mut n.master_rx_lower_pri)
}

fn notify_deleted(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    let taken = match mark(ctx, a) {
        Some(v) => v.notify_deleted,
        None => return Ok(()),
    };
    if taken {
        general(
            ctx,
            a,
            0,
            format!("({n}) notify_deleted is already set: ignored"),
        );
        return Ok(());
    }
    if a.len() > 1 {
        let s = script::notify_script(ctx, a, "notify")?;
        set(ctx, |v| v.notify.deleted = s);
    }
    set(ctx, |v| v.notify_deleted = true);
    Ok(())
}

fn smtp_alert(ctx: &mut Ctx, a: &Args) -> Res {
    mark(ctx, a);
    if let Some(b) = opt_bool(ctx, a, "ignored") {
        set(ctx, |v| v.smtp_alert = Some(b));
    }
    Ok(())
}

fn notify_priority_changes(ctx: &mut Ctx, a: &Args) -> Res {
    mark(ctx, a);
    if let Some(b) = opt_bool(ctx, a, "ignored") {
        set(ctx, |v| v.notify_priority_changes = Some(b));
    }
    Ok(())
}

fn lvs_sync_daemon_interface(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    let d = ctx.error(
        Class::General,
        a,
        0,
        format!("({n}) lvs_sync_daemon_interface in an instance is deprecated"),
    );
    d.help = Some("use 'lvs_sync_daemon IFNAME VRRP_INSTANCE' in global_defs".into());
    let already = global_vrrp(ctx).lvs_sync_daemon_interface.or_else(|| {
        ctx.cfg
            .vrrp
            .instances
            .list
            .iter()
            .find_map(|v| v.lvs_sync_daemon_interface.clone())
    });
    if let Some(prev) = already {
        general(
            ctx,
            a,
            1,
            format!("({n}) the LVS sync daemon interface is already '{prev}': ignored"),
        );
        return Ok(());
    }
    let ifname = a.req(1)?.to_string();
    set(ctx, |v| v.lvs_sync_daemon_interface = Some(ifname));
    Ok(())
}

// ---- GARP and timers -------------------------------------------------------------

fn garp_master_delay(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    match ctx.unsigned(a, 1, 0, u32::MAX / HZ as u32, true)? {
        Some(s) => set(ctx, |v| {
            v.garp.master_delay = Some(Duration::from_secs(u64::from(s)))
        }),
        None => general(
            ctx,
            a,
            1,
            format!("({n}) garp_master_delay is not a valid number of seconds: ignored"),
        ),
    }
    Ok(())
}

fn garp_master_refresh(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    match ctx.unsigned(a, 1, 0, u32::MAX, true)? {
        Some(s) => set(ctx, |v| {
            v.garp.master_refresh = Some(Duration::from_secs(u64::from(s)))
        }),
        None => {
            set(ctx, |v| v.garp.master_refresh = Some(Duration::ZERO));
            general(
                ctx,
                a,
                1,
                format!("({n}) garp_master_refresh is not a valid number of seconds: no refresh"),
            );
        }
    }
    Ok(())
}

/// garp_master_repeat / garp_master_refresh_repeat: 0 is read as 1.
fn garp_repeat(ctx: &mut Ctx, a: &Args, apply: fn(&mut Garp, u32)) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    let kw = a.keyword().to_string();
    let Some(mut r) = ctx.unsigned(a, 1, 0, u32::MAX, true)? else {
        general(
            ctx,
            a,
            1,
            format!("({n}) {kw} is not a valid count: ignored"),
        );
        return Ok(());
    };
    if r == 0 {
        general(
            ctx,
            a,
            1,
            format!("({n}) {kw} must be at least 1: 1 is used"),
        );
        r = 1;
    }
    set(ctx, |v| apply(&mut v.garp, r));
    Ok(())
}

fn garp_master_repeat(ctx: &mut Ctx, a: &Args) -> Res {
    garp_repeat(ctx, a, |g, r| g.master_repeat = Some(r))
}

fn garp_master_refresh_repeat(ctx: &mut Ctx, a: &Args) -> Res {
    garp_repeat(ctx, a, |g, r| g.master_refresh_repeat = Some(r))
}

fn garp_lower_prio_delay(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    match ctx.unsigned(a, 1, 0, u32::MAX / HZ as u32, true)? {
        Some(s) => set(ctx, |v| {
            v.garp.lower_prio_delay = Some(Duration::from_secs(u64::from(s)))
        }),
        None => general(
            ctx,
            a,
            1,
            format!("({n}) garp_lower_prio_delay is not a valid number of seconds: ignored"),
        ),
    }
    Ok(())
}

fn garp_lower_prio_repeat(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    match ctx.unsigned(a, 1, 0, i32::MAX as u32, true)? {
        Some(r) => set(ctx, |v| v.garp.lower_prio_repeat = Some(r)),
        None => general(
            ctx,
            a,
            1,
            format!("({n}) garp_lower_prio_repeat is not a valid count: ignored"),
        ),
    }
    Ok(())
}

fn down_timer_adverts(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    match ctx.unsigned(a, 1, 1, 100, true)? {
        Some(d) => set(ctx, |v| v.down_timer_adverts = Some(d)),
        None => general(
            ctx,
            a,
            1,
            format!("({n}) down_timer_adverts must be 1..100: ignored"),
        ),
    }
    Ok(())
}

fn timer_expired_backup(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    let mut other = 254u32;
    if a.len() >= 2 {
        match ctx.unsigned(a, 1, 1, 254, false)? {
            Some(p) => other = p,
            None => {
                general(
                    ctx,
                    a,
                    1,
                    format!(
                        "({n}) {}: the highest other priority must be 1..254: ignored",
                        a.keyword()
                    ),
                );
                return Ok(());
            }
        }
    }
    set(ctx, |v| v.timer_expired_backup = Some(other as u8));
    Ok(())
}

fn thread_timer_expired(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    general(
        ctx,
        a,
        0,
        format!("({n}) thread_timer_expired is an old name: use timer_expired_backup"),
    );
    timer_expired_backup(ctx, a)
}

fn garp_extra_if(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    let kw = a.keyword().to_string();
    if kw == "vmac_garp_intvl" {
        let d = ctx.error(Class::Deprecated, a, 0, "vmac_garp_intvl is deprecated");
        d.help = Some("use 'garp_extra_if' instead".into());
    }
    let mut all = false;
    let mut delay = None;
    for i in 1..a.len() {
        if a.get(i) == Some("all") {
            all = true;
        } else {
            match ctx.unsigned(a, i, 0, 86400, true)? {
                Some(d) => delay = Some(d),
                None => {
                    general(
                        ctx,
                        a,
                        i,
                        format!("({n}) {kw}: the interval must be 0..86400 seconds: ignored"),
                    );
                    return Ok(());
                }
            }
        }
    }
    let Some(d) = delay else {
        general(
            ctx,
            a,
            0,
            format!("({n}) {kw} needs an interval in seconds: ignored"),
        );
        return Ok(());
    };
    set(ctx, |v| {
        v.garp_extra_if = Some(GarpExtraIf {
            interval: Duration::from_secs(u64::from(d)),
            all_interfaces: all,
        })
    });
    Ok(())
}

fn lower_prio_no_advert(ctx: &mut Ctx, a: &Args) -> Res {
    mark(ctx, a);
    if let Some(b) = opt_bool(ctx, a, "ignored") {
        set(ctx, |v| v.lower_prio_no_advert = Some(b));
    }
    Ok(())
}

fn higher_prio_send_advert(ctx: &mut Ctx, a: &Args) -> Res {
    mark(ctx, a);
    if let Some(b) = opt_bool(ctx, a, "ignored") {
        set(ctx, |v| v.higher_prio_send_advert = Some(b));
    }
    Ok(())
}

fn owner_ignore_adverts(ctx: &mut Ctx, a: &Args) -> Res {
    mark(ctx, a);
    if let Some(b) = opt_bool(ctx, a, "ignored") {
        set(ctx, |v| v.owner_ignore_adverts = Some(b));
    }
    Ok(())
}

fn kernel_rx_buf_size(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    // keepalived only reads the value when it is the only word.
    if a.len() == 2 {
        if let Some(s) = ctx.unsigned(a, 1, 0, u32::MAX, false)? {
            set(ctx, |v| v.kernel_rx_buf_size = Some(s));
            return Ok(());
        }
    }
    general(
        ctx,
        a,
        0,
        format!("({n}) kernel_rx_buf_size needs one size in bytes: ignored"),
    );
    Ok(())
}

// ---- authentication -----------------------------------------------------------------

fn auth_type(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    let w = a.req(1)?.to_string();
    let kind = match w.as_str() {
        "PASS" => AuthType::Pass,
        "AH" => AuthType::Ah,
        _ => {
            general(
                ctx,
                a,
                1,
                format!("({n}) unknown auth_type '{w}' (PASS or AH): ignored"),
            );
            return Ok(());
        }
    };
    set(ctx, |v| {
        v.auth.get_or_insert_with(Default::default).kind = Some(kind)
    });
    Ok(())
}

fn auth_pass(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    mark(ctx, a);
    let w = a.req(1)?.as_bytes().to_vec();
    if w.len() > 8 {
        let kept = String::from_utf8_lossy(&w[..8]).into_owned();
        let d = ctx.error(
            Class::General,
            a,
            1,
            format!(
                "({n}) auth_pass is {} characters long: only the first 8 ('{kept}') are used",
                w.len()
            ),
        );
        d.help = Some("VRRPv2 carries 8 bytes of password; peers must agree on these 8".into());
    }
    let mut pw = [0u8; 8];
    let len = w.len().min(8);
    pw[..len].copy_from_slice(&w[..len]);
    set(ctx, |v| {
        v.auth.get_or_insert_with(Default::default).password = AuthPassword(pw)
    });
    Ok(())
}

fn auth_hmac(ctx: &mut Ctx, a: &Args) -> Res {
    let pos = a.pos(0);
    if let Some(v) = mark(ctx, a) {
        if v.auth_hmac.is_none() {
            v.auth_hmac = Some(AuthHmac {
                keys: Vec::new(),
                active_key: 0,
                time_window: None,
                anti_replay_time: true,
                mode: HmacMode::Enforce,
                pos,
            });
        }
    }
    Ok(())
}

fn hmac<'a>(ctx: &'a mut Ctx) -> Option<&'a mut AuthHmac> {
    cur(ctx)?.auth_hmac.as_mut()
}

/// A key value: `hex:...` bytes or ASCII text.
fn decode_hmac_key(text: &str) -> Vec<u8> {
    match text.strip_prefix("hex:") {
        Some(h) => values::hex_string(h, false).map_or_else(Vec::new, |(b, _)| b),
        None => text.as_bytes().to_vec(),
    }
}

const HMAC_KEY_MIN: usize = 32;
const HMAC_KEY_MAX: usize = 64;

fn hmac_key_file(ctx: &mut Ctx, a: &Args, path: &str) -> Option<Vec<u8>> {
    let n = name(ctx);
    let Some(text) = ctx.host.read_to_string(Path::new(path)) else {
        general(
            ctx,
            a,
            2,
            format!("({n}) auth_hmac key file '{path}' cannot be read"),
        );
        return None;
    };
    if ctx
        .host
        .stat(Path::new(path))
        .is_some_and(|s| s.mode & 0o077 != 0)
    {
        let d = ctx.error(
            Class::Security,
            a,
            2,
            format!("({n}) auth_hmac key file '{path}' is accessible to group or others"),
        );
        d.help = Some(format!("chmod 600 {path}"));
    }
    // keepalived reads at most this much of the file.
    if text.len() > 4 + HMAC_KEY_MAX * 2 + 7 {
        general(
            ctx,
            a,
            2,
            format!("({n}) auth_hmac key file '{path}' is too large for a key"),
        );
        return None;
    }
    Some(decode_hmac_key(text.trim_end_matches(['\n', '\r'])))
}

fn hmac_key(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    if hmac(ctx).is_none() {
        return Ok(());
    }
    if a.len() < 3 {
        general(
            ctx,
            a,
            0,
            format!("({n}) auth_hmac key needs an id and a value"),
        );
        return Ok(());
    }
    let Some(id) = ctx.unsigned(a, 1, 1, 255, false)? else {
        general(
            ctx,
            a,
            1,
            format!("({n}) auth_hmac key id must be 1..255: ignored"),
        );
        return Ok(());
    };
    let value = a.req(2)?.to_string();
    let data = match value.strip_prefix("file:") {
        Some(path) => hmac_key_file(ctx, a, path),
        None => Some(decode_hmac_key(&value)),
    };
    let data = data.unwrap_or_default();
    if !(HMAC_KEY_MIN..=HMAC_KEY_MAX).contains(&data.len()) {
        general(ctx, a, 2, format!("({n}) auth_hmac key {id} is {} bytes long: it must be {HMAC_KEY_MIN}..{HMAC_KEY_MAX}; ignored", data.len()));
        return Ok(());
    }
    let dup = hmac(ctx).is_some_and(|h| h.keys.iter().any(|k| u32::from(k.id) == id));
    if dup {
        general(
            ctx,
            a,
            1,
            format!("({n}) auth_hmac key {id} is defined twice: the second is ignored"),
        );
        return Ok(());
    }
    if let Some(h) = hmac(ctx) {
        h.keys.push(HmacKey {
            id: id as u8,
            key: data,
        });
    }
    Ok(())
}

fn hmac_active_key(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    if hmac(ctx).is_none() {
        return Ok(());
    }
    match ctx.unsigned(a, 1, 1, 255, false)? {
        Some(id) => {
            if let Some(h) = hmac(ctx) {
                h.active_key = id as u8;
            }
        }
        None => general(
            ctx,
            a,
            1,
            format!("({n}) auth_hmac active_key must be 1..255: ignored"),
        ),
    }
    Ok(())
}

fn hmac_time_window(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    if hmac(ctx).is_none() {
        return Ok(());
    }
    match ctx.unsigned(a, 1, 1, 300, false)? {
        Some(w) => {
            if let Some(h) = hmac(ctx) {
                h.time_window = Some(Duration::from_secs(u64::from(w)));
            }
        }
        None => general(
            ctx,
            a,
            1,
            format!("({n}) auth_hmac time_window must be 1..300 seconds: ignored"),
        ),
    }
    Ok(())
}

fn hmac_anti_replay(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    let w = a.req(1)?.to_string();
    if hmac(ctx).is_none() {
        return Ok(());
    }
    let t = match w.as_str() {
        "time" => true,
        "monotonic" => false,
        _ => {
            general(
                ctx,
                a,
                1,
                format!("({n}) auth_hmac anti_replay '{w}' must be 'time' or 'monotonic': ignored"),
            );
            return Ok(());
        }
    };
    if let Some(h) = hmac(ctx) {
        h.anti_replay_time = t;
    }
    Ok(())
}

fn hmac_mode(ctx: &mut Ctx, a: &Args) -> Res {
    let n = name(ctx);
    let w = a.req(1)?.to_string();
    if hmac(ctx).is_none() {
        return Ok(());
    }
    let m = match w.as_str() {
        "enforce" => HmacMode::Enforce,
        "permissive" => HmacMode::Permissive,
        "receive-only" => HmacMode::ReceiveOnly,
        _ => {
            general(ctx, a, 1, format!("({n}) auth_hmac mode '{w}' must be enforce, permissive or receive-only: ignored"));
            return Ok(());
        }
    };
    if let Some(h) = hmac(ctx) {
        h.mode = m;
    }
    Ok(())
}

// ---- tracking -------------------------------------------------------------------

fn dont_track_primary(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = mark(ctx, a) {
        v.dont_track_primary = true;
    }
    Ok(())
}

/// keepalived's `alloc_track_script` and its siblings, for this instance.
fn tracked_entry(ctx: &mut Ctx, e: &Args, k: &super::track_refs::Kind, list: TrackList) -> Res {
    let n = name(ctx);
    let so_far = cur(ctx).map(|v| list(v).clone()).unwrap_or_default();
    let obj = e.req(0)?.to_string();
    if (k.lookup)(ctx, &obj).is_none() {
        // Remembered for the lint about objects defined after the instance.
        let pos = e.pos(0);
        let keyword = k.what;
        set(ctx, |v| {
            v.unresolved_tracks.push(UnresolvedTrack {
                keyword,
                name: obj.clone(),
                pos,
            })
        });
    }
    if let Some(t) = super::track_refs::object_entry(ctx, &n, &so_far, e, k)? {
        set(ctx, |v| list(v).push(t));
    }
    Ok(())
}

type TrackList = fn(&mut Instance) -> &mut Vec<TrackedObject>;

fn track_block(ctx: &mut Ctx, a: &Args, k: &super::track_refs::Kind, list: TrackList) -> Res {
    mark(ctx, a);
    for e in ctx.value_block(a) {
        tracked_entry(ctx, &e, k, list)?;
    }
    Ok(())
}

fn track_script(ctx: &mut Ctx, a: &Args) -> Res {
    track_block(ctx, a, &super::track_refs::SCRIPT, |v| &mut v.track_scripts)
}
fn track_process(ctx: &mut Ctx, a: &Args) -> Res {
    track_block(ctx, a, &super::track_refs::PROCESS, |v| {
        &mut v.track_processes
    })
}
fn track_file(ctx: &mut Ctx, a: &Args) -> Res {
    track_block(ctx, a, &super::track_refs::FILE, |v| &mut v.track_files)
}
fn track_bfd(ctx: &mut Ctx, a: &Args) -> Res {
    track_block(ctx, a, &super::track_refs::BFD, |v| &mut v.track_bfds)
}

/// keepalived's `alloc_track_if`, for this instance.
fn track_interface_entry(ctx: &mut Ctx, e: &Args) -> Res {
    let n = name(ctx);
    let so_far = cur(ctx)
        .map(|v| v.track_interfaces.clone())
        .unwrap_or_default();
    if let Some(t) = super::track_refs::interface_entry(ctx, &n, &so_far, e)? {
        set(ctx, |v| v.track_interfaces.push(t));
    }
    Ok(())
}

fn track_interface(ctx: &mut Ctx, a: &Args) -> Res {
    mark(ctx, a);
    for e in ctx.value_block(a) {
        track_interface_entry(ctx, &e)?;
    }
    Ok(())
}
