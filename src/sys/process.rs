//! The daemon's process chores: pid files, detaching from the terminal.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A pid file we wrote; removed when dropped.
pub struct PidFile {
    path: PathBuf,
}

impl PidFile {
    /// Write our pid to `path`, refusing when the pid already in it belongs
    /// to a live process (another keepalived is running).
    pub fn create(path: &Path) -> io::Result<PidFile> {
        if let Ok(text) = std::fs::read_to_string(path) {
            if let Ok(pid) = text.trim().parse::<i32>() {
                if pid > 0 && pid != std::process::id() as i32 && process_alive(pid) {
                    return Err(io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        format!("{} holds pid {pid}, which is still running", path.display()),
                    ));
                }
            }
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut f = std::fs::File::create(path)?;
        writeln!(f, "{}", std::process::id())?;
        Ok(PidFile {
            path: path.to_path_buf(),
        })
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

pub fn process_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Fork into the background: the parent exits 0, the child starts a new
/// session with stdio on /dev/null and `/` as working directory.
pub fn daemonize() -> io::Result<()> {
    // SAFETY: we are single-threaded here; the parent exits immediately
    // without running destructors that could touch shared state.
    match unsafe { libc::fork() } {
        -1 => return Err(io::Error::last_os_error()),
        0 => {}
        _ => {
            // SAFETY: _exit ends the parent at once.
            unsafe { libc::_exit(0) }
        }
    }
    // SAFETY: setsid has no preconditions in a freshly forked child.
    if unsafe { libc::setsid() } < 0 {
        return Err(io::Error::last_os_error());
    }
    std::env::set_current_dir("/")?;
    let null = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")?;
    use std::os::fd::AsRawFd;
    for fd in 0..3 {
        // SAFETY: dup2 onto the standard descriptors from an open file.
        if unsafe { libc::dup2(null.as_raw_fd(), fd) } < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// A monotonic clock reading in microseconds.
pub fn monotonic_micros() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid timespec for clock_gettime to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000 + ts.tv_nsec as u64 / 1_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pid_file_refuses_a_live_pid_and_is_removed() {
        let dir = std::env::temp_dir().join(format!("ka-pid-{}", std::process::id()));
        let path = dir.join("x.pid");
        {
            let _p = PidFile::create(&path).unwrap();
            assert_eq!(
                std::fs::read_to_string(&path).unwrap().trim(),
                std::process::id().to_string()
            );
        }
        assert!(!path.exists());
        // pid 1 is always alive.
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&path, "1\n").unwrap();
        assert!(PidFile::create(&path).is_err());
        // A stale pid is overwritten.
        std::fs::write(&path, "999999999\n").unwrap();
        assert!(PidFile::create(&path).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn clock_counts_microseconds() {
        let a = monotonic_micros();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let d = monotonic_micros() - a;
        assert!((20_000..2_000_000).contains(&d), "{d} µs for a 20 ms sleep");
    }
}
