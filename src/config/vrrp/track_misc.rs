//! garp_group, track_group, linkbeat_interfaces and
//! interface_up_down_delays.

use std::time::Duration;

use super::track::{decimal_tolerant, interface_known, interface_or_dynamic, micros};
use super::track_sync::value_words;
use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx, Keyword, Res};
use crate::config::source::Pos;

// ---- garp_group -------------------------------------------------------------

/// garp_group { ... }: rate limits for gratuitous ARPs and unsolicited
/// neighbour advertisements on some interfaces.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GarpGroup {
    pub pos: Pos,
    /// Spacing between gratuitous ARPs (µs resolution, up to 2147 s).
    pub garp_interval: Option<Duration>,
    /// Spacing between unsolicited neighbour advertisements.
    pub gna_interval: Option<Duration>,
    /// The interfaces the limits apply to (`interface` and `interfaces`).
    pub interfaces: Vec<String>,
    /// Non-zero when `interfaces` was used: the interfaces share one limit
    /// (they are on the same switch). Numbered from 1 across groups.
    pub aggregation_group: u32,
}

pub const GARP_GROUP: &[Keyword] = &[
    Keyword::leaf("garp_interval", garp_interval),
    Keyword::leaf("gna_interval", gna_interval),
    Keyword::leaf("interface", garp_interface),
    Keyword::leaf("interfaces", garp_interfaces),
];

/// The largest garp_group interval, in µs (keepalived reads it into an int).
const MAX_GARP_US: u64 = i32::MAX as u64;

pub fn garp_group_start(ctx: &mut Ctx, a: &Args) -> Res {
    ctx.cfg.vrrp.track.garp_groups.push(GarpGroup {
        pos: a.pos(0),
        ..Default::default()
    });
    Ok(())
}

fn garp_any_interval(ctx: &mut Ctx, a: &Args, gna: bool) -> Res {
    let Some(us) = decimal_tolerant(ctx, a, 1, 0, MAX_GARP_US, 6)? else {
        let (kw, word) = (a.keyword().to_string(), a.req(1)?.to_string());
        ctx.error(
            Class::General,
            a,
            1,
            format!("garp_group {kw} '{word}' is not a valid number of seconds: it is ignored"),
        );
        return Ok(());
    };
    if us >= 1_000_000 {
        let kw = a.keyword().to_string();
        ctx.lint(
            a,
            1,
            format!("garp_group {kw} of a second or more is very large"),
        );
    }
    if let Some(g) = ctx.cfg.vrrp.track.garp_groups.last_mut() {
        if gna {
            g.gna_interval = Some(micros(us));
        } else {
            g.garp_interval = Some(micros(us));
        }
    }
    Ok(())
}

fn garp_interval(ctx: &mut Ctx, a: &Args) -> Res {
    garp_any_interval(ctx, a, false)
}

fn gna_interval(ctx: &mut Ctx, a: &Args) -> Res {
    garp_any_interval(ctx, a, true)
}

/// Whether an interface can join the current garp group: it must exist and
/// not be in a garp group already.
fn garp_can_add(ctx: &mut Ctx, a: &Args, i: usize, name: &str) -> bool {
    if !interface_or_dynamic(ctx, name) {
        ctx.error(
            Class::General,
            a,
            i,
            format!("garp_group: interface '{name}' does not exist: it is ignored, and keepalived's VRRP process will not start"),
        );
        return false;
    }
    let taken = ctx
        .cfg
        .vrrp
        .track
        .garp_groups
        .iter()
        .any(|g| g.interfaces.iter().any(|n| n == name));
    if taken {
        ctx.error(
            Class::General,
            a,
            i,
            format!("interface '{name}' is already in a garp_group: it is not added to this one"),
        );
        return false;
    }
    true
}

fn garp_interface(ctx: &mut Ctx, a: &Args) -> Res {
    let name = a.req(1)?.to_string();
    if garp_can_add(ctx, a, 1, &name) {
        if let Some(g) = ctx.cfg.vrrp.track.garp_groups.last_mut() {
            g.interfaces.push(name);
        }
    }
    Ok(())
}

fn garp_interfaces(ctx: &mut Ctx, a: &Args) -> Res {
    let entries = ctx.value_block(a);
    if entries.is_empty() {
        ctx.error(
            Class::General,
            a,
            0,
            "garp_group: the interfaces block is empty",
        );
        return Ok(());
    }
    let groups = &mut ctx.cfg.vrrp.track.garp_groups;
    let others = groups.len().saturating_sub(1);
    let number = 1 + groups[..others]
        .iter()
        .filter(|g| g.aggregation_group != 0)
        .count() as u32;
    if let Some(g) = groups.last_mut() {
        g.aggregation_group = number;
    }
    for e in &entries {
        for i in 0..e.len() {
            let name = e.get(i).unwrap_or("").to_string();
            if garp_can_add(ctx, e, i, &name) {
                if let Some(g) = ctx.cfg.vrrp.track.garp_groups.last_mut() {
                    g.interfaces.push(name);
                }
            }
        }
    }
    Ok(())
}

/// The end of the block: a group without any interval is dropped.
pub fn garp_group_close(ctx: &mut Ctx) {
    let Some(g) = ctx.cfg.vrrp.track.garp_groups.last() else {
        return;
    };
    if g.garp_interval.is_none() && g.gna_interval.is_none() {
        ctx.error_at(
            Class::General,
            Some(ctx.reader.current),
            "garp_group sets neither garp_interval nor gna_interval: it is dropped",
        );
        ctx.cfg.vrrp.track.garp_groups.pop();
    }
}

// ---- track_group --------------------------------------------------------------

/// track_group NAME { group { INSTANCE ... } }
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TrackGroup {
    pub name: String,
    pub pos: Pos,
    /// Instance names, as configured.
    pub members: Vec<String>,
    pub member_pos: Vec<Pos>,
    /// Indices in `vrrp.instances.list` of the members found (set by
    /// `track::validate_after_instances`).
    pub instances: Vec<usize>,
}

pub const TRACK_GROUP: &[Keyword] = &[Keyword::leaf("group", track_group_group).not_acted_on()];

pub fn track_group_start(ctx: &mut Ctx, a: &Args) -> Res {
    if a.len() != 2 {
        ctx.error(
            Class::General,
            a,
            0,
            "track_group needs exactly one name: the block is skipped",
        );
        ctx.skip_block();
        return Ok(());
    }
    let name = a.req(1)?.to_string();
    if ctx
        .cfg
        .vrrp
        .track
        .track_groups
        .iter()
        .any(|g| g.name == name)
    {
        ctx.error(
            Class::General,
            a,
            1,
            format!("track_group '{name}' is already defined: this block is skipped"),
        );
        ctx.skip_block();
        return Ok(());
    }
    ctx.cfg.vrrp.track.track_groups.push(TrackGroup {
        name,
        pos: a.pos(1),
        ..Default::default()
    });
    Ok(())
}

fn track_group_group(ctx: &mut Ctx, a: &Args) -> Res {
    let name = ctx
        .cfg
        .vrrp
        .track
        .track_groups
        .last()
        .map(|g| g.name.clone())
        .unwrap_or_default();
    if ctx
        .cfg
        .vrrp
        .track
        .track_groups
        .last()
        .is_some_and(|g| !g.members.is_empty())
    {
        ctx.error(
            Class::General,
            a,
            0,
            format!("track_group '{name}': the member list is already given: this one is skipped"),
        )
        .help = Some(
            "keepalived skips what follows up to the end of the next '{ ... }', which can end the track_group early"
                .into(),
        );
        ctx.skip_block();
        return Ok(());
    }
    let (members, pos) = value_words(ctx, a);
    if members.is_empty() {
        ctx.error(
            Class::General,
            a,
            0,
            format!("track_group '{name}': the group block is empty"),
        );
    }
    if let Some(g) = ctx.cfg.vrrp.track.track_groups.last_mut() {
        g.members = members;
        g.member_pos = pos;
    }
    Ok(())
}

/// keepalived's `static_track_group_init`: members are resolved; a group
/// without any instance is dropped. keepalived only logs these problems.
pub fn resolve_track_groups(ctx: &mut Ctx) {
    let names: Vec<String> = ctx
        .cfg
        .vrrp
        .instances
        .list
        .iter()
        .map(|i| i.name.clone())
        .collect();
    let groups = std::mem::take(&mut ctx.cfg.vrrp.track.track_groups);
    let mut kept = Vec::new();
    for mut g in groups {
        if g.members.is_empty() {
            ctx.lint_at(
                Some(g.pos),
                format!(
                    "track_group '{}' has no member instances: it is dropped",
                    g.name
                ),
            );
            continue;
        }
        g.instances.clear();
        for (k, m) in g.members.iter().enumerate() {
            match names.iter().position(|n| n == m) {
                Some(i) => g.instances.push(i),
                None => {
                    let pos = g.member_pos.get(k).copied().unwrap_or(g.pos);
                    ctx.lint_at(
                        Some(pos),
                        format!(
                            "track_group '{}': there is no vrrp_instance '{m}': it is ignored",
                            g.name
                        ),
                    );
                }
            }
        }
        if g.instances.is_empty() {
            ctx.lint_at(
                Some(g.pos),
                format!(
                    "track_group '{}': none of its members is a vrrp_instance: it is dropped",
                    g.name
                ),
            );
            continue;
        }
        kept.push(g);
    }
    ctx.cfg.vrrp.track.track_groups = kept;
}

// ---- linkbeat_interfaces ---------------------------------------------------------

/// How the link state of an interface is polled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkbeatMethod {
    Mii,
    Ethtool,
    Ioctl,
}

/// An entry of linkbeat_interfaces { IF [MII|ETHTOOL|IOCTL] ... }.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkbeatInterface {
    pub name: String,
    pub pos: Pos,
    /// `None`: keepalived picks the method.
    pub method: Option<LinkbeatMethod>,
}

pub fn linkbeat(ctx: &mut Ctx, a: &Args) -> Res {
    for e in ctx.value_block(a) {
        let Some(name) = e.get(0).map(str::to_string) else {
            continue;
        };
        if !interface_known(ctx, &name) {
            ctx.error(
                Class::Fatal,
                &e,
                0,
                format!("linkbeat_interfaces: interface '{name}' does not exist"),
            )
            .help = Some("keepalived will not start with this configuration".into());
            continue;
        }
        let mut method = None;
        if let Some(word) = e.get(1) {
            method = match word {
                "MII" => Some(LinkbeatMethod::Mii),
                "ETHTOOL" => Some(LinkbeatMethod::Ethtool),
                "IOCTL" => Some(LinkbeatMethod::Ioctl),
                _ => None,
            };
            if method.is_none() || e.len() > 2 {
                let at = if method.is_none() { 1 } else { 2 };
                ctx.error(
                    Class::General,
                    &e,
                    at,
                    format!("linkbeat_interfaces: unexpected words after '{name}': only one of MII, ETHTOOL or IOCTL may follow"),
                );
            }
        }
        let entry = LinkbeatInterface {
            name,
            pos: e.pos(0),
            method,
        };
        let list = &mut ctx.cfg.vrrp.track.linkbeat_interfaces;
        // keepalived keeps the setting per interface: the last one counts.
        match list.iter_mut().find(|l| l.name == entry.name) {
            Some(old) => *old = entry,
            None => list.push(entry),
        }
    }
    Ok(())
}

// ---- interface_up_down_delays ------------------------------------------------------

/// An entry of interface_up_down_delays { IF DOWN [UP] ... }: how long an
/// interface state change must last before it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpDownDelay {
    pub interface: String,
    pub pos: Pos,
    /// 0..=255 s, µs resolution.
    pub down: Duration,
    /// 0..=255 s; 0 when not given (not the down delay, whatever the man
    /// page says).
    pub up: Duration,
}

const MAX_DELAY_US: u64 = 255 * 1_000_000;

pub fn up_down_delays(ctx: &mut Ctx, a: &Args) -> Res {
    for e in ctx.value_block(a) {
        let Some(name) = e.get(0).map(str::to_string) else {
            continue;
        };
        if !interface_known(ctx, &name) {
            ctx.error(
                Class::Fatal,
                &e,
                0,
                format!("interface_up_down_delays: interface '{name}' does not exist"),
            )
            .help = Some("keepalived will not start with this configuration".into());
            continue;
        }
        // The rest is only logged by keepalived.
        if e.len() < 2 {
            ctx.lint(
                &e,
                0,
                format!(
                    "interface_up_down_delays: no delays given for '{name}': the entry is ignored"
                ),
            );
            continue;
        }
        if e.len() > 3 {
            ctx.lint(
                &e,
                3,
                format!("interface_up_down_delays: only a down and an up delay may follow '{name}': the rest is ignored"),
            );
        }
        let Ok(Some(down)) = decimal_tolerant(ctx, &e, 1, 0, MAX_DELAY_US, 6) else {
            ctx.lint(
                &e,
                1,
                format!("interface_up_down_delays: invalid down delay for '{name}': the entry is ignored"),
            );
            continue;
        };
        let up = if e.len() == 2 {
            0
        } else {
            let Ok(Some(up)) = decimal_tolerant(ctx, &e, 2, 0, MAX_DELAY_US, 6) else {
                ctx.lint(
                    &e,
                    2,
                    format!("interface_up_down_delays: invalid up delay for '{name}': the entry is ignored"),
                );
                continue;
            };
            up
        };
        let entry = UpDownDelay {
            interface: name,
            pos: e.pos(0),
            down: micros(down),
            up: micros(up),
        };
        let list = &mut ctx.cfg.vrrp.track.up_down_delays;
        match list.iter_mut().find(|d| d.interface == entry.interface) {
            Some(old) => *old = entry,
            None => list.push(entry),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::vrrp::track::testing::{add_instances, errors, exit_code, parse, report};

    #[test]
    fn garp_groups() {
        let ctx = parse(
            "garp_group {\n garp_interval 0.001\n gna_interval 0.5\n interface lo\n}\n\
             garp_group {\n gna_interval 2\n interfaces {\n eth_x lo\n }\n}\n",
        );
        // eth_x does not exist, lo is taken already.
        assert_eq!(
            errors(&ctx),
            [(Class::General, 9), (Class::General, 9)],
            "{}",
            report(&ctx)
        );
        assert!(ctx.cfg.vrrp.non_existent_interface);
        let g = &ctx.cfg.vrrp.track.garp_groups;
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].garp_interval, Some(Duration::from_millis(1)));
        assert_eq!(g[0].gna_interval, Some(Duration::from_millis(500)));
        assert_eq!(g[0].interfaces, ["lo"]);
        assert_eq!(g[0].aggregation_group, 0);
        assert_eq!(g[1].garp_interval, None);
        assert_eq!(g[1].gna_interval, Some(Duration::from_secs(2)));
        assert!(g[1].interfaces.is_empty());
        assert_eq!(g[1].aggregation_group, 1);
    }

    #[test]
    fn garp_group_problems() {
        // No interval: dropped. An empty interfaces block is reported.
        let ctx = parse("garp_group {\n interfaces {\n }\n}\n");
        assert!(ctx.cfg.vrrp.track.garp_groups.is_empty());
        assert_eq!(errors(&ctx), [(Class::General, 2), (Class::General, 4)]);
        // keepalived keeps an in-range value from an invalid number here.
        let ctx = parse("garp_group {\n gna_interval x\n}\n");
        assert_eq!(errors(&ctx), [(Class::InvalidNumber, 2)]);
        assert_eq!(
            ctx.cfg.vrrp.track.garp_groups[0].gna_interval,
            Some(Duration::ZERO)
        );
        let ctx = parse("garp_group {\n garp_interval -1\n}\n");
        assert_eq!(
            errors(&ctx),
            [
                (Class::InvalidNumber, 2),
                (Class::General, 2),
                (Class::General, 3)
            ]
        );
        assert_eq!(exit_code(&parse("garp_group {\n interface\n}\n")), 2);
    }

    #[test]
    fn track_groups() {
        let mut ctx = parse("track_group T {\n group {\n VI_1 VI_2\n VI_9\n }\n}\n");
        assert_eq!(exit_code(&ctx), 0);
        let t = &ctx.cfg.vrrp.track.track_groups[0];
        assert_eq!((t.name.as_str(), t.members.len()), ("T", 3));
        add_instances(&mut ctx, &["VI_2", "VI_1"]);
        resolve_track_groups(&mut ctx);
        // keepalived only logs the unknown member.
        assert_eq!(exit_code(&ctx), 0);
        assert_eq!(ctx.cfg.vrrp.track.track_groups[0].instances, [1, 0]);
        let mut ctx = parse("track_group T {\n group {\n VI_9\n }\n}\n");
        resolve_track_groups(&mut ctx);
        assert!(ctx.cfg.vrrp.track.track_groups.is_empty());
    }

    #[test]
    fn track_group_problems() {
        let ctx = parse(
            "track_group {\n group { a }\n}\ntrack_group t {\n group { a }\n group { b }\n}\ntrack_group t {\n}\ntrack_group u {\n group {\n }\n}\n",
        );
        assert_eq!(
            errors(&ctx),
            [
                (Class::General, 1),
                (Class::General, 6),
                (Class::UnknownKeyword, 7),
                (Class::General, 8),
                (Class::General, 11)
            ],
            "{}",
            report(&ctx)
        );
        assert_eq!(ctx.cfg.vrrp.track.track_groups.len(), 2);
    }

    #[test]
    fn linkbeat_interfaces() {
        let ctx = parse("linkbeat_interfaces {\n lo MII\n eth_x\n lo\n}\n");
        // A missing interface is fatal for keepalived.
        assert_eq!(errors(&ctx), [(Class::Fatal, 3)]);
        assert_eq!(exit_code(&ctx), 4);
        let l = &ctx.cfg.vrrp.track.linkbeat_interfaces;
        assert_eq!(l.len(), 1);
        assert_eq!((l[0].name.as_str(), l[0].method), ("lo", None));
        let ctx = parse("linkbeat_interfaces {\n lo ETHTOOL\n}\n");
        assert_eq!(
            ctx.cfg.vrrp.track.linkbeat_interfaces[0].method,
            Some(LinkbeatMethod::Ethtool)
        );
        let ctx = parse("linkbeat_interfaces {\n lo IOCTL x\n lo mii\n}\n");
        assert_eq!(errors(&ctx), [(Class::General, 2), (Class::General, 3)]);
    }

    #[test]
    fn up_down_delays() {
        let ctx = parse("interface_up_down_delays {\n lo 1.5 0.25\n}\n");
        assert_eq!(exit_code(&ctx), 0);
        let d = &ctx.cfg.vrrp.track.up_down_delays[0];
        assert_eq!(d.interface, "lo");
        assert_eq!(d.down, Duration::from_millis(1500));
        assert_eq!(d.up, Duration::from_millis(250));
        // The up delay defaults to 0; the last entry for an interface wins.
        let ctx = parse("interface_up_down_delays {\n lo 1\n lo 2\n}\n");
        let d = &ctx.cfg.vrrp.track.up_down_delays;
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].down, d[0].up),
            (Duration::from_secs(2), Duration::ZERO)
        );
        // keepalived only logs most problems; a bad number is reported.
        let ctx = parse("interface_up_down_delays {\n lo\n lo 1 2 3\n lo 300\n}\n");
        assert_eq!(errors(&ctx), [(Class::InvalidNumber, 4)]);
        assert_eq!(
            ctx.cfg.vrrp.track.up_down_delays[0].down,
            Duration::from_secs(1)
        );
        let ctx = parse("interface_up_down_delays {\n eth_x 1\n}\n");
        assert_eq!(errors(&ctx), [(Class::Fatal, 2)]);
        assert_eq!(exit_code(&ctx), 4);
    }
}
