//! What each node holds at the start of an evaluation (the live
//! allocations of the state, by node position) and which of them the
//! evaluation's plan takes off their node: the engine's proposed
//! allocations and the applier's re-check read both.

use std::collections::HashMap;

use super::engine::IdHash;
use crate::cluster::State;
use crate::version::NomadVersion;

/// Each node's position, by node ID (IDs are unique in a state: a world
/// refuses a node declared twice).
pub(super) fn node_positions(state: &State) -> HashMap<&str, usize, IdHash> {
    state
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect()
}

/// The allocations each node position holds under `v` (live, and from
/// 1.4.0 those told to stop that still run: `Allocation::holds_node`), as
/// indexes into state.allocs in their order.
pub(super) fn live_on(
    state: &State,
    node_pos: &HashMap<&str, usize, IdHash>,
    v: NomadVersion,
) -> Vec<Vec<usize>> {
    let mut by_node = vec![Vec::new(); state.nodes.len()];
    for (i, a) in state.allocs.iter().enumerate() {
        if !a.holds_node(v) {
            continue;
        }
        if let Some(list) = node_pos
            .get(a.node_id.as_str())
            .and_then(|&p| by_node.get_mut(p))
        {
            list.push(i);
        }
    }
    by_node
}

/// The engine's `by_node` for `state`, built without an engine.
#[cfg(test)]
pub(super) fn live_by_node(state: &State) -> Vec<Vec<usize>> {
    live_on(state, &node_positions(state), NomadVersion::new(2, 0, 5))
}

/// Two flags per stored allocation (see [`Engine`](super::engine::Engine)'s `dropped`): taken
/// off its node (`GONE`: stopped, preempted, or set aside while its
/// in-place fit is checked) and replaced by its in-place update
/// (`REPLACED`), kept apart as the two ID sets they replace were, so
/// putting a stop back never puts back a replaced allocation. Allocated
/// on the first drop: most evaluations of a large cluster drop nothing.
#[derive(Debug, Default)]
pub(super) struct Dropped(Vec<u8>);

pub(super) const GONE: u8 = 1;
pub(super) const REPLACED: u8 = 2;

impl Dropped {
    pub(super) fn has(&self, i: usize) -> bool {
        self.0.get(i).is_some_and(|f| *f != 0)
    }

    /// Taken off its node (stopped or preempted), not only replaced.
    pub(super) fn gone(&self, i: usize) -> bool {
        self.0.get(i).is_some_and(|f| *f & GONE != 0)
    }

    pub(super) fn set(&mut self, i: usize, flag: u8, on: bool, len: usize) {
        if self.0.is_empty() {
            if !on {
                return;
            }
            self.0 = vec![0; len];
        }
        if let Some(f) = self.0.get_mut(i) {
            if on {
                *f |= flag;
            } else {
                *f &= !flag;
            }
        }
    }
}
