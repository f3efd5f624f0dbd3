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

    /// Blocks whose check the table once left out (read as unchecked):
    /// a template's change_script (parseTemplates, 1.3.4 on), a
    /// terminating gateway and its services and an upstream's
    /// mesh_gateway (1.1.3 on), a proxy's transparent_proxy (1.8.0 on), a
    /// listener service's tls and headers (1.7.7 on).
    #[test]
    fn every_checked_block_has_its_path() {
        let v = |m, p| NomadVersion::new(1, m, p);
        let task = ["job", "group", "task"];
        let script = [&task[..], &["template", "change_script"]].concat();
        assert!(refuses(&script, "typo", v(6, 0)));
        assert!(!refuses(&script, "fail_on_error", v(6, 0)));
        assert!(!refuses(&script, "typo", v(3, 3)));
        let connect = ["job", "group", "service", "connect"];
        let proxy = [&connect[..], &["sidecar_service", "proxy"]].concat();
        let tproxy = [&proxy[..], &["transparent_proxy"]].concat();
        assert!(refuses(&tproxy, "typo", v(8, 0)));
        assert!(!refuses(&tproxy, "no_dns", v(8, 0)));
        let mesh = [&proxy[..], &["upstreams", "mesh_gateway"]].concat();
        assert!(refuses(&mesh, "typo", v(2, 0)));
        let terminating = [&connect[..], &["gateway", "terminating", "service"]].concat();
        assert!(refuses(&terminating, "typo", v(6, 0)));
        assert!(!refuses(&terminating, "sni", v(6, 0)));
        let listener = [&connect[..], &["gateway", "ingress", "listener", "service"]].concat();
        assert!(refuses(
            &[&listener[..], &["tls", "sds"]].concat(),
            "typo",
            v(8, 0)
        ));
        assert!(refuses(
            &[&listener[..], &["request_headers"]].concat(),
            "typo",
            v(8, 0)
        ));
        assert!(!refuses(
            &[&listener[..], &["tls"]].concat(),
            "typo",
            v(7, 6)
        ));
    }
}
