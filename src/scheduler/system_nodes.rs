//! The system scheduler from Nomad 1.11 (scheduler_system.go with the node
//! reconciler, reconciler/reconcile_node.go; the same to 2.0.5), where it
//! differs from the one before, for a plan's counts:
//! - `evictAndPlace` replaces at most the group's `update.max_parallel`
//!   allocations (else the job's, else all of them) per evaluation, with
//!   no stagger and no follow-up evaluation: a job written without
//!   `update` is stored with Nomad's default strategy from 1.11
//!   (`DefaultUpdateStrategy`, max_parallel 1), so it rolls one node at a
//!   time. The annotation counts every destructive update.
//! - The annotation's `Place` is overwritten with the group's candidate
//!   nodes (`tgCandidateNodeCounts`): every allocation placed, updated in
//!   place, replaced or ignored, less each node whose select failed. An
//!   unchanged job on N nodes plans `N create, N ignore`.
//!
//! Not simulated (the plan keeps the counts above): canaries of a system
//! group (`update.canary`, 1.11+) and the deployment's own state.

use super::DesiredUpdates;
use crate::jobspec::{Job, TaskGroup};

/// The group's limit on replacements in one evaluation.
pub fn group_limit(job: &Job, tg: &TaskGroup) -> usize {
    let positive = |u: Option<&crate::jobspec::UpdateStrategy>| {
        u.map(|u| u.max_parallel)
            .filter(|&m| m > 0)
            .and_then(|m| usize::try_from(m).ok())
    };
    positive(tg.update.as_ref())
        .or_else(|| positive(job.update.as_ref()))
        .unwrap_or(usize::MAX)
}

/// `tgCandidateNodeCounts`: the Place, in-place, ignore and update
/// buckets, less the failed selects. `new_places`: the Place bucket.
pub fn candidates(du: &DesiredUpdates, new_places: u64, failed_selects: u64) -> u64 {
    (new_places + du.in_place_update + du.ignore + du.destructive_update)
        .saturating_sub(failed_selects)
}
