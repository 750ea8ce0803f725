//! Address entries of virtual_ipaddress, virtual_ipaddress_excluded and
//! static_ipaddress (keepalived's `alloc_ipaddress`):
//!
//! `ADDRESS[/LEN] [dev IF] [scope SCOPE] [brd|broadcast ADDR|+|-]
//! [label LABEL] [peer ADDR] [home] [-nodad] [mngtmpaddr] [noprefixroute]
//! [autojoin] [no_track] [preferred_lft SECS|forever]
//! [track_group NAME (static only)] [use_vmac (virtual only)]`

pub use super::net_addr::Family;
use super::net_addr::{self, interface_usable, parse_ipaddress, parse_ipaddress_quiet};
use super::net_names;
use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx, Missing};
use crate::config::source::Pos;
use crate::config::values;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

/// The interface keepalived puts static addresses on when no `dev` is given
/// and global_defs has no `default_interface`.
pub const DEFAULT_INTERFACE: &str = "eth0";

/// Longest interface name (IFNAMSIZ - 1); labels have the same limit.
pub const MAX_LABEL_LEN: usize = 15;

/// A preferred lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    Finite(Duration),
    Forever,
}

/// Address flags (IFA_F_*) an entry sets.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AddrFlags {
    /// `home`: IPv6 home address.
    pub home: bool,
    /// `-nodad`: no duplicate address detection.
    pub nodad: bool,
    /// `mngtmpaddr`.
    pub mngtmpaddr: bool,
    /// `noprefixroute`: the kernel adds no prefix route.
    pub noprefixroute: bool,
    /// `autojoin`: join the multicast group of the address.
    pub autojoin: bool,
}

/// One address entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpAddress {
    /// Where the entry was written.
    pub pos: Pos,
    pub addr: IpAddr,
    /// The prefix length used: from `/LEN`, or /32 (IPv4) or /128 (IPv6),
    /// which a `peer` also forces.
    pub prefix_len: u8,
    /// A valid `/LEN` was written.
    pub prefix_given: bool,
    /// IPv4 broadcast address (`brd`), computed for `+` and `-`.
    pub broadcast: Option<Ipv4Addr>,
    /// `dev`. For static addresses without `dev` this is the default
    /// interface; for virtual addresses without `dev` it stays `None` (the
    /// instance's interface is used).
    pub dev: Option<String>,
    /// `dev` was not written and `dev` holds the default interface.
    pub dev_defaulted: bool,
    /// `scope` (0 = global; always 0 for IPv6).
    pub scope: u8,
    /// `label` (IPv4 only).
    pub label: Option<String>,
    /// `peer`: the other end of a point-to-point address.
    pub peer: Option<IpAddr>,
    pub flags: AddrFlags,
    /// `no_track`: the address vanishing does not fault the instance.
    pub no_track: bool,
    /// `preferred_lft`. Not written: kernel default for IPv4; for IPv6
    /// keepalived uses 0 for a /128 and forever otherwise.
    pub preferred_lft: Option<Lifetime>,
    /// `track_group` (static addresses only).
    pub track_group: Option<String>,
    /// `use_vmac` (virtual addresses only).
    pub use_vmac: bool,
}

impl IpAddress {
    pub fn family(&self) -> Family {
        Family::of(&self.addr)
    }

    pub fn is_ipv6(&self) -> bool {
        self.addr.is_ipv6()
    }
}

/// keepalived's `alloc_ipaddress`: one address entry. `is_static` for
/// static_ipaddress. `None` when the entry is skipped.
pub fn parse_ip_address(
    ctx: &mut Ctx,
    a: &Args,
    is_static: bool,
) -> Result<Option<IpAddress>, Missing> {
    let first = a.req(0)?.to_string();
    let Some(p) = parse_ipaddress(ctx, a, 0, &first, true) else {
        return Ok(None);
    };
    let v6 = p.addr.is_ipv6();
    let mut ip = IpAddress {
        pos: a.pos(0),
        addr: p.addr,
        prefix_len: p.prefix_len,
        prefix_given: p.prefix_given,
        broadcast: None,
        dev: None,
        dev_defaulted: false,
        scope: 0,
        label: None,
        peer: None,
        flags: AddrFlags::default(),
        no_track: false,
        preferred_lft: None,
        track_group: None,
        use_vmac: false,
    };
    // `brd ADDR` and `brd +|-` are kept apart like keepalived does: `+`/`-`
    // win over an address whatever their order.
    let mut have_brd = false;
    let mut brd_addr: Option<Ipv4Addr> = None;
    let mut brd_host_bits: Option<bool> = None;
    let mut brd_word = 0;
    let mut missing_param: Option<usize> = None;
    let n = a.len();
    let mut i = 1;
    while i < n {
        let opt = a.req(i)?.to_string();
        let has_param = n > i + 1;
        let needs_param = matches!(
            opt.as_str(),
            "dev" | "scope" | "broadcast" | "brd" | "label" | "peer" | "preferred_lft"
        ) || (is_static && opt == "track_group");
        if needs_param && !has_param {
            missing_param = Some(i);
            break;
        }
        match opt.as_str() {
            "dev" => {
                if ip.dev.is_some() {
                    ctx.error(
                        Class::General,
                        a,
                        i,
                        format!("address {first}: 'dev' is given more than once; the address is ignored"),
                    );
                    return Ok(None);
                }
                i += 1;
                let name = a.req(i)?.to_string();
                if !interface_usable(ctx, a, i, &name) {
                    ctx.error(
                        Class::General,
                        a,
                        i,
                        format!("interface '{name}' of address {first} does not exist; the address is ignored"),
                    );
                    return Ok(None);
                }
                ip.dev = Some(name);
            }
            "scope" => {
                i += 1;
                let s = a.req(i)?.to_string();
                match net_names::scope(ctx, &s) {
                    Some(v) => ip.scope = v,
                    None => {
                        ctx.error(
                            Class::General,
                            a,
                            i,
                            format!("address {first}: unknown scope '{s}' (expected global, site, link, host, nowhere, a name from rt_scopes or 0..255); the scope is ignored"),
                        );
                    }
                }
            }
            "broadcast" | "brd" => {
                if v6 {
                    ctx.error(
                        Class::General,
                        a,
                        i,
                        format!("address {first} is IPv6, which has no broadcast address; the address is ignored"),
                    );
                    return Ok(None);
                }
                i += 1;
                brd_word = i;
                have_brd = true;
                let s = a.req(i)?.to_string();
                match s.as_str() {
                    "-" => brd_host_bits = Some(false),
                    "+" => brd_host_bits = Some(true),
                    _ => match net_addr::inet_pton4(&s) {
                        Some(b) => brd_addr = Some(b),
                        None => {
                            ctx.error(
                                Class::General,
                                a,
                                i,
                                format!("address {first}: invalid broadcast address '{s}'; the address is ignored"),
                            );
                            return Ok(None);
                        }
                    },
                }
            }
            "label" => {
                i += 1;
                let s = a.req(i)?.to_string();
                if s.len() > MAX_LABEL_LEN {
                    ctx.error(
                        Class::General,
                        a,
                        i,
                        format!("address {first}: label '{s}' is longer than {MAX_LABEL_LEN} characters; the address is ignored"),
                    );
                    return Ok(None);
                }
                ip.label = Some(s);
            }
            "peer" => {
                i += 1;
                let s = a.req(i)?.to_string();
                if ip.peer.is_some() {
                    ctx.error(
                        Class::General,
                        a,
                        i,
                        format!("address {first}: a second peer '{s}' is ignored"),
                    );
                    // keepalived then reads the second peer's address as an
                    // option of its own.
                    continue;
                }
                match parse_ipaddress_quiet(ctx, a, i, &s, false) {
                    None => {
                        let d = ctx.error(
                            Class::General,
                            a,
                            i,
                            format!("address {first}: peer '{s}' is not a valid address; the peer is ignored"),
                        );
                        if s.contains('/') {
                            d.help = Some("a peer takes no /prefix".into());
                        }
                    }
                    Some(pp) if pp.family() != ip.family() => {
                        ctx.error(
                            Class::General,
                            a,
                            i,
                            format!("address {first}: peer {s} is of another address family; the peer is ignored"),
                        );
                    }
                    Some(pp) => {
                        if ip.prefix_len != ip.family().max_prefix() {
                            ctx.error(
                                Class::General,
                                a,
                                0,
                                format!("address {first}: a prefix length cannot be combined with a peer; /{} is used", ip.family().max_prefix()),
                            );
                        }
                        ip.prefix_len = pp.prefix_len;
                        ip.peer = Some(pp.addr);
                    }
                }
            }
            "home" => ip.flags.home = true,
            "-nodad" => ip.flags.nodad = true,
            "mngtmpaddr" => ip.flags.mngtmpaddr = true,
            "noprefixroute" => ip.flags.noprefixroute = true,
            "autojoin" => ip.flags.autojoin = true,
            "no_track" => ip.no_track = true,
            "preferred_lft" => {
                i += 1;
                let s = a.req(i)?.to_string();
                if s == "forever" {
                    ip.preferred_lft = Some(Lifetime::Forever);
                } else {
                    match values::unsigned(&s, 10, 0, u32::MAX) {
                        Ok(v) => ip.preferred_lft = Some(lifetime(v)),
                        // keepalived reads it with ignore_error: outside -t
                        // what strtoul read is kept.
                        Err(e) if ctx.lenient && net_addr::tolerated(&s, u32::MAX).is_some() => {
                            let v = net_addr::tolerated(&s, u32::MAX).unwrap_or(0);
                            ctx.error(
                                Class::InvalidNumber,
                                a,
                                i,
                                format!(
                                    "address {first}: preferred_lft: {}; {v} is used",
                                    e.message
                                ),
                            );
                            ip.preferred_lft = Some(lifetime(v));
                        }
                        Err(e) => {
                            ctx.error(
                                Class::General,
                                a,
                                i,
                                format!("address {first}: invalid preferred_lft: {} (seconds or 'forever' expected); it is ignored", e.message),
                            );
                        }
                    }
                }
            }
            "track_group" if is_static => {
                i += 1;
                let s = a.req(i)?.to_string();
                if ip.track_group.is_some() {
                    let d = ctx.error(
                        Class::General,
                        a,
                        i,
                        format!("address {first}: a second track_group '{s}' is given"),
                    );
                    d.help = Some("keepalived ignores the rest of the entry from here".into());
                    break;
                }
                if super::statics::track_group_exists(ctx, &s) {
                    ip.track_group = Some(s);
                } else {
                    let d = ctx.error(
                        Class::General,
                        a,
                        i,
                        format!("address {first}: track_group '{s}' is not defined; the address is not tracked by a group"),
                    );
                    d.help =
                        Some("a track_group must be defined before the entries that use it".into());
                }
            }
            "use_vmac" if !is_static => ip.use_vmac = true,
            _ => {
                let d = ctx.error(
                    Class::General,
                    a,
                    i,
                    format!("address {first}: unknown option '{opt}'; it is ignored"),
                );
                d.help = Some(match opt.as_str() {
                    "use_vmac" => "use_vmac is only for virtual_ipaddress entries".into(),
                    "track_group" => "track_group is only for static_ipaddress entries".into(),
                    _ => "options are dev, scope, brd, label, peer, home, -nodad, mngtmpaddr, noprefixroute, autojoin, no_track, preferred_lft, track_group (static), use_vmac (virtual)".into(),
                });
            }
        }
        i += 1;
    }

    if let Some(mi) = missing_param {
        let opt = a.get(mi).unwrap_or("");
        ctx.error(
            Class::General,
            a,
            mi,
            format!("address {first}: '{opt}' needs a value; the address is ignored"),
        );
        return Ok(None);
    }

    // The broadcast address: `brd` cannot go with a peer; `+`/`-` are
    // computed from the prefix.
    if have_brd && ip.peer.is_some() {
        ctx.error(
            Class::General,
            a,
            brd_word,
            format!("address {first}: a broadcast address cannot be combined with a peer; the broadcast address is ignored"),
        );
    } else if let (Some(plus), IpAddr::V4(v4)) = (brd_host_bits, ip.addr) {
        if ip.prefix_len <= 30 {
            let host_bits = u32::MAX >> ip.prefix_len;
            let base = u32::from(v4);
            ip.broadcast = Some(Ipv4Addr::from(if plus {
                base | host_bits
            } else {
                base & !host_bits
            }));
        } else {
            ctx.error(
                Class::General,
                a,
                brd_word,
                format!("address {first}: a /{} prefix leaves no room for a broadcast address; brd {} is ignored", ip.prefix_len, if plus { "+" } else { "-" }),
            );
            ip.broadcast = brd_addr;
        }
    } else {
        ip.broadcast = brd_addr;
    }

    if is_static && ip.dev.is_none() {
        let name = super::global_view(ctx)
            .default_interface
            .clone()
            .unwrap_or_else(|| DEFAULT_INTERFACE.to_string());
        if !interface_usable(ctx, a, 0, &name) {
            let d = ctx.error(
                Class::Fatal,
                a,
                0,
                format!("static address {first} has no 'dev' and the default interface '{name}' does not exist"),
            );
            d.help = Some(
                "add 'dev IFNAME' to the entry, or set default_interface in global_defs".into(),
            );
            return Ok(None);
        }
        ip.dev = Some(name);
        ip.dev_defaulted = true;
    }

    if v6 {
        if ip.scope != 0 {
            ctx.error(
                Class::General,
                a,
                0,
                format!("address {first}: IPv6 addresses take no scope; the scope is ignored"),
            );
            ip.scope = 0;
        }
        if ip.label.is_some() {
            ctx.error(
                Class::General,
                a,
                0,
                format!("address {first}: IPv6 addresses take no label; the label is ignored"),
            );
            ip.label = None;
        }
        if ip.preferred_lft.is_none() {
            ip.preferred_lft = Some(if ip.prefix_len == 128 {
                Lifetime::Finite(Duration::ZERO)
            } else {
                Lifetime::Forever
            });
        }
    }

    if ip.track_group.is_some() && ip.dev.is_none() {
        ctx.error(
            Class::General,
            a,
            0,
            format!("address {first}: track_group needs an interface; it is ignored"),
        );
        ip.track_group = None;
    }

    Ok(Some(ip))
}

/// keepalived stores lifetimes as 32-bit seconds; all ones means forever.
fn lifetime(secs: u32) -> Lifetime {
    if secs == u32::MAX {
        Lifetime::Forever
    } else {
        Lifetime::Finite(Duration::from_secs(u64::from(secs)))
    }
}
