//! SIGHUP reload in network namespaces: a master that the new configuration
//! keeps never drops its addresses (watched with `ip monitor`), gains the
//! new ones, a new instance starts, a removed one stops and takes its
//! addresses away, and a configuration that cannot run leaves the running
//! one alone. The backup never notices.

#[path = "sys_support/mod.rs"]
mod sys_support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use sys_support::{ka_instance, lab, wait_for, Lab};

const VIP1: &str = "10.99.0.100";
const VIP2: &str = "10.99.0.101";
const VIP3: &str = "10.99.0.102";

fn addrs(ns: &str) -> String {
    let out = Command::new("ip")
        .args(["-n", ns, "-br", "addr", "show", "dev", "eth0"])
        .output()
        .expect("ip");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn has(ns: &str, vip: &str) -> bool {
    addrs(ns).contains(&format!("{vip}/"))
}

/// Adverts carry the VIPs and a backup drops adverts whose list differs
/// from its own, so the address added by a reload is an excluded one.
fn instance(vrid: u8, prio: u8, vips: &[&str], excluded: &[&str]) -> String {
    let list = |l: &[&str]| -> String { l.iter().map(|v| format!("  {v}/24\n")).collect() };
    ka_instance(
        vrid,
        prio,
        "BACKUP",
        &format!(
            " virtual_ipaddress {{\n{} }}\n virtual_ipaddress_excluded {{\n{} }}",
            list(vips),
            list(excluded)
        ),
    )
}

/// A daemon that is stopped when the test ends, also when it panics.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        // SAFETY: kill(2) on a process this test started.
        unsafe { libc::kill(self.0.id() as i32, libc::SIGTERM) };
        let _ = self.0.wait();
    }
}

fn start(lab: &Lab, ns: &str, name: &str, conf: &str) -> (Daemon, PathBuf) {
    let d = &lab.dir;
    let conf_path = d.join(format!("{name}.conf"));
    std::fs::write(&conf_path, conf).unwrap();
    let log = std::fs::File::create(d.join(format!("{name}.log"))).unwrap();
    let child = Command::new("ip")
        .args(["netns", "exec", ns, env!("CARGO_BIN_EXE_keepalived")])
        .args(["-n", "-l", "-G", "-D", "-f"])
        .arg(&conf_path)
        .arg("-p")
        .arg(d.join(format!("{name}.pid")))
        .arg("-r")
        .arg(d.join(format!("{name}.vrrp.pid")))
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("start keepalived-rs");
    (Daemon(child), conf_path)
}

fn hup(d: &Daemon) {
    // SAFETY: kill(2) on a process this test started.
    unsafe { libc::kill(d.0.id() as i32, libc::SIGHUP) };
}

fn log_of(lab: &Lab, name: &str) -> String {
    std::fs::read_to_string(lab.dir.join(format!("{name}.log"))).unwrap_or_default()
}

/// `ip monitor address` in `ns`, written to `path`, until killed.
fn monitor(ns: &str, path: &Path) -> Daemon {
    let out = std::fs::File::create(path).unwrap();
    Daemon(
        Command::new("ip")
            .args(["-n", ns, "monitor", "address"])
            .stdout(out)
            .stderr(Stdio::null())
            .spawn()
            .expect("ip monitor"),
    )
}

#[test]
fn reload_keeps_the_master_and_applies_the_difference() {
    let Some(lab) = lab("reload_keeps_the_master_and_applies_the_difference") else {
        return;
    };
    let (a, a_conf) = start(&lab, &lab.a, "a", &instance(51, 150, &[VIP1], &[]));
    let (b, _) = start(&lab, &lab.b, "b", &instance(51, 100, &[VIP1], &[]));
    assert!(
        wait_for(Duration::from_secs(8), || has(&lab.a, VIP1)),
        "A never became master: {}",
        log_of(&lab, "a")
    );
    let watch_path = lab.dir.join("monitor.txt");
    let watch = monitor(&lab.a, &watch_path);
    std::thread::sleep(Duration::from_millis(200));

    // Grow: one more (excluded) VIP on the kept instance, one new instance.
    let grown = format!(
        "{}{}",
        instance(51, 150, &[VIP1], &[VIP2]),
        instance(52, 150, &[VIP3], &[])
    );
    std::fs::write(&a_conf, grown).unwrap();
    hup(&a);
    assert!(
        wait_for(Duration::from_secs(3), || has(&lab.a, VIP2)),
        "the added VIP did not appear: {}",
        log_of(&lab, "a")
    );
    assert!(
        wait_for(Duration::from_secs(8), || has(&lab.a, VIP3)),
        "the new instance did not become master: {}",
        log_of(&lab, "a")
    );

    // A configuration that cannot run changes nothing.
    std::fs::write(
        &a_conf,
        "vrrp_instance VI_51 {\n interface eth0\n virtual_router_id\n}\n",
    )
    .unwrap();
    hup(&a);
    assert!(
        wait_for(Duration::from_secs(3), || log_of(&lab, "a")
            .contains("keeping the running one")),
        "{}",
        log_of(&lab, "a")
    );
    assert!(has(&lab.a, VIP1) && has(&lab.a, VIP2) && has(&lab.a, VIP3));

    // Shrink: the extra VIP and the second instance go.
    std::fs::write(&a_conf, instance(51, 150, &[VIP1], &[])).unwrap();
    hup(&a);
    assert!(
        wait_for(Duration::from_secs(3), || !has(&lab.a, VIP2)
            && !has(&lab.a, VIP3)),
        "removed addresses stayed: {}\n{}",
        addrs(&lab.a),
        log_of(&lab, "a")
    );
    std::thread::sleep(Duration::from_millis(1500));
    drop(watch);
    let events = std::fs::read_to_string(&watch_path).unwrap();
    assert!(has(&lab.a, VIP1), "{}", addrs(&lab.a));
    assert!(
        !events
            .lines()
            .any(|l| l.starts_with("Deleted") && l.contains(&format!("{VIP1}/"))),
        "the kept VIP flapped during the reloads:\n{events}"
    );
    assert!(
        events
            .lines()
            .any(|l| l.starts_with("Deleted") && l.contains(&format!("{VIP2}/"))),
        "the monitor saw nothing (the test would not see a flap):\n{events}"
    );
    let b_log = log_of(&lab, "b");
    assert!(
        !b_log.contains("Entering MASTER STATE"),
        "the backup took over during a reload:\n{b_log}"
    );
    assert!(!has(&lab.b, VIP1));
    drop(a);
    drop(b);
}
