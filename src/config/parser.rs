//! The keyword parser: reads logical lines and dispatches them through
//! keyword tables, block by block, exactly as keepalived's `process_stream`
//! does (including its handling of unknown blocks), while building the typed
//! model in [`Ctx::cfg`].

use super::diag::{Class, Diagnostic, Level};
use super::host::Host;
use super::lexer::{self, Word};
use super::model::Config;
use super::preproc::{Line, Reader};
use super::source::Pos;
use super::values::{self, NumError};

/// A keyword handler stopped because a required word was missing. keepalived
/// exits (status 2) when this happens; we record it and read on, so that one
/// run reports every problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missing;

pub type Res = Result<(), Missing>;
pub type Handler = fn(&mut Ctx, &Args) -> Res;

/// keepalived reads the configuration once per process: its parent with
/// only the global keywords active, then each child (checker, VRRP, BFD)
/// with its own, from a copy the parent wrote (see `Reader::for_children`).
/// Each skips the blocks of the others by counting braces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    Parent,
    Checker,
    Vrrp,
    Bfd,
}

/// How far keepalived-rs carries out a keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Parsed into the model and acted on.
    Full,
    /// Parsed and checked, but the daemon does not act on it yet: a warning
    /// says so whenever it is used.
    NotActedOn,
}

/// One entry of a keyword table.
#[derive(Clone, Copy)]
pub struct Keyword {
    pub name: &'static str,
    pub handler: Option<Handler>,
    /// The keywords of the block this keyword opens.
    pub sub: Option<&'static [Keyword]>,
    /// Run when the block closes normally.
    pub close: Option<fn(&mut Ctx)>,
    pub support: Support,
}

impl Keyword {
    pub const fn leaf(name: &'static str, handler: Handler) -> Self {
        Keyword {
            name,
            handler: Some(handler),
            sub: None,
            close: None,
            support: Support::Full,
        }
    }

    pub const fn block(
        name: &'static str,
        handler: Option<Handler>,
        sub: &'static [Keyword],
        close: Option<fn(&mut Ctx)>,
    ) -> Self {
        Keyword {
            name,
            handler,
            sub: Some(sub),
            close,
            support: Support::Full,
        }
    }

    /// Mark the keyword as recognised but not acted on yet.
    pub const fn not_acted_on(mut self) -> Self {
        self.support = Support::NotActedOn;
        self
    }
}

/// A keyword line split into words, with the line's origin.
#[derive(Debug, Clone)]
pub struct Args {
    pub line: Line,
    pub words: Vec<Word>,
}

impl Args {
    pub fn new(line: Line, words: Vec<Word>) -> Self {
        Args { line, words }
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn keyword(&self) -> &str {
        self.words.first().map_or("", |w| w.text.as_str())
    }

    /// Word `i`, if present.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.words.get(i).map(|w| w.text.as_str())
    }

    /// Word `i`, which keepalived requires (its `strvec_slot`).
    pub fn req(&self, i: usize) -> Result<&str, Missing> {
        self.get(i).ok_or(Missing)
    }

    /// The words from `i` on.
    pub fn rest(&self, i: usize) -> impl Iterator<Item = &str> {
        self.words.iter().skip(i).map(|w| w.text.as_str())
    }

    /// Position of word `i` (or of the line when there is no such word).
    pub fn pos(&self, i: usize) -> Pos {
        match self.words.get(i) {
            Some(w) => self.line.pos_at(w.col),
            None => self.line.pos,
        }
    }

    /// The raw text of the line, for keywords that re-tokenise it.
    pub fn raw(&self) -> &str {
        &self.line.text
    }

    /// Shell-like words of the raw line (script keywords). On a quoting
    /// error the error is returned for the caller to report.
    pub fn script_words(&self) -> Result<Vec<String>, lexer::ScriptLexError> {
        lexer::script_words(&self.line.text)
    }

    /// An `Args` for the words from `i` on (e.g. the entry of a one-line value
    /// block), keeping positions.
    pub fn slice(&self, i: usize) -> Args {
        Args {
            line: self.line.clone(),
            words: self.words.iter().skip(i).cloned().collect(),
        }
    }
}

/// The parsing context every keyword handler gets.
pub struct Ctx<'h> {
    pub reader: Reader,
    pub cfg: Config,
    pub host: &'h dyn Host,
    /// Outside `-t`, keepalived keeps an in-range value from an invalid number
    /// for keywords that tolerate errors.
    pub lenient: bool,
    skip_sublevel: i32,
    /// The last line was an unknown keyword: a `{` after it opens a body
    /// keepalived reads at the enclosing level.
    after_unknown: Option<(String, Pos)>,
    /// Names of the blocks being read, outermost first.
    pub path: Vec<&'static str>,
    /// The default script user, resolved on first use.
    pub scripts: super::script::ScriptState,
    /// Which of keepalived's passes is being made; `None` (the default)
    /// reads every keyword in one pass.
    pub pass: Option<Pass>,
}

impl<'h> Ctx<'h> {
    pub fn new(reader: Reader, host: &'h dyn Host, lenient: bool) -> Self {
        Ctx {
            reader,
            cfg: Config::default(),
            host,
            lenient,
            skip_sublevel: 0,
            after_unknown: None,
            path: Vec::new(),
            scripts: Default::default(),
            pass: None,
        }
    }

    /// Start a pass over the configuration with `reader`.
    pub fn start_pass(&mut self, reader: Reader, pass: Pass) -> Reader {
        self.skip_sublevel = 0;
        self.after_unknown = None;
        self.path.clear();
        self.pass = Some(pass);
        std::mem::replace(&mut self.reader, reader)
    }

    /// Whether the process of this pass reads top-level keyword `name`.
    fn reads(&self, name: &str) -> bool {
        let of = |table: &[Keyword]| table.iter().any(|k| k.name == name);
        // Both the checker and the VRRP process use these.
        let shared = matches!(name, "bfd_instance" | "track_file" | "vrrp_track_file");
        match self.pass {
            None => true,
            Some(Pass::Parent) => of(super::global::ROOT),
            Some(Pass::Checker) => of(super::check::ROOT) || shared,
            Some(Pass::Vrrp) => {
                of(super::vrrp::track::ROOT)
                    || of(super::vrrp::statics::ROOT)
                    || of(super::vrrp::instance::ROOT)
                    || shared
            }
            Some(Pass::Bfd) => of(super::bfd::ROOT),
        }
    }

    // ---- diagnostics ---------------------------------------------------

    fn push(
        &mut self,
        class: Option<Class>,
        level: Level,
        pos: Option<Pos>,
        len: usize,
        msg: String,
    ) -> &mut Diagnostic {
        let mut d = Diagnostic::new(class, level, msg);
        d.pos = pos;
        d.len = len as u32;
        self.reader.diags.push(d)
    }

    /// A problem keepalived reports, at word `i` of `a`.
    pub fn error(
        &mut self,
        class: Class,
        a: &Args,
        i: usize,
        msg: impl Into<String>,
    ) -> &mut Diagnostic {
        let level = match class {
            Class::Warning | Class::Deprecated => Level::Warning,
            _ => Level::Error,
        };
        let len = a.words.get(i).map_or(0, |w| w.text.chars().count());
        let expanded = a.line.expanded.then(|| a.line.text.clone());
        let d = self.push(Some(class), level, Some(a.pos(i)), len, msg.into());
        d.expanded = expanded;
        d
    }

    /// A problem keepalived reports, not tied to a line.
    pub fn error_at(
        &mut self,
        class: Class,
        pos: Option<Pos>,
        msg: impl Into<String>,
    ) -> &mut Diagnostic {
        let level = match class {
            Class::Warning | Class::Deprecated => Level::Warning,
            _ => Level::Error,
        };
        self.push(Some(class), level, pos, 0, msg.into())
    }

    /// Our own warning: keepalived accepts this silently, so it never changes
    /// the verdict.
    pub fn lint(&mut self, a: &Args, i: usize, msg: impl Into<String>) -> &mut Diagnostic {
        let len = a.words.get(i).map_or(0, |w| w.text.chars().count());
        self.push(None, Level::Warning, Some(a.pos(i)), len, msg.into())
    }

    /// Our own warning not tied to a line.
    pub fn lint_at(&mut self, pos: Option<Pos>, msg: impl Into<String>) -> &mut Diagnostic {
        self.push(None, Level::Warning, pos, 0, msg.into())
    }

    // ---- values ----------------------------------------------------------

    fn number<T>(
        &mut self,
        a: &Args,
        i: usize,
        r: Result<T, NumError>,
        ignore_error: bool,
        conv: impl Fn(u64) -> T,
    ) -> Option<T> {
        self.number_with(a, i, r, ignore_error && self.lenient, conv)
    }

    /// `keep`: use an in-range value of a malformed number anyway.
    fn number_with<T>(
        &mut self,
        a: &Args,
        i: usize,
        r: Result<T, NumError>,
        keep: bool,
        conv: impl Fn(u64) -> T,
    ) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                let what = a.keyword().to_string();
                self.error(Class::InvalidNumber, a, i, format!("{what}: {}", e.message));
                if e.accepted || keep {
                    e.value.map(conv)
                } else {
                    None
                }
            }
        }
    }

    /// keepalived's `read_unsigned_strvec`.
    pub fn unsigned(
        &mut self,
        a: &Args,
        i: usize,
        min: u32,
        max: u32,
        ignore_error: bool,
    ) -> Result<Option<u32>, Missing> {
        let r = values::unsigned(a.req(i)?, 10, min, max);
        Ok(self.number(a, i, r, ignore_error, |v| v as u32))
    }

    /// `read_unsigned_base_strvec` with base 0 (hex and octal prefixes).
    pub fn unsigned_base0(
        &mut self,
        a: &Args,
        i: usize,
        min: u32,
        max: u32,
        ignore_error: bool,
    ) -> Result<Option<u32>, Missing> {
        let r = values::unsigned(a.req(i)?, 0, min, max);
        Ok(self.number(a, i, r, ignore_error, |v| v as u32))
    }

    /// keepalived's `read_unsigned64_strvec`.
    pub fn unsigned64(
        &mut self,
        a: &Args,
        i: usize,
        min: u64,
        max: u64,
        ignore_error: bool,
    ) -> Result<Option<u64>, Missing> {
        let r = values::unsigned64(a.req(i)?, min, max);
        Ok(self.number(a, i, r, ignore_error, |v| v))
    }

    /// keepalived's `read_int_strvec`.
    pub fn int(
        &mut self,
        a: &Args,
        i: usize,
        min: i32,
        max: i32,
        ignore_error: bool,
    ) -> Result<Option<i32>, Missing> {
        let r = values::int(a.req(i)?, min, max);
        Ok(self.number(a, i, r, ignore_error, |v| v as i32))
    }

    /// keepalived's `read_decimal_unsigned_strvec`.
    pub fn decimal(
        &mut self,
        a: &Args,
        i: usize,
        min: u64,
        max: u64,
        places: u32,
        ignore_error: bool,
    ) -> Result<Option<u64>, Missing> {
        let r = values::decimal(a.req(i)?, min, max, places);
        // Unlike the integer readers, keepalived keeps an in-range value of a
        // malformed decimal even under -t.
        Ok(self.number_with(a, i, r, ignore_error, |v| v))
    }

    /// keepalived's `read_timer`: seconds with up to 6 decimals, in µs.
    pub fn timer(
        &mut self,
        a: &Args,
        i: usize,
        min_us: u64,
        max_us: u64,
        ignore_error: bool,
    ) -> Result<Option<u64>, Missing> {
        let r = values::timer(a.req(i)?, min_us, max_us);
        Ok(self.number_with(a, i, r, ignore_error, |v| v))
    }

    /// An optional boolean after the keyword: no word means `true`; an
    /// invalid word is reported with `msg` and gives `None`.
    pub fn opt_bool(&mut self, a: &Args, i: usize) -> Option<bool> {
        match a.get(i) {
            None => Some(true),
            Some(w) => match values::boolean(w) {
                Some(b) => Some(b),
                None => {
                    let kw = a.keyword().to_string();
                    self.error(
                        Class::General,
                        a,
                        i,
                        format!("{kw}: invalid value '{w}': expected true|on|yes or false|off|no"),
                    );
                    None
                }
            },
        }
    }

    // ---- blocks ----------------------------------------------------------

    /// Skip the body of the block this keyword opens (keepalived's
    /// `skip_block(true)`).
    pub fn skip_block(&mut self) {
        self.skip_sublevel = -1;
    }

    /// Skip the rest of the current block (keepalived's `skip_block(false)`).
    pub fn skip_rest_of_block(&mut self) {
        self.skip_sublevel = 1;
    }

    /// keepalived's `alloc_value_block`: the entries of a value block
    /// (`virtual_ipaddress { ... }` and the like), one `Args` per line.
    pub fn value_block(&mut self, a: &Args) -> Vec<Args> {
        self.value_block_ex(a).0
    }

    /// `value_block`, also saying whether the block was not opened right
    /// after the keyword (extra words, or no '{' on the next line).
    pub fn value_block_ex(&mut self, a: &Args) -> (Vec<Args>, bool) {
        let mut misplaced = false;
        let mut entries = Vec::new();
        let mut need_bob = true;
        let mut first: Option<Args> = None;
        if a.len() > 1 {
            if a.get(1) == Some("{") {
                need_bob = false;
                if a.len() > 2 {
                    let mut rest = a.slice(2);
                    let ends = rest.words.last().is_some_and(|w| w.text == "}");
                    if ends {
                        rest.words.pop();
                    }
                    if !rest.is_empty() {
                        entries.push(rest);
                    }
                    if ends {
                        return (entries, false);
                    }
                }
            } else {
                misplaced = true;
                let kw = a.keyword().to_string();
                let extra = a.get(1).unwrap_or("").to_string();
                self.error(
                    Class::General,
                    a,
                    1,
                    format!("block '{kw}' takes no parameters; '{extra}' ... is ignored"),
                );
            }
        }
        let _ = first.take();
        while let Some(line) = self.reader.next_line() {
            let Some(mut args) = self.tokenise(line) else {
                continue;
            };
            if need_bob {
                need_bob = false;
                if args.keyword() == "{" {
                    if args.len() == 1 {
                        continue;
                    }
                    args.words.remove(0);
                } else {
                    misplaced = true;
                    let kw = a.keyword().to_string();
                    // keepalived only logs this; it is not a configuration error.
                    self.lint(&args, 0, format!("'{{' missing at the beginning of block '{kw}': this line is read as its first entry"));
                }
            }
            if args.words.last().is_some_and(|w| w.text == "}") {
                if args.len() == 1 {
                    break;
                }
                args.words.pop();
                entries.push(args);
                break;
            }
            entries.push(args);
        }
        (entries, misplaced)
    }

    /// Split a line into words, reporting an unmatched quote.
    fn tokenise(&mut self, line: Line) -> Option<Args> {
        let (words, unmatched) = lexer::words(&line.text);
        let args = Args::new(line, words);
        if unmatched {
            let n = args.len();
            self.error(
                Class::UnmatchedQuote,
                &args,
                n,
                "unmatched '\"': the rest of the line is ignored",
            );
        }
        (!args.is_empty()).then_some(args)
    }

    // ---- the driver ------------------------------------------------------

    /// keepalived's `process_stream`. Returns true when a skipped block ended
    /// this level.
    pub fn process(&mut self, table: &'static [Keyword], mut need_bob: bool, level: usize) -> bool {
        while let Some(line) = self.reader.next_line() {
            let Some(args) = self.tokenise(line) else {
                continue;
            };
            let word = args.keyword().to_string();

            if self.skip_sublevel == -1 {
                if word == "{" {
                    self.skip_sublevel = 1;
                    need_bob = false;
                    continue;
                }
                self.skip_sublevel = 0;
            }
            if self.skip_sublevel > 0 {
                let mut last = "";
                for w in &args.words {
                    last = &w.text;
                    if w.text == "{" {
                        self.skip_sublevel += 1;
                    } else if w.text == "}" {
                        self.skip_sublevel -= 1;
                        if self.skip_sublevel == 0 {
                            break;
                        }
                    }
                }
                if last == "}" && self.skip_sublevel == 0 && level > 0 {
                    return true;
                }
                continue;
            }

            let after_unknown = self.after_unknown.take();
            if need_bob {
                need_bob = false;
                if word == "{" && level > 0 {
                    continue;
                }
                let block = self.path.last().copied().unwrap_or("");
                self.error(Class::MissingBlockStart, &args, 0, format!("'{{' missing after '{block}': the block's body is read at the enclosing level"));
            } else if word == "{" {
                let d = self.error(
                    Class::UnexpectedBlockStart,
                    &args,
                    0,
                    "unexpected '{' - ignored",
                );
                if let Some((unknown, _)) = after_unknown {
                    d.help = Some(format!(
                        "'{unknown}' is not a keyword here, so keepalived reads its body as part of the enclosing block, and its '}}' closes the enclosing block"
                    ));
                }
                continue;
            }

            if word == "}" && level > 0 {
                return false;
            }

            match table.iter().find(|k| k.name == word) {
                Some(kw) => self.dispatch(kw, args, level),
                None => self.unknown_keyword(table, &args),
            }
        }
        false
    }

    fn dispatch(&mut self, kw: &'static Keyword, mut args: Args, level: usize) {
        if level == 0 && !self.reads(kw.name) {
            // Another process's keyword: keepalived skips the block after it
            // without looking at it (if no '{' follows, the next line is read
            // normally).
            let opens = args.len() > 1 && args.words.last().is_some_and(|w| w.text == "{");
            self.skip_sublevel = if opens { 1 } else { -1 };
            return;
        }
        let mut bob_needed = false;
        if kw.sub.is_some() {
            if args.words.len() > 1 && args.words.last().is_some_and(|w| w.text == "{") {
                args.words.pop();
            } else {
                bob_needed = true;
            }
        }
        if kw.support == Support::NotActedOn {
            self.lint(
                &args,
                0,
                format!(
                    "'{}' is recognised, but keepalived-rs does not act on it yet",
                    kw.name
                ),
            );
        }
        if let Some(handler) = kw.handler {
            if handler(self, &args).is_err() {
                self.missing_parameter(&args);
            }
        }
        if let Some(sub) = kw.sub {
            self.path.push(kw.name);
            let skipped = self.process(sub, bob_needed, level + 1);
            self.path.pop();
            if !skipped {
                if let Some(close) = kw.close {
                    close(self);
                }
            }
        }
    }

    fn missing_parameter(&mut self, args: &Args) {
        let kw = args.keyword().to_string();
        let n = args.len();
        let d = self.error(
            Class::MissingParameter,
            args,
            n,
            format!("'{kw}' is missing a parameter after word {n}"),
        );
        d.help = Some("keepalived stops reading the configuration here and exits".into());
        self.reader.diags.aborts.missing_parameter = true;
    }

    fn unknown_keyword(&mut self, table: &'static [Keyword], args: &Args) {
        let word = args.keyword().to_string();
        let block = self.path.last().copied();
        let place = block.map_or("at the top level".to_string(), |b| format!("in '{b}'"));
        // Old names people still write, and what this block calls them.
        const RENAMED: &[(&str, &str)] = &[("nb_get_retry", "retry")];
        let renamed = RENAMED
            .iter()
            .find(|(old, new)| *old == word && table.iter().any(|k| k.name == *new))
            .map(|(old, new)| format!("'{old}' is an old name; here it is '{new}'"));
        let help = renamed
            .or_else(|| suggest(&word, table).map(|s| format!("did you mean '{s}'?")))
            .or_else(|| self.misplaced_help(&word));
        let d = self.error(
            Class::UnknownKeyword,
            args,
            0,
            format!("unknown keyword '{word}' {place}"),
        );
        d.help = help;
        self.after_unknown = Some((word, args.pos(0)));
    }
}

impl Ctx<'_> {
    /// Help for a keyword that is valid, but in another block.
    fn misplaced_help(&self, word: &str) -> Option<String> {
        let owners = super::tables::blocks_with(word);
        if owners.is_empty() {
            return None;
        }
        if let Some(enclosing) = self.path.iter().rev().find(|b| owners.contains(b)) {
            return Some(format!(
                "'{word}' is a keyword of the enclosing '{enclosing}' block: is a '}}' missing before it?"
            ));
        }
        let list = owners
            .iter()
            .map(|o| format!("'{o}'"))
            .collect::<Vec<_>>()
            .join(", ");
        Some(if self.path.is_empty() {
            format!("'{word}' is a keyword of {list}, not of the top level: was its block closed early by an extra '}}', or by the '}}' of an unknown block above?")
        } else {
            format!("'{word}' is a keyword of {list} only")
        })
    }
}

/// The keyword of `table` closest to `word`, if it is close enough to be a
/// likely typo.
pub fn suggest(word: &str, table: &[Keyword]) -> Option<&'static str> {
    closest(word, table.iter().map(|k| k.name))
}

/// The candidate closest to `word` by edit distance, if close enough to be
/// a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 4);
    candidates
        .into_iter()
        .map(|k| (edit_distance(word, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Damerau-Levenshtein distance (with adjacent transpositions).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_typos() {
        assert_eq!(edit_distance("virtual_router_id", "virtual_router_id"), 0);
        assert_eq!(edit_distance("virtual_routr_id", "virtual_router_id"), 1);
        assert_eq!(edit_distance("prioirty", "priority"), 1);
        assert_eq!(edit_distance("abc", ""), 3);
    }
}
