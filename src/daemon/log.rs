//! Logging as keepalived does it: syslog with keepalived's tags (so that log
//! alerts written for keepalived keep matching), optionally the console
//! (`-l`) and a file (`-g`). Messages are sent with the `log` crate; the
//! target chooses the tag: "vrrp" → `Keepalived_vrrp`, "check" →
//! `Keepalived_healthcheckers`, anything else → `Keepalived`.

use crate::sys::syslog::{Syslog, LOG_DEBUG, LOG_ERR, LOG_INFO, LOG_WARNING};
use std::io::Write;
use std::sync::Mutex;

pub struct Settings {
    pub syslog_facility: Option<i32>,
    pub console: bool,
    pub file: Option<String>,
    /// `-D`: 1 detailed, 2 extra detail (debug level).
    pub detail: u8,
}

struct Logger {
    syslog: Option<Mutex<Syslog>>,
    console: bool,
    file: Option<Mutex<std::fs::File>>,
    level: log::LevelFilter,
}

pub fn tag(target: &str) -> &'static str {
    match target {
        "vrrp" => "Keepalived_vrrp",
        "check" => "Keepalived_healthcheckers",
        "bfd" => "Keepalived_bfd",
        _ => "Keepalived",
    }
}

impl log::Log for Logger {
    fn enabled(&self, m: &log::Metadata) -> bool {
        m.level() <= self.level
    }

    fn log(&self, r: &log::Record) {
        if !self.enabled(r.metadata()) {
            return;
        }
        let msg = r.args().to_string();
        let tag = tag(r.target());
        if let Some(s) = &self.syslog {
            let sev = match r.level() {
                log::Level::Error => LOG_ERR,
                log::Level::Warn => LOG_WARNING,
                log::Level::Info => LOG_INFO,
                _ => LOG_DEBUG,
            };
            if let Ok(mut s) = s.lock() {
                s.send(sev, tag, &msg);
            }
        }
        if self.console {
            eprintln!(
                "{} {tag}[{}]: {msg}",
                crate::sys::syslog::timestamp(),
                std::process::id()
            );
        }
        if let Some(f) = &self.file {
            if let Ok(mut f) = f.lock() {
                let _ = writeln!(
                    f,
                    "{} {tag}[{}]: {msg}",
                    crate::sys::syslog::timestamp(),
                    std::process::id()
                );
            }
        }
    }

    fn flush(&self) {}
}

/// Install the logger (once per process).
/// `-D` was given: keepalived's "log detail" lines are wanted.
static DETAIL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether `-D` (detailed logging) is on.
pub fn detail() -> bool {
    DETAIL.load(std::sync::atomic::Ordering::Relaxed)
}

pub fn init(s: &Settings) {
    DETAIL.store(s.detail > 0, std::sync::atomic::Ordering::Relaxed);
    let file = s.file.as_ref().and_then(|p| {
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(p)
            .ok()
            .map(Mutex::new)
    });
    let logger = Logger {
        syslog: s.syslog_facility.map(|f| Mutex::new(Syslog::new(f))),
        console: s.console,
        file,
        level: match s.detail {
            0 | 1 => log::LevelFilter::Info,
            _ => log::LevelFilter::Debug,
        },
    };
    let level = logger.level;
    if log::set_boxed_logger(Box::new(logger)).is_ok() {
        log::set_max_level(level);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tags_follow_keepalived_processes() {
        assert_eq!(super::tag("vrrp"), "Keepalived_vrrp");
        assert_eq!(super::tag("check"), "Keepalived_healthcheckers");
        assert_eq!(super::tag("main"), "Keepalived");
    }
}
