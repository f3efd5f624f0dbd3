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
//!
//! With canaries the end state is the promoted deployment's: the plan
//! shown places `canary` allocations beside the old ones
//! (reconcile_cluster.go v2.0.5:689-725 `requiresCanaries`,
//! `computeCanaries`) and holds every destructive update back (:541
//! `Ignore += len(destructive)` while `isCanarying`); once promoted, the
//! canaries count toward `count`, as many old allocations as there are
//! canaries are stopped (:1147-1160, `computeStop` prefers the canaries'
//! names) and the rest are replaced in `max_parallel` batches (:539).
//! Either way `count` allocations of the new version run and none of the
//! old: the room the end state planned here needs. Canaries that do not
//! fit are the plan shown's failure (NP207's own).
//!
//! The end state is judged as the first plan is: what Nomad's plan
//! applier drops counts as unplaced (nomad/plan_apply.go v2.0.5:776-843
//! `evaluateNodePlan`, read through [`Sampled`]), and where its outcome may
//! vary with the node shuffle and the world's history
//! ([`may_vary`](super::unplaceable_group::may_vary), NP207's judgement)
//! it is sampled over the same shuffles, more where none fails
//! ([`crate::rules::priority::unseen_samples_of`]), and a group some
//! shuffle leaves unplaced is refused with its share.

use crate::jobspec::Job;
use crate::rules::priority::Sampled;
use crate::scheduler::replay_cache::Shared;
use crate::scheduler::sim::Submitted;
use crate::scheduler::{PlanResult, Simulation};

/// A group the rollout's later batches leave unplaced (or cannot tell),
/// where the plan shown placed all it planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaterBatch {
    pub group: String,
    /// Allocations the end state planned here leaves unplaced: the
    /// scheduler's failures and what the plan applier drops (0 where only
    /// other shuffles leave some). Every destructive update at once, not
    /// the batches: see `up_to`.
    pub unplaced: u64,
    /// The most the rollout's batches can leave unplaced: the group's
    /// count less what the plan shown places of the new version (its
    /// first batch or canaries, which promoted count toward `count`). How
    /// many they do leave is not this end state's count: a batch whose
    /// every placement fails keeps its old allocations
    /// (scheduler/generic_sched.go v2.0.5:702-705 `PopUpdate`) and starts
    /// no later one (the deployment watcher creates the next batch's
    /// evaluation as allocations turn healthy:
    /// nomad/deploymentwatcher/deployment_watcher.go v2.0.5:547, :819),
    /// so the rest stay on the old version; a batch that places some goes
    /// on, and its next evaluation tries the failed ones again first
    /// (`destructive.nameOrder()`, reconcile_cluster.go v2.0.5:988).
    pub up_to: u64,
    /// In how many of the end state's sampled node shuffles the group is
    /// left unplaced (or cannot be told, with `untold`): `(hits, samples)`.
    /// None: not sampled (the end state's outcome does not vary, or it
    /// already fails here).
    pub shuffles: Option<(u32, u32)>,
    /// Why how the end state's run ends cannot be told for this group
    /// (the applier's retries, a sampling too large): not a refusal, the
    /// gates cannot tell.
    pub untold: Option<String>,
    /// For a group without later batches of its own (unbatched, placed
    /// by the plan shown) whom the end state fails: the held-back groups
    /// whose later batches meet that shortage (rv25-2). Empty otherwise.
    pub behind: Vec<String>,
}

impl LaterBatch {
    /// The held-back groups whose later batches stall on this group's
    /// shortage: the group itself where its own updates are held back,
    /// else the batched groups it is `behind` (the text names them too).
    pub fn stalled(&self) -> Vec<String> {
        if self.behind.is_empty() {
            vec![self.group.clone()]
        } else {
            self.behind.clone()
        }
    }
}

/// What the rollout's end state says of `job`: the groups its later
/// batches leave unplaced (or cannot tell), and where the end state was
/// sampled and no shuffle left anything unplaced, how far the samples go
/// (rv24-1: a pass over samples only is said, never bare).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndState {
    pub batches: Vec<LaterBatch>,
    pub unseen: Option<crate::unseen::Unseen>,
}

/// The subject of the end state's sample bound ([`crate::unseen::Unseen::line`]).
pub fn unseen_what(job_id: &str) -> String {
    format!(
        "the rollout's later batches of job {} leave an allocation unplaced",
        crate::gotext::go_quote(job_id)
    )
}

/// NP207's advice for a group the rollout's later batches leave unplaced,
/// alone or joined to the plan shown's finding ([`add_to`]).
pub const HELP: &str = "`nomad-preflight plan` shows the first batch only; lower the count or resources, or add clients, so that every allocation of the new version fits";

/// The one line both gates give such a group.
pub fn words(job_id: &str, b: &LaterBatch) -> String {
    if let Some(why) = &b.untold {
        return format!(
            "cannot tell whether the rollout's later batches place every allocation of job {job_id:?} (group {:?}): {why}",
            b.group
        );
    }
    let share = b
        .shuffles
        .map(|(hits, n)| crate::rules::priority::how_often(hits, n));
    let what = match (b.unplaced, share) {
        (0, Some(s)) => format!(
            "allocations of job {job_id:?} (group {:?}) unplaced {s} (none in the end state planned here)",
            b.group
        ),
        (n, _) if !b.behind.is_empty() => {
            let groups: Vec<String> = b.behind.iter().map(|g| format!("{g:?}")).collect();
            return format!(
                "the rollout's later batches of job {job_id:?} (group {}) do not fit beside {n} allocation(s) of job {job_id:?} (group {:?}): the plan shows only the first `max_parallel` batch (or the canaries), and the same job with every destructive update placed at once leaves them unplaced, so the deployment cannot finish (a batch that places none stalls it with the rest on the old version)",
                groups.join(", "),
                b.group
            );
        }
        (n, share) => {
            // Some sampled group orders and shuffles place it (roll26):
            // the deployment may finish there.
            let (odds, end) = match (b.shuffles, share) {
                (Some((hits, of)), Some(s)) if hits < of => (
                    format!(" here, and leaves some unplaced {s} (Nomad's group order and node shuffle are random)"),
                    "may not finish",
                ),
                _ => (String::new(), "cannot finish"),
            };
            return format!(
                "the rollout's later batches leave up to {} allocation(s) of job {job_id:?} (group {:?}) unplaced: the plan shows only the first `max_parallel` batch (or the canaries), and the same job with every destructive update placed at once leaves {n} unplaced{odds}, so the deployment {end} (how many its batches leave depends on the room each meets: one that places none stalls it with the rest on the old version)",
                b.up_to.max(n),
                b.group
            );
        }
    };
    format!(
        "the rollout's later batches leave {what}: the plan shows only the first `max_parallel` batch (or the canaries), and the same job with every destructive update placed at once does not fit, so the deployment cannot finish"
    )
}

/// `f`, the finding of what other shuffles of the plan shown do to
/// group `b.group`, with what the rollout's later batches do to it too:
/// one finding per group, saying both. A refusal of either makes it a
/// refusal; it stays "cannot tell" only where both cannot tell.
pub fn add_to(f: &mut crate::rules::Finding, job_id: &str, b: &LaterBatch) {
    f.message = format!("{}; and {}", f.message, words(job_id, b));
    if b.untold.is_none() && f.cannot_tell {
        f.cannot_tell = false;
        if let Some(l) = f.labels.first_mut() {
            l.text = Some("not placed in the rollout's later batches".into());
        }
    }
    let help = HELP;
    f.help = Some(match f.help.take() {
        Some(h) => format!("{h}; {help}"),
        None => help.into(),
    });
}

/// Does a group of `count` with update strategy `s` roll out in batches
/// (canaries first, or `max_parallel` below the count)?
fn batched(count: i64, s: &crate::jobspec::UpdateStrategy) -> bool {
    s.canary > 0 || (s.max_parallel > 0 && s.max_parallel < count)
}

/// Does the plan shown hold destructive updates of group `name` back for
/// later batches?
fn holds_back_group(job: &Job, plan: &PlanResult, name: &str) -> bool {
    let batched = job
        .group(name)
        .is_some_and(|g| g.update.as_ref().is_some_and(|s| batched(g.count, s)));
    batched
        && plan
            .desired_tg_updates
            .get(name)
            .is_some_and(|u| u.canary > 0 || (u.destructive_update > 0 && u.ignore > 0))
}

/// Does the plan shown hold destructive updates back for later batches?
fn holds_back(job: &Job, plan: &PlanResult) -> bool {
    plan.desired_tg_updates
        .keys()
        .any(|name| holds_back_group(job, plan, name))
}

/// The most allocations of group `name` the rollout's batches can leave
/// unplaced ([`LaterBatch::up_to`]): its count less the new version the
/// plan shown places (created, replaced, canaries, updated in place).
fn up_to(job: &Job, plan: &PlanResult, name: &str) -> u64 {
    let count = job
        .group(name)
        .map_or(0, |g| u64::try_from(g.count).unwrap_or(0));
    let placed = plan.desired_tg_updates.get(name).map_or(0, |u| {
        u.place + u.destructive_update + u.canary + u.in_place_update
    });
    count.saturating_sub(placed).max(1)
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

/// Where the rollout of `job` is judged: the simulation its plan was made
/// in, the earlier planned changes each sampled replay submits first, and
/// their cached replays.
pub struct Judged<'a> {
    pub sim: &'a Simulation,
    pub replays: Option<&'a Shared>,
    pub earlier: &'a [Submitted],
}

/// Whether [`unplaced`] has an end state to judge: `job` is no stop and
/// the plan shown holds some destructive update back. Empty otherwise,
/// so a caller asks this before it makes a [`Judged`]'s replays.
pub fn holds_back_any(job: &Job, plan: &PlanResult) -> bool {
    !job.stop && holds_back(job, plan)
}

/// The groups the rollout of `job` (its plan shown: `plan`) leaves
/// unplaced in its later batches, or cannot tell, and the plan shown does
/// not; with the samples' bound where the end state was sampled and none
/// failed. Empty when nothing is held back or the end state fits.
pub fn unplaced(at: &Judged<'_>, job: &Job, plan: &PlanResult) -> EndState {
    if !holds_back_any(job, plan) {
        return EndState::default();
    }
    let Some(end) = end_state(job) else {
        return EndState::default();
    };
    let after = at.sim.plan(&end);
    let shown = plan.unplaced_groups();
    // Only a group whose updates the plan shown holds back has later
    // batches, and one the plan shown leaves unplaced NP207 judges as it
    // is. An unbatched group's loss in the end state is the batched
    // groups' too where the plan applier drops it with a node (or a
    // plan) that also drops a held-back group: its in-place update or
    // replacement is the plan shown's (reconcile_cluster.go v2.0.5:496),
    // lost only beside theirs (nomad/plan_apply.go v2.0.5:776-843). Any
    // other loss of it (the scheduler's failure, the quota's) is where the
    // all-at-once model puts the shortage the later batches meet: a
    // refusal (rv25-2). Filtered before deciding whether to sample, so an
    // end state failing only such groups is sampled and bounded, never a
    // bare pass.
    let keeps = |r: &PlanResult, g: &str| {
        !shown.iter().any(|s| s == g)
            && (holds_back_group(job, plan, g) || !lost_with_held_back(r, job, plan, g))
    };
    let mut out = EndState {
        batches: of_plan(&after, &end)
            .into_iter()
            .filter(|b| keeps(&after, &b.group))
            .collect(),
        unseen: None,
    };
    let world = &*at.sim.world;
    let varies = || {
        super::unplaceable_group::may_vary(
            world,
            Some(at.sim),
            !at.earlier.is_empty(),
            Some(&end),
            &after,
        )
    };
    if out.batches.is_empty() && !after.placements.is_empty() && varies() {
        out = sampled(at, &end, &keeps);
    } else if !out.batches.is_empty() && !after.drawn.is_empty() {
        // It fails in the group order this evaluation drew (Go's map
        // order, `crate::scheduler::group_order`: random, not sorted).
        // Another order may fail another group (the rollout stalls all the
        // same) or none, where the groups only compete for room: measured,
        // never a certainty resting on one draw (roll26).
        if let Some((hits, n)) = order_share(at, &end, &keeps).filter(|(h, n)| 0 < *h && h < n) {
            for b in &mut out.batches {
                b.shuffles.get_or_insert((hits, n));
            }
        }
    }
    // Room that frees on its own may still place what the end state
    // cannot place now: no refusal there (roll26).
    out.batches = freed::judged(at, &end, out.batches);
    for b in &mut out.batches {
        b.up_to = up_to(job, plan, &b.group);
        if !holds_back_group(job, plan, &b.group) {
            b.behind = plan
                .desired_tg_updates
                .keys()
                .filter(|g| holds_back_group(job, plan, g))
                .cloned()
                .collect();
        }
    }
    out
}

/// In how many of the first sampled shuffles (each its own group order
/// and node shuffle, [`crate::rules::priority::sample_runs`]) the end
/// state `end` leaves any group `keeps` counts unplaced, of how many; None
/// where the sampling is refused (then the drawn refusal stands).
fn order_share(
    at: &Judged<'_>,
    end: &Job,
    keeps: &(dyn Fn(&PlanResult, &str) -> bool + Sync),
) -> Option<(u32, u32)> {
    let world = &*at.sim.world;
    let read = |r: &PlanResult| {
        let s = Sampled::of(r);
        s.failed.iter().chain(&s.quota).any(|g| keeps(r, g))
    };
    let runs =
        crate::rules::priority::sample_runs(world, at.replays, at.sim.seed, at.earlier, end, read)
            .ok()?;
    let n = u32::try_from(runs.len()).unwrap_or(u32::MAX);
    let hits = u32::try_from(runs.iter().filter(|f| **f).count()).unwrap_or(u32::MAX);
    Some((hits, n))
}

/// Is group `name`'s loss in the end state `r` the plan applier's alone,
/// on nodes (or a whole plan) that also drop a group the plan shown holds
/// back? Not where the scheduler (or the quota) fails it.
fn lost_with_held_back(r: &PlanResult, job: &Job, plan: &PlanResult, name: &str) -> bool {
    let held = |gs: &[String]| gs.iter().any(|g| holds_back_group(job, plan, g));
    if r.failed_tg_allocs.contains_key(name) {
        return false;
    }
    if r.rejected_whole.iter().any(|g| g == name) {
        return held(&r.rejected_whole);
    }
    let on: Vec<_> = r
        .rejected
        .iter()
        .filter(|x| x.groups.iter().any(|g| g == name))
        .collect();
    !on.is_empty() && on.iter().all(|x| held(&x.groups))
}

/// What `nomad job run` of the end state `after` (of `end`) leaves
/// unplaced, read as a sampled shuffle is ([`Sampled`]): the scheduler's
/// failures, the quota's, and the groups the plan applier drops, counted
/// as the policy counts the plan shown ([`PlanResult::unplaced_in_run`]);
/// a group whose run's end cannot be told is said so.
fn of_plan(after: &PlanResult, end: &Job) -> Vec<LaterBatch> {
    let s = Sampled::of(after);
    let mut out: Vec<LaterBatch> = Vec::new();
    for g in s.failed.iter().chain(&s.quota) {
        if out.iter().all(|b| b.group != *g) {
            out.push(LaterBatch {
                group: g.clone(),
                unplaced: after.unplaced_in_run(g),
                up_to: 0,
                shuffles: None,
                untold: None,
                behind: Vec::new(),
            });
        }
    }
    let why = after.retries_untold(end.job_type).unwrap_or_else(|| {
        "Nomad's server fails the end state's evaluation where nomad-preflight cannot tell how"
            .into()
    });
    // A group an unstated scheduler setting decides is untold for that
    // setting, not for the server's failure (`scheduler::unstated`).
    let unstated_why = |g: &str| {
        after.unstated.iter().find_map(|u| {
            crate::scheduler::unstated::groups_differing(after, u)
                .iter()
                .any(|x| x == g)
                .then(|| {
                    let s = &u.setting;
                    format!(
                        "the same job with every destructive update placed at once places group {} under one value of a scheduler setting the world does not state and not under the other (`{}`, `{}`): state it in rules/cluster.hcl as `nomad operator scheduler get-config` shows it",
                        crate::gotext::go_quote(g),
                        s.planned_block(),
                        s.other_block()
                    )
                })
        })
    };
    for g in s.untold {
        if out.iter().all(|b| b.group != g) {
            let untold = unstated_why(&g).unwrap_or_else(|| why.clone());
            out.push(LaterBatch {
                group: g,
                unplaced: 0,
                up_to: 0,
                shuffles: None,
                untold: Some(untold),
                behind: Vec::new(),
            });
        }
    }
    out
}

/// The end state `end` over other node shuffles, as NP207 and the gates
/// sample the plan shown ([`crate::rules::priority::sample_runs`], the
/// same seeds and earlier changes), again more where none leaves anything
/// unplaced, by the one decision every sampler makes
/// ([`crate::rules::priority::resample`]; its caller found the end state
/// placing and varying): each group some shuffle leaves unplaced, with its
/// share; one that only some cannot tell, as "cannot tell"; none, the
/// samples' bound. A sampling refused (too large) cannot tell for every
/// batched group. Each shuffle counts only the groups `keeps` (see
/// [`unplaced`]).
fn sampled(
    at: &Judged<'_>,
    end: &Job,
    keeps: &(dyn Fn(&PlanResult, &str) -> bool + Sync),
) -> EndState {
    let world = &*at.sim.world;
    let read = |r: &PlanResult| {
        let s = Sampled::of(r);
        let mut failed = s.failed;
        failed.extend(s.quota);
        let mut untold = s.untold;
        failed.retain(|g| keeps(r, g));
        untold.retain(|g| keeps(r, g));
        (failed, untold)
    };
    let prio = crate::rules::priority::sample_runs;
    let runs = prio(world, at.replays, at.sim.seed, at.earlier, end, read).and_then(|first| {
        crate::rules::priority::resample(
            (world, at.earlier.len(), end),
            0,
            first,
            |(f, u): &Run| !f.is_empty() || !u.is_empty(),
            || true,
            |shuffles| {
                crate::rules::priority::sample_runs_n(
                    world,
                    at.replays,
                    at.sim.seed,
                    at.earlier,
                    end,
                    shuffles,
                    read,
                )
            },
        )
    });
    let runs = match runs {
        Ok(r) => r,
        Err(e) => {
            let batches = end
                .groups
                .iter()
                .filter(|g| g.update.as_ref().is_some_and(|s| batched(g.count, s)))
                .map(|g| LaterBatch {
                    group: g.name.clone(),
                    unplaced: 0,
                    up_to: 0,
                    shuffles: None,
                    untold: Some(format!(
                        "its end state cannot be sampled over node shuffles: {e}"
                    )),
                    behind: Vec::new(),
                })
                .collect();
            return EndState {
                batches,
                unseen: None,
            };
        }
    };
    EndState {
        batches: tally(&runs.runs),
        unseen: runs.unseen,
    }
}

/// One sampled shuffle of the end state: the groups it leaves unplaced,
/// and those whose run's end cannot be told.
type Run = (Vec<String>, Vec<String>);

/// Each group the sampled `runs` (per shuffle: the groups left unplaced,
/// those whose end cannot be told) name, most frequent first: refused
/// where any shuffle leaves it unplaced, else cannot tell.
fn tally(runs: &[Run]) -> Vec<LaterBatch> {
    let n = u32::try_from(runs.len()).unwrap_or(u32::MAX);
    let mut groups: Vec<&String> = runs.iter().flat_map(|(f, u)| f.iter().chain(u)).collect();
    groups.sort();
    groups.dedup();
    let hits = |pick: &dyn Fn(&Run) -> bool| {
        u32::try_from(runs.iter().filter(|r| pick(r)).count()).unwrap_or(u32::MAX)
    };
    let mut out: Vec<LaterBatch> = groups
        .into_iter()
        .map(|g| {
            let failed = hits(&|(f, _)| f.contains(g));
            let untold = hits(&|(f, u)| u.contains(g) && !f.contains(g));
            LaterBatch {
                group: g.clone(),
                unplaced: 0,
                up_to: 0,
                shuffles: Some(if failed > 0 { (failed, n) } else { (untold, n) }),
                untold: (failed == 0).then(|| {
                    format!("{untold} of {n} node shuffles sampled cannot tell (Nomad's plan applier rejects part of the end state there, and how the worker's retries end depends on what nomad-preflight does not model)")
                }),
                behind: Vec::new(),
            }
        })
        .collect();
    out.sort_by_key(|b| std::cmp::Reverse(b.shuffles));
    out
}

mod freed;

#[cfg(test)]
mod tests;
