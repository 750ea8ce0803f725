//! Child processes for scripts, started the way keepalived 2.2.7 starts
//! them (lib/notify.c `system_call_script`): fork; in the child the
//! script's group, supplementary group and user are taken on, signal
//! handlers and the signal mask are reset, stdin/stdout/stderr go to
//! /dev/null, the child gets a process group of its own (so a timeout can
//! end everything it started) and SIGTERM when we die; then the program is
//! `execve`d with our environment. Nothing here waits: exits are collected
//! with `waitpid(WNOHANG)` when SIGCHLD says so.
//!
//! Between fork and exec the child only makes async-signal-safe system
//! calls on data prepared before the fork, so this is also sound in a
//! multi-threaded process (the tests). What goes wrong there (setgid,
//! setuid, execve) is written to a close-on-exec pipe, which the parent
//! reads once the child has been reaped, so that it can log it as
//! keepalived's child does.

use std::ffi::{CString, OsString};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStringExt;
use std::ptr;

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
}

/// What failed in the child before the program ran. keepalived's child
/// logs it and exits with status 0 ("script errors aren't server errors"),
/// which is what the parent sees as the exit status too.
#[derive(Debug)]
pub enum SetupError {
    Setgid(u32, io::Error),
    Setgroups(u32, io::Error),
    Setuid(u32, io::Error),
    Exec(io::Error),
}

/// A program to run and the user and group to run it as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    path: CString,
    argv: Vec<CString>,
    uid: u32,
    gid: u32,
}

fn cstring(s: &str) -> io::Result<CString> {
    CString::new(s).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in argument"))
}

impl Command {
    /// `execve(args[0], args, environ)`.
    pub fn exec(args: &[String], uid: u32, gid: u32) -> io::Result<Command> {
        let argv = args
            .iter()
            .map(|a| cstring(a))
            .collect::<io::Result<Vec<_>>>()?;
        let path = argv
            .first()
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "empty command"))?;
        Ok(Command {
            path,
            argv,
            uid,
            gid,
        })
    }

    /// `/bin/sh -c line`: what system(3) runs.
    pub fn shell(line: &str, uid: u32, gid: u32) -> io::Result<Command> {
        Ok(Command {
            path: cstring("/bin/sh")?,
            argv: vec![cstring("sh")?, cstring("-c")?, cstring(line)?],
            uid,
            gid,
        })
    }

    /// The program's name, for messages.
    pub fn program(&self) -> String {
        self.argv
            .first()
            .map(|a| a.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// A started child. Its pid is also its process group id.
#[derive(Debug)]
pub struct Child {
    pub pid: i32,
    /// Read end of the set-up report pipe.
    report: OwnedFd,
}

impl Child {
    /// What went wrong before the program ran, if anything. Only meaningful
    /// once the child has exited (the pipe is then complete).
    pub fn setup_error(&self) -> Option<SetupError> {
        let mut buf = [0u8; 12];
        // SAFETY: buf is valid for writes of its length; the descriptor is
        // ours and non-blocking.
        let n = unsafe { libc::read(self.report.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        if n != 12 {
            return None;
        }
        let word = |i: usize| u32::from_ne_bytes([buf[i], buf[i + 1], buf[i + 2], buf[i + 3]]);
        let (stage, id, errno) = (word(0), word(4), word(8) as i32);
        let err = io::Error::from_raw_os_error(errno);
        Some(match stage {
            STAGE_SETGID => SetupError::Setgid(id, err),
            STAGE_SETGROUPS => SetupError::Setgroups(id, err),
            STAGE_SETUID => SetupError::Setuid(id, err),
            _ => SetupError::Exec(err),
        })
    }
}

const STAGE_SETGID: u32 = 1;
const STAGE_SETGROUPS: u32 = 2;
const STAGE_SETUID: u32 = 3;
const STAGE_EXEC: u32 = 4;

/// Everything the child needs, prepared before the fork.
struct Prepared<'a> {
    cmd: &'a Command,
    argv: Vec<*const libc::c_char>,
    envp: Vec<*const libc::c_char>,
    dev_null: libc::c_int,
    report: libc::c_int,
    parent: libc::pid_t,
    our_uid: u32,
    our_gid: u32,
    sigmax: libc::c_int,
    default_action: libc::sigaction,
}

/// Start `cmd`. Returns as soon as the child exists; the program may not
/// have been executed yet.
pub fn spawn(cmd: &Command) -> io::Result<Child> {
    let env: Vec<CString> = std::env::vars_os()
        .filter_map(|(k, v)| {
            let mut b: Vec<u8> = k.into_vec();
            b.push(b'=');
            b.extend(OsString::into_vec(v));
            CString::new(b).ok()
        })
        .collect();
    let mut envp: Vec<*const libc::c_char> = env.iter().map(|c| c.as_ptr()).collect();
    envp.push(ptr::null());
    let mut argv: Vec<*const libc::c_char> = cmd.argv.iter().map(|c| c.as_ptr()).collect();
    argv.push(ptr::null());

    // SAFETY: a constant NUL-terminated path.
    let null = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC) };
    if null < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: open succeeded; the descriptor is ours.
    let null = unsafe { OwnedFd::from_raw_fd(null) };
    let mut fds = [0; 2];
    // SAFETY: fds has room for the two descriptors.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: pipe2 succeeded; both descriptors are ours.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    // SAFETY: sigaction is plain data; zero is a valid value, then set to
    // the default disposition with an empty mask.
    let mut default_action: libc::sigaction = unsafe { std::mem::zeroed() };
    default_action.sa_sigaction = libc::SIG_DFL;
    // SAFETY: the identity calls have no preconditions.
    let (parent, our_uid, our_gid) = unsafe { (libc::getpid(), libc::geteuid(), libc::getegid()) };
    let p = Prepared {
        cmd,
        argv,
        envp,
        dev_null: null.as_raw_fd(),
        report: write.as_raw_fd(),
        parent,
        our_uid,
        our_gid,
        sigmax: libc::SIGRTMAX(),
        default_action,
    };
    // SAFETY: fork has no preconditions; the child only runs
    // `after_fork`, which makes async-signal-safe calls on `p` and never
    // returns.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    if pid == 0 {
        // SAFETY: we are the freshly forked child; see `after_fork`.
        unsafe { after_fork(&p) }
    }
    drop(write);
    // Also from this side, so that the group exists before we could
    // signal it; fails harmlessly once the child has exec'd.
    // SAFETY: setpgid takes no pointers.
    unsafe { libc::setpgid(pid, pid) };
    Ok(Child { pid, report: read })
}

/// Write a set-up failure to the report pipe and leave.
///
/// # Safety
/// Only for the forked child: async-signal-safe calls only.
unsafe fn fail(report: libc::c_int, stage: u32, id: u32) -> ! {
    let errno = *libc::__errno_location();
    let mut buf = [0u8; 12];
    buf[..4].copy_from_slice(&stage.to_ne_bytes());
    buf[4..8].copy_from_slice(&id.to_ne_bytes());
    buf[8..].copy_from_slice(&errno.to_ne_bytes());
    libc::write(report, buf.as_ptr().cast(), buf.len());
    libc::_exit(0)
}

/// The child's side of [`spawn`].
///
/// # Safety
/// Must only run in the child right after fork(2): it calls nothing but
/// async-signal-safe system calls, on memory prepared by the parent.
unsafe fn after_fork(p: &Prepared) -> ! {
    for sig in 1..=p.sigmax {
        if sig != libc::SIGKILL && sig != libc::SIGSTOP {
            libc::sigaction(sig, &p.default_action, ptr::null_mut());
        }
    }
    let mut set: libc::sigset_t = std::mem::zeroed();
    libc::sigemptyset(&mut set);
    libc::sigprocmask(libc::SIG_SETMASK, &set, ptr::null_mut());

    let (uid, gid) = (p.cmd.uid, p.cmd.gid);
    if gid != p.our_gid && libc::setgid(gid) < 0 {
        fail(p.report, STAGE_SETGID, gid);
    }
    // Only the script's own group (keepalived calls this as non-root too,
    // where it cannot work; we only do it when it can).
    if p.our_uid == 0 && libc::setgroups(1, &gid) < 0 {
        fail(p.report, STAGE_SETGROUPS, gid);
    }
    if uid != p.our_uid && libc::setuid(uid) < 0 {
        fail(p.report, STAGE_SETUID, uid);
    }
    for fd in 0..3 {
        libc::dup2(p.dev_null, fd);
    }
    libc::setpgid(0, 0);
    // After the identity change, which clears it.
    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
    if libc::getppid() != p.parent {
        // We died between fork and prctl.
        libc::_exit(0);
    }
    libc::execve(p.cmd.path.as_ptr(), p.argv.as_ptr(), p.envp.as_ptr());
    fail(p.report, STAGE_EXEC, 0)
}

fn decode(status: libc::c_int) -> Option<Exit> {
    if libc::WIFEXITED(status) {
        Some(Exit::Code(libc::WEXITSTATUS(status)))
    } else if libc::WIFSIGNALED(status) {
        Some(Exit::Signal(libc::WTERMSIG(status)))
    } else {
        None
    }
}

/// One exited child of this process, any child (`waitpid(-1, WNOHANG)`);
/// `None` when no more have exited.
pub fn reap_any() -> Option<(i32, Exit)> {
    loop {
        let mut status = 0;
        // SAFETY: status is a valid int to write to.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if pid > 0 {
            match decode(status) {
                Some(e) => return Some((pid, e)),
                None => continue,
            }
        }
        if pid < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
            continue;
        }
        return None;
    }
}

/// Whether child `pid` has exited, and how (`waitpid(pid, WNOHANG)`).
pub fn reap(pid: i32) -> Option<Exit> {
    loop {
        let mut status = 0;
        // SAFETY: status is a valid int to write to.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == pid {
            return decode(status);
        }
        if r < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
            continue;
        }
        return None;
    }
}

/// Send `signal` to every process of group `pgid`.
pub fn kill_group(pgid: i32, signal: i32) -> io::Result<()> {
    if pgid <= 1 {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    // SAFETY: kill takes no pointers; pgid > 1 never means "everyone".
    if unsafe { libc::kill(-pgid, signal) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Whether any process is left in group `pgid`.
pub fn group_exists(pgid: i32) -> bool {
    match kill_group(pgid, 0) {
        Ok(()) => true,
        Err(e) => e.raw_os_error() == Some(libc::EPERM),
    }
}

/// Adopt the orphans of our descendants (PR_SET_CHILD_SUBREAPER): what a
/// script leaves behind is reaped by us instead of piling up under an
/// init that may not reap (containers).
pub fn become_subreaper() -> io::Result<()> {
    // SAFETY: prctl with integer arguments only.
    if unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn ids() -> (u32, u32) {
        // SAFETY: no preconditions.
        unsafe { (libc::geteuid(), libc::getegid()) }
    }

    fn sh(script: &str) -> Command {
        let (u, g) = ids();
        Command::exec(&["/bin/sh".into(), "-c".into(), script.into()], u, g).unwrap()
    }

    /// Wait for our own child only (the test harness has other children).
    fn wait(c: &Child, limit: Duration) -> Option<Exit> {
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if let Some(e) = reap(c.pid) {
                return Some(e);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        None
    }

    #[test]
    fn exit_codes_and_signals_come_back() {
        let c = spawn(&sh("exit 3")).unwrap();
        assert_eq!(wait(&c, Duration::from_secs(5)), Some(Exit::Code(3)));
        assert!(c.setup_error().is_none());
        let c = spawn(&sh("kill -USR1 $$")).unwrap();
        assert_eq!(
            wait(&c, Duration::from_secs(5)),
            Some(Exit::Signal(libc::SIGUSR1))
        );
    }

    #[test]
    fn the_child_leads_its_own_group_with_stdio_on_dev_null() {
        std::env::set_var("KA_CHILD_TEST", "inherited");
        let (u, g) = ids();
        let cmd = Command::exec(&["/bin/sleep".into(), "5".into()], u, g).unwrap();
        let c = spawn(&cmd).unwrap();
        let proc_dir = format!("/proc/{}", c.pid);
        // Look at the process once it runs the program.
        let end = Instant::now() + Duration::from_secs(5);
        while std::fs::read(format!("{proc_dir}/cmdline")).unwrap_or_default()
            != b"/bin/sleep\x005\x00"
            && Instant::now() < end
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        for fd in 0..3 {
            let target = std::fs::read_link(format!("{proc_dir}/fd/{fd}")).unwrap();
            assert_eq!(target, std::path::Path::new("/dev/null"), "fd {fd}");
        }
        let stat = std::fs::read_to_string(format!("{proc_dir}/stat")).unwrap();
        // pid (comm) state ppid pgrp ...
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        let pgrp: i32 = after.split(' ').nth(2).unwrap().parse().unwrap();
        assert_eq!(pgrp, c.pid);
        let status = std::fs::read_to_string(format!("{proc_dir}/status")).unwrap();
        assert!(status.contains("SigBlk:\t0000000000000000"), "{status}");
        let environ = std::fs::read(format!("{proc_dir}/environ")).unwrap();
        assert!(environ
            .split(|b| *b == 0)
            .any(|v| v == b"KA_CHILD_TEST=inherited"));
        kill_group(c.pid, libc::SIGKILL).unwrap();
        assert_eq!(
            wait(&c, Duration::from_secs(5)),
            Some(Exit::Signal(libc::SIGKILL))
        );
    }

    #[test]
    fn exec_failures_are_reported_and_exit_0() {
        let (u, g) = ids();
        let c = spawn(&Command::exec(&["/nonexistent/script".into()], u, g).unwrap()).unwrap();
        assert_eq!(wait(&c, Duration::from_secs(5)), Some(Exit::Code(0)));
        match c.setup_error() {
            Some(SetupError::Exec(e)) => assert_eq!(e.raw_os_error(), Some(libc::ENOENT)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn killing_the_group_ends_the_children_too() {
        let c = spawn(&sh("sleep 30 & sleep 30 & wait")).unwrap();
        // Give the shell time to start its children.
        std::thread::sleep(Duration::from_millis(200));
        assert!(group_exists(c.pid));
        kill_group(c.pid, libc::SIGKILL).unwrap();
        assert_eq!(
            wait(&c, Duration::from_secs(5)),
            Some(Exit::Signal(libc::SIGKILL))
        );
        let end = Instant::now() + Duration::from_secs(5);
        while group_exists(c.pid) && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!group_exists(c.pid), "the sleeps outlived the group kill");
    }

    #[test]
    fn shell_commands_run_through_sh() {
        let (u, g) = ids();
        let c = spawn(&Command::shell("</nonexistent-file", u, g).unwrap()).unwrap();
        assert!(matches!(wait(&c, Duration::from_secs(5)), Some(Exit::Code(n)) if n != 0));
        let c = spawn(&Command::shell("</dev/null", u, g).unwrap()).unwrap();
        assert_eq!(wait(&c, Duration::from_secs(5)), Some(Exit::Code(0)));
    }

    #[test]
    fn a_non_root_user_runs_the_script() {
        if ids().0 != 0 {
            return;
        }
        let dir = std::env::temp_dir().join(format!("ka-child-u-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("ids");
        // nobody:nogroup on Debian; the file is made writable for them.
        std::fs::write(&out, "").unwrap();
        std::fs::set_permissions(&out, std::os::unix::fs::PermissionsExt::from_mode(0o666))
            .unwrap();
        let cmd = Command::exec(
            &[
                "/bin/sh".into(),
                "-c".into(),
                format!("id -u > {o}; id -g >> {o}; id -G >> {o}", o = out.display()),
            ],
            65534,
            65534,
        )
        .unwrap();
        let c = spawn(&cmd).unwrap();
        assert_eq!(wait(&c, Duration::from_secs(5)), Some(Exit::Code(0)));
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "65534\n65534\n65534\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
