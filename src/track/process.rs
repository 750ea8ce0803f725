//! vrrp_track_process: which running processes match a tracker, how many
//! there are, and when a tracker gains or loses its quorum (keepalived
//! 2.2.7's core/track_process.c). Pure: fed what /proc and the kernel's
//! process connector say, with the time; the daemon reads those.

use crate::vrrp::machine::Time;
use std::collections::{BTreeMap, BTreeSet};

/// How the words after the process name must match a command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamMatch {
    /// Only the name is compared.
    None,
    /// Exactly these parameters.
    Exact,
    /// The command line starts with these parameters.
    Partial,
    /// Like `Partial`, and the last one may be a prefix of the process's.
    Initial,
}

/// One vrrp_track_process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub name: String,
    /// `process`: compared with the command name (`comm`), or with the
    /// command line's first word when `full_command`.
    pub path: String,
    /// The parameters, each followed by a NUL, as /proc/PID/cmdline has
    /// them; `None` when none were given.
    pub params: Option<Vec<u8>>,
    pub param_match: ParamMatch,
    pub full_command: bool,
    pub quorum: u32,
    pub quorum_max: u32,
    /// µs.
    pub fork_delay: u64,
    /// µs.
    pub terminate_delay: u64,
}

impl Spec {
    pub fn new(name: &str, path: &str) -> Spec {
        Spec {
            name: name.into(),
            path: path.into(),
            params: None,
            param_match: ParamMatch::None,
            full_command: false,
            quorum: 1,
            quorum_max: u32::MAX,
            fork_delay: 0,
            terminate_delay: 0,
        }
    }

    /// Set the parameters from words.
    pub fn with_params(mut self, words: &[String]) -> Spec {
        if !words.is_empty() {
            let mut v = Vec::new();
            for w in words {
                v.extend_from_slice(w.as_bytes());
                v.push(0);
            }
            self.params = Some(v);
        }
        self
    }

    fn in_quorum(&self, n: u32) -> bool {
        n >= self.quorum && n <= self.quorum_max
    }

    /// keepalived's `check_params`: `params` is what follows the first word
    /// of the command line (`None` when the command line is shorter than
    /// its first word and a NUL).
    fn params_match(&self, params: Option<&[u8]>) -> bool {
        let Some(have) = params else {
            // Nothing after the name: only "any parameters" matches.
            return self.param_match != ParamMatch::Exact && self.params.is_none();
        };
        let want = self.params.as_deref().unwrap_or(&[]);
        if self.param_match == ParamMatch::Exact && self.params.is_none() && have.is_empty() {
            return true;
        }
        if have.len() < want.len() {
            return false;
        }
        match self.param_match {
            ParamMatch::Exact => have == want,
            _ if self.params.is_none() => true,
            ParamMatch::Partial | ParamMatch::None => have.starts_with(want),
            ParamMatch::Initial => want.len() == 1 || have.starts_with(&want[..want.len() - 1]),
        }
    }

    /// Whether a process with this command name and command line matches.
    /// `comm` is used unless `full_command`; `cmdline` otherwise.
    pub fn matches(&self, comm: Option<&str>, cmdline: Option<&[u8]>) -> bool {
        let (name, rest): (&[u8], Option<&[u8]>) = if self.full_command {
            let Some(line) = cmdline else {
                return false;
            };
            match line.iter().position(|&b| b == 0) {
                Some(n) => (&line[..n], Some(&line[n + 1..])),
                None => (line, None),
            }
        } else {
            match comm {
                Some(c) => (c.as_bytes(), Some(&[][..])),
                None => return false,
            }
        };
        if name != self.path.as_bytes() {
            return false;
        }
        self.param_match == ParamMatch::None || self.params_match(rest)
    }

    /// Bytes of /proc/PID/cmdline that decide a match.
    pub fn cmdline_len(&self) -> usize {
        self.path.len() + 1 + self.params.as_ref().map_or(0, Vec::len)
    }
}

/// What the kernel or a /proc read says about a process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcInfo {
    /// The command name (/proc/PID/comm, at most 15 bytes).
    pub comm: Option<String>,
    /// /proc/PID/cmdline.
    pub cmdline: Option<Vec<u8>>,
}

/// A tracker gained or lost its quorum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub tracker: usize,
    pub up: bool,
}

/// The processes every tracker counts.
#[derive(Debug, Clone, Default)]
pub struct Table {
    specs: Vec<Spec>,
    /// pid → the trackers counting it.
    pids: BTreeMap<i32, BTreeSet<usize>>,
    count: Vec<u32>,
    quorum: Vec<bool>,
    fork_timer: Vec<Option<Time>>,
    terminate_timer: Vec<Option<Time>>,
}

impl Table {
    pub fn new(specs: Vec<Spec>) -> Table {
        let n = specs.len();
        Table {
            specs,
            pids: BTreeMap::new(),
            count: vec![0; n],
            quorum: vec![false; n],
            fork_timer: vec![None; n],
            terminate_timer: vec![None; n],
        }
    }

    pub fn specs(&self) -> &[Spec] {
        &self.specs
    }

    /// Whether any tracker compares command lines (else only names).
    pub fn wants_cmdline(&self) -> bool {
        self.specs.iter().any(|s| s.full_command)
    }

    pub fn wants_comm(&self) -> bool {
        self.specs.iter().any(|s| !s.full_command)
    }

    /// How many bytes of a command line can matter.
    pub fn cmdline_len(&self) -> usize {
        self.specs.iter().map(Spec::cmdline_len).max().unwrap_or(0) + 2
    }

    pub fn count(&self, t: usize) -> u32 {
        self.count[t]
    }

    pub fn has_quorum(&self, t: usize) -> bool {
        self.quorum[t]
    }

    /// Start from a scan of /proc (zombies left out): counts every match
    /// and sets each tracker's quorum, reporting nothing.
    pub fn scan(&mut self, procs: &[(i32, ProcInfo)]) {
        self.pids.clear();
        self.count.iter_mut().for_each(|c| *c = 0);
        for (pid, info) in procs {
            for t in 0..self.specs.len() {
                if self.specs[t].matches(info.comm.as_deref(), info.cmdline.as_deref()) {
                    self.pids.entry(*pid).or_default().insert(t);
                    self.count[t] += 1;
                }
            }
        }
        for t in 0..self.specs.len() {
            self.quorum[t] = self.specs[t].in_quorum(self.count[t]);
        }
    }

    /// Re-scan after lost events: timers are dropped, and the quorum of
    /// trackers whose count crossed a limit changes (after
    /// `terminate_delay` when it is lost).
    pub fn rescan(&mut self, now: Time, procs: &[(i32, ProcInfo)], out: &mut Vec<Change>) {
        let before = self.count.clone();
        let had = self.quorum.clone();
        self.fork_timer.iter_mut().for_each(|t| *t = None);
        self.terminate_timer.iter_mut().for_each(|t| *t = None);
        self.scan(procs);
        for t in 0..self.specs.len() {
            self.quorum[t] = had[t];
            if before[t] == self.count[t] {
                continue;
            }
            let up = self.specs[t].in_quorum(self.count[t]);
            if up {
                self.set(t, true, out);
            } else if self.specs[t].terminate_delay > 0 {
                self.terminate_timer[t] = Some(now.plus(self.specs[t].terminate_delay));
            } else {
                self.set(t, false, out);
            }
        }
    }

    fn set(&mut self, t: usize, up: bool, out: &mut Vec<Change>) {
        if self.quorum[t] != up {
            self.quorum[t] = up;
            out.push(Change { tracker: t, up });
        }
    }

    /// One more process for tracker `t` (exec or comm change: no delay).
    fn added(&mut self, t: usize, out: &mut Vec<Change>) {
        self.count[t] += 1;
        let s = &self.specs[t];
        if self.count[t] == s.quorum || self.count[t] == s.quorum_max.saturating_add(1) {
            self.terminate_timer[t] = None;
            let up = self.count[t] == self.specs[t].quorum;
            self.set(t, up, out);
        }
    }

    /// One process fewer for tracker `t`, without `terminate_delay`.
    fn removed(&mut self, t: usize, out: &mut Vec<Change>) {
        let was = self.count[t];
        self.count[t] = was.saturating_sub(1);
        let s = &self.specs[t];
        if was == s.quorum || self.count[t] == s.quorum_max {
            self.fork_timer[t] = None;
            let up = self.count[t] == self.specs[t].quorum_max;
            self.set(t, up, out);
        }
    }

    /// A process executed a new program (or changed its name when `comm`
    /// is given: then only name trackers look at it).
    pub fn exec(&mut self, pid: i32, info: &ProcInfo, out: &mut Vec<Change>) {
        self.check(pid, info, false, out);
    }

    fn check(&mut self, pid: i32, info: &ProcInfo, comm_event: bool, out: &mut Vec<Change>) {
        let had = self.pids.get(&pid).cloned().unwrap_or_default();
        let was_tracked = self.pids.contains_key(&pid);
        for t in 0..self.specs.len() {
            if comm_event && self.specs[t].full_command {
                continue;
            }
            let name_ok = if self.specs[t].full_command {
                let line = info.cmdline.as_deref().unwrap_or(&[]);
                let first = line.split(|&b| b == 0).next().unwrap_or(&[]);
                first == self.specs[t].path.as_bytes()
            } else {
                info.comm.as_deref().map(str::as_bytes) == Some(self.specs[t].path.as_bytes())
            };
            if name_ok {
                if self.specs[t].matches(info.comm.as_deref(), info.cmdline.as_deref()) {
                    // keepalived counts a process again when it executes the
                    // same program; we count each process once.
                    if self.pids.entry(pid).or_default().insert(t) {
                        self.added(t, out);
                    }
                } else if had.contains(&t) {
                    self.forget(pid, t, out);
                }
            } else if was_tracked && !comm_event && had.contains(&t) {
                self.forget(pid, t, out);
            }
        }
        if self.pids.get(&pid).is_some_and(BTreeSet::is_empty) {
            self.pids.remove(&pid);
        }
    }

    fn forget(&mut self, pid: i32, t: usize, out: &mut Vec<Change>) {
        if let Some(set) = self.pids.get_mut(&pid) {
            if set.remove(&t) {
                self.removed(t, out);
            }
        }
    }

    /// A process (not a thread) forked: the child counts for every tracker
    /// of its parent, after `fork_delay` when that reaches the quorum.
    pub fn fork(&mut self, now: Time, parent: i32, child: i32, out: &mut Vec<Change>) {
        let Some(ts) = self.pids.get(&parent).cloned() else {
            return;
        };
        for t in ts {
            if !self.pids.entry(child).or_default().insert(t) {
                continue;
            }
            self.count[t] += 1;
            let s = &self.specs[t];
            if self.count[t] == s.quorum || self.count[t] == s.quorum_max.saturating_add(1) {
                if self.terminate_timer[t].is_some() {
                    self.terminate_timer[t] = None;
                } else if s.fork_delay > 0 {
                    self.fork_timer[t] = Some(now.plus(s.fork_delay));
                    continue;
                }
                let up = self.count[t] == self.specs[t].quorum;
                self.set(t, up, out);
            }
        }
    }

    /// A process (not a thread) exited: after `terminate_delay` when that
    /// loses the quorum.
    pub fn exit(&mut self, now: Time, pid: i32, out: &mut Vec<Change>) {
        let Some(ts) = self.pids.remove(&pid) else {
            return;
        };
        for t in ts {
            let was = self.count[t];
            self.count[t] = was.saturating_sub(1);
            let s = &self.specs[t];
            if was == s.quorum || self.count[t] == s.quorum_max {
                if self.fork_timer[t].is_some() {
                    self.fork_timer[t] = None;
                } else if s.terminate_delay > 0 {
                    self.terminate_timer[t] = Some(now.plus(s.terminate_delay));
                    continue;
                }
                let up = self.count[t] == self.specs[t].quorum_max;
                self.set(t, up, out);
            }
        }
    }

    /// A process changed its command name (prctl PR_SET_NAME).
    pub fn comm(&mut self, pid: i32, comm: &str, out: &mut Vec<Change>) {
        if let Some(ts) = self.pids.get(&pid).cloned() {
            for t in ts {
                if self.specs[t].full_command {
                    continue;
                }
                if self.specs[t].path == comm {
                    // Not really a change of name.
                    return;
                }
                self.forget(pid, t, out);
            }
        }
        let info = ProcInfo {
            comm: Some(comm.to_string()),
            cmdline: None,
        };
        self.check(pid, &info, true, out);
    }

    /// When the next delay ends.
    pub fn deadline(&self) -> Option<Time> {
        self.fork_timer
            .iter()
            .chain(self.terminate_timer.iter())
            .flatten()
            .min()
            .copied()
    }

    /// Run the delays that have ended.
    pub fn on_timer(&mut self, now: Time, out: &mut Vec<Change>) {
        for t in 0..self.specs.len() {
            let due = |x: &mut Option<Time>| {
                if x.is_some_and(|at| at <= now) {
                    *x = None;
                    true
                } else {
                    false
                }
            };
            let a = due(&mut self.fork_timer[t]);
            let b = due(&mut self.terminate_timer[t]);
            if a || b {
                let up = self.specs[t].in_quorum(self.count[t]);
                self.set(t, up, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    fn cmd(w: &[&str]) -> Vec<u8> {
        let mut v = Vec::new();
        for x in w {
            v.extend_from_slice(x.as_bytes());
            v.push(0);
        }
        v
    }

    fn comm(c: &str) -> ProcInfo {
        ProcInfo {
            comm: Some(c.into()),
            cmdline: Some(cmd(&[c])),
        }
    }

    #[test]
    fn names_match_comm_unless_full_command() {
        let s = Spec::new("p", "nginx");
        assert!(s.matches(Some("nginx"), None));
        assert!(!s.matches(Some("nginx2"), None));
        let mut f = Spec::new("p", "/usr/sbin/nginx");
        f.full_command = true;
        assert!(f.matches(Some("nginx"), Some(&cmd(&["/usr/sbin/nginx", "-g", "x"]))));
        assert!(!f.matches(Some("nginx"), Some(&cmd(&["nginx"]))));
        assert!(!f.matches(Some("x"), Some(b"")));
    }

    #[test]
    fn parameters_match_exactly_partially_or_initially() {
        let mut s = Spec::new("p", "python3").with_params(&words(&["-m", "http.server"]));
        s.full_command = true;
        s.param_match = ParamMatch::Exact;
        let line = cmd(&["python3", "-m", "http.server"]);
        assert!(s.matches(None, Some(&line)));
        assert!(!s.matches(None, Some(&cmd(&["python3", "-m", "http.server", "80"]))));
        s.param_match = ParamMatch::Partial;
        assert!(s.matches(None, Some(&cmd(&["python3", "-m", "http.server", "80"]))));
        assert!(!s.matches(None, Some(&cmd(&["python3", "-m", "http.serv"]))));
        s.param_match = ParamMatch::Initial;
        assert!(s.matches(None, Some(&cmd(&["python3", "-m", "http.serverX", "80"]))));
        assert!(!s.matches(None, Some(&cmd(&["python3", "-c", "http.server"]))));
        // `param_match` without parameters: exact means "no parameters".
        let mut e = Spec::new("p", "sleep");
        e.full_command = true;
        e.param_match = ParamMatch::Exact;
        assert!(e.matches(None, Some(&cmd(&["sleep"]))));
        assert!(!e.matches(None, Some(&cmd(&["sleep", "5"]))));
        e.param_match = ParamMatch::Partial;
        assert!(e.matches(None, Some(&cmd(&["sleep", "5"]))));
    }

    #[test]
    fn quorum_is_gained_and_lost_as_processes_come_and_go() {
        let mut s = Spec::new("web", "httpd");
        s.quorum = 2;
        s.quorum_max = 3;
        let mut t = Table::new(vec![s]);
        t.scan(&[(10, comm("httpd")), (11, comm("bash"))]);
        assert_eq!(t.count(0), 1);
        assert!(!t.has_quorum(0));
        let mut out = Vec::new();
        t.exec(12, &comm("httpd"), &mut out);
        assert_eq!(
            out,
            [Change {
                tracker: 0,
                up: true
            }]
        );
        out.clear();
        t.fork(Time(0), 12, 13, &mut out);
        assert!(out.is_empty());
        // A fourth is beyond quorum_max.
        t.fork(Time(0), 12, 14, &mut out);
        assert_eq!(
            out,
            [Change {
                tracker: 0,
                up: false
            }]
        );
        out.clear();
        t.exit(Time(0), 14, &mut out);
        assert_eq!(
            out,
            [Change {
                tracker: 0,
                up: true
            }]
        );
        out.clear();
        // Untracked exits and forks change nothing.
        t.exit(Time(0), 11, &mut out);
        t.fork(Time(0), 11, 20, &mut out);
        assert!(out.is_empty());
        // A child that executes something else is no longer counted.
        t.exec(13, &comm("sh"), &mut out);
        assert!(out.is_empty());
        t.exit(Time(0), 12, &mut out);
        assert_eq!(
            out,
            [Change {
                tracker: 0,
                up: false
            }]
        );
        assert_eq!(t.count(0), 1);
    }

    #[test]
    fn delays_hold_the_change() {
        let mut s = Spec::new("d", "daemon");
        s.terminate_delay = 2_000_000;
        s.fork_delay = 1_000_000;
        let mut t = Table::new(vec![s]);
        t.scan(&[(5, comm("daemon"))]);
        assert!(t.has_quorum(0));
        let mut out = Vec::new();
        t.exit(Time(10), 5, &mut out);
        assert!(out.is_empty());
        assert_eq!(t.deadline(), Some(Time(2_000_010)));
        t.on_timer(Time(2_000_010), &mut out);
        assert_eq!(
            out,
            [Change {
                tracker: 0,
                up: false
            }]
        );
        // A process started within the delay cancels the pending loss.
        let mut s = Spec::new("d", "daemon");
        s.terminate_delay = 2_000_000;
        let mut t = Table::new(vec![s]);
        t.scan(&[(5, comm("daemon"))]);
        out.clear();
        t.exit(Time(0), 5, &mut out);
        t.exec(6, &comm("daemon"), &mut out);
        assert!(out.is_empty());
        assert_eq!(t.deadline(), None);
        assert!(t.has_quorum(0));
    }

    #[test]
    fn comm_changes_move_processes_between_name_trackers() {
        let mut t = Table::new(vec![Spec::new("a", "worker"), Spec::new("b", "renamed")]);
        t.scan(&[(7, comm("worker"))]);
        let mut out = Vec::new();
        t.comm(7, "renamed", &mut out);
        assert_eq!(
            out,
            [
                Change {
                    tracker: 0,
                    up: false
                },
                Change {
                    tracker: 1,
                    up: true
                }
            ]
        );
        out.clear();
        t.comm(7, "renamed", &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn rescan_reports_only_crossings() {
        let mut t = Table::new(vec![Spec::new("a", "x")]);
        t.scan(&[(1, comm("x"))]);
        let mut out = Vec::new();
        t.rescan(Time(0), &[(1, comm("x")), (2, comm("x"))], &mut out);
        assert!(out.is_empty());
        t.rescan(Time(0), &[], &mut out);
        assert_eq!(
            out,
            [Change {
                tracker: 0,
                up: false
            }]
        );
    }
}
