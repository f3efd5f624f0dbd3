//! The servers' agent configuration as a world states it: what Nomad's
//! admission and Plan RPC read of it (workload identities, Vault clusters,
//! job priority and count bounds).

/// What of the servers' agent configuration Nomad's admission reads: the
/// default workload identities of the default Consul and Vault clusters
/// (agent `consul { service_identity, task_identity }` and `vault {
/// default_identity }`, 1.7+), which `jobImplicitIdentitiesHook` injects
/// into jobs (nomad/job_endpoint_hook_implicit_identities.go).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServerConfig {
    /// Whether the world states it (a `server` block in cluster.hcl, or an
    /// import's agent-self.json saved from a server). When it does not, the
    /// identities are assumed absent, and a plan whose result that
    /// assumption decides says so.
    pub declared: bool,
    /// The agent's `consul` blocks (one before 1.7, one per `name` from
    /// 1.7), in file order, as far as admission reads them: their
    /// `allow_unauthenticated`. With the world declaring the servers, a
    /// cluster without a block needs no token (the Consul hook reads a nil
    /// config as "no", nomad/job_endpoint_hook_consul_ce.go v1.7.0).
    #[serde(default)]
    pub consuls: Vec<ConsulCluster>,
    /// `consul.service_identity`.
    pub consul_service_identity: Option<crate::jobspec::WorkloadIdentity>,
    /// `consul.task_identity`.
    pub consul_task_identity: Option<crate::jobspec::WorkloadIdentity>,
    /// `vault.default_identity`.
    pub vault_default_identity: Option<crate::jobspec::WorkloadIdentity>,
    /// The agent's `vault` blocks (one before 1.7, one per `name` from
    /// 1.7), in file order. With the world declaring the servers, a missing
    /// block is Nomad's default config: the `default` cluster, not enabled.
    pub vaults: Vec<VaultCluster>,
    /// `job_default_priority` (1.5+) as the agent's config holds it
    /// (`None` or 0: Nomad's default, 50).
    pub job_default_priority: Option<i64>,
    /// `job_max_priority` (1.5+; `None` or 0: 100).
    pub job_max_priority: Option<i64>,
    /// `job_max_count` (1.11+; `None`: 50000; 0: no bound).
    pub job_max_count: Option<i64>,
    /// The agent's `acl { enabled }` (agent-self.json `config.ACL.Enabled`;
    /// `None`: the world does not say). Only the scheduler configuration's
    /// `reject_job_registration` reads it (`mutators::registration`).
    #[serde(default)]
    pub acl_enabled: Option<bool>,
    /// The node pools the world states (`node_pool "NAME" {}` in
    /// cluster.hcl, Enterprise 1.6+): their own scheduler settings.
    #[serde(default)]
    pub node_pools: std::collections::BTreeMap<String, super::node_pools::NodePoolSpec>,
}

impl ServerConfig {
    /// The job settings as the agent resolves them (command/agent/agent.go
    /// convertServerConfig: unset or 0 priority settings are Nomad's
    /// defaults), stated when the world declares the servers.
    pub fn job_settings(&self) -> crate::jobspec::ServerJobSettings {
        let d = crate::jobspec::ServerJobSettings::default();
        let nonzero = |v: Option<i64>, or: i64| v.filter(|x| *x != 0).unwrap_or(or);
        crate::jobspec::ServerJobSettings {
            default_priority: nonzero(self.job_default_priority, d.default_priority),
            max_priority: nonzero(self.job_max_priority, d.max_priority),
            max_count: self.job_max_count.unwrap_or(d.max_count),
            stated: self.declared,
        }
    }
}

/// One Vault cluster of the servers' agent config, as far as the Plan RPC's
/// Vault hook reads it (nomad/job_endpoint_hook_vault.go).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VaultCluster {
    /// `name` (1.7+); `default` before.
    pub name: String,
    /// `enabled`: Nomad's `IsEnabled` is false unless it is set to true.
    pub enabled: bool,
    /// `allow_unauthenticated` (Nomad's default: true). When false the hook
    /// looks the submitter's Vault token up in Vault, which we cannot do.
    pub allow_unauthenticated: bool,
}

/// One Consul cluster of the servers' agent config, as far as the
/// community edition's Consul hook reads it (1.7.0–1.9.x,
/// nomad/job_endpoint_hook_consul_ce.go `clusterNeedsToken`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConsulCluster {
    /// `name` (1.7+); `default` before.
    pub name: String,
    /// `allow_unauthenticated` (Nomad's default: true,
    /// nomad/structs/config/consul.go `DefaultConsulConfig`). When false,
    /// 1.7–1.9 warn that submitting a Consul token is deprecated.
    pub allow_unauthenticated: bool,
}

impl ServerConfig {
    /// Whether the servers let a job use Consul cluster `name` without a
    /// token: `None` when the world does not state the servers; a cluster
    /// with no block allows it (`ConsulConfigs[name]` nil: no token).
    pub fn consul_allows_unauthenticated(&self, name: &str) -> Option<bool> {
        if !self.declared {
            return None;
        }
        Some(
            self.consuls
                .iter()
                .find(|c| c.name == name)
                .is_none_or(|c| c.allow_unauthenticated),
        )
    }

    /// The servers' config of Vault cluster `name`, if the world states the
    /// servers and enables nothing by that name it is Nomad's default:
    /// `Some` of a disabled cluster. `None`: the world does not say.
    pub fn vault(&self, name: &str) -> Option<VaultCluster> {
        if !self.declared {
            return None;
        }
        Some(
            self.vaults
                .iter()
                .find(|c| c.name == name)
                .cloned()
                .unwrap_or(VaultCluster {
                    name: name.to_string(),
                    enabled: false,
                    allow_unauthenticated: true,
                }),
        )
    }
}
