//! Scripts in the daemon, in network namespaces, with Debian's keepalived
//! 2.2.7 run through the same steps as the reference: vrrp_script tracking
//! (the users' seed scenario), notify scripts and FIFO lines, scripts that
//! hang or fork, many scripts against advert timing, script security.
//! Needs root, iproute2 and /usr/sbin/keepalived (the comparisons skip
//! without it).

#[path = "sys_support/mod.rs"]
mod sys_support;

use std::collections::BTreeMap;
use std::io;
use std::mem::{size_of, zeroed};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use sys_support::{have_keepalived, lab, wait_for, Lab, A_V4, B_V4, KEEPALIVED};

const VIP: &str = "10.99.0.100";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Daemon {
    Ours,
    Keepalived,
}

impl Daemon {
    fn name(self) -> &'static str {
        match self {
            Daemon::Ours => "keepalived-rs",
            Daemon::Keepalived => "keepalived 2.2.7",
        }
    }
}

/// A daemon started in a namespace of the lab.
struct Node {
    pid: i32,
    log: PathBuf,
}

impl Node {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGTERM, and wait until the process has ended (it stays a zombie
    /// of the lab until the lab is dropped).
    fn stop(&self) {
        // SAFETY: kill(2) on a process this test started.
        unsafe { libc::kill(self.pid, libc::SIGTERM) };
        let gone = wait_for(Duration::from_secs(10), || {
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid))
                .map(|s| {
                    s.rsplit(')')
                        .next()
                        .unwrap_or("")
                        .trim_start()
                        .starts_with('Z')
                })
                .unwrap_or(true)
        });
        assert!(gone, "daemon {} did not stop", self.pid);
    }
}

/// Start `daemon` in `ns` with configuration `conf` (files named `name-*`
/// in the lab's directory).
fn start(lab: &mut Lab, ns: &str, name: &str, daemon: Daemon, conf: &str) -> Node {
    let d = lab.dir.clone();
    let f = |s: &str| d.join(format!("{name}-{s}")).display().to_string();
    std::fs::write(f("conf"), conf).unwrap();
    let log = d.join(format!("{name}.log"));
    let pid = match daemon {
        Daemon::Ours => {
            let bin = env!("CARGO_BIN_EXE_keepalived");
            let args = [
                "-n",
                "-l",
                "-G",
                "-f",
                &f("conf"),
                "-p",
                &f("pid"),
                "-r",
                &f("vrrp.pid"),
            ];
            lab.start(ns, bin, &args, &log)
        }
        Daemon::Keepalived => {
            let args = [
                "-n",
                "-l",
                "-D",
                "-G",
                "-f",
                &f("conf"),
                "-p",
                &f("pid"),
                "-r",
                &f("vrrp.pid"),
                "-c",
                &f("chk.pid"),
                "-b",
                &f("bfd.pid"),
                "-i",
                name,
            ];
            lab.start(ns, KEEPALIVED, &args, &log)
        }
    };
    Node {
        pid: pid as i32,
        log,
    }
}

/// The message part of a log line, ours ("Mon DD HH:MM:SS Tag[pid]: msg")
/// or keepalived's -l console ("Mon Nov 23 13:06:39 2026: msg").
fn message(line: &str) -> Option<&str> {
    if let Some(i) = line.find("]: ") {
        return Some(&line[i + 3..]);
    }
    let rest = line.get(20..)?;
    rest.find(": ").map(|i| &rest[i + 2..])
}

/// The log's messages containing one of `patterns`, with consecutive
/// repeats folded.
fn relevant(log: &str, patterns: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in log.lines().filter_map(message) {
        if patterns.iter().any(|p| m.contains(p)) && out.last().map(String::as_str) != Some(m) {
            out.push(m.to_string());
        }
    }
    out
}

fn has_vip(ns: &str) -> bool {
    let out = Command::new("ip")
        .args(["-n", ns, "-br", "addr", "show", "dev", "eth0"])
        .output()
        .expect("ip");
    String::from_utf8_lossy(&out.stdout).contains(VIP)
}

/// Write an executable script (root-owned, 0755).
fn script(path: &Path, body: &str) {
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// An AF_PACKET capture with kernel receive timestamps (SO_TIMESTAMPNS),
/// for advert timing.
struct TimedCapture {
    fd: OwnedFd,
}

impl TimedCapture {
    /// Open on eth0 of the calling thread's namespace.
    fn open() -> TimedCapture {
        let proto = (libc::ETH_P_IP as u16).to_be();
        // SAFETY: plain socket(2) call.
        let fd = unsafe {
            libc::socket(
                libc::AF_PACKET,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                libc::c_int::from(proto),
            )
        };
        assert!(fd >= 0, "socket: {}", io::Error::last_os_error());
        // SAFETY: fresh descriptor owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        // SAFETY: a valid NUL-terminated name.
        let idx = unsafe { libc::if_nametoindex(c"eth0".as_ptr()) };
        // SAFETY: sockaddr_ll is plain data; zero is valid.
        let mut sll: libc::sockaddr_ll = unsafe { zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = proto;
        sll.sll_ifindex = idx as i32;
        // SAFETY: `sll` is a live sockaddr_ll of the size given.
        let r = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                (&sll as *const libc::sockaddr_ll).cast(),
                size_of::<libc::sockaddr_ll>() as u32,
            )
        };
        assert_eq!(r, 0, "bind: {}", io::Error::last_os_error());
        let one: libc::c_int = 1;
        // SAFETY: an int option of the size given.
        let r = unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_TIMESTAMPNS,
                (&one as *const libc::c_int).cast(),
                size_of::<libc::c_int>() as u32,
            )
        };
        assert_eq!(r, 0);
        TimedCapture { fd }
    }

    /// The next frame within 200 ms and its kernel timestamp (µs).
    fn next(&self) -> Option<(Vec<u8>, u64)> {
        let mut p = libc::pollfd {
            fd: self.fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut p, 1, 200) } <= 0 {
            return None;
        }
        let mut buf = vec![0u8; 2048];
        let mut cbuf = [0u64; 16];
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        };
        // SAFETY: msghdr is plain data; zero is valid.
        let mut msg: libc::msghdr = unsafe { zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.as_mut_ptr().cast();
        msg.msg_controllen = size_of::<[u64; 16]>();
        // SAFETY: every buffer msg points to is live and sized as given.
        let n = unsafe { libc::recvmsg(self.fd.as_raw_fd(), &mut msg, 0) };
        if n <= 0 {
            return None;
        }
        buf.truncate(n as usize);
        let mut ts = None;
        // SAFETY: walking the control messages the kernel wrote into cbuf.
        unsafe {
            let mut c = libc::CMSG_FIRSTHDR(&msg);
            while !c.is_null() {
                if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SO_TIMESTAMPNS {
                    let t: libc::timespec = std::ptr::read_unaligned(libc::CMSG_DATA(c).cast());
                    ts = Some(t.tv_sec as u64 * 1_000_000 + t.tv_nsec as u64 / 1000);
                }
                c = libc::CMSG_NXTHDR(&msg, c);
            }
        }
        Some((buf, ts?))
    }
}

/// (kernel time µs, priority) of VRRP adverts from `src` seen in `ns`
/// until `stop` is set.
fn advert_watch(
    lab: &Lab,
    ns: &str,
    src: &'static str,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<Vec<(u64, u8)>> {
    let src: std::net::Ipv4Addr = src.parse().unwrap();
    lab.spawn_in(ns, move || {
        let cap = TimedCapture::open();
        let mut seen = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let Some((f, t)) = cap.next() else {
                continue;
            };
            // Ethernet + IPv4 (no options from a VRRP sender) + VRRP.
            if f.len() < 14 + 20 + 8 || f[14 + 9] != 112 || f[14 + 12..14 + 16] != src.octets() {
                continue;
            }
            seen.push((t, f[14 + 20 + 2]));
        }
        seen
    })
}

/// Consecutive repeats folded.
fn runs<T: PartialEq + Copy>(v: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for &x in v {
        if out.last() != Some(&x) {
            out.push(x);
        }
    }
    out
}

// ---- the seed scenario --------------------------------------------------------

fn seed_conf(dir: &Path, node: &str, state: &str, prio: u8, src: &str, peer: &str) -> String {
    format!(
        "global_defs {{\n router_id {node}\n}}\n\
         vrrp_script check_test {{\n script \"{dir}/{node}-down.sh\"\n interval 2\n weight -30\n fall 2\n rise 2\n}}\n\
         vrrp_instance WEB1 {{\n state {state}\n interface eth0\n virtual_router_id 66\n priority {prio}\n advert_int 1\n\
          authentication {{\n  auth_type PASS\n  auth_pass 666\n }}\n\
          virtual_ipaddress {{\n  {VIP}/24 dev eth0 label eth0:0\n }}\n\
          unicast_src_ip {src}\n unicast_peer {{\n  {peer}\n }}\n\
          track_script {{\n  check_test\n }}\n}}\n",
        dir = dir.display()
    )
}

struct SeedRun {
    a: Vec<String>,
    b: Vec<String>,
    /// A's advertised priorities, repeats folded.
    a_prios: Vec<u8>,
}

/// The users' notes, step by step: A (100, MASTER) and B (80, BACKUP)
/// track a script that fails while A's file exists; creating it moves the
/// VIP to B (A drops to 70), removing it moves the VIP back.
fn seed_run(daemon: Daemon) -> Option<SeedRun> {
    let mut lab = lab("seed_scenario")?;
    let dir = lab.dir.clone();
    let down = dir.join("a-down");
    for n in ["a", "b"] {
        script(
            &dir.join(format!("{n}-down.sh")),
            &format!("[ ! -f {}/{n}-down ]", dir.display()),
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    let (a_ns, b_ns) = (lab.a.clone(), lab.b.clone());
    let watch = advert_watch(&lab, &b_ns, A_V4, stop.clone());
    let a = start(
        &mut lab,
        &a_ns,
        "a",
        daemon,
        &seed_conf(&dir, "a", "MASTER", 100, A_V4, B_V4),
    );
    assert!(
        wait_for(Duration::from_secs(10), || has_vip(&a_ns)),
        "{}: A never became master\n{}",
        daemon.name(),
        a.log()
    );
    let b = start(
        &mut lab,
        &b_ns,
        "b",
        daemon,
        &seed_conf(&dir, "b", "BACKUP", 80, B_V4, A_V4),
    );
    std::thread::sleep(Duration::from_secs(3));
    std::fs::write(&down, "").unwrap();
    assert!(
        wait_for(Duration::from_secs(15), || has_vip(&b_ns)
            && !has_vip(&a_ns)),
        "{}: the VIP did not move to B\nA:\n{}\nB:\n{}",
        daemon.name(),
        a.log(),
        b.log()
    );
    std::thread::sleep(Duration::from_secs(1));
    std::fs::remove_file(&down).unwrap();
    assert!(
        wait_for(Duration::from_secs(15), || has_vip(&a_ns)
            && !has_vip(&b_ns)),
        "{}: the VIP did not come back to A\nA:\n{}\nB:\n{}",
        daemon.name(),
        a.log(),
        b.log()
    );
    std::thread::sleep(Duration::from_secs(2));
    stop.store(true, Ordering::Relaxed);
    let prios: Vec<u8> = watch.join().unwrap().into_iter().map(|x| x.1).collect();
    let patterns = [
        "Script `",
        "VRRP_Script(",
        "Changing effective priority",
        "Entering ",
        "Master received advert",
        "received lower priority",
    ];
    let run = SeedRun {
        a: relevant(&a.log(), &patterns),
        b: relevant(&b.log(), &patterns),
        a_prios: runs(&prios),
    };
    a.stop();
    b.stop();
    Some(run)
}

#[test]
fn seed_scenario_matches_keepalived() {
    if !have_keepalived() {
        eprintln!("SKIP seed_scenario_matches_keepalived: no {KEEPALIVED}");
        return;
    }
    // Both daemons side by side, each in its own pair of namespaces.
    let theirs = std::thread::spawn(|| seed_run(Daemon::Keepalived));
    let Some(ours) = seed_run(Daemon::Ours) else {
        return;
    };
    let theirs = theirs.join().unwrap().expect("lab");
    let expected_a = [
        "(WEB1) Entering BACKUP STATE (init)",
        "VRRP_Script(check_test) succeeded",
        "(WEB1) Entering MASTER STATE",
        "Script `check_test` now returning 1",
        "VRRP_Script(check_test) failed (exited with status 1)",
        "(WEB1) Changing effective priority from 100 to 70",
        "(WEB1) Master received advert from 10.99.0.3 with higher priority 80, ours 70",
        "(WEB1) Entering BACKUP STATE",
        "Script `check_test` now returning 0",
        "VRRP_Script(check_test) succeeded",
        "(WEB1) Changing effective priority from 70 to 100",
        "(WEB1) received lower priority (80) advert from 10.99.0.3 - discarding",
        "(WEB1) Entering MASTER STATE",
    ];
    assert_eq!(theirs.a, expected_a, "keepalived's own lines changed?");
    assert_eq!(ours.a, theirs.a, "node A: ours vs keepalived");
    assert_eq!(ours.b, theirs.b, "node B: ours vs keepalived");
    assert_eq!(theirs.a_prios, [100, 70, 100]);
    assert_eq!(ours.a_prios, theirs.a_prios, "A's advertised priorities");
}

// ---- notify scripts and FIFOs ---------------------------------------------------

fn notify_conf(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "global_defs {{\n router_id n\n notify_fifo {d}/gfifo\n vrrp_notify_fifo {d}/vfifo\n\
          vrrp_notify_fifo_script {d}/fiforec.sh\n}}\n\
         vrrp_script chk_w {{\n script \"{d}/w.sh\"\n interval 1\n weight -10\n}}\n\
         vrrp_script chk_f {{\n script \"{d}/f.sh\"\n interval 1\n}}\n\
         vrrp_instance VI_1 {{\n state BACKUP\n interface eth0\n virtual_router_id 51\n priority 100\n\
          advert_int 1\n virtual_ipaddress {{\n  {VIP}/24\n }}\n track_script {{\n  chk_w\n  chk_f\n }}\n\
          notify_master \"{d}/rec.sh master 'two words'\"\n notify_backup {d}/rec.sh\n\
          notify_fault \"{d}/rec.sh fault\"\n notify_stop \"{d}/rec.sh stop\"\n\
          notify \"{d}/rec.sh generic\"\n notify_master_rx_lower_pri \"{d}/rec.sh rxlow\"\n\
          notify_priority_changes\n}}\n"
    )
}

struct NotifyRun {
    /// Every notify script run: its argv, `|`-separated, the lab's folder
    /// written DIR; sorted.
    argv: Vec<String>,
    /// The generic script's runs, in order.
    generic: Vec<String>,
    /// What the vrrp_notify_fifo_script read, and its arguments.
    vfifo: String,
    fifo_script_args: String,
    /// What a reader of the global notify_fifo read.
    gfifo: String,
}

/// One advert with priority 50 for VRID 51 from B.
fn send_lower_priority_advert(lab: &Lab) {
    use keepalived_rs::sys::vrrp_socket::{Family, Interface, VrrpSendSocket};
    use keepalived_rs::vrrp::packet::{
        Advert, Auth, ChecksumMode, Ipv4Header, Version, WireInterval, IPPROTO_VRRP, VRRP_GROUP_V4,
    };
    lab.run_in(&lab.b, || {
        let eth0 = Interface::by_name("eth0").unwrap();
        let sock = VrrpSendSocket::open(Family::V4, IPPROTO_VRRP, Some(&eth0), false).unwrap();
        let advert = Advert {
            version: Version::V2,
            vrid: 51,
            priority: 50,
            interval: WireInterval::Seconds(1),
            addrs: vec![VIP.parse().unwrap()],
            auth: Auth::None,
        };
        let pdu = advert.encode(ChecksumMode::Plain);
        let h = Ipv4Header {
            tos: 0xc0,
            id: 0,
            ttl: 255,
            protocol: IPPROTO_VRRP,
            src: B_V4.parse().unwrap(),
            dst: VRRP_GROUP_V4,
        };
        let mut pkt = h.encode(pdu.len()).to_vec();
        pkt.extend(pdu);
        sock.send_v4(&pkt, VRRP_GROUP_V4).unwrap();
    });
}

fn notify_run(daemon: Daemon) -> Option<NotifyRun> {
    let mut lab = lab("notify_scripts_and_fifos")?;
    let dir = lab.dir.clone();
    let d = dir.display().to_string();
    script(
        &dir.join("rec.sh"),
        &format!("line=$(printf '%s|' \"$0\" \"$@\")\necho \"$line\" >> {d}/rec.log"),
    );
    script(
        &dir.join("fiforec.sh"),
        &format!("echo \"$*\" > {d}/fifoargs\nexec cat \"$1\" >> {d}/vfifo.log"),
    );
    script(&dir.join("w.sh"), &format!("[ ! -f {d}/w ]"));
    script(&dir.join("f.sh"), &format!("[ ! -f {d}/f ]"));
    let ns = lab.a.clone();
    let node = start(&mut lab, &ns, "n", daemon, &notify_conf(&dir));
    let gfifo = dir.join("gfifo");
    assert!(
        wait_for(Duration::from_secs(5), || gfifo.exists()),
        "{}: no global FIFO\n{}",
        daemon.name(),
        node.log()
    );
    lab.start(
        &ns,
        "/bin/sh",
        &["-c", &format!("exec cat {d}/gfifo >> {d}/gfifo.log")],
        &dir.join("reader.log"),
    );
    let rec = || std::fs::read_to_string(dir.join("rec.log")).unwrap_or_default();
    let step = |what: &str, ok: &dyn Fn() -> bool| {
        assert!(
            wait_for(Duration::from_secs(12), ok),
            "{}: {what}\n{}\n{}",
            daemon.name(),
            node.log(),
            rec()
        );
    };
    step("never master", &|| has_vip(&ns));
    std::fs::write(dir.join("w"), "").unwrap();
    step("no priority change", &|| {
        node.log()
            .contains("Changing effective priority from 100 to 90")
    });
    send_lower_priority_advert(&lab);
    step("no master_rx_lower_pri", &|| rec().contains("rxlow"));
    std::fs::write(dir.join("f"), "").unwrap();
    step("no FAULT", &|| !has_vip(&ns) && rec().contains("fault"));
    std::fs::remove_file(dir.join("f")).unwrap();
    step("not master again", &|| has_vip(&ns));
    std::fs::remove_file(dir.join("w")).unwrap();
    step("priority not back", &|| {
        node.log()
            .contains("Changing effective priority from 90 to 100")
    });
    std::thread::sleep(Duration::from_millis(500));
    node.stop();
    // The STOP scripts run as the daemon stops.
    step("no STOP notification", &|| {
        rec().matches("|STOP|").count() == 1 && rec().contains("|stop|")
    });
    std::thread::sleep(Duration::from_millis(300));
    let norm = |s: String| s.replace(&d, "DIR");
    let mut argv: Vec<String> = norm(rec()).lines().map(str::to_string).collect();
    let generic = argv
        .iter()
        .filter(|l| l.contains("|generic|"))
        .cloned()
        .collect();
    argv.sort();
    let read = |f: &str| norm(std::fs::read_to_string(dir.join(f)).unwrap_or_default());
    Some(NotifyRun {
        argv,
        generic,
        vfifo: read("vfifo.log"),
        fifo_script_args: read("fifoargs"),
        gfifo: read("gfifo.log"),
    })
}

#[test]
fn notify_scripts_and_fifos_match_keepalived() {
    if !have_keepalived() {
        eprintln!("SKIP notify_scripts_and_fifos_match_keepalived: no {KEEPALIVED}");
        return;
    }
    let theirs = std::thread::spawn(|| notify_run(Daemon::Keepalived));
    let Some(ours) = notify_run(Daemon::Ours) else {
        return;
    };
    let theirs = theirs.join().unwrap().expect("lab");
    eprintln!(
        "notify argv (keepalived 2.2.7):\n{}\nglobal FIFO (keepalived 2.2.7):\n{}",
        theirs.argv.join("\n"),
        theirs.gfifo
    );
    // keepalived's, as recorded: the generic script's four extra words,
    // the specific scripts' configured words only.
    assert_eq!(
        theirs.generic,
        [
            "DIR/rec.sh|generic|INSTANCE|VI_1|BACKUP|100|",
            "DIR/rec.sh|generic|INSTANCE|VI_1|MASTER|100|",
            "DIR/rec.sh|generic|INSTANCE|VI_1|FAULT|90|",
            "DIR/rec.sh|generic|INSTANCE|VI_1|BACKUP|90|",
            "DIR/rec.sh|generic|INSTANCE|VI_1|MASTER|90|",
            "DIR/rec.sh|generic|INSTANCE|VI_1|STOP|100|",
        ]
    );
    assert_eq!(ours.generic, theirs.generic);
    assert_eq!(ours.argv, theirs.argv, "every notify script's argv");
    assert!(theirs
        .argv
        .contains(&"DIR/rec.sh|master|two words|".to_string()));
    assert_eq!(theirs.fifo_script_args, "DIR/vfifo\n");
    assert_eq!(ours.fifo_script_args, theirs.fifo_script_args);
    let expected = "INSTANCE \"VI_1\" BACKUP 100\n\
                    INSTANCE \"VI_1\" MASTER 100\n\
                    INSTANCE \"VI_1\" MASTER_PRIORITY 90\n\
                    INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 90\n\
                    INSTANCE \"VI_1\" FAULT 90\n\
                    INSTANCE \"VI_1\" BACKUP 90\n\
                    INSTANCE \"VI_1\" MASTER 90\n\
                    INSTANCE \"VI_1\" MASTER_PRIORITY 100\n";
    assert_eq!(theirs.vfifo, expected, "keepalived's vrrp FIFO");
    assert_eq!(ours.vfifo, theirs.vfifo, "vrrp FIFO lines");
    assert_eq!(ours.gfifo, theirs.gfifo, "global FIFO lines");
    assert!(theirs.gfifo.starts_with(expected));
}

// ---- sync group notifications ----------------------------------------------------

/// One node, a sync group of two instances: the group's scripts and FIFO
/// lines from start (BACKUP), takeover (MASTER) and stop.
fn group_run(daemon: Daemon) -> Option<(Vec<String>, String)> {
    let mut lab = lab("group_notify")?;
    let dir = lab.dir.clone();
    let d = dir.display().to_string();
    script(
        &dir.join("rec.sh"),
        &format!("line=$(printf '%s|' \"$0\" \"$@\")\necho \"$line\" >> {d}/rec.log"),
    );
    script(
        &dir.join("fiforec.sh"),
        &format!("exec cat \"$1\" >> {d}/vfifo.log"),
    );
    let inst = |n: u8, vip: &str| {
        format!(
            "vrrp_instance VI_{n} {{\n state BACKUP\n interface eth0\n virtual_router_id {n}\n priority 100\n\
             advert_int 1\n virtual_ipaddress {{\n  {vip}/24\n }}\n}}\n"
        )
    };
    let conf = format!(
        "global_defs {{\n router_id g\n vrrp_notify_fifo {d}/vfifo\n vrrp_notify_fifo_script {d}/fiforec.sh\n}}\n\
         {}{}\
         vrrp_sync_group G1 {{\n group {{\n  VI_61\n  VI_62\n }}\n notify_master \"{d}/rec.sh gmaster\"\n\
          notify_backup \"{d}/rec.sh gbackup\"\n notify_stop \"{d}/rec.sh gstop\"\n notify \"{d}/rec.sh ggeneric\"\n}}\n",
        inst(61, "10.99.0.161"),
        inst(62, "10.99.0.162")
    );
    let ns = lab.a.clone();
    let node = start(&mut lab, &ns, "g", daemon, &conf);
    let rec = || std::fs::read_to_string(dir.join("rec.log")).unwrap_or_default();
    assert!(
        wait_for(Duration::from_secs(12), || rec().contains("gmaster")),
        "{}: the group never became master\n{}\n{}",
        daemon.name(),
        node.log(),
        rec()
    );
    std::thread::sleep(Duration::from_millis(300));
    node.stop();
    std::thread::sleep(Duration::from_millis(1200));
    let norm = |s: String| s.replace(&d, "DIR");
    let argv = norm(rec()).lines().map(str::to_string).collect();
    let fifo = norm(std::fs::read_to_string(dir.join("vfifo.log")).unwrap_or_default());
    Some((argv, fifo))
}

#[test]
fn sync_group_notifications_match_keepalived() {
    if !have_keepalived() {
        eprintln!("SKIP sync_group_notifications_match_keepalived: no {KEEPALIVED}");
        return;
    }
    let theirs = std::thread::spawn(|| group_run(Daemon::Keepalived));
    let Some((ours_argv, ours_fifo)) = group_run(Daemon::Ours) else {
        return;
    };
    let (theirs_argv, theirs_fifo) = theirs.join().unwrap().expect("lab");
    eprintln!(
        "group notify argv (keepalived 2.2.7):\n{}\nFIFO:\n{theirs_fifo}",
        theirs_argv.join("\n")
    );
    assert!(
        theirs_argv
            .iter()
            .any(|l| l.contains("|ggeneric|GROUP|G1|MASTER|")),
        "keepalived ran the group's generic script: {theirs_argv:?}"
    );
    // Scripts started together finish in any order: compare the generic
    // script's runs in order, and the whole set.
    let generic = |v: &[String]| -> Vec<String> {
        v.iter()
            .filter(|l| l.contains("|ggeneric|"))
            .cloned()
            .collect()
    };
    assert_eq!(generic(&ours_argv), generic(&theirs_argv));
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    assert_eq!(
        sorted(&ours_argv),
        sorted(&theirs_argv),
        "group notify scripts"
    );
    assert_eq!(ours_fifo, theirs_fifo, "FIFO lines");
}

// ---- instances removed by a reload ------------------------------------------------

fn removal_conf(d: &str, vrids: &[u8]) -> String {
    let mut conf = format!(
        "global_defs {{\n router_id r\n vrrp_notify_fifo {d}/vfifo\n vrrp_notify_fifo_script {d}/fiforec.sh\n}}\n"
    );
    for &n in vrids {
        let deleted = if n == 71 {
            format!(" notify_deleted \"{d}/rec.sh deleted\"\n")
        } else {
            String::new()
        };
        conf.push_str(&format!(
            "vrrp_instance VI_{n} {{\n state BACKUP\n interface eth0\n virtual_router_id {n}\n priority 100\n\
             advert_int 1\n virtual_ipaddress {{\n  10.99.0.{n}/24\n }}\n notify \"{d}/rec.sh generic\"\n\
             notify_fault \"{d}/rec.sh fault\"\n{deleted}}}\n"
        ));
    }
    conf
}

/// Three masters; a reload keeps only VI_73: what the removed ones announce.
fn removal_run(daemon: Daemon) -> Option<(Vec<String>, String)> {
    let mut lab = lab("reload_removal")?;
    let dir = lab.dir.clone();
    let d = dir.display().to_string();
    script(
        &dir.join("rec.sh"),
        &format!("line=$(printf '%s|' \"$0\" \"$@\")\necho \"$line\" >> {d}/rec.log"),
    );
    script(
        &dir.join("fiforec.sh"),
        &format!("exec cat \"$1\" >> {d}/vfifo.log"),
    );
    let ns = lab.a.clone();
    let node = start(&mut lab, &ns, "r", daemon, &removal_conf(&d, &[71, 72, 73]));
    let rec = || std::fs::read_to_string(dir.join("rec.log")).unwrap_or_default();
    assert!(
        wait_for(Duration::from_secs(12), || rec()
            .matches("|MASTER|")
            .count()
            == 3),
        "{}: not all masters\n{}\n{}",
        daemon.name(),
        node.log(),
        rec()
    );
    std::fs::write(dir.join("r-conf"), removal_conf(&d, &[73])).unwrap();
    std::fs::write(dir.join("rec.log"), "").unwrap();
    // SAFETY: kill(2) on the daemon this test started.
    unsafe { libc::kill(node.pid, libc::SIGHUP) };
    std::thread::sleep(Duration::from_millis(2500));
    assert!(
        has_vip_addr(&ns, "10.99.0.73"),
        "{}: the kept VIP went",
        daemon.name()
    );
    assert!(
        !has_vip_addr(&ns, "10.99.0.71"),
        "{}: a removed VIP stayed",
        daemon.name()
    );
    let norm = |s: String| s.replace(&d, "DIR");
    let mut argv: Vec<String> = norm(rec()).lines().map(str::to_string).collect();
    argv.sort();
    let fifo = norm(std::fs::read_to_string(dir.join("vfifo.log")).unwrap_or_default());
    node.stop();
    Some((argv, fifo))
}

fn has_vip_addr(ns: &str, addr: &str) -> bool {
    let out = std::process::Command::new("ip")
        .args(["-n", ns, "-br", "addr", "show", "dev", "eth0"])
        .output()
        .expect("ip");
    String::from_utf8_lossy(&out.stdout).contains(&format!("{addr}/"))
}

#[test]
fn removed_instances_announce_like_keepalived() {
    if !have_keepalived() {
        eprintln!("SKIP removed_instances_announce_like_keepalived: no {KEEPALIVED}");
        return;
    }
    let theirs = std::thread::spawn(|| removal_run(Daemon::Keepalived));
    let Some((ours_argv, ours_fifo)) = removal_run(Daemon::Ours) else {
        return;
    };
    let (theirs_argv, theirs_fifo) = theirs.join().unwrap().expect("lab");
    eprintln!(
        "after the reload (keepalived 2.2.7):\n{}\nFIFO:\n{theirs_fifo}",
        theirs_argv.join("\n")
    );
    assert!(
        theirs_argv.iter().any(|l| l.contains("|DELETED|")),
        "keepalived announced a deletion: {theirs_argv:?}"
    );
    assert_eq!(ours_argv, theirs_argv, "scripts run at the reload");
    assert_eq!(ours_fifo, theirs_fifo, "FIFO lines");
}

// ---- misbehaving scripts ---------------------------------------------------------

/// Processes whose command line contains `marker`.
fn processes_with(marker: &str) -> Vec<i32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmd).contains(marker) {
            out.push(pid);
        }
    }
    out
}

/// Children of `pid` (zombies included), by their state letter.
fn children_of(pid: i32) -> BTreeMap<i32, char> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        let Some(after) = stat.rsplit(')').next() else {
            continue;
        };
        let f: Vec<&str> = after.split_whitespace().collect();
        if f.get(1).and_then(|s| s.parse::<i32>().ok()) == Some(pid) {
            out.insert(p, f[0].chars().next().unwrap_or('?'));
        }
    }
    out
}

/// An instance alone in A tracking `scripts` (vrrp_script blocks given as
/// (name, body lines)), with optional extra global_defs lines.
fn single_conf(global: &str, scripts: &[(&str, String)], weight0: bool) -> String {
    let mut c = format!("global_defs {{\n router_id s\n{global}}}\n");
    for (name, body) in scripts {
        c.push_str(&format!("vrrp_script {name} {{\n{body}\n}}\n"));
    }
    c.push_str(&format!(
        "vrrp_instance VI_1 {{\n state BACKUP\n interface eth0\n virtual_router_id 52\n priority 100\n\
         advert_int 1\n virtual_ipaddress {{\n  {VIP}/24\n }}\n track_script {{\n"
    ));
    for (name, _) in scripts {
        let w = if weight0 { "" } else { " weight 1" };
        c.push_str(&format!("  {name}{w}\n"));
    }
    c.push_str(" }\n}\n");
    c
}

/// A script whose children hang, timeout 1 s: the relevant log lines and
/// how long its processes lived after being seen, or `None` without a lab.
fn hanging_run(daemon: Daemon, tag: u32) -> Option<(Vec<String>, Duration)> {
    let mut lab = lab("a_hanging_script_is_killed_with_its_children")?;
    let dir = lab.dir.clone();
    let marker = format!("7777.{}{tag}", std::process::id());
    script(
        &dir.join("hang.sh"),
        &format!("sleep {marker} &\nsleep {marker} &\nsleep {marker}"),
    );
    let body = format!(
        " script \"{}/hang.sh\"\n interval 3\n timeout 1",
        dir.display()
    );
    let ns = lab.a.clone();
    let node = start(
        &mut lab,
        &ns,
        "h",
        daemon,
        &single_conf("", &[("hang", body)], true),
    );
    let name = daemon.name();
    assert!(
        wait_for(Duration::from_secs(5), || processes_with(&marker).len()
            == 3),
        "{name}: the script did not start its children: {}",
        node.log()
    );
    let t0 = Instant::now();
    assert!(
        wait_for(Duration::from_secs(4), || processes_with(&marker)
            .is_empty()),
        "{name}: children outlived the timeout: {:?}\n{}",
        processes_with(&marker),
        node.log()
    );
    let killed = t0.elapsed();
    // Weightless and never successful: the instance never came up.
    assert!(!has_vip(&ns));
    // The next run is ended the same way.
    assert!(wait_for(Duration::from_secs(4), || processes_with(&marker)
        .len()
        == 3));
    assert!(wait_for(Duration::from_secs(4), || processes_with(&marker)
        .is_empty()));
    node.stop();
    for pid in processes_with(&marker) {
        // SAFETY: kill(2) on what the test's script started.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    let lines = relevant(&node.log(), &["VRRP_Script(", "Script `", "Entering "]);
    Some((lines, killed))
}

#[test]
fn a_hanging_script_is_killed_with_its_children() {
    let theirs =
        have_keepalived().then(|| std::thread::spawn(|| hanging_run(Daemon::Keepalived, 1)));
    let Some((ours, killed)) = hanging_run(Daemon::Ours, 0) else {
        return;
    };
    assert_eq!(ours, ["VRRP_Script(hang) timed_out"]);
    if let Some(t) = theirs {
        let (lines, k_killed) = t.join().unwrap().expect("lab");
        assert_eq!(ours, lines, "ours vs keepalived");
        eprintln!("hanging script: children ended {killed:?} after they were seen (keepalived: {k_killed:?})");
    }
}

#[test]
fn a_script_forking_many_children_leaks_none() {
    let Some(mut lab) = lab("a_script_forking_many_children_leaks_none") else {
        return;
    };
    let dir = lab.dir.clone();
    let marker = format!("8888.{}", std::process::id());
    // 100 short-lived children left behind as the script exits, and a few
    // that would live on.
    script(
        &dir.join("fork.sh"),
        "for i in $(seq 100); do sleep 0.3 & done\nexit 0",
    );
    script(
        &dir.join("linger.sh"),
        &format!("for i in 1 2 3 4 5; do sleep {marker} & done\nexit 0"),
    );
    let d = dir.display();
    let scripts = [
        (
            "fork",
            format!(" script \"{d}/fork.sh\"\n interval 2\n timeout 1"),
        ),
        (
            "linger",
            format!(" script \"{d}/linger.sh\"\n interval 2\n timeout 1"),
        ),
    ];
    let ns = lab.a.clone();
    let node = start(
        &mut lab,
        &ns,
        "f",
        Daemon::Ours,
        &single_conf("", &scripts, true),
    );
    assert!(
        wait_for(Duration::from_secs(8), || has_vip(&ns)),
        "{}",
        node.log()
    );
    // Several rounds of 100 orphans each.
    let mut most = 0;
    let end = Instant::now() + Duration::from_secs(5);
    while Instant::now() < end {
        most = most.max(children_of(node.pid).len());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(most >= 50, "the orphans were not adopted (at most {most})");
    // Between runs nothing is left: no zombie, no process.
    assert!(
        wait_for(Duration::from_secs(3), || children_of(node.pid).is_empty()),
        "left over: {:?}",
        children_of(node.pid)
    );
    // What would have lived on is ended with the run's timeout.
    assert!(
        wait_for(Duration::from_secs(3), || processes_with(&marker)
            .is_empty()),
        "{:?}",
        processes_with(&marker)
    );
    let log = node.log();
    assert!(!log.contains("VRRP_Script(fork) failed"), "{log}");
    node.stop();
    assert!(processes_with(&marker).is_empty());
    eprintln!("forking script: up to {most} adopted children at once, none left");
}

#[test]
fn a_script_checked_tcp_service_moves_the_vip() {
    let Some(mut lab) = lab("a_script_checked_tcp_service_moves_the_vip") else {
        return;
    };
    let dir = lab.dir.clone();
    let d = dir.display().to_string();
    std::fs::write(
        dir.join("check.sh"),
        "#!/bin/bash\nexec 3<>/dev/tcp/127.0.0.1/8080\n",
    )
    .unwrap();
    std::fs::set_permissions(dir.join("check.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let service = "import socket\ns=socket.socket()\n\
                   s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n\
                   s.bind(('127.0.0.1',8080))\ns.listen(64)\n\
                   while True:\n  c,_=s.accept()\n  c.close()\n";
    let (a_ns, b_ns) = (lab.a.clone(), lab.b.clone());
    let start_service = |lab: &mut Lab| {
        lab.start(
            &a_ns,
            "/usr/bin/python3",
            &["-c", service],
            &dir.join("service.log"),
        ) as i32
    };
    let svc = start_service(&mut lab);
    let conf = |prio: u8, check: bool| {
        let track = if check {
            format!(
                "vrrp_script chk_svc {{\n script \"{d}/check.sh\"\n interval 1\n weight -50\n fall 2\n rise 2\n}}\n"
            )
        } else {
            String::new()
        };
        let t = if check {
            " track_script {\n  chk_svc\n }\n"
        } else {
            ""
        };
        format!(
            "{track}vrrp_instance VI_1 {{\n state BACKUP\n interface eth0\n virtual_router_id 53\n\
             priority {prio}\n advert_int 1\n virtual_ipaddress {{\n  {VIP}/24\n }}\n{t}}}\n"
        )
    };
    let a = start(&mut lab, &a_ns.clone(), "a", Daemon::Ours, &conf(100, true));
    let b_daemon = if have_keepalived() {
        Daemon::Keepalived
    } else {
        Daemon::Ours
    };
    let b = start(&mut lab, &b_ns.clone(), "b", b_daemon, &conf(90, false));
    assert!(
        wait_for(Duration::from_secs(10), || has_vip(&a_ns)
            && !has_vip(&b_ns)),
        "{}",
        a.log()
    );
    // The service dies: the VIP moves to B.
    // SAFETY: kill(2) on a process this test started.
    unsafe { libc::kill(svc, libc::SIGKILL) };
    let t0 = Instant::now();
    assert!(
        wait_for(Duration::from_secs(10), || has_vip(&b_ns)
            && !has_vip(&a_ns)),
        "{}\n{}",
        a.log(),
        b.log()
    );
    let moved = t0.elapsed();
    assert!(a
        .log()
        .contains("(VI_1) Changing effective priority from 100 to 50"));
    // It comes back: so does the VIP (preemption).
    start_service(&mut lab);
    assert!(
        wait_for(Duration::from_secs(10), || has_vip(&a_ns)
            && !has_vip(&b_ns)),
        "{}\n{}",
        a.log(),
        b.log()
    );
    a.stop();
    b.stop();
    eprintln!("service check: VIP on the backup {moved:?} after the service died");
}

#[test]
fn a_world_writable_script_is_refused_with_script_security() {
    if !have_keepalived() {
        eprintln!("SKIP a_world_writable_script_is_refused_with_script_security: no {KEEPALIVED}");
        return;
    }
    let run = |daemon: Daemon| -> Option<(bool, bool, bool, String)> {
        let mut lab = lab("a_world_writable_script_is_refused")?;
        let dir = lab.dir.clone();
        let d = dir.display().to_string();
        script(&dir.join("ok.sh"), &format!("touch {d}/ok-ran"));
        script(&dir.join("ww.sh"), &format!("touch {d}/ww-ran"));
        std::fs::set_permissions(dir.join("ww.sh"), std::fs::Permissions::from_mode(0o777))
            .unwrap();
        script(&dir.join("wwn.sh"), &format!("touch {d}/wwn-ran"));
        std::fs::set_permissions(dir.join("wwn.sh"), std::fs::Permissions::from_mode(0o777))
            .unwrap();
        let scripts = [
            ("ok", format!(" script \"{d}/ok.sh\"\n interval 1")),
            ("ww", format!(" script \"{d}/ww.sh\"\n interval 1")),
        ];
        let mut conf = single_conf(
            " enable_script_security\n script_user root\n",
            &scripts,
            true,
        );
        conf = conf.replace(
            " track_script {",
            &format!(" notify_backup {d}/wwn.sh\n track_script {{"),
        );
        let ns = lab.a.clone();
        let node = start(&mut lab, &ns, "w", daemon, &conf);
        let up = wait_for(Duration::from_secs(8), || has_vip(&ns));
        let log = node.log();
        node.stop();
        Some((
            up,
            dir.join("ok-ran").exists(),
            dir.join("ww-ran").exists() || dir.join("wwn-ran").exists(),
            log,
        ))
    };
    let theirs = std::thread::spawn(move || run(Daemon::Keepalived));
    let Some(ours) = run(Daemon::Ours) else {
        return;
    };
    let theirs = theirs.join().unwrap().expect("lab");
    // keepalived: the secure script runs, the insecure ones never do, and
    // the instance runs without them.
    assert_eq!(
        (theirs.0, theirs.1, theirs.2),
        (true, true, false),
        "{}",
        theirs.3
    );
    assert_eq!((ours.0, ours.1, ours.2), (true, true, false), "{}", ours.3);
    assert!(
        ours.3.contains("ww.sh"),
        "ours says nothing about it:\n{}",
        ours.3
    );
}

#[test]
fn many_scripts_keep_advert_timing() {
    let Some(mut lab) = lab("many_scripts_keep_advert_timing") else {
        return;
    };
    const N: usize = 200;
    let scripts: Vec<(String, String)> = (0..N)
        .map(|k| {
            (
                format!("chk{k}"),
                " script \"/bin/true\"\n interval 1".to_string(),
            )
        })
        .collect();
    let refs: Vec<(&str, String)> = scripts
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    let ns = lab.a.clone();
    let b_ns = lab.b.clone();
    let node = start(
        &mut lab,
        &ns,
        "m",
        Daemon::Ours,
        &single_conf("", &refs, true),
    );
    assert!(
        wait_for(Duration::from_secs(10), || has_vip(&ns)),
        "{}",
        node.log()
    );
    let stop = Arc::new(AtomicBool::new(false));
    let watch = advert_watch(&lab, &b_ns, A_V4, stop.clone());
    std::thread::sleep(Duration::from_secs(12));
    stop.store(true, Ordering::Relaxed);
    let seen = watch.join().unwrap();
    let runs_done = node.log();
    node.stop();
    assert!(seen.len() >= 10, "{} adverts", seen.len());
    let worst = seen
        .windows(2)
        .map(|w| (w[1].0 as i64 - w[0].0 as i64 - 1_000_000).unsigned_abs())
        .max()
        .unwrap();
    eprintln!(
        "{N} scripts at interval 1: {} adverts, worst deviation from 1 s: {:.3} ms",
        seen.len(),
        worst as f64 / 1000.0
    );
    assert!(!runs_done.contains("failed"), "{runs_done}");
    assert!(worst < 10_000, "advert jitter {worst} µs");
}

#[test]
fn stop_scripts_get_one_second() {
    let run = |daemon: Daemon, tag: u32| -> Option<(Duration, bool, bool)> {
        let mut lab = lab("stop_scripts_get_one_second")?;
        let dir = lab.dir.clone();
        let marker = format!("9999.{}{tag}", std::process::id());
        script(
            &dir.join("slow.sh"),
            &format!(
                "touch {d}/stop-ran\nsleep {marker} &\nsleep {marker}",
                d = dir.display()
            ),
        );
        let conf = single_conf("", &[], true).replace(
            " track_script {\n }\n",
            &format!(" notify_stop {}/slow.sh\n", dir.display()),
        );
        let ns = lab.a.clone();
        let node = start(&mut lab, &ns, "s", daemon, &conf);
        assert!(
            wait_for(Duration::from_secs(8), || has_vip(&ns)),
            "{}",
            node.log()
        );
        let t0 = Instant::now();
        node.stop();
        let stopped = t0.elapsed();
        let ran = dir.join("stop-ran").exists();
        let gone = wait_for(Duration::from_secs(3), || {
            processes_with(&marker).is_empty()
        });
        for pid in processes_with(&marker) {
            // SAFETY: kill(2) on what the test's script started.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        Some((stopped, ran, gone))
    };
    let theirs = have_keepalived().then(|| std::thread::spawn(move || run(Daemon::Keepalived, 1)));
    let Some((stopped, ran, gone)) = run(Daemon::Ours, 0) else {
        return;
    };
    assert!(ran, "notify_stop did not run");
    assert!(gone, "the STOP script's processes outlived its second");
    assert!(
        stopped > Duration::from_millis(900) && stopped < Duration::from_millis(2500),
        "stopped after {stopped:?}"
    );
    if let Some(t) = theirs {
        let (k_stopped, k_ran, k_gone) = t.join().unwrap().expect("lab");
        assert!(k_ran, "keepalived did not run notify_stop");
        // 2.2.7 exits after about a second too, but what the script
        // started outlives it (only the script itself gets SIGTERM, by
        // PDEATHSIG); ours ends the whole group at the limit.
        eprintln!(
            "STOP script limit: ours stopped in {stopped:?}, keepalived in {k_stopped:?} \
             (its script's children {})",
            if k_gone { "ended" } else { "outlived it" }
        );
    }
}
