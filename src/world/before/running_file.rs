//! `--running FILE`: the version the cluster runs of the planned job,
//! named by the user, and the refusal when it is another job.

use std::path::Path;

use crate::diag::{Diag, Diags};
use crate::job_loader::JobLoader;
use crate::jobspec::Job;
use crate::source::Source;

/// The job `--running FILE` defines, and its text (for a located
/// diagnostic).
pub(super) fn load_file(path: &Path, loader: &JobLoader) -> Result<(Job, Source), Diags> {
    // --running FILE is named by the user: readable even outside the project.
    let parsed = loader.load(&loader.working_tree(&[path]), path);
    match parsed.job {
        Some(job) if !parsed.diags.has_errors() => Ok((job, parsed.source)),
        _ => {
            let mut d = parsed.diags;
            d.push(
                Diag::error(
                    "cli::running",
                    format!("--running {} does not load", path.display()),
                )
                .help("--running takes the job file the cluster runs now"),
            );
            Err(d)
        }
    }
}

/// `--running OLD` defines another job than the planned file. Nomad plans
/// the file against the job registered under the file's own namespace and
/// ID, never against OLD, so no plan read with OLD as the before is
/// Nomad's: refused, naming both jobs and what Nomad compares with.
/// `runs` is the world's `running` entry for the planned job, if any.
pub(super) fn other_job(
    old: &Path,
    old_job: &Job,
    source: &Source,
    planned: &Path,
    job: &Job,
    runs: Option<&Path>,
) -> Diag {
    let same_ns = old_job.namespace == job.namespace;
    let name = |j: &Job| match same_ns {
        true => format!("job {:?}", j.id),
        false => format!("job {:?} in namespace {:?}", j.id, j.namespace),
    };
    let against = match runs {
        Some(p) => format!(
            "against the registered {:?} (the world runs {})",
            job.id,
            p.display()
        ),
        None => format!(
            "as a new job (the world runs no {:?} in namespace {:?})",
            job.id, job.namespace
        ),
    };
    // The namespace line when only it differs and OLD writes one; else
    // the job's label.
    let span = match old_job.id == job.id {
        true => old_job.spans.get("namespace"),
        false => None,
    }
    .or(old_job.spans.label)
    .or(old_job.spans.block);
    let message = format!(
        "--running {} defines {}, the planned file {} {}: Nomad plans {:?} {against}",
        old.display(),
        name(old_job),
        planned.display(),
        name(job),
        job.id,
    );
    let help = "--running takes the version the cluster runs of the planned file's own job (the same namespace and job ID): pass that job's file, or leave --running out";
    let d = Diag::error("cli::running", message).help(help);
    match span {
        Some(span) => d.at(source, span, name(old_job)),
        None => d.in_source(source),
    }
}
