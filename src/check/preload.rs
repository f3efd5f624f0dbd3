//! A change set's job files loaded before the run has its simulation: the
//! hook's main thread loads the staged files while the select-ahead helper
//! makes the simulation ([`super::sim_cache::start`]), and the judging
//! takes the loads made here instead of loading again. Loading needs
//! nothing of the simulation (the world's release, read by the loader,
//! and the files), so the loads are the ones the judging would make.

use std::path::PathBuf;

use super::{load_files, Loaded};
use crate::changeset::ChangeSet;
use crate::job_loader::JobLoader;
use crate::vfs::Vfs;

/// The job files of one change set, loaded ([`preload`]).
pub struct Preloaded {
    /// The paths loaded, in order: what the judging would load.
    files: Vec<PathBuf>,
    loaded: Vec<(PathBuf, Loaded)>,
    skipped: Vec<PathBuf>,
}

/// Load `set`'s job files from `vfs` with `loader`, as the change set's
/// judging ([`super::check_change_set`]) loads them in its first pass.
pub fn preload(
    vfs: &dyn Vfs,
    set: &ChangeSet,
    loader: &JobLoader,
    threads: crate::Workers,
) -> Preloaded {
    let files = set.whole().keeping_excluded().candidates();
    let (loaded, skipped) = load_files(vfs, &files, loader, threads, crate::changeset::unreadable);
    Preloaded {
        files,
        loaded,
        skipped,
    }
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
