//! `for` expressions as hclsyntax's ForExpr.Value evaluates them, with its
//! diagnostics: the collection must be iterable and not null; a
//! condition that does not depend on the iteration is checked once
//! before the loop (`Condition is null`), and in the loop a null or
//! non-bool condition and a null or non-string key are reported once
//! (the result is then unknown), while errors in the condition, key and
//! value expressions and every duplicate key are reported at each
//! iteration.

use super::*;
use crate::jobspec::functions::params::{cty_release, Ty};

impl Scope<'_> {
    pub(super) fn for_expr(&mut self, f: &hcl_edit::expr::ForExpr) -> R {
        let coll_expr = &f.intro.collection_expr;
        let coll = self.ev(coll_expr)?;
        let kname = f.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let vname = f.intro.value_var.as_str().to_string();
        let items = self.iterable(&coll, coll_expr, kname.as_deref(), &|| {
            let mut text = self.src(&f.value_expr);
            for e in f.key_expr.iter().chain(f.cond.as_ref().map(|c| &c.expr)) {
                text.push(' ');
                text.push_str(&self.src(e));
            }
            text
        })?;
        let cty = cty_release(self.fns.version);
        let cond_range = f.cond.as_ref().map(|c| self.range(&c.expr));
        if let Some(c) = &f.cond {
            let names = [kname.as_deref(), Some(vname.as_str())];
            if !mentions(&self.src(&c.expr), &names) {
                self.precheck(&c.expr, cty)?;
            }
        }
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut gather = Gather::default();
        // Once a condition or key is unusable the result is unknown, and
        // hclsyntax stops reporting those (not the other errors).
        let mut known = true;
        let sp = span_of(f);
        for (k, v) in items {
            // Each iteration copies its key and value into the bindings.
            crate::jobspec::budget::charge_copy(&k)
                .and_then(|_| crate::jobspec::budget::charge_copy(&v))
                .map_err(|m| budget_error(sp, m))?;
            let base = self.bindings.len();
            if let Some(kn) = &kname {
                self.bindings.push((kn.clone(), k));
            }
            self.bindings.push((vname.clone(), v));
            let step = self.iteration(f, cty, cond_range, &mut known, &mut gather);
            self.bindings.truncate(base);
            let Some((key, value)) = step else { continue };
            match key {
                None => list.push(value),
                Some(k) if f.grouping => {
                    if let Value::List(l) = map.entry(k).or_insert_with(|| Value::List(vec![])) {
                        l.push(value);
                    }
                }
                Some(k) if map.contains_key(&k) => {
                    let at = f.key_expr.as_ref().map_or(sp, |e| self.range(e));
                    gather.push(hcl_error(
                        at,
                        "Duplicate object key",
                        format!(
                            "Two different items produced the key {} in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.",
                            crate::gotext::go_quote(&k)
                        ),
                        "",
                    ));
                }
                Some(k) => {
                    map.insert(k, value);
                }
            }
        }
        gather.finish()?;
        if !known {
            return Err(Fail::Runtime);
        }
        Ok(if f.key_expr.is_some() {
            Value::Map(map)
        } else {
            Value::List(list)
        })
    }

    /// The `(key, value)` pairs of a `for` expression's (or directive's)
    /// collection: a null or a primitive is refused at the collection.
    /// `key`: the key's name, if one is bound; `body`: the text that may
    /// use it (read only where a list's kind is not known).
    pub(super) fn iterable(
        &self,
        coll: &Value,
        at: &Expression,
        key: Option<&str>,
        body: &dyn Fn() -> String,
    ) -> Result<Vec<(Value, Value)>, Fail> {
        match coll {
            Value::Null => Err(hcl_error(
                self.range(at),
                "Iteration over null value",
                "A null value cannot be used as the collection in a 'for' expression.",
                "",
            )
            .into()),
            Value::String(_) | Value::Number(_) | Value::Bool(_) => Err(hcl_error(
                self.range(at),
                "Iteration over non-iterable value",
                format!(
                    "A value of type {} cannot be used as the collection in a 'for' expression.",
                    type_name(coll)
                ),
                "a for expression needs a list, set or map",
            )
            .into()),
            _ => Ok(self.keyed_pairs(coll, at, || {
                key.is_some_and(|k| mentions(&body(), &[Some(k)]))
            })?),
        }
    }

    /// A collection's `(key, value)` pairs as go-cty's ElementIterator
    /// gives them: a map's keys, a list's or tuple's indexes, a set's
    /// elements themselves (shape.rs [`ListKind`]). Where whether a list
    /// is a set is not known and `key_used()` says the key is read, the
    /// answer is "cannot tell"; an unread key makes no difference.
    pub fn keyed_pairs(
        &self,
        coll: &Value,
        at: &Expression,
        key_used: impl FnOnce() -> bool,
    ) -> Result<Vec<(Value, Value)>, EvalError> {
        let Value::List(items) = coll else {
            return Ok(iter_pairs(coll).unwrap_or_default());
        };
        match self.list_kind(at, coll) {
            shape::ListKind::Set => Ok(items.iter().map(|v| (v.clone(), v.clone())).collect()),
            shape::ListKind::Unknown if !items.is_empty() && key_used() => Err(EvalError {
                code: shape::SHAPE_CANNOT_TELL,
                ..EvalError::new(
                    self.range(at),
                    format!(
                        "cannot tell what Nomad {} binds as this iteration's key: over a set it is each element itself, over a list or tuple its index, and which of the two this collection is is not known here",
                        self.fns.version
                    ),
                    "say which it is with convert(..., list(string)) or convert(..., set(string)) (or the element type it holds)",
                )
            }),
            _ => Ok(iter_pairs(coll).unwrap_or_default()),
        }
    }

    /// The condition evaluated once with the iteration's names unknown.
    fn precheck(
        &mut self,
        cond: &Expression,
        cty: crate::version::NomadVersion,
    ) -> Result<(), Fail> {
        let v = self.ev(cond)?;
        let at = self.range(cond);
        if matches!(v, Value::Null) {
            return Err(hcl_error(
                at,
                "Condition is null",
                "The value of the 'if' clause must not be null.",
                "",
            )
            .into());
        }
        if let Some(why) = functions::mismatch(&v, &Ty::Bool, cty) {
            return Err(hcl_error(
                at,
                "Invalid 'for' condition",
                format!("The 'if' clause value is invalid: {why}."),
                "",
            )
            .into());
        }
        Ok(())
    }

    /// One element: None when it is left out (condition false or
    /// unusable, key unusable, or an error gathered).
    fn iteration(
        &mut self,
        f: &hcl_edit::expr::ForExpr,
        cty: crate::version::NomadVersion,
        cond_range: Option<Span>,
        known: &mut bool,
        gather: &mut Gather,
    ) -> Option<(Option<String>, Value)> {
        if let (Some(c), Some(at)) = (&f.cond, cond_range) {
            let v = gather.take(self.ev(&c.expr))?;
            let bad = match &v {
                Value::Null => Some("The value of the 'if' clause must not be null.".to_string()),
                v => functions::mismatch(v, &Ty::Bool, cty)
                    .map(|why| format!("The 'if' clause value is invalid: {why}.")),
            };
            if let Some(detail) = bad {
                if *known {
                    gather.push(hcl_error(at, "Invalid 'for' condition", detail, ""));
                }
                *known = false;
                return None;
            }
            if !is_true(&v) {
                return None;
            }
        }
        let key = match &f.key_expr {
            Some(ke) => {
                let k = gather.take(self.ev(ke))?;
                let bad = match &k {
                    Value::Null => Some(
                        "Key expression in 'for' expression must not produce a null value."
                            .to_string(),
                    ),
                    k => functions::mismatch(k, &Ty::String, cty).map(|why| {
                        format!("The key expression produced an invalid result: {why}.")
                    }),
                };
                if let Some(detail) = bad {
                    if *known {
                        gather.push(hcl_error(self.range(ke), "Invalid object key", detail, ""));
                    }
                    *known = false;
                    return None;
                }
                to_string(&k)
            }
            None => None,
        };
        let value = gather.take(self.ev(&f.value_expr))?;
        Some((key, value))
    }
}

/// A converted condition: `true`, or a string cty reads as true.
fn is_true(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => s == "true" || s == "1",
        _ => false,
    }
}

/// Does `text` use one of `names` as an identifier? (A name inside a
/// string literal counts too: then the check waits for the loop.)
fn mentions(text: &str, names: &[Option<&str>]) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .any(|w| names.iter().flatten().any(|n| *n == w))
}
