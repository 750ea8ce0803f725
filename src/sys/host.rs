//! The real answers to the configuration's questions about this machine.
//!
//! Users and groups are read from /etc/passwd and /etc/group directly: a
//! static glibc binary cannot load the NSS modules `getpwnam` needs.

use crate::config::host::{FileStat, Host, User};
use std::ffi::CString;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemHost;

fn file_stat(m: &std::fs::Metadata) -> FileStat {
    FileStat {
        mode: m.mode(),
        uid: m.uid(),
        gid: m.gid(),
        dev: m.dev(),
        ino: m.ino(),
    }
}

/// Fields of the line of a colon-separated database whose first field is
/// `name`.
fn db_entry(path: &str, name: &str) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .map(|l| l.split(':').map(str::to_string).collect::<Vec<_>>())
        .find(|f| f.first().is_some_and(|n| n == name))
}

impl Host for SystemHost {
    fn short_hostname(&self) -> String {
        let mut buf = [0u8; 256];
        // SAFETY: buf is valid for writes of its length; gethostname
        // NUL-terminates within it on success.
        let r = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        if r != 0 {
            return String::new();
        }
        let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
        let name = String::from_utf8_lossy(&buf[..end]).into_owned();
        name.split('.').next().unwrap_or("").to_string()
    }

    fn link_kind(&self, name: &str) -> Option<(String, Option<u32>)> {
        // sysfs does not show a macvlan's kind or mode; netlink does.
        let links = super::netlink::Netlink::open().ok()?.links().ok()?;
        let l = links.into_iter().find(|l| l.name == name)?;
        Some((l.kind?, l.macvlan_mode))
    }

    fn interface_exists(&self, name: &str) -> bool {
        let Ok(c) = CString::new(name) else {
            return false;
        };
        // SAFETY: c is a valid NUL-terminated string for the call's duration.
        unsafe { libc::if_nametoindex(c.as_ptr()) != 0 }
    }

    fn interface_addresses(&self, name: &str) -> Vec<(IpAddr, u8)> {
        let mut out = Vec::new();
        let mut ifap: *mut libc::ifaddrs = std::ptr::null_mut();
        // SAFETY: getifaddrs fills ifap with a list we free below.
        if unsafe { libc::getifaddrs(&mut ifap) } != 0 {
            return out;
        }
        let mut cur = ifap;
        while !cur.is_null() {
            // SAFETY: cur is a node of the list getifaddrs returned.
            let ifa = unsafe { &*cur };
            cur = ifa.ifa_next;
            if ifa.ifa_name.is_null() || ifa.ifa_addr.is_null() {
                continue;
            }
            // SAFETY: ifa_name is a NUL-terminated string owned by the list.
            let ifname = unsafe { std::ffi::CStr::from_ptr(ifa.ifa_name) };
            if ifname.to_bytes() != name.as_bytes() {
                continue;
            }
            // SAFETY: ifa_addr is non-null and its family says which
            // sockaddr type it points to; the same holds for the netmask.
            unsafe {
                match i32::from((*ifa.ifa_addr).sa_family) {
                    libc::AF_INET => {
                        let a = &*(ifa.ifa_addr as *const libc::sockaddr_in);
                        let ip = Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr));
                        let len = if ifa.ifa_netmask.is_null() {
                            32
                        } else {
                            let m = &*(ifa.ifa_netmask as *const libc::sockaddr_in);
                            u32::from_be(m.sin_addr.s_addr).count_ones() as u8
                        };
                        out.push((IpAddr::V4(ip), len));
                    }
                    libc::AF_INET6 => {
                        let a = &*(ifa.ifa_addr as *const libc::sockaddr_in6);
                        let ip = Ipv6Addr::from(a.sin6_addr.s6_addr);
                        let len = if ifa.ifa_netmask.is_null() {
                            128
                        } else {
                            let m = &*(ifa.ifa_netmask as *const libc::sockaddr_in6);
                            m.sin6_addr
                                .s6_addr
                                .iter()
                                .map(|b| b.count_ones())
                                .sum::<u32>() as u8
                        };
                        out.push((IpAddr::V6(ip), len));
                    }
                    _ => {}
                }
            }
        }
        // SAFETY: ifap came from getifaddrs and is freed once.
        unsafe { libc::freeifaddrs(ifap) };
        out
    }

    fn user(&self, name: &str) -> Option<User> {
        let f = db_entry("/etc/passwd", name)?;
        Some(User {
            name: name.to_string(),
            uid: f.get(2)?.parse().ok()?,
            gid: f.get(3)?.parse().ok()?,
        })
    }

    fn group(&self, name: &str) -> Option<u32> {
        db_entry("/etc/group", name)?.get(2)?.parse().ok()
    }

    fn euid(&self) -> u32 {
        // SAFETY: geteuid has no preconditions.
        unsafe { libc::geteuid() }
    }

    fn egid(&self) -> u32 {
        // SAFETY: getegid has no preconditions.
        unsafe { libc::getegid() }
    }

    fn stat(&self, path: &Path) -> Option<FileStat> {
        std::fs::metadata(path).ok().map(|m| file_stat(&m))
    }

    fn lstat(&self, path: &Path) -> Option<FileStat> {
        std::fs::symlink_metadata(path).ok().map(|m| file_stat(&m))
    }

    fn realpath(&self, path: &Path) -> Option<PathBuf> {
        std::fs::canonicalize(path).ok()
    }

    fn search_path(&self) -> String {
        std::env::var("PATH").unwrap_or_else(|_| "/bin:/usr/bin".to_string())
    }

    fn resolve(&self, name: &str) -> Vec<IpAddr> {
        if let Ok(ip) = name.parse::<IpAddr>() {
            return vec![ip];
        }
        let from_hosts: Vec<IpAddr> = std::fs::read_to_string("/etc/hosts")
            .unwrap_or_default()
            .lines()
            .map(|l| l.split('#').next().unwrap_or(""))
            .filter_map(|l| {
                let mut f = l.split_whitespace();
                let ip = f.next()?.parse::<IpAddr>().ok()?;
                f.any(|n| n == name).then_some(ip)
            })
            .collect();
        if !from_hosts.is_empty() {
            return from_hosts;
        }
        use std::net::ToSocketAddrs;
        (name, 0)
            .to_socket_addrs()
            .map(|it| it.map(|sa| sa.ip()).collect())
            .unwrap_or_default()
    }

    fn read_to_string(&self, path: &Path) -> Option<String> {
        std::fs::read_to_string(path).ok()
    }
}
