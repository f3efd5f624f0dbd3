//! The replay of a world the world cache named, kept across processes. A
//! `check --staged` replays the running jobs of HEAD's world on every
//! commit; the placement cache skips worlds as small as the demo, because
//! its key hashes the whole world (its `Debug` form) and that costs more
//! than such a replay. The world cache already names the world it loaded
//! by the objects git holds at every path the load asked about
//! ([`crate::world_cache::Digest`]), so here the replay is kept under that
//! name instead: no hashing of the world, for worlds of any size.
//!
//! Entries are the placement cache's own ([`crate::scheduler::disk_cache`]:
//! same layout and checksum; off with `--no-cache`); only the key differs,
//! and they are kept inside the world's own entry ([`Named::keep`]), so a
//! hit reads one file for the world and its replay. The key also holds the
//! seed and the Nomad version judged as, the one field a caller changes
//! after the load (`--nomad-version`).

use std::sync::{mpsc, Arc};

use sha2::{Digest as _, Sha256};

use crate::diag::{Diag, Diags};
use crate::scheduler::{disk_cache, Simulation};
use crate::world::World;
use crate::world_cache::{Digest, Named};

/// Names this way of keying entries; a change to it must change this.
const FORMAT: &str = "nomad-preflight replay of a cached world v1";

/// [`Simulation::new`] of `world` under `seed`: through the world's entry
/// when the world cache named the world (`named`; only a run with a cache
/// folder has one). The simulation shares the caller's `world` (copying
/// it was 1.5% of a `check --staged`).
pub fn simulation(
    world: Arc<World>,
    named: Option<&Named>,
    seed: u64,
) -> Result<Simulation, Diags> {
    let Some(named) = named else {
        return Simulation::new(&world, seed);
    };
    if world.pinned.is_some() {
        // Never named by the world cache; imported allocations are
        // inserted, not scheduled, and the placement cache says why.
        return Simulation::new(&world, seed);
    }
    let key = key(named.digest(), &world, seed);
    let running = crate::scheduler::sim::running_jobs(&world);
    let shared = world;
    // Another key's replay fails its key check, as a foreign entry does.
    for kept in named.replays() {
        if let Some(sim) = disk_cache::decode(kept, &key, shared.clone(), &running, seed) {
            return Ok(sim);
        }
    }
    let sim = Simulation::replay(shared, &running, seed)?;
    if let Some(bytes) = disk_cache::encode(&key, &sim, &running) {
        named.keep(&bytes);
    }
    Ok(sim)
}

/// `world` whole: as given, or with the running jobs its [`Named`] holds
/// undecoded ([`crate::world_cache::load_unfinished`]) decoded and put
/// back. Jobs that do not decode (an entry this binary wrote and cannot
/// read) leave the run unable to tell, never judging a world without them.
fn whole(world: Arc<World>, named: Option<&Named>) -> Result<Arc<World>, Diags> {
    let Some(unfinished) = named.and_then(|n| Some((n, n.unfinished()?))) else {
        return Ok(world);
    };
    let (named, unfinished) = unfinished;
    let world = Arc::try_unwrap(world).unwrap_or_else(|w| (*w).clone());
    match unfinished.finish(world, named) {
        Some(world) => Ok(Arc::new(world)),
        None => Err(Diags::from(
            Diag::error(
                "cache::world",
                "the world cache's entry for this world holds running jobs that do not decode",
            )
            .help("run again with --no-cache, or empty the cache folder"),
        )),
    }
}

/// [`simulation`] of the [`whole`] world.
fn whole_simulation(
    world: Arc<World>,
    named: Option<&Named>,
    seed: u64,
) -> Result<Simulation, Diags> {
    simulation(whole(world, named)?, named, seed)
}

/// A [`simulation`] made now, or being made by the hook's helper thread
/// ([`crate::check::ahead`]) while the caller loads the staged files.
pub enum Started {
    Made(Result<Simulation, Diags>),
    Later(Pending),
}

/// A simulation posted to the helper; [`Pending::wait`] for it.
pub struct Pending {
    got: mpsc::Receiver<Result<Simulation, Diags>>,
    world: Arc<World>,
    named: Arc<Named>,
    seed: u64,
}

impl Pending {
    /// The simulation. A helper that ended without sending it (it
    /// panicked) leaves it to be made here, which meets the same panic.
    pub fn wait(self) -> Result<Simulation, Diags> {
        let Pending {
            got,
            world,
            named,
            seed,
        } = self;
        got.recv()
            .unwrap_or_else(|_| whole_simulation(world, Some(&named), seed))
    }

    /// The running files of a world whose jobs the helper is decoding,
    /// for the job loader meanwhile; `None` when the world has them.
    pub fn heads(&self) -> Option<crate::world_cache::Heads<'_>> {
        Some(self.named.unfinished()?.heads(&self.world))
    }
}

/// [`simulation`] of `world` under `seed`, posted through `post` to the
/// hook's helper when the world's entry keeps a replay of this key: a
/// replay is kept only after it succeeded, and the same world, release
/// and seed replay the same way, so this one cannot fail, and the caller
/// may take it later (after output that a failed simulation would have
/// come before). Anything else is made now, as [`simulation`] makes it;
/// so is a job no helper takes.
pub fn start(
    world: Arc<World>,
    named: Option<Named>,
    seed: u64,
    post: Option<crate::check::ahead::Post<'_>>,
) -> Started {
    let Some(post) = post else {
        return Started::Made(whole_simulation(world, named.as_ref(), seed));
    };
    let Some(named) = named else {
        return Started::Made(simulation(world, None, seed));
    };
    if world.pinned.is_some() || !named.keeps(&key(named.digest(), &world, seed)) {
        return Started::Made(whole_simulation(world, Some(&named), seed));
    }
    let named = Arc::new(named);
    let (tx, got) = mpsc::sync_channel(1);
    let (w, n) = (world.clone(), named.clone());
    // The world's running jobs, when its entry left them undecoded, are
    // decoded there too: the caller's staged files need only their heads.
    let job = crate::gotext::inherit(move || {
        let _ = tx.send(whole_simulation(w, Some(&n), seed));
    });
    if post(Box::new(job)).is_err() {
        return Started::Made(whole_simulation(world, Some(&named), seed));
    }
    Started::Later(Pending {
        got,
        world,
        named,
        seed,
    })
}

fn key(digest: &Digest, world: &World, seed: u64) -> disk_cache::Key {
    let mut h = Sha256::new();
    let version = world.nomad_version.to_string();
    let seed = seed.to_string();
    for part in [
        FORMAT.as_bytes(),
        digest,
        version.as_bytes(),
        seed.as_bytes(),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    h.finalize().into()
}
