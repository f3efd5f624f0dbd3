//! CSI plugins and volumes from a cluster's API JSON (api/csi.go, api/nodes.go):
//! - each node's `CSINodePlugins` / `CSIControllerPlugins` (`/v1/node/:id`);
//! - `plugins/<id>.json` (`/v1/plugin/csi/:id`): its `Nodes` and
//!   `Controllers` maps fill in nodes whose own JSON lacks them (the node
//!   list stubs of `/v1/nodes` carry no plugins);
//! - `csi-volumes.json` (`/v1/volumes?type=csi&namespace=*`, list stubs) and
//!   `volumes/<namespace>/<id>.json` (`/v1/volume/csi/:id`, which adds the
//!   claims and their allocations); a full volume replaces its stub.
//!
//! A stub with writers but no full file cannot say whose claims they are,
//! nor an unclaimed stub what it may be claimed as, and those decide the
//! plan: each is an error naming the file to save.

use crate::world::api_json::Fields as _;
use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::api_json::{b, s, smap};
use super::import::{Typed, API, NO_BODY};
use super::model::World;
use crate::diag::{Diag, Diags};
use crate::source::Source;
use crate::structs::csi::{
    AccessMode, CsiClaim, CsiControllerInfo, CsiNodeInfo, CsiPlugin, CsiVolume,
};
use crate::vfs::Vfs;

pub const VOLUMES_LIST: &str = "csi-volumes.json";
pub const VOLUMES_DIR: &str = "volumes";
pub const PLUGINS_DIR: &str = "plugins";

/// The shell lines that save the CSI state (run after the lists, which
/// save `csi-volumes.json` namespace by namespace).
/// Each file is named by jq's `@uri` of the ID, as a job's is
/// (import/commands.rs): one plain name whatever the ID holds; the
/// import reads the ID from inside.
/// `dir` is one shell word, quoted (import/commands.rs `sh_dir`).
pub fn print_commands(dir: &str) -> String {
    format!(
        "jq -r '.[] | \"\\(.Namespace | @uri) \\(.ID | @uri)\"' {dir}/{VOLUMES_LIST} | while read -r ns id; do mkdir -p {dir}\"/{VOLUMES_DIR}/$ns\"; {API} \"/v1/volume/csi/$id?namespace=$ns\" {NO_BODY} > {dir}\"/{VOLUMES_DIR}/$ns/$id.json\"; done\n\
         mkdir -p {dir}/{PLUGINS_DIR}; {API} '/v1/plugins?type=csi' {NO_BODY} | jq -r '.[].ID | @uri' | while read -r id; do {API} \"/v1/plugin/csi/$id\" {NO_BODY} > {dir}\"/{PLUGINS_DIR}/$id.json\"; done\n"
    )
}

fn topology(v: &Value) -> Option<BTreeMap<String, String>> {
    v.get("Segments")
        .filter(|s| !s.is_null())
        .map(|_| smap(v, "Segments"))
}

/// One `CSIInfo` into the part it describes of `plugin`.
fn add_info(plugin: &mut CsiPlugin, info: &Value) {
    let healthy = b(info, "Healthy");
    if let Some(n) = info.get("NodeInfo").filter(|n| !n.is_null()) {
        plugin.node = Some(CsiNodeInfo {
            healthy,
            max_volumes: n.typed_i64("MaxVolumes").unwrap_or(i64::MAX),
            topology: n.get("AccessibleTopology").and_then(topology),
        });
    }
    if info.get("ControllerInfo").is_some_and(|c| !c.is_null()) {
        plugin.controller = Some(CsiControllerInfo {
            healthy,
            requires_controller: b(info, "RequiresControllerPlugin"),
        });
    }
}

/// A node's own plugins (`CSINodePlugins`, `CSIControllerPlugins`).
pub fn node_plugins(node: &Value) -> BTreeMap<String, CsiPlugin> {
    let mut out: BTreeMap<String, CsiPlugin> = BTreeMap::new();
    for key in ["CSINodePlugins", "CSIControllerPlugins"] {
        for (id, info) in node.typed_object(key).into_iter().flatten() {
            add_info(out.entry(id.clone()).or_default(), info);
        }
    }
    out
}

/// Per node ID, the plugins `plugins/*.json` say it runs.
pub fn plugin_files(
    vfs: &dyn Vfs,
    dir: &Path,
    diags: &mut Diags,
) -> BTreeMap<String, BTreeMap<String, CsiPlugin>> {
    let mut out: BTreeMap<String, BTreeMap<String, CsiPlugin>> = BTreeMap::new();
    for (_, v) in json_files(vfs, &dir.join(PLUGINS_DIR), diags) {
        let id = s(&v, "ID");
        for key in ["Nodes", "Controllers"] {
            for (node, info) in v.typed_object(key).into_iter().flatten() {
                let plugin = out
                    .entry(node.clone())
                    .or_default()
                    .entry(id.clone())
                    .or_default();
                add_info(plugin, info);
            }
        }
    }
    out
}

/// The plugin files under `dir`, each of Nomad's types (typed_lists.rs).
fn json_files(vfs: &dyn Vfs, dir: &Path, diags: &mut Diags) -> Vec<(Source, Value)> {
    if !vfs.is_dir(dir) {
        return Vec::new();
    }
    let mut files = vfs.list(dir).unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter_map(|p| {
            let (src, v) = super::import::read_json(vfs, &p, diags)?;
            // Mistyped (typed_lists.rs said so, located): not read.
            super::import::check_typed(&src, Typed::Plugin, &v, diags).then_some((src, v))
        })
        .collect()
}

fn access_mode(src: &Source, v: &Value, key: &str, diags: &mut Diags) -> AccessMode {
    let text = s(v, key);
    AccessMode::parse(&text).unwrap_or_else(|| {
        diags.push(
            Diag::error(
                "import::csi-access-mode",
                format!(
                    "unknown CSI access mode {:?} in `{key}`",
                    crate::escape::one_line(&text)
                ),
            )
            .in_source(src)
            .help("Nomad's modes: single-node-reader-only, single-node-writer, multi-node-reader-only, multi-node-single-writer, multi-node-multi-writer"),
        );
        AccessMode::Unknown
    })
}

/// A `CSIVolume` or `CSIVolumeListStub`. Claims come from the full form's
/// `ReadAllocs`/`WriteAllocs` keys; their owners from its `Allocations`.
fn volume(src: &Source, v: &Value, diags: &mut Diags) -> CsiVolume {
    let owners: BTreeMap<String, (String, String)> = v
        .typed_array("Allocations")
        .into_iter()
        .flatten()
        .map(|a| (s(a, "ID"), (s(a, "Namespace"), s(a, "JobID"))))
        .collect();
    let claims = |key: &str| -> Vec<CsiClaim> {
        let mut ids: Vec<&String> = v
            .typed_object(key)
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        ids.sort();
        ids.into_iter()
            .map(|id| CsiClaim {
                alloc_id: id.clone(),
                owner: owners.get(id).cloned(),
            })
            .collect()
    };
    let namespace = match s(v, "Namespace") {
        n if n.is_empty() => "default".to_string(),
        n => n,
    };
    let capabilities = v
        .typed_array("RequestedCapabilities")
        .into_iter()
        .flatten()
        .map(|c| {
            (
                access_mode(src, c, "AccessMode", diags),
                s(c, "AttachmentMode"),
            )
        })
        .collect();
    CsiVolume {
        id: s(v, "ID"),
        name: s(v, "Name"),
        namespace,
        plugin_id: s(v, "PluginID"),
        access_mode: access_mode(src, v, "AccessMode", diags),
        attachment_mode: s(v, "AttachmentMode"),
        capabilities,
        topologies: v
            .typed_array("Topologies")
            .into_iter()
            .flatten()
            .filter_map(topology)
            .collect(),
        schedulable: Some(b(v, "Schedulable")),
        // Go's zero time is what an unexhausted volume reports.
        resource_exhausted: v
            .typed_str("ResourceExhausted")
            .is_some_and(|t| !t.is_empty() && !t.starts_with("0001-01-01T00:00:00")),
        read_claims: claims("ReadAllocs"),
        write_claims: claims("WriteAllocs"),
        spans: Default::default(),
    }
}

/// Read the volume files into `world.csi_volumes`. Claims whose allocation
/// the volume's own `Allocations` do not list are owned by the imported
/// allocation of that ID when there is one.
pub fn load_volumes(vfs: &dyn Vfs, dir: &Path, world: &mut World, diags: &mut Diags) {
    let mut stubs: Vec<(Source, Value)> = Vec::new();
    use super::import::{read_saved, Saved};
    // The volumes the cluster holds: a per-volume file of another is
    // stale (import/stale.rs).
    let mut listed = None;
    match read_saved(vfs, &dir.join(VOLUMES_LIST), false, diags) {
        Some(Saved::Read(src, v)) => match v.as_array() {
            // Mistyped (typed_lists.rs said so, located): not read.
            Some(list) if !super::import::typed_items(&src, Typed::VolumeList, list, diags) => {}
            Some(list) => {
                listed = super::import::listed(&v);
                stubs.extend(list.iter().map(|x| (src.clone(), x.clone())));
            }
            None => diags.push(
                Diag::error(
                    "import::shape",
                    format!("{VOLUMES_LIST} must hold a list of volumes"),
                )
                .in_source(&src)
                .help("save it with `nomad operator api '/v1/volumes?type=csi&namespace=*'`"),
            ),
        },
        // Without the list, a job's CSI volume may exist or not: the jobs
        // that claim one are unknown, the rest are judged.
        Some(Saved::Absent) => diags.push(
            Diag::warning(
                super::guess::VOLUMES_NOT_SAVED,
                format!("{VOLUMES_LIST} is not saved (absent or empty), so which CSI volumes are registered is unknown"),
            )
            .help("save it with `nomad operator api '/v1/volumes?type=csi&namespace=*'`"),
        ),
        None => {}
    }
    let mut full: Vec<(Source, Value)> = Vec::new();
    let vdir = dir.join(VOLUMES_DIR);
    if vfs.is_dir(&vdir) {
        match vfs.files_under(&vdir) {
            Ok(files) => {
                for p in files
                    .iter()
                    .filter(|p| p.extension().is_some_and(|e| e == "json"))
                {
                    let Some((src, v)) = super::import::read_json(vfs, p, diags) else {
                        continue;
                    };
                    if !super::import::check_typed(&src, Typed::Volume, &v, diags) {
                        continue;
                    }
                    let ns = Some(s(&v, "Namespace")).filter(|n| !n.is_empty());
                    let key = (ns.unwrap_or_else(|| "default".into()), s(&v, "ID"));
                    if listed.as_ref().is_some_and(|l| !l.contains(&key)) {
                        let what = format!("CSI volume {}/{}", key.0, key.1);
                        super::import::stale_note(diags, dir, p, &what, VOLUMES_LIST);
                        continue;
                    }
                    full.push((src, v));
                }
            }
            Err(e) => diags.push(Diag::error(
                "io::read",
                format!("cannot list {}: {e}", vdir.display()),
            )),
        }
    }
    let key = |v: &CsiVolume| (v.namespace.clone(), v.id.clone());
    // Said once per volume: its full file's error stands for its stub.
    let mut told = std::collections::BTreeSet::new();
    for (src, v) in &full {
        let vol = volume(src, v, diags);
        if gone(src, world, v, &vol, diags) {
            told.insert(key(&vol));
            continue;
        }
        world.csi_volumes.insert(key(&vol), vol);
    }
    for (src, v) in &stubs {
        let vol = volume(src, v, diags);
        if world.csi_volumes.contains_key(&key(&vol))
            || told.contains(&key(&vol))
            || gone(src, world, v, &vol, diags)
        {
            continue;
        }
        // The list form names no claimant and no requested capability:
        // enough only for a claimed volume without writers.
        let writers = v.typed_i64("CurrentWriters").unwrap_or(0);
        let unknown = if writers > 0 && v.get("WriteAllocs").is_none() {
            Some(format!(
                "has {writers} writer claim(s) the list form does not name"
            ))
        } else if vol.access_mode == AccessMode::Unknown && v.get("RequestedCapabilities").is_none()
        {
            Some(
                "is unclaimed and the list form does not give its requested capabilities"
                    .to_string(),
            )
        } else {
            None
        };
        if let Some(why) = unknown {
            diags.push(
                Diag::error(
                    "import::csi-volume-stub",
                    format!(
                        "CSI volume `{}` (namespace `{}`) {why}",
                        crate::escape::one_line(&vol.id),
                        crate::escape::one_line(&vol.namespace)
                    ),
                )
                .in_source(src)
                .help(format!(
                    "they decide whether a job may use it: save {VOLUMES_DIR}/<namespace>/<id>.json with `nomad operator api '/v1/volume/csi/<id>?namespace=<namespace>'` (see `import --print-commands`)"
                )),
            );
            continue;
        }
        world.csi_volumes.insert(key(&vol), vol);
    }
    resolve_owners(world);
}

/// A volume of a namespace the list says is gone: the files were saved
/// apart (api_alloc_namespace.rs), said as an error, never a volume read
/// beside the list.
fn gone(src: &Source, world: &World, v: &Value, vol: &CsiVolume, diags: &mut Diags) -> bool {
    let e = super::api_alloc_namespace::volume(src, world, v, &vol.namespace);
    e.map(|e| diags.push(e)).is_some()
}

/// Claims without a known owner take the owner of the world's allocation of
/// that ID (an import's `allocations.json`, a world's `allocations.hcl`).
pub(super) fn resolve_owners(world: &mut World) {
    let Some(pinned) = &world.pinned else {
        return;
    };
    let owners: std::collections::HashMap<&str, (String, String)> = pinned
        .allocs
        .iter()
        .map(|a| {
            (
                a.id.as_str(),
                (a.namespace.to_string(), a.job_id.to_string()),
            )
        })
        .collect();
    for vol in world.csi_volumes.values_mut() {
        for c in vol
            .read_claims
            .iter_mut()
            .chain(vol.write_claims.iter_mut())
        {
            if c.owner.is_none() {
                c.owner = owners.get(c.alloc_id.as_str()).cloned();
            }
        }
    }
}
