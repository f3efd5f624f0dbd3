//! Nomad shuffles nodes, so one simulation is one possible outcome. Sampling
//! replays the whole history under many seeds and tallies what happened.

use std::collections::BTreeMap;

use super::Simulation;
use crate::cluster::ids::hash_parts;
use crate::world::World;

/// Seed of sample `i`: spread out so neighbouring samples are unrelated.
pub fn sample_seed(base_seed: u64, i: u32) -> u64 {
    hash_parts(base_seed, &["sample", &i.to_string()])
}

/// Build the world `n` times with different seeds and run `scenario` on
/// each, over [`crate::threads`] threads. Results are in seed order whatever the thread
/// count; a seed whose world cannot be built is left out (the world is
/// invalid for every seed then, and `Simulation::new` reports why).
pub fn sample<T: Send>(
    world: &World,
    n: u32,
    base_seed: u64,
    scenario: impl Fn(&mut Simulation) -> T + Sync,
) -> Vec<T> {
    let threads = u32::try_from(crate::threads()).unwrap_or(2).max(1);
    let run = |i: u32| -> Option<T> {
        let mut sim = Simulation::new(world, sample_seed(base_seed, i)).ok()?;
        Some(scenario(&mut sim))
    };
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let run = &run;
                s.spawn(move || {
                    (0..n)
                        .filter(|i| i % threads == t)
                        .map(|i| (i, run(i)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            // A panicking scenario loses only its own samples.
            if let Ok(done) = h.join() {
                for (i, r) in done {
                    if let Some(slot) = slots.get_mut(i as usize) {
                        *slot = r;
                    }
                }
            }
        }
    });
    slots.into_iter().flatten().collect()
}

/// How often each outcome happened over a set of samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally<K: Ord> {
    total: u32,
    counts: BTreeMap<K, u32>,
}

impl<K: Ord> Default for Tally<K> {
    fn default() -> Self {
        Tally {
            total: 0,
            counts: BTreeMap::new(),
        }
    }
}

impl<K: Ord + Clone> Tally<K> {
    pub fn new() -> Self {
        Tally::default()
    }

    /// Record one sample's outcomes (a sample may count several keys once each).
    pub fn add_sample(&mut self, keys: impl IntoIterator<Item = K>) {
        self.total += 1;
        let mut seen: Vec<K> = keys.into_iter().collect();
        seen.sort();
        seen.dedup();
        for k in seen {
            *self.counts.entry(k).or_insert(0) += 1;
        }
    }

    pub fn samples(&self) -> u32 {
        self.total
    }

    pub fn count(&self, key: &K) -> u32 {
        self.counts.get(key).copied().unwrap_or(0)
    }

    /// Share of samples in which `key` happened, 0.0..=1.0.
    pub fn share(&self, key: &K) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            f64::from(self.count(key)) / f64::from(self.total)
        }
    }

    /// Happened in every sample.
    pub fn certain(&self, key: &K) -> bool {
        self.total > 0 && self.count(key) == self.total
    }

    /// Outcomes, most frequent first (ties by key), with their share.
    pub fn entries(&self) -> Vec<(K, u32, f64)> {
        let mut v: Vec<(K, u32, f64)> = self
            .counts
            .iter()
            .map(|(k, c)| (k.clone(), *c, f64::from(*c) / f64::from(self.total.max(1))))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_shares_and_certainty() {
        let mut t = Tally::new();
        t.add_sample(["a", "b"]);
        t.add_sample(["a", "a"]);
        t.add_sample(["a"]);
        t.add_sample(["c"]);
        assert_eq!(t.samples(), 4);
        assert_eq!(t.count(&"a"), 3);
        assert!((t.share(&"b") - 0.25).abs() < 1e-12);
        assert!(!t.certain(&"a"));
        assert_eq!(t.entries().first().map(|e| e.0), Some("a"));
        let mut all = Tally::new();
        all.add_sample([1]);
        all.add_sample([1]);
        assert!(all.certain(&1));
    }
}
