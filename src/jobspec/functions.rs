//! The part of Nomad's jobspec2 function library (go-cty stdlib plus the
//! filesystem functions) that job files use. Unknown functions are errors
//! that say so, never a panic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::eval::{to_number, to_string, type_name};
use super::model::Value;
use crate::vfs::Vfs;

/// What the filesystem functions may read.
#[derive(Default, Clone, Copy)]
pub struct FnEnv<'a> {
    pub vfs: Option<&'a dyn Vfs>,
    /// Directory of the job file (relative paths start here).
    pub base_dir: Option<&'a Path>,
    /// Reads outside this directory are refused.
    pub repo_root: Option<&'a Path>,
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

pub const KNOWN: &[&str] = &[
    "abs",
    "base64decode",
    "base64encode",
    "basename",
    "ceil",
    "chunklist",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "dirname",
    "distinct",
    "element",
    "file",
    "fileexists",
    "flatten",
    "floor",
    "format",
    "formatlist",
    "index",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "lookup",
    "lower",
    "max",
    "merge",
    "min",
    "range",
    "regex_replace",
    "replace",
    "reverse",
    "setunion",
    "slice",
    "sort",
    "split",
    "strrev",
    "substr",
    "templatefile",
    "title",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "upper",
    "values",
    "zipmap",
    "abspath",
    "signum",
    "pow",
    "log",
    "parseint",
    "indent",
    "chomp",
    "sum",
    "alltrue",
    "anytrue",
    "one",
    "startswith",
    "endswith",
    "strcontains",
    "uuidv4",
    "uuidv5",
    "pathexpand",
];

fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let hex: String = text.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn fmt_uuid(u: &[u8; 16]) -> String {
    let h: String = u.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Random per evaluation, as in Nomad (each parse yields a new UUID).
fn uuid_v4() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut u = [0u8; 16];
    for chunk in u.chunks_mut(8) {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        chunk.copy_from_slice(&h.finish().to_le_bytes()[..chunk.len()]);
    }
    u[6] = (u[6] & 0x0f) | 0x40;
    u[8] = (u[8] & 0x3f) | 0x80;
    fmt_uuid(&u)
}

pub fn call(env: &FnEnv<'_>, name: &str, args: Vec<Value>) -> Res {
    let a = &args[..];
    match name {
        "upper" => Ok(Value::String(s(arg(a, 0)?)?.to_uppercase())),
        "lower" => Ok(Value::String(s(arg(a, 0)?)?.to_lowercase())),
        "title" => Ok(Value::String(title(&s(arg(a, 0)?)?))),
        "trimspace" => Ok(Value::String(s(arg(a, 0)?)?.trim().to_string())),
        "chomp" => Ok(Value::String(
            s(arg(a, 0)?)?.trim_end_matches(['\n', '\r']).to_string(),
        )),
        "strrev" => Ok(Value::String(s(arg(a, 0)?)?.chars().rev().collect())),
        "trim" => {
            let cut = s(arg(a, 1)?)?;
            Ok(Value::String(
                s(arg(a, 0)?)?.trim_matches(|c| cut.contains(c)).to_string(),
            ))
        }
        "trimprefix" => {
            let (x, p) = (s(arg(a, 0)?)?, s(arg(a, 1)?)?);
            Ok(Value::String(
                x.strip_prefix(p.as_str()).unwrap_or(&x).to_string(),
            ))
        }
        "trimsuffix" => {
            let (x, p) = (s(arg(a, 0)?)?, s(arg(a, 1)?)?);
            Ok(Value::String(
                x.strip_suffix(p.as_str()).unwrap_or(&x).to_string(),
            ))
        }
        "startswith" => Ok(Value::Bool(s(arg(a, 0)?)?.starts_with(&s(arg(a, 1)?)?))),
        "endswith" => Ok(Value::Bool(s(arg(a, 0)?)?.ends_with(&s(arg(a, 1)?)?))),
        "strcontains" => Ok(Value::Bool(s(arg(a, 0)?)?.contains(&s(arg(a, 1)?)?))),
        "indent" => indent(n(arg(a, 0)?)?, &s(arg(a, 1)?)?),
        "replace" => {
            let (x, from, to) = (s(arg(a, 0)?)?, s(arg(a, 1)?)?, s(arg(a, 2)?)?);
            if from.len() > 2 && from.starts_with('/') && from.ends_with('/') {
                regex_replace(&x, &from[1..from.len() - 1], &to)
            } else {
                Ok(Value::String(x.replace(&from, &to)))
            }
        }
        "regex_replace" => regex_replace(&s(arg(a, 0)?)?, &s(arg(a, 1)?)?, &s(arg(a, 2)?)?),
        "substr" => {
            let x = s(arg(a, 0)?)?;
            let off = n(arg(a, 1)?)? as i64;
            let len = n(arg(a, 2)?)? as i64;
            let chars: Vec<char> = x.chars().collect();
            let start = if off < 0 {
                chars.len() as i64 + off
            } else {
                off
            }
            .clamp(0, chars.len() as i64) as usize;
            let end = if len < 0 {
                chars.len()
            } else {
                (start + len as usize).min(chars.len())
            };
            Ok(Value::String(chars[start..end].iter().collect()))
        }
        "split" => {
            let (sep, x) = (s(arg(a, 0)?)?, s(arg(a, 1)?)?);
            Ok(Value::List(
                x.split(sep.as_str())
                    .map(|p| Value::String(p.to_string()))
                    .collect(),
            ))
        }
        "join" => {
            let sep = s(arg(a, 0)?)?;
            let mut parts = Vec::new();
            for l in &a[1..] {
                for v in list(l)? {
                    parts.push(s(&v)?);
                }
            }
            Ok(Value::String(parts.join(&sep)))
        }
        "format" => format(a).map(Value::String),
        "formatlist" => {
            let len = a[1..]
                .iter()
                .filter_map(|v| match v {
                    Value::List(l) => Some(l.len()),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            let mut out = Vec::new();
            for i in 0..len {
                let row: Vec<Value> = a
                    .iter()
                    .enumerate()
                    .map(|(j, v)| match v {
                        Value::List(l) if j > 0 => l.get(i).cloned().unwrap_or(Value::Null),
                        other => other.clone(),
                    })
                    .collect();
                out.push(Value::String(format(&row)?));
            }
            Ok(Value::List(out))
        }
        "concat" => {
            let mut out = Vec::new();
            for l in a {
                out.extend(list(l)?);
            }
            Ok(Value::List(out))
        }
        "flatten" => {
            fn flat(v: &Value, out: &mut Vec<Value>) {
                match v {
                    Value::List(l) => l.iter().for_each(|x| flat(x, out)),
                    other => out.push(other.clone()),
                }
            }
            let mut out = Vec::new();
            flat(arg(a, 0)?, &mut out);
            Ok(Value::List(out))
        }
        "length" => Ok(Value::Number(match arg(a, 0)? {
            Value::List(l) => l.len(),
            Value::Map(m) => m.len(),
            Value::String(x) => x.chars().count(),
            other => return Err(format!("cannot take the length of {}", type_name(other))),
        } as f64)),
        "keys" => Ok(Value::List(
            map(arg(a, 0)?)?.into_keys().map(Value::String).collect(),
        )),
        "values" => Ok(Value::List(map(arg(a, 0)?)?.into_values().collect())),
        "lookup" => {
            let m = map(arg(a, 0)?)?;
            let k = s(arg(a, 1)?)?;
            match (m.get(&k), a.get(2)) {
                (Some(v), _) => Ok(v.clone()),
                (None, Some(d)) => Ok(d.clone()),
                (None, None) => Err(format!("the given key \"{k}\" does not exist in the map")),
            }
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for m in a {
                if !matches!(m, Value::Null) {
                    out.extend(map(m)?);
                }
            }
            Ok(Value::Map(out))
        }
        "contains" => Ok(Value::Bool(list(arg(a, 0)?)?.contains(arg(a, 1)?))),
        "element" => {
            let l = list(arg(a, 0)?)?;
            if l.is_empty() {
                return Err("cannot use element function with an empty list".into());
            }
            let i = n(arg(a, 1)?)?.max(0.0) as usize;
            Ok(l[i % l.len()].clone())
        }
        "index" => {
            let l = list(arg(a, 0)?)?;
            let v = arg(a, 1)?;
            l.iter()
                .position(|x| x == v)
                .map(|i| Value::Number(i as f64))
                .ok_or_else(|| "item not found".to_string())
        }
        "distinct" | "toset" => {
            let mut out: Vec<Value> = Vec::new();
            for v in list(arg(a, 0)?)? {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            Ok(Value::List(out))
        }
        "setunion" => {
            let mut out: Vec<Value> = Vec::new();
            for l in a {
                for v in list(l)? {
                    if !out.contains(&v) {
                        out.push(v);
                    }
                }
            }
            Ok(Value::List(out))
        }
        "tolist" => Ok(Value::List(list(arg(a, 0)?)?)),
        "tomap" => Ok(Value::Map(map(arg(a, 0)?)?)),
        "tostring" => Ok(match arg(a, 0)? {
            Value::Null => Value::Null,
            v => Value::String(s(v)?),
        }),
        "tonumber" => Ok(match arg(a, 0)? {
            Value::Null => Value::Null,
            v => Value::Number(n(v)?),
        }),
        "parseint" => parseint(&s(arg(a, 0)?)?, n(arg(a, 1)?)?),
        "tobool" => match arg(a, 0)? {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            Value::String(x) if x == "true" => Ok(Value::Bool(true)),
            Value::String(x) if x == "false" => Ok(Value::Bool(false)),
            Value::Null => Ok(Value::Null),
            other => Err(format!("cannot convert {} to bool", type_name(other))),
        },
        "coalesce" => a
            .iter()
            .find(|v| !matches!(v, Value::Null) && !matches!(v, Value::String(x) if x.is_empty()))
            .cloned()
            .ok_or_else(|| "no non-null, non-empty-string arguments".to_string()),
        "coalescelist" => a
            .iter()
            .find(|v| matches!(v, Value::List(l) if !l.is_empty()))
            .cloned()
            .ok_or_else(|| "no non-null arguments".to_string()),
        "compact" => Ok(Value::List(
            list(arg(a, 0)?)?
                .into_iter()
                .filter(|v| {
                    !matches!(v, Value::Null) && !matches!(v, Value::String(x) if x.is_empty())
                })
                .collect(),
        )),
        "slice" => {
            let l = list(arg(a, 0)?)?;
            let (from, to) = (n(arg(a, 1)?)? as usize, n(arg(a, 2)?)? as usize);
            if from > to || to > l.len() {
                return Err("slice indices out of range".into());
            }
            Ok(Value::List(l[from..to].to_vec()))
        }
        "sort" => {
            let mut l: Vec<String> = list(arg(a, 0)?)?.iter().map(s).collect::<Result<_, _>>()?;
            l.sort();
            Ok(Value::List(l.into_iter().map(Value::String).collect()))
        }
        "reverse" => Ok(Value::List(list(arg(a, 0)?)?.into_iter().rev().collect())),
        "zipmap" => {
            let (k, v) = (list(arg(a, 0)?)?, list(arg(a, 1)?)?);
            let mut out = BTreeMap::new();
            for (k, v) in k.iter().zip(v) {
                out.insert(s(k)?, v);
            }
            Ok(Value::Map(out))
        }
        "chunklist" => {
            let l = list(arg(a, 0)?)?;
            let size = n(arg(a, 1)?)?.max(0.0) as usize;
            if size == 0 {
                return Ok(Value::List(vec![Value::List(l)]));
            }
            Ok(Value::List(
                l.chunks(size).map(|c| Value::List(c.to_vec())).collect(),
            ))
        }
        "range" => {
            let nums: Vec<f64> = a.iter().map(n).collect::<Result<_, _>>()?;
            let (start, end, step) = match nums[..] {
                [e] => (0.0, e, 1.0),
                [s0, e] => (s0, e, if e >= s0 { 1.0 } else { -1.0 }),
                [s0, e, st] => (s0, e, st),
                _ => return Err("range takes 1 to 3 arguments".into()),
            };
            if step == 0.0 {
                return Err("step must not be zero".into());
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                out.push(Value::Number(x));
                x += step;
                if out.len() > 1024 {
                    return Err("more than 1024 values requested".into());
                }
            }
            Ok(Value::List(out))
        }
        "max" | "min" | "sum" => {
            let mut nums: Vec<f64> = Vec::new();
            for v in a {
                match v {
                    Value::List(l) if name == "sum" => {
                        for x in l {
                            nums.push(n(x)?);
                        }
                    }
                    other => nums.push(n(other)?),
                }
            }
            if nums.is_empty() {
                return Err("at least one number is required".into());
            }
            Ok(Value::Number(match name {
                "max" => nums.iter().cloned().fold(f64::MIN, f64::max),
                "min" => nums.iter().cloned().fold(f64::MAX, f64::min),
                _ => nums.iter().sum(),
            }))
        }
        "alltrue" => Ok(Value::Bool(
            list(arg(a, 0)?)?
                .iter()
                .all(|v| matches!(v, Value::Bool(true))),
        )),
        "anytrue" => Ok(Value::Bool(
            list(arg(a, 0)?)?
                .iter()
                .any(|v| matches!(v, Value::Bool(true))),
        )),
        "one" => {
            let l = list(arg(a, 0)?)?;
            match l.len() {
                0 => Ok(Value::Null),
                1 => Ok(l[0].clone()),
                _ => Err("must be a list with no more than one element".into()),
            }
        }
        "abs" => Ok(Value::Number(n(arg(a, 0)?)?.abs())),
        "ceil" => Ok(Value::Number(n(arg(a, 0)?)?.ceil())),
        "floor" => Ok(Value::Number(n(arg(a, 0)?)?.floor())),
        "signum" => Ok(Value::Number(n(arg(a, 0)?)?.signum())),
        "pow" => Ok(Value::Number(n(arg(a, 0)?)?.powf(n(arg(a, 1)?)?))),
        "log" => Ok(Value::Number(n(arg(a, 0)?)?.log(n(arg(a, 1)?)?))),
        "jsonencode" => Ok(Value::String(super::format::cty_json(arg(a, 0)?))),
        "jsondecode" => {
            let j: serde_json::Value =
                serde_json::from_str(&s(arg(a, 0)?)?).map_err(|e| e.to_string())?;
            Ok(from_json(j))
        }
        "base64encode" => Ok(Value::String(b64_encode(s(arg(a, 0)?)?.as_bytes()))),
        "base64decode" => {
            let bytes = b64_decode(&s(arg(a, 0)?)?).ok_or("invalid base64 data")?;
            String::from_utf8(bytes)
                .map(Value::String)
                .map_err(|_| "the result is not valid UTF-8".into())
        }
        "basename" => {
            let p = s(arg(a, 0)?)?;
            Ok(Value::String(
                Path::new(&p)
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            ))
        }
        "dirname" => {
            let p = s(arg(a, 0)?)?;
            let d = Path::new(&p)
                .parent()
                .map(|f| f.display().to_string())
                .unwrap_or_default();
            Ok(Value::String(if d.is_empty() { ".".into() } else { d }))
        }
        "abspath" => {
            let p = s(arg(a, 0)?)?;
            Ok(Value::String(env.resolve(&p).display().to_string()))
        }
        "file" => {
            arity(a, 1)?;
            env.read(&s(&a[0])?).map(Value::String)
        }
        "fileexists" => {
            let p = s(arg(a, 0)?)?;
            let full = env.check(&p)?;
            Ok(Value::Bool(env.vfs.is_some_and(|v| v.is_file(&full))))
        }
        "templatefile" => {
            let text = env.read(&s(arg(a, 0)?)?)?;
            let vars = map(arg(a, 1)?)?;
            super::templatefile::render(env, &text, vars)
        }
        "uuidv4" => Ok(Value::String(uuid_v4())),
        "uuidv5" => {
            let ns = match s(arg(a, 0)?)?.as_str() {
                "dns" => "6ba7b810-9dad-11d1-80b4-00c04fd430c8".to_string(),
                "url" => "6ba7b811-9dad-11d1-80b4-00c04fd430c8".to_string(),
                "oid" => "6ba7b812-9dad-11d1-80b4-00c04fd430c8".to_string(),
                "x500" => "6ba7b814-9dad-11d1-80b4-00c04fd430c8".to_string(),
                other => other.to_string(),
            };
            let ns_bytes =
                parse_uuid(&ns).ok_or("the namespace must be dns, url, oid, x500 or a UUID")?;
            let mut data = ns_bytes.to_vec();
            data.extend_from_slice(s(arg(a, 1)?)?.as_bytes());
            let h = super::sha1::digest(&data);
            let mut u = [0u8; 16];
            u.copy_from_slice(&h[..16]);
            u[6] = (u[6] & 0x0f) | 0x50;
            u[8] = (u[8] & 0x3f) | 0x80;
            Ok(Value::String(fmt_uuid(&u)))
        }
        "pathexpand" => {
            let p = s(arg(a, 0)?)?;
            Ok(Value::String(
                match (p.strip_prefix('~'), std::env::var("HOME")) {
                    (Some(rest), Ok(home)) if rest.is_empty() || rest.starts_with('/') => {
                        format!("{home}{rest}")
                    }
                    _ => p,
                },
            ))
        }
        other => {
            let read = |p: &str| env.read(p).map(String::into_bytes);
            if let Some(r) = super::functions_more::call(other, a, &read) {
                return r;
            }
            unknown(other)
        }
    }
}

fn unknown(other: &str) -> Res {
    Err(if KNOWN.contains(&other) {
        format!("function \"{other}\" is not supported")
    } else {
        format!("there is no function named \"{other}\"")
    })
}

impl FnEnv<'_> {
    fn resolve(&self, p: &str) -> PathBuf {
        let path = Path::new(p);
        let full = if path.is_absolute() {
            path.to_path_buf()
        } else {
            match self.base_dir {
                Some(b) => b.join(path),
                None => path.to_path_buf(),
            }
        };
        crate::vfs::normalize(&full)
    }

    /// Refuse devices and paths that leave the repository: a job file is
    /// untrusted input and must not make us read `/dev/zero` or `~/.ssh`.
    fn check(&self, p: &str) -> Result<PathBuf, String> {
        let full = self.resolve(p);
        if full.starts_with("/dev") || full.starts_with("/proc") || full.starts_with("/sys") {
            return Err(format!(
                "refusing to read the device or kernel file \"{p}\""
            ));
        }
        if let Some(root) = self.repo_root {
            let root = crate::vfs::normalize(root);
            let inside = if full.is_absolute() == root.is_absolute() {
                full.starts_with(&root)
            } else {
                !full.starts_with("..") && !full.is_absolute()
            };
            if !inside {
                return Err(format!(
                    "refusing to read \"{p}\": it is outside the repository"
                ));
            }
        }
        Ok(full)
    }

    fn read(&self, p: &str) -> Result<String, String> {
        let full = self.check(p)?;
        let vfs = self.vfs.ok_or("filesystem functions are disabled here")?;
        if vfs.is_dir(&full) {
            return Err(format!("\"{p}\" is a directory"));
        }
        vfs.read(&full)
            .map(|src| src.text.to_string())
            .map_err(|e| format!("no file exists at \"{p}\": {e}"))
    }
}

/// cty's `indent`: Go's `strings.Repeat` panics on a negative count and a
/// huge one is a huge allocation; both are refused.
fn indent(spaces: f64, text: &str) -> Res {
    if spaces.fract() != 0.0 {
        return Err("value must be a whole number".into());
    }
    if spaces < 0.0 {
        return Err("the number of spaces must not be negative".into());
    }
    let lines = text.matches('\n').count();
    let total = (spaces as usize)
        .checked_mul(lines)
        .and_then(|p| p.checked_add(text.len()))
        .filter(|t| *t <= super::format::MAX_RESULT_BYTES);
    if total.is_none() {
        return Err(format!(
            "the indented string would be longer than {} MiB",
            super::format::MAX_RESULT_BYTES >> 20
        ));
    }
    let pad = " ".repeat(if lines == 0 { 0 } else { spaces as usize });
    Ok(Value::String(text.replace('\n', &format!("\n{pad}"))))
}

/// cty's `parseint`: bases 2 to 62 (digits, then a-z, then A-Z; bases up
/// to 36 ignore case), an optional sign, any size (kept as a float here).
fn parseint(text: &str, base: f64) -> Res {
    if base.fract() != 0.0 || !(2.0..=62.0).contains(&base) {
        return Err("base must be a whole number between 2 and 62 inclusive".into());
    }
    let base = base as u32;
    let bad = || {
        format!(
            "cannot parse {} as a base {base} integer",
            serde_json::to_string(text).unwrap_or_default()
        )
    };
    let (neg, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return Err(bad());
    }
    let mut acc = 0f64;
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            _ => return Err(bad()),
        };
        if d >= base {
            return Err(bad());
        }
        acc = acc * f64::from(base) + f64::from(d);
    }
    Ok(Value::Number(if neg { -acc } else { acc }))
}

fn title(x: &str) -> String {
    let mut out = String::new();
    let mut start = true;
    for c in x.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    out
}

fn regex_replace(x: &str, pat: &str, to: &str) -> Res {
    let re = regex::Regex::new(pat).map_err(|e| format!("invalid regular expression: {e}"))?;
    Ok(Value::String(re.replace_all(x, to).into_owned()))
}

fn format(a: &[Value]) -> Result<String, String> {
    super::format::format(&s(arg(a, 0)?)?, &a[1..])
}

pub fn from_json(j: serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(x) => Value::Number(x.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(x) => Value::String(x),
        serde_json::Value::Array(l) => Value::List(l.into_iter().map(from_json).collect()),
        serde_json::Value::Object(m) => {
            Value::Map(m.into_iter().map(|(k, v)| (k, from_json(v))).collect())
        }
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(super) fn b64_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn b64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
    {
        let v = B64.iter().position(|x| *x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(x: &str) -> Value {
        Value::String(x.into())
    }

    #[test]
    fn strings_and_collections() {
        let env = FnEnv::default();
        assert_eq!(
            call(
                &env,
                "format",
                vec![st("%s-%d"), st("a"), Value::Number(3.0)]
            ),
            Ok(st("a-3"))
        );
        assert_eq!(
            call(
                &env,
                "join",
                vec![st(","), Value::List(vec![st("a"), st("b")])]
            ),
            Ok(st("a,b"))
        );
        assert_eq!(
            call(&env, "base64encode", vec![st("hello")]),
            Ok(st("aGVsbG8="))
        );
        assert_eq!(
            call(&env, "base64decode", vec![st("aGVsbG8=")]),
            Ok(st("hello"))
        );
        assert!(call(&env, "nosuch", vec![])
            .unwrap_err()
            .contains("no function named"));
        assert!(call(
            &env,
            "element",
            vec![Value::List(vec![]), Value::Number(0.0)]
        )
        .is_err());
        // RFC 4122 test vector: uuidv5(dns, "www.example.com").
        assert_eq!(
            call(&env, "uuidv5", vec![st("dns"), st("www.example.com")]),
            Ok(st("2ed6657d-e927-568b-95e1-2665a8aea6a2"))
        );
    }

    /// Issue 14: `parseint("10", 1)` panicked, `indent(1e11, ...)` aborted
    /// on allocation. cty's texts where it has them.
    #[test]
    fn parseint_and_indent_check_their_arguments() {
        let env = FnEnv::default();
        let num = Value::Number;
        assert_eq!(
            call(&env, "parseint", vec![st("10"), num(1.0)]),
            Err("base must be a whole number between 2 and 62 inclusive".into())
        );
        assert_eq!(
            call(&env, "parseint", vec![st("FF"), num(16.0)]),
            Ok(num(255.0))
        );
        assert_eq!(
            call(&env, "parseint", vec![st("-11"), num(2.0)]),
            Ok(num(-3.0))
        );
        assert_eq!(
            call(&env, "parseint", vec![st("Z"), num(62.0)]),
            Ok(num(61.0))
        );
        assert_eq!(
            call(&env, "parseint", vec![st("12"), num(2.0)]),
            Err("cannot parse \"12\" as a base 2 integer".into())
        );
        assert_eq!(
            call(&env, "indent", vec![num(2.0), st("a\nb")]),
            Ok(st("a\n  b"))
        );
        assert!(call(&env, "indent", vec![num(1e11), st("a\nb")])
            .unwrap_err()
            .contains("longer than"));
        assert!(call(&env, "indent", vec![num(-1.0), st("a\nb")]).is_err());
        assert!(call(&env, "indent", vec![num(1.5), st("a")]).is_err());
        assert_eq!(
            call(
                &env,
                "jsonencode",
                vec![Value::List(vec![num(1.0), st("<")])]
            ),
            Ok(st("[1,\"\\u003c\"]"))
        );
    }

    #[test]
    fn file_refuses_devices_and_paths_outside_the_repo() {
        let mut mem = crate::vfs::MemVfs::new("t");
        mem.insert("repo/jobs/x.txt", "hi");
        let env = FnEnv {
            vfs: Some(&mem),
            base_dir: Some(Path::new("repo/jobs")),
            repo_root: Some(Path::new("repo")),
        };
        assert_eq!(call(&env, "file", vec![st("x.txt")]), Ok(st("hi")));
        assert!(call(&env, "file", vec![st("/dev/zero")])
            .unwrap_err()
            .contains("device"));
        assert!(call(&env, "file", vec![st("../../etc/passwd")])
            .unwrap_err()
            .contains("outside"));
    }
}
