//! track_file: the value read from a file, as keepalived 2.2.7 reads it.

/// How many bytes of the file keepalived reads.
pub const READ_MAX: usize = 127;

/// What the file's content says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// The value to use (0 for an empty or missing file, or text that is not
    /// a number).
    Number(i64),
    /// Out of range: keepalived logs "Invalid number N read from PATH -
    /// ignoring" with this N and keeps the previous value.
    Invalid(i64),
}

/// keepalived reads up to [`READ_MAX`] bytes and converts them like
/// `strtol(buf, NULL, 0)`: leading white space, an optional sign, then a
/// hexadecimal (`0x`), octal (leading `0`) or decimal number, stopping at
/// the first other character. Values outside `i32::MIN..=i32::MAX + 1`
/// (or outside `long`, reported as `long`'s limit) are invalid.
pub fn parse(content: &[u8]) -> Value {
    let buf = &content[..content.len().min(READ_MAX)];
    // strtol stops at a NUL byte.
    let buf = buf.split(|&b| b == 0).next().unwrap_or(&[]);
    let mut i = 0;
    while i < buf.len() && matches!(buf[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let mut negative = false;
    if i < buf.len() && (buf[i] == b'+' || buf[i] == b'-') {
        negative = buf[i] == b'-';
        i += 1;
    }
    let mut radix = 10;
    if buf.get(i) == Some(&b'0') {
        if matches!(buf.get(i + 1), Some(b'x' | b'X'))
            && buf.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit())
        {
            radix = 16;
            i += 2;
        } else {
            radix = 8;
        }
    }
    // Accumulate as a magnitude, saturating like strtol does at LONG_MAX.
    let mut mag: u128 = 0;
    let mut overflow = false;
    while let Some(d) = buf.get(i).and_then(|&c| (c as char).to_digit(radix)) {
        mag = mag * u128::from(radix) + u128::from(d);
        if mag > u128::from(u64::MAX) {
            overflow = true;
            mag = u128::from(u64::MAX);
        }
        i += 1;
    }
    let limit_pos = i64::MAX as u128;
    let limit_neg = limit_pos + 1;
    let v: i64 = if negative {
        if overflow || mag > limit_neg {
            return Value::Invalid(i64::MIN);
        }
        (mag as i128).wrapping_neg() as i64
    } else {
        if overflow || mag > limit_pos {
            return Value::Invalid(i64::MAX);
        }
        mag as i64
    };
    if v < i64::from(i32::MIN) || v > i64::from(i32::MAX) + 1 {
        return Value::Invalid(v);
    }
    Value::Number(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_strtol_base_0() {
        assert_eq!(parse(b"42\n"), Value::Number(42));
        assert_eq!(parse(b"  -7 apples"), Value::Number(-7));
        assert_eq!(parse(b"+3"), Value::Number(3));
        assert_eq!(parse(b"0x1f"), Value::Number(31));
        assert_eq!(parse(b"0X1F"), Value::Number(31));
        assert_eq!(parse(b"010"), Value::Number(8));
        assert_eq!(parse(b"09"), Value::Number(0));
        assert_eq!(parse(b"0x"), Value::Number(0));
        assert_eq!(parse(b""), Value::Number(0));
        assert_eq!(parse(b"abc"), Value::Number(0));
        assert_eq!(parse(b"12\x0034"), Value::Number(12));
    }

    #[test]
    fn out_of_range_values_are_reported() {
        assert_eq!(parse(b"2147483648"), Value::Number(2147483648));
        assert_eq!(parse(b"2147483649"), Value::Invalid(2147483649));
        assert_eq!(parse(b"-2147483648"), Value::Number(-2147483648));
        assert_eq!(parse(b"-2147483649"), Value::Invalid(-2147483649));
        assert_eq!(parse(b"99999999999999999999999"), Value::Invalid(i64::MAX));
        assert_eq!(parse(b"-99999999999999999999999"), Value::Invalid(i64::MIN));
    }

    #[test]
    fn only_the_first_127_bytes_count() {
        let mut long = vec![b' '; 126];
        long.extend_from_slice(b"55");
        assert_eq!(parse(&long), Value::Number(5));
    }
}
