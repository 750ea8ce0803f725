//! The VRRP part of the configuration: keyword tables, handlers and
//! validation.

pub mod instance;
pub mod ipaddr;
pub mod model;
pub mod net_addr;
pub mod net_names;
pub mod net_tests;
pub mod net_values;
pub mod route;
pub mod rule;
pub mod statics;
pub mod track;

use super::diag::Class;
use super::parser::Ctx;

/// keepalived's VRRP process checks, in its order. A non-existent interface
/// stops the VRRP process before it completes its instances.
pub fn validate(ctx: &mut Ctx) {
    if ctx.cfg.vrrp.non_existent_interface {
        ctx.error_at(
            Class::BadInterface,
            None,
            "an interface named in the VRRP configuration does not exist: keepalived's VRRP process would not start",
        );
        return;
    }
    statics::validate(ctx);
    track::validate(ctx);
    instance::validate(ctx);
}
