//! CSI volumes as Nomad's `CSIVolumeChecker` (scheduler/feasible.go, 0.11+)
//! filters nodes for them: the volume exists in the job's namespace, the
//! node runs a healthy node plugin for it with room under `MaxVolumes`, the
//! node's topology is one the volume is in (1.3+), and the volume can take
//! the claim (read-only, or a writer mode with free writer claims or claims
//! held by this job). The checker runs after the class-cached checks, on
//! every node (the wrapper's "available" stage), with the metric strings of
//! each release.
//!
//! Nomad walks the group's volumes as a map, so with several failing
//! volumes the one named is random; ours are walked by alias. The writer
//! claims are a map too: with several blocking claims, ours are walked in
//! listed order.

use std::collections::BTreeMap;

use super::engine::Ask;
use crate::cluster::{Allocation, ClientStatus, DesiredStatus, Node};
use crate::jobspec::{Job, Volume};
use crate::structs::csi::{names_gc_claims, plugin_health, CsiVolume, PluginHealth};
use crate::version::NomadVersion;
use crate::world::World;

/// What the checker reads of the state once per evaluation: each plugin's
/// health (for volumes whose `Schedulable` the world derives) and, per
/// node position, how many volumes of each plugin its allocations use.
#[derive(Debug, Default)]
pub struct CsiIndex {
    health: BTreeMap<String, PluginHealth>,
    per_node: Vec<BTreeMap<String, i64>>,
}

impl CsiIndex {
    /// `None` when the world has no CSI volumes: then every request is
    /// missing and nothing else is read.
    pub fn build<'a>(
        world: &World,
        nodes: &[Node],
        allocs: &[Allocation],
        job_of: impl Fn(&Allocation) -> Option<&'a Job>,
    ) -> Option<CsiIndex> {
        if world.csi_volumes.is_empty() {
            return None;
        }
        let pos: std::collections::HashMap<&str, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        // `CSIVolumesByNodeID`: the CSI sources of the groups of allocations
        // that run or are meant to, one per source (keyed by ID alone, the
        // last namespace seen winning), counted per plugin.
        let mut sources: Vec<BTreeMap<&str, &str>> = vec![BTreeMap::new(); nodes.len()];
        for a in allocs {
            let live =
                a.desired_status == DesiredStatus::Run || a.client_status == ClientStatus::Running;
            let (Some(&p), true) = (pos.get(a.node_id.as_str()), live) else {
                continue;
            };
            let Some(tg) = job_of(a).and_then(|j| j.groups.iter().find(|g| g.name == a.task_group))
            else {
                continue;
            };
            for v in tg.volumes.iter().filter(|v| v.volume_type == "csi") {
                if let Some(slot) = sources.get_mut(p) {
                    slot.insert(v.source.as_str(), a.namespace.as_str());
                }
            }
        }
        // A source that names no volume ends Nomad's iteration early (its
        // iterator yields nil), so with one present the count is the
        // volumes seen before it in map order: we count every one found,
        // the most Nomad can count.
        let per_node = sources
            .into_iter()
            .map(|ids| {
                let mut counts: BTreeMap<String, i64> = BTreeMap::new();
                for (id, ns) in ids {
                    if let Some(v) = world.csi_volumes.get(&(ns.to_string(), id.to_string())) {
                        *counts.entry(v.plugin_id.clone()).or_default() += 1;
                    }
                }
                counts
            })
            .collect();
        Some(CsiIndex {
            health: plugin_health(nodes.iter().map(|n| &n.csi_plugins)),
            per_node,
        })
    }

    fn schedulable(&self, vol: &CsiVolume) -> bool {
        vol.schedulable.unwrap_or_else(|| {
            self.health
                .get(&vol.plugin_id)
                .is_some_and(PluginHealth::schedulable)
        })
    }
}

/// The group's CSI volume requests by alias, each with the volume ID it
/// names: `per_alloc` (1.1+) adds the allocation's `[index]`.
fn requests<'t>(ask: &Ask<'t>, version: NomadVersion) -> Vec<(&'t Volume, String)> {
    let mut vols: Vec<&Volume> = ask
        .tg
        .volumes
        .iter()
        .filter(|v| v.volume_type == "csi")
        .collect();
    vols.sort_by(|a, b| a.name.cmp(&b.name));
    vols.into_iter()
        .map(|v| {
            let id = if v.per_alloc && version.at_least(1, 1, 0) {
                format!("{}{}", v.source, ask.alloc_suffix())
            } else {
                v.source.clone()
            };
            (v, id)
        })
        .collect()
}

/// Why `node` cannot take the group's CSI volumes, as Nomad's metric
/// names it; `None` when it can (or the release has no CSI).
pub fn infeasible(
    index: Option<&CsiIndex>,
    world: &World,
    ask: &Ask<'_>,
    pos: usize,
    node: &Node,
) -> Option<String> {
    let version = world.nomad_version;
    if !version.at_least(0, 11, 0) {
        return None;
    }
    let reqs = requests(ask, version);
    if reqs.is_empty() {
        return None;
    }
    let (ns, job_id) = checker_scope(ask, version);
    let lookup = |id: &str| world.csi_volumes.get(&(ns.to_string(), id.to_string()));
    // 2.0.5 looks every volume up once per placement and names all the
    // missing ones before anything else.
    if version.at_least(2, 0, 5) {
        let missing: Vec<&str> = reqs
            .iter()
            .filter(|(_, id)| lookup(id).is_none())
            .map(|(_, id)| id.as_str())
            .collect();
        if !missing.is_empty() {
            return Some(format!("missing CSI volume(s) {}", missing.join(", ")));
        }
    }
    let empty = BTreeMap::new();
    let counts = index.and_then(|i| i.per_node.get(pos)).unwrap_or(&empty);
    for (req, id) in &reqs {
        let Some(vol) = lookup(id) else {
            return Some(format!("missing CSI Volume {id}"));
        };
        match volume_verdict(index, vol, req, counts, (ns, job_id), node, version) {
            Verdict::Next => {}
            Verdict::Fits => return None,
            Verdict::Fails(why) => return Some(why),
        }
    }
    None
}

/// The namespace and job ID the CSI checker knows. Before #15372
/// (v1.5.0, v1.4.5, v1.3.10) only the generic stack set them
/// (`GenericStack.SetJob`, scheduler/stack.go:99-100@v0.11.0,
/// :110-111@v1.4.0); the system stack (system and sysbatch jobs) left
/// both empty, so its checker looks every volume up in namespace ""
/// (`CSIVolumeByID(ws, c.namespace, req.Source)`, scheduler/feasible.go:
/// 298@v1.4.0), finds none (`missing CSI Volume ...`), and would count
/// every write claim as another job's.
fn checker_scope<'a>(ask: &'a Ask<'_>, version: NomadVersion) -> (&'a str, &'a str) {
    use crate::jobspec::JobType;
    let system = matches!(ask.job.job_type, JobType::System | JobType::Sysbatch);
    let fixed = version.has_since(&[
        NomadVersion::new(1, 3, 10),
        NomadVersion::new(1, 4, 5),
        NomadVersion::new(1, 5, 0),
    ]);
    if system && !fixed {
        ("", "")
    } else {
        (ask.job.namespace.as_str(), ask.job.id.as_str())
    }
}

enum Verdict {
    /// This volume fits; check the next.
    Next,
    /// Before 1.0.6 a volume with free writer claims ends the check: the
    /// volumes after it are never looked at.
    Fits,
    Fails(String),
}

fn volume_verdict(
    index: Option<&CsiIndex>,
    vol: &CsiVolume,
    req: &Volume,
    counts: &BTreeMap<String, i64>,
    (ns, job_id): (&str, &str),
    node: &Node,
    version: NomadVersion,
) -> Verdict {
    let (pid, nid) = (&vol.plugin_id, &node.id);
    let Some(plugin) = node.csi_plugins.get(pid).and_then(|p| p.node.as_ref()) else {
        return Verdict::Fails(format!("CSI plugin {pid} is missing from client {nid}"));
    };
    if !plugin.healthy {
        return Verdict::Fails(format!("CSI plugin {pid} is unhealthy on client {nid}"));
    }
    if counts.get(pid).copied().unwrap_or(0) >= plugin.max_volumes {
        return Verdict::Fails(format!(
            "CSI plugin {pid} has the maximum number of volumes on client {nid}"
        ));
    }
    // CSI spec: a volume with topologies is reachable only from them.
    if version.at_least(1, 3, 0)
        && !vol.topologies.is_empty()
        && !plugin
            .topology
            .as_ref()
            .is_some_and(|t| vol.topologies.iter().any(|v| v == t))
    {
        return Verdict::Fails("did not meet topology requirement".into());
    }
    let schedulable = index.is_some_and(|i| i.schedulable(vol));
    let id = &vol.id;
    if req.read_only {
        if !vol.read_schedulable(schedulable) {
            return Verdict::Fails(format!(
                "CSI volume {id} is unschedulable or has exhausted its available reader claims"
            ));
        }
        return Verdict::Next;
    }
    if !vol.write_schedulable(schedulable, version) {
        return Verdict::Fails(format!("CSI volume {id} is unschedulable or is read-only"));
    }
    let free = vol.free_write_claims(version);
    if free && !version.at_least(1, 0, 6) {
        return Verdict::Fits;
    }
    if free {
        return Verdict::Next;
    }
    let in_use = format!("CSI volume {id} has exhausted its available writer claims");
    for claim in &vol.write_claims {
        match &claim.owner {
            None if names_gc_claims(version) => {
                return Verdict::Fails(format!(
                    "{in_use} and is claimed by a garbage collected allocation {}; waiting for claim to be released",
                    claim.alloc_id
                ))
            }
            Some((cns, cjob)) if cns == ns && cjob == job_id => {}
            _ => return Verdict::Fails(in_use),
        }
    }
    Verdict::Next
}

#[cfg(test)]
#[path = "csi_tests.rs"]
mod tests;
