//! Issue 13's version keys re-check before 1.0: the HCL1 `valid` key lists
//! of every release 0.9.3 to 0.12.12 (all 37 tags), read from Nomad's
//! jobspec/parse*.go CheckHCLKeys calls at each tag
//! (src/jobspec/parser-keys-hcl1.txt, written by tests/fixtures/jobspec/
//! parser_keys_hcl1.py), against what our parser accepts at that
//! release, asked of the parser itself: each checked block is written once
//! per release with every key any release or the 2.0.5 table has there,
//! and a key is ours when the load reports no unknown key or version gate
//! at it. Where the two disagree we either refuse a key Nomad accepts, or
//! accept one its parser refuses (`invalid key: ...`), a false all-clear.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use nomad_preflight::jobspec::block_args::KEYS_2_0_5;
use nomad_preflight::version::NomadVersion;

const PARSER_KEYS: &str = include_str!("../src/jobspec/parser-keys-hcl1.txt");

struct Nomad {
    releases: Vec<NomadVersion>,
    /// The releases that check each path's keys.
    paths: BTreeMap<String, BTreeSet<NomadVersion>>,
    /// (path, key) -> the releases whose parser accepts it.
    keys: BTreeMap<(String, String), BTreeSet<NomadVersion>>,
}

fn nomad() -> Nomad {
    let mut n = Nomad {
        releases: Vec::new(),
        paths: BTreeMap::new(),
        keys: BTreeMap::new(),
    };
    for line in PARSER_KEYS.lines().filter(|l| !l.starts_with('#')) {
        let w: Vec<&str> = line.split_whitespace().collect();
        match w[0] {
            "RELEASES" => n.releases = w[1..].iter().map(|v| v.parse().expect("v")).collect(),
            "PATHS" => {
                let has = common::release_runs(&n.releases, &w[2..]);
                n.paths.insert(w[1].into(), has);
            }
            path => {
                let has = common::release_runs(&n.releases, &w[2..]);
                n.keys.insert((path.into(), w[1].into()), has);
            }
        }
    }
    assert_eq!(n.releases.len(), 37, "every 0.9.3 to 0.12.12 release tag");
    n
}

/// (path, key) -> "attr" or "block", from the 2.0.5 table.
fn kinds() -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for line in KEYS_2_0_5.lines().filter(|l| !l.starts_with('#')) {
        let w: Vec<&str> = line.split_whitespace().collect();
        for path in &w[3..] {
            out.insert((path.to_string(), w[1].to_string()), w[2].to_string());
        }
    }
    out
}

/// Blocks written with a label.
const LABELLED: &[&str] = &[
    "group", "task", "port", "device", "volume", "region", "target", "secret",
];

fn open(ident: &str) -> String {
    if LABELLED.contains(&ident) {
        format!("{ident} \"x\" {{\n")
    } else {
        format!("{ident} {{\n")
    }
}

/// The job text with every `keys` written in the block at `path`, and the
/// byte offset of each key.
fn job_with(path: &str, keys: &[(String, bool)]) -> (String, Vec<usize>) {
    let segs: Vec<&str> = path.split('.').collect();
    let mut text = String::from("job \"j\" {\n");
    for (i, s) in segs.iter().enumerate().skip(1) {
        text.push_str(&open(s));
        // parseConnect reads a sidecar_task only beside a sidecar_service.
        if *s == "connect" && segs.get(i + 1) == Some(&"sidecar_task") {
            text.push_str("sidecar_service {\n}\n");
        }
    }
    let mut at = Vec::new();
    for (key, block) in keys {
        at.push(text.len());
        if *block {
            text.push_str(&open(key));
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

/// Which of `keys` our parser refuses (unknown key or version gate) in the
/// block at `path` under `v`.
fn refused(path: &str, keys: &[(String, bool)], v: NomadVersion) -> BTreeSet<String> {
    let (text, at) = job_with(path, keys);
    let p = common::parse_job(&text, v);
    // The file must parse, or nothing would be refused.
    assert!(
        !p.diags.iter().any(|d| d.code.starts_with("hcl::")),
        "{path} {v}: {text}"
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

#[test]
fn every_hcl1_key_is_accepted_by_exactly_the_releases_whose_parser_has_it() {
    let n = nomad();
    let kinds = kinds();
    let mut wrong = Vec::new();
    for (path, checked) in &n.paths {
        // Every key some release has here, and every key of the 2.0.5 table.
        let mut names: BTreeSet<String> = n
            .keys
            .keys()
            .filter(|(p, _)| p == path)
            .map(|(_, k)| k.clone())
            .collect();
        names.extend(
            kinds
                .keys()
                .filter(|(p, _)| p == path)
                .map(|(_, k)| k.clone()),
        );
        let keys: Vec<(String, bool)> = names
            .iter()
            .map(|k| {
                let block =
                    kinds.get(&(path.clone(), k.clone())).map(String::as_str) == Some("block");
                (k.clone(), block)
            })
            .collect();
        let mut differ: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for v in checked {
            let ours_refuse = refused(path, &keys, *v);
            for (k, _) in &keys {
                let has = n
                    .keys
                    .get(&(path.clone(), k.clone()))
                    .is_some_and(|r| r.contains(v));
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

/// parse_task.go@v0.12.12 parseResources: `r.Name = name` from the label,
/// then `mapstructure.WeakDecode(m, &r)` with the body's keys, `name`
/// among the valid ones: a `name` argument wins over the label. From 1.0
/// the name is only the label (api RequestedDevice `hcl:"name,label"`).
#[test]
fn a_device_name_argument_wins_over_the_label_before_1_0() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      resources {\n        device \"nvidia/gpu\" {\n          name = \"amd/gpu\"\n        }\n      }\n    }\n  }\n}\n";
    let load = |v| common::parse_job(text, v);
    let p = load(NomadVersion::new(0, 12, 12));
    assert!(!p.diags.has_errors(), "{:?}", p.diags);
    let job = p.job.expect("job");
    assert_eq!(job.groups[0].tasks[0].resources.devices[0].name, "amd/gpu");
    let p = load(NomadVersion::new(1, 0, 0));
    assert!(
        p.diags.iter().any(|d| d.is_error()
            && d.message
                == "Unsupported argument; An argument named \"name\" is not expected here."),
        "{:?}",
        p.diags
    );
}
