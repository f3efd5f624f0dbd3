//! Issue 13's 1.0.x to 1.2.x gate oracle, through the parser itself. No
//! jobspec2 Go program can be built here (no module proxy), so the oracle
//! is static: the keys each release's jobspec2 decodes at each block, the
//! `hcl:"..."` tags of the api structs walked from api.Job plus jobspec2's
//! own blocks (tests/fixtures/jobspec/parser-keys-hcl2.txt, written by
//! parser_keys.py beside it from Nomad's source at every tag), with each
//! block's labels (parser-labels-hcl2.txt).
//!
//! tests/jobspec_version_keys.rs compares that oracle with our key tables;
//! this one asks the parser, as tests/jobspec_version_keys_hcl1.rs does
//! before 1.0: each block is written once per release with every key any
//! release has there, and a key is ours when the load reports no unknown
//! key or version gate at it. Where the two disagree we either refuse a
//! key that release decodes (a false refusal), or accept one its gohcl
//! schema refuses with `Unsupported argument` / `Unsupported block type`
//! (a false all-clear).
//!
//! Besides the keys some release from 1.0 decodes, each block is written
//! with the keys HCL1 knew there before 1.0 (src/jobspec/parser-keys-hcl1.txt)
//! and those of our 2.0.5 table (and a constraint with an affinity's keys,
//! and the other way round): a key only an older parser or only our tables
//! know must be refused too.
//!
//! Every 1.0.x to 1.2.x tag (the releases the Go oracle cannot cover), and
//! the first and last tag of every later line.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use nomad_preflight::version::NomadVersion;

const PARSER_KEYS: &str = include_str!("fixtures/jobspec/parser-keys-hcl2.txt");
const PARSER_LABELS: &str = include_str!("fixtures/jobspec/parser-labels-hcl2.txt");
const PARSER_KEYS_HCL1: &str = include_str!("../src/jobspec/parser-keys-hcl1.txt");

/// (path, key) -> (kind, the releases whose parser has it).
type Keys = BTreeMap<(String, String), (String, BTreeSet<NomadVersion>)>;

fn releases_of(text: &str) -> Vec<NomadVersion> {
    let line = text
        .lines()
        .find(|l| l.starts_with("RELEASES "))
        .expect("RELEASES line");
    line.split_whitespace()
        .skip(1)
        .map(|v| v.parse().expect("release"))
        .collect()
}

/// (path, key) of every key HCL1 checked before 1.0, and of our 2.0.5 table.
fn other_keys() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for line in PARSER_KEYS_HCL1.lines().filter(|l| !l.starts_with('#')) {
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() > 2 && w[0] != "RELEASES" && w[0] != "PATHS" {
            out.insert((w[0].to_string(), w[1].to_string()));
        }
    }
    let table = nomad_preflight::jobspec::block_args::KEYS_2_0_5;
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let w: Vec<&str> = line.split_whitespace().collect();
        for path in w.iter().skip(3) {
            out.insert((path.to_string(), w[1].to_string()));
        }
    }
    out
}

fn nomad() -> (Vec<NomadVersion>, Keys) {
    let releases = releases_of(PARSER_KEYS);
    let mut keys = Keys::new();
    for line in PARSER_KEYS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("RELEASES "))
    {
        let w: Vec<&str> = line.split_whitespace().collect();
        let has = common::release_runs(&releases, &w[3..]);
        keys.insert((w[0].into(), w[1].into()), (w[2].into(), has));
    }
    (releases, keys)
}

/// (path, block key) -> (label count, releases).
type Labels = BTreeMap<(String, String), Vec<(usize, BTreeSet<NomadVersion>)>>;

fn labels() -> Labels {
    let releases = releases_of(PARSER_LABELS);
    let mut out: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for line in PARSER_LABELS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("RELEASES "))
    {
        let w: Vec<&str> = line.split_whitespace().collect();
        let has = common::release_runs(&releases, &w[3..]);
        out.entry((w[0].to_string(), w[1].to_string()))
            .or_default()
            .push((w[2].split(',').count(), has));
    }
    out
}

struct Writer {
    labels: Labels,
}

impl Writer {
    /// `key { ... }` opened inside the block at `path`, with the labels
    /// that release's schema wants there.
    fn open(&self, path: &str, key: &str, v: NomadVersion) -> String {
        let n = self
            .labels
            .get(&(path.to_string(), key.to_string()))
            .and_then(|runs| runs.iter().find(|(_, has)| has.contains(&v)))
            .map_or(0, |(n, _)| *n);
        let mut s = key.to_string();
        for i in 0..n {
            s.push_str(&format!(" \"l{i}\""));
        }
        s.push_str(" {\n");
        s
    }

    /// The job text with every `keys` written in the block at `path`, and
    /// the byte offset of each key.
    fn job_with(
        &self,
        path: &str,
        keys: &[(String, bool)],
        v: NomadVersion,
    ) -> (String, Vec<usize>) {
        let segs: Vec<&str> = path.split('.').collect();
        let mut text = self.open("", "job", v).replace("job {", "job \"j\" {");
        for i in 1..segs.len() {
            text.push_str(&self.open(&segs[..i].join("."), segs[i], v));
        }
        let mut at = Vec::new();
        for (key, block) in keys {
            at.push(text.len());
            if *block {
                text.push_str(&self.open(path, key, v));
                text.push_str("}\n");
            } else {
                text.push_str(&format!("{key} = \"1\"\n"));
            }
        }
        for _ in &segs {
            text.push_str("}\n");
        }
        (text, at)
    }
}

/// Which of `keys` our parser refuses (unknown key or version gate) in the
/// block at `path` under `v`.
fn refused(w: &Writer, path: &str, keys: &[(String, bool)], v: NomadVersion) -> BTreeSet<String> {
    let (text, at) = w.job_with(path, keys, v);
    let p = common::parse_job(&text, v);
    assert!(
        !p.diags.iter().any(|d| d.code.starts_with("hcl::")),
        "{path} {v}: {text}\n{:?}",
        p.diags
    );
    let starts: BTreeSet<usize> = p
        .diags
        .iter()
        .filter(|d| d.code == "jobspec::unknown-key" || d.code == "jobspec::version-gate")
        .filter_map(|d| d.primary_span().map(|s| s.start))
        .collect();
    keys.iter()
        .zip(&at)
        .filter(|(_, a)| starts.contains(a))
        .map(|((k, _), _)| k.clone())
        .collect()
}

/// Every 1.0.x to 1.2.x tag, then the first and last of each later line.
fn checked(releases: &[NomadVersion]) -> Vec<NomadVersion> {
    let mut out = Vec::new();
    for (i, v) in releases.iter().enumerate() {
        let line = |r: &NomadVersion| (r.major, r.minor);
        let first = i == 0 || line(&releases[i - 1]) != line(v);
        let last = releases.get(i + 1).is_none_or(|n| line(n) != line(v));
        if *v < NomadVersion::new(1, 3, 0) || first || last {
            out.push(*v);
        }
    }
    out
}

#[test]
fn every_hcl2_key_is_accepted_by_exactly_the_releases_whose_parser_has_it() {
    let (releases, keys) = nomad();
    let w = Writer { labels: labels() };
    let others = other_keys();
    let paths: BTreeSet<&str> = keys.keys().map(|(p, _)| p.as_str()).collect();
    let mut wrong = Vec::new();
    for path in paths {
        let mut here: Vec<(String, bool)> = keys
            .iter()
            .filter(|((p, _), _)| p == path)
            .map(|((_, k), (kind, _))| (k.clone(), kind == "block"))
            .collect();
        // Keys no release from 1.0 decodes here: written as arguments,
        // which gohcl refuses whatever their kind.
        let known: BTreeSet<String> = here.iter().map(|(k, _)| k.clone()).collect();
        // Constraints and affinities also get each other's keys (an
        // affinity's spec has no `distinct_hosts`).
        let last = |p: &str| p.rsplit('.').next().unwrap_or_default().to_string();
        let family = |p: &str| match last(p).as_str() {
            "constraint" | "affinity" => "placement".to_string(),
            other => other.to_string(),
        };
        let placement = family(path) == "placement";
        let siblings = keys
            .keys()
            .filter(|(p, _)| placement && family(p) == "placement")
            .map(|(p, k)| (p.clone(), k.clone()));
        let extra: BTreeSet<String> = others
            .iter()
            .filter(|(p, _)| p == path)
            .cloned()
            .chain(siblings)
            .map(|(_, k)| k)
            .filter(|k| !known.contains(k))
            .collect();
        here.extend(extra.into_iter().map(|k| (k, false)));
        // The block itself, in each release: its keys are only checked
        // where it exists.
        let exists = |v: &NomadVersion| {
            path.rsplit_once('.').is_none_or(|(p, last)| {
                keys.get(&(p.to_string(), last.to_string()))
                    .is_some_and(|(_, has)| has.contains(v))
            })
        };
        let mut differ: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for v in checked(&releases).iter().filter(|v| exists(v)) {
            let ours_refuse = refused(&w, path, &here, *v);
            for (k, _) in &here {
                let has = keys
                    .get(&(path.to_string(), k.clone()))
                    .is_some_and(|(_, has)| has.contains(v));
                if has == ours_refuse.contains(k) {
                    let what = if has {
                        "Nomad has it, we refuse"
                    } else {
                        "Nomad refuses it, we accept"
                    };
                    differ
                        .entry(format!("{path} {k}: {what}"))
                        .or_default()
                        .push(v.to_string());
                }
            }
        }
        for (what, at) in differ {
            wrong.push(format!("{what} at {}", at.join(" ")));
        }
    }
    common::assert_keys_agree(&wrong);
}
