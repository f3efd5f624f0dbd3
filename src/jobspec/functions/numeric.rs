//! Number functions (cty's stdlib): arithmetic, `range`, `max`/`min`/`sum`,
//! `parseint`.

use super::*;

pub(super) fn call(_env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    match name {
        "range" => {
            let nums: Vec<f64> = a.iter().map(n).collect::<Result<_, _>>()?;
            let (start, end, step) = match nums[..] {
                [e] => (0.0, e, 1.0),
                [s0, e] => (s0, e, if e >= s0 { 1.0 } else { -1.0 }),
                [s0, e, st] => (s0, e, st),
                _ => return Err("range takes 1 to 3 arguments".into()),
            };
            if step == 0.0 {
                return Err("step must not be zero".into());
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                out.push(Value::Number(x));
                x += step;
                if out.len() > 1024 {
                    return Err("more than 1024 values requested".into());
                }
            }
            Ok(Value::List(out))
        }
        "max" | "min" => {
            let nums = a.iter().map(n).collect::<Result<Vec<f64>, String>>()?;
            if nums.is_empty() {
                return Err("at least one number is required".into());
            }
            Ok(Value::Number(if name == "max" {
                nums.iter().cloned().fold(f64::MIN, f64::max)
            } else {
                nums.iter().cloned().fold(f64::MAX, f64::min)
            }))
        }
        "abs" => Ok(Value::Number(n(arg(a, 0)?)?.abs())),
        "ceil" => Ok(Value::Number(n(arg(a, 0)?)?.ceil())),
        "floor" => Ok(Value::Number(n(arg(a, 0)?)?.floor())),
        "signum" => Ok(Value::Number(n(arg(a, 0)?)?.signum())),
        "pow" => Ok(Value::Number(n(arg(a, 0)?)?.powf(n(arg(a, 1)?)?))),
        "log" => Ok(Value::Number(n(arg(a, 0)?)?.log(n(arg(a, 1)?)?))),
        "parseint" => Ok(parseint(&s(arg(a, 0)?)?, n(arg(a, 1)?)?)?),
        _ => Err(Miss::Skip),
    }
}

/// cty's `parseint`: bases 2 to 62 (digits, then a-z, then A-Z; bases up
/// to 36 ignore case), an optional sign, any size (kept as a float here).
fn parseint(text: &str, base: f64) -> Res {
    if base.fract() != 0.0 || !(2.0..=62.0).contains(&base) {
        return Err("base must be a whole number between 2 and 62 inclusive".into());
    }
    let base = base as u32;
    let bad = || {
        format!(
            "cannot parse {} as a base {base} integer",
            serde_json::to_string(text).unwrap_or_default()
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
