//! A hand-written world's failed allocation (rules/allocations.hcl,
//! `status = "failed"`, desired `run`): not replaced yet, in a group that
//! reschedules.
//!
//! Nomad's generic reconciler decides such an allocation by its failure
//! time and reschedule tracker (`filterByRescheduleable` and
//! `updateByReschedulable`, scheduler/reconciler/filters.go
//! v2.0.5:395-445, 526-570; `Allocation.NextRescheduleTime`,
//! nomad/structs/alloc.go v2.0.5:503-536; the same rule from 0.9.0):
//! due within 1s it is replaced now (`1 create, 1 destroy`), eligible
//! later it stays in the count (counted `RescheduleLater` from 1.11.0 when
//! no follow-up evaluation is made yet), spent it stays for good. The
//! file holds neither the failure time nor the tracker, so which of the
//! three `nomad job plan` prints cannot be told: the job is "cannot tell"
//! (`world::alloc-state`), where it was simulated as kept in the count.
//! A group that does not reschedule (`attempts = 0`, not `unlimited`) keeps
//! it in the count whatever the time, and one on a disconnected client up
//! to 1.11.1 is lost before its reschedule is read (`filterByTainted`,
//! reconcile_util.go v1.5.10:267-283, filters.go v1.11.1:159): both still
//! simulated.

use crate::diag::Diags;
use crate::jobspec::JobType;
use crate::source::Source;
use crate::structs::{ClientStatus, DesiredStatus};

use super::model::World;

/// Mark the jobs with such an allocation (after the other readers of
/// pinned allocations, whose reasons stay first).
pub(super) fn read(
    src: &Source,
    world: &mut World,
    scope: super::alloc_running::Scope<'_>,
    diags: &mut Diags,
) {
    let Some(pinned) = world.pinned.as_ref() else {
        return;
    };
    let mut marked: Vec<(String, String)> = Vec::new();
    for a in &pinned.allocs {
        if !scope.covers(a) {
            continue;
        }
        // One the release reads as lost by its disconnected node before
        // its terminal status (up to 1.11.1, `disconnected_node::
        // lost_when_not_live`) is stopped whatever its reschedule: simulated.
        if a.client_status != ClientStatus::Failed
            || a.desired_status != DesiredStatus::Run
            || !matches!(a.job_type, JobType::Service | JobType::Batch)
            || a.disconnect == Some(crate::structs::Disconnect::Lost)
        {
            continue;
        }
        let key = (a.namespace.to_string(), a.job_id.to_string());
        if world.alloc_states.contains_key(&key) || marked.contains(&key) {
            continue;
        }
        // The policy of the version it runs (Nomad reads `alloc.Job`):
        // the registered job when it runs that version, else one the
        // world holds; a version not held may reschedule.
        let registered = world
            .running
            .iter()
            .map(|r| &r.job)
            .find(|j| j.namespace == key.0 && j.id == key.1);
        let own = pinned
            .history
            .get(&(key.0.clone(), key.1.clone(), a.job_version))
            .or_else(|| {
                let ix = pinned.versions.get(&key)?;
                registered.filter(|_| ix.version == a.job_version)
            });
        let reschedules = own
            .and_then(|j| j.group(&a.task_group))
            .and_then(|g| g.reschedule.as_ref())
            .is_none_or(|p| p.unlimited || p.attempts > 0);
        if !reschedules {
            continue;
        }
        marked.push(key);
    }
    for key in &marked {
        let id = pinned
            .allocs
            .iter()
            .find(|a| {
                a.namespace.as_str() == key.0
                    && a.job_id.as_str() == key.1
                    && a.client_status == ClientStatus::Failed
            })
            .map(|a| a.id.to_string())
            .unwrap_or_default();
        let why = format!(
            "allocation {id} is failed and not replaced yet, in a group that reschedules: whether Nomad replaces it now, later (RescheduleLater) or never depends on when it failed and on its reschedule tracker, which rules/allocations.hcl does not hold"
        );
        world.alloc_states.insert(key.clone(), why);
    }
    super::guess::warn_alloc_state(
        src,
        diags,
        &marked,
        "a failed allocation not replaced yet, in a group that reschedules, whose failure time and reschedule tracker the world does not hold",
        "import the cluster (`nomad-preflight import`), which reads both, or mark the allocation `desired = \"stop\"` if Nomad replaced it",
    );
}
