//! Lenient accessors over Nomad API JSON: a missing or mistyped field reads
//! as Go's zero value, as the Go client's decoding would leave it.

use std::collections::BTreeMap;

use serde_json::Value;

pub(crate) fn s(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}
pub(crate) fn i(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or(0)
}
pub(crate) fn b(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}
pub(crate) fn strs(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
pub(crate) fn smap(v: &Value, key: &str) -> BTreeMap<String, String> {
    v.get(key)
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, x)| x.as_str().map(|x| (k.clone(), x.to_string())))
                .collect()
        })
        .unwrap_or_default()
}
/// A nested path such as `NodeResources.Cpu.CpuShares`.
pub(crate) fn path<'v>(v: &'v Value, keys: &[&str]) -> Option<&'v Value> {
    keys.iter().try_fold(v, |acc, k| acc.get(k))
}
pub(crate) fn path_i(v: &Value, keys: &[&str]) -> Option<i64> {
    path(v, keys).and_then(Value::as_i64)
}
