//! The job a changed file defined at the base: what a deleted or
//! renamed-away file stops, and what a modified one may no longer define.
//!
//! A job file whose base version does not give a job (invalid HCL, a
//! variable it needs unset, unreadable, a Git LFS pointer, a checkout a
//! filter writes) defined some job all the same as far as the gate knows:
//! Nomad may run it (from a working copy, another revision, a `-var`).
//! Deleting or moving such a file planned no stop and said nothing, a
//! false all-clear; it is "cannot tell" ([`CANNOT_TELL`]) instead.

use std::borrow::Cow;
use std::path::Path;

use crate::diag::Diag;
use crate::job_loader::JobLoader;
use crate::jobspec::{self, Job};
use crate::vfs::Vfs;
use crate::world::RunningJob;

/// The code of a change set's "cannot tell": a gate cannot know what the
/// change stops (`-cannot-tell`, counted and exited on as the others).
pub const CANNOT_TELL: &str = "changeset::cannot-tell";

/// What a file held at the base.
// Returned once per changed file and matched at once, as the
// `Option<Cow<Job>>` it replaces was: boxing would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub(super) enum BaseJob<'j> {
    /// A job that loads without errors.
    Job(Cow<'j, Job>),
    /// No job file there (a variables file, a world file): nothing to stop.
    NotAJob,
    /// A job file whose job is not known, and why.
    Unknown(Unknown),
}

/// Why the job a base version defines is not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    /// Reading it failed (the error's words).
    Unreadable(String),
    /// Its blob is a Git LFS pointer: the checkout held the object.
    LfsPointer,
    /// Its checkout is written by a filter or an encoding not followed here.
    Rewritten,
    /// It does not load: its first error.
    Invalid(String),
}

impl Unknown {
    fn words(&self) -> String {
        match self {
            Unknown::Unreadable(e) => format!("it cannot be read there ({e})"),
            Unknown::LfsPointer => "it is a Git LFS pointer there, and what a checkout wrote for it is not read here".into(),
            Unknown::Rewritten => "its checkout there is written by a .gitattributes `filter` or `working-tree-encoding`, which is not followed here".into(),
            Unknown::Invalid(e) => format!("its version there does not load ({e})"),
        }
    }

    /// The gate's one line for `path` at `base`.
    pub fn diag(&self, path: &Path, base: &str) -> Diag {
        Diag::error(
            CANNOT_TELL,
            format!(
                "cannot tell which job {} defined at {}: {}, so whether this change stops a running job is unknown",
                crate::escape::one_line(&path.to_string_lossy()),
                crate::escape::one_line(base),
                crate::escape::one_line(&self.words()),
            ),
        )
        .help("make the file load at its old path in a commit of its own first, then delete or move it; or check on the cluster (`nomad job status`) what it ran")
        .as_cannot_tell()
    }
}

/// The job `path` defines at the base (`vfs`), by the test a gate chooses
/// job files by: a file `named` a job file whatever its text (`*.nomad`,
/// `*.job`, included, taken by its text: [`super::ChangeSet::named_job`]),
/// or one whose text is a job's. A job of `known` is taken when that is
/// what its text loads to.
pub(super) fn base_job<'j>(
    vfs: &dyn Vfs,
    path: &Path,
    named: bool,
    loader: &JobLoader,
    known: &'j [RunningJob],
) -> BaseJob<'j> {
    // The blob is not what a checkout gave Nomad: its text proves nothing.
    if vfs.checkout_rewrite(path).is_some() {
        return BaseJob::Unknown(Unknown::Rewritten);
    }
    let source = match vfs.read(path) {
        Ok(s) => s,
        Err(e) => return BaseJob::Unknown(Unknown::Unreadable(e.to_string())),
    };
    if crate::git::is_lfs_pointer(source.text.as_bytes()) {
        return BaseJob::Unknown(Unknown::LfsPointer);
    }
    if !named && !jobspec::is_job_file(&source.text) && !jobspec::utf16::is_job(&source.text) {
        return BaseJob::NotAJob;
    }
    if let Some(job) = loader.known_source(&source, known.iter().map(|r| &r.job)) {
        return BaseJob::Job(Cow::Borrowed(job));
    }
    let parsed = loader.load_job_source(vfs, source);
    // Moved out rather than through NewVersion::of, which copies the job.
    match parsed.job {
        Some(job) if !parsed.diags.has_errors() => BaseJob::Job(Cow::Owned(job)),
        _ => {
            let first = parsed
                .diags
                .iter()
                .find(|d| d.is_error())
                .map(|d| d.message.clone())
                .unwrap_or_else(|| "no job block".into());
            BaseJob::Unknown(Unknown::Invalid(first))
        }
    }
}
