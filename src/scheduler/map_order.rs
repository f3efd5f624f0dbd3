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
use crate::gomap::{Runtime, Shape};
use crate::ids::SplitMix64;

/// Go's map orders' own stream, and the notes of device offers it drew
/// while ranking (`&self`: the select that ranked writes them).
pub(super) struct MapDraws {
    rng: SplitMix64,
    device_notes: Vec<(String, String)>,
    /// What the state lists on each node for `ProposedAllocs`, counted on
    /// first use ([`Engine::proposed_shape`]).
    listed: Option<Vec<usize>>,
}

impl MapDraws {
    pub(super) fn cell(rng_seed: u64) -> std::cell::RefCell<MapDraws> {
        let seed = crate::ids::hash_parts(rng_seed, &["go-map-order"]);
        std::cell::RefCell::new(MapDraws {
            rng: SplitMix64::new(seed),
            device_notes: Vec::new(),
            listed: None,
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

    /// [`Engine::draw_map_order`] of a map of `shape`.
    pub(super) fn draw_map_order_in(&self, shape: Shape) -> Vec<usize> {
        crate::gomap::draw_in(shape, &mut self.map_draws.borrow_mut().rng)
    }

    /// The slot of `a` in the proposed map of the node at `pos`: the
    /// node's stored allocations in the order memdb's `node` index yields
    /// them, then the plan's new ones in the order placed; an in-place
    /// update keeps its stored ID's slot. The index's key is the node ID,
    /// then `TerminalStatus()` as one byte (a ConditionalIndex: 0, then
    /// 1), then the allocation ID that go-memdb appends to a non-unique
    /// index's key (nomad/state/schema.go `allocTableSchema`, v0.9.3 to
    /// v2.0.5; go-memdb txn.go `Insert`). From 1.4.0 `AllocsByNode` reads
    /// the whole node prefix, so allocations told to stop that still run
    /// come after every live one (before, `AllocsByNodeTerminal(false)`
    /// read only the live ones).
    pub(super) fn proposed_slot(&self, pos: usize, a: &Allocation) -> usize {
        let stored = |x: &Allocation| self.stored(&x.id).is_some();
        let before = |x: &Allocation| (!x.is_live(), &x.id) < (!a.is_live(), &a.id);
        if stored(a) {
            return self
                .proposed_iter(pos)
                .filter(|x| before(x) && stored(x))
                .count();
        }
        let (old, new): (Vec<&Allocation>, Vec<&Allocation>) =
            self.proposed_iter(pos).partition(|x| stored(x));
        old.len() + new.iter().position(|x| x.id == a.id).unwrap_or(0)
    }

    /// The proposed map of the node at `pos` as `ProposedAllocs` makes and
    /// fills it: `make(map, len(proposed))`, where `proposed` is what the
    /// state lists on the node less the plan's stops and preemptions there
    /// (`RemoveAllocs`); from 1.4.0 that list is every allocation of the
    /// node, those its client finished included, which the loop then
    /// skips (`ClientTerminalStatus`), so the hint can exceed the entries
    /// (scheduler/context.go v1.4.0-v1.11.x, scheduler/feasible/context.go
    /// v2.0.x; before 1.4.0 `AllocsByNodeTerminal(ws, nodeID, false)`).
    /// The Go release picks the map's runtime ([`crate::gorelease`]).
    pub(super) fn proposed_shape(&self, pos: usize) -> Shape {
        let v = self.world.nomad_version;
        let listed = {
            let mut draws = self.map_draws.borrow_mut();
            let counts = draws.listed.get_or_insert_with(|| {
                let mut counts = vec![0; self.state.nodes.len()];
                for a in &self.state.allocs {
                    if !(v.at_least(1, 4, 0) || a.holds_node(v)) {
                        continue;
                    }
                    if let Some(c) = self
                        .node_position(&a.node_id)
                        .and_then(|p| counts.get_mut(p))
                    {
                        *c += 1;
                    }
                }
                counts
            });
            let apart = |id: &str| {
                let pinned = self.world.pinned.as_ref();
                pinned.and_then(|p| p.listed_apart.get(id)).copied()
            };
            let node = self.node(pos).map(|n| n.id.as_str());
            let apart = match node.and_then(apart) {
                Some(n) if v.at_least(1, 4, 0) => n,
                _ => 0,
            };
            counts.get(pos).copied().unwrap_or(0) + apart
        };
        let taken_off = self.gone_on(pos);
        Shape {
            runtime: Runtime::of(crate::gorelease::go_span(v)),
            hint: listed.saturating_sub(taken_off),
            len: self.proposed_iter(pos).count(),
        }
    }
}
