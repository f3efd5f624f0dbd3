//! go-cty's strings are NFC-normalised on entry: `cty.StringVal` is
//! `String: NormalizeString(v)`, `norm.NFC.String` (go-cty
//! cty/value_init.go:97-113 at v1.4.1 and v1.12.1, Nomad 1.0.0's and
//! 1.6.0's; v1.19.0, 2.0.5's, the same: read from a vendored copy,
//! functions::params::cty_release), and so are an object's
//! attribute names and a map's keys (ObjectVal, MapVal). Every string a
//! jobspec2 evaluation yields is one: a literal and a template
//! (hclsyntax's TemplateExpr and LiteralValueExpr build it with
//! StringVal), a function's result, a variable's value, `file()`'s
//! contents. So `"café"` written with U+00E9 and with `e` + U+0301 are
//! the same job from 1.0; HCL1 (before) keeps the bytes, and so do block
//! labels and a world's node attributes (not cty values).
//!
//! The maintained `unicode-normalization` crate (already built for
//! gix-utils, so nothing new is fetched) gives NFC. Its tables are
//! Unicode 18.0.0's, newer than the golang.org/x/text tables Nomad
//! normalises with (12.0.0 to 15.0.0: [`super::nfc_age`]). Where a string
//! holds only code points both know, the two agree (Unicode's
//! normalization stability). Where it holds one x/text's tables do not
//! know and ours normalise ([`nfc_age::first_unknown`]), the rule is:
//!
//! - if our NFC leaves the string as it is, so does Nomad's. x/text reads
//!   an unknown code point as an inert starter (class 0, no
//!   decomposition, composing with nothing), which splits the string into
//!   runs of known code points. Our NFC keeping the string means no run
//!   holds a decomposable character out of its composed form, an
//!   out-of-order mark, or a pair that composes, judged with properties
//!   that are the old tables' for known code points (stability); an inert
//!   starter only blocks more, and never reorders or composes: Nomad's
//!   NFC keeps the string too.
//! - if our NFC changes it, the new code point may compose, reorder or
//!   decompose here and not in Nomad (U+11382 U+113C9 compose to U+11383
//!   from Unicode 16; x/text 15.0.0 keeps the pair): a distinct string
//!   here could be one string there, or the reverse. That is "cannot
//!   tell" ([`Unknown`], `jobspec::nfc-cannot-tell`), never a guess.
//!
//! x/text also keys its compositions on 16 bits of each code point, so a
//! code point past U+FFFF next to a mark may compose in Nomad as no
//! table says ([`super::nfc_wide`]): that too is "cannot tell", whether
//! or not our NFC changes the string. The rule was checked against
//! x/text's own NFC (its 13.0.0 tables, built by Go 1.19): 600,000 random
//! strings of old and new marks, starters and wide code points, none
//! where we answer and Nomad's x/text gives another string.

use std::collections::BTreeMap;

use unicode_normalization::{is_nfc, UnicodeNormalization};

use super::nfc_age::{self, Unicode};
use super::{EvalError, Scope, Span, Value};
use crate::version::NomadVersion;

/// The code of a string whose NFC Nomad's tables may not give.
pub const NFC_CANNOT_TELL: &str = "jobspec::nfc-cannot-tell";

const HELP: &str = "write the string in NFC (composed) form, or without characters newer than the Unicode of Nomad's tables, or judge the file on the cluster";

impl Scope<'_> {
    /// From 1.0 a string as `cty.StringVal` holds it; HCL1 keeps the
    /// bytes. `sp` is where a "cannot tell" points.
    pub(super) fn nfc(&self, s: String, sp: Span) -> Result<String, EvalError> {
        if self.hcl1.is_none() {
            nfc_checked(s, self.fns.version).map_err(|u| u.error(sp))
        } else {
            Ok(s)
        }
    }

    /// [`Scope::nfc`] of every string and key in `v` (a function's
    /// result is a cty value).
    pub(super) fn nfc_value(&self, v: Value, sp: Span) -> Result<Value, EvalError> {
        if self.hcl1.is_none() {
            nfc_value_checked(v, self.fns.version).map_err(|u| u.error(sp))
        } else {
            Ok(v)
        }
    }
}

/// A string whose NFC by Nomad `version`'s x/text is not known here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    pub version: NomadVersion,
    pub cause: Cause,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// It holds `char`, which Nomad's tables (`tables`) do not know, and
    /// our NFC changes it.
    Newer {
        char: char,
        first_known: Unicode,
        tables: Unicode,
    },
    /// x/text may compose `wide` and `mark` by their low 16 bits
    /// ([`super::nfc_wide`]).
    Wide { wide: char, mark: char },
}

impl Unknown {
    /// The one line `plan` and `validate` say.
    pub fn reason(&self) -> String {
        format!(
            "cannot tell what Nomad {} makes of this string: {}",
            self.version,
            self.why("it")
        )
    }

    /// Why, of the string called `it`.
    pub fn why(&self, it: &str) -> String {
        match self.cause {
            Cause::Newer {
                char,
                first_known,
                tables,
            } => format!(
                "{it} holds U+{:04X}, assigned after Unicode {}, which the Unicode {} tables Nomad {} normalises strings with (go-cty, golang.org/x/text) do not know, and NFC by nomad-preflight's Unicode {} tables changes the string",
                char as u32,
                first_known.before().name(),
                tables.name(),
                self.version,
                Unicode::U18.name()
            ),
            Cause::Wide { wide, mark } => format!(
                "{it} holds U+{:04X} followed by U+{:04X}, which the NFC of golang.org/x/text (Nomad {}'s go-cty) may compose as the code points' low 16 bits would (its combine cuts them to 16 bits), and nomad-preflight does not follow",
                wide as u32,
                mark as u32,
                self.version
            ),
        }
    }

    pub fn error(&self, sp: Span) -> EvalError {
        EvalError {
            code: NFC_CANNOT_TELL,
            ..EvalError::new(sp, self.reason(), HELP)
        }
    }
}

/// `s` in NFC as Nomad `v`'s go-cty holds it, or [`Unknown`].
pub fn nfc_checked(s: String, v: NomadVersion) -> Result<String, Unknown> {
    if s.is_ascii() {
        return Ok(s);
    }
    let kept = is_nfc(&s);
    let tables = nfc_age::tables_of(v);
    // A code point Nomad's tables lack first: the plainer reason.
    if let (false, Some((char, first_known))) = (kept, nfc_age::first_unknown(&s, tables)) {
        return Err(Unknown {
            version: v,
            cause: Cause::Newer {
                char,
                first_known,
                tables,
            },
        });
    }
    // Kept by our NFC or not, x/text's 16-bit keys may compose it.
    if let Some((wide, mark)) = super::nfc_wide::first_truncated(&s) {
        return Err(Unknown {
            version: v,
            cause: Cause::Wide { wide, mark },
        });
    }
    Ok(if kept { s } else { s.nfc().collect() })
}

/// [`nfc_checked`] of every string and key in `v`.
pub fn nfc_value_checked(v: Value, version: NomadVersion) -> Result<Value, Unknown> {
    Ok(match v {
        Value::String(s) => Value::String(nfc_checked(s, version)?),
        Value::List(items) => Value::List(
            items
                .into_iter()
                .map(|x| nfc_value_checked(x, version))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(m) => Value::Map(
            m.into_iter()
                .map(|(k, x)| Ok((nfc_checked(k, version)?, nfc_value_checked(x, version)?)))
                .collect::<Result<BTreeMap<_, _>, Unknown>>()?,
        ),
        other => other,
    })
}

/// `s` in NFC, as `cty.StringVal` holds it.
pub fn nfc_string(s: String) -> String {
    if s.is_ascii() || is_nfc(&s) {
        s
    } else {
        s.nfc().collect()
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
        assert_eq!(nfc_value_checked(v, NomadVersion::new(2, 0, 5)), Ok(want));
        // Hangul jamo compose too (norm.NFC composes them algorithmically).
        assert_eq!(nfc_string("\u{1100}\u{1161}".into()), "\u{ac00}");
    }

    #[test]
    fn a_change_holding_a_code_point_new_to_nomad_s_tables_cannot_tell() {
        let v205 = NomadVersion::new(2, 0, 5);
        // Composes here (Unicode 16), not in x/text 15.0.0.
        let u = nfc_checked("\u{11382}\u{113C9}".into(), v205).unwrap_err();
        assert_eq!(
            u.cause,
            Cause::Newer {
                char: '\u{11382}',
                first_known: Unicode::U16,
                tables: Unicode::U15
            }
        );
        assert!(u
            .reason()
            .contains("U+11382, assigned after Unicode 15.0.0"));
        // Already NFC here: kept, as Nomad keeps it.
        assert_eq!(
            nfc_checked("\u{11383}".into(), v205).as_deref(),
            Ok("\u{11383}")
        );
        // Old characters only: our NFC is Nomad's.
        assert_eq!(
            nfc_checked("cafe\u{301}".into(), v205).as_deref(),
            Ok("caf\u{e9}")
        );
        // A key of a function's result too.
        let m = Value::Map(BTreeMap::from([(
            "\u{11382}\u{113C9}".to_string(),
            Value::Null,
        )]));
        assert!(nfc_value_checked(m, v205).is_err());
        // Known to 13.0.0 (1.6.0), not to 12.0.0 (1.0.0).
        let s = "e\u{301}\u{1ABF}";
        assert_eq!(
            nfc_checked(s.into(), NomadVersion::new(1, 6, 0)).as_deref(),
            Ok("\u{e9}\u{1ABF}")
        );
        assert!(nfc_checked(s.into(), NomadVersion::new(1, 0, 0)).is_err());
    }
}
