//! static_ipaddress, static_routes and static_rules: addresses, routes and
//! rules keepalived installs at startup whatever the VRRP state.

use super::ipaddr::{self, IpAddress};
use super::route::{self, Route};
use super::rule::{self, Rule};
use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx, Keyword, Res};

#[derive(Debug, Default, Clone)]
pub struct Statics {
    /// static_ipaddress entries.
    pub addresses: Vec<IpAddress>,
    /// static_routes entries.
    pub routes: Vec<Route>,
    /// static_rules entries.
    pub rules: Vec<Rule>,
    /// Rules without a preference numbered so far (IPv4, IPv6): keepalived
    /// numbers them downwards across static and virtual rules, in file order.
    pub auto_rule_priorities: (u32, u32),
    /// Interfaces already reported as missing but allowed by
    /// dynamic_interfaces (keepalived mentions each once).
    pub dynamic_noted: Vec<String>,
}

/// Top-level keywords of this part.
pub static ROOT: &[Keyword] = &[
    Keyword::leaf("static_ipaddress", static_ipaddress),
    Keyword::leaf("static_routes", static_routes),
    Keyword::leaf("static_rules", static_rules),
];

/// keepalived exits (status 2) when an entry lacks a value it requires.
/// Report it at the entry rather than at the block's keyword.
pub fn entry_missing_parameter(ctx: &mut Ctx, entry: &Args) {
    let n = entry.len();
    let last = entry.get(n.saturating_sub(1)).unwrap_or("").to_string();
    let d = ctx.error(
        Class::MissingParameter,
        entry,
        n,
        format!("'{last}' needs a value at the end of this entry"),
    );
    d.help = Some("keepalived stops reading the configuration here and exits".into());
    ctx.reader.diags.aborts.missing_parameter = true;
}

fn static_ipaddress(ctx: &mut Ctx, a: &Args) -> Res {
    for e in ctx.value_block(a) {
        match ipaddr::parse_ip_address(ctx, &e, true) {
            Ok(Some(ip)) => ctx.cfg.vrrp.statics.addresses.push(ip),
            Ok(None) => {}
            Err(_) => entry_missing_parameter(ctx, &e),
        }
    }
    Ok(())
}

fn static_routes(ctx: &mut Ctx, a: &Args) -> Res {
    for e in ctx.value_block(a) {
        match route::parse_route(ctx, &e, true) {
            Ok(Some(r)) => ctx.cfg.vrrp.statics.routes.push(r),
            Ok(None) => {}
            Err(_) => entry_missing_parameter(ctx, &e),
        }
    }
    Ok(())
}

fn static_rules(ctx: &mut Ctx, a: &Args) -> Res {
    for e in ctx.value_block(a) {
        match rule::parse_rule(ctx, &e, true) {
            Ok(Some(r)) => ctx.cfg.vrrp.statics.rules.push(r),
            Ok(None) => {}
            Err(_) => entry_missing_parameter(ctx, &e),
        }
    }
    Ok(())
}

/// keepalived's `static_track_group_find`: a track_group defined so far
/// (entries can only name groups defined above them).
pub fn track_group_exists(ctx: &Ctx, name: &str) -> bool {
    ctx.cfg
        .vrrp
        .track
        .track_groups
        .iter()
        .any(|g| g.name == name)
}

/// Checks after the whole configuration has been read. keepalived only logs
/// here (static_track_group_init), so these are our warnings.
pub fn validate(ctx: &mut Ctx) {
    let s = &ctx.cfg.vrrp.statics;
    let mut notes = Vec::new();
    for a in &s.addresses {
        if a.track_group.is_some() && a.no_track {
            notes.push((a.pos, format!("static address {}", a.addr)));
        }
    }
    for r in &s.routes {
        if r.track_group.is_some() && r.no_track {
            notes.push((r.pos, "static route".to_string()));
        }
    }
    for r in &s.rules {
        if r.track_group.is_some() && r.no_track {
            notes.push((r.pos, "static rule".to_string()));
        }
    }
    for (pos, what) in notes {
        ctx.lint_at(
            Some(pos),
            format!("{what} has both track_group and no_track: it is not tracked"),
        );
    }
}
