//! The `version` and `semver` constraint operators, as Nomad's scheduler
//! evaluates them (`checkVersionMatch`): the node's value is parsed as a
//! hashicorp/go-version `NewVersion`, the constraint as go-version's
//! `NewConstraint` (`version`) or as Nomad's `helper/constraints/semver`
//! (`semver`: go-version's parser and ordering without `~>` and without the
//! prerelease rule). go-version's rules have not changed in what Nomad
//! vendors from 0.9.3 (b5a281d, 2018) to 2.0 (v1.9.0); the tests below are
//! its `TestConstraintCheck` table and Nomad's `TestCheck*Constraint` tables.
//!
//! A value or a constraint that does not parse fails the check.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::goversion::{constraint_regex, version_regex};

#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    /// Padded with zeros to at least three.
    segments: Vec<i64>,
    /// How many segments were written.
    si: usize,
    pre: String,
    meta: String,
}

impl Version {
    fn parse(s: &str, semver: bool) -> Option<Version> {
        Version::parse_plain(s).or_else(|| Version::parse_regex(s, semver))
    }

    /// go-version's `NewVersion`/`NewSemver`: the regex, then the groups.
    fn parse_regex(s: &str, semver: bool) -> Option<Version> {
        let m = version_regex(semver).captures(s)?;
        let (segments, si) = Version::segments(m.get(1)?.as_str())?;
        let group = |i: usize| m.get(i).map_or("", |g| g.as_str()).to_string();
        let pre = match group(7) {
            p if p.is_empty() => group(4),
            p => p,
        };
        Some(Version {
            segments,
            si,
            pre,
            meta: group(10),
        })
    }

    /// The written segments, padded with zeros to three, and how many
    /// were written; `None` when one overflows an int64 (Go's ParseInt).
    fn segments(written: &str) -> Option<(Vec<i64>, usize)> {
        let mut segments = crate::goversion::segments(written).ok()?;
        let si = segments.len();
        while segments.len() < 3 {
            segments.push(0);
        }
        Some((segments, si))
    }

    /// The common shape, dotted decimal segments (`1.20.1`), without the
    /// regex: the regex gives such a text no prerelease and no metadata
    /// (both need a `-`, a letter or a `+`), in both of its forms. Every
    /// other text, even one this would refuse, goes to the regex.
    fn parse_plain(s: &str) -> Option<Version> {
        let plain = !s.is_empty()
            && s.split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if !plain {
            return None;
        }
        let (segments, si) = Version::segments(s)?;
        Some(Version {
            segments,
            si,
            pre: String::new(),
            meta: String::new(),
        })
    }

    /// go-version's `String()`: the padded segments, `-pre`, `+meta`.
    fn text(&self) -> String {
        let mut s = self
            .segments
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(".");
        if !self.pre.is_empty() {
            s.push('-');
            s.push_str(&self.pre);
        }
        if !self.meta.is_empty() {
            s.push('+');
            s.push_str(&self.meta);
        }
        s
    }
}

/// go-version's `Compare`. Segment lists of different lengths compare with
/// the shorter padded by zeros, and then the prerelease is not looked at.
fn compare(a: &Version, b: &Version) -> Ordering {
    if a.text() == b.text() {
        return Ordering::Equal;
    }
    if a.segments == b.segments {
        return match (a.pre.is_empty(), b.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => compare_prereleases(&a.pre, &b.pre),
        };
    }
    let n = a.segments.len().max(b.segments.len());
    for i in 0..n {
        let x = a.segments.get(i).copied().unwrap_or(0);
        let y = b.segments.get(i).copied().unwrap_or(0);
        if x != y {
            return x.cmp(&y);
        }
    }
    Ordering::Equal
}

/// go-version's `comparePrereleases`: dot-separated parts, a missing part
/// read as empty.
fn compare_prereleases(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let xs: Vec<&str> = a.split('.').collect();
    let ys: Vec<&str> = b.split('.').collect();
    for i in 0..xs.len().max(ys.len()) {
        let o = compare_part(
            xs.get(i).copied().unwrap_or(""),
            ys.get(i).copied().unwrap_or(""),
        );
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// go-version's `comparePart`: numbers sort before words, an empty part
/// after a number and before a word; two numbers by value, two words by
/// text.
fn compare_part(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (x, y) = (a.parse::<i64>().ok(), b.parse::<i64>().ok());
    if a.is_empty() {
        return if y.is_some() {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    if b.is_empty() {
        return if x.is_some() {
            Ordering::Greater
        } else {
            Ordering::Less
        };
    }
    match (x, y) {
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) if a > b => Ordering::Greater,
        (Some(i), Some(j)) if i > j => Ordering::Greater,
        _ => Ordering::Less,
    }
}

/// go-version's `prereleaseCheck`: a prerelease satisfies an ordering only
/// against a prerelease of the same segments.
fn prerelease_check(v: &Version, c: &Version) -> bool {
    match (v.pre.is_empty(), c.pre.is_empty()) {
        (false, false) => v.segments == c.segments,
        (false, true) => false,
        _ => true,
    }
}

/// go-version's `constraintPessimistic` (`~>`).
fn pessimistic(v: &Version, c: &Version) -> bool {
    if !prerelease_check(v, c) || (!c.pre.is_empty() && v.pre.is_empty()) {
        return false;
    }
    if compare(v, c) == Ordering::Less {
        return false;
    }
    let cs = c.segments.len();
    if cs > v.segments.len() {
        return false;
    }
    if (0..c.si.saturating_sub(1)).any(|i| v.segments[i] != c.segments[i]) {
        return false;
    }
    c.segments[cs - 1] <= v.segments[cs - 1]
}

fn check_one(v: &Version, op: &str, c: &Version, semver: bool) -> bool {
    let o = compare(v, c);
    // Nomad's semver constraints order prereleases by SemVer alone.
    let pre_ok = semver || prerelease_check(v, c);
    match op {
        "" | "=" => o == Ordering::Equal,
        "!=" => o != Ordering::Equal,
        ">" => pre_ok && o == Ordering::Greater,
        "<" => pre_ok && o == Ordering::Less,
        ">=" => pre_ok && o != Ordering::Less,
        "<=" => pre_ok && o != Ordering::Greater,
        "~>" => pessimistic(v, c),
        _ => false,
    }
}

/// Most verdicts [`matches`] keeps per thread: a world has a handful of
/// (node value, constraint) pairs; the bound only stops a hostile import
/// from growing the table without end.
const MEMO_MAX: usize = 4096;

thread_local! {
    /// Verdicts by (semver, constraint text, node value). The same few
    /// pairs are checked for every node of every evaluation of every
    /// replay (the implicit version constraints); parsing both sides with
    /// the regex again was a twentieth of `plan --samples 1000`.
    static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::default();
}

/// How many verdicts are kept, and per flavour (`version`, `semver`) the
/// verdict by constraint text, then by node value (looked up by `&str`,
/// so a hit allocates nothing).
type Memo = (usize, [HashMap<String, HashMap<String, bool>>; 2]);

fn matches(version: &str, constraints: &str, semver: bool) -> bool {
    let known = MEMO.with(|m| {
        m.borrow().1[usize::from(semver)]
            .get(constraints)
            .and_then(|by_value| by_value.get(version).copied())
    });
    if let Some(verdict) = known {
        return verdict;
    }
    let verdict = matches_uncached(version, constraints, semver);
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if m.0 >= MEMO_MAX {
            *m = Default::default();
        }
        m.0 += 1;
        m.1[usize::from(semver)]
            .entry(constraints.to_string())
            .or_default()
            .insert(version.to_string(), verdict);
    });
    verdict
}

fn matches_uncached(version: &str, constraints: &str, semver: bool) -> bool {
    // The node's value is always read with go-version's `NewVersion`.
    let Some(v) = Version::parse(version, false) else {
        return false;
    };
    // Every constraint must parse before any is checked.
    let mut parsed = Vec::new();
    for part in constraints.split(',') {
        let Some((op, ver)) =
            plain_constraint(part, semver).or_else(|| regex_constraint(part, semver))
        else {
            return false;
        };
        let Some(c) = Version::parse(ver, semver) else {
            return false;
        };
        parsed.push((op, c));
    }
    parsed.iter().all(|(op, c)| check_one(&v, op, c, semver))
}

/// One constraint's operator and version as go-version's constraint regexp
/// splits them.
fn regex_constraint(part: &str, semver: bool) -> Option<(&str, &str)> {
    let m = constraint_regex(semver).captures(part)?;
    Some((m.get(1)?.as_str(), m.get(2)?.as_str()))
}

/// The common shape of a constraint, `>= 1.2.3` (spaces, an operator,
/// dotted decimal segments, spaces), split without the regexp: compiling
/// it was a twenty-fifth of a pre-commit hook, which checks the implicit
/// version constraints once. The regexp's operator alternatives are tried
/// in order and the whole text must match, and a version never starts
/// with an operator character, so the operator is the longest one that
/// prefixes the text; a dotted decimal version has no prerelease and no
/// metadata in either of the version regexp's forms (both need `-`, a
/// letter or `+`). Anything else goes to the regexp (`None`).
fn plain_constraint(part: &str, semver: bool) -> Option<(&str, &str)> {
    // Go's `\s` in these regexps: ASCII white space without `\v`.
    let ws = |c: char| matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ');
    let rest = part.trim_start_matches(ws);
    let ops: &[&str] = if semver {
        &["<=", ">=", "!=", "<", ">", "="]
    } else {
        &["<=", ">=", "!=", "~>", "<", ">", "="]
    };
    let op = ops
        .iter()
        .find(|op| rest.starts_with(**op))
        .copied()
        .unwrap_or("");
    let ver = rest[op.len()..].trim_matches(ws);
    let plain = !ver.is_empty()
        && ver
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    plain.then_some((op, ver))
}

/// The `version` operator: go-version constraints.
pub fn go_version_matches(version: &str, constraints: &str) -> bool {
    matches(version, constraints, false)
}

/// The `semver` operator: Nomad's semver constraints.
pub fn semver_matches(version: &str, constraints: &str) -> bool {
    matches(version, constraints, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dotted_decimal_shortcut_reads_what_the_regex_reads() {
        for s in [
            "1",
            "1.2",
            "1.20.1",
            "0.0.0",
            "01.2",
            "1.2.3.4.5",
            "1.",
            ".1",
            "1..2",
            "",
            "v1.2",
            "1.2-beta",
            "1.2+m",
            "1.2a",
            "99999999999999999999.1",
            " 1.2",
        ] {
            for semver in [false, true] {
                assert_eq!(
                    Version::parse(s, semver),
                    Version::parse_regex(s, semver),
                    "{s:?}"
                );
            }
            if Version::parse_plain(s).is_some() {
                assert_eq!(
                    Version::parse_plain(s),
                    Version::parse_regex(s, false),
                    "{s:?}"
                );
            }
        }
        assert!(
            Version::parse_plain("1.20.1").is_some(),
            "the shortcut is taken"
        );
        assert!(Version::parse_plain("1.2-beta").is_none());
    }

    #[test]
    fn the_plain_constraint_shortcut_splits_as_the_regex_splits() {
        let mut taken = 0;
        for s in [
            ">= 1.2",
            ">=1.2.3",
            "  <=  1.20.1 ",
            "\t~> 1.0\n",
            "1.0",
            "= 1",
            "!=0.9",
            "< 2",
            "> 2",
            "=> 1.0",
            ">= 1.x",
            ">= 1.2-beta",
            ">= 1.2+m",
            ">= v1.2",
            ">= 1.",
            ">= .1",
            ">= 1..2",
            ">=",
            "",
            " ",
            "~>~> 1",
            ">= 1 2",
            "\x0b>= 1.2",
            ">= 1.2\x0b",
            "99999999999999999999.1",
            "<= 01.2",
        ] {
            for semver in [false, true] {
                if let Some(got) = plain_constraint(s, semver) {
                    taken += 1;
                    assert_eq!(
                        Some(got),
                        regex_constraint(s, semver),
                        "{s:?} semver {semver}"
                    );
                }
            }
        }
        assert!(taken >= 18, "the shortcut is taken for the plain shapes");
        assert_eq!(plain_constraint("~> 1.0", true), None, "semver has no ~>");
        assert_eq!(plain_constraint(">= 1.2-beta", false), None);
    }

    /// go-version's `TestConstraintCheck`, whole.
    #[test]
    fn go_version_constraint_check_table() {
        let cases: &[(&str, &str, bool)] = &[
            (">= 1.0, < 1.2", "1.1.5", true),
            ("< 1.0, < 1.2", "1.1.5", false),
            ("= 1.0", "1.1.5", false),
            ("= 1.0", "1.0.0", true),
            ("1.0", "1.0.0", true),
            ("~> 1.0", "2.0", false),
            ("~> 1.0", "1.1", true),
            ("~> 1.0", "1.2.3", true),
            ("~> 1.0.0", "1.2.3", false),
            ("~> 1.0.0", "1.0.7", true),
            ("~> 1.0.0", "1.1.0", false),
            ("~> 1.0.7", "1.0.4", false),
            ("~> 1.0.7", "1.0.7", true),
            ("~> 1.0.7", "1.0.8", true),
            ("~> 1.0.7", "1.0.7.5", true),
            ("~> 1.0.7", "1.0.6.99", false),
            ("~> 1.0.7", "1.0.8.0", true),
            ("~> 1.0.9.5", "1.0.9.5", true),
            ("~> 1.0.9.5", "1.0.9.4", false),
            ("~> 1.0.9.5", "1.0.9.6", true),
            ("~> 1.0.9.5", "1.0.9.5.0", true),
            ("~> 1.0.9.5", "1.0.9.5.1", true),
            ("~> 2.0", "2.1.0-beta", false),
            ("~> 2.1.0-a", "2.2.0", false),
            ("~> 2.1.0-a", "2.1.0", false),
            ("~> 2.1.0-a", "2.1.0-beta", true),
            ("~> 2.1.0-a", "2.2.0-alpha", false),
            ("> 2.0", "2.1.0-beta", false),
            (">= 2.1.0-a", "2.1.0-beta", true),
            (">= 2.1.0-a", "2.1.1-beta", false),
            (">= 2.0.0", "2.1.0-beta", false),
            (">= 2.1.0-a", "2.1.1", true),
            (">= 2.1.0-a", "2.1.1-beta", false),
            (">= 2.1.0-a", "2.1.0", true),
            ("<= 2.1.0-a", "2.0.0", true),
        ];
        for (c, v, want) in cases {
            assert_eq!(go_version_matches(v, c), *want, "{v} against {c}");
        }
    }

    /// go-version's `TestNewConstraint`: what does not parse never matches.
    #[test]
    fn malformed_constraints_never_match() {
        for c in [
            ">= 1.x",
            "11387778780781445675529500000000000000000",
            ">= 1.0,",
            "=> 1.0",
        ] {
            assert!(!go_version_matches("1.0.0", c), "{c}");
            assert!(!semver_matches("1.0.0", c), "{c}");
        }
        assert!(!go_version_matches("1.0.0", ">= 1.2, < 1.0"));
        assert!(go_version_matches("1.5", "  >=  1.2 ,<2 "));
        assert!(!go_version_matches("garbage", ">= 1.2"));
        assert!(
            !go_version_matches(" 1.5", ">= 1.2"),
            "no space around a value"
        );
        assert!(go_version_matches("v1.5", ">= v1.2"));
    }

    /// Nomad's `TestCheckVersionConstraint` and `TestCheckSemverConstraint`
    /// (feasible_test.go), through the two entry points.
    #[test]
    fn nomad_version_and_semver_tables() {
        for (v, c, want) in [
            ("1.2.3", "~> 1.0", true),
            ("1.2.3", ">= 1.0, < 1.4", true),
            ("2.0.1", "~> 1.0", false),
            ("1.4", ">= 1.0, < 1.4", false),
            ("1", "~> 1.0", true),
        ] {
            assert_eq!(go_version_matches(v, c), want, "version {v} {c}");
        }
        for (v, c, want) in [
            ("1.2.3", "~> 1.0", false),
            ("1.2.3", ">= 1.0, < 1.4", true),
            ("2.0.1", "~> 1.0", false),
            ("1.4", ">= 1.0, < 1.4", false),
            ("1", "~> 1.0", false),
            ("1.3.0-beta1", ">= 0.6.1", true),
            ("1.7.0-alpha1", ">= 1.6.0-beta1", true),
            ("1.3.0-beta1+ent", "= 1.3.0-beta1", true),
        ] {
            assert_eq!(semver_matches(v, c), want, "semver {v} {c}");
        }
        // The prerelease rule is go-version's only: the same pairs differ.
        assert!(!go_version_matches("1.3.0-beta1", ">= 0.6.1"));
        assert!(!go_version_matches("1.7.0-alpha1", ">= 1.6.0-beta1"));
        // `semver` constraints need the `-` before a prerelease; values do not.
        assert!(go_version_matches("1.3.0beta1", "= 1.3.0beta1"));
        assert!(!semver_matches("1.3.0-beta1", "= 1.3.0beta1"));
        assert!(semver_matches("1.3.0beta1", "= 1.3.0-beta1"));
    }

    /// go-version's `Compare` on prereleases and padded segments.
    #[test]
    fn ordering_of_prereleases_and_segments() {
        let v = |s: &str| Version::parse(s, false).unwrap();
        let cases: &[(&str, &str, Ordering)] = &[
            ("1.0.0-alpha", "1.0.0-alpha.1", Ordering::Less),
            ("1.0.0-alpha.1", "1.0.0-alpha.beta", Ordering::Less),
            ("1.0.0-alpha.beta", "1.0.0-beta", Ordering::Less),
            ("1.0.0-beta.2", "1.0.0-beta.11", Ordering::Less),
            ("1.0.0-rc.1", "1.0.0", Ordering::Less),
            ("1.0.0", "1.0.0-rc.1", Ordering::Greater),
            ("1.0.0-1", "1.0.0-alpha", Ordering::Less),
            ("1.0.0-beta", "1.0.0-alpha", Ordering::Greater),
            ("1.0.0-alpha.1", "1.0.0-alpha", Ordering::Greater),
            ("1.0.0-alpha.beta", "1.0.0-alpha", Ordering::Less),
            ("1.0.0-rc1", "1.0.0-rc1", Ordering::Equal),
            ("1.2", "1.2.0", Ordering::Equal),
            ("1.2.0.0", "1.2", Ordering::Equal),
            ("1.2.0.1", "1.2", Ordering::Greater),
            ("1.2", "1.2.0.1", Ordering::Less),
            ("1.2.0.0-beta", "1.2.0", Ordering::Equal),
            ("1.2.3+a", "1.2.3+b", Ordering::Equal),
            ("2", "10", Ordering::Less),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(&v(a), &v(b)), *want, "{a} vs {b}");
        }
        let p = v("1.2.3-beta.1+meta");
        assert_eq!(
            (p.si, p.pre.as_str(), p.meta.as_str()),
            (3, "beta.1", "meta")
        );
        let p = v("1.2.3beta");
        assert_eq!((p.si, p.pre.as_str()), (3, "beta"));
        assert_eq!(v("7").segments, vec![7, 0, 0]);
        assert_eq!(v("7").si, 1);
    }

    #[test]
    fn pessimistic_edges() {
        // `~> 1` fixes nothing: any later release matches.
        assert!(go_version_matches("2.5", "~> 1"));
        assert!(!go_version_matches("0.9", "~> 1"));
        // Fewer segments than the constraint: no match.
        assert!(!go_version_matches("1.0.9", "~> 1.0.9.0"));
        assert!(go_version_matches("1.0.9.0", "~> 1.0.9.0"));
        // `!=` and `=` ignore the prerelease rule.
        assert!(go_version_matches("1.3.0-beta1", "!= 1.2"));
        assert!(!go_version_matches("1.3.0-beta1", "= 1.3.0"));
        assert!(go_version_matches("1.3.0-beta1", "= 1.3.0-beta1"));
        assert!(!go_version_matches("1.3.0", "!= 1.3"));
    }

    /// The memo keeps the two flavours apart: go-version refuses a
    /// prerelease against a constraint without one (`prereleaseCheck`),
    /// Nomad's semver orders it by SemVer alone, and each answer stays
    /// right when asked again after the other.
    #[test]
    fn remembered_verdicts_keep_version_and_semver_apart() {
        for _ in 0..2 {
            assert!(!go_version_matches("1.2.3-beta", ">= 1.2.0"));
            assert!(semver_matches("1.2.3-beta", ">= 1.2.0"));
        }
        for _ in 0..2 {
            assert!(semver_matches("1.3.0-rc1", "> 1.2.0"));
            assert!(!go_version_matches("1.3.0-rc1", "> 1.2.0"));
        }
    }
}
