//! Typed model of bfd_instance.
//!
//! keepalived reads `bfd_instance` in three processes: the BFD process runs
//! the session, the VRRP and checker processes only record the name for
//! `track_bfd` and `BFD_CHECK`. We keep one list; each instance says what
//! each process made of it.

use crate::config::source::Pos;
use std::net::IpAddr;
use std::time::Duration;

/// Names must be shorter than this (keepalived's BFD_INAME_MAX).
pub const NAME_MAX: usize = 32;
pub const DEFAULT_MIN_RX: Duration = Duration::from_millis(10);
pub const DEFAULT_MIN_TX: Duration = Duration::from_millis(10);
pub const DEFAULT_IDLE_TX: Duration = Duration::from_millis(1000);
pub const DEFAULT_MULTIPLIER: u8 = 5;
/// Outgoing TTL of IPv4 sessions and hop limit of IPv6 ones.
pub const DEFAULT_TTL: u8 = 255;
pub const DEFAULT_HOPLIMIT: u8 = 64;

#[derive(Debug, Default, Clone)]
pub struct Bfd {
    /// Every `bfd_instance` block that at least one process read.
    pub instances: Vec<BfdInstance>,
    /// Which processes are reading the block being parsed.
    pub(crate) block: super::BlockState,
}

impl Bfd {
    /// The instance a `BFD_CHECK name` refers to, as the checker process
    /// sees it.
    pub fn for_checker(&self, name: &str) -> Option<&BfdInstance> {
        self.instances
            .iter()
            .find(|b| b.checker_name && b.name == name)
    }

    /// The instance a VRRP `track_bfd` refers to, as the VRRP process sees
    /// it.
    pub fn for_vrrp(&self, name: &str) -> Option<&BfdInstance> {
        self.instances
            .iter()
            .find(|b| b.vrrp_name && b.name == name)
    }
}

/// `bfd_instance NAME { ... }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BfdInstance {
    pub name: String,
    pub pos: Pos,
    /// The BFD process runs this session: it has a valid, unique neighbour
    /// and passed its checks.
    pub enabled: bool,
    /// `BFD_CHECK` can use the name (the checker process recorded it and
    /// `vrrp` alone does not exclude the checker).
    pub checker_name: bool,
    /// `track_bfd` can use the name.
    pub vrrp_name: bool,
    /// `neighbor_ip` / `neighbour_ip` (required).
    pub neighbor: Option<IpAddr>,
    pub source: Option<IpAddr>,
    /// `min_rx` (ms with 3 decimals): required minimum receive interval.
    pub min_rx: Duration,
    pub min_tx: Duration,
    /// Transmit interval while the session is down (at least 1 s).
    pub idle_tx: Duration,
    /// Missed packets before the session is declared down (1..=255).
    pub multiplier: u8,
    pub passive: bool,
    /// `ttl` / `hoplimit`; defaults to 255 for IPv4 and 64 for IPv6.
    pub ttl: Option<u8>,
    /// Largest TTL decrease accepted (-1..=255; -1 disables the check).
    pub max_hops: i16,
    /// `multihop` (keepalived > 2.2.7).
    pub multihop: bool,
    /// The default weight of VRRP `track_bfd` (-253..=253).
    pub weight: i32,
    pub weight_reverse: bool,
    /// Session events go to the VRRP process (both processes unless `vrrp` or
    /// `checker` restricts them).
    pub notify_vrrp: bool,
    pub notify_checker: bool,
}

impl BfdInstance {
    pub fn new(name: &str, pos: Pos) -> Self {
        BfdInstance {
            name: name.to_string(),
            pos,
            enabled: false,
            checker_name: false,
            vrrp_name: false,
            neighbor: None,
            source: None,
            min_rx: DEFAULT_MIN_RX,
            min_tx: DEFAULT_MIN_TX,
            idle_tx: DEFAULT_IDLE_TX,
            multiplier: DEFAULT_MULTIPLIER,
            passive: false,
            ttl: None,
            max_hops: 0,
            multihop: false,
            weight: 0,
            weight_reverse: false,
            notify_vrrp: true,
            notify_checker: true,
        }
    }
}
