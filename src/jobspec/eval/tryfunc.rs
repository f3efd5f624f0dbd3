//! hcl's ext/tryfunc: `try` and `can` evaluate their arguments' expressions
//! themselves, so an argument's error diagnostics are their answer, not
//! the call's failure. When every `try` argument fails, tryfunc's error
//! lists each diagnostic with its summary, file range and detail (the
//! same text in every hcl Nomad pins, 68a97f93bb48 to v2.20.2-nomad-1),
//! and hclsyntax wraps it as any function's error.
//!
//! An error of ours alone (a budget spent, a file we refuse to read, a
//! value whose kind we cannot tell) is not a diagnostic Nomad would have
//! had: the call is then not decided, and that error stands in its place.

use super::call::Arg;
use super::*;
use crate::jobspec::functions::params;

impl Scope<'_> {
    /// `try(expressions...)`: the first argument that evaluates without an
    /// error.
    pub(super) fn try_call(&mut self, f: &hcl_edit::expr::FuncCall, sp: Span) -> R {
        // An expanding final argument is evaluated first, as for any call;
        // its elements are values that cannot fail.
        let args = self.call_args(f)?;
        if args.is_empty() {
            // tryfunc's own check, a function error at the call.
            return Err(self
                .try_failed(f, sp, "at least one argument is required")
                .into());
        }
        let mut failed: Vec<EvalError> = Vec::new();
        for a in args {
            let e = match a {
                Arg::Value(v, _) => return Ok(v),
                Arg::Expr(e) => e,
            };
            match self.ev(e) {
                Ok(v) => return Ok(v),
                Err(Fail::Runtime) => return Err(Fail::Runtime),
                Err(Fail::Err(err)) => {
                    let all = err.all();
                    if let Some(ours) = all.iter().find(|e| undecided(e)) {
                        return Err(ours.clone().into());
                    }
                    failed.extend(all);
                }
            }
        }
        // Nomad's text needs every diagnostic in hclsyntax's words; one of
        // ours in other words keeps the refusal but not the text.
        if !failed.iter().all(|e| is_hcl_worded(&e.message)) {
            return Err(EvalError::new(
                sp,
                "Call to function \"try\" failed: no expression succeeded (tryfunc lists each argument's diagnostics; one of them is not worded here as hclsyntax words it)",
                "",
            )
            .into());
        }
        let mut text = String::from("no expression succeeded:\n");
        for e in &failed {
            let (summary, detail) = e.message.split_once("; ").unwrap_or((&e.message, ""));
            let at = crate::jobspec::hclsyntax::range_string(
                self.text,
                self.path,
                (e.span.start, e.span.end),
            );
            text.push_str(&format!("- {summary} (at {at})\n  {detail}\n"));
        }
        text.push_str("\nAt least one expression must produce a successful result");
        Err(self.try_failed(f, sp, &text).into())
    }

    /// `can(expression)`: whether it evaluates without an error.
    pub(super) fn can_call(&mut self, f: &hcl_edit::expr::FuncCall, sp: Span) -> R {
        // One expression, counted as any call's arguments are.
        let args = self.call_args(f)?;
        if let Some(sig) = params::signature("can", self.fns.version) {
            self.check_count("can", &sig, &args, sp)?;
        }
        for a in args {
            let Arg::Expr(e) = a else { continue };
            match self.ev(e) {
                Ok(_) => {}
                Err(Fail::Runtime) => return Err(Fail::Runtime),
                Err(Fail::Err(err)) => {
                    return match err.all().into_iter().find(undecided) {
                        Some(ours) => Err(ours.into()),
                        None => Ok(Value::Bool(false)),
                    };
                }
            }
        }
        Ok(Value::Bool(true))
    }

    /// hclsyntax's `Error in function call` for `try`, at the call's start.
    fn try_failed(&self, f: &hcl_edit::expr::FuncCall, sp: Span, msg: &str) -> EvalError {
        hcl_error(
            self.call_start(f, sp),
            "Error in function call",
            format!("Call to function \"try\" failed: {msg}."),
            "",
        )
    }
}

/// An error that is ours alone, where Nomad's answer is not known: the
/// evaluation budget, a read we refuse, a value we cannot tell.
pub fn undecided(e: &EvalError) -> bool {
    untold_code(e.code)
        || e.message.contains("cannot tell")
        || e.message.contains("nomad-preflight")
}

/// The codes of an evaluation's "cannot tell" ([`undecided`]'s typed
/// part): a diagnostic of one is a finding that cannot tell.
pub fn untold_code(code: &str) -> bool {
    matches!(
        code,
        super::BUDGET
            | super::FILE_ACCESS
            | shape::SHAPE_CANNOT_TELL
            | crate::jobspec::cty_number::NUMBER_CANNOT_TELL
            | super::nfc::NFC_CANNOT_TELL
            | crate::jobspec::functions::FUNCTION_CANNOT_TELL
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: &'static str, message: &str) -> EvalError {
        EvalError {
            code,
            ..EvalError::new(Span::default(), message, "")
        }
    }

    #[test]
    fn only_our_own_refusals_leave_the_call_undecided() {
        assert!(undecided(&err(
            "jobspec::budget",
            "Evaluation too large: x"
        )));
        assert!(undecided(&err(
            "jobspec::file-access",
            "Error in function call `file`: refusing to read"
        )));
        assert!(undecided(&err(
            "jobspec::eval",
            "function \"x\" is in Nomad's table but not evaluated by nomad-preflight"
        )));
        assert!(!undecided(&err(
            "jobspec::eval",
            "Invalid function argument; Invalid value for \"str\" parameter: string required."
        )));
        assert!(!undecided(&err(
            "jobspec::missing-variable",
            "Reference to undeclared input variable \"x\""
        )));
    }
}
