//! Live differential test: generated configurations must get the same exit
//! code from our `keepalived -t -f FILE` as from the real keepalived 2.2.7
//! (/usr/sbin/keepalived), both run in the same isolated environment as the
//! corpus test (tests/common/mod.rs: network namespace with lo eth0 eth1 ens33
//! ens192 eno1 enp0s3 bond0 up, host name `kacorpus`, /etc/keepalived and
//! /run/netns hidden, a fresh temporary folder per run as working directory).
//!
//! * `keywords_match_keepalived`: for every row of shared/spec/keywords.tsv
//!   (read at test time), the keyword in a minimal valid configuration with
//!   valid values, with invalid / out-of-range values, without its value, and
//!   with a typo (tests/support/keywords.rs); plus the base configurations,
//!   which keepalived must accept. Keywords 2.2.7 does not have
//!   (in_2.2.7 = no) are left out, except their typo case.
//! * `language_features_match_keepalived`: comments, quoting, braces,
//!   include, `@ID` lines (with and without -i), parameters, builtins,
//!   ~SEQ/~LST, unknown keywords and blocks, over-long lines, odd files
//!   (tests/support/features.rs).
//!
//! Each mismatch is printed with both exit codes and first messages; its
//! files are saved under target/differential/<test>/<case>/ (runnable: the
//! paths inside point there) with both outputs in outcome.txt, and listed in
//! target/differential/<test>/mismatches.tsv. Totals are always printed.
//! Not failures, but reported: cases marked as known differences (keepalived
//! bugs), and cases where keepalived itself crashed or gave two different
//! verdicts for the same input.
//!
//! Needs: root, iproute2 (`ip`), util-linux (`unshare`, `mount`), `hostname`,
//! coreutils (`timeout`), keepalived 2.2.7 at /usr/sbin/keepalived, and for the
//! keyword test the shared/spec folder next to the checkout (KART_SHARED_DIR
//! overrides). Otherwise each test says it was skipped and passes.
//! KART_DIFF_FILTER=SUBSTRING runs only the cases whose name contains it;
//! KART_DIFF_DUMP=1 also saves every case (with both outcomes) under
//! target/differential/<test>/all/; KART_JOBS=N sets the number of parallel
//! runs.

mod common;
#[path = "support/features.rs"]
mod features;
#[path = "support/keywords.rs"]
mod keywords;

use common::{
    clip, jobs, missing_prerequisite, normalize, our_binary, parallel_map, say, shared_dir, skip,
    target_dir, Code, Outcome, TempDir, TestNetns, Worker, REAL_KEEPALIVED,
};
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Cases on which we deliberately give another exit code than keepalived
/// 2.2.7 because its verdict is a bug: (case name, reason).
const DELIBERATE_DIFFERENCES: &[(&str, &str)] = &[
    // VRRP side
    (
        "kw.top level.vrrp_instance.missing-value",
        "2.2.7 crashes (SIGSEGV) on a vrrp_instance without a name; we report the missing name and skip the block (exit 5)",
    ),
    // checker/language side
    (
        "feat.include.missing_main_file",
        "2.2.7 -t exits 0 when the main configuration file is missing (4 only with -e); nothing was checked, so we say 4",
    ),
    (
        "kw.top level.bfd_instance.missing-value",
        "2.2.7 crashes (SIGSEGV) on a bfd_instance without a name; we report the missing name (exit 2)",
    ),
    (
        "kw.bfd_instance.neighbor_ip.missing-value",
        "2.2.7 crashes (SIGSEGV) on neighbor_ip without a value; we report the missing value (exit 2)",
    ),
    (
        "kw.bfd_instance.neighbour_ip.missing-value",
        "2.2.7 crashes (SIGSEGV) on neighbour_ip without a value; we report the missing value (exit 2)",
    ),
    (
        "kw.real_server.HTTP_GET.invalid-no_url",
        "2.2.7 crashes (SIGSEGV) on an HTTP_GET without url; we drop the checker with an error (exit 5)",
    ),
    (
        "kw.real_server.HTTP_GET.missing-value",
        "2.2.7 crashes (SIGSEGV) on an HTTP_GET without url; we drop the checker with an error (exit 5)",
    ),
    (
        "kw.real_server.SSL_GET.invalid-no_url",
        "2.2.7 crashes (SIGSEGV) on an SSL_GET without url; we drop the checker with an error (exit 5)",
    ),
    (
        "kw.real_server.SSL_GET.missing-value",
        "2.2.7 crashes (SIGSEGV) on an SSL_GET without url; we drop the checker with an error (exit 5)",
    ),
    (
        "kw.HTTP_GET.url.invalid-no_path",
        "2.2.7 crashes (SIGSEGV) when an HTTP_GET's only url has no path; we drop the checker with an error (exit 5)",
    ),
    (
        "kw.HTTP_GET.url.missing-value",
        "2.2.7 crashes (SIGSEGV) when an HTTP_GET's only url has no path; we drop the checker with an error (exit 5)",
    ),
    (
        "kw.SSL_GET.url.invalid-no_path",
        "2.2.7 crashes (SIGSEGV) when an SSL_GET's only url has no path; we drop the checker with an error (exit 5)",
    ),
    (
        "kw.SSL_GET.url.missing-value",
        "2.2.7 crashes (SIGSEGV) when an SSL_GET's only url has no path; we drop the checker with an error (exit 5)",
    ),
];

/// A file (or, with `content` None, a folder) of a case.
pub struct CaseFile {
    pub path: String,
    pub content: Option<Vec<u8>>,
    pub mode: Option<u32>,
}

impl CaseFile {
    pub fn new(path: &str, text: &str) -> CaseFile {
        CaseFile::bytes(path, text.as_bytes().to_vec())
    }
    pub fn bytes(path: &str, content: Vec<u8>) -> CaseFile {
        CaseFile {
            path: path.to_string(),
            content: Some(content),
            mode: None,
        }
    }
    pub fn dir(path: &str) -> CaseFile {
        CaseFile {
            path: path.to_string(),
            content: None,
            mode: None,
        }
    }
}

/// One generated configuration (with its helper files) and how to run it.
pub struct Case {
    /// Unique, usable as a folder name.
    pub name: String,
    /// For the per-group counts.
    pub group: String,
    /// `@DIR@` in a file stands for the folder the case runs in.
    pub files: Vec<CaseFile>,
    /// The file given to -f (relative to the case folder; it need not exist).
    pub main: String,
    /// Options after `-t -f FILE` (e.g. `-i node1`).
    pub args: Vec<String>,
    /// Set when keepalived's verdict here is known to be a bug.
    pub known_difference: Option<&'static str>,
}

impl Case {
    fn key(&self) -> Vec<u8> {
        let mut k = Vec::new();
        for f in &self.files {
            k.extend_from_slice(f.path.as_bytes());
            k.push(0);
            k.extend_from_slice(f.content.as_deref().unwrap_or(b"<dir>"));
            k.extend_from_slice(format!("{:?}", f.mode).as_bytes());
            k.push(0);
        }
        k.extend_from_slice(self.main.as_bytes());
        k.push(0);
        k.extend_from_slice(self.args.join("\0").as_bytes());
        k
    }
}

fn replace_bytes(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

/// Writes the case's files into `dir`; returns the path of its main file.
fn materialize(case: &Case, dir: &Path) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let dir_s = dir.to_string_lossy().into_owned();
    for f in &case.files {
        let p = dir.join(&f.path);
        match &f.content {
            None => fs::create_dir_all(&p)?,
            Some(c) => {
                if let Some(parent) = p.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(&p, replace_bytes(c, b"@DIR@", dir_s.as_bytes()))?;
            }
        }
        if let Some(m) = f.mode {
            fs::set_permissions(&p, fs::Permissions::from_mode(m))?;
        }
    }
    Ok(dir.join(&case.main))
}

/// Runs `bin` on the case in a fresh folder; the first output line has the
/// folder replaced by DIR.
fn run_fresh(worker: &mut Worker, bin: &Path, case: &Case) -> (Outcome, String) {
    let tmp = match TempDir::new("diff") {
        Ok(t) => t,
        Err(e) => return (harness(format!("temp dir: {e}")), String::new()),
    };
    let main = match materialize(case, &tmp.path) {
        Ok(m) => m,
        Err(e) => {
            return (
                harness(format!("writing the case files: {e}")),
                String::new(),
            )
        }
    };
    let out = worker.run(bin, &tmp.path, &main, &case.args);
    let first = normalize(&out.first_line(), &tmp.path, &main);
    let out = Outcome {
        stderr: normalize(&out.stderr, &tmp.path, &main),
        stdout: normalize(&out.stdout, &tmp.path, &main),
        ..out
    };
    (out, first)
}

fn harness(msg: String) -> Outcome {
    Outcome {
        code: Code::Harness(msg),
        stdout: String::new(),
        stderr: String::new(),
        elapsed: Default::default(),
    }
}

struct Verdicts {
    ours: Outcome,
    our_first: String,
    theirs: Outcome,
    their_first: String,
    /// keepalived's code on a second run, when the first disagreed with ours.
    theirs_again: Option<Code>,
}

/// Up to this many mismatches, keepalived runs each of them a second time to
/// tell real differences from nondeterministic verdicts (with many, the
/// parser is simply unfinished and the second runs would only cost time).
const RERUN_LIMIT: usize = 300;

fn run_case(worker: &mut Result<Worker, String>, case: &Case) -> Verdicts {
    let worker = match worker {
        Ok(w) => w,
        Err(e) => {
            return Verdicts {
                ours: harness(e.clone()),
                our_first: String::new(),
                theirs: harness(e.clone()),
                their_first: String::new(),
                theirs_again: None,
            }
        }
    };
    let (ours, our_first) = run_fresh(worker, &our_binary(), case);
    let (theirs, their_first) = run_fresh(worker, Path::new(REAL_KEEPALIVED), case);
    Verdicts {
        ours,
        our_first,
        theirs,
        their_first,
        theirs_again: None,
    }
}

/// Folder name for a case (block names contain '/' and blanks).
fn safe_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Saves a case for a person to re-run: files with @DIR@ pointing at the
/// saved folder, plus both outputs.
fn save_case(root: &Path, case: &Case, v: &Verdicts) -> PathBuf {
    let dir = root.join(safe_name(&case.name));
    let _ = fs::remove_dir_all(&dir);
    let _ = fs::create_dir_all(&dir);
    let _ = materialize(case, &dir);
    let args = if case.args.is_empty() {
        String::new()
    } else {
        format!(" {}", case.args.join(" "))
    };
    let outcome = format!(
        "case: {}\nrun: keepalived -t -f {}{args}   (in the test namespace: host name kacorpus, interfaces lo {})\n\
         ours: {}\nkeepalived: {}{}\n--- our stderr\n{}--- our stdout\n{}--- keepalived stderr\n{}--- keepalived stdout\n{}",
        case.name,
        dir.join(&case.main).display(),
        common::IFACES.join(" "),
        v.ours.code,
        v.theirs.code,
        v.theirs_again.as_ref().map(|c| format!(" (second run: {c})")).unwrap_or_default(),
        v.ours.stderr,
        v.ours.stdout,
        v.theirs.stderr,
        v.theirs.stdout,
    );
    let _ = fs::write(dir.join("outcome.txt"), outcome);
    dir.join(&case.main)
}

/// What a result means for the test.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Agree,
    Mismatch,
    Known,
    KeepalivedCrash,
    KeepalivedFlaky,
    Harness,
}

fn classify(case: &Case, v: &Verdicts, deliberate: &HashMap<&str, &str>) -> Kind {
    if matches!(v.ours.code, Code::Harness(_))
        || matches!(v.theirs.code, Code::Harness(_) | Code::Timeout)
    {
        return Kind::Harness;
    }
    if v.ours.code == v.theirs.code {
        return Kind::Agree;
    }
    if case.known_difference.is_some() || deliberate.contains_key(case.name.as_str()) {
        return Kind::Known;
    }
    if matches!(v.theirs.code, Code::Signal(_)) {
        return Kind::KeepalivedCrash;
    }
    if v.theirs_again.as_ref().is_some_and(|c| *c != v.theirs.code) {
        return Kind::KeepalivedFlaky;
    }
    Kind::Mismatch
}

/// The block part of a keyword case name (`kw.BLOCK.KEYWORD.VARIANT`), or the
/// feature family.
fn family(name: &str) -> String {
    let parts: Vec<&str> = name.splitn(3, '.').collect();
    match parts.as_slice() {
        ["kw", block, _] => format!("block {block}"),
        ["feat", fam, _] => format!("feature {}", fam.split('.').next().unwrap_or(fam)),
        _ => name.to_string(),
    }
}

/// Runs the cases, prints and saves the results; panics on mismatches.
fn run_and_report(test: &str, tag: &str, cases: Vec<Case>, excluded: Vec<(String, String)>) {
    let filter = std::env::var("KART_DIFF_FILTER").unwrap_or_default();
    let cases: Vec<Case> = cases
        .into_iter()
        .filter(|c| c.name.contains(&filter))
        .collect();
    if cases.is_empty() {
        return skip(
            test,
            &format!("no case matches KART_DIFF_FILTER={filter:?}"),
        );
    }
    let ns = match TestNetns::create(tag) {
        Ok(ns) => ns,
        Err(e) => return skip(test, &format!("cannot create the network namespaces: {e}")),
    };
    if let Some(w) = &ns.warning {
        say(&format!("{test}: warning: {w}"));
    }
    let save_root = target_dir().join("differential").join(tag);
    let _ = fs::remove_dir_all(&save_root);

    // Identical inputs (same files, same options) run once.
    let mut first_of: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut unique: Vec<usize> = Vec::new();
    let mut rep: Vec<usize> = Vec::with_capacity(cases.len());
    for (i, c) in cases.iter().enumerate() {
        let k = c.key();
        let j = *first_of.entry(k).or_insert_with(|| {
            unique.push(i);
            i
        });
        rep.push(j);
    }
    let start = Instant::now();
    let mut ran: Vec<(usize, Verdicts)> = parallel_map(
        unique,
        jobs(),
        || ns.worker(),
        |w, i| (i, run_case(w, &cases[i])),
    );
    let differing: Vec<usize> = ran
        .iter()
        .enumerate()
        .filter(|(_, (_, v))| v.ours.code != v.theirs.code && v.theirs.code.exit().is_some())
        .map(|(k, _)| k)
        .collect();
    let rerun_note = if differing.len() <= RERUN_LIMIT {
        let again = parallel_map(
            differing.clone(),
            jobs(),
            || ns.worker(),
            |w, k| {
                let code = match w {
                    Ok(w) => {
                        run_fresh(w, Path::new(REAL_KEEPALIVED), &cases[ran[k].0])
                            .0
                            .code
                    }
                    Err(e) => Code::Harness(e.clone()),
                };
                (k, code)
            },
        );
        for (k, code) in again {
            ran[k].1.theirs_again = Some(code);
        }
        format!("keepalived re-ran the {} differing cases", differing.len())
    } else {
        format!(
            "more than {RERUN_LIMIT} differing cases: keepalived's verdicts were not re-checked for nondeterminism"
        )
    };
    let elapsed = start.elapsed();
    drop(ns);
    let by_case: HashMap<usize, &Verdicts> = ran.iter().map(|(i, v)| (*i, v)).collect();

    let deliberate: HashMap<&str, &str> = DELIBERATE_DIFFERENCES.iter().copied().collect();
    let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
    let mut details = String::new();
    let mut index = String::from("case\tours\tkeepalived\tkeepalived_first\tour_first\tconfig\n");
    let mut pairs: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_group: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut per_family: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut others: Vec<String> = Vec::new();
    let mut base_problems: Vec<String> = Vec::new();
    let mut valid_rejected = String::from("case\tkeepalived\tkeepalived_first\n");
    let mut valid_rejected_n = 0;
    let dump_all = std::env::var_os("KART_DIFF_DUMP").is_some();
    let mut lines_differ = String::from("case\tcode\tflagged lines\n");
    let mut lines_differ_n = 0;
    for (i, case) in cases.iter().enumerate() {
        let v = by_case[&rep[i]];
        let kind = classify(case, v, &deliberate);
        *counts.entry(kind).or_default() += 1;
        let g = per_group.entry(case.group.clone()).or_default();
        g.0 += 1;
        let f = per_family.entry(family(&case.name)).or_default();
        f.0 += 1;
        if case.group == "base" && v.theirs.code != Code::Exit(0) {
            base_problems.push(format!(
                "{}: keepalived says {}: {}",
                case.name, v.theirs.code, v.their_first
            ));
        }
        if case.name.contains(".valid-") && v.theirs.code != Code::Exit(0) {
            valid_rejected_n += 1;
            valid_rejected.push_str(&format!(
                "{}\t{}\t{}\n",
                case.name, v.theirs.code, v.their_first
            ));
        }
        if dump_all {
            save_case(&save_root.join("all"), case, v);
        }
        if kind == Kind::Agree && v.theirs.code != Code::Exit(0) {
            if let Some(diff) = common::flagged_lines_differ(
                &format!("{}{}", v.theirs.stderr, v.theirs.stdout),
                &format!("{}{}", v.ours.stderr, v.ours.stdout),
            ) {
                lines_differ_n += 1;
                lines_differ.push_str(&format!("{}\t{}\t{diff}\n", case.name, v.theirs.code));
            }
        }
        match kind {
            Kind::Agree => {}
            Kind::Mismatch => {
                g.1 += 1;
                f.1 += 1;
                *pairs
                    .entry(format!(
                        "keepalived {} -> ours {}",
                        v.theirs.code, v.ours.code
                    ))
                    .or_default() += 1;
                let path = save_case(&save_root, case, v);
                details.push_str(&format!(
                    "{}: ours {}, keepalived {}\n    keepalived: {}\n    ours:       {}\n    config:     {}{}\n",
                    case.name,
                    v.ours.code,
                    v.theirs.code,
                    or_none(&v.their_first),
                    or_none(&clip(&v.our_first, 200)),
                    path.display(),
                    if case.args.is_empty() { String::new() } else { format!(" {}", case.args.join(" ")) },
                ));
                index.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\n",
                    case.name,
                    v.ours.code,
                    v.theirs.code,
                    v.their_first.replace('\t', " "),
                    clip(&v.our_first, 300),
                    path.display()
                ));
            }
            Kind::Known => others.push(format!(
                "known difference {}: ours {}, keepalived {}: {}",
                case.name,
                v.ours.code,
                v.theirs.code,
                case.known_difference
                    .or_else(|| deliberate.get(case.name.as_str()).copied())
                    .unwrap_or("")
            )),
            Kind::KeepalivedCrash => {
                let path = save_case(&save_root, case, v);
                others.push(format!(
                    "keepalived crashed ({}) on {} (ours {}): {}",
                    v.theirs.code,
                    case.name,
                    v.ours.code,
                    path.display()
                ));
            }
            Kind::KeepalivedFlaky => {
                let path = save_case(&save_root, case, v);
                others.push(format!(
                    "keepalived is nondeterministic on {}: {} then {} (ours {}): {}",
                    case.name,
                    v.theirs.code,
                    v.theirs_again
                        .as_ref()
                        .map(|c| c.to_string())
                        .unwrap_or_default(),
                    v.ours.code,
                    path.display()
                ));
            }
            Kind::Harness => others.push(format!(
                "HARNESS ERROR on {}: ours {}, keepalived {}",
                case.name, v.ours.code, v.theirs.code
            )),
        }
    }
    let n = |k: Kind| counts.get(&k).copied().unwrap_or(0);
    let summary = format!(
        "{test}: {} cases ({} distinct runs pairs), {} agree, {} differ, {} known differences, \
         {} keepalived crashes, {} keepalived nondeterministic, {} harness errors, {} excluded; {:.1} s",
        cases.len(),
        ran.len(),
        n(Kind::Agree),
        n(Kind::Mismatch),
        n(Kind::Known),
        n(Kind::KeepalivedCrash),
        n(Kind::KeepalivedFlaky),
        n(Kind::Harness),
        excluded.len(),
        elapsed.as_secs_f64()
    );
    say(&summary);
    say(&format!("  {rerun_note}"));
    for o in &others {
        say(&format!("  {o}"));
    }
    for b in &base_problems {
        say(&format!(
            "  WARNING: base configuration not accepted by keepalived: {b}"
        ));
    }
    if valid_rejected_n > 0 {
        let _ = fs::create_dir_all(&save_root);
        let p = save_root.join("valid-rejected.tsv");
        let _ = fs::write(&p, valid_rejected);
        say(&format!(
            "  note: keepalived rejects {valid_rejected_n} 'valid-*' cases (value templates that are not valid on this host; listed in {})",
            p.display()
        ));
    }
    if lines_differ_n > 0 {
        let _ = fs::create_dir_all(&save_root);
        let p = save_root.join("agree-but-lines-differ.tsv");
        let _ = fs::write(&p, lines_differ);
        say(&format!(
            "  note: {lines_differ_n} agreements on a non-zero code miss a line keepalived flags in the main file (maybe agreeing by coincidence; listed in {})",
            p.display()
        ));
    }
    if !excluded.is_empty() {
        let _ = fs::create_dir_all(&save_root);
        let p = save_root.join("excluded.tsv");
        let text: String = excluded
            .iter()
            .map(|(w, r)| format!("{w}\t{r}\n"))
            .collect();
        let _ = fs::write(&p, text);
        say(&format!(
            "  {} excluded items with reasons: {}",
            excluded.len(),
            p.display()
        ));
    }
    if n(Kind::Mismatch) == 0 && n(Kind::Harness) == 0 {
        return;
    }
    let _ = fs::create_dir_all(&save_root);
    let index_path = save_root.join("mismatches.tsv");
    let _ = fs::write(&index_path, index);
    let mut out = String::new();
    out.push_str(&format!(
        "Cases with another exit code than keepalived ({}):\n",
        n(Kind::Mismatch)
    ));
    out.push_str(&details);
    out.push_str("\nMismatches per (keepalived -> ours):\n");
    for (p, c) in &pairs {
        out.push_str(&format!("  {p}: {c}\n"));
    }
    out.push_str("\nMismatches per kind of case (mismatches / cases):\n");
    for (g, (total, bad)) in &per_group {
        out.push_str(&format!("  {g}: {bad} / {total}\n"));
    }
    out.push_str("\nMismatches per block or feature (mismatches / cases):\n");
    for (g, (total, bad)) in &per_family {
        if *bad > 0 {
            out.push_str(&format!("  {g}: {bad} / {total}\n"));
        }
    }
    out.push_str(&format!(
        "\nIndex of all mismatches: {}\n",
        index_path.display()
    ));
    println!("{out}");
    say(&format!("  mismatch index: {}", index_path.display()));
    panic!("{summary}");
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "(no output)".into()
    } else {
        s.to_string()
    }
}

/// Common skip conditions; None when the test can run.
fn cannot_run() -> Option<String> {
    if let Some(why) = missing_prerequisite() {
        return Some(why);
    }
    if !Path::new(REAL_KEEPALIVED).is_file() {
        return Some(format!(
            "{REAL_KEEPALIVED} is not installed (apt-get install keepalived)"
        ));
    }
    None
}

#[test]
fn keywords_match_keepalived() {
    const TEST: &str = "keywords_match_keepalived";
    if let Some(why) = cannot_run() {
        return skip(TEST, &why);
    }
    let Some(tsv) = shared_dir()
        .map(|d| d.join("spec/keywords.tsv"))
        .filter(|p| p.is_file())
    else {
        return skip(
            TEST,
            "no shared/spec/keywords.tsv next to the checkout (KART_SHARED_DIR overrides)",
        );
    };
    let text = fs::read_to_string(&tsv).expect("keywords.tsv readable");
    let rows = keywords::parse_tsv(&text);
    assert!(!rows.is_empty(), "{} has no rows", tsv.display());
    let (mut cases, excluded) = keywords::cases(&rows);
    cases.extend(keywords::base_cases());
    let excluded = excluded.into_iter().map(|e| (e.what, e.reason)).collect();
    say(&format!(
        "{TEST}: {} keyword rows from {} ({} core, {} common)",
        rows.len(),
        tsv.display(),
        rows.iter().filter(|r| r.tier == "core").count(),
        rows.iter().filter(|r| r.tier == "common").count()
    ));
    run_and_report(TEST, "keywords", cases, excluded);
}

#[test]
fn language_features_match_keepalived() {
    const TEST: &str = "language_features_match_keepalived";
    if let Some(why) = cannot_run() {
        return skip(TEST, &why);
    }
    run_and_report(TEST, "features", features::cases(), features::excluded());
}
