//! The VRRP runtime: instances' state machines wired to their sockets and
//! to the kernel (addresses, gratuitous ARP/NA). The machines decide; this
//! module carries out their outputs and feeds them what arrives.

use super::dump::SentCounters;
use crate::sys::garp::LinkSender;
use crate::sys::netlink::{AddressSpec, Family, Monitor, NetEvent, Netlink};
use crate::sys::vrrp_socket::{Interface, Listen, VrrpRecvSocket, VrrpSendSocket};
use crate::track::{Status, TrackSet, TrackerKey};
use crate::vrrp::machine::{Input, Machine, Output, Params, State, Time};
use crate::vrrp::packet::{
    Advert, Auth, ChecksumMode, Ipv4Header, Version, WireInterval, IPPROTO_VRRP, VRRP_GROUP_V4,
    VRRP_GROUP_V6, VRRP_TTL,
};
use crate::vrrp::receive::{self, Counters, Expect, OldChecksum, Packet, Peer};
use std::io;
use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::{AsRawFd, RawFd};

/// One address an instance adds when it becomes master.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VipSpec {
    pub addr: IpAddr,
    pub prefix_len: u8,
    /// Another interface than the instance's.
    pub dev: Option<String>,
    pub broadcast: Option<Ipv4Addr>,
    pub label: Option<String>,
    pub scope: u8,
}

/// What the runtime needs to know about an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub params: Params,
    pub interface: String,
    pub ipv6: bool,
    pub vips: Vec<VipSpec>,
    pub excluded_vips: Vec<VipSpec>,
    /// `unicast_src_ip` / `mcast_src_ip`.
    pub src: Option<IpAddr>,
    pub peers: Vec<Peer>,
    pub unicast_ttl: Option<u8>,
    pub auth: Auth,
    pub mcast_group: Option<IpAddr>,
    pub check_unicast_src: bool,
    pub skip_check_adv_addr: bool,
}

impl Spec {
    fn unicast(&self) -> bool {
        !self.peers.is_empty()
    }
}

/// Instances with the same key share a receive socket.
fn socket_key(inst: &Instance) -> (u32, bool, Listen) {
    let listen = if inst.spec.unicast() {
        Listen::Unicast(inst.src)
    } else {
        Listen::Multicast(inst.spec.mcast_group.unwrap_or(if inst.spec.ipv6 {
            IpAddr::V6(VRRP_GROUP_V6)
        } else {
            IpAddr::V4(VRRP_GROUP_V4)
        }))
    };
    (inst.iface.index, inst.spec.ipv6, listen)
}

struct Instance {
    spec: Spec,
    machine: Machine,
    iface: Interface,
    mac: [u8; 6],
    /// Our advert source address.
    src: IpAddr,
    expect: Expect,
    counters: Counters,
    last_master: Option<IpAddr>,
    ip_id: u16,
    /// The interface's link state.
    up: bool,
    /// What the trackers say (interface link state is `up`, above).
    track: TrackSet,
    /// Sends and transitions, for the statistics dumps.
    sent: SentCounters,
    last_transition: Time,
}

impl Instance {
    /// Link up and no tracker in FAULT.
    fn healthy(&self) -> bool {
        self.up && !self.track.faulted()
    }

    fn effective_priority(&self) -> u8 {
        self.track.priority(self.spec.params.priority)
    }
}

/// A receive socket and the instances that listen on it.
struct RecvSock {
    sock: VrrpRecvSocket,
    ipv6: bool,
    members: Vec<usize>,
}

pub struct Runtime {
    instances: Vec<Instance>,
    recv: Vec<RecvSock>,
    send: Vec<(String, bool, VrrpSendSocket)>,
    nl: Netlink,
    monitor: Monitor,
    link: Option<LinkSender>,
    /// `-V`: leave addresses in place at exit.
    pub keep_addresses_on_exit: bool,
    /// When IPv6 forwarding was last checked per interface index, and the
    /// answer (shown in the data dump).
    forwarding_checks: Vec<(u32, Time, bool)>,
    /// When gratuitous ARPs (false) or NAs (true) were last sent per
    /// interface index (the data dump shows when the next may go).
    last_gratuitous: Vec<(u32, bool, Time)>,
    /// What the dump signals need besides the runtime; `None`: no dumps.
    pub dump_settings: Option<std::sync::Arc<super::dumps::Settings>>,
}

impl Runtime {
    pub fn new(specs: Vec<Spec>) -> io::Result<Runtime> {
        let mut nl = Netlink::open()?;
        let links = nl.links()?;
        let addrs = nl.addresses()?;
        let mut monitor = Monitor::open()?;
        monitor.resync(&links);
        let mut instances = Vec::new();
        for spec in specs {
            let iface = Interface::by_name(&spec.interface).map_err(|e| {
                io::Error::new(e.kind(), format!("interface {}: {e}", spec.interface))
            })?;
            let link = links.iter().find(|l| l.index == iface.index);
            let mac = link.and_then(|l| l.mac6()).unwrap_or([0; 6]);
            let up = link.is_some_and(|l| l.is_up());
            let primary = addrs
                .iter()
                .filter(|a| a.index == iface.index && a.addr.is_ipv6() == spec.ipv6)
                .map(|a| a.addr)
                .find(|a| match a {
                    IpAddr::V6(v6) => v6.segments()[0] & 0xffc0 == 0xfe80,
                    IpAddr::V4(_) => true,
                });
            let src = spec.src.or(primary).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!(
                        "({}) no source address on {}",
                        spec.params.name, spec.interface
                    ),
                )
            })?;
            let mut params = spec.params.clone();
            params.local_addr = src;
            let (auth_type, auth_data) = match spec.auth {
                Auth::None => (0, [0; 8]),
                Auth::Pass(d) => (1, d),
                Auth::Ah => (2, [0; 8]),
            };
            let expect = Expect {
                ipv6: spec.ipv6,
                version: params.version,
                vrid: params.vrid,
                advert_int: params.advert_int,
                auth_type,
                auth_data,
                vips: spec.vips.iter().map(|v| v.addr).collect(),
                unicast: spec.unicast(),
                check_unicast_src: spec.check_unicast_src,
                peers: spec.peers.clone(),
                skip_check_adv_addr: spec.skip_check_adv_addr,
                old_checksum: OldChecksum::Auto,
            };
            instances.push(Instance {
                machine: Machine::new(params),
                spec,
                iface,
                mac,
                src,
                expect,
                counters: Counters::default(),
                last_master: None,
                ip_id: 0,
                up,
                track: TrackSet::default(),
                sent: SentCounters::default(),
                last_transition: Time::default(),
            });
        }
        let mut rt = Runtime {
            instances,
            recv: Vec::new(),
            send: Vec::new(),
            nl,
            monitor,
            link: LinkSender::open().ok(),
            keep_addresses_on_exit: false,
            forwarding_checks: Vec::new(),
            last_gratuitous: Vec::new(),
            dump_settings: None,
        };
        rt.open_sockets()?;
        Ok(rt)
    }

    /// One receive socket per interface, family and group (or unicast
    /// source), shared by the instances on it; one send socket per
    /// interface and family.
    fn open_sockets(&mut self) -> io::Result<()> {
        for i in 0..self.instances.len() {
            let inst = &self.instances[i];
            let key = socket_key(inst);
            let existing = self.recv.iter().position(|r| {
                r.members
                    .first()
                    .is_some_and(|&m| socket_key(&self.instances[m]) == key)
            });
            let listen = key.2;
            match existing {
                Some(r) => self.recv[r].members.push(i),
                None => {
                    let sock = VrrpRecvSocket::open(Some(&inst.iface), IPPROTO_VRRP, listen, None)?;
                    self.recv.push(RecvSock {
                        sock,
                        ipv6: inst.spec.ipv6,
                        members: vec![i],
                    });
                }
            }
            let (name, v6) = (inst.iface.name.clone(), inst.spec.ipv6);
            if !self.send.iter().any(|(n, f, _)| *n == name && *f == v6) {
                let family = if v6 { Family::V6 } else { Family::V4 };
                let s = VrrpSendSocket::open(
                    family,
                    IPPROTO_VRRP,
                    Some(&inst.iface),
                    inst.spec.unicast(),
                )?;
                self.send.push((name, v6, s));
            }
        }
        Ok(())
    }

    /// The descriptors the event loop polls: the receive sockets, then the
    /// netlink monitor.
    pub fn fds(&self) -> Vec<RawFd> {
        let mut v: Vec<RawFd> = self.recv.iter().map(|r| r.sock.as_raw_fd()).collect();
        v.push(self.monitor.as_raw_fd());
        v
    }

    pub fn start(&mut self, now: Time) {
        for i in 0..self.instances.len() {
            self.instances[i].last_transition = now;
            let up = self.instances[i].healthy();
            let prio = self.instances[i].effective_priority();
            self.input(i, now, Input::Priority(prio));
            self.input(i, now, Input::Start { up });
        }
    }

    pub fn deadline(&self) -> Option<Time> {
        self.instances
            .iter()
            .filter_map(|i| i.machine.deadline())
            .min()
    }

    pub fn on_timers(&mut self, now: Time) {
        for i in 0..self.instances.len() {
            let mut guard = 0;
            while let Some(input) = self.instances[i].machine.due(now) {
                self.input(i, now, input);
                guard += 1;
                if guard > 16 {
                    break;
                }
            }
        }
    }

    /// Read everything waiting on receive socket `r`.
    pub fn on_readable(&mut self, r: usize, now: Time) {
        let mut buf = vec![0u8; 9000];
        loop {
            let Some(rs) = self.recv.get(r) else {
                return;
            };
            let meta = match rs.sock.recv(&mut buf) {
                Ok(m) => m,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) => {
                    log::warn!(target: "vrrp", "receive error: {e}");
                    return;
                }
            };
            if meta.truncated {
                continue;
            }
            let bytes = &buf[..meta.len];
            let ipv6 = rs.ipv6;
            let Some(vrid) = receive::vrid_of(ipv6, bytes) else {
                continue;
            };
            let members = rs.members.clone();
            let Some(i) = members
                .into_iter()
                .find(|&m| self.instances[m].spec.params.vrid == vrid)
            else {
                continue;
            };
            let inst = &mut self.instances[i];
            if matches!(
                inst.machine.state(),
                State::Fault | State::Init | State::Stop
            ) {
                continue;
            }
            let check_addresses =
                !inst.spec.skip_check_adv_addr || inst.last_master != Some(meta.src);
            let packet = Packet {
                bytes,
                src: meta.src,
                dst: meta.dst,
                ttl: meta.hop_limit,
            };
            let result =
                inst.counters
                    .count(receive::check(&inst.expect, &packet, check_addresses));
            match result {
                Ok(a) => {
                    if a.detected_old_checksum {
                        inst.expect.old_checksum = OldChecksum::Yes;
                        log::info!(target: "vrrp", "({}) Setting unicast VRRPv3 checksum to old version", inst.spec.params.name);
                    }
                    inst.last_master = Some(meta.src);
                    self.input(i, now, Input::Advert(a.advert));
                }
                Err(reason) => {
                    log::debug!(target: "vrrp", "({}) advert from {} dropped: {reason:?}", inst.spec.params.name, meta.src);
                }
            }
        }
    }

    /// Link and address changes.
    pub fn on_netlink(&mut self, now: Time) {
        let mut events = Vec::new();
        if let Err(e) = self.monitor.read_events(&mut events) {
            log::warn!(target: "vrrp", "netlink monitor: {e}");
        }
        for ev in events {
            match ev {
                NetEvent::LinkUp(l) | NetEvent::LinkDown(l) => {
                    let up = l.is_up();
                    for i in 0..self.instances.len() {
                        if self.instances[i].iface.index == l.index && self.instances[i].up != up {
                            let was = self.instances[i].healthy();
                            self.instances[i].up = up;
                            log::info!(target: "vrrp", "Netlink reports {} {}", l.name, if up { "up" } else { "down" });
                            if self.instances[i].healthy() != was {
                                self.input(i, now, Input::Up(!was));
                            }
                        }
                    }
                }
                NetEvent::Overrun => {
                    if let Ok(links) = self.nl.links() {
                        self.monitor.resync(&links);
                    }
                }
                _ => {}
            }
        }
    }

    /// A tracker's new verdict on instance `i`: the machine is told when
    /// the instance's health or effective priority changes.
    pub fn track_update(&mut self, i: usize, key: TrackerKey, status: Status, now: Time) {
        let inst = &mut self.instances[i];
        let (was_healthy, was_prio) = (inst.healthy(), inst.effective_priority());
        if !inst.track.set(key, status) {
            return;
        }
        let (healthy, prio) = (inst.healthy(), inst.effective_priority());
        if prio != was_prio {
            self.input(i, now, Input::Priority(prio));
        }
        if healthy != was_healthy {
            self.input(i, now, Input::Up(healthy));
        }
    }

    /// Orderly stop: masters send priority 0 and remove their addresses.
    pub fn stop(&mut self, now: Time) {
        for i in 0..self.instances.len() {
            self.input(i, now, Input::Stop);
        }
    }

    pub fn states(&self) -> Vec<(String, State)> {
        self.instances
            .iter()
            .map(|i| (i.spec.params.name.clone(), i.machine.state()))
            .collect()
    }

    fn input(&mut self, i: usize, now: Time, input: Input) {
        let mut out = Vec::new();
        let before = self.instances[i].machine.state();
        self.instances[i].machine.handle(now, input, &mut out);
        self.instances[i].count_transition(before, now);
        for o in out {
            self.apply(i, o);
        }
    }

    fn apply(&mut self, i: usize, o: Output) {
        match o {
            Output::SendAdvert { priority } => self.send_advert(i, priority),
            Output::AddAddresses => self.addresses(i, true),
            Output::RemoveAddresses => {
                if !(self.keep_addresses_on_exit
                    && self.instances[i].machine.state() == State::Stop)
                {
                    self.addresses(i, false);
                }
            }
            Output::Gratuitous { repeat } => self.gratuitous(i, repeat),
            Output::Notify(_) | Output::MasterRxLowerPri => {}
            Output::Log(msg) => log::info!(target: "vrrp", "{msg}"),
        }
    }

    fn send_advert(&mut self, i: usize, priority: u8) {
        let inst = &mut self.instances[i];
        // keepalived counts an advert once however many peers it goes to.
        inst.sent.advert_sent += 1;
        if priority == 0 {
            inst.sent.pri_zero_sent += 1;
        }
        let p = &inst.spec.params;
        let interval = match p.version {
            Version::V2 => WireInterval::Seconds((p.advert_int / 1_000_000).clamp(1, 255) as u8),
            Version::V3 => {
                WireInterval::Centiseconds((p.advert_int / 10_000).clamp(1, 4095) as u16)
            }
        };
        let advert = Advert {
            version: p.version,
            vrid: p.vrid,
            priority,
            interval,
            addrs: inst.spec.vips.iter().map(|v| v.addr).collect(),
            auth: if p.version == Version::V2 {
                inst.spec.auth
            } else {
                Auth::None
            },
        };
        let group = inst.spec.mcast_group.unwrap_or(if inst.spec.ipv6 {
            IpAddr::V6(VRRP_GROUP_V6)
        } else {
            IpAddr::V4(VRRP_GROUP_V4)
        });
        let dsts: Vec<IpAddr> = if inst.spec.unicast() {
            inst.spec.peers.iter().map(|p| p.addr).collect()
        } else {
            vec![group]
        };
        let Some((_, _, sock)) = self
            .send
            .iter()
            .find(|(n, v6, _)| *n == inst.iface.name && *v6 == inst.spec.ipv6)
        else {
            return;
        };
        for dst in dsts {
            let result = match (inst.src, dst) {
                (IpAddr::V4(src), IpAddr::V4(d)) => {
                    let mode = if p.version == Version::V3 {
                        let pseudo_dst = if inst.expect.old_checksum == OldChecksum::Yes {
                            IpAddr::V4(VRRP_GROUP_V4)
                        } else {
                            dst
                        };
                        ChecksumMode::Pseudo {
                            src: inst.src,
                            dst: pseudo_dst,
                        }
                    } else {
                        ChecksumMode::Plain
                    };
                    let pdu = advert.encode(mode);
                    inst.ip_id = inst.ip_id.wrapping_add(1).max(1);
                    let h = Ipv4Header {
                        tos: 0xc0,
                        id: inst.ip_id,
                        ttl: if inst.spec.unicast() {
                            inst.spec.unicast_ttl.unwrap_or(VRRP_TTL)
                        } else {
                            VRRP_TTL
                        },
                        protocol: IPPROTO_VRRP,
                        src,
                        dst: d,
                    };
                    let mut pkt = h.encode(pdu.len()).to_vec();
                    pkt.extend(pdu);
                    sock.send_v4(&pkt, d)
                }
                (IpAddr::V6(src), IpAddr::V6(d)) => {
                    let pdu = advert.encode(ChecksumMode::Plain);
                    sock.send_v6(&pdu, d, Some(src), inst.spec.unicast_ttl)
                }
                _ => continue,
            };
            if let Err(e) = result {
                log::warn!(target: "vrrp", "({}) advert to {dst}: {e}", p.name);
            }
        }
    }

    fn vip_spec(&self, iface: u32, v: &VipSpec) -> AddressSpec {
        let index = v
            .dev
            .as_ref()
            .and_then(|d| Interface::by_name(d).ok())
            .map_or(iface, |i| i.index);
        let mut a = AddressSpec::vip(index, v.addr, v.prefix_len);
        a.broadcast = v.broadcast;
        a.label = v.label.clone();
        a.scope = v.scope;
        a
    }

    fn addresses(&mut self, i: usize, add: bool) {
        let iface = self.instances[i].iface.index;
        let name = self.instances[i].spec.params.name.clone();
        let specs: Vec<AddressSpec> = self.instances[i]
            .spec
            .vips
            .iter()
            .chain(self.instances[i].spec.excluded_vips.iter())
            .map(|v| self.vip_spec(iface, v))
            .collect();
        for s in specs {
            let r = if add {
                self.nl.add_address(&s)
            } else {
                self.nl.del_address(&s)
            };
            match r {
                Ok(()) => {}
                Err(e) if add && e.raw_os_error() == Some(libc::EEXIST) => {}
                Err(e) if !add && e.raw_os_error() == Some(libc::EADDRNOTAVAIL) => {}
                Err(e) => {
                    log::warn!(target: "vrrp", "({name}) cannot {} {}/{}: {e}", if add { "add" } else { "remove" }, s.addr, s.prefix_len)
                }
            }
        }
    }

    fn gratuitous(&mut self, i: usize, repeat: u32) {
        let Some(link) = &self.link else {
            return;
        };
        let inst = &self.instances[i];
        let router = inst.spec.ipv6 && crate::sys::garp::ipv6_forwarding(&inst.iface.name);
        let now = Time(crate::sys::process::monotonic_micros());
        let index = inst.iface.index;
        if inst.spec.ipv6 {
            self.forwarding_checks.retain(|c| c.0 != index);
            self.forwarding_checks.push((index, now, router));
        }
        if repeat > 0 && !inst.spec.vips.is_empty() {
            let v6 = inst.spec.ipv6;
            self.last_gratuitous.retain(|g| (g.0, g.1) != (index, v6));
            self.last_gratuitous.push((index, v6, now));
        }
        for _ in 0..repeat {
            for v in &inst.spec.vips {
                let r = match v.addr {
                    IpAddr::V4(a) => link.send_garp(&inst.iface, inst.mac, a),
                    IpAddr::V6(a) => link.send_unsolicited_na(&inst.iface, inst.mac, a, router),
                };
                if let Err(e) = r {
                    log::debug!(target: "vrrp", "({}) gratuitous for {}: {e}", inst.spec.params.name, v.addr);
                }
            }
        }
    }
}

impl Instance {
    /// keepalived's become_master / release_master counters and
    /// last_transition, from a state change.
    fn count_transition(&mut self, before: State, now: Time) {
        let after = self.machine.state();
        if after == before {
            return;
        }
        self.last_transition = now;
        if after == State::Master {
            self.sent.become_master += 1;
        }
        if before == State::Master && matches!(after, State::Backup | State::Fault) {
            self.sent.release_master += 1;
        }
    }
}

/// The signal dumps' view of the runtime.
impl Runtime {
    /// The instances, sockets and interfaces now, for the dumps. Asks the
    /// kernel for the interfaces.
    pub fn snapshot(&mut self, clock: super::dump::Clock) -> super::dump::RuntimeView {
        use super::dump::{InstanceView, InterfaceView, SocketView, Stats};
        let instances = self
            .instances
            .iter()
            .enumerate()
            .map(|(i, inst)| {
                let m = &inst.machine;
                let fd_in = self
                    .recv
                    .iter()
                    .find(|r| r.members.contains(&i))
                    .map(|r| r.sock.as_raw_fd());
                let fd_out = self
                    .send
                    .iter()
                    .find(|(n, v6, _)| *n == inst.iface.name && *v6 == inst.spec.ipv6)
                    .map(|(_, _, s)| s.as_raw_fd());
                let state = m.state();
                InstanceView {
                    name: inst.spec.params.name.clone(),
                    state,
                    wantstate: state,
                    interface: Some(inst.iface.name.clone()),
                    src: Some(inst.src),
                    master_addr: m.master_addr,
                    master_priority: m.master_priority,
                    master_adver_int: m.master_advert_interval(),
                    last_transition: inst.last_transition,
                    timer: m.timer_deadline(),
                    ms_down_timer: m.master_down_timer(),
                    base_priority: m.base_priority(),
                    effective_priority: m.priority(),
                    total_priority: i64::from(m.base_priority()) + inst.track.weight_sum(),
                    vip_set: m.addresses_set(),
                    fds: fd_in.zip(fd_out),
                    faults: u32::from(!inst.up) + inst.track.faults().count() as u32,
                    track: inst.track.clone(),
                    old_checksum_detected: inst.expect.old_checksum == OldChecksum::Yes,
                    stats: Stats::new(&inst.counters, &inst.sent),
                }
            })
            .collect();
        let sockets = self
            .recv
            .iter()
            .filter_map(|r| {
                let first = &self.instances[*r.members.first()?];
                let fd_out = self
                    .send
                    .iter()
                    .find(|(n, v6, _)| *n == first.iface.name && *v6 == r.ipv6)
                    .map_or(-1, |(_, _, s)| s.as_raw_fd());
                Some(SocketView {
                    fd_in: r.sock.as_raw_fd(),
                    fd_out,
                    interface: first.iface.name.clone(),
                    ipv6: r.ipv6,
                    unicast_src: first.spec.unicast().then_some(first.src),
                    members: r
                        .members
                        .iter()
                        .map(|&m| {
                            let p = &self.instances[m].spec.params;
                            (p.name.clone(), p.vrid)
                        })
                        .collect(),
                })
            })
            .collect();
        // keepalived ignores its own virtual addresses and, for IPv6, all
        // but link-local ones.
        let ours: Vec<IpAddr> = self
            .instances
            .iter()
            .flat_map(|i| i.spec.vips.iter().chain(&i.spec.excluded_vips))
            .map(|v| v.addr)
            .collect();
        let links = self.nl.links().unwrap_or_default();
        let addrs = self.nl.addresses().unwrap_or_default();
        let interfaces = links
            .into_iter()
            .map(|l| {
                let mine = addrs
                    .iter()
                    .filter(|a| a.index == l.index && !ours.contains(&a.addr));
                InterfaceView {
                    index: l.index,
                    name: l.name.clone(),
                    flags: l.flags,
                    hw_type: l.hw_type,
                    mac: l.mac.clone(),
                    broadcast: l.broadcast.clone(),
                    mtu: l.mtu,
                    ipv4: mine
                        .clone()
                        .filter_map(|a| match a.addr {
                            IpAddr::V4(v4) => Some(v4),
                            IpAddr::V6(_) => None,
                        })
                        .collect(),
                    ipv6: mine
                        .filter_map(|a| match a.addr {
                            IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80 => Some(v6),
                            _ => None,
                        })
                        .collect(),
                    forwarding_check: self
                        .forwarding_checks
                        .iter()
                        .find(|c| c.0 == l.index)
                        .map(|c| (c.1, c.2)),
                    last_garp: self
                        .last_gratuitous
                        .iter()
                        .find(|g| g.0 == l.index && !g.1)
                        .map(|g| g.2),
                    last_na: self
                        .last_gratuitous
                        .iter()
                        .find(|g| g.0 == l.index && g.1)
                        .map(|g| g.2),
                }
            })
            .collect();
        super::dump::RuntimeView {
            clock,
            instances,
            sockets,
            interfaces,
        }
    }

    /// STATS_CLEAR: every instance's counters back to zero.
    pub fn clear_stats(&mut self) {
        for inst in &mut self.instances {
            inst.counters = Counters::default();
            inst.sent = SentCounters::default();
        }
    }
}
