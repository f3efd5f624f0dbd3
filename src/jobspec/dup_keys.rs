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

use hcl_edit::structure::Body;

/// Respellings tried at most (each one a parse of the whole text).
const BUDGET: usize = 64;

/// Whether hcl-edit's error is its refusal of a repeated object key.
pub fn is_repeated_key(message: &str) -> bool {
    message.contains("redefined object key")
}

/// The body of `text` with every repeated object key respelled; None
/// when a key is not one this respells (a bare name, a keyword or a
/// plain quoted string) or the parse fails otherwise.
pub fn parse_respelled(text: &str, mut offset: usize) -> Option<Body> {
    let mut buf = text.to_string();
    let mut tries = 0;
    loop {
        let (start, end) = key_letters(&buf, offset)?;
        let mut respelled = false;
        for c in CANDIDATES.chars() {
            tries += 1;
            if tries > BUDGET {
                return None;
            }
            let last = end - 1;
            if buf.as_bytes()[last] == c as u8 || (last == start && c.is_ascii_digit()) {
                continue;
            }
            let mut next = buf.clone();
            next.replace_range(last..end, &c.to_string());
            match hcl_edit::parser::parse_body(&next) {
                Ok(body) => return Some(body),
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

/// The key's name as the original text spells it, where the tree's
/// (`parsed`, read at `span` of `text`) is a respelling; None otherwise.
pub fn original_key(text: &str, span: std::ops::Range<usize>, parsed: &str) -> Option<String> {
    let written = text.get(span)?;
    // Only a name or a quoted string without escapes is ever respelled.
    if written == parsed || written.contains('\\') {
        return None;
    }
    match written.strip_prefix('"') {
        Some(quoted) => quoted.strip_suffix('"').map(str::to_string),
        None => Some(written.to_string()),
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
        // A computed key is not respelled.
        assert!(reparse("x = {(a) = 1, (a) = 2}\n").is_none());
    }

    #[test]
    fn the_original_spelling_is_read_back() {
        let text = "{a = 1, a = 2}";
        assert_eq!(original_key(text, 8..9, "_"), Some("a".into()));
        assert_eq!(original_key(text, 8..9, "a"), None);
        assert_eq!(
            original_key("{\"ab\" = 1}", 1..5, "\"a_\""),
            Some("ab".into())
        );
    }
}
