//! Reading values out of the scope: traversals (`var.x[0].y`), `for`
//! expressions and function calls.

use super::*;

impl Scope<'_> {
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
                    return Err(Fail::Err(EvalError {
                        code: "jobspec::missing-variable",
                        ..EvalError::new(
                            span_of(op),
                            format!("Reference to undeclared {what} \"{name}\""),
                            help,
                        )
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

    pub(super) fn for_expr(&mut self, f: &hcl_edit::expr::ForExpr) -> R {
        let coll = self.ev(&f.intro.collection_expr)?;
        let kname = f.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let vname = f.intro.value_var.as_str().to_string();
        let items = iter_pairs(&coll).ok_or_else(|| {
            Fail::Err(EvalError::new(
                span_of(&f.intro.collection_expr),
                format!("Iteration over non-iterable value ({})", type_name(&coll)),
                "a for expression needs a list, set or map",
            ))
        })?;
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
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
            let res = (|| -> Result<Option<(Option<Value>, Value)>, Fail> {
                if let Some(c) = &f.cond {
                    if !matches!(self.ev(&c.expr)?, Value::Bool(true)) {
                        return Ok(None);
                    }
                }
                let key = match &f.key_expr {
                    Some(ke) => Some(self.ev(ke)?),
                    None => None,
                };
                Ok(Some((key, self.ev(&f.value_expr)?)))
            })();
            self.bindings.truncate(base);
            match res? {
                None => {}
                Some((None, v)) => list.push(v),
                Some((Some(k), v)) => {
                    let k = to_string(&k).unwrap_or_default();
                    if f.grouping {
                        if let Value::List(l) = map.entry(k).or_insert_with(|| Value::List(vec![]))
                        {
                            l.push(v);
                        }
                    } else {
                        map.insert(k, v);
                    }
                }
            }
        }
        Ok(if f.key_expr.is_some() {
            Value::Map(map)
        } else {
            Value::List(list)
        })
    }

    pub(super) fn call(&mut self, f: &hcl_edit::expr::FuncCall, sp: Span) -> R {
        let name = f.name.name.as_str();
        // As HCL does, the name is looked up before any argument is evaluated.
        if !functions::available(name, self.fns.version) {
            return Err(unknown_function(name, self.fns.version, span_of(&f.name.name)).into());
        }
        // `try` and `can` evaluate their arguments lazily: an error in one
        // argument is the point of the call, not a failure of it.
        if name == "try" {
            for a in f.args.iter() {
                if let Ok(v) = self.ev(a) {
                    return Ok(v);
                }
            }
            return Err(
                EvalError::new(sp, "Error in function call: no expression succeeded", "").into(),
            );
        }
        if name == "convert" {
            return self.convert_call(f, sp);
        }
        if name == "can" {
            let ok = f.args.iter().all(|a| self.ev(a).is_ok());
            return Ok(Value::Bool(ok));
        }
        let mut args = Vec::new();
        for a in f.args.iter() {
            args.push(self.ev(a)?);
        }
        if f.args.expand_final() {
            if let Some(Value::List(last)) = args.pop() {
                args.extend(last);
            }
        }
        let result = functions::call(&self.fns, name, args);
        if let Ok(v) = &result {
            crate::jobspec::budget::charge_copy(v).map_err(|m| budget_error(sp, m))?;
        }
        result.map_err(|msg| {
            let (code, help) = if msg.starts_with("no file exists") {
                (
                    "jobspec::file",
                    "the path is relative to the job file's directory",
                )
            } else if msg.starts_with("refusing") {
                (
                    "jobspec::file-access",
                    "filesystem functions may only read regular files inside the repository",
                )
            } else {
                ("jobspec::eval", "see Nomad's HCL2 function reference")
            };
            Fail::Err(EvalError {
                code,
                ..EvalError::new(sp, format!("Error in function call `{name}`: {msg}"), help)
            })
        })
    }
}

impl Scope<'_> {
    /// `convert(value, type)`: the type is read as a type expression.
    fn convert_call(&mut self, f: &hcl_edit::expr::FuncCall, sp: Span) -> R {
        let args: Vec<&Expression> = f.args.iter().collect();
        let [value, ty] = args[..] else {
            return Err(EvalError::new(
                sp,
                format!(
                    "Error in function call `convert`: expected 2 argument(s) (value, type), got {}",
                    args.len()
                ),
                "write convert(value, type), the type as in a variable's `type`",
            )
            .into());
        };
        let Some(ty) = crate::jobspec::vars::VarType::parse(ty) else {
            return Err(EvalError::new(
                span_of(ty),
                "Invalid type specification: a type expression is required here (string, number, bool, list(...), map(...), object({...}), any)",
                "write the type as in a variable's `type`",
            )
            .into());
        };
        let v = self.ev(value)?;
        functions::convert(v, &ty).map_err(|msg| {
            EvalError::new(
                sp,
                format!("Error in function call `convert`: {msg}"),
                "see Nomad's HCL2 function reference",
            )
            .into()
        })
    }
}

/// HCL's "Call to unknown function" at the name, for a function the
/// version's table (jobspec2/functions.go) does not hold.
fn unknown_function(name: &str, v: crate::version::NomadVersion, at: Span) -> EvalError {
    let help = match functions::since(name) {
        Some(first) => format!(
            "`{name}` arrived in Nomad {first}: this file is judged as Nomad {v} (set `nomad_version` in rules/cluster.hcl, or pass --nomad-version)"
        ),
        None => format!(
            "no Nomad release offers `{name}` in job files (jobspec2/functions.go); Terraform's functions are not all Nomad's"
        ),
    };
    // A function of a later release is the version's gate; one no release
    // has is an evaluation error like any other.
    let code = match functions::since(name) {
        Some(_) => crate::jobspec::version_gates::CODE,
        None => "jobspec::eval",
    };
    EvalError {
        code,
        ..EvalError::new(
            at,
            format!(
                "Call to unknown function; {}",
                functions::unknown_detail(name, v)
            ),
            help,
        )
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
