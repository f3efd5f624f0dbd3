//! The values given to declared variables, in jobspec2's order
//! (types.variables.go collectInputVariableValues): `NOMAD_VAR_*`, then
//! each `-var-file`, then the `-var` flags, later winning (beneath them
//! all, a running job's own inputs: [`super::Submitted`]); each converted
//! to the variable's type, and what Nomad refuses collected as it words
//! it (var_file_values.rs [`RefusedValues`]).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::eval::{span_of, Scope};
use super::functions::params::cty_release;
use super::hclsyntax::range_string;
use super::model::Value;
use super::var_convert::{convert, Why};
use super::var_decl::Declared;
use super::var_file::{Unread, VarFile};
use super::var_file_values::{cli_expression, Constraint, JudgedValue, RefusedValues};
use super::var_validation::Origin;
use super::LoadOptions;
use crate::diag::{Diag, Diags};
use crate::source::Source;

/// What the sources gave: each variable's value and where it came from,
/// the refusals, and the variables given a refused value (Nomad holds an
/// unknown value for them, so they are not unset).
pub(super) struct Given {
    pub(super) values: BTreeMap<String, Value>,
    pub(super) origins: BTreeMap<String, Origin>,
    pub(super) refused: RefusedValues,
    pub(super) touched: Vec<String>,
}

/// How a value reached a variable, for jobspec2's words when go-cty's
/// conversion refuses it: its range and whether it came from `-var` (the
/// others: NOMAD_VAR_, a var file).
struct Via {
    at: String,
    arg: bool,
}

impl Via {
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

struct Sources<'a, 'b> {
    declared: &'a [Declared<'b>],
    src: &'a Source,
    opts: &'a LoadOptions,
    given: Given,
}

/// Every source's values for `declared`, whose defaults `values` and
/// `origins` already hold. Problems Nomad words otherwise go to `diags`.
pub(super) fn gather(
    declared: &[Declared<'_>],
    files: Vec<(&PathBuf, Result<VarFile, Unread>)>,
    (values, origins): (BTreeMap<String, Value>, BTreeMap<String, Origin>),
    src: &Source,
    opts: &LoadOptions,
    diags: &mut Diags,
) -> Given {
    let mut s = Sources {
        declared,
        src,
        opts,
        given: Given {
            values,
            origins,
            refused: RefusedValues::default(),
            touched: Vec::new(),
        },
    };
    // A running job's own inputs first, as its submission read them
    // (files, then `var`), so the command's every source is on top of
    // them ([`super::Submitted`]); a refusal among them stops the rest as
    // it would stop that submission.
    let mut files = files;
    let own = files.split_off(opts.submitted.var_files.min(files.len()));
    if s.var_files(files, diags) {
        return s.given;
    }
    s.flags(&opts.submitted.vars, diags);
    s.environment(diags);
    if !s.var_files(own, diags) {
        s.flags(&opts.vars, diags);
    }
    s.given
}

impl Sources<'_, '_> {
    fn declaration(&self, name: &str) -> Option<&Declared<'_>> {
        self.declared.iter().find(|d| d.name == name)
    }

    /// One value for a variable; false when Nomad refused it.
    fn assign(
        &mut self,
        name: &str,
        raw: Result<Value, String>,
        origin: &str,
        via: &Via,
        diags: &mut Diags,
    ) -> bool {
        let refused = &mut self.given.refused;
        let Some(d) = self.declared.iter().find(|d| d.name == name) else {
            if origin.starts_with("NOMAD_VAR") {
                // Nomad ignores environment variables nobody declared.
                return true;
            }
            // collectInputVariableValues: an error (a warning for a var
            // file's name until 1.2, which had no -hcl2-strict), with a
            // Context only, so hcl prints `<nil>`.
            let q = crate::gotext::go_quote(name);
            let known = self.declared.iter().map(|d| d.name.as_str());
            refused.undeclared = Some(crate::suggest::closest(name, known).map(str::to_string));
            if via.arg {
                refused.conversion(Some(format!("<nil>: Undefined -var variable; A {q} variable was passed in the command line but was not found in known variables. To declare variable {q}, place this block in your job file")));
                return false;
            }
            let line = format!("<nil>: Undefined variable; A {q} variable was set but was not found in known variables. To declare variable {q}, place this block in your job files");
            if self.opts.version.at_least(1, 2, 0) {
                refused.conversion(Some(line));
            } else {
                refused.then(line);
            }
            return false;
        };
        let from = Origin::named(origin, &via.at);
        if let (Some(t), Ok(v)) = (&d.exact, &raw) {
            return match convert(v, t, cty_release(self.opts.version)) {
                Ok(v) => {
                    self.given.values.insert(name.to_string(), v);
                    self.given.origins.insert(name.to_string(), from);
                    true
                }
                Err(Why::Chance(of)) => {
                    refused.chance(name, &of);
                    false
                }
                Err(why) => {
                    refused.conversion(via.line(name, why));
                    false
                }
            };
        }
        match raw.and_then(|v| d.ty.convert(v)) {
            Ok(v) => {
                self.given.values.insert(name.to_string(), v);
                self.given.origins.insert(name.to_string(), from);
            }
            Err(m) => diags.push(
                Diag::error(
                    "jobspec::type",
                    format!("Invalid value for variable \"{name}\" from {origin}: {m}"),
                )
                .at(self.src, d.at, "declared here")
                .help(format!("the variable's type is {}", d.ty.describe())),
            ),
        }
        true
    }

    /// jobspec2's reading of a -var or NOMAD_VAR_ text (declared
    /// `literal_cli`), and where it reports a conversion of it (a literal
    /// text has no range).
    fn cli(
        &self,
        k: &str,
        text: &str,
        from: &str,
    ) -> Result<(Value, String), (JudgedValue, Constraint)> {
        match self.declaration(k) {
            // cty.StringVal: NFC (eval/nfc.rs); `flag` said "cannot
            // tell" where Nomad's tables may not give ours.
            Some(d) if d.literal_cli => Ok((
                Value::String(super::eval::nfc::nfc_string(text.to_string())),
                ":0,0-0".to_string(),
            )),
            Some(d) => cli_expression(text, k, &format!("<value for var.{k} from {from}>"))
                .map_err(|j| (j, d.constraint)),
            None => Ok((cli_value(text), String::new())),
        }
    }

    /// A `-var` or `NOMAD_VAR_` value; false when Nomad refused it.
    fn flag(&mut self, k: &str, v: &str, env: bool, diags: &mut Diags) -> bool {
        let (from, origin) = if env {
            ("env", format!("NOMAD_VAR_{k}"))
        } else {
            ("arguments", "-var".to_string())
        };
        if self.declaration(k).is_some_and(|d| d.literal_cli) {
            if let Err(u) = super::eval::nfc::nfc_checked(v.to_string(), self.opts.version) {
                let why = u.why(&format!("the value of {origin} for {k}"));
                self.given.refused.unread.get_or_insert(why);
                return false;
            }
        }
        let taken = match self.cli(k, v, from) {
            Ok((val, at)) => {
                let via = Via { at, arg: !env };
                self.assign(k, Ok(val), &origin, &via, diags)
            }
            Err((j, constraint)) => {
                self.given.refused.add(&j, constraint);
                false
            }
        };
        if !taken {
            self.given.touched.push(k.to_string());
        }
        taken
    }

    fn environment(&mut self, diags: &mut Diags) {
        let (opts, mut refused) = (self.opts, 0);
        for (k, v) in &opts.env_vars {
            refused += usize::from(!self.flag(k, v, true, diags));
        }
        // The environment's order is the process's, not known here.
        self.given.refused.env_order |= refused > 1;
    }

    /// Each var file's values; true when Nomad stops before the `-var`
    /// flags (a refusal before a file, a `variable` block in one).
    fn var_files(
        &mut self,
        files: Vec<(&PathBuf, Result<VarFile, Unread>)>,
        diags: &mut Diags,
    ) -> bool {
        for (f, file) in files {
            if self.given.refused.any() {
                // collectInputVariableValues returns at the next file's probe.
                return true;
            }
            match file {
                Ok(file) => {
                    if self.var_file(f, file, diags) {
                        return true;
                    }
                }
                // A var file that leads outside the project is one we never
                // read (a link an untrusted change could plant): Nomad would
                // read it, so what it says is not known.
                Err(Unread::Refused(m)) => diags.push(
                    Diag::error(
                        super::eval::FILE_ACCESS,
                        format!("Error reading -var-file {}: {m}", f.display()),
                    )
                    .help("a var file is read only where it resolves inside the project"),
                ),
                Err(Unread::Failed(m) | Unread::Os(m)) => diags.push(
                    Diag::error(
                        "jobspec::var-file",
                        format!("Error reading -var-file {}: {m}", f.display()),
                    )
                    .help("check the file exists and holds `name = value` lines"),
                ),
            }
        }
        false
    }

    /// One var file's values; true when it declares a variable (Nomad
    /// reads nothing after its declaration probe).
    fn var_file(&mut self, f: &std::path::Path, file: VarFile, diags: &mut Diags) -> bool {
        let refused = &mut self.given.refused;
        refused.unsure |= file.unsure;
        refused.unread = refused.unread.take().or(file.unread);
        refused.worded(file.first);
        if file.declares {
            return true;
        }
        let mut in_file = 0;
        for v in file.values {
            let k = v.name;
            // Nomad evaluates only a declared variable's value.
            let decl = self.declaration(&k).map(|d| (d.name.clone(), d.constraint));
            let judged = file.refused.iter().find(|r| r.name == k);
            if let (Some(r), Some((name, constraint))) = (judged, &decl) {
                self.given.refused.add(r, *constraint);
                self.given.touched.push(name.clone());
                in_file += 1;
                continue;
            }
            if let (true, Some((name, _))) = (v.unsure, &decl) {
                self.given.refused.conversion(None);
                self.given.touched.push(name.clone());
                continue;
            }
            let via = Via {
                at: v.at,
                arg: false,
            };
            let origin = format!("-var-file {}", f.display());
            if !self.assign(&k, v.value, &origin, &via, diags) {
                if let Some((name, _)) = decl {
                    self.given.touched.push(name);
                }
                in_file += 1;
            }
        }
        // A file's values are evaluated in Go's random map order.
        self.given.refused.unordered |= in_file > 1;
        false
    }

    fn flags(&mut self, vars: &[(String, String)], diags: &mut Diags) {
        let mut refused = 0;
        for (k, v) in vars {
            refused += usize::from(!self.flag(k, v, false, diags));
        }
        // jobspec2 ranges over the -var values as a Go map.
        self.given.refused.unordered |= refused > 1;
    }
}

/// Where a declared variable's default was written, for jobspec2's
/// validation text.
pub(super) fn default_origins(declared: &[Declared<'_>], src: &Source) -> BTreeMap<String, Origin> {
    declared
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
        .collect()
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_values_are_strings_unless_collections() {
        assert_eq!(cli_value("1.25"), Value::String("1.25".into()));
        assert_eq!(
            cli_value("[\"a\", \"b\"]"),
            Value::List(vec![Value::String("a".into()), Value::String("b".into())])
        );
    }
}
