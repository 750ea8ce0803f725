//! The man pages in man/: keepalived.conf(5) documents every keyword the
//! parser accepts, in the section of its block, with the marks the page
//! promises; and groff and man render every page without complaint.
//!
//! How keepalived.conf(5) is read: a keyword entry is a `.TP` item whose tag
//! line (the line after `.TP`) starts with the keyword, after the roff
//! macro, quotes and font escapes are taken away (`.BI "priority " N`,
//! `\fBtrack_script {\fR ...`). An entry belongs to the section (`.SH` or
//! `.SS`) it is in, and a section says which blocks it documents with a
//! comment line `.\" keywords-of: BLOCK ...` after its heading. A block is
//! named by the last part of its path (`url` for HTTP_GET/url), `top` for
//! the top level; `ipaddress-option`, `route-option` and `rule-option` name
//! the options of address, route and rule entries.
//!
//! The keywords come from the parser itself (`tables::all_keywords()` and
//! the `support` field of the tables), read when the test runs, so that a
//! keyword added to a table without documentation fails here. The entry
//! options of addresses, routes and rules are not in a table: they are the
//! words the option loops of src/config/vrrp/{ipaddr,route,rule}.rs match
//! (`match opt.as_str()` arms and `opt == "..."` / `word == "..."` tests),
//! plus the option rows of shared/spec/keywords.tsv when that file is
//! there.

mod common;

use common::{say, shared_dir, skip};
use keepalived_rs::config::parser::{Keyword, Support};
use keepalived_rs::config::tables;
use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const NOT_ACTED_ON: &str = "(recognised; not acted on yet)";
const NOT_IN_227: &str = "(not in keepalived 2.2.7)";
/// Terminal width the pages must fit.
const WIDTH: usize = 80;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn man_dir() -> PathBuf {
    root().join("man")
}

fn conf_page() -> PathBuf {
    man_dir().join("keepalived.conf.5")
}

/// Every man page in man/ (files named NAME.SECTION).
fn pages() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(man_dir())
        .expect("man/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| x.len() == 1 && x.chars().all(|c| c.is_ascii_digit()))
        })
        .collect();
    v.sort();
    v
}

// ---- reading the page -------------------------------------------------------

#[derive(Debug, Default)]
struct Section {
    title: String,
    blocks: Vec<String>,
}

#[derive(Debug)]
struct Entry {
    section: usize,
    tag: String,
    /// Line number of the tag line (1-based).
    line: usize,
    /// The entry's text: tag and body up to the next item or paragraph.
    text: String,
}

#[derive(Debug, Default)]
struct Page {
    sections: Vec<Section>,
    entries: Vec<Entry>,
}

impl Page {
    /// The entries for `word` in the sections that document `block`.
    fn find(&self, block: &str, word: &str) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.tag == word && self.sections[e.section].blocks.iter().any(|b| b == block))
            .collect()
    }
}

/// Text with roff escapes and quotes taken away, as a reader sees it.
fn plain(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            continue;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            // font changes: \fB \fI \fR \fP \f(XX \f[...]
            Some('f') => match chars.next() {
                Some('(') => {
                    chars.next();
                    chars.next();
                }
                Some('[') => {
                    for c in chars.by_ref() {
                        if c == ']' {
                            break;
                        }
                    }
                }
                _ => {}
            },
            Some('-') => out.push('-'),
            Some('e') => out.push('\\'),
            Some('~') | Some(' ') => out.push(' '),
            // zero-width: \& \% \c
            Some('&') | Some('%') | Some('c') => {}
            Some('(') => {
                chars.next();
                chars.next();
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// The keyword an entry's tag line starts with.
fn tag_word(line: &str) -> String {
    let rest = if line.starts_with('.') {
        line.split_once(char::is_whitespace).map_or("", |(_, r)| r)
    } else {
        line
    };
    plain(rest)
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string()
}

fn parse_page(text: &str) -> Page {
    let mut page = Page {
        sections: vec![Section {
            title: "(before the first heading)".into(),
            blocks: Vec::new(),
        }],
        entries: Vec::new(),
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut open: Option<Entry> = None;
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        let macro_name = l
            .strip_prefix('.')
            .map(|r| r.split_whitespace().next().unwrap_or(""));
        if let Some(blocks) = l.strip_prefix(".\\\" keywords-of:") {
            let sec = page.sections.last_mut().expect("a section");
            sec.blocks = blocks.split_whitespace().map(str::to_string).collect();
            i += 1;
            continue;
        }
        if l.starts_with(".\\\"") {
            i += 1;
            continue;
        }
        match macro_name {
            Some("SH") | Some("SS") => {
                page.entries.extend(open.take());
                page.sections.push(Section {
                    title: plain(l[3..].trim()),
                    blocks: Vec::new(),
                });
            }
            Some("PP") | Some("P") | Some("LP") => {
                page.entries.extend(open.take());
            }
            Some("TP") => {
                page.entries.extend(open.take());
                // The tag is the next line that is not a comment.
                let mut j = i + 1;
                while j < lines.len() && lines[j].starts_with(".\\\"") {
                    j += 1;
                }
                if j < lines.len() {
                    open = Some(Entry {
                        section: page.sections.len() - 1,
                        tag: tag_word(lines[j]),
                        line: j + 1,
                        text: plain(lines[j]),
                    });
                }
                i = j + 1;
                continue;
            }
            _ => {
                if let Some(e) = open.as_mut() {
                    e.text.push(' ');
                    e.text.push_str(&plain(l));
                }
            }
        }
        i += 1;
    }
    page.entries.extend(open.take());
    page
}

fn read_conf_page() -> Page {
    let path = conf_page();
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse_page(&text)
}

// ---- what the parser accepts --------------------------------------------------

/// The block a keyword path names: its last part, `top` at the top level.
fn block_id(path: &str) -> String {
    path.rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("top")
        .to_string()
}

/// Whether each keyword (by path and name) is acted on, from the tables.
fn support_map() -> HashMap<(String, &'static str), Support> {
    fn walk(
        table: &'static [Keyword],
        path: &str,
        depth: usize,
        out: &mut HashMap<(String, &'static str), Support>,
    ) {
        for k in table {
            out.insert((path.to_string(), k.name), k.support);
            if let (Some(sub), true) = (k.sub, depth < 6) {
                let p = if path.is_empty() {
                    k.name.to_string()
                } else {
                    format!("{path}/{}", k.name)
                };
                walk(sub, &p, depth + 1, out);
            }
        }
    }
    let mut out = HashMap::new();
    walk(tables::root(), "", 0, &mut out);
    out
}

/// A keyword of the tables: its block, name, full path and support.
struct TableKeyword {
    block: String,
    name: &'static str,
    path: String,
    support: Support,
}

fn table_keywords() -> Vec<TableKeyword> {
    let support = support_map();
    tables::all_keywords()
        .into_iter()
        .map(|(path, name)| TableKeyword {
            block: block_id(&path),
            support: support
                .get(&(path.clone(), name))
                .copied()
                .unwrap_or(Support::Full),
            name,
            path,
        })
        .collect()
}

/// The words matched by the option loops of one entry parser: the arms of
/// every `match opt.as_str() {` and the `opt == "..."` / `word == "..."`
/// tests.
fn scan_entry_options(file: &str) -> BTreeSet<String> {
    let path = root().join(file);
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let literals = |s: &str| -> Vec<String> {
        s.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let mut found = BTreeSet::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        for var in ["opt", "word"] {
            let pat = format!("{var} == \"");
            let mut rest = l;
            while let Some(at) = rest.find(&pat) {
                let after = &rest[at + pat.len()..];
                if let Some(end) = after.find('"') {
                    found.insert(after[..end].to_string());
                }
                rest = after;
            }
        }
        if l.trim_end().ends_with("match opt.as_str() {") {
            let base = indent(l);
            let mut arm: Option<usize> = None;
            let mut j = i + 1;
            while j < lines.len() {
                let m = lines[j];
                if m.trim().is_empty() {
                    j += 1;
                    continue;
                }
                if indent(m) <= base && m.trim_start().starts_with('}') {
                    break;
                }
                let a = *arm.get_or_insert(indent(m));
                if indent(m) == a && m.trim_start().starts_with('"') {
                    let head = m.split("=>").next().unwrap_or("");
                    let head = head.split(" if ").next().unwrap_or("");
                    found.extend(literals(head));
                }
                j += 1;
            }
        }
        i += 1;
    }
    found
}

/// keywords.tsv, when the shared folder is next to the checkout.
fn keywords_tsv() -> Option<(PathBuf, String)> {
    let p = shared_dir()?.join("spec/keywords.tsv");
    let text = fs::read_to_string(&p).ok()?;
    Some((p, text))
}

/// The rows of keywords.tsv: (block, keyword, in keepalived 2.2.7, meaning).
fn tsv_rows(text: &str) -> Vec<(String, String, bool, String)> {
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() >= 7).then(|| {
                (
                    c[0].to_string(),
                    c[1].to_string(),
                    c[4].trim() != "no",
                    c[6].to_string(),
                )
            })
        })
        .collect()
}

/// The block id of a keywords.tsv block name.
fn tsv_block(block: &str) -> String {
    match block {
        "top level" => "top".into(),
        b => block_id(b),
    }
}

/// The options of address, route and rule entries, by block id.
fn entry_options() -> Vec<(&'static str, BTreeSet<String>)> {
    let mut sets = vec![
        (
            "ipaddress-option",
            scan_entry_options("src/config/vrrp/ipaddr.rs"),
        ),
        (
            "route-option",
            scan_entry_options("src/config/vrrp/route.rs"),
        ),
        ("rule-option", scan_entry_options("src/config/vrrp/rule.rs")),
    ];
    for (block, set) in &sets {
        assert!(
            set.len() >= 10,
            "only {} options of {block} found in the source ({set:?}): the option \
             loop no longer looks like `match opt.as_str() {{`; update \
             scan_entry_options in tests/man_pages.rs",
            set.len()
        );
    }
    if let Some((_, text)) = keywords_tsv() {
        for (block, keyword, _, _) in tsv_rows(&text) {
            // Rows like `<IP>[/<LEN>]` describe the entry, not an option.
            if keyword.contains(['<', '[']) {
                continue;
            }
            if let Some((_, set)) = sets.iter_mut().find(|(b, _)| *b == block) {
                set.insert(keyword);
            }
        }
    }
    sets
}

// ---- the tests ------------------------------------------------------------------

#[test]
fn every_keyword_has_an_entry_in_its_section() {
    let page = read_conf_page();
    let mut missing = Vec::new();
    let keywords = table_keywords();
    assert!(keywords.len() > 300, "the keyword tables look empty");
    for k in &keywords {
        if page.find(&k.block, k.name).is_empty() {
            let at = if k.path.is_empty() {
                "the top level".to_string()
            } else {
                format!("'{}'", k.path)
            };
            missing.push(format!("{} in {at} (block id '{}')", k.name, k.block));
        }
    }
    for (block, options) in entry_options() {
        for o in options {
            if page.find(block, &o).is_empty() {
                missing.push(format!("{o} (an option of {block})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keepalived.conf(5) has no entry for {} keyword(s); add a `.TP` entry \
         starting with the keyword to a section marked `.\\\" keywords-of: BLOCK`:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

#[test]
fn entries_name_keywords_of_their_block() {
    let page = read_conf_page();
    let keywords = table_keywords();
    let table_blocks: BTreeSet<&str> = keywords.iter().map(|k| k.block.as_str()).collect();
    let accepted: BTreeSet<(&str, &str)> = keywords
        .iter()
        .map(|k| (k.block.as_str(), k.name))
        .collect();
    let mut stale = Vec::new();
    for e in &page.entries {
        let blocks = &page.sections[e.section].blocks;
        // Sections that also document entry options, directives or value
        // blocks are not checked: those words are not in the tables.
        if blocks.is_empty() || !blocks.iter().all(|b| table_blocks.contains(b.as_str())) {
            continue;
        }
        if !blocks
            .iter()
            .any(|b| accepted.contains(&(b.as_str(), e.tag.as_str())))
        {
            stale.push(format!(
                "line {}: '{}' in section '{}' (blocks {})",
                e.line,
                e.tag,
                page.sections[e.section].title,
                blocks.join(" ")
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "keepalived.conf(5) documents keywords the parser does not accept there:\n  {}",
        stale.join("\n  ")
    );
}

#[test]
fn keywords_not_acted_on_are_marked() {
    let page = read_conf_page();
    let keywords = table_keywords();
    let mut by_block: HashMap<(&str, &str), Vec<Support>> = HashMap::new();
    for k in &keywords {
        by_block
            .entry((k.block.as_str(), k.name))
            .or_default()
            .push(k.support);
    }
    let mut unmarked = Vec::new();
    let mut stale = Vec::new();
    for e in &page.entries {
        let blocks = &page.sections[e.section].blocks;
        let supports: Vec<Support> = blocks
            .iter()
            .filter_map(|b| by_block.get(&(b.as_str(), e.tag.as_str())))
            .flatten()
            .copied()
            .collect();
        if supports.is_empty() {
            continue;
        }
        let marked = e.text.contains(NOT_ACTED_ON);
        let any_not_acted_on = supports.contains(&Support::NotActedOn);
        if any_not_acted_on && !marked {
            unmarked.push(format!("line {}: {}", e.line, e.tag));
        } else if !any_not_acted_on && marked {
            stale.push(format!("line {}: {}", e.line, e.tag));
        }
    }
    let mut msg = String::new();
    if !unmarked.is_empty() {
        msg += &format!(
            "these entries are for keywords registered with .not_acted_on() but lack \
             \"{NOT_ACTED_ON}\":\n  {}\n",
            unmarked.join("\n  ")
        );
    }
    if !stale.is_empty() {
        msg += &format!(
            "these entries say \"{NOT_ACTED_ON}\" but the keyword is acted on now; \
             remove the mark:\n  {}\n",
            stale.join("\n  ")
        );
    }
    assert!(msg.is_empty(), "keepalived.conf(5): {msg}");
}

#[test]
fn keywords_newer_than_keepalived_2_2_7_are_marked() {
    const TEST: &str = "keywords_newer_than_keepalived_2_2_7_are_marked";
    let Some((path, text)) = keywords_tsv() else {
        return skip(
            TEST,
            "no shared/spec/keywords.tsv next to the checkout (KART_SHARED_DIR overrides)",
        );
    };
    let page = read_conf_page();
    // (block, keyword) -> in keepalived 2.2.7, for installed keywords.
    let mut in_227: HashMap<(String, String), bool> = HashMap::new();
    for (block, keyword, yes, meaning) in tsv_rows(&text) {
        // Rows for words no keepalived parser installs are not keywords.
        if block == "parser-directive" || meaning.starts_with("NOT ") {
            continue;
        }
        in_227.insert((tsv_block(&block), keyword), yes);
    }
    assert!(!in_227.is_empty(), "{} has no rows", path.display());
    let mut unmarked = Vec::new();
    let mut wrong = Vec::new();
    for e in &page.entries {
        let verdicts: Vec<bool> = page.sections[e.section]
            .blocks
            .iter()
            .filter_map(|b| in_227.get(&(b.clone(), e.tag.clone())))
            .copied()
            .collect();
        if verdicts.is_empty() {
            continue;
        }
        let marked = e.text.contains(NOT_IN_227);
        let newer = verdicts.iter().any(|y| !y);
        if newer && !marked {
            unmarked.push(format!("line {}: {}", e.line, e.tag));
        } else if !newer && marked {
            wrong.push(format!("line {}: {}", e.line, e.tag));
        }
    }
    assert!(
        unmarked.is_empty() && wrong.is_empty(),
        "keepalived.conf(5) and {}: entries lacking \"{NOT_IN_227}\": {:?}; \
         entries marked although keepalived 2.2.7 has the keyword: {:?}",
        path.display(),
        unmarked,
        wrong
    );
}

/// The test above must be able to fail: an entry taken out of the page is
/// reported, and a keyword of a section is not found in another block's
/// section.
#[test]
fn the_coverage_check_notices_a_missing_entry() {
    let text = fs::read_to_string(conf_page()).expect("page readable");
    let page = parse_page(&text);
    assert_eq!(page.find("vrrp_instance", "priority").len(), 1);
    assert!(page.find("global_defs", "priority").is_empty());
    let without = text.replacen(".BI \"priority \" N\n", ".BI \"priorityx \" N\n", 1);
    assert_ne!(without, text, "the priority entry was not found to remove");
    let page = parse_page(&without);
    assert!(page.find("vrrp_instance", "priority").is_empty());
    // Tags are found whatever way they are written.
    for (line, word) in [
        (".BI \"include \" PATTERN", "include"),
        (
            "\\fBstatic_ipaddress {\\fR \\fIADDRESS-ENTRY\\fR",
            "static_ipaddress",
        ),
        (".BR smtp_alert \" [\\fIBOOL\\fR]\"", "smtp_alert"),
        (".B \\-nodad", "-nodad"),
        (".BI \"tunnel\\-id \" N", "tunnel-id"),
    ] {
        assert_eq!(tag_word(line), word, "{line}");
    }
}

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn groff_finds_no_problems() {
    const TEST: &str = "groff_finds_no_problems";
    if !have("groff") {
        return skip(
            TEST,
            "groff is not installed (apt-get install groff-base); the man pages were not checked",
        );
    }
    for page in pages() {
        let out = Command::new("groff")
            .args(["-man", "-ww", "-z"])
            .arg(&page)
            .output()
            .expect("groff runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.trim().is_empty(),
            "groff -man -ww -z {}: {}\n{stderr}",
            page.display(),
            out.status
        );
    }
}

#[test]
fn man_renders_the_pages_in_80_columns() {
    const TEST: &str = "man_renders_the_pages_in_80_columns";
    if !have("man") {
        return skip(
            TEST,
            "man is not installed (apt-get install man-db); the rendering was not checked",
        );
    }
    for page in pages() {
        let out = Command::new("man")
            .arg("-l")
            .arg(&page)
            .env("MANWIDTH", WIDTH.to_string())
            .env("MAN_KEEP_FORMATTING", "")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("LC_ALL", "C")
            .output()
            .expect("man runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stdout.contains("NAME") && stderr.trim().is_empty(),
            "man -l {}: {}\n{stderr}",
            page.display(),
            out.status
        );
        let wide: Vec<String> = stdout
            .lines()
            .enumerate()
            .filter(|(_, l)| l.chars().count() > WIDTH)
            .map(|(n, l)| format!("{}: {l}", n + 1))
            .collect();
        assert!(
            wide.is_empty(),
            "{} renders lines wider than {WIDTH} columns:\n{}",
            page.display(),
            wide.join("\n")
        );
        say(&format!(
            "{TEST}: {} renders to {} lines",
            page.display(),
            stdout.lines().count()
        ));
    }
}
