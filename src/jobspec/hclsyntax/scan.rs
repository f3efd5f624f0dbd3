//! Tokens as hclsyntax's scanner (hclsyntax/scan_tokens.rl, a Ragel
//! longest-match scanner) cuts them, for the one use we have for them:
//! finding where and how Nomad's HCL2 parser refuses a file that hcl-edit
//! refused too. Only token kinds and byte ranges are kept; values are not.
//!
//! The scanner has four modes, on a stack: the main (expression) mode,
//! quoted strings, heredocs, and the interpolations inside either (main
//! again until the `}` that closes them).

use crate::source::raw_byte_of;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tok {
    OBrace,
    CBrace,
    OBrack,
    CBrack,
    OParen,
    CParen,
    OQuote,
    CQuote,
    OHeredoc,
    CHeredoc,
    Star,
    Slash,
    Plus,
    Minus,
    Percent,
    Equal,
    EqualOp,
    NotEqual,
    Lt,
    Gt,
    LtEq,
    GtEq,
    And,
    Or,
    Bang,
    Dot,
    Comma,
    DoubleColon,
    Ellipsis,
    FatArrow,
    Question,
    Colon,
    TemplateInterp,
    TemplateControl,
    TemplateSeqEnd,
    QuotedLit,
    StringLit,
    NumberLit,
    Ident,
    Comment,
    Newline,
    BitwiseAnd,
    BitwiseOr,
    BitwiseNot,
    BitwiseXor,
    Semicolon,
    Backtick,
    Apostrophe,
    QuotedNewline,
    BadUtf8,
    Invalid,
    Eof,
}

#[derive(Clone, Copy, Debug)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Expressions, at the top or inside an interpolation.
    Main,
    Str,
    Heredoc,
}

struct Heredoc {
    marker: String,
    start_of_line: bool,
}

/// HCL's identifier start: ID_Start or `_`, in the Unicode 9.0 of
/// hclsyntax's scanner (not today's: see [`super::unicode9`]).
pub fn ident_start(c: char) -> bool {
    c == '_' || super::unicode9::id_start(c)
}

/// HCL's identifier continuation: ID_Continue (Unicode 9.0) or `-`.
pub fn ident_continue(c: char) -> bool {
    c == '-' || super::unicode9::id_continue(c)
}

/// Cut `text` into hclsyntax's tokens, ending with an `Eof` token.
/// `double_colon`: the scanner knows `::` (hcl 2.20 on); before, it is two
/// colons.
pub fn scan(text: &str, double_colon: bool) -> Vec<Token> {
    let mut out = Vec::new();
    scan_into(text, double_colon, &mut |t| {
        out.push(t);
        true
    });
    out
}

/// What hcl-edit accepts and hclsyntax refuses, found in one pass that
/// keeps nothing: a quoted string that runs past its line end (the offset
/// of the first is returned), a number literal cty cannot read (`1.2.3`),
/// a legacy index chained in one number (`a.1.2`), a bad escape (which
/// hcl-edit takes in a directive's body), a splat inside an
/// attribute-only splat (`a.*.*`) and an identifier character of a
/// Unicode later than hclsyntax's 9.0 (`aꟀ`, `a<U+200D>b`).
pub fn hcl_edit_blind_spot(text: &str) -> Option<usize> {
    let mut found = None;
    let mut prev = [Tok::Eof; 3];
    scan_into(text, true, &mut |t| {
        let bad = match t.tok {
            Tok::QuotedNewline => true,
            // hcl-edit decodes no escape in a quoted string's directive
            // body (it reads it as a heredoc's); hclsyntax decodes every
            // literal token's (R16-32).
            Tok::QuotedLit => bad_escape_at(text, t.start),
            Tok::NumberLit => {
                let s = &text[t.start..t.end];
                !super::parse::valid_number(s) || (prev[2] == Tok::Dot && s.contains('.'))
            }
            Tok::Star => {
                prev == [Tok::Star, Tok::Dot, Tok::Dot] || prev[1..] == [Tok::Star, Tok::Dot]
            }
            // hcl-edit reads identifiers with today's Unicode.
            Tok::Invalid => text[t.start..]
                .chars()
                .next()
                .is_some_and(unicode_ident::is_xid_continue),
            _ => false,
        };
        if bad {
            found = Some(t.start);
        }
        if !matches!(t.tok, Tok::Comment | Tok::Newline) {
            prev = [prev[1], prev[2], t.tok];
        }
        found.is_none()
    });
    found
}

/// [`scan`] into `sink`, which returns false to stop.
pub(super) fn scan_into(text: &str, double_colon: bool, sink: &mut dyn FnMut(Token) -> bool) {
    let b = text.as_bytes();
    let stopped = std::cell::Cell::new(false);
    let mut emit = |tok, start, end| {
        if !stopped.get() && !sink(Token { tok, start, end }) {
            stopped.set(true);
        }
    };
    let mut modes = vec![Mode::Main];
    let mut braces: usize = 0;
    // Brace depths whose `}` ends an interpolation (returns to its string).
    let mut ret_braces: Vec<usize> = Vec::new();
    let mut heredocs: Vec<Heredoc> = Vec::new();
    let mut i = 0;
    let mut out = ();
    let mut push = |_: &mut (), tok, start, end| emit(tok, start, end);
    while i < b.len() && !stopped.get() {
        let mode = *modes.last().unwrap_or(&Mode::Main);
        let c = text[i..].chars().next().unwrap_or('\0');
        let clen = c.len_utf8();
        let bad = raw_byte_of(c).is_some();
        // `${`/`%{` open an interpolation in strings and heredocs alike.
        let interp_open = |i: usize| -> Option<(Tok, usize)> {
            let two = b.get(i..i + 2)?;
            let tok = match two {
                b"${" => Tok::TemplateInterp,
                b"%{" => Tok::TemplateControl,
                _ => return None,
            };
            Some((tok, if b.get(i + 2) == Some(&b'~') { 3 } else { 2 }))
        };
        match mode {
            Mode::Main => {
                if c == ' ' || c == '\t' {
                    i += 1;
                    continue;
                }
                if bad {
                    push(&mut out, Tok::BadUtf8, i, i + clen);
                    i += clen;
                    continue;
                }
                if c.is_ascii_digit() {
                    let end = number_end(b, i);
                    push(&mut out, Tok::NumberLit, i, end);
                    i = end;
                    continue;
                }
                if ident_start(c) {
                    let mut end = i + clen;
                    for ch in text[end..].chars() {
                        if !ident_continue(ch) {
                            break;
                        }
                        end += ch.len_utf8();
                    }
                    push(&mut out, Tok::Ident, i, end);
                    i = end;
                    continue;
                }
                let rest = &b[i..];
                if rest[0] == b'#' || rest.starts_with(b"//") {
                    let end = text[i..].find('\n').map_or(b.len(), |n| i + n + 1);
                    push(&mut out, Tok::Comment, i, end);
                    i = end;
                    continue;
                }
                if rest.starts_with(b"/*") {
                    // Unclosed: no comment matches, so `/` and `*` are
                    // tokens of their own (the scanner's longest match).
                    if let Some(n) = text[i + 2..].find("*/") {
                        let end = i + 2 + n + 2;
                        push(&mut out, Tok::Comment, i, end);
                        i = end;
                        continue;
                    }
                }
                if rest.starts_with(b"\r\n") || rest[0] == b'\n' {
                    let end = if rest[0] == b'\r' { i + 2 } else { i + 1 };
                    push(&mut out, Tok::Newline, i, end);
                    i = end;
                    continue;
                }
                if let Some(end) = heredoc_open(text, i) {
                    let body = &text[i + 2..end];
                    let marker = body.trim_start_matches('-').trim_end_matches(['\n', '\r']);
                    push(&mut out, Tok::OHeredoc, i, end);
                    heredocs.push(Heredoc {
                        marker: marker.to_string(),
                        start_of_line: true,
                    });
                    modes.push(Mode::Heredoc);
                    i = end;
                    continue;
                }
                let (tok, len) = match rest {
                    [b'=', b'=', ..] => (Tok::EqualOp, 2),
                    [b'!', b'=', ..] => (Tok::NotEqual, 2),
                    [b'>', b'=', ..] => (Tok::GtEq, 2),
                    [b'<', b'=', ..] => (Tok::LtEq, 2),
                    [b'&', b'&', ..] => (Tok::And, 2),
                    [b'|', b'|', ..] => (Tok::Or, 2),
                    [b':', b':', ..] if double_colon => (Tok::DoubleColon, 2),
                    [b'.', b'.', b'.', ..] => (Tok::Ellipsis, 3),
                    [b'=', b'>', ..] => (Tok::FatArrow, 2),
                    [b'~', b'}', ..] => (Tok::TemplateSeqEnd, 2),
                    [b'{', ..] => (Tok::OBrace, 1),
                    [b'}', ..] => (Tok::CBrace, 1),
                    [b'"', ..] => (Tok::OQuote, 1),
                    [b'[', ..] => (Tok::OBrack, 1),
                    [b']', ..] => (Tok::CBrack, 1),
                    [b'(', ..] => (Tok::OParen, 1),
                    [b')', ..] => (Tok::CParen, 1),
                    [b'.', ..] => (Tok::Dot, 1),
                    [b',', ..] => (Tok::Comma, 1),
                    [b'*', ..] => (Tok::Star, 1),
                    [b'/', ..] => (Tok::Slash, 1),
                    [b'%', ..] => (Tok::Percent, 1),
                    [b'+', ..] => (Tok::Plus, 1),
                    [b'-', ..] => (Tok::Minus, 1),
                    [b'=', ..] => (Tok::Equal, 1),
                    [b'<', ..] => (Tok::Lt, 1),
                    [b'>', ..] => (Tok::Gt, 1),
                    [b'!', ..] => (Tok::Bang, 1),
                    [b'?', ..] => (Tok::Question, 1),
                    [b':', ..] => (Tok::Colon, 1),
                    [b'&', ..] => (Tok::BitwiseAnd, 1),
                    [b'|', ..] => (Tok::BitwiseOr, 1),
                    [b'~', ..] => (Tok::BitwiseNot, 1),
                    [b'^', ..] => (Tok::BitwiseXor, 1),
                    [b';', ..] => (Tok::Semicolon, 1),
                    [b'`', ..] => (Tok::Backtick, 1),
                    [b'\'', ..] => (Tok::Apostrophe, 1),
                    _ => (Tok::Invalid, clen),
                };
                match tok {
                    Tok::OBrace => braces += 1,
                    Tok::CBrace | Tok::TemplateSeqEnd => {
                        let ends = ret_braces.last() == Some(&braces);
                        let tok = if ends { Tok::TemplateSeqEnd } else { tok };
                        braces = braces.saturating_sub(1);
                        push(&mut out, tok, i, i + len);
                        i += len;
                        if ends {
                            ret_braces.pop();
                            modes.pop();
                        }
                        continue;
                    }
                    Tok::OQuote => modes.push(Mode::Str),
                    _ => {}
                }
                push(&mut out, tok, i, i + len);
                i += len;
            }
            Mode::Str => {
                if let Some((tok, len)) = interp_open(i) {
                    push(&mut out, tok, i, i + len);
                    braces += 1;
                    ret_braces.push(braces);
                    modes.push(Mode::Main);
                    i += len;
                    continue;
                }
                if bad {
                    push(&mut out, Tok::BadUtf8, i, i + clen);
                    i += clen;
                    continue;
                }
                match c {
                    '"' => {
                        push(&mut out, Tok::CQuote, i, i + 1);
                        modes.pop();
                        i += 1;
                    }
                    '\r' | '\n' => {
                        let n = b[i..]
                            .iter()
                            .take_while(|&&x| x == b'\r' || x == b'\n')
                            .count();
                        push(&mut out, Tok::QuotedNewline, i, i + n);
                        i += n;
                    }
                    '$' | '%' => {
                        // `$${` / `%%{` (with `~`) are one literal, a lone
                        // `$` or `%` before anything but `{` another.
                        let len = match interp_open(i + 1) {
                            Some((_, n)) if b[i + 1] == b[i] => 1 + n,
                            _ if i + 1 < b.len() => 1,
                            _ => 1,
                        };
                        push(&mut out, Tok::QuotedLit, i, i + len);
                        i += len;
                    }
                    _ => {
                        let end = quoted_run(text, i);
                        if end == i {
                            // A backslash before a newline or the end.
                            push(&mut out, Tok::Invalid, i, i + clen);
                            i += clen;
                        } else {
                            push(&mut out, Tok::QuotedLit, i, end);
                            i = end;
                        }
                    }
                }
            }
            Mode::Heredoc => {
                if let Some((tok, len)) = interp_open(i) {
                    push(&mut out, tok, i, i + len);
                    braces += 1;
                    ret_braces.push(braces);
                    if let Some(h) = heredocs.last_mut() {
                        h.start_of_line = false;
                    }
                    modes.push(Mode::Main);
                    i += len;
                    continue;
                }
                if bad {
                    push(&mut out, Tok::BadUtf8, i, i + clen);
                    i += clen;
                    continue;
                }
                // A literal: `$`/`%` alone (or escaped), else a run of
                // anything but `$`, `%`, raw bytes and line ends; then the
                // line end, if it follows at once.
                let mut end = if c == '$' || c == '%' {
                    match interp_open(i + 1) {
                        Some((_, n)) if b[i + 1] == b[i] => i + 1 + n,
                        // TemplateNotInterp is `$` and any one byte but
                        // `{` (its fhold undone where "HeredocStringLiteral
                        // EndOfLine" is the longest match): before a line
                        // end, `$ \n` is the tokens `$ ` and `\n` (Go's
                        // LexConfig, hcl 68a97f93bb48 and v2.20.2).
                        _ if b.get(i + 1).is_some_and(|x| x.is_ascii() && *x != b'{')
                            && (b[i + 2..].starts_with(b"\n")
                                || b[i + 2..].starts_with(b"\r\n")) =>
                        {
                            if let Some(h) = heredocs.last_mut() {
                                h.start_of_line = true;
                            }
                            push(&mut out, Tok::StringLit, i, i + 2);
                            i += 2;
                            continue;
                        }
                        _ => i + 1,
                    }
                } else {
                    let mut e = i;
                    for ch in text[i..].chars() {
                        if matches!(ch, '$' | '%' | '\r' | '\n') || raw_byte_of(ch).is_some() {
                            break;
                        }
                        e += ch.len_utf8();
                    }
                    e
                };
                let eol = if b[end..].starts_with(b"\r\n") {
                    2
                } else if b.get(end) == Some(&b'\n') {
                    1
                } else {
                    0
                };
                if eol == 0 {
                    if end == i {
                        // A lone `\r`: the scanner has no rule for it here.
                        push(&mut out, Tok::Invalid, i, i + clen);
                        i += clen;
                        continue;
                    }
                    if let Some(h) = heredocs.last_mut() {
                        h.start_of_line = false;
                    }
                    push(&mut out, Tok::StringLit, i, end);
                    i = end;
                    continue;
                }
                let line = &text[i..end];
                end += eol;
                let top = heredocs.last_mut();
                if let Some(h) = top {
                    if h.start_of_line && line.trim() == h.marker {
                        let nl = end - eol;
                        push(&mut out, Tok::CHeredoc, i, nl);
                        push(&mut out, Tok::Newline, nl, end);
                        heredocs.pop();
                        modes.pop();
                        i = end;
                        continue;
                    }
                    h.start_of_line = true;
                }
                push(&mut out, Tok::StringLit, i, end);
                i = end;
            }
        }
    }
    push(&mut out, Tok::Eof, b.len(), b.len());
}

/// `digit (digit | '.' | [eE][+-]?digit)*`, not ending in `.`.
fn number_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    let mut last_good = i;
    loop {
        match b.get(i) {
            Some(d) if d.is_ascii_digit() => {
                i += 1;
                last_good = i;
            }
            Some(b'.') => i += 1,
            Some(b'e' | b'E') => {
                let mut j = i + 1;
                if matches!(b.get(j), Some(b'+' | b'-')) {
                    j += 1;
                }
                if b.get(j).is_some_and(u8::is_ascii_digit) {
                    i = j + 1;
                    last_good = i;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    last_good
}

/// `<<` or `<<-`, an identifier, and a line end: the heredoc opener's end.
fn heredoc_open(text: &str, i: usize) -> Option<usize> {
    let rest = text[i..].strip_prefix("<<")?;
    let mut at = i + 2;
    let rest = match rest.strip_prefix('-') {
        Some(r) => {
            at += 1;
            r
        }
        None => rest,
    };
    let mut chars = rest.char_indices();
    let (_, first) = chars.next()?;
    if !ident_start(first) {
        return None;
    }
    let mut end = first.len_utf8();
    for (n, ch) in chars {
        if !ident_continue(ch) {
            break;
        }
        end = n + ch.len_utf8();
    }
    let after = &rest[end..];
    let nl = if after.starts_with("\r\n") {
        2
    } else if after.starts_with('\n') {
        1
    } else {
        return None;
    };
    Some(at + end + nl)
}

/// Does the quoted literal token at byte `at` hold an escape hclsyntax
/// refuses (ParseStringLiteralToken)?
pub fn bad_escape_at(text: &str, at: usize) -> bool {
    let s = &text[at..quoted_run(text, at)];
    s.contains('\\') && !super::parts::string_literal(s, true).1.is_empty()
}

/// A run of a quoted string's literal characters: escapes (`\` and any
/// character but a line end) and anything but `$ % " \`, line ends and
/// raw bytes.
fn quoted_run(text: &str, start: usize) -> usize {
    let mut it = text[start..].char_indices().peekable();
    let mut end = start;
    while let Some((n, ch)) = it.next() {
        match ch {
            '$' | '%' | '"' | '\r' | '\n' => break,
            _ if raw_byte_of(ch).is_some() => break,
            '\\' => match it.peek() {
                Some(&(m, next)) if !matches!(next, '\r' | '\n') && raw_byte_of(next).is_none() => {
                    it.next();
                    end = start + m + next.len_utf8();
                }
                _ => break,
            },
            _ => end = start + n + ch.len_utf8(),
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Tok> {
        scan(text, true).into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn strings_interpolations_and_heredocs() {
        use Tok::*;
        assert_eq!(
            kinds("a = \"x${b}y\"\n"),
            [
                Ident,
                Equal,
                OQuote,
                QuotedLit,
                TemplateInterp,
                Ident,
                TemplateSeqEnd,
                QuotedLit,
                CQuote,
                Newline,
                Eof
            ]
        );
        assert_eq!(
            kinds("a = <<EOT\nhi\n  EOT\n"),
            [Ident, Equal, OHeredoc, StringLit, CHeredoc, Newline, Eof]
        );
        assert_eq!(kinds("a = \"x\ny\"\n")[3..5], [QuotedLit, QuotedNewline]);
        // `$${` is a literal; an unclosed block comment is `/` and `*`.
        assert_eq!(kinds("\"$${x}\"")[1..3], [QuotedLit, QuotedLit]);
        assert_eq!(kinds("/* x")[..2], [Slash, Star]);
    }

    #[test]
    fn numbers_end_before_a_trailing_dot() {
        let t = scan("1.5e+3. 7", true);
        assert_eq!((t[0].tok, t[0].end), (Tok::NumberLit, 6));
        assert_eq!(t[1].tok, Tok::Dot);
    }
}
