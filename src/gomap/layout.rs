//! Where a Go map made with a size hint holds its entries, and so every
//! order its iteration yields them in, with the chance of each: the model
//! behind [`super::Shape`]. An entry's place rests on its hash, which a
//! random per-map seed makes uniform: each entry is taken to fall in each
//! bucket (group) alike, independently, and every layout is enumerated
//! with every iteration start, within a budget.
//!
//! Before Go 1.24 (runtime/map.go, read at go1.19.8): `makemap` takes the
//! least `B` with `!overLoadFactor(hint, B)` (`count > 8 && count > 13 *
//! (2^B / 2)`); an entry goes to bucket `hash & (2^B - 1)`, in its first
//! free slot, chaining an overflow bucket past 8; `mapassign` grows `B` by
//! one when the next entry would overload it. `mapiterinit` draws the
//! start bucket and a slot offset from independent random bits, and
//! `mapiternext` walks the buckets from the start, wrapping, each bucket
//! and its overflow chain with slots `(i + offset) & 7`. A growth from 2
//! buckets or fewer evacuates every old bucket in the insert that starts
//! it (`growWork` evacuates the entry's old bucket and `nevacuate`), and
//! evacuation keeps each bucket's entries in order, so the map ends as if
//! made at its final size; a growth from more is finished only over later
//! inserts, and iterating a map mid-growth is not modelled.
//!
//! From Go 1.24 (internal/runtime/maps, read at go1.24.3 and go1.26.5):
//! `NewMap` with a hint above 8 makes one table of `alignUpPow2(hint * 8
//! / 7)` slots (groups of 8; past 1024 a directory of tables, not
//! modelled); a small map (one group) becomes a 16-slot table on its 9th
//! entry (`growToTable`, its entries put in slot order). An entry goes to
//! the first group of its probe sequence (`h1(hash) & mask`, then `+1`,
//! `+2`, …) with a free slot, in its first free slot; a table holding
//! `capacity * 7 / 8` entries doubles on the next insert (`rehash` →
//! `grow`, putting the old entries in the new table in slot order).
//! `Iter.Next` reads the table's slots from a random `entryOffset`,
//! wrapping.
//!
//! Checked against the measurements in benches/gomap/measured-go*.txt.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::{Runtime, Shape, SLOTS};
use crate::ids::SplitMix64;

/// Layouts times iteration starts enumerated for one shape at most: past
/// it the odds are not established (a map of 16 entries in 4 buckets has
/// 4^16 layouts).
const WORK_LIMIT: u64 = 1 << 18;

/// Distinct orders kept for one shape at most: each is run through the
/// caller's question (a preemption search, for one).
const ORDER_LIMIT: usize = 1 << 14;

/// Where entries go: one shape's model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Model {
    /// `2^b` buckets of 8 slots, chained past 8 (before Go 1.24).
    Buckets { b: u32 },
    /// One swiss table of `cap0` slots doubling to `cap` (from Go 1.24).
    Table { cap0: usize, cap: usize },
}

impl Model {
    /// How many hash classes an entry can fall in: the buckets, or the
    /// final table's groups (a smaller table reads the low bits).
    fn classes(self) -> usize {
        match self {
            Model::Buckets { b } => 1 << b,
            Model::Table { cap, .. } => cap / SLOTS,
        }
    }
}

/// `overLoadFactor` (runtime/map.go): 13/2 entries a bucket on average.
fn overloaded(count: usize, b: u32) -> bool {
    count > SLOTS && count > 13 * ((1usize << b) / 2)
}

/// The model of a map of `shape` (not small), or `None` where it is not
/// modelled (mid-growth hmap, a directory of tables, an unknown runtime).
fn model(shape: Shape) -> Option<Model> {
    match shape.runtime {
        Runtime::Either => None,
        Runtime::Buckets => {
            let mut b = 0;
            while overloaded(shape.hint, b) {
                b += 1;
                if b > 16 {
                    return None;
                }
            }
            for count in 1..=shape.len {
                if overloaded(count, b) {
                    if b >= 2 {
                        return None;
                    }
                    b += 1;
                }
            }
            Some(Model::Buckets { b })
        }
        Runtime::Swiss => {
            let cap0 = if shape.hint <= SLOTS {
                2 * SLOTS
            } else {
                let target = shape.hint.checked_mul(SLOTS)? / 7;
                if target > 1024 {
                    return None;
                }
                target.max(SLOTS).next_power_of_two()
            };
            let mut cap = cap0;
            // `maxGrowthLeft` of a table of more than one group.
            while shape.len > cap * 7 / SLOTS {
                cap *= 2;
                if cap > 1024 {
                    return None;
                }
            }
            Some(Model::Table { cap0, cap })
        }
    }
}

/// The entries of a swiss table by slot, ascending, after putting `len`
/// entries in order into a table of `cap0` slots that doubles when full
/// (`grow` puts the old entries back in slot order); and its capacity.
fn table_slots(cap0: usize, len: usize, h: &[usize]) -> (usize, Vec<(usize, usize)>) {
    let mut cap = cap0;
    let mut held: Vec<(usize, usize)> = Vec::new();
    for k in 0..len {
        if held.len() >= cap * 7 / SLOTS {
            cap *= 2;
            let old: Vec<usize> = held.iter().map(|(_, k)| *k).collect();
            held.clear();
            for o in old {
                put(cap, &mut held, o, h);
            }
        }
        put(cap, &mut held, k, h);
    }
    (cap, held)
}

/// Put entry `k` into a table of `cap` slots holding `held` (kept by
/// slot): the first group of its probe sequence with a free slot, in its
/// first free slot (no entry is ever deleted, so the slots fill in order).
fn put(cap: usize, held: &mut Vec<(usize, usize)>, k: usize, h: &[usize]) {
    let groups = cap / SLOTS;
    let mask = groups - 1;
    let used =
        |held: &[(usize, usize)], g: usize| held.iter().filter(|(s, _)| s / SLOTS == g).count();
    let mut g = h.get(k).copied().unwrap_or(0) & mask;
    let mut step = 0;
    // A table is never full (it doubles at 7/8), so the probe ends.
    while used(held, g) >= SLOTS && step <= groups {
        step += 1;
        g = (g + step) & mask;
    }
    let slot = g * SLOTS + used(held, g);
    let at = held.partition_point(|(s, _)| *s < slot);
    held.insert(at, (slot, k));
}

/// The order the buckets of `2^b`, filled in order with hash classes
/// `h`, are read from bucket `start` with slot `offset`.
fn bucket_order(b: u32, h: &[usize], start: usize, offset: usize) -> Vec<usize> {
    let n = 1usize << b;
    let mut buckets: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, &c) in h.iter().enumerate() {
        if let Some(list) = buckets.get_mut(c & (n - 1)) {
            list.push(k);
        }
    }
    let mut out = Vec::with_capacity(h.len());
    for i in (start..n).chain(0..start) {
        let Some(list) = buckets.get(i) else { continue };
        // The bucket, then each overflow bucket, read from the offset.
        for chunk in list.chunks(SLOTS) {
            out.extend(super::rotation(chunk.len(), offset).filter_map(|j| chunk.get(j)));
        }
    }
    out
}

/// Each iteration order with how many of the layouts and starts yield it,
/// and how many there are in all.
type Counted = (Vec<(Vec<usize>, u64)>, u64);

/// Every order of `shape`'s iteration with its count out of the total
/// (`None`: not modelled, or past the budget).
fn enumerate(shape: Shape) -> Option<Counted> {
    let m = model(shape)?;
    let classes = m.classes();
    let layouts = u64::try_from(classes)
        .ok()?
        .checked_pow(u32::try_from(shape.len).ok()?)?;
    let starts = match m {
        Model::Buckets { b } => (1u64 << b) * SLOTS as u64,
        Model::Table { cap, .. } => cap as u64,
    };
    if layouts.checked_mul(starts.max(shape.len as u64))? > WORK_LIMIT {
        return None;
    }
    let mut counts: HashMap<Vec<usize>, u64> = HashMap::new();
    let mut h = vec![0usize; shape.len];
    for _ in 0..layouts {
        match m {
            Model::Buckets { b } => {
                for start in 0..1usize << b {
                    for offset in 0..SLOTS {
                        *counts
                            .entry(bucket_order(b, &h, start, offset))
                            .or_default() += 1;
                    }
                }
            }
            Model::Table { cap0, .. } => {
                let (cap, held) = table_slots(cap0, shape.len, &h);
                // A start between two entries' slots yields the later
                // one first: each rotation weighs the gap before it.
                let slots: Vec<usize> = held.iter().map(|(s, _)| *s).collect();
                let keys: Vec<usize> = held.iter().map(|(_, k)| *k).collect();
                for i in 0..keys.len() {
                    let here = slots.get(i).copied().unwrap_or(0);
                    let gap = match i.checked_sub(1).and_then(|j| slots.get(j)) {
                        Some(p) => here - p,
                        None => here + cap - slots.last().copied().unwrap_or(here),
                    };
                    let order: Vec<usize> = keys[i..].iter().chain(&keys[..i]).copied().collect();
                    *counts.entry(order).or_default() += gap as u64;
                }
            }
        }
        if counts.len() > ORDER_LIMIT {
            return None;
        }
        // Next layout: the classes as a mixed-radix counter.
        for c in h.iter_mut() {
            *c += 1;
            if *c < classes {
                break;
            }
            *c = 0;
        }
    }
    let total = layouts.checked_mul(starts)?;
    let mut list: Vec<(Vec<usize>, u64)> = counts.into_iter().collect();
    list.sort_unstable();
    Some((list, total))
}

type Orders = Option<Arc<Counted>>;

/// [`enumerate`], kept per shape: a node's proposed map of one shape is
/// asked about for every tie ranked.
pub(super) fn orders(shape: Shape) -> Orders {
    static CACHE: OnceLock<Mutex<HashMap<Shape, Orders>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&shape).cloned()) {
        return hit;
    }
    let got = enumerate(shape).map(Arc::new);
    if let Ok(mut c) = cache.lock() {
        c.insert(shape, got.clone());
    }
    got
}

/// One iteration order of `shape`, drawn as Go would (`None`: not
/// modelled).
pub(super) fn draw(shape: Shape, rng: &mut SplitMix64) -> Option<Vec<usize>> {
    let m = model(shape)?;
    let h: Vec<usize> = (0..shape.len)
        .map(|_| rng.below(m.classes() as u64) as usize)
        .collect();
    match m {
        Model::Buckets { b } => {
            let start = rng.below(1 << b) as usize;
            let offset = rng.below(SLOTS as u64) as usize;
            Some(bucket_order(b, &h, start, offset))
        }
        Model::Table { cap0, .. } => {
            let (cap, held) = table_slots(cap0, shape.len, &h);
            let start = rng.below(cap as u64) as usize;
            let first = held.iter().position(|(s, _)| *s >= start).unwrap_or(0);
            let keys: Vec<usize> = held.iter().map(|(_, k)| *k).collect();
            Some(
                keys[first..]
                    .iter()
                    .chain(&keys[..first])
                    .copied()
                    .collect(),
            )
        }
    }
}

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;
