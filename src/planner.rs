//! A plan as the Plan RPC computes it: the scheduler's dry run against the
//! simulated state, and the diff from the registered version of the job,
//! annotated with the scheduler's update counts. Every consumer (`plan`,
//! `rehearse`, `check`, the hook) goes through here.

use crate::diff::{annotate, job_diff, JobDiff};
use crate::jobspec::Job;
use crate::scheduler::{PlanResult, Simulation};

#[derive(Debug, Clone)]
pub struct Plan {
    pub result: PlanResult,
    pub diff: JobDiff,
    /// The version of the job the cluster runs, if any.
    pub old: Option<Job>,
}

pub fn plan(sim: &Simulation, job: &Job) -> Plan {
    let result = sim.plan(job);
    let old = sim
        .state
        .job(&job.namespace, &job.id)
        .map(|r| r.job.clone());
    let mut diff = job_diff(old.as_ref(), Some(job), sim.world.nomad_version);
    annotate(&mut diff, &result.desired_tg_updates);
    Plan { result, diff, old }
}
