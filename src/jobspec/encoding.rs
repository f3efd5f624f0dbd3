//! Bytes that are not UTF-8 in a job file, and a leading byte order mark,
//! as Nomad's parsers judge them. The text keeps each such byte as a
//! character of its own (`vfs::decode`), so they are found here rather
//! than lost to U+FFFD, which would let a Latin-1 file plan as valid:
//!
//! - HCL2 (1.0+, hclsyntax): a BOM is skipped; a bad byte anywhere but in
//!   a comment is a `TokenBadUTF8`, reported once as `Invalid character
//!   encoding` (hclsyntax/token.go `checkInvalidTokens`);
//! - HCL1 (before 1.0, hcl/scanner): every rune is read through `next()`,
//!   which reports `illegal UTF-8 encoding` for a bad byte wherever it is,
//!   and a BOM is an `illegal char` where a token starts; the parser keeps
//!   the last scanner error, and stops at the first illegal token, so a
//!   BOM (or a bad byte between tokens) is the error, else the last bad
//!   byte is.

use crate::diag::Diag;
use crate::source::{raw_byte_of, Source, Span};
use crate::version::NomadVersion;

/// The code of these errors.
pub const CODE: &str = "hcl::encoding";

/// The error Nomad's parser of release `v` reports for `src`'s encoding.
pub fn check(src: &Source, v: NomadVersion) -> Option<Diag> {
    let text: &str = &src.text;
    // Only HCL1 minds a BOM; both parsers mind a bad byte.
    let hcl1_bom = src.bom && !v.at_least(1, 0, 0);
    if !hcl1_bom && !src.has_raw_bytes() {
        return None;
    }
    if v.at_least(1, 0, 0) {
        let at = scan(text).into_iter().find(|r| r.place != Place::Comment)?;
        return Some(
            Diag::error(CODE, "Invalid character encoding: All input files must be UTF-8 encoded. Ensure that UTF-8 encoding is selected in your editor.")
                .at(src, one(text, at.offset), "not UTF-8")
                .help("save the file as UTF-8 (a byte here is not UTF-8; Latin-1 text is the usual cause)"),
        );
    }
    // HCL1's own verdict where we can follow it: its scanner reports the
    // last bad byte it read before the parser stopped.
    if let Some(Err(d)) = super::hcl1_syntax::check(src, v) {
        let help = if src.bom {
            format!("Nomad {v} parses job files as HCL1, which refuses a UTF-8 byte order mark: save the file without it")
        } else {
            "save the file as UTF-8 (a byte here is not UTF-8; Latin-1 text is the usual cause)"
                .into()
        };
        return Some(Diag {
            code: CODE.into(),
            help: Some(help),
            ..d
        });
    }
    if src.bom {
        return Some(
            Diag::error(CODE, "error parsing: At 1:1: illegal char")
                .at(src, Span::new(0, 0), "a byte order mark")
                .help(format!("Nomad {v} parses job files as HCL1, which refuses a UTF-8 byte order mark: save the file without it")),
        );
    }
    let raw = scan(text);
    let (offset, what) = match raw.iter().find(|r| r.place == Place::Code) {
        Some(r) => (r.offset, "illegal char"),
        None => (raw.last()?.offset, "illegal UTF-8 encoding"),
    };
    let (line, col) = src.line_col(offset);
    Some(
        Diag::error(CODE, format!("error parsing: At {line}:{col}: {what}"))
            .at(src, one(text, offset), "not UTF-8")
            .help("save the file as UTF-8 (a byte here is not UTF-8; Latin-1 text is the usual cause)"),
    )
}

fn one(text: &str, offset: usize) -> Span {
    let len = text[offset..].chars().next().map_or(0, char::len_utf8);
    Span::new(offset, offset + len)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Place {
    Code,
    Literal,
    Comment,
}

struct Raw {
    offset: usize,
    place: Place,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    Str,
    Line,
    Block,
    Heredoc,
}

/// Every byte that is not UTF-8, and where it sits: between tokens, in a
/// string, template or heredoc, or in a comment. Called only for a text
/// that holds one ([`crate::source::SourceFile::has_raw_bytes`]).
fn scan(text: &str) -> Vec<Raw> {
    let mut found = Vec::new();
    let b = text.as_bytes();
    let mut state = State::Code;
    // Brace depth of each open `${`/`%{` inside a string.
    let mut interps: Vec<usize> = Vec::new();
    let mut marker = String::new();
    let mut line_start = true;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let at_line_start = line_start;
        line_start = c == '\n';
        if state == State::Heredoc && at_line_start {
            let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
            if text[i..end].trim() == marker {
                state = State::Code;
            }
        }
        if raw_byte_of(c).is_some() {
            let place = match state {
                State::Code => Place::Code,
                State::Str | State::Heredoc => Place::Literal,
                State::Line | State::Block => Place::Comment,
            };
            found.push(Raw { offset: i, place });
            continue;
        }
        let next = b.get(i + 1).copied();
        match state {
            State::Line if c == '\n' => state = State::Code,
            State::Block if c == '*' && next == Some(b'/') => {
                iter.next();
                state = State::Code;
            }
            State::Str => match c {
                '\\' => {
                    iter.next();
                }
                '"' => state = State::Code,
                '$' | '%' if next == Some(b'{') => {
                    iter.next();
                    interps.push(0);
                    state = State::Code;
                }
                _ => {}
            },
            State::Code => match c {
                '#' => state = State::Line,
                '/' if next == Some(b'/') => state = State::Line,
                '/' if next == Some(b'*') => {
                    iter.next();
                    state = State::Block;
                }
                '"' => state = State::Str,
                '{' => {
                    if let Some(d) = interps.last_mut() {
                        *d += 1;
                    }
                }
                '}' => match interps.last_mut() {
                    Some(0) => {
                        interps.pop();
                        state = State::Str;
                    }
                    Some(d) => *d -= 1,
                    None => {}
                },
                '<' if next == Some(b'<') => {
                    let rest = &text[i + 2..];
                    let rest = rest.strip_prefix('-').unwrap_or(rest);
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() && rest[name.len()..].starts_with(['\n', '\r']) {
                        marker = name;
                        state = State::Heredoc;
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn src(bytes: &[u8]) -> Source {
        SourceFile::inline("j.nomad", &crate::vfs::decode(bytes.to_vec()))
    }

    #[test]
    fn hcl2_refuses_a_bad_byte_outside_comments_only() {
        let v = NomadVersion::CURRENT;
        let in_string = src(b"job \"a\" {\n  meta { who = \"M\xfcller\" }\n}\n");
        let d = check(&in_string, v).expect("refused");
        assert!(
            d.message.starts_with("Invalid character encoding"),
            "{}",
            d.message
        );
        assert_eq!(in_string.line_col(d.primary_span().unwrap().start), (2, 18));
        for ok in [
            &b"# M\xfcller\njob \"a\" {}\n"[..],
            b"job \"a\" { // \xfc\n}\n/* \xfc */\n",
            b"\xEF\xBB\xBFjob \"a\" {}\n",
            b"job \"a\" { meta { a = \"M\xc3\xbcller\" } }\n",
        ] {
            assert!(
                check(&src(ok), v).is_none(),
                "{:?}",
                String::from_utf8_lossy(ok)
            );
        }
        // In a heredoc, and in a string inside an interpolation.
        for bad in [
            &b"job \"a\" {\n  x = <<EOT\n\xfc\nEOT\n}\n"[..],
            b"job \"a\" { x = \"${upper(\"\xfc\")}\" }\n",
            b"job \"a\" { x = \"#\xfc\" }\n",
        ] {
            assert!(
                check(&src(bad), v).is_some(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn hcl1_refuses_a_bom_and_any_bad_byte() {
        let v = NomadVersion::DEMO;
        let d = check(&src(b"\xEF\xBB\xBFjob \"a\" {}\n"), v).expect("refused");
        assert_eq!(d.message, "error parsing: At 1:1: illegal char");
        let d = check(&src(b"# \xfc\njob \"a\" {\n  x = \"\xfc\"\n}\n"), v).expect("refused");
        assert_eq!(d.message, "error parsing: At 3:8: illegal UTF-8 encoding");
        let d = check(&src(b"job \"a\" {\n \xfc\n}\n"), v).expect("refused");
        assert_eq!(d.message, "error parsing: At 2:2: illegal char");
        assert!(check(&src(b"job \"a\" {}\n"), v).is_none());
    }
}
