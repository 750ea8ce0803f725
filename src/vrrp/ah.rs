//! VRRPv2 `auth_type AH`: the IPsec-AH-like header keepalived 2.2.7 puts
//! between the IPv4 header and the VRRP PDU (RFC 2402 layout, HMAC-MD5-96
//! per RFC 2403), and its sequence counter.
//!
//! On the wire (24 bytes): next header (112), payload length (4), two
//! reserved zero bytes, the SPI (the sender's IPv4 source address), the
//! sequence number, and the 12-byte ICV. The ICV is HMAC-MD5 truncated to
//! 96 bits, keyed with the 8 configured password bytes (zero padded), over:
//! the IP header with TOS, fragment offset and checksum zeroed (and the TTL
//! too for unicast instances, whose TTL routers may change), the AH header
//! with a zero ICV, and the VRRP PDU.
//!
//! keepalived keeps one counter per instance, for both directions: it
//! numbers the adverts it sends and is the anti-replay floor for those it
//! receives (any source). A received number must exceed it and becomes
//! the new value, so a backup that takes over continues from the master's
//! last number. Pure code: no sockets.

use super::packet::{Ipv4Header, IPPROTO_AH, IPPROTO_VRRP};
use md5::{Digest, Md5};
use std::net::Ipv4Addr;

pub const AH_LEN: usize = 24;
pub const ICV_LEN: usize = 12;
/// AH length in 32-bit words minus 2: (3 fixed words + 3 ICV words) - 2.
pub const AH_PAYLOAD_LEN: u8 = 4;
/// keepalived stops numbering here (see `SeqCounter::next_send`).
const SEQ_LAST: u32 = 0xffff_fffd;

/// HMAC-MD5 (RFC 2104) of the concatenated `parts`. The key is at most 8
/// bytes here, so the "hash long keys first" step never applies.
pub fn hmac_md5(key: &[u8], parts: &[&[u8]]) -> [u8; 16] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..16].copy_from_slice(&Md5::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| k.map(|b| b ^ byte);
    let mut inner = Md5::new();
    inner.update(pad(0x36));
    for p in parts {
        inner.update(p);
    }
    let mut outer = Md5::new();
    outer.update(pad(0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// The AH header fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AhHeader {
    pub next_header: u8,
    pub spi: u32,
    pub seq: u32,
    pub icv: [u8; ICV_LEN],
}

impl AhHeader {
    /// The header keepalived sends: SPI = our source address.
    pub fn for_vrrp(src: Ipv4Addr, seq: u32) -> AhHeader {
        AhHeader {
            next_header: IPPROTO_VRRP,
            spi: u32::from(src),
            seq,
            icv: [0; ICV_LEN],
        }
    }

    pub fn encode(&self) -> [u8; AH_LEN] {
        let mut b = [0u8; AH_LEN];
        b[0] = self.next_header;
        b[1] = AH_PAYLOAD_LEN;
        b[4..8].copy_from_slice(&self.spi.to_be_bytes());
        b[8..12].copy_from_slice(&self.seq.to_be_bytes());
        b[12..].copy_from_slice(&self.icv);
        b
    }

    /// `None` when fewer than 24 bytes. The payload length and reserved
    /// bytes are not checked (keepalived does not either).
    pub fn decode(b: &[u8]) -> Option<AhHeader> {
        let b = b.get(..AH_LEN)?;
        let word = |at: usize| u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
        let mut icv = [0u8; ICV_LEN];
        icv.copy_from_slice(&b[12..]);
        Some(AhHeader {
            next_header: b[0],
            spi: word(4),
            seq: word(8),
            icv,
        })
    }
}

/// The ICV of an IPv4 packet laid out as IP header (`ip`, options
/// included), AH header (`ah`, its ICV is ignored) and VRRP PDU (`pdu`).
pub fn icv(key: &[u8], ip: &[u8], ah: &[u8], pdu: &[u8], unicast: bool) -> [u8; ICV_LEN] {
    // Zero what may change in flight (RFC 2402 3.3.3.1.1.1); keepalived
    // leaves the multicast TTL in, as a 255 never changes.
    let mut hdr = [0u8; 60];
    let n = ip.len().min(60);
    hdr[..n].copy_from_slice(&ip[..n]);
    if n >= 20 {
        hdr[1] = 0;
        hdr[6] = 0;
        hdr[7] = 0;
        hdr[10] = 0;
        hdr[11] = 0;
        if unicast {
            hdr[8] = 0;
        }
    }
    let mut a = [0u8; AH_LEN];
    let m = ah.len().min(12);
    a[..m].copy_from_slice(&ah[..m]);
    let digest = hmac_md5(key, &[&hdr[..n], &a, pdu]);
    let mut out = [0u8; ICV_LEN];
    out.copy_from_slice(&digest[..ICV_LEN]);
    out
}

/// Fill in the ICV of a complete IPv4 packet (20-byte header, AH, PDU)
/// built for sending.
pub fn seal(key: &[u8], packet: &mut [u8], unicast: bool) {
    if packet.len() < 20 + AH_LEN {
        return;
    }
    let ihl = usize::from(packet[0] & 0x0f) * 4;
    if packet.len() < ihl + AH_LEN {
        return;
    }
    let v = icv(
        key,
        &packet[..ihl],
        &packet[ihl..ihl + AH_LEN],
        &packet[ihl + AH_LEN..],
        unicast,
    );
    packet[ihl + 12..ihl + AH_LEN].copy_from_slice(&v);
}

/// A complete IPv4 packet to send: `header` (its protocol is set to AH
/// here), the AH header numbered `seq` with SPI = source, the PDU, and the
/// ICV over them.
pub fn packet_v4(header: &Ipv4Header, seq: u32, pdu: &[u8], key: &[u8], unicast: bool) -> Vec<u8> {
    let h = Ipv4Header {
        protocol: IPPROTO_AH,
        ..*header
    };
    let mut out = h.encode(AH_LEN + pdu.len()).to_vec();
    out.extend_from_slice(&AhHeader::for_vrrp(h.src, seq).encode());
    out.extend_from_slice(pdu);
    seal(key, &mut out, unicast);
    out
}

/// Why a received AH packet fails authentication (keepalived counts all
/// three as an auth failure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AhError {
    /// The ICV does not match: wrong password or altered packet.
    BadIcv,
    /// The SPI is not the source address.
    BadSpi,
    /// The sequence number is not above the last one seen or sent.
    Replayed { seq: u32, last: u32 },
}

/// Number advertisement authentication as 2.2.7 does: one counter per
/// instance for sending and for anti-replay on receive.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SeqCounter {
    pub seq: u32,
    /// The counter reached its end: it restarts from 0 the next time the
    /// instance becomes master (unless a peer's advert cleared this).
    pub cycle: bool,
}

impl SeqCounter {
    /// The number for the next advert: one more than the last, stopping at
    /// 0xfffffffe (then repeated, and `cycle` set).
    pub fn next_send(&mut self) -> u32 {
        if self.seq > SEQ_LAST {
            self.cycle = true;
        } else {
            self.seq += 1;
        }
        self.seq
    }

    /// Anti-replay on receive: `seq` must be above the counter, which then
    /// takes it. A backup that accepts one also forgets a cycle.
    fn accept(&mut self, seq: u32, backup: bool) -> Result<(), AhError> {
        if seq <= self.seq {
            return Err(AhError::Replayed {
                seq,
                last: self.seq,
            });
        }
        self.seq = seq;
        if backup {
            self.cycle = false;
        }
        Ok(())
    }

    /// Becoming master after the counter cycled: start again from 0.
    pub fn on_become_master(&mut self) {
        if self.cycle {
            *self = SeqCounter::default();
        }
    }

    /// A master that hears a lower-priority master jumps one past that
    /// master's number, so its next advert is above what the other sent.
    pub fn on_lower_priority_master(&mut self, their_seq: u32) {
        self.seq = their_seq.wrapping_add(1);
        self.cycle = false;
    }

    /// A master that hears a higher-priority one (it is about to back off).
    pub fn on_higher_priority_master(&mut self) {
        self.cycle = false;
    }
}

/// Authenticate a received IPv4 packet whose AH header starts at `ihl`
/// (already known to be long enough and to carry VRRP), in keepalived's
/// order: ICV, then SPI, then the sequence number (which updates
/// `counter` only when the first two pass).
pub fn verify(
    key: &[u8],
    packet: &[u8],
    ihl: usize,
    unicast: bool,
    counter: &mut SeqCounter,
    backup: bool,
) -> Result<(), AhError> {
    let Some(ah) = packet.get(ihl..).and_then(AhHeader::decode) else {
        return Err(AhError::BadIcv);
    };
    let want = icv(
        key,
        &packet[..ihl],
        &packet[ihl..ihl + AH_LEN],
        &packet[ihl + AH_LEN..],
        unicast,
    );
    // Constant time, as keepalived compares it.
    if want
        .iter()
        .zip(ah.icv.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        != 0
    {
        return Err(AhError::BadIcv);
    }
    let src = u32::from_be_bytes([packet[12], packet[13], packet[14], packet[15]]);
    if ah.spi != src {
        return Err(AhError::BadSpi);
    }
    counter.accept(ah.seq, backup)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn hmac_md5_rfc2104_vectors() {
        // RFC 2104 appendix test vectors (also RFC 2202 cases 1-3).
        assert_eq!(
            hmac_md5(&[0x0b; 16], &[b"Hi There"]).to_vec(),
            hex("9294727a3638bb1c13f48ef8158bfc9d")
        );
        assert_eq!(
            hmac_md5(b"Jefe", &[b"what do ya want ", b"for nothing?"]).to_vec(),
            hex("750c783e6ab0b503eaa86e310a5db738")
        );
        assert_eq!(
            hmac_md5(&[0xaa; 16], &[&[0xdd; 50]]).to_vec(),
            hex("56be34521d144c88dbb8c733f0e8b3f6")
        );
        // RFC 2202 case 6: a key longer than the block is hashed first.
        assert_eq!(
            hmac_md5(
                &[0xaa; 80],
                &[b"Test Using Larger Than Block-Size Key - Hash Key First"]
            )
            .to_vec(),
            hex("6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd")
        );
    }

    #[test]
    fn header_round_trip() {
        let h = AhHeader {
            next_header: IPPROTO_VRRP,
            spi: 0x0a630002,
            seq: 7,
            icv: [9; ICV_LEN],
        };
        let b = h.encode();
        assert_eq!(&b[..12], &[112, 4, 0, 0, 10, 99, 0, 2, 0, 0, 0, 7]);
        assert_eq!(AhHeader::decode(&b), Some(h));
        assert_eq!(AhHeader::decode(&b[..23]), None);
    }

    #[test]
    fn sequence_numbers() {
        let mut c = SeqCounter::default();
        assert_eq!(c.next_send(), 1, "the first advert carries 1");
        assert_eq!(c.next_send(), 2);
        // Received numbers must be above the counter, from any source.
        assert_eq!(
            c.accept(2, true),
            Err(AhError::Replayed { seq: 2, last: 2 })
        );
        assert_eq!(c.accept(10, true), Ok(()));
        assert_eq!(c.next_send(), 11, "a new master continues the sequence");
        // The end: it stays at 0xfffffffe and cycles; a new mastership
        // starts again from 0.
        c.seq = 0xffff_fffc;
        assert_eq!(c.next_send(), 0xffff_fffd);
        assert_eq!(c.next_send(), 0xffff_fffe);
        assert!(!c.cycle);
        assert_eq!(c.next_send(), 0xffff_fffe);
        assert!(c.cycle);
        c.on_become_master();
        assert_eq!((c.seq, c.cycle), (0, false));
        assert_eq!(c.next_send(), 1);
        // Without a cycle, becoming master keeps the counter.
        c.on_become_master();
        assert_eq!(c.seq, 1);
        // Hearing a lower-priority master: one past its number (wrapping
        // like keepalived's u32 arithmetic).
        c.on_lower_priority_master(41);
        assert_eq!(c.next_send(), 43);
        c.on_lower_priority_master(u32::MAX);
        assert_eq!(c.seq, 0);
        // A backup accepting an advert forgets a cycle; a master does not.
        c = SeqCounter {
            seq: 5,
            cycle: true,
        };
        assert_eq!(c.accept(6, false), Ok(()));
        assert!(c.cycle);
        assert_eq!(c.accept(7, true), Ok(()));
        assert!(!c.cycle);
    }
}
