//! What loading a world noticed, and which of it can change a verdict.
//!
//! The loader warns when it drops part of a world or fills a gap with a
//! guess. Every command that loads a world prints each warning as one line
//! on stderr and carries it in its JSON ([`report_line`], [`json`]). Most
//! describe a world Nomad would run just as simulated (a cidr Go refuses
//! is on no address, Nomad's as ours): they change no verdict. The
//! others are guesses, and a job they concern cannot be judged: `plan`
//! says so (exit 255, [`unknown`] through `planner::CannotKnow`) and
//! `check` reports it (NP216 `world-guess`), never Nomad's success text.
//!
//! | code | bearing |
//! |---|---|
//! | `world::no-version`, `import::version` | guess: the release is not stated, every job |
//! | `import::namespaces-not-saved` (an import), no warning (rules/) | guess: the world lists no namespaces (no rules/namespaces/ folder, no namespaces.json) and the job's namespace is not `default` (or, in an import, any from 1.3.0 or on Enterprise), unless a community cluster before 1.0 ([`namespace_unknown`]), that job |
//! | `import::not-saved` | guess: an import file is absent or empty (allocations, jobs or a job jobs.json lists, scheduler configuration; quotas on Enterprise), every job |
//! | `import::saved-apart` | guess: allocations.json holds an allocation its client runs of a job jobs.json does not list, under a release whose purge deletes a job's allocations (1.5.13, 1.6.6, 1.7.3+), every job |
//! | `import::node-pool-config` | guess (Enterprise 1.6+): a node pool sets its own scheduler configuration, or a namespace its node pools, every job |
//! | `import::namespace-clusters` | guess (Enterprise 1.7+): a namespace sets the Vault or Consul clusters its jobs use ([`super::namespace_clusters`]), its jobs that use that service |
//! | (no warning) | guess (Enterprise 1.6+, or an unstated edition): a world folder does not state the job's node pool (or states settings not simulated), and its verdict may rest on the pool's scheduler settings ([`super::node_pools`]); or the job's namespace's `node_pool_config` decides its pool or admission ([`super::namespace_pools`]), that job |
//! | `import::volumes-not-saved` | guess: the CSI volume list is absent, jobs claiming a CSI volume |
//! | (no warning) | guess: a client's host volume is dynamic (1.10+, [`HostVolume::dynamic`](super::model::HostVolume)), jobs asking for it |
//! | `import::alloc-state` | guess: a job's live allocation is `unknown` (disconnected client; a system or sysbatch one only where the import cannot say whether its window passed), running with a reconnect not reconciled (1.3+), a canary of a deployment in progress, or (before 0.12.5) already replaced, or a terminal allocation the reconciler still reads and the import cannot decide (a failed one not replaced whose reschedule depends on what the import lacks, a batch or sysbatch one the releases read differently), that job |
//! | `world::alloc-state` | guess: a hand-written world pins a service or batch job's running allocation on a disconnected client (1.3+) that Nomad's reconciler reads as disconnecting and the world cannot decide (`reschedule_nodes`: `structs::disconnected_node::told`), or from 1.7.2 one that is not live there, of a job version the world does not hold (its group decides whether the plan loses it), that job |
//! | `import::deployment` | guess: a service job's latest deployment, of its registered version, is in progress or failed (or deployments.json is not saved and a deployment placed its allocations), that job when planned unchanged; from 1.11.2 the same for a system job mid-rollout (an allocation of an older version live, one a deployment placed with no health yet: `evictAndPlace` lowers its limit by those) |
//! | `world::not-simulated` | guess (before 1.0): a quota's network limit, jobs with a network in its namespaces |
//! | `world::host-network-unknown` | guess: a cidr or go-sockaddr template taken as matching, jobs with ports |
//! | `world::quota-devices` | unknown for jobs asking devices (NP307, `CannotKnow::DeviceQuota`) |
//! | `world::quota-not-simulated` | unknown for the jobs a quota limit not simulated may bind (a node pool's limit: jobs in that pool or `all`; `secrets`, `numa`, `disk`, `iops`, a key not known: every job) (NP308, `CannotKnow::QuotaLimits`) |
//! | `world::quota-not-placement` | none: a quota's variables or host-volume limit, which no placement counts |
//! | `world::running-unplaced` | none, said: the replay leaves a declared running job's allocations unplaced and simulates them pending (blocked); added after the replay (`check::world_change::running_unplaced`) |
//! | `world::no-drivers` | none: the world format's default (a stock client's drivers), said in the warning |
//! | every other warning | none: the world is simulated as Nomad would run it |

use crate::diag::{Diag, Diags};
use crate::jobspec::Job;

use super::model::World;

/// A release the world does not state (cluster.hcl without
/// `nomad_version`, an import whose agent-self.json has no usable build).
pub const NO_VERSION: &str = "world::no-version";
pub const IMPORT_VERSION: &str = "import::version";
/// An import file that is absent or empty (import.rs `not_saved`): part
/// of the cluster's state is unknown, never taken as empty.
pub const NOT_SAVED: &str = "import::not-saved";
/// namespaces.json is absent or empty: which jobs that leaves unknown is
/// [`namespace_unknown`]'s to say (kind `Namespace`, never `NotSaved`).
pub const NAMESPACES_NOT_SAVED: &str = "import::namespaces-not-saved";
/// A node pool sets its own scheduler configuration, or a namespace its
/// default or allowed node pools (Enterprise 1.6+): not simulated.
pub const NODE_POOL_CONFIG: &str = "import::node-pool-config";
/// A namespace's Vault or Consul cluster configuration (Enterprise 1.7+):
/// not simulated ([`super::namespace_clusters`]).
pub const NAMESPACE_CLUSTERS: &str = "import::namespace-clusters";
/// The import's CSI volume list is absent or empty.
pub const VOLUMES_NOT_SAVED: &str = "import::volumes-not-saved";
/// allocations.json and jobs.json were saved on either side of a change:
/// an allocation its client runs, of a job jobs.json does not list, under
/// a release whose purge deletes it (world/api_alloc_purged.rs).
pub const SAVED_APART: &str = "import::saved-apart";
/// Live allocations of some jobs in a state not simulated
/// ([`World::alloc_states`]).
pub const ALLOC_STATE: &str = "import::alloc-state";
/// A hand-written world's pinned allocations of some jobs in a state not
/// simulated (`world::alloc_disconnected`, [`World::alloc_states`]).
pub const WORLD_ALLOC_STATE: &str = "world::alloc-state";

/// How many jobs `alloc_states` holds, and the first five named
/// `namespace/id`: the list both `alloc-state` warnings print.
pub(crate) fn alloc_state_jobs(world: &World) -> (usize, String) {
    let jobs: Vec<String> = world
        .alloc_states
        .keys()
        .map(|(ns, id)| format!("{ns}/{id}"))
        .collect();
    (jobs.len(), jobs[..jobs.len().min(5)].join(", "))
}

/// The `alloc-state` warning of a check that marked `marked` jobs: "N jobs
/// have {what}: first five", with `help`. Nothing when none was marked.
pub(super) fn warn_alloc_state(
    src: &crate::source::Source,
    diags: &mut Diags,
    marked: &[(String, String)],
    what: &str,
    help: &str,
) {
    if marked.is_empty() {
        return;
    }
    let names: Vec<String> = marked
        .iter()
        .take(5)
        .map(|(ns, id)| format!("{ns}/{id}"))
        .collect();
    diags.push(
        Diag::warning(
            WORLD_ALLOC_STATE,
            format!("{} jobs have {what}: {}", marked.len(), names.join(", ")),
        )
        .in_source(src)
        .help(help),
    );
}

/// Jobs whose deployment the scheduler reads ([`World::deployments`]).
pub const DEPLOYMENT: &str = "import::deployment";
/// A declared running job the replay cannot place in full: simulated as
/// pending, which a cluster that kept it running is not (redteam12 R12-1).
pub const RUNNING_UNPLACED: &str = "world::running-unplaced";
/// A quota's `network` limit (Nomad 0.10–0.12), not simulated.
pub const NETWORK_QUOTA: &str = "world::not-simulated";
/// A host network's `cidr` or `interface` the loader could not evaluate
/// and took as matching.
pub const HOST_NETWORK: &str = "world::host-network-unknown";

/// The guesses among a world's load warnings ([`World::warnings`]; a world
/// the cache kept has none: the cache keeps no world that warned).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guesses {
    /// The warning that says which release is simulated, when the world
    /// does not state one (cleared by `--nomad-version`).
    pub version: Option<String>,
    /// Some client pool's host network was taken as matching.
    pub host_networks: Vec<String>,
    /// Import files not saved, which concern every job.
    pub not_saved: Vec<String>,
    /// The import's CSI volume list is not saved.
    pub volumes_not_saved: Option<String>,
}

impl Guesses {
    /// From the load's warnings.
    pub fn of(warnings: &Diags) -> Guesses {
        let mut g = Guesses::default();
        for d in warnings.iter() {
            match d.code.as_str() {
                NO_VERSION | IMPORT_VERSION => g.version = Some(d.message.clone()),
                HOST_NETWORK => g.host_networks.push(d.message.clone()),
                NOT_SAVED | NODE_POOL_CONFIG | SAVED_APART => g.not_saved.push(d.message.clone()),
                VOLUMES_NOT_SAVED => g.volumes_not_saved = Some(d.message.clone()),
                _ => {}
            }
        }
        g
    }
}

/// Whether a load diagnostic is the world's own (its files, an import),
/// not a running job file's (those are the job's warnings).
pub fn is_world_warning(code: &str) -> bool {
    code.starts_with("world::") || code.starts_with("import::")
}

/// The world's own among a load's diagnostics.
pub fn world_warnings(diags: &Diags) -> Diags {
    Diags(
        diags
            .iter()
            .filter(|d| is_world_warning(&d.code))
            .cloned()
            .collect(),
    )
}

/// Whether `code` is the warning that the world states no release (which
/// `--nomad-version` then states).
pub fn is_version_guess(code: &str) -> bool {
    matches!(code, NO_VERSION | IMPORT_VERSION)
}

/// Whether a world warning of `code` can change a verdict (then the jobs
/// it concerns are reported as unknown): see the module's table.
pub fn changes_verdict(code: &str) -> bool {
    matches!(
        code,
        NO_VERSION
            | IMPORT_VERSION
            | NOT_SAVED
            | NAMESPACES_NOT_SAVED
            | NODE_POOL_CONFIG
            | NAMESPACE_CLUSTERS
            | SAVED_APART
            | VOLUMES_NOT_SAVED
            | ALLOC_STATE
            | WORLD_ALLOC_STATE
            | DEPLOYMENT
            | NETWORK_QUOTA
            | HOST_NETWORK
            | super::QUOTA_DEVICES
            | super::quota_limits::QUOTA_NOT_SIMULATED
    )
}

/// A world guess that concerns one job: its verdict cannot be known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorldGuess {
    /// The world states no release: `what` is the loader's warning.
    Version { what: String },
    /// The job's namespace has a quota whose network limit (0.10–0.12) is
    /// not simulated, and the job asks for a network.
    NetworkQuota { quota: String, namespace: String },
    /// A client pool's host network was taken as matching, and the job
    /// has ports.
    HostNetwork { what: String },
    /// An import file is not saved (`what`: the loader's warning), and the
    /// job's verdict reads what it holds.
    NotSaved { what: String },
    /// The job's own allocations are in a state not simulated.
    AllocState { what: String },
    /// The job's deployment is read by Nomad's reconciler, and the plan
    /// keeps the job's version.
    Deployment { what: String },
    /// The world does not list its namespaces, and the job's verdict
    /// reads its namespace ([`namespace_unknown`]).
    Namespace {
        namespace: String,
        list: super::model::NamespaceList,
    },
    /// The job's namespace sets the clusters of a service the job uses
    /// (Enterprise 1.7+), which is not simulated.
    NamespaceClusters {
        namespace: String,
        service: super::namespace_clusters::ClusterService,
    },
    /// The job's node pool may set scheduler settings its verdict rests
    /// on, which the world does not give (Enterprise 1.6+).
    PoolConfig(super::node_pools::PoolConfigUnknown),
    /// Its namespace's `node_pool_config` decides its pool or admission.
    NamespacePools(super::namespace_pools::NamespacePoolUnknown),
}

/// Whether the servers' answer on `job` depends on a namespace the world
/// does not describe, for `validate`, `check` and `plan` alike: the world
/// does not list its namespaces ([`super::model::NamespaceList`]), and
/// - the job's namespace is not `default`: whether it exists is not
///   known. Nomad refuses a job in a namespace that does not exist
///   (`job "ID" is in nonexistent namespace "NS"`: the state store's
///   upsert, nomad/state/state_store.go, every release; from 1.3.0 the
///   namespace validator first, nomad/job_endpoint_validators.go, which
///   `nomad job validate` runs too);
/// - or, in an import without namespaces.json, even `default`: from 1.3.0
///   what its `capabilities` allow is not known, and on Enterprise (or an
///   unstated edition) at every release its quota. A community cluster
///   from 1.0 to 1.2 sets nothing on `default` that a plan reads (its
///   Namespace has Name, Description, Quota, nomad/structs/structs.go
///   v1.2.0, and quotas are Enterprise's), so its jobs there are known.
///
/// Not so before 1.0 on a community cluster: its state store knows
/// `default` alone (nomad/state/state_store_oss.go `namespaceExists`,
/// v0.9.3-v0.12.12), so any other namespace is missing, as the world
/// holds it.
pub fn namespace_unknown(world: &World, job: &Job) -> Option<WorldGuess> {
    use super::model::NamespaceList;
    let v = world.nomad_version;
    let community = world.edition() == Some(crate::version::Edition::Community);
    if world.namespace_list == NamespaceList::Listed || (!v.at_least(1, 0, 0) && community) {
        return None;
    }
    if world.namespace_list == NamespaceList::TokenScoped {
        return (!world.namespaces.contains_key(&job.namespace)).then(|| WorldGuess::Namespace {
            namespace: job.namespace.clone(),
            list: world.namespace_list,
        });
    }
    let default = job.namespace == "default";
    let settings =
        world.namespace_list == NamespaceList::NotSaved && (v.at_least(1, 3, 0) || !community);
    (!default || settings).then(|| WorldGuess::Namespace {
        namespace: job.namespace.clone(),
        list: world.namespace_list,
    })
}

/// The world guess that concerns `job`, if any: the release first (it
/// decides everything), then the import files not saved, then the quota,
/// then the host networks.
pub fn unknown(world: &World, job: &Job) -> Option<WorldGuess> {
    let guesses = Guesses::of(&world.warnings);
    if let Some(what) = guesses.version {
        return Some(WorldGuess::Version { what });
    }
    // Said before the import's other files: the one line `validate`
    // says too.
    if let Some(g) = namespace_unknown(world, job) {
        return Some(g);
    }
    if let Some(what) = guesses.not_saved.into_iter().next() {
        return Some(WorldGuess::NotSaved { what });
    }
    let key = (job.namespace.clone(), job.id.clone());
    if let Some(what) = world.alloc_states.get(&key) {
        return Some(WorldGuess::AllocState { what: what.clone() });
    }
    if let Some(g) = super::namespace_clusters::unknown(world, job) {
        return Some(g);
    }
    let (ns, pool) = (super::namespace_pools::unknown, super::node_pools::unknown);
    let pools = ns(world, job).map(WorldGuess::NamespacePools);
    if let Some(g) = pools.or_else(|| pool(world, job).map(WorldGuess::PoolConfig)) {
        return Some(g);
    }
    if let Some(what) = guesses.volumes_not_saved {
        let csi = job
            .groups
            .iter()
            .flat_map(|g| &g.volumes)
            .any(|v| v.volume_type == "csi");
        if csi {
            return Some(WorldGuess::NotSaved { what });
        }
    }
    if let Some(what) = dynamic_host_volume(world, job) {
        return Some(WorldGuess::NotSaved { what });
    }
    if job.stop {
        return None;
    }
    let networks = || {
        job.groups.iter().flat_map(|g| {
            g.networks
                .iter()
                .chain(g.tasks.iter().flat_map(|t| &t.resources.networks))
        })
    };
    if !world.nomad_version.at_least(1, 0, 0) {
        let quota = world.quota_of(&job.namespace);
        let limit = quota.and_then(|q| Some((q, q.limit_for(&world.region)?)));
        if let Some((quota, limit)) = limit {
            if limit.region_limit.network && networks().next().is_some() {
                return Some(WorldGuess::NetworkQuota {
                    quota: quota.name.clone(),
                    namespace: job.namespace.clone(),
                });
            }
        }
    }
    if let Some(what) = guesses.host_networks.first() {
        if networks().any(|n| n.ports().next().is_some()) {
            return Some(WorldGuess::HostNetwork { what: what.clone() });
        }
    }
    None
}

/// A host volume the job asks for that some client has as a dynamic host
/// volume (1.10+): Nomad's `HostVolumeChecker` (scheduler/feasible/
/// feasible.go 2.0.5) then reads the volume object (its namespace, access
/// and attachment modes, claims, `sticky`), which a world does not hold.
fn dynamic_host_volume(world: &World, job: &Job) -> Option<String> {
    let asked = job.groups.iter().flat_map(|g| &g.volumes);
    let asked = asked.filter(|v| v.volume_type == "host");
    for v in asked {
        let matches = |name: &str| {
            name == v.source
                || (v.per_alloc
                    && name
                        .strip_prefix(v.source.as_str())
                        .is_some_and(|r| r.starts_with('[')))
        };
        for pool in &world.clients {
            let dynamic = pool
                .host_volumes
                .iter()
                .find(|(n, hv)| hv.dynamic && matches(n));
            if let Some((name, _)) = dynamic {
                return Some(format!(
                    "clients of pool {:?} have {name:?} as a dynamic host volume, whose namespace, access modes and claims are not simulated",
                    pool.name
                ));
            }
        }
    }
    None
}

/// The job's deployment the reconciler reads ([`World::deployments`]),
/// a guess only for a plan that keeps the registered version: the caller
/// judges that, with the admission mutators this layer cannot run
/// (`planner::world_guess`).
pub fn deployment(world: &World, job: &Job) -> Option<WorldGuess> {
    let what = world
        .deployments
        .get(&(job.namespace.clone(), job.id.clone()))?;
    Some(WorldGuess::Deployment { what: what.clone() })
}

impl WorldGuess {
    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        let job = crate::escape::one_line(&job.id);
        match self {
            WorldGuess::Version { what } => format!(
                "the world does not say which Nomad release it runs ({}), so whether job {job:?} is accepted and placed cannot be known: set `nomad_version = \"X.Y.Z\"` in the world's cluster.hcl (agent-self.json in an import), or pass --nomad-version",
                crate::escape::one_line(what)
            ),
            WorldGuess::NetworkQuota { quota, namespace } => format!(
                "quota {} of namespace {} limits network bandwidth, which nomad-preflight does not simulate, and job {job:?} asks for a network: whether it fits cannot be known",
                crate::gotext::go_quote(quota),
                crate::gotext::go_quote(namespace)
            ),
            WorldGuess::NotSaved { what } => format!(
                "the import does not hold part of the cluster's state ({}), so whether job {job:?} is accepted and placed cannot be known: save it from the cluster",
                crate::escape::one_line(what)
            ),
            WorldGuess::AllocState { what } => format!(
                "job {job:?} has an allocation in a state nomad-preflight does not simulate ({}), so its plan cannot be known",
                crate::escape::one_line(what)
            ),
            WorldGuess::HostNetwork { what } => format!(
                "the world guessed which addresses a host network covers ({}), and job {job:?} has ports: where they can be placed cannot be known",
                crate::escape::one_line(what)
            ),
            WorldGuess::Deployment { what } => format!(
                "job {job:?} is planned unchanged, and Nomad's reconciler reads its deployment, which nomad-preflight does not simulate ({}), so its plan cannot be known",
                crate::escape::one_line(what)
            ),
            WorldGuess::Namespace { namespace, list } => {
                let ns = crate::gotext::go_quote(namespace);
                let what = if namespace == "default" {
                    format!("what namespace {ns} allows")
                } else {
                    format!("whether namespace {ns} exists")
                };
                let why = match list {
                    super::model::NamespaceList::NotSaved => {
                        "the import does not hold namespaces.json"
                    }
                    super::model::NamespaceList::TokenScoped => {
                        "namespaces.json lists only the namespaces its token could see (agent-self.json does not say ACLs are off, and no acl-token-self.json says it was a management token)"
                    }
                    _ => "the world does not list its namespaces (no rules/namespaces/ folder)",
                };
                format!("cannot tell whether Nomad accepts job {job:?}: {why}, so {what} is not known")
            }
            WorldGuess::NamespaceClusters { namespace, service } => format!(
                "namespace {} sets which {} clusters its jobs use ({}, Nomad Enterprise), which nomad-preflight does not simulate, and job {job:?} uses {}: whether Nomad accepts it and where it is placed cannot be known",
                crate::gotext::go_quote(namespace),
                service.name(),
                service.api_key(),
                service.name()
            ),
            WorldGuess::PoolConfig(u) => u.line(&job),
            WorldGuess::NamespacePools(u) => u.line(&job),
        }
    }

    /// A hint for diagnostics that carry the line.
    pub fn hint(&self) -> &'static str {
        match self {
            WorldGuess::Version { .. } => {
                "state the release: `nomad_version = \"X.Y.Z\"` in rules/cluster.hcl, agent-self.json in an import, or --nomad-version"
            }
            WorldGuess::NetworkQuota { .. } => {
                "judge the job on the cluster (`nomad job plan`), or remove the quota's network limit from the world"
            }
            WorldGuess::NotSaved { .. } => {
                "save the file from the cluster: `nomad-preflight import --print-commands DIR` lists the commands"
            }
            WorldGuess::AllocState { .. } => {
                "plan the job once its clients reconnect and its deployment finishes, or on the cluster (`nomad job plan`)"
            }
            WorldGuess::HostNetwork { .. } => {
                "write the host network's cidr as the client's Go reads it, and name its interface plainly"
            }
            WorldGuess::Deployment { .. } => {
                "plan the job once its deployment finishes, or on the cluster (`nomad job plan`)"
            }
            WorldGuess::Namespace { list, .. } => match list {
                super::model::NamespaceList::NotSaved => {
                    "save namespaces.json from the cluster: `nomad-preflight import --print-commands DIR` lists the commands"
                }
                super::model::NamespaceList::TokenScoped => {
                    "save namespaces.json and acl-token-self.json (`nomad operator api /v1/acl/token/self`) with a management token"
                }
                _ => {
                    "describe the cluster's namespaces in rules/namespaces/NAME.hcl (an empty rules/namespaces/ folder says only `default` exists)"
                }
            },
            WorldGuess::NamespaceClusters { .. } => {
                "judge the job on the cluster (`nomad job plan`)"
            }
            WorldGuess::PoolConfig(u) => u.hint(),
            WorldGuess::NamespacePools(u) => u.hint(),
        }
    }

    /// Its value under `Preflight.WorldGuess` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        match self {
            WorldGuess::Version { what } => {
                serde_json::json!({"Kind": "Version", "Warning": what})
            }
            WorldGuess::NetworkQuota { quota, namespace } => {
                serde_json::json!({"Kind": "NetworkQuota", "Quota": quota, "Namespace": namespace})
            }
            WorldGuess::HostNetwork { what } => {
                serde_json::json!({"Kind": "HostNetwork", "Warning": what})
            }
            WorldGuess::NotSaved { what } => {
                serde_json::json!({"Kind": "NotSaved", "Warning": what})
            }
            WorldGuess::AllocState { what } => {
                serde_json::json!({"Kind": "AllocState", "Warning": what})
            }
            WorldGuess::Deployment { what } => {
                serde_json::json!({"Kind": "Deployment", "Warning": what})
            }
            WorldGuess::Namespace { namespace, list } => {
                let list = match list {
                    super::model::NamespaceList::NotSaved => "NotSaved",
                    super::model::NamespaceList::TokenScoped => "TokenScoped",
                    _ => "NoFolder",
                };
                serde_json::json!({"Kind": "Namespace", "Namespace": namespace, "List": list})
            }
            WorldGuess::NamespaceClusters { namespace, service } => serde_json::json!({
                "Kind": "NamespaceClusters",
                "Namespace": namespace,
                "Service": service.name()
            }),
            WorldGuess::PoolConfig(u) => u.json(),
            WorldGuess::NamespacePools(u) => u.json(),
        }
    }
}

/// One world warning as one stderr line:
/// `warning: world: FILE:LINE:COL: CODE: MESSAGE (changes verdicts)`.
pub fn report_line(d: &Diag) -> String {
    let at = d
        .location()
        .map(|(f, l, c)| format!("{}:{l}:{c}: ", crate::escape::one_line(&f)))
        .or_else(|| {
            d.source
                .as_ref()
                .map(|s| format!("{}: ", crate::escape::one_line(&s.name)))
        })
        .unwrap_or_default();
    let bearing = if changes_verdict(&d.code) {
        " [the jobs it concerns are reported as unknown]"
    } else {
        ""
    };
    format!(
        "{}: world: {at}{}: {}{bearing}",
        d.severity.as_str(),
        d.code,
        crate::escape::one_line(&d.message)
    )
}

/// The world's warnings for `--format json` (`Preflight.World`).
pub fn json(warnings: &Diags) -> serde_json::Value {
    let item = |d: &Diag| {
        let (file, line, col) = match d.location() {
            Some((f, l, c)) => (Some(f), Some(l), Some(c)),
            None => (d.source.as_ref().map(|s| s.name.clone()), None, None),
        };
        serde_json::json!({
            "Code": d.code,
            "Severity": d.severity.as_str(),
            "Message": d.message,
            "File": file,
            "Line": line,
            "Column": col,
            "ChangesVerdict": changes_verdict(&d.code),
        })
    };
    serde_json::Value::Array(warnings.iter().map(item).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_come_from_the_codes_that_change_verdicts() {
        let w = Diags(vec![
            Diag::warning("world::no-drivers", "x"),
            Diag::warning(NO_VERSION, "cluster.hcl sets no nomad_version"),
            Diag::warning(HOST_NETWORK, "client `a`: ..."),
        ]);
        let g = Guesses::of(&w);
        assert_eq!(
            g.version.as_deref(),
            Some("cluster.hcl sets no nomad_version")
        );
        assert_eq!(g.host_networks, vec!["client `a`: ...".to_string()]);
        assert!(!changes_verdict("world::no-drivers"));
        assert!(changes_verdict(NETWORK_QUOTA));
        let line = report_line(&Diag::warning("world::empty-quota", "quota `q`\nhas none"));
        assert_eq!(
            line,
            "warning: world: world::empty-quota: quota `q`\\nhas none"
        );
    }
}
