//! R22-B-1: a system job whose latest deployment succeeded holding `null`
//! for one group ("g") and a state for the other ("h"), as 1.11's system
//! scheduler leaves it after an evaluation where "g" had no candidate
//! node (scheduler/scheduler_system.go v1.11.2:388-396). At 1.11.0-1.11.2
//! the next evaluation that finds a candidate for "g" writes
//! `DesiredTotal` through the `nil` (:400-417); `Process` recovers the
//! panic (:74-78) and `Job.Plan` returns it: `nomad job plan` prints
//! `Error during plan: Unexpected response code: 500 (failed to process
//! eval: runtime error: invalid memory address or nil pointer
//! dereference)` and exits 255. Fixed in 1.11.3 (#27571). We planned it
//! as Nomad 1.11.3 does. See src/scheduler/nil_deployment_state.rs.

use crate::common;
use crate::import_system_disconnect::{alloc, job_json, node, NODE2};

use common::batch::NODE_ID;
use common::{run_in, Out, TempDir};
use serde_json::{json, Value};

const ERROR: &str = "Error during plan: Unexpected response code: 500 (failed to process eval: runtime error: invalid memory address or nil pointer dereference)\n";

/// The job file: groups "g" and "h", each one task of `image`.
fn job_file(image: &str) -> String {
    let group = |name: &str| {
        format!("  group \"{name}\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"{image}\"\n      }}\n    }}\n  }}\n")
    };
    format!(
        "job \"web\" {{\n  type = \"system\"\n  datacenters = [\"dc1\"]\n{}{}}}\n",
        group("g"),
        group("h")
    )
}

/// An import of `release`: both groups run on both nodes, and the job's
/// latest deployment (of its registered version) is `status` with "g"'s
/// state `null`.
fn import(tag: &str, release: &str, status: &str) -> TempDir {
    let mut job = job_json(release, false);
    let mut h = job["TaskGroups"][0].clone();
    h["Name"] = json!("h");
    job["TaskGroups"]
        .as_array_mut()
        .expect("the fixture's groups")
        .push(h);
    let mut allocs = Vec::new();
    for (k, node_id) in [NODE_ID, NODE2].into_iter().enumerate() {
        for (j, g) in ["g", "h"].into_iter().enumerate() {
            let n = u32::try_from(1 + 2 * k + j).expect("small");
            let named = json!({"Name": format!("web.{g}[0]"), "TaskGroup": g});
            allocs.push(alloc(n, node_id, &job, named));
        }
    }
    let d = TempDir::new(tag);
    let nodes = json!([node(NODE_ID, "n1", "ready"), node(NODE2, "n2", "ready")]);
    d.put("import/nodes.json", &nodes.to_string());
    d.put(
        "import/agent-self.json",
        &format!(r#"{{"member": {{"Tags": {{"build": "{release}", "region": "global"}}}}}}"#),
    );
    d.put("import/jobs/default/web.json", &job.to_string());
    d.put("import/allocations.json", &Value::Array(allocs).to_string());
    let deployment = json!([{"ID": "d1000000-0000-4000-8000-000000000000", "Namespace": "default",
        "JobID": "web", "JobVersion": job["Version"], "JobCreateIndex": job["CreateIndex"],
        "Status": status, "StatusDescription": "Deployment completed successfully",
        "TaskGroups": {"g": null, "h": {"DesiredTotal": 2, "PlacedAllocs": 2, "HealthyAllocs": 2}},
        "CreateIndex": 60, "ModifyIndex": 61}]);
    d.put("import/deployments.json", &deployment.to_string());
    d.put("import/saved-at.txt", "2024-06-01T12:00:31Z\n");
    d.import_rest("import");
    d.put("web.nomad", &job_file("nginx:1.25"));
    d.put("web2.nomad", &job_file("nginx:1.26"));
    d
}

fn plan(d: &TempDir, file: &str) -> Out {
    run_in(&d.0, &["plan", "--no-cache", "--world", "import", file])
}

/// Fails on the baseline (9b0d463c), which planned both groups
/// ("2 create, 2 ignore" each, exit 0) as 1.11.3 does.
#[test]
fn an_unchanged_plan_at_1_11_2_fails_with_the_recovered_panic() {
    for release in ["1.11.2", "1.11.0"] {
        let d = import("nil-dstate", release, "successful");
        let o = plan(&d, "web.nomad");
        assert_eq!(o.stdout, "", "{release}: {}", o.stderr);
        assert!(o.stderr.ends_with(ERROR), "{release}: {}", o.stderr);
        assert_eq!(o.code, 255, "{release}");
    }
    // `check` says the error `plan` prints (NP228).
    let d = import("nil-dstate-check", "1.11.2", "successful");
    let o = run_in(
        &d.0,
        &["check", "--no-cache", "--world", "import", "web.nomad"],
    );
    assert!(
        o.stdout.contains("NP228") && o.stdout.contains("failed to process eval: runtime error"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert_eq!(o.code, 1, "{}", o.stdout);
}

/// Guards: 1.11.3 and 2.0.5 skip the `nil`; a changed job makes a new
/// deployment (its groups have Nomad's default strategy, max_parallel 1),
/// which holds no `nil`; a deployment still running is not the one read
/// with its `nil`s (and is the reconciler's: `import::deployment`).
#[test]
fn the_fix_a_new_deployment_or_another_status_plan_as_before() {
    for release in ["1.11.3", "2.0.5"] {
        let d = import("nil-dstate-fixed", release, "successful");
        let o = plan(&d, "web.nomad");
        assert_eq!(o.code, 0, "{release}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.contains("Task Group: \"g\""), "{}", o.stdout);
    }
    let d = import("nil-dstate-changed", "1.11.2", "successful");
    let o = plan(&d, "web2.nomad");
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("Task Group: \"g\""), "{}", o.stdout);
    let d = import("nil-dstate-cancelled", "1.11.2", "cancelled");
    let o = plan(&d, "web.nomad");
    assert!(!o.stderr.contains("failed to process eval"), "{}", o.stderr);
}

/// `createDeployment`'s `updatingSpec` is the node's `len(result.Update)`
/// (reconcile_node.go v1.11.2:406), which an allocation of an older job
/// enters only on an eligible, ready node (:285-301); on a node not ready
/// it is stopped (:259-271). Here the job runs at version 1 on node 1
/// ("g" and "h"); node 2 is ineligible and holds "h" at version 1 and "g"
/// still at version 0; the latest deployment, successful, is version 0's
/// with "g" `null`. Every node had version 1 running and updates nothing,
/// so no new deployment is made, the old one is read and its `nil`
/// dereferenced: the recovered panic. We counted node 2's "g" as an update
/// (a new deployment) and planned the job as placed.
#[test]
fn an_old_allocation_on_a_node_not_ready_is_no_update() {
    let mut job = job_json("1.11.2", false);
    let mut h = job["TaskGroups"][0].clone();
    h["Name"] = json!("h");
    job["TaskGroups"]
        .as_array_mut()
        .expect("the fixture's groups")
        .push(h);
    let mut old = job.clone();
    job["Version"] = json!(1);
    job["JobModifyIndex"] = json!(20);
    job["ModifyIndex"] = json!(21);
    old["Version"] = json!(0);
    let named = |g: &str| json!({"Name": format!("web.{g}[0]"), "TaskGroup": g});
    let allocs = vec![
        alloc(1, NODE_ID, &job, named("g")),
        alloc(2, NODE_ID, &job, named("h")),
        alloc(3, NODE2, &old, named("g")),
        alloc(4, NODE2, &job, named("h")),
    ];
    let d = TempDir::new("nil-dstate-not-ready");
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
        "JobID": "web", "JobVersion": 0, "JobCreateIndex": job["CreateIndex"],
        "Status": "successful", "StatusDescription": "Deployment completed successfully",
        "TaskGroups": {"g": null, "h": {"DesiredTotal": 2, "PlacedAllocs": 2, "HealthyAllocs": 2}},
        "CreateIndex": 15, "ModifyIndex": 16}]);
    d.put("import/deployments.json", &deployment.to_string());
    d.put("import/saved-at.txt", "2024-06-01T12:00:31Z\n");
    d.import_rest("import");
    d.put("web.nomad", &job_file("nginx:1.25"));
    let o = plan(&d, "web.nomad");
    assert_eq!(o.stdout, "", "{}", o.stderr);
    assert!(o.stderr.ends_with(ERROR), "{}", o.stderr);
    assert_eq!(o.code, 255);
}

/// An import at 1.11.2 of the job at version 1 (deployment of version 0,
/// successful, "g" `null`) running on node 1, whose allocations on node 2
/// finished (`complete`; `earlier`: of an earlier registration of the ID,
/// its `Job.CreateIndex` 2 where the registered job's is 10).
fn finished_on_node_2(tag: &str, earlier: bool) -> TempDir {
    let job = registered_two_groups();
    let mut other = job.clone();
    if earlier {
        other["CreateIndex"] = json!(2);
    }
    let named = |g: &str| json!({"Name": format!("web.{g}[0]"), "TaskGroup": g});
    let done = |g: &str| {
        let mut f = named(g);
        f["ClientStatus"] = json!("complete");
        f["TaskStates"] = json!({"t": {"State": "dead", "Failed": false}});
        f
    };
    let allocs = vec![
        alloc(1, NODE_ID, &job, named("g")),
        alloc(2, NODE_ID, &job, named("h")),
        alloc(3, NODE2, &other, done("g")),
        alloc(4, NODE2, &other, done("h")),
    ];
    let d = TempDir::new(tag);
    let nodes = json!([node(NODE_ID, "n1", "ready"), node(NODE2, "n2", "ready")]);
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
    d.put("web.nomad", &job_file("nginx:1.25"));
    d
}

/// roll26: `hadRunning` reads the node's finished allocations too, the
/// newest of each name (reconcile_node.go v1.11.2:486-491 over
/// `terminal[nodeID]`, nomad/structs/funcs.go v1.11.2:90-123). Node 2's
/// finished "g" and "h" are of the planned version, so node 2 makes no
/// deployment though it places both again, the old one is read and its
/// `nil` dereferenced: the recovered panic. The import dropped them (they
/// hold nothing) and the tool planned the placements (exit 1, a false
/// plan where Nomad errors).
#[test]
fn a_finished_allocation_of_the_planned_version_is_had_running() {
    let d = finished_on_node_2("nil-dstate-finished", false);
    let o = plan(&d, "web.nomad");
    assert_eq!(o.stdout, "", "{}", o.stderr);
    assert!(o.stderr.ends_with(ERROR), "{}", o.stderr);
    assert_eq!(o.code, 255);
}

/// Guard (plans on the baseline too): finished allocations of an earlier
/// registration of the ID (`alloc.Job.CreateIndex` not the planned job's,
/// which is the registered job's: nomad/state/state_store.go
/// v1.11.2:1788) are no `hadRunning`, so node 2 makes a new deployment
/// and the old one with its `nil` is not read: Nomad plans.
#[test]
fn a_finished_allocation_of_an_earlier_registration_is_not() {
    let d = finished_on_node_2("nil-dstate-earlier", true);
    let o = plan(&d, "web.nomad");
    assert!(!o.stderr.contains("failed to process eval"), "{}", o.stderr);
    assert!(o.stdout.contains("Task Group: \"g\""), "{}", o.stdout);
}

/// The fixture's system job at 1.11.2 with a second group "h", registered
/// at version 1 (`CreateIndex` 10, `JobModifyIndex` 20): what these
/// imports and tests/import_had_running_earlier.rs run.
pub(crate) fn registered_two_groups() -> Value {
    let mut job = job_json("1.11.2", false);
    let mut h = job["TaskGroups"][0].clone();
    h["Name"] = json!("h");
    job["TaskGroups"]
        .as_array_mut()
        .expect("the fixture's groups")
        .push(h);
    job["Version"] = json!(1);
    job["CreateIndex"] = json!(10);
    job["JobModifyIndex"] = json!(20);
    job["ModifyIndex"] = json!(21);
    job
}
