//! vrrp_script as keepalived 2.2.7 runs it (vrrp_scheduler.c
//! `vrrp_script_thread`/`vrrp_script_child_thread`, vrrp_track.c
//! `process_script_update_priority`): when to run the script, how a run
//! that outlives its timeout is ended, how exit statuses count towards
//! `rise` and `fall`, and what the script's state means for an instance
//! tracking it with a weight. Pure: the runtime starts and signals the
//! process and reports back what happened.

use super::Status;
use crate::vrrp::machine::{Time, SECOND};

/// SIGTERM and SIGKILL (Linux numbers), kept here so that this module has
/// no system dependency.
pub const SIGTERM: i32 = 15;
pub const SIGKILL: i32 = 9;

/// A vrrp_script block, as the tracker needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptConfig {
    pub name: String,
    /// The program run (argv[0]), for messages.
    pub program: String,
    /// µs between runs.
    pub interval: u64,
    /// µs a run may take before it is terminated.
    pub timeout: u64,
    pub rise: u32,
    pub fall: u32,
    /// `init_fail`: the script counts as failed until it succeeds.
    pub init_fail: bool,
}

/// What instances tracking the script are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// No run has finished yet (and no `init_fail`).
    Init,
    Ok,
    Failed,
}

/// How a run ended, as waitpid(2) reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
}

/// What the runtime must do for the tracker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Start the script now and report [`ScriptTracker::spawned`].
    Spawn,
    /// Send `signal` to the script's process group (its pid) and report
    /// the result with [`ScriptTracker::kill_result`].
    KillGroup { pid: i32, signal: i32 },
    /// The script's verdict changed: instances tracking it follow.
    Health(Health),
    /// A line for the log, in keepalived's words.
    Log(String),
}

/// keepalived's `init_state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Init {
    /// No run has finished.
    Pending,
    /// `init_fail`, and no run has finished.
    Failed,
    Done,
}

/// keepalived's script `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    Idle,
    Running,
    /// SIGTERM sent after the timeout.
    Requesting,
    /// SIGKILL sent.
    Forcing,
}

#[derive(Debug, Clone)]
pub struct ScriptTracker {
    pub cfg: ScriptConfig,
    /// keepalived's `result`: `rise..rise+fall-1` is OK, below is failed.
    result: u32,
    init: Init,
    /// The last exit code, for "now returning" (keepalived starts at 0).
    last_status: i32,
    run: Run,
    pid: Option<i32>,
    next_run: Option<Time>,
    /// When the running script's current termination stage expires.
    kill_at: Option<Time>,
}

impl ScriptTracker {
    pub fn new(cfg: ScriptConfig) -> ScriptTracker {
        let rise = cfg.rise.max(1);
        let fall = cfg.fall.max(1);
        let init_fail = cfg.init_fail;
        ScriptTracker {
            cfg: ScriptConfig { rise, fall, ..cfg },
            // One success is enough to leave the initial state; with
            // init_fail, `rise` are needed.
            result: if init_fail { 0 } else { rise - 1 },
            init: if init_fail {
                Init::Failed
            } else {
                Init::Pending
            },
            last_status: 0,
            run: Run::Idle,
            pid: None,
            next_run: None,
            kill_at: None,
        }
    }

    /// Schedule the first run (keepalived runs every script as soon as the
    /// VRRP process starts).
    pub fn start(&mut self, now: Time) {
        self.next_run = Some(now);
    }

    pub fn health(&self) -> Health {
        match self.init {
            Init::Pending => Health::Init,
            _ if self.result >= self.cfg.rise => Health::Ok,
            _ => Health::Failed,
        }
    }

    /// The pid of the running script, if one is running.
    pub fn pid(&self) -> Option<i32> {
        self.pid
    }

    pub fn deadline(&self) -> Option<Time> {
        match (self.next_run, self.kill_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether a run is due at `now` (the caller may defer it, to spread
    /// many scripts over several loop turns).
    pub fn run_due(&self, now: Time) -> bool {
        self.next_run.is_some_and(|t| t <= now)
    }

    /// Whether a termination stage is due at `now`.
    pub fn kill_due(&self, now: Time) -> bool {
        self.kill_at.is_some_and(|t| t <= now)
    }

    /// A termination stage is due: escalate (SIGTERM, then SIGKILL after
    /// 2 s, then SIGKILL again every 10 s with a complaint).
    pub fn on_kill_timer(&mut self, now: Time, out: &mut Vec<Action>) {
        if !self.kill_due(now) {
            return;
        }
        self.kill_at = None;
        let Some(pid) = self.pid else {
            return;
        };
        let (signal, wait) = match self.run {
            Run::Running => {
                self.run = Run::Requesting;
                (SIGTERM, 2)
            }
            Run::Requesting => {
                self.run = Run::Forcing;
                (SIGKILL, 2)
            }
            Run::Forcing => {
                out.push(Action::Log(format!(
                    "Script {} child (PID {pid}) failed to terminate after kill",
                    self.cfg.name
                )));
                (SIGKILL, 10)
            }
            Run::Idle => return,
        };
        self.kill_at = Some(now.plus(wait * SECOND));
        out.push(Action::KillGroup { pid, signal });
    }

    /// The run timer is due: schedule the next run and start one unless
    /// the previous one is still going.
    pub fn on_run_timer(&mut self, now: Time, out: &mut Vec<Action>) {
        if !self.run_due(now) {
            return;
        }
        self.next_run = Some(now.plus(self.cfg.interval));
        if self.run != Run::Idle {
            // keepalived 2.2.7 logs this and then starts another copy all
            // the same (a missing return); we do what the message says.
            let what = if self.run == Run::Running {
                "already running"
            } else {
                "being timed out"
            };
            out.push(Action::Log(format!(
                "Track script {} is {what}, expect idle - skipping run",
                self.cfg.name
            )));
            return;
        }
        out.push(Action::Spawn);
    }

    /// The script was started as process (and process group) `pid`.
    pub fn spawned(&mut self, pid: i32, now: Time) {
        self.run = Run::Running;
        self.pid = Some(pid);
        self.kill_at = Some(now.plus(self.cfg.timeout));
    }

    /// What kill(2) said about a [`Action::KillGroup`]: `errno` is 0 on
    /// success. A group that no longer exists means the script was lost.
    pub fn kill_result(&mut self, errno: i32, out: &mut Vec<Action>) {
        const ESRCH: i32 = 3;
        if errno == 0 {
            return;
        }
        let pid = self.pid.unwrap_or(0);
        if errno == ESRCH {
            out.push(Action::Log(format!(
                "Script {} child (PID {pid}) lost",
                self.cfg.name
            )));
            self.run = Run::Idle;
            self.pid = None;
            self.kill_at = None;
        } else if let Some(at) = self.kill_at {
            let signal = if self.run == Run::Requesting {
                SIGTERM
            } else {
                SIGKILL
            };
            out.push(Action::Log(format!(
                "kill -{signal} of process {}({pid}) with new state {} failed with errno {errno}",
                self.cfg.program, self.run as u8
            )));
            // Try again much later.
            self.kill_at = Some(at.plus(998 * SECOND));
        }
    }

    /// The script process ended.
    pub fn exited(&mut self, exit: Exit, out: &mut Vec<Action>) {
        let name = &self.cfg.name;
        let (success, how) = match exit {
            Exit::Code(status) => {
                if status != self.last_status {
                    out.push(Action::Log(format!(
                        "Script `{name}` now returning {status}"
                    )));
                }
                self.last_status = status;
                if status == 0 {
                    (true, "succeeded".to_string())
                } else {
                    (false, format!("failed (exited with status {status})"))
                }
            }
            Exit::Signal(sig) => {
                let requested = self.run == Run::Requesting && sig == SIGTERM;
                if requested {
                    // It went on our SIGTERM; make sure what it started
                    // goes too.
                    if let Some(pid) = self.pid {
                        out.push(Action::KillGroup {
                            pid,
                            signal: SIGKILL,
                        });
                    }
                }
                let forced = self.run == Run::Forcing && (sig == SIGKILL || sig == SIGTERM);
                if requested || forced {
                    (false, "timed_out".to_string())
                } else {
                    (false, format!("failed (due to signal {sig})"))
                }
            }
        };
        let (rise, fall) = (self.cfg.rise, self.cfg.fall);
        if success {
            if self.result + 1 < rise {
                self.result += 1;
            } else if self.result != rise + fall - 1 {
                if self.result < rise {
                    out.push(Action::Log(format!("VRRP_Script({name}) {how}")));
                    out.push(Action::Health(Health::Ok));
                }
                self.result = rise + fall - 1;
            }
        } else if self.result > rise {
            self.result -= 1;
        } else {
            if self.result == rise || self.init == Init::Pending {
                out.push(Action::Log(format!("VRRP_Script({name}) {how}")));
                out.push(Action::Health(Health::Failed));
            }
            self.result = 0;
        }
        self.run = Run::Idle;
        self.pid = None;
        self.kill_at = None;
        self.init = Init::Done;
    }
}

/// What a script's health means for one instance tracking it with
/// `weight` (and `reverse`): keepalived's `process_script_update_priority`
/// in its settled form. `None`: the instance waits for the script's first
/// result before it starts (a weightless script still in its initial
/// state).
pub fn status(health: Health, weight: i32, reverse: bool) -> Option<Status> {
    let m = if reverse { -1 } else { 1 };
    if weight == 0 {
        let ok = match health {
            Health::Init => return None,
            Health::Ok => true,
            Health::Failed => false,
        };
        return Some(if ok != reverse {
            Status::Ok
        } else {
            Status::Fault
        });
    }
    // A positive weight is added while the script succeeds, a negative
    // one while it fails; nothing before the first result.
    let w = match health {
        Health::Init => 0,
        Health::Ok => weight.max(0),
        Health::Failed => weight.min(0),
    };
    Some(if w == 0 {
        Status::Ok
    } else {
        Status::Weight(w * m)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(rise: u32, fall: u32) -> ScriptConfig {
        ScriptConfig {
            name: "chk".into(),
            program: "/bin/chk".into(),
            interval: 2 * SECOND,
            timeout: 2 * SECOND,
            rise,
            fall,
            init_fail: false,
        }
    }

    /// Run once at `now` and end with `exit`; the actions of both steps.
    fn run(t: &mut ScriptTracker, now: u64, exit: Exit) -> Vec<Action> {
        let mut out = Vec::new();
        t.on_run_timer(Time(now), &mut out);
        assert_eq!(out, [Action::Spawn], "a run is due at {now}");
        out.clear();
        t.spawned(100, Time(now));
        t.exited(exit, &mut out);
        out
    }

    fn logs(out: &[Action]) -> Vec<String> {
        out.iter()
            .filter_map(|a| match a {
                Action::Log(l) => Some(l.clone()),
                _ => None,
            })
            .collect()
    }

    fn health(out: &[Action]) -> Option<Health> {
        out.iter().find_map(|a| match a {
            Action::Health(h) => Some(*h),
            _ => None,
        })
    }

    #[test]
    fn the_seed_sequence_fall_2_rise_2() {
        // interval 2, fall 2, rise 2, as in the users' notes.
        let mut t = ScriptTracker::new(cfg(2, 2));
        t.start(Time(0));
        assert_eq!(t.health(), Health::Init);
        // The first success leaves the initial state at once, quietly
        // (0 is what keepalived assumes before the first run).
        let out = run(&mut t, 0, Exit::Code(0));
        assert_eq!(logs(&out), ["VRRP_Script(chk) succeeded"]);
        assert_eq!(health(&out), Some(Health::Ok));
        let out = run(&mut t, 2 * SECOND, Exit::Code(0));
        assert!(out.is_empty());
        // The file appears: one failure is only counted...
        let out = run(&mut t, 4 * SECOND, Exit::Code(1));
        assert_eq!(logs(&out), ["Script `chk` now returning 1"]);
        assert_eq!(health(&out), None);
        // ...the second one fails the script.
        let out = run(&mut t, 6 * SECOND, Exit::Code(1));
        assert_eq!(
            logs(&out),
            ["VRRP_Script(chk) failed (exited with status 1)"]
        );
        assert_eq!(health(&out), Some(Health::Failed));
        assert_eq!(t.health(), Health::Failed);
        // Removed again: two successes are needed.
        let out = run(&mut t, 8 * SECOND, Exit::Code(0));
        assert_eq!(logs(&out), ["Script `chk` now returning 0"]);
        let out = run(&mut t, 10 * SECOND, Exit::Code(0));
        assert_eq!(logs(&out), ["VRRP_Script(chk) succeeded"]);
        assert_eq!(health(&out), Some(Health::Ok));
    }

    #[test]
    fn a_failure_before_the_first_success_fails_at_once() {
        let mut t = ScriptTracker::new(cfg(3, 5));
        t.start(Time(0));
        let out = run(&mut t, 0, Exit::Code(2));
        assert_eq!(
            logs(&out),
            [
                "Script `chk` now returning 2",
                "VRRP_Script(chk) failed (exited with status 2)"
            ]
        );
        assert_eq!(health(&out), Some(Health::Failed));
        // A failure while failed only resets the count.
        let out = run(&mut t, 2 * SECOND, Exit::Code(0));
        assert!(health(&out).is_none());
        let out = run(&mut t, 4 * SECOND, Exit::Code(3));
        assert!(health(&out).is_none());
        for k in 0..2 {
            assert!(health(&run(&mut t, (6 + 2 * k) * SECOND, Exit::Code(0))).is_none());
        }
        assert_eq!(
            health(&run(&mut t, 10 * SECOND, Exit::Code(0))),
            Some(Health::Ok)
        );
    }

    #[test]
    fn init_fail_needs_rise_successes_and_reports_no_first_failure() {
        let mut t = ScriptTracker::new(ScriptConfig {
            init_fail: true,
            ..cfg(2, 1)
        });
        t.start(Time(0));
        assert_eq!(t.health(), Health::Failed);
        let out = run(&mut t, 0, Exit::Code(1));
        assert_eq!(health(&out), None);
        assert!(health(&run(&mut t, 2 * SECOND, Exit::Code(0))).is_none());
        assert_eq!(
            health(&run(&mut t, 4 * SECOND, Exit::Code(0))),
            Some(Health::Ok)
        );
    }

    #[test]
    fn a_hanging_script_gets_term_then_kill_and_times_out() {
        let mut t = ScriptTracker::new(cfg(1, 1));
        t.start(Time(0));
        let mut out = Vec::new();
        t.on_run_timer(Time(0), &mut out);
        t.spawned(42, Time(0));
        assert_eq!(t.deadline(), Some(Time(2 * SECOND)));
        out.clear();
        // Timeout and the next run fall together: the run is skipped.
        t.on_kill_timer(Time(2 * SECOND), &mut out);
        t.on_run_timer(Time(2 * SECOND), &mut out);
        assert_eq!(
            out,
            [
                Action::KillGroup {
                    pid: 42,
                    signal: SIGTERM
                },
                Action::Log(
                    "Track script chk is being timed out, expect idle - skipping run".into()
                )
            ]
        );
        out.clear();
        t.on_kill_timer(Time(4 * SECOND), &mut out);
        assert_eq!(
            out,
            [Action::KillGroup {
                pid: 42,
                signal: SIGKILL
            }]
        );
        out.clear();
        t.on_kill_timer(Time(6 * SECOND), &mut out);
        assert_eq!(
            logs(&out),
            ["Script chk child (PID 42) failed to terminate after kill"]
        );
        // The next SIGKILL waits 10 s.
        assert!(!t.kill_due(Time(15 * SECOND)) && t.kill_due(Time(16 * SECOND)));
        out.clear();
        t.exited(Exit::Signal(SIGKILL), &mut out);
        assert_eq!(logs(&out), ["VRRP_Script(chk) timed_out"]);
        assert_eq!(health(&out), Some(Health::Failed));
        assert_eq!(t.pid(), None);
    }

    #[test]
    fn a_script_ending_on_our_sigterm_has_its_group_killed() {
        let mut t = ScriptTracker::new(cfg(1, 1));
        t.start(Time(0));
        let mut out = Vec::new();
        t.on_run_timer(Time(0), &mut out);
        t.spawned(7, Time(0));
        t.on_kill_timer(Time(2 * SECOND), &mut out);
        out.clear();
        t.exited(Exit::Signal(SIGTERM), &mut out);
        assert_eq!(
            out[0],
            Action::KillGroup {
                pid: 7,
                signal: SIGKILL
            }
        );
        assert_eq!(logs(&out), ["VRRP_Script(chk) timed_out"]);
        // A signal we did not send is a plain failure, with its number.
        let mut t = ScriptTracker::new(cfg(1, 1));
        t.start(Time(0));
        let out = run(&mut t, 0, Exit::Signal(11));
        assert_eq!(logs(&out), ["VRRP_Script(chk) failed (due to signal 11)"]);
    }

    #[test]
    fn a_lost_child_returns_the_script_to_idle() {
        let mut t = ScriptTracker::new(cfg(1, 1));
        t.start(Time(0));
        let mut out = Vec::new();
        t.on_run_timer(Time(0), &mut out);
        t.spawned(9, Time(0));
        t.on_kill_timer(Time(2 * SECOND), &mut out);
        out.clear();
        t.kill_result(3, &mut out);
        assert_eq!(logs(&out), ["Script chk child (PID 9) lost"]);
        assert_eq!(t.pid(), None);
        out.clear();
        t.on_run_timer(Time(2 * SECOND), &mut out);
        assert_eq!(out, [Action::Spawn]);
    }

    #[test]
    fn weights_as_keepalived_counts_them() {
        use Health::*;
        // Weightless: FAULT while failed, reverse flips it; the initial
        // state holds the instance back.
        assert_eq!(status(Init, 0, false), None);
        assert_eq!(status(Ok, 0, false), Some(Status::Ok));
        assert_eq!(status(Failed, 0, false), Some(Status::Fault));
        assert_eq!(status(Ok, 0, true), Some(Status::Fault));
        assert_eq!(status(Failed, 0, true), Some(Status::Ok));
        // -30: subtracted while failed.
        assert_eq!(status(Init, -30, false), Some(Status::Ok));
        assert_eq!(status(Ok, -30, false), Some(Status::Ok));
        assert_eq!(status(Failed, -30, false), Some(Status::Weight(-30)));
        // +20: added while OK.
        assert_eq!(status(Init, 20, false), Some(Status::Ok));
        assert_eq!(status(Ok, 20, false), Some(Status::Weight(20)));
        assert_eq!(status(Failed, 20, false), Some(Status::Ok));
        // reverse negates the effect.
        assert_eq!(status(Ok, 20, true), Some(Status::Weight(-20)));
        assert_eq!(status(Failed, -30, true), Some(Status::Weight(30)));
    }
}
