//! Evaluation diagnostics as hclsyntax words and gathers them.

use super::{EvalError, Fail, R};
use crate::jobspec::model::Value;
use crate::source::Span;

/// An hcl.Diagnostic as hclsyntax words it: `Summary; Detail`, which
/// Diagnostic.Error() prints after its subject range.
pub fn hcl_error(
    span: Span,
    summary: &str,
    detail: impl Into<String>,
    help: impl Into<String>,
) -> EvalError {
    EvalError::new(span, format!("{summary}; {}", detail.into()), help)
}

/// Is `message` worded by hclsyntax's evaluation (one of [`SUMMARIES`])?
pub fn is_hcl_worded(message: &str) -> bool {
    message
        .split_once("; ")
        .is_some_and(|(summary, _)| SUMMARIES.contains(&summary))
        || is_duplicate_block(message)
}

/// A block written twice in jobspec2's words: gohcl's `Duplicate x block;
/// Only one x block is allowed. ...` (decode.go decodeBodyToStruct) or
/// decodeAsAttribute's `Duplicate meta block; meta may not be defined more
/// than once. ...` (hcl_conversions.go, 1.0.4+; see
/// [`is_argument_and_block`]).
pub fn is_duplicate_block(message: &str) -> bool {
    message.split_once("; ").is_some_and(|(summary, detail)| {
        summary.starts_with("Duplicate ")
            && summary.ends_with(" block")
            && (detail.starts_with("Only one ") || is_argument_and_block(message))
    })
}

/// decodeAsAttribute's refusal of a block beside the argument, which it
/// makes before the body's own decoding (and the group's decoder returns
/// at it): its place among the body's other errors is not gohcl's walk.
pub fn is_argument_and_block(message: &str) -> bool {
    message.contains(" may not be defined more than once. Another definition is defined at ")
}

/// The evaluation summaries we word as hclsyntax does
/// (hclsyntax/expression.go, expression_template.go; typeexpr's for
/// `convert`).
const SUMMARIES: &[&str] = &[
    "Ambiguous attribute key",
    "Call to unknown function",
    "Condition is null",
    "Duplicate object key",
    "Error in function call",
    // A nil EvalContext's refusals (var_file_values.rs, var_decl.rs).
    "Function calls not allowed",
    // go-cty refusing a variable's default (var_decl.rs).
    "Invalid default value for variable",
    "Inconsistent conditional result types",
    "Incorrect condition type",
    "Incorrect key type",
    "Invalid 'for' condition",
    // hcl's ext/dynblock (tree.rs).
    "Invalid dynamic for_each value",
    "Invalid dynamic block label",
    "Extraneous dynamic block label",
    "Insufficient dynamic block labels",
    // hcl.ExprList of a dynamic block's labels (tree.rs).
    "Invalid expression",
    "Invalid expanding argument value",
    "Invalid function argument",
    "Invalid object key",
    "Invalid operand",
    // jobspec2's decoding of a variable's validation block (var_validation.rs).
    "Invalid reference in variable validation",
    "Invalid template interpolation value",
    "Invalid type specification",
    "Invalid validation error message",
    // jobspec2's decodeTaskScalingPolicies (lower/strategy.rs).
    "Invalid scaling policy name",
    "Invalid group scaling type",
    "Invalid scaling policy type",
    "Duplicate scaling \"cpu\" block",
    "Duplicate scaling \"mem\" block",
    "Invalid variable validation condition",
    "Invalid variable validation result",
    "Invalid variable validation specification",
    // jobspec2's decodeVariableBlock and decodeVariable (var_decl.rs).
    "Invalid variable name",
    "Duplicate variable",
    "Iteration over non-iterable value",
    "Iteration over null value",
    "Missing required argument",
    "Not enough function arguments",
    "Null condition",
    "Null value as key",
    "Operation failed",
    "Too many function arguments",
    "Unsupported attribute",
    // hcl ops.go Index and GetAttr (access.rs).
    "Invalid index",
    "Attempt to index null value",
    "Attempt to get attribute from null value",
    "Missing map element",
    "Variables not allowed",
    // jobspec2's decodeDuration of a null (decode_type.rs, 1.9.7+).
    "Unsuitable value",
];

/// Sibling expressions' results, as hclsyntax gathers them: each one is
/// evaluated and its errors kept before the whole gives up.
#[derive(Default)]
pub(super) struct Gather {
    errs: Vec<EvalError>,
    runtime: bool,
}

impl Gather {
    /// The value, or None after noting why there is none.
    pub(super) fn take(&mut self, r: R) -> Option<Value> {
        match r {
            Ok(v) => Some(v),
            Err(Fail::Err(e)) => {
                self.errs.extend(e.all());
                None
            }
            Err(Fail::Runtime) => {
                self.runtime = true;
                None
            }
        }
    }

    pub(super) fn push(&mut self, e: EvalError) {
        self.errs.extend(e.all());
    }

    /// Every error gathered, the first carrying the rest; else run time
    /// if an operand was only known then.
    pub(super) fn finish(self) -> Result<(), Fail> {
        let mut errs = self.errs.into_iter();
        match errs.next() {
            Some(mut first) => {
                first.more = errs.collect();
                Err(Fail::Err(first))
            }
            None if self.runtime => Err(Fail::Runtime),
            None => Ok(()),
        }
    }
}
