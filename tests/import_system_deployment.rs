//! stop55-note item 4: a system job's deployment in an import. From
//! 1.11.2 `evictAndPlace` lowers a group's replacement limit by each
//! allocation the diff ignores that the job's latest deployment placed and
//! whose health is not yet set (scheduler/scheduler_system.go
//! v1.11.2:707-722, v2.0.5:709-724; absent in v1.11.1:690-716). A plan
//! that keeps the registered version while a rollout is under way (an
//! allocation of the registered version beside one of an older version)
//! reads it, and the import does not read allocation health: the plan is
//! a guess (`import::deployment`, exit 255), as a service job's is. A plan
//! that changes the job updates every allocation (ignores none): simulated.

use crate::common;
use crate::import_system_disconnect::{alloc, job_file, job_json, node, NODE2};

use common::batch::NODE_ID;
use common::{run_in, Out, TempDir};
use serde_json::{json, Value};

/// Node 1 runs the registered version 1 (nginx:1.25), placed by deployment
/// `d1` with health `healthy` (null: not yet set); node 2 still runs
/// version 0 (nginx:1.24).
fn import(tag: &str, release: &str, deployment_status: &str, healthy: Value) -> TempDir {
    let mut job = job_json(release, false);
    job["Version"] = json!(1);
    job["JobModifyIndex"] = json!(20);
    job["ModifyIndex"] = json!(20);
    let mut old = job_json(release, false);
    old["TaskGroups"][0]["Tasks"][0]["Config"]["image"] = json!("nginx:1.24");
    let allocs = [
        alloc(
            1,
            NODE_ID,
            &job,
            json!({"DeploymentID": "d1000000-0000-4000-8000-000000000000",
                "DeploymentStatus": {"Healthy": healthy, "Canary": false}}),
        ),
        alloc(2, NODE2, &old, json!({})),
    ];
    let d = TempDir::new(tag);
    let nodes = json!([node(NODE_ID, "n1", "ready"), node(NODE2, "n2", "ready")]);
    d.put("import/nodes.json", &nodes.to_string());
    d.put(
        "import/agent-self.json",
        &format!(r#"{{"member": {{"Tags": {{"build": "{release}", "region": "global"}}}}}}"#),
    );
    d.put("import/jobs/default/web.json", &job.to_string());
    d.put(
        "import/allocations.json",
        &Value::Array(allocs.to_vec()).to_string(),
    );
    let deployment = json!([{"ID": "d1000000-0000-4000-8000-000000000000", "Namespace": "default",
        "JobID": "web", "JobVersion": 1, "JobCreateIndex": job["CreateIndex"],
        "Status": deployment_status, "CreateIndex": 60, "ModifyIndex": 61}]);
    d.put("import/deployments.json", &deployment.to_string());
    d.put("import/saved-at.txt", "2024-06-01T12:00:31Z\n");
    d.import_rest("import");
    d.put("web.nomad", &job_file("", "nginx:1.25"));
    d.put("web2.nomad", &job_file("", "nginx:1.26"));
    d
}

fn plan(d: &TempDir, file: &str) -> Out {
    run_in(&d.0, &["plan", "--world", "import", file])
}

/// 2.0.5, deployment running: the unchanged plan is a guess. Fails on
/// c3b2303d, which planned it ("1 create/destroy update") as if the
/// deployment limited nothing.
#[test]
fn an_unchanged_plan_mid_rollout_reads_the_deployment() {
    let d = import("sys-deploy-205", "2.0.5", "running", Value::Null);
    let o = plan(&d, "web.nomad");
    let all = format!("{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 255, "{all}");
    assert!(o.stderr.contains("reads its deployment"), "{all}");
    assert!(!o.stdout.contains("Task Group"), "{all}");
}

/// Guard: a changed job updates both allocations; nothing is ignored, so
/// the deployment limits nothing and the plan is simulated.
#[test]
fn a_changed_plan_is_simulated() {
    let d = import("sys-deploy-205-changed", "2.0.5", "running", Value::Null);
    let o = plan(&d, "web2.nomad");
    let all = format!("{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 1, "{all}");
    assert!(!o.stderr.contains("cannot tell"), "{all}");
    assert!(o.stdout.contains("Task Group: \"g\""), "{all}");
}

/// Guard: 1.11.1's evictAndPlace reads no deployment; a deployment that
/// succeeded is not read; an allocation whose health is set lowers no
/// limit.
#[test]
fn before_1_11_2_after_success_or_once_healthy_it_is_simulated() {
    let cases = [
        ("1.11.1", "running", Value::Null),
        ("2.0.5", "successful", Value::Null),
        ("2.0.5", "running", json!(true)),
    ];
    for (release, status, healthy) in cases {
        let tag = format!("sys-deploy-{release}-{status}-{healthy}");
        let d = import(&tag, release, status, healthy);
        let o = plan(&d, "web.nomad");
        let all = format!("{}{}", o.stdout, o.stderr);
        assert!(
            !o.stderr.contains("cannot tell"),
            "{release} {status}: {all}"
        );
        assert!(o.stdout.contains("Task Group: \"g\""), "{all}");
    }
}
