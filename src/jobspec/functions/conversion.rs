//! Type conversion functions: `tostring`, `tonumber`, `tobool`, `tolist`,
//! `tomap`.

use super::*;

pub(super) fn call(_env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    match name {
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
        "tobool" => match arg(a, 0)? {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            Value::String(x) if x == "true" => Ok(Value::Bool(true)),
            Value::String(x) if x == "false" => Ok(Value::Bool(false)),
            Value::Null => Ok(Value::Null),
            other => Err(format!("cannot convert {} to bool", type_name(other)).into()),
        },
        _ => Err(Miss::Skip),
    }
}
