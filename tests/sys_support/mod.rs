//! Network namespace laboratory for the `sys_*` tests.
//!
//! Each test builds its own pair of namespaces (named with the process id
//! and a counter, so parallel tests and parallel runs never meet), joined
//! by a veth pair called `eth0` on both sides. Everything is torn down by
//! `Drop`, which also runs when a test panics.
//!
//! Code under test runs inside a namespace through `setns(2)` on a thread
//! of its own (`Lab::run_in` / `Lab::spawn_in`): the network namespace is
//! per thread, so the sockets that thread opens live in the namespace while
//! the test thread stays in the root one. Results and panics come back
//! through `join`, so assertions are plain Rust, with no re-executed child
//! process to plumb.

#![allow(dead_code)]

use std::ffi::CString;
use std::io;
use std::mem::zeroed;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub const A_V4: &str = "10.99.0.2";
pub const B_V4: &str = "10.99.0.3";
pub const A_V6: &str = "fd00:99::2";
pub const B_V6: &str = "fd00:99::3";

/// Why these tests cannot run here, if they cannot.
pub fn skip_reason() -> Option<String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Some("not root".into());
    }
    let probe = format!("ksys-probe-{}-{}", std::process::id(), next());
    let ok = Command::new("ip")
        .args(["netns", "add", &probe])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    let _ = Command::new("ip")
        .args(["netns", "del", &probe])
        .stderr(Stdio::null())
        .status();
    if !ok {
        return Some("cannot create network namespaces (`ip netns add` failed)".into());
    }
    None
}

fn next() -> usize {
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// Build a lab, or print why not and return `None` (the test then passes).
pub fn lab(test: &str) -> Option<Lab> {
    if let Some(why) = skip_reason() {
        eprintln!("SKIP {test}: {why}");
        return None;
    }
    Some(Lab::new())
}

/// Run a command; panic with its output if it fails.
pub fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} {args:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `ip -n NS -j ARGS...` as JSON.
pub fn ip_json(ns: &str, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["-n", ns, "-j"];
    all.extend_from_slice(args);
    let out = run("ip", &all);
    serde_json::from_str(if out.trim().is_empty() { "[]" } else { &out })
        .unwrap_or_else(|e| panic!("ip {all:?}: bad JSON {e}: {out}"))
}

/// Two namespaces `a` and `b` joined by veth `eth0`, with IPv4 and IPv6
/// addresses, and whatever else a test starts in them.
pub struct Lab {
    pub a: String,
    pub b: String,
    pub dir: PathBuf,
    children: Vec<Child>,
    pid_files: Vec<PathBuf>,
}

impl Lab {
    fn new() -> Lab {
        let n = next();
        let pid = std::process::id();
        let a = format!("ksys-{pid}-{n}-a");
        let b = format!("ksys-{pid}-{n}-b");
        let dir = std::env::temp_dir().join(format!("ksys-{pid}-{n}"));
        let lab = Lab {
            a: a.clone(),
            b: b.clone(),
            dir: dir.clone(),
            children: Vec::new(),
            pid_files: Vec::new(),
        };
        // From here on, Drop cleans up whatever was made.
        std::fs::create_dir_all(&dir).expect("temp dir");
        for ns in [&a, &b] {
            run("ip", &["netns", "add", ns]);
            // No duplicate address detection: addresses usable at once.
            for key in [
                "net.ipv6.conf.all.accept_dad=0",
                "net.ipv6.conf.default.accept_dad=0",
            ] {
                run("ip", &["netns", "exec", ns, "sysctl", "-qw", key]);
            }
            run("ip", &["-n", ns, "link", "set", "lo", "up"]);
        }
        run(
            "ip",
            &[
                "-n", &a, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns",
                &b,
            ],
        );
        for (ns, v4, v6) in [(&a, A_V4, A_V6), (&b, B_V4, B_V6)] {
            run(
                "ip",
                &["-n", ns, "addr", "add", &format!("{v4}/24"), "dev", "eth0"],
            );
            run(
                "ip",
                &[
                    "-n",
                    ns,
                    "addr",
                    "add",
                    &format!("{v6}/64"),
                    "dev",
                    "eth0",
                    "nodad",
                ],
            );
            run("ip", &["-n", ns, "link", "set", "eth0", "up"]);
        }
        lab.wait_link_local(&a);
        lab.wait_link_local(&b);
        lab
    }

    /// Wait until eth0 has a usable (non-tentative) link-local address.
    fn wait_link_local(&self, ns: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.link_local(ns).is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("no link-local address on {ns} eth0");
    }

    /// eth0's link-local IPv6 address in `ns`.
    pub fn link_local(&self, ns: &str) -> Option<std::net::Ipv6Addr> {
        let v = ip_json(ns, &["-6", "addr", "show", "dev", "eth0", "scope", "link"]);
        for ifc in v.as_array()? {
            for a in ifc["addr_info"].as_array()? {
                if a.get("tentative").is_some() {
                    continue;
                }
                if let Some(s) = a["local"].as_str() {
                    return s.parse().ok();
                }
            }
        }
        None
    }

    /// eth0's MAC address in `ns`.
    pub fn mac(&self, ns: &str) -> [u8; 6] {
        let v = ip_json(ns, &["link", "show", "dev", "eth0"]);
        let s = v[0]["address"].as_str().expect("address");
        let mut m = [0u8; 6];
        for (i, p) in s.split(':').enumerate() {
            m[i] = u8::from_str_radix(p, 16).expect("hex");
        }
        m
    }

    /// Run `f` on a thread inside network namespace `ns`, wait for it and
    /// return its result (re-raising its panic).
    pub fn run_in<T: Send + 'static>(&self, ns: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
        match self.spawn_in(ns, f).join() {
            Ok(v) => v,
            Err(p) => std::panic::resume_unwind(p),
        }
    }

    /// Start `f` on a thread inside network namespace `ns`.
    pub fn spawn_in<T: Send + 'static>(
        &self,
        ns: &str,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> JoinHandle<T> {
        let path = netns_path(ns);
        std::thread::spawn(move || {
            enter_netns(&path).unwrap_or_else(|e| panic!("setns {}: {e}", path.display()));
            f()
        })
    }

    /// Start a program inside `ns`; it is killed when the lab is dropped.
    pub fn start(&mut self, ns: &str, program: &str, args: &[&str], log: &Path) -> u32 {
        let out = std::fs::File::create(log).expect("log file");
        let err = out.try_clone().expect("log file");
        let mut all = vec!["netns", "exec", ns, program];
        all.extend_from_slice(args);
        let child = Command::new("ip")
            .args(&all)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("start {program}: {e}"));
        let pid = child.id();
        self.children.push(child);
        pid
    }

    /// Start Debian's keepalived in `ns` with these instances, in the
    /// foreground with its pid files in the lab's directory, logging to
    /// `name.log`. Returns the log's path.
    pub fn start_keepalived(&mut self, ns: &str, name: &str, conf: &str) -> PathBuf {
        let d = self.dir.clone();
        let f = |s: &str| d.join(format!("{name}-{s}")).display().to_string();
        let conf = format!("global_defs {{\n router_id {name}\n}}\n{conf}");
        std::fs::write(f("ka.conf"), conf).expect("write conf");
        for p in ["ka.pid", "vrrp.pid", "chk.pid", "bfd.pid"] {
            self.pid_files.push(d.join(format!("{name}-{p}")));
        }
        let log = d.join(format!("{name}.log"));
        let args = [
            "-n",
            "-l",
            "-D",
            "-G",
            "-f",
            &f("ka.conf"),
            "-p",
            &f("ka.pid"),
            "-r",
            &f("vrrp.pid"),
            "-c",
            &f("chk.pid"),
            "-b",
            &f("bfd.pid"),
            "-i",
            name,
        ];
        self.start(ns, KEEPALIVED, &args, &log);
        log
    }
}

pub const KEEPALIVED: &str = "/usr/sbin/keepalived";

/// Whether the reference keepalived is installed.
pub fn have_keepalived() -> bool {
    Path::new(KEEPALIVED).exists()
}

fn kill_and_wait(pid: libc::pid_t, child: Option<&mut Child>) {
    // SAFETY: kill(2) with a pid we started (or read from a pid file of a
    // process we started); no memory is involved.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(3);
    if let Some(c) = child {
        loop {
            if let Ok(Some(_)) = c.try_wait() {
                return;
            }
            if Instant::now() > deadline {
                let _ = c.kill();
                let _ = c.wait();
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        // keepalived's own children first (pid files), then what we started.
        for p in &self.pid_files {
            if let Some(pid) = std::fs::read_to_string(p)
                .ok()
                .and_then(|s| s.trim().parse::<libc::pid_t>().ok())
            {
                if pid > 1 {
                    // SAFETY: as in kill_and_wait.
                    unsafe { libc::kill(pid, libc::SIGTERM) };
                }
            }
        }
        for mut c in std::mem::take(&mut self.children) {
            let pid = c.id() as libc::pid_t;
            kill_and_wait(pid, Some(&mut c));
        }
        for ns in [&self.a, &self.b] {
            let _ = Command::new("ip")
                .args(["netns", "del", ns])
                .stderr(Stdio::null())
                .status();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn netns_path(ns: &str) -> PathBuf {
    let run = Path::new("/run/netns").join(ns);
    if run.exists() {
        run
    } else {
        Path::new("/var/run/netns").join(ns)
    }
}

fn enter_netns(path: &Path) -> io::Result<()> {
    let c = CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: `c` is a valid NUL-terminated path.
    let fd = unsafe { libc::open(c.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just opened and is owned by nobody else.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: setns on a namespace file descriptor; it only changes this
    // thread's network namespace.
    if unsafe { libc::setns(fd.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A packet capture on one interface of the calling thread's namespace,
/// independent of the code under test: an `AF_PACKET` socket for every
/// ethertype, read with a deadline.
pub struct Capture {
    fd: OwnedFd,
}

impl Capture {
    /// Open on `ifname` (call from inside the namespace).
    pub fn open(ifname: &str) -> Capture {
        let proto = (libc::ETH_P_ALL as u16).to_be();
        // SAFETY: plain socket(2) call.
        let fd = unsafe {
            libc::socket(
                libc::AF_PACKET,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                libc::c_int::from(proto),
            )
        };
        assert!(fd >= 0, "AF_PACKET socket: {}", io::Error::last_os_error());
        // SAFETY: fresh descriptor owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let name = CString::new(ifname).unwrap();
        // SAFETY: valid NUL-terminated name.
        let idx = unsafe { libc::if_nametoindex(name.as_ptr()) };
        assert!(idx != 0, "no interface {ifname}");
        // SAFETY: sockaddr_ll is plain data; zero is valid.
        let mut sll: libc::sockaddr_ll = unsafe { zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = proto;
        sll.sll_ifindex = idx as i32;
        // SAFETY: `sll` is a live sockaddr_ll of the size given.
        let r = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                (&sll as *const libc::sockaddr_ll).cast(),
                std::mem::size_of::<libc::sockaddr_ll>() as u32,
            )
        };
        assert_eq!(r, 0, "bind: {}", io::Error::last_os_error());
        Capture { fd }
    }

    /// The next frame within `timeout`, with the direction (`sll_pkttype`).
    pub fn next(&self, timeout: Duration) -> Option<(Vec<u8>, u8)> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let mut p = libc::pollfd {
                fd: self.fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            let n = unsafe { libc::poll(&mut p, 1, left.as_millis().max(1) as i32) };
            if n <= 0 {
                continue;
            }
            let mut buf = vec![0u8; 65536];
            // SAFETY: sockaddr_ll is plain data; zero is valid.
            let mut from: libc::sockaddr_ll = unsafe { zeroed() };
            let mut flen = std::mem::size_of::<libc::sockaddr_ll>() as u32;
            // SAFETY: buffers are live and sized as passed.
            let r = unsafe {
                libc::recvfrom(
                    self.fd.as_raw_fd(),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    0,
                    (&mut from as *mut libc::sockaddr_ll).cast(),
                    &mut flen,
                )
            };
            if r > 0 {
                buf.truncate(r as usize);
                return Some((buf, from.sll_pkttype));
            }
        }
    }

    /// The first frame within `timeout` for which `want` holds.
    pub fn find(&self, timeout: Duration, want: impl Fn(&[u8]) -> bool) -> Option<Vec<u8>> {
        let deadline = Instant::now() + timeout;
        while let Some((f, _)) = self.next(deadline.saturating_duration_since(Instant::now())) {
            if want(&f) {
                return Some(f);
            }
        }
        None
    }
}

/// Poll a condition until it holds or `timeout` passes.
pub fn wait_for(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    cond()
}

/// A minimal keepalived instance block; `extra` is more of its lines.
pub fn ka_instance(vrid: u8, prio: u8, state: &str, extra: &str) -> String {
    format!(
        "vrrp_instance VI_{vrid} {{\n state {state}\n interface eth0\n \
         virtual_router_id {vrid}\n priority {prio}\n advert_int 1\n{extra}\n}}\n"
    )
}
