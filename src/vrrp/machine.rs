//! One VRRP instance as a pure state machine (RFC 3768 / RFC 5798, with
//! keepalived 2.2.7's choices): it is fed inputs with the current time and
//! answers with outputs. It never reads a clock, sleeps or touches a socket.

use super::packet::{Version, WireInterval};
use std::cmp::Ordering;
use std::net::IpAddr;

/// Monotonic time in microseconds from an arbitrary origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Time(pub u64);

impl Time {
    pub fn plus(self, micros: u64) -> Time {
        Time(self.0.saturating_add(micros))
    }
}

pub const SECOND: u64 = 1_000_000;
pub const PRIO_OWNER: u8 = 255;
pub const PRIO_STOP: u8 = 0;

/// The VRRP states, numbered as keepalived numbers them in its dumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    Init = 0,
    Backup = 1,
    Master = 2,
    Fault = 3,
    Stop = 98,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Init => "INIT",
            State::Backup => "BACKUP",
            State::Master => "MASTER",
            State::Fault => "FAULT",
            State::Stop => "STOP",
        }
    }
}

/// What an instance is configured with, as far as the protocol goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    pub name: String,
    pub vrid: u8,
    pub version: Version,
    pub priority: u8,
    /// Our advertisement interval, µs.
    pub advert_int: u64,
    /// `state MASTER` was configured.
    pub want_master: bool,
    pub nopreempt: bool,
    /// µs; 0 = none.
    pub preempt_delay: u64,
    pub down_timer_adverts: u32,
    pub lower_prio_no_advert: bool,
    pub higher_prio_send_advert: bool,
    /// GARP/NA burst when becoming master, and again after `garp_delay`.
    pub garp_rep: u32,
    pub garp_delay: u64,
    /// Periodic refresh while master (0 = off).
    pub garp_refresh: u64,
    pub garp_refresh_rep: u32,
    pub garp_lower_prio_rep: u32,
    pub garp_lower_prio_delay: u64,
    /// Our address for the equal-priority tie-break: the configured source
    /// address or the interface's primary address.
    pub local_addr: IpAddr,
}

impl Params {
    /// keepalived's defaults for a minimal instance.
    pub fn new(name: &str, vrid: u8, priority: u8, local_addr: IpAddr) -> Params {
        Params {
            name: name.to_string(),
            vrid,
            version: Version::V2,
            priority,
            advert_int: SECOND,
            want_master: false,
            nopreempt: false,
            preempt_delay: 0,
            down_timer_adverts: 3,
            lower_prio_no_advert: false,
            higher_prio_send_advert: false,
            garp_rep: 5,
            garp_delay: 5 * SECOND,
            garp_refresh: 0,
            garp_refresh_rep: 1,
            garp_lower_prio_rep: 5,
            garp_lower_prio_delay: 0,
            local_addr,
        }
    }
}

/// An advertisement that passed the receive checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    pub src: IpAddr,
    pub priority: u8,
    pub interval: WireInterval,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The daemon has started (or the instance was added); `up` says whether
    /// its interface and trackers are up.
    Start {
        up: bool,
    },
    /// The instance's timer (see [`Machine::deadline`]) has expired.
    Timer,
    /// The delayed GARP burst is due.
    GarpTimer,
    Advert(Received),
    /// Interface or tracker state: `false` puts the instance in FAULT.
    Up(bool),
    /// The effective priority changed (trackers).
    Priority(u8),
    /// Orderly shutdown.
    Stop,
    /// The instance's sync group moves it to MASTER (another member
    /// became master and every member wants to).
    ForceMaster,
    /// The sync group moves it to BACKUP (another member became backup,
    /// or the group left FAULT).
    ForceBackup,
    /// The sync group moves it to FAULT (another member failed).
    ForceFault,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    SendAdvert {
        priority: u8,
    },
    /// Add VIPs, excluded VIPs, routes, rules.
    AddAddresses,
    RemoveAddresses,
    /// Gratuitous ARPs / unsolicited NAs for every address, `repeat` each.
    Gratuitous {
        repeat: u32,
    },
    /// The state changed: run notifications.
    Notify(State),
    /// A master heard a lower priority advert.
    MasterRxLowerPri,
    Log(String),
}

/// One VRRP instance.
#[derive(Debug, Clone)]
pub struct Machine {
    pub params: Params,
    state: State,
    effective_priority: u8,
    base_priority: u8,
    /// µs: the advert interval of the master we follow (v3 adopts it).
    master_adver_int: u64,
    /// µs: what the backup timer is set to when it is next restarted.
    ms_down_timer: u64,
    sands: Option<Time>,
    preempt_time: Option<Time>,
    garp_at: Option<Time>,
    garp_refresh_at: Option<Time>,
    vip_set: bool,
    pub master_addr: Option<IpAddr>,
    pub master_priority: u8,
    /// keepalived's `wantstate`: where the instance would be regardless of
    /// its sync group (a sync group holds members in BACKUP until all of
    /// them want MASTER).
    want: State,
    /// In a sync group: whether the group lets this member become master
    /// now (set by the runtime before each input). `None`: no sync group.
    master_allowed: Option<bool>,
    /// `vrrp_startup_delay`: until then a backup's timer counts from this
    /// instant rather than from now, so no instance takes over early.
    delayed_start: Option<Time>,
}

impl Machine {
    pub fn new(params: Params) -> Machine {
        let prio = params.priority;
        let adv = params.advert_int;
        Machine {
            params,
            state: State::Init,
            effective_priority: prio,
            base_priority: prio,
            master_adver_int: adv,
            ms_down_timer: 0,
            sands: None,
            preempt_time: None,
            garp_at: None,
            garp_refresh_at: None,
            vip_set: false,
            master_addr: None,
            master_priority: 0,
            want: State::Init,
            master_allowed: None,
            delayed_start: None,
        }
    }

    /// The end of the daemon's startup delay (`vrrp_startup_delay`).
    pub fn set_delayed_start(&mut self, until: Option<Time>) {
        self.delayed_start = until;
    }

    /// keepalived's `wantstate`.
    pub fn want(&self) -> State {
        self.want
    }

    /// For members of a sync group: whether the group would let this member
    /// become master now; `None` for instances outside sync groups.
    pub fn set_master_allowed(&mut self, allowed: Option<bool>) {
        self.master_allowed = allowed;
    }

    fn may_become_master(&self) -> bool {
        self.master_allowed != Some(false)
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn priority(&self) -> u8 {
        self.effective_priority
    }

    /// The configured priority (255 drops to 254 after an owner conflict).
    pub fn base_priority(&self) -> u8 {
        self.base_priority
    }

    /// The instance timer (keepalived's `sands`): the next advert of a
    /// master, the master-down expiry of a backup; `None` otherwise.
    pub fn timer_deadline(&self) -> Option<Time> {
        self.sands
    }

    /// µs: the master-down interval the backup timer last used.
    pub fn master_down_timer(&self) -> u64 {
        self.ms_down_timer
    }

    /// µs: the advert interval of the master we follow (ours as master).
    pub fn master_advert_interval(&self) -> u64 {
        self.master_adver_int
    }

    /// Whether the virtual addresses are in place.
    pub fn addresses_set(&self) -> bool {
        self.vip_set
    }

    /// When the next [`Input::Timer`] (or [`Input::GarpTimer`]) is due.
    pub fn deadline(&self) -> Option<Time> {
        match (self.sands, self.garp_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The input a due deadline stands for.
    pub fn due(&self, now: Time) -> Option<Input> {
        if self.garp_at.is_some_and(|t| t <= now) {
            Some(Input::GarpTimer)
        } else if self.sands.is_some_and(|t| t <= now) {
            Some(Input::Timer)
        } else {
            None
        }
    }

    /// Skew time: (256 − priority)/256 s for v2; scaled by the master's
    /// interval for v3 (in µs, as keepalived computes it).
    fn skew(&self, prio_val: u64) -> u64 {
        match self.params.version {
            Version::V2 => prio_val * SECOND / 256,
            Version::V3 => prio_val * (self.master_adver_int / 10_000) * 625 / 16,
        }
    }

    fn skew_time(&self) -> u64 {
        self.skew(256 - u64::from(self.effective_priority))
    }

    fn master_down_interval(&self) -> u64 {
        u64::from(self.params.down_timer_adverts) * self.master_adver_int + self.skew_time()
    }

    /// Restart the instance timer for the current state.
    fn init_sands(&mut self, now: Time) {
        self.sands = match self.state {
            State::Master => Some(now.plus(self.params.advert_int)),
            State::Backup => {
                // During the startup delay the backup timer starts at its end.
                let from = self.delayed_start.map_or(now, |d| d.max(now));
                Some(from.plus(self.ms_down_timer))
            }
            _ => None,
        };
    }

    fn log(&self, out: &mut Vec<Output>, msg: String) {
        out.push(Output::Log(format!("({}) {msg}", self.params.name)));
    }

    pub fn handle(&mut self, now: Time, input: Input, out: &mut Vec<Output>) {
        match input {
            Input::Start { up } => self.start(now, up, out),
            Input::Timer => self.timer(now, out),
            Input::GarpTimer => {
                self.garp_at = None;
                if self.state == State::Master {
                    out.push(Output::Gratuitous {
                        repeat: self.params.garp_rep,
                    });
                }
            }
            Input::Advert(r) => match self.state {
                State::Backup => self.backup_rx(now, r, out),
                State::Master => self.master_rx(now, r, out),
                // keepalived ignores adverts in FAULT and INIT.
                _ => {}
            },
            Input::Up(true) => {
                if self.state == State::Fault {
                    self.leave_fault(now, out)
                }
            }
            Input::Up(false) => {
                self.want = State::Fault;
                self.enter_fault(now, out)
            }
            Input::Priority(p) => self.set_priority(now, p, out),
            Input::Stop => self.stop(out),
            Input::ForceMaster => self.force_master(now, out),
            Input::ForceBackup => self.force_backup(now, out),
            Input::ForceFault => self.force_fault(now, out),
        }
    }

    /// keepalived's `vrrp_set_effective_priority`: a backup's running
    /// down timer moves by the change of its skew time.
    fn set_priority(&mut self, now: Time, p: u8, out: &mut Vec<Output>) {
        if self.base_priority == PRIO_OWNER {
            return;
        }
        let p = p.clamp(1, 254);
        if p == self.effective_priority {
            return;
        }
        self.log(
            out,
            format!(
                "Changing effective priority from {} to {p}",
                self.effective_priority
            ),
        );
        self.effective_priority = p;
        let old_down = self.ms_down_timer;
        self.ms_down_timer = self.master_down_interval();
        if self.state == State::Backup {
            if let Some(at) = self.sands {
                let moved = if self.ms_down_timer >= old_down {
                    at.plus(self.ms_down_timer - old_down)
                } else {
                    Time(at.0.saturating_sub(old_down - self.ms_down_timer))
                };
                self.sands = Some(moved.max(now));
            }
        }
    }

    /// keepalived's `vrrp_sync_master` on a member that is not master.
    fn force_master(&mut self, now: Time, out: &mut Vec<Output>) {
        if matches!(self.state, State::Master | State::Stop) {
            return;
        }
        self.want = State::Master;
        self.state = State::Master;
        self.init_sands(now);
        self.master_tx(now, out);
    }

    /// keepalived's `vrrp_sync_backup` on a member that is not backup.
    fn force_backup(&mut self, now: Time, out: &mut Vec<Output>) {
        self.want = State::Backup;
        match self.state {
            State::Master => self.leave_master(now, State::Backup, out),
            State::Fault | State::Init => self.leave_fault(now, out),
            _ => {}
        }
    }

    /// keepalived's `vrrp_sync_fault` on a member that is not in FAULT: a
    /// master leaves as on its own fault; a backup changes state without
    /// the "Entering" line.
    fn force_fault(&mut self, now: Time, out: &mut Vec<Output>) {
        self.want = State::Fault;
        match self.state {
            State::Master => self.leave_master(now, State::Fault, out),
            State::Backup | State::Init => {
                self.state = State::Fault;
                out.push(Output::Notify(State::Fault));
                self.master_adver_int = self.params.advert_int;
                self.ms_down_timer = self.master_down_interval();
                self.sands = None;
            }
            _ => {}
        }
    }

    /// A configuration reload kept this instance: take the new parameters
    /// without leaving the current state (a master keeps its addresses and
    /// goes on advertising; a backup restarts its down timer with the new
    /// values). The effective priority restarts from the new base; the
    /// runtime re-applies the trackers' weights after this.
    pub fn reconfigure(&mut self, params: Params, now: Time) {
        let base = params.priority;
        let interval_changed = params.advert_int != self.params.advert_int;
        self.params = params;
        self.base_priority = base;
        self.effective_priority = base;
        match self.state {
            State::Master => {
                self.master_adver_int = self.params.advert_int;
                if interval_changed {
                    self.init_sands(now);
                }
                if self.params.garp_refresh == 0 {
                    self.garp_refresh_at = None;
                } else if self.garp_refresh_at.is_none() {
                    self.garp_refresh_at = Some(now.plus(self.params.garp_refresh));
                }
            }
            State::Backup => {
                if self.params.version == Version::V2 {
                    self.master_adver_int = self.params.advert_int;
                }
                self.ms_down_timer = self.master_down_interval();
                self.init_sands(now);
            }
            _ => {}
        }
    }

    fn start(&mut self, now: Time, up: bool, out: &mut Vec<Output>) {
        self.master_adver_int = self.params.advert_int;
        let owner_master = self.params.want_master && self.base_priority == PRIO_OWNER;
        self.want = match (up, owner_master) {
            (false, _) => State::Fault,
            (true, true) => State::Master,
            (true, false) => State::Backup,
        };
        if up && owner_master && self.may_become_master() {
            // The address owner takes over at once.
            self.state = State::Backup;
            self.ms_down_timer = 1;
        } else {
            self.ms_down_timer = self.master_down_interval();
            if up {
                self.log(out, "Entering BACKUP STATE (init)".into());
                self.state = State::Backup;
            } else {
                // keepalived finds the fault while it completes the
                // configuration, before its "(init)" lines.
                self.log(out, "entering FAULT state".into());
                self.state = State::Fault;
            }
            out.push(Output::Notify(self.state));
        }
        self.init_sands(now);
    }

    fn timer(&mut self, now: Time, out: &mut Vec<Output>) {
        match self.state {
            State::Backup => {
                self.want = State::Master;
                if !self.may_become_master() {
                    // Held by the sync group until every member wants
                    // MASTER; the timer only has to fire again.
                    self.ms_down_timer = self.master_down_interval();
                } else {
                    self.state = State::Master;
                    self.master_tx(now, out);
                }
            }
            State::Master => self.master_tx(now, out),
            _ => {}
        }
        self.init_sands(now);
    }

    fn master_tx(&mut self, now: Time, out: &mut Vec<Output>) {
        // The advert goes first so that the old master drops the addresses
        // before our gratuitous ARPs.
        out.push(Output::SendAdvert {
            priority: self.effective_priority,
        });
        if !self.vip_set {
            self.log(out, "Entering MASTER STATE".into());
            self.become_master(now, out);
            if self.params.garp_delay > 0 {
                self.garp_at = Some(now.plus(self.params.garp_delay));
            }
        } else if let Some(at) = self.garp_refresh_at {
            if now > at {
                out.push(Output::Gratuitous {
                    repeat: self.params.garp_refresh_rep,
                });
                self.garp_refresh_at = Some(now.plus(self.params.garp_refresh));
            }
        }
    }

    fn become_master(&mut self, now: Time, out: &mut Vec<Output>) {
        self.master_adver_int = self.params.advert_int;
        out.push(Output::AddAddresses);
        self.vip_set = true;
        out.push(Output::Gratuitous {
            repeat: self.params.garp_rep,
        });
        if self.params.garp_refresh > 0 {
            self.garp_refresh_at = Some(now.plus(self.params.garp_refresh));
        }
        out.push(Output::Notify(State::Master));
    }

    fn restore_interface(&mut self, out: &mut Vec<Output>) {
        self.garp_at = None;
        self.garp_refresh_at = None;
        if self.vip_set {
            out.push(Output::RemoveAddresses);
            self.vip_set = false;
        }
    }

    fn leave_master(&mut self, now: Time, to: State, out: &mut Vec<Output>) {
        self.want = to;
        match to {
            State::Backup => {
                self.log(out, "Entering BACKUP STATE".into());
                self.preempt_time = None;
            }
            State::Fault => {
                self.log(out, "Entering FAULT STATE".into());
                out.push(Output::SendAdvert {
                    priority: PRIO_STOP,
                });
            }
            _ => return,
        }
        self.restore_interface(out);
        self.state = to;
        out.push(Output::Notify(to));
        self.ms_down_timer = self.master_down_interval();
        self.init_sands(now);
    }

    fn adopt_master_interval(&mut self, r: &Received) {
        if self.params.version == Version::V3 {
            self.master_adver_int = r.interval.as_micros();
        }
    }

    fn backup_rx(&mut self, now: Time, r: Received, out: &mut Vec<Output>) {
        let preempt_delay_running =
            self.params.preempt_delay > 0 && self.preempt_time.is_none_or(|t| t > now);
        if r.priority == PRIO_STOP {
            // The master is leaving: take over after the skew time only.
            self.ms_down_timer = self.skew_time();
        } else if self.params.nopreempt
            || r.priority >= self.effective_priority
            || preempt_delay_running
        {
            self.adopt_master_interval(&r);
            self.ms_down_timer = self.master_down_interval();
            self.master_addr = Some(r.src);
            self.master_priority = r.priority;
            // Held in BACKUP by a sync group, it may have wanted MASTER;
            // a master is heard now.
            self.want = State::Backup;
            if self.params.preempt_delay > 0 {
                if r.priority >= self.effective_priority {
                    self.preempt_time = None;
                } else if self.preempt_time.is_none() {
                    self.preempt_time = Some(now.plus(self.params.preempt_delay));
                }
            }
        } else {
            self.log(
                out,
                format!(
                    "received lower priority ({}) advert from {} - discarding",
                    r.priority, r.src
                ),
            );
            self.master_addr = Some(r.src);
            // The advert is ignored: the running timer keeps its deadline,
            // which keepalived records as the down timer's remaining time.
            if let Some(t) = self.sands {
                self.ms_down_timer = t.0.saturating_sub(now.0);
            }
            return;
        }
        self.init_sands(now);
    }

    /// The sender's address against ours: Greater means the sender wins a tie.
    fn addr_cmp(&self, src: IpAddr) -> Ordering {
        match (src, self.params.local_addr) {
            (IpAddr::V4(a), IpAddr::V4(b)) => a.cmp(&b),
            (IpAddr::V6(a), IpAddr::V6(b)) => a.cmp(&b),
            _ => Ordering::Equal,
        }
    }

    fn master_rx(&mut self, now: Time, r: Received, out: &mut Vec<Output>) {
        let cmp = self.addr_cmp(r.src);
        let ours = self.effective_priority;
        if r.priority == PRIO_STOP
            || (self.params.higher_prio_send_advert
                && (r.priority > ours || (r.priority == ours && cmp == Ordering::Greater)))
        {
            out.push(Output::SendAdvert { priority: ours });
            if r.priority == PRIO_STOP {
                self.init_sands(now);
                return;
            }
        }
        if r.priority == ours {
            if cmp == Ordering::Equal {
                self.log(out, "WARNING - equal priority advert received from remote host with our IP address.".into());
            } else if ours == PRIO_OWNER {
                // Two address owners: 2.2.7 steps down to 254 for good.
                self.log(out, "CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority".into());
                self.effective_priority = PRIO_OWNER - 1;
                self.base_priority = PRIO_OWNER - 1;
            }
        }
        let ours = self.effective_priority;
        if r.priority < ours || (r.priority == ours && cmp == Ordering::Less) {
            let forcing = if self.params.lower_prio_no_advert {
                ""
            } else {
                ", forcing new election"
            };
            self.log(
                out,
                format!(
                    "Received advert from {} with lower priority {}, ours {ours}{forcing}",
                    r.src, r.priority
                ),
            );
            if !self.params.lower_prio_no_advert {
                out.push(Output::SendAdvert { priority: ours });
            }
            if self.params.garp_lower_prio_rep > 0 {
                out.push(Output::Gratuitous {
                    repeat: self.params.garp_lower_prio_rep,
                });
            }
            out.push(Output::MasterRxLowerPri);
            if !self.params.lower_prio_no_advert {
                self.init_sands(now);
            }
            return;
        }
        if r.priority > ours || (r.priority == ours && cmp == Ordering::Greater) {
            if r.priority > ours {
                self.log(
                    out,
                    format!(
                        "Master received advert from {} with higher priority {}, ours {ours}",
                        r.src, r.priority
                    ),
                );
            } else {
                self.log(
                    out,
                    format!("Master received advert from {} with same priority {} but higher IP address than ours", r.src, r.priority),
                );
            }
            self.adopt_master_interval(&r);
            self.master_priority = r.priority;
            self.master_addr = Some(r.src);
            self.leave_master(now, State::Backup, out);
        }
    }

    fn enter_fault(&mut self, now: Time, out: &mut Vec<Output>) {
        match self.state {
            State::Master => self.leave_master(now, State::Fault, out),
            State::Backup | State::Init => {
                self.log(out, "Entering FAULT STATE".into());
                self.state = State::Fault;
                out.push(Output::Notify(State::Fault));
                self.sands = None;
            }
            _ => {}
        }
    }

    fn leave_fault(&mut self, now: Time, out: &mut Vec<Output>) {
        if !matches!(self.state, State::Fault | State::Init) {
            return;
        }
        self.master_adver_int = self.params.advert_int;
        let owner_master = self.params.want_master && self.base_priority == PRIO_OWNER;
        self.want = if owner_master {
            State::Master
        } else {
            State::Backup
        };
        if owner_master && self.may_become_master() {
            self.state = State::Master;
            self.master_tx(now, out);
        } else {
            self.log(out, "Entering BACKUP STATE".into());
            self.state = State::Backup;
            self.preempt_time = None;
            out.push(Output::Notify(State::Backup));
            self.ms_down_timer = self.master_down_interval();
        }
        self.init_sands(now);
    }

    fn stop(&mut self, out: &mut Vec<Output>) {
        if self.state == State::Master {
            out.push(Output::SendAdvert {
                priority: PRIO_STOP,
            });
        }
        self.restore_interface(out);
        self.state = State::Stop;
        self.sands = None;
        out.push(Output::Notify(State::Stop));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn machine(prio: u8) -> Machine {
        Machine::new(Params::new("VI_1", 51, prio, ip("10.0.0.1")))
    }

    fn run(m: &mut Machine, now: u64, input: Input) -> Vec<Output> {
        let mut out = Vec::new();
        m.handle(Time(now), input, &mut out);
        out.retain(|o| !matches!(o, Output::Log(_)));
        out
    }

    fn advert(src: &str, priority: u8) -> Input {
        Input::Advert(Received {
            src: ip(src),
            priority,
            interval: WireInterval::Seconds(1),
        })
    }

    #[test]
    fn startup_delay_pushes_the_backup_timer_past_its_end() {
        let delay = 5 * SECOND;
        let down = 3 * SECOND + 156 * SECOND / 256;
        let mut m = machine(100);
        m.set_delayed_start(Some(Time(delay)));
        run(&mut m, 0, Input::Start { up: true });
        assert_eq!(m.deadline(), Some(Time(delay + down)));
        // An advert heard during the delay restarts from the delay's end too.
        run(&mut m, SECOND, advert("10.0.0.2", 200));
        assert_eq!(m.deadline(), Some(Time(delay + down)));
        // After the delay, timers count from now again.
        run(&mut m, delay + SECOND, advert("10.0.0.2", 200));
        assert_eq!(m.deadline(), Some(Time(delay + SECOND + down)));
        // The address owner waits for the delay as well.
        let mut owner = machine(255);
        owner.params.want_master = true;
        owner.set_delayed_start(Some(Time(delay)));
        run(&mut owner, 0, Input::Start { up: true });
        assert_eq!(owner.deadline(), Some(Time(delay + 1)));
    }

    #[test]
    fn backup_takes_over_after_the_master_down_interval() {
        let mut m = machine(100);
        assert_eq!(
            run(&mut m, 0, Input::Start { up: true }),
            [Output::Notify(State::Backup)]
        );
        // 3 × 1 s + (256 − 100)/256 s
        let down = 3 * SECOND + 156 * SECOND / 256;
        assert_eq!(m.deadline(), Some(Time(down)));
        let out = run(&mut m, down, Input::Timer);
        assert_eq!(
            out,
            [
                Output::SendAdvert { priority: 100 },
                Output::AddAddresses,
                Output::Gratuitous { repeat: 5 },
                Output::Notify(State::Master)
            ]
        );
        assert_eq!(m.state(), State::Master);
        assert_eq!(m.deadline(), Some(Time(down + SECOND)));
    }

    #[test]
    fn adverts_hold_the_backup_and_priority_zero_cuts_to_skew() {
        let mut m = machine(100);
        run(&mut m, 0, Input::Start { up: true });
        run(&mut m, 1_000_000, advert("10.0.0.2", 150));
        let down = 3 * SECOND + 156 * SECOND / 256;
        assert_eq!(m.deadline(), Some(Time(1_000_000 + down)));
        run(&mut m, 2_000_000, advert("10.0.0.2", 0));
        assert_eq!(m.deadline(), Some(Time(2_000_000 + 156 * SECOND / 256)));
    }

    #[test]
    fn lower_priority_advert_does_not_hold_a_preempting_backup() {
        let mut m = machine(150);
        run(&mut m, 0, Input::Start { up: true });
        let before = m.deadline();
        run(&mut m, 1_000_000, advert("10.0.0.2", 100));
        assert_eq!(m.deadline(), before);
        // Like keepalived, the down timer then holds the time left.
        assert_eq!(m.master_down_timer(), before.unwrap().0 - 1_000_000);
        // With nopreempt it does.
        let mut m = machine(150);
        m.params.nopreempt = true;
        run(&mut m, 0, Input::Start { up: true });
        run(&mut m, 1_000_000, advert("10.0.0.2", 100));
        assert!(m.deadline() > before);
    }

    #[test]
    fn reconfigure_keeps_the_state_and_applies_the_new_values() {
        let mut m = machine(100);
        run(&mut m, 0, Input::Start { up: true });
        let down = 3 * SECOND + 156 * SECOND / 256;
        run(&mut m, down, Input::Timer);
        assert_eq!(m.state(), State::Master);
        // A master stays master, adds nothing again, keeps its timer when
        // the interval is unchanged.
        let mut p = m.params.clone();
        p.priority = 120;
        m.reconfigure(p.clone(), Time(down + 10));
        assert_eq!(m.state(), State::Master);
        assert_eq!(m.priority(), 120);
        assert_eq!(m.deadline(), Some(Time(down + SECOND)));
        let out = run(&mut m, down + SECOND, Input::Timer);
        assert_eq!(out, [Output::SendAdvert { priority: 120 }]);
        // A new interval takes effect at once.
        p.advert_int = 2 * SECOND;
        m.reconfigure(p, Time(down + SECOND + 5));
        assert_eq!(m.deadline(), Some(Time(down + 3 * SECOND + 5)));

        // A backup restarts its down timer with the new priority's skew.
        let mut b = machine(100);
        run(&mut b, 0, Input::Start { up: true });
        let mut p = b.params.clone();
        p.priority = 200;
        b.reconfigure(p, Time(500));
        assert_eq!(b.state(), State::Backup);
        assert_eq!(
            b.deadline(),
            Some(Time(500 + 3 * SECOND + 56 * SECOND / 256))
        );
    }

    #[test]
    fn owner_starts_as_master_at_once() {
        let mut m = machine(255);
        m.params.want_master = true;
        assert_eq!(run(&mut m, 0, Input::Start { up: true }), []);
        assert_eq!(m.deadline(), Some(Time(1)));
        run(&mut m, 1, Input::Timer);
        assert_eq!(m.state(), State::Master);
    }

    #[test]
    fn master_yields_to_higher_priority_and_to_higher_address_on_a_tie() {
        let mut m = machine(100);
        run(&mut m, 0, Input::Start { up: true });
        run(&mut m, 4_000_000, Input::Timer);
        let out = run(&mut m, 4_500_000, advert("10.0.0.9", 100));
        assert!(out.contains(&Output::RemoveAddresses));
        assert_eq!(m.state(), State::Backup);

        let mut m = machine(100);
        run(&mut m, 0, Input::Start { up: true });
        run(&mut m, 4_000_000, Input::Timer);
        let out = run(&mut m, 4_500_000, advert("9.0.0.9", 100));
        assert_eq!(m.state(), State::Master);
        assert!(out.contains(&Output::SendAdvert { priority: 100 }));
        assert!(out.contains(&Output::MasterRxLowerPri));
    }

    #[test]
    fn fault_and_stop_send_priority_zero_from_master() {
        let mut m = machine(100);
        run(&mut m, 0, Input::Start { up: true });
        run(&mut m, 4_000_000, Input::Timer);
        let out = run(&mut m, 5_000_000, Input::Up(false));
        assert_eq!(out[0], Output::SendAdvert { priority: 0 });
        assert!(out.contains(&Output::RemoveAddresses));
        assert_eq!(m.state(), State::Fault);
        assert_eq!(m.deadline(), None);
        run(&mut m, 6_000_000, Input::Up(true));
        assert_eq!(m.state(), State::Backup);

        run(&mut m, 20_000_000, Input::Timer);
        let out = run(&mut m, 21_000_000, Input::Stop);
        assert_eq!(out[0], Output::SendAdvert { priority: 0 });
        assert_eq!(m.state(), State::Stop);
    }

    #[test]
    fn v3_backup_adopts_the_master_interval() {
        let mut m = machine(100);
        m.params.version = Version::V3;
        run(&mut m, 0, Input::Start { up: true });
        m.handle(
            Time(0),
            Input::Advert(Received {
                src: ip("10.0.0.2"),
                priority: 200,
                interval: WireInterval::Centiseconds(50),
            }),
            &mut Vec::new(),
        );
        // 3 × 0.5 s + (256 − 100) × 50 cs × 625/16 µs
        assert_eq!(m.deadline(), Some(Time(1_500_000 + 156 * 50 * 625 / 16)));
    }

    #[test]
    fn preempt_delay_holds_the_backup_until_it_expires() {
        let mut m = machine(150);
        m.params.preempt_delay = 10 * SECOND;
        run(&mut m, 0, Input::Start { up: true });
        run(&mut m, SECOND, advert("10.0.0.2", 100));
        let held = m.deadline().unwrap();
        assert!(held > Time(SECOND + 3 * SECOND));
        // After the delay, lower adverts are discarded again.
        run(&mut m, 12 * SECOND, advert("10.0.0.2", 100));
        let before = m.deadline();
        run(&mut m, 12 * SECOND + 1, advert("10.0.0.2", 100));
        assert_eq!(m.deadline(), before);
    }
    fn run_logged(m: &mut Machine, now: u64, input: Input) -> (Vec<Output>, Vec<String>) {
        let mut out = Vec::new();
        m.handle(Time(now), input, &mut out);
        let logs = out
            .iter()
            .filter_map(|o| match o {
                Output::Log(l) => Some(l.clone()),
                _ => None,
            })
            .collect();
        out.retain(|o| !matches!(o, Output::Log(_)));
        (out, logs)
    }

    #[test]
    fn a_sync_group_holds_a_backup_that_wants_master() {
        let mut m = machine(100);
        m.set_master_allowed(Some(false));
        run(&mut m, 0, Input::Start { up: true });
        assert_eq!(m.want(), State::Backup);
        let down = m.deadline().unwrap();
        assert!(run(&mut m, down.0, Input::Timer).is_empty());
        assert_eq!(m.state(), State::Backup);
        assert_eq!(m.want(), State::Master);
        // It waits a whole master-down interval again.
        assert_eq!(m.deadline(), Some(Time(down.0 * 2)));
        // An advert from a master makes it want BACKUP again.
        run(&mut m, down.0 + 1, advert("10.0.0.2", 200));
        assert_eq!(m.want(), State::Backup);
        // Allowed, the next expiry makes it master.
        m.set_master_allowed(Some(true));
        let at = m.deadline().unwrap();
        run(&mut m, at.0, Input::Timer);
        assert_eq!(m.state(), State::Master);
    }

    #[test]
    fn forced_transitions_follow_keepalived_sync_handlers() {
        let mut m = machine(100);
        run(&mut m, 0, Input::Start { up: true });
        let (out, logs) = run_logged(&mut m, 10, Input::ForceMaster);
        assert_eq!(
            out,
            [
                Output::SendAdvert { priority: 100 },
                Output::AddAddresses,
                Output::Gratuitous { repeat: 5 },
                Output::Notify(State::Master)
            ]
        );
        assert_eq!(logs, ["(VI_1) Entering MASTER STATE"]);
        assert_eq!(m.want(), State::Master);
        // To BACKUP: no priority 0 advert.
        let (out, logs) = run_logged(&mut m, 20, Input::ForceBackup);
        assert_eq!(
            out,
            [Output::RemoveAddresses, Output::Notify(State::Backup)]
        );
        assert_eq!(logs, ["(VI_1) Entering BACKUP STATE"]);
        // A backup moved to FAULT changes state without a line.
        let (out, logs) = run_logged(&mut m, 30, Input::ForceFault);
        assert_eq!(out, [Output::Notify(State::Fault)]);
        assert!(logs.is_empty());
        assert_eq!(m.deadline(), None);
        // And back.
        let (out, logs) = run_logged(&mut m, 40, Input::ForceBackup);
        assert_eq!(out, [Output::Notify(State::Backup)]);
        assert_eq!(logs, ["(VI_1) Entering BACKUP STATE"]);
        assert!(m.deadline().is_some());
        // A master moved to FAULT says goodbye with priority 0.
        run(&mut m, 50, Input::ForceMaster);
        let (out, logs) = run_logged(&mut m, 60, Input::ForceFault);
        assert_eq!(out[0], Output::SendAdvert { priority: 0 });
        assert!(out.contains(&Output::RemoveAddresses));
        assert_eq!(logs, ["(VI_1) Entering FAULT STATE"]);
        // Forced inputs in the state already reached do nothing.
        assert!(run(&mut m, 70, Input::ForceFault).is_empty());
    }

    #[test]
    fn priority_changes_are_logged_and_move_the_backup_timer() {
        let mut m = machine(100);
        run(&mut m, 0, Input::Start { up: true });
        let before = m.deadline().unwrap();
        let (_, logs) = run_logged(&mut m, 1_000, Input::Priority(70));
        assert_eq!(logs, ["(VI_1) Changing effective priority from 100 to 70"]);
        // Skew (256 - p)/256 s grows by 30/256 s.
        assert_eq!(m.deadline(), Some(before.plus(30 * SECOND / 256)));
        let (_, logs) = run_logged(&mut m, 2_000, Input::Priority(70));
        assert!(logs.is_empty());
        // The owner never changes.
        let mut o = machine(255);
        let (_, logs) = run_logged(&mut o, 0, Input::Priority(100));
        assert!(logs.is_empty());
        assert_eq!(o.priority(), 255);
    }

    #[test]
    fn starting_in_fault_says_so_like_keepalived() {
        let mut m = machine(100);
        let (out, logs) = run_logged(&mut m, 0, Input::Start { up: false });
        assert_eq!(out, [Output::Notify(State::Fault)]);
        assert_eq!(logs, ["(VI_1) entering FAULT state"]);
        assert_eq!(m.want(), State::Fault);
        // Up(true) only leaves FAULT; it does nothing before the start.
        let mut n = machine(100);
        assert!(run(&mut n, 0, Input::Up(true)).is_empty());
        assert_eq!(n.state(), State::Init);
    }
}
