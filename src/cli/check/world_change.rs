//! `check` of a change set that reaches the world (split from
//! cli/check.rs, no behaviour change).

use super::{usage, Selection};
use crate::changeset::ChangeSet;
use crate::check::FileResult;
use crate::diag::Diag;
use crate::job_loader::JobLoader;

/// A change set that reaches the world (a file under the world folder, or a
/// deleted file the world runs): the world as changed is validated (its
/// problems are findings of the change) and the changed job files are
/// judged against it as well.
pub(super) fn gate_world_change(
    sel: &Selection,
    set: &ChangeSet,
    base: &dyn crate::vfs::Vfs,
    loader: &JobLoader,
    judge: &crate::check::Judge<'_>,
    results: &mut Vec<FileResult>,
) -> Result<(), Diag> {
    let gated = crate::check::world_change::gate(judge.world, judge.sim, set)
        .map_err(|e| usage(format!("cannot read the changed world from git: {e}")))?;
    let Some((dir, change)) = gated else {
        return Ok(());
    };
    if let Some((head_world, head_sim)) = &change.head {
        // Its messages are that world's Nomad's, should the change move it.
        let _text = crate::gotext::scoped(head_world.nomad_version);
        let other = crate::check::Judge {
            world: head_world,
            sim: Some(head_sim),
            judging: judge.judging,
            threads: judge.threads,
            untrusted: judge.untrusted,
            namespace: judge.namespace,
            plain_sampling: judge.plain_sampling,
        };
        let again =
            crate::check::check_change_set(sel.vfs.as_ref(), set, base, loader, &other, None);
        crate::check::merge_other_world(
            results,
            again.results,
            "under the world as this change leaves it",
        );
    }
    results.push(FileResult {
        path: dir,
        diags: change.findings,
        crashed: false,
    });
    Ok(())
}
