//! A failed service (or batch) allocation an import holds, not replaced
//! yet: its reschedule decided ([`super::api_reschedule`]) with the policy
//! of the job version it runs, then pinned with the outcome (held in its
//! group's count, or due now) or left a guess (`import::alloc-state`,
//! saying why), under every release simulated (0.9.0 on; whether the
//! release stops one due now is the scheduler's:
//! [`crate::scheduler::reconcile_group::stops_rescheduled`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::api_json::s;
use super::model::{JobIndexes, Pinned, World};
use crate::structs::Allocation;

/// What the allocations are read against.
#[derive(Debug, Default)]
pub struct AllocContext {
    /// The imported nodes' IDs.
    pub nodes: HashSet<String>,
    /// Those whose status is `disconnected`.
    pub disconnected: HashSet<String>,
    /// Those the reconcilers taint: down, disconnected or draining.
    pub tainted: HashSet<String>,
    /// Those `down`.
    pub down: HashSet<String>,
    /// Those `ready` and draining: tainted, where `filterByTainted`
    /// before 1.7.2 reads an `unknown` allocation as reconnecting.
    pub draining_ready: HashSet<String>,
    /// When the import was saved (Unix nanoseconds, `saved-at.txt`): the
    /// "now" of a failed allocation's reschedule.
    pub saved_at: Option<i128>,
    /// The registered jobs' versions saved beside them, by (namespace,
    /// job, version) (import/jobs.rs `load_job_versions`).
    pub job_versions: BTreeMap<(String, String, u64), crate::jobspec::Job>,
    /// The jobs `jobs.json` lists (`/v1/jobs`: what the cluster registers
    /// now); `None` when it is not saved (import/jobs.rs `job_list`).
    pub listed_jobs: Option<std::collections::BTreeSet<(String, String)>>,
}

impl AllocContext {
    /// Does the saved list say the cluster registers `key`? Without the
    /// list, any job may be.
    pub(super) fn lists(&self, key: &(String, String)) -> bool {
        self.listed_jobs.as_ref().is_none_or(|l| l.contains(key))
    }
}

/// A failed service allocation not replaced yet, decided once every
/// embedded job version is known.
pub(super) struct Failed<'v> {
    pub(super) json: &'v Value,
    pub(super) alloc: Allocation,
    pub(super) key: (String, String),
}

/// What the allocations were read against, once all are read.
pub(super) struct Read<'a> {
    /// The indexes of the jobs under `jobs/`.
    pub(super) versions: &'a BTreeMap<(String, String), JobIndexes>,
    /// Registered jobs: their place in `world.running`.
    pub(super) known: &'a HashMap<(String, String), usize>,
    /// Jobs with a live allocation.
    pub(super) live_jobs: &'a HashSet<(String, String)>,
    pub(super) ctx: &'a AllocContext,
}

/// Decide a failed service allocation ([`super::api_reschedule`]): held in
/// its group's count or due now, pinned with that mark; or not decidable,
/// its job's plan a guess (`import::alloc-state`).
pub(super) fn decide_failed(
    f: Failed<'_>,
    world: &mut World,
    read: &Read<'_>,
    pinned: &mut Pinned,
    placed_by: &mut BTreeMap<(String, String), String>,
) {
    let Read {
        versions,
        known,
        live_jobs,
        ctx,
    } = read;
    use super::api_reschedule::{decide, Outcome};
    let Failed {
        json,
        mut alloc,
        key,
    } = f;
    // A purged job's allocations wait for collection: nothing reads them.
    let registered = known.get(&key);
    if registered.is_none() && !live_jobs.contains(&key) {
        return;
    }
    // The policy of the version the allocation runs (Nomad reads
    // `alloc.Job`: `Allocation.ReschedulePolicy`, nomad/structs/
    // structs.go v1.10.5:11304), embedded or registered. An earlier
    // registration's version N is not the registered job's version N
    // (`spec_key`): read by the registered job's policy, one whose own
    // group never reschedules was stopped and replaced, and one whose own
    // group reschedules now was held in the count (load28).
    let version = alloc.job_version;
    let job = pinned.history.get(&alloc.spec_key()).or_else(|| {
        versions
            .get(&key)
            .filter(|ix| alloc.runs_version(ix.version))?;
        registered
            .and_then(|&k| world.running.get(k))
            .map(|r| &r.job)
    });
    // A canary is stopped, not rescheduled, once its deployment is
    // cancelled or failed unless promoted: not simulated, as a live one.
    let canary =
        super::api_alloc_state::is_canary(json).then_some(super::api_alloc_state::FAILED_CANARY);
    let unreadable = super::api_alloc_state::reconnect_unread(
        json,
        &alloc,
        &ctx.disconnected,
        world.nomad_version,
    )
    .or(canary);
    let outcome = match (unreadable, job) {
        (Some(why), _) => Outcome::Unknown(why.to_string()),
        (None, None) => decide(json, None, ctx.saved_at),
        (None, Some(job)) => match job.group(&alloc.task_group) {
            Some(g) => match g.reschedule.as_ref() {
                Some(p) => decide(json, Some(p), ctx.saved_at),
                None => Outcome::Unknown(format!(
                    "job version {version} stores no reschedule policy for its group"
                )),
            },
            None => Outcome::Unknown(format!("its group is not in job version {version}")),
        },
    };
    let deployment = s(json, "DeploymentID");
    match outcome {
        Outcome::Unknown(why) => {
            world.alloc_states.entry(key).or_insert_with(|| {
                format!(
                    "allocation {} is failed and not replaced yet, and {why}",
                    alloc.id
                )
            });
        }
        Outcome::Now | Outcome::Held(_) | Outcome::Later(_) => {
            alloc.reschedule_now = matches!(outcome, Outcome::Now);
            // Counted `RescheduleLater` only before its follow-up
            // evaluation is made (`updateByReschedulable`,
            // scheduler/reconciler/filters.go v2.0.5:563-565:
            // `eligible && alloc.FollowupEvalID == ""`); once made, the
            // reconciler reads it untainted alone.
            alloc.reschedule_later =
                matches!(outcome, Outcome::Later(_)) && s(json, "FollowupEvalID").is_empty();
            if !deployment.is_empty() {
                placed_by.entry(key).or_insert(deployment);
            }
            pinned.allocs.push(alloc);
        }
    }
}
