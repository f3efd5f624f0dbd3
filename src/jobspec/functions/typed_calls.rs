//! The collection functions whose answer depends on the arguments' cty
//! types, not only their values (redteam7 D4, issue 13): go-cty unifies
//! the types (unify.rs) and converts the values to the result, so
//! `coalesce(1, "x")` is the string "1" and `distinct([1, "1", 1])` is
//! `["1"]` (cty/function/stdlib general.go CoalesceFunc, collection.go
//! CompactFunc, DistinctFunc, ChunklistFunc, LookupFunc, sequence.go
//! ConcatFunc, at go-cty v1.4.1 to v1.16.3, whose answers the tests cite
//! from an oracle built from those releases).
//!
//! Our values do not carry their types: the evaluator says what it knows
//! of each argument's ([`ArgType`]). Where the type is not known and the
//! answer would differ between the types the value may have, the call is
//! "cannot tell", never guessed.

use super::unify::{tuple_element, unify, Unified};
use super::*;
use crate::jobspec::var_convert::{self, Exact, Why};
use crate::version::NomadVersion;

/// What the evaluator knows of an argument's cty type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgType {
    /// Its exact type (a literal, a typed variable, `convert`'s result).
    Known(Exact),
    /// A value with no null and no empty collection in it, whose type is
    /// its structure's up to the kind of each collection (a list or a
    /// tuple, a map or an object, which give the same values here except
    /// where a function asks the kind itself).
    Plain(Exact),
    /// Nothing certain.
    Unknown,
    /// A list, a tuple or a set: which one is not known (eval/set_kind.rs).
    MaybeSet,
}

impl ArgType {
    /// The type when the value alone is all that is known.
    pub fn of_value(v: &Value) -> ArgType {
        if plain(v) {
            ArgType::Plain(Exact::of(v))
        } else {
            ArgType::Unknown
        }
    }

    pub fn ty(&self) -> Option<&Exact> {
        match self {
            ArgType::Known(t) | ArgType::Plain(t) => Some(t),
            ArgType::Unknown | ArgType::MaybeSet => None,
        }
    }
}

/// No null and no empty collection anywhere in it.
fn plain(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::List(l) => !l.is_empty() && l.iter().all(plain),
        Value::Map(m) => !m.is_empty() && m.values().all(plain),
        _ => true,
    }
}

/// The functions answered here.
pub fn handles(name: &str) -> bool {
    matches!(
        name,
        "coalesce"
            | "compact"
            | "distinct"
            | "chunklist"
            | "concat"
            | "lookup"
            | "index"
            | "element"
    )
}

fn cannot_tell(name: &str) -> Miss {
    Miss::CannotTell(format!(
        "cannot tell what {name}() answers here: go-cty converts its arguments to one unified type, and the type of an argument here (one that holds a null or an empty collection), or how this go-cty release unifies it, is not known to nomad-preflight"
    ))
}

fn words(w: Why) -> Miss {
    match w {
        Why::Words(m) => Miss::Fail(m),
        Why::Order(m) => Miss::CannotTell(m),
        Why::CannotTell | Why::Chance(_) => {
            Miss::CannotTell("cannot tell what go-cty says converting this value".to_string())
        }
    }
}

/// `name` over arguments with what is known of their types; None when
/// the function is not one of these.
pub(super) fn call(name: &str, args: &[(Value, ArgType)], cty: NomadVersion) -> Option<Try> {
    Some(match name {
        "coalesce" => coalesce(args, cty),
        "compact" => compact(args),
        "distinct" => {
            as_list(name, args, cty).map(|items| Value::List(super::distinct::distinct(items)))
        }
        "chunklist" => chunklist(args, cty),
        "concat" => concat(args, cty),
        "lookup" => lookup(args, cty),
        // IndexFunc's type check refuses an object (collection.go, go-cty
        // 1.4.1 to 1.16.3); anything else is collections.rs's.
        "element" => return super::collections::element_typed(args),
        "index" => match args.first() {
            Some((_, ArgType::Known(Exact::Object(_)))) => {
                Err("collection must be a list, a map or a tuple".into())
            }
            _ => return None,
        },
        _ => return None,
    })
}

/// CoalesceFunc: the arguments' types unified (`all arguments must have
/// the same type` when they do not), the first non-null argument
/// converted to it. An empty string is not skipped (Terraform's coalesce
/// skips it; go-cty's, Nomad's, does not).
fn coalesce(args: &[(Value, ArgType)], cty: NomadVersion) -> Try {
    if args.is_empty() {
        return Err("all arguments must have the same type".into());
    }
    let Some(types) = args
        .iter()
        .map(|(_, t)| t.ty().cloned())
        .collect::<Option<Vec<_>>>()
    else {
        return Err(cannot_tell("coalesce"));
    };
    // A collection whose kind is not known (a list or a tuple) may
    // unify to either: not judged.
    let kind_unknown = args.iter().any(|(v, t)| {
        matches!(t, ArgType::Plain(_)) && matches!(v, Value::List(_) | Value::Map(_))
    });
    let to = match unify(&types, cty) {
        Unified::To(t) => t,
        Unified::Fails if !kind_unknown => {
            return Err("all arguments must have the same type".into())
        }
        _ => return Err(cannot_tell("coalesce")),
    };
    if kind_unknown && !matches!(to, Exact::String | Exact::Number | Exact::Bool) {
        return Err(cannot_tell("coalesce"));
    }
    let Some((first, _)) = args.iter().find(|(v, _)| !matches!(v, Value::Null)) else {
        return Err("no non-null arguments".into());
    };
    var_convert::convert(first, &to, cty).map_err(words)
}

/// CompactFunc: its parameter is `list(string)` (call.rs has checked
/// that every element converts), so each element becomes a string; nulls
/// and empty strings are dropped.
fn compact(args: &[(Value, ArgType)]) -> Try {
    let items = list(&arg_value(args, 0)?)?;
    let mut out = Vec::with_capacity(items.len());
    for v in items {
        match v {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            Value::String(s) => out.push(Value::String(s)),
            other => out.push(Value::String(s_of(&other)?)),
        }
    }
    Ok(Value::List(out))
}

fn s_of(v: &Value) -> Result<String, Miss> {
    Ok(s(v)?)
}

fn arg_value(args: &[(Value, ArgType)], i: usize) -> Result<Value, Miss> {
    args.get(i)
        .map(|(v, _)| v.clone())
        .ok_or_else(|| Miss::Fail(format!("missing argument {}", i + 1)))
}

/// The first argument converted to `list(dynamic)` (DistinctFunc's and
/// ChunklistFunc's parameter): a list stays as it is, a tuple's elements
/// are unified (conversionTupleToList).
fn as_list(name: &str, args: &[(Value, ArgType)], cty: NomadVersion) -> Result<Vec<Value>, Miss> {
    let (v, t) = args
        .first()
        .ok_or_else(|| Miss::Fail("missing argument 1".into()))?;
    let items = list(v)?;
    let etys = match t.ty() {
        Some(Exact::List(_) | Exact::Set(_)) => return Ok(items),
        Some(Exact::Tuple(e)) => e.clone(),
        Some(_) => return Ok(items),
        None => {
            // Not known: answered only when every type the elements may
            // have gives one answer: as they are, and as their own types
            // unify them.
            let structural: Vec<Exact> = items.iter().map(Exact::of).collect();
            return match unified_items(&items, &structural, cty) {
                Ok(same) if same == items => Ok(items),
                _ => Err(cannot_tell(name)),
            };
        }
    };
    unified_items(&items, &etys, cty)
}

fn unified_items(items: &[Value], etys: &[Exact], cty: NomadVersion) -> Result<Vec<Value>, Miss> {
    match tuple_element(etys, cty) {
        Unified::To(e) => items
            .iter()
            .map(|v| var_convert::convert(v, &e, cty).map_err(words))
            .collect(),
        Unified::Fails => Err(Miss::Arg(
            0,
            "all list elements must have the same type".into(),
        )),
        Unified::CannotTell => Err(Miss::CannotTell(
            "cannot tell how this go-cty release unifies these element types".into(),
        )),
    }
}

/// ChunklistFunc: the list (converted as [`as_list`]) in chunks of
/// `size`; a size of zero is the whole list as one chunk.
fn chunklist(args: &[(Value, ArgType)], cty: NomadVersion) -> Try {
    let l = as_list("chunklist", args, cty)?;
    let size = go_int(&arg_value(args, 1)?).map_err(|e| format!("invalid size: {e}"))?;
    if size < 0 {
        return Err("the size argument must be positive".into());
    }
    if l.is_empty() {
        return Ok(Value::List(Vec::new()));
    }
    if size == 0 {
        return Ok(Value::List(vec![Value::List(l)]));
    }
    Ok(Value::List(
        l.chunks(size as usize)
            .map(|c| Value::List(c.to_vec()))
            .collect(),
    ))
}

/// ConcatFunc: lists all of them (the first one a list) unify to one
/// list type and are converted to it; otherwise (a tuple among them, or
/// lists that do not unify) the elements are joined as they are.
fn concat(args: &[(Value, ArgType)], cty: NomadVersion) -> Try {
    let mut joined = Vec::new();
    for (i, (v, _)) in args.iter().enumerate() {
        match v {
            Value::List(items) => joined.extend(items.iter().cloned()),
            other => {
                return Err(Miss::Arg(
                    i,
                    format!(
                        "all arguments must be lists or tuples; got {}",
                        friendly_name(other)
                    ),
                ))
            }
        }
    }
    if args.is_empty() {
        return Err("at least one argument is required".into());
    }
    let kinds: Vec<Option<bool>> = args
        .iter()
        .map(|(_, t)| match t {
            ArgType::Known(Exact::List(_)) => Some(true),
            ArgType::Known(_) => Some(false),
            _ => None,
        })
        .collect();
    if kinds.iter().all(|k| *k == Some(false)) || kinds.contains(&Some(false)) {
        // A tuple among them: joined as they are.
        return Ok(Value::List(joined));
    }
    // Every argument a list, or of a kind not known: as lists, their
    // element types unify (a plain value's from its elements).
    let mut etys = Vec::new();
    for (v, t) in args {
        match t {
            ArgType::Known(Exact::List(e)) => etys.push(Exact::List(e.clone())),
            _ => {
                let Value::List(items) = v else {
                    return Err(cannot_tell("concat"));
                };
                let tys: Vec<Exact> = items.iter().map(Exact::of).collect();
                match tuple_element(&tys, cty) {
                    Unified::To(e) => etys.push(Exact::List(Box::new(e))),
                    // Not a list's elements: then a tuple, joined as is.
                    Unified::Fails => return Ok(Value::List(joined)),
                    Unified::CannotTell => return Err(cannot_tell("concat")),
                }
            }
        }
    }
    let as_lists = match unify(&etys, cty) {
        Unified::To(Exact::List(e)) => joined
            .iter()
            .map(|v| var_convert::convert(v, &e, cty).map_err(words))
            .collect::<Result<Vec<_>, _>>()?,
        Unified::To(_) | Unified::Fails => joined.clone(),
        Unified::CannotTell => return Err(cannot_tell("concat")),
    };
    if kinds.iter().all(|k| *k == Some(true)) || as_lists == joined {
        Ok(Value::List(as_lists))
    } else {
        Err(cannot_tell("concat"))
    }
}

/// LookupFunc: an object's attribute or the default as it is; a map's
/// element, the default converted to the map's element type (`the
/// default value must have the same type as the map elements` when it
/// does not convert, asked even when the key is there).
fn lookup(args: &[(Value, ArgType)], cty: NomadVersion) -> Try {
    let (coll, t) = args
        .first()
        .ok_or_else(|| Miss::Fail("missing argument 1".into()))?;
    let m = match coll {
        Value::Map(m) => m,
        _ => {
            return Err(Miss::Arg(
                0,
                "lookup() requires a map as the first argument".into(),
            ))
        }
    };
    let k = s(&arg_value(args, 1)?)?;
    let default = args.get(2).map(|(v, _)| v);
    let as_object = || match (m.get(&k), default) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(d)) => Ok(d.clone()),
        (None, None) => Err(Miss::Arg(
            0,
            format!("the given object has no attribute {k:?}"),
        )),
    };
    let as_map = |e: &Exact| -> Try {
        if let Some(d) = default {
            if var_convert::convert(d, e, cty).is_err() {
                return Err(Miss::Arg(
                    2,
                    "the default value must have the same type as the map elements".into(),
                ));
            }
        }
        match (m.get(&k), default) {
            (Some(v), _) => Ok(v.clone()),
            (None, Some(d)) => var_convert::convert(d, e, cty).map_err(words),
            (None, None) => Err(format!("the given key {k:?} does not exist in the map").into()),
        }
    };
    match t {
        ArgType::Known(Exact::Map(e)) => as_map(e),
        ArgType::Known(_) => as_object(),
        _ => {
            // A map or an object: answered where both say the same.
            let object = as_object();
            let tys: Vec<Exact> = m.values().map(Exact::of).collect();
            let map = match tuple_element(&tys, cty) {
                Unified::To(e) => as_map(&e),
                _ => return Err(cannot_tell("lookup")),
            };
            match (&object, &map) {
                (Ok(a), Ok(b)) if a == b => object,
                _ => Err(cannot_tell("lookup")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CTY: NomadVersion = NomadVersion::new(1, 16, 3);

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    fn l(items: Vec<Value>) -> Value {
        Value::List(items)
    }

    /// Literal arguments: their types are their structures'.
    fn lit(args: Vec<Value>) -> Vec<(Value, ArgType)> {
        args.into_iter()
            .map(|v| {
                let t = ArgType::Known(Exact::of(&v));
                (v, t)
            })
            .collect()
    }

    fn run(name: &str, args: Vec<(Value, ArgType)>) -> Result<Value, String> {
        match call(name, &args, CTY) {
            Some(Ok(v)) => Ok(v),
            Some(Err(Miss::Fail(m) | Miss::Arg(_, m))) => Err(m),
            Some(Err(Miss::CannotTell(_))) => Err("cannot tell".into()),
            _ => Err("?".into()),
        }
    }

    /// go-cty's documented examples (the functions' Description and
    /// Terraform's pages for the same stdlib functions), where Nomad's
    /// go-cty answers them: `coalesce` does not skip an empty string.
    #[test]
    fn documentation_examples() {
        assert_eq!(run("coalesce", lit(vec![s("a"), s("b")])), Ok(s("a")));
        assert_eq!(run("coalesce", lit(vec![s(""), s("b")])), Ok(s("")));
        assert_eq!(run("coalesce", lit(vec![n(1.0), n(2.0)])), Ok(n(1.0)));
        assert_eq!(
            run(
                "compact",
                lit(vec![l(vec![s("a"), s(""), s("b"), Value::Null, s("c")])])
            ),
            Ok(l(vec![s("a"), s("b"), s("c")]))
        );
        assert_eq!(
            run(
                "distinct",
                lit(vec![l(vec![
                    s("a"),
                    s("b"),
                    s("a"),
                    s("c"),
                    s("d"),
                    s("b")
                ])])
            ),
            Ok(l(vec![s("a"), s("b"), s("c"), s("d")]))
        );
        assert_eq!(
            run(
                "chunklist",
                lit(vec![
                    l(vec![s("a"), s("b"), s("c"), s("d"), s("e")]),
                    n(2.0)
                ])
            ),
            Ok(l(vec![
                l(vec![s("a"), s("b")]),
                l(vec![s("c"), s("d")]),
                l(vec![s("e")])
            ]))
        );
        assert_eq!(
            run(
                "concat",
                lit(vec![l(vec![s("a"), s("")]), l(vec![s("b"), s("c")])])
            ),
            Ok(l(vec![s("a"), s(""), s("b"), s("c")]))
        );
    }

    /// The oracle's answers (go-cty 1.4.1 to 1.16.3 alike).
    #[test]
    fn mixed_types_unify() {
        assert_eq!(run("coalesce", lit(vec![n(1.0), s("x")])), Ok(s("1")));
        assert_eq!(
            run("coalesce", lit(vec![Value::Bool(true), s("x")])),
            Ok(s("true"))
        );
        assert_eq!(
            run("coalesce", lit(vec![n(1.0), Value::Bool(true)])),
            Err("all arguments must have the same type".into())
        );
        assert_eq!(
            run("compact", lit(vec![l(vec![s("a"), n(1.0)])])),
            Ok(l(vec![s("a"), s("1")]))
        );
        assert_eq!(
            run("distinct", lit(vec![l(vec![n(1.0), s("1"), n(1.0)])])),
            Ok(l(vec![s("1")]))
        );
        assert_eq!(
            run("distinct", lit(vec![l(vec![n(1.0), Value::Bool(true)])])),
            Err("all list elements must have the same type".into())
        );
        assert_eq!(
            run("chunklist", lit(vec![l(vec![n(1.0), s("a")]), n(1.0)])),
            Ok(l(vec![l(vec![s("1")]), l(vec![s("a")])]))
        );
        // Two lists unify; a tuple among them is joined as it is.
        let ls = ArgType::Known(Exact::List(Box::new(Exact::String)));
        let ln = ArgType::Known(Exact::List(Box::new(Exact::Number)));
        assert_eq!(
            run(
                "concat",
                vec![(l(vec![s("a")]), ls.clone()), (l(vec![n(1.0)]), ln)]
            ),
            Ok(l(vec![s("a"), s("1")]))
        );
        assert_eq!(
            run(
                "concat",
                vec![
                    (l(vec![s("a")]), ls),
                    (l(vec![n(1.0)]), lit(vec![l(vec![n(1.0)])])[0].1.clone())
                ]
            ),
            Ok(l(vec![s("a"), n(1.0)]))
        );
    }

    #[test]
    fn lookup_converts_a_maps_default() {
        let ms = ArgType::Known(Exact::Map(Box::new(Exact::String)));
        let m = Value::Map([("a".to_string(), s("x"))].into());
        assert_eq!(
            run(
                "lookup",
                vec![
                    (m.clone(), ms.clone()),
                    (s("b"), ArgType::Known(Exact::String)),
                    (n(5.0), ArgType::Known(Exact::Number))
                ]
            ),
            Ok(s("5"))
        );
        let mn = ArgType::Known(Exact::Map(Box::new(Exact::Number)));
        let m1 = Value::Map([("a".to_string(), n(1.0))].into());
        assert_eq!(
            run(
                "lookup",
                vec![
                    (m1.clone(), mn),
                    (s("b"), ArgType::Known(Exact::String)),
                    (s("z"), ArgType::Known(Exact::String))
                ]
            ),
            Err("the default value must have the same type as the map elements".into())
        );
        // An object literal: the default as it is.
        assert_eq!(
            run("lookup", lit(vec![m1.clone(), s("b"), s("z")])),
            Ok(s("z"))
        );
        // A map or an object, not known: the answers differ.
        assert_eq!(
            run(
                "lookup",
                vec![
                    (m1.clone(), ArgType::of_value(&m1)),
                    (s("b"), ArgType::Known(Exact::String)),
                    (s("z"), ArgType::Known(Exact::String))
                ]
            ),
            Err("cannot tell".into())
        );
        // ... or agree.
        assert_eq!(
            run(
                "lookup",
                vec![
                    (m.clone(), ArgType::of_value(&m)),
                    (s("b"), ArgType::Known(Exact::String)),
                    (s("z"), ArgType::Known(Exact::String))
                ]
            ),
            Ok(s("z"))
        );
    }

    /// A value whose type is not known is answered only where every type
    /// it may have gives one answer.
    #[test]
    fn unknown_types_are_not_guessed() {
        let v = l(vec![l(vec![]), n(1.0)]);
        assert_eq!(
            run(
                "coalesce",
                vec![
                    (v.clone(), ArgType::of_value(&v)),
                    (s("x"), ArgType::Known(Exact::String))
                ]
            ),
            Err("cannot tell".into())
        );
        let v = l(vec![Value::Null, s("a")]);
        assert_eq!(
            run("distinct", vec![(v.clone(), ArgType::of_value(&v))]),
            Ok(v.clone())
        );
    }
}
