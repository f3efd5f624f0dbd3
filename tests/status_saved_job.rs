//! `status job` of an imported job shows what the cluster answered:
//! every allocation allocations.json lists for the job, terminal and
//! `unknown` ones with their saved statuses (Nomad's CLI lists the job's
//! allocations, `Jobs().Allocations`, command/job_status.go v2.0.5:431-435),
//! and the saved `/v1/job/:id/summary` (the state store's counts, which
//! garbage collection does not lower), never the simulation's re-placement
//! (redteam16 R16-24). What the import does not hold is "cannot tell".

use crate::common;

use common::batch::{alloc, finished, import, job_json};
use common::{run_in, TempDir};
use serde_json::{json, Value};

fn running() -> Value {
    json!({"ClientStatus": "running", "TaskStates": {"t": {"State": "running", "Failed": false}}})
}

/// A 2.0.5 import of `web` (service) with five allocations in five states.
pub(crate) fn five_states(tag: &str) -> TempDir {
    let job = job_json(json!({"Type": "service"}));
    let with = |n: u32, fields: Value| {
        let mut a = alloc(n, n - 1, &job, fields);
        a["JobType"] = json!("service");
        a
    };
    let allocs = [
        with(
            1,
            json!({"ClientStatus": "failed", "TaskStates": finished(true),
            "NextAllocation": "a0000002-0000-4000-8000-000000000000"}),
        ),
        with(2, running()),
        with(3, json!({"ClientStatus": "lost", "DesiredStatus": "stop"})),
        with(
            4,
            json!({"ClientStatus": "complete", "DesiredStatus": "evict"}),
        ),
        with(5, running()),
    ];
    import(tag, "2.0.5", &job, &allocs)
}

pub(crate) fn status(d: &TempDir, args: &[&str]) -> common::Out {
    let mut all = vec!["status", "--world", "import"];
    all.extend_from_slice(args);
    run_in(&d.0, &all)
}

#[test]
fn every_saved_allocation_is_listed_with_its_saved_status() {
    let d = five_states("status-saved-listed");
    let o = status(&d, &["job", "web"]);
    let rows: Vec<String> = o
        .stdout
        .lines()
        .filter(|l| l.starts_with("a00000"))
        .map(|l| l.split_whitespace().take(6).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        rows,
        [
            "a0000005 0c1b2c3d g 0 run running",
            "a0000004 0c1b2c3d g 0 evict complete",
            "a0000003 0c1b2c3d g 0 stop lost",
            "a0000002 0c1b2c3d g 0 run running",
            "a0000001 0c1b2c3d g 0 run failed",
        ],
        "{}{}",
        o.stdout,
        o.stderr
    );
    // The saved summary, not a count of the simulation's allocations.
    assert!(
        o.stdout
            .contains("\ng           0       0         2        1       1         1     0\n"),
        "{}",
        o.stdout
    );
}

#[test]
fn an_unknown_allocation_stays_unknown() {
    let job = job_json(json!({"Type": "service"}));
    let mut a = alloc(1, 0, &job, json!({"ClientStatus": "unknown"}));
    a["JobType"] = json!("service");
    let d = import("status-saved-unknown", "2.0.5", &job, &[a]);
    let o = status(&d, &["job", "web"]);
    assert!(
        o.stdout
            .lines()
            .any(|l| l.starts_with("a0000001") && l.split_whitespace().nth(5) == Some("unknown")),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(
        o.stdout
            .contains("\ng           0       0         0        0       0         0     1\n"),
        "{}",
        o.stdout
    );
}

/// An import saved without job summaries cannot tell the Summary: one
/// line in its place, a note, exit 1, never a table of zeros.
#[test]
fn a_summary_not_saved_cannot_be_told() {
    let d = five_states("status-saved-untold");
    std::fs::remove_dir_all(d.0.join("import/job-summaries")).expect("removed");
    let o = status(&d, &["job", "web"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("\nSummary\ncannot tell: the import holds no summary of job \"web\""),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("Task Group  Queued"), "{}", o.stdout);
    assert!(
        o.stderr
            .contains("note: the Summary of job web cannot be told"),
        "{}",
        o.stderr
    );
}

/// A saved summary that queues allocations means a blocked evaluation,
/// whose Placement Failure section the import cannot print.
#[test]
fn queued_allocations_leave_the_placement_failure_untold() {
    let d = five_states("status-saved-queued");
    d.put(
        "import/job-summaries/default/web.json",
        &json!({"JobID": "web", "Namespace": "default", "Summary": {"g": {"Queued": 2, "Running": 2}}})
            .to_string(),
    );
    let o = status(&d, &["job", "web"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("\nPlacement Failure\ncannot tell:"),
        "{}",
        o.stdout
    );
}

/// A summary file that is no summary is an error, never "no summary".
#[test]
fn a_summary_file_that_is_no_summary_is_refused() {
    let d = five_states("status-saved-refused");
    d.put("import/job-summaries/default/web.json", "Permission denied");
    let o = status(&d, &["job", "web"]);
    // As any import file that is not JSON: the world is not loaded.
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("import::json"), "{}", o.stderr);
}

/// An import without allocations.json cannot tell a job's allocations:
/// never Nomad's "No allocations placed" (redteam16 R16-53).
#[test]
fn allocations_not_saved_cannot_be_told() {
    let d = five_states("status-saved-no-allocs");
    d.put("import/allocations.json", "");
    let o = status(&d, &["job", "web"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains("No allocations placed"), "{}", o.stdout);
    assert!(
        o.stdout
            .contains("\nAllocations\ncannot tell: allocations.json is not saved"),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr
            .contains("note: the Allocations of job web cannot be told"),
        "{}",
        o.stderr
    );
}

/// A periodic parent's children are the saved summary's: a collected
/// child stays counted `Dead` (nomad/state/state_store.go v2.0.5
/// `DeleteJobTxn`), which no list of the remaining children shows
/// (redteam16 R16-52); without a saved summary they cannot be told.
#[test]
fn a_periodic_parents_children_are_the_saved_summarys() {
    let job = job_json(
        json!({"ID": "report", "Name": "report", "Status": "running",
        "Periodic": {"Enabled": true, "Spec": "0 * * * *", "SpecType": "cron",
            "ProhibitOverlap": false, "TimeZone": "UTC"}}),
    );
    let d = import("status-saved-children", "2.0.5", &job, &[]);
    d.put(
        "import/job-summaries/default/report.json",
        &json!({"JobID": "report", "Namespace": "default", "Summary": {},
            "Children": {"Pending": 0, "Running": 1, "Dead": 57}})
        .to_string(),
    );
    let o = status(&d, &["job", "report"]);
    assert!(
        o.stdout
            .contains("\nChildren Job Summary\nPending  Running  Dead\n0        1        57\n"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    std::fs::remove_dir_all(d.0.join("import/job-summaries")).expect("removed");
    let o = status(&d, &["job", "report"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains(
            "\nChildren Job Summary\ncannot tell: the import holds no summary of job \"report\""
        ),
        "{}",
        o.stdout
    );
}

/// jobs.json saved empty beside namespaces-listed.txt is a refused job
/// list: a job file left from an earlier save (a job purged since) is
/// not taken as registered (redteam16 R16-51).
#[test]
fn an_empty_job_list_leaves_the_registered_jobs_unknown() {
    let d = five_states("status-saved-empty-jobs");
    d.put("import/jobs.json", "");
    let o = run_in(&d.0, &["plan", "--world", "import", "web.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("jobs.json is not saved"), "{}", o.stderr);
}
