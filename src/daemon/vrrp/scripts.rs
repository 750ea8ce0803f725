//! The runtime's scripts: vrrp_script trackers run as child processes,
//! notify scripts and the notify FIFOs, as keepalived 2.2.7's VRRP process
//! runs them. The decisions are made by the pure parts
//! (`track::script`, `vrrp::notify`); this module starts, signals and
//! reaps the processes (`sys::child`) and writes the FIFOs (`sys::fifo`).
//!
//! Processes: every child is in its own process group; all are reaped
//! with `waitpid(-1, WNOHANG)` when SIGCHLD arrives and dispatched by pid.
//! A vrrp_script that outlives its timeout gets SIGTERM, then SIGKILL, for
//! its whole group. Notify scripts are fire-and-forget, except STOP
//! notifications, which are killed after 1 s. We are the subreaper of our
//! scripts' descendants, so nothing they leave behind becomes a zombie.
//!
//! Differences from 2.2.7, on purpose:
//! - A vrrp_script whose previous run is still going is not started again
//!   (2.2.7 logs "skipping run" and then runs it anyway).
//! - Processes a vrrp_script leaves in its process group after it exits
//!   are killed when the run's timeout expires (2.2.7 leaves them).
//! - Starting many scripts at once is spread over loop turns (a few ms
//!   each), so that adverts are not held up by a burst of forks.

use super::Runtime;
use crate::config::model::Config;
use crate::config::script::flags as sc_flags;
use crate::sys::child::{self, Child, SetupError};
use crate::sys::fifo::{self, Fifo, Made};
use crate::sys::process::monotonic_micros;
use crate::track::script::{self as tscript, Action, Health, ScriptConfig, ScriptTracker};
use crate::track::{Status, TrackerKey};
use crate::vrrp::machine::{Input, Output, State, Time, SECOND};
use crate::vrrp::notify::{self, Event, Subject};
use std::collections::HashMap;
use std::io;
use std::path::Path;

/// µs of forking per loop turn before the rest of the due scripts wait
/// for the next turn (adverts and received packets go first).
const SPAWN_BUDGET: u64 = 500;

/// How long STOP notifications may run, and how long the shutdown waits
/// for scripts to end after SIGTERM before SIGKILL.
const STOP_LIMIT: u64 = SECOND;

/// A script as configured: its argv and the user and group that run it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptCmd {
    pub args: Vec<String>,
    pub uid: u32,
    pub gid: u32,
}

impl ScriptCmd {
    fn from_config(s: &crate::config::script::Script) -> ScriptCmd {
        ScriptCmd {
            args: s.args.clone(),
            uid: s.uid,
            gid: s.gid,
        }
    }

    /// The command with `extra` arguments appended: executed directly, or
    /// through the shell for a `</file` test (keepalived's choice).
    fn command(&self, extra: &[String]) -> io::Result<child::Command> {
        let mut args = self.args.clone();
        args.extend_from_slice(extra);
        if notify::is_file_test(&self.args) {
            child::Command::shell(&notify::shell_line(&args), self.uid, self.gid)
        } else {
            child::Command::exec(&args, self.uid, self.gid)
        }
    }

    fn program(&self) -> &str {
        self.args.first().map_or("", String::as_str)
    }
}

/// A vrrp_script that some instance tracks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VrrpScriptSpec {
    pub cmd: ScriptCmd,
    pub tracker: ScriptConfig,
}

/// An instance's (or sync group's, merged into its members) track_script
/// entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackedScript {
    /// Index in [`ScriptsSpec::scripts`].
    pub script: usize,
    pub weight: i32,
    pub reverse: bool,
}

/// The notify scripts of an instance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstanceNotify {
    pub master: Option<ScriptCmd>,
    pub backup: Option<ScriptCmd>,
    pub fault: Option<ScriptCmd>,
    pub stop: Option<ScriptCmd>,
    pub deleted: Option<ScriptCmd>,
    /// `notify`: gets `INSTANCE name STATE priority`.
    pub generic: Option<ScriptCmd>,
    pub master_rx_lower_pri: Option<ScriptCmd>,
    /// `notify_priority_changes`: priority changes go to the FIFOs.
    pub priority_changes: bool,
    /// `notify_deleted`: removal at reload is announced as DELETED (else
    /// as FAULT).
    pub notify_deleted: bool,
}

/// The notify scripts of a sync group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupNotify {
    pub name: String,
    pub master: Option<ScriptCmd>,
    pub backup: Option<ScriptCmd>,
    pub fault: Option<ScriptCmd>,
    pub stop: Option<ScriptCmd>,
    /// `notify`: gets `GROUP name STATE 0`.
    pub generic: Option<ScriptCmd>,
}

/// `notify_fifo` or `vrrp_notify_fifo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FifoSpec {
    /// "" for notify_fifo, "vrrp_" for vrrp_notify_fifo (for messages).
    pub kind: &'static str,
    pub path: String,
    pub uid: u32,
    pub gid: u32,
    /// Started when the FIFO is opened, with its path as last argument.
    pub script: Option<ScriptCmd>,
}

/// Everything about scripts the runtime needs, from the configuration.
/// Per-instance vectors follow the instances' order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScriptsSpec {
    pub scripts: Vec<VrrpScriptSpec>,
    pub tracking: Vec<Vec<TrackedScript>>,
    pub notify: Vec<InstanceNotify>,
    pub groups: Vec<GroupNotify>,
    pub fifos: Vec<FifoSpec>,
    /// Scripts are run without enable_script_security (keepalived's
    /// SECURITY VIOLATION), and whether some are insecure.
    pub security_violation: Option<bool>,
}

impl ScriptsSpec {
    /// From the checked configuration: insecure or missing scripts were
    /// dropped by the checks; vrrp_scripts nobody tracks are not run.
    pub fn from_config(cfg: &Config) -> ScriptsSpec {
        let track = &cfg.vrrp.track;
        let mut spec = ScriptsSpec::default();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut resolve = |spec: &mut ScriptsSpec, name: &str| -> Option<usize> {
            if let Some(&i) = index.get(name) {
                return Some(i);
            }
            let s = track.script(name).filter(|s| !s.insecure)?;
            let cmd = ScriptCmd::from_config(s.script.as_ref()?);
            let micros = |d: std::time::Duration| d.as_micros().min(u128::from(u64::MAX)) as u64;
            spec.scripts.push(VrrpScriptSpec {
                tracker: ScriptConfig {
                    name: s.name.clone(),
                    program: cmd.program().to_string(),
                    interval: micros(s.interval),
                    timeout: micros(s.effective_timeout()),
                    rise: s.rise,
                    fall: s.fall,
                    init_fail: s.init_fail,
                },
                cmd,
            });
            index.insert(name.to_string(), spec.scripts.len() - 1);
            Some(spec.scripts.len() - 1)
        };
        let cmd =
            |s: &Option<crate::config::script::Script>| s.as_ref().map(ScriptCmd::from_config);
        for inst in &cfg.vrrp.instances.list {
            let mut tracked = Vec::new();
            for t in &inst.track_scripts {
                if let Some(script) = resolve(&mut spec, &t.name) {
                    if !tracked.iter().any(|x: &TrackedScript| x.script == script) {
                        tracked.push(TrackedScript {
                            script,
                            weight: t.weight.value,
                            reverse: t.weight.reverse,
                        });
                    }
                }
            }
            spec.tracking.push(tracked);
            let n = &inst.notify;
            spec.notify.push(InstanceNotify {
                master: cmd(&n.master),
                backup: cmd(&n.backup),
                fault: cmd(&n.fault),
                stop: cmd(&n.stop),
                deleted: if inst.notify_deleted {
                    cmd(&n.deleted)
                } else {
                    None
                },
                generic: cmd(&n.generic),
                master_rx_lower_pri: cmd(&n.master_rx_lower_pri),
                priority_changes: inst.notify_priority_changes.unwrap_or(false),
                notify_deleted: inst.notify_deleted,
            });
        }
        // A sync group's track_script is tracked by each member, with the
        // group's weight unless the member tracks it weightless itself.
        for g in &track.sync_groups {
            if g.instances.is_empty() {
                continue;
            }
            for t in &g.track_scripts {
                let Some(script) = resolve(&mut spec, &t.name) else {
                    continue;
                };
                for &m in &g.instances {
                    let Some(list) = spec.tracking.get_mut(m) else {
                        continue;
                    };
                    let entry = TrackedScript {
                        script,
                        weight: t.weight.value,
                        reverse: t.weight.reverse,
                    };
                    match list.iter_mut().find(|x| x.script == script) {
                        Some(x) if x.weight != 0 => *x = entry,
                        Some(_) => {}
                        None => list.push(entry),
                    }
                }
            }
            spec.groups.push(GroupNotify {
                name: g.name.clone(),
                master: cmd(&g.notify_master),
                backup: cmd(&g.notify_backup),
                fault: cmd(&g.notify_fault),
                stop: cmd(&g.notify_stop),
                generic: cmd(&g.notify),
            });
        }
        let gl = &cfg.global;
        let global = &gl.notify_fifo;
        for (kind, f) in [("", global), ("vrrp_", &gl.vrrp_notify_fifo)] {
            let Some(path) = f.name.clone() else {
                continue;
            };
            // The same FIFO as the global one: keepalived ignores it.
            if kind == "vrrp_" && global.name.as_deref() == Some(path.as_str()) {
                log::info!(target: "vrrp", "notify FIFO {path} has been specified for global and vrrp FIFO - ignoring vrrp FIFO");
                continue;
            }
            spec.fifos.push(FifoSpec {
                kind,
                path,
                uid: f.uid,
                gid: f.gid,
                script: cmd(&f.script),
            });
        }
        let f = cfg.vrrp.script_flags;
        if !gl.script_security && f & sc_flags::ISSCRIPT != 0 {
            spec.security_violation = Some(f & sc_flags::INSECURE != 0);
        }
        spec
    }
}

/// Who a child process belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// A vrrp_script run (index in the trackers).
    Track(usize),
    /// A notify script: nobody waits for it.
    Notify,
    /// A STOP notification: killed after 1 s.
    Stop,
    /// A notify FIFO's script.
    Fifo,
}

struct Running {
    child: Child,
    owner: Owner,
    program: String,
    /// Run through the shell (a `</file` test).
    shell: bool,
    /// When its group gets SIGKILL (STOP notifications, shutdown).
    kill_at: Option<Time>,
    started: Time,
}

/// The runtime's script state (a field of [`Runtime`]).
#[derive(Default)]
pub struct Scripts {
    trackers: Vec<ScriptTracker>,
    cmds: Vec<ScriptCmd>,
    tracking: Vec<Vec<TrackedScript>>,
    notify: Vec<InstanceNotify>,
    groups: Vec<GroupNotify>,
    /// Instances whose start waits for a weightless script's first result.
    held: Vec<bool>,
    /// Whether an instance has sent notifications (for the sync group
    /// rule below).
    notifies_sent: Vec<bool>,
    /// The state of each instance's sync group, when the group logic says
    /// so: notifications already sent for the group are not repeated.
    group_state: Vec<Option<State>>,
    children: HashMap<i32, Running>,
    /// Process groups a vrrp_script left behind, killed at this time.
    leftovers: Vec<(i32, Time)>,
    fifos: Vec<Fifo>,
    /// Round-robin start for the spawn budget.
    next_first: usize,
    /// Shutting down: no more runs, results no longer count.
    stopping: bool,
    /// An instance a reload removes: its stop is not announced (its
    /// removal is).
    pub(super) muted: Option<usize>,
}

impl Scripts {
    pub fn deadline(&self) -> Option<Time> {
        let trackers = self
            .trackers
            .iter()
            .filter(|_| !self.stopping)
            .filter_map(ScriptTracker::deadline);
        let children = self.children.values().filter_map(|r| r.kill_at);
        let leftovers = self.leftovers.iter().map(|l| l.1);
        trackers.chain(children).chain(leftovers).min()
    }

    /// Whether instance `i` waits for its scripts before it starts.
    pub fn held(&self, i: usize) -> bool {
        self.held.get(i).copied().unwrap_or(false)
    }

    /// Children we still wait for at shutdown.
    fn waited_for(&self) -> usize {
        self.children
            .values()
            .filter(|r| r.owner != Owner::Notify)
            .count()
    }
}

/// keepalived's `%m`: the error text without Rust's "(os error N)".
fn strerror(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn errno(e: &io::Error) -> i32 {
    e.raw_os_error().unwrap_or(0)
}

impl Runtime {
    /// Take the scripts of the configuration: open the notify FIFOs (and
    /// start their scripts), prepare the vrrp_script trackers. Call before
    /// the loop starts.
    pub fn set_scripts(&mut self, spec: ScriptsSpec) {
        if let Some(insecure) = spec.security_violation {
            log::warn!(target: "vrrp", "SECURITY VIOLATION - scripts are being executed but script_security not enabled.{}", if insecure { " There are insecure scripts." } else { "" });
        }
        let n = self.instances.len();
        let s = &mut self.scripts;
        s.trackers = spec
            .scripts
            .iter()
            .map(|v| ScriptTracker::new(v.tracker.clone()))
            .collect();
        s.cmds = spec.scripts.into_iter().map(|v| v.cmd).collect();
        s.tracking = spec.tracking;
        s.tracking.resize(n, Vec::new());
        s.notify = spec.notify;
        s.notify.resize(n, InstanceNotify::default());
        s.groups = spec.groups;
        s.held = vec![false; n];
        s.notifies_sent = vec![false; n];
        s.group_state = vec![None; n];
        let anything = !s.cmds.is_empty()
            || !spec.fifos.is_empty()
            || !s.groups.is_empty()
            || s.notify.iter().any(|n| *n != InstanceNotify::default());
        if anything {
            if let Err(e) = child::become_subreaper() {
                log::info!(target: "vrrp", "cannot adopt the orphans of scripts: {e}");
            }
        }
        let now = Time(monotonic_micros());
        for f in spec.fifos {
            self.open_fifo(f, now);
        }
    }

    /// SIGHUP: the new configuration's scripts and notifications. Runs
    /// in progress finish unheeded; open FIFOs stay open; instances that
    /// keep running are not held back for their scripts' first results.
    pub(super) fn reload_scripts(&mut self, mut spec: ScriptsSpec, kept: &[bool], now: Time) {
        if !self.scripts.fifos.is_empty() {
            spec.fifos.clear();
        }
        for r in self.scripts.children.values_mut() {
            if matches!(r.owner, Owner::Track(_)) {
                r.owner = Owner::Notify;
            }
        }
        self.set_scripts(spec);
        self.start_scripts(now);
        for (i, &k) in kept.iter().enumerate() {
            if k {
                if let Some(h) = self.scripts.held.get_mut(i) {
                    *h = false;
                }
            }
        }
    }

    /// keepalived's `fifo_open`: make the FIFO if needed, start its
    /// script, then open it.
    fn open_fifo(&mut self, f: FifoSpec, now: Time) {
        let path = Path::new(&f.path);
        let kind = f.kind;
        let created = match fifo::make(path, f.uid, f.gid) {
            Ok(Made::Created { owned }) => {
                if !owned {
                    log::info!(target: "vrrp", "Failed to set uid:gid for fifo {}", f.path);
                }
                true
            }
            Ok(Made::Existed) => false,
            Err(_) => {
                log::info!(target: "vrrp", "Unable to create {kind}notify fifo {}", f.path);
                return;
            }
        };
        if let Some(cmd) = &f.script {
            self.spawn(cmd, std::slice::from_ref(&f.path), Owner::Fifo, None, now);
        }
        match Fifo::open(path, created) {
            Ok(fifo) => self.scripts.fifos.push(fifo),
            Err(e) => {
                log::info!(target: "vrrp", "Unable to open {kind}notify fifo {} - errno {}", f.path, errno(&e));
            }
        }
    }

    /// Start `cmd` with `extra` arguments; `None` if it could not be.
    fn spawn(
        &mut self,
        cmd: &ScriptCmd,
        extra: &[String],
        owner: Owner,
        kill_at: Option<Time>,
        now: Time,
    ) -> Option<i32> {
        let started = cmd.command(extra).and_then(|c| child::spawn(&c));
        match started {
            Ok(c) => {
                let pid = c.pid;
                self.scripts.children.insert(
                    pid,
                    Running {
                        child: c,
                        owner,
                        program: cmd.program().to_string(),
                        shell: notify::is_file_test(&cmd.args),
                        kill_at,
                        started: now,
                    },
                );
                Some(pid)
            }
            Err(e) => {
                log::info!(target: "vrrp", "Failed fork process ({}): {}", cmd.program(), strerror(&e));
                None
            }
        }
    }

    /// Start the trackers and settle what the instances know before they
    /// start: scripts that begin failed (`init_fail`) count at once, and an
    /// instance tracking a weightless script waits for its first result.
    pub(super) fn start_scripts(&mut self, now: Time) {
        for t in &mut self.scripts.trackers {
            t.start(now);
        }
        for i in 0..self.instances.len() {
            let tracked = self.scripts.tracking.get(i).cloned().unwrap_or_default();
            for ts in tracked {
                let t = &self.scripts.trackers[ts.script];
                let name = t.cfg.name.clone();
                match tscript::status(t.health(), ts.weight, ts.reverse) {
                    None => self.scripts.held[i] = true,
                    Some(st) => {
                        if st == Status::Fault {
                            log::info!(target: "vrrp", "({}): entering FAULT state due to script {name}", self.instances[i].spec.params.name);
                        }
                        self.instances[i].track.set(TrackerKey::Script(name), st);
                    }
                }
            }
        }
    }

    /// Script timers: termination stages, then runs (within the budget).
    pub(super) fn script_timers(&mut self, now: Time) {
        if self.scripts.stopping {
            return;
        }
        let n = self.scripts.trackers.len();
        for idx in 0..n {
            let mut out = Vec::new();
            self.scripts.trackers[idx].on_kill_timer(now, &mut out);
            self.apply_actions(idx, out, now);
        }
        let began = monotonic_micros();
        let first = self.scripts.next_first % n.max(1);
        let mut spawned = 0usize;
        for k in 0..n {
            let idx = (first + k) % n;
            if !self.scripts.trackers[idx].run_due(now) {
                continue;
            }
            if spawned > 0 && monotonic_micros().saturating_sub(began) > SPAWN_BUDGET {
                // The rest next turn (the deadline is already past), from
                // here on.
                self.scripts.next_first = idx;
                break;
            }
            let mut out = Vec::new();
            self.scripts.trackers[idx].on_run_timer(now, &mut out);
            spawned += usize::from(out.contains(&Action::Spawn));
            self.apply_actions(idx, out, now);
        }
        // STOP notifications over their time, and leftovers.
        let due: Vec<i32> = self
            .scripts
            .children
            .iter()
            .filter(|(_, r)| r.kill_at.is_some_and(|t| t <= now))
            .map(|(pid, _)| *pid)
            .collect();
        for pid in due {
            if let Some(r) = self.scripts.children.get_mut(&pid) {
                r.kill_at = None;
            }
            let _ = child::kill_group(pid, libc::SIGKILL);
        }
        let (due, later): (Vec<_>, Vec<_>) =
            self.scripts.leftovers.drain(..).partition(|l| l.1 <= now);
        self.scripts.leftovers = later;
        for (pgid, _) in due {
            if child::group_exists(pgid) {
                log::info!(target: "vrrp", "killing processes left behind by script (process group {pgid})");
                let _ = child::kill_group(pgid, libc::SIGKILL);
            }
        }
    }

    fn apply_actions(&mut self, idx: usize, actions: Vec<Action>, now: Time) {
        let mut queue = std::collections::VecDeque::from(actions);
        while let Some(a) = queue.pop_front() {
            match a {
                Action::Spawn => {
                    let cmd = self.scripts.cmds[idx].clone();
                    if let Some(pid) = self.spawn(&cmd, &[], Owner::Track(idx), None, now) {
                        self.scripts.trackers[idx].spawned(pid, now);
                    }
                }
                Action::KillGroup { pid, signal } => {
                    let r = child::kill_group(pid, signal);
                    let e = r.err().map_or(0, |e| errno(&e));
                    if e == libc::ESRCH && !self.scripts.children.contains_key(&pid) {
                        // Already gone with all its group.
                        continue;
                    }
                    let mut out = Vec::new();
                    self.scripts.trackers[idx].kill_result(e, &mut out);
                    if e == libc::ESRCH {
                        self.scripts.children.remove(&pid);
                    }
                    queue.extend(out);
                }
                Action::Log(l) => log::info!(target: "vrrp", "{l}"),
                Action::Health(h) => self.script_health(idx, h, now),
            }
        }
    }

    /// A script's verdict changed: every instance tracking it follows.
    fn script_health(&mut self, idx: usize, health: Health, now: Time) {
        let name = self.scripts.trackers[idx].cfg.name.clone();
        for i in 0..self.instances.len() {
            let Some(ts) = self.scripts.tracking[i]
                .iter()
                .find(|t| t.script == idx)
                .copied()
            else {
                continue;
            };
            let Some(st) = tscript::status(health, ts.weight, ts.reverse) else {
                continue;
            };
            let key = TrackerKey::Script(name.clone());
            if self.scripts.held[i] {
                self.instances[i].track.set(key, st);
                self.release_if_ready(i, now);
            } else {
                self.track_update(i, key, st, now);
            }
        }
    }

    /// A held instance starts once none of its weightless scripts is in
    /// its initial state any more.
    fn release_if_ready(&mut self, i: usize, now: Time) {
        let waiting = self.scripts.tracking[i].iter().any(|ts| {
            tscript::status(
                self.scripts.trackers[ts.script].health(),
                ts.weight,
                ts.reverse,
            )
            .is_none()
        });
        if waiting {
            return;
        }
        self.scripts.held[i] = false;
        let up = self.instances[i].healthy();
        let prio = self.instances[i].effective_priority();
        self.input(i, now, Input::Priority(prio));
        // keepalived held the instance in FAULT without a word; it now
        // comes up as from FAULT ("Entering BACKUP STATE"), or stays there
        // and only notifies.
        let mut out = Vec::new();
        self.instances[i]
            .machine
            .handle(now, Input::Start { up: false }, &mut out);
        for o in out {
            if !matches!(o, Output::Log(_) | Output::Notify(_)) {
                self.apply(i, o, now);
            }
        }
        if up {
            self.input(i, now, Input::Up(true));
        } else {
            self.notify_instance(i, State::Fault, now);
        }
    }

    /// SIGCHLD: collect every exited child and hand it to its owner.
    pub fn on_sigchld(&mut self, now: Time) {
        loop {
            let Some((pid, exit)) = child::reap_any() else {
                return;
            };
            // Orphans we adopted, or children we gave up on: nothing to do.
            let Some(r) = self.scripts.children.remove(&pid) else {
                continue;
            };
            self.child_exited(r, exit, now);
        }
    }

    fn child_exited(&mut self, r: Running, exit: child::Exit, now: Time) {
        let mut exit = match exit {
            child::Exit::Code(c) => tscript::Exit::Code(c),
            child::Exit::Signal(s) => tscript::Exit::Signal(s),
        };
        // What keepalived's child logs before it exits with status 0.
        if let Some(e) = r.child.setup_error() {
            let msg = match e {
                SetupError::Setgid(id, e) => format!("Couldn't setgid: {id} ({})", strerror(&e)),
                SetupError::Setgroups(id, e) => {
                    format!("Couldn't setgroups: {id} ({})", strerror(&e))
                }
                SetupError::Setuid(id, e) => format!("Couldn't setuid: {id} ({})", strerror(&e)),
                SetupError::Exec(e) => format!(
                    "Error exec-ing command '{}', error {}: {}",
                    r.program,
                    errno(&e),
                    strerror(&e)
                ),
            };
            log::error!(target: "vrrp", "{msg}");
        }
        // keepalived's system() wrapper turns "not found"/"cannot run"
        // into a logged success.
        if r.shell {
            let line = notify::shell_line(std::slice::from_ref(&r.program));
            match exit {
                tscript::Exit::Code(127) => {
                    log::error!(target: "vrrp", "Couldn't find command: {line}");
                    exit = tscript::Exit::Code(0);
                }
                tscript::Exit::Code(126) => {
                    log::error!(target: "vrrp", "Couldn't execute command: {line}");
                    exit = tscript::Exit::Code(0);
                }
                _ => {}
            }
        }
        match r.owner {
            Owner::Track(_) if self.scripts.stopping => {}
            // A run started before a reload replaced the trackers.
            Owner::Track(idx) if idx >= self.scripts.trackers.len() => {}
            Owner::Track(idx) => {
                let pid = r.child.pid;
                let mut out = Vec::new();
                self.scripts.trackers[idx].exited(exit, &mut out);
                self.apply_actions(idx, out, now);
                // Whatever it left running in its group ends with the
                // run's time.
                if child::group_exists(pid) {
                    let at = r.started.plus(self.scripts.trackers[idx].cfg.timeout);
                    self.scripts.leftovers.push((pid, at.max(now)));
                }
            }
            Owner::Fifo if self.scripts.stopping => {}
            Owner::Fifo => {
                log::info!(target: "vrrp", "vrrp notify fifo script terminated");
            }
            Owner::Notify | Owner::Stop => {}
        }
    }

    /// Run notify `cmd` (`extra` arguments appended); STOP notifications are
    /// limited to 1 s.
    fn run_notify(&mut self, cmd: Option<ScriptCmd>, extra: &[String], stop: bool, now: Time) {
        let Some(cmd) = cmd else {
            return;
        };
        if stop {
            self.spawn(&cmd, extra, Owner::Stop, Some(now.plus(STOP_LIMIT)), now);
        } else {
            self.spawn(&cmd, extra, Owner::Notify, None, now);
        }
    }

    fn write_fifos(&self, line: &str) {
        for f in &self.scripts.fifos {
            f.write(line.as_bytes());
        }
    }

    /// keepalived's `send_instance_notifies`: the state's script, the
    /// generic `notify`, then the FIFO line.
    pub(super) fn notify_instance(&mut self, i: usize, state: State, now: Time) {
        let Some(n) = self.scripts.notify.get(i).cloned() else {
            return;
        };
        if self.scripts.muted == Some(i) {
            return;
        }
        if self.scripts.notifies_sent[i] && self.scripts.group_state[i] == Some(state) {
            // Already announced with the sync group.
            return;
        }
        self.scripts.notifies_sent[i] = true;
        let name = self.instances[i].spec.params.name.clone();
        let prio = self.instances[i].machine.priority();
        let event = Event::State(state);
        let stop = state == State::Stop;
        let specific = match state {
            State::Master => n.master,
            State::Backup => n.backup,
            State::Fault => n.fault,
            State::Stop => n.stop,
            State::Init => None,
        };
        self.run_notify(specific, &[], stop, now);
        let args = notify::generic_args(Subject::Instance(&name), event, prio);
        self.run_notify(n.generic, &args, stop, now);
        self.write_fifos(&notify::fifo_line(Subject::Instance(&name), event, prio));
    }

    /// An instance a reload removed: DELETED (its notify_deleted script,
    /// the generic script, the FIFOs) with `notify_deleted`; otherwise the
    /// old way, FAULT to the generic script and the FIFOs, unless it was
    /// in FAULT already.
    pub(super) fn notify_removed(&mut self, i: usize, was: State, now: Time) {
        let Some(n) = self.scripts.notify.get(i).cloned() else {
            return;
        };
        if !n.notify_deleted && was == State::Fault {
            return;
        }
        let name = self.instances[i].spec.params.name.clone();
        let prio = self.instances[i].machine.priority();
        let (event, specific) = if n.notify_deleted {
            (Event::Deleted, n.deleted)
        } else {
            (Event::State(State::Fault), None)
        };
        self.run_notify(specific, &[], false, now);
        let args = notify::generic_args(Subject::Instance(&name), event, prio);
        self.run_notify(n.generic, &args, false, now);
        self.write_fifos(&notify::fifo_line(Subject::Instance(&name), event, prio));
    }

    /// keepalived's `send_event_notify`: a master heard a lower priority.
    pub(super) fn notify_rx_lower_pri(&mut self, i: usize, now: Time) {
        let cmd = self
            .scripts
            .notify
            .get(i)
            .and_then(|n| n.master_rx_lower_pri.clone());
        self.run_notify(cmd, &[], false, now);
        let name = self.instances[i].spec.params.name.clone();
        let prio = self.instances[i].machine.priority();
        self.write_fifos(&notify::fifo_line(
            Subject::Instance(&name),
            Event::MasterRxLowerPri,
            prio,
        ));
    }

    /// The effective priority changed: with `notify_priority_changes`, the
    /// FIFOs hear it.
    pub(super) fn notify_priority_change(&mut self, i: usize) {
        if !self
            .scripts
            .notify
            .get(i)
            .is_some_and(|n| n.priority_changes)
        {
            return;
        }
        let inst = &self.instances[i];
        let event = if inst.machine.state() == State::Master {
            Event::MasterPriority
        } else {
            Event::BackupPriority
        };
        let line = notify::fifo_line(
            Subject::Instance(&inst.spec.params.name),
            event,
            inst.machine.priority(),
        );
        self.write_fifos(&line);
    }

    /// keepalived's `send_group_notifies`, for the sync group logic: the
    /// group's state script (not time-limited, even for STOP), its generic
    /// `notify` with `GROUP name STATE 0`, then the FIFO line.
    pub fn notify_group(&mut self, group: &str, state: State, now: Time) {
        let g = self
            .scripts
            .groups
            .iter()
            .find(|g| g.name == group)
            .cloned()
            .unwrap_or_else(|| GroupNotify {
                name: group.to_string(),
                ..Default::default()
            });
        let event = Event::State(state);
        let specific = match state {
            State::Master => g.master,
            State::Backup => g.backup,
            State::Fault => g.fault,
            State::Stop => g.stop,
            State::Init => None,
        };
        self.run_notify(specific, &[], false, now);
        let args = notify::generic_args(Subject::Group(group), event, 0);
        self.run_notify(g.generic, &args, state == State::Stop, now);
        self.write_fifos(&notify::fifo_line(Subject::Group(group), event, 0));
    }

    /// For the sync group logic: the state instance `i`'s group is in
    /// (`None` outside groups). An instance that already notified does
    /// not notify again a state its group has just announced (keepalived's
    /// `send_instance_notifies`).
    pub fn set_group_notify_state(&mut self, i: usize, state: Option<State>) {
        if let Some(s) = self.scripts.group_state.get_mut(i) {
            *s = state;
        }
    }

    /// Shutdown, first step (before the instances stop): running scripts
    /// get SIGTERM, and SIGKILL 1 s later.
    pub(super) fn terminate_scripts(&mut self, now: Time) {
        for (pid, r) in self.scripts.children.iter_mut() {
            if r.owner == Owner::Notify {
                continue;
            }
            let _ = child::kill_group(*pid, libc::SIGTERM);
            r.kill_at = Some(now.plus(STOP_LIMIT));
        }
        self.scripts.stopping = true;
    }

    /// Shutdown, last step: wait for the scripts we track (runs being
    /// terminated, STOP notifications, FIFO scripts) for up to about a
    /// second, SIGKILL what is left, and close the FIFOs.
    pub fn finish_children(&mut self) {
        let now = || Time(monotonic_micros());
        let end = now().plus(STOP_LIMIT + SECOND / 10);
        loop {
            self.on_sigchld(now());
            let t = now();
            let due: Vec<i32> = self
                .scripts
                .children
                .iter()
                .filter(|(_, r)| r.owner != Owner::Notify && r.kill_at.is_some_and(|k| k <= t))
                .map(|(p, _)| *p)
                .collect();
            for pid in due {
                let _ = child::kill_group(pid, libc::SIGKILL);
                if let Some(r) = self.scripts.children.get_mut(&pid) {
                    r.kill_at = None;
                }
            }
            if self.scripts.waited_for() == 0 || t > end {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        for (pgid, _) in std::mem::take(&mut self.scripts.leftovers) {
            let _ = child::kill_group(pgid, libc::SIGKILL);
        }
        self.scripts.fifos.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::testutil::parse;

    const CONF: &str = "global_defs {\n notify_fifo /tmp/ka-n\n vrrp_notify_fifo /tmp/ka-n\n}\n\
        vrrp_script used {\n script \"/bin/true\"\n interval 3\n weight -20\n rise 2\n fall 3\n}\n\
        vrrp_script unused {\n script /bin/true\n}\n\
        vrrp_script grouped {\n script \"/bin/true\"\n timeout 4\n weight 5 reverse\n}\n\
        vrrp_instance VI_1 {\n interface IF\n virtual_router_id 1\n priority 100\n\
         virtual_ipaddress {\n  192.0.2.1\n }\n track_script {\n  used weight 7\n  grouped\n }\n\
         notify \"/bin/echo a 'b c'\"\n notify_priority_changes\n}\n\
        vrrp_instance VI_2 {\n interface IF\n virtual_router_id 2\n priority 100\n\
         virtual_ipaddress {\n  192.0.2.2\n }\n}\n\
        vrrp_sync_group G {\n group {\n  VI_1\n  VI_2\n }\n sync_group_tracking_weight\n\
         track_script {\n  grouped weight -4 noreverse\n }\n notify_master /bin/true\n}\n";

    #[test]
    fn the_configuration_becomes_the_scripts_spec() {
        let iface = ["eth0", "ens3", "enp0s3"]
            .into_iter()
            .find(|i| std::path::Path::new(&format!("/sys/class/net/{i}")).exists());
        let Some(iface) = iface else {
            eprintln!("SKIP: no ethernet interface to configure");
            return;
        };
        let l = parse(&CONF.replace("IF", iface));
        let spec = ScriptsSpec::from_config(&l.config);
        // Only tracked scripts run, in the order they are first tracked.
        let names: Vec<&str> = spec
            .scripts
            .iter()
            .map(|s| s.tracker.name.as_str())
            .collect();
        assert_eq!(names, ["used", "grouped"], "{:#?}", spec);
        let used = &spec.scripts[0].tracker;
        assert_eq!(
            (used.interval, used.timeout, used.rise, used.fall),
            (3 * SECOND, 3 * SECOND, 2, 3)
        );
        assert_eq!(spec.scripts[1].tracker.timeout, 4 * SECOND);
        assert_eq!(spec.scripts[0].cmd.args, ["/usr/bin/true"]);
        // VI_1: its own weight for `used`; `grouped` with the group's
        // weight instead of the script's own (5 reverse).
        let group_entry = TrackedScript {
            script: 1,
            weight: -4,
            reverse: false,
        };
        assert_eq!(
            spec.tracking[0],
            [
                TrackedScript {
                    script: 0,
                    weight: 7,
                    reverse: false
                },
                group_entry
            ]
        );
        assert_eq!(spec.tracking[1], [group_entry]);
        let n = &spec.notify[0];
        assert_eq!(
            n.generic.as_ref().unwrap().args,
            ["/usr/bin/echo", "a", "b c"]
        );
        assert!(n.priority_changes && !spec.notify[1].priority_changes);
        assert_eq!(spec.groups.len(), 1);
        assert!(spec.groups[0].master.is_some());
        // The VRRP FIFO is the global one: only one is opened.
        assert_eq!(spec.fifos.len(), 1);
        assert_eq!(spec.fifos[0].kind, "");
        assert_eq!(spec.security_violation, Some(false));
    }

    #[test]
    fn file_tests_run_through_the_shell() {
        let c = ScriptCmd {
            args: vec!["</etc/hostname".into()],
            uid: 0,
            gid: 0,
        };
        assert_eq!(
            c.command(&[]).unwrap(),
            child::Command::shell("</etc/hostname", 0, 0).unwrap()
        );
        let c = ScriptCmd {
            args: vec!["/bin/x".into(), "a b".into()],
            uid: 0,
            gid: 0,
        };
        assert_eq!(
            c.command(&["INSTANCE".into()]).unwrap(),
            child::Command::exec(&["/bin/x".into(), "a b".into(), "INSTANCE".into()], 0, 0)
                .unwrap()
        );
    }
}
