//! Reading values the way keepalived reads them: C's strtoul/strtol number
//! rules, fixed-point decimals, timers, booleans and hex strings. Each reader
//! returns the value or the reason it is not acceptable.

use super::preproc::strtol;

/// Why a number was not accepted. `value` is what C would have stored anyway:
/// keepalived outside `-t` still uses an in-range value from an invalid
/// number when the keyword tolerates errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumError {
    pub message: String,
    pub value: Option<u64>,
    /// keepalived reports the problem but uses `value` even under `-t`.
    pub accepted: bool,
}

fn err(message: String, value: Option<u64>) -> NumError {
    NumError {
        message,
        value,
        accepted: false,
    }
}

/// C's `strtoul`/`strtoull`: returns (value, rest, overflowed). No digits
/// gives 0 with the whole string as the rest; a `-` sign negates the value
/// modulo 2^64, like C.
pub fn strtoul(s: &str, radix: u32) -> (u64, &str, bool) {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (negative, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, digits) = match radix {
        0 if (t.starts_with("0x") || t.starts_with("0X"))
            && t[2..].starts_with(|c: char| c.is_ascii_hexdigit()) =>
        {
            (16, &t[2..])
        }
        0 if t.starts_with('0') => (8, t),
        0 => (10, t),
        16 if (t.starts_with("0x") || t.starts_with("0X"))
            && t[2..].starts_with(|c: char| c.is_ascii_hexdigit()) =>
        {
            (16, &t[2..])
        }
        r => (r, t),
    };
    let n = digits
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(digits.len());
    if n == 0 {
        return (0, s, false);
    }
    match u64::from_str_radix(&digits[..n], radix) {
        Ok(v) if negative => (v.wrapping_neg(), &digits[n..], false),
        Ok(v) => (v, &digits[n..], false),
        Err(_) => (u64::MAX, &digits[n..], true),
    }
}

/// keepalived's `read_unsigned` (any base: 10, or 0 for C prefixes).
pub fn unsigned(text: &str, radix: u32, min: u32, max: u32) -> Result<u32, NumError> {
    let trimmed = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (v, rest, overflow) = strtoul(trimmed, radix);
    let in_range = (min as u64..=max as u64).contains(&v);
    let keep = in_range.then_some(v);
    if trimmed.starts_with('-') {
        // strtoul reads "-x" and "-0" as 0, which keepalived outside -t keeps.
        Err(err(format!("'{text}' is negative"), keep))
    } else if !rest.is_empty() {
        Err(err(format!("'{text}' is not a number"), keep))
    } else if overflow || v > u32::MAX as u64 {
        Err(err(format!("'{text}' is too large"), None))
    } else if !in_range {
        Err(err(
            format!("'{text}' is outside the range {min}..{max}"),
            None,
        ))
    } else {
        Ok(v as u32)
    }
}

/// keepalived's `read_unsigned64`.
pub fn unsigned64(text: &str, min: u64, max: u64) -> Result<u64, NumError> {
    let trimmed = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (v, rest, overflow) = strtoul(trimmed, 10);
    let in_range = (min..=max).contains(&v);
    if trimmed.starts_with('-') {
        Err(err(format!("'{text}' is negative"), in_range.then_some(v)))
    } else if !rest.is_empty() {
        Err(err(
            format!("'{text}' is not a number"),
            in_range.then_some(v),
        ))
    } else if overflow {
        Err(err(format!("'{text}' is too large"), None))
    } else if !in_range {
        Err(err(
            format!("'{text}' is outside the range {min}..{max}"),
            None,
        ))
    } else {
        Ok(v)
    }
}

/// keepalived's `read_int`.
pub fn int(text: &str, min: i32, max: i32) -> Result<i32, NumError> {
    let (v, rest) = strtol_base10(text);
    let in_range = (min as i64..=max as i64).contains(&v);
    let keep = in_range.then_some(v as u64);
    if !rest.is_empty() {
        Err(err(format!("'{text}' is not a number"), keep))
    } else if v < i32::MIN as i64 || v > i32::MAX as i64 {
        Err(err(format!("'{text}' is too large"), None))
    } else if !in_range {
        Err(err(
            format!("'{text}' is outside the range {min}..{max}"),
            None,
        ))
    } else {
        Ok(v as i32)
    }
}

/// `strtol(s, &end, 10)`.
pub fn strtol_base10(s: &str) -> (i64, &str) {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let n = body
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(body.len());
    if n == 0 {
        return (0, s);
    }
    let v = body[..n].parse::<i64>().unwrap_or(i64::MAX);
    (if neg { -v } else { v }, &body[n..])
}

/// A base-0 signed integer (`strtol(s, &end, 0)`).
pub fn int_base0(text: &str) -> (i64, &str) {
    strtol(text)
}

/// keepalived's `read_decimal_unsigned`: a fixed-point number with up to
/// `places` decimals, returned scaled by 10^places. Extra decimals are an
/// error but are rounded, like keepalived.
pub fn decimal(text: &str, min: u64, max: u64, places: u32) -> Result<u64, NumError> {
    if text.starts_with('-') {
        return Err(err(format!("'{text}' is negative"), None));
    }
    let (int_part, frac) = match text.find('.') {
        Some(dp) => (&text[..dp], &text[dp + 1..]),
        None => (text, ""),
    };
    let mut round_up = false;
    let mut too_many = None;
    let mut frac = frac.to_string();
    if frac.len() > places as usize {
        round_up = frac.as_bytes()[places as usize] >= b'5';
        too_many = Some(format!("'{text}' has more than {places} decimal places"));
        frac.truncate(places as usize);
    }
    while frac.len() < places as usize {
        frac.push('0');
    }
    let joined = format!("{int_part}{frac}");
    let (mut v, rest, overflow) = strtoul(&joined, 10);
    if round_up {
        v = v.saturating_add(1);
    }
    let in_range = (min..=max).contains(&v);
    let scale = 10u64.pow(places);
    let show = |x: u64| {
        if places == 0 {
            x.to_string()
        } else {
            format!(
                "{}.{:0width$}",
                x / scale,
                x % scale,
                width = places as usize
            )
        }
    };
    if !rest.is_empty() {
        Err(err(
            format!("'{text}' is not a number"),
            in_range.then_some(v),
        ))
    } else if overflow {
        Err(err(format!("'{text}' is too large"), None))
    } else if !in_range {
        Err(err(
            format!("'{text}' is outside the range {}..{}", show(min), show(max)),
            None,
        ))
    } else if let Some(m) = too_many {
        Err(NumError {
            message: m,
            value: Some(v),
            accepted: true,
        })
    } else {
        Ok(v)
    }
}

/// Microseconds per second: keepalived's timers have 6 decimals.
pub const TIMER_HZ: u64 = 1_000_000;

/// keepalived's `read_timer`: decimal seconds to microseconds.
pub fn timer(text: &str, min_us: u64, max_us: u64) -> Result<u64, NumError> {
    let max = if max_us == 0 { u64::MAX - 1 } else { max_us };
    decimal(text, min_us, max, 6)
}

/// `true|on|yes` or `false|off|no`, case-sensitive.
pub fn boolean(text: &str) -> Option<bool> {
    match text {
        "true" | "on" | "yes" => Some(true),
        "false" | "off" | "no" => Some(false),
        _ => None,
    }
}

/// keepalived's `read_hex_str`: hex digits in pairs, blanks allowed between
/// bytes; with `wildcards`, `x`/`X` nibbles match anything. Returns the
/// bytes and the mask of wildcard nibbles.
pub fn hex_string(text: &str, wildcards: bool) -> Option<(Vec<u8>, Vec<u8>)> {
    let nibble = |c: u8| -> Option<(u8, u8)> {
        match c {
            b'0'..=b'9' => Some((c - b'0', 0)),
            b'a'..=b'f' => Some((c - b'a' + 10, 0)),
            b'A'..=b'F' => Some((c - b'A' + 10, 0)),
            b'x' | b'X' if wildcards => Some((0, 0x0f)),
            _ => None,
        }
    };
    let b = text.as_bytes();
    let (mut data, mut mask) = (Vec::new(), Vec::new());
    let mut i = 0;
    loop {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let (mut v, mut m) = nibble(b[i])?;
        i += 1;
        if i < b.len() && b[i] != b' ' {
            let (v2, m2) = nibble(b[i])?;
            i += 1;
            v = (v << 4) | v2;
            m = (m << 4) | m2;
        }
        data.push(v);
        mask.push(m);
    }
    if data.is_empty() {
        None
    } else {
        Some((data, mask))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_follows_strtoul() {
        assert_eq!(unsigned("51", 10, 1, 255), Ok(51));
        assert_eq!(unsigned(" 7", 10, 0, 10), Ok(7));
        assert_eq!(unsigned("+7", 10, 0, 10), Ok(7));
        assert_eq!(unsigned("", 10, 0, 10), Ok(0));
        assert_eq!(unsigned("0x10", 0, 0, 100), Ok(16));
        assert_eq!(unsigned("010", 0, 0, 100), Ok(8));
        let e = unsigned("100abc", 10, 1, 255).unwrap_err();
        assert_eq!(e.value, Some(100));
        assert!(unsigned("-1", 10, 0, 10).is_err());
        assert_eq!(unsigned("-1", 10, 0, u32::MAX).unwrap_err().value, None);
        // strtoul reads these as 0: an error, but 0 is what C stored.
        for t in ["-x", "-0", " -"] {
            let e = unsigned(t, 10, 0, 10).unwrap_err();
            assert_eq!(e.value, Some(0), "{t}");
        }
        assert_eq!(unsigned("-x", 10, 1, 10).unwrap_err().value, None);
        assert_eq!(strtoul("-1", 10), (u64::MAX, "", false));
        assert_eq!(strtoul("-x", 10), (0, "-x", false));
        assert!(unsigned("256", 10, 1, 255).is_err());
        assert!(unsigned("99999999999", 10, 0, u32::MAX).is_err());
    }

    #[test]
    fn int_follows_strtol() {
        assert_eq!(int("-30", -253, 253), Ok(-30));
        assert_eq!(int(" -3", -5, 5), Ok(-3));
        assert!(int("300", -253, 253).is_err());
        assert!(int("1x", -253, 253).is_err());
    }

    #[test]
    fn decimals_are_fixed_point_and_round_extra_places() {
        assert_eq!(decimal("1.5", 0, 10_000_000, 6), Ok(1_500_000));
        assert_eq!(decimal("2", 0, 10_000_000, 6), Ok(2_000_000));
        assert_eq!(decimal(".25", 0, 100, 2), Ok(25));
        let e = decimal("0.1234567", 0, 10_000_000, 6).unwrap_err();
        assert_eq!(e.value, Some(123_457));
        assert!(decimal("-1", 0, 10, 0).is_err());
        assert!(decimal("1.2.3", 0, u64::MAX, 6).is_err());
        assert!(timer("0", 1, 0).is_err());
        assert_eq!(timer("0.001", 1, 0), Ok(1000));
    }

    #[test]
    fn booleans_and_hex() {
        assert_eq!(boolean("on"), Some(true));
        assert_eq!(boolean("No"), None);
        assert_eq!(
            hex_string("0a 1 ff", false).unwrap().0,
            vec![0x0a, 0x01, 0xff]
        );
        let (d, m) = hex_string("4x", true).unwrap();
        assert_eq!((d, m), (vec![0x40], vec![0x0f]));
        assert_eq!(hex_string("zz", false), None);
    }
}
