//! Which imported allocations the simulation cannot hold as Nomad's
//! reconciler reads them. The simulation keeps live allocations only; an
//! allocation Nomad still reads that is not live (or live in a state the
//! simulation lacks) makes its job's plan a guess ([`super::guess`],
//! `import::alloc-state`) rather than a plan that forgot it.
//!
//! Nomad's rules (`scheduler/reconcile_util.go` `shouldFilter` and
//! `filterByRescheduleable`, `filterOldTerminalAllocs`; from 2.0
//! `scheduler/reconciler/filters.go`, the same rules):
//! - service: a terminal allocation is dropped when it was already
//!   replaced (`NextAllocation`), when the server stopped or evicted it, or
//!   when it completed or was lost. A `failed` one that was not replaced
//!   stays: rescheduled now, later (a delayed follow-up evaluation), or,
//!   past its attempts, kept in the group's count so nothing replaces it.
//!   From 1.6 that is decided at the import's time
//!   ([`super::api_reschedule`], [`reschedule_read`]); before, or where
//!   the import cannot say, the job is a guess. From 1.8.1 a stopped allocation whose last
//!   reschedule failed (`RescheduleTracker.LastReschedule`) is read too.
//! - batch: every terminal allocation counts: a finished one of the
//!   current version stays in the count (Nomad does not run it again), one
//!   of an older version is counted as `ignore`, a failed one reschedules.
//!   From 1.6 that is simulated ([`super::api_alloc_batch`]); before, the
//!   job is a guess.
//! - sysbatch (1.2+): a finished allocation keeps its node from running the
//!   job again. That is simulated ([`super::api_alloc_batch`]), under every
//!   release that has sysbatch.
//! - system: terminal allocations are filtered out (`FilterTerminalAllocs`)
//!   and the node gets a new one, as the simulation does.

use serde_json::Value;

use super::api_json::{path, s};
use crate::jobspec::JobType;
use crate::version::NomadVersion;

/// What of a live allocation the reconciler reads that is not simulated:
/// `unknown` (its client disconnected inside `max_client_disconnect`, 1.3+:
/// Nomad has placed a replacement and keeps both until the client
/// reconnects), or a canary of a deployment in progress (promotion, the
/// deployment's own counts).
pub(super) fn live_unsimulated(a: &Value) -> Option<&'static str> {
    if s(a, "ClientStatus") == "unknown" {
        return Some("`unknown` (its client disconnected)");
    }
    let canary = a
        .get("DeploymentStatus")
        .and_then(|d| d.get("Canary"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    canary.then_some("a canary of a deployment in progress")
}

/// Whether `a` is a failed service allocation not replaced yet whose
/// reschedule is simulated ([`super::api_reschedule`], Nomad 1.6 to 2.0.5):
/// desired `run`, client `failed`, no `NextAllocation`.
pub(super) fn reschedule_read(a: &Value, job_type: JobType, version: NomadVersion) -> bool {
    version.at_least(1, 6, 0)
        && job_type == JobType::Service
        && s(a, "DesiredStatus") == "run"
        && s(a, "ClientStatus") == "failed"
        && s(a, "NextAllocation").is_empty()
}

/// What makes such an allocation's reschedule undecidable here: a node
/// that is disconnected (Nomad's releases sort a failed allocation there
/// differently: lost when the group allows no disconnect before 1.11,
/// untainted after), or a client that reconnected and reported it failed
/// (the last client status in `AllocStates` is `unknown`: Nomad reconciles
/// a reconnect, which is not simulated). The list form of
/// `/v1/allocations` has no `AllocStates`: a reconnect lasts until the
/// node's own evaluation, which runs at once.
pub(super) fn reconnect_unread(
    a: &Value,
    alloc: &crate::structs::Allocation,
    disconnected: &std::collections::HashSet<String>,
) -> Option<&'static str> {
    if disconnected.contains(alloc.node_id.as_str()) {
        return Some("its node is disconnected, where Nomad's releases treat a failed allocation differently");
    }
    let last = a
        .get("AllocStates")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .rev()
        .find(|st| s(st, "Field") == "ClientStatus");
    last.is_some_and(|st| s(st, "Value") == "unknown")
        .then_some(
        "its client reported it after reconnecting, a reconnect nomad-preflight does not simulate",
    )
}

/// `Allocation.LastRescheduleFailed`, which the reconciler reads from
/// 1.8.1 (`shouldFilter`): the tracker's `LastReschedule` is set and not
/// `ok` (`LastRescheduleSuccess`; a reschedule that found no node writes
/// `no placement`).
pub(super) fn last_reschedule_failed(a: &Value, version: NomadVersion) -> bool {
    let last = path(a, &["RescheduleTracker", "LastReschedule"])
        .and_then(Value::as_str)
        .unwrap_or_default();
    version.at_least(1, 8, 1) && !last.is_empty() && last != "ok"
}

/// What of a terminal allocation (desired `stop`/`evict`, or client
/// `complete`/`failed`/`lost`) of a `job_type` job the reconciler of
/// `version` still reads; `None` when it drops it, as the simulation does.
pub(super) fn terminal_read(
    a: &Value,
    job_type: JobType,
    version: NomadVersion,
) -> Option<&'static str> {
    match job_type {
        JobType::System => None,
        JobType::Sysbatch => Some(
            "finished, and a sysbatch job does not run again on a node where it finished",
        ),
        JobType::Batch => Some(
            "finished, and Nomad's reconciler counts a batch job's finished allocations (kept, ignored or rescheduled)",
        ),
        JobType::Service => {
            if !s(a, "NextAllocation").is_empty() {
                return None;
            }
            match s(a, "DesiredStatus").as_str() {
                "stop" | "evict" => last_reschedule_failed(a, version)
                    .then_some("stopped after its last reschedule failed, so Nomad tries it again"),
                _ => (s(a, "ClientStatus") == "failed").then_some(
                    "failed and not replaced yet (its reschedule is due now, delayed, or spent and it stays counted)",
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const V: NomadVersion = NomadVersion::new(1, 8, 1);

    #[test]
    fn a_service_allocation_counts_only_when_failed_and_not_replaced() {
        let read = |a: Value| terminal_read(&a, JobType::Service, V);
        let failed = json!({"DesiredStatus": "run", "ClientStatus": "failed"});
        assert!(read(failed).is_some());
        let replaced =
            json!({"DesiredStatus": "run", "ClientStatus": "failed", "NextAllocation": "b"});
        assert_eq!(read(replaced), None);
        for client in ["complete", "lost"] {
            assert_eq!(
                read(json!({"DesiredStatus": "run", "ClientStatus": client})),
                None
            );
        }
        let stopped = json!({"DesiredStatus": "stop", "ClientStatus": "failed"});
        assert_eq!(read(stopped), None);
        let retried = json!({"DesiredStatus": "stop", "ClientStatus": "complete",
            "RescheduleTracker": {"LastReschedule": "no placement"}});
        assert!(read(retried.clone()).is_some());
        // The reconciler reads the tracker's field from 1.8.1; a
        // successful last reschedule (`ok`) is not a failure.
        let ok = json!({"DesiredStatus": "stop", "ClientStatus": "complete",
            "RescheduleTracker": {"LastReschedule": "ok"}});
        assert_eq!(read(ok), None);
        let old = NomadVersion::new(1, 8, 0);
        assert_eq!(terminal_read(&retried, JobType::Service, old), None);
    }

    #[test]
    fn batch_and_sysbatch_read_every_finished_allocation_and_system_none() {
        let done = json!({"DesiredStatus": "run", "ClientStatus": "complete"});
        assert!(terminal_read(&done, JobType::Batch, V).is_some());
        assert!(terminal_read(&done, JobType::Sysbatch, V).is_some());
        assert_eq!(terminal_read(&done, JobType::System, V), None);
    }
}
