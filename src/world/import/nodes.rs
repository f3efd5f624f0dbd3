//! One client node as Nomad's API reports it, read into the shape of a
//! one-node pool.

use crate::world::api_json::Fields as _;
use std::collections::BTreeMap;

use serde_json::Value;

use crate::world::api_json::{b, obj, path_array, path_i, path_s, s, smap};
use crate::world::model::*;

/// One client node as the API describes it, reduced to what a pool holds.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct NodeShape {
    pub(super) name: String,
    pub(super) id: String,
    /// The node's devices with their instance IDs; the pool's shape holds
    /// them without IDs, so nodes alike but for their serials group.
    pub(super) devices: Vec<crate::structs::device::NodeDevice>,
    /// Its task networks, addresses and all ([`task_networks`]).
    pub(super) task_networks: Vec<crate::structs::NodeNetwork>,
    /// Its real host network addresses by the stand-in that stands for
    /// each in the pool's shape ([`reported_addresses`]).
    pub(super) address_ips: BTreeMap<String, String>,
    /// Its `unique.*` attributes, left out of the pool's shape.
    pub(super) unique_attributes: BTreeMap<String, String>,
    pub(super) pool: ClientPool,
}

/// The `NetworkResource`s a task-level `network` is offered on
/// (`NetworkIndex.SetNode`: `NodeResources.Networks`, only the entries with
/// a `Device`: a `bridge` or CNI mode entry has none), in report order; a
/// pre-0.9 agent's legacy `Resources.Networks` when it reports no
/// `NodeResources`. An entry without a `CIDR` (not what a client reports)
/// is given the one its fingerprint writes for its `IP`; one without an
/// IP address is left out, and a node left with none keeps the pool's
/// stand-in address, as before.
fn task_networks(v: &Value) -> Vec<crate::structs::NodeNetwork> {
    path_array(v, &["NodeResources", "Networks"])
        .or_else(|| path_array(v, &["Resources", "Networks"]))
        .into_iter()
        .flatten()
        .filter(|n| !s(n, "Device").is_empty() && s(n, "IP").parse::<std::net::IpAddr>().is_ok())
        .map(|n| crate::structs::NodeNetwork {
            device: s(n, "Device"),
            cidr: match s(n, "CIDR") {
                c if c.is_empty() => crate::structs::network_offers::host_cidr(&s(n, "IP")),
                c => c,
            },
            ip: s(n, "IP"),
            mbits: n.typed_i64("MBits").unwrap_or(0),
        })
        .collect()
}

/// `Status`, `SchedulingEligibility` and drain as the API reports them: the
/// full node has `DrainStrategy` (non-null while draining), the list stub
/// and pre-0.8 agents a `Drain` flag. A node is read only once its table
/// (typed_node.rs) holds each present value to Nomad's: a `Status` or
/// eligibility Nomad never answers is refused there, never read as ready
/// and eligible here (R25c-2); an empty eligibility is a pre-0.8 node's.
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
        drain: b(v, "Drain") || obj(v, "DrainStrategy").is_some(),
    }
}

/// The node's network modes (`NodeResources.Networks[].Mode`, empty read
/// as `host` as the scheduler reads it) and host networks (the aliases of
/// `NodeResources.NodeNetworks[].Addresses`, with the interface carrying
/// each). A node without `NodeResources.Networks` (a legacy agent's
/// `Resources` only) has the stock client's modes. With them, the real
/// address behind each stand-in ([`reported_addresses`]).
fn pool_networks(v: &Value) -> (PoolNetworks, BTreeMap<String, String>) {
    let modes = path_array(v, &["NodeResources", "Networks"]).map(|nets| {
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
    let node_nets = path_array(v, &["NodeResources", "NodeNetworks"]);
    if let Some((reported, real)) = node_nets.and_then(|n| reported_addresses(n)) {
        return (PoolNetworks { modes, ..reported }, real);
    }
    let mut host_networks = BTreeMap::new();
    for nn in node_nets.into_iter().flatten() {
        let addresses = nn.typed_array("Addresses");
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
                reserved_ports: address_reserved(a),
            });
        }
    }
    let unmodelled = PoolNetworks {
        modes,
        host_networks,
        ..PoolNetworks::default()
    };
    (unmodelled, BTreeMap::new())
}

/// The node's interfaces and host networks as its fingerprint reported
/// them (`NodeNetworks[].Device` and `.Addresses[]`: each address with the
/// alias it was given), as client configuration the world's alias rules
/// (host_aliases.rs) turn back into exactly those aliases, under every
/// release: each reported address and alias is one address of its
/// interface, a host network per alias has `cidr` = its addresses (and
/// the interface, when one carries them all), and the interface holding
/// `default` is the agent's `network_interface` (and default route, for
/// releases before 0.12.1). So `default` is carried only where it was
/// reported, and an imported client is judged as a declared one.
///
/// The addresses are stand-ins (`10.0.x.y`, numbered in report order):
/// one per alias keeps a release's rules from merging what a newer client
/// reported apart, and nodes alike but for their addresses stay one pool.
/// The map gives the real address behind each stand-in (as reported, the
/// text the allocations' `HostIP` repeats), each node's own, so the
/// scheduler keeps ports per real IP as `NetworkIndex` does.
/// `None` (the aliases are then read without addresses) when the report
/// has no address with an alias, one that is not an IP address, or
/// `default` on two interfaces, which no configuration reproduces.
fn reported_addresses(node_nets: &[Value]) -> Option<(PoolNetworks, BTreeMap<String, String>)> {
    use crate::world::host_aliases::{valid_address, Interface};
    let mut interfaces: Vec<Interface> = Vec::new();
    // Alias: its place, its stand-in addresses' cidrs, their interfaces,
    // its reserved ports.
    type Carriers = (usize, Vec<String>, Vec<String>, Vec<u16>);
    let mut by_alias: BTreeMap<String, Carriers> = BTreeMap::new();
    let mut default_on: Option<String> = None;
    let mut count = 0usize;
    let shared = shared_reserving(node_nets);
    let mut stand_in_of: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut real: BTreeMap<String, String> = BTreeMap::new();
    for nn in node_nets {
        let device = s(nn, "Device");
        let addresses = nn.typed_array("Addresses");
        for a in addresses.into_iter().flatten() {
            let alias = s(a, "Alias");
            if alias.is_empty() {
                continue;
            }
            if !valid_address(&s(a, "Address")) || device.is_empty() || count >= 0xffff {
                return None;
            }
            // One stand-in per entry, but one per IP where the IP's
            // entries reserve ports: the scheduler reserves per IP, so
            // every alias there shares them.
            let key = (device.clone(), s(a, "Address"));
            let address = match stand_in_of.get(&key) {
                Some(known) => known.clone(),
                None => {
                    count += 1;
                    let address = format!("10.0.{}.{}", count / 256, count % 256);
                    real.insert(address.clone(), s(a, "Address"));
                    if shared.contains(&key) {
                        stand_in_of.insert(key, address.clone());
                    }
                    match interfaces.iter_mut().find(|i| i.name == device) {
                        Some(i) => i.addresses.push(address.clone()),
                        None => interfaces.push(Interface {
                            name: device.clone(),
                            addresses: vec![address.clone()],
                            default_route: false,
                        }),
                    }
                    address
                }
            };
            if alias == "default" {
                match &default_on {
                    Some(d) if *d != device => return None,
                    _ => default_on = Some(device.clone()),
                }
                continue;
            }
            let next = by_alias.len();
            let entry = by_alias
                .entry(alias)
                .or_insert_with(|| (next, Vec::new(), Vec::new(), address_reserved(a)));
            let cidr = format!("{address}/32");
            if !entry.1.contains(&cidr) {
                entry.1.push(cidr);
            }
            if !entry.2.contains(&device) {
                entry.2.push(device.clone());
            }
        }
    }
    if interfaces.is_empty() {
        return None;
    }
    if let Some(d) = &default_on {
        for i in interfaces.iter_mut() {
            i.default_route = i.name == *d;
        }
    }
    let host_networks = by_alias
        .into_iter()
        .map(|(alias, (position, cidrs, devices, reserved_ports))| {
            // The interface too when one carries it all (what the agent's
            // block most likely named; the cidr alone decides either way).
            let interface = match devices.as_slice() {
                [one] => one.clone(),
                _ => String::new(),
            };
            let hn = HostNetwork {
                cidr: cidrs.join(","),
                interface,
                position,
                reserved_ports,
            };
            (alias, hn)
        })
        .collect();
    let networks = PoolNetworks {
        modes: None,
        host_networks,
        interfaces,
        network_interface: default_on.unwrap_or_default(),
    };
    Some((networks, real))
}

/// The ports an address entry reserves (`ReservedPorts`, the host
/// network's `reserved_ports` as the client reports it; one the client
/// could not have started with is read as none).
fn address_reserved(a: &Value) -> Vec<u16> {
    crate::world::load::parse_port_ranges(&s(a, "ReservedPorts")).unwrap_or_default()
}

/// The (device, address) pairs several alias entries share where one of
/// them reserves ports.
fn shared_reserving(node_nets: &[Value]) -> std::collections::BTreeSet<(String, String)> {
    let mut seen: BTreeMap<(String, String), (usize, bool)> = BTreeMap::new();
    for nn in node_nets {
        let device = s(nn, "Device");
        for a in nn.typed_array("Addresses").into_iter().flatten() {
            if s(a, "Alias").is_empty() {
                continue;
            }
            let e = seen.entry((device.clone(), s(a, "Address"))).or_default();
            e.0 += 1;
            e.1 |= !address_reserved(a).is_empty();
        }
    }
    seen.into_iter()
        .filter(|(_, (n, reserves))| *n > 1 && *reserves)
        .map(|(k, _)| k)
        .collect()
}

/// The drivers the scheduler's `DriverChecker` finds on the node, sorted
/// (`hasDrivers`, scheduler/feasible.go 0.8.0-1.9, scheduler/feasible/
/// feasible.go 2.0.5): one the node's `Drivers` lists counts only when
/// both `Detected` and `Healthy` (a detected driver whose health check
/// fails, e.g. a stopped Docker daemon, places nothing); one it does not
/// list (a pre-0.8 client) when its `driver.NAME` attribute parses as a
/// true Go bool.
fn usable_drivers(v: &Value) -> Vec<String> {
    let listed = v.typed_object("Drivers");
    let mut drivers: Vec<String> = listed
        .into_iter()
        .flatten()
        .filter(|(_, info)| b(info, "Detected") && b(info, "Healthy"))
        .map(|(k, _)| k.clone())
        .collect();
    for (key, value) in smap(v, "Attributes") {
        let Some(name) = key.strip_prefix("driver.") else {
            continue;
        };
        // `driver.docker.version` and the like are a driver's own
        // attributes, not its flag.
        let flag = !name.is_empty() && !name.contains('.');
        let unlisted = listed.is_none_or(|l| !l.contains_key(name));
        if flag && unlisted && crate::gostrconv::parse_bool(&value) == Some(true) {
            drivers.push(name.to_string());
        }
    }
    drivers.sort();
    drivers.dedup();
    drivers
}

/// A node list entry without the node's attributes (`NodeListStub`:
/// none, or `os.name` alone with `?os=true`).
pub(super) fn is_stub(v: &Value) -> bool {
    v.typed_object("Attributes")
        .is_none_or(|a| a.keys().all(|k| k == "os.name"))
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
    let nets = path_array(v, &["NodeResources", "Networks"])
        .or_else(|| path_array(v, &["Resources", "Networks"]));
    let mbits = nets
        .and_then(|n| n.iter().filter_map(|n| n.typed_i64("MBits")).max())
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
        ports: path_s(v, &["ReservedResources", "Networks", "ReservedHostPorts"])
            .and_then(|p| crate::world::load::parse_port_ranges(p).ok())
            .unwrap_or_default(),
    };
    let drivers = usable_drivers(v);
    // unique.* attributes (hostname, IPs, instance ids) differ on every node
    // and would keep identical machines in separate pools: each node keeps
    // its own.
    let (unique_attributes, attributes) = smap(v, "Attributes")
        .into_iter()
        .partition(|(k, _)| k.starts_with("unique."));
    let node_pool = match s(v, "NodePool") {
        p if p.is_empty() => "default".to_string(),
        p => p,
    };
    let devices = crate::world::device_file::devices_from_api(v);
    let (networks, address_ips) = pool_networks(v);
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
        task_networks: task_networks(v),
        address_ips,
        unique_attributes,
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
                .typed_object("HostVolumes")
                .map(|vs| {
                    vs.iter()
                        .map(|(name, hv)| {
                            let vol = HostVolume {
                                path: s(hv, "Path"),
                                read_only: b(hv, "ReadOnly"),
                                dynamic: !s(hv, "ID").is_empty(),
                            };
                            (name.clone(), vol)
                        })
                        .collect()
                })
                .unwrap_or_default(),
            devices: shape_devices,
            csi_plugins: crate::world::api_csi::node_plugins(v),
            networks,
            // `Node.NodeMaxAllocs` (1.10.2+; 0, or absent before: unset).
            max_allocs: path_i(v, &["NodeMaxAllocs"]).unwrap_or(0),
            min_dynamic_port: dynamic_bound(v, "MinDynamicPort"),
            max_dynamic_port: dynamic_bound(v, "MaxDynamicPort"),
            members: Vec::new(),
            hand_written: false,
            spans: Default::default(),
        },
    }
}

/// `NodeResources.MinDynamicPort` / `MaxDynamicPort` (reported from 1.2,
/// client/client.go): 0 (unset) when absent or not a port.
fn dynamic_bound(v: &Value, key: &str) -> u16 {
    path_i(v, &["NodeResources", key])
        .and_then(|p| u16::try_from(p).ok())
        .unwrap_or(0)
}

/// The list is past the world's cap of clients (`world::MAX_CLIENTS`).
pub(super) fn too_many(dir: &std::path::Path, n: usize) -> crate::diag::Diag {
    crate::diag::Diag::error(
        "import::too-many-nodes",
        format!(
            "{} holds {n} client nodes, more than the {} a world may hold",
            dir.display(),
            super::super::MAX_CLIENTS
        ),
    )
    .help("every client is simulated; import the part of the cluster the jobs can reach (filter nodes.json by datacenter or node pool)")
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

    #[test]
    fn the_clients_dynamic_port_range_is_imported() {
        let n = node_shape(&serde_json::json!({"Name": "a-1",
            "NodeResources": {"Cpu": {"CpuShares": 1000}, "Memory": {"MemoryMB": 1000},
                "MinDynamicPort": 30000, "MaxDynamicPort": 30100}}));
        assert_eq!(
            (n.pool.min_dynamic_port, n.pool.max_dynamic_port),
            (30000, 30100)
        );
        // Older clients report none: unset, Nomad's defaults.
        let n = node_shape(&serde_json::json!({"Name": "a-1",
            "NodeResources": {"Cpu": {"CpuShares": 1000}, "Memory": {"MemoryMB": 1000}}}));
        assert_eq!((n.pool.min_dynamic_port, n.pool.max_dynamic_port), (0, 0));
    }

    fn networks(addresses: serde_json::Value) -> PoolNetworks {
        pool_networks(&serde_json::json!({"NodeResources": {
            "Networks": [{"Mode": "host"}],
            "NodeNetworks": addresses,
        }}))
        .0
    }

    fn carried(n: &PoolNetworks, v: &str) -> Vec<String> {
        let v: crate::version::NomadVersion = v.parse().expect("version");
        let a = n.aliases(v);
        assert!(a.by_chance.is_empty() && a.cannot_tell.is_empty(), "{a:?}");
        a.carried.into_iter().collect()
    }

    /// The aliases a node reports are the aliases it carries, `default`
    /// only where reported: a node whose default-route address a host
    /// network took (before 1.6.2) takes no port without `host_network`.
    #[test]
    fn reported_addresses_give_each_alias_where_the_node_reported_it() {
        let addr = |alias: &str, address: &str| serde_json::json!({"Family": "ipv4", "Alias": alias, "Address": address});
        let both = networks(serde_json::json!([
            {"Mode": "host", "Device": "eth0", "Addresses": [addr("default", "10.0.1.1")]},
            {"Mode": "bridge", "Device": "nomad", "Addresses": null},
            {"Mode": "host", "Device": "eth1", "Addresses": [addr("public", "203.0.113.1")]},
        ]));
        for v in ["0.12.0", "1.0.0", "1.6.0", "2.0.5"] {
            assert_eq!(carried(&both, v), ["default", "public"], "{v}");
        }
        let taken = networks(serde_json::json!([
            {"Mode": "host", "Device": "eth0", "Addresses": [addr("public", "10.0.1.1")]},
        ]));
        for v in ["0.12.0", "1.6.0", "2.0.5"] {
            assert_eq!(carried(&taken, v), ["public"], "{v}");
        }
        // From 1.6.2 one address carries both (one entry per alias): what
        // a newer client reported stands under an older world's rules.
        let shared = networks(serde_json::json!([
            {"Mode": "host", "Device": "eth0", "Addresses": [
                addr("default", "10.0.1.1"), addr("public", "10.0.1.1")]},
        ]));
        for v in ["0.12.0", "1.0.0", "1.6.0", "1.6.2"] {
            assert_eq!(carried(&shared, v), ["default", "public"], "{v}");
        }
        // Each stand-in's real address, the node's own.
        let real = |addresses| {
            let v = serde_json::json!({"NodeResources": {"NodeNetworks": addresses}});
            pool_networks(&v).1.into_iter().collect::<Vec<_>>()
        };
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            real(serde_json::json!([
                {"Mode": "host", "Device": "eth0", "Addresses": [addr("default", "10.0.1.1")]},
                {"Mode": "host", "Device": "eth1", "Addresses": [addr("public", "203.0.113.1")]},
            ])),
            [
                pair("10.0.0.1", "10.0.1.1"),
                pair("10.0.0.2", "203.0.113.1")
            ]
        );
        // Addresses are kept by kind, so nodes alike but for them group.
        let other = networks(serde_json::json!([
            {"Mode": "host", "Device": "eth0", "Addresses": [addr("default", "10.9.9.9")]},
            {"Mode": "host", "Device": "eth1", "Addresses": [addr("public", "198.51.100.7")]},
        ]));
        assert_eq!(other, both);
        // What no configuration reproduces keeps the aliases alone.
        let odd = networks(serde_json::json!([
            {"Mode": "host", "Device": "eth0", "Addresses": [addr("public", "not an address")]},
        ]));
        assert!(odd.interfaces.is_empty());
        assert!(odd.host_networks.contains_key("public"));
    }
}
