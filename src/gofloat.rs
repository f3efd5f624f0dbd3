//! Go's `strconv.ParseFloat(s, 64)`, whose grammar is not Rust's
//! `f64::from_str`: from Go 1.13 it reads hexadecimal floats (`0x1p3` is
//! 8, the `p` exponent required) and `_` between digits (`1_000`); it
//! refuses a finite spelling whose value is past the largest float
//! (`1e400`: `ErrRange`, where Rust gives infinity); it takes `inf`,
//! `infinity` (signed or not) and an unsigned `nan` in any case, where
//! Rust also takes a signed `nan`. Nomad's scheduler (`checkFloatOrder`,
//! 1.4+) and `ParseAttribute` fall back to comparing text when it fails,
//! so the difference decides placements.

use crate::gostrconv::NumErr;

/// The grammar of the Go release that reads the string.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Grammar {
    /// Go 1.12 and earlier: decimal only, no `_`.
    Before113,
    /// Go 1.13 and later (strconv/atof.go readFloat, underscoreOK, atofHex).
    Go113,
}

/// `strconv.ParseFloat(s, 64)`: the value, or why Go refuses it.
pub fn parse_float(s: &str, grammar: Grammar) -> Result<f64, NumErr> {
    if let Some(v) = special(s) {
        return Ok(v);
    }
    let modern = grammar == Grammar::Go113;
    let text: std::borrow::Cow<'_, str> = if s.contains('_') {
        if !modern || !crate::gostrconv::underscore_ok(s) {
            return Err(NumErr::Syntax);
        }
        s.replace('_', "").into()
    } else {
        s.into()
    };
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, &text[..]),
    };
    let hex = body.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("0x"));
    let magnitude = if hex {
        if !modern {
            return Err(NumErr::Syntax);
        }
        hex_float(&body[2..])?
    } else {
        decimal(body)?
    };
    Ok(if neg { -magnitude } else { magnitude })
}

/// `inf`, `infinity` (optionally signed) and `nan` (unsigned), any case.
fn special(s: &str) -> Option<f64> {
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'-') => (-1.0, &s[1..]),
        Some(b'+') => (1.0, &s[1..]),
        _ => (1.0, s),
    };
    if rest.eq_ignore_ascii_case("inf") || rest.eq_ignore_ascii_case("infinity") {
        return Some(sign * f64::INFINITY);
    }
    (rest.len() == s.len() && s.eq_ignore_ascii_case("nan")).then_some(f64::NAN)
}

/// Digits, an optional fraction and an optional exponent, at least one
/// mantissa digit: the decimal spellings Go and Rust share; a finite
/// spelling that rounds to infinity is Go's range error.
fn decimal(body: &str) -> Result<f64, NumErr> {
    let b = body.as_bytes();
    let mut i = 0;
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return Err(NumErr::Syntax);
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(NumErr::Syntax);
        }
    }
    if i != b.len() {
        return Err(NumErr::Syntax);
    }
    let v: f64 = body.parse().map_err(|_| NumErr::Syntax)?;
    if v.is_infinite() {
        return Err(NumErr::Range);
    }
    Ok(v)
}

/// The part after `0x`: hex digits with at most one `.`, then a required
/// `p` exponent (decimal, signed), rounded to nearest even.
fn hex_float(body: &str) -> Result<f64, NumErr> {
    let b = body.as_bytes();
    // Go keeps the first 64 bits of mantissa; later non-zero digits only
    // matter as a sticky bit for rounding.
    let mut mant: u64 = 0;
    let mut exp: i64 = 0;
    let mut sticky = false;
    let mut digits = 0;
    let mut seen_dot = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'.' && !seen_dot {
            seen_dot = true;
        } else if let Some(d) = (c as char).to_digit(16) {
            digits += 1;
            if mant >> 60 == 0 {
                mant = mant << 4 | u64::from(d);
                if seen_dot {
                    exp -= 4;
                }
            } else {
                sticky |= d != 0;
                if !seen_dot {
                    exp += 4;
                }
            }
        } else {
            break;
        }
        i += 1;
    }
    if digits == 0 || i >= b.len() || !(b[i] == b'p' || b[i] == b'P') {
        return Err(NumErr::Syntax);
    }
    i += 1;
    let mut exp_neg = false;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        exp_neg = b[i] == b'-';
        i += 1;
    }
    let start = i;
    let mut e: i64 = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        // Past any float's range either way; Go caps it likewise.
        if e < 100_000 {
            e = e * 10 + i64::from(b[i] - b'0');
        }
        i += 1;
    }
    if i == start || i != b.len() {
        return Err(NumErr::Syntax);
    }
    exp += if exp_neg { -e } else { e };
    round_binary(mant, exp, sticky)
}

/// `mant × 2^exp` (plus a little more when `sticky`) as the nearest f64,
/// ties to even; past the largest float: Go's range error.
fn round_binary(mant: u64, exp: i64, sticky: bool) -> Result<f64, NumErr> {
    if mant == 0 {
        return Ok(0.0);
    }
    let bits = i64::from(64 - mant.leading_zeros());
    // The exponent of the leading bit, and of the last bit an f64 keeps
    // there (53 bits in all; never below the smallest subnormal's).
    let lead = exp + bits - 1;
    let last = (lead - 52).max(-1074);
    let shift = last - exp;
    let q: u64 = if shift <= 0 {
        // Exact: fewer than 53 bits, above the subnormal floor.
        mant << (-shift).min(63)
    } else if shift >= 66 {
        0
    } else {
        let wide = u128::from(mant);
        let q = wide >> shift;
        let rem = wide - (q << shift);
        let half = 1u128 << (shift - 1);
        let odd = q & 1 == 1;
        let up = rem > half || (rem == half && (sticky || odd));
        // q < 2^53 here, so the casts are exact.
        u64::try_from(q).unwrap_or(u64::MAX) + u64::from(up)
    };
    // q × 2^last, q at most 2^53.
    let (q, last) = if q == 1 << 53 {
        (1 << 52, last + 1)
    } else {
        (q, last)
    };
    if q < 1 << 52 {
        // Subnormal (last is -1074) or zero: the bits are q.
        return Ok(f64::from_bits(q));
    }
    let biased = last + 52 + 1023;
    if biased >= 2047 {
        return Err(NumErr::Range);
    }
    let biased = u64::try_from(biased).map_err(|_| NumErr::Range)?;
    Ok(f64::from_bits(biased << 52 | (q - (1 << 52))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(s: &str) -> Result<f64, NumErr> {
        parse_float(s, Grammar::Go113)
    }

    /// Cases from Go's strconv/atof_test.go (atoftests), 64-bit.
    #[test]
    fn reads_as_go_does() {
        assert_eq!(go("1"), Ok(1.0));
        assert_eq!(go("+1"), Ok(1.0));
        assert_eq!(go("1e23"), Ok(1e23));
        assert_eq!(go("1E23"), Ok(1e23));
        assert_eq!(go(".5"), Ok(0.5));
        assert_eq!(go("5."), Ok(5.0));
        assert_eq!(go("1e-400"), Ok(0.0));
        assert_eq!(go("1e400"), Err(NumErr::Range));
        assert_eq!(go("-1e400"), Err(NumErr::Range));
        assert_eq!(go("1.7976931348623159e308"), Err(NumErr::Range));
        assert_eq!(go("1.7976931348623157e308"), Ok(f64::MAX));
        assert_eq!(go("Inf"), Ok(f64::INFINITY));
        assert_eq!(go("-Infinity"), Ok(f64::NEG_INFINITY));
        assert!(go("NaN").is_ok_and(f64::is_nan));
        assert_eq!(go("+nan"), Err(NumErr::Syntax));
        assert_eq!(go("infin"), Err(NumErr::Syntax));
        assert_eq!(go(""), Err(NumErr::Syntax));
        assert_eq!(go("."), Err(NumErr::Syntax));
        assert_eq!(go("1e"), Err(NumErr::Syntax));
        assert_eq!(go("1x"), Err(NumErr::Syntax));
        assert_eq!(go(" 1"), Err(NumErr::Syntax));
        assert_eq!(go("1_000"), Ok(1000.0));
        assert_eq!(go("1__000"), Err(NumErr::Syntax));
        assert_eq!(go("_1"), Err(NumErr::Syntax));
        assert_eq!(go("1_"), Err(NumErr::Syntax));
        assert_eq!(go("0x1p3"), Ok(8.0));
        assert_eq!(go("0x_1p3"), Ok(8.0));
        assert_eq!(go("0X1.8P1"), Ok(3.0));
        assert_eq!(go("-0x.8p0"), Ok(-0.5));
        assert_eq!(go("0x1"), Err(NumErr::Syntax));
        assert_eq!(go("0x1p"), Err(NumErr::Syntax));
        assert_eq!(go("0xp1"), Err(NumErr::Syntax));
        assert_eq!(go("0x1p1024"), Err(NumErr::Range));
        assert_eq!(go("0x1.fffffffffffffp1023"), Ok(f64::MAX));
        assert_eq!(go("0x1.fffffffffffff8p1023"), Err(NumErr::Range));
        assert_eq!(go("0x1p-1074"), Ok(f64::from_bits(1)));
        assert_eq!(go("0x1p-1075"), Ok(0.0));
        assert_eq!(go("0x1.8p-1074"), Ok(f64::from_bits(2)));
        assert_eq!(go("0x1p-1022"), Ok(f64::MIN_POSITIVE));
        // Ties to even, and a sticky digit past the 64 bits kept.
        assert_eq!(go("0x1.00000000000008p0"), Ok(1.0));
        assert_eq!(go("0x1.00000000000018p0"), Ok(1.0 + 2.0 * f64::EPSILON));
        assert_eq!(go("0x1.000000000000080000001p0"), Ok(1.0 + f64::EPSILON));
        // Checked with Go 1.19's strconv.ParseFloat (bits as printed).
        let bits = |s| go(s).map(f64::to_bits);
        assert_eq!(bits("0x123456789abcdef0123p0"), Ok(0x4472_3456_789a_bcdf));
        assert_eq!(bits("0x1.8p-1075"), Ok(1));
        assert_eq!(bits("0x3p-1076"), Ok(1));
        assert_eq!(go("0x.000000000000000000001p-1000"), Ok(0.0));
        assert_eq!(go("0x1p1_0"), Ok(1024.0));
        for refused in ["._1", "1_.5", "1._5", "1e_5", "1e5_", "00x1p3"] {
            assert_eq!(go(refused), Err(NumErr::Syntax), "{refused}");
        }
    }

    #[test]
    fn go_1_12_reads_decimal_only() {
        let old = |s| parse_float(s, Grammar::Before113);
        assert_eq!(old("0x1p3"), Err(NumErr::Syntax));
        assert_eq!(old("1_000"), Err(NumErr::Syntax));
        assert_eq!(old("2.5"), Ok(2.5));
        assert_eq!(old("1e400"), Err(NumErr::Range));
    }
}
