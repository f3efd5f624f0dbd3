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
            crate::gotext::humanize::bytes(size),
            crate::gotext::humanize::bytes(DEFAULT_MAX_SOURCE)
        )
    })
}
