//! Which keys the HCL1 job parser of each release 1.0.0 to 1.8.x accepts
//! in each block it checks (checkHCLKeys' `valid` lists in jobspec/parse*.go,
//! read at every tag: parser-keys-hcl1-1x.txt, written by
//! tests/fixtures/jobspec/parser_keys_hcl1_1x.py). Those CLIs parse a job
//! file with it after jobspec2 refused the file (hcl1_fallback.rs); a key
//! it refuses makes its attempt fail too. Built with the pre-1.0 table by
//! build.rs, looked up as it is (hcl1_keys.rs).

use super::hcl1_keys::{Releases, Table};
use crate::version::NomadVersion;

// `RELEASES`, `PATHS` and `KEYS`, sorted, from parser-keys-hcl1-1x.txt.
include!(concat!(env!("OUT_DIR"), "/hcl1_keys_1x.rs"));

static HCL1_1X: Table = Table::new(RELEASES, PATHS, KEYS);

/// Does the HCL1 parser of `v` (1.0.0 to 1.8.x) check the keys of the
/// block at `path` (its idents from `job`) and refuse `key` there? False
/// where it checks none, or `v` is no release of the table's.
pub(super) fn refuses(path: &[&str], key: &str, v: NomadVersion) -> bool {
    HCL1_1X.checked(path, v).is_some_and(|c| c.refuses(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_table_is_the_text() {
        let text = include_str!("parser-keys-hcl1-1x.txt");
        crate::jobspec::hcl1_keys::tests::assert_table_is_text(text, &HCL1_1X);
        assert_eq!(RELEASES.first(), Some(&NomadVersion::new(1, 0, 0)));
        assert_eq!(RELEASES.len(), 129);
        assert!(PATHS.len() > 50 && KEYS.len() > 500);
    }

    /// A group's consul block (parseConsul, 1.1.7 on) knows `namespace`
    /// alone; `node_pool` reached HCL1's job keys at 1.6.2 (jobspec2's at
    /// 1.6.0); a task's config is decoded without a check.
    #[test]
    fn keys_per_release() {
        let v = |m, p| NomadVersion::new(1, m, p);
        assert!(refuses(&["job", "group", "consul"], "cluster", v(6, 0)));
        assert!(!refuses(&["job", "group", "consul"], "namespace", v(6, 0)));
        assert!(!refuses(&["job", "group", "consul"], "cluster", v(1, 6)));
        assert!(refuses(&["job"], "node_pool", v(6, 1)));
        assert!(!refuses(&["job"], "node_pool", v(6, 2)));
        assert!(!refuses(
            &["job", "group", "task", "config"],
            "bogus",
            v(6, 0)
        ));
        assert!(!refuses(&["job"], "bogus", NomadVersion::new(1, 9, 0)));
    }
}
