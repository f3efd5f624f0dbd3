//! Grapheme clusters as go-cty's `substr`, `strrev` (and Nomad's
//! `reverse`, the same stdlib.ReverseFunc) and `strlen` count them:
//! `textseg.ScanGraphemeClusters` (cty/function/stdlib/string.go at
//! go-cty v1.4.1 to v1.19.0), so `strrev("éa")` keeps `e` + U+0301
//! together and `strlen("🇫🇷")` is 1.
//!
//! go-textseg follows one Unicode release per major version: go-cty
//! v1.4.1 (Nomad 1.0.0-1.0.5) pins textseg v12, v1.8.0 to v1.13.x v13,
//! v1.16.0 to v1.18.1 v15 (each tag's go.mod); v1.19.0 (2.0.5) picks by
//! build tag, v15 below go1.27 and v17 from it, and 2.0.5 is Go 1.26.5:
//! v15 (cty/internal/graphemes, read as `super::params::cty_release`
//! says). The `unicode-segmentation` crate follows Unicode 17.0, whose
//! rules add GB9c (Indic conjuncts, 15.1) and
//! whose tables give new characters their properties. So the clusters are
//! answered only for text whose characters' Grapheme_Cluster_Break
//! properties are the same in every release from 12.0 to 17.0 and meet
//! no rule added since ([`stable`]: Latin, Greek, Cyrillic, their
//! combining marks, punctuation, symbols, CJK, kana, Hangul, emoji);
//! anything else is "cannot tell".

use unicode_segmentation::UnicodeSegmentation;

use crate::version::NomadVersion;

/// Blocks whose characters' cluster properties and rules have not
/// changed from Unicode 12.0 to 17.0 (Extended_Pictographic has covered
/// the emoji blocks, reserved code points too, since 11.0; GB9c's
/// conjunct consonants are all outside them).
const STABLE: &[(u32, u32)] = &[
    (0x0000, 0x052F),   // ASCII to Cyrillic Supplement, combining marks
    (0x1100, 0x11FF),   // Hangul Jamo
    (0x1E00, 0x1FFF),   // Latin Extended Additional, Greek Extended
    (0x2000, 0x27BF),   // punctuation, symbols, dingbats
    (0x3000, 0x30FF),   // CJK punctuation, kana
    (0x4E00, 0x9FFF),   // CJK unified ideographs
    (0xAC00, 0xD7A3),   // Hangul syllables
    (0xFE00, 0xFE0F),   // variation selectors
    (0xFE20, 0xFE2F),   // combining half marks
    (0xFB00, 0xFB4F),   // alphabetic presentation forms (ligatures)
    (0xFF00, 0xFFEF),   // half- and full-width forms
    (0x1F000, 0x1FAFF), // emoji, regional indicators, modifiers
    (0xE0020, 0xE007F), // tags
];

/// Whether `c`'s clusters are the same under every go-textseg Nomad pins.
fn stable(c: char) -> bool {
    STABLE
        .iter()
        .any(|(lo, hi)| (*lo..=*hi).contains(&(c as u32)))
}

/// The grapheme clusters of `s` as go-cty `v`'s Nomad splits them, or the
/// "cannot tell" of `name` at the first character that may split
/// otherwise.
pub(super) fn clusters<'a>(
    name: &str,
    s: &'a str,
    v: NomadVersion,
) -> Result<Vec<&'a str>, String> {
    if let Some(c) = s.chars().find(|c| !stable(*c)) {
        let cty = super::params::cty_release(v);
        return Err(format!(
            "cannot tell what Nomad {v} makes of {name}() of text with U+{:04X}: go-cty {}.{}.{} splits grapheme clusters with go-textseg's tables of an older Unicode release, which nomad-preflight follows only for common scripts",
            c as u32, cty.major, cty.minor, cty.patch
        ));
    }
    charge_segmentation(s)?;
    if s.is_ascii() {
        return Ok(ascii_clusters(s).collect());
    }
    Ok(s.graphemes(true).collect())
}

/// How many grapheme clusters [`clusters`] finds, without listing them.
pub(super) fn count(name: &str, s: &str, v: NomadVersion) -> Result<usize, String> {
    if s.is_ascii() {
        // Every ASCII character is a cluster of its own but CR LF (GB3).
        return Ok(s.len() - s.matches("\r\n").count());
    }
    clusters(name, s, v).map(|c| c.len())
}

/// ASCII text's clusters: each character alone, CR LF together (GB3, the
/// only rule that joins two ASCII characters).
fn ascii_clusters(s: &str) -> impl Iterator<Item = &str> {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let start = i;
        if start >= b.len() {
            return None;
        }
        i += if b[start] == b'\r' && b.get(start + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        s.get(start..i)
    })
}

/// Listing clusters costs a slice (16 bytes) per cluster, and segmenting
/// non-ASCII text is slow: both are charged to the evaluation budget as
/// 16 bytes per byte of text, before the work (redteam9 R9-9).
fn charge_segmentation(s: &str) -> Result<(), String> {
    crate::jobspec::budget::charge_text(s.len().saturating_mul(16))
}

/// go-cty's SubstrFunc over clusters, quirks included: a negative offset
/// counts from the end (and, still negative, from the start), a length
/// of 0 is empty only for an offset that was not negative (a negative
/// one takes the rest, as a negative length does).
pub(super) fn substr(parts: &[&str], offset: i64, length: i64) -> String {
    let total = parts.len() as i64;
    let offset = if offset < 0 {
        offset.saturating_add(total)
    } else if length == 0 {
        return String::new();
    } else {
        offset
    };
    let start = if offset > 0 {
        if offset > total {
            return String::new();
        }
        offset as usize
    } else {
        0
    };
    let rest = &parts[start..];
    let take = if length <= 0 {
        rest.len()
    } else {
        (length as usize).min(rest.len())
    };
    rest[..take].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: NomadVersion = NomadVersion::new(1, 6, 0);

    fn sub(s: &str, offset: i64, length: i64) -> String {
        substr(&clusters("substr", s, V).unwrap(), offset, length)
    }

    /// go-cty cty/function/stdlib/string_test.go TestSubstr (v1.12.1).
    #[test]
    fn ascii_clusters_are_its_characters_but_cr_lf() {
        let v = NomadVersion::new(1, 7, 2);
        for text in ["", "a", "ab\r\nc", "\r\r\n\n", "x\r"] {
            let want: Vec<&str> = text.graphemes(true).collect();
            assert_eq!(ascii_clusters(text).collect::<Vec<_>>(), want, "{text:?}");
            assert_eq!(count("strlen", text, v), Ok(want.len()), "{text:?}");
        }
    }

    #[test]
    fn substr_as_go_cty_s_tests() {
        let w = "we\u{301}\u{301}e\u{301}\u{301}e\u{301}\u{301}!";
        let cases: &[(&str, i64, i64, &str)] = &[
            ("hello", 0, 2, "he"),
            ("hello", 1, 3, "ell"),
            ("hello", 1, -1, "ello"),
            ("hello", 1, -10, "ello"),
            ("hello", 1, 10, "ello"),
            ("hello", -3, -1, "llo"),
            ("hello", -3, 2, "ll"),
            ("hello", 10, 10, ""),
            ("hello", 0, 0, ""),
            ("noël", 0, 3, "noë"),
            ("noël", 3, -1, "l"),
            (w, 2, 2, "e\u{301}\u{301}e\u{301}\u{301}"),
            (w, 3, 2, "e\u{301}\u{301}!"),
            (w, -2, -1, "e\u{301}\u{301}!"),
            ("noël", -2, -1, "ël"),
            ("😸😾", 0, 1, "😸"),
            ("😸😾", 1, 1, "😾"),
        ];
        for (s, o, l, want) in cases {
            assert_eq!(sub(s, *o, *l), *want, "substr({s:?}, {o}, {l})");
        }
        // A negative offset with length 0 takes the rest (no short cut).
        assert_eq!(sub("abcd", -2, 0), "cd");
        assert_eq!(sub("abc", -5, 2), "ab");
        // e + U+0301 is one cluster.
        assert_eq!(sub("cafe\u{301}s", 3, 1), "e\u{301}");
    }

    /// TestReverse and TestStrlen (v1.12.1).
    #[test]
    fn reverse_and_strlen_as_go_cty_s_tests() {
        let w = "we\u{301}\u{301}e\u{301}\u{301}e\u{301}\u{301}!";
        let rev = |s: &str| -> String {
            clusters("strrev", s, V)
                .unwrap()
                .into_iter()
                .rev()
                .collect()
        };
        assert_eq!(rev("hello"), "olleh");
        assert_eq!(rev(""), "");
        assert_eq!(rev("1"), "1");
        assert_eq!(rev("Живой Журнал"), "ланруЖ йовиЖ");
        assert_eq!(rev("noël"), "lëon");
        assert_eq!(rev(w), "!e\u{301}\u{301}e\u{301}\u{301}e\u{301}\u{301}w");
        assert_eq!(rev("baﬄe"), "eﬄab");
        assert_eq!(rev("😸😾"), "😾😸");
        assert_eq!(rev("cafe\u{301}"), "e\u{301}fac");
        let len = |s: &str| clusters("strlen", s, V).unwrap().len();
        let lens = [
            ("hello", 5),
            ("", 0),
            ("1", 1),
            ("Живой Журнал", 12),
            ("noël", 4),
            (w, 5),
            ("baﬄe", 4),
            ("😸😾", 2),
        ];
        for (s, n) in lens {
            assert_eq!(len(s), n, "{s}");
        }
        assert_eq!(len("🇫🇷"), 1);
        assert_eq!(len("👩\u{200d}👩\u{200d}👧"), 1);
    }

    #[test]
    fn other_scripts_are_cannot_tell() {
        // Devanagari: GB9c (Unicode 15.1) joins what go-textseg v15 splits.
        let e = clusters("strlen", "क्षि", NomadVersion::new(2, 0, 5)).unwrap_err();
        assert!(
            e.starts_with("cannot tell what Nomad 2.0.5 makes of strlen() of text with U+0915"),
            "{e}"
        );
    }
}
