//! Everything that talks to the kernel or the machine. Nothing else in the
//! crate makes system calls.

pub mod dumpfile;
pub mod garp;
pub mod host;
pub mod netlink;
pub mod process;
pub mod sd_notify;
pub mod signals;
pub mod sock;
pub mod syslog;
pub mod vrrp_socket;
