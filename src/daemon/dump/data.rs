//! `keepalived.data` (keepalived's `dump_data_vrrp`) and
//! `keepalived_parent.data`.

use super::global::{global, Process};
use super::text::{
    cmd_str, ctime19_us, ctime_then_us, ctime_us, fmt_g, format_ipaddress, mac, timeval,
    true_false, w, yes_no, Out,
};
use super::{InstanceView, InterfaceView, Snapshot};
use crate::config::global::model::Global;
use crate::config::script::Script;
use crate::config::vrrp::instance::{
    AuthType, Family, Instance, TrackedObject, UnicastChecksumCompat, VrrpVersion,
};
use crate::config::vrrp::track::SyncGroup;
use crate::vrrp::machine::State;

/// keepalived's VRRP_NOT_TRACK_IF: the weight of an unwatched interface.
const NOT_TRACK_IF: i32 = 255;

/// `keepalived_parent.data`: the parent only has the global definitions.
pub fn parent_data(s: &Snapshot) -> String {
    let mut o = Out::new();
    global(
        &mut o,
        &s.config.global,
        Process::Parent,
        s.umask,
        s.default_script_user,
        &s.config.vrrp.instances.list,
    );
    o.s
}

/// `keepalived.data`.
pub fn data(s: &Snapshot) -> String {
    let mut o = Out::new();
    let g = &s.config.global;
    let v = &s.config.vrrp;
    global(
        &mut o,
        g,
        Process::Vrrp,
        s.umask,
        s.default_script_user,
        &v.instances.list,
    );
    let delays = garp_delays(s);
    if !delays.is_empty() {
        w!(o, "------< Gratuitous ARP delays >------");
        for d in &delays {
            garp_delay(&mut o, s, d);
        }
    }
    if !v.statics.addresses.is_empty() {
        w!(o, "------< Static Addresses >------");
        for a in &v.statics.addresses {
            let dev = a.dev.as_deref().unwrap_or(g.default_interface_name());
            w!(o, "     {}", format_ipaddress(a, dev, false));
        }
    }
    if !v.track.track_groups.is_empty() {
        w!(o, "------< Static Track groups >------");
        for tg in &v.track.track_groups {
            w!(o, " Static Track Group = {}", tg.name);
            if !tg.instances.is_empty() {
                w!(o, "   VRRP member instances :");
                for &i in &tg.instances {
                    if let Some(inst) = v.instances.list.get(i) {
                        w!(o, "     {}", inst.name);
                    }
                }
            }
        }
    }
    if !v.instances.list.is_empty() {
        w!(o, "------< VRRP Topology >------");
        for inst in &v.instances.list {
            instance(&mut o, s, inst);
        }
    }
    if !s.run.sockets.is_empty() {
        w!(o, "------< VRRP Sockpool >------");
        for sock in &s.run.sockets {
            w!(o, " fd_in {} fd_out = {}", sock.fd_in, sock.fd_out);
            w!(o, "   Interface = {}", sock.interface);
            w!(o, "   Family = {}", if sock.ipv6 { "IPv6" } else { "IPv4" });
            let ah = sock.members.iter().any(|(name, _)| {
                s.config
                    .vrrp
                    .instances
                    .get(name)
                    .is_some_and(|i| matches!(auth(i, version(g, i)), Some((AuthType::Ah, _))))
            });
            w!(o, "   Protocol = {}", if ah { "AH" } else { "VRRP" });
            w!(
                o,
                "   Type = {}",
                if sock.unicast_src.is_some() {
                    "Unicast"
                } else {
                    "Multicast"
                }
            );
            if let Some(a) = sock.unicast_src {
                let a = o.sockaddr(Some(a));
                w!(o, "   Address = {a}");
            }
            w!(
                o,
                "   Rx buf size = {}",
                rx_buf_size(s, &sock.members, &sock.interface)
            );
            w!(o, "   VRRP instances");
            let mut members = sock.members.clone();
            members.sort_by_key(|m| m.1);
            for (name, vrid) in members {
                w!(o, "     {name} vrid {vrid}");
            }
        }
    }
    if !v.track.sync_groups.is_empty() {
        w!(o, "------< VRRP Sync groups >------");
        for sg in &v.track.sync_groups {
            sync_group(&mut o, s, sg);
        }
    }
    scripts(&mut o, s);
    track_files(&mut o, s);
    track_processes(&mut o, s);
    if !s.run.interfaces.is_empty() {
        w!(o, "------< Interfaces >------");
        for ifv in &s.run.interfaces {
            interface(&mut o, s, ifv, &delays);
        }
    }
    o.s
}

fn state_str(st: State) -> &'static str {
    match st {
        State::Init => "INIT",
        State::Backup => "BACKUP",
        State::Master => "MASTER",
        State::Fault => "FAULT",
        State::Stop => "unknown",
    }
}

fn reverse(r: bool) -> &'static str {
    if r {
        " reverse"
    } else {
        ""
    }
}

fn version(g: &Global, inst: &Instance) -> VrrpVersion {
    let dflt = if g.vrrp_version == 3 {
        VrrpVersion::V3
    } else {
        VrrpVersion::V2
    };
    inst.version(dflt)
}

fn strict(g: &Global, inst: &Instance) -> bool {
    inst.strict_mode.unwrap_or(g.vrrp_strict)
}

/// The instance's sync group, if it joined one.
fn sync_group_of<'a>(s: &'a Snapshot, idx: usize) -> Option<&'a SyncGroup> {
    s.config
        .vrrp
        .track
        .sync_groups
        .iter()
        .find(|g| g.instances.contains(&idx))
}

/// The authentication an instance really uses: VRRPv2 with a password.
fn auth(inst: &Instance, ver: VrrpVersion) -> Option<(AuthType, [u8; 8])> {
    let a = inst.auth.as_ref()?;
    if ver != VrrpVersion::V2 || a.password.is_empty() {
        return None;
    }
    a.kind.map(|k| (k, a.password.0))
}

fn password_text(p: &[u8; 8]) -> String {
    let end = p.iter().position(|&b| b == 0).unwrap_or(8);
    String::from_utf8_lossy(&p[..end]).into_owned()
}

fn notify_line(o: &mut Out, kind: &str, sc: &Option<Script>) {
    if let Some(sc) = sc {
        w!(
            o,
            "   {kind} state transition script = {}, uid:gid {}:{}",
            cmd_str(sc),
            sc.uid,
            sc.gid
        );
    }
}

fn tracked(o: &mut Out, title: &str, list: &[TrackedObject], sep: &str) {
    if list.is_empty() {
        return;
    }
    w!(o, "   {title} :");
    for t in list {
        w!(
            o,
            "     {}{sep} weight {}{}",
            t.name,
            t.weight.value,
            reverse(t.weight.reverse)
        );
    }
}

fn instance(o: &mut Out, s: &Snapshot, inst: &Instance) {
    let g = &s.config.global;
    let idx = s
        .config
        .vrrp
        .instances
        .list
        .iter()
        .position(|i| std::ptr::eq(i, inst))
        .unwrap_or(0);
    let run = s.instance(&inst.name);
    let ver = version(g, inst);
    let v6 = inst.family() == Family::V6;
    let strict = strict(g, inst);
    let state = run.map_or(State::Init, |r| r.state);
    let clock = &s.run.clock;

    w!(o, " VRRP Instance = {}", inst.name);
    w!(o, "   VRRP Version = {}", ver.number());
    if let Some(sg) = sync_group_of(s, idx) {
        w!(o, "   Sync group = {}", sg.name);
    }
    if v6 {
        w!(o, "   Using Native IPv6");
    }
    w!(o, "   State = {}", state_str(state));
    if state == State::Backup {
        let master = o.sockaddr(run.and_then(|r| r.master_addr));
        w!(o, "   Master router = {master}");
        w!(
            o,
            "   Master priority = {}",
            run.map_or(0, |r| r.master_priority)
        );
        if ver == VrrpVersion::V3 {
            w!(
                o,
                "   Master advert int = {:.2} sec",
                run.map_or(0, |r| r.master_adver_int) as f64 / 1e6
            );
        }
    }
    let extra_family = inst.excluded_vips.iter().any(|a| a.addr.is_ipv6() != v6);
    let flags = inst.unicast_configured
        || inst.unicast
        || inst.unicast_fault_no_peer
        || inst.dont_track_primary
        || inst.linkbeat_use_polling
        || inst.skip_check_adv_addr
        || inst.src_ip.is_some()
        || inst.track_src_ip
        || inst.check_unicast_src
        || inst.promote_secondaries
        || extra_family
        || inst.nopreempt
        || inst.vmac.is_some()
        || inst.vmac_addr
        || inst.vmac_xmit_base
        || inst.ipvlan.is_some()
        || inst.garp_extra_if.is_some_and(|x| x.all_interfaces);
    if flags {
        w!(o, "   Flags:");
        if inst.unicast {
            w!(o, "     Using unicast");
        } else if inst.unicast_configured {
            w!(
                o,
                "     Unicast config option specified but using multicast"
            );
        }
        if inst.unicast_fault_no_peer {
            w!(o, "     If unicast go to fault state if no peers");
        }
    } else {
        w!(o, "   Flags: none");
    }
    w!(
        o,
        "   Wantstate = {}",
        state_str(run.map_or(State::Init, |r| r.wantstate))
    );
    w!(
        o,
        "   Number of config faults = {}",
        u32::from(inst.config_fault)
    );
    w!(
        o,
        "   Number of interface and track script faults = {}",
        run.map_or(0, |r| r.faults)
    );
    w!(o, "   Number of track scripts init = 0");
    let lt = clock.wall(run.map_or(clock.mono, |r| r.last_transition));
    w!(
        o,
        "   Last transition = {} ({})",
        timeval(lt),
        ctime_us(clock, lt)
    );
    match run.and_then(|r| r.timer) {
        Some(t) => {
            let t = clock.wall(t);
            w!(
                o,
                "   Read timeout = {} ({})",
                timeval(t),
                ctime_us(clock, t)
            );
        }
        None => w!(o, "   Read timeout = DISABLED"),
    }
    w!(
        o,
        "   Master down timer = {} usecs",
        run.map_or(0, |r| r.ms_down_timer)
    );
    let ifname = run
        .and_then(|r| r.interface.clone())
        .or_else(|| inst.interface.clone());
    w!(
        o,
        "   Interface = {}",
        ifname.as_deref().unwrap_or("not configured")
    );
    if inst.dont_track_primary {
        w!(o, "   VRRP interface tracking disabled");
    }
    if inst.skip_check_adv_addr {
        w!(o, "   Skip checking advert IP addresses");
    }
    if strict {
        w!(o, "   Enforcing strict VRRP compliance");
    }
    let src = run.and_then(|r| r.src).or(inst.src_ip);
    let src_text = match src {
        Some(a) => o.sockaddr(Some(a)),
        None => "(none)".into(),
    };
    w!(
        o,
        "   Using src_ip = {src_text}{}",
        if inst.src_ip.is_some() {
            " (from configuration)"
        } else {
            ""
        }
    );
    if !inst.unicast {
        let group = o.sockaddr(Some(inst.multicast_group()));
        if v6 {
            let index = ifname
                .as_deref()
                .and_then(|n| s.run.interfaces.iter().find(|i| i.name == n))
                .map_or(0, |i| i.index);
            w!(o, "   Multicast address {group}, ifindex {index}");
        } else {
            w!(o, "   Multicast address {group}");
        }
    }
    let gp = &inst.garp;
    let secs =
        |d: Option<std::time::Duration>, dflt: std::time::Duration| d.unwrap_or(dflt).as_secs();
    w!(
        o,
        "   Gratuitous ARP delay = {}",
        secs(gp.master_delay, g.vrrp_garp_master_delay)
    );
    w!(
        o,
        "   Gratuitous ARP repeat = {}",
        gp.master_repeat.unwrap_or(g.vrrp_garp_master_repeat)
    );
    w!(
        o,
        "   Gratuitous ARP refresh = {}",
        secs(gp.master_refresh, g.vrrp_garp_master_refresh)
    );
    w!(
        o,
        "   Gratuitous ARP refresh repeat = {}",
        gp.master_refresh_repeat
            .unwrap_or(g.vrrp_garp_master_refresh_repeat)
    );
    // Completion fills these in; 0 in strict mode.
    let (lp_delay, lp_rep) = if strict {
        (0, 0)
    } else {
        (
            g.garp_lower_prio_delay().as_secs(),
            g.garp_lower_prio_repeat(),
        )
    };
    w!(
        o,
        "   Gratuitous ARP lower priority delay = {}",
        gp.lower_prio_delay.map_or(lp_delay, |d| d.as_secs())
    );
    w!(
        o,
        "   Gratuitous ARP lower priority repeat = {}",
        gp.lower_prio_repeat.unwrap_or(lp_rep)
    );
    w!(
        o,
        "   Down timer adverts = {}",
        inst.down_timer_adverts.unwrap_or(g.vrrp_down_timer_adverts)
    );
    let extra = inst
        .garp_extra_if
        .map(|x| (x.interval, x.all_interfaces))
        .or(g.vrrp_garp_extra_if.map(|d| (d, g.vrrp_garp_extra_if_all)));
    if let Some((d, all)) = extra {
        if d.as_secs() > 0 {
            w!(
                o,
                "   Gratuitous ARP for each secondary {} = {}",
                if all { "i/f" } else { "VMAC" },
                d.as_secs()
            );
            let zero = 0;
            w!(
                o,
                "   Next gratuitous ARP for such secondary = {} ({})",
                timeval(zero),
                ctime19_us(clock, zero)
            );
        }
    }
    let lower_no_advert = inst
        .lower_prio_no_advert
        .unwrap_or(g.vrrp_lower_prio_no_advert || strict);
    let higher_send = inst
        .higher_prio_send_advert
        .unwrap_or(g.vrrp_higher_prio_send_advert && !strict);
    w!(
        o,
        "   Send advert after receive lower priority advert = {}",
        true_false(!lower_no_advert)
    );
    w!(
        o,
        "   Send advert after receive higher priority advert = {}",
        true_false(higher_send)
    );
    w!(
        o,
        "   Virtual Router ID = {}",
        inst.vrid.map_or(0, |v| v.get())
    );
    let base = run.map_or(inst.priority().get(), |r| r.base_priority);
    w!(o, "   Priority = {base}");
    w!(
        o,
        "   Effective priority = {}",
        run.map_or(base, |r| r.effective_priority)
    );
    w!(
        o,
        "   Total priority = {}",
        run.map_or(i64::from(base), |r| r.total_priority)
    );
    let adv = inst.advert_interval().duration();
    match ver {
        VrrpVersion::V2 => w!(o, "   Advert interval = {} sec", adv.as_secs()),
        VrrpVersion::V3 => w!(o, "   Advert interval = {} milli-sec", adv.as_millis()),
    }
    if state == State::Backup && ver == VrrpVersion::V3 {
        w!(
            o,
            "   Master advert interval = {} milli-sec",
            run.map_or(0, |r| r.master_adver_int) / 1000
        );
    }
    let owner = base == 255;
    w!(
        o,
        "   Accept = {}",
        if inst.accept.unwrap_or(!strict) || owner {
            "enabled"
        } else {
            "disabled"
        }
    );
    w!(
        o,
        "   Preempt = {}",
        if inst.nopreempt {
            "disabled"
        } else {
            "enabled"
        }
    );
    if !inst.preempt_delay.is_zero() {
        w!(
            o,
            "   Preempt delay = {} secs",
            fmt_g(inst.preempt_delay.as_secs_f64())
        );
    }
    w!(
        o,
        "   Promote_secondaries = {}",
        if inst.promote_secondaries {
            "enabled"
        } else {
            "disabled"
        }
    );
    match auth(inst, ver) {
        Some((AuthType::Ah, _)) => w!(o, "   Authentication type = IPSEC_AH"),
        Some((AuthType::Pass, p)) => {
            w!(o, "   Authentication type = SIMPLE_PASSWORD");
            w!(o, "   Password = {}", password_text(&p));
        }
        None if ver == VrrpVersion::V2 => w!(o, "   Authentication type = none"),
        None => {}
    }
    if let Some(n) = inst.kernel_rx_buf_size {
        w!(o, "   Kernel rx buffer size = {n}");
    }
    if inst.debug > 0 {
        w!(o, "   Debug level = {}", inst.debug);
    }
    let dev = ifname.as_deref().unwrap_or("");
    let set = run.is_some_and(|r| r.vip_set);
    if !inst.vips.is_empty() {
        w!(o, "   Virtual IP ({}):", inst.vips.len());
        for a in &inst.vips {
            let d = a.dev.as_deref().unwrap_or(dev);
            w!(o, "     {}", format_ipaddress(a, d, set));
        }
    }
    if !inst.excluded_vips.is_empty() {
        w!(o, "   Virtual IP Excluded :");
        for a in &inst.excluded_vips {
            let d = a.dev.as_deref().unwrap_or(dev);
            w!(o, "     {}", format_ipaddress(a, d, set));
        }
    }
    if inst.unicast {
        if let Some(t) = inst.effective_unicast_ttl() {
            w!(o, "   Unicast TTL = {t}");
        }
        w!(
            o,
            "   Check unicast src : {}",
            yes_no(inst.check_unicast_src)
        );
        w!(o, "   Unicast Peer :");
        for p in &inst.unicast_peers {
            let a = o.sockaddr(Some(p.addr));
            w!(o, "     {a} min_ttl {} max_ttl {}", p.min_ttl, p.max_ttl);
        }
        let compat = match inst.old_unicast_checksum {
            Some(UnicastChecksumCompat::Never) => "never",
            Some(UnicastChecksumCompat::Old) => "config",
            None if run.is_some_and(|r| r.old_checksum_detected) => "auto",
            None => "no",
        };
        w!(o, "   Unicast checksum compatibility = {compat}");
    }
    match run.and_then(|r| r.fds) {
        Some((i, out)) => w!(o, "   fd_in {i}, fd_out {out}"),
        None => w!(o, "   No sockets allocated"),
    }
    let own = ifname.as_deref();
    let ifs: Vec<_> = inst
        .track_interfaces
        .iter()
        .filter(|t| Some(t.name.as_str()) != own)
        .collect();
    if !ifs.is_empty() {
        w!(o, "   Tracked interfaces :");
        for t in ifs {
            w!(
                o,
                "     {} weight {}{}",
                t.name,
                t.weight.value,
                reverse(t.weight.reverse)
            );
        }
    }
    tracked(o, "Tracked scripts", &inst.track_scripts, "");
    tracked(o, "Tracked files", &inst.track_files, ",");
    tracked(o, "Tracked processes", &inst.track_processes, ",");
    tracked(o, "Tracked BFDs", &inst.track_bfds, ":");
    w!(
        o,
        "   Using smtp notification = {}",
        yes_no(smtp_alert(g, inst.smtp_alert))
    );
    w!(
        o,
        "   Notify deleted = {}",
        if inst.notify_deleted {
            "Deleted"
        } else {
            "Fault"
        }
    );
    let n = &inst.notify;
    notify_line(o, "Backup", &n.backup);
    notify_line(o, "Master", &n.master);
    notify_line(o, "Fault", &n.fault);
    notify_line(o, "Stop", &n.stop);
    notify_line(o, "Deleted", &n.deleted);
    notify_line(o, "Generic", &n.generic);
    notify_line(o, "Master rx lower pri", &n.master_rx_lower_pri);
    let npc = inst
        .notify_priority_changes
        .or_else(|| sync_group_of(s, idx).and_then(|sg| sg.notify_priority_changes))
        .unwrap_or(g.vrrp_notify_priority_changes);
    w!(o, "   Notify priority changes = {}", true_false(npc));
}

/// The smtp_alert default chain: own setting, global smtp_alert_vrrp,
/// global smtp_alert, off.
fn smtp_alert(g: &Global, own: Option<bool>) -> bool {
    own.or(g.smtp_alert_vrrp).or(g.smtp_alert).unwrap_or(false)
}

fn sync_group(o: &mut Out, s: &Snapshot, sg: &SyncGroup) {
    let g = &s.config.global;
    let members: Vec<&Instance> = sg
        .instances
        .iter()
        .filter_map(|&i| s.config.vrrp.instances.list.get(i))
        .collect();
    let states: Vec<State> = members
        .iter()
        .map(|m| s.instance(&m.name).map_or(State::Init, |r| r.state))
        .collect();
    // The group's state: FAULT if a member is, else that of its members.
    let state = if states.contains(&State::Fault) {
        State::Fault
    } else {
        states.first().copied().unwrap_or(State::Init)
    };
    w!(o, " VRRP Sync Group = {}, {}", sg.name, state_str(state));
    w!(
        o,
        "   Num member fault {}, num member init {}",
        states.iter().filter(|&&x| x == State::Fault).count(),
        states.iter().filter(|&&x| x == State::Init).count()
    );
    if !members.is_empty() {
        w!(o, "   VRRP member instances :");
        for m in &members {
            w!(o, "     {}", m.name);
        }
    }
    if sg.tracking_weight {
        w!(o, "   sync group tracking weight set");
    }
    w!(
        o,
        "   Using smtp notification = {}",
        yes_no(smtp_alert(g, sg.smtp_alert))
    );
    if let Some(n) = sg.notify_priority_changes {
        w!(o, "   Notify priority changes = {}", yes_no(n));
    }
    if !sg.track_interfaces.is_empty() {
        w!(o, "   Tracked interfaces :");
        for t in &sg.track_interfaces {
            w!(
                o,
                "     {} weight {}{}",
                t.name,
                t.weight.value,
                reverse(t.weight.reverse)
            );
        }
    }
    tracked(o, "Tracked scripts", &sg.track_scripts, "");
    tracked(o, "Tracked files", &sg.track_files, ",");
    tracked(o, "Tracked process", &sg.track_processes, ",");
    tracked(o, "Tracked BFDs", &sg.track_bfds, ":");
    notify_line(o, "Backup", &sg.notify_backup);
    notify_line(o, "Master", &sg.notify_master);
    notify_line(o, "Fault", &sg.notify_fault);
    notify_line(o, "Stop", &sg.notify_stop);
    notify_line(o, "Generic", &sg.notify);
}

/// The instances that track an object, in keepalived's order: direct
/// trackers first, then members of the sync groups that track it.
fn trackers<'a>(
    s: &'a Snapshot,
    direct: impl Fn(&'a Instance) -> &'a [TrackedObject],
    group: impl Fn(&'a SyncGroup) -> &'a [TrackedObject],
    name: &str,
) -> Vec<(&'a Instance, i32, bool)> {
    let list = &s.config.vrrp.instances.list;
    let mut out: Vec<(&Instance, i32, bool)> = Vec::new();
    for inst in list {
        if let Some(t) = direct(inst).iter().find(|t| t.name == name) {
            out.push((inst, t.weight.value, t.weight.reverse));
        }
    }
    for sg in &s.config.vrrp.track.sync_groups {
        if let Some(t) = group(sg).iter().find(|t| t.name == name) {
            for &i in &sg.instances {
                let Some(inst) = list.get(i) else { continue };
                if out.iter().any(|(x, _, _)| std::ptr::eq(*x, inst)) {
                    continue;
                }
                out.push((inst, t.weight.value, t.weight.reverse));
            }
        }
    }
    out
}

fn tracking_list(o: &mut Out, list: &[(&Instance, i32, bool)]) {
    if list.is_empty() {
        return;
    }
    w!(o, "   Tracking instances :");
    for (inst, weight, rev) in list {
        w!(o, "     {}, weight {weight}{}", inst.name, reverse(*rev));
    }
}

/// Whether a tracked object is good, from what an instance's trackers
/// report: nothing reported yet counts as good (nothing is failing).
fn script_good(s: &Snapshot, name: &str, users: &[(&Instance, i32, bool)]) -> bool {
    use crate::track::{Status, TrackerKey};
    let key = TrackerKey::Script(name.to_string());
    for (inst, weight, rev) in users {
        let Some(st) = s.instance(&inst.name).and_then(|r| r.track.get(&key)) else {
            continue;
        };
        // A weight applies while the script succeeds if positive, while it
        // fails if negative; `reverse` swaps that.
        let applies_on_success = (*weight > 0) != *rev;
        return match st {
            Status::Fault => false,
            Status::Weight(_) => applies_on_success,
            Status::Ok => *weight == 0 || !applies_on_success,
        };
    }
    true
}

fn scripts(o: &mut Out, s: &Snapshot) {
    let used: Vec<_> = s
        .config
        .vrrp
        .track
        .scripts
        .iter()
        .map(|sc| {
            let users = trackers(s, |i| &i.track_scripts, |g| &g.track_scripts, &sc.name);
            (sc, users)
        })
        // keepalived drops the scripts nothing tracks.
        .filter(|(sc, users)| !users.is_empty() && sc.script.is_some())
        .collect();
    if used.is_empty() {
        return;
    }
    w!(o, "------< VRRP Scripts >------");
    for (sc, users) in used {
        let Some(script) = &sc.script else { continue };
        w!(o, " VRRP Script = {}", sc.name);
        w!(o, "   Command = {}", cmd_str(script));
        w!(o, "   Interval = {} sec", sc.interval.as_secs());
        w!(
            o,
            "   Timeout = {} sec",
            sc.timeout.map_or(0, |t| t.as_secs())
        );
        w!(o, "   Weight = {}{}", sc.weight, reverse(sc.weight_reverse));
        w!(o, "   Rise = {}", sc.rise);
        w!(o, "   Fall = {}", sc.fall);
        let good = script_good(s, &sc.name, &users);
        let result = if good { sc.rise + sc.fall - 1 } else { 0 };
        w!(o, "   Result = {result}");
        w!(o, "   Insecure = {}", yes_no(sc.insecure));
        w!(o, "   Init state = unknown");
        w!(o, "   Status = {}", if good { "GOOD" } else { "BAD" });
        w!(o, "   Script uid:gid = {}:{}", script.uid, script.gid);
        w!(o, "   VRRP instances :");
        tracking_list(o, &users);
        w!(o, "   State = idle");
    }
}

fn track_files(o: &mut Out, s: &Snapshot) {
    // Like scripts, the files nothing tracks are dropped.
    let files: Vec<_> = s
        .config
        .vrrp
        .track
        .files
        .iter()
        .map(|f| {
            let users = trackers(s, |i| &i.track_files, |g| &g.track_files, &f.name);
            (f, users)
        })
        .filter(|(_, users)| !users.is_empty())
        .collect();
    if files.is_empty() {
        return;
    }
    w!(o, "------< VRRP Track files >------");
    for (f, users) in files {
        w!(o, " Track file = {}", f.name);
        w!(o, "   File = {}", f.path.as_deref().unwrap_or(""));
        w!(o, "   Status = {}", f.init.map_or(0, |i| i.value));
        w!(o, "   Weight = {}{}", f.weight, reverse(f.weight_reverse));
        tracking_list(o, &users);
    }
}

/// keepalived's socket receive buffer size: per member instance, its
/// kernel_rx_buf_size, else what vrrp_rx_bufs_policy asks for.
fn rx_buf_size(s: &Snapshot, members: &[(String, u8)], ifname: &str) -> u64 {
    use crate::config::global::model::RxBufsPolicy;
    let g = &s.config.global;
    let mult = u64::from(g.vrrp_rx_bufs_multiplier);
    let mtu = s
        .run
        .interfaces
        .iter()
        .find(|i| i.name == ifname)
        .map_or(0, |i| u64::from(i.mtu));
    members
        .iter()
        .filter_map(|(name, _)| s.config.vrrp.instances.get(name))
        .map(|inst| {
            if let Some(n) = inst.kernel_rx_buf_size {
                return u64::from(n);
            }
            match g.vrrp_rx_bufs_policy {
                RxBufsPolicy::Default => 0,
                RxBufsPolicy::Size(n) => u64::from(n),
                RxBufsPolicy::Mtu => mult * mtu,
                RxBufsPolicy::Advert => mult * advert_len(g, inst) as u64,
            }
        })
        .sum()
}

/// keepalived's `vrrp_adv_len`: an advert's size with its IPv4 header.
fn advert_len(g: &Global, inst: &Instance) -> usize {
    let v6 = inst.family() == Family::V6;
    let ver = version(g, inst);
    let mut len = 8;
    if v6 {
        len += 16 * inst.vips.len();
    } else {
        len += 4 * inst.vips.len() + 20;
        if ver == VrrpVersion::V2 {
            len += 8;
        }
        if matches!(auth(inst, ver), Some((AuthType::Ah, _))) {
            len += 24;
        }
    }
    len
}

fn track_processes(o: &mut Out, s: &Snapshot) {
    use crate::config::vrrp::track_process::ParamMatch;
    let procs = &s.config.vrrp.track.processes;
    if procs.is_empty() {
        return;
    }
    w!(o, "------< VRRP Track processes >------");
    for p in procs {
        w!(o, " VRRP Track process = {}", p.name);
        w!(o, "   Process = {}", p.process.as_deref().unwrap_or(""));
        if !p.params.is_empty() {
            w!(o, "   Parameters = {}", p.params.join(" "));
        }
        match p.param_match {
            ParamMatch::Unset => {}
            ParamMatch::Exact => w!(o, "   Param match"),
            ParamMatch::Partial => w!(o, "   Param match = partial"),
            ParamMatch::Initial => w!(o, "   Param match = initial"),
        }
        w!(o, "   Min processes = {}", p.quorum);
        if p.quorum_max < u32::MAX {
            w!(o, "   Max processes = {}", p.quorum_max);
        }
        w!(o, "   Current processes = 0");
        w!(o, "   Have quorum = false");
        w!(o, "   Weight = {}{}", p.weight, reverse(p.weight_reverse));
        w!(
            o,
            "   Terminate delay = {:.6}s",
            p.terminate_delay.as_secs_f64()
        );
        w!(o, "   Fork delay = {:.6}s", p.fork_delay.as_secs_f64());
        w!(o, "   Fork delay timer not running");
        w!(o, "   Terminate delay timer not running");
        w!(o, "   Full command = {}", true_false(p.full_command));
        let users = trackers(s, |i| &i.track_processes, |g| &g.track_processes, &p.name);
        tracking_list(o, &users);
    }
}

/// A gratuitous ARP rate limit and the interfaces it applies to.
struct Delay {
    group: u32,
    garp: Option<std::time::Duration>,
    gna: Option<std::time::Duration>,
    interfaces: Vec<String>,
}

/// keepalived's garp_delay list: the garp_group blocks, then, when global
/// intervals are set, one per interface an instance uses that has none.
fn garp_delays(s: &Snapshot) -> Vec<Delay> {
    let g = &s.config.global;
    let mut out: Vec<Delay> = s
        .config
        .vrrp
        .track
        .garp_groups
        .iter()
        .map(|gg| Delay {
            group: gg.aggregation_group,
            garp: gg.garp_interval,
            gna: gg.gna_interval,
            interfaces: gg.interfaces.clone(),
        })
        .collect();
    if g.vrrp_garp_interval.is_zero() && g.vrrp_gna_interval.is_zero() {
        return out;
    }
    let nz = |d: std::time::Duration| (!d.is_zero()).then_some(d);
    for inst in &s.config.vrrp.instances.list {
        let Some(own) = inst.interface.clone() else {
            continue;
        };
        let vip_ifs = inst
            .vips
            .iter()
            .chain(&inst.excluded_vips)
            .map(|a| a.dev.clone().unwrap_or_else(|| own.clone()));
        for ifname in std::iter::once(own.clone()).chain(vip_ifs) {
            if out.iter().any(|d| d.interfaces.contains(&ifname)) {
                continue;
            }
            out.push(Delay {
                group: 0,
                garp: nz(g.vrrp_garp_interval),
                gna: nz(g.vrrp_gna_interval),
                interfaces: vec![ifname],
            });
        }
    }
    out
}

fn garp_delay(o: &mut Out, s: &Snapshot, d: &Delay) {
    let clock = &s.run.clock;
    w!(o, "------< GARP delay group {} >------", d.group);
    // The next send may go one interval after the last one on any of the
    // group's interfaces; the epoch when nothing was sent.
    let next = |last: fn(&InterfaceView) -> Option<crate::vrrp::machine::Time>,
                interval: std::time::Duration| {
        s.run
            .interfaces
            .iter()
            .filter(|i| d.interfaces.contains(&i.name))
            .filter_map(last)
            .max()
            .map_or(0, |t| clock.wall(t) + interval.as_micros() as i64)
    };
    if let Some(i) = d.garp {
        let t = next(|v| v.last_garp, i);
        w!(o, " GARP interval = {}", fmt_g(i.as_secs_f64()));
        w!(
            o,
            " GARP next time {} ({})",
            timeval(t),
            ctime19_us(clock, t)
        );
    }
    if let Some(i) = d.gna {
        let t = next(|v| v.last_na, i);
        w!(o, " GNA interval = {}", fmt_g(i.as_secs_f64()));
        w!(
            o,
            " GNA next time {} ({})",
            timeval(t),
            ctime19_us(clock, t)
        );
    } else if d.garp.is_none() {
        w!(o, " No configuration");
    }
    w!(o, " Interfaces");
    // keepalived walks its interface list.
    for ifv in &s.run.interfaces {
        if d.interfaces.contains(&ifv.name) {
            w!(o, "  {}", ifv.name);
        }
    }
}

/// The instances an interface's state matters to, with their weights, in
/// keepalived's order (`add_vrrp_to_interface`).
fn interface_trackers<'a>(s: &'a Snapshot, ifname: &str) -> Vec<(&'a Instance, i32, bool)> {
    let list = &s.config.vrrp.instances.list;
    let mut out: Vec<(&Instance, i32, bool)> = Vec::new();
    let mut add = |inst: &'a Instance, weight: i32, rev: bool| {
        if let Some(e) = out.iter_mut().find(|(x, _, _)| std::ptr::eq(*x, inst)) {
            if e.1 != 0 && weight != NOT_TRACK_IF {
                e.1 = weight;
                e.2 = rev;
            }
        } else {
            out.push((inst, weight, rev));
        }
    };
    for inst in list {
        let Some(own) = inst.interface.as_deref() else {
            continue;
        };
        for t in &inst.track_interfaces {
            if t.name == ifname && t.name != own {
                add(inst, t.weight.value, t.weight.reverse);
            }
        }
        if own == ifname {
            let w = if inst.dont_track_primary {
                NOT_TRACK_IF
            } else {
                0
            };
            add(inst, w, false);
        }
    }
    for inst in list {
        let Some(own) = inst.interface.as_deref() else {
            continue;
        };
        for a in inst.vips.iter().chain(&inst.excluded_vips) {
            let dev = a.dev.as_deref().unwrap_or(own);
            let ignored = a.no_track || (inst.dont_track_primary && dev == own);
            if dev == ifname && !ignored {
                add(inst, 0, false);
            }
        }
    }
    for sg in &s.config.vrrp.track.sync_groups {
        for t in &sg.track_interfaces {
            if t.name != ifname {
                continue;
            }
            for &i in &sg.instances {
                if let Some(inst) = list.get(i) {
                    add(inst, t.weight.value, t.weight.reverse);
                }
            }
        }
    }
    out
}

fn interface(o: &mut Out, s: &Snapshot, i: &InterfaceView, delays: &[Delay]) {
    let clock = &s.run.clock;
    let g = &s.config.global;
    w!(o, " Name = {}", i.name);
    w!(
        o,
        "   index = {}{}",
        i.index,
        if i.index == 0 { " (deleted)" } else { "" }
    );
    match i.ipv4.first() {
        Some(a) => w!(o, "   IPv4 address = {a}"),
        None => w!(o, "   IPv4 address = (none)"),
    }
    if i.ipv4.len() > 1 {
        w!(o, "   Additional IPv4 addresses :");
        for a in &i.ipv4[1..] {
            w!(o, "     {a}");
        }
    }
    match i.ipv6.first() {
        Some(a) => w!(o, "   IPv6 address = {a}"),
        None => w!(o, "   IPv6 address = (none)"),
    }
    if i.ipv6.len() > 1 {
        w!(o, "   Additional IPv6 addresses :");
        for a in &i.ipv6[1..] {
            w!(o, "     {a}");
        }
    }
    // keepalived ignores an all-zero hardware address.
    if i.mac.iter().any(|&b| b != 0) {
        w!(o, "   MAC = {}", mac(&i.mac));
        w!(o, "   MAC broadcast = {}", mac(&i.broadcast));
    }
    let f = |bit: i32| i.flags & bit as u32 != 0;
    w!(
        o,
        "   State = {}UP, {}RUNNING{}{}{}{}{}",
        if f(libc::IFF_UP) { "" } else { "not " },
        if f(libc::IFF_RUNNING) { "" } else { "not " },
        if !f(libc::IFF_BROADCAST) {
            ", no broadcast"
        } else {
            ""
        },
        if f(libc::IFF_LOOPBACK) {
            ", loopback"
        } else {
            ""
        },
        if f(libc::IFF_POINTOPOINT) {
            ", point to point"
        } else {
            ""
        },
        if f(libc::IFF_NOARP) { ", no arp" } else { "" },
        if !f(libc::IFF_MULTICAST) {
            ", no multicast"
        } else {
            ""
        }
    );
    w!(o, "   Seen up = {}", i32::from(f(libc::IFF_UP)));
    w!(o, "   Delayed state change running = false");
    let ud = s
        .config
        .vrrp
        .track
        .up_down_delays
        .iter()
        .find(|d| d.interface == i.name);
    w!(
        o,
        "   Up debounce timer = {}us",
        ud.map_or(0, |d| d.up.as_micros())
    );
    w!(
        o,
        "   Down debounce timer = {}us",
        ud.map_or(0, |d| d.down.as_micros())
    );
    w!(o, "   MTU = {}", i.mtu);
    match i.hw_type {
        772 => w!(o, "   HW Type = LOOPBACK"),
        1 => w!(o, "   HW Type = ETHERNET"),
        // keepalived logs INFINIBAND instead of writing it.
        32 => {}
        t => w!(o, "   HW Type = UNKNOWN ({t})"),
    }
    let polled = g.linkbeat_use_polling
        || s.config
            .vrrp
            .track
            .linkbeat_interfaces
            .iter()
            .any(|l| l.name == i.name);
    if polled {
        w!(o, "   NIC ioctl refresh polling");
    } else {
        w!(o, "   NIC netlink status update");
    }
    if let Some(d) = delays.iter().find(|d| d.interfaces.contains(&i.name)) {
        if let Some(x) = d.garp {
            w!(o, "   Gratuitous ARP interval {}ms", x.as_millis());
        }
        if let Some(x) = d.gna {
            w!(o, "   Gratuitous NA interval {}ms", x.as_millis());
        }
        if d.group != 0 {
            w!(o, "   Gratuitous ARP aggregation group {}", d.group);
        }
    }
    w!(o, "   Reset ARP config counter 0");
    w!(o, "   Original arp_ignore 0");
    w!(o, "   Original arp_filter 0");
    w!(o, "   Original promote_secondaries 0");
    w!(o, "   Reset promote_secondaries counter 0");
    if let Some((t, fwd)) = i.forwarding_check {
        let t = clock.wall(t);
        w!(
            o,
            "   {}IPv6 forwarding. Last checked {} ({})",
            if fwd { "" } else { "Not " },
            timeval(t),
            ctime_then_us(clock, t)
        );
    }
    let users = interface_trackers(s, &i.name);
    if !users.is_empty() {
        w!(o, "   Tracking VRRP instances :");
        for (inst, weight, rev) in users {
            w!(
                o,
                "     {}, weight {weight}{}",
                inst.name,
                if rev { " reverse" } else { "" }
            );
        }
    }
}

/// The runtime view of an instance, for the JSON dump too.
pub(super) fn view<'a>(s: &'a Snapshot, name: &str) -> Option<&'a InstanceView> {
    s.instance(name)
}

/// Shared with the JSON dump.
pub(super) fn instance_auth(inst: &Instance, g: &Global) -> Option<(AuthType, [u8; 8])> {
    auth(inst, version(g, inst))
}

pub(super) fn instance_version(g: &Global, inst: &Instance) -> VrrpVersion {
    version(g, inst)
}

pub(super) fn instance_strict(g: &Global, inst: &Instance) -> bool {
    strict(g, inst)
}

pub(super) fn instance_smtp_alert(s: &Snapshot, inst: &Instance) -> bool {
    smtp_alert(&s.config.global, inst.smtp_alert)
}

pub(super) fn password(p: &[u8; 8]) -> String {
    password_text(p)
}
