//! A read through a symbolic link depends on the link and on where it
//! leads. Nomad's `file()` (go-cty-funcs' filesystem.MakeFileFunc,
//! jobspec2/functions.go at v1.6.0), `-var-file` and a checkout's world
//! files open the path with the OS, which follows the link: a change to
//! the link's TARGET changes what Nomad is given. Every gate matched the
//! change only against the path the reader named (the link), so an edit
//! of the target alone passed as "0 files" (redteam6 G6). And a world whose
//! `running` paths go through a linked folder loaded on disk but not from
//! git (redteam6 G12f).

#![cfg(unix)]

use crate::common;

use common::{committed_demo, git, output_text, TempDir};

fn link(d: &TempDir, target: &str, at: &str) {
    let at = d.0.join(at);
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&at);
    std::os::unix::fs::symlink(target, &at).unwrap();
}

fn commit(d: &TempDir, message: &str) {
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", message]);
}

/// The demo at Nomad 1.6.0 Enterprise (HCL2: `file()` and `-var-file`),
/// committed, with `jobs/app.nomad` holding `body`'s job.
fn hcl2_demo(name: &str, job: &str) -> TempDir {
    let d = committed_demo(name);
    let cluster = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).unwrap();
    d.put(
        "rules/cluster.hcl",
        &cluster.replace("nomad_version = \"0.9.3\"", "nomad_version = \"1.6.0+ent\""),
    );
    d.put("jobs/app.nomad", job);
    d
}

const APP: &str = "job \"app\" {\n  datacenters = [\"dc1\"]\n  priority    = PRIORITY\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

/// Every gate form on the last commit (and on the same change staged,
/// which `staged` runs first): each must see jobs/app.nomad.
fn assert_gates_see_app(d: &TempDir, extra: &[&str]) {
    for args in [
        &["check", "--base", "HEAD~1", "--head", "HEAD"][..],
        &["check", "--base", "HEAD~1"],
    ] {
        let args: Vec<&str> = args.iter().chain(extra).copied().collect();
        let o = d.run(&args);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {text}");
        assert!(text.contains("jobs/app.nomad"), "{args:?}: {text}");
        assert!(text.contains("priority 99"), "{args:?}: {text}");
    }
    let mut args = vec!["plan", "--changed", "--base", "HEAD~1", "--head", "HEAD"];
    args.extend(extra);
    let o = d.run(&args);
    let text = output_text(&o);
    assert!(text.contains("==> jobs/app.nomad (reads "), "{text}");
    assert!(!text.contains("no job file changed"), "{text}");
}

/// `file("conf/link")` (read from the top, where `nomad` runs) with conf/link -> ../data/prio: a commit that
/// edits data/prio only changes the job's priority.
#[test]
fn an_edit_of_a_linked_files_target_reaches_the_job_reading_the_link() {
    let d = hcl2_demo(
        "link-target-file",
        &APP.replace("PRIORITY", "parseint(trimspace(file(\"conf/link\")), 10)"),
    );
    d.put("data/prio", "50\n");
    link(&d, "../data/prio", "conf/link");
    commit(&d, "app");
    d.put("data/prio", "99\n");
    git(&d.0, &["add", "data/prio"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("jobs/app.nomad reads data/prio"), "{text}");
    git(&d.0, &["commit", "-qm", "p99"]);
    assert_gates_see_app(&d, &[]);
}

/// A folder on the way is a link too: `file("conf/prio")` with
/// conf -> data reads data/prio.
#[test]
fn an_edit_below_a_linked_folder_reaches_the_job_reading_through_it() {
    let d = hcl2_demo(
        "link-target-folder",
        &APP.replace("PRIORITY", "parseint(trimspace(file(\"conf/prio\")), 10)"),
    );
    d.put("data/prio", "50\n");
    link(&d, "data", "conf");
    commit(&d, "app");
    d.put("data/prio", "99\n");
    commit(&d, "p99");
    assert_gates_see_app(&d, &[]);
}

/// `--var-file vars/prod.hcl` with vars/prod.hcl -> ../env/prod.vars: a
/// commit that edits env/prod.vars only changes the job.
#[test]
fn an_edit_of_a_var_file_links_target_reaches_the_job() {
    let d = hcl2_demo(
        "link-target-var-file",
        &format!(
            "variable \"prio\" {{\n  type    = number\n  default = 50\n}}\n{}",
            APP.replace("PRIORITY", "var.prio")
        ),
    );
    d.put("env/prod.vars", "prio = 50\n");
    link(&d, "../env/prod.vars", "vars/prod.hcl");
    commit(&d, "app");
    d.put("env/prod.vars", "prio = 99\n");
    commit(&d, "p99");
    for args in [
        &["check", "--base", "HEAD~1", "--head", "HEAD"][..],
        &["check", "--base", "HEAD~1"],
    ] {
        let args: Vec<&str> = args
            .iter()
            .chain(&["--var-file", "vars/prod.hcl", "jobs/app.nomad"])
            .copied()
            .collect();
        let o = d.run(&args);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {text}");
        assert!(text.contains("priority 99"), "{args:?}: {text}");
    }
}

/// rules/quotas/default.hcl -> ../../infra/quota.hcl: lowering the quota
/// in infra/quota.hcl is the world change the same edit of the quota file
/// itself is (check::world-blocks-running, refused by policy).
#[test]
fn an_edit_of_a_linked_world_files_target_is_a_world_change() {
    let d = committed_demo("link-target-world");
    let quota = std::fs::read_to_string(d.0.join("rules/quotas/default.hcl")).unwrap();
    d.put("infra/quota.hcl", &quota);
    link(&d, "../../infra/quota.hcl", "rules/quotas/default.hcl");
    commit(&d, "link the quota");
    assert!(quota.contains("memory = 9500"), "{quota}");
    d.put(
        "infra/quota.hcl",
        &quota.replace("memory = 9500", "memory = 1000"),
    );
    commit(&d, "lower the quota");
    let o = d.run(&["check", "--base", "HEAD~1", "--head", "HEAD"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("check::world-blocks-running"), "{text}");
    let o = d.run(&[
        "plan",
        "--changed",
        "--base",
        "HEAD~1",
        "--head",
        "HEAD",
        "--gate",
    ]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("refused by policy"), "{text}");
}

/// `running = ["jobs/sockshop.nomad", ...]` with jobs -> nomad/jobs, and
/// rules/quotas -> ../infra/quotas: git reads through the linked folders
/// as a checkout does (the running jobs were "missing"; the quotas were
/// not read at all, so every job fit).
#[test]
fn a_world_read_through_linked_folders_loads_from_git_as_on_disk() {
    let d = committed_demo("link-world-folders");
    std::fs::create_dir_all(d.0.join("nomad")).unwrap();
    std::fs::rename(d.0.join("jobs"), d.0.join("nomad/jobs")).unwrap();
    link(&d, "nomad/jobs", "jobs");
    std::fs::create_dir_all(d.0.join("infra")).unwrap();
    std::fs::rename(d.0.join("rules/quotas"), d.0.join("infra/quotas")).unwrap();
    link(&d, "../infra/quotas", "rules/quotas");
    commit(&d, "layout");
    // A job the quota in the linked folder does not leave room for.
    d.put(
        "nomad/jobs/big.nomad",
        &APP.replace("PRIORITY", "50")
            .replace("\"app\"", "\"big\"")
            .replace("cpu    = 100", "cpu    = 2000"),
    );
    git(&d.0, &["add", "-A"]);
    let hit = "Quota limit hit \"default\"";
    let on_disk = d.run(&["check", "nomad/jobs/big.nomad"]);
    let disk_text = output_text(&on_disk);
    assert!(disk_text.contains(hit), "{disk_text}");
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert!(!text.contains("missing-job-file"), "{text}");
    assert!(!text.contains("unknown-quota"), "{text}");
    // The quota hit is an error (NP304, R17-51): the quota was read.
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains(hit), "{text}");
    git(&d.0, &["commit", "-qm", "big"]);
    let o = d.run(&["plan", "--changed", "--base", "HEAD~1", "--head", "HEAD"]);
    let text = output_text(&o);
    assert!(!text.contains("missing-job-file"), "{text}");
    assert!(text.contains("==> nomad/jobs/big.nomad (added)"), "{text}");
    assert!(text.contains("Quota limit hit"), "{text}");
}
