//! rt14e R14-40: a suppression comment the change adds silences nothing
//! that fails the run, wherever the failing level comes from: the world's
//! `rules/policy.hcl`, `.nomad-preflight.hcl`'s rule severity, or
//! `--deny warnings`. The suppression pass used to decide on the severity
//! before the configuration and the threshold had their say, so the last
//! two passed `check --base` with exit 0 and no NP002. At commit time
//! (`--staged`) the committer stays trusted (docs/ci.md).

use crate::common;

use common::has_finding as has;
use common::TempDir;

/// A service job's `stagger`: NP105, a warning unless something raises it
/// (it used to be the demo quota's NP304, an error since R17-51).
const WARNED: &str = "job \"q\" {\n  datacenters = [\"dc1\"]\n  update {\n    stagger = \"10s\"\n  }\n  group \"g\" {\n    count = 1\n    task \"t\" {\n      driver = \"exec\"\n      config {\n        command = \"/bin/true\"\n      }\n      resources {\n        cpu    = 100\n        memory = 100\n      }\n    }\n  }\n}\n";

const IGNORE: &str = "# preflight:ignore NP105 ok\n";
/// [`WARNED`] with [`IGNORE`] alone on the line before the finding's.
fn ignored() -> String {
    WARNED.replace("    stagger", &format!("    {IGNORE}    stagger"))
}

const IGNORE_FILE: &str = "# preflight:ignore-file NP105 fine\n";
const RAISE: &str = "lint {\n  rule \"NP105\" {\n    severity = \"error\"\n  }\n}\n";

/// The demo world committed (with `config` as `.nomad-preflight.hcl`).
fn repo(name: &str, config: Option<&str>) -> TempDir {
    let d = TempDir::demo(&format!("added-sup-gate-{name}"));
    if let Some(c) = config {
        d.put(".nomad-preflight.hcl", c);
    }
    common::git(&d.0, &["init", "-q"]);
    common::git(&d.0, &["add", "."]);
    common::git(&d.0, &["commit", "-qm", "base"]);
    d
}

fn commit(d: &TempDir, msg: &str) {
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", msg]);
}

/// Exit code and the findings' `(code, severity)`.
fn check(d: &TempDir, args: &[&str]) -> (Option<i32>, Vec<(String, String)>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = d.run(&all);
    // A document, else the run's output says why not.
    let _: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "json ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let found = common::finding_codes(&out.stdout);
    (out.status.code(), found)
}

/// The gate is closed: the finding stays at `sev`, the comment is NP002.
#[track_caller]
fn refused(got: (Option<i32>, Vec<(String, String)>), sev: &str) {
    let (code, found) = got;
    assert_eq!(code, Some(1), "{found:?}");
    assert!(has(&found, "NP105", sev), "{found:?}");
    assert!(has(&found, "NP002", "error"), "{found:?}");
}

#[test]
fn config_severity_error_with_an_added_ignore_in_the_working_tree() {
    let d = repo("cfg-wt", Some(RAISE));
    d.put("jobs/q.nomad", &ignored());
    refused(check(&d, &["--base", "HEAD"]), "error");
}

#[test]
fn config_severity_error_with_an_added_ignore_file_between_commits() {
    let d = repo("cfg-head", Some(RAISE));
    d.put("jobs/q.nomad", &format!("{IGNORE_FILE}{WARNED}"));
    commit(&d, "q, silenced");
    refused(check(&d, &["--base", "HEAD~1", "--head", "HEAD"]), "error");
    refused(check(&d, &["--base", "HEAD~1"]), "error");
}

#[test]
fn deny_warnings_with_an_added_ignore_file() {
    let d = repo("deny-file", None);
    d.put("jobs/q.nomad", &format!("{IGNORE_FILE}{WARNED}"));
    refused(
        check(&d, &["--base", "HEAD", "--deny", "warnings"]),
        "warning",
    );
    commit(&d, "q, silenced");
    refused(
        check(
            &d,
            &["--base", "HEAD~1", "--head", "HEAD", "--deny", "warnings"],
        ),
        "warning",
    );
}

#[test]
fn deny_warnings_with_an_added_ignore() {
    let d = repo("deny-line", None);
    d.put("jobs/q.nomad", &ignored());
    commit(&d, "q, silenced");
    refused(
        check(&d, &["--base", "HEAD~1", "--deny", "warnings"]),
        "warning",
    );
}

/// Guard (passes on the baseline too): without `--deny warnings` a
/// warning may be silenced by a new comment (docs/ci.md).
#[test]
fn an_added_comment_still_silences_a_warning_that_fails_nothing() {
    let d = repo("warn", None);
    d.put("jobs/q.nomad", &format!("{IGNORE_FILE}{WARNED}"));
    let (code, found) = check(&d, &["--base", "HEAD"]);
    assert_eq!(code, Some(0), "{found:?}");
    assert!(found.is_empty(), "{found:?}");
}

/// The configuration decides both ways: where it lowers the policy's error
/// to a warning, the run does not fail on it, and an added comment may
/// silence it as it may any warning (it used to be NP002, exit 1, though
/// the same finding unsuppressed passed).
#[test]
fn a_config_that_lowers_the_finding_lets_an_added_comment_silence_it() {
    let policy = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/policy.hcl"),
    )
    .unwrap();
    let d = repo(
        "lowered",
        Some("lint {\n  rule \"NP105\" {\n    severity = \"warning\"\n  }\n}\n"),
    );
    d.put(
        "rules/policy.hcl",
        &format!("{policy}\nrule \"NP105\" {{\n  severity = \"error\"\n}}\n"),
    );
    commit(&d, "policy raises NP105, the configuration lowers it");
    d.put("jobs/q.nomad", &ignored());
    let (code, found) = check(&d, &["--base", "HEAD"]);
    assert_eq!(code, Some(0), "{found:?}");
    assert!(found.is_empty(), "{found:?}");
    // Under --deny warnings the lowered finding fails the run again.
    refused(
        check(&d, &["--base", "HEAD", "--deny", "warnings"]),
        "warning",
    );
}

/// Guard: the raise made in the world's policy was caught already.
#[test]
fn policy_raise_with_an_added_ignore() {
    let policy = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/policy.hcl"),
    )
    .unwrap();
    let d = repo("policy", None);
    d.put(
        "rules/policy.hcl",
        &format!("{policy}\nrule \"NP105\" {{\n  severity = \"error\"\n}}\n"),
    );
    commit(&d, "policy raises NP105");
    d.put("jobs/q.nomad", &ignored());
    refused(check(&d, &["--base", "HEAD"]), "error");
}

/// Guard: a change that edits the configuration to silence the finding was
/// caught already (the base's configuration decides).
#[test]
fn a_config_edited_by_the_change_cannot_silence_it() {
    let d = repo("cfg-edit", Some(RAISE));
    d.put("jobs/q.nomad", WARNED);
    d.put(
        ".nomad-preflight.hcl",
        "lint {\n  ignore = [\"NP105\"]\n}\n",
    );
    refused(check(&d, &["--base", "HEAD"]), "error");
}

/// The same edit with an added comment as well: the base's severity
/// decides the comment too (it passed, exit 0, the head's configuration
/// having deselected the finding before the gate saw it).
#[test]
fn a_config_edit_and_an_added_comment_together() {
    let d = repo("cfg-edit-comment", Some(RAISE));
    d.put(
        ".nomad-preflight.hcl",
        "lint {\n  ignore = [\"NP105\"]\n}\n",
    );
    d.put("jobs/q.nomad", &ignored());
    refused(check(&d, &["--base", "HEAD"]), "error");
}

/// Guard: at commit time the committer is trusted and every suppression
/// counts, whatever the configuration or `--deny` (docs/ci.md).
#[test]
fn staged_trusts_the_committer() {
    let d = repo("staged", Some(RAISE));
    d.put("jobs/q.nomad", &ignored());
    common::git(&d.0, &["add", "-A"]);
    for args in [&["--staged"][..], &["--staged", "--deny", "warnings"]] {
        let (code, found) = check(&d, args);
        assert_eq!(code, Some(0), "{args:?} {found:?}");
        assert!(found.is_empty(), "{args:?} {found:?}");
    }
    // Without the comment the staged file fails: the comment did silence it.
    d.put("jobs/q.nomad", WARNED);
    common::git(&d.0, &["add", "-A"]);
    let (code, found) = check(&d, &["--staged"]);
    assert_eq!(code, Some(1), "{found:?}");
    assert!(has(&found, "NP105", "error"), "{found:?}");
}
