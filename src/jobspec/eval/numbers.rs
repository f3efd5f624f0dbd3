//! Number literals from 1.0, as go-cty holds them (cty_number.rs).

use super::*;
use crate::jobspec::cty_number;

impl Scope<'_> {
    /// A number literal. From 1.0 go-cty holds it in 512 bits: one a
    /// 64-bit float does not hold as written is "cannot tell"; before,
    /// hcl v1's float64 (hcl1_literal) is ours.
    pub(super) fn number_literal(&self, x: f64, expr: &Expression) -> R {
        if self.hcl1.is_none() {
            let text = self.src(expr);
            if !cty_number::is_faithful(&text, x) {
                let what = format!("the number {}", cty_number::shown(&text));
                return Err(self.number_unknown(span_of(expr), &what).into());
            }
            // hcl-edit reads `-0` as one literal, an integer without a
            // sign; hclsyntax reads a negation of 0, and cty's Negate
            // keeps big.Float's sign (value_ops.go): `-0`.
            if x == 0.0 && text.trim_start().starts_with('-') {
                return Ok(Value::Number(-0.0));
            }
        }
        Ok(Value::Number(x))
    }

    /// The "cannot tell" of a number whose go-cty value may differ from
    /// our f64, at `sp`.
    pub(super) fn number_unknown(&self, sp: Span, what: &str) -> EvalError {
        EvalError {
            code: cty_number::NUMBER_CANNOT_TELL,
            ..EvalError::new(
                sp,
                cty_number::reason(self.fns.version, what),
                cty_number::HELP,
            )
        }
    }
}
