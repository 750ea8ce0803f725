//! The dump signals: what keepalived's whole process tree does for each,
//! done by our one process. SIGUSR1 makes the parent write
//! keepalived_parent.data and the VRRP process keepalived.data; SIGUSR2
//! writes keepalived.stats; STATS_CLEAR (SIGRTMAX-1) writes it and clears
//! the counters; the JSON signal (SIGRTMIN+2) writes keepalived.json.

use super::dump::{self, Clock, Snapshot};
use super::vrrp::Runtime;
use crate::config::model::Config;
use crate::sys::dumpfile;
use crate::vrrp::machine::Time;
use std::path::PathBuf;
use std::sync::Arc;

/// What the dumps need besides the runtime.
#[derive(Debug)]
pub struct Settings {
    pub config: Config,
    /// `-u`, else global_defs `umask`, else 0177.
    pub umask: u32,
    pub default_script_user: Option<(u32, u32)>,
    /// Where the files go (`$TMPDIR` or /tmp).
    pub dir: PathBuf,
}

impl Settings {
    pub fn new(config: Config, cli_umask: Option<u32>) -> Settings {
        let umask = cli_umask.unwrap_or(config.global.umask_bits());
        let default_script_user =
            dump::default_script_user(&config.global, &crate::sys::host::SystemHost);
        Settings {
            config,
            umask,
            default_script_user,
            dir: dumpfile::tmp_dir(),
        }
    }
}

pub fn stats_clear_signal() -> i32 {
    libc::SIGRTMAX() - 1
}

pub fn json_signal() -> i32 {
    libc::SIGRTMIN() + 2
}

/// The signals handled here.
pub fn signals() -> [i32; 4] {
    [
        libc::SIGUSR1,
        libc::SIGUSR2,
        stats_clear_signal(),
        json_signal(),
    ]
}

pub fn handles(sig: i32) -> bool {
    signals().contains(&sig)
}

fn clock() -> Clock {
    let mono = Time(crate::sys::process::monotonic_micros());
    let wall_us = dumpfile::wall_clock_micros();
    Clock {
        mono,
        wall_us,
        utc_offset: dumpfile::utc_offset(wall_us.div_euclid(1_000_000)),
    }
}

fn write(s: &Settings, name: &str, text: &str) {
    if let Err(e) = dumpfile::write(&s.dir, name, text.as_bytes(), s.umask) {
        log::info!("Can't open {}/{name} ({e})", s.dir.display());
    }
}

/// Carry out dump signal `sig`.
pub fn on_signal(rt: &mut Runtime, settings: &Arc<Settings>, sig: i32) {
    let pid = std::process::id();
    let clear = sig == stats_clear_signal();
    match sig {
        libc::SIGUSR1 => {
            log::info!("Printing parent data for process({pid}) on signal");
            log::info!(target: "vrrp", "Printing VRRP data for process({pid}) on signal");
        }
        libc::SIGUSR2 => {
            log::info!(target: "vrrp", "Printing VRRP stats for process({pid}) on signal")
        }
        _ if clear => log::info!(
            target: "vrrp",
            "Printing and clearing VRRP stats for process({pid}) on signal"
        ),
        _ if sig == json_signal() => {
            log::info!(target: "vrrp", "Printing VRRP as json for process({pid}) on signal")
        }
        _ => return,
    }
    let view = rt.snapshot(clock());
    let snap = Snapshot {
        config: &settings.config,
        run: &view,
        umask: settings.umask,
        default_script_user: settings.default_script_user,
    };
    let g = &settings.config.global;
    match sig {
        libc::SIGUSR1 => {
            write(
                settings,
                &dump::data_file_name(g, dump::PARENT_DATA_FILE),
                &dump::parent_data(&snap),
            );
            write(
                settings,
                &dump::data_file_name(g, dump::DATA_FILE),
                &dump::data(&snap),
            );
        }
        libc::SIGUSR2 => write(settings, dump::STATS_FILE, &dump::stats(&snap)),
        _ if clear => {
            write(settings, dump::STATS_FILE, &dump::stats(&snap));
            rt.clear_stats();
        }
        _ => {
            if let Some(j) = dump::json(&snap) {
                write(settings, dump::JSON_FILE, &j);
            }
        }
    }
}
