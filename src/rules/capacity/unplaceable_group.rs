use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

pub(crate) use super::outcome_vary::outcome_may_vary;
pub use super::outcome_vary::{bound_asked, may_vary, PlanAnswer};
use super::unplaceable_draws::with_draw_help;
pub(crate) use super::unplaceable_draws::{drawn, placed_here_failing_elsewhere, Draws};
pub(crate) use super::unplaceable_draws::{untold_groups, UNTOLD_WHY};

crate::declare_rule! {
    /// ## What it does
    /// Plans the job against the simulated cluster (the world's running
    /// jobs included) and flags task groups that cannot be placed for lack
    /// of resources or feasible nodes (quota failures are NP304).
    ///
    /// Where Go's map order drew an outcome of the plan (the driver check
    /// of 0.8.0–0.9.5, a device check or offer, the order groups are
    /// placed in), the failure is one draw of several: other evaluations
    /// (node shuffles and map orders) are sampled, as `plan --samples`
    /// samples them, and the finding says how often the group fails. It
    /// stays an error at any share, and a group this check's own draw
    /// places but other draws fail is an error too: a gate must not pass a
    /// job Nomad fails to place in some of its evaluations (as `rehearse`
    /// calls such a step at risk). The share tells how likely it is.
    ///
    /// Where the running allocations sit is drawn too: Nomad shuffles the
    /// nodes at every evaluation, so a written world's running jobs (and a
    /// change set's earlier files) land elsewhere in other histories, and a
    /// change that fits after one may not after another. NP207 then
    /// samples the same node shuffles as the plan gate (`plan --changed
    /// --gate`) and words the share as it does (`it fails in 6% of 100
    /// node shuffles`), unless a room bound shows the group fits after
    /// every history (each live allocation taken as free to sit on any of
    /// the group's nodes): a change with room to spare is not replayed,
    /// nor one whose plan already fails here (an error either way).
    /// Where no draw can change which groups fail (only the group order
    /// was drawn, nothing of the job is placed, and every failing group
    /// was filtered on every node by checks of the node alone), the
    /// samples' outcome is known and they are not replayed.
    ///
    /// Where the samples see no group fail and the room bound cannot show
    /// that none does, the check does not pass it silently (R22-A-2): the
    /// shuffles are sampled again, ten times as many (1,000 for a change
    /// alone), and a failure in any of them is this error; where none
    /// fails, an advice says how far the samples go (`an allocation of
    /// job "web" is left unplaced in none of 1000 node shuffles sampled,
    /// so in under 0.3% of them at 95% confidence (rule of three)`), the
    /// gates' words, and `sampled` in JSON. Where a budget cut them below
    /// 60 (a bound over 5%: "under 30%" of 10 shuffles), the advice cannot
    /// tell (`check` exits 2), as the gates cannot: a pass over so few
    /// shuffles is no pass. No shuffle may leave an allocation unplaced
    /// (the quota's refusals, NP304's, included) for the bound to be said.
    ///
    /// A job of many groups or allocations is sampled fewer times (the
    /// sampling budget: groups × samples at most 10,000, so a job of 400
    /// groups 25 times), and the share names the number sampled; only a
    /// job too large for even 10 samples is "too large to sample", a
    /// finding that cannot tell.
    ///
    /// A plan Nomad's plan applier rejects in part (the preemptor's blind
    /// spot, a node that is not ready) is reported too. Where the model's
    /// retries of it end neither placed nor blocked (the worker's limit,
    /// "maximum attempts reached", or the model's own budget), how
    /// `nomad job run` ends depends on plans of other evaluations the
    /// model does not hold: that finding cannot tell, as `plan` exits 255
    /// for it. Sampled evaluations that end so are no failures either:
    /// the share names them apart (`it fails in 6% of 100 node shuffles;
    /// 12 of 100 cannot tell`), and a group placed here that no sampled
    /// evaluation fails for sure, but some cannot tell, is a finding that
    /// cannot tell (`check` exits 2), not an error.
    ///
    /// ## Why is this bad?
    /// `nomad job run` would create a blocked evaluation: the new version
    /// does not run until capacity frees up.
    ///
    /// ## Example
    /// ```hcl
    /// group "carts" {
    ///   count = 3   # only two clients have 1.2 GB free
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Lower the count or the resources, add clients, or give the job a
    /// priority that lets it preempt lower-priority work.
    pub struct UnplaceableGroup {
        code: "NP207",
        name: "unplaceable-group",
        severity: Error,
        summary: "A group that cannot be placed on the current cluster",
        needs: Simulation,
        answer: crate::rules::Answer::CannotTellWhen(
            "when Nomad's plan applier rejects part of the plan and how the worker's retries of it end depends on what nomad-preflight does not model"
        ),
    }
}

impl Rule for UnplaceableGroup {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let (Some(job), Some(plan)) = (ctx.job(), ctx.plan()) else {
            return;
        };
        // Go's map order drew part of this plan, or the world's history
        // (where its running allocations sit) may decide it: how often
        // each group fails over other draws (sampled once for the job).
        let may_vary = ctx.plan_may_vary();
        let draws = may_vary
            .then(|| sample_failures(ctx, job, Refusal::Place))
            .flatten();
        if may_vary && draws.is_none() {
            too_large_to_sample(ctx, job, out);
        }
        let mut elsewhere = Vec::new();
        if let Some(tally) = &draws {
            elsewhere = placed_here_failing_elsewhere(
                ctx,
                &Self::META,
                job,
                plan,
                tally,
                Refusal::Place,
                out,
            );
            super::unplaceable_draws::unseen(ctx, &Self::META, job, plan, tally, out);
        }
        rejected_by_applier(ctx, job, plan, draws.as_ref(), out);
        for (name, metric) in &plan.failed_tg_allocs {
            if !metric.quota_exhausted.is_empty() {
                continue;
            }
            let group = job.group(name);
            // A count past what the simulation holds was planned clamped:
            // its failures are not Nomad's number (NP225 says the plan
            // cannot be told, as `plan` does).
            let clients = crate::scheduler::count_bound::clients(ctx.world);
            if group.is_some_and(|g| crate::scheduler::count_bound::past_bound(job, g, clients)) {
                continue;
            }
            let span = group.and_then(|g| g.spans.get("count").or(g.spans.label).or(g.spans.block));
            let mut why: Vec<String> = metric
                .dimension_exhausted
                .iter()
                .map(|(d, n)| format!("{d} exhausted on {n} nodes"))
                .chain(
                    metric
                        .constraint_filtered
                        .iter()
                        .map(|(c, n)| format!("{c} filtered {n} nodes")),
                )
                .collect();
            if metric.nodes_evaluated == 0 {
                why.push("no nodes were eligible for evaluation".into());
            } else if why.is_empty() {
                // The BinPackIterator drops a node whose preemption cannot
                // free a network or device ask without a metric (before
                // 1.7.5, 1.6.8 and 1.5.15): Nomad's plan lists no reason.
                // A system job's metric is its first failing node's, the
                // others counted as coalesced failures, one node each.
                let evaluated = if job.job_type.is_per_node() {
                    metric.nodes_evaluated + metric.coalesced_failures
                } else {
                    metric.nodes_evaluated
                };
                why.push(format!(
                    "{evaluated} node(s) evaluated, each dropped without a metric (preemption could not free its network or device ask)"
                ));
            }
            let failed = metric.coalesced_failures + 1;
            let mut f = ctx.finding(
                &Self::META,
                span,
                format!("{failed} allocation(s) not placed"),
                format!(
                    "{failed} allocation(s) of group \"{name}\" cannot be placed: {}",
                    why.join("; ")
                ),
            );
            // Point at the asks that ran out, so the fix is one glance away.
            for t in group.map(|g| g.tasks.as_slice()).unwrap_or_default() {
                for dim in metric.dimension_exhausted.keys() {
                    if let Some(s) = t.resources.spans.get(dim) {
                        f = f.label(s, format!("{dim} asked by task \"{}\"", t.name));
                    }
                }
            }
            let help = "`nomad-preflight plan` shows the full placement failure; lower the count or resources, or add clients";
            let Some(tally) = &draws else {
                out.push(f.help(help));
                continue;
            };
            out.push(drawn(
                f,
                tally,
                name,
                &plan.drawn,
                Refusal::Place,
                ctx.world,
            ));
        }
        later_batches(ctx, job, plan, &elsewhere, out);
    }
}

/// Where the plan shown holds destructive updates back for later batches,
/// the groups the rollout's end state leaves unplaced
/// ([`super::later_batches`]): the deployment cannot finish, though the
/// plan shown places all it plans (R22-A-3). A group other shuffles of
/// the plan shown already fail or cannot tell (`elsewhere`: its finding's
/// index in `out`) gets both in that one finding.
fn later_batches(
    ctx: &RuleContext<'_>,
    job: &crate::jobspec::Job,
    plan: &crate::scheduler::PlanResult,
    elsewhere: &[(String, usize)],
    out: &mut Vec<Finding>,
) {
    let Some(sim) = ctx.sim else {
        return;
    };
    // Nothing held back, no end state to judge: asked first, as the run's
    // replays are made on their first asking, and making them hashes the
    // world's `Debug` text for its key (5.5 M instructions, over half of a
    // fat-LTO hook's main thread, for a rollout that holds nothing back).
    if !super::later_batches::holds_back_any(job, plan) {
        return;
    }
    let at = super::later_batches::Judged {
        sim,
        replays: ctx.replays(),
        earlier: ctx.earlier,
    };
    let end = super::later_batches::unplaced(&at, job, plan);
    end_state_unseen(ctx, job, &end, out);
    for b in end.batches {
        let said = elsewhere.iter().find(|(g, _)| *g == b.group);
        if let Some(f) = said.and_then(|(_, i)| out.get_mut(*i)) {
            super::later_batches::add_to(f, &job.id, &b);
            continue;
        }
        let group = job.group(&b.group);
        let span = group.and_then(|g| g.spans.get("count").or(g.spans.label).or(g.spans.block));
        let label = match (b.unplaced, b.untold.is_some()) {
            (_, true) => "cannot tell in the rollout's later batches".to_string(),
            (0, false) => "not placed in the rollout's later batches in some node shuffles".into(),
            (n, false) => format!("{n} allocation(s) not placed in the rollout's later batches"),
        };
        let f = ctx.finding(
            &UnplaceableGroup::META,
            span,
            label,
            super::later_batches::words(&job.id, &b),
        );
        let f = if b.untold.is_some() {
            f.as_cannot_tell()
        } else {
            f
        };
        out.push(f.help(super::later_batches::HELP));
    }
}

/// Where the rollout's end state passed its samples only (rv24-1): NP207's
/// advice with their bound, as the plan's own, unless the plan already
/// says one, or the file's answer is not its plan (a refusal, a plan that
/// cannot be told).
fn end_state_unseen(
    ctx: &RuleContext<'_>,
    job: &crate::jobspec::Job,
    end: &super::later_batches::EndState,
    out: &mut Vec<Finding>,
) {
    let Some(u) = end.unseen.filter(|_| end.batches.is_empty()) else {
        return;
    };
    if !ctx.refusals().is_empty()
        || ctx.cannot_know().is_some()
        || out.iter().any(|f| f.unseen.is_some())
    {
        return;
    }
    out.push(super::unplaceable_draws::bound_advice(
        ctx,
        &UnplaceableGroup::META,
        job,
        u,
        (
            "the rollout's later batches placed in every shuffle sampled, not proven",
            &super::later_batches::unseen_what(&job.id),
        ),
        "more room (a lower count or ask, another client) lets nomad-preflight prove every shuffle places the rollout's end state",
    ));
}

/// What a sampled evaluation refuses a group: a placement (NP207's
/// failures), or its quota (NP304's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    Place,
    Quota,
}

impl Refusal {
    /// The groups `r` refuses this way.
    pub(crate) fn groups(self, r: &crate::scheduler::PlanResult) -> Vec<String> {
        match self {
            Refusal::Place => failed_groups(r),
            Refusal::Quota => quota_failed_groups(r),
        }
    }

    /// How a finding words the refusal in other evaluations.
    pub(super) fn verb(self) -> &'static str {
        match self {
            Refusal::Place => "it fails",
            Refusal::Quota => "the quota refuses it",
        }
    }
}

/// The groups a plan fails to place, quota failures aside (NP304's), the
/// plan applier's rejections included (`PlanResult::unplaced_groups`),
/// also of a group the quota refuses in part: the applier rejects what
/// was placed whatever the quota says. Not a rejected group whose run's
/// end cannot be told ([`untold_groups`]): that is no failure of Nomad's
/// but a "cannot tell", counted apart. What the samples tally, and what
/// the skip's tests compare them with.
fn failed_groups(r: &crate::scheduler::PlanResult) -> Vec<String> {
    let rejected = r.rejected_groups();
    let untold = untold_groups(r);
    r.unplaced_groups()
        .into_iter()
        .filter(|g| !untold.contains(g))
        .filter(|g| {
            rejected.contains(g)
                || r.failed_tg_allocs
                    .get(g)
                    .is_none_or(|m| m.quota_exhausted.is_empty())
        })
        .collect()
}

/// The groups whose placements the quota refuses (NP304's).
fn quota_failed_groups(r: &crate::scheduler::PlanResult) -> Vec<String> {
    r.failed_tg_allocs
        .iter()
        .filter(|(_, m)| !m.quota_exhausted.is_empty())
        .map(|(n, _)| n.clone())
        .collect()
}

/// Groups the scheduler placed on a node whose part of the plan Nomad's
/// plan applier rejects (`crate::scheduler::applier`): `nomad job plan`
/// prints them allocated, `nomad job run` commits none of them there and
/// its evaluation fails. An error, as a group that cannot be placed.
fn rejected_by_applier(
    ctx: &RuleContext<'_>,
    job: &crate::jobspec::Job,
    plan: &crate::scheduler::PlanResult,
    draws: Option<&Draws>,
    out: &mut Vec<Finding>,
) {
    let Some(line) = crate::planner::applier_line(job, plan) else {
        return;
    };
    for name in &plan.rejected_groups() {
        // A group the scheduler also failed to place is said by that
        // finding (an NP207 error); this one is about what it did place.
        // A quota failure is NP304's, about the allocations the quota
        // refuses; what the scheduler did place of the group and the
        // applier rejects still needs this error, a different fact.
        if plan
            .failed_tg_allocs
            .get(name)
            .is_some_and(|m| m.quota_exhausted.is_empty())
        {
            continue;
        }
        let group = job.group(name);
        let span = group.and_then(|g| g.spans.get("count").or(g.spans.label).or(g.spans.block));
        let f = ctx.finding(
            &UnplaceableGroup::META,
            span,
            "rejected by Nomad's plan applier".to_string(),
            format!(
                "group {:?} is planned as allocated, but {line}",
                crate::escape::one_line(name)
            ),
        );
        // What to do depends on why the node refuses: the rejections
        // holding the group (every rejection for an all_at_once bystander,
        // dropped with the whole plan).
        let mut helps: Vec<&str> = plan
            .rejected
            .iter()
            .filter(|r| r.groups.contains(name))
            .map(crate::scheduler::applier::Rejection::help)
            .collect();
        if helps.is_empty() {
            helps = plan.rejected.iter().map(|r| r.help()).collect();
        }
        helps.dedup();
        // How `nomad job run` of it ends cannot be told (the line says
        // why, `PlanResult::retries_untold`): `plan` exits 255 for it, so
        // this is a "cannot tell", not an error that claims Nomad's run
        // fails; nor is the share of other draws said as "it fails".
        if plan.run_end_untold() {
            let f = with_draw_help(f.as_cannot_tell(), name, &plan.drawn);
            let help = format!(
                "{}; {}",
                helps.join("; "),
                f.help.clone().unwrap_or_default()
            );
            out.push(f.help(help));
            continue;
        }
        match draws {
            Some(tally) => out.push(drawn(
                f,
                tally,
                name,
                &plan.drawn,
                Refusal::Place,
                ctx.world,
            )),
            None => out.push(f.help(helps.join("; "))),
        }
    }
}

/// The groups `refusal` names (those that fail to place, quota failures
/// aside, for NP207; those the quota refuses for NP304) in each of
/// [`SAMPLES`](crate::rules::priority::SAMPLES) other evaluations, and
/// (NP207's) those whose run's end cannot be told ([`untold_groups`]);
/// `None` where the samples cannot be taken (the finding then stays the
/// plan's own). The samples are the file's one sampling run, which NP403
/// reads too ([`RuleContext::sampled`]).
pub(crate) fn sample_failures(
    ctx: &RuleContext<'_>,
    job: &crate::jobspec::Job,
    refusal: Refusal,
) -> Option<Draws> {
    let plan = ctx.plan()?;
    if fates_fixed(ctx, job, plan) {
        // Every other evaluation fails the same groups: the tally is this
        // plan's failures in each sample, without replaying one (nothing
        // is placed, so nothing is rejected).
        let own = refusal.groups(plan);
        let n = crate::rules::priority::samples_for(ctx.earlier.len());
        return Some(Draws::of((0..n).map(|_| (own.as_slice(), &[][..], false))));
    }
    let samples = ctx.sampled()?.ok()?;
    Some(Draws::of(samples.iter().map(|s| match refusal {
        Refusal::Place => (s.failed.as_slice(), s.untold.as_slice(), s.panicked),
        // A quota refusal is the scheduler's, whatever the applier does.
        Refusal::Quota => (s.quota.as_slice(), &[][..], false),
    })))
}

/// A job whose other evaluations are too large to sample
/// ([`crate::scheduler::count_bound::SampleWork`]): whether Nomad places
/// its groups in them is not known, so the check cannot tell (the plan's
/// own failures are still said). Where no sampling was refused, nothing.
fn too_large_to_sample(ctx: &RuleContext<'_>, job: &crate::jobspec::Job, out: &mut Vec<Finding>) {
    let Some(Err(crate::scheduler::sample::SampleError::TooLarge(work))) = ctx.sampled() else {
        return;
    };
    let span = job.spans.label.or(job.spans.block);
    let f = ctx.finding(
        &UnplaceableGroup::META,
        span,
        "cannot tell in other node shuffles".to_string(),
        format!(
            "cannot tell whether Nomad places every group of job {} in other node shuffles: {work}",
            crate::gotext::go_quote(&job.id)
        ),
    );
    out.push(f.as_cannot_tell());
}

/// Can no other evaluation change which groups fail? Sound where the
/// plan drew only the order of the groups (no driver, device or
/// preemption draw, no shuffle tie, limit or class split noted) and
/// nothing of the job is placed in any order: a new job (no allocation
/// of its own to stop, update or keep), nothing placed, preempted or
/// stopped, and each failing group failed on every node it evaluated by
/// a check of the node alone (constraints, drivers, devices, networks,
/// host volumes, class; not CSI claims, distinct_hosts or
/// distinct_property, which read what is placed), with no node
/// exhausted and no quota checked before feasibility (whose usage other
/// shuffles of the world's jobs could change; from 1.0.8 and 1.1.2 a
/// filtered node never reaches the quota). Then every group, first or last in any order and
/// under any node shuffle, walks the same nodes of the same clients and
/// filters each one the same way (scheduler/feasible.go and stack.go
/// v0.9.3, v1.6.0, v2.0.5: the FeasibilityWrapper's checks read the node
/// and the job; the placed-bound checks come after, on allocations this
/// plan has none of). When unsure, this answers false and NP207 samples.
fn fates_fixed(
    ctx: &RuleContext<'_>,
    job: &crate::jobspec::Job,
    plan: &crate::scheduler::PlanResult,
) -> bool {
    let filtered_everywhere = |m: &crate::cluster::metric::AllocMetric| {
        m.quota_exhausted.is_empty()
            && m.nodes_exhausted == 0
            && m.dimension_exhausted.is_empty()
            && m.nodes_filtered == m.nodes_evaluated
    };
    !job.job_type.is_per_node()
        && ctx.earlier.is_empty()
        && plan.only_group_order_drawn
        && plan.node_only_filters
        && plan.error.is_none()
        && plan.job_modify_index == 0
        && plan.placements.is_empty()
        && plan.preempted_allocs.is_empty()
        && plan.stops.is_empty()
        && !plan.failed_tg_allocs.is_empty()
        && plan.failed_tg_allocs.values().all(filtered_everywhere)
        // Last: it may read the world's replays.
        && quota_steady(ctx, job)
}

/// Can the quota stage not turn a filtered group's failure into a quota
/// failure (NP304's, which the tally leaves out) in another evaluation?
/// True without a quota, or where the release checks the quota after
/// feasibility (GH-10753: 1.0.8, 1.1.2 on), so a filtered node never
/// reaches it. Before, the quota is checked first, against the usage of
/// the world's allocations, which other node shuffles of the world's jobs
/// could change: true only where every sampled replay of the world
/// (cached for the run; NP207 and NP403 sample the same ones) holds the
/// usage this plan was checked against.
fn quota_steady(ctx: &RuleContext<'_>, job: &crate::jobspec::Job) -> bool {
    let world = ctx.world;
    let Some(quota) = world.quota_of(&job.namespace) else {
        return true;
    };
    if !crate::scheduler::quota::quota_before_feasibility(world.nomad_version) {
        return true;
    }
    let Some(sim) = ctx.sim else {
        return false;
    };
    let usage = |s: &crate::scheduler::Simulation| s.quota_usage(&quota.name, &world.region).ok();
    let Some(own) = usage(sim) else {
        return false;
    };
    let shared;
    let replays = match ctx.replays() {
        Some(r) => r,
        None => {
            shared = crate::scheduler::replay_cache::Shared::new(world);
            &shared
        }
    };
    (0..crate::rules::priority::samples_for(ctx.earlier.len())).all(|i| {
        let seed = crate::scheduler::sample::sample_seed(sim.seed, i);
        crate::scheduler::replay_cache::replay_read(replays, seed, usage)
            .is_ok_and(|u| u.as_ref() == Some(&own))
    })
}

#[cfg(test)]
#[path = "unplaceable_group_skip_tests.rs"]
mod skip_tests;
