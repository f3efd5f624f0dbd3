//! Unary and binary operators as hclsyntax's UnaryOpExpr and BinaryOpExpr
//! evaluate them (expression_ops.go, the same in hcl 2.7 and 2.20.2):
//! both operands are always evaluated (no short circuit for `&&` and
//! `||`), each converted to the operation's parameter type (`Invalid
//! operand` at the operand), then the cty operation runs (`Operation
//! failed` at the whole expression, for a null operand among others).

use super::*;
use crate::jobspec::cty_number;
use crate::jobspec::functions::params::{cty_release, Ty};
use crate::jobspec::hclsyntax::Era;

impl Scope<'_> {
    /// ConditionalExpr.Value: both results are evaluated first and their
    /// types unified; then the condition; only the chosen result's errors
    /// are reported.
    pub(super) fn conditional(&mut self, c: &hcl_edit::expr::Conditional) -> R {
        let t = self.ev(&c.true_expr);
        let f = self.ev(&c.false_expr);
        // Each result's primitive kind (string, number, bool), for the
        // unification below.
        let prim = |v: &R| match v {
            Ok(Value::String(_)) => Some(0),
            Ok(Value::Number(_)) => Some(1),
            Ok(Value::Bool(_)) => Some(2),
            _ => None,
        };
        let (t_kind, f_kind) = (prim(&t), prim(&f));
        if let (Ok(tv), Ok(fv)) = (&t, &f) {
            if let Some(detail) = self.inconsistent(tv, fv) {
                let (a, b) = (self.range(&c.true_expr), self.range(&c.false_expr));
                return Err(hcl_error(
                    Span::new(a.start.min(b.start), a.end.max(b.end)),
                    "Inconsistent conditional result types",
                    format!("The true and false result expressions must have consistent types. {detail}."),
                    "",
                )
                .into());
            }
        }
        let chosen = if self.condition(&c.cond_expr)? { t } else { f };
        // convert.UnifyUnsafe of two primitive types (hashicorp/hcl
        // hclsyntax/expression.go ConditionalExpr.Value@v2.20.1; go-cty
        // cty/convert/unify.go@v1.18.1): a string with a number or bool
        // unifies to string, and the chosen result is converted to it.
        let (Some(kt), Some(kf)) = (t_kind, f_kind) else {
            return chosen;
        };
        if kt == kf {
            return chosen;
        }
        if kt != 0 && kf != 0 {
            // Number and bool: no unsafe conversion either way.
            return Err(EvalError {
                code: functions::FUNCTION_CANNOT_TELL,
                ..EvalError::new(
                    self.range(&c.true_expr),
                    "cannot tell what Nomad says of a conditional whose results are a number and a bool",
                    "",
                )
            }
            .into());
        }
        Ok(match chosen? {
            Value::Number(n) => Value::String(fmt_number(n)),
            Value::Bool(b) => Value::String(b.to_string()),
            v => v,
        })
    }

    /// The results' types when no type unifies them (convert.UnifyUnsafe
    /// fails): a primitive and a collection, or a tuple and an object.
    /// Other combinations are left to unify (we do not model them all).
    fn inconsistent(&self, t: &Value, f: &Value) -> Option<String> {
        let kind = |v: &Value| match v {
            Value::List(_) => 1,
            Value::Map(_) => 2,
            Value::Null => 3,
            _ => 0,
        };
        let (kt, kf) = (kind(t), kind(f));
        if kt == kf || kt == 3 || kf == 3 {
            return None;
        }
        let (tn, fname) = (functions::friendly_name(t), functions::friendly_name(f));
        Some(match Era::of(self.fns.version) {
            Some(Era::Hcl2_20) => {
                format!("The 'true' value is {tn}, but the 'false' value is {fname}")
            }
            _ => format!("The given expressions are {tn} and {fname}, respectively"),
        })
    }

    pub(super) fn unary(&mut self, u: &hcl_edit::expr::UnaryOp, whole: &Expression) -> R {
        let v = self.ev(&u.expr)?;
        let ty = match u.operator.value() {
            UnaryOperator::Neg => Ty::Number,
            UnaryOperator::Not => Ty::Bool,
        };
        if let Some(why) = functions::mismatch(&v, &ty, cty_release(self.fns.version)) {
            return Err(hcl_error(
                self.range(&u.expr),
                "Invalid operand",
                format!("Unsuitable value for unary operand: {why}."),
                "",
            )
            .into());
        }
        Ok(match (&ty, v) {
            (_, Value::Null) => return Err(null_operand(self.range(whole)).into()),
            (Ty::Number, v) => Value::Number(-to_number(&v).unwrap_or(0.0)),
            (_, v) => Value::Bool(!as_bool(&v)),
        })
    }

    pub(super) fn binary(&mut self, b: &hcl_edit::expr::BinaryOp, whole: &Expression) -> R {
        use BinaryOperator::*;
        let op = *b.operator.value();
        let ty = match op {
            And | Or => Ty::Bool,
            Eq | NotEq => Ty::Any,
            _ => Ty::Number,
        };
        let cty = cty_release(self.fns.version);
        let mut gather = Gather::default();
        let l = gather.take(self.ev(&b.lhs_expr));
        let r = gather.take(self.ev(&b.rhs_expr));
        for (side, v, e) in [("left", &l, &b.lhs_expr), ("right", &r, &b.rhs_expr)] {
            if let Some(why) = v.as_ref().and_then(|v| functions::mismatch(v, &ty, cty)) {
                gather.push(hcl_error(
                    self.range(e),
                    "Invalid operand",
                    format!("Unsuitable value for {side} operand: {why}."),
                    "",
                ));
            }
        }
        gather.finish()?;
        let (Some(l), Some(r)) = (l, r) else {
            return Err(Fail::Runtime);
        };
        let at = self.range(whole);
        if ty != Ty::Any && (l == Value::Null || r == Value::Null) {
            return Err(null_operand(at).into());
        }
        if ty == Ty::Bool {
            let (x, y) = (as_bool(&l), as_bool(&r));
            return Ok(Value::Bool(if op == And { x && y } else { x || y }));
        }
        let (x, y) = (to_number(&l).unwrap_or(0.0), to_number(&r).unwrap_or(0.0));
        // From 1.0, go-cty's big.Float: a string operand converts as a
        // literal does, and arithmetic is followed only where exact
        // (cty_number.rs).
        let hcl2 = self.hcl1.is_none();
        if hcl2 && ty == Ty::Number {
            for (v, n, e) in [(&l, x, &b.lhs_expr), (&r, y, &b.rhs_expr)] {
                if let Value::String(s) = v {
                    if !cty_number::is_faithful(s, n) {
                        let what = format!("the string {:?} as a number", cty_number::shown(s));
                        return Err(self.number_unknown(self.range(e), &what).into());
                    }
                }
            }
        }
        let exact = |o: cty_number::Op, v: f64| -> R {
            if hcl2 && !cty_number::exact_op(o, x, y, v) {
                return Err(self.number_unknown(at, "this arithmetic").into());
            }
            Ok(Value::Number(v))
        };
        Ok(match op {
            Eq => Value::Bool(values_equal(&l, &r)),
            NotEq => Value::Bool(!values_equal(&l, &r)),
            Plus => exact(cty_number::Op::Add, x + y)?,
            Minus => exact(cty_number::Op::Sub, x - y)?,
            Mul => exact(cty_number::Op::Mul, x * y)?,
            // big.Float: x/0 is an infinity; only 0/0 panics, which cty
            // turns into this error.
            Div if x == 0.0 && y == 0.0 => {
                return Err(hcl_error(
                    at,
                    "Operation failed",
                    "Error during operation: can't divide zero by zero or infinity by infinity.",
                    "",
                )
                .into())
            }
            // x/0 is an infinity, as before; otherwise exact or untold.
            Div if y == 0.0 => Value::Number(x / y),
            Div => exact(cty_number::Op::Div, x / y)?,
            // cty's Modulo: anything modulo zero is itself.
            Mod if y == 0.0 => Value::Number(x),
            Mod => exact(cty_number::Op::Mod, x % y)?,
            Less => Value::Bool(x < y),
            LessEq => Value::Bool(x <= y),
            Greater => Value::Bool(x > y),
            GreaterEq => Value::Bool(x >= y),
            And | Or => Value::Bool(false),
        })
    }
}

/// cty's function.Call refuses a null operand (the operations' parameters
/// do not take one, except equality's).
fn null_operand(at: Span) -> EvalError {
    hcl_error(
        at,
        "Operation failed",
        "Error during operation: argument must not be null.",
        "",
    )
}

/// A bool as cty converts one (strings "true", "1", "false", "0").
fn as_bool(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => s == "true" || s == "1",
        _ => false,
    }
}
