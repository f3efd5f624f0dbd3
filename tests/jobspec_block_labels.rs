//! Issue 13: every block's label count, as each release's jobspec2 schema
//! takes it. The table (src/jobspec/block_labels.rs) is held to the label
//! fields of Nomad's api structs and jobspec2's hand-written schemas at all
//! 153 tags 1.0.0 to 2.0.5 (tests/fixtures/jobspec/parser-labels-hcl2.txt,
//! written by parser_keys.py --labels beside it), for every block key of
//! parser-keys-hcl2.txt; then through the binary, with HCL's own texts
//! (hcl/v2 hclsyntax/structure.go `Body.content`, identical in v2.7.1-
//! 0.20201020204811-68a97f93bb48 that 1.0.0 vendors and v2.20.2-nomad-1
//! that 2.0.5 vendors).

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use nomad_preflight::jobspec::block_labels::schema_labels;

const PARSER_KEYS: &str = include_str!("fixtures/jobspec/parser-keys-hcl2.txt");
const PARSER_LABELS: &str = include_str!("fixtures/jobspec/parser-labels-hcl2.txt");

/// For each line's (path, key, third column): the releases listed.
fn read(text: &str) -> BTreeMap<(String, String, String), BTreeSet<String>> {
    let mut releases: Vec<String> = Vec::new();
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut w = line.split_whitespace();
        if line.starts_with("RELEASES ") {
            releases = w.skip(1).map(str::to_string).collect();
            continue;
        }
        let key = (
            w.next().expect("path").to_string(),
            w.next().expect("key").to_string(),
            w.next().expect("third").to_string(),
        );
        let pos = |v: &str| releases.iter().position(|r| r == v).expect("release");
        let mut has = BTreeSet::new();
        for run in w {
            let (a, b) = run.split_once("..").unwrap_or((run, run));
            has.extend(releases[pos(a)..=pos(b)].iter().cloned());
        }
        out.insert(key, has);
    }
    assert_eq!(releases.len(), 153, "every 1.x and 2.x release tag");
    out
}

/// Nomad's label names for every (path, key) block at every release that
/// has it: `release -> (path, key) -> names` (empty: takes none).
fn nomad() -> BTreeMap<String, BTreeMap<(String, String), Vec<String>>> {
    let labels = read(PARSER_LABELS);
    let mut out: BTreeMap<String, BTreeMap<(String, String), Vec<String>>> = BTreeMap::new();
    for ((path, key, kind), has) in read(PARSER_KEYS) {
        if kind != "block" {
            continue;
        }
        for v in has {
            let names = labels
                .iter()
                .find(|((p, k, _), at)| *p == path && *k == key && at.contains(&v))
                .map(|((_, _, n), _)| {
                    n.split(',')
                        .map(|x| {
                            if x == "-" {
                                String::new()
                            } else {
                                x.to_string()
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.entry(v)
                .or_default()
                .insert((path.clone(), key.clone()), names);
        }
    }
    out
}

#[test]
fn every_block_takes_the_labels_its_release_gives_it() {
    let mut wrong: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (v, blocks) in nomad() {
        for ((path, key), names) in blocks {
            let segs: Vec<&str> = path.split('.').collect();
            let ours: Option<Vec<String>> =
                schema_labels(&segs, &key).map(|n| n.iter().map(|s| s.to_string()).collect());
            if ours.as_deref() != Some(names.as_slice()) {
                wrong
                    .entry(format!("{path} {key}: Nomad {names:?}, ours {ours:?}"))
                    .or_default()
                    .push(v.clone());
            }
        }
    }
    let lines: Vec<String> = wrong
        .iter()
        .map(|(what, at)| format!("{what} at {} releases ({} ...)", at.len(), at[0]))
        .collect();
    assert!(
        lines.is_empty(),
        "{} disagree:\n{}",
        lines.len(),
        lines.join("\n")
    );
}

/// The dynamic-block check (src/jobspec/tree.rs) knows only the generated
/// block's parent: that is exact only if no two paths ending in the same
/// block give one block type two label lists, at any release.
#[test]
fn a_blocks_parent_decides_its_label_count() {
    let mut seen: BTreeMap<(String, String), BTreeSet<Vec<String>>> = BTreeMap::new();
    for blocks in nomad().into_values() {
        for ((path, key), names) in blocks {
            let parent = path.rsplit('.').next().expect("segment").to_string();
            seen.entry((parent, key)).or_default().insert(names);
        }
    }
    let ambiguous: Vec<String> = seen
        .iter()
        .filter(|(_, lists)| lists.len() > 1)
        .map(|((p, k), lists)| format!("{p}.{k}: {lists:?}"))
        .collect();
    assert!(ambiguous.is_empty(), "{ambiguous:?}");
}

fn run(name: &str, text: &str, args: &[&str]) -> (i32, String, String) {
    common::run_job(&format!("block-labels-{name}"), text, args)
}

/// A port without its label (Port's unnamed `hcl:",label"`, so the name in
/// the text is empty), a service with one (Service has no label field), a
/// volume with two (VolumeRequest's one label is "name").
const WRONG_COUNTS: &str = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    network {\n      port {}\n    }\n    service \"x\" {\n      name = \"web\"\n    }\n    volume \"a\" \"b\" {\n      type = \"host\"\n      source = \"data\"\n    }\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n}\n";

/// What the CLI prints: jobspec2's error is each diagnostic's `Error()`
/// (`subject: summary; detail`), one a line (jobspec2/parse.go decode);
/// the subject of an extraneous label is that label (quotes included), of
/// a missing one the `{`. The order is gohcl's: the group body's content
/// (hclsyntax Body.Content: the service's and the volume's labels, in
/// source order) before the blocks it then decodes (the network's port),
/// gohcl/decode.go decodeBodyToStruct.
const NOMAD_TEXT: &str = "Error getting job struct: Error parsing job file from j.nomad:\nj.nomad:7,13-16: Extraneous label for service; No labels are expected for service blocks.\nj.nomad:10,16-19: Extraneous label for volume; Only 1 labels (name) are expected for volume blocks.\nj.nomad:5,12-13: Missing  for port; All port blocks must have 1 labels ().\n";

#[test]
fn validate_plan_and_check_refuse_a_wrong_label_count_with_hcls_text() {
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        let (code, _, err) = run(
            &format!("validate-{v}"),
            WRONG_COUNTS,
            &["validate", "--nomad-version", v, "j.nomad"],
        );
        assert_eq!(code, 1, "{v}: {err}");
        let nomad = err.split("\njobspec::").next().unwrap_or_default();
        let nomad = nomad
            .lines()
            .filter(|l| !l.starts_with("note: "))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
        assert_eq!(nomad, NOMAD_TEXT, "{v}");
        let (code, out, err) = run(
            &format!("plan-{v}"),
            WRONG_COUNTS,
            &["plan", "--nomad-version", v, "j.nomad"],
        );
        assert_eq!(code, 255, "{v}: {out}{err}");
        assert!(err.contains(NOMAD_TEXT), "{v}: {err}");
        let (code, out, _) = run(
            &format!("check-{v}"),
            WRONG_COUNTS,
            &["check", "--nomad-version", v, "--format", "json", "j.nomad"],
        );
        assert_eq!(code, 1, "{v}: {out}");
        let doc: serde_json::Value = serde_json::from_str(&out).expect("check JSON");
        let labels = doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["code"] == "jobspec::label" && f["severity"] == "error")
            .count();
        assert_eq!(labels, 3, "{v}: {out}");
    }
}

/// The job block's own count (jobspec2 types.config.go jobConfigSchema:
/// `job` takes "name"), where decodeBody stops.
#[test]
fn a_job_without_its_name_is_hcls_missing_name() {
    let text = "job {\n  datacenters = [\"dc1\"]\n}\n";
    let (code, _, err) = run(
        "job",
        text,
        &["validate", "--nomad-version", "2.0.5", "j.nomad"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("Error parsing job file from j.nomad:\nj.nomad:1,5-6: Missing name for job; All job blocks must have 1 labels (name).\n"),
        "{err}"
    );
}

/// The file's own blocks and dynblock's: jobConfigSchema gives `variable`
/// the label "name" (types.config.go); ext/dynblock/schema.go gives
/// `dynamic` the label "type" and `content` none. Same hclsyntax texts.
#[test]
fn variable_dynamic_and_content_take_their_schemas_labels() {
    let task = "    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n";
    let job = |head: &str, group: &str| {
        format!("{head}job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{group}{task}  }}\n}}\n")
    };
    let cases = [
        (
            job("variable {\n  default = 1\n}\n", ""),
            "j.nomad:1,10-11: Missing name for variable; All variable blocks must have 1 labels (name).",
        ),
        (
            job("locals \"l\" {\n  a = 1\n}\n", ""),
            "j.nomad:1,8-11: Extraneous label for locals; No labels are expected for locals blocks.",
        ),
        (
            job("", "    dynamic {\n      for_each = [1]\n      content {}\n    }\n"),
            "j.nomad:4,13-14: Missing type for dynamic; All dynamic blocks must have 1 labels (type).",
        ),
        (
            job("", "    dynamic \"meta\" {\n      for_each = [1]\n      content \"c\" {}\n    }\n"),
            "j.nomad:6,15-18: Extraneous label for content; No labels are expected for content blocks.",
        ),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        let (code, _, err) = run(
            &format!("schema-{i}"),
            text,
            &["validate", "--nomad-version", "2.0.5", "j.nomad"],
        );
        assert_eq!(code, 1, "{text}\n{err}");
        assert!(
            err.contains(&format!("Error parsing job file from j.nomad:\n{want}\n")),
            "{text}\n{err}"
        );
    }
}

/// Label errors under two kinds of block (a service's check, a network's
/// port): gohcl decodes the group's block kinds in Go's map order
/// (decodeBodyToStruct ranges over `tags.Blocks`), so which line comes
/// first differs from run to run in Nomad. Both lines are certain: we say
/// both, the kinds as the file first gives them, and a note that Nomad's
/// order is chance, never one order as if it were Nomad's.
#[test]
fn label_errors_under_two_kinds_of_block_are_in_random_order() {
    let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    network {\n      port {}\n    }\n    service {\n      name = \"web\"\n      check \"c\" {\n        type = \"tcp\"\n      }\n    }\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n}\n";
    for cmd in ["validate", "plan"] {
        let (code, _, err) = run(
            &format!("random-{cmd}"),
            text,
            &[cmd, "--nomad-version", "2.0.5", "j.nomad"],
        );
        assert_eq!(code, if cmd == "plan" { 255 } else { 1 }, "{err}");
        assert!(
            err.contains("Error getting job struct: Error parsing job file from j.nomad:\nj.nomad:5,12-13: Missing  for port; All port blocks must have 1 labels ().\nj.nomad:9,13-16: Extraneous label for check; No labels are expected for check blocks.\n"),
            "{cmd}: {err}"
        );
        assert!(err.contains("jobspec::decode-map-order"), "{cmd}: {err}");
        assert!(!err.contains("cannot tell"), "{cmd}: {err}");
    }
}
