//! A variable's `validation` blocks, as jobspec2 decodes and runs them
//! (types.variables.go, decodeVariableValidationBlock and validateValue,
//! 1.0.0-2.0.5).
//!
//! Decoding refuses, one diagnostic each, in the block's order: a missing
//! `condition` or `error_message`; every reference of the condition that is
//! not `var.<this variable>` (and a condition with none); an error message
//! that is empty, or, before 2.0.5, not "sentences" (an upper-case first
//! letter, a last `.`, `?` or `!`); 2.0.5 refuses only a blank one. Those
//! diagnostics do not stop the parse: the values are still validated, each
//! condition evaluated with `var` holding this variable alone, and a false
//! one is `Invalid value for <source> variable`, naming where the value came
//! from and the rule's block.

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::Block;
use hcl_edit::visit::Visit;

use super::eval::{span_of, Scope};
use super::functions::params::{cty_release, Ty};
use super::functions::{mismatch, FnEnv};
use super::hclsyntax::range_string;
use super::model::Value;
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// One decoded `validation` block.
pub(super) struct Rule<'b> {
    /// The block's type name (hclsyntax's DefRange of a block without labels).
    def: Span,
    condition: Option<&'b Expression>,
    /// The error message as gohcl decodes it with no context; None when it
    /// is missing or refused.
    message: Option<String>,
}

/// Where a variable's value came from, as jobspec2 names it in
/// `Invalid value for <from> variable`, and the value's range as Nomad
/// prints it (`path:line,col-col`, `:0,0-0` for a `-var` text taken
/// literally, which has no source range).
pub(super) struct Origin {
    pub(super) from: &'static str,
    pub(super) range: String,
}

impl Origin {
    /// The source of a value given on the way in (vars.rs names them
    /// `NOMAD_VAR_x`, `-var-file path` and `-var`), at `range`.
    pub(super) fn named(given_by: &str, range: &str) -> Origin {
        let from = if given_by.starts_with("NOMAD_VAR") {
            "env"
        } else if given_by.starts_with("-var-file") {
            "varfile"
        } else {
            "cmd"
        };
        Origin {
            from,
            range: range.to_string(),
        }
    }
}

/// A condition evaluated as validateValue does: `var` holds this variable
/// alone, the functions are the job file's with the filesystem ones
/// refusing every call (guardFS: `Error in function call; Call to function
/// "file" failed: filesystem function disabled.`); the result converted to
/// bool as go-cty converts it. None where that is not followed here.
fn evaluate(
    cond: &Expression,
    name: &str,
    value: &Value,
    fns: FnEnv<'_>,
    src: &Source,
    version: NomadVersion,
) -> Option<Result<bool, Diags>> {
    let fns = FnEnv {
        vfs: None,
        guard_fs: true,
        ..fns
    };
    let mut scope = Scope::bare(src.eval_text(), fns);
    scope.vars.insert(name.to_string(), value.clone());
    let at = span_of(cond);
    let refuse = |detail: String| {
        Some(Err(Diags::from(worded(
            src,
            at,
            format!("Invalid variable validation result; {detail}"),
        ))))
    };
    match scope.eval(cond) {
        Ok(Value::Bool(b)) => Some(Ok(b)),
        Ok(Value::Null) => refuse(
            "Validation condition expression must return either true or false, not null."
                .to_string(),
        ),
        Ok(v) => match mismatch(&v, &Ty::Bool, cty_release(version)) {
            Some(why) => refuse(format!("Invalid validation condition result value: {why}.")),
            None => match v.as_str() {
                Some("true" | "1") => Some(Ok(true)),
                Some("false" | "0") => Some(Ok(false)),
                _ => None,
            },
        },
        Err(e) => Some(Err(super::vars::eval_diags(src, e))),
    }
}

/// The diagnostics of the variables' stage as jobspec2 prints them: each
/// `Error()`, one a line, in the order given. One diagnostic stays as is.
pub(super) fn one_list(src: &Source, mut stage: Vec<Diag>) -> Diag {
    // Where Nomad's text is not followed, the one line saying so stands
    // alone: none of the list would be Nomad's whole text.
    // So does a crash's.
    if let Some(i) = stage.iter().position(|d| {
        d.code == CANNOT_TELL
            || d.code == super::hcl1_syntax::CRASH
            || d.code == super::locals::LOCALS_CANNOT_TELL
    }) {
        return stage.swap_remove(i);
    }
    if stage.len() == 1 {
        return stage.remove(0);
    }
    let lines: Vec<String> = stage
        .iter()
        .map(|d| match d.primary_span() {
            Some(at) if super::eval::is_hcl_worded(&d.message) => format!(
                "{}: {}",
                range_string(&src.text, &src.name, (at.start, at.end)),
                d.message
            ),
            _ => d.message.clone(),
        })
        .collect();
    let first = stage
        .iter()
        .find_map(Diag::primary_span)
        .unwrap_or_default();
    let code = stage.first().map_or(VALIDATION, |d| d.code.as_str());
    let mut d = Diag::error(code.to_string(), lines.join("\n"));
    d = if first == Span::default() {
        d.in_source(src)
    } else {
        d.at(src, first, "")
    };
    d.help(
        "each variable's `validation` blocks and values are judged before the job: fix these first",
    )
}

/// The rules of one `variable` block, decoded; their refusals go to `diags`
/// in jobspec2's words, located in the job file.
pub(super) fn decode<'b>(
    name: &str,
    block: &'b Block,
    src: &Source,
    version: NomadVersion,
    diags: &mut Diags,
) -> Vec<Rule<'b>> {
    block
        .body
        .blocks()
        .filter(|b| b.ident.as_str() == "validation")
        .map(|b| decode_one(name, b, src, version, diags))
        .collect()
}

fn decode_one<'b>(
    name: &str,
    block: &'b Block,
    src: &Source,
    version: NomadVersion,
    diags: &mut Diags,
) -> Rule<'b> {
    let mut rule = Rule {
        def: span_of(&block.ident),
        condition: None,
        message: None,
    };
    let unexpected = block.body.blocks().next().is_some()
        || block
            .body
            .attributes()
            .any(|a| !matches!(a.key.as_str(), "condition" | "error_message"));
    if unexpected {
        // hclsyntax reports unexpected arguments in Go's map order, with
        // suggestions; not followed here.
        diags.push(cannot_tell(
            src,
            rule.def,
            "a `validation` block holds something other than `condition` and `error_message`",
        ));
    }
    let condition = block.body.get_attribute("condition");
    let message = block.body.get_attribute("error_message");
    for (attr, key) in [(condition, "condition"), (message, "error_message")] {
        if attr.is_none() {
            // The body's MissingItemRange: where its `{` starts, zero wide.
            let brace = body_start(src, block);
            diags.push(worded(
                src,
                Span::new(brace, brace),
                format!("Missing required argument; The argument \"{key}\" is required, but no definition was found."),
            ));
        }
    }
    if let Some(c) = condition {
        rule.condition = Some(&c.value);
        let mut refs = Refs::default();
        refs.visit_expr(&c.value);
        let mut good = 0;
        for r in refs.found {
            if r.var_name.as_deref() == Some(name) {
                good += 1;
                continue;
            }
            diags.push(worded(
                src,
                r.span,
                format!("Invalid reference in variable validation; The condition for variable {} can only refer to the variable itself, using var.{name}.", crate::gotext::go_quote(name)),
            ));
        }
        if good == 0 {
            diags.push(worded(
                src,
                span_of(&c.value),
                format!("Invalid variable validation condition; The condition for variable {} must refer to var.{name} in order to test incoming values.", crate::gotext::go_quote(name)),
            ));
        }
    }
    if let Some(m) = message {
        match literal_text(&m.value, &src.text) {
            Some(text) => {
                let blank = if version.at_least(2, 0, 5) {
                    text.trim().is_empty()
                        .then_some("An empty or blank string is not a valid nor useful error message.")
                } else if text.is_empty() {
                    Some("An empty string is not a valid nor useful error message.")
                } else if !looks_like_sentences(&text) {
                    Some("Validation error message must be at least one full sentence starting with an uppercase letter ( if the alphabet permits it ) and ending with a period or question mark.")
                } else {
                    None
                };
                match blank {
                    Some(detail) => diags.push(worded(
                        src,
                        span_of(&m.value),
                        format!("Invalid validation error message; {detail}"),
                    )),
                    None => rule.message = Some(text),
                }
            }
            None => diags.push(cannot_tell(
                src,
                span_of(&m.value),
                "an `error_message` that is not a plain string (gohcl decodes it with no variables and no functions)",
            )),
        }
    }
    rule
}

/// The verdict on a variable's value under each rule, in order: `Invalid
/// value for <from> variable` for a false condition (see [`evaluate`]).
pub(super) fn check(
    rules: &[Rule<'_>],
    (name, value): (&str, &Value),
    origin: &Origin,
    fns: FnEnv<'_>,
    src: &Source,
    version: NomadVersion,
    diags: &mut Diags,
) {
    for rule in rules {
        let Some(cond) = rule.condition else {
            // validateValue meets the rule without a condition (after the
            // decode's `Missing required argument`): from 1.3.10, 1.4.5 and
            // 1.5.0 (#16018) it says so at the block's name; before, it
            // calls the nil condition and the CLI panics.
            diags.push(if condition_required(version) {
                worded(
                    src,
                    rule.def,
                    "Invalid variable validation specification; validation requires a condition.".into(),
                )
            } else {
                Diag::error(
                    super::hcl1_syntax::CRASH,
                    format!("cannot tell what Nomad {version} prints for this job file: its jobspec2 evaluates the missing condition of a `validation` block (types.variables.go validateValue, fixed in 1.3.10, 1.4.5 and 1.5.0 by #16018), and the CLI crashes with a Go panic (a nil pointer dereference) before anything is sent"),
                )
                .at(src, rule.def, "no condition")
                .help("give the validation block a `condition`")
            });
            continue;
        };
        match evaluate(cond, name, value, fns, src, version) {
            None => diags.push(cannot_tell(
                src,
                span_of(cond),
                "a validation condition this tool does not evaluate as jobspec2 does",
            )),
            Some(Err(d)) => diags.extend(d),
            Some(Ok(true)) => {}
            Some(Ok(false)) => {
                let rule_at = range_string(&src.text, &src.name, (rule.def.start, rule.def.end));
                let message = rule.message.clone().unwrap_or_default();
                diags.push(
                    Diag::error(
                        VALIDATION,
                        format!(
                            "{}: Invalid value for {} variable; {message}\n\nThis was checked by the validation rule at {rule_at}.",
                            origin.range, origin.from
                        ),
                    )
                    .at(src, span_of(cond), "this condition is false")
                    .help("pass a value that satisfies the variable's validation rule"),
                );
            }
        }
    }
}

/// Does `v`'s validateValue refuse a rule without a condition (rather
/// than crash on it)? #16018: 1.5.0, backported to 1.3.10 and 1.4.5.
fn condition_required(v: NomadVersion) -> bool {
    v.at_least(1, 4, 5) || (v.at_least(1, 3, 10) && !v.at_least(1, 4, 0))
}

/// The code of a value a validation rule refuses.
pub const VALIDATION: &str = "jobspec::variable-validation";

/// jobspec2's looksLikeSentences (1.0.0-2.0.4): Go's unicode.IsLetter and
/// IsUpper are categories L and Lu.
fn looks_like_sentences(s: &str) -> bool {
    let (Some(first), Some(last)) = (s.chars().next(), s.chars().last()) else {
        return false;
    };
    // A letter that is not upper case: compiled once per process.
    static CASELESS_OR_LOWER: std::sync::OnceLock<Option<regex::Regex>> =
        std::sync::OnceLock::new();
    let refused = CASELESS_OR_LOWER
        .get_or_init(|| regex::Regex::new(r"^[\p{L}&&[^\p{Lu}]]$").ok())
        .as_ref()
        .is_some_and(|re| re.is_match(first.encode_utf8(&mut [0; 4])));
    if refused {
        return false;
    }
    matches!(last, '.' | '?' | '!')
}

/// The text of an `error_message` gohcl decodes with no context: a string
/// with no interpolation, or a number or bool converted to one. Anything
/// else (a reference, a call, a collection) is refused in words not
/// followed here.
fn literal_text(e: &Expression, text: &str) -> Option<String> {
    match e {
        Expression::String(s) => Some(s.value().to_string()),
        Expression::Bool(b) => Some(b.value().to_string()),
        Expression::Number(n) => Some(n.value().to_string()),
        Expression::StringTemplate(t) => {
            let mut out = String::new();
            for el in t.iter() {
                match el {
                    hcl_edit::template::Element::Literal(l) => out.push_str(l.value()),
                    _ => return None,
                }
            }
            Some(out)
        }
        Expression::HeredocTemplate(h) => {
            let mut out = String::new();
            // `<<-`: hclsyntax's stripping, not hcl-edit's (template_parts.rs).
            let at = hcl_edit::Span::span(&**h)?.start;
            let flushed = text
                .get(at..)?
                .starts_with("<<-")
                .then(|| super::template_parts::hclsyntax_template(&h.template, at, text));
            let template = match flushed {
                Some(t) => t?,
                None => h.template.clone(),
            };
            for el in template.iter() {
                match el {
                    hcl_edit::template::Element::Literal(l) => out.push_str(l.value()),
                    _ => return None,
                }
            }
            Some(out)
        }
        Expression::Parenthesis(p) => literal_text(p.inner(), text),
        _ => None,
    }
}

/// Where a block's body starts: its `{`.
fn body_start(src: &Source, block: &Block) -> usize {
    let from = span_of(&block.ident).end;
    src.text
        .get(from..)
        .and_then(|rest| rest.find('{'))
        .map_or(from, |i| from + i)
}

fn worded(src: &Source, at: Span, message: String) -> Diag {
    Diag::error("jobspec::variable-validation-rule", message).at(src, at, "")
}

/// The code of a validation block whose refusal this tool cannot word.
pub const CANNOT_TELL: &str = "jobspec::variable-validation-cannot-tell";

fn cannot_tell(src: &Source, at: Span, what: &str) -> Diag {
    Diag::error(
        CANNOT_TELL,
        format!("cannot tell what Nomad says of this job file: {what}"),
    )
    .at(src, at, "here")
    .help("write the validation as `condition = <expression of var.NAME>` and `error_message = \"A full sentence.\"`")
}

/// A reference of a condition, as hclsyntax's Variables() lists them: the
/// traversal's static part, minus names a `for` binds.
struct Ref {
    /// `var.<name>`'s name; None for any other reference.
    var_name: Option<String>,
    span: Span,
}

#[derive(Default)]
struct Refs {
    found: Vec<Ref>,
    bound: Vec<String>,
}

impl Visit for Refs {
    fn visit_expr(&mut self, e: &Expression) {
        match e {
            // A bare name is a traversal of one step.
            Expression::Variable(v) => {
                if !self.bound.iter().any(|b| b == v.as_str()) {
                    self.found.push(Ref {
                        var_name: None,
                        span: span_of(v),
                    });
                }
            }
            _ => hcl_edit::visit::visit_expr(self, e),
        }
    }

    fn visit_traversal(&mut self, t: &hcl_edit::expr::Traversal) {
        let Expression::Variable(root) = &t.expr else {
            return hcl_edit::visit::visit_traversal(self, t);
        };
        // The static steps hclsyntax keeps in the traversal: attributes and
        // literal indexes; a splat or computed index ends it.
        let mut end = span_of(root).end;
        let mut steps = 0;
        for op in &t.operators {
            let stat = match op.value() {
                TraversalOperator::GetAttr(_) | TraversalOperator::LegacyIndex(_) => true,
                TraversalOperator::Index(e) => {
                    matches!(e, Expression::Number(_) | Expression::String(_))
                }
                _ => false,
            };
            if !stat {
                break;
            }
            end = span_of(op).end;
            steps += 1;
        }
        let name = root.as_str();
        if !self.bound.iter().any(|b| b == name) {
            let var_name = match t.operators.first().map(|o| o.value()) {
                Some(TraversalOperator::GetAttr(id)) if name == "var" && steps > 0 => {
                    Some(id.as_str().to_string())
                }
                _ => None,
            };
            self.found.push(Ref {
                var_name,
                span: Span::new(span_of(root).start, end),
            });
        }
        // Computed indexes hold references of their own.
        for op in t.operators.iter().skip(steps) {
            if let TraversalOperator::Index(e) = op.value() {
                self.visit_expr(e);
            }
        }
    }

    fn visit_for_expr(&mut self, f: &hcl_edit::expr::ForExpr) {
        self.visit_expr(&f.intro.collection_expr);
        let before = self.bound.len();
        if let Some(k) = &f.intro.key_var {
            self.bound.push(k.as_str().to_string());
        }
        self.bound.push(f.intro.value_var.as_str().to_string());
        if let Some(k) = &f.key_expr {
            self.visit_expr(k);
        }
        self.visit_expr(&f.value_expr);
        if let Some(c) = &f.cond {
            self.visit_expr(&c.expr);
        }
        self.bound.truncate(before);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(text: &str) -> Vec<(Option<String>, String)> {
        let e = hcl_edit::parser::parse_expr(text).expect("parses");
        let mut r = Refs::default();
        r.visit_expr(&e);
        r.found
            .into_iter()
            .map(|x| (x.var_name, text[x.span.start..x.span.end].to_string()))
            .collect()
    }

    #[test]
    fn references_are_listed_as_hclsyntax_lists_them() {
        let v = |s: &str| Some(s.to_string());
        assert_eq!(refs("var.n < 3"), vec![(v("n"), "var.n".into())]);
        assert_eq!(
            refs("var.n < var.m.x"),
            vec![(v("n"), "var.n".into()), (v("m"), "var.m.x".into())]
        );
        assert_eq!(refs("local.a"), vec![(None, "local.a".into())]);
        assert_eq!(refs("var"), vec![(None, "var".into())]);
        assert_eq!(refs("var[\"n\"]"), vec![(None, "var[\"n\"]".into())]);
        assert_eq!(
            refs("var.l[var.i]"),
            vec![(v("l"), "var.l".into()), (v("i"), "var.i".into())]
        );
        assert_eq!(
            refs("alltrue([for s in var.l : s != x])"),
            vec![(v("l"), "var.l".into()), (None, "x".into())]
        );
    }

    #[test]
    fn sentences_as_go_tells_them() {
        assert!(looks_like_sentences("The n must be small."));
        assert!(looks_like_sentences("Too big!"));
        assert!(looks_like_sentences("\"n\" is wrong?"));
        assert!(looks_like_sentences("É grande."));
        // A letter without case is still "not upper" to Go's test: refused,
        // which is why 2.0.5 dropped the rule.
        assert!(!looks_like_sentences("数字が大きすぎます."));
        assert!(looks_like_sentences("1 is too small."));
        assert!(!looks_like_sentences("the n must be small."));
        assert!(!looks_like_sentences("The n must be small"));
        assert!(!looks_like_sentences(""));
    }
}
