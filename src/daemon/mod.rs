//! The daemon: one thread, one `mio::Poll` over the signal pipe, the VRRP
//! receive sockets and the netlink monitor; the monotonic clock is read once
//! per turn and handed to every machine.

pub mod dump;
pub mod dumps;
pub mod firewall;
pub mod garp_pace;
pub mod kernel;
pub mod log;
pub mod spec;
pub mod track_plan;
pub mod trackers;
pub mod vrrp;

use crate::sys::process::monotonic_micros;
use crate::sys::signals::SignalPipe;
use crate::vrrp::machine::Time;
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};
use std::io;
use std::time::Duration;

const SIGNALS: Token = Token(0);
const FIRST_FD: usize = 1;

/// Why the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// SIGTERM or SIGINT: an orderly stop.
    Stopped,
}

fn now() -> Time {
    Time(monotonic_micros())
}

/// Reads the configuration again for SIGHUP: the new instances, or why
/// the running ones must stay as they are.
pub type Reloader<'a> =
    dyn FnMut() -> Result<(Vec<vrrp::Spec>, crate::config::model::Config), String> + 'a;

/// Run the VRRP instances until a stop signal.
pub fn run_vrrp(
    mut rt: vrrp::Runtime,
    notifier: &crate::sys::sd_notify::Notifier,
    reload: &mut Reloader,
) -> io::Result<Exit> {
    let mut wanted = vec![libc::SIGTERM, libc::SIGINT, libc::SIGHUP, libc::SIGCHLD];
    wanted.extend(dumps::signals());
    let signals = SignalPipe::new(&wanted)?;
    let mut poll = Poll::new()?;
    let sig_fd = signals.as_raw();
    poll.registry()
        .register(&mut SourceFd(&sig_fd), SIGNALS, Interest::READABLE)?;
    let mut fds = register(&poll, &rt)?;
    let mut monitor_token = Token(FIRST_FD + fds.len() - 1);
    rt.start(now());
    rt.register_trackers(poll.registry());
    let mut events = Events::with_capacity(64);
    loop {
        let t = now();
        rt.on_timers(t);
        let timeout = rt
            .deadline()
            .map(|d| Duration::from_micros(d.0.saturating_sub(now().0)));
        if let Err(e) = poll.poll(&mut events, timeout) {
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
        let t = now();
        for ev in events.iter() {
            match ev.token() {
                SIGNALS => {
                    for sig in signals.drain() {
                        match sig {
                            libc::SIGTERM | libc::SIGINT => {
                                ::log::info!(target: "vrrp", "Stopping");
                                rt.stop(now());
                                rt.finish_children();
                                return Ok(Exit::Stopped);
                            }
                            libc::SIGHUP => {
                                let _ = notifier.notify("RELOADING=1");
                                ::log::info!("Reloading");
                                match reload() {
                                    Ok((specs, config)) => {
                                        for fd in &fds {
                                            let _ = poll.registry().deregister(&mut SourceFd(fd));
                                        }
                                        if let Err(e) = rt.reload(specs, &config, now()) {
                                            ::log::error!(target: "vrrp", "Reload failed: {e}");
                                        }
                                        // The dumps describe the configuration now running.
                                        if let Some(old) = rt.dump_settings.clone() {
                                            rt.dump_settings = Some(std::sync::Arc::new(
                                                dumps::Settings::new(config, Some(old.umask)),
                                            ));
                                        }
                                        fds = register(&poll, &rt)?;
                                        monitor_token = Token(FIRST_FD + fds.len() - 1);
                                    }
                                    Err(e) => ::log::error!(
                                        "The new configuration cannot run ({e}) - keeping the running one"
                                    ),
                                }
                                let _ = notifier.notify("READY=1");
                            }
                            libc::SIGCHLD => rt.on_sigchld(now()),
                            s if dumps::handles(s) => {
                                if let Some(settings) = rt.dump_settings.clone() {
                                    dumps::on_signal(&mut rt, &settings, s);
                                }
                            }
                            _ => {}
                        }
                    }
                }
                tok if tok == monitor_token => {
                    rt.on_netlink(t);
                    if rt.needs_rebind() {
                        // An interface came back: new sockets, registered
                        // anew (the old ones still open while deregistered).
                        for fd in &fds {
                            let _ = poll.registry().deregister(&mut SourceFd(fd));
                        }
                        rt.rebind();
                        fds = register(&poll, &rt)?;
                        monitor_token = Token(FIRST_FD + fds.len() - 1);
                    }
                }
                Token(n) if trackers::TOKENS.contains(&n) => rt.on_tracker_ready(n, t),
                Token(n) => rt.on_readable(n - FIRST_FD, t),
            }
        }
        rt.register_trackers(poll.registry());
    }
}

/// Register the runtime's descriptors: Token(FIRST_FD + n) for the n-th.
fn register(poll: &Poll, rt: &vrrp::Runtime) -> io::Result<Vec<std::os::fd::RawFd>> {
    let fds = rt.fds();
    for (n, fd) in fds.iter().enumerate() {
        poll.registry()
            .register(&mut SourceFd(fd), Token(FIRST_FD + n), Interest::READABLE)?;
    }
    Ok(fds)
}
