//! The world at a git revision, kept across processes. A `check --staged`
//! loads the world at HEAD on every commit: its files read from git, its
//! cluster, namespaces, quotas and policy parsed, its running jobs loaded
//! (from the job-load cache at best). HEAD's world rarely changes between
//! two commits, and that load was a fifth of the hook's instructions.
//!
//! What a load depends on is what it asked of the revision: every path it
//! read, listed or tested. An entry records, for each, the object git has
//! there (a file's blob, a folder's tree, whose ID covers all below it, or
//! nothing), and is used only when the revision being loaded has the same
//! objects at all those paths, whatever commit it is. So a commit that
//! touches neither the world nor its running jobs keeps the entry, and one
//! that does is loaded afresh.
//!
//! Only a load that is a function of those objects is kept: no warning
//! (an entry holds none), no import (a hand-written world's pinned
//! allocations are kept: [`keepable`]), and every running job a closed load ([`crate::jobspec::ClosedLoad`]: nothing read
//! but its text, no clock, no randomness). Its key is the SHA-256 of this
//! format's name, the binary's identity, the repository, the world folder
//! and the file-size cap; one entry per world folder, replaced when the
//! world changes. The texts read are kept too, so a hit reads no blob and
//! gives the same sources, and the running jobs get back their file and
//! proof of closedness as a job-load cache hit does.
//!
//! Entries live in the shared cache folder ([`crate::cache_dir`]): off
//! with `--no-cache`, written whole or not at all. An entry that cannot be
//! read, has another key, fails its checksum or does not decode is ignored
//! and the world loaded.
//!
//! The world's replays (its running jobs placed under a seed and release,
//! [`crate::check::sim_cache`]) live in its entry too, each sealed as a
//! placement-cache entry of its own key after the world ([`Named`]): the
//! hook reads one file, not two (a second open, read and checksum, and a
//! second key to hash, on every commit). A replay whose key is not the
//! one asked for is passed over, as a foreign placement entry is.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::diag::Diags;
use crate::git::LazyGitVfs;
use crate::vfs::{Recording, Vfs};
use crate::world::World;

mod running;
use running::Head;
pub use running::{Heads, Unfinished};
use std::sync::Arc;

/// Names the entry layout; a change to it (or to the world model) must
/// change this, though the binary's identity in the key covers rebuilds.
const FORMAT: &str = "nomad-preflight world cache v7";
const MAGIC: &[u8; 8] = b"NPWORLD7";
const EXTENSION: &str = "world";
/// Entries kept: one per world folder of the repositories in use.
const MAX_ENTRIES: usize = 64;
/// Replays kept beside a world: the hook's, and a few `--nomad-version`s.
const MAX_REPLAYS: usize = 4;
/// A replay larger than this is not kept in the world's entry.
const MAX_REPLAY_BYTES: usize = 1 << 30;

type Key = [u8; 32];

/// What an entry holds.
#[derive(Serialize, Deserialize)]
struct Entry {
    /// The world's [`Digest`] (of the key and `asked`, so a hit, whose
    /// paths hold what `asked` says, has the same one without hashing it
    /// again: 38,000 instructions of the hook); zeros for the embedded demo.
    digest: Digest,
    /// Every path the load asked about, with its fingerprint then.
    asked: Vec<(PathBuf, Vec<u8>)>,
    /// The texts of the files it read, by path, each as its blob decodes
    /// (a byte order mark kept): the text of the object its fingerprint
    /// names, which [`LazyGitVfs::remember`] takes it for.
    texts: Vec<(PathBuf, String)>,
    /// The world without its running jobs ([`running::parted`]).
    world: World,
    /// Each running job's file and variables, in registration order.
    heads: Vec<Head>,
    /// Their jobs (postcard of a `Vec<Job>`), in the same order: decoded
    /// apart, so the hook can have the world's release before the jobs.
    jobs: Vec<u8>,
}

/// What names a world as the cache loaded it: the entry's key (format,
/// binary, repository, folder, size cap) and the object at every path the
/// load asked about. Two loads with the same digest gave the same world,
/// as a hit rests on exactly that; so work derived from the world alone
/// (its replay) can be kept under it without hashing the world itself.
pub type Digest = [u8; 32];

/// A world the cache named: its [`Digest`], and the entry it came from or
/// went into, which holds its replays ([`Named::replays`], [`Named::keep`]).
pub struct Named {
    digest: Digest,
    dir: PathBuf,
    key: Key,
    /// The entry's bytes as read (or the world's part as written): kept,
    /// not copied, for the parts below.
    bytes: Vec<u8>,
    /// The world's part of the entry's payload.
    world: Range<usize>,
    /// The replays kept with it, newest first: each a sealed placement
    /// entry ([`crate::scheduler::disk_cache::encode`]).
    replays: Vec<Range<usize>>,
    /// A hit's running jobs, when the caller asked for them later
    /// ([`load_unfinished`]).
    unfinished: Option<Arc<Unfinished>>,
}

impl Named {
    pub fn digest(&self) -> &Digest {
        &self.digest
    }

    /// The running jobs of a world [`load_unfinished`] gave without them.
    pub fn unfinished(&self) -> Option<&Arc<Unfinished>> {
        self.unfinished.as_ref()
    }

    /// The kept replays, newest first, for the caller to unseal with the
    /// key it wants.
    pub fn replays(&self) -> impl Iterator<Item = &[u8]> {
        self.replays
            .iter()
            .filter_map(|r| self.bytes.get(r.clone()))
    }

    /// Whether a replay sealed under `key` is kept (its checksum and
    /// payload unread: a replay is kept only after it was made, so this
    /// says that the replay of that key succeeded once).
    pub fn keeps(&self, key: &[u8; 32]) -> bool {
        self.replays()
            .any(|r| crate::cache_dir::sealed_key(r) == Some(key.as_slice()))
    }

    /// Keep `replay` (a sealed placement entry) in the world's entry,
    /// ahead of the others, which keep their place up to [`MAX_REPLAYS`]
    /// (an older one of the same key is dropped). Best effort, like every
    /// store: the entry is written whole again or left as it was.
    pub fn keep(&self, replay: &[u8]) {
        if replay.len() > MAX_REPLAY_BYTES {
            return;
        }
        let Some(world) = self.bytes.get(self.world.clone()) else {
            return;
        };
        let key = crate::cache_dir::sealed_key;
        let same_key = |r: &[u8]| key(r) == key(replay);
        let others = self.replays().filter(|r| !same_key(r));
        let mut kept = vec![replay];
        kept.extend(others.take(MAX_REPLAYS - 1));
        store_payload(&self.dir, &self.key, world, &kept);
    }
}

/// [`crate::world::load`] of `world_dir` in `vfs`, through the cache
/// folder when the run has one; with the world's name ([`Named`]) when it
/// came from, or went into, an entry.
pub fn load(vfs: &LazyGitVfs, world_dir: &Path) -> Result<(World, Diags, Option<Named>), Diags> {
    load_in(crate::cache_dir::active(), vfs, world_dir, false)
}

/// [`load`], except that a hit's running jobs are left undecoded: the
/// world comes without them (`running` empty), and its [`Named`] holds
/// them ([`Named::unfinished`]) for [`Unfinished::finish`], which the
/// caller must run before anything reads the running jobs. The hook
/// loads its staged file (which needs the world's release and the running
/// files' variables, [`Unfinished::heads`]) while its helper decodes
/// them: 0.31 M of the main thread's 4 M instructions (fat LTO).
pub fn load_unfinished(
    vfs: &LazyGitVfs,
    world_dir: &Path,
) -> Result<(World, Diags, Option<Named>), Diags> {
    load_in(crate::cache_dir::active(), vfs, world_dir, true)
}

fn load_in(
    dir: Option<&Path>,
    vfs: &LazyGitVfs,
    world_dir: &Path,
    later: bool,
) -> Result<(World, Diags, Option<Named>), Diags> {
    let uncached = |(w, d)| (w, d, None);
    let Some((dir, key)) = dir.and_then(|d| Some((d, key(vfs, world_dir)?))) else {
        return crate::world::load(vfs, world_dir).map(uncached);
    };
    if let Some((world, mut named)) = hit(dir, &key, vfs) {
        if later {
            return Ok((world, Diags::new(), Some(named)));
        }
        // Finished here: a world whose jobs do not decode is a miss.
        let whole = named
            .unfinished
            .take()
            .and_then(|u| u.finish(world, &named));
        if let Some(world) = whole {
            return Ok((world, Diags::new(), Some(named)));
        }
    }
    let recording = Recording::new(vfs);
    let (world, warnings) = crate::world::load(&recording, world_dir)?;
    if !warnings.is_empty() || !keepable(&world) {
        return Ok((world, warnings, None));
    }
    let Some(entry) = entry(&key, vfs, &recording, &world) else {
        return Ok((world, warnings, None));
    };
    let digest = entry.digest;
    let Ok(payload) = postcard::to_stdvec(&entry) else {
        return Ok((world, warnings, None));
    };
    store_payload(dir, &key, &payload, &[]);
    let named = Named {
        digest,
        dir: dir.to_path_buf(),
        key,
        world: 0..payload.len(),
        bytes: payload,
        replays: Vec::new(),
        unfinished: None,
    };
    Ok((world, warnings, Some(named)))
}

fn digest(key: &Key, asked: &[(PathBuf, Vec<u8>)]) -> Digest {
    let mut h = Sha256::new();
    h.update(key);
    for (path, fingerprint) in asked {
        let path = path.to_string_lossy();
        for part in [path.as_bytes(), fingerprint] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
    }
    h.finalize().into()
}

/// The key of `world_dir` in `vfs`'s repository for this binary.
fn key(vfs: &LazyGitVfs, world_dir: &Path) -> Option<Key> {
    let binary = crate::cache_dir::binary_identity()?;
    let mut h = Sha256::new();
    let root = vfs.root().to_string_lossy();
    let dir = world_dir.to_string_lossy();
    let cap = crate::project::max_file_bytes().to_string();
    for part in [FORMAT, &binary, &root, &dir, &cap] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    Some(h.finalize().into())
}

/// A world whose load is all the entry says: a hand-written world (on
/// disk) whose running jobs read nothing but their texts, and none of the
/// job states the entry does not keep (`alloc_states` and `deployments`
/// are not serialized; a world that has any warned of them too).
///
/// Its pinned allocations (`rules/allocations.hcl`) may be kept: at a
/// revision every file their load reads goes through the recording vfs
/// (allocations.hcl, and the running texts their fields are derived from),
/// so the key names the blob of each. Only a working tree's load reads a
/// version outside its vfs (git `HEAD`, when the edit no longer fits the
/// pins: `world::pinned_run`), and a working tree's world is never loaded
/// through this cache.
fn keepable(world: &World) -> bool {
    world.pinned.as_ref().is_none_or(|p| p.hand_written())
        && world.alloc_states.is_empty()
        && world.deployments.is_empty()
        && matches!(world.origin, crate::world::WorldOrigin::Dir(_))
        && world.running.iter().all(|r| r.job.closed.0.is_some())
}

/// [`Entry`] as a hit reads it: the texts borrowed from the entry's bytes,
/// each copied once into the reader's shared text (read as a `String`,
/// each was copied twice and allocated three times).
#[derive(Deserialize)]
struct Read<'a> {
    digest: Digest,
    asked: Vec<(PathBuf, Vec<u8>)>,
    #[serde(borrow)]
    texts: Vec<(PathBuf, &'a str)>,
    world: World,
    heads: Vec<Head>,
    #[serde(borrow)]
    jobs: &'a [u8],
}

/// The world of an intact entry of `key` whose paths all hold the same
/// objects in `vfs`, with its texts and running jobs' files given back.
fn hit(dir: &Path, key: &Key, vfs: &LazyGitVfs) -> Option<(World, Named)> {
    let bytes = crate::cache_dir::read_entry(&crate::cache_dir::entry_path(dir, key, EXTENSION))?;
    let payload = crate::cache_dir::unseal(&bytes, MAGIC, key)?;
    // The payload is the bytes' tail: its parts' places in the bytes.
    let (world, replays) = split(payload, bytes.len() - payload.len())?;
    let entry: Read<'_> = postcard::from_bytes(bytes.get(world.clone())?).ok()?;
    let same = entry
        .asked
        .iter()
        .all(|(path, was)| vfs.fingerprint(path).is_some_and(|now| now == *was));
    if !same {
        return None;
    }
    let digest = entry.digest;
    for (path, text) in entry.texts {
        vfs.remember(&path, text.into());
    }
    // The jobs' place in the bytes, for the thread that decodes them.
    let at = (entry.jobs.as_ptr() as usize).checked_sub(bytes.as_ptr() as usize)?;
    let jobs = at..at.checked_add(entry.jobs.len())?;
    let unfinished = Unfinished::read(&entry.world, entry.heads, jobs, vfs)?;
    let world_now = entry.world;
    let named = Named {
        digest,
        dir: dir.to_path_buf(),
        key: *key,
        bytes,
        world,
        replays,
        unfinished: Some(Arc::new(unfinished)),
    };
    Some((world_now, named))
}

/// An entry's payload: the world's part, then each replay, each part
/// after its length (u64, little-endian).
fn payload(world: &[u8], replays: &[&[u8]]) -> Vec<u8> {
    let total = 8 + world.len() + replays.iter().map(|r| 8 + r.len()).sum::<usize>();
    let mut out = Vec::with_capacity(total);
    for part in std::iter::once(world).chain(replays.iter().copied()) {
        out.extend_from_slice(&(part.len() as u64).to_le_bytes());
        out.extend_from_slice(part);
    }
    out
}

/// [`payload`] read back: the world's part and each replay, as places
/// in bytes where the payload starts at `at`; `None` for a payload with
/// no world or a part whose length overruns it.
fn split(mut payload: &[u8], mut at: usize) -> Option<(Range<usize>, Vec<Range<usize>>)> {
    let mut parts = Vec::new();
    while !payload.is_empty() {
        let (len, rest) = payload.split_at_checked(8)?;
        let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
        let rest = rest.get(len..)?;
        at += 8;
        parts.push(at..at + len);
        at += len;
        payload = rest;
    }
    let mut parts = parts.into_iter();
    let world = parts.next()?;
    Some((world, parts.collect()))
}

/// The demo world compiled into the binary ([`crate::embedded`]), at
/// `world_dir` of its files `vfs`, through the cache folder when the run
/// has one. Its files are the binary's own, so an entry keyed by the
/// binary's identity holds for every later run of that binary, whatever
/// is checked: a `check` outside any project parsed the demo's cluster,
/// quotas and namespaces and loaded its running jobs on every run (1.68 M
/// of the 3.46 M instructions of checking a small job). Kept on the same
/// terms as a git world: no warning, every running job a closed load.
pub fn load_embedded(vfs: &dyn Vfs, world_dir: &Path) -> Result<(World, Diags), Diags> {
    let Some((dir, key)) =
        crate::cache_dir::active().and_then(|d| Some((d, embedded_key(world_dir)?)))
    else {
        return crate::world::load(vfs, world_dir);
    };
    let hit = crate::cache_dir::read_entry(&crate::cache_dir::entry_path(dir, &key, EXTENSION))
        .and_then(|bytes| {
            let payload = crate::cache_dir::unseal(&bytes, MAGIC, &key)?;
            let (world, _) = split(payload, 0)?;
            let entry: Entry = postcard::from_bytes(payload.get(world)?).ok()?;
            let jobs = 0..entry.jobs.len();
            Unfinished::read(&entry.world, entry.heads, jobs, vfs)?
                .finish_from(entry.world, &entry.jobs)
        });
    if let Some(world) = hit {
        return Ok((world, Diags::new()));
    }
    let (world, warnings) = crate::world::load(vfs, world_dir)?;
    if warnings.is_empty() && keepable(&world) {
        if let Some((rest, heads, jobs)) = running::parted(&world) {
            let entry = Entry {
                digest: [0; 32],
                asked: Vec::new(),
                texts: Vec::new(),
                world: rest,
                heads,
                jobs,
            };
            store(dir, &key, &entry);
        }
    }
    Ok((world, warnings))
}

/// The key of the embedded demo's `world_dir` for this binary (a NUL
/// starts its folder part, which no repository's path holds).
fn embedded_key(world_dir: &Path) -> Option<Key> {
    let binary = crate::cache_dir::binary_identity()?;
    let mut h = Sha256::new();
    let dir = format!("\0embedded {}", world_dir.to_string_lossy());
    let cap = crate::project::max_file_bytes().to_string();
    for part in [FORMAT, &binary, &dir, &cap] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    Some(h.finalize().into())
}

fn store(dir: &Path, key: &Key, entry: &Entry) {
    if let Ok(world) = postcard::to_stdvec(entry) {
        store_payload(dir, key, &world, &[]);
    }
}

/// Write the entry of `key`: the world's part and `replays`.
fn store_payload(dir: &Path, key: &Key, world: &[u8], replays: &[&[u8]]) {
    let bytes = crate::cache_dir::seal(MAGIC, key, &payload(world, replays));
    let path = crate::cache_dir::entry_path(dir, key, EXTENSION);
    crate::cache_dir::write_entry(dir, &path, &bytes, MAX_ENTRIES);
}

/// A path the load asked about, and the text when it read one.
/// The entry for `world` from what loading it asked of `vfs`, or `None`
/// when a path has no fingerprint.
fn entry(key: &Key, vfs: &LazyGitVfs, recording: &Recording<'_>, world: &World) -> Option<Entry> {
    let asked = recording.asked();
    let mut paths = Vec::with_capacity(asked.len());
    let mut texts = Vec::new();
    for (path, a) in asked {
        paths.push((path.clone(), vfs.fingerprint(&path)?));
        if a.text.is_some() {
            // The recording holds the text without its byte order mark,
            // and the file's own reader knows whether it had one.
            let source = vfs.read(&path).ok()?;
            let bom = if source.bom { "\u{feff}" } else { "" };
            texts.push((path, format!("{bom}{}", source.text)));
        }
    }
    let (world, heads, jobs) = running::parted(world)?;
    Some(Entry {
        digest: digest(key, &paths),
        asked: paths,
        texts,
        world,
        heads,
        jobs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// postcard is not self-describing: a field left out when serialized
    /// (`skip_serializing_if`) shifts every later one, so no entry holding
    /// it decodes and every run is a miss that rewrites its entry (the
    /// outputs stay right, which the CLI tests see; only the speed goes).
    #[test]
    fn the_demo_world_decodes_as_it_was_kept() {
        let vfs = crate::embedded::demo();
        let (world, warnings) =
            crate::world::load(&vfs, Path::new(crate::embedded::WORLD_DIR)).expect("demo");
        assert!(warnings.is_empty() && keepable(&world));
        assert!(!world.running.is_empty(), "the demo runs jobs");
        let whole_before = postcard::to_stdvec(&world).expect("encode");
        let (world, heads, jobs) = running::parted(&world).expect("parts");
        let entry = Entry {
            digest: [9; 32],
            asked: vec![(PathBuf::from("rules/cluster.hcl"), b"File 01".to_vec())],
            texts: vec![(PathBuf::from("rules/cluster.hcl"), "\u{feff}x = 1\n".into())],
            world,
            heads,
            jobs,
        };
        let bytes = postcard::to_stdvec(&entry).expect("encode");
        let back: Entry = postcard::from_bytes(&bytes).expect("decode");
        assert_eq!(postcard::to_stdvec(&back).expect("encode"), bytes);
        // A hit reads the same bytes with its texts borrowed.
        let read: Read<'_> = postcard::from_bytes(&bytes).expect("decode");
        assert_eq!(read.asked, entry.asked);
        assert_eq!(read.digest, entry.digest);
        assert_eq!(
            read.texts,
            [(PathBuf::from("rules/cluster.hcl"), "\u{feff}x = 1\n")]
        );
        assert_eq!(read.jobs, entry.jobs.as_slice());
        // Finished, the world is the one kept, running jobs and all.
        let unfinished = Unfinished::read(&back.world, back.heads.clone(), 0..0, &vfs);
        let whole = unfinished.and_then(|u| u.finish_from(back.world.clone(), &back.jobs));
        let whole = whole.expect("finishes");
        assert_eq!(postcard::to_stdvec(&whole).expect("encode"), whole_before);
        assert!(whole.running.iter().all(|r| r.job.closed.0.is_some()));
    }

    /// The entry as written: its world part and replays, or `None`.
    fn parts_on_disk(dir: &Path, key: &Key) -> Option<(Vec<u8>, Vec<Vec<u8>>)> {
        let bytes =
            crate::cache_dir::read_entry(&crate::cache_dir::entry_path(dir, key, EXTENSION))?;
        let payload = crate::cache_dir::unseal(&bytes, MAGIC, key)?;
        let (world, replays) = split(payload, bytes.len() - payload.len())?;
        let part = |r: Range<usize>| bytes.get(r).map(<[u8]>::to_vec);
        let replays = replays.into_iter().map(part).collect::<Option<_>>()?;
        Some((part(world)?, replays))
    }

    #[test]
    fn replays_are_kept_after_the_world_newest_first_one_per_key() {
        let dir =
            std::env::temp_dir().join(format!("np-world-cache-replays-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let key = [7u8; 32];
        let replay = |k: u8, body: &[u8]| crate::cache_dir::seal(b"NPPLACE7", &[k; 32], body);
        let mut named = Named {
            digest: [0; 32],
            dir: dir.clone(),
            key,
            bytes: b"the world".to_vec(),
            world: 0..9,
            replays: Vec::new(),
            unfinished: None,
        };
        for (k, body) in [
            (1, b"a"),
            (2, b"b"),
            (1, b"c"),
            (3, b"d"),
            (4, b"e"),
            (5, b"f"),
        ] {
            named.keep(&replay(k, body));
            let (world, replays) = parts_on_disk(&dir, &key).expect("an intact entry");
            assert_eq!(world, b"the world");
            named.bytes = world;
            named.world = 0..named.bytes.len();
            named.replays = Vec::new();
            for r in &replays {
                let at = named.bytes.len();
                named.bytes.extend_from_slice(r);
                named.replays.push(at..named.bytes.len());
            }
        }
        let kept: Vec<u8> = named.replays().map(|r| r[r.len() - 1]).collect();
        // Newest first, four at most: key 1's older replay ("a") dropped
        // when "c" replaced it, then "b" as the oldest.
        assert_eq!(kept, b"fedc");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_payload_whose_lengths_overrun_it_is_no_entry() {
        let whole = payload(b"world", &[b"r1", b"r2"]);
        let (world, replays) = split(&whole, 0).expect("splits");
        assert_eq!(&whole[world], b"world");
        let replays: Vec<&[u8]> = replays.into_iter().map(|r| &whole[r]).collect();
        assert_eq!(replays, [b"r1", b"r2"]);
        assert!(split(&whole[..whole.len() - 1], 0).is_none(), "cut");
        assert!(split(&[], 0).is_none(), "no world");
        let mut huge = whole.clone();
        huge[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(split(&huge, 0).is_none(), "a length past the end");
    }
}
