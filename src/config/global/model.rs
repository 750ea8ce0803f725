//! Typed model of global_defs and the global top-level keywords
//! (net_namespace, instance, use_pid_dir ...), with keepalived 2.2.7's
//! defaults (global_data.c `alloc_global_data` / `init_global_data`).
//!
//! The VRRP and checker parts read their defaults from here: the `vrrp_*`
//! fields are the values an instance inherits when it does not set its own,
//! the `lvs_*` fields the checker's.

use crate::config::script::Script;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// keepalived's default VRRP IPv4 multicast group (RFC 3768 5.2.2).
pub const VRRP_MCAST_GROUP4: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 18);
/// keepalived's default VRRP IPv6 multicast group (RFC 5798 5.1.2.2).
pub const VRRP_MCAST_GROUP6: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0x12);
/// Default `lvs_sync_daemon` multicast group (the kernel's).
pub const LVS_SYNCD_MCAST_GROUP: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 81);
/// Default real-time rlimit of the child processes, in microseconds.
pub const RT_RLIMIT_DEFAULT_US: u64 = 10_000;
/// The nftables table keepalived uses when `nftables` (or the legacy
/// `vrrp_iptables`) gives no name.
pub const DEFAULT_NFTABLES_TABLE: &str = "keepalived";
/// The nftables table for IPVS fwmarks when `nftables_ipvs` gives no name.
pub const DEFAULT_NFTABLES_IPVS_TABLE: &str = "keepalived_ipvs";
/// First fwmark `nftables_ipvs` hands out.
pub const DEFAULT_IPVS_NF_START_FWMARK: u32 = 1000;
/// Default D-Bus service name.
pub const DEFAULT_DBUS_SERVICE_NAME: &str = "org.keepalived.Vrrp1";

/// Everything global_defs and the global top-level keywords configure.
#[derive(Debug, Clone)]
pub struct Global {
    // ---- top-level keywords ------------------------------------------------
    /// `net_namespace NAME`: run in this network namespace (implies
    /// `use_pid_dir`).
    pub net_namespace: Option<String>,
    /// `net_namespace_ipvs [NAME]`: program IPVS in another namespace;
    /// `Some("")` is the default namespace.
    pub net_namespace_ipvs: Option<String>,
    /// `namespace_with_ipsets`.
    pub namespace_with_ipsets: bool,
    /// `use_pid_dir` (also set by `net_namespace` and `instance`): pid files
    /// in /run/keepalived/.
    pub use_pid_dir: bool,
    /// `instance NAME`: name of this keepalived instance (pid file names).
    pub instance_name: Option<String>,
    /// `child_wait_time SECS`: how long the parent waits for its children at
    /// shutdown. Default 5 s.
    pub child_wait_time: Duration,
    /// `linkbeat_use_polling`: poll link state instead of using netlink.
    pub linkbeat_use_polling: bool,

    // ---- process names ------------------------------------------------------
    /// `process_name`: the parent's process name (at most 15 characters).
    pub process_name: Option<String>,
    /// `vrrp_process_name` (or `process_names`).
    pub vrrp_process_name: Option<String>,
    /// `checker_process_name` / `lvs_process_name` (or `process_names`).
    pub checker_process_name: Option<String>,
    /// `bfd_process_name` (or `process_names`).
    pub bfd_process_name: Option<String>,

    // ---- identity and email --------------------------------------------------
    /// `router_id`. When not configured, [`validate`](super::validate) sets
    /// it to the local host name, as keepalived does.
    pub router_id: Option<String>,
    /// The router id came from the configuration (not the host name).
    pub router_id_configured: bool,
    /// `notification_email { ... }`: recipients of alert emails.
    pub notification_email: Vec<String>,
    /// `notification_email_from`. Default (when an smtp_server is set):
    /// `USER@HOSTNAME`, filled in by validation.
    pub notification_email_from: Option<String>,
    /// `smtp_server HOST [PORT]`.
    pub smtp_server: Option<SmtpServer>,
    /// `smtp_helo_name`. Default (when an smtp_server is set): the host name.
    pub smtp_helo_name: Option<String>,
    /// `smtp_connect_timeout SECS`. Default 30 s; 0 is raised to 1 s.
    pub smtp_connect_timeout: Duration,
    /// `smtp_alert [BOOL]`; `None` leaves each object's own default.
    pub smtp_alert: Option<bool>,
    /// `smtp_alert_vrrp [BOOL]`: default for instances and sync groups.
    pub smtp_alert_vrrp: Option<bool>,
    /// `smtp_alert_checker [BOOL]`: default for virtual and real servers.
    pub smtp_alert_checker: Option<bool>,
    /// `no_email_faults`: no alert emails for transitions to FAULT.
    pub no_email_faults: bool,
    /// `checker_log_all_failures [BOOL]`.
    pub checker_log_all_failures: bool,

    // ---- scripts ---------------------------------------------------------------
    /// `enable_script_security`: refuse to run scripts as root when a
    /// non-root user could change them.
    pub script_security: bool,
    /// `script_user USER [GROUP]`, as configured (the ids are held by the
    /// script helper, see `script::default_user`).
    pub script_user: Option<ScriptUser>,
    /// `startup_script`: run by the parent before the children start.
    pub startup_script: Option<Script>,
    /// `startup_script_timeout SECS` (1..1000). Default 10 s.
    pub startup_script_timeout: Duration,
    /// `shutdown_script`: run by the parent after the children have exited.
    pub shutdown_script: Option<Script>,
    /// `shutdown_script_timeout SECS` (1..1000). Default 10 s.
    pub shutdown_script_timeout: Duration,
    /// `notify_fifo` / `notify_fifo_script`: VRRP and LVS events.
    pub notify_fifo: NotifyFifo,
    /// `vrrp_notify_fifo` / `vrrp_notify_fifo_script`: VRRP events.
    pub vrrp_notify_fifo: NotifyFifo,
    /// `lvs_notify_fifo` / `lvs_notify_fifo_script`: LVS events.
    pub lvs_notify_fifo: NotifyFifo,
    /// `vrrp_notify_priority_changes [BOOL]`: also write priority changes to
    /// the FIFOs.
    pub vrrp_notify_priority_changes: bool,
    /// `fifo_write_vrrp_states_on_reload`.
    pub fifo_write_vrrp_states_on_reload: bool,

    // ---- process scheduling ------------------------------------------------------
    /// `vrrp_priority`, `vrrp_no_swap`, `vrrp_rt_priority`,
    /// `vrrp_cpu_affinity`, `vrrp_rlimit_rttime`.
    pub vrrp_sched: ProcessSched,
    /// `checker_priority`, `checker_no_swap`, ... .
    pub checker_sched: ProcessSched,
    /// `bfd_priority`, `bfd_no_swap`, ... .
    pub bfd_sched: ProcessSched,
    /// `max_auto_priority [PRIO]`: highest real-time priority the children
    /// raise themselves to when they run late; 0 = never, -1 = never and
    /// no notice.
    pub max_auto_priority: i32,
    /// `min_auto_priority_delay USECS`: lateness that triggers a raise.
    /// Default 1 s.
    pub min_auto_priority_delay: Duration,

    // ---- VRRP defaults ---------------------------------------------------------------
    /// `dynamic_interfaces`: interfaces may be missing at start and come
    /// and go.
    pub dynamic_interfaces: bool,
    /// `dynamic_interfaces allow_if_changes`.
    pub allow_if_changes: bool,
    /// `default_interface IF`: for static/virtual addresses with no
    /// interface. `None` means eth0.
    pub default_interface: Option<String>,
    /// `disable_local_igmp`.
    pub disable_local_igmp: bool,
    /// `vrrp_mcast_group4`: IPv4 advert destination. Default 224.0.0.18.
    pub vrrp_mcast_group4: Ipv4Addr,
    /// `vrrp_mcast_group6`: IPv6 advert destination. Default ff02::12.
    pub vrrp_mcast_group6: Ipv6Addr,
    /// `vrrp_garp_master_delay SECS`: delay of the second gratuitous ARP/NA
    /// burst after becoming master. Default 5 s; 0 = no second burst.
    pub vrrp_garp_master_delay: Duration,
    /// `vrrp_garp_master_repeat N`: gratuitous ARPs/NAs per address per burst.
    /// Default 5.
    pub vrrp_garp_master_repeat: u32,
    /// `vrrp_garp_master_refresh SECS`: periodic refresh while master.
    /// Default 0 (off).
    pub vrrp_garp_master_refresh: Duration,
    /// `vrrp_garp_master_refresh_repeat N`. Default 1.
    pub vrrp_garp_master_refresh_repeat: u32,
    /// `vrrp_garp_lower_prio_delay SECS`; `None` = vrrp_garp_master_delay
    /// (see [`Global::garp_lower_prio_delay`]).
    pub vrrp_garp_lower_prio_delay: Option<Duration>,
    /// `vrrp_garp_lower_prio_repeat N`; `None` = vrrp_garp_master_repeat
    /// (see [`Global::garp_lower_prio_repeat`]).
    pub vrrp_garp_lower_prio_repeat: Option<u32>,
    /// `vrrp_down_timer_adverts N` (1..100). Default 3.
    pub vrrp_down_timer_adverts: u32,
    /// `vrrp_garp_interval SECS`: minimum spacing of gratuitous ARPs on an
    /// interface. Default 0.
    pub vrrp_garp_interval: Duration,
    /// `vrrp_gna_interval SECS`: minimum spacing of unsolicited NAs on an
    /// interface. Default 0.
    pub vrrp_gna_interval: Duration,
    /// `vrrp_garp_extra_if [all] SECS`: periodic gratuitous ARP/NA on VMAC (or
    /// all) interfaces. `None` = off.
    pub vrrp_garp_extra_if: Option<Duration>,
    /// `vrrp_garp_extra_if all`.
    pub vrrp_garp_extra_if_all: bool,
    /// `vrrp_lower_prio_no_advert [BOOL]`.
    pub vrrp_lower_prio_no_advert: bool,
    /// `vrrp_higher_prio_send_advert [BOOL]`.
    pub vrrp_higher_prio_send_advert: bool,
    /// `vrrp_version 2|3`: default VRRP version. Default 2.
    pub vrrp_version: u8,
    /// `vrrp_iptables [IN [OUT]]` as written (this build uses nftables
    /// instead: see [`Global::vrrp_nftables`]).
    pub vrrp_iptables: Option<(String, Option<String>)>,
    /// `vrrp_ipsets [NAMES...]` as written (not used: nftables build).
    pub vrrp_ipsets: Option<Vec<String>>,
    /// `nftables [TABLE]` (or the legacy `vrrp_iptables`): the nftables table
    /// for no_accept and VMAC filtering. `None` = no firewall rules.
    pub vrrp_nftables: Option<String>,
    /// `nftables_priority INT`. Default -1.
    pub vrrp_nftables_priority: i32,
    /// `nftables_ifindex`.
    pub vrrp_nftables_ifindex: bool,
    /// `nftables_counters`.
    pub nftables_counters: bool,
    /// `vrrp_check_unicast_src`.
    pub vrrp_check_unicast_src: bool,
    /// `vrrp_skip_check_adv_addr` (any argument still enables it, like
    /// keepalived).
    pub vrrp_skip_check_adv_addr: bool,
    /// `vrrp_strict`: strict RFC compliance for every instance.
    pub vrrp_strict: bool,
    /// `vrrp_netlink_cmd_rcv_bufs BYTES`.
    pub vrrp_netlink_cmd_rcv_bufs: Option<u32>,
    /// `vrrp_netlink_cmd_rcv_bufs_force [BOOL]`.
    pub vrrp_netlink_cmd_rcv_bufs_force: bool,
    /// `vrrp_netlink_monitor_rcv_bufs BYTES`.
    pub vrrp_netlink_monitor_rcv_bufs: Option<u32>,
    /// `vrrp_netlink_monitor_rcv_bufs_force [BOOL]`.
    pub vrrp_netlink_monitor_rcv_bufs_force: bool,
    /// `process_monitor_rcv_bufs BYTES`.
    pub process_monitor_rcv_bufs: Option<u32>,
    /// `process_monitor_rcv_bufs_force [BOOL]`.
    pub process_monitor_rcv_bufs_force: bool,
    /// `vrrp_rx_bufs_policy MTU|ADVERT|BYTES`.
    pub vrrp_rx_bufs_policy: RxBufsPolicy,
    /// `vrrp_rx_bufs_multiplier N`. Default 3.
    pub vrrp_rx_bufs_multiplier: u32,
    /// `vrrp_startup_delay SECS`: instances stay inactive this long.
    pub vrrp_startup_delay: Duration,
    /// `vrrp_delay_after_boot SECS` (keepalived > 2.2.7): delay measured from
    /// boot.
    pub vrrp_delay_after_boot: Option<Duration>,
    /// `log_unknown_vrids`.
    pub log_unknown_vrids: bool,
    /// `vmac_prefix`: prefix of generated VMAC interface names; `None` =
    /// "vrrp".
    pub vmac_prefix: Option<String>,
    /// `vmac_addr_prefix`; `None` = vmac_prefix.
    pub vmac_addr_prefix: Option<String>,
    /// `v3_checksum_as_v2` (keepalived > 2.2.7).
    pub v3_checksum_as_v2: bool,
    /// `vrrp_owner_ignore_adverts [BOOL]` (keepalived > 2.2.7).
    pub vrrp_owner_ignore_adverts: bool,

    // ---- LVS / checker defaults ----------------------------------------------------
    /// `lvs_timeouts tcp S tcpfin S udp S`.
    pub lvs_timeouts: LvsTimeouts,
    /// `lvs_flush`: flush IPVS at start-up.
    pub lvs_flush: bool,
    /// `lvs_flush_on_stop [VS]`.
    pub lvs_flush_on_stop: LvsFlushOnStop,
    /// `lvs_sync_daemon IF [INSTANCE] ...` (or an instance's
    /// `lvs_sync_daemon_interface`).
    pub lvs_sync_daemon: Option<LvsSyncDaemon>,
    /// `nftables_ipvs [TABLE]`: fwmarks for virtual_server_groups.
    pub ipvs_nftables: Option<String>,
    /// `nftables_ipvs_priority INT`. Default -1.
    pub ipvs_nftables_priority: i32,
    /// `nftables_ipvs_start_fwmark N`. Default 1000.
    pub ipvs_nftables_start_fwmark: u32,
    /// `lvs_netlink_cmd_rcv_bufs BYTES`.
    pub lvs_netlink_cmd_rcv_bufs: Option<u32>,
    /// `lvs_netlink_cmd_rcv_bufs_force [BOOL]`.
    pub lvs_netlink_cmd_rcv_bufs_force: bool,
    /// `lvs_netlink_monitor_rcv_bufs BYTES`.
    pub lvs_netlink_monitor_rcv_bufs: Option<u32>,
    /// `lvs_netlink_monitor_rcv_bufs_force [BOOL]`.
    pub lvs_netlink_monitor_rcv_bufs_force: bool,
    /// `rs_init_notifies [BOOL]`.
    pub rs_init_notifies: bool,
    /// `no_checker_emails [BOOL]`.
    pub no_checker_emails: bool,

    // ---- SNMP and D-Bus -----------------------------------------------------------------
    /// `snmp_socket`: where the AgentX master is.
    pub snmp_socket: Option<String>,
    /// `enable_traps`.
    pub enable_traps: bool,
    /// `enable_snmp_vrrp` (and its old name `enable_snmp_keepalived`).
    pub enable_snmp_vrrp: bool,
    /// `enable_snmp_rfcv2` (or `enable_snmp_rfc`).
    pub enable_snmp_rfcv2: bool,
    /// `enable_snmp_rfcv3` (or `enable_snmp_rfc`).
    pub enable_snmp_rfcv3: bool,
    /// `enable_snmp_checker`.
    pub enable_snmp_checker: bool,
    /// `snmp_vs_stats_update_interval` (keepalived > 2.2.7). Default 5 s.
    pub snmp_vs_stats_update_interval: Duration,
    /// `snmp_rs_stats_update_interval` (keepalived > 2.2.7); `None` = the VS
    /// interval.
    pub snmp_rs_stats_update_interval: Option<Duration>,
    /// `enable_dbus`.
    pub enable_dbus: bool,
    /// `dbus_service_name`; `None` = org.keepalived.Vrrp1.
    pub dbus_service_name: Option<String>,
    /// `dbus_no_interface_name` (keepalived > 2.2.7).
    pub dbus_no_interface_name: Option<String>,

    // ---- files, reload and misc ------------------------------------------------------------
    /// `umask`: mode bits for files keepalived creates. `None` = 0177.
    pub umask: Option<u32>,
    /// `random_seed N`: seed of `${_RANDOM}`.
    pub random_seed: Option<u32>,
    /// `reload_check_config [LOGFILE]` (no file: /dev/null).
    pub reload_check_config: Option<String>,
    /// `reload_time_file PATH`.
    pub reload_time_file: Option<String>,
    /// `reload_repeat`.
    pub reload_repeat: bool,
    /// `reload_file [PATH]`.
    pub reload_file: Option<ReloadFile>,
    /// `include_check`: the include checks in force after the last
    /// `include_check` line (see `preproc::check`).
    pub include_check: Option<u8>,
    /// `config_save_dir DIR`.
    pub config_save_dir: Option<String>,
    /// `tmp_config_directory DIR`.
    pub tmp_config_directory: Option<String>,
    /// `data_use_instance [BOOL]`.
    pub data_use_instance: bool,
    /// `use_symlink_paths [BOOL]` (keepalived > 2.2.7).
    pub use_symlink_paths: bool,
    /// `set_supplementary_groups [BOOL]` (keepalived > 2.2.7).
    pub set_supplementary_groups: bool,
    /// `json_version 1|2` (keepalived > 2.2.7). Default 1.
    pub json_version: u32,
    /// `iproute_usr_dir PATH` (keepalived > 2.2.7).
    pub iproute_usr_dir: Option<String>,
    /// `iproute_etc_dir PATH` (keepalived > 2.2.7).
    pub iproute_etc_dir: Option<String>,
    /// `state_dump_file PATH` (keepalived > 2.2.7).
    pub state_dump_file: Option<String>,
    /// `stats_dump_file PATH` (keepalived > 2.2.7).
    pub stats_dump_file: Option<String>,
    /// `json_dump_file PATH` (keepalived > 2.2.7).
    pub json_dump_file: Option<String>,
}

impl Default for Global {
    fn default() -> Self {
        Global {
            net_namespace: None,
            net_namespace_ipvs: None,
            namespace_with_ipsets: false,
            use_pid_dir: false,
            instance_name: None,
            child_wait_time: Duration::from_secs(5),
            linkbeat_use_polling: false,
            process_name: None,
            vrrp_process_name: None,
            checker_process_name: None,
            bfd_process_name: None,
            router_id: None,
            router_id_configured: false,
            notification_email: Vec::new(),
            notification_email_from: None,
            smtp_server: None,
            smtp_helo_name: None,
            smtp_connect_timeout: Duration::from_secs(30),
            smtp_alert: None,
            smtp_alert_vrrp: None,
            smtp_alert_checker: None,
            no_email_faults: false,
            checker_log_all_failures: false,
            script_security: false,
            script_user: None,
            startup_script: None,
            startup_script_timeout: Duration::from_secs(10),
            shutdown_script: None,
            shutdown_script_timeout: Duration::from_secs(10),
            notify_fifo: NotifyFifo::default(),
            vrrp_notify_fifo: NotifyFifo::default(),
            lvs_notify_fifo: NotifyFifo::default(),
            vrrp_notify_priority_changes: false,
            fifo_write_vrrp_states_on_reload: false,
            vrrp_sched: ProcessSched::default(),
            checker_sched: ProcessSched::default(),
            bfd_sched: ProcessSched::default(),
            max_auto_priority: 0,
            min_auto_priority_delay: Duration::from_secs(1),
            dynamic_interfaces: false,
            allow_if_changes: false,
            default_interface: None,
            disable_local_igmp: false,
            vrrp_mcast_group4: VRRP_MCAST_GROUP4,
            vrrp_mcast_group6: VRRP_MCAST_GROUP6,
            vrrp_garp_master_delay: Duration::from_secs(5),
            vrrp_garp_master_repeat: 5,
            vrrp_garp_master_refresh: Duration::ZERO,
            vrrp_garp_master_refresh_repeat: 1,
            vrrp_garp_lower_prio_delay: None,
            vrrp_garp_lower_prio_repeat: None,
            vrrp_down_timer_adverts: 3,
            vrrp_garp_interval: Duration::ZERO,
            vrrp_gna_interval: Duration::ZERO,
            vrrp_garp_extra_if: None,
            vrrp_garp_extra_if_all: false,
            vrrp_lower_prio_no_advert: false,
            vrrp_higher_prio_send_advert: false,
            vrrp_version: 2,
            vrrp_iptables: None,
            vrrp_ipsets: None,
            vrrp_nftables: None,
            vrrp_nftables_priority: -1,
            vrrp_nftables_ifindex: false,
            nftables_counters: false,
            vrrp_check_unicast_src: false,
            vrrp_skip_check_adv_addr: false,
            vrrp_strict: false,
            vrrp_netlink_cmd_rcv_bufs: None,
            vrrp_netlink_cmd_rcv_bufs_force: false,
            vrrp_netlink_monitor_rcv_bufs: None,
            vrrp_netlink_monitor_rcv_bufs_force: false,
            process_monitor_rcv_bufs: None,
            process_monitor_rcv_bufs_force: false,
            vrrp_rx_bufs_policy: RxBufsPolicy::Default,
            vrrp_rx_bufs_multiplier: 3,
            vrrp_startup_delay: Duration::ZERO,
            vrrp_delay_after_boot: None,
            log_unknown_vrids: false,
            vmac_prefix: None,
            vmac_addr_prefix: None,
            v3_checksum_as_v2: false,
            vrrp_owner_ignore_adverts: false,
            lvs_timeouts: LvsTimeouts::default(),
            lvs_flush: false,
            lvs_flush_on_stop: LvsFlushOnStop::No,
            lvs_sync_daemon: None,
            ipvs_nftables: None,
            ipvs_nftables_priority: -1,
            ipvs_nftables_start_fwmark: DEFAULT_IPVS_NF_START_FWMARK,
            lvs_netlink_cmd_rcv_bufs: None,
            lvs_netlink_cmd_rcv_bufs_force: false,
            lvs_netlink_monitor_rcv_bufs: None,
            lvs_netlink_monitor_rcv_bufs_force: false,
            rs_init_notifies: false,
            no_checker_emails: false,
            snmp_socket: None,
            enable_traps: false,
            enable_snmp_vrrp: false,
            enable_snmp_rfcv2: false,
            enable_snmp_rfcv3: false,
            enable_snmp_checker: false,
            snmp_vs_stats_update_interval: Duration::from_secs(5),
            snmp_rs_stats_update_interval: None,
            enable_dbus: false,
            dbus_service_name: None,
            dbus_no_interface_name: None,
            umask: None,
            random_seed: None,
            reload_check_config: None,
            reload_time_file: None,
            reload_repeat: false,
            reload_file: None,
            include_check: None,
            config_save_dir: None,
            tmp_config_directory: None,
            data_use_instance: false,
            use_symlink_paths: false,
            set_supplementary_groups: false,
            json_version: 1,
            iproute_usr_dir: None,
            iproute_etc_dir: None,
            state_dump_file: None,
            stats_dump_file: None,
            json_dump_file: None,
        }
    }
}

impl Global {
    /// The delay of the gratuitous ARP burst after a master sees a
    /// lower-priority advert: `vrrp_garp_lower_prio_delay`, else
    /// `vrrp_garp_master_delay`.
    pub fn garp_lower_prio_delay(&self) -> Duration {
        self.vrrp_garp_lower_prio_delay
            .unwrap_or(self.vrrp_garp_master_delay)
    }

    /// `vrrp_garp_lower_prio_repeat`, else `vrrp_garp_master_repeat`.
    pub fn garp_lower_prio_repeat(&self) -> u32 {
        self.vrrp_garp_lower_prio_repeat
            .unwrap_or(self.vrrp_garp_master_repeat)
    }

    /// The VRRP multicast group for a family.
    pub fn vrrp_mcast_group(&self, ipv6: bool) -> IpAddr {
        if ipv6 {
            IpAddr::V6(self.vrrp_mcast_group6)
        } else {
            IpAddr::V4(self.vrrp_mcast_group4)
        }
    }

    /// The interface for addresses that name none (`default_interface`, else
    /// eth0).
    pub fn default_interface_name(&self) -> &str {
        self.default_interface.as_deref().unwrap_or("eth0")
    }

    /// Prefix of generated VMAC interface names.
    pub fn vmac_prefix_name(&self) -> &str {
        self.vmac_prefix.as_deref().unwrap_or("vrrp")
    }

    /// The effective umask (keepalived's default is 0177).
    pub fn umask_bits(&self) -> u32 {
        self.umask.unwrap_or(0o177)
    }
}

/// `smtp_server HOST [PORT]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpServer {
    /// The name or address as written.
    pub host: String,
    /// The address it resolved to, with the port (default 25).
    pub addr: SocketAddr,
}

/// `script_user USER [GROUP]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptUser {
    pub user: String,
    pub group: Option<String>,
    /// The user (and group) exist on this host.
    pub resolved: bool,
}

/// A notify FIFO: `*notify_fifo PATH [USER [GROUP]]` and
/// `*notify_fifo_script SCRIPT [USER [GROUP]]`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct NotifyFifo {
    /// The FIFO's path; created (mode 0644, owned by `uid`/`gid`) if missing.
    pub name: Option<String>,
    pub uid: u32,
    pub gid: u32,
    /// The script that reads the FIFO; started with the FIFO path as its
    /// last argument.
    pub script: Option<Script>,
    /// The script's security flags (`script::flags`) once checked. Both
    /// keepalived's checker and VRRP processes check the global FIFO's
    /// script, each on its own copy; we check it once and give both the
    /// same answer.
    pub script_flags: Option<u32>,
}

/// Scheduling settings of one child process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessSched {
    /// `*_priority`: nice value (-20..19). Default 0.
    pub nice: i8,
    /// `*_no_swap`: lock the process in memory.
    pub no_swap: bool,
    /// `*_rt_priority`: SCHED_RR priority (1..99); `None` = not real-time.
    pub realtime_priority: Option<u32>,
    /// `*_cpu_affinity`: CPUs to run on; empty = all.
    pub cpu_affinity: Vec<u32>,
    /// `*_rlimit_rttime`: RLIMIT_RTTIME in microseconds. Default 10000.
    pub rlimit_rttime_us: u64,
}

impl Default for ProcessSched {
    fn default() -> Self {
        ProcessSched {
            nice: 0,
            no_swap: false,
            realtime_priority: None,
            cpu_affinity: Vec::new(),
            rlimit_rttime_us: RT_RLIMIT_DEFAULT_US,
        }
    }
}

/// `vrrp_rx_bufs_policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RxBufsPolicy {
    /// The system default receive buffer.
    #[default]
    Default,
    /// Sized from the interface MTU times the multiplier.
    Mtu,
    /// Sized from the advert size times the multiplier.
    Advert,
    /// A fixed size in bytes.
    Size(u32),
}

/// `lvs_timeouts`: IPVS connection timeouts; `None` leaves the kernel's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LvsTimeouts {
    pub tcp: Option<Duration>,
    pub tcp_fin: Option<Duration>,
    pub udp: Option<Duration>,
}

/// `lvs_flush_on_stop`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LvsFlushOnStop {
    /// Remove each real and virtual server keepalived added.
    #[default]
    No,
    /// Flush the whole IPVS configuration.
    Full,
    /// `VS`: delete each virtual server without removing its real servers.
    Vs,
}

/// `lvs_sync_daemon IF [[inst] INSTANCE] [id N] [maxlen N] [port N] [ttl N]
/// [group ADDR]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LvsSyncDaemon {
    pub interface: String,
    /// The VRRP instance whose state decides master/backup; `None` = run
    /// both.
    pub vrrp_instance: Option<String>,
    /// `id`: sync id; `None` = the instance's VRID (or 0 without instance).
    pub sync_id: Option<u8>,
    /// `maxlen`: maximum sync message size.
    pub max_len: Option<u16>,
    /// `port`: multicast port; `None` = 8848.
    pub port: Option<u16>,
    /// `ttl`: multicast TTL.
    pub ttl: Option<u8>,
    /// `group`: multicast group; `None` = 224.0.0.81.
    pub group: Option<IpAddr>,
}

/// `reload_file [PATH]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReloadFile {
    /// No path: /run/keepalived.reload (or in the pid directory).
    Default,
    Path(String),
}
