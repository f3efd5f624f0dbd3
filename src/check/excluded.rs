//! What `check` reports of a changed file `.nomad-preflight.hcl`'s
//! `exclude` leaves out (R21-A3). `exclude` is a lint setting: it skips
//! the file's own findings, never its place in the change. The deploy
//! submits the file all the same, so it is a step of the change set
//! (loaded, with and without the shell's `NOMAD_VAR_*`, and applied before
//! the later files are judged), as `plan --changed` plans it: a 400 MB
//! job in legacy/ left svc/web.nomad's NP207 out of `check` where Nomad
//! fails the placement (AllocsFit, nomad/structs/funcs.go v2.0.5:142).
//! What such a file keeps is what it does to the cluster, which no lint
//! setting may silence: the refusal of a copy of a protected job
//! (`policy::defined-twice`, R19-C-2) and a change set's "cannot tell"
//! (which job it submits is not known, R21-A2).

use super::FileResult;
use crate::changeset::{ChangeSet, CANNOT_TELL, PROTECTED_DEFINED_TWICE};

/// Drop from `results` each excluded file's findings but the gate's own.
pub(super) fn keep_gate_findings(set: &ChangeSet, results: &mut Vec<FileResult>) {
    let gate = |code: &str| code == PROTECTED_DEFINED_TWICE || code == CANNOT_TELL;
    results.retain_mut(|r| {
        if !set.lint_excludes(&r.path) {
            return true;
        }
        r.diags.retain(|d| gate(&d.code));
        // A crash in its lint is no verdict on the change.
        r.crashed = false;
        !r.diags.is_empty()
    });
}
