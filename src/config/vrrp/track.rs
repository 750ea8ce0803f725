//! vrrp_sync_group, vrrp_script, vrrp_track_process, track_file, garp_group,
//! track_group, linkbeat_interfaces and interface_up_down_delays.
//!
//! The blocks are parsed in the `track_*` modules next to this one; this
//! module holds the model anchors other parts look objects up in, the
//! top-level keyword table and the checks keepalived makes once the whole
//! configuration has been read.
//!
//! Where the checks belong in keepalived's VRRP start-up
//! (`vrrp_complete_init`), in order:
//! 1. [`check_scripts`] and [`check_sync_group_scripts`]: part of the script
//!    security pass, which only runs when there is at least one
//!    vrrp_instance; their flags are or-ed with those of the instances'
//!    notify scripts and the global FIFO scripts before
//!    `script::report_security`.
//! 2. [`validate`] (sync group membership): after every instance passed
//!    keepalived's minimal check (virtual_router_id set, interface or
//!    unicast), before instances are completed, which need to know their
//!    sync group.
//! 3. [`validate_after_instances`] (static track groups, sync group
//!    trackers): after the instances are completed.

use std::time::Duration;

use super::instance::Instance;
use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx, Keyword, Missing};
use crate::config::script::{self, flags, Script};

pub use super::track_file::{TrackFile, TrackFileInit};
pub use super::track_misc::{
    GarpGroup, LinkbeatInterface, LinkbeatMethod, TrackGroup, UpDownDelay,
};
pub use super::track_process::{ParamMatch, TrackProcess};
pub use super::track_refs::{TrackedInterface, TrackedObject};
pub use super::track_script::VrrpScript;
pub use super::track_sync::{MemberView, SyncGroup, WantState};

/// Everything the instances track or are grouped by. Other parts look
/// objects up here by name.
#[derive(Debug, Default, Clone)]
pub struct Tracking {
    pub scripts: Vec<VrrpScript>,
    pub processes: Vec<TrackProcess>,
    pub files: Vec<TrackFile>,
    pub sync_groups: Vec<SyncGroup>,
    /// garp_group blocks that set a delay.
    pub garp_groups: Vec<GarpGroup>,
    /// track_group NAME { group { ... } }: instances that track the static
    /// addresses, routes and rules tagged with the group.
    pub track_groups: Vec<TrackGroup>,
    /// linkbeat_interfaces: interfaces whose link state is polled.
    pub linkbeat_interfaces: Vec<LinkbeatInterface>,
    /// interface_up_down_delays, one entry per interface.
    pub up_down_delays: Vec<UpDownDelay>,
}

impl Tracking {
    /// The vrrp_script a reference resolves to (the first of that name,
    /// like keepalived).
    pub fn script(&self, name: &str) -> Option<&VrrpScript> {
        self.scripts.iter().find(|s| s.name == name)
    }

    /// The track_file a reference resolves to.
    pub fn file(&self, name: &str) -> Option<&TrackFile> {
        self.files.iter().find(|f| f.name == name)
    }

    /// The vrrp_track_process a reference resolves to.
    pub fn process(&self, name: &str) -> Option<&TrackProcess> {
        self.processes.iter().find(|p| p.name == name)
    }

    /// The track_group static addresses, routes and rules refer to.
    pub fn track_group(&self, name: &str) -> Option<&TrackGroup> {
        self.track_groups.iter().find(|g| g.name == name)
    }

    /// The sync group an instance joined, by its index in
    /// `vrrp.instances.list` (known after [`validate`]).
    pub fn sync_group_of(&self, instance: usize) -> Option<&SyncGroup> {
        self.sync_groups
            .iter()
            .find(|g| g.instances.contains(&instance))
    }
}

/// Top-level keywords of this part, in keepalived's order of installation.
pub static ROOT: &[Keyword] = &[
    Keyword::block(
        "track_group",
        Some(super::track_misc::track_group_start),
        super::track_misc::TRACK_GROUP,
        None,
    )
    .not_acted_on(),
    Keyword::block(
        "vrrp_sync_group",
        Some(super::track_sync::start),
        super::track_sync::KEYWORDS,
        None,
    ),
    Keyword::block(
        "garp_group",
        Some(super::track_misc::garp_group_start),
        super::track_misc::GARP_GROUP,
        Some(super::track_misc::garp_group_close),
    ),
    Keyword::leaf("linkbeat_interfaces", super::track_misc::linkbeat),
    Keyword::block(
        "vrrp_script",
        Some(super::track_script::start),
        super::track_script::KEYWORDS,
        Some(super::track_script::close),
    ),
    Keyword::block(
        "vrrp_track_process",
        Some(super::track_process::start),
        super::track_process::KEYWORDS,
        Some(super::track_process::close),
    ),
    Keyword::leaf(
        "interface_up_down_delays",
        super::track_misc::up_down_delays,
    )
    .not_acted_on(),
    Keyword::block(
        "track_file",
        Some(super::track_file::start),
        super::track_file::KEYWORDS,
        Some(super::track_file::close),
    ),
    Keyword::block(
        "vrrp_track_file",
        Some(super::track_file::start_deprecated),
        super::track_file::KEYWORDS,
        Some(super::track_file::close),
    ),
];

// ---- helpers shared by the track_* modules ------------------------------

/// global_defs `dynamic_interfaces`: interfaces that do not exist yet are
/// accepted.
pub fn dynamic_interfaces(ctx: &Ctx) -> bool {
    super::global_view(ctx).dynamic_interfaces
}

/// keepalived's `if_get_by_ifname(name, IF_CREATE_IF_DYNAMIC)`: whether the
/// interface can be used. A missing interface (without dynamic_interfaces)
/// also stops keepalived's VRRP process, which `vrrp::validate` reports.
pub fn interface_or_dynamic(ctx: &mut Ctx, name: &str) -> bool {
    if ctx.host.interface_exists(name) || dynamic_interfaces(ctx) {
        return true;
    }
    ctx.cfg.vrrp.non_existent_interface = true;
    false
}

/// keepalived's `if_get_by_ifname(name, dynamic_interfaces)` as used by
/// linkbeat_interfaces and interface_up_down_delays: a missing interface is
/// only accepted with dynamic_interfaces, and does not stop the process.
pub fn interface_known(ctx: &Ctx, name: &str) -> bool {
    ctx.host.interface_exists(name) || dynamic_interfaces(ctx)
}

/// A tracked bfd_instance's default weight and reverse setting, when the
/// VRRP process read a bfd_instance of that name before this point.
pub fn bfd_for_vrrp(ctx: &Ctx, name: &str) -> Option<(i32, bool)> {
    ctx.cfg
        .bfd
        .for_vrrp(name)
        .map(|b| (b.weight, b.weight_reverse))
}

/// keepalived's `read_decimal_unsigned_strvec` with errors tolerated: an
/// invalid number is reported, but a value in range is still used, even
/// under `-t` (keepalived's integer readers do not do that under `-t`).
pub fn decimal_tolerant(
    ctx: &mut Ctx,
    a: &Args,
    i: usize,
    min: u64,
    max: u64,
    places: u32,
) -> Result<Option<u64>, Missing> {
    ctx.decimal(a, i, min, max, places, true)
}

/// Whether a notify keyword's line has anything after the keyword.
/// keepalived re-reads the line with shell quoting (`notify_script_init`)
/// and only exits (missing parameter) when nothing follows the keyword; an
/// unterminated quote, which hides the rest of the line from the ordinary
/// word reader, is a quoting error instead.
pub fn notify_line_has_command(a: &Args) -> bool {
    a.len() >= 2 || a.raw().split_whitespace().nth(1).is_some()
}

/// Microseconds to a Duration.
pub fn micros(us: u64) -> Duration {
    Duration::from_micros(us)
}

// ---- checks after reading ------------------------------------------------

/// keepalived's `check_track_script_secure` for every vrrp_script: a script
/// that is not found, not executable by its user or unsafe to run is
/// marked `insecure` (keepalived then drops it and every reference to it).
/// Returns the or-ed security flags (`script::flags`) for the script
/// security report. keepalived only makes this check when there is at
/// least one vrrp_instance.
pub fn check_scripts(ctx: &mut Ctx) -> u32 {
    check_scripts_with(ctx, script::check_secure)
}

/// [`check_scripts`] with the security check given (tests use a fake).
pub(crate) fn check_scripts_with(ctx: &mut Ctx, check: fn(&mut Ctx, &mut Script) -> u32) -> u32 {
    let mut all = 0;
    for i in 0..ctx.cfg.vrrp.track.scripts.len() {
        let s = &ctx.cfg.vrrp.track.scripts[i];
        if s.insecure {
            continue;
        }
        let (name, pos) = (s.name.clone(), s.pos);
        let Some(mut script) = s.script.clone() else {
            continue;
        };
        let f = check(ctx, &mut script);
        all |= f;
        let insecure = if f & flags::INHIBIT != 0 {
            ctx.error_at(
                Class::General,
                Some(pos),
                format!("vrrp_script '{name}' is disabled: it would not be safe to run (see the script security messages)"),
            );
            true
        } else if f & flags::NOTFOUND != 0 {
            ctx.error_at(
                Class::General,
                Some(pos),
                format!("vrrp_script '{name}' is disabled: its script '{}' was not found or cannot be accessed", script.args.first().map_or("", String::as_str)),
            )
            .help = Some("instances and sync groups that track it no longer do".into());
            true
        } else {
            // Not executable by its user: dropped without a message.
            f & (flags::EXECUTABLE | flags::SYSTEM) == 0
        };
        let s = &mut ctx.cfg.vrrp.track.scripts[i];
        s.script = Some(script);
        s.insecure = insecure;
    }
    all
}

/// The sync groups' part of keepalived's script security pass: checks
/// their notify scripts (dropping those that must not run) and stops them
/// tracking vrrp_scripts that [`check_scripts`] disabled. Returns the
/// or-ed security flags.
pub fn check_sync_group_scripts(ctx: &mut Ctx) -> u32 {
    super::track_sync::check_scripts(ctx)
}

/// keepalived's sync group set-up (`vrrp_sync_set_group`): resolves each
/// group's members, drops empty groups. Uses [`member_views`] for what it
/// needs to know about the instances.
pub fn validate(ctx: &mut Ctx) {
    let views = member_views(ctx);
    super::track_sync::set_groups(ctx, &views);
}

/// The checks keepalived makes after completing the instances: static
/// track groups and the trackers of sync groups.
pub fn validate_after_instances(ctx: &mut Ctx) {
    let views = member_views(ctx);
    super::track_misc::resolve_track_groups(ctx);
    super::track_sync::tracking(ctx, &views);
    // A group's smtp_alert defaults to smtp_alert_vrrp, then smtp_alert.
    let gl = &ctx.cfg.global;
    let default = gl.smtp_alert_vrrp.or(gl.smtp_alert).unwrap_or(false);
    for g in ctx.cfg.vrrp.track.sync_groups.iter_mut() {
        g.smtp_alert.get_or_insert(default);
    }
}

/// What the sync group checks need to know about each instance, in the
/// order of `ctx.cfg.vrrp.instances.list`. Before completion this is the
/// configured state and priority; after it, the completed ones.
pub fn member_views(ctx: &Ctx) -> Vec<MemberView> {
    ctx.cfg
        .vrrp
        .instances
        .list
        .iter()
        .map(member_view)
        .collect()
}

fn member_view(inst: &Instance) -> MemberView {
    use super::instance::InitialState;
    let want_state = match inst.state {
        None => WantState::Unset,
        Some(InitialState::Master) => WantState::Master,
        Some(InitialState::Backup) => WantState::Backup,
    };
    // The instance tracks its own interface (unless dont_track_primary) and
    // its track_interface entries (completion removed its own interface
    // from those).
    let mut tracked_interfaces: Vec<String> = Vec::new();
    if !inst.dont_track_primary {
        tracked_interfaces.extend(inst.interface.clone());
    }
    for name in inst
        .track_interfaces
        .iter()
        .map(|t| &t.name)
        .chain(inst.owner_dropped_interfaces.iter())
    {
        if !tracked_interfaces.contains(name) {
            tracked_interfaces.push(name.clone());
        }
    }
    MemberView {
        want_state,
        priority: inst.priority.map(|p| p.get()),
        tracked_interfaces,
    }
}

/// Helpers for the tests of the track_* modules: parse a configuration
/// into a `Ctx` the test can inspect and drive (the checks after reading
/// are not run, so tests call them in the order they need).
#[cfg(test)]
pub(crate) mod testing {
    use crate::config::diag::Class;
    use crate::config::parser::Ctx;
    use crate::config::preproc::Reader;
    use crate::config::tables;
    use crate::config::vrrp::instance::Instance;
    use crate::sys::host::SystemHost;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Parse `text` under `-t` rules after `setup` has prepared the context
    /// (e.g. turned script security on).
    pub fn parse_with(text: &str, setup: impl FnOnce(&mut Ctx)) -> Ctx<'static> {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ka-track-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("keepalived.conf");
        std::fs::write(&file, text).expect("write config");
        let mut reader = Reader::new("testnode", 0);
        assert!(reader.open_main(&file.display().to_string()));
        let mut ctx = Ctx::new(reader, &SystemHost, false);
        setup(&mut ctx);
        ctx.process(tables::root(), false, 0);
        let _ = std::fs::remove_dir_all(&dir);
        ctx
    }

    pub fn parse(text: &str) -> Ctx<'static> {
        parse_with(text, |_| {})
    }

    /// The `-t` exit code so far.
    pub fn exit_code(ctx: &Ctx) -> i32 {
        ctx.reader.diags.exit_code()
    }

    /// (class, line) of every diagnostic keepalived would also report.
    pub fn errors(ctx: &Ctx) -> Vec<(Class, u32)> {
        ctx.reader
            .diags
            .items
            .iter()
            .filter_map(|d| Some((d.class?, d.pos.map_or(0, |p| p.line))))
            .collect()
    }

    /// All messages, for assertion output.
    pub fn report(ctx: &Ctx) -> String {
        ctx.reader.diags.render(&ctx.reader.sources)
    }

    /// Bare vrrp_instance entries (a name only), for unit tests of the
    /// membership checks that give the instances' views themselves.
    pub fn add_instances(ctx: &mut Ctx, names: &[&str]) {
        for n in names {
            ctx.cfg.vrrp.instances.list.push(Instance {
                name: n.to_string(),
                ..Default::default()
            });
        }
    }
}
