//! A policy that refuses nothing over samples only (R22-A-2): whether a
//! bound proves the plan instead, and what the gates say of the samples'
//! bound ([`crate::unseen::Unseen`], the line `check`'s NP207 says too).

use crate::jobspec::Job;
use crate::scheduler::sim::Submitted;
use crate::scheduler::Simulation;
use crate::world::Protected;

use super::super::JobPlan;

/// Can no bound show that every shuffle places `plan` (made in `sim`
/// after `earlier`) as it is shown, which places something, and is the
/// plan the answer (admitted, and told)? The one predicate `check` asks
/// too ([`crate::rules::capacity::unplaceable_group::bound_asked`], the
/// room bound of the job as the admission mutators leave it), so that
/// where one says a sample's bound the others do.
pub fn unproven(sim: &Simulation, earlier: &[Submitted], plan: &JobPlan) -> bool {
    use crate::rules::capacity::unplaceable_group::{bound_asked, may_vary, PlanAnswer};
    let world = &*sim.world;
    let answer = PlanAnswer::of(plan.admission.is_admitted(), plan.cannot_know.is_some());
    bound_asked(answer, &plan.result, || {
        let planned = crate::mutators::applied(&plan.job, world.nomad_version, &world.server);
        may_vary(
            world,
            Some(sim),
            !earlier.is_empty(),
            Some(&planned),
            &plan.result,
        )
    })
}

/// What the gate says of a plan the policy refuses nothing of over
/// samples only (`unseen`): one line, after the file's path.
pub fn unseen_line(job: &Job, protected: &Protected, unseen: crate::unseen::Unseen) -> String {
    unseen.line(&format!(
        "passes the policy over samples only: {}",
        unseen_what(job, protected)
    ))
}

/// What the policy's samples did not see of `job`: the protected job left
/// unplaced or a protected allocation preempted.
pub fn unseen_what(job: &Job, protected: &Protected) -> String {
    if protected.covers(&job.namespace, &job.id) {
        format!(
            "protected job {:?} is left unplaced or a protected allocation preempted",
            crate::escape::one_line(&job.id)
        )
    } else {
        "a protected allocation is preempted".to_string()
    }
}

/// `Preflight.PolicySampled` (`plan FILE`) and `Plans[].PolicySampled`
/// (`plan --changed`): a policy that refuses nothing over samples only,
/// its bound and line (R22-A-2).
pub fn json(job: &Job, world: &crate::world::World, u: crate::unseen::Unseen) -> serde_json::Value {
    let mut v = u.json();
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "Text".into(),
            unseen_line(job, &world.policy.protected, u).into(),
        );
    }
    v
}

/// The gate's `note:` line of `unseen` on stderr, after the file's path.
pub fn eprint(
    path: &str,
    job: &Job,
    world: &crate::world::World,
    unseen: Option<crate::unseen::Unseen>,
) {
    if let Some(u) = unseen {
        let line = unseen_line(job, &world.policy.protected, u);
        eprintln!(
            "note: {}",
            crate::escape::one_line(&format!("{path} {line}"))
        );
    }
}
