//! File name globbing for `include`, with the accounting keepalived's include
//! checks need: csh braces, `*` `?` `[...]`, directories marked with a
//! trailing `/`, each brace alternative sorted, and counts of missing files
//! and unreadable directories.

use std::path::Path;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GlobResult {
    /// Matches, as the pattern spells them; directories end with `/`.
    pub paths: Vec<String>,
    /// Names without wildcards that did not exist.
    pub missing_files: usize,
    /// Directories that had to be listed but could not be.
    pub missing_dirs: usize,
    /// A directory was listed to match a wildcard.
    pub have_wildcards: bool,
}

/// Does the pattern contain an unescaped `{`?
pub fn has_brace(pattern: &str) -> bool {
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '{' => return true,
            _ => {}
        }
    }
    false
}

/// Match `pattern` relative to `base` (for relative patterns).
pub fn glob(pattern: &str, base: &Path) -> GlobResult {
    let mut result = GlobResult::default();
    for alternative in expand_braces(pattern) {
        let start = result.paths.len();
        glob_one(&alternative, base, &mut result);
        result.paths[start..].sort();
    }
    result
}

/// csh brace expansion: `a{b,c{d,e}}f` -> abf acdf acef. An unbalanced brace
/// is taken literally.
pub fn expand_braces(pattern: &str) -> Vec<String> {
    let bytes = pattern.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'{' => {
                let mut depth = 0;
                let mut j = i;
                let mut commas = vec![];
                let mut close = None;
                while j < bytes.len() {
                    match bytes[j] {
                        b'\\' => j += 1,
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                close = Some(j);
                                break;
                            }
                        }
                        b',' if depth == 1 => commas.push(j),
                        _ => {}
                    }
                    j += 1;
                }
                let Some(close) = close else {
                    return vec![pattern.to_string()];
                };
                let prefix = &pattern[..i];
                let suffix = &pattern[close + 1..];
                let mut bounds = vec![i];
                bounds.extend(commas);
                bounds.push(close);
                let mut out = Vec::new();
                for w in bounds.windows(2) {
                    let middle = &pattern[w[0] + 1..w[1]];
                    out.extend(expand_braces(&format!("{prefix}{middle}{suffix}")));
                }
                return out;
            }
            _ => i += 1,
        }
    }
    vec![pattern.to_string()]
}

fn has_magic(component: &str) -> bool {
    let mut chars = component.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '*' | '?' | '[' => return true,
            _ => {}
        }
    }
    false
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn glob_one(pattern: &str, base: &Path, result: &mut GlobResult) {
    if pattern.is_empty() {
        return;
    }
    let absolute = pattern.starts_with('/');
    let components: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
    let mut candidates = vec![if absolute {
        "/".to_string()
    } else {
        String::new()
    }];
    let fs_path = |p: &str| {
        if p.is_empty() {
            base.to_path_buf()
        } else {
            base.join(p)
        }
    };
    for (idx, comp) in components.iter().enumerate() {
        let last = idx + 1 == components.len();
        let mut next = Vec::new();
        if has_magic(comp) {
            result.have_wildcards = true;
            for cand in &candidates {
                let Ok(dir) = std::fs::read_dir(fs_path(cand)) else {
                    result.missing_dirs += 1;
                    continue;
                };
                let mut names: Vec<String> = dir
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| fnmatch(comp, n))
                    .collect();
                names.sort();
                for n in names {
                    let joined = join(cand, &n);
                    if last || fs_path(&joined).is_dir() {
                        next.push(joined);
                    }
                }
            }
        } else {
            let name = unescape(comp);
            for cand in &candidates {
                let joined = join(cand, &name);
                if last {
                    if std::fs::symlink_metadata(fs_path(&joined)).is_ok() {
                        next.push(joined);
                    } else {
                        result.missing_files += 1;
                    }
                } else {
                    next.push(joined);
                }
            }
        }
        candidates = next;
    }
    if components.is_empty() {
        // The pattern was only slashes: the root directory.
        candidates = vec!["/".to_string()];
    }
    for c in candidates {
        if !c.ends_with('/') && fs_path(&c).is_dir() {
            result.paths.push(format!("{c}/"));
        } else {
            result.paths.push(c);
        }
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// Shell wildcard match of one path component; a leading `.` must be matched
/// explicitly.
pub fn fnmatch(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

fn match_from(p: &[char], n: &[char]) -> bool {
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        let step = if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' => Some(pi + 1),
                '[' => match_class(p, pi, n[ni]),
                '\\' if pi + 1 < p.len() => (p[pi + 1] == n[ni]).then_some(pi + 2),
                c => (c == n[ni]).then_some(pi + 1),
            }
        } else {
            None
        };
        match step {
            Some(next) => {
                pi = next;
                ni += 1;
            }
            None => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Match `c` against the bracket expression starting at `p[start]`; returns
/// the index after the expression on a match.
fn match_class(p: &[char], start: usize, c: char) -> Option<usize> {
    let mut i = start + 1;
    let negate = i < p.len() && (p[i] == '!' || p[i] == '^');
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < p.len() && (first || p[i] != ']') {
        first = false;
        let lo = p[i];
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            if lo <= c && c <= p[i + 2] {
                matched = true;
            }
            i += 3;
        } else {
            if lo == c {
                matched = true;
            }
            i += 1;
        }
    }
    if i >= p.len() {
        // No closing bracket: `[` is an ordinary character.
        return (c == '[').then_some(start + 1);
    }
    (matched != negate).then_some(i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_expand_in_order() {
        assert_eq!(expand_braces("a{b,c{d,e}}f"), ["abf", "acdf", "acef"]);
        assert_eq!(
            expand_braces("x{1,2}/{a,b}"),
            ["x1/a", "x1/b", "x2/a", "x2/b"]
        );
        assert_eq!(expand_braces("a{b"), ["a{b"]);
        assert!(has_brace("a{b,c}"));
        assert!(!has_brace(r"a\{b"));
    }

    #[test]
    fn wildcards_match_like_the_shell() {
        assert!(fnmatch("*.conf", "a.conf"));
        assert!(!fnmatch("*.conf", ".hidden.conf"));
        assert!(fnmatch(".*", ".hidden"));
        assert!(fnmatch("vi_[0-9]?.conf", "vi_1a.conf"));
        assert!(!fnmatch("vi_[!0-9].conf", "vi_1.conf"));
        assert!(fnmatch("a*b*c", "aXXbYYc"));
        assert!(!fnmatch("a*b", "ac"));
    }

    #[test]
    fn globbing_counts_missing_files_and_directories() {
        let dir = std::env::temp_dir().join(format!("ka-glob-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("conf.d/sub")).unwrap();
        for f in ["b.conf", "a.conf", "c.txt"] {
            std::fs::write(dir.join("conf.d").join(f), "").unwrap();
        }
        let r = glob("conf.d/*.conf", &dir);
        assert_eq!(r.paths, ["conf.d/a.conf", "conf.d/b.conf"]);
        assert!(r.have_wildcards);
        let r = glob("conf.d/{b,a,x}.conf", &dir);
        assert_eq!(r.paths, ["conf.d/b.conf", "conf.d/a.conf"]);
        assert_eq!(r.missing_files, 1);
        let r = glob("nodir/*.conf", &dir);
        assert!(r.paths.is_empty());
        assert_eq!(r.missing_dirs, 1);
        let r = glob("conf.d/*", &dir);
        assert!(r.paths.contains(&"conf.d/sub/".to_string()));
        let abs = format!("{}/conf.d/a.conf", dir.display());
        assert_eq!(
            glob(&abs, Path::new("/nonexistent")).paths,
            std::slice::from_ref(&abs)
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
