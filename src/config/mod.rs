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
use parser::Ctx;
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
    if opened {
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
    // keepalived validates in this order: global settings (parent), then
    // the checker, VRRP and BFD processes.
    global::validate(&mut ctx);
    check::validate(&mut ctx);
    vrrp::validate(&mut ctx);
    bfd::validate(&mut ctx);
    Loaded {
        config: ctx.cfg,
        diags: ctx.reader.diags,
        sources: ctx.reader.sources,
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
}
