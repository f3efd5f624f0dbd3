//! The allocations one evaluation's plan places (new ones and in-place
//! updates), in the order they were made, and each node's, by index.
//!
//! A list of allocations per node, grown a push at a time, doubled each
//! node's list of 270-byte allocations into fresh memory (1, 2, 4, ... 32
//! slots for the 20 a node of the 5,000-client, 100,000-allocation replay
//! receives): its copies and the pages they faulted were a sixth of the
//! uncached plan. Here they are one list, sized once from the placements
//! the evaluation means to make ([`Placed::expect`]), and each node keeps
//! the indexes of its own (8 bytes each, not 270). Applied to a state that
//! holds no allocation yet (a replay's first job), the list itself becomes
//! the state's, put in node order where it lies
//! ([`Placed::into_node_order`]), rather than copied into fresh memory
//! again. (A chain of indexes through the list, in place of each node's
//! index list, made every walk of a node's allocations a run of dependent
//! cache misses: ranking's `allocs_fit` took 1.7 times as long.)

use super::fit::Comparable;
use crate::cluster::Allocation;
use crate::ids::Id;

/// The most placements [`Placed::expect`] makes room for ahead: a
/// group's count is input, and room for an absurd one would be asked of
/// the system (if never touched) for nothing.
pub(super) const EXPECT_MAX: usize = 1 << 20;

#[derive(Debug, Default)]
pub struct Placed {
    /// Every allocation placed, in order.
    allocs: Vec<Allocation>,
    /// Per allocation: is it still placed (false once the applier removed
    /// its node)?
    kept: Vec<bool>,
    /// Per node position: its allocations' indexes, in order.
    nodes: Vec<Vec<usize>>,
    /// Per node position: the resources its allocations ask, summed as
    /// they are placed. Ranking fits every node against what it holds,
    /// and summing a node's placements again for each node ranked made a
    /// group of n allocations cost n² (count = 15,000: a third of
    /// `check`). Wrapping, as the release build's sum of them wraps.
    sums: Vec<Comparable>,
    /// Per node position: how many of its allocations each job's group
    /// has (job ID, group name, count), for the job anti-affinity score,
    /// which counted them by walking the node's list for every node
    /// ranked (count = 15,000: two fifths of `check`).
    groups: Vec<Vec<(Id, Id, usize)>>,
}

impl Placed {
    /// Room for `n` more placements (at most [`EXPECT_MAX`]; none if the
    /// system refuses it: the list then grows as it goes). Room reserved
    /// and never used is never touched, so an evaluation that places
    /// fewer costs nothing for it.
    pub fn expect(&mut self, n: usize) {
        let n = n.min(EXPECT_MAX);
        if self.allocs.try_reserve(n).is_ok() {
            let _ = self.kept.try_reserve(n);
        }
    }

    /// Place `alloc` on the node at `pos`; its index in placement order.
    pub fn push(&mut self, pos: usize, alloc: Allocation) -> usize {
        let i = self.allocs.len();
        self.allocs.push(alloc);
        self.kept.push(true);
        if self.nodes.len() <= pos {
            self.nodes.resize_with(pos + 1, Vec::new);
            self.sums.resize(pos + 1, Comparable::default());
            self.groups.resize_with(pos + 1, Vec::new);
        }
        if let Some(list) = self.nodes.get_mut(pos) {
            list.push(i);
        }
        if let (Some(sum), Some(a)) = (self.sums.get_mut(pos), self.allocs.get(i)) {
            *sum = sum.wrapping_add(&Comparable::of(&a.resources));
            if let Some(groups) = self.groups.get_mut(pos) {
                let same = |g: &&mut (Id, Id, usize)| g.0 == a.job_id && g.1 == a.task_group;
                match groups.iter_mut().find(same) {
                    Some(g) => g.2 += 1,
                    None => groups.push((a.job_id.clone(), a.task_group.clone(), 1)),
                }
            }
        }
        i
    }

    /// How many of the node's placements are of `job_id`'s group `group`
    /// (as [`Placed::on_node`]'s, counted).
    pub fn of_group_on(&self, pos: usize, job_id: &str, group: &str) -> usize {
        let groups = self.groups.get(pos).map_or(&[][..], |g| &g[..]);
        groups
            .iter()
            .find(|g| g.0.as_str() == job_id && g.1.as_str() == group)
            .map_or(0, |g| g.2)
    }

    /// What the node at `pos` holds of this plan's placements: their
    /// resources summed (as [`Placed::on_node`]'s would be) and how many.
    pub fn use_on(&self, pos: usize) -> (Comparable, usize) {
        let count = self.nodes.get(pos).map_or(0, Vec::len);
        (self.sums.get(pos).copied().unwrap_or_default(), count)
    }

    /// How many placements were made (those the applier removed too):
    /// the next one's index.
    pub fn made(&self) -> usize {
        self.allocs.len()
    }

    /// The allocation placed `i`th, unless the applier removed its node.
    pub fn get(&self, i: usize) -> Option<&Allocation> {
        self.kept
            .get(i)
            .copied()?
            .then(|| self.allocs.get(i))
            .flatten()
    }

    /// [`Placed::get`], moved out (a default allocation is left behind).
    pub fn take(&mut self, i: usize) -> Option<Allocation> {
        if !self.kept.get(i).copied()? {
            return None;
        }
        self.allocs.get_mut(i).map(std::mem::take)
    }

    /// The allocations placed on the node at `pos`, in order.
    pub fn on_node(&self, pos: usize) -> OnNode<'_> {
        OnNode {
            allocs: &self.allocs,
            at: self.nodes.get(pos).map_or(&[][..], |l| &l[..]).iter(),
        }
    }

    /// Each node position placed on, lowest first, with its allocations.
    pub fn by_node(&self) -> impl Iterator<Item = (usize, OnNode<'_>)> {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.is_empty())
            .map(|(pos, l)| {
                (
                    pos,
                    OnNode {
                        allocs: &self.allocs,
                        at: l.iter(),
                    },
                )
            })
    }

    /// Every allocation still placed, by node position, then in order.
    pub fn iter(&self) -> impl Iterator<Item = &Allocation> {
        self.by_node().flat_map(|(_, on)| on)
    }

    /// [`Placed::iter`], moved out: the list itself, its allocations
    /// put in that order where they lie (those of removed nodes dropped).
    pub fn into_node_order(self) -> Vec<Allocation> {
        let n = self.allocs.len();
        // `order[k]`: the index of the allocation that goes to `k`; those
        // of removed nodes after the rest, so every index is named once.
        let mut order: Vec<usize> = Vec::with_capacity(n);
        order.extend(self.nodes.iter().flatten().copied());
        let kept = order.len();
        order.extend(
            self.kept
                .iter()
                .enumerate()
                .filter(|(_, k)| !**k)
                .map(|(i, _)| i),
        );
        let mut allocs = self.allocs;
        if order.len() != n {
            // Not a reordering of the list (cannot be: each allocation is
            // on one node's list or removed): take what the order names.
            return order
                .iter()
                .take(kept)
                .filter_map(|&i| allocs.get_mut(i).map(std::mem::take))
                .collect();
        }
        // Each cycle of the reordering walked once, by swaps: the slot `k`
        // takes the allocation at `order[k]`, whose slot takes the one its
        // own order names, and so on round to the cycle's start.
        let mut done = vec![false; n];
        for start in 0..n {
            let mut k = start;
            while let Some(d) = done.get_mut(k).filter(|d| !**d) {
                *d = true;
                let from = order.get(k).copied().unwrap_or(start);
                if from == start {
                    break;
                }
                allocs.swap(k, from);
                k = from;
            }
        }
        allocs.truncate(kept);
        allocs
    }

    /// Drop every allocation placed on the node at `pos`.
    pub fn remove_node(&mut self, pos: usize) {
        let Some(list) = self.nodes.get_mut(pos) else {
            return;
        };
        for i in std::mem::take(list) {
            if let Some(k) = self.kept.get_mut(i) {
                *k = false;
            }
        }
        if let Some(sum) = self.sums.get_mut(pos) {
            *sum = Comparable::default();
        }
        if let Some(groups) = self.groups.get_mut(pos) {
            groups.clear();
        }
    }

    /// How many nodes hold a placement.
    pub fn node_count(&self) -> usize {
        self.nodes.iter().filter(|l| !l.is_empty()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.node_count() == 0
    }
}

/// One node's placed allocations, in order.
#[derive(Clone)]
pub struct OnNode<'p> {
    allocs: &'p [Allocation],
    at: std::slice::Iter<'p, usize>,
}

impl<'p> Iterator for OnNode<'p> {
    type Item = &'p Allocation;

    fn next(&mut self) -> Option<&'p Allocation> {
        let i = *self.at.next()?;
        self.allocs.get(i)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.at.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alloc(id: &str) -> Allocation {
        Allocation {
            id: id.into(),
            ..Allocation::default()
        }
    }

    fn ids<'a>(it: impl Iterator<Item = &'a Allocation>) -> Vec<String> {
        it.map(|a| a.id.to_string()).collect()
    }

    #[test]
    fn lists_each_node_in_order_and_all_by_node_position() {
        let mut p = Placed::default();
        for (pos, id) in [(3, "a"), (1, "b"), (3, "c"), (0, "d"), (1, "e")] {
            p.push(pos, alloc(id));
        }
        assert_eq!(ids(p.on_node(3)), ["a", "c"]);
        assert_eq!(ids(p.on_node(1)), ["b", "e"]);
        assert_eq!(ids(p.on_node(2)), Vec::<String>::new());
        assert_eq!(ids(p.on_node(9)), Vec::<String>::new());
        assert_eq!(ids(p.iter()), ["d", "b", "e", "a", "c"]);
        assert_eq!(p.get(2).map(|a| a.id.to_string()), Some("c".into()));
        assert_eq!(p.node_count(), 3);
        let moved: Vec<String> = p
            .into_node_order()
            .iter()
            .map(|a| a.id.to_string())
            .collect();
        assert_eq!(moved, ["d", "b", "e", "a", "c"]);
    }

    #[test]
    fn a_removed_node_is_gone_from_every_view() {
        let mut p = Placed::default();
        for (pos, id) in [(0, "a"), (1, "b"), (0, "c")] {
            p.push(pos, alloc(id));
        }
        p.remove_node(0);
        p.remove_node(7);
        assert!(p.get(0).is_none() && p.take(2).is_none());
        assert_eq!(ids(p.on_node(0)), Vec::<String>::new());
        assert_eq!(ids(p.iter()), ["b"]);
        assert_eq!(p.node_count(), 1);
        p.remove_node(1);
        assert!(p.is_empty());
    }

    #[test]
    fn reorders_in_place_dropping_removed_nodes_whatever_the_cycles() {
        // 60 placements over 5 nodes in a scrambled order, nodes 1 and 3
        // removed: the rest come out by node, then in placement order, in
        // the list's own memory.
        for seed in 0..40u64 {
            let mut p = Placed::default();
            p.expect(60);
            let mut x = seed;
            let mut want: Vec<(usize, usize)> = Vec::new();
            for i in 0..60 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let pos = usize::try_from(x >> 61).unwrap_or(0) % 5;
                p.push(pos, alloc(&i.to_string()));
                if pos != 1 && pos != 3 {
                    want.push((pos, i));
                }
            }
            p.remove_node(1);
            p.remove_node(3);
            want.sort();
            let at: *const Allocation = p.allocs.as_ptr();
            let got = p.into_node_order();
            assert_eq!(got.as_ptr(), at, "seed {seed}: copied");
            let got: Vec<String> = got.iter().map(|a| a.id.to_string()).collect();
            let want: Vec<String> = want.iter().map(|(_, i)| i.to_string()).collect();
            assert_eq!(got, want, "seed {seed}");
        }
    }

    #[test]
    fn an_absurd_expectation_reserves_no_more_than_the_cap() {
        let mut p = Placed::default();
        p.expect(usize::MAX);
        assert!(p.allocs.capacity() <= EXPECT_MAX);
        p.push(0, alloc("a"));
        assert_eq!(ids(p.on_node(0)), ["a"]);
    }
}
