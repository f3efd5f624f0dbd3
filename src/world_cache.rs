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
//! (an entry holds none), no pinned allocations (an import), and every
//! running job a closed load ([`crate::jobspec::ClosedLoad`]: nothing read
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

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::diag::Diags;
use crate::git::LazyGitVfs;
use crate::vfs::{Recording, Vfs};
use crate::world::World;

/// Names the entry layout; a change to it (or to the world model) must
/// change this, though the binary's identity in the key covers rebuilds.
const FORMAT: &str = "nomad-preflight world cache v3";
const MAGIC: &[u8; 8] = b"NPWORLD3";
const EXTENSION: &str = "world";
/// Entries kept: one per world folder of the repositories in use.
const MAX_ENTRIES: usize = 64;

type Key = [u8; 32];

/// What an entry holds.
#[derive(Serialize, Deserialize)]
struct Entry {
    /// Every path the load asked about, with its fingerprint then.
    asked: Vec<(PathBuf, Vec<u8>)>,
    /// The texts of the files it read, by path, each as its blob decodes
    /// (a byte order mark kept): the text of the object its fingerprint
    /// names, which [`LazyGitVfs::remember`] takes it for.
    texts: Vec<(PathBuf, String)>,
    world: World,
}

/// What names a world as the cache loaded it: the entry's key (format,
/// binary, repository, folder, size cap) and the object at every path the
/// load asked about. Two loads with the same digest gave the same world,
/// as a hit rests on exactly that; so work derived from the world alone
/// (its replay) can be kept under it without hashing the world itself.
pub type Digest = [u8; 32];

/// [`crate::world::load`] of `world_dir` in `vfs`, through the cache
/// folder when the run has one; with the world's [`Digest`] when it came
/// from, or went into, an entry.
pub fn load(vfs: &LazyGitVfs, world_dir: &Path) -> Result<(World, Diags, Option<Digest>), Diags> {
    load_in(crate::cache_dir::active(), vfs, world_dir)
}

fn load_in(
    dir: Option<&Path>,
    vfs: &LazyGitVfs,
    world_dir: &Path,
) -> Result<(World, Diags, Option<Digest>), Diags> {
    let uncached = |(w, d)| (w, d, None);
    let Some((dir, key)) = dir.and_then(|d| Some((d, key(vfs, world_dir)?))) else {
        return crate::world::load(vfs, world_dir).map(uncached);
    };
    if let Some((world, digest)) = hit(dir, &key, vfs) {
        return Ok((world, Diags::new(), Some(digest)));
    }
    let recording = Recording::new(vfs);
    let (world, warnings) = crate::world::load(&recording, world_dir)?;
    if !warnings.is_empty() || !keepable(&world) {
        return Ok((world, warnings, None));
    }
    let Some(entry) = entry(vfs, &recording, &world) else {
        return Ok((world, warnings, None));
    };
    let digest = digest(&key, &entry.asked);
    store(dir, &key, &entry);
    Ok((world, warnings, Some(digest)))
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

/// A world whose load is all the entry says: no pinned allocations, and
/// running jobs that read nothing but their texts.
fn keepable(world: &World) -> bool {
    world.pinned.is_none()
        && matches!(world.origin, crate::world::WorldOrigin::Dir(_))
        && world.running.iter().all(|r| r.job.closed.0.is_some())
}

/// [`Entry`] as a hit reads it: the texts borrowed from the entry's bytes,
/// each copied once into the reader's shared text (read as a `String`,
/// each was copied twice and allocated three times).
#[derive(Deserialize)]
struct Read<'a> {
    asked: Vec<(PathBuf, Vec<u8>)>,
    #[serde(borrow)]
    texts: Vec<(PathBuf, &'a str)>,
    world: World,
}

/// The world of an intact entry of `key` whose paths all hold the same
/// objects in `vfs`, with its texts and running jobs' files given back.
fn hit(dir: &Path, key: &Key, vfs: &LazyGitVfs) -> Option<(World, Digest)> {
    let bytes = std::fs::read(crate::cache_dir::entry_path(dir, key, EXTENSION)).ok()?;
    let entry: Read<'_> =
        postcard::from_bytes(crate::cache_dir::unseal(&bytes, MAGIC, key)?).ok()?;
    let same = entry
        .asked
        .iter()
        .all(|(path, was)| vfs.fingerprint(path).is_some_and(|now| now == *was));
    if !same {
        return None;
    }
    let digest = digest(key, &entry.asked);
    for (path, text) in entry.texts {
        vfs.remember(&path, text.into());
    }
    Some((restored(entry.world, vfs)?, digest))
}

/// `world` with its running jobs given back their files from `vfs` (and
/// proof of closedness), as a job-load cache hit gives them.
fn restored(mut world: World, vfs: &dyn Vfs) -> Option<World> {
    let loaders: Vec<_> = world
        .running
        .iter()
        .map(|r| r.vars.loader(&world))
        .collect();
    for (r, loader) in world.running.iter_mut().zip(loaders) {
        let source = vfs.read(&world.project_root.join(&r.path)).ok()?;
        loader.restore(&mut r.job, &source);
    }
    Some(world)
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
    let hit = std::fs::read(crate::cache_dir::entry_path(dir, &key, EXTENSION))
        .ok()
        .and_then(|bytes| {
            let payload = crate::cache_dir::unseal(&bytes, MAGIC, &key)?;
            let entry: Entry = postcard::from_bytes(payload).ok()?;
            restored(entry.world, vfs)
        });
    if let Some(world) = hit {
        return Ok((world, Diags::new()));
    }
    let (world, warnings) = crate::world::load(vfs, world_dir)?;
    if warnings.is_empty() && keepable(&world) {
        let entry = Entry {
            asked: Vec::new(),
            texts: Vec::new(),
            world: world.clone(),
        };
        store(dir, &key, &entry);
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
    let Ok(payload) = postcard::to_stdvec(entry) else {
        return;
    };
    let bytes = crate::cache_dir::seal(MAGIC, key, &payload);
    let path = crate::cache_dir::entry_path(dir, key, EXTENSION);
    crate::cache_dir::write_entry(dir, &path, &bytes, MAX_ENTRIES);
}

/// A path the load asked about, and the text when it read one.
/// The entry for `world` from what loading it asked of `vfs`, or `None`
/// when a path has no fingerprint.
fn entry(vfs: &LazyGitVfs, recording: &Recording<'_>, world: &World) -> Option<Entry> {
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
    Some(Entry {
        asked: paths,
        texts,
        world: world.clone(),
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
        let entry = Entry {
            asked: vec![(PathBuf::from("rules/cluster.hcl"), b"File 01".to_vec())],
            texts: vec![(PathBuf::from("rules/cluster.hcl"), "\u{feff}x = 1\n".into())],
            world,
        };
        let bytes = postcard::to_stdvec(&entry).expect("encode");
        let back: Entry = postcard::from_bytes(&bytes).expect("decode");
        assert_eq!(postcard::to_stdvec(&back).expect("encode"), bytes);
        // A hit reads the same bytes with its texts borrowed.
        let read: Read<'_> = postcard::from_bytes(&bytes).expect("decode");
        assert_eq!(read.asked, entry.asked);
        assert_eq!(
            read.texts,
            [(PathBuf::from("rules/cluster.hcl"), "\u{feff}x = 1\n")]
        );
        assert!(restored(back.world, &vfs).is_some());
    }
}
