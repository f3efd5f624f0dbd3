//! cty's JSON encoding (go-cty cty/json/marshal.go), as `jsonencode`
//! and `format`'s `%v` of a collection and `%#v` write it (split from
//! format.rs for its size).

use super::model::Value;

/// Go's `json.Marshal` of a string: HTML-sensitive characters escaped too.
pub(super) fn quote(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// go-cty's refusal of an infinity (cty/json/marshal.go, case cty.Number,
/// the same at every go-cty Nomad 1.0+ pins: v1.4.1 through v1.18):
/// `1/0` and YAML's `.inf` are numbers JSON has no spelling for.
pub const JSON_INFINITY: &str = "cannot serialize infinity as JSON";

/// cty's JSON encoding: numbers as their exact decimal text (`1`, not
/// `1.0`), object keys sorted, no spaces. Err is go-cty's error for an
/// infinity anywhere in the value ([`JSON_INFINITY`]): Go's encoder
/// never writes `null` for one.
pub fn cty_json(v: &Value) -> Result<String, String> {
    Ok(match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if n.is_finite() => n.to_string(),
        Value::Number(_) => return Err(JSON_INFINITY.into()),
        Value::Int(n) => n.to_string(),
        Value::String(s) => quote(s),
        Value::List(l) => {
            let items: Result<Vec<String>, String> = l.iter().map(cty_json).collect();
            format!("[{}]", items?.join(","))
        }
        Value::Map(m) => {
            let items: Result<Vec<String>, String> = m
                .iter()
                .map(|(k, v)| Ok(format!("{}:{}", quote(k), cty_json(v)?)))
                .collect();
            format!("{{{}}}", items?.join(","))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// rt15c's go-cty oracle: jsonencode(1/0) and jsonencode({a = -1/0})
    /// both fail with marshal.go's words.
    #[test]
    fn an_infinity_anywhere_is_gos_error() {
        let inf = Value::Number(f64::INFINITY);
        assert_eq!(cty_json(&inf), Err(JSON_INFINITY.into()));
        let nested = Value::Map(BTreeMap::from([(
            "a".to_string(),
            Value::List(vec![Value::Number(1.0), Value::Number(f64::NEG_INFINITY)]),
        )]));
        assert_eq!(cty_json(&nested), Err(JSON_INFINITY.into()));
        let fine = Value::Map(BTreeMap::from([("a".to_string(), Value::Number(1e21))]));
        assert_eq!(cty_json(&fine), Ok("{\"a\":1000000000000000000000}".into()));
    }
}
