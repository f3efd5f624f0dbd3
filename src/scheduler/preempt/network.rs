//! Preemption for a network ask: Nomad's `PreemptForNetwork`
//! (scheduler/preemption.go, the same code 0.9.3–1.9.x; from 2.0
//! scheduler/feasible/preemption.go), and the odds of the choices Go's map
//! order makes in it.

use std::collections::BTreeMap;

use super::{outranks, Candidate, Preemptor};
use crate::cluster::{AllocNetwork, Allocation};

impl<'a> Preemptor<'a> {
    /// `PreemptForNetwork` (scheduler/preemption.go, 0.9.3–1.9.x;
    /// scheduler/feasible/preemption.go from 2.0, unchanged in between):
    /// victims that free the reserved ports and the bandwidth `ask` needs,
    /// all on one network device. `bandwidth(device)` is the network
    /// index's (available, used) Mbits of a device (`AvailBandwidth`,
    /// `UsedBandwidth`: 0 for a device the node does not report). None:
    /// preemption is not possible.
    ///
    /// Each allocation counts on the device of its first network as
    /// `Comparable()` flattens them (entries merged per device), whose
    /// ports a higher-priority holder keeps from preemption on that device.
    /// Go's map order decides in two places, both reported in
    /// [`NetworkPick::chance`]: the order the devices are tried (the first
    /// that can make room wins), and which of several eligible holders of a
    /// port on one device is taken (the last in the node's proposed list,
    /// itself read from a map).
    pub fn for_network(
        &self,
        ask: &AllocNetwork,
        bandwidth: impl Fn(&str) -> (i64, i64),
        order: &ProposedOrder<'_>,
    ) -> Option<NetworkPick<'a>> {
        if self.candidates.is_empty() {
            return None;
        }
        let eligible = |c: &Candidate<'_>| outranks(self.job_priority, c.alloc.job_priority);
        // deviceToAllocs, in first-seen order, and the ports the
        // ineligible allocations hold on each device (filteredReservedPorts).
        let mut devices: Vec<(&'a str, Vec<Candidate<'a>>)> = Vec::new();
        let mut kept: Vec<(&'a str, u16)> = Vec::new();
        for c in &self.candidates {
            let Some(first) = c.alloc.resources.networks.first() else {
                continue;
            };
            let device = first.device.as_str();
            if !eligible(c) {
                kept.extend(first_net_ports(c.alloc).map(|p| (device, p)));
                continue;
            }
            match devices.iter_mut().find(|(d, _)| *d == device) {
                Some((_, list)) => list.push(*c),
                None => devices.push((device, vec![*c])),
            }
        }
        let mut options = devices.iter().filter_map(|(device, allocs)| {
            self.on_device(device, allocs, &kept, ask, &bandwidth, order)
        });
        let first = options.next()?;
        let mut chance = first.holders.clone();
        if devices.len() > 1 {
            // Another device that can make room, with other victims, is
            // as likely to be tried first.
            if let Some(other) = options.find(|o| !same_allocs(&o.victims, &first.victims)) {
                chance.push(Chance::Devices(
                    first.device.to_string(),
                    other.device.to_string(),
                ));
            }
        }
        Some(NetworkPick {
            victims: first.victims,
            chance,
        })
    }

    /// A candidate `PreemptForNetwork` may not preempt (within
    /// [`super::PRIORITY_GAP`]) that holds no network: before 0.9.3 Nomad
    /// reads its `networks[0]` and panics
    /// ([`crate::scheduler::server_crash::CrashBug::NetworklessVictim`]).
    pub fn networkless_kept(&self) -> Option<&'a Allocation> {
        self.candidates
            .iter()
            .find(|c| {
                !outranks(self.job_priority, c.alloc.job_priority)
                    && c.alloc.resources.networks.is_empty()
            })
            .map(|c| c.alloc)
    }

    /// One device of [`Preemptor::for_network`]: None when a higher-priority
    /// allocation keeps an asked port there or the bandwidth cannot be met.
    fn on_device(
        &self,
        device: &'a str,
        allocs: &[Candidate<'a>],
        kept: &[(&str, u16)],
        ask: &AllocNetwork,
        bandwidth: &impl Fn(&str) -> (i64, i64),
        order: &ProposedOrder<'_>,
    ) -> Option<DeviceOption<'a>> {
        let (total, used) = bandwidth(device);
        if total < ask.mbits {
            return None;
        }
        let free = total - used;
        let mut chosen: Vec<Candidate<'a>> = Vec::new();
        let mut holders = Vec::new();
        let mut freed = 0;
        for (_, port) in &ask.reserved_ports {
            // usedPortToAlloc: every network's reserved ports, the last
            // holder in the proposed list overwriting the others.
            let held: Vec<&Candidate<'a>> = allocs
                .iter()
                .filter(|c| holds_port(c.alloc, *port))
                .collect();
            match last_holder(&held, order) {
                Some((c, odds)) => {
                    if held.len() > 1 {
                        holders.push(Chance::Holder {
                            port: *port,
                            held: held.iter().map(|h| h.alloc).collect(),
                            taken: c.alloc,
                            odds,
                        });
                    }
                    // An allocation holding two asked ports is taken (and
                    // its bandwidth counted) twice, as Nomad appends it.
                    freed += first_net_mbits(c.alloc);
                    chosen.push(*c);
                }
                None if kept.contains(&(device, *port)) => return None,
                None => {}
            }
        }
        let mut met = freed + free >= ask.mbits;
        if !met {
            let rest: Vec<Candidate<'a>> = allocs
                .iter()
                .filter(|c| !chosen.iter().any(|x| x.alloc.id == c.alloc.id))
                .copied()
                .collect();
            let mut groups: BTreeMap<i64, Vec<Candidate<'a>>> = BTreeMap::new();
            for c in rest {
                groups.entry(c.alloc.job_priority).or_default().push(c);
            }
            'groups: for mut group in groups.into_values() {
                let key = |c: &Candidate<'_>| {
                    net_distance(ask.mbits, first_net_mbits(c.alloc)) + self.penalty(c)
                };
                group.sort_by(|a, b| {
                    key(a)
                        .partial_cmp(&key(b))
                        .unwrap_or(std::cmp::Ordering::Equal)
                });
                for c in group {
                    freed += first_net_mbits(c.alloc);
                    chosen.push(c);
                    if freed + free >= ask.mbits {
                        met = true;
                        break 'groups;
                    }
                }
            }
        }
        if !met {
            return None;
        }
        Some(DeviceOption {
            device,
            victims: filter_network_superset(chosen, free, ask.mbits),
            holders,
        })
    }
}

/// What [`Preemptor::for_network`] chose.
#[derive(Debug)]
pub struct NetworkPick<'a> {
    /// In Nomad's order, an allocation listed twice when it holds two of
    /// the asked ports.
    pub victims: Vec<&'a Allocation>,
    /// Where Go's map order could have chosen other victims.
    pub chance: Vec<Chance<'a>>,
}

/// A choice of `PreemptForNetwork` that Go's map order makes.
#[derive(Debug, Clone)]
pub enum Chance<'a> {
    /// Several eligible allocations hold the port on the device: Nomad
    /// takes the one its proposed list yields last.
    Holder {
        port: u16,
        /// The holders, in Nomad's insertion order.
        held: Vec<&'a Allocation>,
        taken: &'a Allocation,
        /// Each holder's chance to be taken (None: not established).
        odds: Option<Vec<f64>>,
    },
    /// Two devices can make room with different victims: the one
    /// `deviceToAllocs` yields first is used (taken, other).
    Devices(String, String),
}

/// Where an allocation sits in the list `ProposedAllocs` builds: a Go map
/// filled from the node's allocations in state order (memdb's node index)
/// and then the plan's, read back in map order.
pub struct ProposedOrder<'x> {
    /// Position of a stored allocation in the insertion order.
    pub position: &'x dyn Fn(&Allocation) -> usize,
    /// How `ProposedAllocs` made and filled the map (its runtime, size
    /// hint and entries: [`crate::gomap::Shape`]), worked out only when
    /// asked.
    pub shape: &'x dyn Fn() -> crate::gomap::Shape,
}

/// The holder `usedPortToAlloc` keeps: the one the map yields last. The
/// likeliest is taken (the later on a tie), with every holder's odds.
fn last_holder<'c, 'a>(
    held: &[&'c Candidate<'a>],
    order: &ProposedOrder<'_>,
) -> Option<(&'c Candidate<'a>, Option<Vec<f64>>)> {
    if held.len() < 2 {
        return held.first().map(|c| (*c, None));
    }
    let mut by_pos: Vec<(usize, &'c Candidate<'a>)> = held
        .iter()
        .map(|c| ((order.position)(c.alloc), *c))
        .collect();
    by_pos.sort_by_key(|(p, _)| *p);
    let positions: Vec<usize> = by_pos.iter().map(|(p, _)| *p).collect();
    let odds = last_in_map_order_odds(&positions, (order.shape)());
    let best = match &odds {
        Some(o) => (0..o.len())
            .max_by(|a, b| {
                o[*a]
                    .partial_cmp(&o[*b])
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(a.cmp(b))
            })
            .unwrap_or(0),
        None => by_pos.len() - 1,
    };
    let taken = by_pos.get(best).map(|(_, c)| *c)?;
    Some((taken, odds))
}

/// The chance that each of the entries at `positions` (sorted, distinct)
/// of the proposed map is the last one its iteration yields
/// ([`crate::gomap::last_of_in`]; `None`: not established).
fn last_in_map_order_odds(positions: &[usize], shape: crate::gomap::Shape) -> Option<Vec<f64>> {
    crate::gomap::last_of_in(positions, shape)
}

struct DeviceOption<'a> {
    device: &'a str,
    victims: Vec<&'a Allocation>,
    holders: Vec<Chance<'a>>,
}

fn same_allocs(a: &[&Allocation], b: &[&Allocation]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.id == y.id)
}

/// The networks `Comparable()` merges into an allocation's first
/// flattened entry: those on the first network's device.
fn first_net(a: &Allocation) -> impl Iterator<Item = &AllocNetwork> {
    let device = a.resources.networks.first().map(|n| n.device.as_str());
    a.resources
        .networks
        .iter()
        .filter(move |n| Some(n.device.as_str()) == device)
}

fn first_net_mbits(a: &Allocation) -> i64 {
    first_net(a).map(|n| n.mbits).sum()
}

fn first_net_ports(a: &Allocation) -> impl Iterator<Item = u16> + '_ {
    first_net(a).flat_map(|n| n.reserved_ports.iter().map(|(_, p)| *p))
}

fn holds_port(a: &Allocation, port: u16) -> bool {
    a.resources
        .networks
        .iter()
        .any(|n| n.reserved_ports.iter().any(|(_, p)| *p == port))
}

/// `networkResourceDistance`: |(asked − used) / asked|, infinite or NaN
/// for an ask of 0 Mbits (Go divides by zero), so that every allocation
/// then compares equal and keeps its place.
fn net_distance(asked: i64, used: i64) -> f64 {
    ((asked - used) as f64 / asked as f64).abs()
}

/// `filterSuperset` with the network resource: farthest first, stop once
/// the freed plus free bandwidth covers the ask (`MeetsRequirements`,
/// never for 0 Mbits asked or available: then every victim stays).
fn filter_network_superset<'a>(
    mut chosen: Vec<Candidate<'a>>,
    free: i64,
    asked: i64,
) -> Vec<&'a Allocation> {
    let dist = |c: &Candidate<'_>| net_distance(asked, first_net_mbits(c.alloc));
    chosen.sort_by(|a, b| {
        dist(b)
            .partial_cmp(&dist(a))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut available = free;
    let mut out = Vec::with_capacity(chosen.len());
    for c in chosen {
        available += first_net_mbits(c.alloc);
        out.push(c.alloc);
        if available != 0 && asked != 0 && available >= asked {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::last_in_map_order_odds;

    /// Slots 0..len hold the map's entries; a start at each of the 8
    /// slots, counted by hand, makes the entry before it (cyclically) last.
    #[test]
    fn the_last_entry_of_a_small_map_is_the_one_before_the_random_start() {
        let by_hand = |positions: &[usize], len: usize| -> Vec<f64> {
            let mut counts = vec![0u32; positions.len()];
            for start in 0..8 {
                let order = (start..8).chain(0..start).filter(|s| *s < len);
                // Walked forward, each holder overwriting the one before.
                let last = order
                    .filter_map(|s| positions.iter().position(|p| *p == s))
                    .fold(None, |_, i| Some(i));
                if let Some(i) = last {
                    counts[i] += 1;
                }
            }
            counts.iter().map(|c| f64::from(*c) / 8.0).collect()
        };
        for (positions, len) in [
            (vec![1, 2], 3),
            (vec![0, 7], 8),
            (vec![0, 1, 2], 3),
            (vec![2, 5], 6),
            (vec![3], 4),
        ] {
            assert_eq!(
                last_in_map_order_odds(&positions, crate::gomap::Shape::unhinted(len)),
                Some(by_hand(&positions, len)),
                "{positions:?} of {len}"
            );
        }
        assert_eq!(
            last_in_map_order_odds(&[1, 2], crate::gomap::Shape::unhinted(9)),
            None
        );
    }
}
