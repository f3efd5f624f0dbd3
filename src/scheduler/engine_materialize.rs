//! Building the allocation a placement makes on its chosen node: IDs,
//! network devices and addresses (as each release records them), dynamic
//! ports and the device instances ranking offered. Apart from the
//! evaluation's state ([`super::Engine`]) because it only reads it.

use super::super::dynamic_ports::{DynamicPorts, DYNAMIC_PORT_MAX, DYNAMIC_PORT_MIN};
use super::super::rank::RankedNode;
use super::{Ask, Engine};
use crate::cluster::Allocation;
use crate::ids::{hash_parts, uuid, Id};

impl Engine<'_> {
    /// The evaluated job's group `name`, shared by every allocation this
    /// evaluation places in it.
    fn group_id(&mut self, name: &str) -> Id {
        if let Some(id) = self.group_ids.iter().find(|g| g.as_str() == name) {
            return id.clone();
        }
        let id = Id::from(name);
        self.group_ids.push(id.clone());
        id
    }

    /// The node's first network's device and IP, as IDs its placements share.
    fn node_network(&mut self, pos: usize) -> (Id, Id) {
        if let Some((_, d, ip)) = self.node_nets.iter().find(|(p, ..)| *p == pos) {
            return (d.clone(), ip.clone());
        }
        let (d, ip) = self
            .state
            .nodes
            .get(pos)
            .and_then(|n| n.networks.first())
            .map(|d| (Id::from(&d.device), Id::from(&d.ip)))
            .unwrap_or_default();
        self.node_nets.push((pos, d.clone(), ip.clone()));
        (d, ip)
    }

    /// Build the allocation for a chosen node: IDs, network addresses,
    /// dynamic ports (random in Nomad; here drawn from the seeded RNG) and
    /// the device instances ranking offered.
    pub fn materialize(
        &mut self,
        ask: &Ask<'_>,
        ranked: &RankedNode,
        name: &str,
        eval_id: &str,
        job_version: u64,
    ) -> Allocation {
        let pos = ranked.node;
        let node = self.state.nodes.get(pos);
        let mut used = DynamicPorts::default();
        for a in self.proposed_iter(pos) {
            for x in &a.resources.networks {
                for (_, p) in x.reserved_ports.iter().chain(x.dynamic_ports.iter()) {
                    used.insert(*p);
                }
            }
        }
        if let Some(n) = node {
            for p in &n.reserved_ports {
                used.insert(*p);
            }
        }
        let mut res = ask.res.clone();
        res.devices.clone_from(&ranked.devices);
        let (device, ip) = if res.networks.is_empty() {
            (Id::default(), Id::default())
        } else {
            self.node_network(pos)
        };
        let asked = res.networks.len();
        let version = self.world.nomad_version;
        for (i, net) in res.networks.iter_mut().enumerate() {
            let group = super::super::net_held::group_network(ask.tg, asked, i);
            (net.device, net.ip) = match group {
                // From 0.12 a copy of the ask (AllocatedPortsToNetworkResouce):
                // the job's device, the host network's address.
                Some(g) if super::super::net_held::on_host_network(version) => {
                    (Id::from(&g.device), ip.clone())
                }
                _ => super::super::task_offer::at(&ranked.task_offers, i, (&device, &ip)),
            };
            if let Some(g) = group {
                net.mbits = g.mbits;
                if super::super::net_held::on_host_network(version) {
                    net.port_ips.clone_from(&ranked.port_ips);
                }
            }
            for (_, p) in net.reserved_ports.iter() {
                used.insert(*p);
            }
            for (_, p) in net.dynamic_ports.iter_mut() {
                let span = u64::from(DYNAMIC_PORT_MAX - DYNAMIC_PORT_MIN);
                for _ in 0..64 {
                    let cand = DYNAMIC_PORT_MIN + u16::try_from(self.rng.below(span)).unwrap_or(0);
                    if used.insert(cand) {
                        *p = cand;
                        break;
                    }
                }
            }
        }
        let id = uuid(hash_parts(self.rng.next_u64(), &[eval_id]), &[name]);
        let (namespace, job_id) = self.job_ids.clone();
        Allocation {
            id: id.into(),
            name: name.into(),
            namespace,
            job_id,
            job_version,
            job_priority: ask.job.priority,
            job_type: ask.job.job_type,
            task_group: self.group_id(&ask.tg.name),
            node_id: node.map(|n| Id::from(&n.id)).unwrap_or_default(),
            resources: res,
            ..Allocation::default()
        }
    }
}
