//! Notify FIFOs (`notify_fifo`, `vrrp_notify_fifo`): made with mkfifo(3)
//! when missing (mode 0644, given to the configured owner), opened
//! read-write and non-blocking so that writing never waits for a reader
//! (a line nobody reads in time is lost, as with keepalived), and removed
//! at exit when we made them.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

fn cpath(path: &Path) -> io::Result<CString> {
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
}

/// What [`make`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Made {
    /// The FIFO was created; `owned` says whether it could be given to
    /// the configured owner (when that is not us).
    Created { owned: bool },
    /// Something already had that name.
    Existed,
}

/// Create the FIFO at `path` unless something is there already, owned by
/// `uid`/`gid`.
pub fn make(path: &Path, uid: u32, gid: u32) -> io::Result<Made> {
    let c = cpath(path)?;
    // SAFETY: `c` is a valid NUL-terminated path.
    if unsafe { libc::mkfifo(c.as_ptr(), 0o644) } != 0 {
        let e = io::Error::last_os_error();
        return if e.raw_os_error() == Some(libc::EEXIST) {
            Ok(Made::Existed)
        } else {
            Err(e)
        };
    }
    // SAFETY: no preconditions.
    let (our_uid, our_gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    let mut owned = true;
    if uid != our_uid || gid != our_gid {
        let u = if uid != our_uid { uid } else { u32::MAX };
        let g = if gid != our_gid { gid } else { u32::MAX };
        // SAFETY: valid path; -1 (u32::MAX) leaves an id unchanged.
        owned = unsafe { libc::chown(c.as_ptr(), u, g) } == 0;
    }
    Ok(Made::Created { owned })
}

/// An open notify FIFO.
#[derive(Debug)]
pub struct Fifo {
    path: PathBuf,
    fd: OwnedFd,
    /// We made it, so we remove it.
    created: bool,
}

impl Fifo {
    /// Open `path` for writing without ever blocking. `created`: remove it
    /// when done.
    pub fn open(path: &Path, created: bool) -> io::Result<Fifo> {
        let c = cpath(path)?;
        // SAFETY: `c` is a valid NUL-terminated path.
        let fd = unsafe {
            libc::open(
                c.as_ptr(),
                libc::O_RDWR | libc::O_CLOEXEC | libc::O_NONBLOCK | libc::O_NOFOLLOW,
            )
        };
        if fd < 0 {
            let e = io::Error::last_os_error();
            if created {
                let _ = std::fs::remove_file(path);
            }
            return Err(e);
        }
        Ok(Fifo {
            path: path.to_path_buf(),
            // SAFETY: open succeeded; the descriptor is ours.
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
            created,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write one line; if it does not fit now it is dropped.
    pub fn write(&self, line: &[u8]) {
        // SAFETY: the buffer is valid for reads of its length.
        unsafe { libc::write(self.fd.as_raw_fd(), line.as_ptr().cast(), line.len()) };
    }
}

impl Drop for Fifo {
    fn drop(&mut self) {
        // Unlinked before it is closed, so that a reader that reopens it
        // when it sees the end cannot find it again.
        if self.created {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};

    #[test]
    fn a_fifo_is_made_written_without_blocking_and_removed() {
        let dir = std::env::temp_dir().join(format!("ka-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("notify");
        // SAFETY: no preconditions.
        let (u, g) = unsafe { (libc::geteuid(), libc::getegid()) };
        assert_eq!(make(&path, u, g).unwrap(), Made::Created { owned: true });
        let meta = std::fs::metadata(&path).unwrap();
        assert!(meta.file_type().is_fifo());
        // 0644 less our umask (which only removes bits).
        assert_eq!(meta.permissions().mode() & 0o777 & !0o644, 0);
        assert_eq!(make(&path, u, g).unwrap(), Made::Existed);
        let fifo = Fifo::open(&path, true).unwrap();
        let mut reader = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&path)
            .unwrap();
        fifo.write(b"INSTANCE \"VI_1\" MASTER 100\n");
        let mut buf = [0u8; 64];
        let n = reader.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"INSTANCE \"VI_1\" MASTER 100\n");
        // Nobody reading: lines are dropped once the pipe is full, never
        // blocking.
        drop(reader);
        for _ in 0..100_000 {
            fifo.write(b"GROUP \"G\" BACKUP 0\n");
        }
        drop(fifo);
        assert!(!path.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    use std::os::unix::fs::OpenOptionsExt;
}
