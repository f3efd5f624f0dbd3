//! Whether the servers accept a job that uses Vault: the Plan RPC's Vault
//! hook (nomad/job_endpoint_hook_vault.go, an admission validator from 1.3)
//! and, before 1.3, `Job.Register`'s own check (nomad/job_endpoint.go), which
//! `nomad job plan` never ran. It lives beside the other admission hooks
//! because `Simulation::run` (a `nomad job run`) checks it too.
//!
//! The hook refuses a job whose Vault cluster the servers do not enable
//! (`enabled = true` in the agent's `vault` block; unset is off). Where the
//! world does not state the servers (no `server` block, no agent-self.json),
//! or where the servers look the submitter's Vault token up in Vault
//! (`allow_unauthenticated = false`), nomad-preflight cannot know the
//! answer: [`unknown`] says so, and no plan prints Nomad's text in its place.

use crate::gotext::go_quote;
use crate::jobspec::Job;
use crate::version::NomadVersion;
use crate::world::World;

/// One task's use of Vault: its cluster (`default` when unset, as
/// `api.Vault.Canonicalize` sets it from 1.7), group and task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultUse {
    pub cluster: String,
    pub group: String,
    pub task: String,
    pub has_policies: bool,
}

/// Every task of `job` with a `vault` block, in job order.
pub fn uses(job: &Job) -> Vec<VaultUse> {
    job.groups
        .iter()
        .flat_map(|g| g.tasks.iter().map(move |t| (g, t)))
        .filter_map(|(g, t)| {
            let v = t.vault.as_ref()?;
            Some(VaultUse {
                cluster: if v.cluster.is_empty() {
                    "default".to_string()
                } else {
                    v.cluster.clone()
                },
                group: g.name.clone(),
                task: t.name.clone(),
                has_policies: !v.policies.is_empty(),
            })
        })
        .collect()
}

/// Whether `version`'s Plan RPC runs the Vault hook (1.3+). Before, only
/// `nomad job run` checked Vault.
pub fn plan_checks(version: NomadVersion) -> bool {
    version.at_least(1, 3, 0)
}

/// The hook's error when a cluster `job` uses is not enabled on the
/// servers the world states (1.3+). Nomad walks the job's Vault blocks from
/// Go maps (random order); with one cluster, which the jobs of every
/// release before 1.7 have, the text is fixed.
pub fn plan_refusal(world: &World, job: &Job) -> Option<String> {
    let version = world.nomad_version;
    if !plan_checks(version) {
        return None;
    }
    let off = uses(job)
        .into_iter()
        .find(|u| world.server.vault(&u.cluster).is_some_and(|c| !c.enabled))?;
    Some(if version.at_least(1, 7, 0) {
        format!(
            "Vault {} not enabled but used in the job",
            go_quote(&off.cluster)
        )
    } else {
        "Vault not enabled but used in the job".to_string()
    })
}

/// The first task whose Vault cluster is not `default`, where the Vault
/// hook gets to the community edition's cluster check (1.7+,
/// nomad/job_endpoint_hook_vault_ce.go `validateClustersForNamespace`):
/// the servers the world states enable every cluster the job uses (else
/// the hook returned `Vault %q not enabled ...` first). From 1.7 to 1.9 the
/// check comes before the token look-up, so what the token would say does
/// not matter. From 1.10 the community edition's namespace check
/// ([`namespaces`]) comes first: `None` then. Whether the servers run the community
/// edition is the caller's call (`planner::admission_edition`).
pub fn non_default_cluster(world: &World, job: &Job) -> Option<VaultUse> {
    if !world.nomad_version.at_least(1, 7, 0) || !world.server.declared {
        return None;
    }
    if plan_refusal(world, job).is_some() {
        return None;
    }
    if namespaces(world, job).is_some() {
        return None;
    }
    uses(job).into_iter().find(|u| u.cluster != "default")
}

/// From 1.10 the community edition's Vault hook refuses any Vault
/// `namespace` once every cluster the job uses is enabled, before its
/// cluster check (job_endpoint_hook_vault_ce.go `validateNamespaces`, no
/// longer behind the token look-up): the namespaces the job names, once
/// each, in job order. Nomad lists them from a go-set
/// (`structs.VaultNamespaceSet`), whose order is a Go map's: fixed only
/// for one. Whether the servers run the community edition is the
/// caller's call.
pub fn namespaces(world: &World, job: &Job) -> Option<Vec<String>> {
    if !world.nomad_version.at_least(1, 10, 0) || !world.server.declared {
        return None;
    }
    if plan_refusal(world, job).is_some() {
        return None;
    }
    let mut names: Vec<String> = Vec::new();
    for t in job.groups.iter().flat_map(|g| g.tasks.iter()) {
        if let Some(v) = t.vault.as_ref().filter(|v| !v.namespace.is_empty()) {
            if !names.contains(&v.namespace) {
                names.push(v.namespace.clone());
            }
        }
    }
    (!names.is_empty()).then_some(names)
}

/// The community edition's namespace refusal (1.10+), with `names` in the
/// order given.
pub fn namespaces_message(names: &[String]) -> String {
    format!("{NAMESPACES_REFUSED}, Namespaces: {}", names.join(", "))
}

/// `ErrMultipleNamespaces` (nomad/job_endpoint.go).
pub const NAMESPACES_REFUSED: &str = "multiple Vault namespaces requires Nomad Enterprise";

/// Before 1.3: `Job.Register`'s error when the job asks for Vault policies
/// and the servers do not enable Vault (the plan itself stays silent).
pub fn run_refusal(world: &World, job: &Job) -> Option<String> {
    if plan_checks(world.nomad_version) {
        return None;
    }
    let asks = uses(job).iter().any(|u| u.has_policies);
    let off = world.server.vault("default").is_some_and(|c| !c.enabled);
    (asks && off).then(|| "Vault not enabled and Vault policies requested".to_string())
}

/// `jobValidate`'s Vault identity errors (nomad/job_endpoint_hooks.go
/// `validateVaultIdentity`, 1.7+), one per task in job order, judged on the
/// job as the implicit identities hook leaves it (which gives every Vault
/// task the servers' `vault.default_identity`): a task of a cluster other
/// than `default` needs an identity named `vault_<cluster>`; and, 1.7 to
/// 1.9, a task of the default cluster without one takes the legacy token
/// flow, which needs `policies`. (The check that all servers run 1.7
/// holds for the uniform clusters a world describes.) Each entry: the
/// group's index, the task's name and the error.
pub fn identity_refusals(version: NomadVersion, job: &Job) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    if !version.at_least(1, 7, 0) {
        return out;
    }
    let tasks = job.groups.iter().enumerate();
    for (gi, t) in tasks.flat_map(|(gi, g)| g.tasks.iter().map(move |t| (gi, t))) {
        let Some(v) = &t.vault else { continue };
        let cluster = if v.cluster.is_empty() {
            "default"
        } else {
            &v.cluster
        };
        let name = format!("vault_{cluster}");
        if t.identities.iter().any(|wi| wi.name == name) {
            continue;
        }
        if cluster != "default" {
            out.push((
                gi,
                t.name.clone(),
                format!("Task {} uses Vault cluster {cluster} but does not have an identity named {name} and no default identity is provided in agent configuration", t.name),
            ));
        } else if !version.at_least(1, 10, 0) && v.policies.is_empty() {
            out.push((
                gi,
                t.name.clone(),
                format!(
                    "Task {} has a Vault block with an empty list of policies",
                    t.name
                ),
            ));
        }
    }
    out
}

/// Why the answer about Vault cannot be known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaultUnknownWhy {
    /// The world does not state the servers' configuration.
    Undeclared,
    /// The servers require a Vault token and check it against Vault
    /// (`allow_unauthenticated = false`; from 1.8 only without a
    /// `default_identity`; 1.10 dropped the token check).
    TokenChecked { cluster: String },
    /// The community edition refuses the job's Vault namespaces (1.10+),
    /// listing two or more in a Go map's order.
    NamespaceOrder { names: Vec<String> },
}

/// A job whose admission depends on the servers' Vault settings the world
/// does not give us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultUnknown {
    pub why: VaultUnknownWhy,
    pub uses: Vec<VaultUse>,
    pub version: NomadVersion,
    /// An imported world (its fix is agent-self.json, not cluster.hcl).
    pub imported: bool,
}

/// What cannot be known of `job`'s admission about Vault, for a release
/// whose plan checks it (1.3+). Before 1.3 see [`run_unknown`].
pub fn unknown(world: &World, job: &Job) -> Option<VaultUnknown> {
    if !plan_checks(world.nomad_version) {
        return None;
    }
    unknown_any(world, job)
}

/// Before 1.3: the plan is Nomad's own, but whether `nomad job run` then
/// accepts the job depends on Vault settings the world does not state.
pub fn run_unknown(world: &World, job: &Job) -> Option<VaultUnknown> {
    if plan_checks(world.nomad_version) || !uses(job).iter().any(|u| u.has_policies) {
        return None;
    }
    unknown_any(world, job)
}

fn unknown_any(world: &World, job: &Job) -> Option<VaultUnknown> {
    let version = world.nomad_version;
    let uses = uses(job);
    if uses.is_empty() {
        return None;
    }
    let imported = matches!(world.origin, crate::world::WorldOrigin::Import(_));
    if !world.server.declared {
        return Some(VaultUnknown {
            why: VaultUnknownWhy::Undeclared,
            uses,
            version,
            imported,
        });
    }
    // The community edition's namespace refusal (1.10+) lists two or more
    // namespaces in a Go map's order.
    let community = world.edition() == Some(crate::version::Edition::Community);
    if let Some(names) = namespaces(world, job).filter(|n| community && n.len() > 1) {
        return Some(VaultUnknown {
            why: VaultUnknownWhy::NamespaceOrder { names },
            uses,
            version,
            imported,
        });
    }
    // A disabled cluster is refused, known (plan_refusal); an enabled one
    // that checks tokens is not known.
    if version.at_least(1, 10, 0) || plan_refusal(world, job).is_some() {
        return None;
    }
    // The community edition's cluster check precedes the token look-up.
    if community && non_default_cluster(world, job).is_some() {
        return None;
    }
    let token_checked = uses.iter().find_map(|u| {
        let c = world.server.vault(&u.cluster)?;
        let identity = version.at_least(1, 8, 0) && world.server.vault_default_identity.is_some();
        (c.enabled && !c.allow_unauthenticated && !identity).then(|| u.cluster.clone())
    })?;
    Some(VaultUnknown {
        why: VaultUnknownWhy::TokenChecked {
            cluster: token_checked,
        },
        uses,
        version,
        imported,
    })
}

impl VaultUnknown {
    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        let tasks: Vec<String> = self
            .uses
            .iter()
            .map(|u| format!("task {} of group {}", go_quote(&u.task), go_quote(&u.group)))
            .collect();
        let when = if plan_checks(self.version) {
            "Nomad's plan"
        } else {
            "`nomad job run` (not the plan, before 1.3)"
        };
        match &self.why {
            VaultUnknownWhy::Undeclared => {
                let fix = if self.imported {
                    "save agent-self.json from a server into the import"
                } else {
                    "state it in rules/cluster.hcl: `server { vault { enabled = true } }` (or false)"
                };
                format!(
                    "cannot tell whether Nomad {}'s servers accept job {}: it uses Vault ({}), which {when} refuses unless the servers enable Vault, and the world does not say whether they do; {fix}",
                    self.version,
                    go_quote(&job.id),
                    tasks.join(", "),
                )
            }
            VaultUnknownWhy::NamespaceOrder { names } => {
                let quoted: Vec<String> = names.iter().map(|n| go_quote(n)).collect();
                format!(
                    "cannot tell Nomad {}'s error for job {}: its community edition's servers refuse it for its Vault namespaces ({}) with `{}, Namespaces: ...`, which lists them in Go's random map order (a go-set filled from job.Vault()'s maps; the odds of each of the {} orders are not measured); use one Vault namespace, or none, on a community cluster",
                    self.version,
                    go_quote(&job.id),
                    quoted.join(", "),
                    NAMESPACES_REFUSED,
                    (1..=names.len()).product::<usize>(),
                )
            }
            VaultUnknownWhy::TokenChecked { cluster } => format!(
                "cannot tell whether Nomad {}'s servers accept job {}: it uses Vault ({}) and Vault cluster {} does not allow unauthenticated use, so {when} looks the submitter's Vault token up in Vault; judge it on the cluster (`nomad job plan` with the token)",
                self.version,
                go_quote(&job.id),
                tasks.join(", "),
                go_quote(cluster),
            ),
        }
    }

    /// `Preflight.Vault` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        let why = match &self.why {
            VaultUnknownWhy::Undeclared => serde_json::json!({"ServersStated": false}),
            VaultUnknownWhy::TokenChecked { cluster } => {
                serde_json::json!({"ServersStated": true, "TokenCheckedBy": cluster})
            }
            VaultUnknownWhy::NamespaceOrder { names } => {
                serde_json::json!({"ServersStated": true, "NamespacesInMapOrder": names})
            }
        };
        serde_json::json!({
            "Known": false,
            "Why": why,
            "Uses": self.uses.iter().map(|u| serde_json::json!({
                "TaskGroup": u.group, "Task": u.task, "Cluster": u.cluster,
            })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{Task, TaskGroup, Vault};
    use crate::world::{VaultCluster, WorldOrigin};

    fn job(cluster: &str, policies: &[&str]) -> Job {
        Job {
            id: "web".into(),
            groups: vec![TaskGroup {
                name: "g".into(),
                tasks: vec![Task {
                    name: "t".into(),
                    vault: Some(Vault {
                        cluster: cluster.into(),
                        policies: policies.iter().map(|p| p.to_string()).collect(),
                        ..Vault::default()
                    }),
                    ..Task::default()
                }],
                ..TaskGroup::default()
            }],
            ..Job::default()
        }
    }

    fn world(version: NomadVersion, vaults: Option<Vec<VaultCluster>>) -> World {
        let mut w = World::empty(WorldOrigin::Embedded, std::path::PathBuf::from("/p"));
        w.nomad_version = version;
        if let Some(v) = vaults {
            w.server.declared = true;
            w.server.vaults = v;
        }
        w
    }

    fn cluster(name: &str, enabled: bool, unauth: bool) -> VaultCluster {
        VaultCluster {
            name: name.into(),
            enabled,
            allow_unauthenticated: unauth,
        }
    }

    #[test]
    fn the_hooks_text_per_release() {
        let off = Some(vec![]);
        let v16 = world(NomadVersion::new(1, 6, 0), off.clone());
        assert_eq!(
            plan_refusal(&v16, &job("", &["p"])).as_deref(),
            Some("Vault not enabled but used in the job")
        );
        let v17 = world(NomadVersion::new(1, 7, 0), off.clone());
        assert_eq!(
            plan_refusal(&v17, &job("", &[])).as_deref(),
            Some("Vault \"default\" not enabled but used in the job")
        );
        // Before 1.3 the plan does not check; the run does, with policies.
        let v12 = world(NomadVersion::new(1, 2, 0), off);
        assert_eq!(plan_refusal(&v12, &job("", &["p"])), None);
        assert_eq!(
            run_refusal(&v12, &job("", &["p"])).as_deref(),
            Some("Vault not enabled and Vault policies requested")
        );
    }

    #[test]
    fn an_enabled_cluster_passes_and_another_name_is_off() {
        let w = world(
            NomadVersion::new(2, 0, 5),
            Some(vec![cluster("default", true, true)]),
        );
        assert_eq!(plan_refusal(&w, &job("", &["p"])), None);
        assert_eq!(unknown(&w, &job("", &["p"])), None);
        assert_eq!(
            plan_refusal(&w, &job("other", &[])).as_deref(),
            Some("Vault \"other\" not enabled but used in the job")
        );
    }

    #[test]
    fn what_the_world_does_not_say_is_unknown() {
        let w = world(NomadVersion::new(1, 6, 0), None);
        let u = unknown(&w, &job("", &["p"])).expect("unknown");
        assert_eq!(u.why, VaultUnknownWhy::Undeclared);
        assert_eq!(plan_refusal(&w, &job("", &["p"])), None);
        // No Vault: nothing to know.
        let mut none = job("", &[]);
        none.groups[0].tasks[0].vault = None;
        assert_eq!(unknown(&w, &none), None);
        // Before 1.3 the plan is Nomad's; the run is what cannot be known.
        let old = world(NomadVersion::new(0, 9, 3), None);
        assert_eq!(unknown(&old, &job("", &["p"])), None);
        assert!(run_unknown(&old, &job("", &["p"])).is_some());
    }

    #[test]
    fn a_token_checked_by_vault_is_unknown_until_1_10() {
        let vaults = Some(vec![cluster("default", true, false)]);
        let w = world(NomadVersion::new(1, 6, 0), vaults.clone());
        assert!(matches!(
            unknown(&w, &job("", &["p"])).map(|u| u.why),
            Some(VaultUnknownWhy::TokenChecked { .. })
        ));
        let w = world(NomadVersion::new(1, 10, 0), vaults);
        assert_eq!(unknown(&w, &job("", &["p"])), None);
    }
}
