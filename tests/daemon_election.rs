//! Elections between keepalived-rs nodes on one Ethernet segment (a bridge
//! in a namespace of its own, one veth leg per node namespace): `nopreempt`,
//! `preempt_delay`, and a three-node group failing over twice on SIGKILL.
//! Needs root and iproute2.

#[path = "sys_support/mod.rs"]
mod sys_support;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use sys_support::{ka_instance, run, skip_reason, wait_for};

const VIP: &str = "10.98.0.100";

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// `n` node namespaces, each with `eth0` (10.98.0.{1..n}/24) plugged into
/// one bridge; everything is removed by `Drop`, panics included.
struct Segment {
    bridge: String,
    nodes: Vec<String>,
    dir: PathBuf,
    children: Vec<Option<Child>>,
}

impl Segment {
    fn new(test: &str, n: usize) -> Option<Segment> {
        if let Some(why) = skip_reason() {
            eprintln!("SKIP {test}: {why}");
            return None;
        }
        let tag = format!(
            "kel-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let seg = Segment {
            bridge: format!("{tag}-br"),
            nodes: (1..=n).map(|k| format!("{tag}-{k}")).collect(),
            dir: std::env::temp_dir().join(&tag),
            children: Vec::new(),
        };
        // From here on, Drop cleans up whatever was made.
        std::fs::create_dir_all(&seg.dir).expect("temp dir");
        let br = seg.bridge.as_str();
        run("ip", &["netns", "add", br]);
        run("ip", &["-n", br, "link", "add", "br0", "type", "bridge"]);
        run("ip", &["-n", br, "link", "set", "br0", "up"]);
        for (k, ns) in seg.nodes.iter().enumerate() {
            let leg = format!("leg{k}");
            run("ip", &["netns", "add", ns]);
            run("ip", &["-n", ns, "link", "set", "lo", "up"]);
            run(
                "ip",
                &[
                    "-n", br, "link", "add", &leg, "type", "veth", "peer", "name", "eth0", "netns",
                    ns,
                ],
            );
            run("ip", &["-n", br, "link", "set", &leg, "master", "br0"]);
            run("ip", &["-n", br, "link", "set", &leg, "up"]);
            let addr = format!("10.98.0.{}/24", k + 1);
            run("ip", &["-n", ns, "addr", "add", &addr, "dev", "eth0"]);
            run("ip", &["-n", ns, "link", "set", "eth0", "up"]);
        }
        Some(seg)
    }

    /// Start our daemon on node `k` (0-based) with `extra` instance lines.
    fn start(&mut self, k: usize, prio: u8, extra: &str) {
        self.start_with(k, prio, extra, false);
    }

    /// As [`Segment::start`], with Debian's keepalived 2.2.7 when `ka`.
    fn start_with(&mut self, k: usize, prio: u8, extra: &str, ka: bool) {
        let conf = self.dir.join(format!("n{k}.conf"));
        std::fs::write(
            &conf,
            ka_instance(
                51,
                prio,
                "BACKUP",
                &format!("{extra}\n virtual_ipaddress {{\n  {VIP}/24\n }}"),
            ),
        )
        .unwrap();
        let log = std::fs::File::create(self.dir.join(format!("n{k}.log"))).unwrap();
        // `ip netns exec` execs the daemon: the child's pid is the daemon's.
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.nodes[k]]);
        if ka {
            cmd.arg(sys_support::KEEPALIVED).arg("-D");
            for (opt, f) in [("-c", "chk"), ("-b", "bfd")] {
                cmd.arg(opt).arg(self.dir.join(format!("n{k}.{f}.pid")));
            }
        } else {
            cmd.arg(env!("CARGO_BIN_EXE_keepalived"));
        }
        let child = cmd
            .args(["-n", "-l", "-G", "-f"])
            .arg(&conf)
            .arg("-p")
            .arg(self.dir.join(format!("n{k}.pid")))
            .arg("-r")
            .arg(self.dir.join(format!("n{k}.vrrp.pid")))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start keepalived-rs");
        if self.children.len() <= k {
            self.children.resize_with(k + 1, || None);
        }
        self.children[k] = Some(child);
    }

    /// SIGKILL node `k`'s daemon: no priority-0 advert, the VIP stays.
    fn kill(&mut self, k: usize) {
        if let Some(mut c) = self.children[k].take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn has_vip(&self, k: usize) -> bool {
        let out = Command::new("ip")
            .args(["-n", &self.nodes[k], "-br", "addr", "show", "dev", "eth0"])
            .output()
            .expect("ip");
        String::from_utf8_lossy(&out.stdout).contains(VIP)
    }

    fn logs(&self) -> String {
        (0..self.nodes.len())
            .map(|k| {
                let l = std::fs::read_to_string(self.dir.join(format!("n{k}.log")));
                format!("--- node {k}\n{}", l.unwrap_or_default())
            })
            .collect()
    }

    /// Seconds from `t0` until node `k` holds the VIP, or `None` by `limit`.
    fn vip_after(&self, k: usize, t0: Instant, limit: f64) -> Option<f64> {
        wait_for(Duration::from_secs_f64(limit), || self.has_vip(k))
            .then(|| t0.elapsed().as_secs_f64())
    }
}

impl Drop for Segment {
    fn drop(&mut self) {
        for k in 0..self.children.len() {
            if let Some(c) = self.children[k].as_mut() {
                // SAFETY: kill(2) on a process this test started.
                unsafe { libc::kill(c.id() as i32, libc::SIGTERM) };
                let deadline = Instant::now() + Duration::from_secs(3);
                while !matches!(c.try_wait(), Ok(Some(_))) && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
            self.kill(k);
        }
        for ns in self.nodes.iter().chain([&self.bridge]) {
            let _ = Command::new("ip")
                .args(["netns", "del", ns])
                .stderr(Stdio::null())
                .status();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Master-down interval (s) for advert_int 1 at `prio` (VRRPv2).
fn down(prio: u8) -> f64 {
    3.0 + f64::from(256 - u16::from(prio)) / 256.0
}

#[test]
fn nopreempt_keeps_the_lower_priority_master() {
    let Some(mut seg) = Segment::new("nopreempt_keeps_the_lower_priority_master", 2) else {
        return;
    };
    seg.start(0, 100, " nopreempt");
    let t0 = Instant::now();
    assert!(
        seg.vip_after(0, t0, down(100) + 2.0).is_some(),
        "node 0 never became master: {}",
        seg.logs()
    );
    seg.start(1, 200, " nopreempt");
    // Longer than node 1's master-down interval plus an advert: a
    // preempting node would have taken over by now.
    std::thread::sleep(Duration::from_secs_f64(down(200) + 1.5));
    assert!(seg.has_vip(0), "{}", seg.logs());
    assert!(!seg.has_vip(1), "node 1 preempted: {}", seg.logs());
    // Node 1 is a working backup: it takes over when node 0 dies.
    seg.kill(0);
    let t1 = Instant::now();
    let at = seg.vip_after(1, t1, down(200) + 1.5);
    eprintln!("failover after {at:?} s");
    assert!(at.is_some(), "node 1 never took over: {}", seg.logs());
}

#[test]
fn preempt_delay_postpones_the_takeover() {
    let ours = preempt_delay_takeover(false);
    if sys_support::have_keepalived() && ours.is_some() {
        // The same with keepalived 2.2.7 as the preempting node.
        let ka = preempt_delay_takeover(true);
        eprintln!("keepalived-rs {ours:?} s, keepalived 2.2.7 {ka:?} s");
    }
}

/// Node 1 (priority 200, `preempt_delay 3`) joins a master of priority
/// 100; seconds until it holds the address.
fn preempt_delay_takeover(ka: bool) -> Option<f64> {
    let mut seg = Segment::new("preempt_delay_postpones_the_takeover", 2)?;
    seg.start(0, 100, "");
    let t0 = Instant::now();
    assert!(
        seg.vip_after(0, t0, down(100) + 2.0).is_some(),
        "node 0 never became master: {}",
        seg.logs()
    );
    seg.start_with(1, 200, " preempt_delay 3", ka);
    let t1 = Instant::now();
    let at = seg
        .vip_after(1, t1, 3.0 + down(100) + 1.0)
        .unwrap_or_else(|| panic!("node 1 never took over: {}", seg.logs()));
    eprintln!("preempted after {at:.2} s");
    // Adverts heard while the delay runs restart the down timer; the last
    // one at most an advert interval before the delay ends. Without the
    // delay the takeover would come at down(200) ≈ 3.2 s.
    assert!(at >= 3.0 + down(200) - 1.3, "{at:.2} s: {}", seg.logs());
    assert!(wait_for(Duration::from_secs(2), || !seg.has_vip(0)));
    Some(at)
}

#[test]
fn three_nodes_fail_over_in_priority_order() {
    let Some(mut seg) = Segment::new("three_nodes_fail_over_in_priority_order", 3) else {
        return;
    };
    for (k, prio) in [200, 150, 100].into_iter().enumerate() {
        seg.start(k, prio, "");
    }
    let t0 = Instant::now();
    let at = seg.vip_after(0, t0, down(200) + 2.0);
    eprintln!("elected after {at:?} s");
    assert!(at.is_some(), "node 0 never became master: {}", seg.logs());
    // The others settle as backups.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        !seg.has_vip(1) && !seg.has_vip(2),
        "two masters: {}",
        seg.logs()
    );
    seg.kill(0);
    let t1 = Instant::now();
    let at = seg
        .vip_after(1, t1, down(150) + 1.5)
        .unwrap_or_else(|| panic!("node 1 never took over: {}", seg.logs()));
    eprintln!("first failover after {at:.2} s");
    // The timer runs from the last advert, up to 1 s before the kill.
    assert!(at >= down(150) - 1.2, "{at:.2} s");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(!seg.has_vip(2), "node 2 took over too: {}", seg.logs());
    seg.kill(1);
    let t2 = Instant::now();
    let at = seg
        .vip_after(2, t2, down(100) + 1.5)
        .unwrap_or_else(|| panic!("node 2 never took over: {}", seg.logs()));
    eprintln!("second failover after {at:.2} s");
    assert!(at >= down(100) - 1.2, "{at:.2} s");
}
