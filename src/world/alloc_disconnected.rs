//! A hand-written world's pinned allocations on a disconnected client
//! (`status = "disconnected"` in its clients file, Nomad 1.3+) or a down
//! one (`status = "down"`), read by the
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
//! - on a down client (from 1.7.2; before, every one is lost): a service
//!   or batch job's live allocation is the scheduler's taint too
//!   (`structs::disconnected_node::on_down`: running in a group that does
//!   not replace, `disconnecting`; otherwise lost), "cannot tell" where
//!   `told` says so, as on a disconnected client;
//!
//! - a service or batch job's allocation that is not live: up to 1.11.1
//!   lost (`structs::disconnected_node::lost_when_not_live`, marked
//!   [`Disconnect::Lost`]: stopped, its name placed again), unless its
//!   group keeps it or the release drops it first; from 1.7.2, of a job
//!   version the world does not hold, "cannot tell" (that group decides).
//!
//! The group read is the running job's (a live allocation of another
//! version is `alloc_version`'s "cannot tell"; a terminal one's is looked
//! up in the world's history); a system allocation's group decides
//! nothing in a plan.

use crate::diag::Diags;
use crate::jobspec::JobType;
use crate::source::Source;
use crate::structs::disconnected_node::{
    late, lost_when_not_live, on_disconnected, on_down, told, OnDisconnected,
};
use crate::structs::{Disconnect, NodeStatus};

use super::model::World;

/// Read the pinned allocations on disconnected and down clients (after
/// `alloc_file::read_allocations`).
pub(super) fn read(
    src: &Source,
    world: &mut World,
    scope: super::alloc_running::Scope<'_>,
    diags: &mut Diags,
) {
    let version = world.nomad_version;
    if version < crate::version::NomadVersion::new(1, 3, 0) {
        return;
    }
    let disconnected = world.node_ids_where(|s| s == NodeStatus::Disconnected);
    // Before 1.7.2 a down node loses every allocation (on_down).
    let down = if version.at_least(1, 7, 2) {
        world.node_ids_where(|s| s == NodeStatus::Down)
    } else {
        Default::default()
    };
    if disconnected.is_empty() && down.is_empty() {
        return;
    }
    let Some(mut pinned) = world.pinned.take() else {
        return;
    };
    // The jobs marked "cannot tell", by reason.
    let mut unheld: Vec<(String, String)> = Vec::new();
    let mut disconnecting: Vec<(String, String)> = Vec::new();
    let mut on_down_kept: Vec<(String, String)> = Vec::new();
    for a in &mut pinned.allocs {
        if !scope.covers(a) {
            continue;
        }
        let on_down_node = down.contains(a.node_id.as_str());
        if !on_down_node && !disconnected.contains(a.node_id.as_str()) {
            continue;
        }
        let job = world
            .running
            .iter()
            .map(|r| &r.job)
            .find(|j| j.namespace == a.namespace.as_str() && j.id == a.job_id.as_str());
        let group = job.and_then(|j| j.group(&a.task_group));
        let generic = matches!(a.job_type, JobType::Service | JobType::Batch);
        let key = (a.namespace.to_string(), a.job_id.to_string());
        // The group of the version it runs: the registered one's, or
        // one the world's history holds (`None`: neither).
        let own = match pinned.versions.get(&key) {
            Some(ix) if ix.version != a.job_version => pinned
                .history
                .get(&(key.0.clone(), key.1.clone(), a.job_version))
                .map(|j| j.group(&a.task_group)),
            _ => Some(group),
        };
        if on_down_node {
            // A terminal one is read before its node, and a system one
            // by the system scheduler: lost either way. A live one of a
            // version the world lacks is `alloc_version`'s.
            let quick = !a.reschedule_nodes.is_empty();
            if let (true, true, Some(g)) = (generic, a.is_live(), own) {
                if on_down(g, a.client_status, false, version) == OnDisconnected::Disconnecting
                    && !told(g, version, quick)
                    && !world.alloc_states.contains_key(&key)
                {
                    let why = super::api_alloc_disconnect::DOWN_DISCONNECTING;
                    world
                        .alloc_states
                        .insert(key.clone(), format!("allocation {} is {why}", a.id));
                    on_down_kept.push(key);
                }
            }
            continue;
        }
        if !a.is_live() {
            let service = a.job_type == JobType::Service;
            let stopped = a.desired_status != crate::structs::DesiredStatus::Run;
            match own {
                _ if !generic => {}
                Some(g) => {
                    if lost_when_not_live(g, a.client_status, stopped, service, version) {
                        a.disconnect = Some(Disconnect::Lost);
                    }
                }
                // Its group unknown: one the release drops whatever the
                // group stays dropped; before 1.7.2 every other one is
                // lost, whatever its group.
                None if !lost_when_not_live(None, a.client_status, stopped, service, version) => {}
                None if version < crate::version::NomadVersion::new(1, 7, 2) => {
                    a.disconnect = Some(Disconnect::Lost);
                }
                None => {
                    if !world.alloc_states.contains_key(&key) {
                        world.alloc_states.insert(key.clone(), format!(
                            "allocation {} is not live on a disconnected client and runs job version {}, which the world does not hold: whether the plan loses it (stopped, its name placed again) depends on that version's group (prevent_reschedule_on_lost, disconnect.replace)",
                            a.id, a.job_version
                        ));
                        unheld.push(key);
                    }
                }
            }
            continue;
        }
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
                let read = on_disconnected(group, a.client_status, version);
                // From 1.11.2 one whose reschedule waits is counted
                // `RescheduleLater`: read as an import's allocation with
                // no tracker and no follow-up evaluation, which a
                // hand-written one is (one with `reschedule_nodes` is
                // `quick`, not told below).
                if let (true, Some(g), Some(OnDisconnected::Disconnecting)) =
                    (late(version) && !quick, group, read)
                {
                    let none = serde_json::json!({});
                    let later = super::api_reschedule::later_on_disconnect(&none, g, None);
                    a.reschedule_later = later.unwrap_or(false);
                }
                if read == Some(OnDisconnected::Disconnecting) && !told(group, version, quick) {
                    let key = (a.namespace.to_string(), a.job_id.to_string());
                    if !world.alloc_states.contains_key(&key) {
                        let why = super::api_alloc_disconnect::DISCONNECTING;
                        world
                            .alloc_states
                            .insert(key.clone(), format!("allocation {} is {why}", a.id));
                        disconnecting.push(key);
                    }
                }
            }
        }
    }
    world.pinned = Some(pinned);
    disconnecting.sort();
    super::guess::warn_alloc_state(
        src,
        diags,
        &disconnecting,
        "a running allocation on a disconnected client, which Nomad's reconciler marks `unknown` and replaces as the group's disconnect and reschedule rules allow, and nomad-preflight does not simulate",
        "plan those jobs on the cluster (`nomad job plan`), or pin their allocations on a client that is ready or down",
    );
    on_down_kept.sort();
    super::guess::warn_alloc_state(
        src,
        diags,
        &on_down_kept,
        "a running allocation on a down client in a group that does not replace it (1.7.2+), which Nomad's reconciler marks `unknown` and keeps or replaces as the group's reschedule rules allow, and nomad-preflight does not simulate",
        "plan those jobs on the cluster (`nomad job plan`), or pin their allocations on a client that is ready",
    );
    unheld.sort();
    super::guess::warn_alloc_state(
        src,
        diags,
        &unheld,
        "an allocation that is not live on a disconnected client, of a job version the world does not hold, whose group decides whether the plan loses it",
        "pin those allocations at the registered version (`job_version`), or plan those jobs on the cluster (`nomad job plan`)",
    );
}
