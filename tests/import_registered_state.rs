//! What a real cluster holds besides running jobs and live allocations,
//! read from an import as Nomad's plan reads it:
//! - a stopped job (`Stop: true`, `nomad job stop` without `-purge`) is
//!   still registered: Nomad's plan of its file diffs against it
//!   (`+/- Stop: "true" => "false"`) and names its JobModifyIndex
//!   (nomad/job_endpoint.go Plan, command/job_plan.go). It was skipped, so
//!   the plan showed a new job and `-check-index 0`. A purged job, whose
//!   terminal allocations still embed it, is no longer registered from
//!   them: its file plans as a new job;
//! - a terminal allocation the reconciler still reads (a failed one not
//!   replaced: its reschedule is due, delayed or spent) makes its job's
//!   plan unknown where the import cannot decide it; one it drops
//!   (replaced, completed service, server-stopped) does not. A batch
//!   job's terminal allocations: tests/import_batch.rs;
//! - a service job's latest deployment of its registered version, in
//!   progress or failed, makes a plan that keeps the version unknown
//!   (the reconciler limits placements by it); a plan that changes the job
//!   is simulated (Nomad cancels the deployment). Without
//!   deployments.json, a job whose allocations a deployment placed is
//!   unknown the same way.
//!
//! The job JSON (tests/fixtures/import-registered/web-2.0.5.json) is the
//! stored form of [`JOB`] at 2.0.5, as tests/api_job_import.rs builds it.

use crate::common;

use common::{run_in, TempDir};
use serde_json::{json, Value};

/// The job file whose stored form the fixture is.
const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25\"\n      }\n    }\n  }\n}\n";

const NODE_ID: &str = "0c1b2c3d-0000-4000-8000-000000000001";

fn node() -> String {
    nodes(&[NODE_ID])
}

/// nodes.json with one alike client per ID.
fn nodes(ids: &[&str]) -> String {
    let one = |(i, id): (usize, &&str)| {
        format!(
            r#"{{"ID": "{id}", "Name": "n{n}", "Datacenter": "dc1",
  "NodePool": "default", "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
  "Attributes": {{"kernel.name": "linux", "cpu.arch": "amd64"}},
  "Drivers": {{"docker": {{"Detected": true, "Healthy": true}}}},
  "NodeResources": {{"Cpu": {{"CpuShares": 4000}}, "Memory": {{"MemoryMB": 4000}}, "Disk": {{"DiskMB": 10000}},
    "Networks": [{{"Mode": "host", "Device": "eth0", "IP": "10.0.0.{n}", "MBits": 1000}}]}}}}"#,
            n = i + 1
        )
    };
    format!(
        "[{}]",
        ids.iter()
            .enumerate()
            .map(one)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The registered job's JSON with `patch` merged in.
fn job_json(patch: Value) -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/import-registered/web-2.0.5.json"
    );
    let mut j: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    if let (Some(o), Value::Object(p)) = (j.as_object_mut(), patch) {
        o.extend(p);
    }
    j
}

/// One allocation of `job` (its JSON) on the node, with `fields` merged in.
fn alloc(n: u32, job: &Value, fields: Value) -> Value {
    let mut a = json!({
        "ID": format!("a{n:07}-0000-4000-8000-000000000000"),
        "Namespace": "default", "Name": "web.g[0]", "NodeID": NODE_ID,
        "JobID": "web", "Job": job, "TaskGroup": "g",
        "JobVersion": job["Version"],
        "AllocatedResources": {"Tasks": {"t": {"Cpu": {"CpuShares": 100}, "Memory": {"MemoryMB": 300}}},
            "TaskLifecycles": {"t": null}, "Shared": {"DiskMB": 300}},
        "DesiredStatus": "run", "ClientStatus": "running",
        "CreateIndex": 30, "ModifyIndex": 30
    });
    if let (Some(o), Value::Object(p)) = (a.as_object_mut(), fields) {
        o.extend(p);
    }
    a
}

/// A whole 2.0.5 import holding `job` (under jobs/) and `allocs`.
fn import(tag: &str, job: &Value, allocs: &[Value]) -> TempDir {
    let d = TempDir::new(tag);
    d.put("import/nodes.json", &node());
    d.put(
        "import/agent-self.json",
        r#"{"member": {"Tags": {"build": "2.0.5", "region": "global"}}}"#,
    );
    d.put("import/jobs/default/web.json", &job.to_string());
    d.put(
        "import/allocations.json",
        &Value::Array(allocs.to_vec()).to_string(),
    );
    d.put("import/deployments.json", "[]");
    d.import_rest("import");
    d.put("web.nomad", JOB);
    d.put("web2.nomad", &JOB.replace("nginx:1.25", "nginx:1.26"));
    d
}

fn plan(d: &TempDir, file: &str) -> common::Out {
    run_in(&d.0, &["plan", "--world", "import", file])
}

fn assert_has(o: &common::Out, want: &str) {
    assert!(
        o.stdout.contains(want),
        "want:\n{want}\ngot:\n{}{}",
        o.stdout,
        o.stderr
    );
}

/// The one `error:` line of an unknown plan, exit 255, no Nomad text.
fn unknown_line(o: &common::Out) -> String {
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "no Nomad text: {}", o.stdout);
    let errors: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{}", o.stderr);
    errors[0].to_string()
}

#[test]
fn the_running_fixture_is_the_job_file() {
    let job = job_json(json!({}));
    let d = import("registered-running", &job, &[alloc(1, &job, json!({}))]);
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_has(&o, "Task Group: \"g\" (1 ignore)");
    assert_has(&o, "nomad job run -check-index 11 web.nomad");
}

/// The plan of the stopped job's file: the job is edited back to running
/// and its allocation placed again.
fn assert_unstops(o: &common::Out) {
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .starts_with("+/- Job: \"web\"\n+/- Stop: \"true\" => \"false\"\n"),
        "{}",
        o.stdout
    );
    assert_has(o, "Task Group: \"g\" (1 create)");
}

#[test]
fn a_stopped_job_plans_against_its_stopped_version_and_index() {
    let job = job_json(json!({
        "Stop": true, "Status": "dead", "Version": 1,
        "ModifyIndex": 45, "JobModifyIndex": 42
    }));
    // Its allocation the stop stopped: terminal, so it holds nothing.
    let stopped = alloc(
        1,
        &job_json(json!({})),
        json!({"JobVersion": 0, "DesiredStatus": "stop", "ClientStatus": "complete"}),
    );
    let d = import("registered-stopped", &job, &[stopped]);
    let o = plan(&d, "web.nomad");
    assert_unstops(&o);
    assert_has(&o, "Job Modify Index: 42\n");
    assert_has(&o, "nomad job run -check-index 42 web.nomad");
    // The written world says the job is stopped (its file cannot), and
    // plans it the same way.
    let w = run_in(&d.0, &["import", "import", "--write", "out/rules"]);
    assert_eq!(w.code, 0, "{}{}", w.stdout, w.stderr);
    let cluster = std::fs::read_to_string(d.0.join("out/rules/cluster.hcl")).expect("written");
    assert!(
        cluster.contains("running_job \"jobs/web.nomad\" {\n  stopped = true\n}"),
        "{cluster}"
    );
    d.put("out/web.nomad", JOB);
    let o = run_in(&d.0.join("out"), &["plan", "--world", "rules", "web.nomad"]);
    assert_unstops(&o);
}

/// 2024-06-01T12:00:00Z in Unix nanoseconds: when the allocations fail.
const FAILED_AT: i64 = 1_717_243_200_000_000_000;

/// The allocation failed at [`FAILED_AT`] (its task's `FinishedAt`, as
/// `/v1/allocations` lists it), not replaced, with `tracker`.
fn failed_alloc(job: &Value, tracker: Value) -> Value {
    alloc(
        1,
        job,
        json!({"ClientStatus": "failed", "ModifyTime": FAILED_AT + 5_000_000,
               "TaskStates": {"t": {"State": "dead", "Failed": true,
                                    "FinishedAt": "2024-06-01T12:00:00Z"}},
               "FollowupEvalID": "", "NextAllocation": "", "RescheduleTracker": tracker}),
    )
}

#[test]
fn a_failed_allocation_due_to_reschedule_is_stopped_and_replaced() {
    // The stored default service policy: unlimited, 30s exponential.
    // Saved 31s after the failure, the reschedule (at +30s) is due.
    let job = job_json(json!({}));
    let d = import(
        "registered-failed-now",
        &job,
        &[failed_alloc(&job, Value::Null)],
    );
    d.put("import/saved-at.txt", "2024-06-01T12:00:31Z\n");
    let o = plan(&d, "web.nomad");
    // filterByRescheduleable puts it in rescheduleNow; placeAllocs stops
    // it and places its replacement. The spec is unchanged (diff None):
    // exit 0.
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_has(&o, "Task Group: \"g\" (1 create, 1 destroy)");
    let o = plan(&d, "web2.nomad");
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert_has(&o, "Task Group: \"g\" (1 create, 1 destroy)");
    // 29s after (within the 1s window of +30s): due too.
    d.put("import/saved-at.txt", "2024-06-01T12:00:29Z");
    assert_has(&plan(&d, "web.nomad"), "(1 create, 1 destroy)");
}

#[test]
fn a_failed_allocation_whose_reschedule_waits_stays_counted() {
    let job = job_json(json!({}));
    let d = import(
        "registered-failed-later",
        &job,
        &[failed_alloc(&job, Value::Null)],
    );
    // Saved 10s after the failure: the reschedule waits for its follow-up
    // evaluation (+30s); the plan places nothing for it.
    d.put("import/saved-at.txt", "2024-06-01T12:00:10Z");
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_has(&o, "Task Group: \"g\" (1 ignore)");
    // A destructive change replaces it as any kept allocation.
    let o = plan(&d, "web2.nomad");
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert_has(&o, "Task Group: \"g\" (1 create/destroy update)");
    // allocations.hcl pins live allocations: `import --write` says so.
    let w = run_in(&d.0, &["import", "import", "--write", "out"]);
    assert_eq!(w.code, 0, "{}{}", w.stdout, w.stderr);
    assert!(
        w.stderr
            .contains("1 failed allocations Nomad has not replaced yet are not written"),
        "{}",
        w.stderr
    );
    // The second reschedule waits twice the first delay (60s after the
    // failure at +0s): still waiting 40s after it.
    let tracker = json!({"Events": [{"RescheduleTime": FAILED_AT - 600_000_000_000,
        "PrevAllocID": "a0000000-0000-4000-8000-000000000000",
        "PrevNodeID": NODE_ID, "Delay": 30_000_000_000_i64}], "LastReschedule": "ok"});
    let d = import(
        "registered-failed-exp",
        &job,
        &[failed_alloc(&job, tracker)],
    );
    d.put("import/saved-at.txt", "2024-06-01T12:00:40Z");
    assert_has(&plan(&d, "web.nomad"), "Task Group: \"g\" (1 ignore)");
    d.put("import/saved-at.txt", "2024-06-01T12:01:00Z");
    assert_has(&plan(&d, "web.nomad"), "(1 create, 1 destroy)");
}

#[test]
fn a_failed_allocation_with_its_attempts_spent_stays_counted() {
    // attempts = 1 within 1h, one reschedule 10 minutes before: spent,
    // whatever the time, so no saved time is needed.
    let mut job = job_json(json!({}));
    job["TaskGroups"][0]["ReschedulePolicy"] = json!({"Attempts": 1,
        "Interval": 3_600_000_000_000_i64, "Delay": 30_000_000_000_i64,
        "DelayFunction": "constant", "MaxDelay": 3_600_000_000_000_i64, "Unlimited": false});
    let tracker = json!({"Events": [{"RescheduleTime": FAILED_AT - 600_000_000_000,
        "PrevAllocID": "a0000000-0000-4000-8000-000000000000",
        "PrevNodeID": NODE_ID, "Delay": 30_000_000_000_i64}], "LastReschedule": "ok"});
    let d = import(
        "registered-failed-spent",
        &job,
        &[failed_alloc(&job, tracker)],
    );
    d.put("web.nomad", &JOB.replace(
        "  group \"g\" {\n",
        "  group \"g\" {\n    reschedule {\n      attempts       = 1\n      interval       = \"1h\"\n      delay          = \"30s\"\n      delay_function = \"constant\"\n      unlimited      = false\n    }\n",
    ));
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    // The file is the stored spec (no diff): the version is kept.
    assert!(
        o.stdout
            .starts_with("Job: \"web\"\nTask Group: \"g\" (1 ignore)\n"),
        "{}",
        o.stdout
    );
}

#[test]
fn a_failed_allocation_is_unknown_only_when_the_import_cannot_say() {
    let job = job_json(json!({}));
    let d = import(
        "registered-failed",
        &job,
        &[failed_alloc(&job, Value::Null)],
    );
    // No saved time: whether +30s is past cannot be known.
    let line = unknown_line(&plan(&d, "web.nomad"));
    assert_eq!(
        line,
        "error: job \"web\" has an allocation in a state nomad-preflight does not simulate (allocation a0000001-0000-4000-8000-000000000000 is failed and not replaced yet, and its reschedule is due at 2024-06-01T12:00:30Z: whether that is past depends on when the import was saved, which it does not say (saved-at.txt)), so its plan cannot be known"
    );
    // An edit does not help: the reconciler reads it for any version.
    unknown_line(&plan(&d, "web2.nomad"));
    // A saved time that is not one is refused, never guessed.
    d.put("import/saved-at.txt", "noon");
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("saved-at.txt must hold the time the import was saved, in RFC 3339"),
        "{}",
        o.stderr
    );
    // Replaced (NextAllocation), it is dropped: the replacement runs.
    let replaced = alloc(
        1,
        &job,
        json!({"ClientStatus": "failed", "NextAllocation": "a0000002-0000-4000-8000-000000000000"}),
    );
    let next = alloc(2, &job, json!({"CreateIndex": 40, "ModifyIndex": 40}));
    let d = import("registered-replaced", &job, &[replaced, next]);
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_has(&o, "Task Group: \"g\" (1 ignore)");
    // A completed service allocation is dropped too.
    let done = alloc(1, &job, json!({"ClientStatus": "complete"}));
    let d = import("registered-complete", &job, &[done]);
    let o = plan(&d, "web.nomad");
    // The spec is unchanged (diff `None`): exit 0 though it places.
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_has(&o, "Task Group: \"g\" (1 create)");
}

#[test]
fn a_stopped_allocation_whose_last_reschedule_found_no_node_is_unknown() {
    // The follow-up evaluation found no node: the server stops the
    // allocation and writes `no placement` (structs
    // LastRescheduleFailedToPlace). From 1.8.1 shouldFilter reads it again
    // (LastRescheduleFailed: set and not `ok`), so it is not dropped.
    let job = job_json(json!({}));
    let tracker = json!({"Events": [{"RescheduleTime": FAILED_AT,
        "PrevAllocID": "a0000000-0000-4000-8000-000000000000",
        "PrevNodeID": NODE_ID, "Delay": 30_000_000_000_i64}], "LastReschedule": "no placement"});
    let mut stopped = failed_alloc(&job, tracker);
    stopped["DesiredStatus"] = json!("stop");
    let d = import("registered-no-placement", &job, &[stopped]);
    let line = unknown_line(&plan(&d, "web.nomad"));
    assert!(
        line.contains("is stopped after its last reschedule failed, so Nomad tries it again"),
        "{line}"
    );
    // `ok`: the last reschedule placed its replacement; the stopped one
    // is dropped, and its name is placed again.
    let tracker = json!({"Events": null, "LastReschedule": "ok"});
    let mut stopped = failed_alloc(&job, tracker);
    stopped["DesiredStatus"] = json!("stop");
    let d = import("registered-ok", &job, &[stopped]);
    assert_has(&plan(&d, "web.nomad"), "Task Group: \"g\" (1 create)");
}

/// deployments.json as `/v1/deployments` lists it: one deployment of the
/// registered version (0, created at index 11) in `status`.
fn deployment(status: &str) -> String {
    json!([{
        "ID": "d0000001-0000-4000-8000-000000000000", "Namespace": "default",
        "JobID": "web", "JobVersion": 0, "JobCreateIndex": 11, "JobModifyIndex": 11,
        "Status": status, "CreateIndex": 12, "ModifyIndex": 13
    }])
    .to_string()
}

#[test]
fn a_deployment_of_the_registered_version_makes_an_unchanged_plan_unknown() {
    let job = job_json(json!({}));
    let placed = alloc(
        1,
        &job,
        json!({"DeploymentID": "d0000001-0000-4000-8000-000000000000",
               "DeploymentStatus": {"Healthy": true, "Canary": false}}),
    );
    for status in ["running", "paused", "failed"] {
        let d = import(
            &format!("registered-dep-{status}"),
            &job,
            std::slice::from_ref(&placed),
        );
        d.put("import/deployments.json", &deployment(status));
        let o = plan(&d, "web.nomad");
        let line = unknown_line(&o);
        assert_eq!(
            line,
            format!("error: job \"web\" is planned unchanged, and Nomad's reconciler reads its deployment, which nomad-preflight does not simulate (deployment d0000001-0000-4000-8000-000000000000 of version 0 is {status}), so its plan cannot be known")
        );
        assert!(o.stderr.contains("import::deployment"), "{}", o.stderr);
        // A change makes a new version: Nomad cancels the deployment.
        let o = plan(&d, "web2.nomad");
        assert_eq!(o.code, 1, "{status}: {}{}", o.stdout, o.stderr);
        assert_has(&o, "Task Group: \"g\" (1 create/destroy update)");
        // `import --write` refuses to state the deployment away.
        let w = run_in(&d.0, &["import", "import", "--write", "out"]);
        assert_eq!(w.code, 2, "{}{}", w.stdout, w.stderr);
    }
    // A finished deployment is not read.
    let d = import("registered-dep-done", &job, std::slice::from_ref(&placed));
    d.put("import/deployments.json", &deployment("successful"));
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    // Without deployments.json, the deployment that placed the
    // allocations may be in progress.
    std::fs::remove_file(d.0.join("import/deployments.json")).expect("removed");
    let line = unknown_line(&plan(&d, "web.nomad"));
    assert!(
        line.contains("(deployments.json is not saved, and deployment d0000001-0000-4000-8000-000000000000 placed its allocations: whether it is still in progress is unknown)"),
        "{line}"
    );
    // A job no deployment placed has none to read.
    let d = import("registered-dep-none", &job, &[alloc(1, &job, json!({}))]);
    std::fs::remove_file(d.0.join("import/deployments.json")).expect("removed");
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}

/// A hand-written world says the same with `running_job { stopped = true
/// }`: the job is registered, stopped, and replayed without placements.
#[test]
fn a_world_file_says_a_job_is_stopped() {
    let d = TempDir::new("registered-world-stopped");
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"2.0.5\"\nclient \"edge\" {\n  cpu     = 4000\n  memory  = 8192\n  disk    = 10000\n  drivers = [\"docker\"]\n}\nrunning = [\"jobs/web.nomad\"]\n\nrunning_job \"jobs/web.nomad\" {\n  stopped = true\n}\n",
    );
    d.put("jobs/web.nomad", JOB);
    d.put("web.nomad", JOB);
    let o = run_in(&d.0, &["plan", "--world", "rules", "web.nomad"]);
    assert_unstops(&o);
    // `--running FILE` names the running text; the world still says it
    // is stopped.
    let o = run_in(
        &d.0,
        &[
            "plan",
            "--world",
            "rules",
            "--running",
            "jobs/web.nomad",
            "jobs/web.nomad",
        ],
    );
    assert_unstops(&o);
    // Without the flag the job runs: nothing changes.
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"2.0.5\"\nclient \"edge\" {\n  cpu     = 4000\n  memory  = 8192\n  disk    = 10000\n  drivers = [\"docker\"]\n}\nrunning = [\"jobs/web.nomad\"]\n",
    );
    let o = run_in(&d.0, &["plan", "--world", "rules", "web.nomad"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_has(&o, "Task Group: \"g\" (1 ignore)");
}

/// A purged job (`nomad job stop -purge`) is gone from jobs/, but its
/// terminal allocations wait for garbage collection, each embedding it:
/// it is not registered, so its file plans as a new job, as Nomad's does.
/// It was registered from the allocations, and diffed against.
#[test]
fn a_purged_job_plans_as_a_new_job() {
    let job = job_json(json!({"Version": 2, "JobModifyIndex": 42}));
    let stopped = alloc(
        1,
        &job,
        json!({"DesiredStatus": "stop", "ClientStatus": "complete"}),
    );
    let d = import("registered-purged", &job, &[stopped]);
    std::fs::remove_file(d.0.join("import/jobs/default/web.json")).expect("removed");
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.starts_with("+ Job: \"web\"\n"), "{}", o.stdout);
    assert_has(&o, "Task Group: \"g\" (1 create)");
    assert_has(&o, "nomad job run -check-index 0 web.nomad");
}

const NODE_2: &str = "0c1b2c3d-0000-4000-8000-000000000002";

/// The fixture as a system job stored by `release` (api Job.Canonicalize):
/// no reschedule or migrate policy; from 1.11 the job gets Nomad's default
/// update strategy (#26777), which every group inherits merged, before
/// none at all (the servers keep a zero Stagger and MaxParallel).
fn system_json(release: &str) -> Value {
    let mut j = job_json(json!({"Type": "system"}));
    let g = &mut j["TaskGroups"][0];
    g["ReschedulePolicy"] = Value::Null;
    g["Migrate"] = Value::Null;
    if release != "2.0.5" {
        j["Update"] = json!({"Stagger": 0, "MaxParallel": 0, "HealthCheck": "", "MinHealthyTime": 0,
            "HealthyDeadline": 0, "ProgressDeadline": 0, "Canary": 0, "AutoRevert": false, "AutoPromote": false});
        j["TaskGroups"][0]["Update"] = Value::Null;
    }
    j
}

/// A system job running on both nodes under `release`.
fn system_import(tag: &str, release: &str) -> TempDir {
    let job = system_json(release);
    let on = |n: u32, node: &str| alloc(n, &job, json!({"NodeID": node, "JobType": "system"}));
    let d = import(tag, &job, &[on(1, NODE_ID), on(2, NODE_2)]);
    d.put("import/nodes.json", &nodes(&[NODE_ID, NODE_2]));
    d.put(
        "import/agent-self.json",
        &format!(r#"{{"member": {{"Tags": {{"build": "{release}", "region": "global"}}}}}}"#),
    );
    let sys = |text: &str| text.replace("job \"web\" {\n", "job \"web\" {\n  type = \"system\"\n");
    d.put("web.nomad", &sys(JOB));
    d.put("web2.nomad", &sys(&JOB.replace("nginx:1.25", "nginx:1.26")));
    d
}

/// From 1.11 an unchanged system job reads as Nomad stores it (its default
/// update is no change), and the system scheduler annotates every
/// candidate node as a placement (scheduler_system.go computeJobAllocs:
/// `DesiredTGUpdates[tg].Place = tgCandidateNodeCounts[tg]`, the ignored
/// allocations included). Before 1.11 it is ignored alone.
#[test]
fn an_unchanged_system_job_counts_its_nodes_as_candidates_from_1_11() {
    let d = system_import("registered-system-2.0.5", "2.0.5");
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .starts_with("Job: \"web\"\nTask Group: \"g\" (2 create, 2 ignore)\n"),
        "{}",
        o.stdout
    );
    assert_has(&o, "nomad job run -check-index 11 web.nomad");
    let d = system_import("registered-system-1.10.5", "1.10.5");
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .starts_with("Job: \"web\"\nTask Group: \"g\" (2 ignore)\n"),
        "{}",
        o.stdout
    );
}

/// From 1.11 the default update rolls one node at a time (evictAndPlace
/// limits by the group's max_parallel, 1), with no stagger and no
/// follow-up evaluation; the annotation still counts both updates. Before,
/// a system job written without `update` has none: both at once.
#[test]
fn a_changed_system_job_rolls_one_node_at_a_time_from_1_11() {
    let d = system_import("registered-system-change-2.0.5", "2.0.5");
    let o = plan(&d, "web2.nomad");
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert_has(
        &o,
        "+/- Task Group: \"g\" (2 create, 2 create/destroy update)",
    );
    assert!(!o.stdout.contains("Rolling update"), "{}", o.stdout);
    assert_eq!(placements(&d), 1, "one node at a time");
    let d = system_import("registered-system-change-1.10.5", "1.10.5");
    let o = plan(&d, "web2.nomad");
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert_has(&o, "+/- Task Group: \"g\" (2 create/destroy update)");
    assert_eq!(placements(&d), 2, "both nodes at once");
}

/// How many allocations the plan of web2.nomad places (`--format json`).
fn placements(d: &TempDir) -> usize {
    let o = run_in(
        &d.0,
        &[
            "plan",
            "--world",
            "import",
            "--format",
            "json",
            "web2.nomad",
        ],
    );
    let v: Value = serde_json::from_str(&o.stdout).unwrap_or_default();
    v["Preflight"]["Placements"]
        .as_array()
        .map_or(usize::MAX, Vec::len)
}
