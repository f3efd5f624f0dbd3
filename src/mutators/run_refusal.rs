//! Refusals only `nomad job run` makes: `Job.Plan` never checks them, so
//! Nomad's plan is its usual text while the run that follows fails.
//!
//! - The HTTP agent's register handler (`jobUpdate` in
//!   command/agent/job_endpoint.go, 0.12.2+; absent at 0.12.1) refuses a
//!   system job any of whose groups has a `scaling` block, with a 400, before
//!   the job reaches a server. `jobPlan` and `ValidateJobRequest` do not.
//!   The text said "stanzas" until 949a6f60c7 (#15941) renamed them
//!   "blocks": 1.3.10, 1.4.5 and 1.5.0 (bisected over the tags).
//! - `Job.Register` (`doRegister` from 1.5) compares the job with the one the
//!   state store holds under its ID (`validateJobUpdate`,
//!   nomad/job_endpoint.go, identical checks v0.9.0 to v2.0.5): a type
//!   change, or a job becoming (or ceasing to be) periodic or parameterized,
//!   is an error the agent answers with 500. `Job.Plan` never calls it.
//!
//! The job the state holds is the running version the plan compares with
//! (a stopped job is still held; only a purge removes it).

use crate::jobspec::{Job, JobType};
use crate::version::NomadVersion;

/// The agent's refusal of a system job with group scaling, as `nomad job
/// run` prints it after `Error submitting job: `.
fn system_scaling(job: &Job, version: NomadVersion) -> Option<String> {
    if !version.at_least(0, 12, 2) || job.job_type != JobType::System {
        return None;
    }
    job.groups.iter().find(|g| g.scaling.is_some())?;
    let word = if version.has_since(&[
        NomadVersion::new(1, 3, 10),
        NomadVersion::new(1, 4, 5),
        NomadVersion::new(1, 5, 0),
    ]) {
        "blocks"
    } else {
        "stanzas"
    };
    Some(format!(
        "Unexpected response code: 400 (Task groups with job type system do not support scaling {word})"
    ))
}

/// `validateJobUpdate`'s error for `job` against `old`, the job the state
/// holds under its namespace and ID (none for a new job: a job file is
/// never dispatched).
fn update_error(old: Option<&Job>, job: &Job) -> Option<String> {
    let old = old?;
    if old.job_type != job.job_type {
        return Some(format!(
            "cannot update job from type \"{}\" to \"{}\"",
            old.job_type.as_str(),
            job.job_type.as_str()
        ));
    }
    let change = |was: bool, is: bool, what: &str| match (was, is) {
        (true, false) => Some(format!("cannot update {what} job to being non-{what}")),
        (false, true) => Some(format!("cannot update non-{what} job to being {what}")),
        _ => None,
    };
    change(old.periodic.is_some(), job.periodic.is_some(), "periodic").or_else(|| {
        change(
            old.parameterized.is_some(),
            job.parameterized.is_some(),
            "parameterized",
        )
    })
}

/// The first register-only refusal of `job` the servers of `version` make,
/// as `nomad job run` prints it after `Error submitting job: `, with what
/// to do about it.
pub fn agent_refusal(job: &Job, version: NomadVersion) -> Option<(String, &'static str)> {
    system_scaling(job, version).map(|e| {
        (
            e,
            "Remove the group `scaling` blocks of the system job (system jobs run one allocation per eligible client).",
        )
    })
}

/// [`update_error`] as `nomad job run` prints it, with what to do about it.
pub fn update_refusal(old: Option<&Job>, job: &Job) -> Option<(String, &'static str)> {
    update_error(old, job).map(|e| {
        (
            format!("Unexpected response code: 500 ({e})"),
            "Nomad keeps a job's type, and whether it is periodic or parameterized, for its lifetime: stop and purge the running job first (`nomad job stop -purge`), or give the new job another ID.",
        )
    })
}

/// What is said of a register-only `error`.
pub fn line(version: NomadVersion, error: &str) -> String {
    format!(
        "Nomad {version}'s plan does not check this, but `nomad job run` will fail: Error submitting job: {error}"
    )
}

/// The warning said after Nomad's plan: [`line`] and what to do.
pub fn reason(version: NomadVersion, error: &str, help: &str) -> String {
    format!("{}. {help}", line(version, error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_word_follows_the_rename_backports() {
        let v = NomadVersion::new;
        let job = |t| Job {
            job_type: t,
            ..Job::default()
        };
        assert_eq!(system_scaling(&job(JobType::System), v(2, 0, 5)), None);
        for (ver, word) in [
            (v(1, 3, 9), Some("stanzas")),
            (v(1, 3, 10), Some("blocks")),
            (v(1, 4, 4), Some("stanzas")),
            (v(1, 4, 5), Some("blocks")),
            (v(1, 5, 0), Some("blocks")),
            (v(0, 12, 2), Some("stanzas")),
            (v(0, 12, 1), None),
        ] {
            let mut j = job(JobType::System);
            j.groups.push(Default::default());
            j.groups[0].scaling = Some(Default::default());
            let got = system_scaling(&j, ver);
            assert_eq!(got.is_some(), word.is_some(), "{ver}");
            if let (Some(g), Some(w)) = (got, word) {
                assert!(g.ends_with(&format!("support scaling {w})")), "{ver}: {g}");
            }
            j.job_type = JobType::Service;
            assert_eq!(system_scaling(&j, ver), None);
        }
    }
}
