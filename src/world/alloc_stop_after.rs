//! A hand-written world's allocation on a down or disconnected client in
//! a group that stops its allocations after a disconnect
//! (`stop_after_client_disconnect`, 1.8–1.9 also
//! `disconnect.stop_on_client_after`, from 1.10 that alone).
//!
//! Nomad's reconciler takes such a lost allocation's stop as delayed
//! (`delayByStopAfterClientDisconnect`, reconcile_util.go from 0.11.2;
//! `WaitClientStop` counts from the allocation's lost transition, or from
//! now when it has none, as a hand-written one never has) and then places
//! nothing for the whole group (`if len(lostLater) == 0` around
//! `computePlacements`). The scheduler follows that
//! (`reconcile_group`'s `held`, `structs::disconnected_node::stop_delayed`)
//! by the group of the version the allocation runs. Where the world does
//! not hold that version and the registered group stops after a
//! disconnect, whether Nomad holds the group back is unknown: such a job
//! is "cannot tell" (`world::alloc-state`).

use crate::diag::Diags;
use crate::jobspec::JobType;
use crate::source::Source;
use crate::structs::disconnected_node::stop_delayed;
use crate::structs::{Disconnect, NodeStatus};

use super::model::World;

/// Mark the service and batch jobs with an allocation on a down or
/// disconnected client, of a job version the world does not hold, whose
/// registered group stops after a disconnect (after
/// `alloc_version::read`, whose reasons stay first).
pub(super) fn read(
    src: &Source,
    world: &mut World,
    scope: super::alloc_running::Scope<'_>,
    diags: &mut Diags,
) {
    let version = world.nomad_version;
    let gone = world.node_ids_where(|s| matches!(s, NodeStatus::Down | NodeStatus::Disconnected));
    let Some(pinned) = world.pinned.as_ref() else {
        return;
    };
    let mut marked: Vec<(String, String)> = Vec::new();
    for a in &pinned.allocs {
        if !scope.covers(a) {
            continue;
        }
        let read = a.is_live() || a.disconnect == Some(Disconnect::Lost);
        if !read
            || !gone.contains(a.node_id.as_str())
            || !matches!(a.job_type, JobType::Service | JobType::Batch)
        {
            continue;
        }
        let key = (a.namespace.to_string(), a.job_id.to_string());
        let held = pinned
            .versions
            .get(&key)
            .is_none_or(|ix| ix.version == a.job_version)
            || pinned
                .history
                .contains_key(&(key.0.clone(), key.1.clone(), a.job_version));
        let stops = world
            .running
            .iter()
            .map(|r| &r.job)
            .find(|j| j.namespace == a.namespace.as_str() && j.id == a.job_id.as_str())
            .and_then(|j| j.group(&a.task_group))
            .is_some_and(|g| stop_delayed(g, version));
        if held || !stops || world.alloc_states.contains_key(&key) {
            continue;
        }
        world.alloc_states.insert(
            key.clone(),
            format!(
                "allocation {} is on a client that stopped answering and runs job version {}, which the world does not hold, in group {} which stops its allocations after a disconnect: whether Nomad delays its stop and places nothing for the group depends on that version's group",
                a.id, a.job_version, a.task_group
            ),
        );
        marked.push(key);
    }
    super::guess::warn_alloc_state(
        src,
        diags,
        &marked,
        "an allocation on a down or disconnected client, of a job version the world does not hold, in a group with stop_after_client_disconnect (or disconnect.stop_on_client_after), whose delayed stop would hold back the group's placements",
        "pin those allocations at the registered version (`job_version`), or plan those jobs on the cluster (`nomad job plan`)",
    );
}

#[cfg(test)]
mod tests {
    use crate::version::NomadVersion;

    #[test]
    fn each_release_reads_its_own_stop_timeout() {
        use crate::structs::disconnected_node::stop_delayed;
        let v = NomadVersion::new;
        let mut old = crate::jobspec::TaskGroup::default();
        assert!(!stop_delayed(&old, v(1, 5, 10)));
        old.stop_after_client_disconnect = Some(crate::jobspec::Duration::secs(30));
        assert!(!stop_delayed(&old, v(0, 11, 1)));
        assert!(stop_delayed(&old, v(0, 11, 2)));
        assert!(stop_delayed(&old, v(1, 9, 7)));
        // 1.10 no longer converts the old field.
        assert!(!stop_delayed(&old, v(1, 10, 0)));
        let block = crate::jobspec::TaskGroup {
            disconnect: Some(crate::jobspec::Disconnect {
                stop_on_client_after: Some(crate::jobspec::Duration::secs(30)),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(!stop_delayed(&block, v(1, 7, 7)));
        assert!(stop_delayed(&block, v(1, 8, 0)));
        assert!(stop_delayed(&block, v(2, 0, 5)));
        // A zero timeout stops nothing (`*timeout == 0`).
        let zero = crate::jobspec::TaskGroup {
            stop_after_client_disconnect: Some(crate::jobspec::Duration::secs(0)),
            ..block.clone()
        };
        assert!(!stop_delayed(&zero, v(1, 8, 0)));
        assert!(stop_delayed(&zero, v(1, 10, 0)));
    }
}
