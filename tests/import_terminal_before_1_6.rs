//! A batch job's terminal allocations, and a service job's failed one not
//! replaced, in an import of a release before 1.6, planned as that
//! release's reconciler reads them rather than called unknown (issue 13).
//! The rules read at each tag of
//! hashicorp/nomad (src/world/api_terminal_releases.rs):
//! - `filterOldTerminalAllocs` (scheduler/reconcile.go) and the reschedule
//!   decision (`updateByReschedulable`, `NextRescheduleTime`) are 1.6's;
//! - `shouldFilter` (scheduler/reconcile_util.go) counted an allocation
//!   evicted after every task succeeded, as a stopped one, until 1.1.15,
//!   1.2.9, 1.3.2 and 1.4.0 dropped it;
//! - a client's reconnect is a task's `Reconnected` event in 1.3.0–1.3.7
//!   and 1.4.0–1.4.2 (`Allocation.Reconnected`), the last `AllocStates`
//!   client status from 1.3.8, 1.4.3 and 1.5.0 (`NeedsToReconnect`);
//! - up to 0.9.3 a reschedule due now is placed without stopping the
//!   failed allocation (the stop came in 0.9.4).
//!
//! The job JSON is [`JOB`]'s stored form at each release: 1.5.6's
//! (tests/fixtures/import-batch/web-batch-1.5.6.json, nomad/structs at
//! v1.5.6: no NodePool, task Identity null; the sysbatch fixture's with a
//! batch job's `Type` and `NewDefaultReschedulePolicy("batch")`, the same
//! at v1.3.0 and v1.5.6 api/tasks.go), and 1.3's and 1.4's
//! (web-batch-1.4.14.json: without the task's `Identity` and
//! `LogConfig.Disabled`, which nomad/structs has from 1.5 only). The
//! service job's (web-service-1.5.6.json) is 1.5.6's batch form with a
//! service job's canonical defaults at v1.5.6 (api/jobs.go
//! `DefaultUpdateStrategy`, api/tasks.go `DefaultMigrateStrategy`,
//! `defaultServiceJobRestartPolicy`, `NewDefaultReschedulePolicy("service")`).

use crate::common;

use common::batch::{
    alloc, assert_allocs_read, assert_no_plan, assert_plan, assert_the_file_is_the_job, failed,
    finished, import, job_json_in, plan, JOB,
};
use common::TempDir;
use serde_json::{json, Value};

/// The stored form of [`JOB`] at `release` with `patch` merged in.
fn job_at(release: &str, patch: Value) -> Value {
    let file = if release.starts_with("1.5.") {
        "web-batch-1.5.6.json"
    } else {
        "web-batch-1.4.14.json"
    };
    job_json_in(file, patch)
}

const RELEASES: [&str; 3] = ["1.3.16", "1.4.14", "1.5.6"];

/// `nomad job plan`'s exit code for a plan that places or stops, its job
/// unchanged: 1 before 1.5, 0 from it (command/job_plan.go `getExitCode`
/// returns 0 for a `None` diff first).
fn placing(release: &str) -> i32 {
    if release.starts_with("1.5.") {
        0
    } else {
        1
    }
}

/// The stored form at `release` of [`JOB`] in a group that keeps
/// disconnected clients an hour (`MaxClientDisconnect`, in nanoseconds).
fn disconnecting_job(release: &str) -> Value {
    let mut job = job_at(release, json!({}));
    job["TaskGroups"][0]["MaxClientDisconnect"] = json!(3_600_000_000_000_i64);
    job
}

/// [`JOB`] with `max_client_disconnect = "1h"`, put in `d` as
/// `web-mcd.nomad`: the job file of [`disconnecting_job`].
fn put_disconnecting_file(d: &TempDir) {
    let file = JOB.replace(
        "group \"g\" {\n",
        "group \"g\" {\n    max_client_disconnect = \"1h\"\n",
    );
    d.put("web-mcd.nomad", &file);
}

/// A task's `Reconnected` event at 11:58:20, before the import was saved.
fn reconnected() -> Value {
    json!([{"Type": "Reconnected", "Time": 1_717_243_100_000_000_000_i64}])
}

#[test]
fn the_fixtures_are_the_job_file() {
    for release in RELEASES {
        let job = job_at(release, json!({}));
        let d = import(&format!("old-batch-fixture-{release}"), release, &job, &[]);
        assert_the_file_is_the_job(&d, "web.nomad");
        assert_plan(&d, "web.nomad", placing(release), "1 create");
    }
}

#[test]
fn a_finished_allocation_stays_counted_until_the_job_changes() {
    for release in RELEASES {
        let job = job_at(release, json!({}));
        let done = alloc(1, 0, &job, json!({}));
        let d = import(&format!("old-batch-done-{release}"), release, &job, &[done]);
        assert_allocs_read(&d, "web.nomad");
        // shouldFilter: complete, desired run: untainted; same
        // JobModifyIndex: ignored. Nothing runs again.
        assert_plan(&d, "web.nomad", 0, "1 ignore");
        // filterOldTerminalAllocs: the new version ignores it.
        assert_plan(&d, "web2.nomad", 1, "1 create, 1 ignore");
        assert_plan(&d, "web3.nomad", 1, "3 create, 1 ignore");
        // Of an older version than the registered one: ignored.
        let newer = job_at(
            release,
            json!({"Version": 1, "JobModifyIndex": 20, "ModifyIndex": 20}),
        );
        let old = alloc(1, 0, &job, json!({}));
        let d = import(
            &format!("old-batch-older-{release}"),
            release,
            &newer,
            &[old],
        );
        assert_plan(&d, "web.nomad", placing(release), "1 create, 1 ignore");
    }
}

/// The whole text of the unchanged file's plan with one finished
/// allocation: Nomad's command/job_plan.go output at each release, the
/// job unchanged (`Job: "web"`), its group `1 ignore`, and the
/// `-check-index` of the registered job (JobModifyIndex 11).
#[test]
fn the_plan_text_before_1_6() {
    for release in RELEASES {
        let job = job_at(release, json!({}));
        let done = alloc(1, 0, &job, json!({}));
        let d = import(&format!("old-batch-text-{release}"), release, &job, &[done]);
        let o = plan(&d, "web.nomad");
        assert_eq!(o.code, 0, "{release}: {}{}", o.stdout, o.stderr);
        let want = "Job: \"web\"\nTask Group: \"g\" (1 ignore)\n  Task: \"t\"\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\nJob Modify Index: 11\nTo submit the job with version verification run:\n\nnomad job run -check-index 11 web.nomad\n\nWhen running the job with the check-index flag, the job will only be run if the\njob modify index given matches the server-side version. If the index has\nchanged, another user has modified the job and the plan's results are\npotentially invalid.\n";
        assert_eq!(o.stdout, want, "{release}");
    }
}

#[test]
fn a_failed_allocation_reschedules_by_the_batch_policy() {
    for release in RELEASES {
        let job = job_at(release, json!({}));
        let tag = format!("old-batch-failed-{release}");
        let d = import(&tag, release, &job, &[failed(&job, Value::Null)]);
        // Due at 12:00:05 (constant 5s), saved at 12:00:31: stopped and
        // replaced (markStop(rescheduleNow), 0.9.4 on).
        assert_plan(&d, "web.nomad", placing(release), "1 create, 1 destroy");
        d.put("import/saved-at.txt", "2024-06-01T12:00:02Z");
        assert_plan(&d, "web.nomad", 0, "1 ignore");
        // The one attempt of the last 24h spent: counted for good.
        let spent = json!({"Events": [{"RescheduleTime": 1_717_200_000_000_000_000_i64, "Delay": 5_000_000_000_i64}]});
        let d = import(
            &format!("{tag}-spent"),
            release,
            &job,
            &[failed(&job, spent)],
        );
        assert_plan(&d, "web.nomad", 0, "1 ignore");
    }
}

/// Evicted (preempted) after its task succeeded: counted as a stopped one
/// until `shouldFilter` split evict from stop (1.3.2 in the 1.3 line).
#[test]
fn an_evicted_allocation_that_succeeded_counts_until_1_3_2() {
    let job = job_at("1.3.1", json!({}));
    let evicted = alloc(1, 0, &job, json!({"DesiredStatus": "evict"}));
    for (release, code, group) in [
        ("1.3.1", 0, "1 ignore"),
        ("1.3.2", 1, "1 create"),
        ("1.4.14", 1, "1 create"),
    ] {
        let tag = format!("old-batch-evicted-{release}");
        let d = import(&tag, release, &job, std::slice::from_ref(&evicted));
        assert_plan(&d, "web.nomad", code, group);
    }
}

/// Stopped with `nomad alloc stop` (`DesiredTransition.Reschedule`) after
/// its task ended well: before 1.11 `shouldFilter` does not read the flag,
/// so the allocation stays counted as any stopped one that succeeded
/// (1.11's "fix scheduling behavior of batch job allocs" reschedules it,
/// which stays unknown: tests/import_batch.rs).
#[test]
fn an_allocation_stopped_for_a_reschedule_counts_before_1_11() {
    let job = job_at("1.5.6", json!({}));
    let stopped = alloc(
        1,
        0,
        &job,
        json!({"DesiredStatus": "stop", "DesiredTransition": {"Reschedule": true}}),
    );
    let d = import("old-batch-alloc-stop", "1.5.6", &job, &[stopped]);
    assert_allocs_read(&d, "web.nomad");
    assert_plan(&d, "web.nomad", 0, "1 ignore");
}

/// Stopped (server-terminal), before its task succeeded or after: up to
/// 1.11.1 filterByTainted leaves it untainted outside a group that keeps
/// disconnected clients, and shouldFilter drops it (its name placed
/// again, nothing ignored) or counts it; from 1.11.2 it is ignored
/// (tests/import_batch.rs).
#[test]
fn a_stopped_allocation_is_counted_or_dropped_not_ignored_before_1_6() {
    let job = job_at("1.5.6", json!({}));
    let unfinished = alloc(
        1,
        0,
        &job,
        json!({"DesiredStatus": "stop", "ClientStatus": "failed", "TaskStates": finished(true)}),
    );
    let d = import("old-batch-stopped", "1.5.6", &job, &[unfinished]);
    assert_plan(&d, "web.nomad", 0, "1 create");
    let done = alloc(1, 0, &job, json!({"DesiredStatus": "stop"}));
    let d = import("old-batch-stopped-done", "1.5.6", &job, &[done]);
    assert_plan(&d, "web.nomad", 0, "1 ignore");
}

/// In a group that keeps disconnected clients, 1.4.14 (and 1.5.10–1.5.16,
/// 1.6.3–1.6.9, 1.7.0–1.7.6) ignores every terminal allocation
/// ("probably stopped replacements"): a finished one is counted as
/// ignored and its name placed again; 1.4.13 counts it and runs nothing.
#[test]
fn a_finished_allocation_of_a_disconnect_group_is_ignored_in_1_4_14() {
    let job = disconnecting_job("1.4.14");
    let done = alloc(1, 0, &job, json!({}));
    for (release, code, group) in [
        ("1.4.13", 0, "1 ignore"),
        ("1.4.14", 1, "1 create, 1 ignore"),
    ] {
        let tag = format!("old-batch-mcd-{release}");
        let d = import(&tag, release, &job, std::slice::from_ref(&done));
        put_disconnecting_file(&d);
        assert_plan(&d, "web-mcd.nomad", code, group);
    }
}

/// A failed allocation of a group that keeps disconnected clients, whose
/// task reported a `Reconnected` event: 1.4.2 reconciles a reconnect
/// (`Allocation.Reconnected`), which is not simulated; 1.4.3 reads
/// `AllocStates` instead, which this allocation does not have.
#[test]
fn a_reconnect_is_read_as_the_release_reads_it() {
    let job = disconnecting_job("1.4.2");
    let mut a = failed(&job, Value::Null);
    a["TaskStates"]["t"]["Events"] = reconnected();
    let d = import(
        "old-batch-reconnect-142",
        "1.4.2",
        &job,
        std::slice::from_ref(&a),
    );
    assert_no_plan(&d, "web.nomad", "a task's `Reconnected` event");
    let d = import("old-batch-reconnect-143", "1.4.3", &job, &[a]);
    put_disconnecting_file(&d);
    assert_the_file_is_the_job(&d, "web-mcd.nomad");
    assert_allocs_read(&d, "web-mcd.nomad");
    assert_plan(&d, "web-mcd.nomad", 1, "1 create, 1 destroy");
}

/// A running allocation whose task holds a `Reconnected` event: 1.4.2
/// reads it as reconnecting whenever it plans (the event stays), which is
/// not simulated; 1.4.3 reads `AllocStates`, whose last client status
/// this allocation does not hold as `unknown`: a live allocation planned.
#[test]
fn a_running_allocation_that_reconnected_is_unknown_in_1_4_2() {
    let job = disconnecting_job("1.4.2");
    let mut a = alloc(1, 0, &job, json!({"ClientStatus": "running"}));
    a["TaskStates"] = json!({"t": {"State": "running", "Failed": false, "Events": reconnected()}});
    let d = import(
        "old-running-reconnect-142",
        "1.4.2",
        &job,
        std::slice::from_ref(&a),
    );
    assert_no_plan(&d, "web.nomad", "running after its client reconnected");
    let d = import("old-running-reconnect-143", "1.4.3", &job, &[a]);
    put_disconnecting_file(&d);
    assert_plan(&d, "web-mcd.nomad", 0, "1 ignore");
}

/// A reschedule due now at 0.9.0–0.9.3 places the replacement and leaves
/// the failed allocation as it is: `computeGroup` (scheduler/reconcile.go)
/// counts `Place` for `rescheduleNow` and, until 0.9.4 added
/// `markStop(rescheduleNow, "", allocRescheduled)`, no `Stop`. The job
/// JSON is [`JOB`]'s stored form at v0.9.3 (web-batch-0.9.3.json: 1.4's
/// without the fields nomad/structs gained after 0.9.3), the allocation
/// without `TaskLifecycles` (api/allocations.go has it from 1.0).
#[test]
fn a_reschedule_due_now_is_placed_without_a_stop_up_to_0_9_3() {
    let job = job_json_in("web-batch-0.9.3.json", json!({}));
    let mut a = failed(&job, Value::Null);
    a["AllocatedResources"]
        .as_object_mut()
        .map(|r| r.remove("TaskLifecycles"));
    let text = |group: &str| {
        format!("Job: \"web\"\nTask Group: \"g\" ({group})\n  Task: \"t\"\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\nJob Modify Index: 11\nTo submit the job with version verification run:\n\nnomad job run -check-index 11 web.nomad\n\nWhen running the job with the check-index flag, the job will only be run if the\nserver side version matches the job modify index returned. If the index has\nchanged, another user has modified the job and the plan's results are\npotentially invalid.\n")
    };
    for (release, group) in [
        ("0.9.0", "1 create"),
        ("0.9.3", "1 create"),
        ("0.9.4", "1 create, 1 destroy"),
    ] {
        let tag = format!("old-batch-due-{release}");
        let d = import(&tag, release, &job, std::slice::from_ref(&a));
        assert_allocs_read(&d, "web.nomad");
        let o = plan(&d, "web.nomad");
        assert_eq!(o.code, 1, "{release}: {}{}", o.stdout, o.stderr);
        assert_eq!(o.stdout, text(group), "{release}");
        // Not due yet (saved at 12:00:02, due at 12:00:05): it stays
        // counted under every release.
        d.put("import/saved-at.txt", "2024-06-01T12:00:02Z");
        assert_plan(&d, "web.nomad", 0, "1 ignore");
    }
}

/// A service job's failed allocation not replaced, at 1.5.6: decided at
/// the import's time as from 1.6 (`updateByReschedulable`; the default
/// service policy, unlimited, 30s exponential) where it was unknown.
#[test]
fn a_failed_service_allocation_reschedules_before_1_6() {
    let job = job_json_in("web-service-1.5.6.json", json!({}));
    let service = JOB.replace("  type = \"batch\"\n", "");
    let mut a = failed(&job, Value::Null);
    a["JobType"] = json!("service");
    let d = import("old-service-failed", "1.5.6", &job, &[]);
    d.put("web.nomad", &service);
    assert_the_file_is_the_job(&d, "web.nomad");
    assert_plan(&d, "web.nomad", 0, "1 create");
    let d = import(
        "old-service-failed",
        "1.5.6",
        &job,
        std::slice::from_ref(&a),
    );
    d.put("web.nomad", &service);
    // Failed at 12:00:00, due at 12:00:30, saved at 12:00:31: stopped and
    // replaced.
    assert_plan(&d, "web.nomad", 0, "1 create, 1 destroy");
    // Saved at 12:00:02: its follow-up evaluation waits; it stays counted.
    d.put("import/saved-at.txt", "2024-06-01T12:00:02Z");
    assert_plan(&d, "web.nomad", 0, "1 ignore");
}

/// Before 1.2 there is no sysbatch job: a sysbatch file planned against
/// a 1.1 import is refused as the 1.1 Plan RPC refuses it
/// (`Invalid job type`), whatever the allocations an import holds.
#[test]
fn a_sysbatch_job_before_1_2_is_refused() {
    let mut job = job_at("1.3.0", json!({"Type": "sysbatch"}));
    job["TaskGroups"][0]["ReschedulePolicy"] = Value::Null;
    let mut done = alloc(1, 0, &job, json!({}));
    done["JobType"] = json!("sysbatch");
    let d = import("old-sysbatch-118", "1.1.18", &job, &[done]);
    d.put(
        "web.nomad",
        &JOB.replace("type = \"batch\"", "type = \"sysbatch\""),
    );
    let says = "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* Invalid job type: \"sysbatch\"\n";
    assert_no_plan(&d, "web.nomad", says);
}
