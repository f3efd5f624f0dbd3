//! The jobs closed loads give, kept across processes. A `check --staged`
//! rebuilds the world at HEAD on every commit, parsing and lowering each
//! running job again, though HEAD's job texts rarely change between two
//! commits: that was ~40% of the hook's instructions.
//!
//! Only a load that is a function of its key is kept: a closed load
//! ([`crate::jobspec::ClosedLoad`]: nothing read besides the text and the
//! options) that gave a job and not one diagnostic, so the job is the
//! whole result. The key is the SHA-256 of this format's name, the binary's
//! identity, the options (`Debug` form: variables, environment variables,
//! variables files' names, version, project root, the folder `nomad`
//! runs in) and the text. What a
//! cached job does not hold, its file ([`crate::jobspec::Origin`]) and the
//! proof that it is closed, is set again from the load it stands for.
//!
//! Entries live in the shared cache folder ([`crate::cache_dir`]): off
//! with `--no-cache`, written whole or not at all. An entry that cannot be
//! read, has another key, fails its checksum or does not decode is ignored
//! and the file loaded.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::jobspec::{Job, LoadOptions};

/// Names the entry layout; a change to it (or to the job model) must
/// change this, though the binary's identity in the key covers rebuilds.
const FORMAT: &str = "nomad-preflight job-load cache v1";
pub(super) const MAGIC: &[u8; 8] = b"NPJOBS01";
/// The entries' extension in the shared folder.
const EXTENSION: &str = "job";
/// Entries kept: a few worlds' running jobs at several commits.
const MAX_ENTRIES: usize = 512;

pub type Key = [u8; 32];

/// The key of loading `text` with `opts` by this binary.
pub fn key(text: &str, opts: &LoadOptions) -> Option<Key> {
    let binary = crate::cache_dir::binary_identity()?;
    let mut h = Sha256::new();
    for part in [FORMAT, &binary, &format!("{opts:?}"), text] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    Some(h.finalize().into())
}

fn entry_path(dir: &Path, key: &Key) -> PathBuf {
    crate::cache_dir::entry_path(dir, key, EXTENSION)
}

pub(super) fn encode(key: &Key, job: &Job) -> Option<Vec<u8>> {
    let payload = postcard::to_stdvec(job).ok()?;
    Some(crate::cache_dir::seal(MAGIC, key, &payload))
}

/// The job an entry holds, or `None` for anything but an intact entry of
/// this key.
pub(super) fn decode(bytes: &[u8], key: &Key) -> Option<Job> {
    postcard::from_bytes(crate::cache_dir::unseal(bytes, MAGIC, key)?).ok()
}

/// The cached job of `key`, if `dir` holds an intact one.
pub fn load(dir: &Path, key: &Key) -> Option<Job> {
    let bytes = crate::cache_dir::read_entry(&entry_path(dir, key))?;
    decode(&bytes, key)
}

/// Keep `job` under `key`. Best effort.
pub fn store(dir: &Path, key: &Key, job: &Job) {
    if let Some(bytes) = encode(key, job) {
        crate::cache_dir::write_entry(dir, &entry_path(dir, key), &bytes, MAX_ENTRIES);
    }
}
