//! Whether another evaluation may change a plan's outcome
//! ([`may_vary`]), and the one judgement built on it that `check`, both
//! plan gates and `plan --samples` ask before they sample ten times more
//! and say a sample's bound ([`bound_asked`], R22-A-2).
//!
//! The decision "no sample failed and no bound proves the plan" was
//! written three times (`RuleContext::sampled`, `cli::plan::policy::sample`,
//! `cli::plan::samples::sampled_and_judged`) with predicates that drifted
//! apart: `check`'s learnt that a refused or cannot-tell plan has nothing
//! to bound, the gates' did not. Each now asks [`bound_asked`] with what
//! answers its plan ([`PlanAnswer`]).

use crate::rules::RuleContext;

/// What answers a plan, as a sample's bound sees it: only a plan that is
/// the answer (shown as Nomad's text, and committed by `nomad job run`)
/// has placements whose odds a bound can speak of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanAnswer {
    /// The plan shown is Nomad's answer and `nomad job run` of it commits.
    Plan,
    /// The servers, the CLI or `Job.Register` refuse the job: the refusal
    /// is the answer (nomad/job_endpoint.go v2.0.5:232 returns before the
    /// raftApply at :358), no evaluation, no shuffle.
    Refused,
    /// The plan cannot be told (NP225's question, `plan` exits 255): an
    /// advice beside it would speak of a plan nobody shows.
    CannotTell,
}

impl PlanAnswer {
    /// The answer of a plan `admitted` (or refused) whose outcome
    /// `cannot_tell` (or can be told); a refusal is said first, as `plan`
    /// says it.
    pub fn of(admitted: bool, cannot_tell: bool) -> PlanAnswer {
        if !admitted {
            PlanAnswer::Refused
        } else if cannot_tell {
            PlanAnswer::CannotTell
        } else {
            PlanAnswer::Plan
        }
    }
}

/// Does a sample that sees no failure of `plan` need its bound said, and
/// so ten times more shuffles first (R22-A-2)? Where `answer` is the plan
/// itself, the plan places something (a plan that places nothing, an
/// unchanged job, asks no room) and another evaluation may change that
/// (`may_vary`, asked last: it is the room bound, the costly part, and
/// `check` caches it): "no failure" is then the samples' word alone.
/// The one predicate every consumer asks
/// ([`crate::rules::priority::resample`]).
pub fn bound_asked(
    answer: PlanAnswer,
    plan: &crate::scheduler::PlanResult,
    may_vary: impl FnOnce() -> bool,
) -> bool {
    answer == PlanAnswer::Plan && !plan.placements.is_empty() && may_vary()
}

/// Can another evaluation of this plan fail what this one places, or
/// place what it fails? Where Go's map order drew part of the plan (its
/// notes); where the world's history is drawn again in each replay (a
/// written world's running jobs are placed by the simulation, and a change
/// set's earlier files by their own evaluations: their node shuffles,
/// scheduler/stack.go v0.9.3:68, feasible/stack.go v2.0.5:82, decide where
/// their allocations sit); and where the plan's own placements compete for
/// nodes ([`placements_compete`]: the evaluation's shuffle decides where
/// an earlier one lands and so what room a later one finds, with no
/// history at all). In the last two, unless the plan shown
/// already fails (an error either way) or the room bound shows it fits
/// after every history and every shuffle
/// ([`crate::scheduler::history_bound`], which already takes the plan's
/// other placements as free to land on any node). Otherwise (an import's
/// allocations are read where they run, nothing is submitted first, no
/// draw is noted, and at most one placement is walked for) every replay
/// is this plan. The one rule NP207 and NP304 sample by, and the plan gate
/// samples a protected job whatever it says
/// (`cli::plan::policy::at_stake`), so they agree.
pub(crate) fn outcome_may_vary(ctx: &RuleContext<'_>, plan: &crate::scheduler::PlanResult) -> bool {
    may_vary(
        ctx.world,
        ctx.sim,
        !ctx.earlier.is_empty(),
        ctx.planned_job(),
        plan,
    )
}

/// [`outcome_may_vary`] of `plan`, made in `sim` of `world` after
/// `earlier` planned changes (or none), of `planned` (the job as the
/// admission mutators leave it): the one judgement `check` and the plan
/// gates (`cli::plan::policy`) ask, so that where one says the samples'
/// bound (R22-A-2) the other does too.
pub fn may_vary(
    world: &crate::world::World,
    sim: Option<&crate::scheduler::Simulation>,
    earlier: bool,
    planned: Option<&crate::jobspec::Job>,
    plan: &crate::scheduler::PlanResult,
) -> bool {
    if !plan.drawn.is_empty() {
        return true;
    }
    let history = crate::scheduler::sample::history_redrawn(world).is_some() || earlier;
    let shuffled = planned.is_some_and(|job| placements_compete(job, plan));
    // A plan that already leaves something unplaced is an error of the
    // file (NP207's, NP304's) whatever other histories do: no all-clear to
    // guard, and replaying the world for its share alone would cost every
    // failing file of a folder a hundred plans.
    let fails = !plan.failed_tg_allocs.is_empty() || !plan.unplaced_groups().is_empty();
    (history || shuffled)
        && !fails
        && !sim.zip(planned).is_some_and(|(sim, job)| {
            !crate::rules::priority::preemption_possible(world, sim, job)
                && crate::scheduler::history_bound::fits_every_history(sim, job, plan)
        })
}

/// Do the plan's own placements compete for nodes, so that the node
/// shuffle may decide whether each is placed, whatever the world's
/// history? Nomad shuffles the ready nodes once per evaluation before it
/// places (`computePlacements` -> `setNodes`, scheduler/generic_sched.go
/// v2.0.5:487-493 and 784-790; `SetNodes` -> `ShuffleNodes`,
/// feasible/stack.go :80-82, feasible.go :135), and each placement walks
/// on from where the last stopped, so where one lands is a draw and a
/// later one finds what it left (room21: group "b" on the one client
/// group "a"'s constraint allows fails "a" in about half the shuffles,
/// with no draw noted). Two placements at least, each walked for a node:
/// an in-place update is judged on its own node alone (`inplaceUpdate`
/// sets the stack's nodes to it, util.go v2.0.5:571-626), before any
/// placement. A per-node job places each allocation on its node, with no
/// walk (scheduler_system.go v2.0.5:475-497); its group order is a noted
/// draw.
fn placements_compete(job: &crate::jobspec::Job, plan: &crate::scheduler::PlanResult) -> bool {
    !job.job_type.is_per_node()
        && plan
            .placements
            .iter()
            .filter(|p| !p.in_place)
            .nth(1)
            .is_some()
}
