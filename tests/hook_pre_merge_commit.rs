//! `git merge` records a merge commit without running `pre-commit`: it
//! runs `pre-merge-commit` with `GIT_INDEX_FILE` at the merged index
//! (githooks(5); git's builtin/merge.c `run_commit_hook(...,
//! "pre-merge-commit")`). `hook install` wrote only pre-commit, so two
//! branches that each passed it merged into a quota breach (NP304) with
//! nothing judged (R25b-2). It now writes both, run here by real merges.

use crate::common;

use std::path::Path;
use std::process::Output;

use common::{output_text, TempDir};

/// PATH with the built binary's directory first, as a user's install.
fn path_with_binary() -> std::ffi::OsString {
    let mut dirs = vec![common::bin().parent().expect("bin dir").to_path_buf()];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).expect("PATH")
}

fn git(dir: &Path, args: &[&str]) -> Output {
    common::git_command(dir)
        .args(args)
        .env("PATH", path_with_binary())
        .env("NO_COLOR", "1")
        .output()
        .expect("git runs")
}

fn ok(dir: &Path, args: &[&str]) {
    let out = git(dir, args);
    assert!(out.status.success(), "git {args:?}: {}", output_text(&out));
}

/// A job of one group asking `cpu` MHz in namespace `default`.
fn job(id: &str, cpu: u32) -> String {
    format!("job \"{id}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n      resources {{\n        cpu    = {cpu}\n        memory = 10\n      }}\n    }}\n  }}\n}}\n")
}

/// The demo on `main` with the hooks installed; branch `a` runs job a
/// (1520 of the quota's 3000 MHz used) and branch `b` adds job b (1490
/// MHz: it fits beside the demo alone, not beside a too).
fn branches(name: &str) -> TempDir {
    let d = common::demo_repo(name, common::Demo::default());
    let out = d.run(&["hook", "install"]);
    let said = output_text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("hooks/pre-commit\n") && said.contains("hooks/pre-merge-commit"),
        "{said}"
    );
    ok(&d.0, &["checkout", "-qb", "a"]);
    d.put("jobs/a.nomad", &job("a", 20));
    let cluster = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).expect("cluster");
    assert!(cluster.contains("\nrunning = [\n"), "{cluster}");
    d.put(
        "rules/cluster.hcl",
        &cluster.replacen("\nrunning = [\n", "\nrunning = [\n  \"jobs/a.nomad\",\n", 1),
    );
    ok(&d.0, &["add", "-A"]);
    ok(&d.0, &["commit", "-qm", "run a"]);
    ok(&d.0, &["checkout", "-q", "main"]);
    ok(&d.0, &["checkout", "-qb", "b"]);
    d.put("jobs/b.nomad", &job("b", 1490));
    ok(&d.0, &["add", "-A"]);
    ok(&d.0, &["commit", "-qm", "add b"]);
    ok(&d.0, &["checkout", "-q", "main"]);
    ok(&d.0, &["merge", "-q", "a"]);
    d
}

#[test]
fn a_merge_into_a_quota_breach_is_refused_and_no_verify_skips_it_once() {
    let d = branches("merge-hook");
    let head = git(&d.0, &["rev-parse", "HEAD"]).stdout;
    let out = git(&d.0, &["merge", "--no-ff", "-m", "merge b", "b"]);
    let s = output_text(&out);
    assert!(!out.status.success(), "the merge went through: {s}");
    assert!(
        s.contains("jobs/b.nomad:1:5: NP304 [error] Quota limit hit \"default\""),
        "{s}"
    );
    assert_eq!(
        git(&d.0, &["rev-parse", "HEAD"]).stdout,
        head,
        "no merge commit"
    );
    ok(&d.0, &["merge", "--abort"]);
    ok(
        &d.0,
        &["merge", "--no-ff", "--no-verify", "-m", "merge b", "b"],
    );
    assert_ne!(git(&d.0, &["rev-parse", "HEAD"]).stdout, head);

    // Uninstall removes both of ours.
    let out = d.run(&["hook", "uninstall"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let hooks = d.0.join(".git/hooks");
    assert!(!hooks.join("pre-commit").exists() && !hooks.join("pre-merge-commit").exists());
}

#[test]
fn a_merge_that_fits_passes_and_core_hooks_path_holds_both_hooks() {
    let d = common::demo_repo("merge-hook-path", common::Demo::default());
    ok(&d.0, &["config", "core.hooksPath", ".githooks"]);
    let out = d.run(&["hook", "install"]);
    assert!(out.status.success(), "{}", output_text(&out));
    for hook in ["pre-commit", "pre-merge-commit"] {
        let text = std::fs::read_to_string(d.0.join(".githooks").join(hook)).expect(hook);
        assert!(
            text.contains("exec nomad-preflight check --staged\n"),
            "{text}"
        );
    }
    assert!(!d.0.join(".git/hooks/pre-merge-commit").exists());
    ok(&d.0, &["checkout", "-qb", "c"]);
    d.put("jobs/c.nomad", &job("c", 100));
    ok(&d.0, &["add", "-A"]);
    ok(&d.0, &["commit", "-qm", "add c"]);
    ok(&d.0, &["checkout", "-q", "main"]);
    let out = git(&d.0, &["merge", "--no-ff", "-m", "merge c", "c"]);
    assert!(out.status.success(), "{}", output_text(&out));
}

#[test]
fn a_user_s_own_pre_merge_commit_hook_is_refused_kept_with_force_and_put_back() {
    let d = common::demo_repo("merge-hook-foreign", common::Demo::default());
    let mine = "#!/bin/sh\necho mine\n";
    let hook = d.0.join(".git/hooks/pre-merge-commit");
    std::fs::create_dir_all(hook.parent().expect("dir")).expect("dir");
    std::fs::write(&hook, mine).expect("write");
    let out = d.run(&["hook", "install"]);
    assert_eq!(out.status.code(), Some(2), "{}", output_text(&out));
    assert!(
        output_text(&out)
            .contains("pre-merge-commit exists and was not written by nomad-preflight"),
        "{}",
        output_text(&out)
    );
    assert!(
        !d.0.join(".git/hooks/pre-commit").exists(),
        "neither is written unless both can be"
    );
    let out = d.run(&["hook", "install", "--force"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let saved =
        d.0.join(".git/hooks/pre-merge-commit.before-nomad-preflight");
    assert_eq!(std::fs::read_to_string(&saved).expect("saved"), mine);
    let out = d.run(&["hook", "uninstall"]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert_eq!(std::fs::read_to_string(&hook).expect("put back"), mine);
}
