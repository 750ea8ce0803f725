//! The signal dumps side by side with keepalived 2.2.7's: the same
//! configuration runs under Debian's keepalived in one lab and under ours in
//! another (each lab: the daemon in namespace a, a keepalived peer owning
//! VI_1 in namespace b, each daemon with its own TMPDIR). After they settle,
//! both get SIGUSR1, SIGUSR2 and the JSON signal, and the files must be the
//! same line for line, field for field, in the same order: only times, file
//! descriptors, the MAC and link-local address of eth0 (different veths)
//! and the advert counts (timing) may differ. STATS_CLEAR is checked the
//! same way. Needs root, iproute2 and /usr/sbin/keepalived.

#[path = "sys_support/mod.rs"]
mod sys_support;

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use sys_support::{have_keepalived, lab, wait_for, Lab, KEEPALIVED};

/// Two instances: VRRPv2 with PASS authentication, two VIPs and a tracked
/// script (BACKUP: the peer owns it); VRRPv3 over IPv6 unicast (MASTER: the
/// peer does not run it).
const CONF: &str = "global_defs {
 router_id dumps
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

/// The peer: address owner of VI_1, master at once.
const PEER: &str = "vrrp_instance VI_1 {
 state MASTER
 interface eth0
 virtual_router_id 51
 priority 255
 advert_int 1
 authentication {
  auth_type PASS
  auth_pass secret
 }
 virtual_ipaddress {
  10.99.0.100/24
  10.99.0.101/24 dev eth0 label eth0:1
 }
}
";

const FILES: [&str; 4] = [
    "keepalived.data",
    "keepalived_parent.data",
    "keepalived.stats",
    "keepalived.json",
];

fn has_addr(ns: &str, addr: &str) -> bool {
    let out = Command::new("ip")
        .args(["-n", ns, "-br", "addr", "show", "dev", "eth0"])
        .output()
        .expect("ip");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .any(|w| w.split('/').next() == Some(addr))
}

/// One daemon under test in its own lab.
struct Side {
    lab: Lab,
    who: &'static str,
    pid: i32,
    tmp: PathBuf,
}

impl Side {
    fn signal(&self, sig: i32) {
        // SAFETY: kill(2) on a process this test started.
        unsafe { libc::kill(self.pid, sig) };
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.lab.dir.join(format!("{}.log", self.who))).unwrap_or_default()
    }

    fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.tmp.join(name)).unwrap_or_default()
    }

    /// Remove `names`, send `sig`, and wait until they are all back and
    /// complete (keepalived renames its file into place before writing).
    fn dump(&self, sig: i32, names: &[&str]) {
        for n in names {
            let _ = std::fs::remove_file(self.tmp.join(n));
        }
        self.signal(sig);
        let done = wait_for(Duration::from_secs(5), || {
            names.iter().all(|n| {
                let t = self.file(n);
                !t.is_empty() && t.ends_with('\n')
            })
        });
        assert!(
            done,
            "{}: no {names:?} after signal {sig}: {}",
            self.who,
            self.log()
        );
        // Let a writer that renamed first finish its writes.
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Start the peer, then the daemon (`program`) with CONF and its own
/// TMPDIR, and wait until it is BACKUP for VI_1 and MASTER for VI_6.
fn start(mut lab: Lab, who: &'static str, program: &str) -> Side {
    let peer_log = lab.start_keepalived(&lab.b.clone(), "peer", PEER);
    assert!(
        wait_for(Duration::from_secs(8), || has_addr(&lab.b, "10.99.0.100")),
        "peer never became master: {}",
        std::fs::read_to_string(peer_log).unwrap_or_default()
    );
    let d = lab.dir.clone();
    let tmp = d.join(format!("{who}-tmp"));
    std::fs::create_dir_all(&tmp).unwrap();
    let conf = d.join(format!("{who}.conf"));
    std::fs::write(&conf, CONF).unwrap();
    let p = |s: &str| d.join(format!("{who}.{s}")).display().to_string();
    let tmpdir = format!("TMPDIR={}", tmp.display());
    let args = [
        tmpdir.as_str(),
        program,
        "-n",
        "-l",
        "-D",
        "-G",
        "-f",
        &conf.display().to_string(),
        "-p",
        &p("pid"),
        "-r",
        &p("vrrp.pid"),
        "-c",
        &p("chk.pid"),
        "-b",
        &p("bfd.pid"),
    ];
    let ns = lab.a.clone();
    // `ip netns exec` and env exec the daemon: the pid is the daemon's.
    let pid = lab.start(&ns, "env", &args, &d.join(format!("{who}.log"))) as i32;
    let side = Side { lab, who, pid, tmp };
    assert!(
        wait_for(Duration::from_secs(10), || has_addr(&ns, "fd00:99::100")),
        "{who} never became master of VI_6: {}",
        side.log()
    );
    // A little more than one advert interval of VI_1, so that both have
    // settled the same way.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        !has_addr(&ns, "10.99.0.100"),
        "{who} took VI_1 from the owner"
    );
    side
}

/// Both daemons, each in a lab of its own; `None` when they cannot run.
fn both(test: &str) -> Option<(Side, Side)> {
    if !have_keepalived() {
        eprintln!("SKIP {test}: {KEEPALIVED} is not installed");
        return None;
    }
    let ka_lab = lab(test)?;
    let our_lab = lab(test)?;
    let ours = env!("CARGO_BIN_EXE_keepalived");
    let t = std::thread::spawn(move || start(ka_lab, "ka", KEEPALIVED));
    let us = start(our_lab, "ours", ours);
    let ka = t.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
    Some((ka, us))
}

/// `SECS.USECS (ctime text)`: the way both print a time.
fn is_time(v: &str) -> bool {
    let Some((tv, rest)) = v.split_once(' ') else {
        return false;
    };
    let Some((s, us)) = tv.split_once('.') else {
        return false;
    };
    !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_digit())
        && us.len() == 6
        && us.bytes().all(|b| b.is_ascii_digit())
        && rest.starts_with('(')
        && rest.ends_with(')')
}

/// The parts of a .data file that legitimately differ, masked; anything
/// else (a missing, renamed or reordered field, another value) still
/// differs.
fn mask_data(t: &str) -> String {
    let mut out = Vec::new();
    for line in t.lines() {
        let masked = if let Some((k, v)) = line
            .split_once(" = ")
            .filter(|(k, _)| k.ends_with("Last transition") || k.ends_with("Read timeout"))
        {
            if is_time(v) {
                format!("{k} = <time>")
            } else {
                line.to_string()
            }
        } else if let Some(v) = line.strip_prefix("   Not IPv6 forwarding. Last checked ") {
            assert!(is_time(v), "{line}");
            "   Not IPv6 forwarding. Last checked <time>".to_string()
        } else if let Some(rest) = line.strip_prefix("   fd_in ") {
            let (a, b) = rest.split_once(", fd_out ").expect(line);
            assert!(
                a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok(),
                "{line}"
            );
            "   fd_in <fd>, fd_out <fd>".to_string()
        } else if let Some(rest) = line.strip_prefix(" fd_in ") {
            let (a, b) = rest.split_once(" fd_out = ").expect(line);
            assert!(
                a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok(),
                "{line}"
            );
            " fd_in <fd> fd_out = <fd>".to_string()
        } else if let Some(v) = line.strip_prefix("   MAC = ") {
            assert_eq!(v.len(), 17, "{line}");
            "   MAC = <mac>".to_string()
        } else if let Some(v) = line
            .strip_prefix("   IPv6 address = ")
            .filter(|v| v.starts_with("fe80:"))
        {
            assert!(v.parse::<std::net::Ipv6Addr>().is_ok(), "{line}");
            "   IPv6 address = <link-local>".to_string()
        } else {
            line.to_string()
        };
        out.push(masked);
    }
    out.join("\n")
}

/// The advert counts under "Advertisements:" depend on timing.
fn mask_stats(t: &str) -> String {
    let mut out = Vec::new();
    let mut in_adverts = false;
    for line in t.lines() {
        if line == "  Advertisements:" {
            in_adverts = true;
            out.push(line.to_string());
            continue;
        }
        if in_adverts {
            if let Some((k, v)) = line.split_once(": ") {
                if k == "    Received" || k == "    Sent" {
                    assert!(v.parse::<u64>().is_ok(), "{line}");
                    out.push(format!("{k}: <n>"));
                    continue;
                }
            }
            in_adverts = false;
        }
        out.push(line.to_string());
    }
    out.join("\n")
}

/// Mask the value of `"key":` wherever it appears (a number).
fn mask_json_number(t: &str, key: &str) -> String {
    let pat = format!("\"{key}\":");
    let mut out = String::new();
    let mut rest = t;
    while let Some(i) = rest.find(&pat) {
        out.push_str(&rest[..i + pat.len()]);
        rest = &rest[i + pat.len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        assert!(end > 0, "{key} has no number in {t}");
        out.push_str("<n>");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn mask_json(t: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(t).expect("valid JSON");
    assert_eq!(v.as_array().map(Vec::len), Some(2), "{t}");
    let mut m = t.to_string();
    for key in ["last_transition", "advert_rcvd", "advert_sent"] {
        m = mask_json_number(&m, key);
    }
    m
}

/// Line by line, so that a failure names the first different line.
fn same(what: &str, ka: &str, ours: &str) {
    for (n, (a, b)) in ka.lines().zip(ours.lines()).enumerate() {
        assert_eq!(
            a,
            b,
            "{what} line {}:\nkeepalived:\n{ka}\nours:\n{ours}",
            n + 1
        );
    }
    assert_eq!(
        ka.lines().count(),
        ours.lines().count(),
        "{what}:\nkeepalived:\n{ka}\nours:\n{ours}"
    );
}

fn files_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn stat_of(t: &str, instance: &str, section: &str, field: &str) -> u64 {
    let block = t
        .split("VRRP Instance: ")
        .find(|b| b.starts_with(&format!("{instance}\n")))
        .unwrap_or_else(|| panic!("no {instance} in {t}"));
    let sec = block
        .split_once(&format!("\n  {section}:\n"))
        .unwrap_or_else(|| panic!("no {section} in {block}"))
        .1;
    sec.lines()
        .find_map(|l| l.strip_prefix(&format!("    {field}: ")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in {sec}"))
}

fn became_master(t: &str, instance: &str) -> u64 {
    let block = t
        .split("VRRP Instance: ")
        .find(|b| b.starts_with(&format!("{instance}\n")))
        .unwrap();
    block
        .lines()
        .find_map(|l| l.strip_prefix("  Became master: "))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[test]
fn dumps_match_keepalived() {
    let Some((ka, ours)) = both("dumps_match_keepalived") else {
        return;
    };
    let json = libc::SIGRTMIN() + 2;
    for side in [&ka, &ours] {
        side.dump(libc::SIGUSR1, &FILES[..2]);
        side.dump(libc::SIGUSR2, &FILES[2..3]);
        side.dump(json, &FILES[3..]);
    }
    // The same files, nothing else, with keepalived's mode (0666 & ~0177).
    assert_eq!(files_in(&ka.tmp), files_in(&ours.tmp));
    assert_eq!(
        files_in(&ours.tmp),
        FILES.iter().map(|s| s.to_string()).collect()
    );
    for f in FILES {
        let mode = std::fs::metadata(ours.tmp.join(f))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{f}");
    }
    for f in &FILES[..2] {
        same(f, &mask_data(&ka.file(f)), &mask_data(&ours.file(f)));
    }
    same(
        "keepalived.stats",
        &mask_stats(&ka.file("keepalived.stats")),
        &mask_stats(&ours.file("keepalived.stats")),
    );
    same(
        "keepalived.json",
        &mask_json(&ka.file("keepalived.json")),
        &mask_json(&ours.file("keepalived.json")),
    );
    // What was masked is there and sensible: the backup heard the owner,
    // the master sent adverts.
    let st = ours.file("keepalived.stats");
    assert!(
        stat_of(&st, "VI_1", "Advertisements", "Received") > 0,
        "{st}"
    );
    assert!(stat_of(&st, "VI_6", "Advertisements", "Sent") > 0, "{st}");
    let data = ours.file("keepalived.data");
    assert!(data.contains("   Master router = 10.99.0.3\n   Master priority = 255\n"));
}

#[test]
fn stats_clear_zeroes_the_counters_like_keepalived() {
    let Some((ka, ours)) = both("stats_clear_zeroes_the_counters_like_keepalived") else {
        return;
    };
    let clear = libc::SIGRTMAX() - 1;
    let mut before = Vec::new();
    for side in [&ka, &ours] {
        // The file written on STATS_CLEAR holds the counts before clearing.
        side.dump(clear, &["keepalived.stats"]);
        let b = side.file("keepalived.stats");
        assert_eq!(became_master(&b, "VI_6"), 1, "{}: {b}", side.who);
        assert!(stat_of(&b, "VI_6", "Advertisements", "Sent") > 2, "{b}");
        assert!(stat_of(&b, "VI_1", "Advertisements", "Received") > 0, "{b}");
        before.push(b);
        side.dump(libc::SIGUSR2, &["keepalived.stats"]);
        let a = side.file("keepalived.stats");
        assert_eq!(became_master(&a, "VI_6"), 0, "{}: {a}", side.who);
        // Only what arrived or left since the clear (an advert or two).
        assert!(stat_of(&a, "VI_6", "Advertisements", "Sent") <= 2, "{a}");
        assert!(
            stat_of(&a, "VI_1", "Advertisements", "Received") <= 2,
            "{a}"
        );
        // The JSON reads the same counters.
        side.dump(libc::SIGRTMIN() + 2, &["keepalived.json"]);
        let j: serde_json::Value = serde_json::from_str(&side.file("keepalived.json")).unwrap();
        assert_eq!(j[1]["stats"]["become_master"], 0, "{j}");
    }
    same(
        "keepalived.stats on STATS_CLEAR",
        &mask_stats(&before[0]),
        &mask_stats(&before[1]),
    );
}
