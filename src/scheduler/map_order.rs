//! Where Go's map order decides inside one evaluation: the draws (from the
//! evaluation's own map-order stream, [`crate::gomap`]), the notes of the
//! outcomes drawn, and where an allocation sits in the map Nomad's
//! `ProposedAllocs` reads a node's allocations back from
//! (scheduler/context.go v0.9.3–v1.11.x, scheduler/feasible/context.go
//! v2.0.x: `proposedIDs := make(map[string]*structs.Allocation,
//! len(proposed))`, filled with the node's stored allocations, then the
//! plan's, and ranged over).

use super::engine::{Engine, Note};
use crate::cluster::Allocation;

impl Engine<'_> {
    /// [`Engine::note`] of an outcome drawn by Go's map order, which the
    /// plan's text says too.
    pub(super) fn note_drawn(&mut self, kind: Note, group: &str, text: impl FnOnce() -> String) {
        let before = self.nondeterminism.len();
        self.note(kind, group, text);
        if let Some(t) = self.nondeterminism.get(before..).and_then(|n| n.first()) {
            self.drawn.push(t.clone());
        }
    }

    /// One iteration order of a Go map of `len` entries inserted in order,
    /// from the evaluation's map-order stream.
    pub(super) fn draw_map_order(&self, len: usize) -> Vec<usize> {
        crate::gomap::draw(len, &mut self.map_draws.borrow_mut())
    }

    /// The slot of `a` in the proposed map of the node at `pos`: the
    /// node's stored allocations by ID (memdb's node index yields them so),
    /// then the plan's new ones in the order placed; an in-place update
    /// keeps its stored ID's slot.
    pub(super) fn proposed_slot(&self, pos: usize, a: &Allocation) -> usize {
        let stored = |x: &Allocation| self.stored(&x.id).is_some();
        if stored(a) {
            return self
                .proposed_iter(pos)
                .filter(|x| x.id < a.id && stored(x))
                .count();
        }
        let (old, new): (Vec<&Allocation>, Vec<&Allocation>) =
            self.proposed_iter(pos).partition(|x| stored(x));
        old.len() + new.iter().position(|x| x.id == a.id).unwrap_or(0)
    }
}
