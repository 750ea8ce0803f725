//! The keyword tables of the whole configuration, assembled from each part.

use super::parser::Keyword;
use std::sync::OnceLock;

/// The top-level keywords: global, VRRP, checker and BFD, in keepalived's
/// order of installation.
pub fn root() -> &'static [Keyword] {
    static FLAT: OnceLock<Vec<Keyword>> = OnceLock::new();
    FLAT.get_or_init(|| {
        [
            super::global::ROOT,
            super::vrrp::track::ROOT,
            super::vrrp::statics::ROOT,
            super::vrrp::instance::ROOT,
            super::check::ROOT,
            super::bfd::ROOT,
        ]
        .iter()
        .flat_map(|t| t.iter())
        .copied()
        .collect()
    })
}

/// The names of the blocks whose keyword tables contain `word`.
pub fn blocks_with(word: &str) -> Vec<&'static str> {
    fn search(table: &'static [Keyword], word: &str, depth: usize, out: &mut Vec<&'static str>) {
        if depth > 6 {
            return;
        }
        for k in table {
            if let Some(sub) = k.sub {
                if sub.iter().any(|s| s.name == word) && !out.contains(&k.name) {
                    out.push(k.name);
                }
                search(sub, word, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    search(root(), word, 0, &mut out);
    out
}

/// Every keyword with the path of blocks leading to it, for documentation
/// and coverage tests.
pub fn all_keywords() -> Vec<(String, &'static str)> {
    fn walk(
        table: &'static [Keyword],
        path: &str,
        out: &mut Vec<(String, &'static str)>,
        depth: usize,
    ) {
        for k in table {
            out.push((path.to_string(), k.name));
            if let Some(sub) = k.sub {
                if depth < 6 {
                    let p = if path.is_empty() {
                        k.name.to_string()
                    } else {
                        format!("{path}/{}", k.name)
                    };
                    walk(sub, &p, out, depth + 1);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(root(), "", &mut out, 0);
    out
}
