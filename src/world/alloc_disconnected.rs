//! A hand-written world's pinned allocations on a disconnected client
//! (`status = "disconnected"` in its clients file, Nomad 1.3+), read by the
//! rules an import's are read by, not written twice:
//! - a system or sysbatch job's: whether the plan keeps disconnected
//!   clients ([`Disconnect::Supported`] from 1.11.2, whatever the group;
//!   [`Disconnect::Unsupported`] before, as `nomad job plan` runs the
//!   scheduler without that support), which `scheduler::system_disconnect`
//!   then applies as `diffSystemAllocsForNode` (scheduler/util.go 1.3–1.4,
//!   scheduler/system_util.go 1.5–1.10) and `computeForNode`
//!   (scheduler/reconciler/reconcile_node.go 1.11 on) do: from 1.11.2 a
//!   running one is disconnecting, counted nowhere; any other is ignored
//!   (`node.TerminalStatus()` is false for a disconnected node);
//! - a service or batch job's: lost, untainted or `disconnecting` is the
//!   scheduler's taint (`structs::disconnected_node`), and so is what the
//!   plan does with a `disconnecting` one (untainted from 1.11.2; up to
//!   1.11.1 untainted or a vacant slot, as the planned group says). Only
//!   where the world cannot decide it (`told`: `reschedule_nodes`, whose
//!   delays the world does not hold; a 1.8–1.9 group Nomad refuses) the
//!   job's plan is "cannot tell" (`world::alloc-state`).
//!
//! The group read is the running job's: a hand-written world holds no
//! other version of it (Nomad reads the one the allocation runs); a system
//! allocation's group decides nothing in a plan.

use crate::diag::{Diag, Diags};
use crate::jobspec::JobType;
use crate::source::Source;
use crate::structs::disconnected_node::{late, on_disconnected, told, OnDisconnected};
use crate::structs::{Disconnect, NodeStatus};

use super::model::World;

/// Read the pinned allocations on disconnected clients (after
/// `alloc_file::read_allocations`).
pub(super) fn read(src: &Source, world: &mut World, diags: &mut Diags) {
    let version = world.nomad_version;
    if version < crate::version::NomadVersion::new(1, 3, 0) {
        return;
    }
    let disconnected = world.node_ids_where(|s| s == NodeStatus::Disconnected);
    if disconnected.is_empty() {
        return;
    }
    let Some(mut pinned) = world.pinned.take() else {
        return;
    };
    for a in &mut pinned.allocs {
        if !disconnected.contains(a.node_id.as_str()) || !a.is_live() {
            continue;
        }
        let job = world
            .running
            .iter()
            .map(|r| &r.job)
            .find(|j| j.namespace == a.namespace.as_str() && j.id == a.job_id.as_str());
        let group = job.and_then(|j| j.group(&a.task_group));
        match a.job_type {
            JobType::System | JobType::Sysbatch => {
                // Up to 1.11.1 `nomad job plan` runs the system scheduler
                // without disconnected-client support (Job.Plan's
                // Harness/PlanBuilder; scheduler_system.go v1.3.0:233,
                // v1.10.5:259, v1.11.1:253 pass its false), so
                // `diffSystemAllocsForNode` / `computeForNode` ignore it
                // whatever its group (system_util.go v1.7.2:167–192); from
                // 1.11.2 every group keeps disconnected clients.
                a.disconnect = Some(if late(version) {
                    Disconnect::Supported
                } else {
                    Disconnect::Unsupported
                });
            }
            _ => {
                // A hand-written allocation's reschedule tracker is its
                // nodes only, not the delays `NextDelay` reads.
                let quick = !a.reschedule_nodes.is_empty();
                if on_disconnected(group, a.client_status, version)
                    == Some(OnDisconnected::Disconnecting)
                    && !told(group, version, quick)
                {
                    let key = (a.namespace.to_string(), a.job_id.to_string());
                    world.alloc_states.entry(key).or_insert_with(|| {
                        format!(
                            "allocation {} is {}",
                            a.id,
                            super::api_alloc_disconnect::DISCONNECTING
                        )
                    });
                }
            }
        }
    }
    world.pinned = Some(pinned);
    if world.alloc_states.is_empty() {
        return;
    }
    let (n, jobs) = super::guess::alloc_state_jobs(world);
    diags.push(
        Diag::warning(
            super::guess::WORLD_ALLOC_STATE,
            format!(
                "{n} jobs have a running allocation on a disconnected client, which Nomad's reconciler marks `unknown` and replaces as the group's disconnect and reschedule rules allow, and nomad-preflight does not simulate: {jobs}"
            ),
        )
        .in_source(src)
        .help("plan those jobs on the cluster (`nomad job plan`), or pin their allocations on a client that is ready or down"),
    );
}
