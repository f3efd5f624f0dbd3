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

use crate::common;

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
        "of job version 0, which neither allocations.json embeds nor job-versions/ holds (the registered job is version 1), so its group's disconnect rules are unknown",
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

/// An import at 1.5.6 of the service job registered at version 1, one
/// allocation running version 0 saved without its Job, and (when `v0` is
/// given) the job's saved versions: 1 and `v0`.
fn running_old(tag: &str, v0: Option<serde_json::Value>) -> common::TempDir {
    let job = service_job(1);
    let running = alloc(
        1,
        0,
        &job,
        json!({"Job": null, "JobVersion": 0, "JobType": "service",
            "ClientStatus": "running", "TaskStates": {}}),
    );
    let d = import(tag, "1.5.6", &job, &[running]);
    if let Some(v0) = v0 {
        d.put(
            "import/job-versions/default/web.json",
            &json!({"Versions": [job, v0], "Diffs": null}).to_string(),
        );
    }
    d.put("service.nomad", &JOB.replace("  type = \"batch\"\n", ""));
    d
}

/// Nomad compares the tasks of the version an allocation runs with the
/// planned job's (`tasksUpdated`, scheduler/util.go 1.5.6): a priority is
/// not among them (an in-place update), an image is (destructive). Without
/// the version saved the plan cannot tell; before, it took every such
/// allocation as destructive. (Exit 0: the diff is None, 1.5+.)
#[test]
fn a_running_allocation_of_another_version_is_compared_with_its_saved_version() {
    let d = running_old("alloc-version-unsaved", None);
    assert_no_plan(
        &d,
        "service.nomad",
        "of job version 0, which neither allocations.json embeds nor job-versions/ holds (the registered job is version 1), so its tasks, which Nomad compares with the planned job's (an in-place or a destructive update), are unknown",
    );
    let v0 = |patch: serde_json::Value| {
        let mut j = service_job(0);
        if let (Some(o), serde_json::Value::Object(p)) = (j.as_object_mut(), patch) {
            o.extend(p);
        }
        j
    };
    let d = running_old("alloc-version-priority", Some(v0(json!({"Priority": 40}))));
    common::batch::assert_plan(&d, "service.nomad", 0, "1 in-place update");
    let mut image = v0(json!({}));
    image["TaskGroups"][0]["Tasks"][0]["Config"]["image"] = json!("nginx:1.24");
    let d = running_old("alloc-version-image", Some(image));
    common::batch::assert_plan(&d, "service.nomad", 0, "1 create/destroy update");
}
