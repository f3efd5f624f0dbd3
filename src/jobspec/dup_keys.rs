//! An object constructor may name a key twice: hclsyntax's
//! ObjectConsExpr.Value stores the keys in a map with no duplicate check,
//! so `{a = 1, a = 2}` is `{"a" = 2}` (hashicorp/hcl
//! hclsyntax/expression.go ObjectConsExpr.Value, the same at 68a97f93bb48
//! and v2.20.2-nomad-1; checked with an oracle built from both). hcl-edit
//! refuses the text instead ("unique object key; found redefined object
//! key") and its Object cannot hold two equal keys (redteam7 D6, issue 13).
//!
//! So the text is parsed again with each repeated key respelled, at the
//! same length, as a key of its own (its last character changed): every
//! span stays the original text's, and the evaluator reads such a key's
//! name from the original text ([`original_key`]), where it differs from
//! the tree's. The later key then wins, as in hclsyntax.
//!
//! A computed key (`(local.k)`, which hcl-edit compares as an expression)
//! is respelled as a quoted string of the same length, and the evaluator
//! reads the original expression back ([`original_expr`]) and evaluates
//! it as hclsyntax does. Job files and HCL var files (jobspec2
//! collectInputVariableValues evaluates a var file's values with the same
//! ObjectConsExpr, types.variables.go 1.0.0-2.0.5) parse through
//! [`read_repeats`].

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;

/// Respellings tried at most (each one a parse of the whole text).
const BUDGET: usize = 64;

/// `parsed` (hcl-edit's parse of `text`), or where it refused a repeated
/// object key, the text parsed again with the repeated keys respelled.
pub fn read_repeats(
    text: &str,
    parsed: Result<Body, hcl_edit::parser::Error>,
) -> Result<Body, hcl_edit::parser::Error> {
    match parsed {
        Err(e) if is_repeated_key(e.message()) => {
            parse_respelled(text, e.location().offset()).ok_or(e)
        }
        other => other,
    }
}

/// Whether hcl-edit's error is its refusal of a repeated object key.
pub fn is_repeated_key(message: &str) -> bool {
    message.contains("redefined object key")
}

/// The body of `text` with every repeated object key respelled; None
/// when a key is not one this respells (a bare name, a keyword or a
/// plain quoted string) or the parse fails otherwise.
pub fn parse_respelled(text: &str, offset: usize) -> Option<Body> {
    respelled_with(text, offset, hcl_edit::parser::parse_body)
}

/// [`read_repeats`] of an expression's text (a `-var` value, which
/// jobspec2 parses with hclsyntax.ParseExpression).
pub fn read_repeats_expr(text: &str) -> Result<Expression, hcl_edit::parser::Error> {
    match hcl_edit::parser::parse_expr(text) {
        Err(e) if is_repeated_key(e.message()) => {
            respelled_with(text, e.location().offset(), hcl_edit::parser::parse_expr).ok_or(e)
        }
        other => other,
    }
}

/// [`parse_respelled`] with `parse` as the parser.
fn respelled_with<T>(
    text: &str,
    mut offset: usize,
    parse: fn(&str) -> Result<T, hcl_edit::parser::Error>,
) -> Option<T> {
    let mut buf = text.to_string();
    let mut tries = 0;
    loop {
        let (start, end, computed) = match key_letters(&buf, offset) {
            Some((start, end)) => (start, end, None),
            // A computed key: the whole `(...)` becomes `"__…_c"`.
            None => {
                let end = computed_end(&buf, offset)?;
                (offset + 1, end - 1, Some(end))
            }
        };
        let mut respelled = false;
        for c in CANDIDATES.chars() {
            tries += 1;
            if tries > BUDGET {
                return None;
            }
            let last = end - 1;
            let mut next = buf.clone();
            match computed {
                Some(close) => {
                    let filler = "_".repeat(close - offset - 3);
                    next.replace_range(offset..close, &format!("\"{filler}{c}\""));
                }
                None => {
                    if buf.as_bytes()[last] == c as u8 || (last == start && c.is_ascii_digit()) {
                        continue;
                    }
                    next.replace_range(last..end, &c.to_string());
                }
            }
            match parse(&next) {
                Ok(parsed) => return Some(parsed),
                Err(e) if is_repeated_key(e.message()) => {
                    let at = e.location().offset();
                    // The same key again: that spelling is taken too.
                    if at == offset {
                        continue;
                    }
                    buf = next;
                    offset = at;
                    respelled = true;
                    break;
                }
                Err(_) => return None,
            }
        }
        if !respelled {
            return None;
        }
    }
}

const CANDIDATES: &str = "_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The bytes of the key at `offset` whose last one may be changed: a
/// bare name (ASCII letters, digits, `_`, `-`) or the inside of a quoted
/// string with no escape or template sequence.
fn key_letters(text: &str, offset: usize) -> Option<(usize, usize)> {
    let rest = text.get(offset..)?;
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if let Some(inner) = rest.strip_prefix('"') {
        let close = inner.find('"')?;
        let body = &inner[..close];
        if body.is_empty() || body.contains(['\\', '$', '%']) || !body.is_ascii() {
            return None;
        }
        return Some((offset + 1, offset + 1 + close));
    }
    let len = rest.find(|c: char| !ident(c)).unwrap_or(rest.len());
    let first = rest.chars().next()?;
    if len == 0 || !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    Some((offset, offset + len))
}

/// The end of the computed key `(...)` at `offset` (after its `)`): its
/// brackets balanced, strings skipped (an escape, a template sequence or a
/// heredoc inside is not followed: None).
fn computed_end(text: &str, offset: usize) -> Option<usize> {
    let rest = text.get(offset..)?;
    if !rest.starts_with('(') {
        return None;
    }
    let mut depth = 0usize;
    let mut in_string = false;
    for (i, c) in rest.char_indices() {
        if in_string {
            match c {
                '"' => in_string = false,
                '\\' | '$' | '%' | '\n' => return None,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '<' if rest[i..].starts_with("<<") => return None,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    // `("")`, the shortest respelling, needs three bytes.
                    return (c == ')' && i >= 2).then_some(offset + i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// A repeated key as the original text writes it, where the tree holds
/// a respelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Original {
    /// A name or a quoted string: the key's name.
    Name(String),
    /// A computed key `(...)`, at this span of the text: read it back
    /// with [`original_expr`].
    Computed(std::ops::Range<usize>),
}

/// The key as the original text writes it, where the tree's (`parsed`,
/// read at `span` of `text`) is a respelling; None otherwise.
pub fn original_key(text: &str, span: std::ops::Range<usize>, parsed: &str) -> Option<Original> {
    let written = text.get(span.clone())?;
    // Only a name, a quoted string without escapes or a computed key is
    // ever respelled.
    if written == parsed {
        return None;
    }
    if written.starts_with('(') {
        return Some(Original::Computed(span));
    }
    if written.contains('\\') {
        return None;
    }
    match written.strip_prefix('"') {
        Some(quoted) => quoted
            .strip_suffix('"')
            .map(str::to_string)
            .map(Original::Name),
        None => Some(Original::Name(written.to_string())),
    }
}

/// The original of `key`, a respelled computed key of `text`; None for
/// any other key.
pub fn computed_original(text: &str, key: &Expression) -> Option<Expression> {
    let Expression::String(s) = key else {
        return None;
    };
    let span = hcl_edit::Span::span(key)?;
    match original_key(text, span, &format!("\"{}\"", s.as_str()))? {
        Original::Computed(at) => original_expr(text, at),
        Original::Name(_) => None,
    }
}

/// The computed key at `span` of `text`, parsed with its spans in the
/// text (the text before it given as blanks): its end is what reading it
/// costs.
pub fn original_expr(text: &str, span: std::ops::Range<usize>) -> Option<Expression> {
    let written = text.get(span.clone())?;
    // `[`, blanks, the key, `]`: a tuple of the key alone, where
    // hcl-edit's spans count from the text's start as the original's do.
    let mut padded = String::from("[");
    padded.push_str(&" ".repeat(span.start.checked_sub(1)?));
    padded.push_str(written);
    padded.push(']');
    match hcl_edit::parser::parse_expr(&padded).ok()? {
        Expression::Array(a) if a.len() == 1 => a.iter().next().cloned(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reparse(text: &str) -> Option<Body> {
        let e = hcl_edit::parser::parse_body(text).err()?;
        assert!(is_repeated_key(e.message()), "{}", e.message());
        parse_respelled(text, e.location().offset())
    }

    #[test]
    fn repeated_keys_parse_at_the_same_length() {
        for text in [
            "x = {a = 1, a = 2}\n",
            "x = {a = 1, b = 3, a = 2, a = 4}\n",
            "x = {\"a\" = 1, \"a\" = 2}\n",
            "x = {null = 1, null = 2}\n",
            "x = {a = 1, a_ = 0, a0 = 0, a = 2}\n",
        ] {
            let body = reparse(text).unwrap_or_else(|| panic!("{text}"));
            let attr = body.get_attribute("x").expect("x");
            let span = hcl_edit::Span::span(&attr.value).expect("span");
            assert_eq!(span.end, text.len() - 1, "{text}");
        }
        // A computed key is respelled as a quoted string of its length.
        let text = "x = {(a) = 1, (a) = 2}\n";
        let body = reparse(text).expect("computed");
        let attr = body.get_attribute("x").expect("x");
        let hcl_edit::expr::Expression::Object(o) = &attr.value else {
            panic!("object");
        };
        assert_eq!(o.len(), 2);
        // One it cannot follow is not.
        assert!(reparse("x = {(\"a\\n\") = 1, (\"a\\n\") = 2}\n").is_none());
    }

    #[test]
    fn the_original_spelling_is_read_back() {
        let text = "{a = 1, a = 2}";
        let name = |s: &str| Some(Original::Name(s.into()));
        assert_eq!(original_key(text, 8..9, "_"), name("a"));
        assert_eq!(original_key(text, 8..9, "a"), None);
        assert_eq!(original_key("{\"ab\" = 1}", 1..5, "\"a_\""), name("ab"));
        let text = "{(a) = 1, (a) = 2}";
        assert_eq!(
            original_key(text, 10..13, "\"_\""),
            Some(Original::Computed(10..13))
        );
        let e = original_expr(text, 10..13).expect("expr");
        assert_eq!(hcl_edit::Span::span(&e), Some(10..13));
    }
}
