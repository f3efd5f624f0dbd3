//! The warnings Nomad's servers return beside a job for this cluster's
//! settings, not the file's (`plan` prints them under `Job Warnings:`):
//! `memory_max` while memory oversubscription is off (1.1+,
//! nomad/job_endpoint_hooks.go v1.7.7:496-520
//! `memoryOversubscriptionValidate`) and the Consul token deprecation
//! (1.7-1.9, `mutators::consul_token`). The front end reports the file's
//! own `Job.Warnings`; these need the world, so the rules pass adds them
//! beside those, under one front-end code (R17-53: `check` said nothing).

use super::{Finding, RuleContext};
use crate::diag::Diag;

/// Their code: a warning of the front-end catalogue, configured and
/// suppressed as the file's own Job Warnings are.
pub const CODE: &str = "jobspec::admission";

/// The admission warnings `plan` prints for this file's job, located. None
/// where `plan` prints none: a file with errors, or one the servers refuse.
pub(super) fn warnings(ctx: &RuleContext<'_>) -> Vec<Finding> {
    let Some(job) = ctx.admitted() else {
        return Vec::new();
    };
    if ctx.parsed.diags.has_errors() || !ctx.refusals().is_empty() {
        return Vec::new();
    }
    let world = ctx.world;
    let src = ctx.source();
    let mut out = Vec::new();
    if let Some(w) = crate::mutators::consul_token::warning(world, job) {
        let d = Diag::warning(CODE, w);
        out.push(
            match job.spans.label {
                Some(span) => d.at(src, span, "submitted with a Consul token flow"),
                None => d.in_source(src),
            }
            .help("give the job's Consul services and tasks workload identities"),
        );
    }
    for (t, text) in crate::planner::admission::memory_max_ignored(world, job) {
        let d = Diag::warning(CODE, text);
        let span = t.resources.spans.get("memory_max").or(t.spans.label);
        out.push(match span {
            Some(span) => d.at(src, span, "ignored: memory oversubscription is off"),
            None => d.in_source(src),
        }
        .help("turn it on (`nomad operator scheduler set-config -memory-oversubscription=true`, and `memory_oversubscription = true` in the world's `scheduler` block), or remove `memory_max`"));
    }
    out
}
