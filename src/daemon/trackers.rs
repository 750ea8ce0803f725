//! The trackers that have descriptors or timers of their own: track_file
//! (inotify), vrrp_track_process (process connector), linkbeat polling,
//! and the SMTP alert connections. The runtime owns one [`Trackers`] and
//! feeds what it reports to the instances.
//!
//! Their mio tokens are in [`TOKENS`], apart from the runtime's.

use super::track_plan::{FilePlan, Plan, SmtpPlan};
use crate::sys::inotify::{self, Inotify};
use crate::sys::linkbeat::Prober;
use crate::sys::proc_events::{self, ProcConnector, ProcEvent};
use crate::sys::tcp::{self, Connect, TcpConn};
use crate::track::file::{self, Value};
use crate::track::process::{Change, Table};
use crate::track::smtp::{self, Alert, Dialogue, Envelope, Step};
use crate::track::weight;
use crate::track::{Status, TrackerKey};
use crate::vrrp::machine::{Time, SECOND};
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::path::{Path, PathBuf};

/// The mio tokens of the trackers.
pub const TOKENS: std::ops::Range<usize> = 30000..40000;
const INOTIFY: usize = 30000;
const PROC: usize = 30001;
const FIRST_SMTP: usize = 30002;

/// keepalived polls linkbeat interfaces every second.
const POLL_INTERVAL: u64 = SECOND;

/// (instance, weight, reverse)
type User = (usize, i32, bool);

/// What the trackers report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// A tracker's verdict on an instance.
    Status(usize, TrackerKey, Status),
    /// A polled interface changed (keepalived: "Linkbeat reports ...").
    Link { name: String, up: bool },
    /// A line to log at this point of the sequence.
    Log(String),
}

/// What an fd waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    Read,
    Write,
}

struct TrackedFile {
    name: String,
    path: PathBuf,
    wd: i32,
    part: String,
    value: i64,
    users: Vec<User>,
}

struct Procs {
    table: Table,
    users: Vec<Vec<User>>,
    conn: Option<ProcConnector>,
    /// Re-read /proc at this time (events were lost, or no connector).
    rescan_at: Option<Time>,
    /// Without a connector /proc is read every second.
    polling: bool,
}

struct Session {
    token: usize,
    conn: TcpConn,
    connecting: bool,
    dialogue: Dialogue,
    deadline: Time,
}

pub struct Trackers {
    files: Vec<TrackedFile>,
    inotify: Option<Inotify>,
    procs: Option<Procs>,
    polled: Vec<(String, bool)>,
    prober: Option<Prober>,
    poll_at: Option<Time>,
    smtp: Option<SmtpPlan>,
    sessions: Vec<Session>,
    next_token: usize,
    /// The instances' names, for log lines.
    names: Vec<String>,
}

fn users_of(
    plan: &Plan,
    name: &str,
    pick: fn(&super::track_plan::InstancePlan) -> &[super::track_plan::Tracked],
) -> Vec<User> {
    plan.instances
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            pick(p)
                .iter()
                .filter(|t| t.name == name)
                .map(move |t| (i, t.weight, t.reverse))
        })
        .collect()
}

/// keepalived writes `init_file` values when it reads the configuration:
/// when the file is missing, or always with `overwrite` (if it is a
/// regular file).
fn init_file(f: &FilePlan) {
    let Some((value, overwrite)) = f.init else {
        return;
    };
    let path = Path::new(&f.path);
    if let Ok(st) = std::fs::metadata(path) {
        if !overwrite {
            return;
        }
        if !st.is_file() {
            log::error!(
                "Cannot initialise track file {} - it is not a regular file",
                f.name
            );
            return;
        }
    }
    if std::fs::write(path, format!("{value}\n")).is_err() {
        log::error!("Unable to initialise track file {}", f.name);
    }
}

/// keepalived's path resolution: the file itself when it exists, else its
/// directory, which must exist.
fn resolve(name: &str, path: &str) -> Option<(PathBuf, bool)> {
    match std::fs::canonicalize(path) {
        Ok(p) => Some((p, true)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let p = Path::new(path);
            let dir = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            match std::fs::canonicalize(dir) {
                Ok(d) if d.is_dir() => Some((d.join(p.file_name()?), false)),
                _ => {
                    log::error!("Track file directory for {name} does not exist - removing");
                    None
                }
            }
        }
        Err(_) => {
            log::error!("track file {name} is not accessible - ignoring");
            None
        }
    }
}

fn read_value(path: &Path) -> Option<i64> {
    let Some(content) = inotify::read_head(path, file::READ_MAX) else {
        return Some(0);
    };
    match file::parse(&content) {
        Value::Number(v) => Some(v),
        Value::Invalid(v) => {
            log::info!(target: "vrrp", "Invalid number {v} read from {} - ignoring", path.display());
            None
        }
    }
}

impl Trackers {
    pub fn new(plan: &Plan, now: Time) -> Trackers {
        let mut t = Trackers {
            files: Vec::new(),
            inotify: None,
            procs: None,
            polled: Vec::new(),
            prober: None,
            poll_at: None,
            smtp: plan.smtp.clone(),
            sessions: Vec::new(),
            next_token: FIRST_SMTP,
            names: plan.instances.iter().map(|i| i.name.clone()).collect(),
        };
        for f in &plan.files {
            init_file(f);
        }
        t.open_files(plan);
        t.open_processes(plan, now);
        t
    }

    fn open_files(&mut self, plan: &Plan) {
        let mut seen: Vec<&str> = Vec::new();
        for f in &plan.files {
            if seen.contains(&f.name.as_str()) {
                continue;
            }
            seen.push(&f.name);
            let users = users_of(plan, &f.name, |p| &p.files);
            if users.is_empty() {
                continue;
            }
            let Some((path, exists)) = resolve(&f.name, &f.path) else {
                continue;
            };
            if self.inotify.is_none() {
                match Inotify::new() {
                    Ok(n) => self.inotify = Some(n),
                    Err(e) => {
                        log::error!("Unable to monitor track files: {e}");
                        return;
                    }
                }
            }
            let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
            let wd = match self.inotify.as_ref().map(|n| n.watch_dir(&dir)) {
                Some(Ok(wd)) => wd,
                _ => -1,
            };
            let value = if exists {
                read_value(&path).unwrap_or(0)
            } else {
                0
            };
            self.files.push(TrackedFile {
                name: f.name.clone(),
                part: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                path,
                wd,
                value,
                users,
            });
        }
    }

    fn open_processes(&mut self, plan: &Plan, now: Time) {
        if plan.processes.is_empty() {
            return;
        }
        let users = plan
            .processes
            .iter()
            .map(|s| users_of(plan, &s.name, |p| &p.processes))
            .collect();
        let mut table = Table::new(plan.processes.clone());
        let conn = match ProcConnector::open() {
            Ok(c) => {
                if c.borrowed_namespace {
                    log::info!(target: "vrrp", "Process events come from the initial network namespace");
                }
                Some(c)
            }
            Err(e) => {
                log::warn!(target: "vrrp", "Failed to open process monitoring socket - {e}; reading /proc every second instead");
                None
            }
        };
        table.scan(&proc_events::scan(
            table.wants_comm(),
            table.wants_cmdline().then(|| table.cmdline_len()),
        ));
        let polling = conn.is_none();
        self.procs = Some(Procs {
            table,
            users,
            conn,
            rescan_at: polling.then(|| now.plus(SECOND)),
            polling,
        });
    }

    /// Interfaces whose link state is polled; returns their state now.
    pub fn poll_interfaces(&mut self, names: &[String], now: Time) -> Vec<(String, bool)> {
        if names.is_empty() {
            return Vec::new();
        }
        match Prober::new() {
            Ok(p) => {
                log::info!(target: "vrrp", "Using MII-BMSR/ETHTOOL NIC polling thread(s)...");
                self.polled = names.iter().map(|n| (n.clone(), p.is_up(n))).collect();
                self.prober = Some(p);
                self.poll_at = Some(now.plus(POLL_INTERVAL));
            }
            Err(e) => log::warn!(target: "vrrp", "open linkbeat socket failed - {e}"),
        }
        self.polled.clone()
    }

    /// The trackers' statuses at start, with keepalived's start-up lines
    /// for the instances they put in FAULT (`names` are the instances').
    pub fn initial(&self, names: &[String], out: &mut Vec<Report>) {
        for f in &self.files {
            for &(i, w, rev) in &f.users {
                let st = weight::file(f.value, w, rev);
                if st == Status::Fault {
                    let shown = if w == 0 {
                        -254
                    } else {
                        f.value * i64::from(w) * if rev { -1 } else { 1 }
                    };
                    log::info!(target: "vrrp", "({}): entering FAULT state (tracked file {} has status {shown})", names.get(i).map_or("", String::as_str), f.name);
                }
                out.push(Report::Status(i, TrackerKey::File(f.name.clone()), st));
            }
        }
        if let Some(p) = &self.procs {
            for (t, users) in p.users.iter().enumerate() {
                let up = p.table.has_quorum(t);
                let name = &p.table.specs()[t].name;
                for &(i, w, rev) in users {
                    let st = weight::updown(up, w, rev);
                    if st == Status::Fault {
                        log::info!(target: "vrrp", "({}) entering FAULT state (tracked process {name} quorum not achieved)", names.get(i).map_or("", String::as_str));
                    }
                    out.push(Report::Status(i, TrackerKey::Process(name.clone()), st));
                }
            }
        }
    }

    /// (token, fd, what it waits for) of every descriptor.
    pub fn fds(&self) -> Vec<(usize, RawFd, Wait)> {
        let mut v = Vec::new();
        if let Some(n) = &self.inotify {
            v.push((INOTIFY, n.as_raw_fd(), Wait::Read));
        }
        if let Some(c) = self.procs.as_ref().and_then(|p| p.conn.as_ref()) {
            v.push((PROC, c.as_raw_fd(), Wait::Read));
        }
        for s in &self.sessions {
            let w = if s.connecting {
                Wait::Write
            } else {
                Wait::Read
            };
            v.push((s.token, s.conn.as_raw_fd(), w));
        }
        v
    }

    pub fn deadline(&self) -> Option<Time> {
        let procs = self.procs.as_ref().and_then(|p| {
            [p.table.deadline(), p.rescan_at]
                .into_iter()
                .flatten()
                .min()
        });
        [procs, self.poll_at]
            .into_iter()
            .flatten()
            .chain(self.sessions.iter().map(|s| s.deadline))
            .min()
    }

    pub fn on_ready(&mut self, token: usize, now: Time, out: &mut Vec<Report>) {
        match token {
            INOTIFY => self.on_inotify(out),
            PROC => self.on_proc_events(now, out),
            t => self.on_session(t, now),
        }
    }

    pub fn on_timers(&mut self, now: Time, out: &mut Vec<Report>) {
        if let Some(p) = &mut self.procs {
            let mut ch = Vec::new();
            p.table.on_timer(now, &mut ch);
            if p.rescan_at.is_some_and(|t| t <= now) {
                p.rescan_at = p.polling.then(|| now.plus(SECOND));
                let t = &p.table;
                let procs =
                    proc_events::scan(t.wants_comm(), t.wants_cmdline().then(|| t.cmdline_len()));
                p.table.rescan(now, &procs, &mut ch);
            }
            self.quorum_changes(&ch, out);
        }
        if self.poll_at.is_some_and(|t| t <= now) {
            self.poll_at = Some(now.plus(POLL_INTERVAL));
            if let Some(p) = &self.prober {
                for (name, up) in self.polled.iter_mut() {
                    let now_up = p.is_up(name);
                    if now_up != *up {
                        *up = now_up;
                        out.push(Report::Link {
                            name: name.clone(),
                            up: now_up,
                        });
                    }
                }
            }
        }
        let due: Vec<usize> = self
            .sessions
            .iter()
            .filter(|s| s.deadline <= now)
            .map(|s| s.token)
            .collect();
        for t in due {
            self.session_timeout(t, now);
        }
    }

    // ---- track_file ----------------------------------------------------

    fn on_inotify(&mut self, out: &mut Vec<Report>) {
        let mut events = Vec::new();
        if let Some(n) = &self.inotify {
            if let Err(e) = n.read_events(&mut events) {
                log::info!(target: "vrrp", "inotify read() returned error - {e}");
            }
        }
        for ev in events {
            if !ev.written && !ev.gone {
                log::info!(target: "vrrp", "Unknown inotify event 0x{:x}", ev.mask);
                continue;
            }
            for f in 0..self.files.len() {
                let tf = &self.files[f];
                if tf.wd != ev.wd || tf.part != ev.name {
                    continue;
                }
                let value = if ev.gone {
                    Some(0)
                } else {
                    read_value(&tf.path)
                };
                if let Some(v) = value {
                    self.file_value(f, v, out);
                }
            }
        }
    }

    fn file_value(&mut self, f: usize, value: i64, out: &mut Vec<Report>) {
        let tf = &mut self.files[f];
        if tf.value == value {
            return;
        }
        let old = tf.value;
        tf.value = value;
        for &(i, w, rev) in &tf.users {
            let (was, now) = (weight::file(old, w, rev), weight::file(value, w, rev));
            let name = self.names.get(i).map_or("", String::as_str);
            if crate::daemon::log::detail() && (was == Status::Fault) != (now == Status::Fault) {
                let what = if now == Status::Fault {
                    "now FAULT state"
                } else {
                    "leaving FAULT state"
                };
                out.push(Report::Log(format!(
                    "({name}): tracked file {} {what}",
                    tf.name
                )));
            }
            out.push(Report::Status(i, TrackerKey::File(tf.name.clone()), now));
        }
    }

    // ---- vrrp_track_process -------------------------------------------

    fn on_proc_events(&mut self, now: Time, out: &mut Vec<Report>) {
        let Some(p) = &mut self.procs else {
            return;
        };
        let mut events = Vec::new();
        if let Some(c) = &p.conn {
            if let Err(e) = c.read_events(&mut events) {
                if e.raw_os_error() == Some(libc::ENOBUFS) {
                    // Events were lost: let things settle, then read /proc.
                    p.rescan_at = Some(now.plus(SECOND));
                } else {
                    log::info!(target: "vrrp", "process monitor netlink recv error - {e}");
                }
            }
        }
        let mut ch = Vec::new();
        let (comm, line) = (
            p.table.wants_comm(),
            p.table.wants_cmdline().then(|| p.table.cmdline_len()),
        );
        for ev in events {
            match ev {
                ProcEvent::Ack => {
                    if crate::daemon::log::detail() {
                        log::info!(target: "vrrp", "proc_events has confirmed it is configured");
                    }
                }
                ProcEvent::Fork { parent, child } => p.table.fork(now, parent, child, &mut ch),
                ProcEvent::Exec { pid } => {
                    if let Some(info) = proc_events::read_process(pid, comm, line) {
                        p.table.exec(pid, &info, &mut ch);
                    }
                }
                ProcEvent::Comm { pid, comm } => p.table.comm(pid, &comm, &mut ch),
                ProcEvent::Exit { pid } => p.table.exit(now, pid, &mut ch),
            }
        }
        self.quorum_changes(&ch, out);
    }

    fn quorum_changes(&self, changes: &[Change], out: &mut Vec<Report>) {
        let Some(p) = &self.procs else {
            return;
        };
        for c in changes {
            let name = &p.table.specs()[c.tracker].name;
            log::info!(target: "vrrp", "Quorum {} for tracked process {name}", if c.up { "gained" } else { "lost" });
            for &(i, w, rev) in &p.users[c.tracker] {
                out.push(Report::Status(
                    i,
                    TrackerKey::Process(name.clone()),
                    weight::updown(c.up, w, rev),
                ));
            }
        }
    }

    // ---- SMTP ------------------------------------------------------------

    /// Send an alert mail (nothing without smtp_server and recipients).
    pub fn mail(&mut self, alert: &Alert, now: Time) {
        let Some(s) = &self.smtp else {
            return;
        };
        let server = match s.server {
            std::net::SocketAddr::V4(a) => format!("[{}]:{}", a.ip(), a.port()),
            std::net::SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
        };
        let env = Envelope {
            server,
            helo: s.helo.clone(),
            from: s.from.clone(),
            to: s.to.clone(),
        };
        let data = smtp::message(&tcp::rfc822_now(), &env, alert);
        let (conn, connecting) = match TcpConn::connect(s.server) {
            Ok(Connect::Done(c)) => (c, false),
            Ok(Connect::InProgress(c)) => (c, true),
            // keepalived drops the mail silently when connect() fails at once.
            Err(e) => {
                log::debug!(target: "vrrp", "SMTP connect to {}: {e}", env.server);
                return;
            }
        };
        let token = self.next_token;
        self.next_token = if token + 1 >= TOKENS.end {
            FIRST_SMTP
        } else {
            token + 1
        };
        self.sessions.push(Session {
            token,
            conn,
            connecting,
            dialogue: Dialogue::new(env, data),
            deadline: now.plus(s.timeout),
        });
    }

    fn timeout(&self) -> u64 {
        self.smtp.as_ref().map_or(30 * SECOND, |s| s.timeout)
    }

    fn close(&mut self, token: usize) {
        self.sessions.retain(|s| s.token != token);
    }

    fn on_session(&mut self, token: usize, now: Time) {
        let timeout = self.timeout();
        let Some(s) = self.sessions.iter_mut().find(|s| s.token == token) else {
            return;
        };
        let mut log = Vec::new();
        let mut done = false;
        if s.connecting {
            match s.conn.connect_result() {
                Ok(()) => {
                    s.connecting = false;
                    s.deadline = now.plus(timeout);
                    if crate::daemon::log::detail() {
                        log.push(format!(
                            "Remote SMTP server {} connected.",
                            s.dialogue.server()
                        ));
                    }
                }
                Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
                Err(_) => {
                    // keepalived sees the refused connection as an error
                    // event on the descriptor.
                    log.push(format!(
                        "smtp fd {} returned write error",
                        s.conn.as_raw_fd()
                    ));
                    done = true;
                }
            }
        } else {
            let mut buf = [0u8; 1024];
            loop {
                let was_sent = s.dialogue.sent;
                let step = match s.conn.recv(&mut buf) {
                    Ok(0) => s.dialogue.on_eof(&mut log),
                    Ok(n) => s.dialogue.on_bytes(&buf[..n], &mut log),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) if crate::sys::sock::would_block(&e) => break,
                    Err(_) => {
                        log.push(format!(
                            "Error reading data from remote SMTP server {}.",
                            s.dialogue.server()
                        ));
                        s.dialogue.on_timeout(&mut Vec::new())
                    }
                };
                if s.dialogue.sent && !was_sent && crate::daemon::log::detail() {
                    log.push("SMTP alert successfully sent.".into());
                }
                match step {
                    Step::Wait => {}
                    Step::Close => {
                        done = true;
                        break;
                    }
                    Step::Send(bytes) => {
                        s.deadline = now.plus(timeout);
                        if s.conn.send(&bytes).is_err() {
                            log.push(format!(
                                "Cannot send data to remote SMTP server {}.",
                                s.dialogue.server()
                            ));
                            done = true;
                            break;
                        }
                    }
                }
            }
        }
        for l in log {
            log::info!(target: "vrrp", "{l}");
        }
        if done {
            self.close(token);
        }
    }

    fn session_timeout(&mut self, token: usize, now: Time) {
        let timeout = self.timeout();
        let Some(s) = self.sessions.iter_mut().find(|s| s.token == token) else {
            return;
        };
        let mut log = Vec::new();
        let close = if s.connecting {
            log.push(format!(
                "Timeout opening connection to remote SMTP server {}.",
                s.dialogue.server()
            ));
            true
        } else {
            match s.dialogue.on_timeout(&mut log) {
                Step::Send(bytes) => {
                    s.deadline = now.plus(timeout);
                    s.conn.send(&bytes).is_err()
                }
                _ => true,
            }
        };
        for l in log {
            log::info!(target: "vrrp", "{l}");
        }
        if close {
            self.close(token);
        }
    }

    /// Whether mails are still being delivered.
    pub fn sending(&self) -> bool {
        !self.sessions.is_empty()
    }
}
