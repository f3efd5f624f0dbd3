//! Object-constructor keys hclsyntax reads without evaluating them
//! (ObjectConsKeyExpr): refused dotted paths and keyword names.

use hcl_edit::expr::Expression;

use super::{hcl_error, EvalError};
use crate::jobspec::model::Value;
use crate::source::Span;

/// A key hclsyntax does not evaluate: a dotted path or a keyword.
pub(super) fn bare(e: &Expression) -> bool {
    is_naked_path(e) || keyword_key(e).is_some()
}

/// The key [`bare`] reads: a keyword's name, or ObjectConsKeyExpr.Value's
/// refusal of a dotted bare key, at the key.
pub(super) fn literal(e: &Expression, key: Span) -> Result<Value, EvalError> {
    if let Some(k) = keyword_key(e) {
        return Ok(Value::String(k.to_string()));
    }
    Err(hcl_error(
        key,
        "Ambiguous attribute key",
        "If this expression is intended to be a reference, wrap it in parentheses. If it's instead intended as a literal name containing periods, wrap it in quotes to create a string literal.",
        "",
    ))
}

/// hclsyntax's ObjectConsKeyExpr.Value (hclsyntax/expression.go:1311-1338
/// @v2.20.2-nomad-1): a bare traversal of more than one step as a key
/// (`{local.k = 1}`) is refused, not evaluated. The parser made a
/// ScopeTraversalExpr only of a name followed by attribute and literal index
/// steps (parser.go:884-900); a parenthesised key is an expression.
fn is_naked_path(e: &Expression) -> bool {
    use hcl_edit::expr::TraversalOperator as Op;
    let Expression::Traversal(t) = e else {
        return false;
    };
    matches!(t.expr, Expression::Variable(_))
        && !t.operators.is_empty()
        && t.operators.iter().all(|op| match op.value() {
            Op::GetAttr(_) | Op::LegacyIndex(_) => true,
            Op::Index(i) => matches!(
                i,
                Expression::Null(_)
                    | Expression::Bool(_)
                    | Expression::Number(_)
                    | Expression::String(_)
            ),
            Op::AttrSplat(_) | Op::FullSplat(_) => false,
        })
}

/// The keywords `null`, `true` and `false` as a bare key are the names
/// themselves (ObjectConsKeyExpr.literalName via LiteralValueExpr.AsTraversal,
/// hclsyntax/expression.go:84-110,1294-1301@v2.20.2-nomad-1).
fn keyword_key(e: &Expression) -> Option<&'static str> {
    match e {
        Expression::Null(_) => Some("null"),
        Expression::Bool(b) if *b.value() => Some("true"),
        Expression::Bool(_) => Some("false"),
        _ => None,
    }
}
