//! Number functions (cty's stdlib): arithmetic, `range`, `max`/`min`/`sum`,
//! `parseint`.

use super::*;
use crate::jobspec::cty_number;

pub(super) fn call(env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    let untold = |what: &str| -> Miss { cty_number::reason(env.version, what).into() };
    match name {
        "range" => {
            let nums: Vec<f64> = a.iter().map(n).collect::<Result<_, _>>()?;
            // cty's RangeFunc: the step's sign follows the bounds when it
            // is not given; a given step must lead from start to end.
            let (start, end, step) = match nums[..] {
                [e] => (0.0, e, if e < 0.0 { -1.0 } else { 1.0 }),
                [s0, e] => (s0, e, if e < s0 { -1.0 } else { 1.0 }),
                [s0, e, st] => (s0, e, st),
                _ => return Err("must have one, two, or three arguments".into()),
            };
            // go-cty adds the step to a big.Float: followed where exact.
            if !nums.iter().all(|&x| cty_number::is_exact(x)) {
                return Err(untold("this range()"));
            }
            // cty compares the step with `cty.Zero` by Go's `==` (the same
            // *big.Float, never a literal's), so a zero step counts as
            // positive and runs into the 1024-value limit.
            if step < 0.0 && end > start {
                return Err(Miss::Arg(
                    1,
                    "end must be less than start when step is negative".into(),
                ));
            }
            if step >= 0.0 && end < start {
                return Err(Miss::Arg(
                    1,
                    "end must be greater than start when step is positive".into(),
                ));
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step >= 0.0 && x < end) || (step < 0.0 && x > end) {
                if out.len() == 1024 {
                    return Err("more than 1024 values were generated; either decrease the difference between start and end or use a smaller step".into());
                }
                out.push(Value::Number(x));
                let next = x + step;
                if !cty_number::exact_op(cty_number::Op::Add, x, step, next) {
                    return Err(untold("this range()"));
                }
                x = next;
            }
            Ok(Value::List(out))
        }
        "max" | "min" => {
            let nums = a.iter().map(n).collect::<Result<Vec<f64>, String>>()?;
            if nums.is_empty() {
                // go-cty's own words (stdlib/number.go).
                return Err("must pass at least one number".into());
            }
            // MaxFunc/MinFunc keep the first of equal numbers (a strict
            // GreaterThan/LessThan from -Inf/+Inf): max(-0, 0) is -0.
            let mut best = if name == "max" {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
            for x in nums {
                if (name == "max" && x > best) || (name == "min" && x < best) {
                    best = x;
                }
            }
            Ok(Value::Number(best))
        }
        "abs" => Ok(Value::Number(n(arg(a, 0)?)?.abs())),
        // CeilFunc/FloorFunc go through an integer (big.Float.Int, then
        // SetInt at go-cty 1.8+; NumberIntVal(int64(math.Ceil)) before):
        // the result is never a negative zero, as ceil(-0.5) is in f64.
        "ceil" | "floor" => {
            let x = n(arg(a, 0)?)?;
            let r = if name == "ceil" { x.ceil() } else { x.floor() };
            // Before go-cty 1.9.0 the result goes through int64(r), whose
            // value past the int64 range Go leaves to the CPU; infinities
            // are returned before it (cty_number::int64_reason).
            let fits = (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&r);
            if r.is_finite() && !fits && !super::params::cty_release(env.version).at_least(1, 9, 0)
            {
                return Err(
                    cty_number::int64_reason(env.version, &format!("this {name}()")).into(),
                );
            }
            Ok(Value::Number(r + 0.0))
        }
        // SignumFunc reads its argument as a Go int first (gocty): a
        // fraction is an error, and 0 (of either sign) is 0. Rust's
        // signum(0.0) is 1.
        "signum" => {
            let x = go_int(arg(a, 0)?)?;
            Ok(Value::Number(x.signum() as f64))
        }
        // go-cty's PowFunc and LogFunc compute in Go's math (Pow, Log),
        // whose last bit may differ from Rust's: followed only where the
        // power is exact (an integer exponent, every product exact).
        "pow" => {
            let (x, y) = (n(arg(a, 0)?)?, n(arg(a, 1)?)?);
            exact_pow(x, y)
                .map(Value::Number)
                .ok_or_else(|| untold("this pow()"))
        }
        "log" => Err(untold("this log()")),
        // go-cty's parseint keeps any size (a big.Int).
        "parseint" => match parseint(&s(arg(a, 0)?)?, n(arg(a, 1)?)?)? {
            Value::Number(x) if !cty_number::is_exact_int(x) => Err(untold("this parseint()")),
            v => Ok(v),
        },
        _ => Err(Miss::Skip),
    }
}

/// `x^y` where every step is exact (an integer exponent up to 64, each
/// product and the reciprocal exact): Go's math.Pow multiplies for an
/// integer exponent, and an exact result is the same in any arithmetic.
fn exact_pow(x: f64, y: f64) -> Option<f64> {
    if !cty_number::is_exact(x) || y.fract() != 0.0 || y.abs() > 64.0 {
        return None;
    }
    let mut p = 1.0_f64;
    for _ in 0..(y.abs() as u32) {
        let next = p * x;
        if !cty_number::exact_op(cty_number::Op::Mul, p, x, next) {
            return None;
        }
        p = next;
    }
    if y < 0.0 {
        let r = 1.0 / p;
        return cty_number::exact_op(cty_number::Op::Div, 1.0, p, r).then_some(r);
    }
    Some(p)
}

/// cty's `parseint`: bases 2 to 62 (digits, then a-z, then A-Z; bases up
/// to 36 ignore case), an optional sign, any size (kept as a float here).
/// Its errors are cty's ArgErrors: the base's (argument 1), the text's
/// (argument 0).
fn parseint(text: &str, base: f64) -> Try {
    if base.fract() != 0.0 || !(2.0..=62.0).contains(&base) {
        return Err(Miss::Arg(
            1,
            "base must be a whole number between 2 and 62 inclusive".into(),
        ));
    }
    let base = base as u32;
    let bad = || {
        Miss::Arg(
            0,
            format!(
                "cannot parse {} as a base {base} integer",
                crate::gotext::go_quote(text)
            ),
        )
    };
    let (neg, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return Err(bad());
    }
    let mut acc = 0f64;
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            _ => return Err(bad()),
        };
        if d >= base {
            return Err(bad());
        }
        acc = acc * f64::from(base) + f64::from(d);
    }
    Ok(Value::Number(if neg { -acc } else { acc }))
}

#[cfg(test)]
mod tests {
    use super::super::{call_detailed, CallError, FnEnv};
    use super::*;

    fn num(x: f64) -> Value {
        Value::Number(x)
    }

    /// cty's RangeFunc counts down from zero for a negative bound and
    /// refuses a step leading away from the end (an ArgError at the end).
    #[test]
    fn range_as_cty_has_it() {
        let env = FnEnv::default();
        assert_eq!(
            call_detailed(&env, "range", vec![num(-3.0)]),
            Ok(Value::List(vec![num(0.0), num(-1.0), num(-2.0)]))
        );
        assert_eq!(
            call_detailed(&env, "range", vec![num(5.0), num(0.0), num(1.0)]),
            Err(CallError::Arg(
                1,
                "end must be greater than start when step is positive".into()
            ))
        );
        assert_eq!(
            call_detailed(
                &env,
                "parseint",
                vec![Value::String("zz".into()), num(10.0)]
            ),
            Err(CallError::Arg(
                0,
                "cannot parse \"zz\" as a base 10 integer".into()
            ))
        );
    }

    /// floor/ceil past the int64 range: go-cty before 1.9.0 converts
    /// through int64 (machine-dependent), from 1.9.0 through big.Float.
    #[test]
    fn floor_and_ceil_past_int64_follow_each_cty_release() {
        use crate::version::NomadVersion;
        let at = |v: NomadVersion, f: &str, x: f64| {
            let env = FnEnv {
                version: v,
                ..FnEnv::default()
            };
            call_detailed(&env, f, vec![num(x)])
        };
        let (old, new) = (NomadVersion::new(1, 3, 9), NomadVersion::new(1, 3, 10));
        for f in ["floor", "ceil"] {
            for x in [1e19, -1e19, 9_223_372_036_854_775_808.0] {
                assert!(
                    matches!(at(old, f, x), Err(CallError::CannotTell(m) | CallError::Failed(m))
                        if cty_number::is_reason(&m)),
                    "{f}({x})"
                );
                assert_eq!(at(new, f, x), Ok(num(x)));
            }
            // In range, and the smallest int64 itself: the same answer.
            for v in [old, new, NomadVersion::new(1, 0, 0)] {
                assert_eq!(
                    at(v, f, -9_223_372_036_854_775_808.0),
                    Ok(num(-9_223_372_036_854_775_808.0))
                );
                assert_eq!(at(v, f, 1e18), Ok(num(1e18)));
                assert_eq!(at(v, f, f64::INFINITY), Ok(num(f64::INFINITY)));
            }
        }
        assert_eq!(at(old, "floor", -1.5), Ok(num(-2.0)));
        assert_eq!(at(old, "ceil", -0.5), Ok(num(0.0)));
    }
}
