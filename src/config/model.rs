//! The whole typed configuration.

use super::bfd::model::Bfd;
use super::check::model::Check;
use super::global::model::Global;
use super::vrrp::model::Vrrp;

#[derive(Debug, Default, Clone)]
pub struct Config {
    pub global: Global,
    pub vrrp: Vrrp,
    pub check: Check,
    pub bfd: Bfd,
}
