//! How many allocations of a group `nomad job run` of a plan leaves
//! unplaced: the one count the plan gate gives the plan shown and the
//! rollout's end state gives its groups (`rules::capacity::later_batches`).

use super::PlanResult;

impl PlanResult {
    /// How many allocations of `group` `nomad job run` of this plan
    /// leaves unplaced: those the scheduler fails to place, and those it
    /// places where the plan applier drops the node's part (or, with
    /// `all_at_once`, the whole plan: nomad/plan_apply.go v2.0.5:776-843).
    pub fn unplaced_in_run(&self, group: &str) -> u64 {
        // A failure's metric counts the first and the coalesced others
        // (scheduler/generic_sched.go v2.0.5 `failedTGAllocs`).
        let failed = self
            .failed_tg_allocs
            .get(group)
            .map_or(0, |m| m.coalesced_failures + 1);
        let whole = self.rejected_whole.iter().any(|g| g == group);
        let dropped = self
            .placements
            .iter()
            .filter(|p| p.alloc.task_group.as_str() == group)
            .filter(|p| {
                whole
                    || self
                        .rejected
                        .iter()
                        .any(|r| r.node_id == p.alloc.node_id.as_str())
            })
            .count();
        failed + dropped as u64
    }
}
