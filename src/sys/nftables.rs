//! nftables over nfnetlink: the few message types keepalived's firewall
//! needs (tables, chains, sets and maps, their elements, rules), encoded
//! by hand and sent in one transaction (batch) at a time.
//!
//! No crate covers this without a C library or a build-time `bindgen`
//! (rustables, also GPL-3.0), and the set needed is small: the layouts below
//! follow `linux/netfilter/nf_tables.h`.

use super::sock::{self, cvt_size, setsockopt_int};
use std::io;
use std::mem::{size_of, zeroed};
use std::os::fd::{AsRawFd, OwnedFd};

/// nfnetlink families (`NFPROTO_*`).
pub const NFPROTO_IPV4: u8 = 2;
pub const NFPROTO_IPV6: u8 = 10;

const NFNL_SUBSYS_NFTABLES: u16 = 10;
const NFNL_MSG_BATCH_BEGIN: u16 = 16;
const NFNL_MSG_BATCH_END: u16 = 17;

const NFT_MSG_NEWTABLE: u16 = 0;
const NFT_MSG_GETTABLE: u16 = 1;
const NFT_MSG_DELTABLE: u16 = 2;
const NFT_MSG_NEWCHAIN: u16 = 3;
const NFT_MSG_NEWRULE: u16 = 6;
const NFT_MSG_NEWSET: u16 = 9;
const NFT_MSG_NEWSETELEM: u16 = 12;
const NFT_MSG_DELSETELEM: u16 = 14;

const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_ACK: u16 = 0x4;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;
const NLM_F_APPEND: u16 = 0x800;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLA_F_NESTED: u16 = 0x8000;

/// Hooks (`NF_INET_*`).
pub const NF_INET_LOCAL_IN: u32 = 1;
pub const NF_INET_LOCAL_OUT: u32 = 3;

/// Registers: the verdict register and the two 128-bit data registers.
pub const NFT_REG_VERDICT: u32 = 0;
pub const NFT_REG_1: u32 = 1;
pub const NFT_REG_2: u32 = 2;

/// Payload bases.
pub const NFT_PAYLOAD_NETWORK_HEADER: u32 = 1;
pub const NFT_PAYLOAD_TRANSPORT_HEADER: u32 = 2;

/// Meta keys.
pub const NFT_META_IIF: u32 = 4;
pub const NFT_META_OIF: u32 = 5;
pub const NFT_META_IIFNAME: u32 = 6;
pub const NFT_META_OIFNAME: u32 = 7;
pub const NFT_META_L4PROTO: u32 = 16;
pub const NFT_META_OIFKIND: u32 = 27;

/// Set flags.
pub const NFT_SET_CONSTANT: u32 = 0x2;
pub const NFT_SET_MAP: u32 = 0x8;

/// nft's data types (its `datatypes.h`): they only tell `nft list` how to
/// show keys; concatenations shift each part by [`TYPE_BITS`].
pub const TYPE_IPADDR: u32 = 7;
pub const TYPE_IP6ADDR: u32 = 8;
pub const TYPE_IFINDEX: u32 = 20;
pub const TYPE_ICMPV6_TYPE: u32 = 29;
pub const TYPE_IFNAME: u32 = 41;
pub const TYPE_BITS: u32 = 6;

/// A verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Accept,
    Drop,
    Goto(String),
}

/// One rule expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Payload {
        base: u32,
        offset: u32,
        len: u32,
        dreg: u32,
    },
    Meta {
        key: u32,
        dreg: u32,
    },
    /// Equality with `data`.
    CmpEq {
        sreg: u32,
        data: Vec<u8>,
    },
    Bitwise {
        sreg: u32,
        dreg: u32,
        mask: Vec<u8>,
        xor: Vec<u8>,
    },
    Lookup {
        set: String,
        sreg: u32,
        /// For maps: where the value goes.
        dreg: Option<u32>,
        /// The set's id when it is created in the same batch.
        set_id: Option<u32>,
    },
    Dup {
        sreg_addr: u32,
        sreg_dev: u32,
    },
    Counter,
    Verdict(Verdict),
}

/// A set or map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetDef {
    pub name: String,
    pub key_type: u32,
    pub key_len: u32,
    pub flags: u32,
    /// Maps: the value's type and length.
    pub data: Option<(u32, u32)>,
    pub id: u32,
    /// Keys are addresses in network order (as nft records in the set's
    /// user data, so that `nft list` shows them right).
    pub key_big_endian: bool,
}

/// An element: the key, and for a map the value.
pub type Element = (Vec<u8>, Option<Vec<u8>>);

/// One message of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    NewTable {
        family: u8,
        table: String,
    },
    DelTable {
        family: u8,
        table: String,
    },
    /// A chain; `hook` = (hook number, priority) for a base chain with an
    /// accept policy.
    NewChain {
        family: u8,
        table: String,
        name: String,
        hook: Option<(u32, i32)>,
    },
    NewSet {
        family: u8,
        table: String,
        set: SetDef,
    },
    Elements {
        family: u8,
        table: String,
        set: String,
        set_id: Option<u32>,
        add: bool,
        /// Refuse elements already there (`NLM_F_EXCL`).
        exclusive: bool,
        elements: Vec<Element>,
    },
    /// A rule appended to `chain`.
    NewRule {
        family: u8,
        table: String,
        chain: String,
        exprs: Vec<Expr>,
    },
}

/// Netlink attributes being built.
#[derive(Default)]
struct Attrs(Vec<u8>);

impl Attrs {
    fn raw(&mut self, kind: u16, value: &[u8]) {
        let len = 4 + value.len();
        self.0.extend_from_slice(&(len as u16).to_ne_bytes());
        self.0.extend_from_slice(&kind.to_ne_bytes());
        self.0.extend_from_slice(value);
        self.pad();
    }

    fn pad(&mut self) {
        while !self.0.len().is_multiple_of(4) {
            self.0.push(0);
        }
    }

    fn str(&mut self, kind: u16, s: &str) {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        self.raw(kind, &v);
    }

    fn be32(&mut self, kind: u16, v: u32) {
        self.raw(kind, &v.to_be_bytes());
    }

    fn nest(&mut self, kind: u16, f: impl FnOnce(&mut Attrs)) {
        let mut inner = Attrs::default();
        f(&mut inner);
        self.raw(kind | NLA_F_NESTED, &inner.0);
    }

    /// `NFTA_DATA_VALUE` inside a nest.
    fn data(&mut self, kind: u16, value: &[u8]) {
        self.nest(kind, |a| a.raw(1, value));
    }
}

fn expr(a: &mut Attrs, e: &Expr) {
    const LIST_ELEM: u16 = 1;
    const EXPR_NAME: u16 = 1;
    const EXPR_DATA: u16 = 2;
    let name = match e {
        Expr::Payload { .. } => "payload",
        Expr::Meta { .. } => "meta",
        Expr::CmpEq { .. } => "cmp",
        Expr::Bitwise { .. } => "bitwise",
        Expr::Lookup { .. } => "lookup",
        Expr::Dup { .. } => "dup",
        Expr::Counter => "counter",
        Expr::Verdict(_) => "immediate",
    };
    a.nest(LIST_ELEM, |a| {
        a.str(EXPR_NAME, name);
        a.nest(EXPR_DATA, |d| match e {
            Expr::Payload {
                base,
                offset,
                len,
                dreg,
            } => {
                d.be32(1, *dreg);
                d.be32(2, *base);
                d.be32(3, *offset);
                d.be32(4, *len);
            }
            Expr::Meta { key, dreg } => {
                d.be32(2, *key);
                d.be32(1, *dreg);
            }
            Expr::CmpEq { sreg, data } => {
                d.be32(1, *sreg);
                d.be32(2, 0);
                d.data(3, data);
            }
            Expr::Bitwise {
                sreg,
                dreg,
                mask,
                xor,
            } => {
                d.be32(1, *sreg);
                d.be32(2, *dreg);
                d.be32(3, mask.len() as u32);
                d.data(4, mask);
                d.data(5, xor);
            }
            Expr::Lookup {
                set,
                sreg,
                dreg,
                set_id,
            } => {
                d.be32(2, *sreg);
                if let Some(r) = dreg {
                    d.be32(3, *r);
                }
                d.str(1, set);
                if let Some(id) = set_id {
                    d.be32(4, *id);
                }
            }
            Expr::Dup {
                sreg_addr,
                sreg_dev,
            } => {
                d.be32(1, *sreg_addr);
                d.be32(2, *sreg_dev);
            }
            Expr::Counter => {}
            Expr::Verdict(v) => {
                const NF_DROP: u32 = 0;
                const NF_ACCEPT: u32 = 1;
                const NFT_GOTO: i32 = -4;
                d.be32(1, NFT_REG_VERDICT);
                d.nest(2, |data| {
                    data.nest(2, |verdict| match v {
                        Verdict::Accept => verdict.be32(1, NF_ACCEPT),
                        Verdict::Drop => verdict.be32(1, NF_DROP),
                        Verdict::Goto(chain) => {
                            verdict.be32(1, NFT_GOTO as u32);
                            verdict.str(2, chain);
                        }
                    })
                });
            }
        });
    });
}

/// nftnl's set user data: the byte order of keys (and map values).
fn set_userdata(s: &SetDef) -> Vec<u8> {
    const BYTEORDER_HOST: u32 = 1;
    const BYTEORDER_BIG: u32 = 2;
    let key = if s.key_big_endian {
        BYTEORDER_BIG
    } else {
        BYTEORDER_HOST
    };
    let mut v = vec![0u8, 4];
    v.extend_from_slice(&key.to_ne_bytes());
    if s.data.is_some() {
        v.extend_from_slice(&[1, 4]);
        v.extend_from_slice(&BYTEORDER_HOST.to_ne_bytes());
    }
    v
}

impl Msg {
    /// Message type, family, extra flags and attributes.
    fn parts(&self) -> (u16, u8, u16, Vec<u8>) {
        let mut a = Attrs::default();
        let (kind, family, flags) = match self {
            Msg::NewTable { family, table } => {
                a.str(1, table);
                (NFT_MSG_NEWTABLE, *family, NLM_F_CREATE)
            }
            Msg::DelTable { family, table } => {
                a.str(1, table);
                (NFT_MSG_DELTABLE, *family, 0)
            }
            Msg::NewChain {
                family,
                table,
                name,
                hook,
            } => {
                a.str(1, table);
                a.str(3, name);
                if let Some((hooknum, prio)) = hook {
                    const NF_ACCEPT: u32 = 1;
                    a.nest(4, |h| {
                        h.be32(1, *hooknum);
                        h.be32(2, *prio as u32);
                    });
                    a.be32(5, NF_ACCEPT);
                    a.str(7, "filter");
                }
                (NFT_MSG_NEWCHAIN, *family, NLM_F_CREATE)
            }
            Msg::NewSet { family, table, set } => {
                a.str(1, table);
                a.str(2, &set.name);
                if set.flags != 0 {
                    a.be32(3, set.flags);
                }
                a.be32(4, set.key_type);
                a.be32(5, set.key_len);
                if let Some((ty, len)) = set.data {
                    a.be32(6, ty);
                    a.be32(7, len);
                }
                a.be32(10, set.id);
                a.raw(13, &set_userdata(set));
                (NFT_MSG_NEWSET, *family, NLM_F_CREATE)
            }
            Msg::Elements {
                family,
                table,
                set,
                set_id,
                add,
                exclusive,
                elements,
            } => {
                a.str(2, set);
                if let Some(id) = set_id {
                    a.be32(4, *id);
                }
                a.str(1, table);
                a.nest(3, |list| {
                    for (key, data) in elements {
                        list.nest(1, |e| {
                            e.data(1, key);
                            if let Some(d) = data {
                                e.data(2, d);
                            }
                        });
                    }
                });
                if *add {
                    let f = if *exclusive {
                        NLM_F_CREATE | NLM_F_EXCL
                    } else {
                        NLM_F_CREATE
                    };
                    (NFT_MSG_NEWSETELEM, *family, f)
                } else {
                    (NFT_MSG_DELSETELEM, *family, 0)
                }
            }
            Msg::NewRule {
                family,
                table,
                chain,
                exprs,
            } => {
                a.str(1, table);
                a.str(2, chain);
                a.nest(4, |list| {
                    for e in exprs {
                        expr(list, e);
                    }
                });
                (NFT_MSG_NEWRULE, *family, NLM_F_CREATE | NLM_F_APPEND)
            }
        };
        (kind, family, flags, a.0)
    }
}

/// Append one nfnetlink message to `buf`.
fn push_message(
    buf: &mut Vec<u8>,
    kind: u16,
    flags: u16,
    seq: u32,
    family: u8,
    res_id: u16,
    attrs: &[u8],
) {
    let len = 16 + 4 + attrs.len();
    buf.extend_from_slice(&(len as u32).to_ne_bytes());
    buf.extend_from_slice(&kind.to_ne_bytes());
    buf.extend_from_slice(&flags.to_ne_bytes());
    buf.extend_from_slice(&seq.to_ne_bytes());
    buf.extend_from_slice(&0u32.to_ne_bytes());
    buf.push(family);
    buf.push(0);
    buf.extend_from_slice(&res_id.to_be_bytes());
    buf.extend_from_slice(attrs);
}

/// The bytes of a batch: BEGIN, the messages (each asking for an
/// acknowledgement) with sequence numbers from `seq + 1`, END.
pub fn encode_batch(msgs: &[Msg], seq: u32) -> Vec<u8> {
    let mut buf = Vec::new();
    push_message(
        &mut buf,
        NFNL_MSG_BATCH_BEGIN,
        NLM_F_REQUEST,
        seq,
        0,
        NFNL_SUBSYS_NFTABLES,
        &[],
    );
    for (n, m) in msgs.iter().enumerate() {
        let (kind, family, flags, attrs) = m.parts();
        push_message(
            &mut buf,
            (NFNL_SUBSYS_NFTABLES << 8) | kind,
            NLM_F_REQUEST | NLM_F_ACK | flags,
            seq.wrapping_add(1 + n as u32),
            family,
            0,
            &attrs,
        );
    }
    push_message(
        &mut buf,
        NFNL_MSG_BATCH_END,
        NLM_F_REQUEST,
        seq.wrapping_add(1 + msgs.len() as u32),
        0,
        NFNL_SUBSYS_NFTABLES,
        &[],
    );
    buf
}

/// A failed message of a batch.
#[derive(Debug)]
pub struct BatchError {
    /// Which message (index into the batch).
    pub index: usize,
    pub error: io::Error,
}

/// A netfilter netlink socket.
#[derive(Debug)]
pub struct NfSocket {
    fd: OwnedFd,
    seq: u32,
    buf: Vec<u8>,
}

impl NfSocket {
    pub fn open() -> io::Result<NfSocket> {
        let fd = sock::socket(libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_NETFILTER)?;
        // SAFETY: sockaddr_nl is plain old data; zero is valid.
        let mut sa: libc::sockaddr_nl = unsafe { zeroed() };
        sa.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        sock::bind(&fd, &sa)?;
        let tv = libc::timeval {
            tv_sec: 10,
            tv_usec: 0,
        };
        sock::setsockopt(&fd, libc::SOL_SOCKET, libc::SO_RCVTIMEO, &tv)?;
        // Errors echo only the header (NETLINK_CAP_ACK).
        let _ = setsockopt_int(&fd, libc::SOL_NETLINK, 10, 1);
        // Sequence numbers start from the clock, as nft's do, so replies to
        // a previous run's socket cannot be taken for ours.
        // SAFETY: time(NULL) has no preconditions.
        let seq = unsafe { libc::time(std::ptr::null_mut()) } as u32;
        Ok(NfSocket {
            fd,
            seq,
            buf: vec![0; 65536],
        })
    }

    fn send(&self, bytes: &[u8]) -> io::Result<()> {
        // SAFETY: sockaddr_nl is plain old data; zero is the kernel.
        let mut kernel: libc::sockaddr_nl = unsafe { zeroed() };
        kernel.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        // SAFETY: `bytes` and `kernel` are live with the lengths passed.
        cvt_size(unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                bytes.as_ptr().cast(),
                bytes.len(),
                0,
                (&kernel as *const libc::sockaddr_nl).cast(),
                size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        })
        .map(drop)
    }

    fn recv(&mut self, dontwait: bool) -> io::Result<usize> {
        let flags = if dontwait { libc::MSG_DONTWAIT } else { 0 };
        // SAFETY: `buf` is valid for writes of its length.
        cvt_size(unsafe {
            libc::recv(
                self.fd.as_raw_fd(),
                self.buf.as_mut_ptr().cast(),
                self.buf.len(),
                flags,
            )
        })
    }

    /// Run the messages as one transaction. Every message is acknowledged;
    /// the first refusal is returned (the kernel then applies none of them).
    pub fn batch(&mut self, msgs: &[Msg]) -> Result<(), BatchError> {
        if msgs.is_empty() {
            return Ok(());
        }
        let first = self.seq.wrapping_add(1);
        let bytes = encode_batch(msgs, self.seq);
        self.seq = self.seq.wrapping_add(msgs.len() as u32 + 2);
        let whole = |error| BatchError { index: 0, error };
        self.send(&bytes).map_err(whole)?;
        let mut acked = 0usize;
        let mut failure: Option<BatchError> = None;
        while acked < msgs.len() {
            let n = match self.recv(failure.is_some()) {
                Ok(n) => n,
                Err(e) => {
                    return Err(failure.unwrap_or_else(|| whole(timeout(e))));
                }
            };
            for m in super::netlink::split_datagram(&self.buf[..n]) {
                if m.kind != NLMSG_ERROR {
                    continue;
                }
                let index = m.seq.wrapping_sub(first) as usize;
                if index >= msgs.len() {
                    continue;
                }
                acked += 1;
                let code = m.payload.get(..4).map_or(-libc::EPROTO, |b| {
                    i32::from_ne_bytes([b[0], b[1], b[2], b[3]])
                });
                if code != 0 && failure.is_none() {
                    failure = Some(BatchError {
                        index,
                        error: io::Error::from_raw_os_error(code.saturating_abs()),
                    });
                }
            }
        }
        match failure {
            Some(f) => Err(f),
            None => Ok(()),
        }
    }

    /// Whether table `name` of `family` exists.
    pub fn table_exists(&mut self, family: u8, name: &str) -> io::Result<bool> {
        let mut a = Attrs::default();
        a.str(1, name);
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let mut buf = Vec::new();
        push_message(
            &mut buf,
            (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE,
            NLM_F_REQUEST | NLM_F_ACK,
            seq,
            family,
            0,
            &a.0,
        );
        self.send(&buf)?;
        let mut found = false;
        loop {
            let n = self.recv(false).map_err(timeout)?;
            for m in super::netlink::split_datagram(&self.buf[..n]) {
                if m.seq != seq {
                    continue;
                }
                match m.kind {
                    NLMSG_ERROR | NLMSG_DONE => {
                        let code = m
                            .payload
                            .get(..4)
                            .map_or(0, |b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
                        return match code {
                            0 => Ok(found),
                            c if c == -libc::ENOENT => Ok(false),
                            c => Err(io::Error::from_raw_os_error(c.saturating_abs())),
                        };
                    }
                    _ => found = true,
                }
            }
        }
    }
}

fn timeout(e: io::Error) -> io::Error {
    if sock::would_block(&e) {
        io::Error::new(io::ErrorKind::TimedOut, "no answer from nf_tables")
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The NEWCHAIN keepalived 2.2.7 sends for `chain out { type filter
    /// hook output priority -1; policy accept; }`, as strace showed it.
    #[test]
    fn base_chain_matches_keepalived() {
        let m = Msg::NewChain {
            family: NFPROTO_IPV4,
            table: "keepalived".into(),
            name: "out".into(),
            hook: Some((NF_INET_LOCAL_OUT, -1)),
        };
        let (kind, family, flags, attrs) = m.parts();
        assert_eq!((kind, family, flags), (NFT_MSG_NEWCHAIN, 2, NLM_F_CREATE));
        let mut want = Vec::new();
        want.extend_from_slice(b"\x0f\x00\x01\x00keepalived\x00\x00");
        want.extend_from_slice(b"\x08\x00\x03\x00out\x00");
        want.extend_from_slice(
            b"\x14\x00\x04\x80\x08\x00\x01\x00\x00\x00\x00\x03\x08\x00\x02\x00\xff\xff\xff\xff",
        );
        want.extend_from_slice(b"\x08\x00\x05\x00\x00\x00\x00\x01");
        want.extend_from_slice(b"\x0b\x00\x07\x00filter\x00\x00");
        assert_eq!(attrs, want);
    }

    /// The vmac_map of keepalived 2.2.7 (strace): type, lengths, id and
    /// nftnl user data.
    #[test]
    fn map_matches_keepalived() {
        let m = Msg::NewSet {
            family: NFPROTO_IPV4,
            table: "keepalived".into(),
            set: SetDef {
                name: "vmac_map".into(),
                key_type: TYPE_IFINDEX,
                key_len: 4,
                flags: NFT_SET_MAP,
                data: Some((TYPE_IFINDEX, 4)),
                id: 1,
                key_big_endian: false,
            },
        };
        let (_, _, _, attrs) = m.parts();
        let tail: &[u8] = b"\x10\x00\x0d\x00\x00\x04\x01\x00\x00\x00\x01\x04\x01\x00\x00\x00";
        assert!(attrs.ends_with(tail), "{attrs:x?}");
        assert!(attrs
            .windows(8)
            .any(|w| w == b"\x08\x00\x03\x00\x00\x00\x00\x08"));
    }

    /// `ip saddr @vips drop`'s elements, as keepalived adds an address.
    #[test]
    fn elements_and_batch_framing() {
        let m = Msg::Elements {
            family: NFPROTO_IPV4,
            table: "keepalived".into(),
            set: "vips".into(),
            set_id: None,
            add: true,
            exclusive: true,
            elements: vec![(vec![10, 99, 0, 58], None)],
        };
        let (kind, _, flags, attrs) = m.parts();
        assert_eq!(kind, NFT_MSG_NEWSETELEM);
        assert_eq!(flags, NLM_F_CREATE | NLM_F_EXCL);
        assert!(attrs.ends_with(
            b"\x14\x00\x03\x80\x10\x00\x01\x80\x0c\x00\x01\x80\x08\x00\x01\x00\x0a\x63\x00\x3a"
        ));
        let b = encode_batch(&[m], 100);
        let parts = crate::sys::netlink::split_datagram(&b);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].kind, NFNL_MSG_BATCH_BEGIN);
        assert_eq!(parts[1].kind, (10 << 8) | NFT_MSG_NEWSETELEM);
        assert_eq!(parts[1].seq, 101);
        assert_eq!(parts[2].kind, NFNL_MSG_BATCH_END);
        assert_eq!(parts[2].seq, 102);
        // res_id of BEGIN/END is the nftables subsystem, big endian.
        assert_eq!(&parts[0].payload[2..4], &[0, 10]);
    }

    #[test]
    fn verdict_goto_carries_the_chain() {
        let mut a = Attrs::default();
        expr(
            &mut a,
            &Expr::Verdict(Verdict::Goto("in_link_local".into())),
        );
        let s = String::from_utf8_lossy(&a.0);
        assert!(s.contains("immediate"));
        assert!(s.contains("in_link_local"));
        assert!(a.0.windows(4).any(|w| w == (-4i32 as u32).to_be_bytes()));
    }
}
