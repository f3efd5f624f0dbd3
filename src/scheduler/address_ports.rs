//! Ports a client reserves per address: a `host_network` block's
//! `reserved_ports` (the client agent's config, reported as
//! `NodeResources.NodeNetworks[].Addresses[].ReservedPorts`), on top of
//! the client-wide `reserved { reserved_ports }`. The scheduler's
//! `NetworkIndex` (nomad/structs/network.go) keeps one used-port bitmap per
//! IP, so every alias entry at an address adds its ports to that address,
//! and a group network's static port is refused on the address it gets:
//!
//! - `SetNode` marks each address's ports (0.12.0 on). In 1.0.16–1.0.18,
//!   1.1.10–1.1.14, 1.2.4–1.2.8 and 1.3.0–1.3.1 it also reports a
//!   collision, and the BinPackIterator then skips the node with the
//!   dimension `network: port collision`: when the client-wide ports are
//!   set, a client-wide port some address already reserves
//!   (`AddReservedPortRange` overwrites the address result); otherwise two
//!   alias entries of one address reserving the same port. Before, the
//!   result is ignored; from the rewrite (1.1.15, 1.2.9, 1.3.2 on) the
//!   sets are merged without a collision.
//! - `AssignPorts` looks a static port up on the alias's addresses: before
//!   1.8.3 only the first (`reserved port collision LABEL=PORT` when it
//!   holds the port); from 1.8.3 each in turn, refused only when every
//!   one holds it.
//!
//! - `AssignTaskNetwork` (a task's `resources { network }`) offers the
//!   node's device address, so its static ports meet the ports of the
//!   address that carries `default`.
//!
//! The client-wide ports are counted by the caller on every address; the
//! allocations' ports per address ([`super::alloc_ports`]).

use super::alloc_ports::{Held, Landing};
use crate::cluster::Node;
use crate::ids::Id;
use crate::version::NomadVersion;

/// Is IP `ip` the node's address `i`? Its own IP where the world gives
/// it, and the node's first task network's IP (where the model places
/// what is held on the node's own address) for the address carrying
/// `default`.
pub fn is_address(n: &Node, i: usize, ip: &str) -> bool {
    let own = n
        .nets
        .address_ips
        .get(i)
        .is_some_and(|a| !a.is_empty() && a == ip);
    let home = n.networks.first().is_some_and(|o| o.ip == ip);
    own || (home
        && n.nets
            .addresses
            .get(i)
            .is_some_and(|entries| entries.iter().any(|(a, _)| a == "default")))
}

/// Does the node's own address list reserve `port` at IP `ip` (the
/// entries of the address `ip` is, [`is_address`])?
pub fn reserved_at(n: &Node, ip: &str, port: u16) -> bool {
    n.nets.addresses.iter().enumerate().any(|(i, entries)| {
        is_address(n, i, ip) && entries.iter().any(|(_, ports)| ports.contains(&port))
    })
}

/// Where each of a group network's ports lands when not on the node's own
/// address, by label (`HostIP`), on a node whose addresses have IPs:
/// static ports as [`Held::place`] puts them (one that ignores
/// collisions, or is refused, is left at the node's address), dynamic
/// ones on their alias's first address (`AssignPorts` takes the first
/// with a free port: the odds of a full address are nil). `net` is the
/// group's ask, its ports in the order of `g`'s.
pub fn landings(
    n: &Node,
    held: &Held,
    g: &crate::jobspec::Network,
    net: &crate::cluster::AllocNetwork,
    v: NomadVersion,
) -> Vec<(Id, Id)> {
    let at = |landing| match landing {
        Landing::At(ip) => Some(Id::from(&ip)),
        _ => None,
    };
    let fixed = net.reserved_ports.iter().zip(&g.reserved_ports);
    let fixed = fixed.filter_map(|((label, p), asked)| {
        Some((label.clone(), at(held.place(n, Some(asked), *p, v))?))
    });
    // A port no allocation holds: where its alias's first address is.
    let empty = Held::default();
    let dynamic = net.dynamic_ports.iter().zip(&g.dynamic_ports);
    let dynamic = dynamic.filter_map(|((label, _), asked)| {
        Some((label.clone(), at(empty.place(n, Some(asked), 0, v))?))
    });
    fixed.chain(dynamic).collect()
}

/// A pinned group network written without an IP (allocations.hcl): each
/// port with no `port_ips` entry is held where Nomad records its mapping,
/// at its alias's address (`HostIP`, the first carrying it: an empty
/// index), when the node's addresses have IPs; else at the node's own
/// address, as before. `g` is the group's network in the job it runs.
pub fn default_port_ips(
    n: &Node,
    g: &crate::jobspec::Network,
    net: &mut crate::cluster::AllocNetwork,
    v: NomadVersion,
) {
    if !net.ip.is_empty() || !n.nets.addresses_known() {
        return;
    }
    let empty = Held::default();
    let asked = g.reserved_ports.iter().chain(&g.dynamic_ports);
    let held = net.reserved_ports.iter().chain(&net.dynamic_ports);
    let mut found = Vec::new();
    for (label, _) in held {
        if net.port_ips.iter().any(|(l, _)| l == label) {
            continue;
        }
        let Some(port) = asked.clone().find(|p| p.label == label.as_str()) else {
            continue;
        };
        if let Landing::At(ip) = empty.place(n, Some(port), 0, v) {
            found.push((label.clone(), Id::from(&ip)));
        }
    }
    net.port_ips.extend(found);
}

/// Does `SetNode` report a collision that skips the node under `v`?
pub fn set_node_collides(n: &Node, v: NomadVersion) -> bool {
    if !reports_set_node_collision(v) || n.nets.addresses.is_empty() {
        return false;
    }
    if !n.reserved_ports.is_empty() {
        return n.nets.addresses.iter().any(|entries| {
            entries
                .iter()
                .any(|(_, ports)| ports.iter().any(|p| n.reserved_ports.contains(p)))
        });
    }
    n.nets.addresses.iter().any(|entries| {
        entries.iter().enumerate().any(|(i, (_, ports))| {
            entries[..i]
                .iter()
                .any(|(_, earlier)| ports.iter().any(|p| earlier.contains(p)))
        })
    })
}

/// The releases whose BinPackIterator skips a node on `SetNode`'s
/// collision (`network: port collision`).
fn reports_set_node_collision(v: NomadVersion) -> bool {
    let between = |lo: (u32, u32, u32), hi: (u32, u32, u32)| {
        v.at_least(lo.0, lo.1, lo.2) && !v.at_least(hi.0, hi.1, hi.2)
    };
    between((1, 0, 16), (1, 1, 0))
        || between((1, 1, 10), (1, 1, 15))
        || between((1, 2, 4), (1, 2, 9))
        || between((1, 3, 0), (1, 3, 2))
}

/// Does `AssignPorts` refuse static `port` on `alias` for what the node's
/// addresses reserve themselves (the client-wide ports aside)?
pub fn address_refuses(n: &Node, alias: &str, port: u16, v: NomadVersion) -> bool {
    if n.nets.addresses.is_empty() || !super::network_check::checks_networks(v) {
        return false;
    }
    let mut carrying = n
        .nets
        .addresses
        .iter()
        .filter(|entries| entries.iter().any(|(a, _)| a == alias))
        .map(|entries| entries.iter().any(|(_, ports)| ports.contains(&port)));
    if v.has(crate::version::Fix::StaticPortPerAddress) {
        // Every address is tried: refused when none is free (an alias no
        // address carries is `no addresses available`, said elsewhere).
        let mut any = false;
        for held in carrying {
            if !held {
                return false;
            }
            any = true;
        }
        any
    } else {
        carrying.next().unwrap_or(false)
    }
}

/// Does `AssignTaskNetwork` refuse a task network's static `port` for what
/// the node's address reserves itself? A task network (`resources {
/// network }`) is offered on the node's device address (`yieldIP`), whose
/// used ports are that address's: the address carrying `default` (the
/// agent's `network_interface`, whose address the device reports too).
pub fn task_address_refuses(n: &Node, port: u16, v: NomadVersion) -> bool {
    if !super::network_check::checks_networks(v) {
        return false;
    }
    n.nets
        .addresses
        .iter()
        .find(|entries| entries.iter().any(|(a, _)| a == "default"))
        .is_some_and(|entries| entries.iter().any(|(_, ports)| ports.contains(&port)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> NomadVersion {
        s.parse().expect("version")
    }

    fn node(global: &[u16], addresses: &[&[(&str, &[u16])]]) -> Node {
        let mut n = Node {
            reserved_ports: global.to_vec(),
            ..Node::default()
        };
        n.nets.addresses = addresses
            .iter()
            .map(|a| a.iter().map(|(x, p)| (x.to_string(), p.to_vec())).collect())
            .collect();
        n
    }

    #[test]
    fn the_first_address_decides_until_1_8_3_then_any_free_one_takes_it() {
        let n = node(&[], &[&[("public", &[22])], &[("public", &[])]]);
        assert!(address_refuses(&n, "public", 22, v("1.8.2")));
        assert!(!address_refuses(&n, "public", 22, v("1.8.3")));
        assert!(!address_refuses(&n, "public", 80, v("1.8.2")));
        let both = node(&[], &[&[("public", &[22])], &[("public", &[22])]]);
        assert!(address_refuses(&both, "public", 22, v("2.0.5")));
        assert!(!address_refuses(&both, "default", 22, v("2.0.5")));
        assert!(!address_refuses(&both, "public", 22, v("0.11.8")));
    }

    #[test]
    fn a_task_network_meets_the_ports_of_the_default_address_only() {
        let n = node(
            &[],
            &[&[("default", &[]), ("lan", &[8500])], &[("public", &[22])]],
        );
        assert!(task_address_refuses(&n, 8500, v("1.6.2")));
        assert!(!task_address_refuses(&n, 22, v("1.6.2")));
        assert!(!task_address_refuses(&n, 8500, v("0.11.8")));
    }

    #[test]
    fn aliases_sharing_an_address_share_its_reserved_ports() {
        let n = node(&[], &[&[("default", &[]), ("lan", &[8500])]]);
        assert!(address_refuses(&n, "default", 8500, v("1.6.2")));
        assert!(address_refuses(&n, "lan", 8500, v("1.6.2")));
    }

    #[test]
    fn an_address_is_its_ip_and_default_s_also_the_nodes_own() {
        let mut n = node(&[], &[&[("default", &[])], &[("public", &[9000])]]);
        n.networks = vec![crate::cluster::NodeNetwork {
            device: "eth0".into(),
            ip: "10.1.0.2".into(),
            ..Default::default()
        }];
        n.nets.address_ips = vec!["10.0.0.5".into(), "203.0.113.10".into()];
        assert!(is_address(&n, 0, "10.0.0.5") && is_address(&n, 0, "10.1.0.2"));
        assert!(is_address(&n, 1, "203.0.113.10") && !is_address(&n, 1, "10.1.0.2"));
        assert!(reserved_at(&n, "203.0.113.10", 9000));
        assert!(!reserved_at(&n, "10.1.0.2", 9000));
        // Without IPs only the node's own address is known.
        n.nets.address_ips.clear();
        assert!(is_address(&n, 0, "10.1.0.2") && !is_address(&n, 1, "203.0.113.10"));
    }

    #[test]
    fn set_node_collides_only_in_the_releases_that_said_so() {
        let overlap = node(&[22], &[&[("public", &[22, 80])]]);
        for (ver, collides) in [
            ("1.0.15", false),
            ("1.0.16", true),
            ("1.1.9", false),
            ("1.1.14", true),
            ("1.1.15", false),
            ("1.2.8", true),
            ("1.2.9", false),
            ("1.3.1", true),
            ("1.3.2", false),
            ("2.0.5", false),
        ] {
            assert_eq!(set_node_collides(&overlap, v(ver)), collides, "{ver}");
        }
        let apart = node(&[22], &[&[("public", &[80])]]);
        assert!(!set_node_collides(&apart, v("1.3.0")));
        // Without client-wide ports, two entries of one address collide.
        let shared = node(&[], &[&[("a", &[80]), ("b", &[80])]]);
        assert!(set_node_collides(&shared, v("1.3.0")));
        let separate = node(&[], &[&[("a", &[80])], &[("b", &[80])]]);
        assert!(!set_node_collides(&separate, v("1.3.0")));
        // With them, the address result is overwritten by the range's.
        let overwritten = node(&[22], &[&[("a", &[80]), ("b", &[80])]]);
        assert!(!set_node_collides(&overwritten, v("1.3.0")));
    }
}
