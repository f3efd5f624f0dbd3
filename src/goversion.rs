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
            let word = if lower { "error" } else { "Error" };
            return Some(format!(
                "{word} parsing version: strconv.ParseInt: parsing {}: value out of range",
                crate::gotext::go_quote(seg)
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> NomadVersion {
        s.parse().unwrap()
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
