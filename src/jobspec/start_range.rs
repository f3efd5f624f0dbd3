//! hclsyntax's `Expression.StartRange()`, read off an expression's text:
//! gohcl and jobspec2's decoders put their "Unsuitable value type" errors
//! there (hcl gohcl/decode.go DecodeExpression), not on the whole value.
//! Only forms whose start is certain are answered; anything else is None,
//! and the caller keeps its own words rather than guess a range. Every
//! case below was checked against hclsyntax at 68a97f93bb48 and
//! v2.20.2-nomad-1 (tests/hcl-oracle/gohcl.go).

use crate::source::Span;

/// StartRange of the expression at `span`:
/// - a number literal (LiteralValueExpr, also as the left operand of an
///   operator, whose StartRange is its LHS's);
/// - a unary `-` or `!` (its symbol);
/// - a keyword or a dotted traversal (ScopeTraversalExpr: the whole
///   traversal);
/// - a function call (name to open parenthesis);
/// - a tuple or object constructor that is the whole expression (its
///   opening bracket or brace);
/// - a quoted string: its first literal part, without the quotes (`""`:
///   the empty range after the opening quote).
///
/// Indexes, parentheses, heredocs, strings opening with an interpolation or
/// holding `$${`/`%%{` escapes (a part of their own): None.
pub fn start_range(text: &str, span: Span) -> Option<Span> {
    let s = text.get(span.start..span.end)?;
    let b = s.as_bytes();
    let at = |len: usize| Some(Span::new(span.start, span.start + len));
    match *b.first()? {
        b'-' | b'!' => at(1),
        b'[' | b'{' => {
            (closing(b, 0)? + 1 == b.len()).then_some(Span::new(span.start, span.start + 1))
        }
        b'"' => {
            let (content, end) = quoted_literal(b)?;
            operand_ends(&b[end..]).then_some(Span::new(span.start + 1, span.start + 1 + content))
        }
        c if c.is_ascii_digit() => at(number_len(b)),
        c if c.is_ascii_alphabetic() || c == b'_' => {
            let mut i = ident_len(b, 0);
            if b.get(i) == Some(&b'(') {
                return at(i + 1);
            }
            while b.get(i) == Some(&b'.') {
                let n = ident_len(b, i + 1);
                if n == i + 1 {
                    return None;
                }
                i = n;
            }
            match b.get(i) {
                Some(b'[') | Some(b'.') | Some(b'(') => None,
                _ => at(i),
            }
        }
        _ => None,
    }
}

/// A quoted string's first literal part: its length in bytes and the
/// offset just past the closing quote. None when the string opens with an
/// interpolation or directive, or holds an escaped one before its first.
fn quoted_literal(b: &[u8]) -> Option<(usize, usize)> {
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some((i - 1, i + 1)),
            b'$' | b'%' if b.get(i + 1) == Some(&b[i]) && b.get(i + 2) == Some(&b'{') => {
                return None
            }
            b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                return (i > 1).then_some((i - 1, string_end(b, i)?));
            }
            _ => i += 1,
        }
    }
    None
}

/// The offset past the closing quote of a string whose interpolations
/// start at `from`: braces counted, quoted strings inside them skipped
/// (one level; a nested interpolation gives None).
fn string_end(b: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\\' if depth == 0 => i += 1,
            b'{' => depth += 1,
            b'}' => depth = depth.checked_sub(1)?,
            b'"' if depth == 0 => return Some(i + 1),
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'{' {
                        return None;
                    }
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether what follows an operand leaves it the expression's start: the
/// end, or a binary or conditional operator (never an index or attribute).
fn operand_ends(rest: &[u8]) -> bool {
    match rest.iter().find(|c| !c.is_ascii_whitespace()) {
        None => true,
        Some(c) => b"+-*/%=!<>&|?".contains(c),
    }
}

/// The offset of the bracket closing the one at `open`, skipping quoted
/// strings; None at a comment or heredoc (not scanned) or when unbalanced.
fn closing(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'[' | b'{' | b'(' => depth += 1,
            b']' | b'}' | b')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => return None,
            b'/' if matches!(b.get(i + 1), Some(b'/') | Some(b'*')) => return None,
            b'<' if b.get(i + 1) == Some(&b'<') => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// A name (letters, digits, `_`, `-`) or a legacy `.0` index from `from`.
fn ident_len(b: &[u8], from: usize) -> usize {
    from + b[from.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'-')
        .count()
}

/// hclsyntax's number literal: digits, a fraction, an exponent.
fn number_len(b: &[u8]) -> usize {
    let digits = |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i = digits(0);
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i = digits(i + 1);
    }
    if matches!(b.get(i), Some(b'e') | Some(b'E')) {
        let sign = usize::from(matches!(b.get(i + 1), Some(b'+') | Some(b'-')));
        if b.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
            i = digits(i + 1 + sign);
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Option<&str> {
        start_range(s, Span::new(0, s.len())).map(|sp| &s[sp.start..sp.end])
    }

    #[test]
    fn start_ranges_follow_hclsyntax_expressions() {
        assert_eq!(r("500"), Some("500"));
        assert_eq!(r("500 + 1"), Some("500"));
        assert_eq!(r("1.5e3"), Some("1.5e3"));
        assert_eq!(r("-500"), Some("-"));
        assert_eq!(r("!false"), Some("!"));
        assert_eq!(r("var.w"), Some("var.w"));
        assert_eq!(r("var.w * 2"), Some("var.w"));
        assert_eq!(r("true ? \"x\" : \"y\""), Some("true"));
        assert_eq!(r("max(1, 500)"), Some("max("));
        assert_eq!(r("var.w[0]"), None);
        assert_eq!(r("(500)"), None);
    }

    #[test]
    fn strings_start_at_their_first_literal_part() {
        // The oracle's ranges (gohcl.go): `"x"` is x, `""` empty after the
        // quote, escapes stay in the part, an interpolation ends it.
        assert_eq!(r("\"500\""), Some("500"));
        assert_eq!(start_range("\"\"", Span::new(0, 2)), Some(Span::new(1, 1)));
        assert_eq!(r("\"a\\nb\""), Some("a\\nb"));
        assert_eq!(r("\"a\\\"b\""), Some("a\\\"b"));
        assert_eq!(r("\"ab${1}\""), Some("ab"));
        assert_eq!(r("\"x\" == \"y\""), Some("x"));
        assert_eq!(r("\"${true}\""), None);
        assert_eq!(r("\"%{if true}x%{endif}\""), None);
        assert_eq!(r("\"$${x}\""), None);
        assert_eq!(r("\"x\"[0]"), None);
        assert_eq!(r("\"a${\"}\"}b\" + 1"), Some("a"));
        assert_eq!(r("\"a${1}b\"[0]"), None);
    }

    #[test]
    fn collections_start_at_their_bracket_when_whole() {
        assert_eq!(r("[1]"), Some("["));
        assert_eq!(r("[ ]"), Some("["));
        assert_eq!(r("{a = \"}\"}"), Some("{"));
        assert_eq!(r("[1][0] == 1"), None);
        assert_eq!(r("[\"]\", 1]"), Some("["));
        assert_eq!(r("[<<EOF\nx\nEOF\n]"), None);
        assert_eq!(r("[1 # c\n]"), None);
    }
}
