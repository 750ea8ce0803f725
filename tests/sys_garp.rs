//! Gratuitous ARP and unsolicited NA on a real kernel, in throwaway
//! network namespaces: the frames we send arrive byte for byte as laid out,
//! the peer's kernel accepts them (its neighbour entry for the VIP moves to
//! our MAC), and they are identical to the ones Debian's keepalived 2.2.7
//! sends when it takes over the same addresses.
//! Needs root; skips (and passes) without it.

mod sys_support;

use keepalived_rs::sys::garp::{garp_frame, ipv6_forwarding, unsolicited_na_frame, LinkSender};
use keepalived_rs::sys::vrrp_socket::Interface;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};
use sys_support::{have_keepalived, ip_json, ka_instance, lab, run, wait_for, Capture, Lab};

const VIP4: &str = "10.99.0.100";
const VIP6: &str = "fd00:99::100";
const STALE_MAC: &str = "02:00:00:00:00:99";

fn mac_str(m: [u8; 6]) -> String {
    m.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The link-layer address `ns` has for `addr` on eth0, if any.
fn neighbour(ns: &str, addr: &str) -> Option<String> {
    let v = ip_json(ns, &["neigh", "show", "dev", "eth0", "to", addr]);
    v.as_array()?
        .iter()
        .find(|n| n["dst"] == addr)
        .and_then(|n| n["lladdr"].as_str().map(str::to_string))
}

fn is_garp_for(f: &[u8], vip: Ipv4Addr) -> bool {
    f.len() >= 42 && f[12..14] == [0x08, 0x06] && f[28..32] == vip.octets()
}

fn is_na_for(f: &[u8], vip: Ipv6Addr) -> bool {
    f.len() >= 78
        && f[12..14] == [0x86, 0xdd]
        && f[20] == 58
        && f[54] == 136
        && f[62..78] == vip.octets()
}

fn capture(lab: &Lab, ns: &str) -> Capture {
    lab.run_in(ns, || Capture::open("eth0"))
}

#[test]
fn garp_and_na_arrive_and_update_the_peer() {
    let Some(lab) = lab("garp_and_na_arrive_and_update_the_peer") else {
        return;
    };
    let vip4: Ipv4Addr = VIP4.parse().unwrap();
    let vip6: Ipv6Addr = VIP6.parse().unwrap();
    let mac = lab.mac(&lab.a);
    // The peer believes the VIPs are elsewhere.
    for vip in [VIP4, VIP6] {
        run(
            "ip",
            &[
                "-n", &lab.b, "neigh", "replace", vip, "lladdr", STALE_MAC, "dev", "eth0", "nud",
                "stale",
            ],
        );
        assert_eq!(neighbour(&lab.b, vip).as_deref(), Some(STALE_MAC));
    }
    let cap = capture(&lab, &lab.b);
    let router = lab.run_in(&lab.a, move || {
        let eth0 = Interface::by_name("eth0").unwrap();
        let tx = LinkSender::open().unwrap();
        tx.send_garp(&eth0, mac, vip4).unwrap();
        let router = ipv6_forwarding("eth0");
        tx.send_unsolicited_na(&eth0, mac, vip6, router).unwrap();
        router
    });
    assert!(!router, "a fresh namespace does not forward");

    let garp = cap
        .find(Duration::from_secs(3), |f| is_garp_for(f, vip4))
        .expect("GARP on the wire");
    assert_eq!(garp, garp_frame(mac, vip4));
    let na = cap
        .find(Duration::from_secs(3), |f| is_na_for(f, vip6))
        .expect("NA on the wire");
    assert_eq!(na, unsolicited_na_frame(mac, vip6, false));

    // The peer's kernel took both: checksum, hop limit and layout right.
    let want = mac_str(mac);
    for vip in [VIP4, VIP6] {
        assert!(
            wait_for(Duration::from_secs(3), || neighbour(&lab.b, vip).as_deref()
                == Some(want.as_str())),
            "{vip}: neighbour entry not updated: {:?}",
            neighbour(&lab.b, vip)
        );
    }
}

#[test]
fn router_flag_follows_forwarding() {
    let Some(lab) = lab("router_flag_follows_forwarding") else {
        return;
    };
    run(
        "ip",
        &[
            "netns",
            "exec",
            &lab.a,
            "sysctl",
            "-qw",
            "net.ipv6.conf.eth0.forwarding=1",
        ],
    );
    let vip6: Ipv6Addr = VIP6.parse().unwrap();
    let mac = lab.mac(&lab.a);
    let cap = capture(&lab, &lab.b);
    let router = lab.run_in(&lab.a, move || {
        let eth0 = Interface::by_name("eth0").unwrap();
        let router = ipv6_forwarding("eth0");
        LinkSender::open()
            .unwrap()
            .send_unsolicited_na(&eth0, mac, vip6, router)
            .unwrap();
        router
    });
    assert!(router);
    let na = cap
        .find(Duration::from_secs(3), |f| is_na_for(f, vip6))
        .expect("NA on the wire");
    assert_eq!(na[58], 0xa0, "Router and Override");
    assert_eq!(na, unsolicited_na_frame(mac, vip6, true));
}

#[test]
fn frames_match_real_keepalived() {
    let Some(mut lab) = lab("frames_match_real_keepalived") else {
        return;
    };
    if !have_keepalived() {
        eprintln!("SKIP: /usr/sbin/keepalived is not installed");
        return;
    }
    let vip4: Ipv4Addr = VIP4.parse().unwrap();
    let vip6: Ipv6Addr = VIP6.parse().unwrap();
    let mac = lab.mac(&lab.a);
    let cap = capture(&lab, &lab.b);
    let conf = format!(
        "{}{}",
        ka_instance(
            51,
            255,
            "MASTER",
            &format!(" virtual_ipaddress {{\n  {VIP4}/24\n }}")
        ),
        ka_instance(
            54,
            255,
            "MASTER",
            &format!(" virtual_ipaddress {{\n  {VIP6}/64\n }}")
        )
    );
    let log = lab.start_keepalived(&lab.a.clone(), "ka", &conf);

    // The first of each, in whatever order they come.
    let (mut garp, mut na) = (None, None);
    let deadline = Instant::now() + Duration::from_secs(10);
    while garp.is_none() || na.is_none() {
        let Some((f, _)) = cap.next(deadline.saturating_duration_since(Instant::now())) else {
            break;
        };
        if garp.is_none() && is_garp_for(&f, vip4) {
            garp = Some(f);
        } else if na.is_none() && is_na_for(&f, vip6) {
            na = Some(f);
        }
    }
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert_eq!(
        garp.as_deref(),
        Some(&garp_frame(mac, vip4)[..]),
        "keepalived's GARP differs from ours; log:\n{text}"
    );
    assert_eq!(
        na.as_deref(),
        Some(&unsolicited_na_frame(mac, vip6, false)[..]),
        "keepalived's NA differs from ours; log:\n{text}"
    );
}
