//! The kernel's process connector (NETLINK_CONNECTOR, CN_IDX_PROC): fork,
//! exec, comm and exit events of every process, and the reads of /proc
//! that vrrp_track_process needs.
//!
//! The kernel only sends these events to sockets of the initial network
//! namespace. keepalived opens its socket before it enters a configured
//! `net_namespace`; when we are started inside a namespace (`ip netns
//! exec`), we open it in process 1's or an ancestor's namespace and come
//! back.

use std::ffi::CString;
use std::fs;
use std::io::{self, Read};
use std::mem::{size_of, zeroed};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use super::sock::{cvt, cvt_size, socket};
use crate::track::process::ProcInfo;

const NETLINK_CONNECTOR: libc::c_int = 11;
const CN_IDX_PROC: u32 = 1;
const CN_VAL_PROC: u32 = 1;
const PROC_CN_MCAST_LISTEN: u32 = 1;
const PROC_CN_MCAST_IGNORE: u32 = 2;

const PROC_EVENT_NONE: u32 = 0;
const PROC_EVENT_FORK: u32 = 1;
const PROC_EVENT_EXEC: u32 = 2;
const PROC_EVENT_COMM: u32 = 0x200;
const PROC_EVENT_EXIT: u32 = 0x8000_0000;

/// One process event (threads are left out, as keepalived does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcEvent {
    /// The kernel confirmed the subscription.
    Ack,
    Fork {
        parent: i32,
        child: i32,
    },
    Exec {
        pid: i32,
    },
    Comm {
        pid: i32,
        comm: String,
    },
    Exit {
        pid: i32,
    },
}

/// A subscribed, non-blocking process connector socket.
#[derive(Debug)]
pub struct ProcConnector {
    fd: OwnedFd,
    /// Opened in process 1's network namespace.
    pub borrowed_namespace: bool,
}

fn open_here() -> io::Result<OwnedFd> {
    let fd = socket(
        libc::AF_NETLINK,
        libc::SOCK_DGRAM | libc::SOCK_NONBLOCK,
        NETLINK_CONNECTOR,
    )?;
    // SAFETY: sockaddr_nl is plain data; zero is a valid value.
    let mut sa: libc::sockaddr_nl = unsafe { zeroed() };
    sa.nl_family = libc::AF_NETLINK as u16;
    sa.nl_groups = CN_IDX_PROC;
    super::sock::bind(&fd, &sa)?;
    subscribe(&fd, true)?;
    Ok(fd)
}

/// The subscription request: nlmsghdr, cn_msg, then the operation.
fn subscribe(fd: &OwnedFd, listen: bool) -> io::Result<()> {
    let mut msg = Vec::with_capacity(40);
    let len: u32 = 16 + 20 + 4;
    msg.extend_from_slice(&len.to_ne_bytes());
    msg.extend_from_slice(&(libc::NLMSG_DONE as u16).to_ne_bytes());
    msg.extend_from_slice(&0u16.to_ne_bytes());
    msg.extend_from_slice(&0u32.to_ne_bytes());
    msg.extend_from_slice(&0u32.to_ne_bytes());
    msg.extend_from_slice(&CN_IDX_PROC.to_ne_bytes());
    msg.extend_from_slice(&CN_VAL_PROC.to_ne_bytes());
    msg.extend_from_slice(&0u32.to_ne_bytes());
    msg.extend_from_slice(&0u32.to_ne_bytes());
    msg.extend_from_slice(&4u16.to_ne_bytes());
    msg.extend_from_slice(&0u16.to_ne_bytes());
    let op = if listen {
        PROC_CN_MCAST_LISTEN
    } else {
        PROC_CN_MCAST_IGNORE
    };
    msg.extend_from_slice(&op.to_ne_bytes());
    // SAFETY: `msg` is live for its whole length.
    cvt_size(unsafe { libc::send(fd.as_raw_fd(), msg.as_ptr().cast(), msg.len(), 0) })?;
    Ok(())
}

fn open_ns(path: &str) -> io::Result<OwnedFd> {
    let c = CString::new(path).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: `c` is a valid NUL-terminated path.
    let fd = cvt(unsafe { libc::open(c.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) })?;
    // SAFETY: a fresh descriptor owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn setns(fd: &OwnedFd) -> io::Result<()> {
    // SAFETY: setns on a namespace descriptor; it changes only this
    // thread's network namespace.
    cvt(unsafe { libc::setns(fd.as_raw_fd(), libc::CLONE_NEWNET) }).map(|_| ())
}

/// The parent of a process, from /proc/PID/stat.
fn parent_of(pid: i32) -> Option<i32> {
    let stat = fs::read(format!("/proc/{pid}/stat")).ok()?;
    let close = stat.iter().rposition(|&b| b == b')')?;
    let rest = String::from_utf8_lossy(&stat[close + 1..]).into_owned();
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// Network namespaces to try, nearest first: process 1's, then those of
/// our ancestors (`ip netns exec` runs us below a shell of the namespace
/// we came from), each once and none our own.
fn other_namespaces() -> Vec<String> {
    let ours = fs::read_link("/proc/self/ns/net").ok();
    let mut seen = vec![ours];
    let mut out = Vec::new();
    let mut candidates = vec![1];
    let mut p = std::process::id() as i32;
    while let Some(pp) = parent_of(p).filter(|&x| x > 1) {
        candidates.push(pp);
        p = pp;
    }
    for pid in candidates {
        let path = format!("/proc/{pid}/ns/net");
        let Ok(id) = fs::read_link(&path) else {
            continue;
        };
        if !seen.contains(&Some(id.clone())) {
            seen.push(Some(id));
            out.push(path);
        }
    }
    out
}

/// Open the socket in another network namespace and come back to ours.
/// Needs CAP_SYS_ADMIN.
fn open_in_namespace(path: &str) -> io::Result<OwnedFd> {
    let ours = open_ns("/proc/self/ns/net")?;
    let other = open_ns(path)?;
    setns(&other)?;
    let r = open_here();
    if let Err(e) = setns(&ours) {
        // Staying in the wrong namespace would break everything else.
        log::error!("Cannot return to our network namespace: {e}");
        std::process::exit(1);
    }
    r
}

impl ProcConnector {
    pub fn open() -> io::Result<ProcConnector> {
        match open_here() {
            Ok(fd) => Ok(ProcConnector {
                fd,
                borrowed_namespace: false,
            }),
            Err(e) if e.raw_os_error() == Some(libc::ECONNREFUSED) => {
                for path in other_namespaces() {
                    if let Ok(fd) = open_in_namespace(&path) {
                        return Ok(ProcConnector {
                            fd,
                            borrowed_namespace: true,
                        });
                    }
                }
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// Everything queued. `Err` with ENOBUFS means events were lost.
    pub fn read_events(&self, out: &mut Vec<ProcEvent>) -> io::Result<()> {
        let mut buf = [0u8; 1024];
        loop {
            // SAFETY: sockaddr_nl is plain data; zero is a valid value.
            let mut from: libc::sockaddr_nl = unsafe { zeroed() };
            let mut flen = size_of::<libc::sockaddr_nl>() as libc::socklen_t;
            // SAFETY: the buffers are live and sized as passed.
            let r = cvt_size(unsafe {
                libc::recvfrom(
                    self.fd.as_raw_fd(),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    0,
                    (&mut from as *mut libc::sockaddr_nl).cast(),
                    &mut flen,
                )
            } as libc::ssize_t);
            match r {
                Ok(n) => {
                    // Only the kernel may speak here.
                    if from.nl_pid == 0 {
                        out.extend(parse(&buf[..n]));
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if super::sock::would_block(&e) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for ProcConnector {
    fn drop(&mut self) {
        let _ = subscribe(&self.fd, false);
    }
}

impl AsRawFd for ProcConnector {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

/// One datagram: nlmsghdr (16), cn_msg (20), proc_event (what, cpu,
/// timestamp, then the event's data). The kernel sends one event per
/// datagram.
pub fn parse(buf: &[u8]) -> Option<ProcEvent> {
    let u32_at = |o: usize| -> Option<u32> {
        buf.get(o..o + 4)
            .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
    };
    let i32_at = |o: usize| u32_at(o).map(|v| v as i32);
    let ty = buf.get(4..6).map(|b| u16::from_ne_bytes([b[0], b[1]]))?;
    if ty == libc::NLMSG_ERROR as u16 || ty == libc::NLMSG_NOOP as u16 {
        return None;
    }
    if u32_at(16)? != CN_IDX_PROC || u32_at(20)? != CN_VAL_PROC {
        return None;
    }
    let what = u32_at(36)?;
    const D: usize = 52;
    match what {
        PROC_EVENT_NONE => Some(ProcEvent::Ack),
        PROC_EVENT_FORK => {
            let (child_pid, child_tgid) = (i32_at(D + 8)?, i32_at(D + 12)?);
            (child_pid == child_tgid).then_some(ProcEvent::Fork {
                parent: i32_at(D + 4)?,
                child: child_tgid,
            })
        }
        PROC_EVENT_EXEC => {
            let (pid, tgid) = (i32_at(D)?, i32_at(D + 4)?);
            (pid == tgid).then_some(ProcEvent::Exec { pid: tgid })
        }
        PROC_EVENT_COMM => {
            let (pid, tgid) = (i32_at(D)?, i32_at(D + 4)?);
            let raw = buf.get(D + 8..D + 24)?;
            let name = raw.split(|&b| b == 0).next().unwrap_or(&[]);
            (pid == tgid).then(|| ProcEvent::Comm {
                pid: tgid,
                comm: String::from_utf8_lossy(name).into_owned(),
            })
        }
        PROC_EVENT_EXIT => {
            let (pid, tgid) = (i32_at(D)?, i32_at(D + 4)?);
            (pid == tgid).then_some(ProcEvent::Exit { pid: tgid })
        }
        _ => None,
    }
}

fn read_max(path: &str, max: usize) -> Option<Vec<u8>> {
    let mut f = fs::File::open(path).ok()?;
    let mut buf = vec![0u8; max];
    let mut n = 0;
    while n < max {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    buf.truncate(n);
    Some(buf)
}

/// What /proc says of one process: `comm` from /proc/PID/comm, the first
/// `cmdline_max` bytes of /proc/PID/cmdline. `None` when it has gone.
pub fn read_process(pid: i32, comm: bool, cmdline_max: Option<usize>) -> Option<ProcInfo> {
    let mut info = ProcInfo::default();
    if let Some(max) = cmdline_max {
        info.cmdline = Some(read_max(&format!("/proc/{pid}/cmdline"), max)?);
    }
    if comm {
        let raw = read_max(&format!("/proc/{pid}/comm"), 16)?;
        let s = String::from_utf8_lossy(&raw).into_owned();
        info.comm = Some(s.strip_suffix('\n').unwrap_or(&s).to_string());
    }
    Some(info)
}

/// Every process (not zombies when names are read): keepalived's scan at
/// start. Names come from /proc/PID/stat.
pub fn scan(comm: bool, cmdline_max: Option<usize>) -> Vec<(i32, ProcInfo)> {
    let mut out = Vec::new();
    let Ok(dir) = fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let Some(pid) = e
            .file_name()
            .to_str()
            .filter(|s| s.starts_with(|c: char| ('1'..='9').contains(&c)))
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let mut info = ProcInfo::default();
        if let Some(max) = cmdline_max {
            match read_max(&format!("/proc/{pid}/cmdline"), max) {
                Some(c) => info.cmdline = Some(c),
                None => continue,
            }
        }
        if comm {
            let Some(stat) = read_max(&format!("/proc/{pid}/stat"), 127) else {
                continue;
            };
            let Some(name) = stat_comm(&stat) else {
                continue;
            };
            info.comm = Some(name);
        }
        out.push((pid, info));
    }
    out
}

/// The command name in /proc/PID/stat ("PID (NAME) STATE ..."), `None`
/// for a zombie.
pub fn stat_comm(stat: &[u8]) -> Option<String> {
    let open = stat.iter().skip(2).position(|&b| b == b'(')? + 2;
    let close = open + stat[open..].iter().position(|&b| b == b')')?;
    if stat.get(close + 2) == Some(&b'Z') {
        return None;
    }
    Some(String::from_utf8_lossy(&stat[open + 1..close]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_names_and_zombies() {
        assert_eq!(stat_comm(b"12 (sleep) S 1 2"), Some("sleep".into()));
        assert_eq!(stat_comm(b"12 (a b) R 1"), Some("a b".into()));
        assert_eq!(stat_comm(b"12 (dead) Z 1"), None);
    }

    #[test]
    fn events_decode() {
        let mut m = vec![0u8; 52 + 24];
        let len = m.len() as u32;
        m[0..4].copy_from_slice(&len.to_ne_bytes());
        m[4..6].copy_from_slice(&(libc::NLMSG_DONE as u16).to_ne_bytes());
        m[16..20].copy_from_slice(&1u32.to_ne_bytes());
        m[20..24].copy_from_slice(&1u32.to_ne_bytes());
        let set = |m: &mut Vec<u8>, o: usize, v: u32| m[o..o + 4].copy_from_slice(&v.to_ne_bytes());
        set(&mut m, 36, PROC_EVENT_FORK);
        set(&mut m, 56, 100);
        set(&mut m, 60, 101);
        set(&mut m, 64, 101);
        assert_eq!(
            parse(&m),
            Some(ProcEvent::Fork {
                parent: 100,
                child: 101
            })
        );
        // A new thread is not a process.
        set(&mut m, 60, 102);
        assert_eq!(parse(&m), None);
        set(&mut m, 36, PROC_EVENT_EXIT);
        set(&mut m, 52, 7);
        set(&mut m, 56, 7);
        assert_eq!(parse(&m), Some(ProcEvent::Exit { pid: 7 }));
        set(&mut m, 36, PROC_EVENT_COMM);
        m[60..64].copy_from_slice(b"abc\0");
        assert_eq!(
            parse(&m),
            Some(ProcEvent::Comm {
                pid: 7,
                comm: "abc".into()
            })
        );
    }

    #[test]
    fn our_own_process_is_found() {
        let me = std::process::id() as i32;
        let info = read_process(me, true, Some(4096)).unwrap();
        assert!(info.comm.is_some());
        assert!(scan(true, None).iter().any(|(p, _)| *p == me));
    }
}
