//! NP3xx: quotas and namespaces.

pub mod job_exceeds_quota;
pub mod namespace_driver;
pub mod namespace_without_quota;
pub mod quota_exceeded;
pub mod quota_near_limit;
pub mod unknown_namespace;

use crate::cluster::resources::task_group_resources;
use crate::cluster::usage::QuotaUsage;
use crate::jobspec::Job;
use crate::rules::capacity::eligible_pools;
use crate::world::World;

/// What the whole job holds against a quota once placed: count ×
/// per-allocation ask (sized as the scheduler sizes it), with system jobs
/// placing one allocation per eligible client.
pub fn job_total(world: &World, job: &Job) -> QuotaUsage {
    let per_node: i64 = eligible_pools(world, job)
        .iter()
        .map(|p| i64::from(p.pool.count))
        .sum();
    job.groups.iter().fold(QuotaUsage::default(), |total, g| {
        let n = if job.job_type.is_per_node() {
            per_node
        } else {
            g.count
        };
        let res = task_group_resources(g, world.nomad_version);
        total.plus(&QuotaUsage::times(&res, n))
    })
}
