//! `nomad job status JOB` of an imported job: its Summary and Allocations
//! as the cluster answered them (src/world/status_jobs.rs), never the
//! simulation's re-placement of the job (redteam16 R16-24). Nomad's CLI
//! reads the summary from `/v1/job/:id/summary` (outputJobSummary) and
//! lists every allocation of the job, terminal ones included
//! (`Jobs().Allocations`, command/job_status.go v2.0.5:431-435), newest
//! first (formatAllocListStubs). Without `-all-allocs` the state store
//! leaves out allocations of an earlier registration of the same ID
//! (`AllocsByJob`'s `anyCreateIndex`, nomad/state/state_store.go
//! v2.0.5:4645-4650); the list form saved does not tell those apart, so a
//! job purged and registered again lists its old allocations here too.

use super::facts::Untold;
use super::format_list;
use crate::cluster::{JobRecord, JobStatus, State};
use crate::world::status_facts::{SavedJob, StatusFacts};
use crate::world::status_jobs::JobSummary;
use crate::world::World;

/// The import's summary of the job, when it was saved.
fn saved_summary<'a>(facts: &'a StatusFacts, ns: &str, id: &str) -> Option<&'a JobSummary> {
    facts
        .summaries
        .as_ref()?
        .get(&(ns.to_string(), id.to_string()))
}

/// The Summary section's body: the saved table (`Unknown` from 1.3.0), or
/// the line that says it cannot be told.
pub(super) fn summary(world: &World, facts: &StatusFacts, ns: &str, id: &str) -> String {
    match saved_summary(facts, ns, id) {
        Some(s) => summary_table(world, &s.groups),
        None => no_summary_line(ns, id),
    }
}

/// A Summary table of `groups`, the `Unknown` column from 1.3.0.
pub(super) fn summary_table(
    world: &World,
    groups: &std::collections::BTreeMap<String, crate::world::status_jobs::GroupSummary>,
) -> String {
    let unknown = world.nomad_version.at_least(1, 3, 0);
    let mut rows = vec![if unknown {
        "Task Group|Queued|Starting|Running|Failed|Complete|Lost|Unknown"
    } else {
        "Task Group|Queued|Starting|Running|Failed|Complete|Lost"
    }
    .to_string()];
    // A BTreeMap: sorted by name, as `sort.Strings(taskGroups)`.
    for (g, c) in groups {
        let mut row = format!(
            "{g}|{}|{}|{}|{}|{}|{}",
            c.queued, c.starting, c.running, c.failed, c.complete, c.lost
        );
        if unknown {
            row.push_str(&format!("|{}", c.unknown));
        }
        rows.push(row);
    }
    format_list(&rows)
}

/// Whether the job may have a blocked evaluation, whose Placement Failure
/// section `nomad job status` prints from the evaluation's metrics, which
/// the import does not save: its saved summary queues allocations. `None`
/// when no summary was saved (the Summary is then untold already).
fn queues(facts: &StatusFacts, ns: &str, id: &str) -> Option<bool> {
    saved_summary(facts, ns, id).map(|s| s.groups.values().any(|c| c.queued > 0))
}

/// The Placement Failure section's line when it cannot be told.
pub(super) fn placement_failure(facts: &StatusFacts, ns: &str, id: &str) -> Option<String> {
    queues(facts, ns, id)?.then(|| {
        format!(
            "\n\nPlacement Failure\ncannot tell: job {}'s saved summary queues allocations, and the import holds no evaluations whose placement metrics `nomad job status` prints",
            crate::gotext::go_quote(id)
        )
    })
}

/// The job's Status cell (`getStatusString`, command/job_status.go
/// v2.0.5:261, :956-961): [`job_status`] with `(stopped)` for a stopped
/// job, or the line that says it cannot be told (`Err`).
pub(super) fn status_cell(world: &World, state: &State, r: &JobRecord) -> Result<String, String> {
    let status = job_status(world, state, r)?.as_str();
    Ok(if r.job.stop {
        format!("{status} (stopped)")
    } else {
        status.to_string()
    })
}

/// A job's status: an imported job's as its saved file holds it
/// (`/v1/job/:id`, which `nomad job status` reads), never the status the
/// simulation derives from the allocations it placed; `Err` with the line
/// that says it cannot be told when the file holds none. A job the import
/// does not hold (a hand-written world's, one a rehearsal runs anew) or
/// one a rehearsal changed ([`super::live_job::changed`]: Nomad reads the
/// live job) has the simulation's.
pub(super) fn job_status(world: &World, state: &State, r: &JobRecord) -> Result<JobStatus, String> {
    if super::live_job::changed(state, r) {
        // The status of a job the rehearsal changed derives from its
        // allocations; when the import saved none, the ones it holds are
        // the simulation's own placements of allocations nobody read, and
        // only a stopped job with none live left is told without them
        // (rv19-6).
        let unsaved = world
            .status_facts
            .as_ref()
            .is_some_and(|f| f.alloc_rows.is_none());
        let (ns, id) = (r.job.namespace.as_str(), r.job.id.as_str());
        let settled = r.job.stop && state.job_allocs(ns, id).next().is_none();
        if unsaved && !settled {
            return Err(format!(
                "cannot tell: the import saved no allocations, so job {}'s status after this step rests on placements it never read",
                crate::gotext::go_quote(id)
            ));
        }
        return Ok(r.status);
    }
    match saved_job(world, r) {
        None => Ok(r.status),
        Some(saved) => saved.status.ok_or_else(|| {
            format!(
                "cannot tell: the saved job {} holds no Status (pending, running or dead)",
                crate::gotext::go_quote(&r.job.id)
            )
        }),
    }
}

/// The import's saved file of the job, when it holds one.
fn saved_job<'a>(world: &'a World, r: &JobRecord) -> Option<&'a SavedJob> {
    let facts = world.status_facts.as_ref()?;
    facts.jobs.get(&(r.job.namespace.clone(), r.job.id.clone()))
}

/// What an imported job's view cannot tell (none for a hand-written
/// world, whose status is the simulation's by design).
pub(super) fn untold(world: &World, state: &State, r: &JobRecord) -> Vec<Untold> {
    let Some(facts) = &world.status_facts else {
        return Vec::new();
    };
    let (ns, id) = (&r.job.namespace, &r.job.id);
    let mut out: Vec<Untold> = status_cell(world, state, r)
        .err()
        .map(|_| Untold::Status)
        .into_iter()
        .collect();
    // A periodic or parameterized parent shows its children instead.
    if r.job.periodic.is_some() || r.job.parameterized.is_some() {
        out.extend(
            saved_summary(facts, ns, id)
                .is_none()
                .then_some(Untold::Summary),
        );
        return out;
    }
    if super::live_job::changed(state, r) {
        out.extend(super::live_job::untold(state, facts, r));
        return out;
    }
    out.extend(match queues(facts, ns, id) {
        None => Some(Untold::Summary),
        Some(true) => Some(Untold::PlacementFailure),
        Some(false) => None,
    });
    if super::saved_allocs::allocs_unknown(facts) {
        out.push(Untold::Allocations);
    }
    out
}

/// A periodic or parameterized parent's children summary as saved
/// (`Children` of `/v1/job/:id/summary`, outputJobSummary's
/// `summary.Children`, command/job_status.go v2.0.5:730-780): `Ok(None)`
/// when the summary holds none (Nomad prints zeros), `Err` with the line
/// that says it cannot be told when no summary was saved.
pub(super) fn children(
    facts: &StatusFacts,
    ns: &str,
    id: &str,
) -> Result<Option<crate::world::status_jobs::ChildrenSummary>, String> {
    match saved_summary(facts, ns, id) {
        Some(s) => Ok(s.children),
        None => Err(no_summary_line(ns, id)),
    }
}

/// The line said in place of a job's Summary or children summary when
/// the import holds no summary of it.
pub(super) fn no_summary_line(ns: &str, id: &str) -> String {
    format!(
        "cannot tell: the import holds no summary of job {} (save {}/{ns}/<id>.json with `nomad operator api '/v1/job/<id>/summary?namespace={ns}'`; `nomad-preflight import --print-commands` does)",
        crate::gotext::go_quote(id),
        crate::world::status_jobs::SUMMARIES_DIR,
    )
}
