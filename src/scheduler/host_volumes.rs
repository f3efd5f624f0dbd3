//! The host volumes a group asks for, as Nomad's scheduler filters nodes
//! for them (`HostVolumeChecker`) and as `Job.Plan`'s own state store
//! records the claims of `sticky` ones (1.10.0+).
//!
//! A `sticky` request is meant for dynamic host volumes. For a static one
//! (configured in the client's `host_volume` block: no volume `ID`),
//! before 2.0.4 (ent 1.10.14, 1.11.8; #28097) the scheduler places the
//! allocation, and upserting the plan fails: the state store inserts a
//! `TaskGroupHostVolumeClaim` whose `VolumeID` is the static volume's
//! empty ID, and go-memdb refuses an object whose unique compound `id`
//! index (Namespace, JobID, TaskGroupName, VolumeID) has an empty part
//! ("object missing primary index": go-memdb v1.3.5 txn.go `Insert`,
//! index.go `StringFieldIndex.FromObject`). `Job.Plan` submits its plan to
//! a snapshot's state store (`PlanBuilder.SubmitPlan`, scheduler/structs/
//! structs.go v2.0.3:94-185; `Harness.SubmitPlan`, scheduler/testing.go
//! v1.10.0:96-170), so the scheduler's `SubmitPlan` fails,
//! `sched.Process` returns the error and so does the RPC
//! (nomad/job_endpoint.go v2.0.3:1906): `nomad job plan` prints `Error
//! during plan: ...` and exits 255. A run fails the same way in the FSM
//! (nomad/fsm.go `applyPlanResults`), the worker nacks the evaluation
//! until its delivery limit fails it (nomad/worker.go, nomad/leader.go
//! `reapFailedEvaluations`): the changelog's "could fail the evaluation".

use super::engine::Engine;
use crate::cluster::Node;
use crate::jobspec::Job;
use crate::version::NomadVersion;

/// The state store's error for a claim of a static host volume
/// (nomad/state/state_store_task_group_volume_claims.go
/// `upsertTaskGroupHostVolumeClaimImpl`, v1.10.0 to v2.0.5).
pub const CLAIM_INSERT_FAILED: &str =
    "Task group volume claim insert failed: object missing primary index";

/// Nomad's `HostVolumeChecker`: every host volume the group asks for
/// (by `source`) exists on the node, and a read-only one is only asked for
/// read-only. A `per_alloc` volume is `source` plus the allocation's
/// `[index]` (`structs.AllocSuffix`). From 2.0.4 (ent 1.10.14, 1.11.8) a
/// `sticky` request for a static volume fails too ("sticky is only
/// supported on dynamic host volumes", `nodeIsFeasibleForRequest`,
/// scheduler/feasible/feasible.go v2.0.5); before, it passed and the plan
/// failed later ([`claim_error`]).
pub fn has_host_volumes(
    tg: &crate::jobspec::TaskGroup,
    suffix: &str,
    n: &Node,
    version: NomadVersion,
) -> bool {
    let sticky_static_filtered = version.has(crate::version::Fix::StickyStaticFiltered);
    tg.volumes
        .iter()
        .filter(|v| v.volume_type == "host" || v.volume_type.is_empty())
        .all(|v| {
            let name = if v.per_alloc {
                format!("{}{suffix}", v.source)
            } else {
                v.source.clone()
            };
            n.host_volumes.get(&name).is_some_and(|hv| {
                (!hv.read_only || v.read_only)
                    && !(v.sticky && !hv.dynamic && sticky_static_filtered)
            })
        })
}

/// The error upserting this evaluation's plan returns, if a new
/// allocation (a placement or a destructive update's replacement; an
/// in-place update keeps its stored allocation, which claims nothing)
/// lands on a node where a `sticky` volume request of its job names a
/// static host volume. Which requests: at 1.10.x and 1.11.0-1.11.2 those
/// of every group of the job (`upsertAllocsImpl` walks
/// `alloc.Job.TaskGroups`, nomad/state/state_store.go v1.10.0:4135-4181,
/// v1.11.2); from 1.11.3 and 2.0.0 those of the allocation's own group
/// (`updateStickyVolumeClaimsFromAlloc`, #27613, not in any Enterprise
/// 1.10 changelog). Neither looks at the volume's type, so a sticky CSI
/// request named like a static host volume fails too, at every release
/// from 1.10.0 (2.0.5 still upserts the claim).
pub(super) fn claim_error(engine: &Engine<'_>, job: &Job) -> Option<String> {
    let v = engine.world.nomad_version;
    if !v.at_least(1, 10, 0) {
        return None;
    }
    let own_group_only = v.has_since(&[NomadVersion::new(1, 11, 3)]);
    engine.plan.created().find_map(|a| {
        let n = engine.node(engine.node_position(a.node_id.as_str())?)?;
        let mut groups = job
            .groups
            .iter()
            .filter(|g| !own_group_only || a.task_group == g.name);
        groups
            .any(|g| {
                g.volumes
                    .iter()
                    .any(|r| r.sticky && is_static(n, &r.source))
            })
            .then(|| CLAIM_INSERT_FAILED.to_string())
    })
}

/// Does `n` have a static host volume named `name`?
fn is_static(n: &Node, name: &str) -> bool {
    n.host_volumes.get(name).is_some_and(|hv| !hv.dynamic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{TaskGroup, Volume};
    use crate::structs::HostVolume;

    fn group(sticky: bool, read_only: bool) -> TaskGroup {
        TaskGroup {
            name: "db".into(),
            volumes: vec![Volume {
                name: "data".into(),
                volume_type: "host".into(),
                source: "data".into(),
                read_only,
                sticky,
                ..Volume::default()
            }],
            ..TaskGroup::default()
        }
    }

    fn node(read_only: bool, dynamic: bool) -> Node {
        let mut n = Node::default();
        let hv = HostVolume {
            path: "/srv/data".into(),
            read_only,
            dynamic,
        };
        n.host_volumes.insert("data".into(), hv);
        n
    }

    #[test]
    fn sticky_on_a_static_volume_is_filtered_from_the_backport_on() {
        let v = NomadVersion::new;
        for (version, filtered) in [
            (v(2, 0, 3), false),
            (v(2, 0, 4), true),
            (v(1, 10, 13), false),
            (v(1, 10, 14), true),
            (v(1, 11, 7), false),
            (v(1, 11, 8), true),
        ] {
            assert_eq!(
                has_host_volumes(&group(true, false), "", &node(false, false), version),
                !filtered,
                "{version}"
            );
            // Read-only alike; a dynamic volume is the volume object's
            // to judge (a world guess: not simulated here).
            assert_eq!(
                has_host_volumes(&group(true, true), "", &node(true, false), version),
                !filtered,
                "{version}"
            );
            assert!(has_host_volumes(
                &group(true, false),
                "",
                &node(false, true),
                version
            ));
            assert!(has_host_volumes(
                &group(false, false),
                "",
                &node(false, false),
                version
            ));
        }
        // The read-only rule stands beside it.
        let latest = v(2, 0, 5);
        assert!(!has_host_volumes(
            &group(false, false),
            "",
            &node(true, false),
            latest
        ));
        assert!(is_static(&node(false, false), "data"));
        assert!(!is_static(&node(false, true), "data"));
        assert!(!is_static(&node(false, false), "other"));
    }
}
