//! systemd's readiness protocol: datagrams such as `READY=1` sent to the
//! socket named by `$NOTIFY_SOCKET` (an abstract socket when it starts with
//! `@`). Without the variable every call does nothing.

use std::io;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixDatagram};

pub struct Notifier {
    target: Option<SocketAddr>,
}

impl Notifier {
    pub fn from_env() -> Notifier {
        Notifier {
            target: std::env::var("NOTIFY_SOCKET")
                .ok()
                .and_then(|p| address(&p).ok()),
        }
    }

    pub fn enabled(&self) -> bool {
        self.target.is_some()
    }

    /// Send one state message, e.g. "READY=1" or "RELOADING=1".
    pub fn notify(&self, state: &str) -> io::Result<()> {
        let Some(addr) = &self.target else {
            return Ok(());
        };
        let sock = UnixDatagram::unbound()?;
        sock.send_to_addr(state.as_bytes(), addr)?;
        Ok(())
    }
}

fn address(path: &str) -> io::Result<SocketAddr> {
    match path.strip_prefix('@') {
        Some(name) => SocketAddr::from_abstract_name(name.as_bytes()),
        None => SocketAddr::from_pathname(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_reach_the_notify_socket() {
        let dir = std::env::temp_dir().join(format!("ka-sdn-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("notify");
        let server = UnixDatagram::bind(&path).unwrap();
        let n = Notifier {
            target: Some(address(path.to_str().unwrap()).unwrap()),
        };
        n.notify("READY=1").unwrap();
        let mut buf = [0u8; 64];
        let len = server.recv(&mut buf).unwrap();
        assert_eq!(&buf[..len], b"READY=1");
        // Abstract names work too.
        let name = format!("ka-sdn-abstract-{}", std::process::id());
        let abs = UnixDatagram::bind_addr(&address(&format!("@{name}")).unwrap()).unwrap();
        let n = Notifier {
            target: Some(address(&format!("@{name}")).unwrap()),
        };
        n.notify("STOPPING=1").unwrap();
        let len = abs.recv(&mut buf).unwrap();
        assert_eq!(&buf[..len], b"STOPPING=1");
        assert!(!Notifier { target: None }.enabled());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
