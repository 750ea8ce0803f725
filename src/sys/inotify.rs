//! inotify: the directories of track_file files are watched for files
//! written, deleted or moved, like keepalived 2.2.7 does.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;

use super::sock::{cvt, cvt_size};

/// What happened to a file in a watched directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub wd: i32,
    /// The file's name in the directory.
    pub name: String,
    /// Written and closed, or moved in: read it again.
    pub written: bool,
    /// Deleted or moved away: its value is 0.
    pub gone: bool,
    /// Neither (keepalived logs "Unknown inotify event").
    pub mask: u32,
}

/// A non-blocking inotify instance.
#[derive(Debug)]
pub struct Inotify {
    fd: OwnedFd,
}

impl Inotify {
    pub fn new() -> io::Result<Inotify> {
        // SAFETY: inotify_init1 takes no pointers; a non-negative result is a
        // fresh descriptor owned by nobody else.
        let fd = cvt(unsafe { libc::inotify_init1(libc::IN_CLOEXEC | libc::IN_NONBLOCK) })?;
        // SAFETY: see above.
        Ok(Inotify {
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    /// Watch a directory for files closed after writing, deleted or moved.
    pub fn watch_dir(&self, dir: &Path) -> io::Result<i32> {
        let c = CString::new(dir.as_os_str().as_encoded_bytes())
            .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        let mask = libc::IN_CLOSE_WRITE | libc::IN_DELETE | libc::IN_MOVE;
        // SAFETY: `c` is a valid NUL-terminated path; the fd is ours.
        cvt(unsafe { libc::inotify_add_watch(self.fd.as_raw_fd(), c.as_ptr(), mask) })
    }

    /// Everything queued (never blocks).
    pub fn read_events(&self, out: &mut Vec<Event>) -> io::Result<()> {
        let mut buf = [0u8; 4096];
        loop {
            // SAFETY: `buf` is live and writable for its whole length.
            let r = cvt_size(unsafe {
                libc::read(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len())
            });
            let n = match r {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if super::sock::would_block(&e) => return Ok(()),
                Err(e) => return Err(e),
            };
            parse(&buf[..n], out);
        }
    }
}

/// Split a read of `struct inotify_event` records.
pub fn parse(mut buf: &[u8], out: &mut Vec<Event>) {
    const HDR: usize = 16;
    while buf.len() >= HDR {
        let word = |o: usize| u32::from_ne_bytes([buf[o], buf[o + 1], buf[o + 2], buf[o + 3]]);
        let wd = word(0) as i32;
        let mask = word(4);
        let len = word(12) as usize;
        let end = (HDR + len).min(buf.len());
        let raw = &buf[HDR..end];
        let name = raw.split(|&b| b == 0).next().unwrap_or(&[]);
        buf = &buf[end..];
        if mask & libc::IN_ISDIR != 0 {
            continue;
        }
        out.push(Event {
            wd,
            name: String::from_utf8_lossy(name).into_owned(),
            written: mask & (libc::IN_CLOSE_WRITE | libc::IN_MOVED_TO) != 0,
            gone: mask & (libc::IN_DELETE | libc::IN_MOVED_FROM) != 0,
            mask,
        });
    }
}

impl AsRawFd for Inotify {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

/// Read the first `max` bytes of a file (keepalived opens it with
/// O_NONBLOCK, so a FIFO does not hang the loop). `None`: no such file or
/// not readable.
pub fn read_head(path: &Path, max: usize) -> Option<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .ok()?;
    let mut buf = vec![0u8; max];
    let n = f.read(&mut buf).unwrap_or(0);
    buf.truncate(n);
    Some(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_deletes_are_reported() {
        let dir = std::env::temp_dir().join(format!("ka-inotify-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let n = Inotify::new().unwrap();
        let wd = n.watch_dir(&dir).unwrap();
        std::fs::write(dir.join("v"), "5\n").unwrap();
        std::fs::remove_file(dir.join("v")).unwrap();
        let mut ev = Vec::new();
        n.read_events(&mut ev).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(ev.iter().any(|e| e.wd == wd && e.name == "v" && e.written));
        assert!(ev.iter().any(|e| e.name == "v" && e.gone));
    }
}
