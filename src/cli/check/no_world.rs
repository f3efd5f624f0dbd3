//! `check --staged/--base` with no world at the base: a change holding no
//! job file (and nothing of the world) has nothing to judge, and passes
//! with the report of an empty change set; any other is "cannot tell"
//! (redteam6 G11). Refusing every commit, README edits included, made the
//! hook in a repository without a world one to switch off.

use std::path::Path;

use super::{CheckArgs, Selection};
use crate::diag::{exit, Diags};
use crate::job_loader::JobLoader;
use crate::report;

/// Does the selected change set hold no job file and nothing under the
/// world folder ([`crate::changeset::ChangeSet::holds_no_job`])? Then the
/// files its report counts (its candidates, each skipped: not a job
/// file). Anything that keeps it from telling (a selection or a read that
/// fails) keeps the refusal.
pub(super) fn nothing_to_judge(
    args: &CheckArgs,
    cwd: &Path,
    selected: Result<Selection, Diags>,
) -> Option<report::Files> {
    let Ok(Selection {
        set: Some(mut set),
        files,
        ..
    }) = selected
    else {
        return None;
    };
    let root = set.range.root.clone();
    let world = crate::cli::common::world_folder(&root, cwd, args.world.as_deref());
    // No world says which release reads the job files that may read a
    // touched file: the newest reads the most (HCL2's file functions).
    let loader = JobLoader::from_flags(
        &args.vars,
        &args.var_files,
        crate::version::NomadVersion::CURRENT,
        root,
    );
    if !set.holds_no_job(&world, &loader).unwrap_or(false) {
        return None;
    }
    if let Some(note) = set.ignored_note() {
        eprintln!("{note}");
    }
    Some(report::Files {
        checked: 0,
        skipped: files.len(),
    })
}

/// The pass: an empty run's report (in the format asked for), with a note
/// saying why no world was needed.
pub(super) fn pass(args: &CheckArgs, files: report::Files, color: bool) -> i32 {
    eprintln!(
        "note: no world at {}, but this change holds no job file and nothing of the world: nothing to judge",
        crate::escape::one_line(args.base.as_deref().unwrap_or("HEAD"))
    );
    super::print_report(args, &[], files, color);
    exit::OK
}
