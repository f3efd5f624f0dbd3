//! Collection functions (cty's stdlib): lists, maps and sets.

use super::typed_calls::ArgType;
use super::*;
use crate::jobspec::var_convert::Exact;

pub(super) fn call(env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    match name {
        "flatten" => {
            fn flat(v: &Value, out: &mut Vec<Value>) {
                match v {
                    Value::List(l) => l.iter().for_each(|x| flat(x, out)),
                    other => out.push(other.clone()),
                }
            }
            let mut out = Vec::new();
            flat(arg(a, 0)?, &mut out);
            Ok(Value::List(out))
        }
        // cty's LengthFunc takes collections only: a string is an error
        // (Terraform's `length` counts characters; Nomad's does not). An
        // object literal is one too, but our values do not tell an object
        // from a map, so a map's length is answered.
        "length" => Ok(Value::Number(match arg(a, 0)? {
            Value::List(l) => l.len(),
            Value::Map(m) => m.len(),
            _ => return Err("collection must be a list, a map or a tuple".into()),
        } as f64)),
        "keys" => match arg(a, 0)? {
            Value::Map(m) => Ok(Value::List(m.keys().cloned().map(Value::String).collect())),
            _ => Err(Miss::Arg(0, "must have map or object type".into())),
        },
        "values" => match arg(a, 0)? {
            Value::Map(m) => Ok(Value::List(m.values().cloned().collect())),
            _ => Err("values() requires a map as the first argument".into()),
        },
        "merge" => {
            // go-cty before 1.7.1 (commit 36dc714; Nomad 1.0.0-1.0.5 pin
            // 1.4.1) returns null when no argument is a non-null map,
            // merge() too (stdlib/collection.go MergeFunc's allNull);
            // later releases an empty object.
            let all_null = a.iter().all(|m| matches!(m, Value::Null));
            if all_null && !super::params::cty_release(env.version).at_least(1, 7, 1) {
                return Ok(Value::Null);
            }
            let mut out = BTreeMap::new();
            for m in a {
                if !matches!(m, Value::Null) {
                    out.extend(map(m)?);
                }
            }
            Ok(Value::Map(out))
        }
        "contains" => Ok(Value::Bool(list(arg(a, 0)?)?.contains(arg(a, 1)?))),
        "element" => {
            let l = list(arg(a, 0)?)?;
            let cty = super::params::cty_release(env.version);
            let i = go_int(arg(a, 1)?).map_err(|e| format!("invalid index: {e}"))?;
            // go-cty before 1.6.0 (Nomad 1.0.0 to 1.0.5) takes Go's
            // remainder, negative for a negative index that is not a
            // multiple of the length, and then panics reading it; 1.6.0 to
            // 1.14 refuse a negative index first; 1.15.0 and 1.16.0-1.16.1
            // wrap it for a list but index a tuple with it (a panic in Go):
            // lists and tuples are one here, so that is not judged; 1.16.2
            // on wraps both.
            if i < 0 && !cty.at_least(1, 6, 0) {
                if l.is_empty() {
                    return Err("cannot use element function with an empty list".into());
                }
                return match l.first().filter(|_| i % l.len() as i64 == 0) {
                    Some(first) => Ok(first.clone()),
                    None => Err(format!(
                        "cannot tell what go-cty {}.{}.{} makes of element() with this negative index: it panics (\"panic in function implementation\" and a stack trace)",
                        cty.major, cty.minor, cty.patch
                    )
                    .into()),
                };
            }
            if i < 0 && !cty.at_least(1, 15, 0) {
                return Err("cannot use element function with a negative index".into());
            }
            if l.is_empty() {
                return Err("cannot use element function with an empty list".into());
            }
            if i < 0 && !cty.at_least(1, 16, 2) {
                return Err(format!(
                    "cannot tell what go-cty {}.{}.{} makes of element() with a negative index: it wraps a list's but panics on a tuple's",
                    cty.major, cty.minor, cty.patch
                )
                .into());
            }
            let len = l.len() as i64;
            Ok(l[(i % len + len) as usize % l.len()].clone())
        }
        "index" => index(arg(a, 0)?, arg(a, 1)?),
        // A set: its elements once, in go-cty's order (sets.rs as_set).
        "toset" => sets::as_set(list(arg(a, 0)?)?)
            .map(Value::List)
            .map_err(Miss::CannotTell),
        "coalescelist" if a.is_empty() => Err("at least one argument is required".into()),
        "coalescelist" => a
            .iter()
            .find(|v| matches!(v, Value::List(l) if !l.is_empty()))
            .cloned()
            .ok_or_else(|| "no non-null arguments".into()),
        "slice" => {
            // cty's sliceIndexes, in its order, each at its argument.
            let l = list(arg(a, 0)?)?;
            let bad = |i: usize, e: &str| Miss::Arg(i, e.to_string());
            let from =
                go_int(arg(a, 1)?).map_err(|e| bad(1, &format!("invalid start index: {e}")))?;
            if from < 0 {
                return Err(bad(1, "start index must not be less than zero"));
            }
            if from as usize > l.len() {
                return Err(bad(
                    1,
                    "start index must not be greater than the length of the list",
                ));
            }
            let to = go_int(arg(a, 2)?).map_err(|e| bad(2, &format!("invalid end index: {e}")))?;
            if to < 0 {
                return Err(bad(2, "end index must not be less than zero"));
            }
            if to as usize > l.len() {
                return Err(bad(
                    2,
                    "end index must not be greater than the length of the list",
                ));
            }
            if from > to {
                return Err(bad(1, "start index must not be greater than end index"));
            }
            Ok(Value::List(l[from as usize..to as usize].to_vec()))
        }
        "sort" => {
            let mut l: Vec<String> = list(arg(a, 0)?)?.iter().map(s).collect::<Result<_, _>>()?;
            l.sort();
            Ok(Value::List(l.into_iter().map(Value::String).collect()))
        }
        "zipmap" => {
            let (k, v) = (list(arg(a, 0)?)?, list(arg(a, 1)?)?);
            if k.len() != v.len() {
                return Err(format!(
                    "number of keys ({}) does not match number of values ({})",
                    k.len(),
                    v.len()
                )
                .into());
            }
            let mut out = BTreeMap::new();
            for (k, v) in k.iter().zip(v) {
                out.insert(s(k)?, v);
            }
            Ok(Value::Map(out))
        }
        _ => Err(Miss::Skip),
    }
}

/// cty's `index(collection, key)`: the element at `key` (hcl's `[]`, as a
/// function; not Terraform's search). A tuple and a list, or an object and
/// a map, are one value here, and cty answers them differently: where the
/// two would differ, the call is not judged.
fn index(coll: &Value, key: &Value) -> Try {
    let unsure = |what: &str| -> Try {
        Err(format!("cannot tell what index() makes of this {what}: go-cty answers a list and a tuple (or a map and an object) differently, and nomad-preflight does not tell them apart").into())
    };
    match coll {
        Value::List(l) => {
            let Value::Number(_) = key else {
                return unsure("key");
            };
            match go_int(key) {
                Ok(i) if i >= 0 && (i as usize) < l.len() => Ok(l[i as usize].clone()),
                _ => unsure("index"),
            }
        }
        Value::Map(_) => unsure("collection"),
        _ => Err("collection must be a list, a map or a tuple".into()),
    }
}

/// ElementFunc (typed_calls.rs asks): its Type reads a list or a tuple and refuses anything else
/// as "cannot read elements from" its FriendlyName (stdlib collection.go,
/// the same at go-cty 1.4.1 to 1.18.1): a set (`fileset`, `setunion`, a
/// variable of a set type), a map or an object. None: the collection is
/// a list or a tuple, which collections.rs answers.
pub(super) fn element_typed(args: &[(Value, ArgType)]) -> Option<Try> {
    let (v, t) = args.first()?;
    match (v, t) {
        (_, ArgType::Known(t @ (Exact::Set(_) | Exact::Map(_) | Exact::Object(_)))) => {
            Some(Err(Miss::Fail(format!("cannot read elements from {}", t.name()))))
        }
        // A map or an object, or a list that may be a set: which one
        // names the refusal, or decides whether there is one.
        (Value::Map(_), ArgType::Plain(_) | ArgType::Unknown) | (_, ArgType::MaybeSet) => {
            Some(Err(Miss::CannotTell(
                "cannot tell what element() answers here: go-cty reads a list or a tuple and refuses a set, a map or an object in words naming its type (\"cannot read elements from set of string\"), and this value's type is not known to nomad-preflight".to_string(),
            )))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{call, FnEnv};
    use super::*;

    /// cty's LengthFunc takes collections only (Terraform's counts a
    /// string's characters).
    #[test]
    fn length_takes_collections_only() {
        let env = FnEnv::default();
        assert_eq!(
            call(&env, "length", vec![Value::String("abc".into())]),
            Err("collection must be a list, a map or a tuple".into())
        );
        assert_eq!(
            call(&env, "length", vec![Value::List(vec![Value::Null])]),
            Ok(Value::Number(1.0))
        );
    }

    /// merge of nulls only: null before go-cty 1.7.1, `{}` from it (the
    /// rt14a oracle's go-cty v1.4.1 prints cty.NullVal for merge(null, null)).
    #[test]
    fn merge_of_nulls_follows_each_cty_release() {
        let at = |v: (u32, u32, u32), args: Vec<Value>| {
            let env = FnEnv {
                version: crate::version::NomadVersion::new(v.0, v.1, v.2),
                ..FnEnv::default()
            };
            call(&env, "merge", args)
        };
        let empty = Ok(Value::Map(BTreeMap::new()));
        assert_eq!(
            at((1, 0, 5), vec![Value::Null, Value::Null]),
            Ok(Value::Null)
        );
        assert_eq!(at((1, 0, 5), vec![]), Ok(Value::Null));
        assert_eq!(at((1, 0, 6), vec![Value::Null, Value::Null]), empty);
        assert_eq!(at((1, 0, 6), vec![]), empty);
        let one = BTreeMap::from([("a".to_string(), Value::String("x".into()))]);
        assert_eq!(
            at((1, 0, 5), vec![Value::Null, Value::Map(one.clone())]),
            Ok(Value::Map(one))
        );
    }
}
