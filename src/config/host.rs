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
    /// An existing interface's kind ("macvlan", "vrf"...) and, for a
    /// macvlan, its mode (`MACVLAN_MODE_*`), when the host can tell.
    fn link_kind(&self, _name: &str) -> Option<(String, Option<u32>)> {
        None
    }
}

/// Remembers the answers about interfaces, users and system files for the
/// duration of one configuration load: a large configuration asks the same
/// questions thousands of times, and each is a system call.
pub struct Cached<'a> {
    inner: &'a dyn Host,
    hostname: std::cell::OnceCell<String>,
    exists: std::cell::RefCell<std::collections::HashMap<String, bool>>,
    addrs: std::cell::RefCell<std::collections::HashMap<String, Vec<(IpAddr, u8)>>>,
    users: std::cell::RefCell<std::collections::HashMap<String, Option<User>>>,
    groups: std::cell::RefCell<std::collections::HashMap<String, Option<u32>>>,
    files: std::cell::RefCell<std::collections::HashMap<PathBuf, Option<String>>>,
    names: std::cell::RefCell<std::collections::HashMap<String, Vec<IpAddr>>>,
}

impl<'a> Cached<'a> {
    pub fn new(inner: &'a dyn Host) -> Cached<'a> {
        Cached {
            inner,
            hostname: Default::default(),
            exists: Default::default(),
            addrs: Default::default(),
            users: Default::default(),
            groups: Default::default(),
            files: Default::default(),
            names: Default::default(),
        }
    }
}

fn memo<K, V: Clone>(
    cell: &std::cell::RefCell<std::collections::HashMap<K, V>>,
    key: &K,
    f: impl FnOnce() -> V,
) -> V
where
    K: std::hash::Hash + Eq + Clone,
{
    if let Some(v) = cell.borrow().get(key) {
        return v.clone();
    }
    let v = f();
    cell.borrow_mut().insert(key.clone(), v.clone());
    v
}

impl Host for Cached<'_> {
    fn short_hostname(&self) -> String {
        self.hostname
            .get_or_init(|| self.inner.short_hostname())
            .clone()
    }
    fn interface_exists(&self, name: &str) -> bool {
        memo(&self.exists, &name.to_string(), || {
            self.inner.interface_exists(name)
        })
    }
    fn interface_addresses(&self, name: &str) -> Vec<(IpAddr, u8)> {
        memo(&self.addrs, &name.to_string(), || {
            self.inner.interface_addresses(name)
        })
    }
    fn user(&self, name: &str) -> Option<User> {
        memo(&self.users, &name.to_string(), || self.inner.user(name))
    }
    fn group(&self, name: &str) -> Option<u32> {
        memo(&self.groups, &name.to_string(), || self.inner.group(name))
    }
    fn euid(&self) -> u32 {
        self.inner.euid()
    }
    fn egid(&self) -> u32 {
        self.inner.egid()
    }
    fn stat(&self, path: &Path) -> Option<FileStat> {
        self.inner.stat(path)
    }
    fn lstat(&self, path: &Path) -> Option<FileStat> {
        self.inner.lstat(path)
    }
    fn realpath(&self, path: &Path) -> Option<PathBuf> {
        self.inner.realpath(path)
    }
    fn search_path(&self) -> String {
        self.inner.search_path()
    }
    fn resolve(&self, name: &str) -> Vec<IpAddr> {
        memo(&self.names, &name.to_string(), || self.inner.resolve(name))
    }
    fn link_kind(&self, name: &str) -> Option<(String, Option<u32>)> {
        self.inner.link_kind(name)
    }
    fn read_to_string(&self, path: &Path) -> Option<String> {
        memo(&self.files, &path.to_path_buf(), || {
            self.inner.read_to_string(path)
        })
    }
}
