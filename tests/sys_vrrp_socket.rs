//! VRRP raw sockets on a real kernel, in throwaway network namespaces:
//! adverts from our send socket reach our receive socket (and the wire)
//! with TTL/hop limit 255, TOS/traffic class 0xc0 and a right checksum;
//! adverts from Debian's keepalived 2.2.7 are received and decoded; and
//! keepalived accepts ours (a backup hearing them never takes over).
//! Needs root; skips (and passes) without it.

mod sys_support;

use keepalived_rs::sys::sock::wait_readable;
use keepalived_rs::sys::vrrp_socket::{
    Family, Interface, Listen, RecvMeta, VrrpRecvSocket, VrrpSendSocket,
};
use keepalived_rs::vrrp::packet::{
    checksum, Advert, Auth, ChecksumMode, Ipv4Header, Version, WireInterval, IPPROTO_VRRP,
    VRRP_GROUP_V4, VRRP_GROUP_V6,
};
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};
use sys_support::{
    have_keepalived, ka_instance, lab, wait_for, Capture, Lab, A_V4, A_V6, B_V4, B_V6,
};

const V4_GROUP: IpAddr = IpAddr::V4(VRRP_GROUP_V4);
const V6_GROUP: IpAddr = IpAddr::V6(VRRP_GROUP_V6);

fn v4(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn v6(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

/// A whole IPv4 advert as keepalived sends it (ID 0: the kernel picks).
fn ipv4_packet(advert: &Advert, src: Ipv4Addr, dst: Ipv4Addr) -> Vec<u8> {
    let mode = match advert.version {
        Version::V2 => ChecksumMode::Plain,
        Version::V3 => ChecksumMode::Pseudo {
            src: IpAddr::V4(src),
            dst: IpAddr::V4(dst),
        },
    };
    let pdu = advert.encode(mode);
    let header = Ipv4Header {
        tos: 0xc0,
        id: 0,
        ttl: 255,
        protocol: IPPROTO_VRRP,
        src,
        dst,
    };
    let mut p = header.encode(pdu.len()).to_vec();
    p.extend_from_slice(&pdu);
    p
}

fn advert(version: Version, vrid: u8, priority: u8, addrs: &[&str]) -> Advert {
    Advert {
        version,
        vrid,
        priority,
        interval: match version {
            Version::V2 => WireInterval::Seconds(1),
            Version::V3 => WireInterval::Centiseconds(100),
        },
        addrs: addrs.iter().map(|a| a.parse().unwrap()).collect(),
        auth: Auth::None,
    }
}

/// Wait up to `timeout` for a packet on `sock`.
fn recv_within(sock: &VrrpRecvSocket, timeout: Duration) -> Option<(Vec<u8>, RecvMeta)> {
    let deadline = Instant::now() + timeout;
    let mut buf = vec![0u8; 2048];
    loop {
        match sock.recv(&mut buf) {
            Ok(meta) => return Some((buf[..meta.len].to_vec(), meta)),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => panic!("recv: {e}"),
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        wait_readable(sock.as_raw_fd(), left.as_millis().max(1) as i32).unwrap();
    }
}

/// Open a receive socket in `ns` and hand it back (it stays in `ns`).
fn recv_socket(lab: &Lab, ns: &str, listen: Listen) -> VrrpRecvSocket {
    lab.run_in(ns, move || {
        let eth0 = Interface::by_name("eth0").unwrap();
        VrrpRecvSocket::open(Some(&eth0), IPPROTO_VRRP, listen, None).unwrap()
    })
}

fn send_socket(lab: &Lab, ns: &str, family: Family, unicast: bool) -> VrrpSendSocket {
    lab.run_in(ns, move || {
        let eth0 = Interface::by_name("eth0").unwrap();
        VrrpSendSocket::open(family, IPPROTO_VRRP, Some(&eth0), unicast).unwrap()
    })
}

fn capture(lab: &Lab, ns: &str) -> Capture {
    lab.run_in(ns, || Capture::open("eth0"))
}

#[test]
fn ipv4_multicast_advert_reaches_the_peer() {
    let Some(lab) = lab("ipv4_multicast_advert_reaches_the_peer") else {
        return;
    };
    let rx = recv_socket(&lab, &lab.b, Listen::Multicast(V4_GROUP));
    // A receive socket on the sender's side: multicast loop is off, so it
    // must hear nothing.
    let rx_own = recv_socket(&lab, &lab.a, Listen::Multicast(V4_GROUP));
    let tx = send_socket(&lab, &lab.a, Family::V4, false);
    let cap = capture(&lab, &lab.b);
    let mut buf = [0u8; 64];
    assert_eq!(
        rx.recv(&mut buf).unwrap_err().kind(),
        ErrorKind::WouldBlock,
        "non-blocking"
    );

    let ad = advert(Version::V2, 51, 150, &["10.99.0.100", "10.99.0.101"]);
    let packet = ipv4_packet(&ad, v4(A_V4), VRRP_GROUP_V4);
    assert_eq!(tx.send_v4(&packet, VRRP_GROUP_V4).unwrap(), packet.len());

    let (got, meta) = recv_within(&rx, Duration::from_secs(3)).expect("advert received");
    assert_eq!(meta.src, IpAddr::V4(v4(A_V4)));
    assert_eq!(meta.dst, Some(V4_GROUP));
    assert!(meta.multicast());
    assert_eq!(meta.hop_limit, Some(255));
    assert_eq!(meta.payload_offset, 20);
    assert!(!meta.truncated);
    let (h, ihl) = Ipv4Header::decode(&got).unwrap();
    assert_eq!(h.tos, 0xc0);
    assert_eq!(h.ttl, 255);
    assert_eq!(h.protocol, 112);
    assert_ne!(h.id, 0, "the kernel fills in an IP ID");
    assert_eq!(checksum(&[&got[..ihl]]), 0, "IP header checksum");
    let back = Advert::decode(&got[ihl..], false, ChecksumMode::Plain).unwrap();
    assert_eq!(back, ad);

    // On the wire: to the VRRP group's MAC, from the sender's MAC.
    let frame = cap
        .find(Duration::from_secs(2), |f| {
            f.len() > 34 && f[12..14] == [8, 0] && f[23] == 112
        })
        .expect("advert on the wire");
    assert_eq!(frame[0..6], [0x01, 0x00, 0x5e, 0x00, 0x00, 0x12]);
    assert_eq!(frame[6..12], lab.mac(&lab.a));
    assert_eq!(frame[14..], got[..]);

    assert!(
        recv_within(&rx_own, Duration::from_millis(300)).is_none(),
        "multicast looped back to the sender"
    );
}

#[test]
fn ipv4_unicast_advert_reaches_the_peer() {
    let Some(lab) = lab("ipv4_unicast_advert_reaches_the_peer") else {
        return;
    };
    let rx = recv_socket(&lab, &lab.b, Listen::Unicast(IpAddr::V4(v4(B_V4))));
    let rx_mcast = recv_socket(&lab, &lab.b, Listen::Multicast(V4_GROUP));
    let tx = send_socket(&lab, &lab.a, Family::V4, true);

    let ad = advert(Version::V3, 56, 110, &["10.99.0.106"]);
    let packet = ipv4_packet(&ad, v4(A_V4), v4(B_V4));
    tx.send_v4(&packet, v4(B_V4)).unwrap();
    let (got, meta) = recv_within(&rx, Duration::from_secs(3)).expect("advert received");
    assert_eq!(meta.dst, Some(IpAddr::V4(v4(B_V4))));
    assert!(!meta.multicast());
    assert_eq!(meta.hop_limit, Some(255));
    let mode = ChecksumMode::Pseudo {
        src: IpAddr::V4(v4(A_V4)),
        dst: IpAddr::V4(v4(B_V4)),
    };
    assert_eq!(
        Advert::decode(&got[meta.payload_offset..], false, mode).unwrap(),
        ad
    );
    // The multicast socket is bound to the group: unicast stays out.
    assert!(recv_within(&rx_mcast, Duration::from_millis(300)).is_none());
}

#[test]
fn ipv6_multicast_advert_reaches_the_peer() {
    let Some(lab) = lab("ipv6_multicast_advert_reaches_the_peer") else {
        return;
    };
    let src = lab.link_local(&lab.a).unwrap();
    let rx = recv_socket(&lab, &lab.b, Listen::Multicast(V6_GROUP));
    let tx = send_socket(&lab, &lab.a, Family::V6, false);
    let cap = capture(&lab, &lab.b);

    let ad = advert(Version::V3, 54, 100, &["fd00:99::100", "fe80::100"]);
    // The checksum field is the kernel's to fill: send it zero.
    let mut pdu = ad.encode(ChecksumMode::Plain);
    pdu[6..8].copy_from_slice(&[0, 0]);
    tx.send_v6(&pdu, VRRP_GROUP_V6, Some(src), None).unwrap();

    let (got, meta) = recv_within(&rx, Duration::from_secs(3)).expect("advert received");
    assert_eq!(meta.src, IpAddr::V6(src));
    assert_eq!(meta.dst, Some(V6_GROUP));
    assert!(meta.multicast());
    assert_eq!(meta.hop_limit, Some(255));
    assert_eq!(meta.payload_offset, 0);
    let mode = ChecksumMode::Pseudo {
        src: IpAddr::V6(src),
        dst: V6_GROUP,
    };
    assert_eq!(
        Advert::decode(&got, true, mode).unwrap(),
        ad,
        "kernel checksum"
    );

    let frame = cap
        .find(Duration::from_secs(2), |f| {
            f.len() > 54 && f[12..14] == [0x86, 0xdd] && f[20] == 112
        })
        .expect("advert on the wire");
    assert_eq!(frame[0..6], [0x33, 0x33, 0, 0, 0, 0x12]);
    assert_eq!(frame[6..12], lab.mac(&lab.a));
    let traffic_class = ((frame[14] & 0x0f) << 4) | (frame[15] >> 4);
    assert_eq!(frame[14] >> 4, 6);
    assert_eq!(traffic_class, 0xc0);
    assert_eq!(frame[21], 255, "hop limit");
    assert_eq!(frame[22..38], src.octets());
    assert_eq!(frame[38..54], VRRP_GROUP_V6.octets());
    assert_eq!(frame[54..], got[..]);
}

#[test]
fn ipv6_unicast_advert_carries_the_hop_limit() {
    let Some(lab) = lab("ipv6_unicast_advert_carries_the_hop_limit") else {
        return;
    };
    let a_ll = lab.link_local(&lab.a).unwrap();
    let b_ll = lab.link_local(&lab.b).unwrap();
    let rx = recv_socket(&lab, &lab.b, Listen::Unicast(IpAddr::V6(v6(B_V6))));
    let rx_ll = recv_socket(&lab, &lab.b, Listen::Unicast(IpAddr::V6(b_ll)));
    let tx = send_socket(&lab, &lab.a, Family::V6, true);

    let ad = advert(Version::V3, 57, 120, &["fd00:99::107"]);
    let pdu = ad.encode(ChecksumMode::Plain);
    // unicast_ttl 7: an IPV6_HOPLIMIT control message.
    tx.send_v6(&pdu, v6(B_V6), Some(v6(A_V6)), Some(7)).unwrap();
    let (got, meta) = recv_within(&rx, Duration::from_secs(3)).expect("advert received");
    assert_eq!(meta.src, IpAddr::V6(v6(A_V6)));
    assert_eq!(meta.dst, Some(IpAddr::V6(v6(B_V6))));
    assert_eq!(meta.hop_limit, Some(7));
    assert!(!meta.multicast());
    let mode = ChecksumMode::Pseudo {
        src: IpAddr::V6(v6(A_V6)),
        dst: IpAddr::V6(v6(B_V6)),
    };
    assert_eq!(Advert::decode(&got, true, mode).unwrap(), ad);

    // Link-local to link-local (the scope comes from the interface), with
    // the kernel's default hop limit.
    tx.send_v6(&pdu, b_ll, Some(a_ll), None).unwrap();
    let (got, meta) = recv_within(&rx_ll, Duration::from_secs(3)).expect("advert received");
    assert_eq!(meta.src, IpAddr::V6(a_ll));
    assert_eq!(meta.dst, Some(IpAddr::V6(b_ll)));
    assert_eq!(meta.hop_limit, Some(64));
    let mode = ChecksumMode::Pseudo {
        src: IpAddr::V6(a_ll),
        dst: IpAddr::V6(b_ll),
    };
    assert_eq!(Advert::decode(&got, true, mode).unwrap(), ad);
}

#[test]
fn adverts_from_real_keepalived_are_received() {
    let Some(mut lab) = lab("adverts_from_real_keepalived_are_received") else {
        return;
    };
    if !have_keepalived() {
        eprintln!("SKIP: /usr/sbin/keepalived is not installed");
        return;
    }
    let rx4 = recv_socket(&lab, &lab.b, Listen::Multicast(V4_GROUP));
    let rx6 = recv_socket(&lab, &lab.b, Listen::Multicast(V6_GROUP));
    let conf = format!(
        "{}{}",
        ka_instance(
            51,
            255,
            "MASTER",
            " authentication {\n  auth_type PASS\n  auth_pass secret\n }\n \
             virtual_ipaddress {\n  10.99.0.100/24\n  10.99.0.101/24\n }"
        ),
        ka_instance(
            54,
            255,
            "MASTER",
            " virtual_ipaddress {\n  fd00:99::100/64\n }"
        )
    );
    lab.start_keepalived(&lab.a.clone(), "ka", &conf);
    let ka_ll = lab.link_local(&lab.a).unwrap();

    let (got, meta) =
        recv_within(&rx4, Duration::from_secs(8)).expect("IPv4 advert from keepalived");
    assert_eq!(meta.src, IpAddr::V4(v4(A_V4)));
    assert_eq!(meta.dst, Some(V4_GROUP));
    assert_eq!(meta.hop_limit, Some(255));
    let (h, ihl) = Ipv4Header::decode(&got).unwrap();
    assert_eq!((h.tos, h.ttl, h.protocol), (0xc0, 255, 112));
    let ad = Advert::decode(&got[ihl..], false, ChecksumMode::Plain).unwrap();
    assert_eq!(ad.vrid, 51);
    assert_eq!(ad.priority, 255);
    assert_eq!(ad.version, Version::V2);
    assert_eq!(ad.auth, Auth::pass("secret"));
    assert_eq!(ad.interval, WireInterval::Seconds(1));
    assert_eq!(
        ad.addrs,
        vec![IpAddr::V4(v4("10.99.0.100")), IpAddr::V4(v4("10.99.0.101"))]
    );

    let (got, meta) =
        recv_within(&rx6, Duration::from_secs(8)).expect("IPv6 advert from keepalived");
    assert_eq!(meta.src, IpAddr::V6(ka_ll));
    assert_eq!(meta.dst, Some(V6_GROUP));
    assert_eq!(meta.hop_limit, Some(255));
    let mode = ChecksumMode::Pseudo {
        src: IpAddr::V6(ka_ll),
        dst: V6_GROUP,
    };
    let ad = Advert::decode(&got, true, mode).unwrap();
    assert_eq!((ad.version, ad.vrid, ad.priority), (Version::V3, 54, 255));
    assert_eq!(ad.interval, WireInterval::Centiseconds(100));
    assert_eq!(ad.addrs, vec![IpAddr::V6(v6("fd00:99::100"))]);
}

fn log_has(path: &std::path::Path, needle: &str) -> bool {
    std::fs::read_to_string(path).is_ok_and(|s| s.contains(needle))
}

#[test]
fn real_keepalived_accepts_our_adverts() {
    let Some(mut lab) = lab("real_keepalived_accepts_our_adverts") else {
        return;
    };
    if !have_keepalived() {
        eprintln!("SKIP: /usr/sbin/keepalived is not installed");
        return;
    }
    // keepalived in b is a backup at priority 100 for VRID 60 (IPv4, v2)
    // and VRID 61 (IPv6, v3). We play a master at priority 200 from a. If
    // keepalived accepts our adverts (TTL, checksum, VIP list, interval all
    // checked), it stays backup; when we stop, it takes over.
    let tx4 = send_socket(&lab, &lab.a, Family::V4, false);
    let tx6 = send_socket(&lab, &lab.a, Family::V6, false);
    let a_ll = lab.link_local(&lab.a).unwrap();
    let ad4 = advert(Version::V2, 60, 200, &["10.99.0.160"]);
    let ad6 = advert(Version::V3, 61, 200, &["fd00:99::161"]);
    let packet4 = ipv4_packet(&ad4, v4(A_V4), VRRP_GROUP_V4);
    let pdu6 = ad6.encode(ChecksumMode::Plain);

    let stop = Arc::new(AtomicBool::new(false));
    let (sent_tx, sent_rx) = mpsc::channel();
    let stop2 = stop.clone();
    let sender = std::thread::spawn(move || {
        while !stop2.load(Ordering::Relaxed) {
            tx4.send_v4(&packet4, VRRP_GROUP_V4).unwrap();
            tx6.send_v6(&pdu6, VRRP_GROUP_V6, Some(a_ll), None).unwrap();
            let _ = sent_tx.send(());
            std::thread::sleep(Duration::from_millis(1000));
        }
    });
    sent_rx.recv().unwrap();

    let conf = format!(
        "{}{}",
        ka_instance(
            60,
            100,
            "BACKUP",
            " virtual_ipaddress {\n  10.99.0.160/24\n }"
        ),
        ka_instance(
            61,
            100,
            "BACKUP",
            " virtual_ipaddress {\n  fd00:99::161/64\n }"
        )
    );
    let log = lab.start_keepalived(&lab.b.clone(), "ka", &conf);
    assert!(
        wait_for(Duration::from_secs(8), || log_has(
            &log,
            "(VI_60) Entering BACKUP STATE"
        ) && log_has(
            &log,
            "(VI_61) Entering BACKUP STATE"
        )),
        "keepalived did not start: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    // Twice the master down interval (3 x 1 s + skew) with our adverts.
    std::thread::sleep(Duration::from_secs(7));
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    stop.store(true, Ordering::Relaxed);
    sender.join().unwrap();
    assert!(
        !text.contains("Entering MASTER STATE"),
        "keepalived took over while we advertised:\n{text}"
    );
    for bad in ["checksum", "TTL", "ttl", "invalid", "bad"] {
        assert!(
            !text.lines().any(|l| l.contains("VI_6") && l.contains(bad)),
            "keepalived complained ({bad}):\n{text}"
        );
    }
    // Silence: now it must take over, so the check above could fail.
    assert!(
        wait_for(Duration::from_secs(8), || log_has(
            &log,
            "(VI_60) Entering MASTER STATE"
        ) && log_has(
            &log,
            "(VI_61) Entering MASTER STATE"
        )),
        "keepalived never took over:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
}
