//! A path named on `check`'s command line that Nomad's CLI cannot get: a
//! path that does not exist (a dangling link too), or a folder named as a
//! job file (`*.nomad`, `*.hcl`, `*.job`). `nomad job validate` and `nomad
//! job plan` refuse it in go-getter's words (`job_loader::getter`: exit 1
//! and 255), so `check` reports the same words as a definite finding
//! located at the path (`io::read`, exit 1), not a usage error: a typo in
//! a pre-commit hook's file list fails as Nomad would fail it, and the
//! other files are still checked. A folder named otherwise is walked
//! ("check everything under it"); what a walk meets (a dangling link, a
//! folder it cannot list) stays the walk's own `io::read` error.

use std::path::{Path, PathBuf};

use super::FileResult;
use crate::diag::Diag;
use crate::source::{Origin, SourceFile, Span};

/// Is `named` (a path from the command line) a job file Nomad's CLI cannot
/// get, in go-getter's words? `None` for a path it gets, or one it would
/// not take as a plain file (a URL: the caller's usage error).
pub fn refused(named: &Path) -> Option<String> {
    let missing = !named.exists();
    let job_folder = named.is_dir() && crate::changeset::is_job_candidate(named);
    if !missing && !job_folder {
        return None;
    }
    crate::job_loader::getter::cannot_get(named)
}

/// One result per path of [`refused`]'s: Nomad's words, located there.
pub fn results(paths: &[PathBuf]) -> Vec<FileResult> {
    paths
        .iter()
        .filter_map(|p| {
            let text = refused(p)?;
            Some(FileResult {
                path: p.clone(),
                diags: vec![diag(p, &text)],
                crashed: false,
            })
        })
        .collect()
}

fn diag(path: &Path, text: &str) -> Diag {
    let name = path.display().to_string();
    let at = SourceFile::new(Origin::Disk(path.to_path_buf()), name, "");
    Diag::error(
        "io::read",
        format!("Error getting job struct: {}", crate::escape::one_line(text)),
    )
    .at(&at, Span::new(0, 0), "")
    .help("Nomad's CLI cannot get this path, as `nomad job validate` and `nomad job plan` say: name a job file that exists (a folder is checked file by file unless its name is a job file's)")
}
