//! Tests of address, route and rule entries and the static_* blocks, on a
//! fake host (fixed interfaces and /etc/iproute2 files) so that they do not
//! depend on the machine.
#![cfg(test)]

use super::ipaddr::{self, IpAddress, Lifetime};
use super::net_addr::Family;
use super::net_names::{rtn, RTPROT_KEEPALIVED};
use super::route::{self, AddMode, Encap, Metric, Route, RouterPref};
use super::rule::{self, Range, Rule, RuleAction};
use super::track::TrackGroup;
use crate::config::diag::Class;
use crate::config::host::{FileStat, Host, User};
use crate::config::lexer;
use crate::config::parser::{Args, Ctx};
use crate::config::preproc::{Line, Reader};
use crate::config::source::Pos;
use crate::config::{load, LoadOptions, Loaded};
use crate::sys::host::SystemHost;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A machine with the interfaces lo, eth0, eth1 and vrf-blue (a VRF), and
/// its own /etc/iproute2 files. Everything else is the real host.
struct FakeHost {
    ifaces: Vec<&'static str>,
    files: Vec<(&'static str, String)>,
}

impl Default for FakeHost {
    fn default() -> Self {
        FakeHost {
            ifaces: vec!["lo", "eth0", "eth1", "vrf-blue"],
            files: vec![
                (
                    "/etc/iproute2/rt_tables",
                    "#\n# reserved values\n#\n255\tlocal\n254\tmain\n253\tdefault\n0\tunspec\n#\n100 vips\n0x65 hexname\n-5 negative\n300 too many words\n"
                        .to_string(),
                ),
                ("/etc/iproute2/rt_protos", "18 keepalived\n99 openr\n".to_string()),
                ("/etc/iproute2/rt_realms", "0 cosmos\n7 east\n9 west\n".to_string()),
                ("/etc/iproute2/rt_dsfield", "0x10 lowdelay\n".to_string()),
                ("/etc/iproute2/rt_scopes", "0 global\n200 site\n".to_string()),
                ("/etc/iproute2/group", "0 default\n12 uplinks\n".to_string()),
                (
                    "/etc/protocols",
                    "# comment\nip\t0\tIP\ntcp\t6\tTCP\t# transmission\nudp\t17\tUDP\nweird\t300\n".to_string(),
                ),
                (
                    "/sys/class/net/vrf-blue/uevent",
                    "DEVTYPE=vrf\nINTERFACE=vrf-blue\nIFINDEX=5\n".to_string(),
                ),
                ("/sys/class/net/lo/uevent", "INTERFACE=lo\nIFINDEX=1\n".to_string()),
            ],
        }
    }
}

impl Host for FakeHost {
    fn short_hostname(&self) -> String {
        "fake".into()
    }
    fn interface_exists(&self, name: &str) -> bool {
        self.ifaces.contains(&name)
    }
    fn interface_addresses(&self, _: &str) -> Vec<(IpAddr, u8)> {
        Vec::new()
    }
    fn user(&self, name: &str) -> Option<User> {
        SystemHost.user(name)
    }
    fn group(&self, name: &str) -> Option<u32> {
        SystemHost.group(name)
    }
    fn euid(&self) -> u32 {
        SystemHost.euid()
    }
    fn egid(&self) -> u32 {
        SystemHost.egid()
    }
    fn stat(&self, path: &Path) -> Option<FileStat> {
        SystemHost.stat(path)
    }
    fn lstat(&self, path: &Path) -> Option<FileStat> {
        SystemHost.lstat(path)
    }
    fn realpath(&self, path: &Path) -> Option<PathBuf> {
        SystemHost.realpath(path)
    }
    fn search_path(&self) -> String {
        SystemHost.search_path()
    }
    fn resolve(&self, _: &str) -> Vec<IpAddr> {
        Vec::new()
    }
    fn read_to_string(&self, path: &Path) -> Option<String> {
        self.files
            .iter()
            .find(|(p, _)| Path::new(p) == path)
            .map(|(_, t)| t.clone())
    }
}

/// Parse a whole configuration under `-t` rules on the fake host.
fn load_fake(text: &str, host: &FakeHost) -> Loaded {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ka-net-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("keepalived.conf");
    std::fs::write(&file, text).expect("write config");
    let l = load(
        &LoadOptions {
            file: file.display().to_string(),
            config_id: Some("testnode".into()),
            all_config: false,
            config_test: true,
        },
        host,
    );
    let _ = std::fs::remove_dir_all(&dir);
    l
}

fn conf(text: &str) -> Loaded {
    load_fake(text, &FakeHost::default())
}

fn report(l: &Loaded) -> String {
    l.diags.render(&l.sources)
}

/// One entry line as the value block hands it over.
fn args(text: &str) -> Args {
    let (words, _) = lexer::words(text);
    Args::new(
        Line {
            text: text.to_string(),
            pos: Pos {
                file: 0,
                line: 1,
                col: 1,
            },
            expanded: false,
        },
        words,
    )
}

fn classes(ctx: &Ctx) -> Vec<Class> {
    ctx.reader
        .diags
        .items
        .iter()
        .filter_map(|d| d.class)
        .collect()
}

fn ctx(host: &FakeHost) -> Ctx<'_> {
    Ctx::new(Reader::new("testnode", 0), host, false)
}

/// Parse one address entry; returns it and the classes reported.
fn addr(text: &str, is_static: bool) -> (Option<IpAddress>, Vec<Class>) {
    let host = FakeHost::default();
    let mut c = ctx(&host);
    let r = ipaddr::parse_ip_address(&mut c, &args(text), is_static).expect("no missing word");
    (r, classes(&c))
}

fn route_of(text: &str) -> (Option<Route>, Vec<Class>) {
    let host = FakeHost::default();
    let mut c = ctx(&host);
    let r = route::parse_route(&mut c, &args(text), true).expect("no missing word");
    (r, classes(&c))
}

fn rule_of(text: &str) -> (Option<Rule>, Vec<Class>) {
    let host = FakeHost::default();
    let mut c = ctx(&host);
    let r = rule::parse_rule(&mut c, &args(text), true).expect("no missing word");
    (r, classes(&c))
}

fn ok_route(text: &str) -> Route {
    let (r, cl) = route_of(text);
    assert!(cl.is_empty(), "{text}: unexpected {cl:?}");
    r.unwrap_or_else(|| panic!("{text}: route dropped"))
}

fn ok_rule(text: &str) -> Rule {
    let (r, cl) = rule_of(text);
    assert!(cl.is_empty(), "{text}: unexpected {cl:?}");
    r.unwrap_or_else(|| panic!("{text}: rule dropped"))
}

fn v4(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

// ---- addresses ------------------------------------------------------------

#[test]
fn address_defaults() {
    let (a, cl) = addr("192.168.1.10 dev lo", false);
    assert!(cl.is_empty(), "{cl:?}");
    let a = a.expect("kept");
    assert_eq!(a.addr, v4("192.168.1.10"));
    assert_eq!(a.family(), Family::Inet);
    assert_eq!((a.prefix_len, a.prefix_given), (32, false));
    assert_eq!(a.dev.as_deref(), Some("lo"));
    assert!(!a.dev_defaulted);
    assert_eq!(a.scope, 0);
    assert_eq!(a.broadcast, None);
    assert_eq!(a.label, None);
    assert_eq!(a.peer, None);
    assert_eq!(a.flags, ipaddr::AddrFlags::default());
    assert!(!a.no_track && !a.use_vmac);
    assert_eq!(a.preferred_lft, None);
    assert_eq!(a.track_group, None);

    // A virtual address without dev keeps no interface (the instance's is
    // used later).
    let (a, cl) = addr("10.0.0.1/24", false);
    assert!(cl.is_empty());
    let a = a.expect("kept");
    assert_eq!((a.prefix_len, a.prefix_given), (24, true));
    assert_eq!(a.dev, None);
}

#[test]
fn ipv6_address_defaults() {
    let a = addr("fe80::1 dev lo", false).0.expect("kept");
    assert_eq!(a.family(), Family::Inet6);
    assert_eq!(a.prefix_len, 128);
    assert_eq!(a.preferred_lft, Some(Lifetime::Finite(Duration::ZERO)));
    let a = addr("2001:db8::1/64 dev lo", false).0.expect("kept");
    assert_eq!(a.prefix_len, 64);
    assert_eq!(a.preferred_lft, Some(Lifetime::Forever));
    let a = addr("2001:db8::1/64 dev lo preferred_lft 30", false)
        .0
        .expect("kept");
    assert_eq!(
        a.preferred_lft,
        Some(Lifetime::Finite(Duration::from_secs(30)))
    );
}

#[test]
fn every_address_option_lands() {
    let (a, cl) = addr(
        "10.1.2.3/24 dev eth0 scope link brd + label eth0:1 home -nodad mngtmpaddr noprefixroute autojoin no_track preferred_lft forever use_vmac",
        false,
    );
    assert!(cl.is_empty(), "{cl:?}");
    let a = a.expect("kept");
    assert_eq!(a.dev.as_deref(), Some("eth0"));
    assert_eq!(a.scope, 253);
    assert_eq!(a.broadcast, Some(Ipv4Addr::new(10, 1, 2, 255)));
    assert_eq!(a.label.as_deref(), Some("eth0:1"));
    assert!(a.flags.home && a.flags.nodad && a.flags.mngtmpaddr);
    assert!(a.flags.noprefixroute && a.flags.autojoin);
    assert!(a.no_track && a.use_vmac);
    assert_eq!(a.preferred_lft, Some(Lifetime::Forever));

    let a = addr("10.1.2.3/24 dev lo broadcast -", false)
        .0
        .expect("kept");
    assert_eq!(a.broadcast, Some(Ipv4Addr::new(10, 1, 2, 0)));
    let a = addr("10.1.2.3/24 dev lo brd 10.1.2.127", false)
        .0
        .expect("kept");
    assert_eq!(a.broadcast, Some(Ipv4Addr::new(10, 1, 2, 127)));
    // `+` wins over an explicit address whatever the order.
    let a = addr("10.1.2.3/24 dev lo brd + brd 10.1.2.127", false)
        .0
        .expect("kept");
    assert_eq!(a.broadcast, Some(Ipv4Addr::new(10, 1, 2, 255)));
    // Scopes by number (any base) and by rt_scopes name.
    assert_eq!(
        addr("1.2.3.4 dev lo scope 0x10", false).0.unwrap().scope,
        16
    );
    assert_eq!(
        addr("1.2.3.4 dev lo scope site", false).0.unwrap().scope,
        200
    );
    assert_eq!(
        addr("1.2.3.4 dev lo scope host", false).0.unwrap().scope,
        254
    );
    // A peer forces the full prefix.
    let a = addr("10.1.2.3 dev lo peer 10.1.2.4", false)
        .0
        .expect("kept");
    assert_eq!((a.peer, a.prefix_len), (Some(v4("10.1.2.4")), 32));
    let a = addr("1.2.3.4 dev lo preferred_lft 60", false)
        .0
        .expect("kept");
    assert_eq!(
        a.preferred_lft,
        Some(Lifetime::Finite(Duration::from_secs(60)))
    );
}

#[test]
fn static_only_and_virtual_only_options() {
    let host = FakeHost::default();
    let mut c = ctx(&host);
    c.cfg.vrrp.track.track_groups.push(TrackGroup {
        name: "tg1".into(),
        pos: Pos::default(),
        ..Default::default()
    });
    let a = ipaddr::parse_ip_address(&mut c, &args("1.2.3.4 dev lo track_group tg1"), true)
        .unwrap()
        .expect("kept");
    assert_eq!(a.track_group.as_deref(), Some("tg1"));
    assert!(classes(&c).is_empty());
    // track_group is not an option of virtual addresses, use_vmac not of
    // static ones.
    let (a, cl) = addr("1.2.3.4 dev lo track_group tg1", false);
    assert!(a.is_some());
    assert_eq!(cl, vec![Class::General, Class::General]);
    let (a, cl) = addr("1.2.3.4 dev lo use_vmac", true);
    assert!(!a.expect("kept").use_vmac);
    assert_eq!(cl, vec![Class::General]);
    // An undefined group is reported, the address kept.
    let (a, cl) = addr("1.2.3.4 dev lo track_group nosuch", true);
    assert_eq!(a.expect("kept").track_group, None);
    assert_eq!(cl, vec![Class::General]);
}

#[test]
fn invalid_addresses_are_skipped() {
    for text in [
        "xxx.xxx.xxx.xxx",
        "<vip>/24 dev lo",
        "%VIP%",
        "01.2.3.4 dev lo",
        "1.2.3.4.5",
    ] {
        let (a, cl) = addr(text, false);
        assert!(a.is_none(), "{text}");
        assert_eq!(cl, vec![Class::General], "{text}");
    }
    // A bad prefix keeps the address with the full prefix.
    for text in ["1.2.3.4/33 dev lo", "1.2.3.4/abc dev lo", "::1/129 dev lo"] {
        let (a, cl) = addr(text, false);
        let a = a.expect(text);
        assert_eq!(a.prefix_len, a.family().max_prefix());
        assert!(!a.prefix_given);
        assert_eq!(cl, vec![Class::General], "{text}");
    }
    // keepalived reads an empty prefix as 0.
    assert_eq!(addr("1.2.3.4/ dev lo", false).0.unwrap().prefix_len, 0);
}

#[test]
fn bad_address_options() {
    let cases: &[(&str, bool)] = &[
        // (entry, address kept)
        ("1.2.3.4 dev lo dev lo", false),
        ("1.2.3.4 dev lo label 0123456789abcdef", false),
        ("1.2.3.4 dev lo label", false),
        ("1.2.3.4 dev", false),
        ("1.2.3.4 dev lo brd 1.2.3", false),
        ("fe80::1/64 dev lo brd +", false),
        ("1.2.3.4 dev lo scope bogus", true),
        ("1.2.3.4 dev lo scope 256", true),
        ("1.2.3.4/31 dev lo brd +", true),
        ("1.2.3.4 dev lo peer 1.2.3.5 brd +", true),
        ("1.2.3.4/24 dev lo peer 1.2.3.5", true),
        ("1.2.3.4 dev lo peer 1.2.3.5/24", true),
        ("1.2.3.4 dev lo peer ::1", true),
        ("1.2.3.4 dev lo preferred_lft -1", true),
        ("1.2.3.4 dev lo preferred_lft 10x", true),
        ("fe80::1/64 dev lo scope link", true),
        ("fe80::1/64 dev lo label x", true),
        ("1.2.3.4 dev lo bogus", true),
    ];
    for (text, kept) in cases {
        let (a, cl) = addr(text, false);
        assert_eq!(a.is_some(), *kept, "{text}");
        assert_eq!(cl, vec![Class::General], "{text}");
    }
    // A second peer is reported, and its address read as an option.
    let (a, cl) = addr("1.2.3.4 dev lo peer 1.2.3.5 peer 1.2.3.6", false);
    assert_eq!(a.unwrap().peer, Some(v4("1.2.3.5")));
    assert_eq!(cl, vec![Class::General, Class::General]);
    // IPv6 scope and label are dropped.
    let a = addr("fe80::1/64 dev lo scope link label x", false)
        .0
        .unwrap();
    assert_eq!((a.scope, a.label), (0, None));
}

#[test]
fn missing_interface_marks_the_configuration() {
    let host = FakeHost::default();
    let mut c = ctx(&host);
    let r = ipaddr::parse_ip_address(&mut c, &args("1.2.3.4 dev nosuch"), false).unwrap();
    assert!(r.is_none());
    assert!(c.cfg.vrrp.non_existent_interface);
    assert_eq!(classes(&c), vec![Class::General]);
    // The general error outranks the bad-interface one: exit 5.
    let l = conf("static_ipaddress {\n 1.2.3.4 dev nosuch\n}\n");
    assert_eq!(l.exit_code(), 5, "{}", report(&l));
    assert!(l
        .diags
        .items
        .iter()
        .any(|d| d.class == Some(Class::BadInterface)));
}

#[test]
fn static_addresses_use_the_default_interface() {
    let host = FakeHost::default();
    let mut c = ctx(&host);
    let a = ipaddr::parse_ip_address(&mut c, &args("1.2.3.4"), true)
        .unwrap()
        .expect("kept");
    assert_eq!(a.dev.as_deref(), Some("eth0"));
    assert!(a.dev_defaulted);
    c.cfg.global.default_interface = Some("eth1".into());
    let a = ipaddr::parse_ip_address(&mut c, &args("1.2.3.5"), true)
        .unwrap()
        .expect("kept");
    assert_eq!(a.dev.as_deref(), Some("eth1"));
    assert!(classes(&c).is_empty());

    // No eth0: keepalived cannot run the configuration.
    let host = FakeHost {
        ifaces: vec!["lo"],
        ..FakeHost::default()
    };
    let mut c = ctx(&host);
    let r = ipaddr::parse_ip_address(&mut c, &args("1.2.3.4"), true).unwrap();
    assert!(r.is_none());
    assert_eq!(classes(&c), vec![Class::Fatal]);
    assert!(c.cfg.vrrp.non_existent_interface);
    let l = load_fake("static_ipaddress {\n 1.2.3.4\n}\n", &host);
    assert_eq!(l.exit_code(), 4, "{}", report(&l));

    // With dynamic_interfaces a missing interface is accepted.
    let mut c = ctx(&host);
    c.cfg.global.dynamic_interfaces = true;
    let a = ipaddr::parse_ip_address(&mut c, &args("1.2.3.4"), true)
        .unwrap()
        .expect("kept");
    assert_eq!(a.dev.as_deref(), Some("eth0"));
    let a = ipaddr::parse_ip_address(&mut c, &args("1.2.3.5 dev later0"), true)
        .unwrap()
        .expect("kept");
    assert_eq!(a.dev.as_deref(), Some("later0"));
    assert!(classes(&c).is_empty());
    assert!(!c.cfg.vrrp.non_existent_interface);
}

#[test]
fn lenient_reading_outside_test_mode() {
    let host = FakeHost::default();
    let mut c = Ctx::new(Reader::new("testnode", 0), &host, true);
    let a = ipaddr::parse_ip_address(&mut c, &args("1.2.3.4/24x dev lo preferred_lft 10x"), false)
        .unwrap()
        .expect("kept");
    assert_eq!(a.prefix_len, 24);
    assert_eq!(
        a.preferred_lft,
        Some(Lifetime::Finite(Duration::from_secs(10)))
    );
    assert_eq!(
        classes(&c),
        vec![Class::InvalidNumber, Class::InvalidNumber]
    );
}

// ---- routes ---------------------------------------------------------------

#[test]
fn route_defaults() {
    let r = ok_route("10.0.0.0/8 dev lo");
    assert_eq!(r.family, Family::Inet);
    assert_eq!(r.dst.addr, Some(v4("10.0.0.0")));
    assert_eq!(r.dst.len, 8);
    assert_eq!((r.route_type, r.type_given), (rtn::UNICAST, false));
    assert_eq!(r.table, 254);
    assert_eq!((r.scope, r.scope_given), (0, false));
    // Tracked routes get keepalived's protocol.
    assert_eq!(r.protocol, Some(RTPROT_KEEPALIVED));
    assert!(!r.no_track);
    assert_eq!(r.mode, AddMode::Prepend);
    assert_eq!(r.metric, None);
    assert_eq!(r.via, None);
    assert_eq!(r.metrics, route::RouteMetrics::default());
    assert!(r.nexthops.is_empty());

    // Without dev the route cannot be tracked: keepalived reports it.
    let (r, cl) = route_of("192.168.112.0/24 via 10.0.0.1");
    let r = r.expect("kept");
    assert!(r.no_track);
    assert_eq!(cl, vec![Class::General]);
    // no_track keeps the protocol as written.
    let r = ok_route("default via 10.0.0.1 protocol bird no_track");
    assert!(r.dst.is_default());
    assert_eq!(r.protocol, Some(12));
}

#[test]
fn every_route_option_lands() {
    let r = ok_route(
        "blackhole 10.0.0.0/8 src 10.0.0.1 via 10.0.0.2 dev eth0 table vips metric 7 protocol keepalived scope link tos lowdelay onlink realms east/west mtu lock 1400 hoplimit 64 advmss 1300 reordering 3 window 100 cwnd lock 10 ssthresh 5 initcwnd 11 initrwnd 12 rtt 1s rttvar lock 300ms rto_min 200ms features ecn quickack 1 congctl lock cubic fastopen_no_cookie 1 ttl-propagate enabled append",
    );
    assert_eq!((r.route_type, r.type_given), (rtn::BLACKHOLE, true));
    assert_eq!(r.src, Some(v4("10.0.0.1")));
    assert_eq!(r.via, Some(v4("10.0.0.2")));
    assert_eq!(r.dev.as_deref(), Some("eth0"));
    assert_eq!(r.table, 100);
    assert_eq!(r.metric, Some(7));
    assert_eq!(r.protocol, Some(18));
    assert_eq!((r.scope, r.scope_given), (253, true));
    assert_eq!(r.tos, Some(0x10));
    assert!(r.onlink);
    assert_eq!(r.realms, Some((7 << 16) | 9));
    let m = &r.metrics;
    assert_eq!(
        m.mtu,
        Some(Metric {
            value: 1400,
            locked: true
        })
    );
    assert_eq!(m.hoplimit, Some(64));
    assert_eq!(
        m.advmss,
        Some(Metric {
            value: 1300,
            locked: false
        })
    );
    assert_eq!(
        m.reordering,
        Some(Metric {
            value: 3,
            locked: false
        })
    );
    assert_eq!(m.window, Some(100));
    assert_eq!(
        m.cwnd,
        Some(Metric {
            value: 10,
            locked: true
        })
    );
    assert_eq!(
        m.ssthresh,
        Some(Metric {
            value: 5,
            locked: false
        })
    );
    assert_eq!((m.initcwnd, m.initrwnd), (Some(11), Some(12)));
    assert_eq!(
        m.rtt,
        Some(Metric {
            value: Duration::from_secs(1),
            locked: false
        })
    );
    assert_eq!(
        m.rttvar,
        Some(Metric {
            value: Duration::from_millis(300),
            locked: true
        })
    );
    assert_eq!(
        m.rto_min,
        Some(Metric {
            value: Duration::from_millis(200),
            locked: false
        })
    );
    assert!(m.features_ecn);
    assert_eq!(m.quickack, Some(true));
    assert_eq!(
        m.congctl,
        Some(Metric {
            value: "cubic".to_string(),
            locked: true
        })
    );
    assert_eq!(m.fastopen_no_cookie, Some(true));
    assert_eq!(r.ttl_propagate, Some(true));
    assert_eq!(r.mode, AddMode::Append);
    // A lock once given stays, as in keepalived's lock mask.
    let r = ok_route("10.0.0.0/8 dev lo mtu lock 1400 mtu 1500 congctl lock reno congctl cubic");
    assert_eq!(
        r.metrics.mtu,
        Some(Metric {
            value: 1500,
            locked: true
        })
    );
    assert_eq!(
        r.metrics.congctl,
        Some(Metric {
            value: "cubic".to_string(),
            locked: true
        })
    );

    let r =
        ok_route("2001:db8::/32 dev lo from 2001:db8:1::/48 pref high expires 300 add table 0x65");
    assert_eq!(r.family, Family::Inet6);
    assert_eq!(r.from.map(|p| p.len), Some(48));
    assert_eq!(r.pref, Some(RouterPref::High));
    assert_eq!(r.expires, Some(Duration::from_secs(300)));
    assert_eq!(r.mode, AddMode::Add);
    assert_eq!(r.table, 0x65);
    assert_eq!(
        ok_route("2001:db8::/32 dev lo pref 7").pref,
        Some(RouterPref::Other(7))
    );
    assert_eq!(ok_route("10.0.0.0/8 dev lo table hexname").table, 0x65);
    assert_eq!(ok_route("10.0.0.0/8 dev lo table main").table, 254);
    assert_eq!(ok_route("10.0.0.0/8 oif lo preference 9").metric, Some(9));
    assert_eq!(
        ok_route("10.0.0.0/8 dev lo vrf vrf-blue").vrf.as_deref(),
        Some("vrf-blue")
    );
    assert_eq!(ok_route("to 10.0.0.0/8 dev lo").dst.len, 8);
    assert_eq!(
        ok_route("10.0.0.0/8 dev lo via inet 10.0.0.1").via,
        Some(v4("10.0.0.1"))
    );
    assert_eq!(
        ok_route("unreachable default dev lo").route_type,
        rtn::UNREACHABLE
    );
    let r = ok_route("default6 dev lo");
    assert_eq!((r.family, r.dst.family), (Family::Inet6, Family::Inet6));
    let r = ok_route("default dev lo");
    assert_eq!(r.dst.family, Family::Inet);
}

#[test]
fn route_encapsulations() {
    let r = ok_route("10.0.0.0/8 dev lo encap mpls 100/200 metric 5");
    assert_eq!(
        r.encap,
        Some(Encap::Mpls {
            labels: vec![100, 200]
        })
    );
    assert_eq!(r.metric, Some(5));
    let r = ok_route(
        "10.0.0.0/8 dev lo encap ip id 5 dst 1.2.3.4 src 1.2.3.5 tos 4 ttl 5 flags 1 metric 6",
    );
    match r.encap {
        Some(Encap::Ip(e)) => {
            assert_eq!(e.id, Some(5));
            assert_eq!(e.dst, Some(v4("1.2.3.4")));
            assert_eq!(e.src, Some(v4("1.2.3.5")));
            assert_eq!((e.tos, e.ttl, e.flags), (Some(4), Some(5), Some(1)));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.metric, Some(6));
    let r = ok_route("10.0.0.0/8 dev lo encap ip6 dst ::1 tc 4 hoplimit 9");
    match r.encap {
        Some(Encap::Ip6(e)) => assert_eq!((e.tos, e.ttl), (Some(4), Some(9))),
        other => panic!("{other:?}"),
    }
    // 2.2.7 takes at most two labels.
    let (r, cl) = route_of("10.0.0.0/8 dev lo encap mpls 1/2/3");
    assert_eq!((r.expect("kept").encap, cl), (None, vec![Class::General]));
    let r = ok_route("10.0.0.0/8 dev lo encap ila 1:2:3:4");
    assert_eq!(
        r.encap,
        Some(Encap::Ila {
            locator: 0x0001_0002_0003_0004
        })
    );

    // A bad encapsulation is reported and dropped; the route stays.
    let (r, cl) = route_of("10.0.0.0/8 dev lo encap mpls x");
    assert_eq!(r.expect("kept").encap, None);
    assert_eq!(cl, vec![Class::General]);
    // An unknown type also swallows the next word (keepalived quirk).
    let (r, cl) = route_of("10.0.0.0/8 dev lo encap bogus skipped");
    assert!(r.is_some());
    assert_eq!(cl, vec![Class::General]);
    // A bad value: keepalived resumes at the failed key, which then is not
    // a route option: the route is dropped.
    let (r, cl) = route_of("10.0.0.0/8 dev lo encap ip id x");
    assert!(r.is_none());
    assert_eq!(cl, vec![Class::General, Class::General]);
}

#[test]
fn route_nexthops() {
    let r = ok_route("10.0.0.0/8 dev lo nexthop via 10.0.0.2 dev eth0 weight 2 nexthop via 10.0.0.3 dev eth1 weight 256 onlink realms 7");
    assert_eq!(r.nexthops.len(), 2);
    assert_eq!(r.nexthops[0].via, Some(v4("10.0.0.2")));
    assert_eq!(r.nexthops[0].dev.as_deref(), Some("eth0"));
    assert_eq!(r.nexthops[0].weight, Some(2));
    assert_eq!(r.nexthops[1].weight, Some(256));
    assert!(r.nexthops[1].onlink);
    assert_eq!(r.nexthops[1].realms, Some(7));

    // The old `or`: two next hops from via and the or address.
    let (r, cl) = route_of("10.0.0.0/8 via 10.0.0.2 or 10.0.0.3 dev lo");
    let r = r.expect("kept");
    assert_eq!(cl, vec![Class::General]);
    assert_eq!(r.via, None);
    assert_eq!(
        r.nexthops.iter().map(|n| n.via).collect::<Vec<_>>(),
        vec![Some(v4("10.0.0.2")), Some(v4("10.0.0.3"))]
    );

    // A bad next hop ends the list, the route stays.
    for text in [
        "10.0.0.0/8 dev lo nexthop via 10.0.0.2 weight 0",
        "10.0.0.0/8 dev lo nexthop via 10.0.0.2 weight 257",
        "10.0.0.0/8 dev lo nexthop via bogus",
        "10.0.0.0/8 dev lo nexthop via ::1",
        "10.0.0.0/8 dev lo nexthop via 10.0.0.2 bogus",
        "10.0.0.0/8 dev lo nexthop via 10.0.0.2 as to 1.2.3.4",
    ] {
        let (r, cl) = route_of(text);
        assert!(r.is_some(), "{text}");
        assert_eq!(cl, vec![Class::General], "{text}");
    }
    let (r, cl) = route_of("10.0.0.0/8 dev lo nexthop dev nosuch");
    assert!(r.expect("kept").nexthops.is_empty());
    assert_eq!(cl, vec![Class::General]);
}

#[test]
fn route_quirks() {
    // `gw` works but is reported as deprecated.
    let (r, cl) = route_of("10.0.0.0/8 gw 10.0.0.1 dev lo");
    assert_eq!(r.expect("kept").via, Some(v4("10.0.0.1")));
    assert_eq!(cl, vec![Class::General]);
    // inet/inet6 swallow the next word.
    let (r, cl) = route_of("inet6 default dev lo");
    assert!(r.is_none());
    assert_eq!(cl, vec![Class::General]);
    assert_eq!(ok_route("fe80::/64 dev lo inet6 x").family, Family::Inet6);
    // A route type after `to` is not recognised.
    let (r, _) = route_of("to unicast 10.0.0.0/8 dev lo");
    assert!(r.is_none());
    // `default` after an IPv4 address is a family mix for keepalived.
    let (r, _) = route_of("src 127.0.0.1 default dev lo");
    assert!(r.is_none());
    assert!(ok_route("default src 127.0.0.1 dev lo").src.is_some());
    // A number is a route type.
    let (r, _) = route_of("10 dev lo");
    assert!(r.is_none());
    // Extra decimals in a time are an invalid number, but the value is used.
    let (r, cl) = route_of("10.0.0.0/8 dev lo rtt 1.5");
    assert_eq!(
        r.expect("kept").metrics.rtt.map(|m| m.value),
        Some(Duration::from_millis(200))
    );
    assert_eq!(cl, vec![Class::InvalidNumber]);
}

#[test]
fn bad_route_options_drop_the_route() {
    for text in [
        "10.0.0.0/8 via ::2 dev lo",
        "10.0.0.0/8 via inet6 ::2 dev lo",
        "10.0.0.0/8 via bogus dev lo",
        "10.0.0.0/8 src ::1 dev lo",
        "10.0.0.0/8 dev lo table bogus",
        "10.0.0.0/8 dev lo table 4294967296x",
        "10.0.0.0/8 dev lo metric -5",
        "10.0.0.0/8 dev lo protocol bogus",
        "10.0.0.0/8 dev lo scope bogus",
        "10.0.0.0/8 dev lo dsfield 256",
        "10.0.0.0/8 dev lo realms bogus",
        "fe80::/64 dev lo realms 7",
        "10.0.0.0/8 dev lo mtu x",
        "10.0.0.0/8 dev lo hoplimit 256",
        "10.0.0.0/8 dev lo rtt 1000s",
        "10.0.0.0/8 dev lo rtt 1e3",
        "10.0.0.0/8 dev lo quickack 2",
        "10.0.0.0/8 dev lo pref high",
        "fe80::/64 dev lo pref 300",
        "10.0.0.0/8 dev lo expires 5",
        "10.0.0.0/8 from ::/0 dev lo",
        "fe80::/64 from default dev lo",
        "10.0.0.0/8 dev lo vrf lo",
        "10.0.0.0/8 dev lo vrf nosuch",
        "10.0.0.0/8 dev lo bogus",
        "10.0.0.0/8 dev nosuch",
        "dev lo",
        "fe80::/64 inet x dev lo",
    ] {
        let (r, cl) = route_of(text);
        assert!(r.is_none(), "{text}");
        assert!(
            !cl.is_empty() && cl.iter().all(|c| *c == Class::General),
            "{text}: {cl:?}"
        );
    }
    // Reported but kept.
    for text in [
        "10.0.0.0/8 dev lo features bogus",
        "10.0.0.0/8 dev lo ttl-propagate bogus",
        "10.0.0.0/8 dev lo as to 1.2.3.4",
        "10.0.0.0/8 dev lo protocol bird",
        "10.0.0.0/8 dev lo track_group nosuch",
    ] {
        let (r, cl) = route_of(text);
        assert!(r.is_some(), "{text}");
        assert_eq!(cl, vec![Class::General], "{text}");
    }
    let r = route_of("10.0.0.0/8 dev lo ttl-propagate bogus").0.unwrap();
    assert_eq!(r.ttl_propagate, Some(false));
    let r = route_of("10.0.0.0/8 dev lo protocol bird").0.unwrap();
    assert_eq!(r.protocol, Some(RTPROT_KEEPALIVED));
}

#[test]
fn route_track_groups() {
    let host = FakeHost::default();
    let mut c = ctx(&host);
    c.cfg.vrrp.track.track_groups.push(TrackGroup {
        name: "tg".into(),
        pos: Pos::default(),
        ..Default::default()
    });
    let r = route::parse_route(&mut c, &args("10.0.0.0/8 dev lo track_group tg"), true)
        .unwrap()
        .expect("kept");
    assert_eq!(r.track_group.as_deref(), Some("tg"));
    // A second track_group stops the entry: keepalived then sees trailing
    // words and drops the route.
    let r = route::parse_route(
        &mut c,
        &args("10.0.0.0/8 dev lo track_group tg track_group tg"),
        true,
    )
    .unwrap();
    assert!(r.is_none());
    // In virtual_routes track_group is not an option.
    let r = route::parse_route(&mut c, &args("10.0.0.0/8 dev lo track_group tg"), false).unwrap();
    assert!(r.is_none());
}

// ---- rules ----------------------------------------------------------------

#[test]
fn rule_defaults_and_auto_preference() {
    let r = ok_rule("from 10.0.0.0/8 table 100 preference 5");
    assert_eq!(r.family, Family::Inet);
    assert_eq!(r.action, RuleAction::Table(100));
    assert_eq!((r.priority, r.priority_given), (5, true));
    assert_eq!(
        r.from.map(|p| (p.addr, p.len)),
        Some((Some(v4("10.0.0.0")), 8))
    );
    assert_eq!(r.to, None);
    assert!(!r.invert && !r.no_track);
    assert_eq!(r.protocol, Some(RTPROT_KEEPALIVED));
    assert_eq!((r.tos, r.fwmark, r.realms), (None, None, None));
    assert_eq!((r.suppress_prefixlen, r.suppress_ifgroup), (None, None));

    // Without preference keepalived numbers rules downwards per family,
    // across all rule blocks, and reports each.
    let l = conf(
        "static_rules {\n from 1.2.3.4 table 100\n from 1.2.3.5 table 100\n from ::1 table 100\n to 1.2.3.6 table 100 no_track\n}\n",
    );
    let rules = &l.config.vrrp.statics.rules;
    assert_eq!(
        rules
            .iter()
            .map(|r| (r.priority, r.priority_given))
            .collect::<Vec<_>>(),
        vec![
            (16384, false),
            (16383, false),
            (16384, false),
            (16382, false)
        ]
    );
    assert_eq!(rules[3].protocol, None);
    assert_eq!(l.exit_code(), 5, "{}", report(&l));
}

#[test]
fn every_rule_option_lands() {
    let r = ok_rule(
        "not from 10.0.0.0/8 to 10.1.0.0/16 lookup vips priority 0x10 tos lowdelay fwmark 0x10/0xff realms east iif eth0 oif eth1 tunnel-id 77 uidrange 1000-2000 protocol 18 ipproto tcp sport 1000-2000 dport 80-80 suppress_prefixlength 0 sup_group uplinks",
    );
    assert!(r.invert);
    assert_eq!(r.to.map(|p| p.len), Some(16));
    assert_eq!(r.action, RuleAction::Table(100));
    assert_eq!(r.priority, 16);
    assert_eq!(r.tos, Some(0x10));
    assert_eq!(r.fwmark, Some((16, Some(255))));
    assert_eq!(r.realms, Some(7));
    assert_eq!(
        (r.iif.as_deref(), r.oif.as_deref()),
        (Some("eth0"), Some("eth1"))
    );
    assert_eq!(r.tunnel_id, Some(77));
    assert_eq!(
        r.uid_range,
        Some(Range {
            start: 1000,
            end: 2000
        })
    );
    assert_eq!(r.protocol, Some(18));
    assert_eq!(r.ip_proto, Some(6));
    assert_eq!(
        r.sport,
        Some(Range {
            start: 1000,
            end: 2000
        })
    );
    assert_eq!(r.dport, Some(Range { start: 80, end: 80 }));
    assert_eq!(r.suppress_prefixlen, Some(0));
    assert_eq!(r.suppress_ifgroup, Some(12));

    assert_eq!(
        ok_rule("from all table 100 preference 5")
            .from
            .map(|p| p.is_default()),
        Some(true)
    );
    assert_eq!(
        ok_rule("from ::1 table 100 preference 5").family,
        Family::Inet6
    );
    assert_eq!(
        ok_rule("from all l3mdev preference 5").action,
        RuleAction::L3mdev
    );
    assert_eq!(
        ok_rule("from all goto 10 preference 5").action,
        RuleAction::Goto(10)
    );
    assert_eq!(
        ok_rule("from all type goto 10 preference 5").action,
        RuleAction::Goto(10)
    );
    assert_eq!(ok_rule("from all nop preference 5").action, RuleAction::Nop);
    assert_eq!(
        ok_rule("from all blackhole preference 5").action,
        RuleAction::Blackhole
    );
    assert_eq!(
        ok_rule("from all type unreachable order 5").action,
        RuleAction::Unreachable
    );
    assert_eq!(
        ok_rule("from all prohibit preference 5").action,
        RuleAction::Prohibit
    );
    assert_eq!(
        ok_rule("from all 6 preference 5").action,
        RuleAction::Blackhole
    );
    assert_eq!(
        ok_rule("fwmark 5 dev lo table 100 preference 5").fwmark,
        Some((5, None))
    );
    assert_eq!(
        ok_rule("from all table 100 preference 5 ipproto 17").ip_proto,
        Some(17)
    );
    assert_eq!(
        ok_rule("from all table 100 preference 5 ipproto UDP").ip_proto,
        Some(17)
    );
    let r = ok_rule("from all table 100 preference 5 protocol 99 no_track");
    assert_eq!(r.protocol, Some(99));
    let r = ok_rule("to 1.2.3.4 table 100 preference 5 inet");
    assert_eq!(r.family, Family::Inet);
}

#[test]
fn bad_rules() {
    // Dropped.
    for text in [
        "from ::1 to 1.2.3.4 table 100 preference 5",
        "from 1.2.3.4 to all table 100 preference 5",
        "from bogus table 100 preference 5",
        "from 1.2.3.4 table 0 preference 5",
        "from 1.2.3.4 table unspec preference 5",
        "from 1.2.3.4 table bogus preference 5",
        "from 1.2.3.4 table 100 table 101 preference 5",
        "from 1.2.3.4 table 100 nop preference 5",
        "from 1.2.3.4 l3mdev table 100 preference 5",
        "from 1.2.3.4 table 100 preference -1",
        "from 1.2.3.4 table 100 preference 5 dsfield 300",
        "from 1.2.3.4 table 100 preference 5 fwmark abc",
        "from 1.2.3.4 table 100 preference 5 fwmark 4294967296",
        "from 1.2.3.4 nop preference 5 realms 7",
        "from ::1 table 100 preference 5 realms 7",
        "from 1.2.3.4 blackhole preference 5 sup_pl 5",
        "from 1.2.3.4 table 100 preference 5 sup_group bogus",
        "from 1.2.3.4 table 100 preference 5 iif nosuch",
        "from 1.2.3.4 table 100 preference 5 tunnel-id x",
        "from 1.2.3.4 table 100 preference 5 uidrange 1",
        "from 1.2.3.4 goto 5 preference 5",
        "from 1.2.3.4 goto 10",
        "from 1.2.3.4 goto x preference 5",
        "from 1.2.3.4 unicast preference 5",
        "from 1.2.3.4 preference 5",
        "from 1.2.3.4 table 100 preference 5 bogus",
        "inet6 from all table 100 preference 5",
    ] {
        let (r, cl) = rule_of(text);
        assert!(r.is_none(), "{text}");
        assert!(
            !cl.is_empty() && cl.iter().all(|c| *c == Class::General),
            "{text}: {cl:?}"
        );
    }
    // Reported, kept.
    for text in [
        "from 1.2.3.4 table 100 preference 5 protocol bird",
        "from 1.2.3.4 table 100 preference 5 protocol 5",
        "from 1.2.3.4 table 100 preference 5 ipproto 200",
        "from 1.2.3.4 table 100 preference 5 ipproto weird",
        "from 1.2.3.4 table 100 preference 5 sport 5",
        "from 1.2.3.4 table 100 preference 5 dport x",
        "from 1.2.3.4 table 100 preference 5 track_group nosuch",
    ] {
        let (r, cl) = rule_of(text);
        assert!(r.is_some(), "{text}");
        assert_eq!(cl, vec![Class::General], "{text}");
    }
    // A single port is rejected by 2.2.7 (its range check is off by one).
    assert_eq!(
        rule_of("from all table 1 preference 5 sport 5")
            .0
            .unwrap()
            .sport,
        None
    );
}

// ---- the static_* blocks --------------------------------------------------

#[test]
fn static_blocks_collect_their_entries() {
    let l = conf(
        "static_ipaddress {\n 10.0.0.1/24 dev lo\n 10.0.0.2 dev eth1 label eth1:x\n}\nstatic_routes {\n 10.1.0.0/16 via 10.0.0.254 dev lo\n}\nstatic_rules {\n from 10.0.0.0/24 table 100 preference 100\n}\nstatic_routes { 10.2.0.0/16 dev lo }\n",
    );
    assert_eq!(l.exit_code(), 0, "{}", report(&l));
    let s = &l.config.vrrp.statics;
    assert_eq!(s.addresses.len(), 2);
    assert_eq!(s.addresses[1].label.as_deref(), Some("eth1:x"));
    assert_eq!(s.routes.len(), 2);
    assert_eq!(s.routes[1].dst.len, 16);
    assert_eq!(s.rules.len(), 1);
    assert_eq!(s.rules[0].priority, 100);
    // Nothing configured: empty lists.
    let l = conf("");
    assert!(l.config.vrrp.statics.addresses.is_empty());
    assert!(l.config.vrrp.statics.routes.is_empty());
    assert!(l.config.vrrp.statics.rules.is_empty());
}

#[test]
fn invalid_entries_give_keepalived_verdicts() {
    for (text, code) in [
        ("static_ipaddress {\n xxx.xxx.xxx.xxx\n}\n", 5),
        ("static_routes {\n 10.0.0.0/8 gw 10.0.0.1 dev lo\n}\n", 5),
        ("static_routes {\n 10.0.0.0/8 via 10.0.0.1\n}\n", 5),
        ("static_routes {\n 10.0.0.0/8 dev nosuch\n}\n", 5),
        ("static_rules {\n from all table 100\n}\n", 5),
        ("static_routes {\n 10.0.0.0/8 dev lo no_track\n}\n", 0),
        // A missing value makes keepalived stop: exit 2.
        ("static_routes {\n 10.0.0.0/8 dev lo via\n}\n", 2),
        ("static_rules {\n from all table 1 preference\n}\n", 2),
        ("static_routes {\n blackhole\n}\n", 2),
        // ... but address options are checked first.
        ("static_ipaddress {\n 1.2.3.4 dev lo label\n}\n", 5),
    ] {
        let l = conf(text);
        assert_eq!(l.exit_code(), code, "{text}\n{}", report(&l));
    }
    // The missing value is reported at the entry.
    let l = conf("static_routes {\n 10.0.0.0/8 dev lo via\n}\n");
    let d = l
        .diags
        .items
        .iter()
        .find(|d| d.class == Some(Class::MissingParameter))
        .expect("reported");
    assert_eq!(d.pos.map(|p| p.line), Some(2));
}

#[test]
fn validate_warns_about_track_group_with_no_track() {
    let host = FakeHost::default();
    let mut c = ctx(&host);
    c.cfg.vrrp.track.track_groups.push(TrackGroup {
        name: "tg".into(),
        pos: Pos::default(),
        ..Default::default()
    });
    let a = ipaddr::parse_ip_address(
        &mut c,
        &args("1.2.3.4 dev lo track_group tg no_track"),
        true,
    )
    .unwrap()
    .expect("kept");
    c.cfg.vrrp.statics.addresses.push(a);
    super::statics::validate(&mut c);
    let items = &c.reader.diags.items;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].class, None);
}

#[test]
fn name_files_are_read_like_keepalived() {
    let host = FakeHost::default();
    let c = ctx(&host);
    use super::net_names as nn;
    assert_eq!(nn::table(&c, "vips"), Some(100));
    assert_eq!(nn::table(&c, "hexname"), Some(0x65));
    assert_eq!(nn::table(&c, "negative"), None);
    assert_eq!(nn::table(&c, "too"), None);
    assert_eq!(nn::table(&c, "main"), Some(254));
    assert_eq!(nn::table(&c, "4294967295"), Some(u32::MAX));
    // C truncates the number to 32 bits.
    assert_eq!(nn::table(&c, "4294967296"), Some(0));
    assert_eq!(nn::table(&c, "-1"), Some(u32::MAX));
    assert_eq!(nn::proto(&c, "openr"), Some(99));
    // Built-in names fill in ids the file does not name.
    assert_eq!(nn::proto(&c, "bird"), Some(12));
    assert_eq!(nn::proto(&c, "256"), None);
    assert_eq!(nn::scope(&c, "link"), Some(253));
    assert_eq!(nn::scope(&c, "site"), Some(200));
    assert_eq!(nn::realms(&c, "east/west"), Some((7 << 16) | 9));
    assert_eq!(nn::realms(&c, "cosmos"), Some(0));
    assert_eq!(nn::realms(&c, "east/nowhere"), None);
    assert_eq!(nn::dsfield(&c, "lowdelay"), Some(0x10));
    assert_eq!(nn::group(&c, "uplinks"), Some(12));
    assert_eq!(nn::ip_proto(&c, "tcp"), Some(6));
    assert_eq!(nn::ip_proto(&c, "TCP"), Some(6));
    assert_eq!(nn::ip_proto(&c, "128"), None);
    assert_eq!(nn::ip_proto(&c, "weird"), None);
    // Without the files only the built-in names exist.
    let bare = FakeHost {
        files: Vec::new(),
        ..FakeHost::default()
    };
    let c = ctx(&bare);
    assert_eq!(nn::table(&c, "vips"), None);
    assert_eq!(nn::table(&c, "local"), Some(255));
    assert_eq!(nn::proto(&c, "kernel"), Some(2));
    assert_eq!(nn::scope(&c, "nowhere"), Some(255));
}

#[test]
fn long_name_file_lines_are_split_like_fgets() {
    let mut host = FakeHost::default();
    let long = format!("{}\n", "x".repeat(130));
    host.files[0].1 = format!("{long}200 after\n{}7 tail\n", " ".repeat(123));
    let c = ctx(&host);
    assert_eq!(super::net_names::table(&c, "after"), Some(200));
    // fgets reads 127 bytes: 123 blanks and "7 ta"; "il" comes next.
    assert_eq!(super::net_names::table(&c, "tail"), None);
    assert_eq!(super::net_names::table(&c, "ta"), Some(7));
}

// ---- comparison with keepalived's own dump ---------------------------------
//
// `KA_DUMP_CONF=f.conf KA_DUMP_OUT=out cargo test dump_for_comparison --
// --ignored` writes the static entries of f.conf the way keepalived's `-d`
// dump shows them (format_ipaddress, format_iproute, format_iprule), so that
// the two can be diffed.

fn ka_addr(addr: Option<IpAddr>, len: u8, family: Family) -> String {
    let a = addr.unwrap_or(match family {
        Family::Inet => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        Family::Inet6 => IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
    });
    if len == family.max_prefix() {
        a.to_string()
    } else {
        format!("{a}/{len}")
    }
}

fn ka_scope_name(ctx: &Ctx, id: u8) -> String {
    for name in ["global", "nowhere", "host", "link", "site"] {
        if super::net_names::scope(ctx, name) == Some(id) {
            return name.to_string();
        }
    }
    id.to_string()
}

fn ka_format_address(ctx: &Ctx, a: &IpAddress) -> String {
    let mut s = ka_addr(Some(a.addr), a.prefix_len, a.family());
    if let Some(b) = a.broadcast {
        if !b.is_unspecified() {
            s += &format!(" brd {b}");
        }
    }
    s += &format!(" dev {}", a.dev.as_deref().unwrap_or("(null)"));
    if a.use_vmac {
        s += " use_vmac";
    }
    s += &format!(" scope {}", ka_scope_name(ctx, a.scope));
    if let Some(l) = &a.label {
        s += &format!(" label {l}");
    }
    if let Some(p) = a.peer {
        s += &format!(" peer {p}/{}", a.prefix_len);
    }
    let f = a.flags;
    for (on, name) in [
        (f.home, " home"),
        (f.nodad, " -nodad"),
        (f.mngtmpaddr, " mngtmpaddr"),
        (f.noprefixroute, " noprefixroute"),
        (f.autojoin, " autojoin"),
        (a.no_track, " no_track"),
    ] {
        if on {
            s += name;
        }
    }
    if let Some(g) = &a.track_group {
        s += &format!(" track_group {g}");
    }
    if a.is_ipv6() {
        match a.preferred_lft {
            Some(Lifetime::Finite(d)) if d.is_zero() => s += " deprecated",
            Some(Lifetime::Forever) | None => s += " preferred_lft forever",
            Some(Lifetime::Finite(d)) => s += &format!(" preferred_lft {}", d.as_secs()),
        }
    }
    s
}

fn ka_encap(e: &Encap) -> String {
    let (kind, tos, ttl, e) = match e {
        Encap::Mpls { labels } => {
            // keepalived shows the raw label stack entries.
            let n = labels.len();
            let l: Vec<String> = labels
                .iter()
                .enumerate()
                .map(|(i, l)| format!("{:x}", (l << 12) | if i + 1 == n { 0x100 } else { 0 }))
                .collect();
            return format!(" encap mpls {}", l.join("/"));
        }
        // keepalived shows the locator's network-order bytes as a host u64.
        Encap::Ila { locator } => {
            return format!(" encap ila {}", u64::from_ne_bytes(locator.to_be_bytes()))
        }
        Encap::Ip(e) => ("ip", "tos", "ttl", e),
        Encap::Ip6(e) => ("ip6", "tc", "hoplimit", e),
    };
    let mut s = format!(" encap {kind}");
    if let Some(id) = e.id {
        s += &format!(" id {id}");
    }
    if let Some(d) = e.dst {
        s += &format!(" dst {d}");
    }
    if let Some(d) = e.src {
        s += &format!(" src {d}");
    }
    if let Some(t) = e.tos {
        s += &format!(" {tos} {t}");
    }
    if let Some(t) = e.ttl {
        s += &format!(" {ttl} {t}");
    }
    if let Some(f) = e.flags {
        s += &format!(" flags 0x{f:x}");
    }
    s
}

fn ka_time(d: Duration, units_per_ms: u64) -> String {
    let raw = d.as_micros() as u64 * units_per_ms / 1000;
    if raw >= 1000 * units_per_ms {
        format!("{}s", raw as f64 / (1000 * units_per_ms) as f64)
    } else if units_per_ms == 1 {
        format!("{raw}ms")
    } else {
        format!("{}ms", raw as f64 / units_per_ms as f64)
    }
}

fn ka_realms(r: u32) -> String {
    if r & 0xffff_0000 != 0 {
        format!(" realms {}/{}", r >> 16, r & 0xffff)
    } else {
        format!(" realm {}", r & 0xffff)
    }
}

fn ka_format_route(r: &Route) -> String {
    let mut s = match r.mode {
        AddMode::Add => "add ",
        AddMode::Append => "append ",
        AddMode::Prepend => "prepend ",
    }
    .to_string();
    if r.route_type != rtn::UNICAST {
        s += &format!("{} ", super::net_names::rtntype_name(r.route_type));
    }
    s += &ka_addr(r.dst.addr, r.dst.len, r.dst.family);
    if let Some(f) = r.from {
        s += &format!(" from {}", ka_addr(f.addr, f.len, f.family));
    }
    if let Some(a) = r.src {
        s += &format!(" src {a}");
    }
    if let Some(t) = r.tos {
        s += &format!(" tos {t}");
    }
    if let Some(e) = &r.encap {
        s += &ka_encap(e);
    }
    if let Some(v) = r.via {
        s += &format!(" via {} {v}", if v.is_ipv6() { "inet6" } else { "inet" });
    }
    if let Some(d) = &r.dev {
        s += &format!(" dev {d}");
    }
    if r.table != 254 {
        s += &format!(" table {}", r.table);
    }
    if let Some(p) = r.protocol {
        s += &format!(" proto {p}");
    }
    if r.scope_given {
        s += &format!(" scope {}", r.scope);
    }
    if let Some(m) = r.metric {
        s += &format!(" metric {m}");
    }
    if r.family == Family::Inet && r.onlink {
        s += " onlink";
    }
    if let Some(re) = r.realms.filter(|v| *v != 0) {
        s += &ka_realms(re);
    }
    if let Some(e) = r.expires {
        s += &format!(" expires {}sec", e.as_secs());
    }
    let m = &r.metrics;
    if let Some(c) = &m.congctl {
        s += &format!(
            " congctl {}{}",
            c.value,
            if c.locked { "lock " } else { "" }
        );
    }
    for (name, v, unit) in [
        ("rtt", m.rtt, 8),
        ("rttvar", m.rttvar, 4),
        ("rto_min", m.rto_min, 1),
    ] {
        if let Some(v) = v {
            s += &format!(
                " {name}{} {}",
                if v.locked { " lock" } else { "" },
                ka_time(v.value, unit)
            );
        }
    }
    if m.features_ecn {
        s += " features ecn";
    }
    let lk = |x: &Metric<u32>| if x.locked { "lock " } else { "" };
    if let Some(x) = m.mtu {
        s += &format!(" mtu {}{}", lk(&x), x.value);
    }
    if let Some(x) = m.window {
        s += &format!(" window {x}");
    }
    if let Some(x) = m.ssthresh {
        s += &format!(" ssthresh {}{}", lk(&x), x.value);
    }
    if let Some(x) = m.cwnd {
        s += &format!(" cwnd {}{}", lk(&x), x.value);
    }
    if let Some(x) = m.advmss {
        s += &format!(" advmss {}{}", lk(&x), x.value);
    }
    if let Some(x) = m.reordering {
        s += &format!(" reordering {}{}", lk(&x), x.value);
    }
    if let Some(x) = m.hoplimit {
        s += &format!(" hoplimit {x}");
    }
    if let Some(x) = m.initcwnd {
        s += &format!(" initcwnd {x}");
    }
    if let Some(x) = m.initrwnd {
        s += &format!(" initrwnd {x}");
    }
    if let Some(x) = m.quickack {
        s += &format!(" quickack {}", u8::from(x));
    }
    if let Some(p) = r.pref {
        s += match p {
            RouterPref::Low => " pref low",
            RouterPref::Medium => " pref medium",
            RouterPref::High => " pref high",
            RouterPref::Other(3) => " pref low",
            RouterPref::Other(0) => " pref medium",
            RouterPref::Other(1) => " pref high",
            RouterPref::Other(_) => " pref unknown",
        };
    }
    if let Some(x) = m.fastopen_no_cookie {
        s += &format!(" fastopen_no_cookie {}", u8::from(x));
    }
    if let Some(x) = r.ttl_propagate {
        s += &format!(" ttl-propagate {}abled", if x { "en" } else { "dis" });
    }
    for nh in &r.nexthops {
        s += " nexthop";
        if let Some(v) = nh.via {
            s += &format!(" via inet{} {v}", if v.is_ipv6() { "6" } else { "" });
        }
        if let Some(d) = &nh.dev {
            s += &format!(" dev {d}");
        }
        if let Some(w) = nh.weight {
            s += &format!(" weight {w}");
        }
        if nh.onlink {
            s += " onlink";
        }
        if let Some(re) = nh.realms.filter(|v| *v != 0) {
            // keepalived tests the route's realms for the form here.
            if r.realms.unwrap_or(0) & 0xffff_0000 != 0 {
                s += &format!(" realms {}/{}", re >> 16, re & 0xffff);
            } else {
                s += &format!(" realm {}", re & 0xffff);
            }
        }
        if let Some(e) = &nh.encap {
            s += &ka_encap(e);
        }
    }
    if r.no_track {
        s += " no_track";
    }
    if let Some(g) = &r.track_group {
        s += &format!(" track_group {g}");
    }
    s
}

fn ka_format_rule(r: &Rule) -> String {
    let mut s = String::new();
    if r.from.is_none() && r.to.is_none() && r.family == Family::Inet6 {
        s += "inet6 ";
    }
    if r.invert {
        s += "not ";
    }
    match r.from {
        Some(p) => s += &format!("from {}", ka_addr(p.addr, p.len, p.family)),
        None => s += "from all",
    }
    if let Some(p) = r.to {
        s += &format!(" to {}", ka_addr(p.addr, p.len, p.family));
    }
    s += &format!(" priority {}", r.priority);
    s += &format!(" tos 0x{:x}", r.tos.unwrap_or(0));
    if let Some((mark, mask)) = r.fwmark {
        s += &format!(" fwmark 0x{mark:x}");
        if let Some(m) = mask.filter(|m| *m != u32::MAX) {
            s += &format!("/0x{m:x}");
        }
    }
    if let Some(i) = &r.iif {
        s += &format!(" iif {i}");
    }
    if let Some(i) = &r.oif {
        s += &format!(" oif {i}");
    }
    if let Some(p) = r.suppress_prefixlen {
        s += &format!(" suppress_prefixlen {p}");
    }
    if let Some(g) = r.suppress_ifgroup {
        s += &format!(" suppress_ifgroup {g}");
    }
    if let Some(t) = r.tunnel_id.filter(|t| *t != 0) {
        s += &format!(" tunnel-id {t}");
    }
    if let Some(u) = r.uid_range {
        s += &format!(" uidrange {}-{}", u.start, u.end);
    }
    if r.action == RuleAction::L3mdev {
        s += " l3mdev";
    }
    if let Some(p) = r.protocol {
        s += &format!(" protocol {p}");
    }
    if let Some(p) = r.ip_proto {
        s += &format!(" ipproto {p}");
    }
    if let Some(p) = r.sport {
        s += &format!(" sport {}-{}", p.start, p.end);
    }
    if let Some(p) = r.dport {
        s += &format!(" dport {}-{}", p.start, p.end);
    }
    if let Some(re) = r.realms.filter(|v| *v != 0) {
        s += &format!(" realms {}/{}", re >> 16, re & 0xffff);
    }
    s += &match r.action {
        RuleAction::Table(t) => format!(" lookup {t}"),
        RuleAction::L3mdev => " lookup 0".to_string(),
        RuleAction::Goto(t) => format!(" goto {t}"),
        RuleAction::Nop => " nop".to_string(),
        RuleAction::Blackhole => " type blackhole".to_string(),
        RuleAction::Unreachable => " type unreachable".to_string(),
        RuleAction::Prohibit => " type prohibit".to_string(),
    };
    if r.no_track {
        s += " no_track";
    }
    if let Some(g) = &r.track_group {
        s += &format!(" track_group {g}");
    }
    s
}

#[test]
#[ignore]
fn dump_for_comparison() {
    let (Ok(file), Ok(out)) = (std::env::var("KA_DUMP_CONF"), std::env::var("KA_DUMP_OUT")) else {
        return;
    };
    let l = load(
        &LoadOptions {
            file,
            config_id: None,
            all_config: false,
            // keepalived's dump comes from a running daemon, which reads
            // some values more leniently than -t.
            config_test: false,
        },
        &SystemHost,
    );
    let host = SystemHost;
    let c = Ctx::new(Reader::new("x", 0), &host, false);
    let s = &l.config.vrrp.statics;
    let mut text = String::new();
    text += "------< Static Addresses >------\n";
    for a in &s.addresses {
        text += &format!("     {}\n", ka_format_address(&c, a));
    }
    text += "------< Static Routes >------\n";
    for r in &s.routes {
        text += &format!("     {}\n", ka_format_route(r));
    }
    text += "------< Static Rules >------\n";
    for r in &s.rules {
        text += &format!("     {}\n", ka_format_rule(r));
    }
    std::fs::write(out, text).expect("write dump");
}
