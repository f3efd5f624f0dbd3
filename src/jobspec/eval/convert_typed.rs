//! `convert(value, type)` where the type is structural (`object({...})`,
//! `tuple([...])`) or a collection of `any` (`list(any)`, `set(any)`,
//! `map(any)`): go-cty's conversion (cty/convert, typeexpr.ConvertFunc),
//! which VarType does not follow. An object keeps only the attributes
//! the type names (conversion_object.go, `if !exists { continue }`) and
//! needs every one of them; a tuple converts element by element at its
//! own length; a tuple given for `list(any)` or `set(any)`, an object for
//! `map(any)`, has its element types unified first (unify.rs), so
//! `convert([1, "a"], list(any))` is `["1", "a"]` (redteam7 D4; answers
//! checked with an oracle built from go-cty 1.12.1 and 1.16.3).

use hcl_edit::expr::Expression;

use super::*;
use crate::jobspec::functions::params::cty_release;
use crate::jobspec::functions::unify::{tuple_element, unify, Unified};
use crate::jobspec::var_convert::{self, Exact, Why};

/// The kind of a collection-of-`any` target.
#[derive(Clone, Copy)]
enum AnyOf {
    List,
    Set,
    Map,
}

impl Scope<'_> {
    /// The converted value when this conversion is go-cty's own here;
    /// None to leave it to VarType (primitives, collections of a given
    /// element type).
    pub(super) fn convert_typed(
        &self,
        value: &Expression,
        v: &Value,
        ty: &Expression,
        sp: Span,
    ) -> Option<R> {
        let cty = cty_release(self.fns.version);
        let invalid = |m: &str| -> Fail {
            hcl_error(
                self.start_range(value),
                "Invalid function argument",
                format!("Invalid value for \"value\" parameter: {m}."),
                "",
            )
            .into()
        };
        let cannot_tell = || -> Fail {
            EvalError {
                code: functions::FUNCTION_CANNOT_TELL,
                ..EvalError::new(
                    sp,
                    "cannot tell what go-cty makes of this convert(): the value's type, or the words of its error, are not known to nomad-preflight",
                    "",
                )
            }
            .into()
        };
        if let Some(want) = Exact::of_type(ty).filter(structural) {
            return Some(match var_convert::convert(v, &want, cty) {
                Ok(v) => Ok(v),
                Err(Why::Words(m)) => Err(invalid(&m)),
                Err(Why::Order(m)) => Err(EvalError {
                    code: functions::FUNCTION_CANNOT_TELL,
                    ..EvalError::new(sp, m, "")
                }
                .into()),
                Err(_) => Err(cannot_tell()),
            });
        }
        let kind = any_of(ty)?;
        let noun = match kind {
            AnyOf::List => "list",
            AnyOf::Set => "set",
            AnyOf::Map => "map",
        };
        let etys: Vec<Exact> = match (self.arg_type(value, v).ty(), v) {
            (Some(Exact::Tuple(e)), Value::List(_)) if !matches!(kind, AnyOf::Map) => e.clone(),
            (Some(Exact::Object(a)), Value::Map(_)) if matches!(kind, AnyOf::Map) => {
                a.values().cloned().collect()
            }
            // A list, set or map already, or not the kind wanted:
            // VarType's conversion and words.
            (Some(_), _) => return None,
            (None, Value::List(_) | Value::Map(_)) => return Some(Err(cannot_tell())),
            (None, _) => return None,
        };
        let elem = match kind {
            AnyOf::Map if etys.is_empty() => Some(Exact::Dynamic),
            AnyOf::Map => match unify(&etys, cty) {
                Unified::To(Exact::Dynamic) if etys.iter().any(|t| *t != Exact::Dynamic) => {
                    return Some(Err(cannot_tell()))
                }
                Unified::To(t) => Some(t),
                Unified::Fails => None,
                Unified::CannotTell => return Some(Err(cannot_tell())),
            },
            _ => match tuple_element(&etys, cty) {
                Unified::To(e) => Some(e),
                Unified::Fails => None,
                Unified::CannotTell => return Some(Err(cannot_tell())),
            },
        };
        let Some(elem) = elem else {
            return Some(Err(invalid(&format!(
                "all {noun} elements must have the same type"
            ))));
        };
        let want = match kind {
            AnyOf::List => Exact::List(Box::new(elem)),
            AnyOf::Set => Exact::Set(Box::new(elem)),
            AnyOf::Map => Exact::Map(Box::new(elem)),
        };
        Some(match var_convert::convert(v, &want, cty) {
            Ok(v) => Ok(v),
            Err(Why::Words(m)) => Err(invalid(&m)),
            Err(Why::Order(m)) => Err(EvalError {
                code: functions::FUNCTION_CANNOT_TELL,
                ..EvalError::new(sp, m, "")
            }
            .into()),
            Err(_) => Err(cannot_tell()),
        })
    }
}

/// A type with an object or a tuple in it.
fn structural(t: &Exact) -> bool {
    match t {
        Exact::Object(_) | Exact::Tuple(_) => true,
        Exact::List(e) | Exact::Set(e) | Exact::Map(e) => structural(e),
        _ => false,
    }
}

/// `list(any)`, `set(any)`, `map(any)`.
fn any_of(ty: &Expression) -> Option<AnyOf> {
    let Expression::FuncCall(f) = ty else {
        return None;
    };
    let [Expression::Variable(arg)] = f.args.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    if arg.as_str() != "any" {
        return None;
    }
    match f.name.name.as_str() {
        "list" => Some(AnyOf::List),
        "set" => Some(AnyOf::Set),
        "map" => Some(AnyOf::Map),
        _ => None,
    }
}
