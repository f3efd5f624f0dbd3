//! A live allocation whose client disconnected (1.3+), read as that
//! release's scheduler reads it. A system or sysbatch job's: the
//! `unknown` one it keeps for its client, the one whose window has passed
//! (lost), and the running one whose client came back (reconnecting); the
//! scheduler then applies the rest of the rule with the node's status
//! ([`crate::structs::Disconnect`], `scheduler::system_disconnect`). A
//! service or batch job's `unknown` one ([`generic_unknown`]): up to 1.11.1 by its
//! node, as Job.Plan reads it; from 1.11.2 waiting or
//! past its window, which the generic reconciler reads with the planned
//! group (`scheduler::reconcile_disconnect`).
//!
//! Nomad's rules (`diffSystemAllocsForNode`, scheduler/util.go 1.3–1.4,
//! scheduler/system_util.go 1.5–1.10; `computeForNode`,
//! scheduler/reconciler/reconcile_node.go 1.11 on):
//! - the group keeps disconnected clients (`SupportsDisconnectedClients`):
//!   `max_client_disconnect` set (1.3–1.7); its or `disconnect.lost_after`
//!   non-zero (1.8–1.10, `GetDisconnectLostTimeout`); `lost_after`
//!   non-zero (1.11.0–1.11.1); every group (1.11.2 and 2.0, "remove
//!   deprecated cluster version check", #27265, and #27053's backport
//!   0cef49eb41, #27264, which removed the check from 1.11.2);
//! - `unknown` past its window (`Expired`: the last time it turned
//!   `unknown` plus the window, at or before now) is lost; else, desired
//!   `run`, it is ignored. The time is the latest `unknown` entry of
//!   `AllocStates` up to 1.11.1, the start of the last run of them from
//!   1.11.2 and in 2.0 (`LastUnknown`, #27053).

use crate::world::api_json::Fields as _;
use serde_json::Value;

#[path = "api_alloc_generic.rs"]
mod generic;
#[cfg(test)]
use generic::{disconnecting, NodeState};
pub(super) use generic::{
    disconnecting_later, generic_unknown, lost_terminal, node_state, DISCONNECTING,
    DOWN_DISCONNECTING,
};

use super::api_json::s;
use crate::jobspec::{Job, JobType};
use crate::structs::{Allocation, Disconnect};
use crate::version::NomadVersion;

/// How `version`'s system scheduler reads `alloc` (live, of `job_type`
/// system or sysbatch; `a` its JSON, `spec` the job version it runs,
/// `now` the import's time): `Ok(None)` for another job type or a
/// release before 1.3; `Err` why it cannot be told.
pub(super) fn system_disconnect(
    a: &Value,
    alloc: &Allocation,
    spec: &Job,
    version: NomadVersion,
    now: Option<i128>,
) -> Result<Option<Disconnect>, &'static str> {
    let unknown = s(a, "ClientStatus") == "unknown";
    if !matches!(alloc.job_type, JobType::System | JobType::Sysbatch) {
        return Ok(None);
    }
    if version < v(1, 3, 0) {
        return if unknown {
            Err("`unknown` (its client disconnected), which no release before 1.3 reports")
        } else {
            Ok(None)
        };
    }
    // Up to 1.11.1 `nomad job plan` runs the system scheduler without
    // disconnected-client support (Job.Plan's Harness / PlanBuilder, whose
    // `ServersMeetMinimumVersion` is false: scheduler/testing.go v1.5.0:253;
    // scheduler_system.go v1.3.0:233, v1.10.5:259, v1.11.1:253), so a live
    // allocation that is not `unknown` is read as any other, whatever its
    // group (system_util.go v1.7.2:167–192: ignored on a disconnected node).
    if !unknown && !late(version) {
        return Ok(Some(Disconnect::Unsupported));
    }
    let Some(window) = window(spec, &alloc.task_group, version) else {
        return if unknown {
            Err("`unknown` (its client disconnected) in a group that, as the release reads it, keeps no disconnected clients")
        } else {
            Ok(Some(Disconnect::Unsupported))
        };
    };
    if !unknown {
        let back = super::api_alloc_state::reconnects(a, version).is_some();
        return Ok(Some(if back {
            Disconnect::Reconnecting
        } else {
            Disconnect::Supported
        }));
    }
    expiry(a, window, version, now).map(Some)
}

/// An `unknown` allocation against its group's `window`
/// (`Allocation.Expired`: its `LastUnknown` plus the window, at or before
/// `now`): `Expired` or `Waiting`; `Err` why it cannot be told.
fn expiry(
    a: &Value,
    window: i64,
    version: NomadVersion,
    now: Option<i128>,
) -> Result<Disconnect, &'static str> {
    let states = a
        .typed_array("AllocStates")
        .ok_or("`unknown` (its client disconnected), saved without `AllocStates` (the list form of /v1/allocations), so when its window ends is unknown")?;
    let unknowns = unknown_times(states, version)?;
    let now = now.ok_or(
        "`unknown` (its client disconnected), and saved-at.txt is absent, so whether its window has passed is unknown",
    )?;
    Ok(match unknowns {
        Some(since) if since.saturating_add(i128::from(window)) <= now => Disconnect::Expired,
        _ => Disconnect::Waiting,
    })
}

const fn v(major: u32, minor: u32, patch: u32) -> NomadVersion {
    NomadVersion::new(major, minor, patch)
}

/// Whether `version` has #27053 (bdf5b27410; 1.11.2 by 0cef49eb41,
/// #27264): every group keeps disconnected clients, `LastUnknown` is the
/// start of the last run of `unknown` entries, and the generic
/// reconciler's filterByTainted reads an `unknown` allocation by its node
/// (scheduler/reconciler/filters.go, the same from v1.11.2 to v2.0.5,
/// refactored into classification rules in v2.0.3).
fn late(version: NomadVersion) -> bool {
    crate::structs::disconnected_node::late(version)
}

/// The group's disconnect window (nanoseconds) when `version` reads it as
/// keeping disconnected clients; `None` when it does not (or the job has
/// no such group): the shared [`window`](crate::structs::disconnected_node::window).
fn window(spec: &Job, group: &str, version: NomadVersion) -> Option<i64> {
    crate::structs::disconnected_node::window(spec.group(group)?, version)
}

/// Whether an `AllocStates` entry records the client status: its `Field`
/// is `AllocStateFieldClientStatus`, the `uint8` enum's 0, which Nomad's
/// JSON answers as a number (nomad/structs/structs.go v1.3.0:7806-7809
/// `type AllocStateField uint8`, iota; nomad/structs/alloc.go
/// v2.0.5:1593-1596), never as its name.
pub(super) fn is_client_status(st: &Value) -> bool {
    super::api_json::u(st, "Field") == 0
}

/// `LastUnknown` at `version`: up to 1.11.1 the latest `unknown` client
/// status entry's time; from 1.11.2 the first of the trailing run of them.
/// `None`: no such entry (never expired). Err: the last client status
/// entry is not `unknown` (the releases that gate expiry on
/// `NeedsToReconnect` and 1.3.0–1.3.7's that do not then disagree), or a
/// time that does not read.
fn unknown_times(states: &[Value], version: NomadVersion) -> Result<Option<i128>, &'static str> {
    let status: Vec<&Value> = states.iter().filter(|st| is_client_status(st)).collect();
    let Some(last) = status.last() else {
        return Ok(None);
    };
    if s(last, "Value") != "unknown" {
        return Err("`unknown` (its client disconnected) though its last recorded client status is not, which Nomad's releases read differently");
    }
    let time = |st: &Value| {
        super::api_reschedule::parse_time(&s(st, "Time"))
            .ok_or("`unknown` (its client disconnected), with an `AllocStates` time that does not read as RFC 3339")
    };
    if late(version) {
        let run = status
            .iter()
            .rev()
            .take_while(|st| s(st, "Value") == "unknown");
        let mut first = None;
        for st in run {
            first = Some(time(st)?);
        }
        return Ok(first);
    }
    let mut latest: Option<i128> = None;
    for st in status.iter().filter(|st| s(st, "Value") == "unknown") {
        let t = time(st)?;
        latest = Some(latest.map_or(t, |l| l.max(t)));
    }
    Ok(latest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{Duration, TaskGroup};
    use serde_json::json;

    fn job(mcd: Option<i64>, lost_after: Option<i64>) -> Job {
        Job {
            groups: vec![TaskGroup {
                name: "g".into(),
                max_client_disconnect: mcd.map(Duration::secs),
                disconnect: lost_after.map(|l| crate::jobspec::Disconnect {
                    lost_after: Some(Duration::secs(l)),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    const T0: i128 = 1_717_240_000_000_000_000;

    fn at(secs: i128) -> String {
        jiff::Timestamp::from_nanosecond(T0 + secs * 1_000_000_000)
            .map(|t| t.to_string())
            .unwrap_or_default()
    }

    fn unknown(times: &[(i128, &str)]) -> Value {
        let states: Vec<Value> = times
            .iter()
            .map(|(t, v)| json!({"Field": 0, "Value": v, "Time": at(*t)}))
            .collect();
        json!({"ClientStatus": "unknown", "DesiredStatus": "run", "AllocStates": states})
    }

    fn read(
        a: &Value,
        j: &Job,
        rel: (u32, u32, u32),
        now: i128,
    ) -> Result<Option<Disconnect>, &'static str> {
        let alloc = Allocation {
            job_type: JobType::System,
            task_group: "g".into(),
            ..Default::default()
        };
        let now = T0 + now * 1_000_000_000;
        system_disconnect(a, &alloc, j, v(rel.0, rel.1, rel.2), Some(now))
    }

    #[test]
    fn an_unknown_allocation_waits_out_its_window_then_is_lost() {
        let a = unknown(&[(0, "unknown")]);
        let j = job(Some(60), None);
        assert_eq!(read(&a, &j, (1, 5, 0), 59), Ok(Some(Disconnect::Waiting)));
        // Expired: expiry at or before now.
        assert_eq!(read(&a, &j, (1, 5, 0), 60), Ok(Some(Disconnect::Expired)));
        // 1.11 reads `disconnect.lost_after` only.
        assert!(read(&a, &j, (1, 11, 0), 30).is_err());
        let j = job(None, Some(60));
        assert!(read(&a, &j, (1, 7, 7), 30).is_err());
        assert_eq!(read(&a, &j, (1, 8, 0), 30), Ok(Some(Disconnect::Waiting)));
        assert_eq!(read(&a, &j, (1, 11, 0), 61), Ok(Some(Disconnect::Expired)));
        // 1.11.2 and 2.0: every group; without a window it is lost at once.
        let none = job(None, None);
        assert_eq!(read(&a, &none, (2, 0, 0), 0), Ok(Some(Disconnect::Expired)));
        assert_eq!(
            read(&a, &none, (1, 11, 2), 0),
            Ok(Some(Disconnect::Expired))
        );
        assert!(read(&a, &none, (1, 11, 1), 0).is_err());
        assert!(read(&a, &none, (1, 10, 5), 0).is_err());
    }

    #[test]
    fn last_unknown_is_the_latest_entry_until_2_0_then_the_runs_start() {
        // Disconnected at 0 and again at 30 without a reconnect between.
        let a = unknown(&[(0, "unknown"), (30, "unknown")]);
        let j = job(None, Some(60));
        assert_eq!(read(&a, &j, (1, 11, 0), 70), Ok(Some(Disconnect::Waiting)));
        assert_eq!(read(&a, &j, (2, 0, 0), 70), Ok(Some(Disconnect::Expired)));
        assert_eq!(read(&a, &j, (1, 11, 2), 70), Ok(Some(Disconnect::Expired)));
        // A reconnect ends a run.
        let a = unknown(&[(0, "unknown"), (10, "running"), (30, "unknown")]);
        assert_eq!(read(&a, &j, (2, 0, 0), 70), Ok(Some(Disconnect::Waiting)));
        // The last client status not `unknown`: the releases disagree.
        let a = unknown(&[(0, "unknown"), (10, "running")]);
        assert!(read(&a, &j, (1, 5, 0), 5).is_err());
    }

    #[test]
    fn without_states_or_time_it_cannot_be_told() {
        let j = job(Some(60), None);
        let list_form = json!({"ClientStatus": "unknown", "DesiredStatus": "run"});
        assert!(read(&list_form, &j, (1, 5, 0), 0).is_err());
        let a = unknown(&[(0, "unknown")]);
        let alloc = Allocation {
            job_type: JobType::System,
            task_group: "g".into(),
            ..Default::default()
        };
        assert!(system_disconnect(&a, &alloc, &j, v(1, 5, 0), None).is_err());
        // Before 1.3 no client is `unknown`.
        assert!(read(&a, &j, (1, 2, 16), 0).is_err());
    }

    #[test]
    fn up_to_1_11_1_a_service_allocation_is_read_by_its_node_not_its_window() {
        let a = unknown(&[(0, "unknown")]);
        let j = job(Some(60), None);
        let read = |a: &Value, j: &Job, t: JobType, rel: (u32, u32, u32), node: NodeState| {
            let alloc = Allocation {
                job_type: t,
                task_group: "g".into(),
                ..Default::default()
            };
            // Long past its window: Job.Plan's scheduler never reads it.
            let now = Some(T0 + 3600 * 1_000_000_000);
            generic_unknown(a, &alloc, j, v(rel.0, rel.1, rel.2), now, node)
        };
        use Disconnect::Waiting;
        use NodeState::*;
        let service = JobType::Service;
        // A ready node, draining or not: untainted. From #18701 `Waiting`
        // (kept out of computeStop's count); before, read as running.
        for node in [Other, DrainingReady] {
            assert_eq!(read(&a, &j, service, (1, 5, 6), node), Ok(None));
            assert_eq!(read(&a, &j, service, (1, 6, 2), node), Ok(None));
            assert_eq!(read(&a, &j, service, (1, 5, 10), node), Ok(Some(Waiting)));
            let b = JobType::Batch;
            assert_eq!(read(&a, &j, b, (1, 11, 1), node), Ok(Some(Waiting)));
        }
        // No window, no `AllocStates`: the plan reads neither.
        let list_form = json!({"ClientStatus": "unknown", "DesiredStatus": "run"});
        let none = job(None, None);
        assert_eq!(
            read(&list_form, &none, service, (1, 10, 5), Other),
            Ok(Some(Waiting))
        );
        // A disconnected node: lost (read as running there) unless the
        // group does not replace (from 1.7.2), then untainted.
        assert_eq!(read(&a, &j, service, (1, 10, 5), Disconnected), Ok(None));
        let mut keep = job(None, Some(60));
        keep.groups[0].disconnect =
            keep.groups[0]
                .disconnect
                .take()
                .map(|d| crate::jobspec::Disconnect {
                    replace: Some(false),
                    ..d
                });
        assert_eq!(
            read(&a, &keep, service, (1, 10, 5), Disconnected),
            Ok(Some(Waiting))
        );
        assert_eq!(
            read(&a, &keep, service, (1, 8, 0), Disconnected),
            Ok(Some(Waiting))
        );
        assert_eq!(read(&a, &keep, service, (1, 7, 7), Disconnected), Ok(None));
        // A node the import lacks: lost (read as running there).
        assert_eq!(read(&a, &j, service, (1, 10, 5), Missing), Ok(None));
        // Another job type, or not `unknown`: not this rule's.
        assert_eq!(read(&a, &j, JobType::System, (1, 5, 6), Other), Ok(None));
        let running = json!({"ClientStatus": "running", "DesiredStatus": "run"});
        assert_eq!(read(&running, &j, service, (1, 5, 6), Other), Ok(None));
        // Before 1.3, or told to stop: cannot be told.
        assert!(read(&a, &j, service, (1, 2, 16), Other).is_err());
        let mut stopped = a.clone();
        stopped["DesiredStatus"] = json!("stop");
        assert!(read(&stopped, &j, service, (1, 5, 6), Other).is_err());
    }

    #[test]
    fn from_1_11_2_an_unknown_service_allocation_is_read_by_its_node() {
        let a = unknown(&[(0, "unknown")]);
        let read = |j: &Job, node: NodeState, rel: (u32, u32, u32), now: i128| {
            let alloc = Allocation {
                job_type: JobType::Service,
                task_group: "g".into(),
                ..Default::default()
            };
            let now = Some(T0 + now * 1_000_000_000);
            generic_unknown(&a, &alloc, j, v(rel.0, rel.1, rel.2), now, node)
        };
        use Disconnect::*;
        use NodeState::*;
        let j = job(None, Some(60));
        assert_eq!(read(&j, Disconnected, (1, 11, 2), 30), Ok(Some(Waiting)));
        assert_eq!(read(&j, Disconnected, (2, 0, 5), 60), Ok(Some(Expired)));
        // A down node: lost unless the group does not replace.
        assert_eq!(read(&j, Down, (2, 0, 5), 30), Ok(Some(Expired)));
        let mut keep = j.clone();
        if let Some(d) = keep.groups[0].disconnect.as_mut() {
            d.replace = Some(false);
        }
        assert_eq!(read(&keep, Down, (2, 0, 5), 30), Ok(Some(Waiting)));
        // Every group keeps disconnected clients: no window, lost at once.
        let none = job(None, None);
        assert_eq!(read(&none, Disconnected, (1, 11, 2), 0), Ok(Some(Expired)));
        // Reconnecting, a missing node, a group that stops after: untold.
        assert!(read(&j, Other, (2, 0, 5), 30).is_err());
        assert!(read(&j, DrainingReady, (2, 0, 5), 30).is_err());
        assert!(read(&j, Missing, (2, 0, 5), 30).is_err());
        let mut stops = none.clone();
        stops.groups[0].disconnect = Some(crate::jobspec::Disconnect {
            stop_on_client_after: Some(Duration::secs(30)),
            ..Default::default()
        });
        assert!(read(&stops, Disconnected, (2, 0, 5), 0).is_err());
        // 1.11.1 on a down node: the group, not the window (Job.Plan reads
        // none): kept where it does not replace, else lost (no mark: the
        // scheduler's taint loses it as it reads it, running there).
        assert_eq!(read(&j, Down, (1, 11, 1), 30), Ok(None));
        assert_eq!(read(&j, Down, (1, 11, 1), 90), Ok(None));
        assert_eq!(read(&keep, Down, (1, 11, 1), 90), Ok(Some(Waiting)));
        assert_eq!(read(&none, Down, (1, 10, 5), 0), Ok(None));
    }

    #[test]
    fn a_live_service_allocation_on_a_disconnected_node_is_lost_or_not_told() {
        use crate::structs::ClientStatus::{Pending, Running};
        let at = |j: &Job, rel: (u32, u32, u32)| {
            disconnecting(
                j,
                "g",
                Running,
                v(rel.0, rel.1, rel.2),
                NodeState::Disconnected,
                false,
            )
            .is_err()
        };
        // A group that keeps disconnected clients: up to 1.11.1 the plan
        // reads no window (Job.Plan's Harness), so lost; from 1.11.2
        // disconnecting.
        assert!(!at(&job(Some(60), None), (1, 3, 0)));
        assert!(!at(&job(None, Some(60)), (1, 10, 5)));
        assert!(!at(&job(None, Some(60)), (1, 11, 1)));
        // From 1.11.2 disconnecting, untainted in the plan (filters.go
        // v1.11.2:399 `updateByReschedulable`) unless its tracker or a
        // forced reschedule could place it now.
        assert!(!at(&job(None, Some(60)), (1, 11, 2)));
        let quick = disconnecting(
            &job(None, Some(60)),
            "g",
            Running,
            v(1, 11, 2),
            NodeState::Disconnected,
            true,
        );
        assert!(quick.is_err());
        // A pending one there: lost, as modelled.
        let pending = disconnecting(
            &job(Some(60), None),
            "g",
            Pending,
            v(1, 5, 6),
            NodeState::Disconnected,
            false,
        );
        assert!(pending.is_ok());
        // One that keeps none: lost, as modelled; from 1.11.2 every group
        // keeps them, but one without `lost_after` loses it at once.
        assert!(!at(&job(None, None), (1, 5, 6)));
        assert!(!at(&job(None, None), (1, 11, 1)));
        assert!(!at(&job(None, None), (2, 0, 0)));
        assert!(!at(&job(None, Some(60)), (2, 0, 0)));
        // From 1.7.2 a group that does not replace: disconnecting, which
        // the planned group keeps or leaves vacant (the scheduler's
        // `in_plan`), told; not told when a 1.8–1.9 group Nomad refuses
        // has `prevent_reschedule_on_lost` and `replace = true`.
        let mut keep = job(None, None);
        keep.groups[0].disconnect = Some(crate::jobspec::Disconnect {
            replace: Some(false),
            ..Default::default()
        });
        assert!(!at(&keep, (1, 7, 7)));
        assert!(!at(&keep, (1, 8, 0)));
        let mut prevent = job(None, None);
        prevent.groups[0].prevent_reschedule_on_lost = true;
        assert!(!at(&prevent, (1, 7, 2)));
        assert!(!at(&prevent, (1, 9, 7)));
        let mut both = prevent.clone();
        both.groups[0].disconnect = Some(crate::jobspec::Disconnect {
            replace: Some(true),
            ..Default::default()
        });
        assert!(at(&both, (1, 8, 0)));
        assert!(!at(&both, (1, 10, 0)));
        // Another node: as modelled. Before 1.3: no disconnected node.
        let other = disconnecting(
            &job(Some(60), None),
            "g",
            Running,
            v(1, 5, 6),
            NodeState::Other,
            false,
        );
        assert!(other.is_ok());
        assert!(!at(&job(Some(60), None), (1, 2, 16)));
    }

    #[test]
    fn a_terminal_service_allocation_on_a_disconnected_node_is_lost_up_to_1_11_1() {
        let j = job(None, None);
        let done = Allocation {
            node_id: "n2".into(),
            task_group: "g".into(),
            job_type: JobType::Service,
            client_status: crate::structs::ClientStatus::Complete,
            ..Default::default()
        };
        let gone: std::collections::HashSet<String> = ["n2".to_string()].into();
        let at = |a: &Allocation, held: bool, rel: (u32, u32, u32)| {
            generic::lost_terminal(a, &j, held, false, &gone, v(rel.0, rel.1, rel.2))
        };
        assert_eq!(at(&done, true, (1, 3, 0)), Ok(true));
        assert_eq!(at(&done, true, (1, 11, 1)), Ok(true));
        assert_eq!(at(&done, true, (1, 11, 2)), Ok(false));
        assert_eq!(at(&done, true, (1, 2, 16)), Ok(false));
        // Another node, a live one, a batch one: not this rule's.
        let elsewhere = Allocation {
            node_id: "n1".into(),
            ..done.clone()
        };
        assert_eq!(at(&elsewhere, true, (1, 5, 0)), Ok(false));
        let batch = Allocation {
            job_type: JobType::Batch,
            ..done.clone()
        };
        assert_eq!(at(&batch, true, (1, 5, 0)), Ok(false));
        // A version the import does not hold: its group decides from 1.7.2.
        assert_eq!(at(&done, false, (1, 7, 1)), Ok(true));
        assert!(at(&done, false, (1, 7, 2)).is_err());
        // A server-stopped one: dropped first from 1.11.0, group or not.
        let stopped = Allocation {
            desired_status: crate::structs::DesiredStatus::Stop,
            ..done.clone()
        };
        assert_eq!(at(&stopped, false, (1, 11, 0)), Ok(false));
        assert_eq!(at(&stopped, true, (1, 10, 5)), Ok(true));
        // A group that does not replace keeps it (untainted) from 1.7.2.
        let mut keep = job(None, None);
        keep.groups[0].prevent_reschedule_on_lost = true;
        let kept = generic::lost_terminal(&done, &keep, true, false, &gone, v(1, 7, 2));
        assert_eq!(kept, Ok(false));
        // Marked lost before, in a group that stops after a disconnect:
        // the delay runs from that time, the clock's to judge.
        let mut stops = job(None, None);
        stops.groups[0].stop_after_client_disconnect = Some(Duration::secs(30));
        let timed = generic::lost_terminal(&done, &stops, true, true, &gone, v(1, 5, 0));
        assert!(timed.is_err());
        let fresh = generic::lost_terminal(&done, &stops, true, false, &gone, v(1, 5, 0));
        assert_eq!(fresh, Ok(true));
    }

    #[test]
    fn a_running_allocation_is_supported_or_reconnecting() {
        let j = job(Some(60), None);
        let running = json!({"ClientStatus": "running", "DesiredStatus": "run"});
        // Up to 1.11.1 the plan's system scheduler has no
        // disconnected-client support (scheduler_system.go v1.5.0 passes
        // the Harness's false): read as any allocation, whatever its group.
        assert_eq!(
            read(&running, &j, (1, 5, 0), 0),
            Ok(Some(Disconnect::Unsupported))
        );
        assert_eq!(
            read(&running, &j, (1, 11, 2), 0),
            Ok(Some(Disconnect::Supported))
        );
        let back = json!({"ClientStatus": "running", "DesiredStatus": "run",
            "AllocStates": [{"Field": 0, "Value": "unknown", "Time": at(0)}]});
        assert_eq!(
            read(&back, &j, (1, 5, 0), 0),
            Ok(Some(Disconnect::Unsupported))
        );
        assert_eq!(
            read(&back, &j, (1, 11, 2), 0),
            Ok(Some(Disconnect::Reconnecting))
        );
        assert_eq!(
            read(&running, &job(None, None), (1, 5, 0), 0),
            Ok(Some(Disconnect::Unsupported))
        );
    }
}
