//! redteam20 R20-B-1/R20-B-2: from 2.0.3 (5437c0dae2) `genericAllocUpdateFn`
//! updates an allocation of a running batch group with a
//! `max_run_duration` in place without `stack.Select`, keeping its old
//! resources: its "max_run_duration-only" check reads the old duration
//! from the allocation's job and the new one from a copy whose `Job` it
//! just set to nil (scheduler/util.go v2.0.5:845-858;
//! `Allocation.MaxRunDuration`, nomad/structs/alloc.go v2.0.5:366-383,
//! answers (0, false) then), so the two always differ. Once the datacenter
//! and node-pool checks passed (:838-843) no constraint is read and no fit
//! is tried; the plan's copy keeps its `AllocatedResources`, which the
//! placements after it see (`ProposedAllocs`, scheduler/feasible/context.go
//! v2.0.5:143). 2.0.2 has neither the field nor the shortcut.

use crate::common::plan_out::tg_updates;
use crate::common::{git, run_in, Out, TempDir};

/// A batch job `etl` of `count` allocations of the group's `tasks`, with
/// a one-hour `max_run_duration` where `mrd`.
fn etl(count: u32, mrd: bool, tasks: &str) -> String {
    let mrd = if mrd {
        "    max_run_duration = \"1h\"\n"
    } else {
        ""
    };
    format!(
        "job \"etl\" {{\n  datacenters = [\"dc1\"]\n  type        = \"batch\"\n  group \"g\" {{\n    count = {count}\n{mrd}{tasks}  }}\n}}\n"
    )
}

/// A docker task of 100 MHz and `memory` MB.
fn task(name: &str, memory: u32) -> String {
    format!(
        "    task \"{name}\" {{\n      driver = \"docker\"\n      config {{\n        image = \"x:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = {memory}\n      }}\n    }}\n"
    )
}

/// A client `name` of `memory` MB whose attribute `role` is its name.
fn client(name: &str, memory: u32) -> String {
    format!(
        "client \"{name}\" {{\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = {memory}\n  disk = 10000\n  drivers = [\"docker\"]\n  attributes = {{ \"kernel.name\" = \"linux\", \"role\" = \"{name}\" }}\n}}\n"
    )
}

/// A world at `version` of `clients` running `before` as jobs/etl.nomad,
/// committed; then `after` written there and staged.
fn staged(tag: &str, version: &str, clients: &str, before: &str, after: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nregion = \"global\"\n{clients}running = [\"jobs/etl.nomad\"]\n"
        ),
    );
    d.put("jobs/etl.nomad", before);
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "running"]);
    d.put("jobs/etl.nomad", after);
    git(&d.0, &["add", "jobs/etl.nomad"]);
    d
}

/// R20-B-1's world: one 2600 MB client running `etl` (count 1, two 1000
/// MB tasks); the edit asks a second allocation and makes `init` a
/// prestart task (an in-place change), which at 2.0.2 leaves the kept
/// allocation needing 1000 MB (a prestart task's memory is not added to
/// the main task's).
fn prestart_world(tag: &str, version: &str, mrd: bool) -> TempDir {
    let tasks = format!("{}{}", task("init", 1000), task("main", 1000));
    let prestart = tasks.replacen(
        "      driver = \"docker\"\n",
        "      driver = \"docker\"\n      lifecycle {\n        hook = \"prestart\"\n      }\n",
        1,
    );
    staged(
        tag,
        version,
        &client("a", 2600),
        &etl(1, mrd, &tasks),
        &etl(2, mrd, &prestart),
    )
}

/// R20-B-2's world: clients `a` and `b` of 4096 MB running `etl` (count
/// 2, 3000 MB: one on each); the edit pins the group to role `a`.
fn pinned_world(tag: &str, version: &str, mrd: bool) -> TempDir {
    let tasks = task("t", 3000);
    let pinned = format!(
        "    constraint {{\n      attribute = \"${{attr.role}}\"\n      value     = \"a\"\n    }}\n{tasks}"
    );
    staged(
        tag,
        version,
        &format!("{}{}", client("a", 4096), client("b", 4096)),
        &etl(2, mrd, &tasks),
        &etl(2, mrd, &pinned),
    )
}

fn plan(d: &TempDir) -> Out {
    run_in(&d.0, &["--no-color", "plan", "jobs/etl.nomad"])
}

fn plan_updates(d: &TempDir) -> Vec<(String, u64)> {
    let o = run_in(&d.0, &["plan", "--format", "json", "jobs/etl.nomad"]);
    tg_updates(&o, "g")
}

fn check(d: &TempDir) -> Out {
    run_in(&d.0, &["--no-color", "check", "--staged"])
}

fn counts(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|&(k, n)| (k.to_string(), n)).collect()
}

const MEMORY_FAILED: &str = "Scheduler dry-run:\n- WARNING: Failed to place all allocations.\n  Task Group \"g\" (failed to place 1 allocation):\n    * Resources exhausted on 1 nodes\n    * Dimension \"memory\" exhausted on 1 nodes\n";

/// R20-B-1 (was a false all-clear): at 2.0.5 the kept allocation keeps its
/// 2000 MB and the second one finds 600 MB left.
#[test]
fn a_kept_batch_allocation_keeps_its_old_resources_from_2_0_3() {
    let d = prestart_world("mrd-prestart", "2.0.5", true);
    let o = plan(&d);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("+/- Task Group: \"g\" (1 create, 1 in-place update)\n")
            && o.stdout.contains(MEMORY_FAILED),
        "{}",
        o.stdout
    );
    assert_eq!(
        plan_updates(&d),
        counts(&[("InPlaceUpdate", 1), ("Place", 1)])
    );
    let c = check(&d);
    assert_eq!(c.code, 1, "{}{}", c.stdout, c.stderr);
    assert!(
        c.stdout
            .contains("NP207 [error] 1 allocation(s) of group \"g\" cannot be placed: memory exhausted on 1 nodes"),
        "{}",
        c.stdout
    );
}

/// R20-B-2 (was a false alarm): at 2.0.5 the new constraint is never
/// checked for the kept allocations, so both stay, the one on `b` too:
/// "(2 in-place update)", all placed, exit 0 (`getExitCode`,
/// command/job_plan.go v2.0.5:416-429: an in-place update is no change).
#[test]
fn a_kept_batch_allocation_skips_the_new_constraint_from_2_0_3() {
    let d = pinned_world("mrd-pinned", "2.0.5", true);
    let o = plan(&d);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("+/- Task Group: \"g\" (2 in-place update)\n")
            && o.stdout
                .contains("Scheduler dry-run:\n- All tasks successfully allocated.\n"),
        "{}",
        o.stdout
    );
    assert_eq!(plan_updates(&d), counts(&[("InPlaceUpdate", 2)]));
    let c = check(&d);
    assert_eq!(c.code, 0, "{}{}", c.stdout, c.stderr);
    assert!(!c.stdout.contains("NP207"), "{}", c.stdout);
}

/// Guard (passes on the baseline too): at 2.0.2 (no `max_run_duration`,
/// no shortcut) the kept allocation is fitted anew with the new group's
/// 1000 MB, and the one on `b` fails the constraint: destructive, and its
/// replacement finds no room on `a`.
#[test]
fn before_2_0_3_a_kept_batch_allocation_is_fitted_anew() {
    let d = prestart_world("mrd-prestart-202", "2.0.2", false);
    let o = plan(&d);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("+/- Task Group: \"g\" (1 create, 1 in-place update)\n")
            && o.stdout
                .contains("Scheduler dry-run:\n- All tasks successfully allocated.\n"),
        "{}",
        o.stdout
    );
    let c = check(&d);
    assert_eq!(c.code, 0, "{}{}", c.stdout, c.stderr);
    let d = pinned_world("mrd-pinned-202", "2.0.2", false);
    let o = plan(&d);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("+/- Task Group: \"g\" (1 create/destroy update, 1 in-place update)\n")
            && o.stdout
                .contains("WARNING: Failed to place all allocations."),
        "{}",
        o.stdout
    );
    assert_eq!(
        plan_updates(&d),
        counts(&[("DestructiveUpdate", 1), ("InPlaceUpdate", 1)])
    );
    assert_eq!(check(&d).code, 1);
}
