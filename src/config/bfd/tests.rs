//! Tests of bfd_instance (verdicts checked against keepalived 2.2.7 `-t`).

use super::model::*;
use crate::config::diag::Class;
use crate::config::testutil::{parse, report};
use crate::config::Loaded;
use std::time::Duration;

fn has(l: &Loaded, class: Class, needle: &str) -> bool {
    l.diags
        .items
        .iter()
        .any(|d| d.class == Some(class) && d.message.contains(needle))
}

fn verdict(text: &str, code: i32, class: Class, needle: &str) -> Loaded {
    let l = parse(text);
    assert_eq!(l.exit_code(), code, "{text}\n{}", report(&l));
    assert!(
        has(&l, class, needle),
        "no {class:?} '{needle}':\n{text}\n{}",
        report(&l)
    );
    l
}

fn clean(text: &str) -> Loaded {
    let l = parse(text);
    assert_eq!(l.exit_code(), 0, "{text}\n{}", report(&l));
    l
}

#[test]
fn defaults() {
    let l = clean("bfd_instance B {\n neighbor_ip 10.0.0.1\n}\n");
    let b = &l.config.bfd.instances[0];
    assert_eq!(b.name, "B");
    assert!(b.enabled && b.checker_name && b.vrrp_name);
    assert_eq!(b.neighbor, Some("10.0.0.1".parse().unwrap()));
    assert_eq!(b.source, None);
    assert_eq!(b.min_rx, Duration::from_millis(10));
    assert_eq!(b.min_tx, Duration::from_millis(10));
    assert_eq!(b.idle_tx, Duration::from_millis(1000));
    assert_eq!(b.multiplier, DEFAULT_MULTIPLIER);
    assert_eq!(b.ttl, Some(255));
    assert_eq!((b.max_hops, b.weight, b.passive), (0, 0, false));
    assert!(b.notify_vrrp && b.notify_checker);
    let l = clean("bfd_instance B {\n neighbour_ip 2001:db8::1\n}\n");
    assert_eq!(l.config.bfd.instances[0].ttl, Some(64));
}

#[test]
fn keywords() {
    let l = clean(
        "bfd_instance B {\n neighbor_ip 10.0.0.1\n source_ip 10.0.0.2\n min_rx 20.5\n min_tx 30\n idle_tx 2000\n multiplier 3\n passive\n ttl 10\n max_hops 5\n weight -20 reverse\n checker\n}\n",
    );
    let b = &l.config.bfd.instances[0];
    assert_eq!(b.source, Some("10.0.0.2".parse().unwrap()));
    assert_eq!(b.min_rx, Duration::from_micros(20_500));
    assert_eq!(b.min_tx, Duration::from_millis(30));
    assert_eq!(b.idle_tx, Duration::from_millis(2000));
    assert_eq!(b.multiplier, 3);
    assert!(b.passive);
    assert_eq!((b.ttl, b.max_hops), (Some(10), 5));
    assert_eq!((b.weight, b.weight_reverse), (-20, true));
    // `checker` alone: only the checker process gets the events.
    assert!(b.notify_checker && !b.notify_vrrp);
    assert!(b.checker_name && !b.vrrp_name);
    assert!(l.config.bfd.for_checker("B").is_some());
    assert!(l.config.bfd.for_vrrp("B").is_none());
}

#[test]
fn bad_values() {
    for (kw, class) in [
        ("min_rx 0", Class::InvalidNumber),
        ("min_tx 0.5", Class::InvalidNumber),
        ("idle_tx 999", Class::InvalidNumber),
        ("multiplier 0", Class::General),
        ("ttl 256", Class::General),
        ("hoplimit 0", Class::General),
        ("max_hops -2", Class::General),
        ("weight 300", Class::General),
        ("weight 3 foo", Class::General),
        ("source_ip 1.2.3.x", Class::General),
        ("bogus", Class::UnknownKeyword),
    ] {
        let text = format!("bfd_instance B {{\n neighbor_ip 10.0.0.1\n {kw}\n}}\n");
        verdict(&text, 5, class, "");
    }
    for kw in ["min_rx", "ttl", "weight", "neighbor_ip"] {
        let text = format!("bfd_instance B {{\n neighbor_ip 10.0.0.1\n {kw}\n}}\n");
        assert_eq!(parse(&text).exit_code(), 2, "{kw}");
    }
}

#[test]
fn instance_checks_at_the_end_of_the_block() {
    let l = verdict("bfd_instance B {\n}\n", 5, Class::General, "no neighbor_ip");
    let b = &l.config.bfd.instances[0];
    // The BFD process drops it; the checker and VRRP processes keep the name.
    assert!(!b.enabled && b.checker_name && b.vrrp_name);
    verdict(
        "bfd_instance B {\n neighbor_ip 10.0.0.1\n source_ip 2001:db8::1\n}\n",
        5,
        Class::General,
        "different address families",
    );
    let l = verdict(
        "bfd_instance A {\n neighbor_ip 10.0.0.1\n}\nbfd_instance B {\n neighbor_ip 10.0.0.1\n}\n",
        5,
        Class::General,
        "same neighbor_ip",
    );
    assert!(!l.config.bfd.instances[1].enabled);
    // Different sources make different sessions.
    clean("bfd_instance A {\n neighbor_ip 10.0.0.1\n source_ip 10.0.0.2\n}\nbfd_instance B {\n neighbor_ip 10.0.0.1\n source_ip 10.0.0.3\n}\n");
    let l = verdict(
        "bfd_instance B {\n neighbor_ip 10.0.0.1\n ttl 10\n max_hops 20\n}\n",
        5,
        Class::General,
        "max_hops",
    );
    assert_eq!(l.config.bfd.instances[0].max_hops, 10);
    // -1 (no check) is 255 to keepalived: more than a ttl below 255.
    let l = verdict(
        "bfd_instance B {\n neighbor_ip 10.0.0.1\n ttl 250\n max_hops -1\n}\n",
        5,
        Class::General,
        "max_hops",
    );
    assert_eq!(l.config.bfd.instances[0].max_hops, 250);
    let l = parse("bfd_instance B {\n neighbor_ip 10.0.0.1\n max_hops -1\n}\n");
    assert_eq!(l.exit_code(), 0);
    assert_eq!(l.config.bfd.instances[0].max_hops, -1);
}

#[test]
fn names() {
    let long = "B_23456789012345678901234567890123";
    let l = verdict(
        &format!("bfd_instance {long} {{\n neighbor_ip 10.0.0.1\n bogus\n}}\n"),
        5,
        Class::General,
        "characters long",
    );
    // Only the checker process reads it (and reports 'bogus').
    assert!(has(&l, Class::UnknownKeyword, "bogus"));
    let b = &l.config.bfd.instances[0];
    assert!(!b.enabled && !b.vrrp_name && b.checker_name);
    let l = verdict(
        "bfd_instance B {\n neighbor_ip 10.0.0.1\n}\nbfd_instance B {\n neighbor_ip 10.0.0.2\n bogus\n}\n",
        5,
        Class::General,
        "already defined",
    );
    // Every process skips the second block.
    assert!(!has(&l, Class::UnknownKeyword, "bogus"));
    assert_eq!(l.config.bfd.instances.len(), 1);
    // When the BFD process dropped the first, it reads the second: a
    // malformed neighbour makes it skip the rest.
    let l = verdict(
        "bfd_instance X {\n}\nbfd_instance X {\n neighbor_ip bad\n min_rx 0\n bogus\n}\n",
        5,
        Class::General,
        "not a valid neighbor",
    );
    assert!(!has(&l, Class::UnknownKeyword, "bogus"));
    assert!(!has(&l, Class::InvalidNumber, "0"));
    assert_eq!(parse("bfd_instance {\n}\n").exit_code(), 2);
}

#[test]
fn vrrp_keyword_hides_the_instance_from_the_checker() {
    let l = clean("bfd_instance B {\n neighbor_ip 10.0.0.1\n vrrp\n}\n");
    let b = &l.config.bfd.instances[0];
    assert!(b.notify_vrrp && !b.notify_checker);
    assert!(l.config.bfd.for_checker("B").is_none());
    assert!(l.config.bfd.for_vrrp("B").is_some());
    // A later block of the same name is read by the checker process again.
    let l = verdict(
        "bfd_instance B {\n neighbor_ip 10.0.0.1\n checker\n}\nbfd_instance B {\n weight 999\n}\n",
        5,
        Class::General,
        "weight",
    );
    assert!(l.config.bfd.for_vrrp("B").is_some());
}
