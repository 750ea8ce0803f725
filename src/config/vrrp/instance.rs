//! vrrp_instance: keywords, model and the checks keepalived makes when it
//! completes an instance.
//!
//! The model holds what was configured; keepalived's completion step
//! (`vrrp_complete_instance`) then fills in every default in place, so after
//! [`validate`] ran, the `Option` fields that have a default are `Some`. The
//! accessors (`priority()`, `version()` ...) give the effective value at any
//! time.
//!
//! The keyword handlers are in `instance_parse`, the completion checks in
//! `instance_complete` and our own warnings in `instance_lint`.

use crate::config::parser::Ctx;
use crate::config::script::Script;
use crate::config::source::Pos;
use crate::config::vrrp::{ipaddr, route, rule};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

#[derive(Debug, Default, Clone)]
pub struct Instances {
    pub list: Vec<Instance>,
    /// Index of the first instance of each name, kept by [`Instances::push`].
    by_name: HashMap<String, usize>,
    /// How many entries of `list` the index covers.
    indexed: usize,
}

impl Instances {
    /// Add an instance (the first of a name is the one names resolve to).
    pub fn push(&mut self, v: Instance) {
        if self.indexed == self.list.len() {
            self.by_name
                .entry(v.name.clone())
                .or_insert(self.list.len());
            self.indexed += 1;
        }
        self.list.push(v);
    }

    /// The instance called `name`.
    pub fn get(&self, name: &str) -> Option<&Instance> {
        if self.indexed == self.list.len() {
            return self.by_name.get(name).and_then(|&i| self.list.get(i));
        }
        // Instances were added to `list` directly (tests).
        self.list.iter().find(|i| i.name == name)
    }

    /// Pairs (i, j), i < j, of instances with the same VRID and family, in
    /// order: what the VRID conflict checks compare, without looking at
    /// every pair of a large configuration.
    pub fn same_vrid_pairs(&self) -> Vec<(usize, usize)> {
        let mut groups: HashMap<(Option<u8>, Family), Vec<usize>> = HashMap::new();
        for (i, v) in self.list.iter().enumerate() {
            groups
                .entry((v.vrid.map(|x| x.get()), v.family()))
                .or_default()
                .push(i);
        }
        let mut pairs: Vec<(usize, usize)> = groups
            .values()
            .flat_map(|g| {
                g.iter()
                    .enumerate()
                    .flat_map(move |(k, &i)| g[k + 1..].iter().map(move |&j| (i, j)))
            })
            .collect();
        pairs.sort_unstable();
        pairs
    }
}

// ---- value types ---------------------------------------------------------

/// A virtual router id, 1..=255.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Vrid(u8);

impl Vrid {
    pub fn new(v: u8) -> Option<Vrid> {
        (v != 0).then_some(Vrid(v))
    }
    pub fn get(self) -> u8 {
        self.0
    }
}

/// A VRRP priority, 1..=255. 255 is the address owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Priority(u8);

impl Priority {
    pub const OWNER: Priority = Priority(255);
    pub const DEFAULT: Priority = Priority(100);

    pub fn new(v: u8) -> Option<Priority> {
        (v != 0).then_some(Priority(v))
    }
    pub fn get(self) -> u8 {
        self.0
    }
    pub fn is_owner(self) -> bool {
        self.0 == 255
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VrrpVersion {
    V2,
    V3,
}

impl VrrpVersion {
    pub fn number(self) -> u8 {
        match self {
            VrrpVersion::V2 => 2,
            VrrpVersion::V3 => 3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn of(ip: &IpAddr) -> Family {
        match ip {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }
    /// keepalived decides the family of an address text by the presence of
    /// a ':'.
    pub fn of_text(s: &str) -> Family {
        if s.contains(':') {
            Family::V6
        } else {
            Family::V4
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
}

/// `state`: the state the instance wants to start in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitialState {
    /// A non-owner wanting MASTER still waits a full master-down interval in
    /// 2.2.7, exactly like BACKUP; only the owner (priority 255) takes over at
    /// once.
    Master,
    Backup,
}

/// The advertisement interval. keepalived keeps it in microseconds and sends
/// it as whole seconds (VRRPv2, 8 bits) or centiseconds (VRRPv3, 12 bits):
/// use [`AdvertInterval::v2_seconds`] / [`AdvertInterval::v3_centiseconds`]
/// for the wire, never the raw duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct AdvertInterval(Duration);

impl AdvertInterval {
    pub const DEFAULT: AdvertInterval = AdvertInterval(Duration::from_secs(1));
    /// VRRPv2 carries 8 bits of seconds.
    pub const V2_MAX: AdvertInterval = AdvertInterval(Duration::from_secs(255));
    /// VRRPv3 carries 12 bits of centiseconds.
    pub const V3_MAX: AdvertInterval = AdvertInterval(Duration::from_millis(40_950));

    pub fn from_micros(us: u64) -> AdvertInterval {
        AdvertInterval(Duration::from_micros(us))
    }
    pub fn duration(self) -> Duration {
        self.0
    }
    fn micros(self) -> u64 {
        self.0.as_micros() as u64
    }
    /// The VRRPv2 wire value: whole seconds (rounded half up, at least 1,
    /// at most 255).
    pub fn v2_seconds(self) -> u8 {
        let s = (self.micros() + 500_000) / 1_000_000;
        s.clamp(1, 255) as u8
    }
    /// The VRRPv3 wire value: centiseconds (rounded half up, 1..=4095).
    pub fn v3_centiseconds(self) -> u16 {
        let cs = (self.micros() + 5_000) / 10_000;
        cs.clamp(1, 4095) as u16
    }
    /// The wire value for `version`.
    pub fn wire(self, version: VrrpVersion) -> u16 {
        match version {
            VrrpVersion::V2 => u16::from(self.v2_seconds()),
            VrrpVersion::V3 => self.v3_centiseconds(),
        }
    }
    /// The interval keepalived actually uses for `version`: rounded to what
    /// the version can carry. The second value says how it was changed.
    pub fn for_version(self, version: VrrpVersion) -> (AdvertInterval, Option<AdvertChange>) {
        match version {
            VrrpVersion::V2 => {
                if self > AdvertInterval::V2_MAX {
                    (AdvertInterval::V2_MAX, Some(AdvertChange::Capped))
                } else if !self.micros().is_multiple_of(1_000_000) {
                    let s = Duration::from_secs(u64::from(self.v2_seconds()));
                    (AdvertInterval(s), Some(AdvertChange::Rounded))
                } else {
                    (self, None)
                }
            }
            VrrpVersion::V3 => {
                if self > AdvertInterval::V3_MAX {
                    (AdvertInterval::V3_MAX, Some(AdvertChange::Capped))
                } else if !self.micros().is_multiple_of(10_000) {
                    let cs = u64::from(self.v3_centiseconds());
                    (
                        AdvertInterval(Duration::from_millis(cs * 10)),
                        Some(AdvertChange::Rounded),
                    )
                } else {
                    (self, None)
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdvertChange {
    Capped,
    Rounded,
}

pub use super::track_refs::{TrackedInterface, TrackedObject, Weight};

/// A tracked object keepalived did not find when it read the instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnresolvedTrack {
    /// `track_script`, `track_process` ...
    pub keyword: &'static str,
    pub name: String,
    pub pos: Pos,
}

/// A `unicast_peer` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnicastPeer {
    pub addr: IpAddr,
    /// Received adverts must have a TTL in `min_ttl..=max_ttl` (setting
    /// either turns source checking on).
    pub min_ttl: u8,
    pub max_ttl: u8,
    pub pos: Pos,
}

/// An address of `virtual_ipaddress` or `virtual_ipaddress_excluded`: the
/// entry as `ipaddr` read it (`dev` stays `None` when not written: the
/// instance's interface is used).
pub type VirtualAddress = ipaddr::IpAddress;

/// The instance's family of an address.
pub fn vip_family(a: &VirtualAddress) -> Family {
    Family::of(&a.addr)
}

/// `authentication { auth_type ... }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthType {
    /// 8-byte cleartext password in the VRRPv2 header.
    Pass,
    /// IPsec-AH-like HMAC-MD5-96 header (IPv4 only).
    Ah,
}

/// The 8 bytes keepalived puts in the VRRPv2 auth field: the first 8 bytes
/// of `auth_pass`, zero padded.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct AuthPassword(pub [u8; 8]);

impl std::fmt::Debug for AuthPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthPassword(..)")
    }
}

impl AuthPassword {
    /// keepalived ignores authentication whose password starts with a NUL
    /// (i.e. is empty).
    pub fn is_empty(&self) -> bool {
        self.0[0] == 0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Authentication {
    /// `None`: no (or an unknown) auth_type.
    pub kind: Option<AuthType>,
    pub password: AuthPassword,
}

/// `auth_hmac { ... }` (keepalived 2.4+, not in 2.2.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthHmac {
    pub keys: Vec<HmacKey>,
    /// 0 until `active_key` is set.
    pub active_key: u8,
    /// `None`: derived from the advert interval (3 x, 5..=300 s).
    pub time_window: Option<Duration>,
    /// `anti_replay time` (true, default) or `monotonic`.
    pub anti_replay_time: bool,
    pub mode: HmacMode,
    pub pos: Pos,
}

#[derive(Clone, PartialEq, Eq)]
pub struct HmacKey {
    pub id: u8,
    pub key: Vec<u8>,
}

impl std::fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HmacKey {{ id: {}, len: {} }}", self.id, self.key.len())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HmacMode {
    Enforce,
    Permissive,
    ReceiveOnly,
}

/// `use_vmac`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Vmac {
    /// Interface name of the macvlan; `None`: `<vmac_prefix>.<VRID>`.
    pub ifname: Option<String>,
    /// A configured MAC address.
    pub mac: Option<[u8; 6]>,
    /// Only 5 octets were given: the VRID is the last one.
    pub mac_uses_vrid: bool,
}

/// `use_ipvlan`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ipvlan {
    pub ifname: Option<String>,
    pub addr: Option<(IpAddr, u8)>,
    pub mode: IpvlanMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IpvlanMode {
    #[default]
    Bridge,
    Private,
    Vepa,
}

/// `old_unicast_checksum [never]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnicastChecksumCompat {
    /// Use the pre-1.3.6 checksum.
    Old,
    /// Never switch to it automatically.
    Never,
}

/// `garp_extra_if` / `vmac_garp_intvl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GarpExtraIf {
    pub interval: Duration,
    pub all_interfaces: bool,
}

/// The notify scripts of an instance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotifyScripts {
    pub backup: Option<Script>,
    pub master: Option<Script>,
    pub fault: Option<Script>,
    pub stop: Option<Script>,
    /// `notify_deleted` with a script.
    pub deleted: Option<Script>,
    /// `notify`: run with `INSTANCE name STATE priority` appended.
    pub generic: Option<Script>,
    pub master_rx_lower_pri: Option<Script>,
}

/// GARP / unsolicited NA settings. `None` until completion, which fills in
/// global_defs' value: keepalived's VRRP process starts with every global
/// setting already read (the parent read the whole file first), so the
/// values an instance inherits do not depend on where global_defs is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Garp {
    /// `garp_master_delay`: second burst after becoming MASTER (0 = none);
    /// global vrrp_garp_master_delay (5 s).
    pub master_delay: Option<Duration>,
    /// `garp_master_repeat`; global vrrp_garp_master_repeat (5).
    pub master_repeat: Option<u32>,
    /// `garp_master_refresh` (0 = no refresh); global
    /// vrrp_garp_master_refresh (0).
    pub master_refresh: Option<Duration>,
    /// `garp_master_refresh_repeat`; global
    /// vrrp_garp_master_refresh_repeat (1).
    pub master_refresh_repeat: Option<u32>,
    /// `garp_lower_prio_delay`; global vrrp_garp_lower_prio_delay, else
    /// vrrp_garp_master_delay (0 in strict mode).
    pub lower_prio_delay: Option<Duration>,
    /// `garp_lower_prio_repeat`; global vrrp_garp_lower_prio_repeat, else
    /// vrrp_garp_master_repeat (0 in strict mode).
    pub lower_prio_repeat: Option<u32>,
}

/// How far keepalived's start-up checks got with an instance (they stop at
/// the first instance that cannot run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Completion {
    /// Not looked at.
    #[default]
    NotReached,
    /// Found unable to run: keepalived's VRRP process stops here.
    Failed,
    /// Completed: every default above is filled in.
    Done,
}

// ---- the instance --------------------------------------------------------

/// vrrp_instance NAME { ... }
#[derive(Debug, Default, Clone)]
pub struct Instance {
    pub name: String,
    pub pos: Pos,

    /// `state`; `None`: derived from the priority.
    pub state: Option<InitialState>,
    /// `interface`, when it exists (keepalived forgets a missing or loopback
    /// interface).
    pub interface: Option<String>,
    /// `vrf`.
    pub vrf: Option<String>,
    /// `use_vmac`.
    pub vmac: Option<Vmac>,
    /// `use_vmac_addr`.
    pub vmac_addr: bool,
    /// `vmac_xmit_base`.
    pub vmac_xmit_base: bool,
    /// `use_ipvlan`.
    pub ipvlan: Option<Ipvlan>,

    /// `unicast_peer`.
    pub unicast_peers: Vec<UnicastPeer>,
    /// Some unicast keyword was used (unicast_peer, unicast_src_ip,
    /// check_unicast_src, unicast_fault_no_peer, old_unicast_checksum).
    pub unicast_configured: bool,
    /// Unicast is in use: a unicast keyword and at least one peer (set at
    /// completion).
    pub unicast: bool,
    /// `unicast_fault_no_peer`.
    pub unicast_fault_no_peer: bool,
    /// `check_unicast_src` (also set by a peer's min_ttl/max_ttl).
    pub check_unicast_src: bool,
    /// `old_unicast_checksum`.
    pub old_unicast_checksum: Option<UnicastChecksumCompat>,
    /// `unicast_ttl`; `None`: 255 for IPv4, the kernel default for IPv6.
    pub unicast_ttl: Option<u8>,

    /// Address family: from the first VIP, peer or source address; IPv4 if
    /// none (set at completion).
    pub family: Option<Family>,
    /// `native_ipv6` (deprecated).
    pub native_ipv6: bool,

    /// `dont_track_primary`.
    pub dont_track_primary: bool,
    /// `track_interface`.
    pub track_interfaces: Vec<TrackedInterface>,
    /// Weighted `track_interface` entries of an address owner, which
    /// completion stops tracking; keepalived has already linked them to the
    /// interface by then, which its sync group checks still see.
    pub owner_dropped_interfaces: Vec<String>,
    /// `track_script`.
    pub track_scripts: Vec<TrackedObject>,
    /// `track_file`.
    pub track_files: Vec<TrackedObject>,
    /// `track_process`.
    pub track_processes: Vec<TrackedObject>,
    /// `track_bfd`.
    pub track_bfds: Vec<TrackedObject>,
    /// Tracked names keepalived could not find (and ignored).
    pub unresolved_tracks: Vec<UnresolvedTrack>,

    /// `mcast_src_ip` / `unicast_src_ip`.
    pub src_ip: Option<IpAddr>,
    /// A source address keyword was used (even if its value was later found
    /// unusable).
    pub src_ip_configured: bool,
    /// `mcast_dst_ip`; completion fills in the global group for multicast.
    pub mcast_dst_ip: Option<IpAddr>,
    /// `track_src_ip`.
    pub track_src_ip: bool,

    /// `virtual_router_id` (required).
    pub vrid: Option<Vrid>,
    /// `version`; `None`: global vrrp_version, 3 for IPv6.
    pub version: Option<VrrpVersion>,
    /// `priority`; `None`: 255 with `state MASTER`, else 100.
    pub priority: Option<Priority>,
    /// `advert_int`; `None`: 1 s. Completion rounds it for the version.
    pub advert_int: Option<AdvertInterval>,

    /// `virtual_ipaddress`.
    pub vips: Vec<VirtualAddress>,
    /// `virtual_ipaddress_excluded` (and VIPs that do not fit in an advert).
    pub excluded_vips: Vec<VirtualAddress>,
    /// `no_virtual_ipaddress` (keepalived 2.3+).
    pub no_virtual_ipaddress: bool,
    /// `virtual_routes`.
    pub virtual_routes: Vec<route::Route>,
    /// `virtual_rules`.
    pub virtual_rules: Vec<rule::Rule>,
    /// `promote_secondaries`.
    pub promote_secondaries: bool,
    /// `linkbeat_use_polling` (deprecated).
    pub linkbeat_use_polling: bool,
    /// `v3_checksum_as_v2` (keepalived 2.3+).
    pub v3_checksum_as_v2: bool,

    /// `accept` / `no_accept`; `None`: on, except off in strict mode (the
    /// owner always accepts).
    pub accept: Option<bool>,
    /// `skip_check_adv_addr` (any valid value turns it on, like keepalived;
    /// completion also turns it on with global vrrp_skip_check_adv_addr).
    pub skip_check_adv_addr: bool,
    /// `strict_mode`; `None`: global vrrp_strict.
    pub strict_mode: Option<bool>,
    /// `nopreempt` (`preempt` clears it).
    pub nopreempt: bool,
    /// `preempt_delay` (0..=1000 s).
    pub preempt_delay: Duration,
    /// `debug` (0..=4).
    pub debug: u8,

    /// The notify scripts.
    pub notify: NotifyScripts,
    /// `notify_deleted` (with or without a script).
    pub notify_deleted: bool,
    /// `smtp_alert`; `None`: smtp_alert_vrrp / smtp_alert / off.
    pub smtp_alert: Option<bool>,
    /// `notify_priority_changes`; `None`: the sync group's or the global one.
    pub notify_priority_changes: Option<bool>,
    /// `lvs_sync_daemon_interface` (deprecated).
    pub lvs_sync_daemon_interface: Option<String>,

    /// GARP settings.
    pub garp: Garp,
    /// `down_timer_adverts` (1..=100; forced to 3 in strict mode); `None`
    /// until completion: global vrrp_down_timer_adverts (3).
    pub down_timer_adverts: Option<u32>,
    /// `timer_expired_backup` (keepalived 2.3+): highest priority of another
    /// router.
    pub timer_expired_backup: Option<u8>,
    /// `garp_extra_if`; `None`: global.
    pub garp_extra_if: Option<GarpExtraIf>,
    /// `lower_prio_no_advert`; `None`: global (on in strict mode).
    pub lower_prio_no_advert: Option<bool>,
    /// `higher_prio_send_advert`; `None`: global (off in strict mode).
    pub higher_prio_send_advert: Option<bool>,
    /// `owner_ignore_adverts` (keepalived 2.3+).
    pub owner_ignore_adverts: Option<bool>,
    /// `kernel_rx_buf_size`.
    pub kernel_rx_buf_size: Option<u32>,

    /// `authentication { ... }`.
    pub auth: Option<Authentication>,
    /// `auth_hmac { ... }` (keepalived 2.4+).
    pub auth_hmac: Option<AuthHmac>,

    /// The instance was found unable to run (keepalived's
    /// num_config_faults): it stays in FAULT.
    pub config_fault: bool,
    /// How far keepalived's start-up checks got with this instance.
    pub completion: Completion,
    /// Where each keyword of the instance was last given, for messages.
    pub keyword_pos: HashMap<String, Pos>,
}

impl Instance {
    /// The effective priority.
    pub fn priority(&self) -> Priority {
        match (self.priority, self.state) {
            (Some(p), _) => p,
            (None, Some(InitialState::Master)) => Priority::OWNER,
            (None, _) => Priority::DEFAULT,
        }
    }

    /// The effective initial state.
    pub fn initial_state(&self) -> InitialState {
        match self.state {
            Some(s) => s,
            None if self.priority().is_owner() => InitialState::Master,
            None => InitialState::Backup,
        }
    }

    /// The effective address family.
    pub fn family(&self) -> Family {
        self.family.unwrap_or(Family::V4)
    }

    /// The effective VRRP version, given global `vrrp_version`.
    pub fn version(&self, global_default: VrrpVersion) -> VrrpVersion {
        match self.version {
            Some(v) => v,
            None if self.family() == Family::V6 => VrrpVersion::V3,
            None => global_default,
        }
    }

    /// The configured (or, after completion, effective) advert interval.
    pub fn advert_interval(&self) -> AdvertInterval {
        self.advert_int.unwrap_or(AdvertInterval::DEFAULT)
    }

    /// TTL / hop limit of unicast adverts; `None`: the kernel default (IPv6).
    pub fn effective_unicast_ttl(&self) -> Option<u8> {
        match (self.unicast_ttl, self.family()) {
            (Some(t), _) => Some(t),
            (None, Family::V4) => Some(255),
            (None, Family::V6) => None,
        }
    }

    /// The multicast group adverts go to (unless unicast).
    pub fn multicast_group(&self) -> IpAddr {
        match (self.mcast_dst_ip, self.family()) {
            (Some(a), _) => a,
            (None, Family::V4) => IpAddr::V4(Ipv4Addr::new(224, 0, 0, 18)),
            (None, Family::V6) => IpAddr::V6(Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0x12)),
        }
    }

    /// Where `keyword` was given in this instance, or the instance itself.
    pub fn pos_of(&self, keyword: &str) -> Pos {
        self.keyword_pos.get(keyword).copied().unwrap_or(self.pos)
    }
}

/// Top-level keywords of this part.
pub use super::instance_parse::ROOT;

/// keepalived's `check_vrrp_script_security` for the instances' notify
/// scripts: returns the script flags to merge into the VRRP process's
/// security report.
pub fn check_notify_scripts(ctx: &mut Ctx) -> u32 {
    super::instance_complete::check_notify_scripts(ctx)
}

/// keepalived's `chk_min_cfg` over every instance. False stops the VRRP
/// process's checks.
pub fn check_min_config(ctx: &mut Ctx) -> bool {
    super::instance_complete::check_min_config(ctx)
}

/// keepalived's `vrrp_complete_instance` for every instance, then the VRID
/// conflict check. False stops the VRRP process's checks.
pub fn complete(ctx: &mut Ctx) -> bool {
    super::instance_complete::complete_all(ctx)
}

/// Our own warnings about the instances (never change the exit code).
pub fn lint(ctx: &mut Ctx) {
    super::instance_lint::lint(ctx)
}
