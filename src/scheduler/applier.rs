//! The plan applier's re-check (`nomad/plan_apply.go` evaluateNodePlan):
//! before committing, every node that receives allocations must still fit
//! them. A node that does not is dropped from the plan as a whole (its
//! placements, stops and preemptions): a partial commit.

use std::collections::HashSet;

use super::engine::{IdHash, Plan};
use super::fit::allocs_fit;
use super::net_held;
use crate::cluster::{Allocation, Node, State};
use crate::version::NomadVersion;

/// Remove the parts of `plan` the applier would reject; true if any was.
/// `by_node`: the allocations each node position holds, as indexes into
/// `state.allocs` in their order (the evaluation's engine holds them:
/// grouping every allocation of the state again for each plan was a
/// twentieth of `plan --samples 1000`).
pub fn reject_overcommitted(
    state: &State,
    plan: &mut Plan,
    by_node: &[Vec<usize>],
    version: NomadVersion,
) -> bool {
    // Lookup-only maps over allocation and node IDs: foldhash, as the
    // engine's (SipHash here was a tenth of this check).
    let gone: HashSet<&str, IdHash> = plan
        .stops
        .iter()
        .map(|a| a.id.as_str())
        .chain(plan.preempted.iter().map(|(a, _)| a.id.as_str()))
        .collect();
    let mut rejected: Vec<(usize, String)> = Vec::new();
    for (pos, placed) in plan.placed.by_node() {
        let Some(node) = state.nodes.get(pos) else {
            rejected.push((pos, String::new()));
            continue;
        };
        let placed_ids: HashSet<&str, IdHash> = placed.clone().map(|a| a.id.as_str()).collect();
        let existing = by_node
            .get(pos)
            .into_iter()
            .flatten()
            .filter_map(|&i| state.allocs.get(i))
            // The applier reads the node's allocations by the state index
            // of `TerminalStatus` (`AllocsByNodeTerminal(false)`, 0.9-2.0.5):
            // one told to stop is not re-checked, though the scheduler of
            // 1.4.0+ counts it until its client stops it.
            .filter(|a| a.is_live())
            .filter(|a| !gone.contains(a.id.as_str()) && !placed_ids.contains(a.id.as_str()));
        let all: Vec<&Allocation> = existing.chain(placed).collect();
        if !node_fits(node, &all, version) {
            rejected.push((pos, node.id.clone()));
        }
    }
    for (pos, node_id) in &rejected {
        plan.placed.remove_node(*pos);
        plan.stops.retain(|a| &a.node_id != node_id);
        plan.preempted.retain(|(a, _)| &a.node_id != node_id);
    }
    !rejected.is_empty()
}

/// `AllocsFit` with the network index (`SetNode`, `AddAllocs`, then
/// `Overcommitted`, which checks bandwidth only before 0.12: from 0.12.0
/// its body is commented out, nomad/structs/network.go).
fn node_fits(node: &Node, allocs: &[&Allocation], version: NomadVersion) -> bool {
    if allocs_fit(node, allocs.iter().map(|a| &a.resources), None).is_err() {
        return false;
    }
    let indexed = || {
        allocs
            .iter()
            .flat_map(move |a| net_held::indexed(&a.resources.networks, version))
    };
    if !net_held::on_host_network(version) {
        let bandwidth: i64 = indexed().map(|h| h.mbits).sum();
        if node.networks.first().is_some_and(|d| bandwidth > d.mbits) {
            return false;
        }
    }
    let mut ports: HashSet<u16, IdHash> = node.reserved_ports.iter().copied().collect();
    indexed()
        .flat_map(|h| {
            h.net
                .reserved_ports
                .iter()
                .chain(h.net.dynamic_ports.iter())
        })
        .filter(|(_, p)| *p != 0)
        .all(|(_, p)| ports.insert(*p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::{AllocResources, ClientStatus, DesiredStatus, NodeNetwork};

    fn node() -> Node {
        Node {
            id: "n1".into(),
            cpu: 1000,
            memory_mb: 1000,
            disk_mb: 1000,
            networks: vec![NodeNetwork {
                device: "eth0".into(),
                mbits: 100,
                ..NodeNetwork::default()
            }],
            ..Node::default()
        }
    }

    fn alloc(id: &str, cpu: i64) -> Allocation {
        Allocation {
            id: id.into(),
            node_id: "n1".into(),
            desired_status: DesiredStatus::Run,
            client_status: ClientStatus::Running,
            resources: AllocResources {
                cpu,
                memory_mb: 10,
                ..AllocResources::default()
            },
            ..Allocation::default()
        }
    }

    #[test]
    fn rejects_a_node_that_no_longer_fits_and_keeps_one_that_does() {
        let state = State {
            nodes: vec![node()].into(),
            allocs: vec![alloc("old", 600), alloc("victim", 100)],
            ..State::default()
        };
        // Too few victims picked: 600 + 500 > 1000 even after evicting 100.
        let mut plan = Plan::default();
        plan.placed.push(0, alloc("new", 500));
        plan.preempted.push((alloc("victim", 100), "new".into()));
        let by_node = super::super::node_allocs::live_by_node(&state);
        assert!(reject_overcommitted(
            &state,
            &mut plan,
            &by_node,
            NomadVersion::CURRENT
        ));
        assert!(plan.placed.is_empty() && plan.preempted.is_empty());

        let mut ok = Plan::default();
        ok.placed.push(0, alloc("new", 300));
        ok.stops.push(alloc("victim", 100));
        assert!(!reject_overcommitted(
            &state,
            &mut ok,
            &by_node,
            NomadVersion::CURRENT
        ));
        assert_eq!(ok.placed.node_count(), 1);
    }
}
