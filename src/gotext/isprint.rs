//! Go's `unicode.IsPrint`, which decides what `strconv.Quote` (`%q`)
//! prints raw and what it escapes as `\u....`. Its tables follow the
//! Unicode edition of the Go release that built each Nomad, so a character
//! added to Unicode after that edition is escaped by that Nomad and printed
//! by a newer one. strconv keeps tables of its own (isprint.go), and Go's
//! strconv tests hold them equal to `unicode.IsPrint` for every rune.
//!
//! The data is generated (`gen_isprint.mjs`, from the Unicode Character
//! Database) into `isprint_table.rs`. Checked when generated: re-packed the
//! way Go's makeisprint packs them, the 10.0.0 and 12.0.0 sets give Go's
//! own isprint.go sizes for those editions, `(456+140+86)*2 + (396)*4` and
//! `(442+132+90)*2 + (450)*4`, with the same last exceptions.

use crate::gorelease::GoRelease;
use crate::version::NomadVersion;

/// A Unicode edition some Go release's `unicode` package carried, oldest
/// first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unicode {
    /// 10.0.0: Go 1.10 to 1.12.
    U10,
    /// 11.0.0: Go 1.13.
    U11,
    /// 12.0.0: Go 1.14 and 1.15.
    U12,
    /// 13.0.0: Go 1.16 to 1.20.
    U13,
    /// 15.0.0: Go 1.21 to 1.26.
    U15,
    /// 17.0.0: Go 1.27.
    U17,
}

impl Unicode {
    /// The edition of Go `go`'s unicode package. Each changed in a minor
    /// release (the release notes, and `unicode.Version` at each:
    /// golang/go#27945 for 11, CL 204658 for 12, CL 248765 for 13,
    /// golang/go#55079 for 15, golang/go#77266 for 17), never in a patch.
    pub fn of_go(go: GoRelease) -> Unicode {
        match go {
            (1, ..=12, _) | (0, ..) => Unicode::U10,
            (1, 13, _) => Unicode::U11,
            (1, 14..=15, _) => Unicode::U12,
            (1, 16..=20, _) => Unicode::U13,
            (1, 21..=26, _) => Unicode::U15,
            _ => Unicode::U17,
        }
    }

    /// The edition of the Go that built `nomad`.
    pub fn of_nomad(nomad: NomadVersion) -> Unicode {
        Unicode::of_go(crate::gorelease::go_of(nomad))
    }
}

/// Does Go's `unicode.IsPrint` of edition `edition` hold for `c`: a letter,
/// mark, number, punctuation or symbol, or the ASCII space?
pub fn is_print(c: char, edition: Unicode) -> bool {
    let c = c as u32;
    // The ASCII answer is the same in every edition, and most text is ASCII.
    if c < 0x80 {
        return (0x20..0x7f).contains(&c);
    }
    let table = super::isprint_table::PRINTABLE;
    let i = table.partition_point(|&(first, _, _)| first <= c);
    i.checked_sub(1)
        .and_then(|i| table.get(i))
        .is_some_and(|&(_, last, since)| c <= last && since <= edition)
}

#[cfg(test)]
mod tests {
    use super::Unicode::*;
    use super::*;

    #[test]
    fn the_table_is_ordered_and_disjoint() {
        let t = super::super::isprint_table::PRINTABLE;
        assert!(t.iter().all(|(a, b, _)| a <= b));
        assert!(t.windows(2).all(|w| w[0].1 < w[1].0));
    }

    #[test]
    fn categories_go_rejects_are_escaped_in_every_edition() {
        for e in [U10, U11, U12, U13, U15, U17] {
            for c in [
                '\u{0}',
                '\u{1f}',
                '\u{7f}',
                '\u{85}',
                '\u{a0}',
                '\u{ad}',
                '\u{200b}',
                '\u{2028}',
                '\u{202e}',
                '\u{3000}',
                '\u{e000}',
                '\u{feff}',
                '\u{f0000}',
                '\u{10ffff}',
                '\u{378}',
                '\u{e0001}',
            ] {
                assert!(!is_print(c, e), "{:x} in {e:?}", c as u32);
            }
            for c in [
                ' ',
                'a',
                '~',
                '¡',
                'é',
                '✓',
                '中',
                '\u{301}',
                '€',
                '\u{1f600}',
            ] {
                assert!(is_print(c, e), "{:x} in {e:?}", c as u32);
            }
        }
    }

    #[test]
    fn each_edition_adds_characters() {
        // A character first assigned in each edition (UnicodeData.txt's
        // DerivedAge): printable from it on, escaped before it.
        let firsts = [
            ('\u{9fef}', U11),  // CJK ideograph, 11.0
            ('\u{1fa70}', U12), // ballet shoes, 12.0
            ('\u{1fad6}', U13), // teapot, 13.0
            ('\u{1fae0}', U15), // melting face, 14.0 (Go went 13 → 15)
            ('\u{1fa8f}', U17), // 16.0, escaped until Go 1.27
        ];
        let all = [U10, U11, U12, U13, U15, U17];
        for (c, from) in firsts {
            for e in all {
                assert_eq!(is_print(c, e), e >= from, "{:x} in {e:?}", c as u32);
            }
        }
    }

    #[test]
    fn go_releases_map_to_their_editions() {
        assert_eq!(Unicode::of_go((1, 11, 6)), U10);
        assert_eq!(Unicode::of_go((1, 12, 17)), U10);
        assert_eq!(Unicode::of_go((1, 13, 0)), U11);
        assert_eq!(Unicode::of_go((1, 14, 1)), U12);
        assert_eq!(Unicode::of_go((1, 15, 15)), U12);
        assert_eq!(Unicode::of_go((1, 16, 4)), U13);
        assert_eq!(Unicode::of_go((1, 20, 5)), U13);
        assert_eq!(Unicode::of_go((1, 21, 0)), U15);
        assert_eq!(Unicode::of_go((1, 26, 5)), U15);
        assert_eq!(Unicode::of_go((1, 27, 0)), U17);
        let v = NomadVersion::new;
        // Nomad's own steps: 0.10 (Go 1.12) to 0.11 (Go 1.14) skipped 11.
        assert_eq!(Unicode::of_nomad(v(0, 10, 5)), U10);
        assert_eq!(Unicode::of_nomad(v(0, 11, 0)), U12);
        assert_eq!(Unicode::of_nomad(v(1, 0, 14)), U12);
        assert_eq!(Unicode::of_nomad(v(1, 0, 15)), U13);
        assert_eq!(Unicode::of_nomad(v(1, 4, 12)), U13);
        assert_eq!(Unicode::of_nomad(v(1, 4, 13)), U15);
        assert_eq!(Unicode::of_nomad(v(2, 0, 5)), U15);
    }
}
