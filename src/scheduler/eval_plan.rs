//! The in-memory plan of one evaluation: what later placements of the
//! same evaluation see (stops, preemptions, placements), kept apart from
//! the engine that fills it.

use std::collections::HashSet;

use super::engine::IdHash;
use crate::cluster::Allocation;
use crate::ids::Id;

/// The in-memory plan of one evaluation.
#[derive(Debug, Default)]
pub struct Plan {
    pub stops: Vec<Allocation>,
    /// (victim, preempting alloc id)
    pub preempted: Vec<(Allocation, Id)>,
    /// New and in-place-updated allocations, by node position.
    pub placed: super::placed::Placed,
    /// Stored allocations an in-place update replaces. Lookup-only (never
    /// iterated, so the hasher's per-process seed cannot reach any output):
    /// foldhash, as the engine's ID maps.
    pub(super) replaced: HashSet<Id, IdHash>,
    /// The placements in the order they were made, each kept once (in
    /// `placed`, or here when it has no node position): the result's list
    /// is made from these only when a caller reads it. Copying every
    /// allocation into the result as it was placed was a twelfth of `plan
    /// --samples`, whose replays never read it.
    pub(super) made: Vec<Made>,
    /// Each property set's use counts for the plan as it stands
    /// ([`super::property_set::UseMemo`]): emptied by every change.
    pub(super) use_memo: super::property_set::UseMemo,
}

#[derive(Debug)]
pub(super) struct Made {
    pub(super) slot: Slot,
    pub(super) preempts: Vec<Id>,
    pub(super) in_place: bool,
}

#[derive(Debug)]
pub(super) enum Slot {
    /// The `at`th of `placed`.
    Placed { at: usize },
    /// Rare (an in-place update whose node is gone): boxed.
    Own(Box<Allocation>),
}

impl Plan {
    /// Room for `n` more placements ([`super::placed::Placed::expect`]).
    pub fn expect(&mut self, n: usize) {
        self.placed.expect(n);
        let _ = self.made.try_reserve(n.min(super::placed::EXPECT_MAX));
    }

    /// The placements made, in order, as [`super::PlanResult`] lists them.
    pub fn placements(&self) -> Vec<super::Placement> {
        self.made
            .iter()
            .filter_map(|m| {
                let alloc = match &m.slot {
                    Slot::Placed { at } => self.placed.get(*at)?.clone(),
                    Slot::Own(a) => (**a).clone(),
                };
                Some(super::Placement {
                    alloc,
                    preempts: m.preempts.clone(),
                    in_place: m.in_place,
                })
            })
            .collect()
    }

    /// The new allocations of the plan (placements and destructive
    /// updates' replacements, not in-place updates), in order.
    pub fn created(&self) -> impl Iterator<Item = &Allocation> + '_ {
        self.made
            .iter()
            .filter(|m| !m.in_place)
            .filter_map(|m| match &m.slot {
                Slot::Placed { at } => self.placed.get(*at),
                Slot::Own(a) => Some(&**a),
            })
    }

    /// [`Plan::placements`] of a plan that is not applied: moved, not copied.
    pub fn into_placements(mut self) -> Vec<super::Placement> {
        let made = std::mem::take(&mut self.made);
        made.into_iter()
            .filter_map(|m| {
                let alloc = match m.slot {
                    Slot::Placed { at } => self.placed.take(at)?,
                    Slot::Own(a) => *a,
                };
                Some(super::Placement {
                    alloc,
                    preempts: m.preempts,
                    in_place: m.in_place,
                })
            })
            .collect()
    }
}
