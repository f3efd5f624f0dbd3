//! What an imported allocation holds on its node, read from its API JSON:
//! `AllocatedResources` (0.9+) reduced as Nomad's `Comparable()` and
//! network index read it, or the legacy `Resources` sum before 0.9.

use crate::world::api_json::Fields as _;
use serde_json::Value;

use super::api_json::{i, obj, path_i, path_list, s, strs};
use crate::jobspec::{Lifecycle, Resources, Task, TaskGroup};
use crate::structs::{AllocNetwork, AllocResources};
use crate::version::NomadVersion;
fn port_list(v: &Value, key: &str) -> Vec<(crate::ids::Id, u16)> {
    v.typed_array(key)
        .into_iter()
        .flatten()
        .filter_map(|p| Some((s(p, "Label").into(), u16::try_from(i(p, "Value")).ok()?)))
        .collect()
}

/// Where each group port mapping (`Shared.Ports`) sits, by label: its
/// `HostIP`, which the network index keys it by, and whether it ignores
/// collisions (`IgnoreCollision`, 1.9+).
type PortMappings = (Vec<(crate::ids::Id, crate::ids::Id)>, Vec<crate::ids::Id>);

fn port_mappings(shared: &Value) -> PortMappings {
    let list = shared.typed_array("Ports");
    let mut ips = Vec::new();
    let mut ignored = Vec::new();
    for p in list.into_iter().flatten() {
        let label = s(p, "Label");
        let ip = s(p, "HostIP");
        if !ip.is_empty() {
            ips.push((label.as_str().into(), ip.into()));
        }
        if p.typed_bool("IgnoreCollision") == Some(true) {
            ignored.push(label.into());
        }
    }
    (ips, ignored)
}

/// A `NetworkResource` an allocation holds (ports already numbered).
fn network(v: &Value) -> AllocNetwork {
    AllocNetwork {
        device: s(v, "Device").into(),
        ip: s(v, "IP").into(),
        mbits: i(v, "MBits"),
        reserved_ports: port_list(v, "ReservedPorts"),
        dynamic_ports: port_list(v, "DynamicPorts"),
        ..AllocNetwork::default()
    }
}

fn networks(at: &Value) -> impl Iterator<Item = AllocNetwork> + '_ {
    let list = super::api_json::list(at, "Networks");
    super::api_json::objects(list, "Networks")
        .into_iter()
        .map(network)
}

/// `AllocatedResources` reduced as Nomad's `Comparable()` and network index
/// read it: cpu and memory combined across lifecycle phases as the world's
/// release does, reserved cores, the shared disk, each task's first network,
/// the group networks, and the group's port mappings when no group network
/// lists them (`Shared.Ports`, 0.12+).
/// Err: the dimension whose sum over the tasks passes the world's bound
/// ([`super::bounds::group_ask`]).
pub(super) fn allocated_resources(
    ar: &Value,
    version: NomadVersion,
) -> Result<AllocResources, &'static str> {
    let lifecycles = obj(ar, "TaskLifecycles");
    let mut group = TaskGroup::default();
    let mut task_networks = Vec::new();
    let mut devices = Vec::new();
    let tasks = ar.typed_object("Tasks");
    for (name, t) in tasks.into_iter().flatten() {
        let lifecycle = lifecycles
            .and_then(|l| obj(l, name))
            .filter(|l| !s(l, "Hook").is_empty())
            .map(|l| Lifecycle {
                hook: s(l, "Hook"),
                sidecar: l.typed_bool("Sidecar").unwrap_or(false),
                spans: Default::default(),
            });
        group.tasks.push(Task {
            name: name.clone(),
            resources: Resources {
                cpu: path_i(t, &["Cpu", "CpuShares"]).unwrap_or(0),
                cores: i64::try_from(path_list(t, &["Cpu", "ReservedCores"]).len())
                    .unwrap_or(i64::MAX),
                memory_mb: path_i(t, &["Memory", "MemoryMB"]).unwrap_or(0),
                memory_max_mb: path_i(t, &["Memory", "MemoryMaxMB"]).unwrap_or(0),
                ..Resources::default()
            },
            lifecycle,
            ..Task::default()
        });
        task_networks.extend(networks(t).take(1));
        for d in t.typed_array("Devices").into_iter().flatten() {
            devices.push(crate::structs::device::AllocDevice {
                id: crate::structs::device::DeviceId {
                    vendor: s(d, "Vendor"),
                    device_type: s(d, "Type"),
                    name: s(d, "Name"),
                },
                instance_ids: strs(d, "DeviceIDs"),
            });
        }
    }
    let summed = super::bounds::group_ask(&group, version)?;
    let shared = obj(ar, "Shared").unwrap_or(&Value::Null);
    let mut nets = task_networks;
    let before = nets.len();
    let ports = port_list(shared, "Ports");
    let (port_ips, ignore_collision) = port_mappings(shared);
    nets.extend(networks(shared).map(|n| {
        // A group network with ports but no Shared.Ports was placed before
        // 0.12: NetworkIndex.AddAllocs reads it as it reads a task's
        // (AddReserved: its ports and its bandwidth on its device).
        let before_0_12 =
            ports.is_empty() && !(n.reserved_ports.is_empty() && n.dynamic_ports.is_empty());
        AllocNetwork {
            group: !before_0_12,
            port_ips: port_ips.clone(),
            ignore_collision: ignore_collision.clone(),
            ..n
        }
    }));
    if nets.len() == before && !ports.is_empty() {
        nets.push(AllocNetwork {
            reserved_ports: ports,
            group: true,
            port_ips,
            ignore_collision,
            ..AllocNetwork::default()
        });
    }
    Ok(AllocResources {
        cpu: summed.cpu,
        cores: summed.cores,
        memory_mb: summed.memory_mb,
        memory_max_mb: summed.memory_max_mb,
        disk_mb: i(shared, "DiskMB"),
        networks: nets,
        devices,
    })
}

/// Pre-0.9 allocations only carry the legacy `Resources` sum.
pub(super) fn legacy_resources(r: &Value) -> AllocResources {
    let memory = i(r, "MemoryMB");
    AllocResources {
        cpu: i(r, "CPU"),
        memory_mb: memory,
        memory_max_mb: memory,
        disk_mb: i(r, "DiskMB"),
        networks: networks(r).collect(),
        ..AllocResources::default()
    }
}
