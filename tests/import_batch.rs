//! A batch job's terminal allocations in an import, planned as Nomad's
//! reconciler reads them (`scheduler/reconcile.go`
//! `filterOldTerminalAllocs`, `reconcile_util.go` `shouldFilter` and
//! `filterByRescheduleable`; 2.0.5 `scheduler/reconciler/filters.go`),
//! rather than a plan called unknown:
//! - a finished allocation of the planned version stays counted: the
//!   unchanged file plans `1 ignore`, nothing runs again;
//! - once the file changes the job (a new version), every terminal
//!   allocation of the old one is ignored and its name placed again
//!   (`1 create, 1 ignore`), where a service's kept allocation would be
//!   updated;
//! - a failed one reschedules by the batch policy (1 attempt in 24h,
//!   constant 5s), at the import's time (`saved-at.txt`);
//! - a replaced one is dropped; one of an earlier registration of the job
//!   (older `Job.CreateIndex`) is ignored.
//!
//! The job JSON (tests/fixtures/import-batch/web-batch-2.0.5.json) is the
//! stored form of [`JOB`] at 2.0.5: tests/fixtures/import-registered's
//! service job with a batch job's canonical defaults (api/tasks.go
//! `defaultBatchJobRestartPolicy`, `NewDefaultReschedulePolicy("batch")`,
//! no group `update` or `migrate`; api/jobs.go leaves a batch job's
//! `Update` nil, stored as structs' zero `UpdateStrategy`).

use crate::common;

use common::batch::{
    alloc, assert_allocs_read, assert_no_plan, assert_plan, assert_the_file_is_the_job, failed,
    finished, import, job_json, job_json_in, nodes, one_finished, JOB, NODE_ID,
};
use common::{run_in, TempDir};
use serde_json::{json, Value};

#[test]
fn the_fixture_is_the_job_file() {
    // Nothing changed in the spec: the job diff is None (exit 0 whatever
    // the placements, as `getExitCode` of command/job_plan.go).
    let job = job_json(json!({}));
    let d = import("batch-fixture", "2.0.5", &job, &[]);
    assert_the_file_is_the_job(&d, "web.nomad");
    assert_plan(&d, "web.nomad", 0, "1 create");
}

#[test]
fn a_finished_allocation_stays_counted_until_the_job_changes() {
    let d = one_finished("batch-finished");
    // shouldFilter: complete, desired run: untainted; computeUpdates: same
    // JobModifyIndex, ignored. Nothing runs again.
    assert_plan(&d, "web.nomad", 0, "1 ignore");
    // A new version: filterOldTerminalAllocs ignores it, and its name is
    // placed again.
    assert_plan(&d, "web2.nomad", 1, "1 create, 1 ignore");
    // A count change is a new version too: all three names are placed.
    assert_plan(&d, "web3.nomad", 1, "3 create, 1 ignore");
    // Stopped after it finished (`RanSuccessfully`): from 1.11.2
    // filterByTainted (2.0.5 `classifyAllocs`, "Server-terminal allocs
    // should be ignored") counts a server-terminal allocation as ignored
    // before shouldFilter could keep it, so its name is placed again. (Up
    // to 1.11.1 it is counted: tests/import_terminal_before_1_6.rs.)
    let job = job_json(json!({}));
    let stopped = alloc(1, 0, &job, json!({"DesiredStatus": "stop"}));
    let d = import("batch-finished-stopped", "2.0.5", &job, &[stopped]);
    assert_plan(&d, "web.nomad", 0, "1 create, 1 ignore");
}

#[test]
fn an_unfinished_or_replaced_allocation_is_dropped() {
    let job = job_json(json!({}));
    // Stopped before its task succeeded: its name free; at 2.0.5
    // counted as ignored too (server-terminal, `classifyAllocs`).
    let stopped = alloc(
        1,
        0,
        &job,
        json!({"DesiredStatus": "stop", "ClientStatus": "failed", "TaskStates": finished(true)}),
    );
    let d = import("batch-stopped", "2.0.5", &job, &[stopped]);
    assert_plan(&d, "web.nomad", 0, "1 create, 1 ignore");
    // Failed and replaced by a running one: the replacement is the count.
    let replaced = alloc(
        1,
        0,
        &job,
        json!({"ClientStatus": "failed", "TaskStates": finished(true),
               "NextAllocation": "a0000002-0000-4000-8000-000000000000"}),
    );
    let running = alloc(
        2,
        0,
        &job,
        json!({"ClientStatus": "running", "TaskStates": {"t": {"State": "running", "Failed": false}}}),
    );
    let d = import("batch-replaced", "2.0.5", &job, &[replaced, running]);
    assert_plan(&d, "web.nomad", 0, "1 ignore");
    // A new version ignores the terminal one and updates the running one.
    assert_plan(&d, "web2.nomad", 1, "1 create/destroy update, 1 ignore");
}

#[test]
fn a_failed_allocation_reschedules_by_the_batch_policy() {
    let job = job_json(json!({}));
    // No attempt yet: due at 12:00:05 (constant 5s), past at 12:00:31.
    let d = import(
        "batch-failed-now",
        "2.0.5",
        &job,
        &[failed(&job, Value::Null)],
    );
    assert_plan(&d, "web.nomad", 0, "1 create, 1 destroy");
    // Saved at 12:00:02: its follow-up evaluation waits; counted.
    d.put("import/saved-at.txt", "2024-06-01T12:00:02Z");
    assert_plan(&d, "web.nomad", 0, "1 ignore");
    // The one attempt of the last 24h is spent: counted for good.
    let spent = json!({"Events": [{"RescheduleTime": 1_717_200_000_000_000_000_i64, "Delay": 5_000_000_000_i64}]});
    let d = import("batch-failed-spent", "2.0.5", &job, &[failed(&job, spent)]);
    assert_plan(&d, "web.nomad", 0, "1 ignore");
    // A new version ignores it whatever its reschedule.
    assert_plan(&d, "web2.nomad", 1, "1 create, 1 ignore");
}

#[test]
fn an_earlier_version_or_registration_is_ignored() {
    // Registered at version 1; the allocation finished at version 0.
    let old = job_json(json!({}));
    let job = job_json(json!({"Version": 1, "JobModifyIndex": 20, "ModifyIndex": 20}));
    let d = import(
        "batch-older",
        "2.0.5",
        &job,
        &[alloc(1, 0, &old, json!({}))],
    );
    assert_plan(&d, "web.nomad", 0, "1 create, 1 ignore");
    // The job was purged and registered again (CreateIndex 50): the
    // finished allocation of the first registration is ignored though
    // its version is the same.
    let again = job_json(json!({"CreateIndex": 50, "ModifyIndex": 50, "JobModifyIndex": 50}));
    let d = import(
        "batch-again",
        "2.0.5",
        &again,
        &[alloc(1, 0, &old, json!({}))],
    );
    assert_plan(&d, "web.nomad", 0, "1 create, 1 ignore");
    // The list form (`/v1/allocations`) embeds no Job: an allocation
    // created (index 31) before the registration (50) is of an earlier
    // one; one created after it (index 61) of this one.
    let listed = |n: u32| {
        let mut a = alloc(n, 0, &again, json!({}));
        a.as_object_mut().map(|o| o.remove("Job"));
        a
    };
    let d = import("batch-listed-before", "2.0.5", &again, &[listed(1)]);
    assert_plan(&d, "web.nomad", 0, "1 create, 1 ignore");
    let d = import("batch-listed-after", "2.0.5", &again, &[listed(31)]);
    assert_plan(&d, "web.nomad", 0, "1 ignore");
}

#[test]
fn what_the_releases_read_differently_stays_unknown() {
    let job = job_json(json!({}));
    let asked = alloc(
        1,
        0,
        &job,
        json!({"DesiredTransition": {"Reschedule": true}}),
    );
    let d = import("batch-asked", "2.0.5", &job, &[asked]);
    assert_no_plan(&d, "web.nomad", "asks a reschedule");
}

#[test]
fn import_write_says_the_terminal_allocations_are_not_written() {
    let d = one_finished("batch-write");
    let w = run_in(&d.0, &["import", "import", "--write", "out"]);
    assert_eq!(w.code, 0, "{}{}", w.stdout, w.stderr);
    assert!(
        w.stderr
            .contains("1 terminal allocations of batch jobs are not written"),
        "{}",
        w.stderr
    );
    assert!(!w.stderr.contains("failed allocations"), "{}", w.stderr);
}

/// A sysbatch import of `build` on two nodes, the job's allocations
/// `allocs`: the job JSON is the batch fixture's as a sysbatch job is
/// stored (no reschedule policy: api `NewDefaultReschedulePolicy` has
/// none for sysbatch).
fn sysbatch(tag: &str, build: &str, allocs: &[Value]) -> TempDir {
    // The stored form of the release's own structs: 1.5.6's has no
    // NodePool (1.6) and no default identity (1.7).
    let stored = if build.starts_with("1.5.") {
        "web-sysbatch-1.5.6.json"
    } else {
        "web-sysbatch-2.0.5.json"
    };
    let job = job_json_in(stored, json!({}));
    let allocs: Vec<Value> = allocs
        .iter()
        .map(|a| {
            let mut a = a.clone();
            a["Job"] = job.clone();
            a["JobType"] = json!("sysbatch");
            a
        })
        .collect();
    let d = import(tag, build, &job, &allocs);
    let two = nodes();
    let second = nodes()
        .replace(NODE_ID, "0c1b2c3d-0000-4000-8000-000000000002")
        .replace("\"n1\"", "\"n2\"")
        .replace("10.0.0.1", "10.0.0.2");
    let both = format!(
        "{}, {}",
        two.trim_end().trim_end_matches(']'),
        second.trim_start().trim_start_matches('[')
    );
    d.put("import/nodes.json", &both);
    let file = JOB.replace("type = \"batch\"", "type = \"sysbatch\"");
    d.put("web.nomad", &file);
    d.put("web2.nomad", &file.replace("nginx:1.25", "nginx:1.26"));
    d
}

#[test]
fn a_sysbatch_job_does_not_run_again_where_it_finished() {
    let job = job_json(json!({}));
    // Finished on n1 (failed there: a sysbatch job never reschedules);
    // nothing on n2.
    for (tag, status) in [("complete", "complete"), ("failed", "failed")] {
        let done = alloc(1, 0, &job, json!({"ClientStatus": status}));
        let d = sysbatch(
            &format!("sysbatch-{tag}"),
            "1.10.5",
            std::slice::from_ref(&done),
        );
        assert_the_file_is_the_job(&d, "web.nomad");
        // diffSystemAllocsForNode: n1's terminal allocation, same
        // JobModifyIndex, ignored; n2 placed.
        assert_plan(&d, "web.nomad", 0, "1 create, 1 ignore");
        // Changed: n1's is a destructive update (evictAndPlace), n2 placed.
        assert_plan(&d, "web2.nomad", 1, "1 create, 1 create/destroy update");
        // From 1.11 Place counts the candidate nodes (tgCandidateNodeCounts).
        let d = sysbatch(&format!("sysbatch-{tag}-205"), "2.0.5", &[done]);
        assert_plan(&d, "web.nomad", 0, "2 create, 1 ignore");
        assert_plan(&d, "web2.nomad", 1, "2 create, 1 create/destroy update");
    }
}

/// Before 1.6 as well: the rule is 1.2.0's (sysbatch's first release)
/// unchanged — `SplitTerminalAllocs` keeps the latest terminal allocation
/// per node and name, `diffSystemAllocsForNode` (scheduler/util.go to
/// 1.4, system_util.go from 1.5) ignores it while `JobModifyIndex` is the
/// same and updates it once the job changes. 1.5.6's import was "cannot
/// tell" before. The job JSON is 1.5.6's stored form
/// (tests/fixtures/import-batch/web-sysbatch-1.5.6.json, nomad/structs
/// at v1.5.6: no NodePool, Identity null).
#[test]
fn a_sysbatch_job_does_not_run_again_where_it_finished_before_1_6() {
    let job = job_json(json!({}));
    for status in ["complete", "failed"] {
        let done = alloc(1, 0, &job, json!({"ClientStatus": status}));
        let d = sysbatch(&format!("sysbatch-156-{status}"), "1.5.6", &[done]);
        assert_the_file_is_the_job(&d, "web.nomad");
        assert_allocs_read(&d, "web.nomad");
        assert_plan(&d, "web.nomad", 0, "1 create, 1 ignore");
        assert_plan(&d, "web2.nomad", 1, "1 create, 1 create/destroy update");
    }
}

#[test]
fn a_sysbatch_allocation_beside_a_live_one_of_the_job_is_unknown() {
    let job = job_json(json!({}));
    let done = alloc(1, 0, &job, json!({}));
    let mut live = alloc(2, 0, &job, json!({"ClientStatus": "running"}));
    live["TaskGroup"] = json!("other");
    live["Name"] = json!("web.other[0]");
    let d = sysbatch("sysbatch-beside", "2.0.5", &[done, live]);
    let says = "on a node that runs another of the job's allocations";
    assert_no_plan(&d, "web.nomad", says);
}

/// `nomad job status` of a batch job whose allocations all finished:
/// `dead`, as nomad/state/state_store.go `getJobStatus` derives it (no
/// live allocation, no unfinished evaluation: the job's evaluations are
/// done), where this tool said `pending`. The job JSON reports `dead` too
/// (`Status`); one reported `pending` keeps an evaluation unfinished,
/// which nothing else in the import shows.
#[test]
fn status_of_a_batch_job_whose_allocations_all_finished_is_dead() {
    let job = job_json(json!({}));
    let done = [
        alloc(1, 0, &job, json!({})),
        alloc(
            2,
            1,
            &job,
            json!({"ClientStatus": "failed", "TaskStates": finished(true),
            "NextAllocation": "a0000003-0000-4000-8000-000000000000"}),
        ),
    ];
    let status = |d: &TempDir, args: &[&str]| {
        let mut all = vec!["status", "--world", "import"];
        all.extend_from_slice(args);
        let o = run_in(&d.0, &all);
        assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
        o.stdout
    };
    // Terminal allocations count before 1.9.6 (`hasAlloc`), evaluations
    // only from it; dead either way.
    for build in ["1.8.0", "1.10.5", "2.0.5"] {
        let d = import(&format!("batch-status-{build}"), build, &job, &done);
        let out = status(&d, &["job", "web"]);
        assert!(out.contains("\nStatus        = dead\n"), "{build}: {out}");
        let list = status(&d, &["jobs"]);
        let row: Vec<&str> = list
            .lines()
            .nth(1)
            .unwrap_or("")
            .split_whitespace()
            .collect();
        assert_eq!(row[..4], ["web", "batch", "50", "dead"], "{build}: {list}");
    }
    // Reported pending (an evaluation still to run): pending.
    let d = import(
        "batch-status-pending",
        "2.0.5",
        &job_json(json!({"Status": "pending"})),
        &done,
    );
    let out = status(&d, &["job", "web"]);
    assert!(out.contains("\nStatus        = pending\n"), "{out}");
}
