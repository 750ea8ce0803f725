//! From the checked configuration to what the trackers, sync groups and
//! SMTP alerts need at run time. Instances are numbered as in
//! `vrrp.instances.list` (the order of the runtime's specs).

use crate::config::model::Config;
use crate::config::vrrp::instance::{InitialState, Instance};
use crate::config::vrrp::track::{ParamMatch as CfgMatch, TrackProcess, TrackedObject};
use crate::track::process::{ParamMatch, Spec as ProcSpec};
use std::net::SocketAddr;

/// One object an instance tracks, with the weight that applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked {
    pub name: String,
    pub weight: i32,
    pub reverse: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstancePlan {
    pub name: String,
    pub interface: String,
    /// The instance goes to FAULT when its own interface is down (not with
    /// `dont_track_primary`).
    pub track_primary: bool,
    /// `track_interface` of the instance and of its sync group.
    pub interfaces: Vec<Tracked>,
    pub files: Vec<Tracked>,
    pub processes: Vec<Tracked>,
    pub smtp_alert: bool,
    pub group: Option<usize>,
    /// An address owner configured `state MASTER`.
    pub owner_master: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupPlan {
    pub name: String,
    pub members: Vec<usize>,
    pub smtp_alert: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePlan {
    pub name: String,
    pub path: String,
    /// `init_file`: (value, overwrite).
    pub init: Option<(i32, bool)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpPlan {
    pub server: SocketAddr,
    pub helo: String,
    pub from: String,
    pub to: Vec<String>,
    /// µs, for connecting and for each reply.
    pub timeout: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub instances: Vec<InstancePlan>,
    pub groups: Vec<GroupPlan>,
    pub files: Vec<FilePlan>,
    pub processes: Vec<ProcSpec>,
    /// Interfaces whose link state is polled (linkbeat) instead of taken
    /// from netlink.
    pub polled: Vec<String>,
    /// Every tracked interface is polled (global `linkbeat_use_polling`).
    pub poll_all: bool,
    pub smtp: Option<SmtpPlan>,
    pub router_id: String,
    pub no_email_faults: bool,
}

impl Plan {
    pub fn has_groups(&self) -> bool {
        !self.groups.is_empty()
    }
}

fn tracked(list: &[TrackedObject]) -> Vec<Tracked> {
    list.iter()
        .map(|t| Tracked {
            name: t.name.clone(),
            weight: t.weight.value,
            reverse: t.weight.reverse,
        })
        .collect()
}

/// keepalived's rule when an instance and its sync group track the same
/// object: the group's weight, unless the instance's entry is unweighted.
fn merge(into: &mut Vec<Tracked>, group: Vec<Tracked>) {
    for g in group {
        match into.iter_mut().find(|t| t.name == g.name) {
            Some(t) if t.weight != 0 => {
                t.weight = g.weight;
                t.reverse = g.reverse;
            }
            Some(_) => {}
            None => into.push(g),
        }
    }
}

fn process_spec(p: &TrackProcess) -> Option<ProcSpec> {
    let path = p.process.as_ref()?;
    let mut s = ProcSpec::new(&p.name, path).with_params(&p.params);
    s.param_match = match p.param_match {
        CfgMatch::Unset => ParamMatch::None,
        CfgMatch::Exact => ParamMatch::Exact,
        CfgMatch::Partial => ParamMatch::Partial,
        CfgMatch::Initial => ParamMatch::Initial,
    };
    s.full_command = p.full_command;
    s.quorum = p.quorum;
    s.quorum_max = p.quorum_max;
    s.fork_delay = p.fork_delay.as_micros() as u64;
    s.terminate_delay = p.terminate_delay.as_micros() as u64;
    Some(s)
}

fn instance(inst: &Instance, default_alert: bool) -> InstancePlan {
    InstancePlan {
        name: inst.name.clone(),
        interface: inst.interface.clone().unwrap_or_default(),
        track_primary: !inst.dont_track_primary,
        interfaces: inst
            .track_interfaces
            .iter()
            .map(|t| Tracked {
                name: t.name.clone(),
                weight: t.weight.value,
                reverse: t.weight.reverse,
            })
            .collect(),
        files: tracked(&inst.track_files),
        processes: tracked(&inst.track_processes),
        smtp_alert: inst.smtp_alert.unwrap_or(default_alert),
        group: None,
        owner_master: inst.priority().is_owner() && inst.initial_state() == InitialState::Master,
    }
}

/// The plan for a configuration whose instances passed their checks.
pub fn build(cfg: &Config) -> Plan {
    let g = &cfg.global;
    let track = &cfg.vrrp.track;
    let default_alert = g.smtp_alert_vrrp.or(g.smtp_alert).unwrap_or(false);
    let mut plan = Plan {
        instances: cfg
            .vrrp
            .instances
            .list
            .iter()
            .map(|i| instance(i, default_alert))
            .collect(),
        router_id: g.router_id.clone().unwrap_or_default(),
        no_email_faults: g.no_email_faults,
        poll_all: g.linkbeat_use_polling,
        ..Plan::default()
    };
    for (gi, sg) in track.sync_groups.iter().enumerate() {
        let members: Vec<usize> = sg
            .instances
            .iter()
            .copied()
            .filter(|&i| i < plan.instances.len())
            .collect();
        for &m in &members {
            let p = &mut plan.instances[m];
            p.group = Some(gi);
            merge(
                &mut p.interfaces,
                sg.track_interfaces
                    .iter()
                    .map(|t| Tracked {
                        name: t.name.clone(),
                        weight: t.weight.value,
                        reverse: t.weight.reverse,
                    })
                    .collect(),
            );
            merge(&mut p.files, tracked(&sg.track_files));
            merge(&mut p.processes, tracked(&sg.track_processes));
        }
        plan.groups.push(GroupPlan {
            name: sg.name.clone(),
            members,
            smtp_alert: sg.smtp_alert.unwrap_or(false),
        });
    }
    plan.files = track
        .files
        .iter()
        .filter_map(|f| {
            Some(FilePlan {
                name: f.name.clone(),
                path: f.path.clone()?,
                init: f.init.map(|i| (i.value, i.overwrite)),
            })
        })
        .collect();
    // Names resolve to the first object of that name.
    let mut seen = Vec::new();
    for p in &track.processes {
        if seen.contains(&p.name) {
            continue;
        }
        seen.push(p.name.clone());
        if plan
            .instances
            .iter()
            .any(|i| i.processes.iter().any(|t| t.name == p.name))
        {
            plan.processes.extend(process_spec(p));
        }
    }
    let mut polled: Vec<String> = track
        .linkbeat_interfaces
        .iter()
        .map(|l| l.name.clone())
        .collect();
    for inst in &cfg.vrrp.instances.list {
        if inst.linkbeat_use_polling {
            polled.extend(inst.interface.clone());
        }
    }
    polled.sort();
    polled.dedup();
    plan.polled = polled;
    if let Some(server) = &g.smtp_server {
        if !g.notification_email.is_empty() {
            plan.smtp = Some(SmtpPlan {
                server: server.addr,
                helo: g
                    .smtp_helo_name
                    .clone()
                    .unwrap_or_else(|| "localhost".into()),
                from: g.notification_email_from.clone().unwrap_or_default(),
                to: g.notification_email.clone(),
                timeout: g.smtp_connect_timeout.as_micros().max(1) as u64,
            });
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str, weight: i32) -> Tracked {
        Tracked {
            name: name.into(),
            weight,
            reverse: false,
        }
    }

    #[test]
    fn group_weights_win_unless_the_instance_is_unweighted() {
        let mut mine = vec![t("a", 5), t("b", 0)];
        merge(&mut mine, vec![t("a", 7), t("b", 9), t("c", -3)]);
        assert_eq!(mine, [t("a", 7), t("b", 0), t("c", -3)]);
    }

    #[test]
    fn a_configuration_becomes_a_plan() {
        let l = crate::config::testutil::parse(
            "global_defs {\n router_id n1\n notification_email {\n  a@x\n }\n notification_email_from k@n1\n smtp_server 127.0.0.1 2525\n smtp_alert\n}\n\
             vrrp_track_process web {\n process nginx\n weight -20\n}\n\
             track_file tf {\n file /tmp/x\n weight 3\n}\n\
             vrrp_instance VI_1 {\n interface lo\n virtual_router_id 1\n track_interface {\n  eth9 weight 10\n }\n track_process {\n  web\n }\n track_file {\n  tf\n }\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n",
        );
        let p = build(&l.config);
        assert_eq!(p.router_id, "n1");
        let i = &p.instances[0];
        assert_eq!(i.processes, [t("web", -20)]);
        assert_eq!(i.files, [t("tf", 3)]);
        assert!(i.smtp_alert);
        assert_eq!(p.processes.len(), 1);
        assert_eq!(p.processes[0].path, "nginx");
        assert_eq!(p.files[0].path, "/tmp/x");
        let s = p.smtp.unwrap();
        assert_eq!(s.server.port(), 2525);
        assert_eq!(s.to, ["a@x"]);
        assert_eq!(s.from, "k@n1");
    }
}
