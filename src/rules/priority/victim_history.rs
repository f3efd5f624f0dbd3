//! Whether NP403 samples other histories (stop 59 Left 5): a victim this
//! replay's history already evicted (or never placed) may be live in
//! another, where the planned job preempts it.
//!
//! Nomad shuffles the nodes at every evaluation (scheduler/stack.go
//! v0.9.3:68, scheduler/feasible/stack.go v2.0.5:82), so where a written
//! world's running jobs sit, and which of them an earlier file of a change
//! set evicts, differs between replays
//! ([`crate::scheduler::sample::history_redrawn`], `ctx.earlier`). Reading
//! only this replay's live allocations ([`super::preemption_possible`])
//! skips the samples whenever every lower-priority allocation happens to be
//! gone here: NP403 then says nothing (a false all-clear) although the
//! plan gate's shuffles, which replay the same histories, preempt it in
//! some. The histories are not replayed for this question: every
//! registered job is registered in each of them (only placements differ),
//! so a job Nomad could preempt in some history is one the state
//! registers, not stopped, with something to place, far enough below.

use crate::jobspec::Job;
use crate::rules::RuleContext;
use crate::scheduler::preempt::{outranks, preemption_on};
use crate::scheduler::Simulation;

/// Can `job`'s plan preempt anything in this replay's history, or in
/// another history the samples replay? The first is
/// [`super::preemption_possible`]; the second holds where histories are
/// drawn again and a registered job far enough below (or an allocation
/// this history evicted) could be live there.
pub fn possible_in_some_history(ctx: &RuleContext<'_>, sim: &Simulation, job: &Job) -> bool {
    if super::preemption_possible(ctx.world, sim, job) {
        return true;
    }
    let redrawn =
        crate::scheduler::sample::history_redrawn(ctx.world).is_some() || !ctx.earlier.is_empty();
    redrawn
        && preemption_on(ctx.world, job.job_type)
        && lower_elsewhere(sim, job).any(|p| outranks(job.priority, p))
}

/// The priorities that may be live in another history: each registered
/// job's other than `job` (not stopped, some group with a count), and
/// each allocation of another job this history holds, live or not (one
/// evicted here keeps its priority).
fn lower_elsewhere<'s>(sim: &'s Simulation, job: &'s Job) -> impl Iterator<Item = i64> + 's {
    let other = move |ns: &str, id: &str| !(ns == job.namespace && id == job.id);
    let registered = sim
        .state
        .jobs
        .values()
        .map(|r| &*r.job)
        .filter(move |j| other(&j.namespace, &j.id))
        .filter(|j| !j.stop && j.groups.iter().any(|g| g.count > 0))
        .map(|j| j.priority);
    let held = sim
        .state
        .allocs
        .iter()
        .filter(move |a| other(a.namespace.as_str(), a.job_id.as_str()))
        .map(|a| a.job_priority);
    registered.chain(held)
}
