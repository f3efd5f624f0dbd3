//! A world from a real cluster: the JSON Nomad's HTTP API returns, saved as
//! files (see [`IMPORT_FILES`] and [`print_commands`]). Identical client
//! nodes are grouped into pools so the result reads like a hand-written
//! `rules/cluster.hcl`.
//!
//! The work is split by what each part reads: [`json`] one saved response,
//! [`nodes`] a client node, [`pools`] the grouping of nodes into pools,
//! [`specs`] quotas, namespaces and the scheduler configuration, [`server`]
//! the servers' identity settings, [`jobs`] the running jobs; this file
//! lists the files and puts a world together.

pub(in crate::world) mod budget;
mod commands;
mod ent_config;
mod jobs;
mod json;
mod node_keys;
mod nodes;
mod pools;
mod server;
mod shape;
mod specs;
mod stale;
mod typed;
mod typed_agent;
mod typed_alloc;
mod typed_job;
mod typed_lists;
mod typed_node;
mod typed_specs;
mod wildcard;

use std::collections::BTreeMap;
use std::path::Path;

pub use super::api_job::job_from_api_json;
use super::api_json::s;
use super::model::*;
use crate::diag::{Diag, Diags};
use crate::version::NomadVersion;
use crate::vfs::Vfs;
pub use commands::{print_commands, NAMESPACES_LISTED, NAMESPACE_LISTS};
pub(in crate::world) use commands::{API, NO_BODY};
use ent_config::{namespace_pools, pools_scheduler};
pub(super) use jobs::VERSIONS_DIR;
use jobs::{load_job_versions, load_jobs};
pub(in crate::world) use json::namespace_json_files;
pub(super) use json::read_json;
pub(super) use json::{read_saved, Saved};
use nodes::{node_shape, NodeShape};
use pools::group_nodes;
pub(crate) use shape::SHAPE;
pub use specs::{namespace_from_api, quota_from_api, scheduler_from_api};
pub(in crate::world) use stale::{listed, note as stale_note};
pub(in crate::world) use typed_lists::{check as check_typed, items as typed_items, Kind as Typed};
pub(in crate::world) use wildcard::untrusted_empty;

/// The files an import folder holds, and the API call that produces each
/// (the lists saved namespace by namespace are [`NAMESPACE_LISTS`]).
pub const IMPORT_FILES: &[(&str, &str)] = &[
    ("agent-self.json", "/v1/agent/self"),
    ("nodes.json", "/v1/nodes?resources=true"),
    ("namespaces.json", "/v1/namespaces"),
    ("quotas.json", "/v1/quotas"),
    ("scheduler.json", "/v1/operator/scheduler/configuration"),
    (server::ACL_TOKEN_SELF, "/v1/acl/token/self"),
    (NODE_POOLS, "/v1/node/pools"),
];

/// The node pools, whose own scheduler configuration (Enterprise, 1.6+)
/// overrides the cluster's.
const NODE_POOLS: &str = "node-pools.json";

/// When the import was saved (RFC 3339, `date -u`): the fixed "now" of
/// the reschedules it holds ([`super::api_reschedule`]).
pub const SAVED_AT: &str = "saved-at.txt";

/// `saved-at.txt` as Unix nanoseconds; absent: `None` (a failed
/// allocation whose reschedule depends on it says so); unreadable: an
/// error, never a guessed time.
fn saved_at(vfs: &dyn Vfs, dir: &Path, diags: &mut Diags) -> Option<i128> {
    let path = dir.join(SAVED_AT);
    if !vfs.is_file(&path) {
        return None;
    }
    let src = match vfs.read(&path) {
        Ok(src) => src,
        Err(e) => {
            diags.push(
                Diag::error(
                    "import::saved-at",
                    format!("{SAVED_AT} cannot be read: {e}"),
                )
                .help("save it with `date -u +%Y-%m-%dT%H:%M:%SZ`"),
            );
            return None;
        }
    };
    let at = super::api_reschedule::parse_time(&src.text);
    if at.is_none() {
        let end = src.text.trim_end().len();
        diags.push(
            Diag::error(
                "import::saved-at",
                format!("{SAVED_AT} must hold the time the import was saved, in RFC 3339"),
            )
            .at(
                &src,
                crate::source::Span::new(0, end),
                "not an RFC 3339 time",
            )
            .help("save it with `date -u +%Y-%m-%dT%H:%M:%SZ`, e.g. 2024-06-01T12:00:00Z"),
        );
    }
    at
}

/// `nodes.json` marks a folder as an import rather than a `rules/` folder.
pub fn is_import_dir(vfs: &dyn Vfs, dir: &Path) -> bool {
    vfs.is_file(&dir.join("nodes.json"))
}

/// Build a world from an import folder.
pub fn load_import(vfs: &dyn Vfs, dir: &Path) -> Result<(World, Diags), Diags> {
    // Every field read of the import's JSON is typed (api_json): one
    // that a schema table (typed*.rs) leaves out and a reader meets
    // mistyped makes the whole import "cannot tell", never zero.
    let strict = super::api_json::Strict::begin();
    // Every file parsed and every job decoded is charged to the whole
    // import's budget (budget.rs), not only to the per-file cap.
    let budget = budget::Budget::begin();
    let out = read_import(vfs, dir);
    drop(budget);
    let Some(m) = strict.end().into_iter().next() else {
        return out;
    };
    let mut diags = match out {
        Ok((_, d)) | Err(d) => d,
    };
    diags.push(super::api_json::refusal(&m, "what the cluster holds"));
    Err(diags)
}

fn read_import(vfs: &dyn Vfs, dir: &Path) -> Result<(World, Diags), Diags> {
    let mut diags = Diags::new();
    let mut world = World::empty(WorldOrigin::Import(dir.to_path_buf()), dir.to_path_buf());
    match read_saved(vfs, &dir.join("agent-self.json"), false, &mut diags) {
        // Mistyped (typed.rs said so): not read, and the import fails.
        Some(Saved::Read(src, v))
            if !typed::check(&src, &typed_agent::AGENT_SELF, "", &v, &mut diags) => {}
        Some(Saved::Read(src, v)) => server::read_agent_self(&src, &v, &mut world, &mut diags),
        // Without it the release is the same guess as an unusable build
        // tag: every plan is unknown until `--nomad-version` states it.
        Some(Saved::Absent) => diags.push(
            Diag::warning(
                super::guess::IMPORT_VERSION,
                format!(
                    "agent-self.json is not saved, so the servers' release is unknown; simulating Nomad {}",
                    world.nomad_version
                ),
            )
            .help("save it with `nomad operator api /v1/agent/self`, or pass --nomad-version"),
        ),
        None => {}
    }
    let told = node_keys::told(&diags, world.nomad_version);
    let mut shapes: BTreeMap<String, NodeShape> = BTreeMap::new();
    // What the status views print of the nodes and allocations.
    let mut facts = super::status_facts::StatusFacts::default();
    // Node status by ID: a per-node file, read later, has the last word.
    let mut statuses: BTreeMap<String, String> = BTreeMap::new();
    // Nodes known from the list's stub alone, by ID: their name.
    let mut stubs: BTreeMap<String, String> = BTreeMap::new();
    // The nodes the cluster holds: a per-node file of another is stale.
    let mut listed_nodes: Option<std::collections::BTreeSet<String>> = None;
    match read_saved(vfs, &dir.join("nodes.json"), true, &mut diags) {
        Some(Saved::Read(src, v)) => match v.as_array() {
            // Every node Nomad lists has its ID: an item without one is
            // no node stub (`[1]`, `[{}]`), never read as a client of
            // zero resources.
            Some(list) if list.iter().any(|n| s(n, "ID").is_empty()) => diags.push(
                Diag::error(
                    "import::shape",
                    "cannot tell which nodes the cluster holds: nodes.json must hold the list of nodes `/v1/nodes` answers, and holds an item without an ID",
                )
                .in_source(&src)
                .help("save it with `nomad operator api '/v1/nodes?resources=true'`")
                .as_cannot_tell(),
            ),
            // Past the world's cap, nothing more of the list is read.
            Some(list) if list.len() > super::MAX_CLIENTS as usize => {
                diags.push(nodes::too_many(dir, list.len()));
                return Err(diags);
            }
            // A node whose figures are of a type Nomad's struct cannot
            // hold (typed.rs), or without a key Nomad always answers
            // (node_keys.rs), is reported there: no node is read.
            Some(list) if !node_keys::list_read(&src, list, told, &mut diags) => {}
            Some(list) => {
                listed_nodes = Some(list.iter().map(|n| s(n, "ID")).collect());
                for n in list {
                    facts.read_node(n);
                    shapes.insert(s(n, "ID"), node_shape(n));
                    statuses.insert(s(n, "ID"), s(n, "Status"));
                    if nodes::is_stub(n) {
                        stubs.insert(s(n, "ID"), s(n, "Name"));
                    }
                }
            }
            None => diags.push(
                Diag::error("import::shape", "nodes.json must hold a list of nodes")
                    .in_source(&src)
                    .help("save it with `nomad operator api '/v1/nodes?resources=true'`"),
            ),
        },
        // The per-node files alone do not say the cluster has no others.
        Some(Saved::Absent) => diags.push(
            Diag::error(
                "import::no-nodes",
                format!("{} holds no saved nodes.json", dir.display()),
            )
            .help("save it with `nomad operator api '/v1/nodes?resources=true'`"),
        ),
        None => {}
    }
    // Per-node files carry attributes and meta that the list leaves out.
    for p in vfs.list(dir).unwrap_or_default() {
        if budget::spent() {
            break;
        }
        let is_node = p
            .file_name()
            .and_then(|f| f.to_str())
            .is_some_and(|f| f.starts_with("node-") && f.ends_with(".json") && f != NODE_POOLS);
        if !is_node {
            continue;
        }
        match read_saved(vfs, &p, true, &mut diags) {
            Some(Saved::Read(_, v))
                if listed_nodes
                    .as_ref()
                    .is_some_and(|l| !l.contains(&s(&v, "ID"))) =>
            {
                let what = format!("node {}", s(&v, "ID"));
                stale_note(&mut diags, dir, &p, &what, "nodes.json");
            }
            // Mistyped (typed.rs said so), or a key missing: not read.
            Some(Saved::Read(src, v)) if !node_keys::node_read(&src, &v, told, &mut diags) => {}
            Some(Saved::Read(_, v)) => {
                facts.read_node(&v);
                shapes.insert(s(&v, "ID"), node_shape(&v));
                statuses.insert(s(&v, "ID"), s(&v, "Status"));
                stubs.remove(&s(&v, "ID"));
            }
            // The node endpoint refused: its attributes, meta and host
            // volumes are unknown (the list's stub leaves them out).
            Some(Saved::Absent) => not_saved(
                &mut diags,
                dir,
                &p,
                "a node's attributes, meta and host volumes are unknown",
            ),
            None => {}
        }
    }
    stub_nodes(&mut diags, &stubs);
    if shapes.len() > super::MAX_CLIENTS as usize {
        diags.push(nodes::too_many(dir, shapes.len()));
        return Err(diags);
    }
    if let Some(d) = disconnected_before_1_3(&statuses, world.nomad_version) {
        diags.push(d);
        return Err(diags);
    }
    let mut alloc_ctx = super::api_alloc::AllocContext {
        nodes: shapes.keys().cloned().collect(),
        tainted: shapes
            .iter()
            .filter(|(_, n)| {
                use crate::structs::NodeStatus::{Disconnected, Down};
                n.pool.state.drain || matches!(n.pool.state.status, Down | Disconnected)
            })
            .map(|(id, _)| id.clone())
            .collect(),
        down: shapes
            .iter()
            .filter(|(_, n)| n.pool.state.status == crate::structs::NodeStatus::Down)
            .map(|(id, _)| id.clone())
            .collect(),
        draining_ready: shapes
            .iter()
            .filter(|(_, n)| {
                n.pool.state.drain && n.pool.state.status == crate::structs::NodeStatus::Ready
            })
            .map(|(id, _)| id.clone())
            .collect(),
        disconnected: statuses
            .into_iter()
            .filter(|(_, st)| st == "disconnected")
            .map(|(id, _)| id)
            .collect(),
        saved_at: saved_at(vfs, dir, &mut diags),
        job_versions: BTreeMap::new(),
        listed_jobs: None,
    };
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
    for shape in shapes.values_mut() {
        shape.pool.networks.normalise(world.nomad_version);
    }
    world.clients = group_nodes(shapes.into_values().collect());
    let edition = world.stated_edition;
    let community = edition == Some(crate::version::Edition::Community);
    let quotas = read_saved(vfs, &dir.join("quotas.json"), false, &mut diags);
    // Whether every quota is known: the saved list, or none at all on a
    // community cluster (quotas are Enterprise-only at every release).
    let mut quotas_known = matches!(quotas, Some(Saved::Absent)) && community;
    let quotas_src = match quotas {
        Some(Saved::Read(src, v)) => {
            let list = shape::named_list(&src, &v, &shape::QUOTAS, &mut diags)
                .filter(|l| typed::items(&src, &typed_specs::QUOTA, l, &mut diags));
            quotas_known = list.is_some();
            for q in list.into_iter().flatten().map(quota_from_api) {
                world.quotas.insert(q.name.clone(), q);
            }
            let at = world.nomad_version;
            diags.extend(Diags(super::quota_since::imported(
                &world.quotas,
                at,
                Some(&src),
            )));
            Some(src)
        }
        // Quotas are Enterprise-only at every release: a community
        // cluster has none, and its `/v1/quotas` refuses.
        Some(Saved::Absent) if !community => {
            not_saved(
                &mut diags,
                dir,
                &dir.join("quotas.json"),
                "the quotas a job's namespace may have are unknown",
            );
            None
        }
        _ => None,
    };
    match read_saved(vfs, &dir.join("namespaces.json"), false, &mut diags) {
        Some(Saved::Read(src, v)) => {
            if let Some(list) = shape::named_list(&src, &v, &shape::NAMESPACES, &mut diags)
                .filter(|l| typed::items(&src, &typed_specs::NAMESPACE, l, &mut diags))
            {
                namespace_pools(&src, &v, &mut diags);
                ent_config::namespace_clusters(&src, &v, &mut diags);
                for ns in list.iter().map(namespace_from_api) {
                    world.namespaces.insert(ns.name.clone(), ns);
                }
                if quotas_known {
                    specs::unknown_quotas(&src, &world, &mut diags);
                }
                if server::token_scoped(vfs, dir, &world, &mut diags) {
                    world.namespace_list = super::model::NamespaceList::TokenScoped;
                }
            } else {
                // Refused (its error said so): no namespace was read, so
                // a job's namespace is not "one the list leaves out".
                world.namespace_list = super::model::NamespaceList::NotSaved;
            }
        }
        // Not the list: what that leaves unknown, for which jobs, is
        // guess::namespace_unknown's to say (nothing for a community
        // cluster before 1.0, whose namespaces are Enterprise's: it has
        // `default` alone), so its warning is not the every-job guess.
        Some(Saved::Absent) => {
            world.namespace_list = super::model::NamespaceList::NotSaved;
            if !community || world.nomad_version.at_least(1, 0, 0) {
                not_saved_as(
                    super::guess::NAMESPACES_NOT_SAVED,
                    &mut diags,
                    dir,
                    &dir.join("namespaces.json"),
                    "which namespaces exist, and their quotas, node pools and allowed drivers, are unknown",
                );
            }
        }
        // Unreadable (its error said so): as refused.
        None => world.namespace_list = super::model::NamespaceList::NotSaved,
    }
    world
        .namespaces
        .entry("default".to_string())
        .or_insert_with(super::load::default_namespace);
    diags.extend(Diags(super::spec_files::device_limit_warnings(
        &world,
        &Default::default(),
        quotas_src.as_ref(),
    )));
    diags.extend(Diags(super::quota_limits::unsimulated_limit_warnings(
        &world,
        &Default::default(),
        quotas_src.as_ref(),
    )));
    match read_saved(vfs, &dir.join("scheduler.json"), false, &mut diags) {
        Some(Saved::Read(src, v)) => {
            if let Some(cfg) = shape::scheduler_config(&src, &v, &mut diags)
                .filter(|cfg| typed::check(&src, &typed_specs::SCHEDULER, "", cfg, &mut diags))
            {
                world.scheduler = scheduler_from_api(cfg);
            }
        }
        Some(Saved::Absent) => not_saved(
            &mut diags,
            dir,
            &dir.join("scheduler.json"),
            "the scheduler configuration (algorithm, preemption) is unknown",
        ),
        None => {}
    }
    if world.nomad_version.at_least(1, 6, 0) && !community {
        pools_scheduler(vfs, dir, &mut diags);
    }
    if !vfs.is_dir(&dir.join("jobs")) {
        not_saved(
            &mut diags,
            dir,
            &dir.join("jobs"),
            "which jobs are registered, and the version each runs, are unknown",
        );
    }
    let (saved_jobs, listed) = load_jobs(vfs, dir, &mut world, &mut diags);
    let versions = saved_jobs
        .iter()
        .map(|(k, j)| (k.clone(), j.indexes))
        .collect();
    facts.jobs = saved_jobs;
    alloc_ctx.listed_jobs = listed;
    alloc_ctx.job_versions = load_job_versions(vfs, dir, &world, &mut diags);
    facts.saved_at = alloc_ctx.saved_at;
    facts.summaries = super::status_jobs::load_summaries(
        vfs,
        dir,
        jobs::namespace_dirs(&world, world.running.iter().map(|r| &r.job.namespace)).into_iter(),
        &mut diags,
    );
    world.status_facts = Some(facts);
    let allocs = dir.join(super::api_alloc::ALLOCATIONS_FILE);
    match read_saved(vfs, &allocs, true, &mut diags) {
        // Before 0.12.0 `namespace=*` is answered with [] (wildcard.rs).
        Some(Saved::Read(src, v))
            if untrusted_empty(vfs, dir, &v, world.nomad_version, (0, 12, 0)) =>
        {
            diags.push(
                Diag::error(
                    "import::wildcard-list",
                    format!("allocations.json is an empty list, and Nomad {} answers `namespace=*` with an empty list whatever runs (the sentinel is read from 0.12.0), so the running allocations cannot be known", world.nomad_version),
                )
                .in_source(&src)
                .help("save the lists one namespace at a time (`nomad-preflight import --print-commands DIR` does, and writes namespaces-listed.txt)"),
            );
        }
        // Mistyped (typed.rs said so): not read.
        Some(Saved::Read(src, v))
            if !typed::items(
                &src,
                &typed_alloc::ALLOCATION,
                v.as_array().map_or(&[], Vec::as_slice),
                &mut diags,
            ) => {}
        Some(Saved::Read(src, v)) => {
            if let Some(facts) = world.status_facts.as_mut() {
                facts.read_allocs(&v);
            }
            let placed_by = super::api_alloc::load_allocations(
                &src, &v, &mut world, versions, &alloc_ctx, &mut diags,
            );
            super::api_deployment::load_deployments(vfs, dir, &mut world, &placed_by, &mut diags);
        }
        // Never an empty cluster: that is a false all-clear for
        // capacity, ports, quotas and preemption.
        Some(Saved::Absent) => not_saved(
            &mut diags,
            dir,
            &allocs,
            "the running allocations are unknown",
        ),
        None => {}
    }
    if csi {
        super::api_csi::load_volumes(vfs, dir, &mut world, &mut diags);
    }
    if world.clients.is_empty() && !diags.iter().any(|d| d.code == "import::no-nodes") {
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

/// An import file that is absent or empty, so part of the cluster's state
/// is unknown: a guess for every job ([`super::guess::NOT_SAVED`]).
fn not_saved(diags: &mut Diags, dir: &Path, file: &Path, what: &str) {
    not_saved_as(super::guess::NOT_SAVED, diags, dir, file, what);
}

/// [`not_saved`]'s warning under `code`.
fn not_saved_as(code: &str, diags: &mut Diags, dir: &Path, file: &Path, what: &str) {
    let rel = file.strip_prefix(dir).unwrap_or(file);
    let name = match rel.extension() {
        Some(_) => rel.display().to_string(),
        None => format!("{}/", rel.display()),
    };
    diags.push(
        Diag::warning(
            code,
            format!("{name} is not saved (absent or empty), so {what}"),
        )
        .help("save it from the cluster (`nomad-preflight import --print-commands DIR` lists the commands)"),
    );
}

/// Nodes whose own file (`/v1/node/:id`) is not saved: the list's stub
/// has no attributes (but `os.name` with `?os=true`) and no meta, which
/// every constraint, implied ones included (Vault, Consul, signals),
/// reads. A guess for every job, never a node taken to have none.
fn stub_nodes(diags: &mut Diags, stubs: &BTreeMap<String, String>) {
    let Some(name) = stubs.values().next() else {
        return;
    };
    let others = match stubs.len() - 1 {
        0 => String::new(),
        1 => " and 1 other node".to_string(),
        n => format!(" and {n} other nodes"),
    };
    diags.push(
        Diag::warning(
            super::guess::NOT_SAVED,
            format!(
                "node-<id>.json is not saved for node {name:?}{others}, so their attributes and meta are unknown"
            ),
        )
        .help("save each node with `nomad operator api /v1/node/<id>` (`nomad-preflight import --print-commands DIR` lists the commands)"),
    );
}

/// A node the servers marked `disconnected` in an import whose
/// agent-self.json names a release before 1.3: no such release has that
/// status (`NodeStatusDisconnected`, nomad/structs/structs.go v1.3.0), so
/// the release that schedules is not the one named, and the world is
/// refused as a hand-written one saying so is (`world::version-gate`,
/// cluster_file.rs), rather than simulated by rules that release lacks.
fn disconnected_before_1_3(
    statuses: &BTreeMap<String, String>,
    version: NomadVersion,
) -> Option<Diag> {
    if version.at_least(1, 3, 0) {
        return None;
    }
    let ids: Vec<&str> = statuses
        .iter()
        .filter(|(_, st)| st.as_str() == "disconnected")
        .map(|(id, _)| id.as_str())
        .collect();
    let first = ids.first()?;
    let more = match ids.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    Some(
        Diag::error(
            "world::version-gate",
            format!(
                "node {}{more} is `disconnected`, a Nomad 1.3+ node status; the import's agent-self.json says the servers run Nomad {version}",
                crate::escape::one_line(first)
            ),
        )
        .help("a server of 1.3 or later marked it: save agent-self.json from the leader (`nomad operator api /v1/agent/self` against it)"),
    )
}
