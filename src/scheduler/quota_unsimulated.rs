//! A quota's limits nomad-preflight does not simulate, against one plan.
//!
//! Besides cpu, cores, memory, memory_max and devices, a quota's region
//! limit may set per-node-pool limits (`node_pool "NAME"`, 1.11.2+), a
//! secrets limit (`secrets`, 1.10+), NUMA, disk, IOPS, storage, or a key a
//! later release added (`world::quota_limits`). Nomad Enterprise counts
//! them in code that is not public, so a plan such a limit may bind cannot
//! be judged: the plan, `check` (NP308) and the world's loading each say so
//! from this one function, and no plan prints Nomad's success text instead.
//!
//! Which limits may bind a job of the quota's namespace:
//! - `node_pool "P"`: per the CE part of the feature (command/quota_status.go
//!   formatQuotaNodePools, v1.11.2) it limits the allocations in pool P; a
//!   job placing in P or in `all` (every pool, scheduler/feasible
//!   `in_job_scope`) may meet it. A job without a pool (before 1.6) may too.
//!   A job of another pool is counted against the region limit, which we
//!   simulate.
//! - `secrets`, `numa`, `disk`, `iops` and keys we do not know: every job.
//!   A task without `resources { secrets }` still mounts a secrets tmpfs
//!   (the client's 1 MB default); whether Enterprise counts it is not
//!   public, so no job is taken as outside a secrets limit.
//! - variables and host-volume limits: none (Nomad counts them when a
//!   variable is written and at `nomad volume create`, quota.mdx v1.11.3).
//!
//! - `memory_max`, with memory oversubscription off, against a job with a
//!   task whose `memory_max` is more than its `memory` (or `-1`): Nomad
//!   ignores that `memory_max` (its job warning; the allocation stores no
//!   max, scheduler/feasible/rank.go:384@v2.0.5), and the usage of placed
//!   allocations counts their memory (`AllocatedMemoryResources.Add`,
//!   nomad/structs/structs.go:4117@v2.0.5). But the quota stage is a
//!   feasibility step that runs before the ranker builds the allocation
//!   (scheduler/feasible/stack.go:290-298@v2.0.5), so it sizes the ask
//!   from the task group itself, in private code; whether it drops the
//!   ignored `memory_max` there too is not public (`Resources.Add`,
//!   structs.go:2646, would count it). Neither a refusal nor an all-clear
//!   on that dimension can be stated (rt14e R14-41), unless the plan
//!   shows both readings give the same one ([`QuotaLimitsUnknown::narrowed`],
//!   [`super::quota_memory_max`]).
//!
//! A stopped job places nothing and is not counted.

use crate::jobspec::Job;
use crate::scheduler::{PlanResult, Simulation};
use crate::world::{Unsimulated, World};

/// A plan that a quota limit not simulated may bind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaLimitsUnknown {
    pub quota: String,
    pub region: String,
    pub namespace: String,
    /// The limits that may bind the job, in the quota's order.
    pub limits: Vec<Unsimulated>,
    /// The `memory_max` limit, when the job asks a `memory_max` that Nomad
    /// ignores (oversubscription off): see the module's list.
    pub memory_max_ignored: Option<i64>,
}

/// The quota's `memory_max` limit when Enterprise's private reading of an
/// ignored `memory_max` may decide whether `job` fits (see the module's
/// list): memory_max enforced (1.1+), oversubscription off, the limit set,
/// and a task that asks more than its memory.
pub fn memory_max_ignored(world: &World, job: &Job, limit: Option<i64>) -> Option<i64> {
    let limit = limit.filter(|l| *l != 0)?;
    let v = world.nomad_version;
    if !v.at_least(1, 1, 0) || world.scheduler.memory_oversubscription {
        return None;
    }
    // `structs.MemoryNoLimit` (1.7.3+): no max at all.
    let unlimited = -1;
    let asks_more = job
        .groups
        .iter()
        .filter(|g| g.count > 0 || job.job_type.is_per_node())
        .any(|g| {
            g.tasks.iter().any(|t| {
                let r = &t.resources;
                r.memory_max_mb > r.memory_mb || r.memory_max_mb == unlimited
            })
        });
    asks_more.then_some(limit)
}

/// Whether `limit` may bind a placement of `job` (see the module's list).
pub fn binds(limit: &Unsimulated, job: &Job) -> bool {
    if !limit.counts_placements() {
        return false;
    }
    match limit {
        Unsimulated::NodePool(p) => {
            let pool = job.node_pool.as_str();
            pool.is_empty() || pool == "all" || pool == p.pool
        }
        _ => true,
    }
}

/// The limits not simulated of `job`'s quota that may bind it, if any.
pub fn quota_limits_unknown(world: &World, job: &Job) -> Option<QuotaLimitsUnknown> {
    if job.stop {
        return None;
    }
    let (quota, limit) = super::quota::binding_limit(world, &job.namespace)?;
    let limits: Vec<Unsimulated> = limit
        .unsimulated
        .iter()
        .map(|n| &n.limit)
        .filter(|l| binds(l, job))
        .cloned()
        .collect();
    let memory_max_ignored = memory_max_ignored(world, job, limit.memory_max);
    if limits.is_empty() && memory_max_ignored.is_none() {
        return None;
    }
    Some(QuotaLimitsUnknown {
        quota: quota.to_string(),
        region: world.region.clone(),
        namespace: job.namespace.clone(),
        limits,
        memory_max_ignored,
    })
}

impl QuotaLimitsUnknown {
    /// Whether the scheduler's plan may take this back: only the ignored
    /// `memory_max` is unknown, and the plan may show both readings agree.
    pub fn waits_for_plan(&self) -> bool {
        self.limits.is_empty() && self.memory_max_ignored.is_some()
    }

    /// This, once `result` (the plan of `job` as the simulation reads an
    /// ignored `memory_max`, by the task's memory) is known: the
    /// `memory_max` limit is dropped where the other reading gives the
    /// same plan ([`super::quota_memory_max`]), and nothing is left
    /// unknown when it was the only one.
    pub fn narrowed(mut self, sim: &Simulation, job: &Job, result: &PlanResult) -> Option<Self> {
        if let Some(limit) = self.memory_max_ignored {
            if super::quota_memory_max::readings_agree(sim, job, result, &self.quota, limit) {
                self.memory_max_ignored = None;
            }
        }
        (!self.limits.is_empty() || self.memory_max_ignored.is_some()).then_some(self)
    }

    /// `node_pool "gpu" (RegionLimit.NodePools): cpu 1500; secrets (…): 64 MB`.
    pub fn limits_text(&self) -> String {
        self.limits
            .iter()
            .map(Unsimulated::describe)
            .chain(self.memory_max_ignored.map(|l| {
                format!("memory_max {l} MB, against a task memory_max that Nomad ignores with memory oversubscription off (whether the quota stage counts it or the task's memory is not public)")
            }))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The names of what may bind, for a finding's label.
    pub fn names(&self) -> Vec<String> {
        self.limits
            .iter()
            .map(Unsimulated::name)
            .chain(self.memory_max_ignored.map(|_| "memory_max".to_string()))
            .collect()
    }

    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        format!(
            "cannot tell whether job {} fits quota {}: in region {} the quota sets limits nomad-preflight does not simulate, which Nomad Enterprise counts in code that is not public: {}; judge it on the cluster (`nomad job plan`), or remove those limits from the world",
            crate::gotext::go_quote(&job.id),
            crate::gotext::go_quote(&self.quota),
            crate::gotext::go_quote(&self.region),
            self.limits_text(),
        )
    }

    /// `Preflight.QuotaLimits` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "Known": false,
            "Quota": self.quota,
            "Region": self.region,
            "Namespace": self.namespace,
            "Limits": self.limits.iter().map(|l| serde_json::json!({
                "Name": l.name(), "Field": l.field(), "Value": l.value(),
            })).chain(self.memory_max_ignored.map(|l| serde_json::json!({
                "Name": "memory_max", "Field": "RegionLimit.MemoryMaxMB", "Value": format!("{l} MB"),
            }))).collect::<Vec<_>>(),
        })
    }

    pub const HINT: &'static str =
        "nomad-preflight does not simulate these quota limits: judge this job on the cluster";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::{NotSimulated, PoolLimit, RegionLimit};

    fn world(limits: Vec<Unsimulated>) -> World {
        let limit = RegionLimit {
            cpu: Some(100_000),
            unsimulated: limits
                .into_iter()
                .map(|limit| NotSimulated {
                    limit,
                    at: Default::default(),
                })
                .collect(),
            ..RegionLimit::default()
        };
        crate::rules::testing::quota_world("team", "global", limit)
    }

    fn job(ns: &str, pool: &str) -> Job {
        let text = "job \"web\" {\n datacenters = [\"dc1\"]\n group \"g\" {\n task \"t\" {\n driver = \"docker\"\n }\n }\n}\n";
        let mut j = crate::rules::testing::load("web.nomad", text)
            .job
            .expect("the test job loads");
        j.namespace = ns.into();
        j.node_pool = pool.into();
        j
    }

    fn pool(name: &str) -> Unsimulated {
        Unsimulated::NodePool(PoolLimit {
            pool: name.into(),
            cpu: Some(1500),
            ..PoolLimit::default()
        })
    }

    #[test]
    fn a_node_pool_limit_binds_its_pool_and_all_only() {
        let w = world(vec![pool("gpu")]);
        let u = quota_limits_unknown(&w, &job("ml", "gpu")).expect("unknown");
        assert_eq!(u.limits, vec![pool("gpu")]);
        assert!(
            u.line(&job("ml", "gpu")).starts_with(
                "cannot tell whether job \"web\" fits quota \"team\": in region \"global\" the quota sets limits nomad-preflight does not simulate, which Nomad Enterprise counts in code that is not public: node_pool \"gpu\" (RegionLimit.NodePools): cpu 1500; judge it"
            ),
            "{}",
            u.line(&job("ml", "gpu"))
        );
        assert_eq!(u.json()["Limits"][0]["Field"], "RegionLimit.NodePools");
        assert!(quota_limits_unknown(&w, &job("ml", "all")).is_some());
        // No pool stated (before 1.6): it may place anywhere.
        assert!(quota_limits_unknown(&w, &job("ml", "")).is_some());
        // Another pool: only the region limit, which is simulated, counts.
        assert_eq!(quota_limits_unknown(&w, &job("ml", "default")), None);
        // Another namespace, without the quota.
        assert_eq!(quota_limits_unknown(&w, &job("default", "gpu")), None);
    }

    #[test]
    fn secrets_bind_every_job_and_storage_none() {
        let w = world(vec![
            Unsimulated::Variables(10),
            Unsimulated::Secrets(64),
            Unsimulated::HostVolumes(100),
        ]);
        let u = quota_limits_unknown(&w, &job("ml", "default")).expect("unknown");
        assert_eq!(u.limits, vec![Unsimulated::Secrets(64)]);
        let mut stopped = job("ml", "default");
        stopped.stop = true;
        assert_eq!(quota_limits_unknown(&w, &stopped), None);
        let quiet = world(vec![
            Unsimulated::Variables(10),
            Unsimulated::VariablesLimit(5),
            Unsimulated::HostVolumes(100),
        ]);
        assert_eq!(quota_limits_unknown(&quiet, &job("ml", "default")), None);
    }
}
