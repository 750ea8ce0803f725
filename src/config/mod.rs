//! The configuration front end: reads keepalived.conf (and everything it
//! includes) into a typed, validated [`model::Config`], with diagnostics that
//! point at the source.

pub mod bfd;
pub mod check;
pub mod diag;
pub mod glob;
pub mod global;
pub mod host;
pub mod lexer;
pub mod model;
pub mod parser;
pub mod preproc;
pub mod script;
pub mod source;
pub mod tables;
#[cfg(test)]
pub mod testutil;
pub mod values;
pub mod vrrp;

use diag::{Class, Diagnostics};
use host::Host;
use model::Config;
use parser::{Ctx, Pass};
use preproc::Reader;
use source::Sources;

/// How to read the configuration.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The file (or glob) to read.
    pub file: String,
    /// The id `@ID` lines are compared with; `None` means the short host name.
    pub config_id: Option<String>,
    /// `-e`: every include check is on.
    pub all_config: bool,
    /// `-t`: values with errors are never used.
    pub config_test: bool,
}

/// A configuration as read, with everything said about it.
pub struct Loaded {
    pub config: Config,
    pub diags: Diagnostics,
    pub sources: Sources,
}

impl Loaded {
    /// keepalived's `-t` exit code for this configuration.
    pub fn exit_code(&self) -> i32 {
        self.diags.exit_code()
    }
}

/// Read and check a configuration.
pub fn load(opts: &LoadOptions, host: &dyn Host) -> Loaded {
    let cached = host::Cached::new(host);
    let host: &dyn Host = &cached;
    let config_id = opts
        .config_id
        .clone()
        .unwrap_or_else(|| host.short_hostname());
    let include_check = if opts.all_config {
        preproc::check::ALL
    } else {
        0
    };
    let mut reader = Reader::new(&config_id, include_check);
    let opened = reader.open_main(&opts.file);
    if !opened {
        // keepalived 2.2.7 -t says 0 here (4 with -e): nothing was checked,
        // so we always say the configuration cannot run (4), not that an
        // include check failed (6).
        reader.diags.aborts.include_failed = false;
        if reader.diags.worst() != Some(Class::FileNotFound) {
            reader.report(
                Class::FileNotFound,
                None,
                format!("cannot read the configuration file '{}'", opts.file),
            );
        }
    }
    let mut ctx = Ctx::new(reader, host, !opts.config_test);
    let mut found = Found::default();
    // keepalived's parent process reads the global keywords and makes its
    // own checks. Then each child process (checker, VRRP, BFD, in this
    // order under -t) reads the configuration again, from the copy the
    // parent wrote, with its own keywords, and checks its part. The
    // children start from the global settings as they are at that point.
    // The children usually see exactly the lines the parent saw: then
    // these are handed to them again rather than read again.
    let mut copy: Option<preproc::Recording> = None;
    if opened {
        ctx.pass = Some(Pass::Parent);
        ctx.reader.record();
        read_pass(&mut ctx);
        let rec = ctx.reader.recording();
        if !ctx.reader.children_differ() {
            copy = Some(rec);
        }
    }
    found.add(&mut ctx.reader, Phase::Parse, Pass::Parent);
    global::validate(&mut ctx);
    found.add(&mut ctx.reader, Phase::Check, Pass::Parent);
    let children: [(Pass, Validate); 3] = [
        (Pass::Checker, check::validate),
        (Pass::Vrrp, vrrp::validate),
        (Pass::Bfd, bfd::validate),
    ];
    let mut parts = Config::default();
    for (pass, validate) in children {
        let global = std::mem::take(&mut ctx.cfg.global);
        ctx.cfg = Config {
            global,
            ..Config::default()
        };
        let child = match &copy {
            Some(rec) => Reader::replay(&mut ctx.reader, rec),
            None => {
                let mut r = Reader::for_children(&mut ctx.reader);
                r.record();
                r
            }
        };
        let replayed = copy.is_some();
        let mut home = ctx.start_pass(child, pass);
        if opened && (replayed || ctx.reader.open_main(&opts.file)) {
            read_pass(&mut ctx);
        }
        if !replayed {
            copy = Some(ctx.reader.recording());
        }
        found.add(&mut ctx.reader, Phase::Parse, pass);
        validate(&mut ctx);
        found.add(&mut ctx.reader, Phase::Check, pass);
        ctx.reader.give_back(&mut home);
        ctx.reader = home;
        match pass {
            Pass::Checker => parts.check = std::mem::take(&mut ctx.cfg.check),
            Pass::Vrrp => parts.vrrp = std::mem::take(&mut ctx.cfg.vrrp),
            _ => parts.bfd = std::mem::take(&mut ctx.cfg.bfd),
        }
    }
    ctx.pass = None;
    parts.global = std::mem::take(&mut ctx.cfg.global);
    let mut diags = found.finish(&ctx.reader);
    // Anything said after the last pass (nothing so far) is kept too.
    diags.items.append(&mut ctx.reader.diags.items);
    Loaded {
        config: parts,
        diags,
        sources: ctx.reader.sources,
    }
}

/// One pass over the configuration, as keepalived's `init_data`.
fn read_pass(ctx: &mut Ctx) {
    ctx.process(tables::root(), false, 0);
    let open = ctx.reader.open_blocks();
    if open > 0 {
        ctx.error_at(
            Class::MissingBlockEnd,
            None,
            format!("{open} block(s) not closed at the end of the configuration: '}}' missing"),
        );
    }
}

/// A process's checks after its pass.
type Validate = fn(&mut Ctx);

/// What makes two findings the same: class, level, position, message.
type DiagKey = (Option<u8>, u8, Option<(u32, u32, u32)>, String);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Parse,
    Check,
}

/// The findings of all passes. Every pass reads every line, so problems of
/// the language itself (braces, quotes, unknown top-level keywords ...) are
/// found by each process: keepalived reports them each time, we once.
#[derive(Default)]
struct Found {
    parse: Vec<diag::Diagnostic>,
    checks: Vec<diag::Diagnostic>,
    seen: std::collections::HashSet<DiagKey>,
    aborts: diag::Aborts,
}

impl Found {
    fn add(&mut self, reader: &mut Reader, phase: Phase, pass: Pass) {
        for d in std::mem::take(&mut reader.diags.items) {
            let key = (
                d.class.map(|c| c as u8),
                d.level as u8,
                d.pos.map(|p| (p.file, p.line, p.col)),
                d.message.clone(),
            );
            if self.seen.insert(key) {
                match phase {
                    Phase::Parse => self.parse.push(d),
                    Phase::Check => self.checks.push(d),
                }
            }
        }
        let a = std::mem::take(&mut reader.diags.aborts);
        let f = &mut self.aborts;
        if pass == Pass::Parent {
            f.parent_missing_parameter |= a.missing_parameter;
        } else {
            f.missing_parameter |= a.missing_parameter;
        }
        f.parent_missing_parameter |= a.parent_missing_parameter;
        f.include_failed |= a.include_failed;
        f.namespace_unavailable |= a.namespace_unavailable;
    }

    /// What was read in reading order (a stable sort keeps the order of
    /// each line's findings), then what the checks found.
    fn finish(mut self, reader: &Reader) -> diag::Diagnostics {
        self.parse.sort_by_key(|d| reader.reading_order(d.pos));
        self.parse.append(&mut self.checks);
        diag::Diagnostics {
            items: self.parse,
            aborts: self.aborts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::diag::Class;
    use super::testutil::parse;

    #[test]
    fn unknown_keyword_gets_a_suggestion_and_exit_5() {
        let l = parse("bogus_keyword 1\n");
        assert_eq!(l.exit_code(), 5);
        assert_eq!(l.diags.worst(), Some(Class::UnknownKeyword));
    }

    #[test]
    fn escaped_hash_is_literal_only_for_the_parent() {
        // keepalived's children (VRRP, checker, BFD) read a copy the parent
        // already decommented, where `\#` has become a comment.
        let vi =
            "vrrp_instance VI_1 {\n interface lo\n virtual_router_id 1\n priority 150\\#x\n}\n";
        let l = parse(vi);
        assert_eq!(
            l.config.vrrp.instances.list[0].priority.map(|p| p.get()),
            Some(150)
        );
        assert!(
            !l.diags
                .items
                .iter()
                .any(|d| d.class == Some(Class::InvalidNumber)),
            "{}",
            super::testutil::report(&l)
        );
        // The parent reads global_defs itself: `1#x` is not a number.
        let l = parse("global_defs {\n vrrp_garp_interval 1\\#x\n}\n");
        assert_eq!(l.diags.worst(), Some(Class::InvalidNumber));
        assert_eq!(l.exit_code(), 5);
        let l = parse("global_defs {\n router_id a\\#b\n}\n");
        assert_eq!(l.config.global.router_id.as_deref(), Some("a#b"));
    }

    #[test]
    fn each_process_skips_the_blocks_of_the_others_by_counting_braces() {
        // The '{' after an unknown keyword is ignored by the VRRP process,
        // but counted by the checker, which skipping vrrp_instance never
        // comes back: it does not see the virtual server and its script.
        let vs = "virtual_server 10.0.0.1 80 {\n protocol TCP\n lvs_sched rr\n lvs_method DR\n real_server 10.0.0.2 80 {\n  MISC_CHECK {\n   misc_path /bin/true\n  }\n }\n}\n";
        let vi = "vrrp_instance VI_1 {\n virtual_router_id 1\n bogus {\n}\n";
        let l = parse(&format!("{vi}{vs}"));
        assert_eq!(l.exit_code(), 5, "{}", super::testutil::report(&l));
        assert!(l.config.check.virtual_servers.is_empty());
        assert_eq!(l.config.vrrp.instances.list.len(), 1);
        // Balanced, the checker sees the script (without script security).
        let vi = "vrrp_instance VI_1 {\n virtual_router_id 1\n bogus\n}\n";
        let l = parse(&format!("{vi}{vs}"));
        assert_eq!(l.exit_code(), 6, "{}", super::testutil::report(&l));
        assert_eq!(l.config.check.virtual_servers.len(), 1);
    }

    #[test]
    fn the_parent_decides_before_the_children_read() {
        // A failed include check stops keepalived before the children read
        // their parts, so their missing parameters do not count ...
        let vi = "vrrp_instance VI_1 {\n interface\n}\n";
        assert_eq!(
            parse(&format!("includem kart_missing.conf\n{vi}")).exit_code(),
            6
        );
        // ... but the parent's own do.
        let gd = "global_defs {\n vrrp_garp_interval\n}\n";
        assert_eq!(
            parse(&format!("includem kart_missing.conf\n{gd}")).exit_code(),
            2
        );
        // Nor when keepalived -t cannot enter the namespace.
        assert_eq!(
            parse(&format!("net_namespace kart_nosuch_ns\n{vi}")).exit_code(),
            0
        );
        assert_eq!(parse(vi).exit_code(), 2);
    }

    #[test]
    fn problems_every_process_finds_are_reported_once() {
        let l = parse("bogus_keyword 1\n}\n");
        let unknown = l
            .diags
            .items
            .iter()
            .filter(|d| d.class == Some(Class::UnknownKeyword))
            .count();
        // 'bogus_keyword' and the top-level '}', each once.
        assert_eq!(unknown, 2, "{}", super::testutil::report(&l));
        let extra = l
            .diags
            .items
            .iter()
            .filter(|d| d.class == Some(Class::UnexpectedBlockEnd))
            .count();
        assert_eq!(extra, 1, "{}", super::testutil::report(&l));
    }

    #[test]
    fn a_missing_main_file_cannot_run() {
        let l = super::load(
            &super::LoadOptions {
                file: "/nonexistent/kart/keepalived.conf".into(),
                config_id: None,
                all_config: false,
                config_test: true,
            },
            &crate::sys::host::SystemHost,
        );
        assert_eq!(l.exit_code(), 4);
        assert_eq!(l.diags.worst(), Some(Class::FileNotFound));
    }

    #[test]
    fn brace_errors() {
        assert_eq!(
            parse("bogus {\n").diags.worst(),
            Some(Class::MissingBlockEnd)
        );
        let l = parse("}\n");
        assert_eq!(l.exit_code(), 5);
        assert_eq!(parse("").exit_code(), 0);
    }

    #[test]
    fn misplaced_and_renamed_keywords_get_help() {
        let l = parse("virtual_server 10.0.0.1 80 {\n protocol TCP\n real_server 10.0.0.2 80 {\n  TCP_CHECK {\n   nb_get_retry 3\n  }\n }\n}\n");
        let d = l
            .diags
            .items
            .iter()
            .find(|d| d.message.contains("nb_get_retry"))
            .expect("reported");
        assert_eq!(d.class, Some(Class::UnknownKeyword));
        assert!(d.help.as_deref().unwrap().contains("'retry'"));
        let l = parse("priority 100\n");
        let d = &l.diags.items[0];
        assert!(
            d.help.as_deref().unwrap().contains("'vrrp_instance'"),
            "{:?}",
            d.help
        );
    }
}
