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
use crate::scheduler::constraint::class_verdict;

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
/// per-allocation ask (sized as the scheduler sizes it). A system or
/// sysbatch group asks `count` names on every client it may run on
/// (materializeSystemTaskGroups, scheduler/system_util.go v1.9.7:21-34,
/// reconciler/reconcile_node.go v2.0.5:549-560): the eligible clients
/// whose class no constraint of the job, group or tasks refuses, as the
/// system stack filters them (a filtered node is no placement,
/// scheduler_system.go v1.9.7:383-432), times the count (at most 1 for
/// a system group).
pub fn job_total(ctx: &crate::rules::RuleContext<'_>, job: &Job) -> JobTotal {
    let world = ctx.world;
    let pools = crate::rules::capacity::eligible_in(ctx, job);
    let version = world.nomad_version;
    let clients_for = |g: &crate::jobspec::TaskGroup| -> i64 {
        let refused = |p: &&crate::rules::capacity::PoolNode<'_>| {
            job.constraints
                .iter()
                .chain(&g.constraints)
                .chain(g.tasks.iter().flat_map(|t| &t.constraints))
                .any(|c| class_verdict(c, &p.node, version) == Some(false))
        };
        pools
            .iter()
            .filter(|p| !refused(p))
            .map(|p| i64::from(p.pool.count))
            .sum()
    };
    let mut total = JobTotal::default();
    for g in &job.groups {
        let n = if job.job_type.is_per_node() {
            // A system group's count above 1 is refused at admission
            // (nomad/structs/structs.go v1.9.7:4920, v2.0.5:4839), which
            // its own finding reports: one name per node, none at 0.
            let names = match job.job_type {
                crate::jobspec::JobType::Sysbatch => g.count.max(0),
                _ => g.count.clamp(0, 1),
            };
            // Past i64 the ask's product overflows too, which says so.
            clients_for(g).saturating_mul(names)
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
