//! An allocation saved without its `Job` (the list form of
//! `/v1/allocations`, what `import --print-commands` saves) runs the job
//! version `JobVersion` names. Nomad reads its group's disconnect rules
//! from that version (`alloc.Job`: `SupportsDisconnectedClients` in
//! `filterByTainted`, scheduler/reconcile_util.go 1.5.17, 1.6.10, 1.7.7,
//! 1.8.0-1.11.1, which ignores a server-terminal allocation of a group
//! keeping disconnected clients). Where the registered job is another
//! version and no allocation embeds this one, those rules are unknown:
//! the job's plan cannot be told (`import::alloc-state`), never judged by
//! the registered version's rules.

mod common;

use common::batch::{alloc, assert_allocs_read, assert_no_plan, import, job_json_in, JOB};
use serde_json::json;

fn service_job(version: u64) -> serde_json::Value {
    job_json_in(
        "web-service-1.5.6.json",
        json!({"Version": version, "JobModifyIndex": 20 + version}),
    )
}

/// An import at `build` of the service job registered at version 1, with
/// one stopped allocation of version `ran` saved without its Job, and
/// one running allocation of version 1.
fn stopped_of(tag: &str, build: &str, ran: u64) -> common::TempDir {
    let job = service_job(1);
    let stopped = alloc(
        1,
        0,
        &job,
        json!({"Job": null, "JobVersion": ran, "JobType": "service",
            "DesiredStatus": "stop", "ClientStatus": "complete"}),
    );
    let running = alloc(
        2,
        0,
        &job,
        json!({"Job": null, "JobType": "service", "ClientStatus": "running", "TaskStates": {}}),
    );
    let d = import(tag, build, &job, &[stopped, running]);
    d.put("service.nomad", &JOB.replace("  type = \"batch\"\n", ""));
    d
}

#[test]
fn a_stopped_allocation_of_another_version_is_unknown_where_its_rules_decide() {
    let d = stopped_of("alloc-version-old", "1.5.17", 0);
    assert_no_plan(
        &d,
        "service.nomad",
        "of job version 0, which allocations.json does not embed (the registered job is version 1), so its group's disconnect rules are unknown",
    );
    // Of the registered version: its rules are the registered job's.
    let d = stopped_of("alloc-version-same", "1.5.17", 1);
    assert_allocs_read(&d, "service.nomad");
    let o = common::batch::plan(&d, "service.nomad");
    assert!(o.code == 0 || o.code == 1, "{}{}", o.stdout, o.stderr);
    // A release whose filterByTainted does not read them (1.5.0-1.5.9).
    let d = stopped_of("alloc-version-1.5.6", "1.5.6", 0);
    assert_allocs_read(&d, "service.nomad");
}
