//! go-cty's strings are NFC-normalised on entry: `cty.StringVal` is
//! `String: NormalizeString(v)`, `norm.NFC.String` (go-cty
//! cty/value_init.go:97-113 at v1.4.1 and v1.12.1, Nomad 1.0.0's and
//! 1.6.0's; v1.19.0, 2.0.5's, the same), and so are an object's
//! attribute names and a map's keys (ObjectVal, MapVal). Every string a
//! jobspec2 evaluation yields is one: a literal and a template
//! (hclsyntax's TemplateExpr and LiteralValueExpr build it with
//! StringVal), a function's result, a variable's value, `file()`'s
//! contents. So `"café"` written with U+00E9 and with `e` + U+0301 are
//! the same job from 1.0; HCL1 (before) keeps the bytes, and so do block
//! labels and a world's node attributes (not cty values).
//!
//! The maintained `unicode-normalization` crate (already built for
//! gix-utils, so nothing new is fetched) gives NFC. Its tables follow a
//! newer Unicode than the golang.org/x/text Nomad vendors (v0.3.3 at
//! 1.0.0, v0.8.0 at 1.6.0, v0.40.0 at 2.0.5): the two agree on every
//! character those tables know (Unicode's normalization stability); a
//! combining mark assigned since may compose or reorder here and not in
//! Nomad.

use std::collections::BTreeMap;

use unicode_normalization::{is_nfc, UnicodeNormalization};

use super::{Scope, Value};

impl Scope<'_> {
    /// From 1.0 a string as `cty.StringVal` holds it; HCL1 keeps the
    /// bytes.
    pub(super) fn nfc(&self, s: String) -> String {
        if self.hcl1.is_none() {
            nfc_string(s)
        } else {
            s
        }
    }

    /// [`Scope::nfc`] of every string and key in `v` (a function's
    /// result is a cty value).
    pub(super) fn nfc_value(&self, v: Value) -> Value {
        if self.hcl1.is_none() {
            nfc_value(v)
        } else {
            v
        }
    }
}

/// `s` in NFC, as `cty.StringVal` holds it.
pub fn nfc_string(s: String) -> String {
    if s.is_ascii() || is_nfc(&s) {
        s
    } else {
        s.nfc().collect()
    }
}

/// `v` with every string and key in NFC (a value made by go-cty).
pub fn nfc_value(v: Value) -> Value {
    match v {
        Value::String(s) => Value::String(nfc_string(s)),
        Value::List(items) => Value::List(items.into_iter().map(nfc_value).collect()),
        Value::Map(m) => Value::Map(
            m.into_iter()
                .map(|(k, v)| (nfc_string(k), nfc_value(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_strings_and_keys_compose() {
        let decomposed = "cafe\u{301}".to_string();
        assert_eq!(nfc_string(decomposed.clone()), "caf\u{e9}");
        assert_eq!(nfc_string("plain".into()), "plain");
        let v = Value::Map(BTreeMap::from([(
            decomposed.clone(),
            Value::List(vec![Value::String(decomposed), Value::Number(1.0)]),
        )]));
        let want = Value::Map(BTreeMap::from([(
            "caf\u{e9}".to_string(),
            Value::List(vec![Value::String("caf\u{e9}".into()), Value::Number(1.0)]),
        )]));
        assert_eq!(nfc_value(v), want);
        // Hangul jamo compose too (norm.NFC composes them algorithmically).
        assert_eq!(nfc_string("\u{1100}\u{1161}".into()), "\u{ac00}");
    }
}
