//! The simulation API every command uses: build a cluster from a world,
//! replay its running jobs, then plan or run job submissions against it.
//! The state is built in [`replay`], submissions registered in
//! [`register`], cluster changes made in [`changes`].

mod alternative;
mod changes;
mod evaluation;
mod planned;
mod register;
mod registered;
mod replay;
mod submitted;

use crate::ids::{hash_parts, uuid};

use crate::cluster::State;
use crate::diag::Diags;
use crate::jobspec::Job;
use crate::scheduler::generic::{evaluate, Evaluated, JobHistory};
use crate::scheduler::PlanResult;
use crate::structs::spec_changed::same_spec;
use crate::world::World;

pub use crate::cluster::usage::QuotaUsage;
pub use alternative::{Alternatives, StateChange};
pub use planned::Planned;
pub use replay::running_jobs;
pub use submitted::{Submission, Submitted};

/// What `nomad job run` did.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// UUID-shaped, deterministic.
    pub eval_id: String,
    /// The plan the scheduler applied (same shape as a dry run).
    pub plan: PlanResult,
    /// The blocked evaluation created for what could not be placed.
    pub blocked_eval_id: Option<String>,
    /// The job's new modify index after registration.
    pub job_modify_index: u64,
    pub job_version: u64,
    /// The deployment the evaluation created (the monitor prints
    /// `Evaluation within deployment`).
    pub deployment_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// `-check-index` did not match: Nomad's message text
    /// (`job exists with conflicting job modify index: 6` ...).
    CheckIndex { given: u64, message: String },
    /// Server-side validation or namespace errors, as Nomad words them.
    Rejected(String),
}

/// Placements unblocked by a cluster change (a client added, an allocation stopped).
#[derive(Debug, Clone, Default)]
pub struct UnblockOutcome {
    /// (namespace, job id, plan) for each blocked evaluation that ran again.
    pub evaluations: Vec<(String, String, PlanResult)>,
}

/// A simulated cluster: world + state + the deterministic RNG behind node shuffles.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// Shared between copies (samples clone a replayed simulation many
    /// times); the few cluster changes that edit it copy it first.
    pub world: std::sync::Arc<World>,
    pub state: State,
    pub seed: u64,
    /// Every registered job version, so the reconciler can compare the
    /// spec an allocation runs with the new one.
    pub job_versions: JobHistory,
    /// The worlds each job is planned again in where the world leaves a
    /// scheduler setting unstated, with their histories: made once, shared
    /// by every copy ([`alternative`]).
    pub alternatives: std::sync::Arc<alternative::Alternatives>,
}

impl Simulation {
    /// Build nodes from the world's client pools and register the world's
    /// `running` jobs in order through the scheduler. `seed` drives the node
    /// shuffle; the same world and seed always give the same state.
    /// With the placement cache on (the CLI's default, see
    /// [`super::disk_cache`]) an unchanged world and seed are read back
    /// rather than scheduled again; pinned worlds are never scheduled, so
    /// they are not cached.
    pub fn new(world: &World, seed: u64) -> Result<Simulation, Diags> {
        let jobs = running_jobs(world);
        match super::disk_cache::active() {
            Some(dir) if world.pinned.is_none() => {
                super::disk_cache::replay_cached(dir, world, &jobs, seed)
            }
            _ => Simulation::replay(std::sync::Arc::new(world.clone()), &jobs, seed),
        }
    }

    /// A simulation of a state built by hand (tests, benches): it is no
    /// replay of `world`, so an unstated setting is compared against this
    /// state only ([`alternative`]).
    pub fn from_state(world: std::sync::Arc<World>, state: State, seed: u64) -> Simulation {
        Simulation {
            alternatives: Alternatives::new(&world, u64::MAX),
            world,
            state,
            seed,
            job_versions: JobHistory::new(),
        }
    }

    fn eval_id(&self, index: u64, what: &str) -> String {
        uuid(self.seed, &["eval", what, &index.to_string()])
    }

    fn shuffle_seed(&self, index: u64) -> u64 {
        hash_parts(self.seed, &["shuffle", &index.to_string()])
    }

    /// The version a submission would get: unchanged spec keeps it
    /// (`same` compares the registered spec with the submitted one, as
    /// `Job.SpecChanged` does: [`same_spec`]).
    fn next_version(
        &self,
        job: &Job,
        same: impl FnOnce(&std::sync::Arc<Job>) -> bool,
    ) -> (u64, u64) {
        match self.state.job(&job.namespace, &job.id) {
            Some(r) if same(&r.job) => (r.version, r.job_modify_index),
            Some(r) => (r.version + 1, r.job_modify_index),
            None => (0, 0),
        }
    }

    /// `nomad job plan`: what would happen, without changing state.
    pub fn plan(&self, job: &Job) -> PlanResult {
        self.plan_admitted(&crate::mutators::applied(
            job,
            self.world.nomad_version,
            &self.world.server,
        ))
    }

    /// [`Simulation::plan`] of a job the admission mutators already ran on
    /// (`mutators::applied`): a caller planning one job under many replays
    /// mutates it once, not once per replay.
    pub fn plan_admitted(&self, job: &Job) -> PlanResult {
        let mut result = self.plan_admitted_in(&self.world, job);
        for alt in alternative::Alternatives::of(self, job.job_type).iter() {
            if alt.needless(&result) {
                continue;
            }
            let same = self.plan_admitted_in(&alt.world, job);
            let history = alt.history(self).map(|h| h.plan_admitted_in(&h.world, job));
            result.unstated.extend(super::unstated::compare_both(
                alt.setting,
                &result,
                same,
                history,
            ));
        }
        result
    }

    /// [`Simulation::plan_admitted`] with `world`'s scheduler settings:
    /// the world's own, or one with an unstated setting's other value
    /// ([`super::unstated`]), against the same state and node shuffle.
    fn plan_admitted_in(&self, world: &World, job: &Job) -> PlanResult {
        let v = self.world.nomad_version;
        let (version, modify_index) = self.next_version(job, |r| same_spec(r, job, v));

        // The plan evaluates against a snapshot that already holds the new
        // version, as Nomad's Job.Plan does.
        let index = self.state.index + 1;
        let Evaluated {
            mut result,
            plan,
            by_node,
        } = evaluate(
            world,
            &self.state,
            &self.job_versions,
            job,
            version,
            &self.eval_id(index, "plan"),
            self.shuffle_seed(index),
            true,
        );
        result.job_modify_index = modify_index;
        self.judge_applier(&mut result, &plan, &by_node, job);
        result.placements = plan.into_placements();
        result
    }

    /// [`Simulation::plan_admitted`] of a job planned against many
    /// replays: its comparison with each registered spec, and whether
    /// each group's change is destructive, are judged once.
    pub fn plan_planned(&self, planned: &Planned) -> PlanResult {
        let mut result = self.plan_planned_in(&self.world, planned);
        for alt in alternative::Alternatives::of(self, planned.job.job_type).iter() {
            if alt.needless(&result) {
                continue;
            }
            let same = self.plan_planned_in(&alt.world, planned);
            let history = alt
                .history(self)
                .map(|h| h.plan_planned_in(&h.world, planned));
            result.unstated.extend(super::unstated::compare_both(
                alt.setting,
                &result,
                same,
                history,
            ));
        }
        result
    }

    /// [`Simulation::plan_planned`] with `world`'s scheduler settings (see
    /// [`Simulation::plan_admitted_in`]).
    fn plan_planned_in(&self, world: &World, planned: &Planned) -> PlanResult {
        let (version, modify_index) = self.next_version(&planned.job, |r| planned.same_as(r));
        let index = self.state.index + 1;
        let Evaluated {
            mut result,
            plan,
            by_node,
        } = crate::scheduler::generic::evaluate_planned(
            world,
            &self.state,
            &self.job_versions,
            planned,
            version,
            &self.eval_id(index, "plan"),
            self.shuffle_seed(index),
        );
        result.job_modify_index = modify_index;
        self.judge_applier(&mut result, &plan, &by_node, &planned.job);
        result.placements = plan.into_placements();
        result
    }

    /// The plan applier's verdict on a dry run's plan, as `nomad job run`
    /// of the same plan would meet it ([`super::applier::rejections`]).
    fn judge_applier(
        &self,
        result: &mut PlanResult,
        plan: &super::engine::Plan,
        by_node: &[Vec<usize>],
        job: &Job,
    ) {
        let v = self.world.nomad_version;
        let rejected = super::applier::rejections(&self.state, plan, by_node, v);
        result.rejected_whole = super::applier::whole_plan_groups(plan, &rejected, job.all_at_once);
        result.rejected = rejected.into_iter().map(|(_, r)| r).collect();
        if !result.rejected.is_empty() {
            self.retry(result, job);
        }
    }

    /// `nomad job run` of a dry run's plan the applier rejects in part:
    /// the run's evaluation on a copy of this simulation, whose first
    /// plan is the dry run's draw (the same state, index, evaluation ID
    /// and shuffle), retried as the worker retries it
    /// ([`super::applier::Retries`]).
    fn retry(&self, result: &mut PlanResult, job: &Job) {
        let mut copy = self.clone();
        let (key, index, _, _) = copy.register(&std::sync::Arc::new(job.clone()));
        let eval_id = self.eval_id(index, "plan");
        let run = copy.evaluate_and_apply(&key, &eval_id, false);
        // A run whose first plan committed whole is not the dry run's
        // draw (the copy planned otherwise): no verdict is drawn from it,
        // the dry run's rejection stands.
        // A retry the state store fails (a sticky static volume's claim,
        // vol17) nacks the evaluation: no placed verdict, the rejection
        // stands.
        if run.plans_submitted < 2 || run.error.is_some() {
            return;
        }
        // The last plan's failures are the blocked evaluation's (the
        // run's result holds the first plan's).
        let blocked = copy
            .state
            .blocked
            .iter()
            .find(|b| b.namespace == key.0 && b.job_id == key.1);
        let end = match blocked {
            _ if run.attempts_exhausted.is_some() => super::RetryEnd::Exhausted,
            Some(b) => super::RetryEnd::Blocked(b.failed_tg_allocs.keys().cloned().collect()),
            None => super::RetryEnd::Placed,
        };
        // The retries mend the rejection when they leave unplaced only
        // what the dry run's scheduler could not place either (then its
        // own failure says so): the rejected groups end placed.
        let mended = match &end {
            super::RetryEnd::Placed => true,
            super::RetryEnd::Blocked(groups) => groups
                .iter()
                .all(|g| result.failed_tg_allocs.contains_key(g)),
            super::RetryEnd::Exhausted => false,
        };
        let first = if mended {
            result.rejected_whole.clear();
            std::mem::take(&mut result.rejected)
        } else {
            Vec::new()
        };
        result.retried = Some(super::Retried {
            plans: run.plans_submitted,
            end,
            first,
            preempted: run.preempted_allocs,
        });
    }
}
