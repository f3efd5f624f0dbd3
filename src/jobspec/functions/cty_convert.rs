//! Whether a value converts to a function parameter's type, and go-cty's
//! words when it does not (convert.Convert: conversion_primitive.go for
//! value-dependent failures, mismatch_msg.go MismatchMessage otherwise).
//!
//! Our values do not tell a tuple from a list nor an object from a map:
//! a collection is taken as HCL writes it literally (`[...]` a tuple,
//! `{...}` an object), which is what a job file's arguments mostly are.

use super::params::Ty;
use super::Value;
use crate::version::NomadVersion;

/// go-cty's type name for a value (FriendlyName): a collection as a
/// literal's (tuple, object).
pub fn friendly_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Number(_) | Value::Int(_) => "number",
        Value::Bool(_) => "bool",
        Value::List(_) => "tuple",
        Value::Map(_) => "object",
        Value::Null => "dynamic",
    }
}

fn is_primitive(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// FriendlyName (`constraint`: FriendlyNameForConstraint, where an
/// element of any type is "any single type").
fn ty_name(t: &Ty, constraint: bool) -> String {
    match t {
        Ty::String => "string".into(),
        Ty::Number => "number".into(),
        Ty::Bool => "bool".into(),
        Ty::Any | Ty::Expr | Ty::TypeExpr if constraint => "any type".into(),
        Ty::Any | Ty::Expr | Ty::TypeExpr => "dynamic".into(),
        Ty::List(e) => format!("list of {}", elem_name(e, constraint)),
        Ty::Set(e) => format!("set of {}", elem_name(e, constraint)),
    }
}

fn elem_name(e: &Ty, constraint: bool) -> String {
    if constraint && *e == Ty::Any {
        "any single type".into()
    } else {
        ty_name(e, constraint)
    }
}

/// go-cty 1.16.3 names the type it got where that cannot mislead
/// (typesAreLikelyToCauseConfusion).
fn but_have(cty: NomadVersion) -> bool {
    cty.at_least(1, 16, 3)
}

/// MismatchMessage's last two cases: a primitive wanted or given. `have`:
/// the value's type name where it is known to be other than a literal's.
fn required(v: &Value, want: &Ty, cty: NomadVersion, have: Option<&str>) -> String {
    let want_primitive = matches!(want, Ty::String | Ty::Number | Ty::Bool);
    // Among primitives only number and bool are told apart, both ways.
    let clear = is_primitive(v) != want_primitive
        || matches!(
            (v, want),
            (Value::Number(_), Ty::Bool) | (Value::Bool(_), Ty::Number)
        );
    if but_have(cty) && clear {
        format!(
            "{} required, but have {}",
            ty_name(want, false),
            have.unwrap_or(friendly_name(v))
        )
    } else {
        format!("{} required", ty_name(want, true))
    }
}

/// big.ParseFloat(s, 10, ...), which cty.ParseNumberVal uses: the whole
/// string, no spaces or underscores.
fn parses_as_number(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    if t == "Inf" || t == "inf" {
        return true;
    }
    let (mant, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let digits = mant.chars().filter(char::is_ascii_digit).count();
    let mant_ok = digits > 0
        && mant.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mant.matches('.').count() <= 1;
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mant_ok && exp_ok
}

/// Why `v` does not convert to `want`, in go-cty's words; None when it
/// converts. A null converts to every type (the function then says
/// whether it takes one).
pub fn mismatch(v: &Value, want: &Ty, cty: NomadVersion) -> Option<String> {
    mismatch_named(v, want, cty, None)
}

/// [`mismatch`] where the value's cty type is known to be named `have`
/// (a set, a list: not the literal's tuple or object).
pub fn mismatch_named(
    v: &Value,
    want: &Ty,
    cty: NomadVersion,
    have: Option<&str>,
) -> Option<String> {
    match (want, v) {
        (Ty::Any | Ty::Expr | Ty::TypeExpr, _) | (_, Value::Null) => None,
        (Ty::String, Value::String(_) | Value::Number(_) | Value::Bool(_)) => None,
        (Ty::Number, Value::Number(_)) | (Ty::Bool, Value::Bool(_)) => None,
        (Ty::Number, Value::String(s)) => {
            (!parses_as_number(s)).then(|| "a number is required".to_string())
        }
        (Ty::Bool, Value::String(s)) => match s.as_str() {
            "true" | "1" | "false" | "0" => None,
            _ => Some(match s.to_lowercase().as_str() {
                "true" => {
                    "a bool is required; to convert from string, use lowercase \"true\"".into()
                }
                "false" => {
                    "a bool is required; to convert from string, use lowercase \"false\"".into()
                }
                _ => "a bool is required".into(),
            }),
        },
        (Ty::List(e) | Ty::Set(e), Value::List(items)) => elements(items, e, want, cty),
        // A structural value to a collection of another kind
        // (mismatchMessageCollectionsFromStructural).
        (Ty::List(_) | Ty::Set(_), Value::Map(_)) => {
            Some(format!("{} required", ty_name(want, true)))
        }
        _ => Some(required(v, want, cty, have)),
    }
}

/// A tuple's elements converted to a list's or set's element type.
fn elements(items: &[Value], ety: &Ty, want: &Ty, cty: NomadVersion) -> Option<String> {
    if *ety == Ty::Any {
        // One element type must unify them all: primitives unify (to
        // string), a primitive with a collection does not.
        let prim = items.iter().filter(|v| is_primitive(v)).count();
        let nulls = items.iter().filter(|v| matches!(v, Value::Null)).count();
        let mixed = prim > 0 && prim + nulls < items.len();
        let noun = if matches!(want, Ty::Set(_)) {
            "set"
        } else {
            "list"
        };
        return mixed.then(|| format!("all {noun} elements must have the same type"));
    }
    // The element types first (MismatchMessage), then the values, whose
    // failure carries no element number (a cty.PathError prints its
    // message alone).
    items
        .iter()
        .enumerate()
        .find_map(|(i, it)| mismatch_type_only(it, ety, cty).map(|m| format!("element {i}: {m}")))
        .or_else(|| items.iter().find_map(|it| mismatch(it, ety, cty)))
}

/// getConversion(gotEty, wantEty) per element is a type question: a
/// string element converts to a number type whatever its value (the
/// value fails later, in the conversion itself).
fn mismatch_type_only(v: &Value, want: &Ty, cty: NomadVersion) -> Option<String> {
    match (want, v) {
        (Ty::Number | Ty::Bool, Value::String(_)) => None,
        _ => mismatch(v, want, cty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: NomadVersion = NomadVersion::new(1, 6, 0);
    const NEW: NomadVersion = NomadVersion::new(1, 19, 0);

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    #[test]
    fn primitives_convert_as_cty_converts_them() {
        assert_eq!(mismatch(&Value::Number(1.0), &Ty::String, OLD), None);
        assert_eq!(mismatch(&s("1e3"), &Ty::Number, OLD), None);
        assert_eq!(
            mismatch(&s(" 1"), &Ty::Number, OLD).as_deref(),
            Some("a number is required")
        );
        assert_eq!(mismatch(&s("1"), &Ty::Bool, OLD), None);
        assert_eq!(
            mismatch(&s("True"), &Ty::Bool, OLD).as_deref(),
            Some("a bool is required; to convert from string, use lowercase \"true\"")
        );
        assert_eq!(
            mismatch(&Value::Bool(true), &Ty::Number, OLD).as_deref(),
            Some("number required")
        );
        assert_eq!(
            mismatch(&Value::Bool(true), &Ty::Number, NEW).as_deref(),
            Some("number required, but have bool")
        );
    }

    #[test]
    fn collections_name_the_element() {
        let list_str = Ty::List(Box::new(Ty::String));
        assert_eq!(
            mismatch(&s("x"), &list_str, OLD).as_deref(),
            Some("list of string required")
        );
        assert_eq!(
            mismatch(&s("x"), &list_str, NEW).as_deref(),
            Some("list of string required, but have string")
        );
        let nested = Value::List(vec![s("a"), Value::List(vec![])]);
        assert_eq!(
            mismatch(&nested, &list_str, OLD).as_deref(),
            Some("element 1: string required")
        );
        assert_eq!(
            mismatch(&nested, &list_str, NEW).as_deref(),
            Some("element 1: string required, but have tuple")
        );
        let list_any = Ty::List(Box::new(Ty::Any));
        assert_eq!(
            mismatch(&nested, &list_any, OLD).as_deref(),
            Some("all list elements must have the same type")
        );
        assert_eq!(
            mismatch(&s("x"), &list_any, OLD).as_deref(),
            Some("list of any single type required")
        );
    }
}
