//! Text helpers that reproduce C's formatting: `%g`, ctime(3), and the
//! address and command strings keepalived builds.

use super::Clock;
use crate::config::script::Script;
use crate::config::vrrp::ipaddr::{IpAddress, Lifetime};
use std::fmt::Write;
use std::net::IpAddr;

/// The text being written, one `conf_write` per line.
pub struct Out {
    pub s: String,
    /// keepalived formats socket addresses into one static buffer and, for
    /// an address of no family (a master not yet heard from), prints
    /// whatever that buffer last held; this keeps the last one.
    last_sockaddr: String,
}

impl Out {
    pub fn new() -> Out {
        Out {
            s: String::new(),
            last_sockaddr: String::new(),
        }
    }

    pub fn line(&mut self, args: std::fmt::Arguments) {
        let _ = self.s.write_fmt(args);
        self.s.push('\n');
    }

    /// keepalived's `inet_sockaddrtos`.
    pub fn sockaddr(&mut self, a: Option<IpAddr>) -> String {
        if let Some(a) = a {
            self.last_sockaddr = a.to_string();
        }
        self.last_sockaddr.clone()
    }
}

/// `conf_write`: one formatted line.
macro_rules! w {
    ($o:expr, $($arg:tt)*) => { $o.line(format_args!($($arg)*)) };
}
pub(crate) use w;

pub fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

pub fn true_false(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

pub fn enabled(b: bool) -> &'static str {
    if b {
        "enabled"
    } else {
        "disabled"
    }
}

/// C's `%g`: 6 significant digits, trailing zeros dropped, exponent form
/// outside 1e-4..1e6.
pub fn fmt_g(v: f64) -> String {
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.into();
    }
    if !v.is_finite() {
        return if v.is_nan() {
            "nan".into()
        } else if v > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    // The exponent after rounding to 6 significant digits.
    let e: i32 = format!("{v:.5e}")
        .rsplit_once('e')
        .and_then(|(_, x)| x.parse().ok())
        .unwrap_or(0);
    if (-4..6).contains(&e) {
        let decimals = (5 - e).max(0) as usize;
        let s = format!("{v:.decimals$}");
        trim_zeros(&s).to_string()
    } else {
        let s = format!("{v:.5e}");
        let (m, x) = s.split_once('e').unwrap_or((&s, "0"));
        let x: i32 = x.parse().unwrap_or(0);
        let sign = if x < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim_zeros(m), x.abs())
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Broken-down local time.
struct Tm {
    year: i64,
    mon: usize,
    mday: i64,
    wday: usize,
    hour: i64,
    min: i64,
    sec: i64,
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn tm(clock: &Clock, secs: i64) -> Tm {
    let t = secs + clock.utc_offset;
    let days = t.div_euclid(86_400);
    let rem = t.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let mday = doy - (153 * mp + 2) / 5 + 1;
    let mon = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(mon <= 2);
    Tm {
        year,
        mon: (mon - 1) as usize,
        mday,
        wday: (days + 4).rem_euclid(7) as usize,
        hour: rem / 3600,
        min: rem % 3600 / 60,
        sec: rem % 60,
    }
}

fn split_us(us: i64) -> (i64, i64) {
    (us.div_euclid(1_000_000), us.rem_euclid(1_000_000))
}

/// `SECS.USECS`, as keepalived prints a timeval.
pub fn timeval(us: i64) -> String {
    let (s, u) = split_us(us);
    format!("{s}.{u:06}")
}

/// keepalived's `ctime_us_r`: "Mon Nov 23 12:35:43.644560 2026".
pub fn ctime_us(clock: &Clock, us: i64) -> String {
    let (s, u) = split_us(us);
    let t = tm(clock, s);
    format!(
        "{} {} {:2} {:02}:{:02}:{:02}.{u:06} {}",
        DAYS[t.wday], MONTHS[t.mon], t.mday, t.hour, t.min, t.sec, t.year
    )
}

/// ctime(3) without its newline, then `.USECS` ("%.24s.%6.6ld").
pub fn ctime_then_us(clock: &Clock, us: i64) -> String {
    let (s, u) = split_us(us);
    let t = tm(clock, s);
    format!(
        "{} {} {:2} {:02}:{:02}:{:02} {}.{u:06}",
        DAYS[t.wday], MONTHS[t.mon], t.mday, t.hour, t.min, t.sec, t.year
    )
}

/// The first 19 characters of ctime(3), then `.USECS` ("%.19s.%6.6ld").
pub fn ctime19_us(clock: &Clock, us: i64) -> String {
    let (s, u) = split_us(us);
    let t = tm(clock, s);
    format!(
        "{} {} {:2} {:02}:{:02}:{:02}.{u:06}",
        DAYS[t.wday], MONTHS[t.mon], t.mday, t.hour, t.min, t.sec
    )
}

/// keepalived's `cmd_str`: each word quoted, except a leading `<`/`>`
/// redirection.
pub fn cmd_str(script: &Script) -> String {
    let mut out = String::new();
    for (i, a) in script.args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let quote = i > 0 || !(a.starts_with('<') || a.starts_with('>'));
        if quote {
            out.push('\'');
        }
        out.push_str(a);
        if quote {
            out.push('\'');
        }
    }
    out
}

/// keepalived's `ipaddresstos`: the address, with `/LEN` unless a host
/// prefix.
pub fn ipaddresstos(addr: IpAddr, prefix_len: u8) -> String {
    let full = if addr.is_ipv6() { 128 } else { 32 };
    if prefix_len == full {
        addr.to_string()
    } else {
        format!("{addr}/{prefix_len}")
    }
}

/// The scope names of /etc/iproute2/rt_scopes keepalived knows.
pub fn scope_name(scope: u8) -> String {
    match scope {
        0 => "global".into(),
        200 => "site".into(),
        253 => "link".into(),
        254 => "host".into(),
        255 => "nowhere".into(),
        n => n.to_string(),
    }
}

/// keepalived's `format_ipaddress` for a virtual or static address on
/// interface `dev`; `set` says whether it is installed.
pub fn format_ipaddress(a: &IpAddress, dev: &str, set: bool) -> String {
    let mut o = ipaddresstos(a.addr, a.prefix_len);
    if let Some(b) = a.broadcast {
        if !b.is_unspecified() {
            let _ = write!(o, " brd {b}");
        }
    }
    let _ = write!(o, " dev {dev}");
    if a.use_vmac {
        o.push_str(" use_vmac");
    }
    let _ = write!(o, " scope {}", scope_name(a.scope));
    if let Some(l) = &a.label {
        let _ = write!(o, " label {l}");
    }
    if let Some(p) = a.peer {
        let _ = write!(o, " peer {p}/{}", a.prefix_len);
    }
    if a.flags.home {
        o.push_str(" home");
    }
    if a.flags.nodad {
        o.push_str(" -nodad");
    }
    if a.flags.mngtmpaddr {
        o.push_str(" mngtmpaddr");
    }
    if a.flags.noprefixroute {
        o.push_str(" noprefixroute");
    }
    if a.flags.autojoin {
        o.push_str(" autojoin");
    }
    if a.no_track {
        o.push_str(" no_track");
    }
    if let Some(g) = &a.track_group {
        let _ = write!(o, " track_group {g}");
    }
    if a.addr.is_ipv6() {
        // Unset: 0 for a /128, forever otherwise.
        let lft = a.preferred_lft.unwrap_or(if a.prefix_len == 128 {
            Lifetime::Finite(std::time::Duration::ZERO)
        } else {
            Lifetime::Forever
        });
        match lft {
            Lifetime::Forever => o.push_str(" preferred_lft forever"),
            Lifetime::Finite(d) if d.is_zero() => o.push_str(" deprecated"),
            Lifetime::Finite(d) => {
                let _ = write!(o, " preferred_lft {}", d.as_secs());
            }
        }
    }
    if set {
        o.push_str(" set");
    }
    o
}

/// Six hex bytes joined by ':' (keepalived's `format_mac_buf`).
pub fn mac(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}
