//! A live service or batch allocation (pending or running, not `unknown`)
//! on a disconnected node, as the generic reconciler's `filterByTainted`
//! reads it: one rule for hand-written worlds and imports alike (the
//! scheduler's taint, `world::alloc_disconnected` and the import's
//! `world::api_alloc_generic::disconnecting` all ask [`on_disconnected`]).
//!
//! Nomad's rules, read at v1.3.0, v1.4.14, v1.5.10, v1.6.3, v1.7.2
//! (scheduler/reconcile_util.go `filterByTainted`), v1.8.0, v1.9.0,
//! v1.10.5 (the same, with `PreventRescheduleOnDisconnect`, later
//! `PreventReplaceOnDisconnect`, nomad/structs/structs.go),
//! v1.11.0–v1.11.1 (scheduler/reconciler/filters.go), v1.11.2 and v2.0.5
//! (filters.go after #27053, bdf5b27410, backported by 0cef49eb41, #27264;
//! v2.0.3's classification rules say the same):
//! - 1.3.0–1.11.1, as `nomad job plan` runs the scheduler (without
//!   disconnected-client support, see [`on_disconnected`]; the cluster's
//!   workers read the window, the plan does not): the group does not
//!   replace (1.7.2–1.7.7 `prevent_reschedule_on_lost`; 1.8–1.9 it or
//!   `disconnect.replace = false`; from 1.10 `replace = false` only):
//!   running → `disconnecting`, any other → untainted; else `lost`;
//! - from 1.11.2: pending → `lost`; no `disconnect.lost_after`
//!   (`DisconnectTimeout(now) == now`) → `lost`; else `disconnecting`.
//!
//! What the plan does with a `disconnecting` allocation is
//! [`in_plan`]'s: from 1.11.2 it is untainted; up to 1.11.1 the planned
//! group decides between untainted and a vacant slot (computeGroup's
//! disconnect branch, reconcile.go v1.7.2:497, v1.8.0:506, v1.10.5:507;
//! reconciler/reconcile_cluster.go v1.11.1:1636). [`told`] says where the
//! world cannot decide it ("cannot tell": `import::alloc-state`,
//! `world::alloc-state`).

use super::ClientStatus;
use crate::jobspec::TaskGroup;
use crate::version::NomadVersion;

const fn v(major: u32, minor: u32, patch: u32) -> NomadVersion {
    NomadVersion::new(major, minor, patch)
}

/// How `filterByTainted` sorts the allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDisconnected {
    /// `lost`: stopped, its name placed again.
    Lost,
    /// `untainted`: counted and updated as any.
    Untainted,
    /// `disconnecting`: marked `unknown`, replaced or not as its
    /// reschedule policy and deployment decide (not simulated).
    Disconnecting,
}

/// Whether `version` has #27053 (v1.11.2 on): every group keeps
/// disconnected clients, and `filterByTainted` reads the node first.
pub fn late(version: NomadVersion) -> bool {
    version.has_since(&[v(1, 11, 2)])
}

/// Whether `version` keeps an untainted `unknown` allocation out of the
/// ones too many (computeStop's `knownUntainted`, which filters by client
/// status whatever the support: reconcile.go v1.10.5:1039), with "when
/// there are unknown allocs, dont ignore them" (d3f30f44d7, #18701:
/// 1.4.14, 1.5.10, 1.6.3, 1.7.0).
pub fn acknowledged(version: NomadVersion) -> bool {
    version.has_since(&[v(1, 4, 14), v(1, 5, 10), v(1, 6, 3), v(1, 7, 0)])
}

/// The group's disconnect window (nanoseconds) when `version` reads it as
/// keeping disconnected clients (`SupportsDisconnectedClients`); `None`
/// when it does not: `max_client_disconnect` (1.3–1.7); it or a non-zero
/// `disconnect.lost_after` (1.8–1.10, `GetDisconnectLostTimeout`); a
/// non-zero `lost_after` (1.11.0–1.11.1); every group from 1.11.2, its
/// window `lost_after` (0 when unset).
pub fn window(g: &TaskGroup, version: NomadVersion) -> Option<i64> {
    let mcd = g.max_client_disconnect.map(|d| d.nanos());
    let lost_after = g
        .disconnect
        .as_ref()
        .and_then(|d| d.lost_after)
        .map_or(0, |d| d.nanos());
    if late(version) {
        return Some(lost_after);
    }
    if version >= v(1, 11, 0) {
        return (lost_after != 0).then_some(lost_after);
    }
    if version >= v(1, 8, 0) {
        let w = mcd.unwrap_or(lost_after);
        return (w != 0).then_some(w);
    }
    mcd
}

/// Whether `version` reads the group as not replacing an allocation on a
/// disconnected node when the scheduler runs without disconnected-client
/// support, as `nomad job plan` does up to 1.11.1: 1.7.2–1.7.7
/// `PreventRescheduleOnLost` (`prevent_reschedule_on_lost`, first in
/// v1.7.2, nomad/structs/structs.go v1.7.2:11040); 1.8–1.9
/// `PreventRescheduleOnDisconnect` (`disconnect.replace = false` or
/// `prevent_reschedule_on_lost`, structs.go v1.8.0:11315); 1.10 on
/// `PreventReplaceOnDisconnect` (`replace = false` only). The plan
/// applier's down-node exception reads the same helpers of the
/// allocation's own group (scheduler/applier/down_node.rs).
pub(crate) fn prevents(g: &TaskGroup, version: NomadVersion) -> bool {
    if version < v(1, 7, 2) {
        return false;
    }
    let no_replace = g.disconnect.as_ref().and_then(|d| d.replace) == Some(false);
    let lost = g.prevent_reschedule_on_lost && version < v(1, 10, 0);
    lost || (no_replace && version >= v(1, 8, 0))
}

/// How `nomad job plan` at `version` sorts a live allocation of `status`
/// on a disconnected node, by `g`, the group of the job version it runs
/// (`None`: a group that job does not have). `None` before 1.3 (no node
/// is disconnected).
///
/// Up to 1.11.1 the plan never reads the group's disconnect window: Job.Plan
/// runs the scheduler with `scheduler.Harness{State: ...}` (nomad/job_endpoint.go
/// v1.5.0:1818; `sstructs.PlanBuilder` in v1.11.0–v1.11.1), whose
/// `ServersMeetMinimumVersion` returns its unset field, false
/// (scheduler/testing.go v1.5.0:64, :253), and the generic scheduler passes
/// that as `supportsDisconnectedClients` (generic_sched.go v1.5.0:383). So
/// `filterByTainted`'s `else` branch decides (reconcile_util.go v1.3.0:269,
/// v1.7.2:279, v1.10.5:280; reconciler/filters.go v1.11.1:159): lost
/// whatever the window, unless the group does not replace ([`prevents`]),
/// then running → disconnecting, any other → untainted. The window is read
/// by the cluster's workers only; the check went in v1.11.2 (#27265).
pub fn on_disconnected(
    g: Option<&TaskGroup>,
    status: ClientStatus,
    version: NomadVersion,
) -> Option<OnDisconnected> {
    use OnDisconnected::*;
    if version < v(1, 3, 0) {
        return None;
    }
    let running = status == ClientStatus::Running;
    let pending = status == ClientStatus::Pending;
    let Some(g) = g else {
        return Some(Lost);
    };
    if late(version) {
        return Some(if pending || window(g, version) == Some(0) {
            Lost
        } else {
            Disconnecting
        });
    }
    Some(match (prevents(g, version), running) {
        (true, true) => Disconnecting,
        (true, false) => Untainted,
        (false, _) => Lost,
    })
}

/// How `nomad job plan` at `version` sorts a live allocation on a down
/// node (`unknown`: its client status is `unknown`, else `status`), by
/// `g`, the group of the job version it runs (`None`: not known, which
/// Nomad reads as replacing: `alloc.Job` nil).
///
/// `filterByTainted`'s branch for a node whose status is terminal: from
/// 1.7.2, when the group does not replace ([`prevents`]: the same helper
/// per release as the applier's isValidForDownNode), an `unknown` one is
/// untainted and a running one `disconnecting`; anything else is lost
/// (reconcile_util.go v1.7.2:364-378 and v1.7.7 with
/// `PreventRescheduleOnLost`, v1.8.0 and v1.9.7
/// `PreventRescheduleOnDisconnect`, v1.10.0 and v1.10.5
/// `PreventReplaceOnDisconnect`; reconciler/filters.go v1.11.0-v1.11.3
/// and v2.0.0-v2.0.2 `!ReplaceOnDisconnect`, the classification rules
/// "Terminal node allocations ..." from v2.0.3 to v2.0.5). Before 1.7.2
/// every one is lost (v1.7.1: `taintedNode.TerminalStatus()` → lost).
/// Nothing before reaches it in a plan up to 1.11.1 (the disconnected-
/// client checks are off, see [`on_disconnected`]); from 1.11.2 an
/// `unknown` one past its window is `expiring` first (the caller's).
pub fn on_down(
    g: Option<&TaskGroup>,
    status: ClientStatus,
    unknown: bool,
    version: NomadVersion,
) -> OnDisconnected {
    match g.filter(|g| prevents(g, version)) {
        Some(_) if unknown => OnDisconnected::Untainted,
        Some(_) if status == ClientStatus::Running => OnDisconnected::Disconnecting,
        _ => OnDisconnected::Lost,
    }
}

/// Whether `nomad job plan` at `version` reads a service or batch job's
/// allocation that is not live (terminal on its client, or told to stop:
/// `server_terminal`) on a disconnected node as lost, where a ready node's
/// reconciler would drop it or count it: 1.3.0–1.11.1, unless the group of
/// the version it runs (`g`) does not replace (then untainted, read as
/// anywhere else). Job.Plan's scheduler reads every allocation of the job,
/// terminal ones too (`AllocsByJob(..., true)`, generic_sched.go
/// v1.7.2:367), and without disconnected-client support `filterByTainted`
/// sorts a disconnected node's allocations before its terminal check
/// (reconcile_util.go v1.3.0:257–272, v1.5.10:267–283, v1.7.2:279–292;
/// reconciler/filters.go v1.11.1:159): `lost`, so `computeStop` stops it
/// ("destroy") and `computePlacements` places its name again when the
/// group is short. 1.11.0–1.11.1 first drop a service job's
/// server-terminal ones (`filterServerTerminalAllocs`,
/// reconcile_cluster.go v1.11.1:404; a batch job's stay unless marked to
/// reschedule, which a hand-written world cannot say). From 1.11.2 a
/// terminal one is read before the node (not here). A batch job's of an
/// older version is ignored before all that (`filterOldTerminalAllocs`,
/// reconcile.go v1.7.2:452: the scheduler's).
pub fn lost_when_not_live(
    g: Option<&TaskGroup>,
    status: ClientStatus,
    server_terminal: bool,
    service: bool,
    version: NomadVersion,
) -> bool {
    let dropped = service && server_terminal && version >= v(1, 11, 0);
    !late(version) && !dropped && on_disconnected(g, status, version) == Some(OnDisconnected::Lost)
}

/// Whether `version`'s reconciler delays the stop of a lost allocation of
/// group `g` (the version it runs), and with it every placement of the
/// group (`delayByStopAfterClientDisconnect`, from 1.10
/// `delayByStopAfter`: `ShouldClientStop`, then `WaitClientStop` after
/// now). `ShouldClientStop` (nomad/structs/structs.go v0.11.2:8448,
/// v1.5.10:10474, v1.8.0:11234, v1.10.5:11376; nomad/structs/alloc.go
/// v1.11.1:500, v2.0.5:550) wants a non-zero stop timeout: 0.11.2–1.7.x
/// `stop_after_client_disconnect`; 1.8–1.9 it, else
/// `disconnect.stop_on_client_after` (`GetDisconnectStopTimeout`,
/// structs.go v1.8.0:7537); from 1.10 `stop_on_client_after` only (the
/// agent no longer converts the old field, command/agent/job_endpoint.go
/// v1.10.5). `WaitClientStop` counts from the allocation's first `lost`
/// client status in `AllocStates`, else from now: a hand-written world's
/// allocation has none, so the stop is always later (an import's
/// recorded one is the import's to judge).
pub fn stop_delayed(g: &TaskGroup, version: NomadVersion) -> bool {
    let nonzero = |d: Option<crate::jobspec::Duration>| d.is_some_and(|d| d.nanos() != 0);
    let block = g.disconnect.as_ref().and_then(|d| d.stop_on_client_after);
    if version < v(0, 11, 2) {
        false
    } else if version < v(1, 8, 0) {
        nonzero(g.stop_after_client_disconnect)
    } else if version < v(1, 10, 0) {
        nonzero(g.stop_after_client_disconnect.or(block))
    } else {
        nonzero(block)
    }
}

/// Where `nomad job plan` puts a `disconnecting` allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InPlan {
    /// Counted and updated as any (`untainted`).
    Untainted,
    /// In no set: neither counted nor stopped, its name left out of the
    /// name index, so the group places what it is short of under the
    /// lowest free names (computePlacements' "remaining placements").
    Vacant,
}

/// What `nomad job plan` at `version` does with a `disconnecting`
/// allocation when the planned job's group is `planned` (the allocation's
/// own group only decided that it is disconnecting, [`on_disconnected`]).
///
/// From 1.11.2 (#27053) it is untainted: `computeDisconnecting`
/// (reconciler/reconcile_cluster.go v1.11.2:1618, v2.0.5 the same) sends
/// it through `filterByRescheduleable(isDisconnecting)`, and
/// `updateByReschedulable` (filters.go v1.11.2:399) keeps it untainted for
/// an active deployment or `replace = false`, and otherwise places it now
/// only when `NextRescheduleTimeByTime(now)` is within
/// `rescheduleWindowSize`, 1s: with no tracker events that is the policy's
/// delay, validated at 5s or more (the exceptions are [`told`]'s).
///
/// Up to 1.11.1 computeGroup reads the planned group (reconcile.go
/// v1.7.2:497–524, v1.8.0:506–526, v1.10.5:507–520; reconcile_cluster.go
/// v1.11.1:1636 `computeDisconnecting`):
/// - it keeps a disconnect window: 1.7.2–1.7.7 `MaxClientDisconnect !=
///   nil`, 1.8–1.9 `GetDisconnectLostTimeout() != 0` (`max_client_disconnect`
///   when set, else `disconnect.lost_after`), from 1.10 `lost_after != 0`
///   (1.10 no longer converts `max_client_disconnect`,
///   command/agent/job_endpoint.go v1.10.5): `filterByRescheduleable`,
///   untainted as from 1.11.2 (1.8–1.11.1 `RescheduleTimeOnDisconnect`
///   returns `(now, replace)` for an allocation whose group sets
///   `replace`: false, untainted; true is [`told`]'s exception);
/// - else 1.7.2–1.9.x `tg.PreventRescheduleOnLost` (the field only, not
///   `disconnect.replace`): untainted;
/// - else it joins no set: `nameIndex` is seeded with untainted, migrate,
///   rescheduleNow and lost (reconcile.go v1.7.2:540), so its name is
///   free; `computeStop` never sees it and `computePlacements` places the
///   group's shortfall under the lowest free names. Only
///   `appendUnknownDisconnectingUpdates` keeps it (`disconnectUpdates`,
///   never printed: scheduler/annotate.go `annotateTaskGroup`).
///
/// The follow-up evaluations (`createTimeoutLaterEvals`, reschedule later)
/// are never printed (command/job_plan.go `formatDryRun` prints only a
/// `rolling-update` one).
pub fn in_plan(planned: &TaskGroup, version: NomadVersion) -> InPlan {
    if late(version) {
        return InPlan::Untainted;
    }
    let mcd = planned.max_client_disconnect.map(|d| d.nanos());
    let lost_after = planned
        .disconnect
        .as_ref()
        .and_then(|d| d.lost_after)
        .map_or(0, |d| d.nanos());
    let window = if version >= v(1, 10, 0) {
        lost_after != 0
    } else if version >= v(1, 8, 0) {
        mcd.unwrap_or(lost_after) != 0
    } else {
        mcd.is_some()
    };
    let prevent = planned.prevent_reschedule_on_lost && version < v(1, 10, 0);
    if window || prevent {
        InPlan::Untainted
    } else {
        InPlan::Vacant
    }
}

/// Whether the world decides [`in_plan`] for a `disconnecting`
/// allocation of group `g` (the job version it runs) at `version`:
/// - `quick`: its reschedule tracker could give a next delay of 1s or
///   less (`NextDelay` doubles or sums the last events' delays,
///   nomad/structs/alloc.go v2.0.5; a hand-written world's
///   `reschedule_nodes` hold no delays), or it is marked to force a
///   reschedule (`ShouldForceReschedule`): `updateByReschedulable` may
///   place it now. Not told, at any release (up to 1.11.1 conservatively:
///   only a planned group with a window reads the tracker);
/// - 1.8–1.9, a group with `prevent_reschedule_on_lost` and `disconnect {
///   replace = true }`: `RescheduleTimeOnDisconnect` gives `(now, true)`,
///   a reschedule placed now unless an active deployment holds it
///   (updateByReschedulable, reconcile_util.go v1.8.0:492). Nomad 1.8–1.9
///   refuses such a group ("using both prevent_reschedule_on_lost and
///   replace is not allowed", structs.go v1.8.0:6966, v1.9.7:7152), so
///   only a world that holds what Nomad would not register has one: not
///   told.
pub fn told(g: Option<&TaskGroup>, version: NomadVersion, quick: bool) -> bool {
    if quick {
        return false;
    }
    let both = g.is_some_and(|g| {
        g.prevent_reschedule_on_lost && g.disconnect.as_ref().and_then(|d| d.replace) == Some(true)
    });
    !(both && version >= v(1, 8, 0) && version < v(1, 10, 0))
}

/// A group with `prevent_reschedule_on_lost` = `prevent` and, when
/// `replace` is set, a `disconnect { replace = ... }` block: the group the
/// tests of this rule's readers build (the reconciler's
/// `reconcile_disconnect`, the applier's `down_node`).
#[cfg(test)]
pub(crate) fn test_group(prevent: bool, replace: Option<bool>) -> TaskGroup {
    TaskGroup {
        prevent_reschedule_on_lost: prevent,
        disconnect: replace.map(|r| crate::jobspec::Disconnect {
            replace: Some(r),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{Disconnect, Duration};
    use OnDisconnected::*;

    fn group(mcd: Option<i64>, lost_after: Option<i64>, replace: Option<bool>) -> TaskGroup {
        TaskGroup {
            max_client_disconnect: mcd.map(Duration::secs),
            disconnect: (lost_after.is_some() || replace.is_some()).then(|| Disconnect {
                lost_after: lost_after.map(Duration::secs),
                replace,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn at(g: &TaskGroup, s: ClientStatus, rel: (u32, u32, u32)) -> Option<OnDisconnected> {
        on_disconnected(Some(g), s, v(rel.0, rel.1, rel.2))
    }

    #[test]
    fn from_1_11_2_a_disconnecting_allocation_is_untainted_in_a_plan() {
        let plain = group(None, None, None);
        assert_eq!(in_plan(&plain, v(1, 11, 2)), InPlan::Untainted);
        assert_eq!(in_plan(&plain, v(2, 0, 5)), InPlan::Untainted);
        assert!(told(Some(&plain), v(2, 0, 5), false));
        assert!(!told(Some(&plain), v(2, 0, 5), true));
    }

    #[test]
    fn up_to_1_11_1_the_planned_group_keeps_it_or_leaves_its_slot_vacant() {
        use InPlan::*;
        let plain = group(None, None, None);
        let mcd = group(Some(60), None, None);
        let mcd0 = group(Some(0), None, None);
        let la = group(None, Some(60), None);
        let keep = group(None, None, Some(false));
        let prevent = TaskGroup {
            prevent_reschedule_on_lost: true,
            ..Default::default()
        };
        // 1.7.2–1.7.7: `MaxClientDisconnect != nil`, else the field.
        assert_eq!(in_plan(&mcd, v(1, 7, 2)), Untainted);
        assert_eq!(in_plan(&mcd0, v(1, 7, 7)), Untainted);
        assert_eq!(in_plan(&prevent, v(1, 7, 2)), Untainted);
        assert_eq!(in_plan(&plain, v(1, 7, 2)), Vacant);
        assert_eq!(in_plan(&la, v(1, 7, 7)), Vacant);
        // 1.8–1.9: a non-zero window, else the field (not `replace`).
        assert_eq!(in_plan(&la, v(1, 8, 0)), Untainted);
        assert_eq!(in_plan(&mcd, v(1, 9, 7)), Untainted);
        assert_eq!(in_plan(&mcd0, v(1, 8, 0)), Vacant);
        assert_eq!(in_plan(&prevent, v(1, 9, 7)), Untainted);
        assert_eq!(in_plan(&keep, v(1, 8, 0)), Vacant);
        // 1.10–1.11.1: `lost_after` only.
        assert_eq!(in_plan(&la, v(1, 10, 0)), Untainted);
        assert_eq!(in_plan(&la, v(1, 11, 1)), Untainted);
        assert_eq!(in_plan(&mcd, v(1, 10, 5)), Vacant);
        assert_eq!(in_plan(&prevent, v(1, 10, 0)), Vacant);
        assert_eq!(in_plan(&keep, v(1, 11, 1)), Vacant);
    }

    #[test]
    fn a_group_nomad_1_8_refuses_or_a_quick_tracker_is_not_told() {
        let both = TaskGroup {
            prevent_reschedule_on_lost: true,
            ..group(None, None, Some(true))
        };
        assert!(!told(Some(&both), v(1, 8, 0), false));
        assert!(!told(Some(&both), v(1, 9, 7), false));
        assert!(told(Some(&both), v(1, 7, 2), false));
        assert!(told(Some(&both), v(1, 10, 0), false));
        let keep = group(None, None, Some(false));
        assert!(told(Some(&keep), v(1, 8, 0), false));
        assert!(!told(Some(&keep), v(1, 8, 0), true));
        assert!(told(None, v(1, 8, 0), false));
    }

    #[test]
    fn a_terminal_allocation_is_lost_up_to_1_11_1_unless_its_group_keeps_it() {
        let plain = group(None, None, None);
        let prevent = TaskGroup {
            prevent_reschedule_on_lost: true,
            ..Default::default()
        };
        let done = ClientStatus::Complete;
        let lost = |g: Option<&TaskGroup>, s, stop: bool, service: bool, rel: (u32, u32, u32)| {
            lost_when_not_live(g, s, stop, service, v(rel.0, rel.1, rel.2))
        };
        assert!(lost(Some(&plain), done, false, true, (1, 3, 0)));
        assert!(lost(
            Some(&plain),
            ClientStatus::Failed,
            false,
            true,
            (1, 11, 1)
        ));
        assert!(lost(Some(&prevent), done, false, true, (1, 7, 1)));
        assert!(!lost(Some(&prevent), done, false, true, (1, 7, 2)));
        assert!(lost(Some(&prevent), done, false, true, (1, 10, 0)));
        assert!(!lost(Some(&plain), done, false, true, (1, 11, 2)));
        assert!(!lost(Some(&plain), done, false, true, (1, 2, 16)));
        assert!(lost(None, done, false, true, (1, 5, 0)));
        // A server-stopped one: lost up to 1.10.x; 1.11.0–1.11.1 drop a
        // service job's first, keep a batch job's.
        assert!(lost(Some(&plain), done, true, true, (1, 10, 5)));
        assert!(!lost(Some(&plain), done, true, true, (1, 11, 0)));
        assert!(lost(Some(&plain), done, true, false, (1, 11, 1)));
    }

    #[test]
    fn a_plan_before_1_11_2_reads_no_window() {
        let run = ClientStatus::Running;
        let pend = ClientStatus::Pending;
        let mcd = group(Some(60), None, None);
        // Job.Plan's Harness says the servers do not support disconnected
        // clients (scheduler/testing.go v1.5.0:253): lost, window or not.
        assert_eq!(at(&mcd, run, (1, 3, 0)), Some(Lost));
        assert_eq!(at(&mcd, pend, (1, 3, 0)), Some(Lost));
        assert_eq!(at(&mcd, run, (1, 10, 5)), Some(Lost));
        assert_eq!(at(&mcd, run, (1, 11, 0)), Some(Lost));
        let la = group(None, Some(60), None);
        assert_eq!(at(&la, run, (1, 7, 7)), Some(Lost));
        assert_eq!(at(&la, run, (1, 8, 0)), Some(Lost));
        assert_eq!(at(&la, run, (1, 11, 1)), Some(Lost));
        // From 1.11.2 (#27265) the plan reads the window.
        assert_eq!(at(&la, run, (1, 11, 2)), Some(Disconnecting));
        assert_eq!(at(&la, pend, (2, 0, 5)), Some(Lost));
        // Before 1.3 no node is disconnected.
        assert_eq!(at(&mcd, run, (1, 2, 16)), None);
    }

    #[test]
    fn a_group_that_keeps_none_loses_it_unless_it_does_not_replace() {
        let run = ClientStatus::Running;
        let pend = ClientStatus::Pending;
        let plain = group(None, None, None);
        assert_eq!(at(&plain, run, (1, 5, 6)), Some(Lost));
        assert_eq!(at(&plain, run, (1, 11, 1)), Some(Lost));
        // From 1.11.2 a group without lost_after: lost at once.
        assert_eq!(at(&plain, run, (1, 11, 2)), Some(Lost));
        assert_eq!(at(&plain, run, (2, 0, 5)), Some(Lost));
        let keep = group(None, None, Some(false));
        assert_eq!(at(&keep, run, (1, 7, 7)), Some(Lost));
        assert_eq!(at(&keep, run, (1, 8, 0)), Some(Disconnecting));
        assert_eq!(at(&keep, pend, (1, 8, 0)), Some(Untainted));
        assert_eq!(at(&keep, pend, (1, 11, 1)), Some(Untainted));
        assert_eq!(at(&keep, run, (2, 0, 5)), Some(Lost));
        let prevent = TaskGroup {
            prevent_reschedule_on_lost: true,
            ..Default::default()
        };
        // prevent_reschedule_on_lost is read from 1.7.2 (reconcile_util.go
        // v1.7.2:280), not by 1.7.1, which has no such field.
        assert_eq!(at(&prevent, run, (1, 7, 1)), Some(Lost));
        assert_eq!(at(&prevent, run, (1, 7, 2)), Some(Disconnecting));
        assert_eq!(at(&prevent, pend, (1, 7, 7)), Some(Untainted));
        let both = TaskGroup {
            prevent_reschedule_on_lost: true,
            ..group(Some(60), None, None)
        };
        assert_eq!(at(&both, pend, (1, 7, 2)), Some(Untainted));
        assert_eq!(at(&prevent, run, (1, 9, 7)), Some(Disconnecting));
        assert_eq!(at(&prevent, pend, (1, 9, 7)), Some(Untainted));
        assert_eq!(at(&prevent, run, (1, 10, 0)), Some(Lost));
        assert_eq!(on_disconnected(None, run, v(1, 8, 0)), Some(Lost));
    }

    #[test]
    fn on_a_down_node_a_group_that_does_not_replace_keeps_it_from_1_7_2() {
        let run = ClientStatus::Running;
        let pend = ClientStatus::Pending;
        let prevent = TaskGroup {
            prevent_reschedule_on_lost: true,
            ..Default::default()
        };
        let keep = group(None, None, Some(false));
        let plain = group(None, None, None);
        let at = |g: Option<&TaskGroup>, s, unknown, rel: (u32, u32, u32)| {
            on_down(g, s, unknown, v(rel.0, rel.1, rel.2))
        };
        for (g, rel, want) in [
            (&prevent, (1, 7, 1), Lost),
            (&prevent, (1, 7, 2), Disconnecting),
            (&prevent, (1, 9, 7), Disconnecting),
            (&prevent, (1, 10, 0), Lost),
            (&keep, (1, 7, 7), Lost),
            (&keep, (1, 8, 0), Disconnecting),
            (&keep, (2, 0, 5), Disconnecting),
            (&plain, (2, 0, 5), Lost),
        ] {
            assert_eq!(at(Some(g), run, false, rel), want, "{rel:?}");
            // An `unknown` one is kept where a running one is marked.
            let kept = if want == Disconnecting {
                Untainted
            } else {
                Lost
            };
            assert_eq!(at(Some(g), run, true, rel), kept, "{rel:?}");
            // A pending one is lost whatever the group.
            assert_eq!(at(Some(g), pend, false, rel), Lost, "{rel:?}");
        }
        // Its group not known: replaced (alloc.Job nil).
        assert_eq!(at(None, run, true, (2, 0, 5)), Lost);
    }

    #[test]
    fn an_unknown_allocation_is_out_of_the_count_from_18701() {
        for (rel, want) in [
            ((1, 3, 0), false),
            ((1, 4, 13), false),
            ((1, 4, 14), true),
            ((1, 5, 9), false),
            ((1, 5, 10), true),
            ((1, 6, 2), false),
            ((1, 6, 3), true),
            ((1, 7, 0), true),
            ((2, 0, 5), true),
        ] {
            assert_eq!(acknowledged(v(rel.0, rel.1, rel.2)), want, "{rel:?}");
        }
    }
}
