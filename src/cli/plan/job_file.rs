//! `nomad-preflight plan` of a job file that does not load: Nomad's text
//! and our diagnostics (split from cli/plan.rs, no behaviour change).

use std::path::Path;

use super::{print_exit, with_namespace, PlanArgs};
use crate::cli::common::{self, ColorArgs};
use crate::cli::untold;
use crate::diag::exit;
use crate::jobspec;
use crate::render;
use crate::scheduler::Simulation;

/// A job file that does not load: Nomad's own text for the version on
/// stderr (`Error getting job struct: ...` or `Error during plan: ...`,
/// the servers' admission refusals in the same list), then our located
/// diagnostics; exit 255 as Nomad's plan does. `-namespace` applies to the
/// job the servers judge, as to a job that loads.
pub(super) fn fail_job_file(
    parsed: &jobspec::ParsedJob,
    file: &Path,
    version: crate::version::NomadVersion,
    (sim, namespace): (Option<&Simulation>, Option<&str>),
    args: &PlanArgs,
    color: &ColorArgs,
) -> i32 {
    let renamed;
    let judged = match (namespace, &parsed.job) {
        (Some(_), Some(job)) => {
            renamed = jobspec::ParsedJob {
                job: Some(with_namespace(job.clone(), namespace)),
                ..parsed.clone()
            };
            &renamed
        }
        _ => parsed,
    };
    let servers = sim.map(|s| (&*s.world, &s.state));
    let path = file.display().to_string();
    let refusal = render::job_file_error::refusal(judged, &path, version, servers);
    let nomad = render::job_file_error::plan_text(&refusal, version);
    // Nomad's text names the file and quotes input: no control sequence
    // of theirs reaches the terminal (the JSON below keeps the text as is).
    eprint!("{}", crate::escape::terminal(&nomad));
    // Tools read stdout: the refusal is there too, Nomad's text (or, where
    // Nomad's list is not known, why, as for a job that loads) and our
    // diagnostics, the map-order advice among them.
    let mut fields = serde_json::Map::new();
    let (line, cannot_tell) = match &refusal {
        render::job_file_error::Refusal::CannotTell {
            line,
            key,
            json,
            refused,
        } => {
            fields.insert((*key).into(), json.clone());
            let line = render::job_file_error::untold_line(line, *refused);
            (format!("error: {}", crate::escape::one_line(&line)), true)
        }
        _ => (nomad.trim_end().to_string(), false),
    };
    fields.insert(
        "Diagnostics".into(),
        untold::diagnostics_json(&parsed.diags, untold::Keys::Pascal),
    );
    print_exit(args, untold::PlanExit::new(line, cannot_tell, fields));
    common::eprint_diags(&parsed.diags, color.stderr());
    exit::NOMAD_ERROR
}
