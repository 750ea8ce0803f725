//! Where every piece of configuration text came from.

use std::path::PathBuf;

/// One configuration file that was read, kept for quoting lines in diagnostics.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name to show the user: as given, or relative to the including file.
    pub display: String,
    pub path: PathBuf,
    pub lines: Vec<String>,
}

/// A position in a configuration file: 1-based line and column. `col` 0 means
/// the column is unknown (for example a line produced by `~SEQ`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub file: u32,
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, display: String, path: PathBuf, text: &str) -> u32 {
        let lines = text
            .split('\n')
            .map(|l| l.trim_end_matches(['\r', '\n']).to_string())
            .collect();
        self.files.push(SourceFile {
            display,
            path,
            lines,
        });
        (self.files.len() - 1) as u32
    }

    pub fn file(&self, idx: u32) -> Option<&SourceFile> {
        self.files.get(idx as usize)
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    pub fn line_text(&self, pos: Pos) -> Option<&str> {
        let file = self.file(pos.file)?;
        file.lines
            .get((pos.line as usize).checked_sub(1)?)
            .map(|s| s.as_str())
    }
}
