//! Numbers Nomad's job parsers store in the api's narrow fields: an
//! affinity's and a spread's `weight` (`*int8`) and a spread target's
//! `percent` (`uint8`). Whether an out-of-range number is refused or
//! silently wrapped depends on the decoder that reads it, never on
//! Job.Validate, which only ever sees the narrowed value:
//!
//! - HCL1 (before 1.0): jobspec/parse.go decodes each block into a map and
//!   then with `mapstructure.WeakDecode`, whose decodeInt / decodeUint call
//!   `reflect.Value.SetInt` / `SetUint` on the narrow field: the number is
//!   truncated and wraps (`weight = 500` is -12), every tag 0.9.0–0.12.12
//!   (vendored mapstructure, then v1.3.1).
//! - HCL2 (1.0+), affinity: jobspec2/hcl_conversions.go decodeAffinity reads
//!   `weight` as a cty number and stores `int8(w)` of `AsBigFloat().Int64()`:
//!   truncated toward zero, saturated at int64, then wrapped (1.0.0–2.0.5).
//! - HCL2 (1.0+), spread and its targets: gohcl's DecodeExpression into the
//!   struct field; gocty.FromCtyValue refuses what does not fit
//!   (go-cty cty/gocty/out.go fromCtyNumberInt / fromCtyNumberUInt, the same
//!   text from v1.4.1 to v1.19.0), and gohcl words it as
//!   `Unsuitable value type; Unsuitable value: value must be a whole number,
//!   between -128 and 127` with the expression's StartRange as its subject
//!   (hcl gohcl/decode.go, the same in 68a97f93bb48 and v2.20.2-nomad-1).

use super::*;
use crate::jobspec::eval::to_number;
use crate::jobspec::functions::params::Ty;
use crate::jobspec::model::Value;
use crate::jobspec::start_range::start_range;

/// The api field's Go type.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Width {
    Int8,
    Uint8,
    /// Go's `int` on amd64: most of the api's numbers.
    Int64,
}

/// Which decoder of the version reads the field (see the module comment):
/// HCL2's affinity decoder (hcldec) truncates and wraps, never refuses;
/// gohcl refuses what does not fit.
pub(super) use crate::jobspec::decode_type::Reader;

/// The narrowed value of `name`, as the version's decoder stores it, or
/// None when it is not written or not a number (reported).
pub(super) fn narrow(
    f: &mut F<'_>,
    cx: &mut Cx<'_>,
    name: &'static str,
    width: Width,
    hcl2: Reader,
) -> Option<i64> {
    let a = f.attr(name)?;
    if matches!(a.value, Value::Null) {
        return None;
    }
    let hcl1 = !cx.hcl2();
    if !hcl1 && !crate::jobspec::decode_type::converts(cx, a, &Ty::Number, hcl2, "number") {
        return None;
    }
    if let (true, Value::String(s)) = (hcl1, &a.value) {
        // mapstructure's weak decoding: strconv.ParseInt / ParseUint with
        // base 0 and the field's width.
        let go = crate::gorelease::go_of(cx.version);
        let read = match width {
            Width::Uint8 => crate::gostrconv::parse_uint(s, 8, go).map(|n| n as i64),
            Width::Int8 => crate::gostrconv::parse_int(s, 8, go),
            Width::Int64 => crate::gostrconv::parse_int(s, 64, go),
        };
        return match read {
            Ok(v) => {
                f.spans.set(name, a.span);
                Some(v)
            }
            Err(crate::gostrconv::NumErr::Range) => {
                out_of_range(cx, a, width, false);
                None
            }
            Err(crate::gostrconv::NumErr::Syntax) => {
                cx.type_error(a, "number");
                None
            }
        };
    }
    let Some(n) = to_number(&a.value) else {
        cx.type_error(a, "number");
        return None;
    };
    let v = if hcl1 {
        wrap(go_amd64_int64(n), width)
    } else {
        match hcl2 {
            Reader::Hcldec => wrap(big_float_int64(n), width),
            Reader::Gohcl => match fits(n, width) {
                Some(v) => v,
                None => {
                    out_of_range(cx, a, width, true);
                    return None;
                }
            },
        }
    };
    f.spans.set(name, a.span);
    Some(v)
}

/// gocty's check: a whole number within the width.
fn fits(n: f64, width: Width) -> Option<i64> {
    let (lo, hi) = bounds(width);
    (n.fract() == 0.0 && n >= lo as f64 && n <= hi as f64).then_some(n as i64)
}

fn bounds(width: Width) -> (i64, i64) {
    match width {
        Width::Int8 => (i8::MIN.into(), i8::MAX.into()),
        Width::Uint8 => (0, u8::MAX.into()),
        Width::Int64 => (i64::MIN, i64::MAX),
    }
}

/// Go's `int8(x)` / `uint8(x)` of an int64: the low byte.
fn wrap(n: i64, width: Width) -> i64 {
    match width {
        Width::Int8 => i64::from(n as i8),
        Width::Uint8 => i64::from(n as u8),
        Width::Int64 => n,
    }
}

/// big.Float.Int64: truncated toward zero, saturated at int64's bounds.
fn big_float_int64(n: f64) -> i64 {
    n.trunc() as i64
}

/// Go's `int64(f)` on amd64 (CVTTSD2SQ): truncated toward zero; outside
/// int64 (or NaN) the "integer indefinite" value, MinInt64.
pub(in crate::jobspec) fn go_amd64_int64(n: f64) -> i64 {
    let t = n.trunc();
    if t >= -(2f64.powi(63)) && t < 2f64.powi(63) {
        t as i64
    } else {
        i64::MIN
    }
}

/// From 1.0, an int field given a number with a fraction (`count = 2.5`):
/// gohcl's FromCtyValue refuses it (an `int` is 64 bits on amd64).
pub(in crate::jobspec) fn not_whole(cx: &mut Cx<'_>, a: &crate::jobspec::tree::Attr) {
    out_of_range(cx, a, Width::Int64, true);
}

fn out_of_range(cx: &mut Cx<'_>, a: &crate::jobspec::tree::Attr, width: Width, hcl2: bool) {
    let (lo, hi) = bounds(width);
    let detail = match width {
        Width::Int8 | Width::Int64 => {
            format!("value must be a whole number, between {lo} and {hi}")
        }
        Width::Uint8 => format!("value must be a whole number, between 0 and {hi} inclusive"),
    };
    // hclsyntax's words need the expression's StartRange; where we cannot
    // find it the text stays ours, never a guessed range.
    let start = if hcl2 {
        start_range(&cx.src.text, a.value_span)
    } else {
        None
    };
    let (msg, span) = match start {
        Some(span) => (
            format!("Unsuitable value type; Unsuitable value: {detail}"),
            span,
        ),
        None => (
            format!("\"{}\" does not fit the field: {detail}", a.name),
            a.value_span,
        ),
    };
    let help = match width {
        Width::Int8 => "Nomad stores this in 8 bits; use a whole number from -100 to 100",
        Width::Uint8 => "Nomad stores this in 8 bits; use a whole number from 0 to 100",
        Width::Int64 => "Nomad stores this as a whole number",
    };
    cx.error("jobspec::type", span, msg, "out of range", help);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_conversions_wrap_as_amd64_does() {
        // int8(500) == -12, int8(256) == 0, uint8(-1) == 255 (Go spec:
        // integer conversions keep the low bits).
        assert_eq!(wrap(500, Width::Int8), -12);
        assert_eq!(wrap(256, Width::Int8), 0);
        assert_eq!(wrap(-1, Width::Uint8), 255);
        assert_eq!(wrap(300, Width::Uint8), 44);
        assert_eq!(go_amd64_int64(5.9), 5);
        assert_eq!(go_amd64_int64(-5.9), -5);
        assert_eq!(go_amd64_int64(1e30), i64::MIN);
        assert_eq!(big_float_int64(1e30), i64::MAX);
        assert_eq!(wrap(big_float_int64(1e30), Width::Int8), -1);
    }

    #[test]
    fn gocty_refuses_fractions_and_out_of_range() {
        assert_eq!(fits(127.0, Width::Int8), Some(127));
        assert_eq!(fits(128.0, Width::Int8), None);
        assert_eq!(fits(-128.0, Width::Int8), Some(-128));
        assert_eq!(fits(5.5, Width::Int8), None);
        assert_eq!(fits(-1.0, Width::Uint8), None);
        assert_eq!(fits(255.0, Width::Uint8), Some(255));
    }
}
