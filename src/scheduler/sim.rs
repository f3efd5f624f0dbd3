//! The simulation API every command uses: build a cluster from a world,
//! replay its running jobs, then plan or run job submissions against it.
//!
//! PLACEHOLDER BODIES: the scheduler work replaces every `todo!()` here; the
//! signatures are the contract the plan, rehearse and check code is written
//! against. Extend (add methods/fields) rather than change them.

use crate::cluster::State;
use crate::diag::Diags;
use crate::jobspec::Job;
use crate::scheduler::PlanResult;
use crate::world::{Namespace, World};

/// Usage of one quota in one region, summed over the live allocations of
/// every namespace attached to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuotaUsage {
    pub cpu: i64,
    pub cores: i64,
    pub memory: i64,
    pub memory_max: i64,
}

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
    pub world: World,
    pub state: State,
    pub seed: u64,
}

impl Simulation {
    /// Build nodes from the world's client pools and register the world's
    /// `running` jobs in order through the scheduler. `seed` drives the node
    /// shuffle; the same world and seed always give the same state.
    pub fn new(world: &World, seed: u64) -> Result<Simulation, Diags> {
        let _ = (world, seed);
        todo!("scheduler: Simulation::new")
    }

    /// `nomad job plan`: what would happen, without changing state.
    pub fn plan(&self, job: &Job) -> PlanResult {
        let _ = job;
        todo!("scheduler: Simulation::plan")
    }

    /// `nomad job run [-check-index N]`: register and apply the plan.
    pub fn run(&mut self, job: &Job, check_index: Option<u64>) -> Result<RunOutcome, RunError> {
        let _ = (job, check_index);
        todo!("scheduler: Simulation::run")
    }

    /// `nomad job stop`: stop every allocation of the job and re-run blocked evaluations.
    pub fn stop_job(&mut self, namespace: &str, job_id: &str) -> UnblockOutcome {
        let _ = (namespace, job_id);
        todo!("scheduler: Simulation::stop_job")
    }

    /// Add `count` clients to an existing pool (named NAME-k after the
    /// existing ones), then re-run blocked evaluations as Nomad does.
    pub fn add_clients(&mut self, pool: &str, count: u32) -> UnblockOutcome {
        let _ = (pool, count);
        todo!("scheduler: Simulation::add_clients")
    }

    /// `nomad namespace apply`: create or update a namespace.
    pub fn apply_namespace(&mut self, namespace: Namespace) {
        let _ = namespace;
        todo!("scheduler: Simulation::apply_namespace")
    }

    /// Current usage of a quota in a region.
    pub fn quota_usage(&self, quota: &str, region: &str) -> QuotaUsage {
        let _ = (quota, region);
        todo!("scheduler: Simulation::quota_usage")
    }
}
