//! Gratuitous ARP and unsolicited neighbour advertisements, as keepalived
//! sends them when it takes over an address.
//!
//! The frames are built by pure functions (tested byte for byte); a
//! `LinkSender` puts them on an interface through an `AF_PACKET` socket.
//!
//! GARP (keepalived's vrrp_arp.c): an Ethernet broadcast carrying an ARP
//! *request* whose sender and target protocol addresses are both the VIP,
//! sender hardware address the interface's (or VMAC's) MAC, and target
//! hardware address the broadcast address. 42 bytes, no padding.
//!
//! Unsolicited NA (vrrp_ndisc.c): Ethernet to 33:33:00:00:00:01, IPv6 from
//! the VIP itself to ff02::1 with hop limit 255, ICMPv6 type 136 with the
//! Override flag (and Router when the interface forwards), target = VIP, and
//! a target link-layer address option with the MAC. 86 bytes.

use super::sock::{self, cvt_size};
use super::vrrp_socket::Interface;
use crate::vrrp::packet::checksum;
use std::io;
use std::mem::{size_of, zeroed};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};

pub const ETHERTYPE_IPV4: u16 = 0x0800;
pub const ETHERTYPE_ARP: u16 = 0x0806;
pub const ETHERTYPE_IPV6: u16 = 0x86dd;
const ARPHRD_ETHER: u16 = 1;
const ARPOP_REQUEST: u16 = 1;
const IPPROTO_ICMPV6: u8 = 58;
const ND_NEIGHBOR_ADVERT: u8 = 136;
const ND_OPT_TARGET_LINKADDR: u8 = 2;
/// In the first byte of the NA flags word.
pub const NA_FLAG_ROUTER: u8 = 0x80;
pub const NA_FLAG_SOLICITED: u8 = 0x40;
pub const NA_FLAG_OVERRIDE: u8 = 0x20;
const NDISC_HOP_LIMIT: u8 = 255;

pub const BROADCAST_MAC: [u8; 6] = [0xff; 6];
/// The Ethernet address of ff02::1 (RFC 2464 section 7).
pub const ALL_NODES_MAC: [u8; 6] = [0x33, 0x33, 0, 0, 0, 1];
pub const ALL_NODES: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1);

pub const GARP_LEN: usize = 14 + 28;
pub const NA_LEN: usize = 14 + 40 + 32;

/// The gratuitous ARP frame for `vip` from `mac`.
pub fn garp_frame(mac: [u8; 6], vip: Ipv4Addr) -> [u8; GARP_LEN] {
    let mut f = [0u8; GARP_LEN];
    f[0..6].copy_from_slice(&BROADCAST_MAC);
    f[6..12].copy_from_slice(&mac);
    f[12..14].copy_from_slice(&ETHERTYPE_ARP.to_be_bytes());
    let arp = &mut f[14..];
    arp[0..2].copy_from_slice(&ARPHRD_ETHER.to_be_bytes());
    arp[2..4].copy_from_slice(&ETHERTYPE_IPV4.to_be_bytes());
    arp[4] = 6;
    arp[5] = 4;
    arp[6..8].copy_from_slice(&ARPOP_REQUEST.to_be_bytes());
    arp[8..14].copy_from_slice(&mac);
    arp[14..18].copy_from_slice(&vip.octets());
    arp[18..24].copy_from_slice(&BROADCAST_MAC);
    arp[24..28].copy_from_slice(&vip.octets());
    f
}

/// The unsolicited neighbour advertisement frame for `vip` from `mac`;
/// `router` sets the Router flag (keepalived does when IPv6 forwarding is
/// on for the interface).
pub fn unsolicited_na_frame(mac: [u8; 6], vip: Ipv6Addr, router: bool) -> [u8; NA_LEN] {
    let mut f = [0u8; NA_LEN];
    f[0..6].copy_from_slice(&ALL_NODES_MAC);
    f[6..12].copy_from_slice(&mac);
    f[12..14].copy_from_slice(&ETHERTYPE_IPV6.to_be_bytes());
    let icmp_len: u16 = 32;
    {
        let ip = &mut f[14..54];
        ip[0] = 0x60;
        ip[4..6].copy_from_slice(&icmp_len.to_be_bytes());
        ip[6] = IPPROTO_ICMPV6;
        ip[7] = NDISC_HOP_LIMIT;
        ip[8..24].copy_from_slice(&vip.octets());
        ip[24..40].copy_from_slice(&ALL_NODES.octets());
    }
    {
        let na = &mut f[54..];
        na[0] = ND_NEIGHBOR_ADVERT;
        na[1] = 0;
        na[4] = NA_FLAG_OVERRIDE | if router { NA_FLAG_ROUTER } else { 0 };
        na[8..24].copy_from_slice(&vip.octets());
        na[24] = ND_OPT_TARGET_LINKADDR;
        na[25] = 1; // in units of 8 bytes
        na[26..32].copy_from_slice(&mac);
    }
    let mut pseudo = [0u8; 40];
    pseudo[0..16].copy_from_slice(&vip.octets());
    pseudo[16..32].copy_from_slice(&ALL_NODES.octets());
    pseudo[32..36].copy_from_slice(&u32::from(icmp_len).to_be_bytes());
    pseudo[39] = IPPROTO_ICMPV6;
    let sum = checksum(&[&pseudo, &f[54..]]);
    f[56..58].copy_from_slice(&sum.to_be_bytes());
    f
}

/// Whether IPv6 forwarding is on for an interface (the NA Router flag).
/// Read in the calling thread's network namespace; false if unreadable.
pub fn ipv6_forwarding(ifname: &str) -> bool {
    if ifname.is_empty() || ifname.contains('/') || ifname.starts_with('.') {
        return false;
    }
    std::fs::read_to_string(format!("/proc/sys/net/ipv6/conf/{ifname}/forwarding"))
        .map(|s| s.trim() != "0")
        .unwrap_or(false)
}

/// A socket that sends whole Ethernet frames on any interface.
///
/// Opened with protocol 0, so the kernel hands it no received frames (the
/// drop-all filter is belt and braces: nothing ever needs draining); one
/// socket serves both ARP and IPv6 frames, the ethertype being taken from
/// each send. keepalived uses one socket per ethertype; the frames on the
/// wire are the same.
#[derive(Debug)]
pub struct LinkSender {
    fd: OwnedFd,
}

impl LinkSender {
    pub fn open() -> io::Result<LinkSender> {
        let fd = sock::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_NONBLOCK, 0)?;
        sock::drop_all_input(&fd)?;
        Ok(LinkSender { fd })
    }

    /// Send one frame (Ethernet header included) on interface `ifindex`.
    /// The ethertype given to the kernel is read from the frame.
    pub fn send_frame(&self, ifindex: u32, frame: &[u8]) -> io::Result<usize> {
        if frame.len() < 14 {
            return Err(io::Error::from(io::ErrorKind::InvalidInput));
        }
        // SAFETY: sockaddr_ll is plain old data; zero is valid.
        let mut sll: libc::sockaddr_ll = unsafe { zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = u16::from_be_bytes([frame[12], frame[13]]).to_be();
        sll.sll_ifindex = ifindex as libc::c_int;
        sll.sll_hatype = ARPHRD_ETHER;
        sll.sll_halen = 6;
        sll.sll_addr[..6].copy_from_slice(&frame[0..6]);
        // SAFETY: `frame` and `sll` are live for the call with the lengths
        // given; the kernel only reads them.
        cvt_size(unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                frame.as_ptr().cast(),
                frame.len(),
                0,
                (&sll as *const libc::sockaddr_ll).cast(),
                size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        })
    }

    /// Send a gratuitous ARP for `vip` on `iface`, from `mac`.
    pub fn send_garp(&self, iface: &Interface, mac: [u8; 6], vip: Ipv4Addr) -> io::Result<()> {
        self.send_frame(iface.index, &garp_frame(mac, vip))
            .map(drop)
    }

    /// Send an unsolicited NA for `vip` on `iface`, from `mac`.
    pub fn send_unsolicited_na(
        &self,
        iface: &Interface,
        mac: [u8; 6],
        vip: Ipv6Addr,
        router: bool,
    ) -> io::Result<()> {
        self.send_frame(iface.index, &unsolicited_na_frame(mac, vip, router))
            .map(drop)
    }
}

impl AsRawFd for LinkSender {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl AsFd for LinkSender {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAC: [u8; 6] = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55];

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn garp_layout() {
        let f = garp_frame(MAC, Ipv4Addr::new(10, 99, 0, 100));
        let want = hex("ffffffffffff 021122334455 0806
             0001 0800 06 04 0001
             021122334455 0a630064
             ffffffffffff 0a630064");
        assert_eq!(f.to_vec(), want);
    }

    #[test]
    fn na_layout_and_checksum() {
        let vip: Ipv6Addr = "fd00:99::100".parse().unwrap();
        let f = unsolicited_na_frame(MAC, vip, false);
        let mut want = hex("333300000001 021122334455 86dd
             60000000 0020 3a ff
             fd000099000000000000000000000100
             ff020000000000000000000000000001
             88 00 0000 20000000
             fd000099000000000000000000000100
             02 01 021122334455");
        // The checksum, worked out independently: one's complement sum of
        // the pseudo-header (src, dst, length 32, next header 58) and the
        // ICMPv6 message with its checksum field zero.
        let mut sum: u32 = 0;
        let mut add = |b: &[u8]| {
            for w in b.chunks(2) {
                sum += u32::from(u16::from_be_bytes([w[0], *w.get(1).unwrap_or(&0)]));
            }
        };
        add(&vip.octets());
        add(&ALL_NODES.octets());
        add(&[0, 0, 0, 32, 0, 0, 0, 58]);
        add(&want[54..]);
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        let cs = !(sum as u16);
        want[56..58].copy_from_slice(&cs.to_be_bytes());
        assert_eq!(f.to_vec(), want);
        // The whole ICMPv6 message with its pseudo-header sums to zero.
        let mut pseudo = Vec::new();
        pseudo.extend_from_slice(&vip.octets());
        pseudo.extend_from_slice(&ALL_NODES.octets());
        pseudo.extend_from_slice(&[0, 0, 0, 32, 0, 0, 0, 58]);
        assert_eq!(checksum(&[&pseudo, &f[54..]]), 0);

        let r = unsolicited_na_frame(MAC, vip, true);
        assert_eq!(r[58], NA_FLAG_ROUTER | NA_FLAG_OVERRIDE);
        assert_eq!(checksum(&[&pseudo, &r[54..]]), 0);
    }

    #[test]
    fn forwarding_of_odd_names_is_false() {
        assert!(!ipv6_forwarding("../../x"));
        assert!(!ipv6_forwarding(""));
        assert!(!ipv6_forwarding("no-such-interface-here"));
    }
}
