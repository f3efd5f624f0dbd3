//! The Go release each Nomad release was built with. Some of Nomad's
//! output is Go's standard library's (regexp/syntax errors, net.ParseCIDR
//! texts), and those changed between Go releases, sometimes in a patch
//! release that a Nomad patch release picked up.
//!
//! Read at every tag from 0.9.0 to 2.0.5: `.go-version` from 1.1.13, 1.2.7
//! and 1.3.0 on; before, the CI configuration's `GOLANG_VERSION`
//! (.circleci, from 0.10.4); before that the build scripts' Go (0.9.0 to
//! 0.10.3, the Vagrant and Docker build images). Each entry is the first
//! tag of a release line built with that Go; later tags of the line keep
//! it until the next entry.

use crate::version::NomadVersion;

/// A Go release, `(major, minor, patch)`.
pub type GoRelease = (u32, u32, u32);

const fn v(major: u32, minor: u32, patch: u32) -> NomadVersion {
    NomadVersion::new(major, minor, patch)
}

/// (first Nomad tag, its Go), ordered by Nomad version.
const TABLE: &[(NomadVersion, GoRelease)] = &[
    (v(0, 9, 0), (1, 11, 6)),
    (v(0, 9, 4), (1, 11, 11)),
    (v(0, 10, 0), (1, 12, 12)),
    (v(0, 10, 2), (1, 12, 13)),
    (v(0, 10, 3), (1, 12, 16)),
    (v(0, 11, 0), (1, 14, 1)),
    (v(0, 11, 3), (1, 14, 3)),
    (v(0, 11, 4), (1, 14, 6)),
    (v(0, 12, 0), (1, 14, 4)),
    (v(0, 12, 1), (1, 14, 6)),
    (v(0, 12, 2), (1, 14, 7)),
    (v(1, 0, 0), (1, 15, 5)),
    (v(1, 0, 2), (1, 15, 6)),
    (v(1, 0, 7), (1, 15, 13)),
    (v(1, 0, 12), (1, 15, 15)),
    (v(1, 0, 15), (1, 16, 12)),
    (v(1, 1, 0), (1, 16, 4)),
    (v(1, 1, 1), (1, 16, 5)),
    (v(1, 1, 4), (1, 16, 7)),
    (v(1, 1, 6), (1, 16, 8)),
    (v(1, 1, 9), (1, 16, 12)),
    (v(1, 1, 13), (1, 16, 15)),
    (v(1, 2, 0), (1, 17, 3)),
    (v(1, 2, 3), (1, 17, 5)),
    (v(1, 2, 7), (1, 17, 9)),
    (v(1, 2, 9), (1, 18, 3)),
    (v(1, 2, 10), (1, 18, 5)),
    (v(1, 2, 11), (1, 19, 0)),
    (v(1, 2, 13), (1, 19, 1)),
    (v(1, 2, 15), (1, 19, 3)),
    (v(1, 2, 16), (1, 20, 1)),
    (v(1, 3, 0), (1, 17, 9)),
    (v(1, 3, 2), (1, 18, 3)),
    (v(1, 3, 3), (1, 18, 5)),
    (v(1, 3, 4), (1, 19, 0)),
    (v(1, 3, 6), (1, 19, 1)),
    (v(1, 3, 8), (1, 19, 3)),
    (v(1, 3, 9), (1, 20, 1)),
    (v(1, 3, 12), (1, 20, 2)),
    (v(1, 3, 13), (1, 20, 3)),
    (v(1, 3, 14), (1, 20, 4)),
    (v(1, 4, 0), (1, 19, 1)),
    (v(1, 4, 3), (1, 19, 3)),
    (v(1, 4, 4), (1, 20, 1)),
    (v(1, 4, 7), (1, 20, 2)),
    (v(1, 4, 8), (1, 20, 3)),
    (v(1, 4, 9), (1, 20, 4)),
    (v(1, 4, 11), (1, 20, 5)),
    (v(1, 4, 13), (1, 21, 0)),
    (v(1, 4, 14), (1, 21, 3)),
    (v(1, 5, 0), (1, 20, 1)),
    (v(1, 5, 2), (1, 20, 2)),
    (v(1, 5, 3), (1, 20, 3)),
    (v(1, 5, 4), (1, 20, 4)),
    (v(1, 5, 7), (1, 20, 5)),
    (v(1, 5, 9), (1, 21, 0)),
    (v(1, 5, 10), (1, 21, 3)),
    (v(1, 5, 11), (1, 21, 5)),
    (v(1, 5, 13), (1, 21, 6)),
    (v(1, 5, 16), (1, 22, 1)),
    (v(1, 6, 0), (1, 20, 5)),
    (v(1, 6, 2), (1, 21, 0)),
    (v(1, 6, 3), (1, 21, 3)),
    (v(1, 6, 4), (1, 21, 5)),
    (v(1, 6, 6), (1, 21, 6)),
    (v(1, 6, 9), (1, 22, 1)),
    (v(1, 7, 0), (1, 21, 5)),
    (v(1, 7, 3), (1, 21, 6)),
    (v(1, 7, 6), (1, 22, 1)),
    (v(1, 8, 0), (1, 22, 1)),
    (v(1, 8, 1), (1, 22, 4)),
    (v(1, 8, 2), (1, 22, 5)),
    (v(1, 8, 4), (1, 22, 6)),
    (v(1, 9, 0), (1, 23, 2)),
    (v(1, 9, 4), (1, 23, 3)),
    (v(1, 9, 6), (1, 23, 6)),
    (v(1, 9, 7), (1, 24, 1)),
    (v(1, 10, 0), (1, 24, 2)),
    (v(1, 10, 1), (1, 24, 3)),
    (v(1, 10, 2), (1, 24, 4)),
    (v(1, 10, 4), (1, 24, 6)),
    (v(1, 10, 5), (1, 24, 7)),
    (v(1, 11, 0), (1, 25, 3)),
    (v(1, 11, 1), (1, 25, 5)),
    (v(1, 11, 2), (1, 25, 7)),
    (v(1, 11, 3), (1, 25, 8)),
    (v(2, 0, 0), (1, 26, 2)),
    (v(2, 0, 1), (1, 26, 3)),
    (v(2, 0, 3), (1, 26, 4)),
    (v(2, 0, 5), (1, 26, 5)),
];

/// The Go `v` was built with: the latest entry of its release line at or
/// before it (a release line later than the table's: its last entry;
/// before the table: its first).
pub fn go_of(nomad: NomadVersion) -> GoRelease {
    let same_line = |n: &NomadVersion| n.major == nomad.major && n.minor == nomad.minor;
    TABLE
        .iter()
        .rev()
        .find(|(n, _)| same_line(n) && *n <= nomad)
        .or_else(|| TABLE.iter().rev().find(|(n, _)| *n <= nomad))
        .or(TABLE.first())
        .map_or((1, 26, 5), |(_, g)| *g)
}

/// Was `nomad` built with Go `at` or later?
pub fn built_with_at_least(nomad: NomadVersion, at: GoRelease) -> bool {
    go_of(nomad) >= at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_lines_interleave() {
        // 1.2.16 (Feb 2023) came after 1.3.0 and 1.4.0 and moved to Go 1.20.
        assert_eq!(go_of(v(1, 2, 16)), (1, 20, 1));
        assert_eq!(go_of(v(1, 3, 1)), (1, 17, 9));
        assert_eq!(go_of(v(1, 4, 2)), (1, 19, 1));
        assert_eq!(go_of(v(2, 0, 5)), (1, 26, 5));
        assert_eq!(go_of(v(2, 0, 6)), (1, 26, 5));
        assert_eq!(go_of(v(2, 1, 0)), (1, 26, 5));
        assert_eq!(go_of(v(0, 9, 3)), (1, 11, 6));
        // Table entries are ordered.
        assert!(TABLE.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
