//! Which keys HCL1's job parser of each release 0.9.3 to 0.12.12 accepts
//! in each block it checks: the `valid` lists jobspec/parse*.go hands to
//! helper.CheckHCLKeys, read at every tag (parser-keys-hcl1.txt, written
//! by tests/fixtures/jobspec/parser_keys_hcl1.py; re-checked against our
//! parser by tests/jobspec_version_keys_hcl1.rs). A key outside the list
//! of its block is `invalid key: K` (hcl1_key_errors.rs), whether a later
//! release has it or none does (a misspelt `memroy`).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::version::NomadVersion;

const TABLE: &str = include_str!("parser-keys-hcl1.txt");

struct Keys {
    releases: Vec<NomadVersion>,
    /// Block path -> the releases (bit `i` for index `i`) that check its keys.
    paths: HashMap<String, Releases>,
    /// (block path, key) -> the releases whose parser accepts it.
    keys: HashMap<(String, String), Releases>,
}

/// A set of release indexes as bits: a `HashSet<usize>` per line, filled
/// one SipHash insert per release, made building the table 5.5 M
/// instructions of every check judged before 1.0 (the hook's 8 M doubled).
/// The table lists 37 releases; a unit test keeps them within the bits.
type Releases = u128;

fn table() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut k = Keys {
            releases: Vec::new(),
            paths: HashMap::new(),
            keys: HashMap::new(),
        };
        for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
            let w: Vec<&str> = line.split_whitespace().collect();
            match w.as_slice() {
                ["RELEASES", rest @ ..] => {
                    k.releases = rest.iter().filter_map(|v| v.parse().ok()).collect();
                }
                ["PATHS", path, runs @ ..] => {
                    let set = releases(&k.releases, runs);
                    k.paths.insert(path.to_string(), set);
                }
                [path, key, runs @ ..] => {
                    let set = releases(&k.releases, runs);
                    k.keys.insert((path.to_string(), key.to_string()), set);
                }
                _ => {}
            }
        }
        k
    })
}

/// The indexes of `a..b` runs over `all`.
fn releases(all: &[NomadVersion], runs: &[&str]) -> Releases {
    let pos = |v: &str| {
        let v: NomadVersion = v.parse().ok()?;
        all.iter().position(|r| *r == v)
    };
    let mut out: Releases = 0;
    for run in runs {
        let (a, b) = run.split_once("..").unwrap_or((run, run));
        if let (Some(a), Some(b)) = (pos(a), pos(b)) {
            for i in (a..=b).filter(|i| *i < Releases::BITS as usize) {
                out |= 1 << i;
            }
        }
    }
    out
}

fn has(set: Releases, r: usize) -> bool {
    r < Releases::BITS as usize && set >> r & 1 == 1
}

/// The listed release `v` reads as: itself, or the latest listed one of
/// its line before it; `None` outside 0.9.3 to 0.12.x.
fn release(v: NomadVersion) -> Option<usize> {
    table()
        .releases
        .iter()
        .rposition(|r| (r.major, r.minor) == (v.major, v.minor) && *r <= v)
}

/// Does the parser of `v` refuse `key` in the block at `path` (its
/// idents from `job`)? `false` where it checks no keys, or `v` is not a
/// release the table holds.
pub(super) fn refuses(path: &[&str], key: &str, v: NomadVersion) -> bool {
    let Some(r) = release(v) else { return false };
    let t = table();
    let path = path.join(".");
    let checked = t.paths.get(&path).is_some_and(|s| has(*s, r));
    checked
        && !t
            .keys
            .get(&(path, key.to_string()))
            .is_some_and(|s| has(*s, r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_release_has_its_bit() {
        assert!(!table().releases.is_empty());
        assert!(table().releases.len() <= Releases::BITS as usize);
    }

    #[test]
    fn each_release_refuses_what_its_lists_lack() {
        let v = |s: &str| s.parse::<NomadVersion>().expect("version");
        let task = ["job", "group", "task"];
        assert!(refuses(&task, "memroy", v("0.12.12")));
        assert!(!refuses(&task, "driver", v("0.12.12")));
        assert!(refuses(&task, "lifecycle", v("0.10.9")));
        assert!(!refuses(&task, "lifecycle", v("0.11.0")));
        // Unchecked blocks, and releases the table does not hold.
        assert!(!refuses(
            &["job", "group", "task", "config"],
            "x",
            v("0.12.12")
        ));
        assert!(!refuses(&task, "memroy", v("1.0.0")));
        assert!(!refuses(&task, "memroy", v("0.8.7")));
    }
}
