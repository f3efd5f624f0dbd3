//! A running job's file read through a link on its path (R17-45). Nomad's
//! CLI opens the job file by its path (command/helpers.go
//! `JobGetter.Get`@v1.9.7; go-getter's file getter links its copy to the
//! path, get_file_unix.go `GetFile`@v1.7.8), so every link on the way
//! decides which job is submitted, and Job.Plan diffs that job against
//! the stored one (nomad/job_endpoint.go `Plan`@v1.9.7). A change that
//! only retargets a link (a release switch, `ln -sfn releases/v2
//! current`) changes the job the running file gives: every gate said "no
//! job file changed", exit 0, while Nomad's plan leaves 4 allocations of
//! the protected job unplaced.

#![cfg(unix)]

use crate::common;

use common::{git, output_text, TempDir};

/// One client of 4000 MB; `web` is protected.
pub(crate) const CLUSTER: &str = "nomad_version = \"1.9.7\"\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}\n";
pub(crate) const POLICY: &str = "protected {\n  jobs       = [\"web\"]\n  namespaces = []\n}\n";

/// Job `web` of `count` allocations of 1000 MB: 8 leave 4 unplaced.
pub(crate) fn web(count: u32) -> String {
    format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = {count}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"nginx:1.27\" }}\n      resources {{\n        cpu    = 100\n        memory = 1000\n      }}\n    }}\n  }}\n}}\n")
}

pub(crate) fn link(d: &TempDir, target: &str, at: &str) {
    let at = d.0.join(at);
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&at);
    std::os::unix::fs::symlink(target, &at).unwrap();
}

/// A repository on `main` whose world runs `running`, with `releases` of
/// (folder, count) each holding web.nomad, and `links` (target, at),
/// committed.
fn project(name: &str, running: &str, releases: &[(&str, u32)], links: &[(&str, &str)]) -> TempDir {
    let d = TempDir::new(name);
    git(&d.0, &["init", "-q"]);
    d.put(
        "rules/cluster.hcl",
        &format!("{CLUSTER}running = [\"{running}\"]\n"),
    );
    d.put("rules/policy.hcl", POLICY);
    for (dir, count) in releases {
        d.put(&format!("{dir}/web.nomad"), &web(*count));
    }
    for (target, at) in links {
        link(&d, target, at);
    }
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "init"]);
    d
}

/// Every gate judges the running file `path` as changed from count 1 to
/// 8 (`args` picks the change: `--base main`, `--staged`...), and fails.
fn assert_gates_plan(d: &TempDir, path: &str, args: &[&[&str]]) {
    for extra in args {
        let check: Vec<&str> = ["check"].iter().chain(*extra).copied().collect();
        let o = d.run(&check);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(1), "{check:?}: {text}");
        assert!(!text.contains("no job file changed"), "{check:?}: {text}");
        assert!(text.contains(path), "{check:?}: {text}");
        let plan: Vec<&str> = ["plan", "--changed", "--gate"]
            .iter()
            .chain(*extra)
            .copied()
            .collect();
        let o = d.run(&plan);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(1), "{plan:?}: {text}");
        assert!(
            text.contains(&format!("==> {path} (reads ")),
            "{plan:?}: {text}"
        );
        assert!(text.contains("\"1\" => \"8\""), "{plan:?}: {text}");
        assert!(
            text.contains("failed to place 4 allocations"),
            "{plan:?}: {text}"
        );
    }
}

/// Point the link `at` at `target` in a commit on a new branch.
fn on_branch(d: &TempDir, target: &str, at: &str) {
    git(&d.0, &["checkout", "-qb", "change"]);
    link(d, target, at);
    git(&d.0, &["commit", "-qam", "retarget"]);
}

const ON_BRANCH: &[&[&str]] = &[&["--base", "main"], &["--base", "main", "--head", "HEAD"]];

#[test]
fn a_folder_link_retargeted_on_a_branch_changes_the_running_file_through_it() {
    let d = project(
        "link-path-promote",
        "current/web.nomad",
        &[("releases/v1", 1), ("releases/v2", 8)],
        &[("releases/v1", "current")],
    );
    on_branch(&d, "releases/v2", "current");
    assert_gates_plan(&d, "current/web.nomad", ON_BRANCH);
}

/// A rollback: the link points back at an older release, which ran more.
#[test]
fn a_rollback_to_an_old_release_changes_the_running_file() {
    let d = project(
        "link-path-rollback",
        "current/web.nomad",
        &[("releases/v1", 8), ("releases/v2", 1)],
        &[("releases/v2", "current")],
    );
    on_branch(&d, "releases/v1", "current");
    assert_gates_plan(&d, "current/web.nomad", ON_BRANCH);
}

/// Links deeper down, and a link inside a linked folder: the running
/// path is deploy/env/live/web.nomad, deploy/env -> ../stages/prod and
/// stages/prod/live -> ../../releases/v1; the change retargets the
/// inner link only.
#[test]
fn a_link_deep_in_the_path_or_inside_a_linked_folder_changes_the_running_file() {
    let d = project(
        "link-path-deep",
        "deploy/env/live/web.nomad",
        &[("releases/v1", 1), ("releases/v2", 8)],
        &[
            ("../stages/prod", "deploy/env"),
            ("../../releases/v1", "stages/prod/live"),
        ],
    );
    on_branch(&d, "../../releases/v2", "stages/prod/live");
    assert_gates_plan(&d, "deploy/env/live/web.nomad", ON_BRANCH);
}

/// A link to a link: jobs/web.nomad -> ../current/web.nomad, tracked and
/// untouched, with current -> releases/v1 retargeted.
#[test]
fn a_link_to_a_link_changes_the_job_file_link() {
    let d = project(
        "link-path-chain",
        "jobs/web.nomad",
        &[("releases/v1", 1), ("releases/v2", 8)],
        &[
            ("releases/v1", "current"),
            ("../current/web.nomad", "jobs/web.nomad"),
        ],
    );
    on_branch(&d, "releases/v2", "current");
    assert_gates_plan(&d, "jobs/web.nomad", ON_BRANCH);
}

/// The pre-commit case: the retarget staged, the working tree's link put
/// back (the index alone holds the change).
#[test]
fn a_link_retargeted_in_the_index_only_is_a_staged_change() {
    let d = project(
        "link-path-staged",
        "current/web.nomad",
        &[("releases/v1", 1), ("releases/v2", 8)],
        &[("releases/v1", "current")],
    );
    link(&d, "releases/v2", "current");
    git(&d.0, &["add", "current"]);
    link(&d, "releases/v1", "current");
    assert_gates_plan(&d, "current/web.nomad", &[&["--staged"]]);
}

/// Guard: a change elsewhere (a README) leaves the running file alone.
#[test]
fn a_change_off_the_path_is_no_job_change() {
    let d = project(
        "link-path-off",
        "current/web.nomad",
        &[("releases/v1", 1), ("releases/v2", 8)],
        &[("releases/v1", "current")],
    );
    d.put("README.md", "docs\n");
    git(&d.0, &["add", "README.md"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(!text.contains("current/web.nomad"), "{text}");
}
