//! Nomad's release lines that Enterprise kept going after the community
//! line ended (long-term support). Past a line's last community release
//! every release number is an Enterprise build alone: `1.7.12` exists only
//! as `1.7.12+ent`. At or below it, the community and Enterprise builds of
//! a number share the open-source code the tool simulates.
//!
//! Read from the mirror: the last `v1.Y.Z` tag of each line, and the
//! `ent-changelog-1.Y.Z` tags (the Enterprise CHANGELOG.md at each release).

use super::NomadVersion;

/// One long-term-support line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LtsLine {
    pub major: u32,
    pub minor: u32,
    /// The last community release of the line (its last `v` tag).
    pub community_last: u32,
    /// The last Enterprise release the mirror holds a changelog for
    /// (`ent-changelog-*`); the first is `community_last + 1`.
    pub enterprise_last: u32,
}

impl LtsLine {
    /// The first Enterprise-only release of the line.
    pub const fn enterprise_first(self) -> NomadVersion {
        NomadVersion::new(self.major, self.minor, self.community_last + 1)
    }

    /// The line's last community release.
    pub const fn community_end(self) -> NomadVersion {
        NomadVersion::new(self.major, self.minor, self.community_last)
    }

    /// The last Enterprise release the mirror knows.
    pub const fn enterprise_end(self) -> NomadVersion {
        NomadVersion::new(self.major, self.minor, self.enterprise_last)
    }
}

const fn lts(minor: u32, community_last: u32, enterprise_last: u32) -> LtsLine {
    LtsLine {
        major: 1,
        minor,
        community_last,
        enterprise_last,
    }
}

/// Every line with Enterprise-only releases: v1.6.10 then ent 1.6.11 to
/// 1.6.15; v1.7.7, ent 1.7.8 to 1.7.19; v1.8.4, ent 1.8.5 to 1.8.21;
/// v1.9.7, ent 1.9.8 to 1.9.13; v1.10.5, ent 1.10.6 to 1.10.14; v1.11.3,
/// ent 1.11.4 to 1.11.8 (tags in the mirror).
pub const LTS_LINES: &[LtsLine] = &[
    lts(6, 10, 15),
    lts(7, 7, 19),
    lts(8, 4, 21),
    lts(9, 7, 13),
    lts(10, 5, 14),
    lts(11, 3, 8),
];

impl NomadVersion {
    /// The long-term-support line this release is on, if any.
    pub fn lts_line(self) -> Option<LtsLine> {
        LTS_LINES
            .iter()
            .copied()
            .find(|l| (l.major, l.minor) == (self.major, self.minor))
    }

    /// A release number only Enterprise shipped (`1.7.12`: the community
    /// 1.7 line ended at 1.7.7).
    pub fn enterprise_only(self) -> bool {
        self.lts_line()
            .is_some_and(|l| self.patch > l.community_last)
    }

    /// The release as our own messages name it: `1.7.10+ent` for a number
    /// only Enterprise shipped (as `nomad version` prints it), else
    /// `1.8.2`.
    pub fn named(self) -> String {
        if self.enterprise_only() {
            format!("{self}+ent")
        } else {
            self.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_past_a_community_end_are_enterprise_only() {
        let v = NomadVersion::new;
        assert!(!v(1, 7, 7).enterprise_only());
        assert!(v(1, 7, 8).enterprise_only());
        assert!(v(1, 7, 12).enterprise_only());
        assert!(!v(1, 8, 4).enterprise_only());
        assert!(v(1, 8, 5).enterprise_only());
        assert!(!v(1, 5, 20).enterprise_only());
        assert!(!v(2, 0, 5).enterprise_only());
        assert_eq!(
            v(1, 11, 3).lts_line().map(LtsLine::enterprise_first),
            Some(v(1, 11, 4))
        );
    }

    #[test]
    fn lines_ascend_and_enterprise_follows_community() {
        for w in LTS_LINES.windows(2) {
            assert!((w[0].major, w[0].minor) < (w[1].major, w[1].minor));
        }
        for l in LTS_LINES {
            assert!(l.enterprise_last > l.community_last, "{l:?}");
        }
    }
}
