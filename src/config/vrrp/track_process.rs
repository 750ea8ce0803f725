//! vrrp_track_process NAME { process, param_match, weight, quorum,
//! quorum_max, delay, terminate_delay, fork_delay, full_command }.

use std::time::Duration;

use super::track::{decimal_tolerant, micros};
use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx, Keyword, Res};
use crate::config::source::Pos;

/// How the parameters after `process NAME` must match a command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParamMatch {
    /// No parameters given and no `param_match`: only the name is matched.
    #[default]
    Unset,
    /// All parameters, exactly.
    Exact,
    /// The given parameters are the first ones of the command line.
    Partial,
    /// Like `Partial`, and the last one may be a prefix.
    Initial,
}

/// The longest delay keepalived accepts.
pub const MAX_DELAY: Duration = Duration::from_secs(3600);

/// vrrp_track_process NAME { ... }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackProcess {
    pub name: String,
    pub pos: Pos,
    /// `process NAME|PATH`: required.
    pub process: Option<String>,
    /// The words after the process name.
    pub params: Vec<String>,
    pub param_match: ParamMatch,
    /// Match against the whole command line rather than the process name
    /// (`full_command`, `param_match`, or parameters given).
    pub full_command: bool,
    /// -254..=254; 0: trackers go to FAULT when the quorum is lost.
    pub weight: i32,
    pub weight_reverse: bool,
    /// Fewest matching processes for the tracker to be up: 1..=65535
    /// (0 only with `quorum_max 0`). Default 1.
    pub quorum: u32,
    /// Most matching processes for the tracker to be up: 0..=65535;
    /// `u32::MAX` (the default) means no limit.
    pub quorum_max: u32,
    /// Wait after the quorum is lost before going down (`terminate_delay`,
    /// or `delay`). Zero by default.
    pub terminate_delay: Duration,
    /// Wait after the quorum is reached before going up (`fork_delay`, or
    /// `delay`). Zero by default.
    pub fork_delay: Duration,
}

impl TrackProcess {
    pub fn new(name: &str, pos: Pos) -> Self {
        TrackProcess {
            name: name.to_string(),
            pos,
            process: None,
            params: Vec::new(),
            param_match: ParamMatch::Unset,
            full_command: false,
            weight: 0,
            weight_reverse: false,
            quorum: 1,
            quorum_max: u32::MAX,
            terminate_delay: Duration::ZERO,
            fork_delay: Duration::ZERO,
        }
    }
}

impl Default for TrackProcess {
    fn default() -> Self {
        TrackProcess::new("", Pos::default())
    }
}

pub const KEYWORDS: &[Keyword] = &[
    Keyword::leaf("process", process),
    Keyword::leaf("param_match", param_match),
    Keyword::leaf("weight", weight),
    Keyword::leaf("quorum", quorum),
    Keyword::leaf("quorum_max", quorum_max),
    Keyword::leaf("delay", delay),
    Keyword::leaf("terminate_delay", terminate_delay),
    Keyword::leaf("fork_delay", fork_delay),
    Keyword::leaf("full_command", full_command),
];

fn cur<'a>(ctx: &'a mut Ctx) -> Option<&'a mut TrackProcess> {
    ctx.cfg.vrrp.track.processes.last_mut()
}

fn cur_name(ctx: &mut Ctx) -> String {
    cur(ctx).map(|p| p.name.clone()).unwrap_or_default()
}

pub fn start(ctx: &mut Ctx, a: &Args) -> Res {
    let name = a.get(1).unwrap_or("");
    // Pushed even without a name, so the block's keywords have a target.
    ctx.cfg
        .vrrp
        .track
        .processes
        .push(TrackProcess::new(name, a.pos(0)));
    a.req(1).map(|_| ())
}

fn process(ctx: &mut Ctx, a: &Args) -> Res {
    let path = a.req(1)?.to_string();
    let name = cur_name(ctx);
    if cur(ctx).is_some_and(|p| p.process.is_some()) {
        ctx.error(
            Class::General,
            a,
            1,
            format!("vrrp_track_process '{name}': the process is already set: '{path}' is ignored"),
        );
        return Ok(());
    }
    let params: Vec<String> = a.rest(2).map(str::to_string).collect();
    if let Some(p) = cur(ctx) {
        if !params.is_empty() {
            if p.param_match == ParamMatch::Unset {
                p.param_match = ParamMatch::Exact;
            }
            p.full_command = true;
        }
        p.process = Some(path);
        p.params = params;
    }
    Ok(())
}

fn param_match(ctx: &mut Ctx, a: &Args) -> Res {
    let m = match a.get(1) {
        None => ParamMatch::Exact,
        Some("initial") => ParamMatch::Initial,
        Some("partial") => ParamMatch::Partial,
        Some(other) => {
            let name = cur_name(ctx);
            ctx.error(
                Class::General,
                a,
                1,
                format!("vrrp_track_process '{name}': unknown param_match '{other}', expected 'initial' or 'partial': it is ignored"),
            );
            return Ok(());
        }
    };
    if let Some(p) = cur(ctx) {
        p.param_match = m;
        p.full_command = true;
    }
    Ok(())
}

fn weight(ctx: &mut Ctx, a: &Args) -> Res {
    let name = cur_name(ctx);
    if a.get(1).is_none() {
        ctx.error(
            Class::General,
            a,
            0,
            format!("vrrp_track_process '{name}': 'weight' needs a value: it is ignored"),
        );
        return Ok(());
    }
    // A weight of 0 can be given again; any other cannot.
    if cur(ctx).is_some_and(|p| p.weight != 0) {
        let word = a.req(1)?.to_string();
        ctx.error(
            Class::General,
            a,
            1,
            format!("vrrp_track_process '{name}': the weight is already set: '{word}' is ignored"),
        );
        return Ok(());
    }
    let Some(w) = ctx.int(a, 1, -254, 254, true)? else {
        let word = a.req(1)?.to_string();
        ctx.error(
            Class::General,
            a,
            1,
            format!("vrrp_track_process '{name}': weight '{word}' must be between -254 and 254: it is ignored"),
        );
        return Ok(());
    };
    let mut reverse = false;
    if let Some(opt) = a.get(2) {
        if opt == "reverse" {
            reverse = true;
        } else {
            ctx.error(
                Class::General,
                a,
                2,
                format!("vrrp_track_process '{name}': unknown weight option '{opt}', expected 'reverse': it is ignored"),
            );
        }
    }
    if let Some(p) = cur(ctx) {
        p.weight = w;
        p.weight_reverse |= reverse;
    }
    Ok(())
}

fn quorum(ctx: &mut Ctx, a: &Args) -> Res {
    let name = cur_name(ctx);
    let Some(q) = ctx.unsigned(a, 1, 1, 65535, true)? else {
        let word = a.req(1)?.to_string();
        ctx.error(
            Class::General,
            a,
            1,
            format!("vrrp_track_process '{name}': quorum '{word}' must be from 1 to 65535: it is ignored"),
        );
        return Ok(());
    };
    let max = cur(ctx).map_or(u32::MAX, |p| p.quorum_max);
    if q > max {
        ctx.error(
            Class::General,
            a,
            1,
            format!(
                "vrrp_track_process '{name}': quorum {q} is above quorum_max {max}: it is ignored"
            ),
        );
        return Ok(());
    }
    if let Some(p) = cur(ctx) {
        p.quorum = q;
    }
    Ok(())
}

fn quorum_max(ctx: &mut Ctx, a: &Args) -> Res {
    let name = cur_name(ctx);
    let Some(max) = ctx.unsigned(a, 1, 0, 65535, true)? else {
        let word = a.req(1)?.to_string();
        ctx.error(
            Class::General,
            a,
            1,
            format!("vrrp_track_process '{name}': quorum_max '{word}' must be from 0 to 65535: it is ignored"),
        );
        return Ok(());
    };
    let q = cur(ctx).map_or(1, |p| p.quorum);
    // quorum_max 0 ("must not run") is allowed while quorum is the default.
    if (max != 0 || q > 1) && max < q {
        ctx.error(
            Class::General,
            a,
            1,
            format!(
                "vrrp_track_process '{name}': quorum_max {max} is below quorum {q}: it is ignored"
            ),
        );
        return Ok(());
    }
    if let Some(p) = cur(ctx) {
        p.quorum_max = max;
        if max == 0 {
            p.quorum = 0;
        } else if p.quorum == 0 {
            p.quorum = 1;
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Both,
    Terminate,
    Fork,
}

fn delay_general(ctx: &mut Ctx, a: &Args, which: Which) -> Res {
    let name = cur_name(ctx);
    let max = MAX_DELAY.as_micros() as u64;
    let Some(us) = decimal_tolerant(ctx, a, 1, 1, max, 6)? else {
        let word = a.req(1)?.to_string();
        let kw = a.keyword().to_string();
        ctx.error(
            Class::General,
            a,
            1,
            format!("vrrp_track_process '{name}': {kw} '{word}' must be from 0.000001 to 3600 seconds: it is ignored"),
        );
        return Ok(());
    };
    if let Some(p) = cur(ctx) {
        if which != Which::Fork {
            p.terminate_delay = micros(us);
        }
        if which != Which::Terminate {
            p.fork_delay = micros(us);
        }
    }
    Ok(())
}

fn delay(ctx: &mut Ctx, a: &Args) -> Res {
    delay_general(ctx, a, Which::Both)
}

fn terminate_delay(ctx: &mut Ctx, a: &Args) -> Res {
    delay_general(ctx, a, Which::Terminate)
}

fn fork_delay(ctx: &mut Ctx, a: &Args) -> Res {
    delay_general(ctx, a, Which::Fork)
}

fn full_command(ctx: &mut Ctx, _a: &Args) -> Res {
    if let Some(p) = cur(ctx) {
        p.full_command = true;
    }
    Ok(())
}

/// The end of the block: a tracker without a process is dropped.
pub fn close(ctx: &mut Ctx) {
    let Some(p) = ctx.cfg.vrrp.track.processes.last() else {
        return;
    };
    if p.process.is_none() {
        let name = p.name.clone();
        ctx.error_at(
            Class::General,
            Some(ctx.reader.current),
            format!("vrrp_track_process '{name}' has no 'process': it is dropped"),
        );
        ctx.cfg.vrrp.track.processes.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::vrrp::track::testing::{errors, exit_code, parse, report};

    fn one(text: &str) -> (TrackProcess, i32) {
        let ctx = parse(text);
        let p = ctx.cfg.vrrp.track.processes.first().cloned();
        (
            p.unwrap_or_else(|| panic!("no process kept:\n{}", report(&ctx))),
            exit_code(&ctx),
        )
    }

    #[test]
    fn every_keyword_lands_in_the_model() {
        let (p, code) = one(
            "vrrp_track_process p {\n process haproxy -f /etc/h.cfg\n param_match partial\n weight -10 reverse\n quorum 2\n quorum_max 4\n delay 1.5\n fork_delay 0.25\n}\n",
        );
        assert_eq!(code, 0);
        assert_eq!(p.name, "p");
        assert_eq!(p.process.as_deref(), Some("haproxy"));
        assert_eq!(p.params, ["-f", "/etc/h.cfg"]);
        assert_eq!(p.param_match, ParamMatch::Partial);
        assert!(p.full_command);
        assert_eq!((p.weight, p.weight_reverse), (-10, true));
        assert_eq!((p.quorum, p.quorum_max), (2, 4));
        assert_eq!(p.terminate_delay, Duration::from_millis(1500));
        assert_eq!(p.fork_delay, Duration::from_millis(250));
        let (p, _) = one(
            "vrrp_track_process p {\n process x\n terminate_delay 2\n param_match initial\n}\n",
        );
        assert_eq!(p.terminate_delay, Duration::from_secs(2));
        assert_eq!(p.fork_delay, Duration::ZERO);
        assert_eq!(p.param_match, ParamMatch::Initial);
        let (p, _) = one("vrrp_track_process p {\n process x\n full_command\n}\n");
        assert!(p.full_command);
        assert_eq!(p.param_match, ParamMatch::Unset);
    }

    #[test]
    fn defaults_when_absent() {
        let (p, code) = one("vrrp_track_process p {\n process nginx\n}\n");
        assert_eq!(code, 0);
        assert!(p.params.is_empty());
        assert_eq!(p.param_match, ParamMatch::Unset);
        assert!(!p.full_command);
        assert_eq!((p.weight, p.weight_reverse), (0, false));
        assert_eq!((p.quorum, p.quorum_max), (1, u32::MAX));
        assert_eq!(
            (p.terminate_delay, p.fork_delay),
            (Duration::ZERO, Duration::ZERO)
        );
        // Parameters alone mean an exact match of the command line.
        let (p, _) = one("vrrp_track_process p {\n process nginx -g x\n}\n");
        assert_eq!(p.param_match, ParamMatch::Exact);
        assert!(p.full_command);
        let (p, _) = one("vrrp_track_process p {\n process nginx\n param_match\n}\n");
        assert_eq!(p.param_match, ParamMatch::Exact);
    }

    #[test]
    fn bad_values_are_reported_and_ignored() {
        let ctx = parse(
            "vrrp_track_process p1 {\n process foo a b\n process bar\n param_match bogus\n weight\n weight 0\n weight 300\n weight 5 bogus\n weight 6\n quorum 3\n quorum_max 2\n quorum_max 0\n quorum 2\n delay 0\n fork_delay 3601\n terminate_delay 1.5\n full_command\n}\n",
        );
        let lines: Vec<u32> = errors(&ctx)
            .iter()
            .filter(|(c, _)| *c == Class::General)
            .map(|(_, l)| *l)
            .collect();
        assert_eq!(
            lines,
            [3, 4, 5, 7, 8, 9, 11, 12, 14, 15],
            "{}",
            report(&ctx)
        );
        assert_eq!(exit_code(&ctx), 5);
        let p = &ctx.cfg.vrrp.track.processes[0];
        assert_eq!(p.process.as_deref(), Some("foo"));
        assert_eq!((p.weight, p.weight_reverse), (5, false));
        assert_eq!((p.quorum, p.quorum_max), (2, u32::MAX));
        assert_eq!(p.terminate_delay, Duration::from_millis(1500));
        assert_eq!(p.fork_delay, Duration::ZERO);
    }

    #[test]
    fn quorum_max_zero_means_must_not_run() {
        let (p, code) = one("vrrp_track_process p {\n process x\n quorum_max 0\n}\n");
        assert_eq!(code, 0);
        assert_eq!((p.quorum, p.quorum_max), (0, 0));
        let (p, code) = one("vrrp_track_process p {\n process x\n quorum 5\n quorum_max 3\n}\n");
        assert_eq!(code, 5);
        assert_eq!((p.quorum, p.quorum_max), (5, u32::MAX));
    }

    #[test]
    fn a_tracker_needs_a_process() {
        let ctx = parse("vrrp_track_process p {\n param_match\n}\n");
        assert!(ctx.cfg.vrrp.track.processes.is_empty());
        assert_eq!(errors(&ctx), [(Class::General, 3)]);
        assert_eq!(
            exit_code(&parse("vrrp_track_process p {\n process\n}\n")),
            2
        );
        assert_eq!(
            exit_code(&parse("vrrp_track_process {\n process x\n}\n")),
            2
        );
    }

    #[test]
    fn an_invalid_delay_keeps_what_keepalived_reads() {
        // keepalived reads "1x" as 1 µs (and reports the number).
        let ctx = parse("vrrp_track_process p {\n process x\n delay 1x\n}\n");
        assert_eq!(errors(&ctx), [(Class::InvalidNumber, 3)]);
        let p = &ctx.cfg.vrrp.track.processes[0];
        assert_eq!(p.fork_delay, Duration::from_micros(1));
    }
}
