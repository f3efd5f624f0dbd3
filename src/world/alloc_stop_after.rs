//! A hand-written world's live allocation on a down or disconnected client
//! in a group that stops its allocations after a disconnect
//! (`stop_after_client_disconnect`, from 1.8 also
//! `disconnect.stop_on_client_after`).
//!
//! Nomad's reconciler takes such a lost allocation's stop as delayed
//! (`delayByStopAfterClientDisconnect`, reconcile_util.go from 0.11.2:
//! `WaitClientStop` counts from the allocation's lost transition, or from
//! now when it has none) and then places nothing for the whole group
//! (`if len(lostLater) == 0` around `computePlacements`): the group's
//! replacements and any other placement wait for the follow-up
//! evaluation. The scheduler here does not follow that delay and placed
//! the lost allocation's replacement — a create Nomad does not print. Until
//! it is followed, such a job is "cannot tell" (`world::alloc-state`), as
//! an import's lost allocation in such a group already is
//! (`api_alloc_generic`). Conservative where the group is not lost at all
//! (from 1.11.2 a disconnected client's allocation of a group with
//! `lost_after` is untainted): it says it cannot tell, never a wrong plan.

use crate::diag::Diags;
use crate::jobspec::{JobType, TaskGroup};
use crate::source::Source;
use crate::structs::NodeStatus;

use super::model::World;

/// Does `tg` stop its allocations on a client that stopped answering?
fn stops_after_disconnect(tg: &TaskGroup) -> bool {
    tg.stop_after_client_disconnect.is_some()
        || tg
            .disconnect
            .as_ref()
            .is_some_and(|d| d.stop_on_client_after.is_some())
}

/// Mark the service and batch jobs with a live pinned allocation on a down
/// or disconnected client whose group stops after a disconnect (after
/// `alloc_version::read`, whose reasons stay first).
pub(super) fn read(src: &Source, world: &mut World, diags: &mut Diags) {
    let gone = world.node_ids_where(|s| matches!(s, NodeStatus::Down | NodeStatus::Disconnected));
    let Some(pinned) = world.pinned.as_ref() else {
        return;
    };
    let mut marked: Vec<(String, String)> = Vec::new();
    for a in &pinned.allocs {
        if !a.is_live()
            || !gone.contains(a.node_id.as_str())
            || !matches!(a.job_type, JobType::Service | JobType::Batch)
        {
            continue;
        }
        let stops = world
            .running
            .iter()
            .map(|r| &r.job)
            .find(|j| j.namespace == a.namespace.as_str() && j.id == a.job_id.as_str())
            .and_then(|j| j.group(&a.task_group))
            .is_some_and(stops_after_disconnect);
        let key = (a.namespace.to_string(), a.job_id.to_string());
        if !stops || world.alloc_states.contains_key(&key) {
            continue;
        }
        world.alloc_states.insert(
            key.clone(),
            format!(
                "allocation {} is on a client that stopped answering, in group {} which stops its allocations after a disconnect: Nomad delays that stop and places nothing for the group until it is due, which nomad-preflight does not simulate",
                a.id, a.task_group
            ),
        );
        marked.push(key);
    }
    super::guess::warn_alloc_state(
        src,
        diags,
        &marked,
        "a live allocation on a down or disconnected client in a group with stop_after_client_disconnect (or disconnect.stop_on_client_after), whose delayed stop holds back the group's placements",
        "plan those jobs on the cluster (`nomad job plan`)",
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn either_block_stops_after_a_disconnect() {
        let mut tg = crate::jobspec::TaskGroup::default();
        assert!(!super::stops_after_disconnect(&tg));
        tg.stop_after_client_disconnect = Some(crate::jobspec::Duration::secs(30));
        assert!(super::stops_after_disconnect(&tg));
    }
}
