//! Writing the signal dumps (keepalived.data, .stats, .json) where
//! keepalived writes them, and the clocks a dump shows.

use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// keepalived's directory for its files: `$TMPDIR` when it is an absolute
/// path, else /tmp.
pub fn tmp_dir() -> PathBuf {
    match std::env::var_os("TMPDIR") {
        Some(d) if Path::new(&d).is_absolute() => PathBuf::from(d),
        _ => PathBuf::from("/tmp"),
    }
}

/// Write `contents` to `dir/name` with mode 0666 minus `umask` (0600 with
/// keepalived's default umask). Like keepalived, the file is created under
/// a fresh name that nobody else can have open and renamed over the old
/// one; unlike keepalived the rename comes after the write, so a reader
/// never sees a partial file.
pub fn write(dir: &Path, name: &str, contents: &[u8], umask: u32) -> io::Result<PathBuf> {
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let path = dir.join(name);
    let mut tries = 0;
    let (tmp, mut file) = loop {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let suffix = format!(
            "{:06x}",
            (nanos ^ std::process::id().rotate_left(12) ^ SEQ.fetch_add(1, Ordering::Relaxed))
                & 0xff_ffff
        );
        let tmp = dir.join(format!("{name}{suffix}"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 16 => tries += 1,
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        file.set_permissions(std::fs::Permissions::from_mode(0o666 & !umask))?;
        file.write_all(contents)?;
        file.flush()?;
        std::fs::rename(&tmp, &path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(path)
}

/// Wall-clock time, µs since the epoch.
pub fn wall_clock_micros() -> i64 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_micros() as i64,
        Err(e) => -(e.duration().as_micros() as i64),
    }
}

/// Local time minus UTC at `secs` since the epoch, in seconds.
pub fn utc_offset(secs: i64) -> i64 {
    let t = secs as libc::time_t;
    // SAFETY: tm is plain data that localtime_r fills in; both pointers are
    // valid for the call.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return 0;
        }
        tm.tm_gmtoff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_whole_with_the_mode_from_the_umask() {
        let dir = std::env::temp_dir().join(format!("kdump-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = write(&dir, "keepalived.stats", b"one\n", 0o177).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "one\n");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // Rewritten, not appended; a looser umask gives a looser mode.
        write(&dir, "keepalived.stats", b"two\n", 0o022).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two\n");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
