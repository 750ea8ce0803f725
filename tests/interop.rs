//! Interop matrix: keepalived-rs against Debian's keepalived 2.2.7 in
//! network namespaces, for each advert flavour (VRRPv2 PASS multicast,
//! VRRPv2 AH, VRRPv2 unicast, VRRPv3 IPv4, VRRPv3 IPv6) and both ways
//! round (ours master / theirs backup, and the reverse). Each cell:
//!
//! 1. both start as BACKUP (priorities 150 and 100): the 150 node becomes
//!    master, the VIP is on it only, and stays so;
//! 2. SIGKILL of the master: the other takes over within the protocol
//!    bound, 3 x advert_int + skew, plus slack;
//! 3. the killed node restarts and preempts back;
//! 4. SIGTERM of the master: the other takes over within skew + slack
//!    (the stopping master sends priority 0).
//!
//! Each cell has its own lab, so cargo runs them in parallel. Needs root,
//! iproute2 and /usr/sbin/keepalived; skips with the reason otherwise.

#[path = "sys_support/mod.rs"]
mod sys_support;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};
use sys_support::{have_keepalived, ka_instance, lab, wait_for, Lab, A_V4, B_V4};

const ADVERT_INT: f64 = 1.0;
/// What a loaded 2-core machine may add to a protocol bound.
const SLACK: f64 = 1.0;
const HIGH: u8 = 150;
const LOW: u8 = 100;

#[derive(Clone, Copy, Debug)]
enum Mode {
    V2Pass,
    V2Ah,
    V2Unicast,
    V3V4,
    V3V6,
}

impl Mode {
    fn vip(self) -> &'static str {
        match self {
            Mode::V3V6 => "fd00:99::100",
            _ => "10.99.0.100",
        }
    }

    /// The instance block for the node at `me` whose peer is `peer`.
    fn conf(self, prio: u8, me: &str, peer: &str) -> String {
        let vip = |len| format!(" virtual_ipaddress {{\n  {}/{len}\n }}", self.vip());
        let extra = match self {
            Mode::V2Pass => format!(
                " authentication {{\n  auth_type PASS\n  auth_pass secret\n }}\n{}",
                vip(24)
            ),
            Mode::V2Ah => format!(
                " authentication {{\n  auth_type AH\n  auth_pass ahsecret\n }}\n{}",
                vip(24)
            ),
            Mode::V2Unicast => format!(
                " unicast_src_ip {me}\n unicast_peer {{\n  {peer}\n }}\n{}",
                vip(24)
            ),
            Mode::V3V4 => format!(" version 3\n{}", vip(24)),
            Mode::V3V6 => format!(" version 3\n{}", vip(64)),
        };
        ka_instance(51, prio, "BACKUP", &extra)
    }
}

/// Which implementation a node runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Impl {
    Ours,
    Theirs,
}

/// A running daemon: its main pid and, for keepalived, the VRRP child's
/// pid file.
struct Node {
    ns: String,
    pid: u32,
    vrrp_pid_file: Option<PathBuf>,
    log: PathBuf,
}

struct Cell {
    lab: Lab,
    mode: Mode,
    started: usize,
}

impl Cell {
    fn start(&mut self, which: Impl, ns: &str, prio: u8) -> Node {
        self.started += 1;
        let name = format!("{which:?}{}", self.started).to_lowercase();
        let (me, peer) = if ns == self.lab.a {
            (A_V4, B_V4)
        } else {
            (B_V4, A_V4)
        };
        let conf = self.mode.conf(prio, me, peer);
        let ns = ns.to_string();
        match which {
            Impl::Theirs => {
                let log = self.lab.start_keepalived(&ns, &name, &conf);
                let d = self.lab.dir.clone();
                let f = |s: &str| d.join(format!("{name}-{s}"));
                // The main pid is written once the process is up.
                assert!(
                    wait_for(Duration::from_secs(5), || f("ka.pid").exists()
                        && f("vrrp.pid").exists()),
                    "keepalived did not start: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
                Node {
                    ns,
                    pid: read_pid(&f("ka.pid")),
                    vrrp_pid_file: Some(f("vrrp.pid")),
                    log,
                }
            }
            Impl::Ours => {
                let d = self.lab.dir.clone();
                let conf_path = d.join(format!("{name}.conf"));
                std::fs::write(&conf_path, &conf).unwrap();
                let log = d.join(format!("{name}.log"));
                let p = |s: &str| d.join(format!("{name}.{s}")).display().to_string();
                let args = [
                    "-n",
                    "-l",
                    "-D",
                    "-G",
                    "-f",
                    &conf_path.display().to_string(),
                    "-p",
                    &p("pid"),
                    "-r",
                    &p("vrrp.pid"),
                ];
                let pid = self
                    .lab
                    .start(&ns, env!("CARGO_BIN_EXE_keepalived"), &args, &log);
                Node {
                    ns,
                    pid,
                    vrrp_pid_file: None,
                    log,
                }
            }
        }
    }

    fn has_vip(&self, ns: &str) -> bool {
        let out = Command::new("ip")
            .args(["-n", ns, "-br", "addr", "show", "dev", "eth0"])
            .output()
            .expect("ip");
        String::from_utf8_lossy(&out.stdout).contains(&format!("{}/", self.mode.vip()))
    }

    /// Wait until the VIP is on `ns` only; the time it took, or None.
    fn wait_master(&self, ns: &str, other: &str, secs: f64) -> Option<f64> {
        let t0 = Instant::now();
        wait_for(Duration::from_secs_f64(secs), || {
            self.has_vip(ns) && !self.has_vip(other)
        })
        .then(|| t0.elapsed().as_secs_f64())
    }

    /// A node killed with SIGKILL keeps its VIP in its kernel; a real crash
    /// takes the host with it, so drop the address as the host would.
    fn forget_vip(&self, ns: &str) {
        let len = if matches!(self.mode, Mode::V3V6) {
            64
        } else {
            24
        };
        let _ = Command::new("ip")
            .args([
                "-n",
                ns,
                "addr",
                "del",
                &format!("{}/{len}", self.mode.vip()),
                "dev",
                "eth0",
            ])
            .output();
    }
}

fn read_pid(p: &std::path::Path) -> u32 {
    std::fs::read_to_string(p)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("no pid in {}", p.display()))
}

fn signal(pid: u32, sig: i32) {
    // SAFETY: kill(2) on a process this test started.
    unsafe { libc::kill(pid as i32, sig) };
}

/// SIGKILL the whole daemon. keepalived's VRRP child would get SIGTERM
/// when its parent dies (PDEATHSIG), and the parent would respawn a killed
/// child: stop the parent, kill the child, then the parent.
fn crash(n: &Node) {
    match &n.vrrp_pid_file {
        Some(f) => {
            let child = read_pid(f);
            signal(n.pid, libc::SIGSTOP);
            signal(child, libc::SIGKILL);
            signal(n.pid, libc::SIGKILL);
        }
        None => signal(n.pid, libc::SIGKILL),
    }
}

fn log(n: &Node) -> String {
    format!(
        "--- {} ({}) ---\n{}",
        n.log.display(),
        n.ns,
        std::fs::read_to_string(&n.log).unwrap_or_default()
    )
}

/// One cell: `master` runs at priority 150 on namespace a, the other
/// implementation at 100 on b.
fn cell(test: &str, mode: Mode, master: Impl) {
    let Some(lab) = lab(test) else {
        return;
    };
    if !have_keepalived() {
        eprintln!("SKIP {test}: no /usr/sbin/keepalived");
        return;
    }
    let backup = if master == Impl::Ours {
        Impl::Theirs
    } else {
        Impl::Ours
    };
    let (a, b) = (lab.a.clone(), lab.b.clone());
    let mut c = Cell {
        lab,
        mode,
        started: 0,
    };
    let skew_low = (256.0 - f64::from(LOW)) / 256.0 * ADVERT_INT;
    let skew_high = (256.0 - f64::from(HIGH)) / 256.0 * ADVERT_INT;

    // 1. Election: both start as BACKUP, the 150 node wins after its
    // master-down interval.
    let m = c.start(master, &a, HIGH);
    let k = c.start(backup, &b, LOW);
    assert!(
        c.wait_master(&a, &b, 3.0 * ADVERT_INT + skew_high + SLACK + 3.0)
            .is_some(),
        "{test}: no single master on a\n{}\n{}",
        log(&m),
        log(&k)
    );
    // It stays so (the backup accepts its adverts).
    std::thread::sleep(Duration::from_secs_f64(3.0 * ADVERT_INT + skew_low));
    assert!(
        c.has_vip(&a) && !c.has_vip(&b),
        "{test}: the backup did not accept the master's adverts\n{}\n{}",
        log(&m),
        log(&k)
    );

    // 2. Crash of the master: the backup's master-down timer runs out
    // 3 x advert + skew after the last advert it heard (up to one advert
    // interval before the kill).
    crash(&m);
    let t0 = Instant::now();
    c.forget_vip(&a);
    let bound = 3.0 * ADVERT_INT + skew_low + SLACK;
    let took = c.wait_master(&b, &a, bound + 2.0);
    let crash_s = t0.elapsed().as_secs_f64();
    assert!(
        took.is_some(),
        "{test}: no takeover after SIGKILL\n{}",
        log(&k)
    );
    assert!(
        crash_s > 2.0 * ADVERT_INT && crash_s < bound,
        "{test}: takeover after SIGKILL in {crash_s:.2}s, expected within ({:.2}, {bound:.2})",
        2.0 * ADVERT_INT
    );

    // 3. Restart: the 150 node preempts the 100 one after its own
    // master-down interval (lower-priority adverts do not reset it).
    let m = c.start(master, &a, HIGH);
    let t0 = Instant::now();
    assert!(
        c.wait_master(&a, &b, 3.0 * ADVERT_INT + skew_high + SLACK + 2.0)
            .is_some(),
        "{test}: no preemption after restart\n{}\n{}",
        log(&m),
        log(&k)
    );
    let preempt_s = t0.elapsed().as_secs_f64();

    // 4. Graceful stop: priority 0 lets the backup take over after its
    // skew time.
    signal(m.pid, libc::SIGTERM);
    let t0 = Instant::now();
    let bound = skew_low + SLACK;
    let took = c.wait_master(&b, &a, bound + 2.0);
    let term_s = t0.elapsed().as_secs_f64();
    assert!(
        took.is_some(),
        "{test}: no takeover after SIGTERM (VIP on a: {})\n{}\n{}",
        c.has_vip(&a),
        log(&m),
        log(&k)
    );
    assert!(
        term_s < bound,
        "{test}: takeover after SIGTERM in {term_s:.2}s, expected < {bound:.2}\n{}",
        log(&k)
    );
    for n in [&m, &k] {
        for line in log(n).lines().filter(|l| l.contains("IPSEC")) {
            eprintln!("{test}: {:?} {line}", n.ns);
        }
    }
    eprintln!(
        "{test}: crash takeover {crash_s:.2}s, preempt after restart {preempt_s:.2}s, \
         graceful takeover {term_s:.2}s"
    );
}

#[test]
fn v2_pass_ours_master() {
    cell("v2_pass_ours_master", Mode::V2Pass, Impl::Ours);
}

#[test]
fn v2_pass_theirs_master() {
    cell("v2_pass_theirs_master", Mode::V2Pass, Impl::Theirs);
}

#[test]
fn v2_ah_ours_master() {
    cell("v2_ah_ours_master", Mode::V2Ah, Impl::Ours);
}

#[test]
fn v2_ah_theirs_master() {
    cell("v2_ah_theirs_master", Mode::V2Ah, Impl::Theirs);
}

#[test]
fn v2_unicast_ours_master() {
    cell("v2_unicast_ours_master", Mode::V2Unicast, Impl::Ours);
}

#[test]
fn v2_unicast_theirs_master() {
    cell("v2_unicast_theirs_master", Mode::V2Unicast, Impl::Theirs);
}

#[test]
fn v3_ipv4_ours_master() {
    cell("v3_ipv4_ours_master", Mode::V3V4, Impl::Ours);
}

#[test]
fn v3_ipv4_theirs_master() {
    cell("v3_ipv4_theirs_master", Mode::V3V4, Impl::Theirs);
}

#[test]
fn v3_ipv6_ours_master() {
    cell("v3_ipv6_ours_master", Mode::V3V6, Impl::Ours);
}

#[test]
fn v3_ipv6_theirs_master() {
    cell("v3_ipv6_theirs_master", Mode::V3V6, Impl::Theirs);
}
