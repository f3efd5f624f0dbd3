//! Whether a map value is a cty object or a cty map, where that changes an
//! answer. Our values do not carry the difference; go-cty's `length`
//! (stdlib.LengthFunc, every go-cty Nomad pins) counts a map but refuses
//! an object: `length({a = 1})` fails with `collection must be a list, a
//! map or a tuple` (tests/hcl-oracle/hcleval.go). The shape is read off
//! the argument's expression where it is certain, and otherwise said to
//! be unknown, never guessed.

use hcl_edit::expr::{Expression, TraversalOperator};

use super::Scope;
use crate::jobspec::model::Value;

/// The cty kind of a map value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Shape {
    Object,
    Map,
    Unknown,
}

/// The one code for a call whose answer depends on a shape not known.
pub const SHAPE_CANNOT_TELL: &str = "jobspec::shape-cannot-tell";

impl Scope<'_> {
    /// The kind of the map `e` evaluates to:
    /// - an object constructor, or a `for` expression with a key
    ///   (ForExpr.Value builds an object), is an object;
    /// - `var.NAME`: a map where the variable's type is `map(...)`; any
    ///   other variable holding a map took its value's own type (no
    ///   constraint, `any` or `object(...)`): an object;
    /// - `local.NAME`: as its known type says (arg_type.rs);
    /// - anything else (loop bindings, function results): unknown.
    pub(super) fn map_shape(&self, e: &Expression) -> Shape {
        match e {
            Expression::Object(_) => Shape::Object,
            Expression::ForExpr(f) if f.key_expr.is_some() => Shape::Object,
            Expression::Parenthesis(p) => self.map_shape(p.inner()),
            Expression::Traversal(t) => {
                let shadowed = self.bindings.iter().any(|(n, _)| n == "var");
                let local = self.bindings.iter().any(|(n, _)| n == "local");
                match (&t.expr, t.operators.as_slice()) {
                    // A local's type where it is known (arg_type.rs).
                    (Expression::Variable(root), [op]) if root.as_str() == "local" && !local => {
                        use crate::jobspec::var_convert::Exact;
                        match op.value() {
                            TraversalOperator::GetAttr(id) => {
                                match self.local_types.get(id.as_str()) {
                                    Some(Exact::Object(_)) => Shape::Object,
                                    Some(Exact::Map(_)) => Shape::Map,
                                    _ => Shape::Unknown,
                                }
                            }
                            _ => Shape::Unknown,
                        }
                    }
                    (Expression::Variable(root), [op]) if root.as_str() == "var" && !shadowed => {
                        match op.value() {
                            TraversalOperator::GetAttr(id)
                                if self.map_vars.contains(id.as_str()) =>
                            {
                                Shape::Map
                            }
                            TraversalOperator::GetAttr(_) => Shape::Object,
                            _ => Shape::Unknown,
                        }
                    }
                    _ => Shape::Unknown,
                }
            }
            _ => Shape::Unknown,
        }
    }
}

/// Whether a list value is a cty set: a `for` expression, a `%{ for }`
/// and a dynamic block bind each element of a set as its own key (go-cty
/// cty/element_iterator.go setElementIterator.Element returns the value
/// twice; hclsyntax ForExpr.Value and ext/dynblock take it), and a list's
/// or tuple's index otherwise (R16-31).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum ListKind {
    Set,
    Sequence,
    Unknown,
}

/// The functions of jobspec2's table (jobspec2/functions.go, v1.0.0 to
/// v2.0.5) whose result is always a list or a tuple, never a set.
const SEQUENCE_FUNCTIONS: &[&str] = &[
    "chunklist",
    "cidrsubnets",
    "coalescelist",
    "compact",
    "concat",
    "csvdecode",
    "distinct",
    "flatten",
    "formatlist",
    "jsondecode",
    "keys",
    "range",
    "slice",
    "sort",
    "split",
    "values",
    "yamldecode",
];

/// The functions whose result is always a set (go-cty stdlib's
/// SetIntersectionFunc and SetUnionFunc, go-cty-funcs' fileset).
const SET_FUNCTIONS: &[&str] = &["setintersection", "setunion", "fileset"];

impl Scope<'_> {
    /// The kind of the list `e` evaluates to (its value `v`), read off the
    /// expression as [`Scope::map_shape`] does: constructors and `for`
    /// expressions are tuples; a function's result where its kind is fixed;
    /// `setproduct` a set if any argument is one (go-cty SetProductFunc); a
    /// variable, a local or `convert()` as its known type says (arg_type.rs);
    /// anything else unknown.
    pub(super) fn list_kind(&self, e: &Expression, v: &Value) -> ListKind {
        use crate::jobspec::var_convert::Exact;
        match e {
            Expression::Array(_) | Expression::ForExpr(_) => ListKind::Sequence,
            Expression::Parenthesis(p) => self.list_kind(p.inner(), v),
            Expression::Conditional(c) => {
                let a = self.list_kind(&c.true_expr, v);
                if a == self.list_kind(&c.false_expr, v) {
                    a
                } else {
                    ListKind::Unknown
                }
            }
            Expression::FuncCall(f) if SET_FUNCTIONS.contains(&f.name.name.as_str()) => {
                ListKind::Set
            }
            Expression::FuncCall(f) if SEQUENCE_FUNCTIONS.contains(&f.name.name.as_str()) => {
                ListKind::Sequence
            }
            Expression::FuncCall(f)
                if f.name.name.as_str() == "setproduct" && !f.args.expand_final() =>
            {
                // The arguments' values are not at hand: their kinds are
                // read off their expressions alone.
                let kinds: Vec<ListKind> = f
                    .args
                    .iter()
                    .map(|a| self.list_kind(a, &Value::Null))
                    .collect();
                if kinds.contains(&ListKind::Set) {
                    ListKind::Set
                } else if kinds.iter().all(|k| *k == ListKind::Sequence) {
                    ListKind::Sequence
                } else {
                    ListKind::Unknown
                }
            }
            _ => match self.known_type(e, v) {
                Some(Exact::Set(_)) => ListKind::Set,
                Some(Exact::List(_) | Exact::Tuple(_)) => ListKind::Sequence,
                _ => ListKind::Unknown,
            },
        }
    }
}
