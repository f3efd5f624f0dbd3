//! Resource fit, fit scores and resource distance (`nomad/structs/funcs.go`,
//! `scheduler/feasible/preemption.go`).

use crate::cluster::{AllocResources, Node};
use crate::world::Algorithm;

/// Comparable resources: the dimensions fit and preemption reason about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Comparable {
    pub cpu: i64,
    pub cores: i64,
    pub memory: i64,
    pub disk: i64,
}

impl Comparable {
    pub fn of(r: &AllocResources) -> Comparable {
        Comparable {
            cpu: r.cpu,
            cores: r.cores,
            memory: r.memory_mb,
            disk: r.disk_mb,
        }
    }
    /// Usable node capacity: node resources minus what the client reserves
    /// (and the cpu the release withholds besides, [`Node::usable_cpu`]).
    pub fn node_usable(n: &Node) -> Comparable {
        Comparable {
            cpu: n.usable_cpu(),
            cores: 0,
            memory: n.memory_mb - n.reserved_memory_mb,
            disk: n.disk_mb - n.reserved_disk_mb,
        }
    }
    pub fn add(&mut self, o: &Comparable) {
        self.cpu += o.cpu;
        self.cores += o.cores;
        self.memory += o.memory;
        self.disk += o.disk;
    }
    pub fn sub(&mut self, o: &Comparable) {
        self.cpu -= o.cpu;
        self.cores -= o.cores;
        self.memory -= o.memory;
        self.disk -= o.disk;
    }
    /// [`Comparable::add`] and [`Comparable::sub`] for running totals,
    /// which wrap as the release build's sums do: a total kept by adding
    /// and taking away ends where one sum of what is left ends, never
    /// stopping on the way where that sum would not.
    #[must_use]
    pub fn wrapping_add(&self, o: &Comparable) -> Comparable {
        Comparable {
            cpu: self.cpu.wrapping_add(o.cpu),
            cores: self.cores.wrapping_add(o.cores),
            memory: self.memory.wrapping_add(o.memory),
            disk: self.disk.wrapping_add(o.disk),
        }
    }
    #[must_use]
    pub fn wrapping_sub(&self, o: &Comparable) -> Comparable {
        Comparable {
            cpu: self.cpu.wrapping_sub(o.cpu),
            cores: self.cores.wrapping_sub(o.cores),
            memory: self.memory.wrapping_sub(o.memory),
            disk: self.disk.wrapping_sub(o.disk),
        }
    }
    /// Nomad's `ComparableResources.Superset`: the first dimension that does
    /// not cover `other`, in Nomad's order (cpu, memory, disk). Reserved
    /// cores are not modelled as a set (nodes here expose no core topology).
    pub fn superset(&self, other: &Comparable) -> Result<(), &'static str> {
        if self.cpu < other.cpu {
            return Err("cpu");
        }
        if self.memory < other.memory {
            return Err("memory");
        }
        if self.disk < other.disk {
            return Err("disk");
        }
        Ok(())
    }
}

/// The dimension `AllocsFit` reports for a node past its
/// `node_max_allocs` (nomad/structs/funcs.go:146@v1.10.2).
pub const MAX_ALLOCS_EXCEEDED: &str = "max allocation exceeded";

/// `AllocsFit` without the port/device checks (those run in the network
/// step): returns the total utilisation on success, else the dimension.
/// The node's `node_max_allocs` is checked first, on the number of
/// allocations (each one given, `extra` included), and Nomad returns
/// before summing: the utilisation with it is empty.
pub fn allocs_fit<'a>(
    node: &Node,
    allocs: impl IntoIterator<Item = &'a AllocResources>,
    extra: Option<&'a AllocResources>,
) -> Result<Comparable, (&'static str, Comparable)> {
    let mut used = Comparable::default();
    let mut count = 0usize;
    for r in allocs.into_iter().chain(extra) {
        used.add(&Comparable::of(r));
        count += 1;
    }
    fit_total(node, used, count)
}

/// [`allocs_fit`] of allocations already summed: `used` is what the
/// `count` allocations ask together (the placed one included).
pub fn fit_total(
    node: &Node,
    used: Comparable,
    count: usize,
) -> Result<Comparable, (&'static str, Comparable)> {
    if node.max_allocs_exceeded(count) {
        return Err((MAX_ALLOCS_EXCEEDED, Comparable::default()));
    }
    match Comparable::node_usable(node).superset(&used) {
        Ok(()) => Ok(used),
        Err(dim) => Err((dim, used)),
    }
}

/// The best fit score (`binPackingMaxFitScore`).
pub const MAX_FIT_SCORE: f64 = 18.0;

/// `ScoreFitBinPack` / `ScoreFitSpread`: how full the node would be on cpu
/// and memory, mapped into 0..=18.
pub fn score_fit(node: &Node, util: &Comparable, algorithm: Algorithm) -> f64 {
    let usable = Comparable::node_usable(node);
    let free = |used: i64, cap: i64| {
        if cap <= 0 {
            0.0
        } else {
            1.0 - used as f64 / cap as f64
        }
    };
    let total =
        10f64.powf(free(util.cpu, usable.cpu)) + 10f64.powf(free(util.memory, usable.memory));
    let score = match algorithm {
        Algorithm::Binpack => 20.0 - total,
        Algorithm::Spread => total - 2.0,
    };
    score.clamp(0.0, MAX_FIT_SCORE)
}

/// `basicResourceDistance`: Euclidean distance between the still-needed
/// resources and what an allocation would free, each coordinate relative to
/// the need; a dimension no longer needed drops out.
pub fn resource_distance(needed: &Comparable, alloc: &Comparable) -> f64 {
    let coord = |ask: i64, have: i64| {
        if ask > 0 {
            (ask - have) as f64 / ask as f64
        } else {
            0.0
        }
    };
    let mc = coord(needed.memory, alloc.memory);
    let cc = coord(needed.cpu, alloc.cpu);
    let dc = coord(needed.disk, alloc.disk);
    (mc * mc + cc * cc + dc * dc).sqrt()
}

/// `1 / (1 + e^(0.0048 × (net − 2048)))` with net = max + sum/max of the
/// victims' job priorities: fewer, lower-priority victims score higher.
pub fn preemption_score(victim_priorities: &[i64]) -> f64 {
    let max = victim_priorities.iter().copied().max().unwrap_or(0);
    if max <= 0 {
        return 1.0;
    }
    let sum: i64 = victim_priorities.iter().sum();
    let net = max as f64 + sum as f64 / max as f64;
    1.0 / (1.0 + (0.0048 * (net - 2048.0)).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(cpu: i64, mem: i64, rcpu: i64, rmem: i64) -> Node {
        Node {
            cpu,
            memory_mb: mem,
            reserved_cpu: rcpu,
            reserved_memory_mb: rmem,
            ..Node::default()
        }
    }

    fn util(cpu: i64, memory: i64) -> Comparable {
        Comparable {
            cpu,
            memory,
            ..Comparable::default()
        }
    }

    /// `TestScoreFitBinPack` (nomad/structs/funcs_test.go): node 4096 MHz /
    /// 8192 MB with 2048/4096 reserved; no use → 0, full → 18, half → 10 (binpack)
    /// and the mirror values for spread.
    #[test]
    fn score_fit_matches_nomad_table() {
        let n = node(4096, 8192, 2048, 4096);
        let cases = [
            (util(0, 0), 0.0, 18.0),
            (util(2048, 4096), 18.0, 0.0),
            (util(1024, 2048), 13.675, 4.325),
        ];
        for (u, bin, spread) in cases {
            assert!(
                (score_fit(&n, &u, Algorithm::Binpack) - bin).abs() < 1e-3,
                "{u:?}"
            );
            assert!(
                (score_fit(&n, &u, Algorithm::Spread) - spread).abs() < 1e-3,
                "{u:?}"
            );
        }
        // Over-committed clamps to the maximum.
        assert_eq!(score_fit(&n, &util(4096, 8192), Algorithm::Binpack), 18.0);
    }

    /// Reference example (nomad-scheduler.md 4.1): 3900/7936 capacity, 2000/4000 used.
    #[test]
    fn score_fit_reference_example() {
        let n = node(3900, 7936, 0, 0);
        let b = score_fit(&n, &util(2000, 4000), Algorithm::Binpack) / MAX_FIT_SCORE;
        assert!((b - 0.76648).abs() < 1e-4, "{b}");
    }

    /// `TestResourceDistance` (scheduler/preemption_test.go): ask cpu 2048,
    /// memory 512, disk 4096 against four allocations.
    #[test]
    fn resource_distance_matches_nomad_test() {
        let ask = Comparable {
            cpu: 2048,
            memory: 512,
            disk: 4096,
            cores: 0,
        };
        let cases = [
            ((2048, 512, 4096), "0.000"),
            ((1024, 400, 1024), "0.928"),
            ((8192, 200, 1024), "3.152"),
            ((2048, 500, 4096), "0.023"),
        ];
        for ((cpu, memory, disk), want) in cases {
            let a = Comparable {
                cpu,
                memory,
                disk,
                cores: 0,
            };
            assert_eq!(format!("{:.3}", resource_distance(&ask, &a)), want);
        }
    }

    #[test]
    fn preemption_score_prefers_low_priority_victims() {
        assert!((preemption_score(&[30]) - 0.99994).abs() < 1e-4);
        assert!(preemption_score(&[10]) > preemption_score(&[10, 40]));
    }

    #[test]
    fn fit_reports_first_failing_dimension() {
        let n = node(1000, 1000, 0, 0);
        let a = AllocResources {
            cpu: 600,
            memory_mb: 600,
            ..AllocResources::default()
        };
        assert_eq!(allocs_fit(&n, [&a], Some(&a)).map_err(|e| e.0), Err("cpu"));
        let b = AllocResources {
            cpu: 100,
            memory_mb: 600,
            ..AllocResources::default()
        };
        assert_eq!(
            allocs_fit(&n, [&b], Some(&b)).map_err(|e| e.0),
            Err("memory")
        );
        assert!(allocs_fit(&n, [&b], None).is_ok());
    }

    /// `node_max_allocs` (1.10.2+) is checked before any dimension, on the
    /// number of allocations with the one placed, and returns an empty
    /// utilisation (nomad/structs/funcs.go:144-148@v1.10.2).
    #[test]
    fn max_allocs_counts_allocations_before_any_dimension() {
        let mut n = node(1000, 1000, 0, 0);
        let small = AllocResources {
            cpu: 10,
            memory_mb: 10,
            ..AllocResources::default()
        };
        let big = AllocResources {
            cpu: 5000,
            ..AllocResources::default()
        };
        n.max_allocs = 2;
        assert!(allocs_fit(&n, [&small], Some(&small)).is_ok());
        assert_eq!(
            allocs_fit(&n, [&small, &small], Some(&big)),
            Err((MAX_ALLOCS_EXCEEDED, Comparable::default()))
        );
        // Unset: the dimension as before.
        n.max_allocs = 0;
        assert_eq!(
            allocs_fit(&n, [&small, &small], Some(&big)).map_err(|e| e.0),
            Err("cpu")
        );
        // Nomad's agent takes a negative cap, and then nothing fits.
        n.max_allocs = -1;
        assert_eq!(
            allocs_fit(&n, std::iter::empty(), Some(&small)).map_err(|e| e.0),
            Err(MAX_ALLOCS_EXCEEDED)
        );
    }

    /// The cpu a release withholds (#23386, 1.7.0-1.8.1) is gone from the
    /// fit, the score and the preemptor's room alike.
    #[test]
    fn withheld_cpu_is_not_usable() {
        let mut n = node(4000, 8000, 500, 0);
        n.cpu_withheld = 500;
        assert_eq!(Comparable::node_usable(&n).cpu, 3000);
        let ask = AllocResources {
            cpu: 3200,
            memory_mb: 10,
            ..AllocResources::default()
        };
        assert_eq!(
            allocs_fit(&n, std::iter::empty(), Some(&ask)).map_err(|e| e.0),
            Err("cpu")
        );
        // Full at 3000 MHz.
        assert_eq!(
            score_fit(&n, &util(3000, 8000), Algorithm::Binpack),
            MAX_FIT_SCORE
        );
        n.cpu_withheld = 0;
        assert!(allocs_fit(&n, std::iter::empty(), Some(&ask)).is_ok());
    }
}

/// A running mean: the sum is `((s0 + s1) + s2) + …`, as `Iterator::sum`
/// adds a list of the same scores, so the mean is bit for bit the same.
pub(super) struct Mean {
    sum: f64,
    n: u32,
}

impl Mean {
    pub(super) fn of(first: f64) -> Mean {
        Mean { sum: first, n: 1 }
    }
    pub(super) fn push(&mut self, x: f64) {
        self.sum += x;
        self.n += 1;
    }
    pub(super) fn mean(&self) -> f64 {
        self.sum / f64::from(self.n)
    }
}

#[cfg(test)]
mod mean_tests {
    use super::Mean;

    /// The running mean is the mean of the list it replaced, to the bit:
    /// scores tie-break on exact equality, so a rounding change would move
    /// placements.
    #[test]
    fn the_running_mean_is_the_lists_mean_to_the_bit() {
        let lists: [&[f64]; 4] = [
            &[0.7664835164835164],
            &[0.1, 0.2, 0.3],
            &[0.9, -0.5, 1.0 / 3.0, 0.9999, -1.0],
            &[18.0 / 18.0, -(4.0 / 3.0), 0.5, 1e-17],
        ];
        for list in lists {
            let mut m = Mean::of(list[0]);
            for x in &list[1..] {
                m.push(*x);
            }
            let want = list.iter().sum::<f64>() / list.len() as f64;
            assert_eq!(m.mean().to_bits(), want.to_bits(), "{list:?}");
        }
    }
}
