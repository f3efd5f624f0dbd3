//! The system scheduler's reading of an imported allocation against its
//! group's disconnect rules and its node (1.3+:
//! `diffSystemAllocsForNode`, scheduler/util.go 1.3–1.4 and
//! scheduler/system_util.go 1.5–1.10; `computeForNode`,
//! scheduler/reconciler/reconcile_node.go 1.11 on; the order is the same
//! throughout). What the import decided is in [`Disconnect`]
//! (world/api_alloc_disconnect.rs). Lost and disconnecting allocations
//! are counted in no `DesiredUpdates` field the plan prints (1.11's
//! `Disconnect` count is not in `nomad job plan`'s annotations,
//! scheduler/annotate.go); a reconnecting one goes through `inplaceUpdate`
//! with the updates (scheduler_system.go `computeJobAllocs`, "Reconnecting
//! allocations need to be updated"), whatever its version.

use crate::cluster::{Allocation, ClientStatus, Node, NodeStatus};
use crate::structs::Disconnect;

/// What the system scheduler does with such an allocation, where it
/// differs from its ordinary reading (same version: ignore; changed:
/// update).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// Counted as ignored, never updated.
    Ignore,
    /// Stopped, counted nowhere; its name still holds the node.
    Lost,
    /// Left as it is (marked `unknown`), counted nowhere.
    Quiet,
    /// Updated, in place when the spec allows and it fits, even at the
    /// planned version (reconnecting).
    Update,
}

/// How the system scheduler reads `a` on `node` (`None`: gone), after a
/// stopped job's and a migration's rules; `None` when it reads it as any
/// allocation (or the world is not an import).
pub fn read(a: &Allocation, node: Option<&Node>) -> Option<Read> {
    let d = a.disconnect?;
    let status = node.map(|n| n.status);
    // taintedNodes: down, draining, disconnected, or gone.
    let tainted = node
        .is_none_or(|n| n.drain || matches!(n.status, NodeStatus::Down | NodeStatus::Disconnected));
    Some(match d {
        Disconnect::Expired => Read::Lost,
        Disconnect::Waiting => Read::Ignore,
        Disconnect::Reconnecting if !tainted => Read::Update,
        _ if !tainted => return None,
        Disconnect::Supported | Disconnect::Reconnecting
            if status == Some(NodeStatus::Disconnected)
                && a.client_status == ClientStatus::Running =>
        {
            Read::Quiet
        }
        _ if matches!(status, None | Some(NodeStatus::Down)) => Read::Lost,
        _ => Read::Ignore,
    })
}

impl Read {
    /// Apply to the plan: stop a lost one, count an ignored one (an
    /// update is the caller's).
    pub fn apply(
        self,
        engine: &mut super::engine::Engine<'_>,
        a: &Allocation,
        du: &mut super::DesiredUpdates,
    ) {
        match self {
            Read::Ignore => du.ignore += 1,
            Read::Lost => engine.stop(a),
            // `Disconnecting`: 1.11's `Disconnect` count (util.go
            // v2.0.5:740), in no field the plan's text prints.
            Read::Quiet => du.disconnect += 1,
            Read::Update => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(status: NodeStatus, drain: bool) -> Node {
        Node {
            status,
            drain,
            ..Default::default()
        }
    }

    fn alloc(d: Disconnect) -> Allocation {
        Allocation {
            disconnect: Some(d),
            client_status: ClientStatus::Running,
            ..Default::default()
        }
    }

    #[test]
    fn the_node_decides_what_the_import_left_open() {
        use Disconnect::*;
        let ready = node(NodeStatus::Ready, false);
        let gone = node(NodeStatus::Disconnected, false);
        let down = node(NodeStatus::Down, false);
        let draining = node(NodeStatus::Ready, true);
        assert_eq!(read(&alloc(Waiting), Some(&ready)), Some(Read::Ignore));
        assert_eq!(read(&alloc(Expired), Some(&gone)), Some(Read::Lost));
        assert_eq!(read(&alloc(Reconnecting), Some(&ready)), Some(Read::Update));
        assert_eq!(read(&alloc(Reconnecting), Some(&gone)), Some(Read::Quiet));
        assert_eq!(read(&alloc(Supported), Some(&ready)), None);
        assert_eq!(read(&alloc(Unsupported), Some(&ready)), None);
        // Disconnected node: a running one of a group that keeps
        // disconnected clients is marked unknown; another is ignored.
        assert_eq!(read(&alloc(Supported), Some(&gone)), Some(Read::Quiet));
        assert_eq!(read(&alloc(Unsupported), Some(&gone)), Some(Read::Ignore));
        let mut pending = alloc(Supported);
        pending.client_status = ClientStatus::Pending;
        assert_eq!(read(&pending, Some(&gone)), Some(Read::Ignore));
        assert_eq!(read(&alloc(Supported), Some(&down)), Some(Read::Lost));
        assert_eq!(read(&alloc(Unsupported), None), Some(Read::Lost));
        assert_eq!(read(&alloc(Supported), Some(&draining)), Some(Read::Ignore));
        // Not imported: the ordinary reading.
        assert_eq!(read(&Allocation::default(), Some(&gone)), None);
    }
}
