//! [`Value`]'s two serialised forms. In a human-readable format (JSON
//! reports) a value is written as it is, untagged: `null`, `true`, `2`,
//! `"x"`, a list, a map. The job-load cache's format (postcard) is not
//! self-describing, so an untagged value could not be read back; there the
//! variant is written first.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Value;

/// The tagged form, borrowing the value being written.
#[derive(Serialize)]
enum TaggedRef<'a> {
    Null,
    Bool(bool),
    Number(f64),
    Int(i64),
    String(&'a str),
    List(&'a [Value]),
    Map(&'a BTreeMap<String, Value>),
}

/// The tagged form, read back.
#[derive(Deserialize)]
enum Tagged {
    Null,
    Bool(bool),
    Number(f64),
    Int(i64),
    String(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return match self {
                Value::Null => s.serialize_unit(),
                Value::Bool(b) => s.serialize_bool(*b),
                Value::Number(n) => s.serialize_f64(*n),
                Value::Int(n) => s.serialize_i64(*n),
                Value::String(v) => s.serialize_str(v),
                Value::List(v) => v.serialize(s),
                Value::Map(m) => m.serialize(s),
            };
        }
        match self {
            Value::Null => TaggedRef::Null,
            Value::Bool(b) => TaggedRef::Bool(*b),
            Value::Number(n) => TaggedRef::Number(*n),
            Value::Int(n) => TaggedRef::Int(*n),
            Value::String(v) => TaggedRef::String(v),
            Value::List(v) => TaggedRef::List(v),
            Value::Map(m) => TaggedRef::Map(m),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Value {
    /// Only the tagged form is read: nothing reads values back from JSON.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            return Err(serde::de::Error::custom(
                "a job value is read back only from the job-load cache",
            ));
        }
        Ok(match Tagged::deserialize(d)? {
            Tagged::Null => Value::Null,
            Tagged::Bool(b) => Value::Bool(b),
            Tagged::Number(n) => Value::Number(n),
            Tagged::Int(n) => Value::Int(n),
            Tagged::String(v) => Value::String(v),
            Tagged::List(v) => Value::List(v),
            Tagged::Map(m) => Value::Map(m),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        let mut m = BTreeMap::new();
        m.insert("n".to_string(), Value::Number(2.5));
        m.insert("none".to_string(), Value::Null);
        Value::List(vec![
            Value::Bool(true),
            Value::String("x".into()),
            Value::Map(m),
        ])
    }

    /// JSON keeps the untagged form reports have always printed.
    #[test]
    fn json_writes_values_as_they_are() {
        let json = serde_json::to_string(&sample()).unwrap();
        assert_eq!(json, r#"[true,"x",{"n":2.5,"none":null}]"#);
    }

    /// The cache's format reads back every variant, nested.
    #[test]
    fn the_cache_format_reads_back_every_variant() {
        let bytes = postcard::to_stdvec(&sample()).unwrap();
        let back: Value = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, sample());
        let null = postcard::to_stdvec(&Value::Null).unwrap();
        assert_eq!(postcard::from_bytes::<Value>(&null).unwrap(), Value::Null);
    }
}
