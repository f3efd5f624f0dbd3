//! go-cty's `format` (stdlib/format.go and its format_fsm.rl scanner):
//! `%[flags][width][.prec][[argidx]]verb`, strings measured in characters,
//! numbers formatted the way Go's fmt formats a big.Float / big.Int, and
//! cty's error texts. Go's fmt gives up on a width or precision past a
//! million (`%!(NOVERB)`); we do the same instead of allocating it.

use super::cty_json::{cty_json, quote};
use super::eval::{to_number, to_string};
use super::functions::mismatch;
use super::functions::params::Ty;
use super::model::Value;
use crate::version::NomadVersion;

/// Results longer than this are refused rather than built (a width of
/// 999999999 would ask for a gigabyte; Nomad's process would be killed).
pub const MAX_RESULT_BYTES: usize = 16 << 20;

#[derive(Default)]
struct Verb<'a> {
    raw: &'a str,
    offset: usize,
    arg: usize,
    mode: char,
    zero: bool,
    sharp: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
    /// Go's fmt could not read the width or precision (too large).
    noverb: bool,
    /// The width is past what Go's fmt reads (cty pads strings to it).
    huge_width: bool,
}

/// Go's fmt `parsenum`: stops reading at a value over 1e6 and then treats
/// the rest of the format as consumed.
fn go_num(digits: &str) -> Option<usize> {
    let mut n: usize = 0;
    for c in digits.bytes() {
        if n > 1_000_000 {
            return None;
        }
        n = n * 10 + usize::from(c - b'0');
    }
    Some(n)
}

#[cfg(test)]
pub fn format(fmtstr: &str, args: &[Value]) -> Result<String, String> {
    format_as(fmtstr, args, NomadVersion::new(1, 19, 0))
}

/// [`format`] with go-cty release `cty`'s conversion texts (an argument a
/// verb cannot take: `number required`, from 1.16.3 `number required, but
/// have bool`).
pub fn format_as(fmtstr: &str, args: &[Value], cty: NomadVersion) -> Result<String, String> {
    let b = fmtstr.as_bytes();
    let mut out = String::new();
    let mut next_arg = 1;
    let mut highest = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            let ch = fmtstr[i..].chars().next().unwrap_or_default();
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        if b.get(i + 1) == Some(&b'%') {
            out.push('%');
            i += 2;
            continue;
        }
        let start = i;
        let mut v = Verb {
            offset: start,
            arg: next_arg,
            ..Verb::default()
        };
        i += 1;
        while let Some(&c) = b.get(i) {
            match c {
                b'0' => v.zero = true,
                b'#' => v.sharp = true,
                b'-' => v.minus = true,
                b'+' => v.plus = true,
                b' ' => v.space = true,
                _ => break,
            }
            i += 1;
        }
        let digits = |i: &mut usize| {
            let s = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            &fmtstr[s..*i]
        };
        if b.get(i).is_some_and(|c| (b'1'..=b'9').contains(c)) {
            let w = digits(&mut i);
            v.width = go_num(w);
            v.huge_width = v.width.is_none();
            v.noverb |= v.huge_width;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            let p = digits(&mut i);
            v.prec = go_num(p);
            v.noverb |= v.prec.is_none();
        }
        if b.get(i) == Some(&b'[') {
            i += 1;
            let n = digits(&mut i);
            if n.is_empty() || n.starts_with('0') || b.get(i) != Some(&b']') {
                return Err(bad_char(fmtstr, i));
            }
            i += 1;
            v.arg = n.parse().unwrap_or(usize::MAX);
        }
        match b.get(i) {
            Some(c) if c.is_ascii_alphabetic() => v.mode = char::from(*c),
            Some(_) => return Err(bad_char(fmtstr, i)),
            None => {
                return Err(format!(
                    "invalid format string starting at offset {}",
                    b.len()
                ))
            }
        }
        i += 1;
        v.raw = &fmtstr[start..i];
        highest = highest.max(v.arg);
        append(&v, &mut out, args, cty)?;
        if out.len() > MAX_RESULT_BYTES {
            return Err(too_long());
        }
        next_arg = v.arg.saturating_add(1);
    }
    if highest < args.len() {
        return Err(if highest == 0 {
            "too many arguments; no verbs in format string".to_string()
        } else {
            format!("too many arguments; only {highest} used by format string")
        });
    }
    Ok(out)
}

fn too_long() -> String {
    format!(
        "the formatted result would be longer than {} MiB",
        MAX_RESULT_BYTES >> 20
    )
}

fn bad_char(fmtstr: &str, at: usize) -> String {
    let r = fmtstr[at..].chars().next().unwrap_or('\u{fffd}');
    format!(
        "unrecognized format character {} at offset {at}",
        go_rune(r)
    )
}

fn go_rune(r: char) -> String {
    match r {
        '\'' => "'\\''".into(),
        '\\' => "'\\\\'".into(),
        c if c.is_control() => format!("'\\x{:02x}'", c as u32),
        c => format!("'{c}'"),
    }
}

fn append(v: &Verb<'_>, out: &mut String, args: &[Value], cty: NomadVersion) -> Result<(), String> {
    let Some(arg) = v.arg.checked_sub(1).and_then(|i| args.get(i)) else {
        return Err(format!(
            "not enough arguments for {} at {}: need index {} but have {} total",
            quote(v.raw),
            v.offset,
            v.arg,
            args.len()
        ));
    };
    let unsupported = |why: &str| {
        format!(
            "unsupported value for {} at {}: {why}",
            quote(v.raw),
            v.offset
        )
    };
    if v.mode != 'v' && matches!(arg, Value::Null) {
        return Err(unsupported("null value cannot be formatted"));
    }
    match v.mode {
        'v' => {
            let text = match arg {
                Value::String(s) if !v.sharp => s.clone(),
                Value::Number(n) if !v.sharp => shortest_g(*n),
                // formatAppendAsIs (stdlib/format.go) wraps go-cty's
                // JSON error as it wraps any other.
                other => cty_json(other).map_err(|e| unsupported(&e))?,
            };
            pad(v, &text, out)
        }
        't' => {
            if let Some(why) = mismatch(arg, &Ty::Bool, cty) {
                return Err(unsupported(&why));
            }
            let b = matches!(arg, Value::Bool(true))
                || matches!(arg, Value::String(s) if s == "true" || s == "1");
            out.push_str(if b { "true" } else { "false" });
            Ok(())
        }
        'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'g' | 'G' => {
            if let Some(why) = mismatch(arg, &Ty::Number, cty) {
                return Err(unsupported(&why));
            }
            let n = to_number(arg).unwrap_or(0.0);
            // go-cty formats its big.Float: where that may print other
            // digits than our f64, "cannot tell" (cty_number.rs).
            let parsed = match arg {
                Value::String(t) => crate::jobspec::cty_number::is_faithful(t, n),
                _ => true,
            };
            if v.noverb {
                // Go's fmt read past the verb looking for the number's end.
                // An integer verb formats a *big.Int (formatAppendInteger,
                // after its whole-number check), the others the *big.Float
                // (stdlib/format.go at go-cty v1.4.1-v1.19.0).
                out.push_str("%!(NOVERB)");
                if "bdoxX".contains(v.mode) {
                    if n.fract() != 0.0 || !n.is_finite() {
                        return Err(unsupported("an integer is required"));
                    }
                    if !parsed {
                        return Err(crate::jobspec::cty_number::reason_unversioned(
                            "this format()",
                        ));
                    }
                    // A big.Int has no negative zero.
                    out.push_str(&format!("%!(EXTRA *big.Int={:.0})", n + 0.0));
                } else {
                    out.push_str(&format!("%!(EXTRA *big.Float={})", shortest_g(n)));
                }
                return Ok(());
            }
            // At a tie: the 512-bit value's side (cty_number.rs).
            let tie = crate::jobspec::cty_number::rounds_a_tie(n, v.mode, v.prec);
            let n = match (parsed, tie) {
                (true, false) => Some(n),
                (true, true) => crate::jobspec::cty_number::tie_at_512_bits(n),
                (false, _) => None,
            }
            .ok_or_else(|| crate::jobspec::cty_number::reason_unversioned("this format()"))?;
            let body = if "bdoxX".contains(v.mode) {
                if n.fract() != 0.0 || !n.is_finite() {
                    return Err(unsupported("an integer is required"));
                }
                integer(v, n)
            } else {
                float(v, n)
            };
            pad_number(v, body, out)
        }
        's' | 'q' => {
            if let Some(why) = mismatch(arg, &Ty::String, cty) {
                return Err(unsupported(&why));
            }
            let s = to_string(arg).unwrap_or_default();
            let s: String = match v.prec {
                Some(p) if p > 0 => s.chars().take(p).collect(),
                _ => s,
            };
            let text = if v.mode == 'q' { quote(&s) } else { s };
            pad(v, &text, out)
        }
        other => Err(format!(
            "unsupported format verb {} in {} at offset {}",
            go_rune(other),
            quote(v.raw),
            v.offset
        )),
    }
}

/// cty's `formatPadWidth`: pad to the width in characters.
fn pad(v: &Verb<'_>, text: &str, out: &mut String) -> Result<(), String> {
    let width = v.width.unwrap_or(0);
    if width > MAX_RESULT_BYTES || v.huge_width {
        return Err(too_long());
    }
    let len = text.chars().count();
    let fill = if v.zero { "0" } else { " " }.repeat(width.saturating_sub(len));
    if v.minus {
        out.push_str(text);
        out.push_str(&fill);
    } else {
        out.push_str(&fill);
        out.push_str(text);
    }
    Ok(())
}

/// Go's number padding: sign first, zeros after it, spaces before it.
fn pad_number(v: &Verb<'_>, body: String, out: &mut String) -> Result<(), String> {
    let (sign, digits) = match body.strip_prefix('-') {
        Some(rest) => ("-", rest.to_string()),
        None if v.plus => ("+", body),
        None if v.space => (" ", body),
        None => ("", body),
    };
    let width = v.width.unwrap_or(0);
    if width > MAX_RESULT_BYTES {
        return Err(too_long());
    }
    let len = sign.len() + digits.chars().count();
    let missing = width.saturating_sub(len);
    if v.minus {
        out.push_str(sign);
        out.push_str(&digits);
        out.push_str(&" ".repeat(missing));
    } else if v.zero
        && digits
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
    {
        out.push_str(sign);
        out.push_str(&"0".repeat(missing));
        out.push_str(&digits);
    } else {
        out.push_str(&" ".repeat(missing));
        out.push_str(sign);
        out.push_str(&digits);
    }
    Ok(())
}

fn integer(v: &Verb<'_>, n: f64) -> String {
    let neg = n < 0.0;
    let mag = n.abs() as u128;
    let mut digits = match v.mode {
        'b' => format!("{mag:b}"),
        'o' => format!("{mag:o}"),
        'x' => format!("{mag:x}"),
        'X' => format!("{mag:X}"),
        _ => mag.to_string(),
    };
    if let Some(p) = v.prec {
        if digits.len() < p {
            digits = format!("{}{digits}", "0".repeat(p - digits.len()));
        } else if p == 0 && mag == 0 {
            digits.clear();
        }
    }
    if v.sharp {
        match v.mode {
            'o' if !digits.starts_with('0') => digits.insert(0, '0'),
            'x' => digits.insert_str(0, "0x"),
            'X' => digits.insert_str(0, "0X"),
            'b' => digits.insert_str(0, "0b"),
            _ => {}
        }
    }
    if neg {
        format!("-{digits}")
    } else {
        digits
    }
}

/// Rust prints exact decimal expansions but refuses precisions past
/// u16::MAX; every f64 digit past the 1100th decimal is zero anyway.
fn fixed(n: f64, prec: usize) -> String {
    let p = prec.min(1100);
    let mut s = format!("{n:.p$}");
    s.push_str(&"0".repeat(prec - p));
    s
}

/// `d.ddde±XX` with `prec` decimals, Go style (at least two exponent digits).
fn exp(n: f64, prec: usize, upper: bool) -> String {
    let p = prec.min(800);
    let s = format!("{n:.p$e}");
    let (mant, e) = s.split_once('e').unwrap_or((&s, "0"));
    let mut mant = mant.to_string();
    if prec > p {
        if !mant.contains('.') {
            mant.push('.');
        }
        mant.push_str(&"0".repeat(prec - p));
    }
    let e: i32 = e.parse().unwrap_or(0);
    let sign = if e < 0 { '-' } else { '+' };
    let e_char = if upper { 'E' } else { 'e' };
    format!("{mant}{e_char}{sign}{:02}", e.abs())
}

fn float(v: &Verb<'_>, n: f64) -> String {
    if n.is_infinite() {
        return if n > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    match v.mode {
        'f' => fixed(n, v.prec.unwrap_or(6)),
        'e' | 'E' => exp(n, v.prec.unwrap_or(6), v.mode == 'E'),
        _ => {
            let g = match v.prec {
                None => shortest_g(n),
                Some(p) => precise_g(n, p.max(1), v.sharp),
            };
            if v.mode == 'G' {
                g.to_uppercase()
            } else {
                g
            }
        }
    }
}

/// Go's `%g` with a precision: `p` significant digits, exponent form when
/// the exponent is below -4 or at least `p`; trailing zeros dropped.
fn precise_g(n: f64, p: usize, sharp: bool) -> String {
    let e_form = exp(n, p - 1, false);
    let x: i64 = e_form
        .rsplit_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    let trim = |s: String| -> String {
        if sharp || !s.contains('.') {
            return s;
        }
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if x < -4 || x >= p as i64 {
        let (m, e) = e_form.split_once('e').unwrap_or((&e_form, ""));
        format!("{}e{e}", trim(m.to_string()))
    } else {
        let decimals = usize::try_from(p as i64 - 1 - x).unwrap_or(0);
        trim(fixed(n, decimals))
    }
}

/// big.Float's `Text('g', -1)`: the shortest digits that round-trip, in
/// exponent form when the exponent is below -4 or at least 6.
pub fn shortest_g(n: f64) -> String {
    if n == 0.0 {
        return "0".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let s = format!("{n:e}");
    let (mant, e) = s.split_once('e').unwrap_or((&s, "0"));
    let x: i64 = e.parse().unwrap_or(0);
    if !(-4..6).contains(&x) {
        let sign = if x < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", x.abs());
    }
    let ndigits = mant.chars().filter(char::is_ascii_digit).count() as i64;
    let decimals = usize::try_from(ndigits - 1 - x).unwrap_or(0);
    format!("{n:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(fmt: &str, args: &[Value]) -> Result<String, String> {
        format(fmt, args)
    }
    fn n(x: f64) -> Value {
        Value::Number(x)
    }
    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    /// Examples from Terraform's `format` documentation and cty's format_test.go.
    #[test]
    fn documented_examples() {
        assert_eq!(f("Hello, %s!", &[s("Ander")]), Ok("Hello, Ander!".into()));
        assert_eq!(
            f("There are %d lights", &[n(4.0)]),
            Ok("There are 4 lights".into())
        );
        assert_eq!(f("%-5s|", &[s("ab")]), Ok("ab   |".into()));
        assert_eq!(f("%5s|", &[s("ab")]), Ok("   ab|".into()));
        assert_eq!(f("%.2s", &[s("abc")]), Ok("ab".into()));
        assert_eq!(f("%q", &[s("a\"b")]), Ok("\"a\\\"b\"".into()));
        assert_eq!(f("%.2f", &[n(1.23456)]), Ok("1.23".into()));
        assert_eq!(f("%f", &[n(1.0)]), Ok("1.000000".into()));
        assert_eq!(f("%05d", &[n(-42.0)]), Ok("-0042".into()));
        assert_eq!(f("%+d", &[n(42.0)]), Ok("+42".into()));
        assert_eq!(
            f("%x %X %o %b", &[n(255.0), n(255.0), n(8.0), n(5.0)]),
            Ok("ff FF 10 101".into())
        );
        assert_eq!(f("%#x", &[n(255.0)]), Ok("0xff".into()));
        assert_eq!(f("%e", &[n(1234.5678)]), Ok("1.234568e+03".into()));
        assert_eq!(f("%g", &[n(1234.5678)]), Ok("1234.5678".into()));
        assert_eq!(f("%.3g", &[n(1234.5678)]), Ok("1.23e+03".into()));
        assert_eq!(f("%v", &[n(1e6)]), Ok("1e+06".into()));
        assert_eq!(f("%v", &[n(123456.0)]), Ok("123456".into()));
        assert_eq!(f("%v", &[Value::Bool(true)]), Ok("true".into()));
        assert_eq!(
            f("%v", &[Value::List(vec![n(1.0), s("a")])]),
            Ok("[1,\"a\"]".into())
        );
        assert_eq!(f("%t", &[Value::Bool(false)]), Ok("false".into()));
        assert_eq!(
            f("%q", &[s("<a&b>")]),
            Ok("\"\\u003ca\\u0026b\\u003e\"".into())
        );
        assert_eq!(f("%[2]s %[1]s", &[s("a"), s("b")]), Ok("b a".into()));
        assert_eq!(f("100%%", &[]), Ok("100%".into()));
    }

    #[test]
    fn cty_error_texts() {
        assert_eq!(
            f("%s %s", &[s("a")]),
            Err("not enough arguments for \"%s\" at 3: need index 2 but have 1 total".into())
        );
        assert_eq!(
            f("x", &[s("a")]),
            Err("too many arguments; no verbs in format string".into())
        );
        assert_eq!(
            f("%s", &[s("a"), s("b")]),
            Err("too many arguments; only 1 used by format string".into())
        );
        assert_eq!(
            f("%d", &[n(1.5)]),
            Err("unsupported value for \"%d\" at 0: an integer is required".into())
        );
        assert_eq!(
            f("%z", &[n(1.0)]),
            Err("unsupported format verb 'z' in \"%z\" at offset 0".into())
        );
        assert_eq!(
            f("%s", &[Value::Null]),
            Err("unsupported value for \"%s\" at 0: null value cannot be formatted".into())
        );
        assert_eq!(
            f("%!", &[]),
            Err("unrecognized format character '!' at offset 1".into())
        );
    }

    /// Issue 14: these panicked or tried to allocate gigabytes.
    #[test]
    fn huge_widths_and_precisions_never_crash() {
        assert_eq!(
            f("%.999999999f", &[n(1.0)]),
            Ok("%!(NOVERB)%!(EXTRA *big.Float=1)".into())
        );
        assert_eq!(f("%.70000f", &[n(1.0)]).map(|s| s.len()), Ok(70002));
        // An integer verb's argument is a *big.Int (redteam4 F3 addendum).
        assert_eq!(
            f("%0999999999d", &[n(1.0)]),
            Ok("%!(NOVERB)%!(EXTRA *big.Int=1)".into())
        );
        assert_eq!(
            f("%0999999999x", &[n(-0.0)]),
            Ok("%!(NOVERB)%!(EXTRA *big.Int=0)".into())
        );
        assert!(f("%0999999999d", &[n(1.5)]).is_err());
        assert!(f("%999999999s", &[s("x")]).is_err());
        assert!(f("%.999999999s", &[s("x")]).is_ok());
    }
}
