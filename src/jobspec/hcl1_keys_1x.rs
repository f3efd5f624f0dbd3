//! Which keys the HCL1 job parser of each release 1.0.0 to 1.8.x accepts
//! in each block it checks (checkHCLKeys' `valid` lists in jobspec/parse*.go,
//! read at every tag: parser-keys-hcl1-1x.txt, written by
//! tests/fixtures/jobspec/parser_keys_hcl1_1x.py). Those CLIs parse a job
//! file with it after jobspec2 refused the file (hcl1_fallback.rs); a key
//! it refuses makes its attempt fail too. Read at the first look-up: only
//! a refused job file of those releases asks.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::version::NomadVersion;

const TABLE: &str = include_str!("parser-keys-hcl1-1x.txt");

/// Release ranges (inclusive indexes into the RELEASES line).
type Runs = Vec<(usize, usize)>;

struct Table {
    releases: Vec<NomadVersion>,
    paths: HashMap<&'static str, Runs>,
    keys: HashMap<(&'static str, &'static str), Runs>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| read(TABLE))
}

fn read(text: &'static str) -> Table {
    let releases: Vec<NomadVersion> = text
        .lines()
        .find_map(|l| l.strip_prefix("RELEASES "))
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|r| r.parse().ok())
        .collect();
    let index = |r: &str| {
        let v: NomadVersion = r.parse().ok()?;
        releases.iter().position(|x| *x == v)
    };
    let runs = |words: &[&str]| -> Runs {
        words
            .iter()
            .filter_map(|w| {
                let (a, b) = w.split_once("..").unwrap_or((w, w));
                Some((index(a)?, index(b)?))
            })
            .collect()
    };
    let (mut paths, mut keys) = (HashMap::new(), HashMap::new());
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["RELEASES", ..] => {}
            ["PATHS", path, rest @ ..] => {
                paths.insert(*path, runs(rest));
            }
            [path, key, rest @ ..] => {
                keys.insert((*path, *key), runs(rest));
            }
            _ => {}
        }
    }
    Table {
        releases,
        paths,
        keys,
    }
}

/// Does the HCL1 parser of `v` (1.0.0 to 1.8.x) check the keys of the
/// block at `path` (its idents from `job`) and refuse `key` there? False
/// where it checks none, or `v` is no release of the table's.
pub(super) fn refuses(path: &[&str], key: &str, v: NomadVersion) -> bool {
    let t = table();
    // The listed release `v` reads as: itself, or the latest of its line before it.
    let Some(r) = t
        .releases
        .iter()
        .rposition(|x| (x.major, x.minor) == (v.major, v.minor) && *x <= v)
    else {
        return false;
    };
    let has = |runs: &Runs| runs.iter().any(|(a, b)| (*a..=*b).contains(&r));
    let dotted = path.join(".");
    t.paths.get(dotted.as_str()).is_some_and(has)
        && !t.keys.get(&(dotted.as_str(), key)).is_some_and(has)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads_whole() {
        let t = table();
        assert_eq!(t.releases.first(), Some(&NomadVersion::new(1, 0, 0)));
        assert!(t.releases.contains(&NomadVersion::new(1, 8, 4)));
        assert!(t.paths.len() > 50 && t.keys.len() > 500);
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
