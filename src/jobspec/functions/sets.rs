//! cty's set functions (`setunion`, `setintersection`, `setproduct`):
//! the elements of a set, in the order go-cty iterates them.
//!
//! A cty set has no insertion order. `Set.Values()` (cty/set/ops.go at
//! go-cty v1.4.1, v1.8.0, v1.12.1, v1.18.1 and v1.19.0) sorts its elements with
//! `setRules.Less` (cty/set_internals.go, the same at those tags): nulls
//! last, strings by their bytes (Go's `<` on strings), numbers by value,
//! `false` before `true`; elements of any other type are ordered by their
//! hash text, which go-cty calls "consistent-but-undefined" and which we
//! do not reproduce. Whatever turns the set into a list (an attribute of
//! list type such as `args`, `jsonencode`, a `for` expression) iterates in
//! that order, so `setunion(["b"], ["a"])` and `setunion(["a"], ["b"])`
//! are the same value, `["a", "b"]`.
//!
//! Before the operation, setOperationReturnType (cty/function/stdlib/
//! set.go) unifies the arguments' element types with
//! `convert.UnifyUnsafe`: a string among numbers or bools makes them all
//! strings; numbers and bools with no string have no common type.

use super::*;
use crate::jobspec::budget;
use std::cmp::Ordering;

pub(super) fn call(_env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    match name {
        "setunion" => {
            let sets = unified(a)?;
            let mut out: Vec<Value> = Vec::new();
            for set in &sets {
                for v in set {
                    if !out.contains(v) {
                        out.push(v.clone());
                    }
                }
            }
            sorted(out)
        }
        "setintersection" => {
            let sets = unified(a)?;
            let Some((first, rest)) = sets.split_first() else {
                return Err("missing argument 1".into());
            };
            let mut out: Vec<Value> = Vec::new();
            for v in first {
                if !out.contains(v) && rest.iter().all(|o| o.contains(v)) {
                    out.push(v.clone());
                }
            }
            sorted(out)
        }
        "setproduct" => Ok(setproduct(a)?),
        _ => Err(Miss::Skip),
    }
}

/// A set's elements as go-cty holds them: equal values once, in the
/// order `Set.Values()` iterates them (setRules.Less, cty/set_internals.go
/// at go-cty v1.4.1 to v1.19.0). The one model of a set here: a
/// `set(...)` variable, `convert(x, set(...))`, `toset` and the set
/// functions all produce it, and everything that iterates the value
/// (`for`, `dynamic`, `jsonencode`) then meets go-cty's order. Err is the
/// "cannot tell" text where that order is go-cty's hash order.
pub(crate) fn as_set(items: Vec<Value>) -> Result<Vec<Value>, String> {
    // A tuple converted to set(dynamic) (toset's parameter) first unifies
    // its elements: a string among them makes every primitive a string.
    let items = match unified(&[Value::List(items.clone())]) {
        Ok(mut one) if one.len() == 1 => one.remove(0),
        _ => items,
    };
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for v in items {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    match sorted(out) {
        Ok(Value::List(l)) => Ok(l),
        Ok(_) => Ok(Vec::new()),
        Err(Miss::CannotTell(m)) => Err(m),
        Err(_) => Err("cannot tell the order go-cty gives this set".into()),
    }
}

/// The primitive kind of an element, for unification.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Number,
    Bool,
    Other,
}

fn kind(v: &Value) -> Option<Kind> {
    match v {
        Value::Null => None,
        Value::String(_) => Some(Kind::String),
        Value::Number(_) | Value::Int(_) => Some(Kind::Number),
        Value::Bool(_) => Some(Kind::Bool),
        Value::List(_) | Value::Map(_) => Some(Kind::Other),
    }
}

fn set_items(v: &Value) -> Result<&[Value], String> {
    match v {
        Value::List(l) => Ok(l),
        other => Err(format!(
            "a set or list is required, got {}",
            type_name(other)
        )),
    }
}

/// The arguments as sets of one element type: setOperationReturnType's
/// unification, then each argument converted to it.
fn unified(a: &[Value]) -> Result<Vec<Vec<Value>>, String> {
    let sets: Vec<&[Value]> = a.iter().map(set_items).collect::<Result<_, _>>()?;
    let kinds: Vec<Kind> = sets
        .iter()
        .flat_map(|s| s.iter())
        .filter_map(kind)
        .collect();
    let has = |k: Kind| kinds.contains(&k);
    if has(Kind::Other) && kinds.iter().any(|k| *k != Kind::Other) {
        return Err("given sets must all have compatible element types".into());
    }
    if !has(Kind::String) && has(Kind::Number) && has(Kind::Bool) {
        return Err("given sets must all have compatible element types".into());
    }
    let to_strings = has(Kind::String);
    Ok(sets
        .iter()
        .map(|s| {
            s.iter()
                .map(|v| match v {
                    Value::Number(_) | Value::Int(_) | Value::Bool(_) if to_strings => {
                        to_string(v).map_or(Value::Null, Value::String)
                    }
                    other => other.clone(),
                })
                .collect()
        })
        .collect())
}

/// The elements in go-cty's iteration order (setRules.Less), or "cannot
/// tell" where that order is its hash order (collections) or rests on
/// bucket order (a zero of each sign: equal by value, hashed apart as
/// "0" and "-0", so both stay in the set).
fn sorted(mut items: Vec<Value>) -> Try {
    let non_null = items.iter().filter(|v| !matches!(v, Value::Null)).count();
    if non_null > 1 && items.iter().any(|v| kind(v) == Some(Kind::Other)) {
        return Err(Miss::CannotTell(
            "cannot tell the order go-cty gives a set whose elements are lists or maps: it orders them by an internal hash text".into(),
        ));
    }
    let zeros = |neg: bool| {
        items
            .iter()
            .any(|v| matches!(v, Value::Number(n) if *n == 0.0 && n.is_sign_negative() == neg))
    };
    if zeros(true) && zeros(false) {
        return Err(Miss::CannotTell(
            "cannot tell the order go-cty gives a set holding both 0 and -0: it keeps both (hashed apart as \"0\" and \"-0\") in hash order".into(),
        ));
    }
    items.sort_by(less);
    Ok(Value::List(items))
}

fn less(x: &Value, y: &Value) -> Ordering {
    match (x, y) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Greater,
        (_, Value::Null) => Ordering::Less,
        // Go compares strings byte by byte, as Rust's `Ord` for `str` does.
        (Value::String(a), Value::String(b)) => a.as_bytes().cmp(b.as_bytes()),
        (Value::Int(a), Value::Int(b)) => a.cmp(b),
        (Value::Number(_) | Value::Int(_), Value::Number(_) | Value::Int(_)) => {
            let f = |v: &Value| to_number(v).unwrap_or(0.0);
            f(x).partial_cmp(&f(y)).unwrap_or(Ordering::Equal)
        }
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        _ => Ordering::Equal,
    }
}

/// cty's `setproduct`: every combination, first set varying slowest.
/// With lists and tuples only (what our values are) the result is a list
/// in the arguments' order (collection.go SetProductFunc: "if all
/// arguments are of list or tuple type then the result will preserve the
/// input ordering").
fn setproduct(a: &[Value]) -> Res {
    if a.len() < 2 {
        return Err("at least two arguments are required".into());
    }
    let sets: Vec<&[Value]> = a.iter().map(set_items).collect::<Result<_, _>>()?;
    let last = sets.len() - 1;
    let mut out: Vec<Vec<Value>> = vec![Vec::new()];
    // What `out` holds (values, string bytes), its lists included.
    let mut held = (1u64, 0u64);
    for (i, items) in sets.into_iter().enumerate() {
        // go-cty builds any product (collection.go@v1.16.2 SetProductFunc
        // has no bound): a large one is past our evaluation budget, so
        // "cannot tell" (redteam13 R13-3), never an error Nomad does not
        // make. Each row is a prefix and one item: the next product holds
        // every prefix once per item and every item once per prefix.
        let (item_elements, item_bytes) = items.iter().fold((0u64, 0u64), |(e, b), v| {
            let (ve, vb) = budget::size_of(v);
            (e.saturating_add(ve), b.saturating_add(vb))
        });
        let n_items = items.len() as u64;
        let n_out = out.len() as u64;
        let next_held = (
            n_items
                .saturating_mul(held.0)
                .saturating_add(n_out.saturating_mul(item_elements)),
            n_items
                .saturating_mul(held.1)
                .saturating_add(n_out.saturating_mul(item_bytes)),
        );
        if i == last {
            // The caller charges the result as it is returned.
            budget::reserve(next_held.0, next_held.1)?;
        } else {
            budget::charge(next_held.0, next_held.1)?;
        }
        held = next_held;
        let size = out.len().saturating_mul(items.len());
        let mut next = Vec::with_capacity(size);
        for prefix in &out {
            for item in items {
                let mut row = prefix.clone();
                row.push(item.clone());
                next.push(row);
            }
        }
        out = next;
    }
    Ok(Value::List(out.into_iter().map(Value::List).collect()))
}

#[cfg(test)]
mod tests {
    use super::super::{call, FnEnv};
    use super::*;
    use crate::jobspec::var_convert;
    use crate::version::NomadVersion;

    fn st(x: &str) -> Value {
        Value::String(x.into())
    }

    fn l<const N: usize>(items: [Value; N]) -> Value {
        Value::List(items.to_vec())
    }

    fn go(name: &str, args: &[Value]) -> Result<Value, String> {
        call(&FnEnv::default(), name, args.to_vec())
    }

    /// go-cty cty/function/stdlib/set_test.go TestSetUnion (v1.12.1), the
    /// cases a job file can write (literal tuples; no unknowns), with the
    /// order Values() iterates them in.
    #[test]
    fn setunion_as_go_cty_s_tests() {
        let (t, f) = (Value::Bool(true), Value::Bool(false));
        assert_eq!(go("setunion", &[l([])]), Ok(l([])));
        assert_eq!(go("setunion", &[l([]), l([])]), Ok(l([])));
        assert_eq!(
            go(
                "setunion",
                &[l([t.clone()]), l([t.clone()]), l([f.clone()])]
            ),
            Ok(l([f, t.clone()]))
        );
        assert_eq!(
            go(
                "setunion",
                &[l([st("a")]), l([st("b")]), l([st("b"), st("c")])]
            ),
            Ok(l([st("a"), st("b"), st("c")]))
        );
        assert_eq!(go("setunion", &[l([t.clone()]), l([])]), Ok(l([t])));
    }

    /// TestSetIntersection (v1.12.1).
    #[test]
    fn setintersection_as_go_cty_s_tests() {
        let (t, f) = (Value::Bool(true), Value::Bool(false));
        assert_eq!(
            go(
                "setintersection",
                &[l([t.clone()]), l([t.clone(), f.clone()]), l([t.clone(), f])]
            ),
            Ok(l([t]))
        );
        assert_eq!(
            go(
                "setintersection",
                &[l([st("a"), st("b")]), l([st("b")]), l([st("b"), st("c")])]
            ),
            Ok(l([st("b")]))
        );
    }

    /// setRules.Less and UnifyUnsafe: bytes, values, a string making
    /// every element a string, nulls last; numbers with bools have no
    /// common type.
    #[test]
    fn elements_sort_as_set_rules_less() {
        let n = Value::Number;
        assert_eq!(
            go("setunion", &[l([st("z")]), l([st("é"), st("e"), st("Z")])]),
            Ok(l([st("Z"), st("e"), st("z"), st("é")]))
        );
        assert_eq!(
            go("setunion", &[l([n(10.0), n(-1.5)]), l([n(2.0)])]),
            Ok(l([n(-1.5), n(2.0), n(10.0)]))
        );
        assert_eq!(
            go("setunion", &[l([n(10.0), Value::Bool(true)]), l([st("a")])]),
            Ok(l([st("10"), st("a"), st("true")]))
        );
        assert_eq!(
            go("setunion", &[l([Value::Null, st("b")]), l([st("a")])]),
            Ok(l([st("a"), st("b"), Value::Null]))
        );
        assert_eq!(
            go("setunion", &[l([n(1.0)]), l([Value::Bool(true)])]),
            Err("given sets must all have compatible element types".into())
        );
    }

    /// Lists and tuples only: the product keeps the arguments' order
    /// (TestSetProduct's list cases, collection_test.go v1.12.1).
    #[test]
    fn setproduct_of_lists_keeps_their_order() {
        assert_eq!(
            go(
                "setproduct",
                &[l([st("b"), st("a")]), l([st("y"), st("x")])]
            ),
            Ok(l([
                l([st("b"), st("y")]),
                l([st("b"), st("x")]),
                l([st("a"), st("y")]),
                l([st("a"), st("x")]),
            ]))
        );
    }

    /// go-cty builds a product of any size: past the evaluation budget it
    /// is the budget's "cannot tell", charged before anything is built,
    /// and a product that fits is charged once (by the caller), not twice.
    #[test]
    fn a_huge_product_spends_the_budget_before_it_is_built() {
        let nums = |n: usize| Value::List((0..n).map(|i| Value::Number(i as f64)).collect());
        let _e = budget::enter();
        let e = go("setproduct", &[nums(1024), nums(1024), nums(2)]).unwrap_err();
        assert_eq!(Some(e), budget::exhausted());
        drop(_e);
        let _e = budget::enter();
        let v = go("setproduct", &[nums(400), nums(400)]).expect("fits");
        assert_eq!(budget::exhausted(), None);
        // 160,000 rows of three values each: the caller's charge fits.
        assert_eq!(budget::size_of(&v), (480_001, 0));
        assert!(budget::charge_copy(&v).is_ok());
    }

    #[test]
    fn a_set_of_collections_is_cannot_tell() {
        let e = call_detailed_err(&[l([l([st("b")])]), l([l([st("a")])])]);
        assert!(e.starts_with("cannot tell"), "{e}");
        // One element has no order to tell.
        assert_eq!(
            go("setunion", &[l([l([st("a")])]), l([])]),
            Ok(l([l([st("a")])]))
        );
    }

    fn call_detailed_err(args: &[Value]) -> String {
        match super::super::call_detailed(&FnEnv::default(), "setunion", args.to_vec()) {
            Err(super::super::CallError::CannotTell(m)) => m,
            other => panic!("{other:?}"),
        }
    }

    /// conversionTupleToSet (cty/convert/conversion_collection.go@v1.18.1,
    /// v1.19.0 alike)
    /// builds a cty.SetVal: equal elements once, iterated by setRules.Less
    /// (cty/set_internals.go@v1.18.1): strings by bytes, numbers by value.
    #[test]
    fn a_tuple_converted_to_a_set_is_deduplicated_and_ordered() {
        let l = |v: Vec<Value>| Value::List(v);
        let set_of = |e: var_convert::Exact| var_convert::Exact::Set(Box::new(e));
        let got = var_convert::convert(
            &l(vec![st("b"), st("a"), st("b")]),
            &set_of(var_convert::Exact::String),
            NomadVersion::new(1, 16, 3),
        );
        assert_eq!(got, Ok(l(vec![st("a"), st("b")])));
        let got = var_convert::convert(
            &l(vec![
                Value::Number(3.0),
                Value::Number(1.0),
                Value::Number(10.0),
            ]),
            &set_of(var_convert::Exact::Number),
            NomadVersion::new(1, 16, 3),
        );
        assert_eq!(
            got,
            Ok(l(vec![
                Value::Number(1.0),
                Value::Number(3.0),
                Value::Number(10.0)
            ]))
        );
        // Numbers converted to strings sort as strings.
        let got = var_convert::convert(
            &l(vec![Value::Number(10.0), Value::Number(9.0)]),
            &set_of(var_convert::Exact::String),
            NomadVersion::new(1, 16, 3),
        );
        assert_eq!(got, Ok(l(vec![st("10"), st("9")])));
        // Objects: go-cty's hash order, not ours.
        let o = |x: &str| Value::Map([("n".to_string(), st(x))].into());
        let want = set_of(var_convert::Exact::Object(
            [("n".to_string(), var_convert::Exact::String)].into(),
        ));
        assert!(matches!(
            var_convert::convert(&l(vec![o("b"), o("a")]), &want, NomadVersion::new(1, 16, 3)),
            Err(var_convert::Why::Order(_))
        ));
        assert_eq!(
            var_convert::convert(&l(vec![o("b"), o("b")]), &want, NomadVersion::new(1, 16, 3)),
            Ok(l(vec![o("b")]))
        );
    }
}
