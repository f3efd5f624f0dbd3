//! A `-var-file` read as Nomad reads it: its values, and what Nomad
//! (1.0+) refuses in them. jobspec2's
//! collectInputVariableValues (types.variables.go, the same 1.0.0-2.0.5)
//! evaluates each value with a nil EvalContext: hclsyntax then refuses
//! every function call (`Function calls not allowed; Functions may not be
//! called here.`, on the whole call, its arguments unread) and every
//! variable (`Variables not allowed; Variables may not be used here.`, on
//! the traversal's root name), in evaluation order. Texts and ranges from
//! tests/hcl-oracle/gohcl.go `-varfile`, hcl 68a97f93bb48 and
//! v2.20.2-nomad-1.
//!
//! Where the order or the set of errors depends on evaluation this does
//! not follow (a `for` expression or template directive calling a function
//! or naming an outer variable, a conditional whose condition is not a
//! literal bool), the answer is "cannot tell", never a guess.

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};

use super::eval::{span_of, Scope};
use super::model::Value;
use crate::diag::Diag;
use crate::source::{Source, Span};

/// One refusal: where, and hclsyntax's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    Call(Span),
    Variable(Span),
}

impl Refused {
    pub fn span(&self) -> Span {
        match self {
            Refused::Call(s) | Refused::Variable(s) => *s,
        }
    }

    pub fn words(&self) -> &'static str {
        match self {
            Refused::Call(_) => "Function calls not allowed; Functions may not be called here.",
            Refused::Variable(_) => "Variables not allowed; Variables may not be used here.",
        }
    }
}

/// A value's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing refused: the value evaluates as anywhere else.
    Clean,
    /// Refused, in this order; `unknown` is what its value then is.
    Refused {
        errors: Vec<Refused>,
        unknown: Unknown,
    },
    /// Refused, but in an order or number this does not follow.
    CannotTell,
}

/// The verdict on a var file's value.
pub fn judge(e: &Expression) -> Verdict {
    judge_in(e, None)
}

/// [`judge`] of a value of the var file `text`, whose repeated computed
/// object keys are read back as written (dup_keys.rs).
pub fn judge_in(e: &Expression, text: Option<&str>) -> Verdict {
    let mut w = Walk {
        text,
        ..Walk::default()
    };
    w.expr(e);
    if w.unsure {
        return Verdict::CannotTell;
    }
    if w.errors.is_empty() {
        return Verdict::Clean;
    }
    Verdict::Refused {
        errors: w.errors,
        unknown: unknown_kind(e),
    }
}

/// A refused value's result, as a variable's type constraint meets it
/// (convert.Convert): cty.DynamicVal converts to every type, an unknown
/// string to every primitive type, anything else (`[f()]`) may not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    Whole,
    String,
    Part,
}

/// The value itself is the call or the variable (or `"${...}"` of one,
/// a TemplateWrapExpr): unknown as a whole; any other template: an
/// unknown string.
fn unknown_kind(e: &Expression) -> Unknown {
    match strip_parens(e) {
        Expression::FuncCall(_) | Expression::Variable(_) => Unknown::Whole,
        Expression::Traversal(t) if matches!(t.expr, Expression::Variable(_)) => Unknown::Whole,
        Expression::StringTemplate(t) => match t.as_single_element() {
            Some(Element::Interpolation(i)) if unknown_kind(&i.expr) == Unknown::Whole => {
                Unknown::Whole
            }
            _ => Unknown::String,
        },
        Expression::HeredocTemplate(_) => Unknown::String,
        _ => Unknown::Part,
    }
}

/// What a variable's values are converted to (vars.rs): nothing (no type,
/// or `any`), a primitive type, or a collection or structural one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    None,
    Primitive,
    Other,
}

fn strip_parens(e: &Expression) -> &Expression {
    match e {
        Expression::Parenthesis(p) => strip_parens(p.inner()),
        other => other,
    }
}

#[derive(Default)]
struct Walk<'t> {
    /// The file's text, where a respelled key is read back.
    text: Option<&'t str>,
    errors: Vec<Refused>,
    unsure: bool,
    /// Names bound by enclosing `for` expressions.
    bound: Vec<String>,
}

impl Walk<'_> {
    fn expr(&mut self, e: &Expression) {
        match e {
            Expression::Null(_)
            | Expression::Bool(_)
            | Expression::Number(_)
            | Expression::String(_) => {}
            Expression::Array(a) => a.iter().for_each(|x| self.expr(x)),
            Expression::Object(o) => {
                for (k, v) in o.iter() {
                    if let ObjectKey::Expression(k) = k {
                        match self
                            .text
                            .and_then(|t| super::dup_keys::computed_original(t, k))
                        {
                            Some(original) => self.expr(&original),
                            None => self.expr(k),
                        }
                    }
                    self.expr(v.expr());
                }
            }
            Expression::StringTemplate(t) => self.template(t),
            Expression::HeredocTemplate(h) => self.template(&h.template),
            Expression::Parenthesis(p) => self.expr(p.inner()),
            Expression::Variable(v) => self.variable(v.as_str(), span_of(e)),
            Expression::FuncCall(_) => {
                if self.bound.is_empty() {
                    self.errors.push(Refused::Call(span_of(e)));
                } else {
                    // Called once per element, or not at all.
                    self.unsure = true;
                }
            }
            Expression::Traversal(t) => {
                self.expr(&t.expr);
                for op in &t.operators {
                    if let TraversalOperator::Index(k) = op.value() {
                        self.expr(k);
                    }
                }
            }
            Expression::UnaryOp(u) => self.expr(&u.expr),
            Expression::BinaryOp(b) => {
                self.expr(&b.lhs_expr);
                self.expr(&b.rhs_expr);
            }
            Expression::Conditional(c) => {
                let before = self.errors.len();
                self.expr(&c.cond_expr);
                if self.errors.len() > before {
                    // An unknown condition: neither result is evaluated.
                    return;
                }
                match strip_parens(&c.cond_expr) {
                    Expression::Bool(b) if *b.value() => self.expr(&c.true_expr),
                    Expression::Bool(_) => self.expr(&c.false_expr),
                    _ => {
                        let mut probe = Walk {
                            bound: self.bound.clone(),
                            text: self.text,
                            ..Walk::default()
                        };
                        probe.expr(&c.true_expr);
                        probe.expr(&c.false_expr);
                        if probe.unsure || !probe.errors.is_empty() {
                            self.unsure = true;
                        }
                    }
                }
            }
            Expression::ForExpr(f) => {
                let before = self.errors.len();
                self.expr(&f.intro.collection_expr);
                if self.errors.len() > before {
                    return;
                }
                self.bound.push(f.intro.value_var.as_str().to_string());
                if let Some(k) = &f.intro.key_var {
                    self.bound.push(k.as_str().to_string());
                }
                let mut inner = Walk {
                    bound: self.bound.clone(),
                    text: self.text,
                    ..Walk::default()
                };
                if let Some(k) = &f.key_expr {
                    inner.expr(k);
                }
                inner.expr(&f.value_expr);
                if let Some(c) = &f.cond {
                    inner.expr(&c.expr);
                }
                // Per element, or never for an empty collection.
                if inner.unsure || !inner.errors.is_empty() {
                    self.unsure = true;
                }
                self.bound
                    .truncate(self.bound.len() - 1 - usize::from(f.intro.key_var.is_some()));
            }
        }
    }

    fn variable(&mut self, name: &str, span: Span) {
        if self.bound.iter().any(|b| b == name) {
            return;
        }
        if self.bound.is_empty() {
            self.errors.push(Refused::Variable(span));
        } else {
            // Inside a `for`, hclsyntax looks the name up in the loop's
            // context: "Unknown variable", with a suggestion.
            self.unsure = true;
        }
    }

    fn template(&mut self, t: &Template) {
        for el in t.iter() {
            match el {
                Element::Literal(_) => {}
                Element::Interpolation(i) => self.expr(&i.expr),
                Element::Directive(d) => {
                    let mut probe = Walk {
                        bound: self.bound.clone(),
                        text: self.text,
                        ..Walk::default()
                    };
                    probe.directive(d);
                    if probe.unsure || !probe.errors.is_empty() {
                        self.unsure = true;
                    }
                }
            }
        }
    }

    fn directive(&mut self, d: &Directive) {
        match d {
            Directive::If(i) => {
                self.expr(&i.if_expr.cond_expr);
                self.template(&i.if_expr.template);
                if let Some(e) = &i.else_expr {
                    self.template(&e.template);
                }
            }
            Directive::For(f) => {
                self.expr(&f.for_expr.collection_expr);
                self.template(&f.for_expr.template);
            }
        }
    }
}

/// hclsyntax's lines for `errors` in `text`, read from `file`.
pub(super) fn lines(errors: &[Refused], text: &str, file: &str) -> Vec<String> {
    errors
        .iter()
        .map(|r| {
            let sp = r.span();
            let at = super::hclsyntax::range_string(text, file, (sp.start, sp.end));
            format!("{at}: {}", r.words())
        })
        .collect()
}

/// A `-var` or `NOMAD_VAR_` text jobspec2 parses as an HCL expression
/// (vars.rs, `literal_cli`), evaluated with no context as Nomad does: its
/// value and the expression's range (`file` is the name jobspec2 gives
/// it, `<value for var.x from arguments>`), or what Nomad refuses in it.
/// A text that does not parse or evaluate: its words are not known here.
pub(super) fn cli_expression(
    text: &str,
    name: &str,
    file: &str,
) -> Result<(Value, String), JudgedValue> {
    let unknown = || JudgedValue {
        name: name.to_string(),
        verdict: Err(()),
    };
    if crate::nesting::too_deep(text, crate::nesting::MAX_DEPTH).is_some() {
        return Err(unknown());
    }
    // A repeated object key is hclsyntax's last one (dup_keys.rs).
    let Ok(e) = super::dup_keys::read_repeats_expr(text) else {
        return Err(unknown());
    };
    match judge_in(&e, Some(text)) {
        Verdict::Clean => {}
        Verdict::CannotTell => return Err(unknown()),
        Verdict::Refused { errors, unknown } => {
            return Err(JudgedValue {
                name: name.to_string(),
                verdict: Ok((lines(&errors, text, file), unknown)),
            })
        }
    }
    let sp = span_of(&e);
    let at = super::hclsyntax::range_string(text, file, (sp.start, sp.end));
    let mut scope = Scope::bare(text, Default::default());
    scope.eval(&e).map(|v| (v, at)).map_err(|_| unknown())
}

// The var file itself: read, judged, and its values evaluated.

/// The one code for a var file's refused values whose text is not known.
pub const VAR_FILE_CANNOT_TELL: &str = "jobspec::var-file-cannot-tell";

/// The refused values of every `-var-file`, in file order.
#[derive(Default)]
pub(super) struct RefusedValues {
    /// hclsyntax's lines, `path:range: words`.
    pub(super) lines: Vec<String>,
    /// How many values were refused.
    count: usize,
    /// One file, or the -var flags, had several values refused: Go's map
    /// order decides theirs (each value's lines stay together).
    pub(super) unordered: bool,
    /// Several NOMAD_VAR_ values were refused: jobspec2 ranges over
    /// os.Environ(), the process's environment block in its order, which
    /// is ours when Nomad runs with the same environment (not sorted, and
    /// not Go's map order).
    pub(super) env_order: bool,
    /// A verdict this does not follow, or one whose unknown value a type
    /// constraint may also refuse.
    pub(super) unsure: bool,
    /// A var file Nomad reads, or refuses, in ways this does not follow
    /// (var_file.rs `unread`, `unworded`): why.
    pub(super) unread: Option<String>,
    /// Values go-cty refuses naming one of several elements or attributes
    /// in Go's map order: the variable, and the candidates.
    pub(super) chance: Vec<(String, Vec<String>)>,
    /// A value was given to a variable the job file does not declare:
    /// the declared name closest to the last such, if any.
    pub(super) undeclared: Option<Option<String>>,
}

impl RefusedValues {
    pub(super) fn add(&mut self, r: &JudgedValue, constraint: Constraint) {
        self.count += 1;
        match &r.verdict {
            Ok((lines, unknown)) => {
                self.lines.extend(lines.iter().cloned());
                // A partly unknown value (`[f()]`) meets the variable's
                // type in convert.Convert, which may refuse it too.
                let converts = matches!(
                    (constraint, unknown),
                    (Constraint::None, _)
                        | (_, Unknown::Whole)
                        | (Constraint::Primitive, Unknown::String)
                );
                self.unsure |= !converts;
            }
            Err(()) => self.unsure = true,
        }
    }

    /// A value go-cty's conversion refused: jobspec2's line for it, or
    /// None where its words are not known.
    pub(super) fn conversion(&mut self, line: Option<String>) {
        self.count += 1;
        match line {
            Some(l) => self.lines.push(l),
            None => self.unsure = true,
        }
    }

    /// A value go-cty refuses in words chance picks (var_convert.rs
    /// [`Why::Chance`](super::var_convert::Why)): which line Nomad prints
    /// is not known.
    pub(super) fn chance(&mut self, name: &str, of: &[String]) {
        self.count += 1;
        self.chance.push((name.to_string(), of.to_vec()));
    }

    /// Lines jobspec2 words as they are (a var file's repeated name, a
    /// declaration in it), counted as refusals.
    pub(super) fn worded(&mut self, lines: Vec<String>) {
        self.count += lines.len();
        self.lines.extend(lines);
    }

    /// A line jobspec2 says after the refusals (an unset variable's), not
    /// a refusal itself.
    pub(super) fn then(&mut self, line: String) {
        self.lines.push(line);
    }

    /// Has anything been refused? jobspec2 then stops before the next var
    /// file (collectInputVariableValues returns at its declaration probe).
    pub(super) fn any(&self) -> bool {
        self.count > 0 || self.unsure || self.unread.is_some() || !self.chance.is_empty()
    }

    /// The notes beside [`diag`](Self::diag)'s lines when one source's
    /// refusals are in Go's map order, or several come from the
    /// environment, and every line is known.
    pub(super) fn note(&self, src: &Source) -> Vec<Diag> {
        let mut notes = Vec::new();
        if self.unsure || !self.chance.is_empty() {
            return notes;
        }
        if self.unordered {
            notes.push(super::var_unset::map_order(
                src,
                &format!("{} values given in var files or -var flags are refused, two or more by one source", self.count),
                "the order they are given (each var file's in its own order, then the -var flags)",
            ));
        }
        if self.env_order {
            notes.push(super::var_unset::env_order(src));
        }
        notes
    }

    pub(super) fn diag(&self, src: &Source, v: crate::version::NomadVersion) -> Diag {
        let help = match &self.undeclared {
            Some(Some(s)) => format!("did you mean \"{s}\"? only declared variables can be set"),
            Some(None) => "only a variable the job file declares takes a value: declare it with a `variable` block, or remove the assignment".to_string(),
            None => "Nomad evaluates -var-file values, and -var/NOMAD_VAR_ values of variables typed other than string or number, with no functions and no variables: write each value itself (a string in quotes)".to_string(),
        };
        if let Some(why) = &self.unread {
            return Diag::error(
                VAR_FILE_CANNOT_TELL,
                format!("cannot tell what Nomad {v} says of the variables' values: {why}"),
            )
            .in_source(src)
            .help("a var file whose first byte other than a space is `{` is read as JSON, whatever its name: make it valid JSON; keep numbers within a 64-bit float's range");
        }
        if self.unsure || !self.chance.is_empty() {
            let mut whys = Vec::new();
            if self.unsure {
                whys.push("it refuses a function call or variable there, or a value that does not parse, in words this tool does not follow (a loop, a directive, a conditional, a type conversion of the unknown value, a syntax error)".to_string());
            }
            for (name, of) in &self.chance {
                whys.push(format!("go-cty refuses the value of {name} naming one of {}, the first it meets in Go's map order (which changes from run to run)", of.join(", ")));
            }
            let why = whys.join("; ");
            return Diag::error(
                VAR_FILE_CANNOT_TELL,
                format!("cannot tell what Nomad {v} says of the variables' values: {why}"),
            )
            .in_source(src)
            .help(help);
        }
        Diag::error("jobspec::var-file-value", self.lines.join("\n"))
            .in_source(src)
            .help(help)
    }
}

/// A value of a var file that Nomad refuses: its hclsyntax lines and
/// whether the value is the refused expression itself (then unknown as a
/// whole, which every type takes), or Err when the lines are not known.
pub(super) struct JudgedValue {
    pub(super) name: String,
    pub(super) verdict: Result<(Vec<String>, Unknown), ()>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(text: &str) -> (Verdict, Vec<&str>) {
        let e = hcl_edit::parser::parse_expr(text).expect("parses");
        let v = judge(&e);
        let spans = match &v {
            Verdict::Refused { errors, .. } => errors
                .iter()
                .map(|r| &text[r.span().start..r.span().end])
                .collect(),
            _ => vec![],
        };
        (v, spans)
    }

    #[test]
    fn calls_and_variables_are_refused_where_hclsyntax_refuses_them() {
        // tests/hcl-oracle/gohcl.go -varfile: the call whole, the
        // traversal's root, in evaluation order, a call's arguments unread.
        assert_eq!(judged("upper(\"x\")").1, vec!["upper(\"x\")"]);
        assert_eq!(judged("var.x").1, vec!["var"]);
        assert_eq!(judged("upper(var.x)").1, vec!["upper(var.x)"]);
        assert_eq!(
            judged("\"a-${upper(\"x\")}-${var.y}\"").1,
            vec!["upper(\"x\")", "var"]
        );
        assert_eq!(
            judged("[upper(\"x\"), local.z, 1]").1,
            vec!["upper(\"x\")", "local"]
        );
        assert_eq!(judged("{(k) = 1, b = f()}").1, vec!["k", "f()"]);
        assert_eq!(judged("[1][x]").1, vec!["x"]);
        assert_eq!(judged("-x").1, vec!["x"]);
        assert_eq!(judged("x ? f() : y").1, vec!["x"]);
        assert_eq!(judged("true ? f() : y").1, vec!["f()"]);
        assert_eq!(judged("f() + x").1, vec!["f()", "x"]);
        assert_eq!(judged("x[*].y").1, vec!["x"]);
    }

    #[test]
    fn literals_are_clean_and_loops_are_not_guessed() {
        assert_eq!(judged("[for s in [\"a\"] : s]").0, Verdict::Clean);
        assert_eq!(judged("(\"a\")").0, Verdict::Clean);
        assert_eq!(judged("{a = [1, true]}").0, Verdict::Clean);
        assert_eq!(
            judged("[for s in [\"a\"] : upper(s)]").0,
            Verdict::CannotTell
        );
        assert_eq!(judged("[for s in [\"a\"] : t]").0, Verdict::CannotTell);
        assert_eq!(judged("1 == 1 ? f() : 2").0, Verdict::CannotTell);
    }

    #[test]
    fn a_value_that_is_the_refused_expression_is_whole() {
        let unknown = |t: &str| match judged(t).0 {
            Verdict::Refused { unknown, .. } => Some(unknown),
            _ => None,
        };
        assert_eq!(unknown("f()"), Some(Unknown::Whole));
        assert_eq!(unknown("var.x"), Some(Unknown::Whole));
        assert_eq!(unknown("(x)"), Some(Unknown::Whole));
        assert_eq!(unknown("\"${x}\""), Some(Unknown::Whole));
        assert_eq!(unknown("\"a${x}\""), Some(Unknown::String));
        assert_eq!(unknown("[f()]"), Some(Unknown::Part));
    }
}
