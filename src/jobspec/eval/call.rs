//! Function calls as hclsyntax's FunctionCallExpr.Value makes them, with
//! its diagnostics and their ranges: the name is looked up first (`Call
//! to unknown function` at the name), an expanding final argument (`...`)
//! next, then the argument count against the function's parameters (at
//! the closing parenthesis, or at the first argument too many), then
//! every argument is evaluated and converted to its parameter's type
//! (`Invalid function argument` at each one that fails, all reported),
//! and only then is the function called: cty's ArgError is `Invalid
//! function argument` at that argument, any other error `Error in
//! function call` at the call's start.

use super::*;
use crate::jobspec::cty_number;
use crate::jobspec::functions::params::{self, Param, Signature};
use crate::jobspec::functions::CallError;

impl Scope<'_> {
    pub(super) fn call(&mut self, f: &hcl_edit::expr::FuncCall, sp: Span) -> R {
        let name = f.name.name.as_str();
        let version = self.fns.version;
        if !functions::available(name, version) {
            return Err(unknown_function(name, version, self.name_range(f, sp)).into());
        }
        if let Some(e) = fips140_refusal(name, self.fns.fips140, version, self.name_range(f, sp)) {
            return Err(e.into());
        }
        // `try` and `can` evaluate their arguments lazily: an error in one
        // argument is the point of the call, not a failure of it.
        if name == "try" {
            return self.try_call(f, sp);
        }
        if name == "convert" {
            return self.convert_call(f, sp);
        }
        if name == "can" {
            return self.can_call(f, sp);
        }
        let Some(sig) = params::signature(name, version) else {
            return Err(EvalError::new(
                sp,
                format!("function \"{name}\" has no known parameters in nomad-preflight"),
                "",
            )
            .into());
        };
        let args = self.call_args(f)?;
        self.check_count(name, &sig, &args, sp)?;
        let exprs: Vec<Option<&Expression>> = args
            .iter()
            .map(|a| match a {
                Arg::Expr(e) => Some(*e),
                Arg::Value(..) => None,
            })
            .collect();
        let values = self.arg_values(&sig, args)?;
        // cty's function.Call refuses a null where the parameter does not
        // take one, before the function runs.
        for (i, (v, _)) in values.iter().enumerate() {
            let p = param_at(&sig, i);
            if matches!(v, Value::Null) && !p.is_some_and(|p| p.allow_null) {
                return Err(self
                    .arg_error(&sig, &values, i, "argument must not be null")
                    .into());
            }
        }
        if name == "length" {
            self.length_of_object(f, &values, sp)?;
        }
        // guardFS's stand-in (jobspec2/functions.go@v2.0.5, the same from
        // 1.0.0) keeps the function's parameters, so the checks above come
        // first; its Type function then refuses, an error hclsyntax words
        // at the call's start.
        if self.fns.guard_fs && functions::GUARDED_FS.contains(&name) {
            return Err(hcl_error(
                self.call_start(f, sp),
                "Error in function call",
                format!("Call to function \"{name}\" failed: filesystem function disabled."),
                "Nomad evaluates a variable's validation condition without filesystem functions: test the value alone, and read files elsewhere (a local, a template)",
            )
            .into());
        }
        let answer = if functions::typed_calls::handles(name) {
            // Their answer depends on the arguments' types (arg_type.rs).
            let typed = values
                .iter()
                .zip(&exprs)
                .map(|((v, _), e)| {
                    let t = match e {
                        Some(e) => self.arg_type(e, v),
                        None => functions::typed_calls::ArgType::of_value(v),
                    };
                    (v.clone(), t)
                })
                .collect();
            functions::call_typed(&self.fns, name, typed)
        } else {
            let plain: Vec<Value> = values.iter().map(|(v, _)| v.clone()).collect();
            functions::call_detailed(&self.fns, name, plain)
        };
        // A function that charged the budget as it worked stops as soon as
        // it is spent, whatever it answers then: the spent budget is the
        // error, located at the call.
        if let Some(m) = crate::jobspec::budget::exhausted() {
            return Err(budget_error(sp, m));
        }
        match answer {
            Ok(v) => {
                crate::jobspec::budget::charge_copy(&v).map_err(|m| budget_error(sp, m))?;
                Ok(v)
            }
            Err(CallError::Arg(i, msg)) => Err(self.arg_error(&sig, &values, i, &msg).into()),
            // A file we refuse to read, which Nomad reads: what it says is
            // not known here.
            Err(CallError::Refused(msg)) => Err(EvalError {
                code: super::FILE_ACCESS,
                ..EvalError::new(
                    sp,
                    format!("Error in function call `{name}`: {msg}"),
                    "filesystem functions may only read regular files inside the repository",
                )
            }
            .into()),
            // A number go-cty may compute otherwise (cty_number.rs): one
            // "cannot tell" line.
            Err(CallError::CannotTell(msg) | CallError::Failed(msg))
                if cty_number::is_reason(&msg) =>
            {
                Err(EvalError {
                    code: cty_number::NUMBER_CANNOT_TELL,
                    ..EvalError::new(sp, msg, cty_number::HELP)
                }
                .into())
            }
            // go-cty's answer is not known here (or is past what we
            // compute): one "cannot tell" line, never hclsyntax's words
            // for a refusal, which would say Nomad refuses the file.
            Err(CallError::CannotTell(msg)) => {
                let msg = if msg.starts_with("cannot tell") {
                    msg
                } else {
                    format!("cannot tell what Nomad {version} makes of this {name}() call: {msg}")
                };
                Err(EvalError {
                    code: functions::FUNCTION_CANNOT_TELL,
                    ..EvalError::new(sp, msg, "")
                }
                .into())
            }
            Err(CallError::Failed(msg)) => {
                let code = if msg.starts_with("no file exists") {
                    "jobspec::file"
                } else {
                    "jobspec::eval"
                };
                Err(EvalError {
                    code,
                    ..hcl_error(
                        self.call_start(f, sp),
                        "Error in function call",
                        format!("Call to function \"{name}\" failed: {msg}."),
                        help_for(&msg),
                    )
                }
                .into())
            }
        }
    }

    /// go-cty's `length` refuses an object and counts a map (shape.rs):
    /// a map value whose kind is not known is said so, not counted.
    fn length_of_object(
        &self,
        f: &hcl_edit::expr::FuncCall,
        values: &[(Value, Span)],
        sp: Span,
    ) -> Result<(), Fail> {
        let (Some((Value::Map(_), _)), Some(e), false) =
            (values.first(), f.args.iter().next(), f.args.expand_final())
        else {
            return Ok(());
        };
        match self.map_shape(e) {
            shape::Shape::Map => Ok(()),
            shape::Shape::Object => Err(hcl_error(
                self.call_start(f, sp),
                "Error in function call",
                "Call to function \"length\" failed: collection must be a list, a map or a tuple.",
                "length counts a list, a tuple or a map, not an object: count its keys with length(keys(...))",
            )
            .into()),
            shape::Shape::Unknown => Err(EvalError {
                code: shape::SHAPE_CANNOT_TELL,
                ..EvalError::new(
                    sp,
                    format!(
                        "cannot tell what Nomad {} makes of this length(): go-cty counts a map but refuses an object, and whether this value is one or the other is not known here",
                        self.fns.version
                    ),
                    "count its keys with length(keys(...)), which takes both",
                )
            }
            .into()),
        }
    }

    /// The arguments as written, the expanding final one (`...`) already
    /// evaluated into values that point at its whole range.
    pub(super) fn call_args<'e>(
        &mut self,
        f: &'e hcl_edit::expr::FuncCall,
    ) -> Result<Vec<Arg<'e>>, Fail> {
        let mut args: Vec<Arg<'e>> = f.args.iter().map(Arg::Expr).collect();
        if !f.args.expand_final() {
            return Ok(args);
        }
        let Some(Arg::Expr(last)) = args.pop() else {
            return Ok(args);
        };
        let at = self.range(last);
        let invalid = |detail: &str| -> Fail {
            hcl_error(at, "Invalid expanding argument value", detail, "").into()
        };
        match self.ev(last)? {
            Value::List(items) => {
                args.extend(items.into_iter().map(|v| Arg::Value(v, at)));
                Ok(args)
            }
            Value::Null => Err(invalid(
                "The expanding argument (indicated by ...) must not be null.",
            )),
            _ => Err(invalid(
                "The expanding argument (indicated by ...) must be of a tuple, list, or set type.",
            )),
        }
    }

    /// `Not enough function arguments` / `Too many function arguments`.
    pub(super) fn check_count(
        &self,
        name: &str,
        sig: &Signature,
        args: &[Arg<'_>],
        sp: Span,
    ) -> Result<(), Fail> {
        let want = sig.params.len();
        if args.len() < want {
            let qual = if sig.var.is_some() { " at least" } else { "" };
            let missing = sig.params[args.len()].name;
            return Err(hcl_error(
                self.close_paren(sp),
                "Not enough function arguments",
                format!("Function {name:?} expects{qual} {want} argument(s). Missing value for {missing:?}."),
                "",
            )
            .into());
        }
        if sig.var.is_none() && args.len() > want {
            return Err(hcl_error(
                self.arg_start(&args[want]),
                "Too many function arguments",
                format!("Function {name:?} expects only {want} argument(s)."),
                "",
            )
            .into());
        }
        Ok(())
    }

    /// Every argument's value, each converted (checked) to its parameter's
    /// type: all of them are evaluated, and all their errors reported.
    fn arg_values(
        &mut self,
        sig: &Signature,
        args: Vec<Arg<'_>>,
    ) -> Result<Vec<(Value, Span)>, Fail> {
        let cty = params::cty_release(self.fns.version);
        let mut gather = Gather::default();
        let mut out = Vec::with_capacity(args.len());
        for (i, a) in args.into_iter().enumerate() {
            let at = self.arg_start(&a);
            let (v, expr) = match a {
                Arg::Expr(e) => match gather.take(self.ev(e)) {
                    Some(v) => (v, Some(e)),
                    None => continue,
                },
                Arg::Value(v, _) => (v, None),
            };
            if let Some(p) = param_at(sig, i) {
                // From 1.0 a string converts to a number as go-cty parses
                // a literal (cty_number.rs).
                if let (Value::String(text), params::Ty::Number, None) = (&v, &p.ty, self.hcl1) {
                    let x = to_number(&v);
                    if x.is_some_and(|x| !cty_number::is_faithful(text, x)) {
                        let what = format!("the string {:?} as a number", cty_number::shown(text));
                        gather.push(self.number_unknown(at, &what));
                    }
                }
                if let Some(why) = functions::mismatch(&v, &p.ty, cty) {
                    let why = match self.named_mismatch(expr, &v, &p.ty, why, at) {
                        Ok(why) => why,
                        Err(e) => {
                            gather.push(e);
                            out.push((v, at));
                            continue;
                        }
                    };
                    gather.push(hcl_error(
                        at,
                        "Invalid function argument",
                        format!("Invalid value for {:?} parameter: {why}.", p.name),
                        "",
                    ));
                }
            }
            out.push((v, at));
        }
        gather.finish()?;
        Ok(out)
    }

    /// go-cty's words `why` for an argument `e` of value `v` that does
    /// not convert to `want`, with the type it names ("but have set of
    /// string") the value's own where that is known (arg_type.rs). Err:
    /// the words name a type that may be a set's or a list's, not known
    /// here (set_kind.rs).
    fn named_mismatch(
        &self,
        e: Option<&Expression>,
        v: &Value,
        want: &params::Ty,
        why: String,
        at: Span,
    ) -> Result<String, EvalError> {
        let (Some(e), Value::List(_) | Value::Map(_)) = (e, v) else {
            return Ok(why);
        };
        let cty = params::cty_release(self.fns.version);
        match self.arg_type(e, v) {
            functions::typed_calls::ArgType::Known(t) => {
                Ok(functions::mismatch_named(v, want, cty, Some(&t.name())).unwrap_or(why))
            }
            functions::typed_calls::ArgType::MaybeSet
                if functions::mismatch_named(v, want, cty, Some("set")).as_ref() != Some(&why) =>
            {
                Err(EvalError {
                    code: functions::FUNCTION_CANNOT_TELL,
                    ..EvalError::new(
                        at,
                        format!("cannot tell how Nomad {} words this argument's refusal: go-cty names the type it got, and whether this value is a set, a list or a tuple is not known to nomad-preflight", self.fns.version),
                        "",
                    )
                })
            }
            _ => Ok(why),
        }
    }

    /// cty's ArgError at argument `i`.
    fn arg_error(
        &self,
        sig: &Signature,
        values: &[(Value, Span)],
        i: usize,
        msg: &str,
    ) -> EvalError {
        let name = param_at(sig, i).map_or("", |p| p.name);
        let at = values
            .get(i)
            .or_else(|| values.get(sig.params.len()))
            .map_or(Span::default(), |(_, at)| *at);
        hcl_error(
            at,
            "Invalid function argument",
            format!("Invalid value for {name:?} parameter: {msg}."),
            help_for(msg),
        )
    }

    fn arg_start(&self, a: &Arg<'_>) -> Span {
        match a {
            Arg::Expr(e) => self.start_range(e),
            Arg::Value(_, at) => *at,
        }
    }

    /// `convert(value, type)`: the type is read as a type expression.
    fn convert_call(&mut self, f: &hcl_edit::expr::FuncCall, sp: Span) -> R {
        let version = self.fns.version;
        if let Some(sig) = params::signature("convert", version) {
            let args = self.call_args(f)?;
            self.check_count("convert", &sig, &args, sp)?;
        }
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
        let ty_expr = ty;
        let Some(ty) = crate::jobspec::vars::VarType::parse(ty) else {
            // typeexpr's diagnostic for a word that names no type.
            if let Expression::Variable(word) = ty {
                return Err(hcl_error(
                    span_of(ty),
                    "Invalid type specification",
                    format!(
                        "The keyword {:?} is not a valid type specification.",
                        word.as_str()
                    ),
                    "write the type as in a variable's `type`",
                )
                .into());
            }
            return Err(EvalError::new(
                span_of(ty),
                "Invalid type specification: a type expression is required here (string, number, bool, list(...), map(...), object({...}), any)",
                "write the type as in a variable's `type`",
            )
            .into());
        };
        let v = self.ev(value)?;
        if let Some(answer) = self.convert_typed(value, &v, ty_expr, sp) {
            return answer;
        }
        // A primitive target: cty's conversion error, as an argument
        // error at the value (typeexpr.ConvertFunc's NewArgError(0, ...)).
        use crate::jobspec::vars::VarType;
        let primitive = match ty {
            VarType::String => Some(params::Ty::String),
            VarType::Number => Some(params::Ty::Number),
            VarType::Bool => Some(params::Ty::Bool),
            _ => None,
        };
        if let Some(want) = primitive {
            if let Some(why) = functions::mismatch(&v, &want, params::cty_release(version)) {
                return Err(hcl_error(
                    self.start_range(value),
                    "Invalid function argument",
                    format!("Invalid value for \"value\" parameter: {why}."),
                    "",
                )
                .into());
            }
        }
        // A set whose order go-cty takes from its hashes: one "cannot
        // tell" line (functions::as_set).
        if let Some(msg) = ty.set_order_unknown(&v) {
            return Err(EvalError {
                code: functions::FUNCTION_CANNOT_TELL,
                ..EvalError::new(sp, msg, "")
            }
            .into());
        }
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

/// An argument as the call sees it.
pub(super) enum Arg<'e> {
    Expr(&'e Expression),
    /// An element of the expanded final argument.
    Value(Value, Span),
}

fn param_at(sig: &Signature, i: usize) -> Option<&Param> {
    sig.params.get(i).or(sig.var.as_ref())
}

fn help_for(msg: &str) -> &'static str {
    if msg.starts_with("no file exists") {
        "a relative path is read from the folder `nomad` runs in (--nomad-dir), not the job file's"
    } else {
        ""
    }
}

/// The call of a function the CLI's FIPS mode takes out of the table
/// (jobspec2/functions.go v2.0.5:116-119): HCL's "Call to unknown
/// function", its suggestion from the table without it; one "cannot
/// tell" line when `GODEBUG` gives a value Go does not know.
fn fips140_refusal(
    name: &str,
    fips: crate::jobspec::fips140::Fips140,
    v: crate::version::NomadVersion,
    at: Span,
) -> Option<EvalError> {
    use crate::jobspec::fips140::Offered;
    match fips.offers(name, v) {
        Offered::Yes => None,
        Offered::Dropped => Some(EvalError {
            code: "jobspec::eval",
            ..hcl_error(
                at,
                "Call to unknown function",
                functions::unknown_detail_in(name, v, fips),
                format!("Nomad {v} leaves `{name}` out of job files in FIPS mode, which this shell's GODEBUG (fips140=on|only|debug) turns on for `nomad`; use sha256 or sha512"),
            )
        }),
        Offered::Untold => Some(EvalError {
            code: functions::FUNCTION_CANNOT_TELL,
            ..EvalError::new(
                at,
                format!("cannot tell whether Nomad {v} offers {name}(): this shell's GODEBUG sets fips140 to a value Go does not know (Go 1.24+ stops at start on one)"),
                "set GODEBUG's fips140 to on, only, debug or off",
            )
        }),
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
        ..hcl_error(
            at,
            "Call to unknown function",
            functions::unknown_detail(name, v),
            help,
        )
    }
}
