//! Per-path ignores from `policy.hcl` (`ignore { paths = [...] codes = [...] }`).
//!
//! A dozen lines of glob matching instead of the `globset` crate: the
//! policy only needs `*`, `**` and `?`, and globset would pull in
//! aho-corasick/bstr for a handful of patterns matched once per file.

use std::path::Path;

use crate::world::Policy;

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

/// `a/b/c` with forward slashes and no leading `./`, as globs are written.
pub fn path_text(path: &Path) -> String {
    let s = crate::vfs::normalize(path)
        .to_string_lossy()
        .replace('\\', "/");
    s.trim_start_matches("./").to_string()
}

/// Match a path against a glob: `*` and `?` stay inside one path segment,
/// `**` spans any number of segments (including none).
pub fn glob_match(glob: &str, path: &str) -> bool {
    matches(glob.as_bytes(), path.as_bytes())
}

fn matches(g: &[u8], p: &[u8]) -> bool {
    match g {
        [] => p.is_empty(),
        [b'*', b'*', b'/', rest @ ..] => {
            // `**/` matches zero segments, or one segment and recurse.
            matches(rest, p)
                || p.iter()
                    .enumerate()
                    .any(|(i, c)| *c == b'/' && matches(rest, &p[i + 1..]))
        }
        [b'*', b'*'] => true,
        [b'*', rest @ ..] => {
            let mut i = 0;
            loop {
                if matches(rest, &p[i..]) {
                    return true;
                }
                match p.get(i) {
                    Some(b'/') | None => return false,
                    Some(_) => i += 1,
                }
            }
        }
        [b'?', rest @ ..] => matches!(p.first(), Some(c) if *c != b'/') && matches(rest, &p[1..]),
        [c, rest @ ..] => p.first() == Some(c) && matches(rest, &p[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::PathIgnore;

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
