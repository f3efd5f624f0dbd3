//! What each job file of a change's new version defines, by blob id, kept
//! across processes (R25b-1): a gate looks every changed job up among all
//! the head's job files, and a hook must not parse them on every commit
//! (issue 17: `check --staged` within 3x `true`). The index and trees give
//! each file's blob id for free, and a blob's job is a function of its
//! bytes and the load options, so an entry never goes stale.
//!
//! One entry file per set of load options (key: SHA-256 of this format's
//! name, the binary's identity and the options), in the shared cache
//! folder ([`crate::cache_dir`]: off with `--no-cache`, written whole or
//! not at all, sealed with a checksum), holding at most [`MAX_ENTRIES`]
//! blobs and read only under [`MAX_BYTES`]: a repository of hostile
//! content cannot make it grow without bound. Each value is only what the
//! lookup needs (the job's ID, namespace, region and how they were
//! written), never a file's text.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::git::{BlobId, TreeFiles};
use crate::jobspec::Job;

// v2: a tree's files include those taken by their text alone.
// v3: a tree's submodules (PATH/ and commit); blobs no job by their text.
const FORMAT: &str = "nomad-preflight standing job ids v3";
const MAGIC: &[u8; 8] = b"NPSTND03";
const EXTENSION: &str = "standing";
/// Blobs kept per entry file: the job files of a few states of a large
/// repository.
const MAX_ENTRIES: usize = 8192;
/// An entry file larger than this is not read (none this binary writes is).
const MAX_BYTES: u64 = 16 << 20;
/// Entry files kept: one per set of load options.
const MAX_FILES: usize = 16;
/// Trees remembered per entry file ([`crate::git::TreeMemo`]).
const MAX_TREES: usize = 8192;
/// Blobs remembered as no job by their text: the unnamed files of a large
/// repository's changed folders (an id and a byte each).
const MAX_TEXTS: usize = 65536;

/// What a blob defines: a job (trimmed to what names it), or nothing (not
/// a job file).
pub(super) type Defines = Option<Arc<Job>>;

/// The entries of one set of load options, with this run's additions.
pub(super) struct Cache {
    file: Option<(PathBuf, [u8; 32])>,
    known: HashMap<BlobId, Defines>,
    /// Looked up or added this run, kept first when the file is written.
    used: Vec<BlobId>,
    /// The job-file candidates each tree holds, by tree id.
    trees: HashMap<BlobId, TreeFiles>,
    trees_used: Vec<BlobId>,
    /// Blobs whose text opens no job ([`crate::changeset::holds_job`]'s
    /// test on a blob): a folder's tree changes with any file in it, and
    /// its other files need not be read again (issue 17).
    not_jobs: NotJobs,
    added: bool,
}

/// The blobs known to open no job by their text, lent to the walk's test
/// while the cache is its tree memo ([`Cache::lend_not_jobs`]).
#[derive(Default)]
pub(super) struct NotJobs {
    known: std::collections::HashSet<BlobId>,
    used: Vec<BlobId>,
    added: bool,
}

impl NotJobs {
    /// Is the blob `id` known to open no job by its text?
    pub(super) fn knows(&mut self, id: &[u8]) -> bool {
        let known = self.known.contains(id);
        if known {
            self.used.push(id.to_vec());
        }
        known
    }

    /// Remember that the blob `id`'s text opens no job.
    pub(super) fn put(&mut self, id: BlobId) {
        self.used.push(id.clone());
        if self.known.insert(id) {
            self.added = true;
        }
    }
}

/// An entry file's payload: what blobs define, what trees hold, which
/// blobs are no job by their text.
type Payload = (
    Vec<(BlobId, Option<Job>)>,
    Vec<(BlobId, TreeFiles)>,
    Vec<BlobId>,
);

impl crate::git::TreeMemo for Cache {
    fn get(&mut self, tree: &[u8]) -> Option<TreeFiles> {
        let found = self.trees.get(tree).cloned()?;
        self.trees_used.push(tree.to_vec());
        Some(found)
    }

    fn put(&mut self, tree: &[u8], files: &TreeFiles) {
        self.trees_used.push(tree.to_vec());
        self.trees.insert(tree.to_vec(), files.clone());
        self.added = true;
    }
}

/// The job as the lookup needs it: what names it and where it is sent
/// (`here`: region, multiregion, the asked region); the rest dropped.
pub(super) fn trimmed(job: &Job) -> Arc<Job> {
    Arc::new(Job {
        id: job.id.clone(),
        namespace: job.namespace.clone(),
        region: job.region.clone(),
        multiregion: job.multiregion.clone(),
        asked_region: job.asked_region.clone(),
        spans: job.spans.clone(),
        ..Job::default()
    })
}

impl Cache {
    /// The entries for loads with options `options`
    /// ([`crate::job_loader::JobLoader::options_key`]); empty when the
    /// cache is off or holds none.
    pub(super) fn open(options: &str) -> Cache {
        let file = crate::cache_dir::active().and_then(|dir| {
            let binary = crate::cache_dir::binary_identity()?;
            let mut h = Sha256::new();
            // The tree memo's by-text answers read at most this many bytes
            // of a blob (rv26-5): a run with another cap gets other entries.
            let cap = crate::project::max_file_bytes().to_string();
            for part in [FORMAT, &binary, options, &cap] {
                h.update((part.len() as u64).to_le_bytes());
                h.update(part.as_bytes());
            }
            let key: [u8; 32] = h.finalize().into();
            Some((crate::cache_dir::entry_path(dir, &key, EXTENSION), key))
        });
        let (known, trees, not_jobs) = file
            .as_ref()
            .and_then(|(path, key)| read(path, key))
            .unwrap_or_default();
        Cache {
            file,
            known,
            used: Vec::new(),
            trees,
            trees_used: Vec::new(),
            not_jobs: NotJobs {
                known: not_jobs,
                ..NotJobs::default()
            },
            added: false,
        }
    }

    /// The blobs known to open no job, for the walk's text test; given
    /// back with [`Cache::keep_not_jobs`].
    pub(super) fn lend_not_jobs(&mut self) -> NotJobs {
        std::mem::take(&mut self.not_jobs)
    }

    pub(super) fn keep_not_jobs(&mut self, not_jobs: NotJobs) {
        // An entry holding far more answers than a run asks for is written
        // again with only those asked (`save`): a large repository's first
        // walk answers for every unnamed file (20,000: a 425 KB entry), and
        // the tree memo answers for the folders that do not change, so
        // every later hook would read and decode them for nothing (issue
        // 17, stop 68's 20,000-file regression).
        let asked = not_jobs.used.len();
        self.added |= not_jobs.added || not_jobs.known.len() > 2 * asked + 1024;
        self.not_jobs = not_jobs;
    }

    pub(super) fn get(&mut self, id: &[u8]) -> Option<Defines> {
        let found = self.known.get(id).cloned()?;
        self.used.push(id.to_vec());
        Some(found)
    }

    pub(super) fn put(&mut self, id: BlobId, defines: Defines) {
        self.used.push(id.clone());
        self.known.insert(id, defines);
        self.added = true;
    }

    /// Write the file when this run learnt something: this run's blobs
    /// first, then older ones up to [`MAX_ENTRIES`]. Best effort.
    pub(super) fn save(self) {
        let Some((path, key)) = self.file.filter(|_| self.added) else {
            return;
        };
        let Some(dir) = path.parent() else { return };
        let blobs = kept_first(self.known, self.used, MAX_ENTRIES);
        let blobs = blobs
            .into_iter()
            .map(|(id, d)| (id, d.map(|j| Job::clone(&j))))
            .collect();
        let trees = kept_first(self.trees, self.trees_used, MAX_TREES);
        // Only the answers this run asked for or learnt (see
        // `keep_not_jobs`): one no run asks again is dead weight.
        let known = self.not_jobs.known;
        let mut kept = std::collections::HashSet::new();
        let not_jobs: Vec<BlobId> = (self.not_jobs.used.into_iter())
            .filter(|id| known.contains(id) && kept.insert(id.clone()))
            .take(MAX_TEXTS)
            .collect();
        let payload: Payload = (blobs, trees, not_jobs);
        if let Ok(payload) = postcard::to_stdvec(&payload) {
            if payload.len() as u64 > MAX_BYTES - 64 {
                return;
            }
            let bytes = crate::cache_dir::seal(MAGIC, &key, &payload);
            crate::cache_dir::write_entry(dir, &path, &bytes, MAX_FILES);
        }
    }
}

/// `all`'s entries, those `used` this run first, at most `max`.
fn kept_first<V>(mut all: HashMap<BlobId, V>, used: Vec<BlobId>, max: usize) -> Vec<(BlobId, V)> {
    let mut kept = Vec::new();
    for id in used {
        if let Some(v) = all.remove(&id) {
            kept.push((id, v));
        }
    }
    kept.extend(all);
    kept.truncate(max);
    kept
}

/// The entries of an intact file of `key`; `None` for a missing, foreign,
/// oversized, cut or damaged one.
type Read = (
    HashMap<BlobId, Defines>,
    HashMap<BlobId, TreeFiles>,
    std::collections::HashSet<BlobId>,
);

fn read(path: &Path, key: &[u8; 32]) -> Option<Read> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    let bytes = crate::cache_dir::read_entry(path)?;
    let payload = crate::cache_dir::unseal(&bytes, MAGIC, key)?;
    let (blobs, trees, not_jobs): Payload = postcard::from_bytes(payload).ok()?;
    let blobs = (blobs.into_iter().take(MAX_ENTRIES))
        .map(|(id, j)| (id, j.map(Arc::new)))
        .collect();
    Some((
        blobs,
        trees.into_iter().take(MAX_TREES).collect(),
        not_jobs.into_iter().take(MAX_TEXTS).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_file_round_trips_and_a_damaged_one_is_ignored() {
        let dir = std::env::temp_dir().join(format!("np-standing-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("x.standing");
        let key = [7u8; 32];
        let mut cache = Cache {
            file: Some((path.clone(), key)),
            known: HashMap::new(),
            used: Vec::new(),
            trees: HashMap::new(),
            trees_used: Vec::new(),
            not_jobs: NotJobs::default(),
            added: false,
        };
        let mut lent = cache.lend_not_jobs();
        lent.put(vec![4; 20]);
        cache.keep_not_jobs(lent);
        let tree = vec![(b"a.nomad".to_vec(), vec![1; 20])];
        crate::git::TreeMemo::put(&mut cache, &[3; 20], &tree);
        let job = Job {
            id: "api".into(),
            namespace: "ops".into(),
            ..Job::default()
        };
        cache.put(vec![1; 20], Some(trimmed(&job)));
        cache.put(vec![2; 20], None);
        cache.save();
        let (back, trees, not_jobs) = read(&path, &key).expect("entries");
        assert!(
            not_jobs.contains(&vec![4u8; 20]),
            "a blob no job by its text"
        );
        assert_eq!(trees.get(&vec![3u8; 20]).map(Vec::len), Some(1));
        assert_eq!(back.len(), 2);
        let got = back.get(&vec![1u8; 20]).cloned().flatten().expect("job");
        assert_eq!((got.id.as_str(), got.namespace.as_str()), ("api", "ops"));
        assert!(back.get(&vec![2u8; 20]).expect("entry").is_none());
        assert!(read(&path, &[8u8; 32]).is_none(), "another key's file");
        let mut bytes = std::fs::read(&path).expect("file");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, bytes).expect("write");
        assert!(read(&path, &key).is_none(), "a damaged file");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A first walk's many no-job answers are not carried by every later
    /// run: an entry holding far more than a run asks is written again
    /// with only those asked (stop 68's 20,000-file regression).
    #[test]
    fn answers_no_run_asks_are_dropped_when_they_outweigh_those_asked() {
        let dir = std::env::temp_dir().join(format!("np-standing-prune-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("x.standing");
        let key = [9u8; 32];
        let cache = |known: std::collections::HashSet<BlobId>| Cache {
            file: Some((path.clone(), key)),
            known: HashMap::new(),
            used: Vec::new(),
            trees: HashMap::new(),
            trees_used: Vec::new(),
            not_jobs: NotJobs {
                known,
                ..NotJobs::default()
            },
            added: false,
        };
        let many: std::collections::HashSet<BlobId> =
            (0..3000u32).map(|i| i.to_le_bytes().to_vec()).collect();
        // A run that asks about one answer and learns nothing.
        let mut run = cache(many);
        let mut lent = run.lend_not_jobs();
        assert!(lent.knows(&7u32.to_le_bytes()));
        run.keep_not_jobs(lent);
        run.save();
        let (_, _, kept) = read(&path, &key).expect("written again");
        assert_eq!(kept.len(), 1);
        assert!(kept.contains(7u32.to_le_bytes().as_slice()));
        // Few answers, none new: nothing is written.
        let _ = std::fs::remove_file(&path);
        let few: std::collections::HashSet<BlobId> =
            (0..10u32).map(|i| i.to_le_bytes().to_vec()).collect();
        let mut run = cache(few);
        let lent = run.lend_not_jobs();
        run.keep_not_jobs(lent);
        run.save();
        assert!(read(&path, &key).is_none(), "no write for nothing learnt");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
