//! String functions (cty's stdlib): case, trimming, splitting, joining,
//! `format`, `indent`, `replace`, `strlen`.

use super::go_case::{self, Case};
use super::graphemes;
use super::*;

pub(super) fn call(env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    match name {
        // Go's simple case mapping, not Rust's full one (go_case.rs).
        "upper" | "lower" => {
            let case = if name == "upper" {
                Case::Upper
            } else {
                Case::Lower
            };
            go_case::map(name, &s(arg(a, 0)?)?, case, env.version)
                .map(Value::String)
                .map_err(unsure)
        }
        "title" => go_case::title(&s(arg(a, 0)?)?, env.version)
            .map(Value::String)
            .map_err(unsure),
        "trimspace" => Ok(Value::String(s(arg(a, 0)?)?.trim().to_string())),
        "chomp" => Ok(Value::String(
            s(arg(a, 0)?)?.trim_end_matches(['\n', '\r']).to_string(),
        )),
        // Nomad's table maps both names to stdlib.ReverseFunc, which
        // reverses a string's grapheme clusters (jobspec2/functions.go;
        // go-cty's list reversal is ReverseListFunc, not in the table).
        "strrev" | "reverse" => {
            let x = s(arg(a, 0)?)?;
            let parts = graphemes::clusters(name, &x, env.version).map_err(unsure)?;
            Ok(Value::String(parts.into_iter().rev().collect()))
        }
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
            // The result's size is known before it is built: charged first.
            let hits = if from.is_empty() {
                x.chars().count() + 1
            } else {
                x.matches(from.as_str()).count()
            };
            let size = hits
                .checked_mul(to.len())
                .and_then(|t| t.checked_add(x.len() - hits * from.len()));
            crate::jobspec::budget::charge_text(size.unwrap_or(usize::MAX))?;
            Ok(Value::String(x.replace(&from, &to)))
        }
        // gocty's int conversion of each number, then clusters.
        "substr" => {
            let x = s(arg(a, 0)?)?;
            let offset = go_int(arg(a, 1)?)?;
            let length = go_int(arg(a, 2)?)?;
            let parts = graphemes::clusters(name, &x, env.version).map_err(unsure)?;
            Ok(Value::String(graphemes::substr(&parts, offset, length)))
        }
        // Go's strings.Split: an empty separator splits into characters
        // (runes), none for an empty string, which cty makes an empty
        // list (string.go SplitFunc: `len(elems) == 0`).
        "split" => {
            let (sep, x) = (s(arg(a, 0)?)?, s(arg(a, 1)?)?);
            let parts: Vec<Value> = if sep.is_empty() {
                x.chars().map(|c| Value::String(c.to_string())).collect()
            } else {
                x.split(sep.as_str())
                    .map(|p| Value::String(p.to_string()))
                    .collect()
            };
            Ok(Value::List(parts))
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
            // The joined size is known before it is built: charged first.
            let size = parts
                .iter()
                .map(String::len)
                .fold(0usize, usize::saturating_add);
            let seps = sep.len().saturating_mul(parts.len().saturating_sub(1));
            crate::jobspec::budget::charge_text(size.saturating_add(seps))?;
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
                // Each string is charged as it is built, so a list of many
                // large ones stops at the budget, not after (redteam9 R9-9).
                let text = format(env, &row)?;
                crate::jobspec::budget::charge_text(text.len())?;
                out.push(Value::String(text));
            }
            Ok(Value::List(out))
        }
        // Grapheme clusters, not characters (StrlenFunc).
        "strlen" => {
            let x = s(arg(a, 0)?)?;
            let n = graphemes::count(name, &x, env.version).map_err(unsure)?;
            Ok(Value::Number(n as f64))
        }
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

/// A "cannot tell" of go_case or graphemes as the call's.
fn unsure(msg: String) -> Miss {
    Miss::CannotTell(msg)
}

fn format(env: &FnEnv<'_>, a: &[Value]) -> Result<String, String> {
    let cty = super::params::cty_release(env.version);
    crate::jobspec::format::format_as(&s(arg(a, 0)?)?, &a[1..], cty)
}
