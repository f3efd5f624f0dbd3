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
//! like job files, taken by `include` or holding a job by their text, not
//! `exclude`d; the files of its submodules too, at the commits it
//! records, as a checkout holds them), read through
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
/// bytes and the options (a closed load, or not a job file). A file that
/// cannot be read may define any job: the lookup cannot tell.
fn load(head: &dyn Vfs, path: &Path, loader: &JobLoader) -> Result<(Defines, bool), Unlisted> {
    match loader.job_file(head, path) {
        Ok(None) => Ok((None, true)),
        Ok(Some(parsed)) => Ok(match NewVersion::of(&parsed) {
            // Closedness read on the load itself: a copy of a job is
            // never closed (`ClosedLoad`'s clone).
            NewVersion::Job(job) => {
                let closed = parsed.job.as_ref().is_some_and(|j| j.closed.0.is_some());
                (Some(trimmed(&job)), closed)
            }
            // Harmless: a file that does not load is refused by `nomad
            // job run` as it is (plain `check` reports its errors), so it
            // registers no job from this state.
            _ => (None, false),
        }),
        Err(e) => Err(Unlisted::File(path.to_path_buf(), e.to_string())),
    }
}

/// Why the lookup of a change's jobs among the state's other job files
/// cannot be made: a "cannot tell", never a lookup among fewer files
/// (fix25b fell back to the world's `running` files and the change's own,
/// and a gate passed where it could not look).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unlisted {
    /// The state's files could not be listed (the error's words).
    Listing(String),
    /// A job-file candidate of the state could not be read (an LFS
    /// pointer, a file over the size cap): any job may be in it.
    File(PathBuf, String),
    /// A submodule of the state whose files cannot be read here (not
    /// initialised, its commit not fetched): its path and why.
    Submodule(PathBuf, String),
}

/// A lookup's "cannot tell" as the plan gate reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untold {
    /// One line, every input in it escaped.
    pub line: String,
    /// The file or submodule that could not be read (JSON `File`; escaped
    /// by the JSON writer).
    pub file: Option<String>,
}

impl std::fmt::Display for Untold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line)
    }
}

impl Unlisted {
    /// The one line, every input in it escaped: `state` is the change's
    /// head (`the index`, a revision).
    pub fn line(&self, state: &super::Head) -> String {
        let state = crate::escape::one_line(&state.to_string());
        let why = match self {
            Unlisted::Listing(e) => format!(
                "its files cannot be listed ({})",
                crate::escape::one_line(e)
            ),
            Unlisted::File(p, e) => format!(
                "{} cannot be read there ({})",
                crate::escape::one_line(&p.to_string_lossy()),
                crate::escape::one_line(e)
            ),
            Unlisted::Submodule(p, why) => format!(
                "{} is a submodule and {}",
                crate::escape::path_line(&p.to_string_lossy()),
                crate::escape::one_line(why)
            ),
        };
        format!("cannot tell whether another job file of {state} defines a job this change submits: {why}")
    }

    /// The file or submodule the lookup could not read (`None`: the
    /// listing itself failed).
    pub fn unread(&self) -> Option<&Path> {
        match self {
            Unlisted::Listing(_) => None,
            Unlisted::File(p, _) | Unlisted::Submodule(p, _) => Some(p),
        }
    }

    /// What makes the lookup possible, or quiets it where the operator
    /// knows the unread part holds no job to run: the `exclude` of
    /// `.nomad-preflight.hcl` that leaves it out (as plain `check` then
    /// does), its glob quoted as the config's text would hold it.
    pub fn hint(&self) -> String {
        let why = "a job two files define is registered by whichever `nomad job run` comes last";
        match self.quiet() {
            Some(quiet) => format!("{why}; {quiet}"),
            None => format!("{why}; make the state readable (`git fsck`), or check the repository with plain `check` on a checkout"),
        }
    }

    /// How to make the unread file or submodule known or left out;
    /// `None` for a listing that failed.
    fn quiet(&self) -> Option<String> {
        let glob = |p: &Path, below: bool| {
            let text = crate::rules::config::path_text(p);
            let text = if below { format!("{text}/**") } else { text };
            crate::escape::one_line(&serde_json::Value::from(text).to_string())
        };
        // The config's globs have no escape for `*` or `?`: a path holding
        // one, quoted as a glob, would leave out other files too (a hostile
        // `jobs/*.nomad` would hint every job file there away: rv27-5).
        let literal = |p: &Path| !crate::rules::config::path_text(p).contains(['*', '?']);
        match self {
            Unlisted::Listing(_) => None,
            Unlisted::File(p, _) if !literal(p) => Some(
                "its name holds `*` or `?`, which an `exclude` glob cannot name alone: rename it, or make it readable".to_string(),
            ),
            Unlisted::Submodule(p, _) if !literal(p) => Some(format!(
                "check the submodule out (`git submodule update --init {}`; in CI, check submodules out)",
                crate::escape::path_line(&p.to_string_lossy())
            )),
            Unlisted::File(p, _) => Some(format!(
                "if this file holds no job to run, `exclude = [{}]` in .nomad-preflight.hcl leaves it out",
                glob(p, false)
            )),
            Unlisted::Submodule(p, _) => Some(format!(
                "check the submodule out (`git submodule update --init {}`; in CI, check submodules out), or, if it holds no job to run, `exclude = [{}]` in .nomad-preflight.hcl leaves it out",
                crate::escape::path_line(&p.to_string_lossy()),
                glob(p, true)
            )),
        }
    }

    /// The plan gate's words: the line, with how to quiet it, and the
    /// unread path for JSON.
    pub fn untold(&self, state: &super::Head) -> Untold {
        let line = self.line(state);
        Untold {
            line: match self.quiet() {
                Some(q) => format!("{line} ({q})"),
                None => line,
            },
            file: self.unread().map(|p| p.to_string_lossy().into_owned()),
        }
    }

    /// `check`'s finding at the changed file `at` (located by `place`).
    pub fn diag(&self, state: &super::Head, place: &crate::source::Source) -> crate::diag::Diag {
        crate::diag::Diag::error(super::CANNOT_TELL, self.line(state))
            .help(self.hint())
            .as_cannot_tell()
            .in_source(place)
    }
}

impl ChangeSet {
    /// The job files of the new version this change does not touch, each
    /// with the job it defines (files that define none left out), its
    /// namespace the request's (`ns`) when it writes none.
    /// A listing or a candidate's read that fails is [`Unlisted`].
    pub fn standing(
        &self,
        head: &dyn Vfs,
        loader: &JobLoader,
        ns: Option<Applied<'_>>,
    ) -> Result<Vec<Standing>, Unlisted> {
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
                && !cfg.is_some_and(|c| c.excludes(p))
        };
        // As plain `check` selects files (`check::select`): named like a
        // job file, taken by `include`, or holding a job by its text.
        let taken = |p: &Path| {
            super::is_job_candidate(p)
                || cfg.is_some_and(|c| c.includes(p))
                || super::holds_job(head, p)
        };
        let mut cache = Cache::open(&loader.options_key());
        // A blob's text verdict is its bytes': a folder whose tree changed
        // has its unchanged files' verdicts from an earlier run, not read
        // again (issue 17). Only "no job" is kept: a job found by its text
        // is loaded next, and its load is kept by blob id.
        let not_jobs = std::cell::RefCell::new(cache.lend_not_jobs());
        // What a tree holds is remembered for the walk's tests alone (a
        // job-file name, else the blob's text): with `include` every file
        // is listed, judged here, and none is remembered.
        let mut none = crate::git::NoMemo;
        let memo: &mut dyn crate::git::TreeMemo = if includes { &mut none } else { &mut cache };
        let text = |u: &crate::git::Unnamed<'_>| {
            let id = u.id();
            if not_jobs.borrow_mut().knows(&id) {
                return false;
            }
            let job = super::by_text::blob_holds_job(&|n| u.head_read(n), &|| u.whole());
            if !job {
                not_jobs.borrow_mut().put(id);
            }
            job
        };
        let by_text: Option<crate::git::ByText<'_>> = (!includes).then_some(&text);
        let listed = self.range.head_blobs(&by_name, by_text, memo);
        cache.keep_not_jobs(not_jobs.into_inner());
        let listing = |e: std::io::Error| Unlisted::Listing(e.to_string());
        let defined: Result<Vec<(PathBuf, Defines)>, Unlisted> = match listed.map_err(listing)? {
            Some(listed) => {
                // A submodule it cannot read may hold any job: cannot tell,
                // unless `exclude` leaves out all of it (then plain `check`
                // would select nothing there either). Said only where it
                // matters: the caller reports it when the change submits
                // a job (a change that submits none needs no lookup).
                let unread = (listed.unread.into_iter())
                    .find(|u| !cfg.is_some_and(|c| c.excludes_all_below(&u.path)));
                if let Some(u) = unread {
                    cache.save();
                    return Err(Unlisted::Submodule(u.path, u.why));
                }
                let blobs = (listed.files.into_iter())
                    .filter(|(p, _)| wanted(p) && (!includes || taken(p)))
                    .collect();
                by_blob(blobs, head, loader, &mut cache)
            }
            None => (self.range.head_paths().map_err(listing)?.into_iter())
                .filter(|p| wanted(p) && taken(p))
                .map(|p| Ok((p.clone(), load(head, &p, loader)?.0)))
                .collect(),
        };
        // What was learnt before a failure is kept all the same.
        cache.save();
        let ns = ns.map(|a| a.namespace);
        Ok(defined?
            .into_iter()
            .filter_map(|(path, d)| {
                let job = d?;
                let job = match ns {
                    Some(_) => Arc::new(crate::job_loader::with_namespace(Job::clone(&job), ns)),
                    None => job,
                };
                Some(Standing { path, job })
            })
            .collect())
    }
}

/// What each file defines: from `cache` by blob id, else loaded (and kept
/// when the answer is the blob's alone).
fn by_blob(
    blobs: Vec<(PathBuf, crate::git::BlobId)>,
    head: &dyn Vfs,
    loader: &JobLoader,
    cache: &mut Cache,
) -> Result<Vec<(PathBuf, Defines)>, Unlisted> {
    let mut out = Vec::with_capacity(blobs.len());
    for (path, id) in blobs {
        if let Some(d) = cache.get(&id) {
            out.push((path, d));
            continue;
        }
        let (d, keep) = load(head, &path, loader)?;
        if keep {
            cache.put(id, d.clone());
        }
        out.push((path, d));
    }
    Ok(out)
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

    #[test]
    fn an_exclude_is_hinted_only_for_a_name_a_glob_names_alone() {
        let plain = Unlisted::File(PathBuf::from("jobs/big.nomad"), String::new());
        assert!(plain.hint().contains(r#"`exclude = ["jobs/big.nomad"]`"#));
        // A glob would take every job file of jobs/ with it (rv27-5).
        for name in ["jobs/*.nomad", "jobs/a?.nomad"] {
            let wild = Unlisted::File(PathBuf::from(name), String::new());
            assert!(!wild.hint().contains("exclude = ["), "{}", wild.hint());
            let sub = Unlisted::Submodule(PathBuf::from(name), String::new());
            assert!(!sub.hint().contains("exclude = ["), "{}", sub.hint());
        }
    }
}
