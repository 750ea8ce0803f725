//! What the trackers of an instance (scripts, interfaces, processes, files,
//! BFD) say, combined into the instance's health and effective priority.
//! Pure: the trackers themselves report into a [`TrackSet`]; the runtime
//! feeds the result to the machine as `Input::Up` / `Input::Priority`.

use std::collections::BTreeMap;

pub mod file;
pub mod process;
pub mod script;
pub mod smtp;
pub mod sync;
pub mod weight;

/// Which tracked object a status comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrackerKey {
    Interface(String),
    Script(String),
    Process(String),
    File(String),
    Bfd(String),
    /// The instance's sync group forces a state on it (see the sync-group
    /// logic); kept here so that FAULT from a group counts like any tracker.
    Group(String),
}

/// One tracker's verdict on one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Healthy, or unhealthy with weight 0 meaning "no effect" is not
    /// possible: a weightless tracker that fails is [`Status::Fault`].
    Ok,
    /// Adds this (possibly negative) amount to the base priority.
    Weight(i32),
    /// Puts the instance in FAULT.
    Fault,
}

/// The statuses reported for one instance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackSet {
    statuses: BTreeMap<TrackerKey, Status>,
}

impl TrackSet {
    /// Record a tracker's status; returns whether anything changed.
    pub fn set(&mut self, key: TrackerKey, status: Status) -> bool {
        self.statuses.insert(key, status) != Some(status)
    }

    pub fn remove(&mut self, key: &TrackerKey) -> bool {
        self.statuses.remove(key).is_some()
    }

    pub fn get(&self, key: &TrackerKey) -> Option<Status> {
        self.statuses.get(key).copied()
    }

    /// Whether any tracker puts the instance in FAULT.
    pub fn faulted(&self) -> bool {
        self.statuses.values().any(|s| *s == Status::Fault)
    }

    /// keepalived's effective priority: the base plus every weight,
    /// clamped to 1..=254; an address owner (255) is never changed.
    pub fn priority(&self, base: u8) -> u8 {
        if base == 255 {
            return base;
        }
        let sum: i64 = self
            .statuses
            .values()
            .map(|s| match s {
                Status::Weight(w) => i64::from(*w),
                _ => 0,
            })
            .sum();
        (i64::from(base) + sum).clamp(1, 254) as u8
    }

    /// The sum of the weights in effect (keepalived's total priority is
    /// the base plus this, before clamping).
    pub fn weight_sum(&self) -> i64 {
        self.statuses
            .values()
            .map(|s| match s {
                Status::Weight(w) => i64::from(*w),
                _ => 0,
            })
            .sum()
    }

    /// The faulting trackers, for logs and dumps.
    pub fn faults(&self) -> impl Iterator<Item = &TrackerKey> {
        self.statuses
            .iter()
            .filter(|(_, s)| **s == Status::Fault)
            .map(|(k, _)| k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_add_and_clamp() {
        let mut t = TrackSet::default();
        assert_eq!(t.priority(100), 100);
        assert!(t.set(TrackerKey::Script("chk".into()), Status::Weight(-30)));
        assert!(!t.set(TrackerKey::Script("chk".into()), Status::Weight(-30)));
        assert_eq!(t.priority(100), 70);
        t.set(TrackerKey::File("f".into()), Status::Weight(-200));
        assert_eq!(t.priority(100), 1);
        t.set(TrackerKey::File("f".into()), Status::Weight(400));
        assert_eq!(t.priority(100), 254);
        assert_eq!(t.priority(255), 255);
    }

    #[test]
    fn any_fault_faults_the_instance() {
        let mut t = TrackSet::default();
        t.set(TrackerKey::Interface("eth0".into()), Status::Ok);
        assert!(!t.faulted());
        t.set(TrackerKey::Process("nginx".into()), Status::Fault);
        assert!(t.faulted());
        assert_eq!(
            t.faults().collect::<Vec<_>>(),
            vec![&TrackerKey::Process("nginx".into())]
        );
        t.remove(&TrackerKey::Process("nginx".into()));
        assert!(!t.faulted());
    }
}
