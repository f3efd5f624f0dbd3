//! The state an import's job status view reads: its clients and each
//! registered job's record as the saved files hold it, with no allocation
//! placed. That view prints only saved facts (the job's own file, its
//! summary, its allocations and deployment as saved:
//! src/render/status/saved_job.rs), so replaying every running job first
//! was work done for nothing (stop 57's closing note, "Read again").

use super::{running_jobs, Simulation};
use crate::cluster::{JobStatus, State};
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
            // Shown from the saved file (saved_job.rs `job_status`), never
            // from this status: no allocation is here to derive one from.
            let status = saved.status.unwrap_or(JobStatus::Pending);
            let record = super::replay::record_at(job, saved.indexes, state.index, status);
            state.index = state
                .index
                .max(record.modify_index)
                .max(record.job_modify_index);
            state.jobs.insert(key, record);
        }
        state.imported_at = Some(state.index);
        Some(state)
    }
}
