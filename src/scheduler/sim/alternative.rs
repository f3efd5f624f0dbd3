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
//! changes replayed, and only the same-state comparison stands. A change
//! a rule makes by hand to ask "what if" (the rollout's freed room: the
//! allocations that finish on their own finished) is made to each history
//! alike ([`Simulation::changed_alike`]): the other value's history in the
//! same "what if", not before it.
//! A world stating its scheduler block has no alternative and pays a look
//! at its spans, once per job type.

use std::sync::{Arc, OnceLock};

use super::Simulation;
use crate::cluster::State;
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
    /// Where this is a copy's alternative: the replayed simulation's
    /// alternative it copies, and the change made to the copy's state.
    from: Option<(Arc<Vec<Alternative>>, usize, StateChange)>,
}

/// A change a rule makes by hand to a replayed simulation's state, made
/// to each alternative history alike.
pub type StateChange = Arc<dyn Fn(&mut State) + Send + Sync>;

impl Alternative {
    /// The two settings flipped together are planned only where neither
    /// flip alone already made the plan's verdict rest on them
    /// (`unstated::alternatives`): the answer is "cannot tell" either way.
    pub fn needless(&self, made: &crate::scheduler::PlanResult) -> bool {
        matches!(self.setting, UnstatedSetting::Both { .. })
            && made.unstated.iter().any(|u| u.other_plan().is_some())
    }

    /// The history under the other value, for `sim` in its replayed state.
    pub fn history(&self, sim: &Simulation) -> Option<&Simulation> {
        if !sim.alternatives.replayed(sim) || self.world.pinned.is_some() {
            return None;
        }
        self.built(sim.seed)
    }

    fn built(&self, seed: u64) -> Option<&Simulation> {
        self.history
            .get_or_init(|| match &self.from {
                None => {
                    let running = super::running_jobs(&self.world);
                    Simulation::replay(self.world.clone(), &running, seed).ok()
                }
                Some((alts, i, change)) => {
                    let mut h = alts.get(*i)?.built(seed)?.clone();
                    change(&mut h.state);
                    Some(h)
                }
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
    /// Where this simulation is a replayed one's copy with `change` made
    /// by hand: the replayed one's alternatives.
    from: Option<(Arc<Alternatives>, StateChange)>,
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
            from: None,
        })
    }

    /// For a copy of `sim` whose state `change` alters by hand.
    fn changed(sim: &Simulation, change: StateChange) -> Arc<Alternatives> {
        let me = &sim.alternatives;
        Arc::new(Alternatives {
            world: me.world.clone(),
            replayed_index: me.replayed_index,
            by_type: Default::default(),
            from: Some((me.clone(), change)),
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
                    from: None,
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
        me.by_type[slot(job_type)]
            .get_or_init(|| match &me.from {
                None => make(),
                Some((parent, change)) => {
                    let theirs = parent.by_type[slot(job_type)].get_or_init(make).clone();
                    let alts = theirs
                        .iter()
                        .enumerate()
                        .map(|(i, a)| Alternative {
                            setting: a.setting,
                            world: a.world.clone(),
                            history: OnceLock::new(),
                            from: Some((theirs.clone(), i, change.clone())),
                        })
                        .collect();
                    Arc::new(alts)
                }
            })
            .clone()
    }
}

impl Simulation {
    /// A copy with `change` made to its state by hand (a rule's "what
    /// if", not a replayed step: the state index stays). Where this
    /// simulation is in its replayed state, each unstated setting's other
    /// history is planned with the same change made: a "what if" compared
    /// with the other history as it stands would compare two questions.
    pub fn changed_alike(&self, change: StateChange) -> Simulation {
        let mut out = self.clone();
        change(&mut out.state);
        if self.alternatives.replayed(self) {
            out.alternatives = Alternatives::changed(self, change);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structs::ClientStatus;

    fn job(id: &str, memory: u32) -> String {
        format!("job \"{id}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"{id}:1\" }}\n      resources {{\n        cpu = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n")
    }

    /// Review rv27-1's world: two 4000 MB clients running `a` and `a2`
    /// (2000 MB each), the algorithm unstated. Binpack's history leaves a
    /// client empty for `b` (3000 MB); spread's leaves none.
    fn replayed() -> (Simulation, crate::jobspec::Job) {
        let mut vfs = crate::vfs::MemVfs::new("alternative");
        vfs.insert("rules/cluster.hcl", "nomad_version = \"1.10.5\"\nedition = \"community\"\nregion = \"global\"\nrunning = [\"jobs/a.nomad\", \"jobs/a2.nomad\"]\nscheduler {\n  preemption {\n    service = false\n  }\n}\nclient \"c\" {\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 10000\n  drivers = [\"docker\"]\n}\n".to_string());
        vfs.insert("jobs/a.nomad", job("a", 2000));
        vfs.insert("jobs/a2.nomad", job("a2", 2000));
        let world = match crate::world::load(&vfs, std::path::Path::new("rules")) {
            Ok((w, _)) => w,
            Err(d) => panic!("world: {d:?}"),
        };
        let parsed =
            crate::rules::testing::load_at("jobs/b.nomad", &job("b", 3000), world.nomad_version);
        let Some(b) = parsed.job else {
            panic!("job b loads");
        };
        let sim = match Simulation::new(&world, 1) {
            Ok(s) => s,
            Err(e) => panic!("replays: {e:?}"),
        };
        (sim, b)
    }

    fn untold(sim: &Simulation, job: &crate::jobspec::Job) -> bool {
        sim.plan(job)
            .unstated
            .iter()
            .any(|u| u.other_plan().is_some())
    }

    #[test]
    fn a_change_made_by_hand_is_made_to_the_other_history_alike() {
        let (sim, b) = replayed();
        // Spread's history has no room for `b`: cannot tell.
        assert!(untold(&sim, &b));
        // Once `a2` has finished, both histories have room. Compared with
        // spread's history as it stands (`a2` still running there), the
        // plan would still differ.
        let finished: StateChange = Arc::new(|state: &mut State| {
            for a in &mut state.allocs {
                if a.job_id == "a2" {
                    a.client_status = ClientStatus::Complete;
                }
            }
        });
        let later = sim.changed_alike(finished.clone());
        assert!(!untold(&later, &b));
        // The replayed simulation's own answer is untouched.
        assert!(untold(&sim, &b));
        // A copy changed without it compares against the other history as
        // it stands: the question `changed_alike` exists to avoid.
        let mut bare = sim.clone();
        finished(&mut bare.state);
        assert!(untold(&bare, &b));
    }
}
