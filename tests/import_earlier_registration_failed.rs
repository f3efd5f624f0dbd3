//! A failed allocation of an earlier registration of the job (stopped
//! with `-purge` and registered again: a new `CreateIndex`, versions from
//! 0 again), not replaced. Nomad's reconciler reads every registration's
//! allocations (`AllocsByJob(.., anyCreateIndex=true)`, scheduler/
//! generic_sched.go v1.10.5:367):
//! - a batch job's terminal allocation of an older version or an earlier
//!   registration (`alloc.Job.CreateIndex < job.CreateIndex`) is set aside
//!   as ignored before anything else reads it (`filterOldTerminalAllocs`,
//!   scheduler/reconcile.go v1.10.5:668-686, scheduler/reconciler/
//!   filters.go v1.11.2:82-100), its name free: placed again;
//! - a service job's is read by its own job's reschedule policy
//!   (`filterByRescheduleable` → `updateByReschedulable` →
//!   `alloc.NextRescheduleTime()`, scheduler/reconcile_util.go
//!   v1.10.5:407-539; `Allocation.ReschedulePolicy` is
//!   `a.Job.LookupTaskGroup`, nomad/structs/structs.go v1.10.5:11304); one
//!   that does not reschedule stays untainted, in the count, and is
//!   compared with the planned job (`genericAllocUpdateFn`, scheduler/
//!   util.go v1.10.5:881-897): its `JobModifyIndex` is another
//!   registration's, so changed tasks are a destructive update, and
//!   unchanged ones leave it alone (a terminal allocation is never updated
//!   in place, :895).
//!
//! The imports are of 2.0.5, which reads them the same way:
//! scheduler/reconciler/filters.go v2.0.5:103 (`older`), :395-450
//! (`filterByRescheduleable`), scheduler/util.go v2.0.5:808-822.

use crate::common;

use common::batch::{alloc, finished, import, job_json, JOB};
use common::{run_in, Out, TempDir};
use serde_json::{json, Value};

/// The registered job, `kind`: version 0 of a registration made at index
/// 50; a service's group reschedules as `reschedules` says.
fn registered(kind: &str, reschedules: bool) -> Value {
    typed(
        job_json(
            json!({"CreateIndex": 50, "ModifyIndex": 50, "JobModifyIndex": 50,
            "Status": "running"}),
        ),
        kind,
        reschedules,
    )
}

/// The earlier registration's version 0 (made at index 11), running
/// `image`.
fn earlier(kind: &str, image: &str, reschedules: bool) -> Value {
    let mut j = typed(job_json(json!({"Status": "running"})), kind, reschedules);
    j["TaskGroups"][0]["Tasks"][0]["Config"]["image"] = json!(image);
    j
}

/// A service's policy: unlimited, every 5s, or never.
fn typed(mut j: Value, kind: &str, reschedules: bool) -> Value {
    j["Type"] = json!(kind);
    if kind == "service" {
        j["TaskGroups"][0]["ReschedulePolicy"] = json!({"Attempts": 0, "Interval": 0,
            "Delay": 5_000_000_000_i64, "DelayFunction": "constant",
            "MaxDelay": 0, "Unlimited": reschedules});
    }
    j
}

/// `job`'s allocation that failed at 12:00:00, created at index 20.
fn failed(job: &Value) -> Value {
    alloc(
        1,
        0,
        job,
        json!({"ClientStatus": "failed", "CreateIndex": 20, "JobType": job["Type"],
        "TaskStates": finished(true)}),
    )
}

fn plan(d: &TempDir, kind: &str) -> Out {
    d.put(
        "web.nomad",
        &JOB.replace("\"batch\"", &format!("\"{kind}\"")),
    );
    run_in(
        &d.0,
        &["plan", "--no-cache", "--world", "import", "web.nomad"],
    )
}

fn group_line(o: &Out) -> &str {
    o.stdout
        .lines()
        .find(|l| l.contains("Task Group: \"g\""))
        .unwrap_or_default()
}

/// A batch job's: ignored, its name placed again. Guard (the baseline,
/// /work/np68, answers the same: `BatchTerminal::Superseded`).
#[test]
fn an_earlier_registration_s_failed_batch_allocation_is_set_aside() {
    let d = import(
        "earlier-failed-batch",
        "2.0.5",
        &registered("batch", false),
        &[failed(&earlier("batch", "nginx:1.25", false))],
    );
    let o = plan(&d, "batch");
    assert!(
        group_line(&o).ends_with("Task Group: \"g\" (1 create, 1 ignore)"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

/// A service job's that its own policy does not reschedule (the
/// registered job's would, 5s after the failure, 31s before the import):
/// in the count, replaced where its tasks differ from the planned job's,
/// left alone where they do not. Fails on the baseline (/work/np68),
/// which read it by the registered job's policy: "(1 create, 1 destroy)".
#[test]
fn an_earlier_registration_s_failed_service_allocation_is_compared() {
    let d = import(
        "earlier-failed-service",
        "2.0.5",
        &registered("service", true),
        &[failed(&earlier("service", "nginx:1.24", false))],
    );
    let o = plan(&d, "service");
    assert!(
        group_line(&o).ends_with("Task Group: \"g\" (1 create/destroy update)"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    let d = import(
        "earlier-failed-service-same",
        "2.0.5",
        &registered("service", true),
        &[failed(&earlier("service", "nginx:1.25", false))],
    );
    let o = plan(&d, "service");
    assert!(
        group_line(&o).ends_with("Task Group: \"g\" (1 ignore)"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

/// The other way round: its own policy reschedules (due 5s after the
/// failure, 26s before the import was saved) where the registered job's
/// does not: `rescheduleNow`, stopped and replaced (as the registered
/// job's own would be: tests/import_registered_state.rs). Fails on the
/// baseline: "(1 ignore)".
#[test]
fn an_earlier_registration_s_failed_allocation_reschedules_by_its_own_policy() {
    let d = import(
        "earlier-failed-reschedules",
        "2.0.5",
        &registered("service", false),
        &[failed(&earlier("service", "nginx:1.25", true))],
    );
    let o = plan(&d, "service");
    assert!(
        group_line(&o).ends_with("Task Group: \"g\" (1 create, 1 destroy)"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}
