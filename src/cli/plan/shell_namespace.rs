//! `plan --changed` judged where a job file that names no namespace lands
//! (R21-A1), as `check`'s change sets are (`crate::check`'s
//! `shell_namespace`, which says why with Nomad's sources): with the
//! shell's `NOMAD_NAMESPACE` set off "default", the plans shown are made in
//! it, as `nomad job plan` in this shell sends them, and the change is
//! planned again with none, as a deploy whose environment sets none sends
//! it. What that second judgement refuses is refused, and what it cannot
//! tell is cannot tell, each line naming the namespace; it prints no plan.

use super::changed::{self, Entry, Outcome};
use super::policy::{self, Violation};
use crate::diag::{Diag, Diags};
use crate::job_loader::RequestNamespace;
use crate::world::World;

/// What the change's plans refuse (one line each): the policy's
/// violations, a world change that leaves a protected running job
/// unplaced (`world_errors`), a submission that will fail where Nomad's
/// plan is silent, one the plan applier rejects, one the servers'
/// `reject_job_registration` refuses.
pub(super) fn refusals(
    judged: &[(Entry, Vec<Violation>)],
    world_errors: &[Diag],
    world: &World,
) -> Vec<String> {
    // What the policy cannot tell is said apart (exit 255), never as a
    // refusal.
    let mut refused = super::said::policy_lines(judged, false);
    // A world change that no longer places a protected running job is
    // refused like a plan that leaves it unplaced.
    refused.extend(
        world_errors
            .iter()
            .filter(|d| {
                d.severity == crate::diag::Severity::Error
                    && d.code == crate::check::world_change::BLOCKS_RUNNING
            })
            .map(|d| d.message.clone()),
    );
    // A submission that will fail where Nomad's plan stays silent, one
    // the plan applier rejects, one the servers' reject_job_registration
    // refuses (the world after the change: a planned job is registered
    // there) fails the gate too ([`super::said::run_refusals`]).
    refused.extend(judged.iter().flat_map(|(e, _)| {
        match &e.outcome {
            Outcome::Plan(p) => super::said::run_refusals(p, world)
                .into_iter()
                .map(|l| format!("{} {l}", e.path.display()))
                .collect(),
            _ => Vec::new(),
        }
    }));
    refused
}

/// What judging the change in "default" adds to the shell's namespace's
/// verdict.
#[derive(Default)]
pub(super) struct InDefault {
    /// Refusals the first judgement does not make.
    pub refused: Vec<String>,
    /// Files whose plan cannot be told there (and could be in the shell's
    /// namespace), one line each.
    pub untold: Vec<String>,
}

/// Plan the change of `inp` again in "default" when its namespace is only
/// the shell's ([`RequestNamespace::from_shell`]); `judged` and `refused`
/// are the first judgement's.
pub(super) fn in_default(
    inp: &changed::Inputs<'_>,
    judged: &[(Entry, Vec<Violation>)],
    refused: &[String],
) -> Result<InDefault, Diags> {
    let Some(shell) = inp.namespace.from_shell() else {
        return Ok(InDefault::default());
    };
    let world = &inp.sim.world;
    let none = RequestNamespace::new(None, None, world.nomad_version);
    let again = changed::Inputs {
        namespace: &none,
        notes: false,
        ..*inp
    };
    let protected = &world.policy.protected;
    let other: Vec<(Entry, Vec<Violation>)> = changed::plan_changed(&again)?
        .into_iter()
        .map(|e| {
            let v = policy::judge(&e, protected);
            (e, v)
        })
        .collect();
    let whose = format!(
        "in namespace \"default\", where a deploy whose environment sets no {} puts a job file that names none:",
        shell.asked.name()
    );
    let untold_first = |path: &std::path::Path| {
        judged
            .iter()
            .any(|(e, _)| e.path == path && matches!(e.outcome, Outcome::Invalid(_)))
    };
    let mut untold: Vec<String> = other
        .iter()
        .filter(|(e, _)| !untold_first(&e.path))
        .filter_map(|(e, _)| {
            let why = match &e.outcome {
                Outcome::Invalid(d) => d.iter().find(|x| x.is_error())?.message.clone(),
                Outcome::Plan(p) => {
                    p.result.retries_untold(p.job.job_type)?;
                    "how `nomad job run` of its plan ends cannot be told".into()
                }
                Outcome::Note(_) => return None,
            };
            Some(format!("{whose} {} {why}", e.path.display()))
        })
        .collect();
    // The policy's own cannot-tells there (a protected job's shuffles whose
    // run ends untold), unless the first judgement said the same.
    let said_first = |path: &std::path::Path, v: &Violation| {
        judged
            .iter()
            .any(|(e, vs)| e.path == path && vs.iter().any(|w| w == v))
    };
    untold.extend(other.iter().flat_map(|(e, vs)| {
        vs.iter()
            .filter(|v| v.is_untold() && !said_first(&e.path, v))
            .map(|v| format!("{whose} {} {v}", e.path.display()))
            .collect::<Vec<_>>()
    }));
    let refused = refusals(&other, &[], world)
        .into_iter()
        .filter(|r| !refused.contains(r))
        .map(|r| format!("{whose} {r}"))
        .collect();
    Ok(InDefault { refused, untold })
}
