//! Raw sockets carrying VRRP adverts, set up the way keepalived sets up its
//! own: one receive socket per (interface, family, protocol, group or
//! unicast source), one send socket likewise.
//!
//! IPv4 sends go out with `IP_HDRINCL`: the caller builds the whole packet
//! (see `vrrp::packet::Ipv4Header`). IPv6 sends carry the VRRP PDU only;
//! the kernel builds the IPv6 header and, with `IPV6_CHECKSUM` at offset 6,
//! fills in the VRRP checksum (and checks it on receive).
//!
//! Both sockets are non-blocking and expose their descriptor so the event
//! loop can register them for readiness.

pub use super::sock::Family;
use super::sock::{self, cvt_size, setsockopt, setsockopt_int};
use std::io;
use std::mem::{size_of, zeroed};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};

/// The offset of the checksum in a VRRP header, for `IPV6_CHECKSUM`.
const VRRP_CHECKSUM_OFFSET: libc::c_int = 6;
/// IPTOS_PREC_INTERNETCONTROL, and the same value as an IPv6 traffic class.
pub const VRRP_TOS: u8 = 0xc0;
/// The hop limit of multicast adverts.
pub const VRRP_HOP_LIMIT: u8 = 255;

/// An interface by name and index: `SO_BINDTODEVICE` wants the name,
/// multicast membership and packet info want the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    pub name: String,
    pub index: u32,
}

impl Interface {
    /// Look the index up by name (in the calling thread's network namespace).
    pub fn by_name(name: &str) -> io::Result<Interface> {
        Ok(Interface {
            name: name.to_string(),
            index: sock::if_index(name)?,
        })
    }
}

/// What a receive socket takes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listen {
    /// Adverts sent to this multicast group (224.0.0.18, ff02::12, or the
    /// configured `vrrp_mcast_group4/6`) on the interface.
    Multicast(IpAddr),
    /// Adverts sent to this local unicast address (`unicast_src_ip`).
    Unicast(IpAddr),
}

impl Listen {
    fn addr(self) -> IpAddr {
        match self {
            Listen::Multicast(a) | Listen::Unicast(a) => a,
        }
    }
}

/// A VRRP receive socket.
#[derive(Debug)]
pub struct VrrpRecvSocket {
    fd: OwnedFd,
    family: Family,
}

/// What came with a received packet, besides its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecvMeta {
    /// Bytes placed in the buffer. For IPv4 this includes the IP header.
    pub len: usize,
    /// The packet was longer than the buffer (and `len` is the buffer size).
    pub truncated: bool,
    /// The sender.
    pub src: IpAddr,
    /// The destination address, when known: from the IPv4 header, or from
    /// `IPV6_PKTINFO`.
    pub dst: Option<IpAddr>,
    /// The TTL (IPv4 header) or hop limit (`IPV6_HOPLIMIT`), when known.
    pub hop_limit: Option<u8>,
    /// Where the VRRP (or AH) header starts in the buffer: the IPv4 header
    /// length, 0 for IPv6 (whose header the kernel strips).
    pub payload_offset: usize,
}

impl RecvMeta {
    /// Whether the packet was sent to a multicast address. Unknown counts
    /// as unicast, as keepalived does for IPv6 without packet info.
    pub fn multicast(&self) -> bool {
        self.dst.is_some_and(|d| d.is_multicast())
    }
}

impl VrrpRecvSocket {
    /// Open a receive socket for IP protocol `proto` (112, or 51 for AH).
    ///
    /// The family comes from the `listen` address. Multicast needs an
    /// interface (to join the group on). `rcvbuf` sets `SO_RCVBUF`
    /// (`vrrp_rx_bufs_policy`/`kernel_rx_buf_size`).
    ///
    /// Set up in this order: `IP(V6)_MULTICAST_ALL` off (only groups we
    /// joined), `SO_BINDTODEVICE`, join the group and bind to it (so
    /// unicast traffic stays out) or bind to the unicast address, then for
    /// IPv6 ask for hop limit and packet info and let the kernel verify the
    /// checksum.
    pub fn open(
        iface: Option<&Interface>,
        proto: u8,
        listen: Listen,
        rcvbuf: Option<u32>,
    ) -> io::Result<VrrpRecvSocket> {
        let family = Family::of(listen.addr());
        let fd = sock::socket(
            family.domain(),
            libc::SOCK_RAW | libc::SOCK_NONBLOCK,
            libc::c_int::from(proto),
        )?;
        if let Some(size) = rcvbuf {
            setsockopt_int(
                &fd,
                libc::SOL_SOCKET,
                libc::SO_RCVBUF,
                size.min(i32::MAX as u32) as libc::c_int,
            )?;
        }
        set_multicast_all_off(&fd, family)?;
        if let Some(ifp) = iface {
            sock::bind_to_device(&fd, &ifp.name)?;
        }
        let scope = iface.map_or(0, |i| i.index);
        match listen {
            Listen::Multicast(group) => {
                let ifp = iface.ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "multicast VRRP needs an interface",
                    )
                })?;
                if !group.is_multicast() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "not a multicast group",
                    ));
                }
                join_group(&fd, group, ifp.index)?;
                bind_addr(&fd, group, scope)?;
            }
            Listen::Unicast(src) => bind_addr(&fd, src, scope)?,
        }
        if family == Family::V6 {
            setsockopt_int(&fd, libc::IPPROTO_IPV6, libc::IPV6_RECVHOPLIMIT, 1)?;
            setsockopt_int(&fd, libc::IPPROTO_IPV6, libc::IPV6_RECVPKTINFO, 1)?;
            setsockopt_int(
                &fd,
                libc::IPPROTO_IPV6,
                libc::IPV6_CHECKSUM,
                VRRP_CHECKSUM_OFFSET,
            )?;
        }
        Ok(VrrpRecvSocket { fd, family })
    }

    pub fn family(&self) -> Family {
        self.family
    }

    /// Read one packet. `Err(WouldBlock)` when none is queued. A packet with
    /// a bad IPv6 checksum never arrives (the kernel drops it).
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<RecvMeta> {
        // SAFETY: sockaddr_storage is plain old data; zero is valid.
        let mut from: libc::sockaddr_storage = unsafe { zeroed() };
        // u64 elements keep the control buffer aligned for cmsghdr.
        let mut control = [0u64; 16];
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        };
        // SAFETY: msghdr is plain old data; zero is valid.
        let mut msg: libc::msghdr = unsafe { zeroed() };
        msg.msg_name = (&mut from as *mut libc::sockaddr_storage).cast();
        msg.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = size_of::<[u64; 16]>() as _;
        // SAFETY: every pointer in `msg` refers to a live local or to `buf`,
        // with the lengths given; the kernel writes within them.
        let n = cvt_size(unsafe { libc::recvmsg(self.fd.as_raw_fd(), &mut msg, libc::MSG_TRUNC) })?;
        let truncated = n > buf.len() || msg.msg_flags & libc::MSG_TRUNC != 0;
        let len = n.min(buf.len());
        let src = sockaddr_ip(&from).unwrap_or(match self.family {
            Family::V4 => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            Family::V6 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        });
        let mut meta = RecvMeta {
            len,
            truncated,
            src,
            dst: None,
            hop_limit: None,
            payload_offset: 0,
        };
        match self.family {
            Family::V4 => {
                if let Some((ttl, dst, ihl)) = ipv4_fields(&buf[..len]) {
                    meta.hop_limit = Some(ttl);
                    meta.dst = Some(IpAddr::V4(dst));
                    meta.payload_offset = ihl;
                }
            }
            Family::V6 => {
                if msg.msg_flags & libc::MSG_CTRUNC == 0 {
                    read_v6_cmsgs(&msg, &mut meta);
                }
            }
        }
        Ok(meta)
    }
}

/// The TTL, destination and header length of an IPv4 packet, if its header
/// is whole.
pub fn ipv4_fields(p: &[u8]) -> Option<(u8, Ipv4Addr, usize)> {
    if p.len() < 20 || p[0] >> 4 != 4 {
        return None;
    }
    let ihl = usize::from(p[0] & 0x0f) * 4;
    if ihl < 20 || ihl > p.len() {
        return None;
    }
    Some((p[8], Ipv4Addr::new(p[16], p[17], p[18], p[19]), ihl))
}

fn read_v6_cmsgs(msg: &libc::msghdr, meta: &mut RecvMeta) {
    // SAFETY: `msg` was filled by recvmsg; its control pointer and length
    // describe the control buffer, which is still alive in the caller, and
    // the CMSG_* macros stay within msg_controllen. Data are read unaligned
    // after checking each length.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(msg);
        while !c.is_null() {
            let data = libc::CMSG_DATA(c);
            let dlen = ((*c).cmsg_len as usize).saturating_sub(libc::CMSG_LEN(0) as usize);
            if (*c).cmsg_level == libc::IPPROTO_IPV6 {
                if (*c).cmsg_type == libc::IPV6_HOPLIMIT && dlen >= size_of::<libc::c_int>() {
                    let h = std::ptr::read_unaligned(data.cast::<libc::c_int>());
                    meta.hop_limit = u8::try_from(h).ok();
                } else if (*c).cmsg_type == libc::IPV6_PKTINFO
                    && dlen >= size_of::<libc::in6_pktinfo>()
                {
                    let pi = std::ptr::read_unaligned(data.cast::<libc::in6_pktinfo>());
                    meta.dst = Some(IpAddr::V6(Ipv6Addr::from(pi.ipi6_addr.s6_addr)));
                }
            }
            c = libc::CMSG_NXTHDR(msg, c);
        }
    }
}

fn sockaddr_ip(ss: &libc::sockaddr_storage) -> Option<IpAddr> {
    match libc::c_int::from(ss.ss_family) {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in, which
            // is smaller than sockaddr_storage and less strictly aligned.
            let sin =
                unsafe { &*(ss as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            Some(IpAddr::V4(Ipv4Addr::from(
                sin.sin_addr.s_addr.to_ne_bytes(),
            )))
        }
        libc::AF_INET6 => {
            // SAFETY: likewise for sockaddr_in6.
            let sin6 =
                unsafe { &*(ss as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
            Some(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)))
        }
        _ => None,
    }
}

fn set_multicast_all_off(fd: &OwnedFd, family: Family) -> io::Result<()> {
    match family {
        Family::V4 => setsockopt_int(fd, libc::IPPROTO_IP, libc::IP_MULTICAST_ALL, 0),
        Family::V6 => setsockopt_int(fd, libc::IPPROTO_IPV6, sock::IPV6_MULTICAST_ALL, 0),
    }
}

fn join_group(fd: &OwnedFd, group: IpAddr, ifindex: u32) -> io::Result<()> {
    match group {
        IpAddr::V4(g) => {
            let mreq = libc::ip_mreqn {
                imr_multiaddr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(g.octets()),
                },
                imr_address: libc::in_addr { s_addr: 0 },
                imr_ifindex: ifindex as libc::c_int,
            };
            setsockopt(fd, libc::IPPROTO_IP, libc::IP_ADD_MEMBERSHIP, &mreq)
        }
        IpAddr::V6(g) => {
            let mreq = libc::ipv6_mreq {
                ipv6mr_multiaddr: libc::in6_addr {
                    s6_addr: g.octets(),
                },
                ipv6mr_interface: ifindex,
            };
            setsockopt(fd, libc::IPPROTO_IPV6, libc::IPV6_ADD_MEMBERSHIP, &mreq)
        }
    }
}

/// Bind to an address; link-local (and link-scope multicast) IPv6
/// addresses need the interface as scope.
fn bind_addr(fd: &OwnedFd, addr: IpAddr, scope: u32) -> io::Result<()> {
    match addr {
        IpAddr::V4(a) => sock::bind(fd, &sock::sockaddr_in(a, 0)),
        IpAddr::V6(a) => sock::bind(fd, &sock::sockaddr_in6(a, v6_scope(a, scope))),
    }
}

/// The scope id an IPv6 address needs: the interface for link-local
/// unicast and for link-local (ff02::/16) multicast, 0 otherwise.
fn v6_scope(a: Ipv6Addr, ifindex: u32) -> u32 {
    let seg0 = a.segments()[0];
    let link_local = (seg0 & 0xffc0) == 0xfe80;
    let link_mcast = a.is_multicast() && (seg0 & 0x000f) <= 2;
    if link_local || link_mcast {
        ifindex
    } else {
        0
    }
}

/// A VRRP send socket.
#[derive(Debug)]
pub struct VrrpSendSocket {
    fd: OwnedFd,
    family: Family,
    ifindex: u32,
}

impl VrrpSendSocket {
    /// Open a send socket for IP protocol `proto` (112, or 51 for AH).
    ///
    /// IPv4: `IP_HDRINCL` (the caller supplies the IP header). IPv6: the
    /// kernel fills the VRRP checksum (`IPV6_CHECKSUM` 6); multicast hop
    /// limit 255. With an interface: `SO_BINDTODEVICE`, and unless
    /// `unicast`, the multicast interface with loopback off. Always: TOS or
    /// traffic class 0xc0, no receive buffer and a filter dropping all
    /// input (nothing is read from it).
    pub fn open(
        family: Family,
        proto: u8,
        iface: Option<&Interface>,
        unicast: bool,
    ) -> io::Result<VrrpSendSocket> {
        let fd = sock::socket(
            family.domain(),
            libc::SOCK_RAW | libc::SOCK_NONBLOCK,
            libc::c_int::from(proto),
        )?;
        setsockopt_int(&fd, libc::SOL_SOCKET, libc::SO_RCVBUF, 0)?;
        set_multicast_all_off(&fd, family)?;
        match family {
            Family::V4 => setsockopt_int(&fd, libc::IPPROTO_IP, libc::IP_HDRINCL, 1)?,
            Family::V6 => {
                setsockopt_int(
                    &fd,
                    libc::IPPROTO_IPV6,
                    libc::IPV6_CHECKSUM,
                    VRRP_CHECKSUM_OFFSET,
                )?;
                if !unicast {
                    setsockopt_int(
                        &fd,
                        libc::IPPROTO_IPV6,
                        libc::IPV6_MULTICAST_HOPS,
                        libc::c_int::from(VRRP_HOP_LIMIT),
                    )?;
                }
            }
        }
        if let Some(ifp) = iface {
            sock::bind_to_device(&fd, &ifp.name)?;
            if !unicast {
                match family {
                    Family::V4 => {
                        let mreq = libc::ip_mreqn {
                            imr_multiaddr: libc::in_addr { s_addr: 0 },
                            imr_address: libc::in_addr { s_addr: 0 },
                            imr_ifindex: ifp.index as libc::c_int,
                        };
                        setsockopt(&fd, libc::IPPROTO_IP, libc::IP_MULTICAST_IF, &mreq)?;
                        setsockopt_int(&fd, libc::IPPROTO_IP, libc::IP_MULTICAST_LOOP, 0)?;
                    }
                    Family::V6 => {
                        setsockopt_int(
                            &fd,
                            libc::IPPROTO_IPV6,
                            libc::IPV6_MULTICAST_IF,
                            ifp.index as libc::c_int,
                        )?;
                        setsockopt_int(&fd, libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_LOOP, 0)?;
                    }
                }
            }
        }
        match family {
            Family::V4 => setsockopt_int(
                &fd,
                libc::IPPROTO_IP,
                libc::IP_TOS,
                libc::c_int::from(VRRP_TOS),
            )?,
            Family::V6 => setsockopt_int(
                &fd,
                libc::IPPROTO_IPV6,
                libc::IPV6_TCLASS,
                libc::c_int::from(VRRP_TOS),
            )?,
        }
        sock::drop_all_input(&fd)?;
        Ok(VrrpSendSocket {
            fd,
            family,
            ifindex: iface.map_or(0, |i| i.index),
        })
    }

    pub fn family(&self) -> Family {
        self.family
    }

    /// Send a whole IPv4 packet (header included) to `dst`, which should be
    /// the header's destination. Multicast goes with `MSG_DONTROUTE`, as
    /// keepalived sends it. The kernel fills in a zero IP ID and the header
    /// checksum.
    pub fn send_v4(&self, packet: &[u8], dst: Ipv4Addr) -> io::Result<usize> {
        if self.family != Family::V4 {
            return Err(io::Error::from_raw_os_error(libc::EAFNOSUPPORT));
        }
        let sa = sock::sockaddr_in(dst, 0);
        let flags = if dst.is_multicast() {
            libc::MSG_DONTROUTE
        } else {
            0
        };
        // SAFETY: `packet` and `sa` are live for the call with the lengths
        // given; the kernel only reads them.
        cvt_size(unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                packet.as_ptr().cast(),
                packet.len(),
                flags,
                (&sa as *const libc::sockaddr_in).cast(),
                size_of::<libc::sockaddr_in>() as libc::socklen_t,
            )
        })
    }

    /// Send a VRRP PDU over IPv6 to `dst`, from `src` (the link-local
    /// address, or `unicast_src_ip`) given as packet info together with the
    /// interface. `hop_limit` (`unicast_ttl`) goes as an `IPV6_HOPLIMIT`
    /// control message; without it multicast uses 255 and unicast the
    /// kernel's default. The kernel computes the checksum at offset 6.
    pub fn send_v6(
        &self,
        pdu: &[u8],
        dst: Ipv6Addr,
        src: Option<Ipv6Addr>,
        hop_limit: Option<u8>,
    ) -> io::Result<usize> {
        if self.family != Family::V6 {
            return Err(io::Error::from_raw_os_error(libc::EAFNOSUPPORT));
        }
        let mut sa = sock::sockaddr_in6(dst, v6_scope(dst, self.ifindex));
        let mut iov = libc::iovec {
            iov_base: pdu.as_ptr() as *mut libc::c_void,
            iov_len: pdu.len(),
        };
        let mut control = [0u64; 16];
        let info = libc::in6_pktinfo {
            ipi6_addr: libc::in6_addr {
                s6_addr: src.unwrap_or(Ipv6Addr::UNSPECIFIED).octets(),
            },
            ipi6_ifindex: self.ifindex,
        };
        // SAFETY: msghdr is plain old data; zero is valid.
        let mut msg: libc::msghdr = unsafe { zeroed() };
        msg.msg_name = (&mut sa as *mut libc::sockaddr_in6).cast();
        msg.msg_namelen = size_of::<libc::sockaddr_in6>() as libc::socklen_t;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        // SAFETY: CMSG_SPACE is pure arithmetic.
        let mut space = unsafe { libc::CMSG_SPACE(size_of::<libc::in6_pktinfo>() as u32) } as usize;
        if hop_limit.is_some() {
            // SAFETY: as above.
            space += unsafe { libc::CMSG_SPACE(size_of::<libc::c_int>() as u32) } as usize;
        }
        msg.msg_controllen = space as _;
        debug_assert!(space <= size_of::<[u64; 16]>());
        // SAFETY: the control buffer is zeroed, aligned for cmsghdr and
        // `space` bytes long, which CMSG_SPACE says holds both messages;
        // CMSG_FIRSTHDR/NXTHDR return in-bounds headers or null, and the
        // data are written unaligned within each message's length.
        unsafe {
            let c = libc::CMSG_FIRSTHDR(&msg);
            if c.is_null() {
                return Err(io::Error::from_raw_os_error(libc::ENOBUFS));
            }
            (*c).cmsg_level = libc::IPPROTO_IPV6;
            (*c).cmsg_type = libc::IPV6_PKTINFO;
            (*c).cmsg_len = libc::CMSG_LEN(size_of::<libc::in6_pktinfo>() as u32) as _;
            std::ptr::write_unaligned(libc::CMSG_DATA(c).cast::<libc::in6_pktinfo>(), info);
            if let Some(h) = hop_limit {
                let c2 = libc::CMSG_NXTHDR(&msg, c);
                if c2.is_null() {
                    return Err(io::Error::from_raw_os_error(libc::ENOBUFS));
                }
                (*c2).cmsg_level = libc::IPPROTO_IPV6;
                (*c2).cmsg_type = libc::IPV6_HOPLIMIT;
                (*c2).cmsg_len = libc::CMSG_LEN(size_of::<libc::c_int>() as u32) as _;
                std::ptr::write_unaligned(
                    libc::CMSG_DATA(c2).cast::<libc::c_int>(),
                    libc::c_int::from(h),
                );
            }
        }
        let flags = if dst.is_multicast() {
            libc::MSG_DONTROUTE
        } else {
            0
        };
        // SAFETY: `msg` points at live locals (`sa`, `iov` over `pdu`,
        // `control`) with the lengths given; the kernel only reads them.
        cvt_size(unsafe { libc::sendmsg(self.fd.as_raw_fd(), &msg, flags) })
    }
}

impl AsRawFd for VrrpRecvSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl AsFd for VrrpRecvSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for VrrpSendSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl AsFd for VrrpSendSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_fields_reads_ttl_and_destination() {
        let mut h = [0u8; 24];
        h[0] = 0x46; // IHL 6: one option word
        h[8] = 255;
        h[16..20].copy_from_slice(&[224, 0, 0, 18]);
        assert_eq!(
            ipv4_fields(&h),
            Some((255, Ipv4Addr::new(224, 0, 0, 18), 24))
        );
        assert_eq!(ipv4_fields(&h[..23]), None);
        h[0] = 0x44; // IHL below 5
        assert_eq!(ipv4_fields(&h), None);
        h[0] = 0x65;
        assert_eq!(ipv4_fields(&h), None);
        for n in 0..h.len() {
            let _ = ipv4_fields(&h[..n]);
        }
    }

    #[test]
    fn scope_ids_for_link_scoped_addresses() {
        let a = |s: &str| s.parse::<Ipv6Addr>().unwrap();
        assert_eq!(v6_scope(a("fe80::1"), 7), 7);
        assert_eq!(v6_scope(a("ff02::12"), 7), 7);
        assert_eq!(v6_scope(a("ff01::1"), 7), 7);
        assert_eq!(v6_scope(a("ff05::12"), 7), 0);
        assert_eq!(v6_scope(a("fd00::1"), 7), 0);
    }

    #[test]
    fn multicast_needs_an_interface() {
        let e = VrrpRecvSocket::open(
            None,
            112,
            Listen::Multicast("224.0.0.18".parse().unwrap()),
            None,
        );
        // Without root the socket call fails first; either way no socket.
        assert!(e.is_err());
    }
}
