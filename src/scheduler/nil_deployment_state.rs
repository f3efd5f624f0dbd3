//! A system job's successful deployment holding `nil` for a group the
//! evaluation finds a candidate for (R22-B-1; the state as imported:
//! [`crate::world::nil_deployment`]).
//!
//! From 1.11.0 the system scheduler's `computeJobAllocs` walks the job's
//! groups after its placements (scheduler/scheduler_system.go
//! v1.11.2:383-421): a group with no candidate node gets `nil` in a
//! successful deployment; for one with candidates it reads
//! `dstate, ok := s.deployment.TaskGroups[tg.Name]`, skips only `!ok`, and
//! writes `s.deployment.TaskGroups[tg.Name].DesiredTotal` through the
//! `nil`: a panic. `Process`'s deferred recover (v1.11.2:74-78) turns it
//! into `failed to process eval: runtime error: invalid memory address or
//! nil pointer dereference`, which `Job.Plan` returns as its error
//! (nomad/job_endpoint.go v1.11.2:1919). Fixed by skipping a `nil` too
//! (#27571, 3dcd77ad in 1.11.3; v2.0.0:404-407). Not backported: no
//! earlier line has system deployments (v1.10.5's scheduler_system.go
//! reads none), so a plain gate, not a [`crate::version::Fix`] row.
//!
//! `s.deployment` is the job's latest deployment (`LatestDeploymentByJobID`,
//! v1.11.2:140) unless the node reconciler makes a new one, which replaces
//! it (:259-261). The reconciler clears a successful deployment as
//! current (reconcile_node.go v1.11.2:454-457) and, per node and group with
//! an update strategy (`!tg.Update.IsEmpty()`: `max_parallel` not 0),
//! calls `createDeployment` (:393-407), which makes none where the old
//! deployment is of the planned job version (:470-472), nor on a node
//! that already runs the planned version without updating anything there
//! (:474-499). So the old deployment, `nil`s and all, is the one read
//! when it is of the planned version, when no group has a strategy, or
//! when every node the diff walks runs the planned version and nothing
//! older.

use std::collections::{BTreeMap, HashSet};

use super::engine::Engine;
use super::DesiredUpdates;
use crate::jobspec::{Job, JobType, TaskGroup};

/// The error `Job.Plan` returns (Go's runtime error, wrapped by `Process`).
pub const ERROR: &str =
    "failed to process eval: runtime error: invalid memory address or nil pointer dereference";

/// The scheduler's error for `job` planned at `version`, where `updates`
/// are its groups' annotations (from 1.11 `Place` is the group's
/// candidate count, [`super::system_nodes`]).
pub(super) fn error(
    engine: &Engine<'_>,
    job: &Job,
    version: u64,
    updates: &BTreeMap<String, DesiredUpdates>,
) -> Option<String> {
    let v = engine.world.nomad_version;
    if job.job_type != JobType::System || !v.at_least(1, 11, 0) || v.at_least(1, 11, 3) {
        return None;
    }
    let nil = engine
        .world
        .nil_deployment_states
        .of(&job.namespace, &job.id)?;
    let candidate = |tg: &TaskGroup| updates.get(&tg.name).is_some_and(|u| u.place > 0);
    let dereferenced = job
        .groups
        .iter()
        .any(|tg| nil.groups.contains(&tg.name) && candidate(tg));
    (dereferenced && old_deployment_kept(engine, job, version, nil.job_version))
        .then(|| ERROR.to_string())
}

fn has_strategy(tg: &TaskGroup) -> bool {
    tg.update.as_ref().is_some_and(|u| u.max_parallel != 0)
}

/// Does the node reconciler leave the job's latest deployment (of job
/// version `deployed`) as the scheduler's, making no new one?
fn old_deployment_kept(engine: &Engine<'_>, job: &Job, version: u64, deployed: u64) -> bool {
    if deployed == version || !job.groups.iter().any(has_strategy) {
        return true;
    }
    let strategy: HashSet<&str> = job
        .groups
        .iter()
        .filter(|g| has_strategy(g))
        .map(|g| g.name.as_str())
        .collect();
    let every = engine
        .state
        .every_job_alloc(&job.namespace, &job.id)
        .collect::<Vec<_>>();
    let nil_finished = engine
        .world
        .nil_deployment_states
        .finished_of(&job.namespace, &job.id);
    // The diff walks every ready node of the job's scope and every node
    // holding a live allocation of it. On the first, every group reaches
    // `createDeployment`; on the others, only the names a live allocation
    // holds there.
    let eligible: HashSet<&str> = engine
        .system_order()
        .into_iter()
        .filter_map(|pos| engine.node(pos).map(|n| n.id.as_str()))
        .collect();
    let holding = every
        .iter()
        .filter(|a| a.is_live())
        .map(|a| a.node_id.as_str());
    let walked: HashSet<&str> = eligible.iter().copied().chain(holding).collect();
    !walked.into_iter().any(|node| {
        let on = || every.iter().filter(|a| a.node_id.as_str() == node);
        let reaches = eligible.contains(node)
            || on().any(|a| a.is_live() && strategy.contains(a.task_group.as_str()));
        // `hadRunning`: an allocation of the planned version (a terminal
        // one too); an update: a live one of another version on a node
        // the diff still targets. `updatingSpec` is `len(result.Update)`
        // (reconcile_node.go v1.11.2:406, v2.0.5:418), which only an
        // eligible, ready node's allocation of an older job enters
        // (v1.11.2:285-301); on a node not ready or no longer targeted it
        // is stopped or ignored (:259-283), so such a node, which reaches
        // `createDeployment` for the names it holds, makes none where it
        // had the planned version running (roll25; it counted as an
        // update, and a plan Nomad fails with the recovered panic was
        // planned as placed).
        let finished = nil_finished.iter().filter(|f| f.node_id == node);
        let seen = on()
            .map(|a| Seen::of(a))
            .chain(finished.map(Seen::finished));
        let had_running = had_running(seen, version);
        let updates =
            eligible.contains(node) && on().any(|a| a.is_live() && !a.runs_version(version));
        reaches && (!had_running || updates)
    })
}

/// One allocation of the job on a node, as `hadRunning` reads it.
struct Seen<'a> {
    name: &'a str,
    create_index: u64,
    job_version: u64,
    live: bool,
    /// Its job's `CreateIndex` is the planned job's (see [`had_running`]).
    this_registration: bool,
}

impl<'a> Seen<'a> {
    /// One the state holds, of the registration the import marked
    /// (`Allocation::earlier_registration`).
    fn of(a: &'a crate::cluster::Allocation) -> Seen<'a> {
        Seen {
            name: a.name.as_str(),
            create_index: a.create_index,
            job_version: a.job_version,
            live: a.is_live(),
            this_registration: a.earlier_registration.is_none(),
        }
    }

    /// A finished one the import kept aside for this reading alone.
    fn finished(f: &'a crate::world::nil_deployment::Finished) -> Seen<'a> {
        Seen {
            name: f.name.as_str(),
            create_index: f.create_index,
            job_version: f.job_version,
            live: false,
            this_registration: f.this_registration,
        }
    }

    fn of_planned(&self, version: u64) -> bool {
        self.job_version == version && self.this_registration
    }
}

/// `hadRunning` on one node (reconcile_node.go v1.11.2:476-491): a live
/// allocation there of the planned job, or a terminal one of it that is
/// the newest of its name there. The terminal ones it reads are
/// `terminal[nodeID]` (:406), which `SplitTerminalAllocs` fills with the
/// latest allocation (`CreateIndex`) per node and name only
/// (nomad/structs/funcs.go v1.11.2:90-123 `TerminalByNodeByName.Set`), so
/// an older terminal allocation of the planned version under a newer one
/// of another is not read. Within one registration versions only grow, so
/// that differs only across registrations: the job purged and registered
/// again while allocations of the earlier one are kept (its versions
/// start again from 0).
///
/// Nomad also asks `alloc.Job.CreateIndex == job.CreateIndex`. The
/// planned job's is the registered job's (`upsertJobImpl` keeps it,
/// nomad/state/state_store.go v1.11.2:1788; a job not registered gets the
/// plan's index, :1815, which no allocation's job has), so it tells apart
/// only an allocation of an earlier registration: a hand-written world
/// cannot state one; an import's finished one is marked
/// (`Finished::this_registration`), a live one
/// (`Allocation::earlier_registration`).
fn had_running<'a>(seen: impl Iterator<Item = Seen<'a>>, version: u64) -> bool {
    let mut newest: std::collections::HashMap<&str, Seen<'a>> = std::collections::HashMap::new();
    for a in seen {
        if a.live {
            if a.of_planned(version) {
                return true;
            }
            continue;
        }
        match newest.get(a.name) {
            Some(n) if n.create_index >= a.create_index => {}
            _ => {
                newest.insert(a.name, a);
            }
        }
    }
    newest.values().any(|a| a.of_planned(version))
}

#[cfg(test)]
mod tests {
    use super::{had_running, Seen};

    fn seen(version: u64, create_index: u64, live: bool) -> Seen<'static> {
        Seen {
            name: "web.g[0]",
            create_index,
            job_version: version,
            live,
            this_registration: true,
        }
    }

    #[test]
    fn only_the_newest_terminal_allocation_of_a_name_counts_as_had_running() {
        // Terminal v2 (index 10) under a newer terminal v1 (index 20).
        let chain = || [seen(2, 10, false), seen(1, 20, false)].into_iter();
        assert!(!had_running(chain(), 2));
        assert!(had_running(chain(), 1));
        // Newest first in the state's order: the same answer.
        let rev = [seen(1, 20, false), seen(2, 10, false)];
        assert!(!had_running(rev.into_iter(), 2));
        // Any live one of the version counts.
        let live = [seen(1, 20, false), seen(2, 5, true)];
        assert!(had_running(live.into_iter(), 2));
    }

    #[test]
    fn an_earlier_registration_s_allocation_is_no_had_running() {
        let mut other = seen(0, 40, false);
        other.this_registration = false;
        assert!(!had_running([other].into_iter(), 0));
        assert!(had_running([seen(0, 40, false)].into_iter(), 0));
    }
}
