//! Tests of the script module: command-line splitting, users, and the
//! security checks on real files, compared with keepalived 2.2.7's `-t`.

use super::*;
use crate::config::host::{Host, User};
use crate::config::preproc::{Line, Reader};
use crate::sys::host::SystemHost;
use std::net::IpAddr;
use std::os::unix::fs::{chown, lchown, symlink, PermissionsExt};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `notify_script` on a line that has its command word.
fn notify(c: &mut Ctx, a: &Args, kind: &str) -> Option<Script> {
    notify_script(c, a, kind).expect("the line has a command word")
}

const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const NOBODY: u32 = 65534;
/// The group `daemon` (gid 1) on Debian.
const DAEMON_GID: u32 = 1;

/// The real machine, with a chosen PATH and current directory, a chosen
/// answer for the user `keepalived_script` and a chosen keepalived identity.
struct TestHost {
    path: String,
    cwd: Option<PathBuf>,
    keepalived_script: Option<User>,
    ids: (u32, u32),
}

impl TestHost {
    fn new() -> Self {
        TestHost {
            path: DEFAULT_PATH.into(),
            cwd: None,
            keepalived_script: None,
            ids: (SystemHost.euid(), SystemHost.egid()),
        }
    }

    fn at(&self, p: &Path) -> PathBuf {
        match &self.cwd {
            Some(cwd) if p.is_relative() => cwd.join(p),
            _ => p.to_path_buf(),
        }
    }
}

impl Host for TestHost {
    fn short_hostname(&self) -> String {
        "testnode".into()
    }
    fn interface_exists(&self, name: &str) -> bool {
        SystemHost.interface_exists(name)
    }
    fn interface_addresses(&self, name: &str) -> Vec<(IpAddr, u8)> {
        SystemHost.interface_addresses(name)
    }
    fn user(&self, name: &str) -> Option<User> {
        if name == "keepalived_script" {
            return self.keepalived_script.clone();
        }
        SystemHost.user(name)
    }
    fn group(&self, name: &str) -> Option<u32> {
        SystemHost.group(name)
    }
    fn euid(&self) -> u32 {
        self.ids.0
    }
    fn egid(&self) -> u32 {
        self.ids.1
    }
    fn stat(&self, path: &Path) -> Option<FileStat> {
        SystemHost.stat(&self.at(path))
    }
    fn lstat(&self, path: &Path) -> Option<FileStat> {
        SystemHost.lstat(&self.at(path))
    }
    fn realpath(&self, path: &Path) -> Option<PathBuf> {
        SystemHost.realpath(&self.at(path))
    }
    fn search_path(&self) -> String {
        self.path.clone()
    }
    fn resolve(&self, name: &str) -> Vec<IpAddr> {
        SystemHost.resolve(name)
    }
    fn read_to_string(&self, path: &Path) -> Option<String> {
        SystemHost.read_to_string(&self.at(path))
    }
}

fn ctx(host: &TestHost) -> Ctx<'_> {
    Ctx::new(Reader::new("testnode", 0), host, false)
}

/// A keyword line as the parser hands it to a handler.
fn args(text: &str) -> Args {
    let line = Line {
        text: text.to_string(),
        pos: Pos {
            file: 0,
            line: 1,
            col: 1,
        },
        expanded: false,
    };
    Args::new(line, lexer::words(text).0)
}

fn exit_code(ctx: &Ctx) -> i32 {
    ctx.reader.diags.exit_code()
}

fn messages(ctx: &Ctx) -> String {
    ctx.reader
        .diags
        .items
        .iter()
        .map(|d| format!("{:?}: {}\n", d.class, d.message))
        .collect()
}

fn root() -> bool {
    SystemHost.euid() == 0
}

// ---- splitting ------------------------------------------------------------------

#[test]
fn notify_line_is_split_twice() {
    let host = TestHost::new();
    let mut c = ctx(&host);
    let s = notify(
        &mut c,
        &args(r#"notify_master "/bin/echo 'a b' c\tz d\\tz""#),
        "notify",
    )
    .expect("script");
    // Escapes are expanded in both passes: `\t` becomes a tab that splits
    // the command, `\\t` a `\t` that becomes a tab inside a word.
    assert_eq!(s.args, ["/bin/echo", "a b", "c", "z", "d\tz"]);
    assert_eq!((s.uid, s.gid), (host.ids.0, host.ids.1));
    assert_eq!(s.pos.col, 15);
    // Unquoted words after the command are the user and group, not arguments.
    let s = notify(&mut c, &args("notify_master /bin/true root root"), "n").unwrap();
    assert_eq!(s.args, ["/bin/true"]);
    assert_eq!((s.uid, s.gid), (0, 0));
    // An escaped space splits the command in the second pass; an escaped
    // NUL ends the word.
    let s = notify(&mut c, &args(r#"notify "/bin/true\040x\0yz""#), "n").unwrap();
    assert_eq!(s.args, ["/bin/true", "x"]);
    assert_eq!(exit_code(&c), 0, "{}", messages(&c));
}

#[test]
fn quoting_errors_in_either_pass() {
    let host = TestHost::new();
    // An unclosed quote on the line, and one inside the command string:
    // both are configuration errors.
    for line in [
        r#"notify_master '/bin/true"#,
        r#"notify_master "/bin/echo 'abc""#,
    ] {
        let mut c = ctx(&host);
        assert_eq!(notify(&mut c, &args(line), "notify"), None);
        assert_eq!(
            c.reader.diags.worst(),
            Some(Class::UnmatchedQuote),
            "{line}"
        );
        assert_eq!(exit_code(&c), 5);
    }
    // A trailing lone backslash (in either pass) and an empty command are
    // only logged.
    for line in [
        r"notify_master /bin/true\\",
        r#"notify_master "/bin/true \\""#,
        r#"notify_master """#,
        r#"notify_master "  ""#,
    ] {
        let mut c = ctx(&host);
        assert_eq!(notify(&mut c, &args(line), "notify"), None, "{line}");
        assert_eq!(exit_code(&c), 0, "{line}: {}", messages(&c));
        assert_eq!(c.reader.diags.items.len(), 1, "{line}");
    }
    // Without a command word at all, keepalived exits (status 2).
    for line in ["notify_master", "notify_master  "] {
        let mut c = ctx(&host);
        assert_eq!(
            notify_script(&mut c, &args(line), "notify"),
            Err(Missing),
            "{line}"
        );
    }
}

#[test]
fn script_args_without_user() {
    let host = TestHost::new();
    let mut c = ctx(&host);
    let a = script_args(
        &mut c,
        &args(r#"script "/bin/killall -0 'ha proxy'" ignored"#),
    );
    assert_eq!(a.unwrap(), ["/bin/killall", "-0", "ha proxy"]);
    assert_eq!(script_args(&mut c, &args("script ''")), None);
    assert_eq!(exit_code(&c), 0);
}

// ---- users ------------------------------------------------------------------------

#[test]
fn script_user_words() {
    let host = TestHost::new();
    let mut c = ctx(&host);
    let s = notify(&mut c, &args("notify /bin/true nobody"), "n").unwrap();
    assert_eq!((s.uid, s.gid), (NOBODY, NOBODY));
    let s = notify(&mut c, &args("notify /bin/true nobody daemon"), "n").unwrap();
    assert_eq!((s.uid, s.gid), (NOBODY, DAEMON_GID));
    // Unknown users or groups, `user:group` and numeric ids drop the script,
    // which keepalived only logs.
    for line in [
        "notify /bin/true nosuchuser",
        "notify /bin/true nobody nosuchgroup",
        "notify /bin/true nobody:daemon",
        "notify /bin/true 0",
        r#"notify /bin/true """#,
    ] {
        assert_eq!(notify(&mut c, &args(line), "n"), None, "{line}");
    }
    assert_eq!(exit_code(&c), 0, "{}", messages(&c));
    assert!(!c.scripts.default_set, "no default user needed");
}

#[test]
fn default_user_order() {
    // keepalived's own ids when there is no keepalived_script user.
    let mut host = TestHost::new();
    host.ids = (0, 0);
    let mut c = ctx(&host);
    assert_eq!(default_user(&mut c, None), Some((0, 0)));
    // keepalived_script when it exists.
    host.keepalived_script = Some(User {
        name: "keepalived_script".into(),
        uid: 999,
        gid: 998,
    });
    let mut c = ctx(&host);
    assert_eq!(default_user(&mut c, None), Some((999, 998)));
    c.cfg.global.script_security = true;
    assert_eq!(default_user(&mut c, None), Some((999, 998)));
    // script_user wins.
    let mut c = ctx(&host);
    assert!(set_default_user(&mut c, "nobody", Some("daemon")));
    assert_eq!(default_user(&mut c, None), Some((NOBODY, DAEMON_GID)));
    assert_eq!(exit_code(&c), 0);
}

#[test]
fn script_security_without_a_default_user_is_an_error_once() {
    let host = TestHost::new();
    let mut c = ctx(&host);
    c.cfg.global.script_security = true;
    assert_eq!(
        notify(&mut c, &args("notify_master /bin/true"), "notify"),
        None
    );
    assert_eq!(
        notify(&mut c, &args("notify_backup /bin/true"), "notify"),
        None
    );
    let errors: Vec<_> = c
        .reader
        .diags
        .items
        .iter()
        .filter(|d| d.class.is_some())
        .collect();
    assert_eq!(errors.len(), 1, "{}", messages(&c));
    assert_eq!(errors[0].class, Some(Class::General));
    assert_eq!(exit_code(&c), 5);
    // A script with its own user is unaffected.
    assert!(notify(&mut c, &args("notify_fault /bin/true root"), "notify").is_some());
}

#[test]
fn a_failed_script_user_stays_failed() {
    let host = TestHost::new();
    let mut c = ctx(&host);
    assert!(!set_default_user(&mut c, "nosuchuser", None));
    // keepalived reports the second line as failed too.
    assert!(!set_default_user(&mut c, "root", None));
    assert_eq!(default_user(&mut c, None), None);
    let mut c = ctx(&host);
    assert!(set_default_user(&mut c, "root", None));
    assert!(!set_default_user(&mut c, "root", Some("nosuchgroup")));
    assert_eq!(notify(&mut c, &args("notify_master /bin/true"), "n"), None);
    // set_default_user itself reports nothing: global_defs' handler does.
    assert_eq!(exit_code(&c), 0);
}

#[test]
fn user_at_reads_user_and_group_words() {
    let host = TestHost::new();
    let mut c = ctx(&host);
    assert_eq!(
        user_at(&mut c, &args("user nobody"), 1),
        Ok(Some((NOBODY, NOBODY)))
    );
    assert_eq!(
        user_at(&mut c, &args("user nobody daemon"), 1),
        Ok(Some((NOBODY, DAEMON_GID)))
    );
    assert_eq!(user_at(&mut c, &args("user nosuch"), 1), Ok(None));
    assert_eq!(user_at(&mut c, &args("user"), 1), Err(Missing));
}

// ---- security checks on real files -------------------------------------------------

/// A directory tree under /tmp (itself world-writable with the sticky bit)
/// with scripts of every kind of ownership and mode.
struct Fixture {
    root: PathBuf,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

impl Fixture {
    fn new() -> Fixture {
        static N: AtomicUsize = AtomicUsize::new(0);
        let root = PathBuf::from(format!(
            "/tmp/ka-script-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        let dir = |rel: &str, mode: u32, owner: Option<u32>, group: Option<u32>| {
            let p = root.join(rel);
            std::fs::create_dir_all(&p).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
            chown(&p, owner, group).unwrap();
        };
        dir("", 0o755, Some(0), Some(0));
        for (d, mode, owner, group) in [
            ("d755", 0o755, 0, 0),
            ("d755/sub", 0o755, 0, 0),
            ("d777", 0o777, 0, 0),
            ("d1777", 0o1777, 0, 0),
            ("d775g", 0o775, 0, DAEMON_GID),
            ("dnobody", 0o755, NOBODY, 0),
            ("d700", 0o700, 0, 0),
            ("d1777n", 0o1777, NOBODY, 0),
        ] {
            dir(d, mode, Some(owner), Some(group));
        }
        for (f, mode, owner, group) in [
            ("d755/ok", 0o755, 0, 0),
            ("d755/noexec", 0o644, 0, 0),
            ("d755/ww", 0o777, 0, 0),
            ("d755/gw_root", 0o775, 0, 0),
            ("d755/gw_daemon", 0o775, 0, DAEMON_GID),
            ("d755/owned_nobody", 0o755, NOBODY, 0),
            ("d755/suid", 0o4755, 0, 0),
            ("d755/uexec", 0o744, 0, 0),
            ("d755/oexec", 0o701, 0, 0),
            ("d755/gexec", 0o710, 0, DAEMON_GID),
            ("d755/sub/true", 0o755, 0, 0),
            ("d777/ok", 0o755, 0, 0),
            ("d1777/ok", 0o755, 0, 0),
            ("d775g/ok", 0o755, 0, 0),
            ("dnobody/ok", 0o755, 0, 0),
            ("d700/ok", 0o755, 0, 0),
            ("d1777n/ok", 0o755, 0, 0),
        ] {
            let p = root.join(f);
            std::fs::write(&p, "#!/bin/sh\nexit 0\n").unwrap();
            chown(&p, Some(owner), Some(group)).unwrap();
            // After chown, which clears the setuid bit.
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let t = root.display().to_string();
        for (link, target) in [
            ("d755/link_same_dir", "ok".to_string()),
            ("d755/link_true", "/bin/true".to_string()),
            ("d755/link_to_insecure", format!("{t}/d777/ok")),
            ("d755/dangling", "/nonexistent".to_string()),
            ("d755/nobody_link", "ok".to_string()),
            ("d777/lnk", "ok".to_string()),
            ("d777/lnk_to_secure", format!("{t}/d755/ok")),
            ("linkdir777", "d777".to_string()),
            ("linkdir755", "d755".to_string()),
        ] {
            symlink(target, root.join(link)).unwrap();
        }
        lchown(root.join("d755/nobody_link"), Some(NOBODY), None).unwrap();
        Fixture { root }
    }

    fn expand(&self, s: &str) -> String {
        s.replace("{T}", &self.root.display().to_string())
    }
}

/// How the script is used in the configuration given to keepalived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `notify_master` in a vrrp_instance; nothing in global_defs.
    Notify,
    /// The same with `enable_script_security` and `script_user root`.
    NotifySecure,
    /// A vrrp_script tracked by the instance; nothing in global_defs.
    Track,
    /// The same with `enable_script_security` and `script_user root`.
    TrackSecure,
}

const MODES: [Mode; 4] = [
    Mode::Notify,
    Mode::NotifySecure,
    Mode::Track,
    Mode::TrackSecure,
];

/// Exit status the shell reports when keepalived -t kills itself (SIGTERM).
const SIGTERM: i32 = 143;
/// Exit status the shell reports when keepalived -t crashes (SIGSEGV).
const SIGSEGV: i32 = 139;

struct Case {
    /// Extra lines for global_defs (after those of the secure modes).
    global: &'static str,
    /// The command line; `{T}` is the fixture's directory.
    cmd: &'static str,
    /// User and group words (after the command, or in vrrp_script's `user`).
    user: &'static str,
    /// PATH for keepalived and for our search; `None`: [`DEFAULT_PATH`].
    path: Option<&'static str>,
    /// The current directory, relative to the fixture; `None`: the fixture.
    cwd: Option<&'static str>,
    /// check_secure's result for the script run by root, without script
    /// security (with it, INSECURE comes with INHIBIT).
    flags: u32,
    /// `keepalived -t` exit status in each [`MODES`], measured with
    /// keepalived 2.2.7 (Debian) on `interface eth0` (see
    /// `real_keepalived_agrees_with_the_table`). With `interface lo`
    /// keepalived also reports that lo cannot be used for VRRP: 0 becomes 5.
    keepalived: [i32; 4],
}

const IS: u32 = flags::ISSCRIPT;
const EX: u32 = flags::EXECUTABLE;
const OK: u32 = IS | EX;
const BAD: u32 = IS | EX | flags::INSECURE;
const NF: u32 = flags::NOTFOUND;

const fn case(cmd: &'static str, flags: u32, keepalived: [i32; 4]) -> Case {
    Case {
        global: "",
        cmd,
        user: "",
        path: None,
        cwd: None,
        flags,
        keepalived,
    }
}

const fn in_path(
    cmd: &'static str,
    path: &'static str,
    cwd: Option<&'static str>,
    flags: u32,
    keepalived: [i32; 4],
) -> Case {
    Case {
        global: "",
        cmd,
        user: "",
        path: Some(path),
        cwd,
        flags,
        keepalived,
    }
}

const fn as_user(cmd: &'static str, user: &'static str, flags: u32, keepalived: [i32; 4]) -> Case {
    Case {
        global: "",
        cmd,
        user,
        path: None,
        cwd: None,
        flags,
        keepalived,
    }
}

const fn with_global(global: &'static str, keepalived: [i32; 4]) -> Case {
    Case {
        global,
        cmd: "/bin/true",
        user: "",
        path: None,
        cwd: None,
        flags: OK,
        keepalived,
    }
}

/// The cases, and what keepalived 2.2.7 -t said about each
/// (columns: Notify, NotifySecure, Track, TrackSecure).
const CASES: &[Case] = &[
    // Files in a root-owned 755 directory under /tmp.
    case("{T}/d755/ok", OK, [6, 0, 6, 0]),
    case("{T}/d755/ok arg1 'arg 2'", OK, [6, 0, 6, 0]),
    case("{T}/d755/noexec", IS, [6, 0, 6, 0]),
    case("{T}/d755/ww", BAD, [6, 0, 6, 5]),
    case("{T}/d755/gw_root", OK, [6, 0, 6, 0]),
    case("{T}/d755/gw_daemon", BAD, [6, 0, 6, 5]),
    case("{T}/d755/owned_nobody", BAD, [6, 0, 6, 5]),
    case("{T}/d755/suid", OK, [6, 0, 6, 0]),
    case("{T}/d755/uexec", OK, [6, 0, 6, 0]),
    case("{T}/d755/oexec", OK, [6, 0, 6, 0]),
    case("{T}/d755/gexec", OK, [6, 0, 6, 0]),
    case("{T}/d755/sub/true", OK, [6, 0, 6, 0]),
    // The directory: writable by others, sticky, group, owner.
    case("{T}/d777/ok", BAD, [6, 0, 6, 5]),
    case("{T}/d1777/ok", OK, [6, 0, 6, 0]),
    case("{T}/d775g/ok", BAD, [6, 0, 6, 5]),
    case("{T}/dnobody/ok", BAD, [6, 0, 6, 5]),
    case("{T}/d1777n/ok", BAD, [6, 0, 6, 5]),
    case("{T}/d700/ok", OK, [6, 0, 6, 0]),
    // A directory is "executable" but the wrong type for the path walk.
    case("{T}/d755", IS | EX | flags::INHIBIT, [6, 0, 6, 5]),
    // Symbolic links.
    case("{T}/d755/link_same_dir", OK, [6, 0, 6, 0]),
    case("{T}/d755/link_true", OK, [6, 0, 6, 0]),
    case("{T}/d755/link_to_insecure", BAD, [6, 0, 6, 5]),
    case("{T}/d755/nobody_link", BAD, [6, 0, 6, 5]),
    case("{T}/d777/lnk", BAD, [6, 0, 6, 5]),
    // Only the target is walked when the link's name differs.
    case("{T}/d777/lnk_to_secure", OK, [6, 0, 6, 0]),
    case("{T}/linkdir777/ok", BAD, [6, 0, 6, 5]),
    case("{T}/linkdir755/ok", OK, [6, 0, 6, 0]),
    case("{T}/d755/dangling", NF, [0, 0, 5, 5]),
    // System files, missing files, `</file` tests, relative paths.
    case("/bin/true", OK, [6, 0, 6, 0]),
    case("/nonexistent/script", NF, [0, 0, 5, 5]),
    case("</etc/passwd", flags::SYSTEM, [0, 0, 0, 0]),
    case("'< /etc/passwd'", flags::SYSTEM, [0, 0, 0, 0]),
    // Unquoted, `<` is a command of its own, searched for on PATH.
    case("< /etc/passwd", NF, [0, 0, 5, 5]),
    case("<etc/passwd", NF, [0, 0, 5, 5]),
    case("./d755/ok", OK, [6, 0, 6, 0]),
    case("d755/ok", OK, [6, 0, 6, 0]),
    case("sub/true", NF, [0, 0, 5, 5]),
    // Bare names: PATH search.
    case("true", OK, [6, 0, 6, 0]),
    case("no_such_command_xyz", NF, [0, 0, 5, 5]),
    in_path("ok", "{T}/d755:/usr/bin", None, OK, [6, 0, 6, 0]),
    in_path("noexec", "{T}/d755:/usr/bin", None, NF, [0, 0, 5, 5]),
    in_path("ww", "{T}/d755", None, BAD, [6, 0, 6, 5]),
    in_path("ok", "{T}/d777:/usr/bin", None, BAD, [6, 0, 6, 5]),
    in_path("lnk", "{T}/d777", None, BAD, [6, 0, 6, 5]),
    in_path("link_true", "{T}/d755", None, OK, [6, 0, 6, 0]),
    in_path("true", "{T}/d755/sub:/usr/bin", None, OK, [6, 0, 6, 0]),
    in_path("ok", "d755:/usr/bin", None, OK, [6, 0, 6, 0]),
    in_path("true", ":/usr/bin", Some("d755"), OK, [6, 0, 6, 0]),
    // An empty PATH entry finds the script in the current directory:
    // keepalived crashes.
    in_path("ok", ":/usr/bin", Some("d755"), OK, [SIGSEGV; 4]),
    // Users: root's own ids are fine; any other uid or gid makes
    // keepalived -t kill itself once it has tested the script, unless a
    // bare name was not found (uid changed: the search always fails).
    as_user("/bin/true", "root", OK, [6, 0, 6, 0]),
    as_user("/bin/true", "root root", OK, [6, 0, 6, 0]),
    as_user("/bin/true", "nobody", OK, [SIGTERM; 4]),
    as_user("/bin/true", "root daemon", OK, [SIGTERM; 4]),
    as_user("/nonexistent/script", "nobody", NF, [SIGTERM; 4]),
    as_user("true", "root daemon", OK, [SIGTERM; 4]),
    as_user("true", "nobody", NF, [0, 0, 5, 5]),
    as_user("</etc/passwd", "nobody", flags::SYSTEM, [0, 0, 0, 0]),
    // Unknown users: the notify script is ignored (logged); vrrp_script's
    // `user` reports an error.
    as_user("/bin/true", "nosuchuser", 0, [0, 0, 5, 5]),
    as_user("/bin/true", "nobody:daemon", 0, [0, 0, 5, 5]),
    as_user("/bin/true", "root nosuchgroup", 0, [0, 0, 5, 5]),
    // The default user (no keepalived_script user on the machine).
    with_global("enable_script_security", [5, 0, 5, 0]),
    with_global("script_user root", [6, 0, 6, 0]),
    with_global("script_user nosuchuser", [5, 5, 5, 5]),
    with_global("script_user nobody", [SIGTERM; 4]),
    with_global("script_user root daemon", [SIGTERM; 4]),
    with_global("script_user nosuchuser\n  script_user root", [5, 5, 5, 5]),
];

/// The part of keepalived's VRRP process this module serves, applied to one
/// case: parse the script keyword, check it, and report like vrrp.c.
/// Returns the exit status of `-t` and check_secure's flags.
fn simulate(fx: &Fixture, case: &Case, mode: Mode) -> (i32, u32) {
    let mut host = TestHost::new();
    host.ids = (0, 0);
    host.path = case.path.map_or(DEFAULT_PATH.to_string(), |p| fx.expand(p));
    host.cwd = Some(fx.root.join(case.cwd.unwrap_or("")));
    let mut c = ctx(&host);
    let secure = matches!(mode, Mode::NotifySecure | Mode::TrackSecure);
    if secure {
        c.cfg.global.script_security = true;
        assert!(set_default_user(&mut c, "root", None));
    }
    // global_defs' handlers.
    for line in case.global.lines().map(str::trim) {
        let a = args(line);
        match a.keyword() {
            "enable_script_security" => c.cfg.global.script_security = true,
            "script_user" => {
                let group = a.get(2).map(str::to_string);
                if !set_default_user(&mut c, a.get(1).unwrap(), group.as_deref()) {
                    c.error_at(Class::General, None, "script_user failed");
                }
            }
            other => panic!("{other}"),
        }
    }
    let cmd = fx.expand(case.cmd);
    let mut result = 0;
    match mode {
        Mode::Notify | Mode::NotifySecure => {
            let line = format!("notify_master \"{cmd}\" {}", case.user);
            let mut script = notify(&mut c, &args(&line), "notify");
            if script.is_some() {
                result = check_notify_secure(&mut c, &mut script);
            }
            report_security(&mut c, result, "scripts");
        }
        Mode::Track | Mode::TrackSecure => {
            let line = format!("script \"{cmd}\"");
            let argv = script_args(&mut c, &args(&line)).expect("argv");
            let ids = if case.user.is_empty() {
                default_user(&mut c, None)
            } else {
                user_at(&mut c, &args(&format!("user {}", case.user)), 1).unwrap()
            };
            if let Some((uid, gid)) = ids {
                let mut s = Script {
                    args: argv,
                    uid,
                    gid,
                    pos: Pos::default(),
                };
                result = check_secure(&mut c, &mut s);
                if result & (flags::INHIBIT | flags::NOTFOUND) != 0 {
                    c.error_at(Class::General, None, "track script disabled");
                }
            } else {
                c.error_at(Class::General, None, "no user for the track script");
            }
            report_security(&mut c, result, "scripts");
        }
    }
    let code = match c.scripts.test_abort() {
        Some((TestAbort::SelfTerminated, _)) => SIGTERM,
        Some((TestAbort::Crashed, _)) => SIGSEGV,
        None => exit_code(&c),
    };
    (code, result)
}

#[test]
fn security_cases_match_keepalived() {
    if !root() {
        eprintln!("skipped: building the fixture needs root (chown)");
        return;
    }
    let fx = Fixture::new();
    let mut failures = String::new();
    for case in CASES {
        for (i, mode) in MODES.iter().enumerate() {
            let (code, f) = simulate(&fx, case, *mode);
            if code != case.keepalived[i] {
                failures += &format!(
                    "{} [{}] {mode:?}: exit {code}, keepalived {} (flags {f:#x})\n",
                    case.cmd, case.user, case.keepalived[i]
                );
            }
            let script_made =
                case.global.is_empty() && !case.user.contains("nosuch") && !case.user.contains(':');
            if *mode == Mode::Notify && script_made && f != case.flags {
                failures += &format!(
                    "{} [{}]: flags {f:#x}, expected {:#x}\n",
                    case.cmd, case.user, case.flags
                );
            }
            if *mode == Mode::NotifySecure && case.user.is_empty() && script_made {
                let expected = if case.flags & flags::INSECURE != 0 {
                    case.flags | flags::INHIBIT
                } else {
                    case.flags
                };
                if f != expected {
                    failures += &format!(
                        "{} (script security): flags {f:#x}, expected {expected:#x}\n",
                        case.cmd
                    );
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{failures}");
}

#[test]
fn paths_are_rewritten_like_keepalived() {
    if !root() {
        return;
    }
    let fx = Fixture::new();
    let t = fx.root.display().to_string();
    let mut host = TestHost::new();
    host.ids = (0, 0);
    host.path = format!("{t}/d755:/usr/bin");
    let mut c = ctx(&host);
    let mut check = |cmd: &str| {
        let mut s = Script {
            args: vec![cmd.to_string(), "x".into()],
            uid: 0,
            gid: 0,
            pos: Pos::default(),
        };
        check_secure(&mut c, &mut s);
        assert_eq!(s.args[1], "x");
        s.args[0].clone()
    };
    // A bare name becomes the path it was found at.
    assert_eq!(check("ok"), format!("{t}/d755/ok"));
    // A path becomes its real path...
    assert_eq!(check("/bin/true"), "/usr/bin/true");
    assert_eq!(
        check(&format!("{t}/linkdir755/../d755/./ok")),
        format!("{t}/d755/ok")
    );
    // ... keeping the link's own name when it names the same file.
    assert_eq!(
        check(&format!("{t}/d755/link_same_dir")),
        format!("{t}/d755/link_same_dir")
    );
    assert_eq!(check(&format!("{t}/d755/link_true")), "/usr/bin/true");
    // The search is reported as a lint, never as an error.
    assert!(c
        .reader
        .diags
        .items
        .iter()
        .any(|d| d.class.is_none() && d.message.contains("searching PATH")));
    assert_eq!(c.reader.diags.worst(), None);
}

#[test]
fn executable_bits_depend_on_the_user() {
    if !root() {
        return;
    }
    let fx = Fixture::new();
    let t = fx.root.display().to_string();
    let mut host = TestHost::new();
    host.ids = (0, 0);
    let mut c = ctx(&host);
    let mut run = |file: &str, uid: u32, gid: u32| {
        let mut s = Script {
            args: vec![format!("{t}/{file}")],
            uid,
            gid,
            pos: Pos::default(),
        };
        check_secure(&mut c, &mut s)
    };
    // Root needs any x bit.
    assert_eq!(run("d755/uexec", 0, 0) & EX, EX);
    assert_eq!(run("d755/noexec", 0, 0) & EX, 0);
    // Others: the class they fall in decides, not the most generous bit.
    assert_eq!(run("d755/uexec", NOBODY, NOBODY) & EX, 0);
    assert_eq!(run("d755/oexec", NOBODY, NOBODY) & EX, EX);
    assert_eq!(run("d755/gexec", NOBODY, DAEMON_GID) & EX, EX);
    assert_eq!(run("d755/gexec", NOBODY, NOBODY) & EX, 0);
    // A non-root user, not setuid root: no path walk, so no INSECURE.
    assert_eq!(run("d777/ok", NOBODY, NOBODY), OK);
    // ... but a setuid-root file needs protection whoever runs it.
    assert_eq!(run("d755/suid", NOBODY, NOBODY), OK);
    // Root's group is enough to need protection.
    assert_eq!(run("d777/ok", NOBODY, 0), BAD);
    // A directory the user cannot search hides the script (keepalived asks
    // the kernel as that user; we read the mode bits).
    assert_eq!(run("d700/ok", NOBODY, NOBODY), NF);
    assert_eq!(run("d700/ok", 0, DAEMON_GID), OK);
}

#[test]
fn non_root_keepalived_cannot_switch_users() {
    let mut host = TestHost::new();
    host.ids = (1000, 1000);
    let mut c = ctx(&host);
    let mut s = Script {
        args: vec!["/bin/true".into()],
        uid: 0,
        gid: 0,
        pos: Pos::default(),
    };
    assert_eq!(check_secure(&mut c, &mut s), flags::INHIBIT);
    s.args[0] = "true".into();
    assert_eq!(check_secure(&mut c, &mut s), NF);
    s.uid = 1000;
    s.gid = 1000;
    assert_eq!(check_secure(&mut c, &mut s), OK);
    assert_eq!(s.args[0], "/usr/bin/true");
    assert_eq!(c.scripts.test_abort(), None);
}

#[test]
fn notify_scripts_are_dropped_unless_runnable() {
    let mut host = TestHost::new();
    host.ids = (0, 0);
    let mut c = ctx(&host);
    let mut check = |cmd: &str| {
        let mut s = Some(Script {
            args: vec![cmd.to_string()],
            uid: 0,
            gid: 0,
            pos: Pos::default(),
        });
        let f = check_notify_secure(&mut c, &mut s);
        (f, s.is_some())
    };
    assert_eq!(check("/bin/true"), (OK, true));
    assert_eq!(check("/nonexistent"), (NF, false));
    assert_eq!(check("/etc/passwd"), (IS, false));
    // A `</file` test is dropped as a notify script...
    assert_eq!(check("</etc/passwd"), (flags::SYSTEM, false));
    // ... but kept as a tracker.
    assert!(!disabled(flags::SYSTEM));
    assert!(disabled(IS));
    assert!(disabled(BAD | flags::INHIBIT));
    assert!(!disabled(BAD));
    let mut none = None;
    assert_eq!(check_notify_secure(&mut c, &mut none), 0);
    let mut start = Some(Script {
        args: vec!["</etc/passwd".into()],
        uid: 0,
        gid: 0,
        pos: Pos::default(),
    });
    assert_eq!(check_start_stop_secure(&mut c, &mut start), flags::SYSTEM);
    assert!(start.is_some());
}

#[test]
fn security_violation_is_reported_exactly_when_keepalived_does() {
    let host = TestHost::new();
    let mut c = ctx(&host);
    report_security(&mut c, 0, "scripts");
    report_security(&mut c, NF | flags::SYSTEM, "scripts");
    assert_eq!(exit_code(&c), 0);
    // Any script that exists counts, even a non-executable one.
    report_security(&mut c, IS, "scripts");
    assert_eq!(c.reader.diags.worst(), Some(Class::Security));
    assert_eq!(exit_code(&c), 6);
    let mut c = ctx(&host);
    c.cfg.global.script_security = true;
    report_security(&mut c, BAD, "scripts");
    assert_eq!(exit_code(&c), 0);
}

/// Runs the real keepalived on every case of [`CASES`] and compares its exit
/// status with the table. Needs root, /usr/sbin/keepalived 2.2.7 and an
/// interface eth0: `cargo test real_keepalived -- --ignored`.
#[test]
#[ignore]
fn real_keepalived_agrees_with_the_table() {
    let fx = Fixture::new();
    let mut failures = String::new();
    for case in CASES {
        for (i, mode) in MODES.iter().enumerate() {
            let code = run_keepalived(&fx, case, *mode, "eth0");
            if code != case.keepalived[i] {
                failures += &format!(
                    "{} [{}] {mode:?}: keepalived {code}, table {}\n",
                    case.cmd, case.user, case.keepalived[i]
                );
            }
            // On lo keepalived also complains about the interface.
            let code = run_keepalived(&fx, case, *mode, "lo");
            let expected = if case.keepalived[i] == 0 {
                5
            } else {
                case.keepalived[i]
            };
            if code != expected {
                failures += &format!(
                    "{} [{}] {mode:?} on lo: keepalived {code}, expected {expected}\n",
                    case.cmd, case.user
                );
            }
        }
    }
    assert!(failures.is_empty(), "\n{failures}");
}

/// The configuration the table was measured with.
fn config_text(fx: &Fixture, case: &Case, mode: Mode, interface: &str) -> String {
    let cmd = fx.expand(case.cmd);
    let secure = matches!(mode, Mode::NotifySecure | Mode::TrackSecure);
    let mut s = String::from("global_defs {\n");
    if secure {
        s += "  enable_script_security\n  script_user root\n";
    }
    if !case.global.is_empty() {
        s += &format!("  {}\n", case.global);
    }
    s += "}\n";
    let track = matches!(mode, Mode::Track | Mode::TrackSecure);
    if track {
        s += &format!("vrrp_script chk {{\n  script \"{cmd}\"\n");
        if !case.user.is_empty() {
            s += &format!("  user {}\n", case.user);
        }
        s += "}\n";
    }
    s += &format!(
        "vrrp_instance VI_1 {{\n  interface {interface}\n  virtual_router_id 51\n  priority 100\n  virtual_ipaddress {{\n    192.0.2.1/32\n  }}\n"
    );
    if track {
        s += "  track_script {\n    chk\n  }\n";
    } else {
        s += &format!("  notify_master \"{cmd}\" {}\n", case.user);
    }
    s += "}\n";
    s
}

fn run_keepalived(fx: &Fixture, case: &Case, mode: Mode, interface: &str) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    let conf = fx.root.join("keepalived.conf");
    std::fs::write(&conf, config_text(fx, case, mode, interface)).unwrap();
    let path = case.path.map_or(DEFAULT_PATH.to_string(), |p| fx.expand(p));
    let status = std::process::Command::new("/usr/sbin/keepalived")
        .arg("-t")
        .arg("-f")
        .arg(&conf)
        .env("PATH", path)
        .current_dir(fx.root.join(case.cwd.unwrap_or("")))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run keepalived");
    let _ = std::fs::remove_file(&conf);
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

/// The same cases through the whole parser, for when the vrrp_instance and
/// vrrp_script parsers are in place: `cargo test end_to_end -- --ignored`.
/// Cases that depend on PATH or the current directory, and those where
/// keepalived -t kills itself or crashes, are left out.
#[test]
#[ignore]
fn end_to_end_cases_match_keepalived() {
    if !root() {
        return;
    }
    let fx = Fixture::new();
    let mut failures = String::new();
    for case in CASES {
        let relative = !case.cmd.starts_with('/') && !case.cmd.starts_with("{T}");
        let aborts = case.keepalived.contains(&SIGTERM) || case.keepalived.contains(&SIGSEGV);
        if case.path.is_some() || case.cwd.is_some() || relative || aborts {
            continue;
        }
        for (i, mode) in MODES.iter().enumerate() {
            for (interface, zero) in [("eth0", 0), ("lo", 5)] {
                let loaded =
                    crate::config::testutil::parse(&config_text(&fx, case, *mode, interface));
                let expected = if case.keepalived[i] == 0 {
                    zero
                } else {
                    case.keepalived[i]
                };
                if loaded.exit_code() != expected {
                    failures += &format!(
                        "{} [{}] {mode:?} on {interface}: exit {}, keepalived {expected}\n{}",
                        case.cmd,
                        case.user,
                        loaded.exit_code(),
                        crate::config::testutil::report(&loaded)
                    );
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{failures}");
}
