//! Admission validators of the community edition that refuse what only
//! Nomad Enterprise schedules (`//go:build !ent` files of nomad/): the
//! Consul hook's non-default clusters (job_endpoint_hook_consul_ce.go,
//! 1.7.0+, the fourth validator, after the Vault hook), then the last two
//! entries of `admissionValidators`' list (nomad/job_endpoint.go: after
//! `jobValidate` and the memory oversubscription validator), NUMA
//! (job_endpoint_hook_numa_ce.go, 1.7.0+) and task schedules
//! (job_endpoint_hook_sched_ce.go, 1.8.0+). Each returns its error at the
//! first use. Enterprise's own hooks are not public; its releases accept
//! these features (a Consul cluster its servers do not configure is not
//! modelled).
//!
//! A world that does not say which edition its servers run cannot tell
//! whether such a job is admitted: [`unknown`], one line in every command.
//!
//! The community edition's Consul hook also refuses, from 1.7.3, a task
//! whose `consul { partition }` differs from its group's when both are set
//! ([`PartitionMismatch`], in its walk between the cluster checks). The
//! helper sits in job_endpoint_hook_consul.go, which both editions build,
//! but only the community edition's Validate (job_endpoint_hook_consul_ce.go)
//! is public: whether Enterprise's calls it is not known, so under Nomad
//! Enterprise (or an unstated edition) such a job is "cannot tell".

use super::admission::Refusal;
use crate::gotext::go_quote;
use crate::jobspec::Job;
use crate::version::{Edition, NomadVersion};
use crate::world::{World, WorldOrigin};

/// A feature only Nomad Enterprise schedules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnterpriseFeature {
    /// A task's `resources { numa { affinity = "prefer" | "require" } }`.
    Numa,
    /// A task's `schedule` block.
    Schedule,
    /// A `consul` block's or a Consul service's `cluster` other than
    /// `default`.
    ConsulCluster,
    /// A task's `vault` block's `cluster` other than `default`.
    VaultCluster,
    /// A task's `vault` block's `namespace` (1.10+).
    VaultNamespace,
}

impl EnterpriseFeature {
    /// The community edition's error (its hook's `errors.New`).
    pub fn message(self) -> &'static str {
        match self {
            EnterpriseFeature::Numa => "numa scheduling requires Nomad Enterprise",
            EnterpriseFeature::Schedule => "task schedules requires Nomad Enterprise",
            EnterpriseFeature::ConsulCluster => {
                "non-default Consul cluster requires Nomad Enterprise"
            }
            EnterpriseFeature::VaultCluster => {
                "non-default Vault cluster requires Nomad Enterprise"
            }
            EnterpriseFeature::VaultNamespace => crate::mutators::vault::NAMESPACES_REFUSED,
        }
    }

    /// The first release whose community build has the hook.
    fn since(self) -> NomadVersion {
        match self {
            EnterpriseFeature::Numa => NomadVersion::new(1, 7, 0),
            EnterpriseFeature::Schedule => NomadVersion::new(1, 8, 0),
            EnterpriseFeature::ConsulCluster => NomadVersion::new(1, 7, 0),
            EnterpriseFeature::VaultCluster => NomadVersion::new(1, 7, 0),
            EnterpriseFeature::VaultNamespace => NomadVersion::new(1, 10, 0),
        }
    }

    /// How the job file writes it, for our own lines.
    fn written(self) -> &'static str {
        match self {
            EnterpriseFeature::Numa => "`numa` block",
            EnterpriseFeature::Schedule => "`schedule` block",
            EnterpriseFeature::ConsulCluster => "non-default Consul `cluster`",
            EnterpriseFeature::VaultCluster => "non-default Vault `cluster`",
            EnterpriseFeature::VaultNamespace => "Vault `namespace`",
        }
    }
}

/// One hook's finding: the feature and the first task (group index, task
/// name; empty for the group's own block or service) that uses it, in the
/// hooks' order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseUse {
    pub feature: EnterpriseFeature,
    pub group: usize,
    pub task: String,
}

/// A task's Consul partition unlike its group's, both set: the community
/// edition's Consul hook refuses it from 1.7.3
/// (`validateTaskPartitionMatchesGroup`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionMismatch {
    pub group: usize,
    pub task: String,
    pub task_partition: String,
    pub group_partition: String,
}

impl PartitionMismatch {
    /// The hook's error.
    pub fn message(&self) -> String {
        format!(
            "task.consul.partition {} must match group.consul.partition {} if both are set",
            go_quote(&self.task_partition),
            go_quote(&self.group_partition)
        )
    }
}

/// The Consul hook's first error.
enum ConsulHookError {
    Cluster(EnterpriseUse),
    Partition(PartitionMismatch),
}

/// The Consul hook's walk (jobConsulHook.Validate, returning at its first
/// error): per group its `consul` block's cluster, its Consul services;
/// then per task its Consul services, then its `consul` block: the
/// partition against the group's (1.7.3+), then the cluster. A cluster
/// other than `default` is refused (the hook's mutator makes an empty one
/// `default`). `clusters = false` skips the cluster checks (to find a
/// partition mismatch wherever it is).
fn consul_walk(job: &Job, v: NomadVersion, clusters: bool) -> Option<ConsulHookError> {
    let feature = EnterpriseFeature::ConsulCluster;
    if v < feature.since() {
        return None;
    }
    let partitions = v.at_least(1, 7, 3);
    let other = |c: &str| clusters && !c.is_empty() && c != "default";
    let service = |s: &crate::jobspec::Service| {
        (s.provider.is_empty() || s.provider == "consul") && other(&s.cluster)
    };
    let at = |group: usize, task: &str| {
        ConsulHookError::Cluster(EnterpriseUse {
            feature,
            group,
            task: task.to_string(),
        })
    };
    for (gi, g) in job.groups.iter().enumerate() {
        if g.consul.as_ref().is_some_and(|c| other(&c.cluster)) || g.services.iter().any(service) {
            return Some(at(gi, ""));
        }
        let group_partition = g.consul.as_ref().map_or("", |c| c.partition.as_str());
        for t in &g.tasks {
            if t.services.iter().any(service) {
                return Some(at(gi, &t.name));
            }
            let Some(c) = &t.consul else { continue };
            let both = !c.partition.is_empty() && !group_partition.is_empty();
            if partitions && both && c.partition != group_partition {
                return Some(ConsulHookError::Partition(PartitionMismatch {
                    group: gi,
                    task: t.name.clone(),
                    task_partition: c.partition.clone(),
                    group_partition: group_partition.to_string(),
                }));
            }
            if other(&c.cluster) {
                return Some(at(gi, &t.name));
            }
        }
    }
    None
}

/// The first use of a non-default Consul cluster, wherever the hook
/// would meet it.
fn consul_use(job: &Job, v: NomadVersion) -> Option<EnterpriseUse> {
    let mut j = job.clone();
    // Partitions aside: a mismatch would end the walk first.
    for g in &mut j.groups {
        for t in &mut g.tasks {
            if let Some(c) = &mut t.consul {
                c.partition.clear();
            }
        }
    }
    match consul_walk(&j, v, true)? {
        ConsulHookError::Cluster(u) => Some(u),
        ConsulHookError::Partition(_) => None,
    }
}

/// The first task whose Consul partition differs from its group's.
fn partition_mismatch(job: &Job, v: NomadVersion) -> Option<PartitionMismatch> {
    match consul_walk(job, v, false)? {
        ConsulHookError::Partition(p) => Some(p),
        ConsulHookError::Cluster(_) => None,
    }
}

/// The Consul hook's refusal under the community edition (its place in
/// the list is the fourth validator's).
pub fn consul_refusal(world: &World, job: &Job) -> Option<Refusal> {
    if world.edition() != Some(Edition::Community) {
        return None;
    }
    Some(match consul_walk(job, world.nomad_version, true)? {
        ConsulHookError::Cluster(u) => Refusal::EnterpriseOnly {
            group: u.group,
            task: u.task,
            feature: u.feature,
        },
        ConsulHookError::Partition(p) => Refusal::ConsulPartition {
            group: p.group,
            task: p.task.clone(),
            message: p.message(),
        },
    })
}

/// The Vault hook's cluster check under the community edition (the
/// hook is the third validator, before the Consul hook; see
/// [`crate::mutators::vault::non_default_cluster`]).
pub fn vault_refusal(world: &World, job: &Job) -> Option<Refusal> {
    if world.edition() != Some(Edition::Community) {
        return None;
    }
    if let Some(names) = crate::mutators::vault::namespaces(world, job) {
        return Some(Refusal::VaultNamespaces {
            message: crate::mutators::vault::namespaces_message(&names),
        });
    }
    vault_use(world, job).map(|u| Refusal::EnterpriseOnly {
        group: u.group,
        task: u.task,
        feature: u.feature,
    })
}

/// The first Vault task of a cluster other than `default`, where the Vault
/// hook gets to its community edition's cluster check.
fn vault_use(world: &World, job: &Job) -> Option<EnterpriseUse> {
    if crate::mutators::vault::namespaces(world, job).is_some() {
        let (group, task) = job.groups.iter().enumerate().find_map(|(gi, g)| {
            g.tasks
                .iter()
                .find(|t| t.vault.as_ref().is_some_and(|v| !v.namespace.is_empty()))
                .map(|t| (gi, t.name.clone()))
        })?;
        return Some(EnterpriseUse {
            feature: EnterpriseFeature::VaultNamespace,
            group,
            task,
        });
    }
    let u = crate::mutators::vault::non_default_cluster(world, job)?;
    let group = job.groups.iter().position(|g| g.name == u.group)?;
    Some(EnterpriseUse {
        feature: EnterpriseFeature::VaultCluster,
        group,
        task: u.task,
    })
}

/// Is `r` one of the validators' last entries (NUMA, schedules), which
/// follow jobValidate's?
pub(super) fn is_last(r: &Refusal) -> bool {
    matches!(r, Refusal::EnterpriseOnly { feature, .. }
        if !matches!(feature, EnterpriseFeature::ConsulCluster | EnterpriseFeature::VaultCluster | EnterpriseFeature::VaultNamespace))
}

/// Does `task` use `feature` as the hook reads it? NUMA.Requested: an
/// affinity other than `none` (api canonicalisation makes an empty one
/// `none`).
fn uses(task: &crate::jobspec::Task, feature: EnterpriseFeature) -> bool {
    match feature {
        EnterpriseFeature::Numa => task
            .resources
            .numa
            .as_ref()
            .is_some_and(|n| !n.affinity.is_empty() && n.affinity != "none"),
        EnterpriseFeature::Schedule => task.schedule.is_some(),
        EnterpriseFeature::ConsulCluster
        | EnterpriseFeature::VaultCluster
        | EnterpriseFeature::VaultNamespace => false,
    }
}

/// The community edition's hooks of release `v` that find their feature
/// in `job` (the job as the mutators leave it), in the validators' order.
pub fn uses_of(job: &Job, v: NomadVersion) -> Vec<EnterpriseUse> {
    [EnterpriseFeature::Numa, EnterpriseFeature::Schedule]
        .into_iter()
        .filter(|f| v >= f.since())
        .filter_map(|feature| {
            job.groups.iter().enumerate().find_map(|(group, g)| {
                g.tasks
                    .iter()
                    .find(|t| uses(t, feature))
                    .map(|t| EnterpriseUse {
                        feature,
                        group,
                        task: t.name.clone(),
                    })
            })
        })
        .collect()
}

/// What the community edition's servers refuse of `job`: nothing under
/// Enterprise or an unknown edition (see [`unknown`]).
pub fn refusals(world: &World, job: &Job) -> Vec<Refusal> {
    if world.edition() != Some(Edition::Community) {
        return Vec::new();
    }
    uses_of(job, world.nomad_version)
        .into_iter()
        .map(|u| Refusal::EnterpriseOnly {
            group: u.group,
            task: u.task,
            feature: u.feature,
        })
        .collect()
}

/// The last hooks' errors among `all`, in order.
pub(super) fn messages(all: &[Refusal]) -> Vec<String> {
    all.iter()
        .filter(|r| is_last(r))
        .map(|r| match r {
            Refusal::EnterpriseOnly { feature, .. } => feature.message().to_string(),
            _ => String::new(),
        })
        .collect()
}

/// A job whose admission the servers' edition decides, in a world that
/// does not say which edition they run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionUnknown {
    pub version: NomadVersion,
    pub uses: Vec<EnterpriseUse>,
    /// A task's Consul partition unlike its group's, which the community
    /// edition refuses and Enterprise may or may not.
    pub partition: Option<PartitionMismatch>,
    /// The world states Nomad Enterprise (only the partition is unknown).
    pub enterprise: bool,
    /// An imported world (its fix is agent-self.json, not cluster.hcl).
    pub imported: bool,
}

/// [`EditionUnknown`] for `job` under `world`, if the edition decides.
pub fn unknown(world: &World, job: &Job) -> Option<EditionUnknown> {
    let v = world.nomad_version;
    let partition = partition_mismatch(job, v);
    let enterprise = match world.edition() {
        Some(Edition::Community) => return None,
        Some(Edition::Enterprise) if partition.is_none() => return None,
        edition => edition.is_some(),
    };
    let mut uses: Vec<EnterpriseUse> = Vec::new();
    if !enterprise {
        uses.extend(vault_use(world, job));
        uses.extend(consul_use(job, v));
        uses.extend(uses_of(job, v));
    }
    (!uses.is_empty() || partition.is_some()).then_some(EditionUnknown {
        version: v,
        uses,
        partition,
        enterprise,
        imported: matches!(world.origin, WorldOrigin::Import(_)),
    })
}

impl EditionUnknown {
    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        let v = self.version;
        let what: Vec<String> = self
            .uses
            .iter()
            .map(|u| {
                let owner = match job.groups.get(u.group) {
                    Some(g) if u.task.is_empty() => format!("group {}", go_quote(&g.name)),
                    _ => format!("task {}", go_quote(&u.task)),
                };
                format!(
                    "the {} of {owner} (the community edition refuses it: `{}`)",
                    u.feature.written(),
                    u.feature.message()
                )
            })
            .collect();
        let fix = if self.imported {
            "save agent-self.json from a server into the import (its build tag tells the edition)"
        } else {
            "state it in rules/cluster.hcl: `edition = \"community\"` or `edition = \"enterprise\"` (or nomad_version = \"X.Y.Z+ent\")"
        };
        let id = go_quote(&job.id);
        let Some(p) = &self.partition else {
            return format!(
                "cannot tell whether Nomad {v}'s servers accept job {id}: it uses {}, which Nomad Enterprise schedules, and the world does not say which edition the servers run; {fix}",
                what.join(" and ")
            );
        };
        let partition = format!(
            "task {} with Consul partition {} in a group whose partition is {} (the community edition refuses it: `{}`; Nomad Enterprise's check is not public)",
            go_quote(&p.task),
            go_quote(&p.task_partition),
            go_quote(&p.group_partition),
            p.message()
        );
        if self.enterprise {
            return format!(
                "cannot tell whether Nomad {v} Enterprise's servers accept job {id}: it has {partition}; give the task and its group one partition"
            );
        }
        let mut all = what;
        all.push(partition);
        format!(
            "cannot tell whether Nomad {v}'s servers accept job {id}: it has {}, and the world does not say which edition the servers run; {fix}",
            all.join(" and ")
        )
    }

    /// `Preflight.Edition` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        let uses: Vec<serde_json::Value> = self
            .uses
            .iter()
            .map(|u| serde_json::json!({"Task": u.task, "Refusal": u.feature.message()}))
            .collect();
        let partition = self
            .partition
            .as_ref()
            .map(|p| serde_json::json!({"Task": p.task, "Refusal": p.message()}));
        serde_json::json!({"Known": false, "EditionStated": self.enterprise, "EnterpriseOnly": uses, "ConsulPartition": partition})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(task: &str) -> Job {
        let text = format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"a\" {{\n      driver = \"docker\"\n    }}\n    task \"b\" {{\n      driver = \"docker\"\n{task}    }}\n  }}\n}}\n");
        crate::jobspec::load_text(&text, NomadVersion::new(2, 0, 5))
            .job
            .expect("job")
    }

    const NUMA: &str =
        "      resources {\n        numa {\n          affinity = \"@\"\n        }\n      }\n";
    const SCHEDULE: &str = "      schedule {\n        cron {\n          start    = \"0 9 * * 1-5\"\n          end      = \"0 17\"\n          timezone = \"UTC\"\n        }\n      }\n";

    #[test]
    fn numa_counts_only_when_requested() {
        let v = NomadVersion::new(1, 7, 0);
        assert!(uses_of(&job(&NUMA.replace('@', "none")), v).is_empty());
        let u = uses_of(&job(&NUMA.replace('@', "prefer")), v);
        assert_eq!(u.len(), 1);
        assert_eq!(
            (u[0].feature, u[0].task.as_str()),
            (EnterpriseFeature::Numa, "b")
        );
        assert!(uses_of(
            &job(&NUMA.replace('@', "require")),
            NomadVersion::new(1, 6, 9)
        )
        .is_empty());
    }

    #[test]
    fn schedules_are_refused_from_1_8() {
        let j = job(SCHEDULE);
        assert!(uses_of(&j, NomadVersion::new(1, 7, 7)).is_empty());
        let u = uses_of(&j, NomadVersion::new(1, 8, 0));
        assert_eq!(u.len(), 1);
        assert_eq!(
            u[0].feature.message(),
            "task schedules requires Nomad Enterprise"
        );
    }
}
