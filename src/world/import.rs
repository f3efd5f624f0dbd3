//! A world from a real cluster: the JSON Nomad's HTTP API returns, saved as
//! files (see [`IMPORT_FILES`] and [`print_commands`]). Identical client
//! nodes are grouped into pools so the result reads like a hand-written
//! `rules/cluster.hcl`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

pub use super::api_job::job_from_api_json;
use super::api_json::{b, i, path, path_i, s, smap, strs};
use super::model::*;
use crate::diag::{Diag, Diags};
use crate::jobspec::Job;
use crate::source::{Source, SourceFile};
use crate::version::NomadVersion;
use crate::vfs::Vfs;

/// The files an import folder holds, and the API call that produces each.
pub const IMPORT_FILES: &[(&str, &str)] = &[
    ("agent-self.json", "/v1/agent/self"),
    ("nodes.json", "/v1/nodes?resources=true"),
    ("namespaces.json", "/v1/namespaces"),
    ("quotas.json", "/v1/quotas"),
    ("scheduler.json", "/v1/operator/scheduler/configuration"),
    (
        super::api_alloc::ALLOCATIONS_FILE,
        "/v1/allocations?resources=true&namespace=*",
    ),
    (
        super::api_csi::VOLUMES_LIST,
        "/v1/volumes?type=csi&namespace=*",
    ),
];

/// `nodes.json` marks a folder as an import rather than a `rules/` folder.
pub fn is_import_dir(vfs: &dyn Vfs, dir: &Path) -> bool {
    vfs.is_file(&dir.join("nodes.json"))
}

/// The shell commands that save a cluster's state into `dir`.
pub fn print_commands(dir: &str) -> String {
    let mut out = String::from(
        "# Needs a Nomad 1.5+ CLI (`nomad operator api`) and jq; with an older CLI\n\
         # fetch the same paths with: curl -s \"$NOMAD_ADDR<path>\" (add -H \"X-Nomad-Token: ...\").\n",
    );
    out.push_str(&format!("mkdir -p {dir}/jobs\n"));
    for (file, path) in IMPORT_FILES {
        out.push_str(&format!("nomad operator api '{path}' > {dir}/{file}\n"));
    }
    // Per-node and per-job details are not in the list endpoints (attributes,
    // meta, task groups), so each one is fetched by id.
    out.push_str(&format!(
        "for id in $(nomad node status -quiet); do nomad operator api \"/v1/node/$id\" > {dir}/node-$id.json; done\n"
    ));
    out.push_str(&super::api_csi::print_commands(dir));
    out.push_str(&format!(
        "nomad operator api '/v1/jobs?namespace=*' | jq -r '.[] | \"\\(.Namespace) \\(.ID)\"' | while read ns id; do mkdir -p {dir}/jobs/$ns; nomad operator api \"/v1/job/$id?namespace=$ns\" > {dir}/jobs/$ns/$id.json; done\n"
    ));
    out
}

pub(super) fn read_json(vfs: &dyn Vfs, path: &Path, diags: &mut Diags) -> Option<(Source, Value)> {
    let src = vfs.read(path).ok()?;
    match serde_json::from_str::<Value>(&src.text) {
        Ok(v) => Some((src, v)),
        Err(e) => {
            let offset = line_col_offset(&src, e.line(), e.column());
            diags.push(
                Diag::error("import::json", format!("invalid JSON: {e}"))
                    .at(
                        &src,
                        crate::source::Span::new(offset, (offset + 1).min(src.text.len())),
                        "here",
                    )
                    .help("save the file with `nomad operator api PATH > FILE`"),
            );
            None
        }
    }
}

/// [`read_json`] for a file of nodes, allocations or jobs: every resource
/// figure in it must be in range ([`super::bounds`]), or the file is
/// refused whole, so no later sum sees a figure past the bound.
fn read_bounded_json(vfs: &dyn Vfs, path: &Path, diags: &mut Diags) -> Option<(Source, Value)> {
    let (src, v) = read_json(vfs, path, diags)?;
    let before = diags.len();
    super::bounds::check_json(&src, &v, diags);
    (diags.len() == before).then_some((src, v))
}

fn line_col_offset(src: &SourceFile, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in src.text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + col.saturating_sub(1)).min(src.text.len());
        }
        offset += l.len();
    }
    src.text.len()
}

/// One client node as the API describes it, reduced to what a pool holds.
#[derive(Debug, Clone, PartialEq)]
struct NodeShape {
    name: String,
    id: String,
    /// The node's devices with their instance IDs; the pool's shape holds
    /// them without IDs, so nodes alike but for their serials group.
    devices: Vec<crate::cluster::device::NodeDevice>,
    pool: ClientPool,
}

/// `Status`, `SchedulingEligibility` and drain as the API reports them: the
/// full node has `DrainStrategy` (non-null while draining), the list stub
/// and pre-0.8 agents a `Drain` flag.
fn node_state(v: &Value) -> NodeState {
    use crate::cluster::NodeStatus;
    NodeState {
        status: match s(v, "Status").as_str() {
            "down" => NodeStatus::Down,
            "initializing" => NodeStatus::Initializing,
            "disconnected" => NodeStatus::Disconnected,
            _ => NodeStatus::Ready,
        },
        ineligible: s(v, "SchedulingEligibility") == "ineligible",
        drain: b(v, "Drain") || v.get("DrainStrategy").is_some_and(|d| !d.is_null()),
    }
}

fn node_shape(v: &Value) -> NodeShape {
    // 0.9+ reports NodeResources; older agents only the legacy Resources.
    let cpu = path_i(v, &["NodeResources", "Cpu", "CpuShares"])
        .or_else(|| path_i(v, &["Resources", "CPU"]))
        .unwrap_or(0);
    let memory = path_i(v, &["NodeResources", "Memory", "MemoryMB"])
        .or_else(|| path_i(v, &["Resources", "MemoryMB"]))
        .unwrap_or(0);
    let disk = path_i(v, &["NodeResources", "Disk", "DiskMB"])
        .or_else(|| path_i(v, &["Resources", "DiskMB"]))
        .unwrap_or(0);
    let nets = path(v, &["NodeResources", "Networks"])
        .or_else(|| path(v, &["Resources", "Networks"]))
        .and_then(Value::as_array);
    let mbits = nets
        .and_then(|n| n.iter().filter_map(|n| n.get("MBits")?.as_i64()).max())
        .unwrap_or(1000);
    let reserved = Reserved {
        cpu: path_i(v, &["ReservedResources", "Cpu", "CpuShares"])
            .or_else(|| path_i(v, &["Reserved", "CPU"]))
            .unwrap_or(0),
        memory: path_i(v, &["ReservedResources", "Memory", "MemoryMB"])
            .or_else(|| path_i(v, &["Reserved", "MemoryMB"]))
            .unwrap_or(0),
        disk: path_i(v, &["ReservedResources", "Disk", "DiskMB"])
            .or_else(|| path_i(v, &["Reserved", "DiskMB"]))
            .unwrap_or(0),
        ports: path(v, &["ReservedResources", "Networks", "ReservedHostPorts"])
            .and_then(Value::as_str)
            .and_then(|p| super::load::parse_port_ranges(p).ok())
            .unwrap_or_default(),
    };
    let mut drivers: Vec<String> = v
        .get("Drivers")
        .and_then(Value::as_object)
        .map(|d| {
            d.iter()
                .filter(|(_, info)| b(info, "Healthy") || b(info, "Detected"))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    drivers.sort();
    // unique.* attributes (hostname, IPs, instance ids) differ on every node
    // and would keep identical machines in separate pools.
    let attributes = smap(v, "Attributes")
        .into_iter()
        .filter(|(k, _)| !k.starts_with("unique."))
        .collect();
    let node_pool = match s(v, "NodePool") {
        p if p.is_empty() => "default".to_string(),
        p => p,
    };
    let devices = super::device_file::devices_from_api(v);
    let mut shape_devices = devices.clone();
    for inst in shape_devices
        .iter_mut()
        .flat_map(|d| d.instances.iter_mut())
    {
        inst.id.clear();
    }
    NodeShape {
        name: s(v, "Name"),
        id: s(v, "ID"),
        devices,
        pool: ClientPool {
            name: String::new(),
            count: 1,
            datacenter: s(v, "Datacenter"),
            node_pool,
            node_class: s(v, "NodeClass"),
            cpu,
            memory,
            disk,
            network_mbits: mbits,
            drivers,
            attributes,
            meta: smap(v, "Meta"),
            reserved,
            state: node_state(v),
            host_volumes: v
                .get("HostVolumes")
                .and_then(Value::as_object)
                .map(|vs| {
                    vs.iter()
                        .map(|(name, hv)| {
                            let vol = HostVolume {
                                path: s(hv, "Path"),
                                read_only: b(hv, "ReadOnly"),
                            };
                            (name.clone(), vol)
                        })
                        .collect()
                })
                .unwrap_or_default(),
            devices: shape_devices,
            csi_plugins: super::api_csi::node_plugins(v),
            members: Vec::new(),
            spans: Default::default(),
        },
    }
}

/// The stem of a node name: `client-12` → `client`.
fn name_stem(n: &str) -> &str {
    n.trim_end_matches(|c: char| c.is_ascii_digit())
        .trim_end_matches(['-', '_', '.'])
}

/// Hands out pool names from the nodes' names (`client-1`, `client-2` →
/// `client`), numbering repeats `client2`, `client3`, ... in pool order.
///
/// Each base remembers the last number it tried: names are never released,
/// so every number below it is still taken and the next search starts
/// there. A probe either names the pool (once per pool) or finds a taken
/// name, which moves its base past it for good, so N pools cost O(N) probes
/// however many share a base (a scan from 2 each time probed N²/2 names,
/// each probe a scan of every name: 20,000 nodes took minutes).
#[derive(Default)]
struct PoolNamer {
    taken: std::collections::HashSet<String>,
    next: std::collections::HashMap<String, u64>,
    /// Names probed so far, to keep the bound above honest in a test.
    probes: u64,
}

impl PoolNamer {
    fn name(&mut self, names: &[&str]) -> String {
        let base = names
            .first()
            .map(|n| name_stem(n))
            .filter(|b| !b.is_empty() && names.iter().all(|n| name_stem(n) == *b))
            .unwrap_or("client")
            .to_string();
        let mut name = base.clone();
        let k = self.next.entry(base.clone()).or_insert(2);
        loop {
            self.probes += 1;
            if !self.taken.contains(&name) {
                break;
            }
            name = format!("{base}{k}");
            *k += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

/// A hash of everything that makes two nodes' pools equal, so grouping
/// compares a node only with the groups of its own bucket. Fields it leaves
/// out only cost collisions: membership is still decided by `==`.
fn shape_hash(p: &ClientPool) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&p.datacenter, &p.node_pool, &p.node_class).hash(&mut h);
    (p.cpu, p.memory, p.disk, p.network_mbits).hash(&mut h);
    (&p.drivers, &p.attributes, &p.meta).hash(&mut h);
    let r = &p.reserved;
    (r.cpu, r.memory, r.disk, &r.ports).hash(&mut h);
    (p.state.status.as_str(), p.state.ineligible, p.state.drain).hash(&mut h);
    for (name, v) in &p.host_volumes {
        (name, &v.path, v.read_only).hash(&mut h);
    }
    h.finish()
}

/// Pools of identical nodes, and the work it took to find them (the counts
/// are read by the growth test only).
#[cfg_attr(not(test), allow(dead_code))]
struct Grouping {
    pools: Vec<ClientPool>,
    /// Full shape comparisons made (one per node and same-bucket group).
    comparisons: u64,
    probes: u64,
}

/// Group identical nodes (sorted by name for stable output) into pools, in
/// the order each shape first appears.
fn group_nodes(nodes: Vec<NodeShape>) -> Vec<ClientPool> {
    group_nodes_counted(nodes).pools
}

fn group_nodes_counted(mut nodes: Vec<NodeShape>) -> Grouping {
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    // Members are kept beside each pool, not in it, so the shape comparison
    // below ignores the nodes' identities.
    let mut groups: Vec<(ClientPool, Vec<NodeIdentity>)> = Vec::new();
    let mut buckets: std::collections::HashMap<u64, Vec<usize>> = Default::default();
    let mut comparisons = 0;
    for n in nodes {
        let member = NodeIdentity {
            id: n.id,
            name: n.name,
            devices: n.devices,
        };
        let bucket = buckets.entry(shape_hash(&n.pool)).or_default();
        let found = bucket.iter().copied().find(|&g| {
            comparisons += 1;
            groups[g].0 == n.pool
        });
        match found {
            Some(g) => groups[g].1.push(member),
            None => {
                bucket.push(groups.len());
                groups.push((n.pool, vec![member]));
            }
        }
    }
    let mut namer = PoolNamer::default();
    let pools = groups
        .into_iter()
        .map(|(mut pool, members)| {
            let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
            pool.name = namer.name(&names);
            pool.count = u32::try_from(members.len()).unwrap_or(u32::MAX);
            pool.members = members;
            pool
        })
        .collect();
    Grouping {
        pools,
        comparisons,
        probes: namer.probes,
    }
}

pub fn quota_from_api(v: &Value) -> QuotaSpec {
    let limits = v
        .get("Limits")
        .and_then(Value::as_array)
        .map(|ls| {
            ls.iter()
                .map(|l| {
                    let rl = l.get("RegionLimit").unwrap_or(&Value::Null);
                    // The API leaves unset limits at 0 (= unlimited); keep
                    // them as "not set" so a written spec stays minimal.
                    let opt = |k: &str| rl.get(k).and_then(Value::as_i64).filter(|x| *x != 0);
                    QuotaLimit {
                        region: s(l, "Region"),
                        region_limit: RegionLimit {
                            cpu: opt("CPU"),
                            cores: opt("Cores"),
                            memory: opt("MemoryMB"),
                            memory_max: opt("MemoryMaxMB"),
                            devices: rl
                                .get("Devices")
                                .and_then(Value::as_array)
                                .map(|d| d.iter().map(|d| (s(d, "Name"), i(d, "Count"))).collect())
                                .unwrap_or_default(),
                            spans: Default::default(),
                        },
                        spans: Default::default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    QuotaSpec {
        name: s(v, "Name"),
        description: s(v, "Description"),
        limits,
        spans: Default::default(),
    }
}

pub fn namespace_from_api(v: &Value) -> Namespace {
    let caps = v.get("Capabilities").unwrap_or(&Value::Null);
    Namespace {
        name: s(v, "Name"),
        description: s(v, "Description"),
        quota: Some(s(v, "Quota")).filter(|q| !q.is_empty()),
        meta: smap(v, "Meta"),
        enabled_task_drivers: strs(caps, "EnabledTaskDrivers"),
        disabled_task_drivers: strs(caps, "DisabledTaskDrivers"),
        spans: Default::default(),
    }
}

pub fn scheduler_from_api(v: &Value) -> SchedulerConfig {
    let cfg = v.get("SchedulerConfig").unwrap_or(v);
    let p = cfg.get("PreemptionConfig").unwrap_or(&Value::Null);
    let flag = |k: &str, default: bool| p.get(k).and_then(Value::as_bool).unwrap_or(default);
    let defaults = PreemptionConfig::default();
    SchedulerConfig {
        algorithm: match s(cfg, "SchedulerAlgorithm").as_str() {
            "spread" => Algorithm::Spread,
            _ => Algorithm::Binpack,
        },
        preemption: PreemptionConfig {
            system: flag("SystemSchedulerEnabled", defaults.system),
            sysbatch: flag("SysBatchSchedulerEnabled", defaults.sysbatch),
            batch: flag("BatchSchedulerEnabled", defaults.batch),
            service: flag("ServiceSchedulerEnabled", defaults.service),
        },
        memory_oversubscription: b(cfg, "MemoryOversubscriptionEnabled"),
        spans: Default::default(),
    }
}

/// Build a world from an import folder.
pub fn load_import(vfs: &dyn Vfs, dir: &Path) -> Result<(World, Diags), Diags> {
    let mut diags = Diags::new();
    let mut world = World {
        origin: WorldOrigin::Import(dir.to_path_buf()),
        project_root: dir.to_path_buf(),
        nomad_version: NomadVersion::default(),
        region: "global".to_string(),
        scheduler: SchedulerConfig::default(),
        clients: Vec::new(),
        quotas: BTreeMap::new(),
        namespaces: BTreeMap::new(),
        policy: Policy::default(),
        running: Vec::new(),
        pinned: None,
        csi_volumes: Default::default(),
    };
    if let Some((src, v)) = read_json(vfs, &dir.join("agent-self.json"), &mut diags) {
        let tags = path(&v, &["member", "Tags"]).unwrap_or(&Value::Null);
        let build = s(tags, "build");
        match build.parse::<NomadVersion>() {
            Ok(ver) => world.nomad_version = ver,
            Err(_) => diags.push(
                Diag::warning("import::version", format!("agent-self.json has no usable version (member.Tags.build = {build:?}); simulating Nomad {}", world.nomad_version))
                    .in_source(&src),
            ),
        }
        if !s(tags, "region").is_empty() {
            world.region = s(tags, "region");
        }
    }
    let mut shapes: BTreeMap<String, NodeShape> = BTreeMap::new();
    if let Some((src, v)) = read_bounded_json(vfs, &dir.join("nodes.json"), &mut diags) {
        match v.as_array() {
            Some(list) => {
                for n in list {
                    shapes.insert(s(n, "ID"), node_shape(n));
                }
            }
            None => diags.push(
                Diag::error("import::shape", "nodes.json must hold a list of nodes")
                    .in_source(&src)
                    .help("save it with `nomad operator api '/v1/nodes?resources=true'`"),
            ),
        }
    }
    // Per-node files carry attributes and meta that the list leaves out.
    for p in vfs.list(dir).unwrap_or_default() {
        let is_node = p
            .file_name()
            .and_then(|f| f.to_str())
            .is_some_and(|f| f.starts_with("node-") && f.ends_with(".json"));
        if is_node {
            if let Some((_, v)) = read_bounded_json(vfs, &p, &mut diags) {
                shapes.insert(s(&v, "ID"), node_shape(&v));
            }
        }
    }
    if shapes.len() > super::MAX_CLIENTS as usize {
        diags.push(
            Diag::error(
                "import::too-many-nodes",
                format!(
                    "{} holds {} client nodes, more than the {} a world may hold",
                    dir.display(),
                    shapes.len(),
                    super::MAX_CLIENTS
                ),
            )
            .help("every client is simulated; import the part of the cluster the jobs can reach (filter nodes.json by datacenter or node pool)"),
        );
        return Err(diags);
    }
    let node_ids: std::collections::HashSet<String> = shapes.keys().cloned().collect();
    let csi = world.nomad_version.at_least(0, 11, 0);
    if csi {
        for (node, plugins) in super::api_csi::plugin_files(vfs, dir, &mut diags) {
            if let Some(shape) = shapes.get_mut(&node) {
                for (id, p) in plugins {
                    shape.pool.csi_plugins.entry(id).or_insert(p);
                }
            }
        }
    }
    world.clients = group_nodes(shapes.into_values().collect());
    if let Some((_, v)) = read_json(vfs, &dir.join("quotas.json"), &mut diags) {
        for q in v.as_array().into_iter().flatten().map(quota_from_api) {
            world.quotas.insert(q.name.clone(), q);
        }
    }
    if let Some((_, v)) = read_json(vfs, &dir.join("namespaces.json"), &mut diags) {
        for ns in v.as_array().into_iter().flatten().map(namespace_from_api) {
            world.namespaces.insert(ns.name.clone(), ns);
        }
    }
    world
        .namespaces
        .entry("default".to_string())
        .or_insert_with(super::load::default_namespace);
    if let Some((_, v)) = read_json(vfs, &dir.join("scheduler.json"), &mut diags) {
        world.scheduler = scheduler_from_api(&v);
    }
    let versions = load_jobs(vfs, dir, &mut world, &mut diags);
    let allocs = dir.join(super::api_alloc::ALLOCATIONS_FILE);
    // A present allocations.json that cannot be read must not fall back to
    // re-scheduling the cluster as if it were absent.
    if vfs.is_file(&allocs) {
        if let Err(e) = vfs.read(&allocs) {
            diags.push(
                Diag::error(
                    "import::unreadable",
                    format!("cannot read {}: {e}", allocs.display()),
                )
                .help("without it the running allocations are unknown; fix or remove the file"),
            );
        }
    }
    if let Some((src, v)) = read_bounded_json(vfs, &allocs, &mut diags) {
        super::api_alloc::load_allocations(&src, &v, &mut world, versions, &node_ids, &mut diags);
    }
    if csi {
        super::api_csi::load_volumes(vfs, dir, &mut world, &mut diags);
    }
    if world.clients.is_empty() {
        diags.push(
            Diag::error(
                "import::no-nodes",
                format!("no client nodes found in {}", dir.display()),
            )
            .help("save nodes.json and node-<id>.json files (see `import --print-commands`)"),
        );
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok((world, diags))
    }
}

/// Jobs under `jobs/<namespace>/<id>.json`, replayed in creation order
/// (unless `allocations.json` pins them); returns each job's indexes.
fn load_jobs(
    vfs: &dyn Vfs,
    dir: &Path,
    world: &mut World,
    diags: &mut Diags,
) -> BTreeMap<(String, String), JobIndexes> {
    let mut versions = BTreeMap::new();
    let jobs_dir = dir.join("jobs");
    let mut found: Vec<(u64, PathBuf, Job)> = Vec::new();
    let mut ns_dirs: Vec<String> = world.namespaces.keys().cloned().collect();
    ns_dirs.sort();
    for ns in ns_dirs {
        let d = jobs_dir.join(&ns);
        if !vfs.is_dir(&d) {
            continue;
        }
        for p in vfs.list(&d).unwrap_or_default() {
            if p.extension().is_none_or(|e| e != "json") {
                continue;
            }
            if found.len() == super::MAX_RUNNING_JOBS {
                diags.push(
                    Diag::error(
                        "import::too-many-jobs",
                        format!(
                            "{} is past the {} running jobs a world may hold",
                            p.display(),
                            super::MAX_RUNNING_JOBS
                        ),
                    )
                    .help("every plan replays each running job first; import the namespaces the planned jobs share clients with"),
                );
                return versions;
            }
            let Some((src, v)) = read_bounded_json(vfs, &p, diags) else {
                continue;
            };
            match job_from_api_json(&v) {
                Ok(job) if job.stop => {}
                Ok(job) => {
                    versions.insert(
                        (job.namespace.clone(), job.id.clone()),
                        super::api_alloc::job_indexes(&v),
                    );
                    let index = v
                        .get("CreateIndex")
                        .and_then(Value::as_u64)
                        .unwrap_or(u64::MAX);
                    let rel = p
                        .strip_prefix(dir)
                        .map(Path::to_path_buf)
                        .unwrap_or(p.clone());
                    found.push((index, rel, job));
                }
                Err(d) => diags.push(d.in_source(&src)),
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    world.running = found
        .into_iter()
        .map(|(_, path, job)| RunningJob { path, job })
        .collect();
    versions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_nodes_form_one_pool_named_after_them() {
        let node = |id: &str, name: &str, mem: i64| {
            serde_json::json!({"ID": id, "Name": name, "Datacenter": "dc1",
                "Attributes": {"kernel.name": "linux", "unique.hostname": name},
                "NodeResources": {"Cpu": {"CpuShares": 4600}, "Memory": {"MemoryMB": mem}, "Disk": {"DiskMB": 100}},
                "Drivers": {"docker": {"Detected": true, "Healthy": true}}})
        };
        let shapes = vec![
            node_shape(&node("a", "web-2", 3951)),
            node_shape(&node("b", "web-1", 3951)),
            node_shape(&node("c", "big-1", 8000)),
        ];
        let pools = group_nodes(shapes);
        assert_eq!(pools.len(), 2);
        assert_eq!((pools[0].name.as_str(), pools[0].count), ("big", 1));
        assert_eq!((pools[1].name.as_str(), pools[1].count), ("web", 2));
        assert_eq!(pools[1].drivers, vec!["docker".to_string()]);
        assert!(!pools[1].attributes.contains_key("unique.hostname"));
    }

    fn distinct_nodes(n: usize, prefix: &str) -> Vec<NodeShape> {
        (0..n)
            .map(|k| {
                node_shape(
                    &serde_json::json!({"ID": format!("id-{k}"), "Name": format!("{prefix}-{k}"),
                    "Datacenter": "dc1", "NodeResources": {"Cpu": {"CpuShares": 1000 + k}}}),
                )
            })
            .collect()
    }

    #[test]
    fn distinct_nodes_sharing_a_stem_are_numbered_in_order() {
        let pools = group_nodes(distinct_nodes(3, "client"));
        let names: Vec<&str> = pools.iter().map(|p| p.name.as_str()).collect();
        // Sorted by node name: client-0, client-1, client-2.
        assert_eq!(names, ["client", "client2", "client3"]);
        // A stem that is itself a numbered name skips the number already used.
        let mut namer = PoolNamer::default();
        let got: Vec<String> = [["web-1"], ["web-2"], ["web2-1"], ["web-3"]]
            .iter()
            .map(|n| namer.name(n))
            .collect();
        assert_eq!(got, ["web", "web2", "web22", "web3"]);
    }

    /// Work grows linearly with the number of nodes: ten times the nodes
    /// costs at most ten times the comparisons and name probes (plus a small
    /// constant). Counted, not timed, so the test cannot be flaky; the cubic
    /// naming this replaces made 10× the nodes cost ~1000× the probes.
    #[test]
    fn grouping_and_naming_work_grows_linearly() {
        for prefix in ["client", ""] {
            let small = group_nodes_counted(distinct_nodes(500, prefix));
            let large = group_nodes_counted(distinct_nodes(5000, prefix));
            assert_eq!((small.pools.len(), large.pools.len()), (500, 5000));
            assert!(large.comparisons <= 10 * small.comparisons + 10, "{prefix}");
            assert!(large.probes <= 10 * small.probes + 10, "{prefix}");
            assert!(
                large.probes <= 2 * 5000,
                "{prefix}: {} probes",
                large.probes
            );
        }
        // Identical nodes: one comparison per node after the first.
        let same: Vec<NodeShape> = (0..5000)
            .map(|k| {
                node_shape(
                    &serde_json::json!({"ID": format!("id-{k}"), "Name": format!("web-{k}")}),
                )
            })
            .collect();
        let g = group_nodes_counted(same);
        assert_eq!(
            (g.pools.len(), g.pools[0].count, g.comparisons),
            (1, 5000, 4999)
        );
    }

    #[test]
    fn legacy_node_resources_are_read_when_node_resources_are_absent() {
        // Nomad 0.8 agents report only the pre-0.9 `Resources`/`Reserved` shape.
        let n = node_shape(&serde_json::json!({"Name": "old-1", "Datacenter": "dc1",
            "Resources": {"CPU": 2400, "MemoryMB": 2000, "DiskMB": 9000, "Networks": [{"MBits": 100}]},
            "Reserved": {"CPU": 50, "MemoryMB": 64, "DiskMB": 0}}));
        assert_eq!(
            (n.pool.cpu, n.pool.memory, n.pool.disk, n.pool.network_mbits),
            (2400, 2000, 9000, 100)
        );
        assert_eq!((n.pool.reserved.cpu, n.pool.reserved.memory), (50, 64));
        assert_eq!(n.pool.node_pool, "default");
    }

    #[test]
    fn job_without_groups_is_a_located_error_not_a_panic() {
        let err = job_from_api_json(&serde_json::json!({"ID": "x"})).unwrap_err();
        assert!(err.message.contains("TaskGroups"));
        let err =
            job_from_api_json(&serde_json::json!({"ID": "x", "Type": "nope", "TaskGroups": []}))
                .unwrap_err();
        assert!(err.message.contains("unknown type"));
    }
}
