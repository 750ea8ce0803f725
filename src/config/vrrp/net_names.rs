//! Names of routing tables, protocols, scopes, realms, DS fields and
//! interface groups, as keepalived's lib/rttables.c reads them: a number
//! (C `strtoul` with base 0), or a name from /etc/iproute2 plus the few
//! names keepalived knows without the files. Also route types and IP
//! protocol names (/etc/protocols).

use crate::config::parser::Ctx;
use std::path::Path;

const RT_TABLES: &str = "/etc/iproute2/rt_tables";
const RT_DSFIELD: &str = "/etc/iproute2/rt_dsfield";
const RT_REALMS: &str = "/etc/iproute2/rt_realms";
const RT_PROTOS: &str = "/etc/iproute2/rt_protos";
const RT_GROUPS: &str = "/etc/iproute2/group";
const RT_SCOPES: &str = "/etc/iproute2/rt_scopes";

/// Route types (`RTN_*`).
pub mod rtn {
    pub const UNSPEC: u8 = 0;
    pub const UNICAST: u8 = 1;
    pub const LOCAL: u8 = 2;
    pub const BROADCAST: u8 = 3;
    pub const ANYCAST: u8 = 4;
    pub const MULTICAST: u8 = 5;
    pub const BLACKHOLE: u8 = 6;
    pub const UNREACHABLE: u8 = 7;
    pub const PROHIBIT: u8 = 8;
    pub const THROW: u8 = 9;
    pub const NAT: u8 = 10;
    pub const XRESOLVE: u8 = 11;
}

/// The routing protocol keepalived marks the routes and rules it tracks
/// with (`RTPROT_KEEPALIVED`).
pub const RTPROT_KEEPALIVED: u8 = 18;
/// `RT_TABLE_MAIN`.
pub const RT_TABLE_MAIN: u32 = 254;

const RTN_NAMES: &[(u8, &str)] = &[
    (rtn::LOCAL, "local"),
    (rtn::NAT, "nat"),
    (rtn::BROADCAST, "broadcast"),
    (rtn::BROADCAST, "brd"),
    (rtn::ANYCAST, "anycast"),
    (rtn::MULTICAST, "multicast"),
    (rtn::PROHIBIT, "prohibit"),
    (rtn::UNREACHABLE, "unreachable"),
    (rtn::BLACKHOLE, "blackhole"),
    (rtn::XRESOLVE, "xresolve"),
    (rtn::UNICAST, "unicast"),
    (rtn::THROW, "throw"),
];

const PROTO_DEFAULTS: &[(u32, &str)] = &[
    (0, "none"),
    (1, "redirect"),
    (2, "kernel"),
    (3, "boot"),
    (4, "static"),
    (8, "gated"),
    (9, "ra"),
    (10, "mrt"),
    (11, "zebra"),
    (12, "bird"),
    (42, "babel"),
    (13, "dnrouted"),
    (14, "xorp"),
    (15, "ntk"),
    (16, "dhcp"),
];

const TABLE_DEFAULTS: &[(u32, &str)] = &[(253, "default"), (254, "main"), (255, "local")];

const SCOPE_DEFAULTS: &[(u32, &str)] = &[
    (0, "global"),
    (255, "nowhere"),
    (254, "host"),
    (253, "link"),
    (200, "site"),
];

/// C's `strtoul(s, &end, base)` on a 64-bit machine: leading blanks, an
/// optional sign (a `-` negates modulo 2^64), base 0 prefixes, saturation
/// on overflow. Returns the value and the unparsed rest; with no digits the
/// rest is the whole of `s`.
pub fn c_strtoul(s: &str, base: u32) -> (u64, &str) {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let hex_prefix = (t.starts_with("0x") || t.starts_with("0X"))
        && t[2..].starts_with(|c: char| c.is_ascii_hexdigit());
    let (radix, digits) = match base {
        0 if hex_prefix => (16, &t[2..]),
        0 if t.starts_with('0') => (8, t),
        0 => (10, t),
        16 if hex_prefix => (16, &t[2..]),
        r => (r, t),
    };
    let n = digits
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(digits.len());
    if n == 0 {
        return (0, s);
    }
    let v = u64::from_str_radix(&digits[..n], radix).unwrap_or(u64::MAX);
    let v = if neg && v != u64::MAX {
        v.wrapping_neg()
    } else {
        v
    };
    (v, &digits[n..])
}

/// One name file, parsed like keepalived's `read_file`: lines of at most
/// 127 bytes, exactly two words, a number (base 0, not negative, at most
/// `max`) and a name.
fn read_names(ctx: &Ctx, file: &str, max: u64) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let Some(text) = ctx.host.read_to_string(Path::new(file)) else {
        return out;
    };
    for line in text.split_inclusive('\n') {
        // fgets with a 128-byte buffer: longer lines arrive in pieces.
        let bytes = line.as_bytes();
        for chunk in bytes.chunks(127) {
            let chunk = String::from_utf8_lossy(chunk);
            let words = name_file_words(&chunk);
            if words.len() != 2 {
                continue;
            }
            let number = words[0].trim_start_matches([' ', '\t']);
            let (v, rest) = c_strtoul(number, 0);
            if number.starts_with('-') || rest.len() == number.len() || !rest.is_empty() || v > max
            {
                continue;
            }
            out.push((v as u32, words[1].clone()));
        }
    }
    out
}

/// keepalived's `alloc_strvec` on a line of a name file: blank-separated
/// words, `"..."` quoting. (An unmatched quote ends the line.)
fn name_file_words(line: &str) -> Vec<String> {
    let is_blank = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c');
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start_matches(is_blank);
        if rest.is_empty() {
            break;
        }
        if let Some(q) = rest.strip_prefix('"') {
            match q.find('"') {
                Some(end) => {
                    out.push(q[..end].to_string());
                    rest = &q[end + 1..];
                }
                None => break,
            }
        } else {
            let end = rest
                .find(|c: char| is_blank(c) || c == '"')
                .unwrap_or(rest.len());
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    out
}

/// keepalived's `find_entry`: a number (any base, at most `max` after
/// truncation to 32 bits) or a name from `file`, then from `defaults`
/// (for ids the file does not name).
fn find_entry(
    ctx: &Ctx,
    name: &str,
    file: &str,
    defaults: &[(u32, &str)],
    max: u32,
) -> Option<u32> {
    let (v, rest) = c_strtoul(name, 0);
    if rest.len() != name.len() && rest.is_empty() {
        let id = v as u32;
        return (id <= max).then_some(id);
    }
    let mut list = read_names(ctx, file, u64::from(max));
    for (id, n) in defaults {
        if !list.iter().any(|(i, _)| i == id) {
            list.push((*id, n.to_string()));
        }
    }
    list.into_iter().find(|(_, n)| n == name).map(|(id, _)| id)
}

/// A routing table: number or name (`main`, `local`, `default`, rt_tables).
pub fn table(ctx: &Ctx, name: &str) -> Option<u32> {
    find_entry(ctx, name, RT_TABLES, TABLE_DEFAULTS, u32::MAX)
}

/// A DS field (TOS) value: number or rt_dsfield name.
pub fn dsfield(ctx: &Ctx, name: &str) -> Option<u8> {
    find_entry(ctx, name, RT_DSFIELD, &[], 255).map(|v| v as u8)
}

/// An interface group: number or name from /etc/iproute2/group.
pub fn group(ctx: &Ctx, name: &str) -> Option<u32> {
    find_entry(ctx, name, RT_GROUPS, &[], i32::MAX as u32)
}

/// A realm: number or rt_realms name.
pub fn realm(ctx: &Ctx, name: &str) -> Option<u32> {
    find_entry(ctx, name, RT_REALMS, &[], 255)
}

/// A routing protocol: number or name (rt_protos, and keepalived's list).
pub fn proto(ctx: &Ctx, name: &str) -> Option<u8> {
    find_entry(ctx, name, RT_PROTOS, PROTO_DEFAULTS, 255).map(|v| v as u8)
}

/// A scope: number or name (`global`, `site`, `link`, `host`, `nowhere`,
/// rt_scopes).
pub fn scope(ctx: &Ctx, name: &str) -> Option<u8> {
    find_entry(ctx, name, RT_SCOPES, SCOPE_DEFAULTS, 255).map(|v| v as u8)
}

/// keepalived's `get_realms`: `[FROM/]TO`, each a realm; FROM goes in the
/// upper 16 bits.
pub fn realms(ctx: &Ctx, text: &str) -> Option<u32> {
    match text.split_once('/') {
        Some((from, to)) => {
            let f = realm(ctx, from)?;
            let t = realm(ctx, to)?;
            Some((f << 16) | t)
        }
        None => realm(ctx, text),
    }
}

/// keepalived's `find_rttables_rtntype`: a route type name or a number up to
/// 255.
pub fn rtntype(text: &str) -> Option<u8> {
    if let Some((id, _)) = RTN_NAMES.iter().find(|(_, n)| *n == text) {
        return Some(*id);
    }
    let (v, rest) = c_strtoul(text, 0);
    if !rest.is_empty() || v > 255 || text.starts_with('-') {
        return None;
    }
    Some(v as u8)
}

/// The name of a route type, for messages.
pub fn rtntype_name(id: u8) -> String {
    RTN_NAMES
        .iter()
        .find(|(i, _)| *i == id)
        .map_or_else(|| id.to_string(), |(_, n)| n.to_string())
}

/// keepalived's `inet_proto_a2n`: an IP protocol number (0..127 written as
/// a number) or a name from /etc/protocols. `None` when invalid.
pub fn ip_proto(ctx: &Ctx, text: &str) -> Option<u8> {
    let t = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    let (v, rest) = c_strtoul(t, 10);
    if v > 127 {
        return None;
    }
    if rest.is_empty() {
        return Some(v as u8);
    }
    let db = ctx.host.read_to_string(Path::new("/etc/protocols"))?;
    for line in db.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut f = line.split_whitespace();
        let (Some(name), Some(num)) = (f.next(), f.next()) else {
            continue;
        };
        if name == t || f.any(|alias| alias == t) {
            // getprotobyname gives an int; keepalived rejects values above
            // 255.
            return num.parse::<u32>().ok().and_then(|n| u8::try_from(n).ok());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtoul_like_c() {
        assert_eq!(c_strtoul("12", 0), (12, ""));
        assert_eq!(c_strtoul("0x10", 0), (16, ""));
        assert_eq!(c_strtoul("010", 0), (8, ""));
        assert_eq!(c_strtoul("08", 0), (0, "8"));
        assert_eq!(c_strtoul("-1", 0), (u64::MAX, ""));
        assert_eq!(c_strtoul("abc", 0), (0, "abc"));
        assert_eq!(c_strtoul("", 0), (0, ""));
        assert_eq!(c_strtoul("5/6", 0), (5, "/6"));
        assert_eq!(c_strtoul("99999999999999999999999", 10).0, u64::MAX);
    }

    #[test]
    fn name_file_lines() {
        assert_eq!(name_file_words("255\tlocal\n"), vec!["255", "local"]);
        assert_eq!(
            name_file_words("# reserved values"),
            vec!["#", "reserved", "values"]
        );
        assert_eq!(name_file_words("1 \"a b\""), vec!["1", "a b"]);
        assert_eq!(name_file_words("   "), Vec::<String>::new());
    }

    #[test]
    fn route_types() {
        assert_eq!(rtntype("blackhole"), Some(rtn::BLACKHOLE));
        assert_eq!(rtntype("brd"), Some(rtn::BROADCAST));
        assert_eq!(rtntype("10"), Some(10));
        assert_eq!(rtntype("256"), None);
        assert_eq!(rtntype("-1"), None);
        assert_eq!(rtntype("1.2.3.0/24"), None);
        assert_eq!(rtntype_name(rtn::THROW), "throw");
    }
}
