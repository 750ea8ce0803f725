//! The runtime's side of tracking: interfaces (netlink or linkbeat
//! polling), the other trackers' reports, sync groups and SMTP alerts.
//! A child module of `daemon::vrrp`, so that it works on the runtime's
//! instances directly; the decisions themselves are in `crate::track`.

use super::{Instance, Runtime};
use crate::daemon::track_plan::Plan;
use crate::daemon::trackers::{Report, Trackers, Wait, TOKENS};
use crate::sys::netlink::Link;
use crate::track::smtp;
use crate::track::sync::{Group, Sync};
use crate::track::{weight, Status, TrackerKey};
use crate::vrrp::machine::{Input, State, Time};
use std::collections::HashMap;
use std::os::fd::RawFd;

/// Who watches an interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IfUser {
    /// The instance's own interface: down is FAULT.
    Own(usize),
    /// A `track_interface` entry: (instance, weight, reverse).
    Tracked(usize, i32, bool),
    /// The own interface with `dont_track_primary`: its changes are only
    /// logged.
    Untracked,
}

#[derive(Debug, Clone)]
struct IfTrack {
    name: String,
    up: bool,
    users: Vec<IfUser>,
    polled: bool,
}

/// What the runtime keeps for tracking; empty until
/// [`Runtime::configure_tracking`].
#[derive(Default)]
pub(super) struct Tracking {
    pub(super) configured: bool,
    ifaces: Vec<IfTrack>,
    groups: Vec<Group>,
    group_of: Vec<Option<usize>>,
    owner_master: Vec<bool>,
    smtp_alert: Vec<bool>,
    group_smtp: Vec<bool>,
    last_mail: Vec<Option<State>>,
    group_last_mail: Vec<Option<State>>,
    notifies_sent: Vec<bool>,
    trackers: Option<Trackers>,
    router_id: String,
    no_email_faults: bool,
    registered: HashMap<usize, (RawFd, Wait)>,
}

impl Tracking {
    fn group(&self, i: usize) -> Option<usize> {
        self.group_of.get(i).copied().flatten()
    }
}

fn healthy(inst: &Instance) -> bool {
    inst.healthy()
}

impl Runtime {
    /// Set up what the configuration tracks (before [`Runtime::start`]):
    /// the trackers' statuses at start go straight into the instances.
    pub fn configure_tracking(&mut self, plan: &Plan, now: Time) {
        let n = self.instances.len();
        let t = &mut self.tracking;
        t.configured = true;
        t.router_id = plan.router_id.clone();
        t.no_email_faults = plan.no_email_faults;
        t.group_of = vec![None; n];
        t.owner_master = vec![false; n];
        t.smtp_alert = vec![false; n];
        t.last_mail = vec![None; n];
        t.notifies_sent = vec![false; n];
        for (i, p) in plan.instances.iter().enumerate().take(n) {
            t.group_of[i] = p.group;
            t.owner_master[i] = p.owner_master;
            t.smtp_alert[i] = p.smtp_alert;
        }
        t.groups = plan
            .groups
            .iter()
            .map(|g| {
                Group::new(
                    &g.name,
                    g.members.iter().copied().filter(|&m| m < n).collect(),
                )
            })
            .collect();
        t.group_smtp = plan.groups.iter().map(|g| g.smtp_alert).collect();
        t.group_last_mail = vec![None; plan.groups.len()];

        // Interfaces: the own one unless dont_track_primary, then the
        // track_interface entries.
        let links = self.nl.links().unwrap_or_default();
        let mut ifaces: Vec<IfTrack> = Vec::new();
        let mut add = |name: &str, user: IfUser| match ifaces.iter_mut().find(|f| f.name == name) {
            Some(f) => f.users.push(user),
            None => ifaces.push(IfTrack {
                name: name.to_string(),
                up: links.iter().any(|l| l.name == name && l.is_up()),
                users: vec![user],
                polled: plan.poll_all || plan.polled.iter().any(|p| p == name),
            }),
        };
        for (i, p) in plan.instances.iter().enumerate().take(n) {
            let own = if p.track_primary {
                IfUser::Own(i)
            } else {
                IfUser::Untracked
            };
            add(&self.instances[i].spec.interface, own);
            for tr in &p.interfaces {
                add(&tr.name, IfUser::Tracked(i, tr.weight, tr.reverse));
            }
        }
        for name in &plan.polled {
            if !ifaces.iter().any(|f| &f.name == name) {
                log::info!(target: "vrrp", "Turning off linkbeat for {name} since not used for tracking");
            }
        }
        let mut trackers = Trackers::new(plan, now);
        let polled: Vec<String> = ifaces
            .iter()
            .filter(|f| f.polled)
            .map(|f| f.name.clone())
            .collect();
        for (name, up) in trackers.poll_interfaces(&polled, now) {
            if let Some(f) = ifaces.iter_mut().find(|f| f.name == name) {
                f.up = up;
            }
        }
        // keepalived: an instance whose interface is not tracked is up.
        for i in 0..n {
            self.instances[i].up = true;
        }
        for f in &ifaces {
            for u in &f.users {
                match *u {
                    IfUser::Own(i) => {
                        if !f.up {
                            log::info!(target: "vrrp", "({}): entering FAULT state (interface {} down)", self.instances[i].spec.params.name, f.name);
                        }
                        self.instances[i].up = f.up;
                    }
                    IfUser::Untracked => {}
                    IfUser::Tracked(i, w, rev) => {
                        let st = weight::updown(f.up, w, rev);
                        if st == Status::Fault {
                            log::info!(target: "vrrp", "({}): entering FAULT state (interface {} down)", self.instances[i].spec.params.name, f.name);
                        }
                        self.instances[i]
                            .track
                            .set(TrackerKey::Interface(f.name.clone()), st);
                    }
                }
            }
        }
        self.tracking.ifaces = ifaces;
        let names: Vec<String> = self
            .instances
            .iter()
            .map(|i| i.spec.params.name.clone())
            .collect();
        let mut reports = Vec::new();
        trackers.initial(&names, &mut reports);
        for r in reports {
            if let Report::Status(i, key, st) = r {
                if let Some(inst) = self.instances.get_mut(i) {
                    inst.track.set(key, st);
                }
            }
        }
        self.tracking.trackers = Some(trackers);
    }

    /// Before `start`: the sync groups' states, with keepalived's lines for
    /// groups that start in FAULT, and their notifications. Returns, per
    /// instance, whether it starts up.
    pub(super) fn start_groups(&mut self) -> Vec<bool> {
        let mut up: Vec<bool> = self.instances.iter().map(healthy).collect();
        for g in 0..self.tracking.groups.len() {
            let members = self.tracking.groups[g].members.clone();
            let h: Vec<bool> = members.iter().map(|&m| up[m]).collect();
            let o: Vec<bool> = members
                .iter()
                .map(|&m| self.tracking.owner_master[m])
                .collect();
            let state = Group::initial_state(&h, &o);
            self.tracking.groups[g].state = state;
            if state == State::Fault {
                if let Some(&first) = members.iter().find(|&&m| !up[m]) {
                    log::info!(target: "vrrp", "VRRP_Group({}): Syncing {} to FAULT state", self.tracking.groups[g].name, self.instances[first].spec.params.name);
                }
                for &m in &members {
                    up[m] = false;
                }
            }
            // keepalived: all members want MASTER, or none does.
            if !o.iter().all(|&x| x) {
                for &m in &members {
                    self.instances[m].machine.params.want_master = false;
                }
            }
            if matches!(state, State::Fault | State::Backup) {
                self.group_notify(g);
            }
        }
        up
    }

    /// On SIGTERM, after the instances: the groups' STOP notifications.
    pub(super) fn stop_groups(&mut self) {
        for g in 0..self.tracking.groups.len() {
            self.tracking.groups[g].state = State::Stop;
            self.group_notify(g);
        }
    }

    /// The sync group's word before each input to member `i`.
    pub(super) fn sync_gate(&mut self, i: usize) {
        let Some(g) = self.tracking.group(i) else {
            return;
        };
        let allowed =
            self.tracking.groups[g].master_allowed(i, |m| self.instances[m].machine.want());
        self.instances[i].machine.set_master_allowed(Some(allowed));
    }

    /// keepalived's transition handlers after a timer or an advert moved
    /// a member: B→M and M→M take the group to MASTER, M→B to BACKUP.
    pub(super) fn after_protocol_input(&mut self, i: usize, prev: State, now: Time) {
        let Some(g) = self.tracking.group(i) else {
            return;
        };
        match (prev, self.instances[i].machine.state()) {
            (State::Backup | State::Fault | State::Master, State::Master) => {
                self.sync(g, i, Sync::Master, now)
            }
            (State::Master, State::Backup) => self.sync(g, i, Sync::Backup, now),
            _ => {}
        }
    }

    fn sync(&mut self, g: usize, from: usize, to: Sync, now: Time) {
        let Some(plan) =
            self.tracking.groups[g].plan(from, to, |m| self.instances[m].machine.state())
        else {
            return;
        };
        log::info!(target: "vrrp", "{}", plan.log);
        let input = match to {
            Sync::Master => Input::ForceMaster,
            Sync::Backup => Input::ForceBackup,
            Sync::Fault => Input::ForceFault,
        };
        for m in plan.moves {
            self.input(m, now, input);
        }
        self.tracking.groups[g].state = plan.state;
        self.group_notify(g);
    }

    /// Instance `i`'s health (link and trackers) changed: FAULT or back,
    /// with its sync group.
    pub(super) fn health_changed(&mut self, i: usize, now: Time) {
        let ok = self.instances[i].healthy();
        let Some(g) = self.tracking.group(i) else {
            self.input(i, now, Input::Up(ok));
            return;
        };
        let members = self.tracking.groups[g].members.clone();
        if !ok {
            self.input(i, now, Input::Up(false));
            let failed = members
                .iter()
                .filter(|&&m| !self.instances[m].healthy())
                .count();
            if failed == 1 {
                self.sync(g, i, Sync::Fault, now);
            }
            return;
        }
        if members
            .iter()
            .any(|&m| m != i && !self.instances[m].healthy())
        {
            // The group stays in FAULT until its last member recovers.
            return;
        }
        self.input(i, now, Input::Up(true));
        let to = if self.instances[i].machine.state() == State::Master {
            Sync::Master
        } else {
            Sync::Backup
        };
        self.sync(g, i, to, now);
    }

    /// A link went up or down (netlink). Polled interfaces are left to the
    /// linkbeat poll.
    pub(super) fn link_changed(&mut self, l: &Link, now: Time) {
        let Some(f) = self.tracking.ifaces.iter().position(|f| f.name == l.name) else {
            return;
        };
        if self.tracking.ifaces[f].polled || self.tracking.ifaces[f].up == l.is_up() {
            return;
        }
        log::info!(target: "vrrp", "Netlink reports {} {}", l.name, if l.is_up() { "up" } else { "down" });
        self.apply_link(f, l.is_up(), now);
    }

    /// After lost netlink messages: catch up with the links as they are.
    pub(super) fn links_resynced(&mut self, links: &[Link], now: Time) {
        if !self.tracking.configured {
            return;
        }
        for f in 0..self.tracking.ifaces.len() {
            let name = self.tracking.ifaces[f].name.clone();
            match links.iter().find(|l| l.name == name) {
                Some(l) => self.link_changed(l, now),
                None if self.tracking.ifaces[f].up && !self.tracking.ifaces[f].polled => {
                    self.apply_link(f, false, now)
                }
                None => {}
            }
        }
    }

    /// A tracked interface was deleted: it is down.
    pub(super) fn tracked_link_deleted(&mut self, l: &Link, now: Time) {
        let Some(f) = self.tracking.ifaces.iter().position(|f| f.name == l.name) else {
            return;
        };
        if !self.tracking.ifaces[f].polled {
            self.apply_link(f, false, now);
        }
    }

    fn apply_link(&mut self, f: usize, up: bool, now: Time) {
        if self.tracking.ifaces[f].up == up {
            return;
        }
        self.tracking.ifaces[f].up = up;
        let name = self.tracking.ifaces[f].name.clone();
        for u in self.tracking.ifaces[f].users.clone() {
            match u {
                IfUser::Own(i) => {
                    let was = self.instances[i].healthy();
                    self.instances[i].up = up;
                    if self.instances[i].healthy() != was {
                        self.health_changed(i, now);
                    }
                }
                IfUser::Tracked(i, w, rev) => self.track_update(
                    i,
                    TrackerKey::Interface(name.clone()),
                    weight::updown(up, w, rev),
                    now,
                ),
                IfUser::Untracked => {}
            }
        }
    }

    fn reports(&mut self, reports: Vec<Report>, now: Time) {
        for r in reports {
            match r {
                Report::Status(i, key, st) => {
                    if i < self.instances.len() {
                        self.track_update(i, key, st, now);
                    }
                }
                Report::Log(l) => log::info!(target: "vrrp", "{l}"),
                Report::Link { name, up } => {
                    if let Some(f) = self.tracking.ifaces.iter().position(|f| f.name == name) {
                        log::info!(target: "vrrp", "Linkbeat reports {name} {}", if up { "up" } else { "down" });
                        self.apply_link(f, up, now);
                    }
                }
            }
        }
    }

    /// A tracker descriptor (token in `trackers::TOKENS`) is ready.
    pub fn on_tracker_ready(&mut self, token: usize, now: Time) {
        let mut out = Vec::new();
        if let Some(t) = &mut self.tracking.trackers {
            t.on_ready(token, now, &mut out);
        }
        self.reports(out, now);
    }

    pub(super) fn tracker_timers(&mut self, now: Time) {
        let mut out = Vec::new();
        if let Some(t) = &mut self.tracking.trackers {
            if t.deadline().is_some_and(|d| d <= now) {
                t.on_timers(now, &mut out);
            }
        }
        self.reports(out, now);
    }

    pub(super) fn tracker_deadline(&self) -> Option<Time> {
        self.tracking.trackers.as_ref().and_then(Trackers::deadline)
    }

    /// Keep the poll's registrations in step with the trackers' descriptors
    /// (SMTP connections come and go). A closed descriptor leaves epoll by
    /// itself.
    pub fn register_trackers(&mut self, registry: &mio::Registry) {
        use mio::unix::SourceFd;
        use mio::{Interest, Token};
        let Some(t) = &self.tracking.trackers else {
            return;
        };
        let now: HashMap<usize, (RawFd, Wait)> =
            t.fds().into_iter().map(|(k, fd, w)| (k, (fd, w))).collect();
        for (&token, &(fd, wait)) in &now {
            debug_assert!(TOKENS.contains(&token));
            let interest = match wait {
                Wait::Read => Interest::READABLE,
                Wait::Write => Interest::WRITABLE,
            };
            let r = match self.tracking.registered.get(&token) {
                Some(&(old_fd, old_wait)) if old_fd == fd && old_wait == wait => continue,
                Some(&(old_fd, _)) if old_fd == fd => {
                    registry.reregister(&mut SourceFd(&fd), Token(token), interest)
                }
                _ => registry.register(&mut SourceFd(&fd), Token(token), interest),
            };
            if let Err(e) = r {
                log::warn!(target: "vrrp", "cannot watch tracker descriptor {fd}: {e}");
            }
        }
        self.tracking.registered = now;
    }

    /// Whether SMTP alerts are still on their way (the daemon lets them
    /// finish for a moment at stop).
    pub fn alerts_pending(&self) -> bool {
        self.tracking
            .trackers
            .as_ref()
            .is_some_and(Trackers::sending)
    }

    /// An instance changed state: its notifications. Returns false when
    /// keepalived would send none: the member of a sync group that is
    /// already in the group's state, and has notified before.
    pub(super) fn on_notify(&mut self, i: usize, state: State) -> bool {
        let t = &mut self.tracking;
        if !t.configured {
            return true;
        }
        let group_state = t.group(i).map(|g| t.groups[g].state);
        let quiet = t.notifies_sent[i] && group_state == Some(state);
        t.notifies_sent[i] = true;
        if quiet {
            return false;
        }
        if smtp::wanted(t.smtp_alert[i], t.no_email_faults, t.last_mail[i], state) {
            t.last_mail[i] = Some(state);
            let name = self.instances[i].spec.params.name.clone();
            if let Some(a) = smtp::instance_alert(&self.tracking.router_id, &name, state) {
                let now = Time(crate::sys::process::monotonic_micros());
                if let Some(tr) = &mut self.tracking.trackers {
                    tr.mail(&a, now);
                }
            }
        }
        true
    }

    /// A sync group entered a state: its notifications.
    fn group_notify(&mut self, g: usize) {
        let state = self.tracking.groups[g].state;
        self.run_group_notify_scripts(g, state);
        let t = &mut self.tracking;
        if smtp::wanted(
            t.group_smtp[g],
            t.no_email_faults,
            t.group_last_mail[g],
            state,
        ) {
            t.group_last_mail[g] = Some(state);
            if let Some(a) = smtp::group_alert(&t.router_id, &t.groups[g].name, state) {
                let now = Time(crate::sys::process::monotonic_micros());
                if let Some(tr) = &mut t.trackers {
                    tr.mail(&a, now);
                }
            }
        }
    }

    /// A sync group's notify_master/backup/fault/stop script, then its
    /// generic `notify` script with `GROUP name STATE 0`, then the FIFO
    /// line, in keepalived's order.
    fn run_group_notify_scripts(&mut self, g: usize, state: State) {
        let name = self.tracking.groups[g].name.clone();
        let now = Time(crate::sys::process::monotonic_micros());
        self.notify_group(&name, state, now);
    }

    /// The state of each sync group, for dumps and tests.
    pub fn group_states(&self) -> Vec<(String, State)> {
        self.tracking
            .groups
            .iter()
            .map(|g| (g.name.clone(), g.state))
            .collect()
    }
}
