//! The world a plan lands on: clients, namespaces, quotas, scheduler
//! configuration, priority policy and the jobs already running. Loaded from
//! `rules/` (or an import of a real cluster's API JSON).
//!
//! Every type here derives serde: the world cache (`src/world_cache.rs`)
//! keeps whole worlds, so a new field's type needs the derives too.

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use super::server_model::{ConsulCluster, ServerConfig, VaultCluster};

use crate::diag::Severity;
use crate::jobspec::{Job, Spans};
use crate::version::NomadVersion;

pub use super::pool_networks::{CidrVerdict, HostNetwork, PoolNetworks};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Algorithm {
    #[default]
    Binpack,
    Spread,
}

impl Algorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Binpack => "binpack",
            Algorithm::Spread => "spread",
        }
    }
}

/// `preemption_config` of Nomad's scheduler configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PreemptionConfig {
    pub system: bool,
    pub sysbatch: bool,
    pub batch: bool,
    pub service: bool,
}

impl Default for PreemptionConfig {
    /// Nomad's seeded defaults: only system-job preemption is on.
    fn default() -> Self {
        PreemptionConfig {
            system: true,
            sysbatch: false,
            batch: false,
            service: false,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SchedulerConfig {
    pub algorithm: Algorithm,
    pub preemption: PreemptionConfig,
    pub memory_oversubscription: bool,
    /// `RejectJobRegistration` (1.2.4+, nomad/structs/operator.go): the
    /// servers refuse `Job.Register`, `Job.Dispatch` and `Job.Scale` to
    /// non-management callers; `Job.Plan` never reads it (see
    /// `mutators::registration`).
    #[serde(default)]
    pub reject_job_registration: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Reserved {
    pub cpu: i64,
    pub memory: i64,
    pub disk: i64,
    /// Reserved host ports (`"22,80,8000-8010"` expanded).
    pub ports: Vec<u16>,
}

/// `client "NAME" { count = N ... }`: N identical clients NAME-1..NAME-N.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClientPool {
    pub name: String,
    pub count: u32,
    pub datacenter: String,
    pub node_pool: String,
    pub node_class: String,
    /// MHz of total compute.
    pub cpu: i64,
    pub memory: i64,
    pub disk: i64,
    pub network_mbits: i64,
    pub drivers: Vec<String>,
    pub attributes: BTreeMap<String, String>,
    pub meta: BTreeMap<String, String>,
    pub reserved: Reserved,
    /// Node state every client of the pool is in (`status`, `eligibility`,
    /// `drain` in cluster.hcl; the API's node fields in an import).
    pub state: NodeState,
    /// `host_volume "NAME" { path, read_only }` of the client config (the
    /// API's `HostVolumes`), by name.
    pub host_volumes: BTreeMap<String, HostVolume>,
    /// `device "VENDOR/TYPE/NAME" { ... }` (the API's
    /// `NodeResources.Devices`). An imported pool's shape: its instance
    /// IDs are each member's own (see [`NodeIdentity::devices`]).
    pub devices: Vec<crate::structs::device::NodeDevice>,
    /// `csi_plugin "ID" { ... }` (the API's `CSINodePlugins` and
    /// `CSIControllerPlugins`): what every client of the pool runs.
    pub csi_plugins: BTreeMap<String, crate::structs::csi::CsiPlugin>,
    /// `network_modes` and `host_network "NAME" { ... }` (the API's
    /// `NodeResources.Networks` modes and `NodeNetworks` aliases).
    pub networks: PoolNetworks,
    /// `min_dynamic_port` / `max_dynamic_port` of the client config (1.2+;
    /// the API's `NodeResources.MinDynamicPort` / `MaxDynamicPort`): 0 is
    /// unset, Nomad's 20000 / 32000 (nomad/structs/network.go SetNode,
    /// `if ... MinDynamicPort > 0`, v1.2.0-v2.0.5).
    #[serde(default)]
    pub min_dynamic_port: u16,
    #[serde(default)]
    pub max_dynamic_port: u16,
    /// `node_max_allocs` of the client config (1.10.2+, #25785; the API's
    /// `Node.NodeMaxAllocs`): the most allocations `AllocsFit` lets the
    /// node hold, the one being placed included. 0 is unset (no cap), as
    /// Nomad reads it (nomad/structs/funcs.go:144-148@v1.10.2).
    #[serde(default)]
    pub max_allocs: i64,
    /// The real nodes behind an imported pool, with their IDs, or the
    /// named clients of a hand-written one ([`ClientPool::reported`]), in
    /// client order. Empty: clients `NAME-k` with derived IDs.
    pub members: Vec<NodeIdentity>,
    /// `hand_written = true`: the pool is its author's statement even
    /// where its `node` blocks give IDs (a hand-written client's own
    /// node ID, which `${node.unique.id}` and pinned allocations read):
    /// it keeps the stand-ins and the "cannot tell" of what it does not
    /// state ([`ClientPool::reported`]).
    #[serde(default)]
    pub hand_written: bool,
    pub spans: Spans,
}

/// What decides whether Nomad's scheduler considers a node at all
/// (`readyNodesInDCs` in `scheduler/util.go`): only ready, eligible,
/// non-draining nodes are candidates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NodeState {
    pub status: crate::structs::NodeStatus,
    /// `SchedulingEligibility = "ineligible"`.
    pub ineligible: bool,
    /// A drain strategy is set.
    pub drain: bool,
}

/// A host volume a client exposes: one type for the world and the
/// scheduler's nodes.
pub use crate::structs::HostVolume;

/// One imported node's identity: the ID its allocations name.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NodeIdentity {
    pub id: String,
    pub name: String,
    /// The node's own devices, with the instance IDs its allocations hold.
    pub devices: Vec<crate::structs::device::NodeDevice>,
    /// The node's own task networks: its `NodeResources.Networks` entries
    /// with a device, in the order it reported them (what
    /// `NetworkIndex.SetNode` keeps and `AssignTaskNetwork` offers, IP by
    /// IP, to a task-level `network`). Empty: the pool's stand-in.
    #[serde(default)]
    pub task_networks: Vec<crate::structs::NodeNetwork>,
    /// The node's real host network addresses, keyed by the stand-in its
    /// pool's `interface` blocks give each (world/import/nodes.rs): the
    /// IP its allocations' port mappings name (`HostIP`), which the
    /// scheduler's `NetworkIndex` keeps ports by. Empty, or missing a
    /// stand-in: the node's addresses are not told apart.
    #[serde(default)]
    pub address_ips: BTreeMap<String, String>,
    /// The node's own `unique.*` attributes (hostname, instance ID, ...),
    /// which the pool's shape leaves out so alike nodes group: constraints
    /// read them as on the cluster.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// A registered job's version and Raft indexes (`Version`, `CreateIndex`,
/// `ModifyIndex`, `JobModifyIndex`), so a plan of it prints the cluster's
/// own `-check-index`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JobIndexes {
    pub version: u64,
    pub create_index: u64,
    pub modify_index: u64,
    pub job_modify_index: u64,
    /// The cluster reported the job `pending` (`Job.Status`): an
    /// evaluation of it had not finished when it was saved, which nothing
    /// else in the dump shows (nomad/state `getJobStatus`).
    pub unfinished_eval: bool,
    /// `Job.SubmitTime`, Unix nanoseconds, as the cluster reports it
    /// (`None`: not reported, or a declared cluster's job).
    pub submit_time: Option<i64>,
}

/// The cluster as it is, from an import holding `allocations.json` or a
/// `rules/allocations.hcl`: every job with pinned allocations is registered
/// as is and they sit where they are, so nothing already running is
/// re-scheduled.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Pinned {
    /// Live allocations, each on its node, with its job version and priority.
    pub allocs: Vec<crate::structs::Allocation>,
    /// The indexes of each registered job, as the cluster reports them.
    pub versions: BTreeMap<(String, String), JobIndexes>,
    /// Every job version an allocation runs (its embedded `Job`), so the
    /// reconciler compares a new spec with the one each allocation runs.
    pub history: BTreeMap<(String, String, u64), Job>,
    /// `rules/allocations.hcl`: running jobs without pinned allocations are
    /// scheduled as usual. An import registers them as they are (a job with
    /// no allocation in a real cluster has none).
    pub schedule_unpinned: bool,
    /// Per node ID, the finished allocations listed there: they size ProposedAllocs' map.
    pub listed_apart: BTreeMap<String, usize>,
    /// The IDs of the `rules/allocations.hcl` allocations that list no
    /// resources, so hold their group's ask in the job version they run:
    /// when a plan's before replaces a running job's text (git `HEAD`,
    /// `--running`), they take it from that text ([`super::before`]).
    #[serde(default)]
    pub group_asks: std::collections::BTreeSet<String>,
}

impl Pinned {
    /// Read from `rules/allocations.hcl`, the only source that schedules
    /// unpinned running jobs: its allocations' job-dependent fields are
    /// the world's `running` text's (`alloc_running`), where an import's
    /// carry the version each runs.
    pub fn hand_written(&self) -> bool {
        self.schedule_unpinned
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RegionLimit {
    /// `None` = not set (unlimited). Nomad: `0` unlimited, `< 0` forbidden.
    pub cpu: Option<i64>,
    pub cores: Option<i64>,
    pub memory: Option<i64>,
    pub memory_max: Option<i64>,
    pub devices: BTreeMap<String, i64>,
    pub network: bool,
    /// Every other limit the quota sets in the region, which is not
    /// simulated (`world::quota_limits`); the limit's own
    /// `variables_limit` is kept here too.
    #[serde(default)]
    pub unsimulated: Vec<super::quota_limits::NotSimulated>,
    /// Where each `device` limit is written (a quota file's label).
    pub device_spans: DeviceSpans,
    pub spans: Spans,
}

/// Where a quota's device limits are written, by name: no part of the
/// limit's equality (an import and the world it wrote are the same quota).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DeviceSpans(pub BTreeMap<String, crate::source::Span>);

impl PartialEq for DeviceSpans {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QuotaLimit {
    pub region: String,
    pub region_limit: RegionLimit,
    pub spans: Spans,
}

/// Nomad Enterprise quota specification (`nomad quota init` format).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QuotaSpec {
    pub name: String,
    pub description: String,
    pub limits: Vec<QuotaLimit>,
    pub spans: Spans,
}

impl QuotaSpec {
    pub fn limit_for(&self, region: &str) -> Option<&QuotaLimit> {
        self.limits.iter().find(|l| l.region == region)
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Namespace {
    pub name: String,
    pub description: String,
    pub quota: Option<String>,
    pub meta: BTreeMap<String, String>,
    pub enabled_task_drivers: Vec<String>,
    pub disabled_task_drivers: Vec<String>,
    /// `capabilities { enabled_network_modes }` (1.8.4+; Nomad's
    /// `NamespaceCapabilities.EnabledNetworkModes`): when listed, the only
    /// group network modes the namespace accepts.
    pub enabled_network_modes: Vec<String>,
    /// `capabilities { disabled_network_modes }` (1.8.4+).
    pub disabled_network_modes: Vec<String>,
    /// Its Vault and Consul clusters (Enterprise 1.7+, imports only).
    #[serde(default)]
    pub clusters: super::namespace_clusters::NamespaceClusters,
    /// `node_pool_config` (Enterprise 1.6+), as the spec states it.
    #[serde(default)]
    pub node_pools: Option<super::namespace_pools::NamespacePools>,
    pub spans: Spans,
}

/// Allowed priority band for one namespace (policy.hcl).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PriorityBand {
    pub namespace: String,
    pub min: i64,
    pub max: i64,
    pub spans: Spans,
}

/// Per-rule severity override from policy.hcl; `Off` disables the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RuleLevel {
    Off,
    On(Severity),
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PathIgnore {
    pub glob: String,
    pub codes: Vec<String>,
    pub spans: Spans,
}

/// Jobs or namespaces a change must never preempt or block (CI gate).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Protected {
    pub namespaces: Vec<String>,
    pub jobs: Vec<String>,
}

impl Protected {
    /// Does the policy protect this job (by its ID, or its whole namespace)?
    pub fn covers(&self, namespace: &str, job_id: &str) -> bool {
        self.jobs.iter().any(|j| j == job_id) || self.namespaces.iter().any(|n| n == namespace)
    }
}

/// `rules/policy.hcl`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Policy {
    pub bands: Vec<PriorityBand>,
    /// Minimum priority gap for a job meant to preempt another (Nomad: 10).
    pub preemption_gap: i64,
    /// Quota usage share above which "near the limit" is reported (0..1).
    pub quota_near_threshold: f64,
    /// Namespaces must carry a quota.
    pub require_quota: bool,
    /// `check --base`: suppression comments a change adds may silence its
    /// own errors (NP002 otherwise). Read from the base's policy only.
    pub allow_added_suppressions: bool,
    pub rules: BTreeMap<String, RuleLevel>,
    pub ignores: Vec<PathIgnore>,
    pub protected: Protected,
    pub spans: Spans,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            bands: Vec::new(),
            preemption_gap: 10,
            quota_near_threshold: 0.9,
            require_quota: false,
            allow_added_suppressions: false,
            rules: BTreeMap::new(),
            ignores: Vec::new(),
            protected: Protected::default(),
            spans: Spans::default(),
        }
    }
}

/// A job registered before anything is planned (`running = [...]`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RunningJob {
    /// Path as written in cluster.hcl, relative to the project root.
    pub path: PathBuf,
    pub job: Job,
    /// The `-var`/`-var-file` it was submitted with (cluster.hcl
    /// `running_job`; none for an import's jobs, which are evaluated).
    #[serde(default)]
    pub vars: super::running_vars::RunningVars,
}

/// Where the world was loaded from, for notices ("using the embedded demo").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum WorldOrigin {
    Dir(PathBuf),
    Embedded,
    Import(PathBuf),
    Git { rev: String, dir: PathBuf },
}

/// What cluster.hcl's `sentinel` states of Nomad Enterprise's Sentinel
/// policies, which its `Job.Plan` enforces before planning
/// (nomad/job_endpoint.go `enforceSubmitJob`; a no-op in the community
/// build, job_endpoint_ce.go).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Sentinel {
    /// `sentinel = "none"`: no submit-job policy.
    None,
    /// `sentinel = "policies"`: some, which nomad-preflight cannot
    /// evaluate: a plan in an Enterprise world cannot tell.
    Policies,
}

/// A path a world file was read through ([`World::read_through`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReadThrough {
    /// A symbolic link on the way, or where the links lead.
    pub through: PathBuf,
    /// The path read (a world file, or a running job's file).
    pub read: PathBuf,
}

/// Where a world's namespaces come from: whether a namespace it does not
/// hold is known not to exist (`super::guess::namespace_unknown` decides
/// what that leaves unknown, for every command).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum NamespaceList {
    /// rules/namespaces/ (a hand-written world, an empty folder included)
    /// or namespaces.json (an import): exactly these exist.
    #[default]
    Listed,
    /// A hand-written world without a rules/namespaces/ folder: `default`
    /// is Nomad's own, as created; no other is listed or denied.
    NoFolder,
    /// An import without namespaces.json (`import::not-saved`): which
    /// namespaces exist, and what they allow, is not known.
    NotSaved,
    /// namespaces.json saved with ACLs not said off, by a token not known
    /// to be a management one: Nomad lists only the namespaces the token
    /// may use (import/server.rs `token_scoped`), so others may exist.
    TokenScoped,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct World {
    pub origin: WorldOrigin,
    /// The project root that relative job paths resolve against.
    pub project_root: PathBuf,
    pub nomad_version: NomadVersion,
    pub region: String,
    pub scheduler: SchedulerConfig,
    pub clients: Vec<ClientPool>,
    pub quotas: BTreeMap<String, QuotaSpec>,
    /// Always contains `default`.
    pub namespaces: BTreeMap<String, Namespace>,
    /// Whether `namespaces` is the cluster's whole list ([`NamespaceList`]).
    #[serde(default)]
    pub namespace_list: NamespaceList,
    pub policy: Policy,
    /// Registration order matters: it is replayed through the scheduler
    /// (unless `pinned` holds the allocations as they are).
    pub running: Vec<RunningJob>,
    /// Allocations as they are (an import with `allocations.json`).
    pub pinned: Option<Pinned>,
    /// Registered CSI volumes by (namespace, ID): `rules/csi_volumes.hcl`
    /// or an import's `volumes/`.
    pub csi_volumes: BTreeMap<(String, String), crate::structs::csi::CsiVolume>,
    /// The servers' agent configuration the admission mutators read.
    pub server: ServerConfig,
    /// The servers' edition as the world states it: cluster.hcl's
    /// `edition`, a `+ent` version, or an import's build tag. See
    /// [`World::edition`] for what the rest of the world implies.
    pub stated_edition: Option<crate::version::Edition>,
    /// Whether the Enterprise servers hold Sentinel policies, as
    /// cluster.hcl's `sentinel` states it (`None`: not stated).
    pub sentinel: Option<Sentinel>,
    /// The paths the world's files were read through by symbolic links,
    /// each with the file read through it (relative to the project root):
    /// a world file or a running job's file that is a link, or lies below
    /// one, depends on the link and on where it leads, so a change to
    /// either is a change to the world ([`crate::check::world_change`]).
    pub read_through: Vec<ReadThrough>,
    /// `running` files (as listed) whose working-tree text is not what
    /// runs, run as git `HEAD` has them: it does not load, or the pinned
    /// allocations ran another version (only a working tree's world has
    /// any: [`super::stand_in`]).
    #[serde(default)]
    pub stand_ins: Vec<super::stand_in::StandIn>,
    /// Its load warnings ([`super::guess`]); the cache keeps no world with any.
    #[serde(skip)]
    pub warnings: crate::diag::Diags,
    /// Jobs (namespace, ID) an import found in a state not simulated (an
    /// allocation `unknown` on a disconnected client, a canary of a
    /// deployment in progress), with what: their plans are unknown
    /// (`import::alloc-state`, [`super::guess`]).
    #[serde(skip)]
    pub alloc_states: BTreeMap<(String, String), String>,
    /// Service jobs of an import whose latest deployment, of their
    /// registered version, the reconciler reads (in progress or failed, or
    /// unknown without deployments.json), with what: a plan that keeps the
    /// version is unknown (`import::deployment`, [`super::guess`]).
    #[serde(skip)]
    pub deployments: BTreeMap<(String, String), String>,
    /// What an import saved that only the status views print (allocation
    /// times, node events and driver health, when it was saved); `None`
    /// for a hand-written world, whose status times are simulated.
    #[serde(default)]
    pub status_facts: Option<super::status_facts::StatusFacts>,
    /// System jobs whose latest deployment succeeded holding no state for
    /// some groups ([`super::nil_deployment`]).
    #[serde(default)]
    pub nil_deployment_states: super::nil_deployment::NilStates,
}

impl World {
    /// A world with nothing in it yet, where every loader starts: Nomad's
    /// default release, the `global` region (Nomad's default), no clients,
    /// namespaces, quotas, running jobs or policy.
    pub fn empty(origin: WorldOrigin, project_root: PathBuf) -> World {
        World {
            origin,
            project_root,
            nomad_version: NomadVersion::default(),
            region: "global".to_string(),
            scheduler: SchedulerConfig::default(),
            clients: Vec::new(),
            quotas: BTreeMap::new(),
            namespaces: BTreeMap::new(),
            namespace_list: NamespaceList::Listed,
            policy: Policy::default(),
            running: Vec::new(),
            pinned: None,
            csi_volumes: Default::default(),
            server: Default::default(),
            stated_edition: None,
            sentinel: None,
            alloc_states: BTreeMap::new(),
            deployments: BTreeMap::new(),
            status_facts: None,
            nil_deployment_states: Default::default(),
            read_through: Vec::new(),
            stand_ins: Vec::new(),
            warnings: Default::default(),
        }
    }

    /// The servers' edition, where the world tells it: as stated, else
    /// Enterprise when the world holds what only Enterprise has (a quota
    /// specification, at every release; a namespace besides `default`
    /// before 1.0, which made namespaces open source; a namespace's
    /// `node_pool_config`, which community servers refuse; a release
    /// number only Enterprise shipped, such as 1.7.12). `None`: unknown.
    pub fn edition(&self) -> Option<crate::version::Edition> {
        use crate::version::Edition;
        self.stated_edition.or_else(|| {
            let namespaces = !self.nomad_version.at_least(1, 0, 0)
                && self.namespaces.keys().any(|n| n != "default");
            let number = self.nomad_version.enterprise_only();
            let pools = self.namespaces.values().any(|n| n.node_pools.is_some());
            (!self.quotas.is_empty() || namespaces || pools || number)
                .then_some(Edition::Enterprise)
        })
    }

    /// The quota attached to a namespace, if both exist.
    pub fn quota_of(&self, namespace: &str) -> Option<&QuotaSpec> {
        let q = self.namespaces.get(namespace)?.quota.as_ref()?;
        self.quotas.get(q)
    }

    /// Is preemption enabled for this job type in the world's scheduler config?
    pub fn preemption_enabled(&self, job_type: crate::jobspec::JobType) -> bool {
        use crate::jobspec::JobType::*;
        let p = &self.scheduler.preemption;
        match job_type {
            Service => p.service,
            Batch => p.batch,
            System => p.system,
            Sysbatch => p.sysbatch,
        }
    }
}
