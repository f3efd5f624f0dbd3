//! A gate judges exactly the state it names: the index (`--staged`), a
//! revision (`--base/--head`, the pre-push hook), the working tree only
//! where the working tree is the change's head. A file changed in the
//! working tree alone neither opens nor closes it (load25).
//!
//! - A running job's file renamed a group: the world as the change leaves
//!   it no longer loads (`rules/allocations.hcl` pins an allocation of a
//!   group the job no longer has), every run after the merge fails. The
//!   gate loads that world from the state it judges.
//! - The world folder is found in the files judged, not on disk.
//! - A job reading a submodule's files through the working tree a gate
//!   judges cannot tell, as through the index (sub24); a submodule whose
//!   `.git` file leads outside the project is not followed.
//! - A first commit (no `HEAD`) that stages the world says so.

use std::process::Command;

use crate::common;

use common::{git, output_text, TempDir};

const CLUSTER: &str = "nomad_version = \"1.9.7\"\nedition = \"community\"\nregion = \"global\"\nrunning = [\"jobs/j.nomad\"]\nclient \"c\" {\n  count = 2\n  cpu = 4000\n  memory = 4000\n  disk = 20000\n  drivers = [\"docker\"]\n}\n";

const PINNED: &str = "allocation \"a0000001-0000-4000-8000-000000000000\" {\n  job = \"j\"\n  index = 0\n  node = \"c-1\"\n  group = \"g\"\n}\n";

/// Job `j` with one group named `group`, running `image`.
fn job(group: &str, image: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"{group}\" {{\n    count = 1\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"{image}\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n")
}

/// A world running `jobs/j.nomad` (group "g") with one allocation pinned
/// to its group "g", committed.
fn pinned_repo(tag: &str) -> TempDir {
    let d = TempDir::new(&format!("gate-state-{tag}"));
    d.put("rules/cluster.hcl", CLUSTER);
    d.put("rules/allocations.hcl", PINNED);
    d.put("jobs/j.nomad", &job("g", "nginx:1.25"));
    git(&d.0, &["init", "-q", "."]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "init"]);
    d
}

fn says_group_gone(o: &std::process::Output) -> bool {
    let s = common::flat(&output_text(o));
    s.contains("world::alloc-group") && s.contains("job `j` has no group `g`")
}

/// The index renames the group, the working tree keeps it: the commit
/// breaks the world's load, refused by `check --staged` (exit 1) and by
/// `plan --changed --staged --gate` (255, as an invalid job file). On the
/// baseline both read only HEAD's world and passed.
#[test]
fn a_staged_rename_that_breaks_the_world_is_refused_whatever_the_working_tree() {
    let d = pinned_repo("staged-bad");
    d.put("jobs/j.nomad", &job("h", "nginx:1.25"));
    git(&d.0, &["add", "-A"]);
    d.put("jobs/j.nomad", &job("g", "nginx:1.25"));
    let check = d.run(&["check", "--staged"]);
    assert_eq!(check.status.code(), Some(1), "{}", output_text(&check));
    assert!(says_group_gone(&check), "{}", output_text(&check));
    assert!(
        output_text(&check).contains("check::running-edit-breaks-world"),
        "{}",
        output_text(&check)
    );
    let plan = d.run(&["plan", "--changed", "--staged", "--gate"]);
    assert_eq!(plan.status.code(), Some(255), "{}", output_text(&plan));
    assert!(says_group_gone(&plan), "{}", output_text(&plan));
}

/// Guard (passes on the baseline too): the working tree renames the
/// group, the index only bumps the image: the commit leaves a world that
/// loads, and the gate passes.
#[test]
fn a_rename_in_the_working_tree_alone_does_not_close_the_gate() {
    let d = pinned_repo("staged-good");
    d.put("jobs/j.nomad", &job("g", "nginx:1.26"));
    git(&d.0, &["add", "-A"]);
    d.put("jobs/j.nomad", &job("h", "nginx:1.26"));
    let check = d.run(&["check", "--staged"]);
    assert_eq!(check.status.code(), Some(0), "{}", output_text(&check));
    assert!(!says_group_gone(&check), "{}", output_text(&check));
    let plan = d.run(&["plan", "--changed", "--staged", "--gate"]);
    assert_eq!(plan.status.code(), Some(0), "{}", output_text(&plan));
}

/// Between revisions (`--base/--head`, CI's form) the head revision's
/// world is judged: the rename committed is refused while the working
/// tree holds the old group; a commit that fixes `allocations.hcl` beside
/// it passes.
#[test]
fn between_revisions_the_head_revisions_world_is_judged() {
    let d = pinned_repo("revs");
    d.put("jobs/j.nomad", &job("h", "nginx:1.25"));
    git(&d.0, &["commit", "-qam", "rename"]);
    d.put("jobs/j.nomad", &job("g", "nginx:1.25"));
    let out = d.run(&["check", "--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    assert!(says_group_gone(&out), "{}", output_text(&out));
    // The same rename with the pin moved to the new group loads.
    d.put("jobs/j.nomad", &job("h", "nginx:1.25"));
    d.put("rules/allocations.hcl", &PINNED.replace("\"g\"", "\"h\""));
    git(&d.0, &["commit", "-qam", "pin the new group"]);
    d.put("jobs/j.nomad", &job("g", "nginx:1.25"));
    let out = d.run(&["check", "--base", "HEAD~2", "--head", "HEAD"]);
    assert!(!says_group_gone(&out), "{}", output_text(&out));
    assert_ne!(out.status.code(), Some(2), "{}", output_text(&out));
}

/// `git push` through the pre-push hook judges the pushed commits: the
/// rename is refused though the working tree was put back.
#[test]
fn the_pre_push_hook_refuses_a_pushed_rename_that_breaks_the_world() {
    let d = pinned_repo("pre-push");
    let work = d.0.clone();
    git(&work, &["init", "-q", "--bare", "remote.git"]);
    d.put(".gitignore", "remote.git/\n");
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-qm", "ignore the remote"]);
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
    d.put("jobs/j.nomad", &job("h", "nginx:1.25"));
    git(&work, &["commit", "-qam", "rename the group"]);
    d.put("jobs/j.nomad", &job("g", "nginx:1.25"));
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
    assert!(common::flat(&s).contains("job `j` has no group `g`"), "{s}");
}

/// The world folder is looked for in the files the gate judges: a team's
/// `team/rules/` (one 50 MHz client) deleted in the working tree only made
/// `check --staged` from `team/` judge against the top `rules/` (4000 MHz
/// clients) and pass a job that does not fit HEAD's team world.
#[test]
fn the_world_folder_is_found_in_the_judged_files_not_on_disk() {
    let d = TempDir::new("gate-state-folder");
    let cluster = CLUSTER.replace("running = [\"jobs/j.nomad\"]\n", "");
    d.put("rules/cluster.hcl", &cluster);
    d.put(
        "team/rules/cluster.hcl",
        &cluster.replace("cpu = 4000", "cpu = 50"),
    );
    d.put("team/jobs/j.nomad", &job("g", "nginx:1.25"));
    git(&d.0, &["init", "-q", "."]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "init"]);
    d.put("team/jobs/j.nomad", &job("g", "nginx:1.26"));
    git(&d.0, &["add", "-A"]);
    std::fs::remove_file(d.0.join("team/rules/cluster.hcl")).unwrap();
    let out = d.run_at("team", &["check", "--staged"]);
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    assert!(output_text(&out).contains("NP201"), "{}", output_text(&out));
}

/// A superproject whose job reads `file("sub/tag")`, `sub` a submodule
/// (a repository beside it, `out/`), committed.
fn with_submodule(tag: &str) -> TempDir {
    let d = TempDir::new(&format!("gate-state-sub-{tag}"));
    let out = d.0.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("tag"), "1.25\n").unwrap();
    git(&out, &["init", "-q", "."]);
    git(&out, &["add", "-A"]);
    git(&out, &["commit", "-qm", "tag"]);
    let p = d.0.join("p");
    std::fs::create_dir_all(p.join("rules")).unwrap();
    std::fs::create_dir_all(p.join("jobs")).unwrap();
    std::fs::write(
        p.join("rules/cluster.hcl"),
        CLUSTER.replace("running = [\"jobs/j.nomad\"]\n", ""),
    )
    .unwrap();
    std::fs::write(
        p.join("jobs/j.nomad"),
        job("g", "nginx:${trimspace(file(\"sub/tag\"))}"),
    )
    .unwrap();
    git(&p, &["init", "-q", "."]);
    git(
        &p,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            "../out",
            "sub",
        ],
    );
    git(&p, &["add", "-A"]);
    git(&p, &["commit", "-qm", "init"]);
    d
}

/// `check --base HEAD` judges the working tree as the checkout the change
/// commits to: what `sub/` holds there is whichever commit this clone
/// checked out, not what the deploy's clone holds, so "cannot tell"
/// (`check` exit 2) as `--staged` says (sub24). The baseline read this checkout's `sub/tag`
/// and passed. A plain `plan` reads the disk, as `nomad` does, and plans.
#[test]
fn a_submodule_read_through_the_judged_working_tree_cannot_tell() {
    let d = with_submodule("work-tree");
    let p = d.0.join("p");
    std::fs::write(
        p.join("jobs/j.nomad"),
        job("g", "nginx:${trimspace(file(\"sub/tag\"))}").replace("100", "101"),
    )
    .unwrap();
    let gate = common::run_in(&p, &["check", "--base", "HEAD"]);
    assert_eq!(gate.code, 2, "{}{}", gate.stdout, gate.stderr);
    assert!(
        common::flat(&gate.stdout).contains("sub is a git submodule in the working tree's"),
        "{}{}",
        gate.stdout,
        gate.stderr
    );
    let staged = common::run_in(&p, &["check", "--staged"]);
    assert_eq!(staged.code, 0, "nothing staged: {}", staged.stdout);
    let plan = common::run_in(&p, &["plan", "jobs/j.nomad"]);
    assert!(
        plan.stdout.contains("Scheduler dry-run:"),
        "{}{}",
        plan.stdout,
        plan.stderr
    );
}

/// A submodule checkout whose `.git` file leads outside the project (here
/// to the repository it was cloned from, `../out/.git`, with the copy git
/// keeps in `.git/modules/` gone) is not followed to read its commits: a
/// change moving the gitlink is refused as unreadable (exit 2), where the
/// baseline read the outside repository's objects and passed.
#[test]
fn a_submodule_git_file_leading_outside_the_project_is_not_followed() {
    let d = with_submodule("outside");
    let (out, p) = (d.0.join("out"), d.0.join("p"));
    std::fs::create_dir_all(out.join("jobs")).unwrap();
    std::fs::write(out.join("jobs/x.nomad"), job("g", "nginx:1.25")).unwrap();
    git(&out, &["add", "-A"]);
    git(&out, &["commit", "-qm", "a job"]);
    git(&p.join("sub"), &["fetch", "-q", "origin"]);
    git(&p.join("sub"), &["checkout", "-q", "FETCH_HEAD"]);
    git(&p, &["add", "sub"]);
    git(&p, &["commit", "-qm", "move sub"]);
    std::fs::write(
        p.join("sub/.git"),
        format!("gitdir: {}\n", out.join(".git").display()),
    )
    .unwrap();
    std::fs::remove_dir_all(p.join(".git/modules")).unwrap();
    let gate = common::run_in(&p, &["check", "--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(gate.code, 2, "{}{}", gate.stdout, gate.stderr);
    assert!(
        common::flat(&gate.stderr).contains("sub is a submodule"),
        "{}",
        gate.stderr
    );
}

/// fix24c's note that the world is the one the commit stages is said in
/// a repository with no commit yet too (it was said only where HEAD
/// exists without a world).
#[test]
fn a_first_commit_says_the_world_is_the_staged_one() {
    let d = TempDir::new("gate-state-first");
    d.put(
        "rules/cluster.hcl",
        &CLUSTER.replace("running = [\"jobs/j.nomad\"]\n", ""),
    );
    d.put("jobs/j.nomad", &job("g", "nginx:1.25"));
    git(&d.0, &["init", "-q", "."]);
    git(&d.0, &["add", "-A"]);
    let out = d.run(&["check", "--staged", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let said = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["code"] == "world::staged")
        .cloned()
        .unwrap_or_default();
    let msg = said["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("as this commit stages it, the repository has no commit yet"),
        "{doc}"
    );
    let plan = d.run(&["plan", "--changed", "--staged"]);
    assert!(
        String::from_utf8_lossy(&plan.stderr).contains("world::staged"),
        "{}",
        output_text(&plan)
    );
}

/// rv25-1: a commit that adds a team's world `team/rules/` (one client of
/// 500 MB) beside the top `rules/` (three of 4000 MB) and a team job
/// needing 1000 MB, staged (`commit` false) or committed. Judged from
/// `team/`.
fn team_world_added(tag: &str, commit: bool) -> TempDir {
    let d = TempDir::new(&format!("gate-state-team-{tag}"));
    let cluster = CLUSTER
        .replace("running = [\"jobs/j.nomad\"]\n", "")
        .replace("count = 2", "count = 3");
    d.put("rules/cluster.hcl", &cluster);
    let team_job = |memory: &str| {
        job("g", "nginx:1.25").replace("memory = 100\n", &format!("memory = {memory}\n"))
    };
    d.put("team/jobs/j.nomad", &team_job("100"));
    git(&d.0, &["init", "-q", "."]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "top world"]);
    d.put(
        "team/rules/cluster.hcl",
        &cluster
            .replace("count = 3", "count = 1")
            .replace("memory = 4000", "memory = 500"),
    );
    d.put("team/jobs/j.nomad", &team_job("1000"));
    git(&d.0, &["add", "-A"]);
    if commit {
        git(&d.0, &["commit", "-qm", "team world"]);
    }
    d
}

/// `check --staged` judges the commit against the team world it adds
/// (NP201, said as the staged world), not the top `rules/`, which HEAD
/// holds (load25 looked at HEAD first and passed).
#[test]
fn a_staged_team_world_is_the_one_judged_not_the_top_one() {
    let d = team_world_added("staged", false);
    let out = d.run_at("team", &["check", "--staged"]);
    let s = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert!(s.contains("NP201"), "{s}");
    assert!(
        common::flat(&s).contains("the world is team/rules/ as this commit stages it"),
        "{s}"
    );
}

/// Committed, `check --base HEAD~1` (the working tree as head) refuses a
/// base without the team world the change runs under: `git::no-world`,
/// exit 2 (load25 judged against the base's top `rules/` and passed).
#[test]
fn a_team_world_the_base_lacks_is_no_world_for_check_base() {
    let d = team_world_added("check-base", true);
    for args in [
        &["check", "--base", "HEAD~1"][..],
        &["check", "--base", "HEAD~1", "--head", "HEAD"],
    ] {
        let out = d.run_at("team", args);
        let s = output_text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {s}");
        assert!(s.contains("git::no-world"), "{args:?}: {s}");
        assert!(
            common::flat(&s).contains("team/rules/cluster.hcl does not exist at HEAD~1"),
            "{args:?}: {s}"
        );
    }
}

/// `plan --changed --base HEAD~1 --gate` cannot tell (255) for the same
/// change (load25 planned it against the top `rules/` and passed, 0).
#[test]
fn a_team_world_the_base_lacks_cannot_tell_for_plan_changed() {
    let d = team_world_added("plan", true);
    let out = d.run_at("team", &["plan", "--changed", "--base", "HEAD~1", "--gate"]);
    let s = output_text(&out);
    assert_eq!(out.status.code(), Some(255), "{s}");
    assert!(s.contains("git::no-world"), "{s}");
}

/// Plain `plan` and `check` (no gate) read the world from the working
/// tree, but what runs is what `rules/allocations.hcl` pins: the group
/// renamed in the working tree is the plan's after, not the running job
/// (load26). Nomad stops a group the new job lacks and places the new one
/// (reconcile_cluster.go `computeGroup`: `LookupTaskGroup` nil →
/// `filterAndStopAll`), and the plan prints exactly what the same rename
/// of a job the world does not pin prints. The baseline failed the whole
/// world load (`world::alloc-group`, exit 255 / 2).
#[test]
fn a_working_tree_rename_of_a_pinned_group_plans_as_nomad_does() {
    let pinned = pinned_repo("rename-pinned");
    let unpinned = pinned_repo("rename-unpinned");
    git(&unpinned.0, &["rm", "-q", "rules/allocations.hcl"]);
    git(&unpinned.0, &["commit", "-qm", "no pins"]);
    let mut plans = Vec::new();
    for d in [&pinned, &unpinned] {
        d.put("jobs/j.nomad", &job("h", "nginx:1.25"));
        let out = d.run(&["plan", "jobs/j.nomad"]);
        assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
        plans.push(String::from_utf8_lossy(&out.stdout).into_owned());
        let check = d.run(&["check"]);
        assert_eq!(check.status.code(), Some(0), "{}", output_text(&check));
        assert!(!says_group_gone(&check), "{}", output_text(&check));
    }
    let plan = &plans[0];
    assert!(
        plan.contains("- Task Group: \"g\" (1 destroy)\n")
            && plan.contains("+ Task Group: \"h\" (1 create)\n")
            && plan.contains("- All tasks successfully allocated."),
        "{plan}"
    );
    assert_eq!(plans[0], plans[1]);
    let json = pinned.run(&["plan", "jobs/j.nomad", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let updates = &doc["Annotations"]["DesiredTGUpdates"];
    assert_eq!(updates["g"]["Stop"], 1, "{doc}");
    assert_eq!(updates["h"]["Place"], 1, "{doc}");
}

/// Planning another file, the pinned job renamed in the working tree runs
/// as HEAD has it, and the plan says so (stderr note, JSON assumption),
/// as a running file that does not load is (the baseline failed the
/// world load).
#[test]
fn another_plan_says_the_pinned_job_runs_as_head_has_it() {
    let d = pinned_repo("rename-other");
    d.put("jobs/j.nomad", &job("h", "nginx:1.25"));
    d.put(
        "jobs/k.nomad",
        &job("k", "nginx:1.25").replacen("job \"j\"", "job \"k\"", 1),
    );
    let out = d.run(&["plan", "jobs/k.nomad", "--format", "json"]);
    let s = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert!(
        common::flat(&s).contains("the cluster is taken to run jobs/j.nomad as git HEAD has it: the world's allocations.hcl pins allocations of a group or job"),
        "{s}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        doc["Preflight"]["Assumed"]
            .to_string()
            .contains("running_from_head"),
        "{doc}"
    );
}

/// Guard (fails on the baseline too, as it should): pins that fit neither
/// the working tree's job nor HEAD's are the world's own error.
#[test]
fn pins_that_fit_no_version_still_fail_the_world() {
    let d = pinned_repo("rename-nowhere");
    d.put("rules/allocations.hcl", &PINNED.replace("\"g\"", "\"x\""));
    git(&d.0, &["commit", "-qam", "pin a group no version has"]);
    d.put("jobs/j.nomad", &job("h", "nginx:1.25"));
    let out = d.run(&["plan", "jobs/j.nomad"]);
    let s = output_text(&out);
    assert_eq!(out.status.code(), Some(255), "{s}");
    assert!(common::flat(&s).contains("job `j` has no group `x`"), "{s}");
}

/// A repository whose base commit has no world, and whose head commit
/// `with_world` adds one (or not), judged `--base HEAD~1 --head HEAD`.
fn no_world_at_base(tag: &str, with_world: bool) -> TempDir {
    let d = TempDir::new(&format!("gate-state-missing-{tag}"));
    let cluster = CLUSTER.replace("running = [\"jobs/j.nomad\"]\n", "");
    d.put("jobs/j.nomad", &job("g", "nginx:1.25"));
    git(&d.0, &["init", "-q", "."]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "a job"]);
    d.put("jobs/j.nomad", &job("g", "nginx:1.26"));
    if with_world {
        d.put("rules/cluster.hcl", &cluster);
    }
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "change"]);
    d
}

/// Which line a gate prints for a base without a world (`git::no-world`
/// where the judged head has one, "cannot tell" where it has none) is
/// read from the judged revision: a world deleted, or added, in the
/// checkout's working tree alone changes nothing it prints. The baseline
/// read the disk (`world_missing_at`) and printed the other line.
#[test]
fn the_missing_world_line_is_the_judged_states_not_the_working_trees() {
    let args = ["check", "--base", "HEAD~1", "--head", "HEAD"];
    let plan_args = [
        "plan",
        "--changed",
        "--base",
        "HEAD~1",
        "--head",
        "HEAD",
        "--gate",
    ];
    for with_world in [true, false] {
        let d = no_world_at_base(&format!("{with_world}"), with_world);
        let before = (d.run(&args), d.run(&plan_args));
        let s = output_text(&before.0);
        assert_eq!(before.0.status.code(), Some(2), "{s}");
        assert_eq!(s.contains("git::no-world"), with_world, "{s}");
        if with_world {
            assert!(
                common::flat(&s)
                    .contains("rules/cluster.hcl does not exist at HEAD~1, but HEAD has one"),
                "{s}"
            );
            std::fs::remove_dir_all(d.0.join("rules")).unwrap();
        } else {
            d.put(
                "rules/cluster.hcl",
                &CLUSTER.replace("running = [\"jobs/j.nomad\"]\n", ""),
            );
        }
        let after = (d.run(&args), d.run(&plan_args));
        for (b, a) in [(&before.0, &after.0), (&before.1, &after.1)] {
            assert_eq!(b.status.code(), a.status.code(), "{}", output_text(a));
            assert_eq!(output_text(b), output_text(a));
        }
    }
}

/// load25's gate loads the world as a running edit leaves it where
/// allocations are pinned; one that loads with a world warning the base
/// has not (a failed allocation of a group that reschedules once the edit
/// drops `reschedule { attempts = 0 }`: `world::alloc-state`, which every
/// plan of the job after the merge reports as unknown) said nothing. It
/// is a finding of the change in `check --staged` (text and JSON) and in
/// `plan --changed`'s stderr and JSON (`WorldAsChanged`).
#[test]
fn a_running_edit_that_makes_the_world_warn_says_it() {
    let d = TempDir::new("gate-state-head-warns");
    let kept =
        "    count = 1\n    reschedule {\n      attempts  = 0\n      unlimited = false\n    }\n";
    d.put("rules/cluster.hcl", CLUSTER);
    d.put(
        "rules/allocations.hcl",
        &PINNED.replace(
            "  group = \"g\"\n",
            "  group = \"g\"\n  status = \"failed\"\n",
        ),
    );
    d.put(
        "jobs/j.nomad",
        &job("g", "nginx:1.25").replace("    count = 1\n", kept),
    );
    git(&d.0, &["init", "-q", "."]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "init"]);
    d.put("jobs/j.nomad", &job("g", "nginx:1.25"));
    git(&d.0, &["add", "-A"]);
    let check = d.run(&["check", "--staged", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&check.stdout).expect("json");
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"world::alloc-state"), "{doc}");
    let text = d.run(&["check", "--staged"]);
    assert!(
        output_text(&text).contains("world::alloc-state"),
        "{}",
        output_text(&text)
    );
    let plan = d.run(&["plan", "--changed", "--staged", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&plan.stdout).expect("json");
    assert_eq!(
        doc["WorldAsChanged"][0]["Code"], "world::alloc-state",
        "{doc}"
    );
    assert!(
        String::from_utf8_lossy(&plan.stderr).contains("world::alloc-state"),
        "{}",
        output_text(&plan)
    );
}
