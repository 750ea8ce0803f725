//! track_file NAME { file, weight, init_file } and its old name
//! vrrp_track_file. keepalived reads these blocks in both its VRRP and its
//! checker process (FILE_CHECK uses them too) and reports each problem
//! twice; we report it once.

use std::path::Path;

use crate::config::diag::Class;
use crate::config::parser::{Args, Ctx, Keyword, Res};
use crate::config::source::Pos;

/// `init_file [VALUE] [overwrite]`: write the file at start-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackFileInit {
    /// The value written (default 0).
    pub value: i32,
    /// Write it even if the file exists (not on reload).
    pub overwrite: bool,
}

/// track_file NAME { ... }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackFile {
    pub name: String,
    pub pos: Pos,
    /// `file PATH`: required. Its content is read as an integer.
    pub path: Option<String>,
    /// Multiplier of the value read: -254..=254, default 1. 0: a non-zero
    /// value puts the trackers into FAULT.
    pub weight: i32,
    pub weight_reverse: bool,
    pub init: Option<TrackFileInit>,
}

impl TrackFile {
    pub fn new(name: &str, pos: Pos) -> Self {
        TrackFile {
            name: name.to_string(),
            pos,
            path: None,
            weight: 1,
            weight_reverse: false,
            init: None,
        }
    }
}

impl Default for TrackFile {
    fn default() -> Self {
        TrackFile::new("", Pos::default())
    }
}

pub const KEYWORDS: &[Keyword] = &[
    Keyword::leaf("file", file),
    Keyword::leaf("weight", weight),
    Keyword::leaf("init_file", init_file),
];

fn cur<'a>(ctx: &'a mut Ctx) -> Option<&'a mut TrackFile> {
    ctx.cfg.vrrp.track.files.last_mut()
}

fn cur_name(ctx: &mut Ctx) -> String {
    cur(ctx).map(|f| f.name.clone()).unwrap_or_default()
}

/// `track_file NAME`. keepalived accepts a name that is already in use;
/// references then resolve to the first one. The file is kept in the list
/// while its block is read and removed at the end if it has no `file`.
pub fn start(ctx: &mut Ctx, a: &Args) -> Res {
    let name = a.get(1).unwrap_or("");
    ctx.cfg
        .vrrp
        .track
        .files
        .push(TrackFile::new(name, a.pos(0)));
    a.req(1).map(|_| ())
}

/// `vrrp_track_file NAME`: the old name of track_file.
pub fn start_deprecated(ctx: &mut Ctx, a: &Args) -> Res {
    // keepalived only logs this.
    ctx.lint(a, 0, "'vrrp_track_file' is the old name of 'track_file'")
        .help = Some("rename the block to 'track_file'".into());
    start(ctx, a)
}

fn file(ctx: &mut Ctx, a: &Args) -> Res {
    let name = cur_name(ctx);
    let Some(path) = a.get(1) else {
        ctx.error(
            Class::General,
            a,
            0,
            format!("track_file '{name}': 'file' needs a file name: it is ignored"),
        );
        return Ok(());
    };
    if cur(ctx).is_some_and(|f| f.path.is_some()) {
        ctx.error(
            Class::General,
            a,
            1,
            format!("track_file '{name}': the file is already set: '{path}' is ignored"),
        );
        return Ok(());
    }
    let path = path.to_string();
    if let Some(f) = cur(ctx) {
        f.path = Some(path);
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
            format!("track_file '{name}': 'weight' needs a value: it is ignored"),
        );
        return Ok(());
    }
    // keepalived only notices a repeated weight when the first one was not
    // the default 1.
    if cur(ctx).is_some_and(|f| f.weight != 1) {
        let word = a.req(1)?.to_string();
        ctx.error(
            Class::General,
            a,
            1,
            format!("track_file '{name}': the weight is already set: '{word}' is ignored"),
        );
        return Ok(());
    }
    let w = match ctx.int(a, 1, -254, 254, true)? {
        Some(w) => w,
        None => {
            let word = a.req(1)?.to_string();
            ctx.error(
                Class::General,
                a,
                1,
                format!(
                    "track_file '{name}': weight '{word}' must be between -254 and 254: 1 is used"
                ),
            );
            1
        }
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
                format!("track_file '{name}': unknown weight option '{opt}', expected 'reverse': it is ignored"),
            );
        }
    }
    if let Some(f) = cur(ctx) {
        f.weight = w;
        f.weight_reverse |= reverse;
    }
    Ok(())
}

/// `init_file [VALUE] [overwrite]`, in any order; each init_file line
/// starts again from "create with 0".
fn init_file(ctx: &mut Ctx, a: &Args) -> Res {
    let name = cur_name(ctx);
    let mut init = TrackFileInit {
        value: 0,
        overwrite: false,
    };
    for i in 1..a.len() {
        let word = a.get(i).unwrap_or("");
        let trimmed = word.trim_start_matches([' ', '\t']);
        if trimmed.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
            match ctx.int(a, i, i32::MIN, i32::MAX, false)? {
                None => {
                    ctx.error(
                        Class::General,
                        a,
                        i,
                        format!("track_file '{name}': init_file value '{trimmed}' is not a valid integer: 0 is used"),
                    );
                    init.value = 0;
                }
                Some(v) => {
                    if !(-254..=254).contains(&v) {
                        ctx.error(
                            Class::General,
                            a,
                            i,
                            format!("track_file '{name}': init_file value {v} is outside the sensible range -254..254"),
                        );
                    }
                    init.value = v;
                }
            }
        } else if trimmed == "overwrite" {
            init.overwrite = true;
        } else {
            ctx.error(
                Class::General,
                a,
                i,
                format!("track_file '{name}': unknown init_file option '{trimmed}', expected a value or 'overwrite': it is ignored"),
            );
        }
    }
    if let Some(f) = cur(ctx) {
        f.init = Some(init);
    }
    Ok(())
}

/// The end of the block: a track_file without a file is dropped; one to be
/// overwritten at start-up must be a regular file if it exists.
pub fn close(ctx: &mut Ctx) {
    let Some(f) = ctx.cfg.vrrp.track.files.last() else {
        return;
    };
    let name = f.name.clone();
    let Some(path) = f.path.clone() else {
        ctx.error_at(
            Class::General,
            Some(ctx.reader.current),
            format!("track_file '{name}' has no 'file': it is dropped"),
        );
        ctx.cfg.vrrp.track.files.pop();
        return;
    };
    if let Some(init) = f.init {
        if init.overwrite {
            if let Some(st) = ctx.host.stat(Path::new(&path)) {
                if !st.is_file() {
                    ctx.error_at(
                        Class::General,
                        Some(ctx.reader.current),
                        format!("track_file '{name}': '{path}' is not a regular file, so init_file cannot write it"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::vrrp::track::testing::{errors, exit_code, parse, report};

    fn one(text: &str) -> (TrackFile, i32) {
        let ctx = parse(text);
        let f = ctx.cfg.vrrp.track.files.first().cloned();
        (
            f.unwrap_or_else(|| panic!("no file kept:\n{}", report(&ctx))),
            exit_code(&ctx),
        )
    }

    #[test]
    fn every_keyword_lands_in_the_model() {
        let (f, code) = one(
            "track_file f {\n file \"/run/x state\"\n weight -3 reverse\n init_file 7 overwrite\n}\n",
        );
        assert_eq!(code, 0);
        assert_eq!(f.name, "f");
        assert_eq!(f.path.as_deref(), Some("/run/x state"));
        assert_eq!((f.weight, f.weight_reverse), (-3, true));
        assert_eq!(
            f.init,
            Some(TrackFileInit {
                value: 7,
                overwrite: true
            })
        );
        let (f, _) = one("track_file f {\n file /x\n init_file\n}\n");
        assert_eq!(
            f.init,
            Some(TrackFileInit {
                value: 0,
                overwrite: false
            })
        );
    }

    #[test]
    fn defaults_when_absent() {
        let (f, code) = one("track_file f {\n file /x\n}\n");
        assert_eq!(code, 0);
        assert_eq!((f.weight, f.weight_reverse), (1, false));
        assert_eq!(f.init, None);
    }

    #[test]
    fn the_old_block_name_still_works() {
        let ctx = parse("vrrp_track_file f {\n file /x\n weight 0\n}\n");
        assert_eq!(exit_code(&ctx), 0);
        assert_eq!(ctx.cfg.vrrp.track.file("f").map(|f| f.weight), Some(0));
        // Only our own warning.
        assert!(ctx.reader.diags.items.iter().any(|d| d.class.is_none()));
    }

    #[test]
    fn bad_values_are_reported() {
        let ctx = parse(
            "track_file f1 {\n file /x\n file /y\n weight\n weight 300\n weight 1\n weight 5 bogus\n weight 6\n init_file 5 overwrite bogus +3\n init_file 999\n init_file -x\n}\n",
        );
        let general: Vec<u32> = errors(&ctx)
            .iter()
            .filter(|(c, _)| *c == Class::General)
            .map(|(_, l)| *l)
            .collect();
        assert_eq!(general, [3, 4, 5, 7, 8, 9, 9, 10, 11], "{}", report(&ctx));
        let f = &ctx.cfg.vrrp.track.files[0];
        assert_eq!(f.path.as_deref(), Some("/x"));
        assert_eq!((f.weight, f.weight_reverse), (5, false));
        // The last init_file line counts; its invalid value is 0.
        assert_eq!(
            f.init,
            Some(TrackFileInit {
                value: 0,
                overwrite: false
            })
        );
        assert_eq!(exit_code(&ctx), 5);
    }

    #[test]
    fn a_track_file_needs_a_file() {
        let ctx = parse("track_file f {\n file\n weight 2\n}\n");
        assert!(ctx.cfg.vrrp.track.files.is_empty());
        assert_eq!(errors(&ctx), [(Class::General, 2), (Class::General, 4)]);
        assert_eq!(exit_code(&parse("track_file {\n file /x\n}\n")), 2);
    }

    #[test]
    fn overwriting_needs_a_regular_file() {
        let dir = std::env::temp_dir();
        let text = format!(
            "track_file f {{\n file {}\n init_file overwrite\n}}\n",
            dir.display()
        );
        assert_eq!(errors(&parse(&text)), [(Class::General, 4)]);
        // Without overwrite an existing file is left alone.
        let text = format!("track_file f {{\n file {}\n init_file\n}}\n", dir.display());
        assert_eq!(exit_code(&parse(&text)), 0);
        // A missing file is fine.
        let text = "track_file f {\n file /nonexistent/x\n init_file 1 overwrite\n}\n";
        assert_eq!(exit_code(&parse(text)), 0);
    }
}
