//! The front end's errors as `check` marks them.

use crate::rules::{self, Finding};

/// The front end's errors as `check` reports them. One whose code says
/// Nomad's answer is not known here
/// ([`rules::frontend::FrontEndCode::cannot_tell`]) makes `plan` and
/// `validate` say one "cannot tell" line for the whole file (exit 255), and
/// so `check` marks every error of the file "cannot tell" (exit 2), not a
/// definite refusal (exit 1): the others may follow from it (an evaluation
/// past its budget leaves the task without its driver). A file that cannot
/// be read is marked where it is read ([`load_file`]).
pub(crate) fn front_end_marked(diags: &mut [Finding]) {
    let untold = |d: &Finding| rules::frontend::find(&d.code).is_some_and(|c| c.cannot_tell);
    if !diags.iter().any(|d| d.is_error() && untold(d)) {
        return;
    }
    for d in diags
        .iter_mut()
        .filter(|d| d.is_error() && !d.code.starts_with("io::"))
    {
        d.cannot_tell = true;
    }
}
