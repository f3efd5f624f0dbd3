//! Replayed worlds kept for the life of the process, by content and seed:
//! placing a world's running jobs is the same work for every file `check`
//! samples NP403 on (the same world, the same 100 seeds), so each replay is
//! computed once and the later files start from a copy. The result is the
//! one `Simulation::new` gives: a copy of a deterministic build.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use super::Simulation;
use crate::diag::Diags;
use crate::world::World;

/// Most nodes plus allocations held over all cached replays: the demo's
/// replays weigh about 20 each, so this keeps every one of a check run's
/// samples of a small world and none of a 100,000-allocation one.
const BUDGET: usize = 2_000_000;

/// A world's content address: every field, through its `Debug` form.
pub type WorldKey = [u8; 32];

pub fn key(world: &World) -> WorldKey {
    Sha256::digest(format!("{world:?}").as_bytes()).into()
}

/// One world to replay under many seeds: its key, and the world and its
/// running jobs shared by every replay (copied once, not per seed), and
/// the state each replay starts from (its clients built once: building
/// them was a twelfth of `plan --samples 1000`).
pub struct Shared {
    /// None for a one-off sampler ([`Shared::new`]): its replays are
    /// neither looked up nor kept, so the world is not hashed for a key
    /// (its `Debug` text and SHA-256 were a hundredth of `plan
    /// --samples 1000`).
    key: Option<WorldKey>,
    world: Arc<World>,
    jobs: Vec<Arc<crate::jobspec::Job>>,
    /// Built on the first replay not found in the cache.
    base: OnceLock<crate::cluster::State>,
}

impl Shared {
    /// A one-off sampler: each seed is replayed once (`plan --samples`,
    /// `rehearse`), so keeping the replays would only copy them.
    pub fn new(world: &World) -> Shared {
        Shared {
            key: None,
            world: Arc::new(world.clone()),
            jobs: super::sim::running_jobs(world),
            base: OnceLock::new(),
        }
    }

    /// [`Shared::new`] for a caller that samples the same seeds again
    /// (a `check` run samples the same seeds for every file that may
    /// preempt): each replay is kept on its first request (replaying each
    /// seed a second time before keeping it was 4% of a corpus check).
    pub fn reused(world: &World) -> Shared {
        Shared {
            key: Some(key(world)),
            ..Shared::new(world)
        }
    }

    /// The world's key, for a reused sampler only (see the field).
    pub fn world_key(&self) -> Option<WorldKey> {
        self.key
    }
}

#[derive(Default)]
struct Cache {
    sims: HashMap<(WorldKey, u64), Arc<Simulation>>,
    weight: usize,
    /// Replays being built by one thread, which the others asking for the
    /// same one wait for ([`cached`]) rather than build again: a folder
    /// check judges two files at once, each sampling the same seeds, and
    /// both built 65-130 of a corpus check's ~1,100 replays (callgrind
    /// counts of `fresh`: 1,165 and 1,229 in two runs, BENCHMARKS.md stop 68).
    building: std::collections::HashSet<(WorldKey, u64)>,
}

struct Kept {
    cache: Mutex<Cache>,
    /// Signalled when a replay in `building` is done (kept or not).
    built: std::sync::Condvar,
}

fn cache() -> &'static Kept {
    static CACHE: OnceLock<Kept> = OnceLock::new();
    CACHE.get_or_init(|| Kept {
        cache: Mutex::new(Cache::default()),
        built: std::sync::Condvar::new(),
    })
}

/// `Simulation::new(world, seed)`, from the cache when this world (by
/// `key`) was already replayed under `seed` in this process.
pub fn replay(shared: &Shared, seed: u64) -> Result<Simulation, Diags> {
    let building = match cached(shared, seed) {
        Lookup::Kept(sim) => return Ok((*sim).clone()),
        Lookup::Build(b) => b,
    };
    let sim = fresh(shared, seed)?;
    if let Some(slot) = keep(shared, seed, &sim) {
        slot.insert(Arc::new(sim.clone()));
    }
    drop(building);
    Ok(sim)
}

/// `read` on `Simulation::new(world, seed)` without a copy of it: a
/// scenario that only reads the replay (a plan with no earlier change to
/// submit) reads the cached one in place. Copying the replay was a
/// twentieth of a corpus check.
pub fn replay_read<T>(
    shared: &Shared,
    seed: u64,
    read: impl FnOnce(&Simulation) -> T,
) -> Result<T, Diags> {
    let building = match cached(shared, seed) {
        Lookup::Kept(sim) => return Ok(read(&sim)),
        Lookup::Build(b) => b,
    };
    let sim = fresh(shared, seed)?;
    // Kept before it is read, so that a thread waiting for it is let go
    // before the read (which may panic: the guard lets it go then too).
    let sim = Arc::new(sim);
    if let Some(slot) = keep(shared, seed, &sim) {
        slot.insert(sim.clone());
    }
    drop(building);
    Ok(read(&sim))
}

/// A replay built here, from the shared start state.
fn fresh(shared: &Shared, seed: u64) -> Result<Simulation, Diags> {
    Simulation::replay_from(
        shared.world.clone(),
        shared
            .base
            .get_or_init(|| Simulation::base_state(&shared.world))
            .clone(),
        &shared.jobs,
        seed,
    )
}

/// What [`cached`] found.
enum Lookup {
    Kept(Arc<Simulation>),
    /// Not kept: the caller builds it (another thread asking for it waits
    /// while the guard lives, where the sampler is reused).
    Build(Building),
}

/// A replay this thread builds; dropped when it is kept or given up (an
/// error, a panic), letting the threads waiting for it look again.
struct Building(Option<(WorldKey, u64)>);

impl Drop for Building {
    fn drop(&mut self) {
        let Some(k) = self.0.take() else { return };
        let kept = cache();
        if let Ok(mut c) = kept.cache.lock() {
            c.building.remove(&k);
        }
        kept.built.notify_all();
    }
}

/// The kept replay of `seed`, waiting for it where another thread is
/// building it; else the guard under which this one builds it.
fn cached(shared: &Shared, seed: u64) -> Lookup {
    let Some(key) = shared.key else {
        return Lookup::Build(Building(None));
    };
    let k = (key, seed);
    let kept = cache();
    let Ok(mut c) = kept.cache.lock() else {
        return Lookup::Build(Building(None));
    };
    loop {
        if let Some(sim) = c.sims.get(&k) {
            return Lookup::Kept(sim.clone());
        }
        if c.building.insert(k) {
            return Lookup::Build(Building(Some(k)));
        }
        c = match kept.built.wait(c) {
            Ok(c) => c,
            Err(_) => return Lookup::Build(Building(None)),
        };
    }
}

/// Where to keep a fresh replay of a reused sampler, when it fits the
/// budget (the budget is taken by this call).
fn keep(shared: &Shared, seed: u64, sim: &Simulation) -> Option<Keep> {
    let key = shared.key?;
    let weight = sim.state.nodes.len() + sim.state.allocs.len() + 1;
    let mut c = cache().cache.lock().ok()?;
    if c.weight + weight > BUDGET {
        return None;
    }
    c.weight += weight;
    Some(Keep { key: (key, seed) })
}

/// A slot [`keep`] granted.
struct Keep {
    key: (WorldKey, u64),
}

impl Keep {
    fn insert(self, sim: Arc<Simulation>) {
        if let Ok(mut c) = cache().cache.lock() {
            c.sims.insert(self.key, sim);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_replay_is_the_replay_and_the_key_follows_content() {
        let world = crate::rules::testing::world();
        let shared = Shared::reused(&world);
        let k = key(&world);
        let fresh = Simulation::new(&world, 7).expect("builds");
        let first = replay(&shared, 7).expect("builds");
        let again = replay(&shared, 7).expect("builds");
        let kept = replay(&shared, 7).expect("builds");
        for sim in [&first, &again, &kept] {
            assert_eq!(format!("{:?}", sim.state), format!("{:?}", fresh.state));
        }
        let mut other = world.clone();
        if let Some(p) = other.clients.first_mut() {
            p.count += 1;
        }
        assert_ne!(key(&other), k);
        let grown = replay(&Shared::reused(&other), 7).expect("builds");
        assert_eq!(grown.state.nodes.len(), fresh.state.nodes.len() + 1);
    }

    /// Guard: threads asking for the same replay at once (one builds, the
    /// others wait for it) all get the replay, read or copied, and none
    /// is left waiting.
    #[test]
    fn threads_asking_for_one_replay_at_once_all_get_it() {
        let mut world = crate::rules::testing::world();
        world.region = "replay-cache-threads".to_string();
        let shared = Shared::reused(&world);
        let want = format!("{:?}", Simulation::new(&world, 11).expect("builds").state);
        let got: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|i| {
                    let shared = &shared;
                    s.spawn(move || {
                        if i % 2 == 0 {
                            replay_read(shared, 11, |sim| format!("{:?}", sim.state))
                        } else {
                            replay(shared, 11).map(|sim| format!("{:?}", sim.state))
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("joins").expect("builds"))
                .collect()
        });
        assert!(got.iter().all(|g| *g == want));
        // Other tests share the process's cache: only this world's entry.
        let k = (key(&world), 11);
        assert!(cache()
            .cache
            .lock()
            .map(|c| !c.building.contains(&k) && c.sims.contains_key(&k))
            .unwrap_or(false));
    }
}
