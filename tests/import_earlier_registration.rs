//! A live allocation of an earlier registration of the job (the job
//! stopped with `-purge` and registered again while the allocation still
//! ran: its evaluation not yet run). A new registration restarts at
//! version 0 with a new `CreateIndex`, so "version 0" names two specs.
//! Nomad reads every registration's allocations (`AllocsByJob(..,
//! anyCreateIndex=true)`, scheduler/generic_sched.go v1.10.5:367) and
//! leaves one alone only when `existing.Job.JobModifyIndex ==
//! newJob.JobModifyIndex` (`genericAllocUpdateFn`, scheduler/util.go
//! v1.10.5:881): the earlier registration's allocation is compared with
//! the planned job (`tasksUpdated`) and replaced. We read it as running
//! the registered version 0 and planned "1 ignore": a false all clear
//! (its replacement, and what that takes, never said).

use crate::common;

use common::batch::{alloc, import, job_json};
use common::{run_in, Out, TempDir};
use serde_json::{json, Value};

/// The registered job: version 0 of a registration made at index 50.
fn registered() -> Value {
    job_json(
        json!({"CreateIndex": 50, "ModifyIndex": 50, "JobModifyIndex": 50, "Status": "running"}),
    )
}

/// The earlier registration's version 0 (index 11), running `image`.
fn earlier(image: &str) -> Value {
    let mut j = job_json(json!({"Status": "running"}));
    j["TaskGroups"][0]["Tasks"][0]["Config"]["image"] = json!(image);
    j
}

/// A running allocation of `job`, created at index `created`.
fn running(job: &Value, created: u64) -> Value {
    alloc(
        1,
        0,
        job,
        json!({"ClientStatus": "running", "CreateIndex": created,
        "TaskStates": {"t": {"State": "running", "Failed": false}}}),
    )
}

fn plan(d: &TempDir) -> Out {
    run_in(
        &d.0,
        &["plan", "--no-cache", "--world", "import", "web.nomad"],
    )
}

/// Fails on the baseline (/work/np67): "Task Group: \"g\" (1 ignore)".
#[test]
fn an_earlier_registration_s_allocation_is_replaced_not_ignored() {
    let d = import(
        "earlier-reg",
        "2.0.5",
        &registered(),
        &[running(&earlier("nginx:1.24"), 20)],
    );
    let o = plan(&d);
    assert!(
        o.stdout
            .contains("Task Group: \"g\" (1 create/destroy update)"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    // The job diff is "None": exit 0 all the same (`getExitCode`,
    // command/job_plan.go v1.10.5:361-364).
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    // The same spec, another registration: JobModifyIndex differs, the
    // tasks do not: an in-place update (exit 0, as Nomad's).
    let d = import(
        "earlier-reg-same",
        "2.0.5",
        &registered(),
        &[running(&earlier("nginx:1.25"), 20)],
    );
    let o = plan(&d);
    assert!(
        o.stdout.contains("Task Group: \"g\" (1 in-place update)"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

/// The list form (no embedded Job): an allocation created before the
/// registered job was is of an earlier registration whose spec the import
/// does not hold: cannot tell (255), never "1 ignore". Fails on the
/// baseline (exit 0).
#[test]
fn an_earlier_registration_s_allocation_without_its_job_is_cannot_tell() {
    let mut a = running(&earlier("nginx:1.24"), 20);
    a.as_object_mut().map(|o| o.remove("Job"));
    let d = import("earlier-reg-list", "2.0.5", &registered(), &[a]);
    let o = plan(&d);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("earlier registration"), "{}", o.stderr);
    // Guard: created after the registration, it is the registered job's.
    let mut a = running(&registered(), 60);
    a.as_object_mut().map(|o| o.remove("Job"));
    let d = import("earlier-reg-list-same", "2.0.5", &registered(), &[a]);
    let o = plan(&d);
    assert!(
        o.stdout.contains("Task Group: \"g\" (1 ignore)"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}
