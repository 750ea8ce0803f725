//! Pacing of gratuitous ARPs and unsolicited NAs (`vrrp_garp_interval`,
//! `vrrp_gna_interval`, `garp_group`): at most one message per interval on
//! an interface (or on a group of interfaces sharing a switch). Messages
//! that come too early wait, one pending send per instance and address;
//! sans-IO: the runtime offers each message and sends what it is told to.
//!
//! As in keepalived 2.2.7, a queued message is looked at again one
//! interval after it was queued, then whenever its interface frees up, and
//! is dropped if its instance has left MASTER in the meantime.

use crate::config::vrrp::track_misc::GarpGroup;
use crate::vrrp::machine::Time;
use std::net::IpAddr;
use std::time::Duration;

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// One rate limit: the interfaces it covers and when each kind may next go.
#[derive(Debug, Clone)]
struct Lane {
    /// Interface names; empty for the per-interface default lanes.
    names: Vec<String>,
    garp: Option<u64>,
    gna: Option<u64>,
    next_garp: Option<Time>,
    next_gna: Option<Time>,
}

impl Lane {
    fn interval(&self, v6: bool) -> Option<u64> {
        if v6 {
            self.gna
        } else {
            self.garp
        }
    }

    fn next(&mut self, v6: bool) -> &mut Option<Time> {
        if v6 {
            &mut self.next_gna
        } else {
            &mut self.next_garp
        }
    }
}

/// A message waiting for its interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub instance: usize,
    /// The address's place in its instance's list (the order they go in).
    pub pos: usize,
    /// The base interface (the lane's key), not necessarily the one sent on.
    pub ifname: String,
    pub addr: IpAddr,
}

#[derive(Debug, Clone, Default)]
pub struct Pacer {
    lanes: Vec<Lane>,
    global_garp: Option<u64>,
    global_gna: Option<u64>,
    pending: Vec<Pending>,
    wake: Option<Time>,
}

impl Pacer {
    /// The limits from global_defs (zero: none) and the garp_groups.
    pub fn new(garp: Duration, gna: Duration, groups: &[GarpGroup]) -> Pacer {
        let nz = |d: Duration| (!d.is_zero()).then(|| micros(d));
        Pacer {
            // A group with no interval is dropped (its interfaces take
            // the global limits), as keepalived removes it.
            lanes: groups
                .iter()
                .filter(|g| {
                    g.garp_interval.is_some_and(|d| !d.is_zero())
                        || g.gna_interval.is_some_and(|d| !d.is_zero())
                })
                .map(|g| Lane {
                    names: g.interfaces.clone(),
                    garp: g.garp_interval.map(micros).filter(|&u| u > 0),
                    gna: g.gna_interval.map(micros).filter(|&u| u > 0),
                    next_garp: None,
                    next_gna: None,
                })
                .collect(),
            global_garp: nz(garp),
            global_gna: nz(gna),
            pending: Vec::new(),
            wake: None,
        }
    }

    /// Whether no message is ever held back.
    pub fn is_unlimited(&self) -> bool {
        self.global_garp.is_none()
            && self.global_gna.is_none()
            && self
                .lanes
                .iter()
                .all(|l| l.garp.is_none() && l.gna.is_none())
    }

    /// The lane of `ifname`, made from the global limits on first use.
    fn lane(&mut self, ifname: &str) -> &mut Lane {
        let at = match self
            .lanes
            .iter()
            .position(|l| l.names.iter().any(|n| n == ifname))
        {
            Some(at) => at,
            None => {
                self.lanes.push(Lane {
                    names: vec![ifname.to_string()],
                    garp: self.global_garp,
                    gna: self.global_gna,
                    next_garp: None,
                    next_gna: None,
                });
                self.lanes.len() - 1
            }
        };
        &mut self.lanes[at]
    }

    /// A message for `addr` on `ifname`: `true` to send it now, `false`
    /// when it has been queued.
    pub fn offer(
        &mut self,
        now: Time,
        instance: usize,
        pos: usize,
        ifname: &str,
        addr: IpAddr,
    ) -> bool {
        if self.is_unlimited() {
            return true;
        }
        let v6 = addr.is_ipv6();
        let lane = self.lane(ifname);
        let Some(interval) = lane.interval(v6) else {
            return true;
        };
        let next = lane.next(v6);
        if next.is_some_and(|t| now < t) {
            let p = Pending {
                instance,
                pos,
                ifname: ifname.to_string(),
                addr,
            };
            if !self.pending.contains(&p) {
                self.pending.push(p);
            }
            let at = now.plus(interval);
            self.wake = Some(self.wake.map_or(at, |w| w.min(at)));
            return false;
        }
        *next = Some(now.plus(interval));
        true
    }

    /// When [`Pacer::due`] next has something to do.
    pub fn deadline(&self) -> Option<Time> {
        self.wake
    }

    /// The queued messages that may go now, in instance and address
    /// order; those of instances `keep` rejects are dropped.
    pub fn due(&mut self, now: Time, keep: impl Fn(usize) -> bool) -> Vec<Pending> {
        if self.wake.is_none_or(|w| now < w) {
            return Vec::new();
        }
        self.wake = None;
        let mut queued = std::mem::take(&mut self.pending);
        queued.sort_by_key(|p| (p.instance, p.pos));
        let mut send = Vec::new();
        for p in queued {
            if !keep(p.instance) {
                continue;
            }
            let v6 = p.addr.is_ipv6();
            let lane = self.lane(&p.ifname);
            let interval = lane.interval(v6).unwrap_or(0);
            let next = lane.next(v6);
            match *next {
                Some(t) if now < t => {
                    self.wake = Some(self.wake.map_or(t, |w| w.min(t)));
                    self.pending.push(p);
                }
                _ => {
                    *next = Some(now.plus(interval));
                    send.push(p);
                }
            }
        }
        send
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000_000;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn addrs(v: &[Pending]) -> Vec<IpAddr> {
        v.iter().map(|p| p.addr).collect()
    }

    #[test]
    fn no_interval_sends_everything_at_once() {
        let mut p = Pacer::new(Duration::ZERO, Duration::ZERO, &[]);
        assert!(p.is_unlimited());
        for _ in 0..5 {
            assert!(p.offer(Time(0), 0, 0, "eth0", ip("10.0.0.1")));
            assert!(p.offer(Time(0), 0, 1, "eth0", ip("fd00::1")));
        }
        assert_eq!(p.deadline(), None);
    }

    #[test]
    fn one_garp_per_interval_per_interface() {
        let mut p = Pacer::new(Duration::from_secs(1), Duration::ZERO, &[]);
        let (a, b) = (ip("10.0.0.1"), ip("10.0.0.2"));
        // A master's repeats: the first goes, each address waits once.
        for _ in 0..3 {
            for (pos, addr) in [a, b].into_iter().enumerate() {
                p.offer(Time(0), 0, pos, "eth0", addr);
            }
        }
        assert_eq!(p.pending.len(), 2);
        // Another interface and NAs are not limited by eth0's ARPs.
        assert!(p.offer(Time(0), 1, 0, "eth1", a));
        assert!(p.offer(Time(0), 0, 0, "eth0", ip("fd00::1")));
        assert_eq!(p.deadline(), Some(Time(S)));
        assert!(p.due(Time(S - 1), |_| true).is_empty());
        assert_eq!(addrs(&p.due(Time(S), |_| true)), [a]);
        assert_eq!(p.deadline(), Some(Time(2 * S)));
        assert_eq!(addrs(&p.due(Time(2 * S), |_| true)), [b]);
        assert_eq!(p.deadline(), None);
        // The interface is busy until 3 s.
        assert!(!p.offer(Time(2 * S + 1), 0, 0, "eth0", a));
        assert!(p.offer(Time(3 * S + 1), 1, 0, "eth1", a));
    }

    #[test]
    fn queued_messages_of_a_former_master_are_dropped() {
        let mut p = Pacer::new(Duration::ZERO, Duration::from_millis(500), &[]);
        let (a, b) = (ip("fd00::1"), ip("fd00::2"));
        assert!(p.offer(Time(0), 0, 0, "eth0", a));
        assert!(!p.offer(Time(0), 0, 1, "eth0", b));
        assert!(!p.offer(Time(0), 1, 0, "eth0", a));
        let sent = p.due(Time(S / 2), |i| i == 1);
        assert_eq!(sent.len(), 1);
        assert_eq!((sent[0].instance, sent[0].addr), (1, a));
        assert_eq!(p.deadline(), None);
    }

    #[test]
    fn a_garp_group_shares_one_limit_and_overrides_the_global_one() {
        let group = GarpGroup {
            garp_interval: Some(Duration::from_secs(2)),
            interfaces: vec!["eth1".into(), "eth2".into()],
            aggregation_group: 1,
            ..Default::default()
        };
        let mut p = Pacer::new(Duration::from_secs(1), Duration::ZERO, &[group]);
        let a = ip("10.0.0.1");
        assert!(p.offer(Time(0), 0, 0, "eth1", a));
        assert!(!p.offer(Time(0), 1, 0, "eth2", a));
        assert!(p.offer(Time(0), 2, 0, "eth0", a));
        assert!(p.offer(Time(S), 2, 0, "eth0", a));
        assert_eq!(p.deadline(), Some(Time(2 * S)));
        assert_eq!(p.due(Time(2 * S), |_| true)[0].ifname, "eth2");
    }
}
