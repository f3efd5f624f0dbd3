//! A task and what it carries: services and checks, templates, artifacts,
//! vault, logs, lifecycle, volumes, scaling.

use super::*;

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CheckRestart {
    pub limit: i64,
    pub grace: Duration,
    pub ignore_warnings: bool,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServiceCheck {
    pub name: String,
    pub check_type: String,
    pub command: String,
    pub args: Vec<String>,
    pub path: String,
    pub protocol: String,
    pub port_label: String,
    pub expose: bool,
    pub address_mode: String,
    pub interval: Duration,
    pub timeout: Duration,
    pub initial_status: String,
    pub tls_skip_verify: bool,
    pub method: String,
    pub header: BTreeMap<String, Vec<String>>,
    pub body: String,
    pub grpc_service: String,
    pub grpc_use_tls: bool,
    pub task_name: String,
    pub on_update: String,
    pub success_before_passing: i64,
    pub failures_before_critical: i64,
    /// `failures_before_warning` (1.7.3+), `tls_server_name` (1.6+) and
    /// `notes` (1.8.1+): structs.ServiceCheck fields, in its diff.
    pub failures_before_warning: i64,
    pub tls_server_name: String,
    pub notes: String,
    pub check_restart: Option<CheckRestart>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Service {
    pub name: String,
    pub port_label: String,
    pub address_mode: String,
    /// `address` (Nomad 1.3+): the address advertised instead of the
    /// allocation's.
    pub address: String,
    pub provider: String,
    pub tags: Vec<String>,
    pub canary_tags: Vec<String>,
    pub enable_tag_override: bool,
    pub checks: Vec<ServiceCheck>,
    pub meta: Map,
    pub canary_meta: Map,
    pub task_name: String,
    pub on_update: String,
    pub connect: Option<ConsulConnect>,
    /// `tagged_addresses` (1.4+): flattened into the service's fields.
    pub tagged_addresses: Map,
    /// `cluster` (1.7.3+ in job files; "default" from 1.7 canonicalisation).
    pub cluster: String,
    /// `kind` (1.10.3+).
    pub kind: String,
    /// `weights` (1.9.2+), diff.go `weightsDiff`.
    pub weights: Option<ServiceWeights>,
    /// `identity` (1.7+), diff.go `idDiff`; the identity hook names it.
    pub identity: Option<WorkloadIdentity>,
    pub spans: Spans,
}

impl Service {
    /// `Service.MakeUniqueIdentityName` (nomad/structs/services.go, 1.7+):
    /// the name of the service's workload identity.
    pub fn unique_identity_name(&self) -> String {
        let prefix = if self.provider == "nomad" {
            "nomad-service"
        } else {
            "consul-service"
        };
        if self.task_name.is_empty() {
            format!("{prefix}_{}-{}", self.name, self.port_label)
        } else {
            format!(
                "{prefix}_{}-{}-{}",
                self.task_name, self.name, self.port_label
            )
        }
    }
}

/// A service's DNS SRV weights (api ServiceWeights: an unset or
/// non-positive weight canonicalises to 1).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ServiceWeights {
    pub passing: i64,
    pub warning: i64,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Template {
    pub source_path: String,
    pub dest_path: String,
    pub embedded_tmpl: String,
    pub change_mode: String,
    pub change_signal: String,
    pub splay: Duration,
    pub perms: String,
    pub left_delim: String,
    pub right_delim: String,
    pub envvars: bool,
    pub vault_grace: Duration,
    /// Pointers in Nomad: unset stays unset (and out of the diff).
    pub uid: Option<i64>,
    pub gid: Option<i64>,
    pub err_missing_key: bool,
    pub once: bool,
    pub wait: Option<WaitConfig>,
    pub change_script: Option<ChangeScript>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WaitConfig {
    pub min: Option<Duration>,
    pub max: Option<Duration>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChangeScript {
    pub command: String,
    pub args: Vec<String>,
    pub timeout: Duration,
    pub fail_on_error: bool,
    pub run_on_first_render: bool,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Artifact {
    pub getter_source: String,
    pub getter_options: Map,
    pub getter_headers: Map,
    pub getter_mode: String,
    pub relative_dest: String,
    pub insecure: bool,
    pub chown: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Vault {
    pub policies: Vec<String>,
    pub namespace: String,
    pub env: bool,
    pub change_mode: String,
    pub change_signal: String,
    pub role: String,
    pub cluster: String,
    pub disable_file: bool,
    pub allow_token_expiration: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LogConfig {
    pub max_files: i64,
    pub max_file_size_mb: i64,
    pub disabled: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Lifecycle {
    /// `prestart`, `poststart`, `poststop`.
    pub hook: String,
    pub sidecar: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct VolumeMount {
    pub volume: String,
    pub destination: String,
    pub read_only: bool,
    pub propagation_mode: String,
    pub selinux_label: String,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Volume {
    pub name: String,
    pub volume_type: String,
    pub source: String,
    pub read_only: bool,
    pub access_mode: String,
    pub attachment_mode: String,
    pub per_alloc: bool,
    pub sticky: bool,
    pub mount_options: Option<CsiMountOptions>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CsiMountOptions {
    pub fs_type: String,
    pub mount_flags: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scaling {
    pub min: Option<i64>,
    pub max: i64,
    pub enabled: bool,
    pub policy: Option<Value>,
    pub spans: Spans,
}

/// A task's `scaling "cpu"` / `scaling "mem"` block (vertical autoscaling):
/// Nomad keeps it in `Task.ScalingPolicies`, which `Task.Diff` (diff.go) has
/// no object for, so a change to it marks the task edited outside Nomad's
/// diff text.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TaskScaling {
    /// `vertical_cpu` or `vertical_mem` (jobspec2's
    /// `decodeTaskScalingPolicies` derives it from the label).
    pub policy_type: String,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub enabled: Option<bool>,
    /// The `policy` block, as the autoscaler reads it.
    pub policy: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Disconnect {
    pub lost_after: Option<Duration>,
    pub stop_on_client_after: Option<Duration>,
    pub replace: Option<bool>,
    pub reconcile: String,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Task {
    pub name: String,
    pub driver: String,
    pub user: String,
    /// Driver configuration, kept as a map (Nomad treats it as opaque).
    pub config: BTreeMap<String, Value>,
    pub env: Map,
    pub meta: Map,
    pub resources: Resources,
    pub constraints: Vec<Constraint>,
    pub affinities: Vec<Affinity>,
    pub services: Vec<Service>,
    pub templates: Vec<Template>,
    pub artifacts: Vec<Artifact>,
    pub vault: Option<Vault>,
    pub lifecycle: Option<Lifecycle>,
    pub log_config: LogConfig,
    pub volume_mounts: Vec<VolumeMount>,
    pub kill_timeout: Duration,
    pub kill_signal: String,
    pub shutdown_delay: Duration,
    pub leader: bool,
    pub kind: String,
    pub dispatch_payload_file: Option<String>,
    /// The group's restart policy merged with the task's own `restart`
    /// (api/tasks.go canonicalisation): not in Nomad's diff, but part of
    /// the task, so a group restart edit marks every task edited.
    pub restart: Option<RestartPolicy>,
    /// The default identity (`identity` without a name), as canonicalised.
    pub identity: Option<WorkloadIdentity>,
    /// Named identities.
    pub identities: Vec<WorkloadIdentity>,
    pub actions: Vec<Action>,
    pub secrets: Vec<Secret>,
    pub schedule: Option<TaskSchedule>,
    pub consul: Option<Consul>,
    pub csi_plugin: Option<CsiPluginConfig>,
    /// Vertical scaling policies, in file order.
    pub scaling: Vec<TaskScaling>,
    pub unmodelled: Unmodelled,
    pub spans: Spans,
}
