//! Expression evaluation over the hcl-edit tree, the way Nomad's jobspec2
//! evaluates HCL2: `var.*`, `local.*`, iterators, functions, templates.
//! We walk hcl-edit expressions ourselves (not `hcl::eval`) because we need
//! spans on every error, lazy `try`/`can`, and runtime interpolations such as
//! `${attr.kernel.name}` kept verbatim inside otherwise evaluated strings.

use std::collections::BTreeMap;

use hcl_edit::expr::{BinaryOperator, Expression, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template};

mod access;
mod arg_type;
mod call;
mod convert_typed;
mod diag;
mod for_expr;
mod hcl1_names;
pub mod nfc;
pub mod nfc_age;
pub mod nfc_wide;
mod numbers;
mod object_key;
mod operators;
mod ranges;
mod set_kind;
mod shape;
mod template;
mod tryfunc;
mod undefined;

use super::functions::{self, FnEnv};
use super::model::Value;
use crate::source::Span;
use diag::Gather;
pub use diag::{hcl_error, is_argument_and_block, is_duplicate_block, is_hcl_worded};
pub(crate) use set_kind::var_type_holds_set;
pub use shape::SHAPE_CANNOT_TELL;
pub use tryfunc::{undecided, untold_code};
pub use undefined::Undefined;

/// An evaluation stopped by our budget: Nomad would go on computing it, so
/// what it says of the file is not known.
pub const BUDGET: &str = "jobspec::budget";
/// A file a function would read that we never read on behalf of a job file
/// (outside the project): Nomad would read it, so its answer is not known.
pub const FILE_ACCESS: &str = "jobspec::file-access";

#[derive(Debug, Clone)]
pub struct EvalError {
    pub code: &'static str,
    pub span: Span,
    pub message: String,
    pub help: String,
    /// The errors hclsyntax reports after this one in the same
    /// expression (it evaluates every operand, argument and element, and
    /// appends each one's diagnostics).
    pub more: Vec<EvalError>,
}

impl EvalError {
    pub fn new(span: Span, message: impl Into<String>, help: impl Into<String>) -> Self {
        EvalError {
            code: "jobspec::eval",
            span,
            message: message.into(),
            help: help.into(),
            more: Vec::new(),
        }
    }

    /// This error and those after it, in hclsyntax's order.
    pub fn all(mut self) -> Vec<EvalError> {
        let more = std::mem::take(&mut self.more);
        let mut out = vec![self];
        for m in more {
            out.extend(m.all());
        }
        out
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
    /// The file's name as hcl.Range prints it (`try` quotes its
    /// arguments' ranges in its own error text).
    pub path: &'a str,
    pub vars: BTreeMap<String, Value>,
    pub locals: BTreeMap<String, Value>,
    /// Names of locals still being computed (cycle detection lives in vars.rs;
    /// here a missing local just reports as unknown).
    pub bindings: Vec<(String, Value)>,
    pub fns: FnEnv<'a>,
    /// Declared variables without a value (reported once, at the declaration).
    pub unset: std::collections::BTreeSet<String>,
    /// Variables whose type is `map(...)` (others' maps are objects:
    /// shape.rs); var_types, each one's cty type if known (arg_type.rs).
    pub map_vars: std::collections::BTreeSet<String>,
    pub var_types: BTreeMap<String, crate::jobspec::var_convert::Exact>,
    /// Each local's cty type where it is known: its expression's, as
    /// go-cty types an untyped local's value (arg_type.rs).
    pub local_types: BTreeMap<String, crate::jobspec::var_convert::Exact>,
    /// Variables whose declared type has a set in it, and locals whose
    /// value may hold one, where their exact type is not known
    /// (set_kind.rs).
    pub set_vars: std::collections::BTreeSet<String>,
    pub set_locals: std::collections::BTreeSet<String>,
    /// `text` is a job file hcl v1 of this era read (Nomad before 1.0):
    /// its literals and object keys are hcl v1's, not HCL2's.
    pub hcl1: Option<super::hcl1_syntax::Era>,
    /// What `attr.x` becomes: jobspec2's hook in a job file (undefined.rs).
    pub undefined: Undefined,
}

impl<'a> Scope<'a> {
    /// A scope with no variables, locals or bindings over HCL2 `text`
    /// (a var file, a `-var` value), calling functions through `fns`.
    pub fn bare(text: &'a str, fns: FnEnv<'a>) -> Scope<'a> {
        Scope {
            text,
            path: "",
            vars: BTreeMap::new(),
            locals: BTreeMap::new(),
            bindings: Vec::new(),
            fns,
            unset: Default::default(),
            map_vars: Default::default(),
            var_types: Default::default(),
            local_types: Default::default(),
            set_vars: Default::default(),
            set_locals: Default::default(),
            hcl1: None,
            undefined: Undefined::Whole,
        }
    }
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

    /// Before 1.0, a literal's value as hcl v1 reads its text (no
    /// template, Go escapes, `010` octal): hcl1_syntax/literal.rs. The
    /// file was checked readable first (parse.rs), so None here only
    /// where the expression is not a literal.
    fn hcl1_literal(&self, expr: &Expression) -> Option<Value> {
        let era = self.hcl1?;
        match expr {
            Expression::String(_)
            | Expression::StringTemplate(_)
            | Expression::HeredocTemplate(_)
            | Expression::Number(_) => {}
            // hcl v1 scans `-010` as one NUMBER token.
            Expression::UnaryOp(u)
                if matches!(u.operator.value(), UnaryOperator::Neg)
                    && matches!(u.expr, Expression::Number(_)) => {}
            _ => return None,
        }
        let at = hcl_edit::Span::span(expr)?.start;
        super::hcl1_syntax::literal::value(self.text.get(at..)?, era)
    }

    /// Before 1.0, an object key as hcl v1 reads it (a dotted identifier
    /// as written, a quoted key unquoted), from the file's own text.
    fn hcl1_key(&self, key: &impl hcl_edit::Span) -> Option<String> {
        let era = self.hcl1?;
        let at = hcl_edit::Span::span(key)?.start;
        super::hcl1_syntax::literal::key(self.text.get(at..)?, era)
    }

    fn ev(&mut self, expr: &Expression) -> R {
        let sp = span_of(expr);
        if let Some(v) = self.hcl1_literal(expr) {
            return Ok(v);
        }
        Ok(match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => {
                self.number_literal(n.value().as_f64().unwrap_or(0.0), expr)?
            }
            Expression::String(s) => Value::String(self.nfc(s.value().clone(), sp)?),
            Expression::Array(a) => {
                charge(a.len() as u64, 0, sp)?;
                let mut out = Vec::with_capacity(a.len());
                let mut gather = Gather::default();
                for e in a.iter() {
                    out.extend(gather.take(self.ev(e)));
                }
                gather.finish()?;
                Value::List(out)
            }
            Expression::Object(o) => self.object_cons(o, sp)?,
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
                let ours = self.hclsyntax_template(tpl, sp, false)?;
                let s = self.template(ours.as_ref().unwrap_or(tpl))?;
                charge(1, s.len() as u64, sp)?;
                Value::String(self.nfc(s, sp)?)
            }
            Expression::HeredocTemplate(h) => {
                let flush = self
                    .text
                    .get(sp.start..)
                    .is_some_and(|t| t.starts_with("<<-"));
                let ours = self.hclsyntax_template(&h.template, sp, flush)?;
                let s = self.template(ours.as_ref().unwrap_or(&h.template))?;
                charge(1, s.len() as u64, sp)?;
                Value::String(self.nfc(s, sp)?)
            }
            Expression::Parenthesis(p) => self.ev(p.inner())?,
            Expression::Variable(v) => {
                let name = v.as_str();
                // jobspec2's UnknownVariable hook: any other root (`attr`,
                // `NOMAD_*`, a shell `${HOME}`) stays `${...}` text for run time.
                match self.lookup_charged(name, sp)? {
                    Some(v) => v,
                    None => match self.undefined_value(v, None) {
                        Some(r) => r?.0,
                        None => return Err(Fail::Runtime),
                    },
                }
            }
            Expression::Conditional(c) => self.conditional(c)?,
            Expression::FuncCall(f) => {
                let v = self.call(f, sp)?;
                self.nfc_value(v, sp)?
            }
            Expression::Traversal(t) => self.traversal(t)?,
            Expression::UnaryOp(u) => self.unary(u, expr)?,
            Expression::BinaryOp(b) => self.binary(b, expr)?,
            Expression::ForExpr(f) => self.for_expr(f)?,
        })
    }

    /// A conditional's condition (ConditionalExpr.Value): a bool, or a
    /// string cty converts to one.
    fn condition(&mut self, cond: &Expression) -> Result<bool, Fail> {
        let v = self.ev(cond)?;
        if matches!(v, Value::Null) {
            return Err(hcl_error(
                self.range(cond),
                "Null condition",
                "The condition value is null. Conditions must either be true or false.",
                "",
            )
            .into());
        }
        let cty = functions::params::cty_release(self.fns.version);
        if functions::mismatch(&v, &functions::params::Ty::Bool, cty).is_some() {
            return Err(hcl_error(
                self.range(cond),
                "Incorrect condition type",
                "The condition expression must be of type bool.",
                "",
            )
            .into());
        }
        Ok(match v {
            Value::Bool(b) => b,
            Value::String(s) => s == "true" || s == "1",
            _ => false,
        })
    }

    /// An object constructor's computed key, converted to a string
    /// (ObjectConsExpr.Value).
    fn object_key(&self, k: &Value, e: &Expression) -> Result<Value, EvalError> {
        let cty = functions::params::cty_release(self.fns.version);
        match functions::mismatch(k, &functions::params::Ty::String, cty) {
            Some(why) => Err(hcl_error(
                self.range(e),
                "Incorrect key type",
                format!("Can't use this value as a key: {why}."),
                "",
            )),
            None => Ok(Value::String(to_string(k).unwrap_or_default())),
        }
    }
}

/// The located error for a spent budget.
fn budget_error(sp: Span, msg: String) -> Fail {
    Fail::Err(budget_refusal(sp, msg))
}

/// The located error for a spent budget (`msg`, [`super::budget`]'s), with
/// the hint for what spent it.
pub fn budget_refusal(sp: Span, msg: String) -> EvalError {
    let help = if super::budget::is_depth(&msg) {
        "a decoded document (jsondecode, yamldecode) or locals that each wrap the last can nest without limit; Nomad would read it, so what it says is not known: flatten the value"
    } else if super::budget::is_blocks(&msg) {
        "`dynamic` blocks within each other multiply (100 groups of 1,000 tasks is 100,000 tasks); Nomad would expand them all, so what it says is not known: generate fewer groups or tasks, or split the job"
    } else {
        "nested `for` expressions, locals that repeat other locals and YAML aliases multiply; build smaller values"
    };
    EvalError {
        code: BUDGET,
        ..EvalError::new(sp, format!("Evaluation too large: {msg}"), help)
    }
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
        Value::Number(_) | Value::Int(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "list",
        Value::Map(_) => "object",
    }
}

/// HCL's automatic conversion to number (strings holding numbers convert).
pub fn to_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::Int(n) => Some(*n as f64),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// HCL's automatic conversion to string (primitives only).
pub fn to_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(fmt_number(*n)),
        Value::Int(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub fn fmt_number(n: f64) -> String {
    // A negative zero keeps its sign: go-cty's big.Float prints
    // Text('f', -1) (cty/convert/conversion_primitive.go), and `-0` is
    // cty's Negate of 0 (value_ops.go: big.Float Neg); Go's FormatFloat of
    // a float64 -0 (hcl v1 before 1.0) is "-0" too.
    if n == 0.0 && n.is_sign_negative() {
        return "-0".into();
    }
    // math/big's Text for an infinity (ftoa.go: the sign, then `Inf`):
    // `1/0` in a meta value is "+Inf" in Nomad's job (redteam10 R10-8).
    if n.is_infinite() {
        return if n > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
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
            vars,
            ..Scope::bare(src, FnEnv::default())
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
    fn every_error_of_an_expression_is_kept_in_order() {
        let e = eval_str("x = [upper([1]), lower(null)]\n").unwrap_err();
        let all: Vec<String> = e.all().into_iter().map(|e| e.message).collect();
        assert_eq!(
            all,
            [
                "Invalid function argument; Invalid value for \"str\" parameter: string required, but have tuple.",
                "Invalid function argument; Invalid value for \"str\" parameter: argument must not be null.",
            ]
        );
    }

    #[test]
    fn operators_evaluate_both_operands_as_the_vendored_hcl_does() {
        // No short circuit before hcl 2.21: the null operand is refused.
        let e = eval_str("x = false && null\n").unwrap_err();
        assert_eq!(
            e.message,
            "Operation failed; Error during operation: argument must not be null."
        );
        // big.Float: only 0/0 fails.
        assert_eq!(
            eval_str("x = 1 / 0\n").unwrap(),
            Value::Number(f64::INFINITY)
        );
        assert!(eval_str("x = 0 / 0\n").is_err());
        assert_eq!(eval_str("x = 7 % 0\n").unwrap(), Value::Number(7.0));
    }

    #[test]
    fn template_directives_and_for_errors_are_hclsyntaxs() {
        assert_eq!(
            eval_str("x = \"%{ if var.n > 2 }big%{ else }small%{ endif }\"\n").unwrap(),
            Value::String("big".into())
        );
        let e = eval_str("x = \"%{ for v in var.n }${v}%{ endfor }\"\n").unwrap_err();
        assert_eq!(
            e.message,
            "Iteration over non-iterable value; A value of type number cannot be used as the collection in a 'for' expression."
        );
        let e = eval_str("x = {for v in [\"a\", \"a\"] : v => 1}\n").unwrap_err();
        assert!(e
            .message
            .starts_with("Duplicate object key; Two different items produced the key \"a\""));
    }

    #[test]
    fn escaped_interpolations_are_literal() {
        assert_eq!(
            eval_str("x = \"$${foo}\"\n").unwrap(),
            Value::String("${foo}".into())
        );
    }
}
