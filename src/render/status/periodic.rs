//! `nomad job status` of a periodic or parameterized job (redteam14
//! R14-30): its header's `Next Periodic Launch`, and in place of the group
//! Summary, allocations and deployment, the children's summary and list
//! (command/job_status.go v1.9.7 Run :253-290, outputPeriodicInfo :300,
//! outputParameterizedInfo, outputJobSummary :636-672; the same text
//! v0.9.0-v2.0.5).

use super::{format_kv, format_list, SIM_EPOCH_UNIX};
use crate::cluster::{JobRecord, JobStatus, State};
use crate::render::time_difference;
use crate::world::World;

/// The header's `Next Periodic Launch` row of a periodic, not
/// parameterized, job: `none (job stopped)`, else what the CLI's own
/// `Next` gives from `now` (simulated seconds), enabled or not
/// ([`crate::periodic::status`]), with the wait truncated to the second
/// (formatTimeDifference). `None`: no row (not periodic, or `Next` errs).
/// A row that cannot be told says so in its place, never dropped silently.
pub(super) fn next_launch_row(
    r: &JobRecord,
    now: i64,
    v: crate::version::NomadVersion,
    zone: &super::TimeZone,
) -> Option<String> {
    launch(r, now, v, zone)
        .map(|row| row.unwrap_or_else(|why| format!("Next Periodic Launch|cannot tell: {why}")))
}

/// Does the job view say its `Next Periodic Launch` cannot be told?
pub fn launch_unknown(
    r: &JobRecord,
    now: i64,
    v: crate::version::NomadVersion,
    zone: &super::TimeZone,
) -> bool {
    matches!(launch(r, now, v, zone), Some(Err(_)))
}

/// The row, or why it cannot be told (`Err`); `None`: no row.
fn launch(
    r: &JobRecord,
    now: i64,
    v: crate::version::NomadVersion,
    zone: &super::TimeZone,
) -> Option<Result<String, String>> {
    use crate::periodic::status::{status_launch, StatusLaunch};
    let job = &r.job;
    if job.periodic.is_none() || job.parameterized.is_some() {
        return None;
    }
    if job.stop {
        return Some(Ok("Next Periodic Launch|none (job stopped)".to_string()));
    }
    let unix = now.saturating_add(SIM_EPOCH_UNIX);
    match status_launch(job, unix, v, zone) {
        Ok(StatusLaunch::At(n)) => Some(Ok(format!(
            "Next Periodic Launch|{} ({} from now)",
            n.at,
            time_difference(n.wait)
        ))),
        // formatTime prints the zero time empty; columnize trims the
        // space before the wait.
        Ok(StatusLaunch::Zero { wait }) => Some(Ok(format!(
            "Next Periodic Launch| ({} from now)",
            time_difference(wait)
        ))),
        Ok(StatusLaunch::NoRow) => None,
        Err(e) => Some(Err(e.text())),
    }
}

/// The sections after the header of a periodic or parameterized job, or
/// `None` for any other job (whose Summary and allocations follow).
pub(super) fn sections(world: &World, state: &State, r: &JobRecord) -> Option<String> {
    let job = &r.job;
    let parameterized = job.parameterized.as_ref();
    if job.periodic.is_none() && parameterized.is_none() {
        return None;
    }
    let mut out = String::new();
    if let Some(p) = parameterized {
        let payload = if p.payload.is_empty() {
            // ParameterizedJobConfig.Canonicalize (structs.go, api/jobs.go).
            "optional"
        } else {
            &p.payload
        };
        out.push_str("\n\nParameterized Job\n");
        out.push_str(&format_kv(&[
            format!("Payload|{payload}"),
            format!("Required Metadata|{}", p.meta_required.join(", ")),
            format!("Optional Metadata|{}", p.meta_optional.join(", ")),
        ]));
    }
    // The job's children: the state's JobSummary.Children counts them by
    // status, and PrefixList finds them by ID (sorted).
    let children: Vec<&JobRecord> = state
        .jobs
        .iter()
        .filter(|((ns, _), c)| *ns == job.namespace && c.job.parent_id == job.id)
        .map(|(_, c)| c)
        .collect();
    let count = |s: JobStatus| children.iter().filter(|c| c.status == s).count();
    out.push_str(if parameterized.is_some() {
        "\n\nParameterized Job Summary\n"
    } else {
        "\n\nChildren Job Summary\n"
    });
    // An import's own counts: a collected child stays counted `Dead`.
    let counts = match &world.status_facts {
        None => Ok([
            count(JobStatus::Pending),
            count(JobStatus::Running),
            count(JobStatus::Dead),
        ]
        .map(|n| i64::try_from(n).unwrap_or(i64::MAX))),
        Some(facts) => super::saved_job::children(facts, &job.namespace, &job.id)
            .map(|c| c.map_or([0; 3], |c| [c.pending, c.running, c.dead])),
    };
    match counts {
        Ok([pending, running, dead]) => out.push_str(&format_list(&[
            "Pending|Running|Dead".to_string(),
            format!("{pending}|{running}|{dead}"),
        ])),
        Err(line) => out.push_str(&line),
    }
    let (suffix, none, title) = if parameterized.is_some() {
        (
            "/dispatch-",
            "No dispatched instances of parameterized job found",
            "Dispatched Jobs",
        )
    } else {
        (
            "/periodic-",
            "No instances of periodic job found",
            "Previously Launched Jobs",
        )
    };
    // PrefixList answers every job of the namespace whose ID starts with
    // the prefix, sorted by ID, whatever its parent: the CLI says "No ..."
    // only when that list is empty, and then prints only the rows whose
    // ParentID is this job, so a list of others' jobs alone is a table of
    // its header (outputPeriodicInfo / outputParameterizedInfo,
    // command/job_status.go v0.9.3:236-261, v1.6.0:249-274,
    // v2.0.5:348-373).
    let prefix = format!("{}{suffix}", job.id);
    let listed: Vec<&JobRecord> = state
        .jobs
        .iter()
        .filter(|((ns, id), _)| *ns == job.namespace && id.starts_with(&prefix))
        .map(|(_, c)| c)
        .collect();
    if listed.is_empty() {
        out.push_str("\n\n");
        out.push_str(none);
        return Some(out);
    }
    let mut rows = vec!["ID|Status".to_string()];
    rows.extend(
        listed
            .iter()
            .filter(|c| c.job.parent_id == job.id)
            .map(|c| format!("{}|{}", c.job.id, child_status(world, state, c))),
    );
    out.push_str(&format!("\n\n{title}\n"));
    out.push_str(&format_list(&rows));
    Some(out)
}

/// A child's Status cell (outputPeriodicInfo prints `child.Status`,
/// command/job_status.go v2.0.5:366-369): an imported child's saved status
/// ([`super::saved_job::job_status`]), or the words that it cannot be told.
fn child_status(world: &World, state: &State, c: &JobRecord) -> &'static str {
    super::saved_job::job_status(world, state, c).map_or("cannot tell", JobStatus::as_str)
}
