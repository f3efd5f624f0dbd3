//! From 1.0, the words jobspec2's decoders use for a value of the wrong
//! type, per decoder (checked against tests/hcl-oracle/gohcl.go at the hcl
//! and go-cty versions Nomad pins):
//!
//! - gohcl (most fields: hcl gohcl/decode.go DecodeExpression):
//!   `Unsuitable value type; Unsuitable value: <go-cty's convert error>`,
//!   at the expression's StartRange;
//! - hcldec (the attributes of `constraint` and `affinity`, jobspec2's
//!   hcl_conversions.go specs; hcl hcldec/spec.go AttrSpec):
//!   `Incorrect attribute value type; Inappropriate value for attribute
//!   "NAME": <convert error>.`, at the whole expression;
//! - jobspec2's duration decoder (hcl_conversions.go decodeDuration):
//!   `Unsuitable duration value: <time.ParseDuration's error>` for a string,
//!   `Unsuitable value: expected a string but found <the cty.Type as Go's
//!   %s prints it>` for anything but a string or a number.
//!
//! go-cty's convert error is functions::mismatch (cty_convert.rs), which
//! names a collection as a literal's type (tuple, object). Where the text
//! would name the type of a collection that is not written literally (a
//! function's list, a variable's map) it is not guessed: the caller's own
//! words stand.

use super::fields::Cx;
use super::functions::params::{cty_release, Ty};
use super::functions::{friendly_name, mismatch};
use super::model::{Duration, Value};
use super::start_range::start_range;
use super::tree::Attr;

/// Which of jobspec2's decoders reads an attribute.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Reader {
    #[default]
    Gohcl,
    Hcldec,
}

/// Summaries that mark a diagnostic as one of jobspec2's decoding errors
/// (render/job_file_error.rs joins them as jobspec2's decode does).
pub const GOHCL: &str = "Unsuitable value type; ";
pub const HCLDEC: &str = "Incorrect attribute value type; ";

/// Whether `a`'s value converts to `want` as go-cty converts it; if not,
/// reports it in the decoder's words (or, where those are not known, in
/// ours, through `ours`) and returns false. Only from 1.0.
pub fn converts(cx: &mut Cx<'_>, a: &Attr, want: &Ty, reader: Reader, ours: &str) -> bool {
    let Some(why) = mismatch(&a.value, want, cty_release(cx.version)) else {
        return true;
    };
    if names_unwritten_type(&why, &cx.src.text, a) {
        cx.type_error(a, ours);
        return false;
    }
    match reader {
        Reader::Gohcl => gohcl_error(cx, a, &format!("Unsuitable value: {why}"), ours),
        Reader::Hcldec => cx.error(
            "jobspec::type",
            a.value_span,
            format!(
                "{HCLDEC}Inappropriate value for attribute \"{}\": {why}.",
                a.name
            ),
            "wrong type",
            &format!("give \"{}\" a {ours}", a.name),
        ),
    }
    false
}

/// gohcl's summary and `detail` at the expression's StartRange; our own
/// words where that range is not known.
pub fn gohcl_error(cx: &mut Cx<'_>, a: &Attr, detail: &str, ours: &str) {
    match start_range(&cx.src.text, a.value_span) {
        Some(span) => cx.error(
            "jobspec::type",
            span,
            format!("{GOHCL}{detail}"),
            "wrong type",
            &format!("give \"{}\" a {ours}", a.name),
        ),
        None => cx.type_error(a, ours),
    }
}

/// A map-of-strings field (`meta`, `env`) written as an argument, as
/// gohcl's DecodeExpression into map[string]string words it (jobspec2's
/// decodeAsAttribute): go-cty's conversion to a map of string, then
/// gocty's refusal of a null element. True when it converts. Of several
/// elements of the wrong type Go's map order names one: our words then.
pub fn map_converts(cx: &mut Cx<'_>, a: &Attr) -> bool {
    let cty = cty_release(cx.version);
    let why = match &a.value {
        Value::Null => return true,
        Value::Map(m) => {
            let bad: Vec<(&String, &Value)> = m
                .iter()
                .filter(|(_, v)| matches!(v, Value::List(_) | Value::Map(_)))
                .collect();
            match bad.as_slice() {
                [] if m.values().any(|v| matches!(v, Value::Null)) => {
                    "null value is not allowed".to_string()
                }
                [] => return true,
                [(k, v)] => match mismatch(v, &Ty::String, cty) {
                    Some(m) => format!("element {k:?}: {m}"),
                    None => return true,
                },
                _ => {
                    cx.type_error(a, "map of strings");
                    return false;
                }
            }
        }
        // mismatchMessageCollectionsFromStructural: no type named.
        Value::List(_) => "map of string required".to_string(),
        v if cty.at_least(1, 16, 3) => {
            format!("map of string required, but have {}", friendly_name(v))
        }
        _ => "map of string required".to_string(),
    };
    refuse(cx, a, &why, "map of strings");
    false
}

/// An element of a map-of-strings field written as a block (`meta { k =
/// v }`): gohcl's decodeBodyToMap decodes each attribute into a string.
pub fn map_element_converts(cx: &mut Cx<'_>, a: &Attr) -> bool {
    let why = match &a.value {
        Value::Null => "null value is not allowed".to_string(),
        v @ (Value::List(_) | Value::Map(_)) => {
            match mismatch(v, &Ty::String, cty_release(cx.version)) {
                Some(m) => m,
                None => return true,
            }
        }
        _ => return true,
    };
    refuse(cx, a, &why, "string");
    false
}

/// gohcl's words for `why`, unless they name a type the value may not
/// have (not written literally): ours then.
fn refuse(cx: &mut Cx<'_>, a: &Attr, why: &str, ours: &str) {
    if names_unwritten_type(why, &cx.src.text, a) {
        cx.type_error(a, ours);
    } else {
        gohcl_error(cx, a, &format!("Unsuitable value: {why}"), ours);
    }
}

/// The first release of each line whose decodeDuration refuses a null.
const NIL_DURATION_REFUSED: [crate::version::NomadVersion; 2] = [
    crate::version::NomadVersion::new(1, 9, 7),
    crate::version::NomadVersion::new(1, 10, 0),
];

/// A duration as jobspec2's decoder reads it (hcl_conversions.go
/// decodeDuration): a Go duration string, or a whole number of nanoseconds.
pub fn hcl2_duration(cx: &mut Cx<'_>, a: &Attr) -> Option<Duration> {
    match &a.value {
        // decodeDuration refuses a null from 1.9.7 and 1.10.0 (#25294,
        // hcl_conversions.go): before, a null leaves the field unset.
        Value::Null if cx.version.has_since(&NIL_DURATION_REFUSED) => {
            let span = start_range(&cx.src.text, a.value_span).unwrap_or(a.value_span);
            cx.error(
                "jobspec::type",
                span,
                "Unsuitable value; Unsuitable duration value: nil".into(),
                "null",
                "give a duration such as \"30s\", or leave the argument out",
            );
            None
        }
        // Before, decodeDuration reads a null string with AsString, which
        // panics ("Avoid panics by checking null values on durations"), and
        // words a null of no type with Go's %s of a cty.Type: not known.
        Value::Null => {
            cx.error(
                super::HCL2_UNREAD,
                a.value_span,
                format!("cannot tell what Nomad {} makes of `{} = null`: its decodeDuration (before 1.9.7 and 1.10.0, #25294) panics on a null string and words a null of no type with Go's %s of a cty type", cx.version, a.name),
                "null duration",
                "give a duration such as \"30s\", or leave the argument out",
            );
            None
        }
        Value::String(s) => match super::duration::parse(s) {
            Ok(d) => Some(d),
            Err(m) => {
                duration_parse_error(cx, a, &m);
                None
            }
        },
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e18 => Some(Duration(*n as i64)),
        Value::Number(_) => {
            super::lower::not_whole(cx, a);
            None
        }
        _ => {
            duration_type_error(cx, a);
            None
        }
    }
}

/// A duration string time.ParseDuration refuses (`m`, Go's words), in
/// decodeDuration's words; ours where the string's start is not known.
pub fn duration_parse_error(cx: &mut Cx<'_>, a: &Attr, m: &str) {
    let (msg, span) = match start_range(&cx.src.text, a.value_span) {
        Some(span) => (format!("{GOHCL}Unsuitable duration value: {m}"), span),
        None => (
            format!("Invalid duration for \"{}\": {m}", a.name),
            a.value_span,
        ),
    };
    cx.error(
        "jobspec::type",
        span,
        msg,
        "not a duration",
        "use Go duration syntax such as \"30s\", \"5m\" or \"1h30m\"",
    );
}

/// A duration field's value that is neither a string nor a number, in
/// decodeDuration's words; ours where the type's Go form is not known.
pub fn duration_type_error(cx: &mut Cx<'_>, a: &Attr) {
    let cty = cty_release(cx.version);
    match literal(&cx.src.text, a).then(|| go_type(&a.value, cty.at_least(1, 7, 0))) {
        Some(Some(t)) => gohcl_error(
            cx,
            a,
            &format!("Unsuitable value: expected a string but found {t}"),
            "duration string",
        ),
        _ => cx.type_error(a, "duration string"),
    }
}

/// Does `why` name the type of a collection (`but have tuple`, an element
/// that is one) that the expression does not write literally? Then a list,
/// set or map would be named otherwise, and the text is not known.
fn names_unwritten_type(why: &str, text: &str, a: &Attr) -> bool {
    let names = why.contains("have tuple") || why.contains("have object");
    names && !literal(text, a)
}

/// Is the value written as a literal collection, with no call or variable
/// whose result could be a list, set or map rather than a tuple or object?
fn literal(text: &str, a: &Attr) -> bool {
    let Some(s) = text.get(a.value_span.start..a.value_span.end) else {
        return false;
    };
    let t = s.trim_start();
    let collection = t.starts_with('[') || t.starts_with('{');
    let primitive = !matches!(a.value, Value::List(_) | Value::Map(_));
    (primitive || collection) && !s.contains('(') && !s.contains("var.") && !s.contains("local.")
}

/// A value's cty type as Go's `%s` prints the struct (cty.Type has no
/// String method): `{{{} %!s(cty.primitiveTypeKind=66)}}` for bool. From
/// go-cty 1.7 an object type also holds its optional attributes (`map[]`).
/// None for a null (its type is not known here).
fn go_type(v: &Value, optional_attrs: bool) -> Option<String> {
    let prim = |kind: u8| format!("{{{{{{}} %!s(cty.primitiveTypeKind={kind})}}}}");
    Some(match v {
        Value::Bool(_) => prim(b'B'),
        Value::Number(_) | Value::Int(_) => prim(b'N'),
        Value::String(_) => prim(b'S'),
        Value::Null => return None,
        Value::List(items) => {
            let inner: Option<Vec<String>> =
                items.iter().map(|i| go_type(i, optional_attrs)).collect();
            format!("{{{{{{}} [{}]}}}}", inner?.join(" "))
        }
        Value::Map(m) => {
            // Go's fmt prints a map's keys sorted, as a BTreeMap holds them.
            let inner: Option<Vec<String>> = m
                .iter()
                .map(|(k, v)| go_type(v, optional_attrs).map(|t| format!("{k}:{t}")))
                .collect();
            let extra = if optional_attrs { " map[]" } else { "" };
            format!("{{{{{{}} map[{}]{extra}}}}}", inner?.join(" "))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn go_prints_cty_types_as_structs() {
        // tests/hcl-oracle/gohcl.go, `dur_x = [true, 1, "a"]` and
        // `dur_x = {b = true, a = "x"}` (go-cty 1.4.1, then 1.12.1).
        let t = Value::List(vec![
            Value::Bool(true),
            Value::Number(1.0),
            Value::String("a".into()),
        ]);
        assert_eq!(
            go_type(&t, true).as_deref(),
            Some("{{{} [{{{} %!s(cty.primitiveTypeKind=66)}} {{{} %!s(cty.primitiveTypeKind=78)}} {{{} %!s(cty.primitiveTypeKind=83)}}]}}")
        );
        let mut m = BTreeMap::new();
        m.insert("b".to_string(), Value::Bool(true));
        m.insert("a".to_string(), Value::String("x".into()));
        let o = Value::Map(m);
        assert_eq!(
            go_type(&o, false).as_deref(),
            Some("{{{} map[a:{{{} %!s(cty.primitiveTypeKind=83)}} b:{{{} %!s(cty.primitiveTypeKind=66)}}]}}")
        );
        assert_eq!(
            go_type(&o, true).as_deref(),
            Some("{{{} map[a:{{{} %!s(cty.primitiveTypeKind=83)}} b:{{{} %!s(cty.primitiveTypeKind=66)}}] map[]}}")
        );
        assert_eq!(
            go_type(&Value::List(vec![]), true).as_deref(),
            Some("{{{} []}}")
        );
        assert_eq!(go_type(&Value::Null, true), None);
    }
}
