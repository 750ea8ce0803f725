//! Tracking in network namespaces: track_interface with and without
//! weight, sync groups moving together (and logging like keepalived 2.2.7),
//! track_file values changing the priority, track_process on a small TCP
//! service, and SMTP alerts (the mail keepalived sends; a dead server does
//! not delay a failover). Debian's keepalived is the peer where it is
//! installed (ours otherwise). Needs root and iproute2.

#[path = "sys_support/mod.rs"]
mod sys_support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use sys_support::{have_keepalived, lab, run, wait_for, Lab};

const VIP1: &str = "10.99.0.100";
const VIP2: &str = "10.98.0.100";

/// A second veth pair `eth1` between the namespaces (10.98.0.0/24), and in
/// A two veth pairs trk0/trk0p and trk1/trk1p: setting trkNp down takes
/// trkN's carrier away, as a cable pulled out would.
fn more_links(lab: &Lab) {
    let (a, b) = (lab.a.as_str(), lab.b.as_str());
    run(
        "ip",
        &[
            "-n", a, "link", "add", "eth1", "type", "veth", "peer", "name", "eth1", "netns", b,
        ],
    );
    run(
        "ip",
        &["-n", a, "addr", "add", "10.98.0.2/24", "dev", "eth1"],
    );
    run(
        "ip",
        &["-n", b, "addr", "add", "10.98.0.3/24", "dev", "eth1"],
    );
    for t in ["trk0", "trk1"] {
        let p = format!("{t}p");
        run(
            "ip",
            &[
                "-n", a, "link", "add", t, "type", "veth", "peer", "name", &p,
            ],
        );
        run("ip", &["-n", a, "link", "set", &p, "up"]);
        run("ip", &["-n", a, "link", "set", t, "up"]);
    }
    run("ip", &["-n", a, "link", "set", "eth1", "up"]);
    run("ip", &["-n", b, "link", "set", "eth1", "up"]);
}

fn link(lab: &Lab, ns: &str, dev: &str, up: bool) {
    let _ = lab;
    run(
        "ip",
        &["-n", ns, "link", "set", dev, if up { "up" } else { "down" }],
    );
}

fn has(ns: &str, vip: &str) -> bool {
    let out = std::process::Command::new("ip")
        .args(["-n", ns, "-br", "addr"])
        .output()
        .expect("ip");
    String::from_utf8_lossy(&out.stdout).contains(&format!("{vip}/"))
}

/// Start our daemon in `ns` with this configuration; returns its pid and
/// its log's path.
fn start_ours(lab: &mut Lab, ns: &str, name: &str, conf: &str) -> (u32, PathBuf) {
    let d = lab.dir.clone();
    let conf_path = d.join(format!("{name}.conf"));
    std::fs::write(&conf_path, conf).unwrap();
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
    let pid = lab.start(ns, env!("CARGO_BIN_EXE_keepalived"), &args, &log);
    (pid, log)
}

/// The peer: keepalived 2.2.7 when installed, else ours.
fn start_peer(lab: &mut Lab, ns: &str, name: &str, conf: &str) -> (u32, PathBuf) {
    if have_keepalived() {
        let log = lab.start_keepalived(ns, name, conf);
        (0, log)
    } else {
        start_ours(lab, ns, name, conf)
    }
}

fn read(log: &PathBuf) -> String {
    std::fs::read_to_string(log).unwrap_or_default()
}

/// Log lines without keepalived's or our time stamp and tag.
fn lines(log: &PathBuf) -> Vec<String> {
    read(log)
        .lines()
        .map(|l| match l.find("]: ") {
            Some(i) => l[i + 3..].to_string(),
            None if l.len() > 26 && l.as_bytes()[24] == b':' => l[26..].to_string(),
            None => l.to_string(),
        })
        .collect()
}

fn term(pid: u32) {
    // SAFETY: kill(2) on a process this test started.
    unsafe { libc::kill(pid as i32, libc::SIGTERM) };
}

fn instance(vrid: u8, iface: &str, prio: u8, vip: &str, extra: &str) -> String {
    format!(
        "vrrp_instance VI_{vrid} {{\n state BACKUP\n interface {iface}\n virtual_router_id {vrid}\n \
         priority {prio}\n advert_int 1\n{extra}\n virtual_ipaddress {{\n  {vip}/24\n }}\n}}\n"
    )
}

#[test]
fn track_interface_with_and_without_weight() {
    let Some(mut lab) = lab("track_interface_with_and_without_weight") else {
        return;
    };
    more_links(&lab);
    let (a, b) = (lab.a.clone(), lab.b.clone());
    let conf_a = instance(
        61,
        "eth0",
        150,
        VIP1,
        " track_interface {\n  trk0 weight -60\n }",
    ) + &instance(62, "eth1", 150, VIP2, " track_interface {\n  trk1\n }");
    let conf_b = instance(61, "eth0", 100, VIP1, "") + &instance(62, "eth1", 100, VIP2, "");
    let (_, la) = start_ours(&mut lab, &a, "a", &conf_a);
    let (_, lb) = start_peer(&mut lab, &b, "b", &conf_b);
    assert!(
        wait_for(Duration::from_secs(8), || has(&a, VIP1) && has(&a, VIP2)),
        "A did not become master: {}",
        read(&la)
    );
    // Weighted: 150 - 60 = 90 < 100, the peer preempts VI_61 only.
    link(&lab, &a, "trk0p", false);
    assert!(
        wait_for(Duration::from_secs(7), || has(&b, VIP1) && !has(&a, VIP1)),
        "the peer did not take VI_61: {}\n{}",
        read(&la),
        read(&lb)
    );
    assert!(has(&a, VIP2), "VI_62 does not track trk0");
    let l = lines(&la);
    assert!(
        l.contains(&"Netlink reports trk0 down".to_string()),
        "{l:#?}"
    );
    assert!(l.contains(&"(VI_61) Changing effective priority from 150 to 90".to_string()));
    // Unweighted: FAULT, and the peer takes over at once (priority 0).
    let t0 = Instant::now();
    link(&lab, &a, "trk1p", false);
    assert!(
        wait_for(Duration::from_secs(3), || has(&b, VIP2) && !has(&a, VIP2)),
        "{}",
        read(&la)
    );
    eprintln!(
        "track_interface FAULT: peer master after {:?}",
        t0.elapsed()
    );
    assert!(
        t0.elapsed() < Duration::from_millis(2500),
        "{:?}",
        t0.elapsed()
    );
    assert!(lines(&la).contains(&"(VI_62) Entering FAULT STATE".to_string()));
    // Both back: A preempts again.
    link(&lab, &a, "trk0p", true);
    link(&lab, &a, "trk1p", true);
    assert!(
        wait_for(Duration::from_secs(8), || has(&a, VIP1)
            && has(&a, VIP2)
            && !has(&b, VIP1)
            && !has(&b, VIP2)),
        "{}",
        read(&la)
    );
    let l = lines(&la);
    assert!(l.contains(&"(VI_61) Changing effective priority from 90 to 150".to_string()));
    assert!(l.contains(&"(VI_62) Entering BACKUP STATE".to_string()));
}

fn group(name: &str, extra: &str) -> String {
    format!("vrrp_sync_group {name} {{\n group {{\n  VI_71\n  VI_72\n }}\n{extra}\n}}\n")
}

#[test]
fn sync_group_moves_together_when_one_interface_fails() {
    let Some(mut lab) = lab("sync_group_moves_together_when_one_interface_fails") else {
        return;
    };
    more_links(&lab);
    let (a, b) = (lab.a.clone(), lab.b.clone());
    let conf_a = group("G", "")
        + &instance(71, "eth0", 150, VIP1, "")
        + &instance(72, "eth1", 150, VIP2, "");
    // The peer's eth1 loses its carrier with ours: it must not go FAULT.
    let conf_b = group("G", "")
        + &instance(71, "eth0", 100, VIP1, "")
        + &instance(72, "eth1", 100, VIP2, " dont_track_primary");
    let (_, la) = start_ours(&mut lab, &a, "a", &conf_a);
    let (_, lb) = start_peer(&mut lab, &b, "b", &conf_b);
    assert!(
        wait_for(Duration::from_secs(8), || has(&a, VIP1) && has(&a, VIP2)),
        "{}",
        read(&la)
    );
    let t0 = Instant::now();
    link(&lab, &a, "eth1", false);
    // Both addresses leave A at once, eth0's with it.
    assert!(
        wait_for(Duration::from_secs(2), || !has(&a, VIP1) && !has(&a, VIP2)),
        "{}",
        read(&la)
    );
    assert!(
        wait_for(Duration::from_secs(7), || has(&b, VIP1) && has(&b, VIP2)),
        "the peer's group did not take over: {}",
        read(&lb)
    );
    eprintln!(
        "sync group FAULT: peer has both addresses after {:?}",
        t0.elapsed()
    );
    let l = lines(&la);
    for want in [
        "Netlink reports eth1 down",
        "(VI_72) Entering FAULT STATE",
        "VRRP_Group(G) Syncing instances to FAULT state",
        "(VI_71) Entering FAULT STATE",
    ] {
        assert!(l.contains(&want.to_string()), "{want}: {l:#?}");
    }
    link(&lab, &a, "eth1", true);
    assert!(
        wait_for(Duration::from_secs(9), || has(&a, VIP1)
            && has(&a, VIP2)
            && !has(&b, VIP1)
            && !has(&b, VIP2)),
        "{}\n{}",
        read(&la),
        read(&lb)
    );
    let l = lines(&la);
    assert!(l.contains(&"VRRP_Group(G) Syncing instances to BACKUP state".to_string()));
    assert!(l.contains(&"VRRP_Group(G) Syncing instances to MASTER state".to_string()));
}

/// The state lines of a log, in segments between link events, each
/// segment sorted (two members' timers run out in either order).
fn state_story(log: &PathBuf) -> Vec<Vec<String>> {
    let mut story = vec![Vec::new()];
    for l in lines(log) {
        if l.starts_with("Netlink reports") {
            story.push(vec![l]);
        } else if l.contains("VRRP_Group") || l.contains("Entering") || l.contains("entering") {
            story.last_mut().unwrap().push(l);
        }
    }
    for s in story.iter_mut() {
        s.sort();
    }
    story
}

/// One node alone with a sync group that tracks trk0 at group level; the
/// link events of the scenario; returns the log.
fn sync_scenario(ours: bool) -> Option<PathBuf> {
    let mut lab = lab("sync_group_logs_like_keepalived")?;
    more_links(&lab);
    let a = lab.a.clone();
    let conf = group("G", " track_interface {\n  trk0\n }")
        + &instance(71, "eth0", 150, VIP1, "")
        + &instance(72, "eth1", 150, VIP2, "");
    let log = if ours {
        start_ours(&mut lab, &a, "node", &conf).1
    } else {
        lab.start_keepalived(&a, "node", &conf)
    };
    let masters = |lab: &Lab| {
        let a = lab.a.clone();
        wait_for(Duration::from_secs(8), || has(&a, VIP1) && has(&a, VIP2))
    };
    assert!(masters(&lab), "{}", read(&log));
    link(&lab, &a, "trk0p", false);
    assert!(wait_for(Duration::from_secs(2), || !has(&a, VIP1) && !has(&a, VIP2)));
    std::thread::sleep(Duration::from_millis(300));
    link(&lab, &a, "trk0p", true);
    assert!(masters(&lab), "{}", read(&log));
    link(&lab, &a, "eth1", false);
    assert!(wait_for(Duration::from_secs(2), || !has(&a, VIP1) && !has(&a, VIP2)));
    std::thread::sleep(Duration::from_millis(300));
    // Keep the log: the lab's directory goes with it.
    let kept = std::env::temp_dir().join(format!(
        "ka-sync-story-{}-{}.log",
        std::process::id(),
        if ours { "ours" } else { "theirs" }
    ));
    std::fs::copy(&log, &kept).unwrap();
    Some(kept)
}

#[test]
fn sync_group_logs_like_keepalived() {
    if !have_keepalived() {
        eprintln!("SKIP sync_group_logs_like_keepalived: no /usr/sbin/keepalived");
        return;
    }
    let theirs = std::thread::spawn(|| sync_scenario(false));
    let Some(ours) = sync_scenario(true) else {
        return;
    };
    let theirs = theirs.join().unwrap().unwrap();
    let (o, t) = (state_story(&ours), state_story(&theirs));
    let _ = std::fs::remove_file(&ours);
    let _ = std::fs::remove_file(&theirs);
    assert_eq!(o, t, "ours (left) and keepalived 2.2.7 (right) differ");
    assert!(o.len() >= 4, "{o:#?}");
}

#[test]
fn track_file_value_changes_priority() {
    let Some(mut lab) = lab("track_file_value_changes_priority") else {
        return;
    };
    let (a, b) = (lab.a.clone(), lab.b.clone());
    let file = lab.dir.join("weight");
    // init_file ... overwrite replaces what is there at start.
    std::fs::write(&file, "7\n").unwrap();
    let conf_a = format!(
        "track_file tf {{\n file {}\n weight 10\n init_file 2 overwrite\n}}\n",
        file.display()
    ) + &instance(81, "eth0", 100, VIP1, " track_file {\n  tf\n }");
    let conf_b = instance(81, "eth0", 115, VIP1, "");
    let (_, la) = start_ours(&mut lab, &a, "a", &conf_a);
    let (_, lb) = start_peer(&mut lab, &b, "b", &conf_b);
    // 100 + 2 × 10 = 120 > 115.
    assert!(
        wait_for(Duration::from_secs(8), || has(&a, VIP1)),
        "{}",
        read(&la)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "2\n");
    std::fs::write(&file, "0\n").unwrap();
    assert!(
        wait_for(Duration::from_secs(7), || has(&b, VIP1) && !has(&a, VIP1)),
        "{}\n{}",
        read(&la),
        read(&lb)
    );
    // A file written through a rename counts too.
    let tmp = lab.dir.join("weight.tmp");
    std::fs::write(&tmp, "0x5\n").unwrap();
    std::fs::rename(&tmp, &file).unwrap();
    assert!(
        wait_for(Duration::from_secs(7), || has(&a, VIP1) && !has(&b, VIP1)),
        "{}",
        read(&la)
    );
    let l = lines(&la);
    for want in [
        "(VI_81) Changing effective priority from 100 to 120",
        "(VI_81) Changing effective priority from 120 to 100",
        "(VI_81) Changing effective priority from 100 to 150",
    ] {
        assert!(l.contains(&want.to_string()), "{want}: {l:#?}");
    }
}

#[test]
fn track_process_moves_the_vip_when_the_service_dies() {
    let Some(mut lab) = lab("track_process_moves_the_vip_when_the_service_dies") else {
        return;
    };
    let (a, b) = (lab.a.clone(), lab.b.clone());
    // A small TCP service: perl answering "ok" on port 8080.
    let svc = lab.dir.join("svc.pl");
    std::fs::write(
        &svc,
        "use IO::Socket::INET;\n$s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 8080, Listen => 5, ReuseAddr => 1) or die;\nwhile ($c = $s->accept) { print $c \"ok\\n\"; close $c; }\n",
    )
    .unwrap();
    let svc = svc.display().to_string();
    let svc_log = lab.dir.join("svc.log");
    let pid = lab.start(&a, "perl", &[&svc], &svc_log);
    let conf_a = format!("vrrp_track_process web {{\n process perl {svc}\n}}\n")
        + &instance(91, "eth0", 150, VIP1, " track_process {\n  web\n }");
    let conf_b = instance(91, "eth0", 100, VIP1, "");
    let (_, la) = start_ours(&mut lab, &a, "a", &conf_a);
    let (_, lb) = start_peer(&mut lab, &b, "b", &conf_b);
    assert!(
        wait_for(Duration::from_secs(8), || has(&a, VIP1)),
        "{}",
        read(&la)
    );
    let t0 = Instant::now();
    term(pid);
    assert!(
        wait_for(Duration::from_secs(3), || has(&b, VIP1) && !has(&a, VIP1)),
        "{}\n{}",
        read(&la),
        read(&lb)
    );
    eprintln!(
        "track_process: peer master {:?} after the kill",
        t0.elapsed()
    );
    assert!(
        t0.elapsed() < Duration::from_millis(2500),
        "{:?}",
        t0.elapsed()
    );
    let l = lines(&la);
    assert!(
        l.contains(&"Quorum lost for tracked process web".to_string()),
        "{l:#?}"
    );
    assert!(l.contains(&"(VI_91) Entering FAULT STATE".to_string()));
    // The service is back: so is A.
    lab.start(&a, "perl", &[&svc], &svc_log);
    assert!(
        wait_for(Duration::from_secs(8), || has(&a, VIP1) && !has(&b, VIP1)),
        "{}",
        read(&la)
    );
    assert!(lines(&la).contains(&"Quorum gained for tracked process web".to_string()));
}

/// A minimal SMTP server in a namespace: every connection's lines, as
/// received, one transcript per connection.
struct Smtpd {
    mails: Arc<Mutex<Vec<Vec<String>>>>,
    stop: Arc<AtomicBool>,
}

impl Smtpd {
    fn start(lab: &Lab, ns: &str) -> Smtpd {
        let mails = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (m, s) = (mails.clone(), stop.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        lab.spawn_in(ns, move || {
            let l = TcpListener::bind("127.0.0.1:2525").unwrap();
            l.set_nonblocking(true).unwrap();
            tx.send(()).unwrap();
            while !s.load(Ordering::Relaxed) {
                let Ok((c, _)) = l.accept() else {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                };
                let m = m.clone();
                std::thread::spawn(move || {
                    c.set_nonblocking(false).unwrap();
                    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                    let mut w = c.try_clone().unwrap();
                    let _ = w.write_all(b"220 test ESMTP\r\n");
                    let mut r = BufReader::new(c);
                    let mut lines = Vec::new();
                    let mut data = false;
                    let mut line = String::new();
                    while r.read_line(&mut line).unwrap_or(0) > 0 {
                        let l = std::mem::take(&mut line);
                        lines.push(l.clone());
                        let reply: &[u8] = if data {
                            if l == ".\r\n" {
                                data = false;
                                b"250 queued\r\n"
                            } else {
                                continue;
                            }
                        } else if l.starts_with("DATA") {
                            data = true;
                            b"354 go ahead\r\n"
                        } else if l.starts_with("QUIT") {
                            let _ = w.write_all(b"221 bye\r\n");
                            break;
                        } else {
                            b"250 ok\r\n"
                        };
                        let _ = w.write_all(reply);
                    }
                    m.lock().unwrap().push(lines);
                });
            }
        });
        rx.recv_timeout(Duration::from_secs(5)).unwrap();
        Smtpd { mails, stop }
    }

    /// The transcript whose subject contains `what`.
    fn mail(&self, what: &str) -> Option<Vec<String>> {
        self.mails
            .lock()
            .unwrap()
            .iter()
            .find(|m| {
                m.iter()
                    .any(|l| l.starts_with("Subject:") && l.contains(what))
            })
            .cloned()
    }
}

impl Drop for Smtpd {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn smtp_globals(server: &str, router_id: &str) -> String {
    format!(
        "global_defs {{\n router_id {router_id}\n notification_email {{\n  ops@example.com\n  noc@example.com\n }}\n \
         notification_email_from keepalived@example.com\n smtp_server {server}\n smtp_helo_name mailer.example.com\n \
         smtp_connect_timeout 30\n smtp_alert\n}}\n"
    )
}

#[test]
fn smtp_alert_mail_for_a_failover() {
    let Some(mut lab) = lab("smtp_alert_mail_for_a_failover") else {
        return;
    };
    let (a, b) = (lab.a.clone(), lab.b.clone());
    let mail_a = Smtpd::start(&lab, &a);
    let mail_b = Smtpd::start(&lab, &b);
    let (pid_a, la) = start_ours(
        &mut lab,
        &a,
        "a",
        &(smtp_globals("127.0.0.1 2525", "node-a") + &instance(51, "eth0", 150, VIP1, "")),
    );
    let (_, lb) = start_peer(
        &mut lab,
        &b,
        "b",
        &(smtp_globals("127.0.0.1 2525", "node-b") + &instance(51, "eth0", 100, VIP1, "")),
    );
    assert!(
        wait_for(Duration::from_secs(8), || mail_a.mail("MASTER").is_some()),
        "no mail from A: {}",
        read(&la)
    );
    let m = mail_a.mail("MASTER").unwrap();
    let date = m
        .iter()
        .find(|l| l.starts_with("Date: "))
        .cloned()
        .unwrap_or_default();
    let want: Vec<String> = [
        "HELO mailer.example.com\r\n",
        "MAIL FROM:<keepalived@example.com>\r\n",
        "RCPT TO:<ops@example.com>\r\n",
        "RCPT TO:<noc@example.com>\r\n",
        "DATA\r\n",
        &date,
        "From: keepalived@example.com\r\n",
        "Subject: [node-a] VRRP Instance VI_51 - Entering MASTER state\r\n",
        "X-Mailer: Keepalived\r\n",
        "To: ops@example.com, noc@example.com\r\n",
        "\r\n",
        "=> VRRP Instance is now owning VRRP VIPs <=\r\n",
        "\r\n",
        ".\r\n",
        "QUIT\r\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(m, want);
    // "Mon, 01 Mar 2021 09:44:08 +0000"
    let d: Vec<&str> = date
        .trim_end()
        .trim_start_matches("Date: ")
        .split(' ')
        .collect();
    assert_eq!(d.len(), 6, "{date}");
    assert!(
        d[0].ends_with(',') && d[5].starts_with(['+', '-']),
        "{date}"
    );
    // Both sent the BACKUP mail at start.
    assert!(mail_a.mail("Entering BACKUP state").is_some());
    // The peer takes over when A stops: its mail has the same layout.
    term(pid_a);
    assert!(
        wait_for(Duration::from_secs(8), || mail_b.mail("MASTER").is_some()),
        "no mail from the peer: {}",
        read(&lb)
    );
    let theirs: Vec<String> = mail_b
        .mail("MASTER")
        .unwrap()
        .into_iter()
        .filter(|l| !l.starts_with("Date: "))
        .map(|l| l.replace("node-b", "node-a"))
        .collect();
    let ours: Vec<String> = want
        .into_iter()
        .filter(|l| !l.starts_with("Date: "))
        .collect();
    assert_eq!(ours, theirs);
}

#[test]
fn dead_smtp_server_does_not_delay_failover() {
    let Some(mut lab) = lab("dead_smtp_server_does_not_delay_failover") else {
        return;
    };
    let (a, b) = (lab.a.clone(), lab.b.clone());
    // B is master first.
    let (pid_b, _) = start_ours(&mut lab, &b, "b", &instance(52, "eth0", 150, VIP1, ""));
    assert!(wait_for(Duration::from_secs(8), || has(&b, VIP1)));
    // Nobody has 10.99.0.250: a connection to it hangs (ARP) for seconds.
    // A mails its BACKUP state as it starts; B leaves right then: A must
    // take over in its skew time ((256 - 100) / 256 s), not after the
    // connection attempt.
    let (_, la) = start_ours(
        &mut lab,
        &a,
        "a",
        &(smtp_globals("10.99.0.250 25", "node-a") + &instance(52, "eth0", 100, VIP1, "")),
    );
    assert!(wait_for(Duration::from_secs(5), || read(&la)
        .contains("(VI_52) Entering BACKUP STATE (init)")));
    let t0 = Instant::now();
    term(pid_b);
    assert!(
        wait_for(Duration::from_secs(5), || has(&a, VIP1)),
        "{}",
        read(&la)
    );
    let took = t0.elapsed();
    eprintln!("dead SMTP server: failover took {took:?}");
    assert!(took < Duration::from_millis(1500), "failover took {took:?}");
    // The mails still wait for their connection.
    let l = read(&la);
    assert!(!l.contains("Timeout opening connection"), "{l}");
}

#[test]
fn dont_track_primary_and_linkbeat_polling() {
    let Some(mut lab) = lab("dont_track_primary_and_linkbeat_polling") else {
        return;
    };
    more_links(&lab);
    let a = lab.a.clone();
    let conf = "linkbeat_interfaces {\n trk0\n}\n".to_string()
        + &instance(
            73,
            "eth1",
            150,
            VIP2,
            " dont_track_primary\n track_interface {\n  trk0 weight -20\n }",
        );
    let (_, la) = start_ours(&mut lab, &a, "a", &conf);
    assert!(
        wait_for(Duration::from_secs(8), || has(&a, VIP2)),
        "{}",
        read(&la)
    );
    // Its own interface is not tracked: the instance stays master.
    link(&lab, &a, "eth1", false);
    std::thread::sleep(Duration::from_millis(1200));
    assert!(has(&a, VIP2), "{}", read(&la));
    // trk0 is polled (about once a second), not taken from netlink.
    link(&lab, &a, "trk0p", false);
    assert!(
        wait_for(Duration::from_millis(2500), || lines(&la).contains(
            &"(VI_73) Changing effective priority from 150 to 130".to_string()
        )),
        "{}",
        read(&la)
    );
    let l = lines(&la);
    assert!(l.contains(&"Using MII-BMSR/ETHTOOL NIC polling thread(s)...".to_string()));
    assert!(
        l.contains(&"Linkbeat reports trk0 down".to_string()),
        "{l:#?}"
    );
    // keepalived reports the own interface even when it does not track it.
    assert!(
        l.contains(&"Netlink reports eth1 down".to_string()),
        "{l:#?}"
    );
    assert!(
        !l.contains(&"Netlink reports trk0 down".to_string()),
        "{l:#?}"
    );
    assert!(!l.iter().any(|x| x.contains("FAULT")), "{l:#?}");
}
