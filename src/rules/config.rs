//! Per-path ignores from `policy.hcl` (`ignore { paths = [...] codes = [...] }`).
//!
//! Our own glob matching ([`super::glob`]) instead of the `globset` crate:
//! the policy only needs `*`, `**` and `?` (globset's `*` crosses `/`
//! unless told, and it reads `[...]`, `{a,b}` and `\` escapes, which
//! would change what existing globs match), and globset would pull in
//! aho-corasick/bstr for a handful of patterns matched once per file.

use std::path::Path;

use crate::diag::{Diag, Severity};
use crate::world::Policy;

/// Front-end families a selector may name.
const FAMILIES: &[&str] = &["jobspec", "hcl"];

pub(crate) fn selector_matches(sel: &str, code: &str) -> bool {
    if sel.eq_ignore_ascii_case("ALL") {
        return true;
    }
    if let Some(r) = super::find(sel) {
        if r.meta().name == sel {
            return r.meta().code == code;
        }
    }
    let (sel, code) = (sel.to_ascii_lowercase(), code.to_ascii_lowercase());
    if FAMILIES.contains(&sel.as_str()) {
        return code.starts_with(&format!("{sel}::"));
    }
    code.starts_with(&sel)
}

/// A selector names something: `ALL`, a rule name, a prefix of a rule code,
/// a front-end family or one of its codes.
pub fn known_selector(sel: &str) -> Result<(), Diag> {
    let lower = sel.to_ascii_lowercase();
    let ok = lower == "all"
        || super::all().iter().any(|r| {
            let m = r.meta();
            m.name == sel || m.code.to_ascii_lowercase().starts_with(&lower)
        })
        || FAMILIES.iter().any(|f| lower == *f)
        || super::frontend::find(sel).is_some();
    if ok {
        return Ok(());
    }
    Err(unknown_rule(sel, format!("unknown rule selector `{sel}`")))
}

/// An error for a name that is no rule, with the closest code or name.
fn unknown_rule(sel: &str, message: String) -> Diag {
    let mut known: Vec<&str> = Vec::new();
    for r in super::all() {
        known.push(r.meta().code);
        known.push(r.meta().name);
    }
    known.extend(super::frontend::CODES.iter().map(|c| c.code));
    let hint = match crate::suggest::closest(sel, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? `nomad-preflight rules` lists every rule"),
        None => "`nomad-preflight rules` lists every rule; a selector is a code, a code prefix (NP1), a rule name, `jobspec`, `hcl` or ALL".into(),
    };
    Diag::error("check::unknown-rule", message).help(hint)
}

/// The rule codes and names a policy configures (`rule "X"` blocks and
/// `ignore { rules = [...] }`) that name no rule: errors, so a typo never
/// leaves a rule quietly on.
pub fn unknown_in_policy(policy: &Policy) -> Vec<Diag> {
    let named = policy
        .rules
        .keys()
        .chain(policy.ignores.iter().flat_map(|i| i.codes.iter()));
    named
        .filter_map(|code| {
            if super::find(code).is_some() {
                return None;
            }
            match super::frontend::find(code) {
                None => Some(unknown_rule(code, format!("policy.hcl configures unknown rule `{code}`"))),
                // Nomad refuses the file: no policy may hide that.
                Some(c) if c.severity == Severity::Error => Some(
                    Diag::error(
                        "check::unknown-rule",
                        format!("policy.hcl configures `{code}`, an error Nomad reports: it cannot be switched off or ignored"),
                    )
                    .help("fix the job files instead; only the front end's warnings can be configured"),
                ),
                Some(_) => None,
            }
        })
        .collect()
}

/// Is `code` ignored for `path` (relative to the project root) by the policy?
pub fn path_ignored(policy: &Policy, path: &Path, code: &str) -> bool {
    let path = path_text(path);
    policy.ignores.iter().any(|ig| {
        let code_matches = ig.codes.is_empty()
            || ig.codes.iter().any(|c| {
                c.eq_ignore_ascii_case(code)
                    || super::find(c).is_some_and(|r| r.meta().code == code)
            });
        code_matches && glob_match(&ig.glob, &path)
    })
}

/// `a/b/c` with no leading `./`, as globs are written. Only on Windows is
/// `\` a separator (written `/` here); elsewhere it is a byte of a file
/// name, and `jobs\web.nomad` is one file at the top, never in `jobs/`
/// (redteam11 R11-6: a pull request naming a file `legacy\x.nomad` was
/// excluded by `legacy/**`).
pub fn path_text(path: &Path) -> String {
    let s = slashes(&crate::vfs::normalize(path).to_string_lossy());
    s.trim_start_matches("./").to_string()
}

/// A path's text with the platform's separators written `/`.
pub fn slashes(s: &str) -> String {
    if cfg!(windows) {
        s.replace('\\', "/")
    } else {
        s.to_string()
    }
}

/// Match a path against a glob: `*` and `?` stay inside one path segment,
/// `**` spans any number of segments (including none); in time linear in
/// the path for each glob token, whatever the stars ([`super::glob`]).
pub use super::glob::{glob_match, glob_takes_all_below};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::PathIgnore;

    /// redteam11 R11-6: outside Windows `\` is part of a name, so a
    /// folder's glob does not reach `legacy\evil.nomad` (a top-level file).
    #[cfg(unix)]
    #[test]
    fn a_backslash_is_not_a_separator_outside_windows() {
        let p = path_text(Path::new("./legacy\\evil.nomad"));
        assert_eq!(p, "legacy\\evil.nomad");
        assert!(!glob_match("legacy/**", &p));
        assert!(glob_match("*.nomad", &p));
        assert_eq!(path_text(Path::new("./jobs/web.nomad")), "jobs/web.nomad");
    }

    #[test]
    fn unknown_policy_codes_are_errors() {
        let mut policy = Policy::default();
        policy
            .rules
            .insert("NP999".into(), crate::world::RuleLevel::Off);
        policy
            .rules
            .insert("NP101".into(), crate::world::RuleLevel::Off);
        // A front-end warning may be configured; an error Nomad reports may
        // not, and an unknown front-end code is a typo like any other.
        policy.rules.insert(
            "jobspec::template-path".into(),
            crate::world::RuleLevel::Off,
        );
        policy
            .rules
            .insert("jobspec::missing".into(), crate::world::RuleLevel::Off);
        let d = unknown_in_policy(&policy);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().any(|d| d.message.contains("`NP999`")));
        assert!(d.iter().any(|d| d
            .message
            .contains("`jobspec::missing`, an error Nomad reports")));
    }

    #[test]
    fn globs() {
        assert!(glob_match("jobs/*.nomad", "jobs/a.nomad"));
        assert!(!glob_match("jobs/*.nomad", "jobs/x/a.nomad"));
        assert!(glob_match("jobs/**/*.nomad", "jobs/a.nomad"));
        assert!(glob_match("jobs/**/*.nomad", "jobs/x/y/a.nomad"));
        assert!(glob_match("**/legacy/**", "a/legacy/b.hcl"));
        assert!(glob_match("?.hcl", "a.hcl"));
        assert!(!glob_match("?.hcl", "ab.hcl"));
        assert!(!glob_match("jobs/*.nomad", "jobs/a.nomad.hcl"));
    }

    #[test]
    fn ignores_by_code_or_name_or_all() {
        let mut policy = Policy::default();
        policy.ignores.push(PathIgnore {
            glob: "legacy/**".into(),
            codes: vec!["image-tag-latest".into()],
            ..PathIgnore::default()
        });
        policy.ignores.push(PathIgnore {
            glob: "vendor/*".into(),
            codes: vec![],
            ..PathIgnore::default()
        });
        assert!(path_ignored(
            &policy,
            Path::new("./legacy/a.nomad"),
            "NP101"
        ));
        assert!(!path_ignored(&policy, Path::new("legacy/a.nomad"), "NP102"));
        assert!(path_ignored(&policy, Path::new("vendor/a.nomad"), "NP999"));
        assert!(!path_ignored(&policy, Path::new("jobs/a.nomad"), "NP101"));
    }
}
