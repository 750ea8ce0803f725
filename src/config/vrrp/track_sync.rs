//! vrrp_sync_group NAME { group { ... } track_* { ... } notify_* ... } and
//! keepalived's checks on sync groups once everything has been read.

use super::track_refs::{self, TrackedInterface, TrackedObject};
use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx, Keyword, Missing, Res};
use crate::config::script::{self, Script};
use crate::config::source::Pos;

/// vrrp_sync_group NAME { ... }
#[derive(Debug, Default, Clone)]
pub struct SyncGroup {
    pub name: String,
    pub pos: Pos,
    /// Names of the member instances, as configured.
    pub members: Vec<String>,
    /// Where each member was named.
    pub member_pos: Vec<Pos>,
    /// Indices in `vrrp.instances.list` of the members that joined the
    /// group (set by `track::validate`).
    pub instances: Vec<usize>,
    pub track_interfaces: Vec<TrackedInterface>,
    pub track_scripts: Vec<TrackedObject>,
    pub track_files: Vec<TrackedObject>,
    pub track_processes: Vec<TrackedObject>,
    pub track_bfds: Vec<TrackedObject>,
    pub notify_backup: Option<Script>,
    pub notify_master: Option<Script>,
    pub notify_fault: Option<Script>,
    pub notify_stop: Option<Script>,
    /// `notify`: run with `GROUP name STATE 0` appended.
    pub notify: Option<Script>,
    /// `smtp_alert [BOOL]`; `None`: global_defs smtp_alert_vrrp, then
    /// smtp_alert, then off.
    pub smtp_alert: Option<bool>,
    /// `sync_group_tracking_weight` (or the obsolete `global_tracking`):
    /// members keep the weights of their own trackers.
    pub tracking_weight: bool,
    /// `notify_priority_changes [BOOL]`: the members' default.
    pub notify_priority_changes: Option<bool>,
}

/// The `state` an instance was configured with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WantState {
    #[default]
    Unset,
    Master,
    /// BACKUP, or an invalid state (keepalived takes it as BACKUP).
    Backup,
}

/// What the sync group checks need to know about one vrrp_instance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberView {
    /// `state`, as configured (a BACKUP after MASTER does not count).
    pub want_state: WantState,
    /// `priority`, as configured (an invalid value counts as 100); `None`
    /// when absent.
    pub priority: Option<u8>,
    /// Interfaces the instance tracks itself once completed: its own
    /// interface (and VMAC) unless `dont_track_primary`, and its remaining
    /// `track_interface` entries.
    pub tracked_interfaces: Vec<String>,
}

impl MemberView {
    /// Priority 255 once the instance is completed (an unset priority with
    /// state MASTER becomes 255).
    pub fn is_owner(&self) -> bool {
        match self.priority {
            Some(p) => p == 255,
            None => self.want_state == WantState::Master,
        }
    }
}

pub const KEYWORDS: &[Keyword] = &[
    Keyword::leaf("group", group),
    Keyword::leaf("track_interface", track_interface),
    Keyword::leaf("track_script", track_script),
    Keyword::leaf("track_file", track_file),
    Keyword::leaf("track_process", track_process),
    Keyword::leaf("track_bfd", track_bfd).not_acted_on(),
    Keyword::leaf("notify_backup", notify_backup),
    Keyword::leaf("notify_master", notify_master),
    Keyword::leaf("notify_fault", notify_fault),
    Keyword::leaf("notify_stop", notify_stop),
    Keyword::leaf("notify", notify),
    Keyword::leaf("smtp_alert", smtp_alert),
    Keyword::leaf("global_tracking", global_tracking),
    Keyword::leaf("sync_group_tracking_weight", tracking_weight),
    Keyword::leaf("notify_priority_changes", notify_priority_changes),
];

fn cur<'a>(ctx: &'a mut Ctx) -> Option<&'a mut SyncGroup> {
    ctx.cfg.vrrp.track.sync_groups.last_mut()
}

fn cur_name(ctx: &mut Ctx) -> String {
    cur(ctx).map(|g| g.name.clone()).unwrap_or_default()
}

/// `vrrp_sync_group NAME`: exactly one, new, name; otherwise the block is
/// skipped.
pub fn start(ctx: &mut Ctx, a: &Args) -> Res {
    if a.len() != 2 {
        let d = ctx.error(
            Class::General,
            a,
            0,
            "vrrp_sync_group needs exactly one name: the block is skipped",
        );
        if a.len() > 2 {
            d.help = Some("names cannot contain spaces".into());
        }
        ctx.skip_block();
        return Ok(());
    }
    let name = a.req(1)?.to_string();
    if ctx
        .cfg
        .vrrp
        .track
        .sync_groups
        .iter()
        .any(|g| g.name == name)
    {
        ctx.error(
            Class::General,
            a,
            1,
            format!("vrrp_sync_group '{name}' is already defined: this block is skipped"),
        );
        ctx.skip_block();
        return Ok(());
    }
    ctx.cfg.vrrp.track.sync_groups.push(SyncGroup {
        name,
        pos: a.pos(1),
        ..Default::default()
    });
    Ok(())
}

/// `group { NAME ... }`: the member instances, any number per line.
fn group(ctx: &mut Ctx, a: &Args) -> Res {
    let name = cur_name(ctx);
    if cur(ctx).is_some_and(|g| !g.members.is_empty()) {
        ctx.error(
            Class::General,
            a,
            0,
            format!("vrrp_sync_group '{name}': the member list is already given: this one is skipped"),
        )
        .help = Some(
            "keepalived skips what follows up to the end of the next '{ ... }', which can end the sync group early"
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
            format!("vrrp_sync_group '{name}': the group block is empty"),
        );
    }
    if let Some(g) = cur(ctx) {
        g.members = members;
        g.member_pos = pos;
    }
    Ok(())
}

/// keepalived's `read_value_block`: every word of the block, in order.
pub fn value_words(ctx: &mut Ctx, a: &Args) -> (Vec<String>, Vec<Pos>) {
    let mut words = Vec::new();
    let mut pos = Vec::new();
    for e in ctx.value_block(a) {
        for i in 0..e.len() {
            words.push(e.get(i).unwrap_or("").to_string());
            pos.push(e.pos(i));
        }
    }
    (words, pos)
}

fn track_interface(ctx: &mut Ctx, a: &Args) -> Res {
    let name = cur_name(ctx);
    for e in ctx.value_block(a) {
        let list = cur(ctx)
            .map(|g| g.track_interfaces.clone())
            .unwrap_or_default();
        if let Some(t) = track_refs::interface_entry(ctx, &name, &list, &e)? {
            if let Some(g) = cur(ctx) {
                g.track_interfaces.push(t);
            }
        }
    }
    Ok(())
}

fn track_objects(
    ctx: &mut Ctx,
    a: &Args,
    kind: &track_refs::Kind,
    list: fn(&mut SyncGroup) -> &mut Vec<TrackedObject>,
) -> Res {
    let name = cur_name(ctx);
    for e in ctx.value_block(a) {
        let so_far = cur(ctx).map(|g| list(g).clone()).unwrap_or_default();
        if let Some(t) = track_refs::object_entry(ctx, &name, &so_far, &e, kind)? {
            if let Some(g) = cur(ctx) {
                list(g).push(t);
            }
        }
    }
    Ok(())
}

fn track_script(ctx: &mut Ctx, a: &Args) -> Res {
    track_objects(ctx, a, &track_refs::SCRIPT, |g| &mut g.track_scripts)
}

fn track_file(ctx: &mut Ctx, a: &Args) -> Res {
    track_objects(ctx, a, &track_refs::FILE, |g| &mut g.track_files)
}

fn track_process(ctx: &mut Ctx, a: &Args) -> Res {
    track_objects(ctx, a, &track_refs::PROCESS, |g| &mut g.track_processes)
}

fn track_bfd(ctx: &mut Ctx, a: &Args) -> Res {
    track_objects(ctx, a, &track_refs::BFD, |g| &mut g.track_bfds)
}

/// The notify keywords: the first script given counts, later ones are
/// reported and ignored.
fn notify_kw(ctx: &mut Ctx, a: &Args, slot: fn(&mut SyncGroup) -> &mut Option<Script>) -> Res {
    if !super::track::notify_line_has_command(a) {
        return Err(Missing);
    }
    let name = cur_name(ctx);
    if cur(ctx).is_some_and(|g| slot(g).is_some()) {
        // keepalived names the ignored command, which must be there.
        let command = a.req(1)?.to_string();
        let kw = a.keyword().to_string();
        ctx.error(
            Class::General,
            a,
            1,
            format!("vrrp_sync_group '{name}': {kw} is already set: '{command}' is ignored"),
        );
        return Ok(());
    }
    let s = script::notify_script(ctx, a, "notify")?;
    if let Some(g) = cur(ctx) {
        *slot(g) = s;
    }
    Ok(())
}

fn notify_backup(ctx: &mut Ctx, a: &Args) -> Res {
    notify_kw(ctx, a, |g| &mut g.notify_backup)
}

fn notify_master(ctx: &mut Ctx, a: &Args) -> Res {
    notify_kw(ctx, a, |g| &mut g.notify_master)
}

fn notify_fault(ctx: &mut Ctx, a: &Args) -> Res {
    notify_kw(ctx, a, |g| &mut g.notify_fault)
}

fn notify_stop(ctx: &mut Ctx, a: &Args) -> Res {
    notify_kw(ctx, a, |g| &mut g.notify_stop)
}

fn notify(ctx: &mut Ctx, a: &Args) -> Res {
    notify_kw(ctx, a, |g| &mut g.notify)
}

fn smtp_alert(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(b) = ctx.opt_bool(a, 1) {
        if let Some(g) = cur(ctx) {
            g.smtp_alert = Some(b);
        }
    }
    Ok(())
}

fn global_tracking(ctx: &mut Ctx, a: &Args) -> Res {
    let name = cur_name(ctx);
    // keepalived reports this as a configuration error, not a deprecation.
    ctx.error(
        Class::General,
        a,
        0,
        format!("vrrp_sync_group '{name}': global_tracking is obsolete: it is taken as sync_group_tracking_weight"),
    )
    .help = Some(
        "track interfaces, scripts and files on the sync group itself, or use sync_group_tracking_weight"
            .into(),
    );
    if let Some(g) = cur(ctx) {
        g.tracking_weight = true;
    }
    Ok(())
}

fn tracking_weight(ctx: &mut Ctx, _a: &Args) -> Res {
    if let Some(g) = cur(ctx) {
        g.tracking_weight = true;
    }
    Ok(())
}

fn notify_priority_changes(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(b) = ctx.opt_bool(a, 1) {
        if let Some(g) = cur(ctx) {
            g.notify_priority_changes = Some(b);
        }
    }
    Ok(())
}

// ---- checks after reading --------------------------------------------------

/// The sync groups' part of the script security pass: notify scripts that
/// must not run are dropped, and tracked vrrp_scripts that were disabled
/// are no longer tracked.
pub fn check_scripts(ctx: &mut Ctx) -> u32 {
    let mut all = 0;
    for i in 0..ctx.cfg.vrrp.track.sync_groups.len() {
        let slots: [fn(&mut SyncGroup) -> &mut Option<Script>; 5] = [
            |g| &mut g.notify_backup,
            |g| &mut g.notify_master,
            |g| &mut g.notify_fault,
            |g| &mut g.notify_stop,
            |g| &mut g.notify,
        ];
        for slot in slots {
            let mut s = slot(&mut ctx.cfg.vrrp.track.sync_groups[i]).take();
            all |= script::check_notify_secure(ctx, &mut s);
            *slot(&mut ctx.cfg.vrrp.track.sync_groups[i]) = s;
        }
        let track = &mut ctx.cfg.vrrp.track;
        let disabled: Vec<String> = track
            .scripts
            .iter()
            .filter(|s| s.insecure)
            .map(|s| s.name.clone())
            .collect();
        let g = &mut track.sync_groups[i];
        // A reference resolves to the first script of its name.
        g.track_scripts.retain(|t| {
            !disabled.contains(&t.name)
                || track
                    .scripts
                    .iter()
                    .find(|s| s.name == t.name)
                    .is_some_and(|s| !s.insecure)
        });
    }
    all
}

/// keepalived's `vrrp_sync_set_group` for every group: members are
/// resolved, and groups left without members are dropped. `views` follows
/// `vrrp.instances.list`.
pub fn set_groups(ctx: &mut Ctx, views: &[MemberView]) {
    let names: Vec<String> = ctx
        .cfg
        .vrrp
        .instances
        .list
        .iter()
        .map(|i| i.name.clone())
        .collect();
    let mut taken = vec![false; names.len()];
    let groups = std::mem::take(&mut ctx.cfg.vrrp.track.sync_groups);
    let mut kept = Vec::with_capacity(groups.len());
    for mut g in groups {
        if g.members.is_empty() {
            ctx.error_at(
                Class::General,
                Some(g.pos),
                format!(
                    "vrrp_sync_group '{}' has no member instances: it is dropped",
                    g.name
                ),
            )
            .help = Some("list its instances in 'group { ... }'".into());
            continue;
        }
        let mut joined = Vec::new();
        let mut owner_state = WantState::Unset;
        for (k, member) in g.members.iter().enumerate() {
            let pos = g.member_pos.get(k).copied().unwrap_or(g.pos);
            let Some(idx) = names.iter().position(|n| n == member) else {
                ctx.error_at(
                    Class::General,
                    Some(pos),
                    format!(
                        "vrrp_sync_group '{}': there is no vrrp_instance '{member}': it is ignored",
                        g.name
                    ),
                );
                continue;
            };
            if taken[idx] {
                ctx.error_at(
                    Class::General,
                    Some(pos),
                    format!("vrrp_instance '{member}' is already in a sync group: it is not added to '{}'", g.name),
                )
                .help = Some("an instance can be in one sync group only".into());
                continue;
            }
            taken[idx] = true;
            joined.push(idx);
            // The group starts as MASTER only if all its members are
            // address owners configured as MASTER.
            let view = views.get(idx).cloned().unwrap_or_default();
            if owner_state == WantState::Master && view.want_state == WantState::Backup {
                ctx.error_at(
                    Class::General,
                    Some(pos),
                    format!("vrrp_sync_group '{}' mixes address owners (priority 255, state MASTER) with other instances: this cannot work", g.name),
                );
            }
            if owner_state != WantState::Backup {
                owner_state = if view.want_state == WantState::Master && view.priority == Some(255)
                {
                    WantState::Master
                } else {
                    WantState::Backup
                };
            }
        }
        if joined.is_empty() {
            ctx.error_at(
                Class::General,
                Some(g.pos),
                format!(
                    "vrrp_sync_group '{}': none of its members is a vrrp_instance: it is dropped",
                    g.name
                ),
            );
            continue;
        }
        if joined.len() == 1 {
            ctx.error_at(
                Class::General,
                Some(g.pos),
                format!("vrrp_sync_group '{}' has a single member instance: a sync group only makes sense with two or more", g.name),
            );
        }
        g.instances = joined;
        kept.push(g);
    }
    ctx.cfg.vrrp.track.sync_groups = kept;
}

/// keepalived's `sync_group_tracking_init`: a group with an address owner
/// among its members cannot have weighted trackers, and an interface must
/// not be tracked both by a member and by its group.
pub fn tracking(ctx: &mut Ctx, views: &[MemberView]) {
    let names: Vec<String> = ctx
        .cfg
        .vrrp
        .instances
        .list
        .iter()
        .map(|i| i.name.clone())
        .collect();
    let mut groups = std::mem::take(&mut ctx.cfg.vrrp.track.sync_groups);
    for g in groups.iter_mut().filter(|g| !g.instances.is_empty()) {
        let has_owner = g
            .instances
            .iter()
            .any(|&i| views.get(i).is_some_and(MemberView::is_owner));
        let kinds: [(&str, &mut Vec<TrackedObject>); 4] = [
            ("track_script", &mut g.track_scripts),
            ("track_file", &mut g.track_files),
            ("track_process", &mut g.track_processes),
            ("track_bfd", &mut g.track_bfds),
        ];
        for (what, list) in kinds {
            for t in list.iter_mut().filter(|t| has_owner && t.weight.value != 0) {
                ctx.error_at(
                    Class::General,
                    Some(t.pos),
                    format!("vrrp_sync_group '{}': {what} '{}' cannot have a weight, since a member has priority 255: weight 0 is used", g.name, t.name),
                );
                t.weight.value = 0;
            }
        }
        for t in g.track_interfaces.iter_mut() {
            if has_owner && t.weight.value != 0 {
                ctx.error_at(
                    Class::General,
                    Some(t.pos),
                    format!("vrrp_sync_group '{}': track_interface '{}' cannot have a weight, since a member has priority 255: weight 0 is used", g.name, t.name),
                );
                t.weight.value = 0;
            }
            for &i in &g.instances {
                let tracked = views
                    .get(i)
                    .is_some_and(|v| v.tracked_interfaces.contains(&t.name));
                if tracked {
                    let inst = names.get(i).map_or("", String::as_str);
                    ctx.error_at(
                        Class::General,
                        Some(t.pos),
                        format!("({inst}) interface '{}' is tracked both by the instance and by its sync group '{}'", t.name, g.name),
                    )
                    .help = Some("track it in one place only".into());
                }
            }
        }
    }
    ctx.cfg.vrrp.track.sync_groups = groups;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::script::flags;
    use crate::config::vrrp::track::testing::{
        add_instances, errors, exit_code, parse, parse_with, report,
    };
    use crate::config::vrrp::track::{check_scripts_with, validate, validate_after_instances};

    const TRACKED: &str =
        "vrrp_script s1 {\n script /bin/true\n weight 10 reverse\n user root\n}\n\
        track_file f1 {\n file /x\n weight 2\n}\n\
        vrrp_track_process p1 {\n process foo\n weight 3\n}\n";

    fn group<'a>(ctx: &'a Ctx) -> &'a SyncGroup {
        ctx.cfg
            .vrrp
            .track
            .sync_groups
            .first()
            .unwrap_or_else(|| panic!("no sync group:\n{}", report(ctx)))
    }

    #[test]
    fn every_keyword_lands_in_the_model() {
        let text = format!(
            "{TRACKED}vrrp_sync_group G {{\n group {{\n VI_1 VI_2\n VI_3\n }}\n\
             track_interface {{\n lo weight -5 reverse\n }}\n\
             track_script {{\n s1\n }}\n\
             track_file {{\n f1 weight 4 noreverse\n }}\n\
             track_process {{\n p1\n }}\n\
             notify_backup /bin/true\n notify_master \"/bin/echo master\"\n notify_fault /bin/true root\n\
             notify_stop /bin/true\n notify /bin/true\n\
             smtp_alert off\n sync_group_tracking_weight\n notify_priority_changes\n}}\n"
        );
        let ctx = parse(&text);
        assert_eq!(exit_code(&ctx), 0, "{}", report(&ctx));
        let g = group(&ctx);
        assert_eq!(g.name, "G");
        assert_eq!(g.members, ["VI_1", "VI_2", "VI_3"]);
        assert_eq!(g.member_pos.len(), 3);
        let ti = &g.track_interfaces[0];
        assert_eq!(
            (ti.name.as_str(), ti.weight.value, ti.weight.reverse),
            ("lo", -5, true)
        );
        // A tracked object's own weight is the default.
        let ts = &g.track_scripts[0];
        assert_eq!(
            (ts.name.as_str(), ts.weight.value, ts.weight.reverse),
            ("s1", 10, true)
        );
        let tf = &g.track_files[0];
        assert_eq!(
            (tf.name.as_str(), tf.weight.value, tf.weight.reverse),
            ("f1", 4, false)
        );
        let tp = &g.track_processes[0];
        assert_eq!(
            (tp.name.as_str(), tp.weight.value, tp.weight.reverse),
            ("p1", 3, false)
        );
        assert_eq!(
            g.notify_master.as_ref().map(|s| s.args.clone()),
            Some(vec!["/bin/echo".to_string(), "master".to_string()])
        );
        assert!(g.notify_backup.is_some() && g.notify_stop.is_some() && g.notify.is_some());
        assert_eq!(g.notify_fault.as_ref().map(|s| s.uid), Some(0));
        assert_eq!(g.smtp_alert, Some(false));
        assert!(g.tracking_weight);
        assert_eq!(g.notify_priority_changes, Some(true));
    }

    #[test]
    fn defaults_when_absent() {
        let ctx = parse("vrrp_sync_group G {\n group {\n A B\n }\n}\n");
        assert_eq!(exit_code(&ctx), 0);
        let g = group(&ctx);
        assert!(g.track_interfaces.is_empty() && g.track_scripts.is_empty());
        assert!(g.notify_master.is_none() && g.notify.is_none());
        assert_eq!(g.smtp_alert, None);
        assert!(!g.tracking_weight);
        assert_eq!(g.notify_priority_changes, None);
        let ctx = parse("vrrp_sync_group G {\n smtp_alert\n}\n");
        assert_eq!(group(&ctx).smtp_alert, Some(true));
    }

    #[test]
    fn tracker_entries_are_checked_like_keepalived() {
        let text = format!(
            "{TRACKED}vrrp_sync_group G {{\n track_interface {{\n lo weight 10\n eth_nosuch0\n lo\n lo2 weight\n }}\n\
             track_script {{\n s1 weight 254\n s1\n s2\n }}\n\
             track_file {{\n f1 weight 300\n }}\n\
             track_process {{\n p1 weight 5 sideways\n p2\n }}\n\
             track_bfd {{\n b1\n }}\n}}\n"
        );
        let ctx = parse(&text);
        let lines: Vec<u32> = errors(&ctx)
            .iter()
            .filter(|(c, _)| *c == Class::General)
            .map(|(_, l)| *l)
            .collect();
        // lo2 does not exist either, which keepalived reports before the
        // missing weight.
        assert_eq!(
            lines,
            [17, 18, 19, 22, 23, 24, 27, 30, 31, 34],
            "{}",
            report(&ctx)
        );
        assert!(ctx.cfg.vrrp.non_existent_interface);
        let g = group(&ctx);
        assert_eq!(g.track_interfaces.len(), 1);
        assert_eq!(g.track_scripts[0].weight.value, 253);
        // An invalid weight falls back to the file's own.
        assert_eq!(g.track_files[0].weight.value, 2);
        assert_eq!(g.track_processes[0].weight.value, 5);
        assert!(g.track_bfds.is_empty());
    }

    #[test]
    fn header_problems_skip_the_block() {
        let ctx = parse("vrrp_sync_group {\n group {\n A B\n }\n}\n");
        assert!(ctx.cfg.vrrp.track.sync_groups.is_empty());
        assert_eq!(errors(&ctx), [(Class::General, 1)]);
        let ctx = parse("vrrp_sync_group G H {\n group { A B }\n}\n");
        assert!(ctx.cfg.vrrp.track.sync_groups.is_empty());
        let ctx = parse(
            "vrrp_sync_group G {\n group { A B }\n}\nvrrp_sync_group G {\n group { C D }\n}\n",
        );
        assert_eq!(ctx.cfg.vrrp.track.sync_groups.len(), 1);
        assert_eq!(group(&ctx).members, ["A", "B"]);
        assert_eq!(errors(&ctx), [(Class::General, 4)]);
    }

    #[test]
    fn a_second_group_list_ends_the_block_early() {
        let ctx =
            parse("vrrp_sync_group G {\n group {\n A B\n }\n group {\n C\n }\n smtp_alert\n}\n");
        let e = errors(&ctx);
        assert_eq!(
            e,
            [
                (Class::General, 5),
                (Class::UnknownKeyword, 8),
                (Class::UnknownKeyword, 9)
            ],
            "{}",
            report(&ctx)
        );
        assert_eq!(group(&ctx).members, ["A", "B"]);
        assert_eq!(group(&ctx).smtp_alert, None);
    }

    #[test]
    fn notify_scripts() {
        // The first one counts; a repeated keyword is reported.
        let ctx =
            parse("vrrp_sync_group G {\n notify_master /bin/true\n notify_master /bin/false\n}\n");
        assert_eq!(errors(&ctx), [(Class::General, 3)]);
        assert_eq!(
            group(&ctx)
                .notify_master
                .as_ref()
                .map(|s| s.args[0].clone())
                .as_deref(),
            Some("/bin/true")
        );
        // Without a command keepalived stops.
        assert_eq!(
            exit_code(&parse("vrrp_sync_group G {\n notify_master\n}\n")),
            2
        );
        assert_eq!(
            exit_code(&parse(
                "vrrp_sync_group G {\n notify /bin/true\n notify\n}\n"
            )),
            2
        );
    }

    #[test]
    fn bad_booleans_and_global_tracking() {
        let ctx = parse("vrrp_sync_group G {\n smtp_alert bogus\n notify_priority_changes maybe\n global_tracking\n}\n");
        assert_eq!(
            errors(&ctx),
            [
                (Class::General, 2),
                (Class::General, 3),
                (Class::General, 4)
            ]
        );
        let g = group(&ctx);
        assert_eq!((g.smtp_alert, g.notify_priority_changes), (None, None));
        assert!(g.tracking_weight);
    }

    /// Parse, add bare instances, then run the membership checks with `views`.
    fn checked(text: &str, instances: &[&str], views: &[MemberView]) -> Ctx<'static> {
        let mut ctx = parse(text);
        add_instances(&mut ctx, instances);
        let mut v = views.to_vec();
        v.resize(instances.len(), MemberView::default());
        set_groups(&mut ctx, &v);
        tracking(&mut ctx, &v);
        ctx
    }

    #[test]
    fn members_join_their_group() {
        let ctx = checked(
            "vrrp_sync_group G {\n group {\n VI_1 VI_2\n }\n}\n",
            &["VI_0", "VI_1", "VI_2"],
            &[],
        );
        assert_eq!(exit_code(&ctx), 0, "{}", report(&ctx));
        assert_eq!(group(&ctx).instances, [1, 2]);
        assert_eq!(
            ctx.cfg.vrrp.track.sync_group_of(2).map(|g| g.name.as_str()),
            Some("G")
        );
        assert!(ctx.cfg.vrrp.track.sync_group_of(0).is_none());
    }

    #[test]
    fn membership_problems() {
        // A single member.
        let ctx = checked(
            "vrrp_sync_group G {\n group {\n VI_1\n }\n}\n",
            &["VI_1"],
            &[],
        );
        assert_eq!(errors(&ctx), [(Class::General, 1)]);
        assert_eq!(ctx.cfg.vrrp.track.sync_groups.len(), 1);
        // No members: dropped.
        let ctx = checked("vrrp_sync_group G {\n smtp_alert\n}\n", &["VI_1"], &[]);
        assert!(ctx.cfg.vrrp.track.sync_groups.is_empty());
        assert_eq!(errors(&ctx), [(Class::General, 1)]);
        let ctx = checked("vrrp_sync_group G {\n group {\n }\n}\n", &["VI_1"], &[]);
        assert!(ctx.cfg.vrrp.track.sync_groups.is_empty());
        assert_eq!(errors(&ctx), [(Class::General, 2), (Class::General, 1)]);
        // Unknown members, and an instance in two groups.
        let ctx = checked(
            "vrrp_sync_group G {\n group {\n VI_1 VI_2\n }\n}\nvrrp_sync_group H {\n group {\n VI_1 VI_3\n }\n}\n",
            &["VI_1", "VI_2"],
            &[],
        );
        assert_eq!(
            errors(&ctx),
            [
                (Class::General, 8),
                (Class::General, 8),
                (Class::General, 6)
            ],
            "{}",
            report(&ctx)
        );
        assert_eq!(ctx.cfg.vrrp.track.sync_groups.len(), 1);
        // Named twice in the same group.
        let ctx = checked(
            "vrrp_sync_group G {\n group {\n VI_1 VI_1\n }\n}\n",
            &["VI_1"],
            &[],
        );
        assert_eq!(errors(&ctx), [(Class::General, 3), (Class::General, 1)]);
        assert_eq!(group(&ctx).instances, [0]);
    }

    fn view(state: WantState, priority: Option<u8>, tracked: &[&str]) -> MemberView {
        MemberView {
            want_state: state,
            priority,
            tracked_interfaces: tracked.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn address_owners_and_others_do_not_mix() {
        let text = "vrrp_sync_group G {\n group {\n A B\n }\n}\n";
        let owner = view(WantState::Master, Some(255), &[]);
        let backup = view(WantState::Backup, Some(100), &[]);
        let ctx = checked(text, &["A", "B"], &[owner.clone(), backup.clone()]);
        assert_eq!(errors(&ctx), [(Class::General, 3)]);
        // Only a BACKUP member after an owner is noticed.
        let ctx = checked(text, &["A", "B"], &[backup, owner.clone()]);
        assert!(errors(&ctx).is_empty());
        let ctx = checked(
            text,
            &["A", "B"],
            &[owner, view(WantState::Unset, None, &[])],
        );
        assert!(errors(&ctx).is_empty());
    }

    #[test]
    fn owners_clear_the_weights_of_group_trackers() {
        let text = format!(
            "{TRACKED}vrrp_sync_group G {{\n group {{\n A B\n }}\n track_script {{\n s1\n }}\n track_file {{\n f1 weight 0\n }}\n track_interface {{\n lo weight 5\n }}\n}}\n"
        );
        // state MASTER without a priority makes an owner.
        let ctx = checked(
            &text,
            &["A", "B"],
            &[MemberView::default(), view(WantState::Master, None, &[])],
        );
        assert_eq!(
            errors(&ctx),
            [(Class::General, 19), (Class::General, 25)],
            "{}",
            report(&ctx)
        );
        let g = group(&ctx);
        assert_eq!(g.track_scripts[0].weight.value, 0);
        assert_eq!(g.track_interfaces[0].weight.value, 0);
        // Without an owner the weights stay.
        let ctx = checked(&text, &["A", "B"], &[]);
        assert!(errors(&ctx).is_empty());
        assert_eq!(group(&ctx).track_scripts[0].weight.value, 10);
    }

    #[test]
    fn an_interface_tracked_by_a_member_and_its_group_is_reported() {
        let text = "vrrp_sync_group G {\n group {\n A B\n }\n track_interface {\n lo\n }\n}\n";
        let ctx = checked(
            text,
            &["A", "B"],
            &[
                view(WantState::Unset, None, &["lo"]),
                view(WantState::Unset, None, &["eth9"]),
            ],
        );
        assert_eq!(errors(&ctx), [(Class::General, 6)]);
    }

    fn fake_check(_: &mut Ctx, s: &mut Script) -> u32 {
        if s.args[0] == "/missing" {
            flags::NOTFOUND
        } else {
            flags::ISSCRIPT | flags::EXECUTABLE
        }
    }

    #[test]
    fn disabled_scripts_are_no_longer_tracked() {
        let text = "vrrp_script bad {\n script /missing\n user root\n}\nvrrp_script good {\n script /bin/true\n user root\n}\n\
                    vrrp_sync_group G {\n group { A B }\n track_script {\n bad\n good\n }\n notify_master /bin/true\n}\n";
        let mut ctx = parse(text);
        check_scripts_with(&mut ctx, fake_check);
        let f = check_scripts(&mut ctx);
        let g = group(&ctx);
        let names: Vec<&str> = g.track_scripts.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["good"]);
        assert!(g.notify_master.is_some());
        assert_ne!(f & flags::ISSCRIPT, 0);
    }

    #[test]
    fn validate_runs_the_membership_checks() {
        let mut ctx = parse_with(
            "vrrp_sync_group G {\n group {\n A B\n }\n}\ntrack_group T {\n group {\n A C\n }\n}\n",
            |_| {},
        );
        add_instances(&mut ctx, &["A", "B"]);
        validate(&mut ctx);
        validate_after_instances(&mut ctx);
        assert_eq!(exit_code(&ctx), 0, "{}", report(&ctx));
        assert_eq!(group(&ctx).instances, [0, 1]);
        assert_eq!(ctx.cfg.vrrp.track.track_groups[0].instances, [0]);
    }
}
