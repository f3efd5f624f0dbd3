//! Expression evaluation over the hcl-edit tree, the way Nomad's jobspec2
//! evaluates HCL2: `var.*`, `local.*`, iterators, functions, templates.
//! We walk hcl-edit expressions ourselves (not `hcl::eval`) because we need
//! spans on every error, lazy `try`/`can`, and runtime interpolations such as
//! `${attr.kernel.name}` kept verbatim inside otherwise evaluated strings.

use std::collections::BTreeMap;

use hcl_edit::expr::{BinaryOperator, Expression, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template};

use super::functions::{self, FnEnv};
use super::model::Value;
use crate::source::Span;

#[derive(Debug, Clone)]
pub struct EvalError {
    pub code: &'static str,
    pub span: Span,
    pub message: String,
    pub help: String,
}

impl EvalError {
    pub fn new(span: Span, message: impl Into<String>, help: impl Into<String>) -> Self {
        EvalError {
            code: "jobspec::eval",
            span,
            message: message.into(),
            help: help.into(),
        }
    }
}

pub type EvalResult = Result<Value, EvalError>;

/// Why an expression could not become a value.
enum Fail {
    /// A real error.
    Err(EvalError),
    /// The expression refers to run-time data (`attr.*`, `NOMAD_*`...).
    Runtime,
}

impl From<EvalError> for Fail {
    fn from(e: EvalError) -> Self {
        Fail::Err(e)
    }
}

type R = Result<Value, Fail>;

/// Variables in scope: `var`, `local`, and iterator bindings pushed by
/// `for` expressions and `dynamic` blocks.
pub struct Scope<'a> {
    pub text: &'a str,
    pub vars: BTreeMap<String, Value>,
    pub locals: BTreeMap<String, Value>,
    /// Names of locals still being computed (cycle detection lives in vars.rs;
    /// here a missing local just reports as unknown).
    pub bindings: Vec<(String, Value)>,
    pub fns: FnEnv<'a>,
    /// Declared variables without a value (reported once, at the declaration).
    pub unset: std::collections::BTreeSet<String>,
}

pub fn span_of(e: &impl hcl_edit::Span) -> Span {
    e.span().map(Span::from_range).unwrap_or_default()
}

impl<'a> Scope<'a> {
    pub fn eval(&mut self, expr: &Expression) -> EvalResult {
        let _budget = super::budget::enter();
        match self.budgeted(expr) {
            Ok(v) => Ok(v),
            Err(Fail::Err(e)) => Err(e),
            // A bare runtime reference: keep its text as an interpolation, as
            // Nomad would have it in a string.
            Err(Fail::Runtime) => Ok(Value::String(format!("${{{}}}", self.src(expr)))),
        }
    }

    /// Like [`Scope::eval`], but `None` when the value is only known at run
    /// time (or depends on an unset variable).
    pub fn eval_known(&mut self, expr: &Expression) -> Result<Option<Value>, EvalError> {
        let _budget = super::budget::enter();
        match self.budgeted(expr) {
            Ok(v) => Ok(Some(v)),
            Err(Fail::Err(e)) => Err(e),
            Err(Fail::Runtime) => Ok(None),
        }
    }

    /// [`Scope::ev`], failing if the value-size budget ran out anywhere
    /// inside (even where `try` or `can` swallowed the error).
    fn budgeted(&mut self, expr: &Expression) -> R {
        let r = self.ev(expr);
        match super::budget::exhausted() {
            Some(msg) => Err(budget_error(span_of(expr), msg)),
            None => r,
        }
    }

    /// Does the expression mention a variable or local that has no value?
    pub fn depends_on_unset(&self, expr: &Expression) -> bool {
        let text = self.src(expr);
        self.unset.iter().any(|k| text.contains(k.as_str()))
    }

    pub fn text_of(&self, expr: &Expression) -> String {
        self.src(expr)
    }

    fn src(&self, e: &impl hcl_edit::Span) -> String {
        e.span()
            .and_then(|r| self.text.get(r))
            .unwrap_or("")
            .trim()
            .to_string()
    }

    fn lookup(&self, name: &str) -> Option<Value> {
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
    fn lookup_charged(&self, name: &str, sp: Span) -> Result<Option<Value>, Fail> {
        let found = if let Some((_, v)) = self.bindings.iter().rev().find(|(n, _)| n == name) {
            super::budget::charge_copy(v)
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

    fn ev(&mut self, expr: &Expression) -> R {
        let sp = span_of(expr);
        Ok(match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => Value::Number(n.value().as_f64().unwrap_or(0.0)),
            Expression::String(s) => Value::String(s.value().clone()),
            Expression::Array(a) => {
                charge(a.len() as u64, 0, sp)?;
                let mut out = Vec::with_capacity(a.len());
                for e in a.iter() {
                    out.push(self.ev(e)?);
                }
                Value::List(out)
            }
            Expression::Object(o) => {
                charge(o.len() as u64, 0, sp)?;
                let mut out = BTreeMap::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        hcl_edit::expr::ObjectKey::Ident(id) => id.as_str().to_string(),
                        hcl_edit::expr::ObjectKey::Expression(e) => {
                            let kv = self.ev(e)?;
                            to_string(&kv).ok_or_else(|| {
                                EvalError::new(span_of(e), "object key must be a string", "")
                            })?
                        }
                    };
                    out.insert(key, self.ev(v.expr())?);
                }
                Value::Map(out)
            }
            Expression::StringTemplate(t) => {
                let tpl: &Template = t;
                // `"${expr}"` alone is the value itself, not its string form.
                if let Some(Element::Interpolation(ip)) = tpl.as_single_element() {
                    return match self.ev(&ip.expr) {
                        Err(Fail::Runtime) => {
                            Ok(Value::String(format!("${{{}}}", self.src(&ip.expr))))
                        }
                        other => other,
                    };
                }
                let s = self.template(tpl)?;
                charge(1, s.len() as u64, sp)?;
                Value::String(s)
            }
            Expression::HeredocTemplate(h) => {
                let s = self.template(&h.template)?;
                charge(1, s.len() as u64, sp)?;
                Value::String(s)
            }
            Expression::Parenthesis(p) => self.ev(p.inner())?,
            Expression::Variable(v) => {
                let name = v.as_str();
                // jobspec2's UnknownVariable hook: any other root (`attr`,
                // `NOMAD_*`, a shell `${HOME}`) stays `${...}` text for run time.
                match self.lookup_charged(name, sp)? {
                    Some(v) => v,
                    None => return Err(Fail::Runtime),
                }
            }
            Expression::Conditional(c) => {
                let cond = self.ev(&c.cond_expr)?;
                match cond {
                    Value::Bool(true) => self.ev(&c.true_expr)?,
                    Value::Bool(false) => self.ev(&c.false_expr)?,
                    Value::String(s) if s == "true" => self.ev(&c.true_expr)?,
                    Value::String(s) if s == "false" => self.ev(&c.false_expr)?,
                    other => {
                        return Err(EvalError::new(
                            span_of(&c.cond_expr),
                            format!(
                                "Incorrect condition type: a bool is required, got {}",
                                type_name(&other)
                            ),
                            "",
                        )
                        .into())
                    }
                }
            }
            Expression::FuncCall(f) => self.call(f, sp)?,
            Expression::Traversal(t) => self.traversal(t)?,
            Expression::UnaryOp(u) => {
                let v = self.ev(&u.expr)?;
                match (u.operator.value(), v) {
                    (UnaryOperator::Neg, Value::Number(n)) => Value::Number(-n),
                    (UnaryOperator::Not, Value::Bool(b)) => Value::Bool(!b),
                    (op, v) => {
                        return Err(EvalError::new(
                            sp,
                            format!(
                                "Invalid operand: cannot apply `{}` to {}",
                                op.as_str(),
                                type_name(&v)
                            ),
                            "",
                        )
                        .into())
                    }
                }
            }
            Expression::BinaryOp(b) => self.binary(b, sp)?,
            Expression::ForExpr(f) => self.for_expr(f)?,
        })
    }

    fn binary(&mut self, b: &hcl_edit::expr::BinaryOp, sp: Span) -> R {
        use BinaryOperator::*;
        let op = *b.operator.value();
        // `&&` and `||` short-circuit in HCL's evaluation of known values.
        let l = self.ev(&b.lhs_expr)?;
        if let (And, Value::Bool(false)) | (Or, Value::Bool(true)) = (op, &l) {
            return Ok(l);
        }
        let r = self.ev(&b.rhs_expr)?;
        let bad = |what: &str| -> Fail {
            EvalError::new(
                sp,
                format!("Invalid operand: {what}"),
                "check the types on both sides of the operator",
            )
            .into()
        };
        Ok(match op {
            Eq => Value::Bool(values_equal(&l, &r)),
            NotEq => Value::Bool(!values_equal(&l, &r)),
            And | Or => match (&l, &r) {
                (Value::Bool(_), Value::Bool(y)) => Value::Bool(*y),
                _ => return Err(bad("a bool is required")),
            },
            _ => {
                let (x, y) = match (to_number(&l), to_number(&r)) {
                    (Some(x), Some(y)) => (x, y),
                    _ => return Err(bad("a number is required")),
                };
                match op {
                    Plus => Value::Number(x + y),
                    Minus => Value::Number(x - y),
                    Mul => Value::Number(x * y),
                    Div => {
                        if y == 0.0 {
                            return Err(bad("division by zero"));
                        }
                        Value::Number(x / y)
                    }
                    Mod => {
                        if y == 0.0 {
                            return Err(bad("modulo by zero"));
                        }
                        Value::Number(x % y)
                    }
                    Less => Value::Bool(x < y),
                    LessEq => Value::Bool(x <= y),
                    Greater => Value::Bool(x > y),
                    GreaterEq => Value::Bool(x >= y),
                    _ => return Err(bad("unsupported operator")),
                }
            }
        })
    }

    fn traversal(&mut self, t: &hcl_edit::expr::Traversal) -> R {
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
                        super::budget::charge_copy(v).map_err(|m| budget_error(span_of(t), m))?;
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

    fn for_expr(&mut self, f: &hcl_edit::expr::ForExpr) -> R {
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
            super::budget::charge_copy(&k)
                .and_then(|_| super::budget::charge_copy(&v))
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

    fn call(&mut self, f: &hcl_edit::expr::FuncCall, sp: Span) -> R {
        let name = f.name.name.as_str();
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
            super::budget::charge_copy(v).map_err(|m| budget_error(sp, m))?;
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

    fn template(&mut self, t: &Template) -> Result<String, Fail> {
        self.template_stripped(t, false, false)
    }

    /// `lead`/`trail`: a `~` on the enclosing directive strips whitespace at
    /// the start/end of this (nested) template.
    fn template_stripped(&mut self, t: &Template, lead: bool, trail: bool) -> Result<String, Fail> {
        let mut out = String::new();
        let elems: Vec<&Element> = t.iter().collect();
        for (i, el) in elems.iter().enumerate() {
            match el {
                Element::Literal(l) => {
                    let mut s: &str = l.as_str();
                    if (i > 0 && strip_after(elems[i - 1])) || (i == 0 && lead) {
                        s = s.trim_start();
                    }
                    if elems.get(i + 1).is_some_and(|n| strip_before(n)) || (i + 1 == elems.len() && trail) {
                        s = s.trim_end();
                    }
                    out.push_str(s);
                }
                Element::Interpolation(ip) => match self.ev(&ip.expr) {
                    Ok(v) => out.push_str(&to_template_string(&v).ok_or_else(|| {
                        Fail::Err(EvalError::new(
                            span_of(&ip.expr),
                            format!("Invalid template interpolation value: cannot include a {} in a string", type_name(&v)),
                            "use jsonencode() or join() to turn a collection into a string",
                        ))
                    })?),
                    Err(Fail::Runtime) => {
                        out.push_str("${");
                        out.push_str(&self.src(&ip.expr));
                        out.push('}');
                    }
                    Err(e) => return Err(e),
                },
                Element::Directive(d) => match &**d {
                    Directive::If(ifd) => {
                        let c = self.ev(&ifd.if_expr.cond_expr)?;
                        use hcl_edit::template::Strip;
                        let end = |s: &Strip| matches!(s, Strip::End | Strip::Both);
                        let start = |s: &Strip| matches!(s, Strip::Start | Strip::Both);
                        let endif_start = start(&ifd.endif_expr.strip);
                        if matches!(c, Value::Bool(true)) {
                            let trail = ifd.else_expr.as_ref().map(|e| start(&e.strip)).unwrap_or(endif_start);
                            out.push_str(&self.template_stripped(&ifd.if_expr.template, end(&ifd.if_expr.strip), trail)?);
                        } else if let Some(e) = &ifd.else_expr {
                            out.push_str(&self.template_stripped(&e.template, end(&e.strip), endif_start)?);
                        }
                    }
                    Directive::For(fd) => {
                        let fe = &fd.for_expr;
                        let coll = self.ev(&fe.collection_expr)?;
                        let items = iter_pairs(&coll).unwrap_or_default();
                        for (k, v) in items {
                            let base = self.bindings.len();
                            if let Some(kn) = &fe.key_var {
                                self.bindings.push((kn.as_str().to_string(), k));
                            }
                            self.bindings.push((fe.value_var.as_str().to_string(), v));
                            use hcl_edit::template::Strip;
                            let lead = matches!(fe.strip, Strip::End | Strip::Both);
                            let trail = matches!(fd.endfor_expr.strip, Strip::Start | Strip::Both);
                            let r = self.template_stripped(&fe.template, lead, trail);
                            self.bindings.truncate(base);
                            out.push_str(&r?);
                        }
                    }
                },
            }
        }
        Ok(out)
    }
}

/// The located error for a spent budget.
fn budget_error(sp: Span, msg: String) -> Fail {
    Fail::Err(EvalError {
        code: "jobspec::budget",
        ..EvalError::new(
            sp,
            format!("Evaluation too large: {msg}"),
            "nested `for` expressions and locals that repeat other locals multiply; build smaller values",
        )
    })
}

fn charge(elements: u64, bytes: u64, sp: Span) -> Result<(), Fail> {
    super::budget::charge(elements, bytes).map_err(|m| budget_error(sp, m))
}

fn charge_map(m: &BTreeMap<String, Value>) -> Result<(), String> {
    for (k, v) in m {
        super::budget::charge(0, k.len() as u64)?;
        super::budget::charge_copy(v)?;
    }
    Ok(())
}

fn strip_after(el: &Element) -> bool {
    use hcl_edit::template::Strip;
    match el {
        Element::Interpolation(i) => matches!(i.strip, Strip::End | Strip::Both),
        Element::Directive(d) => match &**d {
            Directive::If(i) => matches!(i.endif_expr.strip, Strip::End | Strip::Both),
            Directive::For(f) => matches!(f.endfor_expr.strip, Strip::End | Strip::Both),
        },
        Element::Literal(_) => false,
    }
}

fn strip_before(el: &Element) -> bool {
    use hcl_edit::template::Strip;
    match el {
        Element::Interpolation(i) => matches!(i.strip, Strip::Start | Strip::Both),
        Element::Directive(d) => match &**d {
            Directive::If(i) => matches!(i.if_expr.strip, Strip::Start | Strip::Both),
            Directive::For(f) => matches!(f.for_expr.strip, Strip::Start | Strip::Both),
        },
        Element::Literal(_) => false,
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

pub fn did_you_mean_help<'a>(name: &str, options: impl Iterator<Item = &'a str>) -> String {
    match crate::suggest::closest(name, options) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None => String::new(),
    }
}

/// `(key, value)` pairs of a collection, as `for` and `dynamic` iterate it.
pub fn iter_pairs(v: &Value) -> Option<Vec<(Value, Value)>> {
    match v {
        Value::List(l) => Some(
            l.iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v.clone()))
                .collect(),
        ),
        Value::Map(m) => Some(
            m.iter()
                .map(|(k, v)| (Value::String(k.clone()), v.clone()))
                .collect(),
        ),
        Value::Null => Some(vec![]),
        _ => None,
    }
}

pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "list",
        Value::Map(_) => "object",
    }
}

/// HCL's automatic conversion to number (strings holding numbers convert).
pub fn to_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// HCL's automatic conversion to string (primitives only).
pub fn to_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(fmt_number(*n)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn to_template_string(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        other => to_string(other),
    }
}

pub fn fmt_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

pub fn values_equal(a: &Value, b: &Value) -> bool {
    a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval_str(src: &str) -> EvalResult {
        let body = hcl_edit::parser::parse_body(src).expect("test input parses");
        let attr = body.attributes().next().expect("one attribute");
        let mut vars = BTreeMap::new();
        vars.insert("tag".to_string(), Value::String("1.25".into()));
        vars.insert("n".to_string(), Value::Number(3.0));
        let mut s = Scope {
            text: src,
            vars,
            locals: BTreeMap::new(),
            bindings: vec![],
            fns: FnEnv::default(),
            unset: Default::default(),
        };
        s.eval(&attr.value)
    }

    #[test]
    fn runtime_interpolations_stay_text_inside_evaluated_strings() {
        let v = eval_str("x = \"${var.tag}-${attr.kernel.name}-${NOMAD_ALLOC_ID}\"\n").unwrap();
        assert_eq!(
            v,
            Value::String("1.25-${attr.kernel.name}-${NOMAD_ALLOC_ID}".into())
        );
    }

    #[test]
    fn arithmetic_conditionals_and_for() {
        assert_eq!(eval_str("x = var.n * 2 + 1\n").unwrap(), Value::Number(7.0));
        assert_eq!(
            eval_str("x = var.n > 2 ? \"big\" : \"small\"\n").unwrap(),
            Value::String("big".into())
        );
        assert_eq!(
            eval_str("x = [for s in [\"a\",\"b\"] : upper(s)]\n").unwrap(),
            Value::List(vec![Value::String("A".into()), Value::String("B".into())])
        );
    }

    #[test]
    fn try_is_lazy_and_unknown_vars_are_errors() {
        assert_eq!(
            eval_str("x = try(var.nope, \"d\")\n").unwrap(),
            Value::String("d".into())
        );
        let e = eval_str("x = var.tga\n").unwrap_err();
        assert!(e.help.contains("did you mean \"tag\""), "{}", e.help);
        // Unknown roots are run-time text, as jobspec2's UnknownVariable hook does.
        assert_eq!(
            eval_str("x = \"${HOME}/bin\"\n").unwrap(),
            Value::String("${HOME}/bin".into())
        );
    }

    #[test]
    fn escaped_interpolations_are_literal() {
        assert_eq!(
            eval_str("x = \"$${foo}\"\n").unwrap(),
            Value::String("${foo}".into())
        );
    }
}
