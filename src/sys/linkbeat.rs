//! Link state by polling (keepalived's linkbeat): the interface flags read
//! with SIOCGIFFLAGS.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd};

use super::sock::{cvt, socket};

/// A socket to ask about interfaces with.
#[derive(Debug)]
pub struct Prober {
    fd: OwnedFd,
}

impl Prober {
    pub fn new() -> io::Result<Prober> {
        Ok(Prober {
            fd: socket(libc::AF_INET, libc::SOCK_DGRAM, 0)?,
        })
    }

    /// Up and running, as keepalived counts an interface up. A missing
    /// interface is down.
    pub fn is_up(&self, ifname: &str) -> bool {
        self.flags(ifname).is_ok_and(|f| {
            let want = (libc::IFF_UP | libc::IFF_RUNNING) as u32;
            f & want == want
        })
    }

    fn flags(&self, ifname: &str) -> io::Result<u32> {
        let name = ifname.as_bytes();
        if name.len() >= libc::IFNAMSIZ || name.contains(&0) {
            return Err(io::Error::from(io::ErrorKind::InvalidInput));
        }
        // SAFETY: ifreq is plain data; zero is a valid value.
        let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
        for (d, s) in req.ifr_name.iter_mut().zip(name) {
            *d = *s as libc::c_char;
        }
        // SAFETY: SIOCGIFFLAGS reads the NUL-terminated name and writes the
        // flags into the live `req`.
        cvt(unsafe { libc::ioctl(self.fd.as_raw_fd(), libc::SIOCGIFFLAGS, &mut req) })?;
        // SAFETY: after SIOCGIFFLAGS the flags member is the one set.
        Ok(unsafe { req.ifr_ifru.ifru_flags } as u16 as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_up_and_nonsense_is_down() {
        let p = Prober::new().unwrap();
        assert!(p.flags("lo").is_ok());
        assert!(!p.is_up("no-such-if0"));
    }
}
