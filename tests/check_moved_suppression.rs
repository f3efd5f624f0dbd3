//! R24b-3: a suppression the base holds for one block's finding is trusted
//! for that block only. `check --base` (and the pre-push hook, which runs
//! it) knew a base suppression by its comment and its target line's text,
//! so a change that emptied group "a" and moved the reviewed comment, with
//! its `count = 6`, onto group "b" silenced b's new NP207: 0 errors, exit 0.
//! It is a new suppression now (NP002) and the finding fails the run; a
//! suppression left in its block, or in a file git renamed with its blocks
//! unchanged, still holds.

use crate::common;

use std::process::Command;

use common::{git, output_text, TempDir};

/// Two clients of 4000 MHz: six allocations of 1500 MHz do not fit (NP207).
const WORLD: &str = "nomad_version = \"1.9.3\"\nregion = \"global\"\nscheduler {\n  preemption {\n    service = false\n  }\n}\nclient \"c\" {\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 10000\n  drivers = [\"docker\"]\n  attributes = { \"kernel.name\" = \"linux\" }\n}\n";

const IGNORE: &str = "# preflight:ignore NP207 batch backlog, accepted until the new clients land";

/// Group `name` with `count`, `comment` alone on the line before it.
fn group(name: &str, count: u32, comment: &str) -> String {
    let comment = if comment.is_empty() {
        String::new()
    } else {
        format!("    {comment}\n")
    };
    format!("  group \"{name}\" {{\n{comment}    count = {count}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"nginx:1\" }}\n      resources {{\n        cpu    = 1500\n        memory = 256\n      }}\n    }}\n  }}\n")
}

fn job(name: &str, groups: &[String]) -> String {
    format!(
        "job \"{name}\" {{\n  datacenters = [\"dc1\"]\n{}}}\n",
        groups.concat()
    )
}

/// The base: group "a" over capacity, its NP207 reviewed and suppressed.
fn base() -> String {
    job("web", &[group("a", 6, IGNORE), group("b", 0, "")])
}

/// The change: a emptied, b over capacity, the comment moved onto b.
fn moved() -> String {
    job("web", &[group("a", 0, ""), group("b", 6, IGNORE)])
}

fn repo(name: &str) -> TempDir {
    let d = TempDir::new(&format!("moved-sup-{name}"));
    d.put("rules/cluster.hcl", WORLD);
    d.put("jobs/web.nomad", &base());
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "."]);
    git(
        &d.0,
        &["commit", "-qm", "base: group a over capacity, suppressed"],
    );
    d
}

fn commit(d: &TempDir, msg: &str) {
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", msg]);
}

/// Exit code and the findings' codes, advice left out.
fn check(d: &TempDir, args: &[&str]) -> (Option<i32>, Vec<String>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = d.run(&all);
    let found = common::finding_codes(&out.stdout)
        .into_iter()
        .filter(|(_, sev)| sev != "advice")
        .map(|(code, _)| code)
        .collect();
    (out.status.code(), found)
}

fn refused(got: (Option<i32>, Vec<String>)) {
    assert_eq!(got.0, Some(1), "{got:?}");
    assert!(got.1.iter().any(|c| c == "NP002"), "{got:?}");
    assert!(got.1.iter().any(|c| c == "NP207"), "{got:?}");
}

fn passed(got: (Option<i32>, Vec<String>)) {
    assert_eq!(got.0, Some(0), "{got:?}");
    assert!(
        !got.1.iter().any(|c| c == "NP002" || c == "NP207"),
        "{got:?}"
    );
}

/// The red team's repro (R24b-3), between commits as CI runs it.
#[test]
fn a_base_suppression_moved_onto_another_group_silences_nothing() {
    let d = repo("commits");
    d.put("jobs/web.nomad", &moved());
    commit(&d, "pr: move the comment");
    refused(check(&d, &["--base", "HEAD~1", "--head", "HEAD"]));
}

/// The same change uncommitted, judged in the working tree.
#[test]
fn a_moved_suppression_in_the_working_tree_silences_nothing() {
    let d = repo("worktree");
    d.put("jobs/web.nomad", &moved());
    refused(check(&d, &["--base", "HEAD"]));
}

/// A group renamed is another group to Nomad's job diff (one deleted, one
/// added): the comment on it is new.
#[test]
fn a_suppression_on_a_renamed_group_is_new() {
    let d = repo("renamed-group");
    d.put(
        "jobs/web.nomad",
        &job("web", &[group("c", 6, IGNORE), group("b", 0, "")]),
    );
    commit(&d, "pr: rename a");
    refused(check(&d, &["--base", "HEAD~1", "--head", "HEAD"]));
}

/// Guard: a base suppression left in its block holds whatever else the
/// change edits (another group, a line above it).
#[test]
fn an_unmoved_base_suppression_still_holds() {
    let d = repo("unmoved");
    let b = group("b", 0, "").replace("nginx:1", "nginx:2");
    let edited = job("web", &[group("a", 6, IGNORE), b])
        .replace("  datacenters", "  # the web tier\n  datacenters");
    d.put("jobs/web.nomad", &edited);
    commit(&d, "pr: b's image");
    passed(check(&d, &["--base", "HEAD~1", "--head", "HEAD"]));
}

/// A file git renames keeps its suppressions where its blocks are the
/// same (the baseline read the base at the new path only, found nothing,
/// and refused the reviewed comment with NP002); moved onto another group
/// in the same change, the comment is new.
#[test]
fn a_renamed_file_keeps_its_suppressions_in_the_same_blocks() {
    let d = repo("renamed-file");
    git(&d.0, &["mv", "jobs/web.nomad", "jobs/web-tier.nomad"]);
    commit(&d, "pr: rename the file");
    passed(check(&d, &["--base", "HEAD~1", "--head", "HEAD"]));

    d.put("jobs/web-tier.nomad", &moved());
    commit(&d, "pr: and move the comment");
    refused(check(&d, &["--base", "HEAD~2", "--head", "HEAD"]));
}

/// `git push` through the pre-push hook (`hook install --pre-push`), which
/// judges the pushed range with `check --base`: refused.
#[test]
fn the_pre_push_hook_refuses_a_moved_suppression() {
    let d = repo("pre-push");
    let work = d.0.clone();
    git(&work, &["init", "-q", "--bare", "remote.git"]);
    std::fs::write(work.join(".gitignore"), "remote.git/\n").unwrap();
    commit(&d, "ignore the remote");
    git(&work, &["remote", "add", "origin", "./remote.git"]);
    git(
        &work,
        &[
            "push",
            "-q",
            "--no-verify",
            "origin",
            "HEAD:refs/heads/main",
        ],
    );
    git(&work, &["remote", "set-head", "origin", "main"]);
    let out = Command::new(common::bin())
        .args(["hook", "install", "--pre-push"])
        .current_dir(&work)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", output_text(&out));
    d.put("jobs/web.nomad", &moved());
    commit(&d, "pr: move the comment");
    let mut path = vec![common::bin().parent().unwrap().to_path_buf()];
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let out = common::git_command(&work)
        .args(["push", "origin", "HEAD:refs/heads/main"])
        .env("PATH", std::env::join_paths(path).unwrap())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let s = output_text(&out);
    assert!(!out.status.success(), "the push went through: {s}");
    assert!(s.contains("NP002") && s.contains("NP207"), "{s}");
}
