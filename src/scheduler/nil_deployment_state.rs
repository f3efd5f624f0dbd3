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
        let had_running = on().any(|a| a.job_version == version);
        let updates =
            eligible.contains(node) && on().any(|a| a.is_live() && a.job_version != version);
        reaches && (!had_running || updates)
    })
}
