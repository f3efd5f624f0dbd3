//! A plan as the Plan RPC computes it: admission (per version), the
//! scheduler's dry run against the simulated state, and the diff from the
//! registered version of the job, annotated with the scheduler's update
//! counts. Every consumer (`plan`, `rehearse`, `check`, the hook) goes
//! through here.

pub mod admission;
pub mod annotate;

pub use admission::Admission;

use self::annotate::annotate;
use crate::diff::{job_diff, JobDiff};
use crate::jobspec::Job;
use crate::scheduler::quota_devices::{device_quota_unknown, DeviceQuotaUnknown};
use crate::scheduler::{PlanResult, Simulation};

#[derive(Debug, Clone)]
pub struct Plan {
    pub result: PlanResult,
    pub diff: JobDiff,
    /// The version of the job the cluster runs, if any.
    pub old: Option<Job>,
    /// What the Plan RPC's admission said. When it is not `Admitted`, the
    /// scheduler did not see the job: `result` places nothing.
    pub admission: Admission,
    /// What we cannot know of this plan (device limits of its quota,
    /// counted by Nomad Enterprise's private code): when set, no consumer
    /// prints Nomad's text for `result`; each says this instead.
    pub cannot_know: Option<DeviceQuotaUnknown>,
}

pub fn plan(sim: &Simulation, job: &Job) -> Plan {
    // The admission mutators run first (Job.Plan): the scheduler, the diff
    // and the quota all see the job as Nomad stores it. A job they refuse
    // is refused by `admit`.
    let admission = admission::admit(&sim.world, &sim.state, job);
    let job = &crate::mutators::applied(job, sim.world.nomad_version, &sim.world.server);
    // A refused or ignored upsert leaves the job out of the snapshot: the
    // scheduler sees no job and plans nothing (the index stays 0).
    let result = if admission.is_admitted() {
        sim.plan(job)
    } else {
        PlanResult::default()
    };
    let old = sim
        .state
        .job(&job.namespace, &job.id)
        .map(|r| (*r.job).clone());
    let mut diff = job_diff(old.as_ref(), Some(job), sim.world.nomad_version);
    annotate(&mut diff, &result.desired_tg_updates);
    let cannot_know = device_quota_unknown(&sim.world, job);
    Plan {
        result,
        diff,
        old,
        admission,
        cannot_know,
    }
}
