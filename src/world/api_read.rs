//! A reader over one object of Nomad's API JSON that remembers which keys
//! it read, so that whatever the import does not read is kept (as the
//! object's unmodelled part) instead of silently dropped.
//!
//! Missing or null fields read as Go's zero value, as the Go client's
//! decoding would leave them; a field of another type is recorded as
//! api_json's accessors record it, never read as zero. A key left unread whose value is Go's zero
//! value (`null`, `""`, `0`, `false`, `[]`, `{}`) says nothing the zero
//! value of the model does not, and is not kept.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde_json::Value;

use super::api_json;
use crate::jobspec::{Duration, Unmodelled, Value as JValue};

/// One JSON object being read.
pub(crate) struct Obj<'v> {
    v: &'v Value,
    read: RefCell<Vec<&'static str>>,
}

static NULL: Value = Value::Null;

impl<'v> Obj<'v> {
    pub fn new(v: &'v Value) -> Self {
        Obj {
            v,
            read: RefCell::new(Vec::new()),
        }
    }

    /// Mark `key` as read and return its value (`null` when absent).
    pub fn get(&self, key: &'static str) -> &'v Value {
        self.read.borrow_mut().push(key);
        self.v.get(key).unwrap_or(&NULL)
    }

    /// Mark keys as read without reading them: fields the server sets
    /// (indexes, status) that are no part of what a job file says.
    pub fn skip(&self, keys: &[&'static str]) {
        self.read.borrow_mut().extend_from_slice(keys);
    }

    /// Mark `key` as read when its value is `default`: a value the server
    /// fills in that the model has no field for but that says nothing.
    pub fn skip_if(&self, key: &'static str, default: &Value) {
        if self.v.get(key) == Some(default) {
            self.skip(&[key]);
        }
    }

    // Each typed read is api_json's: a field of another type than the
    // one asked for is recorded (api_json::Strict), never read as zero.
    pub fn s(&self, key: &'static str) -> String {
        self.get(key);
        api_json::s(self.v, key)
    }
    pub fn i(&self, key: &'static str) -> i64 {
        self.opt_i(key).unwrap_or(0)
    }
    pub fn opt_i(&self, key: &'static str) -> Option<i64> {
        self.get(key);
        api_json::opt_i(self.v, key)
    }
    pub fn b(&self, key: &'static str) -> bool {
        self.opt_b(key).unwrap_or(false)
    }
    pub fn opt_b(&self, key: &'static str) -> Option<bool> {
        self.get(key);
        api_json::opt_b(self.v, key)
    }
    /// A Go `time.Duration`: nanoseconds.
    pub fn dur(&self, key: &'static str) -> Duration {
        Duration(self.i(key))
    }
    pub fn opt_dur(&self, key: &'static str) -> Option<Duration> {
        self.opt_i(key).map(Duration)
    }
    pub fn strs(&self, key: &'static str) -> Vec<String> {
        self.get(key);
        api_json::strs(self.v, key)
    }
    /// A map of strings.
    pub fn smap(&self, key: &'static str) -> BTreeMap<String, String> {
        self.get(key);
        api_json::smap(self.v, key)
    }
    /// An opaque map (driver `config`, a secret's `config`).
    pub fn value_map(&self, key: &'static str) -> BTreeMap<String, JValue> {
        self.obj(key)
            .and_then(Value::as_object)
            .map(|o| o.iter().map(|(k, x)| (k.clone(), value(x))).collect())
            .unwrap_or_default()
    }
    /// The objects of a list of structs (api_json::objects).
    pub fn objects(&self, key: &'static str) -> Vec<&'v Value> {
        api_json::objects(self.arr(key), key)
    }
    /// The objects of a map of structs, by key (api_json::object_map).
    pub fn object_map(&self, key: &'static str) -> Vec<(&'v String, &'v Value)> {
        self.get(key);
        api_json::object_map(self.v, key)
    }
    pub fn arr(&self, key: &'static str) -> &'v [Value] {
        self.get(key);
        api_json::list(self.v, key)
    }
    /// A nested object, `None` when absent or `null`.
    pub fn obj(&self, key: &'static str) -> Option<&'v Value> {
        self.get(key);
        api_json::obj(self.v, key)
    }

    /// The object under `key` (`None` when absent or `null`), read by
    /// `read` with its JSON path `{prefix}{key}.`; whatever `read` leaves
    /// unread is kept in `sink` under that path. The importer's one way of
    /// reading a nested object, so no object's leftovers are forgotten.
    pub fn nested<T>(
        &self,
        key: &'static str,
        prefix: &str,
        sink: &mut Sink<'_>,
        read: impl FnOnce(&Obj<'v>, &str, &mut Sink<'_>) -> T,
    ) -> Option<T> {
        let x = Obj::new(self.obj(key)?);
        let path = format!("{prefix}{key}.");
        let out = read(&x, &path, sink);
        sink.keep(&x, &path);
        Some(out)
    }

    /// [`Obj::nested`] for a list: each object of `key` (others skipped),
    /// read with its path `{prefix}{key}[n].`.
    pub fn nested_each<T>(
        &self,
        key: &'static str,
        prefix: &str,
        sink: &mut Sink<'_>,
        mut read: impl FnMut(&Obj<'v>, &str, &mut Sink<'_>) -> T,
    ) -> Vec<T> {
        api_json::objects(self.arr(key), key)
            .into_iter()
            .enumerate()
            .map(|(n, x)| {
                let x = Obj::new(x);
                let path = format!("{prefix}{key}[{n}].");
                let out = read(&x, &path, sink);
                sink.keep(&x, &path);
                out
            })
            .collect()
    }

    /// Keep every key not read whose value is not Go's zero value in
    /// `out`, under `prefix` (`Resources.`, `Services[web].`).
    pub fn leftover(&self, prefix: &str, out: &mut Unmodelled) {
        let Some(o) = self.v.as_object() else { return };
        let read = self.read.borrow();
        for (k, x) in o {
            if read.iter().any(|r| r == k) || is_zero(x) {
                continue;
            }
            out.0.insert(format!("{prefix}{k}"), value(x));
        }
    }
}

/// Where leftovers of a nested object go: the owning job, group or task's
/// unmodelled part, under the object's JSON path.
pub(crate) struct Sink<'u> {
    pub out: &'u mut Unmodelled,
}

impl Sink<'_> {
    pub fn keep(&mut self, o: &Obj<'_>, prefix: &str) {
        o.leftover(prefix, self.out);
    }
}

fn is_zero(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// JSON as the model's opaque value (driver config, policies, leftovers).
pub(crate) fn value(v: &Value) -> JValue {
    match v {
        Value::Null => JValue::Null,
        Value::Bool(b) => JValue::Bool(*b),
        Value::Number(n) => JValue::Number(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => JValue::String(s.clone()),
        Value::Array(a) => JValue::List(a.iter().map(value).collect()),
        Value::Object(o) => JValue::Map(o.iter().map(|(k, v)| (k.clone(), value(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unread_keys_with_content_are_kept_and_zero_values_are_not() {
        let v = json!({"A": "x", "B": 2, "C": "", "D": null, "E": [], "F": {"G": 1}, "H": false});
        let o = Obj::new(&v);
        assert_eq!(o.s("A"), "x");
        let mut out = Unmodelled::default();
        o.leftover("P.", &mut out);
        let keys: Vec<&String> = out.0.keys().collect();
        assert_eq!(keys, ["P.B", "P.F"]);
        assert_eq!(out.0["P.B"], JValue::Number(2.0));
    }

    #[test]
    fn skipped_keys_and_defaults_are_not_kept() {
        let v = json!({"CreateIndex": 9, "Cluster": "default", "Kind": "x"});
        let o = Obj::new(&v);
        o.skip(&["CreateIndex"]);
        o.skip_if("Cluster", &json!("default"));
        o.skip_if("Kind", &json!(""));
        let mut out = Unmodelled::default();
        o.leftover("", &mut out);
        let keys: Vec<&String> = out.0.keys().collect();
        assert_eq!(keys, ["Kind"]);
    }

    /// A nested object and a list of them are read with their JSON paths,
    /// and what the reader leaves unread is kept under those paths.
    #[test]
    fn nested_objects_keep_their_leftovers_under_their_path() {
        let v = json!({
            "Update": {"Canary": 1, "Later": "x"},
            "Checks": [{"Name": "a", "Later": 2}, "not an object", {"Name": "b"}],
            "Empty": null
        });
        let o = Obj::new(&v);
        let mut unmodelled = Unmodelled::default();
        let sink = &mut Sink {
            out: &mut unmodelled,
        };
        let canary = o.nested("Update", "Group.", sink, |u, path, _| {
            (u.i("Canary"), path.to_string())
        });
        assert_eq!(canary, Some((1, "Group.Update.".to_string())));
        let names = o.nested_each("Checks", "S.", sink, |c, path, _| {
            format!("{}@{path}", c.s("Name"))
        });
        assert_eq!(names, ["a@S.Checks[0].", "b@S.Checks[1]."]);
        assert_eq!(o.nested("Empty", "", sink, |_, _, _| ()), None);
        assert_eq!(o.nested("Absent", "", sink, |_, _, _| ()), None);
        let keys: Vec<&String> = unmodelled.0.keys().collect();
        assert_eq!(keys, ["Group.Update.Later", "S.Checks[0].Later"]);
    }
}
