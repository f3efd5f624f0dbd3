//! Unary and binary operators as hclsyntax's UnaryOpExpr and BinaryOpExpr
//! evaluate them (expression_ops.go, the same in hcl 2.7 and 2.20.2):
//! both operands are always evaluated (no short circuit for `&&` and
//! `||`), each converted to the operation's parameter type (`Invalid
//! operand` at the operand), then the cty operation runs (`Operation
//! failed` at the whole expression, for a null operand among others).

use super::*;
use crate::jobspec::cty_number;
use crate::jobspec::functions::params::{cty_release, Ty};
use crate::jobspec::functions::typed_calls::ArgType;
use crate::jobspec::functions::unify::{unify, Unified};
use crate::jobspec::hclsyntax::Era;
use crate::jobspec::var_convert::Exact;

fn is_primitive(t: &Exact) -> bool {
    matches!(t, Exact::String | Exact::Number | Exact::Bool)
}

impl Scope<'_> {
    /// ConditionalExpr.Value: both results are evaluated first and their
    /// types unified; then the condition; only the chosen result's errors
    /// are reported.
    pub(super) fn conditional(&mut self, c: &hcl_edit::expr::Conditional) -> R {
        let t = self.ev(&c.true_expr);
        let f = self.ev(&c.false_expr);
        if let (Ok(tv), Ok(fv)) = (&t, &f) {
            if let Some(detail) = self.inconsistent(tv, fv) {
                return Err(self.inconsistent_error(c, &detail).into());
            }
        }
        // What is known of both results' types, for the unification
        // below (arg_type.rs).
        let types = match (&t, &f) {
            (Ok(tv), Ok(fv)) => Some((
                self.arg_type(&c.true_expr, tv),
                self.arg_type(&c.false_expr, fv),
            )),
            _ => None,
        };
        let chosen = if self.condition(&c.cond_expr)? { t } else { f };
        let Some((tt, ft)) = types else {
            return chosen;
        };
        let chosen = chosen?;
        self.unify_results(c, chosen, tt, ft)
    }

    /// convert.UnifyUnsafe of both results' types, the chosen result
    /// converted to it (hashicorp/hcl hclsyntax/expression.go
    /// ConditionalExpr.Value@v2.20.1; go-cty cty/convert/unify.go,
    /// functions/unify.rs): `c ? 3 : "auto"` is the string "3", `c ? [1]
    /// : ["a"]` the tuple `["1"]`, `c ? {a = 1, b = "x"} : {}` a map of
    /// strings. Where a result's type is not known and the answer would
    /// depend on it, "cannot tell".
    fn unify_results(
        &self,
        c: &hcl_edit::expr::Conditional,
        chosen: Value,
        tt: ArgType,
        ft: ArgType,
    ) -> R {
        let cty = cty_release(self.fns.version);
        let cannot_tell = || -> Fail {
            EvalError {
                code: functions::FUNCTION_CANNOT_TELL,
                ..EvalError::new(
                    self.range(&c.true_expr),
                    "cannot tell what Nomad makes of this conditional: hcl converts the chosen result to the type both results unify to, and the type of a result that holds a null or an empty collection is not known to nomad-preflight",
                    "",
                )
            }
            .into()
        };
        let (Some(a), Some(b)) = (tt.ty(), ft.ty()) else {
            // A null is null whatever its type.
            return if chosen == Value::Null {
                Ok(chosen)
            } else {
                Err(cannot_tell())
            };
        };
        let kind_known = matches!((&tt, &ft), (ArgType::Known(_), ArgType::Known(_)));
        match unify(&[a.clone(), b.clone()], cty) {
            Unified::To(to) => match crate::jobspec::var_convert::convert(&chosen, &to, cty) {
                Ok(v) if kind_known || v == chosen => Ok(v),
                _ => Err(cannot_tell()),
            },
            // Number and bool: hcl's own words (a collection's detail is
            // not followed here).
            Unified::Fails if is_primitive(a) && is_primitive(b) => {
                let (x, y) = (a.name(), b.name());
                Err(self
                    .inconsistent_error(c, &self.mismatch_detail(&x, &y))
                    .into())
            }
            Unified::Fails => Err(EvalError {
                code: functions::FUNCTION_CANNOT_TELL,
                ..EvalError::new(
                    self.range(&c.true_expr),
                    "cannot tell hcl's words for this conditional: its results' types do not unify (\"Inconsistent conditional result types\"), and its detail for collections is not followed by nomad-preflight",
                    "",
                )
            }
            .into()),
            Unified::CannotTell => Err(cannot_tell()),
        }
    }

    fn inconsistent_error(&self, c: &hcl_edit::expr::Conditional, detail: &str) -> EvalError {
        let (a, b) = (self.range(&c.true_expr), self.range(&c.false_expr));
        hcl_error(
            Span::new(a.start.min(b.start), a.end.max(b.end)),
            "Inconsistent conditional result types",
            format!("The true and false result expressions must have consistent types. {detail}."),
            "",
        )
    }

    fn mismatch_detail(&self, tn: &str, fname: &str) -> String {
        match Era::of(self.fns.version) {
            Some(Era::Hcl2_20) => {
                format!("The 'true' value is {tn}, but the 'false' value is {fname}")
            }
            _ => format!("The given expressions are {tn} and {fname}, respectively"),
        }
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
        Some(self.mismatch_detail(tn, fname))
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
