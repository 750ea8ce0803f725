//! Generated keyword cases for tests/differential.rs: for every row of
//! shared/spec/keywords.tsv, minimal configurations placing the keyword in its
//! block with valid values, with invalid / out-of-range values, without its
//! required value, and with a typo in the keyword.
//!
//! Every configuration is a small base that keepalived 2.2.7 accepts (exit 0
//! in the test namespace) with one line changed or added:
//! * the block wrappers below (`wrap`) hold the base of each block; a test
//!   line replaces the base line of the same "slot" (its keyword, or a
//!   synonym) or is appended;
//! * `add_dependencies` adds what a value refers to (vrrp_script chk_1,
//!   vrrp_track_process tp_1, track_file tf_1, bfd_instance BFD_1,
//!   track_group TG1, the second instance VI_2) and, when a script path
//!   appears, `enable_script_security` + `script_user root`, so that a valid
//!   value does not turn into a security violation.
//! * `@DIR@` stands for the case's temporary folder, which also holds
//!   `track.txt` (for track_file) and `extra.conf` (for include).
//!
//! Values come from the `args` column (`value_spec`): ranges `<A..B>` give
//! the bounds as valid values and A-1, B+1 as invalid ones, `<IP>` gives an
//! address and 10.0.0.256, `<IFNAME>` gives eth1 and the missing eth9, choice
//! lists give their alternatives and `kart_bogus`, and so on; `overrides`
//! holds the keywords whose pattern says too little.

use super::{Case, CaseFile};
use std::collections::HashSet;

/// One row of keywords.tsv.
#[derive(Debug, Clone)]
pub struct Row {
    pub block: String,
    pub keyword: String,
    pub args: String,
    pub in_227: bool,
    pub tier: String,
}

pub fn parse_tsv(text: &str) -> Vec<Row> {
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() >= 6).then(|| Row {
                block: c[0].to_string(),
                keyword: c[1].to_string(),
                args: c[2].to_string(),
                in_227: c[4].trim() != "no",
                tier: c[5].to_string(),
            })
        })
        .collect()
}

/// A labelled way of writing a value.
type Variant = (&'static str, String);

#[derive(Default)]
struct Spec {
    valid: Vec<Variant>,
    invalid: Vec<Variant>,
    /// The keyword needs a value (so a bare keyword is a test of its own).
    required: bool,
}

fn v(list: &[(&'static str, &str)]) -> Vec<Variant> {
    list.iter().map(|(l, s)| (*l, s.to_string())).collect()
}

fn spec(valid: &[(&'static str, &str)], invalid: &[(&'static str, &str)]) -> Spec {
    Spec {
        valid: v(valid),
        invalid: v(invalid),
        required: true,
    }
}

fn optional(mut s: Spec) -> Spec {
    s.required = false;
    if !s.valid.iter().any(|(_, x)| x.is_empty()) {
        s.valid.insert(0, ("bare", String::new()));
    }
    s
}

const BAD_USER: &str = "kart_nosuchuser";
const BAD_GROUP: &str = "kart_nosuchgroup";

fn script_spec(optional_value: bool) -> Spec {
    let s = spec(
        &[
            ("path", "/bin/true"),
            ("quoted_args", "\"/bin/true --kart\""),
            ("user", "/bin/true root"),
        ],
        &[
            ("missing_file", "/nonexistent/kart-script"),
            ("unknown_user", "/bin/true kart_nosuchuser"),
        ],
    );
    if optional_value {
        optional(s)
    } else {
        s
    }
}

fn track_list_spec(name: &str, bad: &str, weight_max: i64) -> Spec {
    let ok = format!("{{\n{name}\n}}");
    let weighted = format!("{{\n{name} weight 10 reverse\n}}");
    let missing = format!("{{\n{bad}\n}}");
    let heavy = format!("{{\n{name} weight {}\n}}", weight_max + 1);
    Spec {
        valid: vec![("plain", ok), ("weight_reverse", weighted)],
        invalid: vec![("undefined", missing), ("weight_above", heavy)],
        required: true,
    }
}

/// Values for keywords whose `args` pattern is not enough.
fn overrides(block: &str, kw: &str, args: &str) -> Option<Spec> {
    let s = match (block, kw) {
        ("top level", k) if k.starts_with("include") => spec(
            &[("file", "@DIR@/extra.conf"), ("glob", "extra*.conf")],
            &[("missing", "@DIR@/missing.conf"), ("nomatch", "kart_nomatch*.conf")],
        ),
        ("top level", "global_defs") => spec(
            &[("router_id", "{\nrouter_id kart\n}"), ("empty", "{\n}")],
            &[("unknown_inside", "{\nkart_bogus 1\n}")],
        ),
        ("top level", "net_namespace") => spec(&[("name", "kart_ns")], &[]),
        ("top level", "net_namespace_ipvs") => optional(spec(&[("name", "kart_ns")], &[])),
        ("top level", "instance") => spec(&[("name", "kart")], &[]),
        ("top level", "linkbeat_interfaces") => spec(
            &[("plain", "{\neth0\n}"), ("mii", "{\neth1 MII\n}")],
            &[("missing_if", "{\neth9\n}"), ("bad_type", "{\neth0 KART_BOGUS\n}")],
        ),
        ("top level", "track_group") => spec(
            &[("group", "TG2 {\ngroup {\nVI_1\n}\n}")],
            &[("undefined_instance", "TG2 {\ngroup {\nVI_9\n}\n}")],
        ),
        ("top level", "static_ipaddress") => spec(
            &[("addr", "{\n192.168.210.1/24 dev eth1\n}")],
            &[
                ("bad_addr", "{\n192.168.210.256/24 dev eth1\n}"),
                ("missing_if", "{\n192.168.210.1/24 dev eth9\n}"),
            ],
        ),
        ("top level", "static_routes") => spec(
            &[("route", "{\n10.2.0.0/16 dev eth1\n}")],
            &[
                ("missing_if", "{\n10.2.0.0/16 dev eth9\n}"),
                ("bad_option", "{\n10.2.0.0/16 kart_bogus 1\n}"),
            ],
        ),
        ("top level", "static_rules") => spec(
            &[("rule", "{\nfrom 10.2.0.0/16 table 100 preference 200\n}")],
            &[("bad_option", "{\nfrom 10.2.0.0/16 kart_bogus\n}")],
        ),
        ("top level", "vrrp_sync_group") => spec(
            &[("group", "G2 {\ngroup {\nVI_1\nVI_2\n}\n}")],
            &[("undefined_instance", "G2 {\ngroup {\nVI_1\nVI_9\n}\n}")],
        ),
        ("top level", "garp_group") => spec(
            &[("interface", "{\ninterface eth1\ngarp_interval 1\n}")],
            &[("missing_if", "{\ninterface eth9\ngarp_interval 1\n}")],
        ),
        ("top level", "vrrp_instance") => spec(
            &[(
                "instance",
                "VI_9 {\nstate BACKUP\ninterface eth1\nvirtual_router_id 59\npriority 100\nadvert_int 1\nvirtual_ipaddress {\n192.168.209.1/24\n}\n}",
            )],
            &[
                (
                    "missing_if",
                    "VI_9 {\nstate BACKUP\ninterface eth9\nvirtual_router_id 59\npriority 100\nadvert_int 1\nvirtual_ipaddress {\n192.168.209.1/24\n}\n}",
                ),
                (
                    "duplicate_name",
                    "VI_1 {\nstate BACKUP\ninterface eth1\nvirtual_router_id 59\npriority 100\nadvert_int 1\nvirtual_ipaddress {\n192.168.209.1/24\n}\n}",
                ),
            ],
        ),
        ("top level", "vrrp_script") => spec(
            &[("script", "chk_9 {\nscript /bin/true\n}")],
            &[("missing_file", "chk_9 {\nscript /nonexistent/kart-script\n}")],
        ),
        ("top level", "vrrp_track_process") => spec(
            &[("process", "tp_9 {\nprocess sshd\n}")],
            &[("no_process", "tp_9 {\n}")],
        ),
        ("top level", "interface_up_down_delays") => spec(
            &[("delays", "{\neth0 2 3\neth1 1\n}")],
            &[("missing_if", "{\neth9 2\n}"), ("above", "{\neth0 300\n}")],
        ),
        ("top level", "track_file" | "vrrp_track_file") => spec(
            &[("file", "tf_9 {\nfile @DIR@/track.txt\n}")],
            &[("no_file", "tf_9 {\n}")],
        ),
        ("top level", "bfd_instance") => spec(
            &[("neighbor", "BFD_9 {\nneighbor_ip 10.0.0.19\n}")],
            &[("no_neighbor", "BFD_9 {\n}")],
        ),
        ("top level", "SSL") => spec(
            &[("empty", "{\n}")],
            &[("missing_ca", "{\nca @DIR@/missing.pem\n}")],
        ),
        ("top level", "virtual_server_group") => spec(
            &[("entry", "VSG9 {\n10.0.0.9 80\n}")],
            &[("bad_addr", "VSG9 {\n10.0.0.256 80\n}")],
        ),
        ("top level", "virtual_server") => spec(
            &[
                (
                    "ip_port",
                    "10.0.0.3 80 {\ndelay_loop 6\nlb_algo rr\nlb_kind NAT\nprotocol TCP\nreal_server 10.0.0.4 80 {\nweight 1\n}\n}",
                ),
                (
                    "fwmark",
                    "fwmark 5 {\ndelay_loop 6\nlb_algo rr\nlb_kind DR\nreal_server 10.0.0.4 {\nweight 1\n}\n}",
                ),
            ],
            &[
                (
                    "bad_addr",
                    "10.0.0.256 80 {\ndelay_loop 6\nlb_algo rr\nlb_kind NAT\nprotocol TCP\nreal_server 10.0.0.4 80 {\nweight 1\n}\n}",
                ),
                (
                    "bad_port",
                    "10.0.0.3 99999 {\ndelay_loop 6\nlb_algo rr\nlb_kind NAT\nprotocol TCP\nreal_server 10.0.0.4 80 {\nweight 1\n}\n}",
                ),
            ],
        ),
        ("global_defs", "notification_email") => spec(
            &[("one", "{\nroot@example.com\n}"), ("two", "{\nroot@example.com\nops@example.com\n}")],
            &[],
        ),
        ("global_defs", "notification_email_from") => spec(
            &[("addr", "kart@example.com"), ("name_addr", "\"Kart <kart@example.com>\"")],
            &[],
        ),
        ("global_defs", "smtp_server") => spec(
            &[("ip", "10.0.0.25"), ("ip_port", "10.0.0.25 2525")],
            &[("bad_port", "10.0.0.25 99999"), ("unresolvable", "kart.invalid")],
        ),
        ("global_defs", "dynamic_interfaces") => optional(spec(
            &[("allow", "allow_if_changes")],
            &[("bogus", "kart_bogus")],
        )),
        ("global_defs", "lvs_timeouts") => spec(
            &[("all", "tcp 900 tcpfin 120 udp 300"), ("tcp", "tcp 900")],
            &[("junk", "tcp abc"), ("bad_word", "kart_bogus 5")],
        ),
        ("global_defs", "lvs_flush_on_stop" | "lvs_flush_onstop") => {
            optional(spec(&[("vs", "VS")], &[("bogus", "kart_bogus")]))
        }
        ("global_defs", "lvs_sync_daemon") => spec(
            &[
                ("if", "eth0"),
                ("full", "eth0 VI_1 id 5 maxlen 1000 port 8848 ttl 2 group 224.0.0.81"),
            ],
            &[("missing_if", "eth9"), ("id_above", "eth0 id 300")],
        ),
        ("global_defs", "vrrp_mcast_group4") => spec(
            &[("mcast", "224.0.0.19")],
            &[("unicast", "10.0.0.1"), ("junk", "abc")],
        ),
        ("global_defs", "vrrp_mcast_group6") => spec(
            &[("mcast", "ff02::12")],
            &[("unicast", "fe80::1"), ("junk", "abc")],
        ),
        ("global_defs", "vrrp_iptables") => optional(spec(&[("chains", "KART_IN KART_OUT")], &[])),
        ("global_defs", "nftables" | "nftables_ipvs" | "vrrp_nftables") => {
            optional(spec(&[("table", "kart")], &[]))
        }
        ("global_defs", "snmp_socket") => spec(&[("udp", "udp:127.0.0.1:705")], &[]),
        ("global_defs", "vrrp_rx_bufs_policy") => spec(
            &[("mtu", "MTU"), ("advert", "ADVERT"), ("bytes", "65536")],
            &[("bogus", "kart_bogus")],
        ),
        ("global_defs", "vmac_prefix") => spec(&[("prefix", "kvm")], &[]),
        ("global_defs", "vmac_addr_prefix") => spec(&[("prefix", "kvma")], &[]),
        ("global_defs", "umask") => spec(
            &[("octal", "0022"), ("bits", "IWGRP|IWOTH")],
            &[("bogus", "kart_bogus"), ("bad_octal", "0999")],
        ),
        ("global_defs", "reload_check_config") => {
            optional(spec(&[("file", "@DIR@/reload-check.log")], &[]))
        }
        ("global_defs", "reload_time_file") => spec(
            &[("abs", "@DIR@/reload.time")],
            &[("relative", "reload.time")],
        ),
        ("global_defs", "reload_file") => optional(spec(
            &[("abs", "@DIR@/reload.file")],
            &[("relative", "reload.file")],
        )),
        ("global_defs", "include_check") => optional(spec(
            &[("match", "match"), ("signs", "-read +wildcard_match")],
            &[("bogus", "kart_bogus")],
        )),
        ("global_defs", "config_save_dir" | "tmp_config_directory") => spec(
            &[("dir", "@DIR@")],
            &[("missing_dir", "@DIR@/kart-missing-dir")],
        ),
        (_, "state_file_location" | "stats_file_location" | "json_file_location") => {
            spec(&[("file", "@DIR@/kart.out")], &[])
        }
        ("vrrp_instance", "use_vmac") => optional(spec(
            &[("name", "vrrp.51")],
            &[("bad_mac", "vrrp.51 zz:zz:zz:zz:zz:zz")],
        )),
        ("vrrp_instance", "use_ipvlan") => optional(spec(
            &[("name_addr", "ipvl51 192.168.200.9/24 bridge")],
            &[("bad_mode", "ipvl51 192.168.200.9/24 kart_bogus")],
        )),
        ("vrrp_instance", "unicast_peer") => spec(
            &[("one", "{\n10.0.0.7\n}"), ("ttl", "{\n10.0.0.8 min_ttl 1 max_ttl 255\n}")],
            &[("bad_addr", "{\n10.0.0.256\n}"), ("ttl_above", "{\n10.0.0.7 min_ttl 300\n}")],
        ),
        ("vrrp_instance", "old_unicast_checksum") => {
            optional(spec(&[("never", "never")], &[("bogus", "kart_bogus")]))
        }
        (_, "track_interface") => spec(
            &[
                ("plain", "{\neth1\n}"),
                ("weights", "{\nens33 weight 10\neno1 weight -10 reverse\n}"),
            ],
            &[("missing_if", "{\neth9\n}"), ("weight_above", "{\neth1 weight 300\n}")],
        ),
        (_, "track_script") => track_list_spec("chk_1", "chk_9", 253),
        (_, "track_file") if block != "FILE_CHECK" => track_list_spec("tf_1", "tf_9", 254),
        (_, "track_process") => track_list_spec("tp_1", "tp_9", 254),
        (_, "track_bfd") => track_list_spec("BFD_1", "BFD_9", 253),
        ("vrrp_instance", "advert_int") => spec(
            &[("int", "3")],
            &[("zero", "0"), ("junk", "abc"), ("negative", "-1"), ("fraction_v2", "1.5")],
        ),
        ("vrrp_instance", "mcast_dst_ip") => spec(
            &[("v4", "224.0.0.19")],
            &[("unicast", "10.0.0.1"), ("junk", "abc")],
        ),
        ("vrrp_instance", "virtual_ipaddress" | "virtual_ipaddress_excluded") => spec(
            &[
                ("one", "{\n192.168.200.2/24\n}"),
                ("options", "{\n192.168.200.3/24 dev eth0 label eth0:1 scope link\n}"),
            ],
            &[
                ("bad_addr", "{\n192.168.200.256/24\n}"),
                ("bad_option", "{\n192.168.200.2/24 kart_bogus\n}"),
            ],
        ),
        ("vrrp_instance", "virtual_routes") => spec(
            &[
                ("dev", "{\n10.1.0.0/16 dev eth0\n}"),
                ("via", "{\n10.3.0.0/16 via 192.168.200.254\n}"),
            ],
            &[
                ("bad_len", "{\n10.1.0.0/33 dev eth0\n}"),
                ("bad_option", "{\n10.1.0.0/16 kart_bogus\n}"),
            ],
        ),
        ("vrrp_instance", "virtual_rules") => spec(
            &[("rule", "{\nfrom 10.1.0.0/16 table 100 preference 100\n}")],
            &[("bad_option", "{\nfrom 10.1.0.0/16 kart_bogus\n}")],
        ),
        ("vrrp_instance", "authentication") => spec(
            &[
                ("pass", "{\nauth_type PASS\nauth_pass secret1\n}"),
                ("ah", "{\nauth_type AH\nauth_pass secret1\n}"),
            ],
            &[("bad_type", "{\nauth_type KART_BOGUS\nauth_pass secret1\n}")],
        ),
        ("vrrp_instance/authentication", "auth_pass") => spec(
            &[("short", "secret1")],
            &[("too_long", "averyveryverylongpassword")],
        ),
        ("vrrp_instance", "auth_hmac") => spec(&[("empty", "{\n}")], &[]),
        ("vrrp_sync_group" | "track_group", "group") => spec(
            &[("members", "{\nVI_1\nVI_2\n}")],
            &[("undefined_instance", "{\nVI_1\nVI_9\n}")],
        ),
        ("garp_group", "interfaces") => spec(
            &[("two", "{\neth1\nens33\n}")],
            &[("missing_if", "{\neth9\n}")],
        ),
        ("vrrp_track_process", "process") => spec(
            &[("name", "sshd"), ("path_params", "\"/usr/sbin/sshd\" -D")],
            &[],
        ),
        ("vrrp_track_process", "param_match") => optional(spec(
            &[("initial", "initial"), ("partial", "partial")],
            &[("bogus", "kart_bogus")],
        )),
        ("track_file" | "vrrp_track_file", "file") => spec(
            &[("abs", "@DIR@/track.txt"), ("quoted", "\"@DIR@/track.txt\"")],
            &[("missing_file", "@DIR@/kart-missing.txt")],
        ),
        ("track_file" | "vrrp_track_file", "init_file") => optional(spec(
            &[("value_overwrite", "5 overwrite")],
            &[("junk", "abc")],
        )),
        ("SSL", "ca" | "certificate" | "key") => spec(
            &[("missing_file", "@DIR@/kart-missing.pem")],
            &[],
        ),
        ("virtual_server_group", k) if k.starts_with('<') => spec(
            &[
                ("ip_port", "10.0.0.9 80"),
                ("range", "10.0.0.10-20 80"),
                ("prefix", "10.0.0.32/29 80"),
            ],
            &[("bad_addr", "10.0.0.256 80"), ("bad_range", "10.0.0.10-300 80")],
        ),
        ("virtual_server_group", "fwmark") => spec(
            &[("mark", "5"), ("inet6", "5 inet6")],
            &[("junk", "abc")],
        ),
        ("virtual_server", "persistence_granularity") => spec(
            &[("mask", "255.255.255.0")],
            &[("bad_mask", "255.0.255.0"), ("junk", "abc")],
        ),
        ("virtual_server", "sorry_server") => spec(
            &[("ip_port", "10.0.0.9 80"), ("ip", "10.0.0.9")],
            &[("bad_addr", "10.0.0.256 80")],
        ),
        ("virtual_server", "real_server") => spec(
            &[("second", "10.0.0.3 80 {\nweight 2\n}")],
            &[("bad_addr", "10.0.0.256 80 {\nweight 2\n}")],
        ),
        (_, "lb_kind" | "lvs_method" | "sorry_server_lvs_method") => spec(
            &[("nat", "NAT"), ("dr", "DR"), ("tun_gue", "TUN type gue port 6080")],
            &[("bogus", "kart_bogus")],
        ),
        ("real_server", "TCP_CHECK") => spec(
            &[("timeout", "{\nconnect_timeout 3\n}")],
            &[("port_above", "{\nconnect_port 99999\n}")],
        ),
        ("real_server", "HTTP_GET" | "SSL_GET") => spec(
            &[("url", "{\nurl {\npath /\nstatus_code 200\n}\n}")],
            &[("no_url", "{\n}")],
        ),
        ("real_server", "SMTP_CHECK") => spec(
            &[("host", "{\nhost {\nconnect_ip 10.0.0.2\n}\n}"), ("empty", "{\n}")],
            &[("bad_host", "{\nhost {\nconnect_ip 10.0.0.256\n}\n}")],
        ),
        ("real_server", "MISC_CHECK") => spec(
            &[("path", "{\nmisc_path /bin/true\n}")],
            &[("no_path", "{\n}")],
        ),
        ("real_server", "DNS_CHECK") => spec(
            &[("name", "{\nname example.com\ntype A\n}"), ("empty", "{\n}")],
            &[("bad_type", "{\ntype KART_BOGUS\n}")],
        ),
        ("real_server", "PING_CHECK" | "UDP_CHECK") => spec(
            &[("empty", "{\n}")],
            &[("bad_ip", "{\nconnect_ip 10.0.0.256\n}")],
        ),
        ("real_server", "FILE_CHECK") => spec(
            &[("file", "{\ntrack_file tf_1\n}")],
            &[("undefined", "{\ntrack_file tf_9\n}")],
        ),
        ("real_server", "BFD_CHECK") => spec(
            &[("name", "{\nname BFD_1\n}")],
            &[("undefined", "{\nname BFD_9\n}")],
        ),
        ("HTTP_GET" | "SSL_GET", "url") => spec(
            &[("path", "{\npath /health\nstatus_code 200-299\n}")],
            &[("no_path", "{\nstatus_code 200\n}")],
        ),
        (_, "digest") => spec(
            &[("md5", "0123456789abcdef0123456789abcdef")],
            &[("junk", "xyz"), ("short", "0123")],
        ),
        (_, "status_code") => spec(
            &[("code", "200"), ("range_list", "200-299 404")],
            &[("above", "600"), ("junk", "abc")],
        ),
        (_, "regex") => spec(&[("word", "ok"), ("quoted", "\"^OK$\"")], &[("bad", "\"(kart\"")]),
        (_, "regex_options") => spec(&[("caseless", "caseless")], &[("bogus", "kart_bogus")]),
        (_, "regex_stack") => spec(&[("sizes", "32768 65536")], &[("junk", "abc 1")]),
        (_, "host") if block == "SMTP_CHECK" => spec(
            &[("ip", "{\nconnect_ip 10.0.0.2\nconnect_port 25\n}")],
            &[("bad_ip", "{\nconnect_ip 10.0.0.256\n}")],
        ),
        ("UDP_CHECK", "payload") => spec(&[("hex", "0a0b0c")], &[("junk", "zz")]),
        ("UDP_CHECK", "require_reply") => {
            optional(spec(&[("hex", "0a0bxx")], &[("junk", "zz")]))
        }
        ("FILE_CHECK", "track_file") => spec(&[("name", "tf_1")], &[("undefined", "tf_9")]),
        ("BFD_CHECK", "name") => spec(&[("name", "BFD_1")], &[("undefined", "BFD_9")]),
        ("DNS_CHECK", "name") => spec(&[("domain", "example.com")], &[]),
        ("ipaddress-option", k) if k.starts_with('<') => spec(
            &[("prefix", "192.168.200.2/24"), ("bare_addr", "192.168.200.2")],
            &[("bad_addr", "192.168.200.256/24"), ("bad_len", "192.168.200.2/33")],
        ),
        ("ipaddress-option", "label") => {
            spec(&[("label", "eth0:1")], &[("too_long", "eth0:kartverylonglabel")])
        }
        ("ipaddress-option", "scope") => spec(
            &[("name", "link"), ("number", "253")],
            &[("bogus", "kart_bogus")],
        ),
        ("ipaddress-option", "brd" | "broadcast") => spec(
            &[("addr", "192.168.200.255"), ("plus", "+")],
            &[("junk", "abc")],
        ),
        ("ipaddress-option", "peer") => {
            spec(&[("addr", "10.0.0.9")], &[("with_len", "10.0.0.9/24")])
        }
        ("ipaddress-option", "preferred_lft") => {
            spec(&[("zero", "0"), ("forever", "forever")], &[("junk", "abc")])
        }
        ("ipaddress-option" | "route-option" | "rule-option", "track_group") => {
            spec(&[("defined", "TG1")], &[("undefined", "TG9")])
        }
        ("route-option", k) if k.starts_with('[') => spec(
            &[
                ("prefix", "10.1.0.0/16"),
                ("typed", "unreachable 10.3.0.0/16"),
                ("to", "to 10.3.0.0/16"),
            ],
            &[("bad_len", "10.1.0.0/33"), ("bad_type", "kart_bogus 10.3.0.0/16")],
        ),
        ("route-option", "via") => spec(
            &[("addr", "192.168.200.254"), ("family", "inet 192.168.200.254")],
            &[("bad_addr", "10.0.0.256")],
        ),
        ("route-option", "from") => spec(&[("v6", "fe80::/64")], &[("junk", "abc")]),
        ("route-option" | "rule-option", "table" | "lookup") => spec(
            &[("number", "100"), ("name", "main")],
            &[("bogus", "kart_bogus")],
        ),
        ("route-option" | "rule-option", "protocol") => spec(
            &[("name", "static"), ("number", "99")],
            &[("bogus", "kart_bogus")],
        ),
        ("route-option", "scope") => spec(
            &[("name", "link"), ("number", "253")],
            &[("bogus", "kart_bogus")],
        ),
        ("route-option", "nexthop") => spec(
            &[("via_dev", "via 192.168.200.254 dev eth0 weight 2")],
            &[("bad_addr", "via 10.0.0.256")],
        ),
        ("route-option", "rtt" | "rttvar" | "rto_min") => spec(
            &[("number", "100"), ("lock", "lock 100")],
            &[("junk", "abc")],
        ),
        ("route-option" | "rule-option", "realms") => spec(
            &[("to", "5"), ("from_to", "3/5")],
            &[("bogus", "kart_bogus")],
        ),
        ("route-option", "features") => spec(&[("ecn", "ecn")], &[("bogus", "kart_bogus")]),
        ("route-option", "congctl") => spec(
            &[("algo", "cubic"), ("lock", "lock cubic")],
            &[],
        ),
        ("route-option", "encap") => spec(
            &[("mpls", "mpls 100"), ("ip", "ip id 5 dst 10.0.0.9")],
            &[("bogus", "kart_bogus 1")],
        ),
        ("route-option", "as") => spec(&[("addr", "10.0.0.9"), ("to", "to 10.0.0.9")], &[("junk", "abc")]),
        ("rule-option", "from" | "to") => spec(
            &[("prefix", "10.1.0.0/16"), ("all", "all")],
            &[("bad_len", "10.1.0.0/33"), ("junk", "abc")],
        ),
        ("rule-option", "preference" | "priority" | "order") => spec(
            &[("decimal", "100"), ("hex", "0x10")],
            &[("junk", "abc")],
        ),
        ("rule-option", "fwmark") => spec(
            &[("mark", "5"), ("mask", "5/0xff")],
            &[("junk", "abc")],
        ),
        ("rule-option", "uidrange") => spec(&[("range", "1000-2000")], &[("junk", "abc")]),
        ("rule-option", "goto") => spec(&[("pref", "200")], &[("junk", "abc")]),
        ("rule-option", "suppress_ifgroup" | "sup_group") => {
            spec(&[("number", "5"), ("default", "default")], &[("bogus", "kart_bogus")])
        }
        ("rule-option", "ipproto") => spec(&[("name", "tcp"), ("number", "6")], &[("bogus", "kart_bogus")]),
        ("rule-option", "sport" | "dport") => spec(
            &[("port", "80"), ("range", "80-90")],
            &[("junk", "abc"), ("above", "99999")],
        ),
        _ => {
            let _ = args;
            return None;
        }
    };
    Some(s)
}

/// Parses a bound of a range pattern ("2^32-1" included).
fn bound(s: &str) -> Option<f64> {
    match s {
        "2^32-1" => Some(4_294_967_295.0),
        _ => s.parse().ok(),
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// The `A..B` range of a pattern like `<-253..253> [reverse]` or
/// `<DECIMAL SECS 0..1000>`.
fn range_of(args: &str) -> Option<(f64, f64)> {
    let open = args.find('<')?;
    let close = open + args[open..].find('>')?;
    let inner = &args[open + 1..close];
    let word = inner.split_whitespace().last()?;
    let (lo, hi) = word.split_once("..")?;
    Some((bound(lo)?, bound(hi)?))
}

/// Values derived from the `args` pattern alone.
fn generic(args: &str) -> Option<Spec> {
    let a = args.trim();
    if a == "(no args)" {
        return Some(Spec {
            valid: vec![("bare", String::new())],
            invalid: vec![],
            required: false,
        });
    }
    // `[all] <...>` / `[lock] <...>`: the prefix word is an extra valid form.
    for prefix in ["[all] ", "[lock] "] {
        if let Some(rest) = a.strip_prefix(prefix) {
            let mut s = generic(rest)?;
            let word = &prefix[1..prefix.len() - 2];
            if let Some((_, first)) = s.valid.first().cloned() {
                s.valid.push(("prefixed", format!("{word} {first}")));
            }
            return Some(s);
        }
    }
    let is_optional = a.starts_with('[') && a.ends_with(']') && !a.contains("] <");
    let inner = if is_optional { &a[1..a.len() - 1] } else { a };
    let s = generic_required(inner)?;
    Some(if is_optional { optional(s) } else { s })
}

fn generic_required(a: &str) -> Option<Spec> {
    if a.contains("PATH|\"PATH") || a.contains("SCRIPT|") || a.starts_with("<SCRIPT>") {
        return Some(script_spec(false));
    }
    if a.starts_with("<BOOL>") {
        return Some(spec(
            &[("on", "on"), ("false", "false")],
            &[("junk", "maybe")],
        ));
    }
    if let Some((lo, hi)) = range_of(a) {
        let decimal = a.contains("DECIMAL") || a.contains("TIMER") || lo.fract() != 0.0;
        let below = if decimal && lo > 0.0 { 0.0 } else { lo - 1.0 };
        let mut s = Spec {
            valid: vec![("min", fmt_num(lo)), ("max", fmt_num(hi))],
            invalid: vec![("below", fmt_num(below)), ("above", fmt_num(hi + 1.0))],
            required: true,
        };
        if a.contains("[reverse") {
            s.valid.push(("reverse", "10 reverse".into()));
        }
        s.invalid.push(("junk", "abc".into()));
        return Some(s);
    }
    // `<USECS >=2>`, `<DECIMAL ms >=1000>`: a lower bound only.
    if let Some(min) = a.split(">=").nth(1) {
        let min: f64 = min.trim_end_matches('>').trim().parse().ok()?;
        return Some(spec(
            &[("min", &fmt_num(min)), ("above_min", &fmt_num(min + 1.0))],
            &[("below", &fmt_num(min - 1.0)), ("junk", "abc")],
        ));
    }
    if let Some(rest) = a.strip_prefix('<').and_then(|r| r.split_once('>')) {
        let (inner, tail) = rest;
        // `<2|3>`, `<0|1>`, `<1|2>`: numeric choices.
        if inner.contains('|') && inner.split('|').all(|x| x.parse::<i64>().is_ok()) {
            let alts: Vec<&str> = inner.split('|').collect();
            let above = alts.iter().filter_map(|x| x.parse::<i64>().ok()).max()? + 1;
            let mut s = Spec {
                valid: alts.iter().map(|x| ("choice", x.to_string())).collect(),
                invalid: vec![("above", above.to_string())],
                required: true,
            };
            s.valid.truncate(3);
            return Some(s);
        }
        let kind = inner.split_whitespace().next().unwrap_or("");
        let s = match kind {
            "TIMER" | "DECIMAL" => spec(
                &[("int", "3"), ("fraction", "1.5")],
                &[
                    ("junk", "abc"),
                    ("negative", "-1"),
                    ("decimals", "1.0000001"),
                ],
            ),
            "N" | "SECS" | "USECS" | "UNSIGNED" | "NUMBER" | "S" => {
                spec(&[("number", "3")], &[("junk", "abc"), ("negative", "-1")])
            }
            "BYTES" => spec(
                &[("number", "65536")],
                &[("junk", "abc"), ("negative", "-1")],
            ),
            "INT" => spec(&[("negative", "-5"), ("positive", "5")], &[("junk", "abc")]),
            "IP" | "ADDR" | "IPv4" => spec(
                &[("v4", "10.0.0.5")],
                &[("bad", "10.0.0.256"), ("junk", "abc")],
            ),
            "IFNAME" | "IF" | "VRF_IFNAME" | "VRF_IF" => {
                spec(&[("existing", "eth1")], &[("missing_if", "eth9")])
            }
            "STRING" | "STRING|QUOTED" | "NAME" | "ALGO" | "VALUE" | "TABLE" | "NAME|\"PATH\"" => {
                spec(&[("word", "kart_word")], &[])
            }
            "DOMAIN" => spec(&[("domain", "example.com")], &[]),
            "URL-PATH" => spec(&[("path", "/kart")], &[]),
            "USER" => spec(
                &[("user", "root"), ("user_group", "root root")],
                &[
                    ("unknown_user", BAD_USER),
                    ("unknown_group", &format!("root {BAD_GROUP}")),
                ],
            ),
            "GROUP" => spec(&[("group", "root")], &[("unknown_group", BAD_GROUP)]),
            "FIFO" => spec(
                &[
                    ("path", "@DIR@/kart.fifo"),
                    ("user_group", "@DIR@/kart.fifo root root"),
                ],
                &[("unknown_user", &format!("@DIR@/kart.fifo {BAD_USER}"))],
            ),
            "PATH" | "DIR" | "ABSOLUTE" | "LOG_FILE" | "PATH|DIR/" => {
                spec(&[("path", "@DIR@/kart.out")], &[])
            }
            "CPU" => spec(
                &[("one", "0"), ("two", "0 1")],
                &[("junk", "abc"), ("above", "4096")],
            ),
            "PROTO" => spec(&[("name", "tcp")], &[("bogus", "kart_bogus")]),
            "PREF" | "MARK" | "PRIO" => spec(&[("number", "5")], &[("junk", "abc")]),
            _ => return None,
        };
        let _ = tail;
        return Some(s);
    }
    // Choice lists `A|B|C [...]`: the alternatives of the first word.
    let first = a.split_whitespace().next().unwrap_or("");
    if first.contains('|') || a == "ecn" {
        let alts: Vec<&str> = first.split('|').filter(|x| !x.starts_with('<')).collect();
        let mut valid: Vec<Variant> = if alts.len() <= 3 {
            alts.iter().map(|x| ("choice", x.to_string())).collect()
        } else {
            vec![
                ("choice", alts[0].to_string()),
                ("choice", alts[alts.len() - 1].to_string()),
            ]
        };
        if first.contains("<number>") {
            valid.push(("number", "253".into()));
        }
        return Some(Spec {
            valid,
            invalid: vec![("bogus", "kart_bogus".into())],
            required: true,
        });
    }
    None
}

/// The test line and where it goes in its block.
pub struct Test {
    /// Which base line it replaces (keyword or synonym); `@entry` for the
    /// address/route/server entries.
    slot: String,
    text: String,
    replace: bool,
}

/// Base lines of a block: (slot, text).
type Defaults = Vec<(&'static str, String)>;

fn d(list: &[(&'static str, &str)]) -> Defaults {
    list.iter().map(|(s, t)| (*s, t.to_string())).collect()
}

/// The block body: the base lines with the test line in place of the base
/// line of its slot (or appended).
fn fill(defaults: &Defaults, t: &[Test], sep: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut placed = vec![false; t.len()];
    for (slot, text) in defaults {
        let hit = t.iter().position(|t| t.replace && t.slot == *slot);
        match hit {
            Some(k) => {
                if !placed[k] {
                    out.push(t[k].text.clone());
                    placed[k] = true;
                }
            }
            None => out.push(text.clone()),
        }
    }
    for (k, t) in t.iter().enumerate() {
        if !placed[k] {
            out.push(t.text.clone());
        }
    }
    out.retain(|l| !l.is_empty());
    out.join(sep)
}

/// The test lines of a top-level or global_defs placement.
fn lines_of(t: &[Test]) -> String {
    t.iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn vi1_defaults() -> Defaults {
    d(&[
        ("state", "state BACKUP"),
        ("interface", "interface eth0"),
        ("virtual_router_id", "virtual_router_id 51"),
        ("priority", "priority 100"),
        ("advert_int", "advert_int 1"),
        (
            "virtual_ipaddress",
            "virtual_ipaddress {\n192.168.200.1/24\n}",
        ),
    ])
}

fn vi1(t: &[Test], extra: &[(&'static str, String)]) -> String {
    let mut defs = vi1_defaults();
    defs.extend(extra.iter().cloned());
    format!("vrrp_instance VI_1 {{\n{}\n}}\n", fill(&defs, t, "\n"))
}

const VI2: &str = "vrrp_instance VI_2 {\nstate BACKUP\ninterface eth1\nvirtual_router_id 52\npriority 100\nadvert_int 1\nvirtual_ipaddress {\n192.168.201.1/24\n}\n}\n";

fn vs_defaults(rs_body: &str) -> Defaults {
    vec![
        ("delay_loop", "delay_loop 6".into()),
        ("lb_algo", "lb_algo rr".into()),
        ("lb_kind", "lb_kind NAT".into()),
        ("protocol", "protocol TCP".into()),
        (
            "real_server",
            format!("real_server 10.0.0.2 80 {{\n{rs_body}\n}}"),
        ),
    ]
}

fn vs(t: &[Test], rs_body: &str) -> String {
    format!(
        "virtual_server 10.0.0.1 80 {{\n{}\n}}\n",
        fill(&vs_defaults(rs_body), t, "\n")
    )
}

fn rs_body(t: &[Test], extra: Defaults) -> String {
    let mut defs = d(&[("weight", "weight 1")]);
    defs.extend(extra);
    fill(&defs, t, "\n")
}

fn checker_defaults(check: &str) -> Defaults {
    match check {
        "HTTP_GET" | "SSL_GET" => d(&[("url", "url {\npath /\nstatus_code 200\n}")]),
        "MISC_CHECK" => d(&[("misc_path", "misc_path /bin/true")]),
        "FILE_CHECK" => d(&[("track_file", "track_file tf_1")]),
        "BFD_CHECK" => d(&[("name", "name BFD_1")]),
        _ => Vec::new(),
    }
}

fn checker_in_vs(check: &str, body: String) -> String {
    vs(
        &[],
        &rs_body(&[], vec![("check", format!("{check} {{\n{body}\n}}"))]),
    )
}

/// The slot a keyword fills in its block (synonyms and exclusive options
/// share one).
fn slot_of(block: &str, kw: &str) -> String {
    if kw.starts_with('<') || kw.starts_with('[') {
        return "@entry".into();
    }
    let s = match (block, kw) {
        ("rule-option", "priority" | "order") => "preference",
        ("rule-option", "lookup" | "goto" | "nop" | "type" | "l3mdev") => "table",
        ("route-option", "gw" | "or") => "via",
        ("route-option", "oif" | "nexthop") => "dev",
        ("ipaddress-option", "broadcast") => "brd",
        ("virtual_server", "lvs_sched") => "lb_algo",
        ("virtual_server", "lvs_method") => "lb_kind",
        ("bfd_instance", "neighbour_ip") => "neighbor_ip",
        _ => kw,
    };
    s.to_string()
}

/// Lines a keyword needs next to it to be meaningful (slot, text); a
/// companion with the slot of a base line replaces it.
fn companions(block: &str, kw: &str) -> &'static [(&'static str, &'static str)] {
    match (block, kw) {
        (
            "vrrp_instance",
            "check_unicast_src" | "old_unicast_checksum" | "unicast_src_ip" | "unicast_ttl",
        ) => &[("unicast_peer", "unicast_peer {\n10.0.0.7\n}")],
        ("vrrp_instance", "vmac_xmit_base") => &[("use_vmac", "use_vmac")],
        ("virtual_server", "sorry_server_inhibit" | "sorry_server_lvs_method") => {
            &[("sorry_server", "sorry_server 10.0.0.9 80")]
        }
        ("virtual_server", "hashed" | "sh-port" | "sh-fallback") => &[("lb_algo", "lb_algo sh")],
        ("virtual_server", "mh-port" | "mh-fallback") => &[("lb_algo", "lb_algo mh")],
        ("virtual_server", "ops") => &[("protocol", "protocol UDP")],
        ("ipaddress-option", "peer") => &[("@entry", "192.168.200.1")],
        ("route-option" | "rule-option", "protocol") => &[("no_track", "no_track")],
        ("rule-option", "track_group") => &[("iif", "iif eth1")],
        _ => &[],
    }
}

/// Where a keyword is placed: the address, route and rule options that only
/// mean something for static entries go into static_ipaddress /
/// static_routes / static_rules.
fn placement<'a>(block: &'a str, kw: &str) -> &'a str {
    match (block, kw) {
        ("ipaddress-option", "track_group") => "static ipaddress-option",
        ("route-option", "track_group") => "static route-option",
        ("rule-option", "track_group") => "static rule-option",
        _ => block,
    }
}

/// A complete configuration with `t` placed in `block`; None for blocks that
/// are not keyword tables (parser directives: see the feature cases).
fn wrap(block: &str, t: &[Test]) -> Option<String> {
    let text = match block {
        "top level" => format!("{}\n{}", lines_of(t), vi1(&[], &[])),
        "global_defs" => format!("global_defs {{\n{}\n}}\n{}", lines_of(t), vi1(&[], &[])),
        "vrrp_instance" => vi1(t, &[]),
        "vrrp_instance/authentication" => {
            let defs = d(&[
                ("auth_type", "auth_type PASS"),
                ("auth_pass", "auth_pass secret1"),
            ]);
            let auth = format!("authentication {{\n{}\n}}", fill(&defs, t, "\n"));
            vi1(&[], &[("authentication", auth)])
        }
        "vrrp_instance/auth_hmac" => {
            let auth = format!("auth_hmac {{\n{}\n}}", fill(&Vec::new(), t, "\n"));
            vi1(&[], &[("auth_hmac", auth)])
        }
        "vrrp_sync_group" => {
            let defs = d(&[("group", "group {\nVI_1\nVI_2\n}")]);
            format!(
                "{}{VI2}vrrp_sync_group G1 {{\n{}\n}}\n",
                vi1(&[], &[]),
                fill(&defs, t, "\n")
            )
        }
        "track_group" => {
            let defs = d(&[("group", "group {\nVI_1\n}")]);
            format!(
                "{}track_group TG1 {{\n{}\n}}\n",
                vi1(&[], &[]),
                fill(&defs, t, "\n")
            )
        }
        "garp_group" => {
            let defs = d(&[
                ("interface", "interface eth0"),
                ("garp_interval", "garp_interval 1"),
            ]);
            format!(
                "{}garp_group {{\n{}\n}}\n",
                vi1(&[], &[]),
                fill(&defs, t, "\n")
            )
        }
        "vrrp_script" => {
            let defs = d(&[("script", "script /bin/true"), ("interval", "interval 2")]);
            format!(
                "vrrp_script chk_1 {{\n{}\n}}\n{}",
                fill(&defs, t, "\n"),
                vi1(&[], &[("track_script", "track_script {\nchk_1\n}".into())])
            )
        }
        "vrrp_track_process" => {
            let defs = d(&[("process", "process sshd")]);
            format!(
                "vrrp_track_process tp_1 {{\n{}\n}}\n{}",
                fill(&defs, t, "\n"),
                vi1(&[], &[("track_process", "track_process {\ntp_1\n}".into())])
            )
        }
        "track_file" | "vrrp_track_file" => {
            let defs = d(&[("file", "file @DIR@/track.txt")]);
            format!(
                "{block} tf_1 {{\n{}\n}}\n{}",
                fill(&defs, t, "\n"),
                vi1(&[], &[("track_file", "track_file {\ntf_1\n}".into())])
            )
        }
        "SSL" => format!(
            "SSL {{\n{}\n}}\n{}",
            fill(&Vec::new(), t, "\n"),
            checker_in_vs("SSL_GET", fill(&checker_defaults("SSL_GET"), &[], "\n"))
        ),
        "virtual_server_group" => {
            let defs = d(&[("@entry", "10.0.0.1 80")]);
            format!(
                "virtual_server_group VSG1 {{\n{}\n}}\nvirtual_server group VSG1 {{\n{}\n}}\n",
                fill(&defs, t, "\n"),
                fill(&vs_defaults("weight 1"), &[], "\n")
            )
        }
        "virtual_server" => vs(t, &rs_body(&[], Vec::new())),
        "real_server" => vs(&[], &rs_body(t, Vec::new())),
        "TCP_CHECK" | "HTTP_GET" | "SSL_GET" | "SMTP_CHECK" | "DNS_CHECK" | "PING_CHECK"
        | "UDP_CHECK" | "MISC_CHECK" | "FILE_CHECK" | "BFD_CHECK" => {
            checker_in_vs(block, fill(&checker_defaults(block), t, "\n"))
        }
        "SMTP_CHECK/host" => {
            let defs = d(&[("connect_ip", "connect_ip 10.0.0.2")]);
            checker_in_vs(
                "SMTP_CHECK",
                format!("host {{\n{}\n}}", fill(&defs, t, "\n")),
            )
        }
        "HTTP_GET/url" | "SSL_GET/url" => {
            let check = &block[..block.len() - 4];
            let defs = d(&[("path", "path /"), ("status_code", "status_code 200")]);
            checker_in_vs(check, format!("url {{\n{}\n}}", fill(&defs, t, "\n")))
        }
        "bfd_instance" => {
            let defs = d(&[("neighbor_ip", "neighbor_ip 10.0.0.9")]);
            format!("bfd_instance BFD_1 {{\n{}\n}}\n", fill(&defs, t, "\n"))
        }
        "ipaddress-option" => {
            let defs = d(&[("@entry", "192.168.200.1/24")]);
            let entry = fill(&defs, t, " ");
            let vips = Test {
                slot: "virtual_ipaddress".into(),
                text: format!("virtual_ipaddress {{\n{entry}\n}}"),
                replace: true,
            };
            vi1(std::slice::from_ref(&vips), &[])
        }
        "route-option" => {
            let defs = d(&[("@entry", "10.1.0.0/16"), ("dev", "dev eth0")]);
            let entry = fill(&defs, t, " ");
            vi1(
                &[],
                &[("virtual_routes", format!("virtual_routes {{\n{entry}\n}}"))],
            )
        }
        "rule-option" => {
            let defs = d(&[
                ("from", "from 10.1.0.0/16"),
                ("table", "table 100"),
                ("preference", "preference 100"),
            ]);
            let entry = fill(&defs, t, " ");
            vi1(
                &[],
                &[("virtual_rules", format!("virtual_rules {{\n{entry}\n}}"))],
            )
        }
        "static ipaddress-option" => {
            let defs = d(&[("@entry", "192.168.210.1/24"), ("dev", "dev eth1")]);
            format!(
                "static_ipaddress {{\n{}\n}}\n{}",
                fill(&defs, t, " "),
                vi1(&[], &[])
            )
        }
        "static route-option" => {
            let defs = d(&[("@entry", "10.2.0.0/16"), ("dev", "dev eth1")]);
            format!(
                "static_routes {{\n{}\n}}\n{}",
                fill(&defs, t, " "),
                vi1(&[], &[])
            )
        }
        "static rule-option" => {
            let defs = d(&[
                ("from", "from 10.2.0.0/16"),
                ("table", "table 100"),
                ("preference", "preference 200"),
            ]);
            format!(
                "static_rules {{\n{}\n}}\n{}",
                fill(&defs, t, " "),
                vi1(&[], &[])
            )
        }
        _ => return None,
    };
    Some(text)
}

/// Adds the definitions a configuration refers to, and script security when
/// it names a script.
fn add_dependencies(text: &str) -> String {
    let mut pre = String::new();
    let mut post = String::new();
    if text.contains("/bin/true") || text.contains("/nonexistent/") {
        pre.push_str("global_defs {\nenable_script_security\nscript_user root\n}\n");
    }
    if text.contains("chk_1") && !text.contains("vrrp_script chk_1 {") {
        pre.push_str("vrrp_script chk_1 {\nscript /bin/true\n}\n");
        if !pre.contains("enable_script_security") {
            pre.insert_str(
                0,
                "global_defs {\nenable_script_security\nscript_user root\n}\n",
            );
        }
    }
    if text.contains("tp_1") && !text.contains("vrrp_track_process tp_1 {") {
        pre.push_str("vrrp_track_process tp_1 {\nprocess sshd\n}\n");
    }
    if text.contains("tf_1") && !text.contains("track_file tf_1 {") {
        pre.push_str("track_file tf_1 {\nfile @DIR@/track.txt\n}\n");
    }
    if text.contains("BFD_1") && !text.contains("bfd_instance BFD_1 {") {
        pre.push_str("bfd_instance BFD_1 {\nneighbor_ip 10.0.0.9\n}\n");
    }
    if text.contains("VI_2") && !text.contains("vrrp_instance VI_2 {") {
        post.push_str(VI2);
    }
    if text.contains("TG1") && !text.contains("track_group TG1 {") {
        // Before the static entries that name it (they are resolved as read).
        pre.push_str("track_group TG1 {\ngroup {\nVI_1\n}\n}\n");
    }
    format!("{pre}{text}{post}")
}

/// Indents by brace depth, for people reading saved cases (keepalived strips
/// leading blanks, so this changes nothing for it).
fn indent(text: &str) -> String {
    let mut depth: usize = 0;
    let mut out = String::new();
    for line in text.lines() {
        let l = line.trim();
        let opens = l.matches('{').count();
        let closes = l.matches('}').count();
        let this = if l.starts_with('}') {
            depth.saturating_sub(1)
        } else {
            depth
        };
        out.push_str(&"  ".repeat(this));
        out.push_str(l);
        out.push('\n');
        depth = (depth + opens).saturating_sub(closes);
    }
    out
}

/// The keyword with a plausible typo (its last letter doubled; an `x`
/// appended when that is a keyword too).
fn typo(kw: &str, all: &HashSet<&str>) -> String {
    let last = kw.chars().last().unwrap_or('x');
    let t = format!("{kw}{last}");
    if all.contains(t.as_str()) {
        format!("{kw}x")
    } else {
        t
    }
}

fn line(kw: &str, value: &str, special: bool) -> String {
    if special || kw.is_empty() {
        value.to_string()
    } else if value.is_empty() {
        kw.to_string()
    } else {
        format!("{kw} {value}")
    }
}

/// Files every keyword case folder holds.
fn helper_files() -> Vec<CaseFile> {
    vec![
        CaseFile::new("track.txt", "0\n"),
        CaseFile::new("extra.conf", "# included by the include keyword cases\n"),
    ]
}

/// Rows not turned into cases, with the reason.
pub struct Excluded {
    pub what: String,
    pub reason: String,
}

/// All keyword cases, and what was left out and why.
pub fn cases(rows: &[Row]) -> (Vec<Case>, Vec<Excluded>) {
    let all: HashSet<&str> = rows.iter().map(|r| r.keyword.as_str()).collect();
    let mut out = Vec::new();
    let mut excluded = Vec::new();
    let mut seen_names = HashSet::new();
    for r in rows {
        let id = format!("{} {}", r.block, r.keyword);
        if r.block == "parser-directive" {
            excluded.push(Excluded {
                what: id,
                reason: "parser directive: covered by the language-feature cases".into(),
            });
            continue;
        }
        let special = r.keyword.starts_with('<') || r.keyword.starts_with('[');
        let spec = overrides(&r.block, &r.keyword, &r.args).or_else(|| generic(&r.args));
        let (spec, templated) = match spec {
            Some(s) => (s, true),
            None => {
                // Only the typo case (with no value) is made.
                excluded.push(Excluded {
                    what: id.clone(),
                    reason: format!(
                        "no value template for args '{}': only the typo case",
                        r.args
                    ),
                });
                let bare = Spec {
                    valid: vec![("bare", String::new())],
                    invalid: Vec::new(),
                    required: false,
                };
                (bare, false)
            }
        };
        let slot = slot_of(&r.block, &r.keyword);
        let mut variants: Vec<(String, String, bool)> = Vec::new(); // (variant, line, replace)
        if r.in_227 && templated {
            for (label, val) in &spec.valid {
                variants.push((
                    format!("valid-{label}"),
                    line(&r.keyword, val, special),
                    true,
                ));
            }
            for (label, val) in &spec.invalid {
                variants.push((
                    format!("invalid-{label}"),
                    line(&r.keyword, val, special),
                    true,
                ));
            }
            if spec.required && !special {
                variants.push(("missing-value".into(), r.keyword.clone(), true));
            }
        } else if !r.in_227 {
            excluded.push(Excluded {
                what: id.clone(),
                reason: "not in keepalived 2.2.7 (we accept it, 2.2.7 reports an unknown keyword): valid/invalid/missing-value cases left out".into(),
            });
        }
        if !special {
            let first = spec
                .valid
                .first()
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let typo_kw = typo(&r.keyword, &all);
            // Added next to the base line, not in its place: the point is the
            // unknown keyword (and, for blocks, the cascade it causes).
            variants.push(("typo".into(), line(&typo_kw, &first, false), false));
        }
        let block = placement(&r.block, &r.keyword);
        for (variant, text, replace) in variants {
            let mut tests: Vec<Test> = companions(&r.block, &r.keyword)
                .iter()
                .map(|(slot, text)| Test {
                    slot: slot.to_string(),
                    text: text.to_string(),
                    replace: true,
                })
                .collect();
            tests.push(Test {
                slot: slot.clone(),
                text,
                replace,
            });
            let Some(conf) = wrap(block, &tests) else {
                excluded.push(Excluded {
                    what: id.clone(),
                    reason: format!("block '{}' has no base configuration", r.block),
                });
                break;
            };
            let mut name = format!("kw.{}.{}.{variant}", r.block, r.keyword);
            let mut n = 2;
            while !seen_names.insert(name.clone()) {
                name = format!("kw.{}.{}.{variant}.{n}", r.block, r.keyword);
                n += 1;
            }
            let mut files = helper_files();
            files.push(CaseFile::new(
                "keepalived.conf",
                &indent(&add_dependencies(&conf)),
            ));
            out.push(Case {
                name,
                group: format!("keyword {}", variant.split('-').next().unwrap_or("")),
                files,
                main: "keepalived.conf".into(),
                args: Vec::new(),
                known_difference: None,
            });
        }
    }
    (out, excluded)
}

/// The base configurations themselves, which keepalived must accept (exit 0):
/// if one does not, every case built on it tests less than it claims.
pub fn base_cases() -> Vec<Case> {
    let blocks = [
        "top level",
        "vrrp_instance/authentication",
        "vrrp_sync_group",
        "track_group",
        "garp_group",
        "vrrp_script",
        "vrrp_track_process",
        "track_file",
        "vrrp_track_file",
        "SSL",
        "virtual_server_group",
        "virtual_server",
        "TCP_CHECK",
        "HTTP_GET",
        "SSL_GET",
        "SMTP_CHECK/host",
        "DNS_CHECK",
        "PING_CHECK",
        "UDP_CHECK",
        "MISC_CHECK",
        "FILE_CHECK",
        "BFD_CHECK",
        "HTTP_GET/url",
        "bfd_instance",
        "ipaddress-option",
        "route-option",
        "rule-option",
        "static ipaddress-option",
        "static route-option",
        "static rule-option",
    ];
    blocks
        .iter()
        .filter_map(|b| {
            let conf = wrap(b, &[])?;
            let mut files = helper_files();
            files.push(CaseFile::new(
                "keepalived.conf",
                &indent(&add_dependencies(&conf)),
            ));
            Some(Case {
                name: format!("base.{b}"),
                group: "base".into(),
                files,
                main: "keepalived.conf".into(),
                args: Vec::new(),
                known_difference: None,
            })
        })
        .collect()
}
