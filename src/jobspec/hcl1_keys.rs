//! Which keys HCL1's job parser of each release 0.9.3 to 0.12.12 accepts
//! in each block it checks: the `valid` lists jobspec/parse*.go hands to
//! helper.CheckHCLKeys, read at every tag (parser-keys-hcl1.txt, written
//! by tests/fixtures/jobspec/parser_keys_hcl1.py; re-checked against our
//! parser by tests/jobspec_version_keys_hcl1.rs). A key outside the list
//! of its block is `invalid key: K` (hcl1_key_errors.rs), whether a later
//! release has it or none does (a misspelt `memroy`).

use std::cmp::Ordering;

use crate::version::NomadVersion;

/// A set of release indexes (into `RELEASES`) as bits. The table lists
/// 37 releases; build.rs refuses more than the bits hold.
type Releases = u64;

// `RELEASES`, `PATHS` and `KEYS`, sorted, from parser-keys-hcl1.txt.
// Built when the binary is compiled: parsed into SipHash maps at the first
// look-up, the table was most of `version_gates::check`'s ~3.7 M
// instructions in a pre-1.0 `check --staged` (the hook's ~8 M).
include!(concat!(env!("OUT_DIR"), "/hcl1_keys.rs"));

fn has(set: Releases, r: usize) -> bool {
    r < Releases::BITS as usize && set >> r & 1 == 1
}

/// The listed release `v` reads as: itself, or the latest listed one of
/// its line before it; `None` outside 0.9.3 to 0.12.x.
fn release(v: NomadVersion) -> Option<usize> {
    // Only HCL1's releases are listed.
    if v.major != 0 {
        return None;
    }
    RELEASES
        .iter()
        .rposition(|r| (r.major, r.minor) == (v.major, v.minor) && *r <= v)
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
    /// The block's rows of `KEYS`, sorted by key.
    keys: &'static [(&'static str, &'static str, Releases)],
    release: usize,
}

/// The key check the parser of `v` makes in the block at `path` (its
/// idents from `job`); `None` where it checks no keys, or `v` is not a
/// release the table holds. Found once per block, not once per key.
pub(super) fn checked(path: &[&str], v: NomadVersion) -> Option<Checked> {
    let release = release(v)?;
    let at = PATHS.binary_search_by(|(p, _)| cmp_path(p, path)).ok()?;
    if !has(PATHS[at].1, release) {
        return None;
    }
    let from = KEYS.partition_point(|(p, _, _)| cmp_path(p, path).is_lt());
    let to = from + KEYS[from..].partition_point(|(p, _, _)| cmp_path(p, path).is_eq());
    Some(Checked {
        keys: &KEYS[from..to],
        release,
    })
}

impl Checked {
    /// Does the parser refuse `key` here?
    pub(super) fn refuses(&self, key: &str) -> bool {
        !self
            .keys
            .binary_search_by(|(_, k, _)| (*k).cmp(key))
            .is_ok_and(|i| has(self.keys[i].2, self.release))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = include_str!("parser-keys-hcl1.txt");

    fn refuses(path: &[&str], key: &str, v: NomadVersion) -> bool {
        checked(path, v).is_some_and(|c| c.refuses(key))
    }

    /// The releases of the text's `a..b` runs, each end as the RELEASES
    /// line writes it (build.rs fails the build on any other).
    fn runs(listed: &[&str], runs: &[&str]) -> Vec<usize> {
        let pos = |v: &str| listed.iter().position(|l| *l == v).expect(v);
        let mut out = Vec::new();
        for run in runs {
            let (a, b) = run.split_once("..").unwrap_or((run, run));
            out.extend(pos(a)..=pos(b));
        }
        out
    }

    /// The compiled table says what the text says, line by line: the
    /// releases, and for every path and key exactly the releases of its
    /// runs (read here without build.rs's code).
    #[test]
    fn the_compiled_table_is_the_text() {
        let listed: Vec<&str> = TABLE
            .lines()
            .find_map(|l| l.strip_prefix("RELEASES "))
            .expect("a RELEASES line")
            .split_whitespace()
            .collect();
        let shown: Vec<String> = RELEASES.iter().map(|r| r.to_string()).collect();
        assert_eq!(shown, listed);
        let (mut paths, mut keys) = (0, 0);
        for line in TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("RELEASES"))
        {
            let w: Vec<&str> = line.split_whitespace().collect();
            let (path, set) = match w.as_slice() {
                ["PATHS", path, ..] => {
                    paths += 1;
                    let at = PATHS.binary_search_by(|(p, _)| p.cmp(path));
                    (*path, PATHS[at.expect(line)].1)
                }
                [path, key, ..] => {
                    keys += 1;
                    let at = KEYS.binary_search_by(|(p, k, _)| (*p, *k).cmp(&(*path, *key)));
                    (*path, KEYS[at.expect(line)].2)
                }
                _ => continue,
            };
            let want = runs(&listed, &w[2..]);
            let got: Vec<usize> = (0..listed.len()).filter(|r| has(set, *r)).collect();
            assert_eq!(got, want, "{line}");
            assert!(!path.is_empty());
        }
        assert_eq!((PATHS.len(), KEYS.len()), (paths, keys));
    }

    /// A look-up by segments finds what one by the joined path finds: the
    /// comparison orders as the table's strings sort.
    #[test]
    fn segments_compare_as_the_joined_path() {
        for (p, _) in PATHS {
            // The path itself, one segment more, its last one longer
            // (`job.group_`) and shorter (`job.grou`).
            let mut variants: Vec<String> = vec![p.to_string(), format!("{p}.a"), format!("{p}_")];
            if let Some(short) = p.strip_suffix(|c: char| c != '.') {
                variants.push(short.to_string());
            }
            for joined in &variants {
                let segs: Vec<&str> = joined.split('.').collect();
                for (q, _) in PATHS {
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
