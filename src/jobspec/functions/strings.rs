//! String functions (cty's stdlib): case, trimming, splitting, joining,
//! `format`, `indent`, `replace`, `strlen`.

use super::*;

pub(super) fn call(env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    match name {
        "upper" => Ok(Value::String(s(arg(a, 0)?)?.to_uppercase())),
        "lower" => Ok(Value::String(s(arg(a, 0)?)?.to_lowercase())),
        "title" => Ok(Value::String(title(&s(arg(a, 0)?)?))),
        "trimspace" => Ok(Value::String(s(arg(a, 0)?)?.trim().to_string())),
        "chomp" => Ok(Value::String(
            s(arg(a, 0)?)?.trim_end_matches(['\n', '\r']).to_string(),
        )),
        "strrev" => Ok(Value::String(s(arg(a, 0)?)?.chars().rev().collect())),
        "trim" => {
            let cut = s(arg(a, 1)?)?;
            Ok(Value::String(
                s(arg(a, 0)?)?.trim_matches(|c| cut.contains(c)).to_string(),
            ))
        }
        "trimprefix" => {
            let (x, p) = (s(arg(a, 0)?)?, s(arg(a, 1)?)?);
            Ok(Value::String(
                x.strip_prefix(p.as_str()).unwrap_or(&x).to_string(),
            ))
        }
        "trimsuffix" => {
            let (x, p) = (s(arg(a, 0)?)?, s(arg(a, 1)?)?);
            Ok(Value::String(
                x.strip_suffix(p.as_str()).unwrap_or(&x).to_string(),
            ))
        }
        "indent" => Ok(indent(n(arg(a, 0)?)?, &s(arg(a, 1)?)?)?),
        // cty's ReplaceFunc is `strings.Replace(str, substr, replace, -1)`
        // at every go-cty Nomad pins: a `/.../` substring is literal text
        // (the regex form is Terraform's own `replace`).
        "replace" => {
            let (x, from, to) = (s(arg(a, 0)?)?, s(arg(a, 1)?)?, s(arg(a, 2)?)?);
            Ok(Value::String(x.replace(&from, &to)))
        }
        "substr" => {
            let x = s(arg(a, 0)?)?;
            let off = n(arg(a, 1)?)? as i64;
            let len = n(arg(a, 2)?)? as i64;
            let chars: Vec<char> = x.chars().collect();
            let start = if off < 0 {
                chars.len() as i64 + off
            } else {
                off
            }
            .clamp(0, chars.len() as i64) as usize;
            let end = if len < 0 {
                chars.len()
            } else {
                (start + len as usize).min(chars.len())
            };
            Ok(Value::String(chars[start..end].iter().collect()))
        }
        "split" => {
            let (sep, x) = (s(arg(a, 0)?)?, s(arg(a, 1)?)?);
            Ok(Value::List(
                x.split(sep.as_str())
                    .map(|p| Value::String(p.to_string()))
                    .collect(),
            ))
        }
        "join" => {
            let sep = s(arg(a, 0)?)?;
            let lists = &a[1..];
            if lists.is_empty() {
                return Err("at least one list is required".into());
            }
            let mut parts = Vec::new();
            for (li, l) in lists.iter().enumerate() {
                for (ei, v) in list(l)?.iter().enumerate() {
                    // cty's ArgError names the element (and the list, when
                    // there are several).
                    if matches!(v, Value::Null) {
                        let which = if lists.len() > 1 {
                            format!("element {ei} of list {}", li + 1)
                        } else {
                            format!("element {ei}")
                        };
                        return Err(Miss::Arg(
                            li + 1,
                            format!("{which} is null; cannot concatenate null values"),
                        ));
                    }
                    parts.push(s(v)?);
                }
            }
            Ok(Value::String(parts.join(&sep)))
        }
        "format" => Ok(format(env, a).map(Value::String)?),
        "formatlist" => {
            let len = a[1..]
                .iter()
                .filter_map(|v| match v {
                    Value::List(l) => Some(l.len()),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            let mut out = Vec::new();
            for i in 0..len {
                let row: Vec<Value> = a
                    .iter()
                    .enumerate()
                    .map(|(j, v)| match v {
                        Value::List(l) if j > 0 => l.get(i).cloned().unwrap_or(Value::Null),
                        other => other.clone(),
                    })
                    .collect();
                out.push(Value::String(format(env, &row)?));
            }
            Ok(Value::List(out))
        }
        "strlen" => Ok(Value::Number(s(arg(a, 0)?)?.chars().count() as f64)),
        _ => Err(Miss::Skip),
    }
}

/// cty's `indent`: Go's `strings.Repeat` panics on a negative count (go-cty
/// reports the panic with a stack trace, which no one can word in
/// advance) and a huge one is a huge allocation; both are refused, in our
/// words.
fn indent(spaces: f64, text: &str) -> Res {
    if spaces.fract() != 0.0 {
        return Err("value must be a whole number".into());
    }
    if spaces < 0.0 {
        return Err("cannot tell Nomad's words for a negative number of spaces: Go's strings.Repeat panics, and go-cty reports the panic with its stack trace".into());
    }
    let lines = text.matches('\n').count();
    let total = (spaces as usize)
        .checked_mul(lines)
        .and_then(|p| p.checked_add(text.len()))
        .filter(|t| *t <= crate::jobspec::format::MAX_RESULT_BYTES);
    if total.is_none() {
        return Err(format!(
            "the indented string would be longer than {} MiB",
            crate::jobspec::format::MAX_RESULT_BYTES >> 20
        ));
    }
    let pad = " ".repeat(if lines == 0 { 0 } else { spaces as usize });
    Ok(Value::String(text.replace('\n', &format!("\n{pad}"))))
}

fn title(x: &str) -> String {
    let mut out = String::new();
    let mut start = true;
    for c in x.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    out
}

fn format(env: &FnEnv<'_>, a: &[Value]) -> Result<String, String> {
    let cty = super::params::cty_release(env.version);
    crate::jobspec::format::format_as(&s(arg(a, 0)?)?, &a[1..], cty)
}
