//! The generic reconciler's part of [`super`]: a service or batch job's
//! `unknown` allocation, and its live ones on a disconnected node.

use crate::world::api_json::Fields as _;
use serde_json::Value;

use super::super::api_json::s;
use super::{expiry, late, v, window};
use crate::jobspec::{Job, JobType};
use crate::structs::{Allocation, Disconnect};
use crate::version::NomadVersion;

/// How `nomad job plan` at `version` reads a service or batch job's
/// `unknown` allocation (desired `run`): up to 1.11.1 by its node and
/// group, never its window ([`plan_unknown`]); from 1.11.2 by its window
/// (`Waiting` or `Expired`) and then its node ([`late_unknown`]). The
/// scheduler reads `Waiting` and `Expired` with the planned group
/// (`scheduler::reconcile_disconnect`). `Ok(None)` for another
/// allocation (a live one on a disconnected or down node only where the
/// scheduler's taint reads it as Nomad does: [`disconnecting`]), and for
/// an `unknown` one the taint reads as Nomad does; `Err` why it cannot be
/// told: before 1.3 (no client is `unknown`); told to stop; from 1.11.2
/// where [`late_unknown`] says, or the cases [`super::system_disconnect`]
/// cannot tell either.
pub(in crate::world) fn generic_unknown(
    a: &Value,
    alloc: &Allocation,
    spec: &Job,
    version: NomadVersion,
    now: Option<i128>,
    node: NodeState,
) -> Result<Option<Disconnect>, &'static str> {
    let generic = matches!(alloc.job_type, JobType::Service | JobType::Batch);
    if !generic {
        return Ok(None);
    }
    if s(a, "ClientStatus") != "unknown" {
        let quick = quick_reschedule(a);
        return disconnecting(
            spec,
            &alloc.task_group,
            alloc.client_status,
            version,
            node,
            quick,
        )
        .map(|()| None);
    }
    if version < v(1, 3, 0) {
        return Err("`unknown` (its client disconnected), which no release before 1.3 reports");
    }
    if s(a, "DesiredStatus") != "run" {
        return Err("`unknown` (its client disconnected) and told to stop, which Nomad's reconciler reads as reconnecting");
    }
    if !late(version) {
        return Ok(plan_unknown(alloc, spec, version, node));
    }
    let window = window(spec, &alloc.task_group, version).ok_or(
        "`unknown` (its client disconnected) in a group that, as the release reads it, keeps no disconnected clients",
    )?;
    let read = expiry(a, window, version, now)?;
    late_unknown(alloc, spec, read, node, version).map(Some)
}

/// Up to 1.11.1 `nomad job plan` reads an `unknown` allocation by its
/// node and its own group, never by its window: Job.Plan runs the
/// scheduler on `scheduler.Harness{State: ...}` (nomad/job_endpoint.go
/// v1.3.0:1713, v1.7.7:1916, v1.10.5:1896; `sstructs.PlanBuilder`
/// v1.11.1:1895), whose `ServersMeetMinimumVersion` is its unset field,
/// false (scheduler/testing.go v1.7.7:256), which the generic scheduler
/// passes on (generic_sched.go v1.3.0:381, v1.10.5:387, v1.11.1:359), so
/// `Allocation.SupportsDisconnectedClients` is false for every group
/// (structs.go v1.3.0:9956, v1.10.5:11441; alloc.go v1.11.1:565).
/// filterByTainted (reconcile_util.go v1.3.0, v1.7.1, v1.10.5:236;
/// reconciler/filters.go v1.11.1:112) then skips the reconnect,
/// `expiring` and "acknowledge unknown" checks, which only the cluster's
/// workers make:
/// - on a disconnected node its `else` branch: untainted where the group
///   does not replace ([`prevents`], from 1.7.2), else lost;
/// - on a down node [`down_unknown`]'s;
/// - on a ready node, draining or not: untainted (`!nodeIsTainted`, or
///   the ready status; a drain's mark to migrate is the scheduler's);
/// - on a node the import lacks (`taintedNode == nil`): lost.
///
/// Untainted from #18701 (1.4.14, 1.5.10, 1.6.3, 1.7.0) is `Waiting`:
/// counted and updated as any, but not among the ones too many
/// (computeStop's `knownUntainted` filters by client status, whatever the
/// support: reconcile.go v1.10.5:1039). Before #18701 it is untainted as
/// any running one; lost, it is read as running there: `None` for both,
/// the scheduler's taint reads it by the same rule and group
/// (`on_disconnected`, a node that is down or missing).
///
/// [`prevents`]: crate::structs::disconnected_node::prevents
fn plan_unknown(
    alloc: &Allocation,
    spec: &Job,
    version: NomadVersion,
    node: NodeState,
) -> Option<Disconnect> {
    use crate::structs::disconnected_node::{acknowledged, prevents};
    let kept = match node {
        NodeState::Down => return down_unknown(alloc, spec, version),
        NodeState::Disconnected => spec
            .group(&alloc.task_group)
            .is_some_and(|g| prevents(g, version)),
        NodeState::Missing => false,
        NodeState::Other | NodeState::DrainingReady => true,
    };
    (kept && acknowledged(version)).then_some(Disconnect::Waiting)
}

/// `nomad job plan` reads an `unknown` allocation on a down node by its
/// node and its own group (from 1.11.2 once within its window); up to
/// 1.11.1 never by its window: Job.Plan's
/// scheduler runs without disconnected-client support
/// (`structs::disconnected_node::on_disconnected` says where), so
/// filterByTainted skips its `expiring` and "acknowledge unknown" checks
/// and reaches the down node's branch
/// ([`on_down`](crate::structs::disconnected_node::on_down): from 1.7.2
/// untainted where the group does not replace, else lost). Kept, it is
/// `Waiting` (untainted, and not counted among the ones too many:
/// computeStop's `knownUntainted`); lost, it is read as its client status
/// (running, on a down node): the scheduler's taint loses it by the same
/// rule and group.
fn down_unknown(alloc: &Allocation, spec: &Job, version: NomadVersion) -> Option<Disconnect> {
    use crate::structs::disconnected_node::{on_down, OnDisconnected};
    let g = spec.group(&alloc.task_group);
    (on_down(g, alloc.client_status, true, version) == OnDisconnected::Untainted)
        .then_some(Disconnect::Waiting)
}

/// From 1.11.2 (#27053) filterByTainted reads an `unknown` allocation past
/// its window (`expiring`) as lost, and one within it by its node: kept
/// (untainted) on a disconnected node, or on a down one when its group
/// does not replace (`ReplaceOnDisconnect`), lost on another down one
/// (read here as `Expired`: the reconciler's reading is the same), and
/// reconnecting on a ready one. Not simulated, so `Err`: reconnecting, a
/// node missing from the import, one marked to migrate (read before the
/// window from 1.11.2), and a lost one of a group that stops its
/// allocations after a disconnect (`delayByStopAfter`: no placement for
/// the group until then).
fn late_unknown(
    alloc: &Allocation,
    spec: &Job,
    read: Disconnect,
    node: NodeState,
    version: NomadVersion,
) -> Result<Disconnect, &'static str> {
    if alloc.migrate {
        return Err("`unknown` (its client disconnected) and marked to migrate, which nomad-preflight does not simulate");
    }
    let g = spec.group(&alloc.task_group);
    let read = match (read, node) {
        (Disconnect::Expired, _) => Disconnect::Expired,
        (_, NodeState::Disconnected) => Disconnect::Waiting,
        // The down node's rule ([`down_unknown`]'s, `!ReplaceOnDisconnect`).
        (_, NodeState::Down) => down_unknown(alloc, spec, version).unwrap_or(Disconnect::Expired),
        (_, NodeState::Missing) => {
            return Err("`unknown` (its client disconnected) on a node missing from nodes.json, which nomad-preflight does not simulate")
        }
        _ => {
            return Err("`unknown` (its client disconnected) on a node that is not disconnected or down, which Nomad from 1.11.2 reads as reconnecting and nomad-preflight does not simulate")
        }
    };
    let stops = g.is_some_and(|g| {
        g.stop_after_client_disconnect.is_some()
            || g.disconnect
                .as_ref()
                .is_some_and(|d| d.stop_on_client_after.is_some())
    });
    if read == Disconnect::Expired && stops {
        return Err("`unknown` (its client disconnected) and lost, in a group that stops its allocations after a disconnect, which delays the group's placements and nomad-preflight does not simulate");
    }
    Ok(read)
}

/// What of an allocation's node `filterByTainted` reads: disconnected,
/// down, ready and draining, missing from the import, or none of those.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::world) enum NodeState {
    Disconnected,
    Down,
    DrainingReady,
    Missing,
    Other,
}

/// `node`'s state in the import.
pub(in crate::world) fn node_state(
    ctx: &super::super::api_alloc::AllocContext,
    node: &str,
) -> NodeState {
    if !ctx.nodes.contains(node) {
        NodeState::Missing
    } else if ctx.disconnected.contains(node) {
        NodeState::Disconnected
    } else if ctx.down.contains(node) {
        NodeState::Down
    } else if ctx.draining_ready.contains(node) {
        NodeState::DrainingReady
    } else {
        NodeState::Other
    }
}

/// A service or batch job's live allocation (not `unknown`) on a
/// disconnected or down node, read by the scheduler's shared rule
/// ([`on_disconnected`](crate::structs::disconnected_node::on_disconnected),
/// [`on_down`](crate::structs::disconnected_node::on_down),
/// `filterByTainted` at each release): lost, untainted or `disconnecting`,
/// `Ok`: the scheduler's taint reads it by the same rule, and a
/// `disconnecting` one by the planned group (`in_plan`); `Err` where that
/// cannot be told (`told`: `quick`, [`quick_reschedule`], or a 1.8–1.9
/// group Nomad refuses).
pub(in crate::world) fn disconnecting(
    spec: &Job,
    group: &str,
    status: crate::structs::ClientStatus,
    version: NomadVersion,
    node: NodeState,
    quick: bool,
) -> Result<(), &'static str> {
    use crate::structs::disconnected_node::{on_disconnected, on_down, told, OnDisconnected};
    let g = spec.group(group);
    let (read, why) = match node {
        NodeState::Disconnected => (on_disconnected(g, status, version), DISCONNECTING),
        NodeState::Down => (Some(on_down(g, status, false, version)), DOWN_DISCONNECTING),
        _ => return Ok(()),
    };
    match read {
        Some(OnDisconnected::Disconnecting) if !told(g, version, quick) => Err(why),
        _ => Ok(()),
    }
}

/// From 1.11.2, whether the reconciler counts the live allocation `a` of
/// a service or batch job, which it reads as `disconnecting` on its
/// disconnected node (`on_disconnected` with its own group, `spec`'s), in
/// `RescheduleLater`
/// ([`later_on_disconnect`](super::super::api_reschedule::later_on_disconnect));
/// false for any other, and up to 1.11.1 (the plan's disconnecting ones
/// never wait: that function's rule). `Err` where it is not known.
pub(in crate::world) fn disconnecting_later(
    a: &Value,
    alloc: &Allocation,
    spec: &Job,
    version: NomadVersion,
    now: Option<i128>,
    node: NodeState,
) -> Result<bool, &'static str> {
    use crate::structs::disconnected_node::{on_disconnected, OnDisconnected};
    let generic = matches!(alloc.job_type, JobType::Service | JobType::Batch);
    let here = generic && late(version) && matches!(node, NodeState::Disconnected);
    let Some(g) = spec.group(&alloc.task_group).filter(|_| here) else {
        return Ok(false);
    };
    if s(a, "ClientStatus") == "unknown"
        || on_disconnected(Some(g), alloc.client_status, version)
            != Some(OnDisconnected::Disconnecting)
    {
        return Ok(false);
    }
    super::super::api_reschedule::later_on_disconnect(a, g, now)
}

/// Whether the allocation's JSON could have `updateByReschedulable` place
/// it now while disconnecting (from 1.11.2): `DesiredTransition.ForceReschedule`,
/// or a `RescheduleTracker` event whose `Delay` is 1s or less (or absent),
/// from which `NextDelay` (nomad/structs/alloc.go v2.0.5) could give a
/// next delay within `rescheduleWindowSize` (doubling or summing delays
/// over 1s never does; a constant delay is the policy's, 5s or more).
fn quick_reschedule(a: &Value) -> bool {
    const SECOND: i64 = 1_000_000_000;
    use super::super::api_json::{path_b, path_list};
    let forced = path_b(a, &["DesiredTransition", "ForceReschedule"]) == Some(true);
    let events = path_list(a, &["RescheduleTracker", "Events"]);
    let short = events
        .iter()
        .any(|e| e.typed_i64("Delay").is_none_or(|d| d <= SECOND));
    forced || short
}

/// Whether a service job's allocation that is not live (`alloc`, of the
/// job version `spec`; `held`: the import holds that version) on a node in
/// `disconnected` is one `nomad job plan` at `version` reads as lost
/// (stopped, its name placed again) where a ready node's reconciler would
/// drop it: [`lost_when_not_live`](crate::structs::disconnected_node::lost_when_not_live),
/// 1.3.0–1.11.1 unless its group does not replace. `Err` when that group
/// decides (1.7.2 on) and the import does not hold the version, or when
/// `lost_seen` (its `AllocStates` record a `lost` client status) and its
/// group stops its allocations after a disconnect: `WaitClientStop` then
/// counts from that time, and whether the stop (and every placement of
/// the group) is still delayed depends on the clock
/// ([`stop_delayed`](crate::structs::disconnected_node::stop_delayed)).
pub(in crate::world) fn lost_terminal(
    alloc: &Allocation,
    spec: &Job,
    held: bool,
    lost_seen: bool,
    disconnected: &std::collections::HashSet<String>,
    version: NomadVersion,
) -> Result<bool, &'static str> {
    use crate::structs::disconnected_node::{lost_when_not_live, stop_delayed};
    if alloc.is_live()
        || alloc.job_type != JobType::Service
        || !disconnected.contains(alloc.node_id.as_str())
    {
        return Ok(false);
    }
    let stopped = alloc.desired_status != crate::structs::DesiredStatus::Run;
    let status = alloc.client_status;
    // Lost whatever the group (the release drops it otherwise).
    if !lost_when_not_live(None, status, stopped, true, version) {
        return Ok(false);
    }
    if !held && version >= v(1, 7, 2) {
        return Err("not live on a disconnected node, of a job version the import does not hold, whose group decides whether Nomad's plan loses it (stopped, its name placed again)");
    }
    let g = spec.group(&alloc.task_group).filter(|_| held);
    let lost = lost_when_not_live(g, status, stopped, true, version);
    let timed = lost_seen && (!held || g.is_some_and(|g| stop_delayed(g, version)));
    if lost && timed {
        return Err("lost on a disconnected node in a group that stops its allocations after a disconnect, whose delayed stop (from its recorded lost time) holds back the group's placements or not as the clock says");
    }
    Ok(lost)
}

/// Why a live allocation on a disconnected node cannot be told.
pub(in crate::world) const DISCONNECTING: &str = "live on a disconnected node, which Nomad's reconciler marks `unknown` and replaces as the group's disconnect and reschedule rules allow (disconnecting), and nomad-preflight does not simulate";

/// [`DISCONNECTING`]'s on a down node (from 1.7.2, a group that does not
/// replace: `structs::disconnected_node::on_down`).
pub(in crate::world) const DOWN_DISCONNECTING: &str = "running on a down node in a group that does not replace it, which Nomad's reconciler marks `unknown` and keeps or replaces as the group's reschedule rules allow (disconnecting), and nomad-preflight does not simulate";
