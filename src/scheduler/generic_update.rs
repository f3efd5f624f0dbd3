//! The generic scheduler's update function (`genericAllocUpdateFn`,
//! scheduler/util.go) before its in-place fit, and what an in-place update
//! leaves of the allocation: a child of [`super`].

use super::super::engine::Engine;
use super::super::feasibility::keeps_node_in_place;
use super::super::reconcile_group::Update;
use super::{old_spec, JobHistory};
use crate::cluster::{AllocResources, Allocation};
use crate::jobspec::{Job, JobType, TaskGroup};
use crate::version::NomadVersion;

/// What the update function decides before `stack.Select`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Before {
    /// Decided without a fit.
    Is(Update),
    /// In place if the new group fits on the allocation's node.
    TryInPlace,
}

/// `genericAllocUpdateFn` up to the in-place fit, in its order: a spec
/// change that needs a new allocation (or a version we do not hold) is
/// destructive; else a terminal allocation is ignored; else one whose node
/// is gone, or (1.0.9/1.1.3+) out of the job's datacenters or (1.6+) node
/// pool, is destructive (v2.0.5:830-843, v1.6.0:880-891, v1.0.9:970-979):
/// it moves, where a node in the new scope has room; else, from 2.0.3, one
/// running a batch group with a `max_run_duration` is in place with no fit
/// at all ([`kept_as_is`]); else it is tried in place.
pub(super) fn update_kind(
    engine: &Engine<'_>,
    history: &JobHistory,
    job: &Job,
    a: &Allocation,
    tg: &TaskGroup,
) -> Before {
    let old = old_spec(history, engine.state, a);
    let changed = match old {
        Some((oj, og)) => engine.destructive(oj, og, job, tg),
        None => true,
    };
    if changed {
        return Before::Is(Update::Destructive);
    }
    if a.client_status.is_terminal() {
        return Before::Is(Update::Ignore);
    }
    let version = engine.world.nomad_version;
    let node = engine
        .node_position(&a.node_id)
        .and_then(|p| engine.node(p));
    match node {
        Some(n) if keeps_node_in_place(version, job, n) => match old {
            Some((oj, og)) if kept_as_is(version, oj, og) => Before::Is(Update::InPlace),
            _ => Before::TryInPlace,
        },
        _ => Before::Is(Update::Destructive),
    }
}

/// Does an in-place update of an allocation running `old_job`'s group
/// `old` skip `stack.Select` and keep the allocation's resources? From
/// 2.0.3 (5437c0dae2, "core: support batch job timeouts", GH-27803; in no
/// 1.x tag nor Enterprise changelog through ent 1.11.8) the update function's
/// "max_run_duration-only updates" shortcut (scheduler/util.go
/// v2.0.5:845-858) compares the running allocation's
/// `MaxRunDuration()` with that of a copy whose `Job` it has just set to
/// nil, which answers (0, false) (nomad/structs/alloc.go v2.0.5:366-383).
/// So whenever the running version's group has a positive
/// `max_run_duration` and the job is batch or sysbatch (what
/// `MaxRunDuration` reads of the old job), the two differ and the copy is
/// returned as the in-place update: no feasibility, no fit, and its old
/// `AllocatedResources` (`existing.Copy()`), whatever else changed. Only
/// the generic scheduler calls it (scheduler/generic_sched.go v2.0.5:350);
/// sysbatch's system scheduler has its own `inplaceUpdate`.
pub(in crate::scheduler) fn kept_as_is(
    version: NomadVersion,
    old_job: &Job,
    old: &TaskGroup,
) -> bool {
    version.at_least(2, 0, 3)
        && matches!(old_job.job_type, JobType::Batch | JobType::Sysbatch)
        && old.max_run_duration.is_some_and(|d| d.nanos() > 0)
}

/// The resources of `a` updated in place to an ask of `new`: the old ones
/// where the update skipped the fit ([`kept_as_is`]), else the new ones
/// with the old ports and devices.
pub(super) fn in_place_resources(
    engine: &Engine<'_>,
    history: &JobHistory,
    new: &AllocResources,
    a: &Allocation,
) -> AllocResources {
    let version = engine.world.nomad_version;
    match old_spec(history, engine.state, a) {
        Some((oj, og)) if kept_as_is(version, oj, og) => a.resources.clone(),
        _ => carry_ports(new, &a.resources),
    }
}

/// Dynamic port numbers survive an in-place update.
pub(super) fn carry_ports(new: &AllocResources, old: &AllocResources) -> AllocResources {
    // Nomad's inplaceUpdate restores the existing network and device offers.
    let mut r = new.clone();
    r.networks.clone_from(&old.networks);
    r.devices.clone_from(&old.devices);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::Duration;

    /// The shortcut needs 2.0.3+, a batch (or sysbatch) job and a positive
    /// `max_run_duration` in the running version's group.
    #[test]
    fn only_a_running_batch_group_with_a_max_run_duration_from_2_0_3_is_kept() {
        let job = |t: JobType| Job {
            job_type: t,
            ..Job::default()
        };
        let group = |d: Option<i64>| TaskGroup {
            max_run_duration: d.map(Duration),
            ..TaskGroup::default()
        };
        let hour = Some(3_600_000_000_000);
        let (v203, v202) = (NomadVersion::new(2, 0, 3), NomadVersion::new(2, 0, 2));
        assert!(kept_as_is(v203, &job(JobType::Batch), &group(hour)));
        assert!(kept_as_is(
            NomadVersion::new(2, 0, 5),
            &job(JobType::Sysbatch),
            &group(hour)
        ));
        assert!(!kept_as_is(v202, &job(JobType::Batch), &group(hour)));
        assert!(!kept_as_is(v203, &job(JobType::Service), &group(hour)));
        assert!(!kept_as_is(v203, &job(JobType::Batch), &group(None)));
        assert!(!kept_as_is(v203, &job(JobType::Batch), &group(Some(0))));
    }
}
