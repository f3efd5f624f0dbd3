//! A rolling update's end state (R22-A-3).
//!
//! Nomad plans only a deployment's first batch: the reconciler limits a
//! group's destructive updates to `max_parallel` while no deployment runs
//! (scheduler/reconciler/reconcile_cluster.go v2.0.5:794-800 `computeLimit`,
//! :985 `min(len(destructive), underProvisionedBy)`), and places canaries
//! alone before promotion. The rest are placed by evaluations the
//! deployment watcher creates as the batches turn healthy
//! (nomad/deploymentwatcher/deployment_watcher.go v2.0.5:547, :819
//! `createBatchedUpdate`); one that finds no room records the failure and
//! keeps the old allocation (scheduler/generic_sched.go v2.0.5:690-705), and
//! the deployment fails at its progress deadline. The plan shown is right,
//! so its text stays; what the gates judge is also the end state: the same
//! job with every group's update covering all its destructive updates at
//! once (`max_parallel = count`, no canaries), planned against the same
//! state. The one judgement NP207 and the plan gate
//! (`cli::plan::policy`) read.

use crate::jobspec::Job;
use crate::scheduler::{PlanResult, Simulation};

/// A group the rollout's later batches leave unplaced, where the plan shown
/// placed all it planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaterBatch {
    pub group: String,
    /// Allocations of the end state left unplaced.
    pub unplaced: u64,
}

/// The one line both gates give such a group.
pub fn words(job_id: &str, b: &LaterBatch) -> String {
    format!(
        "the rollout's later batches leave {} allocation(s) of job {job_id:?} (group {:?}) unplaced: the plan shows only the first `max_parallel` batch (or the canaries), and the same job with every destructive update placed at once does not fit, so the deployment cannot finish",
        b.unplaced, b.group
    )
}

/// Does a group of `count` with update strategy `s` roll out in batches
/// (canaries first, or `max_parallel` below the count)?
fn batched(count: i64, s: &crate::jobspec::UpdateStrategy) -> bool {
    s.canary > 0 || (s.max_parallel > 0 && s.max_parallel < count)
}

/// Does the plan shown hold destructive updates back for later batches?
fn holds_back(job: &Job, plan: &PlanResult) -> bool {
    plan.desired_tg_updates.iter().any(|(name, u)| {
        let batched = job
            .group(name)
            .is_some_and(|g| g.update.as_ref().is_some_and(|s| batched(g.count, s)));
        batched && (u.canary > 0 || (u.destructive_update > 0 && u.ignore > 0))
    })
}

/// `job` with every group's update covering all its allocations at once;
/// None when no group's update is batched.
fn end_state(job: &Job) -> Option<Job> {
    let mut out = job.clone();
    let mut changed = false;
    for g in &mut out.groups {
        let count = g.count;
        if let Some(u) = g.update.as_mut() {
            if batched(count, u) {
                u.max_parallel = count.max(1);
                u.canary = 0;
                changed = true;
            }
        }
    }
    changed.then_some(out)
}

/// The groups the rollout of `job` (its plan shown: `plan`, made in `sim`)
/// leaves unplaced in its later batches and the plan shown does not. Empty
/// when nothing is held back or the end state fits.
pub fn unplaced(sim: &Simulation, job: &Job, plan: &PlanResult) -> Vec<LaterBatch> {
    if job.stop || !holds_back(job, plan) {
        return Vec::new();
    }
    let Some(end) = end_state(job) else {
        return Vec::new();
    };
    let after = sim.plan(&end);
    let shown = plan.unplaced_groups();
    after
        .failed_tg_allocs
        .iter()
        .filter(|(name, _)| !shown.contains(name))
        .map(|(name, metric)| LaterBatch {
            group: name.clone(),
            unplaced: crate::render::metrics::failed_count(metric).0,
        })
        .collect()
}
