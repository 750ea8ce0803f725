//! The formatters against files keepalived 2.2.7 wrote (testdata/, from
//! Debian's /usr/sbin/keepalived in a network namespace, with the runtime
//! values of that run fed back in), and their building blocks.

use super::text::{ctime_then_us, ctime_us, fmt_g};
use super::*;
use crate::config::model::Config;
use crate::config::vrrp::instance::{Completion, Family};
use crate::vrrp::machine::{State, Time};

const MASTER_CONF: &str = "global_defs {
 router_id dumpref
}
vrrp_script chk_true {
 script \"/usr/bin/true\"
 interval 1
 weight -20
}
vrrp_instance VI_1 {
 state MASTER
 interface eth0
 virtual_router_id 51
 priority 150
 advert_int 1
 authentication {
  auth_type PASS
  auth_pass secret
 }
 virtual_ipaddress {
  10.99.0.100/24
  10.99.0.101/24 dev eth0 label eth0:1
 }
 track_script {
  chk_true
 }
}
vrrp_instance VI_6 {
 state BACKUP
 interface eth0
 virtual_router_id 52
 priority 100
 version 3
 advert_int 0.5
 unicast_src_ip fd00:99::2
 unicast_peer {
  fd00:99::3
 }
 virtual_ipaddress {
  fd00:99::100/64
 }
}
";

const BACKUP_CONF: &str = "global_defs {
 router_id r5
 vrrp_garp_lower_prio_delay 7
}
vrrp_instance VI_P {
 interface eth0
 virtual_router_id 81
 priority 100
 advert_int 1
 virtual_ipaddress {
  10.99.0.160/24
 }
}
vrrp_instance VI_Q {
 interface eth0
 virtual_router_id 82
 priority 100
 advert_int 0.5
 virtual_ipaddress {
  fd00:99::160/64
 }
}
";

/// Parse, then make up for what the test host lacks (an eth0; root): the
/// instances as keepalived completed them on the host the files come from.
fn config(text: &str) -> Config {
    let mut cfg = crate::config::testutil::parse(text).config;
    for inst in &mut cfg.vrrp.instances.list {
        inst.interface = Some("eth0".into());
        if inst.completion != Completion::Done {
            let v6 = inst.vips.first().is_some_and(|v| v.addr.is_ipv6());
            inst.family = Some(if v6 { Family::V6 } else { Family::V4 });
            inst.unicast = !inst.unicast_peers.is_empty();
        }
    }
    for sc in &mut cfg.vrrp.track.scripts {
        if let Some(s) = &mut sc.script {
            s.uid = 0;
            s.gid = 0;
        }
    }
    cfg
}

/// The wall clock of the keepalived run, 1795437346.000000 (UTC), at
/// monotonic 1000 s.
fn clock() -> Clock {
    Clock {
        mono: Time(1_000_000_000),
        wall_us: 1_795_437_346_000_000,
        utc_offset: 0,
    }
}

/// The monotonic time of a wall-clock instant of that run.
fn at(wall_us: i64) -> Time {
    let c = clock();
    Time((c.mono.0 as i64 + (wall_us - c.wall_us)) as u64)
}

fn inst(name: &str, state: State) -> InstanceView {
    InstanceView {
        name: name.into(),
        state,
        wantstate: state,
        interface: Some("eth0".into()),
        src: None,
        master_addr: None,
        master_priority: 0,
        master_adver_int: 0,
        last_transition: Time(0),
        timer: None,
        ms_down_timer: 0,
        base_priority: 100,
        effective_priority: 100,
        total_priority: 100,
        vip_set: false,
        fds: None,
        faults: 0,
        track: Default::default(),
        old_checksum_detected: false,
        stats: Stats::default(),
    }
}

fn interfaces() -> Vec<InterfaceView> {
    vec![
        InterfaceView {
            index: 1,
            name: "lo".into(),
            flags: (libc::IFF_UP | libc::IFF_RUNNING | libc::IFF_LOOPBACK) as u32,
            hw_type: 772,
            mac: vec![0; 6],
            broadcast: vec![0; 6],
            mtu: 65536,
            ipv4: vec!["127.0.0.1".parse().unwrap()],
            ..Default::default()
        },
        InterfaceView {
            index: 2,
            name: "eth0".into(),
            flags: (libc::IFF_UP | libc::IFF_RUNNING | libc::IFF_BROADCAST | libc::IFF_MULTICAST)
                as u32,
            hw_type: 1,
            mac: vec![0xba, 0x5b, 0x27, 0x57, 0xfe, 0xcc],
            broadcast: vec![0xff; 6],
            mtu: 1500,
            ipv4: vec!["10.99.0.2".parse().unwrap()],
            ipv6: vec!["fe80::b85b:27ff:fe57:fecc".parse().unwrap()],
            ..Default::default()
        },
    ]
}

/// Both instances MASTER, as in testdata/master.*.
fn master_run() -> RuntimeView {
    let mut v1 = inst("VI_1", State::Master);
    v1.src = Some("10.99.0.2".parse().unwrap());
    v1.master_adver_int = 1_000_000;
    v1.last_transition = at(1_795_437_343_644_560);
    v1.timer = Some(at(1_795_437_345_644_893));
    v1.ms_down_timer = 3_414_062;
    (v1.base_priority, v1.effective_priority, v1.total_priority) = (150, 150, 150);
    v1.vip_set = true;
    v1.fds = Some((14, 15));
    v1.stats = Stats {
        advert_sent: 2,
        become_master: 1,
        ..Stats::default()
    };
    let mut v6 = inst("VI_6", State::Master);
    v6.src = Some("fd00:99::2".parse().unwrap());
    v6.master_adver_int = 500_000;
    v6.last_transition = at(1_795_437_342_035_400);
    v6.timer = Some(at(1_795_437_345_536_422));
    v6.ms_down_timer = 1_804_687;
    v6.vip_set = true;
    v6.fds = Some((16, 17));
    v6.stats = Stats {
        advert_sent: 7,
        become_master: 1,
        ..Stats::default()
    };
    let mut ifs = interfaces();
    ifs[1].forwarding_check = Some((at(1_795_437_342_035_303), false));
    RuntimeView {
        clock: clock(),
        instances: vec![v1, v6],
        sockets: vec![
            SocketView {
                fd_in: 14,
                fd_out: 15,
                interface: "eth0".into(),
                ipv6: false,
                unicast_src: None,
                members: vec![("VI_1".into(), 51)],
            },
            SocketView {
                fd_in: 16,
                fd_out: 17,
                interface: "eth0".into(),
                ipv6: true,
                unicast_src: Some("fd00:99::2".parse().unwrap()),
                members: vec![("VI_6".into(), 52)],
            },
        ],
        interfaces: ifs,
    }
}

fn snapshot<'a>(cfg: &'a Config, run: &'a RuntimeView) -> Snapshot<'a> {
    Snapshot {
        config: cfg,
        run,
        umask: 0o177,
        default_script_user: Some((0, 0)),
    }
}

/// The first differing line, for a readable failure.
fn same(ours: &str, theirs: &str) {
    for (n, (a, b)) in ours.lines().zip(theirs.lines()).enumerate() {
        assert_eq!(a, b, "line {}", n + 1);
    }
    assert_eq!(ours.lines().count(), theirs.lines().count(), "{ours}");
    assert_eq!(ours, theirs);
}

#[test]
fn data_file_matches_keepalived() {
    let cfg = config(MASTER_CONF);
    let run = master_run();
    let s = snapshot(&cfg, &run);
    same(&data(&s), include_str!("testdata/master.data"));
    same(
        &parent_data(&s),
        include_str!("testdata/master_parent.data"),
    );
}

#[test]
fn stats_and_json_match_keepalived() {
    let cfg = config(MASTER_CONF);
    let run = master_run();
    let s = snapshot(&cfg, &run);
    same(&stats(&s), include_str!("testdata/master.stats"));
    same(
        &json(&s).expect("instances"),
        include_str!("testdata/master.json"),
    );
}

#[test]
fn backup_instances_match_keepalived() {
    let cfg = config(BACKUP_CONF);
    let mut p = inst("VI_P", State::Backup);
    p.src = Some("10.99.0.2".parse().unwrap());
    p.master_addr = Some("10.99.0.3".parse().unwrap());
    p.master_priority = 200;
    p.master_adver_int = 1_000_000;
    p.last_transition = at(1_795_438_409_186_431);
    p.timer = Some(at(1_795_438_417_167_019));
    p.ms_down_timer = 3_609_375;
    p.fds = Some((14, 15));
    let mut q = inst("VI_Q", State::Backup);
    q.src = Some("fe80::b85b:27ff:fe57:fecc".parse().unwrap());
    q.master_addr = Some("fe80::483a:baff:febd:2cbb".parse().unwrap());
    q.master_priority = 200;
    q.master_adver_int = 500_000;
    q.last_transition = at(1_795_438_409_186_436);
    q.timer = Some(at(1_795_438_415_780_626));
    q.ms_down_timer = 1_804_687;
    q.fds = Some((16, 17));
    let run = RuntimeView {
        clock: clock(),
        instances: vec![p, q],
        sockets: vec![],
        interfaces: interfaces(),
    };
    let text = data(&snapshot(&cfg, &run));
    let start = text.find(" VRRP Instance = VI_P").unwrap();
    let end = text.find("------< Interfaces").unwrap();
    same(&text[start..end], include_str!("testdata/backup.topology"));
}

#[test]
fn an_unknown_master_shows_the_last_address_formatted() {
    // keepalived prints a stale static buffer for a master it has not
    // heard from: in a dump, the last socket address written before.
    let cfg = config(BACKUP_CONF);
    let run = RuntimeView {
        clock: clock(),
        instances: vec![inst("VI_P", State::Backup)],
        sockets: vec![],
        interfaces: vec![],
    };
    let text = data(&snapshot(&cfg, &run));
    assert!(
        text.contains("   State = BACKUP\n   Master router = ff02::12\n   Master priority = 0\n"),
        "{text}"
    );
}

#[test]
fn the_parent_leaves_vrrp_defaults_unset() {
    let cfg = config(BACKUP_CONF);
    let run = master_run();
    let s = snapshot(&cfg, &run);
    let parent = parent_data(&s);
    assert!(parent.contains(" Gratuitous ARP lower priority delay = 7\n"));
    assert!(parent.contains(" Gratuitous ARP lower priority repeat = 4294967295\n"));
    assert!(!parent.contains("Default interface"));
    let child = data(&s);
    assert!(child.contains(" Gratuitous ARP lower priority repeat = 5\n"));
    assert!(child.contains(" Default interface = eth0\n"));
}

#[test]
fn stats_clear_counters_map_to_keepalived_fields() {
    use crate::vrrp::receive::{Accepted, Reject};
    let mut rx = Counters::default();
    let ok = |p| {
        Ok(Accepted {
            advert: crate::vrrp::machine::Received {
                src: "10.0.0.1".parse().unwrap(),
                priority: p,
                interval: crate::vrrp::packet::WireInterval::Seconds(1),
            },
            detected_old_checksum: false,
            ah_seq: None,
        })
    };
    let _ = rx.count(ok(100));
    let _ = rx.count(ok(0));
    for r in [
        Reject::LengthMismatch,
        Reject::TtlError,
        Reject::PeerTtl,
        Reject::InvalidType,
        Reject::AddressListError,
        Reject::AddressMissing,
        Reject::WrongCast,
        Reject::InvalidAuthType,
        Reject::AuthTypeMismatch,
        Reject::AuthFailure,
        Reject::IntervalMismatch,
        Reject::VersionError,
        Reject::ChecksumError,
        Reject::TooShort,
    ] {
        let _ = rx.count(Err(r));
    }
    let tx = SentCounters {
        advert_sent: 9,
        pri_zero_sent: 1,
        become_master: 2,
        release_master: 1,
    };
    let st = Stats::new(&rx, &tx);
    assert_eq!(
        st,
        Stats {
            // Accepted, plus the rejections after the count point.
            advert_rcvd: 4,
            advert_sent: 9,
            become_master: 2,
            release_master: 1,
            packet_len_err: 1,
            // 2.2.7 drops interval mismatches without counting them.
            advert_interval_err: 0,
            ip_ttl_err: 2,
            invalid_type_rcvd: 1,
            addr_list_err: 3,
            invalid_authtype: 1,
            authtype_mismatch: 1,
            auth_failure: 1,
            pri_zero_rcvd: 1,
            pri_zero_sent: 1,
        }
    );
}

#[test]
fn percent_g_like_c() {
    for (v, s) in [
        (5.0, "5"),
        (0.5, "0.5"),
        (1.0, "1"),
        (0.01, "0.01"),
        (40.95, "40.95"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (100000.0, "100000"),
        (1234567.0, "1.23457e+06"),
        (2.5e-7, "2.5e-07"),
        (0.0, "0"),
        (1.5, "1.5"),
    ] {
        assert_eq!(fmt_g(v), s, "{v}");
    }
}

#[test]
fn ctime_like_c() {
    let c = Clock {
        mono: Time(0),
        wall_us: 0,
        utc_offset: 0,
    };
    assert_eq!(ctime_us(&c, 0), "Thu Jan  1 00:00:00.000000 1970");
    assert_eq!(
        ctime_us(&c, 1_795_437_343_644_560),
        "Mon Nov 23 12:35:43.644560 2026"
    );
    assert_eq!(
        ctime_then_us(&c, 1_795_437_342_035_303),
        "Mon Nov 23 12:35:42 2026.035303"
    );
    // 2024-02-29, a leap day, in UTC+2.
    let east = Clock {
        utc_offset: 7200,
        ..c
    };
    assert_eq!(
        ctime_us(&east, 1_709_164_800_000_001),
        "Thu Feb 29 02:00:00.000001 2024"
    );
}

#[test]
fn data_use_instance_names_the_data_files() {
    let mut g = crate::config::global::model::Global::default();
    assert_eq!(data_file_name(&g, DATA_FILE), "keepalived.data");
    g.data_use_instance = true;
    assert_eq!(data_file_name(&g, DATA_FILE), "keepalived.data");
    g.instance_name = Some("i1".into());
    assert_eq!(data_file_name(&g, DATA_FILE), "keepalived.i1.data");
    g.net_namespace = Some("ns".into());
    assert_eq!(
        data_file_name(&g, PARENT_DATA_FILE),
        "keepalived_parent.ns_i1.data"
    );
}

#[test]
fn json_escapes_like_keepalived() {
    let mut o = String::new();
    super::json::quote_for_test(&mut o, "a/b\"c\\d\te");
    // keepalived's writer turns a backslash into "\n".
    assert_eq!(o, "\"a\\/b\\\"c\\nd\\te\"");
}

#[test]
fn strict_mode_defaults_the_nftables_table_in_the_vrrp_process() {
    let cfg = config(&format!(
        "global_defs {{\n vrrp_strict\n}}\n{}",
        &BACKUP_CONF[BACKUP_CONF.find("vrrp_instance").unwrap()..]
    ));
    let run = master_run();
    let s = snapshot(&cfg, &run);
    let table = " nftables table name = keepalived\n nftables base chain priority = -1\n \
                 nftables don't force use ifindex for link local IPv6\n";
    assert!(data(&s).contains(table), "{}", data(&s));
    assert!(data(&s).contains("   Enforcing strict VRRP compliance\n"));
    assert!(!parent_data(&s).contains("nftables table name"));
}
