//! Which Unicode the normalisation tables of each Nomad release know,
//! and the code points that matter for NFC and are newer than them.
//!
//! go-cty's `NormalizeString` is golang.org/x/text's `norm.NFC`, whose
//! tables a build tag picks by the Go release (unicode/norm/tables*.go):
//! in x/text v0.3.3 (Nomad 1.0.0's) 12.0.0 from go1.14; v0.3.4 to v0.8.0
//! 13.0.0 from go1.16; v0.11.0 to v0.33.0 15.0.0 from go1.21; v0.34.0 to
//! v0.40.0 (1.11.3 to 2.0.5) 15.0.0 before go1.27 and 17.0.0 from it. The
//! x/text each tag selects is its go.sum's module hash (go.mod@v1.0.6 to
//! v1.1.x lists none): v0.3.3-0.20200306 at 1.0.0, v0.3.5 from 1.0.6,
//! v0.11.0 from 1.4.13, 1.5.9 and 1.6.2, v0.14.0 at 1.7.0, v0.40.0 at
//! 2.0.5; the Go is [`crate::gorelease`]'s: 1.15 before 1.0.15, 1.21.0
//! at 1.4.13, 1.5.9 and 1.6.2, no release on go1.27. So [`tables_of`]:
//! 12.0.0 before 1.1.0 (1.0.15 has 13.0.0: the lower bound is kept, which
//! only says "cannot tell" more often), 13.0.0 to 1.4.12, 1.5.8 and
//! 1.6.1, 15.0.0 from 1.4.13, 1.5.9, 1.6.2 and 1.7.0. Enterprise releases
//! are taken to vendor at least their community line's x/text.
//!
//! [`NEWER`] lists the code points that are not inert starters in the
//! `unicode-normalization` crate's tables (Unicode 18.0.0: a canonical
//! combining class, a canonical decomposition, or a part of one) and
//! that x/text's 12.0.0 tables do not have, each with the first of
//! x/text's tables that does (`assigned*` in x/text v0.40.0's
//! unicode/rangetable/tables17.0.0.go, which lists 12.0.0, 13.0.0,
//! 15.0.0, 16.0.0 and 17.0.0; 18.0.0: none of them). It was generated
//! once from those two sources (5 Dec 2026); a code point missing from
//! it is either known to every table we meet or inert in ours.

use crate::version::NomadVersion;

/// A Unicode version of x/text's tables, or the crate's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unicode {
    U12,
    U13,
    U15,
    U16,
    U17,
    U18,
}
use Unicode::*;

impl Unicode {
    pub fn name(self) -> &'static str {
        match self {
            U12 => "12.0.0",
            U13 => "13.0.0",
            U15 => "15.0.0",
            U16 => "16.0.0",
            U17 => "17.0.0",
            U18 => "18.0.0",
        }
    }

    /// The version of x/text's tables before this one (a code point
    /// first in `self`'s was assigned after it).
    pub fn before(self) -> Unicode {
        match self {
            U12 | U13 => U12,
            U15 => U13,
            U16 => U15,
            U17 => U16,
            U18 => U17,
        }
    }
}

/// The Unicode of the x/text norm tables Nomad `v`'s go-cty uses (a
/// lower bound where the release is not pinned down: see the module doc).
pub fn tables_of(v: NomadVersion) -> Unicode {
    let at = |minor, patch| NomadVersion::new(1, minor, patch);
    if v < at(1, 0) {
        U12
    } else if v >= at(7, 0)
        || (v.minor == 4 && v >= at(4, 13))
        || (v.minor == 5 && v >= at(5, 9))
        || (v.minor == 6 && v >= at(6, 2))
    {
        U15
    } else {
        U13
    }
}

/// The first x/text tables that know `c`, where that is after 12.0.0
/// and `c` takes part in normalisation in ours; None otherwise.
pub fn first_known(c: char) -> Option<Unicode> {
    let cp = c as u32;
    let i = NEWER.partition_point(|&(_, hi, _)| hi < cp);
    match NEWER.get(i) {
        Some(&(lo, _, u)) if lo <= cp => Some(u),
        _ => None,
    }
}

/// The first code point of `s` that Nomad's tables `tables` do not know
/// and ours normalise, with the first tables that know it.
pub fn first_unknown(s: &str, tables: Unicode) -> Option<(char, Unicode)> {
    s.chars()
        .filter(|c| !c.is_ascii())
        .find_map(|c| first_known(c).filter(|&u| u > tables).map(|u| (c, u)))
}

/// (first, last, first tables that know them), sorted, disjoint.
#[rustfmt::skip]
const NEWER: &[(u32, u32, Unicode)] = &[
    (0x05C8, 0x05C9, U18),
    (0x0897, 0x0897, U16),
    (0x0898, 0x089F, U15),
    (0x08CA, 0x08D2, U15),
    (0x0C3C, 0x0C3C, U15),
    (0x1715, 0x1715, U15),
    (0x1ABF, 0x1AC0, U13),
    (0x1AC1, 0x1ACE, U15),
    (0x1ACF, 0x1ADD, U17),
    (0x1ADE, 0x1ADF, U18),
    (0x1AE0, 0x1AEB, U17),
    (0x1AEC, 0x1AF0, U18),
    (0x1DFA, 0x1DFA, U15),
    (0xA82C, 0xA82C, U13),
    (0x105C9, 0x105C9, U16),
    (0x105D2, 0x105D2, U16),
    (0x105DA, 0x105DA, U16),
    (0x105E4, 0x105E4, U16),
    (0x10D69, 0x10D6D, U16),
    (0x10EAB, 0x10EAC, U13),
    (0x10ECB, 0x10ECF, U18),
    (0x10EF0, 0x10EF9, U18),
    (0x10EFA, 0x10EFB, U17),
    (0x10EFD, 0x10EFF, U15),
    (0x10F82, 0x10F85, U15),
    (0x11070, 0x11070, U15),
    (0x11382, 0x11385, U16),
    (0x1138B, 0x1138B, U16),
    (0x1138E, 0x1138E, U16),
    (0x11390, 0x11391, U16),
    (0x113B8, 0x113B8, U16),
    (0x113BB, 0x113BB, U16),
    (0x113C2, 0x113C2, U16),
    (0x113C5, 0x113C5, U16),
    (0x113C7, 0x113C9, U16),
    (0x113CE, 0x113D0, U16),
    (0x11930, 0x11930, U13),
    (0x11935, 0x11935, U13),
    (0x11938, 0x11938, U13),
    (0x1193D, 0x1193E, U13),
    (0x11943, 0x11943, U13),
    (0x11F41, 0x11F42, U15),
    (0x1611E, 0x16129, U16),
    (0x1612F, 0x1612F, U16),
    (0x16D63, 0x16D63, U16),
    (0x16D67, 0x16D6A, U16),
    (0x16FF0, 0x16FF1, U13),
    (0x1D127, 0x1D128, U18),
    (0x1D250, 0x1D252, U18),
    (0x1D25B, 0x1D25C, U18),
    (0x1D25F, 0x1D25F, U18),
    (0x1D280, 0x1D281, U18),
    (0x1E08F, 0x1E08F, U15),
    (0x1E2AE, 0x1E2AE, U15),
    (0x1E4EC, 0x1E4EF, U15),
    (0x1E5EE, 0x1E5EF, U16),
    (0x1E6E3, 0x1E6E3, U17),
    (0x1E6E6, 0x1E6E6, U17),
    (0x1E6EE, 0x1E6EF, U17),
    (0x1E6F5, 0x1E6F5, U17),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_disjoint() {
        for w in NEWER.windows(2) {
            assert!(w[0].0 <= w[0].1 && w[0].1 < w[1].0, "{:X?}", w);
        }
    }

    #[test]
    fn releases_map_to_their_tables() {
        let v = NomadVersion::new;
        assert_eq!(tables_of(v(1, 0, 0)), U12);
        assert_eq!(tables_of(v(1, 1, 0)), U13);
        assert_eq!(tables_of(v(1, 4, 12)), U13);
        assert_eq!(tables_of(v(1, 4, 13)), U15);
        assert_eq!(tables_of(v(1, 5, 8)), U13);
        assert_eq!(tables_of(v(1, 5, 9)), U15);
        assert_eq!(tables_of(v(1, 6, 1)), U13);
        assert_eq!(tables_of(v(1, 6, 2)), U15);
        assert_eq!(tables_of(v(1, 7, 0)), U15);
        assert_eq!(tables_of(v(2, 0, 5)), U15);
    }

    #[test]
    fn tulu_tigalari_is_new_to_nomad_2_0_5() {
        // U+11382 U+113C9 compose to U+11383 from Unicode 16.
        assert_eq!(first_known('\u{11382}'), Some(U16));
        assert_eq!(first_known('\u{113C9}'), Some(U16));
        assert_eq!(
            first_unknown("a\u{11382}\u{113C9}", U15),
            Some(('\u{11382}', U16))
        );
        // Old combining marks and letters are not listed.
        assert_eq!(first_known('\u{301}'), None);
        assert_eq!(first_known('e'), None);
        // Known to 13.0.0 tables, not to 12.0.0's.
        assert_eq!(first_known('\u{1ABF}'), Some(U13));
        assert_eq!(first_unknown("\u{1ABF}", U13), None);
    }
}
