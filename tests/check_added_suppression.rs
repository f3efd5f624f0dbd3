//! `check --base` (CI on a pull request): the change under review cannot
//! silence its own errors with a suppression comment it adds; the same
//! comment already on the base branch works, and at commit time the
//! committer's suppressions count.

use crate::common;

use common::TempDir;

/// Priority 90 in namespace `default`, whose band ends at 70 (NP402, error).
const BAND_BREAKER: &str = "job \"batchy\" {\n  datacenters = [\"dc1\"]\n  priority    = 90\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

const SUPPRESSED: &str = "# preflight:ignore-file NP402 batch window agreed\n";

fn repo(name: &str) -> TempDir {
    let d = TempDir::demo(&format!("added-sup-{name}"));
    common::git(&d.0, &["init", "-q"]);
    common::git(&d.0, &["add", "."]);
    common::git(&d.0, &["commit", "-qm", "demo"]);
    d
}

fn commit(d: &TempDir, rel: &str, text: &str, msg: &str) {
    std::fs::write(d.0.join(rel), text).unwrap();
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", msg]);
}

fn codes(out: &std::process::Output) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    doc["findings"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|f| f["code"].as_str().unwrap_or("").to_string())
        .collect()
}

/// [`codes`] without advice: what decides the run (NP207's sample bound,
/// an advice where the room bound proves nothing, is beside the point).
fn verdict_codes(out: &std::process::Output) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    doc["findings"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|f| f["severity"] != "advice")
        .map(|f| f["code"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_suppression_added_by_the_change_does_not_open_the_gate() {
    let d = repo("added");
    commit(
        &d,
        "jobs/batchy.nomad",
        &format!("{SUPPRESSED}{BAND_BREAKER}"),
        "batchy, silenced",
    );
    let out = d.run(&["check", "--base", "HEAD~1", "--format", "json"]);
    let got = codes(&out);
    assert_eq!(out.status.code(), Some(1), "{got:?}");
    assert!(got.contains(&"NP402".to_string()), "{got:?}");
    assert!(got.contains(&"NP002".to_string()), "{got:?}");

    // At commit time the committer is trusted.
    std::fs::write(
        d.0.join("jobs/batchy.nomad"),
        format!("{BAND_BREAKER}# touched\n"),
    )
    .unwrap();
    common::git(&d.0, &["reset", "-q", "--soft", "HEAD~1"]);
    let out = d.run(&["check", "--staged", "--format", "json"]);
    assert!(!codes(&out).contains(&"NP002".to_string()));
}

#[test]
fn the_same_suppression_on_the_base_branch_works() {
    let d = repo("base");
    commit(
        &d,
        "jobs/batchy.nomad",
        &format!("{SUPPRESSED}{BAND_BREAKER}"),
        "batchy, silenced after review",
    );
    commit(
        &d,
        "jobs/batchy.nomad",
        &format!(
            "{SUPPRESSED}{}",
            BAND_BREAKER.replace("redis:7", "redis:7.2")
        ),
        "newer redis",
    );
    let out = d.run(&["check", "--base", "HEAD~1", "--format", "json"]);
    let got = codes(&out);
    assert_eq!(out.status.code(), Some(0), "{got:?}");
    assert!(!got.contains(&"NP402".to_string()), "{got:?}");
}

#[test]
fn a_base_policy_may_allow_added_suppressions() {
    let d = repo("allowed");
    let policy = std::fs::read_to_string(d.0.join("rules/policy.hcl")).unwrap();
    commit(
        &d,
        "rules/policy.hcl",
        &format!("{policy}\nallow_added_suppressions = true\n"),
        "trust suppressions",
    );
    commit(
        &d,
        "jobs/batchy.nomad",
        &format!("{SUPPRESSED}{BAND_BREAKER}"),
        "batchy, silenced",
    );
    let out = d.run(&["check", "--base", "HEAD~1", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", codes(&out));
}

/// A suppression is an HCL comment: the same words in a heredoc (a
/// template's shell comment) or in a quoted string are text, and silence
/// nothing in plain `check` either (redteam6 G13: they silenced NP402, and
/// the string's closing quote was read as part of a rule code, NP001).
#[test]
fn suppression_words_in_a_heredoc_or_a_string_are_not_comments() {
    let d = repo("text");
    let job = BAND_BREAKER.replace(
        "      resources {",
        "      template {\n        destination = \"local/run.sh\"\n        data        = <<EOT\n#!/bin/sh\n# preflight:ignore-file NP402\nexec nginx\nEOT\n      }\n      env {\n        NOTE = \"# preflight:ignore-file NP402\"\n      }\n      resources {",
    );
    std::fs::write(d.0.join("jobs/batchy.nomad"), &job).unwrap();
    let out = d.run(&["check", "jobs/batchy.nomad", "--format", "json"]);
    let got = verdict_codes(&out);
    assert_eq!(out.status.code(), Some(1), "{got:?}");
    assert_eq!(got, vec!["NP402".to_string()]);

    // A comment still suppresses, in the same file.
    std::fs::write(d.0.join("jobs/batchy.nomad"), format!("{SUPPRESSED}{job}")).unwrap();
    let out = d.run(&["check", "jobs/batchy.nomad", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", codes(&out));
    assert!(verdict_codes(&out).is_empty(), "{:?}", codes(&out));
}
