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
//! Not simulated: canaries of a system group (`update.canary`, 1.11+),
//! which change what the evaluation places ([`canary_unknown`] makes such
//! a plan "cannot tell"), and the deployment's own state.

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

/// A system group whose destructive update Nomad 1.11+ would canary
/// (`isCanarying` in scheduler_system.go: a positive `update.canary`, a
/// job already registered, at least one destructive update; a promoted
/// deployment cannot be one the plan creates). Nomad then places only the
/// canaries its `evictUnneededCanaries` keeps, which we do not simulate:
/// printing our counts instead would be a confident wrong plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemCanaryUnknown {
    pub group: String,
    pub canary: i64,
    pub destructive: u64,
}

pub fn canary_unknown(
    version: crate::version::NomadVersion,
    job: &Job,
    registered: bool,
    updates: &std::collections::BTreeMap<String, DesiredUpdates>,
) -> Option<SystemCanaryUnknown> {
    if job.job_type != crate::jobspec::JobType::System || !version.at_least(1, 11, 0) || !registered
    {
        return None;
    }
    job.groups.iter().find_map(|tg| {
        let canary = tg
            .update
            .as_ref()
            .or(job.update.as_ref())
            .map_or(0, |u| u.canary);
        let destructive = updates.get(&tg.name).map_or(0, |d| d.destructive_update);
        (canary > 0 && destructive > 0).then(|| SystemCanaryUnknown {
            group: tg.name.clone(),
            canary,
            destructive,
        })
    })
}

impl SystemCanaryUnknown {
    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        format!(
            "cannot tell what the plan of job {} places: system group {} sets update canary = {} and {} of its allocations are replaced; from Nomad 1.11 such an update places canaries first, which nomad-preflight does not simulate; judge it on the cluster (`nomad job plan`), or plan it with canary = 0",
            crate::gotext::go_quote(&job.id),
            crate::gotext::go_quote(&self.group),
            self.canary,
            self.destructive,
        )
    }

    /// `Preflight.SystemCanary` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "Known": false,
            "TaskGroup": self.group,
            "Canary": self.canary,
            "DestructiveUpdates": self.destructive,
        })
    }

    pub const HINT: &'static str =
        "system job canaries (Nomad 1.11+) are not simulated; judge the plan on the cluster";
}

/// Does a system group whose every placement was filtered fail (Nomad
/// 1.2.0+, scheduler_system.go computePlacements: `queued <= 0`), and
/// not when an allocation of the group is kept or updated in place (1.10.2+,
/// `existingByTaskGroup`)? Before 1.2 filtered nodes are never failures.
pub fn all_filtered_fails(
    version: crate::version::NomadVersion,
    du: &super::DesiredUpdates,
) -> bool {
    version.at_least(1, 2, 0)
        && (!version.has(crate::version::Fix::SystemKeptNotFailed)
            || (du.ignore == 0 && du.in_place_update == 0))
}
