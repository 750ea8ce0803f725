//! `vrrp_garp_interval` in network namespaces: a new master with three
//! addresses and five repeats sends its gratuitous ARPs one per interval,
//! the repeats folded into one pending message per address, as keepalived
//! 2.2.7 does (run the same way when installed). Needs root and iproute2.

#[path = "sys_support/mod.rs"]
mod sys_support;

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};
use sys_support::{have_keepalived, ka_instance, lab, Capture, Lab};

const VIPS: [&str; 3] = ["10.99.0.100", "10.99.0.101", "10.99.0.102"];

fn conf() -> String {
    let vips: String = VIPS.iter().map(|v| format!("  {v}/24\n")).collect();
    format!(
        "global_defs {{\n vrrp_garp_interval 0.5\n vrrp_garp_master_delay 0\n}}\n{}",
        ka_instance(
            51,
            150,
            "BACKUP",
            &format!(" garp_master_repeat 5\n virtual_ipaddress {{\n{vips} }}")
        )
    )
}

/// Gratuitous ARPs seen on B's eth0 for `window`: (seconds, address).
fn capture_garps(lab: &Lab, window: Duration) -> std::thread::JoinHandle<Vec<(f64, Ipv4Addr)>> {
    lab.spawn_in(&lab.b, move || {
        let cap = Capture::open("eth0");
        let t0 = Instant::now();
        let mut seen = Vec::new();
        while let Some(left) = window.checked_sub(t0.elapsed()) {
            let Some((f, _)) = cap.next(left) else {
                break;
            };
            // Ethernet + ARP request whose sender and target are the same.
            if f.len() >= 42 && f[12..14] == [8, 6] && f[20..22] == [0, 1] && f[28..32] == f[38..42]
            {
                let ip = Ipv4Addr::new(f[28], f[29], f[30], f[31]);
                seen.push((t0.elapsed().as_secs_f64(), ip));
            }
        }
        seen
    })
}

fn check(who: &str, garps: &[(f64, Ipv4Addr)], log: &str) {
    eprintln!("{who}: {garps:?}");
    let addrs: Vec<String> = garps.iter().map(|g| g.1.to_string()).collect();
    // Without the limit: 5 × 3 at once. With it, the first goes at once and
    // every address (the first too) waits once more, whatever the repeat
    // count: what keepalived 2.2.7 sends.
    let want = [VIPS[0], VIPS[0], VIPS[1], VIPS[2]];
    assert_eq!(addrs, want, "{who}: {garps:?}\n{log}");
    for w in garps.windows(2) {
        let gap = w[1].0 - w[0].0;
        assert!(
            (0.45..0.8).contains(&gap),
            "{who}: gap {gap:.3} s: {garps:?}"
        );
    }
}

/// Start a daemon (ours or keepalived's) in A and collect B's view.
fn run(lab: &mut Lab, ours: bool) -> (Vec<(f64, Ipv4Addr)>, String) {
    // Master after 3 × 1 s + 106/256 s; the three ARPs take 1 s more.
    let cap = capture_garps(lab, Duration::from_secs(7));
    std::thread::sleep(Duration::from_millis(100));
    let a = lab.a.clone();
    let log = if ours {
        std::fs::write(lab.dir.join("ours.conf"), conf()).unwrap();
        let d = lab.dir.clone();
        let log = d.join("ours.log");
        let p = |s: &str| d.join(s).display().to_string();
        lab.start(
            &a,
            env!("CARGO_BIN_EXE_keepalived"),
            &[
                "-n",
                "-l",
                "-G",
                "-f",
                &p("ours.conf"),
                "-p",
                &p("ours.pid"),
                "-r",
                &p("ours.vrrp.pid"),
            ],
            &log,
        );
        log
    } else {
        lab.start_keepalived(&a, "ka", &conf())
    };
    let garps = cap.join().expect("capture");
    (garps, std::fs::read_to_string(log).unwrap_or_default())
}

#[test]
fn garp_interval_spaces_gratuitous_arps() {
    let Some(mut lab) = lab("garp_interval_spaces_gratuitous_arps") else {
        return;
    };
    let (garps, log) = run(&mut lab, true);
    check("keepalived-rs", &garps, &log);
    drop(lab);
    if !have_keepalived() {
        eprintln!("no /usr/sbin/keepalived: not compared");
        return;
    }
    let Some(mut lab) = sys_support::lab("garp_interval_spaces_gratuitous_arps") else {
        return;
    };
    let (garps, log) = run(&mut lab, false);
    check("keepalived 2.2.7", &garps, &log);
}
