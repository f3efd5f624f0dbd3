//! An import's failed allocation placed by a deployment (stop 61 Left 4).
//!
//! Nomad's generic reconciler holds a failed allocation of the current
//! deployment while that deployment is active, unless the deployment
//! watcher marked it to reschedule (`updateByReschedulable`,
//! scheduler/reconciler/filters.go v2.0.5: `d != nil && alloc.DeploymentID
//! == d.ID && d.Active() && !alloc.DesiredTransition.ShouldReschedule()`).
//! The current deployment is the job's latest one only while the plan
//! keeps its version (`cancelUnneededServiceDeployments`,
//! reconcile_cluster.go v2.0.5:575-615: one of another version is
//! cancelled): a plan of the unchanged job reads it, which the import
//! already calls a guess (`import::deployment`); a changed job's plan
//! reschedules the failed allocation by its policy alone. A canary is
//! different: an unpromoted one of a cancelled or failed deployment is
//! stopped, not rescheduled (`cancelUnneededCanaries`, reconcile_cluster.go
//! v2.0.5:730-783), which is not simulated: the plan cannot tell.
//!
//! The world: the service job `web` of tests/common/service.rs, count 2,
//! `web.g[0]` running, `web.g[1]` failed at 12:00:00 and due at 12:00:30,
//! the import saved at 12:00:31; both placed by deployment `D` of the
//! registered version, running.

use crate::common;

use common::batch::plan;
use common::service::{due, file, job_at, running, world};
use serde_json::{json, Value};

const D: &str = "d0000001-0000-4000-8000-000000000000";

/// `/v1/deployments`: `D` of `job`'s version in `status`.
fn deployment(job: &Value, status: &str) -> String {
    json!([{
        "ID": D, "Namespace": "default", "JobID": "web",
        "JobVersion": job["Version"], "JobCreateIndex": job["CreateIndex"],
        "JobModifyIndex": job["JobModifyIndex"], "Status": status,
        "CreateIndex": 12, "ModifyIndex": 13
    }])
    .to_string()
}

/// The world, the failed allocation's `DeploymentStatus` as given.
fn failed_in_deployment(tag: &str, status: Value) -> common::TempDir {
    let job = job_at("2.0.5", 2);
    let mut ok = running(1, 0, &job);
    ok["DeploymentID"] = json!(D);
    ok["DeploymentStatus"] = json!({"Healthy": true, "Canary": false});
    let mut failed = due(2, 1, &job);
    failed["DeploymentID"] = json!(D);
    failed["DeploymentStatus"] = status;
    let d = world(tag, "2.0.5", &job, &[ok, failed], 2);
    d.put("import/deployments.json", &deployment(&job, "running"));
    d.put("web3.nomad", &file(3));
    d
}

/// A guard (the baseline says the same): unchanged, the deployment decides
/// and the plan cannot tell; changed to count 3, the deployment is
/// cancelled and the due reschedule is placed with the new one.
#[test]
fn a_failed_allocation_of_a_running_deployment_is_read_by_the_plans_version() {
    let d = failed_in_deployment("failed-dep", json!({"Healthy": false, "Canary": false}));
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains(&format!("error: job \"web\" is planned unchanged, and Nomad's reconciler reads its deployment, which nomad-preflight does not simulate (deployment {D} of version 0 is running), so its plan cannot be known")),
        "{}",
        o.stderr
    );
    let o = plan(&d, "web3.nomad");
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("Task Group: \"g\" (2 create, 1 destroy, 1 in-place update)"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

/// A failed canary: Nomad stops it once the changed plan cancels its
/// deployment (unless promoted), where the baseline planned its
/// reschedule. Now the plan cannot tell, exit 255, naming it.
#[test]
fn a_failed_canary_cannot_be_told() {
    let d = failed_in_deployment("failed-canary", json!({"Healthy": false, "Canary": true}));
    let o = plan(&d, "web3.nomad");
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    assert!(
        o.stderr.contains("allocation a0000002-0000-4000-8000-000000000000 is failed and not replaced yet, and it is a canary of a deployment, which Nomad's reconciler stops instead of rescheduling unless the deployment promoted it (cancelUnneededCanaries)"),
        "{}",
        o.stderr
    );
}
