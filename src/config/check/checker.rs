//! The checkers of a real server: TCP_CHECK, HTTP_GET, SSL_GET, SMTP_CHECK,
//! MISC_CHECK, DNS_CHECK, UDP_CHECK, PING_CHECK, FILE_CHECK, BFD_CHECK, and
//! the keywords they share (check_api.c).

use super::addr;
use super::model::*;
use super::server::{opt_bool, rs, timer, vs, MAX_CONNECT_TIMEOUT_US};
use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx, Res};
use crate::config::script;
use crate::config::values;
use std::net::IpAddr;
use std::time::Duration;

fn checker<'a>(ctx: &'a mut Ctx<'_>) -> Option<&'a mut Checker> {
    if ctx.cfg.check.state.checker_dropped {
        return None;
    }
    rs(ctx)?.checkers.last_mut()
}

/// Start a new checker of the current real server.
fn start(ctx: &mut Ctx, a: &Args, kind: CheckerKind, with_conn: bool) {
    let st = &mut ctx.cfg.check.state;
    st.checker_dropped = false;
    st.misc_user_set = false;
    st.smtp_host = None;
    st.smtp_hosts.clear();
    st.url_path_set = false;
    st.dns_name_set = false;
    let c = Checker::new(a.pos(0), kind, with_conn.then(ConnOpts::default));
    if let Some(r) = rs(ctx) {
        r.checkers.push(c);
    }
}

/// Drop the checker being configured (keepalived's dequeue_new_checker).
fn drop_current(ctx: &mut Ctx) -> Option<Checker> {
    let c = rs(ctx).and_then(|r| r.checkers.pop());
    ctx.cfg.check.state.checker_dropped = true;
    c
}

// ---- connection options ----------------------------------------------------

/// The connection options the keyword applies to (an SMTP `host` block's,
/// or the checker's), and the address family of the destination as
/// keepalived has it at this point.
fn conn_target<'a>(ctx: &'a mut Ctx<'_>) -> Option<(&'a mut ConnOpts, Option<Family>)> {
    let rs_family = rs(ctx).map(|r| Family::of(&r.ip));
    let check = &mut ctx.cfg.check;
    if let Some(h) = check.state.smtp_host.as_mut() {
        let fam = dst_family(h, rs_family);
        return Some((h, fam));
    }
    if check.state.checker_dropped {
        return None;
    }
    let c = check
        .virtual_servers
        .last_mut()?
        .real_servers
        .last_mut()?
        .checkers
        .last_mut()?;
    // An SMTP checker starts without a destination (so that it can tell
    // whether any connection option was given).
    let base = if matches!(c.kind, CheckerKind::Smtp(_)) {
        None
    } else {
        rs_family
    };
    let co = c.conn.as_mut()?;
    let fam = dst_family(co, base);
    Some((co, fam))
}

fn dst_family(co: &ConnOpts, base: Option<Family>) -> Option<Family> {
    if co.connect_ip_rejected {
        None
    } else {
        co.connect_ip.as_ref().map(Family::of).or(base)
    }
}

pub(super) fn connect_ip(ctx: &mut Ctx, a: &Args) -> Res {
    let text = a.req(1)?.to_string();
    let ip = addr::pton(addr::strip_range(&text));
    let Some((co, _)) = conn_target(ctx) else {
        return Ok(());
    };
    let bind_family = co.bindto.as_ref().map(Family::of);
    co.connect_ip = None;
    co.connect_ip_rejected = true;
    match ip {
        None => {
            ctx.error(
                Class::General,
                a,
                1,
                format!("connect_ip '{text}' is not a valid address - the checker is left without a destination address"),
            );
        }
        Some(ip) if bind_family.is_some_and(|f| f != Family::of(&ip)) => {
            ctx.error(
                Class::General,
                a,
                1,
                format!("connect_ip {ip} is not of the address family of bindto - the checker is left without a destination address"),
            );
        }
        Some(ip) => {
            if let Some((co, _)) = conn_target(ctx) {
                co.connect_ip = Some(ip);
                co.connect_ip_rejected = false;
            }
        }
    }
    Ok(())
}

/// A port keyword (1..65535); `None` after reporting when invalid.
fn port(ctx: &mut Ctx, a: &Args) -> Result<Option<u16>, crate::config::parser::Missing> {
    let p = ctx.unsigned(a, 1, 1, 65535, true)?;
    if p.is_none() {
        let kw = a.keyword().to_string();
        let text = a.get(1).unwrap_or("").to_string();
        ctx.error(
            Class::General,
            a,
            1,
            format!("{kw} '{text}' is not a port 1..65535 - ignored"),
        );
    }
    Ok(p.map(|p| p as u16))
}

pub(super) fn connect_port(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(p) = port(ctx, a)? {
        if let Some((co, _)) = conn_target(ctx) {
            co.connect_port = Some(p);
        }
    }
    Ok(())
}

pub(super) fn bindto(ctx: &mut Ctx, a: &Args) -> Res {
    let text = a.req(1)?.to_string();
    let ip = addr::pton(addr::strip_range(&text));
    let Some((co, dst)) = conn_target(ctx) else {
        return Ok(());
    };
    co.bindto = None;
    match ip {
        None => {
            ctx.error(
                Class::General,
                a,
                1,
                format!("bindto '{text}' is not a valid address - ignored"),
            );
        }
        Some(ip) if dst.is_some_and(|f| f != Family::of(&ip)) => {
            ctx.error(
                Class::General,
                a,
                1,
                format!(
                    "bindto {ip} is not of the address family of the checked address - ignored"
                ),
            );
        }
        Some(ip) => {
            if let Some((co, _)) = conn_target(ctx) {
                co.bindto = Some(ip);
            }
        }
    }
    Ok(())
}

pub(super) fn bind_port(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(p) = port(ctx, a)? {
        if let Some((co, _)) = conn_target(ctx) {
            co.bind_port = Some(p);
        }
    }
    Ok(())
}

pub(super) fn bind_if(ctx: &mut Ctx, a: &Args) -> Res {
    let name = a.req(1)?.to_string();
    // IFNAMSIZ - 1
    if name.len() > 15 {
        ctx.error(
            Class::General,
            a,
            1,
            format!("bind_if: interface name '{name}' is longer than 15 characters - ignored"),
        );
        return Ok(());
    }
    if let Some((co, _)) = conn_target(ctx) {
        co.bind_if = Some(name);
    }
    Ok(())
}

pub(super) fn connect_timeout(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = timer(ctx, a, 1, MAX_CONNECT_TIMEOUT_US, "connect_timeout")? {
        if let Some((co, _)) = conn_target(ctx) {
            co.connect_timeout = Some(d);
        }
    }
    Ok(())
}

pub(super) fn fwmark(ctx: &mut Ctx, a: &Args) -> Res {
    match ctx.unsigned(a, 1, 0, u32::MAX, true)? {
        Some(m) => {
            if let Some((co, _)) = conn_target(ctx) {
                co.fwmark = Some(m);
            }
        }
        None => {
            let text = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!("fwmark '{text}' is not a number 0..4294967295 - ignored"),
            );
        }
    }
    Ok(())
}

/// The destination keepalived checks (`check_conn_opts`): an IPv6
/// link-local address needs `bind_if`. Returns false (after reporting) when
/// the checker must be dropped.
fn conn_ok(
    ctx: &mut Ctx,
    co: &ConnOpts,
    rs_ip: IpAddr,
    pos: crate::config::source::Pos,
    what: &str,
) -> bool {
    if co.connect_ip_rejected {
        return true;
    }
    let dst = co.connect_ip.unwrap_or(rs_ip);
    if addr::is_link_local(&dst) && co.bind_if.is_none() {
        ctx.error_at(
            Class::General,
            Some(pos),
            format!("{what}: link-local address {dst} needs 'bind_if' - the checker is ignored"),
        );
        return false;
    }
    true
}

/// The close handler of the checkers whose only end check is the
/// connection's (TCP, PING, DNS, UDP).
fn close_conn(ctx: &mut Ctx) -> bool {
    let Some(rs_ip) = rs(ctx).map(|r| r.ip) else {
        return false;
    };
    let Some(c) = checker(ctx) else { return false };
    let (Some(co), pos, what) = (c.conn.clone(), c.pos, c.type_name()) else {
        return true;
    };
    if conn_ok(ctx, &co, rs_ip, pos, what) {
        true
    } else {
        drop_current(ctx);
        false
    }
}

// ---- timing and state, shared by all but FILE_CHECK and BFD_CHECK ----------

pub(super) fn retry(ctx: &mut Ctx, a: &Args) -> Res {
    match ctx.unsigned(a, 1, 0, u32::MAX, true)? {
        Some(n) => {
            if let Some(c) = checker(ctx) {
                c.retry = Some(n);
            }
        }
        None => {
            let text = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!("retry '{text}' is not valid (0..4294967295) - ignored"),
            );
        }
    }
    Ok(())
}

pub(super) fn delay_before_retry(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = timer(ctx, a, 0, 0, "delay_before_retry")? {
        if let Some(c) = checker(ctx) {
            c.delay_before_retry = Some(d);
        }
    }
    Ok(())
}

pub(super) fn warmup(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = timer(ctx, a, 0, 0, "warmup")? {
        if let Some(c) = checker(ctx) {
            c.warmup = Some(d);
        }
    }
    Ok(())
}

pub(super) fn delay_loop(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = timer(ctx, a, 1, 0, "delay_loop")? {
        if let Some(c) = checker(ctx) {
            c.delay_loop = Some(d);
        }
    }
    Ok(())
}

pub(super) fn alpha(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(b) = opt_bool(ctx, a, "alpha") {
        if let Some(c) = checker(ctx) {
            c.alpha = Some(b);
        }
    }
    Ok(())
}

/// BFD_CHECK `alpha`: ignored (unread) once the checker was dropped.
pub(super) fn bfd_alpha(ctx: &mut Ctx, a: &Args) -> Res {
    if ctx.cfg.check.state.checker_dropped {
        return Ok(());
    }
    alpha(ctx, a)
}

pub(super) fn log_all_failures(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(b) = opt_bool(ctx, a, "log_all_failures") {
        if let Some(c) = checker(ctx) {
            c.log_all_failures = Some(b);
        }
    }
    Ok(())
}

// ---- TCP_CHECK, PING_CHECK ---------------------------------------------------

pub(super) fn tcp_check(ctx: &mut Ctx, a: &Args) -> Res {
    start(ctx, a, CheckerKind::Tcp, true);
    Ok(())
}

pub(super) fn ping_check(ctx: &mut Ctx, a: &Args) -> Res {
    start(ctx, a, CheckerKind::Ping, true);
    Ok(())
}

pub(super) fn conn_close(ctx: &mut Ctx) {
    close_conn(ctx);
}

// ---- HTTP_GET, SSL_GET ---------------------------------------------------------

fn http<'a>(ctx: &'a mut Ctx<'_>) -> Option<&'a mut HttpCheck> {
    match &mut checker(ctx)?.kind {
        CheckerKind::Http(h) | CheckerKind::Ssl(h) => Some(h),
        _ => None,
    }
}

fn url<'a>(ctx: &'a mut Ctx<'_>) -> Option<&'a mut Url> {
    http(ctx)?.urls.last_mut()
}

pub(super) fn http_get(ctx: &mut Ctx, a: &Args) -> Res {
    let kind = if a.keyword() == "SSL_GET" {
        CheckerKind::Ssl(HttpCheck::default())
    } else {
        CheckerKind::Http(HttpCheck::default())
    };
    start(ctx, a, kind, true);
    Ok(())
}

pub(super) fn http_close(ctx: &mut Ctx) {
    let Some(c) = checker(ctx) else { return };
    let (pos, what) = (c.pos, c.type_name());
    let no_urls =
        matches!(&c.kind, CheckerKind::Http(h) | CheckerKind::Ssl(h) if h.urls.is_empty());
    if no_urls {
        drop_current(ctx);
        // keepalived then re-checks the connection options of whatever
        // checker was queued before; it crashes when there is none, or when
        // that one has no connection options.
        let previous_has_conn = ctx
            .cfg
            .check
            .virtual_servers
            .iter()
            .flat_map(|v| v.real_servers.iter())
            .flat_map(|r| r.checkers.iter())
            .rfind(|c| !matches!(c.kind, CheckerKind::File(_)))
            .is_some_and(|c| c.conn.is_some());
        let d = ctx.error_at(
            Class::General,
            Some(pos),
            format!("{what} has no url with a path - the checker is ignored"),
        );
        if !previous_has_conn {
            d.help =
                Some("keepalived 2.2.7 crashes on this configuration (segmentation fault)".into());
        }
        return;
    }
    close_conn(ctx);
}

pub(super) fn nb_get_retry(ctx: &mut Ctx, a: &Args) -> Res {
    ctx.error(
        Class::General,
        a,
        0,
        "nb_get_retry is deprecated: use 'retry' (the value is still used)",
    );
    match ctx.unsigned(a, 1, 0, u32::MAX, true)? {
        Some(n) => {
            if let Some(c) = checker(ctx) {
                c.retry = Some(n);
            }
        }
        None => {
            let text = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!("nb_get_retry '{text}' is not valid (0..4294967295) - ignored"),
            );
        }
    }
    Ok(())
}

pub(super) fn http_virtualhost(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(h) = a.get(1).map(str::to_string) else {
        ctx.error(
            Class::General,
            a,
            0,
            "virtualhost: the host name is missing - ignored",
        );
        return Ok(());
    };
    if let Some(hc) = http(ctx) {
        hc.virtualhost = Some(h);
    }
    Ok(())
}

pub(super) fn http_protocol(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(v) = a.get(1).map(str::to_string) else {
        ctx.error(
            Class::General,
            a,
            0,
            "http_protocol: the version is missing - ignored",
        );
        return Ok(());
    };
    let p = match v.as_str() {
        "1.0" => HttpProtocol::Http10,
        "1.1" => HttpProtocol::Http11,
        "1.0C" | "1.0c" => HttpProtocol::Http10Close,
        _ => {
            ctx.error(
                Class::General,
                a,
                1,
                format!("http_protocol: unknown version '{v}' (1.0, 1.0C or 1.1) - ignored"),
            );
            return Ok(());
        }
    };
    if let Some(hc) = http(ctx) {
        hc.http_protocol = p;
    }
    Ok(())
}

pub(super) fn enable_sni(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(b) = opt_bool(ctx, a, "enable_sni") {
        if let Some(hc) = http(ctx) {
            hc.enable_sni = b;
        }
    }
    Ok(())
}

/// `sni_name [NAME]` (keepalived > 2.2.7): implies enable_sni.
pub(super) fn sni_name(ctx: &mut Ctx, a: &Args) -> Res {
    let name = a.get(1).map(str::to_string);
    if let Some(hc) = http(ctx) {
        hc.enable_sni = true;
        hc.sni_name = name;
    }
    Ok(())
}

pub(super) fn fast_recovery(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(b) = opt_bool(ctx, a, "fast_recovery") {
        if let Some(hc) = http(ctx) {
            hc.fast_recovery = b;
        }
    }
    Ok(())
}

/// `tls_compliant [BOOL]` of SSL_GET (keepalived > 2.2.7).
pub(super) fn tls_compliant(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(b) = opt_bool(ctx, a, "tls_compliant") {
        if let Some(hc) = http(ctx) {
            hc.tls_compliant = b;
        }
    }
    Ok(())
}

pub(super) fn url_start(ctx: &mut Ctx, a: &Args) -> Res {
    ctx.cfg.check.state.url_path_set = false;
    if let Some(hc) = http(ctx) {
        hc.urls.push(Url {
            pos: a.pos(0),
            path: String::new(),
            digest: None,
            status_codes: StatusCodes::default(),
            virtualhost: None,
            regex: None,
            tls_compliant: None,
        });
    }
    Ok(())
}

pub(super) fn url_close(ctx: &mut Ctx) {
    let path_set = ctx.cfg.check.state.url_path_set;
    let Some(u) = url(ctx) else { return };
    let pos = u.pos;
    if !path_set {
        if let Some(hc) = http(ctx) {
            hc.urls.pop();
        }
        ctx.error_at(
            Class::General,
            Some(pos),
            "url without a 'path' - the url is ignored",
        );
        return;
    }
    if u.status_codes.is_empty() {
        u.status_codes.insert_range(200, 299);
    }
    let mut note = None;
    if let Some(r) = &mut u.regex {
        if r.max_offset.is_some_and(|max| r.min_offset > max) {
            note = Some(format!(
                "regex_min_offset {} is after regex_max_offset: both are ignored",
                r.min_offset
            ));
            r.min_offset = 0;
            r.max_offset = None;
        }
        if r.pattern.is_empty() {
            note = Some("regex options without a 'regex' are ignored".to_string());
            u.regex = None;
        }
    }
    if let Some(n) = note {
        ctx.lint_at(Some(pos), n);
    }
}

pub(super) fn path(ctx: &mut Ctx, a: &Args) -> Res {
    let p = a.req(1)?.to_string();
    if let Some(u) = url(ctx) {
        u.path = p;
        ctx.cfg.check.state.url_path_set = true;
    }
    Ok(())
}

/// One byte of a digest: two characters strtoul(16) reads completely.
fn digest_byte(pair: &str) -> Option<u8> {
    let b = pair.as_bytes();
    if b.len() != 2 {
        return None;
    }
    let hex = |c: u8| (c as char).to_digit(16);
    match (b[0], hex(b[1])) {
        (_, None) => None,
        (c0, Some(lo)) => match hex(c0) {
            Some(hi) => Some((hi * 16 + lo) as u8),
            // strtoul takes a sign or a blank before a single digit.
            None if c0 == b'+' || c0 == b' ' || c0 == b'\t' => Some(lo as u8),
            None if c0 == b'-' => Some((lo as u8).wrapping_neg()),
            None => None,
        },
    }
}

pub(super) fn digest(ctx: &mut Ctx, a: &Args) -> Res {
    let text = a.req(1)?.to_string();
    if url(ctx).is_some_and(|u| u.digest.is_some()) {
        ctx.error(
            Class::General,
            a,
            1,
            format!("digest '{text}' given twice for the url - ignored"),
        );
        return Ok(());
    }
    if text.len() != 32 {
        ctx.error(
            Class::General,
            a,
            1,
            format!(
                "digest '{text}' has {} characters; an MD5 digest has 32 hex digits - ignored",
                text.len()
            ),
        );
        return Ok(());
    }
    let mut d = [0u8; 16];
    // keepalived reads the pairs from the end.
    for i in (0..16).rev() {
        match text.get(2 * i..2 * i + 2).and_then(digest_byte) {
            Some(b) => d[i] = b,
            None => {
                ctx.error(
                    Class::General,
                    a,
                    1,
                    format!(
                        "digest '{text}': invalid hex digits at offset {} - ignored",
                        2 * i
                    ),
                );
                return Ok(());
            }
        }
    }
    if let Some(u) = url(ctx) {
        u.digest = Some(d);
    }
    Ok(())
}

pub(super) fn status_code(ctx: &mut Ctx, a: &Args) -> Res {
    for i in 1..a.len() {
        let s = a.get(i).unwrap_or("").to_string();
        let (lo, rest, _) = values::strtoul(&s, 10);
        let (hi, rest) = match rest.strip_prefix('-') {
            Some(r) => {
                let (hi, r2, _) = values::strtoul(r, 10);
                (hi, r2)
            }
            None => (lo, rest),
        };
        // keepalived keeps the numbers in 32 bits.
        let (lo, hi) = (lo as u32, hi as u32);
        let range = StatusCodes::MIN..=StatusCodes::MAX;
        if !rest.is_empty() || !range.contains(&lo) || !range.contains(&hi) || lo > hi {
            ctx.error(
                Class::General,
                a,
                i,
                format!("status_code '{s}' is not a code or range within 100..599 - ignored"),
            );
            continue;
        }
        if let Some(u) = url(ctx) {
            u.status_codes.insert_range(lo, hi);
        }
    }
    Ok(())
}

pub(super) fn url_virtualhost(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(h) = a.get(1).map(str::to_string) else {
        ctx.error(
            Class::General,
            a,
            0,
            "virtualhost: the host name is missing - ignored",
        );
        return Ok(());
    };
    if let Some(u) = url(ctx) {
        u.virtualhost = Some(h);
    }
    Ok(())
}

/// `tls_compliant [BOOL]` of an SSL_GET url (keepalived > 2.2.7).
pub(super) fn url_tls_compliant(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(b) = opt_bool(ctx, a, "tls_compliant") {
        if let Some(u) = url(ctx) {
            u.tls_compliant = Some(b);
        }
    }
    Ok(())
}

fn regex_mut<'a>(ctx: &'a mut Ctx<'_>) -> Option<&'a mut UrlRegex> {
    Some(url(ctx)?.regex.get_or_insert_with(UrlRegex::default))
}

pub(super) fn regex(ctx: &mut Ctx, a: &Args) -> Res {
    match a.script_words() {
        Ok(words) if words.len() == 2 => {
            if let Some(r) = regex_mut(ctx) {
                r.pattern = words[1].clone();
            }
        }
        Ok(_) => {
            ctx.lint(a, 0, "regex takes exactly one pattern - ignored");
        }
        Err(_) => {
            ctx.error(
                Class::UnmatchedQuote,
                a,
                1,
                "regex: unterminated quote or trailing '\\' in the pattern - ignored",
            )
            .help = Some("keepalived 2.2.7 crashes on this line".into());
        }
    }
    Ok(())
}

pub(super) fn regex_no_match(ctx: &mut Ctx, _a: &Args) -> Res {
    if let Some(r) = regex_mut(ctx) {
        r.no_match = true;
    }
    Ok(())
}

/// PCRE2 compile options keepalived knows.
const REGEX_OPTIONS: &[&str] = &[
    "allow_empty_class",
    "alt_bsux",
    "auto_callout",
    "caseless",
    "dollar_endonly",
    "dotall",
    "dupnames",
    "extended",
    "firstline",
    "match_unset_backref",
    "multiline",
    "never_ucp",
    "never_utf",
    "no_auto_capture",
    "no_auto_possess",
    "no_dotstar_anchor",
    "no_start_optimize",
    "ucp",
    "ungreedy",
    "utf",
    "never_backslash_c",
    "alt_circumflex",
    "alt_verbnames",
    "use_offset_limit",
];

pub(super) fn regex_options(ctx: &mut Ctx, a: &Args) -> Res {
    let mut known = Vec::new();
    for i in 1..a.len() {
        let o = a.get(i).unwrap_or("");
        if REGEX_OPTIONS.contains(&o) {
            known.push(o.to_string());
        } else {
            let o = o.to_string();
            ctx.lint(a, i, format!("unknown regex option '{o}' - ignored"));
        }
    }
    if let Some(r) = regex_mut(ctx) {
        r.options.extend(known);
    }
    Ok(())
}

/// regex_min_offset / regex_max_offset: keepalived only logs problems.
fn regex_offset(ctx: &mut Ctx, a: &Args) -> Option<usize> {
    if a.len() != 2 {
        let kw = a.keyword().to_string();
        ctx.lint(a, 0, format!("{kw} takes exactly one number - 0 is used"));
        return Some(0);
    }
    let text = a.get(1).unwrap_or("");
    let (v, rest, _) = values::strtoul(text, 10);
    if !rest.is_empty() {
        let (kw, text) = (a.keyword().to_string(), text.to_string());
        ctx.lint(a, 1, format!("{kw} '{text}' is not a number - 0 is used"));
        return Some(0);
    }
    Some(v as usize)
}

pub(super) fn regex_min_offset(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = regex_offset(ctx, a) {
        if let Some(r) = regex_mut(ctx) {
            r.min_offset = v;
        }
    }
    Ok(())
}

pub(super) fn regex_max_offset(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = regex_offset(ctx, a) {
        if let Some(r) = regex_mut(ctx) {
            r.max_offset = Some(v);
        }
    }
    Ok(())
}

pub(super) fn regex_stack(ctx: &mut Ctx, a: &Args) -> Res {
    if a.len() != 3 {
        ctx.lint(
            a,
            0,
            "regex_stack takes a start and a maximum size - ignored",
        );
        return Ok(());
    }
    let (s, r1, _) = values::strtoul(a.get(1).unwrap_or(""), 10);
    let (m, r2, _) = values::strtoul(a.get(2).unwrap_or(""), 10);
    if !r1.is_empty() || !r2.is_empty() || s > m {
        ctx.lint(a, 0, "regex_stack: invalid sizes - ignored");
        return Ok(());
    }
    if let Some(r) = regex_mut(ctx) {
        r.stack = Some((s, m));
    }
    Ok(())
}

// ---- SMTP_CHECK ------------------------------------------------------------------

pub(super) fn smtp_check(ctx: &mut Ctx, a: &Args) -> Res {
    let kind = CheckerKind::Smtp(SmtpCheck {
        helo_name: DEFAULT_HELO.to_string(),
    });
    start(ctx, a, kind, true);
    Ok(())
}

pub(super) fn helo_name(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(h) = a.get(1).map(str::to_string) else {
        ctx.error(
            Class::General,
            a,
            0,
            "helo_name: the name is missing - ignored",
        );
        return Ok(());
    };
    if let Some(c) = checker(ctx) {
        if let CheckerKind::Smtp(s) = &mut c.kind {
            s.helo_name = h;
        }
    }
    Ok(())
}

pub(super) fn smtp_host(ctx: &mut Ctx, a: &Args) -> Res {
    if !ctx.cfg.check.state.checker_dropped {
        ctx.lint(
            a,
            0,
            "the SMTP_CHECK 'host' block is deprecated: write one SMTP_CHECK per host",
        );
        ctx.cfg.check.state.smtp_host = Some(ConnOpts::default());
    }
    Ok(())
}

pub(super) fn smtp_host_close(ctx: &mut Ctx) {
    let Some(h) = ctx.cfg.check.state.smtp_host.take() else {
        return;
    };
    let Some(rs_ip) = rs(ctx).map(|r| r.ip) else {
        return;
    };
    let pos = checker(ctx).map(|c| c.pos).unwrap_or_default();
    if conn_ok(ctx, &h, rs_ip, pos, "SMTP_CHECK host") {
        ctx.cfg.check.state.smtp_hosts.push(h);
    }
}

pub(super) fn smtp_close(ctx: &mut Ctx) {
    let hosts = std::mem::take(&mut ctx.cfg.check.state.smtp_hosts);
    let Some(r) = rs(ctx) else { return };
    let (rs_ip, rs_timeout) = (r.ip, r.connect_timeout);
    let vs_timeout = vs(ctx).map_or(DEFAULT_CONNECT_TIMEOUT, |v| v.connect_timeout);
    let Some(c) = checker(ctx) else { return };
    let Some(co) = c.conn.as_mut() else { return };
    let configured = co.connect_ip.is_some()
        || co.connect_port.is_some()
        || co.bindto.is_some()
        || co.bind_port.is_some()
        || co.bind_if.is_some()
        || co.fwmark.is_some_and(|m| m != 0)
        || co.connect_timeout.is_some();
    let mut hosts = hosts.into_iter();
    if configured || hosts.len() == 0 {
        // The destination defaults to the real server, even after a
        // rejected connect_ip.
        co.connect_ip_rejected = false;
        let (co, pos, what) = (co.clone(), c.pos, c.type_name());
        if !conn_ok(ctx, &co, rs_ip, pos, what) {
            drop_current(ctx);
            return;
        }
    } else if let Some(first) = hosts.next() {
        *co = first;
    }
    // keepalived fixes the timeout here, from the values known so far.
    let timeout = rs_timeout.unwrap_or(vs_timeout);
    let Some(c) = checker(ctx) else { return };
    if let Some(co) = c.conn.as_mut() {
        co.connect_timeout.get_or_insert(timeout);
    }
    let template = c.clone();
    let extra: Vec<Checker> = hosts
        .map(|mut h| {
            h.connect_timeout.get_or_insert(timeout);
            let mut c = template.clone();
            c.conn = Some(h);
            c
        })
        .collect();
    if let Some(r) = rs(ctx) {
        r.checkers.extend(extra);
    }
}

// ---- MISC_CHECK ---------------------------------------------------------------------

fn misc<'a>(ctx: &'a mut Ctx<'_>) -> Option<&'a mut MiscCheck> {
    match &mut checker(ctx)?.kind {
        CheckerKind::Misc(m) => Some(m),
        _ => None,
    }
}

pub(super) fn misc_check(ctx: &mut Ctx, a: &Args) -> Res {
    let kind = CheckerKind::Misc(MiscCheck {
        script: script::Script {
            args: Vec::new(),
            uid: 0,
            gid: 0,
            pos: a.pos(0),
        },
        timeout: None,
        dynamic: false,
    });
    start(ctx, a, kind, false);
    Ok(())
}

pub(super) fn misc_path(ctx: &mut Ctx, a: &Args) -> Res {
    if misc(ctx).is_none() {
        return Ok(());
    }
    let words = match a.script_words() {
        Ok(w) => w,
        Err(_) => {
            ctx.error(
                Class::UnmatchedQuote,
                a,
                1,
                "misc_path: unterminated quote or trailing '\\' - the script is not set",
            )
            .help = Some("keepalived 2.2.7 crashes on this line".into());
            return Ok(());
        }
    };
    let Some(command) = words.get(1) else {
        return Ok(());
    };
    let args = match crate::config::lexer::script_words(command) {
        Ok(args) => args,
        Err(crate::config::lexer::ScriptLexError::MissingQuote(q)) => {
            ctx.error(
                Class::UnmatchedQuote,
                a,
                1,
                format!("misc_path: missing closing {q} in '{command}' - the script is not set"),
            );
            return Ok(());
        }
        Err(crate::config::lexer::ScriptLexError::DanglingEscape) => {
            ctx.lint(
                a,
                1,
                format!("misc_path: '{command}' ends with a lone '\\' - the script is not set"),
            );
            return Ok(());
        }
    };
    let pos = a.pos(1);
    if let Some(m) = misc(ctx) {
        m.script.args = args;
        m.script.pos = pos;
    }
    Ok(())
}

pub(super) fn misc_timeout(ctx: &mut Ctx, a: &Args) -> Res {
    if misc(ctx).is_none() {
        return Ok(());
    }
    // keepalived keeps the timeout in µs in an unsigned int.
    let max = u32::MAX / 1_000_000;
    match ctx.unsigned(a, 1, 0, max, true)? {
        Some(t) => {
            if let Some(m) = misc(ctx) {
                m.timeout = (t != 0).then(|| Duration::from_secs(t.into()));
            }
        }
        None => {
            let text = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!("misc_timeout '{text}' is not valid (0..{max} seconds) - ignored"),
            );
        }
    }
    Ok(())
}

pub(super) fn misc_dynamic(ctx: &mut Ctx, _a: &Args) -> Res {
    if let Some(m) = misc(ctx) {
        m.dynamic = true;
    }
    Ok(())
}

pub(super) fn misc_user(ctx: &mut Ctx, a: &Args) -> Res {
    if misc(ctx).is_none() {
        return Ok(());
    }
    if a.len() < 2 {
        ctx.error(
            Class::General,
            a,
            0,
            "user: the user name is missing - ignored",
        );
        return Ok(());
    }
    match script::user_at(ctx, a, 1)? {
        Some((uid, gid)) => {
            if let Some(m) = misc(ctx) {
                m.script.uid = uid;
                m.script.gid = gid;
            }
            ctx.cfg.check.state.misc_user_set = true;
        }
        None => {
            let user = a
                .raw()
                .split_whitespace()
                .skip(1)
                .collect::<Vec<_>>()
                .join(" ");
            drop_current(ctx);
            ctx.error(
                Class::General,
                a,
                1,
                format!("user '{user}': no such user or group - the MISC_CHECK is ignored"),
            )
            .help = Some("keepalived ignores the MISC_CHECK keywords after this line".into());
        }
    }
    Ok(())
}

pub(super) fn misc_close(ctx: &mut Ctx) {
    let user_set = ctx.cfg.check.state.misc_user_set;
    let Some(m) = misc(ctx) else { return };
    let pos = m.script.pos;
    if m.script.args.is_empty() {
        drop_current(ctx);
        ctx.error_at(
            Class::General,
            Some(pos),
            "MISC_CHECK without a 'misc_path' - the checker is ignored",
        );
        return;
    }
    if user_set {
        return;
    }
    match script::default_user(ctx, Some(pos)) {
        Some((uid, gid)) => {
            if let Some(m) = misc(ctx) {
                m.script.uid = uid;
                m.script.gid = gid;
            }
        }
        None => {
            let cmd = misc(ctx)
                .map(|m| m.script.args.join(" "))
                .unwrap_or_default();
            drop_current(ctx);
            ctx.error_at(
                Class::General,
                Some(pos),
                format!(
                    "MISC_CHECK '{cmd}': there is no user to run it as - the checker is ignored"
                ),
            )
            .help =
                Some("give the MISC_CHECK a 'user', or fix 'script_user' in global_defs".into());
        }
    }
}

// ---- DNS_CHECK ------------------------------------------------------------------------

fn dns<'a>(ctx: &'a mut Ctx<'_>) -> Option<&'a mut DnsCheck> {
    match &mut checker(ctx)?.kind {
        CheckerKind::Dns(d) => Some(d),
        _ => None,
    }
}

pub(super) fn dns_check(ctx: &mut Ctx, a: &Args) -> Res {
    start(ctx, a, CheckerKind::Dns(DnsCheck::default()), true);
    Ok(())
}

pub(super) fn dns_type(ctx: &mut Ctx, a: &Args) -> Res {
    let word = a.req(1)?.to_string();
    match DnsType::from_name(&word) {
        Some(t) => {
            if let Some(d) = dns(ctx) {
                d.query_type = t;
            }
        }
        None => {
            ctx.error(
                Class::General,
                a,
                1,
                format!("type: unknown DNS query type '{word}' (A, NS, CNAME, SOA, MX, TXT, AAAA, RRSIG or DNSKEY) - ignored"),
            );
        }
    }
    Ok(())
}

/// keepalived's empty-label test. It also rejects a one-character first
/// label ("a.example.com"), and so do we.
fn dns_name_invalid(name: &str) -> bool {
    let b = name.as_bytes();
    if b.first() == Some(&b'.') && b.len() > 1 {
        return true;
    }
    let mut p = 0;
    loop {
        if b.get(p + 1) == Some(&b'.') {
            return true;
        }
        match b.iter().skip(p + 1).position(|&c| c == b'.') {
            Some(off) => p = p + 1 + off,
            None => return false,
        }
    }
}

pub(super) fn dns_name(ctx: &mut Ctx, a: &Args) -> Res {
    if ctx.cfg.check.state.dns_name_set {
        ctx.error(
            Class::General,
            a,
            0,
            "name: already given for this DNS_CHECK - ignored",
        );
        return Ok(());
    }
    let name = a.req(1)?.to_string();
    if dns_name_invalid(&name) {
        let d = ctx.error(
            Class::General,
            a,
            1,
            format!("name '{name}' has an empty label - ignored"),
        );
        if !name.starts_with('.') && name.as_bytes().get(1) == Some(&b'.') {
            d.help = Some("keepalived 2.2.7 wrongly rejects a one-character first label".into());
        }
        return Ok(());
    }
    if let Some(d) = dns(ctx) {
        d.name = name;
        ctx.cfg.check.state.dns_name_set = true;
    }
    Ok(())
}

// ---- UDP_CHECK ------------------------------------------------------------------------

fn udp<'a>(ctx: &'a mut Ctx<'_>) -> Option<&'a mut UdpCheck> {
    match &mut checker(ctx)?.kind {
        CheckerKind::Udp(u) => Some(u),
        _ => None,
    }
}

pub(super) fn udp_check(ctx: &mut Ctx, a: &Args) -> Res {
    start(ctx, a, CheckerKind::Udp(UdpCheck::default()), true);
    Ok(())
}

fn hex_words(a: &Args) -> String {
    a.rest(1).collect::<Vec<_>>().join(" ")
}

pub(super) fn payload(ctx: &mut Ctx, a: &Args) -> Res {
    if a.len() < 2 {
        ctx.error(
            Class::General,
            a,
            0,
            "payload: the hex data is missing - ignored",
        );
        return Ok(());
    }
    let data = values::hex_string(&hex_words(a), false).map(|(d, _)| d);
    if data.is_none() {
        ctx.error(
            Class::General,
            a,
            1,
            "payload: invalid hex string - ignored",
        );
    }
    if let Some(u) = udp(ctx) {
        u.payload = data;
    }
    Ok(())
}

pub(super) fn require_reply(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(u) = udp(ctx) {
        u.require_reply = true;
    }
    if a.len() < 2 {
        return Ok(());
    }
    let reply = values::hex_string(&hex_words(a), true);
    if reply.is_none() {
        ctx.error(
            Class::General,
            a,
            1,
            "require_reply: invalid hex string - ignored",
        );
    }
    if let Some(u) = udp(ctx) {
        u.reply = reply;
    }
    Ok(())
}

fn reply_length(ctx: &mut Ctx, a: &Args) -> Result<Option<u16>, crate::config::parser::Missing> {
    let v = ctx.unsigned(a, 1, 0, 65535, false)?;
    if v.is_none() {
        let kw = a.keyword().to_string();
        let text = a.get(1).unwrap_or("").to_string();
        ctx.error(
            Class::General,
            a,
            1,
            format!("{kw} '{text}' is not valid (0..65535) - ignored"),
        );
    }
    Ok(v.map(|v| v as u16))
}

pub(super) fn min_reply_length(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = reply_length(ctx, a)? {
        if let Some(u) = udp(ctx) {
            u.min_reply_length = v;
        }
    }
    Ok(())
}

pub(super) fn max_reply_length(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(v) = reply_length(ctx, a)? {
        if let Some(u) = udp(ctx) {
            u.max_reply_length = v;
        }
    }
    Ok(())
}

pub(super) fn udp_close(ctx: &mut Ctx) {
    if !close_conn(ctx) {
        return;
    }
    let Some(c) = checker(ctx) else { return };
    let pos = c.pos;
    if let CheckerKind::Udp(u) = &c.kind {
        if u.min_reply_length > u.max_reply_length {
            let (min, max) = (u.min_reply_length, u.max_reply_length);
            ctx.error_at(
                Class::General,
                Some(pos),
                format!("UDP_CHECK min_reply_length {min} is more than max_reply_length {max}: the check can never succeed"),
            );
        }
    }
}

// ---- FILE_CHECK ---------------------------------------------------------------------

fn file<'a>(ctx: &'a mut Ctx<'_>) -> Option<&'a mut FileCheck> {
    match &mut checker(ctx)?.kind {
        CheckerKind::File(f) => Some(f),
        _ => None,
    }
}

pub(super) fn file_check(ctx: &mut Ctx, a: &Args) -> Res {
    start(ctx, a, CheckerKind::File(FileCheck::default()), false);
    Ok(())
}

pub(super) fn file_track_file(ctx: &mut Ctx, a: &Args) -> Res {
    let name = a.req(1)?.to_string();
    // A track_file block without 'file' is dropped when it closes, so the
    // list holds only complete ones (the path check is for safety).
    let known = ctx
        .cfg
        .vrrp
        .track
        .file(&name)
        .is_some_and(|f| f.path.is_some());
    if !known {
        ctx.error(
            Class::General,
            a,
            1,
            format!("track_file '{name}' is not defined (before this point) - ignored"),
        );
        return Ok(());
    }
    if let Some(f) = file(ctx) {
        f.track_file = name;
    }
    Ok(())
}

pub(super) fn file_weight(ctx: &mut Ctx, a: &Args) -> Res {
    if a.len() < 2 {
        ctx.error(
            Class::General,
            a,
            0,
            "weight: the value is missing - ignored",
        );
        return Ok(());
    }
    let lim = WEIGHT_LIMIT as i32;
    let Some(w) = ctx.int(a, 1, -lim, lim, true)? else {
        let text = a.get(1).unwrap_or("").to_string();
        ctx.error(
            Class::General,
            a,
            1,
            format!("weight '{text}' is not valid (-{lim}..{lim}) - ignored"),
        );
        return Ok(());
    };
    let reverse = match a.get(2) {
        None | Some("noreverse") => false,
        Some("reverse") => true,
        Some(o) => {
            let o = o.to_string();
            ctx.error(
                Class::General,
                a,
                2,
                format!("weight: unknown option '{o}' (reverse or noreverse) - ignored"),
            );
            return Ok(());
        }
    };
    if let Some(f) = file(ctx) {
        f.weight = Some(w);
        f.reverse = reverse;
    }
    Ok(())
}

pub(super) fn file_close(ctx: &mut Ctx) {
    let Some(c) = checker(ctx) else { return };
    let pos = c.pos;
    if matches!(&c.kind, CheckerKind::File(f) if f.track_file.is_empty()) {
        drop_current(ctx);
        ctx.error_at(
            Class::General,
            Some(pos),
            "FILE_CHECK without a (known) track_file - the checker is ignored",
        );
    }
}

// ---- BFD_CHECK --------------------------------------------------------------------------

pub(super) fn bfd_check(ctx: &mut Ctx, a: &Args) -> Res {
    start(ctx, a, CheckerKind::Bfd(BfdCheck::default()), false);
    Ok(())
}

pub(super) fn bfd_name(ctx: &mut Ctx, a: &Args) -> Res {
    let Some(c) = checker(ctx) else { return Ok(()) };
    let already = match &c.kind {
        CheckerKind::Bfd(b) if !b.name.is_empty() => Some(b.name.clone()),
        _ => None,
    };
    let problem = if a.len() != 2 {
        Some("name takes exactly one bfd_instance name".to_string())
    } else {
        let name = a.get(1).unwrap_or("").to_string();
        if ctx.cfg.bfd.for_checker(&name).is_none() {
            Some(format!(
                "bfd_instance '{name}' is not defined (before this point) for the checker"
            ))
        } else if let Some(old) = already {
            Some(format!(
                "a second name '{name}' (already following '{old}')"
            ))
        } else if name.len() >= crate::config::bfd::model::NAME_MAX {
            Some(format!("bfd_instance name '{name}' is too long"))
        } else {
            let dup = rs(ctx).is_some_and(|r| {
                let n = r.checkers.len().saturating_sub(1);
                r.checkers[..n]
                    .iter()
                    .any(|c| matches!(&c.kind, CheckerKind::Bfd(b) if b.name == name))
            });
            dup.then(|| format!("the real server already follows bfd_instance '{name}'"))
        }
    };
    match problem {
        Some(p) => {
            drop_current(ctx);
            ctx.error(
                Class::General,
                a,
                if a.len() > 1 { 1 } else { 0 },
                format!("BFD_CHECK: {p} - the checker is ignored"),
            );
        }
        None => {
            let name = a.get(1).unwrap_or("").to_string();
            if let Some(Checker {
                kind: CheckerKind::Bfd(b),
                ..
            }) = checker(ctx)
            {
                b.name = name;
            }
        }
    }
    Ok(())
}

pub(super) fn bfd_close(ctx: &mut Ctx) {
    let Some(c) = checker(ctx) else { return };
    let pos = c.pos;
    if matches!(&c.kind, CheckerKind::Bfd(b) if b.name.is_empty()) {
        drop_current(ctx);
        ctx.error_at(
            Class::General,
            Some(pos),
            "BFD_CHECK without a 'name' - the checker is ignored",
        );
    }
}
