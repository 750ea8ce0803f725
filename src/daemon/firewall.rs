//! The nftables ruleset keepalived 2.2.7 (an nftables build) keeps for
//! `vrrp_strict` / `no_accept` (traffic to the addresses of a non-owner
//! master is dropped) and for VMACs (IGMP/MLD reports leave through the
//! parent interface). Pure: it says which nftables messages to send; the
//! runtime sends them.
//!
//! The tables, chains, sets and rules are made lazily, when first needed,
//! in the same order as keepalived makes them, so that `nft list ruleset`
//! shows the same thing.

use crate::sys::nftables::{
    Element, Expr, Msg, SetDef, Verdict, NFPROTO_IPV4, NFPROTO_IPV6, NFT_META_IIF,
    NFT_META_IIFNAME, NFT_META_L4PROTO, NFT_META_OIF, NFT_META_OIFKIND, NFT_META_OIFNAME,
    NFT_PAYLOAD_NETWORK_HEADER, NFT_PAYLOAD_TRANSPORT_HEADER, NFT_REG_1, NFT_REG_2,
    NFT_SET_CONSTANT, NFT_SET_MAP, NF_INET_LOCAL_IN, NF_INET_LOCAL_OUT, TYPE_BITS,
    TYPE_ICMPV6_TYPE, TYPE_IFINDEX, TYPE_IFNAME, TYPE_IP6ADDR, TYPE_IPADDR,
};
use std::net::IpAddr;

/// The table keepalived uses unless `nftables NAME` says otherwise.
pub const DEFAULT_TABLE: &str = "keepalived";

const IFNAMSIZ: usize = 16;
const IPPROTO_IGMP: u8 = 2;
const IPPROTO_ICMPV6: u8 = 58;
const ND_NEIGHBOR_SOLICIT: u8 = 135;
const ND_NEIGHBOR_ADVERT: u8 = 136;
const ND_ROUTER_SOLICIT: u8 = 133;
const MLD2_LISTENER_REPORT: u8 = 143;

/// The global settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FwConfig {
    /// `nftables NAME`.
    pub table: String,
    /// `nftables_priority`.
    pub priority: i32,
    /// `nftables_counters`.
    pub counters: bool,
    /// `nftables_ifindex`: link-local addresses matched with the interface
    /// index rather than its name.
    pub ifindex: bool,
}

impl Default for FwConfig {
    fn default() -> Self {
        FwConfig {
            table: DEFAULT_TABLE.into(),
            priority: -1,
            counters: false,
            ifindex: false,
        }
    }
}

/// An address whose traffic is dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FwAddr {
    pub addr: IpAddr,
    /// The interface it is on (link-local addresses are matched with it).
    pub ifindex: u32,
    pub ifname: String,
    /// Match a link-local address with the interface's name (keepalived:
    /// `dont_track_primary`, the address on the instance's interface or
    /// `no_track`, and not `nftables_ifindex`).
    pub by_name: bool,
}

/// What has been set up so far.
#[derive(Debug, Default, Clone)]
pub struct Firewall {
    pub cfg: FwConfig,
    v4_table: bool,
    v4_vips: bool,
    v6_table: bool,
    v6_vips: bool,
    ll_name: bool,
    ll_index: bool,
    v4_igmp: bool,
    v6_igmp: bool,
    next_set_id: u32,
}

fn is_link_local(a: &IpAddr) -> bool {
    matches!(a, IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80)
}

fn ifname_bytes(name: &str) -> Vec<u8> {
    let mut v = name.as_bytes().to_vec();
    v.resize(IFNAMSIZ, 0);
    v
}

fn family_word(f: u8) -> &'static str {
    if f == NFPROTO_IPV4 {
        "ip"
    } else {
        "ip6"
    }
}

impl Firewall {
    pub fn new(cfg: FwConfig) -> Firewall {
        Firewall {
            cfg,
            ..Firewall::default()
        }
    }

    /// Whether any table is set up (to delete at exit).
    pub fn active(&self) -> bool {
        self.v4_table || self.v6_table
    }

    fn set_id(&mut self) -> u32 {
        self.next_set_id += 1;
        self.next_set_id
    }

    fn counter(&self, exprs: &mut Vec<Expr>) {
        if self.cfg.counters {
            exprs.push(Expr::Counter);
        }
    }

    fn rule(&self, family: u8, chain: &str, mut exprs: Vec<Expr>, verdict: Verdict) -> Msg {
        self.counter(&mut exprs);
        exprs.push(Expr::Verdict(verdict));
        Msg::NewRule {
            family,
            table: self.cfg.table.clone(),
            chain: chain.into(),
            exprs,
        }
    }

    fn chain(&self, family: u8, name: &str, hook: Option<u32>) -> Msg {
        Msg::NewChain {
            family,
            table: self.cfg.table.clone(),
            name: name.into(),
            hook: hook.map(|h| (h, self.cfg.priority)),
        }
    }

    fn new_set(
        &mut self,
        family: u8,
        name: &str,
        key_type: u32,
        flags: u32,
        data: Option<u32>,
    ) -> (Msg, u32) {
        let mut key_len = 0;
        let mut t = key_type;
        while t != 0 {
            key_len += match t & ((1 << TYPE_BITS) - 1) {
                TYPE_IPADDR => 4,
                TYPE_IP6ADDR => 16,
                TYPE_ICMPV6_TYPE => 1,
                TYPE_IFNAME => IFNAMSIZ as u32,
                _ => 4,
            };
            t >>= TYPE_BITS;
        }
        let id = self.set_id();
        let msg = Msg::NewSet {
            family,
            table: self.cfg.table.clone(),
            set: SetDef {
                name: name.into(),
                key_type,
                key_len,
                flags,
                data: data.map(|d| (d, 4)),
                id,
                key_big_endian: key_type == TYPE_IPADDR || key_type == TYPE_IP6ADDR,
            },
        };
        (msg, id)
    }

    /// keepalived checks for tables left by an earlier run before it makes
    /// its first one, and deletes them in the same transaction.
    fn setup_table(&mut self, family: u8, exists: &mut dyn FnMut(u8) -> bool, out: &mut Vec<Msg>) {
        if !self.v4_table && !self.v6_table {
            for f in [NFPROTO_IPV4, NFPROTO_IPV6] {
                if exists(f) {
                    log::info!(target: "vrrp", "Deleting old {} {} table", family_word(f), self.cfg.table);
                    out.push(Msg::DelTable {
                        family: f,
                        table: self.cfg.table.clone(),
                    });
                }
            }
        }
        out.push(Msg::NewTable {
            family,
            table: self.cfg.table.clone(),
        });
        out.push(self.chain(family, "out", Some(NF_INET_LOCAL_OUT)));
        if family == NFPROTO_IPV4 {
            self.v4_table = true;
        } else {
            self.v6_table = true;
        }
    }

    fn addr_rule(&self, family: u8, chain: &str, set: &str, saddr: bool) -> Msg {
        let (offset, len) = match (family == NFPROTO_IPV4, saddr) {
            (true, true) => (12, 4),
            (true, false) => (16, 4),
            (false, true) => (8, 16),
            (false, false) => (24, 16),
        };
        self.rule(
            family,
            chain,
            vec![
                Expr::Payload {
                    base: NFT_PAYLOAD_NETWORK_HEADER,
                    offset,
                    len,
                    dreg: NFT_REG_1,
                },
                Expr::Lookup {
                    set: set.into(),
                    sreg: NFT_REG_1,
                    dreg: None,
                    set_id: None,
                },
            ],
            Verdict::Drop,
        )
    }

    fn setup_v4_vips(&mut self, exists: &mut dyn FnMut(u8) -> bool, out: &mut Vec<Msg>) {
        if !self.v4_table {
            self.setup_table(NFPROTO_IPV4, exists, out);
        }
        out.push(self.chain(NFPROTO_IPV4, "in", Some(NF_INET_LOCAL_IN)));
        let (set, _) = self.new_set(NFPROTO_IPV4, "vips", TYPE_IPADDR, 0, None);
        out.push(set);
        out.push(self.addr_rule(NFPROTO_IPV4, "in", "vips", false));
        out.push(self.addr_rule(NFPROTO_IPV4, "out", "vips", true));
        self.v4_vips = true;
    }

    fn icmpv6_type_in_set(&self, chain: &str, set: &str) -> Msg {
        self.rule(
            NFPROTO_IPV6,
            chain,
            vec![
                Expr::Payload {
                    base: NFT_PAYLOAD_NETWORK_HEADER,
                    offset: 6,
                    len: 1,
                    dreg: NFT_REG_1,
                },
                Expr::CmpEq {
                    sreg: NFT_REG_1,
                    data: vec![IPPROTO_ICMPV6],
                },
                Expr::Payload {
                    base: NFT_PAYLOAD_TRANSPORT_HEADER,
                    offset: 0,
                    len: 1,
                    dreg: NFT_REG_1,
                },
                Expr::Lookup {
                    set: set.into(),
                    sreg: NFT_REG_1,
                    dreg: None,
                    set_id: None,
                },
            ],
            Verdict::Accept,
        )
    }

    /// `ip6 [sd]addr fe80::/10 goto CHAIN`.
    fn link_local_goto(&self, chain: &str, to: &str, saddr: bool) -> Msg {
        let mut mask = vec![0u8; 16];
        mask[0] = 0xff;
        mask[1] = 0xc0;
        let mut fe80 = vec![0u8; 16];
        fe80[0] = 0xfe;
        fe80[1] = 0x80;
        self.rule(
            NFPROTO_IPV6,
            chain,
            vec![
                Expr::Payload {
                    base: NFT_PAYLOAD_NETWORK_HEADER,
                    offset: if saddr { 8 } else { 24 },
                    len: 16,
                    dreg: NFT_REG_1,
                },
                Expr::Bitwise {
                    sreg: NFT_REG_1,
                    dreg: NFT_REG_1,
                    mask,
                    xor: vec![0; 16],
                },
                Expr::CmpEq {
                    sreg: NFT_REG_1,
                    data: fe80,
                },
            ],
            Verdict::Goto(to.into()),
        )
    }

    fn setup_v6_vips(&mut self, exists: &mut dyn FnMut(u8) -> bool, out: &mut Vec<Msg>) {
        if !self.v6_table {
            self.setup_table(NFPROTO_IPV6, exists, out);
        }
        out.push(self.chain(NFPROTO_IPV6, "in", Some(NF_INET_LOCAL_IN)));
        out.push(self.chain(NFPROTO_IPV6, "in_link_local", None));
        out.push(self.chain(NFPROTO_IPV6, "out_link_local", None));
        let (vips, _) = self.new_set(NFPROTO_IPV6, "vips", TYPE_IP6ADDR, 0, None);
        out.push(vips);
        let (nd, nd_id) = self.new_set(
            NFPROTO_IPV6,
            "neighbor-discovery",
            TYPE_ICMPV6_TYPE,
            NFT_SET_CONSTANT,
            None,
        );
        out.push(nd);
        out.push(Msg::Elements {
            family: NFPROTO_IPV6,
            table: self.cfg.table.clone(),
            set: "neighbor-discovery".into(),
            set_id: Some(nd_id),
            add: true,
            exclusive: false,
            elements: vec![
                (vec![ND_NEIGHBOR_SOLICIT], None),
                (vec![ND_NEIGHBOR_ADVERT], None),
            ],
        });
        out.push(self.icmpv6_type_in_set("in", "neighbor-discovery"));
        out.push(self.link_local_goto("in", "in_link_local", false));
        out.push(self.icmpv6_type_in_set("out", "neighbor-discovery"));
        out.push(self.link_local_goto("out", "out_link_local", true));
        out.push(self.addr_rule(NFPROTO_IPV6, "in", "vips", false));
        out.push(self.addr_rule(NFPROTO_IPV6, "out", "vips", true));
        self.v6_vips = true;
    }

    fn setup_link_local(&mut self, by_name: bool, out: &mut Vec<Msg>) {
        let set = if by_name {
            "vips_link_local_name"
        } else {
            "vips_link_local"
        };
        let if_type = if by_name { TYPE_IFNAME } else { TYPE_IFINDEX };
        let (msg, _) = self.new_set(
            NFPROTO_IPV6,
            set,
            (TYPE_IP6ADDR << TYPE_BITS) | if_type,
            0,
            None,
        );
        out.push(msg);
        for (chain, saddr, key) in [
            (
                "in_link_local",
                false,
                if by_name {
                    NFT_META_IIFNAME
                } else {
                    NFT_META_IIF
                },
            ),
            (
                "out_link_local",
                true,
                if by_name {
                    NFT_META_OIFNAME
                } else {
                    NFT_META_OIF
                },
            ),
        ] {
            out.push(self.rule(
                NFPROTO_IPV6,
                chain,
                vec![
                    Expr::Payload {
                        base: NFT_PAYLOAD_NETWORK_HEADER,
                        offset: if saddr { 8 } else { 24 },
                        len: 16,
                        dreg: NFT_REG_1,
                    },
                    Expr::Meta {
                        key,
                        dreg: NFT_REG_2,
                    },
                    Expr::Lookup {
                        set: set.into(),
                        sreg: NFT_REG_1,
                        dreg: None,
                        set_id: None,
                    },
                ],
                Verdict::Drop,
            ));
        }
        if by_name {
            self.ll_name = true;
        } else {
            self.ll_index = true;
        }
    }

    /// Add (or remove) an instance's addresses to the drop sets, making
    /// what is missing first. `exists` says whether a table of a family is
    /// there already (asked once, before the first table is made).
    pub fn addresses(
        &mut self,
        addrs: &[FwAddr],
        add: bool,
        exists: &mut dyn FnMut(u8) -> bool,
    ) -> Vec<Msg> {
        let mut out = Vec::new();
        // Elements per set, in keepalived's order: ip vips, ip6 vips,
        // vips_link_local, vips_link_local_name.
        let mut sets: [Vec<Element>; 4] = Default::default();
        for a in addrs {
            match a.addr {
                IpAddr::V4(v4) => {
                    if !self.v4_vips {
                        self.setup_v4_vips(exists, &mut out);
                    }
                    sets[0].push((v4.octets().to_vec(), None));
                }
                IpAddr::V6(v6) => {
                    if !self.v6_vips {
                        self.setup_v6_vips(exists, &mut out);
                    }
                    let mut key = v6.octets().to_vec();
                    if !is_link_local(&a.addr) {
                        sets[1].push((key, None));
                        continue;
                    }
                    let by_name = a.by_name && !self.cfg.ifindex;
                    if by_name && !self.ll_name {
                        self.setup_link_local(true, &mut out);
                    } else if !by_name && !self.ll_index {
                        self.setup_link_local(false, &mut out);
                    }
                    if by_name {
                        key.extend(ifname_bytes(&a.ifname));
                        sets[3].push((key, None));
                    } else {
                        key.extend_from_slice(&a.ifindex.to_ne_bytes());
                        sets[2].push((key, None));
                    }
                }
            }
        }
        let names = ["vips", "vips", "vips_link_local", "vips_link_local_name"];
        for (n, elements) in sets.into_iter().enumerate() {
            if elements.is_empty() {
                continue;
            }
            out.push(Msg::Elements {
                family: if n == 0 { NFPROTO_IPV4 } else { NFPROTO_IPV6 },
                table: self.cfg.table.clone(),
                set: names[n].into(),
                set_id: None,
                add,
                exclusive: add,
                elements,
            });
        }
        out
    }

    fn oifkind_macvlan() -> [Expr; 2] {
        let mut kind = b"macvlan".to_vec();
        kind.resize(IFNAMSIZ, 0);
        [
            Expr::Meta {
                key: NFT_META_OIFKIND,
                dreg: NFT_REG_2,
            },
            Expr::CmpEq {
                sreg: NFT_REG_2,
                data: kind,
            },
        ]
    }

    fn setup_igmp(
        &mut self,
        family: u8,
        exists: &mut dyn FnMut(u8) -> bool,
        out: &mut Vec<Msg>,
    ) -> (u32, Option<u32>) {
        let have = if family == NFPROTO_IPV4 {
            self.v4_table
        } else {
            self.v6_table
        };
        if !have {
            self.setup_table(family, exists, out);
        }
        let (map, map_id) = self.new_set(
            family,
            "vmac_map",
            TYPE_IFINDEX,
            NFT_SET_MAP,
            Some(TYPE_IFINDEX),
        );
        out.push(map);
        let mut set_id = None;
        if family == NFPROTO_IPV6 {
            let (set, id) = self.new_set(family, "vmac_set", TYPE_IFINDEX, 0, None);
            out.push(set);
            set_id = Some(id);
        }
        // IGMP / MLDv2 reports sent on a VMAC go out of its parent instead.
        let mut exprs = if family == NFPROTO_IPV4 {
            vec![
                Expr::Payload {
                    base: NFT_PAYLOAD_NETWORK_HEADER,
                    offset: 9,
                    len: 1,
                    dreg: NFT_REG_1,
                },
                Expr::CmpEq {
                    sreg: NFT_REG_1,
                    data: vec![IPPROTO_IGMP],
                },
                Expr::Payload {
                    base: NFT_PAYLOAD_NETWORK_HEADER,
                    offset: 16,
                    len: 4,
                    dreg: NFT_REG_1,
                },
            ]
        } else {
            vec![
                Expr::Meta {
                    key: NFT_META_L4PROTO,
                    dreg: NFT_REG_1,
                },
                Expr::CmpEq {
                    sreg: NFT_REG_1,
                    data: vec![IPPROTO_ICMPV6],
                },
                Expr::Payload {
                    base: NFT_PAYLOAD_TRANSPORT_HEADER,
                    offset: 0,
                    len: 1,
                    dreg: NFT_REG_1,
                },
                Expr::CmpEq {
                    sreg: NFT_REG_1,
                    data: vec![MLD2_LISTENER_REPORT],
                },
                Expr::Payload {
                    base: NFT_PAYLOAD_NETWORK_HEADER,
                    offset: 24,
                    len: 16,
                    dreg: NFT_REG_1,
                },
            ]
        };
        exprs.extend(Self::oifkind_macvlan());
        exprs.push(Expr::Meta {
            key: NFT_META_OIF,
            dreg: NFT_REG_2,
        });
        exprs.push(Expr::Lookup {
            set: "vmac_map".into(),
            sreg: NFT_REG_2,
            dreg: Some(NFT_REG_2),
            set_id: Some(1),
        });
        exprs.push(Expr::Dup {
            sreg_addr: NFT_REG_1,
            sreg_dev: NFT_REG_2,
        });
        out.push(self.rule(family, "out", exprs, Verdict::Drop));
        if family == NFPROTO_IPV6 {
            // No router solicitations from a VMAC.
            let mut exprs = vec![
                Expr::Meta {
                    key: NFT_META_L4PROTO,
                    dreg: NFT_REG_1,
                },
                Expr::CmpEq {
                    sreg: NFT_REG_1,
                    data: vec![IPPROTO_ICMPV6],
                },
                Expr::Payload {
                    base: NFT_PAYLOAD_TRANSPORT_HEADER,
                    offset: 0,
                    len: 1,
                    dreg: NFT_REG_1,
                },
                Expr::CmpEq {
                    sreg: NFT_REG_1,
                    data: vec![ND_ROUTER_SOLICIT],
                },
            ];
            exprs.extend(Self::oifkind_macvlan());
            exprs.push(Expr::Meta {
                key: NFT_META_OIF,
                dreg: NFT_REG_2,
            });
            exprs.push(Expr::Lookup {
                set: "vmac_set".into(),
                sreg: NFT_REG_2,
                dreg: None,
                set_id: Some(1),
            });
            out.push(self.rule(family, "out", exprs, Verdict::Drop));
            self.v6_igmp = true;
        } else {
            self.v4_igmp = true;
        }
        (map_id, set_id)
    }

    fn vmac_family(
        &mut self,
        family: u8,
        vmac: u32,
        base: u32,
        add: bool,
        exists: &mut dyn FnMut(u8) -> bool,
        out: &mut Vec<Msg>,
    ) {
        let set_up = if family == NFPROTO_IPV4 {
            self.v4_igmp
        } else {
            self.v6_igmp
        };
        let (map_id, set_id) = if set_up {
            (None, None)
        } else {
            let (m, s) = self.setup_igmp(family, exists, out);
            (Some(m), s)
        };
        out.push(Msg::Elements {
            family,
            table: self.cfg.table.clone(),
            set: "vmac_map".into(),
            set_id: map_id,
            add,
            exclusive: false,
            elements: vec![(
                vmac.to_ne_bytes().to_vec(),
                Some(base.to_ne_bytes().to_vec()),
            )],
        });
        if family == NFPROTO_IPV6 {
            out.push(Msg::Elements {
                family,
                table: self.cfg.table.clone(),
                set: "vmac_set".into(),
                set_id,
                add,
                exclusive: false,
                elements: vec![(vmac.to_ne_bytes().to_vec(), None)],
            });
        }
    }

    /// A VMAC created (or removed): its reports are redirected to `base`.
    /// `other_family`: the instance has excluded addresses of the other
    /// family, so both families are handled.
    pub fn vmac(
        &mut self,
        vmac: u32,
        base: u32,
        ipv6: bool,
        other_family: bool,
        add: bool,
        exists: &mut dyn FnMut(u8) -> bool,
    ) -> Vec<Msg> {
        let mut out = Vec::new();
        let (first, second) = if ipv6 {
            (NFPROTO_IPV6, NFPROTO_IPV4)
        } else {
            (NFPROTO_IPV4, NFPROTO_IPV6)
        };
        self.vmac_family(first, vmac, base, add, exists, &mut out);
        if other_family {
            self.vmac_family(second, vmac, base, add, exists, &mut out);
        }
        out
    }

    /// Delete the tables (at exit).
    pub fn teardown(&mut self) -> Vec<Msg> {
        let mut out = Vec::new();
        if self.v4_table {
            out.push(Msg::DelTable {
                family: NFPROTO_IPV4,
                table: self.cfg.table.clone(),
            });
        }
        if self.v6_table {
            out.push(Msg::DelTable {
                family: NFPROTO_IPV6,
                table: self.cfg.table.clone(),
            });
        }
        *self = Firewall::new(self.cfg.clone());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: u8) -> bool {
        false
    }

    fn a(s: &str, by_name: bool) -> FwAddr {
        FwAddr {
            addr: s.parse().unwrap(),
            ifindex: 2,
            ifname: "eth0".into(),
            by_name,
        }
    }

    fn kinds(msgs: &[Msg]) -> Vec<String> {
        msgs.iter()
            .map(|m| match m {
                Msg::NewTable { family, .. } => format!("table {family}"),
                Msg::DelTable { family, .. } => format!("deltable {family}"),
                Msg::NewChain { name, .. } => format!("chain {name}"),
                Msg::NewSet { set, .. } => format!("set {}", set.name),
                Msg::Elements {
                    set, add, elements, ..
                } => {
                    format!(
                        "{} {set} {}",
                        if *add { "add" } else { "del" },
                        elements.len()
                    )
                }
                Msg::NewRule { chain, .. } => format!("rule {chain}"),
            })
            .collect()
    }

    /// The order keepalived 2.2.7 creates things in (checked with
    /// `nft list ruleset` against the real one in the namespace tests).
    #[test]
    fn ipv4_drop_set_is_made_once() {
        let mut fw = Firewall::new(FwConfig::default());
        let m = fw.addresses(
            &[a("10.0.0.1", false), a("10.0.0.2", false)],
            true,
            &mut none,
        );
        assert_eq!(
            kinds(&m),
            [
                "table 2",
                "chain out",
                "chain in",
                "set vips",
                "rule in",
                "rule out",
                "add vips 2"
            ]
        );
        let m = fw.addresses(&[a("10.0.0.3", false)], true, &mut none);
        assert_eq!(kinds(&m), ["add vips 1"]);
        let m = fw.addresses(&[a("10.0.0.3", false)], false, &mut none);
        assert_eq!(kinds(&m), ["del vips 1"]);
        assert!(fw.active());
        assert_eq!(kinds(&fw.teardown()), ["deltable 2"]);
        assert!(!fw.active());
    }

    #[test]
    fn stale_tables_are_deleted_before_the_first_one() {
        let mut fw = Firewall::new(FwConfig::default());
        let mut exists = |f: u8| f == NFPROTO_IPV6;
        let m = fw.addresses(&[a("10.0.0.1", false)], true, &mut exists);
        assert_eq!(kinds(&m)[..2], ["deltable 10", "table 2"]);
    }

    #[test]
    fn ipv6_link_local_by_index_and_name() {
        let mut fw = Firewall::new(FwConfig::default());
        let m = fw.addresses(
            &[
                a("fe80::57", false),
                a("fd00::57", false),
                a("fe80::58", true),
            ],
            true,
            &mut none,
        );
        let k = kinds(&m);
        assert_eq!(
            k,
            [
                "table 10",
                "chain out",
                "chain in",
                "chain in_link_local",
                "chain out_link_local",
                "set vips",
                "set neighbor-discovery",
                "add neighbor-discovery 2",
                "rule in",
                "rule in",
                "rule out",
                "rule out",
                "rule in",
                "rule out",
                "set vips_link_local",
                "rule in_link_local",
                "rule out_link_local",
                "set vips_link_local_name",
                "rule in_link_local",
                "rule out_link_local",
                "add vips 1",
                "add vips_link_local 1",
                "add vips_link_local_name 1",
            ]
        );
        let Msg::Elements { elements, .. } = &m[21] else {
            panic!()
        };
        assert_eq!(elements[0].0.len(), 20);
        let Msg::Elements { elements, .. } = &m[22] else {
            panic!()
        };
        assert_eq!(elements[0].0.len(), 32);
        // nftables_ifindex: never by name.
        let mut fw = Firewall::new(FwConfig {
            ifindex: true,
            ..FwConfig::default()
        });
        let m = fw.addresses(&[a("fe80::58", true)], true, &mut none);
        assert!(kinds(&m).contains(&"add vips_link_local 1".to_string()));
    }

    #[test]
    fn vmac_igmp_redirect_and_counters() {
        let mut fw = Firewall::new(FwConfig {
            counters: true,
            ..FwConfig::default()
        });
        let m = fw.vmac(3, 2, false, false, true, &mut none);
        assert_eq!(
            kinds(&m),
            [
                "table 2",
                "chain out",
                "set vmac_map",
                "rule out",
                "add vmac_map 1"
            ]
        );
        let Msg::NewRule { exprs, .. } = &m[3] else {
            panic!()
        };
        assert_eq!(exprs[exprs.len() - 2], Expr::Counter);
        assert!(exprs.contains(&Expr::Dup {
            sreg_addr: NFT_REG_1,
            sreg_dev: NFT_REG_2
        }));
        let m = fw.vmac(4, 2, true, true, true, &mut none);
        assert_eq!(
            kinds(&m),
            [
                "table 10",
                "chain out",
                "set vmac_map",
                "set vmac_set",
                "rule out",
                "rule out",
                "add vmac_map 1",
                "add vmac_set 1",
                "add vmac_map 1"
            ]
        );
    }
}
