//! The VRRP advertisement on the wire: VRRPv2 (RFC 3768) and VRRPv3
//! (RFC 5798), over IPv4 and IPv6, with the checksum variants keepalived
//! uses. Pure functions over byte buffers; nothing here touches a socket.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub const IPPROTO_VRRP: u8 = 112;
pub const IPPROTO_AH: u8 = 51;
pub const VRRP_TTL: u8 = 255;
pub const VRRP_GROUP_V4: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 18);
pub const VRRP_GROUP_V6: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0x12);
const TYPE_ADVERT: u8 = 1;
const HEADER_LEN: usize = 8;
pub const AUTH_DATA_LEN: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V2,
    V3,
}

/// The advertisement interval as it travels: whole seconds in VRRPv2,
/// centiseconds in VRRPv3. Two types, so they cannot be mixed up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireInterval {
    Seconds(u8),
    Centiseconds(u16),
}

impl WireInterval {
    pub fn as_micros(self) -> u64 {
        match self {
            WireInterval::Seconds(s) => u64::from(s) * 1_000_000,
            WireInterval::Centiseconds(c) => u64::from(c) * 10_000,
        }
    }
}

/// VRRPv2 authentication (RFC 2338 types, kept by keepalived).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    None,
    /// Type 1: the first 8 bytes of the password, zero padded.
    Pass([u8; AUTH_DATA_LEN]),
    /// Type 2: IPsec AH (`vrrp::ah`) keyed with the first 8 bytes of the
    /// password, zero padded; the VRRP auth data are zero. The key is not on
    /// the wire: a decoded advert has it zero.
    Ah([u8; AUTH_DATA_LEN]),
}

impl Auth {
    fn type_code(&self) -> u8 {
        match self {
            Auth::None => 0,
            Auth::Pass(_) => 1,
            Auth::Ah(_) => 2,
        }
    }

    /// The 8-byte PASS data for a configured password (keepalived truncates
    /// longer ones).
    pub fn pass(password: &str) -> Auth {
        Auth::Pass(auth_data(password))
    }

    /// The AH key for a configured password: the same 8 bytes.
    pub fn ah(password: &str) -> Auth {
        Auth::Ah(auth_data(password))
    }
}

fn auth_data(password: &str) -> [u8; AUTH_DATA_LEN] {
    let mut data = [0u8; AUTH_DATA_LEN];
    for (d, b) in data.iter_mut().zip(password.bytes()) {
        *d = b;
    }
    data
}

/// A decoded (or to be encoded) advertisement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advert {
    pub version: Version,
    pub vrid: u8,
    pub priority: u8,
    pub interval: WireInterval,
    pub addrs: Vec<IpAddr>,
    /// VRRPv2 only; always `Auth::None` for v3.
    pub auth: Auth,
}

/// Why a packet was dropped. Each is counted separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Discard {
    TooShort,
    BadVersion,
    BadType,
    /// The address count does not match the packet length.
    BadLength,
    BadChecksum,
    /// An address of the wrong family for the socket.
    BadFamily,
}

/// The Internet checksum (RFC 1071) over several slices taken as one.
pub fn checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u32 = 0;
    let mut odd: Option<u8> = None;
    for part in parts {
        for &b in part.iter() {
            match odd.take() {
                Some(hi) => sum += u32::from(u16::from_be_bytes([hi, b])),
                None => odd = Some(b),
            }
        }
    }
    if let Some(hi) = odd {
        sum += u32::from(u16::from_be_bytes([hi, 0]));
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// The pseudo-header a checksum covers in VRRPv3 (and that IPv6 always uses).
pub fn pseudo_header(src: IpAddr, dst: IpAddr, len: usize) -> Vec<u8> {
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let mut p = Vec::with_capacity(12);
            p.extend_from_slice(&s.octets());
            p.extend_from_slice(&d.octets());
            p.push(0);
            p.push(IPPROTO_VRRP);
            p.extend_from_slice(&(len as u16).to_be_bytes());
            p
        }
        (s, d) => {
            let v6 = |a: IpAddr| match a {
                IpAddr::V6(a) => a,
                IpAddr::V4(a) => a.to_ipv6_mapped(),
            };
            let mut p = Vec::with_capacity(40);
            p.extend_from_slice(&v6(s).octets());
            p.extend_from_slice(&v6(d).octets());
            p.extend_from_slice(&(len as u32).to_be_bytes());
            p.extend_from_slice(&[0, 0, 0, IPPROTO_VRRP]);
            p
        }
    }
}

/// How the checksum of a PDU is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumMode {
    /// VRRPv2, or VRRPv3 with `v3_checksum_as_v2`: the PDU alone.
    Plain,
    /// VRRPv3: with the pseudo-header of these addresses.
    Pseudo { src: IpAddr, dst: IpAddr },
}

impl Advert {
    /// Length of the encoded PDU.
    pub fn encoded_len(&self) -> usize {
        let addr_len: usize = self
            .addrs
            .iter()
            .map(|a| if a.is_ipv4() { 4 } else { 16 })
            .sum();
        HEADER_LEN
            + addr_len
            + if self.version == Version::V2 {
                AUTH_DATA_LEN
            } else {
                0
            }
    }

    /// Encode the PDU (without IP header) and fill in its checksum.
    pub fn encode(&self, mode: ChecksumMode) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        let version = match self.version {
            Version::V2 => 2,
            Version::V3 => 3,
        };
        out.push((version << 4) | TYPE_ADVERT);
        out.push(self.vrid);
        out.push(self.priority);
        out.push(self.addrs.len().min(255) as u8);
        match (self.version, self.interval) {
            (Version::V2, WireInterval::Seconds(s)) => {
                out.push(self.auth.type_code());
                out.push(s);
            }
            (Version::V2, WireInterval::Centiseconds(c)) => {
                out.push(self.auth.type_code());
                out.push((c / 100).clamp(1, 255) as u8);
            }
            (Version::V3, i) => {
                let cs = match i {
                    WireInterval::Centiseconds(c) => c,
                    WireInterval::Seconds(s) => u16::from(s) * 100,
                };
                out.extend_from_slice(&(cs & 0x0fff).to_be_bytes());
            }
        }
        out.extend_from_slice(&[0, 0]);
        for a in self.addrs.iter().take(255) {
            match a {
                IpAddr::V4(v) => out.extend_from_slice(&v.octets()),
                IpAddr::V6(v) => out.extend_from_slice(&v.octets()),
            }
        }
        if self.version == Version::V2 {
            match self.auth {
                Auth::Pass(data) => out.extend_from_slice(&data),
                _ => out.extend_from_slice(&[0; AUTH_DATA_LEN]),
            }
        }
        let sum = match mode {
            ChecksumMode::Plain => checksum(&[&out]),
            ChecksumMode::Pseudo { src, dst } => {
                let ph = pseudo_header(src, dst, out.len());
                checksum(&[&ph, &out])
            }
        };
        out[6..8].copy_from_slice(&sum.to_be_bytes());
        out
    }

    /// Decode a PDU (without IP header). `ipv6` says which address family the
    /// socket carries. The checksum is verified with `mode`.
    pub fn decode(pdu: &[u8], ipv6: bool, mode: ChecksumMode) -> Result<Advert, Discard> {
        if pdu.len() < HEADER_LEN {
            return Err(Discard::TooShort);
        }
        let version = match pdu[0] >> 4 {
            2 => Version::V2,
            3 => Version::V3,
            _ => return Err(Discard::BadVersion),
        };
        if pdu[0] & 0x0f != TYPE_ADVERT {
            return Err(Discard::BadType);
        }
        let count = pdu[3] as usize;
        let addr_len = if ipv6 { 16 } else { 4 };
        let auth_len = if version == Version::V2 {
            AUTH_DATA_LEN
        } else {
            0
        };
        let expected = HEADER_LEN + count * addr_len + auth_len;
        if pdu.len() < expected {
            return Err(Discard::TooShort);
        }
        if pdu.len() != expected {
            return Err(Discard::BadLength);
        }
        let ok = match mode {
            ChecksumMode::Plain => checksum(&[pdu]) == 0,
            ChecksumMode::Pseudo { src, dst } => {
                let ph = pseudo_header(src, dst, pdu.len());
                checksum(&[&ph, pdu]) == 0
            }
        };
        if !ok {
            return Err(Discard::BadChecksum);
        }
        let (interval, auth_type) = match version {
            Version::V2 => (WireInterval::Seconds(pdu[5]), pdu[4]),
            Version::V3 => (
                WireInterval::Centiseconds(u16::from_be_bytes([pdu[4], pdu[5]]) & 0x0fff),
                0,
            ),
        };
        let mut addrs = Vec::with_capacity(count);
        for i in 0..count {
            let at = HEADER_LEN + i * addr_len;
            let a = &pdu[at..at + addr_len];
            addrs.push(if ipv6 {
                let mut b = [0u8; 16];
                b.copy_from_slice(a);
                IpAddr::V6(Ipv6Addr::from(b))
            } else {
                IpAddr::V4(Ipv4Addr::new(a[0], a[1], a[2], a[3]))
            });
        }
        let auth = match auth_type {
            1 => {
                let mut data = [0u8; AUTH_DATA_LEN];
                data.copy_from_slice(&pdu[expected - AUTH_DATA_LEN..expected]);
                Auth::Pass(data)
            }
            2 => Auth::Ah([0; AUTH_DATA_LEN]),
            _ => Auth::None,
        };
        Ok(Advert {
            version,
            vrid: pdu[1],
            priority: pdu[2],
            interval,
            addrs,
            auth,
        })
    }
}

/// An IPv4 header as keepalived builds it with IP_HDRINCL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Header {
    pub tos: u8,
    pub id: u16,
    pub ttl: u8,
    pub protocol: u8,
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
}

pub const IPV4_HEADER_LEN: usize = 20;

impl Ipv4Header {
    /// The 20-byte header for a payload of `payload_len` bytes.
    pub fn encode(&self, payload_len: usize) -> [u8; IPV4_HEADER_LEN] {
        let mut h = [0u8; IPV4_HEADER_LEN];
        h[0] = 0x45;
        h[1] = self.tos;
        h[2..4].copy_from_slice(&((IPV4_HEADER_LEN + payload_len) as u16).to_be_bytes());
        h[4..6].copy_from_slice(&self.id.to_be_bytes());
        h[8] = self.ttl;
        h[9] = self.protocol;
        h[12..16].copy_from_slice(&self.src.octets());
        h[16..20].copy_from_slice(&self.dst.octets());
        let sum = checksum(&[&h]);
        h[10..12].copy_from_slice(&sum.to_be_bytes());
        h
    }

    /// Parse an IPv4 header; returns it and its length (options included).
    pub fn decode(p: &[u8]) -> Result<(Ipv4Header, usize), Discard> {
        if p.len() < IPV4_HEADER_LEN || p[0] >> 4 != 4 {
            return Err(Discard::TooShort);
        }
        let ihl = usize::from(p[0] & 0x0f) * 4;
        if ihl < IPV4_HEADER_LEN || p.len() < ihl {
            return Err(Discard::TooShort);
        }
        let total = usize::from(u16::from_be_bytes([p[2], p[3]]));
        if total != p.len() {
            return Err(Discard::BadLength);
        }
        Ok((
            Ipv4Header {
                tos: p[1],
                id: u16::from_be_bytes([p[4], p[5]]),
                ttl: p[8],
                protocol: p[9],
                src: Ipv4Addr::new(p[12], p[13], p[14], p[15]),
                dst: Ipv4Addr::new(p[16], p[17], p[18], p[19]),
            },
            ihl,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn rfc1071_checksum() {
        // Example from RFC 1071 section 3.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(checksum(&[&data]), !0xddf2);
        assert_eq!(checksum(&[&data[..3], &data[3..]]), !0xddf2);
        assert_eq!(checksum(&[&[0xab]]), !0xab00);
    }

    #[test]
    fn v2_round_trip_with_password() {
        let a = Advert {
            version: Version::V2,
            vrid: 51,
            priority: 100,
            interval: WireInterval::Seconds(1),
            addrs: vec![v4("192.168.1.100"), v4("10.0.0.1")],
            auth: Auth::pass("secret123456"),
        };
        let pdu = a.encode(ChecksumMode::Plain);
        assert_eq!(pdu.len(), 8 + 8 + 8);
        assert_eq!(&pdu[..6], &[0x21, 51, 100, 2, 1, 1]);
        assert_eq!(&pdu[16..], b"secret12");
        let back = Advert::decode(&pdu, false, ChecksumMode::Plain).unwrap();
        assert_eq!(
            back,
            Advert {
                auth: Auth::pass("secret12"),
                ..a
            }
        );
    }

    #[test]
    fn v3_uses_the_pseudo_header() {
        let src = v4("10.1.1.1");
        let dst = IpAddr::V4(VRRP_GROUP_V4);
        let a = Advert {
            version: Version::V3,
            vrid: 7,
            priority: 200,
            interval: WireInterval::Centiseconds(100),
            addrs: vec![v4("10.1.1.100")],
            auth: Auth::None,
        };
        let mode = ChecksumMode::Pseudo { src, dst };
        let pdu = a.encode(mode);
        assert_eq!(&pdu[..6], &[0x31, 7, 200, 1, 0x00, 0x64]);
        assert_eq!(Advert::decode(&pdu, false, mode).unwrap(), a);
        assert_eq!(
            Advert::decode(&pdu, false, ChecksumMode::Plain),
            Err(Discard::BadChecksum)
        );
        let other_dst = ChecksumMode::Pseudo {
            src,
            dst: v4("10.1.1.2"),
        };
        assert_eq!(
            Advert::decode(&pdu, false, other_dst),
            Err(Discard::BadChecksum)
        );
    }

    #[test]
    fn v3_ipv6_round_trip() {
        let src: IpAddr = "fe80::1".parse().unwrap();
        let mode = ChecksumMode::Pseudo {
            src,
            dst: IpAddr::V6(VRRP_GROUP_V6),
        };
        let a = Advert {
            version: Version::V3,
            vrid: 9,
            priority: 100,
            interval: WireInterval::Centiseconds(4095),
            addrs: vec!["2001:db8::1".parse().unwrap(), "fe80::100".parse().unwrap()],
            auth: Auth::None,
        };
        let pdu = a.encode(mode);
        assert_eq!(pdu.len(), 8 + 32);
        assert_eq!(Advert::decode(&pdu, true, mode).unwrap(), a);
    }

    #[test]
    fn malformed_packets_are_classified() {
        let a = Advert {
            version: Version::V2,
            vrid: 1,
            priority: 100,
            interval: WireInterval::Seconds(1),
            addrs: vec![v4("10.0.0.1")],
            auth: Auth::None,
        };
        let good = a.encode(ChecksumMode::Plain);
        let d = |p: &[u8]| Advert::decode(p, false, ChecksumMode::Plain);
        assert_eq!(d(&good[..5]), Err(Discard::TooShort));
        assert_eq!(d(&good[..12]), Err(Discard::TooShort));
        let mut bad = good.clone();
        bad[0] = 0x41;
        assert_eq!(d(&bad), Err(Discard::BadVersion));
        bad[0] = 0x22;
        assert_eq!(d(&bad), Err(Discard::BadType));
        let mut bad = good.clone();
        bad[2] ^= 1;
        assert_eq!(d(&bad), Err(Discard::BadChecksum));
        let mut long = good.clone();
        long.extend_from_slice(&[0; 4]);
        assert_eq!(d(&long), Err(Discard::BadLength));
        // Every prefix and every single-byte corruption decodes or is
        // discarded: never a panic.
        for n in 0..good.len() {
            let _ = d(&good[..n]);
            for bit in 0..8 {
                let mut c = good.clone();
                c[n] ^= 1 << bit;
                let _ = d(&c);
                let _ = Advert::decode(&c, true, ChecksumMode::Plain);
            }
        }
    }

    #[test]
    fn ipv4_header_round_trip() {
        let h = Ipv4Header {
            tos: 0xc0,
            id: 0x1234,
            ttl: VRRP_TTL,
            protocol: IPPROTO_VRRP,
            src: Ipv4Addr::new(10, 0, 0, 2),
            dst: VRRP_GROUP_V4,
        };
        let bytes = h.encode(20);
        assert_eq!(checksum(&[&bytes]), 0);
        let mut pkt = bytes.to_vec();
        pkt.extend_from_slice(&[0; 20]);
        assert_eq!(Ipv4Header::decode(&pkt), Ok((h, 20)));
        assert_eq!(Ipv4Header::decode(&pkt[..30]), Err(Discard::BadLength));
    }
}

#[cfg(test)]
mod known_answers {
    //! Adverts captured from keepalived 2.2.7 (tests/vectors/).
    use super::*;

    fn vector(name: &str) -> Vec<u8> {
        let text = include_str!("../../tests/vectors/keepalived-2.2.7.txt");
        let hex = text
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no vector {name}"));
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// Decode the IPv4 packet and re-encode it: the bytes must be identical.
    fn check_v4(name: &str, expected: Advert, v3: bool) {
        let pkt = vector(name);
        let (h, ihl) = Ipv4Header::decode(&pkt).unwrap();
        assert_eq!((h.tos, h.ttl, h.protocol), (0xc0, 255, IPPROTO_VRRP));
        let mode = if v3 {
            ChecksumMode::Pseudo {
                src: IpAddr::V4(h.src),
                dst: IpAddr::V4(h.dst),
            }
        } else {
            ChecksumMode::Plain
        };
        let advert = Advert::decode(&pkt[ihl..], false, mode).unwrap();
        assert_eq!(advert, expected);
        let mut again = h.encode(advert.encoded_len()).to_vec();
        again.extend(advert.encode(mode));
        assert_eq!(again, pkt, "{name}: re-encoding differs");
    }

    #[test]
    fn v2_pass() {
        check_v4(
            "v2_pass",
            Advert {
                version: Version::V2,
                vrid: 51,
                priority: 150,
                interval: WireInterval::Seconds(1),
                addrs: vec![ip("10.99.0.100"), ip("10.99.0.101")],
                auth: Auth::pass("secret"),
            },
            false,
        );
    }

    #[test]
    fn v3_ipv4() {
        check_v4(
            "v3_ipv4",
            Advert {
                version: Version::V3,
                vrid: 53,
                priority: 200,
                interval: WireInterval::Centiseconds(100),
                addrs: vec![ip("10.99.0.103")],
                auth: Auth::None,
            },
            true,
        );
    }

    #[test]
    fn unicast_v2_and_v3() {
        check_v4(
            "v2_unicast",
            Advert {
                version: Version::V2,
                vrid: 55,
                priority: 110,
                interval: WireInterval::Seconds(1),
                addrs: vec![ip("10.99.0.105")],
                auth: Auth::None,
            },
            false,
        );
        // v3 unicast: the pseudo-header has the peer as destination.
        check_v4(
            "v3_unicast",
            Advert {
                version: Version::V3,
                vrid: 56,
                priority: 110,
                interval: WireInterval::Centiseconds(100),
                addrs: vec![ip("10.99.0.106")],
                auth: Auth::None,
            },
            true,
        );
    }

    #[test]
    fn v3_ipv6() {
        let pkt = vector("v3_ipv6");
        assert_eq!(pkt[0] >> 4, 6);
        assert_eq!(pkt[6], IPPROTO_VRRP);
        assert_eq!(pkt[7], 255, "hop limit");
        let src = IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(&pkt[8..24]).unwrap()));
        let dst = IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(&pkt[24..40]).unwrap()));
        assert_eq!(dst, IpAddr::V6(VRRP_GROUP_V6));
        let mode = ChecksumMode::Pseudo { src, dst };
        let advert = Advert::decode(&pkt[40..], true, mode).unwrap();
        assert_eq!(
            advert,
            Advert {
                version: Version::V3,
                vrid: 54,
                priority: 100,
                interval: WireInterval::Centiseconds(100),
                addrs: vec![ip("fd00:99::100")],
                auth: Auth::None,
            }
        );
        assert_eq!(advert.encode(mode), &pkt[40..]);
    }

    #[test]
    fn v2_ah_header() {
        let pkt = vector("v2_ah");
        let (h, ihl) = Ipv4Header::decode(&pkt).unwrap();
        assert_eq!(h.protocol, IPPROTO_AH);
        let ah = &pkt[ihl..ihl + 24];
        assert_eq!(ah[0], IPPROTO_VRRP, "next header");
        assert_eq!(ah[1], 4, "payload length");
        assert_eq!(&ah[4..8], &h.src.octets(), "SPI is the sender's address");
        assert_eq!(&ah[8..12], &[0, 0, 0, 1], "the first advert is number 1");
        let advert = Advert::decode(&pkt[ihl + 24..], false, ChecksumMode::Plain).unwrap();
        assert_eq!(advert.auth, Auth::Ah([0; AUTH_DATA_LEN]));
        assert_eq!((advert.vrid, advert.priority), (52, 120));
    }

    /// The ICV of keepalived's AH advert (capture.sh: auth_pass ahpass),
    /// recomputed, and the whole packet rebuilt byte for byte.
    #[test]
    fn v2_ah_icv() {
        use crate::vrrp::ah;
        let pkt = vector("v2_ah");
        let (h, ihl) = Ipv4Header::decode(&pkt).unwrap();
        let Auth::Ah(key) = Auth::ah("ahpass") else {
            unreachable!()
        };
        let want = ah::icv(
            &key,
            &pkt[..ihl],
            &pkt[ihl..ihl + 24],
            &pkt[ihl + 24..],
            false,
        );
        assert_eq!(want, pkt[ihl + 12..ihl + 24], "ICV");
        let advert = Advert {
            version: Version::V2,
            vrid: 52,
            priority: 120,
            interval: WireInterval::Seconds(1),
            addrs: vec![ip("10.99.0.102")],
            auth: Auth::ah("ahpass"),
        };
        let pdu = advert.encode(ChecksumMode::Plain);
        let again = ah::packet_v4(&h, 1, &pdu, &key, false);
        assert_eq!(again, pkt, "rebuilt AH packet differs");
        // Our verification accepts it once, then calls it a replay.
        let mut counter = ah::SeqCounter::default();
        assert_eq!(
            ah::verify(&key, &pkt, ihl, false, &mut counter, true),
            Ok(())
        );
        assert_eq!(
            ah::verify(&key, &pkt, ihl, false, &mut counter, true),
            Err(ah::AhError::Replayed { seq: 1, last: 1 })
        );
        // Another password, or the TTL zeroed as for unicast: bad ICV.
        let Auth::Ah(other) = Auth::ah("ahpasx") else {
            unreachable!()
        };
        let mut fresh = ah::SeqCounter::default();
        assert_eq!(
            ah::verify(&other, &pkt, ihl, false, &mut fresh, true),
            Err(ah::AhError::BadIcv)
        );
        assert_eq!(
            ah::verify(&key, &pkt, ihl, true, &mut fresh, true),
            Err(ah::AhError::BadIcv)
        );
        assert_eq!(fresh.seq, 0, "a rejected packet leaves the counter");
    }
}
