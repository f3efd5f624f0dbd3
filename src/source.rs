//! Source files and byte spans: the one location model every consumer
//! (job files, world files, rehearsal files, git blobs) shares.

use std::fmt;
use std::path::PathBuf;
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

/// The first of the 256 characters [`crate::vfs::decode`] stands bytes that are not
/// UTF-8 in for: U+10FF00 + the byte, in plane 16's private use area, which
/// no job file writes. Keeping the byte (U+FFFD would lose it) lets a
/// parser refuse it where Nomad does, `file()` refuse the file, and
/// `filebase64()` and the diff see every byte of a binary file.
pub const RAW_BYTE_BASE: u32 = 0x10_FF00;

/// The byte a character of decoded text stands for, when it stands for a
/// byte that was not UTF-8.
pub fn raw_byte_of(c: char) -> Option<u8> {
    let n = u32::from(c).checked_sub(RAW_BYTE_BASE)?;
    u8::try_from(n).ok()
}

/// The bytes a decoded text was read from.
pub fn encode(text: &str) -> Vec<u8> {
    // Every stand-in (U+10FF00 to U+10FFFF) is written in UTF-8 with a
    // leading 0xF4 byte, as are only the other characters from U+100000:
    // the text between two such bytes is copied whole, not character by
    // character (that loop was 3% of a `check --staged`, which encodes
    // the staged file for the HCL1 check).
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.bytes().position(|b| b == 0xF4) {
        out.extend_from_slice(&rest.as_bytes()[..at]);
        let Some(c) = rest[at..].chars().next() else {
            break;
        };
        match raw_byte_of(c) {
            Some(b) => out.push(b),
            None => out.extend_from_slice(c.encode_utf8(&mut [0u8; 4]).as_bytes()),
        }
        rest = &rest[at + c.len_utf8()..];
    }
    out.extend_from_slice(rest.as_bytes());
    out
}

/// One input file: its name for humans and its full text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub origin: Origin,
    /// The name shown in diagnostics, as the user typed it where possible.
    pub name: String,
    /// The text, without the UTF-8 byte order mark it may start with.
    pub text: Arc<str>,
    /// Whether the file starts with a UTF-8 byte order mark: Nomad's HCL2
    /// parser skips it, HCL1's refuses it, and `filebase64()` keeps it.
    pub bom: bool,
    /// Where each line starts, built on first use: a diagnostic deep in a
    /// big file (or thousands of them) is then located without scanning
    /// the text from its start each time.
    lines: OnceLock<LineIndex>,
    /// The text the evaluator reads expressions from, where it is not
    /// `text`: a JSON job file's native-syntax twin (json_body.rs), of
    /// the same length, each string whose JSON escapes the native syntax
    /// reads otherwise written as it reads them.
    eval_text: OnceLock<Arc<str>>,
}

pub type Source = Arc<SourceFile>;

impl SourceFile {
    pub fn new(origin: Origin, name: impl Into<String>, text: impl Into<Arc<str>>) -> Source {
        let text: Arc<str> = text.into();
        let (text, bom) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (Arc::from(rest), true),
            None => (text, false),
        };
        Arc::new(SourceFile {
            origin,
            name: name.into(),
            text,
            bom,
            lines: OnceLock::new(),
            eval_text: OnceLock::new(),
        })
    }

    /// The text expressions are evaluated from ([`Self::set_eval_text`]).
    pub fn eval_text(&self) -> &str {
        self.eval_text.get().map_or(&self.text, |t| t)
    }

    /// Evaluate expressions from `twin` (the same length as `text`).
    pub fn set_eval_text(&self, twin: Arc<str>) {
        if twin.len() == self.text.len() {
            let _ = self.eval_text.set(twin);
        }
    }

    /// The bytes the file was read from (see [`crate::vfs::decode`]).
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = if self.bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            Vec::new()
        };
        out.extend(encode(&self.text));
        out
    }

    /// Whether the file holds bytes that are not UTF-8.
    pub fn has_raw_bytes(&self) -> bool {
        self.text.chars().any(|c| raw_byte_of(c).is_some())
    }

    pub fn inline(name: &str, text: &str) -> Source {
        SourceFile::new(Origin::Inline(name.to_string()), name, text)
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

    /// The bytes a text was decoded from come back, whatever surrounds the
    /// bytes that were not UTF-8, and every text encodes as it did one
    /// character at a time: characters from U+100000 that are not
    /// stand-ins share their 0xF4 lead byte and stay as they were written.
    #[test]
    fn encode_gives_back_the_decoded_bytes() {
        let cases: [&[u8]; 5] = [
            b"",
            b"job \"a\" {}\n",
            b"\xff",
            b"a\xfe\xffb\xf4",
            "x\u{100000}y\u{10FEFF}\u{e9}\u{10FF00}".as_bytes(),
        ];
        let by_character = |text: &str| -> Vec<u8> {
            let mut out = Vec::new();
            for c in text.chars() {
                match raw_byte_of(c) {
                    Some(b) => out.push(b),
                    None => out.extend_from_slice(c.encode_utf8(&mut [0u8; 4]).as_bytes()),
                }
            }
            out
        };
        for bytes in cases {
            let text = crate::vfs::decode(bytes.to_vec());
            assert_eq!(encode(&text), by_character(&text), "{bytes:?}");
            if !text.contains('\u{10FF00}') {
                assert_eq!(encode(&text), bytes, "{bytes:?}");
            }
        }
    }

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
