//! Whether a map value is a cty object or a cty map, where that changes an
//! answer. Our values do not carry the difference; go-cty's `length`
//! (stdlib.LengthFunc, every go-cty Nomad pins) counts a map but refuses
//! an object: `length({a = 1})` fails with `collection must be a list, a
//! map or a tuple` (tests/hcl-oracle/hcleval.go). The shape is read off
//! the argument's expression where it is certain, and otherwise said to
//! be unknown, never guessed.

use hcl_edit::expr::{Expression, TraversalOperator};

use super::Scope;

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
