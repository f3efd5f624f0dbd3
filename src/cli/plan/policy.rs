//! The CI gate: plans the world's policy refuses (`protected { jobs
//! namespaces }` in `policy.hcl`), whatever else they change.
//!
//! Nomad shuffles the nodes on every evaluation, so the plan shown is one
//! outcome among others: what the policy refuses is judged over the node
//! shuffles `check`'s NP403 samples too (the same model and budget,
//! [`crate::rules::priority::sample_plans`]), and a refusal says how often
//! it happens (redteam6 G5).
//!
//! What one shuffle does to a job is read from the one outcome NP207,
//! NP304 and NP403 read of it ([`crate::rules::priority::Sampled`]): a
//! group Nomad's plan applier rejects is unplaced like one the scheduler
//! fails, a preemption on a rejected node is not made and the worker's
//! retries' are, and a draw whose run's end cannot be told is neither
//! placed nor refused but "cannot tell" ([`Violation::Untold`]). The gate
//! counted the scheduler's `failed_tg_allocs` alone, so a protected job
//! the applier left unplaced in some shuffles passed (stop 61 Left 4).
//!
//! The plan shown is read by the same rule ([`hits`]), and both gates
//! (`plan FILE --gate`, `plan --changed --gate`) judge through
//! [`sample`] and [`violations`] alone: a submission the servers refuse
//! before registering it (`Admission::WillFail`: `Job.Register` returns
//! from validateJobUpdate, nomad/job_endpoint.go v2.0.5:232, before the
//! raftApply at :358 that commits the job and its evaluation; the HTTP
//! agent's own refusals earlier still) commits nothing, so neither its
//! plan shown nor any shuffle of it is the policy's: the gate refuses it
//! as a submission that will fail. `plan --changed` sampled such a plan
//! and said "cannot tell" (exit 255) where `plan FILE` refused it (exit
//! 1), and a group the applier drops from the plan shown was refused only
//! as the applier's line, its count "none in the plan shown".

use crate::jobspec::Job;
use crate::rules::priority::Sampled;
use crate::scheduler::sample::SampleError;
use crate::scheduler::sim::Submitted;
use crate::scheduler::{PlanResult, Simulation, Tally};
use crate::world::Protected;

use super::changed::Entry;
use super::JobPlan;

mod judge;
mod notice;
mod unseen;
mod words;
pub use notice::{notices, Notice};
pub use unseen::{eprint as unseen_eprint, json as unseen_json, unproven, unseen_line};

/// What the policy refuses in one shuffle's plan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hit {
    /// An allocation of this protected job is preempted.
    Preempts { namespace: String, job_id: String },
    /// The planned job is protected and this group is left unplaced.
    Blocked { group: String },
    /// The planned job is protected and Nomad's plan applier rejects this
    /// group's allocations where how `nomad job run` ends cannot be told
    /// (`PlanResult::run_end_untold`).
    Untold { group: String },
    /// An unstated scheduler setting's other value preempts this protected
    /// job where this shuffle does not, or spares it where this one
    /// preempts it (`scheduler::unstated`): which protected job is
    /// preempted rests on the setting, so the shuffle neither passes nor
    /// refuses (fix27b's Left: a difference only in the victims counted
    /// as this shuffle's own, and a shuffle sparing the job passed).
    PreemptsUntold { namespace: String, job_id: String },
}

/// How many of the sampled shuffles gave one refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shuffles {
    pub hits: u32,
    pub samples: u32,
}

impl Shuffles {
    fn of(tally: &Tally<Hit>, hit: &Hit) -> Shuffles {
        Shuffles {
            hits: tally.count(hit),
            samples: tally.samples(),
        }
    }

    fn text(self) -> String {
        crate::rules::priority::how_often(self.hits, self.samples)
    }

    fn json(self) -> serde_json::Value {
        serde_json::json!({
            "Hits": self.hits,
            "Total": self.samples,
            "Share": f64::from(self.hits) / f64::from(self.samples.max(1)),
        })
    }
}

/// One refusal, worded for the person whose change caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// The plan preempts allocations of a protected job: `count` that
    /// `nomad job run` of the plan shown commits (the applier's rejections
    /// and retries included, `PlanResult::committed_preemptions`: not
    /// always the dry run's `Preemptions:` list), and in `shuffles` of the
    /// sampled ones (None: not sampled).
    Preempts {
        namespace: String,
        job_id: String,
        count: usize,
        shuffles: Option<Shuffles>,
    },
    /// A protected job's own plan leaves allocations unplaced: `count` in
    /// `nomad job run` of the plan shown (the scheduler's failures and the
    /// placements the applier drops), and in `shuffles` of the sampled
    /// ones (None: not sampled).
    Blocked {
        job_id: String,
        group: String,
        count: u64,
        shuffles: Option<Shuffles>,
    },
    /// A protected job is stopped because its file now defines another job
    /// (its ID or namespace edited), not because the file was deleted:
    /// `nomad job run` on the file registers `now` and leaves the old job
    /// running (Job.Register never deregisters another ID,
    /// nomad/job_endpoint.go Register), so the stop the plan shows happens
    /// only if someone runs `nomad job stop` (redteam6 G7).
    StopsReplaced {
        namespace: String,
        job_id: String,
        /// The job the file defines now, if any.
        now: Option<(String, String)>,
    },
    /// The file defines a protected job that another file defines (the
    /// world runs it from there, or another file of the change defines
    /// it): `nomad job run` on it updates that job, which the change to
    /// the job's own file does not ask (R18-B-1).
    DefinedTwice(Box<crate::changeset::Twice>),
    /// Not a refusal: whether another file defines this protected job
    /// could not be looked up (its one line, [`crate::changeset::Unlisted`]):
    /// the gate cannot tell (exit 255) where it would refuse the job's
    /// second definition.
    TwiceUntold(crate::changeset::Untold),
    /// A protected job's rollout cannot finish: its later batches leave
    /// this group's allocations unplaced, though the plan shown (the first
    /// batch) places them (R22-A-3).
    LaterBatches {
        job_id: String,
        batch: crate::rules::capacity::later_batches::LaterBatch,
        /// What sampled shuffles of the plan shown do to the same group,
        /// said in this one refusal (one per group): `(shuffles, untold)`,
        /// where `untold` says they only cannot tell.
        first: Option<(Shuffles, bool)>,
    },
    /// Not a refusal: a protected job's group that some sampled shuffles
    /// cannot tell ([`Hit::Untold`]) and none leaves unplaced for sure.
    /// The gate cannot tell (exit 255), as NP207 cannot for such a group.
    Untold {
        job_id: String,
        group: String,
        shuffles: Shuffles,
    },
    /// Not a refusal: nothing sampled was refused, but over too few
    /// shuffles for a pass to rest on (`rules::priority::too_weak`, a
    /// budget's cut): the gate cannot tell (exit 255), where it passed
    /// with an "under 30%" line. `what` names what was not seen, in the
    /// words of [`unseen_line`].
    WeakBound {
        job_id: String,
        what: String,
        unseen: crate::unseen::Unseen,
    },
    /// Not a refusal: a protected job some sampled shuffles preempt under
    /// one value of an unstated scheduler setting and not under the other
    /// ([`Hit::PreemptsUntold`]), and none preempts for sure.
    PreemptsUntold {
        namespace: String,
        job_id: String,
        shuffles: Shuffles,
    },
}

impl Violation {
    /// Is this a "cannot tell" ([`Violation::Untold`]), not a refusal?
    pub fn is_untold(&self) -> bool {
        match self {
            Violation::Untold { .. }
            | Violation::WeakBound { .. }
            | Violation::TwiceUntold(_)
            | Violation::PreemptsUntold { .. } => true,
            // The rollout's end state whose run cannot be told (R22-A-3).
            // Where the plan shown's shuffles fail it too, a refusal.
            Violation::LaterBatches { batch, first, .. } => {
                batch.untold.is_some() && first.is_none_or(|(_, untold)| untold)
            }
            _ => false,
        }
    }

    /// `Plans[].Policy[]` of `plan --changed --format json`. An
    /// [`Violation::Untold`] is listed too, as `"Refusal": "cannot-tell"`:
    /// a reader that takes any entry for a refusal fails closed.
    pub fn json(&self) -> serde_json::Value {
        let shares = |s: &Option<Shuffles>| s.map_or(serde_json::Value::Null, Shuffles::json);
        match self {
            Violation::Preempts {
                namespace,
                job_id,
                count,
                shuffles,
            } => serde_json::json!({
                "Refusal": "preempts",
                "Namespace": namespace,
                "Job": job_id,
                "InPlanShown": count,
                "Shuffles": shares(shuffles),
                "Text": self.to_string(),
            }),
            Violation::Blocked {
                job_id,
                group,
                count,
                shuffles,
            } => serde_json::json!({
                "Refusal": "blocked",
                "Job": job_id,
                "Group": group,
                "InPlanShown": count,
                "Shuffles": shares(shuffles),
                "Text": self.to_string(),
            }),
            Violation::StopsReplaced {
                namespace,
                job_id,
                now,
            } => serde_json::json!({
                "Refusal": "stops-replaced",
                "Namespace": namespace,
                "Job": job_id,
                "Registers": now.as_ref().map(|(ns, id)| serde_json::json!({"Namespace": ns, "Job": id})),
                "Text": self.to_string(),
            }),
            Violation::DefinedTwice(t) => serde_json::json!({
                "Refusal": "defined-twice",
                "Namespace": t.namespace,
                "Job": t.id,
                "Other": t.first,
                "Runs": t.runs,
                "Text": self.to_string(),
            }),
            Violation::TwiceUntold(u) => serde_json::json!({
                "Refusal": "cannot-tell",
                "File": u.file,
                "Text": self.to_string(),
            }),
            Violation::LaterBatches {
                job_id,
                batch,
                first,
            } => serde_json::json!({
                "Refusal": if self.is_untold() { "cannot-tell" } else { "later-batches" },
                "Job": job_id,
                "Group": batch.group,
                "InPlanShown": 0,
                "Unplaced": batch.unplaced,
                "UpTo": batch.up_to.max(batch.unplaced),
                "StalledGroups": batch.stalled(),
                "PlanShownShuffles": first.map_or(serde_json::Value::Null, |(s, untold)| {
                    let mut v = s.json();
                    v["CannotTell"] = untold.into();
                    v
                }),
                "Shuffles": shares(&batch.shuffles.map(|(hits, samples)| Shuffles { hits, samples })),
                "Text": self.to_string(),
            }),
            Violation::PreemptsUntold {
                namespace,
                job_id,
                shuffles,
            } => serde_json::json!({
                "Refusal": "cannot-tell",
                "Namespace": namespace,
                "Job": job_id,
                "InPlanShown": 0,
                "Shuffles": shuffles.json(),
                "Text": self.to_string(),
            }),
            Violation::Untold {
                job_id,
                group,
                shuffles,
            } => serde_json::json!({
                "Refusal": "cannot-tell",
                "Job": job_id,
                "Group": group,
                "InPlanShown": 0,
                "Shuffles": shuffles.json(),
                "Text": self.to_string(),
            }),
            Violation::WeakBound { job_id, unseen, .. } => {
                let mut sampled = unseen.json();
                sampled["TooWeak"] = true.into();
                serde_json::json!({
                    "Refusal": "cannot-tell",
                    "Job": job_id,
                    "InPlanShown": 0,
                    "Sampled": sampled,
                    "Text": self.to_string(),
                })
            }
        }
    }
}

/// What the policy refuses in one shuffle's `result` of planning `job`,
/// read from the shuffle's one outcome ([`Sampled`]): the protected
/// allocations `nomad job run` of it preempts (none on a node the applier
/// rejects, the worker's retries' too), and for a protected job the
/// groups it leaves unplaced (the scheduler's failures, quota's included,
/// and the applier's rejections) or whose end cannot be told.
pub(super) fn hits(job: &Job, result: &PlanResult, protected: &Protected) -> Vec<Hit> {
    // A shuffle whose evaluation fails (the scheduler's error, a panic
    // of Nomad's server) preempts nothing and leaves every group it would
    // place or update unplaced (`PlanResult::failed_evaluation_groups`,
    // read by `Sampled::of`): a protected job's are refused (rv22-2).
    let outcome = Sampled::of(result);
    let mut out: Vec<Hit> = outcome
        .victims
        .into_iter()
        .filter(|v| protected.covers(&v.namespace, &v.job_id))
        .map(|v| Hit::Preempts {
            namespace: v.namespace,
            job_id: v.job_id,
        })
        .collect();
    // The protected jobs preempted under one value of an unstated setting
    // and not under the other (`scheduler::unstated::Verdict`).
    let mine: Vec<(String, String)> = crate::scheduler::unstated::Verdict::of(result).preempted;
    for u in &result.unstated {
        let Some(other) = u.other_plan() else {
            continue;
        };
        let theirs = crate::scheduler::unstated::Verdict::of(other).preempted;
        for (namespace, job_id) in mine
            .iter()
            .filter(|k| !theirs.contains(k))
            .chain(theirs.iter().filter(|k| !mine.contains(k)))
            .cloned()
        {
            if !protected.covers(&namespace, &job_id) {
                continue;
            }
            out.retain(|h| !matches!(h, Hit::Preempts { namespace: n, job_id: j } if *n == namespace && *j == job_id));
            let hit = Hit::PreemptsUntold { namespace, job_id };
            if !out.contains(&hit) {
                out.push(hit);
            }
        }
    }
    if !job.stop && protected.covers(&job.namespace, &job.id) {
        let blocked = outcome.failed.into_iter().chain(outcome.quota);
        out.extend(blocked.map(|group| Hit::Blocked { group }));
        out.extend(
            outcome
                .untold
                .into_iter()
                .map(|group| Hit::Untold { group }),
        );
    }
    out
}

/// What the policy's samples of one plan hold ([`sample`]): what each
/// shuffle refuses, and where none refuses anything and nothing proves
/// that every shuffle places the plan, how far the samples go (R22-A-2).
#[derive(Debug, Clone)]
pub struct Sampling {
    pub tally: Tally<Hit>,
    pub unseen: Option<crate::unseen::Unseen>,
}

/// Sample the plan of `job` (submitted after `earlier`, in `sim`'s
/// cluster) over other node shuffles when the policy has anything at stake
/// in it: the job is protected (a shuffle may leave it unplaced), or it may
/// preempt (as NP403 decides) a protected allocation. None: nothing at stake.
///
/// Where no shuffle sampled refuses anything and the room bound cannot
/// show that every shuffle places the plan ([`unproven`], `check`'s
/// judgement), the shuffles are sampled again, more
/// ([`crate::rules::priority::resample`], at least `asked`:
/// `plan FILE --gate --samples N`), and what is still not seen is a pass
/// with its bound said, never a bare one: a protected job that fails in
/// 2% of Nomad's evaluations passed 100 shuffles in 13% of runs.
pub fn sample(
    sim: &Simulation,
    replays: Option<&crate::scheduler::replay_cache::Shared>,
    earlier: &[Submitted],
    plan: &JobPlan,
    asked: u32,
) -> Result<Option<Sampling>, SampleError> {
    if !at_stake(sim, plan) {
        return Ok(None);
    }
    let world = &*sim.world;
    let protected = &world.policy.protected;
    let job = &plan.job;
    let run = |n: Option<std::ops::Range<u32>>| {
        let hits = |r: &PlanResult| hits(job, r, protected);
        match n {
            None => {
                crate::rules::priority::sample_runs(world, replays, sim.seed, earlier, job, hits)
            }
            Some(n) => crate::rules::priority::sample_runs_n(
                world, replays, sim.seed, earlier, job, n, hits,
            ),
        }
    };
    let runs = crate::rules::priority::resample(
        (world, earlier.len(), job),
        asked,
        run(None)?,
        |h: &Vec<Hit>| !h.is_empty(),
        || unproven(sim, earlier, plan),
        |n| run(Some(n)),
    )?;
    let mut tally = Tally::new();
    for h in runs.runs {
        tally.add_sample(h);
    }
    let unseen = with_end_state(runs.unseen, &tally, plan);
    Ok(Some(Sampling { tally, unseen }))
}

/// The bound a gate says of `plan` whose samples (`tally`) refused
/// nothing: the plan's own (`unseen`), or its rollout's end state's where
/// that was sampled and passed over samples only (rv24-1), the weaker of
/// the two where both are.
pub fn with_end_state(
    unseen: Option<crate::unseen::Unseen>,
    tally: &Tally<Hit>,
    plan: &JobPlan,
) -> Option<crate::unseen::Unseen> {
    if !tally.entries().is_empty() || !plan.later_batches.is_empty() {
        return unseen;
    }
    match (unseen, plan.later_unseen) {
        (Some(a), Some(b)) => Some(if a.samples <= b.samples { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// Does the policy sample `plan` (made in `sim`) over other shuffles
/// ([`sample`])? When the job is protected or it may preempt a protected
/// allocation.
pub fn at_stake(sim: &Simulation, plan: &JobPlan) -> bool {
    let world = &*sim.world;
    let protected = &world.policy.protected;
    let job = &plan.job;
    if !commits(plan) || job.stop || (protected.jobs.is_empty() && protected.namespaces.is_empty())
    {
        return false;
    }
    protected.covers(&job.namespace, &job.id)
        || !hits(job, &plan.result, protected).is_empty()
        || crate::rules::priority::preemption_possible(world, sim, job)
}

/// What the policy refuses in one changed file's plan: its preemptions and
/// unplaced groups, over the plan shown and the shuffles sampled, and the
/// stop of a protected job its file no longer defines. Stopping a protected
/// job by deleting its file is not refused: that is a decision, not a side
/// effect.
pub fn judge(entry: &Entry, protected: &Protected) -> Vec<Violation> {
    let super::changed::Outcome::Plan(plan) = &entry.outcome else {
        return Vec::new();
    };
    let sampled = entry.sampled.as_ref();
    let mut out = violations(
        plan,
        protected,
        sampled.map(|s| &s.tally),
        sampled.and_then(|s| s.unseen),
    );
    let job = &plan.job;
    if entry.change == crate::changeset::FileChange::JobReplaced
        && job.stop
        && protected.covers(&job.namespace, &job.id)
    {
        out.push(Violation::StopsReplaced {
            namespace: job.namespace.clone(),
            job_id: job.id.clone(),
            now: entry.replaced_by.clone(),
        });
    }
    if let Some(t) = entry.twice.as_ref() {
        if protected.covers(&t.namespace, &t.id) {
            out.push(Violation::DefinedTwice(Box::new(t.clone())));
        }
    }
    if let Some(line) = entry.twice_untold.as_ref() {
        if protected.covers(&job.namespace, &job.id) && !job.stop {
            out.push(Violation::TwiceUntold(line.clone()));
        }
    }
    out
}

/// Does `nomad job run` of `plan` commit anything? Not when the servers
/// (or the HTTP agent) refuse the submission before registering it
/// ([`crate::planner::Admission::WillFail`]: nomad/job_endpoint.go
/// v2.0.5:232 returns before the raftApply at :358 that commits the job
/// and creates its evaluation), nor when the plan itself is refused: no
/// evaluation, so no node shuffle, preemption or placement is made. The
/// gate refuses such a submission by its own line ("submission will
/// fail"), in both forms.
fn commits(plan: &JobPlan) -> bool {
    plan.admission.is_admitted()
}

/// What the policy refuses in one plan: what the plan shown does, and with
/// `sampled`, what any sampled shuffle does (each with its share); where
/// nothing is refused over samples whose bound (`unseen`) is too weak to
/// pass on, that the gate cannot tell ([`Violation::WeakBound`]).
pub fn violations(
    plan: &JobPlan,
    protected: &Protected,
    sampled: Option<&Tally<Hit>>,
    unseen: Option<crate::unseen::Unseen>,
) -> Vec<Violation> {
    let mut out = judge::refusals(plan, protected, sampled);
    if let Some(u) = unseen.filter(|u| out.is_empty() && crate::rules::priority::too_weak(*u)) {
        out.push(Violation::WeakBound {
            job_id: plan.job.id.clone(),
            what: unseen::unseen_what(&plan.job, protected),
            unseen: u,
        });
    }
    out
}

#[cfg(test)]
mod tests;
