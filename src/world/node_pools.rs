//! A node pool's own scheduler configuration (Nomad Enterprise 1.6+,
//! redteam27 R27-2): `nomad node pool apply` of a spec with
//! `scheduler_config { scheduler_algorithm, memory_oversubscription_enabled }`
//! (api/node_pools.go v1.10.5:118-131). The generic scheduler plans a job
//! with the global configuration overridden by its pool's
//! (scheduler/generic_sched.go v1.10.5:768-786 `setJob`,
//! nomad/structs/operator.go:260-276 `WithNodePool`: each setting the pool
//! sets wins).
//!
//! A hand-written world states a pool in cluster.hcl as the spec file
//! writes it: `node_pool "gpu" { scheduler_config { ... } }`, or
//! `node_pool "gpu" {}` for a pool with none (one a client's
//! `node_pool` created). Nomad refuses what the servers refuse: any
//! change to the built-in `default` and `all` (nomad/node_pool_endpoint.go
//! v1.10.5:206), a `scheduler_config` on a community server
//! (nomad/structs/node_pool_ce.go:13-18).
//!
//! Where a job of a world at 1.6+ that is not known to be community
//! (Enterprise, stated or told by what only Enterprise has, or an
//! unstated edition: the project's one rule, a verdict resting on what
//! the world does not say cannot be told) runs in a pool the world
//! does not state, and its verdict may rest on the pool's settings (more
//! than one client to choose from, for the algorithm; a task's
//! `memory_max`, for oversubscription), the plan cannot tell
//! ([`unknown`]); a stated pool whose settings differ from the global
//! ones is not simulated yet, and is said the same way.

use hcl_edit::structure::Block;
use serde::{Deserialize, Serialize};

use super::hclread::{one_label, BodyReader, Schema};
use super::model::{Algorithm, World, WorldOrigin};
use crate::diag::{Diag, Diags};
use crate::jobspec::Job;
use crate::source::Source;
use crate::version::Edition;

/// A pool's `scheduler_config`, each setting `None` where it sets none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodePoolSpec {
    pub algorithm: Option<Algorithm>,
    pub memory_oversubscription: Option<bool>,
}

/// One `node_pool "NAME" { ... }` block of cluster.hcl, read into the
/// world's servers' state; a refused one adds an error.
pub(super) fn read(src: &Source, b: &Block, world: &mut World, diags: &mut Diags) {
    let (name, at) = match one_label(src, b, "node_pool \"NAME\" { ... }") {
        Ok(l) => l,
        Err(d) => return diags.push(d),
    };
    const S: Schema = Schema {
        attrs: &["description", "meta"],
        blocks: &["meta", "scheduler_config"],
    };
    let r = BodyReader::new(src, &b.body, &S, "node_pool", diags);
    let v = world.nomad_version;
    let refuse = |text: String, help: &str| {
        Diag::error("world::node-pool", text)
            .at(src, at, "refused by the servers")
            .help(help.to_string())
    };
    if !v.at_least(1, 6, 0) {
        return diags.push(refuse(
            format!("node pools are a Nomad 1.6.0+ feature; Nomad {v} has none"),
            "remove the block or raise nomad_version",
        ));
    }
    if name == "default" || name == "all" {
        return diags.push(refuse(
            format!("modifying node pool {name:?} is not allowed"),
            "the built-in pools `default` and `all` use the global `scheduler` block",
        ));
    }
    let mut spec = NodePoolSpec::default();
    if let Some(c) = r.single_block("scheduler_config", diags) {
        if world.edition() == Some(Edition::Community) {
            return diags.push(refuse(
                format!("invalid node pool {name:?}: Node Pools Governance is unlicensed."),
                "a community server takes no pool `scheduler_config`: remove it, or state `edition = \"enterprise\"`",
            ));
        }
        const C: Schema = Schema {
            attrs: &["scheduler_algorithm", "memory_oversubscription_enabled"],
            blocks: &[],
        };
        let cr = BodyReader::new(src, &c.body, &C, "scheduler_config", diags);
        spec.algorithm = match cr.string("scheduler_algorithm", diags).as_deref() {
            None | Some("") => None,
            Some("binpack") => Some(Algorithm::Binpack),
            Some("spread") => Some(Algorithm::Spread),
            Some(other) => {
                return diags.push(refuse(
                    format!("invalid node pool {name:?}: invalid scheduler algorithm {other:?}"),
                    "use \"binpack\" or \"spread\"",
                ))
            }
        };
        spec.memory_oversubscription = cr.bool("memory_oversubscription_enabled", diags);
    }
    if world.server.node_pools.insert(name.clone(), spec).is_some() {
        diags.push(refuse(
            format!("node pool {name:?} is defined twice"),
            "state each pool once",
        ));
    }
}

/// Why a job's pool settings are not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolConfigUnknown {
    pub pool: String,
    /// The world states the pool, with a setting that differs from the
    /// global one (not simulated); else it does not state the pool.
    pub stated: bool,
    /// `algorithm` or `memory oversubscription`.
    pub setting: &'static str,
    /// The world does not say which edition its servers run: a community
    /// server's pools have no settings, an Enterprise one's may.
    pub edition_unknown: bool,
}

/// The pool setting `job`'s verdict may rest on that the world does not
/// give (see the module's comment).
pub fn unknown(world: &World, job: &Job) -> Option<PoolConfigUnknown> {
    let v = world.nomad_version;
    // The project's one rule for the edition (as admission's,
    // src/planner/admission_edition.rs): a stated edition decides; an
    // unstated one, where the verdict rests on it, cannot be told. Only a
    // community world is known to have no pool settings
    // (nomad/structs/node_pool_ce.go v1.10.5:13-18 refuses them).
    let edition = world.edition();
    if job.stop || !v.at_least(1, 6, 0) || edition == Some(Edition::Community) {
        return None;
    }
    let pool = if job.node_pool.is_empty() {
        "default"
    } else {
        job.node_pool.as_str()
    };
    if pool == "default" || pool == "all" {
        return None;
    }
    // A live import read the pools from node-pools.json (one with its own
    // settings is `import::node-pool-config`). A world folder states
    // pools only in `node_pool` blocks, which `import --write` never
    // writes: its clients, written back by hand or by the import (their
    // `node` blocks with `id`), leave the pool's settings open alike.
    if matches!(world.origin, WorldOrigin::Import(_)) {
        return None;
    }
    let in_pool: Vec<_> = world
        .clients
        .iter()
        .filter(|p| p.node_pool == pool)
        .collect();
    // No client in the pool: nothing is placed, whatever it sets.
    if in_pool.is_empty() {
        return None;
    }
    // The algorithm scores every candidate: with two or more it decides
    // where each allocation goes, and so what fits after it.
    let clients: u64 = in_pool.iter().map(|p| u64::from(p.count)).sum();
    let algorithm = clients > 1;
    let memory_max = job
        .groups
        .iter()
        .flat_map(|g| &g.tasks)
        .any(|t| t.resources.memory_max_mb > 0);
    let global = &world.scheduler;
    let (stated, algorithm, memory_max) = match world.server.node_pools.get(pool) {
        None => (false, algorithm, memory_max),
        Some(spec) => (
            true,
            algorithm && spec.algorithm.is_some_and(|a| a != global.algorithm),
            memory_max
                && spec
                    .memory_oversubscription
                    .is_some_and(|m| m != global.memory_oversubscription),
        ),
    };
    let setting = if algorithm {
        "algorithm"
    } else if memory_max {
        "memory oversubscription"
    } else {
        return None;
    };
    Some(PoolConfigUnknown {
        pool: pool.to_string(),
        stated,
        setting,
        edition_unknown: edition.is_none(),
    })
}

impl PoolConfigUnknown {
    /// The one line (without a prefix).
    pub fn line(&self, job: &str) -> String {
        let pool = crate::gotext::go_quote(&self.pool);
        if self.stated {
            format!("node pool {pool} sets its own scheduler {} (Nomad Enterprise), which nomad-preflight does not simulate, and job {job:?}'s placement rests on it: where it is placed cannot be known", self.setting)
        } else if self.edition_unknown {
            format!("job {job:?} runs in node pool {pool}, which may set its own scheduler {} if the servers run Nomad Enterprise (`scheduler_config` of `nomad node pool apply`); the world states neither the edition nor the pool: where it is placed cannot be known", self.setting)
        } else {
            format!("job {job:?} runs in node pool {pool}, which may set its own scheduler {} (Nomad Enterprise: `scheduler_config` of `nomad node pool apply`), and the world does not state the pool: where it is placed cannot be known", self.setting)
        }
    }

    pub fn hint(&self) -> &'static str {
        if self.stated {
            "judge the job on the cluster (`nomad job plan`)"
        } else if self.edition_unknown {
            "state the servers' edition in rules/cluster.hcl (`edition = \"community\"`: a community server's pools set nothing), or the pool as `nomad node pool inspect` shows it: `node_pool \"NAME\" { scheduler_config { scheduler_algorithm = \"binpack\" } }`, or `node_pool \"NAME\" {}` when it sets none"
        } else {
            "state the pool in rules/cluster.hcl as `nomad node pool inspect` shows it: `node_pool \"NAME\" { scheduler_config { scheduler_algorithm = \"binpack\" } }`, or `node_pool \"NAME\" {}` when it sets none"
        }
    }

    /// Under `Preflight.WorldGuess` in JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "Kind": "NodePoolConfig",
            "NodePool": self.pool,
            "Stated": self.stated,
            "Setting": self.setting,
            "EditionKnown": !self.edition_unknown,
        })
    }
}
