//! The kernel state our daemon leaves, compared with Debian's keepalived
//! 2.2.7 running the same configuration in a namespace of its own: links
//! (`ip -d link`), addresses, routes of every table, rules, the nftables
//! ruleset and interface sysctls, while master, after a change (FAULT,
//! interfaces deleted and re-created) and after the stop.
//!
//! Without /usr/sbin/keepalived the comparison is skipped, but the checks
//! on our own state still run: they hard-code what 2.2.7 was seen to do
//! (the same captures, taken when these tests were written).
//! Needs root, iproute2 and nft (package nftables).

#[path = "sys_support/mod.rs"]
mod sys_support;

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use sys_support::{have_keepalived, lab, wait_for, Capture, Lab, KEEPALIVED};

const OURS: &str = env!("CARGO_BIN_EXE_keepalived");

/// A daemon started in a namespace; stopped (or killed) when dropped.
struct Proc(Option<Child>);

impl Proc {
    fn stop(&mut self) {
        if let Some(mut c) = self.0.take() {
            // SAFETY: kill(2) on a process this test started.
            unsafe { libc::kill(c.id() as i32, libc::SIGTERM) };
            let done = wait_for(Duration::from_secs(8), || {
                matches!(c.try_wait(), Ok(Some(_)))
            });
            if !done {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stop();
    }
}

fn start(lab: &Lab, bin: &str, name: &str, conf: &str) -> Proc {
    let d = &lab.dir;
    let conf_path = d.join(format!("{name}.conf"));
    std::fs::write(&conf_path, conf).unwrap();
    let log = std::fs::File::create(d.join(format!("{name}.log"))).unwrap();
    let p = |s: &str| d.join(format!("{name}.{s}")).display().to_string();
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", &lab.a, bin, "-n", "-l", "-D", "-f"])
        .arg(&conf_path)
        .args(["-p", &p("pid"), "-r", &p("vrrp.pid")]);
    if bin == KEEPALIVED {
        cmd.args(["-c", &p("chk.pid"), "-b", &p("bfd.pid")]);
    }
    let child = cmd
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("start the daemon");
    Proc(Some(child))
}

fn log_of(lab: &Lab, name: &str) -> String {
    std::fs::read_to_string(lab.dir.join(format!("{name}.log"))).unwrap_or_default()
}

/// Run a shell script in namespace `ns`; its output.
fn sh(ns: &str, script: &str) -> String {
    let out = Command::new("ip")
        .args(["netns", "exec", ns, "sh", "-c", script])
        .output()
        .expect("ip netns exec");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn have_nft() -> bool {
    Command::new("nft")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Hide what differs between two namespaces anyway: random veth MACs (and
/// the EUI-64 link-local addresses made from them), interface indexes,
/// namespace names, counters. VRRP MACs (00:00:5e:...) stay.
fn normalize(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut words: Vec<String> = Vec::new();
        let mut skip = 0;
        for (n, w) in line.split_whitespace().enumerate() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            // "counter packets N bytes M": the counts differ.
            if w == "packets" && words.last().is_some_and(|p| p == "counter") {
                skip = 3;
                continue;
            }
            let is_mac = w.len() == 17
                && w.split(':').count() == 6
                && w.split(':')
                    .all(|p| p.len() == 2 && u8::from_str_radix(p, 16).is_ok());
            let word = if w == "link-netns" {
                skip = 1;
                continue;
            } else if is_mac && !w.starts_with("00:00:5e") {
                "MAC".to_string()
            } else if w.starts_with("fe80::") && w.contains("ff:fe") {
                match w.find('/') {
                    Some(p) => format!("fe80::EUI{}", &w[p..]),
                    None => "fe80::EUI".into(),
                }
            } else if n == 0
                && w.ends_with(':')
                && w[..w.len() - 1].parse::<u32>().is_ok()
                && !line.contains("from ")
            {
                "N:".into()
            } else if let Some(p) = w.find("@if") {
                format!("{}@ifN", &w[..p])
            } else {
                w.to_string()
            };
            words.push(word);
        }
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    out
}

/// `ip link` blocks (an interface and its indented lines) in name order:
/// interface indexes depend on what was deleted before.
fn sorted_blocks(text: &str) -> String {
    let mut blocks: Vec<String> = Vec::new();
    for line in text.lines() {
        match blocks.last_mut() {
            Some(b) if !line.starts_with("N:") => {
                b.push('\n');
                b.push_str(line);
            }
            _ => blocks.push(line.to_string()),
        }
    }
    blocks.sort_unstable();
    blocks.join("\n") + "\n"
}

fn sorted(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    lines.join("\n") + "\n"
}

/// Everything a VRRP daemon may change in namespace `ns`, normalized.
fn snapshot(ns: &str) -> BTreeMap<&'static str, String> {
    let mut m = BTreeMap::new();
    m.insert(
        "links",
        sorted_blocks(&normalize(&sh(ns, "ip -d link show"))),
    );
    m.insert("addresses", sorted(&normalize(&sh(ns, "ip addr show"))));
    m.insert(
        "routes",
        sorted(&normalize(&sh(
            ns,
            "ip route show table all; ip -6 route show table all",
        ))),
    );
    m.insert("rules", normalize(&sh(ns, "ip rule show; ip -6 rule show")));
    m.insert("nftables", normalize(&sh(ns, "nft list ruleset")));
    m.insert(
        "sysctls",
        sorted(&sh(
            ns,
            "cd /proc/sys/net; for i in $(ls ipv4/conf); do \
             for p in arp_ignore arp_filter accept_local rp_filter promote_secondaries; do \
             echo ipv4.$i.$p=$(cat ipv4/conf/$i/$p); done; \
             echo ipv6.$i.disable_ipv6=$(cat ipv6/conf/$i/disable_ipv6 2>/dev/null); done; \
             echo igmp_link_local_mcast_reports=$(cat ipv4/igmp_link_local_mcast_reports)",
        )),
    );
    m
}

type Snap = BTreeMap<&'static str, String>;

/// One step of a scenario: a command run in namespace `a`, then a wait for
/// the state it leads to.
struct Step {
    name: &'static str,
    run: &'static str,
    until: fn(&str) -> bool,
}

/// Run `conf` with `bin` in a fresh lab: `setup` first, the daemon, then
/// each step (a snapshot after each), then the stop and a last snapshot
/// ("after"). `during` runs in the lab (ours only) after the first step.
fn scenario(
    test: &str,
    bin: &'static str,
    conf: &str,
    setup: &str,
    steps: &[Step],
    during: Option<&(dyn Fn(&Lab) + Sync)>,
) -> Option<(Vec<(&'static str, Snap)>, String)> {
    let lab = lab(test)?;
    if !setup.is_empty() {
        sh(&lab.a, setup);
    }
    let name = if bin == OURS { "ours" } else { "theirs" };
    let mut p = start(&lab, bin, name, conf);
    let mut snaps = Vec::new();
    for (n, step) in steps.iter().enumerate() {
        if !step.run.is_empty() {
            sh(&lab.a, step.run);
        }
        let ok = wait_for(Duration::from_secs(12), || (step.until)(&lab.a));
        assert!(
            ok,
            "{test} ({name}): step '{}' never reached:\n{}",
            step.name,
            log_of(&lab, name)
        );
        // What follows the awaited change (routes after VIPs...) settles.
        std::thread::sleep(Duration::from_millis(400));
        snaps.push((step.name, snapshot(&lab.a)));
        if n == 0 {
            if let Some(f) = during {
                f(&lab);
            }
        }
    }
    p.stop();
    snaps.push(("after", snapshot(&lab.a)));
    let log = log_of(&lab, name);
    Some((snaps, log))
}

/// Ours, and keepalived 2.2.7 when installed, side by side; our
/// snapshots and log, and theirs.
#[allow(clippy::type_complexity)]
fn both(
    test: &str,
    conf: &str,
    setup: &str,
    steps: &[Step],
    during: Option<&(dyn Fn(&Lab) + Sync)>,
) -> Option<(
    (Vec<(&'static str, Snap)>, String),
    Option<(Vec<(&'static str, Snap)>, String)>,
)> {
    if !have_nft() {
        eprintln!("SKIP {test}: no nft command (apt-get install nftables)");
        return None;
    }
    let (ours, theirs) = std::thread::scope(|s| {
        let t = have_keepalived()
            .then(|| s.spawn(|| scenario(test, KEEPALIVED, conf, setup, steps, None)));
        let o = scenario(test, OURS, conf, setup, steps, during);
        (o, t.map(|h| h.join().expect("keepalived scenario")))
    });
    let ours = ours?;
    if theirs.is_none() {
        eprintln!("{test}: no {KEEPALIVED}: checking our state only");
    }
    Some((ours, theirs.flatten()))
}

/// Compare every snapshot; `ignore` lists (phase, line prefix) we differ
/// on deliberately (a prefix "nftables" skips that whole part).
fn assert_same(
    test: &str,
    ours: &[(&'static str, Snap)],
    theirs: &[(&'static str, Snap)],
    ignore: &[(&str, &str)],
) {
    let mut diffs = String::new();
    for ((phase, o), (_, t)) in ours.iter().zip(theirs) {
        for (what, text) in o {
            let keep = |l: &&str| {
                !ignore
                    .iter()
                    .any(|(p, prefix)| p == phase && (l.starts_with(prefix) || prefix == what))
            };
            let a: Vec<&str> = text.lines().filter(keep).collect();
            let b: Vec<&str> = t[what].lines().filter(keep).collect();
            if a != b {
                let only = |x: &[&str], y: &[&str]| {
                    x.iter()
                        .filter(|l| !y.contains(l))
                        .map(|l| format!("  {l}\n"))
                        .collect::<String>()
                };
                diffs += &format!(
                    "--- {phase}: {what}\nonly ours:\n{}only keepalived 2.2.7:\n{}(in full, ours:)\n{}\n",
                    only(&a, &b),
                    only(&b, &a),
                    a.join("\n")
                );
            }
        }
    }
    assert!(
        diffs.is_empty(),
        "{test}: we differ from keepalived 2.2.7:\n{diffs}"
    );
}

fn snap<'a>(s: &'a [(&'static str, Snap)], phase: &str, what: &str) -> &'a str {
    &s.iter().find(|(p, _)| *p == phase).expect("phase").1[what]
}

fn has_addr(ns: &str, dev: &str, addr: &str) -> bool {
    sh(ns, &format!("ip -br addr show dev {dev} 2>/dev/null"))
        .split_whitespace()
        .any(|w| w.split('/').next() == Some(addr))
}

// ---- 1. virtual and static routes and rules ------------------------------

const ROUTES_CONF: &str = "\
global_defs {
  router_id routes
  disable_local_igmp
}
static_ipaddress {
  10.55.0.1/24 dev eth0
  fd00:55::1/64 dev eth0
}
static_routes {
  10.56.0.0/24 via 10.99.0.3 dev eth0
  10.57.0.0/24 dev eth0 table 100 metric 7
}
static_rules {
  from 10.58.0.0/24 table 100 priority 500
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 255
  advert_int 1
  virtual_ipaddress {
    10.99.0.100/24
  }
  virtual_routes {
    10.60.0.0/24 via 10.99.0.3 dev eth0
    10.61.0.0/24 via 10.99.0.3 dev eth0 table 200 metric 10 src 10.99.0.100
    blackhole 10.62.0.0/24 no_track
    unreachable 10.63.0.0/24 table 200 no_track
    prohibit 10.64.0.0/24 no_track
    10.66.0.0/24 via 10.70.0.1 dev eth0 onlink
    10.67.0.0/24 no_track nexthop via 10.99.0.3 dev eth0 weight 2 nexthop via 10.99.0.4 dev eth0 weight 3
    10.68.0.0/24 via 10.99.0.3 dev eth0 mtu lock 1400 advmss 1300 initcwnd 10 rtt 300ms
    default via 10.99.0.3 dev eth0 table 300
    10.69.0.0/24 via 10.99.0.3 dev eth0 tos 0x10
    fd00:71::/64 via fd00:99::3 dev eth0 metric 1024 pref high
    10.80.0.0/24 encap ip id 10 dst 10.2.0.1 ttl 5 dev eth0
    fd00:80::/64 encap ip6 id 7 dst fd00::9 hoplimit 3 dev eth0
    10.81.0.0/24 via 10.99.0.3 dev eth0 realms 3/4 congctl lock cubic quickack 1 features ecn
  }
  virtual_rules {
    from 10.99.0.100 table 200 priority 999
    to 10.71.0.0/24 table 200 priority 1000
    fwmark 5 table 200 priority 1001
    fwmark 6/0xff table 200 priority 1002
    iif eth0 table 200 priority 1003
    oif eth0 table 200 priority 1004
    from 10.72.0.0/24 blackhole priority 1005
    from 10.73.0.0/24 prohibit priority 1006
    from 10.74.0.0/24 unreachable priority 1007
    from all goto 1010 priority 1008
    from 10.75.0.0/24 nop priority 1010
    not from 10.76.0.0/24 table 200 priority 1011
    tos 0x10 table 200 priority 1012
    uidrange 100-200 table 200 priority 1013
    ipproto tcp sport 80-90 dport 1000-2000 table 200 priority 1014
    from 10.77.0.0/24 table 200 suppress_prefixlength 8 priority 1015
    from fd00:77::/64 table 200 priority 1016
    from 10.78.0.0/24 table 200 protocol 99 no_track priority 1017
    from 10.82.0.0/24 table 200 realms 5 priority 1018
    tunnel-id 7 table 200 priority 1019
  }
}
";

fn rule_1005(ns: &str) -> bool {
    sh(ns, "ip rule show").contains("1005:")
}

#[test]
fn routes_rules_and_statics_match_keepalived() {
    let steps = [
        Step {
            name: "master",
            run: "",
            until: |ns| has_addr(ns, "eth0", "10.99.0.100") && rule_1005(ns),
        },
        Step {
            name: "fault",
            run: "ip link set eth0 down",
            until: |ns| !has_addr(ns, "eth0", "10.99.0.100") && !rule_1005(ns),
        },
        Step {
            name: "master again",
            run: "ip link set eth0 up",
            until: |ns| has_addr(ns, "eth0", "10.99.0.100") && rule_1005(ns),
        },
    ];
    let Some(((ours, log), theirs)) = both("routes_rules", ROUTES_CONF, "", &steps, None) else {
        return;
    };
    // What 2.2.7 was seen to make (ip route / ip rule wording).
    let routes = snap(&ours, "master", "routes");
    for want in [
        "10.61.0.0/24 via 10.99.0.3 dev eth0 table 200 proto keepalived src 10.99.0.100 metric 10",
        "blackhole 10.62.0.0/24 proto keepalived",
        "unreachable 10.63.0.0/24 table 200 proto keepalived",
        "10.66.0.0/24 via 10.70.0.1 dev eth0 proto keepalived onlink",
        "nexthop via 10.99.0.4 dev eth0 weight 3",
        "10.68.0.0/24 via 10.99.0.3 dev eth0 proto keepalived mtu lock 1400 rtt 300ms advmss 1300 initcwnd 10",
        "default via 10.99.0.3 dev eth0 table 300 proto keepalived",
        "10.69.0.0/24 tos 0x10 via 10.99.0.3 dev eth0 proto keepalived",
        "fd00:71::/64 via fd00:99::3 dev eth0 proto keepalived metric 1024 pref high",
        "10.57.0.0/24 dev eth0 table 100 proto keepalived metric 7",
        "10.80.0.0/24 encap ip id 10 src 0.0.0.0 dst 10.2.0.1 ttl 5 tos 0 dev eth0 proto keepalived",
        "fd00:80::/64 encap ip6 id 7 src :: dst fd00::9 hoplimit 3 tc 0 dev eth0 proto keepalived",
        "10.81.0.0/24 via 10.99.0.3 dev eth0 proto keepalived realms 3/4 features ecn quickack 1 congctl lock cubic",
    ] {
        assert!(routes.contains(want), "no '{want}' in\n{routes}\n{log}");
    }
    let rules = snap(&ours, "master", "rules");
    for want in [
        "500: from 10.58.0.0/24 lookup 100 proto keepalived",
        "1002: from all fwmark 0x6/0xff lookup 200 proto keepalived",
        "1005: from 10.72.0.0/24 blackhole proto keepalived",
        "1008: from all goto 1010 proto keepalived",
        "1011: not from 10.76.0.0/24 lookup 200 proto keepalived",
        "1014: from all ipproto tcp sport 80-90 dport 1000-2000 lookup 200 proto keepalived",
        "1016: from fd00:77::/64 lookup 200 proto keepalived",
        "1017: from 10.78.0.0/24 lookup 200 proto openr",
        "1018: from 10.82.0.0/24 lookup 200 realms 5 proto keepalived",
        "1019: from all tun_id 7 lookup 200 proto keepalived",
    ] {
        assert!(rules.contains(want), "no '{want}' in\n{rules}");
    }
    // disable_local_igmp: off while running, back at exit.
    assert!(snap(&ours, "master", "sysctls").contains("igmp_link_local_mcast_reports=0"));
    assert!(snap(&ours, "after", "sysctls").contains("igmp_link_local_mcast_reports=1"));
    // FAULT: the virtual ones go, the static rule stays.
    let fault_rules = snap(&ours, "fault", "rules");
    assert!(fault_rules.contains("500:") && !fault_rules.contains("1008:"));
    assert!(!snap(&ours, "fault", "routes").contains("blackhole 10.62.0.0/24"));
    // Back up: the static IPv6 address and routes the kernel dropped with
    // the link are put back.
    assert!(snap(&ours, "master again", "addresses").contains("fd00:55::1/64"));
    assert!(snap(&ours, "master again", "routes").contains("10.56.0.0/24 via 10.99.0.3"));
    // At exit everything goes, static entries included.
    for what in ["routes", "rules", "addresses"] {
        let t = snap(&ours, "after", what);
        for gone in ["proto keepalived", "10.55.0.1", "fd00:55::1", "10.99.0.100"] {
            assert!(!t.contains(gone), "'{gone}' left after exit:\n{t}");
        }
    }
    if let Some((theirs, _)) = theirs {
        assert_same("routes_rules", &ours, &theirs, &[]);
    }
}

// ---- 2. VMACs --------------------------------------------------------------

const VMAC_CONF: &str = "\
vrrp_instance VI_4 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 255
  advert_int 1
  use_vmac
  virtual_ipaddress {
    10.99.0.100/24
  }
}
vrrp_instance VI_6 {
  state MASTER
  interface eth0
  virtual_router_id 52
  priority 255
  advert_int 1
  use_vmac
  virtual_ipaddress {
    fe80::52/64
    fd00:99::52/64
  }
}
vrrp_instance VI_X {
  state MASTER
  interface eth0
  virtual_router_id 53
  priority 255
  advert_int 1
  use_vmac vrrpx
  vmac_xmit_base
  virtual_ipaddress {
    10.99.0.101/24
  }
  virtual_ipaddress_excluded {
    fd00:98::53/64
  }
}
";

fn vmacs_up(ns: &str) -> bool {
    has_addr(ns, "vrrp.51", "10.99.0.100")
        && has_addr(ns, "vrrp.52", "fd00:99::52")
        && has_addr(ns, "vrrpx", "10.99.0.101")
}

/// The source MAC of the first advert for `vrid` seen on b's eth0, and for
/// IPv6 its source address.
fn advert_source(
    cap: &Capture,
    vrid: u8,
    ipv6: bool,
) -> Option<([u8; 6], Option<std::net::Ipv6Addr>)> {
    let f = cap.find(Duration::from_secs(4), |f| {
        if ipv6 {
            f.len() > 54 && f[12..14] == [0x86, 0xdd] && f[20] == 112 && f[55] == vrid
        } else {
            f.len() > 35 && f[12..14] == [0x08, 0x00] && f[23] == 112 && f[35] == vrid
        }
    })?;
    let mac: [u8; 6] = f[6..12].try_into().ok()?;
    let src = ipv6.then(|| {
        let b: [u8; 16] = f[22..38].try_into().unwrap();
        std::net::Ipv6Addr::from(b)
    });
    Some((mac, src))
}

#[test]
fn vmacs_match_keepalived() {
    let steps = [Step {
        name: "master",
        run: "",
        until: vmacs_up,
    }];
    let adverts = |lab: &Lab| {
        let a_mac = lab.mac(&lab.a);
        let a_ll = lab.link_local(&lab.a).expect("link-local");
        let seen = lab.run_in(&lab.b, || {
            let cap = Capture::open("eth0");
            (
                advert_source(&cap, 51, false),
                advert_source(&cap, 52, true),
                advert_source(&cap, 53, false),
            )
        });
        // Adverts leave from the VMAC, or with vmac_xmit_base from the
        // parent; an IPv6 VMAC uses the parent's link-local address.
        assert_eq!(seen.0.map(|s| s.0), Some([0, 0, 0x5e, 0, 1, 51]), "VI_4");
        assert_eq!(seen.1, Some(([0, 0, 0x5e, 0, 2, 52], Some(a_ll))), "VI_6");
        assert_eq!(seen.2.map(|s| s.0), Some(a_mac), "VI_X");
    };
    // A non-zero all.rp_filter is moved onto every interface for the VMAC's
    // rp_filter=0 to count, and put back at exit.
    let setup = "sysctl -qw net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.eth0.rp_filter=1";
    let Some(((ours, log), theirs)) = both("vmacs", VMAC_CONF, setup, &steps, Some(&adverts))
    else {
        return;
    };
    let sys = snap(&ours, "master", "sysctls");
    for want in [
        "ipv4.all.rp_filter=0",
        "ipv4.default.rp_filter=2",
        "ipv4.eth0.rp_filter=2",
    ] {
        assert!(sys.contains(want), "no '{want}' in\n{sys}\n{log}");
    }
    let sys = snap(&ours, "after", "sysctls");
    for want in [
        "ipv4.all.rp_filter=2",
        "ipv4.default.rp_filter=0",
        "ipv4.eth0.rp_filter=1",
    ] {
        assert!(sys.contains(want), "no '{want}' after exit in\n{sys}");
    }
    let links = snap(&ours, "master", "links");
    for want in [
        "vrrp.51@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP>",
        "link/ether 00:00:5e:00:01:33",
        "link/ether 00:00:5e:00:02:34",
        "macvlan mode private",
        "addrgenmode none",
    ] {
        assert!(links.contains(want), "no '{want}' in\n{links}\n{log}");
    }
    let sys = snap(&ours, "master", "sysctls");
    for want in [
        "ipv4.vrrp.51.arp_ignore=1",
        "ipv4.vrrp.51.accept_local=1",
        "ipv4.vrrp.51.rp_filter=0",
        "ipv4.vrrp.51.promote_secondaries=1",
        "ipv6.vrrp.51.disable_ipv6=1",
        "ipv6.vrrpx.disable_ipv6=0",
        "ipv6.vrrp.52.disable_ipv6=0",
        "ipv4.eth0.arp_ignore=1",
        "ipv4.eth0.arp_filter=1",
    ] {
        assert!(sys.contains(want), "no '{want}' in\n{sys}");
    }
    let nft = snap(&ours, "master", "nftables");
    assert!(nft.contains("ip protocol igmp meta oifkind \"macvlan\" dup to ip daddr device oif map @vmac_map drop"), "{nft}");
    assert!(
        nft.contains("icmpv6 type nd-router-solicit meta oifkind \"macvlan\" oif @vmac_set drop"),
        "{nft}"
    );
    let after = snap(&ours, "after", "links");
    assert!(
        !after.contains("vrrp.5") && !after.contains("vrrpx"),
        "{after}"
    );
    assert!(snap(&ours, "after", "nftables").trim().is_empty());
    // keepalived 2.2.7 leaves the parent's arp_ignore/arp_filter at 1; we
    // put back what was there.
    let sys = snap(&ours, "after", "sysctls");
    assert!(sys.contains("ipv4.eth0.arp_ignore=0") && sys.contains("ipv4.eth0.arp_filter=0"));
    if let Some((theirs, _)) = theirs {
        assert_same(
            "vmacs",
            &ours,
            &theirs,
            &[
                ("after", "ipv4.eth0.arp_ignore"),
                ("after", "ipv4.eth0.arp_filter"),
            ],
        );
    }
}

/// Interfaces in the way: a matching private VMAC is taken over, a macvlan
/// of the configured name on another parent is replaced, a bridge-mode
/// macvlan of the default name makes keepalived pick `vrrp1.N`.
#[test]
fn vmacs_in_the_way_match_keepalived() {
    let conf = "\
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 255
  use_vmac
  virtual_ipaddress {
    10.99.0.100/24
  }
}
vrrp_instance VI_2 {
  state MASTER
  interface eth0
  virtual_router_id 55
  priority 255
  use_vmac vrrpy
  virtual_ipaddress {
    10.99.0.105/24
  }
}
vrrp_instance VI_3 {
  state MASTER
  interface eth0
  virtual_router_id 54
  priority 255
  use_vmac
  virtual_ipaddress {
    10.99.0.104/24
  }
}
";
    let setup = "ip link add vrrp.51 link eth0 type macvlan mode private; \
                 ip link set vrrp.51 address 00:00:5e:00:01:33; ip link set vrrp.51 up; \
                 ip link add other type veth peer name otherp; \
                 ip link add vrrpy link other type macvlan mode private; \
                 ip link add vrrp.54 link eth0 type macvlan mode bridge";
    let steps = [Step {
        name: "master",
        run: "",
        until: |ns| {
            has_addr(ns, "vrrp.51", "10.99.0.100")
                && has_addr(ns, "vrrpy", "10.99.0.105")
                && has_addr(ns, "vrrp1.54", "10.99.0.104")
        },
    }];
    let Some(((ours, log), theirs)) = both("vmacs_in_the_way", conf, setup, &steps, None) else {
        return;
    };
    assert!(
        log.contains("(VI_1) Found matching interface vrrp.51"),
        "{log}"
    );
    let links = snap(&ours, "master", "links");
    assert!(links.contains("vrrpy@eth0"), "{links}");
    assert!(links.contains("vrrp.54@eth0") && links.contains("macvlan mode bridge"));
    let after = snap(&ours, "after", "links");
    assert!(!after.contains("vrrp.51") && !after.contains("vrrpy") && !after.contains("vrrp1.54"));
    assert!(after.contains("vrrp.54@eth0"), "not ours: stays\n{after}");
    // keepalived 2.2.7 asks nftables to delete the replaced VMAC's map
    // entry, which was never there: the transaction fails, and with it
    // every later change of the table, so it ends with no table at all.
    // We make the table a fresh VMAC gets.
    let nft = snap(&ours, "master", "nftables");
    assert!(
        nft.contains("elements = { \"vrrpy\" : \"eth0\", \"vrrp1.54\" : \"eth0\" }"),
        "{nft}"
    );
    if let Some((theirs, _)) = theirs {
        assert_same(
            "vmacs_in_the_way",
            &ours,
            &theirs,
            &[
                ("master", "nftables"),
                ("after", "ipv4.eth0.arp_ignore"),
                ("after", "ipv4.eth0.arp_filter"),
            ],
        );
    }
}

// ---- 3. nftables for vrrp_strict / no_accept -------------------------------

const STRICT_CONF: &str = "\
global_defs {
  vrrp_strict
  vrrp_version 3
}
vrrp_instance VI_6 {
  state BACKUP
  interface eth0
  virtual_router_id 57
  priority 100
  advert_int 0.1
  virtual_ipaddress {
    fe80::57/64
    fd00:99::57/64
  }
  virtual_ipaddress_excluded {
    fd00:98::1/64
    10.98.0.7/24
  }
}
vrrp_instance VI_V {
  state BACKUP
  interface eth0
  virtual_router_id 58
  priority 100
  advert_int 0.1
  use_vmac
  virtual_ipaddress {
    10.99.0.58/24
  }
}
vrrp_instance VI_O {
  state MASTER
  interface eth0
  virtual_router_id 59
  priority 255
  advert_int 0.1
  virtual_ipaddress {
    10.99.0.59/24
  }
}
";

fn strict_masters(ns: &str) -> bool {
    has_addr(ns, "eth0", "fd00:99::57")
        && has_addr(ns, "vrrp.58", "10.99.0.58")
        && has_addr(ns, "eth0", "10.99.0.59")
}

#[test]
fn strict_nftables_match_keepalived() {
    let steps = [
        Step {
            name: "master",
            run: "",
            until: strict_masters,
        },
        Step {
            name: "fault",
            run: "ip link set eth0 down",
            until: |ns| !has_addr(ns, "eth0", "10.99.0.59"),
        },
        Step {
            name: "master again",
            run: "ip link set eth0 up",
            until: strict_masters,
        },
    ];
    let Some(((ours, log), theirs)) = both("strict", STRICT_CONF, "", &steps, None) else {
        return;
    };
    // The ruleset keepalived 2.2.7 made for this configuration (nft list
    // ruleset). The owner (VI_O) accepts: its address is not dropped.
    let nft = snap(&ours, "master", "nftables");
    for want in [
        "table ip keepalived {",
        "map vmac_map { type iface_index : iface_index elements = { \"vrrp.58\" : \"eth0\" } }",
        "type ipv4_addr elements = { 10.98.0.7, 10.99.0.58 }",
        "chain out { type filter hook output priority filter - 1; policy accept; ip protocol igmp meta oifkind \"macvlan\" dup to ip daddr device oif map @vmac_map drop ip saddr @vips drop }",
        "chain in { type filter hook input priority filter - 1; policy accept; ip daddr @vips drop }",
        "table ip6 keepalived {",
        "set neighbor-discovery { type icmpv6_type flags constant elements = { nd-neighbor-solicit, nd-neighbor-advert } }",
        "set vips_link_local { type ipv6_addr . iface_index elements = { fe80::57 . \"eth0\" } }",
        "icmpv6 type @neighbor-discovery accept ip6 saddr fe80::/10 goto out_link_local ip6 saddr @vips drop",
        "chain in_link_local { ip6 daddr . iif @vips_link_local drop }",
    ] {
        let flat = nft.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(want), "no '{want}' in\n{nft}\n{log}");
    }
    assert!(!nft.contains("10.99.0.59"));
    // FAULT: the addresses leave the sets; the tables stay until exit.
    let fault = snap(&ours, "fault", "nftables");
    assert!(
        !fault.contains("10.99.0.58") && !fault.contains("fd00:99::57"),
        "{fault}"
    );
    assert!(fault.contains("set vips"));
    assert!(snap(&ours, "after", "nftables").trim().is_empty());
    if let Some((theirs, _)) = theirs {
        assert_same(
            "strict",
            &ours,
            &theirs,
            &[
                ("after", "ipv4.eth0.arp_ignore"),
                ("after", "ipv4.eth0.arp_filter"),
            ],
        );
    }
}

/// `nftables NAME`, `nftables_priority`, `nftables_counters` and
/// `no_accept` outside strict mode; link-local addresses matched by name
/// (`dont_track_primary`) and by index.
#[test]
fn nftables_settings_match_keepalived() {
    let conf = "\
global_defs {
  nftables mytable
  nftables_priority -5
  nftables_counters
  vrrp_version 3
}
vrrp_instance VI_A {
  state BACKUP
  interface eth0
  virtual_router_id 61
  priority 100
  advert_int 0.1
  no_accept
  dont_track_primary
  virtual_ipaddress {
    fe80::61/64
    fd00:99::61/64
  }
}
vrrp_instance VI_B {
  state BACKUP
  interface eth0
  virtual_router_id 62
  priority 100
  advert_int 0.1
  no_accept
  virtual_ipaddress {
    fe80::62/64
  }
}
vrrp_instance VI_C {
  state BACKUP
  interface eth0
  virtual_router_id 63
  priority 100
  advert_int 0.1
  no_accept
  virtual_ipaddress {
    10.99.0.63/24
  }
}
vrrp_instance VI_D {
  state BACKUP
  interface eth0
  virtual_router_id 64
  priority 100
  advert_int 0.1
  virtual_ipaddress {
    10.99.0.64/24
  }
}
";
    let steps = [Step {
        name: "master",
        run: "",
        until: |ns| {
            has_addr(ns, "eth0", "fd00:99::61")
                && has_addr(ns, "eth0", "fe80::62")
                && has_addr(ns, "eth0", "10.99.0.63")
                && has_addr(ns, "eth0", "10.99.0.64")
        },
    }];
    let Some(((ours, log), theirs)) = both("nftables_settings", conf, "", &steps, None) else {
        return;
    };
    let nft = snap(&ours, "master", "nftables");
    let flat = nft.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "table ip mytable",
        "table ip6 mytable",
        "priority filter - 5",
        "ip saddr @vips counter drop",
        "set vips_link_local_name { type ipv6_addr . ifname elements = { fe80::61 . \"eth0\" } }",
        "set vips_link_local { type ipv6_addr . iface_index elements = { fe80::62 . \"eth0\" } }",
        "ip6 daddr . iifname @vips_link_local_name counter drop",
        "elements = { 10.99.0.63 }",
    ] {
        assert!(flat.contains(want), "no '{want}' in\n{nft}\n{log}");
    }
    // VI_D keeps accept mode: its address is not dropped.
    assert!(!nft.contains("10.99.0.64"));
    if let Some((theirs, _)) = theirs {
        assert_same("nftables_settings", &ours, &theirs, &[]);
    }
}

// ---- 4. interfaces deleted and created again -------------------------------

const RECREATE: &str = "ip link add veth1 type veth peer name veth1p; \
    ip link add veth2 type veth peer name veth2p; \
    ip addr add 10.97.0.2/24 dev veth1; ip addr add 10.96.0.2/24 dev veth2; \
    ip link set veth1 up; ip link set veth1p up; ip link set veth2 up; ip link set veth2p up";

const IFACES_CONF: &str = "\
vrrp_instance VI_1 {
  state MASTER
  interface veth1
  virtual_router_id 60
  priority 200
  advert_int 1
  virtual_ipaddress {
    10.97.0.100/24
  }
}
vrrp_instance VI_6 {
  state MASTER
  interface veth1
  virtual_router_id 66
  priority 200
  advert_int 1
  virtual_ipaddress {
    fd00:97::100/64
  }
}
vrrp_instance VI_2 {
  state MASTER
  interface veth2
  virtual_router_id 62
  priority 200
  advert_int 1
  use_vmac
  virtual_ipaddress {
    10.96.0.100/24
  }
}
";

fn ifaces_master(ns: &str) -> bool {
    has_addr(ns, "veth1", "10.97.0.100")
        && has_addr(ns, "veth1", "fd00:97::100")
        && has_addr(ns, "vrrp.62", "10.96.0.100")
}

#[test]
fn deleted_interfaces_fault_and_recover_like_keepalived() {
    let steps = [
        Step {
            name: "master",
            run: "",
            until: ifaces_master,
        },
        Step {
            name: "deleted",
            run: "ip link del veth1; ip link del veth2",
            until: |ns| !sh(ns, "ip link show").contains("veth"),
        },
        Step {
            name: "recreated",
            run: RECREATE,
            until: ifaces_master,
        },
    ];
    // The sockets follow the new interfaces: adverts (from the new
    // link-local address for IPv6) reach the other end of veth1.
    let adverts = |lab: &Lab| {
        // Wait for the FAULT of the deletion step, then for recovery, from
        // the daemon's log, and check the adverts on the new interface.
        let ok = wait_for(Duration::from_secs(25), || {
            log_of(lab, "ours")
                .matches("(VI_6) Entering MASTER STATE")
                .count()
                >= 2
        });
        assert!(ok, "no recovery: {}", log_of(lab, "ours"));
        let seen = lab.run_in(&lab.a, || {
            let cap = Capture::open("veth1p");
            (
                advert_source(&cap, 60, false),
                advert_source(&cap, 66, true),
            )
        });
        let ll: std::net::Ipv6Addr = sh(&lab.a, "ip -6 -br addr show dev veth1 scope link")
            .split_whitespace()
            .nth(2)
            .and_then(|a| a.split('/').next())
            .and_then(|a| a.parse().ok())
            .expect("veth1 link-local");
        assert!(seen.0.is_some(), "no IPv4 advert on the new veth1");
        assert_eq!(
            seen.1.and_then(|s| s.1),
            Some(ll),
            "IPv6 adverts from the new address"
        );
    };
    let Some(((ours, log), theirs)) = both("interfaces", IFACES_CONF, RECREATE, &steps, None)
    else {
        return;
    };
    for want in [
        "Interface veth1 deleted",
        "(VI_1) Entering FAULT STATE",
        "(VI_2) Entering FAULT STATE",
        "Interface veth1 added",
        "(VI_2): Success creating VMAC interface vrrp.62",
    ] {
        assert!(log.contains(want), "no '{want}' in\n{log}");
    }
    assert_eq!(
        log.matches("(VI_1) Entering MASTER STATE").count(),
        2,
        "{log}"
    );
    assert!(snap(&ours, "recreated", "links").contains("vrrp.62@veth2"));
    if let Some((theirs, _)) = theirs {
        assert_same(
            "interfaces",
            &ours,
            &theirs,
            &[
                ("after", "ipv4.veth2.arp_ignore"),
                ("after", "ipv4.veth2.arp_filter"),
            ],
        );
    }
    // Adverts after recovery, on a fresh run of ours only.
    let Some(lab) = lab("interfaces_adverts") else {
        return;
    };
    sh(&lab.a, RECREATE);
    let _p = start(&lab, OURS, "ours", IFACES_CONF);
    assert!(
        wait_for(Duration::from_secs(12), || ifaces_master(&lab.a)),
        "{}",
        log_of(&lab, "ours")
    );
    sh(&lab.a, "ip link del veth1; ip link del veth2");
    assert!(wait_for(Duration::from_secs(5), || log_of(&lab, "ours")
        .contains("(VI_6) Entering FAULT STATE")));
    sh(&lab.a, RECREATE);
    adverts(&lab);
}
