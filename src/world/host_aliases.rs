//! Which host network aliases a client's addresses carry, as the client's
//! network fingerprint derives them (client/fingerprint/network.go
//! `createNodeNetworkResources` and `deriveAddressAlias(es)`, 0.12.0–2.0.5)
//! into `NodeResources.NodeNetworks[].Addresses[].Alias`, the aliases the
//! scheduler's `NetworkChecker` and `NetworkIndex.AssignPorts` look up.
//!
//! For every address of every interface, each `host_network` block is
//! matched: its `cidr` (split on `,`, an entry the client's Go refuses
//! skipped) must contain the address, and its `interface` (a go-sockaddr
//! template) must name the address's interface; a block without one of
//! them matches on it. Then, by release:
//! - 0.12.0–1.0.x: the address gets ONE alias, the first matching block in
//!   Go's map order (`for name, conf := range config.HostNetworks`): random
//!   per address, see [`map_order_odds`];
//! - 1.1.0+ (`deriveAddressAliases`): one address entry per matching block;
//! - `default` when the address is on the agent's `network_interface`
//!   (0.12.1+) or, without one, on the default route's interface, and no
//!   block matched it; from 1.6.2 (and 1.5.9, 1.4.13) whether or not one
//!   did ([`default_besides_blocks`]);
//! - an address with no alias is dropped.
//!
//! An interface keeps its link-local addresses (fe80::/10, 169.254/16)
//! only when none of its other addresses got an alias.
//!
//! A pool that lists no `interface` is not modelled address by address:
//! it is taken as one default-route interface whose address and name are
//! unknown, which a block without `cidr` and `interface` matches, and a
//! block with either is taken to be on another interface of its own (so
//! its alias is carried, unless no `cidr` entry can be read at all).
//! That is what Nomad's fingerprint gives a stock client such as the
//! demo's (eth0 on the default route, no `host_network`): `default` only.

use std::collections::BTreeSet;
use std::net::IpAddr;

use super::model::{CidrVerdict, HostNetwork, PoolNetworks};
use crate::gonet::parse_cidr;
use crate::version::NomadVersion;

/// `interface "NAME" { addresses = [...], default_route = true }` of a
/// client pool: an interface every client of the pool has, with the
/// addresses the fingerprint reads from it (`net.Interface.Addrs`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Interface {
    pub name: String,
    /// As written (`10.0.0.5`, `10.0.0.5/24`, `fe80::1`): only the address
    /// decides an alias; a prefix length is allowed and ignored.
    pub addresses: Vec<String>,
    /// The interface of the default route (go-sockaddr
    /// `GetDefaultInterfaceName`).
    pub default_route: bool,
}

/// One address of a client: its IP (empty when not known) and each alias
/// it carries with that host network's `reserved_ports`.
pub type AddressEntry = (String, Vec<(String, Vec<u16>)>);

/// What a pool's clients carry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PoolAliases {
    /// Aliases some address certainly carries, `default` included.
    pub carried: BTreeSet<String>,
    /// Aliases an address may or may not carry, by Go's map order
    /// (0.12.0–1.0.x), with the chance that some address of the client
    /// carries it, or `None` when the odds are not established.
    pub by_chance: Vec<Chance>,
    /// What we could not judge (a `cidr` entry or `interface` template),
    /// each taken as matching.
    pub cannot_tell: Vec<String>,
}

/// An alias a client carries only if Go's map order picks it.
#[derive(Debug, Clone, PartialEq)]
pub struct Chance {
    pub alias: String,
    /// Probability that at least one address of the client carries it.
    pub odds: Option<f64>,
    /// Whether it is the likelier outcome (what the plan assumes).
    pub assumed: bool,
}

/// A parsed address of an interface.
#[derive(Clone, Copy)]
struct Addr {
    bits: u128,
    /// `ip.To4() != nil`: dotted IPv4, or IPv4-mapped IPv6.
    v4: bool,
    link_local: bool,
}

/// An interface address as the fingerprint reports it
/// (`NodeNetworkAddress.Address`, Go's `net.IP.String()`): without its
/// prefix length, an IPv4-mapped IPv6 address dotted. Empty when it does
/// not parse (such an address carries no alias).
fn address_text(text: &str) -> String {
    match text
        .split('/')
        .next()
        .and_then(|t| t.parse::<IpAddr>().ok())
    {
        Some(IpAddr::V6(a)) => match a.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => a.to_string(),
        },
        Some(a) => a.to_string(),
        None => String::new(),
    }
}

fn parse_addr(text: &str) -> Option<Addr> {
    let ip: IpAddr = text.split('/').next()?.parse().ok()?;
    Some(match ip {
        IpAddr::V4(a) => Addr {
            bits: u128::from(u32::from(a)),
            v4: true,
            link_local: a.is_link_local() || a.octets()[..3] == [224, 0, 0],
        },
        IpAddr::V6(a) => {
            let bits = u128::from(a);
            let mapped = bits >> 32 == 0xffff;
            let seg = a.segments()[0];
            Addr {
                bits: if mapped { bits & 0xffff_ffff } else { bits },
                v4: mapped,
                link_local: !mapped && (seg & 0xffc0 == 0xfe80 || seg & 0xff0f == 0xff02),
            }
        }
    })
}

/// Is `addr` a valid address for the world file (its own syntax, not Go's)?
pub fn valid_address(text: &str) -> bool {
    parse_addr(text).is_some()
}

/// Does one `cidr` network contain `a` (`net.IPNet.Contains`: an IPv4
/// network, or an IPv4-mapped IPv6 one, holds only IPv4 addresses, an IPv6
/// network only IPv6 ones)?
fn contains(c: &crate::gonet::Cidr, a: Addr) -> bool {
    let mapped = !c.v4 && c.addr >> 32 == 0xffff;
    let (v4, bits, prefix, width) = if c.v4 || mapped {
        (
            true,
            c.addr & 0xffff_ffff,
            c.prefix.saturating_sub(if mapped { 96 } else { 0 }),
            32,
        )
    } else {
        (false, c.addr, c.prefix, 128)
    };
    if v4 != a.v4 {
        return false;
    }
    let host = width - prefix;
    host >= 128 || bits >> host == a.bits >> host
}

/// How one block judges one address.
enum Match {
    Yes,
    No,
}

fn block_matches(
    hn: &HostNetwork,
    iface: &str,
    a: Addr,
    go: crate::gorelease::GoSpan,
    unsure: &mut Vec<String>,
) -> Match {
    // An Enterprise-only release whose Go is open across a change in what
    // net.ParseCIDR reads: taken as matching, and said.
    let cidr = hn.cidr.is_empty()
        || hn.cidr.split(',').any(|entry| {
            go.settle(|g| parse_cidr(entry, g).is_ok_and(|c| contains(&c, a)))
                .unwrap_or_else(|| {
                    unsure.push(format!(
                        "cannot tell whether {} reads the cidr {entry:?}",
                        go.text()
                    ));
                    true
                })
        });
    let named = if hn.interface.is_empty() {
        true
    } else if hn.interface.contains("{{") {
        unsure.push(format!(
            "cannot tell which interface the go-sockaddr template {:?} names",
            hn.interface
        ));
        true
    } else {
        hn.interface == iface
    };
    if cidr && named {
        Match::Yes
    } else {
        Match::No
    }
}

/// The chance, per block position, that Go's map iteration (Go 1.14–1.16,
/// the Go of Nomad 0.12.0–1.0.x) visits each of `matching` first, among
/// `total` blocks inserted in file order (command/agent/agent.go
/// `convertClientConfig` fills `HostNetworks` from the agent's list).
///
/// A map of at most 8 entries is one bucket whose slots hold the entries
/// in insertion order; `mapiterinit` starts at a random slot (`fastrand()
/// & 7`) and wraps, so the first matching slot at or after the start is
/// chosen, or the first matching slot when none is. More than 8 entries
/// spread over buckets by a per-map random hash seed: not established.
pub fn map_order_odds(matching: &[usize], total: usize) -> Option<Vec<f64>> {
    crate::gomap::first_of(matching, total)
}

/// One address's alias outcome.
enum Outcome {
    /// No alias: dropped.
    None,
    /// These aliases, for certain.
    Certain(Vec<String>),
    /// One of these, by map order, with each one's chance (`None`: odds
    /// not established).
    OneOf(Vec<(String, Option<f64>)>),
}

impl PoolNetworks {
    /// The aliases the clients of this pool carry under Nomad `v`.
    pub fn aliases(&self, v: NomadVersion) -> PoolAliases {
        let mut out = PoolAliases::default();
        if self.interfaces.is_empty() {
            self.aliases_unmodelled(v, &mut out);
        } else {
            self.aliases_modelled(v, &mut out);
        }
        out.cannot_tell.sort();
        out.cannot_tell.dedup();
        out
    }

    /// The blocks in the agent file's order.
    fn blocks_in_order(&self) -> Vec<(&String, &HostNetwork)> {
        let mut blocks: Vec<_> = self.host_networks.iter().collect();
        blocks.sort_by_key(|(_, hn)| hn.position);
        blocks
    }

    fn aliases_unmodelled(&self, v: NomadVersion, out: &mut PoolAliases) {
        for o in self.outcomes_unmodelled(v) {
            out.absorb(o);
        }
    }

    /// Each address of an unmodelled pool and its aliases: a block with a
    /// `cidr` or `interface` on an address of its own, then the unknown
    /// default-route address with the blocks that name neither.
    fn outcomes_unmodelled(&self, v: NomadVersion) -> Vec<Outcome> {
        let blocks = self.blocks_in_order();
        let mut out = Vec::new();
        // Blocks that match the unknown default-route address.
        let everywhere: Vec<usize> = blocks
            .iter()
            .enumerate()
            .filter(|(_, (_, hn))| hn.cidr.is_empty() && hn.interface.is_empty())
            .map(|(i, _)| i)
            .collect();
        for (name, hn) in &blocks {
            if hn.cidr.is_empty() && hn.interface.is_empty() {
                continue;
            }
            match hn.cidr_verdict(v) {
                CidrVerdict::Unmatchable(_) => {}
                CidrVerdict::Open => out.push(Outcome::Certain(vec![(*name).clone()])),
            }
        }
        let names: Vec<String> = everywhere.iter().map(|i| blocks[*i].0.clone()).collect();
        out.push(self.outcome(v, &everywhere, &names, blocks.len(), true));
        out
    }

    fn aliases_modelled(&self, v: NomadVersion, out: &mut PoolAliases) {
        for (_, o) in self.outcomes_modelled(v, &mut out.cannot_tell) {
            out.absorb(o);
        }
    }

    /// Each kept address of a modelled pool (as the fingerprint writes it,
    /// [`address_text`]) and its aliases, interface by interface in the
    /// pool's order (the fingerprint's).
    fn outcomes_modelled(
        &self,
        v: NomadVersion,
        unsure_out: &mut Vec<String>,
    ) -> Vec<(String, Outcome)> {
        let go = crate::gorelease::go_span(v);
        let blocks = self.blocks_in_order();
        let default_iface = self.default_interface(v);
        let mut out = Vec::new();
        for iface in &self.interfaces {
            let mut normal = Vec::new();
            let mut link_local = Vec::new();
            for text in &iface.addresses {
                let Some(a) = parse_addr(text) else {
                    continue;
                };
                let mut unsure = Vec::new();
                let matching: Vec<usize> = blocks
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, hn))| {
                        matches!(
                            block_matches(hn, &iface.name, a, go, &mut unsure),
                            Match::Yes
                        )
                    })
                    .map(|(i, _)| i)
                    .collect();
                unsure_out.extend(unsure);
                let names: Vec<String> = matching.iter().map(|i| blocks[*i].0.clone()).collect();
                let on_default = default_iface == Some(iface.name.as_str());
                let outcome = self.outcome(v, &matching, &names, blocks.len(), on_default);
                if matches!(outcome, Outcome::None) {
                    continue;
                }
                let entry = (address_text(text), outcome);
                if a.link_local {
                    link_local.push(entry);
                } else {
                    normal.push(entry);
                }
            }
            // `disallow_link_local` (off by default) is not modelled.
            out.extend(if normal.is_empty() {
                link_local
            } else {
                normal
            });
        }
        out
    }

    /// The node's addresses as its fingerprint reports them
    /// (`NodeNetworks[].Addresses`, one entry per alias an address
    /// carries, the likelier where Go's map order decides), each entry
    /// with its block's `reserved_ports` (`default` has none), in the
    /// fingerprint's order: what the scheduler's `NetworkIndex` reserves
    /// per address (scheduler/address_ports.rs).
    /// Each address comes with its IP where the pool's `interface` blocks
    /// give it, empty otherwise.
    pub fn address_entries(&self, v: NomadVersion) -> Vec<AddressEntry> {
        let mut unsure = Vec::new();
        let outcomes = if self.interfaces.is_empty() {
            let unknown = self.outcomes_unmodelled(v).into_iter();
            unknown.map(|o| (String::new(), o)).collect()
        } else {
            self.outcomes_modelled(v, &mut unsure)
        };
        let reserved = |alias: &str| {
            self.host_networks
                .get(alias)
                .map(|hn| hn.reserved_ports.clone())
                .unwrap_or_default()
        };
        outcomes
            .iter()
            .map(|(ip, o)| (ip, o.assumed()))
            .filter(|(_, aliases)| !aliases.is_empty())
            .map(|(ip, aliases)| {
                let entries = aliases
                    .into_iter()
                    .map(|a| {
                        let r = reserved(&a);
                        (a, r)
                    })
                    .collect();
                (ip.clone(), entries)
            })
            .collect()
    }

    /// The interface that gets `default`: the agent's `network_interface`
    /// from 0.12.1, else the default route's.
    fn default_interface(&self, v: NomadVersion) -> Option<&str> {
        if v.at_least(0, 12, 1) && !self.network_interface.is_empty() {
            return Some(self.network_interface.as_str());
        }
        self.interfaces
            .iter()
            .find(|i| i.default_route)
            .map(|i| i.name.as_str())
    }

    fn outcome(
        &self,
        v: NomadVersion,
        matching: &[usize],
        names: &[String],
        total: usize,
        on_default: bool,
    ) -> Outcome {
        match names.len() {
            0 if on_default => Outcome::Certain(vec!["default".into()]),
            0 => Outcome::None,
            _ if v.at_least(1, 1, 0) => {
                let mut all = names.to_vec();
                if on_default && default_besides_blocks(v) {
                    all.push("default".into());
                }
                Outcome::Certain(all)
            }
            1 => Outcome::Certain(names.to_vec()),
            _ => {
                let odds = map_order_odds(matching, total);
                Outcome::OneOf(
                    names
                        .iter()
                        .enumerate()
                        .map(|(i, n)| (n.clone(), odds.as_ref().map(|o| o[i])))
                        .collect(),
                )
            }
        }
    }
}

/// Does the default interface's address get `default` even when a block
/// matched it? From 1.6.2, and the 1.5.9 and 1.4.13 backports
/// (`deriveAddressAliases` lost its early return); before, only when none
/// did.
pub fn default_besides_blocks(v: NomadVersion) -> bool {
    v.at_least(1, 6, 2)
        || (v.at_least(1, 5, 9) && !v.at_least(1, 6, 0))
        || (v.at_least(1, 4, 13) && !v.at_least(1, 5, 0))
}

impl Outcome {
    /// The aliases the address is taken to carry: all of them, or the
    /// likeliest by map order (the first in file order on a tie), as
    /// [`PoolAliases::absorb`] assumes.
    fn assumed(&self) -> Vec<String> {
        match self {
            Outcome::None => Vec::new(),
            Outcome::Certain(names) => names.clone(),
            Outcome::OneOf(options) => options
                .get(Outcome::likeliest(options))
                .map(|(n, _)| vec![n.clone()])
                .unwrap_or_default(),
        }
    }

    fn likeliest(options: &[(String, Option<f64>)]) -> usize {
        options
            .iter()
            .enumerate()
            .max_by(|(i, a), (j, b)| {
                let (pa, pb) = (a.1.unwrap_or(0.0), b.1.unwrap_or(0.0));
                pa.total_cmp(&pb).then(j.cmp(i))
            })
            .map(|(i, _)| i)
            .unwrap_or(0)
    }
}

impl PoolAliases {
    fn absorb(&mut self, o: Outcome) {
        match o {
            Outcome::None => {}
            Outcome::Certain(names) => {
                for n in names {
                    self.by_chance.retain(|c| c.alias != n);
                    self.carried.insert(n);
                }
            }
            Outcome::OneOf(options) => {
                // The likeliest alias is what the plan assumes (the first
                // in file order on a tie).
                let best = Outcome::likeliest(&options);
                for (i, (name, p)) in options.into_iter().enumerate() {
                    if self.carried.contains(&name) {
                        continue;
                    }
                    match self.by_chance.iter_mut().find(|c| c.alias == name) {
                        // Another address may carry it too: independent
                        // draws (one `range` per address).
                        Some(c) => {
                            c.odds = match (c.odds, p) {
                                (Some(a), Some(b)) => Some(1.0 - (1.0 - a) * (1.0 - b)),
                                _ => None,
                            };
                            c.assumed |= i == best;
                        }
                        None => self.by_chance.push(Chance {
                            alias: name,
                            odds: p,
                            assumed: i == best,
                        }),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "host_aliases_tests.rs"]
mod tests;
