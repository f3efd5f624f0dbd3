//! The dynamic ports a node already holds, as the placement that draws
//! new ones sees them (Nomad's `NetworkIndex` port bitmap), and the
//! node's dynamic range.
//!
//! Nomad draws each dynamic port at random (`getDynamicPortsStochastic`,
//! 20 tries) and falls back to a precise pick among the unset ports of
//! `[MinDynamicPort, MaxDynamicPort]`, both bounds included
//! (`getDynamicPortsPrecise`, `Bitmap.IndexesInRange`, nomad/structs/
//! network.go and bitmap.go, v0.9.3-v2.0.5), which fails with `dynamic
//! port selection failed` only when too few are free. So whether the
//! draw succeeds is certain (a count); only which ports it takes is
//! chance.

use crate::cluster::Node;
use crate::version::NomadVersion;

/// The lowest and highest dynamic port Nomad hands out (0.9 defaults;
/// `DefaultMinDynamicPort` / `DefaultMaxDynamicPort` from 1.2).
pub(super) const DYNAMIC_PORT_MIN: u16 = 20000;
pub(super) const DYNAMIC_PORT_MAX: u16 = 32000;

/// The error `getDynamicPortsPrecise` returns, as rank.go records it
/// (`ExhaustedNode(node, "network: " + err)`).
pub(super) const EXHAUSTED: &str = "network: dynamic port selection failed";

/// `n`'s dynamic range, inclusive: a client's `min_dynamic_port` /
/// `max_dynamic_port` when set (> 0) from 1.2.0 (`SetNode`,
/// nomad/structs/network.go:146-152@v1.2.0); the fixed 20000-32000
/// before (network.go:12-15@v1.1.0).
pub(super) fn range(n: &Node, v: NomadVersion) -> (u16, u16) {
    if !v.at_least(1, 2, 0) {
        return (DYNAMIC_PORT_MIN, DYNAMIC_PORT_MAX);
    }
    let pick = |p: u16, default: u16| if p > 0 { p } else { default };
    (
        pick(n.min_dynamic_port, DYNAMIC_PORT_MIN),
        pick(n.max_dynamic_port, DYNAMIC_PORT_MAX),
    )
}

/// How many ports of `range` (inclusive) are free: every port but the
/// distinct `candidates` in it for which `used` holds. (Only a port some
/// holding names can be used, so the walk is over the holdings, not the
/// range.)
pub(super) fn free_in(
    (lo, hi): (u16, u16),
    candidates: impl Iterator<Item = u16>,
    used: impl Fn(u16) -> bool,
) -> usize {
    if hi < lo {
        return 0;
    }
    let mut seen = DynamicPorts::default();
    let taken = candidates
        .filter(|p| (lo..=hi).contains(p) && seen.insert(*p) && used(*p))
        .count();
    (usize::from(hi - lo) + 1).saturating_sub(taken)
}

/// `AssignPorts`' dynamic ports of a group network (0.12+, nomad/structs/
/// network.go): each port takes one free port of the range on its host
/// network's address, less the ask's static ports on that host network
/// (`reservedIdx`) and, from #16401 (c36d3bd2f9: v1.3.11, v1.4.6,
/// v1.5.1), less the ports already in the offer (`portsInOffer`), so the
/// n-th port of an address needs n free ones; before it a port needs one.
/// `held` is what the node's allocations hold, `offered` the ports the
/// allocation's earlier networks took. The metric when one port finds no
/// free port, else None.
pub(super) fn group_miss(
    n: &Node,
    g: &crate::jobspec::Network,
    held: &super::alloc_ports::Held,
    offered: &std::collections::HashSet<u16>,
    v: NomadVersion,
) -> Option<&'static str> {
    use std::collections::HashMap;
    let range = range(n, v);
    let in_offer = v.has_since(&[
        NomadVersion::new(1, 3, 11),
        NomadVersion::new(1, 4, 6),
        NomadVersion::new(1, 5, 1),
    ]);
    let statics = || {
        g.reserved_ports
            .iter()
            .filter_map(|r| u16::try_from(r.value).ok())
    };
    let mut drawn: HashMap<String, usize> = HashMap::new();
    for p in &g.dynamic_ports {
        // A port with no address is `no_addresses`' (checked before).
        let Some(alias) = super::network_check::port_alias(p, n, v, v.at_least(1, 1, 0)) else {
            continue;
        };
        let same_network = |q: u16| {
            g.reserved_ports
                .iter()
                .any(|r| r.host_network == p.host_network && r.value == i64::from(q))
        };
        let before = drawn.entry(alias.into_owned()).or_default();
        let need = if in_offer { *before + 1 } else { 1 };
        let address = n.nets.addresses.iter().flatten();
        let candidates = n
            .reserved_ports
            .iter()
            .copied()
            .chain(held.ports())
            .chain(address.flat_map(|(_, r)| r.iter().copied()))
            .chain(statics())
            .chain(offered.iter().copied());
        let used = |q: u16| {
            n.reserved_ports.contains(&q)
                || held.holds(n, Some(p), q, v)
                || same_network(q)
                || (in_offer && statics().any(|s| s == q))
                || offered.contains(&q)
        };
        if free_in(range, candidates, used) < need {
            return Some(EXHAUSTED);
        }
        *before += 1;
    }
    None
}

/// Which ports a node holds. A node holds a handful of ports, so the set
/// is a sorted list until it grows past [`DynamicPorts::SMALL`], and only
/// then one bit per port number (a client's dynamic range can be anywhere).
/// A hash set built for each placement was a twentieth of `plan --samples`;
/// the bitmap alone, zeroed (8 KiB) for every offer ranked and every
/// allocation made, was 41% of its instructions.
pub(super) enum DynamicPorts {
    Few(Vec<u16>),
    Many(Box<[u64; DynamicPorts::WORDS]>),
}

impl Default for DynamicPorts {
    fn default() -> Self {
        DynamicPorts::Few(Vec::new())
    }
}

impl DynamicPorts {
    const WORDS: usize = 65536 / 64;
    /// Past this many ports a lookup in the list costs more than the bitmap.
    const SMALL: usize = 256;

    /// Mark `port` taken; false if it already was (as `HashSet::insert`).
    pub(super) fn insert(&mut self, port: u16) -> bool {
        match self {
            DynamicPorts::Few(list) => match list.binary_search(&port) {
                Ok(_) => false,
                Err(at) if list.len() < Self::SMALL => {
                    list.insert(at, port);
                    true
                }
                Err(_) => {
                    let mut bits = Box::new([0u64; Self::WORDS]);
                    for p in list.iter().copied().chain([port]) {
                        set_bit(&mut bits, p);
                    }
                    *self = DynamicPorts::Many(bits);
                    true
                }
            },
            DynamicPorts::Many(bits) => set_bit(bits, port),
        }
    }

    /// Is `port` taken?
    pub(super) fn has(&self, port: u16) -> bool {
        match self {
            DynamicPorts::Few(list) => list.binary_search(&port).is_ok(),
            DynamicPorts::Many(bits) => {
                let i = usize::from(port);
                bits.get(i / 64)
                    .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
            }
        }
    }
}

/// Set `port`'s bit; false if it was set already.
fn set_bit(bits: &mut [u64; DynamicPorts::WORDS], port: u16) -> bool {
    let i = usize::from(port);
    let (word, bit) = (i / 64, 1u64 << (i % 64));
    let Some(w) = bits.get_mut(word) else {
        return true;
    };
    let fresh = *w & bit == 0;
    *w |= bit;
    fresh
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_is_taken_once_and_others_never_collide() {
        let mut used = DynamicPorts::default();
        for p in [DYNAMIC_PORT_MIN, 20_064, DYNAMIC_PORT_MAX, 22, 65535] {
            assert!(used.insert(p), "{p} is free at first");
            assert!(!used.insert(p), "{p} is taken the second time");
            assert!(used.has(p));
        }
        assert!(
            used.insert(20_063) && used.insert(20_065),
            "neighbours stay free"
        );
    }

    #[test]
    fn a_big_set_keeps_every_port_when_it_becomes_a_bitmap() {
        let mut used = DynamicPorts::default();
        let ports: Vec<u16> = (0..1000u16).map(|i| 20_000 + i * 7).collect();
        for p in ports.iter().rev() {
            assert!(used.insert(*p));
        }
        assert!(matches!(used, DynamicPorts::Many(_)));
        assert!(ports.iter().all(|p| used.has(*p) && !used.insert(*p)));
        assert!(!used.has(20_001) && used.insert(20_001));
    }

    #[test]
    fn the_range_is_the_clients_from_1_2_and_both_bounds_count() {
        let v = |s: &str| -> NomadVersion { s.parse().expect("version") };
        let n = Node {
            min_dynamic_port: 30000,
            max_dynamic_port: 30009,
            ..Node::default()
        };
        assert_eq!(range(&n, v("1.1.0")), (20000, 32000));
        assert_eq!(range(&n, v("1.2.0")), (30000, 30009));
        assert_eq!(range(&Node::default(), v("1.6.0")), (20000, 32000));
        // 20000-31998 reserved leaves 31999 and 32000.
        let all = 20000..=31998u16;
        assert_eq!(free_in((20000, 32000), all, |_| true), 2);
        assert_eq!(
            free_in((30000, 30009), [1, 30000, 30000].into_iter(), |_| true),
            9
        );
        assert_eq!(free_in((30000, 30009), [30001].into_iter(), |_| false), 10);
    }
}
