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

use super::facts::{saved_time_cells, Untold};
use super::format_list;
use crate::cluster::JobRecord;
use crate::world::status_facts::StatusFacts;
use crate::world::status_jobs::{JobSummary, SavedAlloc};
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
    let groups = match saved_summary(facts, ns, id) {
        Some(groups) => groups,
        None => return children(facts, ns, id).err().unwrap_or_default(),
    };
    let unknown = world.nomad_version.at_least(1, 3, 0);
    let mut rows = vec![if unknown {
        "Task Group|Queued|Starting|Running|Failed|Complete|Lost|Unknown"
    } else {
        "Task Group|Queued|Starting|Running|Failed|Complete|Lost"
    }
    .to_string()];
    // A BTreeMap: sorted by name, as `sort.Strings(taskGroups)`.
    for (g, c) in &groups.groups {
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

/// The Allocations table: every saved allocation of the job, newest
/// first (`CreateIndex`, as AllocIndexSort), with its saved statuses.
pub(super) fn alloc_table(facts: &StatusFacts, ns: &str, id: &str, now: i64) -> String {
    let Some(rows) = &facts.alloc_rows else {
        return ALLOCS_UNTOLD.to_string();
    };
    let mut allocs: Vec<&SavedAlloc> = rows
        .iter()
        .filter(|a| a.namespace == ns && a.job_id == id)
        .collect();
    if allocs.is_empty() {
        return "No allocations placed".to_string();
    }
    allocs.sort_by(|a, b| b.create_index.cmp(&a.create_index).then(a.id.cmp(&b.id)));
    let mut rows =
        vec!["ID|Node ID|Task Group|Version|Desired|Status|Created|Modified".to_string()];
    for a in allocs {
        let [created, modified] = saved_time_cells(facts, &a.id, now);
        rows.push(format!(
            "{}|{}|{}|{}|{}|{}|{created}|{modified}",
            a.id.get(..8).unwrap_or(&a.id),
            a.node_id.get(..8).unwrap_or(&a.node_id),
            a.task_group,
            a.job_version,
            a.desired_status,
            a.client_status,
        ));
    }
    format_list(&rows)
}

/// The Allocations section when allocations.json is not saved: never
/// "No allocations placed", which is Nomad's text for a job with none.
const ALLOCS_UNTOLD: &str =
    "cannot tell: allocations.json is not saved, so the job's allocations are unknown";

/// The saved allocations of the job shown without both times.
pub fn rows_without_times(facts: &StatusFacts, ns: &str, id: &str) -> usize {
    facts
        .alloc_rows
        .iter()
        .flatten()
        .filter(|a| a.namespace == ns && a.job_id == id)
        .filter(|a| {
            facts
                .allocs
                .get(a.id.as_str())
                .is_none_or(|t| t.create.is_none() || t.modify.is_none())
        })
        .count()
}

/// What an imported job's view cannot tell (none for a hand-written
/// world, whose status is the simulation's by design).
pub(super) fn untold(world: &World, r: &JobRecord) -> Vec<Untold> {
    let Some(facts) = &world.status_facts else {
        return Vec::new();
    };
    let (ns, id) = (&r.job.namespace, &r.job.id);
    // A periodic or parameterized parent shows its children instead.
    if r.job.periodic.is_some() || r.job.parameterized.is_some() {
        return match saved_summary(facts, ns, id) {
            Some(_) => Vec::new(),
            None => vec![Untold::Summary],
        };
    }
    let mut out = match queues(facts, ns, id) {
        None => vec![Untold::Summary],
        Some(true) => vec![Untold::PlacementFailure],
        Some(false) => Vec::new(),
    };
    if facts.alloc_rows.is_none() {
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
        None => Err(format!(
            "cannot tell: the import holds no summary of job {} (save {}/{ns}/<id>.json with `nomad operator api '/v1/job/<id>/summary?namespace={ns}'`; `nomad-preflight import --print-commands` does)",
            crate::gotext::go_quote(id),
            crate::world::status_jobs::SUMMARIES_DIR,
        )),
    }
}
