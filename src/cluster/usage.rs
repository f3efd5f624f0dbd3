//! Quota usage: the live allocations of every namespace attached to a quota.

use super::{Allocation, State};
use crate::scheduler::QuotaUsage;
use crate::world::World;

/// Namespaces whose allocations count against `quota`.
pub fn quota_namespaces<'a>(
    world: &'a World,
    quota: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    world
        .namespaces
        .iter()
        .filter(move |(_, ns)| ns.quota.as_deref() == Some(quota))
        .map(|(name, _)| name.as_str())
}

/// Usage of a quota in a region over the live allocations of `state`.
pub fn quota_usage(world: &World, state: &State, quota: &str, region: &str) -> QuotaUsage {
    let namespaces: Vec<&str> = quota_namespaces(world, quota).collect();
    let mut usage = QuotaUsage::default();
    if world.region != region {
        // Allocations live in the world's single region.
        return usage;
    }
    for a in state.allocs.iter().filter(|a| a.is_live()) {
        if namespaces.contains(&a.namespace.as_str()) {
            add_alloc(&mut usage, a);
        }
    }
    usage
}

pub fn add_alloc(usage: &mut QuotaUsage, a: &Allocation) {
    usage.cpu += a.resources.cpu;
    usage.cores += a.resources.cores;
    usage.memory += a.resources.memory_mb;
    usage.memory_max += a.resources.memory_max_mb.max(a.resources.memory_mb);
}
