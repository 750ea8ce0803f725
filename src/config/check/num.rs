//! Number readers with keepalived's rules for decimals and timers.
//!
//! keepalived's integer readers never use a value from an invalid number
//! under `-t`, but its decimal and timer readers do: with `ignore_error` an
//! in-range value is used (and too many decimal places are rounded) even
//! when testing. `Ctx::timer`/`Ctx::decimal` follow the integer rule, so
//! the checker and BFD keywords read their decimals here.

use crate::config::parser::{Args, Ctx, Missing};

/// keepalived's `read_timer`: seconds with up to 6 decimals, in µs; a
/// `max_us` of 0 means no limit.
pub fn timer(
    ctx: &mut Ctx,
    a: &Args,
    i: usize,
    min_us: u64,
    max_us: u64,
    ignore_error: bool,
) -> Result<Option<u64>, Missing> {
    ctx.timer(a, i, min_us, max_us, ignore_error)
}

/// keepalived's `read_decimal_unsigned_strvec`.
pub fn decimal(
    ctx: &mut Ctx,
    a: &Args,
    i: usize,
    min: u64,
    max: u64,
    places: u32,
    ignore_error: bool,
) -> Result<Option<u64>, Missing> {
    ctx.decimal(a, i, min, max, places, ignore_error)
}
