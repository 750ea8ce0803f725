//! Corpus parity: for every real-world configuration of
//! shared/corpus/realworld/*.conf, `keepalived -t -f FILE` of our binary must
//! exit with the same code as keepalived 2.2.7.
//!
//! keepalived's verdict is computed live when /usr/sbin/keepalived exists,
//! otherwise taken from realworld/VERDICTS.tsv (recorded by
//! shared/corpus/run-keepalived-verdicts.sh). Both binaries run in the
//! environment that script describes (see tests/common/mod.rs): a network
//! namespace with lo eth0 eth1 ens33 ens192 eno1 enp0s3 bond0 up, host name
//! `kacorpus`, /etc/keepalived and /run/netns hidden, the file copied alone
//! into a fresh temporary folder that is also the working directory, no -i.
//!
//! Needs: root, iproute2 (`ip`), util-linux (`unshare`, `mount`), `hostname`,
//! coreutils (`timeout`); keepalived 2.2.7 for the live verdicts. Without root,
//! without the corpus folder, or when namespaces cannot be created, the test
//! says it was skipped and passes.
//!
//! On failure it prints, per file, both exit codes, keepalived's first message
//! and our first diagnostic line, then counts per (keepalived, ours) pair.
//! KART_CORPUS_FILTER=SUBSTRING restricts the run to matching file names;
//! KART_LIVE=0 compares with VERDICTS.tsv even when keepalived is installed.

mod common;

use common::{
    clip, jobs, missing_prerequisite, normalize, our_binary, parallel_map, say, shared_dir, skip,
    Code, Outcome, TempDir, TestNetns, Worker, REAL_KEEPALIVED,
};
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Files on which we deliberately give another exit code than keepalived
/// 2.2.7, because its verdict there is a bug: (file name, reason).
const DELIBERATE_DIFFERENCES: &[(&str, &str)] = &[];

/// One line of VERDICTS.tsv.
struct Recorded {
    code: i32,
    first_message: String,
}

fn read_recorded(corpus: &Path) -> HashMap<String, Recorded> {
    let mut map = HashMap::new();
    let Ok(text) = fs::read_to_string(corpus.join("VERDICTS.tsv")) else {
        return map;
    };
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.splitn(4, '\t').collect();
        if cols.len() < 2 {
            continue;
        }
        if let Ok(code) = cols[1].parse() {
            map.insert(
                cols[0].to_string(),
                Recorded {
                    code,
                    first_message: cols.get(3).unwrap_or(&"").to_string(),
                },
            );
        }
    }
    map
}

/// Copies `conf` alone into a fresh folder and runs `bin -t -f` on it there.
fn run_one(worker: &mut Result<Worker, String>, bin: &Path, conf: &Path) -> (Outcome, String) {
    let worker = match worker {
        Ok(w) => w,
        Err(e) => return (harness_failure(e.clone()), String::new()),
    };
    let name = conf.file_name().unwrap_or_default();
    let tmp = match TempDir::new("corpus") {
        Ok(t) => t,
        Err(e) => return (harness_failure(format!("temp dir: {e}")), String::new()),
    };
    let file = tmp.path.join(name);
    if let Err(e) = fs::copy(conf, &file) {
        return (harness_failure(format!("copy: {e}")), String::new());
    }
    let out = worker.run(bin, &tmp.path, &file, &[]);
    let first = normalize(&out.first_line(), &tmp.path, &file);
    let out = Outcome {
        stderr: normalize(&out.stderr, &tmp.path, &file),
        stdout: normalize(&out.stdout, &tmp.path, &file),
        ..out
    };
    (out, first)
}

fn harness_failure(msg: String) -> Outcome {
    Outcome {
        code: Code::Harness(msg),
        stdout: String::new(),
        stderr: String::new(),
        elapsed: Default::default(),
    }
}

struct Row {
    file: String,
    ours: Code,
    our_first: String,
    theirs: Code,
    their_first: String,
    /// Lines flagged by each, when both agree on a non-zero code but flag
    /// other lines (live runs only).
    lines_differ: Option<String>,
    /// keepalived's recorded code, when it differs from the live one.
    drift: Option<i32>,
}

#[test]
fn corpus_verdicts_match_keepalived() {
    const TEST: &str = "corpus_verdicts_match_keepalived";
    if let Some(why) = missing_prerequisite() {
        return skip(TEST, &why);
    }
    let Some(corpus) = shared_dir()
        .map(|s| s.join("corpus/realworld"))
        .filter(|d| d.is_dir())
    else {
        return skip(
            TEST,
            "no corpus folder (shared/corpus/realworld next to the checkout; KART_SHARED_DIR overrides)",
        );
    };
    let live = Path::new(REAL_KEEPALIVED).is_file()
        && std::env::var("KART_LIVE").map_or(true, |v| v != "0");
    let recorded = read_recorded(&corpus);
    if !live && recorded.is_empty() {
        return skip(
            TEST,
            &format!(
                "neither {REAL_KEEPALIVED} nor {}/VERDICTS.tsv",
                corpus.display()
            ),
        );
    }
    let filter = std::env::var("KART_CORPUS_FILTER").unwrap_or_default();
    let mut files: Vec<PathBuf> = fs::read_dir(&corpus)
        .expect("corpus folder readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "conf") && p.is_file())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(&filter))
        .collect();
    files.sort();
    if files.is_empty() {
        return skip(TEST, &format!("no *.conf in {}", corpus.display()));
    }
    let ns = match TestNetns::create("corpus") {
        Ok(ns) => ns,
        Err(e) => return skip(TEST, &format!("cannot create the network namespaces: {e}")),
    };
    if let Some(w) = &ns.warning {
        say(&format!("{TEST}: warning: {w}"));
    }

    let start = Instant::now();
    let ours_bin = our_binary();
    let real = PathBuf::from(REAL_KEEPALIVED);
    let rows: Vec<Row> = parallel_map(
        files,
        jobs(),
        || ns.worker(),
        |worker, conf| {
            let file = conf.file_name().unwrap().to_string_lossy().into_owned();
            let (ours, our_first) = run_one(worker, &ours_bin, &conf);
            let rec = recorded.get(&file);
            let mut lines_differ = None;
            let (theirs, their_first, drift) = if live {
                let (out, first) = run_one(worker, &real, &conf);
                let drift = rec.map(|r| r.code).filter(|c| out.code.exit() != Some(*c));
                if out.code == ours.code && out.code != Code::Exit(0) {
                    lines_differ = common::flagged_lines_differ(
                        &format!("{}{}", out.stderr, out.stdout),
                        &format!("{}{}", ours.stderr, ours.stdout),
                    );
                }
                (out.code, first, drift)
            } else {
                match rec {
                    Some(r) => (Code::Exit(r.code), r.first_message.clone(), None),
                    None => (
                        Code::Harness("not in VERDICTS.tsv and keepalived is not installed".into()),
                        String::new(),
                        None,
                    ),
                }
            };
            Row {
                file,
                ours: ours.code,
                our_first,
                theirs,
                their_first,
                drift,
                lines_differ,
            }
        },
    );
    let elapsed = start.elapsed();
    drop(ns);

    let source = if live {
        format!("live {REAL_KEEPALIVED}")
    } else {
        "recorded VERDICTS.tsv (keepalived not installed, or KART_LIVE=0)".to_string()
    };
    let deliberate: HashMap<&str, &str> = DELIBERATE_DIFFERENCES.iter().copied().collect();
    let mut report = String::new();
    let mut mismatches = 0;
    let mut harness_errors = Vec::new();
    let mut pairs: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    let mut notes = Vec::new();
    for r in &rows {
        if let Code::Harness(m) = &r.ours {
            harness_errors.push(format!("{}: our run: {m}", r.file));
            continue;
        }
        if let Code::Harness(m) = &r.theirs {
            harness_errors.push(format!("{}: keepalived's run: {m}", r.file));
            continue;
        }
        if let Some(old) = r.drift {
            notes.push(format!(
                "{}: live keepalived says {}, VERDICTS.tsv says {old} (this host differs from the recording host)",
                r.file, r.theirs
            ));
        }
        let same = r.ours == r.theirs;
        match (same, deliberate.get(r.file.as_str())) {
            (true, Some(_)) => notes.push(format!(
                "{}: listed in DELIBERATE_DIFFERENCES but now agrees with keepalived ({})",
                r.file, r.ours
            )),
            (true, None) => {}
            (false, Some(reason)) => notes.push(format!(
                "{}: deliberate difference (ours {}, keepalived {}): {reason}",
                r.file, r.ours, r.theirs
            )),
            (false, None) => {
                mismatches += 1;
                pairs
                    .entry((r.theirs.to_string(), r.ours.to_string()))
                    .or_default()
                    .push(&r.file);
                report.push_str(&format!(
                    "{}: ours {}, keepalived {}\n    keepalived: {}\n    ours:       {}\n",
                    r.file,
                    r.ours,
                    r.theirs,
                    if r.their_first.is_empty() {
                        "(no output)"
                    } else {
                        &r.their_first
                    },
                    if r.our_first.is_empty() {
                        "(no output)".to_string()
                    } else {
                        clip(&r.our_first, 200)
                    },
                ));
            }
        }
    }
    for d in deliberate.keys() {
        if !rows.iter().any(|r| r.file == *d) {
            notes.push(format!(
                "{d}: listed in DELIBERATE_DIFFERENCES but not in the corpus run"
            ));
        }
    }
    let agree = rows.len() - mismatches - harness_errors.len();
    let coincidences: Vec<String> = rows
        .iter()
        .filter_map(|r| Some(format!("{}: {}", r.file, r.lines_differ.as_ref()?)))
        .collect();
    if !coincidences.is_empty() {
        let dir = common::target_dir().join("corpus");
        let _ = fs::create_dir_all(&dir);
        let p = dir.join("agree-but-lines-differ.txt");
        let _ = fs::write(&p, coincidences.join("\n") + "\n");
        notes.push(format!(
            "{} files get keepalived's non-zero code but we report no error on a line keepalived flags (maybe agreeing by coincidence): {}",
            coincidences.len(),
            p.display()
        ));
    }
    let summary = format!(
        "{TEST}: {} files, {agree} agree, {mismatches} differ, {} harness errors; keepalived verdicts from {source}; {:.1} s",
        rows.len(),
        harness_errors.len(),
        elapsed.as_secs_f64()
    );
    say(&summary);
    for n in &notes {
        say(&format!("  note: {n}"));
    }
    if mismatches == 0 && harness_errors.is_empty() {
        return;
    }
    let mut out = String::new();
    if !harness_errors.is_empty() {
        out.push_str("Harness errors (the environment, not the parser):\n");
        for h in &harness_errors {
            out.push_str(&format!("  {h}\n"));
        }
    }
    if mismatches > 0 {
        out.push_str("Files with another exit code than keepalived:\n");
        out.push_str(&report);
        out.push_str("Mismatches per (keepalived -> ours):\n");
        for ((theirs, ours), files) in &pairs {
            out.push_str(&format!(
                "  keepalived {theirs} -> ours {ours}: {} file(s): {}\n",
                files.len(),
                files.join(" ")
            ));
        }
    }
    println!("{out}");
    panic!("{summary}");
}
