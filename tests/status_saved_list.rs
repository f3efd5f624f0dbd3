//! An imported cluster's job list (`status jobs`, and the overview's
//! lists) shows each job's Status as its saved file holds it:
//! `createStatusListOutput` prints the list stub's `getStatusString(
//! job.Status, &job.Stop)` (command/job_status.go v2.0.5:915-940, the same
//! columns from v0.9.3), never the status the replay derives from the
//! allocations it places. A saved job without a Status cannot tell its
//! cell: said in the cell, a note, and exit 1, as the job view says it.

use crate::status_saved_job::status;

use crate::common::batch::{import, job_json};
use serde_json::json;

/// The list's row of job `web`: its cells but the Submit Date.
fn web_row(stdout: &str) -> Option<String> {
    let line = stdout.lines().find(|l| l.starts_with("web "))?;
    Some(
        line.split("  ")
            .filter(|c| !c.is_empty())
            .take(4)
            .map(str::trim)
            .collect::<Vec<_>>()
            .join("|"),
    )
}

/// A job saved `dead` whose allocations.json is not saved: the replay
/// places it anew (`running`), the cluster said `dead`.
#[test]
fn the_job_lists_status_is_the_saved_jobs() {
    let job = job_json(json!({"Type": "service", "Status": "dead"}));
    let d = import("status-list-saved-status", "2.0.5", &job, &[]);
    d.put("import/allocations.json", "");
    let o = status(&d, &["jobs"]);
    assert_eq!(
        web_row(&o.stdout).as_deref(),
        Some("web|service|50|dead"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let o = status(&d, &[]);
    assert_eq!(
        web_row(&o.stdout).as_deref(),
        Some("web|service|50|dead"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

#[test]
fn a_saved_job_without_a_status_cannot_tell_its_list_cell() {
    let mut job = job_json(json!({"Type": "service"}));
    job.as_object_mut().map(|o| o.remove("Status"));
    let d = import("status-list-saved-none", "2.0.5", &job, &[]);
    d.put("import/allocations.json", "");
    let o = status(&d, &["jobs"]);
    assert_eq!(
        web_row(&o.stdout).as_deref(),
        Some("web|service|50|<cannot tell>"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("note: cannot tell: the saved job \"web\" holds no Status"),
        "{}",
        o.stderr
    );
}
