//! Where a 64-bit float gives the number go-cty gives, and where it may not.
//!
//! jobspec2 (Nomad 1.0+) holds every number as go-cty does: a `big.Float`.
//! A literal is `cty.ParseNumberVal`, `big.ParseFloat(s, 10, 512,
//! ToNearestEven)` (go-cty cty/value_init.go:49-52 at v1.4.1 and v1.12.1,
//! the releases Nomad 1.0.0 and 1.6.0 pin; 2.0.5 pins v1.19.0, the same
//! code, read from a vendored copy: functions::params::cty_release;
//! hcl hclsyntax/parser.go parses number tokens with it, and so do
//! hcl's JSON parser, go-cty's JSON decoding and its string to number
//! conversion, convert/conversion_primitive.go:33). Arithmetic runs at
//! the larger operand precision (`new(big.Float).Add`, value_ops.go),
//! 512 bits for literals but 53 or 64 for function results
//! (`NumberFloatVal`, `NumberIntVal`), and a number becomes a string as
//! `f.Text('f', -1)`, the shortest decimal that reads back at the
//! number's own precision (conversion_primitive.go:16).
//!
//! nomad-preflight holds an `f64`. Rather than model every precision, it
//! keeps to the numbers where the two agree, provably, and says "cannot
//! tell" everywhere else (never a value Nomad would not compute):
//!
//! - a literal is *faithful* when its decimal value is the shortest
//!   decimal of its f64 (`0.1`, `987654321098765400`, `1e21`; not
//!   `987654321098765432`, `0.10000000000000001`, `9007199254740993`).
//!   Such literals map to distinct, same-ordered f64s, and both Go and we
//!   print them as written, so comparing and printing them agree;
//! - arithmetic is *exact* when its operands are numbers whose exact
//!   binary value is their shortest decimal ([`is_exact`]: `3`, `1.5`,
//!   `0.25`, not `0.1`), the f64 operation does not round, and the result
//!   is again such a number. go-cty computes the same exact value at any
//!   precision of 53 bits or more, prints it as the same digits, and it
//!   never equals nor crosses a faithful literal that is not exact;
//! - everything else (`0.1 + 0.2`, `1 / 3`, `2 * 987654321098765`, `log`,
//!   a `format("%.2f")` of an inexact number) is "cannot tell".
//!
//! HCL1 (before 1.0) holds a FLOAT token as a float64, as we do, and a
//! NUMBER token as a Go int, which we hold exactly ([`Value::Int`] beyond
//! 2^53): none of this applies there.
//!
//! [`Value::Int`]: crate::jobspec::Value::Int

/// The code of the "cannot tell" a number meets (one line, exit 255).
pub const NUMBER_CANNOT_TELL: &str = "jobspec::number-cannot-tell";

/// The largest integer below which every integer is an f64 (2^53).
const EXACT_INT: f64 = 9_007_199_254_740_992.0;

/// A decimal's sign, significant digits (no leading or trailing zeros;
/// empty for zero) and exponent: value = 0.DIGITS x 10^exp. None for a
/// text that is not a decimal number (or whose exponent overflows).
fn decimal(text: &str) -> Option<(bool, Vec<u8>, i64)> {
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i64>().ok()?),
        None => (body, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let all: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
    let lead = all.iter().take_while(|&&c| c == b'0').count();
    let digits: Vec<u8> = all[lead..].to_vec();
    let trail = digits.iter().rev().take_while(|&&c| c == b'0').count();
    let digits = digits[..digits.len() - trail].to_vec();
    if digits.is_empty() {
        return Some((neg, digits, 0));
    }
    let point = i64::try_from(int.len()).ok()? - i64::try_from(lead).ok()?;
    Some((neg, digits, exp.checked_add(point)?))
}

/// Is the decimal `text` the shortest decimal of the f64 `x` it reads as,
/// so that go-cty's 512-bit value of it and our f64 compare and print
/// alike? False for a text that is not a decimal, and for an overflow or
/// an underflow (`1e400`, `1e-400`).
pub fn is_faithful(text: &str, x: f64) -> bool {
    if !x.is_finite() {
        return false;
    }
    let (Some(written), Some(ours)) = (decimal(text.trim()), decimal(&format!("{x:e}"))) else {
        return false;
    };
    match (written.1.is_empty(), ours.1.is_empty()) {
        (true, true) => true,
        (false, false) => written == ours,
        _ => false,
    }
}

/// Is `x`'s exact binary value its shortest decimal (`3`, `1.5`,
/// `0.0078125`; not `0.1`, whose f64 is 0.1000000000000000055..., nor
/// 2^60, printed 1152921504606847000)? Then every precision go-cty holds
/// it at (53, 64, 512 bits) prints it as we do.
pub fn is_exact(x: f64) -> bool {
    if !x.is_finite() {
        return false;
    }
    if x.fract() == 0.0 && x.abs() < EXACT_INT {
        return true;
    }
    // An f64's exact expansion has at most 1074 fractional digits.
    let exact = format!("{x:.1100}");
    let exact = exact.trim_end_matches('0').trim_end_matches('.');
    exact == format!("{x}")
}

/// The binary operations whose exactness [`exact_op`] judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

/// Did `a OP b = r` (r as we computed it) hold exactly, with operands and
/// result that print alike at any precision ([`is_exact`])? Then go-cty's
/// big.Float gives the same value. The modulo is judged for integers
/// only: go-cty computes it as `a - trunc(a/b)*b`, before v1.12 at 64
/// bits (value_ops.go Modulo at v1.4.1), exact for integers below 2^53.
pub fn exact_op(op: Op, a: f64, b: f64, r: f64) -> bool {
    if !(is_exact(a) && is_exact(b) && is_exact(r)) {
        return false;
    }
    match op {
        Op::Add | Op::Sub => {
            // Knuth's TwoSum: the rounding error of the f64 sum.
            let b = if op == Op::Sub { -b } else { b };
            let bb = r - a;
            (a - (r - bb)) + (b - bb) == 0.0
        }
        Op::Mul => a.mul_add(b, -r) == 0.0,
        Op::Div => b != 0.0 && r.mul_add(b, -a) == 0.0,
        Op::Mod => {
            let int = |x: f64| x.fract() == 0.0 && x.abs() < EXACT_INT;
            int(a) && int(b) && b != 0.0
        }
    }
}

/// Is the integer `x` one an f64 holds exactly, as go-cty holds it
/// (`parseint`, a YAML integer)?
pub fn is_exact_int(x: f64) -> bool {
    x.fract() == 0.0 && x.abs() < EXACT_INT
}

/// A number's text as a reason quotes it: one line, at most 40 characters.
pub fn shown(text: &str) -> String {
    let one = crate::escape::one_line(text);
    match one.char_indices().nth(40) {
        Some((i, _)) => format!("{}...", &one[..i]),
        None => one,
    }
}

/// The reason a "cannot tell" line gives for a number.
pub fn reason(v: crate::version::NomadVersion, what: &str) -> String {
    reason_of(&format!("Nomad {v}"), what)
}

/// [`reason`] where the release is not at hand (a go-cty function).
pub fn reason_unversioned(what: &str) -> String {
    reason_of("Nomad", what)
}

fn reason_of(who: &str, what: &str) -> String {
    format!("cannot tell what {who} makes of {what}: go-cty holds numbers as binary floats of up to 512 bits (big.Float) and nomad-preflight as 64-bit floats, which may give another value here")
}

/// Does `format`'s verb `mode` at precision `prec` round `x` at a tie of
/// its decimal (`%.2f` of 2.675), where go-cty's 512-bit value and our
/// f64 lie on either side of it? Go rounds big.Float and float64 digits
/// alike (half to even on the exact value), so only a tie the f64 moved
/// can differ; an exact number has none.
pub fn rounds_a_tie(x: f64, mode: char, prec: Option<usize>) -> bool {
    if !x.is_finite() || is_exact(x) {
        return false;
    }
    let Some((_, digits, exp)) = decimal(&format!("{x:e}")) else {
        return false;
    };
    let wide = |p: usize| i64::try_from(p).unwrap_or(i64::MAX / 2);
    let kept = match (mode, prec) {
        ('f', p) => exp.saturating_add(wide(p.unwrap_or(6))),
        ('e' | 'E', p) => wide(p.unwrap_or(6)).saturating_add(1),
        // %g without a precision prints the shortest digits: no rounding.
        ('g' | 'G', Some(p)) => wide(p.max(1)),
        _ => return false,
    };
    let len = i64::try_from(digits.len()).unwrap_or(0);
    len == kept.saturating_add(1) && digits.last() == Some(&b'5')
}

/// At a tie [`rounds_a_tie`] found, the number go-cty's digits are
/// those of: its value is the 512-bit binary nearest the decimal
/// (`big.ParseFloat(s, 10, 512, ToNearestEven)`: a literal, a string
/// converted to a number, a JSON number), a hair above or below the tie,
/// and Go prints that value's exact decimal rounded (math/big ftoa.go),
/// so the tie goes away from zero or toward it: `format("%.1f", 0.35)`
/// is "0.3", `format("%.2f", 2.675)` "2.67" (redteam7 D11). The kept
/// digits, rounded so, as an f64 that prints them at the same verb.
/// None where this does not work it out (more than 38 decimals).
pub fn tie_at_512_bits(x: f64) -> Option<f64> {
    let (neg, digits, exp) = decimal(&format!("{x:e}"))?;
    let len = i64::try_from(digits.len()).ok()?;
    let frac = len.checked_sub(exp)?;
    if !(1..=38).contains(&frac) || digits.len() > 38 {
        return None;
    }
    let whole = |d: &[u8]| -> u128 { d.iter().fold(0u128, |a, &c| a * 10 + u128::from(c - b'0')) };
    let kept = &digits[..digits.len() - 1];
    let up = match above_at_512_bits(whole(&digits), 10u128.pow(u32::try_from(frac).ok()?)) {
        Some(up) => up,
        // Exactly the tie: Go rounds half to even (ftoa.go shouldRoundUp).
        None => kept.last().is_some_and(|d| (d - b'0') % 2 == 1),
    };
    let rounded = whole(kept) + u128::from(up);
    let sign = if neg { "-" } else { "" };
    format!("{sign}{rounded}e{}", exp - (len - 1)).parse().ok()
}

/// Is the 512-bit binary nearest `n / p` (0 < p <= 10^38), rounded half
/// to even, above it? None when it is `n / p` exactly.
fn above_at_512_bits(n: u128, p: u128) -> Option<bool> {
    let int = n / p;
    let mut rem = n % p;
    let mut bits = 128 - int.leading_zeros() as usize;
    let mut last = int & 1 == 1;
    while bits < 512 {
        if rem == 0 {
            return None;
        }
        // rem < p <= 10^38, so twice it fits.
        rem *= 2;
        let bit = rem >= p;
        if bit {
            rem -= p;
        }
        if bits > 0 || bit {
            bits += 1;
            last = bit;
        }
    }
    if rem == 0 {
        return None;
    }
    let twice = rem * 2;
    Some(twice > p || (twice == p && last))
}

/// Is `msg` a function's [`reason`] (a function's error text carries it
/// to the call, which gives it this module's code)?
pub fn is_reason(msg: &str) -> bool {
    msg.starts_with("cannot tell what Nomad")
        && (msg.contains("(big.Float)") || msg.contains(INT64_CAST))
}

/// The words of [`int64_reason`] that [`is_reason`] knows it by.
const INT64_CAST: &str = "through a Go int64";

/// Why `what` (a floor or ceil of a number at or past 2^63) is not known
/// at Nomad `v`: go-cty before 1.9.0 (commit 924d9fc; Nomad 1.0.0-1.3.9
/// pin 1.4.1 and 1.8.0) returns `cty.NumberIntVal(int64(math.Floor(x)))`
/// (cty/function/stdlib/number.go), and Go leaves the conversion of an
/// out-of-range float to the CPU that runs the `nomad` CLI (amd64 gives
/// -9223372036854775808, arm64 saturates).
pub fn int64_reason(v: crate::version::NomadVersion, what: &str) -> String {
    format!("cannot tell what Nomad {v} makes of {what}: its go-cty puts the result {INT64_CAST} (stdlib/number.go before go-cty 1.9.0), and Go converts a float at or past 2^63 as the machine running `nomad` does (amd64 gives -9223372036854775808, arm64 the nearest int64)")
}

/// Why a var file's values are not known, for such a number in it.
pub const VAR_FILE_WHY: &str = "a var file holds a number go-cty holds as a binary float of 512 bits (big.Float) and nomad-preflight as a 64-bit float, which may give another value (a number past 15 significant digits, or arithmetic that rounds)";

/// The advice beside it.
pub const HELP: &str = "quote a long number meant as text (\"987654321098765432\"), keep numbers to 15 significant digits and arithmetic to whole numbers and exact results, or judge the file on the cluster";

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> bool {
        is_faithful(s, s.parse().unwrap_or(f64::NAN))
    }

    #[test]
    fn literals_past_an_f64s_precision_are_not_faithful() {
        // /tmp/rt4 F2: go-cty prints these as written, f64 does not.
        for s in [
            "987654321098765432",
            "9007199254740993",
            "0.10000000000000001",
            "1e400",
            "1e-400",
            "1152921504606846976",
        ] {
            assert!(!lit(s), "{s}");
        }
        for s in [
            "0",
            "0.0",
            "0.1",
            "1e3",
            "1000",
            "1.50",
            "987654321098765400",
            "9007199254740992",
            "0.30000000000000004",
            "1e21",
            "123456789012345",
            "00012.5000",
            "-2.5e-3",
        ] {
            assert!(lit(s), "{s}");
        }
    }

    #[test]
    fn exact_numbers_are_those_whose_binary_value_is_their_shortest_decimal() {
        for x in [0.0, 3.0, 1.5, 0.25, 0.0078125, -4096.5, 9007199254740991.0] {
            assert!(is_exact(x), "{x}");
        }
        for x in [
            0.1,
            0.3,
            1.0 / 3.0,
            1152921504606846976.0,
            1e300,
            f64::INFINITY,
        ] {
            assert!(!is_exact(x), "{x}");
        }
    }

    #[test]
    fn only_operations_that_do_not_round_are_exact() {
        assert!(exact_op(Op::Add, 2.0, 3.0, 5.0));
        assert!(exact_op(Op::Mul, 1.5, 1000.0, 1500.0));
        assert!(exact_op(Op::Div, 3.0, 4.0, 0.75));
        assert!(exact_op(Op::Sub, 10.0, 0.5, 9.5));
        assert!(exact_op(Op::Mod, 7.0, 3.0, 1.0));
        // 0.1 + 0.2: inexact operands (Nomad prints "0.3", we 0.30000000000000004).
        assert!(!exact_op(Op::Add, 0.1, 0.2, 0.1 + 0.2));
        assert!(!exact_op(Op::Div, 1.0, 3.0, 1.0 / 3.0));
        // 2^53 + 1 rounds to 2^53.
        assert!(!exact_op(Op::Add, EXACT_INT - 1.0, 2.0, EXACT_INT + 1.0));
        assert!(!exact_op(
            Op::Mul,
            987654321098765.0,
            1000.0,
            987654321098765.0 * 1000.0
        ));
        assert!(!exact_op(Op::Mod, 7.5, 2.0, 1.5));
    }

    #[test]
    fn format_differs_only_at_a_tie_the_f64_moved() {
        // /tmp/rt4/gonum: Go's %.2f of big.Float 2.675 and 1.005.
        assert!(rounds_a_tie(2.675, 'f', Some(2)));
        assert!(rounds_a_tie(1.005, 'f', Some(2)));
        assert!(rounds_a_tie(0.35, 'f', Some(1)));
        assert!(rounds_a_tie(0.35, 'e', Some(0)));
        // Exact ties are rounded alike (half to even on the same value).
        assert!(!rounds_a_tie(0.125, 'f', Some(2)));
        assert!(!rounds_a_tie(2.5, 'f', Some(0)));
        // No tie, or no digit dropped.
        assert!(!rounds_a_tie(0.1, 'f', None));
        assert!(!rounds_a_tie(2.675, 'f', Some(3)));
        assert!(!rounds_a_tie(2.674, 'f', Some(2)));
        assert!(!rounds_a_tie(0.35, 'g', None));
    }

    /// Go's math/big at 512 bits (big.ParseFloat(s, 10, 512,
    /// ToNearestEven), then Text/%f/%g): 0.35 is a hair below, 2.675 a
    /// hair below, 0.000015 above (Go 1.19: %.1f 0.3, %.2f 2.67, %.3g
    /// 2.67, 0.45 %.1f 0.4, 1.005 %.2f 1.00, 12.345 %.2f 12.34, -0.35
    /// %.1f -0.3, 0.000015 %.5f 0.00002; redteam7 D11).
    #[test]
    fn ties_round_as_the_512_bit_value_lies() {
        assert_eq!(tie_at_512_bits(0.35), Some(0.3));
        assert_eq!(tie_at_512_bits(2.675), Some(2.67));
        assert_eq!(tie_at_512_bits(-0.35), Some(-0.3));
        assert_eq!(tie_at_512_bits(1.005), Some(1.0));
        assert_eq!(tie_at_512_bits(0.45), Some(0.4));
        assert_eq!(tie_at_512_bits(12.345), Some(12.34));
        assert_eq!(tie_at_512_bits(0.000015), Some(0.00002));
        assert_eq!(tie_at_512_bits(1e-40), None);
    }
}
