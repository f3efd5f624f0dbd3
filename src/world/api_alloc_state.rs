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
//!   That is decided at the import's time under every release simulated
//!   ([`super::api_reschedule`], [`reschedule_read`]; the releases before
//!   1.6 differ where [`super::api_terminal_releases`] says); where the
//!   import cannot say, the job is a guess. From 1.8.1 a stopped
//!   allocation whose last reschedule failed
//!   (`RescheduleTracker.LastReschedule`) is read too.
//! - batch: every terminal allocation counts: a finished one of the
//!   current version stays in the count (Nomad does not run it again), one
//!   of an older version is counted as `ignore`, a failed one reschedules.
//!   That is simulated ([`super::api_alloc_batch`]) under every release.
//! - sysbatch (1.2+): a finished allocation keeps its node from running the
//!   job again. That is simulated ([`super::api_alloc_batch`]), under every
//!   release that has sysbatch.
//! - system: terminal allocations are filtered out (`FilterTerminalAllocs`)
//!   and the node gets a new one, as the simulation does.

use crate::world::api_json::Fields as _;
use serde_json::Value;

use super::api_json::s;
use crate::jobspec::JobType;
use crate::version::NomadVersion;

/// What of a live allocation the reconciler of `version` reads that is
/// not simulated: a canary of a deployment in progress
/// (promotion, the deployment's own counts), or, before 0.12.5, one that
/// names a `NextAllocation`, which those releases' reconciler (service
/// and batch jobs) leaves out of the count
/// ([`super::api_terminal_releases::counts_live_replaced`]), or one
/// running whose reconnect the release reads and has not reconciled
/// ([`reconnect_unread`]'s rule).
pub(super) fn live_unsimulated(
    a: &Value,
    job_type: JobType,
    version: NomadVersion,
) -> Option<&'static str> {
    let reconciled = matches!(job_type, JobType::Service | JobType::Batch);
    // An `unknown` one, whatever its job type, is read (or called
    // unknown) by super::api_alloc_disconnect.
    if reconciled
        && !s(a, "NextAllocation").is_empty()
        && !super::api_terminal_releases::counts_live_replaced(version)
    {
        return Some("live and already replaced (NextAllocation), which Nomad before 0.12.5 leaves out of its group's count");
    }
    // filterByTainted reads a running allocation's reconnect as it reads a
    // failed one's: reconnecting, not untainted. In 1.3.0–1.3.7 and
    // 1.4.0–1.4.2 a `Reconnected` task event stays for good, so every
    // later evaluation reconciles it again.
    let running = s(a, "ClientStatus") == "running";
    if reconciled && running && reconnects(a, version).is_some() {
        return Some("running after its client reconnected, a reconnect Nomad's reconciler reads (filterByTainted) and nomad-preflight does not simulate");
    }
    is_canary(a).then_some("a canary of a deployment in progress")
}

/// Whether `a` was placed as a deployment's canary
/// (`DeploymentStatus.Canary`). Nomad's reconciler stops a canary that was
/// not promoted, of a deployment the plan cancels (an older version's) or
/// of a failed one, before anything else reads it
/// (`cancelUnneededCanaries`, scheduler/reconciler/reconcile_cluster.go
/// v2.0.5:730-783, v1.11.0:736; `handleGroupCanaries`,
/// scheduler/reconcile.go v0.9.3:556), reading the
/// deployment's `PlacedCanaries` and `Promoted`, which nomad-preflight does
/// not simulate: a live or failed canary is a guess either way.
pub(super) fn is_canary(a: &Value) -> bool {
    super::api_json::path_b(a, &["DeploymentStatus", "Canary"]).unwrap_or(false)
}

/// Why a failed canary's reschedule is not read ([`is_canary`]): the rest
/// of the sentence after "allocation X is failed and not replaced yet, and".
pub(super) const FAILED_CANARY: &str = "it is a canary of a deployment, which Nomad's reconciler stops instead of rescheduling unless the deployment promoted it (cancelUnneededCanaries), and nomad-preflight does not simulate deployments";

/// Whether `a` is a failed service allocation not replaced yet whose
/// reschedule is simulated ([`super::api_reschedule`], Nomad 0.9.0 to
/// 2.0.5): desired `run`, client `failed`, no `NextAllocation`.
pub(super) fn reschedule_read(a: &Value, job_type: JobType, version: NomadVersion) -> bool {
    version >= super::api_terminal_releases::OLDEST
        && job_type == JobType::Service
        && s(a, "DesiredStatus") == "run"
        && s(a, "ClientStatus") == "failed"
        && s(a, "NextAllocation").is_empty()
}

/// What makes such an allocation's reschedule undecidable here under
/// `version`: a node that is disconnected (Nomad's releases sort a failed
/// allocation there differently: lost when the group allows no disconnect
/// before 1.11, untainted after), or a client that reconnected and
/// reported it failed (Nomad reconciles a reconnect, which is not
/// simulated), as the release tells one
/// ([`super::api_terminal_releases::reconnect`]): from 1.3.8, 1.4.3 and
/// 1.5.0 the last client status in `AllocStates` is `unknown`; in 1.3.0 to
/// 1.3.7 and 1.4.0 to 1.4.2 a task has a `Reconnected` event; before 1.3
/// clients do not reconnect. The list form of `/v1/allocations` has no
/// `AllocStates`: a reconnect lasts until the node's own evaluation, which
/// runs at once.
pub(super) fn reconnect_unread(
    a: &Value,
    alloc: &crate::structs::Allocation,
    disconnected: &std::collections::HashSet<String>,
    version: NomadVersion,
) -> Option<&'static str> {
    use super::api_terminal_releases::Reconnect;
    if disconnected.contains(alloc.node_id.as_str()) {
        return Some("its node is disconnected, where Nomad's releases treat a failed allocation differently");
    }
    match reconnects(a, version)? {
        Reconnect::TaskEvent => Some("its client reported it after reconnecting (a task's `Reconnected` event), a reconnect nomad-preflight does not simulate"),
        _ => Some("its client reported it after reconnecting, a reconnect nomad-preflight does not simulate"),
    }
}

/// Whether `version`'s `filterByTainted` puts the terminal allocation
/// `alloc` (of a group that keeps disconnected clients when
/// `disconnects`) in its `ignore` set
/// ([`super::api_terminal_releases::tainted_ignore`]), its client not
/// reconnecting: counted as ignored, its name placed again.
pub(super) fn tainted_ignored(
    alloc: &crate::structs::Allocation,
    disconnects: bool,
    version: NomadVersion,
) -> bool {
    use super::api_terminal_releases::{tainted_ignore, TaintedIgnore};
    let server_terminal = alloc.desired_status != crate::structs::DesiredStatus::Run;
    !alloc.is_live()
        && match tainted_ignore(version) {
            TaintedIgnore::Never => false,
            TaintedIgnore::TerminalInDisconnectGroup => disconnects,
            TaintedIgnore::ServerTerminalInDisconnectGroup => disconnects && server_terminal,
            TaintedIgnore::ServerTerminal => server_terminal,
        }
}

/// Whether group `group` of `spec` (the job version an allocation runs)
/// keeps disconnected clients (`max_client_disconnect`, or a `disconnect`
/// block): `Allocation.SupportsDisconnectedClients`.
pub(super) fn keeps_disconnected(spec: &crate::jobspec::Job, group: &str) -> bool {
    spec.group(group)
        .is_some_and(|g| g.max_client_disconnect.is_some() || g.disconnect.is_some())
}

/// Why a service job's terminal allocation is counted as ignored by
/// `version`'s `filterByTainted` ([`tainted_ignored`]), which the
/// simulation, dropping it, does not count: before 1.11.0, whose
/// `filterServerTerminalAllocs` drops a service job's server-terminal
/// allocations first.
pub(super) fn service_tainted_ignored(
    alloc: &crate::structs::Allocation,
    disconnects: bool,
    version: NomadVersion,
) -> Option<&'static str> {
    (alloc.job_type == JobType::Service
        && version < NomadVersion::new(1, 11, 0)
        && tainted_ignored(alloc, disconnects, version))
    .then_some("terminal in a group that keeps disconnected clients, which Nomad's filterByTainted counts as ignored (1.4.14 on) and nomad-preflight does not")
}

/// How `version`'s `filterByTainted` tells that `a`'s client reconnected
/// and the reconnect is not reconciled yet
/// ([`super::api_terminal_releases::reconnect`]), if it does.
pub(super) fn reconnects(
    a: &Value,
    version: NomadVersion,
) -> Option<super::api_terminal_releases::Reconnect> {
    use super::api_terminal_releases::{reconnect, Reconnect};
    let seen = match reconnect(version) {
        Reconnect::Never => false,
        Reconnect::TaskEvent => reconnected_event(a),
        Reconnect::AllocStates => {
            let last = a
                .typed_array("AllocStates")
                .into_iter()
                .flatten()
                .rev()
                .find(|st| super::api_alloc_disconnect::is_client_status(st));
            last.is_some_and(|st| s(st, "Value") == "unknown")
        }
    };
    seen.then(|| reconnect(version))
}

/// `Allocation.Reconnected` (1.3.0–1.3.7, 1.4.0–1.4.2): any task's events
/// hold one of type `Reconnected` (`TaskClientReconnected`).
fn reconnected_event(a: &Value) -> bool {
    let states = a.typed_object("TaskStates");
    states.into_iter().flatten().any(|(_, st)| {
        st.typed_array("Events")
            .into_iter()
            .flatten()
            .any(|e| s(e, "Type") == "Reconnected")
    })
}

/// `Allocation.LastRescheduleFailed`, which the reconciler reads from
/// 1.8.1 and Enterprise 1.6.12, 1.7.9 (`shouldFilter`): the tracker's `LastReschedule` is set and not
/// `ok` (`LastRescheduleSuccess`; a reschedule that found no node writes
/// `no placement`).
pub(super) fn last_reschedule_failed(a: &Value, version: NomadVersion) -> bool {
    let last =
        super::api_json::path_s(a, &["RescheduleTracker", "LastReschedule"]).unwrap_or_default();
    version.has(crate::version::Fix::RescheduleFailedTracked) && !last.is_empty() && last != "ok"
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
    fn a_reconnect_is_read_as_the_release_reads_it() {
        use crate::structs::Allocation;
        let alloc = Allocation::default();
        let none = Default::default();
        let by_states = json!({"AllocStates": [
            {"Field": 0, "Value": "unknown"}]});
        let by_event = json!({"TaskStates": {"t": {"Events": [
            {"Type": "Started"}, {"Type": "Reconnected"}]}}});
        let at = |a: &Value, major, minor, patch| {
            reconnect_unread(a, &alloc, &none, NomadVersion::new(major, minor, patch)).is_some()
        };
        // Before 1.3.0 nothing reconnects.
        assert!(!at(&by_states, 1, 2, 16));
        assert!(!at(&by_event, 1, 2, 16));
        // Allocation.Reconnected: 1.3.0–1.3.7, 1.4.0–1.4.2.
        assert!(at(&by_event, 1, 3, 0));
        assert!(!at(&by_states, 1, 3, 7));
        assert!(at(&by_event, 1, 4, 2));
        // Allocation.NeedsToReconnect: 1.3.8, 1.4.3, 1.5.0 on.
        assert!(at(&by_states, 1, 3, 8));
        assert!(!at(&by_event, 1, 4, 3));
        assert!(at(&by_states, 1, 5, 0));
        assert!(at(&by_states, 2, 0, 5));
    }

    #[test]
    fn a_live_replaced_allocation_is_read_from_0_12_5() {
        let a = json!({"ClientStatus": "running", "DesiredStatus": "run", "NextAllocation": "b"});
        let at = |t: JobType, major, minor, patch| {
            live_unsimulated(&a, t, NomadVersion::new(major, minor, patch)).is_some()
        };
        assert!(at(JobType::Service, 0, 12, 4));
        assert!(at(JobType::Batch, 0, 9, 3));
        assert!(!at(JobType::Service, 0, 12, 5));
        assert!(!at(JobType::Service, 1, 0, 0));
        // The system scheduler has no reconciler to skip it.
        assert!(!at(JobType::System, 0, 12, 4));
        let plain = json!({"ClientStatus": "running", "DesiredStatus": "run"});
        assert_eq!(
            live_unsimulated(&plain, JobType::Service, NomadVersion::new(0, 9, 3)),
            None
        );
    }

    #[test]
    fn a_running_allocation_whose_client_reconnected_is_read_from_1_3() {
        let event = json!({"ClientStatus": "running", "DesiredStatus": "run",
            "TaskStates": {"t": {"State": "running", "Events": [{"Type": "Reconnected"}]}}});
        let states = json!({"ClientStatus": "running", "DesiredStatus": "run",
            "AllocStates": [{"Field": 0, "Value": "unknown"}]});
        let at = |a: &Value, t: JobType, major, minor, patch| {
            live_unsimulated(a, t, NomadVersion::new(major, minor, patch)).is_some()
        };
        // Allocation.Reconnected: the event, for good (1.3.0–1.3.7,
        // 1.4.0–1.4.2); NeedsToReconnect: the last AllocStates entry.
        assert!(at(&event, JobType::Service, 1, 4, 2));
        assert!(at(&event, JobType::Batch, 1, 3, 0));
        assert!(!at(&event, JobType::Service, 1, 4, 3));
        assert!(at(&states, JobType::Service, 1, 4, 3));
        assert!(at(&states, JobType::Service, 2, 0, 5));
        assert!(!at(&states, JobType::Service, 1, 3, 7));
        assert!(!at(&event, JobType::Service, 1, 2, 16));
        assert!(!at(&event, JobType::System, 1, 4, 2));
        // Once reconciled, a `running` entry follows the `unknown` one.
        let done = json!({"ClientStatus": "running", "DesiredStatus": "run",
            "AllocStates": [{"Field": 0, "Value": "unknown"},
                            {"Field": 0, "Value": "running"}]});
        assert!(!at(&done, JobType::Service, 1, 5, 0));
    }

    #[test]
    fn a_service_allocation_filter_by_tainted_ignores_is_not_simulated() {
        use crate::structs::{Allocation, ClientStatus, DesiredStatus};
        let at = |desired, client, disc, rel: (u32, u32, u32)| {
            let a = Allocation {
                job_type: JobType::Service,
                desired_status: desired,
                client_status: client,
                ..Allocation::default()
            };
            let v = NomadVersion::new(rel.0, rel.1, rel.2);
            service_tainted_ignored(&a, disc, v).is_some()
        };
        use ClientStatus as C;
        use DesiredStatus as D;
        // 1.6.3–1.6.9: every terminal one of a disconnect group.
        assert!(at(D::Run, C::Complete, true, (1, 6, 3)));
        assert!(at(D::Run, C::Failed, true, (1, 4, 14)));
        assert!(!at(D::Run, C::Complete, false, (1, 6, 3)));
        assert!(!at(D::Run, C::Complete, true, (1, 6, 2)));
        // 1.6.10, 1.8–1.10: server-terminal ones only.
        assert!(!at(D::Run, C::Complete, true, (1, 6, 10)));
        assert!(at(D::Stop, C::Complete, true, (1, 10, 5)));
        // 1.11: filterServerTerminalAllocs drops them first.
        assert!(!at(D::Stop, C::Complete, true, (1, 11, 1)));
        assert!(!at(D::Stop, C::Complete, true, (2, 0, 5)));
        // A live one never.
        assert!(!at(D::Run, C::Running, true, (1, 6, 3)));
    }

    #[test]
    fn a_failed_allocation_is_read_under_every_release() {
        let failed = json!({"DesiredStatus": "run", "ClientStatus": "failed"});
        for v in [(0, 9, 0), (0, 9, 3), (1, 3, 5), (1, 5, 17), (2, 0, 5)] {
            let v = NomadVersion::new(v.0, v.1, v.2);
            assert!(reschedule_read(&failed, JobType::Service, v), "{v}");
        }
        assert!(!reschedule_read(
            &failed,
            JobType::Service,
            NomadVersion::new(0, 8, 7)
        ));
        assert!(!reschedule_read(&failed, JobType::System, V));
    }

    #[test]
    fn batch_and_sysbatch_read_every_finished_allocation_and_system_none() {
        let done = json!({"DesiredStatus": "run", "ClientStatus": "complete"});
        assert!(terminal_read(&done, JobType::Batch, V).is_some());
        assert!(terminal_read(&done, JobType::Sysbatch, V).is_some());
        assert_eq!(terminal_read(&done, JobType::System, V), None);
    }
}
