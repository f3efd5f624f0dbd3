//! A change to a file the world runs, the world folder left alone. The
//! world's load checks its other files against the running jobs (a pinned
//! allocation of `rules/allocations.hcl` names a group the job has, two
//! files do not register one job), so an edit of a running job alone can
//! break the world: a group renamed leaves `allocations.hcl` naming one
//! the job no longer has, and every run after the merge fails. A gate
//! judges that on the state it names (the index, the head revision, the
//! working tree only where the working tree is the head), never on the
//! files of the checkout it runs in: the world as the change leaves it is
//! loaded through the change's head reader, and its load errors are the
//! change's findings. A world that still loads is left to the base's
//! judgment, as before (no second simulation for every running edit).

use std::path::{Path, PathBuf};

use super::WorldChange;
use crate::diag::Diag;
use crate::vfs::{normalize, Vfs};
use crate::world::World;

/// The code of the one line that says which running file broke the world.
pub const BREAKS_WORLD: &str = "check::running-edit-breaks-world";

/// The files of `changed` (paths from the repository's top) that `base`
/// runs, or that a running file was read through (a link on its way),
/// where the world's load checks its running jobs' contents: its pinned
/// allocations (`rules/allocations.hcl` names their jobs and groups, and
/// takes each one's fields from the version it runs). Two files defining
/// one job are the change set's own finding (`changeset::defined_twice`);
/// a world with nothing pinned is not loaded again (the hook's usual
/// commit edits a running job: no second world load on it).
pub fn running_changed(base: &World, changed: &[PathBuf]) -> Vec<PathBuf> {
    if base.pinned.is_none() {
        return Vec::new();
    }
    let running: Vec<PathBuf> = base
        .running
        .iter()
        .map(|r| normalize(&base.project_root.join(&r.path)))
        .collect();
    let runs = |p: &Path| running.iter().any(|r| r == p);
    let through = |p: &Path| {
        base.read_through
            .iter()
            .any(|t| runs(&normalize(&t.read)) && p.starts_with(&t.through))
    };
    changed
        .iter()
        .filter(|p| {
            let p = normalize(p);
            runs(&p) || through(&p)
        })
        .cloned()
        .collect()
}

/// The world at `world_dir` as `head` (the change's new version) holds
/// it, when it no longer loads: its errors, located in `head`'s files,
/// after one line naming the running files `edited`. When it loads, the
/// world's own warnings that `base` (the world judged against) does not
/// have: an edit of a running job's group can make a pinned allocation a
/// guess (a live one on a down client in a group that no longer replaces
/// it, `world::alloc-state`), which every plan after the merge reports,
/// and the gate said nothing of it. `None` when it loads with nothing
/// new, and when a running job's own file does not load there (its errors
/// are that file's findings already, judged as a changed job file).
pub fn judge(
    base: &World,
    head: &dyn Vfs,
    world_dir: &Path,
    edited: &[PathBuf],
) -> Option<WorldChange> {
    let diags = match crate::world::load(head, world_dir) {
        Ok((_, warnings)) => return new_warnings(base, &warnings),
        Err(diags) => diags,
    };
    if diags.iter().any(|d| d.code == "world::bad-running-job") {
        return None;
    }
    let files: Vec<String> = edited
        .iter()
        .map(|p| crate::escape::one_line(&crate::rules::config::path_text(p)))
        .collect();
    let dir = crate::escape::one_line(&world_dir.display().to_string());
    let mut findings = vec![Diag::error(
        BREAKS_WORLD,
        format!(
            "{} is listed in `running`, and the world as this change leaves it no longer loads: every run after the merge fails",
            files.join(", ")
        ),
    )
    .help(format!(
        "a running job's file is the version the world runs: change {dir}/ in the same change so it describes that version (allocations.hcl pins allocations by the running job's groups)"
    ))];
    findings.extend(diags.0);
    Some(WorldChange {
        findings,
        head: None,
    })
}

/// The world's own warnings of `warnings` (a running job's are its file's
/// findings) that `base` was not loaded with, as findings of the change.
fn new_warnings(base: &World, warnings: &crate::diag::Diags) -> Option<WorldChange> {
    let findings: Vec<Diag> = crate::world::guess::world_warnings(warnings)
        .0
        .into_iter()
        .filter(|d| !super::base_had(base, d))
        .collect();
    (!findings.is_empty()).then_some(WorldChange {
        findings,
        head: None,
    })
}
