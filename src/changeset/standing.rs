//! The job files of a change's new version that the change leaves as they
//! are (R25b-1). Plain `check` of a tree reports a job two files define
//! (NP229); a gate judges only the changed files, and compared them with
//! the world's `running` files and each other, never with the head's
//! other job files: a pull request adding `deploy/api.nomad` beside a
//! committed `jobs/api.nomad` (deployed, but not in `running`) passed the
//! hook and CI. Nomad registers a job by namespace and ID whichever file
//! it comes from (nomad/job_endpoint.go@v1.9.7:214 Register: `snap.JobByID`; v0.9.3:108),
//! so either file's `nomad job run` replaces what the other registered.
//!
//! The files are those plain `check` would select in that state (named
//! like job files or taken by `include`, not `exclude`d), read through
//! the state's own reader (the index, the head revision: never the
//! working tree unless the change's head is the working tree). What each
//! defines is kept by blob id ([`super::standing_cache`]), so a hook
//! parses only the files that changed since it last looked.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::standing_cache::{trimmed, Cache, Defines};
use super::{ChangeSet, NewVersion};
use crate::job_loader::{Applied, JobLoader};
use crate::jobspec::Job;
use crate::vfs::Vfs;

/// A job file of the new version that no step of the change touches.
#[derive(Debug, Clone)]
pub struct Standing {
    pub path: PathBuf,
    /// Trimmed to what names it and where it is sent
    /// ([`super::standing_cache::trimmed`]), in the request's namespace.
    pub job: Arc<Job>,
}

/// A raw file name that makes its file a job-file candidate
/// ([`super::is_job_candidate`], on bytes: no path is made of the others).
fn named_like_job(name: &[u8]) -> bool {
    name.ends_with(b".nomad") || name.ends_with(b".hcl") || name.ends_with(b".job")
}

/// What loading one file tells; `cached`: the answer is a function of its
/// bytes and the options (a closed load, or not a job file).
fn load(head: &dyn Vfs, path: &Path, loader: &JobLoader) -> (Defines, bool) {
    match loader.job_file(head, path) {
        Ok(None) => (None, true),
        Ok(Some(parsed)) => match NewVersion::of(&parsed) {
            // Closedness read on the load itself: a copy of a job is
            // never closed (`ClosedLoad`'s clone).
            NewVersion::Job(job) => {
                let closed = parsed.job.as_ref().is_some_and(|j| j.closed.0.is_some());
                (Some(trimmed(&job)), closed)
            }
            // Its own errors are plain `check`'s; it defines nothing known.
            _ => (None, false),
        },
        Err(_) => (None, false),
    }
}

impl ChangeSet {
    /// The job files of the new version this change does not touch, each
    /// with the job it defines (files that define none left out), its
    /// namespace the request's (`ns`) when it writes none.
    pub fn standing(
        &self,
        head: &dyn Vfs,
        loader: &JobLoader,
        ns: Option<Applied<'_>>,
    ) -> Vec<Standing> {
        let cfg = self.configs.as_ref().map(|c| &c.head);
        let includes = cfg.is_some_and(|c| !c.include.is_empty());
        let by_name = |name: &[u8]| includes || named_like_job(name);
        let whole = self.whole();
        let touched: BTreeSet<PathBuf> = (whole.changed().into_iter())
            .chain(whole.deleted())
            .map(|p| crate::vfs::normalize(&p))
            .collect();
        // A running job's file (loaded with its own variables) is the
        // world's `running` entry, which the lookup weighs already.
        let wanted = |p: &Path| {
            !touched.contains(p)
                && !loader.loads_as_running(p)
                && (super::is_job_candidate(p) || cfg.is_some_and(|c| c.includes(p)))
                && !cfg.is_some_and(|c| c.excludes(p))
        };
        let mut cache = Cache::open(&loader.options_key());
        // What a tree holds is remembered for the name test alone: with
        // `include` every file is a candidate, and none is remembered.
        let mut none = crate::git::NoMemo;
        let memo: &mut dyn crate::git::TreeMemo = if includes { &mut none } else { &mut cache };
        // A listing that fails leaves the lookup to the world's files, as
        // before; the change's own reads of the same state fail loudly.
        let listed = self.range.head_blobs(&by_name, memo);
        let defined: Vec<(PathBuf, Defines)> = match listed {
            Ok(Some(blobs)) => {
                let blobs = blobs.into_iter().filter(|(p, _)| wanted(p)).collect();
                by_blob(blobs, head, loader, &mut cache)
            }
            Ok(None) => (self.range.head_paths().unwrap_or_default().into_iter())
                .filter(|p| wanted(p))
                .map(|p| {
                    let (d, _) = load(head, &p, loader);
                    (p, d)
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        cache.save();
        let ns = ns.map(|a| a.namespace);
        defined
            .into_iter()
            .filter_map(|(path, d)| {
                let job = d?;
                let job = match ns {
                    Some(_) => Arc::new(crate::job_loader::with_namespace(Job::clone(&job), ns)),
                    None => job,
                };
                Some(Standing { path, job })
            })
            .collect()
    }
}

/// What each file defines: from `cache` by blob id, else loaded (and kept
/// when the answer is the blob's alone).
fn by_blob(
    blobs: Vec<(PathBuf, crate::git::BlobId)>,
    head: &dyn Vfs,
    loader: &JobLoader,
    cache: &mut Cache,
) -> Vec<(PathBuf, Defines)> {
    let mut out = Vec::with_capacity(blobs.len());
    for (path, id) in blobs {
        if let Some(d) = cache.get(&id) {
            out.push((path, d));
            continue;
        }
        let (d, keep) = load(head, &path, loader);
        if keep {
            cache.put(id, d.clone());
        }
        out.push((path, d));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_judged_as_is_job_candidate_judges_them() {
        for (name, job) in [
            ("api.nomad", true),
            ("a.nomad.hcl", true),
            ("y.job", true),
            ("readme.txt", false),
            ("nomad", false),
        ] {
            assert_eq!(named_like_job(name.as_bytes()), job, "{name}");
            assert_eq!(
                super::super::is_job_candidate(Path::new(name)),
                job,
                "{name}"
            );
        }
    }
}
