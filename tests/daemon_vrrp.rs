//! The daemon in network namespaces: two keepalived-rs nodes elect a master
//! and fail over; keepalived-rs and Debian's keepalived 2.2.7 do the same
//! with each other in both directions; systemd readiness messages arrive.
//! Needs root, iproute2 and (for the interop test) /usr/sbin/keepalived.

#[path = "sys_support/mod.rs"]
mod sys_support;

use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use sys_support::{have_keepalived, ka_instance, lab, wait_for, Lab};

const VIP: &str = "10.99.0.100";

fn has_vip(ns: &str) -> bool {
    let out = Command::new("ip")
        .args(["-n", ns, "-br", "addr", "show", "dev", "eth0"])
        .output()
        .expect("ip");
    String::from_utf8_lossy(&out.stdout).contains(VIP)
}

fn conf(prio: u8) -> String {
    ka_instance(
        51,
        prio,
        "BACKUP",
        &format!(" authentication {{\n  auth_type PASS\n  auth_pass secret\n }}\n virtual_ipaddress {{\n  {VIP}/24\n }}"),
    )
}

/// Start our daemon in `ns`, optionally with a NOTIFY_SOCKET.
fn start_ours(lab: &Lab, ns: &str, name: &str, prio: u8, notify: Option<&Path>) -> Child {
    let d = &lab.dir;
    let conf_path = d.join(format!("{name}.conf"));
    std::fs::write(&conf_path, conf(prio)).unwrap();
    let log = std::fs::File::create(d.join(format!("{name}.log"))).unwrap();
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", ns]);
    if let Some(n) = notify {
        cmd.arg("env").arg(format!("NOTIFY_SOCKET={}", n.display()));
    }
    cmd.arg(env!("CARGO_BIN_EXE_keepalived"))
        .args(["-n", "-l", "-G", "-f"])
        .arg(&conf_path)
        .arg("-p")
        .arg(d.join(format!("{name}.pid")))
        .arg("-r")
        .arg(d.join(format!("{name}.vrrp.pid")))
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("start keepalived-rs")
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: kill(2) on a process this test started.
    unsafe { libc::kill(child.id() as i32, sig) };
}

fn stop(mut child: Child) {
    signal(&child, libc::SIGTERM);
    let _ = child.wait();
}

fn log_of(lab: &Lab, name: &str) -> String {
    std::fs::read_to_string(lab.dir.join(format!("{name}.log"))).unwrap_or_default()
}

#[test]
fn two_nodes_elect_and_fail_over() {
    let Some(lab) = lab("two_nodes_elect_and_fail_over") else {
        return;
    };
    let sock_path = lab.dir.join("notify");
    let sock = UnixDatagram::bind(&sock_path).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let a = start_ours(&lab, &lab.a, "a", 150, Some(&sock_path));
    let mut buf = [0u8; 64];
    let n = sock.recv(&mut buf).expect("READY=1 from the daemon");
    assert_eq!(&buf[..n], b"READY=1");
    let b = start_ours(&lab, &lab.b, "b", 100, None);
    assert!(
        wait_for(Duration::from_secs(8), || has_vip(&lab.a)),
        "A never became master: {}",
        log_of(&lab, "a")
    );
    assert!(!has_vip(&lab.b));
    // SIGHUP: reload is announced to systemd (and A stays master).
    signal(&a, libc::SIGHUP);
    let n = sock.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"RELOADING=1");
    let n = sock.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"READY=1");
    // Graceful stop: priority 0, B takes over after about the skew time.
    let t0 = Instant::now();
    stop(a);
    let n = sock.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"STOPPING=1");
    assert!(
        wait_for(Duration::from_secs(3), || has_vip(&lab.b)),
        "B did not take over: {}",
        log_of(&lab, "b")
    );
    let graceful = t0.elapsed();
    assert!(!has_vip(&lab.a), "A removed its VIP on stop");
    assert!(graceful < Duration::from_millis(2500), "{graceful:?}");
    assert!(log_of(&lab, "b").contains("(VI_51) Entering MASTER STATE"));
    stop(b);
    assert!(!has_vip(&lab.b));
}

#[test]
fn interop_with_keepalived_both_ways() {
    let Some(mut lab) = lab("interop_with_keepalived_both_ways") else {
        return;
    };
    if !have_keepalived() {
        eprintln!("SKIP interop_with_keepalived_both_ways: no /usr/sbin/keepalived");
        return;
    }
    // Ours is master, keepalived backup.
    let a = start_ours(&lab, &lab.a.clone(), "a", 150, None);
    let b_ns = lab.b.clone();
    let klog = lab.start_keepalived(&b_ns, "kb", &conf(100));
    assert!(
        wait_for(Duration::from_secs(8), || has_vip(&lab.a)),
        "{}",
        log_of(&lab, "a")
    );
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        !has_vip(&lab.b),
        "keepalived accepted our adverts and stayed backup"
    );
    // Crash ours: keepalived takes over within 3 x advert + skew.
    let mut a = a;
    let t0 = Instant::now();
    a.kill().unwrap();
    let _ = a.wait();
    assert!(
        wait_for(Duration::from_secs(6), || has_vip(&lab.b)),
        "keepalived did not take over: {}",
        std::fs::read_to_string(&klog).unwrap_or_default()
    );
    let crash = t0.elapsed();
    assert!(
        crash > Duration::from_millis(2500) && crash < Duration::from_millis(5000),
        "{crash:?}"
    );
    // The crashed node's address stays in its kernel; a restart starts clean.
    let _ = Command::new("ip")
        .args([
            "-n",
            &lab.a,
            "addr",
            "del",
            &format!("{VIP}/24"),
            "dev",
            "eth0",
        ])
        .status();
    // Ours comes back with the higher priority and preempts keepalived.
    let a = start_ours(&lab, &lab.a.clone(), "a2", 150, None);
    assert!(
        wait_for(Duration::from_secs(8), || has_vip(&lab.a)
            && !has_vip(&lab.b)),
        "ours did not preempt: {}\n{}",
        log_of(&lab, "a2"),
        std::fs::read_to_string(&klog).unwrap_or_default()
    );
    // Graceful stop of ours: keepalived takes over at once.
    let t0 = Instant::now();
    stop(a);
    assert!(wait_for(Duration::from_secs(3), || has_vip(&lab.b)));
    assert!(t0.elapsed() < Duration::from_millis(2500));
    // Now keepalived is master and ours is the backup that must stay so.
    let a = start_ours(&lab, &lab.a.clone(), "a3", 50, None);
    std::thread::sleep(Duration::from_secs(5));
    assert!(
        has_vip(&lab.b) && !has_vip(&lab.a),
        "{}",
        log_of(&lab, "a3")
    );
    assert!(log_of(&lab, "a3").contains("Entering BACKUP STATE"));
    stop(a);
}
