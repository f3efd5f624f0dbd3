//! The part of Nomad's jobspec2 function library (go-cty stdlib plus the
//! filesystem functions) that job files use. Unknown functions are errors
//! that say so, never a panic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::eval::{to_number, to_string, type_name};
use super::model::Value;
use crate::vfs::Vfs;

mod cidr;
mod collections;
mod conversion;
mod crypto;
mod csv;
mod cty_convert;
mod datetime;
mod distinct;
mod doublestar;
#[cfg(test)]
mod doublestar_tests;
mod encoding;
mod fileset;
mod filesystem;
mod glob_walk;
mod go_case;
mod go_case_ranges;
mod graphemes;
mod home_dir;
mod json_decode;
mod numeric;
pub mod params;
mod regex;
mod rfc3339;
mod rsa_decrypt;
mod sets;
mod strings;
mod table;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_cidr;
pub mod typed_calls;
pub mod unify;
mod yaml;

pub use conversion::convert;
pub use cty_convert::{friendly_name, mismatch, mismatch_named};
pub(super) use encoding::b64_encode;
pub use encoding::from_json;
pub(crate) use sets::as_set;
pub use table::{available, levenshtein, since, table, unknown_detail, unknown_detail_in};

/// What the filesystem functions may read.
#[derive(Default, Clone, Copy)]
pub struct FnEnv<'a> {
    pub vfs: Option<&'a dyn Vfs>,
    /// The folder `nomad` runs in, where relative paths start
    /// ([`crate::work_dir`]: Nomad's CLI gives jobspec2 the job file's
    /// base name only, so not the job file's folder); `None`: the
    /// reader's root.
    pub base_dir: Option<&'a Path>,
    /// Reads outside this directory are refused.
    pub repo_root: Option<&'a Path>,
    /// The release whose function table the job file may call.
    pub version: crate::version::NomadVersion,
    /// Set when a call answered from outside its arguments and the version
    /// (a file, the clock, randomness, the environment): the load's result
    /// then depends on more than its text and options (see
    /// [`crate::jobspec::ClosedLoad`]).
    pub opened: Option<&'a std::cell::Cell<bool>>,
    /// Set when a call read, listed or probed a relative path: its answer
    /// depends on the folder `nomad` runs in, which the plan then names.
    pub relative: Option<&'a std::cell::Cell<bool>>,
    /// jobspec2's guardFS with allowFS false (functions.go, 1.0.0-2.0.5):
    /// every filesystem function refuses its call. validateValue gives a
    /// variable's validation conditions `Functions("", false)`
    /// (types.variables.go).
    pub guard_fs: bool,
    /// The CLI's FIPS mode ([`crate::jobspec::fips140`]): from 2.0.5 it
    /// takes `md5` and `sha1` out of the table.
    pub fips140: crate::jobspec::fips140::Fips140,
}

/// The functions guardFS wraps (jobspec2/functions.go@v1.0.0..v2.0.5;
/// `filebase64` exists, guarded, from 1.4.0: [`available`] says when).
pub const GUARDED_FS: [&str; 8] = [
    "abspath",
    "basename",
    "dirname",
    "file",
    "filebase64",
    "fileexists",
    "fileset",
    "pathexpand",
];

impl FnEnv<'_> {
    /// Note that the evaluation read something besides its text and options.
    pub fn open(&self) {
        if let Some(o) = self.opened {
            o.set(true);
        }
    }
}

type Res = Result<Value, String>;

fn s(v: &Value) -> Result<String, String> {
    to_string(v).ok_or_else(|| format!("a string is required, got {}", type_name(v)))
}

fn n(v: &Value) -> Result<f64, String> {
    to_number(v).ok_or_else(|| format!("a number is required, got {}", type_name(v)))
}

fn list(v: &Value) -> Result<Vec<Value>, String> {
    match v {
        Value::List(l) => Ok(l.clone()),
        other => Err(format!("a list is required, got {}", type_name(other))),
    }
}

/// gocty's conversion to a Go `int` (cty/gocty/out.go): a whole number
/// within 64 bits, one text for both failures.
fn go_int(v: &Value) -> Result<i64, String> {
    let x = n(v)?;
    if x.fract() != 0.0 || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x)
    {
        return Err(format!(
            "value must be a whole number, between {} and {}",
            i64::MIN,
            i64::MAX
        ));
    }
    Ok(x as i64)
}

fn map(v: &Value) -> Result<BTreeMap<String, Value>, String> {
    match v {
        Value::Map(m) => Ok(m.clone()),
        other => Err(format!("a map is required, got {}", type_name(other))),
    }
}

fn arity(args: &[Value], k: usize) -> Result<(), String> {
    if args.len() == k {
        Ok(())
    } else {
        Err(format!("expected {k} argument(s), got {}", args.len()))
    }
}

fn arg(args: &[Value], i: usize) -> Result<&Value, String> {
    args.get(i)
        .ok_or_else(|| format!("missing argument {}", i + 1))
}

/// One family's answer to a call: `Skip` when the name is not one of its
/// functions, so the next family is asked.
pub(super) enum Miss {
    Skip,
    Fail(String),
    /// cty's function.ArgError: the argument at this index is at fault
    /// (hclsyntax then says `Invalid function argument` at it).
    Arg(usize, String),
    /// Our own refusal to read a file (outside the repository, a device,
    /// past the size cap): not cty's words, and not what Nomad says.
    Refused(String),
    /// go-cty computes an answer here that nomad-preflight does not know
    /// (an order it takes from hashes, a Unicode table of another
    /// release): one "cannot tell" line, [`FUNCTION_CANNOT_TELL`].
    CannotTell(String),
}

/// The code of a call whose answer go-cty gives and nomad-preflight cannot
/// tell ([`Miss::CannotTell`]): one line, exit 255.
pub const FUNCTION_CANNOT_TELL: &str = "jobspec::function-cannot-tell";

impl From<String> for Miss {
    fn from(e: String) -> Self {
        Miss::Fail(e)
    }
}

impl From<&str> for Miss {
    fn from(e: &str) -> Self {
        Miss::Fail(e.to_string())
    }
}

pub(super) type Try = Result<Value, Miss>;

type Family = fn(&FnEnv<'_>, &str, &[Value]) -> Try;

/// The function families, asked in turn (their names are disjoint), each
/// with whether its answers depend on nothing but the arguments and the
/// version. `crypto` holds `uuidv4` and `bcrypt` (random) and
/// `filesystem` reads files, the base directory and `HOME`: a call into
/// either opens the load ([`FnEnv::open`]), answered or refused.
const FAMILIES: &[(Family, bool)] = &[
    (strings::call, true),
    (regex::call, true),
    (collections::call, true),
    (sets::call, true),
    (numeric::call, true),
    (encoding::call, true),
    (crypto::call, false),
    (filesystem::call, false),
    (cidr::call, true),
    (datetime::call, true),
    (yaml::call, true),
];

/// Why a call failed: the function's own error, cty's ArgError naming
/// the argument at fault, or our refusal to read a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    Failed(String),
    Arg(usize, String),
    /// A file the function would read and we refuse to ([`Miss::Refused`]):
    /// Nomad reads it, so what it says is not known here.
    Refused(String),
    /// Nomad's answer is not known here ([`Miss::CannotTell`]).
    CannotTell(String),
}

impl CallError {
    pub fn message(&self) -> &str {
        match self {
            CallError::Failed(m)
            | CallError::Arg(_, m)
            | CallError::Refused(m)
            | CallError::CannotTell(m) => m,
        }
    }
}

/// Call `name`, which the caller has found in the version's table
/// ([`available`]); a name no family implements says so.
pub fn call(env: &FnEnv<'_>, name: &str, args: Vec<Value>) -> Res {
    call_detailed(env, name, args).map_err(|e| e.message().to_string())
}

/// [`call`], telling an argument's fault from the function's.
pub fn call_detailed(env: &FnEnv<'_>, name: &str, args: Vec<Value>) -> Result<Value, CallError> {
    if typed_calls::handles(name) {
        let typed = args
            .into_iter()
            .map(|v| {
                let t = typed_calls::ArgType::of_value(&v);
                (v, t)
            })
            .collect();
        return call_typed(env, name, typed);
    }
    if !available(name, env.version) {
        return Err(CallError::Failed(unknown_detail(name, env.version)));
    }
    for (family, closed) in FAMILIES {
        let answer = family(env, name, &args);
        if !closed && !matches!(answer, Err(Miss::Skip)) {
            env.open();
        }
        match answer {
            Ok(v) => return Ok(v),
            Err(Miss::Fail(e)) => return Err(failed(e)),
            Err(Miss::Arg(i, e)) => return Err(CallError::Arg(i, e)),
            Err(Miss::Refused(e)) => return Err(CallError::Refused(e)),
            Err(Miss::CannotTell(e)) => return Err(CallError::CannotTell(e)),
            Err(Miss::Skip) => {}
        }
    }
    Err(CallError::CannotTell(format!(
        "function \"{name}\" is in Nomad's table but not evaluated by nomad-preflight"
    )))
}

/// A family's failure as the call's: go-cty's own error, or one of ours
/// where nomad-preflight cannot compute what Nomad does (a "cannot tell",
/// a stand-in that does not reproduce libyaml or Go, a result past our
/// size caps, where Nomad's process would go on): those are
/// [`CallError::CannotTell`], so the verdict is "cannot tell" (plan and
/// validate 255, check 2), never "Nomad refuses the file".
fn failed(e: String) -> CallError {
    if is_ours(&e) {
        CallError::CannotTell(e)
    } else {
        CallError::Failed(e)
    }
}

/// Whether a function's error text is ours (see [`failed`]): go-cty's
/// texts never name nomad-preflight, say "cannot tell" or count MiB.
pub fn is_ours(msg: &str) -> bool {
    msg.starts_with("cannot tell") || msg.contains("nomad-preflight") || msg.contains(" MiB")
}

/// [`call_detailed`] for the functions whose answer depends on the
/// arguments' types (typed_calls.rs), with what is known of each.
pub fn call_typed(
    env: &FnEnv<'_>,
    name: &str,
    args: Vec<(Value, typed_calls::ArgType)>,
) -> Result<Value, CallError> {
    if !available(name, env.version) {
        return Err(CallError::Failed(unknown_detail(name, env.version)));
    }
    let answer = match typed_calls::call(name, &args, params::cty_release(env.version)) {
        Some(answer) => answer,
        None => {
            let plain: Vec<Value> = args.into_iter().map(|(v, _)| v).collect();
            call_families(env, name, &plain)
        }
    };
    match answer {
        Ok(v) => Ok(v),
        Err(Miss::Fail(e)) => Err(failed(e)),
        Err(Miss::Arg(i, e)) => Err(CallError::Arg(i, e)),
        Err(Miss::Refused(e)) => Err(CallError::Refused(e)),
        Err(Miss::CannotTell(e)) => Err(CallError::CannotTell(e)),
        Err(Miss::Skip) => Err(CallError::CannotTell(format!(
            "function \"{name}\" is in Nomad's table but not evaluated by nomad-preflight"
        ))),
    }
}

/// The families asked in turn (for a name typed_calls.rs does not take).
fn call_families(env: &FnEnv<'_>, name: &str, args: &[Value]) -> Try {
    for (family, closed) in FAMILIES {
        let answer = family(env, name, args);
        if !closed && !matches!(answer, Err(Miss::Skip)) {
            env.open();
        }
        if !matches!(answer, Err(Miss::Skip)) {
            return answer;
        }
    }
    Err(Miss::Skip)
}
