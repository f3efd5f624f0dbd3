//! `convert(value, type)` (HCL's `typeexpr.ConvertFunc`): its second
//! argument is a type expression, not a value, so the evaluator reads it
//! (see `eval::access`) and hands the parsed type here.

use super::*;
use crate::jobspec::vars::VarType;

/// Convert `v` to `ty` as cty's `convert.Convert` does, with its error text:
/// `a number is required` / `a bool is required` for strings that do not
/// parse, else `<type> required` (`MismatchMessage`).
pub fn convert(v: Value, ty: &VarType) -> Res {
    let cty_text = |v: &Value| match (ty, v) {
        (VarType::Number, Value::String(_)) => "a number is required".to_string(),
        (VarType::Bool, Value::String(_)) => "a bool is required".to_string(),
        _ => format!("{} required", ty.friendly()),
    };
    ty.convert(v.clone())
        .map_err(|_| format!("Invalid value for \"value\" parameter: {}", cty_text(&v)))
}
