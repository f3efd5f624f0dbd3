//! A changed file's new version as the change set's steps take it.

use std::sync::Arc;

use crate::jobspec::{self, Job};

/// A changed file's new version, as far as the change set needs it.
#[derive(Debug, Clone)]
pub enum NewVersion {
    /// Shared with the step that submits it ([`super::Action::Submit`]): a copy
    /// of the job there was ~1.4% of a `check --staged`.
    Job(Arc<Job>),
    /// A job file that does not load (its errors are the consumer's).
    Invalid,
    /// A job file whose job the shell's `NOMAD_VAR_*` change: what the
    /// deploy submits is not known ([`super::shell_vars`]). Its one line.
    Untold(Box<crate::diag::Diag>),
}

impl NewVersion {
    /// From a parsed file: the job when it loaded without errors.
    pub fn of(parsed: &jobspec::ParsedJob) -> NewVersion {
        match &parsed.job {
            Some(job) if !parsed.diags.has_errors() => NewVersion::Job(Arc::new(job.clone())),
            _ => NewVersion::Invalid,
        }
    }
}
