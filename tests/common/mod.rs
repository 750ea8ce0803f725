//! Shared harness of the oracle tests (tests/corpus.rs, tests/differential.rs):
//! the isolated environment keepalived's verdicts were recorded in, running a
//! binary in it, and small helpers for reporting.
//!
//! The environment is the one of shared/corpus/run-keepalived-verdicts.sh: a
//! network namespace holding lo and eth0 eth1 ens33 ens192 eno1 enp0s3 bond0,
//! all up (veth interfaces whose peers live in a second namespace, because the
//! kernel may lack the dummy driver), a UTS namespace with host name
//! `kacorpus` (it decides `@ID` lines and the default -i), a mount namespace in
//! which /etc/keepalived and /run/netns are hidden under empty tmpfs mounts,
//! and, for each run, a fresh folder holding the files as working directory.
//!
//! The script builds all of this once per file; here one network namespace
//! serves all runs of a test, and each worker thread has one shell (with its
//! UTS and mount namespaces) that runs the binaries one after the other. That
//! is safe because `keepalived -t` (and ours) only reads: it does not fork,
//! write pid files, create interfaces, bind sockets, set the host name or
//! mount anything (main.c: -t sets DONT_FORK and exits from
//! config_test_exit() before any of that), so no run can change what a later
//! one sees. Interface indexes and MAC addresses differ from a fresh
//! namespace, and no configuration check looks at them. Namespace names hold
//! the pid (kart-<tag>-<pid>), so parallel test binaries do not collide, and
//! Drop guards delete them on every path, panics included.

#![allow(dead_code)] // each test crate uses a different part of this module

use std::collections::VecDeque;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The real keepalived 2.2.7 (Debian package) the verdicts come from.
pub const REAL_KEEPALIVED: &str = "/usr/sbin/keepalived";
/// Host name inside the test environment (`-i` defaults to it).
pub const TEST_HOSTNAME: &str = "kacorpus";
/// Interfaces of the test network namespace besides lo.
pub const IFACES: [&str; 7] = ["eth0", "eth1", "ens33", "ens192", "eno1", "enp0s3", "bond0"];
/// Per-run time limit; keepalived -t takes about 10 ms, so a run this long
/// hangs (e.g. an include of itself that never ends).
pub const RUN_TIMEOUT_SECS: u32 = 20;
/// Exit status the wrapper script uses when it could not build the per-run
/// UTS/mount namespace (same value as run-keepalived-verdicts.sh).
const SETUP_FAILED: i32 = 125;
const SETUP_MARKER: &str = "kart-setup-failed:";

/// Our binary.
pub fn our_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_keepalived"))
}

/// Writes straight to the process's stderr, which libtest does not capture, so
/// that skip notices and summaries are seen even when the test passes.
pub fn say(msg: &str) {
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(msg.as_bytes());
    if !msg.ends_with('\n') {
        let _ = e.write_all(b"\n");
    }
}

/// Prints why a test does nothing; the caller then returns (the test passes).
pub fn skip(test: &str, why: &str) {
    say(&format!("SKIPPED {test}: {why}"));
}

/// Effective uid from /proc (avoids `unsafe` libc calls in tests).
pub fn is_root() -> bool {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|rest| rest.split_whitespace().nth(1).map(|e| e == "0"))
        .unwrap_or(false)
}

/// Finds `PATH` in $PATH (for the prerequisites check).
pub fn which(prog: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/sbin:/usr/bin:/sbin:/bin".into());
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin"].iter().map(PathBuf::from))
        .map(|d| d.join(prog))
        .find(|p| p.is_file())
}

/// Why the namespace-based tests cannot run here, if they cannot.
pub fn missing_prerequisite() -> Option<String> {
    if !is_root() {
        return Some("needs root (network, UTS and mount namespaces)".into());
    }
    for tool in ["ip", "unshare", "hostname", "mount", "timeout", "sh"] {
        if which(tool).is_none() {
            return Some(format!(
                "needs '{tool}' (iproute2, util-linux, coreutils) in PATH"
            ));
        }
    }
    None
}

/// The shared data folder (`shared/` next to the checkout: ../shared from the
/// crate root for /work/main, ../../shared from a worktree under /work/wt/).
/// KART_SHARED_DIR overrides.
pub fn shared_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("KART_SHARED_DIR") {
        return Some(PathBuf::from(d));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    root.ancestors()
        .skip(1)
        .take(3)
        .map(|a| a.join("shared"))
        .find(|d| d.is_dir())
}

/// The target directory of this build (for saving failure artefacts).
pub fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

fn run_quiet(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn ip(args: &[&str]) -> Result<(), String> {
    run_quiet(Command::new("ip").args(args))
}

/// The test network namespace (plus the namespace holding the veth peers).
/// Dropping it deletes both, also when a test panics.
pub struct TestNetns {
    pub name: String,
    peer: Option<String>,
    owned: Vec<String>,
    /// "veth" or "dummy".
    pub iftype: &'static str,
    /// Set when the interfaces did not all report carrier in time.
    pub warning: Option<String>,
}

impl TestNetns {
    /// Builds the namespace `kart-<tag>-<pid>` (and `kart-<tag>-<pid>-peer`).
    pub fn create(tag: &str) -> Result<TestNetns, String> {
        let stale = stale_namespaces();
        if !stale.is_empty() {
            say(&format!(
                "note: network namespaces left by killed test runs (delete with `ip netns del NAME`): {}",
                stale.join(" ")
            ));
        }
        let name = format!("kart-{tag}-{}", std::process::id());
        let mut ns = TestNetns {
            name: name.clone(),
            peer: None,
            owned: Vec::new(),
            iftype: "veth",
            warning: None,
        };
        // A namespace of this name can only be left over by an earlier run
        // with the same pid that was killed: it is ours, reuse is unsafe.
        if Path::new("/run/netns").join(&name).exists() {
            let _ = ip(&["netns", "del", &name]);
        }
        ip(&["netns", "add", &name])?;
        ns.owned.push(name.clone());
        ip(&["-n", &name, "link", "set", "lo", "up"])?;
        // veth first: the recorded verdicts were computed with veth pairs.
        let peer = format!("{name}-peer");
        if Path::new("/run/netns").join(&peer).exists() {
            let _ = ip(&["netns", "del", &peer]);
        }
        let veth_ok = ip(&["netns", "add", &peer]).is_ok();
        if veth_ok {
            ns.owned.push(peer.clone());
            ns.peer = Some(peer.clone());
        }
        for (n, ifname) in IFACES.iter().enumerate() {
            let pname = format!("kapeer{n}");
            let made_veth = veth_ok
                && ip(&[
                    "-n", &name, "link", "add", ifname, "type", "veth", "peer", "name", &pname,
                    "netns", &peer,
                ])
                .is_ok();
            if made_veth {
                ip(&["-n", &peer, "link", "set", &pname, "up"])?;
            } else {
                ip(&["-n", &name, "link", "add", ifname, "type", "dummy"]).map_err(|e| {
                    format!("neither a veth pair nor a dummy interface could be made: {e}")
                })?;
                ns.iftype = "dummy";
            }
            ip(&["-n", &name, "link", "set", ifname, "up"])?;
        }
        ns.wait_for_carrier();
        Ok(ns)
    }

    /// veth interfaces report NO-CARRIER for a moment after their peer comes
    /// up; wait so that no run sees an interface half up.
    fn wait_for_carrier(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let out = Command::new("ip")
                .args(["-n", &self.name, "-o", "link", "show"])
                .stdin(Stdio::null())
                .output();
            let text = out
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            let not_ready: Vec<&str> = IFACES
                .iter()
                .copied()
                .filter(|i| {
                    !text.lines().any(|l| {
                        l.split(':')
                            .nth(1)
                            .map(|n| n.trim().split('@').next() == Some(i))
                            == Some(true)
                            && l.contains("LOWER_UP")
                            && !l.contains("NO-CARRIER")
                    })
                })
                .collect();
            if not_ready.is_empty() {
                return;
            }
            if Instant::now() > deadline {
                self.warning = Some(format!(
                    "interfaces without carrier after 5 s: {}",
                    not_ready.join(" ")
                ));
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts a worker: a shell inside the environment (network namespace,
    /// own UTS namespace with the test host name, own mount namespace with
    /// /etc/keepalived and /run/netns hidden) that runs binaries on request.
    pub fn worker(&self) -> Result<Worker, String> {
        Worker::start(self)
    }
}

/// A shell in the test environment that runs one binary at a time.
///
/// The per-run UTS and mount namespaces of run-keepalived-verdicts.sh are
/// made once per worker instead of once per run (that saves five process
/// starts per run): `-t` neither sets the host name nor mounts anything, so
/// every run still sees exactly the same host name and mount table. Each run
/// has its own working directory (a subshell `cd`s into it), stdin
/// /dev/null, and its output goes to files outside the case folder.
pub struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    scratch: TempDir,
}

/// Quotes a word for sh.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

impl Worker {
    fn start(ns: &TestNetns) -> Result<Worker, String> {
        let scratch = TempDir::new("worker").map_err(|e| format!("scratch folder: {e}"))?;
        let setup = format!(
            "hostname \"$1\" || {{ echo '{m} hostname'; exit {c}; }}
             for d in /etc/keepalived /run/netns /var/run/netns; do
                 if [ -d \"$d\" ]; then
                     mount -t tmpfs -o mode=0755 kart-empty \"$d\" || {{ echo \"{m} mount $d\"; exit {c}; }}
                 fi
             done
             echo kart-ready
             exec sh -s",
            m = SETUP_MARKER,
            c = SETUP_FAILED
        );
        let mut child = Command::new("ip")
            .args(["netns", "exec", &ns.name])
            .args([
                "unshare",
                "--uts",
                "--mount",
                "--propagation",
                "private",
                "--",
            ])
            .args(["sh", "-c", &setup, "kart-worker", TEST_HOSTNAME])
            .current_dir(&scratch.path)
            .env("LC_ALL", "C")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the worker shell: {e}"))?;
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut w = Worker {
            child,
            stdin,
            stdout,
            scratch,
        };
        let mut line = String::new();
        let _ = w.stdout.read_line(&mut line);
        if line.trim() != "kart-ready" {
            return Err(format!(
                "the worker shell did not start: {}",
                if line.is_empty() {
                    "no output"
                } else {
                    line.trim()
                }
            ));
        }
        Ok(w)
    }

    /// Runs `BIN -t -f FILE EXTRA...` with `dir` as working directory. `file`
    /// is passed as given (absolute, like the recording script does).
    pub fn run(&mut self, bin: &Path, dir: &Path, file: &Path, extra: &[String]) -> Outcome {
        let mut args = vec![
            "-t".to_string(),
            "-f".to_string(),
            file.to_string_lossy().into_owned(),
        ];
        args.extend(extra.iter().cloned());
        self.run_args(bin, dir, &args)
    }

    /// Runs `BIN ARGS...` with `dir` as working directory.
    pub fn run_args(&mut self, bin: &Path, dir: &Path, args: &[String]) -> Outcome {
        let out_path = self.scratch.path.join("stdout");
        let err_path = self.scratch.path.join("stderr");
        let words: Vec<String> = args.iter().map(|a| sh_quote(a)).collect();
        // TERM after the limit (timeout(1) then exits 124, which neither
        // program uses), KILL 5 s later if that did not end it.
        let cmd = format!(
            "(cd {} && exec timeout -k 5 {RUN_TIMEOUT_SECS} {} {}) >{} 2>{} </dev/null; echo \"kart-rc $?\"\n",
            sh_quote(&dir.to_string_lossy()),
            sh_quote(&bin.to_string_lossy()),
            words.join(" "),
            sh_quote(&out_path.to_string_lossy()),
            sh_quote(&err_path.to_string_lossy()),
        );
        let start = Instant::now();
        let sent = match self.stdin.as_mut() {
            Some(i) => i.write_all(cmd.as_bytes()).and_then(|_| i.flush()),
            None => Err(std::io::Error::other("worker closed")),
        };
        let mut status = None;
        if sent.is_ok() {
            let mut line = String::new();
            loop {
                line.clear();
                match self.stdout.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if let Some(rc) = line.trim().strip_prefix("kart-rc ") {
                            status = rc.parse::<i32>().ok();
                            break;
                        }
                    }
                }
            }
        }
        let elapsed = start.elapsed();
        let read =
            |p: &Path| String::from_utf8_lossy(&fs::read(p).unwrap_or_default()).into_owned();
        let stdout = read(&out_path);
        let stderr = read(&err_path);
        let _ = fs::remove_file(&out_path);
        let _ = fs::remove_file(&err_path);
        let code = match status {
            None => Code::Harness("the worker shell went away".into()),
            Some(124) => Code::Timeout,
            // 137: timeout(1) had to KILL it (or something else did).
            Some(137)
                if elapsed + Duration::from_secs(2)
                    >= Duration::from_secs(RUN_TIMEOUT_SECS as u64) =>
            {
                Code::Timeout
            }
            Some(126 | 127) if stderr.contains("timeout:") => {
                Code::Harness(format!("cannot execute the binary: {}", stderr.trim()))
            }
            Some(c) if c > 128 && c < 128 + 65 => Code::Signal(c - 128),
            Some(c) => Code::Exit(c),
        };
        Outcome {
            code,
            stdout,
            stderr,
            elapsed,
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // EOF on its stdin ends the shell; a run in progress ends within the
        // time limit.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(RUN_TIMEOUT_SECS as u64 + 10);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) if Instant::now() > deadline => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    }
}

impl Drop for TestNetns {
    fn drop(&mut self) {
        for ns in self.owned.iter().rev() {
            if let Err(e) = ip(&["netns", "del", ns]) {
                say(&format!(
                    "warning: could not delete network namespace {ns}: {e}"
                ));
            }
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    Exit(i32),
    /// Killed by this signal (e.g. 11: the program crashed).
    Signal(i32),
    Timeout,
    /// The harness failed, not the program.
    Harness(String),
}

impl Code {
    pub fn exit(&self) -> Option<i32> {
        match self {
            Code::Exit(c) => Some(*c),
            _ => None,
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Code::Exit(c) => write!(f, "{c}"),
            Code::Signal(s) => write!(f, "signal {s}"),
            Code::Timeout => write!(f, "timeout"),
            Code::Harness(m) => write!(f, "harness error ({m})"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub code: Code,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Outcome {
    /// First non-empty line of stderr, else of stdout (keepalived prints
    /// every problem on stderr).
    pub fn first_line(&self) -> String {
        self.stderr
            .lines()
            .chain(self.stdout.lines())
            .map(str::trim_end)
            .find(|l| !l.is_empty())
            .unwrap_or("")
            .to_string()
    }
}

/// A temporary folder, removed on drop.
pub struct TempDir {
    pub path: PathBuf,
}

static TEMP_SEQ: AtomicUsize = AtomicUsize::new(0);

impl TempDir {
    /// `$TMPDIR/kart-<tag>-<pid>-<n>`, fresh and empty.
    pub fn new(tag: &str) -> std::io::Result<TempDir> {
        let n = TEMP_SEQ.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("kart-{tag}-{}-{n}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path)?;
        }
        fs::create_dir_all(&path)?;
        Ok(TempDir { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// Replaces the run's temporary folder in a message by `DIR` (and the file
/// by `FILE`), as the recorded verdicts do.
pub fn normalize(msg: &str, dir: &Path, file: &Path) -> String {
    let mut m = msg.to_string();
    if let Some(f) = file.to_str() {
        if !f.is_empty() {
            m = m.replace(f, "FILE");
        }
    }
    if let Some(d) = dir.to_str() {
        if !d.is_empty() {
            m = m.replace(d, "DIR");
        }
    }
    m
}

/// Cuts a message for one-line tables.
pub fn clip(s: &str, max: usize) -> String {
    let s = s.replace('\t', " ");
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Number of worker threads for the runs (each run mostly waits for
/// processes; KART_JOBS overrides).
pub fn jobs() -> usize {
    if let Some(n) = std::env::var("KART_JOBS").ok().and_then(|v| v.parse().ok()) {
        return std::cmp::max(1, n);
    }
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cpus * 2).clamp(2, 16)
}

/// Applies `f` to every item on `threads` threads, each with its own state
/// made by `init`; results keep item order. A panic in `f` propagates (after
/// the other threads finished), so Drop guards of the caller still run.
pub fn parallel_map<T, R, S, I, F>(items: Vec<T>, threads: usize, init: I, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, T) -> R + Sync,
{
    let n = items.len();
    let queue: Mutex<VecDeque<(usize, T)>> = Mutex::new(items.into_iter().enumerate().collect());
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..n).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                let mut state = init();
                loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
                    let Some((i, item)) = next else { break };
                    let r = f(&mut state, item);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every item was processed"))
        .collect()
}

/// Network namespaces left behind by killed runs of these tests (their pid
/// is gone). They are not deleted automatically: another pid namespace could
/// own them.
pub fn stale_namespaces() -> Vec<String> {
    let Ok(rd) = fs::read_dir("/run/netns") else {
        return Vec::new();
    };
    rd.filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with("kart-"))
        .filter(|n| {
            // kart-<tag>-<pid>[-peer]
            n.split('-')
                .find_map(|p| p.parse::<u32>().ok())
                .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists())
        })
        .collect()
}

/// Lines of the main file (shown as FILE after `normalize`) that keepalived
/// reports a problem on: `(Line N) ...` (parent pass, single file) and
/// `(FILE: Line N) ...`.
pub fn keepalived_flagged_lines(output: &str) -> std::collections::BTreeSet<u32> {
    output
        .lines()
        .filter_map(|l| {
            let rest = l
                .strip_prefix("(Line ")
                .or_else(|| l.strip_prefix("(FILE: Line "))?;
            rest.split(')').next()?.trim().parse().ok()
        })
        .collect()
}

/// Lines of the main file our binary reports an error (not a warning or a
/// note) on: `FILE:N[:C]: error: ...`.
pub fn our_flagged_lines(output: &str) -> std::collections::BTreeSet<u32> {
    output
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("FILE:")?;
            let (num, tail) = rest.split_once(':')?;
            let tail = tail.trim_start_matches(|c: char| c.is_ascii_digit() || c == ':');
            tail.trim_start()
                .starts_with("error:")
                .then(|| num.parse().ok())
                .flatten()
        })
        .collect()
}

/// For a verdict both binaries agree on: when keepalived reports a problem on
/// a line of the main file on which we report no error, the same exit code
/// may be a coincidence. (Our errors on other lines are not counted: some
/// problems keepalived reports without a line, we report with one.)
pub fn flagged_lines_differ(keepalived: &str, ours: &str) -> Option<String> {
    let k = keepalived_flagged_lines(keepalived);
    let o = our_flagged_lines(ours);
    let fmt = |s: &std::collections::BTreeSet<u32>| {
        s.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
    };
    (!k.is_subset(&o)).then(|| {
        format!(
            "keepalived flags lines [{}], we flag [{}]",
            fmt(&k),
            fmt(&o)
        )
    })
}
