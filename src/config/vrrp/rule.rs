//! Rule entries of virtual_rules and static_rules (keepalived's
//! `alloc_rule`): `ip rule` syntax.
//!
//! `[inet|inet6] [not] [from PREFIX|all] [to PREFIX|all]
//! [preference|priority|order N] [tos|dsfield T] [fwmark MARK[/MASK]]
//! [realms [FROM/]TO] [dev|iif IF] [oif IF] [uidrange A-B] [ipproto P]
//! [sport A[-B]] [dport A[-B]] [tunnel-id N] [protocol N]
//! [suppress_prefixlength|sup_pl N] [suppress_ifgroup|sup_group G]
//! [no_track] [track_group NAME (static only)]` and one action:
//! `table|lookup ID`, `l3mdev`, `goto N`, `nop`,
//! `[type] blackhole|unreachable|prohibit`.

use super::net_addr::{interface_usable, looks_like_placeholder, parse_prefix, Family, Prefix};
use super::net_names::{self, c_strtoul, rtn, RTPROT_KEEPALIVED};
use super::net_values;
use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx, Missing};
use crate::config::source::Pos;
use crate::config::values;

/// keepalived numbers rules without a preference downwards from here, IPv4
/// and IPv6 separately.
pub const AUTO_PRIORITY_START: u32 = 16384;

/// What a matching packet does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleAction {
    /// `table ID` / `lookup ID`.
    Table(u32),
    /// `l3mdev`: the table of the VRF the packet came through.
    L3mdev,
    /// `goto PREF`.
    Goto(u32),
    Nop,
    Blackhole,
    Unreachable,
    Prohibit,
}

/// An inclusive port or uid range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range<T> {
    pub start: T,
    pub end: T,
}

/// One rule entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub pos: Pos,
    pub family: Family,
    pub action: RuleAction,
    /// `not`: the selector is inverted.
    pub invert: bool,
    pub from: Option<Prefix>,
    pub to: Option<Prefix>,
    /// `preference`, or the number keepalived assigned.
    pub priority: u32,
    /// `preference` (or `priority`, `order`) was written.
    pub priority_given: bool,
    /// `tos` / `dsfield`.
    pub tos: Option<u8>,
    /// `fwmark MARK[/MASK]`.
    pub fwmark: Option<(u32, Option<u32>)>,
    pub realms: Option<u32>,
    /// `suppress_prefixlength` / `sup_pl`.
    pub suppress_prefixlen: Option<u32>,
    /// `suppress_ifgroup` / `sup_group`.
    pub suppress_ifgroup: Option<u32>,
    /// `dev` / `iif`.
    pub iif: Option<String>,
    pub oif: Option<String>,
    pub tunnel_id: Option<u64>,
    pub uid_range: Option<Range<u32>>,
    /// `protocol`; tracked rules get 18 (keepalived).
    pub protocol: Option<u8>,
    /// `ipproto`.
    pub ip_proto: Option<u8>,
    pub sport: Option<Range<u16>>,
    pub dport: Option<Range<u16>>,
    pub no_track: bool,
    /// `track_group` (static rules only).
    pub track_group: Option<String>,
}

fn bad(ctx: &mut Ctx, a: &Args, i: usize, msg: String) {
    ctx.error(Class::General, a, i, msg);
}

fn join_family(fam: &mut Option<Family>, f: Option<Family>) -> bool {
    match fam {
        None => {
            *fam = f;
            true
        }
        Some(_) => *fam == f,
    }
}

/// keepalived's `alloc_rule`: one rule entry. `None` when skipped.
pub fn parse_rule(
    ctx: &mut Ctx,
    a: &Args,
    allow_track_group: bool,
) -> Result<Option<Rule>, Missing> {
    let mut r = Rule {
        pos: a.pos(0),
        family: Family::Inet,
        action: RuleAction::Nop,
        invert: false,
        from: None,
        to: None,
        priority: 0,
        priority_given: false,
        tos: None,
        fwmark: None,
        realms: None,
        suppress_prefixlen: None,
        suppress_ifgroup: None,
        iif: None,
        oif: None,
        tunnel_id: None,
        uid_range: None,
        protocol: None,
        ip_proto: None,
        sport: None,
        dport: None,
        no_track: false,
        track_group: None,
    };
    let mut action: Option<RuleAction> = None;
    let mut fam: Option<Family> = None;
    let mut from_fam: Option<Family> = None;
    let mut to_fam: Option<Family> = None;
    // realms and suppressors only make sense with a table lookup.
    let mut table_option: Option<usize> = None;
    let mut table_given = false;
    let n = a.len();
    let mut i = 0;
    while i < n {
        let opt = a.req(i)?.to_string();
        match opt.as_str() {
            "inet6" | "inet" => {
                let f = if opt == "inet" {
                    Family::Inet
                } else {
                    Family::Inet6
                };
                if !join_family(&mut fam, Some(f)) {
                    bad(ctx, a, i, format!("rule: '{opt}' contradicts the rule's other addresses; the rule is ignored"));
                    return Ok(None);
                }
                // keepalived also skips the word after inet/inet6.
                if let Some(next) = a.get(i + 1) {
                    let next = next.to_string();
                    let d = ctx.lint(a, i + 1, format!("'{next}' after '{opt}' is skipped (keepalived reads '{opt}' as taking a value)"));
                    d.help =
                        Some("put inet/inet6 last, or use addresses that show the family".into());
                }
                i += 1;
            }
            "from" | "to" => {
                i += 1;
                let s = a.req(i)?.to_string();
                let Some((p, pf)) = parse_prefix(ctx, a, i, &s) else {
                    let d = ctx.error(
                        Class::General,
                        a,
                        i,
                        format!(
                            "rule: '{opt} {s}': not a valid address prefix; the rule is ignored"
                        ),
                    );
                    if looks_like_placeholder(&s) {
                        d.help = Some(
                            "this looks like a template placeholder that was never filled in"
                                .into(),
                        );
                    }
                    return Ok(None);
                };
                if !join_family(&mut fam, pf) {
                    bad(ctx, a, i, format!("rule: {opt} {s} mixes IPv4 and IPv6 (or 'all' after an address); the rule is ignored"));
                    return Ok(None);
                }
                if opt == "from" {
                    r.from = Some(p);
                    from_fam = pf;
                } else {
                    r.to = Some(p);
                    to_fam = pf;
                }
            }
            "table" | "lookup" => {
                i += 1;
                let s = a.req(i)?.to_string();
                let Some(t) = net_names::table(ctx, &s) else {
                    bad(ctx, a, i, format!("rule: unknown routing table '{s}' (a number or a name from rt_tables expected); the rule is ignored"));
                    return Ok(None);
                };
                if t == 0 {
                    bad(
                        ctx,
                        a,
                        i,
                        "rule: table 0 is not a valid table; the rule is ignored".into(),
                    );
                    return Ok(None);
                }
                table_given = true;
                if action.is_some() {
                    bad(ctx, a, i - 1, "rule: a rule takes only one action (table, l3mdev, goto, nop, blackhole, prohibit or unreachable); the rule is ignored".into());
                    return Ok(None);
                }
                action = Some(RuleAction::Table(t));
            }
            "not" => r.invert = true,
            "preference" | "order" | "priority" => {
                i += 1;
                let s = a.req(i)?.to_string();
                match values::unsigned(&s, 0, 0, u32::MAX) {
                    Ok(v) => {
                        r.priority = v;
                        r.priority_given = true;
                    }
                    Err(e) => {
                        bad(
                            ctx,
                            a,
                            i,
                            format!(
                                "rule: invalid {opt} '{s}': {}; the rule is ignored",
                                e.message
                            ),
                        );
                        return Ok(None);
                    }
                }
            }
            "tos" | "dsfield" => {
                i += 1;
                let s = a.req(i)?.to_string();
                match net_names::dsfield(ctx, &s) {
                    Some(v) => r.tos = Some(v),
                    None => {
                        bad(ctx, a, i, format!("rule: invalid {opt} '{s}' (0..255 or a name from rt_dsfield expected); the rule is ignored"));
                        return Ok(None);
                    }
                }
            }
            "fwmark" => {
                i += 1;
                let s = a.req(i)?.to_string();
                match fwmark(&s) {
                    Some(m) => r.fwmark = Some(m),
                    None => {
                        bad(ctx, a, i, format!("rule: invalid fwmark '{s}' (MARK[/MASK], 32-bit numbers expected); the rule is ignored"));
                        return Ok(None);
                    }
                }
            }
            "realms" => {
                i += 1;
                let s = a.req(i)?.to_string();
                let Some(v) = net_names::realms(ctx, &s) else {
                    bad(ctx, a, i, format!("rule: invalid realms '{s}' ([FROM/]TO, numbers or rt_realms names); the rule is ignored"));
                    return Ok(None);
                };
                r.realms = Some(v);
                table_option.get_or_insert(i - 1);
                if !join_family(&mut fam, Some(Family::Inet)) {
                    bad(
                        ctx,
                        a,
                        i,
                        "rule: realms are only for IPv4 rules; the rule is ignored".into(),
                    );
                    return Ok(None);
                }
            }
            "suppress_prefixlength" | "sup_pl" => {
                i += 1;
                let s = a.req(i)?.to_string();
                match values::unsigned(&s, 10, 0, i32::MAX as u32) {
                    Ok(v) => r.suppress_prefixlen = Some(v),
                    Err(e) => {
                        bad(
                            ctx,
                            a,
                            i,
                            format!(
                                "rule: invalid {opt} '{s}': {}; the rule is ignored",
                                e.message
                            ),
                        );
                        return Ok(None);
                    }
                }
                table_option.get_or_insert(i - 1);
            }
            "suppress_ifgroup" | "sup_group" => {
                i += 1;
                let s = a.req(i)?.to_string();
                match net_names::group(ctx, &s) {
                    Some(v) => r.suppress_ifgroup = Some(v),
                    None => {
                        bad(ctx, a, i, format!("rule: unknown interface group '{s}' (a number or a name from /etc/iproute2/group expected); the rule is ignored"));
                        return Ok(None);
                    }
                }
                table_option.get_or_insert(i - 1);
            }
            "dev" | "iif" | "oif" => {
                i += 1;
                let s = a.req(i)?.to_string();
                if !interface_usable(ctx, a, i, &s) {
                    bad(
                        ctx,
                        a,
                        i,
                        format!("rule: interface '{s}' does not exist; the rule is ignored"),
                    );
                    return Ok(None);
                }
                if opt == "oif" {
                    r.oif = Some(s);
                } else {
                    r.iif = Some(s);
                }
            }
            "tunnel-id" => {
                i += 1;
                let s = a.req(i)?.to_string();
                match values::unsigned64(&s, 0, u64::MAX) {
                    Ok(v) => r.tunnel_id = Some(v),
                    Err(e) => {
                        bad(
                            ctx,
                            a,
                            i,
                            format!(
                                "rule: invalid tunnel-id '{s}': {}; the rule is ignored",
                                e.message
                            ),
                        );
                        return Ok(None);
                    }
                }
            }
            "uidrange" => {
                i += 1;
                let s = a.req(i)?.to_string();
                match net_values::scan_range(&s, 32) {
                    (2, start, end) => {
                        r.uid_range = Some(Range {
                            start: start as u32,
                            end: end as u32,
                        })
                    }
                    _ => {
                        bad(ctx, a, i, format!("rule: invalid uidrange '{s}' (START-END expected); the rule is ignored"));
                        return Ok(None);
                    }
                }
            }
            "l3mdev" => {
                if action.is_some() {
                    bad(
                        ctx,
                        a,
                        i,
                        "rule: l3mdev cannot be combined with another action; the rule is ignored"
                            .into(),
                    );
                    return Ok(None);
                }
                action = Some(RuleAction::L3mdev);
            }
            "protocol" => {
                i += 1;
                let s = a.req(i)?.to_string();
                match values::unsigned(&s, 10, 0, 255) {
                    Ok(v) => r.protocol = Some(v as u8),
                    Err(e) => bad(
                        ctx,
                        a,
                        i,
                        format!(
                            "rule: invalid protocol '{s}': {} (0..255 expected); it is ignored",
                            e.message
                        ),
                    ),
                }
            }
            "ipproto" => {
                i += 1;
                let s = a.req(i)?.to_string();
                match net_names::ip_proto(ctx, &s) {
                    Some(v) => r.ip_proto = Some(v),
                    None => bad(ctx, a, i, format!("rule: unknown IP protocol '{s}' (a number up to 127 or a name from /etc/protocols expected); it is ignored")),
                }
            }
            "sport" | "dport" => {
                i += 1;
                let s = a.req(i)?.to_string();
                match net_values::scan_range(&s, 16) {
                    (2, start, end) => {
                        let range = Some(Range {
                            start: start as u16,
                            end: end as u16,
                        });
                        if opt == "sport" {
                            r.sport = range;
                        } else {
                            r.dport = range;
                        }
                    }
                    (1, _, _) => {
                        let d = ctx.error(
                            Class::General,
                            a,
                            i,
                            format!("rule: {opt} '{s}' is a single port, which keepalived 2.2.7 rejects; it is ignored"),
                        );
                        d.help = Some(format!("write a range: {s}-{s}"));
                    }
                    _ => bad(
                        ctx,
                        a,
                        i,
                        format!(
                            "rule: invalid {opt} range '{s}' (PORT-PORT expected); it is ignored"
                        ),
                    ),
                }
            }
            "no_track" => r.no_track = true,
            "track_group" if allow_track_group => {
                i += 1;
                let s = a.req(i)?.to_string();
                if r.track_group.is_some() {
                    let d = ctx.error(
                        Class::General,
                        a,
                        i,
                        format!("rule: a second track_group '{s}' is given"),
                    );
                    d.help = Some("keepalived ignores the rest of the entry from here".into());
                    break;
                }
                if super::statics::track_group_exists(ctx, &s) {
                    r.track_group = Some(s);
                } else {
                    let d = ctx.error(
                        Class::General,
                        a,
                        i,
                        format!("rule: track_group '{s}' is not defined; the rule is not tracked by a group"),
                    );
                    d.help =
                        Some("a track_group must be defined before the entries that use it".into());
                }
            }
            _ => {
                let mut word = opt.clone();
                if word == "type" {
                    i += 1;
                    word = a.req(i)?.to_string();
                }
                let act = if word == "goto" {
                    i += 1;
                    let s = a.req(i)?.to_string();
                    match values::unsigned(&s, 10, 0, u32::MAX) {
                        Ok(v) => RuleAction::Goto(v),
                        Err(e) => {
                            bad(
                                ctx,
                                a,
                                i,
                                format!(
                                    "rule: invalid goto target '{s}': {}; the rule is ignored",
                                    e.message
                                ),
                            );
                            return Ok(None);
                        }
                    }
                } else if word == "nop" {
                    RuleAction::Nop
                } else if let Some(t) = net_names::rtntype(&word) {
                    match t {
                        rtn::BLACKHOLE => RuleAction::Blackhole,
                        rtn::UNREACHABLE => RuleAction::Unreachable,
                        rtn::PROHIBIT => RuleAction::Prohibit,
                        _ => {
                            bad(ctx, a, i, format!("rule: '{word}' is not a rule action (blackhole, unreachable or prohibit); the rule is ignored"));
                            return Ok(None);
                        }
                    }
                } else {
                    let d = ctx.error(
                        Class::General,
                        a,
                        i,
                        format!("rule: unknown option '{word}'; the rule is ignored"),
                    );
                    if let Some(k) = suggest(&word) {
                        d.help = Some(format!("did you mean '{k}'?"));
                    }
                    return Ok(None);
                };
                if action.is_some() {
                    bad(ctx, a, i, "rule: a rule takes only one action (table, l3mdev, goto, nop, blackhole, prohibit or unreachable); the rule is ignored".into());
                    return Ok(None);
                }
                action = Some(act);
            }
        }
        i += 1;
    }

    if let Some(RuleAction::Goto(target)) = action {
        if !r.priority_given {
            let d = ctx.error(
                Class::General,
                a,
                0,
                format!("rule: 'goto {target}' needs a preference; the rule is ignored"),
            );
            d.help = Some(
                "a goto must jump forwards: give the rule a preference below the target".into(),
            );
            return Ok(None);
        }
        if r.priority >= target {
            bad(ctx, a, 0, format!("rule: preference {} is not below the goto target {target}; the rule is ignored", r.priority));
            return Ok(None);
        }
    }

    let Some(act) = action else {
        let d = ctx.error(Class::General, a, 0, "rule has no action; it is ignored");
        d.help =
            Some("add 'table ID' (or l3mdev, goto, nop, blackhole, prohibit, unreachable)".into());
        return Ok(None);
    };
    r.action = act;

    let is_table = matches!(act, RuleAction::Table(_) | RuleAction::L3mdev);
    if let (false, Some(w)) = (is_table, table_option) {
        bad(
            ctx,
            a,
            w,
            "rule: realms and suppress_* need a 'table' action; the rule is ignored".into(),
        );
        return Ok(None);
    }
    if table_given && act == RuleAction::L3mdev {
        bad(
            ctx,
            a,
            0,
            "rule: l3mdev rules take no table; the rule is ignored".into(),
        );
        return Ok(None);
    }

    if !r.no_track {
        if r.protocol.is_some_and(|p| p != RTPROT_KEEPALIVED) {
            let d = ctx.error(
                Class::General,
                a,
                0,
                format!("rule: a tracked rule must have protocol keepalived ({RTPROT_KEEPALIVED}); the protocol is replaced"),
            );
            d.help = Some("add 'no_track' to keep your protocol".into());
        }
        r.protocol = Some(RTPROT_KEEPALIVED);
    }

    if r.track_group.is_some() && r.iif.is_none() {
        bad(
            ctx,
            a,
            0,
            "rule: track_group needs 'dev' or 'iif'; it is ignored".into(),
        );
        r.track_group = None;
    }

    let family = fam.unwrap_or(Family::Inet);
    r.family = family;
    if let (Some(p), None) = (r.from.as_mut(), from_fam) {
        p.family = family;
    }
    if let (Some(p), None) = (r.to.as_mut(), to_fam) {
        p.family = family;
    }

    if !r.priority_given {
        let counter = &mut ctx.cfg.vrrp.statics.auto_rule_priorities;
        let used = match family {
            Family::Inet => &mut counter.0,
            Family::Inet6 => &mut counter.1,
        };
        r.priority = AUTO_PRIORITY_START.wrapping_sub(*used);
        *used = used.wrapping_add(1);
        let d = ctx.error(
            Class::General,
            a,
            0,
            format!(
                "rule has no 'preference'; it is given preference {}",
                r.priority
            ),
        );
        d.help = Some(
            "rules are matched in preference order: give every rule an explicit 'preference N'"
                .into(),
        );
    }

    Ok(Some(r))
}

/// keepalived's fwmark reading: `MARK[/MASK]`, each a C number (any base)
/// of at most 32 bits.
fn fwmark(text: &str) -> Option<(u32, Option<u32>)> {
    let s = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    if s.starts_with('-') {
        return None;
    }
    let (mark, rest) = c_strtoul(s, 0);
    if mark > u64::from(u32::MAX) {
        return None;
    }
    let (mask, rest) = match rest.strip_prefix('/') {
        Some(m) => {
            if m.starts_with(|c: char| c.is_ascii_whitespace() || c == '\x0b' || c == '-') {
                return None;
            }
            let (mask, rest) = c_strtoul(m, 0);
            if mask > u64::from(u32::MAX) {
                return None;
            }
            (Some(mask as u32), rest)
        }
        None => (None, rest),
    };
    rest.is_empty().then_some((mark as u32, mask))
}

const RULE_OPTIONS: &[&str] = &[
    "from",
    "to",
    "table",
    "lookup",
    "preference",
    "priority",
    "fwmark",
    "iif",
    "oif",
    "dev",
    "not",
    "tos",
    "realms",
    "goto",
    "nop",
    "blackhole",
    "unreachable",
    "prohibit",
    "no_track",
    "uidrange",
    "ipproto",
    "sport",
    "dport",
    "l3mdev",
    "suppress_prefixlength",
    "suppress_ifgroup",
    "track_group",
    "protocol",
    "tunnel-id",
];

fn suggest(word: &str) -> Option<&'static str> {
    crate::config::parser::closest(word, RULE_OPTIONS.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fwmarks() {
        assert_eq!(fwmark("5"), Some((5, None)));
        assert_eq!(fwmark("0x10/0xff"), Some((16, Some(255))));
        assert_eq!(fwmark("5/"), Some((5, Some(0))));
        assert_eq!(fwmark("-1"), None);
        assert_eq!(fwmark("5/-1"), None);
        assert_eq!(fwmark("4294967296"), None);
        assert_eq!(fwmark("5x"), None);
        assert_eq!(fwmark("5/6/7"), None);
    }
}
