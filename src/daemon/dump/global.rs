//! "Global definitions": keepalived's `dump_global_data`, as the VRRP
//! process and the parent print it.

use super::text::{enabled, true_false, w, Out};
use crate::config::global::model::{
    Global, LvsFlushOnStop, NotifyFifo, ProcessSched, ReloadFile, RxBufsPolicy,
    DEFAULT_NFTABLES_TABLE,
};
use crate::config::vrrp::instance::Instance;
use std::time::Duration;

/// keepalived's PARAMETER_UNSET.
const UNSET: u32 = u32::MAX;

/// Which process prints: the parent has not filled in the VRRP defaults
/// and does not know the default interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Process {
    Parent,
    Vrrp,
}

fn script_line(o: &mut Out, label: &str, s: &crate::config::script::Script, sep: &str, t: u64) {
    w!(
        o,
        " {label} = {}, uid:gid {}:{}{sep} {t}",
        super::text::cmd_str(s),
        s.uid,
        s.gid
    );
}

fn fifo(o: &mut Out, label: &str, f: &NotifyFifo) {
    let Some(name) = &f.name else {
        return;
    };
    w!(o, " {label} = {name}, uid:gid {}:{}", f.uid, f.gid);
    if let Some(s) = &f.script {
        w!(
            o,
            " {label} script = {}, uid:gid {}:{}",
            super::text::cmd_str(s),
            s.uid,
            s.gid
        );
    }
}

fn sched(o: &mut Out, who: &str, s: &ProcessSched) {
    w!(o, " {who} process priority = {}", s.nice);
    w!(o, " {who} don't swap = {}", true_false(s.no_swap));
    w!(
        o,
        " {who} realtime priority = {}",
        s.realtime_priority.unwrap_or(0)
    );
    if !s.cpu_affinity.is_empty() {
        let mut cpus = s.cpu_affinity.clone();
        cpus.sort_unstable();
        cpus.dedup();
        // keepalived's integer_to_string writes nothing for 0.
        let list: String = cpus
            .iter()
            .map(|&c| {
                if c == 0 {
                    " ".to_string()
                } else {
                    format!("{c} ")
                }
            })
            .collect();
        w!(o, " {who} CPU Affinity = {list}");
    }
    w!(o, " {who} realtime limit = {}", s.rlimit_rttime_us);
}

fn secs(d: Duration) -> u64 {
    d.as_secs()
}

fn reload_file(g: &Global, r: &ReloadFile) -> String {
    match r {
        ReloadFile::Path(p) => p.clone(),
        ReloadFile::Default => match &g.instance_name {
            Some(i) => format!("/run/keepalived/keepalived_{i}.reload"),
            None if g.use_pid_dir => "/run/keepalived/keepalived.reload".into(),
            None => "/run/keepalived.reload".into(),
        },
    }
}

fn tri(v: Option<bool>) -> &'static str {
    match v {
        None => "unset",
        Some(true) => "on",
        Some(false) => "off",
    }
}

/// Whether the VRRP process needs a firewall: an instance that does not
/// accept packets to its addresses (and is not their owner), or uses a
/// VMAC. keepalived then defaults the nftables table.
fn needs_firewall(g: &Global, instances: &[Instance]) -> bool {
    instances.iter().any(|i| {
        let strict = i.strict_mode.unwrap_or(g.vrrp_strict);
        let owner = i.priority().is_owner();
        (!owner && !i.accept.unwrap_or(!strict)) || i.vmac.is_some()
    })
}

/// `dump_global_data`; `instances` are the VRRP process's.
pub fn global(
    o: &mut Out,
    g: &Global,
    process: Process,
    umask: u32,
    default_script_user: Option<(u32, u32)>,
    instances: &[Instance],
) {
    w!(o, "------< Global definitions >------");
    if let Some(d) = &g.config_save_dir {
        w!(o, " Config save dir = {d}");
    }
    w!(
        o,
        " Network namespace = {}",
        g.net_namespace.as_deref().unwrap_or("(default)")
    );
    w!(
        o,
        " Network namespace ipvs = {}",
        match g.net_namespace_ipvs.as_deref() {
            None => "(main namespace)",
            Some("") => "(default)",
            Some(n) => n,
        }
    );
    if let Some(n) = &g.instance_name {
        w!(o, " Instance name = {n}");
    }
    if let Some(n) = &g.process_name {
        w!(o, " Parent process name = {n}");
    }
    if let Some(n) = &g.vrrp_process_name {
        w!(o, " VRRP process name = {n}");
    }
    if let Some(n) = &g.checker_process_name {
        w!(o, " LVS process name = {n}");
    }
    if let Some(n) = &g.bfd_process_name {
        w!(o, " BFD process name = {n}");
    }
    if let Some(r) = &g.router_id {
        w!(o, " Router ID = {r}");
    }
    if let Some(s) = &g.smtp_server {
        let a = o.sockaddr(Some(s.addr.ip()));
        w!(o, " Smtp server = {a}");
        w!(o, " Smtp server port = {}", s.addr.port());
    }
    if let Some(h) = &g.smtp_helo_name {
        w!(o, " Smtp HELO name = {h}");
    }
    // keepalived only sets its 30 s default when there is a server.
    if g.smtp_server.is_some() || g.smtp_connect_timeout != Duration::from_secs(30) {
        w!(
            o,
            " Smtp server connection timeout = {}",
            secs(g.smtp_connect_timeout)
        );
    }
    if let Some(f) = &g.notification_email_from {
        w!(o, " Email notification from = {f}");
        w!(o, " Email notification to:");
        for e in &g.notification_email {
            w!(o, "   {e}");
        }
    }
    w!(o, " Default smtp_alert = {}", tri(g.smtp_alert));
    w!(o, " Default smtp_alert_vrrp = {}", tri(g.smtp_alert_vrrp));
    w!(
        o,
        " Default smtp_alert_checker = {}",
        tri(g.smtp_alert_checker)
    );
    w!(
        o,
        " Checkers log all failures = {}",
        true_false(g.checker_log_all_failures)
    );
    match &g.reload_check_config {
        Some(f) => w!(o, " Test config before reload, log to {f}"),
        None => w!(o, " No test config before reload"),
    }
    if let Some(f) = &g.reload_time_file {
        w!(
            o,
            " Reload time file = {f}{}",
            if g.reload_repeat { " (repeat)" } else { "" }
        );
        w!(o, " No reload scheduled");
    }
    if let Some(r) = &g.reload_file {
        w!(o, " Reload_file = {}", reload_file(g, r));
    }
    if let Some(d) = &g.tmp_config_directory {
        w!(o, " config save directory = {d}");
    }
    if g.data_use_instance {
        w!(o, " Use instance name in data dumps");
    }
    if let Some(s) = &g.startup_script {
        script_line(
            o,
            "Startup script",
            s,
            ", timeout",
            secs(g.startup_script_timeout),
        );
    }
    if let Some(s) = &g.shutdown_script {
        script_line(
            o,
            "Shutdown script",
            s,
            " timeout",
            secs(g.shutdown_script_timeout),
        );
    }
    w!(
        o,
        " Dynamic interfaces = {}",
        true_false(g.dynamic_interfaces)
    );
    if g.dynamic_interfaces {
        w!(
            o,
            " Allow interface changes = {}",
            true_false(g.allow_if_changes)
        );
    }
    if g.no_email_faults {
        w!(o, " Send emails for fault transitions = off");
    }
    if let Some(t) = g.lvs_timeouts.tcp {
        w!(o, " LVS TCP timeout = {}", secs(t));
    }
    if let Some(t) = g.lvs_timeouts.tcp_fin {
        w!(o, " LVS TCP FIN timeout = {}", secs(t));
    }
    // keepalived labels the UDP timeout "TCP" too.
    if let Some(t) = g.lvs_timeouts.udp {
        w!(o, " LVS TCP timeout = {}", secs(t));
    }
    if process == Process::Vrrp {
        w!(o, " Default interface = {}", g.default_interface_name());
    }
    w!(
        o,
        " Disable local IGMP = {}",
        if g.disable_local_igmp { "yes" } else { "no" }
    );
    if let Some(sd) = &g.lvs_sync_daemon {
        if let Some(v) = &sd.vrrp_instance {
            if process == Process::Vrrp {
                w!(o, " LVS syncd vrrp instance = {v}");
            } else {
                w!(o, " LVS syncd vrrp name = {v}");
            }
        }
        w!(o, " LVS syncd interface = {}", sd.interface);
        let syncid = match (sd.sync_id, process) {
            (Some(id), _) => u32::from(id),
            (None, Process::Parent) => UNSET,
            (None, Process::Vrrp) => 0,
        };
        w!(o, " LVS syncd syncid = {syncid}");
        if let Some(m) = sd.max_len {
            w!(o, " LVS syncd maxlen = {m}");
        }
        if let Some(gr) = sd.group {
            let a = o.sockaddr(Some(gr));
            w!(o, " LVS mcast group {a}");
        }
        if let Some(p) = sd.port {
            w!(o, " LVS syncd mcast port = {p}");
        }
        if let Some(t) = sd.ttl {
            w!(o, " LVS syncd mcast ttl = {t}");
        }
    }
    w!(o, " LVS flush = {}", true_false(g.lvs_flush));
    w!(
        o,
        " LVS flush on stop = {}",
        match g.lvs_flush_on_stop {
            LvsFlushOnStop::Full => "full",
            LvsFlushOnStop::Vs => "VS",
            LvsFlushOnStop::No => "disabled",
        }
    );
    fifo(o, "Global notify fifo", &g.notify_fifo);
    fifo(o, "VRRP notify fifo", &g.vrrp_notify_fifo);
    fifo(o, "LVS notify fifo", &g.lvs_notify_fifo);
    w!(
        o,
        " FIFO write vrrp states on reload = {}",
        true_false(g.fifo_write_vrrp_states_on_reload)
    );
    w!(
        o,
        " VRRP notify priority changes = {}",
        true_false(g.vrrp_notify_priority_changes)
    );
    let g4 = o.sockaddr(Some(g.vrrp_mcast_group4.into()));
    w!(o, " VRRP IPv4 mcast group = {g4}");
    let g6 = o.sockaddr(Some(g.vrrp_mcast_group6.into()));
    w!(o, " VRRP IPv6 mcast group = {g6}");
    w!(
        o,
        " Gratuitous ARP delay = {}",
        secs(g.vrrp_garp_master_delay)
    );
    w!(o, " Gratuitous ARP repeat = {}", g.vrrp_garp_master_repeat);
    w!(
        o,
        " Gratuitous ARP refresh timer = {}",
        secs(g.vrrp_garp_master_refresh)
    );
    w!(
        o,
        " Gratuitous ARP refresh repeat = {}",
        g.vrrp_garp_master_refresh_repeat
    );
    // The VRRP process fills in the defaults when it starts; the parent
    // never does.
    let (lp_delay, lp_rep) = match process {
        Process::Vrrp => (
            secs(g.garp_lower_prio_delay()) as u32,
            g.garp_lower_prio_repeat(),
        ),
        Process::Parent => (
            g.vrrp_garp_lower_prio_delay
                .map_or(UNSET, |d| secs(d) as u32),
            g.vrrp_garp_lower_prio_repeat.unwrap_or(UNSET),
        ),
    };
    w!(o, " Gratuitous ARP lower priority delay = {lp_delay}");
    w!(o, " Gratuitous ARP lower priority repeat = {lp_rep}");
    w!(
        o,
        " Num adverts before down = {}",
        g.vrrp_down_timer_adverts
    );
    w!(
        o,
        " Gratuitous ARP for each secondary {} = {}s",
        if g.vrrp_garp_extra_if_all {
            "i/f"
        } else {
            "VMAC"
        },
        g.vrrp_garp_extra_if.map_or(0, secs)
    );
    w!(
        o,
        " Send advert after receive lower priority advert = {}",
        true_false(!g.vrrp_lower_prio_no_advert)
    );
    w!(
        o,
        " Send advert after receive higher priority advert = {}",
        true_false(g.vrrp_higher_prio_send_advert)
    );
    w!(
        o,
        " Gratuitous ARP interval = {:.6}",
        g.vrrp_garp_interval.as_secs_f64()
    );
    w!(
        o,
        " Gratuitous NA interval = {:.6}",
        g.vrrp_gna_interval.as_secs_f64()
    );
    w!(o, " VRRP default protocol version = {}", g.vrrp_version);
    let table = g.vrrp_nftables.clone().or_else(|| {
        (process == Process::Vrrp && needs_firewall(g, instances))
            .then(|| DEFAULT_NFTABLES_TABLE.to_string())
    });
    if let Some(t) = &table {
        w!(o, " nftables table name = {t}");
        w!(
            o,
            " nftables base chain priority = {}",
            g.vrrp_nftables_priority
        );
        w!(
            o,
            " nftables {}force use ifindex for link local IPv6",
            if g.vrrp_nftables_ifindex {
                ""
            } else {
                "don't "
            }
        );
    }
    if let Some(t) = &g.ipvs_nftables {
        w!(o, " ipvs nftables table name = {t}");
        w!(
            o,
            " ipvs nftables base chain priority = {}",
            g.ipvs_nftables_priority
        );
        w!(
            o,
            " ipvs nftables start fwmark = {}",
            g.ipvs_nftables_start_fwmark
        );
    }
    w!(
        o,
        " nftables with{} counters",
        if g.nftables_counters { "" } else { "out" }
    );
    // The library version Debian's 2.2.7 was built with, printed as is so
    // that the line reads the same.
    w!(o, " libnftnl version 1.2.3");
    w!(
        o,
        " VRRP check unicast_src = {}",
        true_false(g.vrrp_check_unicast_src)
    );
    w!(
        o,
        " VRRP skip check advert addresses = {}",
        true_false(g.vrrp_skip_check_adv_addr)
    );
    w!(o, " VRRP strict mode = {}", true_false(g.vrrp_strict));
    if g.max_auto_priority == -1 {
        w!(o, " Max auto priority = Disabled");
    } else {
        w!(o, " Max auto priority = {}", g.max_auto_priority);
    }
    w!(
        o,
        " Min auto priority delay = {} usecs",
        g.min_auto_priority_delay.as_micros()
    );
    sched(o, "VRRP", &g.vrrp_sched);
    sched(o, "Checker", &g.checker_sched);
    sched(o, "BFD", &g.bfd_sched);
    w!(o, " SNMP vrrp {}", enabled(g.enable_snmp_vrrp));
    w!(o, " SNMP checker {}", enabled(g.enable_snmp_checker));
    w!(o, " SNMP RFCv2 {}", enabled(g.enable_snmp_rfcv2));
    w!(o, " SNMP RFCv3 {}", enabled(g.enable_snmp_rfcv3));
    w!(o, " SNMP traps {}", enabled(g.enable_traps));
    w!(
        o,
        " SNMP socket = {}",
        g.snmp_socket
            .as_deref()
            .unwrap_or("default (unix:/var/agentx/master)")
    );
    w!(o, " DBus {}", enabled(g.enable_dbus));
    w!(
        o,
        " DBus service name = {}",
        g.dbus_service_name.as_deref().unwrap_or("")
    );
    w!(o, " Script security {}", enabled(g.script_security));
    if let Some((u, gid)) = default_script_user {
        w!(o, " Default script uid:gid {u}:{gid}");
    }
    let bufs = |v: Option<u32>| v.unwrap_or(0);
    let force = |b: bool| i32::from(b);
    w!(
        o,
        " vrrp_netlink_cmd_rcv_bufs = {}",
        bufs(g.vrrp_netlink_cmd_rcv_bufs)
    );
    w!(
        o,
        " vrrp_netlink_cmd_rcv_bufs_force = {}",
        force(g.vrrp_netlink_cmd_rcv_bufs_force)
    );
    w!(
        o,
        " vrrp_netlink_monitor_rcv_bufs = {}",
        bufs(g.vrrp_netlink_monitor_rcv_bufs)
    );
    w!(
        o,
        " vrrp_netlink_monitor_rcv_bufs_force = {}",
        force(g.vrrp_netlink_monitor_rcv_bufs_force)
    );
    w!(
        o,
        " process_monitor_rcv_bufs = {}",
        bufs(g.process_monitor_rcv_bufs)
    );
    w!(
        o,
        " process_monitor_rcv_bufs_force = {}",
        force(g.process_monitor_rcv_bufs_force)
    );
    w!(
        o,
        " lvs_netlink_cmd_rcv_bufs = {}",
        bufs(g.lvs_netlink_cmd_rcv_bufs)
    );
    w!(
        o,
        " lvs_netlink_cmd_rcv_bufs_force = {}",
        force(g.lvs_netlink_cmd_rcv_bufs_force)
    );
    w!(
        o,
        " lvs_netlink_monitor_rcv_bufs = {}",
        bufs(g.lvs_netlink_monitor_rcv_bufs)
    );
    w!(
        o,
        " lvs_netlink_monitor_rcv_bufs_force = {}",
        force(g.lvs_netlink_monitor_rcv_bufs_force)
    );
    w!(o, " rs_init_notifies = {}", i32::from(g.rs_init_notifies));
    w!(o, " no_checker_emails = {}", i32::from(g.no_checker_emails));
    match g.vrrp_rx_bufs_policy {
        RxBufsPolicy::Mtu => w!(o, " rx_bufs_policy = MTU"),
        RxBufsPolicy::Advert => w!(o, " rx_bufs_policy = ADVERT"),
        RxBufsPolicy::Size(n) => w!(o, " rx_bufs_size = {n}"),
        RxBufsPolicy::Default => {}
    }
    w!(o, " rx_bufs_multiples = {}", g.vrrp_rx_bufs_multiplier);
    w!(o, " umask = 0{umask:o}");
    if !g.vrrp_startup_delay.is_zero() {
        w!(
            o,
            " vrrp_startup_delay = {}",
            super::text::fmt_g(g.vrrp_startup_delay.as_secs_f64())
        );
    }
    if g.log_unknown_vrids {
        w!(o, " log_unknown_vrids");
    }
    if let Some(p) = &g.vmac_prefix {
        w!(o, " VMAC prefix = {p}");
    }
    if let Some(p) = &g.vmac_addr_prefix {
        w!(o, " VMAC address prefix = {p}");
    }
}
