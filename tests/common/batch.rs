//! The batch import tests' helpers (import_batch*.rs): a one-node import
//! of the batch job [`JOB`] (its stored form a fixture under
//! tests/fixtures/import-batch, per release), its allocations, and the
//! group line a plan prints.

use super::{run_in, Out, TempDir};
use serde_json::{json, Value};

/// The job file whose stored form the fixture is.
pub const JOB: &str = "job \"web\" {\n  type = \"batch\"\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25\"\n      }\n    }\n  }\n}\n";

pub const NODE_ID: &str = "0c1b2c3d-0000-4000-8000-000000000001";

pub fn nodes() -> String {
    format!(
        r#"[{{"ID": "{NODE_ID}", "Name": "n1", "Datacenter": "dc1",
  "NodePool": "default", "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
  "Attributes": {{"kernel.name": "linux", "cpu.arch": "amd64"}},
  "Drivers": {{"docker": {{"Detected": true, "Healthy": true}}}},
  "NodeResources": {{"Cpu": {{"CpuShares": 4000}}, "Memory": {{"MemoryMB": 4000}}, "Disk": {{"DiskMB": 10000}},
    "Networks": [{{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "MBits": 1000}}]}}}}]"#
    )
}

/// The registered batch job's JSON at 2.0.5 with `patch` merged in.
pub fn job_json(patch: Value) -> Value {
    job_json_in("web-batch-2.0.5.json", patch)
}

/// The fixture `file` (under tests/fixtures/import-batch) with `patch`
/// merged in.
pub fn job_json_in(file: &str, patch: Value) -> Value {
    let path = format!(
        "{}/tests/fixtures/import-batch/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut j: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    if let (Some(o), Value::Object(p)) = (j.as_object_mut(), patch) {
        o.extend(p);
    }
    j
}

/// A task that ran to its end: `dead`, `failed` as said.
pub fn finished(failed: bool) -> Value {
    json!({"t": {"State": "dead", "Failed": failed, "FinishedAt": "2024-06-01T12:00:00Z"}})
}

/// Allocation `n` (name index `idx`) of `job` on the node, finished well,
/// with `fields` merged in.
pub fn alloc(n: u32, idx: u32, job: &Value, fields: Value) -> Value {
    let mut a = json!({
        "ID": format!("a{n:07}-0000-4000-8000-000000000000"),
        "Namespace": "default", "Name": format!("web.g[{idx}]"), "NodeID": NODE_ID,
        "JobID": "web", "Job": job, "TaskGroup": "g", "JobType": "batch",
        "JobVersion": job["Version"],
        "AllocatedResources": {"Tasks": {"t": {"Cpu": {"CpuShares": 100}, "Memory": {"MemoryMB": 300}}},
            "TaskLifecycles": {"t": null}, "Shared": {"DiskMB": 300}},
        "DesiredStatus": "run", "ClientStatus": "complete", "TaskStates": finished(false),
        "NextAllocation": "", "FollowupEvalID": "",
        "CreateIndex": 30 + n, "ModifyIndex": 40 + n,
        "ModifyTime": 1_717_243_200_000_000_000_i64
    });
    if let (Some(o), Value::Object(p)) = (a.as_object_mut(), fields) {
        o.extend(p);
    }
    a
}

/// A whole import of `build` holding `job` (under jobs/) and `allocs`,
/// saved at 12:00:31, 31s after the allocations finished.
pub fn import(tag: &str, build: &str, job: &Value, allocs: &[Value]) -> TempDir {
    let d = TempDir::new(tag);
    d.put("import/nodes.json", &nodes());
    d.put(
        "import/agent-self.json",
        &format!(r#"{{"member": {{"Tags": {{"build": "{build}", "region": "global"}}}}}}"#),
    );
    d.put("import/jobs/default/web.json", &job.to_string());
    d.put(
        "import/allocations.json",
        &Value::Array(allocs.to_vec()).to_string(),
    );
    d.put("import/deployments.json", "[]");
    d.put("import/saved-at.txt", "2024-06-01T12:00:31Z\n");
    let id = job["ID"].as_str().unwrap_or("web");
    let parent = !job["Periodic"].is_null() || !job["ParameterizedJob"].is_null();
    d.put(
        &format!(
            "import/job-summaries/default/{}.json",
            id.replace('/', "%2F")
        ),
        &summary(id, parent, allocs),
    );
    d.import_rest("import");
    d.put("web.nomad", JOB);
    d.put("web2.nomad", &JOB.replace("nginx:1.25", "nginx:1.26"));
    d.put(
        "web3.nomad",
        &JOB.replace("group \"g\" {\n", "group \"g\" {\n    count = 3\n"),
    );
    d
}

/// `/v1/job/:id/summary` of job `id` whose allocations are `allocs`,
/// which no garbage collection has thinned: group `g`'s counts by client
/// status; a periodic or parameterized `parent` counts no children.
pub fn summary(id: &str, parent: bool, allocs: &[Value]) -> String {
    let count = |status: &str| {
        allocs
            .iter()
            .filter(|a| a["ClientStatus"] == status)
            .count()
    };
    let children = parent.then(|| json!({"Pending": 0, "Running": 0, "Dead": 0}));
    json!({"JobID": id, "Namespace": "default", "Summary": {"g": {
        "Queued": 0, "Starting": count("pending"), "Running": count("running"),
        "Failed": count("failed"), "Complete": count("complete"), "Lost": count("lost"),
        "Unknown": count("unknown")}}, "Children": children})
    .to_string()
}

pub fn plan(d: &TempDir, file: &str) -> Out {
    run_in(&d.0, &["plan", "--world", "import", file])
}

/// `file` plans with exit `code` and the group line `group`.
pub fn assert_plan(d: &TempDir, file: &str, code: i32, group: &str) {
    let o = plan(d, file);
    assert_eq!(o.code, code, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains(&format!("Task Group: \"g\" ({group})\n")),
        "want ({group}), got:\n{}{}",
        o.stdout,
        o.stderr
    );
}

/// Allocation 1, failed at 12:00:00 with `tracker`, not replaced.
pub fn failed(job: &Value, tracker: Value) -> Value {
    alloc(
        1,
        0,
        job,
        json!({"ClientStatus": "failed", "TaskStates": finished(true), "RescheduleTracker": tracker}),
    )
}

/// `file` plans as the import's registered job: its diff is None, the
/// first line names the job (`Job: "web"`), no `+/-`.
pub fn assert_the_file_is_the_job(d: &TempDir, file: &str) {
    let o = plan(d, file);
    assert!(
        o.stdout.starts_with("Job: \"web\"\n"),
        "the file is the job: {}{}",
        o.stdout,
        o.stderr
    );
}

/// `file` plans with no allocation of the import called unknown (no
/// `alloc-state` finding).
pub fn assert_allocs_read(d: &TempDir, file: &str) {
    let o = plan(d, file);
    assert!(!o.stderr.contains("alloc-state"), "{}", o.stderr);
}

/// `file` does not plan: exit 255, none of Nomad's text on stdout, and
/// stderr holds `says` ("cannot tell" and why, or Nomad's refusal).
pub fn assert_no_plan(d: &TempDir, file: &str, says: &str) {
    let o = plan(d, file);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "no Nomad text: {}", o.stdout);
    assert!(o.stderr.contains(says), "want {says:?}: {}", o.stderr);
}

/// [`import`] at 2.0.5 of the fixture's job as it is, with one finished
/// allocation (`web.g[0]`): the one-node import most tests start from.
pub fn one_finished(tag: &str) -> TempDir {
    let j = job_json(json!({}));
    import(tag, "2.0.5", &j, &[alloc(1, 0, &j, json!({}))])
}
