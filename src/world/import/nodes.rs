//! One client node as Nomad's API reports it, read into the shape of a
//! one-node pool.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::world::api_json::{b, path, path_i, s, smap};
use crate::world::model::*;

/// One client node as the API describes it, reduced to what a pool holds.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct NodeShape {
    pub(super) name: String,
    pub(super) id: String,
    /// The node's devices with their instance IDs; the pool's shape holds
    /// them without IDs, so nodes alike but for their serials group.
    pub(super) devices: Vec<crate::structs::device::NodeDevice>,
    pub(super) pool: ClientPool,
}

/// `Status`, `SchedulingEligibility` and drain as the API reports them: the
/// full node has `DrainStrategy` (non-null while draining), the list stub
/// and pre-0.8 agents a `Drain` flag.
fn node_state(v: &Value) -> NodeState {
    use crate::structs::NodeStatus;
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

/// The node's network modes (`NodeResources.Networks[].Mode`, empty read
/// as `host` as the scheduler reads it) and host networks (the aliases of
/// `NodeResources.NodeNetworks[].Addresses`, with the interface carrying
/// each). A node without `NodeResources.Networks` (a legacy agent's
/// `Resources` only) has the stock client's modes.
fn pool_networks(v: &Value) -> PoolNetworks {
    let modes = path(v, &["NodeResources", "Networks"])
        .and_then(Value::as_array)
        .map(|nets| {
            let mut modes: Vec<String> = nets
                .iter()
                .map(|n| match s(n, "Mode") {
                    m if m.is_empty() => "host".to_string(),
                    m => m,
                })
                .filter(|m| crate::world::network_file::known_mode(m))
                .collect();
            modes.sort();
            modes.dedup();
            modes
        });
    let mut host_networks = BTreeMap::new();
    let node_nets = path(v, &["NodeResources", "NodeNetworks"]).and_then(Value::as_array);
    for nn in node_nets.into_iter().flatten() {
        let addresses = nn.get("Addresses").and_then(Value::as_array);
        for a in addresses.into_iter().flatten() {
            let alias = s(a, "Alias");
            if alias.is_empty() || alias == "default" {
                continue;
            }
            let position = host_networks.len();
            host_networks.entry(alias).or_insert_with(|| HostNetwork {
                cidr: String::new(),
                interface: s(nn, "Device"),
                position,
            });
        }
    }
    PoolNetworks {
        modes,
        host_networks,
        ..PoolNetworks::default()
    }
}

pub(super) fn node_shape(v: &Value) -> NodeShape {
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
            .and_then(|p| crate::world::load::parse_port_ranges(p).ok())
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
    let devices = crate::world::device_file::devices_from_api(v);
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
            csi_plugins: crate::world::api_csi::node_plugins(v),
            networks: pool_networks(v),
            members: Vec::new(),
            spans: Default::default(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
