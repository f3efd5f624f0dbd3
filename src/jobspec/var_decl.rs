//! The input variables a job file declares, as jobspec2's
//! decodeInputVariables reads them (types.variables.go, 1.0.0-2.0.5), in
//! file order: a `variable "name" {}` block (type, default, validation)
//! and each attribute of a `variables {}` block, a variable with no type
//! whose default is the attribute's value (decodeVariable). What type
//! later values are held to, and how a `-var` text is read, follow
//! from that (var_convert.rs).

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};

use super::eval::{span_of, Scope};
use super::hclsyntax::Era;
use super::model::Value;
use super::var_convert::{Exact, Why};
use super::var_file_values::{judge_in, Constraint, Verdict};
use super::var_typeexpr::TypeCheck;
use super::vars::{eval_diags, unknown, VarType};
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};

pub(super) struct Declared<'b> {
    pub(super) name: String,
    /// The `variable` block; None for a `variables {}` attribute.
    pub(super) block: Option<&'b Block>,
    /// The label's span (the attribute's name for `variables {}`).
    pub(super) at: Span,
    pub(super) ty: VarType,
    pub(super) default: Option<Value>,
    /// jobspec2 takes a `-var`/`NOMAD_VAR_` value as literal text when the
    /// type is string, number or none (an untyped variable with a default
    /// has its default's type), and parses it as HCL otherwise
    /// (expressionFromVariableDefinition, 1.0.0-2.0.5).
    pub(super) literal_cli: bool,
    /// The type its values are converted to (a declared one other than
    /// `any`, or an untyped variable's default's), which may refuse an
    /// unknown part.
    pub(super) constraint: Constraint,
    /// From 1.0, the type go-cty converts its values to where this words
    /// the conversion (var_convert.rs): the `type` (a collection's element
    /// type not `any`), or the default's own type when none is given.
    /// None: no conversion (no type and no default, `any`), or a type this
    /// does not word, converted by [`VarType`].
    pub(super) exact: Option<Exact>,
    /// Its `validation` blocks, decoded (1.0+; none for `variables {}`).
    pub(super) rules: Vec<super::var_validation::Rule<'b>>,
    /// Whether jobspec2 refused one of those blocks (the parse then stops
    /// after the variables' stage).
    pub(super) rules_refused: bool,
    /// From 1.0, go-cty refused the default's conversion to the declared
    /// type: jobspec2 keeps cty.DynamicVal in its place, an unknown value,
    /// so the variable is not unset and its rules are not run on it.
    pub(super) default_refused: bool,
}

const ATTRIBUTES: &[&str] = &["type", "default", "description", "sensitive", "nullable"];

/// The declarations jobspec2 keeps, in file order; problems go to `diags`.
pub(super) struct Declarations<'b> {
    pub(super) list: Vec<Declared<'b>>,
    /// A value jobspec2 evaluates with no context was refused
    /// ([`no_context`]): the variables' stage fails, the job is not decoded.
    pub(super) refused: bool,
    /// Notes on lines said in Go's map order (var_unset.rs `map_order`),
    /// said after the stage's list, not in it.
    pub(super) notes: Vec<Diag>,
}

/// Every declaration, in file order; problems go to `diags`.
pub(super) fn declared<'b>(
    body: &'b Body,
    src: &Source,
    version: crate::version::NomadVersion,
    scope: &mut Scope<'_>,
    diags: &mut Diags,
) -> Declarations<'b> {
    let mut out: Vec<Declared<'b>> = Vec::new();
    let hcl2 = version.at_least(1, 0, 0);
    let mut refused = false;
    let mut notes = Vec::new();
    for b in body.blocks() {
        let seen = |name: &str| out.iter().any(|o| o.name == name);
        // From 1.0 jobspec2 looks the name up before it reads the
        // declaration (decodeVariableBlock, decodeVariable, 1.0.0-2.0.5):
        // a second one is refused unread, nothing inside it said.
        if hcl2 {
            let again: Vec<(&str, Span, bool)> = match b.ident.as_str() {
                "variable" => b
                    .labels
                    .first()
                    .filter(|l| b.labels.len() == 1 && seen(l.as_str()))
                    .map(|l| (l.as_str(), span_of(l), true))
                    .into_iter()
                    .collect(),
                "variables" => b
                    .body
                    .attributes()
                    .filter(|a| seen(a.key.as_str()))
                    .map(|a| (a.key.as_str(), span_of(&a.key), false))
                    .collect(),
                _ => Vec::new(),
            };
            for (name, at, is_block) in &again {
                refused = true;
                diags.push(duplicate(src, name, *at, *is_block, hcl2));
            }
            if b.ident.as_str() == "variable" && !again.is_empty() {
                continue;
            }
        }
        let fresh = |a: &&hcl_edit::structure::Attribute| !hcl2 || !seen(a.key.as_str());
        let found = match b.ident.as_str() {
            "variable" => block(b, src, version, scope, diags, &mut refused)
                .into_iter()
                .collect(),
            "variables" if hcl2 && !attributes_judged(b, &fresh, src, diags, &mut notes) => {
                // decodeVariable keeps none of a refused attribute.
                refused = true;
                b.body
                    .attributes()
                    .filter(fresh)
                    .filter(|a| judge_in(&a.value, Some(&*src.text)) == Verdict::Clean)
                    .filter_map(|a| attribute(a, scope, src, hcl2, diags))
                    .collect()
            }
            "variables" => b
                .body
                .attributes()
                .filter(fresh)
                .filter_map(|a| attribute(a, scope, src, hcl2, diags))
                .collect(),
            _ => Vec::new(),
        };
        for d in found {
            if out.iter().any(|o| o.name == d.name) {
                // HCL1's own check (hcl2 ones are refused above).
                diags.push(duplicate(src, &d.name, d.at, d.block.is_some(), hcl2));
                continue;
            }
            out.push(d);
        }
    }
    let first = diags.0.iter().rev().find(|d| d.code == NO_CONTEXT);
    if let Some(at) = first.and_then(|d| d.primary_span()) {
        if !version.at_least(1, 0, 6) {
            // Until 1.0.6 decodeBody goes on to decode the job without the
            // refused variables, and what that says is not followed here.
            diags.push(cannot_tell(src, at, "Nomad refuses a function call or variable in a variable's default, description or `variables {}` value, then (before 1.0.6) decodes the job without that variable, and what it says of the job is not followed here"));
        }
    }
    Declarations {
        list: out,
        refused,
        notes,
    }
}

/// A variable declared again. From 1.0 decodeVariableBlock and
/// decodeVariable (1.0.0-2.0.5) word it; a block's names no subject (its
/// Error() prints the nil range), an attribute's is its name.
fn duplicate(src: &Source, name: &str, at: Span, is_block: bool, hcl2: bool) -> Diag {
    let words = format!("Duplicate variable; Duplicate {name} variable definition found.");
    let message = match (hcl2, is_block) {
        (false, _) => format!("Duplicate variable declaration \"{name}\""),
        (true, true) => format!("<nil>: {words}"),
        (true, false) => words,
    };
    Diag::error("jobspec::duplicate", message)
        .at(src, at, "declared again here")
        .help("each variable may be declared only once")
}

/// The code of a default (or `variables {}` value, or description) that
/// calls a function or names a variable, in hclsyntax's words.
pub const NO_CONTEXT: &str = "jobspec::variable-default";

/// jobspec2 evaluates a variable's default, its description and each
/// `variables {}` value with a nil EvalContext (decodeVariableBlock,
/// decodeVariable; the same 1.0.0-2.0.5), as it does a var file's values:
/// hclsyntax refuses every function call and variable there, in the
/// words and ranges var_file_values.rs judges them by. True when `e` is
/// clean; otherwise its refusals (or one "cannot tell" line) go to `diags`.
fn no_context(e: &Expression, src: &Source, diags: &mut Diags) -> bool {
    match judge_in(e, Some(&*src.text)) {
        Verdict::Clean => true,
        Verdict::Refused { errors, .. } => {
            for r in errors {
                diags.push(
                    Diag::error(NO_CONTEXT, r.words())
                        .at(src, r.span(), "not allowed here")
                        .help(HELP),
                );
            }
            false
        }
        Verdict::CannotTell => {
            diags.push(cannot_tell(
                src,
                span_of(e),
                "it refuses a function call or variable in this value (Nomad evaluates it with no functions and no variables), in words or an order this tool does not follow (a loop, a directive or a conditional)",
            ));
            false
        }
    }
}

const HELP: &str = "Nomad evaluates a variable's default, its description and `variables {}` values with no functions and no variables: write the value itself, or compute it in a `locals` block";

fn cannot_tell(src: &Source, at: Span, why: &str) -> Diag {
    Diag::error(
        super::var_validation::CANNOT_TELL,
        format!("cannot tell what Nomad says of this job file: {why}"),
    )
    .at(src, at, "here")
    .help(HELP)
}

/// A `variables {}` block's values judged ([`no_context`]): true when all
/// are clean. decodeInputVariables ranges over them as a Go map
/// (JustAttributes), each value's refusals together: with two or more
/// refused values every line is certain and only their order is chance,
/// so all are said in source order and a note goes to `notes`.
fn attributes_judged(
    b: &Block,
    fresh: &dyn Fn(&&hcl_edit::structure::Attribute) -> bool,
    src: &Source,
    diags: &mut Diags,
    notes: &mut Vec<Diag>,
) -> bool {
    let refused: Vec<_> = b
        .body
        .attributes()
        .filter(fresh)
        .filter(|a| judge_in(&a.value, Some(&*src.text)) != Verdict::Clean)
        .collect();
    // Each value's lines, or a "cannot tell" (which one_list then says
    // alone).
    for a in &refused {
        no_context(&a.value, src, diags);
    }
    if refused.len() > 1
        && !refused
            .iter()
            .any(|a| judge_in(&a.value, Some(&*src.text)) == Verdict::CannotTell)
    {
        let what = format!(
            "{} values of this `variables` block are refused",
            refused.len()
        );
        notes.push(
            super::var_unset::map_order(src, &what, "the order the block gives them").help(HELP),
        );
    }
    refused.is_empty()
}

/// A `variables {}` attribute: a variable whose default is its value.
fn attribute<'b>(
    a: &'b hcl_edit::structure::Attribute,
    scope: &mut Scope<'_>,
    src: &Source,
    hcl2: bool,
    diags: &mut Diags,
) -> Option<Declared<'b>> {
    match scope.eval(&a.value) {
        Ok(v) => Some(Declared {
            name: a.key.as_str().to_string(),
            block: None,
            at: span_of(&a.key),
            ty: VarType::Any,
            literal_cli: matches!(v, Value::String(_) | Value::Number(_)),
            constraint: untyped_constraint(Some(&v)),
            exact: hcl2.then(|| Exact::of(&v)),
            default: Some(v),
            rules: Vec::new(),
            rules_refused: false,
            default_refused: false,
        }),
        Err(e) => {
            diags.extend(eval_diags(src, e));
            None
        }
    }
}

/// The type an untyped variable's default gives it, as far as a refused
/// unknown value meets it (var_file_values.rs).
fn untyped_constraint(default: Option<&Value>) -> Constraint {
    match default {
        None | Some(Value::Null) => Constraint::None,
        Some(Value::String(_) | Value::Number(_) | Value::Bool(_)) => Constraint::Primitive,
        Some(_) => Constraint::Other,
    }
}

fn block<'b>(
    b: &'b Block,
    src: &Source,
    version: crate::version::NomadVersion,
    scope: &mut Scope<'_>,
    diags: &mut Diags,
    refused: &mut bool,
) -> Option<Declared<'b>> {
    // From 1.0 hclsyntax refuses any other count (block_labels.rs).
    let (Some(label), 1) = (b.labels.first(), b.labels.len()) else {
        if !version.at_least(1, 0, 0) {
            diags.push(
                Diag::error("jobspec::variable", "Missing name for variable")
                    .at(src, span_of(b), "a variable block needs a name")
                    .help("write `variable \"name\" { ... }`"),
            );
        }
        return None;
    };
    let name = label.as_str().to_string();
    // decodeVariableBlock (1.0.0-2.0.5) refuses a name that is no HCL
    // identifier, at its label (quotes included), and keeps the variable.
    if version.at_least(1, 0, 0) && !super::hclsyntax::valid_identifier(&name) {
        *refused = true;
        diags.push(
            Diag::error(
                "jobspec::variable",
                "Invalid variable name; A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.",
            )
            .at(src, span_of(label), "not a name var.<name> can reach")
            .help("name the variable with letters, digits, underscores and dashes, starting with a letter or underscore"),
        );
    }
    // The description, read before the type, is refused the same way,
    // but the variable stands.
    let described = b.body.get_attribute("description");
    if let Some(d) = described.filter(|_| version.at_least(1, 0, 0)) {
        if judge_in(&d.value, Some(&*src.text)) != Verdict::Clean {
            // gohcl.DecodeExpression then also refuses the unknown string
            // ("Unsuitable value type", at the expression's StartRange),
            // whose range this does not follow.
            *refused = true;
            diags.push(cannot_tell(src, span_of(&d.value), "it refuses a function call or variable in a variable's description (Nomad reads it with no functions and no variables), then the unknown text, at a range this tool does not follow"));
        }
    }
    let mut ty = VarType::Any;
    // A type or default jobspec2 cannot read ends the block's decoding
    // there: its validation blocks are not decoded.
    let mut stops = false;
    let type_given = b.body.get_attribute("type").is_some();
    // From 1.0 typeexpr.Type reads it, an exact type or refused; a refused
    // type ends decodeVariableBlock before the default: no variable.
    let typed = b.body.get_attribute("type").zip(Era::of(version));
    if let Some((t, era)) = typed {
        match super::var_typeexpr::check(&t.value, &src.text, era) {
            TypeCheck::Exact => {}
            TypeCheck::Refused(found) => {
                *refused = true;
                for (at, line) in found {
                    diags.push(
                        Diag::error("jobspec::type", line)
                            .at(src, at, "not an exact type")
                            .help("Nomad wants an exact type (typeexpr.Type): string, number, bool, list(T), set(T), map(T), object({...}) or tuple([...]); `any` is not one"),
                    );
                }
                return None;
            }
            TypeCheck::Unsure(at) => {
                *refused = true;
                diags.push(cannot_tell(src, at, "Nomad refuses this type expression (typeexpr.Type), in words or at a range this tool does not follow for this release"));
                return None;
            }
        }
    }
    if let Some(t) = b.body.get_attribute("type") {
        match VarType::parse(&t.value) {
            Some(parsed) => ty = parsed,
            None => stops = true,
        }
        if stops {
            diags.push(
                Diag::error("jobspec::type", "Invalid type specification")
                    .at(src, span_of(&t.value), "not a type")
                    .help(
                        "use string, number, bool, any, list(T), set(T), map(T) or object({...})",
                    ),
            );
        }
    }
    let mut default = None;
    let mut default_refused = false;
    // From 1.0 go-cty converts the default to a declared type it words
    // (var_convert.rs), as it does every later value.
    let exact_type = b
        .body
        .get_attribute("type")
        .filter(|_| version.at_least(1, 0, 0) && !stops)
        .and_then(|t| Exact::of_type(&t.value));
    if let Some(d) = b.body.get_attribute("default") {
        // decodeVariableBlock returns at a refused default: no variable,
        // its validation blocks unread (the type, read first, stands).
        if version.at_least(1, 0, 0) && !stops && !no_context(&d.value, src, diags) {
            *refused = true;
            return None;
        }
        let value = scope.eval(&d.value).map_err(|e| e.message);
        stops |= value.is_err();
        let cty = super::functions::params::cty_release(version);
        let converted = match (&exact_type, &value) {
            (Some(t), Ok(v)) => Some(super::var_convert::convert(v, t, cty)),
            _ => None,
        };
        match converted {
            Some(Ok(v)) => default = Some(v),
            // decodeVariableBlock: "Invalid default value for variable",
            // at the default's range, and cty.DynamicVal in its place.
            Some(Err(Why::Words(why))) => {
                default_refused = true;
                diags.push(
                    Diag::error(
                        "jobspec::type",
                        format!("Invalid default value for variable; This default value is not compatible with the variable's type constraint: {why}."),
                    )
                    .at(src, span_of(&d.value), "this default")
                    .help(format!("the variable's type is {}", ty.describe())),
                );
            }
            Some(Err(Why::Chance(of))) => {
                default_refused = true;
                let why = format!("its default does not convert to the variable's type, and go-cty names one of {} that do not, the first it meets in Go's map order (which changes from run to run)", of.join(", "));
                diags.push(cannot_tell(src, span_of(&d.value), &why));
            }
            Some(Err(Why::Order(why))) => {
                default_refused = true;
                diags.push(cannot_tell(src, span_of(&d.value), &why));
            }
            Some(Err(Why::CannotTell)) => {
                default_refused = true;
                diags.push(cannot_tell(src, span_of(&d.value), "its default does not convert to the variable's type, in words this tool does not follow"));
            }
            None => match value.and_then(|v| ty.convert(v)) {
                Ok(v) => default = Some(v),
                Err(m) => diags.push(
                    Diag::error(
                        "jobspec::type",
                        format!("Invalid default value for variable \"{name}\": {m}"),
                    )
                    .at(src, span_of(&d.value), "this default")
                    .help(format!("the variable's type is {}", ty.describe())),
                ),
            },
        }
    }
    for a in b.body.attributes() {
        if !ATTRIBUTES.contains(&a.key.as_str()) {
            diags.push(unknown(
                src,
                span_of(&a.key),
                a.key.as_str(),
                ATTRIBUTES,
                "variable",
            ));
        }
    }
    let literal_cli = if type_given {
        matches!(ty, VarType::String | VarType::Number)
    } else {
        default
            .as_ref()
            .is_none_or(|d| matches!(d, Value::String(_) | Value::Number(_)))
    };
    let constraint = match &ty {
        _ if !type_given => untyped_constraint(default.as_ref()),
        VarType::Any => Constraint::None,
        VarType::String | VarType::Number | VarType::Bool => Constraint::Primitive,
        _ => Constraint::Other,
    };
    let exact = match &ty {
        _ if !version.at_least(1, 0, 0) => None,
        _ if !type_given => default.as_ref().map(Exact::of),
        _ => b
            .body
            .get_attribute("type")
            .and_then(|t| Exact::of_type(&t.value)),
    };
    // jobspec2 decodes the validation blocks last (decodeVariableBlock).
    let before = diags.0.len();
    let rules = if version.at_least(1, 0, 0) && !stops {
        super::var_validation::decode(&name, b, src, version, diags)
    } else {
        Vec::new()
    };
    let rules_refused = diags.0.len() > before;
    Some(Declared {
        name,
        block: Some(b),
        rules,
        rules_refused,
        default_refused,
        at: span_of(label),
        ty,
        default,
        literal_cli,
        constraint,
        exact,
    })
}
