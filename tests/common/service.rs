//! A service job's import (tests/import_reschedule_count.rs,
//! tests/plan_reschedule_penalty.rs): the batch fixtures of
//! tests/common/batch.rs given a service job's defaults, its running and
//! failed allocations, and its job file at a count.

use super::batch::{alloc, finished, import, job_json_in, JOB};
use super::TempDir;
use serde_json::{json, Value};

/// The stored form of the service job at `release` with `count`: the
/// batch fixture with a service job's canonical defaults (as
/// tests/fixtures/import-batch/web-service-1.5.6.json has them: api/jobs.go
/// `DefaultUpdateStrategy`, api/tasks.go `DefaultMigrateStrategy`,
/// `defaultServiceJobRestartPolicy`, `NewDefaultReschedulePolicy("service")`).
pub fn job_at(release: &str, count: u32) -> Value {
    let file = match release {
        r if r.starts_with("0.9.") => "web-batch-0.9.3.json",
        r if r.starts_with("1.5.") => "web-batch-1.5.6.json",
        _ => "web-batch-2.0.5.json",
    };
    let mut job = job_json_in(file, json!({"Type": "service", "Status": "running"}));
    job["Update"]["MaxParallel"] = json!(1);
    job["Update"]["Stagger"] = json!(30_000_000_000_i64);
    let restart = json!({"Interval": 1_800_000_000_000_i64, "Attempts": 2});
    let g = &mut job["TaskGroups"][0];
    g["Count"] = json!(count);
    g["Migrate"] = json!({"MaxParallel": 1, "HealthCheck": "checks",
        "MinHealthyTime": 10_000_000_000_i64, "HealthyDeadline": 300_000_000_000_i64});
    g["Update"] = json!({"Stagger": 30_000_000_000_i64, "MaxParallel": 1, "HealthCheck": "checks",
        "MinHealthyTime": 10_000_000_000_i64, "HealthyDeadline": 300_000_000_000_i64,
        "ProgressDeadline": 600_000_000_000_i64, "Canary": 0, "AutoRevert": false, "AutoPromote": false});
    g["ReschedulePolicy"] = json!({"Attempts": 0, "Interval": 0, "Delay": 30_000_000_000_i64,
        "DelayFunction": "exponential", "MaxDelay": 3_600_000_000_000_i64, "Unlimited": true});
    for at in [
        "/TaskGroups/0/RestartPolicy",
        "/TaskGroups/0/Tasks/0/RestartPolicy",
    ] {
        if let (Some(Value::Object(o)), Value::Object(p)) = (job.pointer_mut(at), restart.clone()) {
            o.extend(p);
        }
    }
    job
}

/// The service job's file with `count`.
pub fn file(count: u32) -> String {
    JOB.replace("  type = \"batch\"\n", "").replace(
        "group \"g\" {\n",
        &format!("group \"g\" {{\n    count = {count}\n"),
    )
}

/// An import of `release` holding `job` and `allocs`, the job file
/// `web.nomad` at `count`.
pub fn world(tag: &str, release: &str, job: &Value, allocs: &[Value], count: u32) -> TempDir {
    let d = import(tag, release, job, allocs);
    d.put("web.nomad", &file(count));
    d
}

pub fn running(n: u32, idx: u32, job: &Value) -> Value {
    alloc(
        n,
        idx,
        job,
        json!({"ClientStatus": "running", "JobType": "service",
            "TaskStates": {"t": {"State": "running", "Failed": false}}}),
    )
}

/// Failed at 12:00:00, due at 12:00:30 (the service policy's first
/// 30s), the import saved at 12:00:31.
pub fn due(n: u32, idx: u32, job: &Value) -> Value {
    alloc(
        n,
        idx,
        job,
        json!({"ClientStatus": "failed", "JobType": "service", "TaskStates": finished(true),
            "RescheduleTracker": null}),
    )
}
