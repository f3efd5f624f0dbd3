//! NP3xx: quotas and namespaces.

pub mod job_exceeds_quota;
pub mod namespace_without_quota;
pub mod quota_exceeded;
pub mod quota_near_limit;
pub mod unknown_namespace;

use crate::jobspec::Job;
use crate::rules::capacity::{eligible_pools, group_ask};
use crate::world::{RegionLimit, World};

/// cpu (MHz) and memory (MB) the whole job holds once placed: count ×
/// per-allocation ask, with system jobs placing one allocation per
/// eligible client.
pub fn job_total(world: &World, job: &Job) -> (i64, i64) {
    let per_node: i64 = eligible_pools(world, job)
        .iter()
        .map(|p| i64::from(p.count))
        .sum();
    job.groups.iter().fold((0, 0), |(c, m), g| {
        let n = if job.job_type.is_per_node() {
            per_node
        } else {
            g.count
        };
        let a = group_ask(g);
        (c + n * a.cpu, m + n * a.memory)
    })
}

/// The quota and its limit for the world's region that bind `job`'s namespace.
pub fn binding_limit<'w>(world: &'w World, job: &Job) -> Option<(&'w str, &'w RegionLimit)> {
    let q = world.quota_of(&job.namespace)?;
    let l = q.limit_for(&world.region)?;
    Some((q.name.as_str(), &l.region_limit))
}

/// Nomad's reading of one limit: `None`/`0` unlimited, negative forbids any use.
pub fn exceeds(limit: Option<i64>, used: i64) -> bool {
    match limit {
        None | Some(0) => false,
        Some(l) if l < 0 => used > 0,
        Some(l) => used > l,
    }
}
