//! A pinned allocation of `rules/allocations.hcl` takes every job-dependent
//! field from the job version it runs (the plan's before: git `HEAD`,
//! `--running OLD`), never from the edited file being planned: Nomad reads
//! them off `alloc.Job` (src/world/alloc_running.rs). The priority is
//! tests/scheduler_pinned_running_ask.rs's; these are the name, the
//! disconnect rules and the reschedule policy, each edited in the working
//! tree where the edit's value gives another answer.

use crate::common;

use common::{git, TempDir};

/// A world at `version` running `jobs/{job}.nomad` on `clients`, with
/// `allocations`, committed as `committed`, then the job file rewritten
/// as `edited`.
fn repo(
    tag: &str,
    version: &str,
    clients: &str,
    allocations: &str,
    committed: &str,
    edited: &str,
) -> TempDir {
    let d = TempDir::new(&format!("pinned-version-{tag}"));
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{version}\"\nedition = \"community\"\nregion = \"global\"\nrunning = [\"jobs/j.nomad\"]\n{clients}"),
    );
    d.put("rules/allocations.hcl", allocations);
    d.put("jobs/j.nomad", committed);
    git(&d.0, &["init", "-q", "."]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "init"]);
    d.put("jobs/j.nomad", edited);
    d
}

fn client(name: &str, count: u32, extra: &str) -> String {
    format!("client \"{name}\" {{\n  count = {count}\n  cpu = 4000\n  memory = 4000\n  disk = 20000\n  drivers = [\"docker\"]\n{extra}}}\n")
}

fn alloc(n: u32, node: &str, extra: &str) -> String {
    format!(
        "allocation \"a000000{n}-0000-4000-8000-000000000000\" {{\n  job = \"j\"\n  index = {}\n  node = \"{node}\"\n{extra}}}\n",
        n - 1
    )
}

/// Job `j` of `kind` with one group `g` of `count`; `head` goes into the
/// job's top, `group` into the group's.
fn job(kind: &str, count: u32, head: &str, group: &str) -> String {
    format!("job \"j\" {{\n{head}  datacenters = [\"dc1\"]\n  type = \"{kind}\"\n  group \"g\" {{\n    count = {count}\n{group}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n")
}

fn group_line(o: &common::Out) -> &str {
    o.stdout
        .lines()
        .find(|l| l.contains("Task Group: \"g\""))
        .unwrap_or_default()
}

/// A system job's allocations are named by the `job.Name` of the version
/// that placed them (`materializeSystemTaskGroups`, scheduler/
/// system_util.go v1.9.7:29), and the system scheduler stops every one
/// whose name the planned job does not require and places the new names
/// (system_util.go v1.9.7:62-75): renaming the job replaces both. Named by
/// the edit, they matched and were "2 in-place update".
#[test]
fn a_renamed_system_job_replaces_the_allocations_its_old_name_placed() {
    let d = repo(
        "name",
        "1.9.7",
        &client("c", 2, ""),
        &format!("{}{}", alloc(1, "c-1", ""), alloc(2, "c-2", "")),
        &job("system", 1, "  name = \"ui\"\n", ""),
        &job("system", 1, "  name = \"ui2\"\n", ""),
    );
    let plan = common::run_in(&d.0, &["plan", "jobs/j.nomad"]);
    assert_eq!(
        group_line(&plan),
        "    Task Group: \"g\" (2 create, 2 destroy)",
        "{}{}",
        plan.stdout,
        plan.stderr
    );
    // `--running` names the version the cluster runs: the same answer.
    d.put("old/j.nomad", &job("system", 1, "  name = \"ui\"\n", ""));
    let running = common::run_in(&d.0, &["plan", "jobs/j.nomad", "--running", "old/j.nomad"]);
    assert_eq!(
        group_line(&running),
        group_line(&plan),
        "{}",
        running.stdout
    );
}

/// Nomad 1.10.5's plan reads an allocation on a disconnected client by its
/// own group (`alloc.PreventReplaceOnDisconnect()`, a.Job's group:
/// nomad/structs/structs.go v1.10.5:11457; reconcile_util.go
/// v1.10.5:287): the running version's `disconnect { replace = false }`
/// keeps the complete allocation untainted, nothing to stop. The edit
/// drops that block: read by it, the allocation was lost, "1 destroy".
#[test]
fn a_disconnected_allocation_is_read_by_the_disconnect_rules_it_runs() {
    let d = repo(
        "disconnect",
        "1.10.5",
        &format!(
            "{}{}",
            client("up", 1, ""),
            client("far", 1, "  status = \"disconnected\"\n")
        ),
        &format!(
            "{}{}",
            alloc(1, "up-1", ""),
            alloc(2, "far-1", "  status = \"complete\"\n")
        ),
        &job(
            "service",
            2,
            "",
            "    disconnect {\n      replace = false\n    }\n",
        ),
        &job("service", 2, "", ""),
    );
    let plan = common::run_in(&d.0, &["plan", "jobs/j.nomad"]);
    assert_eq!(
        group_line(&plan),
        "+/- Task Group: \"g\" (1 create, 1 in-place update)",
        "{}{}",
        plan.stdout,
        plan.stderr
    );
}

/// A failed allocation not replaced yet is read by its own group's
/// reschedule policy (`Allocation.ReschedulePolicy`, `a.Job`'s group:
/// nomad/structs/alloc.go v2.0.5:486): the running version reschedules
/// (the service default), so whether Nomad replaces it now, later or never
/// turns on its failure time, which the world does not hold: cannot tell.
/// The edit's `attempts = 0` kept it in the count, a confident plan, exit 0.
#[test]
fn a_failed_allocation_is_read_by_the_reschedule_policy_it_runs() {
    let d = repo(
        "reschedule",
        "1.10.5",
        &client("up", 2, ""),
        &format!(
            "{}{}",
            alloc(1, "up-1", ""),
            alloc(2, "up-2", "  status = \"failed\"\n")
        ),
        &job("service", 2, "", ""),
        &job(
            "service",
            2,
            "",
            "    reschedule {\n      attempts  = 0\n      unlimited = false\n    }\n",
        ),
    );
    let plan = common::run_in(&d.0, &["plan", "jobs/j.nomad"]);
    assert_eq!(plan.code, 255, "{}{}", plan.stdout, plan.stderr);
    assert!(
        plan.stderr
            .contains("is failed and not replaced yet, in a group that reschedules")
            && !plan.stdout.contains("All tasks successfully allocated."),
        "{}{}",
        plan.stdout,
        plan.stderr
    );
    let check = common::run_in(&d.0, &["check", "jobs/j.nomad"]);
    assert!(
        check.code != 0 && check.stdout.contains("NP216"),
        "{}{}",
        check.stdout,
        check.stderr
    );
}

/// The other way round: the running version does not reschedule
/// (`attempts = 0`), so the failed allocation stays in its group's count
/// whatever its failure time, and the plan is known. Read by the edit,
/// which reschedules, the job was "cannot tell" (exit 255).
#[test]
fn a_failed_allocation_of_a_version_that_does_not_reschedule_is_planned() {
    let d = repo(
        "no-reschedule",
        "1.10.5",
        &client("up", 2, ""),
        &format!(
            "{}{}",
            alloc(1, "up-1", ""),
            alloc(2, "up-2", "  status = \"failed\"\n")
        ),
        &job(
            "service",
            2,
            "",
            "    reschedule {\n      attempts  = 0\n      unlimited = false\n    }\n",
        ),
        &job("service", 2, "", ""),
    );
    let plan = common::run_in(&d.0, &["plan", "jobs/j.nomad"]);
    assert_ne!(plan.code, 255, "{}{}", plan.stdout, plan.stderr);
    assert!(
        plan.stdout.contains("Scheduler dry-run:"),
        "{}{}",
        plan.stdout,
        plan.stderr
    );
}

/// The world's `world::alloc-state` warnings describe the version it
/// runs, not the edit: in the world above (`HEAD` does not reschedule, the
/// edit does), the plan is known, and the load's warning, read from the
/// edit, said the job "is reported as unknown" on stderr, in the JSON's
/// `World`, as `check`'s finding and before a rehearsal. The other way round (`HEAD`
/// reschedules, the edit does not) the plan was cannot tell and no world
/// warning said why.
#[test]
fn a_pinned_allocations_warnings_are_the_running_versions() {
    let rules = "    reschedule {\n      attempts  = 0\n      unlimited = false\n    }\n";
    let failed = format!(
        "{}{}",
        alloc(1, "up-1", ""),
        alloc(2, "up-2", "  status = \"failed\"\n")
    );
    let d = repo(
        "warning-gone",
        "1.10.5",
        &client("up", 2, ""),
        &failed,
        &job("service", 2, "", rules),
        &job("service", 2, "", ""),
    );
    let plan = common::run_in(&d.0, &["plan", "jobs/j.nomad"]);
    assert!(
        plan.code == 0 && !plan.stderr.contains("world::alloc-state"),
        "{}{}",
        plan.stdout,
        plan.stderr
    );
    let json = common::run_in(&d.0, &["plan", "jobs/j.nomad", "--format", "json"]);
    assert!(
        !json.stdout.contains("alloc-state"),
        "{}{}",
        json.stdout,
        json.stderr
    );
    let check = common::run_in(&d.0, &["check", "jobs/j.nomad"]);
    assert!(
        check.code == 0
            && !check.stdout.contains("alloc-state")
            && !check.stderr.contains("alloc-state"),
        "{}{}",
        check.stdout,
        check.stderr
    );
    // A rehearsal starts from HEAD's version too.
    let rehearse = common::run_in(&d.0, &["rehearse", "--samples", "1"]);
    assert!(
        !rehearse.stderr.contains("alloc-state"),
        "{}",
        rehearse.stderr
    );

    let d = repo(
        "warning-said",
        "1.10.5",
        &client("up", 2, ""),
        &failed,
        &job("service", 2, "", ""),
        &job("service", 2, "", rules),
    );
    let said = "world::alloc-state: 1 jobs have a failed allocation not replaced yet, in a group that reschedules";
    let plan = common::run_in(&d.0, &["plan", "jobs/j.nomad"]);
    assert!(
        plan.code == 255 && plan.stderr.contains(said),
        "{}{}",
        plan.stdout,
        plan.stderr
    );
    let check = common::run_in(&d.0, &["check", "jobs/j.nomad"]);
    assert!(
        check.code == 2
            && check.stdout.contains("world::alloc-state [warning] 1 jobs")
            && check.stderr.contains(said),
        "{}{}",
        check.stdout,
        check.stderr
    );
    let rehearse = common::run_in(&d.0, &["rehearse", "--samples", "1"]);
    assert!(rehearse.stderr.contains(said), "{}", rehearse.stderr);
}
