//! Value readers of route and rule entries (keepalived's
//! vrrp_ip_rule_route_parser.c): bounded numbers, route times, MPLS labels,
//! ILA locators and `sscanf`-style ranges.

use super::net_names::c_strtoul;
use crate::config::values;
use std::time::Duration;

/// keepalived's `get_u8/16/32` (`read_unsigned` in base 10 up to `max`).
/// The error is the reason, for the caller's message.
pub fn bounded(text: &str, max: u32) -> Result<u32, String> {
    values::unsigned(text, 10, 0, max).map_err(|e| e.message)
}

/// keepalived's `get_u64`.
pub fn bounded64(text: &str) -> Result<u64, String> {
    values::unsigned64(text, 0, u64::MAX).map_err(|e| e.message)
}

/// A route metric time (`rtt`, `rttvar`, `rto_min`) as keepalived's
/// `get_time_rtt` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RttValue {
    /// In the kernel's units (1/(1000 × unit) second).
    pub raw: u32,
    /// keepalived reports extra decimal places but keeps the rounded value.
    pub number_warning: Option<String>,
    /// The value was outside 0.2 s ..= 120 s and was clamped (keepalived
    /// only logs this).
    pub clamped: Option<String>,
}

impl RttValue {
    pub fn duration(&self, unit: u32) -> Duration {
        Duration::from_micros(u64::from(self.raw) * 1000 / u64::from(unit))
    }
}

const RTT_MIN_MS: u32 = 200;
const RTT_MAX_MS: u32 = 120_000;

/// keepalived's `get_time_rtt`: a number in kernel units, or a time with
/// `s`/`sec`/`secs` or `ms`/`msec`/`msecs`. `unit` is the number of
/// kernel units per millisecond.
pub fn time_rtt(text: &str, unit: u32) -> Result<RttValue, String> {
    let s = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (num, shift, raw) = match s.find(['s', 'S']) {
        Some(p) => {
            let suffix = s[p..].to_ascii_lowercase();
            if !matches!(suffix.as_str(), "s" | "sec" | "secs") {
                return Err(format!("unknown unit '{}'", &s[p..]));
            }
            let (p, shift) = if p > 0 && s.as_bytes()[p - 1].eq_ignore_ascii_case(&b'm') {
                (p - 1, 0)
            } else {
                (p, 3)
            };
            if p == 0 {
                return Err("no number before the unit".into());
            }
            (&s[..p], shift, false)
        }
        None => (s, 0, true),
    };
    if num.contains(['e', 'E']) {
        return Err("exponential notation is not supported".into());
    }
    let max = u64::from(RTT_MAX_MS * unit);
    let (v, number_warning) = match values::decimal(num, 0, max, shift) {
        Ok(v) => (v, None),
        Err(e) if e.accepted => {
            let v = e.value.unwrap_or(0);
            let unit_name = if raw {
                "kernel units"
            } else if shift == 0 {
                "ms"
            } else {
                "s"
            };
            let places = if shift == 0 {
                "a whole number".to_string()
            } else {
                format!("at most {shift} decimals")
            };
            (
                v,
                Some(format!(
                    "'{num}' {unit_name} must be {places}; it is rounded"
                )),
            )
        }
        Err(e) => return Err(e.message),
    };
    let mut v = if raw { v } else { v * u64::from(unit) };
    let mut clamped = None;
    if v > max {
        clamped = Some(format!("above the maximum of {} s", RTT_MAX_MS / 1000));
        v = max;
    } else if v < u64::from(RTT_MIN_MS * unit) {
        clamped = Some(format!("below the minimum of {RTT_MIN_MS} ms"));
        v = u64::from(RTT_MIN_MS * unit);
    }
    Ok(RttValue {
        raw: v as u32,
        number_warning,
        clamped,
    })
}

/// keepalived's `get_addr64`: an ILA locator, four 16-bit hex groups
/// separated by `:`.
pub fn addr64(text: &str) -> Option<u64> {
    let mut cp = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let mut v: u64 = 0;
    for i in 0..4 {
        if !cp.starts_with(|c: char| c.is_ascii_hexdigit()) {
            return None;
        }
        let (n, rest) = c_strtoul(cp, 16);
        if n > 0xffff {
            return None;
        }
        v = (v << 16) | n;
        if rest.is_empty() {
            if i != 3 {
                return None;
            }
            break;
        }
        if i == 3 || !rest.starts_with(':') {
            return None;
        }
        cp = &rest[1..];
    }
    Some(v)
}

/// Labels of an MPLS encapsulation (`parse_mpls_address`): up to 2 (2.2.7's
/// limit) 20-bit labels separated by `/`.
pub fn mpls_labels(text: &str) -> Option<Vec<u32>> {
    const MAX_LABELS: usize = 2;
    let mut s = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let mut out = Vec::new();
    for _ in 0..MAX_LABELS {
        if s.starts_with('-') || s.starts_with([' ', '\t', '\n', '\r', '\x0b', '\x0c']) {
            return None;
        }
        let (label, rest) = c_strtoul(s, 0);
        if rest.len() == s.len() || label > 0xfffff {
            return None;
        }
        out.push(label as u32);
        if rest.is_empty() {
            return Some(out);
        }
        s = rest.strip_prefix('/')?;
    }
    None
}

/// glibc `sscanf(text, "%u-%u")` (or `%hu-%hu` with `bits` 16): the number
/// of conversions and the values, truncated to `bits` like C.
pub fn scan_range(text: &str, bits: u32) -> (usize, u64, u64) {
    let mask = if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let first = scan_unsigned(text);
    let Some((a, rest)) = first else {
        return (0, 0, 0);
    };
    let Some(rest) = rest.strip_prefix('-') else {
        return (1, a & mask, 0);
    };
    match scan_unsigned(rest) {
        Some((b, _)) => (2, a & mask, b & mask),
        None => (1, a & mask, 0),
    }
}

/// One `%u` conversion: blanks, an optional sign, decimal digits.
fn scan_unsigned(text: &str) -> Option<(u64, &str)> {
    let t = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (v, rest) = c_strtoul(t, 10);
    Some((v, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtt_units() {
        // Raw numbers are kernel units: rtt counts 1/8 ms.
        assert_eq!(time_rtt("1600", 8).unwrap().raw, 1600);
        assert_eq!(time_rtt("1s", 8).unwrap().raw, 8000);
        assert_eq!(time_rtt("1.5secs", 8).unwrap().raw, 12000);
        assert_eq!(time_rtt("300ms", 8).unwrap().raw, 2400);
        assert_eq!(time_rtt("300MSEC", 4).unwrap().raw, 1200);
        let low = time_rtt("10ms", 1).unwrap();
        assert_eq!(low.raw, 200);
        assert!(low.clamped.is_some());
        let high = time_rtt("200s", 8).unwrap();
        assert_eq!(high.raw, 960_000);
        assert!(high.clamped.is_some());
        assert!(time_rtt("1000s", 8).is_err());
        assert!(time_rtt("1e3", 8).is_err());
        assert!(time_rtt("5m", 8).is_err());
        assert!(time_rtt("s", 8).is_err());
        assert!(time_rtt("ms", 8).is_err());
        assert!(time_rtt("5min", 8).is_err());
        let r = time_rtt("0.0005s", 1).unwrap();
        assert!(r.number_warning.is_some());
        assert_eq!(
            time_rtt("1s", 8).unwrap().duration(8),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn locators_and_labels() {
        assert_eq!(addr64("1:2:3:4"), Some(0x0001_0002_0003_0004));
        assert_eq!(addr64("ffff:0:0:1"), Some(0xffff_0000_0000_0001));
        assert_eq!(addr64("1:2:3"), None);
        assert_eq!(addr64("1:2:3:4:5"), None);
        assert_eq!(addr64("10000:2:3:4"), None);
        assert_eq!(addr64("g:2:3:4"), None);
        assert_eq!(mpls_labels("100"), Some(vec![100]));
        assert_eq!(mpls_labels("100/200"), Some(vec![100, 200]));
        assert_eq!(mpls_labels("100/200/300"), None);
        assert_eq!(mpls_labels("1048576"), None);
        assert_eq!(mpls_labels("100/"), None);
        assert_eq!(mpls_labels("-1"), None);
        assert_eq!(mpls_labels("x"), None);
    }

    #[test]
    fn ranges_like_sscanf() {
        assert_eq!(scan_range("5-6", 16), (2, 5, 6));
        assert_eq!(scan_range("7", 16), (1, 7, 0));
        assert_eq!(scan_range("7-", 16), (1, 7, 0));
        assert_eq!(scan_range("x", 16), (0, 0, 0));
        assert_eq!(scan_range("70000-1", 16), (2, 70000 & 0xffff, 1));
        assert_eq!(scan_range("1000-2000junk", 32), (2, 1000, 2000));
        assert_eq!(scan_range(" 1- 2", 32), (2, 1, 2));
    }
}
