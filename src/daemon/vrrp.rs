//! The VRRP runtime: instances' state machines wired to their sockets and
//! to the kernel (addresses, gratuitous ARP/NA). The machines decide; this
//! module carries out their outputs and feeds them what arrives.

use super::dump::SentCounters;
use super::firewall::FwAddr;
use super::kernel::{self, Kernel, KernelSpec, VmacPlan};
use crate::config::vrrp::route::Route;
use crate::sys::garp::LinkSender;
use crate::sys::netlink::{
    AddressSpec, Family, Link, Monitor, NetEvent, Netlink, RouteSpec, RuleSpec,
};
use crate::sys::vrrp_socket::{Interface, Listen, VrrpRecvSocket, VrrpSendSocket};
use crate::track::{Status, TrackSet, TrackerKey};
use crate::vrrp::ah::{self, SeqCounter};
use crate::vrrp::machine::{Input, Machine, Output, Params, State, Time};
use crate::vrrp::packet::{
    Advert, Auth, ChecksumMode, Ipv4Header, Version, WireInterval, IPPROTO_AH, IPPROTO_VRRP,
    VRRP_GROUP_V4, VRRP_GROUP_V6, VRRP_TTL,
};
use crate::vrrp::receive::{self, Counters, Expect, OldChecksum, Packet, Peer};
use std::io;
use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::{AsRawFd, RawFd};

mod scripts;
mod tracking;
pub use scripts::{
    FifoSpec, GroupNotify, InstanceNotify, ScriptCmd, ScriptsSpec, TrackedScript, VrrpScriptSpec,
};

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
    pub peer: Option<IpAddr>,
    /// `IFA_F_*` flags (IPv6 `nodad` unless `-nodad`, `noprefixroute`...).
    pub flags: u32,
    /// IPv6 preferred lifetime (0: deprecated).
    pub preferred_lft: Option<u32>,
    /// `no_track`.
    pub no_track: bool,
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
    /// `virtual_routes`: interfaces are looked up when they are added.
    pub routes: Vec<Route>,
    /// `virtual_rules`.
    pub rules: Vec<RuleSpec>,
    /// `use_vmac`.
    pub vmac: Option<VmacPlan>,
    /// Traffic to the addresses is accepted while master (`accept`, or the
    /// address owner); otherwise it is dropped by nftables.
    pub accept: bool,
    /// `dont_track_primary`.
    pub dont_track_primary: bool,
    /// `promote_secondaries`.
    pub promote_secondaries: bool,
}

impl Spec {
    fn unicast(&self) -> bool {
        !self.peers.is_empty()
    }
}

/// Instances with the same key share a receive socket.
fn socket_key(inst: &Instance) -> (u32, bool, Listen, u8) {
    let listen = if inst.spec.unicast() {
        Listen::Unicast(inst.src)
    } else {
        Listen::Multicast(inst.spec.mcast_group.unwrap_or(if inst.spec.ipv6 {
            IpAddr::V6(VRRP_GROUP_V6)
        } else {
            IpAddr::V4(VRRP_GROUP_V4)
        }))
    };
    (inst.net.index, inst.spec.ipv6, listen, inst.proto())
}

struct Instance {
    spec: Spec,
    machine: Machine,
    /// Where the addresses go: the configured interface, or the VMAC.
    iface: Interface,
    /// Where adverts are sent and received: `iface`, or with
    /// `vmac_xmit_base` the VMAC's parent.
    net: Interface,
    /// The configured interface, by name: it may go and come back.
    base: String,
    base_index: u32,
    /// The source address left with the interface; the next suitable
    /// address on it replaces it.
    src_stale: bool,
    /// The interface (or its parent) is gone; sockets wait for it.
    gone: bool,
    /// The source address came from the interface (not the configuration)
    /// and may be replaced when the interface's addresses change.
    src_from_iface: bool,
    /// The drop rules for the addresses are in place.
    fw_set: bool,
    /// The virtual routes and rules added, to remove the same ones.
    routes_set: Vec<RouteSpec>,
    rules_set: Vec<RuleSpec>,
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
    /// `auth_type AH`: the sequence counter (sending and anti-replay).
    ah_seq: SeqCounter,
    /// Sends and transitions, for the statistics dumps.
    sent: SentCounters,
    last_transition: Time,
}

impl Instance {
    fn set_src(&mut self, src: IpAddr) {
        self.src = src;
        self.machine.params.local_addr = src;
        self.src_stale = false;
    }

    /// What keepalived compares to decide that an instance of the new
    /// configuration is one of the old (vrrp_exist): VRID, family,
    /// interface, unicast or not (and then the source address), and the
    /// multicast group. The name does not count.
    fn identity(&self) -> (u8, bool, u32, Listen) {
        let (_, ipv6, listen, _) = socket_key(self);
        (self.spec.params.vrid, ipv6, self.base_index, listen)
    }

    /// Link up and no tracker in FAULT.
    fn healthy(&self) -> bool {
        self.up && !self.track.faulted()
    }

    fn effective_priority(&self) -> u8 {
        self.track.priority(self.spec.params.priority)
    }

    /// The IP protocol its adverts travel in: AH wraps VRRPv2 over IPv4.
    fn proto(&self) -> u8 {
        match self.spec.auth {
            Auth::Ah(_) if !self.spec.ipv6 && self.spec.params.version == Version::V2 => IPPROTO_AH,
            _ => IPPROTO_VRRP,
        }
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
    /// Routes, rules, statics, VMACs, nftables.
    kernel: Kernel,
    /// An interface came back: the sockets are to be opened again (and the
    /// event loop to register them).
    rebind: bool,
    /// Interfaces, trackers, sync groups, SMTP alerts (tracking.rs).
    tracking: tracking::Tracking,
    /// vrrp_script trackers, notify scripts and FIFOs.
    scripts: scripts::Scripts,
    /// When IPv6 forwarding was last checked per interface index, and the
    /// answer (shown in the data dump).
    forwarding_checks: Vec<(u32, Time, bool)>,
    /// When gratuitous ARPs (false) or NAs (true) were last sent per
    /// interface index (the data dump shows when the next may go).
    last_gratuitous: Vec<(u32, bool, Time)>,
    /// What the dump signals need besides the runtime; `None`: no dumps.
    pub dump_settings: Option<std::sync::Arc<super::dumps::Settings>>,
    /// `vrrp_startup_delay`: applied once, from [`Runtime::start`].
    pub startup_delay: std::time::Duration,
    /// The end of the startup delay; reloads keep it (as keepalived does).
    delayed_start: Option<Time>,
    /// vrrp_garp_interval / vrrp_gna_interval / garp_group pacing.
    garp_pacer: super::garp_pace::Pacer,
}

/// The address adverts are sent from: the first IPv4 address of the
/// interface, or its IPv6 link-local address.
fn primary_address(
    addrs: &[crate::sys::netlink::Address],
    index: u32,
    ipv6: bool,
) -> Option<IpAddr> {
    addrs
        .iter()
        .filter(|a| a.index == index && a.addr.is_ipv6() == ipv6)
        .map(|a| a.addr)
        .find(|a| match a {
            IpAddr::V6(v6) => v6.segments()[0] & 0xffc0 == 0xfe80,
            IpAddr::V4(_) => true,
        })
}

/// An instance in INIT for `spec`, bound to its interface (or the VMAC
/// made for it) as the kernel has it now.
fn build_instance(
    nl: &mut Netlink,
    kernel: &mut Kernel,
    links: &mut Vec<Link>,
    spec: Spec,
) -> io::Result<Instance> {
    let base_iface = Interface::by_name(&spec.interface)
        .map_err(|e| io::Error::new(e.kind(), format!("interface {}: {e}", spec.interface)))?;
    let base_link = links
        .iter()
        .find(|l| l.index == base_iface.index)
        .cloned()
        .unwrap_or_default();
    let (iface, net) = match &spec.vmac {
        Some(plan) => {
            let others = kernel.vmac_names();
            let (name, _) = kernel
                .setup_vmac(nl, plan, spec.params.vrid, &base_link, links, &others)
                .map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!(
                            "({}): Unable to create VMAC interface: {e}",
                            spec.params.name
                        ),
                    )
                })?;
            *links = nl.links()?;
            let vmac = Interface::by_name(&name)?;
            let net = if plan.xmit_base {
                base_iface.clone()
            } else {
                vmac.clone()
            };
            (vmac, net)
        }
        None => (base_iface.clone(), base_iface.clone()),
    };
    if spec.promote_secondaries {
        kernel.promote_secondaries(&iface.name);
    }
    let link = links.iter().find(|l| l.index == iface.index);
    let mac = link.and_then(|l| l.mac6()).unwrap_or([0; 6]);
    let up = link.is_some_and(|l| l.is_up());
    let addrs = nl.addresses()?;
    // The source is the configured interface's address (a VMAC
    // carries only VIPs, and for IPv6 the parent's link-local).
    let primary = primary_address(&addrs, base_iface.index, spec.ipv6);
    let src_from_iface = spec.src.is_none();
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
        Auth::Ah(k) => (2, k),
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
    Ok(Instance {
        machine: Machine::new(params),
        base: spec.interface.clone(),
        base_index: base_iface.index,
        src_stale: false,
        spec,
        iface,
        net,
        gone: false,
        src_from_iface,
        fw_set: false,
        routes_set: Vec::new(),
        rules_set: Vec::new(),
        mac,
        src,
        expect,
        counters: Counters::default(),
        last_master: None,
        ip_id: 0,
        up,
        track: TrackSet::default(),
        ah_seq: SeqCounter::default(),
        sent: SentCounters::default(),
        last_transition: Time::default(),
    })
}

impl Runtime {
    pub fn new(specs: Vec<Spec>) -> io::Result<Runtime> {
        Runtime::with_kernel(specs, KernelSpec::default())
    }

    /// The runtime with the global kernel settings: statics, nftables,
    /// VMAC naming.
    pub fn with_kernel(specs: Vec<Spec>, kspec: KernelSpec) -> io::Result<Runtime> {
        let mut nl = Netlink::open()?;
        let mut kernel = Kernel::new(kspec);
        // VMACs made before a failure are taken back.
        let built = (|| -> io::Result<(Vec<Instance>, Vec<Link>)> {
            let mut links = nl.links()?;
            let mut instances = Vec::new();
            for spec in specs {
                instances.push(build_instance(&mut nl, &mut kernel, &mut links, spec)?);
            }
            Ok((instances, links))
        })();
        let (instances, links) = match built {
            Ok(v) => v,
            Err(e) => {
                kernel.stop(&mut nl, false);
                return Err(e);
            }
        };
        // Subscribed only now, so that the VMACs made above are known
        // links rather than news.
        let mut monitor = match Monitor::open() {
            Ok(m) => m,
            Err(e) => {
                kernel.stop(&mut nl, false);
                return Err(e);
            }
        };
        monitor.resync(&links);
        let mut rt = Runtime {
            instances,
            recv: Vec::new(),
            send: Vec::new(),
            nl,
            monitor,
            link: LinkSender::open().ok(),
            keep_addresses_on_exit: false,
            kernel,
            rebind: false,
            tracking: tracking::Tracking::default(),
            scripts: scripts::Scripts::default(),
            forwarding_checks: Vec::new(),
            last_gratuitous: Vec::new(),
            dump_settings: None,
            startup_delay: std::time::Duration::ZERO,
            delayed_start: None,
            garp_pacer: super::garp_pace::Pacer::default(),
        };
        if let Err(e) = rt.open_sockets() {
            rt.kernel.stop(&mut rt.nl, false);
            return Err(e);
        }
        Ok(rt)
    }

    /// One receive socket per interface, family and group (or unicast
    /// source), shared by the instances on it; one send socket per
    /// interface and family.
    fn open_sockets(&mut self) -> io::Result<()> {
        for i in 0..self.instances.len() {
            let inst = &self.instances[i];
            if inst.gone {
                continue;
            }
            let key = socket_key(inst);
            let existing = self.recv.iter().position(|r| {
                r.members
                    .first()
                    .is_some_and(|&m| socket_key(&self.instances[m]) == key)
            });
            let (listen, proto) = (key.2, key.3);
            match existing {
                Some(r) => self.recv[r].members.push(i),
                None => {
                    let sock = VrrpRecvSocket::open(Some(&inst.net), proto, listen, None)?;
                    self.recv.push(RecvSock {
                        sock,
                        ipv6: inst.spec.ipv6,
                        members: vec![i],
                    });
                }
            }
            let (name, v6) = (inst.net.name.clone(), inst.spec.ipv6);
            if !self.send.iter().any(|(n, f, _)| *n == name && *f == v6) {
                let family = if v6 { Family::V6 } else { Family::V4 };
                let s = VrrpSendSocket::open(
                    family,
                    IPPROTO_VRRP,
                    Some(&inst.net),
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
        if !self.startup_delay.is_zero() {
            let us = u64::try_from(self.startup_delay.as_micros()).unwrap_or(u64::MAX);
            self.delayed_start = Some(now.plus(us));
            log::info!(target: "vrrp", "Delaying startup for {} seconds", self.startup_delay.as_secs_f64());
        }
        self.kernel.start(&mut self.nl);
        self.start_scripts(now);
        let ups = self.start_groups();
        for i in 0..self.instances.len() {
            if self.scripts.held(i) {
                // Starts with its weightless scripts' first results.
                continue;
            }
            self.instances[i].last_transition = now;
            let prio = self.instances[i].effective_priority();
            self.input(i, now, Input::Priority(prio));
        }
        // keepalived reports the instances in FAULT first.
        for want_up in [false, true] {
            for (i, &up) in ups.iter().enumerate() {
                if up == want_up && !self.scripts.held(i) {
                    self.input(i, now, Input::Start { up });
                }
            }
        }
    }

    pub fn deadline(&self) -> Option<Time> {
        self.instances
            .iter()
            .filter_map(|i| i.machine.deadline())
            .chain(self.tracker_deadline())
            .chain(self.scripts.deadline())
            .chain(self.garp_pacer.deadline())
            .min()
    }

    /// The limits on gratuitous ARP/NA rates, from the configuration.
    pub fn set_garp_pacing(&mut self, config: &crate::config::model::Config) {
        self.garp_pacer = super::garp_pace::Pacer::new(
            config.global.vrrp_garp_interval,
            config.global.vrrp_gna_interval,
            &config.vrrp.track.garp_groups,
        );
    }

    pub fn on_timers(&mut self, now: Time) {
        self.tracker_timers(now);
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
        self.script_timers(now);
        self.paced_gratuitous(now);
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
            let backup = inst.machine.state() == State::Backup;
            let result = inst.counters.count(receive::check(
                &inst.expect,
                &packet,
                check_addresses,
                &mut inst.ah_seq,
                backup,
            ));
            match result {
                Ok(a) => {
                    if a.detected_old_checksum {
                        inst.expect.old_checksum = OldChecksum::Yes;
                        log::info!(target: "vrrp", "({}) Setting unicast VRRPv3 checksum to old version", inst.spec.params.name);
                    }
                    inst.last_master = Some(meta.src);
                    self.input_ah(i, now, Input::Advert(a.advert), a.ah_seq);
                }
                Err(
                    reason @ (receive::Reject::AhBadIcv
                    | receive::Reject::AhBadSpi
                    | receive::Reject::AhReplayed),
                ) => log_ah(inst, bytes, meta.src, reason),
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
                    if up {
                        self.kernel.interface_up(&mut self.nl, l.index);
                    }
                    if self.tracking.configured {
                        self.link_changed(&l, now);
                        continue;
                    }
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
                        self.links_resynced(&links, now);
                    }
                }
                NetEvent::LinkDeleted(l) => {
                    self.link_deleted(&l, now);
                    if self.tracking.configured {
                        self.tracked_link_deleted(&l, now);
                    }
                }
                NetEvent::LinkAdded(l) => {
                    self.link_added(&l, now);
                    if self.tracking.configured {
                        self.link_changed(&l, now);
                    }
                }
                NetEvent::AddressAdded(a) => self.address_added(&a),
                NetEvent::AddressRemoved(a) => {
                    self.kernel
                        .address_removed(&mut self.nl, a.index, a.addr, a.prefix_len)
                }
                _ => {}
            }
        }
    }

    /// An interface went away: its instances go to FAULT (keepalived logs
    /// "Interface X deleted") and wait for it to come back.
    fn link_deleted(&mut self, l: &Link, now: Time) {
        log::info!(target: "vrrp", "Interface {} deleted", l.name);
        self.kernel.vmac_gone(l.index);
        for i in 0..self.instances.len() {
            let inst = &self.instances[i];
            let ours = inst.iface.index == l.index
                || inst.net.index == l.index
                || inst.base_index == l.index;
            if !ours || inst.gone {
                continue;
            }
            let was = inst.healthy();
            let inst = &mut self.instances[i];
            inst.gone = true;
            inst.up = false;
            inst.src_stale = inst.src_from_iface;
            // The kernel dropped the addresses, routes and rules with it.
            inst.routes_set.clear();
            if was {
                self.input(i, now, Input::Up(false));
            }
        }
        // A VMAC deleted under a parent that is still there is made again.
        for i in 0..self.instances.len() {
            if self.instances[i].gone && kernel::if_index(&self.instances[i].base).is_some() {
                self.revive(i, now);
            }
        }
    }

    /// An interface appeared: instances waiting for one of that name bind
    /// to it.
    fn link_added(&mut self, l: &Link, now: Time) {
        // Not for the VMACs we make ourselves.
        if !self.kernel.vmac_names().contains(&l.name) {
            log::info!(target: "vrrp", "Interface {} added", l.name);
        }
        for i in 0..self.instances.len() {
            if self.instances[i].gone && self.instances[i].base == l.name {
                self.revive(i, now);
            }
        }
    }

    /// Bind instance `i` to the current interface of its name (making its
    /// VMAC again if it has one); its sockets are reopened by
    /// [`Runtime::rebind`].
    fn revive(&mut self, i: usize, now: Time) {
        let base_name = self.instances[i].base.clone();
        let Ok(links) = self.nl.links() else {
            return;
        };
        let Some(base) = links.iter().find(|l| l.name == base_name).cloned() else {
            return;
        };
        let Ok(base_iface) = Interface::by_name(&base_name) else {
            return;
        };
        let (iface, net) = match self.instances[i].spec.vmac.clone() {
            Some(plan) => {
                let mut others = self.kernel.vmac_names();
                others.retain(|n| *n != self.instances[i].iface.name);
                let vrid = self.instances[i].spec.params.vrid;
                let made = self
                    .kernel
                    .setup_vmac(&mut self.nl, &plan, vrid, &base, &links, &others)
                    .and_then(|(name, _)| Interface::by_name(&name));
                let vmac = match made {
                    Ok(v) => v,
                    Err(e) => {
                        log::warn!(target: "vrrp", "({}): Unable to create VMAC interface: {e}", plan.instance);
                        return;
                    }
                };
                let net = if plan.xmit_base {
                    base_iface.clone()
                } else {
                    vmac.clone()
                };
                (vmac, net)
            }
            None => (base_iface.clone(), base_iface.clone()),
        };
        let links = self.nl.links().unwrap_or(links);
        let link = links.iter().find(|l| l.index == iface.index);
        let up = link.is_some_and(|l| l.is_up());
        let mac = link.and_then(|l| l.mac6()).unwrap_or([0; 6]);
        let addrs = self.nl.addresses().unwrap_or_default();
        let inst = &mut self.instances[i];
        if inst.src_from_iface {
            match primary_address(&addrs, base.index, inst.spec.ipv6) {
                Some(src) => inst.set_src(src),
                None => inst.src_stale = true,
            }
        }
        inst.iface = iface;
        inst.net = net;
        inst.base_index = base.index;
        inst.mac = mac;
        inst.gone = false;
        let was = inst.healthy();
        inst.up = up;
        self.rebind = true;
        if self.instances[i].healthy() != was {
            self.input(i, now, Input::Up(!was));
        }
    }

    /// A new address on an instance's interface may be its new source (an
    /// interface that came back gets a new IPv6 link-local address).
    fn address_added(&mut self, a: &crate::sys::netlink::Address) {
        for inst in &mut self.instances {
            if !inst.src_from_iface
                || inst.base_index != a.index
                || inst.spec.ipv6 != a.addr.is_ipv6()
            {
                continue;
            }
            let wanted = match a.addr {
                IpAddr::V6(v6) => v6.segments()[0] & 0xffc0 == 0xfe80,
                IpAddr::V4(_) => true,
            };
            if wanted && inst.src_stale {
                inst.set_src(a.addr);
            }
        }
    }

    /// Whether sockets must be reopened (an interface came back). The event
    /// loop then deregisters [`Runtime::fds`], calls [`Runtime::rebind`] and
    /// registers the new ones.
    pub fn needs_rebind(&self) -> bool {
        self.rebind
    }

    /// Reopen every socket for the current interfaces.
    pub fn rebind(&mut self) {
        self.rebind = false;
        self.recv.clear();
        self.send.clear();
        if let Err(e) = self.open_sockets() {
            log::warn!(target: "vrrp", "cannot open VRRP sockets: {e}");
        }
    }

    /// A tracker's new verdict on instance `i`: the machine is told when
    /// the instance's health or effective priority changes.
    pub fn track_update(&mut self, i: usize, key: TrackerKey, status: Status, now: Time) {
        let held = self.scripts.held(i);
        let inst = &mut self.instances[i];
        let (was_healthy, was_prio) = (inst.healthy(), inst.effective_priority());
        if !inst.track.set(key, status) || held {
            // A held instance takes its trackers' state when it starts.
            return;
        }
        let (healthy, prio) = (inst.healthy(), inst.effective_priority());
        if prio != was_prio {
            let before = self.instances[i].machine.priority();
            self.input(i, now, Input::Priority(prio));
            if self.instances[i].machine.priority() != before {
                self.notify_priority_change(i);
            }
        }
        if healthy != was_healthy {
            self.health_changed(i, now);
        }
    }

    /// SIGHUP with a configuration that passed its checks. Instances the
    /// new configuration keeps (same VRID, family, interface, unicast
    /// source and group, as keepalived matches them) keep their state: a
    /// master keeps advertising and only the addresses that were dropped or
    /// added change. Instances that are gone stop as at shutdown; new ones
    /// start. On an error before anything changed, the old set runs on.
    pub fn reload(
        &mut self,
        specs: Vec<Spec>,
        config: &crate::config::model::Config,
        now: Time,
    ) -> io::Result<()> {
        let mut links = self.nl.links()?;
        let mut fresh = Vec::new();
        for spec in specs {
            fresh.push(build_instance(
                &mut self.nl,
                &mut self.kernel,
                &mut links,
                spec,
            )?);
        }
        let mut taken = vec![false; self.instances.len()];
        let continues: Vec<Option<usize>> = fresh
            .iter()
            .map(|new| {
                let id = new.identity();
                let old = (0..self.instances.len())
                    .find(|&k| !taken[k] && self.instances[k].identity() == id);
                if let Some(k) = old {
                    taken[k] = true;
                }
                old
            })
            .collect();
        for (k, kept) in taken.iter().enumerate() {
            if !kept {
                log::info!(target: "vrrp", "({}) not in the new configuration - stopping", self.instances[k].spec.params.name);
                let was = self.instances[k].machine.state();
                self.scripts.muted = Some(k);
                self.input(k, now, Input::Stop);
                self.scripts.muted = None;
                self.notify_removed(k, was, now);
            }
        }
        let mut announce = vec![false; fresh.len()];
        // Routes, rules and firewall entries to set again after the swap.
        let mut redo = vec![(false, false, false); fresh.len()];
        for (n, new) in fresh.iter().enumerate() {
            let Some(k) = continues[n] else { continue };
            if self.instances[k].machine.state() != State::Master {
                continue;
            }
            let old_vips = self.all_vips(k);
            let new_vips: Vec<VipSpec> = new
                .spec
                .vips
                .iter()
                .chain(new.spec.excluded_vips.iter())
                .cloned()
                .collect();
            let gone: Vec<VipSpec> = old_vips
                .iter()
                .filter(|v| !new_vips.contains(v))
                .cloned()
                .collect();
            let added: Vec<VipSpec> = new_vips
                .iter()
                .filter(|v| !old_vips.contains(v))
                .cloned()
                .collect();
            let fw = self.instances[k].fw_set;
            let routes_changed = self.instances[k].spec.routes != new.spec.routes;
            let rules_changed = self.instances[k].spec.rules != new.spec.rules;
            if rules_changed {
                self.rules(k, false);
            }
            if routes_changed {
                self.routes(k, false);
            }
            if fw && (!gone.is_empty() || !added.is_empty()) {
                self.firewall(k, false);
            }
            self.change_addresses(k, &gone, false);
            self.change_addresses(k, &added, true);
            announce[n] = !added.is_empty();
            redo[n] = (
                routes_changed,
                rules_changed,
                fw && !self.instances[k].fw_set,
            );
        }
        let mut old: Vec<Option<Instance>> = std::mem::take(&mut self.instances)
            .into_iter()
            .map(Some)
            .collect();
        self.instances = fresh
            .into_iter()
            .zip(&continues)
            .map(|(mut new, k)| {
                if let Some(o) = k.and_then(|k| old[k].take()) {
                    let params = new.machine.params.clone();
                    new.machine = o.machine;
                    new.machine.reconfigure(params, now);
                    new.counters = o.counters;
                    new.track = o.track;
                    new.last_master = o.last_master;
                    new.ip_id = o.ip_id;
                    new.expect.old_checksum = o.expect.old_checksum;
                    new.ah_seq = o.ah_seq;
                    new.fw_set = o.fw_set;
                    new.routes_set = o.routes_set;
                    new.rules_set = o.rules_set;
                }
                new
            })
            .collect();
        self.recv.clear();
        self.send.clear();
        self.open_sockets()?;
        // Trackers start again from the new configuration (scripts run
        // again, files and processes are read again).
        if self.tracking.configured {
            for inst in &mut self.instances {
                inst.track = TrackSet::default();
            }
            self.configure_tracking(&super::track_plan::build(config), now);
        }
        let kept: Vec<bool> = continues.iter().map(Option::is_some).collect();
        self.reload_scripts(ScriptsSpec::from_config(config), &kept, now);
        // Instances are renumbered: what was queued is dropped.
        self.set_garp_pacing(config);
        for i in 0..self.instances.len() {
            let prio = self.instances[i].effective_priority();
            self.input(i, now, Input::Priority(prio));
            match continues[i] {
                Some(_) => {
                    let inst = &self.instances[i];
                    let healthy = inst.healthy();
                    let faulted = inst.machine.state() == State::Fault;
                    if healthy == faulted {
                        self.input(i, now, Input::Up(healthy));
                    }
                    if self.instances[i].machine.state() == State::Master {
                        let (routes, rules, fw) = redo[i];
                        if fw {
                            self.firewall(i, true);
                        }
                        if routes {
                            self.routes(i, true);
                        }
                        if rules {
                            self.rules(i, true);
                        }
                    }
                    if announce[i] && self.instances[i].machine.state() == State::Master {
                        let rep = self.instances[i].spec.params.garp_rep;
                        self.gratuitous(i, rep);
                    }
                }
                None if self.scripts.held(i) => {}
                None => {
                    let up = self.instances[i].healthy();
                    self.input(i, now, Input::Start { up });
                }
            }
        }
        log::info!(target: "vrrp", "Configuration reloaded: {} kept, {} new, {} stopped", continues.iter().flatten().count(), continues.iter().filter(|c| c.is_none()).count(), taken.iter().filter(|t| !**t).count());
        Ok(())
    }

    /// Orderly stop: masters send priority 0 and remove their addresses,
    /// routes and rules; then VMACs, nftables tables and static entries
    /// go.
    pub fn stop(&mut self, now: Time) {
        self.terminate_scripts(now);
        for i in 0..self.instances.len() {
            self.input(i, now, Input::Stop);
        }
        self.kernel.stop(&mut self.nl, self.keep_addresses_on_exit);
        self.stop_groups();
    }

    pub fn states(&self) -> Vec<(String, State)> {
        self.instances
            .iter()
            .map(|i| (i.spec.params.name.clone(), i.machine.state()))
            .collect()
    }

    fn input(&mut self, i: usize, now: Time, input: Input) {
        self.input_ah(i, now, input, None);
    }

    /// `ah_seq`: the AH sequence number of the advert being input. The AH
    /// counter follows the machine's decisions as 2.2.7's does: a master
    /// hearing a lower-priority master jumps past its number (before the
    /// advert it sends in reply), and a counter that cycled restarts when
    /// the instance becomes master.
    fn input_ah(&mut self, i: usize, now: Time, input: Input, ah_seq: Option<u32>) {
        self.sync_gate(i);
        let prev = self.instances[i].machine.state();
        let mut out = Vec::new();
        let inst = &mut self.instances[i];
        inst.machine.set_delayed_start(self.delayed_start);
        let was = inst.machine.state();
        inst.machine.handle(now, input, &mut out);
        let is = inst.machine.state();
        inst.count_transition(was, now);
        if let (Some(seq), State::Master) = (ah_seq, was) {
            if out.iter().any(|o| matches!(o, Output::MasterRxLowerPri)) {
                log::info!(target: "vrrp", "({}) IPSEC-AH : Syncing seq_num - Increment seq", inst.spec.params.name);
                inst.ah_seq.on_lower_priority_master(seq);
            } else if is != State::Master {
                inst.ah_seq.on_higher_priority_master();
            }
        }
        if is == State::Master && was != State::Master {
            inst.ah_seq.on_become_master();
        }
        for o in out {
            self.apply(i, o, now);
        }
        if matches!(input, Input::Timer | Input::Advert(_)) {
            self.after_protocol_input(i, prev, now);
        }
    }

    fn apply(&mut self, i: usize, o: Output, now: Time) {
        match o {
            Output::SendAdvert { priority } => self.send_advert(i, priority),
            Output::AddAddresses => {
                self.firewall(i, true);
                self.addresses(i, true);
                self.routes(i, true);
                self.rules(i, true);
            }
            Output::RemoveAddresses => {
                if !(self.keep_addresses_on_exit
                    && self.instances[i].machine.state() == State::Stop)
                {
                    self.rules(i, false);
                    self.routes(i, false);
                    self.addresses(i, false);
                    self.firewall(i, false);
                }
            }
            Output::Gratuitous { repeat } => self.gratuitous(i, repeat),
            Output::Notify(s) => {
                if self.on_notify(i, s) {
                    self.notify_instance(i, s, now);
                }
            }
            Output::MasterRxLowerPri => self.notify_rx_lower_pri(i, now),
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
            .find(|(n, v6, _)| *n == inst.net.name && *v6 == inst.spec.ipv6)
        else {
            return;
        };
        // One IP id and one AH number per advert, whatever the number of
        // unicast peers (as 2.2.7).
        inst.ip_id = inst.ip_id.wrapping_add(1).max(1);
        let ah_key = match inst.spec.auth {
            Auth::Ah(k) if inst.proto() == IPPROTO_AH => Some((k, inst.ah_seq.next_send())),
            _ => None,
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
                    let pkt = match ah_key {
                        Some((key, seq)) => ah::packet_v4(&h, seq, &pdu, &key, inst.spec.unicast()),
                        None => {
                            let mut pkt = h.encode(pdu.len()).to_vec();
                            pkt.extend(pdu);
                            pkt
                        }
                    };
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

    /// The address spec of a VIP of instance `i`. Without `dev` (or with
    /// the instance's own interface) it goes on the instance's interface:
    /// its VMAC if it has one and the family is the instance's, otherwise
    /// the configured interface (as keepalived places eVIPs of the other
    /// family).
    fn vip_spec(&self, i: usize, v: &VipSpec) -> AddressSpec {
        let inst = &self.instances[i];
        let own = inst.iface.index;
        let default = if inst.spec.vmac.is_some() && v.addr.is_ipv6() != inst.spec.ipv6 {
            inst.base_index
        } else {
            own
        };
        let index = match v.dev.as_deref() {
            None => default,
            Some(d) if d == inst.base => default,
            Some(d) => Interface::by_name(d).map_or(default, |i| i.index),
        };
        let mut a = AddressSpec::vip(index, v.addr, v.prefix_len);
        a.broadcast = v.broadcast;
        a.label = v.label.clone();
        a.scope = v.scope;
        a.peer = v.peer;
        a.flags = v.flags;
        a.preferred_lft = v.preferred_lft;
        a
    }

    /// Drop traffic to a non-owner master's addresses unless accept mode
    /// (keepalived's `vrrp_handle_accept_mode`).
    fn firewall(&mut self, i: usize, add: bool) {
        let inst = &self.instances[i];
        if inst.spec.accept || !self.kernel.has_firewall() || inst.fw_set == add {
            return;
        }
        let iface = inst.iface.index;
        let addrs: Vec<FwAddr> = inst
            .spec
            .vips
            .iter()
            .chain(inst.spec.excluded_vips.iter())
            .map(|v| {
                let s = self.vip_spec(i, v);
                let ifname = if s.ifindex == iface {
                    inst.iface.name.clone()
                } else {
                    v.dev.clone().unwrap_or_default()
                };
                FwAddr {
                    addr: v.addr,
                    ifindex: s.ifindex,
                    ifname,
                    by_name: inst.spec.dont_track_primary && (s.ifindex == iface || v.no_track),
                }
            })
            .collect();
        log::debug!(target: "vrrp", "({}) {} firewall drop rule", inst.spec.params.name, if add { "setting" } else { "removing" });
        self.instances[i].fw_set = add;
        self.kernel.firewall_addresses(&addrs, add);
    }

    /// Add the virtual routes (interfaces looked up now), or remove those
    /// added.
    fn routes(&mut self, i: usize, add: bool) {
        let name = self.instances[i].spec.params.name.clone();
        if add {
            if self.instances[i].spec.routes.is_empty() {
                return;
            }
            log::debug!(target: "vrrp", "({name}) setting Virtual Routes");
            let routes = self.instances[i].spec.routes.clone();
            for r in &routes {
                let nl = &mut self.nl;
                let spec =
                    kernel::route_spec(r, &mut kernel::if_index, &mut |v| kernel::vrf_table(nl, v));
                match spec {
                    Ok((s, mode)) => match self.nl.add_route_mode(&s, mode) {
                        Ok(()) => self.instances[i].routes_set.push(s),
                        Err(e) => {
                            log::warn!(target: "vrrp", "({name}) cannot add route {}: {e}", kernel::route_text(&s))
                        }
                    },
                    Err(dev) => {
                        log::warn!(target: "vrrp", "({name}) route: interface {dev} does not exist; the route is not added")
                    }
                }
            }
        } else {
            let set = std::mem::take(&mut self.instances[i].routes_set);
            if set.is_empty() {
                return;
            }
            log::debug!(target: "vrrp", "({name}) removing Virtual Routes");
            for s in set {
                match self.nl.del_route(&s) {
                    Ok(()) => {}
                    Err(e) if e.raw_os_error() == Some(libc::ESRCH) => {}
                    Err(e) => {
                        log::warn!(target: "vrrp", "({name}) cannot remove route {}: {e}", kernel::route_text(&s))
                    }
                }
            }
        }
    }

    fn rules(&mut self, i: usize, add: bool) {
        let name = self.instances[i].spec.params.name.clone();
        if add {
            if self.instances[i].spec.rules.is_empty() {
                return;
            }
            log::debug!(target: "vrrp", "({name}) setting Virtual Rules");
            for s in self.instances[i].spec.rules.clone() {
                match self.nl.add_rule(&s) {
                    Ok(()) => self.instances[i].rules_set.push(s),
                    Err(e) => log::warn!(target: "vrrp", "({name}) cannot add rule: {e}"),
                }
            }
        } else {
            let set = std::mem::take(&mut self.instances[i].rules_set);
            if set.is_empty() {
                return;
            }
            log::debug!(target: "vrrp", "({name}) removing Virtual Rules");
            for s in set {
                match self.nl.del_rule(&s) {
                    Ok(()) => {}
                    Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {}
                    Err(e) => log::warn!(target: "vrrp", "({name}) cannot remove rule: {e}"),
                }
            }
        }
    }

    /// Every address an instance adds as master: its VIPs and excluded VIPs.
    fn all_vips(&self, i: usize) -> Vec<VipSpec> {
        let spec = &self.instances[i].spec;
        spec.vips
            .iter()
            .chain(spec.excluded_vips.iter())
            .cloned()
            .collect()
    }

    fn addresses(&mut self, i: usize, add: bool) {
        let vips = self.all_vips(i);
        self.change_addresses(i, &vips, add);
    }

    fn change_addresses(&mut self, i: usize, vips: &[VipSpec], add: bool) {
        let name = self.instances[i].spec.params.name.clone();
        let specs: Vec<AddressSpec> = vips.iter().map(|v| self.vip_spec(i, v)).collect();
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
                // The interface went away, and its addresses with it.
                Err(e) if !add && e.raw_os_error() == Some(libc::ENODEV) => {}
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
            for (pos, v) in inst.spec.vips.iter().enumerate() {
                // Limits belong to the base interface (a VMAC's parent).
                if !self.garp_pacer.offer(now, i, pos, &inst.base, v.addr) {
                    continue;
                }
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

impl Runtime {
    /// Sends the gratuitous ARPs/NAs whose interface is free again, for
    /// instances still master with their addresses set.
    fn paced_gratuitous(&mut self, now: Time) {
        let instances = &self.instances;
        let due = self.garp_pacer.due(now, |i| {
            instances
                .get(i)
                .is_some_and(|x| x.machine.state() == State::Master && x.machine.addresses_set())
        });
        let Some(link) = &self.link else {
            return;
        };
        for p in due {
            let inst = &self.instances[p.instance];
            let r = match p.addr {
                IpAddr::V4(a) => link.send_garp(&inst.iface, inst.mac, a),
                IpAddr::V6(a) => {
                    let router = crate::sys::garp::ipv6_forwarding(&inst.iface.name);
                    link.send_unsolicited_na(&inst.iface, inst.mac, a, router)
                }
            };
            if let Err(e) = r {
                log::debug!(target: "vrrp", "({}) gratuitous for {}: {e}", inst.spec.params.name, p.addr);
            }
        }
    }
}

/// keepalived's log lines for AH authentication failures.
fn log_ah(inst: &Instance, bytes: &[u8], src: IpAddr, reason: receive::Reject) {
    let name = &inst.spec.params.name;
    match reason {
        receive::Reject::AhBadIcv => {
            log::info!(target: "vrrp", "({name}) IPSEC-AH : invalid IPSEC HMAC-MD5 value. Due to fields mutation or bad password !")
        }
        receive::Reject::AhBadSpi => {
            log::info!(target: "vrrp", "IPSEC AH : invalid IPSEC SPI value from {src}")
        }
        _ => {
            let ihl = usize::from(bytes.first().map_or(0, |b| b & 0x0f)) * 4;
            let seq = ah::AhHeader::decode(bytes.get(ihl..).unwrap_or(&[])).map_or(0, |h| h.seq);
            log::info!(target: "vrrp", "({name}) IPSEC-AH : sequence number {seq} already processed. Packet dropped. Local({})", inst.ah_seq.seq);
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
