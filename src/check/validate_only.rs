//! Job files with no world to judge them against (`check --pre-commit`
//! under `pre-commit run --all-files` in a repository without one): each
//! is still loaded and validated, as `nomad job validate` refuses it, but
//! no rule runs. Every rule reads the world (its cluster, namespaces,
//! quotas, policy): judged against none, they would pass or refuse on
//! nothing.

use std::path::PathBuf;

use super::{load_files, Checked, FileResult, Loaded};
use crate::job_loader::JobLoader;
use crate::vfs::Vfs;

/// Load `files` as [`super::check_paths`] does and keep each job file's
/// errors (Nomad's refusals, a file that cannot be read, a load that
/// crashed); the files that are no job files are listed apart, skipped.
pub fn validate_paths(
    vfs: &dyn Vfs,
    files: &[PathBuf],
    loader: &JobLoader,
    threads: crate::Workers,
) -> Checked {
    let (loaded, skipped) = load_files(vfs, files, loader, threads, crate::diag::unreadable);
    let results = loaded
        .into_iter()
        .map(|(path, l)| match l {
            Loaded::Job(parsed) => {
                let mut diags: Vec<_> = parsed
                    .diags
                    .iter()
                    .filter(|d| d.is_error())
                    .cloned()
                    .collect();
                super::front_end_marked(&mut diags);
                FileResult {
                    path,
                    diags,
                    crashed: false,
                }
            }
            Loaded::Failed { diag, crashed } => FileResult {
                path,
                diags: vec![diag],
                crashed,
            },
        })
        .collect();
    Checked { results, skipped }
}
