//! Source files and byte spans: the one location model every consumer
//! (job files, world files, rehearsal files, git blobs) shares.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

mod line_index;
pub use line_index::LineIndex;

/// A byte range into one [`SourceFile`]. Spans are absolute file offsets, as
/// hcl-edit reports them, so they survive being passed between modules.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// A zero-length span is still shown by miette as a caret; keep at least
    /// one byte so the label has something to underline.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn from_range(r: std::ops::Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        miette::SourceSpan::new(s.start.into(), s.len())
    }
}

/// Where a file's bytes came from. Git blobs are named `REV:path` so a
/// diagnostic on staged content never points at the (different) working copy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A file on disk.
    Disk(PathBuf),
    /// Compiled into the binary (the embedded demo world).
    Embedded(String),
    /// A blob read from git: revision (`:` for the index) and path.
    Git { rev: String, path: PathBuf },
    /// Command-line or test input without a file.
    Inline(String),
}

/// One input file: its name for humans and its full text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub origin: Origin,
    /// The name shown in diagnostics, as the user typed it where possible.
    pub name: String,
    pub text: Arc<str>,
    /// Where each line starts, built on first use: a diagnostic deep in a
    /// big file (or thousands of them) is then located without scanning
    /// the text from its start each time.
    lines: OnceLock<LineIndex>,
}

pub type Source = Arc<SourceFile>;

impl SourceFile {
    pub fn new(origin: Origin, name: impl Into<String>, text: impl Into<Arc<str>>) -> Source {
        Arc::new(SourceFile {
            origin,
            name: name.into(),
            text: text.into(),
            lines: OnceLock::new(),
        })
    }

    pub fn inline(name: &str, text: &str) -> Source {
        SourceFile::new(Origin::Inline(name.to_string()), name, text)
    }

    /// Directory that relative paths in this file resolve against
    /// (`file()`, `templatefile()`, `running = [...]`).
    pub fn base_dir(&self) -> Option<&Path> {
        match &self.origin {
            Origin::Disk(p) => p.parent(),
            Origin::Git { path, .. } => path.parent(),
            _ => None,
        }
    }

    /// The line starts of this file (built once, on first use).
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// One-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.lines().line_of(offset);
        let line_start = self.lines().start_of(line);
        let col = self
            .text
            .get(line_start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - line_start)
            + 1;
        (line + 1, col)
    }

    /// The text of one-based line `line` without its line break (`""` past
    /// the end), as `str::lines` would give it.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(i) = line.checked_sub(1) else {
            return "";
        };
        if i >= self.lines().len() {
            return "";
        }
        let start = self.lines().start_of(i);
        let end = self.lines().end_of(i, self.text.len());
        let text = self.text.get(start..end).unwrap_or("");
        text.strip_suffix('\r').unwrap_or(text)
    }

    /// The text a span covers, or "" if the span is out of range.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let src = SourceFile::inline("t", "a\né = 1\n");
        assert_eq!(src.line_col(0), (1, 1));
        assert_eq!(src.line_col(2), (2, 1));
        // "é" is two bytes; the '=' after "é " is the third character.
        assert_eq!(src.line_col(5), (2, 3));
    }

    #[test]
    fn out_of_range_offsets_clamp() {
        let src = SourceFile::inline("t", "ab");
        assert_eq!(src.line_col(99), (1, 3));
        assert_eq!(src.slice(Span::new(1, 99)), "");
    }
}
