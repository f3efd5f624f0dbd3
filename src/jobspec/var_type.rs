//! A variable's `type` as jobspec2 reads it (typeexpr), enough to
//! convert `-var` texts and to refuse values of the wrong shape; the
//! exact go-cty conversion is var_convert.rs's.

use std::collections::BTreeMap;

use hcl_edit::expr::Expression;

use super::eval::type_name;
use super::model::Value;

/// A variable's `type` constraint, enough to convert CLI strings and to
/// reject values of the wrong shape.
#[derive(Debug, Clone, PartialEq)]
pub enum VarType {
    Any,
    String,
    Number,
    Bool,
    List(Box<VarType>),
    /// A cty set: converted values are deduplicated and in go-cty's order
    /// (functions::as_set).
    Set(Box<VarType>),
    Map(Box<VarType>),
    Object(BTreeMap<String, VarType>),
}

impl VarType {
    /// A type expression (`string`, `list(number)`, `object({...})`), as a
    /// variable's `type` or `convert`'s second argument takes it.
    pub(super) fn parse(e: &Expression) -> Option<VarType> {
        match e {
            Expression::Variable(v) => Some(match v.as_str() {
                "string" => VarType::String,
                "number" => VarType::Number,
                "bool" => VarType::Bool,
                "any" => VarType::Any,
                _ => return None,
            }),
            Expression::FuncCall(f) => {
                let first = f.args.iter().next();
                match f.name.name.as_str() {
                    "list" => Some(VarType::List(Box::new(VarType::parse(first?)?))),
                    "set" => Some(VarType::Set(Box::new(VarType::parse(first?)?))),
                    "map" => Some(VarType::Map(Box::new(VarType::parse(first?)?))),
                    "tuple" => Some(VarType::List(Box::new(VarType::Any))),
                    "object" => {
                        let mut fields = BTreeMap::new();
                        if let Some(Expression::Object(o)) = first {
                            for (k, v) in o.iter() {
                                let key = match k {
                                    hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                                    hcl_edit::expr::ObjectKey::Expression(e) => {
                                        e.as_str()?.to_string()
                                    }
                                };
                                fields.insert(key, VarType::parse(v.expr())?);
                            }
                        }
                        Some(VarType::Object(fields))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// cty's `FriendlyName` of the type: `list of string`, `map of number`.
    pub(super) fn friendly(&self) -> String {
        match self {
            VarType::Any => "any type".into(),
            VarType::List(t) => format!("list of {}", t.friendly()),
            VarType::Set(t) => format!("set of {}", t.friendly()),
            VarType::Map(t) => format!("map of {}", t.friendly()),
            other => other.describe(),
        }
    }

    pub(super) fn describe(&self) -> String {
        match self {
            VarType::Any => "any".into(),
            VarType::String => "string".into(),
            VarType::Number => "number".into(),
            VarType::Bool => "bool".into(),
            VarType::List(t) => format!("list({})", t.describe()),
            VarType::Set(t) => format!("set({})", t.describe()),
            VarType::Map(t) => format!("map({})", t.describe()),
            VarType::Object(_) => "object".into(),
        }
    }

    /// The "cannot tell" text when `v` converted to this type holds a set
    /// whose order is go-cty's hash order (functions::as_set).
    pub fn set_order_unknown(&self, v: &Value) -> Option<String> {
        let converted = self.convert(v.clone()).ok()?;
        unknown_order(self, &converted)
    }

    /// HCL's type conversion: primitives convert through strings.
    pub fn convert(&self, v: Value) -> Result<Value, String> {
        let fail = |v: &Value| {
            Err(format!(
                "{} required, got {}",
                self.describe(),
                type_name(v)
            ))
        };
        match (self, v) {
            (VarType::Any, v) | (_, v @ Value::Null) => Ok(v),
            (VarType::String, Value::String(s)) => Ok(Value::String(s)),
            (VarType::String, Value::Number(n)) => Ok(Value::String(super::eval::fmt_number(n))),
            (VarType::String, Value::Bool(b)) => Ok(Value::String(b.to_string())),
            (VarType::Number, Value::Number(n)) => Ok(Value::Number(n)),
            (VarType::Number, Value::String(s)) => match s.trim().parse() {
                Ok(n) => Ok(Value::Number(n)),
                Err(_) => Err(format!("a number is required, got \"{s}\"")),
            },
            (VarType::Bool, Value::Bool(b)) => Ok(Value::Bool(b)),
            (VarType::Bool, Value::String(s)) if s == "true" || s == "false" => {
                Ok(Value::Bool(s == "true"))
            }
            (VarType::List(t), Value::List(l)) => l
                .into_iter()
                .map(|x| t.convert(x))
                .collect::<Result<_, _>>()
                .map(Value::List),
            (VarType::Set(t), Value::List(l)) => {
                let l = l
                    .into_iter()
                    .map(|x| t.convert(x))
                    .collect::<Result<Vec<_>, _>>()?;
                // Where go-cty's order is its hash order the caller asks
                // set_order_unknown first; here the file's order stands.
                Ok(Value::List(
                    super::functions::as_set(l.clone()).unwrap_or(l),
                ))
            }
            (VarType::Map(t), Value::Map(m)) => m
                .into_iter()
                .map(|(k, x)| t.convert(x).map(|x| (k, x)))
                .collect::<Result<_, _>>()
                .map(Value::Map),
            (VarType::Object(fields), Value::Map(mut m)) => {
                for (k, t) in fields {
                    let x = m.remove(k).unwrap_or(Value::Null);
                    m.insert(k.clone(), t.convert(x)?);
                }
                Ok(Value::Map(m))
            }
            (_, v) => fail(&v),
        }
    }
}

/// Walks a converted value with its type: any set in it whose order
/// go-cty takes from hashes.
fn unknown_order(ty: &VarType, v: &Value) -> Option<String> {
    match (ty, v) {
        (VarType::Set(t), Value::List(l)) => super::functions::as_set(l.clone())
            .err()
            .or_else(|| l.iter().find_map(|x| unknown_order(t, x))),
        (VarType::List(t), Value::List(l)) => l.iter().find_map(|x| unknown_order(t, x)),
        (VarType::Map(t), Value::Map(m)) => m.values().find_map(|x| unknown_order(t, x)),
        (VarType::Object(f), Value::Map(m)) => f
            .iter()
            .find_map(|(k, t)| m.get(k).and_then(|x| unknown_order(t, x))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_conversion_follows_hcl() {
        assert_eq!(
            VarType::Number.convert(Value::String("3".into())),
            Ok(Value::Number(3.0))
        );
        assert_eq!(
            VarType::String.convert(Value::Bool(true)),
            Ok(Value::String("true".into()))
        );
        assert!(VarType::Number.convert(Value::String("x".into())).is_err());
        let list = VarType::List(Box::new(VarType::String));
        assert_eq!(
            list.convert(Value::List(vec![Value::Number(1.0)])),
            Ok(Value::List(vec![Value::String("1".into())]))
        );
        assert!(list.convert(Value::String("a".into())).is_err());
    }
}
