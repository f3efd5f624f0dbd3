//! What is known of an expression's cty type, for the functions whose
//! answer depends on it (functions/typed_calls.rs; redteam7 D4). Our
//! values do not carry their types, so the type is read off the
//! expression where it is certain: a non-null primitive's own, a literal
//! `null` (the dynamic type), a tuple or object constructor's (hclsyntax
//! TupleConsExpr/ObjectConsExpr: a tuple and an object of their elements'
//! types), a `for` expression's (a tuple or an object), a variable's
//! (jobspec2 converts it to its `type`, or gives it its default's own:
//! var_decl.rs), `convert(x, T)`'s T. Anything else is judged from the
//! value alone ([`ArgType::of_value`]).

use hcl_edit::expr::{Expression, TraversalOperator};

use super::Scope;
use crate::jobspec::functions::typed_calls::ArgType;
use crate::jobspec::model::Value;
use crate::jobspec::var_convert::Exact;

impl Scope<'_> {
    /// What is known of the type of `e`, whose value is `v`.
    pub(super) fn arg_type(&self, e: &Expression, v: &Value) -> ArgType {
        match self.known_type(e, v) {
            Some(t) => ArgType::Known(t),
            // A list, tuple or set: which is not known (set_kind.rs).
            None if matches!(v, Value::List(_)) && self.may_be_set(e) => ArgType::MaybeSet,
            None => ArgType::of_value(v),
        }
    }

    pub(super) fn known_type(&self, e: &Expression, v: &Value) -> Option<Exact> {
        if let Some(p) = primitive(v) {
            return Some(p);
        }
        match e {
            Expression::Parenthesis(p) => self.known_type(p.inner(), v),
            Expression::Null(_) => Some(Exact::Dynamic),
            Expression::Array(a) => {
                let Value::List(items) = v else {
                    return None;
                };
                if a.len() != items.len() {
                    return None;
                }
                a.iter()
                    .zip(items)
                    .map(|(e, v)| self.known_type(e, v))
                    .collect::<Option<_>>()
                    .map(Exact::Tuple)
            }
            // The elements' expressions are not paired with the values
            // here: known where each value is a non-null primitive.
            Expression::Object(_) => elements(v),
            Expression::ForExpr(_) => elements(v),
            Expression::Traversal(t) => {
                let bound = |name: &str| self.bindings.iter().any(|(n, _)| n == name);
                let (Expression::Variable(root), [op]) = (&t.expr, t.operators.as_slice()) else {
                    return None;
                };
                let TraversalOperator::GetAttr(id) = op.value() else {
                    return None;
                };
                match root.as_str() {
                    "var" if !bound("var") => self.var_types.get(id.as_str()).cloned(),
                    // An untyped local holds its expression's value, of
                    // that value's own cty type (jobspec2 evaluates it with
                    // hcl, no conversion): `[]` an empty tuple, `{}` an
                    // empty object, `null` of the dynamic type.
                    "local" if !bound("local") => self.local_types.get(id.as_str()).cloned(),
                    _ => None,
                }
            }
            Expression::FuncCall(f) if f.name.name.as_str() == "convert" && f.args.len() == 2 => {
                f.args.iter().nth(1).and_then(Exact::of_type)
            }
            // go-cty-funcs' fileset returns `set(string)`; setunion and
            // setintersection a set of their arguments' unified element
            // type, which every element of a non-empty answer has (they
            // are converted to it): known here where that is a primitive.
            Expression::FuncCall(f) if f.name.namespace.is_empty() => match f.name.name.as_str() {
                "fileset" => Some(Exact::Set(Box::new(Exact::String))),
                // A static list type (`function.StaticReturnType`, go-cty
                // 1.4.1 to 1.18.1 stdlib: string.go SplitFunc and
                // SortFunc, format.go FormatListFunc, collection.go
                // CompactFunc, sequence.go RangeFunc; go-cty-funcs
                // cidr/subnets.go): an error naming the type says "list
                // of string", never the literal's "tuple".
                "split" | "sort" | "formatlist" | "compact" | "cidrsubnets" => {
                    Some(Exact::List(Box::new(Exact::String)))
                }
                "range" => Some(Exact::List(Box::new(Exact::Number))),
                "setunion" | "setintersection" => {
                    let Value::List(items) = v else {
                        return None;
                    };
                    let first = primitive(items.first()?)?;
                    items
                        .iter()
                        .all(|x| primitive(x).as_ref() == Some(&first))
                        .then(|| Exact::Set(Box::new(first)))
                }
                _ => None,
            },
            _ => None,
        }
    }
}

impl Scope<'_> {
    /// Local `name` now holds `v`, the value of `e`: its type, where known.
    pub(crate) fn set_local_type(&mut self, name: &str, e: &Expression, v: &Value) {
        if self.may_hold_set(e) {
            self.set_locals.insert(name.to_string());
        } else {
            self.set_locals.remove(name);
        }
        match self.known_type(e, v) {
            Some(t) => self.local_types.insert(name.to_string(), t),
            None => self.local_types.remove(name),
        };
    }
}

fn primitive(v: &Value) -> Option<Exact> {
    match v {
        Value::String(_) => Some(Exact::String),
        Value::Number(_) | Value::Int(_) => Some(Exact::Number),
        Value::Bool(_) => Some(Exact::Bool),
        _ => None,
    }
}

/// A tuple or object value's type where every element is a non-null
/// primitive (or there are none).
fn elements(v: &Value) -> Option<Exact> {
    match v {
        Value::List(l) => l
            .iter()
            .map(primitive)
            .collect::<Option<_>>()
            .map(Exact::Tuple),
        Value::Map(m) => m
            .iter()
            .map(|(k, v)| primitive(v).map(|t| (k.clone(), t)))
            .collect::<Option<_>>()
            .map(Exact::Object),
        _ => None,
    }
}
