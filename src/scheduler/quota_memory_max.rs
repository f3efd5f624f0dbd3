//! Whether the two readings of an ignored `memory_max` give one plan.
//!
//! With memory oversubscription off Nomad stores no `MemoryMaxMB` on the
//! allocation (scheduler/feasible/rank.go:384@v2.0.5) and usage counts the
//! task's memory (`AllocatedMemoryResources.Add`,
//! nomad/structs/structs.go:4117@v2.0.5). Enterprise's quota stage sizes
//! the ask before the ranker, in private code, so it may count either the
//! memory (reading A, the one the simulation places with) or the
//! `memory_max` (reading B, for the ask and, at worst, for the plan's own
//! placements too). `quota_unsimulated` says "cannot tell" for such a job;
//! this module takes that back where the simulation's plan (reading A)
//! shows that reading B gives the same plan, word for word:
//!
//! - both fit: today's usage of the quota, plus reading B's share of every
//!   allocation the plan places and of every one it failed to place, stays
//!   within the `memory_max` limit. That bound counts no stop and no
//!   preemption (each only lowers usage) and an in-place update's new share
//!   beside its old one, so no quota stage under either reading meets the
//!   limit, and every other dimension reads the same.
//! - both refused alike: the plan places, stops and preempts nothing (so
//!   usage never changes between its selections) and every group failed
//!   at the quota stage on `cpu`, `cores` or `memory`, which Nomad's
//!   `Superset` checks before `memory_max` and both readings count alike:
//!   reading B meets the same first dimension with the same figure.
//!
//! Between those the readings may differ (one places, the other is refused;
//! or both are refused by `memory_max` with a different "needed" figure in
//! Nomad's text), and the "cannot tell" stays.

use crate::cluster::usage::QuotaUsage;
use crate::jobspec::{Job, TaskGroup};
use crate::scheduler::{PlanResult, Simulation};
use crate::structs::resources::task_group_resources;
use crate::version::NomadVersion;

/// Does reading B give `result`, the plan of `job` under reading A, under
/// the quota `quota` whose `memory_max` limit is `limit`?
pub fn readings_agree(
    sim: &Simulation,
    job: &Job,
    result: &PlanResult,
    quota: &str,
    limit: i64,
) -> bool {
    both_fit(sim, job, result, quota, limit) || refused_alike(result)
}

/// One allocation of `tg` under reading B: its tasks' `memory_max` (their
/// memory where lower), or `None` for a task without a max (`-1`,
/// `structs.MemoryNoLimit`), which no limit holds.
fn share_b(tg: &TaskGroup, version: NomadVersion) -> Option<i64> {
    if tg.tasks.iter().any(|t| t.resources.memory_max_mb < 0) {
        return None;
    }
    Some(QuotaUsage::of(&task_group_resources(tg, version)).memory_max)
}

fn both_fit(sim: &Simulation, job: &Job, result: &PlanResult, quota: &str, limit: i64) -> bool {
    if limit <= 0 {
        return false;
    }
    let Ok(base) = sim.quota_usage(quota, &sim.world.region) else {
        return false;
    };
    let group = |name: &str| job.groups.iter().find(|g| g.name == name);
    let placed = result
        .placements
        .iter()
        .map(|p| (p.alloc.task_group.as_str(), 1u64));
    // A failed group tried `coalesced_failures + 1` placements.
    let failed = result
        .failed_tg_allocs
        .iter()
        .map(|(g, m)| (g.as_str(), m.coalesced_failures.saturating_add(1)));
    let mut total = Some(base.memory_max);
    for (name, n) in placed.chain(failed) {
        let share = group(name).and_then(|g| share_b(g, sim.world.nomad_version));
        total = share
            .and_then(|s| s.checked_mul(i64::try_from(n).ok()?))
            .and_then(|add| total?.checked_add(add));
    }
    total.is_some_and(|t| t <= limit)
}

fn refused_alike(result: &PlanResult) -> bool {
    result.placements.is_empty()
        && result.stops.is_empty()
        && result.preempted_allocs.is_empty()
        && !result.failed_tg_allocs.is_empty()
        && result.failed_tg_allocs.values().all(|m| {
            !m.quota_exhausted.is_empty()
                && m.quota_exhausted.iter().all(|q| !q.contains("memory_max"))
        })
}
