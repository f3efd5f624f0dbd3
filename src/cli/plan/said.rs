//! What a gate says of a plan besides Nomad's text and the policy's
//! violations: that `nomad job run` of it fails where Nomad's plan is
//! silent (the servers' refusal, `Admission::WillFail`; the plan
//! applier's rejection; `reject_job_registration`), and that how the run
//! ends cannot be told (`PlanResult::retries_untold`).
//!
//! Text said these (a warning section, stderr) and the exit code did, but
//! `plan FILE --gate --format markdown` of a type change `nomad job run`
//! refuses (NP222: `validateJobUpdate`, nomad/job_endpoint.go v2.0.5:232,
//! which `Job.Plan` never calls) printed a clean table, and `plan
//! --changed --format json` an empty `Refused`: a summary a reviewer or a
//! CI step reads as an all-clear. Every format now says each line, built
//! here once.

use super::changed::{Entry, Outcome};
use super::policy::Violation;
use super::JobPlan;
use crate::planner::Admission;
use crate::world::World;

/// What a gate refuses and cannot tell beyond the policy's violations
/// (which each format says per file), one line each, every line naming
/// its file.
#[derive(Debug, Clone, Default)]
pub struct Said {
    pub refused: Vec<String>,
    pub untold: Vec<String>,
}

impl Said {
    /// `Preflight.Gate` (`plan FILE`) and `Gate` (`plan --changed`): every
    /// line the gate refuses or cannot tell by, the policy's `also` first
    /// (`(refused, cannot tell)`), as stderr says them.
    pub fn json(&self, also: (Vec<String>, Vec<String>)) -> serde_json::Value {
        let (mut refused, mut untold) = also;
        refused.extend(self.refused.iter().cloned());
        untold.extend(self.untold.iter().cloned());
        serde_json::json!({"Refused": refused, "CannotTell": untold})
    }
}

/// What `nomad job run` of `plan` is refused by where the plan is silent,
/// one line each without the file: the servers' refusal of the
/// submission, the plan applier's rejection (where how its retries end
/// cannot be told, the line says so: still refused), and `world`'s
/// servers' `reject_job_registration` (a planned job is registered).
pub fn run_refusals(plan: &JobPlan, world: &World) -> Vec<String> {
    let mut out = Vec::new();
    if let Admission::WillFail { reason, .. } = &plan.admission {
        out.push(format!("submission will fail: {reason}"));
    }
    if let Some(l) = crate::planner::applier_line(&plan.job, &plan.result) {
        out.push(match plan.result.retries_untold(plan.job.job_type) {
            Some(_) => l,
            None => format!("submission will fail: {l}"),
        });
    }
    if plan.admission.is_scheduled() {
        if let Some(r) = crate::mutators::registration::refused(world) {
            out.push(format!("submission will fail: {}", r.line()));
        }
    }
    out
}

/// `plan FILE`'s lines of `plan` at `path` (made in `world`).
pub fn of_single(path: &str, plan: &JobPlan, world: &World) -> Said {
    Said {
        refused: run_refusals(plan, world)
            .into_iter()
            .map(|l| format!("{path} {l}"))
            .collect(),
        untold: plan
            .result
            .retries_untold(plan.job.job_type)
            .map(|l| format!("{path} {l}"))
            .into_iter()
            .collect(),
    }
}

/// The policy's lines of a judged change, one per violation, each naming
/// its file: its refusals, or (`untold`) what it cannot tell, which is
/// said apart (exit 255) and never as a refusal. The one place both the
/// shell's namespace's judgement and "default"'s build them.
pub fn policy_lines(judged: &[(Entry, Vec<Violation>)], untold: bool) -> Vec<String> {
    judged
        .iter()
        .flat_map(|(e, vs)| {
            vs.iter()
                .filter(move |v| v.is_untold() == untold)
                .map(move |v| format!("{} {v}", e.path.display()))
        })
        .collect()
}

/// `plan --changed`'s lines beyond the policy's violations: of `refused`
/// (every refusal) those the policy does not make, which each format says
/// per file; and what it cannot tell beyond them: each plan whose run's
/// end cannot be told, the judgement in "default"'s (`in_default`), a
/// world the change leaves invalid (`world_broken`, its line).
pub fn of_changed(
    judged: &[(Entry, Vec<Violation>)],
    refused: &[String],
    in_default: &[String],
    world_broken: Option<&str>,
) -> Said {
    let policy = policy_lines(judged, false);
    let mut untold: Vec<String> = judged
        .iter()
        .filter_map(|(e, _)| match &e.outcome {
            Outcome::Plan(p) => p
                .result
                .retries_untold(p.job.job_type)
                .map(|l| format!("{} {l}", e.path.display())),
            _ => None,
        })
        .collect();
    untold.extend(in_default.iter().map(|l| format!("cannot tell {l}")));
    untold.extend(world_broken.map(str::to_string));
    Said {
        refused: refused
            .iter()
            .filter(|r| !policy.contains(r))
            .cloned()
            .collect(),
        untold,
    }
}
