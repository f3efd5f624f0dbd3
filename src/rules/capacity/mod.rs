//! NP2xx: capacity and placement, judged against the world's client pools
//! (no simulation: what no client could ever run).
//!
//! The rules hold no model of a client of their own: each pool is seen as
//! the cluster builder builds its clients ([`build_node`]) and judged with
//! the scheduler's own feasibility, constraint and fit code, so a rule
//! reports exactly what `plan` would filter or exhaust on an empty cluster.

pub mod connect_refused;
pub mod cores_unknown;
pub mod count_zero;
pub mod cron_next_fails;
pub mod defined_twice;
pub mod enterprise_only;
pub mod group_too_large;
pub mod later_batches;
pub mod missing_driver;
pub mod multiregion_unknown;
pub mod mutated_job_invalid;
pub mod no_datacenter;
pub mod outcome_vary;
pub mod plan_assumed;
pub mod plan_cannot_tell;
pub mod plan_fails;
pub mod regexp_unknown;
pub mod region_unknown;
pub mod registration_refused;
pub mod request_unencodable;
pub mod run_refused;
pub mod sentinel_unknown;
pub mod static_port_collision;
pub mod time_zone_unknown;
pub mod unknown_node_pool;
mod unplaceable_draws;
pub mod unplaceable_group;
pub mod unsatisfiable_constraint;
pub mod vault_identity;
pub mod vault_not_enabled;
pub mod vault_unknown;
pub mod world_guess;

use crate::cluster::build::build_node;
use crate::cluster::Node;
use crate::jobspec::Job;
use crate::rules::RuleContext;
use crate::scheduler::feasibility::{in_job_scope, schedulable};
use crate::world::{ClientPool, World};
use std::sync::Arc;

/// One client pool as the scheduler sees it: its first client, built as the
/// simulation builds it. Clients of a pool differ only in their unique
/// attributes (name, ID, address), which constraints on them cannot be
/// judged from the world anyway.
#[derive(Debug, Clone)]
pub struct PoolNode<'w> {
    pub pool: &'w ClientPool,
    /// Shared: built once for every file of a run ([`first_nodes`]).
    pub node: Arc<Node>,
}

/// Every pool that has clients.
pub fn pool_nodes(world: &World) -> Vec<PoolNode<'_>> {
    pool_nodes_of(world, &first_nodes(world))
}

/// The first client of every pool that has clients, in pool order, as
/// [`pool_nodes`] pairs them: a folder check's files share one list
/// (`RuleContext::with_pool_nodes`). Built once per file, a client (its
/// attributes, drivers and meta) was 1.6% of a corpus check's
/// instructions (BENCHMARKS.md stop 68).
pub fn first_nodes(world: &World) -> Vec<Arc<Node>> {
    world
        .clients
        .iter()
        .enumerate()
        .filter(|(_, p)| p.count > 0)
        .map(|(pos, pool)| Arc::new(build_node(world, pool, pos, 1, 0)))
        .collect()
}

/// [`pool_nodes`] of `nodes`, [`first_nodes`] of `world`.
pub fn pool_nodes_of<'w>(world: &'w World, nodes: &[Arc<Node>]) -> Vec<PoolNode<'w>> {
    world
        .clients
        .iter()
        .filter(|p| p.count > 0)
        .zip(nodes)
        .map(|(pool, node)| PoolNode {
            pool,
            node: node.clone(),
        })
        .collect()
}

/// Pools whose clients the scheduler would consider for `job`: schedulable,
/// in its datacenters and node pool as the world's release matches them
/// (globs since 1.5, pools since 1.6).
pub fn eligible_pools<'w>(world: &'w World, job: &Job) -> Vec<PoolNode<'w>> {
    pool_nodes(world)
        .into_iter()
        .filter(|p| eligible(world, job, p))
        .collect()
}

/// The groups a plan places allocations of, which are all a rule saying
/// "cannot be placed" may judge. Nomad places `count` allocations of a
/// group (scheduler/reconcile.go v1.7.7:834, `existing < group.Count`; per
/// node for system jobs, scheduler/system_util.go v1.7.7:27), so a group
/// of count 0 is neither placed nor refused: its plan says "All tasks
/// successfully allocated." (NP205 says it runs nothing).
pub fn placed_groups(job: &Job) -> impl Iterator<Item = &crate::jobspec::TaskGroup> {
    job.groups.iter().filter(|g| g.count != 0)
}

/// A new per-node job's plan says nothing of the clients it cannot use, where
/// a service or batch job's plan reports the group unplaced:
/// - with no ready client in its datacenters and node pool a system or
///   sysbatch job has nothing to place, at every release
///   (scheduler/system_sched.go v0.9.3:106 readyNodesInDCs,
///   scheduler_system.go v2.0.5:133 readyNodesInDCsAndPool), so `nomad job
///   plan` prints "All tasks successfully allocated." and exits 0;
/// - before 1.2.0 the clients its drivers or constraints filter are dropped
///   the same way ("Filtered nodes are not reported to users",
///   system_sched.go v1.1.0:296-308); from 1.2.0 a group every node filters
///   fails (scheduler_system.go v1.2.0:334-341 mergeNodeFiltered).
///
/// Only for a job the cluster does not run: a running one's allocations
/// are evicted from the nodes it no longer takes (system_sched.go v0.9.3
/// computeJobAllocs :228,244 evictAndPlace; system_util.go v1.9.7
/// diffSystemAllocsForNode :204-211), which its plan shows (redteam
/// R18-E-1: a constraint typo in a running protected system job passed
/// every gate). Without a simulation nothing says it does not run.
///
/// Such a finding is a warning: the job runs nowhere, but the plan, and
/// so `check`, passes it (redteam R18-C2/C3: `check` and `plan` disagreed).
fn plan_silent_on(ctx: &RuleContext<'_>, job: &Job, filtered: bool) -> bool {
    use crate::jobspec::JobType;
    let version = ctx.world.nomad_version;
    let new = ctx.sim.is_some_and(|sim| {
        sim.state.job(&job.namespace, &job.id).is_none()
            && sim
                .state
                .job_allocs(&job.namespace, &job.id)
                .next()
                .is_none()
    });
    new && matches!(job.job_type, JobType::System | JobType::Sysbatch)
        && (!filtered || !version.at_least(1, 2, 0))
}

/// [`plan_silent_on`]: `found` (a rule's findings on `job`, of clients
/// its scope leaves out, or, `filtered`, its drivers or constraints
/// filter) become warnings that say why the plan passes the job.
pub fn silent_plan(
    ctx: &RuleContext<'_>,
    job: &Job,
    filtered: bool,
    found: &mut [crate::rules::Finding],
) {
    if !plan_silent_on(ctx, job, filtered) {
        return;
    }
    let version = ctx.world.nomad_version;
    let why = if filtered {
        format!(
            "the {} job runs on none of them, and Nomad {version}'s plan drops the clients it filters without a word (reported from 1.2.0), so it says \"All tasks successfully allocated.\"",
            job.job_type.as_str()
        )
    } else {
        format!(
            "the {} job runs nowhere, and its plan places nothing and says \"All tasks successfully allocated.\"",
            job.job_type.as_str()
        )
    };
    for f in found.iter_mut() {
        *f = f.clone().with_severity(crate::diag::Severity::Warning);
        f.message = format!("{}: {why}", f.message);
    }
}

fn eligible(world: &World, job: &Job, p: &PoolNode<'_>) -> bool {
    schedulable(&p.node) && in_job_scope(world.nomad_version, job, &p.node)
}

/// [`eligible_pools`] of the file's job among the pools its context built
/// once ([`RuleContext::pools`]).
pub fn eligible_in<'c, 'a>(ctx: &'c RuleContext<'a>, job: &Job) -> Vec<&'c PoolNode<'a>> {
    ctx.pools()
        .iter()
        .filter(|p| eligible(ctx.world, job, p))
        .collect()
}

/// The job and the pools it may use, for the rules that judge a job against
/// them; `None` without a job or without any such pool (NP206 reports that).
pub fn job_and_pools<'c, 'a>(ctx: &'c RuleContext<'a>) -> Option<(&'a Job, Vec<&'c PoolNode<'a>>)> {
    let job = ctx.job()?;
    let pools = eligible_in(ctx, job);
    (!pools.is_empty()).then_some((job, pools))
}

/// Where a Vault finding points: the first task's `vault` block, else the
/// job's label.
fn vault_span(job: &Job) -> Option<crate::source::Span> {
    job.groups
        .iter()
        .flat_map(|g| &g.tasks)
        .find_map(|t| t.vault.as_ref().and(t.spans.best("vault")))
        .or(job.spans.label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::NomadVersion;

    #[test]
    fn datacenter_globs_select_pools_from_1_5() {
        let mut world = crate::rules::testing::world();
        let mut job = Job {
            datacenters: vec!["dc*".into()],
            node_pool: "default".into(),
            ..Job::default()
        };
        assert_eq!(eligible_pools(&world, &job).len(), 2);
        world.nomad_version = NomadVersion::new(1, 4, 0);
        assert!(eligible_pools(&world, &job).is_empty());
        job.datacenters = vec!["dc1".into()];
        assert_eq!(eligible_pools(&world, &job).len(), 2);
        job.datacenters = vec!["eu-1".into()];
        assert!(eligible_pools(&world, &job).is_empty());
    }

    #[test]
    fn pools_are_the_clients_the_cluster_builds() {
        let mut world = crate::rules::testing::world();
        world.clients[0].drivers.clear();
        world.clients[1].count = 0;
        let pools = pool_nodes(&world);
        assert_eq!(pools.len(), 1, "a pool without clients is no pool");
        let n = &pools[0].node;
        assert_eq!(n.drivers, crate::cluster::build::DEFAULT_DRIVERS);
        assert_eq!(
            n.attributes.get("driver.java").map(String::as_str),
            Some("1")
        );
        assert_eq!(
            n.attributes.get("nomad.version").map(String::as_str),
            Some(world.nomad_version.to_string().as_str())
        );
    }
}
