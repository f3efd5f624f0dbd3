//! Task and job blocks added by later Nomad versions: workload identities,
//! actions, secrets, schedules, Consul settings, CSI plugin settings, NUMA,
//! the job UI and multiregion rollouts. Field names follow `api/` structs.

use super::*;

/// An `identity` block (`api.WorkloadIdentity`); the one without a name is
/// the task's default identity.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WorkloadIdentity {
    pub name: String,
    pub audience: Vec<String>,
    pub change_mode: String,
    pub change_signal: String,
    pub env: bool,
    pub file: bool,
    pub filepath: String,
    pub service_name: String,
    pub ttl: Duration,
    pub extra_claims: Vec<String>,
    pub spans: Spans,
}

/// An `action "name"` block.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Action {
    pub name: String,
    pub command: String,
    pub args: Vec<String>,
    pub spans: Spans,
}

/// A `secret "name"` block: `config` is provider-specific and kept whole.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Secret {
    pub name: String,
    pub provider: String,
    pub path: String,
    pub config: BTreeMap<String, Value>,
    pub env: Map,
    pub spans: Spans,
}

/// A task `schedule { cron { ... } }` block.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TaskSchedule {
    pub cron: Option<ScheduleCron>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScheduleCron {
    pub start: String,
    pub end: String,
    pub timezone: String,
    pub spans: Spans,
}

/// A group or task `consul` block.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Consul {
    pub namespace: String,
    pub cluster: String,
    pub partition: String,
    pub spans: Spans,
}

/// A task `csi_plugin` block.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CsiPluginConfig {
    pub id: String,
    pub plugin_type: String,
    pub mount_dir: String,
    pub stage_publish_base_dir: String,
    pub health_timeout: Duration,
    pub spans: Spans,
}

/// A `resources { numa { ... } }` block.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Numa {
    pub affinity: String,
    pub devices: Vec<String>,
    pub spans: Spans,
}

/// The job `ui` block.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct JobUi {
    pub description: String,
    pub links: Vec<UiLink>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UiLink {
    pub label: String,
    pub url: String,
    pub spans: Spans,
}
