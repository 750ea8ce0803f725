//! Addresses as keepalived reads them in address, route and rule entries:
//! glibc's `inet_pton` rules (which are stricter than Rust's parser in
//! places), keepalived's prefix handling (`parse_ipaddress`) and route
//! destinations (`parse_route`: `default`, `any`, `all`, `default6`).

use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx};
use crate::config::values;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Address family of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Family {
    #[default]
    Inet,
    Inet6,
}

impl Family {
    pub fn of(addr: &IpAddr) -> Family {
        match addr {
            IpAddr::V4(_) => Family::Inet,
            IpAddr::V6(_) => Family::Inet6,
        }
    }

    /// The longest prefix of the family: the default prefix of an address.
    pub fn max_prefix(self) -> u8 {
        match self {
            Family::Inet => 32,
            Family::Inet6 => 128,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Family::Inet => "IPv4",
            Family::Inet6 => "IPv6",
        }
    }
}

/// glibc's `inet_pton(AF_INET)`: exactly four decimal octets, no leading
/// zeros.
pub fn inet_pton4(s: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut n = 0usize;
    let mut cur: u32 = 0;
    let mut saw_digit = false;
    for c in s.bytes() {
        match c {
            b'0'..=b'9' => {
                if saw_digit && cur == 0 {
                    return None;
                }
                cur = cur * 10 + u32::from(c - b'0');
                if cur > 255 {
                    return None;
                }
                if !saw_digit {
                    n += 1;
                    if n > 4 {
                        return None;
                    }
                    saw_digit = true;
                }
                octets[n - 1] = cur as u8;
            }
            b'.' if saw_digit => {
                if n == 4 {
                    return None;
                }
                cur = 0;
                saw_digit = false;
            }
            _ => return None,
        }
    }
    (n == 4 && saw_digit).then(|| Ipv4Addr::from(octets))
}

/// glibc's `inet_pton(AF_INET6)`, including an embedded dotted quad at the
/// end.
pub fn inet_pton6(s: &str) -> Option<Ipv6Addr> {
    let b = s.as_bytes();
    let mut out = [0u8; 16];
    let mut tp = 0usize;
    let mut colonp: Option<usize> = None;
    let mut i = 0usize;
    if b.is_empty() {
        return None;
    }
    if b[0] == b':' {
        i = 1;
        if b.get(1) != Some(&b':') {
            return None;
        }
    }
    let mut curtok = i;
    let mut digits = 0;
    let mut val: u32 = 0;
    while i < b.len() {
        let c = b[i];
        i += 1;
        if let Some(d) = (c as char).to_digit(16) {
            if digits == 4 {
                return None;
            }
            val = (val << 4) | d;
            digits += 1;
            continue;
        }
        if c == b':' {
            curtok = i;
            if digits == 0 {
                if colonp.is_some() {
                    return None;
                }
                colonp = Some(tp);
                continue;
            } else if i == b.len() {
                return None;
            }
            if tp + 2 > 16 {
                return None;
            }
            out[tp] = (val >> 8) as u8;
            out[tp + 1] = val as u8;
            tp += 2;
            digits = 0;
            val = 0;
            continue;
        }
        if c == b'.' && tp + 4 <= 16 {
            if let Some(v4) = std::str::from_utf8(&b[curtok..]).ok().and_then(inet_pton4) {
                out[tp..tp + 4].copy_from_slice(&v4.octets());
                tp += 4;
                digits = 0;
                break;
            }
        }
        return None;
    }
    if digits > 0 {
        if tp + 2 > 16 {
            return None;
        }
        out[tp] = (val >> 8) as u8;
        out[tp + 1] = val as u8;
        tp += 2;
    }
    if let Some(cp) = colonp {
        if tp == 16 {
            return None;
        }
        let n = tp - cp;
        out.copy_within(cp..tp, 16 - n);
        out[cp..16 - n].fill(0);
        tp = 16;
    }
    (tp == 16).then(|| Ipv6Addr::from(out))
}

/// An address with its prefix length, as keepalived's `parse_ipaddress`
/// returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedAddr {
    pub addr: IpAddr,
    pub prefix_len: u8,
    /// A valid `/len` was written; otherwise `prefix_len` is the family's
    /// full length.
    pub prefix_given: bool,
}

impl ParsedAddr {
    pub fn family(&self) -> Family {
        Family::of(&self.addr)
    }
}

/// True when the text looks like a template placeholder rather than an
/// address: `<vip>`, `%VIP%`, `${IP}`, `xxx.xxx.xxx.xxx`, `VIP_1`.
pub fn looks_like_placeholder(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    text.contains(['<', '>', '%', '{', '}', '[', ']', '$', '_'])
        || lower.contains("xx")
        || (text.chars().any(|c| c.is_ascii_alphabetic())
            && !text.chars().any(|c| c.is_ascii_lowercase()))
}

/// keepalived's `parse_ipaddress`: `text` (word `i` of `a`) as an address,
/// with an optional `/len` when `allow_prefix`. The family comes from a `:`
/// anywhere in the text. Problems are reported; `None` means the address
/// is invalid (keepalived skips what it belonged to).
pub fn parse_ipaddress(
    ctx: &mut Ctx,
    a: &Args,
    i: usize,
    text: &str,
    allow_prefix: bool,
) -> Option<ParsedAddr> {
    parse_ipaddress_with(ctx, a, i, text, allow_prefix, true)
}

/// [`parse_ipaddress`] for callers that report an invalid address in their
/// own words (keepalived reports it twice: once here, once there). A bad
/// prefix length is still reported.
pub fn parse_ipaddress_quiet(
    ctx: &mut Ctx,
    a: &Args,
    i: usize,
    text: &str,
    allow_prefix: bool,
) -> Option<ParsedAddr> {
    parse_ipaddress_with(ctx, a, i, text, allow_prefix, false)
}

fn parse_ipaddress_with(
    ctx: &mut Ctx,
    a: &Args,
    i: usize,
    text: &str,
    allow_prefix: bool,
    report_invalid: bool,
) -> Option<ParsedAddr> {
    let family = if text.contains(':') {
        Family::Inet6
    } else {
        Family::Inet
    };
    let max = family.max_prefix();
    let mut prefix_len = max;
    let mut prefix_given = false;
    let (addr_text, prefix_text) = match text.find('/') {
        Some(p) if allow_prefix => (&text[..p], Some(&text[p + 1..])),
        _ => (text, None),
    };
    if let Some(pt) = prefix_text {
        match values::unsigned(pt, 10, 0, u32::from(max)) {
            Ok(v) => {
                prefix_len = v as u8;
                prefix_given = true;
            }
            // Outside -t keepalived keeps whatever strtoul read when it is in
            // range (it reads with ignore_error).
            Err(e) if ctx.lenient && tolerated(pt, u32::from(max)).is_some() => {
                prefix_len = tolerated(pt, u32::from(max)).unwrap_or(0) as u8;
                prefix_given = true;
                ctx.error(
                    Class::InvalidNumber,
                    a,
                    i,
                    format!(
                        "prefix length of '{text}': {}; /{prefix_len} is used",
                        e.message
                    ),
                );
            }
            Err(e) => {
                ctx.error(
                    Class::General,
                    a,
                    i,
                    format!(
                        "invalid prefix length in '{text}': {}; /{max} is used instead",
                        e.message
                    ),
                );
            }
        }
    }
    let addr = match family {
        Family::Inet => inet_pton4(addr_text).map(IpAddr::V4),
        Family::Inet6 => inet_pton6(addr_text).map(IpAddr::V6),
    };
    match addr {
        Some(addr) => Some(ParsedAddr {
            addr,
            prefix_len,
            prefix_given,
        }),
        None if !report_invalid => None,
        None => {
            let what = if allow_prefix && prefix_text.is_some() {
                format!("'{addr_text}' (in '{text}')")
            } else {
                format!("'{addr_text}'")
            };
            let d = ctx.error(
                Class::General,
                a,
                i,
                format!("{what} is not a valid {} address", family.name()),
            );
            if looks_like_placeholder(addr_text) {
                d.help =
                    Some("this looks like a template placeholder that was never filled in".into());
            }
            None
        }
    }
}

/// keepalived's `read_unsigned` with `ignore_error` outside `-t`: after
/// reporting a bad number it still uses the value `strtoul` read when that
/// is within 0..=max (so `24x` gives 24, and `abc` or `-x` give 0).
pub fn tolerated(text: &str, max: u32) -> Option<u32> {
    let (v, _) = super::net_names::c_strtoul(text, 10);
    (v <= u64::from(max)).then_some(v as u32)
}

/// A route or rule selector: an address prefix, or `default`/`any`/`all`
/// (no address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefix {
    /// `None` for `default`, `any`, `all` and `default6`.
    pub addr: Option<IpAddr>,
    pub len: u8,
    /// `default`/`any`/`all` take the family of the entry they are in.
    pub family: Family,
}

impl Prefix {
    pub fn is_default(&self) -> bool {
        self.addr.is_none()
    }
}

/// keepalived's `parse_route`: a destination or selector. The family is
/// `None` for `default`/`any`/`all` until the entry decides it. The caller
/// reports an invalid address.
pub fn parse_prefix(
    ctx: &mut Ctx,
    a: &Args,
    i: usize,
    text: &str,
) -> Option<(Prefix, Option<Family>)> {
    match text {
        "default" | "any" | "all" => Some((
            Prefix {
                addr: None,
                len: 0,
                family: Family::Inet,
            },
            None,
        )),
        "default6" => {
            ctx.lint(
                a,
                i,
                "'default6' is deprecated: write 'inet6 default' (or '::/0') instead",
            );
            Some((
                Prefix {
                    addr: None,
                    len: 0,
                    family: Family::Inet6,
                },
                Some(Family::Inet6),
            ))
        }
        _ => {
            let p = parse_ipaddress_quiet(ctx, a, i, text, true)?;
            let f = p.family();
            Some((
                Prefix {
                    addr: Some(p.addr),
                    len: p.prefix_len,
                    family: f,
                },
                Some(f),
            ))
        }
    }
}

/// keepalived's `if_get_by_ifname(name, IF_CREATE_IF_DYNAMIC)`: true when
/// the interface exists, or may be created later under
/// `dynamic_interfaces`. Otherwise keepalived notes that a non-existent
/// interface was named, which stops its VRRP process after the
/// configuration is read.
pub fn interface_usable(ctx: &mut Ctx, a: &Args, i: usize, name: &str) -> bool {
    if ctx.host.interface_exists(name) {
        return true;
    }
    if super::global_view(ctx).dynamic_interfaces {
        if !ctx.cfg.vrrp.statics.dynamic_noted.iter().any(|n| n == name) {
            ctx.cfg.vrrp.statics.dynamic_noted.push(name.to_string());
            ctx.lint(
                a,
                i,
                format!("interface '{name}' does not exist yet: it is used once it is created (dynamic_interfaces)"),
            );
        }
        return true;
    }
    ctx.cfg.vrrp.non_existent_interface = true;
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_is_strict_like_glibc() {
        assert_eq!(inet_pton4("1.2.3.4"), Some(Ipv4Addr::new(1, 2, 3, 4)));
        assert_eq!(inet_pton4("0.0.0.0"), Some(Ipv4Addr::UNSPECIFIED));
        assert_eq!(inet_pton4("01.2.3.4"), None);
        assert_eq!(inet_pton4("1.2.3"), None);
        assert_eq!(inet_pton4("1.2.3.4.5"), None);
        assert_eq!(inet_pton4("256.1.1.1"), None);
        assert_eq!(inet_pton4("1.2.3.4."), None);
        assert_eq!(inet_pton4("1..2.3"), None);
        assert_eq!(inet_pton4("xxx.xxx.xxx.xxx"), None);
        assert_eq!(inet_pton4(""), None);
    }

    #[test]
    fn ipv6_follows_glibc() {
        let p = |s: &str| inet_pton6(s);
        assert_eq!(p("::"), Some(Ipv6Addr::UNSPECIFIED));
        assert_eq!(p("::1"), Some(Ipv6Addr::LOCALHOST));
        assert_eq!(p("fe80::1"), "fe80::1".parse().ok());
        assert_eq!(
            p("2400:A480:F:35:7:7:7:9"),
            "2400:a480:f:35:7:7:7:9".parse().ok()
        );
        assert_eq!(p("::ffff:1.2.3.4"), "::ffff:1.2.3.4".parse().ok());
        assert_eq!(p("1::2:3:4:5:6:7"), "1:0:2:3:4:5:6:7".parse().ok());
        assert_eq!(p("1:2:3:4:5:6:7:8"), "1:2:3:4:5:6:7:8".parse().ok());
        assert_eq!(p("1:2:3:4:5:6:7::"), "1:2:3:4:5:6:7:0".parse().ok());
        assert_eq!(p("1:2:3:4:5:6:7:8::"), None);
        assert_eq!(p(":1::2"), None);
        assert_eq!(p("1:::2"), None);
        assert_eq!(p("1::2::3"), None);
        assert_eq!(p("12345::"), None);
        assert_eq!(p("1:"), None);
        assert_eq!(p("fe80::1%eth0"), None);
        assert_eq!(p(""), None);
    }
}
