//! The request `nomad job plan` sends: the job with the Vault token and
//! the namespace the release puts in it, each saying on stderr where the
//! release handles them otherwise than the flags suggest.

use crate::job_loader::{with_namespace, RequestNamespace, RequestVaultToken};
use crate::jobspec::Job;

/// The job with the Vault token the plan command sends, and the note
/// saying so on stderr.
pub(in crate::cli) fn with_vault_token(job: Job, token: &RequestVaultToken) -> Job {
    let (job, note) = token.apply(job);
    if let Some(note) = note {
        eprintln!("{note}");
    }
    job
}

/// The job `nomad job plan` submits: a namespace the file writes, else the
/// request's where the release applies it; a line on stderr where it
/// does not.
pub(in crate::cli) fn in_request_namespace(
    job: Job,
    ns: &RequestNamespace,
    version: crate::version::NomadVersion,
) -> Job {
    if let Some(note) = ns.ignored_note(job.spans.written("namespace"), version) {
        eprintln!("{note}");
    }
    with_namespace(job, ns.for_unnamed_job())
}
