//! `hadRunning` (1.11.0-1.11.2's `createDeployment`, scheduler/reconciler/
//! reconcile_node.go v1.11.2:476-499) with a live allocation of an
//! earlier registration of the job: the job stopped with `-purge` and
//! registered again while the allocation still ran. Nomad counts a live
//! allocation as "had running" only when `a.Job.ID == job.ID &&
//! a.Job.Version == job.Version && a.Job.CreateIndex == job.CreateIndex`
//! (:477-483), so the earlier registration's allocation at the same
//! version number is not. Where no node had the planned version running
//! and nothing is updated, the node reconciler makes a new deployment,
//! and the job's latest one (successful, "g" `null`: R22-B-1) is not
//! the one `computeJobAllocs` writes through (scheduler_system.go
//! v1.11.2:383-421): Nomad plans. Read as this registration's, the node
//! makes none, the old deployment is read and its `nil` dereferenced: the
//! recovered panic, a plan Nomad answers refused as an error.
//!
//! Node 1 runs "g" and "h" of the registered job (version 1, created at
//! index 10); node 2 is ineligible and runs both at version 1 of `holder`.
//! On a node not ready an allocation whose `JobModifyIndex` is not the
//! job's is stopped (reconcile_node.go v1.11.2:259-268), never an update,
//! so `updatingSpec` is false there and `hadRunning` alone decides.

use crate::common;
use crate::import_system_disconnect::{alloc, node, NODE2};

use common::batch::NODE_ID;
use common::{run_in, Out, TempDir};
use serde_json::{json, Value};

const ERROR: &str =
    "failed to process eval: runtime error: invalid memory address or nil pointer dereference";

/// The job file: groups "g" and "h", each one task of nginx:1.25.
fn job_file() -> String {
    let group = |name: &str| {
        format!("  group \"{name}\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n    }}\n  }}\n")
    };
    format!(
        "job \"web\" {{\n  type = \"system\"\n  datacenters = [\"dc1\"]\n{}{}}}\n",
        group("g"),
        group("h")
    )
}

/// The import described above; `earlier`: node 2's allocations are of an
/// earlier registration (`Job.CreateIndex` 2, `JobModifyIndex` 5), else
/// of the registered job.
fn import(tag: &str, earlier: bool) -> TempDir {
    let job = crate::import_system_nil_deployment_state::registered_two_groups();
    let mut holder = job.clone();
    if earlier {
        holder["CreateIndex"] = json!(2);
        holder["JobModifyIndex"] = json!(5);
        holder["ModifyIndex"] = json!(6);
    }
    let named = |g: &str| json!({"Name": format!("web.{g}[0]"), "TaskGroup": g});
    let allocs = vec![
        alloc(1, NODE_ID, &job, named("g")),
        alloc(2, NODE_ID, &job, named("h")),
        alloc(3, NODE2, &holder, named("g")),
        alloc(4, NODE2, &holder, named("h")),
    ];
    let d = TempDir::new(tag);
    let mut n2 = node(NODE2, "n2", "ready");
    n2["SchedulingEligibility"] = json!("ineligible");
    let nodes = json!([node(NODE_ID, "n1", "ready"), n2]);
    d.put("import/nodes.json", &nodes.to_string());
    d.put(
        "import/agent-self.json",
        r#"{"member": {"Tags": {"build": "1.11.2", "region": "global"}}}"#,
    );
    d.put("import/jobs/default/web.json", &job.to_string());
    d.put("import/allocations.json", &Value::Array(allocs).to_string());
    let deployment = json!([{"ID": "d1000000-0000-4000-8000-000000000000", "Namespace": "default",
        "JobID": "web", "JobVersion": 0, "JobCreateIndex": 10,
        "Status": "successful", "StatusDescription": "Deployment completed successfully",
        "TaskGroups": {"g": null, "h": {"DesiredTotal": 2, "PlacedAllocs": 2, "HealthyAllocs": 2}},
        "CreateIndex": 15, "ModifyIndex": 16}]);
    d.put("import/deployments.json", &deployment.to_string());
    d.put("import/saved-at.txt", "2024-06-01T12:00:31Z\n");
    d.import_rest("import");
    d.put("web.nomad", &job_file());
    d
}

fn plan(d: &TempDir) -> Out {
    run_in(
        &d.0,
        &["plan", "--no-cache", "--world", "import", "web.nomad"],
    )
}

/// Guard (the baseline, /work/np68, answers the same: load27 keyed
/// `hadRunning` by registration): the earlier registration's live
/// allocations are no `hadRunning`, node 2 makes a new deployment, Nomad
/// plans: node 2's two are stopped (not ready, another `JobModifyIndex`),
/// node 1's ignored, and from 1.11 `Place` is each group's candidate count
/// (`tgCandidateNodeCounts`: src/scheduler/system_nodes.rs), node 1.
#[test]
fn an_earlier_registration_s_live_allocation_is_not_had_running() {
    let d = import("had-running-earlier", true);
    let o = plan(&d);
    assert!(!o.stderr.contains(ERROR), "{}", o.stderr);
    assert!(
        o.stdout
            .contains("Task Group: \"g\" (1 create, 1 destroy, 1 ignore)")
            && o.stdout
                .contains("Task Group: \"h\" (1 create, 1 destroy, 1 ignore)"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

/// Guard, the other side: the same allocations of the registered job are
/// "had running" and updated nowhere, so no node makes a deployment, the
/// old one is read and its `nil` dereferenced: the recovered panic.
#[test]
fn the_registered_job_s_live_allocation_is_had_running() {
    let d = import("had-running-same", false);
    let o = plan(&d);
    assert_eq!(o.stdout, "", "{}", o.stderr);
    assert!(o.stderr.contains(ERROR), "{}", o.stderr);
    assert_eq!(o.code, 255);
}
