//! Writing to syslog through /dev/log ourselves (RFC 3164 lines), so that
//! each message can carry keepalived's tag (`Keepalived_vrrp[pid]` ...) and a
//! static binary needs no libc syslog state.

use std::io;
use std::os::unix::net::UnixDatagram;

/// syslog severities.
pub const LOG_ERR: i32 = 3;
pub const LOG_WARNING: i32 = 4;
pub const LOG_INFO: i32 = 6;
pub const LOG_DEBUG: i32 = 7;

pub struct Syslog {
    socket: Option<UnixDatagram>,
    path: String,
    facility: i32,
}

impl Syslog {
    /// `facility` is the LOG_* facility value (already shifted, e.g.
    /// `libc::LOG_DAEMON`).
    pub fn new(facility: i32) -> Syslog {
        Syslog::with_path("/dev/log", facility)
    }

    pub fn with_path(path: &str, facility: i32) -> Syslog {
        let mut s = Syslog {
            socket: None,
            path: path.to_string(),
            facility,
        };
        let _ = s.connect();
        s
    }

    fn connect(&mut self) -> io::Result<()> {
        let sock = UnixDatagram::unbound()?;
        sock.connect(&self.path)?;
        sock.set_nonblocking(true)?;
        self.socket = Some(sock);
        Ok(())
    }

    /// Send one message; a full or missing log socket loses the message
    /// rather than blocking the daemon.
    pub fn send(&mut self, severity: i32, tag: &str, msg: &str) {
        let line = format_line(
            self.facility | severity,
            &timestamp(),
            tag,
            std::process::id(),
            msg,
        );
        let sent = self
            .socket
            .as_ref()
            .map(|s| s.send(line.as_bytes()))
            .unwrap_or_else(|| Err(io::ErrorKind::NotConnected.into()));
        if sent.is_err() && self.connect().is_ok() {
            if let Some(s) = &self.socket {
                let _ = s.send(line.as_bytes());
            }
        }
    }
}

/// `<PRI>Mmm dd hh:mm:ss TAG[PID]: MSG`
pub fn format_line(pri: i32, stamp: &str, tag: &str, pid: u32, msg: &str) -> String {
    format!("<{pri}>{stamp} {tag}[{pid}]: {msg}")
}

/// The local time as syslog writes it: `Nov 23 08:07:52`.
pub fn timestamp() -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    // SAFETY: time() with a null pointer only returns the time; tm is a
    // plain struct localtime_r fills in.
    let tm = unsafe {
        let t = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return String::from("Jan  1 00:00:00");
        }
        tm
    };
    format!(
        "{} {:2} {:02}:{:02}:{:02}",
        MONTHS[tm.tm_mon.clamp(0, 11) as usize],
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_look_like_glibc_syslog() {
        assert_eq!(
            format_line(
                libc::LOG_DAEMON | LOG_INFO,
                "Nov 23 08:07:52",
                "Keepalived_vrrp",
                42,
                "(VI_1) Entering MASTER STATE"
            ),
            "<30>Nov 23 08:07:52 Keepalived_vrrp[42]: (VI_1) Entering MASTER STATE"
        );
        assert_eq!(timestamp().len(), 15);
    }

    #[test]
    fn messages_reach_a_log_socket() {
        let dir = std::env::temp_dir().join(format!("ka-syslog-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("log");
        let server = UnixDatagram::bind(&path).unwrap();
        let mut log = Syslog::with_path(path.to_str().unwrap(), libc::LOG_LOCAL3);
        log.send(LOG_WARNING, "Keepalived", "hello");
        let mut buf = [0u8; 256];
        let n = server.recv(&mut buf).unwrap();
        let got = String::from_utf8_lossy(&buf[..n]);
        assert!(got.starts_with("<156>"), "{got}");
        assert!(got.ends_with(": hello"), "{got}");
        assert!(got.contains(" Keepalived["), "{got}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
