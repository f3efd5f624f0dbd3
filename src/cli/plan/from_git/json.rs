//! `plan --changed --format json`: one document of every changed file's
//! plan, what the policy refuses in it and what it cannot tell.

use super::super::{changed, policy, view, PlanArgs};
use super::{stop_cause, GitSetup};
use crate::render;

/// `world` is the world gate's findings (`check::world_change`): the
/// world as the change leaves it, whose warnings are carried as the
/// base's are (`World`), in `WorldAsChanged`, not on stderr only.
pub(super) fn changed_json(
    args: &PlanArgs,
    setup: &GitSetup,
    judged: &[(changed::Entry, Vec<policy::Violation>)],
    notes: &[String],
    world: &[crate::diag::Diag],
) -> serde_json::Value {
    let plans: Vec<serde_json::Value> = judged
        .iter()
        .map(|(e, vs)| {
            let path = e.path.display().to_string();
            let sampled = match (&e.outcome, e.sampled.as_ref().and_then(|s| s.unseen)) {
                (changed::Outcome::Plan(p), Some(u)) if vs.is_empty() => {
                    policy::unseen_json(&p.job, &setup.world, u)
                }
                _ => serde_json::Value::Null,
            };
            let (plan, note, errors) = match &e.outcome {
                changed::Outcome::Plan(p) => {
                    let mut view = view(args, p, &path, &setup.world);
                    view.stop = stop_cause(e);
                    let mut plan = render::plan_json::plan_json(&view);
                    if let Some(pre) = plan.get_mut("Preflight").and_then(|v| v.as_object_mut()) {
                        super::super::notes::insert(pre, p);
                    }
                    (plan, serde_json::Value::Null, Vec::new())
                }
                changed::Outcome::Note(n) => {
                    (serde_json::Value::Null, n.clone().into(), Vec::new())
                }
                changed::Outcome::Invalid(d) => (
                    serde_json::Value::Null,
                    serde_json::Value::Null,
                    d.iter().map(|x| x.message.clone()).collect(),
                ),
            };
            // The policy's refusals, then `nomad job run`'s where the plan
            // is silent (an empty list read as an all-clear).
            let mut refused: Vec<String> = vs
                .iter()
                .filter(|v| !v.is_untold())
                .map(ToString::to_string)
                .collect();
            let mut run_untold = false;
            if let changed::Outcome::Plan(p) = &e.outcome {
                refused.extend(super::super::said::run_refusals(p, &setup.world));
                run_untold = p.result.retries_untold(p.job.job_type).is_some();
            }
            let mut v = serde_json::json!({
                "File": path,
                "Change": e.change.to_string(),
                "Stop": e.stops.json(),
                "After": e.after,
                "Plan": plan,
                "Note": note,
                "Errors": errors,
                "CannotTell": e.outcome.cannot_tell() || vs.iter().any(policy::Violation::is_untold) || run_untold,
                "LintExcluded": e.lint_excluded,
                "Refused": refused,
                "Policy": vs.iter().map(policy::Violation::json).collect::<Vec<_>>(),
                "Notices": e.notices.iter().map(policy::Notice::json).collect::<Vec<_>>(),
            });
            if !sampled.is_null() {
                v["PolicySampled"] = sampled;
            }
            v
        })
        .collect();
    let mut v = serde_json::json!({"Base": setup.range.base, "Plans": plans});
    if !setup.world.warnings.is_empty() {
        v["World"] = crate::world::guess::json(&setup.world.warnings);
    }
    let warned: Vec<crate::diag::Diag> = world
        .iter()
        .filter(|d| d.severity != crate::diag::Severity::Error)
        .cloned()
        .collect();
    if !warned.is_empty() {
        v["WorldAsChanged"] = crate::world::guess::json(&crate::diag::Diags(warned));
    }
    if !notes.is_empty() {
        v["Notes"] = notes.into();
    }
    v
}

/// What judging the change again in "default" (R21-A1: a job file naming
/// no namespace while the shell sets `NOMAD_NAMESPACE`) refuses and cannot
/// tell beyond the shell's namespace's judgement; `None` when it adds
/// nothing, so the document is unchanged where the shell sets none.
pub(super) fn in_default(refused: &[String], untold: &[String]) -> Option<serde_json::Value> {
    (!refused.is_empty() || !untold.is_empty())
        .then(|| serde_json::json!({"Refused": refused, "CannotTell": untold}))
}
