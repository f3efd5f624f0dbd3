//! A gate that cannot list (or read) the judged state's other job files
//! cannot tell whether a changed job is defined twice (fix25b's R25b-1
//! lookup, Left 2 of stop 66). The lookup fell back silently to the
//! world's `running` files and the change's own: a second file for a
//! committed job, in a repository whose head tree the walk cannot list,
//! passed `check --staged`, `check --base/--head`, the hook and `plan
//! --changed --gate` (exit 0), where plain `check` of the tree says
//! NP229. Now it is one "cannot tell" line: `check` exit 2 (its cannot
//! tell), the plan gate exit 255 for a protected job (a note for another,
//! whose second definition the plan gate only notes), in every format.
//!
//! The listing fails for real: a committed tree nested deeper than the
//! walk's cap (256 levels, src/git/lazy/blobs.rs), which `git` itself
//! stores and checks out.

use crate::common;

use common::{git, output_text, TempDir};

fn api(group: &str) -> String {
    format!("job \"api\" {{\n  datacenters = [\"dc1\"]\n  group \"{group}\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n")
}

/// The demo with jobs/api.nomad committed (no `running` entry names it)
/// and a file 260 folders deep; on branch `pr`, deploy/api.nomad (a
/// second file for job api) staged. `protect`: the policy's jobs.
fn repo(name: &str, protect: &str) -> TempDir {
    let deep = format!("{}/notes.txt", vec!["d"; 260].join("/"));
    let d = common::demo_repo(
        name,
        common::Demo {
            without_monitoring: true,
            protect: Some(protect),
            branch: Some("pr"),
            files: &[("jobs/api.nomad", &api("web")), (&deep, "hello\n")],
        },
    );
    d.put("deploy/api.nomad", &api("other"));
    git(&d.0, &["add", "deploy"]);
    d
}

const LINE: &str = "cannot tell whether another job file of the index defines a job this change submits: its files cannot be listed (git trees nested too deep to list)";

#[test]
fn a_head_tree_the_lookup_cannot_list_is_cannot_tell_in_check_and_the_hook() {
    let d = repo("lookup-untold-check", "\"sockshop\"");
    let out = d.run(&["check", "--staged"]);
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains(&format!("error: {LINE}")), "{text}");
    // JSON: the finding, marked as a "cannot tell".
    let json = common::run_in(&d.0, &["check", "--staged", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let found: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "changeset::cannot-tell")
        .collect();
    assert_eq!(found.len(), 1, "{}", json.stdout);
    assert_eq!(found[0]["file"], "deploy/api.nomad");
    assert_eq!(found[0]["message"], LINE);
    assert_eq!(json.code, 2);

    // The hook refuses the commit.
    let hook = d.run(&["hook", "install"]);
    assert!(hook.status.success(), "{}", output_text(&hook));
    let commit = common::git_command(&d.0)
        .args(["commit", "-qm", "second api"])
        .env("PATH", common::path_with_binary())
        .output()
        .expect("git runs");
    assert!(!commit.status.success(), "{}", output_text(&commit));
    assert!(
        output_text(&commit).contains(LINE),
        "{}",
        output_text(&commit)
    );

    // A commit of it judged by CI.
    git(&d.0, &["commit", "-qm", "second api", "--no-verify"]);
    let out = d.run(&["check", "--base", "main", "--head", "pr"]);
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(&LINE.replace("of the index", "of pr")),
        "{text}"
    );
}

#[test]
fn the_plan_gate_cannot_tell_for_a_protected_job_and_notes_it_for_another() {
    let d = repo("lookup-untold-plan", "\"api\"");
    let out = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(255), "{text}");
    assert!(
        text.contains(&format!("==> policy cannot tell: deploy/api.nomad {LINE}")),
        "{text}"
    );
    let md = d.run(&[
        "plan",
        "--changed",
        "--staged",
        "--gate",
        "--format",
        "markdown",
    ]);
    let m = String::from_utf8_lossy(&md.stdout);
    assert_eq!(md.status.code(), Some(255), "{m}");
    assert!(m.contains("**Cannot tell** (exit 255)"), "{m}");
    assert!(m.contains(LINE), "{m}");
    let json = common::run_in(
        &d.0,
        &[
            "plan",
            "--changed",
            "--staged",
            "--gate",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let untold = v["Gate"]["CannotTell"].as_array().expect("Gate.CannotTell");
    assert_eq!(
        untold,
        &vec![serde_json::Value::from(format!("deploy/api.nomad {LINE}"))],
        "{}",
        json.stdout
    );
    assert_eq!(json.code, 255);

    // Not protected: the plan gate notes a second definition (NP229 is
    // `check`'s), so it notes that it could not look.
    let d = repo("lookup-untold-plan-note", "\"sockshop\"");
    let out = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(&format!("==> note: deploy/api.nomad {LINE}")),
        "{text}"
    );
}
