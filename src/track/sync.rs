//! vrrp_sync_group: members move together (keepalived 2.2.7's
//! vrrp_sync.c). Pure: the runtime asks what to do when a member changes
//! and carries out the answer on the members' machines.
//!
//! keepalived's rules:
//! - a member may become MASTER only when the group is MASTER or every
//!   other member wants MASTER (its timer expired too); otherwise it stays
//!   BACKUP and waits another master-down interval;
//! - a member that becomes MASTER takes the others to MASTER, one that
//!   goes back to BACKUP takes the others to BACKUP;
//! - the first member to fail takes the others to FAULT, and the group
//!   leaves FAULT (to BACKUP) only when the last failed member recovers.

use crate::vrrp::machine::State;

/// One sync group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    /// Indices of the member instances.
    pub members: Vec<usize>,
    /// The group's state (INIT while starting).
    pub state: State,
}

/// Where a member takes the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sync {
    Master,
    Backup,
    Fault,
}

impl Sync {
    pub fn state(self) -> State {
        match self {
            Sync::Master => State::Master,
            Sync::Backup => State::Backup,
            Sync::Fault => State::Fault,
        }
    }
}

/// What the runtime must do for one [`Sync`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// keepalived's "VRRP_Group(NAME) Syncing instances to STATE state".
    pub log: String,
    /// The other members to move, in order.
    pub moves: Vec<usize>,
    /// The group's state afterwards; its notifications follow.
    pub state: State,
}

impl Group {
    pub fn new(name: &str, members: Vec<usize>) -> Group {
        Group {
            name: name.into(),
            members,
            state: State::Backup,
        }
    }

    /// keepalived's `vrrp_sync_can_goto_master` for member `i`, given each
    /// instance's wanted state.
    pub fn master_allowed(&self, i: usize, want: impl Fn(usize) -> State) -> bool {
        self.state == State::Master
            || self
                .members
                .iter()
                .all(|&m| m == i || want(m) == State::Master)
    }

    /// Member `from` moves the group to `to`; `state(m)` is each instance's
    /// current state. `None` when the group is there already.
    pub fn plan(&self, from: usize, to: Sync, state: impl Fn(usize) -> State) -> Option<Plan> {
        let target = to.state();
        if self.state == target {
            return None;
        }
        let moves = self
            .members
            .iter()
            .copied()
            .filter(|&m| m != from && state(m) != target)
            .collect();
        Some(Plan {
            log: format!(
                "VRRP_Group({}) Syncing instances to {} state",
                self.name,
                target.name()
            ),
            moves,
            state: target,
        })
    }

    /// The group's state at start, from whether each member is healthy and
    /// whether it is an address owner configured as MASTER.
    pub fn initial_state(healthy: &[bool], owner_master: &[bool]) -> State {
        if healthy.iter().any(|h| !h) {
            State::Fault
        } else if !owner_master.is_empty() && owner_master.iter().all(|&o| o) {
            State::Master
        } else {
            State::Backup
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_only_when_all_members_want_it() {
        let mut g = Group::new("G", vec![0, 1, 2]);
        let wants = [State::Master, State::Master, State::Backup];
        assert!(!g.master_allowed(0, |m| wants[m]));
        assert!(g.master_allowed(2, |m| wants[m]));
        g.state = State::Master;
        assert!(g.master_allowed(0, |m| wants[m]));
    }

    #[test]
    fn plans_move_the_other_members_once() {
        let g = Group::new("G", vec![0, 1, 2]);
        let states = [State::Master, State::Master, State::Backup];
        let p = g.plan(0, Sync::Fault, |m| states[m]).unwrap();
        assert_eq!(p.log, "VRRP_Group(G) Syncing instances to FAULT state");
        assert_eq!(p.moves, [1, 2]);
        assert_eq!(p.state, State::Fault);
        let p = g.plan(0, Sync::Master, |m| states[m]).unwrap();
        assert_eq!(p.moves, [2]);
        // Already BACKUP: nothing to do.
        assert_eq!(g.plan(2, Sync::Backup, |m| states[m]), None);
    }

    #[test]
    fn initial_state() {
        assert_eq!(
            Group::initial_state(&[true, false], &[false, false]),
            State::Fault
        );
        assert_eq!(
            Group::initial_state(&[true, true], &[true, false]),
            State::Backup
        );
        assert_eq!(
            Group::initial_state(&[true, true], &[true, true]),
            State::Master
        );
    }
}
