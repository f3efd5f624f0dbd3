//! `check --base REF` and `plan --changed --base REF` against the working
//! tree when the index marks entries assume-unchanged or skip-worktree
//! (or `core.ignoreStat` marks every entry): git's own listing takes such
//! entries as unchanged without reading the disk, but the file Nomad reads
//! is the one on disk, so an edit of it must reach the gate (redteam
//! R15-42: every gate exited 0 on an unplaceable edit).

use crate::common;

use common::TempDir as Dir;

use common::UNPLACEABLE_JOB as BAD;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The demo committed on `main`.
fn repo(name: &str) -> Dir {
    let d = Dir::demo(name);
    common::git(&d.0, &["init", "-q", "-b", "main"]);
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "demo"]);
    d
}

/// Both gates judge the edit of `jobs/sockshop.nomad` on disk.
fn gates_fail_on_the_edit(d: &Dir) {
    let out = d.run(&["check", "--base", "main", "--output-format", "concise"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("jobs/sockshop.nomad:"), "{stdout}");
    assert!(stdout.contains("NP201"), "{stdout}");
    assert!(stdout.contains("in 1 file"), "{stdout}");

    let out = d.run(&["plan", "--changed", "--base", "main", "--gate"]);
    let stdout = text(&out.stdout);
    assert_ne!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("==> jobs/sockshop.nomad"), "{stdout}");
    assert!(!stdout.contains("no job file changed"), "{stdout}");
}

#[test]
fn an_edit_of_an_assume_unchanged_file_reaches_both_gates() {
    let d = repo("marked-assume");
    common::git(
        &d.0,
        &["update-index", "--assume-unchanged", "jobs/sockshop.nomad"],
    );
    // Guard: nothing edited, nothing judged.
    let out = d.run(&["check", "--base", "main"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("in 0 files"),
        "{}",
        text(&out.stdout)
    );

    d.put("jobs/sockshop.nomad", BAD);
    gates_fail_on_the_edit(&d);
}

#[test]
fn an_edit_of_a_present_skip_worktree_file_reaches_both_gates() {
    let d = repo("marked-skip");
    common::git(
        &d.0,
        &["update-index", "--skip-worktree", "jobs/sockshop.nomad"],
    );
    d.put("jobs/sockshop.nomad", BAD);
    gates_fail_on_the_edit(&d);
}

#[test]
fn core_ignore_stat_marks_every_entry_yet_only_the_edited_file_is_judged() {
    let d = repo("marked-ignorestat");
    common::git(&d.0, &["config", "core.ignoreStat", "true"]);
    // A fresh checkout writes every entry marked assume-unchanged.
    std::fs::remove_file(d.0.join(".git/index")).expect("index removed");
    common::git(&d.0, &["reset", "-q", "--hard"]);
    d.put("jobs/sockshop.nomad", BAD);
    gates_fail_on_the_edit(&d);
}
