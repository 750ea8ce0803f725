//! `vrrp_startup_delay` in network namespaces: an instance with no peer
//! becomes master only after the delay plus its master-down interval, as
//! keepalived 2.2.7 does (run beside it on another VRID when installed).
//! Needs root and iproute2.

#[path = "sys_support/mod.rs"]
mod sys_support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use sys_support::{have_keepalived, ka_instance, lab, Lab};

fn has_vip(ns: &str, vip: &str) -> bool {
    let out = Command::new("ip")
        .args(["-n", ns, "-br", "addr", "show", "dev", "eth0"])
        .output()
        .expect("ip");
    String::from_utf8_lossy(&out.stdout).contains(vip)
}

fn conf(vrid: u8, vip: &str, delay: &str) -> String {
    format!(
        "global_defs {{\n vrrp_startup_delay {delay}\n}}\n{}",
        ka_instance(
            vrid,
            150,
            "BACKUP",
            &format!(" virtual_ipaddress {{\n  {vip}/24\n }}")
        )
    )
}

fn start_ours(lab: &Lab, ns: &str, name: &str, conf: &str) -> Child {
    let d = &lab.dir;
    let conf_path = d.join(format!("{name}.conf"));
    std::fs::write(&conf_path, conf).unwrap();
    let log = std::fs::File::create(d.join(format!("{name}.log"))).unwrap();
    Command::new("ip")
        .args(["netns", "exec", ns])
        .arg(env!("CARGO_BIN_EXE_keepalived"))
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

fn stop(mut child: Child) {
    // SAFETY: kill(2) on a process this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let _ = child.wait();
}

fn log_of(lab: &Lab, name: &str) -> String {
    std::fs::read_to_string(lab.dir.join(format!("{name}.log"))).unwrap_or_default()
}

/// Time from `t0` until each predicate first holds (polled every 20 ms),
/// or `None` past `limit`.
fn times_until(t0: Instant, limit: Duration, conds: &[&dyn Fn() -> bool]) -> Vec<Option<f64>> {
    let mut seen = vec![None; conds.len()];
    while t0.elapsed() < limit && seen.iter().any(Option::is_none) {
        for (s, c) in seen.iter_mut().zip(conds) {
            if s.is_none() && c() {
                *s = Some(t0.elapsed().as_secs_f64());
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    seen
}

#[test]
fn startup_delay_holds_the_instance_in_backup() {
    let Some(mut lab) = lab("startup_delay_holds_the_instance_in_backup") else {
        return;
    };
    const VIP_OURS: &str = "10.99.0.100";
    const VIP_KA: &str = "10.99.0.101";
    // Master-down interval at priority 150: 3 × 1 s + 106/256 s.
    let down = 3.0 + 106.0 / 256.0;
    let delay = 2.0;
    let t0 = Instant::now();
    let ours = start_ours(&lab, &lab.a.clone(), "a", &conf(51, VIP_OURS, "2"));
    // keepalived on another VRID and link end: no election between them.
    let ka = have_keepalived().then(|| {
        let b = lab.b.clone();
        lab.start_keepalived(&b, "kb", &conf(52, VIP_KA, "2"))
    });
    let (a, b) = (lab.a.clone(), lab.b.clone());
    let limit = Duration::from_secs_f64(delay + down + 3.0);
    let ours_vip = || has_vip(&a, VIP_OURS);
    let ka_vip = || has_vip(&b, VIP_KA);
    let seen = if ka.is_some() {
        times_until(t0, limit, &[&ours_vip, &ka_vip])
    } else {
        times_until(t0, limit, &[&ours_vip])
    };
    let log = log_of(&lab, "a");
    stop(ours);
    let at = seen[0].unwrap_or_else(|| panic!("never became master: {log}"));
    eprintln!("ours master after {at:.2} s (delay {delay} s + down {down:.2} s)");
    // Without the delay it would be master at `down`.
    assert!(
        at >= delay + down - 0.2,
        "master too early ({at:.2} s): {log}"
    );
    assert!(
        at <= delay + down + 1.5,
        "master too late ({at:.2} s): {log}"
    );
    assert!(log.contains("Delaying startup for 2 seconds"), "{log}");
    assert!(
        log.contains("(VI_51) Entering BACKUP STATE (init)"),
        "{log}"
    );
    if let Some(ka_log) = ka {
        let ka_text = std::fs::read_to_string(&ka_log).unwrap_or_default();
        let ka_at = seen[1].unwrap_or_else(|| panic!("keepalived never master: {ka_text}"));
        eprintln!("keepalived 2.2.7 master after {ka_at:.2} s");
        assert!(
            ka_text.contains("Delaying startup for 2 seconds"),
            "{ka_text}"
        );
        assert!(
            (at - ka_at).abs() < 1.0,
            "ours {at:.2} s, keepalived {ka_at:.2} s"
        );
    }
}
