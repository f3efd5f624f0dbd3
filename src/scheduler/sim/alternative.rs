//! The alternative worlds a simulation plans each job again in
//! ([`crate::scheduler::unstated`]), made once per simulation and job type
//! rather than per plan (review rv27-2: `plan_admitted` cloned the whole
//! world on every call), and shared by every copy of the simulation (a
//! replay kept by [`crate::scheduler::replay_cache`] is copied per file
//! and per sample; its copies share this).
//!
//! Each alternative holds, besides the world with the setting's other
//! value, that world's own history (review rv27-1): its running jobs
//! replayed under the other value with the same seed. A cluster that has
//! always run `spread` placed its running allocations otherwise than the
//! world's default did, and a plan against the default's state alone
//! misses it (two 4000 MB clients each holding one 2000 MB job under
//! spread leave no room for 3000 MB; under binpack both sit on one
//! client). The history is built on first use and only for a simulation
//! still in its replayed state: after a cluster change (a `rehearse` run
//! step, a client added) the alternative history would need the same
//! changes replayed, and only the same-state comparison stands.
//! A world stating its scheduler block has no alternative and pays a look
//! at its spans, once per job type.

use std::sync::{Arc, OnceLock};

use super::Simulation;
use crate::jobspec::JobType;
use crate::scheduler::unstated::UnstatedSetting;
use crate::world::World;

/// One unstated setting's other value, for one simulation.
pub(in crate::scheduler) struct Alternative {
    pub setting: UnstatedSetting,
    pub world: Arc<World>,
    /// The world's running jobs replayed under `world` with the
    /// simulation's seed; None where the replay fails (the running jobs
    /// are the same files: it fails as the world's own replay would) or
    /// the world is pinned (an import or a pinned state: its allocations
    /// are where they are, whatever the setting).
    history: OnceLock<Option<Simulation>>,
}

impl Alternative {
    /// The history under the other value, for `sim` in its replayed state.
    pub fn history(&self, sim: &Simulation) -> Option<&Simulation> {
        if !sim.alternatives.replayed(sim) || self.world.pinned.is_some() {
            return None;
        }
        self.history
            .get_or_init(|| {
                let running = super::running_jobs(&self.world);
                Simulation::replay(self.world.clone(), &running, sim.seed).ok()
            })
            .as_ref()
    }
}

/// A simulation's alternatives, by job type.
pub struct Alternatives {
    /// The world and state index the replay ended with: a copy whose
    /// world or state moved on since is no longer in its replayed state.
    world: Arc<World>,
    replayed_index: u64,
    by_type: [OnceLock<Arc<Vec<Alternative>>>; 4],
}

impl std::fmt::Debug for Alternatives {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Alternatives")
            .field("replayed_index", &self.replayed_index)
            .finish_non_exhaustive()
    }
}

fn slot(t: JobType) -> usize {
    match t {
        JobType::Service => 0,
        JobType::Batch => 1,
        JobType::System => 2,
        JobType::Sysbatch => 3,
    }
}

impl Alternatives {
    /// For a simulation whose replay of `world` ended at `index`.
    pub fn new(world: &Arc<World>, index: u64) -> Arc<Alternatives> {
        Arc::new(Alternatives {
            world: world.clone(),
            replayed_index: index,
            by_type: Default::default(),
        })
    }

    fn replayed(&self, sim: &Simulation) -> bool {
        sim.state.index == self.replayed_index && Arc::ptr_eq(&sim.world, &self.world)
    }

    /// The alternatives to plan a `job_type` job again in for `sim`.
    pub(in crate::scheduler) fn of(sim: &Simulation, job_type: JobType) -> Arc<Vec<Alternative>> {
        let make = || {
            let alts = crate::scheduler::unstated::alternatives(&sim.world, job_type)
                .into_iter()
                .map(|(setting, world)| Alternative {
                    setting,
                    world,
                    history: OnceLock::new(),
                })
                .collect();
            Arc::new(alts)
        };
        let me = &sim.alternatives;
        // A changed world (a `rehearse` step editing it) has its own
        // settings: made afresh, not kept.
        if !Arc::ptr_eq(&sim.world, &me.world) {
            return make();
        }
        me.by_type[slot(job_type)].get_or_init(make).clone()
    }
}
