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
        reader.report(
            Class::FileNotFound,
            None,
            format!("cannot read the configuration file '{}'", opts.file),
        );
    }
    let mut ctx = Ctx::new(reader, host, !opts.config_test);
    // keepalived's VRRP process reads the configuration knowing all of
    // global_defs (its parent read the whole file first).
    ctx.cfg.vrrp.global_view = opened
        .then(|| vrrp::read_global_view(&opts.file, &config_id, include_check, host, ctx.lenient))
        .flatten();
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
