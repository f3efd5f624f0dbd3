//! One job planned against a simulation ([`JobPlan`]): the plan shown,
//! and what the gates judge beside it (the rollout's end state,
//! `rules::capacity::later_batches`). Apart from `cli::plan`'s flow so
//! that module stays under 600 lines.

use crate::diff::JobDiff;
use crate::jobspec::Job;
use crate::planner::Admission;
use crate::render;
use crate::scheduler::{PlanResult, Simulation};

/// A job planned against a simulation: everything `nomad job plan` prints
/// comes from these.
#[derive(Debug, Clone)]
pub struct JobPlan {
    /// The submitted version (with `stop = true` when planning a stop).
    pub job: Job,
    /// The diff against the running version, annotated with the plan's updates.
    pub diff: JobDiff,
    pub result: PlanResult,
    /// The Plan RPC's admission verdict for the version.
    pub admission: Admission,
    /// What we cannot know of the plan (see `planner::Plan::cannot_know`).
    pub cannot_know: Option<crate::planner::CannotKnow>,
    /// What the plan assumed that the world does not state (see
    /// `planner::Plan::assumed`).
    pub assumed: Vec<crate::planner::assumed::Assumption>,
    /// A protected job's groups its rollout's later batches leave unplaced
    /// (`rules::capacity::later_batches`): judged by the policy, never
    /// shown as Nomad's text.
    pub later_batches: Vec<crate::rules::capacity::later_batches::LaterBatch>,
    /// Where the rollout's end state was sampled and no shuffle left
    /// anything unplaced: how far the samples go (the gates say it as they
    /// say the plan's own, rv24-1).
    pub later_unseen: Option<crate::unseen::Unseen>,
}

impl JobPlan {
    /// The one line said in place of Nomad's text when the plan cannot be
    /// known (a refusal at admission is known, and said first). A sure
    /// refusal beside an entry the world does not give says that it is one
    /// (`render::job_file_error::untold_line`).
    pub fn cannot_know_line(&self) -> Option<String> {
        if self.admission.refused_body().is_some() {
            return None;
        }
        let u = self.cannot_know.as_ref()?;
        let refused = self.admission.untold_entries().is_some() && u.is_entry();
        Some(render::job_file_error::untold_line(
            &u.line(&self.job),
            refused,
        ))
    }

    /// The entries Nomad's refusal is known to hold, said after
    /// [`JobPlan::cannot_know_line`] when it says the job is refused.
    pub fn untold_entries(&self) -> &[String] {
        match (self.admission.untold_entries(), &self.cannot_know) {
            (Some(entries), Some(u)) if u.is_entry() => entries,
            _ => &[],
        }
    }
}

/// Plan `job` against the simulation's state, as `nomad job plan` does,
/// its periodic launch computed from `now` (Unix seconds) as the Plan RPC
/// does last ([`crate::planner::launch`]).
pub fn plan_job(sim: &Simulation, job: Job, now: i64) -> JobPlan {
    plan_job_after(sim, None, &[], job, now)
}

/// [`plan_job`] after `earlier` planned changes (their replays cached in
/// `replays`), which the rollout's end state's samples submit first.
pub fn plan_job_after(
    sim: &Simulation,
    replays: Option<&crate::scheduler::replay_cache::Shared>,
    earlier: &[crate::scheduler::sim::Submitted],
    job: Job,
    now: i64,
) -> JobPlan {
    let crate::planner::Plan {
        result,
        diff,
        mut admission,
        mut cannot_know,
        assumed,
        ..
    } = crate::planner::plan(sim, &job);
    let version = sim.world.nomad_version;
    crate::planner::launch::settle(&job, now, version, &mut admission, &mut cannot_know);
    let at = crate::rules::capacity::later_batches::Judged {
        sim,
        replays,
        earlier,
    };
    let protected = sim.world.policy.protected.covers(&job.namespace, &job.id);
    let end = if protected && admission.is_admitted() {
        crate::rules::capacity::later_batches::unplaced(&at, &job, &result)
    } else {
        Default::default()
    };
    JobPlan {
        later_batches: end.batches,
        later_unseen: end.unseen,
        job,
        diff,
        result,
        admission,
        cannot_know,
        assumed,
    }
}
