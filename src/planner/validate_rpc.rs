//! What `nomad job validate` gets from the servers (the `Job.Validate` RPC,
//! nomad/job_endpoint.go), per version, beside the job's own validation:
//!
//! - the RPC itself can fail: from 0.10.0 when the job's namespace is not
//!   the request's (`namespace = ""`: the HTTP agent sends the job's empty
//!   namespace, and the request's reads as `default`), and when an
//!   admission mutator fails. The CLI then validates the job locally
//!   (command/job_validate.go `validateLocal`: Job.Validate alone, after
//!   printing [`LOCAL_VALIDATION`]), so what only the servers refuse passes;
//! - otherwise the admission validators' errors are Nomad's one list
//!   ([`admission::joined`]); before 1.3.0 they were only the Connect and
//!   expose-check hooks' (the namespace was the state store's to refuse,
//!   which validate never reaches).

use super::admission::{self, Admission, Joined};
use crate::cluster::State;
use crate::jobspec::Job;
use crate::world::World;

/// What `nomad job validate` prints (in bold yellow, on stdout, then an
/// empty line) when it validated the job locally.
pub const LOCAL_VALIDATION: &str =
    "Driver configuration not validated since connection to Nomad agent couldn't be established.";

/// The endpoints' error for `namespace = ""` (the request's namespace
/// first, then the job's).
pub const NAMESPACE_MISMATCH: &str = "mismatched request namespace in request: \"default\", \"\"";

/// Why the `Job.Validate` RPC fails for `job`, so that the CLI validates it
/// locally; `None` when the servers answer.
pub fn rpc_error(world: &World, state: &State, job: &Job) -> Option<String> {
    // The CLI's API client cannot encode the request: no server sees it
    // (command/job_validate.go:141-143 falls back to validateLocal alike).
    if let Some(error) = crate::jobspec::api_encode::unsent(job) {
        return Some(error);
    }
    if job.written_empty.namespace && world.nomad_version.at_least(0, 10, 0) {
        return Some(NAMESPACE_MISMATCH.to_string());
    }
    match admission::joined(world, state, job, Vec::new()) {
        Joined::Mutator(error) => Some(error),
        Joined::Errors(_) => None,
    }
}

/// What the servers' admission refuses of `job`, as messages, when they
/// answer (see the module's notes).
pub fn validate_errors(world: &World, state: &State, job: &Job) -> Vec<String> {
    if rpc_error(world, state, job).is_some() {
        return Vec::new();
    }
    match admission::joined(world, state, job, Vec::new()) {
        Joined::Errors(errors) => errors,
        Joined::Mutator(_) => Vec::new(),
    }
}

/// A job `nomad job validate` passes while its submission fails: our
/// warning, printed after Nomad's success text. The RPC failed and the CLI
/// validated locally, or (before 1.3.0) the namespace and Vault checks were
/// not validators.
pub fn unchecked_by_validate(world: &World, state: &State, job: &Job) -> Option<Admission> {
    let version = world.nomad_version;
    let admitted = admission::admit(world, state, job);
    if let Some(rpc) = rpc_error(world, state, job) {
        let local = format!("Nomad {version}'s `nomad job validate` validated this job locally");
        return match admitted {
            Admission::Admitted => None,
            Admission::WillFail { reason, scheduled } => Some(Admission::WillFail {
                reason: format!("{local} (the servers answered: {rpc}); {reason}"),
                scheduled,
            }),
            // The request never left the CLI: the plan and the run fail
            // with the same encoder error.
            Admission::Refused {
                error,
                by: admission::RefusedBy::Client,
                ..
            } => Some(Admission::WillFail {
                reason: format!("{local}, because its API client cannot send the job ({error}: an infinity in a `config` or `policy` map), and `nomad job plan` and `nomad job run` will fail the same way: `Error during plan: {error}`"),
                scheduled: false,
            }),
            // A failed mutator is the plan's error too.
            Admission::Refused { error, .. } if error == rpc => Some(Admission::WillFail {
                reason: format!("{local}, because the servers' admission fails it, but `nomad job plan` and `nomad job run` will fail: {error}"),
                scheduled: false,
            }),
            Admission::Refused { error, .. } => Some(Admission::WillFail {
                reason: format!("{local} (the servers answered: {rpc}), but `nomad job plan` and `nomad job run` will fail: {error}"),
                scheduled: false,
            }),
        };
    }
    if version.at_least(1, 3, 0) {
        return None;
    }
    match admitted {
        Admission::Admitted => None,
        Admission::WillFail { reason, scheduled } => Some(Admission::WillFail { reason, scheduled }),
        Admission::Refused { error, .. } => Some(Admission::WillFail {
            reason: format!(
                "Nomad {version}'s `nomad job validate` does not check this, but `nomad job plan` and `nomad job run` will fail: {error}"
            ),
            scheduled: false,
        }),
    }
}
