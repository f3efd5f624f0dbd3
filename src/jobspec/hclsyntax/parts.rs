//! A template's flat token stream as hclsyntax's parseTemplateParts
//! (parser_template.go, the same at 68a97f93bb48 for Nomad 1.0.0 and at
//! v2.20.2-nomad-1 for 1.8.1 to 2.0.5) reads it, before any trimming:
//! literal tokens as the scanner cuts them (scan_tokens.rl: a heredoc has
//! one per line, the line end kept; a lone `$` or `%` is a token of its
//! own in either kind), and the `${`/`%{` sequences with their `~`
//! markers. Values are decoded by [`string_literal`]
//! (ParseStringLiteralToken), which every literal token goes through,
//! directive bodies included.

use super::scan::{self, Tok};

/// One of hclsyntax's template tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// A literal token's byte range in the file.
    Literal { start: usize, end: usize },
    /// `${ ... }` or a `%{ ... }` directive: `trim_before` is the opener's
    /// `~` (`${~`), `trim_after` the closer's (`~}`).
    Sequence {
        directive: bool,
        trim_before: bool,
        trim_after: bool,
    },
}

/// The template whose opening `"` or `<<` heredoc marker is at byte `at`
/// of `text`: its tokens, and whether it is quoted (its literals take
/// backslash escapes). None where the scan does not find one whole
/// template there, or finds a token hclsyntax refuses in it (the parse
/// decides those elsewhere).
pub fn template_parts(text: &str, at: usize) -> Option<(Vec<Part>, bool)> {
    let rest = text.get(at..)?;
    // Read up to the template's own end, not the rest of the file.
    let mut toks = Vec::new();
    let mut strings = 0usize;
    scan::scan_into(rest, true, &mut |t| {
        match t.tok {
            Tok::OQuote | Tok::OHeredoc => strings += 1,
            Tok::CQuote | Tok::CHeredoc => strings = strings.saturating_sub(1),
            _ => {}
        }
        toks.push(t);
        strings > 0
    });
    let quoted = match toks.first()?.tok {
        Tok::OQuote => true,
        Tok::OHeredoc => false,
        _ => return None,
    };
    let mut parts = Vec::new();
    // Open sequences: 0 at the template's own level.
    let mut depth = 0usize;
    // The opener of the sequence being read at level 1: (directive, ~).
    let mut open = (false, false);
    for t in &toks[1..] {
        let s = &rest[t.start..t.end];
        match t.tok {
            Tok::TemplateInterp | Tok::TemplateControl => {
                if depth == 0 {
                    open = (t.tok == Tok::TemplateControl, s.ends_with('~'));
                }
                depth += 1;
            }
            Tok::TemplateSeqEnd => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    parts.push(Part::Sequence {
                        directive: open.0,
                        trim_before: open.1,
                        trim_after: s.starts_with('~'),
                    });
                }
            }
            Tok::QuotedLit | Tok::StringLit if depth == 0 => parts.push(Part::Literal {
                start: at + t.start,
                end: at + t.end,
            }),
            Tok::CQuote | Tok::CHeredoc if depth == 0 => return Some((parts, quoted)),
            _ if depth == 0 => return None,
            _ => {}
        }
    }
    None
}

/// What hclsyntax's scanner makes of one byte of a text (scan_tokens.rl,
/// v2.20.2-nomad-1), for writing a decoded JSON string's sequences back as
/// native text: which raw characters read the same there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    /// Inside a string literal, a heredoc line or a comment: any character
    /// but a line end is literal text (StringLiteralChars is AnyUTF8 minus
    /// line ends; a comment runs to its line end).
    Text,
    /// A line end between tokens (`Newline`, `\r`? `\n`), which an
    /// interpolation's parser skips (PushIncludeNewlines(false)).
    LineEnd,
    /// Anything else: white space between tokens, or a token of the
    /// expression scanner's (a control character there is `TokenInvalid`).
    Other,
}

/// [`Held`] for every byte of `text`.
pub fn held(text: &str) -> Vec<Held> {
    let mut out = vec![Held::Other; text.len()];
    for t in scan::scan(text, true) {
        let k = match t.tok {
            Tok::QuotedLit | Tok::StringLit | Tok::Comment => Held::Text,
            Tok::Newline => Held::LineEnd,
            _ => continue,
        };
        for b in out.get_mut(t.start..t.end).into_iter().flatten() {
            *b = k;
        }
    }
    out
}

/// An error ParseStringLiteralToken reports: its detail (the summary is
/// always `Invalid escape sequence`) and byte range within the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscapeError {
    pub detail: String,
    pub start: usize,
    pub end: usize,
}

/// The summary of every [`EscapeError`].
pub const INVALID_ESCAPE: &str = "Invalid escape sequence";

/// A literal token's value (hclsyntax ParseStringLiteralToken over
/// scan_string_lit.rl's slices): `$${` and `%%{` lose a mark in both kinds;
/// a quoted token's backslash escapes are decoded, and every bad one is
/// reported (its selector is then kept, as Go does).
pub fn string_literal(raw: &str, quoted: bool) -> (String, Vec<EscapeError>) {
    let mut out = String::with_capacity(raw.len());
    let mut errors = Vec::new();
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if (c == b'$' || c == b'%') && b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') {
            out.push(c as char);
            out.push('{');
            i += 3;
            continue;
        }
        if c != b'\\' || !quoted {
            let ch = raw[i..].chars().next().unwrap_or('\u{FFFD}');
            out.push(ch);
            i += ch.len_utf8().max(1);
            continue;
        }
        let Some(sel) = raw[i + 1..].chars().next() else {
            errors.push(EscapeError {
                detail: "Backslash must be followed by an escape sequence selector character."
                    .into(),
                start: i,
                end: i + 1,
            });
            break;
        };
        let mut end = i + 1 + sel.len_utf8();
        match sel {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            'u' | 'U' => {
                let want = if sel == 'u' { 4 } else { 8 };
                let hex = b[end..]
                    .iter()
                    .take(want)
                    .take_while(|c| c.is_ascii_hexdigit())
                    .count();
                end += hex;
                let n = u32::from_str_radix(&raw[i + 2..end], 16).unwrap_or(u32::MAX);
                match char::from_u32(n) {
                    _ if hex != want => errors.push(EscapeError {
                        detail: if sel == 'u' {
                            "The \\u escape sequence must be followed by four hexadecimal digits."
                        } else {
                            "The \\U escape sequence must be followed by eight hexadecimal digits."
                        }
                        .into(),
                        start: i,
                        end,
                    }),
                    Some(ch) => out.push(ch),
                    None => errors.push(EscapeError {
                        detail: format!("Cannot encode character U+{n:04x} in UTF-8."),
                        start: i,
                        end,
                    }),
                }
            }
            other => {
                errors.push(EscapeError {
                    detail: format!(
                        "The symbol {} is not a valid escape sequence selector.",
                        crate::gotext::go_quote(&other.to_string())
                    ),
                    start: i,
                    end,
                });
                out.push(other);
            }
        }
        i = end;
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<String> {
        let (parts, quoted) = template_parts(text, 0).expect("a template");
        parts
            .iter()
            .map(|p| match p {
                Part::Literal { start, end } => string_literal(&text[*start..*end], quoted).0,
                Part::Sequence {
                    directive,
                    trim_before,
                    trim_after,
                } => format!(
                    "<{}{}{}>",
                    if *trim_before { "~" } else { "" },
                    if *directive { "%" } else { "$" },
                    if *trim_after { "~" } else { "" }
                ),
            })
            .collect()
    }

    #[test]
    fn heredoc_literals_are_cut_per_line_and_at_marks() {
        // Go's LexConfig (hcl v2.20.2-nomad-1): "$5" and "\n" apart.
        assert_eq!(
            values("<<EOT\n%{ for h in [\"a\"] ~}\n    server ${h} $5\n%{ endfor ~}\nEOT\n"),
            [
                "<%~>",
                "\n",
                "    server ",
                "<$>",
                " ",
                "$5",
                "\n",
                "<%~>",
                "\n"
            ]
        );
        // Before a line end, `$` takes the one byte after it (Go's
        // LexConfig: "a", "$", "$ ", "\n").
        assert_eq!(
            values("<<EOT\n%{ if true }a$$ \n%{~ endif }\nEOT\n"),
            ["<%>", "a", "$", "$ ", "\n", "<~%>", "\n"]
        );
        // A nested string's own sequences belong to the interpolation.
        assert_eq!(values("\"a${~ \"${b}\" }\\n\""), ["a", "<~$>", "\n"]);
        assert_eq!(values("\"$${x}\""), ["${", "x}"]);
    }

    #[test]
    fn escapes_as_parse_string_literal_token_reads_them() {
        assert_eq!(string_literal(r"a\nb\t\u00e9\\", true).0, "a\nb\té\\");
        assert_eq!(string_literal(r"a\nb", false).0, r"a\nb");
        assert_eq!(string_literal("%%{x", false).0, "%{x");
        let (_, e) = string_literal(r"\x", true);
        assert_eq!(
            e[0].detail,
            "The symbol \"x\" is not a valid escape sequence selector."
        );
        assert_eq!((e[0].start, e[0].end), (0, 2));
    }
}
