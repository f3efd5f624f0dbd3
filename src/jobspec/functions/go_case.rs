//! Go's simple case mapping, which go-cty's `upper`, `lower` and `title`
//! are (cty/function/stdlib/string.go at go-cty v1.4.1 to v1.19.0:
//! `strings.ToUpper`, `strings.ToLower`, `strings.Title`): one rune to one
//! rune (unicode/letter.go `to` over `unicode.CaseRanges`), with no
//! special casing and no context. So `upper("straße")` is `STRAßE`, not
//! `STRASSE`; `lower("İ")` is `i`, not `i̇`; `lower("Σ")` is `σ` even at a
//! word's end; `title("ǆ")` is the titlecase `ǅ`. Rust's `to_uppercase`
//! is the full mapping and answers each of these otherwise.
//!
//! The table is Go's (Unicode 13.0.0, [`super::go_case_ranges`]); each
//! Nomad release maps with the tables of the Go it was built with
//! ([`crate::gorelease`]): Go 1.15 holds Unicode 12.0.0, Go 1.16 to 1.20
//! 13.0.0, Go 1.21 to 1.26 15.0.0 (Go's unicode.Version at those
//! releases; golang/go 8ec5a052 "unicode: upgrade to Unicode 13.0.0",
//! golang/go#55079 for 15.0.0). A character whose mapping one of those
//! releases has and Unicode 13.0 has not (or the reverse) is "cannot
//! tell", never a guess.

use super::go_case_ranges::{CASE_RANGES, UPPER_LOWER};
use crate::version::NomadVersion;

/// Which mapping: the index into a `CaseRange`'s deltas.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Case {
    Upper = 0,
    Lower = 1,
    Title = 2,
}

/// unicode.To(case, r) over Go's table.
fn to(case: Case, r: char) -> char {
    let code = r as u32;
    let Ok(i) = CASE_RANGES.binary_search_by(|(lo, hi, _)| {
        if *hi < code {
            std::cmp::Ordering::Less
        } else if *lo > code {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    }) else {
        return r;
    };
    let (lo, _, deltas) = CASE_RANGES[i];
    let delta = deltas[case as usize];
    let mapped = if delta == UPPER_LOWER {
        // An alternating run starts with an upper-case letter: even
        // offsets are upper (and title) case, odd ones lower.
        lo + (((code - lo) & !1) | (case as u32 & 1))
    } else {
        code.wrapping_add_signed(delta)
    };
    char::from_u32(mapped).unwrap_or(r)
}

/// Code points whose case mapping Unicode added after 13.0 (14.0 to
/// 17.0): the characters Rust's own tables (Unicode 17.0.0) map to one
/// other character and Go 1.19's leave alone. Go 1.21 to 1.26 (Unicode
/// 15.0.0) map those of 14.0 (Vithkuqi, U+2C2F, U+A7C0 ...).
const AFTER_13: &[(u32, u32)] = &[
    (0x019B, 0x019B),
    (0x0264, 0x0264),
    (0x1C89, 0x1C8A),
    (0x2C2F, 0x2C2F),
    (0x2C5F, 0x2C5F),
    (0xA7C0, 0xA7C1),
    (0xA7CB, 0xA7DC),
    (0x10570, 0x105BC),
    (0x10D50, 0x10D85),
    (0x16EA0, 0x16ED3),
];

/// The case pairs Unicode 13.0 added (Latin Extended-D: U+A7C7-U+A7CA,
/// U+A7F5-U+A7F6), which Go 1.15's Unicode 12.0.0 tables do not map.
const NEW_IN_13: &[(u32, u32)] = &[(0xA7C7, 0xA7CA), (0xA7F5, 0xA7F6)];

/// The Unicode major version of the Go that built Nomad `v`.
fn unicode_major(v: NomadVersion) -> u32 {
    match crate::gorelease::go_of(v) {
        go if go < (1, 16, 0) => 12,
        go if go < (1, 21, 0) => 13,
        _ => 15,
    }
}

/// The first character of `s` whose mapping under `v`'s Go is not known
/// here.
fn unsure(s: &str, v: NomadVersion) -> Option<char> {
    let major = unicode_major(v);
    let within = |c: char, table: &[(u32, u32)]| {
        table
            .iter()
            .any(|(lo, hi)| (*lo..=*hi).contains(&(c as u32)))
    };
    s.chars()
        .find(|c| (major != 13 && within(*c, AFTER_13)) || (major < 13 && within(*c, NEW_IN_13)))
}

fn cannot_tell(name: &str, c: char, v: NomadVersion) -> String {
    let (a, b, p) = crate::gorelease::go_of(v);
    format!(
        "cannot tell what Nomad {v} makes of {name}() of U+{:04X}: Go {a}.{b}.{p}'s Unicode {}.0 tables map its case otherwise than the Unicode 13.0 tables read here",
        c as u32,
        unicode_major(v)
    )
}

/// strings.ToUpper / strings.ToLower: every rune through unicode.To.
pub(super) fn map(name: &str, s: &str, case: Case, v: NomadVersion) -> Result<String, String> {
    if let Some(c) = unsure(s, v) {
        return Err(cannot_tell(name, c, v));
    }
    Ok(s.chars().map(|c| to(case, c)).collect())
}

/// strings.Title: the titlecase of every rune that follows a separator
/// (the start counts as one). isSeparator (strings/strings.go): an ASCII
/// letter, digit or `_` is none, any other ASCII rune is one; beyond
/// ASCII a letter or digit is none and otherwise only a space
/// (unicode.IsSpace, the stable White_Space set, as `is_whitespace`) is:
/// `title("«ab")` keeps `a`.
pub(super) fn title(s: &str, v: NomadVersion) -> Result<String, String> {
    if let Some(c) = unsure(s, v) {
        return Err(cannot_tell("title", c, v));
    }
    let separator = |r: char| {
        if r.is_ascii() {
            !(r.is_ascii_alphanumeric() || r == '_')
        } else {
            r.is_whitespace()
        }
    };
    let mut prev = ' ';
    Ok(s.chars()
        .map(|c| {
            let out = if separator(prev) {
                to(Case::Title, c)
            } else {
                c
            };
            prev = c;
            out
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: NomadVersion = NomadVersion::new(1, 6, 0);

    /// Go's strings_test.go upperTests/lowerTests (go1.19), and the
    /// characters where the simple mapping is not Rust's full one.
    #[test]
    fn upper_and_lower_as_go_s_tests() {
        let up = |s: &str| map("upper", s, Case::Upper, V).unwrap();
        let low = |s: &str| map("lower", s, Case::Lower, V).unwrap();
        assert_eq!(up(""), "");
        assert_eq!(up("ONLYUPPER"), "ONLYUPPER");
        assert_eq!(up("abc"), "ABC");
        assert_eq!(up("AbC123"), "ABC123");
        assert_eq!(up("azAZ09_"), "AZAZ09_");
        assert_eq!(
            up("longStrinGwitHmixofsmaLLandcAps"),
            "LONGSTRINGWITHMIXOFSMALLANDCAPS"
        );
        assert_eq!(
            up("long\u{0250}string\u{0250}with\u{0250}nonascii\u{2C6F}chars"),
            "LONG\u{2C6F}STRING\u{2C6F}WITH\u{2C6F}NONASCII\u{2C6F}CHARS"
        );
        assert_eq!(
            up("\u{0250}\u{0250}\u{0250}\u{0250}\u{0250}"),
            "\u{2C6F}\u{2C6F}\u{2C6F}\u{2C6F}\u{2C6F}"
        );
        assert_eq!(up("a\u{0080}\u{10FFFF}"), "A\u{0080}\u{10FFFF}");
        assert_eq!(low("AbC123"), "abc123");
        assert_eq!(
            low("longStrinGwitHmixofsmaLLandcAps"),
            "longstringwithmixofsmallandcaps"
        );
        assert_eq!(
            low("LONG\u{2C6F}STRING\u{2C6F}WITH\u{2C6F}NONASCII\u{2C6F}CHARS"),
            "long\u{0250}string\u{0250}with\u{0250}nonascii\u{0250}chars"
        );
        assert_eq!(
            low("\u{2C6D}\u{2C6D}\u{2C6D}\u{2C6D}\u{2C6D}"),
            "\u{0251}\u{0251}\u{0251}\u{0251}\u{0251}"
        );
        // go-cty string_test.go TestUpper/TestLower (v1.12.1).
        for (x, want) in [
            ("hello", "HELLO"),
            ("HELLO", "HELLO"),
            ("", ""),
            ("1", "1"),
            ("жж", "ЖЖ"),
            ("noël", "NOËL"),
            ("baﬄe", "BAﬄE"),
            ("😸😾", "😸😾"),
        ] {
            assert_eq!(up(x), want);
        }
        for (x, want) in [
            ("HELLO", "hello"),
            ("hello", "hello"),
            ("", ""),
            ("1", "1"),
            ("ЖЖ", "жж"),
        ] {
            assert_eq!(low(x), want);
        }
        // Simple, not full, and without context.
        assert_eq!(up("straße"), "STRAßE");
        assert_eq!(low("İSTANBUL"), "istanbul");
        assert_eq!(low("ΟΔΟΣ"), "οδοσ");
        assert_eq!(up("ǆ ﬁ ᾳ"), "Ǆ ﬁ ᾼ");
        // An alternating run (U+0100..U+012F).
        assert_eq!(up("āĂ"), "ĀĂ");
        assert_eq!(low("āĂ"), "āă");
    }

    /// Go's strings_test.go TitleTests (go1.19).
    #[test]
    fn title_as_go_s_tests() {
        let t = |s: &str| title(s, V).unwrap();
        assert_eq!(t(""), "");
        assert_eq!(t("a"), "A");
        assert_eq!(t(" aaa aaa aaa "), " Aaa Aaa Aaa ");
        assert_eq!(t(" Aaa Aaa Aaa "), " Aaa Aaa Aaa ");
        assert_eq!(t("123a456"), "123a456");
        assert_eq!(t("double-blind"), "Double-Blind");
        assert_eq!(t("ÿøû"), "Ÿøû");
        assert_eq!(t("with_underscore"), "With_underscore");
        assert_eq!(
            t("unicode \u{2028} line separator"),
            "Unicode \u{2028} Line Separator"
        );
        // Titlecase, and non-ASCII punctuation is no separator.
        assert_eq!(t("ǆemal ǉ"), "ǅemal ǈ");
        assert_eq!(t("«ab» cd"), "«ab» Cd");
        assert_eq!(t("a\u{2003}b"), "A\u{2003}B");
    }

    /// Vithkuqi (Unicode 14.0) is mapped by Go 1.21 on, not by Go 1.19's
    /// tables; Latin Extended-D's 13.0 pairs not by Go 1.15's.
    #[test]
    fn characters_of_other_unicode_releases_are_cannot_tell() {
        let vithkuqi = "\u{10570}";
        assert_eq!(
            map("upper", vithkuqi, Case::Lower, NomadVersion::new(1, 3, 9)),
            Ok(vithkuqi.to_string())
        );
        let e = map("lower", vithkuqi, Case::Lower, NomadVersion::new(2, 0, 5)).unwrap_err();
        assert!(e.starts_with("cannot tell what Nomad 2.0.5 makes of lower() of U+10570: Go 1.26.5's Unicode 15.0"), "{e}");
        assert_eq!(
            map("upper", "\u{A7C8}", Case::Upper, NomadVersion::new(1, 6, 0)),
            Ok("\u{A7C7}".to_string())
        );
        assert!(map("upper", "\u{A7C8}", Case::Upper, NomadVersion::new(1, 0, 0)).is_err());
    }
}
