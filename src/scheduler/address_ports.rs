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

use crate::cluster::Node;
use crate::version::NomadVersion;

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
    if v.at_least(1, 8, 3) {
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
