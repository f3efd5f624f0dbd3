//! The pieces of Go's regexp syntax the walk reads token by token
//! (`parseRepeat`, `parseInt`, the class and escape parsers of
//! regexp/syntax parse.go), each with Go's error where it has one.

use super::{cut, Fail, BAD_ESCAPE, BAD_RANGE};

/// `{min}`, `{min,}` (max -1) or `{min,max}`; a count past 10^8 is -1.
/// `None` when the text is not of that form (then `{` is a literal).
pub(super) fn repeat_counts(s: &str) -> Option<(i64, i64, &str)> {
    let s = s.strip_prefix('{')?;
    let (min, s) = int(s)?;
    let (min, max, s) = if let Some(s) = s.strip_prefix(',') {
        if let Some(rest) = s.strip_prefix('}') {
            return Some((min, -1, rest));
        }
        let (max, s) = int(s)?;
        (if max < 0 { -1 } else { min }, max, s)
    } else {
        (min, min, s)
    };
    Some((min, max, s.strip_prefix('}')?))
}

/// A decimal without leading zeros (`parseInt`); -1 when it passes 10^8.
pub(super) fn int(s: &str) -> Option<(i64, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || (digits >= 2 && s.starts_with('0')) {
        return None;
    }
    let mut n: i64 = 0;
    for b in s[..digits].bytes() {
        if n >= 100_000_000 {
            n = -1;
            break;
        }
        n = n * 10 + i64::from(b - b'0');
    }
    Some((n, &s[digits..]))
}

/// `\d`, `\D`, `\s`, `\S`, `\w`, `\W`.
pub(super) fn perl_class(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    (b.len() >= 2 && b[0] == b'\\' && b"dDsSwW".contains(&b[1])).then(|| &s[2..])
}

/// `[:alpha:]` and its kin (`[:^alpha:]` negated); `None` when there is no
/// closing `:]`, so the `[` is an ordinary character.
pub(super) fn named_class(s: &str) -> Result<Option<&str>, Fail<'_>> {
    const NAMES: &[&str] = &[
        "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
        "space", "upper", "word", "xdigit",
    ];
    let Some(i) = s[2..].find(":]") else {
        return Ok(None);
    };
    let name = &s[..i + 4];
    let bare = &name[2..name.len() - 2];
    let bare = bare.strip_prefix('^').unwrap_or(bare);
    if NAMES.contains(&bare) {
        Ok(Some(&s[i + 4..]))
    } else {
        Err((BAD_RANGE, name))
    }
}

/// `\pL`, `\p{Greek}`, `\P{^Lu}`: `None` when `s` is not one.
pub(super) fn unicode_class(s: &str) -> Result<Option<&str>, Fail<'_>> {
    let b = s.as_bytes();
    if b.len() < 2 || b[0] != b'\\' || (b[1] != b'p' && b[1] != b'P') {
        return Ok(None);
    }
    let t = &s[2..];
    let (seq, name, rest) = match t.chars().next() {
        Some('{') => {
            let Some(end) = s.find('}') else {
                return Err((BAD_RANGE, s));
            };
            (&s[..=end], &s[3..end], &s[end + 1..])
        }
        Some(c) => {
            let seq = &s[..2 + c.len_utf8()];
            (seq, &seq[2..], &s[seq.len()..])
        }
        None => (s, "", ""),
    };
    let name = name.strip_prefix('^').unwrap_or(name);
    if unicode_name_known(name) {
        Ok(Some(rest))
    } else {
        Err((BAD_RANGE, seq))
    }
}

/// Is `name` a Unicode category or script? The `regex` crate's tables are
/// the oracle (see the module note); control characters and braces never
/// name a table.
pub(super) fn unicode_name_known(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' '))
        && regex::Regex::new(&format!(r"\p{{{name}}}")).is_ok()
}

/// A class member: an escape or one character; running out of pattern is
/// `missing closing ]` over the whole class.
pub(super) fn class_char<'a>(t: &'a str, class: &'a str) -> Result<(u32, &'a str), Fail<'a>> {
    match t.chars().next() {
        None => Err(("missing closing ]", class)),
        Some('\\') => escape(t),
        Some(c) => Ok((c as u32, &t[c.len_utf8()..])),
    }
}

/// An ordinary escape (`parseEscape`): punctuation, octal, `\x..`,
/// `\x{...}`, and the C escapes; the rune it stands for.
pub(super) fn escape(s: &str) -> Result<(u32, &str), Fail<'_>> {
    let t = &s[1..];
    let Some(c) = t.chars().next() else {
        return Err(("trailing backslash at end of expression", ""));
    };
    let mut t = &t[c.len_utf8()..];
    let bad = |t: &str| (BAD_ESCAPE, cut(s, t));
    let octal = |b: Option<&u8>| matches!(b, Some(b'0'..=b'7'));
    match c {
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => return Ok((c as u32, t)),
        '1'..='7' if !octal(t.as_bytes().first()) => {}
        '0'..='7' => {
            let mut r = c as u32 - '0' as u32;
            for _ in 1..3 {
                if !octal(t.as_bytes().first()) {
                    break;
                }
                r = r * 8 + u32::from(t.as_bytes()[0] - b'0');
                t = &t[1..];
            }
            return Ok((r, t));
        }
        'x' => return hex_escape(s, t),
        'a' => return Ok((7, t)),
        'f' => return Ok((12, t)),
        'n' => return Ok((10, t)),
        'r' => return Ok((13, t)),
        't' => return Ok((9, t)),
        'v' => return Ok((11, t)),
        _ => {}
    }
    Err(bad(t))
}

/// `\xHH` or `\x{H...}` (at least one digit, at most U+10FFFF).
pub(super) fn hex_escape<'a>(s: &'a str, mut t: &'a str) -> Result<(u32, &'a str), Fail<'a>> {
    let bad = |t: &str| (BAD_ESCAPE, cut(s, t));
    let Some(c) = t.chars().next() else {
        return Err(bad(t));
    };
    t = &t[c.len_utf8()..];
    if c == '{' {
        let mut r: u32 = 0;
        let mut digits = 0;
        loop {
            let Some(c) = t.chars().next() else {
                return Err(bad(t));
            };
            t = &t[c.len_utf8()..];
            if c == '}' {
                break;
            }
            let Some(v) = c.to_digit(16) else {
                return Err(bad(t));
            };
            r = r * 16 + v;
            if r > 0x10FFFF {
                return Err(bad(t));
            }
            digits += 1;
        }
        return if digits == 0 { Err(bad(t)) } else { Ok((r, t)) };
    }
    let x = c.to_digit(16);
    let y = t.chars().next();
    if let Some(y) = y {
        t = &t[y.len_utf8()..];
    }
    match (x, y.and_then(|y| y.to_digit(16))) {
        (Some(x), Some(y)) => Ok((x * 16 + y, t)),
        _ => Err(bad(t)),
    }
}
