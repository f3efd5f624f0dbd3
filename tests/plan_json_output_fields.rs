//! `plan -json-output` (Nomad 2.0.5, command/job_plan.go v2.0.5:157-171)
//! field by field for the demo's three kinds of plan: a group blocked by
//! its quota, a placement that preempts, an update in place.
//!
//! How Nomad writes the document: the CLI decodes the HTTP body into
//! api.JobPlanResponse (api/jobs.go v2.0.5:1534-1545) and encodes it with
//! go-msgpack v2.1.5's JsonHandle (command/data_format.go; 4-space indent).
//! Struct fields come sorted by name (go-msgpack codec/encode.go:707-709,
//! `sfiSort`), every api field written (`null` for a nil map, slice or
//! pointer, `{}` for an empty map the server made); map keys in Go's random
//! order, which ours sort. Reviewed per field:
//!
//! - FailedTGAllocs: api.AllocationMetric (api/allocations.go v2.0.5:293-311),
//!   filled by the servers' structs.AllocMetric (nomad/structs/alloc.go
//!   v2.0.5:1026-1091): `NodesAvailable`, `NodesInPool`, `NodePool` set after
//!   the select (scheduler/generic_sched.go v2.0.5:583-585),
//!   `ResourcesExhausted` by `ExhaustResources` (alloc.go :1155-1183,
//!   generic_sched.go :543-544, :696), `QuotaExhausted` by the quota
//!   (`ExhaustQuota`, alloc.go :1145-1151), the filter and exhaustion maps
//!   lazily (alloc.go :1113-1143), `Scores`/`ScoreMetaData` null for a
//!   failed select (no node reached normalization: scheduler/feasible/
//!   select.go v2.0.5:38-59, 97-114), `AllocationTime` the servers' wall
//!   time (scheduler/feasible/stack.go v2.0.5:204): 0 here, said on stderr.
//! - Annotations.PreemptedAllocs: api.AllocationListStub (api/allocations.go
//!   v2.0.5:392-419) of `stop.Stub(nil)` (generic_sched.go v2.0.5:950,
//!   nomad/structs/alloc.go :765-805): `AllocatedResources` nil, omitted
//!   (`omitempty`); the servers' and clients' records (EvalID,
//!   ClientDescription, TaskStates, DeploymentStatus, PreemptedAllocations,
//!   CreateTime, ModifyTime) empty here, said on stderr.
//! - Annotations.DesiredTGUpdates: api.DesiredUpdates (api/jobs.go
//!   v2.0.5), every counter; Diff: api.JobDiff; CreatedEvals null (a plan
//!   creates none); NextPeriodicLaunch the zero time.Time; Warnings one
//!   string.

use crate::common::{git, run_in, Out, TempDir};

/// The API fields of a failed group's metric at 2.0.5, in the codec's order.
const METRIC_FIELDS: [&str; 16] = [
    "AllocationTime",
    "ClassExhausted",
    "ClassFiltered",
    "CoalescedFailures",
    "ConstraintFiltered",
    "DimensionExhausted",
    "NodePool",
    "NodesAvailable",
    "NodesEvaluated",
    "NodesExhausted",
    "NodesFiltered",
    "NodesInPool",
    "QuotaExhausted",
    "ResourcesExhausted",
    "ScoreMetaData",
    "Scores",
];

/// The API fields of a preempted allocation's stub at 2.0.5 (its nil
/// `AllocatedResources` omitted), in the codec's order.
const STUB_FIELDS: [&str; 25] = [
    "ClientDescription",
    "ClientStatus",
    "CreateIndex",
    "CreateTime",
    "DeploymentStatus",
    "DesiredDescription",
    "DesiredStatus",
    "EvalID",
    "FollowupEvalID",
    "ID",
    "JobID",
    "JobType",
    "JobVersion",
    "ModifyIndex",
    "ModifyTime",
    "Name",
    "Namespace",
    "NextAllocation",
    "NodeID",
    "NodeName",
    "PreemptedAllocations",
    "PreemptedByAllocation",
    "RescheduleTracker",
    "TaskGroup",
    "TaskStates",
];

fn keys(v: &serde_json::Value) -> Vec<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn plan_2_0_5(dir: &std::path::Path, file: &str) -> (Out, serde_json::Value) {
    let out = run_in(
        dir,
        &[
            "--no-color",
            "plan",
            "--nomad-version",
            "2.0.5",
            "-json-output",
            file,
        ],
    );
    let doc = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("one JSON document ({e}): {}{}", out.stdout, out.stderr));
    (out, doc)
}

/// The folder committed as it is, on `main` of a new repository: the
/// versions the world runs.
fn commit_all(d: &TempDir) {
    git(&d.0, &["init", "-q", "-b", "main"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "running"]);
}

fn edit(d: &TempDir, file: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(d.0.join(file)).expect("read");
    assert!(text.contains(from), "{file} holds {from:?}");
    d.put(file, &text.replacen(from, to, 1));
}

/// (a) The demo's monitoring job in namespace default: the quota refuses
/// its one group. Quota is Enterprise (its iterator is not public): the
/// exhausted dimension text and the counts are the simulation's model of
/// it, as `nomad job plan`'s text prints them; what is public is checked.
#[test]
fn quota_blocked_monitoring_writes_every_metric_field() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (out, doc) = plan_2_0_5(root, "jobs/monitoring.nomad");
    assert_eq!(out.code, 1, "getExitCode: a diff: {}", out.stderr);
    let m = &doc["FailedTGAllocs"]["foundation"];
    assert_eq!(keys(m), METRIC_FIELDS, "{m}");
    assert_eq!(
        m["QuotaExhausted"],
        serde_json::json!(["cpu exhausted (3500 needed > 3000 limit)"])
    );
    // The job names no pool: the job endpoint's "default".
    assert_eq!(m["NodePool"], "default");
    // No node ran out of a resource: `ExhaustResources` leaves the map nil.
    assert_eq!(m["DimensionExhausted"], serde_json::Value::Null);
    assert_eq!(m["ResourcesExhausted"], serde_json::Value::Null);
    for null in ["Scores", "ScoreMetaData"] {
        assert_eq!(m[null], serde_json::Value::Null, "{null}");
    }
    assert!(
        out.stderr.contains(
            "FailedTGAllocs' AllocationTime (the servers' wall time for the select, in nanoseconds) is 0"
        ),
        "{}",
        out.stderr
    );
    crate::assert_snap!("plan_json_output_monitoring_quota", out.stdout);
}

/// (b) Carts 1 -> 3 with monitoring running in namespace monitor: the plan
/// preempts monitoring/foundation (the demo's step; rules/cluster.hcl).
#[test]
fn carts_preemption_writes_the_whole_stub() {
    let d = TempDir::demo("json-output-carts");
    d.put(
        "rules/namespaces/monitor.hcl",
        "name        = \"monitor\"\ndescription = \"monitoring\"\n",
    );
    edit(&d, "jobs/monitoring.nomad", "#namespace", "namespace");
    edit(
        &d,
        "rules/cluster.hcl",
        "  \"jobs/sockshopui.nomad\",\n",
        "  \"jobs/sockshopui.nomad\",\n  \"jobs/monitoring.nomad\",\n",
    );
    // The running versions come from HEAD (a job the world runs needs them).
    commit_all(&d);
    edit(
        &d,
        "jobs/sockshop.nomad",
        "group \"carts\" {\n    count = 1\n",
        "group \"carts\" {\n    count = 3\n",
    );
    let (out, doc) = plan_2_0_5(&d.0, "jobs/sockshop.nomad");
    assert_eq!(out.code, 1, "{}", out.stderr);
    let stubs = doc["Annotations"]["PreemptedAllocs"]
        .as_array()
        .unwrap_or_else(|| panic!("a preemption: {}", out.stdout));
    assert_eq!(stubs.len(), 1, "{}", out.stdout);
    let s = &stubs[0];
    assert_eq!(keys(s), STUB_FIELDS, "{s}");
    assert_eq!(s["Name"], "monitoring.foundation[0]");
    assert_eq!(s["Namespace"], "monitor");
    assert_eq!(s["JobType"], "service");
    assert_eq!(s["DesiredStatus"], "run");
    assert_eq!(s["ClientStatus"], "running");
    assert!(
        s["NodeName"].as_str().is_some_and(|n| n.starts_with("aws")),
        "{s}"
    );
    assert_eq!(
        doc["Annotations"]["DesiredTGUpdates"]["carts"]["Preemptions"],
        1
    );
    assert!(
        out.stderr.contains(
            "PreemptedAllocs' EvalID, ClientDescription, TaskStates, DeploymentStatus, PreemptedAllocations, CreateTime, ModifyTime"
        ),
        "{}",
        out.stderr
    );
    crate::assert_snap!("plan_json_output_carts_preemption", out.stdout);
}

/// (c) A service tag edited on the payment task: every allocation is
/// updated in place (the job's version changes), the payment task's diff
/// "forces in-place update" (scheduler/annotate.go v2.0.5:154-170), and
/// `getExitCode` counts no in-place update (command/job_plan.go
/// v2.0.5:416-429): exit 0. Nothing of this document is the servers' own
/// record, so no note.
#[test]
fn an_in_place_update_is_nomads_document_alone() {
    let d = TempDir::demo("json-output-in-place");
    commit_all(&d);
    edit(
        &d,
        "jobs/sockshop.nomad",
        "tags = [\"app\", \"payment\"]",
        "tags = [\"app\", \"payment\", \"v2\"]",
    );
    let (out, doc) = plan_2_0_5(&d.0, "jobs/sockshop.nomad");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let payment = &doc["Annotations"]["DesiredTGUpdates"]["payment"];
    assert_eq!(payment["InPlaceUpdate"], 1, "{payment}");
    assert_eq!(payment["DestructiveUpdate"], 0, "{payment}");
    let tasks = doc["Diff"]["TaskGroups"]
        .as_array()
        .and_then(|g| g.iter().find(|g| g["Name"] == "payment"))
        .map(|g| g["Tasks"][0]["Annotations"].clone());
    assert_eq!(tasks, Some(serde_json::json!(["forces in-place update"])));
    assert_eq!(doc["FailedTGAllocs"], serde_json::Value::Null);
    assert_eq!(
        doc["Annotations"]["PreemptedAllocs"],
        serde_json::Value::Null
    );
    assert!(!out.stderr.contains("-json-output"), "{}", out.stderr);
    crate::assert_snap!("plan_json_output_payment_in_place", out.stdout);
}
