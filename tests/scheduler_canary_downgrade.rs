//! R22-B-6: while a plan starts a canary rollout, Nomad (0.12.4 on, #8691)
//! places every placement of the group that is not a canary (a lost
//! allocation's replacement, a migration, a due reschedule) with the last
//! stable job version: the reconciler marks it `downgradeNonCanary`
//! (scheduler/reconcile.go v1.0.0:446-539, reconcile_cluster.go
//! v2.0.5:512, 836-890, 1015-1035) and `downgradedJobForPlacement` gives the
//! version of the newest deployment promoted or without canaries, whose
//! group (resources, constraints) the stack then selects with
//! (generic_sched.go v1.0.0:433-525, v2.0.5:447-556). We placed it with the
//! new version: "All tasks successfully allocated." and a passing
//! `check --staged` where the old version does not fit.
//!
//! The world: one ready client of 2100 MB holding the job's allocation of
//! 1000 MB and a second client, down (the other allocation lost) or
//! draining (it is marked to migrate). The edit changes the image (a
//! destructive update under `canary = 1`) and the memory to `new` MB: the
//! canary takes `new` MB, the replacement the old version's 1000 MB.

use crate::common;

use common::{git, TempDir};

const PLACED: &str = "- All tasks successfully allocated.";

/// What Nomad's plan prints for it (command/job_plan.go `formatDryRun`,
/// command/monitor.go `formatAllocMetrics`).
const FAILED: &str = "- WARNING: Failed to place all allocations.
  Task Group \"g\" (failed to place 1 allocation):
    * Resources exhausted on 1 nodes
    * Dimension \"memory\" exhausted on 1 nodes
";

#[derive(Clone, Copy)]
enum Gone {
    Down,
    Drain,
}

/// The repository: the world at `release`, the job registered at
/// `version` (None: unstated, 0) and committed, then edited to `new` MB.
fn repo(tag: &str, release: &str, gone: Gone, version: Option<u32>, new: u32) -> TempDir {
    let d = TempDir::new(&format!("canary-downgrade-{tag}"));
    let (client, mark) = match gone {
        Gone::Down => ("  status = \"down\"\n", ""),
        Gone::Drain => ("  drain = true\n", "  migrate = true\n"),
    };
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{release}\"\nedition = \"community\"\nregion = \"global\"\nrunning = [\"jobs/c.nomad\"]\n\
client \"up\" {{\n  count = 1\n  cpu = 4000\n  memory = 2100\n  disk = 20000\n  drivers = [\"docker\"]\n}}\n\
client \"gone\" {{\n  count = 1\n  cpu = 4000\n  memory = 2100\n  disk = 20000\n  drivers = [\"docker\"]\n{client}}}\n"
        ),
    );
    // The allocations hold what they list: the registered version's ask.
    let alloc = |n: u32, node: &str, extra: &str| {
        let v = version.map_or(String::new(), |v| format!("  job_version = {v}\n"));
        format!(
            "allocation \"a000000{n}-0000-4000-8000-000000000000\" {{\n  job = \"c\"\n  group = \"g\"\n  index = {}\n  node = \"{node}\"\n  status = \"running\"\n{v}  cpu = 100\n  memory = 1000\n{extra}}}\n",
            n - 1
        )
    };
    let job = version.map_or(String::new(), |v| {
        format!("job \"c\" {{\n  version = {v}\n}}\n")
    });
    d.put(
        "rules/allocations.hcl",
        &format!("{}{}{job}", alloc(1, "up-1", ""), alloc(2, "gone-1", mark)),
    );
    d.put("jobs/c.nomad", &job_file("x:1", 1000));
    git(&d.0, &["init", "-q", "."]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "init"]);
    d.put("jobs/c.nomad", &job_file("x:2", new));
    d
}

pub(crate) fn job_file(image: &str, memory: u32) -> String {
    format!(
        "job \"c\" {{\n  datacenters = [\"dc1\"]\n  update {{\n    canary       = 1\n    max_parallel = 1\n  }}\n  group \"g\" {{\n    count = 2\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"{image}\" }}\n      resources {{\n        cpu    = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// `plan jobs/c.nomad`, then `check --staged` of the edit.
fn plan_and_check(d: &TempDir) -> (common::Out, common::Out) {
    let plan = common::run_in(&d.0, &["plan", "jobs/c.nomad"]);
    git(&d.0, &["add", "-A"]);
    let check = common::run_in(&d.0, &["check", "--staged"]);
    (plan, check)
}

fn assert_fails(tag: &str, plan: &common::Out, check: &common::Out, line: &str) {
    assert!(plan.stdout.contains(line), "{tag}: {}", plan.stdout);
    assert!(
        plan.stdout.contains(FAILED) && !plan.stdout.contains(PLACED),
        "{tag}: {}{}",
        plan.stdout,
        plan.stderr
    );
    assert_ne!(check.code, 0, "{tag}: {}{}", check.stdout, check.stderr);
    assert!(
        check.stdout.contains("NP207") && check.stdout.contains("memory exhausted on 1 nodes"),
        "{tag}: {}{}",
        check.stdout,
        check.stderr
    );
}

/// Each release's plan of the edit, the registered version unstated.
fn assert_each_fails(gone: Gone, releases: &[&str], line: &str) {
    for release in releases {
        let tag = match gone {
            Gone::Down => "down",
            Gone::Drain => "drain",
        };
        let d = repo(&format!("{tag}-{release}"), release, gone, None, 500);
        let (plan, check) = plan_and_check(&d);
        assert_fails(release, &plan, &check, line);
    }
}

const LOST: &str = "+/- Task Group: \"g\" (1 canary, 1 create, 1 destroy, 1 ignore)";

#[test]
fn a_lost_allocation_replaced_while_canarying_takes_the_stable_version() {
    assert_each_fails(Gone::Down, &["1.0.0", "1.6.0", "2.0.5"], LOST);
    // The registered version stated: its deployment is the newest stable one.
    let d = repo("down-v3", "1.6.0", Gone::Down, Some(3), 500);
    let (plan, check) = plan_and_check(&d);
    assert_fails("1.6.0 version 3", &plan, &check, LOST);
}

#[test]
fn a_migration_while_canarying_takes_the_stable_version() {
    let line = "+/- Task Group: \"g\" (1 canary, 1 ignore, 1 migrate)";
    assert_each_fails(Gone::Drain, &["0.12.4", "1.6.0", "2.0.5"], line);
}

/// The failure's `ResourcesExhausted` adds the group the placement was
/// tried with: the stable version's 1000 MB (`ExhaustResources(tg)`,
/// generic_sched.go v2.0.5:696).
#[test]
fn the_failure_counts_the_stable_versions_ask() {
    let d = repo("json", "1.6.0", Gone::Down, None, 500);
    let o = common::run_in(&d.0, &["plan", "--format", "json", "jobs/c.nomad"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap_or_default();
    let m = &v["FailedTGAllocs"]["g"];
    assert_eq!(m["DimensionExhausted"]["memory"], 1, "{}", o.stdout);
    assert_eq!(
        m["ResourcesExhausted"]["t"]["MemoryMB"], 1000,
        "{}",
        o.stdout
    );
}

/// Guard: where the stable version fits (1000 + 50 + 1000 of 2100 MB), or
/// before 0.12.4 (no downgrade: `downgradedJobForPlacement` is absent at
/// v0.12.3), the plan stays a success and the gate passes.
#[test]
fn guard_where_the_stable_version_fits_or_the_release_has_no_downgrade_all_is_placed() {
    for (tag, release, gone, new) in [
        ("fits-down", "1.6.0", Gone::Down, 50),
        ("fits-drain", "2.0.5", Gone::Drain, 50),
        ("before-0.12.4", "0.12.3", Gone::Down, 500),
    ] {
        let d = repo(tag, release, gone, None, new);
        let (plan, check) = plan_and_check(&d);
        assert!(
            plan.stdout.contains(PLACED),
            "{tag}: {}{}",
            plan.stdout,
            plan.stderr
        );
        assert_eq!(check.code, 0, "{tag}: {}{}", check.stdout, check.stderr);
    }
}

/// Up to 1.0.1 Nomad reads the job's deployments in the order of their
/// random IDs (the sort compares `deployments[i]` with itself; fixed in
/// 1.0.2, #9547): a job registered at version 3 may still have an earlier
/// version's deployment, which the world does not hold. One line, the
/// JSON and exit code 255, never the success text.
#[test]
fn where_earlier_deployments_could_decide_the_plan_cannot_tell() {
    let d = repo("unknown", "1.0.0", Gone::Down, Some(3), 500);
    let o = common::run_in(&d.0, &["plan", "jobs/c.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains(PLACED), "{}", o.stdout);
    let said = common::flat(&o.stderr);
    assert!(
        said.contains("cannot tell whether job \"c\" is placed as planned: during its canary rollout Nomad places group \"g\"'s replacements of lost, migrating or rescheduled allocations with the last stable job version"),
        "{said}"
    );
    let j = common::run_in(&d.0, &["plan", "--format", "json", "jobs/c.nomad"]);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap_or_default();
    assert_eq!(
        v["Preflight"]["Downgrade"]["Reason"], "OlderDeployments",
        "{}",
        j.stdout
    );
    assert_eq!(j.code, 255);
    git(&d.0, &["add", "-A"]);
    let check = common::run_in(&d.0, &["check", "--staged"]);
    assert_ne!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert!(
        check.stdout.contains("NP225"),
        "{}{}",
        check.stdout,
        check.stderr
    );
}
