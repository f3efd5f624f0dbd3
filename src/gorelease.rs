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
//!
//! Enterprise-only releases ([`crate::version::lines`]: `1.7.12+ent`) are
//! built from sources that are not public; what is known of their Go is
//! what the Enterprise changelogs say (`ent-changelog-*` tags: "build:
//! update to go1.22.6", "Updated toolchain to Go 1.25.7", "Upgrade to Go
//! 1.26"), and that a release line's Go never goes back. A release whose
//! changelog names no Go lies between the line's last known Go before it
//! and the next named after it ([`go_span`]). Community changelogs name
//! only some of their Go updates (v1.9.4 to v1.10.5 and v2.0.3 name none
//! of theirs), so silence is no evidence of none. A gate whose answer
//! changes within a span asks [`GoSpan::settle`] and says it cannot tell
//! when the span's Go releases disagree.

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

/// The Go `v` was built with, for a release whose Go is known: the latest
/// entry of its release line at or before it (a release line later than
/// the table's: its last entry; before the table: its first). For an
/// Enterprise-only release, the oldest Go it may have been built with
/// ([`go_span`]); a gate whose answer differs within the span asks
/// [`GoSpan::settle`].
pub fn go_of(nomad: NomadVersion) -> GoRelease {
    go_span(nomad).lo
}

/// The Go of a release the community [`TABLE`] covers.
fn community_go(nomad: NomadVersion) -> GoRelease {
    let same_line = |n: &NomadVersion| n.major == nomad.major && n.minor == nomad.minor;
    TABLE
        .iter()
        .rev()
        .find(|(n, _)| same_line(n) && *n <= nomad)
        .or_else(|| TABLE.iter().rev().find(|(n, _)| *n <= nomad))
        .or(TABLE.first())
        .map_or((1, 26, 5), |(_, g)| *g)
}

/// Was `nomad` built with Go `at` or later? For an Enterprise-only
/// release: was every Go it may have been built with (`false` may then
/// be unknown; [`GoSpan::settle`] tells).
pub fn built_with_at_least(nomad: NomadVersion, at: GoRelease) -> bool {
    go_of(nomad) >= at
}

/// A patch number standing for "some patch release of this minor".
const ANY_PATCH: u32 = u32::MAX;

/// Enterprise-only releases whose changelog names their Go (the last
/// such line of the release's section; "Upgrade to Go 1.26" names the
/// minor alone): (release, oldest Go, newest Go). Read at every
/// `ent-changelog-*` tag of the mirror (1.6.11 to 1.11.8); no other
/// Enterprise-only section names a Go.
const ENTERPRISE_NAMED: &[(NomadVersion, GoRelease, GoRelease)] = &[
    // "build: update to go1.22.6" [GH-23805]
    (v(1, 6, 15), (1, 22, 6), (1, 22, 6)),
    (v(1, 7, 12), (1, 22, 6), (1, 22, 6)),
    // "Update toolchain to Go 1.25.2" and "Updated toolchain to Go 1.25.3"
    // [GH-26909, GH-26949]
    (v(1, 8, 18), (1, 25, 3), (1, 25, 3)),
    (v(1, 10, 6), (1, 25, 3), (1, 25, 3)),
    // "Updated toolchain to Go 1.25.5" [GH-27186]
    (v(1, 8, 19), (1, 25, 5), (1, 25, 5)),
    (v(1, 10, 7), (1, 25, 5), (1, 25, 5)),
    // "Updated toolchain to Go 1.25.6", then "to Go 1.25.7" [GH-27439, GH-27468]
    (v(1, 8, 20), (1, 25, 7), (1, 25, 7)),
    (v(1, 10, 8), (1, 25, 7), (1, 25, 7)),
    // "Upgrade tooling to Go 1.25.8" [GH-27653]
    (v(1, 8, 21), (1, 25, 8), (1, 25, 8)),
    (v(1, 10, 9), (1, 25, 8), (1, 25, 8)),
    // "Upgrade to Go 1.26" [GH-27685]: which patch, not said.
    (v(1, 10, 10), (1, 26, 0), (1, 26, ANY_PATCH)),
    (v(1, 11, 4), (1, 26, 0), (1, 26, ANY_PATCH)),
    // "Update Go toolchain to 1.26.3" [GH-27924]
    (v(1, 10, 11), (1, 26, 3), (1, 26, 3)),
    (v(1, 11, 5), (1, 26, 3), (1, 26, 3)),
];

/// The Go releases at which a gate of this crate changes its answer, from
/// Go 1.22.1 (the oldest Go of an Enterprise-only release's line) on:
/// `net.ParseCIDR`/`netip.ParsePrefix` refuse IPv6 groups of more than four
/// digits from 1.23.0 ([`crate::gonet`], `validate_connect_netip`),
/// `sort.Sort`'s pattern breaking changed in 1.24.0 (`diff::gosort`), and
/// the unicode tables are 17.0.0 from 1.27.0 (`gotext::isprint`). Every
/// other Go gate of the crate lies at or below 1.22.1 (regexp's named
/// groups at 1.22.0, and older), so it answers alike across every span.
/// A new gate above 1.22.1 adds its release here.
pub const STEPS: &[GoRelease] = &[(1, 23, 0), (1, 24, 0), (1, 27, 0)];

/// What is known of the Go that built a release: one Go for a community
/// release (`lo == hi`); for an Enterprise-only one, the range its
/// changelogs leave open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoSpan {
    pub lo: GoRelease,
    /// `None`: any later Go.
    pub hi: Option<GoRelease>,
}

impl GoSpan {
    pub const fn exact(go: GoRelease) -> GoSpan {
        GoSpan {
            lo: go,
            hi: Some(go),
        }
    }

    /// The one Go it is, if known.
    pub fn known(self) -> Option<GoRelease> {
        (self.hi == Some(self.lo)).then_some(self.lo)
    }

    /// The Go releases a gate is asked at to cover the span: its oldest,
    /// and every [`STEPS`] entry within it.
    pub fn probes(self) -> Vec<GoRelease> {
        let mut out = vec![self.lo];
        out.extend(
            STEPS
                .iter()
                .copied()
                .filter(|s| *s > self.lo && self.hi.is_none_or(|hi| *s <= hi)),
        );
        out
    }

    /// `f`'s answer when every Go of the span gives the same one; `None`
    /// when they differ (the caller says it cannot tell).
    pub fn settle<T: PartialEq>(self, f: impl Fn(GoRelease) -> T) -> Option<T> {
        let mut probes = self.probes().into_iter();
        let first = f(probes.next().unwrap_or(self.lo));
        probes.all(|go| f(go) == first).then_some(first)
    }

    /// `Go 1.25.3`, `Go 1.22.6 to 1.25.3`, `Go 1.22.6 or later`.
    pub fn text(self) -> String {
        let one = |(a, b, p): GoRelease| {
            if p == ANY_PATCH {
                format!("{a}.{b}.x")
            } else {
                format!("{a}.{b}.{p}")
            }
        };
        match self.hi {
            Some(hi) if hi == self.lo => format!("Go {}", one(hi)),
            Some(hi) => format!("Go {} to {}", one(self.lo), one(hi)),
            None => format!("Go {} or later", one(self.lo)),
        }
    }
}

/// What is known of the Go `nomad` was built with: the community table's
/// for a community release number; for an Enterprise-only release, from
/// the line's last known Go at or before it (its community end's, or an
/// earlier named release's) to the next named release's Go (none: any
/// later Go), narrowed to its own changelog's Go where it names one.
pub fn go_span(nomad: NomadVersion) -> GoSpan {
    let Some(line) = nomad.lts_line().filter(|_| nomad.enterprise_only()) else {
        return GoSpan::exact(community_go(nomad));
    };
    let same_line = |n: &NomadVersion| n.major == nomad.major && n.minor == nomad.minor;
    let named = ENTERPRISE_NAMED.iter().filter(|(n, _, _)| same_line(n));
    let mut lo = community_go(line.community_end());
    let mut hi: Option<GoRelease> = None;
    for (n, n_lo, n_hi) in named {
        if *n <= nomad {
            lo = lo.max(*n_lo);
        }
        if *n == nomad {
            hi = Some(*n_hi);
        }
        if *n >= nomad {
            hi = Some(hi.map_or(*n_hi, |h| h.min(*n_hi)));
        }
    }
    GoSpan { lo, hi }
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

    #[test]
    fn enterprise_only_releases_span_what_their_changelogs_leave_open() {
        let span = |m, p| go_span(v(1, m, p));
        // Community releases: one Go.
        assert_eq!(span(8, 4), GoSpan::exact((1, 22, 6)));
        // Named: 1.8.18+ent "Updated toolchain to Go 1.25.3".
        assert_eq!(span(8, 18), GoSpan::exact((1, 25, 3)));
        assert_eq!(go_of(v(1, 8, 18)), (1, 25, 3));
        // Between the community end (1.22.6) and 1.8.18's Go.
        assert_eq!(
            span(8, 5),
            GoSpan {
                lo: (1, 22, 6),
                hi: Some((1, 25, 3))
            }
        );
        assert_eq!(span(8, 17).text(), "Go 1.22.6 to 1.25.3");
        // Between 1.6.10's Go 1.22.1 and 1.6.15's go1.22.6.
        assert_eq!(span(6, 11).text(), "Go 1.22.1 to 1.22.6");
        // After the last named: any later Go.
        assert_eq!(span(7, 13).text(), "Go 1.22.6 or later");
        assert_eq!(span(9, 8).text(), "Go 1.24.1 or later");
        assert_eq!(span(10, 12).text(), "Go 1.26.3 or later");
        // "Upgrade to Go 1.26", the next release 1.26.3.
        assert_eq!(span(11, 4).text(), "Go 1.26.0 to 1.26.3");
        assert_eq!(span(10, 10).known(), None);
        assert_eq!(span(10, 11).known(), Some((1, 26, 3)));
        // Every named entry is an Enterprise-only release.
        assert!(ENTERPRISE_NAMED.iter().all(|(n, _, _)| n.enterprise_only()));
    }

    #[test]
    fn a_gate_settles_only_when_the_whole_span_agrees() {
        let four_digit = |go: GoRelease| go >= (1, 23, 0);
        let xorshift = |go: GoRelease| go >= (1, 24, 0);
        // 1.6.11+ent: Go 1.22.1 to 1.22.6, before both.
        assert_eq!(go_span(v(1, 6, 11)).settle(four_digit), Some(false));
        // 1.9.8+ent: Go 1.24.1 or later, past both.
        assert_eq!(go_span(v(1, 9, 8)).settle(xorshift), Some(true));
        // 1.8.5+ent: Go 1.22.6 to 1.25.3, across both.
        assert_eq!(go_span(v(1, 8, 5)).settle(four_digit), None);
        assert_eq!(go_span(v(1, 8, 5)).settle(xorshift), None);
        // 1.7.13+ent: Go 1.22.6 or later.
        assert_eq!(go_span(v(1, 7, 13)).settle(xorshift), None);
    }
}
