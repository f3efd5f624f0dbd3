//! The value hcl v1 gives a literal token (hcl/token/token.go Value, and
//! the decoder's own number parsing), before 1.0.
//!
//! HCL1 has no expressions: a quoted string is its characters after Go's
//! escapes, with `${...}` kept as written (hcl/strconv/quote.go Unquote:
//! no template is evaluated, `%{` is two characters, `$${` three); a
//! heredoc is its lines (unindentHeredoc for `<<-`); a number is
//! strconv.ParseInt(text, 0, 64), so `010` is 8 and `0x10` 16, held
//! exactly (a [`Value::Int`] where an f64 would round it). hcl-edit
//! reads the same bytes as HCL2 (templates, `$${` escapes, decimal), so
//! before 1.0 the evaluator takes every literal's value from here, at the
//! literal's place in the file.

use super::scan::{Kind, Scanner};
use super::Era;
use crate::jobspec::model::Value;

/// The first token of `text` (which starts at a literal), as hcl v1 of
/// `era` reads it; None where hcl v1 would fail on it (its Value()
/// panics, or its decoder refuses the number) or gives bytes that are not
/// UTF-8, and for anything but a literal.
pub fn value(text: &str, era: Era) -> Option<Value> {
    if let Some(v) = plain_value(text) {
        return Some(v);
    }
    let (kind, raw) = first_token(text, era)?;
    value_of(kind, raw, era)
}

/// [`value`] of the two literals most of a job file's are, read without
/// the scanner: a quoted string of plain ASCII (no `\`, `$`, `"`, line
/// end or NUL: scanString reads it to its closing quote with no error and
/// Unquote gives it back as it is, in either era), and a decimal of up to
/// 15 digits not starting with `0` (scanNumber's mantissa, ended by an
/// ASCII byte that is not a digit, `.`, `e`, `E` or NUL, which next()
/// reads without an error and which ends the NUMBER; ParseInt's value is
/// exact in an f64). Anything else (None) is the scanner's to read. The
/// scanner and Unquote per literal were ~0.24 M instructions of a
/// `check --staged` judged as 0.9.3.
fn plain_value(text: &str) -> Option<Value> {
    let b = text.as_bytes();
    match b.first()? {
        b'"' => {
            let len = b[1..]
                .iter()
                .position(|&c| !c.is_ascii() || matches!(c, b'\\' | b'$' | b'"' | b'\n' | 0))?;
            (b.get(1 + len) == Some(&b'"')).then(|| Value::String(text[1..1 + len].to_string()))
        }
        b'1'..=b'9' => {
            let len = b.iter().take_while(|c| c.is_ascii_digit()).count();
            let after = b.get(len).copied().unwrap_or(b' ');
            if len > 15 || !after.is_ascii() || matches!(after, b'.' | b'e' | b'E' | 0) {
                return None;
            }
            let n = b[..len]
                .iter()
                .fold(0u64, |n, c| n * 10 + u64::from(c - b'0'));
            Some(Value::Number(n as f64))
        }
        _ => None,
    }
}

/// The value of a token of `kind` whose bytes are `raw` (see [`value`]).
fn value_of(kind: Kind, raw: &str, era: Era) -> Option<Value> {
    // From 0.11 hcl.Parse reads the text with CRLF made LF.
    let normalised;
    let raw = if era == Era::New && raw.contains("\r\n") {
        normalised = raw.replace("\r\n", "\n");
        &normalised
    } else {
        raw
    };
    match kind {
        Kind::Str => unquote(raw, era).map(Value::String),
        Kind::Heredoc => heredoc(raw).map(Value::String),
        // A Go int: exact in an f64 up to 2^53, held as itself beyond.
        Kind::Number => parse_int(raw).map(|n| {
            if n.unsigned_abs() <= 1 << 53 {
                Value::Number(n as f64)
            } else {
                Value::Int(n)
            }
        }),
        Kind::Float => raw
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Value::Number),
        Kind::Bool => Some(Value::Bool(raw == "true")),
        _ => None,
    }
}

/// An object key: an identifier as written (dots and dashes included), a
/// quoted one unquoted.
pub fn key(text: &str, era: Era) -> Option<String> {
    let (kind, raw) = first_token(text, era)?;
    match kind {
        Kind::Ident | Kind::Bool => Some(raw.to_string()),
        Kind::Str => unquote(raw, era),
        _ => None,
    }
}

/// The first token of `text` and its bytes, unless the scanner fails on it.
fn first_token(text: &str, era: Era) -> Option<(Kind, &str)> {
    let mut sc = Scanner::new(text.as_bytes(), era);
    let t = sc.scan();
    if sc.error.is_some() || sc.panicked || sc.unsure {
        return None;
    }
    Some((t.kind, text.get(t.start..t.end)?))
}

/// strconv.ParseInt(s, 0, 64) on what the scanner takes as a NUMBER: an
/// optional `-`, then `0x` hex, `0` octal, or decimal digits. Such a token
/// holds no `_`, `0b` or `0o` (Go 1.13's additions), so every Go release
/// reads it alike; the Go 1.12 reading stands for all of them.
fn parse_int(s: &str) -> Option<i64> {
    crate::gostrconv::parse_int(s, 64, (1, 12, 0)).ok()
}

/// hcl/strconv Unquote of a quoted token, with `${...}` copied as written
/// (before 0.11 a `\\` there is one backslash).
fn unquote(s: &str, era: Era) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    if era == Era::New && !inner.contains(['$', '{']) && inner.contains('\n') {
        return None;
    }
    let mut out: Vec<u8> = Vec::with_capacity(inner.len());
    let b = inner.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' && b.get(i + 1) == Some(&b'{') {
            out.extend_from_slice(b"${");
            i += 2;
            let mut braces = 1;
            let base = i;
            let mut chars = inner.get(i..)?.char_indices().peekable();
            while braces > 0 {
                let Some((k, c)) = chars.next() else { break };
                if c == '\u{fffd}' {
                    return None;
                }
                i = base + k + c.len_utf8();
                if era == Era::Old && c == '\\' && chars.peek().map(|p| p.1) == Some('\\') {
                    continue;
                }
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                match c {
                    '{' => braces += 1,
                    '}' => braces -= 1,
                    _ => {}
                }
            }
            if braces != 0 {
                return None;
            }
            continue;
        }
        if era == Era::New && b[i] == b'\n' {
            return None;
        }
        i = unquote_char(inner, i, &mut out)?;
    }
    String::from_utf8(out).ok()
}

/// One character or escape at `i` (unquoteChar): its bytes onto `out`,
/// and where the next one starts.
fn unquote_char(s: &str, i: usize, out: &mut Vec<u8>) -> Option<usize> {
    let b = s.as_bytes();
    match b[i] {
        b'"' => return None,
        b'\\' => {}
        _ => {
            let c = s.get(i..)?.chars().next()?;
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            return Some(i + c.len_utf8());
        }
    }
    let c = *b.get(i + 1)?;
    let mut at = i + 2;
    let simple = match c {
        b'a' => Some(7),
        b'b' => Some(8),
        b'f' => Some(12),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(11),
        b'\\' | b'"' => Some(c),
        _ => None,
    };
    if let Some(byte) = simple {
        out.push(byte);
        return Some(at);
    }
    match c {
        b'x' | b'u' | b'U' => {
            let n = match c {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let hex = s.get(at..at + n)?;
            if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                return None;
            }
            let v = u32::from_str_radix(hex, 16).ok()?;
            at += n;
            if c == b'x' {
                // One byte, possibly not UTF-8 (then the whole is not ours).
                out.push(v as u8);
            } else {
                if v > 0x10FFFF {
                    return None;
                }
                // utf8.EncodeRune writes U+FFFD for a surrogate.
                let ch = char::from_u32(v).unwrap_or('\u{fffd}');
                let mut buf = [0; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
        }
        b'0'..=b'7' => {
            let digits = s.get(i + 1..i + 4)?;
            if !digits.bytes().all(|d| (b'0'..=b'7').contains(&d)) {
                return None;
            }
            let v = u32::from_str_radix(digits, 8).ok()?;
            if v > 255 {
                return None;
            }
            out.push(v as u8);
            at = i + 4;
        }
        _ => return None,
    }
    Some(at)
}

/// unindentHeredoc of the token (`<<EOF\n...EOF\n`), Go's slicing kept:
/// the terminator line is taken to be the anchor alone.
fn heredoc(t: &str) -> Option<String> {
    let b = t.as_bytes();
    let idx = t.find('\n')?;
    let unindent = b.get(2) == Some(&b'-');
    let plain = t.get(idx + 1..(b.len() + 1).checked_sub(idx)?)?;
    if !unindent {
        return Some(plain.to_string());
    }
    let body = t.get(idx + 1..(b.len() + 2).checked_sub(idx)?)?;
    let lines: Vec<&str> = body.split('\n').collect();
    let prefix = lines.last().copied().unwrap_or("");
    if !lines.iter().all(|l| l.starts_with(prefix)) {
        return Some(plain.trim_end_matches([' ', '\t']).to_string());
    }
    let last = lines.len() - 1;
    let out: Vec<&str> = lines
        .iter()
        .enumerate()
        .map(|(k, l)| if k == last { "" } else { &l[prefix.len()..] })
        .collect();
    Some(out.join("\n"))
}

/// Whether hcl v1 reads a token of `kind` whose bytes are `raw` (None:
/// not text) as [`unreadable`] wants: anything but a literal is; a
/// literal is when it has a value. The scanner reads a literal from its
/// first byte with nothing carried over from the tokens before it (what it
/// carries, the position and the last read, decides where an error is
/// reported, not whether there is one or where the token ends), so the
/// token read in place is the one [`value`] reads again from its start.
pub(super) fn readable(kind: Kind, raw: Option<&str>, era: Era) -> bool {
    match kind {
        // Most quoted strings are plain text: no escape, no `${`, no line
        // end, no inner quote. [`unquote`] copies such a string character
        // by character into a new String that is then dropped, which was
        // ~0.1 M instructions of a `check --staged` judged as 0.9.3; its
        // answer for one is always yes, in either era (no `$` takes no
        // template branch, no line end passes both eras' checks and the
        // CRLF rewrite, no `\` or `"` leaves only characters copied as
        // they are, valid UTF-8 since `raw` is a str).
        Kind::Str if raw.is_some_and(plain_quoted) => true,
        Kind::Str | Kind::Heredoc | Kind::Number | Kind::Float => {
            raw.is_some_and(|raw| value_of(kind, raw, era).is_some())
        }
        _ => true,
    }
}

/// A quoted token `"..."` whose inside holds no `\`, `$`, `"` or line
/// end: one [`unquote`] reads as itself.
fn plain_quoted(raw: &str) -> bool {
    raw.strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .is_some_and(|inner| {
            !inner
                .bytes()
                .any(|b| matches!(b, b'\\' | b'$' | b'"' | b'\n'))
        })
}

/// Does hcl v1 read every literal of `text` (already accepted by it)?
/// The first one it would fail on, or whose value is not text, where not.
pub fn unreadable(text: &str, era: Era) -> Option<usize> {
    let mut sc = Scanner::new(text.as_bytes(), era);
    loop {
        let t = sc.scan();
        if sc.error.is_some() || sc.panicked || sc.unsure {
            return Some(t.start);
        }
        match t.kind {
            Kind::Eof => return None,
            Kind::Str | Kind::Heredoc | Kind::Number | Kind::Float
                if value(text.get(t.start..)?, era).is_none() =>
            {
                return Some(t.start);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_quoted_string_is_one_unquote_reads() {
        let cases = [
            "\"\"",
            "\"abc\"",
            "\"a b\tc\"",
            "\"é ü ✓\"",
            "\"x\r\"",
            "\"\u{fffd}\"",
            "\"${a}\"",
            "\"a\\\"b\"",
            "\"a\nb\"",
            "\"",
            "\"a\"b\"",
            "abc",
            "\"a\\xff\"",
        ];
        for raw in cases {
            for era in [Era::Old, Era::New] {
                if plain_quoted(raw) {
                    assert!(value_of(Kind::Str, raw, era).is_some(), "{raw:?}");
                }
                let slow = value_of(Kind::Str, raw, era).is_some();
                assert_eq!(readable(Kind::Str, Some(raw), era), slow, "{raw:?}");
            }
        }
        assert!(!plain_quoted("\""));
        assert!(plain_quoted("\"abc\""));
    }

    fn s(text: &str, era: Era) -> Option<String> {
        match value(text, era)? {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Values printed by jobspec.ParseFile of Nomad 0.9.3 and 0.12.12
    /// (tests/hcl-oracle, ORACLE_JSON=1) for the same literals in a job's
    /// meta, config and priority.
    #[test]
    fn literals_are_hcl_v1s_not_hcl2s() {
        for era in [Era::Old, Era::New] {
            assert_eq!(s(r#""%{x}""#, era).as_deref(), Some("%{x}"));
            assert_eq!(
                s(r#""$${y} ${z} %%{w}""#, era).as_deref(),
                Some("$${y} ${z} %%{w}")
            );
            assert_eq!(s(r#""a\x41\u00e9\101\\""#, era).as_deref(), Some("aAéA\\"));
            assert_eq!(
                s(r#""${lookup(a, "b")}""#, era).as_deref(),
                Some(r#"${lookup(a, "b")}"#)
            );
            let heredoc = "<<-EOF\n        one ${x}\n          two %{ if }\n        EOF\n";
            assert_eq!(
                s(heredoc, era).as_deref(),
                Some("one ${x}\n  two %{ if }\n")
            );
            assert_eq!(value("010", era), Some(Value::Number(8.0)));
            assert_eq!(value("0x3", era), Some(Value::Number(3.0)));
            assert_eq!(value("-0X1f", era), Some(Value::Number(-31.0)));
            // A Go int: an f64 up to 2^53, itself beyond.
            assert_eq!(
                value("9007199254740992", era),
                Some(Value::Number(9007199254740992.0))
            );
            assert_eq!(
                value("987654321098765433", era),
                Some(Value::Int(987654321098765433))
            );
            assert_eq!(
                value("-0x7FFFFFFFFFFFFFFF", era),
                Some(Value::Int(-0x7FFF_FFFF_FFFF_FFFF))
            );
            assert_eq!(key("a.b", era).as_deref(), Some("a.b"));
            assert_eq!(key("\"q.k\"", era).as_deref(), Some("q.k"));
        }
    }

    /// Where hcl v1's Value() or decoder fails, or gives bytes that are
    /// not UTF-8, nothing is read.
    #[test]
    fn what_hcl_v1_fails_on_is_not_read() {
        assert_eq!(value("99999999999999999999", Era::New), None);
        assert_eq!(value(r#""\xff""#, Era::New), None);
        assert_eq!(value("1e400", Era::New), None);
        assert_eq!(unreadable("a = 1\nb = \"\\xff\"\n", Era::New), Some(10));
        assert_eq!(unreadable("a = 010\nb = \"%{x}\"\n", Era::Old), None);
    }
}
