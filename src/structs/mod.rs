//! Nomad's value types for what a cluster holds: nodes (with their
//! devices, CSI plugins and attributes), allocations and the resources they
//! hold, CSI volumes, and the resource sum of a task group (Nomad keeps all
//! of these in `nomad/structs`, `plugins/shared/structs`). They sit beside
//! [`crate::jobspec`] and [`crate::world`], below [`crate::cluster`]: the
//! world reads pinned and imported allocations, node devices and node
//! states into them, and the cluster's state store and the scheduler use
//! the same types (re-exported from [`crate::cluster`]), so a value type
//! has one definition and the world never imports from a layer above.

pub mod attribute;
pub mod bigfloat;
pub mod csi;
pub mod device;
pub mod disconnected_node;
pub mod network_offers;
pub mod node_class;
pub mod node_nets;
pub mod resources;
pub mod spec_changed;

use crate::ids::Id;
use std::collections::BTreeMap;

/// A host volume a client exposes (`Node.HostVolumes`, keyed by its name).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HostVolume {
    pub path: String,
    pub read_only: bool,
    /// A dynamic host volume (1.10+, the node reports its `ID`): whether a
    /// job may use it depends on the volume object (its namespace, access
    /// modes and claims), which is not simulated (`world::guess`). A static
    /// one (configured in the client's `host_volume` block) has no `ID`.
    #[serde(default)]
    pub dynamic: bool,
}

/// A job's `Status` (nomad/structs/structs.go `JobStatusPending`,
/// `JobStatusRunning`, `JobStatusDead`): derived by the state store, or
/// read from an import's saved job.
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
    /// Network modes and host networks the node fingerprints.
    #[serde(default)]
    pub nets: node_nets::NodeNets,
    pub reserved_cpu: i64,
    pub reserved_memory_mb: i64,
    pub reserved_disk_mb: i64,
    pub reserved_ports: Vec<u16>,
    /// MHz of `cpu` that Nomad's fit withholds on top of `reserved_cpu`:
    /// at 1.7.0-1.8.1 (Enterprise before 1.7.10) `NodeResources.Comparable`
    /// starts from the client's usable compute, which already lacks the
    /// reserved cpu, and `AllocsFit` takes the reserved cpu off again
    /// (#23386). 0 at every other release. Set once per world by
    /// `cluster::build` (`cluster::cpu_withheld`); read through
    /// [`Node::usable_cpu`].
    #[serde(default)]
    pub cpu_withheld: i64,
    /// `node_max_allocs` of the client config (1.10.2+): the most
    /// allocations the node may hold, the one placed included; 0 is unset.
    #[serde(default)]
    pub max_allocs: i64,
    /// The client's dynamic port range bounds (1.2+), 0 where unset:
    /// see `scheduler::dynamic_ports::range`.
    #[serde(default)]
    pub min_dynamic_port: u16,
    #[serde(default)]
    pub max_dynamic_port: u16,
    pub attributes: BTreeMap<String, String>,
    pub meta: BTreeMap<String, String>,
    /// Healthy detected drivers.
    pub drivers: Vec<String>,
    /// Drivers the node's `Drivers` does not list whose `driver.NAME`
    /// attribute parses as a true Go bool: `DriverChecker.hasDrivers`
    /// falls back to the attribute for a driver without a `Drivers` entry
    /// (scheduler/feasible.go v0.8.0:129-163, v1.10.5:630-668,
    /// scheduler/feasible/feasible.go v2.0.5:802-840; before 0.8 the
    /// attribute is the whole check, v0.7.1:129-150). A hand-written
    /// pool's (`cluster::build`); an import folds them into `drivers`.
    #[serde(default)]
    pub drivers_by_attribute: Vec<String>,
    /// The node's host volumes by name.
    pub host_volumes: BTreeMap<String, HostVolume>,
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

    /// The cpu (MHz) `AllocsFit` lets allocations use: the node's
    /// `NodeResources.Comparable()` less its `ReservedResources`
    /// (nomad/structs/funcs.go), with what the release withholds besides
    /// ([`Node::cpu_withheld`]).
    pub fn usable_cpu(&self) -> i64 {
        self.cpu - self.reserved_cpu - self.cpu_withheld
    }

    /// Does `count` allocations (the proposed ones and the one being
    /// placed) pass the node's `node_max_allocs`? `if node.NodeMaxAllocs
    /// != 0 { if node.NodeMaxAllocs < len(allocs) ... }`
    /// (nomad/structs/funcs.go:144-148@v1.10.2, :145-149@v2.0.5).
    pub fn max_allocs_exceeded(&self, count: usize) -> bool {
        self.max_allocs != 0 && i64::try_from(count).map_or(true, |c| self.max_allocs < c)
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
/// Its device, IP and port labels are shared IDs: every allocation a
/// group places carries the same labels, every one on a node the same
/// device and IP, and copying them as strings into each placement and
/// each copy of it was a tenth of `plan --samples 1000`.
pub struct AllocNetwork {
    pub device: Id,
    pub ip: Id,
    pub mbits: i64,
    /// (label, port)
    pub reserved_ports: Vec<(Id, u16)>,
    pub dynamic_ports: Vec<(Id, u16)>,
    /// Held by the task group (`AllocatedResources.Shared`: its `network`
    /// block), not by a task: from 0.12 Nomad indexes and records it apart
    /// ([`crate::scheduler::net_held`]).
    #[serde(default)]
    pub group: bool,
    /// A group port's host address where it is not `ip` (a port on another
    /// host network: `Shared.Ports[].HostIP`), by label.
    #[serde(default)]
    pub port_ips: Vec<(Id, Id)>,
    /// The group ports whose mappings ignore collisions (`ignore_collision`,
    /// 1.9+), by label ([`crate::scheduler::alloc_ports`]).
    #[serde(default)]
    pub ignore_collision: Vec<Id>,
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
    pub id: Id,
    /// `job.group[index]`
    pub name: Id,
    pub namespace: Id,
    pub job_id: Id,
    pub job_version: u64,
    pub job_priority: i64,
    pub job_type: crate::jobspec::JobType,
    pub task_group: Id,
    pub node_id: Id,
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
    /// A failed allocation (desired `run`, not replaced) whose reschedule
    /// is due: the next evaluation stops it and places its replacement.
    /// A failed one without it stays in its group's count (its reschedule
    /// waits or is spent). See world/api_reschedule.rs.
    pub reschedule_now: bool,
    /// A failed allocation (desired `run`, not replaced) whose reschedule
    /// waits and whose follow-up evaluation is not made yet: the
    /// reconciler counts it `RescheduleLater` (1.11+) and makes that
    /// evaluation. See world/api_alloc_failed.rs. Also a running one on a
    /// disconnected client whose reschedule waits once the reconciler reads
    /// it `disconnecting` (1.11.2+, world/api_reschedule.rs
    /// `later_on_disconnect`): counted so too, never placed for.
    #[serde(default)]
    pub reschedule_later: bool,
    /// The nodes its earlier reschedules left
    /// (`RescheduleTracker.Events[].PrevNodeID`, carried to each
    /// replacement): a placement that replaces it avoids them
    /// (`getSelectOptions`' penalty nodes).
    #[serde(default)]
    pub reschedule_nodes: Vec<String>,
    /// How a batch job's reconciler reads this terminal allocation
    /// (`None`: not a batch job's, or live). See [`BatchTerminal`].
    #[serde(default)]
    pub batch_terminal: Option<BatchTerminal>,
    /// How the release reads this allocation by its group's disconnect
    /// rules (1.3+): a system or sysbatch job's, imported
    /// (world/api_alloc_disconnect.rs) or pinned on a `disconnected`
    /// client of a hand-written world (world/alloc_disconnected.rs:
    /// `Supported` or `Unsupported`); an imported service or batch job's
    /// `unknown` one. `None`: any other, and every allocation before 1.3
    /// (a hand-written world cannot say `unknown`; its service or batch
    /// allocation on a disconnected client is the scheduler's taint,
    /// `structs::disconnected_node`). See [`Disconnect`].
    #[serde(default)]
    pub disconnect: Option<Disconnect>,
    /// Whether `job_priority` is the priority of the job version this
    /// allocation runs. Nomad's preemption reads `alloc.Job.Priority`
    /// (scheduler/feasible/preemption.go v2.0.5:339, 692-714); an import
    /// that holds neither that version nor an allocation embedding it
    /// leaves it unknown, and `job_priority` is then the registered job's,
    /// which no preemption may read as the allocation's.
    #[serde(default)]
    pub version_priority: VersionPriority,
    /// `Some(CreateIndex)` of the job's registration this allocation runs,
    /// when that is an earlier one than the registered job's (the job
    /// stopped with `-purge` and registered again while it lived). The
    /// scheduler reads every registration's allocations
    /// (`AllocsByJob(.., anyCreateIndex=true)`, generic_sched.go
    /// v1.10.5:367, v1.11.2:325) and tells them apart by
    /// `JobModifyIndex` (`genericAllocUpdateFn`, scheduler/util.go
    /// v1.10.5:881; system_util.go v1.10.5:216, reconcile_node.go
    /// v1.11.2:260-340), never by the version, which a new registration
    /// restarts at 0: see [`Allocation::runs_version`].
    #[serde(default)]
    pub earlier_registration: Option<u64>,
}

/// A priority as the views print it: the number, or "unknown" for an
/// allocation whose running version is not known
/// ([`Allocation::known_priority`]).
pub fn priority_text(p: Option<i64>) -> String {
    p.map_or_else(|| "unknown".to_string(), |p| p.to_string())
}

/// Whether an allocation's priority is its running version's (see
/// [`Allocation::version_priority`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum VersionPriority {
    /// The version it runs is known: `job_priority` is its priority.
    #[default]
    Known,
    /// The version it runs is not in the import: its priority is unknown.
    Unknown,
}

/// A system or sysbatch job's live allocation, as the system scheduler
/// reads it against its group's disconnect rules
/// (`SupportsDisconnectedClients`, 1.3+) (`diffSystemAllocsForNode`, from 1.11
/// `computeForNode`; world/api_alloc_disconnect.rs decides which for an
/// import, world/alloc_disconnected.rs for a hand-written world). A
/// service or batch job's `unknown` allocation is `Waiting` or `Expired`,
/// which the generic reconciler reads with the planned group
/// (scheduler/reconcile_disconnect.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Disconnect {
    /// Its group keeps no disconnected clients (1.3–1.11): on a
    /// disconnected node (tainted, not down) it is ignored.
    Unsupported,
    /// Running: on a disconnected node it is marked `unknown`
    /// (`disconnecting`), counted nowhere.
    Supported,
    /// `unknown` (its client disconnected), desired `run`, its window not
    /// passed: ignored until the client returns, never updated.
    Waiting,
    /// `unknown` past its window (`Expired`): lost, stopped, counted
    /// nowhere; nothing placed for it this evaluation.
    Expired,
    /// Running after its client came back, not reconciled yet
    /// (`NeedsToReconnect`, or 1.3.0–1.3.7 and 1.4.0–1.4.2's `Reconnected`
    /// task event): on a node not tainted it is kept, counted nowhere.
    Reconnecting,
    /// A service or batch job's allocation that is not live, on a
    /// disconnected node, which a plan up to 1.11.1 reads as lost
    /// (`disconnected_node::lost_when_not_live`): stopped, its name placed
    /// again when the group is short (a batch one of an older version is
    /// ignored first).
    Lost,
}

/// A batch job's terminal allocation, as Nomad's reconciler reads it
/// (`scheduler/reconcile.go` `filterOldTerminalAllocs`, then
/// `reconcile_util.go` `shouldFilter` and `filterByRescheduleable`; from
/// 2.0 `scheduler/reconciler/filters.go`). Whatever its kind, once the
/// planned job's version is not the one it ran, it is only counted as
/// ignored and holds no name. A sysbatch job's is `Finished` or
/// `Superseded`, read by the system scheduler (`generic::system`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BatchTerminal {
    /// It finished (client `complete`, or stopped after every task
    /// succeeded): it stays in its group's count, so Nomad does not run
    /// that name again.
    Finished,
    /// Failed and not replaced: rescheduled now (`reschedule_now`) or kept
    /// in the count, as a service's failed allocation is.
    Failed,
    /// Replaced already (`NextAllocation`), or stopped or evicted before it
    /// finished: the reconciler drops it.
    Dropped,
    /// Of an earlier registration of the job (its `Job.CreateIndex` is
    /// older than the registered job's), or one the release's
    /// `filterByTainted` puts in its `ignore` set (world/api_alloc_batch.rs):
    /// counted as ignored whatever the version, its name free.
    Superseded,
}

impl Allocation {
    /// The priority of the job version it runs, when known
    /// ([`VersionPriority`]): what preemption reads (`alloc.Job.Priority`),
    /// and so what every view of it must say, "unknown" otherwise.
    pub fn known_priority(&self) -> Option<i64> {
        (self.version_priority == VersionPriority::Known).then_some(self.job_priority)
    }

    pub fn short_id(&self) -> &str {
        self.id.get(..8).unwrap_or(&self.id)
    }
    /// Non-terminal: counts against node capacity and quota.
    pub fn is_live(&self) -> bool {
        self.desired_status == DesiredStatus::Run && !self.client_status.is_terminal()
    }
    /// Held on its node as the scheduler of `v` reads the node's proposed
    /// allocations (`EvalContext.ProposedAllocs`, `AllocsFit`,
    /// `NetworkIndex.AddAllocs`, `DeviceAccounter.AddAllocs`): not
    /// terminal on its client and, before 1.4.0, not told to stop either
    /// (`TerminalStatus`). From 1.4.0 an allocation told to stop holds its
    /// resources until its client stops it (`ClientTerminalStatus`,
    /// "stopped-yet-running allocs are still running", #10446, 757c3c94f2).
    pub fn holds_node(&self, v: crate::version::NomadVersion) -> bool {
        !self.client_status.is_terminal()
            && (self.desired_status == DesiredStatus::Run || v.at_least(1, 4, 0))
    }
    /// Read by its job's reconciler: live, or failed and not yet replaced
    /// (kept in the count, or rescheduled now: `reschedule_now`), or a
    /// batch job's terminal allocation ([`BatchTerminal`]), or one a
    /// disconnected node has lost ([`Disconnect::Lost`]). Holds nothing
    /// on its node unless live.
    pub fn is_reconciled(&self) -> bool {
        self.is_live()
            || (self.desired_status == DesiredStatus::Run
                && self.client_status == ClientStatus::Failed)
            || self.batch_terminal.is_some()
            || self.disconnect == Some(Disconnect::Lost)
    }
    /// Runs version `v` of the registered job's registration: what Nomad's
    /// `JobModifyIndex` equality says (an earlier registration's
    /// allocation with the same version number runs another spec).
    pub fn runs_version(&self, v: u64) -> bool {
        self.job_version == v && self.earlier_registration.is_none()
    }
    /// Its spec's key in a job history: (namespace, job ID, version), the
    /// ID followed by a NUL and the registration's `CreateIndex` for an
    /// earlier registration's, so its version N is not the registered
    /// job's version N. No job ID holds a NUL (`Job.Validate`,
    /// nomad/structs/structs.go v1.10.5:4785).
    pub fn spec_key(&self) -> (String, String, u64) {
        let id = match self.earlier_registration {
            Some(ci) => format!("{}\0{ci}", self.job_id),
            None => self.job_id.to_string(),
        };
        (self.namespace.to_string(), id, self.job_version)
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
