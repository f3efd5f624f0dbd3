//! A JSON string token as hcl's parser reads it (json/parser.go
//! parseString): Go's encoding/json unmarshals it, checkValid first (its
//! scanner refuses a bad escape, or the end of input inside the string),
//! then unquote, which turns a lone UTF-16 surrogate into U+FFFD.

/// The string `tok` (quotes included) holds, or the Offset of Go's
/// SyntaxError: the count of bytes its scanner read, the refused one
/// included (the whole token when it ends inside the string).
pub(super) fn unquote(tok: &str) -> Result<String, usize> {
    let b = tok.as_bytes();
    let mut out = String::new();
    // Past the opening quote the scanner always put there.
    let mut i = 1;
    let mut plain = 1;
    loop {
        let Some(&c) = b.get(i) else {
            return Err(b.len());
        };
        match c {
            b'"' => {
                out.push_str(tok.get(plain..i).unwrap_or(""));
                return Ok(out);
            }
            b'\\' => {
                out.push_str(tok.get(plain..i).unwrap_or(""));
                let Some(&e) = b.get(i + 1) else {
                    return Err(b.len());
                };
                let simple = match e {
                    b'"' => Some('"'),
                    b'\\' => Some('\\'),
                    b'/' => Some('/'),
                    b'b' => Some('\u{8}'),
                    b'f' => Some('\u{c}'),
                    b'n' => Some('\n'),
                    b'r' => Some('\r'),
                    b't' => Some('\t'),
                    b'u' => None,
                    _ => return Err(i + 2),
                };
                if let Some(ch) = simple {
                    out.push(ch);
                    i += 2;
                } else {
                    let r = hex4(b, i + 2)?;
                    i += 6;
                    out.push(surrogate_pair(b, &mut i, r));
                }
                plain = i;
            }
            // The scanner ends a string before a control byte.
            0..=31 => return Err(i + 1),
            _ => i += 1,
        }
    }
}

/// The four hex digits at `at`, or the Offset of the first that is not
/// one (or of the end).
fn hex4(b: &[u8], at: usize) -> Result<u32, usize> {
    let mut r = 0;
    for k in at..at + 4 {
        let Some(&c) = b.get(k) else {
            return Err(b.len());
        };
        let d = char::from(c).to_digit(16).ok_or(k + 1)?;
        r = r * 16 + d;
    }
    Ok(r)
}

/// The rune of `\uXXXX` (`r`), taking a following `\uYYYY` when the two
/// are a surrogate pair (`i` moves past it); a surrogate otherwise is
/// U+FFFD (Go's unquote), and its would-be partner is read on its own.
fn surrogate_pair(b: &[u8], i: &mut usize, r: u32) -> char {
    if !(0xD800..0xE000).contains(&r) {
        return char::from_u32(r).unwrap_or('\u{FFFD}');
    }
    let next = (b.get(*i) == Some(&b'\\') && b.get(*i + 1) == Some(&b'u'))
        .then(|| hex4(b, *i + 2).ok())
        .flatten();
    match next {
        Some(lo) if (0xD800..0xDC00).contains(&r) && (0xDC00..0xE000).contains(&lo) => {
            *i += 6;
            char::from_u32(0x10000 + ((r - 0xD800) << 10) + (lo - 0xDC00)).unwrap_or('\u{FFFD}')
        }
        _ => '\u{FFFD}',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_go_s() {
        assert_eq!(unquote(r#""a\"b\\c\/\n\t""#), Ok("a\"b\\c/\n\t".into()));
        assert_eq!(unquote(r#""\u00e9\ud83d\ude00x""#), Ok("é😀x".into()));
        // A lone surrogate is U+FFFD, and its would-be partner is read
        // on its own.
        assert_eq!(unquote(r#""\ud800\u0041""#), Ok("\u{FFFD}A".into()));
        assert_eq!(unquote(r#""\udc00""#), Ok("\u{FFFD}".into()));
    }

    #[test]
    fn offsets_count_the_refused_byte() {
        // encoding/json checkValid: scan.bytes counts the byte refused.
        assert_eq!(unquote(r#""x\q""#), Err(4));
        assert_eq!(unquote("\"é\\x\""), Err(5));
        assert_eq!(unquote(r#""\u12G4""#), Err(6));
        // The end of input inside the string: every byte read.
        assert_eq!(unquote("\"abc"), Err(4));
        assert_eq!(unquote("\"ab\\"), Err(4));
        assert_eq!(unquote(r#""\u12""#), Err(6));
    }
}
