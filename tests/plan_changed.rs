//! `plan --changed` / `--staged` / `--base` in real temporary repositories
//! holding the demo's jobs/ and rules/.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary git repository with the demo committed, removed on drop.
struct Repo(PathBuf);

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Repo {
    /// The demo's jobs/ and rules/, staged (and committed unless `empty`).
    fn demo(name: &str, commit: bool) -> Repo {
        let dir = std::env::temp_dir().join(format!("np-plan-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        common::copy_dir(&manifest.join("jobs"), &dir.join("jobs"));
        common::copy_dir(&manifest.join("rules"), &dir.join("rules"));
        common::git(&dir, &["init", "-q"]);
        common::git(&dir, &["add", "."]);
        if commit {
            common::git(&dir, &["commit", "-qm", "demo"]);
        }
        Repo(dir)
    }

    fn git(&self, args: &[&str]) {
        common::git(&self.0, args);
    }

    /// Delete a running job's file and take it out of `running` in the same
    /// change: the consistent way to stop a job (the world stays loadable).
    fn delete_running(&self, path: &str) {
        self.git(&["rm", "-q", path]);
        let cluster = self.read("rules/cluster.hcl");
        let entry = format!("  \"{path}\",\n");
        assert!(cluster.contains(&entry), "{path} is not running");
        self.write("rules/cluster.hcl", &cluster.replacen(&entry, "", 1));
        self.git(&["add", "rules/cluster.hcl"]);
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.0.join(path)).unwrap()
    }

    fn write(&self, path: &str, text: &str) {
        std::fs::write(self.0.join(path), text).unwrap();
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(common::bin())
            .args(args)
            .current_dir(&self.0)
            .env("NO_COLOR", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .unwrap()
    }
}

fn text(o: &Output) -> String {
    common::output_text(o)
}

fn carts_count(repo: &Repo, n: u32) {
    let text = repo.read("jobs/sockshop.nomad");
    let at = text.find("group \"carts\"").expect("carts group");
    let rel = text[at..].find("count = ").expect("count");
    let start = at + rel + "count = ".len();
    let end = start + text[start..].find('\n').expect("line end");
    let mut out = text.clone();
    out.replace_range(start..end, &n.to_string());
    repo.write("jobs/sockshop.nomad", &out);
}

#[test]
fn staged_content_is_planned_and_unstaged_edits_are_ignored() {
    let repo = Repo::demo("staged", true);
    carts_count(&repo, 3);
    repo.git(&["add", "jobs/sockshop.nomad"]);
    carts_count(&repo, 2);
    let before_tree = repo.read("jobs/sockshop.nomad");

    let out = repo.run(&["plan", "--changed", "--staged"]);
    let s = text(&out);
    assert!(s.contains("==> jobs/sockshop.nomad (modified)\n"), "{s}");
    assert!(s.contains("Count: \"1\" => \"3\""), "{s}");
    assert!(!s.contains("=> \"2\""), "{s}");
    assert_eq!(out.status.code(), Some(1), "allocations change: {s}");

    // One file, staged, without --changed: the same plan, Nomad's text only.
    let one = repo.run(&["plan", "jobs/sockshop.nomad", "--staged"]);
    let s1 = text(&one);
    assert!(s1.starts_with("+/- Job: \"sockshop\""), "{s1}");
    assert!(s1.contains("Count: \"1\" => \"3\""), "{s1}");

    // Nothing in the working tree or the index was touched.
    assert_eq!(repo.read("jobs/sockshop.nomad"), before_tree);
    let status = Command::new("git")
        .arg("-C")
        .arg(&repo.0)
        .args(["status", "--porcelain"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&status.stdout),
        "MM jobs/sockshop.nomad\n"
    );
}

#[test]
fn base_plans_use_the_base_versions() {
    let repo = Repo::demo("base", true);
    carts_count(&repo, 3);
    repo.git(&["commit", "-qam", "carts to 3"]);

    for args in [
        &["plan", "--changed", "--base", "HEAD~1", "--head", "HEAD"][..],
        &["plan", "--changed", "--base", "HEAD~1"][..],
    ] {
        let out = repo.run(args);
        let s = text(&out);
        assert!(
            s.contains("==> jobs/sockshop.nomad (modified)\n"),
            "{args:?}: {s}"
        );
        assert!(
            s.contains("+/- Count: \"1\" => \"3\" (forces create)"),
            "{args:?}: {s}"
        );
        assert!(
            s.contains("+/- Task Group: \"carts\" (2 create, 1 in-place update)")
                || s.contains("+/- Task Group: \"carts\" (2 create"),
            "{args:?}: {s}"
        );
        assert!(
            s.contains("==> 1 job file(s) changed from HEAD~1 to"),
            "{args:?}: {s}"
        );
        assert_eq!(out.status.code(), Some(1), "{args:?}: {s}");
    }

    // Against its own revision nothing changed.
    let same = repo.run(&["plan", "--changed", "--base", "HEAD", "--head", "HEAD"]);
    let s = text(&same);
    assert!(
        s.contains("==> no job file changed from HEAD to HEAD"),
        "{s}"
    );
    assert_eq!(same.status.code(), Some(0), "{s}");

    // One file against the base world: the running version is HEAD~1's.
    let one = repo.run(&["plan", "jobs/sockshop.nomad", "--base", "HEAD~1"]);
    assert!(
        text(&one).contains("Count: \"1\" => \"3\""),
        "{}",
        text(&one)
    );
}

#[test]
fn a_deleted_job_file_plans_as_a_stop() {
    let repo = Repo::demo("deleted", true);
    // Deleting the file alone leaves `running` naming a missing file: the
    // stop is planned, and the broken world makes the run an error.
    repo.git(&["rm", "-q", "jobs/sockshopui.nomad"]);
    let out = repo.run(&["plan", "--changed", "--staged"]);
    let s = text(&out);
    assert!(s.contains("+/- Stop: \"false\" => \"true\""), "{s}");
    assert!(s.contains("still listed in `running`"), "{s}");
    assert_eq!(out.status.code(), Some(255), "{s}");
    repo.git(&["reset", "-q", "--hard"]);

    repo.delete_running("jobs/sockshopui.nomad");
    let out = repo.run(&["plan", "--changed", "--staged"]);
    let s = text(&out);
    assert!(
        s.contains("==> jobs/sockshopui.nomad (deleted: stop job \"sockshopui\")\n"),
        "{s}"
    );
    assert!(s.contains("+/- Job: \"sockshopui\""), "{s}");
    assert!(s.contains("+/- Stop: \"false\" => \"true\""), "{s}");
    assert!(s.contains(" destroy)"), "{s}");
    assert!(!s.contains(" create)"), "{s}");
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert_snap!(
        "gate_stop_plan",
        String::from_utf8_lossy(&out.stdout).to_string()
    );

    // A job the base world does not run has nothing to stop. (The world
    // must stop listing the deleted file as running, or it is invalid.)
    repo.git(&["commit", "-qam", "drop ui"]);
    repo.git(&["rm", "-q", "jobs/monitoring.nomad"]);
    let out = repo.run(&["plan", "--changed", "--staged"]);
    let s = text(&out);
    assert!(s.contains("==> jobs/monitoring.nomad (deleted)\n"), "{s}");
    assert!(s.contains("is not running at HEAD: nothing to stop"), "{s}");
    assert_eq!(out.status.code(), Some(0), "{s}");
}

#[test]
fn renames_are_a_change_of_the_same_job() {
    let repo = Repo::demo("rename", true);
    repo.git(&["mv", "jobs/sockshop.nomad", "jobs/shop.nomad"]);
    // The world follows the rename, or it would name a missing file.
    let cluster = repo.read("rules/cluster.hcl");
    repo.write(
        "rules/cluster.hcl",
        &cluster.replacen("\"jobs/sockshop.nomad\"", "\"jobs/shop.nomad\"", 1),
    );
    repo.git(&["add", "rules/cluster.hcl"]);
    let text_before = repo.read("jobs/shop.nomad");
    repo.write("jobs/shop.nomad", &text_before);
    let out = repo.run(&["plan", "--changed", "--staged"]);
    let s = text(&out);
    assert!(
        s.contains("==> jobs/shop.nomad (renamed from jobs/sockshop.nomad)\n"),
        "{s}"
    );
    assert!(s.contains("\nJob: \"sockshop\""), "{s}");
    assert!(!s.contains("Stop:"), "{s}");
    assert_eq!(out.status.code(), Some(0), "unchanged job: {s}");

    // A rename git does not detect (the content changed too much) pairs up
    // by job ID all the same.
    let mut rewritten = String::from("# moved\n");
    rewritten.push_str(&text_before.replace("    count = 1\n", "    count = 1 # x\n"));
    for i in 0..200 {
        rewritten.push_str(&format!("# padding {i}\n"));
    }
    repo.write("jobs/shop.nomad", &rewritten);
    repo.git(&["add", "-A"]);
    let out = repo.run(&["plan", "--changed", "--staged"]);
    let s = text(&out);
    assert!(!s.contains("deleted"), "{s}");
    assert!(!s.contains("Stop:"), "{s}");
    assert!(s.contains("\nJob: \"sockshop\""), "{s}");
}

#[test]
fn a_job_file_that_now_defines_another_job_stops_the_old_one() {
    let repo = Repo::demo("replaced", true);
    let ui = repo.read("jobs/sockshopui.nomad");
    repo.write(
        "jobs/sockshopui.nomad",
        &ui.replacen("job \"sockshopui\"", "job \"shopfront\"", 1),
    );
    repo.git(&["add", "-A"]);
    let out = repo.run(&["plan", "--changed", "--staged"]);
    let s = text(&out);
    assert!(s.contains("+ Job: \"shopfront\""), "{s}");
    assert!(
        s.contains("(no longer defines this job: stop job \"sockshopui\")"),
        "{s}"
    );
    // The file was not deleted: the hint says what happened and that
    // running the file alone would leave the old job running.
    assert!(!s.contains("was deleted"), "{s}");
    assert!(
        s.contains("The job file no longer defines this job (running the file leaves it running): the change is a stop. To submit it run:\n\nnomad job stop sockshopui\n"),
        "{s}"
    );
}

#[test]
fn a_repository_without_commits_and_a_detached_head_both_work() {
    let fresh = Repo::demo("nocommit", false);
    let out = fresh.run(&["plan", "--changed", "--staged"]);
    let s = text(&out);
    assert!(s.contains("==> jobs/monitoring.nomad (added)\n"), "{s}");
    assert!(s.contains("+ Job: \"monitoring\""), "{s}");
    assert_ne!(out.status.code(), Some(255), "{s}");
    let check = fresh.run(&["check", "--staged"]);
    assert_ne!(check.status.code(), Some(2), "{}", text(&check));

    let repo = Repo::demo("detached", true);
    carts_count(&repo, 3);
    repo.git(&["commit", "-qam", "carts to 3"]);
    repo.git(&["checkout", "-q", "--detach", "HEAD"]);
    carts_count(&repo, 2);
    repo.git(&["add", "-A"]);
    let out = repo.run(&["plan", "--changed", "--staged"]);
    let s = text(&out);
    assert!(s.contains("Count: \"3\" => \"2\""), "{s}");
    let out = repo.run(&["plan", "--changed", "--base", "HEAD~1", "--head", "HEAD"]);
    assert!(
        text(&out).contains("Count: \"1\" => \"3\""),
        "{}",
        text(&out)
    );
}

#[test]
fn the_gate_refuses_only_what_the_policy_protects() {
    let repo = Repo::demo("gate", true);
    carts_count(&repo, 2);
    repo.git(&["add", "-A"]);
    // Allocations change, nothing protected is hurt: the gate passes.
    let ok = repo.run(&["plan", "--changed", "--staged", "--gate"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(!text(&ok).contains("refused by policy"), "{}", text(&ok));

    // Far beyond the quota: the protected shop cannot place its carts.
    carts_count(&repo, 9);
    repo.git(&["add", "-A"]);
    let refused = repo.run(&["plan", "--changed", "--staged", "--gate"]);
    let s = text(&refused);
    assert_eq!(refused.status.code(), Some(1), "{s}");
    assert!(
        s.contains("==> refused by policy: jobs/sockshop.nomad leaves"),
        "{s}"
    );
    assert!(
        s.contains("of protected job \"sockshop\" (group \"carts\") unplaced"),
        "{s}"
    );
}

#[test]
fn invalid_job_files_are_errors_and_other_files_are_skipped() {
    let repo = Repo::demo("invalid", true);
    repo.write("notes.hcl", "terraform {}\n");
    repo.write("README.md", "docs\n");
    repo.write(
        "jobs/broken.nomad",
        "job \"broken\" {\n  priority = \"high\"\n}\n",
    );
    repo.git(&["add", "-A"]);
    let out = repo.run(&["plan", "--changed", "--staged"]);
    let s = text(&out);
    assert_eq!(out.status.code(), Some(255), "{s}");
    assert!(s.contains("==> jobs/broken.nomad (added)"), "{s}");
    assert!(!s.contains("notes.hcl"), "{s}");
    assert!(!s.contains("README"), "{s}");
    assert!(s.contains("1 invalid"), "{s}");
}

#[test]
fn usage_errors_exit_255() {
    let repo = Repo::demo("usage", true);
    let out = repo.run(&["plan", "--changed"]);
    assert_eq!(out.status.code(), Some(255), "{}", text(&out));
    assert!(text(&out).contains("--changed needs --staged or --base REF"));
    let out = repo.run(&["plan", "--changed", "--base", "no-such-ref"]);
    assert_eq!(out.status.code(), Some(255), "{}", text(&out));
    assert!(
        text(&out).contains("revision \"no-such-ref\" does not exist"),
        "{}",
        text(&out)
    );
}

#[test]
fn markdown_summary_for_the_step_summary() {
    let repo = Repo::demo("markdown", true);
    carts_count(&repo, 3);
    repo.delete_running("jobs/sockshopui.nomad");
    repo.git(&["add", "-A"]);
    let out = repo.run(&["plan", "--changed", "--staged", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_snap!(
        "gate_markdown_summary",
        String::from_utf8_lossy(&out.stdout).to_string()
    );
}

#[test]
fn json_lists_every_plan() {
    let repo = Repo::demo("json", true);
    repo.delete_running("jobs/sockshopui.nomad");
    let out = repo.run(&["plan", "--changed", "--staged", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["Base"], "HEAD");
    let plans = v["Plans"].as_array().unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0]["File"], "jobs/sockshopui.nomad");
    assert_eq!(plans[0]["Stop"], true);
    assert_eq!(plans[0]["Plan"]["Diff"]["Type"], "Edited");
}

#[test]
fn a_group_vault_edit_shows_in_the_tasks_it_reaches() {
    let repo = Repo::demo("unmodelled", true);
    let text = repo.read("jobs/sockshop.nomad");
    // A group `vault` block (0.9.3's parser knows it): parse_group.go gives
    // it to every task of the group without one, so the tasks' Vault
    // objects are added, as Nomad plans it. It used to be "changed but not
    // modelled".
    let at = text.find("group \"carts\" {").expect("carts group") + "group \"carts\" {".len();
    let mut edited = text.clone();
    edited.insert_str(at, "\n    vault {\n      policies = [\"carts\"]\n    }\n");
    repo.write("jobs/sockshop.nomad", &edited);
    let out = repo.run(&["plan", "jobs/sockshop.nomad", "--base", "HEAD"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("+/- Task Group: \"carts\" (1 create/destroy update)"),
        "{stdout}"
    );
    // Both tasks get it, with the vault constraint Nomad implies.
    for task in ["cartdb", "carts"] {
        let head = format!("+/- Task: \"{task}\" (forces create/destroy update)\n    + Vault {{\n");
        assert!(stdout.contains(&head), "{stdout}");
    }
    assert!(
        stdout.contains("      + Policies {\n        + Policies: \"carts\"\n        }"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+ LTarget: \"${attr.vault.version}\""),
        "{stdout}"
    );
    assert!(!stderr.contains("changed but not modelled"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let json = repo.run(&[
        "plan",
        "jobs/sockshop.nomad",
        "--base",
        "HEAD",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v["Diff"]["Type"], "Edited");
    assert!(
        v["Preflight"]["Unmodelled"]
            .as_array()
            .is_none_or(|a| a.is_empty()),
        "{}",
        v["Preflight"]
    );
}

/// A file named as a job file is one whatever its text: a typo in its
/// `job` block (`jbo "sockshop" {`) is Nomad's error, never "not a job
/// file" that the hook and the gate then pass. Other `.hcl` files are still
/// judged by their text.
#[test]
fn a_typo_in_the_job_block_of_a_job_file_fails_the_hook_and_the_gate() {
    let repo = Repo::demo("typo", true);
    let text_of = repo.read("jobs/sockshop.nomad");
    repo.write(
        "jobs/sockshop.nomad",
        &text_of.replacen("job \"sockshop\" {", "jbo \"sockshop\" {", 1),
    );
    repo.write(
        "vault-policy.hcl",
        "path \"secret/*\" {\n  capabilities = [\"read\"]\n}\n",
    );
    repo.git(&["add", "-A"]);
    let out = repo.run(&["plan", "--changed", "--staged", "--gate"]);
    let s = text(&out);
    assert_eq!(out.status.code(), Some(255), "{s}");
    // The demo world's 0.9.3 checks the top level's keys first
    // (jobspec.Parse's CheckHCLKeys).
    assert!(s.contains("* invalid key: jbo"), "{s}");
    assert!(s.contains("1 invalid"), "{s}");
    let out = repo.run(&["check", "--staged"]);
    let s = text(&out);
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert!(
        s.contains("jobs/sockshop.nomad:2:1: jobspec::hcl1-parse [error] 1 error(s) occurred:"),
        "{s}"
    );
    assert!(s.contains("(1 skipped: not job files)"), "{s}");
}

/// A `.hcl` name says nothing either way (world files and Vault policies
/// share it), so its text decides: a `group` block under a misspelled
/// `job` is still a job, and a gate must not pass it as "not a job file".
#[test]
fn a_typo_in_the_job_block_of_an_hcl_job_fails_the_hook_and_the_gate() {
    let repo = Repo::demo("typo-hcl", true);
    let text_of = repo.read("jobs/monitoring.nomad");
    repo.write(
        "jobs/logs.hcl",
        &text_of.replacen("job \"monitoring\" {", "jbo \"logs\" {", 1),
    );
    repo.write(
        "vault-policy.hcl",
        "path \"secret/*\" {\n  capabilities = [\"read\"]\n}\n",
    );
    repo.git(&["add", "-A"]);
    let out = repo.run(&["plan", "--changed", "--staged", "--gate"]);
    let s = text(&out);
    assert_eq!(out.status.code(), Some(255), "{s}");
    assert!(s.contains("* invalid key: jbo"), "{s}");
    let out = repo.run(&["check", "--staged"]);
    let s = text(&out);
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert!(
        s.contains("jobs/logs.hcl:2:1: jobspec::hcl1-parse [error] 1 error(s) occurred:"),
        "{s}"
    );
    assert!(s.contains("(1 skipped: not job files)"), "{s}");
}

#[test]
fn a_staged_symbolic_link_is_refused_in_words_that_name_the_index() {
    let repo = Repo::demo("staged-link", true);
    std::os::unix::fs::symlink("/etc/hostname", repo.0.join("jobs/evil.nomad")).expect("symlink");
    repo.git(&["add", "-A"]);
    for args in [
        &["check", "--staged"][..],
        &["plan", "--changed", "--staged"][..],
    ] {
        let out = repo.run(args);
        let s = text(&out);
        // miette wraps the message at the terminal's width.
        let flat = common::flat(&s);
        assert!(
            flat.contains("it is a symbolic link in the index, and links are not followed"),
            "{args:?}: {s}"
        );
        assert!(!s.contains("git :"), "{args:?}: {s}");
        assert_ne!(out.status.code(), Some(0), "{args:?}: {s}");
    }
}
