//! A group's `network` as Nomad holds it, per release, in one place: how
//! it is asked, where the placed allocation records it, and what the
//! network index counts of it afterwards.
//!
//! - 0.10–0.11: a group network is offered like a task's (`AssignNetwork`:
//!   bandwidth and ports on a device), recorded on that device, and counted
//!   like a task's.
//! - 0.12.0–2.0.5: it is placed on a host network (`AssignPorts`,
//!   nomad/structs/network.go, called from the BinPackIterator in
//!   scheduler/rank.go, scheduler/feasible/rank.go from 2.0): ports only, its
//!   `mbits` is never checked. The allocation records a copy of the ask
//!   (`AllocatedPortsToNetworkResouce`): the ask's device (none, unless the
//!   job names one) and Mbits, the first host network's address. The index
//!   (`NetworkIndex.AddAllocs`) then reads an allocation holding group
//!   port mappings (`Shared.Ports`) by those ports alone: neither its
//!   group's nor its tasks' bandwidth, nor its tasks' ports; an allocation
//!   without them is read by every network, bandwidth on its device.
//!   `PreemptForNetwork` still asks for the group's `mbits` and groups
//!   victims by the device of their first flattened network (`Comparable`:
//!   the tasks' networks, then the group's), so a group network with no
//!   device sits on "", which has no bandwidth: an ask of any Mbits (0.12.x
//!   defaults a network to 10) never preempts there.

use crate::cluster::AllocNetwork;
use crate::jobspec::{Network, TaskGroup};
use crate::version::NomadVersion;

/// Is a group network placed on a host network, ports only (`AssignPorts`,
/// 0.12+), rather than offered on a device like a task's?
pub fn on_host_network(v: NomadVersion) -> bool {
    v.at_least(0, 12, 0)
}

/// One network the index reads of an allocation, with the Mbits it adds to
/// its device's used bandwidth.
#[derive(Debug, Clone, Copy)]
pub struct Held<'a> {
    pub net: &'a AllocNetwork,
    pub mbits: i64,
}

impl Held<'_> {
    /// Does its bandwidth count on the node's device `device`? On its own
    /// device; a task network on a device the node does not report (a
    /// stand-in) on every one. A group network's device is the ask's,
    /// which the node's devices never sum with.
    pub fn on_device(&self, device: &str, node_has: impl Fn(&str) -> bool) -> bool {
        self.net.device.as_str() == device || (!self.net.group && !node_has(&self.net.device))
    }
}

/// Does the allocation hold group port mappings (`Shared.Ports`, 0.12+)?
fn holds_group_ports(nets: &[AllocNetwork], v: NomadVersion) -> bool {
    on_host_network(v)
        && nets
            .iter()
            .any(|n| n.group && !(n.reserved_ports.is_empty() && n.dynamic_ports.is_empty()))
}

/// The networks `NetworkIndex.AddAllocs` reads of one allocation's, each
/// with the bandwidth it counts.
pub fn indexed(nets: &[AllocNetwork], v: NomadVersion) -> impl Iterator<Item = Held<'_>> + Clone {
    let ports_only = holds_group_ports(nets, v);
    nets.iter()
        .filter(move |n| !ports_only || n.group)
        .map(move |n| Held {
            net: n,
            mbits: if ports_only { 0 } else { n.mbits },
        })
}

/// The bandwidth the index counts of one allocation's networks, all devices.
pub fn indexed_mbits(nets: &[AllocNetwork], v: NomadVersion) -> i64 {
    indexed(nets, v).map(|h| h.mbits).sum()
}

/// The group network an ask's network `i` is, if any: the ask lists each
/// task's first network, then the group's ([`crate::structs::resources`]).
pub fn group_network(tg: &TaskGroup, asked: usize, i: usize) -> Option<&Network> {
    let first_group = asked.saturating_sub(tg.networks.len());
    i.checked_sub(first_group).and_then(|g| tg.networks.get(g))
}

/// The network as the job wrote it that an ask's network `i` is: a
/// task's first network (in task order), else the group's.
pub fn written_network(tg: &TaskGroup, asked: usize, i: usize) -> Option<&Network> {
    group_network(tg, asked, i).or_else(|| {
        tg.tasks
            .iter()
            .filter_map(|t| t.resources.networks.first())
            .nth(i)
    })
}

/// The first of `net`'s static ports `AssignNetwork`/`AssignTaskNetwork`
/// refuse as out of range (`port.Value < 0 || port.Value >=
/// MaxValidPort`, nomad/structs/network.go@v0.9.3:265-268,
/// @v1.0.0:424-427, @v2.0.5:594-597): its position and value. Validation
/// refuses a port above 65535, not one below 0 (a `reserved_ports` block's
/// `static = -1`), and the ask carries it as port 0.
pub fn out_of_range_port(net: &Network) -> Option<(usize, i64)> {
    net.reserved_ports
        .iter()
        .enumerate()
        .find(|(_, p)| p.value < 0 || p.value > i64::from(u16::MAX))
        .map(|(k, p)| (k, p.value))
}

/// What a group network asks of `PreemptForNetwork` and (before 0.12)
/// `AssignNetwork`: its ports and the job's `mbits`, which the group's
/// comparable resources leave out.
pub fn group_ask(net: &AllocNetwork, g: &Network) -> AllocNetwork {
    AllocNetwork {
        mbits: g.mbits,
        group: true,
        ..net.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(group: bool, mbits: i64, ports: &[u16]) -> AllocNetwork {
        AllocNetwork {
            device: if group { "" } else { "eth0" }.into(),
            mbits,
            reserved_ports: ports.iter().map(|p| ("p".into(), *p)).collect(),
            group,
            ..AllocNetwork::default()
        }
    }

    fn read(nets: &[AllocNetwork], v: NomadVersion) -> Vec<(bool, i64)> {
        indexed(nets, v).map(|h| (h.net.group, h.mbits)).collect()
    }

    #[test]
    fn group_ports_hide_the_allocations_bandwidth_and_task_networks_from_0_12() {
        let nets = [net(false, 50, &[9000]), net(true, 10, &[8080])];
        let v = NomadVersion::new(0, 12, 0);
        assert_eq!(read(&nets, v), vec![(true, 0)]);
        assert_eq!(read(&nets, NomadVersion::new(2, 0, 5)), vec![(true, 0)]);
        // Before, every network counts with its bandwidth.
        let old = NomadVersion::new(0, 11, 8);
        assert_eq!(read(&nets, old), vec![(false, 50), (true, 10)]);
        assert_eq!(indexed_mbits(&nets, old), 60);
        // A group network without ports leaves Shared.Ports empty: every
        // network counts, the group's bandwidth on its own (empty) device.
        let bare = [net(false, 50, &[9000]), net(true, 10, &[])];
        assert_eq!(read(&bare, v), vec![(false, 50), (true, 10)]);
        let h = indexed(&bare, v)
            .nth(1)
            .map(|h| h.on_device("eth0", |d| d == "eth0"));
        assert_eq!(h, Some(false));
    }

    #[test]
    fn a_task_network_on_an_unreported_device_counts_on_every_device() {
        let stand_in = net(false, 5, &[]);
        let h = Held {
            net: &stand_in,
            mbits: 5,
        };
        assert!(h.on_device("eth1", |d| d == "eth1"));
        assert!(!h.on_device("eth1", |d| d == "eth1" || d == "eth0"));
    }
}
