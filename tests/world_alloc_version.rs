//! A hand-written world's pinned allocation of a job version older than
//! the registered one (`job_version` in rules/allocations.hcl): the world
//! holds the registered version's text only, while Nomad compares each
//! allocation with the version it runs (`alloc.Job`:
//! `genericAllocUpdateFn`, scheduler/util.go v1.5.10,
//! scheduler/reconciler/util.go v2.0.5 — ignore on the same
//! `JobModifyIndex`, else `tasksUpdated` decides destructive or in place).
//! Whether the planned job replaces it or updates it in place is unknown:
//! "cannot tell" (exit 255, `world::alloc-state`). It had been taken as a
//! destructive update. Not compared, so still planned: an allocation on a
//! down client before 1.7.2 (lost), a service job's finished one; from
//! 1.7.2 one on a down client is "cannot tell" too (its group decides
//! whether it is lost).

use crate::common;

use common::{run_in, Out, TempDir, TWO_READY_ONE_DOWN};
use serde_json::Value;

const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"web\" {\n    count = 2\n    task \"web\" {\n      driver = \"docker\"\n      config { image = \"redis\" }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

/// A world at `release` running web at version 1, with allocation 1 (index
/// 0) at version 1 on node-1 and allocation 2 (index 1) of `old` (its
/// node, status and job_version lines).
fn world(tag: &str, release: &str, old: &str) -> TempDir {
    let d = TempDir::new(&format!("alloc-version-{tag}"));
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{release}\"\n{TWO_READY_ONE_DOWN}running = [\"jobs/web.nomad\"]\n"
        ),
    );
    d.put(
        "rules/allocations.hcl",
        &format!(
            "job \"web\" {{\n  version = 1\n}}\nallocation \"a0000001-0000-4000-8000-000000000000\" {{\n  job    = \"web\"\n  index  = 0\n  node   = \"node-1\"\n}}\nallocation \"a0000002-0000-4000-8000-000000000000\" {{\n  job    = \"web\"\n  index  = 1\n{old}}}\n"
        ),
    );
    d.put("jobs/web.nomad", JOB);
    d.put("new.nomad", JOB);
    d
}

fn plan(d: &TempDir, json: bool) -> Out {
    let mut args = vec!["plan", "--world", "rules", "new.nomad"];
    if json {
        args.extend(["--format", "json"]);
    }
    run_in(&d.0, &args)
}

const WHY: &str = "allocation a0000002-0000-4000-8000-000000000000 runs job version 0, which the world does not hold (it holds the registered version 1), so whether the planned job updates it in place or replaces it is unknown";

#[test]
fn a_live_allocation_of_an_older_version_is_cannot_tell() {
    for release in ["0.9.3", "1.5.10", "2.0.5"] {
        let d = world(
            &format!("live-{release}"),
            release,
            "  node   = \"node-2\"\n  job_version = 0\n",
        );
        let o = plan(&d, false);
        assert_eq!(o.code, 255, "{release}: {}{}", o.stdout, o.stderr);
        assert_eq!(o.stdout, "", "{release}");
        let line = format!("error: job \"web\" has an allocation in a state nomad-preflight does not simulate ({WHY}), so its plan cannot be known\n");
        assert!(o.stderr.ends_with(&line), "{release}: {}", o.stderr);
        let j = plan(&d, true);
        assert_eq!(j.code, 255, "{release}");
        let v: Value = serde_json::from_str(&j.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", j.stdout, j.stderr));
        assert_eq!(
            v["Preflight"]["WorldGuess"],
            serde_json::json!({"Kind": "AllocState", "Warning": WHY}),
            "{release}"
        );
    }
}

/// Not compared, so planned: the same version's (the control), one on a
/// down client before 1.7.2 (lost whatever its group: stopped and placed
/// again; the job unchanged, exit 0), a service job's finished one.
#[test]
fn an_older_allocation_nomad_does_not_compare_is_planned() {
    let cases = [
        ("same", "2.0.5", "  node   = \"node-2\"\n", "2 ignore", 0),
        (
            "down",
            "1.7.1",
            "  node   = \"gone-1\"\n  job_version = 0\n",
            "1 create, 1 destroy, 1 ignore",
            0,
        ),
    ];
    for (tag, release, old, group, code) in cases {
        let d = world(tag, release, old);
        let o = plan(&d, false);
        assert_eq!(o.code, code, "{tag}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stdout
                .contains(&format!("Task Group: \"web\" ({group})\n")),
            "{tag}: {}{}",
            o.stdout,
            o.stderr
        );
    }
    let d = world(
        "complete",
        "2.0.5",
        "  node   = \"node-2\"\n  job_version = 0\n  status = \"complete\"\n",
    );
    let o = plan(&d, false);
    assert!(
        !o.stderr.contains("does not hold"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert_ne!(o.code, 255, "{}{}", o.stdout, o.stderr);
}

/// From 1.7.2 one on a down client is read by the group of the version it
/// runs (filterByTainted's down-node branch, reconcile_util.go
/// v1.7.2:364-378, reconciler/filters.go v2.0.5's "Terminal node
/// allocations ..." rules: kept where that group does not replace), so of
/// a version the world does not hold it is "cannot tell" (the old code
/// read it as lost).
#[test]
fn from_1_7_2_an_older_allocation_on_a_down_client_is_cannot_tell() {
    let d = world(
        "down-172",
        "2.0.5",
        "  node   = \"gone-1\"\n  job_version = 0\n",
    );
    let o = plan(&d, false);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, "");
    assert!(
        o.stderr.contains("runs job version 0, which the world does not hold (it holds the registered version 1), so whether the plan loses it on its down client is unknown: that version's group decides"),
        "{}",
        o.stderr
    );
}
