//! From the checked configuration to what the VRRP runtime needs.

use super::firewall::FwConfig;
use super::kernel::{self, KernelSpec, VmacPlan};
use super::vrrp::{Spec, VipSpec};
use crate::config::model::Config;
use crate::config::vrrp::instance::{AuthType, Completion, Family, InitialState, Instance};
use crate::vrrp::machine::Params;
use crate::vrrp::packet::{Auth, Version};
use crate::vrrp::receive::Peer;
use std::net::{IpAddr, Ipv4Addr};

/// The runtime specs of every instance keepalived would run. Instances whose
/// checks failed are left out (keepalived would not start them).
pub fn vrrp_specs(cfg: &Config) -> Result<Vec<Spec>, String> {
    let mut out = Vec::new();
    for inst in &cfg.vrrp.instances.list {
        if inst.completion != Completion::Done {
            return Err(format!(
                "({}) the instance did not pass its configuration checks",
                inst.name
            ));
        }
        out.push(spec(inst)?);
    }
    Ok(out)
}

fn micros(d: std::time::Duration) -> u64 {
    d.as_micros().min(u128::from(u64::MAX)) as u64
}

fn spec(inst: &Instance) -> Result<Spec, String> {
    let vrid = inst
        .vrid
        .ok_or_else(|| format!("({}) no virtual_router_id", inst.name))?
        .get();
    let interface = inst
        .interface
        .clone()
        .ok_or_else(|| format!("({}) no interface", inst.name))?;
    let ipv6 = inst.family == Some(Family::V6);
    let priority = inst.priority.map_or(100, |p| p.get());
    let local = if ipv6 {
        IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    };
    let mut p = Params::new(&inst.name, vrid, priority, local);
    p.version = match inst.version.map(|v| v.number()) {
        Some(3) => Version::V3,
        _ => Version::V2,
    };
    if let Some(a) = inst.advert_int {
        p.advert_int = micros(a.duration());
    }
    p.want_master = inst.state == Some(InitialState::Master);
    p.nopreempt = inst.nopreempt;
    p.preempt_delay = micros(inst.preempt_delay);
    p.down_timer_adverts = inst.down_timer_adverts.unwrap_or(3).max(1);
    p.lower_prio_no_advert = inst.lower_prio_no_advert.unwrap_or(false);
    p.higher_prio_send_advert = inst.higher_prio_send_advert.unwrap_or(false);
    let g = &inst.garp;
    p.garp_rep = g.master_repeat.unwrap_or(5);
    p.garp_delay = g.master_delay.map_or(5_000_000, micros);
    p.garp_refresh = g.master_refresh.map_or(0, micros);
    p.garp_refresh_rep = g.master_refresh_repeat.unwrap_or(1);
    p.garp_lower_prio_rep = g.lower_prio_repeat.unwrap_or(p.garp_rep);
    p.garp_lower_prio_delay = g.lower_prio_delay.map_or(p.garp_delay, micros);
    let vip = |v: &crate::config::vrrp::ipaddr::IpAddress| {
        let a = kernel::address_spec(v, 0);
        VipSpec {
            addr: v.addr,
            prefix_len: v.prefix_len,
            dev: v.dev.clone(),
            broadcast: v.broadcast,
            label: v.label.clone(),
            scope: v.scope,
            peer: a.peer,
            flags: a.flags,
            preferred_lft: a.preferred_lft,
            no_track: v.no_track,
        }
    };
    let auth = match &inst.auth {
        Some(a) if p.version == Version::V2 && !a.password.is_empty() => match a.kind {
            Some(AuthType::Pass) => Auth::Pass(a.password.0),
            Some(AuthType::Ah) => Auth::Ah(a.password.0),
            None => Auth::None,
        },
        _ => Auth::None,
    };
    Ok(Spec {
        params: p,
        interface,
        ipv6,
        vips: inst.vips.iter().map(vip).collect(),
        excluded_vips: inst.excluded_vips.iter().map(vip).collect(),
        src: inst.src_ip,
        peers: inst
            .unicast_peers
            .iter()
            .map(|u| Peer {
                addr: u.addr,
                min_ttl: u.min_ttl,
                max_ttl: u.max_ttl,
            })
            .collect(),
        unicast_ttl: inst.unicast_ttl,
        auth,
        mcast_group: inst.mcast_dst_ip,
        check_unicast_src: inst.check_unicast_src,
        skip_check_adv_addr: inst.skip_check_adv_addr,
        routes: inst.virtual_routes.clone(),
        rules: inst.virtual_rules.iter().map(kernel::rule_spec).collect(),
        vmac: inst.vmac.as_ref().map(|m| VmacPlan {
            instance: inst.name.clone(),
            name: m.ifname.clone(),
            mac: m.mac.unwrap_or_else(|| kernel::vmac_mac(vrid, ipv6)),
            ipv6,
            other_family: inst.excluded_vips.iter().any(|v| v.addr.is_ipv6() != ipv6),
            xmit_base: inst.vmac_xmit_base,
            src: inst.src_ip,
        }),
        accept: inst.accept.unwrap_or(true) || priority == 255,
        dont_track_primary: inst.dont_track_primary,
        // A VMAC has it on anyway (keepalived ignores it there).
        promote_secondaries: inst.promote_secondaries && inst.vmac.is_none(),
    })
}

/// The global kernel settings: statics, nftables, VMAC names.
pub fn kernel_spec(cfg: &Config) -> KernelSpec {
    let g = &cfg.global;
    let instances = &cfg.vrrp.instances.list;
    // keepalived (an nftables build) uses nftables when configured, and
    // for any instance with a VMAC or without accept mode.
    let needed = instances
        .iter()
        .any(|i| i.vmac.is_some() || i.accept == Some(false));
    let firewall = (g.vrrp_nftables.is_some() || needed).then(|| FwConfig {
        table: g
            .vrrp_nftables
            .clone()
            .unwrap_or_else(|| super::firewall::DEFAULT_TABLE.into()),
        priority: g.vrrp_nftables_priority,
        counters: g.nftables_counters,
        ifindex: g.vrrp_nftables_ifindex,
    });
    if needed && g.vrrp_nftables.is_none() {
        ::log::info!(target: "vrrp", "use_vmac or no_accept/strict specified, but no firewall configured - using nftables");
    }
    let s = &cfg.vrrp.statics;
    KernelSpec {
        firewall,
        static_addresses: s.addresses.clone(),
        static_routes: s.routes.clone(),
        static_rules: s.rules.clone(),
        vmac_prefix: g.vmac_prefix.clone(),
        disable_local_igmp: g.disable_local_igmp,
    }
}

#[cfg(test)]
mod tests {
    use crate::config::testutil::parse;

    #[test]
    fn a_checked_instance_becomes_a_runtime_spec() {
        let l = parse(
            "vrrp_instance VI_1 {\n state MASTER\n interface lo\n virtual_router_id 7\n priority 150\n advert_int 2\n authentication {\n  auth_type PASS\n  auth_pass abc\n }\n virtual_ipaddress {\n  192.0.2.10/24\n }\n}\n",
        );
        // keepalived does not run VRRP on lo, so the checks fail; the
        // conversion itself does not depend on them.
        assert!(super::vrrp_specs(&l.config).is_err());
        let mut inst = l.config.vrrp.instances.list[0].clone();
        inst.interface = Some("lo".into());
        let s = super::spec(&inst).unwrap();
        assert_eq!(s.params.vrid, 7);
        assert_eq!(s.params.priority, 150);
        assert_eq!(s.params.advert_int, 2_000_000);
        assert!(s.params.want_master);
        assert_eq!(s.interface, "lo");
        assert_eq!(s.vips[0].prefix_len, 24);
        assert_eq!(s.auth, crate::vrrp::packet::Auth::pass("abc"));
    }
}
