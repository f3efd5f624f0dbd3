//! The type jobspec2 (1.0+) holds a variable to, and go-cty's conversion
//! of a given value to it, in go-cty's words.
//!
//! jobspec2 (types.variables.go, the same 1.0.0-2.0.5) gives a variable
//! without a `type` its default's own type (`Type = defaultValue.Type()`),
//! and a `variables { a = ... }` attribute its value's: a default is
//! evaluated with no context, so it is always a literal, whose exact type
//! is a tuple for `[...]` and an object for `{...}`. Every later value (a
//! `-var`, `NOMAD_VAR_`, a var file's) is converted to that type with
//! convert.Convert: a tuple takes only a tuple of the same length whose
//! elements convert one by one, an object needs every attribute of the
//! default (and drops the others). A declared collection or structural
//! type (`list(string)`, `set(number)`, `map(bool)`, `object({...})`,
//! `tuple([...])`, element types other than `any`) is held the same way:
//! a given value, always a literal here (a tuple, an object or a
//! primitive), converts element by element, and go-cty's MismatchMessage
//! words a type that does not (mismatch_msg.go, the same 1.4.1-1.19.0 but
//! for "but have" from 1.16.3). Texts checked with
//! tests/hcl-oracle/jobvars.go at go-cty 1.4.1, 1.12.1 and 1.16.3.

use std::collections::BTreeMap;

use super::functions::mismatch;
use super::functions::params::Ty;
use super::model::Value;
use crate::version::NomadVersion;

/// A cty type as far as a literal value has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exact {
    String,
    Number,
    Bool,
    /// cty.DynamicPseudoType: a null default's, or `type = any`'s.
    Dynamic,
    Tuple(Vec<Exact>),
    Object(BTreeMap<String, Exact>),
    /// Collections, only ever wanted (a declared type): a given value is
    /// a literal, a tuple or an object.
    List(Box<Exact>),
    Set(Box<Exact>),
    Map(Box<Exact>),
}

/// Why a value does not convert: go-cty's words, or that they depend on
/// something this does not follow (Go's map order among several
/// mismatched attributes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    Words(String),
    CannotTell,
    /// Several map elements or object attributes do not convert, and
    /// go-cty names the first it meets in Go's map order: which one is
    /// chance. The candidates, as go-cty would name them.
    Chance(Vec<String>),
    /// It converts, to a set whose order go-cty takes from its hashes
    /// (functions::as_set): the "cannot tell" text.
    Order(String),
}

impl Exact {
    /// A literal value's own type.
    pub fn of(v: &Value) -> Exact {
        match v {
            Value::String(_) => Exact::String,
            Value::Number(_) | Value::Int(_) => Exact::Number,
            Value::Bool(_) => Exact::Bool,
            Value::Null => Exact::Dynamic,
            Value::List(items) => Exact::Tuple(items.iter().map(Exact::of).collect()),
            Value::Map(m) => {
                Exact::Object(m.iter().map(|(k, v)| (k.clone(), Exact::of(v))).collect())
            }
        }
    }

    /// A declared `type` (typeexpr.Type): None for what this does not
    /// follow (an element type of `any`, `optional`), which is then held
    /// to [`VarType`](super::vars::VarType) alone.
    pub fn of_type(e: &hcl_edit::expr::Expression) -> Option<Exact> {
        use hcl_edit::expr::{Expression, ObjectKey};
        match e {
            Expression::Variable(v) => match v.as_str() {
                "string" => Some(Exact::String),
                "number" => Some(Exact::Number),
                "bool" => Some(Exact::Bool),
                _ => None,
            },
            Expression::FuncCall(f) if f.args.len() == 1 => {
                let arg = f.args.iter().next()?;
                let elem = || Exact::of_type(arg).map(Box::new);
                match f.name.name.as_str() {
                    "list" => Some(Exact::List(elem()?)),
                    "set" => Some(Exact::Set(elem()?)),
                    "map" => Some(Exact::Map(elem()?)),
                    "tuple" => match arg {
                        Expression::Array(a) => a
                            .iter()
                            .map(Exact::of_type)
                            .collect::<Option<_>>()
                            .map(Exact::Tuple),
                        _ => None,
                    },
                    "object" => match arg {
                        Expression::Object(o) => o
                            .iter()
                            .map(|(k, v)| {
                                let key = match k {
                                    ObjectKey::Ident(i) => i.as_str().to_string(),
                                    ObjectKey::Expression(e) => e.as_str()?.to_string(),
                                };
                                Some((key, Exact::of_type(v.expr())?))
                            })
                            .collect::<Option<_>>()
                            .map(Exact::Object),
                        _ => None,
                    },
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn primitive(&self) -> Option<Ty> {
        match self {
            Exact::String => Some(Ty::String),
            Exact::Number => Some(Ty::Number),
            Exact::Bool => Some(Ty::Bool),
            _ => None,
        }
    }

    /// FriendlyName (for a wanted type, FriendlyNameForConstraint, which
    /// differs only for the dynamic type, never wanted here, nor as a
    /// collection's element).
    pub fn name(&self) -> String {
        match self {
            Exact::String => "string".into(),
            Exact::Number => "number".into(),
            Exact::Bool => "bool".into(),
            Exact::Dynamic => "dynamic".into(),
            Exact::Tuple(_) => "tuple".into(),
            Exact::Object(_) => "object".into(),
            Exact::List(e) => format!("list of {}", e.name()),
            Exact::Set(e) => format!("set of {}", e.name()),
            Exact::Map(e) => format!("map of {}", e.name()),
        }
    }

    fn collection(&self) -> Option<&Exact> {
        match self {
            Exact::List(e) | Exact::Set(e) | Exact::Map(e) => Some(e),
            _ => None,
        }
    }
}

/// `v` converted to `want` as convert.Convert converts it (under the go-cty
/// of Nomad release `cty`, functions::params::cty_release).
pub fn convert(v: &Value, want: &Exact, cty: NomadVersion) -> Result<Value, Why> {
    let got = Exact::of(v);
    if !converts(&got, want) {
        return Err(mismatch_message(&got, want, cty));
    }
    value(v, want, cty)
}

/// Does an unsafe conversion from `got` to `want` exist
/// (GetConversionUnsafe)? Types only: a string converts to a number type
/// whatever its text.
fn converts(got: &Exact, want: &Exact) -> bool {
    match (got, want) {
        (_, Exact::Dynamic) | (Exact::Dynamic, _) => true,
        (g, Exact::String) => g.primitive().is_some(),
        (Exact::Number | Exact::String, Exact::Number) => true,
        (Exact::Bool | Exact::String, Exact::Bool) => true,
        (Exact::Tuple(g), Exact::Tuple(w)) => {
            g.len() == w.len() && g.iter().zip(w).all(|(g, w)| converts(g, w))
        }
        (Exact::Object(g), Exact::Object(w)) => w
            .iter()
            .all(|(k, w)| g.get(k).is_some_and(|g| converts(g, w))),
        (Exact::Tuple(g), Exact::List(e) | Exact::Set(e)) => g.iter().all(|g| converts(g, e)),
        (Exact::Object(g), Exact::Map(e)) => g.values().all(|g| converts(g, e)),
        _ => false,
    }
}

/// MismatchMessage for the cases a literal meets: two objects, or kinds
/// that differ (mismatch_msg.go).
fn mismatch_message(got: &Exact, want: &Exact, cty: NomadVersion) -> Why {
    if let (Exact::Object(g), Exact::Object(w)) = (got, want) {
        return objects(g, w, cty);
    }
    if let (Exact::Tuple(_) | Exact::Object(_), Some(e)) = (got, want.collection()) {
        return from_structural(got, want, e, cty);
    }
    if let (Some(_), Some(p)) = (got.primitive(), want.primitive()) {
        // Between primitives (bool and number): cty_convert.rs's words.
        let sample = match got {
            Exact::Bool => Value::Bool(true),
            _ => Value::Number(0.0),
        };
        return match mismatch(&sample, &p, cty) {
            Some(m) => Why::Words(m),
            None => Why::CannotTell,
        };
    }
    // typesAreLikelyToCauseConfusion (go-cty 1.16.3 on): not when one is
    // primitive and the other not, nor a tuple given for an object (its
    // test for the reverse is written `got.IsObjectType() &&
    // got.IsTupleType()`, never true).
    let clear = got.primitive().is_some() != want.primitive().is_some()
        || matches!((got, want), (Exact::Tuple(_), Exact::Object(_)));
    if cty.at_least(1, 16, 3) && clear {
        Why::Words(format!("{} required, but have {}", want.name(), got.name()))
    } else {
        Why::Words(format!("{} required", want.name()))
    }
}

/// mismatchMessageCollectionsFromStructural: a tuple for a list or set, an
/// object for a map, the first element that does not convert (a tuple's
/// in index order; an object's in Go's map order, so of several, chance:
/// [`Why::Chance`]); any other pair only names the type wanted.
fn from_structural(got: &Exact, want: &Exact, e: &Exact, cty: NomadVersion) -> Why {
    let element = |at: String, g: &Exact| match mismatch_message(g, e, cty) {
        Why::Words(m) => Why::Words(format!("element {at}: {m}")),
        other => other,
    };
    match (got, want) {
        (Exact::Tuple(g), Exact::List(_) | Exact::Set(_)) => {
            match g.iter().enumerate().find(|(_, g)| !converts(g, e)) {
                Some((i, g)) => element(i.to_string(), g),
                None => Why::Words(format!("all elements must be {}", e.name())),
            }
        }
        (Exact::Object(g), Exact::Map(_)) => {
            let bad: Vec<_> = g.iter().filter(|(_, g)| !converts(g, e)).collect();
            match bad.as_slice() {
                [(k, g)] => element(format!("{k:?}"), g),
                [] => Why::Words(format!("all elements must be {}", e.name())),
                _ => Why::Chance(bad.iter().map(|(k, _)| format!("element {k:?}")).collect()),
            }
        }
        _ => Why::Words(format!("{} required", want.name())),
    }
}

/// mismatchMessageObjects: the missing attributes first (sorted), else the
/// one attribute that does not convert; of several, Go's map order picks.
fn objects(g: &BTreeMap<String, Exact>, w: &BTreeMap<String, Exact>, cty: NomadVersion) -> Why {
    let missing: Vec<String> = w
        .keys()
        .filter(|k| !g.contains_key(*k))
        .map(|k| format!("{k:?}"))
        .collect();
    match missing.as_slice() {
        [] => {}
        [one] => return Why::Words(format!("attribute {one} is required")),
        [a, b] => return Why::Words(format!("attributes {a} and {b} are required")),
        [init @ .., last] => {
            return Why::Words(format!(
                "attributes {}, and {last} are required",
                init.join(", ")
            ))
        }
    }
    let bad: Vec<(&String, &Exact, &Exact)> = w
        .iter()
        .filter_map(|(k, w)| g.get(k).map(|g| (k, g, w)))
        .filter(|(_, g, w)| !converts(g, w))
        .collect();
    match bad.as_slice() {
        [(k, g, w)] => match mismatch_message(g, w, cty) {
            Why::Words(m) => Why::Words(format!("attribute {k:?}: {m}")),
            other => other,
        },
        _ => Why::Chance(
            bad.iter()
                .map(|(k, _, _)| format!("attribute {k:?}"))
                .collect(),
        ),
    }
}

/// The value conversion, once the types convert: element by element in
/// order (a tuple's index, an object's attributes sorted), the first
/// failure's words without its path (a cty.PathError prints its message).
fn value(v: &Value, want: &Exact, cty: NomadVersion) -> Result<Value, Why> {
    if matches!(v, Value::Null) {
        return Ok(Value::Null);
    }
    match (want, v) {
        (Exact::Dynamic, v) => Ok(v.clone()),
        (Exact::String, Value::Number(n)) => Ok(Value::String(super::eval::fmt_number(*n))),
        (Exact::String, Value::Bool(b)) => Ok(Value::String(b.to_string())),
        (Exact::Number, Value::String(s)) => match mismatch(v, &Ty::Number, cty) {
            Some(m) => Err(Why::Words(m)),
            // go-cty parses it in 512 bits: a text our f64 holds
            // otherwise is not followed (cty_number.rs).
            None => s
                .parse::<f64>()
                .ok()
                .filter(|&x| super::cty_number::is_faithful(s, x))
                .map(Value::Number)
                .ok_or(Why::CannotTell),
        },
        (Exact::Bool, Value::String(s)) => match mismatch(v, &Ty::Bool, cty) {
            Some(m) => Err(Why::Words(m)),
            None => Ok(Value::Bool(s == "true" || s == "1")),
        },
        (Exact::Tuple(ws), Value::List(items)) => items
            .iter()
            .zip(ws)
            .map(|(i, w)| value(i, w, cty))
            .collect::<Result<_, _>>()
            .map(Value::List),
        // conversionTupleToList/Set: the elements in index order.
        // conversionTupleToSet: a set, its elements once in go-cty's
        // order (functions::as_set).
        (Exact::Set(w), Value::List(items)) => {
            let items = items
                .iter()
                .map(|i| value(i, w, cty))
                .collect::<Result<Vec<_>, _>>()?;
            super::functions::as_set(items)
                .map(Value::List)
                .map_err(Why::Order)
        }
        (Exact::List(w), Value::List(items)) => items
            .iter()
            .map(|i| value(i, w, cty))
            .collect::<Result<_, _>>()
            .map(Value::List),
        // conversionObjectToMap: the attributes in name order.
        (Exact::Map(w), Value::Map(m)) => m
            .iter()
            .map(|(k, x)| value(x, w, cty).map(|x| (k.clone(), x)))
            .collect::<Result<_, _>>()
            .map(Value::Map),
        (Exact::Object(ws), Value::Map(m)) => ws
            .iter()
            .map(|(k, w)| {
                let x = m.get(k).unwrap_or(&Value::Null);
                value(x, w, cty).map(|x| (k.clone(), x))
            })
            .collect::<Result<_, _>>()
            .map(Value::Map),
        (_, v) => Ok(v.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // go-cty releases (functions::params::cty_release).
    const OLD: NomadVersion = NomadVersion::new(1, 12, 1);
    const NEW: NomadVersion = NomadVersion::new(1, 16, 3);

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn why(v: &Value, default: &Value, cty: NomadVersion) -> String {
        match convert(v, &Exact::of(default), cty) {
            Err(Why::Words(w)) => w,
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn a_tuple_takes_only_a_tuple_of_its_length_and_element_types() {
        // tests/hcl-oracle/jobvars.go: `default = [1, "a"]`, `-var l=...`.
        let d = Value::List(vec![n(1.0), s("a")]);
        for cty in [OLD, NEW] {
            assert_eq!(
                why(&Value::List(vec![n(1.0), n(2.0), n(3.0)]), &d, cty),
                "tuple required"
            );
            assert_eq!(
                why(&Value::List(vec![Value::Bool(true), n(1.0)]), &d, cty),
                "tuple required"
            );
            assert_eq!(
                why(&Value::List(vec![s("x"), s("a")]), &d, cty),
                "a number is required"
            );
        }
        assert_eq!(why(&s("s"), &d, OLD), "tuple required");
        assert_eq!(why(&s("s"), &d, NEW), "tuple required, but have string");
        // An object given for a tuple: "confusing", so no "but have".
        assert_eq!(why(&obj(&[("a", n(1.0))]), &d, NEW), "tuple required");
        assert_eq!(
            convert(
                &Value::List(vec![s("3"), n(4.0)]),
                &Exact::of(&Value::List(vec![n(1.0), n(2.0)])),
                OLD
            ),
            Ok(Value::List(vec![n(3.0), n(4.0)]))
        );
    }

    #[test]
    fn an_object_needs_every_attribute_and_drops_the_rest() {
        let d = obj(&[("a", n(1.0)), ("b", s("x"))]);
        assert_eq!(
            why(&obj(&[("b", n(1.0))]), &d, OLD),
            "attribute \"a\" is required"
        );
        assert_eq!(
            why(&obj(&[]), &d, OLD),
            "attributes \"a\" and \"b\" are required"
        );
        let three = obj(&[("a", n(1.0)), ("b", Value::Bool(true)), ("c", s("x"))]);
        assert_eq!(
            why(&obj(&[]), &three, NEW),
            "attributes \"a\", \"b\", and \"c\" are required"
        );
        let bad = obj(&[("a", Value::Bool(true)), ("b", s("y"))]);
        assert_eq!(why(&bad, &d, OLD), "attribute \"a\": number required");
        assert_eq!(
            why(&bad, &d, NEW),
            "attribute \"a\": number required, but have bool"
        );
        assert_eq!(
            why(&Value::List(vec![n(1.0)]), &d, NEW),
            "object required, but have tuple"
        );
        // Two attributes of the wrong type: Go's map order picks one.
        let two = obj(&[
            ("a", Value::List(vec![])),
            ("b", Value::List(vec![])),
            ("c", s("z")),
        ]);
        assert_eq!(
            convert(&two, &Exact::of(&three), OLD),
            Err(Why::Chance(vec![
                "attribute \"a\"".into(),
                "attribute \"b\"".into()
            ]))
        );
        // Values fail in the attributes' order.
        let vals = obj(&[("a", s("x")), ("b", s("y")), ("c", s("z"))]);
        assert_eq!(why(&vals, &three, OLD), "a number is required");
        assert_eq!(
            convert(
                &obj(&[("a", n(2.0)), ("b", n(3.0))]),
                &Exact::of(&obj(&[("a", n(1.0))])),
                OLD
            ),
            Ok(obj(&[("a", n(2.0))]))
        );
    }

    fn declared(ty: &str) -> Exact {
        let e = hcl_edit::parser::parse_expr(ty).expect("parses");
        Exact::of_type(&e).expect("a type this words")
    }

    #[test]
    fn a_declared_type_is_read_and_any_left_alone() {
        assert_eq!(
            declared("list(string)"),
            Exact::List(Box::new(Exact::String))
        );
        assert_eq!(
            declared("object({a = map(bool), b = tuple([number])})"),
            Exact::Object(BTreeMap::from([
                ("a".to_string(), Exact::Map(Box::new(Exact::Bool))),
                ("b".to_string(), Exact::Tuple(vec![Exact::Number])),
            ]))
        );
        for t in [
            "any",
            "list(any)",
            "map(any)",
            "optional(string)",
            "list(string, 1)",
        ] {
            let e = hcl_edit::parser::parse_expr(t).expect("parses");
            assert_eq!(Exact::of_type(&e), None, "{t}");
        }
    }

    #[test]
    fn collections_take_structural_values_element_by_element() {
        // tests/hcl-oracle/jobvars.go, a var file's value for a declared
        // type (mismatch_msg.go mismatchMessageCollectionsFromStructural).
        let words = |v: &Value, t: &str, cty| match convert(v, &declared(t), cty) {
            Err(Why::Words(w)) => w,
            other => format!("{other:?}"),
        };
        let tuple = |items: Vec<Value>| Value::List(items);
        assert_eq!(
            words(&s("x"), "list(string)", OLD),
            "list of string required"
        );
        assert_eq!(
            words(&s("x"), "set(string)", NEW),
            "set of string required, but have string"
        );
        assert_eq!(
            words(&obj(&[("a", n(1.0))]), "list(string)", NEW),
            "list of string required"
        );
        assert_eq!(
            words(&tuple(vec![s("a"), tuple(vec![])]), "list(string)", NEW),
            "element 1: string required, but have tuple"
        );
        assert_eq!(
            words(&tuple(vec![n(1.0)]), "list(list(number))", OLD),
            "element 0: list of number required"
        );
        assert_eq!(
            words(&obj(&[("a", Value::Bool(true))]), "map(number)", OLD),
            "element \"a\": number required"
        );
        assert_eq!(
            words(&tuple(vec![n(1.0)]), "map(number)", NEW),
            "map of number required"
        );
        // A value that does not convert: its words, without the path.
        assert_eq!(
            words(&tuple(vec![s("a")]), "list(number)", NEW),
            "a number is required"
        );
        // Two map elements that do not convert: Go's map order names one.
        let two = obj(&[("a", Value::Bool(true)), ("b", tuple(vec![]))]);
        assert_eq!(
            convert(&two, &declared("map(number)"), OLD),
            Err(Why::Chance(vec![
                "element \"a\"".into(),
                "element \"b\"".into()
            ]))
        );
        // What converts is converted.
        assert_eq!(
            convert(
                &tuple(vec![n(1.0), Value::Bool(true)]),
                &declared("list(string)"),
                OLD
            ),
            Ok(tuple(vec![s("1"), s("true")]))
        );
        assert_eq!(
            convert(&obj(&[("a", s("2"))]), &declared("map(number)"), OLD),
            Ok(obj(&[("a", n(2.0))]))
        );
    }

    #[test]
    fn primitives_convert_through_strings() {
        assert_eq!(convert(&s("1e3"), &Exact::Number, OLD), Ok(n(1000.0)));
        assert_eq!(
            why(&s(" 1"), &Value::Number(1.0), OLD),
            "a number is required"
        );
        assert_eq!(why(&n(1.0), &Value::Bool(true), OLD), "bool required");
        assert_eq!(
            why(&n(1.0), &Value::Bool(true), NEW),
            "bool required, but have number"
        );
        assert_eq!(
            why(&s("True"), &Value::Bool(true), OLD),
            "a bool is required; to convert from string, use lowercase \"true\""
        );
        assert_eq!(convert(&s("1"), &Exact::Bool, OLD), Ok(Value::Bool(true)));
        assert_eq!(convert(&Value::Null, &Exact::Number, OLD), Ok(Value::Null));
    }
}
