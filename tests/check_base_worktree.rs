//! `check --base REF` and `plan --changed --base REF` compared with the
//! working tree: the change set is what the working tree holds, untracked
//! files included (a new job file nobody ran `git add` on is still the
//! change under review), and every way it could be silently empty or
//! partial fails closed or says so.

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

#[test]
fn an_untracked_new_job_file_fails_check_and_plan_against_the_base() {
    let d = repo("base-untracked");
    d.put("jobs/bad.nomad", BAD);
    let out = d.run(&["check", "--base", "main", "--output-format", "concise"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("jobs/bad.nomad:"), "{stdout}");
    assert!(stdout.contains("NP201"), "{stdout}");
    assert!(stdout.contains("in 1 file"), "{stdout}");

    // The same definition of the change set for the plan (without --gate,
    // exit 1 is Nomad's "allocations change").
    let out = d.run(&["plan", "--changed", "--base", "main"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("==> jobs/bad.nomad (added)"), "{stdout}");
    assert!(stdout.contains("Quota limit hit"), "{stdout}");

    // Staged: the untracked file is not part of the commit.
    let out = d.run(&["check", "--staged"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("in 0 files"));
}

#[test]
fn an_untracked_broken_world_file_fails_the_gate() {
    let d = repo("base-untracked-world");
    d.put("rules/quotas/extra.hcl", "quota \"x\" { limit {\n");
    let out = d.run(&["check", "--base", "main", "--output-format", "concise"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("rules/quotas/extra.hcl:1:"), "{stdout}");
    let out = d.run(&["plan", "--changed", "--base", "main", "--gate"]);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("leaves the world invalid"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_file_removed_from_the_index_but_kept_on_disk_is_checked() {
    let d = repo("base-rm-cached");
    d.put("jobs/sockshop.nomad", BAD);
    common::git(&d.0, &["rm", "-q", "--cached", "jobs/sockshop.nomad"]);
    let out = d.run(&["check", "--base", "main", "--output-format", "concise"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("jobs/sockshop.nomad:"), "{stdout}");
}

#[test]
fn paths_named_from_a_sub_folder_are_the_repositorys_paths() {
    let d = repo("base-subdir");
    d.put("jobs/bad.nomad", BAD);
    let out = d.run_at("jobs", &["check", "--base", "main", "bad.nomad"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("in 1 file"), "{stdout}");
    let out = d.run_at("jobs", &["check", "--base", "main", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    // Outside the repository: a usage error, not an empty change set.
    let out = d.run_at("jobs", &["check", "--base", "main", "../.."]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("outside the repository"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_ignored_job_file_is_named_on_stderr() {
    let d = repo("base-ignored");
    d.put(".gitignore", "scratch.nomad\n");
    d.put("scratch.nomad", BAD);
    let out = d.run(&["check", "--base", "main"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        stderr.contains("note: scratch.nomad is ignored by git (.gitignore)"),
        "{stderr}"
    );
    let out = d.run(&["plan", "--changed", "--base", "main"]);
    assert!(
        text(&out.stderr).contains("scratch.nomad is ignored by git"),
        "{}",
        text(&out.stderr)
    );
}

/// Git takes a file a sparse checkout leaves out (skip-worktree) as its
/// staged blob, and so does the gate: the change is judged, not refused
/// (R16-40; before, `cannot read jobs/sockshop.nomad` with a hint).
#[test]
fn a_changed_file_a_sparse_checkout_leaves_out_is_judged_from_the_index() {
    let d = repo("base-sparse");
    common::git(&d.0, &["checkout", "-q", "-b", "feat"]);
    d.put("jobs/sockshop.nomad", BAD);
    d.put("other/readme", "x\n");
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "feat"]);
    common::git(&d.0, &["sparse-checkout", "set", "other"]);
    assert!(!d.0.join("jobs/sockshop.nomad").exists());
    let out = d.run(&["check", "--base", "main", "--output-format", "concise"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("jobs/sockshop.nomad:"), "{stdout}");
    assert!(stdout.contains("NP201"), "{stdout}");
    assert!(!stdout.contains("cannot read"), "{stdout}");
}

#[test]
fn a_named_path_the_repository_does_not_hold_is_a_usage_error() {
    // A typo in CI's `check --base main deploy/` selected nothing and
    // passed every pull request (redteam6 G14).
    let d = repo("base-typo");
    d.put("jobs/bad.nomad", BAD);
    let out = d.run(&["check", "--base", "main", "job/"]);
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("job names no file of the repository"), "{all}");
    // A path that is there but unchanged stays a clean run.
    let out = d.run(&["check", "--base", "main", "rules/"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    // A deleted file is named by the base.
    common::git(&d.0, &["rm", "-q", "jobs/sockshop.nomad"]);
    let out = d.run(&["check", "--base", "main", "jobs/sockshop.nomad"]);
    assert_ne!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[cfg(unix)]
#[test]
fn a_path_through_a_linked_folder_names_the_files_it_leads_to() {
    let d = Dir::demo("base-linked");
    d.put("nomad/extra/README", "extra jobs\n");
    std::os::unix::fs::symlink("nomad/extra", d.0.join("extra")).unwrap();
    common::git(&d.0, &["init", "-q", "-b", "main"]);
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "demo"]);
    d.put("nomad/extra/bad.nomad", BAD);
    for named in ["extra/", "extra/bad.nomad"] {
        let out = d.run(&[
            "check",
            "--base",
            "main",
            "--output-format",
            "concise",
            named,
        ]);
        let stdout = text(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{named}: {stdout}{}",
            text(&out.stderr)
        );
        assert!(
            stdout.contains("nomad/extra/bad.nomad:"),
            "{named}: {stdout}"
        );
    }
}
