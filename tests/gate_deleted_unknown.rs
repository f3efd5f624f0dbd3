//! A job file deleted or moved away stops the job it defined. When its
//! version at the base gives no job (invalid HCL, a Git LFS pointer, ...)
//! which job that was is unknown: every gate planned no stop and said
//! nothing ("no job file changed", "0 files", exit 0), a false all-clear
//! on a change that may stop a running job. Now they say "cannot tell
//! which job FILE defined at REF" (one line; in JSON, markdown and SARIF;
//! exit 255 for `plan --changed`, 2 for `check`), as a gate without a
//! world does. A file that was no job at the base still passes quietly.

use crate::common;

use common::{committed_demo, git, output_text, TempDir};

/// A job file HCL refuses: whatever job Nomad ran from an earlier
/// version of it, this one names none.
const BROKEN: &str = "job \"old\" {\n  datacenters = [\"dc1\"\n}\n";

const POINTER: &str = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 312\n";

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The demo with `path` committed as `text`.
fn with_committed(name: &str, path: &str, text: &str) -> TempDir {
    let d = committed_demo(name);
    d.put(path, text);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "file"]);
    d
}

fn line(file: &str, rev: &str) -> String {
    format!("cannot tell which job {file} defined at {rev}: ")
}

/// `plan --changed` (text, JSON, markdown) says it cannot tell, exit 255.
fn plan_cannot_tell(d: &TempDir, range: &[&str], file: &str, rev: &str, header: &str) {
    let args = |more: &[&'static str]| {
        let mut a = vec!["plan", "--changed"];
        a.extend_from_slice(range);
        a.extend_from_slice(more);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let run = |more: &[&'static str]| {
        let a = args(more);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        d.run(&a)
    };
    let o = run(&["--gate"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(255), "{range:?}: {text}");
    let flat = common::flat(&stdout(&o));
    assert!(flat.contains(header), "{range:?}: {text}");
    assert!(flat.contains(&line(file, rev)), "{range:?}: {text}");
    assert!(flat.contains(", 1 cannot tell"), "{range:?}: {text}");
    assert!(!text.contains("no job file changed"), "{range:?}: {text}");
    let o = run(&["--format", "json"]);
    assert_eq!(o.status.code(), Some(255), "{range:?}: {}", output_text(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let untold: Vec<&serde_json::Value> = doc["Plans"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["CannotTell"] == true)
        .collect();
    assert_eq!(untold.len(), 1, "{doc}");
    assert!(
        untold[0]["Errors"][0]
            .as_str()
            .unwrap()
            .starts_with(&line(file, rev)),
        "{doc}"
    );
    let o = run(&["--format", "markdown"]);
    assert_eq!(o.status.code(), Some(255), "{range:?}: {}", output_text(&o));
    assert!(
        // Markdown escapes the revision's `~`.
        stdout(&o).contains(&format!(
            "**cannot tell**: cannot tell which job {file} defined at "
        )),
        "{}",
        output_text(&o)
    );
}

/// `check` says it cannot tell: its one line on stderr, the finding in
/// JSON and SARIF, exit 2.
fn check_cannot_tell(d: &TempDir, range: &[&str], file: &str, rev: &str) {
    let run = |format: &str| {
        let mut a: Vec<&str> = vec!["check", "--format", format];
        a.extend_from_slice(range);
        d.run(&a)
    };
    let o = run("human");
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(2), "{range:?}: {text}");
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{range:?}: {err}");
    assert!(
        lines[0].starts_with(&format!("error: {}", line(file, rev))),
        "{range:?}: {err}"
    );
    assert!(!text.contains("0 errors"), "{range:?}: {text}");
    let o = run("json");
    assert_eq!(o.status.code(), Some(2), "{range:?}: {}", output_text(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"changeset::cannot-tell"), "{doc}");
    let o = run("sarif");
    assert_eq!(o.status.code(), Some(2), "{range:?}: {}", output_text(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "changeset::cannot-tell"
                && r["message"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with(&line(file, rev))),
        "{doc}"
    );
}

#[test]
fn a_deleted_job_file_whose_base_does_not_load_cannot_tell() {
    let d = with_committed("deleted-unknown", "jobs/old.nomad", BROKEN);
    git(&d.0, &["rm", "-q", "jobs/old.nomad"]);
    let header = "==> jobs/old.nomad (deleted)";
    plan_cannot_tell(&d, &["--staged"], "jobs/old.nomad", "HEAD", header);
    check_cannot_tell(&d, &["--staged"], "jobs/old.nomad", "HEAD");
    // Unstaged, against the working tree; then committed, between revisions.
    git(&d.0, &["reset", "-q"]);
    plan_cannot_tell(&d, &["--base", "HEAD"], "jobs/old.nomad", "HEAD", header);
    check_cannot_tell(&d, &["--base", "HEAD"], "jobs/old.nomad", "HEAD");
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "delete"]);
    let range = ["--base", "HEAD~1", "--head", "HEAD"];
    plan_cannot_tell(&d, &range, "jobs/old.nomad", "HEAD~1", header);
    check_cannot_tell(&d, &range, "jobs/old.nomad", "HEAD~1");
}

/// Moved, and fixed on the way: which job the old file defined is as
/// unknown, so whether the move stops one is too.
#[test]
fn a_renamed_job_file_whose_base_does_not_load_cannot_tell() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixed = std::fs::read_to_string(manifest.join("jobs/monitoring.nomad"))
        .unwrap()
        .replace("\"monitoring\"", "\"old\"")
        // Room in the demo quota: its hit (NP304) is an error, and this
        // test is about the cannot-tell alone.
        .replace("cpu    = 2000", "cpu    = 200");
    let broken = fixed.replacen("[\"dc1\"]", "[\"dc1\"", 1);
    assert_ne!(broken, fixed);
    let d = with_committed("renamed-unknown", "jobs/old.nomad", &broken);
    git(&d.0, &["mv", "jobs/old.nomad", "jobs/new.nomad"]);
    d.put("jobs/new.nomad", &fixed);
    git(&d.0, &["add", "-A"]);
    let header = "==> jobs/new.nomad (renamed from jobs/old.nomad)";
    plan_cannot_tell(&d, &["--staged"], "jobs/old.nomad", "HEAD", header);
    check_cannot_tell(&d, &["--staged"], "jobs/old.nomad", "HEAD");
}

/// A job under another name whose blob was a Git LFS pointer (a checkout
/// with git-lfs wrote the job), deleted.
#[test]
fn a_deleted_lfs_pointer_under_any_name_cannot_tell() {
    let d = with_committed("deleted-lfs", "deploy/web", POINTER);
    git(&d.0, &["rm", "-q", "deploy/web"]);
    plan_cannot_tell(
        &d,
        &["--staged"],
        "deploy/web",
        "HEAD",
        "==> deploy/web (deleted)",
    );
    check_cannot_tell(&d, &["--staged"], "deploy/web", "HEAD");
}

/// What was no job at the base is deleted quietly, and a job that loads
/// is stopped (or, not running, noted) as before.
#[test]
fn deleting_what_was_no_job_or_a_job_that_loads_passes() {
    let d = with_committed(
        "deleted-known",
        "vault/policy.hcl",
        "path \"secret/*\" {\n  capabilities = [\"read\"]\n}\n",
    );
    git(
        &d.0,
        &["rm", "-q", "vault/policy.hcl", "jobs/monitoring.nomad"],
    );
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(!text.contains("cannot tell"), "{text}");
    let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(!text.contains("cannot tell"), "{text}");
    assert!(
        text.contains(
            "job \"monitoring\" (namespace \"default\") is not running at HEAD: nothing to stop"
        ),
        "{text}"
    );
}

/// Which job a deleted file defined is unknown, so whether the change
/// stops one is too: no format may say it is a stop. `plan --changed`'s
/// JSON said `"Stop": true` and its markdown `deleted (stop)` beside the
/// "cannot tell" they also said; `check`'s machine formats carry the
/// finding, the file it concerns named.
#[test]
fn a_deleted_file_whose_job_is_unknown_is_no_stop_in_any_format() {
    let d = with_committed("deleted-unknown-formats", "jobs/old.nomad", BROKEN);
    git(&d.0, &["rm", "-q", "jobs/old.nomad"]);
    let said = line("jobs/old.nomad", "HEAD");

    let o = d.run(&["plan", "--changed", "--staged", "--format", "json"]);
    assert_eq!(o.status.code(), Some(255), "{}", output_text(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let plans = doc["Plans"].as_array().unwrap();
    assert_eq!(plans.len(), 1, "{doc}");
    assert_eq!(plans[0]["CannotTell"], true, "{doc}");
    assert_eq!(plans[0]["Stop"], serde_json::Value::Null, "{doc}");
    assert_eq!(plans[0]["Change"], "deleted", "{doc}");

    let o = d.run(&["plan", "--changed", "--staged", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(255), "{}", output_text(&o));
    let out = stdout(&o);
    let row = out
        .lines()
        .find(|l| l.starts_with("| `jobs/old.nomad` |"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(row.contains("| deleted (stop: cannot tell) |"), "{row}");
    assert!(row.contains("**cannot tell**: "), "{row}");

    let o = d.run(&["plan", "--changed", "--staged"]);
    assert_eq!(o.status.code(), Some(255), "{}", output_text(&o));
    let flat = common::flat(&stdout(&o));
    assert!(flat.contains(&said), "{flat}");
    assert!(!flat.contains("stop job"), "{flat}");

    for format in ["github", "markdown"] {
        let o = d.run(&["check", "--staged", "--format", format]);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(2), "{format}: {text}");
        assert!(stdout(&o).contains("changeset"), "{format}: {text}");
        assert!(
            common::flat(&stdout(&o)).contains(&said),
            "{format}: {text}"
        );
    }
}

/// The change set's "cannot tell" names no place in its message alone:
/// JSON said `"file": null`, SARIF had no `locations` and GitHub's
/// annotation no `file=`, so code scanning and the pull request's diff
/// showed it nowhere. It is located at its file, line 1: the deleted
/// file's path, or a moved file's new one (which the head holds).
#[test]
fn a_changeset_cannot_tell_is_located_at_its_file() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixed = std::fs::read_to_string(manifest.join("jobs/monitoring.nomad"))
        .unwrap()
        .replace("\"monitoring\"", "\"old\"")
        // Room in the demo quota: its hit (NP304) is an error, and this
        // test is about the cannot-tell alone.
        .replace("cpu    = 2000", "cpu    = 200");
    let broken = fixed.replacen("[\"dc1\"]", "[\"dc1\"", 1);
    for (tag, moved) in [("located-deleted", false), ("located-moved", true)] {
        let d = with_committed(tag, "jobs/old.nomad", &broken);
        let file = if moved {
            git(&d.0, &["mv", "jobs/old.nomad", "jobs/new.nomad"]);
            d.put("jobs/new.nomad", &fixed);
            git(&d.0, &["add", "-A"]);
            "jobs/new.nomad"
        } else {
            git(&d.0, &["rm", "-q", "jobs/old.nomad"]);
            "jobs/old.nomad"
        };
        let o = d.run(&["check", "--staged", "--format", "json"]);
        assert_eq!(o.status.code(), Some(2), "{tag}: {}", output_text(&o));
        let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let f = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "changeset::cannot-tell")
            .unwrap_or_else(|| panic!("{tag}: {doc}"));
        assert_eq!(f["file"], file, "{tag}: {doc}");
        assert_eq!(f["line"], 1, "{tag}: {doc}");
        assert_eq!(f["cannot_tell"], true, "{tag}: {doc}");
        let o = d.run(&["check", "--staged", "--format", "sarif"]);
        assert_eq!(o.status.code(), Some(2), "{tag}: {}", output_text(&o));
        let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let r = doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == "changeset::cannot-tell")
            .unwrap_or_else(|| panic!("{tag}: {doc}"));
        let at = &r["locations"][0]["physicalLocation"];
        assert_eq!(at["artifactLocation"]["uri"], file, "{tag}: {doc}");
        assert_eq!(at["region"]["startLine"], 1, "{tag}: {doc}");
        let o = d.run(&["check", "--staged", "--format", "github"]);
        assert_eq!(o.status.code(), Some(2), "{tag}: {}", output_text(&o));
        let out = stdout(&o);
        let annotation = out
            .lines()
            .find(|l| l.contains("title=changeset%3A%3Acannot-tell"))
            .unwrap_or_else(|| panic!("{tag}: {out}"));
        assert!(
            annotation.starts_with(&format!("::error file={file},line=1,")),
            "{tag}: {annotation}"
        );
    }
}
