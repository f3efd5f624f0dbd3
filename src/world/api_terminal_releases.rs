//! Where Nomad's releases read a terminal allocation (and one live
//! allocation) differently, for the import's batch and service decisions
//! ([`super::api_alloc_batch`], [`super::api_alloc_failed`],
//! [`super::api_alloc_state`]): mostly the releases before 1.6, and the
//! batch reschedule transition read from 1.11.
//!
//! Verified tag by tag against hashicorp/nomad, 0.9.0 to 1.6.0:
//! - `filterOldTerminalAllocs` (scheduler/reconcile.go) is the same
//!   throughout: a terminal allocation of an older `Job.Version` or
//!   `Job.CreateIndex` is ignored.
//! - `updateByReschedulable`, `Allocation.NextRescheduleTime`,
//!   `NextDelay` and `LastEventTime` (nomad/structs/structs.go) decide a
//!   failed allocation's reschedule the same throughout (1.5 moved the
//!   interval count into `rescheduleInfo`, 1.6 onto `RescheduleTracker`:
//!   the same arithmetic). 1.6.0's change to `RescheduleEligible` is that
//!   move too, and the reconciler never calls it (only
//!   `Node.UpdateAlloc`'s follow-up evaluation does).
//! - What differs is listed below, one function per rule, each citing the
//!   first tag of every release line that has it.

use crate::version::NomadVersion;

const fn v(major: u32, minor: u32, patch: u32) -> NomadVersion {
    NomadVersion::new(major, minor, patch)
}

/// The first release whose import this module decides: the oldest the
/// tool simulates (0.9.0 reads terminal allocations as 0.9.3 does: the
/// reconciler files differ only in deployment descriptions).
pub(super) const OLDEST: NomadVersion = v(0, 9, 0);

/// Whether a batch job's allocation the server evicted (preempted) after
/// every task succeeded stays counted, as a stopped one does: until
/// `shouldFilter` split `AllocDesiredStatusEvict` from `Stop` ("reschedule
/// evicted batch job when resources become available"), first in 1.1.15,
/// 1.2.9 and 1.3.2, and in 1.4.0 onward. From then an evicted one is
/// dropped and its name placed again.
pub(super) fn evicted_success_counts(version: NomadVersion) -> bool {
    !version.has_since(&[v(1, 1, 15), v(1, 2, 9), v(1, 3, 2)])
}

/// How `version`'s `filterByTainted` tells an allocation whose client
/// reconnected (only in a group with `max_client_disconnect`, from 1.3.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reconnect {
    /// Before 1.3.0: clients do not disconnect, nothing is read.
    Never,
    /// `Allocation.Reconnected`: a task event of type `Reconnected`, ever
    /// (1.3.0–1.3.7, 1.4.0–1.4.2).
    TaskEvent,
    /// `Allocation.NeedsToReconnect`: the last `ClientStatus` in
    /// `AllocStates` is `unknown` (1.3.8, 1.4.3, 1.5.0 onward: "Update
    /// alloc after reconnect and enforce client heartbeat order").
    AllocStates,
}

pub(super) fn reconnect(version: NomadVersion) -> Reconnect {
    if version < v(1, 3, 0) {
        Reconnect::Never
    } else if version.has_since(&[v(1, 3, 8), v(1, 4, 3)]) {
        Reconnect::AllocStates
    } else {
        Reconnect::TaskEvent
    }
}

/// Whether `version`'s reconciler counts a live allocation that names a
/// `NextAllocation`. Before 0.12.5 `filterByRescheduleable` skipped every
/// allocation with one, live or not, so a live one left its name free and
/// the plan placed another; 0.12.5 and 1.0.0 skip only terminal ones
/// ("Only ignore rescheduled allocations if they got stopped").
pub(super) fn counts_live_replaced(version: NomadVersion) -> bool {
    version.has_since(&[v(0, 12, 5)])
}

/// Whether `version`'s reconciler reads a batch allocation's
/// `DesiredTransition.Reschedule` (set by `nomad alloc stop`): from 1.11.0
/// (scheduler/reconciler/filters.go `shouldFilter` and
/// `filterServerTerminalAllocs`, "fix scheduling behavior of batch job
/// allocs"). Before, `shouldFilter` (scheduler/reconcile_util.go) does not
/// look at it, and `updateByReschedulable` weighs it only against an
/// active deployment, which a batch job never has; only a reconnecting
/// allocation reads it, and a reconnect is never decided here.
pub(super) fn reads_reschedule_transition(version: NomadVersion) -> bool {
    version >= v(1, 11, 0)
}

/// Which terminal allocations `version`'s `filterByTainted` puts in its
/// `ignore` set (when their client is not reconnecting): counted as
/// ignored, out of the group's count, so their names are placed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TaintedIgnore {
    /// None: every terminal allocation is untainted (before 1.4.14,
    /// 1.5.0–1.5.9, 1.6.0–1.6.2).
    Never,
    /// Every terminal allocation of a group that keeps disconnected
    /// clients ("probably stopped replacements"): 1.4.14, 1.5.10–1.5.16,
    /// 1.6.3–1.6.9, 1.7.0–1.7.6.
    TerminalInDisconnectGroup,
    /// A server-terminal one (desired `stop` or `evict`) of such a group:
    /// 1.5.17, 1.6.10, 1.7.7, 1.8.0–1.11.1.
    ServerTerminalInDisconnectGroup,
    /// A server-terminal one of any group: 1.11.2 and 2.0 on
    /// (scheduler/reconciler/filters.go, #27264; from 2.0.3
    /// `classifyAllocs`' rule "Server-terminal allocs should be ignored").
    ServerTerminal,
}

pub(super) fn tainted_ignore(version: NomadVersion) -> TaintedIgnore {
    if version.has_since(&[v(1, 11, 2)]) {
        TaintedIgnore::ServerTerminal
    } else if version.has_since(&[v(1, 5, 17), v(1, 6, 10), v(1, 7, 7), v(1, 8, 0)]) {
        TaintedIgnore::ServerTerminalInDisconnectGroup
    } else if version.has_since(&[v(1, 4, 14), v(1, 5, 10), v(1, 6, 3), v(1, 7, 0)]) {
        TaintedIgnore::TerminalInDisconnectGroup
    } else {
        TaintedIgnore::Never
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_evicted_batch_allocation_that_succeeded_counts_until_the_split() {
        // shouldFilter: `case Stop, Evict:` at v1.1.14, v1.2.8, v1.3.1;
        // `case Stop:` then `case Evict: return false, true` at v1.1.15,
        // v1.2.9, v1.3.2, v1.4.0 and on.
        for old in [v(0, 9, 3), v(0, 12, 12), v(1, 0, 18), v(1, 1, 14)] {
            assert!(evicted_success_counts(old), "{old}");
        }
        for old in [v(1, 2, 8), v(1, 3, 0), v(1, 3, 1)] {
            assert!(evicted_success_counts(old), "{old}");
        }
        for new in [v(1, 1, 15), v(1, 2, 9), v(1, 3, 2), v(1, 4, 0), v(1, 5, 6)] {
            assert!(!evicted_success_counts(new), "{new}");
        }
    }

    #[test]
    fn a_reconnect_is_read_from_task_events_then_alloc_states() {
        // nomad/structs/structs.go: `Reconnected` at v1.3.0–v1.3.7 and
        // v1.4.0–v1.4.2, `NeedsToReconnect` at v1.3.8, v1.4.3, v1.5.0.
        assert_eq!(reconnect(v(1, 2, 16)), Reconnect::Never);
        assert_eq!(reconnect(v(1, 3, 0)), Reconnect::TaskEvent);
        assert_eq!(reconnect(v(1, 3, 7)), Reconnect::TaskEvent);
        assert_eq!(reconnect(v(1, 3, 8)), Reconnect::AllocStates);
        assert_eq!(reconnect(v(1, 4, 0)), Reconnect::TaskEvent);
        assert_eq!(reconnect(v(1, 4, 2)), Reconnect::TaskEvent);
        assert_eq!(reconnect(v(1, 4, 3)), Reconnect::AllocStates);
        assert_eq!(reconnect(v(1, 5, 0)), Reconnect::AllocStates);
        assert_eq!(reconnect(v(2, 0, 5)), Reconnect::AllocStates);
    }

    #[test]
    fn a_batch_reschedule_transition_is_read_from_1_11() {
        // shouldFilter at v1.10.5 and v1.5.6: no DesiredTransition; at
        // v1.11.0: `if alloc.DesiredTransition.ShouldReschedule()`.
        assert!(!reads_reschedule_transition(v(0, 9, 3)));
        assert!(!reads_reschedule_transition(v(1, 5, 17)));
        assert!(!reads_reschedule_transition(v(1, 10, 5)));
        assert!(reads_reschedule_transition(v(1, 11, 0)));
        assert!(reads_reschedule_transition(v(2, 0, 5)));
    }

    #[test]
    fn the_terminal_allocations_filter_by_tainted_ignores_per_release() {
        // reconcile_util.go filterByTainted ("probably stopped
        // replacements"): `if supportsDisconnectedClients {` at v1.4.14,
        // v1.5.10, v1.6.3, v1.7.0; `&& alloc.ServerTerminalStatus()` at
        // v1.5.17, v1.6.10, v1.7.7, v1.8.0 to v1.11.1; without the group
        // condition at v1.11.2, v2.0.0 (filters.go), v2.0.3 (classifyAllocs).
        use TaintedIgnore::*;
        for (rel, want) in [
            (v(1, 3, 16), Never),
            (v(1, 4, 13), Never),
            (v(1, 4, 14), TerminalInDisconnectGroup),
            (v(1, 5, 9), Never),
            (v(1, 5, 10), TerminalInDisconnectGroup),
            (v(1, 5, 16), TerminalInDisconnectGroup),
            (v(1, 5, 17), ServerTerminalInDisconnectGroup),
            (v(1, 6, 2), Never),
            (v(1, 6, 3), TerminalInDisconnectGroup),
            (v(1, 6, 10), ServerTerminalInDisconnectGroup),
            (v(1, 7, 6), TerminalInDisconnectGroup),
            (v(1, 7, 7), ServerTerminalInDisconnectGroup),
            (v(1, 10, 5), ServerTerminalInDisconnectGroup),
            (v(1, 11, 1), ServerTerminalInDisconnectGroup),
            (v(1, 11, 2), ServerTerminal),
            (v(2, 0, 5), ServerTerminal),
        ] {
            assert_eq!(tainted_ignore(rel), want, "{rel}");
        }
    }

    #[test]
    fn a_live_replaced_allocation_counts_from_0_12_5() {
        // reconcile_util.go filterByRescheduleable: `NextAllocation != ""`
        // up to v0.12.4, `&& alloc.TerminalStatus()` from v0.12.5.
        assert!(!counts_live_replaced(v(0, 9, 3)));
        assert!(!counts_live_replaced(v(0, 11, 8)));
        assert!(!counts_live_replaced(v(0, 12, 4)));
        assert!(counts_live_replaced(v(0, 12, 5)));
        assert!(counts_live_replaced(v(1, 0, 0)));
    }
}
