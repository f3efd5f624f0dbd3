//! How a job file changed, as a plan's header names it, and the error for
//! a changed file that cannot be read.

use std::path::{Path, PathBuf};

/// How a job file changed, as the header of its plan says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    Added,
    Modified,
    /// The file is gone: its job is stopped.
    Deleted,
    Renamed {
        from: PathBuf,
    },
    /// The file now defines another job (or none): the job it defined is stopped.
    JobReplaced,
    /// The file's text did not change but it reads `file`, which did
    /// (`file()`, `fileset()`, ...): what Nomad would be given changed.
    Reads {
        file: PathBuf,
    },
}

impl std::fmt::Display for FileChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileChange::Added => f.write_str("added"),
            FileChange::Modified => f.write_str("modified"),
            FileChange::Deleted => f.write_str("deleted"),
            FileChange::Renamed { from } => write!(f, "renamed from {}", from.display()),
            FileChange::JobReplaced => f.write_str("no longer defines this job"),
            FileChange::Reads { file } => write!(f, "reads {}, which changed", file.display()),
        }
    }
}

/// The error for a changed file whose new version cannot be read: it fails
/// the run, never drops out of it. A file git lists that the working tree
/// lacks is one a sparse checkout left out (git compares its index entry).
pub fn unreadable(path: &Path, e: &std::io::Error) -> crate::diag::Diag {
    let d = crate::diag::unreadable(path, e);
    if crate::git::is_missing_object(e) {
        return d.help(crate::git::MISSING_OBJECT_HELP);
    }
    if e.kind() == std::io::ErrorKind::NotFound {
        return d.help("git lists this file as changed but the working tree does not hold it (a sparse checkout leaves it out?): widen the checkout (`git sparse-checkout add`), or compare revisions with `--head HEAD`");
    }
    d
}
