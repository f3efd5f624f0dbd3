//! A working-tree `check`: the checked files listed in `running` are
//! judged against what the cluster runs (git `HEAD`), and the world's
//! warnings printed once those versions are in place: a pinned
//! allocation's describe the version it runs, not the edit
//! ([`crate::world::settled_warnings`]).

use std::path::PathBuf;

use crate::diag::Diags;
use crate::world::World;

/// Put `HEAD`'s version of each of `files` listed in `running` in place,
/// and say on stderr what the world then is: its warnings (`load`, the
/// load's, as they now stand), the files whose earlier version cannot be
/// found, and the running files judged as the working tree or `HEAD` has
/// them.
pub(super) fn settle(world: &mut World, files: &[PathBuf], load: &Diags) {
    let unknown = crate::world::before::for_check(world, files);
    let now = crate::world::settled_warnings(load, &world.warnings);
    super::super::common::eprint_world_warnings(&now);
    for line in unknown {
        eprintln!("warning: {}", crate::escape::one_line(&line)); // a name is input (R26b-5)
    }
    // The other running files are judged as the working tree has them.
    for p in crate::world::work_tree::edited_running(world, files) {
        let text = crate::rules::config::path_text(&p);
        let a = crate::planner::assumed::running_from_work_tree(&text);
        eprintln!("note: {}", crate::escape::one_line(&a.line));
    }
    // Those that do not load are run as HEAD has them; a checked one's
    // own errors are its findings.
    for s in crate::world::stand_in::others(world, files) {
        let text = crate::rules::config::path_text(&s.path);
        let a = crate::planner::assumed::running_from_head(&text, s.why);
        eprintln!("note: {}", crate::escape::one_line(&a.line));
    }
}
