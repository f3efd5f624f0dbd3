//! A namespace's Vault and Consul cluster configuration (Nomad Enterprise
//! 1.7+), which an import reads but nomad-preflight does not simulate.
//!
//! `Namespace.VaultConfiguration` / `ConsulConfiguration`
//! (api/namespace.go and nomad/structs/namespace.go at v1.7.2, the same
//! to v2.0.5): `Default` is the cluster the namespace's jobs use when they
//! name none, `Allowed` / `Denied` the clusters they may use ("If an empty
//! list is provided only the namespace's default cluster is allowed").
//! The community servers refuse either when set (`Multi-Cluster Vault is
//! unlicensed.`, nomad/structs/structs_ce.go@v1.7.2), so an unset one is
//! `null`; the Enterprise admission hooks that read them are not public
//! (nomad/job_endpoint_hook_vault_ce.go and job_endpoint_hook_consul_ce.go
//! are the community stubs). A job that uses Vault or Consul in a
//! namespace that restricts them may be refused, or given another
//! cluster and so other implied constraints
//! (`${attr.vault.<cluster>.version}`, nomad/job_endpoint_hooks.go
//! `vaultConstraintFn`): its plan cannot be known ([`unknown`]).

use serde_json::Value;

use crate::jobspec::Job;

use super::guess::WorldGuess;
use super::model::World;

/// The service whose clusters a namespace configures.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ClusterService {
    Vault,
    Consul,
}

impl ClusterService {
    /// As Nomad's documentation names it.
    pub fn name(self) -> &'static str {
        match self {
            ClusterService::Vault => "Vault",
            ClusterService::Consul => "Consul",
        }
    }

    /// The namespace's key in the API's JSON.
    pub fn api_key(self) -> &'static str {
        match self {
            ClusterService::Vault => "VaultConfiguration",
            ClusterService::Consul => "ConsulConfiguration",
        }
    }

    /// Whether `job` uses the service in a way its cluster is chosen for
    /// (`GetVaultClusterName` / `GetConsulClusterName`, nomad/structs):
    /// - Vault: a task's `vault` block (the Vault hook's blocks,
    ///   job_endpoint_hook_vault.go@v1.7.2);
    /// - Consul: a group's or task's `consul` block, a service with the
    ///   Consul provider (Connect included: its sidecar is a group
    ///   service's), the blocks job_endpoint_hook_consul_ce.go@v1.7.2
    ///   reads; and a task with templates, whose Consul identity the
    ///   implicit identities hook asks of the task's cluster
    ///   (job_endpoint_hook_implicit_identities.go@v1.7.2 to v1.9.x; from
    ///   1.10 the Enterprise `GetConsulClusterName` that picks the
    ///   template's cluster is not public, so it still counts).
    pub fn used_by(self, job: &Job) -> bool {
        let consul_service =
            |s: &crate::jobspec::Service| s.provider.is_empty() || s.provider == "consul";
        job.groups.iter().any(|g| match self {
            ClusterService::Vault => g.tasks.iter().any(|t| t.vault.is_some()),
            ClusterService::Consul => {
                g.consul.is_some()
                    || g.services.iter().any(consul_service)
                    || g.tasks.iter().any(|t| {
                        t.consul.is_some()
                            || !t.templates.is_empty()
                            || t.services.iter().any(consul_service)
                    })
            }
        })
    }
}

/// One `Namespace*Configuration` as saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClusterConfig {
    pub default: String,
    /// `None`: `null`, every cluster; an empty list allows the default
    /// alone.
    pub allowed: Option<Vec<String>>,
    pub denied: Option<Vec<String>>,
}

impl ClusterConfig {
    /// From the namespace's JSON; `None` when `null` or absent.
    pub fn from_api(ns: &Value, service: ClusterService) -> Option<ClusterConfig> {
        use crate::world::api_json::{obj, strs, Fields as _};
        let c = obj(ns, service.api_key())?;
        // `[]string` (api/namespace.go v2.0.5 NamespaceVaultConfiguration,
        // NamespaceConsulConfiguration): nil is "not set".
        let list = |k: &str| c.typed_array(k).map(|_| strs(c, k));
        Some(ClusterConfig {
            default: crate::world::api_json::s(c, "Default"),
            allowed: list("Allowed"),
            denied: list("Denied"),
        })
    }

    /// Whether it changes anything for the namespace's jobs: a default
    /// other than Nomad's own (`""` or `"default"`), or a list (even an
    /// empty one, which allows the default alone).
    pub fn restricts(&self) -> bool {
        !matches!(self.default.as_str(), "" | "default")
            || self.allowed.is_some()
            || self.denied.is_some()
    }
}

/// A namespace's Vault and Consul cluster configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NamespaceClusters {
    pub vault: Option<ClusterConfig>,
    pub consul: Option<ClusterConfig>,
}

impl NamespaceClusters {
    pub fn from_api(ns: &Value) -> NamespaceClusters {
        NamespaceClusters {
            vault: ClusterConfig::from_api(ns, ClusterService::Vault),
            consul: ClusterConfig::from_api(ns, ClusterService::Consul),
        }
    }

    /// The services whose configuration restricts the namespace's jobs.
    pub fn restricting(&self) -> Vec<ClusterService> {
        let mut out = Vec::new();
        if self.vault.as_ref().is_some_and(ClusterConfig::restricts) {
            out.push(ClusterService::Vault);
        }
        if self.consul.as_ref().is_some_and(ClusterConfig::restricts) {
            out.push(ClusterService::Consul);
        }
        out
    }
}

/// The guess for `job`: its namespace restricts the clusters of a service
/// the job uses.
pub fn unknown(world: &World, job: &Job) -> Option<WorldGuess> {
    let ns = world.namespaces.get(&job.namespace)?;
    let service = ns
        .clusters
        .restricting()
        .into_iter()
        .find(|s| s.used_by(job))?;
    Some(WorldGuess::NamespaceClusters {
        namespace: job.namespace.clone(),
        service,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_a_set_default_or_a_list_restricts() {
        let of = |c: Value| {
            NamespaceClusters::from_api(&json!({"Name": "a", "VaultConfiguration": c}))
                .restricting()
        };
        assert!(of(Value::Null).is_empty());
        assert!(of(json!({"Default": "", "Allowed": null, "Denied": null})).is_empty());
        assert!(of(json!({"Default": "default"})).is_empty());
        let vault = vec![ClusterService::Vault];
        assert_eq!(of(json!({"Default": "other"})), vault);
        assert_eq!(of(json!({"Default": "default", "Allowed": []})), vault);
        assert_eq!(of(json!({"Denied": ["default"]})), vault);
        let both = NamespaceClusters::from_api(&json!({
            "VaultConfiguration": {"Denied": ["x"]},
            "ConsulConfiguration": {"Allowed": ["y"]}
        }));
        assert_eq!(
            both.restricting(),
            vec![ClusterService::Vault, ClusterService::Consul]
        );
    }
}
