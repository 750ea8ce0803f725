//! Tests of the checker part: every core/common keyword lands in the model
//! with keepalived's defaults, and bad values give keepalived's verdicts
//! (checked against keepalived 2.2.7 with `-t`).

use super::model::*;
use crate::config::diag::Class;
use crate::config::testutil::{parse, report};
use crate::config::Loaded;
use std::net::IpAddr;
use std::time::Duration;

/// A virtual server with the keywords whose absence keepalived reports,
/// `vs` extra lines, and one real server with `rs` as its body.
fn conf(vs: &str, rs: &str) -> String {
    format!(
        "virtual_server 10.0.0.1 80 {{\n protocol TCP\n lvs_sched rr\n lvs_method DR\n{vs}\n real_server 10.0.0.2 80 {{\n{rs}\n }}\n}}\n"
    )
}

fn load(text: &str) -> Loaded {
    parse(text)
}

/// Loads `text` and checks it is accepted without any keepalived error.
fn clean(text: &str) -> Loaded {
    let l = load(text);
    assert_eq!(l.exit_code(), 0, "{text}\n{}", report(&l));
    l
}

fn vs0(l: &Loaded) -> &VirtualServer {
    &l.config.check.virtual_servers[0]
}

fn rs0(l: &Loaded) -> &RealServer {
    &vs0(l).real_servers[0]
}

fn ck0(l: &Loaded) -> &Checker {
    &rs0(l).checkers[0]
}

fn has(l: &Loaded, class: Class, needle: &str) -> bool {
    l.diags
        .items
        .iter()
        .any(|d| d.class == Some(class) && d.message.contains(needle))
}

/// `text` gives `code`, and an error of `class` mentioning `needle`.
fn verdict(text: &str, code: i32, class: Class, needle: &str) -> Loaded {
    let l = load(text);
    assert_eq!(l.exit_code(), code, "{text}\n{}", report(&l));
    assert!(
        has(&l, class, needle),
        "no {class:?} '{needle}':\n{text}\n{}",
        report(&l)
    );
    l
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

// ---- virtual_server -----------------------------------------------------------

#[test]
fn virtual_server_defaults() {
    let l = clean(&conf("", ""));
    let v = vs0(&l);
    assert_eq!(
        v.address,
        VsAddress::Socket {
            ip: ip("10.0.0.1"),
            port: 80
        }
    );
    assert_eq!(v.family, Some(Family::Inet));
    assert_eq!(v.delay_loop, secs(60));
    assert_eq!(v.connect_timeout, secs(5));
    assert_eq!(v.quorum, 1);
    assert_eq!(v.hysteresis, 0);
    assert_eq!(v.weight, 1);
    assert_eq!(v.retry, None);
    assert_eq!(v.delay_before_retry, None);
    assert_eq!(v.persistence_timeout, None);
    assert_eq!(v.persistence_granularity, None);
    assert!(!v.alpha && !v.omega && !v.inhibit_on_failure && !v.ha_suspend);
    assert_eq!(v.quorum_up, None);
    assert_eq!(v.sorry_server, None);
    assert_eq!(v.virtualhost, None);
    // Without any smtp_alert setting a virtual server does not alert, but
    // its real servers do (keepalived's inconsistent defaults).
    assert_eq!(v.smtp_alert, Some(false));
    assert_eq!(rs0(&l).smtp_alert, Some(true));
    assert_eq!(v.sched_flags, SchedFlags::default());
}

#[test]
fn smtp_alert_defaults_come_from_global_defs() {
    let with = |global: &str, vs: &str, rs: &str| {
        let l = clean(&format!(
            "global_defs {{
{global}
}}
{}",
            conf(vs, rs)
        ));
        (vs0(&l).smtp_alert, rs0(&l).smtp_alert)
    };
    assert_eq!(with("smtp_alert", "", ""), (Some(true), Some(true)));
    assert_eq!(with("smtp_alert off", "", ""), (Some(false), Some(false)));
    assert_eq!(with("smtp_alert_checker", "", ""), (Some(true), Some(true)));
    // smtp_alert_checker wins over smtp_alert, and the servers' own setting
    // over both.
    assert_eq!(
        with(
            "smtp_alert
smtp_alert_checker off",
            "",
            ""
        ),
        (Some(false), Some(false))
    );
    assert_eq!(
        with("smtp_alert_checker off", " smtp_alert on", " smtp_alert on"),
        (Some(true), Some(true))
    );
    // smtp_alert_vrrp is for VRRP only.
    assert_eq!(with("smtp_alert_vrrp", "", ""), (Some(false), Some(true)));
}

#[test]
fn global_fifo_scripts_are_checked_with_the_check_scripts() {
    let vs = conf("", "");
    // The checker process checks the global and the LVS FIFO scripts, and
    // only when there are virtual servers.
    for fifo in ["notify_fifo", "lvs_notify_fifo"] {
        let global =
            format!("global_defs {{\n {fifo} /tmp/kart-fifo\n {fifo}_script /bin/true\n}}\n");
        verdict(
            &format!("{global}{vs}"),
            6,
            Class::Security,
            "check scripts",
        );
        assert_eq!(
            load(&global).exit_code(),
            0,
            "{fifo} without virtual servers"
        );
    }
    let global =
        "global_defs {\n vrrp_notify_fifo /tmp/kart-fifo\n vrrp_notify_fifo_script /bin/true\n}\n";
    assert_eq!(load(&format!("{global}{vs}")).exit_code(), 0);
}

#[test]
fn virtual_server_keywords() {
    let l = clean(&conf(
        " delay_loop 6\n connect_timeout 2.5\n retry 4\n delay_before_retry 7\n inhibit_on_failure\n alpha\n omega\n quorum 2\n hysteresis 1\n smtp_alert off\n virtualhost www.example.com\n persistence_timeout 600\n persistence_granularity 255.255.255.0\n sorry_server 10.0.0.9 80",
        " weight 3",
    ));
    let v = vs0(&l);
    assert_eq!(v.delay_loop, secs(6));
    assert_eq!(v.connect_timeout, Duration::from_millis(2500));
    assert_eq!(v.retry, Some(4));
    assert_eq!(v.delay_before_retry, Some(secs(7)));
    assert!(v.inhibit_on_failure && v.alpha && v.omega);
    assert_eq!((v.quorum, v.hysteresis), (2, 1));
    assert_eq!(v.smtp_alert, Some(false));
    assert_eq!(v.virtualhost.as_deref(), Some("www.example.com"));
    assert_eq!(v.persistence_timeout, Some(secs(600)));
    assert_eq!(
        v.persistence_granularity,
        Some(Granularity::Netmask("255.255.255.0".parse().unwrap()))
    );
    let s = v.sorry_server.as_ref().unwrap();
    assert_eq!((s.ip, s.port), (ip("10.0.0.9"), 80));
    // The sorry server takes the virtual server's method.
    assert_eq!(s.lvs_method, Some(FwdMethod::Dr));
}

#[test]
fn scheduler_and_synonyms() {
    for (kw, name, want) in [
        ("lvs_sched", "wrr", Scheduler::Wrr),
        ("lb_algo", "sh", Scheduler::Sh),
        ("lb_algo", "twos", Scheduler::Twos),
    ] {
        let text = format!(
            "virtual_server 10.0.0.1 80 {{\n protocol TCP\n lvs_method NAT\n {kw} {name}\n real_server 10.0.0.2 80 {{\n }}\n}}\n"
        );
        assert_eq!(vs0(&clean(&text)).scheduler, Some(want));
    }
    let l = verdict(
        &conf(" lb_algo loadbalance", ""),
        5,
        Class::General,
        "unknown scheduler",
    );
    // The earlier lvs_sched stays.
    assert_eq!(vs0(&l).scheduler, Some(Scheduler::Rr));
}

#[test]
fn missing_scheduler_method_and_protocol_are_errors_with_defaults() {
    let l = verdict(
        "virtual_server 10.0.0.1 80 {\n real_server 10.0.0.2 80 {\n }\n}\n",
        5,
        Class::General,
        "no 'protocol'",
    );
    assert!(has(&l, Class::General, "no 'lvs_sched'"));
    assert!(has(&l, Class::General, "no 'lvs_method'"));
    let v = vs0(&l);
    assert_eq!(v.protocol, Some(Protocol::Udp));
    assert_eq!(v.scheduler, Some(Scheduler::Wlc));
    assert_eq!(v.lvs_method, Some(FwdMethod::Nat));
    assert_eq!(rs0(&l).lvs_method, Some(FwdMethod::Nat));
}

#[test]
fn forwarding_methods_and_tunnels() {
    let l = clean(&conf("", " lvs_method TUN type gue port 6080 csum"));
    let r = rs0(&l);
    assert_eq!(r.lvs_method, Some(FwdMethod::Tun));
    assert_eq!(
        r.tunnel,
        Tunnel {
            kind: TunnelType::Gue,
            port: Some(6080),
            checksum: TunnelChecksum::Csum
        }
    );
    let l = clean(&conf(" lb_kind TUN type gre csum", ""));
    assert_eq!(vs0(&l).tunnel.kind, TunnelType::Gre);
    assert_eq!(rs0(&l).tunnel.checksum, TunnelChecksum::Csum);
    for bad in [
        "lb_kind TUN type gue",
        "lb_kind TUN type ipip csum",
        "lb_kind TUN type gre remcsum",
        "lb_kind TUN type foo",
        "lb_kind TUN bar",
        "lb_kind FNAT",
        "lb_kind dr",
    ] {
        verdict(&conf(&format!(" {bad}"), ""), 5, Class::General, "");
    }
    // A method with bad tunnel options is still set (keepalived does so).
    let l = load(&conf(" lb_kind TUN type gue", ""));
    assert_eq!(vs0(&l).lvs_method, Some(FwdMethod::Tun));
    assert_eq!(vs0(&l).tunnel, Tunnel::default());
}

#[test]
fn real_server_inherits_method_when_declared() {
    // The real server copies the method it sees when it is declared.
    let text = "virtual_server 10.0.0.1 80 {\n protocol TCP\n lvs_sched rr\n lvs_method DR\n real_server 10.0.0.2 80 {\n }\n lvs_method NAT\n}\n";
    let l = clean(text);
    assert_eq!(rs0(&l).lvs_method, Some(FwdMethod::Dr));
}

#[test]
fn persistence() {
    let l = clean(&conf(" persistence_timeout", ""));
    assert_eq!(vs0(&l).persistence_timeout, Some(secs(360)));
    let l = verdict(
        &conf(" persistence_timeout 0", ""),
        5,
        Class::InvalidNumber,
        "0",
    );
    assert!(has(&l, Class::General, "persistence_timeout"));
    assert_eq!(vs0(&l).persistence_timeout, None);
    verdict(
        &conf(" persistence_timeout 2678401", ""),
        5,
        Class::General,
        "persistence_timeout",
    );
    // The granularity turns persistence on.
    let l = clean(&conf(" persistence_granularity 255.255.0.0", ""));
    assert_eq!(vs0(&l).persistence_timeout, Some(secs(360)));
    verdict(
        &conf(" persistence_granularity <NETMASK>", ""),
        5,
        Class::General,
        "persistence_granularity",
    );
    let text = "virtual_server 2001:db8::1 80 {\n protocol TCP\n lvs_sched rr\n lvs_method DR\n persistence_granularity 64\n real_server 2001:db8::2 80 {\n }\n}\n";
    assert_eq!(
        vs0(&clean(text)).persistence_granularity,
        Some(Granularity::PrefixLen(64))
    );
}

#[test]
fn protocol_values() {
    let text = |p: &str| conf(&format!(" protocol {p}"), "");
    assert_eq!(vs0(&clean(&text("udp"))).protocol, Some(Protocol::Udp));
    assert_eq!(vs0(&clean(&text("SCTP"))).protocol, Some(Protocol::Sctp));
    verdict(&text("ICMP"), 5, Class::General, "unknown protocol");
}

#[test]
fn quorum_and_hysteresis() {
    let l = verdict(&conf(" quorum 0", ""), 5, Class::General, "quorum");
    assert_eq!(vs0(&l).quorum, 1);
    let l = verdict(
        &conf(" quorum 5", " weight 2"),
        5,
        Class::General,
        "total weight 2",
    );
    assert_eq!(vs0(&l).quorum, 2);
    let l = verdict(
        &conf(" quorum 2\n hysteresis 2", " weight 2"),
        5,
        Class::General,
        "hysteresis",
    );
    assert_eq!(vs0(&l).hysteresis, 1);
    verdict(&conf(" hysteresis -1", ""), 5, Class::InvalidNumber, "-1");
}

#[test]
fn quorum_scripts_are_checked_for_security() {
    let l = verdict(
        &conf(" quorum_up /bin/true\n quorum_down \"/bin/true down\"", ""),
        6,
        Class::Security,
        "check scripts",
    );
    let v = vs0(&l);
    assert_eq!(v.quorum_up.as_ref().unwrap().args, [true_path()]);
    assert_eq!(
        v.quorum_down.as_ref().unwrap().args,
        [true_path(), "down".into()]
    );
    // A second one is an error, and without a script keepalived exits 2.
    verdict(
        &conf(" quorum_up /bin/true\n quorum_up /bin/false", ""),
        6,
        Class::General,
        "already set",
    );
    assert_eq!(load(&conf(" quorum_up", "")).exit_code(), 2);
}

#[test]
fn timers_keep_in_range_values_of_invalid_numbers() {
    // keepalived's timer reader uses 5 (µs) from "5x" even under -t.
    let l = verdict(
        &conf(" delay_before_retry 5x", ""),
        5,
        Class::InvalidNumber,
        "5x",
    );
    assert_eq!(vs0(&l).delay_before_retry, Some(Duration::from_micros(5)));
    assert!(!has(&l, Class::General, "delay_before_retry"));
    let l = verdict(&conf(" delay_loop 0", ""), 5, Class::General, "delay_loop");
    assert_eq!(vs0(&l).delay_loop, secs(60));
    verdict(
        &conf(" connect_timeout 5000", ""),
        5,
        Class::General,
        "connect_timeout",
    );
    verdict(&conf(" retry 0", ""), 5, Class::General, "retry");
}

#[test]
fn scheduler_flags() {
    let l = clean(&conf(" lvs_sched sh\n sh-port\n sh-fallback\n flag-3", ""));
    let f = vs0(&l).sched_flags;
    assert!(f.sh_port && f.sh_fallback && f.flag_3 && !f.mh_port);
    // Before the scheduler is set, or with another one, they are errors.
    verdict(&conf(" sh-port", ""), 5, Class::General, "sh-port");
    verdict(&conf(" hashed", ""), 5, Class::General, "hashed");
    // ops needs UDP.
    let l = verdict(&conf(" ops", ""), 5, Class::General, "ops");
    assert!(!vs0(&l).sched_flags.ops);
}

#[test]
fn virtual_server_forms() {
    let text = "virtual_server fwmark 7 {\n lvs_sched rr\n lvs_method DR\n real_server 10.0.0.2 80 {\n }\n}\n";
    let l = verdict(text, 5, Class::General, "firewall-mark");
    assert_eq!(vs0(&l).address, VsAddress::Fwmark(7));
    assert_eq!(rs0(&l).port, 0);
    let text = "virtual_server fwmark 7 {\n lvs_sched rr\n lvs_method NAT\n real_server 10.0.0.2 80 {\n }\n}\n";
    let l = clean(text);
    assert_eq!(vs0(&l).protocol, None);
    assert_eq!(rs0(&l).port, 80);
    // No port: persistence is forced.
    let l = verdict(
        "virtual_server 10.0.0.1 {\n protocol TCP\n lvs_sched rr\n lvs_method NAT\n real_server 10.0.0.2 {\n }\n}\n",
        5,
        Class::General,
        "port 0",
    );
    assert_eq!(vs0(&l).persistence_timeout, Some(secs(360)));
    verdict(
        "virtual_server 10.0.0.300 80 {\n}\n",
        5,
        Class::General,
        "not valid",
    );
    verdict(
        "virtual_server 10.0.0.1 99999 {\n}\n",
        5,
        Class::InvalidNumber,
        "99999",
    );
    verdict(
        "virtual_server fwmark x {\n}\n",
        5,
        Class::General,
        "fwmark",
    );
    assert_eq!(load("virtual_server {\n}\n").exit_code(), 2);
    assert_eq!(load("virtual_server group {\n}\n").exit_code(), 2);
    verdict(
        "virtual_server 10.0.0.1 80 {\n protocol TCP\n}\n",
        5,
        Class::General,
        "no real servers",
    );
    assert!(load("virtual_server 10.0.0.1 80 {\n protocol TCP\n}\n")
        .config
        .check
        .virtual_servers
        .is_empty());
}

#[test]
fn sorry_server_checks() {
    verdict(
        &conf(" sorry_server_inhibit", ""),
        5,
        Class::General,
        "sorry_server_inhibit",
    );
    verdict(
        &conf(" sorry_server_lvs_method NAT", ""),
        5,
        Class::General,
        "sorry_server_lvs_method",
    );
    verdict(
        &conf(" sorry_server 1.2.3", ""),
        5,
        Class::General,
        "sorry_server",
    );
    let l = verdict(
        &conf(" sorry_server ::1 80", ""),
        5,
        Class::General,
        "sorry_server",
    );
    assert_eq!(vs0(&l).sorry_server, None);
    let l = clean(&conf(
        " sorry_server 10.0.0.9\n sorry_server_inhibit\n sorry_server_lvs_method NAT",
        "",
    ));
    let s = vs0(&l).sorry_server.clone().unwrap();
    assert!(s.inhibit);
    assert_eq!(s.lvs_method, Some(FwdMethod::Nat));
    assert_eq!(s.port, 0);
    let l = verdict(
        &conf(" sorry_server 10.0.0.9 81", ""),
        5,
        Class::General,
        "sorry server",
    );
    assert_eq!(vs0(&l).sorry_server.as_ref().unwrap().port, 80);
}

// ---- real_server ------------------------------------------------------------------

#[test]
fn real_server_defaults_come_from_the_virtual_server() {
    let l = clean(&conf(
        " weight 4\n inhibit_on_failure\n alpha\n retry 2\n delay_loop 9\n connect_timeout 3\n delay_before_retry 8",
        "",
    ));
    let r = rs0(&l);
    assert_eq!((r.ip, r.port), (ip("10.0.0.2"), 80));
    assert_eq!(r.weight, Some(4));
    assert_eq!(r.inhibit_on_failure, Some(true));
    assert_eq!(r.alpha, Some(true));
    assert_eq!(r.retry, Some(2));
    assert_eq!(r.delay_loop, Some(secs(9)));
    assert_eq!(r.connect_timeout, Some(secs(3)));
    assert_eq!(r.delay_before_retry, Some(secs(8)));
    let l = clean(&conf("", ""));
    let r = rs0(&l);
    assert_eq!(r.weight, Some(1));
    assert_eq!(r.inhibit_on_failure, Some(false));
    assert_eq!(r.alpha, Some(false));
    assert_eq!(r.retry, None);
    assert_eq!(r.delay_loop, Some(secs(60)));
    assert_eq!(r.connect_timeout, Some(secs(5)));
    assert_eq!((r.uthreshold, r.lthreshold), (0, 0));
    assert_eq!(r.notify_up, None);
}

#[test]
fn real_server_keywords() {
    let l = verdict(
        &conf(
            "",
            " weight 0\n lvs_method NAT\n inhibit_on_failure off\n alpha yes\n retry 3\n delay_before_retry 1.5\n connect_timeout 2\n delay_loop 4\n smtp_alert no\n virtualhost h.example\n notify_up /bin/true\n notify_down \"/bin/true down\"\n uthreshold 100\n lthreshold 10",
        ),
        6,
        Class::Security,
        "check scripts",
    );
    let r = rs0(&l);
    assert_eq!(r.weight, Some(0));
    assert_eq!(r.lvs_method, Some(FwdMethod::Nat));
    assert_eq!(r.inhibit_on_failure, Some(false));
    assert_eq!(r.alpha, Some(true));
    assert_eq!(r.retry, Some(3));
    assert_eq!(r.delay_before_retry, Some(Duration::from_millis(1500)));
    assert_eq!(r.connect_timeout, Some(secs(2)));
    assert_eq!(r.delay_loop, Some(secs(4)));
    assert_eq!(r.smtp_alert, Some(false));
    assert_eq!(r.virtualhost.as_deref(), Some("h.example"));
    assert_eq!(r.notify_up.as_ref().unwrap().args, [true_path()]);
    assert_eq!(
        r.notify_down.as_ref().unwrap().args,
        [true_path(), "down".into()]
    );
    assert_eq!((r.uthreshold, r.lthreshold), (100, 10));
    assert_eq!(l.diags.worst(), Some(Class::Security), "{}", report(&l));
}

#[test]
fn real_server_bad_values() {
    for (body, class) in [
        (" weight -1", Class::InvalidNumber),
        (" weight 2147483648", Class::General),
        (" inhibit_on_failure maybe", Class::General),
        (" alpha maybe", Class::General),
        (" smtp_alert maybe", Class::General),
        (" virtualhost", Class::General),
        (" retry 0", Class::General),
        (" delay_loop 0", Class::General),
        (" connect_timeout x", Class::General),
        (" uthreshold x", Class::General),
        (" lvs_method XX", Class::General),
        (" lb_kind DR", Class::UnknownKeyword),
        (" persistence_timeout 5", Class::UnknownKeyword),
        (" nb_get_retry 3", Class::UnknownKeyword),
    ] {
        verdict(&conf("", body), 5, class, "");
    }
    for missing in [
        " weight",
        " retry",
        " lvs_method",
        " notify_up",
        " delay_loop",
    ] {
        assert_eq!(load(&conf("", missing)).exit_code(), 2, "{missing}");
    }
}

#[test]
fn real_server_problems_found_after_reading() {
    // Duplicates are dropped.
    let text = "virtual_server 10.0.0.1 80 {\n protocol TCP\n lvs_sched rr\n lvs_method NAT\n real_server 10.0.0.2 80 {\n }\n real_server 10.0.0.2 80 {\n }\n}\n";
    let l = verdict(text, 5, Class::General, "defined twice");
    assert_eq!(vs0(&l).real_servers.len(), 1);
    // Another family, unless tunnelled.
    let text = "virtual_server 10.0.0.1 80 {\n protocol TCP\n lvs_sched rr\n lvs_method NAT\n real_server 10.0.0.2 80 {\n }\n real_server 2001:db8::2 80 {\n }\n real_server 2001:db8::3 80 {\n  lvs_method TUN\n }\n}\n";
    let l = verdict(text, 5, Class::General, "not IPv4");
    assert_eq!(vs0(&l).real_servers.len(), 2);
    // DR needs the virtual server's port.
    let l = verdict(
        &conf("", "").replace("10.0.0.2 80", "10.0.0.2 8080"),
        5,
        Class::General,
        "another port",
    );
    assert_eq!(rs0(&l).port, 80);
    // NAT may change it, and a missing one is the virtual server's.
    let l = clean(&conf("", " lvs_method NAT").replace("10.0.0.2 80", "10.0.0.2 8080"));
    assert_eq!(rs0(&l).port, 8080);
    let l = clean(&conf("", "").replace("10.0.0.2 80", "10.0.0.2"));
    assert_eq!(rs0(&l).port, 80);
    verdict(
        &conf("", "").replace("10.0.0.2 80", "10.0.0.x 80"),
        5,
        Class::General,
        "real_server",
    );
}

#[test]
fn dropped_real_server_keeps_its_misc_script_for_the_security_check() {
    // keepalived 2.2.7 still checks the scripts of a real server it dropped.
    let text = "virtual_server 10.0.0.1 80 {\n protocol TCP\n lvs_sched rr\n lvs_method NAT\n real_server 10.0.0.2 80 {\n }\n real_server 2001:db8::2 80 {\n  MISC_CHECK {\n   misc_path /bin/true\n  }\n }\n}\n";
    let l = verdict(text, 6, Class::Security, "check scripts");
    assert_eq!(l.config.check.orphaned_checkers.len(), 1);
}

// ---- checkers -------------------------------------------------------------------------

#[test]
fn tcp_check_defaults_and_connection_options() {
    let l = clean(&conf("", " TCP_CHECK {\n }"));
    let c = ck0(&l);
    assert_eq!(c.kind, CheckerKind::Tcp);
    assert_eq!(c.retry, Some(1));
    assert_eq!(c.delay_before_retry, Some(secs(1)));
    assert_eq!(c.delay_loop, Some(secs(60)));
    assert_eq!(c.warmup, Some(secs(60)));
    assert_eq!(c.alpha, Some(false));
    let co = c.conn.as_ref().unwrap();
    assert_eq!(co.connect_timeout, Some(secs(5)));
    assert_eq!(
        (co.connect_ip, co.connect_port, co.bindto),
        (None, None, None)
    );

    let l = clean(&conf(
        "",
        " TCP_CHECK {\n  connect_ip 10.0.0.3\n  connect_port 8080\n  bindto 10.0.0.1\n  bind_port 4000\n  bind_if lo\n  connect_timeout 2\n  fwmark 9\n  retry 0\n  delay_before_retry 2\n  delay_loop 10\n  warmup 3\n  alpha\n  log_all_failures\n }",
    ));
    let c = ck0(&l);
    let co = c.conn.as_ref().unwrap();
    assert_eq!(co.connect_ip, Some(ip("10.0.0.3")));
    assert_eq!(co.connect_port, Some(8080));
    assert_eq!(co.bindto, Some(ip("10.0.0.1")));
    assert_eq!(co.bind_port, Some(4000));
    assert_eq!(co.bind_if.as_deref(), Some("lo"));
    assert_eq!(co.connect_timeout, Some(secs(2)));
    assert_eq!(co.fwmark, Some(9));
    assert_eq!(c.retry, Some(0));
    assert_eq!(c.delay_before_retry, Some(secs(2)));
    assert_eq!(c.delay_loop, Some(secs(10)));
    assert_eq!(c.warmup, Some(secs(3)));
    assert_eq!((c.alpha, c.log_all_failures), (Some(true), Some(true)));
}

#[test]
fn checkers_inherit_from_the_real_server() {
    let l = clean(&conf(
        " connect_timeout 7",
        " retry 5\n delay_loop 20\n delay_before_retry 4\n alpha\n TCP_CHECK {\n }",
    ));
    let c = ck0(&l);
    assert_eq!(c.retry, Some(5));
    assert_eq!(c.delay_loop, Some(secs(20)));
    assert_eq!(c.warmup, Some(secs(20)));
    assert_eq!(c.delay_before_retry, Some(secs(4)));
    assert_eq!(c.alpha, Some(true));
    assert_eq!(c.conn.as_ref().unwrap().connect_timeout, Some(secs(7)));
}

#[test]
fn connection_option_errors() {
    for (body, class, needle) in [
        ("connect_ip 10.0.0.x", Class::General, "connect_ip"),
        ("connect_port 0", Class::InvalidNumber, "0"),
        ("connect_port 70000", Class::General, "connect_port"),
        ("bindto 2001:db8::1", Class::General, "bindto"),
        ("bindto nowhere", Class::General, "bindto"),
        ("bind_if 12345678901234567890", Class::General, "bind_if"),
        ("fwmark -1", Class::General, "fwmark"),
        ("retry -1", Class::General, "retry"),
        ("delay_loop 0", Class::General, "delay_loop"),
        ("alpha x", Class::General, "alpha"),
        ("nb_get_retry 3", Class::UnknownKeyword, "nb_get_retry"),
    ] {
        verdict(
            &conf("", &format!(" TCP_CHECK {{\n  {body}\n }}")),
            5,
            class,
            needle,
        );
    }
    // An IPv6 link-local destination needs bind_if; the checker is dropped.
    let l = verdict(
        &conf("", " TCP_CHECK {\n  connect_ip fe80::1\n }"),
        5,
        Class::General,
        "bind_if",
    );
    assert!(rs0(&l).checkers.is_empty());
    clean(&conf(
        "",
        " TCP_CHECK {\n  connect_ip fe80::1\n  bind_if lo\n }",
    ));
    // A connect_ip of the other family than bindto is rejected.
    let l = verdict(
        &conf(
            "",
            " TCP_CHECK {\n  bindto 10.0.0.1\n  connect_ip 2001:db8::1\n }",
        ),
        5,
        Class::General,
        "connect_ip",
    );
    assert!(ck0(&l).conn.as_ref().unwrap().connect_ip_rejected);
}

#[test]
fn http_get() {
    let l = clean(&conf(
        "",
        " HTTP_GET {\n  url {\n   path /health\n   digest 0123456789ABCDEF0123456789abcdef\n   status_code 200 301-302\n   virtualhost u.example\n  }\n  url {\n   path /\n  }\n  virtualhost c.example\n  http_protocol 1.1\n  fast_recovery\n  enable_sni\n }",
    ));
    let c = ck0(&l);
    assert_eq!(c.retry, Some(1));
    assert_eq!(c.delay_before_retry, Some(secs(3)));
    let CheckerKind::Http(h) = &c.kind else {
        panic!("{c:?}")
    };
    assert_eq!(h.virtualhost.as_deref(), Some("c.example"));
    assert_eq!(h.http_protocol, HttpProtocol::Http11);
    assert!(h.fast_recovery && h.enable_sni);
    assert_eq!(h.urls.len(), 2);
    let u = &h.urls[0];
    assert_eq!(u.path, "/health");
    assert_eq!(u.digest.unwrap()[..3], [0x01, 0x23, 0x45]);
    assert!(u.status_codes.contains(200) && u.status_codes.contains(302));
    assert!(!u.status_codes.contains(201));
    assert_eq!(u.virtualhost.as_deref(), Some("u.example"));
    // Default status codes: 200-299.
    let d = &h.urls[1];
    assert!(d.status_codes.contains(200) && d.status_codes.contains(299));
    assert!(!d.status_codes.contains(300) && !d.status_codes.contains(199));
    assert_eq!(d.digest, None);
    assert_eq!(h.urls[1].regex, None);
}

#[test]
fn http_get_problems() {
    let url = |body: &str| {
        conf(
            "",
            &format!(" HTTP_GET {{\n  url {{\n   path /\n   {body}\n  }}\n }}"),
        )
    };
    verdict(&url("digest 123"), 5, Class::General, "digest");
    verdict(
        &url("digest 0123456789abcdef0123456789abcdeg"),
        5,
        Class::General,
        "digest",
    );
    verdict(&url("status_code 99"), 5, Class::General, "status_code");
    verdict(
        &url("status_code 200-100"),
        5,
        Class::General,
        "status_code",
    );
    verdict(&url("virtualhost"), 5, Class::General, "virtualhost");
    assert_eq!(load(&url("digest")).exit_code(), 2);
    // A url without path is dropped; a checker without urls too.
    let l = verdict(
        &conf("", " TCP_CHECK {\n }\n HTTP_GET {\n  url {\n  }\n }"),
        5,
        Class::General,
        "path",
    );
    assert!(has(&l, Class::General, "no url"));
    assert_eq!(rs0(&l).checkers.len(), 1);
    let chk = |body: &str| {
        conf(
            "",
            &format!(" HTTP_GET {{\n  url {{\n   path /\n  }}\n  {body}\n }}"),
        )
    };
    verdict(&chk("http_protocol 2"), 5, Class::General, "http_protocol");
    verdict(&chk("http_protocol"), 5, Class::General, "http_protocol");
    verdict(&chk("enable_sni maybe"), 5, Class::General, "enable_sni");
    // nb_get_retry is deprecated in HTTP_GET, but still sets retry.
    let l = verdict(&chk("nb_get_retry 4"), 5, Class::General, "nb_get_retry");
    assert_eq!(ck0(&l).retry, Some(4));
}

#[test]
fn ssl_get_and_ssl_block() {
    let l = clean(&format!(
        "SSL {{\n ca /etc/ca.pem\n certificate /etc/c.pem\n key /etc/k.pem\n password secret\n}}\n{}",
        conf("", " SSL_GET {\n  url {\n   path /\n  }\n }")
    ));
    let ssl = l.config.check.ssl.as_ref().unwrap();
    assert_eq!(ssl.ca.as_deref(), Some("/etc/ca.pem"));
    assert_eq!(ssl.certificate.as_deref(), Some("/etc/c.pem"));
    assert_eq!(ssl.key.as_deref(), Some("/etc/k.pem"));
    assert_eq!(ssl.password.as_deref(), Some("secret"));
    assert!(matches!(ck0(&l).kind, CheckerKind::Ssl(_)));
    verdict("SSL {\n ca\n}\n", 5, Class::General, "ca");
    verdict("SSL {\n ca a\n ca b\n}\n", 5, Class::General, "twice");
    verdict("SSL {\n}\nSSL {\n}\n", 5, Class::General, "second SSL");
}

#[test]
fn smtp_check() {
    let l = clean(&conf("", " SMTP_CHECK {\n }"));
    let c = ck0(&l);
    let CheckerKind::Smtp(s) = &c.kind else {
        panic!()
    };
    assert_eq!(s.helo_name, "smtpchecker.keepalived.org");
    assert_eq!(c.conn.as_ref().unwrap().connect_timeout, Some(secs(5)));
    let l = clean(&conf(
        "",
        " SMTP_CHECK {\n  helo_name mail.example\n  connect_ip 10.0.0.5\n  connect_port 25\n }",
    ));
    let c = ck0(&l);
    let CheckerKind::Smtp(s) = &c.kind else {
        panic!()
    };
    assert_eq!(s.helo_name, "mail.example");
    assert_eq!(c.conn.as_ref().unwrap().connect_ip, Some(ip("10.0.0.5")));
    verdict(
        &conf("", " SMTP_CHECK {\n  helo_name\n }"),
        5,
        Class::General,
        "helo_name",
    );
}

#[test]
fn smtp_host_blocks_become_checkers() {
    let l = clean(&conf(
        "",
        " SMTP_CHECK {\n  host {\n   connect_ip 10.0.0.5\n  }\n  host {\n   connect_ip 10.0.0.6\n   connect_port 26\n  }\n }",
    ));
    let cs = &rs0(&l).checkers;
    assert_eq!(cs.len(), 2);
    assert_eq!(
        cs[0].conn.as_ref().unwrap().connect_ip,
        Some(ip("10.0.0.5"))
    );
    assert_eq!(cs[1].conn.as_ref().unwrap().connect_port, Some(26));
    // A link-local host without bind_if is dropped.
    let l = verdict(
        &conf(
            "",
            " SMTP_CHECK {\n  host {\n   connect_ip fe80::5\n  }\n }",
        ),
        5,
        Class::General,
        "bind_if",
    );
    assert_eq!(rs0(&l).checkers.len(), 1);
}

#[test]
fn misc_check() {
    let l = verdict(
        &conf("", " MISC_CHECK {\n  misc_path \"/bin/true -a 'b c'\"\n  misc_timeout 30\n  misc_dynamic\n  user root\n }"),
        6,
        Class::Security,
        "check scripts",
    );
    let c = ck0(&l);
    assert_eq!(c.retry, Some(0));
    assert_eq!(c.conn, None);
    let CheckerKind::Misc(m) = &c.kind else {
        panic!()
    };
    assert_eq!(m.script.args, [true_path(), "-a".into(), "b c".into()]);
    assert_eq!(m.timeout, Some(secs(30)));
    assert!(m.dynamic);
    assert_eq!((m.script.uid, m.script.gid), (0, 0));
    // Defaults.
    let l = load(&conf("", " MISC_CHECK {\n  misc_path /bin/true\n }"));
    let CheckerKind::Misc(m) = &ck0(&l).kind else {
        panic!()
    };
    assert_eq!((m.timeout, m.dynamic), (None, false));
}

#[test]
fn misc_check_problems() {
    let l = verdict(
        &conf("", " MISC_CHECK {\n }"),
        5,
        Class::General,
        "misc_path",
    );
    assert!(rs0(&l).checkers.is_empty());
    let l = verdict(
        &conf(
            "",
            " MISC_CHECK {\n  user no_such_user_here\n  misc_path /bin/true\n }",
        ),
        5,
        Class::General,
        "no such user",
    );
    assert!(rs0(&l).checkers.is_empty());
    verdict(
        &conf("", " MISC_CHECK {\n  misc_path /bin/true\n  user\n }"),
        6,
        Class::General,
        "user",
    );
    verdict(
        &conf(
            "",
            " MISC_CHECK {\n  misc_path /bin/true\n  misc_timeout 5000\n }",
        ),
        6,
        Class::General,
        "misc_timeout",
    );
    verdict(
        &conf("", " MISC_CHECK {\n  misc_path \"/bin/true 'x\"\n }"),
        5,
        Class::UnmatchedQuote,
        "misc_path",
    );
    // misc_path takes no connection keywords.
    verdict(
        &conf(
            "",
            " MISC_CHECK {\n  misc_path /bin/true\n  connect_timeout 3\n }",
        ),
        6,
        Class::UnknownKeyword,
        "connect_timeout",
    );
}

#[test]
fn dns_check() {
    let l = clean(&conf("", " DNS_CHECK {\n }"));
    let c = ck0(&l);
    assert_eq!(c.retry, Some(3));
    assert_eq!(c.delay_before_retry, Some(secs(60)));
    let CheckerKind::Dns(d) = &c.kind else {
        panic!()
    };
    assert_eq!((d.query_type, d.name.as_str()), (DnsType::Soa, ""));
    let l = clean(&conf(
        "",
        " DNS_CHECK {\n  type aaaa\n  name www.example.com\n }",
    ));
    let CheckerKind::Dns(d) = &ck0(&l).kind else {
        panic!()
    };
    assert_eq!(
        (d.query_type, d.name.as_str()),
        (DnsType::Aaaa, "www.example.com")
    );
    verdict(
        &conf("", " DNS_CHECK {\n  type foo\n }"),
        5,
        Class::General,
        "DNS query type",
    );
    verdict(
        &conf("", " DNS_CHECK {\n  name a..b\n }"),
        5,
        Class::General,
        "empty label",
    );
    // keepalived 2.2.7 rejects a one-character first label.
    verdict(
        &conf("", " DNS_CHECK {\n  name a.example.com\n }"),
        5,
        Class::General,
        "empty label",
    );
    verdict(
        &conf("", " DNS_CHECK {\n  name x.\n  name y\n }"),
        5,
        Class::General,
        "empty label",
    );
    verdict(
        &conf("", " DNS_CHECK {\n  name xy\n  name yz\n }"),
        5,
        Class::General,
        "already",
    );
}

#[test]
fn udp_and_ping_checks() {
    let l = clean(&conf("", " UDP_CHECK {\n }\n PING_CHECK {\n }"));
    let cs = &rs0(&l).checkers;
    assert_eq!(cs[0].kind, CheckerKind::Udp(UdpCheck::default()));
    assert_eq!(cs[1].kind, CheckerKind::Ping);
    let l = clean(&conf(
        "",
        " UDP_CHECK {\n  payload 01 02 ab\n  require_reply 0x\n  min_reply_length 2\n  max_reply_length 10\n }",
    ));
    let CheckerKind::Udp(u) = &ck0(&l).kind else {
        panic!()
    };
    assert_eq!(u.payload.as_deref(), Some(&[1u8, 2, 0xab][..]));
    assert!(u.require_reply);
    assert_eq!(u.reply, Some((vec![0], vec![0x0f])));
    assert_eq!((u.min_reply_length, u.max_reply_length), (2, 10));
    verdict(
        &conf("", " UDP_CHECK {\n  payload zz\n }"),
        5,
        Class::General,
        "payload",
    );
    verdict(
        &conf("", " UDP_CHECK {\n  payload\n }"),
        5,
        Class::General,
        "payload",
    );
    verdict(
        &conf(
            "",
            " UDP_CHECK {\n  min_reply_length 10\n  max_reply_length 5\n }",
        ),
        5,
        Class::General,
        "never succeed",
    );
}

#[test]
fn file_and_bfd_checks() {
    verdict(
        &conf("", " FILE_CHECK {\n  track_file nope\n }"),
        5,
        Class::General,
        "track_file",
    );
    // A track_file defined before is found; one without 'file' is dropped.
    let tf = "track_file tf1 {\n file /tmp/kart-track\n}\ntrack_file tf2 {\n}\n";
    let l = load(&format!(
        "{tf}{}",
        conf("", " FILE_CHECK {\n  track_file tf1\n }")
    ));
    match &ck0(&l).kind {
        CheckerKind::File(f) => assert_eq!(f.track_file, "tf1"),
        k => panic!("{k:?}"),
    }
    verdict(
        &format!("{tf}{}", conf("", " FILE_CHECK {\n  track_file tf2\n }")),
        5,
        Class::General,
        "track_file 'tf2' is not defined",
    );
    verdict(
        &conf("", " FILE_CHECK {\n  weight\n }"),
        5,
        Class::General,
        "weight",
    );
    let bfd = "bfd_instance B {\n neighbor_ip 10.0.0.9\n}\nbfd_instance V {\n neighbor_ip 10.0.0.8\n vrrp\n}\n";
    let l = clean(&format!(
        "{bfd}{}",
        conf("", " BFD_CHECK {\n  name B\n  alpha\n }")
    ));
    let c = ck0(&l);
    assert_eq!(c.kind, CheckerKind::Bfd(BfdCheck { name: "B".into() }));
    assert_eq!(c.alpha, Some(true));
    // An instance limited to the VRRP process is unknown to the checker.
    verdict(
        &format!("{bfd}{}", conf("", " BFD_CHECK {\n  name V\n }")),
        5,
        Class::General,
        "not defined",
    );
    verdict(&conf("", " BFD_CHECK {\n }"), 5, Class::General, "name");
    verdict(
        &format!(
            "{bfd}{}",
            conf("", " BFD_CHECK {\n  name B\n }\n BFD_CHECK {\n  name B\n }")
        ),
        5,
        Class::General,
        "already follows",
    );
}

// ---- virtual_server_group ----------------------------------------------------------

#[test]
fn virtual_server_group_entries() {
    let text = "virtual_server_group G {\n 10.0.0.1 80\n 10.0.1.1-10 80\n 10.0.2.0/30 443\n 10.0.3.1-10.0.3.5\n fwmark 5 inet\n}\nvirtual_server_group G6 {\n 2001:db8::1-ff 80\n}\nvirtual_server group G {\n protocol TCP\n lvs_sched rr\n lvs_method NAT\n persistence_timeout 60\n real_server 10.0.0.9 80 {\n }\n}\n";
    let l = load(text);
    assert!(l.exit_code() == 0, "{}", report(&l));
    let g = &l.config.check.groups[0];
    assert_eq!(g.name, "G");
    let e: Vec<_> = g
        .entries
        .iter()
        .map(|e| match e {
            VsgEntry::Addresses {
                first, last, port, ..
            } => format!("{first}-{last}:{port:?}"),
            VsgEntry::Fwmark { mark, family, .. } => format!("fwmark {mark} {family:?}"),
        })
        .collect();
    assert_eq!(
        e,
        [
            "10.0.0.1-10.0.0.1:Some(80)",
            "10.0.1.1-10.0.1.10:Some(80)",
            "10.0.2.0-10.0.2.3:Some(443)",
            "10.0.3.1-10.0.3.5:None",
            "fwmark 5 Some(Inet)",
        ]
    );
    let VsgEntry::Addresses { last, .. } = &l.config.check.groups[1].entries[0] else {
        panic!()
    };
    assert_eq!(*last, ip("2001:db8::ff"));
    assert_eq!(vs0(&l).address, VsAddress::Group("G".into()));
}

#[test]
fn virtual_server_group_must_open_right_after_its_name() {
    // keepalived 2.2.7 exits (status 2) when the '{' is not next, or when
    // there is anything between the name and the '{'.
    for text in [
        "virtual_server_group G\n 10.0.0.1 80\n}\n",
        "virtual_server_group G extra {\n 10.0.0.1 80\n}\n",
    ] {
        assert_eq!(load(text).exit_code(), 2, "{text}");
    }
    // A '{' on the next line is fine.
    let l = load("virtual_server_group G\n{\n 10.0.0.1 80\n}\n");
    assert_eq!(l.exit_code(), 0, "{}", report(&l));
    assert_eq!(l.config.check.groups.len(), 1);
}

#[test]
fn virtual_server_group_problems() {
    let group = |e: &str| format!("virtual_server_group G {{\n 10.0.0.1 80\n {e}\n}}\n");
    verdict(
        &group("10.0.0.5-3 80"),
        5,
        Class::General,
        "does not end after",
    );
    verdict(
        &group("10.0.0.1-300 80"),
        5,
        Class::InvalidNumber,
        "more than 255",
    );
    verdict(
        &group("10.0.0.1-5x 80"),
        5,
        Class::InvalidNumber,
        "extra characters",
    );
    verdict(&group("10.0.1.1/24 80"), 5, Class::General, "host bits");
    verdict(&group("10.0.1.0/33 80"), 5, Class::General, "prefix length");
    verdict(
        &group("10.0.0.9-10.0.0.1 80"),
        5,
        Class::General,
        "ends before",
    );
    verdict(&group("fwmark 7 foo"), 5, Class::General, "unknown family");
    verdict(&group("fwmark x"), 5, Class::General, "fwmark");
    verdict(&group("bogus 80"), 5, Class::General, "not a valid address");
    verdict(&group("10.0.0.1 99999"), 5, Class::InvalidNumber, "99999");
    assert_eq!(load(&group("fwmark")).exit_code(), 2);
    let l = verdict(
        "virtual_server_group G {\n}\n",
        5,
        Class::General,
        "no valid entries",
    );
    assert!(l.config.check.groups.is_empty());
    verdict(
        "virtual_server_group G {\n 10.0.0.1 80\n 2001:db8::1 80\n fwmark 1\n}\n",
        5,
        Class::General,
        "fwmark that has no family",
    );
    // A group entry without a port needs persistence.
    let text = "virtual_server_group G {\n 10.0.0.1\n}\nvirtual_server group G {\n protocol TCP\n lvs_sched rr\n lvs_method NAT\n real_server 10.0.0.9 80 {\n }\n}\n";
    let l = verdict(text, 5, Class::General, "without a port");
    assert_eq!(vs0(&l).persistence_timeout, Some(secs(360)));
    // An unknown group only drops the virtual server (keepalived logs it).
    let l = load("virtual_server group NOPE {\n real_server 10.0.0.9 80 {\n }\n}\n");
    assert_eq!(l.exit_code(), 0, "{}", report(&l));
    assert!(l.config.check.virtual_servers.is_empty());
}

#[test]
fn group_port_checks_and_fwmark_rules() {
    let text = "virtual_server_group G {\n 10.0.0.1 80\n fwmark 7 inet\n}\nvirtual_server group G {\n protocol TCP\n lvs_sched rr\n lvs_method DR\n ha_suspend\n real_server 10.0.0.9 81 {\n }\n}\n";
    let l = verdict(text, 5, Class::General, "ha_suspend");
    assert!(has(&l, Class::General, "firewall-mark service ignores"));
    assert!(has(&l, Class::General, "group entry 10.0.0.1"));
    assert!(!vs0(&l).ha_suspend);
    // The port is kept: keepalived only reports it for groups.
    assert_eq!(rs0(&l).port, 81);
}

#[test]
fn smtp_timeout_is_fixed_when_the_checker_closes() {
    // keepalived takes the virtual server's connect_timeout as it is when
    // the SMTP_CHECK block ends; the other checkers take the final one.
    let text = "virtual_server 10.0.0.1 80 {\n protocol TCP\n lvs_sched rr\n lvs_method DR\n real_server 10.0.0.2 80 {\n  SMTP_CHECK {\n  }\n  TCP_CHECK {\n  }\n }\n connect_timeout 9\n}\n";
    let l = clean(text);
    let cs = &rs0(&l).checkers;
    assert_eq!(cs[0].conn.as_ref().unwrap().connect_timeout, Some(secs(5)));
    assert_eq!(cs[1].conn.as_ref().unwrap().connect_timeout, Some(secs(9)));
}

/// /bin/true as the security check stores it: resolved like keepalived's
/// realpath (on merged-/usr systems, /usr/bin/true).
fn true_path() -> String {
    std::fs::canonicalize("/bin/true")
        .unwrap()
        .display()
        .to_string()
}
