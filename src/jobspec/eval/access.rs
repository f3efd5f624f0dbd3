//! Reading values out of the scope: traversals (`var.x[0].y`).

use super::*;

impl Scope<'_> {
    pub(super) fn lookup(&self, name: &str) -> Option<Value> {
        if let Some((_, v)) = self.bindings.iter().rev().find(|(n, _)| n == name) {
            return Some(v.clone());
        }
        match name {
            "var" => Some(Value::Map(self.vars.clone())),
            "local" => Some(Value::Map(self.locals.clone())),
            _ => None,
        }
    }

    /// [`Scope::lookup`], charging the copy to the budget first.
    pub(super) fn lookup_charged(&self, name: &str, sp: Span) -> Result<Option<Value>, Fail> {
        let found = if let Some((_, v)) = self.bindings.iter().rev().find(|(n, _)| n == name) {
            crate::jobspec::budget::charge_copy(v)
        } else {
            match name {
                "var" => charge_map(&self.vars),
                "local" => charge_map(&self.locals),
                _ => Ok(()),
            }
        };
        found.map_err(|m| budget_error(sp, m))?;
        Ok(self.lookup(name))
    }

    pub(super) fn traversal(&mut self, t: &hcl_edit::expr::Traversal) -> R {
        // An unset variable already has its own diagnostic; references to it
        // stay text instead of repeating the error at every use.
        if let (Expression::Variable(root), Some(op)) = (&t.expr, t.operators.first()) {
            if let TraversalOperator::GetAttr(id) = op.value() {
                let key = format!("{}.{}", root.as_str(), id.as_str());
                if self.unset.contains(&key) {
                    return Err(Fail::Runtime);
                }
                let name = id.as_str();
                let shadowed = self.bindings.iter().any(|(n, _)| n == root.as_str());
                let (declared, what) = match root.as_str() {
                    "var" => (self.vars.contains_key(name), "input variable"),
                    "local" => (self.locals.contains_key(name), "local value"),
                    _ => (true, ""),
                };
                if !declared && !shadowed {
                    let pool = if root.as_str() == "var" {
                        &self.vars
                    } else {
                        &self.locals
                    };
                    let mut help = did_you_mean_help(name, pool.keys().map(String::as_str));
                    if help.is_empty() {
                        help = if root.as_str() == "var" {
                            format!("declare it: `variable \"{name}\" {{}}`")
                        } else {
                            format!("define it in a `locals {{ {name} = ... }}` block")
                        };
                    }
                    // From 1.0 `var` and `local` are cty objects of what is
                    // declared: hcl's GetAttr refuses the step (ops.go).
                    let message = if self.hcl1.is_none() {
                        format!(
                            "Unsupported attribute; This object does not have an attribute named {}.",
                            crate::gotext::go_quote(name)
                        )
                    } else {
                        format!("Reference to undeclared {what} \"{name}\"")
                    };
                    return Err(Fail::Err(EvalError {
                        code: "jobspec::missing-variable",
                        ..EvalError::new(span_of(op), message, help)
                    }));
                }
            }
        }
        // `var.x` / `local.x`: read the one value instead of cloning the map.
        let mut ops = t.operators.iter().peekable();
        let mut cur = match (&t.expr, ops.peek().map(|o| o.value())) {
            (Expression::Variable(root), Some(TraversalOperator::GetAttr(id)))
                if matches!(root.as_str(), "var" | "local")
                    && !self.bindings.iter().any(|(n, _)| n == root.as_str()) =>
            {
                let pool = if root.as_str() == "var" {
                    &self.vars
                } else {
                    &self.locals
                };
                match pool.get(id.as_str()) {
                    Some(v) => {
                        ops.next();
                        crate::jobspec::budget::charge_copy(v)
                            .map_err(|m| budget_error(span_of(t), m))?;
                        v.clone()
                    }
                    None => self.ev(&t.expr)?,
                }
            }
            (Expression::Variable(root), _) => match self.undefined_value(root, Some(t)) {
                Some(r) => {
                    let (text, used) = r?;
                    for _ in 0..used {
                        ops.next();
                    }
                    text
                }
                None => self.ev(&t.expr)?,
            },
            _ => self.ev(&t.expr)?,
        };
        let mut splat = false;
        for op in ops {
            let sp = span_of(op);
            match op.value() {
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    splat = true;
                    cur = match cur {
                        Value::List(l) => Value::List(l),
                        Value::Null => Value::List(vec![]),
                        other => Value::List(vec![other]),
                    };
                }
                TraversalOperator::GetAttr(id) => {
                    cur = if splat {
                        match cur {
                            Value::List(items) => Value::List(
                                items
                                    .into_iter()
                                    .map(|it| get_attr(it, id.as_str(), sp))
                                    .collect::<Result<_, _>>()?,
                            ),
                            other => get_attr(other, id.as_str(), sp)?,
                        }
                    } else {
                        get_attr(cur, id.as_str(), sp)?
                    };
                }
                TraversalOperator::Index(e) => {
                    let k = self.ev(e)?;
                    cur = index(cur, &k, sp)?;
                }
                TraversalOperator::LegacyIndex(i) => {
                    cur = index(cur, &Value::Number(*i.value() as f64), sp)?;
                }
            }
        }
        Ok(cur)
    }
}

fn get_attr(v: Value, name: &str, sp: Span) -> Result<Value, Fail> {
    match v {
        Value::Map(mut m) => m.remove(name).ok_or_else(|| {
            Fail::Err(EvalError::new(
                sp,
                format!("Unsupported attribute: this object does not have an attribute named \"{name}\""),
                did_you_mean_help(name, m.keys().map(String::as_str)),
            ))
        }),
        other => Err(Fail::Err(EvalError::new(
            sp,
            format!("Unsupported attribute: cannot read \"{name}\" from a {}", type_name(&other)),
            "",
        ))),
    }
}

fn index(v: Value, k: &Value, sp: Span) -> Result<Value, Fail> {
    match (v, k) {
        (Value::List(l), k) => {
            let i = to_number(k).unwrap_or(-1.0);
            if i < 0.0 || i.fract() != 0.0 {
                return Err(EvalError::new(sp, "Invalid index: must be a whole number", "").into());
            }
            let n = l.len();
            l.into_iter().nth(i as usize).ok_or_else(|| {
                Fail::Err(EvalError::new(
                    sp,
                    format!("Invalid index: the collection has {n} elements"),
                    "",
                ))
            })
        }
        (Value::Map(m), k) => {
            let key = to_string(k).unwrap_or_default();
            get_attr(Value::Map(m), &key, sp)
        }
        (other, _) => Err(EvalError::new(
            sp,
            format!("Invalid index: cannot index a {}", type_name(&other)),
            "",
        )
        .into()),
    }
}
