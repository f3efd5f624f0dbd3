//! NP4xx: priority bands and preemption.

pub mod preemption_disabled;
pub mod preemption_gap;
pub mod preemption_victim;
pub mod priority_out_of_range;
pub mod priority_outside_band;
mod resample;
mod victim_history;

pub use resample::{resample, too_weak, weak_line, Resampled, PASSING_SAMPLES, WEAKEST_BOUND};

use crate::jobspec::Job;
use crate::scheduler::preempt::{outranks, preemption_on};
use crate::scheduler::{PlanResult, Simulation, Tally};
use crate::source::Span;
use crate::world::World;

/// Node shuffles sampled when a placement may preempt: enough to tell a
/// rare eviction from a certain one, cheap on demo-sized worlds.
pub const SAMPLES: u32 = 100;

/// Each sample replays every earlier planned change, so a folder of many
/// changes would cost samples × changes submissions per file (quadratic over
/// a whole repository). Spend at most this many replayed submissions per
/// file, never fewer than `MIN_SAMPLES` shuffles; the finding names the
/// number actually sampled.
const REPLAY_BUDGET: u32 = 1000;

/// The fewest node shuffles a share is given over: fewer would read as
/// odds they cannot give. A job whose sampling passes the budget even at
/// this many is "too large to sample".
pub const MIN_SAMPLES: u32 = 10;

/// Shuffles to sample for a job with `earlier` planned changes before it.
pub fn samples_for(earlier: usize) -> u32 {
    let per_sample = u32::try_from(earlier).unwrap_or(u32::MAX).saturating_add(1);
    (REPLAY_BUDGET / per_sample).clamp(MIN_SAMPLES, SAMPLES)
}

/// Shuffles to sample `job` with `earlier` planned changes before it in
/// `world`: [`samples_for`], fewer for a job whose plans pass the
/// sampling budget at that many
/// ([`crate::scheduler::count_bound::SampleWork::within_budget`]: a
/// job of 1,000 groups is sampled 10 times, not said too large at 100),
/// never fewer than [`MIN_SAMPLES`]. Past the budget even then: the work,
/// which the readers say is too large to sample. Every sampled finding
/// names the number its tally holds, so the count is never hidden.
pub fn samples_of(
    world: &World,
    earlier: usize,
    job: &Job,
) -> Result<u32, crate::scheduler::count_bound::SampleWork> {
    let clients = crate::scheduler::count_bound::clients(world);
    crate::scheduler::count_bound::SampleWork::of(job, clients, samples_for(earlier))
        .within_budget(MIN_SAMPLES)
}

/// Where sampling saw nothing happen to a job (no group left unplaced,
/// nothing preempted) and no bound proves that no shuffle does, the
/// samples are taken again, this many times the first run (R22-A-2): a
/// failure in 2% of Nomad's evaluations escapes 100 shuffles in 13% of
/// runs, 1,000 in under one in a hundred million; what is still not seen
/// is said with its bound ([`crate::unseen::Unseen`]).
pub const UNSEEN_FACTOR: u32 = 10;

/// Shuffles to sample again for a job [`samples_of`] saw nothing happen
/// to: [`UNSEEN_FACTOR`] times [`samples_for`] (the earlier changes'
/// replay budget grown as much), at least `asked` (`plan FILE --gate
/// --samples N` buys a tighter bound), and as many as the job's
/// sampling budget allows ([`crate::scheduler::count_bound::SampleWork`]),
/// never fewer than `first` (the run already taken). Every line that
/// words the result names the number sampled.
pub fn unseen_samples_of(world: &World, earlier: usize, job: &Job, first: u32, asked: u32) -> u32 {
    let per_sample = u32::try_from(earlier).unwrap_or(u32::MAX).saturating_add(1);
    let want = (REPLAY_BUDGET * UNSEEN_FACTOR / per_sample)
        .clamp(MIN_SAMPLES, SAMPLES * UNSEEN_FACTOR)
        .max(asked)
        .min(crate::scheduler::sample::MAX_SAMPLES);
    let clients = crate::scheduler::count_bound::clients(world);
    crate::scheduler::count_bound::SampleWork::of(job, clients, want)
        .most_within_budget()
        .max(first)
}

/// One preempted task group, as `check` names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Victim {
    pub namespace: String,
    pub job_id: String,
    pub group: String,
    /// `None`: the version it runs is not known (its priority unknown).
    pub priority: Option<i64>,
}

/// The groups a plan preempts, each once, in plan order.
pub fn victims(plan: &PlanResult) -> Vec<Victim> {
    let mut out: Vec<Victim> = Vec::new();
    // What `nomad job run` of the plan commits: nothing when Nomad's
    // server panics, nothing on a node whose part the applier rejects,
    // and what the worker's retries of it preempt
    // (`PlanResult::committed_preemptions`).
    for a in plan.committed_preemptions() {
        let v = Victim {
            namespace: a.namespace.clone(),
            job_id: a.job_id.clone(),
            group: a.task_group.clone(),
            priority: a.job_priority,
        };
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// Could Nomad preempt anything for `job` at all: preemption on for its
/// type in this world and release, and a live allocation of another job far
/// enough below it that the scheduler would evict it. (The policy's
/// `preemption_gap` is a house rule for NP404; it must not decide whether
/// Nomad's own preemption is sampled.)
pub fn preemption_possible(world: &World, sim: &Simulation, job: &Job) -> bool {
    preemption_on(world, job.job_type)
        && preemption_disabled::lower_priority_allocs(sim, job)
            .iter()
            .any(|p| outranks(job.priority, *p))
}

/// The one model of "what other node shuffles give" for a planned change,
/// shared by NP403 and `plan --changed`'s policy gate (redteam6 G5): replay
/// the world under [`samples_of`] other shuffles (the budget shrinks with
/// the earlier changes each replay submits first, and with the job's
/// groups and allocations), plan `job` on each and
/// tally what `outcome` reads of the result (each key once per shuffle).
pub fn sample_plans<K: Ord + Clone + Send>(
    world: &World,
    replays: Option<&crate::scheduler::replay_cache::Shared>,
    base_seed: u64,
    earlier: &[crate::scheduler::sim::Submitted],
    job: &Job,
    outcome: impl Fn(&PlanResult) -> Vec<K> + Sync,
) -> Result<Tally<K>, crate::scheduler::sample::SampleError> {
    let runs = sample_runs(world, replays, base_seed, earlier, job, outcome)?;
    let mut tally = Tally::new();
    for v in runs {
        tally.add_sample(v);
    }
    Ok(tally)
}

/// [`sample_plans`]' samples, what `outcome` reads of each, in seed order.
pub fn sample_runs<T: Send>(
    world: &World,
    replays: Option<&crate::scheduler::replay_cache::Shared>,
    base_seed: u64,
    earlier: &[crate::scheduler::sim::Submitted],
    job: &Job,
    outcome: impl Fn(&PlanResult) -> T + Sync,
) -> Result<Vec<T>, crate::scheduler::sample::SampleError> {
    // Mutated once for every replay (the mutators see only the job,
    // the release and the servers' config, which no replay changes).
    // A job of thousands of groups plans for seconds each time: its
    // replays would run for minutes (rt20a), so a large job is sampled
    // fewer times, and past the budget at the fewest the share is not
    // known and the readers say so.
    let n = samples_of(world, earlier.len(), job)
        .map_err(crate::scheduler::sample::SampleError::TooLarge)?;
    sample_runs_n(world, replays, base_seed, earlier, job, 0..n, outcome)
}

/// [`sample_runs`] over the shuffles `shuffles` (`0..n`: the first `n`;
/// `n..m`: the next ones of the same seeds, after a first run of `n`),
/// taken as given (the caller kept them within the sampling budget).
pub fn sample_runs_n<T: Send>(
    world: &World,
    replays: Option<&crate::scheduler::replay_cache::Shared>,
    base_seed: u64,
    earlier: &[crate::scheduler::sim::Submitted],
    job: &Job,
    shuffles: std::ops::Range<u32>,
    outcome: impl Fn(&PlanResult) -> T + Sync,
) -> Result<Vec<T>, crate::scheduler::sample::SampleError> {
    let planned = crate::scheduler::sim::Planned::new(job, world);
    let own;
    let shared = match replays {
        Some(s) => s,
        None => {
            own = crate::scheduler::replay_cache::Shared::new(world);
            &own
        }
    };
    if earlier.is_empty() {
        // Nothing to submit first: each replay is only read, not copied.
        crate::scheduler::sample::sample_read(shared, shuffles, base_seed, |sim| {
            outcome(&sim.plan_planned(&planned))
        })
    } else {
        crate::scheduler::sample::sample_after(shared, shuffles, base_seed, earlier, |sim| {
            outcome(&sim.plan_planned(&planned))
        })
    }
}

/// What NP207, NP304 and NP403 read of one sampled evaluation: the groups
/// it fails to place (quota failures aside), those the quota refuses, and
/// the groups it preempts. The three rules sample the same node shuffles
/// of the same job (the same seeds, the same earlier changes), so one
/// replay serves all three ([`crate::rules::RuleContext::sampled`]): each
/// sampling its own was up to three hundred plans a file where one
/// hundred give every answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sampled {
    pub failed: Vec<String>,
    /// Groups the plan applier rejects where how `nomad job run` of the
    /// draw ends cannot be told: NP207 counts them apart, not as failed.
    pub untold: Vec<String>,
    pub quota: Vec<String>,
    pub victims: Vec<Victim>,
    /// The evaluation panics Nomad's server: no plan at all, so every
    /// group is among `untold` and none among the others.
    pub panicked: bool,
}

impl Sampled {
    pub fn of(plan: &PlanResult) -> Sampled {
        use crate::rules::capacity::unplaceable_group::Refusal;
        if plan.crashed.is_some() {
            return Sampled {
                failed: Vec::new(),
                untold: plan.desired_tg_updates.keys().cloned().collect(),
                quota: Vec::new(),
                victims: Vec::new(),
                panicked: true,
            };
        }
        // A group an unstated scheduler setting places in one reading and
        // leaves unplaced in the other is untold, neither placed nor failed
        // (`scheduler::unstated`).
        let mut untold = crate::rules::capacity::unplaceable_group::untold_groups(plan);
        let unstated: Vec<String> = plan
            .unstated
            .iter()
            .flat_map(|u| crate::scheduler::unstated::groups_differing(plan, u))
            .collect();
        for g in &unstated {
            if !untold.contains(g) {
                untold.push(g.clone());
            }
        }
        let decided = |g: &String| !unstated.contains(g);
        Sampled {
            panicked: false,
            failed: Refusal::Place
                .groups(plan)
                .into_iter()
                .filter(decided)
                .collect(),
            untold,
            quota: Refusal::Quota
                .groups(plan)
                .into_iter()
                .filter(decided)
                .collect(),
            victims: victims(plan),
        }
    }

    /// Does this evaluation leave an allocation of the job unplaced (the
    /// scheduler's failures, the quota's, the applier's rejections), or
    /// its end untold, or give no plan at all? What NP207's bound advice
    /// reads (`unplaceable_draws::unseen`): a quota failure in one shuffle
    /// is no "in none".
    pub fn leaves_unplaced(&self) -> bool {
        self.panicked
            || !self.failed.is_empty()
            || !self.untold.is_empty()
            || !self.quota.is_empty()
    }

    /// Nothing happened to the job in this evaluation: placed (nothing
    /// [`Self::leaves_unplaced`]), nothing preempted. `check` samples again
    /// (the gates' resample, ten times more) only where every first
    /// shuffle is quiet: a job that preempts in some shuffles keeps its
    /// first 100, over which NP207's advice says its bound ("under 3%",
    /// within [`WEAKEST_BOUND`]) and NP403 its share. Sampling it 1,000
    /// times would tighten a bound that already passes at ten times the
    /// cost (the demo's carts step: `check` 0.28 s -> 2.82 s user, debug).
    pub fn is_quiet(&self) -> bool {
        !self.leaves_unplaced() && self.victims.is_empty()
    }
}

/// The tally of what `key` reads of each sampled evaluation.
pub fn tally_of<K: Ord + Clone>(samples: &[Sampled], key: impl Fn(&Sampled) -> Vec<K>) -> Tally<K> {
    let mut tally = Tally::new();
    for s in samples {
        tally.add_sample(key(s));
    }
    tally
}

/// How often an outcome happened, as NP403 and the policy gate word it:
/// `hits` of `samples` other shuffles, beside the one simulated.
pub fn how_often(hits: u32, samples: u32) -> String {
    if hits == 0 {
        format!("with this simulation's node shuffle (in none of {samples} others)")
    } else if hits == samples {
        format!("in all {samples} node shuffles")
    } else {
        format!(
            "in {} of {samples} node shuffles",
            crate::unseen::percent(f64::from(hits) / f64::from(samples.max(1)))
        )
    }
}

/// [`how_often`], and what else each replay of `world` drew again (a
/// written world's running jobs placed anew,
/// [`crate::scheduler::sample::history_redrawn`]), as `plan --samples`
/// says it: NP403's share, which otherwise reads as this plan's own node
/// shuffle alone (R14-50).
pub fn how_often_in(hits: u32, samples: u32, world: &World) -> String {
    let share = how_often(hits, samples);
    match crate::scheduler::sample::history_redrawn(world) {
        Some(redrawn) => format!("{share}; {redrawn}"),
        None => share,
    }
}

/// Where a job file asks for more than the version that runs: count and
/// resource lines that grew, or the whole group when it is new. Empty when
/// nothing grew (the change rearranges rather than enlarges).
pub fn grown_spans(job: &Job, running: Option<&Job>) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    for g in &job.groups {
        let old = running.and_then(|r| r.group(&g.name));
        let Some(old) = old else {
            if let Some(s) = g.spans.get("count").or(g.spans.label) {
                out.push((s, format!("new group \"{}\", count = {}", g.name, g.count)));
            }
            continue;
        };
        if g.count > old.count {
            if let Some(s) = g.spans.get("count") {
                out.push((s, format!("count {} -> {}", old.count, g.count)));
            }
        }
        for t in &g.tasks {
            let prev = old.task(&t.name).map(|o| &o.resources);
            let pairs = [
                ("cpu", t.resources.cpu, prev.map(|r| r.cpu)),
                ("memory", t.resources.memory_mb, prev.map(|r| r.memory_mb)),
                ("cores", t.resources.cores, prev.map(|r| r.cores)),
                // The secrets tmpfs is memory the scheduler reserves (1.8.3+,
                // the only releases whose jobs may ask for it).
                (
                    "secrets",
                    t.resources.secrets_mb,
                    prev.map(|r| r.secrets_mb),
                ),
            ];
            for (field, now, before) in pairs {
                if before.is_some_and(|b| now <= b) {
                    continue;
                }
                if let Some(s) = t.resources.spans.get(field) {
                    let was = before.map_or("new task".to_string(), |b| b.to_string());
                    out.push((s, format!("{field} {was} -> {now}")));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod sample_budget_tests {
    use super::*;

    #[test]
    fn sampling_shrinks_with_earlier_changes_but_stays_meaningful() {
        assert_eq!(samples_for(0), SAMPLES);
        assert_eq!(samples_for(9), SAMPLES);
        assert_eq!(samples_for(19), 50);
        assert_eq!(samples_for(500), MIN_SAMPLES);
        assert_eq!(samples_for(usize::MAX), MIN_SAMPLES);
    }
}
