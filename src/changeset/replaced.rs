//! A protected job stopped because its file now defines another job (its
//! ID or namespace edited, or no job at all), not because the file was
//! deleted (redteam6 G7). `nomad job run` on the file registers the job it
//! defines now and leaves the old one running (Job.Register never
//! deregisters another ID, nomad/job_endpoint.go Register): the stop a
//! change-set plan shows happens only if someone runs `nomad job stop`.
//! Both gates refuse it in these words: `plan --changed --gate` (a policy
//! refusal) and `check --staged/--base` ([`STOPS_REPLACED`]). Deleting the
//! file stays a decision, not refused.

/// The code of `check`'s finding.
pub const STOPS_REPLACED: &str = "policy::stops-replaced";

/// The refusal's words: protected job `namespace`/`job_id` is stopped by
/// its file defining `now` (namespace, ID) or no job.
pub fn stops_replaced(namespace: &str, job_id: &str, now: Option<(&str, &str)>) -> String {
    let registers = match now {
        Some((ns, id)) => format!("registers {ns}/{id} and "),
        None => String::new(),
    };
    format!(
        "stops protected job {namespace}/{job_id} by no longer defining it (not by deleting its file): `nomad job run` on this file {registers}leaves {namespace}/{job_id} running, so the plan's stop happens only by `nomad job stop`"
    )
}
