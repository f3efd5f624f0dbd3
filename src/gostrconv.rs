//! Go's `strconv.ParseInt`, `ParseUint` and `ParseBool` with base 0, as
//! the Go release that built a Nomad reads a string.
//!
//! Before 1.0 Nomad decodes a job file's blocks with mapstructure's weak
//! decoding, which turns a string written for a number into one with
//! `strconv.ParseInt(s, 0, bits)` (decodeInt; `ParseUint` for unsigned
//! fields, `ParseBool` for booleans): `count = "010"` is 8 and
//! `count = "0x10"` is 16, while `count = " 3"` is refused. Go 1.13 added
//! the `0b` and `0o` prefixes and `_` between digits to base 0
//! (strconv/atoi.go), so `"1_000"` is refused by Nomad 0.9–0.10 (Go 1.11,
//! 1.12) and is 1000 from 0.11 (Go 1.14).

use crate::gorelease::GoRelease;

/// Why Go refuses a string: `ErrSyntax` or `ErrRange`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumErr {
    Syntax,
    Range,
}

impl NumErr {
    /// `*strconv.NumError`'s text: `strconv.ParseInt: parsing "x": invalid syntax`
    /// (`func` is `ParseInt`, `ParseUint` or `ParseBool`; the quoting is the
    /// current thread's Go release's, [`crate::gotext::go_quote`]).
    pub fn text(self, func: &str, s: &str) -> String {
        let why = match self {
            NumErr::Syntax => "invalid syntax",
            NumErr::Range => "value out of range",
        };
        format!(
            "strconv.{func}: parsing {}: {why}",
            crate::gotext::go_quote(s)
        )
    }
}

/// Go 1.13's base-0 syntax (`0b`, `0o`, `_`).
fn modern(go: GoRelease) -> bool {
    go >= (1, 13, 0)
}

/// `strconv.ParseUint(s, 0, bits)`.
pub fn parse_uint(s: &str, bits: u32, go: GoRelease) -> Result<u64, NumErr> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err(NumErr::Syntax);
    }
    let lower = |c: u8| c | 0x20;
    let (base, digits): (u64, &[u8]) = if b[0] != b'0' {
        (10, b)
    } else if b.len() >= 3 && lower(b[1]) == b'x' {
        (16, &b[2..])
    } else if modern(go) && b.len() >= 3 && lower(b[1]) == b'b' {
        (2, &b[2..])
    } else if modern(go) && b.len() >= 3 && lower(b[1]) == b'o' {
        (8, &b[2..])
    } else if !modern(go) && b.len() == 2 && lower(b[1]) == b'x' {
        // Go 1.12: a bare `0x` is refused before any digit is read.
        return Err(NumErr::Syntax);
    } else {
        (8, &b[1..])
    };
    let max: u64 = if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let cutoff = u64::MAX / base + 1;
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in digits {
        if c == b'_' && modern(go) {
            underscores = true;
            continue;
        }
        let d = match c {
            b'0'..=b'9' => u64::from(c - b'0'),
            b'a'..=b'z' | b'A'..=b'Z' => u64::from(lower(c) - b'a') + 10,
            _ => return Err(NumErr::Syntax),
        };
        if d >= base {
            return Err(NumErr::Syntax);
        }
        if n >= cutoff {
            return Err(NumErr::Range);
        }
        n *= base;
        let n1 = n.wrapping_add(d);
        if n1 < n || n1 > max {
            return Err(NumErr::Range);
        }
        n = n1;
    }
    if underscores && !underscore_ok(s) {
        return Err(NumErr::Syntax);
    }
    Ok(n)
}

/// `strconv.ParseInt(s, 0, bits)`.
pub fn parse_int(s: &str, bits: u32, go: GoRelease) -> Result<i64, NumErr> {
    if s.is_empty() {
        return Err(NumErr::Syntax);
    }
    let (neg, rest) = match s.as_bytes()[0] {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let un = parse_uint(rest, bits, go)?;
    let cutoff = 1u64 << (bits.clamp(1, 64) - 1);
    if !neg && un >= cutoff {
        return Err(NumErr::Range);
    }
    if neg && un > cutoff {
        return Err(NumErr::Range);
    }
    // -cutoff fits; wrapping negation maps it to i64::MIN for 64 bits.
    Ok(if neg {
        (un as i64).wrapping_neg()
    } else {
        un as i64
    })
}

/// `strconv.ParseBool(s)`.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's underscoreOK: `_` only between digits, or between a base prefix
/// and a digit (ParseInt with base 0, and ParseFloat: [`crate::gofloat`]).
pub(crate) fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let lower = |c: u8| c | 0x20;
    // The last class seen: start, digit (or prefix), underscore, other.
    #[derive(PartialEq)]
    enum Saw {
        Start,
        Digit,
        Underscore,
        Other,
    }
    let mut saw = Saw::Start;
    let mut i = 0;
    let b = match b.first() {
        Some(b'+' | b'-') => &b[1..],
        _ => b,
    };
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(lower(b[1]), b'b' | b'o' | b'x') {
        i = 2;
        saw = Saw::Digit;
        hex = lower(b[1]) == b'x';
    }
    while i < b.len() {
        let c = b[i];
        i += 1;
        if c.is_ascii_digit() || hex && (b'a'..=b'f').contains(&lower(c)) {
            saw = Saw::Digit;
            continue;
        }
        if c == b'_' {
            if saw != Saw::Digit {
                return false;
            }
            saw = Saw::Underscore;
            continue;
        }
        if saw == Saw::Underscore {
            return false;
        }
        saw = Saw::Other;
    }
    saw != Saw::Underscore
}

/// Go's `%v` of a float64: `strconv.FormatFloat(f, 'g', -1, 64)` (driver
/// config numbers travel through JSON, so Nomad prints them this way; the
/// HCL1 parser's `%v` of a decoded float is the same).
/// Shortest-digit `%g`: exponent form when the decimal exponent is < -4 or
/// >= 6 (raised to the digit count for short integers, as Go's ftoa does).
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, like Go's -1 precision.
    let e = format!("{:e}", f);
    let (mant, exp) = match e.split_once('e') {
        Some(p) => p,
        None => return e,
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let nd = digits.len() as i32;
    // Go's %g precision for shortest output (strconv/ftoa.go, eprec).
    let dp = exp + 1;
    let mut eprec = 6;
    if eprec > nd && nd >= dp {
        eprec = nd;
    }
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if exp < -4 || exp >= eprec {
        out.push_str(&digits[..1]);
        if nd > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
    } else if dp <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-dp) as usize));
        out.push_str(&digits);
    } else if dp >= nd {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (dp - nd) as usize));
    } else {
        out.push_str(&digits[..dp as usize]);
        out.push('.');
        out.push_str(&digits[dp as usize..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GO112: GoRelease = (1, 12, 12);
    const GO114: GoRelease = (1, 14, 1);

    // Expected values: Go's strconv/atoi_test.go tables (parseInt64BaseTests
    // with base 0, underscore cases), and the jobspec oracle at v0.9.3
    // (tests/hcl-oracle, `count = "..."`).
    #[test]
    fn base_zero_as_go_reads_it() {
        for (s, want) in [
            ("3", Ok(3)),
            ("+3", Ok(3)),
            ("-3", Ok(-3)),
            ("010", Ok(8)),
            ("0x10", Ok(16)),
            ("0X1f", Ok(31)),
            ("0", Ok(0)),
            ("-0", Ok(0)),
            (" 3", Err(NumErr::Syntax)),
            ("3 ", Err(NumErr::Syntax)),
            ("1e3", Err(NumErr::Syntax)),
            ("2.5", Err(NumErr::Syntax)),
            ("", Err(NumErr::Syntax)),
            ("+", Err(NumErr::Syntax)),
            ("0x", Err(NumErr::Syntax)),
            ("08", Err(NumErr::Syntax)),
            ("9223372036854775807", Ok(i64::MAX)),
            ("-9223372036854775808", Ok(i64::MIN)),
            ("9223372036854775808", Err(NumErr::Range)),
            ("99999999999999999999x", Err(NumErr::Range)),
        ] {
            assert_eq!(parse_int(s, 64, GO112), want, "{s:?} Go 1.12");
            assert_eq!(parse_int(s, 64, GO114), want, "{s:?} Go 1.14");
        }
    }

    #[test]
    fn go_1_13_prefixes_and_underscores() {
        for (s, old, new) in [
            ("0b11", Err(NumErr::Syntax), Ok(3)),
            ("0o17", Err(NumErr::Syntax), Ok(15)),
            ("1_000", Err(NumErr::Syntax), Ok(1000)),
            ("0x_1f", Err(NumErr::Syntax), Ok(31)),
            ("_1", Err(NumErr::Syntax), Err(NumErr::Syntax)),
            ("1__0", Err(NumErr::Syntax), Err(NumErr::Syntax)),
            ("1_", Err(NumErr::Syntax), Err(NumErr::Syntax)),
        ] {
            assert_eq!(parse_int(s, 64, GO112), old, "{s:?} Go 1.12");
            assert_eq!(parse_int(s, 64, GO114), new, "{s:?} Go 1.14");
        }
    }

    #[test]
    fn narrow_widths_and_unsigned() {
        assert_eq!(parse_int("127", 8, GO114), Ok(127));
        assert_eq!(parse_int("-128", 8, GO114), Ok(-128));
        assert_eq!(parse_int("128", 8, GO114), Err(NumErr::Range));
        assert_eq!(parse_uint("255", 8, GO114), Ok(255));
        assert_eq!(parse_uint("256", 8, GO114), Err(NumErr::Range));
        assert_eq!(parse_uint("-1", 8, GO114), Err(NumErr::Syntax));
    }

    #[test]
    fn texts() {
        assert_eq!(
            NumErr::Syntax.text("ParseInt", "many"),
            "strconv.ParseInt: parsing \"many\": invalid syntax"
        );
        assert_eq!(parse_bool("T"), Some(true));
        assert_eq!(parse_bool("yes"), None);
    }
}
