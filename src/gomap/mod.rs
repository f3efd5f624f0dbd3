//! The order Go's runtime yields a map's entries, where Nomad's outcome
//! rests on it: the one model every map-order choice of the scheduler and
//! the world draws from and reports the odds of.
//!
//! A map of at most 8 entries made with a size hint of at most 8 is one
//! group of 8 slots holding its entries in insertion order, and iteration
//! starts at a uniformly random slot and wraps, skipping empty slots:
//! before Go 1.24 one bucket, `mapiterinit`'s `it.offset = uint8(r >> h.B
//! & (bucketCnt - 1))` (runtime/map.go); from Go 1.24 (swiss maps) a small
//! map's single group, `Iter.Init`'s `entryOffset = rand()` and `Next`'s
//! `(entryIdx + entryOffset) % SwissMapGroupSlots`
//! (internal/runtime/maps/table.go). Nomad 0.9.3–1.9.6 were built with Go
//! 1.12–1.23, 1.9.7–2.0.5 with Go 1.24–1.26 (`.go-version`,
//! [`crate::gorelease`]): the same odds for both. So with `len` entries the
//! first one is yielded first with odds (9 − len)/8, each other one with
//! 1/8, and the order is always a rotation of the insertion order.
//! Measured with Go 1.19, 800,000 maps each: two keys 87.54% / 12.46%;
//! three keys 75.11% / 12.46% / 12.44%, only the three rotations.
//!
//! A larger hint, or more entries, spreads the entries over buckets
//! (tables) by a random per-map hash seed, and there the two runtimes
//! differ ([`layout`]): two entries in a map made with a hint of 10 come
//! in insertion order 68.75% of the time before Go 1.24 (2 buckets) and
//! 71.875% from it (a 16-slot table). A [`Shape`] names the runtime, the
//! hint and the entries; the functions taking one give the odds of either.
//! Where the model stops (a map growing over several inserts, a
//! directory of tables, the enumeration's budget) the odds are not
//! established, and a draw falls back to a uniform shuffle.

mod layout;

use crate::ids::SplitMix64;

/// Slots of one bucket (`bucketCnt`, `SwissMapGroupSlots`).
pub const SLOTS: usize = 8;

/// Which of Go's map runtimes built a Nomad release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Runtime {
    /// Go before 1.24: `hmap`, buckets of 8 (runtime/map.go).
    Buckets,
    /// Go 1.24 on: swiss tables (internal/runtime/maps).
    Swiss,
    /// Not known which (an Enterprise release whose Go may lie either
    /// side of 1.24): only a small map's odds hold for both.
    Either,
}

impl Runtime {
    /// The runtime of the Go `span` a release was built with.
    pub fn of(span: crate::gorelease::GoSpan) -> Runtime {
        match span.settle(|go| go >= (1, 24, 0)) {
            Some(true) => Runtime::Swiss,
            Some(false) => Runtime::Buckets,
            None => Runtime::Either,
        }
    }
}

/// A map as Go made and filled it: its runtime, the size hint `make` was
/// given, and `len` entries inserted as 0..len.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shape {
    pub runtime: Runtime,
    pub hint: usize,
    pub len: usize,
}

impl Shape {
    /// A map made without a size hint, under a runtime not asked for:
    /// established while it holds at most 8 entries.
    pub fn unhinted(len: usize) -> Shape {
        Shape {
            runtime: Runtime::Either,
            hint: 0,
            len,
        }
    }

    /// One group of 8 slots in insertion order, alike in both runtimes.
    fn small(self) -> bool {
        self.hint <= SLOTS && self.len <= SLOTS
    }
}

/// Are the odds of a map of `len` entries established (one bucket)?
pub fn established(len: usize) -> bool {
    len <= SLOTS
}

/// The order a map of `len` entries, inserted as 0..len, yields them when
/// iteration starts at `start` (0..8): the entry at `start`, or the first
/// when `start` is an empty slot, then on round.
pub fn rotation(len: usize, start: usize) -> impl Iterator<Item = usize> + Clone {
    let s = if start < len { start } else { 0 };
    (s..len).chain(0..s)
}

/// Each of the 8 starts, equally likely: `f(order)` per start, with the
/// chance of each distinct answer (in the order first met). `None` when
/// the odds are not established (more than 8 entries).
pub fn outcomes<T: PartialEq>(
    len: usize,
    f: impl FnMut(&mut dyn Iterator<Item = usize>) -> T,
) -> Option<Vec<(T, f64)>> {
    outcomes_in(Shape::unhinted(len), f)
}

/// [`outcomes`] of a map of `shape`: each iteration order it can yield,
/// and `f(order)`'s distinct answers with their chances (in the order
/// first met: a small map's starts 0..8, a larger one's orders sorted).
pub fn outcomes_in<T: PartialEq>(
    shape: Shape,
    mut f: impl FnMut(&mut dyn Iterator<Item = usize>) -> T,
) -> Option<Vec<(T, f64)>> {
    let mut out: Vec<(T, f64)> = Vec::new();
    let mut add = |t: T, p: f64| match out.iter_mut().find(|(o, _)| *o == t) {
        Some((_, q)) => *q += p,
        None => out.push((t, p)),
    };
    if shape.small() {
        for start in 0..SLOTS {
            add(f(&mut rotation(shape.len, start)), 1.0 / SLOTS as f64);
        }
    } else {
        let orders = layout::orders(shape)?;
        let (list, total) = &*orders;
        for (order, count) in list {
            add(f(&mut order.iter().copied()), *count as f64 / *total as f64);
        }
    }
    Some(out)
}

/// One iteration's order of a Go map of `len` entries inserted as 0..len
/// without a size hint ([`draw_in`]).
pub fn draw(len: usize, rng: &mut SplitMix64) -> Vec<usize> {
    draw_in(Shape::unhinted(len), rng)
}

/// One iteration's order of a map of `shape`, as Go draws it: a random
/// start slot of 8 for a small map, a random layout and start for a
/// modelled larger one, else a uniform shuffle (not established).
pub fn draw_in(shape: Shape, rng: &mut SplitMix64) -> Vec<usize> {
    if shape.small() {
        let start = rng.below(SLOTS as u64) as usize;
        return rotation(shape.len, start).collect();
    }
    layout::draw(shape, rng).unwrap_or_else(|| {
        let mut order: Vec<usize> = (0..shape.len).collect();
        rng.shuffle(&mut order);
        order
    })
}

/// The chance that each of `marked` (entry positions among `len`
/// inserted in order) is the first of them the iteration yields.
pub fn first_of(marked: &[usize], len: usize) -> Option<Vec<f64>> {
    first_of_in(marked, Shape::unhinted(len))
}

/// [`first_of`] in a map of `shape`.
pub fn first_of_in(marked: &[usize], shape: Shape) -> Option<Vec<f64>> {
    marked_odds(marked, shape, |order| {
        order.iter().find(|e| marked.contains(e)).copied()
    })
}

/// The chance that each of `marked` is the last of them yielded.
pub fn last_of(marked: &[usize], len: usize) -> Option<Vec<f64>> {
    last_of_in(marked, Shape::unhinted(len))
}

/// [`last_of`] in a map of `shape`.
pub fn last_of_in(marked: &[usize], shape: Shape) -> Option<Vec<f64>> {
    marked_odds(marked, shape, |order| {
        order.iter().rev().find(|e| marked.contains(e)).copied()
    })
}

fn marked_odds(
    marked: &[usize],
    shape: Shape,
    pick: impl Fn(&[usize]) -> Option<usize>,
) -> Option<Vec<f64>> {
    if marked.is_empty() {
        return None;
    }
    let picks = outcomes_in(shape, |order| pick(&order.collect::<Vec<_>>()))?;
    Some(
        marked
            .iter()
            .map(|m| {
                picks
                    .iter()
                    .filter(|(p, _)| *p == Some(*m))
                    .map(|(_, c)| c)
                    .sum()
            })
            .collect(),
    )
}

/// `odds` as a percentage with one decimal, as the notes print it.
pub fn percent(odds: f64) -> String {
    format!("{:.1}%", odds * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shares measured with Go 1.19 (module comment): two keys
    /// 7:1, three keys 6:1:1 over the three rotations only.
    #[test]
    fn small_maps_favour_the_first_inserted_entry() {
        let first = |len| outcomes(len, |o| o.next()).unwrap_or_default();
        assert_eq!(first(2), vec![(Some(0), 0.875), (Some(1), 0.125)]);
        let orders = outcomes(3, |o| o.collect::<Vec<_>>()).unwrap_or_default();
        assert_eq!(
            orders,
            vec![
                (vec![0, 1, 2], 0.75),
                (vec![1, 2, 0], 0.125),
                (vec![2, 0, 1], 0.125)
            ]
        );
        assert!(outcomes(9, |o| o.next()).is_none());
    }

    #[test]
    fn first_and_last_of_marked_entries() {
        assert_eq!(first_of(&[0, 1], 3), Some(vec![0.875, 0.125]));
        assert_eq!(first_of(&[2, 0], 3), Some(vec![0.25, 0.75]));
        assert_eq!(first_of(&[3], 8), Some(vec![1.0]));
        assert_eq!(last_of(&[1, 2], 3), Some(vec![0.125, 0.875]));
        assert_eq!(last_of(&[0, 7], 8), Some(vec![0.875, 0.125]));
        assert_eq!(first_of(&[0, 1], 9), None);
    }

    /// A draw yields every entry once, and a small map's draws are
    /// rotations with the first entry first about 7 times in 8.
    #[test]
    fn draws_follow_the_odds() {
        let mut rng = SplitMix64::new(7);
        let mut first = 0;
        for _ in 0..8000 {
            let order = draw(2, &mut rng);
            assert!(order == vec![0, 1] || order == vec![1, 0]);
            first += usize::from(order[0] == 0);
        }
        assert!((6700..7300).contains(&first), "{first}");
        let mut big = draw(12, &mut rng);
        big.sort_unstable();
        assert_eq!(big, (0..12).collect::<Vec<_>>());
    }
}
