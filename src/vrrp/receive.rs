//! The receive checks an advertisement must pass before the state machine
//! sees it, in keepalived 2.2.7's order (vrrp.c `vrrp_check_packet`). Each
//! rejected packet is counted under its reason. Pure: the caller hands in the
//! packet and what the socket said about it.

use super::ah::{self, AhError, SeqCounter, AH_LEN};
use super::machine::Received;
use super::packet::{
    checksum, pseudo_header, Version, WireInterval, AUTH_DATA_LEN, IPPROTO_AH, IPPROTO_VRRP,
    VRRP_GROUP_V4, VRRP_TTL,
};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What an instance expects of the adverts it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    pub ipv6: bool,
    pub version: Version,
    pub vrid: u8,
    /// The configured advert interval, µs (VRRPv2 adverts must match it).
    pub advert_int: u64,
    /// VRRPv2 authentication: 0 none, 1 PASS (with the 8 bytes), 2 AH
    /// (keyed with the 8 bytes).
    pub auth_type: u8,
    pub auth_data: [u8; AUTH_DATA_LEN],
    /// The VIPs, in configuration order (the count and every address must
    /// be in the advert when addresses are checked).
    pub vips: Vec<IpAddr>,
    pub unicast: bool,
    /// `check_unicast_src`: the sender must be a peer, within its TTL range.
    pub check_unicast_src: bool,
    pub peers: Vec<Peer>,
    /// `skip_check_adv_addr`: only check addresses of a new master.
    pub skip_check_adv_addr: bool,
    /// VRRPv3 unicast peers before keepalived 1.3.6 used 224.0.0.18 in the
    /// checksum's pseudo-header; detected automatically unless `Never`.
    pub old_checksum: OldChecksum,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OldChecksum {
    /// Detect it on the first failing unicast checksum.
    Auto,
    Never,
    /// In use (configured, or detected).
    Yes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    pub addr: IpAddr,
    pub min_ttl: u8,
    pub max_ttl: u8,
}

/// A received packet and what the kernel told us about it.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    /// IPv4: the whole IP packet; IPv6: the VRRP PDU (the kernel strips the
    /// IPv6 header and has verified the checksum).
    pub bytes: &'a [u8],
    pub src: IpAddr,
    /// Destination address (IPv6: from IPV6_PKTINFO when available).
    pub dst: Option<IpAddr>,
    /// TTL / hop limit, when known.
    pub ttl: Option<u8>,
}

/// Why an advert was rejected (keepalived's statistics counters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reject {
    TooShort,
    AuthTypeMismatch,
    LengthMismatch,
    TtlError,
    VersionError,
    InvalidAuthType,
    /// Wrong PASS data.
    AuthFailure,
    /// AH: the ICV does not match (wrong password or altered packet).
    AhBadIcv,
    /// AH: the SPI is not the sender's address.
    AhBadSpi,
    /// AH: a sequence number not above the instance's counter.
    AhReplayed,
    /// An AH header carrying another protocol than VRRP (keepalived drops
    /// it without counting).
    AhNotVrrp,
    /// VRRPv2 advert interval differs from ours.
    IntervalMismatch,
    InvalidType,
    AddressListError,
    ChecksumError,
    /// Multicast received by a unicast instance or the reverse.
    WrongCast,
    /// One of our addresses is not in the advert (keepalived counts it as an
    /// address list error after counting the advert as received).
    AddressMissing,
    NotAPeer,
    /// The TTL is outside the unicast peer's min_ttl..max_ttl (counted as a
    /// TTL error after counting the advert as received).
    PeerTtl,
}

impl Reject {
    /// keepalived 2.2.7 counts an advert as received once its type, version,
    /// length, checksum and cast are right: these later rejections count.
    pub fn counted_as_received(self) -> bool {
        matches!(
            self,
            Reject::AddressMissing | Reject::NotAPeer | Reject::PeerTtl
        )
    }
}

/// The outcome of a successful check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    pub advert: Received,
    /// The old unicast checksum was detected on this packet: use it from now
    /// on when sending too.
    pub detected_old_checksum: bool,
    /// The AH sequence number, for AH instances.
    pub ah_seq: Option<u32>,
}

/// Rejections counted by reason.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counters {
    pub rejected: HashMap<Reject, u64>,
    pub accepted: u64,
    pub priority_zero: u64,
}

impl Counters {
    /// keepalived's `auth_failure` statistic: PASS and AH failures.
    pub fn auth_failures(&self) -> u64 {
        [
            Reject::AuthFailure,
            Reject::AhBadIcv,
            Reject::AhBadSpi,
            Reject::AhReplayed,
        ]
        .iter()
        .filter_map(|r| self.rejected.get(r))
        .sum()
    }

    /// Rejections for this reason.
    pub fn rejected(&self, r: Reject) -> u64 {
        self.rejected.get(&r).copied().unwrap_or(0)
    }

    /// Adverts keepalived counts as received (`advert_rcvd`).
    pub fn received(&self) -> u64 {
        self.accepted
            + self
                .rejected
                .iter()
                .filter(|(r, _)| r.counted_as_received())
                .map(|(_, n)| n)
                .sum::<u64>()
    }

    pub fn count(&mut self, r: Result<Accepted, Reject>) -> Result<Accepted, Reject> {
        match &r {
            Ok(a) => {
                self.accepted += 1;
                if a.advert.priority == 0 {
                    self.priority_zero += 1;
                }
            }
            Err(e) => *self.rejected.entry(*e).or_default() += 1,
        }
        r
    }
}

/// Where the PDU starts in `bytes` and the IPv4 fields the checks use.
struct Layout {
    ihl: usize,
    pdu_at: usize,
    tot_len: Option<usize>,
    dst: Option<IpAddr>,
    ttl: Option<u8>,
    ah: bool,
}

fn layout(e: &Expect, p: &Packet) -> Result<Layout, Reject> {
    if e.ipv6 {
        return Ok(Layout {
            ihl: 0,
            pdu_at: 0,
            tot_len: None,
            dst: p.dst,
            ttl: p.ttl,
            ah: false,
        });
    }
    let b = p.bytes;
    if b.len() < 20 {
        return Err(Reject::TooShort);
    }
    let ihl = usize::from(b[0] & 0x0f) * 4;
    let ah = b[9] == IPPROTO_AH;
    if ah != (e.auth_type == 2) {
        return Err(Reject::AuthTypeMismatch);
    }
    let pdu_at = ihl + if ah { AH_LEN } else { 0 };
    Ok(Layout {
        ihl,
        pdu_at,
        tot_len: Some(usize::from(u16::from_be_bytes([b[2], b[3]]))),
        dst: Some(IpAddr::V4(Ipv4Addr::new(b[16], b[17], b[18], b[19]))),
        ttl: Some(b[8]),
        ah,
    })
}

/// Check a received packet for instance `e`. `check_addresses` is false when
/// `skip_check_adv_addr` applies to this sender (same master as before).
/// AH instances: `ah_seq` is the instance's sequence counter (raised by an
/// authentic packet, even one a later check rejects, as in keepalived);
/// `backup` says the instance is in BACKUP state.
pub fn check(
    e: &Expect,
    p: &Packet,
    check_addresses: bool,
    ah_seq: &mut SeqCounter,
    backup: bool,
) -> Result<Accepted, Reject> {
    let l = layout(e, p)?;
    let b = p.bytes;
    if b.len() < l.pdu_at + 8 {
        return Err(Reject::TooShort);
    }
    let pdu = &b[l.pdu_at..];
    let naddr = usize::from(pdu[3]);
    let addr_len = if e.ipv6 { 16 } else { 4 };
    let version = pdu[0] >> 4;
    // keepalived counts the v2 auth data only over IPv4.
    let auth_len = if version == 2 && !e.ipv6 {
        AUTH_DATA_LEN
    } else {
        0
    };
    let expected = l.pdu_at + 8 + naddr * addr_len + auth_len;
    if b.len() != expected {
        return Err(Reject::LengthMismatch);
    }
    if !e.unicast && l.ttl.is_some_and(|t| t != VRRP_TTL) {
        return Err(Reject::TtlError);
    }
    let want_version = match e.version {
        Version::V2 => 2,
        Version::V3 => 3,
    };
    if version != want_version {
        return Err(Reject::VersionError);
    }
    if e.version == Version::V2 {
        let auth_type = pdu[4];
        if auth_type > 2 {
            return Err(Reject::InvalidAuthType);
        }
        if auth_type != e.auth_type {
            return Err(Reject::AuthTypeMismatch);
        }
        if auth_type == 1 && pdu[pdu.len() - AUTH_DATA_LEN..] != e.auth_data {
            return Err(Reject::AuthFailure);
        }
        if l.ah {
            if b[l.ihl] != IPPROTO_VRRP {
                return Err(Reject::AhNotVrrp);
            }
            ah::verify(&e.auth_data, b, l.ihl, e.unicast, ah_seq, backup).map_err(
                |err| match err {
                    AhError::BadIcv => Reject::AhBadIcv,
                    AhError::BadSpi => Reject::AhBadSpi,
                    AhError::Replayed { .. } => Reject::AhReplayed,
                },
            )?;
        }
        if u64::from(pdu[5]) * 1_000_000 != e.advert_int {
            return Err(Reject::IntervalMismatch);
        }
    }
    if pdu[0] & 0x0f != 1 {
        return Err(Reject::InvalidType);
    }
    if check_addresses && naddr != e.vips.len() {
        return Err(Reject::AddressListError);
    }
    if let Some(tot) = l.tot_len {
        if tot != b.len() {
            return Err(Reject::LengthMismatch);
        }
    }
    let mut detected_old_checksum = false;
    if !e.ipv6 {
        let sum_ok = |dst: IpAddr| {
            if e.version == Version::V3 {
                let ph = pseudo_header(p.src, dst, pdu.len());
                checksum(&[&ph, pdu]) == 0
            } else {
                checksum(&[pdu]) == 0
            }
        };
        let dst = l.dst.unwrap_or(IpAddr::V4(VRRP_GROUP_V4));
        let group = IpAddr::V4(VRRP_GROUP_V4);
        let ok = match e.old_checksum {
            OldChecksum::Yes if e.unicast && e.version == Version::V3 => sum_ok(group),
            _ => sum_ok(dst),
        };
        if !ok {
            let retry = e.unicast
                && e.version == Version::V3
                && e.old_checksum == OldChecksum::Auto
                && dst != group
                && sum_ok(group);
            if !retry {
                return Err(Reject::ChecksumError);
            }
            detected_old_checksum = true;
        }
    }
    let multicast = l.dst.is_some_and(|d| d.is_multicast());
    if l.dst.is_some() && multicast == e.unicast {
        return Err(Reject::WrongCast);
    }
    let addrs: Vec<IpAddr> = (0..naddr)
        .map(|i| {
            let a = &pdu[8 + i * addr_len..8 + (i + 1) * addr_len];
            if e.ipv6 {
                let mut o = [0u8; 16];
                o.copy_from_slice(a);
                IpAddr::V6(Ipv6Addr::from(o))
            } else {
                IpAddr::V4(Ipv4Addr::new(a[0], a[1], a[2], a[3]))
            }
        })
        .collect();
    if check_addresses {
        if e.vips.iter().any(|v| !addrs.contains(v)) {
            return Err(Reject::AddressMissing);
        }
        if e.unicast && e.check_unicast_src {
            let Some(peer) = e.peers.iter().find(|pe| pe.addr == p.src) else {
                return Err(Reject::NotAPeer);
            };
            if let Some(t) = l.ttl {
                if t < peer.min_ttl || t > peer.max_ttl {
                    return Err(Reject::PeerTtl);
                }
            }
        }
    }
    let interval = match e.version {
        Version::V2 => WireInterval::Seconds(pdu[5]),
        Version::V3 => WireInterval::Centiseconds(u16::from_be_bytes([pdu[4], pdu[5]]) & 0x0fff),
    };
    Ok(Accepted {
        advert: Received {
            src: p.src,
            priority: pdu[2],
            interval,
        },
        detected_old_checksum,
        ah_seq: l.ah.then(|| ah_seq_of(b, l.ihl)),
    })
}

fn ah_seq_of(b: &[u8], ihl: usize) -> u32 {
    ah::AhHeader::decode(&b[ihl..]).map_or(0, |h| h.seq)
}

/// The VRID of a received packet, to find the instance it is for.
pub fn vrid_of(ipv6: bool, bytes: &[u8]) -> Option<u8> {
    if ipv6 {
        return bytes.get(1).copied();
    }
    let ihl = usize::from(*bytes.first()? & 0x0f) * 4;
    let at = ihl
        + if bytes.get(9) == Some(&IPPROTO_AH) {
            24
        } else {
            0
        };
    bytes.get(at + 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vrrp::packet::{Advert, Auth, ChecksumMode, Ipv4Header};

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn expect() -> Expect {
        Expect {
            ipv6: false,
            version: Version::V2,
            vrid: 51,
            advert_int: 1_000_000,
            auth_type: 0,
            auth_data: [0; 8],
            vips: vec![ip("10.0.0.100")],
            unicast: false,
            check_unicast_src: false,
            peers: vec![],
            skip_check_adv_addr: false,
            old_checksum: OldChecksum::Auto,
        }
    }

    fn packet(a: &Advert, src: &str, dst: &str, ttl: u8, mode: ChecksumMode) -> Vec<u8> {
        let pdu = a.encode(mode);
        let h = Ipv4Header {
            tos: 0xc0,
            id: 1,
            ttl,
            protocol: IPPROTO_VRRP,
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
        };
        let mut out = h.encode(pdu.len()).to_vec();
        out.extend(pdu);
        out
    }

    fn advert() -> Advert {
        Advert {
            version: Version::V2,
            vrid: 51,
            priority: 150,
            interval: WireInterval::Seconds(1),
            addrs: vec![ip("10.0.0.100")],
            auth: Auth::None,
        }
    }

    fn run(e: &Expect, bytes: &[u8], ttl: u8) -> Result<Accepted, Reject> {
        check(
            e,
            &Packet {
                bytes,
                src: ip("10.0.0.2"),
                dst: None,
                ttl: Some(ttl),
            },
            true,
            &mut SeqCounter::default(),
            true,
        )
    }

    #[test]
    fn a_good_advert_passes() {
        let b = packet(
            &advert(),
            "10.0.0.2",
            "224.0.0.18",
            255,
            ChecksumMode::Plain,
        );
        let a = check(
            &expect(),
            &Packet {
                bytes: &b,
                src: ip("10.0.0.2"),
                dst: None,
                ttl: Some(255),
            },
            true,
            &mut SeqCounter::default(),
            true,
        )
        .unwrap();
        assert_eq!(a.advert.priority, 150);
        assert_eq!(vrid_of(false, &b), Some(51));
    }

    #[test]
    fn each_malformation_is_rejected_for_its_reason() {
        let e = expect();
        let good = packet(
            &advert(),
            "10.0.0.2",
            "224.0.0.18",
            255,
            ChecksumMode::Plain,
        );
        // IPv4 takes the TTL from the IP header.
        let low_ttl = packet(&advert(), "10.0.0.2", "224.0.0.18", 64, ChecksumMode::Plain);
        assert_eq!(run(&e, &low_ttl, 255), Err(Reject::TtlError));
        assert_eq!(run(&e, &good[..30], 255), Err(Reject::LengthMismatch));
        let mut bad = good.clone();
        bad[20 + 7] ^= 1;
        assert_eq!(run(&e, &bad, 255), Err(Reject::ChecksumError));
        let a = Advert {
            version: Version::V3,
            interval: WireInterval::Centiseconds(100),
            ..advert()
        };
        let b = packet(&a, "10.0.0.2", "224.0.0.18", 255, ChecksumMode::Plain);
        assert_eq!(run(&e, &b, 255), Err(Reject::VersionError));
        let a = Advert {
            interval: WireInterval::Seconds(2),
            ..advert()
        };
        let b = packet(&a, "10.0.0.2", "224.0.0.18", 255, ChecksumMode::Plain);
        assert_eq!(run(&e, &b, 255), Err(Reject::IntervalMismatch));
        let a = Advert {
            auth: Auth::pass("secret"),
            ..advert()
        };
        let b = packet(&a, "10.0.0.2", "224.0.0.18", 255, ChecksumMode::Plain);
        assert_eq!(run(&e, &b, 255), Err(Reject::AuthTypeMismatch));
        let e2 = Expect {
            auth_type: 1,
            auth_data: *b"other\0\0\0",
            ..expect()
        };
        assert_eq!(run(&e2, &b, 255), Err(Reject::AuthFailure));
        let e3 = Expect {
            auth_type: 1,
            auth_data: *b"secret\0\0",
            ..expect()
        };
        assert!(run(&e3, &b, 255).is_ok());
        let a = Advert {
            addrs: vec![ip("10.0.0.101")],
            ..advert()
        };
        let b = packet(&a, "10.0.0.2", "224.0.0.18", 255, ChecksumMode::Plain);
        assert_eq!(run(&e, &b, 255), Err(Reject::AddressMissing));
        // ... unless addresses are not checked for this sender.
        let p = Packet {
            bytes: &b,
            src: ip("10.0.0.2"),
            dst: None,
            ttl: Some(255),
        };
        assert!(check(&e, &p, false, &mut SeqCounter::default(), true).is_ok());
        let b = packet(&advert(), "10.0.0.2", "10.0.0.1", 255, ChecksumMode::Plain);
        assert_eq!(run(&e, &b, 255), Err(Reject::WrongCast));
        // Nothing panics on truncations or corruptions.
        for n in 0..good.len() {
            let _ = run(&e, &good[..n], 255);
            let mut c = good.clone();
            c[n] = 0xff;
            let _ = run(&e, &c, 255);
            let _ = vrid_of(false, &good[..n]);
        }
    }

    #[test]
    fn unicast_v3_detects_the_old_checksum() {
        let a = Advert {
            version: Version::V3,
            interval: WireInterval::Centiseconds(100),
            ..advert()
        };
        let e = Expect {
            version: Version::V3,
            unicast: true,
            ..expect()
        };
        let src = ip("10.0.0.2");
        let new = packet(
            &a,
            "10.0.0.2",
            "10.0.0.1",
            255,
            ChecksumMode::Pseudo {
                src,
                dst: ip("10.0.0.1"),
            },
        );
        let r = run(&e, &new, 255).unwrap();
        assert!(!r.detected_old_checksum);
        let old = packet(
            &a,
            "10.0.0.2",
            "10.0.0.1",
            255,
            ChecksumMode::Pseudo {
                src,
                dst: ip("224.0.0.18"),
            },
        );
        assert!(run(&e, &old, 255).unwrap().detected_old_checksum);
        let never = Expect {
            old_checksum: OldChecksum::Never,
            ..e
        };
        assert_eq!(run(&never, &old, 255), Err(Reject::ChecksumError));
    }

    #[test]
    fn unicast_source_must_be_a_peer_in_its_ttl_range() {
        let a = advert();
        let b = packet(&a, "10.0.0.2", "10.0.0.1", 64, ChecksumMode::Plain);
        let peer = |addr: &str, min, max| Peer {
            addr: ip(addr),
            min_ttl: min,
            max_ttl: max,
        };
        let e = Expect {
            unicast: true,
            check_unicast_src: true,
            peers: vec![peer("10.0.0.9", 0, 255)],
            ..expect()
        };
        assert_eq!(run(&e, &b, 64), Err(Reject::NotAPeer));
        let e = Expect {
            peers: vec![peer("10.0.0.2", 100, 255)],
            ..e
        };
        assert_eq!(run(&e, &b, 64), Err(Reject::PeerTtl));
        let e = Expect {
            peers: vec![peer("10.0.0.2", 0, 255)],
            ..e
        };
        assert!(run(&e, &b, 64).is_ok());
    }

    fn ah_packet(a: &Advert, key: &[u8; 8], seq: u32, unicast: bool) -> Vec<u8> {
        let h = Ipv4Header {
            tos: 0xc0,
            id: 1,
            ttl: 255,
            protocol: IPPROTO_VRRP,
            src: "10.0.0.2".parse().unwrap(),
            dst: if unicast { "10.0.0.1" } else { "224.0.0.18" }
                .parse()
                .unwrap(),
        };
        ah::packet_v4(&h, seq, &a.encode(ChecksumMode::Plain), key, unicast)
    }

    #[test]
    fn ah_authenticates_and_rejects_replays() {
        let key = *b"ahpass\0\0";
        let e = Expect {
            auth_type: 2,
            auth_data: key,
            ..expect()
        };
        let a = Advert {
            auth: Auth::Ah(key),
            ..advert()
        };
        let mut seq = SeqCounter::default();
        let mut counters = Counters::default();
        let mut rx = |bytes: &[u8], seq: &mut SeqCounter| {
            let p = Packet {
                bytes,
                src: ip("10.0.0.2"),
                dst: None,
                ttl: Some(255),
            };
            counters.count(check(&e, &p, true, seq, true))
        };
        let first = ah_packet(&a, &key, 5, false);
        let ok = rx(&first, &mut seq).unwrap();
        assert_eq!((ok.advert.priority, ok.ah_seq), (150, Some(5)));
        assert_eq!(seq.seq, 5);
        assert_eq!(vrid_of(false, &first), Some(51));
        // The same packet again, and an older one: replays.
        assert_eq!(rx(&first, &mut seq), Err(Reject::AhReplayed));
        let older = ah_packet(&a, &key, 4, false);
        assert_eq!(rx(&older, &mut seq), Err(Reject::AhReplayed));
        assert!(rx(&ah_packet(&a, &key, 6, false), &mut seq).is_ok());
        // Wrong password; a bit flipped anywhere after the IP header's
        // mutable fields; the TTL zeroed in the ICV (a unicast sender).
        assert_eq!(
            rx(&ah_packet(&a, b"other\0\0\0", 7, false), &mut seq),
            Err(Reject::AhBadIcv)
        );
        let mut flipped = ah_packet(&a, &key, 7, false);
        flipped[20 + 24 + 2] ^= 1; // priority (the VRRP checksum is later)
        assert_eq!(rx(&flipped, &mut seq), Err(Reject::AhBadIcv));
        let mut uni = ah_packet(&a, &key, 7, true);
        uni[16..20].copy_from_slice(&[224, 0, 0, 18]);
        assert_eq!(rx(&uni, &mut seq), Err(Reject::AhBadIcv));
        // TOS and checksum are outside the ICV: still authentic.
        let mut tos = ah_packet(&a, &key, 7, false);
        tos[1] = 0;
        assert!(rx(&tos, &mut seq).is_ok());
        // The SPI must be the source address (re-sealed, so the ICV holds).
        let mut spi = ah_packet(&a, &key, 8, false);
        spi[24..28].copy_from_slice(&[10, 0, 0, 9]);
        ah::seal(&key, &mut spi, false);
        assert_eq!(rx(&spi, &mut seq), Err(Reject::AhBadSpi));
        // An AH header for another protocol: dropped.
        let mut other = ah_packet(&a, &key, 9, false);
        other[20] = 6;
        assert_eq!(rx(&other, &mut seq), Err(Reject::AhNotVrrp));
        // No AH header while AH is expected, and the reverse.
        let plain = packet(&a, "10.0.0.2", "224.0.0.18", 255, ChecksumMode::Plain);
        assert_eq!(rx(&plain, &mut seq), Err(Reject::AuthTypeMismatch));
        let none = run(&expect(), &ah_packet(&a, &key, 9, false), 255);
        assert_eq!(none, Err(Reject::AuthTypeMismatch));
        // Short AH packets: no panic, counted.
        let good = ah_packet(&a, &key, 100, false);
        for n in 0..good.len() {
            let r = rx(&good[..n], &mut seq);
            assert!(r.is_err(), "prefix {n}");
            let _ = vrid_of(false, &good[..n]);
        }
        assert_eq!(rx(&good[..40], &mut seq), Err(Reject::TooShort));
        assert_eq!(seq.seq, 7, "rejected packets leave the counter");
        assert_eq!(counters.rejected[&Reject::AhReplayed], 2);
        assert_eq!(counters.auth_failures(), 2 + 3 + 1);
        // Every byte corrupted: rejected or accepted, never a panic.
        for n in 0..good.len() {
            let mut c = good.clone();
            c[n] ^= 0xff;
            let p = Packet {
                bytes: &c,
                src: ip("10.0.0.2"),
                dst: None,
                ttl: Some(255),
            };
            let _ = check(&e, &p, true, &mut seq, n % 2 == 0);
        }
    }

    #[test]
    fn ah_counter_rises_even_when_a_later_check_fails() {
        // keepalived authenticates before the interval check: an authentic
        // advert with another interval is dropped but its number is taken.
        let key = *b"k\0\0\0\0\0\0\0";
        let e = Expect {
            auth_type: 2,
            auth_data: key,
            ..expect()
        };
        let a = Advert {
            interval: WireInterval::Seconds(3),
            auth: Auth::Ah(key),
            ..advert()
        };
        let b = ah_packet(&a, &key, 42, false);
        let mut seq = SeqCounter {
            seq: 1,
            cycle: true,
        };
        let p = Packet {
            bytes: &b,
            src: ip("10.0.0.2"),
            dst: None,
            ttl: Some(255),
        };
        assert_eq!(
            check(&e, &p, true, &mut seq, true),
            Err(Reject::IntervalMismatch)
        );
        assert_eq!(
            seq,
            SeqCounter {
                seq: 42,
                cycle: false
            }
        );
    }

    #[test]
    fn counters_count_by_reason() {
        let mut c = Counters::default();
        let _ = c.count(Err(Reject::TtlError));
        let _ = c.count(Err(Reject::TtlError));
        assert_eq!(c.rejected(Reject::TtlError), 2);
        // Only rejections after the advert was counted add to "received".
        let _ = c.count(Err(Reject::AddressMissing));
        let _ = c.count(Err(Reject::NotAPeer));
        assert_eq!(c.received(), 2);
    }
}
