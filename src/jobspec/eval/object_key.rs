//! Object constructors (hclsyntax's ObjectConsExpr) and the keys
//! hclsyntax reads without evaluating them (ObjectConsKeyExpr): refused
//! dotted paths and keyword names, and keys repeated in the text, which
//! the parser respelled (dup_keys.rs): the later one wins.

use std::collections::BTreeMap;

use hcl_edit::expr::{Expression, Object, ObjectKey};

use super::{charge, hcl_error, EvalError, Fail, Gather, Scope};
use crate::jobspec::dup_keys;
use crate::jobspec::model::Value;
use crate::source::Span;

impl Scope<'_> {
    /// ObjectConsExpr.Value: every key and value in order, the last of
    /// keys spelled alike winning (a map, no duplicate check).
    pub(super) fn object_cons(&mut self, o: &Object, sp: Span) -> Result<Value, Fail> {
        charge(o.len() as u64, 0, sp)?;
        let mut out = BTreeMap::new();
        let mut gather = Gather::default();
        // Key, then value, then the key's own checks, as
        // ObjectConsExpr.Value orders its diagnostics.
        for (k, v) in o.iter() {
            let respelled = self.hcl1.is_none().then(|| self.respelled(k)).flatten();
            let key = match k {
                _ if self.hcl1.is_some() => {
                    let key = match k {
                        ObjectKey::Ident(id) => self.hcl1_key(id),
                        ObjectKey::Expression(e) => self.hcl1_key(e),
                    };
                    key.map(|k| Ok(Value::String(k)))
                }
                _ if respelled.is_some() => match respelled.clone() {
                    None => None,
                    Some(dup_keys::Original::Name(n)) => Some(Ok(Value::String(n))),
                    Some(dup_keys::Original::Computed(at)) => {
                        // Read back at its own spans; reading it costs its
                        // offset in blanks.
                        charge(0, at.end as u64, sp)?;
                        match dup_keys::original_expr(self.text, at.clone()) {
                            Some(e) => self.computed_key(&e, v.expr(), &mut gather),
                            None => Some(Err(EvalError {
                                code: super::SHAPE_CANNOT_TELL,
                                ..EvalError::new(
                                    Span::new(at.start, at.end),
                                    "cannot tell what Nomad says of this job file: a repeated computed object key is not read again here",
                                    "write the key once",
                                )
                            })),
                        }
                    }
                },
                ObjectKey::Ident(id) => Some(Ok(Value::String(id.as_str().to_string()))),
                ObjectKey::Expression(e) if bare(e) => Some(literal(e, self.range(e))),
                ObjectKey::Expression(e) => self.computed_key(e, v.expr(), &mut gather),
            };
            let value = gather.take(self.ev(v.expr()));
            let key = match key {
                Some(Ok(Value::String(k))) => Some(k),
                Some(Ok(_)) | None => None,
                Some(Err(err)) => {
                    gather.push(err);
                    None
                }
            };
            if let (Some(key), Some(value)) = (key, value) {
                // ObjectVal normalises its attribute names.
                let key_sp = hcl_edit::Span::span(k).map_or(sp, |r| Span::new(r.start, r.end));
                match self.nfc(key, key_sp) {
                    Ok(key) => {
                        out.insert(key, value);
                    }
                    Err(err) => gather.push(err),
                }
            }
        }
        gather.finish()?;
        Ok(Value::Map(out))
    }

    /// ObjectConsKeyExpr.Value of a computed key `e` (of the value `v`):
    /// evaluated, a null refused at the value.
    fn computed_key(
        &mut self,
        e: &Expression,
        v: &Expression,
        gather: &mut Gather,
    ) -> Option<Result<Value, EvalError>> {
        gather.take(self.ev(e)).map(|kv| match &kv {
            Value::Null => Err(hcl_error(
                self.range(v),
                "Null value as key",
                "Can't use a null value as a key.",
                "",
            )),
            _ => self.object_key(&kv, e),
        })
    }

    /// A key as the original text writes it, where the parser read a
    /// respelling of a repeated key (dup_keys.rs).
    fn respelled(&self, k: &ObjectKey) -> Option<dup_keys::Original> {
        let (span, parsed) = match k {
            ObjectKey::Ident(id) => (hcl_edit::Span::span(id)?, id.as_str().to_string()),
            ObjectKey::Expression(e @ Expression::String(s)) => {
                (hcl_edit::Span::span(e)?, format!("\"{}\"", s.as_str()))
            }
            _ => return None,
        };
        dup_keys::original_key(self.text, span, &parsed)
    }
}

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
