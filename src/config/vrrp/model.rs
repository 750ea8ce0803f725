//! Typed model of the VRRP side of the configuration. Each part owns its
//! own sub-model.

#[derive(Debug, Default, Clone)]
pub struct Vrrp {
    /// vrrp_instance blocks.
    pub instances: super::instance::Instances,
    /// vrrp_sync_group, vrrp_script, vrrp_track_process, track_file,
    /// garp_group, track_group, linkbeat_interfaces,
    /// interface_up_down_delays.
    pub track: super::track::Tracking,
    /// static_ipaddress, static_routes, static_rules.
    pub statics: super::statics::Statics,
    /// An interface named in the VRRP configuration does not exist: keepalived's
    /// VRRP process refuses to start (and skips its remaining checks).
    pub non_existent_interface: bool,
    /// The script security flags (`script::flags`) of every script the
    /// VRRP process checked, or-ed (for the run-time SECURITY VIOLATION
    /// line).
    pub script_flags: u32,
}
