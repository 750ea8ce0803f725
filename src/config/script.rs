//! Scripts named in the configuration (notify scripts, vrrp_script, MISC_CHECK
//! ...): how their command lines are split, which user runs them, and
//! keepalived's script security checks.
//!
//! keepalived checks a script by switching its effective uid/gid to the
//! script's user and asking the kernel. We run the checks with our own
//! identity and model "accessible by that user" from the permission bits
//! instead (see [`reachable`]).

use super::diag::Class;
use super::host::FileStat;
use super::lexer::{self, ScriptLexError};
use super::parser::{Args, Ctx, Missing};
use super::source::Pos;
use std::path::Path;

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

/// Things keepalived 2.2.7's `-t` does instead of giving an exit code while
/// it checks scripts. keepalived-rs carries on as the daemon would; these are
/// recorded so the caller can decide what to make of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestAbort {
    /// A script runs as another uid/gid than keepalived: after testing it
    /// with that identity, `-t` sends itself SIGTERM (its parent-death check
    /// compares with a main pid that is never set in `-t` mode).
    SelfTerminated,
    /// A bare script name was found through an empty `PATH` entry (the
    /// current directory): keepalived then dereferences a null pointer.
    Crashed,
}

/// The default script user and whether script security is on.
#[derive(Debug, Default, Clone)]
pub struct ScriptState {
    default_set: bool,
    default_failed: bool,
    default_uid: u32,
    default_gid: u32,
    /// The first point where keepalived's `-t` would have stopped.
    test_abort: Option<(TestAbort, Pos)>,
}

impl ScriptState {
    /// Where (and how) keepalived 2.2.7's `-t` would have died instead of
    /// finishing its checks, if it would.
    pub fn test_abort(&self) -> Option<(TestAbort, Pos)> {
        self.test_abort
    }
}

// ---- users -------------------------------------------------------------------

/// keepalived's `set_uid_gid`: the uid/gid of `user` (and `group`), or
/// `None` when either does not exist. Names only: `user:group` or a numeric
/// id is looked up as a user name, as keepalived does.
pub fn lookup_user(ctx: &Ctx, user: &str, group: Option<&str>) -> Option<(u32, u32)> {
    let u = ctx.host.user(user)?;
    let gid = match group {
        Some(g) => ctx.host.group(g)?,
        None => u.gid,
    };
    Some((u.uid, gid))
}

/// `script_user USER [GROUP]` in global_defs (keepalived's
/// `set_default_script_user`). Returns false when the user or group does not
/// exist, or when an earlier `script_user` failed: keepalived never clears
/// that failure.
pub fn set_default_user(ctx: &mut Ctx, user: &str, group: Option<&str>) -> bool {
    ctx.scripts.default_set = true;
    match lookup_user(ctx, user, group) {
        Some((u, g)) => {
            ctx.scripts.default_uid = u;
            ctx.scripts.default_gid = g;
        }
        None => ctx.scripts.default_failed = true,
    }
    !ctx.scripts.default_failed
}

/// keepalived's `get_default_script_user`: `script_user`, else
/// `keepalived_script` if it exists, else keepalived's own ids. With script
/// security on and no `keepalived_script` user this is an error, reported
/// once; every later request fails silently.
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
                    "enable_script_security is set, but there is no script_user and the default user 'keepalived_script' does not exist: scripts without their own user will not be run",
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

// ---- command lines -------------------------------------------------------------

/// keepalived's `alloc_strvec_quoted_escaped` on `text`. Its words are C
/// strings, so an escaped NUL (`\0`) ends a word.
fn split(text: &str) -> Result<Vec<String>, ScriptLexError> {
    let mut words = lexer::script_words(text)?;
    for w in &mut words {
        if let Some(nul) = w.find('\0') {
            w.truncate(nul);
        }
    }
    Ok(words)
}

/// [`split`], reporting failures like keepalived: an unclosed quote is a
/// configuration error, a `\` at the very end is only logged.
fn split_reported(ctx: &mut Ctx, a: &Args, text: &str, what: &str) -> Option<Vec<String>> {
    match split(text) {
        Ok(w) => Some(w),
        Err(ScriptLexError::MissingQuote(q)) => {
            ctx.error(
                Class::UnmatchedQuote,
                a,
                1,
                format!(
                    "{what}: the quote {q} opened in '{text}' is never closed: the script is ignored"
                ),
            );
            None
        }
        Err(ScriptLexError::DanglingEscape) => {
            ctx.lint(
                a,
                1,
                format!("{what}: '{text}' ends with a lone '\\': the script is ignored"),
            );
            None
        }
    }
}

/// The shell-like words of a script keyword's whole line (keepalived's
/// `alloc_strvec_quoted_escaped(NULL)`): word 0 is the keyword, word 1 the
/// command line, then the optional user and group.
pub fn line_words(ctx: &mut Ctx, a: &Args) -> Option<Vec<String>> {
    let kw = a.keyword().to_string();
    let words = split_reported(ctx, a, a.raw(), &kw)?;
    (!words.is_empty()).then_some(words)
}

/// keepalived's `set_script_params_array`: word 1 of `words` (the command
/// line) split again into argv. `None` when there is nothing to run (said
/// as a lint: keepalived only logs it) or on a quoting error.
pub fn command_args(ctx: &mut Ctx, a: &Args, words: &[String]) -> Option<Vec<String>> {
    let kw = a.keyword().to_string();
    let args = match words.get(1) {
        Some(command) => split_reported(ctx, a, command, &kw)?,
        None => Vec::new(),
    };
    if args.is_empty() {
        ctx.lint(
            a,
            1,
            format!("{kw}: no command given: the script is ignored"),
        );
        return None;
    }
    Some(args)
}

/// The argv of a script keyword that takes no user (`script` in vrrp_script,
/// `misc_path`): the line re-read with shell quoting, word 1 split again.
pub fn script_args(ctx: &mut Ctx, a: &Args) -> Option<Vec<String>> {
    let words = line_words(ctx, a)?;
    command_args(ctx, a, &words)
}

/// keepalived's `notify_script_init`: a script keyword's line re-read with
/// shell quoting: word 1 is the command line (split again into argv), words
/// 2 and 3 the optional user and group. `Ok(None)` when the script is
/// dropped (keepalived only logs why, apart from quoting errors and a missing
/// default user); `Err(Missing)` when there is no command word at all
/// (keepalived names it in its message, and exits).
pub fn notify_script(ctx: &mut Ctx, a: &Args, kind: &str) -> Result<Option<Script>, Missing> {
    let Some(words) = line_words(ctx, a) else {
        return Ok(None);
    };
    if words.len() < 2 {
        return Err(Missing);
    }
    Ok(notify_script_from(ctx, a, kind, &words))
}

fn notify_script_from(ctx: &mut Ctx, a: &Args, kind: &str, words: &[String]) -> Option<Script> {
    let args = command_args(ctx, a, words)?;
    let ids = if words.len() > 2 {
        let group = words.get(3).map(String::as_str);
        match lookup_user(ctx, &words[2], group) {
            Some(ids) => ids,
            None => {
                let who = match group {
                    Some(g) => format!("user '{}' or group '{g}'", words[2]),
                    None => format!("user '{}'", words[2]),
                };
                ctx.lint(
                    a,
                    2,
                    format!(
                        "{kind} script '{}': {who} does not exist: the script is ignored",
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
                    format!(
                        "{kind} script '{}': there is no default script user to run it as: it is ignored",
                        args[0]
                    ),
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

// ---- security checks ------------------------------------------------------------

const S_ISUID: u32 = 0o4000;
const S_ISGID: u32 = 0o2000;
const S_ISVTX: u32 = 0o1000;
const S_IXUSR: u32 = 0o100;
const S_IWGRP: u32 = 0o020;
const S_IXGRP: u32 = 0o010;
const S_IWOTH: u32 = 0o002;
const S_IXOTH: u32 = 0o001;
/// Linux PATH_MAX and NAME_MAX.
const PATH_MAX: usize = 4096;
const NAME_MAX: usize = 255;

/// keepalived's `is_executable`: root needs any x bit; otherwise the owner,
/// group or other x bit, whichever class `uid`/`gid` falls in. For a
/// directory and a non-root user this is also the kernel's search check.
fn is_executable(st: &FileStat, uid: u32, gid: u32) -> bool {
    (uid == 0 && st.mode & (S_IXUSR | S_IXGRP | S_IXOTH) != 0)
        || (uid == st.uid && st.mode & S_IXUSR != 0)
        || (uid != st.uid
            && ((gid == st.gid && st.mode & S_IXGRP != 0)
                || (gid != st.gid && st.mode & S_IXOTH != 0)))
}

/// Whether `uid`/`gid` could look up `path`: every directory on the way must
/// be searchable. keepalived asks the kernel with that identity; we follow
/// the directories named in `path` (each resolved through symbolic links)
/// and read their mode bits. This ignores ACLs, capabilities, keepalived's
/// supplementary groups, the directories inside symbolic link targets and,
/// for a relative path, the directories above the current one.
fn reachable(ctx: &Ctx, path: &str, uid: u32, gid: u32) -> bool {
    if uid == 0 {
        return true;
    }
    path.match_indices('/').all(|(i, _)| {
        let dir = if i == 0 { "/" } else { &path[..i] };
        ctx.host
            .stat(Path::new(dir))
            .is_some_and(|st| st.is_dir() && is_executable(&st, uid, gid))
    })
}

/// Why a bare script name was not taken from PATH.
enum PathMiss {
    /// Only non-executable or non-regular files of that name.
    Denied,
    NotFound,
}

/// keepalived's `find_path` (glibc's execvp search): the first regular file
/// on `PATH` the script's user may execute.
fn find_path(ctx: &Ctx, script: &Script) -> Result<String, PathMiss> {
    let file = &script.args[0];
    if file.is_empty() || file.len() >= PATH_MAX || file.len() > NAME_MAX {
        return Err(PathMiss::NotFound);
    }
    let (our_uid, our_gid) = (ctx.host.euid(), ctx.host.egid());
    if (script.uid, script.gid) != (our_uid, our_gid) && (our_uid != 0 || script.uid != our_uid) {
        // keepalived cannot take on the script's identity for the search:
        // without root setegid/seteuid fail, and once it has given up root
        // for another uid it can no longer set its supplementary groups.
        return Err(PathMiss::Denied);
    }
    // The search itself runs with keepalived's own uid (see above).
    let mut denied = false;
    for dir in ctx.host.search_path().split(':') {
        let candidate = if dir.is_empty() {
            file.clone()
        } else {
            format!("{dir}/{file}")
        };
        if !reachable(ctx, &candidate, our_uid, script.gid) {
            continue;
        }
        let Some(st) = ctx.host.stat(Path::new(&candidate)) else {
            continue;
        };
        if st.is_file() && is_executable(&st, script.uid, script.gid) {
            return Ok(candidate);
        }
        denied = true;
    }
    Err(if denied {
        PathMiss::Denied
    } else {
        PathMiss::NotFound
    })
}

/// keepalived's `check_security`: `filename` and every directory above it
/// must belong to root and not be writable by others (a sticky directory
/// may be). Stops at the first problem.
fn check_path_security(ctx: &mut Ctx, script: &Script, filename: &str) -> u32 {
    let secure = ctx.cfg.global.script_security;
    let name = &script.args[0];
    // keepalived resolves a relative name against fd 0, which is not a
    // directory; names are absolute here anyway (they come from realpath).
    let last = filename.len();
    let items = filename
        .match_indices('/')
        .map(|(i, _)| (if i == 0 { 1 } else { i }, false))
        .chain(std::iter::once((last, true)));
    for (end, is_last) in items {
        let item = &filename[..end];
        let st = if filename.starts_with('/') {
            ctx.host.lstat(Path::new(item))
        } else {
            None
        };
        let Some(st) = st else {
            ctx.lint_at(
                Some(script.pos),
                format!("script '{name}': '{item}' cannot be found: the script is disabled"),
            );
            return flags::NOTFOUND;
        };
        let wrong_type = if is_last {
            !st.is_file() && !st.is_symlink()
        } else {
            !st.is_dir()
        };
        if wrong_type {
            let expected = if is_last {
                "a regular file"
            } else {
                "a directory"
            };
            ctx.lint_at(
                Some(script.pos),
                format!("script '{name}': '{item}' is not {expected}: the script is disabled"),
            );
            return flags::INHIBIT;
        }
        let writable_checked = (st.is_dir() && st.mode & S_ISVTX == 0) || st.is_file();
        let problem = if st.uid != 0 {
            Some(format!("is owned by uid {}, not root", st.uid))
        } else if writable_checked && st.mode & S_IWOTH != 0 {
            Some("is writable by everyone".to_string())
        } else if writable_checked && st.gid != 0 && st.mode & S_IWGRP != 0 {
            Some(format!("is writable by group {}", st.gid))
        } else {
            None
        };
        if let Some(problem) = problem {
            let outcome = if secure {
                "the script is disabled (enable_script_security)"
            } else {
                "anyone who can change it can run commands as root"
            };
            ctx.lint_at(
                Some(script.pos),
                format!("script '{name}' is insecure: '{item}' {problem}: {outcome}"),
            );
            return flags::INSECURE | if secure { flags::INHIBIT } else { 0 };
        }
    }
    0
}

/// The part of a path after its last `/` (the whole path without one).
fn file_part(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Record the first place where keepalived's `-t` would have stopped.
fn note_abort(ctx: &mut Ctx, kind: TestAbort, pos: Pos, msg: String) {
    if ctx.scripts.test_abort.is_none() {
        ctx.scripts.test_abort = Some((kind, pos));
        ctx.lint_at(Some(pos), msg);
    }
}

/// keepalived's `check_script_secure`: is the script there, executable by
/// its user, and safe to run as root? Returns [`flags`]. A bare name is
/// replaced by the path it was found at, and a path by its real path (its
/// file name kept when that names the same file).
pub fn check_secure(ctx: &mut Ctx, script: &mut Script) -> u32 {
    let Some(cmd) = script.args.first() else {
        return 0;
    };
    // `</file` only tests whether the file can be opened.
    if let Some(rest) = cmd.strip_prefix('<') {
        if rest.trim_start_matches([' ', '\t']).starts_with('/') {
            return flags::SYSTEM;
        }
    }

    if !cmd.contains('/') {
        match find_path(ctx, script) {
            Ok(found) => {
                ctx.lint_at(
                    Some(script.pos),
                    format!(
                        "script '{cmd}' was found by searching PATH: '{found}' will be run; write the full path"
                    ),
                );
                script.args[0] = found;
            }
            Err(miss) => {
                let why = match miss {
                    PathMiss::Denied => format!(
                        "no file of that name on PATH is executable by uid:gid {}:{}",
                        script.uid, script.gid
                    ),
                    PathMiss::NotFound => {
                        format!("it is not found on PATH ({})", ctx.host.search_path())
                    }
                };
                ctx.lint_at(
                    Some(script.pos),
                    format!("script '{cmd}': {why}: the script is disabled"),
                );
                return flags::NOTFOUND;
            }
        }
    }

    let (our_uid, our_gid) = (ctx.host.euid(), ctx.host.egid());
    let other_identity = (script.uid, script.gid) != (our_uid, our_gid);
    if other_identity {
        if our_uid != 0 {
            ctx.lint_at(
                Some(script.pos),
                format!(
                    "script '{}' runs as uid:gid {}:{}, which keepalived (uid {our_uid}) cannot switch to: the script is disabled",
                    script.args[0], script.uid, script.gid
                ),
            );
            return flags::INHIBIT;
        }
        let pos = script.pos;
        let msg = format!(
            "keepalived 2.2.7 -t terminates itself (SIGTERM, no exit code) when it checks a script that runs as another user than keepalived, as '{}' (uid:gid {}:{}) does; keepalived-rs checks it as the daemon would",
            script.args[0], script.uid, script.gid
        );
        note_abort(ctx, TestAbort::SelfTerminated, pos, msg);
    }

    // realpath, done with the script's identity.
    let (uid, gid) = if other_identity {
        (script.uid, script.gid)
    } else {
        (our_uid, our_gid)
    };
    let real = ctx
        .host
        .realpath(Path::new(&script.args[0]))
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|r| reachable(ctx, &script.args[0], uid, gid) && reachable(ctx, r, uid, gid));
    let Some(real) = real else {
        ctx.lint_at(
            Some(script.pos),
            format!(
                "script '{}' does not exist or cannot be reached by uid:gid {uid}:{gid}: the script is disabled",
                script.args[0]
            ),
        );
        return flags::NOTFOUND;
    };

    // Keep the name the script was called by when it is a link to the same
    // file: some programs behave differently depending on their name.
    let mut real_file: Option<String> = None;
    if script.args[0] != real {
        if !script.args[0].contains('/') {
            let pos = script.pos;
            let msg = format!(
                "keepalived 2.2.7 crashes (segmentation fault) when a script is found through an empty PATH entry, as '{}' is; write the full path",
                script.args[0]
            );
            note_abort(ctx, TestAbort::Crashed, pos, msg);
        }
        let orig_name = file_part(&script.args[0]);
        let real_name = file_part(&real);
        let mut new_path = real.clone();
        if orig_name != real_name {
            let named = format!("{}{orig_name}", &real[..real.len() - real_name.len()]);
            let real_st = ctx.host.stat(Path::new(&real));
            let named_st = ctx.host.stat(Path::new(&named));
            let same = match (real_st, named_st) {
                (Some(r), Some(n)) => r.dev == n.dev && r.ino == n.ino,
                (Some(_), None) => false,
                (None, _) => true,
            };
            if same {
                new_path = named;
                real_file = Some(real);
            }
        }
        if script.args[0] != new_path {
            script.args[0] = new_path;
        }
    }

    let target = real_file.as_deref().unwrap_or(&script.args[0]);
    let Some(st) = ctx.host.stat(Path::new(target)) else {
        ctx.lint_at(
            Some(script.pos),
            format!(
                "script '{}' cannot be accessed: the script is disabled",
                script.args[0]
            ),
        );
        return flags::NOTFOUND;
    };

    let mut result = flags::ISSCRIPT;
    let mut needs_protection = false;
    if is_executable(&st, script.uid, script.gid) {
        result |= flags::EXECUTABLE;
        // Run as root, or setuid/setgid root.
        needs_protection = script.uid == 0
            || script.gid == 0
            || (st.uid == 0 && st.mode & S_IXUSR != 0 && st.mode & S_ISUID != 0)
            || (st.gid == 0 && st.mode & S_IXGRP != 0 && st.mode & S_ISGID != 0);
    } else {
        ctx.lint_at(
            Some(script.pos),
            format!(
                "script '{}' is not executable by uid:gid {}:{}: it will not be run",
                script.args[0], script.uid, script.gid
            ),
        );
    }
    if !needs_protection {
        return result;
    }

    let name = script.args[0].clone();
    result |= check_path_security(ctx, script, &name);
    if let Some(real) = real_file {
        result |= check_path_security(ctx, script, &real);
    }
    result
}

/// Whether a script checked with [`check_secure`] must not be run by a
/// tracker, MISC_CHECK or start/shutdown script (keepalived's
/// `check_track_script_secure`, `check_misc_script_security`,
/// `check_start_stop_script_secure`): inhibited, not found, or neither
/// executable nor a `</file` test.
pub fn disabled(script_flags: u32) -> bool {
    script_flags & (flags::INHIBIT | flags::NOTFOUND) != 0
        || script_flags & (flags::EXECUTABLE | flags::SYSTEM) == 0
}

/// keepalived's `check_notify_script_secure`: check the script and drop it
/// (set it to `None`) when it must not run. Returns [`flags`]. Unlike the
/// other kinds, a notify script that is a `</file` test is dropped too.
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

/// keepalived's `check_start_stop_script_secure` (startup_script,
/// shutdown_script): check the script and drop it when it must not run.
pub fn check_start_stop_secure(ctx: &mut Ctx, script: &mut Option<Script>) -> u32 {
    let Some(s) = script.as_mut() else {
        return 0;
    };
    let f = check_secure(ctx, s);
    if disabled(f) {
        *script = None;
    }
    f
}

/// After a process has checked all its scripts: scripts would run without
/// `enable_script_security` (keepalived's SECURITY VIOLATION, `-t` exit 6).
/// `what` names the kind of scripts ("scripts", "check scripts", ...).
/// keepalived reports this for every script that exists, whatever user runs
/// it and even when it is not executable.
pub fn report_security(ctx: &mut Ctx, script_flags: u32, what: &str) {
    if ctx.cfg.global.script_security || script_flags & flags::ISSCRIPT == 0 {
        return;
    }
    let insecure = if script_flags & flags::INSECURE != 0 {
        " Some of them can be changed by users other than root (see the warnings)."
    } else {
        ""
    };
    ctx.error_at(
        Class::Security,
        None,
        format!("{what} are configured, but 'enable_script_security' is not set in global_defs.{insecure}"),
    )
    .help = Some(
        "add 'enable_script_security' to global_defs, and a 'script_user' unless the user 'keepalived_script' exists".into(),
    );
}

#[cfg(test)]
#[path = "script_tests.rs"]
mod tests;
