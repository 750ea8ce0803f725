//! vrrp_script NAME { script, interval, timeout, weight, rise, fall, user,
//! init_fail }.

use std::time::Duration;

use crate::config::diag::Class;
use crate::config::lexer::{self, ScriptLexError};
use crate::config::parser::{Args, Ctx, Keyword, Res};
use crate::config::script::{self, Script};
use crate::config::source::Pos;
use crate::config::values;

/// The largest interval and timeout keepalived accepts, in seconds (its
/// timers count microseconds in 32 bits here).
pub const MAX_SECONDS: u32 = u32::MAX / 1_000_000;

/// vrrp_script NAME { ... }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VrrpScript {
    pub name: String,
    pub pos: Pos,
    /// The command line and the user and group that run it. `None` until
    /// `script` is read; the user is settled when the block closes.
    pub script: Option<Script>,
    /// Time between runs: whole seconds, 1..=4294 (keepalived 2.2.7 reads
    /// an integer). Default 1 s.
    pub interval: Duration,
    /// Run time after which the script is killed and counts as failed;
    /// `None`: the interval.
    pub timeout: Option<Duration>,
    /// -253..=253 (keepalived keeps an out-of-range value it reported).
    /// 0: instances tracking the script go to FAULT when it fails.
    pub weight: i32,
    /// `weight W reverse`: the weight applies while the script fails.
    pub weight_reverse: bool,
    /// Consecutive successes needed to be OK. Default 1.
    pub rise: u32,
    /// Consecutive failures needed to fail. Default 1.
    pub fall: u32,
    /// `init_fail`: the script starts in the failed state.
    pub init_fail: bool,
    /// `user USER [GROUP]`, resolved to uid and gid.
    pub user: Option<(u32, u32)>,
    /// The last `user` named an unknown user or group: the script is
    /// dropped when the block closes.
    pub user_failed: bool,
    /// Disabled by the script security check (`track::check_scripts`).
    pub insecure: bool,
}

impl VrrpScript {
    pub fn new(name: &str, pos: Pos) -> Self {
        VrrpScript {
            name: name.to_string(),
            pos,
            script: None,
            interval: Duration::from_secs(1),
            timeout: None,
            weight: 0,
            weight_reverse: false,
            rise: 1,
            fall: 1,
            init_fail: false,
            user: None,
            user_failed: false,
            insecure: false,
        }
    }

    /// The run-time limit in effect.
    pub fn effective_timeout(&self) -> Duration {
        self.timeout.unwrap_or(self.interval)
    }
}

impl Default for VrrpScript {
    fn default() -> Self {
        VrrpScript::new("", Pos::default())
    }
}

pub const KEYWORDS: &[Keyword] = &[
    Keyword::leaf("script", script_kw),
    Keyword::leaf("interval", interval),
    Keyword::leaf("timeout", timeout),
    Keyword::leaf("weight", weight),
    Keyword::leaf("rise", rise),
    Keyword::leaf("fall", fall),
    Keyword::leaf("user", user),
    Keyword::leaf("init_fail", init_fail),
];

fn cur<'a>(ctx: &'a mut Ctx) -> Option<&'a mut VrrpScript> {
    ctx.cfg.vrrp.track.scripts.last_mut()
}

/// `vrrp_script NAME`: keepalived accepts a name that is already in use;
/// references then resolve to the first script of that name.
pub fn start(ctx: &mut Ctx, a: &Args) -> Res {
    let name = a.get(1);
    let scripts = &mut ctx.cfg.vrrp.track.scripts;
    // Keep a script to fill even without a name, so that the block's
    // keywords do not land in the previous one.
    scripts.push(VrrpScript::new(name.unwrap_or(""), a.pos(0)));
    if let Some(n) = name {
        if scripts[..scripts.len() - 1].iter().any(|s| s.name == n) {
            ctx.lint(
                a,
                1,
                format!("a vrrp_script named '{n}' is already defined: references to '{n}' use the first one"),
            );
        }
    }
    a.req(1).map(|_| ())
}

fn script_kw(ctx: &mut Ctx, a: &Args) -> Res {
    // The line is read again with shell-like quoting; its first word is the
    // command line, split once more into arguments. Further words are
    // ignored.
    let words = match a.script_words() {
        Ok(w) => w,
        Err(e) => {
            let what = match e {
                ScriptLexError::MissingQuote(q) => format!("a closing {q} is missing"),
                ScriptLexError::DanglingEscape => "it ends with a lone '\\'".to_string(),
            };
            ctx.error(
                Class::Fatal,
                a,
                0,
                format!("vrrp_script 'script' line cannot be read: {what}"),
            )
            .help = Some("keepalived 2.2.7 crashes on this line; fix the quoting".into());
            return Ok(());
        }
    };
    let Some(command) = words.get(1) else {
        // Nothing to set: an earlier `script` stays in effect.
        return Ok(());
    };
    let args = match lexer::script_words(command) {
        Ok(args) => args,
        Err(ScriptLexError::MissingQuote(q)) => {
            ctx.error(
                Class::UnmatchedQuote,
                a,
                1,
                format!("vrrp_script command '{command}': a closing {q} is missing: the command is ignored"),
            );
            return Ok(());
        }
        Err(ScriptLexError::DanglingEscape) => {
            ctx.lint(
                a,
                1,
                format!(
                    "vrrp_script command '{command}' ends with a lone '\\': the command is ignored"
                ),
            );
            return Ok(());
        }
    };
    if args.is_empty() {
        return Ok(());
    }
    let pos = a.pos(1);
    if let Some(s) = cur(ctx) {
        s.script = Some(Script {
            args,
            uid: 0,
            gid: 0,
            pos,
        });
    }
    Ok(())
}

/// interval and timeout: whole seconds; 0 is accepted as 1 for old
/// configurations.
fn seconds(
    ctx: &mut Ctx,
    a: &Args,
    what: &str,
) -> Result<Option<Duration>, crate::config::parser::Missing> {
    let name = cur(ctx).map(|s| s.name.clone()).unwrap_or_default();
    let Some(v) = ctx.unsigned(a, 1, 0, MAX_SECONDS, true)? else {
        let word = a.req(1)?.to_string();
        ctx.error(
            Class::General,
            a,
            1,
            format!("({name}) vrrp_script {what} '{word}' must be a whole number of seconds from 1 to {MAX_SECONDS}: it is ignored"),
        );
        return Ok(None);
    };
    if v == 0 {
        ctx.error(
            Class::General,
            a,
            1,
            format!("({name}) vrrp_script {what} 0 is not allowed: 1 second is used"),
        );
        return Ok(Some(Duration::from_secs(1)));
    }
    Ok(Some(Duration::from_secs(v.into())))
}

fn interval(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = seconds(ctx, a, "interval")? {
        if let Some(s) = cur(ctx) {
            s.interval = d;
        }
    }
    Ok(())
}

fn timeout(ctx: &mut Ctx, a: &Args) -> Res {
    if let Some(d) = seconds(ctx, a, "timeout")? {
        if let Some(s) = cur(ctx) {
            s.timeout = Some(d);
        }
    }
    Ok(())
}

fn weight(ctx: &mut Ctx, a: &Args) -> Res {
    let name = cur(ctx).map(|s| s.name.clone()).unwrap_or_default();
    let w = match ctx.int(a, 1, -253, 253, true)? {
        Some(w) => w,
        None => {
            // keepalived reports the value but still stores what strtol
            // made of it.
            let word = a.req(1)?;
            let kept = values::strtol_base10(word).0 as i32;
            ctx.error(
                Class::General,
                a,
                1,
                format!("vrrp_script '{name}': weight '{word}' must be between -253 and 253 (keepalived still uses {kept})"),
            );
            kept
        }
    };
    let mut reverse = false;
    if let Some(opt) = a.get(2) {
        if opt == "reverse" {
            reverse = true;
        } else {
            ctx.error(
                Class::General,
                a,
                2,
                format!("vrrp_script '{name}': unknown weight option '{opt}', expected 'reverse': it is ignored"),
            );
        }
    }
    if let Some(s) = cur(ctx) {
        s.weight = w;
        // Like keepalived, a later weight without `reverse` keeps it set.
        s.weight_reverse |= reverse;
    }
    Ok(())
}

fn rise_fall(ctx: &mut Ctx, a: &Args, what: &str) -> Result<u32, crate::config::parser::Missing> {
    let name = cur(ctx).map(|s| s.name.clone()).unwrap_or_default();
    match ctx.unsigned(a, 1, 1, i32::MAX as u32, true)? {
        Some(v) => Ok(v),
        None => {
            let word = a.req(1)?.to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!(
                    "({name}) vrrp_script {what} '{word}' must be from 1 to {}: 1 is used",
                    i32::MAX
                ),
            );
            Ok(1)
        }
    }
}

fn rise(ctx: &mut Ctx, a: &Args) -> Res {
    let v = rise_fall(ctx, a, "rise")?;
    if let Some(s) = cur(ctx) {
        s.rise = v;
    }
    Ok(())
}

fn fall(ctx: &mut Ctx, a: &Args) -> Res {
    let v = rise_fall(ctx, a, "fall")?;
    if let Some(s) = cur(ctx) {
        s.fall = v;
    }
    Ok(())
}

fn user(ctx: &mut Ctx, a: &Args) -> Res {
    let ids = script::user_at(ctx, a, 1)?;
    let name = cur(ctx).map(|s| s.name.clone()).unwrap_or_default();
    match ids {
        Some(ids) => {
            if let Some(s) = cur(ctx) {
                s.user = Some(ids);
                s.user_failed = false;
            }
        }
        None => {
            let who = a.rest(1).take(2).collect::<Vec<_>>().join(" ");
            ctx.error(
                Class::General,
                a,
                1,
                format!("vrrp_script '{name}': unknown user or group '{who}': the script will be dropped"),
            );
            if let Some(s) = cur(ctx) {
                s.user_failed = true;
            }
        }
    }
    Ok(())
}

fn init_fail(ctx: &mut Ctx, _a: &Args) -> Res {
    if let Some(s) = cur(ctx) {
        s.init_fail = true;
    }
    Ok(())
}

/// The end of the block: a script without a command or without a user to
/// run it is dropped, so later references to it fail.
pub fn close(ctx: &mut Ctx) {
    let Some(s) = ctx.cfg.vrrp.track.scripts.last() else {
        return;
    };
    let name = s.name.clone();
    let remove = if s.script.is_none() {
        ctx.error_at(
            Class::General,
            Some(ctx.reader.current),
            format!("vrrp_script '{name}' has no 'script' command: it is dropped"),
        );
        true
    } else if s.user_failed {
        true
    } else if let Some(ids) = s.user {
        set_ids(ctx, ids);
        false
    } else {
        match script::default_user(ctx, Some(ctx.reader.current)) {
            Some(ids) => {
                set_ids(ctx, ids);
                false
            }
            None => {
                ctx.error_at(
                    Class::General,
                    Some(ctx.reader.current),
                    format!("vrrp_script '{name}' has no user to run it: it is dropped"),
                )
                .help = Some("give it a 'user', or set 'script_user' in global_defs".into());
                true
            }
        }
    };
    if remove {
        ctx.cfg.vrrp.track.scripts.pop();
    }
}

fn set_ids(ctx: &mut Ctx, (uid, gid): (u32, u32)) {
    if let Some(sc) = cur(ctx).and_then(|s| s.script.as_mut()) {
        sc.uid = uid;
        sc.gid = gid;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::diag::Class;
    use crate::config::host::Host;
    use crate::config::script::flags;
    use crate::config::vrrp::track::testing::{errors, exit_code, parse, parse_with, report};
    use crate::config::vrrp::track::{check_scripts, check_scripts_with};
    use crate::sys::host::SystemHost;

    fn one(text: &str) -> (VrrpScript, i32, String) {
        let ctx = parse(text);
        let s = ctx.cfg.vrrp.track.scripts.first().cloned();
        let r = report(&ctx);
        (
            s.unwrap_or_else(|| panic!("no script kept:\n{r}")),
            exit_code(&ctx),
            r,
        )
    }

    #[test]
    fn every_keyword_lands_in_the_model() {
        let (s, code, r) = one(
            "vrrp_script chk {\n script \"/bin/echo 'a b' c\"\n interval 2\n timeout 3\n weight -20 reverse\n rise 2\n fall 3\n user root root\n init_fail\n}\n",
        );
        assert_eq!(code, 0, "{r}");
        assert_eq!(s.name, "chk");
        let sc = s.script.clone().expect("script");
        assert_eq!(sc.args, ["/bin/echo", "a b", "c"]);
        assert_eq!((sc.uid, sc.gid), (0, 0));
        assert_eq!(s.interval, Duration::from_secs(2));
        assert_eq!(s.timeout, Some(Duration::from_secs(3)));
        assert_eq!(s.effective_timeout(), Duration::from_secs(3));
        assert_eq!((s.weight, s.weight_reverse), (-20, true));
        assert_eq!((s.rise, s.fall), (2, 3));
        assert_eq!(s.user, Some((0, 0)));
        assert!(s.init_fail);
        assert!(!s.insecure);
    }

    #[test]
    fn defaults_when_absent() {
        let (s, code, r) = one("vrrp_script chk {\n script /bin/true\n}\n");
        assert_eq!(code, 0, "{r}");
        assert_eq!(s.interval, Duration::from_secs(1));
        assert_eq!(s.timeout, None);
        assert_eq!(s.effective_timeout(), Duration::from_secs(1));
        assert_eq!((s.weight, s.weight_reverse), (0, false));
        assert_eq!((s.rise, s.fall), (1, 1));
        assert!(!s.init_fail);
        assert_eq!(s.user, None);
        // Without script_user the default user is keepalived_script if it
        // exists, else keepalived's own ids.
        let h = SystemHost;
        let want = h
            .user("keepalived_script")
            .map_or((h.euid(), h.egid()), |u| (u.uid, u.gid));
        let sc = s.script.expect("script");
        assert_eq!((sc.uid, sc.gid), want);
    }

    #[test]
    fn intervals_are_whole_seconds_and_zero_becomes_one() {
        let (s, code, _) =
            one("vrrp_script c {\n script /bin/true\n interval 1.5\n timeout 0.5\n}\n");
        assert_eq!(code, 5);
        assert_eq!(s.interval, Duration::from_secs(1));
        assert_eq!(s.timeout, None);
        let (s, code, _) = one("vrrp_script c {\n script /bin/true\n interval 0\n timeout 0\n}\n");
        assert_eq!(code, 5);
        assert_eq!(s.interval, Duration::from_secs(1));
        assert_eq!(s.timeout, Some(Duration::from_secs(1)));
        let (s, code, _) =
            one("vrrp_script c {\n script /bin/true\n interval 4294\n timeout 4295\n}\n");
        assert_eq!(code, 5);
        assert_eq!(s.interval, Duration::from_secs(4294));
        assert_eq!(s.timeout, None);
    }

    #[test]
    fn bad_weight_rise_fall_are_reported() {
        let ctx =
            parse("vrrp_script c {\n script /bin/true\n weight 300 bogus\n rise 0\n fall x\n}\n");
        let e = errors(&ctx);
        assert!(e.contains(&(Class::InvalidNumber, 3)));
        assert_eq!(e.iter().filter(|x| **x == (Class::General, 3)).count(), 2);
        assert!(e.contains(&(Class::General, 4)) && e.contains(&(Class::General, 5)));
        let s = &ctx.cfg.vrrp.track.scripts[0];
        // keepalived keeps the out-of-range weight it complained about.
        assert_eq!((s.weight, s.weight_reverse), (300, false));
        assert_eq!((s.rise, s.fall), (1, 1));
        assert_eq!(exit_code(&ctx), 5);
    }

    #[test]
    fn scripts_without_command_or_user_are_dropped() {
        let ctx = parse("vrrp_script c {\n script\n interval 2\n}\n");
        assert!(ctx.cfg.vrrp.track.scripts.is_empty());
        assert_eq!(errors(&ctx), [(Class::General, 4)]);
        let ctx = parse("vrrp_script c {\n script \"\"\n}\n");
        assert!(ctx.cfg.vrrp.track.scripts.is_empty());
        let ctx = parse("vrrp_script c {\n script /bin/true\n user no_such_user_zz\n}\n");
        assert!(ctx.cfg.vrrp.track.scripts.is_empty());
        assert_eq!(errors(&ctx), [(Class::General, 3)]);
        // A later valid user wins.
        let ctx =
            parse("vrrp_script c {\n script /bin/true\n user no_such_user_zz\n user root\n}\n");
        assert_eq!(ctx.cfg.vrrp.track.scripts.len(), 1);
        // An empty `script` keeps the earlier command.
        let (s, code, _) = one("vrrp_script c {\n script /bin/true\n script\n}\n");
        assert_eq!(code, 0);
        assert_eq!(
            s.script.map(|x| x.args),
            Some(vec!["/bin/true".to_string()])
        );
    }

    #[test]
    fn missing_names_and_users_stop_keepalived() {
        assert_eq!(
            exit_code(&parse("vrrp_script {\n script /bin/true\n}\n")),
            2
        );
        assert_eq!(
            exit_code(&parse("vrrp_script c {\n script /bin/true\n user\n}\n")),
            2
        );
    }

    #[test]
    fn duplicate_names_are_kept_and_resolve_to_the_first() {
        let ctx = parse(
            "vrrp_script c {\n script /bin/true\n weight 1\n}\nvrrp_script c {\n script /bin/false\n weight 2\n}\n",
        );
        assert_eq!(exit_code(&ctx), 0);
        assert_eq!(ctx.cfg.vrrp.track.scripts.len(), 2);
        assert_eq!(ctx.cfg.vrrp.track.script("c").map(|s| s.weight), Some(1));
    }

    #[test]
    fn quoting_errors() {
        // Inside the command: reported, the command is ignored.
        let ctx = parse("vrrp_script c {\n script \"/bin/true 'a\"\n}\n");
        assert!(errors(&ctx).contains(&(Class::UnmatchedQuote, 2)));
        assert!(ctx.cfg.vrrp.track.scripts.is_empty());
        // On the line itself keepalived 2.2.7 crashes; we report it.
        let ctx = parse("vrrp_script c {\n script '/bin/true\n}\n");
        assert!(
            errors(&ctx).contains(&(Class::Fatal, 2)),
            "{}",
            report(&ctx)
        );
    }

    #[test]
    fn script_security_without_a_script_user_drops_scripts() {
        let ctx = parse_with("vrrp_script c {\n script /bin/true\n}\n", |ctx| {
            ctx.cfg.global.script_security = true;
        });
        if SystemHost.user("keepalived_script").is_some() {
            assert_eq!(ctx.cfg.vrrp.track.scripts.len(), 1);
            return;
        }
        // keepalived: no default user, so the script is dropped.
        assert!(ctx.cfg.vrrp.track.scripts.is_empty());
        assert_eq!(exit_code(&ctx), 5);
        // An explicit user still works.
        let ctx = parse_with(
            "vrrp_script c {\n script /bin/true\n user root\n}\n",
            |ctx| {
                ctx.cfg.global.script_security = true;
            },
        );
        assert_eq!(ctx.cfg.vrrp.track.scripts.len(), 1);
        assert_eq!(exit_code(&ctx), 0);
    }

    fn fake_check(_: &mut Ctx, s: &mut Script) -> u32 {
        match s.args[0].as_str() {
            "/missing" => flags::NOTFOUND,
            "/unsafe" => flags::ISSCRIPT | flags::INHIBIT | flags::INSECURE,
            "/noexec" => flags::ISSCRIPT,
            "</file" => flags::SYSTEM,
            _ => flags::ISSCRIPT | flags::EXECUTABLE,
        }
    }

    #[test]
    fn security_check_disables_scripts_that_cannot_run() {
        let text = "vrrp_script ok {\n script /ok\n user root\n}\n\
                    vrrp_script missing {\n script /missing\n user root\n}\n\
                    vrrp_script unsafe {\n script /unsafe\n user root\n}\n\
                    vrrp_script noexec {\n script /noexec\n user root\n}\n\
                    vrrp_script file {\n script \"</file\"\n user root\n}\n";
        let mut ctx = parse(text);
        let before = errors(&ctx).len();
        let f = check_scripts_with(&mut ctx, fake_check);
        let insecure: Vec<_> = ctx
            .cfg
            .vrrp
            .track
            .scripts
            .iter()
            .map(|s| (s.name.as_str(), s.insecure))
            .collect();
        assert_eq!(
            insecure,
            [
                ("ok", false),
                ("missing", true),
                ("unsafe", true),
                ("noexec", true),
                ("file", false)
            ]
        );
        assert_eq!(f & flags::ISSCRIPT, flags::ISSCRIPT);
        assert_eq!(f & flags::INSECURE, flags::INSECURE);
        // Only "not found" and "unsafe" are reported.
        let new: Vec<_> = errors(&ctx)[before..].to_vec();
        assert_eq!(new.len(), 2);
        assert!(new.iter().all(|(c, _)| *c == Class::General));
        // A second pass does not report again.
        check_scripts_with(&mut ctx, fake_check);
        assert_eq!(errors(&ctx).len(), before + 2);
    }

    #[test]
    fn security_check_with_the_real_checker() {
        let mut ctx = parse("vrrp_script c {\n script /bin/true\n user root\n}\n");
        let f = check_scripts(&mut ctx);
        assert_ne!(f & flags::ISSCRIPT, 0);
        assert!(!ctx.cfg.vrrp.track.scripts[0].insecure, "{}", report(&ctx));
    }
}
