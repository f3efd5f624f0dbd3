//! Accessors over Nomad API JSON. A missing or `null` field reads as Go's
//! zero value, as Nomad's `omitempty` and nil leave it. A field present
//! with a JSON type its Go struct cannot hold (`"Priority": "50"`,
//! `"ClientStatus": 1`) is not: Go's decoder refuses it, so Nomad cannot
//! have answered it, and reading it as zero would be a confident answer
//! from a file that was not saved from the cluster (0 MB used, a node
//! that looks free). Every such field an accessor meets is recorded
//! ([`Strict`]) and the import that met it is "cannot tell"
//! (`typed::mistyped`). The schema tables (import/typed*.rs) name the file
//! and the field before any reader runs; this is what keeps a field the
//! tables leave out from being read as zero all the same.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde_json::Value;

/// A field an accessor met holding a type its Go struct cannot hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Mistyped {
    pub key: String,
    pub found: &'static str,
    pub wanted: &'static str,
}

thread_local! {
    /// The fields met mistyped since the innermost [`Strict`] began.
    static MET: RefCell<Option<Vec<Mistyped>>> = const { RefCell::new(None) };
}

/// One reading of import input: the mistyped fields the accessors meet
/// while it lasts are [`Strict::end`]'s. Sessions nest (a job read inside
/// the import's); outside any, nothing is recorded, so every reader of
/// import input runs inside one (`load_import`, `job_from_api_json`).
pub(crate) struct Strict {
    outer: Option<Vec<Mistyped>>,
    ended: bool,
}

impl Strict {
    pub fn begin() -> Self {
        Strict {
            outer: MET.with(|m| m.replace(Some(Vec::new()))),
            ended: false,
        }
    }

    /// The mistyped fields met, first first; the outer session resumes
    /// (it is not told: its caller reports this session's result).
    pub fn end(mut self) -> Vec<Mistyped> {
        self.ended = true;
        MET.with(|m| m.replace(self.outer.take()))
            .unwrap_or_default()
    }
}

impl Drop for Strict {
    fn drop(&mut self) {
        if !self.ended {
            MET.with(|m| m.replace(self.outer.take()));
        }
    }
}

fn met(key: &str, found: &Value, wanted: &'static str) {
    MET.with(|m| {
        if let Some(list) = m.borrow_mut().as_mut() {
            // One is enough to refuse; a hostile file may hold millions.
            if list.len() < 8 {
                list.push(Mistyped {
                    key: key.to_string(),
                    found: what_is(found),
                    wanted,
                });
            }
        }
    });
}

/// The "cannot tell" for a field met mistyped, `unknown` saying what
/// cannot be told.
pub(crate) fn refusal(m: &Mistyped, unknown: &str) -> crate::diag::Diag {
    let key = crate::escape::one_line(&m.key);
    crate::diag::Diag::error(
        super::import::SHAPE,
        format!(
            "cannot tell {unknown}: the saved JSON holds {key} as {}, and Nomad's API answers it as {}",
            m.found, m.wanted
        ),
    )
    .help("save the file again from the cluster (`nomad-preflight import --print-commands DIR` lists the commands); a field of the wrong type is not read as absent or as zero")
    .as_cannot_tell()
}

/// What `x` is, in words (never its content: the file is untrusted).
pub(crate) fn what_is(x: &Value) -> &'static str {
    match x {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number with a fraction",
        Value::Number(n) if n.is_u64() && !n.is_i64() => "a number past int64",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `x` read by `as_t`, `None` when null or absent; any other type is
/// recorded under `key` as not the `wanted` one.
pub(crate) fn typed<'v, T>(
    x: Option<&'v Value>,
    key: &str,
    wanted: &'static str,
    as_t: impl FnOnce(&'v Value) -> Option<T>,
) -> Option<T> {
    let x = x.filter(|x| !x.is_null())?;
    let out = as_t(x);
    if out.is_none() {
        met(key, x, wanted);
    }
    out
}

/// `v`'s field `key`: `v` is where a reader expects a Go struct or map,
/// so a `v` of another type (a string where a list of ports belongs) is
/// recorded too, never read as an object without fields.
fn field<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    if !(v.is_object() || v.is_null()) {
        met(&format!("the object holding {key}"), v, OBJECT);
    }
    v.get(key)
}

pub(crate) const STR: &str = "a string";
pub(crate) const INT: &str = "a whole number";
pub(crate) const UINT: &str = "a whole number from 0";
pub(crate) const BOOL: &str = "true or false";
pub(crate) const LIST: &str = "a list";
pub(crate) const OBJECT: &str = "an object";

pub(crate) fn opt_s<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    typed(field(v, key), key, STR, Value::as_str)
}
pub(crate) fn s(v: &Value, key: &str) -> String {
    opt_s(v, key).unwrap_or_default().to_string()
}
pub(crate) fn opt_i(v: &Value, key: &str) -> Option<i64> {
    typed(field(v, key), key, INT, Value::as_i64)
}
pub(crate) fn i(v: &Value, key: &str) -> i64 {
    opt_i(v, key).unwrap_or(0)
}
/// A Go unsigned integer (`uint64` indexes, a `uint8` enum).
pub(crate) fn u(v: &Value, key: &str) -> u64 {
    v.typed_u64(key).unwrap_or(0)
}
pub(crate) fn opt_b(v: &Value, key: &str) -> Option<bool> {
    typed(field(v, key), key, BOOL, Value::as_bool)
}
pub(crate) fn b(v: &Value, key: &str) -> bool {
    opt_b(v, key).unwrap_or(false)
}
/// A Go slice: its items, none when null or absent.
pub(crate) fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    typed(field(v, key), key, LIST, Value::as_array).map_or(&[], Vec::as_slice)
}
/// A Go struct pointer or map: the object, `None` when null or absent.
pub(crate) fn obj<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    typed(field(v, key), key, OBJECT, |x| {
        Some(x).filter(|x| x.is_object())
    })
}
pub(crate) fn strs(v: &Value, key: &str) -> Vec<String> {
    let items = list(v, key).iter().enumerate();
    items
        .filter_map(|(n, x)| typed(Some(x), &format!("{key}[{n}]"), STR, Value::as_str))
        .map(str::to_string)
        .collect()
}
pub(crate) fn smap(v: &Value, key: &str) -> BTreeMap<String, String> {
    let Some(o) = obj(v, key).and_then(Value::as_object) else {
        return BTreeMap::new();
    };
    o.iter()
        .filter_map(|(k, x)| {
            let x = typed(Some(x), &format!("{key}.{k}"), STR, Value::as_str)?;
            Some((k.clone(), x.to_string()))
        })
        .collect()
}
/// The objects of a Go slice of structs or struct pointers: an item of
/// another type is recorded (`null`, a nil pointer, is skipped).
pub(crate) fn objects<'v>(items: &'v [Value], key: &str) -> Vec<&'v Value> {
    let items = items.iter().enumerate();
    items
        .filter_map(|(n, x)| {
            typed(Some(x), &format!("{key}[{n}]"), OBJECT, |x| {
                Some(x).filter(|x| x.is_object())
            })
        })
        .collect()
}
/// The objects of a Go map of structs, by key, as [`objects`].
pub(crate) fn object_map<'v>(v: &'v Value, key: &str) -> Vec<(&'v String, &'v Value)> {
    let Some(o) = obj(v, key).and_then(Value::as_object) else {
        return Vec::new();
    };
    o.iter()
        .filter_map(|(k, x)| {
            let x = typed(Some(x), &format!("{key}.{k}"), OBJECT, |x| {
                Some(x).filter(|x| x.is_object())
            })?;
            Some((k, x))
        })
        .collect()
}
/// The typed reads of one field of an object, for readers that hold the
/// object (`a.typed_u64("JobVersion")`): `None` when absent or null, and
/// a field of another type is recorded as the accessors above record it.
pub(crate) trait Fields {
    fn typed_str(&self, key: &str) -> Option<&str>;
    fn typed_i64(&self, key: &str) -> Option<i64>;
    fn typed_u64(&self, key: &str) -> Option<u64>;
    fn typed_bool(&self, key: &str) -> Option<bool>;
    fn typed_array(&self, key: &str) -> Option<&Vec<Value>>;
    fn typed_object(&self, key: &str) -> Option<&serde_json::Map<String, Value>>;
}

impl Fields for Value {
    fn typed_str(&self, key: &str) -> Option<&str> {
        typed(field(self, key), key, STR, Value::as_str)
    }
    fn typed_i64(&self, key: &str) -> Option<i64> {
        typed(field(self, key), key, INT, Value::as_i64)
    }
    fn typed_u64(&self, key: &str) -> Option<u64> {
        typed(field(self, key), key, UINT, Value::as_u64)
    }
    fn typed_bool(&self, key: &str) -> Option<bool> {
        typed(field(self, key), key, BOOL, Value::as_bool)
    }
    fn typed_array(&self, key: &str) -> Option<&Vec<Value>> {
        typed(field(self, key), key, LIST, Value::as_array)
    }
    fn typed_object(&self, key: &str) -> Option<&serde_json::Map<String, Value>> {
        typed(field(self, key), key, OBJECT, Value::as_object)
    }
}

/// The object holding the last key of `keys` (a nested path such as
/// `NodeResources.Cpu.CpuShares`: a step that is not an object ends it,
/// recorded when it is neither absent nor null), and that key.
fn parent<'v, 'k>(v: &'v Value, keys: &[&'k str]) -> Option<(&'v Value, &'k str)> {
    let (last, steps) = keys.split_last()?;
    let at = steps.iter().try_fold(v, |acc, k| obj(acc, k))?;
    Some((at, last))
}
pub(crate) fn path_i(v: &Value, keys: &[&str]) -> Option<i64> {
    parent(v, keys).and_then(|(at, k)| opt_i(at, k))
}
pub(crate) fn path_b(v: &Value, keys: &[&str]) -> Option<bool> {
    parent(v, keys).and_then(|(at, k)| opt_b(at, k))
}
pub(crate) fn path_s<'v>(v: &'v Value, keys: &[&str]) -> Option<&'v str> {
    parent(v, keys).and_then(|(at, k)| opt_s(at, k))
}
pub(crate) fn path_list<'v>(v: &'v Value, keys: &[&str]) -> &'v [Value] {
    path_array(v, keys).map_or(&[], Vec::as_slice)
}
/// A list at a path, `None` when absent or null.
pub(crate) fn path_array<'v>(v: &'v Value, keys: &[&str]) -> Option<&'v Vec<Value>> {
    parent(v, keys).and_then(|(at, k)| at.typed_array(k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn null_and_absent_are_zero_and_another_type_is_recorded() {
        let v =
            json!({"A": "x", "N": null, "I": "5", "L": ["a", 1], "M": {"k": true}, "O": {"P": 2}});
        let strict = Strict::begin();
        assert_eq!(s(&v, "A"), "x");
        assert_eq!(i(&v, "N"), 0);
        assert_eq!(i(&v, "Absent"), 0);
        assert!(strict.end().is_empty());
        let strict = Strict::begin();
        assert_eq!(i(&v, "I"), 0);
        assert_eq!(strs(&v, "L"), ["a"]);
        assert!(smap(&v, "M").is_empty());
        assert_eq!(path_i(&v, &["O", "P"]), Some(2));
        assert_eq!(path_i(&v, &["A", "P"]), None);
        let met: Vec<String> = strict
            .end()
            .iter()
            .map(|m| format!("{} {} {}", m.key, m.found, m.wanted))
            .collect();
        assert_eq!(
            met,
            [
                "I a string a whole number",
                "L[1] a number a string",
                "M.k a boolean a string",
                "A a string an object",
            ]
        );
    }

    #[test]
    fn sessions_nest_and_outside_one_nothing_is_kept() {
        let v = json!({"B": 1});
        assert!(!b(&v, "B"));
        let outer = Strict::begin();
        let inner = Strict::begin();
        b(&v, "B");
        assert_eq!(inner.end().len(), 1);
        assert!(outer.end().is_empty());
        let dropped = Strict::begin();
        b(&v, "B");
        drop(dropped);
        let after = Strict::begin();
        assert!(after.end().is_empty());
    }
}
