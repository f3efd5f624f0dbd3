//! The placements of a world's running jobs, kept across processes: every
//! command rebuilds the cluster by scheduling every registered job, which
//! at 5,000 clients / 100,000 allocations is most of a plan's time, and is
//! the same work whenever the world and the seed are the same.
//!
//! An entry is content-addressed: its key is the SHA-256 of this format's
//! name, the binary (version, size and modification time of the running
//! executable), the seed and every input of the world as loaded (its
//! `Debug` form: cluster, namespaces, quotas, policy and each running job's
//! spec and source text). It lives in the user's cache directory only
//! ([`crate::cache_dir::default_dir`]), never in the repository tree, which is untrusted
//! input. An entry that cannot be read, has another key, fails its
//! checksum or does not decode is ignored and recomputed. `--no-cache` (or
//! `NOMAD_PREFLIGHT_NO_CACHE=1`) turns it off for a run. Worlds pinned from
//! a real cluster's allocations are not cached: they are inserted, never
//! scheduled, so there is nothing to save.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::packed_allocs::PackedAllocs;
use super::packed_nodes::PackedNode;
use super::Simulation;
use crate::cluster::{BlockedEval, Deployment, JobKey, JobRecord, JobStatus, State};
use crate::jobspec::Job;
use crate::world::World;

/// Names the entry layout; a change to it (or to any type stored) must
/// change this, though the binary's identity in the key covers rebuilds.
const FORMAT: &str = "nomad-preflight placement cache v7";
const MAGIC: &[u8; 8] = b"NPPLACE7";
/// Entries kept; the oldest beyond this are removed when one is written.
const MAX_ENTRIES: usize = 32;
/// An entry larger than this is not written (a world far past the caps).
const MAX_BYTES: usize = 1 << 30;
pub use crate::cache_dir::active;
use crate::cache_dir::binary_identity;

/// An entry's content address.
pub type Key = [u8; 32];

/// The key of `world` replayed under `seed` by this binary.
pub fn key(world: &World, seed: u64) -> Option<Key> {
    let binary = binary_identity()?;
    let mut h = Sha256::new();
    for part in [FORMAT, &binary, &seed.to_string(), &format!("{world:?}")] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    Some(h.finalize().into())
}

/// A job record with its spec replaced by the index of the running job it
/// is (every record of a fresh replay is one of the world's running jobs).
#[derive(Serialize, Deserialize)]
struct Record {
    running: usize,
    version: u64,
    create_index: u64,
    modify_index: u64,
    job_modify_index: u64,
    submit_time: i64,
    status: JobStatus,
}

/// What an entry holds: the state and the version history, jobs by index.
#[derive(Serialize)]
struct Entry<'a> {
    index: u64,
    nodes: Vec<PackedNode>,
    jobs: Vec<(&'a JobKey, Record)>,
    allocs: PackedAllocs,
    blocked: &'a [BlockedEval],
    namespaces: &'a [String],
    deployments: &'a [Deployment],
    versions: Vec<(&'a (String, String, u64), usize)>,
}

#[derive(Deserialize)]
struct OwnedEntry {
    index: u64,
    nodes: Vec<PackedNode>,
    jobs: Vec<(JobKey, Record)>,
    allocs: PackedAllocs,
    blocked: Vec<BlockedEval>,
    namespaces: Vec<String>,
    deployments: Vec<Deployment>,
    versions: Vec<((String, String, u64), usize)>,
}

fn running_index(running: &[Arc<Job>], job: &Arc<Job>) -> Option<usize> {
    running.iter().position(|r| Arc::ptr_eq(r, job))
}

/// The bytes of an entry for `sim`, a fresh replay of `running`; `None`
/// when the simulation holds a job that is not one of them (nothing a
/// fresh replay does, but then it is simply not cached).
pub(crate) fn encode(key: &Key, sim: &Simulation, running: &[Arc<Job>]) -> Option<Vec<u8>> {
    let State {
        index,
        nodes,
        jobs,
        allocs,
        blocked,
        namespaces,
        deployments,
        // Only an import sets it, and pinned worlds are not cached.
        imported_at: _,
        import_clock: _,
    } = &sim.state;
    let mut records = Vec::with_capacity(jobs.len());
    for (k, r) in jobs {
        let JobRecord {
            job,
            version,
            create_index,
            modify_index,
            job_modify_index,
            submit_time,
            status,
            // Only an import reports one, and pinned worlds are not cached.
            unfinished_eval: _,
        } = r;
        let record = Record {
            running: running_index(running, job)?,
            version: *version,
            create_index: *create_index,
            modify_index: *modify_index,
            job_modify_index: *job_modify_index,
            submit_time: *submit_time,
            status: *status,
        };
        records.push((k, record));
    }
    let mut versions = Vec::with_capacity(sim.job_versions.len());
    for (k, job) in &sim.job_versions {
        versions.push((k, running_index(running, job)?));
    }
    let entry = Entry {
        index: *index,
        nodes: super::packed_nodes::pack(nodes),
        jobs: records,
        allocs: super::packed_allocs::pack(allocs, nodes)?,
        blocked,
        namespaces,
        deployments,
        versions,
    };
    let payload = postcard::to_stdvec(&entry).ok()?;
    Some(crate::cache_dir::seal(MAGIC, key, &payload))
}

/// The simulation an entry holds, or `None` for anything but an intact
/// entry of this key.
pub(crate) fn decode(
    bytes: &[u8],
    key: &Key,
    world: Arc<World>,
    running: &[Arc<Job>],
    seed: u64,
) -> Option<Simulation> {
    let payload = crate::cache_dir::unseal(bytes, MAGIC, key)?;
    let e: OwnedEntry = postcard::from_bytes(payload).ok()?;
    let mut jobs = std::collections::BTreeMap::new();
    for (k, r) in e.jobs {
        let record = JobRecord {
            job: running.get(r.running)?.clone(),
            version: r.version,
            create_index: r.create_index,
            modify_index: r.modify_index,
            job_modify_index: r.job_modify_index,
            submit_time: r.submit_time,
            status: r.status,
            unfinished_eval: false,
        };
        jobs.insert(k, record);
    }
    let mut job_versions = super::generic::JobHistory::new();
    for (k, i) in e.versions {
        job_versions.insert(k, running.get(i)?.clone());
    }
    let nodes = super::packed_nodes::unpack(e.nodes)?;
    let allocs = super::packed_allocs::unpack(e.allocs, &nodes)?;
    Some(Simulation {
        alternatives: super::sim::Alternatives::new(&world, e.index),
        world,
        state: State {
            index: e.index,
            nodes: nodes.into(),
            jobs,
            allocs,
            blocked: e.blocked,
            namespaces: e.namespaces,
            deployments: e.deployments,
            imported_at: None,
            import_clock: None,
        },
        seed,
        job_versions,
    })
}

fn entry_path(dir: &Path, key: &Key) -> PathBuf {
    crate::cache_dir::entry_path(dir, key, "placements")
}

/// The cached replay of `key`, if `dir` holds an intact one.
pub fn load(
    dir: &Path,
    key: &Key,
    world: Arc<World>,
    running: &[Arc<Job>],
    seed: u64,
) -> Option<Simulation> {
    let bytes = crate::cache_dir::read_entry(&entry_path(dir, key))?;
    decode(&bytes, key, world, running, seed)
}

/// Keep `sim` (a fresh replay of `running`) under `key`. Best effort: a
/// cache that cannot be written only costs the next run its time. The
/// entry appears whole or not at all (written aside, then renamed).
pub fn store(dir: &Path, key: &Key, sim: &Simulation, running: &[Arc<Job>]) {
    let Some(bytes) = encode(key, sim, running).filter(|b| b.len() <= MAX_BYTES) else {
        return;
    };
    crate::cache_dir::write_entry(dir, &entry_path(dir, key), &bytes, MAX_ENTRIES);
}

/// Placements asked of the scheduler (allocations × clients) below which
/// replaying costs less than the key: hashing the world's `Debug` form and
/// reading an entry is ~6% of a `check --staged` on the demo, where the
/// replay itself is ~1%.
const MIN_WORK: u64 = 20_000;

/// Is replaying `running` on `world` dear enough to go through the cache?
/// Only a question of speed: a cached and a fresh replay are the same.
fn worth_caching(world: &World, running: &[Arc<Job>]) -> bool {
    let (clients, allocs) = size(world, running);
    allocs.saturating_mul(clients) >= MIN_WORK
}

/// The clients of `world` and the allocations its `running` jobs ask for
/// (a system job one per client).
pub(super) fn size(world: &World, running: &[Arc<Job>]) -> (u64, u64) {
    use crate::jobspec::JobType;
    let clients: u64 = world.clients.iter().map(|p| u64::from(p.count)).sum();
    let allocs: u64 = running
        .iter()
        .flat_map(|j| j.groups.iter().map(move |g| (j.job_type, g.count)))
        .map(|(kind, count)| match kind {
            JobType::System | JobType::Sysbatch => clients,
            JobType::Service | JobType::Batch => u64::try_from(count).unwrap_or(0),
        })
        .fold(0u64, u64::saturating_add);
    (clients, allocs)
}

/// [`Simulation::new`] through the cache in `dir`: an intact entry of this
/// world and seed, else the replay, then kept.
pub fn replay_cached(
    dir: &Path,
    world: &World,
    running: &[Arc<Job>],
    seed: u64,
) -> Result<Simulation, crate::diag::Diags> {
    if !worth_caching(world, running) {
        return Simulation::replay(Arc::new(world.clone()), running, seed);
    }
    through(dir, world, running, seed)
}

/// The replay of `world` under `seed` read from, or else written to, `dir`.
fn through(
    dir: &Path,
    world: &World,
    running: &[Arc<Job>],
    seed: u64,
) -> Result<Simulation, crate::diag::Diags> {
    let shared = Arc::new(world.clone());
    let Some(key) = key(world, seed) else {
        return Simulation::replay(shared, running, seed);
    };
    if let Some(sim) = load(dir, &key, shared.clone(), running, seed) {
        return Ok(sim);
    }
    let sim = Simulation::replay(shared, running, seed)?;
    store(dir, &key, &sim, running);
    Ok(sim)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("np-placement-cache-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    /// The demo's world (with running jobs to place) and its shared specs.
    fn demo() -> (World, Vec<Arc<Job>>) {
        let vfs = crate::embedded::demo();
        let world = match crate::world::load(&vfs, Path::new(crate::embedded::WORLD_DIR)) {
            Ok((w, _)) => w,
            Err(d) => panic!("demo world: {d:?}"),
        };
        assert!(!world.running.is_empty(), "the demo runs jobs");
        let running = super::super::sim::running_jobs(&world);
        (world, running)
    }

    fn same(a: &Simulation, b: &Simulation) {
        assert_eq!(format!("{:?}", a.state), format!("{:?}", b.state));
        assert_eq!(
            format!("{:?}", a.job_versions),
            format!("{:?}", b.job_versions)
        );
        assert_eq!(a.seed, b.seed);
    }

    #[test]
    fn a_cached_replay_is_the_replay() {
        let dir = scratch("same");
        let (world, running) = demo();
        let fresh = Simulation::new(&world, 3).expect("builds");
        let first = through(&dir, &world, &running, 3).expect("builds");
        let entries = std::fs::read_dir(&dir).map(|r| r.count()).unwrap_or(0);
        assert_eq!(entries, 1, "one entry written");
        let again = through(&dir, &world, &running, 3).expect("builds");
        same(&first, &fresh);
        same(&again, &fresh);
        // Another seed is another entry, not this one's placements.
        let other = through(&dir, &world, &running, 4).expect("builds");
        same(&other, &Simulation::new(&world, 4).expect("builds"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_small_world_is_replayed_without_an_entry() {
        let dir = scratch("small");
        let (world, running) = demo();
        assert!(
            !worth_caching(&world, &running),
            "the demo replays in microseconds"
        );
        let sim = replay_cached(&dir, &world, &running, 3).expect("builds");
        same(&sim, &Simulation::new(&world, 3).expect("builds"));
        assert!(!dir.exists(), "nothing written for a small world");
        let mut big = world.clone();
        for pool in &mut big.clients {
            pool.count = 2_000;
        }
        assert!(worth_caching(&big, &running), "2,000 clients per pool");
    }

    #[test]
    fn a_damaged_or_foreign_entry_is_ignored() {
        let dir = scratch("damaged");
        let (world, running) = demo();
        let shared = Arc::new(world.clone());
        let fresh = Simulation::replay(shared.clone(), &running, 1).expect("builds");
        let k = key(&world, 1).expect("a key");
        let bytes = encode(&k, &fresh, &running).expect("encodes");
        let back = decode(&bytes, &k, shared.clone(), &running, 1).expect("decodes");
        same(&back, &fresh);
        // A flipped payload byte fails the checksum; a cut entry, the
        // header; another key's entry, the key.
        let mut flipped = bytes.clone();
        if let Some(b) = flipped.last_mut() {
            *b ^= 1;
        }
        assert!(decode(&flipped, &k, shared.clone(), &running, 1).is_none());
        assert!(decode(&bytes[..40], &k, shared.clone(), &running, 1).is_none());
        let other = key(&world, 2).expect("a key");
        assert!(decode(&bytes, &other, shared.clone(), &running, 1).is_none());
        // A well-formed entry naming a running job the world lacks.
        assert!(decode(&bytes, &k, shared.clone(), &running[..1], 1).is_none());
        // A simulation holding a job that is not one of the running ones
        // is not written at all.
        let copies = super::super::sim::running_jobs(&world);
        assert!(encode(&k, &fresh, &copies).is_none());
        // On disk: garbage under the right name is replaced by a replay.
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(entry_path(&dir, &k), b"not an entry").expect("write");
        let got = through(&dir, &world, &running, 1).expect("builds");
        same(&got, &fresh);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_key_follows_every_input() {
        let (world, _) = demo();
        let k = key(&world, 1).expect("a key");
        assert_eq!(key(&world, 1), Some(k));
        assert_ne!(key(&world, 2), Some(k));
        let mut grown = world.clone();
        if let Some(p) = grown.clients.first_mut() {
            p.count += 1;
        }
        assert_ne!(key(&grown, 1), Some(k));
        let mut edited = world.clone();
        if let Some(r) = edited.running.first_mut() {
            r.job.priority += 1;
        }
        assert_ne!(key(&edited, 1), Some(k));
    }
}
