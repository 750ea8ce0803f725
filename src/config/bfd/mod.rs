//! The bfd part of the configuration: `bfd_instance NAME { ... }`.
//!
//! keepalived reads each `bfd_instance` block three times: the BFD process
//! configures the session, the VRRP process records the name (and `weight`)
//! for `track_bfd`, the checker process records the name for `BFD_CHECK`.
//! Each process skips the block for its own reasons, and a block's problems
//! are reported by whichever processes read it. We read the block once and
//! keep track of which processes are still reading it.

pub mod model;

#[cfg(test)]
mod tests;

use super::check::addr;
use super::check::num;
use super::diag::Class;
use super::parser::{Args, Ctx, Keyword, Res};
use model::{BfdInstance, NAME_MAX};
use std::net::IpAddr;
use std::time::Duration;

/// Which processes are reading the current block.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct BlockState {
    /// The BFD process configures the session (until a malformed neighbour
    /// makes it skip the rest of the block).
    pub bfd: bool,
    pub vrrp: bool,
    pub checker: bool,
    /// `vrrp` / `checker` were given.
    pub vrrp_kw: bool,
    pub checker_kw: bool,
}

/// Top-level keywords of this part.
pub static ROOT: &[Keyword] = &[Keyword::block(
    "bfd_instance",
    Some(instance_handler),
    INSTANCE,
    Some(instance_close),
)
.not_acted_on()];

static INSTANCE: &[Keyword] = &[
    Keyword::leaf("source_ip", source_ip),
    Keyword::leaf("neighbor_ip", neighbor_ip),
    Keyword::leaf("neighbour_ip", neighbor_ip),
    Keyword::leaf("min_rx", min_rx),
    Keyword::leaf("min_tx", min_tx),
    Keyword::leaf("idle_tx", idle_tx),
    Keyword::leaf("multiplier", multiplier),
    Keyword::leaf("passive", passive),
    Keyword::leaf("ttl", ttl),
    Keyword::leaf("hoplimit", ttl),
    Keyword::leaf("max_hops", max_hops),
    Keyword::leaf("multihop", multihop).not_acted_on(),
    Keyword::leaf("weight", weight),
    Keyword::leaf("vrrp", vrrp_only),
    Keyword::leaf("checker", checker_only),
];

fn block(ctx: &mut Ctx) -> BlockState {
    ctx.cfg.bfd.block
}

fn current<'a>(ctx: &'a mut Ctx<'_>) -> Option<&'a mut BfdInstance> {
    ctx.cfg.bfd.instances.last_mut()
}

fn instance_handler(ctx: &mut Ctx, a: &Args) -> Res {
    let name = a.req(1)?.to_string();
    ctx.cfg.bfd.block = BlockState::default();
    let too_long = name.len() >= NAME_MAX;
    let insts = &ctx.cfg.bfd.instances;
    let checker_dup = insts.iter().any(|b| b.checker_name && b.name == name);
    let vrrp_dup = insts.iter().any(|b| b.vrrp_name && b.name == name);
    let bfd_dup = insts.iter().any(|b| b.enabled && b.name == name);

    if too_long {
        ctx.error(
            Class::General,
            a,
            1,
            format!(
                "bfd_instance name '{name}' is {} characters long, more than the {} allowed: the BFD session is not configured and track_bfd cannot use it",
                name.len(),
                NAME_MAX - 1
            ),
        );
    }
    let state = BlockState {
        bfd: !too_long && !bfd_dup,
        vrrp: !too_long && !vrrp_dup,
        checker: !checker_dup,
        ..Default::default()
    };
    if checker_dup || vrrp_dup || (bfd_dup && !too_long) {
        let effect = if state.bfd || state.vrrp || state.checker {
            "the first definition keeps the name"
        } else {
            "this block is ignored"
        };
        ctx.error(
            Class::General,
            a,
            1,
            format!("bfd_instance '{name}' is already defined: {effect}"),
        );
    }
    if !state.bfd && !state.vrrp && !state.checker {
        ctx.skip_block();
        return Ok(());
    }
    ctx.cfg.bfd.block = state;
    let mut inst = BfdInstance::new(&name, a.pos(0));
    inst.enabled = state.bfd;
    inst.checker_name = state.checker;
    inst.vrrp_name = state.vrrp;
    ctx.cfg.bfd.instances.push(inst);
    Ok(())
}

fn instance_close(ctx: &mut Ctx) {
    let st = block(ctx);
    let pos = ctx.cfg.bfd.instances.last().map(|b| b.pos);
    let restricted = st.vrrp_kw || st.checker_kw;
    if let Some(inst) = current(ctx) {
        if st.checker && restricted && !st.checker_kw {
            inst.checker_name = false;
        }
        if st.vrrp && restricted && !st.vrrp_kw {
            inst.vrrp_name = false;
        }
        inst.notify_vrrp = !restricted || st.vrrp_kw;
        inst.notify_checker = !restricted || st.checker_kw;
    }
    if !st.bfd {
        return;
    }
    let idx = ctx.cfg.bfd.instances.len().saturating_sub(1);
    let Some(inst) = ctx.cfg.bfd.instances.get(idx).cloned() else {
        return;
    };
    let name = &inst.name;
    let Some(nbr) = inst.neighbor else {
        ctx.error_at(
            Class::General,
            pos,
            format!("bfd_instance '{name}' has no neighbor_ip: the BFD session is not configured"),
        );
        disable(ctx, idx);
        return;
    };
    if let Some(src) = inst.source {
        if src.is_ipv4() != nbr.is_ipv4() {
            ctx.error_at(
                Class::General,
                pos,
                format!("bfd_instance '{name}': source_ip {src} and neighbor_ip {nbr} are of different address families: the BFD session is not configured"),
            );
            disable(ctx, idx);
            return;
        }
    }
    let clash = ctx.cfg.bfd.instances.iter().enumerate().find(|(i, b)| {
        *i != idx
            && b.enabled
            && b.neighbor == Some(nbr)
            && (b.source.is_none() || inst.source.is_none() || b.source == inst.source)
    });
    if let Some((_, other)) = clash {
        let other = other.name.clone();
        ctx.error_at(
            Class::General,
            pos,
            format!("bfd_instance '{name}' has the same neighbor_ip {nbr} (and source) as bfd_instance '{other}': the BFD session is not configured"),
        );
        disable(ctx, idx);
        return;
    }
    let default_ttl = if nbr.is_ipv4() {
        model::DEFAULT_TTL
    } else {
        model::DEFAULT_HOPLIMIT
    };
    let ttl = inst.ttl.unwrap_or(default_ttl);
    // keepalived keeps max_hops in a byte: -1 ("no check") is 255 there, so
    // it too is more than a ttl below 255 (and then becomes the ttl).
    let hops = if inst.max_hops < 0 {
        255
    } else {
        inst.max_hops
    };
    if hops > i16::from(ttl) {
        ctx.error_at(
            Class::General,
            pos,
            format!(
                "bfd_instance '{name}': max_hops {} is more than the ttl/hoplimit {ttl}: max_hops is set to {ttl}",
                inst.max_hops
            ),
        );
    }
    if let Some(b) = ctx.cfg.bfd.instances.get_mut(idx) {
        b.ttl = Some(ttl);
        if hops > i16::from(ttl) {
            b.max_hops = i16::from(ttl);
        }
    }
}

/// The BFD process drops the session (keepalived's free_bfd).
fn disable(ctx: &mut Ctx, idx: usize) {
    if let Some(b) = ctx.cfg.bfd.instances.get_mut(idx) {
        b.enabled = false;
    }
    ctx.cfg.bfd.block.bfd = false;
}

/// An address as keepalived's inet_stosockaddr reads it (anything from a
/// '-' or '/' on is ignored).
fn address(text: &str) -> Option<IpAddr> {
    addr::pton(addr::strip_range(text))
}

fn neighbor_ip(ctx: &mut Ctx, a: &Args) -> Res {
    if !block(ctx).bfd {
        return Ok(());
    }
    let text = a.req(1)?.to_string();
    match address(&text) {
        Some(ip) => {
            if let Some(b) = current(ctx) {
                b.neighbor = Some(ip);
            }
        }
        None => {
            let name = current(ctx).map(|b| b.name.clone()).unwrap_or_default();
            ctx.error(
                Class::General,
                a,
                1,
                format!("bfd_instance '{name}': '{text}' is not a valid neighbor address: the BFD session is not configured"),
            )
            .help = Some("keepalived ignores the BFD keywords after this line in the block".into());
            let idx = ctx.cfg.bfd.instances.len().saturating_sub(1);
            disable(ctx, idx);
            // When only the BFD process was reading the block, nobody reads
            // the rest of it.
            let st = block(ctx);
            if !st.vrrp && !st.checker {
                ctx.skip_rest_of_block();
            }
        }
    }
    Ok(())
}

fn source_ip(ctx: &mut Ctx, a: &Args) -> Res {
    if !block(ctx).bfd {
        return Ok(());
    }
    let text = a.req(1)?.to_string();
    match address(&text) {
        Some(ip) => {
            if let Some(b) = current(ctx) {
                b.source = Some(ip);
            }
        }
        None => {
            ctx.error(
                Class::General,
                a,
                1,
                format!("source_ip: '{text}' is not a valid address - ignored"),
            );
        }
    }
    Ok(())
}

/// min_rx / min_tx / idle_tx: milliseconds with up to 3 decimals.
fn interval(
    ctx: &mut Ctx,
    a: &Args,
    min_ms: u64,
) -> Result<Option<Duration>, super::parser::Missing> {
    let max_ms = u64::from(u32::MAX / 1000);
    let kw = a.keyword().to_string();
    let text = a.req(1)?.to_string();
    match num::decimal(ctx, a, 1, min_ms * 1000, max_ms * 1000, 3, false)? {
        Some(us) => {
            if us > 10_000 * 1000 {
                ctx.lint(
                    a,
                    1,
                    format!("{kw} {text} ms is more than the sensible maximum of 10000 ms"),
                );
            }
            Ok(Some(Duration::from_micros(us)))
        }
        None => {
            ctx.error(
                Class::General,
                a,
                1,
                format!("{kw} '{text}' is not valid (it must be {min_ms}..{max_ms} ms) - ignored"),
            );
            Ok(None)
        }
    }
}

fn min_rx(ctx: &mut Ctx, a: &Args) -> Res {
    if !block(ctx).bfd {
        return Ok(());
    }
    if let Some(d) = interval(ctx, a, 1)? {
        if let Some(b) = current(ctx) {
            b.min_rx = d;
        }
    }
    Ok(())
}

fn min_tx(ctx: &mut Ctx, a: &Args) -> Res {
    if !block(ctx).bfd {
        return Ok(());
    }
    if let Some(d) = interval(ctx, a, 1)? {
        if let Some(b) = current(ctx) {
            b.min_tx = d;
        }
    }
    Ok(())
}

fn idle_tx(ctx: &mut Ctx, a: &Args) -> Res {
    if !block(ctx).bfd {
        return Ok(());
    }
    if let Some(d) = interval(ctx, a, 1000)? {
        if let Some(b) = current(ctx) {
            b.idle_tx = d;
        }
    }
    Ok(())
}

fn multiplier(ctx: &mut Ctx, a: &Args) -> Res {
    if !block(ctx).bfd {
        return Ok(());
    }
    match ctx.unsigned(a, 1, 1, 255, false)? {
        Some(v) => {
            if let Some(b) = current(ctx) {
                b.multiplier = v as u8;
            }
        }
        None => {
            let text = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!("multiplier '{text}' is not valid (it must be 1..255) - ignored"),
            );
        }
    }
    Ok(())
}

fn passive(ctx: &mut Ctx, _a: &Args) -> Res {
    if block(ctx).bfd {
        if let Some(b) = current(ctx) {
            b.passive = true;
        }
    }
    Ok(())
}

fn ttl(ctx: &mut Ctx, a: &Args) -> Res {
    if !block(ctx).bfd {
        return Ok(());
    }
    let kw = a.keyword().to_string();
    match ctx.unsigned(a, 1, 1, 255, false)? {
        Some(v) => {
            if let Some(b) = current(ctx) {
                b.ttl = Some(v as u8);
            }
        }
        None => {
            let text = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!("{kw} '{text}' is not valid (it must be 1..255) - ignored"),
            );
        }
    }
    Ok(())
}

fn max_hops(ctx: &mut Ctx, a: &Args) -> Res {
    if !block(ctx).bfd {
        return Ok(());
    }
    match ctx.int(a, 1, -1, 255, false)? {
        Some(v) => {
            if let Some(b) = current(ctx) {
                b.max_hops = v as i16;
            }
        }
        None => {
            let text = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!("max_hops '{text}' is not valid (it must be -1..255) - ignored"),
            );
        }
    }
    Ok(())
}

/// `multihop [BOOL]` (keepalived > 2.2.7).
fn multihop(ctx: &mut Ctx, a: &Args) -> Res {
    if !block(ctx).bfd {
        return Ok(());
    }
    if let Some(v) = ctx.opt_bool(a, 1) {
        if let Some(b) = current(ctx) {
            b.multihop = v;
        }
    }
    Ok(())
}

/// Read by the VRRP process only (the default weight of `track_bfd`).
fn weight(ctx: &mut Ctx, a: &Args) -> Res {
    if !block(ctx).vrrp {
        return Ok(());
    }
    match ctx.int(a, 1, -253, 253, true)? {
        Some(v) => {
            if let Some(b) = current(ctx) {
                b.weight = v;
            }
        }
        None => {
            let text = a.get(1).unwrap_or("").to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!("weight '{text}' is not valid (it must be -253..253) - ignored"),
            );
        }
    }
    if let Some(opt) = a.get(2) {
        if opt == "reverse" {
            if let Some(b) = current(ctx) {
                b.weight_reverse = true;
            }
        } else {
            let opt = opt.to_string();
            ctx.error(
                Class::General,
                a,
                2,
                format!("unknown weight option '{opt}' (only 'reverse' is allowed) - ignored"),
            );
        }
    }
    Ok(())
}

fn vrrp_only(ctx: &mut Ctx, _a: &Args) -> Res {
    ctx.cfg.bfd.block.vrrp_kw = true;
    Ok(())
}

fn checker_only(ctx: &mut Ctx, _a: &Args) -> Res {
    ctx.cfg.bfd.block.checker_kw = true;
    Ok(())
}

/// keepalived's BFD process has no checks after reading the configuration:
/// everything is checked as each block closes.
pub fn validate(_ctx: &mut Ctx) {}
