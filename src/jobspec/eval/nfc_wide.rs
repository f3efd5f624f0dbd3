//! golang.org/x/text's NFC composes a pair by a map keyed on both code
//! points cut to 16 bits (unicode/norm/forminfo.go `combine`: `key :=
//! uint32(uint16(a))<<16 + uint32(uint16(b))`, unchanged from v0.3.3 to
//! v0.40.0, every x/text Nomad 1.0.0 to 2.0.5 vendors). So a
//! supplementary-plane starter followed by a mark that may compose
//! composes as its low 16 bits would: U+10065 U+0301 is U+00E9 in Nomad
//! (checked with x/text's 13.0.0 tables, Go 1.19), and stays two code
//! points here. Likewise a mark beyond U+FFFF may meet a pair of its
//! low 16 bits. Where the string could meet that path (a code point past
//! U+FFFF and, in the run x/text composes together, one whose NFC quick
//! check is not Yes), what Nomad holds is not known: "cannot tell". The
//! test is broader than x/text's exact path (its blocking, its own
//! starters), never narrower.

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfc_quick, IsNormalized};

/// A character x/text may compose with what precedes it (NFC_QC not
/// Yes: Maybe, or No and so decomposed first).
fn may_compose(c: char) -> bool {
    !c.is_ascii() && is_nfc_quick(std::iter::once(c)) != IsNormalized::Yes
}

/// The first (wide code point, code point x/text may compose with it)
/// where one of the two is past U+FFFF, or None.
pub fn first_truncated(s: &str) -> Option<(char, char)> {
    // `open`: a code point past U+FFFF since the last starter below it
    // (x/text may start a composition at it); `last`: the last starter.
    let mut open: Option<char> = None;
    let mut last: Option<char> = None;
    for c in s.chars() {
        let wide = c as u32 > 0xFFFF;
        if may_compose(c) {
            if let Some(w) = open {
                return Some((w, c));
            }
            if let (true, Some(l)) = (wide, last) {
                return Some((l, c));
            }
        }
        let starter = canonical_combining_class(c) == 0;
        if wide && (starter || open.is_none()) {
            open = Some(c);
        } else if starter {
            open = None;
        }
        if starter || wide {
            last = Some(c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wide_starter_before_a_mark_is_found() {
        assert_eq!(
            first_truncated("\u{10065}\u{301}"),
            Some(('\u{10065}', '\u{301}'))
        );
        assert_eq!(
            first_truncated("x\u{10065}\u{323}\u{301}"),
            Some(('\u{10065}', '\u{323}'))
        );
        // A mark past U+FFFF after a BMP starter: U+1099 U+110BA is
        // U+1109A's key cut to 16 bits.
        assert_eq!(
            first_truncated("\u{1099}\u{110BA}"),
            Some(('\u{1099}', '\u{110BA}'))
        );
    }

    #[test]
    fn ordinary_strings_are_not() {
        assert_eq!(first_truncated("cafe\u{301}"), None);
        assert_eq!(first_truncated("\u{1F389} caf\u{e9}"), None);
        // A BMP starter between the wide one and the mark ends its run.
        assert_eq!(first_truncated("\u{1F389}e\u{301}"), None);
        assert_eq!(first_truncated("\u{1109A}"), None);
    }
}
