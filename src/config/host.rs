//! What the configuration checks need to know about the machine: interfaces,
//! users, files and names. The real answers come from `crate::sys::host`;
//! keeping them behind a trait keeps the configuration code free of syscalls.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// The parts of `stat(2)` the checks use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    /// `st_mode`, file type bits included.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub dev: u64,
    pub ino: u64,
}

impl FileStat {
    pub const S_IFMT: u32 = 0o170000;
    pub const S_IFDIR: u32 = 0o040000;
    pub const S_IFREG: u32 = 0o100000;
    pub const S_IFLNK: u32 = 0o120000;

    pub fn is_dir(&self) -> bool {
        self.mode & Self::S_IFMT == Self::S_IFDIR
    }
    pub fn is_file(&self) -> bool {
        self.mode & Self::S_IFMT == Self::S_IFREG
    }
    pub fn is_symlink(&self) -> bool {
        self.mode & Self::S_IFMT == Self::S_IFLNK
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

pub trait Host {
    /// The node name up to the first `.` (keepalived's default config id).
    fn short_hostname(&self) -> String;
    fn interface_exists(&self, name: &str) -> bool;
    /// Addresses and prefix lengths configured on an interface.
    fn interface_addresses(&self, name: &str) -> Vec<(IpAddr, u8)>;
    fn user(&self, name: &str) -> Option<User>;
    fn group(&self, name: &str) -> Option<u32>;
    fn euid(&self) -> u32;
    fn egid(&self) -> u32;
    /// `stat(2)`: follows symbolic links.
    fn stat(&self, path: &Path) -> Option<FileStat>;
    /// `lstat(2)`.
    fn lstat(&self, path: &Path) -> Option<FileStat>;
    /// `realpath(3)`.
    fn realpath(&self, path: &Path) -> Option<PathBuf>;
    /// `$PATH`, or the system default search path.
    fn search_path(&self) -> String;
    /// Addresses a host name resolves to (numeric addresses included).
    fn resolve(&self, name: &str) -> Vec<IpAddr>;
    /// A small system file (e.g. /etc/iproute2/rt_tables), if readable.
    fn read_to_string(&self, path: &Path) -> Option<String>;
}
