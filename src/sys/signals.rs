//! Signals as readable events: each handled signal writes its number into a
//! non-blocking pipe that the event loop polls (the self-pipe trick), so no
//! work happens in signal context.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

pub struct SignalPipe {
    read: OwnedFd,
    _write: OwnedFd,
    ids: Vec<signal_hook::SigId>,
}

impl SignalPipe {
    /// Catch `signals` from now on.
    pub fn new(signals: &[i32]) -> io::Result<SignalPipe> {
        let mut fds = [0; 2];
        // SAFETY: fds has room for the two descriptors pipe2 returns.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: pipe2 succeeded, so both descriptors are open and ours.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        let wfd = write.as_raw_fd();
        let mut ids = Vec::new();
        for &sig in signals {
            // SAFETY: the handler only calls write(2) on a non-blocking pipe,
            // which is async-signal-safe, and touches no other state. The
            // pipe outlives the registration (unregistered in Drop first).
            let id = unsafe {
                signal_hook::low_level::register(sig, move || {
                    let b = sig as u8;
                    libc::write(wfd, (&b as *const u8).cast(), 1);
                })
            }?;
            ids.push(id);
        }
        Ok(SignalPipe {
            read,
            _write: write,
            ids,
        })
    }

    /// The signals that arrived since the last call, in order.
    pub fn drain(&self) -> Vec<i32> {
        let mut out = Vec::new();
        let mut buf = [0u8; 64];
        loop {
            // SAFETY: buf is valid for writes of its length.
            let n =
                unsafe { libc::read(self.read.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                break;
            }
            out.extend(buf[..n as usize].iter().map(|b| i32::from(*b)));
        }
        out
    }
}

impl SignalPipe {
    /// The descriptor to poll for readability.
    pub fn as_raw(&self) -> RawFd {
        self.read.as_raw_fd()
    }
}

impl AsRawFd for SignalPipe {
    fn as_raw_fd(&self) -> RawFd {
        self.read.as_raw_fd()
    }
}

impl Drop for SignalPipe {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raised_signals_come_out_of_the_pipe() {
        let rtmin2 = libc::SIGRTMIN() + 2;
        let pipe = SignalPipe::new(&[libc::SIGUSR2, rtmin2]).unwrap();
        assert!(pipe.drain().is_empty());
        signal_hook::low_level::raise(libc::SIGUSR2).unwrap();
        signal_hook::low_level::raise(rtmin2).unwrap();
        assert_eq!(pipe.drain(), [libc::SIGUSR2, rtmin2]);
    }
}
