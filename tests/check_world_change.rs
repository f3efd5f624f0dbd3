//! Gates on changes to the world itself: a broken file under rules/ and the
//! deletion of a job file the world still runs fail both `check --staged`
//! and `plan --changed --staged --gate` (they used to report 0 files and
//! exit 0, and every run after the merge failed).

use crate::common;

use std::process::Output;

use common::TempDir as Repo;

trait Demo {
    fn committed(name: &str) -> Repo;
    fn edit(&self, rel: &str, from: &str, to: &str);
}

impl Demo for Repo {
    fn committed(name: &str) -> Repo {
        let repo = Repo::demo(&format!("world-change-{name}"));
        common::git(&repo.0, &["init", "-q"]);
        common::git(&repo.0, &["add", "."]);
        common::git(&repo.0, &["commit", "-qm", "demo"]);
        repo
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.0.join(rel);
        let t = std::fs::read_to_string(&p).unwrap();
        assert!(t.contains(from), "{from:?} not in {rel}");
        std::fs::write(p, t.replacen(from, to, 1)).unwrap();
    }
}

fn text(o: &Output) -> String {
    common::output_text(o)
}

#[test]
fn a_staged_broken_quota_file_fails_check_and_plan() {
    let repo = Repo::committed("quota");
    let quota = std::fs::read_to_string(repo.0.join("rules/quotas/default.hcl")).unwrap();
    std::fs::write(
        repo.0.join("rules/quotas/default.hcl"),
        format!("{quota}\nlimit {{\n"),
    )
    .unwrap();
    common::git(&repo.0, &["add", "rules/quotas/default.hcl"]);

    let out = repo.run(&["check", "--staged"]);
    let s = text(&out);
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert!(s.contains("rules/quotas/default.hcl"), "{s}");

    let out = repo.run(&["plan", "--changed", "--staged", "--gate"]);
    let s = text(&out);
    assert_eq!(out.status.code(), Some(255), "{s}");
    assert!(s.contains("rules/quotas/default.hcl"), "{s}");
    assert!(s.contains("leaves the world invalid"), "{s}");
}

#[test]
fn deleting_a_running_jobs_file_without_stopping_it_fails_check_and_plan() {
    let repo = Repo::committed("deleted");
    common::git(&repo.0, &["rm", "-q", "jobs/sockshopui.nomad"]);

    let out = repo.run(&["check", "--staged"]);
    let s = text(&out);
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert!(
        s.contains("jobs/sockshopui.nomad is deleted by this change but still listed in `running`"),
        "{s}"
    );
    let out = repo.run(&["plan", "--changed", "--staged", "--gate"]);
    assert_eq!(out.status.code(), Some(255), "{}", text(&out));

    // Stopping it (removing it from `running` in the same change) is a
    // consistent change: the world loads, the check passes.
    repo.edit("rules/cluster.hcl", "  \"jobs/sockshopui.nomad\",\n", "");
    common::git(&repo.0, &["add", "rules/cluster.hcl"]);
    let out = repo.run(&["check", "--staged"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// The demo's namespace step in one commit: `rules/namespaces/monitor.hcl`
/// added and monitoring moved into `monitor`. Plans run against the world
/// at HEAD, where `monitor` does not exist, so the plan still refuses (the
/// namespace must exist in the cluster first), and a line says that this
/// very change adds it: the help "create the namespace first" alone read as
/// if the change had not.
#[test]
fn a_namespace_added_with_its_first_job_is_named_as_added_by_the_change() {
    let repo = Repo::committed("namespace-added");
    std::fs::write(
        repo.0.join("rules/namespaces/monitor.hcl"),
        "name        = \"monitor\"\ndescription = \"Monitoring\"\n",
    )
    .unwrap();
    repo.edit(
        "jobs/monitoring.nomad",
        "#namespace= \"monitor\"",
        "namespace = \"monitor\"",
    );
    common::git(&repo.0, &["add", "-A"]);

    // check: the finding stands (HEAD's world is the cluster's), and says
    // the world as changed does not give it.
    let out = repo.run(&["check", "--staged"]);
    let s = text(&out);
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert!(s.contains("NP302 [error] namespace \"monitor\" does not exist (not under the world as this change leaves it: apply and commit that world change before this file)\n"), "{s}");

    let out = repo.run(&["plan", "--changed", "--staged", "--gate"]);
    let s = text(&out);
    assert_eq!(out.status.code(), Some(1), "{s}");
    let note = "==> note: jobs/monitoring.nomad: namespace \"monitor\" is added to the world by this change, but plans run against the world at HEAD, where it does not exist: apply the namespace (`nomad namespace apply`) and commit its file before the job that uses it\n";
    assert!(s.contains(note), "{s}");

    let out = repo.run(&["plan", "--changed", "--staged", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["Notes"].as_array().map(Vec::len), Some(1), "{v}");

    // Once the namespace is committed, the job plans into it: no note.
    common::git(
        &repo.0,
        &[
            "commit",
            "-qm",
            "namespace",
            "--",
            "rules/namespaces/monitor.hcl",
        ],
    );
    let out = repo.run(&["plan", "--changed", "--staged"]);
    let s = text(&out);
    assert!(!s.contains("is added to the world by this change"), "{s}");
}
