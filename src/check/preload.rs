//! A change set's job files loaded before the run has its simulation: the
//! hook's main thread loads the staged files while the select-ahead helper
//! makes the simulation ([`super::sim_cache::start`]), and the judging
//! takes the loads made here instead of loading again. Loading needs
//! nothing of the simulation (the world's release, read by the loader,
//! and the files), so the loads are the ones the judging would make.
//!
//! The head's other job files, which the "defined twice" test reads
//! ([`ChangeSet::standing`]), need neither the staged files' loads nor
//! the simulation either: the helper looks them up after the simulation
//! ([`post_standing`]), while this thread loads and judges the staged
//! files, and the judging takes its answer ([`StandingAhead`]).

use std::path::PathBuf;
use std::sync::{mpsc, Arc};

use super::{load_files, Loaded};
use crate::changeset::ChangeSet;
use crate::changeset::{Standing, Unlisted};
use crate::job_loader::{JobLoader, RequestNamespace};
use crate::vfs::Vfs;

/// The job files of one change set, loaded ([`preload`]).
pub struct Preloaded {
    /// The paths loaded, in order: what the judging would load.
    files: Vec<PathBuf>,
    loaded: Vec<(PathBuf, Loaded)>,
    skipped: Vec<PathBuf>,
    /// The head's other job files, looked up on the hook's helper.
    standing: Option<StandingAhead>,
}

/// [`ChangeSet::standing`] of a change set's whole (`whole().keeping_excluded()`,
/// as the judging asks it) in the request's namespace `namespace`, being
/// made on the hook's helper ([`post_standing`]).
pub struct StandingAhead {
    namespace: Option<String>,
    got: mpsc::Receiver<Result<Vec<Standing>, Unlisted>>,
}

impl StandingAhead {
    /// The answer, when it was asked in the namespace `ns` the judging
    /// asks in; `None` (the judging looks them up itself) for another
    /// namespace, or when the helper ended without one (it panicked).
    fn take(self, ns: Option<&str>) -> Option<Result<Vec<Standing>, Unlisted>> {
        if self.namespace.as_deref() != ns {
            return None;
        }
        self.got.recv().ok()
    }
}

/// [`ChangeSet::standing`] of `set` as the judging's first pass asks it
/// (its whole, with `loader`, in `request`'s namespace), posted to the
/// hook's helper through `post`; `None` when no helper takes it (the
/// judging then looks them up itself, as before). The lookup reads
/// `vfs` (the change's head) and the cache folder alone: the same
/// answer on either thread.
pub fn post_standing(
    post: crate::check::ahead::Post<'_>,
    vfs: &Arc<dyn Vfs>,
    set: &ChangeSet,
    loader: &JobLoader,
    request: &RequestNamespace,
) -> Option<StandingAhead> {
    let whole = set.whole().keeping_excluded();
    let (vfs, loader, request) = (vfs.clone(), loader.clone(), request.clone());
    let namespace = request.applied().map(|a| a.namespace.to_string());
    let (tx, got) = mpsc::sync_channel(1);
    let job = crate::gotext::inherit(move || {
        let _ = tx.send(whole.standing(vfs.as_ref(), &loader, request.applied()));
    });
    post(Box::new(job)).ok()?;
    Some(StandingAhead { namespace, got })
}

/// Load `set`'s job files from `vfs` with `loader`, as the change set's
/// judging ([`super::check_change_set`]) loads them in its first pass.
pub fn preload(
    vfs: &dyn Vfs,
    set: &ChangeSet,
    loader: &JobLoader,
    threads: crate::Workers,
    standing: Option<StandingAhead>,
) -> Preloaded {
    let files = set.whole().keeping_excluded().candidates();
    let (loaded, skipped) = load_files(vfs, &files, loader, threads, crate::changeset::unreadable);
    Preloaded {
        files,
        loaded,
        skipped,
        standing,
    }
}

/// `preloaded` without its [`StandingAhead`], and that lookup's answer
/// when it was asked in the namespace `ns` the judging asks in.
pub(super) fn standing(
    mut preloaded: Option<Preloaded>,
    ns: Option<crate::job_loader::Applied<'_>>,
) -> (Option<Preloaded>, Option<Result<Vec<Standing>, Unlisted>>) {
    let ahead = preloaded.as_mut().and_then(|p| p.standing.take());
    let got = ahead.and_then(|s| s.take(ns.map(|a| a.namespace)));
    (preloaded, got)
}

/// The loads of `files`: `preloaded`'s when it loaded the same paths,
/// else loaded here.
pub(super) fn or_load(
    preloaded: Option<Preloaded>,
    vfs: &dyn Vfs,
    files: &[PathBuf],
    loader: &JobLoader,
    threads: crate::Workers,
) -> (Vec<(PathBuf, Loaded)>, Vec<PathBuf>) {
    match preloaded {
        Some(p) if p.files == files => (p.loaded, p.skipped),
        _ => load_files(vfs, files, loader, threads, crate::changeset::unreadable),
    }
}
