//! The reconciler's name index (`allocNameIndex`, scheduler/
//! reconcile_util.go; scheduler/reconciler/allocs.go from 1.11): which
//! `job.group[i]` names are held, the highest ones given up first when a
//! group shrinks, the lowest free ones taken first when it grows.

use std::collections::{BTreeMap, BTreeSet};

/// The indexes held, as Nomad's bitmap holds them (any index, even at or
/// above the count after a scale-down).
#[derive(Debug, Default)]
pub struct NameIndex {
    held: BTreeSet<u32>,
    /// How many of the lowest free indexes below the count canaries took
    /// ([`NameIndex::next_canaries`]): held too, counted rather than
    /// listed (a canary count is unbounded).
    reserved: usize,
    /// From #18873 ([`crate::version::Fix::DuplicateAllocNames`]): how
    /// many more allocations held each index than the first
    /// (`allocNameIndex.duplicates`). Empty before it: the bitmap alone.
    dups: BTreeMap<u32, u32>,
}

impl NameIndex {
    pub fn new(held: impl IntoIterator<Item = u32>) -> NameIndex {
        NameIndex {
            held: held.into_iter().collect(),
            reserved: 0,
            dups: BTreeMap::new(),
        }
    }

    /// The group's index, counting the indexes held twice or more where
    /// the release tracks them (`bitmapFrom` with #18873: reconcile_util.go
    /// v1.4.14, v1.5.10, v1.6.3, v1.7.0; scheduler/reconciler/allocs.go
    /// v2.0.5); before, a second holder sets the same bit.
    pub fn tracking(held: impl IntoIterator<Item = u32>, dups: bool) -> NameIndex {
        let mut ix = NameIndex::default();
        for i in held {
            if !ix.held.insert(i) && dups {
                *ix.dups.entry(i).or_insert(0) += 1;
            }
        }
        ix
    }

    /// `NextCanaries(n, canaries, destructive)` with no canary placed yet
    /// (no deployment is read): the destructive allocations' indexes
    /// below the count, lowest first, then the free ones, then `count`,
    /// `count + 1`, …; those below the count are held from then on
    /// (scheduler/reconcile_util.go v0.9.3, scheduler/reconciler/allocs.go
    /// v2.0.5:362-412).
    pub fn next_canaries(
        &mut self,
        prefix: &str,
        count: u32,
        n: usize,
        destructive: &[u32],
    ) -> CanaryNames {
        let mut first: Vec<u32> = destructive.iter().copied().filter(|&i| i < count).collect();
        first.sort_unstable();
        first.dedup();
        first.truncate(n);
        self.held.extend(first.iter().copied());
        let rest = n - first.len();
        let held_below = self.held.range(..count).count();
        let free = (count as usize).saturating_sub(held_below + self.reserved);
        let from_free = rest.min(free);
        let names = CanaryNames {
            prefix: prefix.to_string(),
            first,
            held: self.held.clone(),
            skip: self.reserved,
            from_free,
            count,
            beyond: rest - from_free,
        };
        self.reserved += from_free;
        names
    }

    /// `Highest(n)`: the `n` highest held indexes, given up (whoever holds
    /// them: a name held only by a rescheduled or lost allocation uses one
    /// of the `n` too).
    pub fn highest(&mut self, n: usize) -> BTreeSet<u32> {
        let out: BTreeSet<u32> = self.held.iter().rev().take(n).copied().collect();
        for i in &out {
            self.held.remove(i);
        }
        out
    }

    /// `UnsetIndex`: any index not duplicated is freed; a duplicated one
    /// stays held, and its duplicate count is dropped when it was 1 (Go
    /// decrements a copy of the map's value: a count above 1 never goes
    /// down; reconcile_util.go v1.7.0, reconciler/allocs.go v2.0.5:347-358).
    pub fn unset(&mut self, i: u32) {
        if !unset_duplicate(&mut self.dups, i) {
            self.held.remove(&i);
        }
    }

    /// What the placement pass renames after `Next(placed)` took the
    /// group's new names (None: no index is held twice, nothing is).
    pub fn renames(&self, count: u32, placed: usize) -> Option<Renames> {
        if self.dups.is_empty() {
            return None;
        }
        let held_below = self.held.range(..count).count();
        let free = (count as usize).saturating_sub(held_below);
        let taken = self.reserved + placed.min(free.saturating_sub(self.reserved));
        Some(Renames {
            held: self.held.range(..count).copied().collect(),
            dups: self.dups.clone(),
            free,
            taken,
        })
    }

    /// `Next(n)` over `0..count`: the free indexes in order, then (when
    /// fewer than `n` are free) `0, 1, …` again, named on demand.
    pub fn next(self, prefix: String, count: u32, n: usize) -> NewNames {
        NewNames {
            prefix,
            held: self.held,
            skip: self.reserved,
            count,
            n,
        }
    }
}

/// The canaries' names ([`NameIndex::next_canaries`]), named on demand.
#[derive(Debug, Default)]
pub struct CanaryNames {
    prefix: String,
    /// The destructive allocations' indexes taken.
    first: Vec<u32>,
    /// The index's held names when the free ones were taken, and how many
    /// free ones earlier canaries took.
    held: BTreeSet<u32>,
    skip: usize,
    from_free: usize,
    count: u32,
    /// How many are named from `count` up.
    beyond: usize,
}

impl CanaryNames {
    pub fn len(&self) -> usize {
        self.first.len() + self.from_free + self.beyond
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keep the first `n` only (1.11's cap at the count).
    pub fn truncate(&mut self, n: usize) {
        self.first.truncate(n);
        self.from_free = self.from_free.min(n - self.first.len());
        self.beyond = self.beyond.min(n - self.first.len() - self.from_free);
    }

    /// The names, in the order `NextCanaries` gives them.
    pub fn iter(&self) -> impl Iterator<Item = String> + '_ {
        let free = (0..self.count)
            .filter(|i| !self.held.contains(i))
            .skip(self.skip)
            .take(self.from_free);
        let named = self.first.iter().copied().chain(free);
        // Go's `uint`: past u32 the names still count up.
        let beyond = (0..self.beyond as u64)
            .map(|k| format!("{}[{}]", self.prefix, u64::from(self.count) + k));
        named.map(|i| indexed_name(&self.prefix, i)).chain(beyond)
    }
}

/// Names for new allocations, named on demand: `count` comes from the job
/// file and may be 2^31, far more names than memory holds, while the
/// scheduler stops naming them at the first failed placement (the rest
/// are coalesced failures, counted, not named).
#[derive(Debug, Default)]
pub struct NewNames {
    prefix: String,
    held: BTreeSet<u32>,
    /// The lowest free indexes canaries hold ([`NameIndex::next_canaries`]).
    skip: usize,
    count: u32,
    n: usize,
}

impl NewNames {
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Indexes in the order `Next` gives them.
    pub fn indexes(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.count)
            .filter(|i| !self.held.contains(i))
            .skip(self.skip)
            .chain(0..)
            .take(self.n)
    }

    /// `(alloc name, index)` in the order `Next` gives them.
    pub fn iter(&self) -> impl Iterator<Item = (String, u32)> + '_ {
        self.indexes().map(|i| (indexed_name(&self.prefix, i), i))
    }

    /// Keep the first `n` only (1.11's cap at the count).
    pub fn truncate(&mut self, n: usize) {
        self.n = self.n.min(n);
    }
}

/// The placement pass's duplicate check (#18873, generic_sched.go
/// computePlacements v1.7.0:638-659, v2.0.5:617-638): a placement whose
/// name's index more than one existing allocation holds takes the next
/// free name instead (`Next(1)`), and the index loses one holder
/// (`UnsetIndex`). Only for a placement that found a node.
#[derive(Debug, Clone)]
pub struct Renames {
    /// Held indexes below the count.
    held: Vec<u32>,
    dups: BTreeMap<u32, u32>,
    /// Free indexes below the count, and how many `Next` took so far.
    free: usize,
    taken: usize,
}

impl Renames {
    /// The index a placement named `i` takes instead, if it is renamed.
    pub fn take(&mut self, i: u32) -> Option<u32> {
        if !unset_duplicate(&mut self.dups, i) {
            return None;
        }
        if self.taken >= self.free {
            // `Next` past the free names starts again at 0.
            return Some(0);
        }
        // The `taken`-th free index: step over the held ones below it.
        let mut at = u32::try_from(self.taken).unwrap_or(u32::MAX);
        for &h in &self.held {
            if h <= at {
                at = at.saturating_add(1);
            } else {
                break;
            }
        }
        self.taken += 1;
        Some(at)
    }
}

/// `UnsetIndex` on a duplicated index (false: `i` is not one): the
/// entry goes when its count is 1, else stays as it was.
fn unset_duplicate(dups: &mut BTreeMap<u32, u32>, i: u32) -> bool {
    match dups.get(&i) {
        None => false,
        Some(&n) => {
            if n == 1 {
                dups.remove(&i);
            }
            true
        }
    }
}

/// `prefix[i]`, laid end to end: `format!`'s machinery was most of the
/// cost of naming every placement of every sampled replay.
pub fn indexed_name(prefix: &str, i: u32) -> String {
    let mut digits = [0u8; 10];
    let (mut rest, mut at) = (i, digits.len());
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut name = String::with_capacity(prefix.len() + 2 + digits.len() - at);
    name.push_str(prefix);
    name.push('[');
    name.extend(digits[at..].iter().map(|&d| char::from(d)));
    name.push(']');
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexed_names_read_as_nomads_alloc_names() {
        for i in [0, 7, 10, 99, 100, 123_456, u32::MAX] {
            assert_eq!(indexed_name("web.api", i), format!("web.api[{i}]"));
        }
    }

    #[test]
    fn highest_gives_up_held_names_and_next_takes_free_ones_then_repeats() {
        let mut ix = NameIndex::new([0, 2, 5]);
        assert_eq!(ix.highest(2), BTreeSet::from([2, 5]));
        let names = ix.next("j.g".into(), 3, 4);
        assert_eq!(names.indexes().collect::<Vec<_>>(), [1, 2, 0, 1]);
        let mut names = NameIndex::new([]).next("j.g".into(), u32::MAX, usize::MAX);
        names.truncate(2);
        let named: Vec<(String, u32)> = names.iter().collect();
        assert_eq!(
            named,
            [("j.g[0]".to_string(), 0), ("j.g[1]".to_string(), 1)]
        );
    }

    /// #18873: an index held twice is one holder short after a stop, and
    /// a placement named after it takes the next free index once.
    #[test]
    fn a_duplicated_index_is_renamed_to_the_next_free_one_once() {
        let ix = NameIndex::tracking([0, 0, 1], true);
        let mut r = ix.renames(3, 0).expect("a duplicate");
        assert_eq!(r.take(1), None);
        assert_eq!(r.take(0), Some(2));
        assert_eq!(r.take(0), None);
        // Before the fix: no tracking, nothing renamed.
        assert!(NameIndex::tracking([0, 0, 1], false)
            .renames(3, 0)
            .is_none());
        // A stop of one holder leaves the index held, no longer twice.
        let mut ix = NameIndex::tracking([0, 0, 1], true);
        ix.unset(0);
        assert!(ix.renames(3, 0).is_none());
        ix.unset(0);
        assert_eq!(
            ix.next("j.g".into(), 3, 1).indexes().collect::<Vec<_>>(),
            [0]
        );
        // Free names the group's new placements took are skipped; past
        // the free ones `Next` starts again at 0.
        let ix = NameIndex::tracking([0, 0, 2], true);
        let mut r = ix.renames(5, 1).expect("a duplicate");
        assert_eq!(r.take(0), Some(3));
        let ix = NameIndex::tracking([1, 1, 0], true);
        let mut r = ix.renames(2, 0).expect("a duplicate");
        assert_eq!(r.take(1), Some(0));
        // Three holders: Go's copy is decremented, never the count, so
        // every placement named after the index is renamed.
        let ix = NameIndex::tracking([0, 0, 0], true);
        let mut r = ix.renames(5, 0).expect("a duplicate");
        assert_eq!(
            [r.take(0), r.take(0), r.take(0)],
            [Some(1), Some(2), Some(3)]
        );
    }

    /// NextCanaries: destructive indexes below the count first, then free
    /// ones (held afterwards: the group's new names skip them), then from
    /// the count up.
    #[test]
    fn canaries_take_destructive_names_then_free_ones_then_past_the_count() {
        let mut ix = NameIndex::new([0, 1, 3, 7]);
        let c = ix.next_canaries("j.g", 5, 4, &[3, 1, 7]);
        assert_eq!(
            c.iter().collect::<Vec<_>>(),
            ["j.g[1]", "j.g[3]", "j.g[2]", "j.g[4]"]
        );
        let mut ix = NameIndex::new([0, 1]);
        let c = ix.next_canaries("j.g", 3, 3, &[1]);
        assert_eq!(c.iter().collect::<Vec<_>>(), ["j.g[1]", "j.g[2]", "j.g[3]"]);
        let mut ix = NameIndex::new([1]);
        let c = ix.next_canaries("j.g", 4, 2, &[1]);
        assert_eq!(c.iter().collect::<Vec<_>>(), ["j.g[1]", "j.g[0]"]);
        let names = ix.next("j.g".into(), 4, 2);
        assert_eq!(names.indexes().collect::<Vec<_>>(), [2, 3]);
    }
}
