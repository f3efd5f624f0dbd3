//! hashicorp/go-version's syntax, shared by the scheduler (which checks a
//! node's value against a `version` or `semver` constraint) and by
//! validation (which refuses a constraint that does not parse, as
//! `Constraint.Validate` does through `version.NewConstraint` and Nomad's
//! `helper/constraints/semver.NewConstraint`).
//!
//! The regexps have not changed in what Nomad vendors from 0.9.3 (2018) to
//! 2.0.5 (go-version v1.9.0); the error texts have: go-version v1.8.0 (in
//! Nomad from 1.11.1) lower-cased `Malformed constraint` / `Error parsing
//! version`. Nomad's semver package is a copy of go-version's constraint
//! code at 2046c9d and keeps `Malformed constraint` at every release.

use std::sync::OnceLock;

use regex::Regex;

use crate::version::NomadVersion;

/// go-version's `VersionRegexpRaw` (with `semver = false`) and
/// `SemverRegexpRaw` (a prerelease needs its `-`). The final `?` makes the
/// metadata group lazy, as in Go.
fn version_raw(semver: bool) -> String {
    let dash = if semver { "-" } else { "-?" };
    format!(
        r"v?([0-9]+(\.[0-9]+)*?)(-([0-9]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)|({dash}([A-Za-z\-~]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)))?(\+([0-9A-Za-z\-~]+(\.[0-9A-Za-z\-~]+)*))??"
    )
}

/// A whole version (`NewVersion` / `NewSemver`); the groups are Go's.
pub fn version_regex(semver: bool) -> &'static Regex {
    static LOOSE: OnceLock<Regex> = OnceLock::new();
    static STRICT: OnceLock<Regex> = OnceLock::new();
    let cell = if semver { &STRICT } else { &LOOSE };
    cell.get_or_init(|| Regex::new(&format!("^{}$", version_raw(semver))).expect("valid regex"))
}

/// One constraint: the operator, then a version (go-version's constraint
/// regexp; Go's `\s` is ASCII whitespace without `\v`). Nomad's semver
/// operators have no `~>`.
pub fn constraint_regex(semver: bool) -> &'static Regex {
    static LOOSE: OnceLock<Regex> = OnceLock::new();
    static STRICT: OnceLock<Regex> = OnceLock::new();
    let cell = if semver { &STRICT } else { &LOOSE };
    cell.get_or_init(|| {
        let ops = if semver {
            "<=|>=|!=|<|>|=|"
        } else {
            "<=|>=|!=|~>|<|>|=|"
        };
        let ws = r"[\t\n\f\r ]*";
        Regex::new(&format!("^{ws}({ops}){ws}({}){ws}$", version_raw(semver))).expect("valid regex")
    })
}

/// The written segments (`1.20.1` → 1, 20, 1), or the segment that
/// overflows an int64, which Go's `strconv.ParseInt` refuses.
pub fn segments(written: &str) -> Result<Vec<i64>, &str> {
    written
        .split('.')
        .map(|p| p.parse::<i64>().map_err(|_| p))
        .collect()
}

/// Why `NewConstraint` refuses `text` (a comma-separated list), as Nomad
/// `v` words it: `None` when it parses. `semver` picks Nomad's semver
/// package over go-version.
pub fn constraint_error(text: &str, semver: bool, v: NomadVersion) -> Option<String> {
    // go-version v1.8.0 arrived in Nomad 1.11.1 (go.mod, bisected).
    let lower = v.at_least(1, 11, 1);
    for single in text.split(',') {
        if let Some(written) = plain_constraint(single, semver) {
            if let Err(seg) = segments(written) {
                return Some(parse_int_error(seg, lower));
            }
            continue;
        }
        let Some(m) = constraint_regex(semver).captures(single) else {
            let word = if lower && !semver {
                "malformed"
            } else {
                "Malformed"
            };
            return Some(format!("{word} constraint: {single}"));
        };
        let written = m
            .get(2)
            .and_then(|ver| version_regex(semver).captures(ver.as_str()))
            .and_then(|c| c.get(1))
            .map_or("", |g| g.as_str());
        if let Err(seg) = segments(written) {
            return Some(parse_int_error(seg, lower));
        }
    }
    None
}

fn parse_int_error(seg: &str, lower: bool) -> String {
    let word = if lower { "error" } else { "Error" };
    format!(
        "{word} parsing version: strconv.ParseInt: parsing {}: value out of range",
        crate::gotext::go_quote(seg)
    )
}

/// Go's `\s` in go-version's regexps: ASCII whitespace without `\v`.
fn is_go_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// The version digits of a constraint in its everyday form (whitespace,
/// an operator or none, whitespace, `v` or not, digits separated by single
/// dots, whitespace), which [`constraint_regex`] matches with exactly
/// these digits as the version regexp's first group; `None` for anything
/// else, which the regexps judge. Compiling the two regexps was 7% of a
/// `check --staged`: the implied constraints the admission mutators add
/// (`>= 1.x.y`) are all of this form.
fn plain_constraint(single: &str, semver: bool) -> Option<&str> {
    let rest = single.trim_start_matches(|c: char| c.is_ascii() && is_go_space(c as u8));
    let two = ["<=", ">=", "!=", "~>"];
    let op_len = if two.iter().any(|op| rest.starts_with(op)) {
        2
    } else if rest.starts_with(['<', '>', '=']) {
        1
    } else {
        0
    };
    if semver && rest.starts_with("~>") {
        return None;
    }
    let rest = rest[op_len..].trim_start_matches(|c: char| c.is_ascii() && is_go_space(c as u8));
    let rest = rest.strip_prefix('v').unwrap_or(rest);
    let end = rest
        .bytes()
        .position(|b| !(b.is_ascii_digit() || b == b'.'))
        .unwrap_or(rest.len());
    let (written, tail) = rest.split_at(end);
    let well_formed = !written.is_empty()
        && written.split('.').all(|seg| !seg.is_empty())
        && tail.bytes().all(is_go_space);
    well_formed.then_some(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> NomadVersion {
        s.parse().unwrap()
    }

    /// The shortcut claims only what the regexps say: a match, with the
    /// same version digits.
    #[test]
    fn the_plain_form_reads_as_the_regexps_read_it() {
        let cases = [
            ">= 1.2.3",
            "1.0",
            "  >=1.0  ",
            "v1.2",
            "~> 1.0",
            "= 0",
            "!=\t2.10.0\r",
            "<1",
            ">99999999999999999999",
            ">= 1.x",
            "1.",
            ".1",
            "1..2",
            "=> 1",
            ">= 1.0-beta",
            ">= 1.0+meta",
            "\u{b}>= 1.0",
            ">= v",
            "",
            " ",
            "<>1",
            ">= 1.0\u{a0}",
            "vv1",
            "< 01.002",
        ];
        for semver in [false, true] {
            for c in cases {
                let Some(plain) = plain_constraint(c, semver) else {
                    continue;
                };
                let m = constraint_regex(semver).captures(c).expect(c);
                let version = m.get(2).unwrap().as_str();
                let by_regex = version_regex(semver).captures(version).unwrap();
                assert_eq!(by_regex.get(1).unwrap().as_str(), plain, "{c:?}");
            }
        }
        // It does take the everyday forms.
        assert_eq!(plain_constraint(" >= v1.20.3 ", false), Some("1.20.3"));
        assert_eq!(plain_constraint("~> 1.0", true), None);
        assert_eq!(plain_constraint(">= 1.0-beta", false), None);
    }

    #[test]
    fn constraints_parse_as_go_version_parses_them() {
        // go-version's TestNewConstraint table (constraint_test.go):
        // ">= 1.2", "1.0", ">= 1.x" (err), ">= 1.2.3, < 2" , "2.0 ,>= 1.0",
        // and its whitespace forms.
        let now = v("2.0.5");
        for ok in [
            ">= 1.2",
            "1.0",
            ">= 1.2.3, < 2.0",
            "  >=1.0",
            "~> 1.0",
            "=1.2-beta",
        ] {
            assert_eq!(constraint_error(ok, false, now), None, "{ok}");
        }
        assert_eq!(
            constraint_error(">= 1.x", false, now).unwrap(),
            "malformed constraint: >= 1.x"
        );
        assert_eq!(
            constraint_error(">= 1.0, foo", false, v("1.6.0")).unwrap(),
            "Malformed constraint:  foo"
        );
        // An empty list is one empty constraint, which does not match.
        assert_eq!(
            constraint_error("", false, now).unwrap(),
            "malformed constraint: "
        );
    }

    #[test]
    fn nomads_semver_has_no_pessimistic_operator_and_keeps_its_words() {
        // helper/constraints/semver: no `~>`, a prerelease needs its `-`,
        // `Malformed constraint` at every release.
        let now = v("2.0.5");
        assert_eq!(constraint_error(">= 1.0.0-beta.1", true, now), None);
        assert_eq!(
            constraint_error("~> 1.0", true, now).unwrap(),
            "Malformed constraint: ~> 1.0"
        );
        assert_eq!(
            constraint_error("1.0beta", true, now).unwrap(),
            "Malformed constraint: 1.0beta"
        );
        assert_eq!(constraint_error("1.0beta", false, now), None);
    }

    #[test]
    fn a_segment_past_int64_is_refused_by_parse_int() {
        let huge = ">= 1.99999999999999999999";
        assert_eq!(
            constraint_error(huge, false, v("2.0.5")).unwrap(),
            "error parsing version: strconv.ParseInt: parsing \"99999999999999999999\": value out of range"
        );
        assert_eq!(
            constraint_error(huge, true, v("1.6.0")).unwrap(),
            "Error parsing version: strconv.ParseInt: parsing \"99999999999999999999\": value out of range"
        );
    }
}
