//! `nomad job run` output: check-index refusals and the evaluation monitor
//! (`command/job_run.go`, `command/monitor.go`).

use crate::scheduler::{RunError, RunOutcome};
use crate::version::NomadVersion;

use super::color::colorize;
use super::metrics::{failed_count, format_alloc_metrics};
use super::quote::go_quote;

/// Inputs of the monitor text beyond the run outcome.
#[derive(Debug, Clone)]
pub struct RunView<'a> {
    pub job_id: &'a str,
    pub outcome: &'a RunOutcome,
    pub version: NomadVersion,
    /// `-verbose`: full IDs instead of 8-character prefixes.
    pub verbose: bool,
    /// The job's type: how many plans the worker submits before it fails
    /// the evaluation, and whether it leaves a blocked one, are per type
    /// (said where the run's end cannot be told).
    pub job_type: crate::jobspec::JobType,
    /// The deployment the evaluation belongs to (service jobs with an update block).
    pub deployment_id: Option<&'a str>,
    /// Simulated clock reading printed before each line by monitors that
    /// timestamp (1.1+), already formatted (`2021-06-09T16:57:29-07:00`).
    /// Deterministic: one reading for the whole run.
    pub timestamp: Option<&'a str>,
}

/// stderr and exit code of a refused run.
pub fn render_run_error(err: &RunError) -> (String, i32) {
    match err {
        RunError::CheckIndex { given, message } => (
            format!("Enforcing job modify index {given}: {message}\nJob not updated\n"),
            1,
        ),
        RunError::Rejected(msg) => (format!("Error submitting job: {msg}\n"), 1),
    }
}

/// `Job Warnings:` and the register response's Warnings (command/job_run.go,
/// printed before the monitor); empty for none.
pub fn job_warnings(warnings: &str, color: bool) -> String {
    if warnings.is_empty() {
        return String::new();
    }
    colorize(
        &format!("[bold][yellow]Job Warnings:\n{warnings}[reset]\n\n"),
        color,
    )
}

/// `Error parsing check-index value "<v>": <err>`.
pub fn error_check_index_value(value: &str, err: &str) -> String {
    format!(
        "Error parsing check-index value {}: {err}\n",
        go_quote(value)
    )
}

fn limit(id: &str, verbose: bool) -> &str {
    if verbose {
        id
    } else {
        id.get(..8).unwrap_or(id)
    }
}

/// The monitor's stdout and the exit code (2 when placements failed).
///
/// Nomad prints allocation lines while iterating a Go map, so their order
/// varies between runs; we print them sorted by allocation ID.
pub fn render_run(view: &RunView, color: bool) -> (String, i32) {
    let o = view.outcome;
    let v = view.verbose;
    let stamp = |s: String| match (view.timestamp, view.version.at_least(1, 1, 0)) {
        (Some(ts), true) => format!("{ts}: {s}"),
        _ => s,
    };
    let info = |s: String| format!("==> {}\n", stamp(s));
    let output = |s: String| format!("    {}\n", stamp(s));
    let mut out = String::new();
    out.push_str(&info(format!(
        "Monitoring evaluation {}",
        go_quote(limit(&o.eval_id, v))
    )));
    out.push_str(&output(format!(
        "Evaluation triggered by job {}",
        go_quote(view.job_id)
    )));
    // A plan the servers' state store fails commits nothing, and the
    // evaluation is nacked until its delivery limit fails it, whose
    // follow-up evaluations the monitor then follows (nomad/worker.go,
    // nomad/leader.go `reapFailedEvaluations`, command/monitor.go
    // `NextEval`): what the monitor prints then is not simulated.
    if let Some(error) = &o.plan.error {
        out.push_str(&format!(
            "nomad-preflight cannot tell how the monitor goes on: Nomad's scheduler fails this evaluation's plan ({}), so the evaluation places nothing and fails once retried to its delivery limit\n",
            crate::escape::one_line(error)
        ));
        return (colorize(&out, color), monitor_code(view));
    }
    if let Some(dep) = view.deployment_id {
        out.push_str(&output(format!(
            "Evaluation within deployment: {}",
            go_quote(limit(dep, v))
        )));
    }
    // The applier rejected the plan at every attempt: in the model the
    // worker fails the evaluation ("maximum attempts reached",
    // scheduler/util.go `retryMax`), but whether Nomad's does depends on
    // what the model does not hold (plans of other evaluations committed
    // between the retries): the status is not printed as Nomad's, the
    // line says so, as `plan` does (rv17 4; stop 59 Left 3).
    if let Some(line) = o.plan.retries_untold(view.job_type) {
        out.push_str(&format!(
            "nomad-preflight: {}\n",
            crate::escape::one_line(&line)
        ));
        return (colorize(&out, color), monitor_code(view));
    }
    let mut placements: Vec<_> = o.plan.placements.iter().collect();
    placements.sort_by(|a, b| a.alloc.id.cmp(&b.alloc.id));
    for p in placements {
        let verb = if p.in_place { "modified" } else { "created" };
        out.push_str(&output(format!(
            "Allocation {} {verb}: node {}, group {}",
            go_quote(limit(&p.alloc.id, v)),
            go_quote(limit(&p.alloc.node_id, v)),
            go_quote(&p.alloc.task_group)
        )));
    }
    // An evaluation whose plan the applier rejected at every attempt was
    // said above (its end cannot be told); any other completes.
    let status = "complete";
    out.push_str(&output(format!(
        "Evaluation status changed: \"pending\" -> {}",
        go_quote(status)
    )));
    let failed = &o.plan.failed_tg_allocs;
    if failed.is_empty() {
        out.push_str(&info(format!(
            "Evaluation {} finished with status {}",
            go_quote(limit(&o.eval_id, v)),
            go_quote(status)
        )));
        return (colorize(&out, color), monitor_code(view));
    }
    out.push_str(&info(format!(
        "Evaluation {} finished with status {} but failed to place all allocations:",
        go_quote(limit(&o.eval_id, v)),
        go_quote(status)
    )));
    for (tg, m) in failed {
        let (n, noun) = failed_count(m);
        out.push_str(&output(format!(
            "Task Group {} (failed to place {n} {noun}):",
            go_quote(tg)
        )));
        for line in format_alloc_metrics(m, "  ", view.version).split('\n') {
            // Metric lines are Output calls too, but Nomad does not stamp them.
            out.push_str(&format!("    {line}\n"));
        }
    }
    if let Some(blocked) = &o.blocked_eval_id {
        out.push_str(&output(format!(
            "Evaluation {} waiting for additional capacity to place remainder",
            go_quote(limit(blocked, v))
        )));
    }
    (colorize(&out, color), monitor_code(view))
}

/// The monitor's exit code (command/monitor.go v0.9.3:273-329,
/// v2.0.5:242-322): 2 when placements failed; else 0. A run whose end
/// cannot be told (the scheduler's error, the applier's rejection at every
/// attempt, [`crate::scheduler::PlanResult::retries_untold`]) exits 255,
/// as `plan` does for it: neither Nomad's 0 for a failed evaluation nor
/// the 1 a deployment it never lets succeed would give.
pub fn monitor_code(view: &RunView) -> i32 {
    let plan = &view.outcome.plan;
    if plan.error.is_some() || plan.run_end_untold() {
        return crate::diag::exit::NOMAD_ERROR;
    }
    if !plan.failed_tg_allocs.is_empty() {
        return 2;
    }
    0
}
