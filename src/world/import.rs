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

mod jobs;
mod json;
mod nodes;
mod pools;
mod server;
mod specs;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

pub use super::api_job::job_from_api_json;
use super::api_json::{path, s};
use super::model::*;
use crate::diag::{Diag, Diags};
use crate::version::NomadVersion;
use crate::vfs::Vfs;
use jobs::load_jobs;
use json::read_bounded_json;
pub(super) use json::read_json;
use nodes::{node_shape, NodeShape};
use pools::group_nodes;
pub use specs::{namespace_from_api, quota_from_api, scheduler_from_api};

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

/// Build a world from an import folder.
pub fn load_import(vfs: &dyn Vfs, dir: &Path) -> Result<(World, Diags), Diags> {
    let mut diags = Diags::new();
    let mut world = World::empty(WorldOrigin::Import(dir.to_path_buf()), dir.to_path_buf());
    if let Some((src, v)) = read_json(vfs, &dir.join("agent-self.json"), &mut diags) {
        let tags = path(&v, &["member", "Tags"]).unwrap_or(&Value::Null);
        let build = s(tags, "build");
        match build.parse::<NomadVersion>() {
            Ok(ver) => {
                world.nomad_version = ver;
                // Enterprise builds tag themselves `+ent`; a build tag
                // without it is a community build.
                world.stated_edition = Some(
                    crate::version::Edition::of_version_text(&build)
                        .unwrap_or(crate::version::Edition::Community),
                );
            }
            Err(_) => diags.push(
                Diag::warning("import::version", format!("agent-self.json has no usable version (member.Tags.build = {build:?}); simulating Nomad {}", world.nomad_version))
                    .in_source(&src),
            ),
        }
        if !s(tags, "region").is_empty() {
            world.region = s(tags, "region");
        }
        if let Some(server) = server::server_from_agent_self(&v) {
            world.server = server;
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
    for shape in shapes.values_mut() {
        shape.pool.networks.normalise(world.nomad_version);
    }
    world.clients = group_nodes(shapes.into_values().collect());
    let quotas_src = read_json(vfs, &dir.join("quotas.json"), &mut diags).map(|(src, v)| {
        for q in v.as_array().into_iter().flatten().map(quota_from_api) {
            world.quotas.insert(q.name.clone(), q);
        }
        src
    });
    if let Some((_, v)) = read_json(vfs, &dir.join("namespaces.json"), &mut diags) {
        for ns in v.as_array().into_iter().flatten().map(namespace_from_api) {
            world.namespaces.insert(ns.name.clone(), ns);
        }
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
