//! A non-blocking TCP client connection (for SMTP alerts), and the local
//! time in the form mail headers want.

use std::io;
use std::mem::{size_of, zeroed};
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use super::sock::{cvt_size, getsockopt_int, sockaddr_in, sockaddr_in6, socket};

/// How a connection attempt started.
#[derive(Debug)]
pub enum Connect {
    /// Connected at once.
    Done(TcpConn),
    /// Wait until writable, then ask [`TcpConn::connect_result`].
    InProgress(TcpConn),
}

#[derive(Debug)]
pub struct TcpConn {
    fd: OwnedFd,
}

impl TcpConn {
    /// Start connecting without blocking.
    pub fn connect(addr: SocketAddr) -> io::Result<Connect> {
        let domain = match addr {
            SocketAddr::V4(_) => libc::AF_INET,
            SocketAddr::V6(_) => libc::AF_INET6,
        };
        let fd = socket(
            domain,
            libc::SOCK_STREAM | libc::SOCK_NONBLOCK,
            libc::IPPROTO_TCP,
        )?;
        let r = match addr {
            SocketAddr::V4(a) => {
                let sa = sockaddr_in(*a.ip(), a.port());
                // SAFETY: `sa` is a live sockaddr_in of the size given.
                unsafe {
                    libc::connect(
                        fd.as_raw_fd(),
                        (&sa as *const libc::sockaddr_in).cast(),
                        size_of::<libc::sockaddr_in>() as libc::socklen_t,
                    )
                }
            }
            SocketAddr::V6(a) => {
                let mut sa = sockaddr_in6(*a.ip(), a.scope_id());
                sa.sin6_port = a.port().to_be();
                // SAFETY: `sa` is a live sockaddr_in6 of the size given.
                unsafe {
                    libc::connect(
                        fd.as_raw_fd(),
                        (&sa as *const libc::sockaddr_in6).cast(),
                        size_of::<libc::sockaddr_in6>() as libc::socklen_t,
                    )
                }
            }
        };
        if r == 0 {
            return Ok(Connect::Done(TcpConn { fd }));
        }
        let e = io::Error::last_os_error();
        if e.raw_os_error() == Some(libc::EINPROGRESS) {
            Ok(Connect::InProgress(TcpConn { fd }))
        } else {
            Err(e)
        }
    }

    /// After the socket became writable: whether the connection is up.
    pub fn connect_result(&self) -> io::Result<()> {
        match getsockopt_int(&self.fd, libc::SOL_SOCKET, libc::SO_ERROR)? {
            0 => Ok(()),
            e => Err(io::Error::from_raw_os_error(e)),
        }
    }

    pub fn send(&self, data: &[u8]) -> io::Result<usize> {
        // SAFETY: `data` is live for its whole length; MSG_NOSIGNAL keeps a
        // closed peer from raising SIGPIPE.
        cvt_size(unsafe {
            libc::send(
                self.fd.as_raw_fd(),
                data.as_ptr().cast(),
                data.len(),
                libc::MSG_NOSIGNAL,
            )
        })
    }

    /// Ok(0) is the end of the stream.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        // SAFETY: `buf` is live and writable for its whole length.
        cvt_size(unsafe { libc::recv(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) })
    }
}

impl AsRawFd for TcpConn {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

/// The local time as RFC 822 wants it: "Mon, 01 Mar 2021 09:44:08 +0000".
pub fn rfc822_now() -> String {
    // SAFETY: time(NULL) takes no pointer worth checking.
    let now = unsafe { libc::time(std::ptr::null_mut()) };
    // SAFETY: tm is plain data; zero is valid.
    let mut tm: libc::tm = unsafe { zeroed() };
    // SAFETY: both pointers are to live locals.
    if unsafe { libc::localtime_r(&now, &mut tm) }.is_null() {
        return String::new();
    }
    let mut buf = [0u8; 80];
    let fmt = c"%a, %d %b %Y %H:%M:%S %z";
    // SAFETY: `buf` is writable for its length, `fmt` is NUL-terminated and
    // `tm` was filled by localtime_r.
    let n = unsafe { libc::strftime(buf.as_mut_ptr().cast(), buf.len(), fmt.as_ptr(), &tm) };
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn connects_and_talks() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let c = match TcpConn::connect(addr).unwrap() {
            Connect::Done(c) | Connect::InProgress(c) => c,
        };
        let (mut s, _) = l.accept().unwrap();
        assert!(super::super::sock::wait_readable(c.as_raw_fd(), 0).is_ok());
        c.connect_result().unwrap();
        s.write_all(b"220 hi\r\n").unwrap();
        let mut buf = [0u8; 32];
        let mut n = 0;
        for _ in 0..100 {
            match c.recv(&mut buf) {
                Ok(k) => {
                    n = k;
                    break;
                }
                Err(_) => std::thread::sleep(std::time::Duration::from_millis(10)),
            }
        }
        assert_eq!(&buf[..n], b"220 hi\r\n");
        c.send(b"QUIT\r\n").unwrap();
        let mut got = [0u8; 6];
        s.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"QUIT\r\n");
    }

    #[test]
    fn the_date_looks_like_a_mail_date() {
        let d = rfc822_now();
        assert_eq!(d.split(' ').count(), 6, "{d}");
        assert!(d.as_bytes()[3] == b',', "{d}");
    }
}
