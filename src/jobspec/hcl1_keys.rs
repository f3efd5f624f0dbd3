//! Which keys HCL1's job parser of each release 0.9.3 to 0.12.12 accepts
//! in each block it checks: the `valid` lists jobspec/parse*.go hands to
//! helper.CheckHCLKeys, read at every tag (parser-keys-hcl1.txt, written
//! by tests/fixtures/jobspec/parser_keys_hcl1.py; re-checked against our
//! parser by tests/jobspec_version_keys_hcl1.rs). A key outside the list
//! of its block is `invalid key: K` (hcl1_key_errors.rs), whether a later
//! release has it or none does (a misspelt `memroy`).

use std::cmp::Ordering;

use crate::version::NomadVersion;

/// A set of release indexes (into a table's `RELEASES`) as bits, 64 a
/// word: the 1.x table lists 129 releases. build.rs refuses a table with
/// more than the words hold (its RELEASE_WORDS is this length).
#[derive(Clone, Copy)]
pub(super) struct Releases(pub(super) [u64; 3]);

impl Releases {
    fn has(self, r: usize) -> bool {
        self.0.get(r / 64).is_some_and(|w| w >> (r % 64) & 1 == 1)
    }
}

/// One HCL1 key table as build.rs writes it: `releases` ascending,
/// `paths` sorted by path, `keys` by (path, key).
pub(super) struct Table {
    releases: &'static [NomadVersion],
    paths: &'static [PathRow],
    keys: &'static [(&'static str, &'static str, Releases)],
}

/// A block path, the releases that check its keys, and the range of its
/// rows in the table's keys (found by build.rs: two binary searches of
/// the keys per block were a fifth of the version gates' walk).
pub(super) type PathRow = (&'static str, Releases, usize, usize);

// `RELEASES`, `PATHS` and `KEYS`, sorted, from parser-keys-hcl1.txt.
// Built when the binary is compiled: parsed into SipHash maps at the first
// look-up, the table was most of `version_gates::check`'s ~3.7 M
// instructions in a pre-1.0 `check --staged` (the hook's ~8 M).
include!(concat!(env!("OUT_DIR"), "/hcl1_keys.rs"));

static HCL1: Table = Table::new(RELEASES, PATHS, KEYS);

/// The key check the parser of `v` (0.9.3 to 0.12.x) makes in the block
/// at `path` (its idents from `job`); `None` where it checks no keys, or
/// `v` is not a release the table holds. Found once per block, not once
/// per key.
pub(super) fn checked(path: &[&str], v: NomadVersion) -> Option<Checked> {
    HCL1.checked(path, v)
}

impl Table {
    pub(super) const fn new(
        releases: &'static [NomadVersion],
        paths: &'static [PathRow],
        keys: &'static [(&'static str, &'static str, Releases)],
    ) -> Table {
        Table {
            releases,
            paths,
            keys,
        }
    }

    /// The listed release `v` reads as: itself, or the latest listed one
    /// of its line before it; `None` outside the table's lines.
    fn release(&self, v: NomadVersion) -> Option<usize> {
        // build.rs fails the build unless the releases ascend.
        let r = self.releases.partition_point(|r| *r <= v).checked_sub(1)?;
        let at = self.releases[r];
        ((at.major, at.minor) == (v.major, v.minor)).then_some(r)
    }

    /// The key check the parser of `v` makes in the block at `path` (its
    /// idents from `job`); `None` where it checks no keys, or `v` is not a
    /// release the table holds.
    pub(super) fn checked(&self, path: &[&str], v: NomadVersion) -> Option<Checked> {
        let release = self.release(v)?;
        let at = self
            .paths
            .binary_search_by(|(p, ..)| cmp_path(p, path))
            .ok()?;
        let (_, releases, from, to) = self.paths[at];
        if !releases.has(release) {
            return None;
        }
        Some(Checked {
            keys: self.keys.get(from..to)?,
            release,
        })
    }
}

/// `dotted` (a table path) against `path` joined with dots, bytewise as
/// the table is sorted, without building the joined string: a segment at
/// a time (a byte at a time through iterators was 1.3 M instructions of a
/// pre-1.0 `check --staged`).
fn cmp_path(dotted: &str, path: &[&str]) -> Ordering {
    let mut rest = dotted.as_bytes();
    for (i, seg) in path.iter().enumerate() {
        if i > 0 {
            match rest.split_first() {
                None => return Ordering::Less,
                Some((&b'.', r)) => rest = r,
                Some((c, _)) => return c.cmp(&b'.'),
            }
        }
        let seg = seg.as_bytes();
        let n = seg.len().min(rest.len());
        match rest[..n].cmp(&seg[..n]) {
            Ordering::Equal if rest.len() < seg.len() => return Ordering::Less,
            Ordering::Equal => rest = &rest[n..],
            other => return other,
        }
    }
    if rest.is_empty() {
        Ordering::Equal
    } else {
        Ordering::Greater
    }
}

/// The keys of one block whose keys the parser of a release checks.
pub(super) struct Checked {
    /// The block's rows of the table's keys, sorted by key.
    keys: &'static [(&'static str, &'static str, Releases)],
    release: usize,
}

impl Checked {
    /// Does the parser refuse `key` here?
    pub(super) fn refuses(&self, key: &str) -> bool {
        !self
            .keys
            .binary_search_by(|(_, k, _)| (*k).cmp(key))
            .is_ok_and(|i| self.keys[i].2.has(self.release))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn refuses(path: &[&str], key: &str, v: NomadVersion) -> bool {
        checked(path, v).is_some_and(|c| c.refuses(key))
    }

    /// A key table's text read here without build.rs's code: the RELEASES
    /// line, and per PATHS row and per key row whether each release is in
    /// its runs.
    struct Text<'a> {
        listed: Vec<&'a str>,
        paths: BTreeMap<&'a str, Vec<bool>>,
        keys: BTreeMap<(&'a str, &'a str), Vec<bool>>,
    }

    fn read(text: &str) -> Text<'_> {
        let listed: Vec<&str> = text
            .lines()
            .find_map(|l| l.strip_prefix("RELEASES "))
            .expect("a RELEASES line")
            .split_whitespace()
            .collect();
        let pos = |v: &str| listed.iter().position(|l| *l == v).expect(v);
        let runs = |runs: &[&str]| {
            let mut set = vec![false; listed.len()];
            for run in runs {
                let (a, b) = run.split_once("..").unwrap_or((run, run));
                set[pos(a)..=pos(b)].fill(true);
            }
            set
        };
        let (mut paths, mut keys) = (BTreeMap::new(), BTreeMap::new());
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let w: Vec<&str> = line.split_whitespace().collect();
            match w.as_slice() {
                ["RELEASES", ..] => {}
                ["PATHS", path, rest @ ..] => assert!(paths.insert(*path, runs(rest)).is_none()),
                [path, key, rest @ ..] => assert!(keys.insert((*path, *key), runs(rest)).is_none()),
                _ => {}
            }
        }
        Text {
            listed,
            paths,
            keys,
        }
    }

    /// The compiled `table` says what `text` says, row by row, and its
    /// look-ups answer as the text does for every listed release: a block
    /// is checked at the releases of its PATHS row, and there refuses a key
    /// outside the releases of its row (and one with no row).
    pub(in crate::jobspec) fn assert_table_is_text(text: &str, table: &Table) {
        let t = read(text);
        let shown: Vec<String> = table.releases.iter().map(|r| r.to_string()).collect();
        assert_eq!(shown, t.listed);
        let rows: Vec<_> = table.paths.iter().map(|(p, ..)| *p).collect();
        // Each path's range holds its rows of the keys, and only them.
        for (p, _, from, to) in table.paths {
            let inside = |k: &&(&str, &str, Releases)| k.0 == *p;
            let n = table.keys.iter().filter(inside).count();
            assert_eq!(to - from, n, "{p}");
            assert!(table.keys[*from..*to].iter().all(|k| k.0 == *p), "{p}");
        }
        assert_eq!(rows, t.paths.keys().copied().collect::<Vec<_>>());
        let rows: Vec<_> = table.keys.iter().map(|(p, k, _)| (*p, *k)).collect();
        assert_eq!(rows, t.keys.keys().copied().collect::<Vec<_>>());
        for (r, listed) in t.listed.iter().enumerate() {
            let v: NomadVersion = listed.parse().expect(listed);
            assert_eq!(table.release(v), Some(r), "{listed}");
            let next = NomadVersion::new(v.major, v.minor, v.patch + 1);
            if !t.listed.contains(&next.to_string().as_str()) {
                assert_eq!(table.release(next), Some(r), "{next}");
            }
            for (path, set) in &t.paths {
                let c = table.checked(&path.split('.').collect::<Vec<_>>(), v);
                assert_eq!(c.is_some(), set[r], "{path} at {listed}");
                assert_eq!(c.is_some_and(|c| c.refuses("no-such-key")), set[r]);
            }
            for ((path, key), set) in &t.keys {
                let checked = t.paths.get(path).is_some_and(|p| p[r]);
                let segs: Vec<&str> = path.split('.').collect();
                let refused = table.checked(&segs, v).is_some_and(|c| c.refuses(key));
                assert_eq!(refused, checked && !set[r], "{path} {key} at {listed}");
            }
        }
    }

    #[test]
    fn the_compiled_table_is_the_text() {
        assert_table_is_text(include_str!("parser-keys-hcl1.txt"), &HCL1);
    }

    /// A look-up by segments finds what one by the joined path finds: the
    /// comparison orders as the table's strings sort.
    #[test]
    fn segments_compare_as_the_joined_path() {
        for (p, ..) in PATHS {
            // The path itself, one segment more, its last one longer
            // (`job.group_`) and shorter (`job.grou`).
            let mut variants: Vec<String> = vec![p.to_string(), format!("{p}.a"), format!("{p}_")];
            if let Some(short) = p.strip_suffix(|c: char| c != '.') {
                variants.push(short.to_string());
            }
            for joined in &variants {
                let segs: Vec<&str> = joined.split('.').collect();
                for (q, ..) in PATHS {
                    assert_eq!(
                        cmp_path(q, &segs),
                        (*q).cmp(joined.as_str()),
                        "{q} vs {joined}"
                    );
                }
            }
        }
        assert!(PATHS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(KEYS.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
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
