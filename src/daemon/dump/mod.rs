//! The files keepalived 2.2.7 writes on signals, with its layout: SIGUSR1
//! writes `keepalived.data` (the VRRP process) and `keepalived_parent.data`
//! (the parent), SIGUSR2 `keepalived.stats`, the JSON signal
//! `keepalived.json`. Tools parse these files, so sections, field names,
//! order, indentation and value formats follow 2.2.7 (Debian's build:
//! VRRP_AUTH, VMAC, JSON, NFTABLES, LVS, BFD, SNMP, DBUS).
//!
//! Pure: the caller hands in the configuration and a [`RuntimeView`] taken
//! at one instant (with the clocks read then); the functions return text.

mod data;
mod global;
mod json;
mod text;

pub use data::{data, parent_data};
pub use json::json;

use crate::config::global::model::Global;
use crate::config::host::Host;
use crate::track::TrackSet;
use crate::vrrp::machine::{State, Time};
use crate::vrrp::receive::{Counters, Reject};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub const DATA_FILE: &str = "keepalived.data";
pub const PARENT_DATA_FILE: &str = "keepalived_parent.data";
pub const STATS_FILE: &str = "keepalived.stats";
pub const JSON_FILE: &str = "keepalived.json";

/// The clocks at the instant of the snapshot: monotonic times of the
/// runtime are shown as wall-clock times, in local time like ctime(3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub mono: Time,
    /// Wall clock, µs since the epoch.
    pub wall_us: i64,
    /// Local time minus UTC, seconds.
    pub utc_offset: i64,
}

impl Clock {
    /// µs since the epoch of a monotonic instant.
    pub fn wall(&self, t: Time) -> i64 {
        self.wall_us + (i128::from(t.0) - i128::from(self.mono.0)) as i64
    }
}

/// What the runtime itself counts besides the receive checks.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SentCounters {
    pub advert_sent: u64,
    pub pri_zero_sent: u64,
    pub become_master: u64,
    pub release_master: u64,
}

/// keepalived's per-instance statistics (`vrrp_stats`), in its order.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub advert_rcvd: u64,
    pub advert_sent: u64,
    pub become_master: u64,
    pub release_master: u64,
    pub packet_len_err: u64,
    pub advert_interval_err: u64,
    pub ip_ttl_err: u64,
    pub invalid_type_rcvd: u64,
    pub addr_list_err: u64,
    pub invalid_authtype: u64,
    pub authtype_mismatch: u64,
    pub auth_failure: u64,
    pub pri_zero_rcvd: u64,
    pub pri_zero_sent: u64,
}

impl Stats {
    /// keepalived's counters from ours. 2.2.7 never counts advert interval
    /// errors (it drops such adverts silently), packets too short to hold a
    /// VRRP header, nor version or checksum errors outside SNMP.
    pub fn new(rx: &Counters, tx: &SentCounters) -> Stats {
        let r = |k| rx.rejected(k);
        Stats {
            advert_rcvd: rx.received(),
            advert_sent: tx.advert_sent,
            become_master: tx.become_master,
            release_master: tx.release_master,
            packet_len_err: r(Reject::LengthMismatch),
            advert_interval_err: 0,
            ip_ttl_err: r(Reject::TtlError) + r(Reject::PeerTtl),
            invalid_type_rcvd: r(Reject::InvalidType),
            addr_list_err: r(Reject::AddressListError)
                + r(Reject::AddressMissing)
                + r(Reject::WrongCast),
            invalid_authtype: r(Reject::InvalidAuthType),
            authtype_mismatch: r(Reject::AuthTypeMismatch),
            auth_failure: rx.auth_failures(),
            pri_zero_rcvd: rx.priority_zero,
            pri_zero_sent: tx.pri_zero_sent,
        }
    }
}

/// One instance as the runtime sees it.
#[derive(Debug, Clone)]
pub struct InstanceView {
    pub name: String,
    pub state: State,
    pub wantstate: State,
    /// The interface it runs on.
    pub interface: Option<String>,
    /// The advert source address.
    pub src: Option<IpAddr>,
    /// The master we follow, once an advert was accepted.
    pub master_addr: Option<IpAddr>,
    pub master_priority: u8,
    /// µs.
    pub master_adver_int: u64,
    pub last_transition: Time,
    /// The instance timer (`sands`); `None` is DISABLED.
    pub timer: Option<Time>,
    /// µs.
    pub ms_down_timer: u64,
    pub base_priority: u8,
    pub effective_priority: u8,
    /// Base priority plus every tracker weight, unclamped.
    pub total_priority: i64,
    pub vip_set: bool,
    /// The receive and send sockets.
    pub fds: Option<(i32, i32)>,
    /// Interface and tracker faults (keepalived's num_script_if_fault).
    pub faults: u32,
    /// What the trackers report.
    pub track: TrackSet,
    /// The old unicast checksum was detected on a received advert.
    pub old_checksum_detected: bool,
    pub stats: Stats,
}

/// A receive socket and its send companion (keepalived's sock_t).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketView {
    pub fd_in: i32,
    pub fd_out: i32,
    pub interface: String,
    pub ipv6: bool,
    /// The unicast source address it is bound to; `None`: multicast.
    pub unicast_src: Option<IpAddr>,
    /// Instances on it: name and VRID.
    pub members: Vec<(String, u8)>,
}

/// A network interface, with the addresses keepalived would note (not the
/// virtual addresses; IPv6 link-local only).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InterfaceView {
    pub index: u32,
    pub name: String,
    /// `IFF_*`.
    pub flags: u32,
    pub hw_type: u16,
    pub mac: Vec<u8>,
    pub broadcast: Vec<u8>,
    pub mtu: u32,
    pub ipv4: Vec<Ipv4Addr>,
    pub ipv6: Vec<Ipv6Addr>,
    /// When IPv6 forwarding was last checked for unsolicited NAs, and the
    /// answer.
    pub forwarding_check: Option<(Time, bool)>,
    /// When gratuitous ARPs, and unsolicited NAs, were last sent on it.
    pub last_garp: Option<Time>,
    pub last_na: Option<Time>,
}

/// The runtime at one instant.
#[derive(Debug, Clone)]
pub struct RuntimeView {
    pub clock: Clock,
    pub instances: Vec<InstanceView>,
    pub sockets: Vec<SocketView>,
    pub interfaces: Vec<InterfaceView>,
}

/// Everything a dump is made from.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a> {
    pub config: &'a crate::config::model::Config,
    pub run: &'a RuntimeView,
    /// The umask in effect (`-u`, else global_defs `umask`, else 0177).
    pub umask: u32,
    /// `Default script uid:gid`, see [`default_script_user`].
    pub default_script_user: Option<(u32, u32)>,
}

impl Snapshot<'_> {
    fn instance(&self, name: &str) -> Option<&InstanceView> {
        self.run.instances.iter().find(|i| i.name == name)
    }
}

/// keepalived's `get_default_script_user`: `script_user`, else the user
/// `keepalived_script`, else our own ids; `None` when it failed.
pub fn default_script_user(g: &Global, host: &dyn Host) -> Option<(u32, u32)> {
    if let Some(su) = &g.script_user {
        let u = host.user(&su.user)?;
        let gid = match &su.group {
            Some(grp) => host.group(grp)?,
            None => u.gid,
        };
        return Some((u.uid, gid));
    }
    match host.user("keepalived_script") {
        Some(u) => Some((u.uid, u.gid)),
        None if g.script_security => None,
        None => Some((host.euid(), host.egid())),
    }
}

/// The file name of a `.data` dump: with `data_use_instance`, the network
/// namespace and instance name go before the extension.
pub fn data_file_name(g: &Global, base: &str) -> String {
    if !g.data_use_instance || (g.instance_name.is_none() && g.net_namespace.is_none()) {
        return base.to_string();
    }
    let (stem, ext) = base.rsplit_once('.').unwrap_or((base, ""));
    let ns = g.net_namespace.as_deref().unwrap_or("");
    let sep = if g.instance_name.is_some() && g.net_namespace.is_some() {
        "_"
    } else {
        ""
    };
    let inst = g.instance_name.as_deref().unwrap_or("");
    format!("{stem}.{ns}{sep}{inst}.{ext}")
}

/// `keepalived.stats`.
pub fn stats(s: &Snapshot) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    for inst in &s.config.vrrp.instances.list {
        let st = s.instance(&inst.name).map(|v| v.stats).unwrap_or_default();
        let _ = write!(
            o,
            "VRRP Instance: {}\n  Advertisements:\n    Received: {}\n    Sent: {}\n  \
             Became master: {}\n  Released master: {}\n  Packet Errors:\n    Length: {}\n    \
             TTL: {}\n    Invalid Type: {}\n    Advertisement Interval: {}\n    \
             Address List: {}\n  Authentication Errors:\n    Invalid Type: {}\n    \
             Type Mismatch: {}\n    Failure: {}\n  Priority Zero:\n    Received: {}\n    \
             Sent: {}\n",
            inst.name,
            st.advert_rcvd,
            st.advert_sent,
            st.become_master,
            st.release_master,
            st.packet_len_err,
            st.ip_ttl_err,
            st.invalid_type_rcvd,
            st.advert_interval_err,
            st.addr_list_err,
            st.invalid_authtype,
            st.authtype_mismatch,
            st.auth_failure,
            st.pri_zero_rcvd,
            st.pri_zero_sent,
        );
    }
    o
}

#[cfg(test)]
mod tests;
