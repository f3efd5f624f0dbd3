//! Simulated cluster state: nodes, registered jobs and allocations, with
//! Raft-like indexes kept deterministic so plans can print a stable
//! `Job Modify Index` and `-check-index` can be honoured.

pub mod attribute;
pub mod csi;
pub mod device;
pub mod metric;
pub mod usage;

use std::collections::BTreeMap;

use crate::jobspec::Job;

pub mod build;
pub mod ids;
pub mod resources;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum NodeStatus {
    #[default]
    Ready,
    Down,
    Initializing,
    Disconnected,
}

impl NodeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeStatus::Ready => "ready",
            NodeStatus::Down => "down",
            NodeStatus::Initializing => "initializing",
            NodeStatus::Disconnected => "disconnected",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NodeNetwork {
    pub device: String,
    pub cidr: String,
    pub ip: String,
    pub mbits: i64,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Node {
    /// UUID-shaped, derived deterministically from the world.
    pub id: String,
    pub name: String,
    pub datacenter: String,
    pub node_class: String,
    pub node_pool: String,
    pub cpu: i64,
    pub memory_mb: i64,
    pub disk_mb: i64,
    pub networks: Vec<NodeNetwork>,
    pub reserved_cpu: i64,
    pub reserved_memory_mb: i64,
    pub reserved_disk_mb: i64,
    pub reserved_ports: Vec<u16>,
    pub attributes: BTreeMap<String, String>,
    pub meta: BTreeMap<String, String>,
    /// Healthy detected drivers.
    pub drivers: Vec<String>,
    /// Host volume name → read-only.
    pub host_volumes: BTreeMap<String, bool>,
    /// Device models with their instances (`NodeResources.Devices`).
    pub devices: Vec<device::NodeDevice>,
    /// CSI plugins the node runs, by plugin ID (`CSINodePlugins` and
    /// `CSIControllerPlugins`).
    #[serde(default)]
    pub csi_plugins: BTreeMap<String, csi::CsiPlugin>,
    pub status: NodeStatus,
    pub eligible: bool,
    pub drain: bool,
    pub create_index: u64,
}

impl Node {
    pub fn short_id(&self) -> &str {
        self.id.get(..8).unwrap_or(&self.id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum DesiredStatus {
    #[default]
    Run,
    Stop,
    Evict,
}

impl DesiredStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DesiredStatus::Run => "run",
            DesiredStatus::Stop => "stop",
            DesiredStatus::Evict => "evict",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum ClientStatus {
    #[default]
    Pending,
    Running,
    Complete,
    Failed,
    Lost,
}

impl ClientStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientStatus::Pending => "pending",
            ClientStatus::Running => "running",
            ClientStatus::Complete => "complete",
            ClientStatus::Failed => "failed",
            ClientStatus::Lost => "lost",
        }
    }
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ClientStatus::Complete | ClientStatus::Failed | ClientStatus::Lost
        )
    }
}

/// A network an allocation holds on its node.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AllocNetwork {
    pub device: String,
    pub ip: String,
    pub mbits: i64,
    /// (label, port)
    pub reserved_ports: Vec<(String, u16)>,
    pub dynamic_ports: Vec<(String, u16)>,
}

/// Resources an allocation holds, in Nomad's "comparable" form.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AllocResources {
    pub cpu: i64,
    pub cores: i64,
    pub memory_mb: i64,
    pub memory_max_mb: i64,
    pub disk_mb: i64,
    pub networks: Vec<AllocNetwork>,
    /// Device instances the tasks hold, per model.
    pub devices: Vec<device::AllocDevice>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Allocation {
    /// UUID-shaped, derived deterministically (seeded hash), never random per run.
    pub id: String,
    /// `job.group[index]`
    pub name: String,
    pub namespace: String,
    pub job_id: String,
    pub job_version: u64,
    pub job_priority: i64,
    pub job_type: crate::jobspec::JobType,
    pub task_group: String,
    pub node_id: String,
    pub resources: AllocResources,
    pub desired_status: DesiredStatus,
    pub desired_description: String,
    pub client_status: ClientStatus,
    pub create_index: u64,
    pub modify_index: u64,
    /// Set when another allocation's placement preempted this one.
    pub preempted_by: Option<String>,
    /// `DesiredTransition.Migrate`: the node drainer marked it to move.
    pub migrate: bool,
}

impl Allocation {
    pub fn short_id(&self) -> &str {
        self.id.get(..8).unwrap_or(&self.id)
    }
    /// Non-terminal: counts against node capacity and quota.
    pub fn is_live(&self) -> bool {
        self.desired_status == DesiredStatus::Run && !self.client_status.is_terminal()
    }
    /// The index in the alloc name, `web.cache[2]` → 2.
    pub fn name_index(&self) -> Option<u32> {
        let open = self.name.rfind('[')?;
        self.name
            .get(open + 1..self.name.len().checked_sub(1)?)?
            .parse()
            .ok()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum JobStatus {
    #[default]
    Pending,
    Running,
    Dead,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Running => "running",
            JobStatus::Dead => "dead",
        }
    }
}

/// A job as the state store holds it.
#[derive(Debug, Clone)]
pub struct JobRecord {
    /// Shared with the job history and with every copy of the state
    /// (sampling clones a replayed state many times).
    pub job: std::sync::Arc<Job>,
    pub version: u64,
    pub create_index: u64,
    pub modify_index: u64,
    pub job_modify_index: u64,
    /// Simulated submit time (seconds since the simulation epoch).
    pub submit_time: i64,
    pub status: JobStatus,
}

/// An evaluation waiting for capacity or quota (`blocked` status).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BlockedEval {
    pub id: String,
    pub namespace: String,
    pub job_id: String,
    /// Quota name when blocked by a quota rather than capacity.
    pub quota_limit_reached: Option<String>,
    pub create_index: u64,
    /// The evaluation whose placements failed (Nomad's latest failed
    /// placement), and its per-group metrics.
    pub failed_eval_id: String,
    pub failed_tg_allocs: BTreeMap<String, metric::AllocMetric>,
}

/// One task group's progress in a deployment (`DeploymentState`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeploymentGroup {
    pub auto_revert: bool,
    pub desired_canaries: u64,
    pub desired_total: u64,
    pub placed: u64,
    pub healthy: u64,
    pub unhealthy: u64,
    /// The group's `progress_deadline` in seconds (0: none).
    pub progress_deadline: i64,
    /// Simulated seconds by which progress is required: set by the first
    /// placed allocation (None before, or without a deadline).
    pub require_progress_by: Option<i64>,
}

/// A deployment of one job version. Simulated allocations are healthy at
/// once, so every deployment here has finished successfully.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Deployment {
    pub id: String,
    pub namespace: String,
    pub job_id: String,
    pub job_version: u64,
    pub status: String,
    pub description: String,
    pub groups: BTreeMap<String, DeploymentGroup>,
    pub create_index: u64,
}

/// `(namespace, job id)`
pub type JobKey = (String, String);

/// The whole simulated state store.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Latest Raft index; every write bumps it.
    pub index: u64,
    pub nodes: Vec<Node>,
    pub jobs: BTreeMap<JobKey, JobRecord>,
    pub allocs: Vec<Allocation>,
    pub blocked: Vec<BlockedEval>,
    /// Namespaces that exist in the state store (`nomad namespace apply`).
    pub namespaces: Vec<String>,
    pub deployments: Vec<Deployment>,
}

impl State {
    /// The newest deployment of a job, as `nomad job status` shows it.
    pub fn latest_deployment(&self, namespace: &str, id: &str) -> Option<&Deployment> {
        self.deployments
            .iter()
            .filter(|d| d.namespace == namespace && d.job_id == id)
            .max_by_key(|d| d.create_index)
    }

    pub fn job(&self, namespace: &str, id: &str) -> Option<&JobRecord> {
        self.jobs.get(&(namespace.to_string(), id.to_string()))
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Live allocations of one job.
    pub fn job_allocs<'a>(
        &'a self,
        namespace: &'a str,
        id: &'a str,
    ) -> impl Iterator<Item = &'a Allocation> + 'a {
        self.allocs
            .iter()
            .filter(move |a| a.namespace == namespace && a.job_id == id && a.is_live())
    }

    /// Live allocations on one node.
    pub fn node_allocs<'a>(
        &'a self,
        node_id: &'a str,
    ) -> impl Iterator<Item = &'a Allocation> + 'a {
        self.allocs
            .iter()
            .filter(move |a| a.node_id == node_id && a.is_live())
    }
}
