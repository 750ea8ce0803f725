//! Diagnostics: what is wrong with a configuration, where, and how much it
//! matters to keepalived's `-t` verdict.

use super::source::{Pos, Sources};
use std::fmt::Write as _;

/// keepalived's classes of configuration error, in its order: the exit code of
/// `-t` comes from the highest class reported (see [`Diagnostics::exit_code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    // keepalived cannot run the configuration
    FileNotFound = 1,
    BadInterface,
    Fatal,
    // errors, but keepalived would still run
    MultipleFiles,
    UnknownKeyword,
    UnexpectedBlockStart,
    MissingBlockStart,
    UnexpectedBlockEnd,
    MissingBlockEnd,
    UnmatchedQuote,
    MissingParameter,
    InvalidNumber,
    General,
    Warning,
    Deprecated,
    // scripts would run without script security
    Security,
}

impl Class {
    /// The exit code `keepalived -t` gives when this is the highest class.
    pub fn test_exit_code(self) -> i32 {
        match self {
            Class::FileNotFound | Class::BadInterface | Class::Fatal => 4,
            Class::Security => 6,
            _ => 5,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    fn label(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// keepalived's class for the same problem; `None` for our own lints,
    /// which never change the verdict.
    pub class: Option<Class>,
    pub level: Level,
    pub pos: Option<Pos>,
    /// Number of characters to underline at `pos` (at least 1 when shown).
    pub len: u32,
    pub message: String,
    pub help: Option<String>,
    /// The text of the line after parameter/sequence expansion, when it differs
    /// from the source line.
    pub expanded: Option<String>,
}

impl Diagnostic {
    pub fn new(class: Option<Class>, level: Level, message: impl Into<String>) -> Self {
        Diagnostic {
            class,
            level,
            pos: None,
            len: 0,
            message: message.into(),
            help: None,
            expanded: None,
        }
    }
}

/// The result of a configuration load that the exit code depends on, beyond
/// the diagnostics' classes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Aborts {
    /// A keyword lacked a required parameter: keepalived stops reading and
    /// exits 2.
    pub missing_parameter: bool,
    /// The same in what keepalived's parent process reads (global_defs and
    /// the global top-level keywords): it exits before anything else.
    pub parent_missing_parameter: bool,
    /// An include check failed (`includem`, `include_check` ...): keepalived
    /// refuses the configuration and exits 6.
    pub include_failed: bool,
    /// `net_namespace` names a namespace keepalived cannot enter: `-t` stops
    /// before its remaining checks and exits 0.
    pub namespace_unavailable: bool,
}

#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
    pub aborts: Aborts,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) -> &mut Diagnostic {
        self.items.push(d);
        self.items.last_mut().expect("just pushed")
    }

    /// The highest keepalived class reported.
    pub fn worst(&self) -> Option<Class> {
        self.items.iter().filter_map(|d| d.class).max()
    }

    /// `keepalived -t`'s exit code for this configuration.
    ///
    /// keepalived's parent process reads the configuration first and exits
    /// at a missing parameter (2), then after its read when an include check
    /// failed (6), or when it cannot enter the network namespace (0, under
    /// `-t`); only then do the children read their parts (2 at a missing
    /// parameter there).
    pub fn exit_code(&self) -> i32 {
        let a = &self.aborts;
        if a.parent_missing_parameter {
            return 2;
        }
        if a.include_failed {
            return 6;
        }
        if a.namespace_unavailable {
            return 0;
        }
        if a.missing_parameter {
            return 2;
        }
        self.worst().map_or(0, Class::test_exit_code)
    }

    pub fn count(&self, level: Level) -> usize {
        self.items.iter().filter(|d| d.level == level).count()
    }

    /// Render every diagnostic as `file:line:col: level: message`, the source
    /// line, a caret under the offending text and any help.
    pub fn render(&self, sources: &Sources) -> String {
        let mut out = String::new();
        for d in &self.items {
            render_one(&mut out, d, sources);
        }
        out
    }
}

fn render_one(out: &mut String, d: &Diagnostic, sources: &Sources) {
    let location = d.pos.and_then(|p| Some((p, sources.file(p.file)?)));
    match location {
        Some((p, f)) if p.col > 0 => {
            let _ = write!(out, "{}:{}:{}: ", f.display, p.line, p.col);
        }
        Some((p, f)) => {
            let _ = write!(out, "{}:{}: ", f.display, p.line);
        }
        None => {}
    }
    let _ = writeln!(out, "{}: {}", d.level.label(), d.message);
    if let Some(pos) = d.pos {
        if let Some(text) = sources.line_text(pos) {
            let gutter = pos.line.to_string().len();
            let _ = writeln!(out, "{:gutter$} |", "");
            let _ = writeln!(out, "{} | {}", pos.line, text.replace('\t', " "));
            if pos.col > 0 {
                let lead: usize = text
                    .chars()
                    .take(pos.col as usize - 1)
                    .map(display_width)
                    .sum();
                let carets = "^".repeat(d.len.max(1) as usize);
                let _ = writeln!(out, "{:gutter$} | {:lead$}{}", "", "", carets);
            }
        }
    }
    if let Some(exp) = &d.expanded {
        let _ = writeln!(out, "  = note: after expansion: {exp}");
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "  = help: {help}");
    }
}

/// Terminal columns a character takes: East Asian wide characters take two.
fn display_width(c: char) -> usize {
    match c as u32 {
        0x1100..=0x115F
        | 0x2E80..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 => 2,
        _ => 1,
    }
}
