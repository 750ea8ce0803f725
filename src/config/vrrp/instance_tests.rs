//! Tests of vrrp_instance: keywords into the model, defaults, keepalived's
//! verdicts for bad values and its completion checks, and our lints.
//!
//! keepalived refuses loopback interfaces for VRRP, so most tests use the
//! made-up interfaces of [`TestHost`] ("vrrp0": Ethernet, multicast;
//! "nomc0": no multicast), layered over the real host.

use super::instance::*;
use crate::config::diag::{Class, Diagnostics, Level};
use crate::config::host::{FileStat, Host, User};
use crate::config::model::Config;
use crate::config::parser::Ctx;
use crate::config::preproc::Reader;
use crate::config::source::Sources;
use crate::sys::host::SystemHost;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

struct TestHost;

const FAKE: &[(&str, &str, &str)] = &[("vrrp0", "1", "0x1003"), ("nomc0", "1", "0x3")];

impl Host for TestHost {
    fn short_hostname(&self) -> String {
        SystemHost.short_hostname()
    }
    fn interface_exists(&self, name: &str) -> bool {
        FAKE.iter().any(|f| f.0 == name) || SystemHost.interface_exists(name)
    }
    fn interface_addresses(&self, name: &str) -> Vec<(IpAddr, u8)> {
        match name {
            "vrrp0" => vec![
                ("192.0.2.2".parse().unwrap(), 24),
                ("fe80::2".parse().unwrap(), 64),
            ],
            "nomc0" => vec![("198.51.100.2".parse().unwrap(), 24)],
            _ => SystemHost.interface_addresses(name),
        }
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
    fn resolve(&self, name: &str) -> Vec<IpAddr> {
        SystemHost.resolve(name)
    }
    fn read_to_string(&self, path: &Path) -> Option<String> {
        let p = path.to_str()?;
        for (name, hw, flags) in FAKE {
            if let Some(attr) = p.strip_prefix(&format!("/sys/class/net/{name}/")) {
                return match attr {
                    "type" => Some(format!("{hw}\n")),
                    "flags" => Some(format!("{flags}\n")),
                    "mtu" => Some("1500\n".into()),
                    _ => None,
                };
            }
        }
        SystemHost.read_to_string(path)
    }
}

struct Out {
    cfg: Config,
    diags: Diagnostics,
    sources: Sources,
}

impl Out {
    fn exit(&self) -> i32 {
        self.diags.exit_code()
    }
    fn report(&self) -> String {
        self.diags.render(&self.sources)
    }
    fn inst(&self, name: &str) -> &Instance {
        self.cfg
            .vrrp
            .instances
            .get(name)
            .unwrap_or_else(|| panic!("no instance {name}\n{}", self.report()))
    }
    fn v(&self) -> &Instance {
        self.inst("VI_1")
    }
    /// Messages of keepalived's class `c`.
    fn with_class(&self, c: Class) -> Vec<&str> {
        self.diags
            .items
            .iter()
            .filter(|d| d.class == Some(c))
            .map(|d| d.message.as_str())
            .collect()
    }
    fn has_error(&self, needle: &str) -> bool {
        self.diags
            .items
            .iter()
            .any(|d| d.class.is_some() && d.message.contains(needle))
    }
    /// Our own warnings (class None) containing `needle`, minus the
    /// "not acted on" notes.
    fn has_lint(&self, needle: &str) -> bool {
        self.diags
            .items
            .iter()
            .any(|d| d.class.is_none() && d.level == Level::Warning && d.message.contains(needle))
    }
}

/// Parse and check `text` with the test host, as `keepalived -t` does.
fn run(text: &str) -> Out {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ka-inst-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("keepalived.conf");
    std::fs::write(&file, text).expect("write config");
    let loaded = crate::config::load(
        &crate::config::LoadOptions {
            file: file.display().to_string(),
            config_id: Some("testnode".into()),
            all_config: false,
            config_test: true,
        },
        &TestHost,
    );
    let _ = std::fs::remove_dir_all(&dir);
    Out {
        cfg: loaded.config,
        diags: loaded.diags,
        sources: loaded.sources,
    }
}

/// An instance on vrrp0 with `body` added. `no_virtual_ipaddress` (2.3+)
/// keeps the VIP checks out of the way; [`vinst`] has a VIP instead.
fn inst(body: &str) -> Out {
    run(&format!(
        "vrrp_instance VI_1 {{\n interface vrrp0\n virtual_router_id 51\n no_virtual_ipaddress\n{body}\n}}\n"
    ))
}

/// `inst` that must be accepted with exit 0.
fn ok(body: &str) -> Out {
    let o = inst(body);
    assert_eq!(o.exit(), 0, "{}", o.report());
    o
}

/// `inst` that keepalived reports (exit 5).
fn bad(body: &str) -> Out {
    let o = inst(body);
    assert_eq!(o.exit(), 5, "{}", o.report());
    o
}

/// An instance on vrrp0 with one VIP, and `body`.
fn vinst(body: &str) -> Out {
    run(&format!(
        "vrrp_instance VI_1 {{\n interface vrrp0\n virtual_router_id 51\n virtual_ipaddress {{\n  192.0.2.100/24\n }}\n{body}\n}}\n"
    ))
}

/// global_defs with script security (run as root), then a vrrp_script
/// running /bin/true for each `NAME [weight W [reverse]]`.
fn scripts(defs: &[&str]) -> String {
    let mut out = String::from("global_defs {\n enable_script_security\n script_user root\n}\n");
    for d in defs {
        let (name, opts) = d.split_once(' ').unwrap_or((d, ""));
        let weight = if opts.is_empty() {
            String::new()
        } else {
            format!(" {opts}\n")
        };
        out += &format!("vrrp_script {name} {{\n script /bin/true\n{weight}}}\n");
    }
    out
}

// ---- the block ------------------------------------------------------------------

#[test]
fn minimal_instance_has_keepalived_defaults() {
    let o = ok("");
    let v = o.v();
    assert_eq!(v.vrid, Vrid::new(51));
    assert_eq!(v.interface.as_deref(), Some("vrrp0"));
    assert_eq!(v.completion, Completion::Done);
    assert_eq!(v.priority, Some(Priority::DEFAULT));
    assert_eq!(v.state, Some(InitialState::Backup));
    assert_eq!(v.family, Some(Family::V4));
    assert_eq!(v.version, Some(VrrpVersion::V2));
    assert_eq!(v.advert_int, Some(AdvertInterval::DEFAULT));
    assert_eq!(v.advert_interval().v2_seconds(), 1);
    assert_eq!(v.effective_unicast_ttl(), Some(255));
    assert_eq!(v.accept, Some(true));
    assert_eq!(v.strict_mode, Some(false));
    assert!(!v.nopreempt);
    assert_eq!(v.preempt_delay, Duration::ZERO);
    assert_eq!(v.debug, 0);
    assert_eq!(v.garp.master_delay, Some(Duration::from_secs(5)));
    assert_eq!(v.garp.master_repeat, Some(5));
    assert_eq!(v.garp.master_refresh, Some(Duration::ZERO));
    assert_eq!(v.garp.master_refresh_repeat, Some(1));
    assert_eq!(v.garp.lower_prio_repeat, Some(5));
    assert_eq!(v.garp.lower_prio_delay, Some(Duration::from_secs(5)));
    assert_eq!(v.down_timer_adverts, Some(3));
    assert_eq!(v.lower_prio_no_advert, Some(false));
    assert_eq!(v.higher_prio_send_advert, Some(false));
    assert_eq!(v.smtp_alert, Some(false));
    assert_eq!(v.mcast_dst_ip, Some("224.0.0.18".parse().unwrap()));
    assert!(v.auth.is_none());
    assert!(v.unicast_peers.is_empty() && !v.unicast);
    assert!(!v.dont_track_primary && !v.vmac_xmit_base && v.vmac.is_none());
    assert_eq!(v.notify, NotifyScripts::default());
}

#[test]
fn instance_needs_one_name_and_a_unique_one() {
    let o = run("vrrp_instance {\n interface vrrp0\n}\n");
    assert_eq!(o.exit(), 5);
    assert!(o.cfg.vrrp.instances.list.is_empty());
    let o = run("vrrp_instance A B {\n}\n");
    assert!(o.has_error("exactly one name"), "{}", o.report());
    let o = run(
        "vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 1\n no_virtual_ipaddress\n}\nvrrp_instance VI_1 {\n priority 7\n}\n",
    );
    assert_eq!(o.exit(), 5);
    assert_eq!(o.cfg.vrrp.instances.list.len(), 1);
    assert_eq!(o.v().priority(), Priority::DEFAULT, "second block skipped");
}

// ---- state / priority ---------------------------------------------------------

#[test]
fn state_and_priority() {
    let o = ok(" state BACKUP\n priority 150");
    assert_eq!(o.v().state, Some(InitialState::Backup));
    assert_eq!(o.v().priority, Priority::new(150));
    // MASTER without a priority makes the owner.
    let o = ok(" state MASTER");
    assert_eq!(o.v().priority, Some(Priority::OWNER));
    assert_eq!(o.v().initial_state(), InitialState::Master);
    // Priority 255 alone means MASTER.
    let o = ok(" priority 255");
    assert_eq!(o.v().state, Some(InitialState::Master));
    // MASTER below 255 stays MASTER in the model (keepalived waits like a
    // BACKUP at start-up).
    let o = ok(" state MASTER\n priority 150");
    assert_eq!(o.v().state, Some(InitialState::Master));
}

#[test]
fn bad_state_defaults_to_backup() {
    let o = bad(" state master");
    assert_eq!(o.v().state, Some(InitialState::Backup));
    let o = bad(" state MASTER\n state BACKUP");
    assert_eq!(o.v().state, Some(InitialState::Master));
    let o = inst(" state");
    assert_eq!(o.exit(), 2, "{}", o.report());
}

#[test]
fn bad_priority_uses_100() {
    for p in ["0", "256", "abc", "-1"] {
        let o = bad(&format!(" state MASTER\n priority {p}"));
        assert_eq!(o.v().priority, Some(Priority::DEFAULT), "{p}");
        assert!(
            o.with_class(Class::InvalidNumber).len() == 1,
            "{}",
            o.report()
        );
    }
}

// ---- VRID / interface -----------------------------------------------------------

#[test]
fn vrid_is_required_and_ranged() {
    let o = run("vrrp_instance VI_1 {\n interface vrrp0\n no_virtual_ipaddress\n}\n");
    assert_eq!(o.exit(), 5);
    assert!(o.has_error("no virtual_router_id"), "{}", o.report());
    assert_eq!(o.v().completion, Completion::Failed);
    for id in ["0", "256", "x"] {
        let o = run(&format!(
            "vrrp_instance VI_1 {{\n interface vrrp0\n virtual_router_id {id}\n no_virtual_ipaddress\n}}\n"
        ));
        assert_eq!(o.exit(), 5);
        assert_eq!(o.v().vrid, None);
    }
    let o = ok(" virtual_router_id 255");
    assert_eq!(o.v().vrid.map(Vrid::get), Some(255));
}

#[test]
fn missing_vrid_stops_the_later_instances_checks() {
    let o = run("vrrp_instance A {\n interface vrrp0\n no_virtual_ipaddress\n}\nvrrp_instance B {\n interface vrrp0\n virtual_router_id 2\n no_virtual_ipaddress\n state MASTER\n nopreempt\n}\n");
    assert_eq!(o.inst("B").completion, Completion::NotReached);
    assert!(!o.has_error("nopreempt"), "{}", o.report());
    // ... but our lint says what keepalived would have said.
    assert!(o.has_lint("nopreempt does not work with state MASTER"));
}

#[test]
fn interfaces() {
    // A missing interface: keepalived's BAD_IF (exit 4), but the general
    // error that comes with it makes it 5.
    let o = run("vrrp_instance VI_1 {\n interface nosuch0\n virtual_router_id 1\n}\n");
    assert_eq!(o.exit(), 5, "{}", o.report());
    assert_eq!(o.with_class(Class::BadInterface).len(), 1);
    assert!(o.cfg.vrrp.non_existent_interface);
    assert_eq!(o.v().interface, None);
    // Loopback: refused, and the instance has no interface (exit 5).
    let o = run(
        "vrrp_instance VI_1 {\n interface lo\n virtual_router_id 1\n no_virtual_ipaddress\n}\n",
    );
    assert_eq!(o.exit(), 5);
    assert_eq!(o.v().interface, None);
    assert!(o.has_error("loopback"));
    assert!(o.has_error("no usable interface"));
    // Too long a name.
    let o = run("vrrp_instance VI_1 {\n interface abcdefghijklmnop\n virtual_router_id 1\n}\n");
    assert_eq!(o.exit(), 5);
    assert!(!o.cfg.vrrp.non_existent_interface);
    // No interface at all: 2.2.7 refuses even unicast instances.
    let o = run("vrrp_instance VI_1 {\n virtual_router_id 1\n unicast_src_ip 192.0.2.2\n unicast_peer {\n  192.0.2.3\n }\n no_virtual_ipaddress\n}\n");
    assert_eq!(o.exit(), 5);
    assert!(o.has_error("no usable interface"));
}

#[test]
fn interface_without_multicast_faults() {
    let o = run(
        "vrrp_instance VI_1 {\n interface nomc0\n virtual_router_id 1\n no_virtual_ipaddress\n}\n",
    );
    assert_eq!(o.exit(), 5);
    assert!(o.v().config_fault);
    let o = run("vrrp_instance VI_1 {\n interface nomc0\n virtual_router_id 1\n no_virtual_ipaddress\n unicast_peer {\n  198.51.100.3\n }\n}\n");
    assert_eq!(o.exit(), 0, "{}", o.report());
    assert!(o.v().unicast);
}

// ---- timers ------------------------------------------------------------------------

#[test]
fn advert_int_per_version() {
    let o = ok(" advert_int 3");
    assert_eq!(o.v().advert_interval().duration(), Duration::from_secs(3));
    assert_eq!(o.v().advert_interval().v2_seconds(), 3);
    // VRRPv2: whole seconds, rounded (reported).
    let o = bad(" advert_int 1.5");
    assert_eq!(o.v().advert_interval().duration(), Duration::from_secs(2));
    let o = bad(" advert_int 0.4");
    assert_eq!(o.v().advert_interval().duration(), Duration::from_secs(1));
    // VRRPv3: centiseconds.
    let o = ok(" version 3\n advert_int 0.25");
    let a = o.v().advert_interval();
    assert_eq!(a.duration(), Duration::from_millis(250));
    assert_eq!(a.v3_centiseconds(), 25);
    assert_eq!(a.wire(VrrpVersion::V3), 25);
    let o = bad(" version 3\n advert_int 0.015");
    assert_eq!(
        o.v().advert_interval().duration(),
        Duration::from_millis(20)
    );
    let o = bad(" version 3\n advert_int 50");
    assert_eq!(o.v().advert_interval().v3_centiseconds(), 4095);
    // Out of range or zero: ignored.
    for x in ["0", "256", "abc", "0.001"] {
        let o = bad(&format!(" advert_int {x}"));
        assert_eq!(o.v().advert_interval(), AdvertInterval::DEFAULT, "{x}");
    }
    // Too many decimals: rounded and reported, but used.
    let o = bad(" version 3\n advert_int 0.1000004");
    assert_eq!(
        o.v().advert_interval().duration(),
        Duration::from_millis(100)
    );
}

#[test]
fn advert_interval_wire_encodings() {
    let a = AdvertInterval::from_micros(1_500_000);
    assert_eq!(a.v2_seconds(), 2);
    assert_eq!(a.v3_centiseconds(), 150);
    assert_eq!(AdvertInterval::from_micros(10_000).v2_seconds(), 1);
    assert_eq!(
        AdvertInterval::from_micros(255_000_000).v3_centiseconds(),
        4095
    );
    let (r, c) = AdvertInterval::from_micros(2_400_000).for_version(VrrpVersion::V2);
    assert_eq!(
        (r.duration(), c),
        (Duration::from_secs(2), Some(AdvertChange::Rounded))
    );
    let (r, c) = AdvertInterval::from_micros(2_000_000).for_version(VrrpVersion::V3);
    assert_eq!((r.duration(), c), (Duration::from_secs(2), None));
}

#[test]
fn preempt() {
    let o = ok(" nopreempt");
    assert!(o.v().nopreempt);
    let o = ok(" nopreempt\n preempt");
    assert!(!o.v().nopreempt);
    let o = ok(" preempt_delay 10.5");
    assert_eq!(o.v().preempt_delay, Duration::from_millis(10_500));
    let o = bad(" preempt_delay 1001");
    assert_eq!(o.v().preempt_delay, Duration::ZERO);
    // Cleared with state MASTER / priority 255 / together.
    let o = bad(" state MASTER\n priority 100\n nopreempt");
    assert!(!o.v().nopreempt);
    let o = bad(" priority 255\n nopreempt");
    assert!(!o.v().nopreempt);
    let o = bad(" state MASTER\n priority 100\n preempt_delay 5");
    assert_eq!(o.v().preempt_delay, Duration::ZERO);
    let o = bad(" nopreempt\n preempt_delay 5");
    assert!(o.v().nopreempt);
    assert_eq!(o.v().preempt_delay, Duration::ZERO);
}

#[test]
fn garp_settings() {
    let o = ok(" garp_master_delay 10\n garp_master_repeat 3\n garp_master_refresh 60\n garp_master_refresh_repeat 2");
    let g = o.v().garp;
    assert_eq!(g.master_delay, Some(Duration::from_secs(10)));
    assert_eq!(g.master_repeat, Some(3));
    assert_eq!(g.master_refresh, Some(Duration::from_secs(60)));
    assert_eq!(g.master_refresh_repeat, Some(2));
    let o = bad(" garp_master_repeat 0\n garp_master_refresh_repeat 0");
    assert_eq!(o.v().garp.master_repeat, Some(1));
    assert_eq!(o.v().garp.master_refresh_repeat, Some(1));
    let o = bad(" garp_master_delay abc");
    assert_eq!(o.v().garp.master_delay, Some(Duration::from_secs(5)));
    let o = bad(" garp_master_refresh -3");
    assert_eq!(o.v().garp.master_refresh, Some(Duration::ZERO));
}

#[test]
fn debug_level() {
    assert_eq!(ok(" debug 3").v().debug, 3);
    assert_eq!(bad(" debug 5").v().debug, 0);
}

// ---- version / family --------------------------------------------------------------

#[test]
fn version_and_family() {
    let o = ok(" version 3");
    assert_eq!(o.v().version, Some(VrrpVersion::V3));
    let o = bad(" version 4");
    assert_eq!(o.v().version, Some(VrrpVersion::V2));
    let o = bad(" version 3\n version 2");
    assert_eq!(o.v().version, Some(VrrpVersion::V3));
    // native_ipv6: IPv6 and VRRPv3.
    let o = ok(" native_ipv6");
    assert_eq!(
        (o.v().family, o.v().version),
        (Some(Family::V6), Some(VrrpVersion::V3))
    );
    assert_eq!(o.v().mcast_dst_ip, Some("ff02::12".parse().unwrap()));
    assert_eq!(o.v().effective_unicast_ttl(), None);
    // The family follows the first address.
    let o = ok(" mcast_src_ip fe80::2");
    assert_eq!(
        (o.v().family, o.v().version),
        (Some(Family::V6), Some(VrrpVersion::V3))
    );
    // An explicit version 2 on IPv6 stays 2 (keepalived 2.2.7), with a lint.
    let o = ok(" version 2\n mcast_src_ip fe80::2");
    assert_eq!(o.v().version, Some(VrrpVersion::V2));
    assert!(o.has_lint("VRRP version 2 with IPv6"));
    // ... unless strict mode.
    let o = run(
        "vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 5\n strict_mode\n version 2\n mcast_src_ip fe80::2\n virtual_ipaddress {\n  fe80::100\n }\n}\n",
    );
    assert_eq!(o.exit(), 5);
    assert_eq!(o.v().version, Some(VrrpVersion::V3));
    // Version 2 after IPv6 addresses: refused.
    let o = bad(" mcast_src_ip fe80::2\n version 2");
    assert_eq!(o.v().version, Some(VrrpVersion::V3));
    let o = bad(" mcast_src_ip 192.0.2.2\n native_ipv6");
    assert_eq!(o.v().family, Some(Family::V4));
}

// ---- addresses -------------------------------------------------------------------------

#[test]
fn source_and_destination_addresses() {
    let o = ok(" mcast_src_ip 192.0.2.2");
    assert_eq!(o.v().src_ip, Some("192.0.2.2".parse().unwrap()));
    assert!(o.v().src_ip_configured && !o.v().unicast_configured);
    let o = bad(" mcast_src_ip 192.0.2.300");
    assert_eq!(o.v().src_ip, None);
    let o = bad(" mcast_src_ip 192.0.2.2\n mcast_dst_ip ff02::12");
    assert_eq!(o.v().mcast_dst_ip, Some("224.0.0.18".parse().unwrap()));
    let o = ok(" mcast_dst_ip 224.0.0.19");
    assert_eq!(o.v().mcast_dst_ip, Some("224.0.0.19".parse().unwrap()));
    let o = bad(" mcast_dst_ip 10.0.0.1");
    assert_eq!(o.v().mcast_dst_ip, Some("224.0.0.18".parse().unwrap()));
    // track_src_ip only with a configured source.
    assert!(!ok(" track_src_ip").v().track_src_ip);
    assert!(
        ok(" track_src_ip\n mcast_src_ip 192.0.2.2")
            .v()
            .track_src_ip
    );
}

#[test]
fn unicast() {
    let o = ok(" unicast_src_ip 192.0.2.2\n unicast_ttl 10\n unicast_peer {\n  192.0.2.3\n  192.0.2.4 min_ttl 10 max_ttl 200\n }");
    let v = o.v();
    assert!(v.unicast_configured && v.unicast);
    assert_eq!(v.src_ip, Some("192.0.2.2".parse().unwrap()));
    assert_eq!(v.unicast_peers.len(), 2);
    assert_eq!(
        v.unicast_peers[0].addr,
        "192.0.2.3".parse::<IpAddr>().unwrap()
    );
    assert_eq!(
        (v.unicast_peers[0].min_ttl, v.unicast_peers[0].max_ttl),
        (0, 255)
    );
    assert_eq!(
        (v.unicast_peers[1].min_ttl, v.unicast_peers[1].max_ttl),
        (10, 200)
    );
    assert!(v.check_unicast_src, "a TTL range turns source checking on");
    assert_eq!(v.unicast_ttl, Some(10));
    assert!(v.mcast_dst_ip.is_none());
    // check_unicast_src alone.
    assert!(
        ok(" check_unicast_src\n unicast_peer {\n 192.0.2.3\n }")
            .v()
            .check_unicast_src
    );
    // Errors in entries.
    let o = bad(" unicast_peer {\n  bad\n  192.0.2.5 foo 3\n  192.0.2.6 min_ttl\n  fe80::1\n  192.0.2.7 min_ttl 9 max_ttl 3\n }");
    let peers: Vec<String> = o
        .v()
        .unicast_peers
        .iter()
        .map(|p| p.addr.to_string())
        .collect();
    assert_eq!(peers, ["192.0.2.5", "192.0.2.6", "192.0.2.7"]);
    // unicast_ttl: range, and only with peers.
    let o = bad(" unicast_ttl 256\n unicast_peer {\n 192.0.2.3\n }");
    assert_eq!(o.v().unicast_ttl, None);
    let o = bad(" unicast_ttl 5");
    assert_eq!(o.v().unicast_ttl, None);
    // A unicast keyword without peers: deprecated, multicast.
    let o = bad(" unicast_src_ip 192.0.2.2");
    assert_eq!(o.with_class(Class::Deprecated).len(), 1, "{}", o.report());
    assert!(!o.v().unicast);
    let o = ok(" unicast_src_ip 192.0.2.2\n unicast_fault_no_peer");
    assert!(o.v().config_fault && o.v().unicast_fault_no_peer);
}

#[test]
fn unicast_in_strict_mode_is_accepted_with_a_lint() {
    let o = vinst(" strict_mode\n unicast_peer {\n  192.0.2.3\n }");
    assert_eq!(o.exit(), 0, "{}", o.report());
    assert!(o.v().unicast);
    assert!(o.has_lint("strict mode"));
}

#[test]
fn unicast_peer_that_is_our_own_address() {
    let o = ok(" unicast_peer {\n  192.0.2.2\n  192.0.2.3\n }");
    assert!(o.has_lint("unicast_peer 192.0.2.2 is an address of this node"));
    assert!(!o.has_lint("192.0.2.3"));
}

#[test]
fn virtual_addresses() {
    let o = run("vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 1\n virtual_ipaddress {\n  192.0.2.100/24\n  192.0.2.101 dev vrrp0\n  fe80::1\n }\n virtual_ipaddress_excluded {\n  fd00::1/64\n }\n}\n");
    assert_eq!(o.exit(), 5, "the IPv6 VIP is refused: {}", o.report());
    let v = o.v();
    assert_eq!(v.vips.len(), 2);
    assert_eq!(v.vips[0].addr, "192.0.2.100".parse::<IpAddr>().unwrap());
    assert_eq!((v.vips[0].prefix_len, v.vips[0].prefix_given), (24, true));
    assert_eq!((v.vips[1].prefix_len, v.vips[1].prefix_given), (32, false));
    assert_eq!(v.vips[1].dev.as_deref(), Some("vrrp0"));
    assert_eq!(v.excluded_vips.len(), 1);
    assert_eq!(v.family, Some(Family::V4));
    // Without a prefix inside the interface's subnet: lint.
    assert!(o.has_lint("VIP 192.0.2.101 has no prefix length"));
}

#[test]
fn virtual_routes_land_in_the_instance() {
    let o = ok(" virtual_routes {\n  198.51.100.0/24 via 192.0.2.1 no_track\n }");
    assert_eq!(o.v().virtual_routes.len(), 1);
    // Without a device keepalived cannot track the route: an error.
    let o = bad(" virtual_routes {\n  198.51.100.0/24 via 192.0.2.1\n }");
    assert_eq!(o.v().virtual_routes.len(), 1);
    assert!(ok("").v().virtual_routes.is_empty());
}

#[test]
fn no_vips() {
    let o = run("vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 1\n}\n");
    assert_eq!(o.exit(), 5);
    assert_eq!(o.v().completion, Completion::Done, "v2: only a warning");
    let o = run("vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 1\n version 3\n}\n");
    assert_eq!(o.exit(), 5);
    assert_eq!(o.v().completion, Completion::Failed);
    // no_virtual_ipaddress (keepalived 2.3+) allows it, but not in strict mode.
    let o = ok(" version 3");
    assert_eq!(o.v().completion, Completion::Done);
    let o = bad(" strict_mode");
    assert_eq!(o.v().completion, Completion::Failed);
}

#[test]
fn too_many_vips_become_excluded() {
    let vips: String = (1..=300)
        .map(|i| format!("  10.{}.{}.1\n", i / 256, i % 256))
        .collect();
    let o = run(&format!("vrrp_instance VI_1 {{\n interface vrrp0\n virtual_router_id 1\n virtual_ipaddress {{\n{vips} }}\n}}\n"));
    assert_eq!(o.exit(), 5);
    assert_eq!(o.v().vips.len(), 255);
    assert_eq!(o.v().excluded_vips.len(), 45);
}

// ---- authentication ---------------------------------------------------------------------

#[test]
fn authentication() {
    let o = ok(" authentication {\n  auth_type PASS\n  auth_pass secret\n }");
    let a = o.v().auth.expect("auth");
    assert_eq!(a.kind, Some(AuthType::Pass));
    assert_eq!(&a.password.0, b"secret\0\0");
    let o = ok(" authentication {\n  auth_type AH\n  auth_pass 12345678\n }");
    assert_eq!(o.v().auth.and_then(|a| a.kind), Some(AuthType::Ah));
    // Longer than 8: keepalived truncates and reports it.
    let o = bad(" authentication {\n  auth_type PASS\n  auth_pass 123456789\n }");
    assert_eq!(&o.v().auth.unwrap().password.0, b"12345678");
    // Unknown type, no password, v3, strict: ignored with an error.
    let o = bad(" authentication {\n  auth_type FOO\n  auth_pass x\n }");
    assert_eq!(o.v().auth.and_then(|a| a.kind), None);
    let o = bad(" authentication {\n  auth_type PASS\n }");
    assert_eq!(o.v().auth.and_then(|a| a.kind), None);
    let o = bad(" version 3\n authentication {\n  auth_type PASS\n  auth_pass x\n }");
    assert_eq!(o.v().auth.and_then(|a| a.kind), None);
    let o = vinst(" strict_mode\n authentication {\n  auth_type PASS\n  auth_pass x\n }");
    assert_eq!(o.exit(), 5);
    assert_eq!(o.v().auth.and_then(|a| a.kind), None);
    // AH cannot start as a non-owner MASTER.
    let o =
        bad(" state MASTER\n priority 100\n authentication {\n  auth_type AH\n  auth_pass x\n }");
    assert_eq!(o.v().state, Some(InitialState::Backup));
    let o = inst(" authentication {\n  auth_type\n }");
    assert_eq!(o.exit(), 2);
}

#[test]
fn auth_hmac_is_read_like_keepalived_head() {
    let key = "k".repeat(32);
    let o = ok(&format!(" auth_hmac {{\n  key 1 {key}\n  key 2 hex:{}\n  active_key 2\n  anti_replay monotonic\n  mode permissive\n }}", "ab".repeat(40)));
    let h = o.v().auth_hmac.clone().expect("auth_hmac");
    assert_eq!(h.keys.len(), 2);
    assert_eq!(h.keys[1].key.len(), 40);
    assert_eq!(h.active_key, 2);
    assert!(!h.anti_replay_time);
    assert_eq!(h.mode, HmacMode::Permissive);
    // Derived window: 3 x advert_int, at least 5 s.
    let o = ok(&format!(
        " advert_int 3\n auth_hmac {{\n  key 1 {key}\n  active_key 1\n }}"
    ));
    assert_eq!(
        o.v().auth_hmac.as_ref().unwrap().time_window,
        Some(Duration::from_secs(9))
    );
    // Short key, unknown active key, bad mode.
    let o = bad(" auth_hmac {\n  key 1 short\n  active_key 1\n }");
    assert!(o.v().auth_hmac.is_none());
    let o = bad(&format!(
        " auth_hmac {{\n  key 1 {key}\n  mode strict\n  active_key 1\n }}"
    ));
    assert_eq!(o.v().auth_hmac.as_ref().unwrap().mode, HmacMode::Enforce);
}

// ---- tracking ------------------------------------------------------------------------------

#[test]
fn track_interface_entries() {
    let o = run("vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 1\n no_virtual_ipaddress\n track_interface {\n  nomc0 weight -20 reverse\n }\n dont_track_primary\n}\n");
    assert_eq!(o.exit(), 0, "{}", o.report());
    let t = &o.v().track_interfaces;
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].name, "nomc0");
    assert_eq!(
        t[0].weight,
        Weight {
            value: -20,
            reverse: true
        }
    );
    assert!(o.v().dont_track_primary);
    // Missing interface: BAD_IF.
    let o = inst(" track_interface {\n  nosuch0\n }");
    assert_eq!(o.with_class(Class::BadInterface).len(), 1);
    assert!(o.cfg.vrrp.non_existent_interface);
    // ±254 → ±253; out of range → 0; own interface dropped; duplicates.
    let o = bad(" track_interface {\n  nomc0 weight 254\n }");
    assert_eq!(o.v().track_interfaces[0].weight.value, 253);
    let o = bad(" track_interface {\n  nomc0 weight 300\n }");
    assert_eq!(o.v().track_interfaces[0].weight.value, 0);
    let o = bad(" track_interface {\n  vrrp0\n }");
    assert!(o.v().track_interfaces.is_empty());
    let o = bad(" track_interface {\n  nomc0\n  nomc0 weight 3\n }");
    assert_eq!(o.v().track_interfaces.len(), 1);
}

#[test]
fn track_script_resolves_names_defined_before() {
    let text = "vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 1\n no_virtual_ipaddress\n track_script {\n  chk\n  chk2 weight -10 reverse\n }\n}\n";
    let o = run(&(scripts(&["chk", "chk2"]) + text));
    assert_eq!(o.exit(), 0, "{}", o.report());
    let t = &o.v().track_scripts;
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].weight, Weight::default());
    assert_eq!(
        t[1].weight,
        Weight {
            value: -10,
            reverse: true
        }
    );
    // Without a weight on the entry, the vrrp_script's own weight counts;
    // a weight without reverse keeps the script's reverse.
    let o = run(&(scripts(&["chk weight 7 reverse", "chk2 weight -3 reverse"])
        + "vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 1\n no_virtual_ipaddress\n track_script {\n  chk\n  chk2 weight 4\n }\n}\n"));
    assert_eq!(o.exit(), 0, "{}", o.report());
    let t = &o.v().track_scripts;
    assert_eq!(
        (t[0].weight, t[1].weight),
        (
            Weight {
                value: 7,
                reverse: true
            },
            Weight {
                value: 4,
                reverse: true
            }
        )
    );
    // Not defined (yet): reported, ignored.
    let o = run(text);
    assert_eq!(o.exit(), 5);
    assert!(o.v().track_scripts.is_empty());
    assert_eq!(o.v().unresolved_tracks.len(), 2);
}

#[test]
fn track_script_weight_out_of_range_keeps_the_script() {
    // keepalived 2.2.7 reports weight 300 but tracks the script with its own
    // weight (0), so its failure means FAULT.
    let o = run(&(scripts(&["chk", "chk2"])
        + "vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 1\n no_virtual_ipaddress\n track_script {\n  chk weight 300\n  chk2 weight 254 sideways\n }\n}\n"));
    assert_eq!(o.exit(), 5);
    let t = &o.v().track_scripts;
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].weight.value, 0);
    assert_eq!(t[1].weight.value, 253);
}

#[test]
fn track_process_and_file() {
    let text = "vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 1\n no_virtual_ipaddress\n track_process {\n  p1 weight 5\n }\n track_file {\n  f1\n  f2 weight 3 sideways\n }\n}\n";
    let defs = "vrrp_track_process p1 {\n process p1\n}\ntrack_file f1 {\n file /tmp/ka-inst-test-f1\n}\ntrack_file f2 {\n file /tmp/ka-inst-test-f2\n}\n";
    let o = run(&(defs.to_string() + text));
    assert_eq!(o.exit(), 5, "f2's bad option: {}", o.report());
    assert_eq!(o.v().track_processes[0].weight.value, 5);
    assert_eq!(o.v().track_files.len(), 1, "f2 dropped");
    assert_eq!(
        o.v().track_files[0].weight.value,
        1,
        "track_file default weight"
    );
    let o = run(text);
    assert!(o.v().track_processes.is_empty() && o.v().track_files.is_empty());
}

#[test]
fn owner_ignores_tracker_weights() {
    let o = run(&(scripts(&["chk", "chk0"])
        + "vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 1\n no_virtual_ipaddress\n priority 255\n track_interface {\n  nomc0 weight 10\n }\n track_script {\n  chk weight 5\n  chk0\n }\n}\n"));
    assert_eq!(o.exit(), 5);
    assert!(o.v().track_interfaces.is_empty());
    assert_eq!(o.v().track_scripts.len(), 1);
    assert_eq!(o.v().track_scripts[0].name, "chk0");
}

#[test]
fn track_defined_after_the_instance_gets_a_hint() {
    let text = "vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 1\n no_virtual_ipaddress\n track_script {\n  late\n }\n}\n";
    // The vrrp_script that follows the instance in the file.
    let o = run(&(text.to_string() + &scripts(&["late"])));
    assert_eq!(o.exit(), 5);
    let unresolved = &o.v().unresolved_tracks;
    assert_eq!(unresolved[0].name, "late");
    assert_eq!(unresolved[0].keyword, "track_script");
    assert!(o.has_lint("after this instance"), "{}", o.report());
    let o = run(text);
    assert!(!o.has_lint("after this instance"));
}

// ---- notify ------------------------------------------------------------------------

#[test]
fn notify_scripts() {
    let o = inst(" notify_master /bin/true\n notify_backup \"/bin/echo backup\"\n notify_fault /bin/true\n notify_stop /bin/true\n notify /bin/true\n smtp_alert");
    // No enable_script_security: keepalived's SECURITY VIOLATION.
    assert_eq!(o.exit(), 6, "{}", o.report());
    let n = &o.v().notify;
    // The security check stores the resolved path, as keepalived does.
    let real = |p: &str| std::fs::canonicalize(p).unwrap().display().to_string();
    assert_eq!(n.master.as_ref().unwrap().args, [real("/bin/true")]);
    assert_eq!(
        n.backup.as_ref().unwrap().args,
        [real("/bin/echo"), "backup".to_string()]
    );
    assert!(n.fault.is_some() && n.stop.is_some() && n.generic.is_some());
    assert_eq!(o.v().smtp_alert, Some(true));
    // The first one wins.
    let o = inst(" notify_master /bin/true\n notify_master /bin/false");
    assert!(o.has_error("already set"));
    assert!(o.v().notify.master.as_ref().unwrap().args[0].ends_with("/true"));
    let o = bad(" smtp_alert maybe");
    assert_eq!(o.v().smtp_alert, Some(false));
}

#[test]
fn script_security_order() {
    // Checked before the VRID: keepalived's SECURITY VIOLATION (exit 6).
    let o = run("vrrp_instance VI_1 {\n interface vrrp0\n notify_master /bin/true\n no_virtual_ipaddress\n}\n");
    assert_eq!(o.exit(), 6, "{}", o.report());
    assert!(o.has_error("no virtual_router_id"));
    // A non-existent interface stops the VRRP process before it.
    let o = run("vrrp_instance VI_1 {\n interface nosuch0\n virtual_router_id 1\n notify_master /bin/true\n}\n");
    assert_eq!(o.exit(), 5, "{}", o.report());
    assert!(o.with_class(Class::Security).is_empty());
    // A notify keyword without its script: keepalived exits 2.
    assert_eq!(inst(" notify_master").exit(), 2);
    assert_eq!(inst(" notify_deleted").exit(), 0);
}

// ---- VMAC / misc ---------------------------------------------------------------------

#[test]
fn use_vmac() {
    let o = ok(" use_vmac vrrp.51 00:11:22:33:44\n vmac_xmit_base");
    let m = o.v().vmac.clone().expect("vmac");
    assert_eq!(m.ifname.as_deref(), Some("vrrp.51"));
    assert_eq!(m.mac, Some([0, 0x11, 0x22, 0x33, 0x44, 51]));
    assert!(o.v().vmac_xmit_base);
    let o = ok(" use_vmac");
    assert_eq!(o.v().vmac, Some(Vmac::default()));
    for bad_mac in [
        "01:11:22:33:44:55",
        "00:00:5e:00:01:05",
        "00:11:22",
        "0g:11:22:33:44",
    ] {
        let o = bad(&format!(" use_vmac {bad_mac}"));
        assert_eq!(o.v().vmac.as_ref().unwrap().mac, None, "{bad_mac}");
    }
    // vmac_xmit_base without use_vmac is dropped.
    let o = bad(" vmac_xmit_base");
    assert!(!o.v().vmac_xmit_base);
    // Unicast with a VMAC forces vmac_xmit_base.
    let o = bad(" use_vmac\n unicast_peer {\n  192.0.2.3\n }");
    assert!(o.v().vmac_xmit_base);
}

#[test]
fn strict_mode_rules() {
    let strict = |body: &str, exit: i32| {
        let o = vinst(&format!(" strict_mode\n{body}"));
        assert_eq!(o.exit(), exit, "{}", o.report());
        o
    };
    let o = strict(" state MASTER\n priority 150", 5);
    assert_eq!(o.v().state, Some(InitialState::Backup));
    let o = strict(" accept", 5);
    assert_eq!(o.v().accept, Some(false));
    let o = strict(" version 3\n accept", 0);
    assert_eq!(o.v().accept, Some(true));
    let o = strict("", 0);
    assert_eq!(o.v().strict_mode, Some(true));
    assert_eq!(o.v().accept, Some(false));
    assert_eq!(o.v().lower_prio_no_advert, Some(true));
    assert_eq!(o.v().higher_prio_send_advert, Some(false));
    assert_eq!(o.v().garp.lower_prio_repeat, Some(0));
    assert_eq!(o.v().garp.lower_prio_delay, Some(Duration::ZERO));
    let o = strict(
        " down_timer_adverts 5\n garp_lower_prio_repeat 2\n higher_prio_send_advert",
        5,
    );
    assert_eq!(o.v().down_timer_adverts, Some(3));
    assert_eq!(o.v().garp.lower_prio_repeat, Some(0));
    assert_eq!(o.v().higher_prio_send_advert, Some(false));
    let o = strict(" preempt_delay 4", 5);
    assert_eq!(o.v().preempt_delay, Duration::ZERO);
    let o = strict(" use_vmac 00:11:22:33:44:55\n vmac_xmit_base", 5);
    assert_eq!(o.v().vmac.as_ref().unwrap().mac, None);
    assert!(!o.v().vmac_xmit_base);
    // The owner accepts.
    let o = strict(" priority 255", 0);
    assert_eq!(o.v().accept, Some(true));
    // strict_mode off overrides nothing when vrrp_strict is off.
    let o = vinst(" strict_mode off\n accept");
    assert_eq!(o.exit(), 0);
    assert_eq!(o.v().strict_mode, Some(false));
}

#[test]
fn rare_keywords_are_read() {
    let o = ok(" down_timer_adverts 5\n lower_prio_no_advert\n higher_prio_send_advert false\n kernel_rx_buf_size 65536\n garp_lower_prio_delay 3\n garp_lower_prio_repeat 2\n promote_secondaries\n skip_check_adv_addr false\n notify_priority_changes");
    let v = o.v();
    assert_eq!(v.down_timer_adverts, Some(5));
    assert_eq!(v.lower_prio_no_advert, Some(true));
    assert_eq!(v.higher_prio_send_advert, Some(false));
    assert_eq!(v.kernel_rx_buf_size, Some(65536));
    assert_eq!(v.garp.lower_prio_delay, Some(Duration::from_secs(3)));
    assert_eq!(v.garp.lower_prio_repeat, Some(2));
    assert!(v.promote_secondaries);
    assert!(v.skip_check_adv_addr, "any valid value turns it on");
    assert_eq!(v.notify_priority_changes, Some(true));
    // kernel_rx_buf_size without a value is an error, not a missing parameter.
    assert_eq!(bad(" kernel_rx_buf_size").v().kernel_rx_buf_size, None);
    let o = bad(" linkbeat_use_polling");
    assert!(o.v().linkbeat_use_polling);
    let o = bad(" lvs_sync_daemon_interface vrrp0");
    assert_eq!(o.v().lvs_sync_daemon_interface.as_deref(), Some("vrrp0"));
    let o = inst(" vmac_garp_intvl 10");
    assert_eq!(o.with_class(Class::Deprecated).len(), 1, "{}", o.report());
}

// ---- conflicts and lints ------------------------------------------------------------

#[test]
fn duplicate_vrid_on_one_interface() {
    let two = |a: &str, b: &str| {
        run(&format!("vrrp_instance A {{\n interface vrrp0\n virtual_router_id 7\n no_virtual_ipaddress\n{a}\n}}\nvrrp_instance B {{\n interface vrrp0\n virtual_router_id 7\n no_virtual_ipaddress\n{b}\n}}\n"))
    };
    let o = two("", "");
    assert_eq!(o.exit(), 5);
    assert!(o.has_error("both use VRID 7"), "{}", o.report());
    // Another family, another group, or unicast: no conflict.
    assert_eq!(two("", " native_ipv6").exit(), 0);
    assert_eq!(two("", " mcast_dst_ip 224.0.0.19").exit(), 0);
    assert_eq!(two("", " unicast_peer {\n 192.0.2.9\n }").exit(), 0);
    // Unicast with a common peer from the same address: conflict.
    let u = " unicast_peer {\n 192.0.2.9\n }";
    assert_eq!(two(u, u).exit(), 5);
}

#[test]
fn duplicate_vrid_lint_when_keepalived_stops_earlier() {
    let o = run("vrrp_instance X {\n interface vrrp0\n no_virtual_ipaddress\n}\nvrrp_instance A {\n interface vrrp0\n virtual_router_id 7\n no_virtual_ipaddress\n}\nvrrp_instance B {\n interface vrrp0\n virtual_router_id 7\n no_virtual_ipaddress\n}\n");
    assert!(!o.has_error("both use VRID"));
    assert!(o.has_lint("both use VRID 7"));
}

#[test]
fn owner_that_does_not_own_its_vips() {
    let o = run("vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 1\n state MASTER\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n");
    assert_eq!(o.exit(), 0, "{}", o.report());
    assert!(o.has_lint("priority 255"));
    let o = run("vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 1\n priority 255\n virtual_ipaddress {\n  192.0.2.2/24\n }\n}\n");
    assert!(!o.has_lint("priority 255"), "{}", o.report());
}

#[test]
fn vip_prefix_lint_function() {
    // The function on its own (no VIP parsing needed).
    let host = TestHost;
    let reader = Reader::new("t", 0);
    let ctx = Ctx::new(reader, &host, false);
    let ip: IpAddr = "192.0.2.100".parse().unwrap();
    assert!(super::instance_lint::vip_prefix_lint(&ctx, &ip, false, "vrrp0").is_some());
    assert!(super::instance_lint::vip_prefix_lint(&ctx, &ip, true, "vrrp0").is_none());
    let other: IpAddr = "203.0.113.1".parse().unwrap();
    assert!(super::instance_lint::vip_prefix_lint(&ctx, &other, false, "vrrp0").is_none());
    let ll: IpAddr = "fe80::10".parse().unwrap();
    assert!(super::instance_lint::vip_prefix_lint(&ctx, &ll, false, "vrrp0").is_none());
}

#[test]
fn keyword_positions_are_kept() {
    let o = ok(" priority 90");
    assert_eq!(o.v().pos_of("priority").line, 5);
    assert_eq!(o.v().pos_of("nothing").line, 1);
}

// ---- the VRRP process's checks together -------------------------------------------

/// Two instances on vrrp0 (VRIDs 1 and 2, one VIP each) with `a` and `b`
/// added, after `pre`, followed by `post`.
fn pair(pre: &str, a: &str, b: &str, post: &str) -> Out {
    run(&format!(
        "{pre}\nvrrp_instance A {{\n interface vrrp0\n virtual_router_id 1\n virtual_ipaddress {{\n  192.0.2.100/24\n }}\n{a}\n}}\n\
         vrrp_instance B {{\n interface vrrp0\n virtual_router_id 2\n virtual_ipaddress {{\n  192.0.2.101/24\n }}\n{b}\n}}\n{post}\n"
    ))
}

/// A sync group of A and B with `body`.
fn group_of_pair(body: &str) -> String {
    format!("vrrp_sync_group G {{\n group {{\n  A\n  B\n }}\n{body}\n}}")
}

#[test]
fn global_defaults_reach_the_instances() {
    let o = run("global_defs {\n vrrp_version 3\n vrrp_garp_master_delay 2\n vrrp_garp_master_repeat 3\n vrrp_garp_lower_prio_repeat 7\n vrrp_down_timer_adverts 5\n vrrp_lower_prio_no_advert\n vrrp_higher_prio_send_advert\n smtp_alert_vrrp\n vrrp_notify_priority_changes\n vrrp_mcast_group4 224.0.0.19\n vrrp_skip_check_adv_addr\n}\n\
         vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 51\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\n");
    assert_eq!(o.exit(), 0, "{}", o.report());
    let v = o.v();
    assert_eq!(v.version, Some(VrrpVersion::V3));
    assert_eq!(v.garp.master_delay, Some(Duration::from_secs(2)));
    assert_eq!(v.garp.master_repeat, Some(3));
    assert_eq!(v.garp.lower_prio_repeat, Some(7));
    assert_eq!(v.garp.lower_prio_delay, Some(Duration::from_secs(2)));
    assert_eq!(v.down_timer_adverts, Some(5));
    assert_eq!(v.lower_prio_no_advert, Some(true));
    assert_eq!(v.higher_prio_send_advert, Some(true));
    assert_eq!(v.smtp_alert, Some(true));
    assert_eq!(v.notify_priority_changes, Some(true));
    assert_eq!(v.mcast_dst_ip, Some("224.0.0.19".parse().unwrap()));
    assert!(v.skip_check_adv_addr);
    // Without global_defs: keepalived's own defaults.
    let o = vinst("");
    let v = o.v();
    assert_eq!(v.version, Some(VrrpVersion::V2));
    assert_eq!(v.garp.master_delay, Some(Duration::from_secs(5)));
    assert_eq!(v.garp.lower_prio_repeat, Some(5));
    assert_eq!(v.down_timer_adverts, Some(3));
    assert_eq!(v.lower_prio_no_advert, Some(false));
    assert_eq!(v.smtp_alert, Some(false));
    assert_eq!(v.notify_priority_changes, Some(false));
    assert_eq!(v.mcast_dst_ip, Some("224.0.0.18".parse().unwrap()));
    // vrrp_strict makes every instance strict: no authentication allowed.
    let o = run("global_defs {\n vrrp_strict\n}\nvrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 51\n virtual_ipaddress {\n  192.0.2.100/24\n }\n authentication {\n  auth_type PASS\n  auth_pass x\n }\n}\n");
    assert_eq!(o.exit(), 5, "{}", o.report());
    assert_eq!(o.v().strict_mode, Some(true));
    // keepalived's VRRP process starts with all of global_defs read, so a
    // global_defs after the instance counts too (2.2.7: exit 5 here, as
    // down_timer_adverts 5 is not allowed in strict mode).
    let o = run("vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 51\n strict_mode\n virtual_ipaddress {\n  192.0.2.100/24\n }\n}\nglobal_defs {\n vrrp_garp_master_repeat 3\n vrrp_down_timer_adverts 5\n}\n");
    assert_eq!(o.exit(), 5, "{}", o.report());
    assert_eq!(o.v().garp.master_repeat, Some(3));
    assert_eq!(o.v().down_timer_adverts, Some(3));
    // An instance's own (valid) value wins; an invalid one inherits.
    let o = run("global_defs {\n vrrp_garp_master_repeat 3\n vrrp_garp_master_delay 7\n}\nvrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 51\n no_virtual_ipaddress\n garp_master_repeat 2\n garp_master_delay x\n}\n");
    assert_eq!(o.v().garp.master_repeat, Some(2));
    assert_eq!(o.v().garp.master_delay, Some(Duration::from_secs(7)));
}

#[test]
fn the_global_multicast_group_decides_vrid_conflicts() {
    let two = |pre: &str| {
        run(&format!("{pre}vrrp_instance A {{\n interface vrrp0\n virtual_router_id 7\n no_virtual_ipaddress\n}}\nvrrp_instance B {{\n interface vrrp0\n virtual_router_id 7\n no_virtual_ipaddress\n mcast_dst_ip 224.0.0.18\n}}\n"))
    };
    assert_eq!(two("").exit(), 5);
    // A sends to the global group, B to the RFC one: no conflict.
    let o = two("global_defs {\n vrrp_mcast_group4 224.0.0.19\n}\n");
    assert_eq!(o.exit(), 0, "{}", o.report());
}

#[test]
fn sync_group_settings_reach_their_members() {
    let o = pair(
        "global_defs {\n smtp_alert\n}",
        " notify_priority_changes off",
        "",
        &group_of_pair(" notify_priority_changes"),
    );
    assert_eq!(o.exit(), 0, "{}", o.report());
    assert_eq!(o.inst("A").notify_priority_changes, Some(false));
    assert_eq!(o.inst("B").notify_priority_changes, Some(true));
    let g = &o.cfg.vrrp.track.sync_groups[0];
    assert_eq!(g.instances, [0, 1]);
    assert_eq!(g.smtp_alert, Some(true));
}

#[test]
fn sync_group_members_lose_their_tracker_weights() {
    let sec = scripts(&["chk weight 10"]);
    let a = " track_script {\n  chk\n }\n track_interface {\n  nomc0 weight 5\n }";
    // Members without sync_group_tracking_weight: weighted scripts are
    // dropped, interface weights cleared.
    let o = pair(&sec, a, "", &group_of_pair(""));
    assert_eq!(o.exit(), 5, "{}", o.report());
    assert!(o.inst("A").track_scripts.is_empty());
    assert_eq!(o.inst("A").track_interfaces[0].weight.value, 0);
    // With it they keep them.
    let o = pair(&sec, a, "", &group_of_pair(" sync_group_tracking_weight"));
    assert_eq!(o.exit(), 0, "{}", o.report());
    assert_eq!(o.inst("A").track_scripts[0].weight.value, 10);
    assert_eq!(o.inst("A").track_interfaces[0].weight.value, 5);
    // Not in a group: no problem either.
    let o = pair(&sec, a, "", "");
    assert_eq!(o.exit(), 0, "{}", o.report());
}

#[test]
fn sync_group_trackers_and_address_owners() {
    let sec = scripts(&["chk weight 10"]);
    let post = group_of_pair(" track_script {\n  chk\n }");
    // A member with priority 255: the group's weighted tracker is cleared.
    let o = pair(&sec, " priority 255", "", &post);
    assert_eq!(o.exit(), 5, "{}", o.report());
    assert!(o.has_error("cannot have a weight"));
    assert_eq!(
        o.cfg.vrrp.track.sync_groups[0].track_scripts[0]
            .weight
            .value,
        0
    );
    // state MASTER without a priority makes an owner too.
    let o = pair(&sec, " state MASTER", "", &post);
    assert!(o.has_error("cannot have a weight"), "{}", o.report());
    let o = pair(&sec, "", "", &post);
    assert_eq!(o.exit(), 0, "{}", o.report());
    // An owner MASTER followed by a BACKUP member cannot work.
    let o = pair(
        "",
        " state MASTER\n priority 255",
        " state BACKUP",
        &group_of_pair(""),
    );
    assert!(o.has_error("mixes address owners"), "{}", o.report());
    let o = pair(
        "",
        " state BACKUP",
        " state MASTER\n priority 255",
        &group_of_pair(""),
    );
    assert_eq!(o.exit(), 0, "{}", o.report());
}

#[test]
fn an_interface_tracked_by_a_member_and_its_group() {
    let post = group_of_pair(" track_interface {\n  nomc0\n }");
    let o = pair("", " track_interface {\n  nomc0\n }", "", &post);
    assert_eq!(o.exit(), 5, "{}", o.report());
    assert!(o.has_error("(A) interface 'nomc0' is tracked both"));
    assert!(!o.has_error("(B) interface"));
    // The members' own interface counts, unless dont_track_primary.
    let post = group_of_pair(" track_interface {\n  vrrp0\n }");
    let o = pair("", "", " dont_track_primary", &post);
    assert!(o.has_error("(A) interface 'vrrp0' is tracked both"));
    assert!(!o.has_error("(B) interface"), "{}", o.report());
    // A weighted track_interface an owner stops tracking still counts, as
    // keepalived linked it to the interface before dropping it.
    let post = group_of_pair(" sync_group_tracking_weight\n track_interface {\n  nomc0\n }");
    let o = pair(
        "",
        " priority 255\n track_interface {\n  nomc0 weight 5\n }",
        "",
        &post,
    );
    assert!(o.inst("A").track_interfaces.is_empty());
    assert!(
        o.has_error("(A) interface 'nomc0' is tracked both"),
        "{}",
        o.report()
    );
}

#[test]
fn disabled_vrrp_scripts_are_no_longer_tracked() {
    let pre = "global_defs {\n enable_script_security\n script_user root\n}\nvrrp_script gone {\n script /nonexistent/ka-test.sh\n}\nvrrp_script chk {\n script /bin/true\n}";
    let tracks = " track_script {\n  gone\n  chk\n }";
    let o = pair(pre, tracks, "", &group_of_pair(tracks));
    assert_eq!(o.exit(), 5, "{}", o.report());
    assert!(o.has_error("vrrp_script 'gone' is disabled"));
    let names = |t: &[TrackedObject]| t.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&o.inst("A").track_scripts), ["chk"]);
    let g = &o.cfg.vrrp.track.sync_groups[0];
    assert_eq!(
        g.track_scripts
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["chk"]
    );
    assert!(o.cfg.vrrp.track.script("gone").is_some_and(|s| s.insecure));
    // An unused script is checked too, but only when there are instances.
    let o = run(pre);
    assert_eq!(o.exit(), 0, "{}", o.report());
    assert!(!o.has_error("disabled"));
}

#[test]
fn every_script_counts_for_script_security() {
    // Without enable_script_security, any script the VRRP process could
    // run is a security violation (exit 6): a vrrp_script nobody tracks,
    // a sync group's notify script, the VRRP notify FIFO's script.
    let o = pair("vrrp_script chk {\n script /bin/true\n}", "", "", "");
    assert_eq!(o.exit(), 6, "{}", o.report());
    let o = pair("", "", "", &group_of_pair(" notify_master /bin/true"));
    assert_eq!(o.exit(), 6, "{}", o.report());
    let fifo = "global_defs {\n vrrp_notify_fifo /tmp/ka-inst-test.fifo\n vrrp_notify_fifo_script /bin/true\n}";
    let o = pair(fifo, "", "", "");
    assert_eq!(o.exit(), 6, "{}", o.report());
    assert!(o.cfg.global.vrrp_notify_fifo.script.is_some());
    // The VRRP process only looks at its scripts when it has instances.
    assert_eq!(run(fifo).exit(), 0);
    // A FIFO script that cannot be found is dropped without a verdict.
    let o = pair(
        "global_defs {\n notify_fifo /tmp/ka-inst-test.fifo\n notify_fifo_script /nonexistent/ka-test.sh\n}",
        "",
        "",
        "",
    );
    assert_eq!(o.exit(), 0, "{}", o.report());
    assert!(o.cfg.global.notify_fifo.script.is_none());
}

#[test]
fn an_unterminated_quote_in_a_notify_line_is_not_a_missing_script() {
    // keepalived re-reads the line with shell quoting: a quoting error
    // (exit 5), not the missing parameter (exit 2) of a bare keyword.
    let o = vinst(" notify_master \"/bin/true");
    assert_eq!(o.exit(), 5, "{}", o.report());
    assert!(o.v().notify.master.is_none());
    assert_eq!(vinst(" notify_master").exit(), 2);
    assert_eq!(vinst(" notify_master # comment").exit(), 2);
    let o = pair("", "", "", &group_of_pair(" notify \"/bin/true"));
    assert_eq!(o.exit(), 5, "{}", o.report());
    assert_eq!(pair("", "", "", &group_of_pair(" notify")).exit(), 2);
}

#[test]
fn use_vmac_on_an_address() {
    let o = vinst(" use_vmac\n virtual_ipaddress_excluded {\n  198.51.100.1/24 use_vmac\n }");
    assert!(
        o.has_error("use_vmac is given both here and on the instance"),
        "{}",
        o.report()
    );
    assert!(!o.v().excluded_vips[0].use_vmac);
    let o = vinst(
        " use_vmac_addr\n virtual_ipaddress_excluded {\n  198.51.100.1/24 dev nomc0 use_vmac\n }",
    );
    assert!(o.has_error("use_vmac_addr"), "{}", o.report());
    // On its own it stays, and an address VMAC makes garp_extra_if useful.
    let o =
        vinst(" garp_extra_if 10\n virtual_ipaddress_excluded {\n  198.51.100.1/24 use_vmac\n }");
    assert_eq!(o.exit(), 0, "{}", o.report());
    assert!(o.v().excluded_vips[0].use_vmac);
    assert_eq!(
        o.v().garp_extra_if.map(|g| g.interval),
        Some(Duration::from_secs(10))
    );
    // Without addresses elsewhere it is turned off.
    let o = vinst(" garp_extra_if 10");
    assert_eq!(
        o.v().garp_extra_if.map(|g| g.interval),
        Some(Duration::ZERO)
    );
    // An address on another interface needs `all`.
    let other = " virtual_ipaddress_excluded {\n  198.51.100.1/24 dev nomc0\n }";
    let o = vinst(&format!(" garp_extra_if all 10\n{other}"));
    assert_eq!(
        o.v().garp_extra_if.map(|g| g.interval),
        Some(Duration::from_secs(10))
    );
    let o = vinst(&format!(" garp_extra_if 10\n{other}"));
    assert_eq!(
        o.v().garp_extra_if.map(|g| g.interval),
        Some(Duration::ZERO)
    );
}

#[test]
fn track_bfd_uses_the_bfd_instance_read_before() {
    let bfd = "bfd_instance B1 {\n neighbor_ip 192.0.2.9\n weight 20 reverse\n}\n";
    let o = run(&format!("{bfd}vrrp_instance VI_1 {{\n interface vrrp0\n virtual_router_id 51\n no_virtual_ipaddress\n track_bfd {{\n  B1\n }}\n}}\n"));
    assert_eq!(o.exit(), 0, "{}", o.report());
    assert_eq!(
        o.v().track_bfds[0].weight,
        Weight {
            value: 20,
            reverse: true
        }
    );
    // Defined after the instance: not found.
    let o = run(&format!("vrrp_instance VI_1 {{\n interface vrrp0\n virtual_router_id 51\n no_virtual_ipaddress\n track_bfd {{\n  B1\n }}\n}}\n{bfd}"));
    assert_eq!(o.exit(), 5, "{}", o.report());
    assert!(o.v().track_bfds.is_empty());
    // Reserved for the checker: the VRRP process does not know it.
    let o = run("bfd_instance B1 {\n neighbor_ip 192.0.2.9\n checker\n}\nvrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 51\n no_virtual_ipaddress\n track_bfd {\n  B1\n }\n}\n");
    assert_eq!(o.exit(), 5, "{}", o.report());
}

#[test]
fn track_file_and_process_defaults_come_from_their_blocks() {
    let o = run("track_file f1 {\n file /tmp/ka-inst-test-f1\n weight -4 reverse\n}\nvrrp_track_process p1 {\n process p1\n weight 6\n}\n\
         vrrp_instance VI_1 {\n interface vrrp0\n virtual_router_id 51\n no_virtual_ipaddress\n track_file {\n  f1\n }\n track_process {\n  p1\n }\n}\n");
    assert_eq!(o.exit(), 0, "{}", o.report());
    assert_eq!(
        o.v().track_files[0].weight,
        Weight {
            value: -4,
            reverse: true
        }
    );
    assert_eq!(o.v().track_processes[0].weight.value, 6);
}

#[test]
fn the_vrrp_keywords_see_all_of_global_defs() {
    // keepalived 2.2.7: exit 0 (dynamic_interfaces applies), exit 4 (the
    // later default_interface does not exist).
    let o = run("vrrp_instance VI_1 {\n interface nosuch9\n virtual_router_id 51\n no_virtual_ipaddress\n}\nglobal_defs {\n dynamic_interfaces\n}\n");
    assert_eq!(o.exit(), 0, "{}", o.report());
    assert!(!o.cfg.vrrp.non_existent_interface);
    let o =
        run("static_ipaddress {\n 10.9.9.9/32\n}\nglobal_defs {\n default_interface nosuch7\n}\n");
    assert_eq!(o.exit(), 4, "{}", o.report());
}
