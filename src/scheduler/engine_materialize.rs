//! Building the allocation a placement makes on its chosen node: IDs,
//! network devices and addresses (as each release records them), dynamic
//! ports and the device instances ranking offered. Apart from the
//! evaluation's state ([`super::Engine`]) because it only reads it.

use super::super::dynamic_ports::{self, DynamicPorts};
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

    /// The IDs the node at `pos` shares with its placements (a position
    /// off the state's nodes has none to share: `None`).
    fn node_ids(&mut self, pos: usize) -> Option<&mut super::NodeIds> {
        if pos >= self.state.nodes.len() {
            return None;
        }
        if self.node_ids.len() <= pos {
            self.node_ids.resize(pos + 1, Default::default());
        }
        self.node_ids.get_mut(pos)
    }

    /// The node's ID, as an ID its placements share.
    fn node_id(&mut self, pos: usize) -> Id {
        let node = self.state.nodes.get(pos);
        match self.node_ids(pos) {
            Some(ids) => ids
                .id
                .get_or_insert_with(|| node.map(|n| Id::from(&n.id)).unwrap_or_default())
                .clone(),
            None => Id::default(),
        }
    }

    /// The node's first network's device and IP, as IDs its placements share.
    fn node_network(&mut self, pos: usize) -> (Id, Id) {
        let first = self.state.nodes.get(pos).and_then(|n| n.networks.first());
        let make = || {
            first
                .map(|d| (Id::from(&d.device), Id::from(&d.ip)))
                .unwrap_or_default()
        };
        match self.node_ids(pos) {
            Some(ids) => ids.net.get_or_insert_with(make).clone(),
            None => make(),
        }
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
        // The ports held are read only to draw dynamic ones: a placement
        // asking none skips the node's list (walking it for every
        // placement made a group of n allocations cost n²: count =
        // 15,000, a fifth of `check`).
        let draws = ask.res.networks.iter().any(|n| !n.dynamic_ports.is_empty());
        let held = draws.then(|| self.proposed_iter(pos)).into_iter().flatten();
        for a in held {
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
        let (lo, hi) = node.map_or(
            (
                dynamic_ports::DYNAMIC_PORT_MIN,
                dynamic_ports::DYNAMIC_PORT_MAX,
            ),
            |n| dynamic_ports::range(n, version),
        );
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
                // Stochastic draws in [min, max) first, then a precise pick
                // among the free ports of [min, max] (network.go); ranking
                // checked that enough are free.
                let span = u64::from(hi.saturating_sub(lo)).max(1);
                let mut drawn = None;
                for _ in 0..64 {
                    let cand = lo.saturating_add(u16::try_from(self.rng.below(span)).unwrap_or(0));
                    if used.insert(cand) {
                        drawn = Some(cand);
                        break;
                    }
                }
                if drawn.is_none() {
                    let free: Vec<u16> = (lo..=hi).filter(|c| !used.has(*c)).collect();
                    let len = u64::try_from(free.len()).unwrap_or(0);
                    if len > 0 {
                        let k = usize::try_from(self.rng.below(len)).unwrap_or(0);
                        drawn = free.get(k).copied();
                    }
                    if let Some(c) = drawn {
                        used.insert(c);
                    }
                }
                if let Some(c) = drawn {
                    *p = c;
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
            node_id: self.node_id(pos),
            resources: res,
            ..Allocation::default()
        }
    }
}
