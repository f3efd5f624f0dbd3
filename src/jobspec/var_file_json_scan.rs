//! hcl's JSON scanner (json/scanner.go `scan`), which jobspec2 runs on a
//! var file (or job file) whose first byte other than a space is `{`.
//! json/ is the same at every hcl Nomad vendors (68a97f93bb48 for 1.0.0,
//! eb14f8319bdc for 1.1–1.3, ab3cae0737bc for 1.4.5–1.8.0,
//! v2.20.2-nomad-1 from 1.8.1) but for go-textseg's Unicode tables (12,
//! then 15), which only a string's grapheme clusters meet.
//!
//! Its positions are its own, not hclsyntax's: a tab is two columns, a
//! carriage return none, and a column inside a string is a grapheme
//! cluster. This tool counts a string's characters; where a character
//! may join a cluster with its neighbour (a combining mark, a joiner, an
//! emoji, most scripts beyond Latin, Greek, Cyrillic and CJK), the
//! columns after it on that line are marked inexact, and whatever quotes
//! them says "cannot tell".

/// A position as hcl.Pos counts it; `exact` is false once a string
/// earlier on the line held a character whose grapheme clusters are not
/// counted here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Pos {
    pub(super) line: usize,
    pub(super) col: usize,
    pub(super) byte: usize,
    pub(super) exact: bool,
}

/// hcl.Range, without its file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Range {
    pub(super) start: Pos,
    pub(super) end: Pos,
}

impl Range {
    /// hcl.RangeBetween.
    pub(super) fn between(a: Range, b: Range) -> Range {
        Range {
            start: a.start,
            end: b.end,
        }
    }

    /// hcl.Range.String() (`file:L,C-C`, or `file:L,C-L,C` across lines),
    /// or None where a column is not known here.
    pub(super) fn shown(&self, file: &str) -> Option<String> {
        let (s, e) = (self.start, self.end);
        if !(s.exact && e.exact) {
            return None;
        }
        Some(if s.line == e.line {
            format!("{file}:{},{}-{}", s.line, s.col, e.col)
        } else {
            format!("{file}:{},{}-{},{}", s.line, s.col, e.line, e.col)
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    BraceO,
    BraceC,
    BrackO,
    BrackC,
    Comma,
    Colon,
    /// Scanned only to remind the user that JSON uses a colon.
    Equals,
    Keyword,
    String,
    Number,
    Eof,
    Invalid,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Token {
    pub(super) kind: Kind,
    pub(super) range: Range,
}

impl Token {
    /// The token's bytes in `text`.
    pub(super) fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.range.start.byte..self.range.end.byte)
            .unwrap_or("")
    }
}

/// The tokens of `text`, ending with an Eof (at the first invalid byte,
/// after an Invalid token: the parser goes no further).
pub(super) fn scan(text: &str) -> Vec<Token> {
    let b = text.as_bytes();
    let mut p = Pos {
        line: 1,
        col: 1,
        byte: 0,
        exact: true,
    };
    let mut out = Vec::new();
    loop {
        skip_space(b, &mut p);
        let start = p;
        let Some(&first) = b.get(p.byte) else {
            out.push(token(Kind::Eof, p, p));
            return out;
        };
        let kind = match first {
            b'{' => Kind::BraceO,
            b'}' => Kind::BraceC,
            b'[' => Kind::BrackO,
            b']' => Kind::BrackC,
            b',' => Kind::Comma,
            b':' => Kind::Colon,
            b'=' => Kind::Equals,
            b'"' => Kind::String,
            // 'e' and 'E' cannot start a number: they start a keyword,
            // for a clearer refusal.
            b'-' | b'+' | b'.' | b'0'..=b'9' => Kind::Number,
            c if c.is_ascii_alphabetic() => Kind::Keyword,
            _ => Kind::Invalid,
        };
        match kind {
            Kind::String => string(text, &mut p),
            Kind::Number => run(b, &mut p, |c| {
                matches!(c, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
            }),
            Kind::Keyword => run(b, &mut p, |c| c.is_ascii_alphabetic() || c == b'_'),
            _ => {
                // One byte, one column, whatever the character.
                p.byte += 1;
                p.col += 1;
            }
        }
        out.push(token(kind, start, p));
        if kind == Kind::Invalid {
            out.push(token(Kind::Eof, p, p));
            return out;
        }
    }
}

fn token(kind: Kind, start: Pos, end: Pos) -> Token {
    Token {
        kind,
        range: Range { start, end },
    }
}

fn skip_space(b: &[u8], p: &mut Pos) {
    while let Some(&c) = b.get(p.byte) {
        match c {
            b' ' => p.col += 1,
            b'\n' => {
                p.line += 1;
                p.col = 1;
                p.exact = true;
            }
            // Counted as the newline it presumably precedes.
            b'\r' => {}
            // hcl's arbitrary choice: two columns.
            b'\t' => p.col += 2,
            _ => return,
        }
        p.byte += 1;
    }
}

/// A run of single-byte characters `keep` accepts.
fn run(b: &[u8], p: &mut Pos, keep: impl Fn(u8) -> bool) {
    while b.get(p.byte).is_some_and(|c| keep(*c)) {
        p.byte += 1;
        p.col += 1;
    }
}

/// scanString: to the closing quote not escaped, or to a control byte
/// or the end (an unclosed string the parser refuses). Escapes are not
/// checked here.
fn string(text: &str, p: &mut Pos) {
    let b = text.as_bytes();
    p.byte += 1;
    p.col += 1;
    let mut escaping = false;
    while let Some(&c) = b.get(p.byte) {
        match c {
            b'\\' => {
                escaping = !escaping;
                p.byte += 1;
                p.col += 1;
            }
            b'"' => {
                p.byte += 1;
                p.col += 1;
                if !escaping {
                    return;
                }
                escaping = false;
            }
            0..=31 => return,
            _ => {
                let ch = text[p.byte..].chars().next().unwrap_or(' ');
                p.exact &= counted(ch);
                p.byte += ch.len_utf8();
                p.col += 1;
                escaping = false;
            }
        }
    }
}

/// Is `ch` one grapheme cluster of its own whatever surrounds it, in
/// Unicode 12 and 15 alike? ASCII, Latin-1 and Latin Extended, Greek and
/// Cyrillic letters and CJK ideographs are; combining marks, joiners,
/// prepended marks, Hangul jamo, emoji and the rest are not judged here.
pub(super) fn counted(ch: char) -> bool {
    matches!(
        ch,
        '\u{0}'..='\u{2FF}'
            | '\u{370}'..='\u{3FF}'
            | '\u{400}'..='\u{482}'
            | '\u{48A}'..='\u{52F}'
            | '\u{4E00}'..='\u{9FFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, usize, usize)> {
        scan(text)
            .iter()
            .map(|t| (t.kind, t.range.start.col, t.range.end.col))
            .collect()
    }

    #[test]
    fn tabs_are_two_columns_and_carriage_returns_none() {
        // json/scanner.go skipWhitespace.
        let t = scan("{\t\"a\":\r\n 1}");
        assert_eq!(t[1].range.start.col, 4);
        assert_eq!(t[3].range.start.line, 2);
        assert_eq!(t[3].range.start.col, 2);
        assert_eq!(t[3].range.start.byte, 9);
    }

    #[test]
    fn words_and_numbers_are_scanned_loosely() {
        use Kind::*;
        assert_eq!(
            kinds("tru_e 1e+5x"),
            vec![
                (Keyword, 1, 6),
                (Number, 7, 11),
                (Keyword, 11, 12),
                (Eof, 12, 12)
            ]
        );
        // An invalid byte ends the scan, one column wide whatever its
        // length.
        assert_eq!(
            kinds("[é]"),
            vec![(BrackO, 1, 2), (Invalid, 2, 3), (Eof, 3, 3)]
        );
    }

    #[test]
    fn a_string_ends_at_an_unescaped_quote_or_a_control_byte() {
        let t = scan("\"a\\\"b\" \"c\\\\\" \"d\ne\"");
        assert_eq!(t[0].text("\"a\\\"b\" \"c\\\\\" \"d\ne\""), "\"a\\\"b\"");
        assert_eq!(t[1].range.end.col, 13);
        assert_eq!(t[2].range.end.col, 16);
        assert_eq!(t[3].kind, Kind::Keyword);
        assert_eq!(t[3].range.start.line, 2);
    }

    #[test]
    fn columns_after_a_cluster_not_counted_here_are_inexact() {
        let t = scan("[\"é\", \"e\u{301}\", 1]\n[2]");
        assert!(t[1].range.end.exact);
        assert_eq!(t[1].range.end.col, 5);
        assert!(!t[3].range.end.exact);
        assert!(!t[5].range.start.exact);
        // A new line is counted again.
        assert!(t[7].range.start.exact);
        assert_eq!(t[5].range.shown("f"), None);
        assert_eq!(t[7].range.shown("f").as_deref(), Some("f:2,1-2"));
    }
}
