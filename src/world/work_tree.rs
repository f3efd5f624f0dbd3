//! `plan FILE` and `check` read the world from the working tree: every
//! `running` entry but the planned (or checked) files is the file as it
//! is, so an edit of another running job is planned as if it had been
//! submitted (`nomad job run`). README's "demo, by hand" rests on that
//! guess (monitoring.nomad edited and added to `running`, never
//! committed, then sockshop planned), and it is kept; but the cluster runs
//! what was last submitted, and Nomad's Job.Plan schedules against the
//! servers' state (nomad/job_endpoint.go `Job.Plan`@v0.9.3: the state
//! store's snapshot), where an edit never submitted is not. So each such
//! file is said (redteam12 R12-2): `plan` as a note and a
//! `Preflight.Assumed` entry (`planner::assumed`), `check` as a note.

use std::path::{Path, PathBuf};

use super::before::absolute;
use super::{World, WorldOrigin};
use crate::vfs::Vfs;

/// The `running` entries (their paths as the world lists them) whose
/// working-tree job differs from the one their file defines at git
/// `HEAD`, in `running` order, leaving out the files at `skip` (the
/// planned or checked ones, whose running version is HEAD's already).
/// Nothing for a world not read from a working tree, a project outside
/// git or without a commit, and a file HEAD does not hold (there is no
/// other version to have submitted). A file whose text is HEAD's and whose
/// load read nothing else is the same job; any other is loaded at HEAD
/// (its `file()` inputs and var files too), with the variables the world
/// gives it, and compared, so a comment edit is not said and an edit of
/// an input alone is.
pub fn edited_running(world: &World, skip: &[PathBuf]) -> Vec<PathBuf> {
    if !matches!(world.origin, WorldOrigin::Dir(_)) || world.running.is_empty() {
        return Vec::new();
    }
    let Some(root) = crate::git::repo_root(&world.project_root) else {
        return Vec::new();
    };
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let Ok(head) = crate::git::LazyGitVfs::rev(&root, "HEAD") else {
        return Vec::new();
    };
    if head.is_empty() {
        return Vec::new();
    }
    let skip: Vec<PathBuf> = skip.iter().map(|p| absolute(p)).collect();
    // The working tree read as the world loader reads it: inside the
    // project, under the size cap.
    let disk = crate::vfs::DiskVfs::new(&root);
    let mut out = Vec::new();
    for r in &world.running {
        let named = world.project_root.join(&r.path);
        if skip.contains(&absolute(&named)) {
            continue;
        }
        // HEAD's file at the path as named, through HEAD's own links: a
        // link retargeted in the working tree only is an edit (R17-42).
        let Some(rel) = super::before::in_repo(&named, &root) else {
            continue;
        };
        let rel = rel.as_path();
        // A load that read nothing but its text (a `file()`, fileset
        // member or var file is read from the working tree like the job
        // file, R17-44) is HEAD's job when the text is HEAD's.
        let closed = r.job.closed.0.is_some();
        if differs(&head, &disk, rel, closed, || {
            let old = r.vars.loader(world).job(&head, rel).ok()?;
            Some(r.vars.as_registered(old) != r.job)
        }) {
            out.push(r.path.clone());
        }
    }
    out
}

/// Whether the file at `rel` in `head` (and in `disk`) defines another
/// job: not when HEAD does not hold it, or holds the same text and the
/// working tree's load read nothing else (`closed`); else `compare`'s
/// answer (a version that no longer loads is a difference).
fn differs(
    head: &crate::git::LazyGitVfs,
    disk: &crate::vfs::DiskVfs,
    rel: &Path,
    closed: bool,
    compare: impl FnOnce() -> Option<bool>,
) -> bool {
    let Ok(committed) = head.read(rel) else {
        return false;
    };
    match disk.read(rel) {
        Ok(now) if closed && *now.text == *committed.text => false,
        _ => compare().unwrap_or(true),
    }
}
