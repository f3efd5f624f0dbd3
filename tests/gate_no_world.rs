//! A repository with no world: a gate has no cluster to judge a change
//! against. It judged it against the SockShop demo compiled into the
//! binary (three t2.medium clients) and passed it, with a stderr note only
//! (redteam6 G11): every commit the hook saw and every pull request CI saw
//! was "all tasks successfully allocated" on a cluster that is not the
//! user's. Gates now say "cannot tell" (one line; in the document a tool
//! reads; exit 2 for `check`, 255 for `plan`) unless a world is named;
//! `plan` run by hand keeps the demo, said on stderr.

use crate::common;

use common::{git, output_text, TempDir};

const WEB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = 2\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25\"\n      }\n      resources {\n        cpu    = 500\n        memory = 1024\n      }\n    }\n  }\n}\n";

/// A repository with one commit (a README) and web.nomad staged.
fn no_world(name: &str) -> TempDir {
    let d = TempDir::new(name);
    git(&d.0, &["init", "-q"]);
    d.put("README.md", "no world here\n");
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "readme"]);
    d.put("web.nomad", WEB);
    git(&d.0, &["add", "web.nomad"]);
    d
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The one line, and nothing that reads as a pass.
fn assert_cannot_tell(o: &std::process::Output, code: i32, what: &str) {
    let err = stderr(o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(o.status.code(), Some(code), "{what}: {}", output_text(o));
    assert_eq!(lines.len(), 1, "{what}: {err}");
    assert!(
        lines[0].starts_with("error: cannot tell what this change does to the cluster: there is no world (rules/cluster.hcl) at "),
        "{what}: {err}"
    );
    let out = stdout(o);
    assert!(!out.contains("successfully allocated"), "{what}: {out}");
    assert!(!out.contains("0 errors"), "{what}: {out}");
}

#[test]
fn check_gates_cannot_tell_without_a_world() {
    let d = no_world("no-world-check");
    let o = d.run(&["check", "--staged"]);
    assert_cannot_tell(&o, 2, "check --staged");
    assert_eq!(stdout(&o), "");
    let o = d.run(&["check", "--staged", "--format", "json"]);
    assert_cannot_tell(&o, 2, "check --staged --format json");
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["findings"][0]["code"], "world::cannot-tell");
    assert_eq!(doc["summary"]["errors"], 1);
    git(&d.0, &["commit", "-qm", "web"]);
    d.put("web.nomad", &WEB.replace("count = 2", "count = 3"));
    let o = d.run(&["check", "--base", "HEAD"]);
    assert_cannot_tell(&o, 2, "check --base HEAD");
    let o = d.run(&["check", "--base", "HEAD~1", "--head", "HEAD"]);
    assert_cannot_tell(&o, 2, "check --base HEAD~1 --head HEAD");
    // The pre-commit framework's hook under `pre-commit run --all-files`
    // (pre-commit.ci): every job file of the working tree, a gate too.
    let o = d.run(&["check", "--pre-commit"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}", output_text(&o));
    assert!(
        err.contains("error: cannot tell what this change does to the cluster: there is no world (rules/cluster.hcl) in "),
        "{err}"
    );
    // By hand, plain `check` keeps the demo, said on stderr.
    let o = d.run(&["check", "web.nomad"]);
    assert!(
        stderr(&o).contains("using the demo world"),
        "{}",
        output_text(&o)
    );
    assert_ne!(o.status.code(), Some(2), "{}", output_text(&o));
}

#[test]
fn plan_changed_cannot_tell_without_a_world() {
    let d = no_world("no-world-plan");
    let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
    assert_cannot_tell(&o, 255, "plan --changed --staged --gate");
    assert_eq!(stdout(&o), "");
    let o = d.run(&["plan", "--changed", "--staged", "--format", "json"]);
    assert_cannot_tell(&o, 255, "plan --changed --format json");
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["Plans"], serde_json::json!([]));
    assert!(doc["Preflight"]["Error"]
        .as_str()
        .unwrap()
        .starts_with("error: cannot tell"));
    git(&d.0, &["commit", "-qm", "web"]);
    let o = d.run(&[
        "plan",
        "--changed",
        "--base",
        "HEAD~1",
        "--head",
        "HEAD",
        "--gate",
    ]);
    assert_cannot_tell(&o, 255, "plan --changed --base HEAD~1 --head HEAD");
}

/// The hook `hook install --plan` writes refuses the commit, saying why.
#[test]
fn the_installed_hook_refuses_a_commit_it_cannot_judge() {
    let d = no_world("no-world-hook");
    let o = d.run(&["hook", "install", "--plan"]);
    assert!(o.status.success(), "{}", output_text(&o));
    let bin_dir = common::bin().parent().unwrap().to_path_buf();
    let mut dirs = vec![bin_dir];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    let o = common::git_command(&d.0)
        .args(["commit", "-qm", "web"])
        .env("PATH", std::env::join_paths(dirs).unwrap())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = output_text(&o);
    assert!(!o.status.success(), "{text}");
    assert!(text.contains("error: cannot tell"), "{text}");
}

/// A world the user names is judged against, wherever it lies in the
/// repository: no "cannot tell".
#[test]
fn a_named_world_is_judged_against() {
    let d = no_world("no-world-named");
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    common::copy_dir(&manifest.join("rules"), &d.0.join("infra/rules"));
    common::copy_dir(&manifest.join("jobs"), &d.0.join("infra/jobs"));
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["reset", "-q", "web.nomad"]);
    git(&d.0, &["commit", "-qm", "world"]);
    git(&d.0, &["add", "web.nomad"]);
    let o = d.run(&["check", "--staged", "--world", "infra/rules"]);
    let text = output_text(&o);
    assert!(!text.contains("cannot tell"), "{text}");
    assert_eq!(o.status.code(), Some(0), "{text}");
    let o = d.run(&[
        "plan",
        "--changed",
        "--staged",
        "--gate",
        "--world",
        "infra/rules",
    ]);
    let text = output_text(&o);
    assert!(!text.contains("cannot tell"), "{text}");
    assert!(text.contains("==> web.nomad (added)"), "{text}");
}

/// `plan` by hand (and `plan FILE --staged`, which is no gate) keeps the
/// demo, said on stderr.
#[test]
fn plan_by_hand_keeps_the_demo_and_says_so() {
    let d = no_world("no-world-by-hand");
    for args in [
        &["plan", "web.nomad"][..],
        &["plan", "--staged", "web.nomad"],
    ] {
        let o = d.run(args);
        let err = stderr(&o);
        assert!(
            err.contains("demo world compiled into nomad-preflight"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("cannot tell"), "{args:?}: {err}");
        assert!(
            stdout(&o).contains("Job: \"web\""),
            "{args:?}: {}",
            output_text(&o)
        );
    }
}

/// A repository with no world whose one commit holds `web.nomad` reading
/// `conf/app.conf` (and a README).
fn no_world_with_job(name: &str) -> TempDir {
    let d = TempDir::new(name);
    git(&d.0, &["init", "-q"]);
    d.put("README.md", "no world here\n");
    d.put("conf/app.conf", "v1\n");
    d.put(
        "web.nomad",
        &WEB.replace(
            "      resources {",
            "      template {\n        data        = file(\"conf/app.conf\")\n        destination = \"local/app.conf\"\n      }\n      resources {",
        ),
    );
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "first"]);
    d
}

/// Both gates pass the staged change, saying so as for any change set
/// with no job file, and why no world was needed.
fn assert_passes(d: &TempDir, skipped: usize) {
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    let summary = match skipped {
        0 => "0 errors, 0 warnings, 0 advices in 0 files\n".to_string(),
        n => format!("0 errors, 0 warnings, 0 advices in 0 files ({n} skipped: not job files)\n"),
    };
    assert_eq!(stdout(&o), summary, "{text}");
    assert!(
        stderr(&o).contains("this change holds no job file"),
        "{text}"
    );
    let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert_eq!(
        stdout(&o),
        "==> no job file changed from HEAD to the index\n==> 0 job file(s) changed from HEAD to the index: 0 change allocations, 0 do not, 0 invalid\n",
        "{text}"
    );
    let o = d.run(&["plan", "--changed", "--staged", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", output_text(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc, serde_json::json!({"Base": "HEAD", "Plans": []}));
}

/// Both gates still refuse the staged change: "cannot tell".
fn assert_refused(d: &TempDir, what: &str) {
    let o = d.run(&["check", "--staged"]);
    assert_cannot_tell(&o, 2, &format!("check --staged: {what}"));
    let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
    assert_cannot_tell(&o, 255, &format!("plan --changed: {what}"));
}

/// A commit that changes no job file had nothing to judge: refusing it
/// for want of a world refused every commit of the repository, a README
/// edit or a Vault policy too, and a hook that refuses everything is
/// switched off (G11's harshness). It passes, in every mode and through
/// the installed hook; a job commit is still refused.
#[test]
fn a_change_holding_no_job_file_passes_without_a_world() {
    let d = no_world_with_job("no-world-readme");
    d.put("README.md", "still no world\n");
    d.put(
        "vault/policy.hcl",
        "path \"secret/*\" {\n  capabilities = [\"read\"]\n}\n",
    );
    git(&d.0, &["add", "-A"]);
    assert_passes(&d, 1);
    git(&d.0, &["commit", "-qm", "docs"]);
    for args in [
        &["check", "--base", "HEAD~1", "--head", "HEAD"][..],
        &[
            "plan",
            "--changed",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "--gate",
        ],
    ] {
        let o = d.run(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", output_text(&o));
    }
    // Through the hook `hook install --plan` writes.
    let o = d.run(&["hook", "install", "--plan"]);
    assert!(o.status.success(), "{}", output_text(&o));
    let bin_dir = common::bin().parent().unwrap().to_path_buf();
    let mut dirs = vec![bin_dir];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    let path = std::env::join_paths(dirs).unwrap();
    let commit = |msg: &str| {
        common::git_command(&d.0)
            .args(["commit", "-qm", msg])
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    d.put("README.md", "a third README\n");
    git(&d.0, &["add", "README.md"]);
    let o = commit("readme");
    assert!(o.status.success(), "{}", output_text(&o));
    d.put("web.nomad", &WEB.replace("count = 2", "count = 3"));
    git(&d.0, &["add", "web.nomad"]);
    let o = commit("web");
    let text = output_text(&o);
    assert!(!o.status.success(), "{text}");
    assert!(text.contains("error: cannot tell"), "{text}");
}

/// What makes a change one a gate judges, each still refused without a
/// world: a job file edited, deleted, or under another name; a file a job
/// reads; a file of the world folder.
#[test]
fn a_change_a_gate_judges_is_still_refused_without_a_world() {
    let d = no_world_with_job("no-world-still");
    d.put("conf/app.conf", "v2\n");
    git(&d.0, &["add", "-A"]);
    assert_refused(&d, "a template the job reads");
    git(&d.0, &["reset", "-q", "--hard"]);
    git(&d.0, &["rm", "-q", "web.nomad"]);
    assert_refused(&d, "a deleted job file");
    git(&d.0, &["reset", "-q", "--hard"]);
    d.put("deploy/web", WEB);
    git(&d.0, &["add", "-A"]);
    assert_refused(&d, "a job under another name");
    git(&d.0, &["reset", "-q", "--hard"]);
    git(&d.0, &["clean", "-qfd"]);
    d.put("rules/policy.hcl", "preemption_gap = 10\n");
    git(&d.0, &["add", "-A"]);
    assert_refused(&d, "a file of the world folder");
}

/// `check --pre-commit` with no change (`pre-commit run --all-files`,
/// pre-commit.ci: no GIT_INDEX_FILE, no PRE_COMMIT_FROM_REF) in a
/// repository with no world and no job file: a README, a Terraform file,
/// a Vault policy. It refused the run ("cannot tell", exit 2), so the
/// hook failed every CI run of such a repository; nothing there is a job.
#[test]
fn all_files_without_a_world_passes_a_tree_with_no_job_file() {
    let d = TempDir::new("no-world-all-files-none");
    git(&d.0, &["init", "-q"]);
    d.put("README.md", "no world here\n");
    d.put("infra/main.tf", "resource \"null_resource\" \"x\" {}\n");
    d.put(
        "vault/policy.hcl",
        "path \"secret/*\" {\n  capabilities = [\"read\"]\n}\n",
    );
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "first"]);
    let o = d.run(&["check", "--pre-commit"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(!text.contains("cannot tell"), "{text}");
    assert!(
        stderr(&o).contains("the working tree holds no job file: nothing to judge"),
        "{text}"
    );
    assert_eq!(
        stdout(&o),
        "0 errors, 0 warnings, 0 advices in 0 files (1 skipped: not job files)\n",
        "{text}"
    );
    let o = d.run(&["check", "--pre-commit", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", output_text(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["findings"], serde_json::json!([]), "{doc}");
}

/// The same run over a tree holding job files: each is still validated
/// (a job Nomad refuses is reported, located, in every format), and what
/// they do to the cluster is "cannot tell" (its one line). Before, the run
/// said only "cannot tell", and a refused job file went unnamed. A job
/// Nomad refuses is a definite finding: exit 1 (a definite finding comes first), 2
/// only when every job file is valid.
#[test]
fn all_files_without_a_world_validates_the_job_files_and_cannot_tell() {
    let d = TempDir::new("no-world-all-files-jobs");
    git(&d.0, &["init", "-q"]);
    d.put("README.md", "no world here\n");
    d.put("jobs/web.nomad", WEB);
    d.put(
        "jobs/bad.nomad",
        &WEB.replace("job \"web\"", "job \"bad\"")
            .replace("count = 2", "count = -1"),
    );
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "first"]);
    let o = d.run(&["check", "--pre-commit", "--format", "json"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        stderr(&o).contains("error: cannot tell what this change does to the cluster: there is no world (rules/cluster.hcl) in "),
        "{text}"
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["code"] == "world::cannot-tell"),
        "{doc}"
    );
    let refused: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["file"] == "jobs/bad.nomad")
        .collect();
    assert!(!refused.is_empty(), "{doc}");
    assert!(refused.iter().all(|f| f["severity"] == "error"), "{doc}");
    assert!(
        !findings.iter().any(|f| f["file"] == "jobs/web.nomad"),
        "{doc}"
    );
    assert_eq!(doc["summary"]["files"], 2, "{doc}");
    // Human: the refusal located in its file, never a clean summary.
    let o = d.run(&["check", "--pre-commit"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(stdout(&o).contains("jobs/bad.nomad"), "{text}");
    assert!(!stdout(&o).contains("0 errors"), "{text}");
}

/// `check --staged` and `check --base` with no world validated nothing: a
/// job file Nomad refuses got the one "cannot tell" line a valid one gets
/// (exit 2), its refusal unnamed, where `pre-commit run --all-files`
/// reports it. The change's job files are now validated the same way: a
/// refused one is reported, located, in every format (exit 1, beside the
/// "cannot tell"); valid ones still cannot tell (exit 2, the one line).
#[test]
fn staged_and_base_without_a_world_validate_the_changed_job_files() {
    let d = no_world("no-world-staged-invalid");
    let bad = WEB
        .replace("job \"web\"", "job \"bad\"")
        .replace("count = 2", "count = -1");
    d.put("bad.nomad", &bad);
    git(&d.0, &["add", "bad.nomad"]);
    let assert_refused = |o: &std::process::Output, what: &str| {
        let text = output_text(o);
        assert_eq!(o.status.code(), Some(1), "{what}: {text}");
        assert!(
            stderr(o).contains("job file(s) of this change are only validated"),
            "{what}: {text}"
        );
        assert!(
            stderr(o).contains("error: cannot tell what this change does to the cluster: there is no world (rules/cluster.hcl) at "),
            "{what}: {text}"
        );
    };
    let o = d.run(&["check", "--staged", "--format", "json"]);
    assert_refused(&o, "--staged --format json");
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    let refused: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["file"] == "bad.nomad")
        .collect();
    assert!(!refused.is_empty(), "{doc}");
    assert!(refused.iter().all(|f| f["severity"] == "error"), "{doc}");
    assert!(
        findings.iter().any(|f| f["code"] == "world::cannot-tell"),
        "{doc}"
    );
    assert!(!findings.iter().any(|f| f["file"] == "web.nomad"), "{doc}");
    let o = d.run(&["check", "--staged"]);
    assert_refused(&o, "--staged");
    assert!(stdout(&o).contains("bad.nomad"), "{}", output_text(&o));
    git(&d.0, &["commit", "-qm", "jobs"]);
    let o = d.run(&["check", "--base", "HEAD~1", "--head", "HEAD"]);
    assert_refused(&o, "--base HEAD~1 --head HEAD");
    // Fixed in the working tree: valid, so "cannot tell" alone.
    d.put("bad.nomad", &bad.replace("count = -1", "count = 1"));
    let o = d.run(&["check", "--base", "HEAD"]);
    assert_cannot_tell(&o, 2, "check --base HEAD, fixed");
}
