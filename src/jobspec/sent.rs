//! A loaded job as the servers' endpoints see it: the errors their
//! `Job.Validate` reports, and the job `nomad job validate` sends (split
//! from jobspec/mod.rs, no behaviour change).

use super::{validate, Job, ParsedJob};
use crate::diag::{Diag, Diags};
use crate::source::Source;
use crate::version::NomadVersion;

/// The errors of a loaded job that Nomad's servers report (`Job.Validate`,
/// run by the Plan and Validate endpoints), as opposed to those its CLI's
/// job parser reports before anything is sent (`Error getting job struct`).
pub fn validation_errors(
    job: &Job,
    src: &Source,
    version: NomadVersion,
    edition: Option<crate::version::Edition>,
) -> Diags {
    let mut d = Diags::new();
    validate::validate(job, src, version, edition, &mut d);
    d.0.retain(Diag::is_error);
    d
}

/// The job as `nomad job validate` sends it: from 0.9.5 the HTTP agent
/// gives a plan or a run without a region its own (`agent_region`), but not
/// a validation, so an explicit `region = ""` reaches Job.Validate empty
/// (`Missing job region`). The load judged it as a plan: its new
/// validation errors join the diagnostics, in file order.
pub fn as_sent_to_validate(parsed: &mut ParsedJob, version: NomadVersion) {
    let Some(job) = parsed.job.as_mut() else {
        return;
    };
    if !job.written_empty.region || job.region.is_empty() {
        return;
    }
    job.region.clear();
    let added: Vec<Diag> = validation_errors(job, &parsed.source, version, parsed.edition)
        .0
        .into_iter()
        .filter(|d| {
            !parsed
                .diags
                .iter()
                .any(|e| e.message == d.message && e.primary_span() == d.primary_span())
        })
        .collect();
    parsed.diags.0.extend(added);
    parsed
        .diags
        .0
        .sort_by_key(|d| (d.source.is_none(), d.primary_span().map(|s| s.start)));
}

/// Whether a file that has errors has only the servers' (`Job.Validate`'s):
/// Nomad's CLI then sends the job, and the servers' admission judges it
/// whole, its other refusals in the same list. False when the CLI's own
/// job parser refuses it (nothing is sent), and for a file without errors.
pub fn refused_by_servers_only(parsed: &ParsedJob, version: NomadVersion) -> bool {
    let Some(job) = &parsed.job else {
        return false;
    };
    let mut errors = parsed.diags.iter().filter(|d| d.is_error()).peekable();
    if errors.peek().is_none() {
        return false;
    }
    let server = validation_errors(job, &parsed.source, version, parsed.edition);
    errors.all(|d| {
        server
            .iter()
            .any(|s| s.message == d.message && s.primary_span() == d.primary_span())
    })
}

/// The same errors as Nomad's servers word, nest and order them: the
/// items of the multierror `nomad job validate` and `plan` print.
pub fn nomad_validation_errors(
    job: &Job,
    src: &Source,
    version: NomadVersion,
    edition: Option<crate::version::Edition>,
) -> Vec<String> {
    let mut d = Diags::new();
    validate::validate(job, src, version, edition, &mut d)
        .iter()
        .map(|e| e.render(version))
        .collect()
}
