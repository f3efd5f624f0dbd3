//! What `nomad job run` prints under `Job Warnings:` (command/job_run.go,
//! v0.9.3-v2.0.5: the register response's Warnings, before the monitor).
//! Job.Register returns the same admission warnings a plan returns (one
//! list: `planner::admission::warnings`; Nomad orders the mutators' before
//! the validators' there and after them in a plan, and none of the warnings
//! modelled is a mutator's), then, from 1.6.0, its submission controller's
//! (nomad/job_endpoint_hooks.go `submissionController`): a job source
//! larger than the servers' `job_max_source_size` is discarded with
//! `job source size of X exceeds maximum of Y and will be discarded`
//! (go-humanize's SI `Bytes`). The world does not state that setting: the
//! agent's default, `1M` (humanize.ParseBytes: 1,000,000 bytes), is
//! assumed, as for every server setting a world leaves out.

use crate::jobspec::Job;
use crate::world::World;

/// The agent's default `job_max_source_size` (command/agent/config.go).
const DEFAULT_MAX_SOURCE: u64 = 1_000_000;

/// The `Warnings` text of registering `job` (empty for none).
pub fn warnings(world: &World, job: &Job) -> String {
    let version = world.nomad_version;
    let mutated = crate::mutators::applied(job, version, &world.server);
    let mut list = crate::planner::admission::warnings(world, &mutated);
    if let Some(w) = source_size(job, version) {
        list.push(w);
    }
    crate::planner::admission::warnings_text(&list)
}

/// The submission controller's warning (1.6+): the source (no variables:
/// a rehearsal's commands pass none) over the maximum.
fn source_size(job: &Job, version: crate::version::NomadVersion) -> Option<String> {
    let size = job.source.0.as_ref()?.text.len() as u64;
    (version.at_least(1, 6, 0) && size > DEFAULT_MAX_SOURCE).then(|| {
        format!(
            "job source size of {} exceeds maximum of {} and will be discarded",
            si_bytes(size),
            si_bytes(DEFAULT_MAX_SOURCE)
        )
    })
}

/// go-humanize's `Bytes` (v1.0.1, bytes.go humanateBytes): SI units, the
/// exponent from `floor(ln n / ln 1000)`, rounded to a tenth, one decimal
/// under 10.
fn si_bytes(n: u64) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    if n < 10 {
        return format!("{n} B");
    }
    let x = n as f64;
    let e = (x.ln() / 1000f64.ln()).floor().clamp(0.0, 6.0);
    let val = (x / 1000f64.powf(e) * 10.0 + 0.5).floor() / 10.0;
    let unit = UNITS[e as usize];
    if val < 10.0 {
        format!("{val:.1} {unit}")
    } else {
        format!("{val:.0} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_as_go_humanize_writes_them() {
        assert_eq!(si_bytes(1), "1 B");
        assert_eq!(si_bytes(33), "33 B");
        assert_eq!(si_bytes(1_000_000), "1.0 MB");
        assert_eq!(si_bytes(1_234_567), "1.2 MB");
        assert_eq!(si_bytes(12_345_678), "12 MB");
        assert_eq!(si_bytes(999_999), "1000 kB");
    }
}
