//! Input variables and locals, as jobspec2 resolves them: `variable` blocks
//! (type, default, validation), then `NOMAD_VAR_*`, `-var-file` and `-var`
//! (later wins), then `locals` in dependency order with cycles reported
//! ([`super::locals`]).
//!
//! Over 600 lines because jobspec2's variable pass (declarations, var
//! files, -var flags, NOMAD_VAR_, then the order of their refusals) is one
//! sequence sharing the refusals it collects; a split is left for later.

use std::collections::BTreeMap;

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;

use super::eval::{span_of, type_name, EvalError, Scope};
use super::functions::params::cty_release;
use super::hclsyntax::range_string;
use super::model::Value;
use super::var_convert::{convert, Why};
use super::var_decl::declared;
use super::var_decl::Declared;
use super::var_file::{unparsed, var_file};
use super::var_file_values::{cli_expression, RefusedValues};
use super::var_unset;
use super::var_validation::Origin;
use super::LoadOptions;
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};

/// A variable's `type` constraint, enough to convert CLI strings and to
/// reject values of the wrong shape.
#[derive(Debug, Clone, PartialEq)]
pub enum VarType {
    Any,
    String,
    Number,
    Bool,
    List(Box<VarType>),
    Map(Box<VarType>),
    Object(BTreeMap<String, VarType>),
}

impl VarType {
    /// A type expression (`string`, `list(number)`, `object({...})`), as a
    /// variable's `type` or `convert`'s second argument takes it.
    pub(super) fn parse(e: &Expression) -> Option<VarType> {
        match e {
            Expression::Variable(v) => Some(match v.as_str() {
                "string" => VarType::String,
                "number" => VarType::Number,
                "bool" => VarType::Bool,
                "any" => VarType::Any,
                _ => return None,
            }),
            Expression::FuncCall(f) => {
                let first = f.args.iter().next();
                match f.name.name.as_str() {
                    "list" | "set" => Some(VarType::List(Box::new(VarType::parse(first?)?))),
                    "map" => Some(VarType::Map(Box::new(VarType::parse(first?)?))),
                    "tuple" => Some(VarType::List(Box::new(VarType::Any))),
                    "object" => {
                        let mut fields = BTreeMap::new();
                        if let Some(Expression::Object(o)) = first {
                            for (k, v) in o.iter() {
                                let key = match k {
                                    hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                                    hcl_edit::expr::ObjectKey::Expression(e) => {
                                        e.as_str()?.to_string()
                                    }
                                };
                                fields.insert(key, VarType::parse(v.expr())?);
                            }
                        }
                        Some(VarType::Object(fields))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// cty's `FriendlyName` of the type: `list of string`, `map of number`.
    pub(super) fn friendly(&self) -> String {
        match self {
            VarType::Any => "any type".into(),
            VarType::List(t) => format!("list of {}", t.friendly()),
            VarType::Map(t) => format!("map of {}", t.friendly()),
            other => other.describe(),
        }
    }

    pub(super) fn describe(&self) -> String {
        match self {
            VarType::Any => "any".into(),
            VarType::String => "string".into(),
            VarType::Number => "number".into(),
            VarType::Bool => "bool".into(),
            VarType::List(t) => format!("list({})", t.describe()),
            VarType::Map(t) => format!("map({})", t.describe()),
            VarType::Object(_) => "object".into(),
        }
    }

    /// HCL's type conversion: primitives convert through strings.
    pub fn convert(&self, v: Value) -> Result<Value, String> {
        let fail = |v: &Value| {
            Err(format!(
                "{} required, got {}",
                self.describe(),
                type_name(v)
            ))
        };
        match (self, v) {
            (VarType::Any, v) | (_, v @ Value::Null) => Ok(v),
            (VarType::String, Value::String(s)) => Ok(Value::String(s)),
            (VarType::String, Value::Number(n)) => Ok(Value::String(super::eval::fmt_number(n))),
            (VarType::String, Value::Bool(b)) => Ok(Value::String(b.to_string())),
            (VarType::Number, Value::Number(n)) => Ok(Value::Number(n)),
            (VarType::Number, Value::String(s)) => match s.trim().parse() {
                Ok(n) => Ok(Value::Number(n)),
                Err(_) => Err(format!("a number is required, got \"{s}\"")),
            },
            (VarType::Bool, Value::Bool(b)) => Ok(Value::Bool(b)),
            (VarType::Bool, Value::String(s)) if s == "true" || s == "false" => {
                Ok(Value::Bool(s == "true"))
            }
            (VarType::List(t), Value::List(l)) => l
                .into_iter()
                .map(|x| t.convert(x))
                .collect::<Result<_, _>>()
                .map(Value::List),
            (VarType::Map(t), Value::Map(m)) => m
                .into_iter()
                .map(|(k, x)| t.convert(x).map(|x| (k, x)))
                .collect::<Result<_, _>>()
                .map(Value::Map),
            (VarType::Object(fields), Value::Map(mut m)) => {
                for (k, t) in fields {
                    let x = m.remove(k).unwrap_or(Value::Null);
                    m.insert(k.clone(), t.convert(x)?);
                }
                Ok(Value::Map(m))
            }
            (_, v) => fail(&v),
        }
    }
}

/// How a value reached a variable, for jobspec2's words when go-cty's
/// conversion refuses it (collectInputVariableValues): its range and
/// whether it came from `-var` (the others: NOMAD_VAR_, a var file).
struct Given {
    at: String,
    arg: bool,
}

impl Given {
    fn line(&self, name: &str, why: Why) -> Option<String> {
        let Why::Words(why) = why else {
            return None;
        };
        let at = &self.at;
        Some(if self.arg {
            format!("{at}: Invalid argument value for -var variable; The received arg value for {name} is not compatible with the variable's type constraint: {why}.")
        } else {
            format!("{at}: Invalid value for variable; The value for {name} is not compatible with the variable's type constraint: {why}.")
        })
    }
}

/// Resolve `var.*` and `local.*`. Problems go to `diags`; variables that
/// could not be resolved are left out, so later references report too.
///
/// Returns true when decoding stops here: Nomad refused a value given to
/// a variable (var_file_values.rs, var_convert.rs), and its decodeBody
/// returns before the job.
pub fn resolve(
    body: &Body,
    src: &Source,
    opts: &LoadOptions,
    scope: &mut Scope<'_>,
    diags: &mut Diags,
) -> bool {
    let stage_start = diags.0.len();
    let declarations = declared(body, src, opts.version, scope, diags);
    let declared = declarations.list;
    // Notes on lines said in Go's map order, after the stage's list.
    let mut notes = declarations.notes;
    // jobspec2 parses every var file first: one hclsyntax refuses ends the
    // decode there, with nothing else said (parse.go decode).
    let files: Vec<_> = opts
        .var_files
        .iter()
        .map(|f| (f, var_file(scope, f)))
        .collect();
    if let Some(line) = unparsed(&files, opts.version) {
        // decode returns before decodeBody: nothing said of the
        // declarations reaches the user.
        diags.0.truncate(stage_start);
        let mut r = RefusedValues::default();
        match line {
            Ok(line) => r.worded(vec![line]),
            Err(why) => r.unread = Some(why),
        }
        diags.push(r.diag(src, opts.version));
        return true;
    }
    let cty = cty_release(opts.version);
    let mut values: BTreeMap<String, Value> = declared
        .iter()
        .filter_map(|d| d.default.clone().map(|v| (d.name.clone(), v)))
        .collect();
    // Where each variable's value came from, for jobspec2's validation text.
    let mut origins: BTreeMap<String, Origin> = declared
        .iter()
        .filter(|d| d.default.is_some())
        .filter_map(|d| {
            let a = d.block?.body.get_attribute("default")?;
            let at = span_of(&a.value);
            Some((
                d.name.clone(),
                Origin {
                    from: "default",
                    range: range_string(&src.text, &src.name, (at.start, at.end)),
                },
            ))
        })
        .collect();
    let mut refused = RefusedValues::default();
    // One value for a variable; false when go-cty's conversion refused it.
    let mut assign = |name: &str,
                      raw: Result<Value, String>,
                      origin: &str,
                      given: &Given,
                      refused: &mut RefusedValues,
                      diags: &mut Diags|
     -> bool {
        let Some(d) = declared.iter().find(|d| d.name == name) else {
            if origin.starts_with("NOMAD_VAR") {
                // Nomad ignores environment variables nobody declared.
                return true;
            }
            // collectInputVariableValues: an error (a warning for a var
            // file's name until 1.2, which had no -hcl2-strict), with a
            // Context only, so hcl prints `<nil>`.
            let q = crate::gotext::go_quote(name);
            let known = declared.iter().map(|d| d.name.as_str());
            refused.undeclared = Some(crate::suggest::closest(name, known).map(str::to_string));
            if given.arg {
                refused.conversion(Some(format!("<nil>: Undefined -var variable; A {q} variable was passed in the command line but was not found in known variables. To declare variable {q}, place this block in your job file")));
                return false;
            }
            let line = format!("<nil>: Undefined variable; A {q} variable was set but was not found in known variables. To declare variable {q}, place this block in your job files");
            if opts.version.at_least(1, 2, 0) {
                refused.conversion(Some(line));
            } else {
                refused.then(line);
            }
            return false;
        };
        let from = Origin::named(origin, &given.at);
        if let (Some(t), Ok(v)) = (&d.exact, &raw) {
            return match convert(v, t, cty) {
                Ok(v) => {
                    values.insert(name.to_string(), v);
                    origins.insert(name.to_string(), from);
                    true
                }
                Err(why) => {
                    refused.conversion(given.line(name, why));
                    false
                }
            };
        }
        match raw.and_then(|v| d.ty.convert(v)) {
            Ok(v) => {
                values.insert(name.to_string(), v);
                origins.insert(name.to_string(), from);
            }
            Err(m) => diags.push(
                Diag::error(
                    "jobspec::type",
                    format!("Invalid value for variable \"{name}\" from {origin}: {m}"),
                )
                .at(src, d.at, "declared here")
                .help(format!("the variable's type is {}", d.ty.describe())),
            ),
        }
        true
    };
    // jobspec2's reading of a -var or NOMAD_VAR_ text (declared.literal_cli),
    // and where it reports a conversion of it (a literal text has no range).
    let cli = |k: &str, text: &str, from: &str| match declared.iter().find(|d| d.name == k) {
        Some(d) if d.literal_cli => Ok((Value::String(text.to_string()), ":0,0-0".to_string())),
        Some(d) => cli_expression(text, k, &format!("<value for var.{k} from {from}>"))
            .map_err(|j| (j, d.constraint)),
        None => Ok((cli_value(text), String::new())),
    };
    // Variables given a refused value: Nomad holds an unknown value for
    // them, so they are not unset.
    let mut touched: Vec<&str> = Vec::new();
    let mut from_env = 0;
    for (k, v) in &opts.env_vars {
        let taken = match cli(k, v, "env") {
            Ok((val, at)) => {
                let given = Given { at, arg: false };
                assign(
                    k,
                    Ok(val),
                    &format!("NOMAD_VAR_{k}"),
                    &given,
                    &mut refused,
                    diags,
                )
            }
            Err((j, constraint)) => {
                refused.add(&j, constraint);
                false
            }
        };
        if !taken {
            touched.push(k);
        }
        from_env += usize::from(!taken);
    }
    // The environment's order is the process's, not known here.
    refused.env_order |= from_env > 1;
    let mut stopped = false;
    for (f, file) in files {
        if refused.any() {
            // collectInputVariableValues returns at the next file's probe.
            stopped = true;
            break;
        }
        match file {
            Ok(file) => {
                refused.unsure |= file.unsure;
                refused.unread = refused.unread.take().or(file.unread);
                refused.worded(file.first);
                if file.declares {
                    stopped = true;
                    break;
                }
                let mut in_file = 0;
                for v in file.values {
                    let k = v.name;
                    // Nomad evaluates only a declared variable's value.
                    let decl = declared.iter().find(|d| d.name == k);
                    let judged = file.refused.iter().find(|r| r.name == k);
                    if let (Some(r), Some(d)) = (judged, decl) {
                        refused.add(r, d.constraint);
                        touched.push(&d.name);
                        in_file += 1;
                        continue;
                    }
                    if let (true, Some(d)) = (v.unsure, decl) {
                        refused.conversion(None);
                        touched.push(&d.name);
                        continue;
                    }
                    let given = Given {
                        at: v.at,
                        arg: false,
                    };
                    let origin = format!("-var-file {}", f.display());
                    if !assign(&k, v.value, &origin, &given, &mut refused, diags) {
                        if let Some(d) = decl {
                            touched.push(&d.name);
                        }
                        in_file += 1;
                    }
                }
                // A file's values are evaluated in Go's random map order.
                refused.unordered |= in_file > 1;
            }
            // A var file that leads outside the project is one we never
            // read (a link an untrusted change could plant): Nomad would
            // read it, so what it says is not known.
            Err(m) if m.contains("refusing to read") => diags.push(
                Diag::error(
                    super::eval::FILE_ACCESS,
                    format!("Error reading -var-file {}: {m}", f.display()),
                )
                .help("a var file is read only where it resolves inside the project"),
            ),
            Err(m) => diags.push(
                Diag::error(
                    "jobspec::var-file",
                    format!("Error reading -var-file {}: {m}", f.display()),
                )
                .help("check the file exists and holds `name = value` lines"),
            ),
        }
    }
    let mut from_args = 0;
    for (k, v) in opts.vars.iter().filter(|_| !stopped) {
        let taken = match cli(k, v, "arguments") {
            Ok((val, at)) => {
                let given = Given { at, arg: true };
                assign(k, Ok(val), "-var", &given, &mut refused, diags)
            }
            Err((j, constraint)) => {
                refused.add(&j, constraint);
                false
            }
        };
        if !taken {
            touched.push(k);
        }
        from_args += usize::from(!taken);
    }
    // jobspec2 ranges over the -var values as a Go map.
    refused.unordered |= from_args > 1;

    if !refused.any() && !refused.lines.is_empty() {
        // Warnings only (1.0-1.1, a var file's undeclared names): Nomad
        // says them only in a list with an error, in their place.
        if refused.unordered {
            let what = format!("{} names a var file gives are not declared (Nomad prints its warnings only beside an error)", refused.lines.len());
            notes.push(var_unset::map_order(
                src,
                &what,
                "the order the file gives them",
            ));
        }
        for line in refused.lines.drain(..) {
            diags.push(
                Diag::warning("jobspec::missing-variable", line)
                    .in_source(src)
                    .help(UNDECLARED),
            );
        }
    }
    if refused.any() {
        // Nomad goes on to validate the other values, in Go's map order.
        refused.unsure |= declared
            .iter()
            .any(|d| !d.rules.is_empty() && values.contains_key(&d.name));
        // Nomad goes on to report unset variables, in Go's map order
        // (with the validations above): one alone is said last.
        let unset: Vec<&Declared> = declared
            .iter()
            .filter(|d| {
                !values.contains_key(&d.name)
                    && !d.default_refused
                    && !touched.contains(&d.name.as_str())
            })
            .collect();
        for one in &unset {
            refused.then(var_unset::line(&one.name, opts.version));
        }
        if unset.len() > 1 {
            notes.push(var_unset::unordered(src, unset.len(), 0));
        }
        notes.extend(refused.note(src));
        // Nomad stops after the variables' stage: nothing after it is said.
        diags.push(refused.diag(src, opts.version));
        push_notes(diags, stage_start, notes);
        return true;
    }
    let mut unset = 0;
    // A refused default leaves an unknown value: not unset.
    for d in declared
        .iter()
        .filter(|d| !values.contains_key(&d.name) && !d.default_refused)
    {
        scope.unset.insert(format!("var.{}", d.name));
        diags.push(var_unset::diag(src, d.at, &d.name, opts.version));
        unset += 1;
    }
    scope.vars = values;
    scope.map_vars = declared
        .iter()
        .filter(|d| matches!(d.ty, VarType::Map(_)))
        .map(|d| d.name.clone())
        .collect();

    // jobspec2's Variables.Values runs every rule on each variable's last
    // value, ranging over the variables as a Go map.
    let mut failed: Vec<Diags> = Vec::new();
    for d in &declared {
        let (Some(value), Some(origin)) = (scope.vars.get(&d.name), origins.get(&d.name)) else {
            continue;
        };
        let mut mine = Diags::new();
        super::var_validation::check(
            &d.rules,
            (&d.name, value),
            origin,
            scope.fns,
            src,
            opts.version,
            &mut mine,
        );
        if !mine.0.is_empty() {
            failed.push(mine);
        }
    }
    // From 1.0.6 decodeBody returns after this stage when it failed; an
    // unset variable's error included.
    let stops = !failed.is_empty()
        || (unset > 0 && opts.version.at_least(1, 0, 6))
        || declarations.refused
        || declared.iter().any(|d| d.rules_refused)
        || (opts.version.at_least(1, 0, 6) && declared.iter().any(|d| d.default_refused));
    // Variables.Values says each variable's unset error or validation
    // failures in Go's map order: with two or more, the set is certain and
    // only its order is Nomad's chance, so all are said, then a note.
    if unset + failed.len() > 1 {
        notes.push(var_unset::unordered(src, unset, failed.len()));
    }
    for one in failed {
        diags.extend(one);
    }

    super::locals::resolve(body, src, scope, diags);
    if stops {
        // jobspec2 lists the stage's diagnostics in its own order (each
        // variable's decoding, then the values), which sorting ours by
        // place would lose: one diagnostic holds them, one a line.
        let stage: Vec<Diag> = diags.0.drain(stage_start..).collect();
        diags.push(super::var_validation::one_list(src, stage));
    }
    push_notes(diags, stage_start, notes);
    // decodeBody returns after the variables' and locals' stage when
    // any of it failed: the job is not decoded.
    stops
}

/// The map-order notes after the stage's diagnostics (from `from`), unless
/// one of those says "cannot tell" (job_file_error.rs's one-line codes):
/// none of the lines is then said.
fn push_notes(diags: &mut Diags, from: usize, notes: Vec<Diag>) {
    let untold = [
        super::var_validation::CANNOT_TELL,
        super::var_file_values::VAR_FILE_CANNOT_TELL,
        super::eval::FILE_ACCESS,
        super::eval::BUDGET,
    ];
    if diags.0[from..]
        .iter()
        .any(|d| untold.contains(&d.code.as_str()))
    {
        return;
    }
    diags.0.extend(notes);
}

const UNDECLARED: &str = "declare the variable with a `variable` block, or remove the assignment";

/// `-var k=v` and `NOMAD_VAR_k` of a name no `variable` block declares: a
/// string unless the text is an HCL collection.
fn cli_value(text: &str) -> Value {
    let t = text.trim_start();
    let shallow = crate::nesting::too_deep(text, crate::nesting::MAX_DEPTH).is_none();
    if shallow && (t.starts_with('[') || t.starts_with('{')) {
        if let Ok(e) = hcl_edit::parser::parse_expr(text) {
            let mut scope = Scope::bare(text, Default::default());
            if let Ok(v) = scope.eval(&e) {
                return v;
            }
        }
    }
    Value::String(text.to_string())
}

/// An evaluation's errors as diagnostics, one each, in hclsyntax's order.
pub fn eval_diags(src: &Source, e: EvalError) -> crate::diag::Diags {
    crate::diag::Diags(
        e.all()
            .into_iter()
            .map(|e| {
                let mut d = Diag::error(e.code, e.message).at(src, e.span, "");
                if !e.help.is_empty() {
                    d = d.help(e.help);
                }
                d
            })
            .collect(),
    )
}

pub fn unknown(src: &Source, span: Span, name: &str, known: &[&str], block: &str) -> Diag {
    let help = match crate::suggest::closest(name, known.iter().copied()) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None => format!("{block} accepts: {}", known.join(", ")),
    };
    Diag::error(
        "jobspec::unknown-key",
        format!("Unsupported argument or block \"{name}\" in {block}"),
    )
    .at(src, span, "not expected here")
    .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_conversion_follows_hcl() {
        assert_eq!(
            VarType::Number.convert(Value::String("3".into())),
            Ok(Value::Number(3.0))
        );
        assert_eq!(
            VarType::String.convert(Value::Bool(true)),
            Ok(Value::String("true".into()))
        );
        assert!(VarType::Number.convert(Value::String("x".into())).is_err());
        let list = VarType::List(Box::new(VarType::String));
        assert_eq!(
            list.convert(Value::List(vec![Value::Number(1.0)])),
            Ok(Value::List(vec![Value::String("1".into())]))
        );
        assert!(list.convert(Value::String("a".into())).is_err());
    }

    #[test]
    fn cli_values_are_strings_unless_collections() {
        assert_eq!(cli_value("1.25"), Value::String("1.25".into()));
        assert_eq!(
            cli_value("[\"a\", \"b\"]"),
            Value::List(vec![Value::String("a".into()), Value::String("b".into())])
        );
    }
}
