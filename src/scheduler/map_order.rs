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
use crate::ids::SplitMix64;

/// Go's map orders' own stream, and the notes of device offers it drew
/// while ranking (`&self`: the select that ranked writes them).
pub(super) struct MapDraws {
    rng: SplitMix64,
    device_notes: Vec<(String, String)>,
}

impl MapDraws {
    pub(super) fn cell(rng_seed: u64) -> std::cell::RefCell<MapDraws> {
        let seed = crate::ids::hash_parts(rng_seed, &["go-map-order"]);
        std::cell::RefCell::new(MapDraws {
            rng: SplitMix64::new(seed),
            device_notes: Vec::new(),
        })
    }
}

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

    /// Write the notes of device offers Go's map order drew while
    /// ranking (ranking is `&self`, [`Engine::device_drawn`]).
    pub(super) fn note_device_offers(&mut self) {
        let pending = std::mem::take(&mut self.map_draws.borrow_mut().device_notes);
        for (group, text) in pending {
            self.note_drawn(Note::Device("offer"), &group, || text);
        }
    }

    /// Keep the note of device offers drawn for `group` for
    /// [`Engine::note_device_offers`].
    pub(super) fn pend_device_note(&self, group: &str, text: String) {
        let notes = &mut self.map_draws.borrow_mut().device_notes;
        notes.push((group.to_string(), text));
    }

    /// One iteration order of a Go map of `len` entries inserted in order,
    /// from the evaluation's map-order stream.
    pub(super) fn draw_map_order(&self, len: usize) -> Vec<usize> {
        crate::gomap::draw(len, &mut self.map_draws.borrow_mut().rng)
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
