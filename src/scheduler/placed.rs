//! The allocations one evaluation's plan places (new ones and in-place
//! updates), in the order they were made, each node's threaded through
//! them.
//!
//! A list per node, grown a push at a time, doubled each node's list of
//! 250-byte allocations into fresh memory (1, 2, 4, ... 32 slots for the
//! 20 a node of the 5,000-client, 100,000-allocation replay receives): its
//! copies and the pages they faulted were a sixth of the uncached plan.
//! Here every allocation is written once, into fixed-size chunks that
//! never move; a node's allocations are a chain of indexes through them.
//! The chunks are never sized from the input (a group's count is), so an
//! absurd count costs only what is actually placed.

use crate::cluster::Allocation;

/// Allocations a chunk holds (about 64 KiB of them).
const CHUNK: usize = 256;
/// No allocation: the end of a chain, or a node without any.
const NONE: usize = usize::MAX;

#[derive(Debug, Default)]
pub struct Placed {
    /// Every allocation placed, in order, `CHUNK` a chunk.
    chunks: Vec<Vec<Allocation>>,
    /// Per allocation: its node position (`NONE` once the applier
    /// removed its node) and the next allocation placed on that node.
    links: Vec<Link>,
    /// Per node position: its first and last allocation (`NONE`: none).
    ends: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, Copy)]
struct Link {
    node: usize,
    next: usize,
}

impl Placed {
    /// Place `alloc` on the node at `pos`; its index in placement order.
    pub fn push(&mut self, pos: usize, alloc: Allocation) -> usize {
        let i = self.links.len();
        match self.chunks.last_mut() {
            Some(c) if c.len() < CHUNK => c.push(alloc),
            _ => {
                let mut c = Vec::with_capacity(CHUNK);
                c.push(alloc);
                self.chunks.push(c);
            }
        }
        self.links.push(Link {
            node: pos,
            next: NONE,
        });
        if self.ends.len() <= pos {
            self.ends.resize(pos + 1, (NONE, NONE));
        }
        if let Some(end) = self.ends.get_mut(pos) {
            match *end {
                (NONE, _) => *end = (i, i),
                (_, last) => {
                    if let Some(l) = self.links.get_mut(last) {
                        l.next = i;
                    }
                    end.1 = i;
                }
            }
        }
        i
    }

    fn slot(&self, i: usize) -> Option<&Allocation> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }

    /// The allocation placed `i`th, unless the applier removed its node.
    pub fn get(&self, i: usize) -> Option<&Allocation> {
        (self.links.get(i)?.node != NONE)
            .then(|| self.slot(i))
            .flatten()
    }

    /// [`Placed::get`], moved out (a default allocation is left behind).
    pub fn take(&mut self, i: usize) -> Option<Allocation> {
        if self.links.get(i)?.node == NONE {
            return None;
        }
        let a = self.chunks.get_mut(i / CHUNK)?.get_mut(i % CHUNK)?;
        Some(std::mem::take(a))
    }

    /// The allocations placed on the node at `pos`, in order.
    pub fn on_node(&self, pos: usize) -> OnNode<'_> {
        OnNode {
            placed: self,
            next: self.ends.get(pos).map_or(NONE, |e| e.0),
        }
    }

    /// Each node position placed on, lowest first, with its allocations.
    pub fn by_node(&self) -> impl Iterator<Item = (usize, OnNode<'_>)> {
        self.ends
            .iter()
            .enumerate()
            .filter(|(_, e)| e.0 != NONE)
            .map(|(pos, e)| {
                (
                    pos,
                    OnNode {
                        placed: self,
                        next: e.0,
                    },
                )
            })
    }

    /// Every allocation still placed, by node position, then in order.
    pub fn iter(&self) -> impl Iterator<Item = &Allocation> {
        self.by_node().flat_map(|(_, on)| on)
    }

    /// [`Placed::iter`], moved out.
    pub fn into_node_order(mut self) -> impl Iterator<Item = Allocation> {
        let order: Vec<usize> = self.by_node().flat_map(|(_, on)| on.indexes()).collect();
        order.into_iter().filter_map(move |i| self.take(i))
    }

    /// Drop every allocation placed on the node at `pos`.
    pub fn remove_node(&mut self, pos: usize) {
        let Some(end) = self.ends.get_mut(pos) else {
            return;
        };
        let mut i = std::mem::replace(end, (NONE, NONE)).0;
        while let Some(l) = self.links.get_mut(i) {
            l.node = NONE;
            i = l.next;
        }
    }

    /// How many nodes hold a placement.
    pub fn node_count(&self) -> usize {
        self.ends.iter().filter(|e| e.0 != NONE).count()
    }

    pub fn is_empty(&self) -> bool {
        self.node_count() == 0
    }
}

/// One node's placed allocations, walked along their chain.
#[derive(Clone)]
pub struct OnNode<'p> {
    placed: &'p Placed,
    next: usize,
}

impl<'p> OnNode<'p> {
    /// Their indexes in placement order, rather than the allocations.
    fn indexes(self) -> impl Iterator<Item = usize> + 'p {
        let links = &self.placed.links;
        std::iter::successors(Some(self.next), move |&i| Some(links.get(i)?.next))
            .take_while(|&i| i != NONE)
    }
}

impl<'p> Iterator for OnNode<'p> {
    type Item = &'p Allocation;

    fn next(&mut self) -> Option<&'p Allocation> {
        let i = self.next;
        let link = self.placed.links.get(i)?;
        self.next = link.next;
        self.placed.slot(i)
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
        let moved: Vec<String> = p.into_node_order().map(|a| a.id.to_string()).collect();
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
    fn spans_chunks_without_moving_what_is_placed() {
        let mut p = Placed::default();
        for i in 0..(2 * CHUNK + 3) {
            p.push(i % 2, alloc(&i.to_string()));
        }
        let first: *const Allocation = p.get(0).map_or(std::ptr::null(), |a| a);
        p.push(0, alloc("last"));
        assert_eq!(p.get(0).map_or(std::ptr::null(), |a| a), first);
        assert_eq!(p.on_node(1).count(), CHUNK + 1);
        assert_eq!(
            p.on_node(0).last().map(|a| a.id.to_string()),
            Some("last".into())
        );
        assert_eq!(
            p.get(2 * CHUNK + 1).map(|a| a.id.to_string()),
            Some((2 * CHUNK + 1).to_string())
        );
    }
}
