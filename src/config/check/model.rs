//! Typed model of virtual servers, real servers and their checkers.
//!
//! Fields that keepalived inherits (checker ← real server ← virtual server)
//! are `Option`s while the file is read; `check::validate` fills them in with
//! keepalived's resolved values, so after a load they are `Some`.

use crate::config::script::Script;
use crate::config::source::Pos;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

/// keepalived's default `delay_loop`.
pub const DEFAULT_DELAY_LOOP: Duration = Duration::from_secs(60);
/// keepalived's default `connect_timeout`.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// `persistence_timeout` without a value (and forced persistence).
pub const DEFAULT_PERSISTENCE: Duration = Duration::from_secs(360);
/// The largest `persistence_timeout`: 31 days.
pub const MAX_PERSISTENCE_SECS: u32 = 86400 * 31;
/// IPVS's largest weight.
pub const WEIGHT_LIMIT: u32 = i32::MAX as u32;
/// `SMTP_CHECK helo_name` default.
pub const DEFAULT_HELO: &str = "smtpchecker.keepalived.org";

#[derive(Debug, Default, Clone)]
pub struct Check {
    /// `SSL { ... }`: the client context of SSL_GET (generated when absent).
    pub ssl: Option<Ssl>,
    /// `virtual_server_group NAME { ... }`, groups without entries dropped.
    pub groups: Vec<VirtualServerGroup>,
    /// `virtual_server ... { ... }`.
    pub virtual_servers: Vec<VirtualServer>,
    /// Checkers of real servers dropped for an address-family mismatch.
    /// keepalived 2.2.7 leaves them queued (and checks their scripts); we keep
    /// them only so that the script security verdict matches.
    pub orphaned_checkers: Vec<Checker>,
    /// Parse state that keepalived keeps in static variables.
    pub(crate) state: ParseState,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct ParseState {
    /// The checker being configured was dropped inside its block (MISC_CHECK
    /// `user` failure, BFD_CHECK `name` error): later keywords of the block
    /// have nothing to act on.
    pub checker_dropped: bool,
    /// MISC_CHECK `user` was given.
    pub misc_user_set: bool,
    /// The SMTP_CHECK `host { }` block being read.
    pub smtp_host: Option<ConnOpts>,
    /// `host { }` blocks of the SMTP_CHECK being read that passed their checks.
    pub smtp_hosts: Vec<ConnOpts>,
    /// The url being read has a `path`.
    pub url_path_set: bool,
    /// The DNS_CHECK being read has a `name`.
    pub dns_name_set: bool,
}

/// `SSL { password ca certificate key }`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ssl {
    pub pos: Pos,
    pub password: Option<String>,
    pub ca: Option<String>,
    pub certificate: Option<String>,
    pub key: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Inet,
    Inet6,
}

impl Family {
    pub fn of(ip: &IpAddr) -> Family {
        match ip {
            IpAddr::V4(_) => Family::Inet,
            IpAddr::V6(_) => Family::Inet6,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Family::Inet => "IPv4",
            Family::Inet6 => "IPv6",
        }
    }
}

/// `virtual_server_group NAME { entries }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualServerGroup {
    pub name: String,
    pub pos: Pos,
    pub entries: Vec<VsgEntry>,
}

impl VirtualServerGroup {
    pub fn has_family(&self, f: Family) -> bool {
        self.entries.iter().any(|e| match e {
            VsgEntry::Addresses { first, .. } => Family::of(first) == f,
            VsgEntry::Fwmark { family, .. } => *family == Some(f),
        })
    }

    pub fn has_addresses(&self) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(e, VsgEntry::Addresses { .. }))
    }

    pub fn has_fwmarks(&self) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(e, VsgEntry::Fwmark { .. }))
    }

    /// A fwmark entry without `inet`/`inet6`.
    pub fn has_fwmark_without_family(&self) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(e, VsgEntry::Fwmark { family: None, .. }))
    }
}

/// One line of a virtual server group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VsgEntry {
    /// `IP [PORT]`, `IP-LAST [PORT]`, `IP-IP [PORT]` or `IP/LEN [PORT]`: the
    /// addresses `first..=last` (equal for a single address).
    Addresses {
        first: IpAddr,
        last: IpAddr,
        /// `None`: no port (only valid with persistence).
        port: Option<u16>,
        pos: Pos,
    },
    /// `fwmark N [inet|inet6]`.
    Fwmark {
        mark: u32,
        family: Option<Family>,
        pos: Pos,
    },
}

/// What a virtual server is: an address and port, a firewall mark or a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VsAddress {
    /// `virtual_server IP [PORT]`; port 0 when none was given.
    Socket { ip: IpAddr, port: u16 },
    /// `virtual_server fwmark N`.
    Fwmark(u32),
    /// `virtual_server group NAME`.
    Group(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

/// IPVS schedulers keepalived accepts for `lvs_sched` / `lb_algo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheduler {
    Rr,
    Wrr,
    Lc,
    Wlc,
    Lblc,
    Sh,
    Mh,
    Dh,
    Fo,
    Ovf,
    Lblcr,
    Sed,
    Nq,
    Twos,
}

impl Scheduler {
    pub const ALL: [(&'static str, Scheduler); 14] = [
        ("rr", Scheduler::Rr),
        ("wrr", Scheduler::Wrr),
        ("lc", Scheduler::Lc),
        ("wlc", Scheduler::Wlc),
        ("lblc", Scheduler::Lblc),
        ("sh", Scheduler::Sh),
        ("mh", Scheduler::Mh),
        ("dh", Scheduler::Dh),
        ("fo", Scheduler::Fo),
        ("ovf", Scheduler::Ovf),
        ("lblcr", Scheduler::Lblcr),
        ("sed", Scheduler::Sed),
        ("nq", Scheduler::Nq),
        ("twos", Scheduler::Twos),
    ];

    pub fn from_name(s: &str) -> Option<Scheduler> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, v)| *v)
    }

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, v)| *v == self)
            .map_or("?", |(n, _)| n)
    }
}

/// Scheduler flags (`ops`, `flag-1..3`, `sh-port`, `sh-fallback`,
/// `mh-port`, `mh-fallback`). In IPVS the sh/mh flags share the bits of
/// flag-1 and flag-2.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SchedFlags {
    /// One-packet scheduling (UDP only).
    pub ops: bool,
    pub flag_1: bool,
    pub flag_2: bool,
    pub flag_3: bool,
    pub sh_port: bool,
    pub sh_fallback: bool,
    pub mh_port: bool,
    pub mh_fallback: bool,
}

/// IPVS forwarding method (`lvs_method` / `lb_kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FwdMethod {
    Nat,
    Dr,
    Tun,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum TunnelType {
    #[default]
    Ipip,
    Gue,
    Gre,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum TunnelChecksum {
    #[default]
    NoCsum,
    Csum,
    RemCsum,
}

/// Tunnel options of `lvs_method TUN type ipip|gue port N|gre
/// [nocsum|csum|remcsum]`: used when the method is `Tun`. keepalived keeps
/// them apart from the method (a server inherits its virtual server's even
/// when the method differs), and so do we.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tunnel {
    pub kind: TunnelType,
    /// The UDP port of a GUE tunnel.
    pub port: Option<u16>,
    pub checksum: TunnelChecksum,
}

/// `persistence_granularity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    /// An IPv4 netmask.
    Netmask(Ipv4Addr),
    /// An IPv6 prefix length (1..=128).
    PrefixLen(u8),
}

/// `virtual_server ... { ... }`.
#[derive(Debug, Clone)]
pub struct VirtualServer {
    pub pos: Pos,
    pub address: VsAddress,
    /// The address family of the service (`ip_family`, or from the
    /// addresses of the service and its servers).
    pub family: Option<Family>,
    /// `protocol`; validation defaults an address service to UDP (with an
    /// error) and clears it for a fwmark service.
    pub protocol: Option<Protocol>,
    /// `lvs_sched` / `lb_algo`; validation defaults it to wlc (with an error).
    pub scheduler: Option<Scheduler>,
    pub sched_flags: SchedFlags,
    /// `lvs_method` / `lb_kind`: the default for the servers.
    pub lvs_method: Option<FwdMethod>,
    pub tunnel: Tunnel,
    /// `persistence_timeout`; `None` means no persistence.
    pub persistence_timeout: Option<Duration>,
    pub persistence_granularity: Option<Granularity>,
    /// `persistence_engine` (at most 16 characters).
    pub persistence_engine: Option<String>,
    pub ha_suspend: bool,
    /// `smtp_alert`; `None`: the global `smtp_alert_checker` / `smtp_alert`,
    /// else off.
    pub smtp_alert: Option<bool>,
    pub virtualhost: Option<String>,
    pub snmp_name: Option<String>,
    pub alpha: bool,
    pub omega: bool,
    pub quorum_up: Option<Script>,
    pub quorum_down: Option<Script>,
    /// 1..; validation lowers it to the total weight of the real servers.
    pub quorum: u32,
    pub hysteresis: u32,
    /// Default weight of the real servers (1..=2147483647).
    pub weight: u32,
    pub inhibit_on_failure: bool,
    pub sorry_server: Option<SorryServer>,
    /// `ip_family` was given.
    pub ip_family_set: bool,
    pub delay_loop: Duration,
    pub connect_timeout: Duration,
    /// Defaults for the real servers and their checkers.
    pub retry: Option<u32>,
    pub delay_before_retry: Option<Duration>,
    pub warmup: Option<Duration>,
    pub real_servers: Vec<RealServer>,
}

impl VirtualServer {
    pub fn new(pos: Pos, address: VsAddress) -> Self {
        let family = match &address {
            VsAddress::Socket { ip, .. } => Some(Family::of(ip)),
            _ => None,
        };
        VirtualServer {
            pos,
            address,
            family,
            protocol: None,
            scheduler: None,
            sched_flags: SchedFlags::default(),
            lvs_method: None,
            tunnel: Tunnel::default(),
            persistence_timeout: None,
            persistence_granularity: None,
            persistence_engine: None,
            ha_suspend: false,
            smtp_alert: None,
            virtualhost: None,
            snmp_name: None,
            alpha: false,
            omega: false,
            quorum_up: None,
            quorum_down: None,
            quorum: 1,
            hysteresis: 0,
            weight: 1,
            inhibit_on_failure: false,
            sorry_server: None,
            ip_family_set: false,
            delay_loop: DEFAULT_DELAY_LOOP,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: None,
            delay_before_retry: None,
            warmup: None,
            real_servers: Vec::new(),
        }
    }

    /// How the service is named in messages.
    pub fn describe(&self) -> String {
        match &self.address {
            VsAddress::Socket { ip, port } => {
                let proto = self.protocol.map_or("no protocol", Protocol::name);
                match ip {
                    IpAddr::V4(_) => format!("virtual server {ip}:{port} ({proto})"),
                    IpAddr::V6(_) => format!("virtual server [{ip}]:{port} ({proto})"),
                }
            }
            VsAddress::Fwmark(m) => format!("virtual server fwmark {m}"),
            VsAddress::Group(g) => format!("virtual server group {g}"),
        }
    }

    pub fn port(&self) -> u16 {
        match self.address {
            VsAddress::Socket { port, .. } => port,
            _ => 0,
        }
    }
}

/// `sorry_server IP [PORT]` with `sorry_server_inhibit` and
/// `sorry_server_lvs_method`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SorryServer {
    pub pos: Pos,
    pub ip: IpAddr,
    /// 0: the virtual server's port (set by validation unless NAT).
    pub port: u16,
    pub lvs_method: Option<FwdMethod>,
    pub tunnel: Tunnel,
    pub inhibit: bool,
}

/// `real_server IP [PORT] { ... }`.
#[derive(Debug, Clone)]
pub struct RealServer {
    pub pos: Pos,
    pub ip: IpAddr,
    /// 0 until validation gives it the virtual server's port.
    pub port: u16,
    /// `weight` (0..=2147483647); validation defaults it to the virtual
    /// server's `weight`.
    pub weight: Option<u32>,
    pub lvs_method: Option<FwdMethod>,
    pub tunnel: Tunnel,
    pub uthreshold: u32,
    pub lthreshold: u32,
    pub inhibit_on_failure: Option<bool>,
    pub notify_up: Option<Script>,
    pub notify_down: Option<Script>,
    pub alpha: Option<bool>,
    pub retry: Option<u32>,
    pub delay_before_retry: Option<Duration>,
    pub warmup: Option<Duration>,
    pub connect_timeout: Option<Duration>,
    pub delay_loop: Option<Duration>,
    /// `None`: the global `smtp_alert_checker` / `smtp_alert`, else on.
    pub smtp_alert: Option<bool>,
    pub virtualhost: Option<String>,
    pub snmp_name: Option<String>,
    pub checkers: Vec<Checker>,
}

impl RealServer {
    pub fn describe(&self) -> String {
        match self.ip {
            IpAddr::V4(_) => format!("real server {}:{}", self.ip, self.port),
            IpAddr::V6(_) => format!("real server [{}]:{}", self.ip, self.port),
        }
    }
}

/// The connection options shared by the checkers (check_api.c).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ConnOpts {
    /// `connect_ip`; `None`: the real server's address.
    pub connect_ip: Option<IpAddr>,
    /// A `connect_ip` clashed with the family of `bindto`: keepalived leaves
    /// the destination without an address family, so the checker can never
    /// connect.
    pub connect_ip_rejected: bool,
    /// `connect_port`; `None`: the real server's port.
    pub connect_port: Option<u16>,
    pub bindto: Option<IpAddr>,
    pub bind_port: Option<u16>,
    /// At most 15 characters.
    pub bind_if: Option<String>,
    /// `None` until validation: the real server's / virtual server's.
    pub connect_timeout: Option<Duration>,
    /// SO_MARK for the checker's socket.
    pub fwmark: Option<u32>,
}

/// One health checker of a real server.
#[derive(Debug, Clone, PartialEq)]
pub struct Checker {
    pub pos: Pos,
    pub kind: CheckerKind,
    /// Connection options; `None` for MISC_CHECK, FILE_CHECK and BFD_CHECK.
    pub conn: Option<ConnOpts>,
    /// Extra attempts before a server that is up is declared down. Defaults
    /// (filled in by validation): the real server's, else 1 (DNS 3, MISC 0).
    pub retry: Option<u32>,
    /// Defaults: the real server's, else 1 s (HTTP/SSL 3 s, DNS the
    /// delay_loop).
    pub delay_before_retry: Option<Duration>,
    /// Defaults: the real server's, else the delay_loop.
    pub warmup: Option<Duration>,
    /// Defaults: the real server's, else the virtual server's (60 s).
    pub delay_loop: Option<Duration>,
    pub alpha: Option<bool>,
    /// `None`: the global `checker_log_all_failures`.
    pub log_all_failures: Option<bool>,
}

impl Checker {
    pub fn new(pos: Pos, kind: CheckerKind, conn: Option<ConnOpts>) -> Self {
        Checker {
            pos,
            kind,
            conn,
            retry: None,
            delay_before_retry: None,
            warmup: None,
            delay_loop: None,
            alpha: None,
            log_all_failures: None,
        }
    }

    /// keepalived's checker type name.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            CheckerKind::Tcp => "TCP_CHECK",
            CheckerKind::Http(_) => "HTTP_GET",
            CheckerKind::Ssl(_) => "SSL_GET",
            CheckerKind::Smtp(_) => "SMTP_CHECK",
            CheckerKind::Misc(_) => "MISC_CHECK",
            CheckerKind::Dns(_) => "DNS_CHECK",
            CheckerKind::Udp(_) => "UDP_CHECK",
            CheckerKind::Ping => "PING_CHECK",
            CheckerKind::File(_) => "FILE_CHECK",
            CheckerKind::Bfd(_) => "BFD_CHECK",
        }
    }

    /// Checkers that keepalived schedules itself (FILE_CHECK and BFD_CHECK
    /// follow other objects and have no timing).
    pub fn is_scheduled(&self) -> bool {
        !matches!(self.kind, CheckerKind::File(_) | CheckerKind::Bfd(_))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum CheckerKind {
    Tcp,
    Http(HttpCheck),
    Ssl(HttpCheck),
    Smtp(SmtpCheck),
    Misc(MiscCheck),
    Dns(DnsCheck),
    Udp(UdpCheck),
    Ping,
    File(FileCheck),
    Bfd(BfdCheck),
}

/// `http_protocol`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum HttpProtocol {
    #[default]
    Http10,
    /// `1.0C`: HTTP/1.0 with `Connection: close`.
    Http10Close,
    Http11,
}

/// HTTP_GET / SSL_GET.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct HttpCheck {
    pub urls: Vec<Url>,
    pub virtualhost: Option<String>,
    pub http_protocol: HttpProtocol,
    pub enable_sni: bool,
    /// `sni_name` (keepalived > 2.2.7).
    pub sni_name: Option<String>,
    pub fast_recovery: bool,
    /// `tls_compliant` (keepalived > 2.2.7).
    pub tls_compliant: bool,
}

/// A set of HTTP status codes (100..=599).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StatusCodes([u64; 8]);

impl StatusCodes {
    pub const MIN: u32 = 100;
    pub const MAX: u32 = 599;

    pub fn insert_range(&mut self, lo: u32, hi: u32) {
        for c in lo.max(Self::MIN)..=hi.min(Self::MAX) {
            let b = (c - Self::MIN) as usize;
            self.0[b / 64] |= 1 << (b % 64);
        }
    }

    pub fn contains(&self, code: u32) -> bool {
        if !(Self::MIN..=Self::MAX).contains(&code) {
            return false;
        }
        let b = (code - Self::MIN) as usize;
        self.0[b / 64] & (1 << (b % 64)) != 0
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
}

/// `url { ... }` of HTTP_GET / SSL_GET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    pub pos: Pos,
    /// Required: a url without one is dropped.
    pub path: String,
    /// The expected MD5 of the body.
    pub digest: Option<[u8; 16]>,
    /// Defaults to 200-299.
    pub status_codes: StatusCodes,
    pub virtualhost: Option<String>,
    pub regex: Option<UrlRegex>,
    /// `tls_compliant` (keepalived > 2.2.7).
    pub tls_compliant: Option<bool>,
}

/// `regex` and its options.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UrlRegex {
    pub pattern: String,
    /// `regex_options` names keepalived knows.
    pub options: Vec<String>,
    pub no_match: bool,
    pub min_offset: usize,
    /// The last offset a match may start at.
    pub max_offset: Option<usize>,
    /// `regex_stack START MAX`.
    pub stack: Option<(u64, u64)>,
}

/// SMTP_CHECK. keepalived turns each deprecated `host { }` block into a
/// checker of its own; so do we (they follow this one in the list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpCheck {
    pub helo_name: String,
}

/// MISC_CHECK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MiscCheck {
    /// `misc_path` and the user that runs it (`user`, else the default
    /// script user).
    pub script: Script,
    /// `misc_timeout`; `None` (or 0): the virtual server's delay_loop.
    pub timeout: Option<Duration>,
    /// `misc_dynamic`: exit status 2..255 sets the weight to status - 2.
    pub dynamic: bool,
}

/// DNS_CHECK `type`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum DnsType {
    A,
    Ns,
    Cname,
    #[default]
    Soa,
    Mx,
    Txt,
    Aaaa,
    Rrsig,
    Dnskey,
}

impl DnsType {
    pub const ALL: [(&'static str, DnsType); 9] = [
        ("A", DnsType::A),
        ("NS", DnsType::Ns),
        ("CNAME", DnsType::Cname),
        ("SOA", DnsType::Soa),
        ("MX", DnsType::Mx),
        ("TXT", DnsType::Txt),
        ("AAAA", DnsType::Aaaa),
        ("RRSIG", DnsType::Rrsig),
        ("DNSKEY", DnsType::Dnskey),
    ];

    /// Case-insensitive, like keepalived.
    pub fn from_name(s: &str) -> Option<DnsType> {
        Self::ALL
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(_, t)| *t)
    }
}

/// DNS_CHECK.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DnsCheck {
    pub query_type: DnsType,
    /// The query name; "" (the root) by default.
    pub name: String,
}

/// UDP_CHECK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UdpCheck {
    /// `payload`; `None`: random bytes.
    pub payload: Option<Vec<u8>>,
    pub require_reply: bool,
    /// The expected start of the reply and its mask of wildcard nibbles.
    pub reply: Option<(Vec<u8>, Vec<u8>)>,
    pub min_reply_length: u16,
    pub max_reply_length: u16,
}

impl Default for UdpCheck {
    fn default() -> Self {
        UdpCheck {
            payload: None,
            require_reply: false,
            reply: None,
            min_reply_length: 0,
            max_reply_length: 255,
        }
    }
}

/// FILE_CHECK.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileCheck {
    /// The `track_file` followed (required).
    pub track_file: String,
    /// `weight`; `None`: the track_file's own weight.
    pub weight: Option<i32>,
    pub reverse: bool,
}

/// BFD_CHECK.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BfdCheck {
    /// The `bfd_instance` followed (required).
    pub name: String,
}
