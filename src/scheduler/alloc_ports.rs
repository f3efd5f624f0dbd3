//! Do a node's running allocations already collide on a port? The
//! BinPackIterator (scheduler/rank.go; 2.0: scheduler/feasible/rank.go)
//! indexes the node (`SetNode`) and then its proposed allocations
//! (`NetworkIndex.AddAllocs`, nomad/structs/network.go). In 1.0.16–1.0.18,
//! 1.1.10 on and 1.2.4 on (so every release from 1.3.0 to 2.0.5) a collision
//! there skips the node with the dimension `network: port collision`,
//! before anything is asked of it, preemption included; before, the result
//! is dropped and the node is placed on.
//!
//! The index keeps one used-port bitmap per IP (`UsedPorts[ip]`), so a
//! collision is one port marked twice on one IP:
//! - `SetNode` marks the client-wide `reserved_ports` on every address and
//!   each host network address's own ports on it;
//! - an allocation holding group port mappings (`Shared.Ports`) adds each
//!   mapping at its `HostIP` (`AddReservedPorts`); from 1.9.0 a mapping with
//!   `ignore_collision` on a marked port does not collide;
//! - any other allocation adds its group network and each task's first
//!   network at that network's `IP`, reserved then dynamic ports
//!   (`AddReserved`).
//!
//! The proposed allocations come out of a Go map (`ProposedAllocs`), so
//! with `ignore_collision` the outcome can rest on their order: a port
//! held by one allocation without it and by another with it collides only
//! when the latter comes first. That case is reported apart
//! ([`Collision::ByOrder`]).
//!
//! `AssignPorts` meets the same bitmaps: a group port is refused where its
//! address holds it ([`Held`]), not where any address of the node does.
//!
//! Each address is keyed by its IP where the pool's `interface` blocks
//! give it (`NodeNets::address_ips`), the one carrying `default` also at
//! the node's first task network IP, where the model records what is held
//! on the node's own address. What the node model cannot key: the address
//! of a host network other than `default`'s in a pool without `interface`
//! blocks, or an import's (stand-in addresses, while its allocations
//! name real ones): there an ask meets the ports held anywhere, and the
//! address's reserved ports meet no allocation's; and an allocation
//! network without an IP (a hand-written one), which is read at the
//! node's first address, where Nomad records a placed group network.

use std::collections::HashSet;

use super::net_held;
use super::network_check::port_alias;
use crate::cluster::{Allocation, Node};
use crate::jobspec::Port;
use crate::version::NomadVersion;

/// What `AddAllocs` finds on one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Collision {
    None,
    /// Two holdings of one port on one IP, whatever the order.
    Certain,
    /// Only in some of Go's map orders: a port held by one allocation
    /// without `ignore_collision` and by others with it.
    ByOrder(ByOrder),
}

/// The first such port (the lowest) and the allocations holding it, by
/// their place in the list `allocs_collide` read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByOrder {
    pub port: u16,
    pub strict: usize,
    pub ignoring: Vec<usize>,
    /// Other ports are in the same case: the odds are not one gap's.
    pub more: bool,
}

/// Does the BinPackIterator skip a node whose allocations collide under `v`?
pub fn skips_on_collision(v: NomadVersion) -> bool {
    let between = |lo: (u32, u32, u32), hi: (u32, u32, u32)| {
        v.at_least(lo.0, lo.1, lo.2) && !v.at_least(hi.0, hi.1, hi.2)
    };
    between((1, 0, 16), (1, 1, 0)) || between((1, 1, 10), (1, 2, 0)) || v.at_least(1, 2, 4)
}

/// What `AddAllocs` finds for `allocs` on node `n` under `v` (`None` in
/// the releases that drop the result).
pub fn allocs_collide<'a>(
    n: &Node,
    allocs: impl Iterator<Item = &'a Allocation>,
    v: NomadVersion,
) -> Collision {
    if !skips_on_collision(v) {
        return Collision::None;
    }
    // The client-wide ports, and those the address at `ip` reserves
    // itself (the one carrying `default` at the node's first address).
    let node_marks = |ip: &str, p: u16| {
        n.reserved_ports.contains(&p) || super::address_ports::reserved_at(n, ip, p)
    };
    // Every holding, grouped by (port, IP) with a stable sort, so each
    // key's holdings stay in index order: a flat list, as a hash map per
    // ranked node doubled the time of a plan on a thousand busy nodes.
    let mut all: Vec<(u16, &str, usize, bool)> = Vec::new();
    for (k, a) in allocs.enumerate() {
        for (ip, p, ignores) in holdings(n, a, v) {
            all.push((p, ip, k, ignores));
        }
    }
    all.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));
    let mut by_order: Vec<ByOrder> = Vec::new();
    for group in all.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
        let Some(&(p, ip, _, ignores)) = group.first() else {
            continue;
        };
        let marked = node_marks(ip, p);
        if group.len() == 1 {
            // One holding collides only with the node's own mark.
            if !ignores && marked {
                return Collision::Certain;
            }
            continue;
        }
        let held: Vec<(usize, bool)> = group.iter().map(|h| (h.2, h.3)).collect();
        match judge(marked, &held) {
            Collision::Certain => return Collision::Certain,
            Collision::ByOrder(b) => by_order.push(ByOrder { port: p, ..b }),
            Collision::None => {}
        }
    }
    by_order.sort_by_key(|b| b.port);
    let more = by_order.iter().skip(1).any(|b| {
        by_order
            .first()
            .is_some_and(|f| (b.strict, &b.ignoring) != (f.strict, &f.ignoring))
    });
    match by_order.into_iter().next() {
        Some(first) => Collision::ByOrder(ByOrder { more, ..first }),
        None => Collision::None,
    }
}

impl super::engine::Engine<'_> {
    /// [`allocs_collide`] for the node at `pos` with the plan so far: kept
    /// per node until the plan touches it, as ranking asks for every
    /// placement.
    pub(super) fn node_collision(&self, pos: usize, n: &Node) -> Collision {
        // No holding anywhere, no collision: ranking a node the plan has
        // touched walked its allocations for each placement (a twentieth of
        // the uncached 5,000-client plan, whose 100,000 hold no port).
        if !self.ports_held {
            return Collision::None;
        }
        let version = self.world.nomad_version;
        let fresh = || allocs_collide(n, self.proposed_iter(pos), version);
        match self.base_collision.get(pos) {
            Some(cell) if !self.touched.contains(&pos) => cell.get_or_init(fresh).clone(),
            _ => fresh(),
        }
    }
}

/// Does allocation `a` hold any port? What [`holdings`] yields of it, on
/// any node and under any version, is a part of these.
pub fn holds_any(a: &Allocation) -> bool {
    a.resources.networks.iter().any(|net| {
        net.reserved_ports
            .iter()
            .chain(net.dynamic_ports.iter())
            .any(|(_, p)| *p != 0)
    })
}

/// Each port the index reads of allocation `a` on node `n`: the IP it is
/// keyed by (a network without one at the node's first address), the port,
/// and whether its mapping ignores collisions (1.9+).
pub fn holdings<'a>(
    n: &'a Node,
    a: &'a Allocation,
    v: NomadVersion,
) -> impl Iterator<Item = (&'a str, u16, bool)> + 'a {
    let home = n.networks.first().map_or("", |o| o.ip.as_str());
    let ignores_from = v.at_least(1, 9, 0);
    net_held::indexed(&a.resources.networks, v).flat_map(move |h| {
        let net = h.net;
        let mapped = net.group && net_held::on_host_network(v);
        net.reserved_ports
            .iter()
            .chain(net.dynamic_ports.iter())
            // A port without a number is one the model never drew.
            .filter(|(_, p)| *p != 0)
            .map(move |(label, p)| {
                let ip = mapped
                    .then(|| net.port_ips.iter().find(|(l, _)| l == label))
                    .flatten()
                    .map_or(net.ip.as_str(), |(_, ip)| ip.as_str());
                let ip = if ip.is_empty() { home } else { ip };
                let ignores = mapped && ignores_from && net.ignore_collision.contains(label);
                (ip, *p, ignores)
            })
    })
}

/// Where `AssignPorts` puts a static group port ([`Held::place`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Landing {
    /// On the node's own address, or where the node's addresses have no
    /// IPs.
    Own,
    /// On the address at this IP, another (the mapping's `HostIP`).
    At(String),
    Refused,
}

/// The ports a node's allocations hold as `AssignPorts` meets them: a
/// group port is refused where its address's bitmap (`UsedPorts[ip]`) has
/// it. Those on the node's first address, those anywhere (read for a
/// host network on another address whose IP the node model lacks: the
/// safe side), and each with its IP (read where every address has one).
#[derive(Debug, Default)]
pub struct Held {
    first: HashSet<u16>,
    anywhere: HashSet<u16>,
    at: HashSet<(String, u16)>,
}

impl Held {
    pub fn of<'a>(n: &Node, allocs: impl Iterator<Item = &'a Allocation>, v: NomadVersion) -> Held {
        let first_ip = n.networks.first().map_or("", |o| o.ip.as_str());
        let mut held = Held::default();
        for a in allocs {
            for (ip, p, _) in holdings(n, a, v) {
                if ip == first_ip {
                    held.first.insert(p);
                }
                held.anywhere.insert(p);
                if n.nets.addresses_known() {
                    held.at.insert((ip.to_string(), p));
                }
            }
        }
        held
    }

    /// Every port some allocation holds, on any address.
    pub fn ports(&self) -> impl Iterator<Item = u16> + '_ {
        self.anywhere.iter().copied()
    }

    /// Is `port`, asked by the group's `asked` port on its host network,
    /// held? (A template that does not resolve reads everywhere.)
    pub fn holds(&self, n: &Node, asked: Option<&Port>, port: u16, v: NomadVersion) -> bool {
        self.place(n, asked, port, v) == Landing::Refused
    }

    /// Where `AssignPorts` puts `port`, asked by the group's `asked` port:
    /// on the alias's first address before 1.8.3, on the first whose
    /// bitmap (allocations' ports at its IP, its own reserved ports) lacks
    /// it from 1.8.3.
    pub fn place(&self, n: &Node, asked: Option<&Port>, port: u16, v: NomadVersion) -> Landing {
        use super::address_ports::is_address;
        let alias = asked.and_then(|x| port_alias(x, n, v, v.at_least(1, 1, 0)));
        let carrying: Vec<usize> = match alias.as_deref() {
            Some(a) if n.nets.addresses_known() => {
                let a = if a.is_empty() { "default" } else { a };
                let on = |e: &Vec<(String, Vec<u16>)>| e.iter().any(|(x, _)| x == a);
                let addresses = n.nets.addresses.iter().enumerate();
                addresses.filter(|(_, e)| on(e)).map(|(i, _)| i).collect()
            }
            _ => Vec::new(),
        };
        if carrying.is_empty() {
            let held = match alias {
                Some(a) if on_first_address(n, &a) => self.first.contains(&port),
                _ => self.anywhere.contains(&port),
            };
            return if held { Landing::Refused } else { Landing::Own };
        }
        let tries = if v.has(crate::version::Fix::StaticPortPerAddress) {
            carrying.len()
        } else {
            1
        };
        for i in carrying.into_iter().take(tries) {
            let used = self
                .at
                .iter()
                .any(|(ip, p)| *p == port && is_address(n, i, ip))
                || n.nets
                    .addresses
                    .get(i)
                    .is_some_and(|e| e.iter().any(|(_, r)| r.contains(&port)));
            if used {
                continue;
            }
            let home = n
                .nets
                .addresses
                .get(i)
                .is_some_and(|e| e.iter().any(|(x, _)| x == "default"));
            return match n.nets.address_ips.get(i) {
                Some(ip) if !home => Landing::At(ip.clone()),
                _ => Landing::Own,
            };
        }
        Landing::Refused
    }
}

/// Is a group port on host network `alias` offered on the node's first
/// address, the one carrying `default` (where its used ports are the ones
/// held there, `UsedPorts[ip]`)? `default` itself, or an alias the node
/// reports on that same address.
pub fn on_first_address(n: &Node, alias: &str) -> bool {
    alias.is_empty()
        || alias == "default"
        || n.nets.addresses.iter().any(|entries| {
            entries.iter().any(|(a, _)| a == "default") && entries.iter().any(|(a, _)| a == alias)
        })
}

/// The note for a node ranked though Go's map order may skip it
/// ([`Collision::ByOrder`]), with the odds when established: `position`
/// places an allocation (by its place in the list read) in the map's
/// insertion order, a map of `shape`.
pub fn order_note(
    n: &Node,
    b: &ByOrder,
    position: impl Fn(usize) -> Option<usize>,
    shape: crate::gomap::Shape,
    v: NomadVersion,
) -> String {
    let odds = if b.more {
        None
    } else {
        let ignoring: Option<Vec<usize>> = b.ignoring.iter().map(|k| position(*k)).collect();
        position(b.strict)
            .zip(ignoring)
            .and_then(|(s, i)| collides_odds(s, &i, shape))
    };
    let odds = match odds {
        Some(p) => format!("{:.1}%", p * 100.0),
        None => format!("{}, or several such ports", super::preempt::NOT_ESTABLISHED),
    };
    format!(
        "node {:?}: allocations hold port {} on one address, one without ignore_collision and the others with it; Nomad {v} skips the node (\"network: port collision\") when its proposed list (a Go map) indexes an ignoring one first ({odds}), and this plan takes the node as not skipped",
        n.name, b.port
    )
}

/// One key's verdict: `marked` by the node first, then `held` (allocation,
/// ignores) with each allocation's holdings in their fixed order and the
/// allocations in any order. A holding that ignores collisions never
/// collides; any other collides with whatever came before it.
fn judge(marked: bool, held: &[(usize, bool)]) -> Collision {
    let mut strict = held.iter().enumerate().filter(|(_, (_, ignores))| !ignores);
    let Some((at, (owner, _))) = strict.next() else {
        return Collision::None;
    };
    if marked || strict.next().is_some() || held[..at].iter().any(|(k, _)| k == owner) {
        return Collision::Certain;
    }
    let mut ignoring: Vec<usize> = held
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| k != owner)
        .collect();
    if ignoring.is_empty() {
        return Collision::None;
    }
    // Another allocation's ignoring holding: first in some orders.
    ignoring.dedup();
    Collision::ByOrder(ByOrder {
        port: 0,
        strict: *owner,
        ignoring,
        more: false,
    })
}

/// The chance that the allocation at insertion position `strict` of a Go
/// map of `shape` comes after one at `ignoring` when iterated: one minus
/// its chance to come first of them ([`crate::gomap::first_of_in`]).
pub fn collides_odds(strict: usize, ignoring: &[usize], shape: crate::gomap::Shape) -> Option<f64> {
    let others: Vec<usize> = ignoring.iter().copied().filter(|j| *j != strict).collect();
    if others.is_empty() {
        return None;
    }
    let marked: Vec<usize> = std::iter::once(strict).chain(others).collect();
    let first = crate::gomap::first_of_in(&marked, shape)?;
    first.first().map(|p| 1.0 - p)
}

#[cfg(test)]
#[path = "alloc_ports_tests.rs"]
mod tests;
