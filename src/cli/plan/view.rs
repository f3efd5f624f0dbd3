//! What a single plan shows besides the scheduler's result: the view's
//! options and the next periodic launch.

use super::{JobPlan, PlanArgs};
use crate::jobspec::Job;
use crate::render;

pub(in crate::cli) fn view<'a>(
    args: &PlanArgs,
    plan: &'a JobPlan,
    path: &'a str,
    world: &crate::world::World,
) -> render::plan::PlanView<'a> {
    let mut view = render::plan::PlanView::new(&plan.job, &plan.result, path, world.nomad_version);
    view.diff = Some(&plan.diff);
    view.verbose = args.verbose;
    view.show_diff = args.diff;
    view.check_index_args = args.vars.echo();
    view.namespace_flag = args.namespace.clone();
    view.next_periodic_launch = next_launch(&plan.job, args.now, world.nomad_version);
    view.modify_index_inferred =
        modify_index_inferred(&plan.job, plan.result.job_modify_index, world);
    view
}

/// `-json-output` (2.0.5+): Nomad's document on stdout; our warnings, and
/// the response fields the simulation does not fill, on stderr.
pub(in crate::cli) fn print_nomad_document(
    view: &render::plan::PlanView,
    plan: &JobPlan,
) -> Result<(), crate::diag::Diags> {
    let doc = render::plan_json::nomad_document(view)
        .map_err(|e| crate::diag::Diag::error("cli::json", e.to_string()))?;
    println!("{doc}");
    let warnings = [
        plan.admission.warning_text(),
        crate::planner::applier_warning(&plan.job, &plan.result),
    ];
    warnings.iter().flatten().for_each(|w| eprint!("{w}"));
    if let Some(gap) = render::plan_json_api::unknown_fields(view.result) {
        eprintln!("note: {gap}");
    }
    Ok(())
}

/// Is the plan's `Job Modify Index` the simulation's own numbering? A new
/// job's 0 is Nomad's too; a registered job's index is known only when the
/// world states it (rules/allocations.hcl `job "ID" { job_modify_index }`,
/// an import) and the plan still reads that one (a submission simulated
/// before this plan numbers its own).
fn modify_index_inferred(job: &Job, index: u64, world: &crate::world::World) -> bool {
    if index == 0 {
        return false;
    }
    let ns = if job.namespace.is_empty() {
        "default"
    } else {
        job.namespace.as_str()
    };
    let stated = world
        .pinned
        .as_ref()
        .and_then(|p| p.versions.get(&(ns.to_string(), job.id.clone())))
        .map(|ix| ix.job_modify_index);
    stated != Some(index)
}

/// `- If submitted now, next periodic launch would be at ...`: from `--now`
/// or the clock. When the launch cannot be known (a `Local` time zone, an
/// invalid spec) stderr says so instead of the line.
fn next_launch(
    job: &Job,
    now: Option<jiff::Timestamp>,
    version: crate::version::NomadVersion,
) -> Option<(String, crate::jobspec::Duration)> {
    let now = now.unwrap_or_else(jiff::Timestamp::now).as_second();
    match crate::periodic::next_launch(job, now, version) {
        Ok(next) => next.map(|n| (n.at, n.wait)),
        // A plan Nomad fails or never answers was settled before it got
        // here (planner::launch); only the line is unknown now.
        Err(e) => {
            eprintln!(
                "note: the next periodic launch is not shown: {}",
                crate::escape::one_line(&e.text())
            );
            None
        }
    }
}
