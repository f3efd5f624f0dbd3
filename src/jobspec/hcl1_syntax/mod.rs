//! Nomad's own words for a job file HCL1 does not parse, before 1.0.
//!
//! The CLI's job parser (jobspec.Parse, jobspec/parse.go at 0.8.0 to
//! 0.12.12) calls hcl v1's `hcl.Parse` and returns `error parsing: <err>`;
//! the command's job getter wraps it (`Error parsing job file from <path>:
//! `, command/helpers.go JobGetter.ApiJob) and `plan`/`validate` print
//! `Error getting job struct: ` before it. hcl v1's parser stops at its
//! first error but keeps scanning errors aside: Parse returns the *last*
//! error the scanner reported while the parser read, else the parser's.
//!
//! hcl-edit reads HCL2, which is neither a subset nor a superset of HCL1
//! (HCL1 has no expressions outside `${}`, HCL2 no commas between
//! arguments), so before 1.0 this reduction of hcl v1 runs on every file
//! first: a file it refuses is refused in Nomad's words, whatever hcl-edit
//! thinks of it.
//!
//! Two hcl v1 releases: Nomad 0.8.0 to 0.10.9 vendor its parser and
//! scanner at 6e968a3f (2016), 0.11.0 to 0.12.12 at 914dc3f8 (vendor.json
//! at each tag), which ends a quoted string at a line end, normalises CRLF,
//! refuses NUL, gives `key '...'` and `object expected closing RBRACE`
//! positions, parses lists of lists and booleans in lists, and no longer
//! prints `illegal` on stdout for an illegal character where a key goes.
//!
//! Where this cannot follow hcl v1 (a non-ASCII letter or digit deciding a
//! token, as Go's Unicode tables are not ours; a file read as JSON, its
//! first non-space character `{`; nesting past 500 levels) the answer is
//! "cannot tell" and the caller keeps its own words.

mod go_letters;
#[cfg(test)]
mod guard_tests;
pub mod literal;
mod parse;
mod scan;
mod scan_text;
#[cfg(test)]
mod tests;
mod to_hcl2;
#[cfg(test)]
mod to_hcl2_tests;
mod top_job;

pub use to_hcl2::{rewrite, Unsure};
pub use top_job::opens_job;

use crate::diag::Diag;
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// Which vendored hcl v1 a release parses with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Era {
    /// Parser and scanner at 6e968a3f (Nomad before 0.11.0).
    Old,
    /// 914dc3f8 (Nomad 0.11.0 to 0.12.12).
    New,
}

impl Era {
    /// None from 1.0: those releases parse with hclsyntax.
    pub fn of(v: NomadVersion) -> Option<Era> {
        if v.at_least(1, 0, 0) {
            None
        } else if v.at_least(0, 11, 0) {
            Some(Era::New)
        } else {
            Some(Era::Old)
        }
    }
}

/// What hcl.Parse makes of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Accepts,
    /// jobspec.Parse's error (`error parsing: At 2:5: ...`), and where
    /// (line and column as hcl counts them).
    Refuses {
        text: String,
        line: usize,
        column: usize,
        /// Lines `illegal` the old parser printed on stdout first.
        illegal_printed: usize,
    },
    /// The scanner's unread() panics: the CLI crashes with this value.
    Panics(&'static str),
    CannotTell,
    /// A non-ASCII character that Rust calls a letter or digit decided a
    /// token, and Go's tables of that Nomad may not (see
    /// [`go_letters`]); at this byte offset of the bytes parsed.
    UnknownLetter(usize),
}

/// Code of a file Nomad's CLI crashes on (a Go panic in its job parser,
/// which nothing recovers: Go prints the panic and a goroutine trace and
/// exits 2). Every command says so in one line, never Nomad's text.
pub const CRASH: &str = "jobspec::nomad-crashes";

/// Code of a file hcl v1 accepts in a syntax hcl-edit refuses and
/// [`rewrite`] cannot turn into HCL2: what Nomad makes of it is unknown.
pub const UNREAD: &str = "hcl::hcl1-cannot-tell";

/// The value hcl v1's scanner panics with (bytes.Buffer's error).
pub const UNREAD_PANIC: &str =
    "bytes.Buffer: UnreadRune: previous operation was not a successful ReadRune";

/// hcl.Parse of the file's bytes (a BOM included, as Nomad reads it).
pub fn judge(bytes: &[u8], era: Era) -> Verdict {
    judge_reading(bytes, era, None).0
}

/// [`judge`], with the literals read in the same pass when `text` is the
/// bytes parsed (see [`Literals`]).
fn judge_reading(bytes: &[u8], era: Era, text: Option<&str>) -> (Verdict, Literals) {
    let verdict = |v| (v, Literals::NotRead);
    // hcl.Parse reads a file whose first non-space character is `{` as
    // JSON (lexMode), with another parser.
    if read_as_json(bytes) {
        return verdict(Verdict::CannotTell);
    }
    let normalised;
    let src = match era {
        Era::New if bytes.windows(2).any(|w| w == b"\r\n") => {
            normalised = crlf_to_lf(bytes);
            &normalised[..]
        }
        _ => bytes,
    };
    let mut p = parse::Parser::new(src, era);
    if let Some(text) = text {
        p.watch_literals(text);
    }
    let result = p.object_list(false);
    if p.sc.panicked {
        return verdict(Verdict::Panics(UNREAD_PANIC));
    }
    if p.too_deep || p.lossy {
        return verdict(Verdict::CannotTell);
    }
    if p.sc.unsure {
        return verdict(Verdict::UnknownLetter(p.sc.unsure_at.unwrap_or(0)));
    }
    let (pos, text) = match (p.sc.error, result) {
        (Some((pos, msg)), _) => (pos, format!("At {pos}: {msg}")),
        (None, Err(e)) => {
            let pos = match &e {
                parse::Error::At(pos, _) => *pos,
                // A plain error names no place: where the parser stopped.
                _ => p.stopped_at(),
            };
            (pos, e.to_string())
        }
        (None, Ok(())) => {
            let literals = p.literals().map_or(Literals::NotRead, Literals::Read);
            return (Verdict::Accepts, literals);
        }
    };
    verdict(Verdict::Refuses {
        text: format!("error parsing: {text}"),
        line: pos.line,
        column: pos.column,
        illegal_printed: p.printed_illegal,
    })
}

/// Whether hcl v1 reads every literal of a file it accepts
/// ([`literal::unreadable`]'s question), answered by the parse itself:
/// that scan of the whole text again, and a second scan of every literal,
/// were 0.69 M of the 9.8 M instructions of a `check --staged` judged as
/// 0.9.3.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Literals {
    /// Read as the parser met them: None, or the offset in the text of
    /// the first hcl v1 cannot read.
    Read(Option<usize>),
    /// Not read: the bytes parsed are not the text's (a byte order mark,
    /// a byte that is not UTF-8, or, from 0.11, CRLF made LF), or the
    /// file was not accepted.
    NotRead,
}

/// lexMode: the first character that is not Unicode white space is `{`.
fn read_as_json(bytes: &[u8]) -> bool {
    // The first byte that is not ASCII white space decides when it is
    // ASCII (char::is_whitespace's ASCII members are these six): the
    // chunks below validate the whole file as UTF-8 first, ~60 K
    // instructions of a `check --staged` for one character.
    match bytes
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'))
    {
        None => return false,
        Some(b) if b.is_ascii() => return *b == b'{',
        Some(_) => {}
    }
    for chunk in bytes.utf8_chunks() {
        let lead = chunk.valid().trim_start();
        if let Some(c) = lead.chars().next() {
            return c == '{';
        }
        if !chunk.invalid().is_empty() {
            return false;
        }
    }
    false
}

fn crlf_to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Before 1.0, what Nomad's HCL1 parser says of `src`: Ok when it
/// accepts it, its refusal located; None from 1.0 or where we cannot
/// tell. A panic is said in our words: Nomad's CLI prints Go's panic and
/// a goroutine trace we cannot reproduce.
pub fn check(src: &Source, v: NomadVersion) -> Option<Result<Literals, Diag>> {
    let era = Era::of(v)?;
    // Every stand-in for a byte that is not UTF-8 starts with 0xF4
    // (`source::encode`): without one and a BOM, the bytes are the text.
    let encoded;
    let bytes = if !src.bom && !src.text.as_bytes().contains(&0xF4) {
        src.text.as_bytes()
    } else {
        let mut bytes = Vec::with_capacity(src.text.len() + 3);
        if src.bom {
            bytes.extend_from_slice("\u{feff}".as_bytes());
        }
        bytes.extend(crate::source::encode(&src.text));
        encoded = bytes;
        &encoded[..]
    };
    let (verdict, literals) = judge_reading(bytes, era, Some(&src.text));
    match verdict {
        Verdict::Refuses {
            text, line, column, ..
        } => {
            let column = if src.bom && line == 1 {
                column.saturating_sub(1).max(1)
            } else {
                column
            };
            let span = locate(src, line, column);
            let what = text.rsplit(": ").next().unwrap_or("").to_string();
            Some(Err(
                Diag::error("hcl::syntax", text)
                    .at(src, span, what)
                    .help(format!("Nomad {v} parses job files as HCL1, whose parser stops at its first error (the last one its scanner met, if any) before anything is sent")),
            ))
        }
        Verdict::Panics(value) => Some(Err(
            Diag::error(
                CRASH,
                format!("Nomad {v}'s HCL1 parser panics on this file ({value}): the CLI crashes with a Go panic before anything is sent"),
            )
            .at(src, Span::new(src.text.len(), src.text.len()), "the file ends inside an escape sequence")
            .help("close the string: an escape sequence left open at the end of the file crashes hcl v1's scanner"),
        )),
        Verdict::Accepts => Some(Ok(literals)),
        Verdict::CannotTell => None,
        // Not the HCL2 reading's verdict either: hcl-edit takes any letter
        // of today's Unicode (R11-7: `meta { aꟀ = "v" }` at 0.9.3).
        Verdict::UnknownLetter(at) => {
            let at = at.saturating_sub(if src.bom { 3 } else { 0 });
            Some(Err(unknown_letter(src, v, at)))
        }
    }
}

/// The one line for an identifier character Go's `unicode` tables of
/// Nomad `v`'s build may not know (hcl v1's isLetter is
/// `unicode.IsLetter`, hcl/scanner/scanner.go@v1.0.0:617-619; a letter it
/// does not know is `illegal char`).
fn unknown_letter(src: &Source, v: NomadVersion, at: usize) -> Diag {
    let mut at = at.min(src.text.len());
    while !src.text.is_char_boundary(at) {
        at -= 1;
    }
    let end = src.text[at..]
        .chars()
        .next()
        .map_or(at, |c| at + c.len_utf8());
    let (a, b, c) = crate::gorelease::go_of(v);
    let go = format!("Go {a}.{b}.{c}");
    Diag::error(
        UNREAD,
        format!("cannot tell what Nomad {v} makes of this file: its HCL1 scanner reads a letter or digit outside ASCII with the Unicode tables of {go}, which built it, and whether those know this character (one assigned after Unicode 9.0, or not a letter there) is not known here"),
    )
    .at(src, Span::new(at, end), "letter of a later Unicode?")
    .help("spell identifiers in ASCII (or in letters Unicode 9.0 already had), or judge the file on the cluster")
}

/// The text offset of hcl's line and column (columns count characters; a
/// column past the line's end, where the scanner ran on at the end of the
/// text, is its end).
fn locate(src: &Source, line: usize, column: usize) -> Span {
    let text: &str = &src.text;
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        .min(text.len());
    let rest = &text[start..];
    let line_text = rest.split('\n').next().unwrap_or("");
    let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
    let at = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(start + line_text.len(), |(i, _)| start + i);
    let len = text[at..].chars().next().map_or(0, char::len_utf8);
    Span::new(at, at + len)
}
