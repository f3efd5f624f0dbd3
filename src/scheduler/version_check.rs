//! Version constraints for the `version` (hashicorp/go-version semantics) and
//! `semver` (strict SemVer 2.0 ordering) operators.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    segments: Vec<u64>,
    /// How many segments were written (for `~>`).
    written: usize,
    pre: Vec<String>,
}

fn parse_version(s: &str, strict: bool) -> Option<Version> {
    let s = s.trim();
    let s = if strict { s } else { s.trim_start_matches('v') };
    let (core, _meta) = s.split_once('+').unwrap_or((s, ""));
    let (core, pre) = match core.split_once('-') {
        Some((c, p)) if !p.is_empty() => (c, p.split('.').map(str::to_string).collect()),
        Some(_) => return None,
        None => (core, Vec::new()),
    };
    let mut segments = core
        .split('.')
        .map(|p| p.parse::<u64>().ok())
        .collect::<Option<Vec<_>>>()?;
    let written = segments.len();
    if written == 0 || (strict && written != 3) {
        return None;
    }
    while segments.len() < 3 {
        segments.push(0);
    }
    Some(Version {
        segments,
        written,
        pre,
    })
}

/// SemVer precedence for prerelease identifiers: numeric < alphanumeric,
/// numbers numerically, and a release sorts after its prereleases.
fn cmp_pre(a: &[String], b: &[String]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    for (x, y) in a.iter().zip(b) {
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(i), Ok(j)) => i.cmp(&j),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            _ => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

fn cmp(a: &Version, b: &Version) -> Ordering {
    let n = a.segments.len().max(b.segments.len());
    for i in 0..n {
        let x = a.segments.get(i).copied().unwrap_or(0);
        let y = b.segments.get(i).copied().unwrap_or(0);
        if x != y {
            return x.cmp(&y);
        }
    }
    cmp_pre(&a.pre, &b.pre)
}

fn check_one(v: &Version, op: &str, c: &Version) -> bool {
    let o = cmp(v, c);
    match op {
        "" | "=" | "==" => o == Ordering::Equal,
        "!=" => o != Ordering::Equal,
        ">" => o == Ordering::Greater,
        "<" => o == Ordering::Less,
        ">=" => o != Ordering::Less,
        "<=" => o != Ordering::Greater,
        "~>" => {
            if o == Ordering::Less {
                return false;
            }
            // Pessimistic: every written segment but the last must match.
            let fixed = c.written.saturating_sub(1).max(1);
            v.segments
                .iter()
                .zip(&c.segments)
                .take(fixed)
                .all(|(a, b)| a == b)
        }
        _ => false,
    }
}

fn matches(version: &str, constraints: &str, strict: bool) -> bool {
    let Some(v) = parse_version(version, strict) else {
        return false;
    };
    for part in constraints.split(',') {
        let part = part.trim();
        let op_len = part
            .find(|c: char| c.is_ascii_digit() || c == 'v')
            .unwrap_or(part.len());
        let (op, ver) = part.split_at(op_len);
        let Some(c) = parse_version(ver, strict) else {
            return false;
        };
        // go-version: a prerelease only satisfies constraints that name a
        // prerelease themselves; strict semver orders them per the spec.
        if !strict && !v.pre.is_empty() && c.pre.is_empty() {
            return false;
        }
        if !check_one(&v, op.trim(), &c) {
            return false;
        }
    }
    true
}

pub fn go_version_matches(version: &str, constraints: &str) -> bool {
    matches(version, constraints, false)
}

pub fn semver_matches(version: &str, constraints: &str) -> bool {
    matches(version, constraints, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_version_constraints() {
        assert!(go_version_matches("1.2.3", ">= 1.0, < 1.4"));
        assert!(!go_version_matches("1.4.0", ">= 1.0, < 1.4"));
        assert!(go_version_matches("1.2", "= 1.2.0"));
        assert!(go_version_matches("1.2.9", "~> 1.2.3"));
        assert!(!go_version_matches("1.3.0", "~> 1.2.3"));
        assert!(go_version_matches("1.9", "~> 1.2"));
        assert!(!go_version_matches("2.0", "~> 1.2"));
        assert!(!go_version_matches("1.3.0-beta1", ">= 1.2"));
        assert!(!go_version_matches("garbage", ">= 1.2"));
    }

    #[test]
    fn semver_constraints() {
        assert!(semver_matches("0.9.3", ">= 0.6.1"));
        assert!(semver_matches("1.0.0-rc.1", "> 1.0.0-beta.2"));
        assert!(semver_matches("1.0.0-rc.1", "< 1.0.0"));
        assert!(
            !semver_matches("1.2", ">= 1.0.0"),
            "strict semver wants three parts"
        );
    }
}
