//! Addresses the way keepalived reads them for IPVS and the checkers.

use crate::config::parser::{Args, Ctx, Missing};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `inet_pton`: IPv6 when the text has a ':', else IPv4 dotted quad.
pub fn pton(text: &str) -> Option<IpAddr> {
    if text.contains(':') {
        text.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
    } else {
        text.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
    }
}

/// keepalived's `inet_stosockaddr` ignores a range or prefix: the text up to
/// the first '-' (or else the first '/').
pub fn strip_range(text: &str) -> &str {
    match text.find('-').or_else(|| text.find('/')) {
        Some(i) => &text[..i],
        None => text,
    }
}

/// `inet_aton` (what a numeric `getaddrinfo` accepts for IPv4): one to four
/// parts in decimal, octal (leading 0) or hex (0x), the last part filling
/// the remaining bytes.
pub fn inet_aton(text: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut vals = Vec::with_capacity(4);
    for p in &parts {
        let (radix, digits) = if let Some(h) = p.strip_prefix("0x").or(p.strip_prefix("0X")) {
            (16, h)
        } else if p.len() > 1 && p.starts_with('0') {
            (8, &p[1..])
        } else {
            (10, *p)
        };
        if p.is_empty() || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let v = if digits.is_empty() {
            0
        } else {
            u64::from_str_radix(digits, radix).ok()?
        };
        vals.push(v);
    }
    let n = vals.len();
    let mut addr: u64 = 0;
    for (i, v) in vals.iter().enumerate() {
        if i + 1 < n {
            if *v > 255 {
                return None;
            }
            addr |= v << (8 * (3 - i));
        } else {
            let bits = 8 * (4 - i as u32);
            if bits < 64 && *v >= (1u64 << bits) {
                return None;
            }
            addr |= v;
        }
    }
    Some(Ipv4Addr::from(addr as u32))
}

/// IPv6 link-local (fe80::/10): a checker needs `bind_if` to reach it.
pub fn is_link_local(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V6(v6) => v6.segments()[0] & 0xffc0 == 0xfe80,
        IpAddr::V4(_) => false,
    }
}

/// The port word of `IP PORT` lines: keepalived treats a port of all zeros
/// as no port.
pub fn port_word(a: &Args, i: usize) -> Option<&str> {
    a.get(i).filter(|p| !p.chars().all(|c| c == '0'))
}

/// keepalived's `inet_stosockaddr(word ip_idx, word port_idx)`: the port is
/// read first (errors reported), then the address. `None` when either is
/// invalid.
pub fn sockaddr(
    ctx: &mut Ctx,
    a: &Args,
    ip_idx: usize,
    port_idx: Option<usize>,
) -> Result<Option<(IpAddr, u16)>, Missing> {
    let ip_text = a.req(ip_idx)?.to_string();
    let mut port = 0u16;
    if let Some(pi) = port_idx {
        match ctx.unsigned(a, pi, 1, 65535, true)? {
            Some(p) => port = p as u16,
            None => return Ok(None),
        }
    }
    Ok(pton(strip_range(&ip_text)).map(|ip| (ip, port)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aton_accepts_short_and_based_forms() {
        assert_eq!(
            inet_aton("255.255.0.0"),
            Some(Ipv4Addr::new(255, 255, 0, 0))
        );
        assert_eq!(inet_aton("129"), Some(Ipv4Addr::new(0, 0, 0, 129)));
        assert_eq!(inet_aton("1.2"), Some(Ipv4Addr::new(1, 0, 0, 2)));
        assert_eq!(inet_aton("0x10.010.0.1"), Some(Ipv4Addr::new(16, 8, 0, 1)));
        assert_eq!(inet_aton("256.0.0.0"), None);
        assert_eq!(inet_aton("1.2.3.4.5"), None);
        assert_eq!(inet_aton("1..2"), None);
        assert_eq!(inet_aton("x"), None);
    }

    #[test]
    fn pton_and_ranges() {
        assert_eq!(pton(strip_range("10.0.0.1-5")), "10.0.0.1".parse().ok());
        assert_eq!(pton(strip_range("10.0.0.0/24")), "10.0.0.0".parse().ok());
        assert_eq!(pton("01.2.3.4"), None);
        assert!(is_link_local(&"fe80::1".parse().unwrap()));
        assert!(!is_link_local(&"fec0::1".parse().unwrap()));
    }
}
