//! Room the rollout's later batches may find later (roll26): an end state
//! that does not fit now is no proof that the deployment cannot finish.
//!
//! A later batch whose placements fail leaves a blocked evaluation
//! (scheduler/generic_sched.go v2.0.5:256-265, v1.10.5 the same rule),
//! and a client reporting an allocation `complete` or `failed` unblocks
//! every blocked evaluation of its node's class (nomad/fsm.go
//! v2.0.5:1053-1076 `applyAllocClientUpdate`): the evaluation runs again,
//! places what now fits and the deployment goes on, unless its
//! `progress_deadline` passed first. Some allocations free their room
//! without anyone's action: a batch or sysbatch job's, which run to
//! completion, and one told to stop that its client still runs (held from
//! 1.4.0, `Allocation::holds_node`), which the client stops. When, is
//! nothing a job file or a world says. So where the end state fits once
//! they are gone, "the deployment cannot finish" would be a wrong
//! refusal: the group cannot be told. Where it still does not fit, the
//! refusal stands: nothing else frees room on its own (a service or
//! system allocation runs until something stops it).

use super::{of_plan, LaterBatch};
use crate::jobspec::{Job, JobType};
use crate::scheduler::Simulation;
use crate::structs::{Allocation, ClientStatus};

/// Does `a` free its room without anyone's action (see the module)?
fn finishes_alone(a: &Allocation, job: &Job, v: crate::version::NomadVersion) -> bool {
    let own = a.namespace == job.namespace && a.job_id == job.id;
    let runs_to_completion =
        a.is_live() && matches!(a.job_type, JobType::Batch | JobType::Sysbatch) && !own;
    let stopping = !a.is_live() && a.holds_node(v);
    runs_to_completion || stopping
}

/// `refused`, the end state's refusals of `end` planned in `sim`, with
/// each group the end state places once every allocation that finishes on
/// its own has finished made "cannot tell", saying why.
pub(super) fn judged(sim: &Simulation, end: &Job, refused: Vec<LaterBatch>) -> Vec<LaterBatch> {
    let v = sim.world.nomad_version;
    let freeing = sim
        .state
        .allocs
        .iter()
        .filter(|a| finishes_alone(a, end, v))
        .count();
    if freeing == 0 || refused.iter().all(|b| b.untold.is_some()) {
        return refused;
    }
    let mut later = sim.clone();
    for a in &mut later.state.allocs {
        if finishes_alone(a, end, v) {
            a.client_status = ClientStatus::Complete;
        }
    }
    let still = of_plan(&later.plan(end), end);
    refused
        .into_iter()
        .map(|mut b| {
            let fits_later = !still.iter().any(|s| s.group == b.group);
            if b.untold.is_none() && fits_later {
                b.untold = Some(why(freeing));
            }
            b
        })
        .collect()
}

fn why(freeing: usize) -> String {
    format!(
        "the same job with every destructive update placed at once does not fit now, but does once {freeing} allocation(s) that free their room on their own (a batch or sysbatch job's, or one told to stop that its client still runs) have finished; a batch that finds no room leaves a blocked evaluation that runs again when a client reports an allocation finished (nomad/fsm.go v2.0.5:1053-1076), so whether the deployment finishes depends on when they do, before its progress_deadline or not"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structs::DesiredStatus;

    fn alloc(job_id: &str, t: JobType) -> Allocation {
        Allocation {
            job_id: job_id.into(),
            job_type: t,
            desired_status: DesiredStatus::Run,
            client_status: ClientStatus::Running,
            ..Allocation::default()
        }
    }

    #[test]
    fn only_what_runs_to_completion_or_is_stopping_frees_room_alone() {
        let web = Job {
            id: "web".into(),
            ..Job::default()
        };
        let v = crate::version::NomadVersion::new(1, 10, 5);
        assert!(finishes_alone(&alloc("etl", JobType::Batch), &web, v));
        assert!(finishes_alone(&alloc("once", JobType::Sysbatch), &web, v));
        assert!(!finishes_alone(&alloc("api", JobType::Service), &web, v));
        assert!(!finishes_alone(&alloc("agent", JobType::System), &web, v));
        let mut stopping = alloc("api", JobType::Service);
        stopping.desired_status = DesiredStatus::Stop;
        assert!(finishes_alone(&stopping, &web, v));
        // Before 1.4.0 a stopped allocation holds nothing: nothing to free.
        assert!(!finishes_alone(
            &stopping,
            &web,
            crate::version::NomadVersion::new(1, 3, 0)
        ));
        let mut done = alloc("etl", JobType::Batch);
        done.client_status = ClientStatus::Complete;
        assert!(!finishes_alone(&done, &web, v));
    }
}
