//! The state an import's job status view reads: its clients and each
//! registered job's record as the saved files hold it, with no allocation
//! placed. That view prints only saved facts (the job's own file, its
//! summary, its allocations and deployment as saved:
//! src/render/status/saved_job.rs), so replaying every running job first
//! was work done for nothing (stop 57's closing note, "Read again").

use super::{running_jobs, Simulation};
use crate::cluster::{JobRecord, JobStatus, State};
use crate::world::World;

impl Simulation {
    /// The registered jobs of an import, each at its saved indexes and
    /// status, none of them scheduled or pinned; `None` for a hand-written
    /// world, whose views are the simulation's.
    pub fn registered(world: &World) -> Option<State> {
        let facts = world.status_facts.as_ref()?;
        let mut state = Simulation::base_state(world);
        for job in running_jobs(world) {
            let key = (job.namespace.clone(), job.id.clone());
            let saved = facts.jobs.get(&key).copied().unwrap_or_default();
            let mut ix = saved.indexes;
            // As a pinned job without indexes: the next index, as a
            // registration would take (replay.rs `pin`).
            if ix.job_modify_index == 0 {
                let next = state.index + 1;
                (ix.create_index, ix.modify_index, ix.job_modify_index) = (next, next, next);
            }
            state.index = state.index.max(ix.modify_index).max(ix.job_modify_index);
            let record = JobRecord {
                job,
                version: ix.version,
                create_index: ix.create_index,
                modify_index: ix.modify_index,
                job_modify_index: ix.job_modify_index,
                submit_time: ix.submit_time.map_or_else(
                    || i64::try_from(ix.job_modify_index).unwrap_or(i64::MAX),
                    crate::cluster::sim_seconds,
                ),
                // Shown from the saved file (saved_job.rs `job_status`),
                // never from this field: no allocation is here to derive
                // one from.
                status: saved.status.unwrap_or(JobStatus::Pending),
                unfinished_eval: ix.unfinished_eval,
            };
            state.jobs.insert(key, record);
        }
        Some(state)
    }
}
