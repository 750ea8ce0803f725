//! The checks keepalived's VRRP process makes on the instances when it
//! starts (vrrp.c: `check_vrrp_script_security`, `chk_min_cfg`,
//! `vrrp_complete_instance`, `check_vrid_conflicts`), with the defaults it
//! fills in on the way.

use super::instance::*;
use super::instance_env::{
    global_vrrp, interface_info, is_link_local_v6, primary_address, GlobalVrrp,
};
use crate::config::diag::{Class, Diagnostic};
use crate::config::parser::Ctx;
use crate::config::script;
use crate::config::source::Pos;
use std::net::IpAddr;
use std::time::Duration;

fn err<'a>(ctx: &'a mut Ctx, pos: Pos, msg: String) -> &'a mut Diagnostic {
    ctx.error_at(Class::General, Some(pos), msg)
}

type Slot = fn(&mut NotifyScripts) -> &mut Option<script::Script>;

/// keepalived's order of the notify scripts in its security check.
const NOTIFY_SLOTS: [Slot; 7] = [
    |n| &mut n.backup,
    |n| &mut n.master,
    |n| &mut n.fault,
    |n| &mut n.stop,
    |n| &mut n.deleted,
    |n| &mut n.generic,
    |n| &mut n.master_rx_lower_pri,
];

/// The instance part of `check_vrrp_script_security`: check every notify
/// script (dropping those that must not run), stop tracking vrrp_scripts
/// that were disabled, and return the notify scripts' flags.
pub fn check_notify_scripts(ctx: &mut Ctx) -> u32 {
    let mut flags = 0;
    for i in 0..ctx.cfg.vrrp.instances.list.len() {
        for slot in NOTIFY_SLOTS {
            let mut s = slot(&mut ctx.cfg.vrrp.instances.list[i].notify).take();
            flags |= script::check_notify_secure(ctx, &mut s);
            *slot(&mut ctx.cfg.vrrp.instances.list[i].notify) = s;
        }
        let track = &ctx.cfg.vrrp.track;
        let v = &mut ctx.cfg.vrrp.instances.list[i];
        // A reference resolves to the first vrrp_script of its name.
        v.track_scripts
            .retain(|t| track.script(&t.name).is_some_and(|s| !s.insecure));
    }
    flags
}

/// keepalived's `chk_min_cfg`: every instance needs a VRID and an
/// interface. The first instance without stops the VRRP process.
pub fn check_min_config(ctx: &mut Ctx) -> bool {
    for i in 0..ctx.cfg.vrrp.instances.list.len() {
        let v = &ctx.cfg.vrrp.instances.list[i];
        let (n, pos) = (v.name.clone(), v.pos);
        if v.vrid.is_none() {
            let d = err(
                ctx,
                pos,
                format!("({n}) has no virtual_router_id: keepalived's VRRP process will not start"),
            );
            d.help = Some("add 'virtual_router_id N' (1..255), the same on every router of this virtual router".into());
            ctx.cfg.vrrp.instances.list[i].completion = Completion::Failed;
            return false;
        }
        if v.interface.is_none() {
            let d = err(
                ctx,
                pos,
                format!("({n}) has no usable interface: keepalived's VRRP process will not start"),
            );
            // keepalived 2.2.7 tests its "unicast in use" flag here before
            // setting it, so even unicast instances need an interface.
            d.help = Some("add 'interface IFNAME' naming an existing, non-loopback interface (keepalived 2.2.7 requires one even for unicast)".into());
            ctx.cfg.vrrp.instances.list[i].completion = Completion::Failed;
            return false;
        }
    }
    true
}

/// What an instance's completion needs from its sync group.
#[derive(Debug, Clone, Copy)]
struct SyncInfo {
    /// `sync_group_tracking_weight`: members keep their trackers' weights.
    tracking_weight: bool,
    /// The group's `notify_priority_changes`, the members' default.
    notify_priority_changes: Option<bool>,
}

/// Complete every instance, then look for VRID conflicts. False when
/// keepalived's VRRP process would stop. The sync groups must be set up
/// (`track::validate`) before.
pub fn complete_all(ctx: &mut Ctx) -> bool {
    let g = global_vrrp(ctx);
    for i in 0..ctx.cfg.vrrp.instances.list.len() {
        let sync = ctx.cfg.vrrp.track.sync_group_of(i).map(|sg| SyncInfo {
            tracking_weight: sg.tracking_weight,
            notify_priority_changes: sg.notify_priority_changes,
        });
        let mut v = std::mem::take(&mut ctx.cfg.vrrp.instances.list[i]);
        let ok = complete_one(ctx, &mut v, &g, sync);
        v.completion = if ok {
            Completion::Done
        } else {
            Completion::Failed
        };
        ctx.cfg.vrrp.instances.list[i] = v;
        if !ok {
            return false;
        }
    }
    check_vrid_conflicts(ctx)
}

const ETHER_HDR: usize = 14;
const IPV4_HDR: usize = 20;
const IPV6_HDR: usize = 40;
const VRRP_HDR: usize = 8;
const VRRP_AUTH_LEN: usize = 8;
const IPSEC_AH_LEN: usize = 24;
const DEFAULT_MTU: usize = 1500;

/// keepalived's `vrrp_complete_instance`.
fn complete_one(ctx: &mut Ctx, v: &mut Instance, g: &GlobalVrrp, sync: Option<SyncInfo>) -> bool {
    let n = v.name.clone();
    // What the instance inherits when it is created (keepalived's
    // alloc_vrrp), from the global settings as a whole.
    let garp = &mut v.garp;
    garp.master_delay.get_or_insert(g.garp_delay);
    garp.master_repeat.get_or_insert(g.garp_repeat);
    garp.master_refresh.get_or_insert(g.garp_refresh);
    garp.master_refresh_repeat
        .get_or_insert(g.garp_refresh_repeat);
    v.down_timer_adverts.get_or_insert(g.down_timer_adverts);
    v.skip_check_adv_addr |= g.skip_check_adv_addr;

    let strict = v.strict_mode.unwrap_or(g.vrrp_strict);
    v.strict_mode = Some(strict);

    if v.family == Some(Family::V6) {
        if v.version == Some(VrrpVersion::V2) && strict {
            err(
                ctx,
                v.pos_of("version"),
                format!(
                    "({n}) strict mode does not allow IPv6 with VRRP version 2: version 3 is used"
                ),
            );
            v.version = Some(VrrpVersion::V3);
        } else if v.version.is_none() {
            v.version = Some(VrrpVersion::V3);
        }
    }
    let family = *v.family.get_or_insert(Family::V4);
    let version = *v.version.get_or_insert(g.vrrp_version);

    let allow_no_vips = v.no_virtual_ipaddress && !strict;
    if v.no_virtual_ipaddress && strict {
        ctx.error_at(
            Class::Warning,
            Some(v.pos_of("no_virtual_ipaddress")),
            format!("({n}) no_virtual_ipaddress is not allowed in strict mode: ignored"),
        );
    }
    if v.vips.is_empty() && !allow_no_vips {
        let typo = "if a virtual_ipaddress block is misspelled (see the unknown keyword reported above), keepalived reads its addresses as unknown keywords and the instance ends up without VIPs";
        if version == VrrpVersion::V3 || strict {
            let why = if strict {
                "strict mode"
            } else {
                "VRRP version 3"
            };
            let d = err(ctx, v.pos, format!("({n}) has no virtual_ipaddress, which {why} requires: keepalived's VRRP process will not start"));
            d.help = Some(typo.into());
            return false;
        }
        let d = err(
            ctx,
            v.pos,
            format!("({n}) has no virtual_ipaddress: it would only advertise"),
        );
        d.help = Some(typo.into());
    }

    let priority = *v.priority.get_or_insert(match v.state {
        Some(InitialState::Master) => Priority::OWNER,
        _ => Priority::DEFAULT,
    });
    let derived = if priority.is_owner() {
        InitialState::Master
    } else {
        InitialState::Backup
    };
    match v.state {
        None => v.state = Some(derived),
        Some(s) if strict && (s == InitialState::Master) != priority.is_owner() => {
            let d = err(ctx, v.pos_of("state"), format!("({n}) in strict mode state MASTER goes with priority 255 and only with it: state {} is used", if derived == InitialState::Master { "MASTER" } else { "BACKUP" }));
            d.help = Some("set 'state MASTER' only on the address owner (priority 255)".into());
            v.state = Some(derived);
        }
        Some(_) => {}
    }

    complete_auth(ctx, v, strict, version, family, priority);

    // keepalived 2.2.7 checks "strict mode with unicast peers" before it
    // knows the instance uses unicast, so it never refuses them (see the
    // lints).

    if v.interface.is_none() {
        // Not reached in 2.2.7 (chk_min_cfg stopped already); kept for when
        // unicast instances without an interface are allowed.
        if !v.src_ip_configured {
            err(ctx, v.pos, format!("({n}) a unicast instance needs unicast_src_ip or interface: keepalived's VRRP process will not start"));
            return false;
        }
        if let Some(IpAddr::V6(a)) = v.src_ip {
            if is_link_local_v6(&a) {
                err(ctx, v.pos_of("unicast_src_ip"), format!("({n}) without an interface the IPv6 source address must not be link-local: keepalived's VRRP process will not start"));
                return false;
            }
        }
    }

    if v.unicast_configured {
        if !v.unicast_peers.is_empty() {
            v.unicast = true;
        } else if v.unicast_fault_no_peer {
            // keepalived only logs this and keeps the instance in FAULT.
            v.config_fault = true;
        } else {
            let d = ctx.error_at(
                Class::Deprecated,
                Some(v.pos),
                format!("({n}) uses a unicast keyword but has no unicast_peer: it advertises by multicast"),
            );
            d.help = Some("list the peers in 'unicast_peer { ... }', or add 'unicast_fault_no_peer' to stay in FAULT instead".into());
        }
    }

    if strict && v.vmac.as_ref().is_some_and(|m| m.mac.is_some()) {
        err(ctx, v.pos_of("use_vmac"), format!("({n}) strict mode does not allow a configured VMAC address: the RFC address is used"));
        if let Some(m) = v.vmac.as_mut() {
            m.mac = None;
            m.mac_uses_vrid = false;
        }
    }
    if let (Some(m), Some(id)) = (v.vmac.as_mut(), v.vrid) {
        if m.mac_uses_vrid {
            if let Some(mac) = m.mac.as_mut() {
                mac[5] = id.get();
            }
        }
    }

    let info = v.interface.as_deref().and_then(|i| interface_info(ctx, i));
    if (v.vmac.is_some() || v.ipvlan.is_some()) && info.is_some_and(|i| !i.ethernet) {
        clear_flags(v);
        err(
            ctx,
            v.pos_of("interface"),
            format!("({n}) VMACs need an Ethernet interface: the instance stays in FAULT"),
        );
        v.config_fault = true;
    }
    if info.is_some_and(|i| !i.multicast) && !v.unicast {
        let ifn = v.interface.clone().unwrap_or_default();
        let d = err(
            ctx,
            v.pos_of("interface"),
            format!("({n}) interface {ifn} cannot multicast: the instance stays in FAULT"),
        );
        d.help = Some("configure unicast_peer for this interface".into());
        v.config_fault = true;
    }

    if family == Family::V6 && !v.unicast {
        if let Some(IpAddr::V6(first)) = v.vips.first().map(|x| x.addr) {
            if !is_link_local_v6(&first) {
                let pos = v.vips[0].pos;
                if strict {
                    err(ctx, pos, format!("({n}) in strict mode the first IPv6 VIP must be link-local (fe80::/10)"));
                } else {
                    ctx.lint_at(Some(pos), format!("({n}) the first IPv6 VIP {first} should be link-local (fe80::/10), as RFC 5798 expects"));
                }
            }
        }
    }

    if v.vrf.is_some() && (v.interface.is_some() || !v.unicast) {
        let what = if v.interface.is_some() {
            "without an interface"
        } else {
            "with unicast"
        };
        err(
            ctx,
            v.pos_of("vrf"),
            format!("({n}) vrf can only be used {what}: ignored"),
        );
        v.vrf = None;
    }

    move_excess_vips(ctx, v, family, version, info.map(|i| i.mtu as usize));

    if priority.is_owner() && v.nopreempt {
        err(
            ctx,
            v.pos_of("nopreempt"),
            format!("({n}) nopreempt has no effect with priority 255: ignored"),
        );
        v.nopreempt = false;
    }
    if v.state == Some(InitialState::Master) {
        if v.nopreempt {
            let d = err(
                ctx,
                v.pos_of("nopreempt"),
                format!("({n}) nopreempt does not work with state MASTER: ignored"),
            );
            d.help =
                Some("use 'state BACKUP' on every router of a nopreempt virtual router".into());
            v.nopreempt = false;
        }
        if !v.preempt_delay.is_zero() {
            err(
                ctx,
                v.pos_of("preempt_delay"),
                format!("({n}) preempt_delay does not work with state MASTER: ignored"),
            );
            v.preempt_delay = Duration::ZERO;
        }
    }
    if !v.preempt_delay.is_zero() {
        if strict {
            err(
                ctx,
                v.pos_of("preempt_delay"),
                format!("({n}) preempt_delay is not allowed in strict mode: ignored"),
            );
            v.preempt_delay = Duration::ZERO;
        }
        if v.nopreempt {
            err(
                ctx,
                v.pos_of("preempt_delay"),
                format!("({n}) preempt_delay has no meaning with nopreempt: ignored"),
            );
            v.preempt_delay = Duration::ZERO;
        }
    }
    if v.down_timer_adverts != Some(3) && strict {
        err(
            ctx,
            v.pos_of("down_timer_adverts"),
            format!("({n}) strict mode needs down_timer_adverts 3: 3 is used"),
        );
        v.down_timer_adverts = Some(3);
    }
    if v.timer_expired_backup.is_some() && !v.nopreempt {
        err(
            ctx,
            v.pos_of("timer_expired_backup"),
            format!("({n}) timer_expired_backup needs nopreempt: ignored"),
        );
        v.timer_expired_backup = None;
    }

    let accept = *v.accept.get_or_insert(priority.is_owner() || !strict);
    if accept && !priority.is_owner() && strict && version == VrrpVersion::V2 {
        err(
            ctx,
            v.pos_of("accept"),
            format!(
                "({n}) accept mode is not allowed for VRRPv2 in strict mode (RFC 3768): turned off"
            ),
        );
        v.accept = Some(false);
    }

    if !v.unicast && v.mcast_dst_ip.is_none() {
        v.mcast_dst_ip = Some(match family {
            Family::V4 => IpAddr::V4(g.mcast_group4),
            Family::V6 => IpAddr::V6(g.mcast_group6),
        });
    } else if v.unicast && v.mcast_dst_ip.is_some() {
        err(
            ctx,
            v.pos_of("mcast_dst_ip"),
            format!("({n}) mcast_dst_ip has no meaning with unicast peers: ignored"),
        );
        v.mcast_dst_ip = None;
    }

    complete_garp_and_adverts(ctx, v, g, strict, priority);

    if v.smtp_alert.is_none() {
        v.smtp_alert = Some(g.smtp_alert_vrrp.or(g.smtp_alert).unwrap_or(false));
    }
    if v.notify_priority_changes.is_none() {
        v.notify_priority_changes = Some(
            sync.and_then(|s| s.notify_priority_changes)
                .unwrap_or(g.notify_priority_changes),
        );
    }

    let (adv, change) = v.advert_interval().for_version(version);
    if let Some(c) = change {
        let old = v.advert_interval().duration().as_secs_f64();
        let new = adv.duration().as_secs_f64();
        let (unit, limit) = match version {
            VrrpVersion::V2 => ("whole seconds", "255 s"),
            VrrpVersion::V3 => ("multiples of 10 ms", "40.95 s"),
        };
        let msg = match c {
            AdvertChange::Capped => format!(
                "({n}) advert_int {old}s is more than VRRPv{} can carry ({limit}): {new}s is used",
                version.number()
            ),
            AdvertChange::Rounded => format!(
                "({n}) VRRPv{} advert_int is in {unit}: {old}s is rounded to {new}s",
                version.number()
            ),
        };
        err(ctx, v.pos_of("advert_int"), msg);
    }
    v.advert_int = Some(adv);

    if !v.src_ip_configured {
        v.track_src_ip = false;
    }

    complete_links(ctx, v, strict, family);

    // Tracking our own interface is what an instance does anyway.
    if let Some(own) = v.interface.clone() {
        let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut v.track_interfaces)
            .into_iter()
            .partition(|t| t.name == own);
        v.track_interfaces = rest;
        for t in mine {
            err(ctx, t.pos, format!("({n}) track_interface {own} is the instance's own interface, which it tracks anyway: ignored"));
        }
    }

    if v.vmac_xmit_base && v.vmac.is_none() {
        err(
            ctx,
            v.pos_of("vmac_xmit_base"),
            format!("({n}) vmac_xmit_base only has a meaning with use_vmac: ignored"),
        );
        v.vmac_xmit_base = false;
    }

    let (extra_if, extra_vmac) = complete_addresses(ctx, v);
    complete_garp_extra_if(v, g, extra_if, extra_vmac);

    if v.vips.is_empty() && !allow_no_vips && family == Family::V6 {
        // Reached with an explicit "version 2" on IPv6; keepalived refuses
        // it here after only warning above.
        err(ctx, v.pos, format!("({n}) an IPv6 instance needs a virtual_ipaddress: keepalived's VRRP process will not start"));
        return false;
    }

    complete_weights(ctx, v, sync, priority);

    true
}

fn complete_auth(
    ctx: &mut Ctx,
    v: &mut Instance,
    strict: bool,
    version: VrrpVersion,
    family: Family,
    priority: Priority,
) {
    let n = v.name.clone();
    let pos = v.pos_of("auth_type");
    if let Some(kind) = v.auth.and_then(|a| a.kind) {
        let password_empty = v.auth.is_some_and(|a| a.password.is_empty());
        let drop = if strict {
            Some(format!(
                "({n}) strict mode does not allow authentication: ignored"
            ))
        } else if version == VrrpVersion::V3 {
            Some(format!(
                "({n}) VRRP version 3 has no authentication: ignored"
            ))
        } else if password_empty {
            Some(format!(
                "({n}) authentication without an auth_pass: ignored"
            ))
        } else if family == Family::V6 && kind == AuthType::Ah {
            Some(format!(
                "({n}) AH authentication does not work with IPv6: ignored"
            ))
        } else {
            None
        };
        if let Some(msg) = drop {
            err(ctx, pos, msg);
            if let Some(a) = v.auth.as_mut() {
                a.kind = None;
            }
        } else if kind == AuthType::Ah
            && v.state == Some(InitialState::Master)
            && !priority.is_owner()
        {
            let d = err(ctx, v.pos_of("state"), format!("({n}) AH authentication cannot start as MASTER (it needs a peer's sequence number first): state BACKUP is used"));
            d.help = Some("use 'state BACKUP', or priority 255".into());
            v.state = Some(InitialState::Backup);
        }
    }

    // auth_hmac (keepalived 2.4+).
    let legacy = v.auth.is_some_and(|a| a.kind.is_some());
    let Some(h) = v.auth_hmac.as_mut() else {
        return;
    };
    let hpos = h.pos;
    if legacy {
        err(
            ctx,
            hpos,
            format!("({n}) auth_hmac replaces authentication: the authentication block is ignored"),
        );
        if let Some(a) = v.auth.as_mut() {
            a.kind = None;
        }
    }
    let Some(h) = v.auth_hmac.as_mut() else {
        return;
    };
    if !h.keys.iter().any(|k| k.id == h.active_key) {
        let id = h.active_key;
        v.auth_hmac = None;
        let d = err(
            ctx,
            hpos,
            format!(
                "({n}) auth_hmac active_key {id} is not one of its keys: auth_hmac is disabled"
            ),
        );
        d.help = Some("add 'active_key ID' naming a 'key ID VALUE' of the block".into());
        return;
    }
    if strict && h.mode != HmacMode::Enforce {
        h.mode = HmacMode::Enforce;
        err(
            ctx,
            hpos,
            format!("({n}) strict mode needs auth_hmac mode enforce: enforce is used"),
        );
    }
    let Some(h) = v.auth_hmac.as_mut() else {
        return;
    };
    if h.anti_replay_time && h.time_window.is_none() {
        // From the configured interval (0 when none), like keepalived.
        let secs = v.advert_int.map_or(0, |a| a.duration().as_secs());
        h.time_window = Some(Duration::from_secs((3 * secs).clamp(5, 300)));
    }
}

/// Clears keepalived's instance flags (it zeroes them all at once).
fn clear_flags(v: &mut Instance) {
    v.vmac = None;
    v.vmac_addr = false;
    v.vmac_xmit_base = false;
    v.ipvlan = None;
    v.unicast_configured = false;
    v.unicast = false;
    v.unicast_fault_no_peer = false;
    v.check_unicast_src = false;
    v.dont_track_primary = false;
    v.nopreempt = false;
    v.skip_check_adv_addr = false;
    v.promote_secondaries = false;
    v.src_ip_configured = false;
    v.track_src_ip = false;
    v.linkbeat_use_polling = false;
    v.v3_checksum_as_v2 = false;
    v.no_virtual_ipaddress = false;
}

/// VIPs beyond what fits in one advert become excluded VIPs.
fn move_excess_vips(
    ctx: &mut Ctx,
    v: &mut Instance,
    family: Family,
    version: VrrpVersion,
    mtu: Option<usize>,
) {
    let (hdr, per) = match family {
        Family::V4 => {
            let mut h = ETHER_HDR + IPV4_HDR + VRRP_HDR;
            if version == VrrpVersion::V2 {
                h += VRRP_AUTH_LEN;
                if v.auth.is_some_and(|a| a.kind == Some(AuthType::Ah)) {
                    h += IPSEC_AH_LEN;
                }
            }
            (h, 4)
        }
        Family::V6 => (ETHER_HDR + IPV6_HDR + VRRP_HDR, 16),
    };
    let mtu = match (&v.interface, mtu) {
        (_, Some(m)) => m,
        // A dynamic interface that does not exist yet: no limit but 255.
        (Some(_), None) => usize::MAX,
        (None, None) => DEFAULT_MTU,
    };
    let max = (mtu.saturating_sub(hdr) / per).min(255);
    if v.vips.len() > max {
        let n = v.name.clone();
        let count = v.vips.len();
        let d = err(ctx, v.vips[max].pos, format!("({n}) {count} VIPs do not fit in one advert (at most {max}): the rest become excluded VIPs, which are not advertised"));
        d.help = Some("move the extra addresses to virtual_ipaddress_excluded".into());
        let extra = v.vips.split_off(max);
        v.excluded_vips.extend(extra);
    }
}

fn complete_garp_and_adverts(
    ctx: &mut Ctx,
    v: &mut Instance,
    g: &GlobalVrrp,
    strict: bool,
    priority: Priority,
) {
    let n = v.name.clone();
    match v.garp.lower_prio_repeat {
        None => {
            v.garp.lower_prio_repeat = Some(if strict {
                0
            } else {
                g.garp_lower_prio_repeat.unwrap_or(g.garp_repeat)
            })
        }
        Some(r) if strict && r != 0 => {
            err(
                ctx,
                v.pos_of("garp_lower_prio_repeat"),
                format!(
                    "({n}) strict mode sends no repeated GARPs: garp_lower_prio_repeat 0 is used"
                ),
            );
            v.garp.lower_prio_repeat = Some(0);
        }
        Some(_) => {}
    }
    match v.garp.lower_prio_delay {
        None => {
            v.garp.lower_prio_delay = Some(if strict {
                Duration::ZERO
            } else {
                g.garp_lower_prio_delay.unwrap_or(g.garp_delay)
            })
        }
        Some(d) if strict && !d.is_zero() => {
            err(
                ctx,
                v.pos_of("garp_lower_prio_delay"),
                format!(
                    "({n}) strict mode sends no delayed GARPs: garp_lower_prio_delay 0 is used"
                ),
            );
            v.garp.lower_prio_delay = Some(Duration::ZERO);
        }
        Some(_) => {}
    }
    match v.lower_prio_no_advert {
        None => v.lower_prio_no_advert = Some(strict || g.lower_prio_no_advert),
        Some(false) if strict => {
            err(ctx, v.pos_of("lower_prio_no_advert"), format!("({n}) strict mode does not answer lower-priority adverts: lower_prio_no_advert is turned on"));
            v.lower_prio_no_advert = Some(true);
        }
        Some(_) => {}
    }
    match v.higher_prio_send_advert {
        None => v.higher_prio_send_advert = Some(!strict && g.higher_prio_send_advert),
        Some(true) if strict => {
            err(
                ctx,
                v.pos_of("higher_prio_send_advert"),
                format!("({n}) strict mode does not allow higher_prio_send_advert: turned off"),
            );
            v.higher_prio_send_advert = Some(false);
        }
        Some(_) => {}
    }
    // owner_ignore_adverts (keepalived 2.3+).
    match v.owner_ignore_adverts {
        Some(true) if !priority.is_owner() => {
            err(
                ctx,
                v.pos_of("owner_ignore_adverts"),
                format!("({n}) owner_ignore_adverts only applies to priority 255: ignored"),
            );
            v.owner_ignore_adverts = Some(false);
        }
        None => {
            v.owner_ignore_adverts = Some(priority.is_owner() && (strict || g.owner_ignore_adverts))
        }
        Some(false) if priority.is_owner() && strict => {
            err(
                ctx,
                v.pos_of("owner_ignore_adverts"),
                format!(
                    "({n}) strict mode with priority 255 needs owner_ignore_adverts: turned on"
                ),
            );
            v.owner_ignore_adverts = Some(true);
        }
        Some(_) => {}
    }
}

/// VMAC / ipvlan settings that depend on the rest.
fn complete_links(ctx: &mut Ctx, v: &mut Instance, strict: bool, family: Family) {
    let n = v.name.clone();
    if v.vmac.is_some() && strict && v.vmac_xmit_base {
        err(
            ctx,
            v.pos_of("vmac_xmit_base"),
            format!("({n}) strict mode does not allow vmac_xmit_base: turned off"),
        );
        v.vmac_xmit_base = false;
    }
    if v.promote_secondaries && (v.vmac.is_some() || v.ipvlan.is_some()) {
        err(
            ctx,
            v.pos_of("promote_secondaries"),
            format!("({n}) promote_secondaries is always set on VMACs: the keyword is not needed"),
        );
        v.promote_secondaries = false;
    }
    if let Some(l) = &v.ipvlan {
        match l.addr {
            None if family == Family::V4 => {
                err(ctx, v.pos_of("use_ipvlan"), format!("({n}) an IPv4 ipvlan needs an address (use_ipvlan ... IP/LEN): the instance stays in FAULT"));
                v.config_fault = true;
            }
            Some((ip, _)) if Family::of(&ip) != family => {
                err(ctx, v.pos_of("use_ipvlan"), format!("({n}) the ipvlan address {ip} is not of the instance's address family: the instance stays in FAULT"));
                v.config_fault = true;
            }
            _ => {}
        }
    }
}

/// keepalived's pass over the VIPs and eVIPs: an address's own `use_vmac`
/// is checked against the instance's VMAC settings, and each address is
/// placed on an interface. Returns whether some address ends up on another
/// interface than the instance's (an existing one, or a VMAC of its own).
fn complete_addresses(ctx: &mut Ctx, v: &mut Instance) -> (bool, bool) {
    let n = v.name.clone();
    let own = v.interface.clone();
    let family = v.family();
    let (vmac, vmac_addr) = (v.vmac.is_some(), v.vmac_addr);
    let (mut extra_if, mut extra_vmac) = (false, false);
    let mut problems = Vec::new();
    for a in v.vips.iter_mut().chain(v.excluded_vips.iter_mut()) {
        let on_own = a.dev.is_none() || a.dev == own;
        let same_family = vip_family(a) == family;
        if a.use_vmac {
            a.use_vmac = false;
            if on_own && vmac && same_family {
                problems.push((a.pos, format!("({n}) address {}: use_vmac is given both here and on the instance: the instance's VMAC is used", a.addr)));
            } else if (!on_own || !same_family) && vmac_addr {
                problems.push((a.pos, format!("({n}) address {}: use_vmac cannot be combined with the instance's use_vmac_addr: the address goes on its interface without a VMAC", a.addr)));
            } else {
                a.use_vmac = true;
            }
        }
        // Addresses of the instance's family on its own interface go on its
        // VMAC (if any); the others need a VMAC of their own when use_vmac
        // or use_vmac_addr asks for one.
        let own_vmac = a.use_vmac || (vmac_addr && (!on_own || !same_family));
        if own_vmac {
            extra_vmac = true;
        } else if !on_own || (vmac && !same_family) {
            extra_if = true;
        }
    }
    for (pos, msg) in problems {
        err(ctx, pos, msg);
    }
    (extra_if, extra_vmac)
}

fn complete_garp_extra_if(v: &mut Instance, g: &GlobalVrrp, extra_if: bool, extra_vmac: bool) {
    let mut x = v.garp_extra_if.unwrap_or(GarpExtraIf {
        interval: g.garp_extra_if,
        all_interfaces: g.garp_extra_if_all,
    });
    // Only worth it with addresses on other interfaces.
    if !x.interval.is_zero() && !extra_vmac && (!extra_if || !x.all_interfaces) {
        x.interval = Duration::ZERO;
    }
    v.garp_extra_if = Some(x);
}

/// keepalived ignores tracker weights of the address owner and of sync group
/// members (unless the group has sync_group_tracking_weight).
fn complete_weights(ctx: &mut Ctx, v: &mut Instance, sync: Option<SyncInfo>, priority: Priority) {
    let sync_rule = sync.is_some_and(|s| !s.tracking_weight);
    if !sync_rule && !priority.is_owner() {
        return;
    }
    let n = v.name.clone();
    let why = if sync_rule {
        "members of a sync group (without sync_group_tracking_weight) cannot use weights"
    } else {
        "the address owner (priority 255) never changes its priority"
    };
    let mut kept = Vec::new();
    for mut t in std::mem::take(&mut v.track_interfaces) {
        if t.weight.value != 0 {
            if sync_rule {
                err(ctx, t.pos, format!("({n}) track_interface {}: weight ignored ({why}); the interface going down puts the instance in FAULT", t.name));
                t.weight.value = 0;
            } else {
                err(
                    ctx,
                    t.pos,
                    format!(
                        "({n}) track_interface {} has a weight, and {why}: not tracked",
                        t.name
                    ),
                );
                v.owner_dropped_interfaces.push(t.name);
                continue;
            }
        }
        kept.push(t);
    }
    v.track_interfaces = kept;
    let scripts = std::mem::take(&mut v.track_scripts);
    for t in scripts {
        if t.weight.value != 0 {
            err(
                ctx,
                t.pos,
                format!(
                    "({n}) track_script {} has a weight, and {why}: not tracked",
                    t.name
                ),
            );
        } else {
            v.track_scripts.push(t);
        }
    }
    let files = std::mem::take(&mut v.track_files);
    for mut t in files {
        if t.weight.value == 1 {
            let d = err(ctx, t.pos, format!("({n}) track_file {}: the default weight 1 is ignored ({why}); a non-zero value puts the instance in FAULT", t.name));
            d.help = Some("write 'weight 0' on the entry".into());
            t.weight.value = 0;
        } else if t.weight.value != 0 {
            err(
                ctx,
                t.pos,
                format!(
                    "({n}) track_file {} has weight {}, and {why}: not tracked",
                    t.name, t.weight.value
                ),
            );
            continue;
        }
        v.track_files.push(t);
    }
    let bfds = std::mem::take(&mut v.track_bfds);
    for t in bfds {
        if t.weight.value != 0 {
            err(
                ctx,
                t.pos,
                format!(
                    "({n}) track_bfd {} has weight {}, and {why}: not tracked",
                    t.name, t.weight.value
                ),
            );
        } else {
            v.track_bfds.push(t);
        }
    }
}

/// The address an instance sends from, as far as it is known now.
fn local_address(ctx: &Ctx, v: &Instance) -> Option<IpAddr> {
    if v.src_ip_configured {
        return v
            .src_ip
            .or_else(|| primary_address(ctx, v.interface.as_deref()?, v.family()));
    }
    primary_address(ctx, v.interface.as_deref()?, v.family())
}

/// keepalived's `check_vrid_conflicts`: two instances may not share a VRID
/// on one interface and family (multicast: with the same group; unicast:
/// with the same local address and a common peer).
pub fn check_vrid_conflicts(ctx: &mut Ctx) -> bool {
    let mut had_error = false;
    for (i, j) in ctx.cfg.vrrp.instances.same_vrid_pairs() {
        {
            let list = &ctx.cfg.vrrp.instances.list;
            let (a, b) = (&list[i], &list[j]);
            if a.family() != b.family() || a.vrid != b.vrid || a.unicast != b.unicast {
                continue;
            }
            let vrid = a.vrid.map_or(0, Vrid::get);
            let (an, bn, bpos) = (
                a.name.clone(),
                b.name.clone(),
                b.pos_of("virtual_router_id"),
            );
            if a.unicast {
                if a.interface.is_some() && b.interface.is_some() && a.interface != b.interface {
                    continue;
                }
                let (Some(sa), Some(sb)) = (local_address(ctx, a), local_address(ctx, b)) else {
                    continue;
                };
                if sa != sb {
                    continue;
                }
                let common = a
                    .unicast_peers
                    .iter()
                    .any(|p| b.unicast_peers.iter().any(|q| q.addr == p.addr));
                if !common {
                    continue;
                }
                let d = err(ctx, bpos, format!("({an}) and ({bn}) both use VRID {vrid} from {sa} to a common unicast peer: keepalived's VRRP process will not start"));
                d.help = Some("give one of them another virtual_router_id".into());
                had_error = true;
                continue;
            }
            if a.interface != b.interface || a.multicast_group() != b.multicast_group() {
                continue;
            }
            let Some(ifn) = a.interface.clone() else {
                continue;
            };
            if !ctx.host.interface_exists(&ifn) {
                continue;
            }
            let fam = a.family().name();
            let d = err(ctx, bpos, format!("({an}) and ({bn}) both use VRID {vrid} for {fam} on interface {ifn}: keepalived's VRRP process will not start"));
            d.help = Some("every virtual router on a link needs its own virtual_router_id".into());
            had_error = true;
        }
    }
    !had_error
}
