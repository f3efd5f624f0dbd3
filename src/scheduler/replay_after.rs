//! Replays of a world with a change set's earlier steps already submitted,
//! kept per seed for the life of the process.
//!
//! `check` judges a change set's files in submission order, each sampled
//! under the same seeds after every earlier step (NP207, NP304, NP403,
//! the plan gate's policy). Submitting all earlier steps again in each
//! sample made a change set of N files cost N² submissions times the
//! samples (issue 17 point 3: 50 new files took 32 s, 100 did not finish
//! in 300 s). A file's earlier steps are the previous file's plus the
//! steps between them, so each seed's replay is kept with the steps it has
//! submitted and extended by the new ones only: one submission per step
//! and seed. The result is the one submitting every step in order to a
//! fresh replay gives, since it is the same submissions in the same order
//! from the same start.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use super::replay_cache::{self, Shared, WorldKey};
use super::sim::Submitted;
use super::Simulation;
use crate::diag::Diags;

/// Most nodes plus allocations held over all kept replays: each kept
/// replay is a whole cluster state, so a large world keeps none and
/// replays every step as before (slower, the same answer).
const BUDGET: usize = 2_000_000;

/// One seed's replay and the stamps of the steps submitted to it, in order.
struct Kept {
    stamps: Vec<u64>,
    sim: Simulation,
    weight: usize,
}

/// Several replays per seed: `check` asks for a file's whole run of
/// earlier steps and, naming a finding's causes
/// (`check::causes::name_causes`), for each earlier step alone. One
/// replay per seed made each of those throw the other away: every step
/// alone started a fresh replay, and the next file submitted all its
/// earlier steps again (25 files, 18 quota findings: 23.7 s user).
#[derive(Default)]
struct Store {
    /// Per seed, oldest kept first. A replay being extended is taken out,
    /// so a panic in a submission leaves no half-extended replay behind,
    /// and a second sampler of the same seed meanwhile builds its own.
    kept: HashMap<(WorldKey, u64), Vec<Kept>>,
    /// The kept replays' weight, all seeds.
    weight: usize,
}

fn store() -> &'static Mutex<Store> {
    static STORE: OnceLock<Mutex<Store>> = OnceLock::new();
    STORE.get_or_init(Default::default)
}

fn weight(sim: &Simulation) -> usize {
    sim.state.nodes.len() + sim.state.allocs.len() + 1
}

/// The replay of `shared`'s world under `seed` with `earlier` submitted in
/// order: from the kept replay of this seed whose steps are the longest
/// prefix of `earlier` (only the rest is submitted), else from a fresh
/// replay.
pub fn replay_after(
    shared: &Shared,
    seed: u64,
    earlier: &[Submitted],
) -> Result<Simulation, Diags> {
    let Some(world) = shared.world_key() else {
        // A one-off sampler keeps nothing.
        let mut sim = replay_cache::replay(shared, seed)?;
        for e in earlier {
            e.replay(&mut sim);
        }
        return Ok(sim);
    };
    let slot = (world, seed);
    let is_prefix = |k: &Kept| {
        k.stamps.len() <= earlier.len()
            && k.stamps.iter().zip(earlier).all(|(s, e)| *s == e.stamp())
    };
    let taken = store().lock().ok().and_then(|mut s| {
        let list = s.kept.get_mut(&slot)?;
        let best = (0..list.len())
            .filter(|&i| list.get(i).is_some_and(is_prefix))
            .max_by_key(|&i| list.get(i).map_or(0, |k| k.stamps.len()))?;
        let k = list.remove(best);
        s.weight = s.weight.saturating_sub(k.weight);
        Some(k)
    });
    let mut kept = match taken {
        Some(k) => k,
        None => {
            let sim = replay_cache::replay(shared, seed)?;
            Kept {
                stamps: Vec::new(),
                weight: weight(&sim),
                sim,
            }
        }
    };
    for e in &earlier[kept.stamps.len()..] {
        e.replay(&mut kept.sim);
        kept.stamps.push(e.stamp());
    }
    kept.weight = weight(&kept.sim);
    let out = kept.sim.clone();
    put_back(slot, kept);
    Ok(out)
}

/// Keep `kept` for its seed, newest, in place of one with the same steps,
/// when the budget allows: the seed's oldest replays go first to make
/// room, and past the budget with none left it is not kept.
fn put_back(slot: (WorldKey, u64), kept: Kept) {
    let Ok(mut s) = store().lock() else { return };
    let s = &mut *s;
    let list = s.kept.entry(slot).or_default();
    let mut freed = 0;
    list.retain(|k| {
        let same = k.stamps == kept.stamps;
        if same {
            freed += k.weight;
        }
        !same
    });
    while s.weight.saturating_sub(freed) + kept.weight > BUDGET && !list.is_empty() {
        freed += list.remove(0).weight;
    }
    s.weight = s.weight.saturating_sub(freed);
    if s.weight + kept.weight > BUDGET {
        return;
    }
    s.weight += kept.weight;
    list.push(kept);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::sim::Submission;

    fn step(name: &str) -> Submitted {
        let text = crate::rules::testing::filler(name, 50, 300);
        let job = crate::rules::testing::load(&format!("{name}.nomad"), &text)
            .job
            .expect("a test job loads");
        Submitted::new(
            std::path::PathBuf::from(format!("jobs/{name}.nomad")),
            Submission::Run(Box::new(job)),
        )
    }

    /// The kept replay extended step by step is the replay with every
    /// step submitted at once, and a different prefix starts afresh.
    #[test]
    fn extending_a_kept_replay_is_submitting_every_step() {
        let world = crate::rules::testing::world();
        let shared = Shared::reused(&world);
        let steps: Vec<Submitted> = ["x1", "x2", "x3"].iter().map(|n| step(n)).collect();
        let whole = |earlier: &[Submitted]| {
            let mut sim = Simulation::new(&world, 11).expect("builds");
            for e in earlier {
                e.replay(&mut sim);
            }
            format!("{:?}", sim.state)
        };
        for k in 0..=steps.len() {
            let got = replay_after(&shared, 11, &steps[..k]).expect("builds");
            assert_eq!(
                format!("{:?}", got.state),
                whole(&steps[..k]),
                "after {k} steps"
            );
        }
        let other = [step("y1")];
        let got = replay_after(&shared, 11, &other).expect("builds");
        assert_eq!(format!("{:?}", got.state), whole(&other));
    }

    /// A replay of other steps (a cause named: one earlier step alone)
    /// keeps the file sequence's replay beside it, and each is extended
    /// from where it stood with the same answer.
    #[test]
    fn a_step_alone_keeps_the_sequences_replay() {
        let world = crate::rules::testing::world();
        let shared = Shared::reused(&world);
        let seed = 4242;
        let steps: Vec<Submitted> = ["z1", "z2", "z3"].iter().map(|n| step(n)).collect();
        let whole = |earlier: &[&Submitted]| {
            let mut sim = Simulation::new(&world, seed).expect("builds");
            for e in earlier {
                e.replay(&mut sim);
            }
            format!("{:?}", sim.state)
        };
        let stamps =
            |earlier: &[&Submitted]| -> Vec<u64> { earlier.iter().map(|e| e.stamp()).collect() };
        let kept = || -> Vec<Vec<u64>> {
            let slot = (shared.world_key().expect("a reused world is keyed"), seed);
            let s = store().lock().expect("not poisoned");
            s.kept
                .get(&slot)
                .map(|l| l.iter().map(|k| k.stamps.clone()).collect())
                .unwrap_or_default()
        };
        let [z1, z2, z3] = [&steps[0], &steps[1], &steps[2]];
        replay_after(&shared, seed, &steps[..2]).expect("builds");
        let alone = replay_after(&shared, seed, std::slice::from_ref(z2)).expect("builds");
        assert_eq!(format!("{:?}", alone.state), whole(&[z2]));
        let held = kept();
        assert!(held.contains(&stamps(&[z1, z2])), "{held:?}");
        assert!(held.contains(&stamps(&[z2])), "{held:?}");
        let next = replay_after(&shared, seed, &steps).expect("builds");
        assert_eq!(format!("{:?}", next.state), whole(&[z1, z2, z3]));
        let held = kept();
        assert!(held.contains(&stamps(&[z1, z2, z3])), "{held:?}");
        assert!(
            !held.contains(&stamps(&[z1, z2])),
            "extended in place: {held:?}"
        );
    }
}
