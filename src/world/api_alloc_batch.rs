//! A batch job's terminal allocations in an import (every release the
//! tool simulates, 0.9.0 to 2.0.5), and a sysbatch job's (1.2.0 to 2.0.5,
//! [`sysbatch_kind`]): pinned with how the reconciler reads them
//! ([`BatchTerminal`]), so that a plan counts a finished allocation
//! instead of running it again, and ignores one of another version,
//! rather than calling the job's plan a guess.
//!
//! Nomad's rules (`scheduler/reconcile.go` `filterOldTerminalAllocs`,
//! `reconcile_util.go` `filterByTainted`, `filterByRescheduleable` and
//! `shouldFilter`; from 1.11 `scheduler/reconciler/filters.go`):
//! - a terminal allocation whose `Job.Version` or `Job.CreateIndex` is
//!   older than the planned job's is counted as `ignore`, its name free;
//! - one already replaced (`NextAllocation`) is dropped;
//! - client `failed`, desired `run`: rescheduled now, later, or kept in the
//!   count, by its group's reschedule policy, as a service's
//!   ([`super::api_reschedule`]);
//! - desired `run` otherwise (`complete`), or desired `stop` after every
//!   task succeeded (`RanSuccessfully`): kept in the count, not run again;
//!   desired `evict` after every task succeeded too, until the releases
//!   that drop it (1.1.15, 1.2.9, 1.3.2, 1.4.0:
//!   [`super::api_terminal_releases::evicted_success_counts`]);
//! - desired `stop` or `evict` otherwise: dropped.
//!
//! What the releases read differently is not decided here, and makes the
//! job's plan a guess (`import::alloc-state`): a reschedule asked through
//! `DesiredTransition` (`Reschedule`, read from 1.11:
//! [`super::api_terminal_releases::reads_reschedule_transition`];
//! `MigrateDisablePlacement`, 2.0.5), a stopped allocation whose last reschedule failed (1.8.1+), a
//! server-stopped allocation of a group that keeps disconnected clients
//! (`filterByTainted` ignores it there, 1.3+), and a node that is
//! disconnected (1.3+).

use crate::world::api_json::Fields as _;
use serde_json::Value;

use super::api_alloc_failed::{decide_failed, Failed, Read};
use super::api_json::s;
use super::model::{Pinned, World};
use crate::jobspec::{Job, JobType};
use crate::structs::{Allocation, BatchTerminal, ClientStatus, DesiredStatus};
use crate::version::NomadVersion;
use std::collections::BTreeMap;

/// A batch job's terminal allocation, decided once every job's
/// registration is known.
pub(super) struct Done<'v> {
    json: &'v Value,
    alloc: Allocation,
    key: (String, String),
    /// Its embedded `Job.CreateIndex`, when it embeds its job.
    create_index: Option<u64>,
    /// Its group keeps disconnected clients (`max_client_disconnect` or a
    /// `disconnect` block) in the job version it runs.
    disconnects: bool,
}

/// Whether `alloc` is a batch or sysbatch job's terminal allocation this
/// module decides: a batch job's under every release simulated (from
/// 0.9.0: [`super::api_terminal_releases`] says where releases before 1.6
/// differ), a sysbatch job's from 1.2.0, when sysbatch came. The system scheduler's
/// reading of a sysbatch job's terminal allocations is one rule from 1.2.0
/// on: `SplitTerminalAllocs` keeps the latest per node and name
/// (`TerminalByNodeByName`, by `CreateIndex`), and
/// `diffSystemAllocsForNode`'s scan of the required names (1.2.0–1.4.x
/// scheduler/util.go, 1.5–1.10 system_util.go, the same lines; what
/// 1.3.0 changed there is the disconnected-client handling of live
/// allocations) ignores it while `JobModifyIndex` is unchanged and updates
/// it otherwise, which `inplaceUpdate` keeps out of the plan when the
/// tasks did not change (`update.Alloc.TerminalStatus()`, 1.2.0 on).
pub(super) fn reads(alloc: &Allocation, version: NomadVersion) -> bool {
    let since = match alloc.job_type {
        JobType::Batch => super::api_terminal_releases::OLDEST,
        JobType::Sysbatch => NomadVersion::new(1, 2, 0),
        _ => return false,
    };
    version >= since && !alloc.is_live()
}

impl<'v> Done<'v> {
    /// `alloc` read from `json`; `spec` is the job version it runs,
    /// `create_index` that version's `CreateIndex` when embedded.
    pub(super) fn new(
        json: &'v Value,
        alloc: Allocation,
        key: &(String, String),
        spec: &Job,
        create_index: Option<u64>,
    ) -> Done<'v> {
        let disconnects = super::api_alloc_state::keeps_disconnected(spec, &alloc.task_group);
        Done {
            json,
            alloc,
            key: key.clone(),
            create_index,
            disconnects,
        }
    }
}

/// Pin `d` with its [`BatchTerminal`] kind, or make its job's plan a guess
/// saying why. A purged job's allocations are read by no reconciler; one
/// its client still runs holds its node ([`keep_held`]).
pub(super) fn decide_batch(
    d: Done<'_>,
    world: &mut World,
    read: &Read<'_>,
    pinned: &mut Pinned,
    placed_by: &mut BTreeMap<(String, String), String>,
) {
    let Done {
        json,
        mut alloc,
        key,
        create_index,
        disconnects,
    } = d;
    if !read.known.contains_key(&key) && !read.live_jobs.contains(&key) {
        return keep_held(alloc, world, read, pinned);
    }
    let registered = read.versions.get(&key);
    // Nomad compares the allocation's `Job.CreateIndex`; without the
    // embedded job (the list form), an allocation created before the
    // registered job was is of an earlier registration too, and one
    // created after it of this one.
    let superseded = match (registered, create_index, alloc.create_index) {
        (None, _, _) => false,
        (Some(ix), Some(job_created), _) => job_created < ix.create_index,
        (Some(ix), None, created) if created > 0 => created < ix.create_index,
        (Some(_), None, _) => {
            world.alloc_states.entry(key).or_insert_with(|| {
                format!("allocation {} is a batch job's terminal allocation whose registration of the job the import does not say (no embedded Job, no CreateIndex)", alloc.id)
            });
            return keep_held(alloc, world, read, pinned);
        }
    };
    // Older than the registered version: ignored by any plan, whose
    // version is at least that one.
    let older = registered.is_some_and(|ix| alloc.job_version < ix.version);
    let kind = if superseded {
        Ok(BatchTerminal::Superseded)
    } else if alloc.job_type == JobType::Sysbatch {
        sysbatch_kind(&alloc, pinned)
    } else if older {
        Ok(BatchTerminal::Dropped)
    } else {
        let v = world.nomad_version;
        kind(json, &alloc, disconnects, &read.ctx.disconnected, v)
    };
    match kind {
        Ok(BatchTerminal::Failed) => {
            alloc.batch_terminal = Some(BatchTerminal::Failed);
            let f = Failed { json, alloc, key };
            decide_failed(f, world, read, pinned, placed_by);
        }
        Ok(k) => {
            alloc.batch_terminal = Some(k);
            pinned.allocs.push(alloc);
        }
        Err(why) => {
            world
                .alloc_states
                .entry(key)
                .or_insert_with(|| format!("allocation {} is {why}", alloc.id));
            keep_held(alloc, world, read, pinned);
        }
    }
}

/// An allocation its job's plan cannot read (its job flagged, or purged)
/// that its client still runs: it stays on its node with what it holds,
/// as the scheduler's `ProposedAllocs` counts it for every other job
/// (redteam8 I11; `Allocation::holds_node`; a purged job's, with no job
/// record: scheduler/sim/replay.rs `hold_orphans`).
fn keep_held(alloc: Allocation, world: &World, read: &Read<'_>, pinned: &mut Pinned) {
    if alloc.holds_node(world.nomad_version) && read.ctx.nodes.contains(alloc.node_id.as_str()) {
        pinned.allocs.push(alloc);
    }
}

/// A sysbatch job's terminal allocation (`diffSystemAllocsForNode`, from
/// 1.11 `reconcile_node.go` `computeForNode`): the latest on its node for
/// its name keeps the node from running that name again while the job
/// is unchanged, and is updated (in place, or replaced there) once it
/// changes; the system scheduler picks it at plan time. Whatever its
/// client status: a sysbatch job never reschedules. Not decided when its
/// node also holds a live allocation of the job under another name: Nomad
/// then reads the terminal one even where the node is no candidate
/// (draining, down, ineligible), which the plan's walk over candidate
/// nodes does not see. `pinned` holds the import's live allocations.
fn sysbatch_kind(alloc: &Allocation, pinned: &Pinned) -> Result<BatchTerminal, &'static str> {
    let beside = pinned.allocs.iter().any(|l| {
        l.is_live()
            && l.node_id == alloc.node_id
            && l.job_id == alloc.job_id
            && l.namespace == alloc.namespace
            && l.name != alloc.name
    });
    if beside {
        return Err("a sysbatch job's finished allocation on a node that runs another of the job's allocations, which Nomad reads even where the node is no candidate");
    }
    Ok(BatchTerminal::Finished)
}

/// How the reconciler of `version` reads `alloc` (the module's rules), or
/// why that is not decided here.
fn kind(
    a: &Value,
    alloc: &Allocation,
    disconnects: bool,
    disconnected: &std::collections::HashSet<String>,
    version: NomadVersion,
) -> Result<BatchTerminal, &'static str> {
    if disconnected.contains(alloc.node_id.as_str()) {
        return Err("a batch job's terminal allocation on a disconnected node, which Nomad's releases sort differently");
    }
    let flag = |k: &str| super::api_json::path_b(a, &["DesiredTransition", k]).unwrap_or(false);
    let asked =
        flag("Reschedule") && super::api_terminal_releases::reads_reschedule_transition(version);
    if asked || flag("MigrateDisablePlacement") {
        return Err("a batch job's terminal allocation whose DesiredTransition asks a reschedule or a drain without placement, which Nomad's releases read differently");
    }
    let reconnecting = super::api_alloc_state::reconnects(a, version).is_some();
    // filterByTainted, before filterByRescheduleable reads NextAllocation.
    if super::api_alloc_state::tainted_ignored(alloc, disconnects, version) {
        if reconnecting {
            return Err("a batch job's terminal allocation whose client reconnected, which Nomad reconciles as a reconnect");
        }
        return Ok(BatchTerminal::Superseded);
    }
    if !s(a, "NextAllocation").is_empty() {
        return Ok(BatchTerminal::Dropped);
    }
    let run = alloc.desired_status == DesiredStatus::Run;
    if run && alloc.client_status == ClientStatus::Failed {
        return Ok(BatchTerminal::Failed);
    }
    if run {
        return Ok(BatchTerminal::Finished);
    }
    // A stopped one whose client reconnected, in a group that keeps
    // disconnected clients: filterByTainted ignores a failed one, and
    // reconnects the others.
    if disconnects && reconnecting {
        return Err("a batch job's allocation the server stopped after its client reconnected, in a group that keeps disconnected clients, which Nomad's reconciler reads as a reconnect");
    }
    // shouldFilter: stopped, or evicted before the releases that drop an
    // evicted one, after every task succeeded: counted.
    let counted = match alloc.desired_status {
        DesiredStatus::Stop => true,
        DesiredStatus::Evict => super::api_terminal_releases::evicted_success_counts(version),
        DesiredStatus::Run => false,
    };
    if counted && ran_successfully(a) {
        return Ok(BatchTerminal::Finished);
    }
    if super::api_alloc_state::last_reschedule_failed(a, version) {
        return Err("a batch job's stopped allocation whose last reschedule failed, which Nomad tries again");
    }
    Ok(BatchTerminal::Dropped)
}

/// `Allocation.RanSuccessfully`: it has task states, and every task is
/// `dead` and not failed.
fn ran_successfully(a: &Value) -> bool {
    let Some(states) = a.typed_object("TaskStates") else {
        return false;
    };
    !states.is_empty()
        && states
            .values()
            .all(|st| s(st, "State") == "dead" && !st.typed_bool("Failed").unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn alloc(desired: DesiredStatus, client: ClientStatus) -> Allocation {
        Allocation {
            id: "a1".into(),
            node_id: "n1".into(),
            job_type: JobType::Batch,
            desired_status: desired,
            client_status: client,
            ..Allocation::default()
        }
    }

    fn decide(
        a: &Value,
        al: &Allocation,
        disconnects: bool,
    ) -> Result<BatchTerminal, &'static str> {
        kind(
            a,
            al,
            disconnects,
            &Default::default(),
            NomadVersion::new(1, 8, 1),
        )
    }

    #[test]
    fn finished_counts_failed_reschedules_and_replaced_or_unfinished_stops_drop() {
        use BatchTerminal::*;
        use ClientStatus as C;
        use DesiredStatus as D;
        let none = json!({});
        assert_eq!(
            decide(&none, &alloc(D::Run, C::Complete), false),
            Ok(Finished)
        );
        assert_eq!(decide(&none, &alloc(D::Run, C::Failed), false), Ok(Failed));
        let replaced = json!({"NextAllocation": "b"});
        assert_eq!(
            decide(&replaced, &alloc(D::Run, C::Failed), false),
            Ok(Dropped)
        );
        // Stopped: counted only when every task succeeded.
        let ok = json!({"TaskStates": {"t": {"State": "dead", "Failed": false},
                                       "u": {"State": "dead"}}});
        assert_eq!(
            decide(&ok, &alloc(D::Stop, C::Complete), false),
            Ok(Finished)
        );
        let bad = json!({"TaskStates": {"t": {"State": "dead", "Failed": false},
                                        "u": {"State": "dead", "Failed": true}}});
        assert_eq!(decide(&bad, &alloc(D::Stop, C::Failed), false), Ok(Dropped));
        assert_eq!(
            decide(&none, &alloc(D::Stop, C::Complete), false),
            Ok(Dropped)
        );
        assert_eq!(
            decide(&ok, &alloc(D::Evict, C::Complete), false),
            Ok(Dropped)
        );
    }

    #[test]
    fn filter_by_tainted_ignores_terminal_allocations_as_the_release_does() {
        // filterByTainted's `ignore` (api_terminal_releases::tainted_ignore):
        // counted as ignored, its name free, before NextAllocation is read.
        use BatchTerminal::*;
        use ClientStatus as C;
        use DesiredStatus as D;
        let ok = json!({"TaskStates": {"t": {"State": "dead", "Failed": false}}});
        let at = |a: &Value, al: &Allocation, disc: bool, rel: (u32, u32, u32)| {
            let v = NomadVersion::new(rel.0, rel.1, rel.2);
            kind(a, al, disc, &Default::default(), v)
        };
        let done = alloc(D::Run, C::Complete);
        let stopped = alloc(D::Stop, C::Complete);
        // Every terminal one of a disconnect group: 1.4.14, 1.6.3–1.6.9.
        assert_eq!(at(&ok, &done, true, (1, 4, 14)), Ok(Superseded));
        assert_eq!(at(&ok, &done, true, (1, 6, 9)), Ok(Superseded));
        assert_eq!(at(&ok, &done, false, (1, 6, 9)), Ok(Finished));
        assert_eq!(at(&ok, &done, true, (1, 4, 13)), Ok(Finished));
        assert_eq!(at(&ok, &stopped, true, (1, 6, 2)), Ok(Finished));
        // Server-terminal ones of such a group: 1.6.10, 1.8.0–1.11.1.
        assert_eq!(at(&ok, &done, true, (1, 6, 10)), Ok(Finished));
        assert_eq!(at(&ok, &stopped, true, (1, 6, 10)), Ok(Superseded));
        assert_eq!(at(&ok, &stopped, false, (1, 11, 1)), Ok(Finished));
        // Server-terminal ones of any group: 1.11.2 on, replaced or not.
        assert_eq!(at(&ok, &stopped, false, (1, 11, 2)), Ok(Superseded));
        assert_eq!(at(&ok, &stopped, false, (2, 0, 5)), Ok(Superseded));
        let replaced = json!({"NextAllocation": "b"});
        let rescheduled = alloc(D::Stop, C::Failed);
        assert_eq!(
            at(&replaced, &rescheduled, false, (2, 0, 5)),
            Ok(Superseded)
        );
        assert_eq!(at(&replaced, &rescheduled, false, (1, 10, 5)), Ok(Dropped));
    }

    #[test]
    fn an_evicted_allocation_that_succeeded_counts_before_the_split() {
        // shouldFilter at v1.3.1: `case Stop, Evict:` counts it when every
        // task succeeded; at v1.3.2 (and v1.1.15, v1.2.9, v1.4.0) an
        // evicted one is dropped whatever its tasks did.
        use ClientStatus as C;
        use DesiredStatus as D;
        let ok = json!({"TaskStates": {"t": {"State": "dead", "Failed": false}}});
        let bad = json!({"TaskStates": {"t": {"State": "dead", "Failed": true}}});
        let evicted = alloc(D::Evict, C::Complete);
        let at = |a: &Value, major, minor, patch| {
            let v = NomadVersion::new(major, minor, patch);
            kind(a, &evicted, false, &Default::default(), v)
        };
        assert_eq!(at(&ok, 1, 3, 1), Ok(BatchTerminal::Finished));
        assert_eq!(at(&ok, 0, 9, 3), Ok(BatchTerminal::Finished));
        assert_eq!(at(&ok, 1, 2, 8), Ok(BatchTerminal::Finished));
        assert_eq!(at(&bad, 1, 3, 1), Ok(BatchTerminal::Dropped));
        assert_eq!(at(&ok, 1, 3, 2), Ok(BatchTerminal::Dropped));
        assert_eq!(at(&ok, 1, 2, 9), Ok(BatchTerminal::Dropped));
        assert_eq!(at(&ok, 1, 5, 6), Ok(BatchTerminal::Dropped));
        // A stopped one is counted under every release.
        let stopped = alloc(D::Stop, C::Complete);
        for v in [NomadVersion::new(0, 9, 0), NomadVersion::new(1, 4, 0)] {
            let gone = Default::default();
            assert_eq!(
                kind(&ok, &stopped, false, &gone, v),
                Ok(BatchTerminal::Finished)
            );
        }
    }

    #[test]
    fn a_batch_allocation_is_decided_under_every_release() {
        // filterOldTerminalAllocs and shouldFilter exist from 0.9.0; a
        // sysbatch one only from 1.2.0.
        let done = alloc(DesiredStatus::Run, ClientStatus::Complete);
        assert!(reads(&done, NomadVersion::new(0, 9, 0)));
        assert!(reads(&done, NomadVersion::new(1, 5, 17)));
        assert!(!reads(&done, NomadVersion::new(0, 8, 7)));
        let mut sys = done.clone();
        sys.job_type = JobType::Sysbatch;
        assert!(!reads(&sys, NomadVersion::new(1, 1, 18)));
        assert!(reads(&sys, NomadVersion::new(1, 2, 0)));
        let live = alloc(DesiredStatus::Run, ClientStatus::Running);
        assert!(!reads(&live, NomadVersion::new(1, 4, 0)));
    }

    #[test]
    fn what_the_releases_read_differently_is_not_decided() {
        use ClientStatus as C;
        use DesiredStatus as D;
        // Stopped, in a group that keeps disconnected clients, its client
        // reconnected: read as a reconnect, not decided.
        let back = json!({"TaskStates": {"t": {"State": "dead", "Failed": false}},
            "AllocStates": [{"Field": 0, "Value": "unknown"}]});
        let stopped = alloc(D::Stop, C::Failed);
        assert!(decide(&back, &stopped, true).is_err());
        let at = |rel: (u32, u32, u32)| NomadVersion::new(rel.0, rel.1, rel.2);
        assert!(kind(&back, &stopped, true, &Default::default(), at((1, 6, 2))).is_err());
        let asked = json!({"DesiredTransition": {"Reschedule": true}});
        let done = alloc(D::Run, C::Complete);
        let none = Default::default();
        assert!(kind(&asked, &done, false, &none, NomadVersion::new(1, 11, 0)).is_err());
        // Before 1.11 shouldFilter does not read the flag, and a batch job
        // has no deployment for updateByReschedulable to weigh it against.
        for v in [NomadVersion::new(1, 10, 5), NomadVersion::new(1, 4, 0)] {
            assert_eq!(
                kind(&asked, &done, false, &none, v),
                Ok(BatchTerminal::Finished)
            );
        }
        let retried = json!({"RescheduleTracker": {"LastReschedule": "no placement"}});
        assert!(decide(&retried, &alloc(D::Stop, C::Failed), false).is_err());
        // Before 1.8.1 the reconciler does not read it: dropped.
        let v = NomadVersion::new(1, 8, 0);
        let gone = Default::default();
        let a = alloc(D::Stop, C::Failed);
        assert_eq!(
            kind(&retried, &a, false, &gone, v),
            Ok(BatchTerminal::Dropped)
        );
        let gone: std::collections::HashSet<String> = ["n1".to_string()].into();
        let a = alloc(D::Run, C::Complete);
        assert!(kind(&json!({}), &a, false, &gone, NomadVersion::new(2, 0, 5)).is_err());
    }
}
