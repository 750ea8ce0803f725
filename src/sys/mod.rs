//! Everything that talks to the kernel or the machine. Nothing else in the
//! crate makes system calls.

pub mod child;
pub mod dumpfile;
pub mod fifo;
pub mod garp;
pub mod host;
pub mod inotify;
pub mod linkbeat;
pub mod netlink;
pub mod nftables;
pub mod proc_events;
pub mod process;
pub mod sd_notify;
pub mod signals;
pub mod sock;
pub mod sysctl;
pub mod syslog;
pub mod tcp;
pub mod vrrp_socket;
