//! A hand-written world's pinned allocation of a job version the world
//! does not hold (`job_version` below the registered version).
//!
//! The world holds one text per running job: the registered version.
//! Nomad's reconcilers compare each allocation with the job version it
//! runs (`alloc.Job`), not with the registered one: `genericAllocUpdateFn`
//! (scheduler/util.go v0.9.3–v1.10.5; scheduler/reconciler/util.go from
//! v1.11.0) ignores an allocation whose `Job.JobModifyIndex` is the
//! planned job's and otherwise asks `tasksUpdated(newJob, existing.Job)`
//! whether the update is destructive or in place; the system scheduler's
//! `diffSystemAllocsForNode`/`computeForNode` does the same for a live
//! allocation and a sysbatch job's finished one. Without that version's
//! tasks the answer is unknown: the plan was taking the update as
//! destructive ("forces create/destroy update" where Nomad may print an
//! in-place update, or nothing). Now the job is "cannot tell"
//! (`world::alloc-state`), as an import's allocation of a version it
//! does not hold is (`api_alloc_version`). Its group's disconnect rules
//! (read from `alloc.Job` too: a service job's allocation on a
//! disconnected client was read by the registered version's group) are
//! covered by the same line. Not marked: an allocation on a down client
//! (lost in both schedulers, but from 1.7.2 a live service or batch one,
//! which its group may keep) and a system one on a disconnected client,
//! which `alloc_disconnected` reads (counted nowhere or ignored).

use crate::diag::Diags;
use crate::source::Source;

use super::model::World;

/// Mark the jobs with a pinned allocation of a version the world lacks
/// (after `alloc_disconnected::read`, whose reasons stay first).
pub(super) fn read(
    src: &Source,
    world: &mut World,
    scope: super::alloc_running::Scope<'_>,
    diags: &mut Diags,
) {
    let version = world.nomad_version;
    let Some(pinned) = world.pinned.as_ref() else {
        return;
    };
    // A down client's allocations are lost in both schedulers, never
    // compared, except from 1.7.2 a service or batch job's live one, which
    // the group of the version it runs may keep (`on_down`).
    let down = world.node_ids_where(|s| s == crate::structs::NodeStatus::Down);
    let kept_on_down = |a: &crate::structs::Allocation| {
        version.at_least(1, 7, 2) && !a.job_type.is_per_node() && a.is_live()
    };
    let mut marked: Vec<(String, String)> = Vec::new();
    for a in &pinned.allocs {
        if !scope.covers(a) {
            continue;
        }
        // One on a disconnected client that `alloc_disconnected` read for
        // the system scheduler is counted nowhere or ignored, never
        // compared (it said "cannot tell" where the version decides).
        if a.disconnect.is_some() || (down.contains(a.node_id.as_str()) && !kept_on_down(a)) {
            continue;
        }
        let key = (a.namespace.to_string(), a.job_id.to_string());
        let Some(registered) = pinned.versions.get(&key).map(|ix| ix.version) else {
            continue;
        };
        let held = registered == a.job_version
            || pinned
                .history
                .contains_key(&(key.0.clone(), key.1.clone(), a.job_version));
        // Of the terminal ones, only a sysbatch job's finished allocation
        // is compared (1.2+, the system scheduler's in-place-or-replace on
        // its node); a batch job's of another version is ignored
        // (`filterOldTerminalAllocs`), not compared.
        let compared = a.is_live()
            || (a.job_type == crate::jobspec::JobType::Sysbatch
                && super::api_alloc_batch::reads(a, version));
        if held || !compared {
            continue;
        }
        if !world.alloc_states.contains_key(&key) {
            let unknown = if down.contains(a.node_id.as_str()) {
                "whether the plan loses it on its down client is unknown: that version's group decides (prevent_reschedule_on_lost, disconnect.replace)"
            } else {
                "whether the planned job updates it in place or replaces it is unknown"
            };
            world.alloc_states.insert(
                key.clone(),
                format!(
                    "allocation {} runs job version {}, which the world does not hold (it holds the registered version {registered}), so {unknown}",
                    a.id, a.job_version
                ),
            );
            marked.push(key);
        }
    }
    super::guess::warn_alloc_state(
        src,
        diags,
        &marked,
        "an allocation of an earlier job version than the registered one, whose tasks Nomad compares with the planned job's and the world does not hold",
        "pin those allocations at the registered version (`job_version`), or plan those jobs on the cluster (`nomad job plan`)",
    );
}
