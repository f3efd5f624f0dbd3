//! What a release prints first when a job file or its var files do not
//! parse: jobspec2's order of the two (one list at 1.0.1, the var files'
//! refusal first from 1.0.6) and the releases that go on decoding after a
//! syntax error (1.0.2 until 1.2.6), which we do not follow.

use super::{hclsyntax, new_scope, parse, var_file, vars, Fence, LoadOptions, HCL2_UNREAD};
use crate::diag::{Diag, Diags};
use crate::source::Source;
use crate::vfs::Vfs;

/// From 1.0.6 jobspec2 returns a var file's parse error before the job
/// file's own (parse.go decode, #10569): the var files' refusal, when one
/// is refused, in place of `parse_error`.
pub(super) fn var_file_first(vfs: &dyn Vfs, src: &Source, opts: &LoadOptions) -> Option<Diags> {
    if opts.var_files.is_empty() || !opts.version.at_least(1, 0, 6) {
        return None;
    }
    let fence = Fence::of(vfs, src, opts);
    // Only the var files are read here: no function's path to note.
    let (opened, relative) = (std::cell::Cell::new(false), std::cell::Cell::new(false));
    let scope = new_scope(vfs, src, opts, &fence, &opened, &relative);
    let files = vars::read_var_files(&scope, opts);
    vars::var_files_refused(&files, src, opts).map(Diags::from)
}

/// A job file's syntax errors as jobspec2 of `opts.version` lists them:
/// hcl.Diagnostics.Error() (the first and a count) of the job file's, to
/// which 1.0.1 adds the var files' (parse.go decode: one list, the job
/// file's first); from 1.0.2 until 1.2.6 (1.0.18, 1.1.12) decode goes on
/// with the part it read, adding decodeBody's lines to them, which is not
/// followed: "cannot tell" then.
pub(super) fn parse_errors_as_listed(
    vfs: &dyn Vfs,
    src: &Source,
    opts: &LoadOptions,
    mut diags: Diags,
) -> Diags {
    let worded = !diags.is_empty() && diags.iter().all(hclsyntax::is_worded);
    if !worded || !opts.version.at_least(1, 0, 1) {
        return diags;
    }
    if parse::decodes_partial(opts.version) {
        let n = diags.len();
        diags.0.insert(
            0,
            Diag::error(
                HCL2_UNREAD,
                format!("cannot tell what Nomad {} makes of this file: hclsyntax refuses it ({n} diagnostic(s) nomad-preflight words; the first: {}), and this release's jobspec2 still decodes the part it read (parse.go decode from 1.0.2, before the early return of 1.0.18, 1.1.12 and 1.2.6), printing every diagnostic one a line, the syntax errors' and then the decoding's of that part, which nomad-preflight does not follow", opts.version, crate::escape::one_line(&diags.0[0].message)),
            )
            .in_source(src)
            .help("fix the syntax errors below, or judge the file as a release from 1.2.6 (1.0.18, 1.1.12), which returns at them"),
        );
        return diags;
    }
    if opts.var_files.is_empty() {
        return diags;
    }
    // 1.0.1: the var files' diagnostics join the list, after the job file's.
    let fence = Fence::of(vfs, src, opts);
    // Only the var files are read here: no function's path to note.
    let (opened, relative) = (std::cell::Cell::new(false), std::cell::Cell::new(false));
    let scope = new_scope(vfs, src, opts, &fence, &opened, &relative);
    let files = vars::read_var_files(&scope, opts);
    match var_file::listed(&files) {
        Some(lines) => diags.0.extend(lines.into_iter().map(|line| {
            Diag::error(hclsyntax::VAR_FILE_LISTED, line)
                .in_source(src)
                .help("a var file's diagnostic: Nomad 1.0.1 counts it in `and N other diagnostic(s)` after the job file's")
        })),
        None => diags.0.extend(vars::var_files_refused(&files, src, opts)),
    }
    diags
}
