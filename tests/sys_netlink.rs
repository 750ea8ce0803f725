//! rtnetlink against a real kernel, in throwaway network namespaces: what
//! we list matches `ip -j`, what we add and delete shows up in (and goes
//! from) `ip -j addr/route/rule`, the kernel's refusals come back with its
//! errno, and the monitor socket reports link and address changes.
//! Needs root; skips (and passes) without it.

mod sys_support;

use keepalived_rs::sys::netlink::{
    AddressSpec, Family, Monitor, NetEvent, Netlink, RouteSpec, RuleSpec, IFA_F_NODAD,
    IFA_F_NOPREFIXROUTE, RTN_UNICAST, RT_SCOPE_LINK,
};
use keepalived_rs::sys::sock::wait_readable;
use keepalived_rs::sys::vrrp_socket::Interface;
use serde_json::Value;
use std::net::IpAddr;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};
use sys_support::{ip_json, lab, run, A_V4, A_V6};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn errno<T: std::fmt::Debug>(r: std::io::Result<T>) -> i32 {
    r.expect_err("the kernel should refuse")
        .raw_os_error()
        .expect("an errno")
}

/// The `addr_info` entry of `ns`'s eth0 whose local address is `local`.
fn addr_info(ns: &str, local: &str) -> Option<Value> {
    let v = ip_json(ns, &["addr", "show", "dev", "eth0"]);
    v[0]["addr_info"]
        .as_array()?
        .iter()
        .find(|a| a["local"] == local)
        .cloned()
}

#[test]
fn links_and_addresses_match_ip() {
    let Some(lab) = lab("links_and_addresses_match_ip") else {
        return;
    };
    let (links, addrs) = lab.run_in(&lab.a, || {
        let mut nl = Netlink::open().unwrap();
        (nl.links().unwrap(), nl.addresses().unwrap())
    });
    let want = ip_json(&lab.a, &["link", "show", "dev", "eth0"]);
    let eth0 = links
        .iter()
        .find(|l| l.name == "eth0")
        .expect("eth0 listed");
    assert_eq!(u64::from(eth0.index), want[0]["ifindex"].as_u64().unwrap());
    assert_eq!(eth0.mac6(), Some(lab.mac(&lab.a)));
    assert_eq!(u64::from(eth0.mtu), want[0]["mtu"].as_u64().unwrap());
    assert!(eth0.is_up(), "{eth0:?}");
    assert_eq!(eth0.kind.as_deref(), Some("veth"));
    assert_eq!(eth0.hw_type, 1);
    let lo = links.iter().find(|l| l.name == "lo").expect("lo listed");
    assert_eq!(lo.index, 1);
    assert_eq!(links.len(), 2, "{links:?}");

    let v4 = addrs
        .iter()
        .find(|a| a.addr == ip(A_V4))
        .expect("IPv4 address listed");
    assert_eq!((v4.index, v4.prefix_len), (eth0.index, 24));
    assert_eq!(v4.label.as_deref(), Some("eth0"));
    let v6 = addrs
        .iter()
        .find(|a| a.addr == ip(A_V6))
        .expect("IPv6 address listed");
    assert_eq!((v6.index, v6.prefix_len), (eth0.index, 64));
    assert!(v6.flags & IFA_F_NODAD != 0, "{v6:?}");
    let ll = lab.link_local(&lab.a).unwrap();
    assert!(addrs
        .iter()
        .any(|a| a.addr == IpAddr::V6(ll) && a.scope == RT_SCOPE_LINK));
    assert!(addrs.iter().any(|a| a.addr == ip("127.0.0.1")));
}

#[test]
fn addresses_are_added_and_deleted() {
    let Some(lab) = lab("addresses_are_added_and_deleted") else {
        return;
    };
    let a = lab.a.clone();
    let eth0 = lab.run_in(&a, || Interface::by_name("eth0").unwrap());

    // IPv4 with broadcast and label.
    let mut vip = AddressSpec::vip(eth0.index, ip("10.99.0.100"), 24);
    vip.broadcast = Some("10.99.0.255".parse().unwrap());
    vip.label = Some("eth0:vip".into());
    // IPv4 point-to-point with a peer, scope link.
    let mut peer = AddressSpec::vip(eth0.index, ip("10.99.0.101"), 32);
    peer.peer = Some(ip("10.99.0.200"));
    peer.scope = RT_SCOPE_LINK;
    // IPv6 VIP: nodad by default, noprefixroute, deprecated.
    let mut v6 = AddressSpec::vip(eth0.index, ip("fd00:99::100"), 64);
    v6.flags |= IFA_F_NOPREFIXROUTE;
    v6.preferred_lft = Some(0);

    let specs = vec![vip.clone(), peer.clone(), v6.clone()];
    let errs = lab.run_in(&a, move || {
        let mut nl = Netlink::open().unwrap();
        for s in &specs {
            nl.add_address(s).unwrap();
        }
        errno(nl.add_address(&specs[0]))
    });
    assert_eq!(errs, libc::EEXIST);

    let got = addr_info(&a, "10.99.0.100").expect("VIP added");
    assert_eq!(got["prefixlen"], 24);
    assert_eq!(got["broadcast"], "10.99.0.255");
    assert_eq!(got["label"], "eth0:vip");
    assert_eq!(got["scope"], "global");
    let got = addr_info(&a, "10.99.0.101").expect("peer address added");
    assert_eq!(got["address"], "10.99.0.200");
    assert_eq!(got["prefixlen"], 32);
    assert_eq!(got["scope"], "link");
    let got = addr_info(&a, "fd00:99::100").expect("IPv6 VIP added");
    assert_eq!(got["nodad"], true);
    assert_eq!(got["noprefixroute"], true);
    assert_eq!(got["preferred_life_time"], 0);
    assert_eq!(got["valid_life_time"], 4294967295u64);

    let specs = vec![vip, peer, v6];
    let errs = lab.run_in(&a, move || {
        let mut nl = Netlink::open().unwrap();
        for s in &specs {
            nl.del_address(s).unwrap();
        }
        specs
            .iter()
            .map(|s| errno(nl.del_address(s)))
            .collect::<Vec<_>>()
    });
    assert_eq!(errs, vec![libc::EADDRNOTAVAIL; 3]);
    for gone in ["10.99.0.100", "10.99.0.101", "fd00:99::100"] {
        assert!(addr_info(&a, gone).is_none(), "{gone} still there");
    }
    // What was there before is untouched.
    assert!(addr_info(&a, A_V4).is_some());
}

#[test]
fn routes_and_rules_are_added_and_deleted() {
    let Some(lab) = lab("routes_and_rules_are_added_and_deleted") else {
        return;
    };
    let a = lab.a.clone();
    let eth0 = lab.run_in(&a, || Interface::by_name("eth0").unwrap());

    let mut via = RouteSpec::new(ip("10.77.0.0"), 24);
    via.via = Some(ip("10.99.0.3"));
    via.oif = Some(eth0.index);
    via.table = 100;
    via.metric = Some(50);
    // A table id above 255 travels as RTA_TABLE.
    let mut link = RouteSpec::new(ip("10.78.0.0"), 16);
    link.oif = Some(eth0.index);
    link.table = 1000;
    link.scope = Some(RT_SCOPE_LINK);
    link.pref_src = Some(ip(A_V4));
    link.kind = Some(RTN_UNICAST);
    let mut v6 = RouteSpec::new(ip("fd00:77::"), 64);
    v6.via = Some(ip("fd00:99::3"));
    v6.table = 100;
    let mut rule = RuleSpec::to_table(Family::V4, 100);
    rule.from = Some((ip("10.99.0.0"), 24));
    rule.priority = Some(1000);
    let mut rule6 = RuleSpec::to_table(Family::V6, 1000);
    rule6.to = Some((ip("fd00:77::"), 64));
    rule6.priority = Some(1001);
    rule6.fwmark = Some(7);

    let routes = vec![via.clone(), link.clone(), v6.clone()];
    let rules = vec![rule.clone(), rule6.clone()];
    let (e1, e2) = lab.run_in(&a, move || {
        let mut nl = Netlink::open().unwrap();
        for r in &routes {
            nl.add_route(r).unwrap();
        }
        for r in &rules {
            nl.add_rule(r).unwrap();
        }
        (
            errno(nl.add_route(&routes[0])),
            errno(nl.add_rule(&rules[0])),
        )
    });
    assert_eq!((e1, e2), (libc::EEXIST, libc::EEXIST));

    let t100 = ip_json(&a, &["route", "show", "table", "100"]);
    let r = &t100[0];
    assert_eq!(r["dst"], "10.77.0.0/24");
    assert_eq!(r["gateway"], "10.99.0.3");
    assert_eq!(r["dev"], "eth0");
    assert_eq!(r["protocol"], "keepalived");
    assert_eq!(r["metric"], 50);
    let t1000 = ip_json(&a, &["route", "show", "table", "1000"]);
    let r = &t1000[0];
    assert_eq!(r["dst"], "10.78.0.0/16");
    assert_eq!(r["scope"], "link");
    assert_eq!(r["prefsrc"], A_V4);
    assert_eq!(r["protocol"], "keepalived");
    let t100v6 = ip_json(&a, &["-6", "route", "show", "table", "100"]);
    let r = &t100v6[0];
    assert_eq!(r["dst"], "fd00:77::/64");
    assert_eq!(r["gateway"], "fd00:99::3");
    assert_eq!(r["protocol"], "keepalived");

    let rules4 = ip_json(&a, &["rule", "show"]);
    let r = rules4
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["priority"] == 1000)
        .expect("rule added");
    assert_eq!(r["src"], "10.99.0.0");
    assert_eq!(r["srclen"], 24);
    assert_eq!(r["table"], "100");
    assert_eq!(r["protocol"], "keepalived");
    let rules6 = ip_json(&a, &["-6", "rule", "show"]);
    let r = rules6
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["priority"] == 1001)
        .expect("IPv6 rule added");
    assert_eq!(r["dst"], "fd00:77::");
    assert_eq!(r["dstlen"], 64);
    assert_eq!(r["table"], "1000");
    assert_eq!(r["fwmark"], "0x7");

    let routes = vec![via, link, v6];
    let rules = vec![rule, rule6];
    let (route_errs, rule_errs) = lab.run_in(&a, move || {
        let mut nl = Netlink::open().unwrap();
        for r in &routes {
            nl.del_route(r).unwrap();
        }
        for r in &rules {
            nl.del_rule(r).unwrap();
        }
        (
            routes
                .iter()
                .map(|r| errno(nl.del_route(r)))
                .collect::<Vec<_>>(),
            rules
                .iter()
                .map(|r| errno(nl.del_rule(r)))
                .collect::<Vec<_>>(),
        )
    });
    assert_eq!(route_errs, vec![libc::ESRCH; 3]);
    assert_eq!(rule_errs, vec![libc::ENOENT; 2]);
    assert_eq!(
        ip_json(&a, &["route", "show", "table", "100"]),
        Value::Array(vec![])
    );
    assert_eq!(
        ip_json(&a, &["route", "show", "table", "1000"]),
        Value::Array(vec![])
    );
    assert_eq!(
        ip_json(&a, &["-6", "route", "show", "table", "100"]),
        Value::Array(vec![])
    );
    assert!(!ip_json(&a, &["rule", "show"])
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["priority"] == 1000));
}

#[test]
fn a_route_of_another_protocol_is_not_deleted() {
    let Some(lab) = lab("a_route_of_another_protocol_is_not_deleted") else {
        return;
    };
    let a = lab.a.clone();
    run(
        "ip",
        &[
            "-n",
            &a,
            "route",
            "add",
            "10.79.0.0/24",
            "via",
            "10.99.0.3",
            "proto",
            "static",
        ],
    );
    let e = lab.run_in(&a, || {
        let mut nl = Netlink::open().unwrap();
        let mut r = RouteSpec::new(ip("10.79.0.0"), 24);
        r.via = Some(ip("10.99.0.3"));
        errno(nl.del_route(&r))
    });
    assert_eq!(e, libc::ESRCH);
    let main = ip_json(&a, &["route", "show", "10.79.0.0/24"]);
    assert_eq!(main[0]["protocol"], "static");
}

/// Read the monitor until an event satisfying `want` arrives.
fn expect_event(
    mon: &mut Monitor,
    what: &str,
    want: impl Fn(&NetEvent) -> bool,
    seen: &mut Vec<NetEvent>,
) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut evs = Vec::new();
        mon.read_events(&mut evs).unwrap();
        let hit = evs.iter().any(&want);
        seen.extend(evs);
        if hit {
            return;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "no {what} event; saw {seen:#?}");
        wait_readable(mon.as_raw_fd(), left.as_millis() as i32).unwrap();
    }
}

#[test]
fn monitor_reports_link_and_address_changes() {
    let Some(lab) = lab("monitor_reports_link_and_address_changes") else {
        return;
    };
    let a = lab.a.clone();
    // Opened inside the namespace; the socket stays bound to it when read
    // from this thread.
    let mut mon = lab.run_in(&a, || Monitor::open().unwrap());
    let eth0 = lab.run_in(&a, || Interface::by_name("eth0").unwrap());

    // Nothing queued: returns at once, without blocking.
    let t = Instant::now();
    let mut evs = Vec::new();
    mon.read_events(&mut evs).unwrap();
    assert!(evs.is_empty(), "{evs:?}");
    assert!(t.elapsed() < Duration::from_secs(1));

    let mut seen = Vec::new();
    run("ip", &["-n", &a, "link", "set", "eth0", "down"]);
    expect_event(
        &mut mon,
        "link down",
        |e| matches!(e, NetEvent::LinkDown(l) if l.index == eth0.index && l.name == "eth0"),
        &mut seen,
    );
    run("ip", &["-n", &a, "link", "set", "eth0", "up"]);
    expect_event(
        &mut mon,
        "link up",
        |e| matches!(e, NetEvent::LinkUp(l) if l.index == eth0.index && l.is_up()),
        &mut seen,
    );
    // The peer going down takes the carrier away: down for us too.
    run("ip", &["-n", &lab.b, "link", "set", "eth0", "down"]);
    expect_event(
        &mut mon,
        "carrier loss",
        |e| matches!(e, NetEvent::LinkDown(l) if l.index == eth0.index),
        &mut seen,
    );
    run("ip", &["-n", &lab.b, "link", "set", "eth0", "up"]);
    expect_event(
        &mut mon,
        "carrier back",
        |e| matches!(e, NetEvent::LinkUp(l) if l.index == eth0.index),
        &mut seen,
    );

    run(
        "ip",
        &["-n", &a, "addr", "add", "10.99.0.55/24", "dev", "eth0"],
    );
    expect_event(
        &mut mon,
        "address added",
        |e| {
            matches!(e, NetEvent::AddressAdded(ad)
                if ad.addr == ip("10.99.0.55") && ad.prefix_len == 24 && ad.index == eth0.index)
        },
        &mut seen,
    );
    run(
        "ip",
        &["-n", &a, "addr", "del", "10.99.0.55/24", "dev", "eth0"],
    );
    expect_event(
        &mut mon,
        "address removed",
        |e| matches!(e, NetEvent::AddressRemoved(ad) if ad.addr == ip("10.99.0.55")),
        &mut seen,
    );
    run(
        "ip",
        &[
            "-n",
            &a,
            "addr",
            "add",
            "fd00:99::55/64",
            "dev",
            "eth0",
            "nodad",
        ],
    );
    expect_event(
        &mut mon,
        "IPv6 address added",
        |e| matches!(e, NetEvent::AddressAdded(ad) if ad.addr == ip("fd00:99::55")),
        &mut seen,
    );

    run(
        "ip",
        &[
            "-n", &a, "link", "add", "vx0", "type", "veth", "peer", "name", "vx1",
        ],
    );
    expect_event(
        &mut mon,
        "link added",
        |e| matches!(e, NetEvent::LinkAdded(l) if l.name == "vx0" && !l.is_up()),
        &mut seen,
    );
    run("ip", &["-n", &a, "link", "del", "vx0"]);
    expect_event(
        &mut mon,
        "link deleted",
        |e| matches!(e, NetEvent::LinkDeleted(l) if l.name == "vx0"),
        &mut seen,
    );
    // Nothing reported twice as "added" for eth0 along the way.
    assert!(!seen
        .iter()
        .any(|e| matches!(e, NetEvent::LinkAdded(l) if l.index == eth0.index)));
}
