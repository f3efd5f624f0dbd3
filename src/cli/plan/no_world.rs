//! `plan --changed` with no world at the base: a change holding no job
//! file (and nothing of the world) has nothing to plan, and passes with
//! the answer of an empty change set; any other is "cannot tell"
//! (redteam6 G11). Refusing every commit, README edits included, made the
//! hook in a repository without a world one to switch off.

use std::path::PathBuf;

use super::{markdown, PlanArgs, PlanFormat};
use crate::changeset::{ChangeSet, Range};
use crate::diag::exit;

/// Does the change set `args` selects hold no job file and nothing under
/// the world folder ([`ChangeSet::holds_no_job`]), read as `plan
/// --changed` reads it? Anything that keeps it from telling (a read that
/// fails, a configuration refused) keeps the refusal.
pub(super) fn nothing_to_plan(args: &PlanArgs) -> Option<Range> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let root = crate::git::repo_root(&cwd)?;
    let range = Range::new(
        root.clone(),
        args.staged,
        args.base.as_deref(),
        args.head.as_deref(),
    );
    let mut set = ChangeSet::read(range.clone()).ok()?;
    let configs = range.configs().ok()?;
    set.configure_for_policy(&configs);
    let head = range.head_vfs().ok()?;
    crate::config::refuse_unread(head.as_ref(), &configs.head, &set.changed()).ok()?;
    let base = range.base_vfs().ok()?;
    let world = crate::cli::common::world_folder(
        &root,
        &cwd,
        args.world.as_deref(),
        &[head.as_ref(), &base],
    );
    // No world says which release reads the job files that may read a
    // touched file: the newest reads the most (HCL2's file functions).
    let loader = args
        .vars
        .loader(crate::version::NomadVersion::CURRENT, root);
    if !set.holds_no_job(&world, &loader).unwrap_or(false) {
        return None;
    }
    if let Some(note) = set.ignored_note() {
        eprintln!("{note}");
    }
    Some(range)
}

/// The pass: what `plan --changed` answers for a change set with no job
/// file, in the format asked for, with a note saying why no world was
/// needed.
pub(super) fn pass(args: &PlanArgs, range: &Range) -> i32 {
    eprintln!(
        "note: no world at {}, but this change holds no job file and nothing of the world: nothing to plan",
        crate::escape::one_line(&range.base)
    );
    let base = &range.base;
    let head = range.head.to_string();
    match args.format {
        PlanFormat::Text => {
            println!("==> no job file changed from {base} to {head}");
            println!(
                "==> 0 job file(s) changed from {base} to {head}: 0 change allocations, 0 do not, 0 invalid"
            );
        }
        PlanFormat::Markdown => print!(
            "{}",
            markdown::render(
                &[],
                base,
                &crate::world::Protected::default(),
                &super::said::Said::default()
            )
        ),
        PlanFormat::Json => {
            let v = serde_json::json!({"Base": base, "Plans": []});
            if let Ok(s) = crate::escape::json_pretty(&v) {
                println!("{s}");
            }
        }
    }
    exit::OK
}
