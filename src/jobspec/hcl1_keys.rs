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

/// Borrowed from the table's text: building it allocates no key.
struct Keys {
    releases: Vec<NomadVersion>,
    /// Block path -> the releases (bit `i` for index `i`) that check its keys.
    paths: HashMap<&'static str, Releases>,
    /// (block path, key) -> the releases whose parser accepts it.
    keys: HashMap<(&'static str, &'static str), Releases>,
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
        // The runs name releases as the RELEASES line writes them: looked
        // up by that text, not parsed again on every line.
        let mut index: HashMap<&'static str, usize> = HashMap::new();
        for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
            let w: Vec<&'static str> = line.split_whitespace().collect();
            match w.as_slice() {
                ["RELEASES", rest @ ..] => {
                    for text in rest {
                        if let Ok(v) = text.parse() {
                            index.insert(text, k.releases.len());
                            k.releases.push(v);
                        }
                    }
                }
                ["PATHS", path, runs @ ..] => {
                    k.paths.insert(path, releases(&index, runs));
                }
                [path, key, runs @ ..] => {
                    k.keys.insert((path, key), releases(&index, runs));
                }
                _ => {}
            }
        }
        k
    })
}

/// The indexes of `a..b` runs, each end as the RELEASES line writes it.
fn releases(index: &HashMap<&str, usize>, runs: &[&str]) -> Releases {
    let pos = |v: &str| index.get(v).copied();
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
    // Only HCL1's releases are listed: a later one never builds the table.
    if v.major != 0 {
        return None;
    }
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
    let checked = t.paths.get(path.as_str()).is_some_and(|s| has(*s, r));
    checked
        && !t
            .keys
            .get(&(path.as_str(), key))
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

    /// The runs are looked up by their text: every end must be written as
    /// the RELEASES line writes it, or its releases would silently drop.
    #[test]
    fn every_run_names_a_listed_release() {
        let listed: Vec<&str> = TABLE
            .lines()
            .find_map(|l| l.strip_prefix("RELEASES "))
            .expect("a RELEASES line")
            .split_whitespace()
            .collect();
        for line in TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("RELEASES"))
        {
            let w: Vec<&str> = line.split_whitespace().collect();
            // `PATHS path runs...` and `path key runs...` alike.
            for run in w.iter().skip(2) {
                let (a, b) = run.split_once("..").unwrap_or((run, run));
                assert!(listed.contains(&a) && listed.contains(&b), "{line}");
            }
        }
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
