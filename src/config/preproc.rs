//! The preprocessor: turns configuration files into the stream of logical
//! lines keepalived's keyword parser sees. It follows files through `include`,
//! applies `@ID` conditionals, defines and expands `$NAME` parameters,
//! replicates `~SEQ`/`~LST` lines and splits lines at braces, keeping the
//! origin (file, line, column) of every line it hands out.

use super::diag::{Class, Diagnostic, Diagnostics, Level};
use super::glob;
use super::lexer;
use super::source::{Pos, Sources};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// keepalived reads lines with a 1024-byte buffer.
pub const MAXBUF: usize = 1024;

/// How deeply includes may nest. keepalived itself has no limit: a file that
/// includes itself is read again and again until it runs out of file
/// descriptors (about 1000 levels), and each copy is parsed.
pub const MAX_INCLUDE_DEPTH: usize = 100;

/// The include checks of `include_check` and the `include[rmwba]` variants.
pub mod check {
    pub const READ: u8 = 1;
    pub const MATCH: u8 = 2;
    pub const WILDCARD: u8 = 4;
    pub const BRACE: u8 = 8;
    pub const ALL: u8 = READ | MATCH | WILDCARD | BRACE;
}

/// A logical line, ready for the keyword parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub pos: Pos,
    /// The text came out of a parameter or sequence expansion, so columns
    /// only point at the line the expansion was written on.
    pub expanded: bool,
}

impl Line {
    /// The position of a character offset of `text`.
    pub fn pos_at(&self, char_offset: usize) -> Pos {
        if self.expanded || self.pos.col == 0 {
            Pos { col: 0, ..self.pos }
        } else {
            Pos {
                col: self.pos.col + char_offset as u32,
                ..self.pos
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Builtin {
    Pwd,
    Instance,
    Random,
    Env,
}

#[derive(Debug, Clone)]
struct Def {
    /// Lines of a multi-line value are separated by `\n`.
    value: String,
    multiline: bool,
    builtin: Option<Builtin>,
}

#[derive(Debug)]
enum Seq {
    Range {
        var: String,
        next: i64,
        step: i64,
        last: i64,
        hex: bool,
        text: String,
        pos: Pos,
    },
    List {
        vars: Vec<String>,
        sets: Vec<Vec<String>>,
        next: usize,
        text: String,
        pos: Pos,
    },
}

/// The rest of a multi-line parameter still to be read.
#[derive(Debug)]
struct Pending {
    lines: Vec<String>,
    next: usize,
    pos: Pos,
    seq_depth: usize,
}

#[derive(Debug)]
struct OpenFile {
    source: u32,
    /// Physical lines split the way keepalived's 1024-byte reads split them.
    line: usize,
    chunk: usize,
    dir: PathBuf,
}

#[derive(Debug)]
struct Frame {
    include_type: u8,
    saved_include_check: u8,
    /// Real paths of the matches and the names to show for them.
    matches: Vec<(PathBuf, String)>,
    next: usize,
    opened: usize,
    file: Option<OpenFile>,
}

/// What a reader handed out, to hand it out again (`Reader::replay`).
#[derive(Debug, Default)]
pub struct Recording {
    lines: Vec<Line>,
    block_depth: i32,
}

/// Reads the configuration files and hands out logical lines.
pub struct Reader {
    pub sources: Sources,
    pub diags: Diagnostics,
    pub config_id: String,
    pub include_check: u8,
    stack: Vec<Frame>,
    residue: Option<Line>,
    seqs: Vec<Seq>,
    pending: Option<Pending>,
    pending_stack: Vec<Pending>,
    multiline_seq_depth: usize,
    defs: HashMap<String, Def>,
    defining: Option<String>,
    block_depth: i32,
    cwd: PathBuf,
    random: u64,
    /// Line the reader is on, for diagnostics about whole lines.
    pub current: Pos,
    /// Reading as keepalived's children (VRRP, checker, BFD) do: from the
    /// copy of the configuration the parent wrote (see `for_children`).
    children: bool,
    /// When each physical line (file, line) was first read, to sort the
    /// diagnostics of all passes into reading order.
    order: HashMap<(u32, u32), usize>,
    /// The lines handed out, kept for `replay`.
    recorded: Option<Vec<Line>>,
    /// Lines to hand out again instead of reading.
    replaying: Option<std::vec::IntoIter<Line>>,
    /// (Parent) the children would read something else than the parent
    /// (see `for_children`).
    children_differ: bool,
}

impl Reader {
    pub fn new(config_id: &str, include_check: u8) -> Self {
        let mut defs = HashMap::new();
        let builtin = |b| Def {
            value: String::new(),
            multiline: false,
            builtin: Some(b),
        };
        defs.insert("_PWD".into(), builtin(Builtin::Pwd));
        defs.insert("_INSTANCE".into(), builtin(Builtin::Instance));
        defs.insert("_RANDOM".into(), builtin(Builtin::Random));
        defs.insert("_ENV".into(), builtin(Builtin::Env));
        for (name, value) in [("_HASH", "#"), ("_BANG", "!")] {
            defs.insert(
                name.into(),
                Def {
                    value: value.into(),
                    multiline: false,
                    builtin: None,
                },
            );
        }
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
            | 1;
        Reader {
            sources: Sources::default(),
            diags: Diagnostics::default(),
            config_id: config_id.to_string(),
            include_check,
            stack: Vec::new(),
            residue: None,
            seqs: Vec::new(),
            pending: None,
            pending_stack: Vec::new(),
            multiline_seq_depth: 0,
            defs,
            defining: None,
            block_depth: 0,
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")),
            random: seed,
            current: Pos::default(),
            children: false,
            order: HashMap::new(),
            recorded: None,
            replaying: None,
            children_differ: false,
        }
    }

    /// A reader for the second pass: keepalived's parent process reads the
    /// files and writes every line, with its comment removed, to a copy the
    /// children (VRRP, checker, BFD) then read. So for the children:
    /// * comments are removed twice: an escaped `\#` or `\!` (a literal
    ///   character for the parent) starts a comment;
    /// * a line that is only a comment is an empty line, which ends a
    ///   multi-line parameter definition;
    /// * problems with included files were the parent's to report.
    ///
    /// The files the parent read are not read again.
    pub fn for_children(parent: &mut Reader) -> Reader {
        let mut r = Reader::new(&parent.config_id, 0);
        r.sources = std::mem::take(&mut parent.sources);
        r.cwd = parent.cwd.clone();
        r.random = parent.random;
        r.children = true;
        r.order = std::mem::take(&mut parent.order);
        r
    }

    /// Keep the lines handed out from now on, for `replay`.
    pub fn record(&mut self) {
        self.recorded = Some(Vec::new());
    }

    /// Whether the children, reading the copy this (parent's) reader made,
    /// would see other lines than it did.
    pub fn children_differ(&self) -> bool {
        self.children_differ
    }

    /// The lines handed out since `record`.
    pub fn recording(&mut self) -> Recording {
        Recording {
            lines: self.recorded.take().unwrap_or_default(),
            block_depth: self.block_depth,
        }
    }

    /// A children's reader (see `for_children`) that hands out `rec` again:
    /// every child reads the same copy the same way (they differ only in
    /// the keywords they act on), so the copy is read once. Problems found
    /// while reading it were reported then and are not found again.
    pub fn replay(parent: &mut Reader, rec: &Recording) -> Reader {
        let mut r = Reader::for_children(parent);
        r.block_depth = rec.block_depth;
        r.replaying = Some(rec.lines.clone().into_iter());
        r
    }

    /// Hand the files read (and their reading order) back to the reader
    /// this one was made from.
    pub fn give_back(&mut self, parent: &mut Reader) {
        parent.sources = std::mem::take(&mut self.sources);
        parent.order = std::mem::take(&mut self.order);
    }

    /// Where `pos` comes in reading order (lines never read come last).
    pub fn reading_order(&self, pos: Option<Pos>) -> usize {
        pos.and_then(|p| self.order.get(&(p.file, p.line)).copied())
            .unwrap_or(usize::MAX)
    }

    /// Seed `${_RANDOM}` (the `random_seed` keyword).
    pub fn set_random_seed(&mut self, seed: u64) {
        self.random = seed | 1;
    }

    /// Open the main configuration file (a glob, like keepalived's `-f`).
    /// Returns false when nothing could be opened.
    pub fn open_main(&mut self, pattern: &str) -> bool {
        let cwd = self.cwd.clone();
        self.open_glob(
            pattern,
            check::READ | check::MATCH | check::WILDCARD,
            &cwd,
            "",
        )
    }

    /// Unclosed `{` at the end of the input.
    pub fn open_blocks(&self) -> i32 {
        self.block_depth
    }

    pub fn report(&mut self, class: Class, pos: Option<Pos>, message: impl Into<String>) {
        let level = match class {
            Class::Warning | Class::Deprecated => Level::Warning,
            _ => Level::Error,
        };
        let mut d = Diagnostic::new(Some(class), level, message);
        d.pos = pos;
        self.diags.push(d);
    }

    fn lint(&mut self, level: Level, pos: Option<Pos>, message: impl Into<String>) {
        let mut d = Diagnostic::new(None, level, message);
        d.pos = pos;
        self.diags.push(d);
    }

    /// An include problem: an error only when the include check for it is on.
    fn include_problem(&mut self, kind: u8, pos: Option<Pos>, message: String) {
        if self.children {
            return;
        }
        let frame_type = self.stack.last().map_or(0, |f| f.include_type);
        if (self.include_check | frame_type) & kind != 0 {
            self.report(Class::FileNotFound, pos, message);
            self.diags.aborts.include_failed = true;
        } else {
            self.lint(Level::Warning, pos, message);
        }
    }

    fn open_glob(&mut self, pattern: &str, include_type: u8, base: &Path, shown_dir: &str) -> bool {
        let pos = (self.current.line > 0).then_some(self.current);
        if self.stack.len() >= MAX_INCLUDE_DEPTH {
            // Like keepalived's failure to open yet another file: an error
            // for the exit code only under a read check; always shown as one.
            let checks = self.include_check | include_type;
            self.include_problem(
                check::READ,
                pos,
                format!("include '{pattern}' is nested {MAX_INCLUDE_DEPTH} files deep (does a file include itself?): it is not read"),
            );
            if checks & check::READ == 0 {
                if let Some(d) = self.diags.items.last_mut() {
                    d.level = Level::Error;
                    d.help = Some("keepalived reads such a loop until it runs out of file descriptors, parsing the same lines hundreds of times".into());
                }
            }
            return false;
        }
        self.stack.push(Frame {
            include_type,
            saved_include_check: self.include_check,
            matches: Vec::new(),
            next: 0,
            opened: 0,
            file: None,
        });
        let result = glob::glob(pattern, base);
        let checks = self.include_check | include_type;
        if result.paths.is_empty() {
            if result.missing_files > 0 || result.missing_dirs > 0 {
                let kind = if glob::has_brace(pattern) {
                    check::BRACE
                } else {
                    check::MATCH
                };
                self.include_problem(
                    kind,
                    pos,
                    format!(
                        "no configuration file matches '{pattern}' (missing files or directories)"
                    ),
                );
            } else if result.have_wildcards && checks & check::WILDCARD != 0 {
                self.include_problem(
                    check::WILDCARD,
                    pos,
                    format!("no configuration file matches '{pattern}'"),
                );
            }
            self.stack.pop();
            return false;
        }
        if result.missing_files > 0 || result.missing_dirs > 0 {
            self.include_problem(
                check::BRACE,
                pos,
                format!("some configuration files of '{pattern}' are missing"),
            );
            if checks & check::BRACE != 0 {
                self.stack.pop();
                return false;
            }
        }
        let frame = self.stack.last_mut().expect("frame pushed above");
        frame.matches = result
            .paths
            .into_iter()
            .map(|p| {
                let real = if p.starts_with('/') {
                    PathBuf::from(&p)
                } else {
                    base.join(&p)
                };
                let shown = if p.starts_with('/') || shown_dir.is_empty() {
                    p
                } else {
                    format!("{shown_dir}/{p}")
                };
                (real, shown)
            })
            .collect();
        if !self.open_next_in_frame() {
            self.stack.pop();
            return false;
        }
        true
    }

    /// Open the next readable match of the top frame.
    fn open_next_in_frame(&mut self) -> bool {
        loop {
            let Some(frame) = self.stack.last_mut() else {
                return false;
            };
            if frame.next >= frame.matches.len() {
                return false;
            }
            let (real, shown) = frame.matches[frame.next].clone();
            frame.next += 1;
            let pos = (self.current.line > 0).then_some(self.current);
            if shown.ends_with('/') {
                self.include_problem(
                    check::READ,
                    pos,
                    format!("configuration file '{shown}' is a directory - skipping"),
                );
                continue;
            }
            let regular = std::fs::metadata(&real).map(|m| {
                use std::os::unix::fs::PermissionsExt;
                m.is_file() && m.permissions().mode() & 0o111 == 0
            });
            if !matches!(regular, Ok(true)) {
                self.include_problem(check::READ, pos, format!("configuration file '{shown}' is not a regular non-executable file - skipping"));
                continue;
            }
            // The children read what the parent read.
            let known = self.children.then(|| {
                self.sources
                    .files()
                    .iter()
                    .position(|f| f.path == real && f.display == shown)
            });
            let source = match known.flatten() {
                Some(id) => id as u32,
                None => {
                    let bytes = match std::fs::read(&real) {
                        Ok(b) => b,
                        Err(e) => {
                            self.include_problem(
                                check::READ,
                                pos,
                                format!("cannot open configuration file '{shown}': {e} - skipping"),
                            );
                            continue;
                        }
                    };
                    let text = String::from_utf8_lossy(&bytes);
                    self.sources.add(shown, real.clone(), &text)
                }
            };
            let dir = real
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from("/"));
            let dir = if dir.is_absolute() {
                dir
            } else {
                self.cwd.join(dir)
            };
            let frame = self.stack.last_mut().expect("checked above");
            frame.opened += 1;
            frame.file = Some(OpenFile {
                source,
                line: 0,
                chunk: 0,
                dir,
            });
            return true;
        }
    }

    /// Directory of the file being read (keepalived's working directory).
    fn current_dir(&self) -> PathBuf {
        self.stack
            .iter()
            .rev()
            .find_map(|f| f.file.as_ref().map(|o| o.dir.clone()))
            .unwrap_or_else(|| self.cwd.clone())
    }

    fn current_shown_dir(&self) -> String {
        let Some(file) = self.stack.iter().rev().find_map(|f| f.file.as_ref()) else {
            return String::new();
        };
        let shown = self
            .sources
            .file(file.source)
            .map_or("", |f| f.display.as_str());
        match shown.rfind('/') {
            Some(0) => "/".to_string(),
            Some(i) => shown[..i].to_string(),
            None => String::new(),
        }
    }

    /// The next physical line (or 1023-byte piece of one) from the files,
    /// with its comment removed; `None` at the end of all files.
    fn next_physical(&mut self) -> Option<(String, Pos)> {
        loop {
            let frame = self.stack.last_mut()?;
            let Some(file) = frame.file.as_mut() else {
                // Every match of this glob is done.
                let frame = self.stack.pop().expect("non-empty");
                self.include_check = frame.saved_include_check;
                continue;
            };
            let source = file.source;
            let lines = &self.sources.file(source).expect("open file").lines;
            if file.line >= lines.len() {
                // End of this file: restore the include check, go on with
                // the next match of the glob.
                let saved = frame.saved_include_check;
                frame.file = None;
                self.include_check = saved;
                if !self.open_next_in_frame() {
                    self.stack.pop();
                }
                continue;
            }
            let full = &lines[file.line];
            let (piece, last) = chunk_of(full, file.chunk);
            let piece = piece.to_string();
            let chunk = file.chunk;
            let line_no = file.line as u32 + 1;
            if last {
                file.line += 1;
                file.chunk = 0;
            } else {
                file.chunk += 1;
            }
            let offset_chars = if chunk == 0 {
                0
            } else {
                full[..chunk_start(full, chunk)].chars().count()
            };
            let pos = Pos {
                file: source,
                line: line_no,
                col: 1 + offset_chars as u32,
            };
            let next = self.order.len();
            self.order.entry((source, line_no)).or_insert(next);
            if chunk == 1 {
                self.lint(
                    Level::Warning,
                    Some(Pos { col: 0, ..pos }),
                    format!("line is longer than {} bytes: keepalived reads the rest as a separate line", MAXBUF - 1),
                );
            }
            return Some((piece, pos));
        }
    }

    /// keepalived's `read_line`: the next logical line, or `None` at the end.
    pub fn next_line(&mut self) -> Option<Line> {
        if let Some(lines) = self.replaying.as_mut() {
            let line = lines.next()?;
            self.current = line.pos;
            return Some(line);
        }
        let line = self.read_next_line()?;
        if let Some(rec) = self.recorded.as_mut() {
            rec.push(line.clone());
        }
        Some(line)
    }

    fn read_next_line(&mut self) -> Option<Line> {
        let mut line = loop {
            let mut cur = if let Some(r) = self.residue.take() {
                r
            } else if !self.seqs.is_empty() && self.seqs.len() > self.multiline_seq_depth {
                self.next_seq_line()
            } else if let Some(l) = self.next_pending_line() {
                l
            } else {
                match self.read_file_line()? {
                    Some(l) => l,
                    None => continue,
                }
            };
            self.current = cur.pos;

            if self.defining.is_some() {
                self.continue_definition(&cur.text);
                continue;
            }
            if cur.text.is_empty() {
                continue;
            }
            self.directives(&mut cur);
            if cur.text.is_empty() {
                continue;
            }
            if let Some((kind, pattern)) = lexer::include(&cur.text) {
                let include_type = match kind {
                    None => 0,
                    Some('r') => check::READ,
                    Some('a') => check::ALL,
                    Some('w') => check::READ | check::MATCH | check::WILDCARD,
                    Some('m') => check::READ | check::MATCH,
                    _ => check::READ | check::BRACE,
                };
                let pattern = pattern.trim_start_matches([' ', '\t']).to_string();
                let base = self.current_dir();
                let shown = self.current_shown_dir();
                let base = if Path::new(&pattern).is_absolute() {
                    PathBuf::from("/")
                } else {
                    base
                };
                self.open_glob(&pattern, include_type, &base, &shown);
                continue;
            }
            break cur;
        };
        self.split_braces(&mut line);
        Some(line)
    }

    /// One line from the files: `Ok(None)` for a line that reads as empty.
    #[allow(clippy::type_complexity)]
    fn read_file_line(&mut self) -> Option<Option<Line>> {
        let (raw, pos) = self.next_physical()?;
        let raw = match raw.find('\0') {
            Some(nul) => {
                self.lint(
                    Level::Warning,
                    Some(Pos { col: 0, ..pos }),
                    "line contains a NUL character: keepalived ignores the rest of the line",
                );
                &raw[..nul]
            }
            None => raw.as_str(),
        };
        if !self.children && (raw.contains("\\#") || raw.contains("\\!")) {
            self.children_differ = true;
        }
        let mut d = lexer::decomment(raw);
        if d.unterminated_quote {
            self.report(
                Class::General,
                Some(pos),
                format!("unterminated quote in '{}'", d.text),
            );
        }
        // The parent ends a multi-line definition at an empty line; the
        // children also at a line that is empty once decommented, which is
        // what the parent wrote for it.
        let blank = if self.children {
            d.text.is_empty()
        } else {
            raw.is_empty()
        };
        if !self.children && d.text.is_empty() && !blank && self.defining.is_some() {
            self.children_differ = true;
        }
        if blank {
            if let Some(name) = self.defining.take() {
                if let Some(def) = self.defs.get_mut(&name) {
                    if def.value.is_empty() {
                        def.multiline = false;
                    }
                }
            }
        }
        if self.children && !d.text.is_empty() {
            d.text = lexer::decomment(&d.text).text;
        }
        if d.text.is_empty() {
            return Some(None);
        }
        Some(Some(Line {
            text: d.text,
            pos: Pos {
                col: pos.col + d.lead as u32,
                ..pos
            },
            expanded: false,
        }))
    }

    fn next_pending_line(&mut self) -> Option<Line> {
        let p = self.pending.as_mut()?;
        let text = p.lines[p.next].clone();
        let pos = p.pos;
        p.next += 1;
        if p.next >= p.lines.len() {
            self.pending = self.pending_stack.pop();
            match &self.pending {
                Some(p) => self.multiline_seq_depth = p.seq_depth,
                None => self.multiline_seq_depth = 0,
            }
        }
        Some(Line {
            text,
            pos,
            expanded: true,
        })
    }

    fn next_seq_line(&mut self) -> Line {
        let seq = self.seqs.last_mut().expect("checked by caller");
        let (text, pos, assignments, done) = match seq {
            Seq::Range {
                var,
                next,
                step,
                last,
                hex,
                text,
                pos,
            } => {
                let value = if *hex {
                    format!("{:x}", *next)
                } else {
                    next.to_string()
                };
                let assignments = vec![(var.clone(), value)];
                *next += *step;
                let done = (*step > 0 && *next > *last) || (*step < 0 && *next < *last);
                (text.clone(), *pos, assignments, done)
            }
            Seq::List {
                vars,
                sets,
                next,
                text,
                pos,
            } => {
                let set = &sets[*next];
                let assignments = vars
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (v.clone(), set.get(i).cloned().unwrap_or_default()))
                    .collect();
                *next += 1;
                (text.clone(), *pos, assignments, *next >= sets.len())
            }
        };
        for (name, value) in assignments {
            self.define(&name, value, false);
        }
        if done {
            self.seqs.pop();
        }
        Line {
            text,
            pos,
            expanded: true,
        }
    }

    fn define(&mut self, name: &str, value: String, multiline: bool) {
        self.defs.insert(
            name.to_string(),
            Def {
                value,
                multiline,
                builtin: None,
            },
        );
    }

    /// Add a line to the multi-line definition being read.
    fn continue_definition(&mut self, text: &str) {
        let Some(name) = self.defining.clone() else {
            return;
        };
        let mut piece = text.to_string();
        let more = piece.ends_with('\\');
        if more {
            piece.pop();
            let keep = piece.trim_end_matches([' ', '\t']).len();
            piece.truncate(keep);
            piece.push('\n');
        } else {
            self.defining = None;
        }
        let Some(def) = self.defs.get_mut(&name) else {
            return;
        };
        if piece.len() >= 2 || (!piece.is_empty() && !more) {
            def.value.push_str(&piece);
        }
        if !more && def.value.is_empty() {
            def.multiline = false;
        }
    }

    /// `@ID`, `$NAME=`, `~SEQ`/`~LST` and parameter expansion, repeated while
    /// an expansion brings in another directive.
    fn directives(&mut self, cur: &mut Line) {
        let mut rounds = 0;
        loop {
            rounds += 1;
            if rounds > 100 {
                self.report(
                    Class::General,
                    Some(cur.pos),
                    "parameter expansion does not terminate (a parameter refers to itself?)",
                );
                cur.text.clear();
                return;
            }
            if cur.text.starts_with('@') {
                match lexer::conditional(&cur.text) {
                    Some(c) => {
                        let matches = c.id == self.config_id;
                        match c.rest {
                            Some((offset, rest)) if matches != c.negate => {
                                let chars = cur.text[..offset].chars().count();
                                cur.text = rest.to_string();
                                if !cur.expanded {
                                    cur.pos.col += chars as u32;
                                }
                            }
                            _ => {
                                cur.text.clear();
                                return;
                            }
                        }
                    }
                    None => {
                        cur.text.clear();
                        return;
                    }
                }
            }
            if cur.text.starts_with('$') {
                if let Some((name, value)) = lexer::definition(&cur.text) {
                    let name = name.to_string();
                    self.start_definition(&name, value);
                    cur.text.clear();
                    return;
                }
            }
            if cur.text.starts_with("~SEQ") || cur.text.starts_with("~LST") {
                if cur.text.as_bytes()[1] == b'S' {
                    self.add_seq(cur);
                } else {
                    self.add_lst(cur);
                }
                cur.text.clear();
                return;
            }
            if cur.text.starts_with('~') || !cur.text.contains('$') {
                return;
            }
            match self.expand(cur) {
                Expansion::None => return,
                Expansion::TooLong => {
                    self.report(Class::General, Some(cur.pos), format!("parameter expansion of '{}' would exceed the maximum line length of {} bytes", cur.text, MAXBUF - 1));
                    return;
                }
                Expansion::Done(text) => {
                    let d = lexer::decomment(&text);
                    cur.text = d.text;
                    cur.expanded = true;
                    if !(cur.text.starts_with('@') || cur.text.contains('$')) {
                        return;
                    }
                }
            }
        }
    }

    fn start_definition(&mut self, name: &str, value: &str) {
        let (value, multiline) = match value.strip_suffix('\\') {
            Some(v) => {
                let v = v.trim_end_matches([' ', '\t']);
                if v.is_empty() {
                    (String::new(), true)
                } else {
                    (format!("{v}\n"), true)
                }
            }
            None => (value.to_string(), false),
        };
        self.define(name, value, multiline);
        if multiline {
            self.defining = Some(name.to_string());
        }
    }

    /// Expand every `$NAME` and `${NAME}` of the line.
    fn expand(&mut self, cur: &Line) -> Expansion {
        let mut buf = cur.text.clone();
        let mut found = false;
        let mut from = 0;
        let mut substitutions = 0;
        let mut new_pending: Option<Vec<String>> = None;
        while let Some(rel) = buf[from..].find('$') {
            let at = from + rel;
            if at + 1 >= buf.len() {
                break;
            }
            let Some(r) = self.find_reference(&buf[at + 1..]) else {
                from = at + 1;
                continue;
            };
            substitutions += 1;
            if substitutions > 1000 {
                return Expansion::TooLong;
            }
            found = true;
            let def = self.defs.get(&r.name).cloned().expect("found above");
            let value = match def.builtin {
                Some(b) => self.builtin_value(&b, r.params.as_deref()),
                None => def.value.clone(),
            };
            let replacement = if def.multiline {
                let mut lines = value.split('\n').map(str::to_string);
                let first = lines.next().unwrap_or_default();
                let rest: Vec<String> = lines.collect();
                if !rest.is_empty() {
                    new_pending = Some(rest);
                }
                first
            } else {
                value
            };
            let end = at + 1 + r.len;
            if buf.len() - (end - at) + replacement.len() >= MAXBUF {
                return Expansion::TooLong;
            }
            let starts_seq = replacement.trim_start_matches([' ', '\t']).starts_with('~');
            buf.replace_range(at..end, &replacement);
            if starts_seq {
                break;
            }
            // The replacement is scanned again: expansion is recursive.
            from = at;
        }
        if !found {
            return Expansion::None;
        }
        if let Some(lines) = new_pending {
            let pending = Pending {
                lines,
                next: 0,
                pos: cur.pos,
                seq_depth: self.multiline_seq_depth,
            };
            if let Some(old) = self.pending.replace(pending) {
                self.pending_stack.push(old);
            }
            self.multiline_seq_depth = self.seqs.len();
        }
        Expansion::Done(buf)
    }

    /// The parameter referred to at the start of `s` (the text after a `$`).
    fn find_reference(&self, s: &str) -> Option<Reference> {
        let braces = s.starts_with('{');
        let body = if braces { &s[1..] } else { s };
        let first = body.chars().next()?;
        if !(first.is_ascii_alphabetic() || first == '_') {
            return None;
        }
        let name_len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        let name = &body[..name_len];
        let rest = &body[name_len..];
        let def = self.defs.get(name)?;
        let mut params = None;
        let len;
        if braces {
            let close = rest.find('}')?;
            let inside = &rest[..close];
            if !inside.is_empty() {
                let p = inside.trim_start_matches(' ');
                let allowed = match def.builtin {
                    Some(Builtin::Random) => p.chars().all(|c| c == ' ' || c.is_ascii_digit()),
                    Some(Builtin::Env) => p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    _ => p.is_empty(),
                };
                if !allowed || p.ends_with(' ') {
                    return None;
                }
                if !p.is_empty() {
                    params = Some(p.to_string());
                }
            }
            len = 1 + name_len + close + 1;
        } else {
            match rest.chars().next() {
                None | Some(' ' | '\t' | ',' | ')') => {}
                _ => return None,
            }
            len = name_len;
        }
        let at_end = s.len() == len;
        if def.multiline && !at_end {
            return None;
        }
        Some(Reference {
            name: name.to_string(),
            params,
            len,
        })
    }

    fn builtin_value(&mut self, b: &Builtin, params: Option<&str>) -> String {
        match b {
            Builtin::Pwd => self.current_dir().display().to_string(),
            Builtin::Instance => self.config_id.clone(),
            Builtin::Env => params
                .and_then(|v| std::env::var(v).ok())
                .unwrap_or_default(),
            Builtin::Random => {
                let mut nums = params
                    .unwrap_or("")
                    .split_whitespace()
                    .filter_map(|n| n.parse::<u64>().ok());
                let min = nums.next().unwrap_or(0);
                let max = nums.next().unwrap_or(32767);
                let (lo, hi) = if min <= max { (min, max) } else { (max, min) };
                // xorshift: good enough for spreading timers, no crate needed.
                self.random ^= self.random << 13;
                self.random ^= self.random >> 7;
                self.random ^= self.random << 17;
                (lo + self.random % (hi - lo + 1)).to_string()
            }
        }
    }

    fn add_seq(&mut self, cur: &Line) {
        let Some(head) = lexer::seq_head(&cur.text) else {
            self.report(
                Class::General,
                Some(cur.pos),
                format!("invalid ~SEQ definition '{}'", cur.text),
            );
            return;
        };
        let mut args = Line {
            text: head.args.to_string(),
            ..cur.clone()
        };
        if args.text.contains('$') {
            if let Expansion::Done(t) = self.expand(&args) {
                args.text = t;
            }
        }
        let nums = match parse_seq_numbers(&args.text) {
            Some(n) => n,
            None => {
                self.report(
                    Class::General,
                    Some(cur.pos),
                    format!("invalid ~SEQ definition '{}'", cur.text),
                );
                return;
            }
        };
        let (start, step, end) = match nums.as_slice() {
            [end] => (
                if *end < 0 { -1 } else { 1 },
                if *end < 1 { -1 } else { 1 },
                *end,
            ),
            [start, end] => (*start, if start <= end { 1 } else { -1 }, *end),
            [start, step, end] => {
                if *step == 0 || (start < end && *step < 0) || (start > end && *step > 0) {
                    self.report(Class::General, Some(cur.pos), format!("invalid ~SEQ values in '{}': the step must move from start towards end", cur.text));
                    return;
                }
                (*start, *step, *end)
            }
            _ => {
                self.report(
                    Class::General,
                    Some(cur.pos),
                    format!("invalid ~SEQ definition '{}'", cur.text),
                );
                return;
            }
        };
        if head.hex && (start < 0 || end < 0) {
            self.report(
                Class::General,
                Some(cur.pos),
                format!("~SEQx is only valid for positive numbers: '{}'", cur.text),
            );
            return;
        }
        self.seqs.push(Seq::Range {
            var: head.var.to_string(),
            next: start,
            step,
            last: end,
            hex: head.hex,
            text: head.text.to_string(),
            pos: cur.pos,
        });
    }

    fn add_lst(&mut self, cur: &Line) {
        let Some(head) = lexer::lst_head(&cur.text) else {
            self.report(
                Class::General,
                Some(cur.pos),
                format!("invalid ~LST specification '{}'", cur.text),
            );
            return;
        };
        if head.sets.iter().any(|s| s.len() > head.vars.len()) {
            self.report(
                Class::General,
                Some(cur.pos),
                format!(
                    "~LST specification has more values in a set than variables: '{}'",
                    cur.text
                ),
            );
            return;
        }
        self.seqs.push(Seq::List {
            vars: head.vars.iter().map(|s| s.to_string()).collect(),
            sets: head
                .sets
                .iter()
                .map(|s| s.iter().map(|v| v.to_string()).collect())
                .collect(),
            next: 0,
            text: head.text.to_string(),
            pos: cur.pos,
        });
    }

    /// Split the line at its first `{` or `}` outside double quotes; the rest
    /// becomes the next line. Counts block depth like keepalived.
    fn split_braces(&mut self, line: &mut Line) {
        let bytes = line.text.as_bytes();
        let mut brace = None;
        if bytes[0] == b'{' || bytes[0] == b'}' {
            brace = Some(0);
        } else {
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'{' | b'}' => {
                        brace = Some(i);
                        break;
                    }
                    b'"' => match line.text[i + 1..].find('"') {
                        Some(close) => i += close + 2,
                        None => break,
                    },
                    _ => i += 1,
                }
            }
        }
        if let Some(at) = brace {
            let skip = if at == 0 {
                1 + line.text[1..]
                    .bytes()
                    .take_while(|b| *b == b' ' || *b == b'\t')
                    .count()
            } else {
                0
            };
            let split = at + skip;
            if split < line.text.len() {
                let rest = line.text[split..].trim_end_matches([' ', '\t']).to_string();
                let offset = line.text[..split].chars().count();
                self.residue = Some(Line {
                    text: rest,
                    pos: line.pos_at(offset),
                    expanded: line.expanded,
                });
                line.text.truncate(split);
            }
        }
        let keep = line.text.trim_end_matches([' ', '\t']).len();
        line.text.truncate(keep);
        if line.text == "{" {
            self.block_depth += 1;
        } else if line.text == "}" {
            self.block_depth -= 1;
            if self.block_depth < 0 {
                self.report(
                    Class::UnexpectedBlockEnd,
                    Some(line.pos),
                    "extra '}' with no block to close",
                );
                self.block_depth = 0;
            }
        }
    }
}

struct Reference {
    name: String,
    params: Option<String>,
    /// Characters after the `$` that the reference takes.
    len: usize,
}

enum Expansion {
    None,
    TooLong,
    Done(String),
}

/// Byte range of the `chunk`th 1023-byte piece of a line, as `fgets` with a
/// 1024-byte buffer would read it; and whether it is the last piece.
fn chunk_of(line: &str, chunk: usize) -> (&str, bool) {
    let start = chunk_start(line, chunk);
    let end = chunk_start(line, chunk + 1);
    (&line[start..end], end >= line.len())
}

fn chunk_start(line: &str, chunk: usize) -> usize {
    let mut at = 0;
    for _ in 0..chunk {
        let mut next = (at + MAXBUF - 1).min(line.len());
        while !line.is_char_boundary(next) {
            next -= 1;
        }
        if next == at {
            return line.len();
        }
        at = next;
    }
    at
}

/// C's `strtol(s, &end, 0)`: leading blanks, sign, 0x / 0 prefixes; stops at
/// the first character that is not a digit. Returns the value and the rest.
pub fn strtol(s: &str) -> (i64, &str) {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, t2) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, digits) = if (t2.starts_with("0x") || t2.starts_with("0X"))
        && t2[2..].starts_with(|c: char| c.is_ascii_hexdigit())
    {
        (16, &t2[2..])
    } else if t2.starts_with('0') {
        (8, t2)
    } else {
        (10, t2)
    };
    let n = digits
        .find(|c: char| !c.is_digit(radix))
        .unwrap_or(digits.len());
    if n == 0 {
        return (0, s);
    }
    let v = i64::from_str_radix(&digits[..n], radix).unwrap_or(i64::MAX);
    (if neg { v.saturating_neg() } else { v }, &digits[n..])
}

/// The numbers of `~SEQ(var, a[, b[, c]])`: one to three base-0 integers
/// separated by commas.
fn parse_seq_numbers(args: &str) -> Option<Vec<i64>> {
    let mut out = Vec::new();
    let mut rest = args;
    loop {
        let (v, r) = strtol(rest);
        out.push(v);
        let r = r.trim_start_matches([' ', '\t']);
        if r.is_empty() {
            return Some(out);
        }
        if out.len() == 3 || !r.starts_with(',') {
            return None;
        }
        rest = &r[1..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    pub(crate) struct TempDir(pub PathBuf);
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    pub(crate) fn temp_dir(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let d = std::env::temp_dir().join(format!(
            "ka-pre-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let mut f = std::fs::File::create(&p).unwrap();
        f.write_all(text.as_bytes()).unwrap();
        p
    }

    fn read_all(text: &str, id: &str) -> (Vec<String>, Reader) {
        let d = temp_dir("r");
        let p = write(&d.0, "keepalived.conf", text);
        let mut r = Reader::new(id, 0);
        assert!(r.open_main(p.to_str().unwrap()));
        let mut out = Vec::new();
        while let Some(l) = r.next_line() {
            out.push(l.text);
        }
        (out, r)
    }

    fn lines(text: &str) -> Vec<String> {
        read_all(text, "node1").0
    }

    #[test]
    fn braces_split_lines() {
        assert_eq!(
            lines("vrrp_instance X {\n}\n"),
            ["vrrp_instance X", "{", "}"]
        );
        assert_eq!(
            lines("virtual_ipaddress { 10.0.0.1/24 }"),
            ["virtual_ipaddress", "{", "10.0.0.1/24", "}"]
        );
        assert_eq!(lines("} vrrp_instance Y {"), ["}", "vrrp_instance Y", "{"]);
        assert_eq!(lines(r#"auth_pass "a{b}" {"#), [r#"auth_pass "a{b}""#, "{"]);
        assert_eq!(lines("a\r\n\r\n  b\r\n"), ["a", "b"]);
    }

    #[test]
    fn extra_close_brace_is_reported() {
        let (_, r) = read_all("}\n", "n");
        assert_eq!(r.diags.worst(), Some(Class::UnexpectedBlockEnd));
        let (_, r) = read_all("a {\n", "n");
        assert_eq!(r.open_blocks(), 1);
    }

    #[test]
    fn conditionals_follow_the_config_id() {
        let text = "@node1 priority 150\n@node2 priority 100\n@^node1 weight 1\n@node1\n@^node2 state MASTER\n";
        assert_eq!(lines(text), ["priority 150", "state MASTER"]);
    }

    #[test]
    fn parameters_expand_recursively_and_leave_unknown_names() {
        let text = "$IF=eth0\n$DEV=dev $IF\ninterface $IF\nx ${DEV}x $NOPE $IF,y\n$IF=eth1\ninterface ${IF}\n";
        assert_eq!(
            lines(text),
            // the expansion is scanned again in place: `$IFx` is no parameter
            [
                "interface eth0",
                "x dev $IFx $NOPE eth0,y",
                "interface eth1"
            ]
        );
        // a bare $NAME must be followed by blank , ) or end of line
        assert_eq!(lines("$A=1\nx $A/2 ${A}/2\n"), ["x $A/2 1/2"]);
    }

    #[test]
    fn parameters_can_carry_conditionals_and_comments() {
        assert_eq!(lines("$M=@node1\n$M priority 240\n"), ["priority 240"]);
        assert_eq!(lines("$M=@node2\n$M priority 240\n"), Vec::<String>::new());
        assert_eq!(
            lines("$H=${_HASH}\nx $H y\nz \"${H}\" \"$H\"\n"),
            ["x", "z \"#\" \"$H\""]
        );
    }

    #[test]
    fn multi_line_parameters() {
        let text =
            "$BLOCK= \\\n  vrrp_instance $N { \\\n    priority 10 \\\n  }\n\n$N=VI_1\n$BLOCK\n";
        assert_eq!(lines(text), ["vrrp_instance VI_1", "{", "priority 10", "}"]);
        let text = "$V=a \\\nb\nx $V\n";
        assert_eq!(lines(text), ["x a", "b"]);
        // a multi-line parameter is only expanded at the end of a line
        assert_eq!(lines("$V=a \\\nb\n$V x\n"), ["$V x"]);
    }

    #[test]
    fn builtins() {
        let (l, _) = read_all("a ${_INSTANCE}\nb ${_BANG}\nc ${_RANDOM 5 5}\n", "lb1");
        assert_eq!(l, ["a lb1", "b", "c 5"]);
        std::env::set_var("KA_TEST_ENV_VALUE", "v42");
        assert_eq!(lines("e ${_ENV KA_TEST_ENV_VALUE}\n"), ["e v42"]);
    }

    #[test]
    fn seq_and_lst_replicate_lines() {
        assert_eq!(lines("~SEQ(i, 3) n $i\n"), ["n 1", "n 2", "n 3"]);
        assert_eq!(lines("~SEQ(i, 5, -2, 1) n $i\n"), ["n 5", "n 3", "n 1"]);
        assert_eq!(lines("~SEQx(i, 9, 11) n $i\n"), ["n 9", "n a", "n b"]);
        assert_eq!(lines("~SEQ(i 1 3) n $i\n"), ["n 1", "n 2", "n 3"]);
        assert_eq!(
            lines("~SEQ(i, 1, 2) ~SEQ(j, 1, 2) p ${i}.$j\n"),
            ["p 1.1", "p 1.2", "p 2.1", "p 2.2"]
        );
        assert_eq!(
            lines("~LST({a,b}, {1,2}, {3}) v ${a}-${b}-\n"),
            ["v 1-2-", "v 3--"]
        );
        assert_eq!(lines("$N=2\n~SEQ(i, $N) n $i\n"), ["n 1", "n 2"]);
        let (_, r) = read_all("~SEQ(i, 1, 0, 3) x\n", "n");
        assert_eq!(r.diags.worst(), Some(Class::General));
    }

    #[test]
    fn seq_over_a_multi_line_parameter() {
        let text =
            "$I= \\\nvrrp_instance VI_$i { \\\nvirtual_router_id $i \\\n}\n\n~SEQ(i, 1, 2) $I\n";
        assert_eq!(
            lines(text),
            [
                "vrrp_instance VI_1",
                "{",
                "virtual_router_id 1",
                "}",
                "vrrp_instance VI_2",
                "{",
                "virtual_router_id 2",
                "}"
            ]
        );
    }

    #[test]
    fn includes_resolve_relative_to_the_including_file() {
        let d = temp_dir("inc");
        write(&d.0, "conf.d/b.conf", "b1\ninclude sub/*.conf\n");
        write(&d.0, "conf.d/a.conf", "a1\n");
        write(&d.0, "conf.d/sub/c.conf", "c1 ${_PWD}\n");
        let main = write(&d.0, "main.conf", "m1\ninclude conf.d/{b,a}.conf\nm2\n");
        let mut r = Reader::new("n", 0);
        assert!(r.open_main(main.to_str().unwrap()));
        let mut out = Vec::new();
        while let Some(l) = r.next_line() {
            out.push(l.text);
        }
        let sub = d.0.join("conf.d/sub");
        assert_eq!(
            out,
            [
                "m1".to_string(),
                "b1".into(),
                format!("c1 {}", sub.display()),
                "a1".into(),
                "m2".into()
            ]
        );
        assert!(r.diags.items.is_empty(), "{:?}", r.diags.items);
    }

    #[test]
    fn include_checks_decide_whether_a_missing_file_is_an_error() {
        let (_, r) = read_all("include missing.conf\n", "n");
        assert_eq!(r.diags.worst(), None);
        assert_eq!(r.diags.items.len(), 1);
        let (_, r) = read_all("includem missing.conf\n", "n");
        assert_eq!(r.diags.worst(), Some(Class::FileNotFound));
        assert_eq!(r.diags.exit_code(), 6);
        let (_, r) = read_all("include nodir/*.conf\n", "n");
        assert_eq!(r.diags.exit_code(), 0);
    }

    #[test]
    fn long_lines_are_split_like_keepalived() {
        let long = format!("a {}\n", "x".repeat(1500));
        let l = lines(&long);
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].len(), 1023);
    }

    /// The lines the children read after the parent read `text`.
    fn children_lines(text: &str) -> Vec<String> {
        let d = temp_dir("c");
        let p = write(&d.0, "keepalived.conf", text);
        let mut parent = Reader::new("n", 0);
        assert!(parent.open_main(p.to_str().unwrap()));
        while parent.next_line().is_some() {}
        // The children read what the parent read, even if the file changed.
        std::fs::write(&p, "changed\n").unwrap();
        let mut r = Reader::for_children(&mut parent);
        assert!(r.open_main(p.to_str().unwrap()));
        let mut out = Vec::new();
        while let Some(l) = r.next_line() {
            out.push(l.text);
        }
        out
    }

    #[test]
    fn escaped_comment_characters_are_comments_for_the_children() {
        let text = "priority 100\\#x\n\\# alone\nrouter_id a\\!b c\nx \"a\\#b\"\n";
        assert_eq!(
            lines(text),
            [
                "priority 100#x",
                "# alone",
                "router_id a!b c",
                "x \"a\\#b\""
            ]
        );
        // Quoted text is left alone by both.
        assert_eq!(
            children_lines(text),
            ["priority 100", "router_id a", "x \"a\\#b\""]
        );
    }

    #[test]
    fn a_comment_line_ends_a_multi_line_definition_for_the_children() {
        // In the children's copy a comment line is an empty line.
        let text = "$M=$P=100 \\\n! end of M\n$M\npriority $P\n";
        assert_eq!(children_lines(text), ["priority 100"]);
        assert_eq!(lines(text), ["priority $P"]);
        let text = "$V=a \\\n   \nx $V\n";
        assert_eq!(children_lines(text), ["x a"]);
        // The parent reads on: `x $V` is the definition's last line.
        assert_eq!(lines(text), Vec::<String>::new());
    }

    #[test]
    fn a_recording_is_handed_out_again() {
        let text = "$A=1\n~SEQ(i,1,3) x$i $A {\n}\n";
        let d = temp_dir("rec");
        let p = write(&d.0, "keepalived.conf", text);
        let mut parent = Reader::new("n", 0);
        parent.record();
        assert!(parent.open_main(p.to_str().unwrap()));
        let mut first = Vec::new();
        while let Some(l) = parent.next_line() {
            first.push(l);
        }
        assert!(!parent.children_differ());
        let rec = parent.recording();
        let mut r = Reader::replay(&mut parent, &rec);
        let mut again = Vec::new();
        while let Some(l) = r.next_line() {
            assert_eq!(r.current, l.pos);
            again.push(l);
        }
        assert_eq!(first, again);
        assert_eq!(first.len(), 7);
        assert_eq!(r.open_blocks(), 2);
        // An escaped comment character makes the children's copy differ.
        let (_, r) = read_all("a \\# b\n", "n");
        assert!(r.children_differ());
    }

    #[test]
    fn include_problems_are_the_parents() {
        let text = "includem missing.conf\nx\n";
        let d = temp_dir("ip");
        let p = write(&d.0, "keepalived.conf", text);
        let mut parent = Reader::new("n", 0);
        assert!(parent.open_main(p.to_str().unwrap()));
        while parent.next_line().is_some() {}
        assert!(parent.diags.aborts.include_failed);
        let mut r = Reader::for_children(&mut parent);
        assert!(r.open_main(p.to_str().unwrap()));
        while r.next_line().is_some() {}
        assert!(r.diags.items.is_empty());
    }

    #[test]
    fn a_nul_ends_the_line() {
        let (l, r) = read_all("priority 100\0kart_bogus\n\0x\ny\n", "n");
        assert_eq!(l, ["priority 100", "y"]);
        assert_eq!(r.diags.worst(), None);
        assert_eq!(r.diags.items.len(), 2);
    }

    #[test]
    fn include_loops_stop() {
        let d = temp_dir("loop");
        let p = write(&d.0, "keepalived.conf", "include keepalived.conf\nx\n");
        let mut r = Reader::new("n", 0);
        assert!(r.open_main(p.to_str().unwrap()));
        let mut n = 0;
        while r.next_line().is_some() {
            n += 1;
        }
        assert_eq!(n, MAX_INCLUDE_DEPTH);
        // Shown as an error, but only an include check makes it one for the
        // exit code.
        assert_eq!(r.diags.worst(), None);
        assert_eq!(r.diags.count(Level::Error), 1);
        let mut r = Reader::new("n", check::READ);
        assert!(r.open_main(p.to_str().unwrap()));
        while r.next_line().is_some() {}
        assert_eq!(r.diags.worst(), Some(Class::FileNotFound));
        assert!(r.diags.aborts.include_failed);
    }

    #[test]
    fn strtol_is_c_like() {
        assert_eq!(strtol(" 0x1f,"), (31, ","));
        assert_eq!(strtol("010"), (8, ""));
        assert_eq!(strtol("-5)"), (-5, ")"));
        assert_eq!(strtol("x"), (0, "x"));
    }
}
