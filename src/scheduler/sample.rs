//! Nomad shuffles nodes, so one simulation is one possible outcome. Sampling
//! replays the whole history under many seeds and tallies what happened.

use std::collections::BTreeMap;

use super::replay_cache::Shared;
use super::Simulation;
use crate::ids::hash_parts;
use crate::world::World;

/// Seed of sample `i`: spread out so neighbouring samples are unrelated.
pub fn sample_seed(base_seed: u64, i: u32) -> u64 {
    hash_parts(base_seed, &["sample", &i.to_string()])
}

/// What a replay of `world` draws again beside the plan's own node
/// shuffle, when it is more: a written world's running jobs are placed by
/// the simulation, so each replay places them anew (their evaluations' node
/// shuffles and Go's map orders), and a share is over the cluster's
/// history, not given the placement one run (and `status`) shows
/// (redteam14 R14-50: the demo's carts step preempts in half of the
/// replays by the order sockshop's groups were first placed in, while its
/// own shuffle adds nothing). An import's allocations are read, never
/// placed again. The one phrase `plan --samples`, NP403 (and every
/// share [`crate::rules::priority::how_often`] words) and `rehearse` say.
pub fn history_redrawn(world: &World) -> Option<&'static str> {
    let placed = !matches!(world.origin, crate::world::WorldOrigin::Import(_));
    (placed && !world.running.is_empty()).then_some(HISTORY_REDRAWN)
}

/// See [`history_redrawn`].
pub const HISTORY_REDRAWN: &str = "each replay also places the world's running jobs again (their node shuffles and Go's map orders)";

/// Most replays one sampling run may ask for: far above any useful share
/// estimate (1,000 gives ±3%), low enough that a typo cannot run for hours.
pub const MAX_SAMPLES: u32 = 100_000;

/// Why a sampling run has no answer. Shares over fewer replays than asked
/// would be presented as shares over all of them, so one failed replay fails
/// the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SampleError {
    /// More replays than [`MAX_SAMPLES`].
    TooMany(u32),
    /// The job's replays would pass the sampling budget
    /// ([`crate::scheduler::count_bound::SampleWork`]).
    TooLarge(crate::scheduler::count_bound::SampleWork),
    /// Replay `index` (seed `seed`) could not be built or panicked.
    Replay {
        index: u32,
        seed: u64,
        reason: String,
    },
}

impl std::fmt::Display for SampleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SampleError::TooMany(n) => write!(
                f,
                "{n} samples asked for; at most {MAX_SAMPLES} node shuffles are replayed"
            ),
            SampleError::TooLarge(w) => write!(f, "{w}"),
            SampleError::Replay {
                index,
                seed,
                reason,
            } => write!(
                f,
                "replay {} (seed {seed}) failed, so no share can be given: {reason}",
                index + 1
            ),
        }
    }
}

impl SampleError {
    /// The located-free diagnostic for a command that sampled.
    pub fn to_diag(&self) -> crate::diag::Diag {
        let d = crate::diag::Diag::error("sample::failed", self.to_string());
        match self {
            SampleError::TooMany(_) => {
                d.help(format!("pass --samples {MAX_SAMPLES} or fewer"))
            }
            // Not a failure of the tool: the share is not known.
            SampleError::TooLarge(_) => d
                .help("a job this large is beyond what nomad-preflight samples; judge it on the cluster")
                .as_cannot_tell(),
            SampleError::Replay { .. } => d.help(
                "this is a bug in nomad-preflight when the plan itself succeeds; please report it with the files",
            ),
        }
    }
}

/// Build the world `n` times with different seeds (each replay computed
/// once per process, see [`super::replay_cache`]) and run `scenario` on
/// each, over [`crate::threads`] threads. Results are in seed order whatever
/// the thread count. Fails closed: a replay whose world cannot be built or
/// whose scenario panics is an error of the whole run (the first one by
/// seed order), never a sample silently left out of the shares.
pub fn sample<T: Send>(
    world: &World,
    n: u32,
    base_seed: u64,
    scenario: impl Fn(&mut Simulation) -> T + Sync,
) -> Result<Vec<T>, SampleError> {
    if n > MAX_SAMPLES {
        return Err(SampleError::TooMany(n));
    }
    sample_in(
        &super::replay_cache::Shared::new(world),
        n,
        base_seed,
        scenario,
    )
}

/// [`sample`] over replays of `shared`'s world (its key computed once by
/// the caller, for many sampling runs).
pub fn sample_in<T: Send>(
    shared: &Shared,
    n: u32,
    base_seed: u64,
    scenario: impl Fn(&mut Simulation) -> T + Sync,
) -> Result<Vec<T>, SampleError> {
    sample_with(shared, 0..n, base_seed, |shared, seed| {
        super::replay_cache::replay(shared, seed).map(|mut sim| scenario(&mut sim))
    })
}

/// [`sample_in`] with `earlier` submitted to each replay first, from the
/// replays kept with a prefix of them ([`super::replay_after`]): one
/// submission per new step and seed, not every step again for each file.
/// Over the node shuffles `shuffles` (their indexes: `0..n` for the first
/// `n`, `n..m` for the next ones of the same seeds).
pub fn sample_after<T: Send>(
    shared: &Shared,
    shuffles: std::ops::Range<u32>,
    base_seed: u64,
    earlier: &[super::sim::Submitted],
    scenario: impl Fn(&mut Simulation) -> T + Sync,
) -> Result<Vec<T>, SampleError> {
    sample_with(shared, shuffles, base_seed, |shared, seed| {
        super::replay_after::replay_after(shared, seed, earlier).map(|mut sim| scenario(&mut sim))
    })
}

/// [`sample`] of a scenario that only reads each replay (it submits
/// nothing before planning), over replays of `shared`'s world: the cached
/// replays are read in place, not copied. Over the node shuffles
/// `shuffles`, as [`sample_after`].
pub fn sample_read<T: Send>(
    shared: &Shared,
    shuffles: std::ops::Range<u32>,
    base_seed: u64,
    scenario: impl Fn(&Simulation) -> T + Sync,
) -> Result<Vec<T>, SampleError> {
    sample_with(shared, shuffles, base_seed, |shared, seed| {
        super::replay_cache::replay_read(shared, seed, &scenario)
    })
}

/// Run `one(shared, seed)` for the seeds of `base_seed` at the indexes
/// `shuffles` over [`crate::threads`] threads (see [`sample`]); results in
/// index order, an error naming its index among all the shuffles.
fn sample_with<T: Send>(
    shared: &Shared,
    shuffles: std::ops::Range<u32>,
    base_seed: u64,
    one: impl Fn(&Shared, u64) -> Result<T, crate::diag::Diags> + Sync,
) -> Result<Vec<T>, SampleError> {
    let (from, n) = (shuffles.start, shuffles.end);
    if n > MAX_SAMPLES {
        return Err(SampleError::TooMany(n));
    }
    let count = n.saturating_sub(from);
    let threads = u32::try_from(crate::threads()).unwrap_or(2).max(1);
    let failed = std::sync::atomic::AtomicBool::new(false);
    let run = |i: u32| -> Result<T, SampleError> {
        let seed = sample_seed(base_seed, i);
        let fail = |reason: String| SampleError::Replay {
            index: i,
            seed,
            reason,
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| one(shared, seed)));
        let r = match outcome {
            Ok(Ok(t)) => Ok(t),
            Ok(Err(diags)) => {
                Err(fail(diags.0.first().map_or_else(
                    || "the world does not build".into(),
                    |d| d.message.clone(),
                )))
            }
            Err(p) => Err(fail(format!(
                "it panicked: {}",
                crate::diag::panic_text(p.as_ref())
            ))),
        };
        if r.is_err() {
            failed.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        r
    };
    let mut slots: Vec<Option<Result<T, SampleError>>> = (0..count).map(|_| None).collect();
    // Each worker takes the next replay when it finishes one, rather than
    // a fixed share: on a shared machine one worker is often descheduled,
    // and with fixed shares the other then idled at the end while the
    // first finished its half. Which worker runs a replay changes nothing
    // in it (its seed is its index's), and results go back in seed order.
    let next = std::sync::atomic::AtomicU32::new(0);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (run, failed, next) = (&run, &failed, &next);
                // `%q` in a replay's messages follows the caller's release.
                s.spawn(crate::gotext::inherit(move || {
                    let mut done = Vec::new();
                    // After a failure the run's answer is the error: stop early.
                    while !failed.load(std::sync::atomic::Ordering::Relaxed) {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= count {
                            break;
                        }
                        done.push((i, run(from + i)));
                    }
                    done
                }))
            })
            .collect();
        for h in handles {
            // Scenarios are caught above; a worker dying anyway leaves its
            // slots empty, which fails the run below.
            if let Ok(done) = h.join() {
                for (i, r) in done {
                    if let Some(slot) = slots.get_mut(i as usize) {
                        *slot = Some(r);
                    }
                }
            }
        }
    });
    // Replays skipped after a failure leave empty slots: report the failure
    // itself (the first by seed order), not the skip.
    if let Some(e) = slots.iter_mut().find_map(|s| match s {
        Some(Err(e)) => Some(e.clone()),
        _ => None,
    }) {
        return Err(e);
    }
    let mut out = Vec::with_capacity(slots.len());
    for (i, slot) in slots.into_iter().enumerate() {
        match slot {
            Some(Ok(t)) => out.push(t),
            _ => {
                let index = from.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
                return Err(SampleError::Replay {
                    index,
                    seed: sample_seed(base_seed, index),
                    reason: "its worker stopped before running it".into(),
                });
            }
        }
    }
    Ok(out)
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

    fn demo_world() -> World {
        let vfs = crate::embedded::demo();
        match crate::world::load(&vfs, std::path::Path::new(crate::embedded::WORLD_DIR)) {
            Ok((w, _)) => w,
            Err(d) => panic!("demo world: {d:?}"),
        }
    }

    #[test]
    fn a_panicking_replay_fails_the_run_with_its_seed() {
        let world = demo_world();
        // The panic hook is process-wide: swapping it here raced with other
        // tests doing the same. The expected panic's message is only noise.
        let r = sample(&world, 8, 1, |sim| {
            if sim.seed == sample_seed(1, 5) {
                panic!("boom");
            }
            1
        });
        match r {
            Err(SampleError::Replay { reason, .. }) => assert!(reason.contains("boom")),
            other => panic!("expected a failed replay, got {other:?}"),
        }
    }

    #[test]
    fn every_replay_is_counted_or_the_run_fails() {
        let world = demo_world();
        assert_eq!(sample(&world, 6, 1, |_| 1).map(|v| v.len()), Ok(6));
        assert_eq!(
            sample(&world, MAX_SAMPLES + 1, 1, |_| 1).map(|v| v.len()),
            Err(SampleError::TooMany(MAX_SAMPLES + 1))
        );
    }

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
