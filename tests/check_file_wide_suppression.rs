//! R25c-1: a base `# preflight:ignore-file CODE` is trusted for the job its
//! file defined at the base (namespace and ID), not for whatever job the
//! file defines later. `check --base` (and the pre-push hook, which runs
//! it) kept trusting the reviewed file-wide comment of `job "web"` after a
//! change rewrote the file to `job "critical"`, in place or under a new
//! name, so critical's NP207 was silenced: 0 errors, exit 0. Nomad sees
//! web deleted and critical registered (a job is its namespace and ID), so
//! the comment is a new one for critical (NP002) and the finding fails the
//! run; a file that keeps its job keeps its comment.

use crate::common;

use std::process::Command;

use common::{git, output_text, TempDir};

/// Two clients of 4000 MHz: six allocations of 1500 MHz do not fit
/// (NP207); namespace `other` exists.
const WORLD: &str = "nomad_version = \"1.9.3\"\nregion = \"global\"\nscheduler {\n  preemption {\n    service = false\n  }\n}\nclient \"c\" {\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 10000\n  drivers = [\"docker\"]\n  attributes = { \"kernel.name\" = \"linux\" }\n}\n";

const IGNORE_FILE: &str =
    "# preflight:ignore-file NP207 batch backlog, accepted until the new clients land";

/// A job over capacity (six allocations of 1500 MHz), `head` lines
/// (comments, a namespace) at the top of its block, the file-wide comment
/// first in the file.
fn job(name: &str, head: &str, image: &str) -> String {
    format!("{IGNORE_FILE}\njob \"{name}\" {{\n{head}  datacenters = [\"dc1\"]\n  group \"a\" {{\n    count = 6\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"{image}\" }}\n      resources {{\n        cpu    = 1500\n        memory = 256\n      }}\n    }}\n  }}\n}}\n")
}

/// The base: job "web" over capacity, its NP207 reviewed and suppressed
/// for the whole file.
fn repo(name: &str) -> TempDir {
    let d = TempDir::new(&format!("file-wide-sup-{name}"));
    d.put("rules/cluster.hcl", WORLD);
    d.put("rules/namespaces/other.hcl", "name = \"other\"\n");
    d.put("jobs/web.nomad", &job("web", "", "nginx:1"));
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "."]);
    git(
        &d.0,
        &["commit", "-qm", "base: web over capacity, suppressed"],
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

/// The red team's repro: the same file, edited in place to define another
/// job; committed, and in the working tree.
#[test]
fn a_file_wide_suppression_does_not_carry_onto_another_job_in_its_file() {
    let d = repo("in-place");
    d.put("jobs/web.nomad", &job("critical", "", "nginx:1"));
    refused(check(&d, &["--base", "HEAD"]));
    commit(&d, "pr: the file now defines critical");
    refused(check(&d, &["--base", "HEAD~1", "--head", "HEAD"]));
}

/// A file git renames (`git diff -M`) and whose job is another: the
/// renamed file's base is the old one, whose comment was for web.
#[test]
fn a_renamed_file_defining_another_job_trusts_no_file_wide_suppression() {
    let d = repo("renamed");
    git(&d.0, &["mv", "jobs/web.nomad", "jobs/critical.nomad"]);
    d.put("jobs/critical.nomad", &job("critical", "", "nginx:1"));
    commit(&d, "pr: rename the file and its job");
    // git sees a rename: the base read is the old file's.
    let out = common::git_command(&d.0)
        .args(["diff", "-M", "--name-status", "HEAD~1", "HEAD"])
        .output()
        .unwrap();
    let s = output_text(&out);
    assert!(s.starts_with('R'), "{s}");
    refused(check(&d, &["--base", "HEAD~1", "--head", "HEAD"]));
}

/// The same job label moved to another namespace is another job to Nomad
/// (the namespace is half its key): neither the file-wide comment nor a
/// line one of its base is trusted for it.
#[test]
fn a_job_moved_to_another_namespace_trusts_none_of_its_base_suppressions() {
    let d = repo("namespace");
    d.put(
        "jobs/web.nomad",
        &job("web", "  namespace = \"other\"\n", "nginx:1"),
    );
    commit(&d, "pr: web to namespace other");
    refused(check(&d, &["--base", "HEAD~1", "--head", "HEAD"]));

    // A line suppression at the base, the file-wide one gone: the same.
    let d = repo("namespace-line");
    let line = |head: &str| {
        job("web", head, "nginx:1")
            .replace(IGNORE_FILE, "")
            .replace(
                "    count = 6\n",
                "    count = 6 # preflight:ignore NP207 accepted\n",
            )
    };
    d.put("jobs/web.nomad", &line(""));
    commit(&d, "base: a line suppression");
    d.put("jobs/web.nomad", &line("  namespace = \"other\"\n"));
    commit(&d, "pr: web to namespace other");
    refused(check(&d, &["--base", "HEAD~1", "--head", "HEAD"]));
}

/// Guard: a file that still defines its base's job keeps its file-wide
/// comment, edited, moved within the file, or renamed by git.
#[test]
fn the_same_job_keeps_its_file_wide_suppression() {
    let d = repo("same-job");
    let edited = job("web", "  # the web tier\n", "nginx:2");
    d.put("jobs/web.nomad", &edited);
    commit(&d, "pr: web's image");
    passed(check(&d, &["--base", "HEAD~1", "--head", "HEAD"]));

    git(&d.0, &["mv", "jobs/web.nomad", "jobs/web-tier.nomad"]);
    let moved = format!(
        "{}\n{IGNORE_FILE}\n",
        edited.replace(&format!("{IGNORE_FILE}\n"), "")
    );
    d.put("jobs/web-tier.nomad", &moved);
    commit(&d, "pr: rename the file, the comment at its end");
    passed(check(&d, &["--base", "HEAD~1", "--head", "HEAD"]));
    passed(check(&d, &["--base", "HEAD~2", "--head", "HEAD"]));
}

/// `git push` through the pre-push hook (`hook install --pre-push`), which
/// judges the pushed range with `check --base`: refused.
#[test]
fn the_pre_push_hook_refuses_a_file_wide_suppression_on_another_job() {
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
    d.put("jobs/web.nomad", &job("critical", "", "nginx:1"));
    commit(&d, "pr: the file now defines critical");
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
