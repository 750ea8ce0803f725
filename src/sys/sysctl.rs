//! Interface settings under /proc/sys/net: read and written in the calling
//! thread's network namespace.

use std::io;
use std::path::PathBuf;

fn path(family: &str, ifname: &str, param: &str) -> Option<PathBuf> {
    // An interface name never holds '/', and "." / ".." are not names.
    if ifname.is_empty() || ifname.contains('/') || ifname == "." || ifname == ".." {
        return None;
    }
    Some(PathBuf::from(format!(
        "/proc/sys/net/{family}/conf/{ifname}/{param}"
    )))
}

/// `net.ipv4.conf.IF.PARAM` (IF may be `all` or `default`).
pub fn get_ipv4(ifname: &str, param: &str) -> Option<u32> {
    get("ipv4", ifname, param)
}

pub fn set_ipv4(ifname: &str, param: &str, value: u32) -> io::Result<()> {
    set("ipv4", ifname, param, value)
}

/// `net.ipv6.conf.IF.PARAM`.
pub fn get_ipv6(ifname: &str, param: &str) -> Option<u32> {
    get("ipv6", ifname, param)
}

pub fn set_ipv6(ifname: &str, param: &str, value: u32) -> io::Result<()> {
    set("ipv6", ifname, param, value)
}

fn get(family: &str, ifname: &str, param: &str) -> Option<u32> {
    let p = path(family, ifname, param)?;
    std::fs::read_to_string(p).ok()?.trim().parse().ok()
}

fn set(family: &str, ifname: &str, param: &str, value: u32) -> io::Result<()> {
    let p = path(family, ifname, param)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "bad interface name"))?;
    std::fs::write(p, format!("{value}\n"))
}

/// A global `net.*` value such as `ipv4/igmp_link_local_mcast_reports`.
pub fn get_net(rel: &str) -> Option<u32> {
    std::fs::read_to_string(format!("/proc/sys/net/{rel}"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

pub fn set_net(rel: &str, value: u32) -> io::Result<()> {
    std::fs::write(format!("/proc/sys/net/{rel}"), format!("{value}\n"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_cannot_escape_the_directory() {
        assert!(super::path("ipv4", "../x", "rp_filter").is_none());
        assert!(super::path("ipv4", "..", "rp_filter").is_none());
        assert_eq!(
            super::path("ipv4", "vrrp.51", "arp_ignore").unwrap(),
            std::path::PathBuf::from("/proc/sys/net/ipv4/conf/vrrp.51/arp_ignore")
        );
    }
}
