//! NP3xx: quotas and namespaces.

pub mod job_exceeds_quota;
pub mod namespace_driver;
pub mod namespace_without_quota;
pub mod quota_devices_unknown;
pub mod quota_exceeded;
pub mod quota_limits_unknown;
pub mod quota_near_limit;
pub mod unknown_namespace;

use crate::cluster::usage::QuotaUsage;
use crate::jobspec::Job;
use crate::rules::capacity::eligible_pools;
use crate::world::World;

/// A group whose count × per-allocation ask, or whose tasks' ask per
/// allocation, does not fit in a 64-bit total (the counters Nomad sums in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overflow {
    pub group: String,
    pub dim: &'static str,
    pub count: i64,
    /// The per-allocation ask; `i64::MAX` when that sum itself overflowed.
    pub per_alloc: i64,
}

/// What the whole job holds against a quota once placed, and the totals
/// that went past `i64::MAX` (held there, and named in `overflow` so no
/// figure is printed as if it had been counted).
#[derive(Debug, Clone, Default)]
pub struct JobTotal {
    pub usage: QuotaUsage,
    pub overflow: Vec<Overflow>,
}

/// What the whole job holds against a quota once placed: count ×
/// per-allocation ask (sized as the scheduler sizes it), with system jobs
/// placing one allocation per eligible client.
pub fn job_total(world: &World, job: &Job) -> JobTotal {
    let per_node: i64 = eligible_pools(world, job)
        .iter()
        .map(|p| i64::from(p.pool.count))
        .sum();
    let mut total = JobTotal::default();
    for g in &job.groups {
        let n = if job.job_type.is_per_node() {
            per_node
        } else {
            g.count
        };
        let per = QuotaUsage::of(&crate::scheduler::quota::placed_resources(g, world));
        let u = &mut total.usage;
        for (dim, slot, ask) in [
            ("cpu", &mut u.cpu, per.cpu),
            ("cores", &mut u.cores, per.cores),
            ("memory", &mut u.memory, per.memory),
            ("memory_max", &mut u.memory_max, per.memory_max),
        ] {
            // The task sums saturate at i64::MAX: that is an overflow too.
            let sum = (ask < i64::MAX)
                .then(|| ask.checked_mul(n))
                .flatten()
                .and_then(|t| slot.checked_add(t));
            match sum {
                Some(v) => *slot = v,
                None => {
                    *slot = i64::MAX;
                    if !total.overflow.iter().any(|o| o.dim == dim) {
                        total.overflow.push(Overflow {
                            group: g.name.clone(),
                            dim,
                            count: n,
                            per_alloc: ask,
                        });
                    }
                }
            }
        }
    }
    total
}
