//! `PreemptForTaskGroup`'s ties, which Go's map order breaks (redteam5
//! R3): Nomad's candidates are the node's proposed allocations, which
//! `ProposedAllocs` reads back from a Go map (`for _, alloc := range
//! proposedIDs`: scheduler/context.go v0.9.3–v1.11.x,
//! scheduler/feasible/context.go v2.0.x); `filterAndGroupPreemptibleAllocs`
//! keeps that order within a priority, and the search takes the first
//! candidate of strictly smallest distance (`if distance < bestDistance`,
//! scheduler/preemption.go v0.9.3–v1.11.x, scheduler/feasible/
//! preemption.go v2.0.x). Equally distant candidates (allocations of one
//! size and priority) are then chosen by the map's random start: drawn
//! here from the evaluation's map-order stream, with every outcome's odds
//! ([`crate::gomap`]).

use super::super::fit::Comparable;
use super::{Candidate, Preemptor, ProposedOrder};
use crate::cluster::Allocation;

/// Said of a node's proposed map whose odds [`crate::gomap`] does not
/// establish: every note of its map order says the same.
pub const NOT_ESTABLISHED: &str =
    "odds not established: the allocations on the node spread over Go's hashed buckets in too many ways to weigh";

/// What Go's map order left open in a preemption.
#[derive(Debug, Clone)]
pub enum MapOdds<'a> {
    /// Each possible set of victims (in Nomad's order) with its chance,
    /// likeliest first.
    Established(Vec<(Vec<&'a Allocation>, f64)>),
    /// Go's hashed buckets decide, in a way not modelled (a map growing
    /// over several inserts, or too many layouts to weigh).
    NotEstablished,
}

/// The victims one evaluation drew, and the odds when another map order
/// would have chosen others.
#[derive(Debug, Clone)]
pub struct GroupPick<'a> {
    pub victims: Vec<&'a Allocation>,
    pub odds: Option<MapOdds<'a>>,
}

/// One outcome, told apart from others by its victims' IDs.
pub(super) struct Outcome<'a> {
    ids: Vec<&'a str>,
    pub(super) victims: Vec<&'a Allocation>,
}

impl PartialEq for Outcome<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.ids == other.ids
    }
}

impl<'a> Outcome<'a> {
    pub(super) fn of(victims: Vec<&'a Allocation>) -> Outcome<'a> {
        let mut ids: Vec<&'a str> = victims.iter().map(|a| a.id.as_str()).collect();
        ids.sort_unstable();
        Outcome { ids, victims }
    }
}

impl<'a> Preemptor<'a> {
    /// Each candidate's slot in the node's `ProposedAllocs` map.
    pub(super) fn slots(&self, order: &ProposedOrder<'_>) -> Vec<usize> {
        self.candidates
            .iter()
            .map(|c| (order.position)(c.alloc))
            .collect()
    }

    /// The candidates in the order a map iteration yielding the slots
    /// `yielded` returns them (`slots` from [`Preemptor::slots`]).
    pub(super) fn in_yield_order(&self, slots: &[usize], yielded: &[usize]) -> Vec<Candidate<'a>> {
        let rank = |slot: usize| yielded.iter().position(|s| *s == slot);
        let mut idx: Vec<usize> = (0..self.candidates.len()).collect();
        idx.sort_by_key(|&i| slots.get(i).and_then(|s| rank(*s)));
        idx.iter()
            .filter_map(|&i| self.candidates.get(i).copied())
            .collect()
    }

    /// [`Preemptor::for_task_group`] with the candidates in Go's map order:
    /// `order` places each in the proposed map (insertion position, and the
    /// map's shape); `draw(shape)` is one evaluation's iteration order of
    /// such a map ([`crate::gomap::draw_in`]), asked for only when two
    /// candidates tie, so plans without a tie draw nothing.
    pub fn for_task_group_drawn(
        &self,
        ask: &Comparable,
        order: &ProposedOrder<'_>,
        draw: &mut dyn FnMut(crate::gomap::Shape) -> Vec<usize>,
    ) -> GroupPick<'a> {
        let (victims, tied) = self.task_group_from(&self.candidates, ask);
        if !tied {
            return GroupPick {
                victims,
                odds: None,
            };
        }
        let shape = (order.shape)();
        let slots = self.slots(order);
        let in_order = |yielded: &[usize]| self.in_yield_order(&slots, yielded);
        let outcomes = crate::gomap::outcomes_in(shape, |yielded| {
            let yielded: Vec<usize> = yielded.collect();
            Outcome::of(self.task_group_from(&in_order(&yielded), ask).0)
        });
        let victims = self.task_group_from(&in_order(&draw(shape)), ask).0;
        let odds = match outcomes {
            Some(list) if list.len() < 2 => None,
            Some(mut list) => {
                list.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
                Some(MapOdds::Established(
                    list.into_iter().map(|(o, p)| (o.victims, p)).collect(),
                ))
            }
            None => Some(MapOdds::NotEstablished),
        };
        GroupPick { victims, odds }
    }
}

/// The note of a preemption Go's map order decided, for
/// `Preflight.Nondeterminism` and a `note:` line of the plan's text;
/// `what` is the ask (`group "g"`, `device "nvidia/gpu"`).
pub fn note(node: &str, what: &str, pick: &GroupPick<'_>) -> Option<String> {
    let odds = pick.odds.as_ref()?;
    let short = |a: &Allocation| a.id.get(..8).unwrap_or(&a.id).to_string();
    let label = |v: &[&Allocation]| {
        if v.is_empty() {
            return "no victim (the node is exhausted)".to_string();
        }
        v.iter()
            .map(|a| format!("{}/{} {}", a.job_id, a.task_group, short(a)))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let chances = match odds {
        MapOdds::Established(list) => list
            .iter()
            .map(|(v, p)| format!("{} {}", label(v), crate::gomap::percent(*p)))
            .collect::<Vec<_>>()
            .join(", "),
        MapOdds::NotEstablished => NOT_ESTABLISHED.to_string(),
    };
    Some(format!(
        "node {node:?}: which allocations are preempted for {what} is random: Nomad takes them in the order its proposed list (a Go map) yields ({chances}), and this plan drew {}",
        label(&pick.victims)
    ))
}
