//! Where a task-level `network` lands on a node: Nomad's
//! `NetworkIndex.AssignTaskNetwork` (`AssignNetwork` before 1.0;
//! nomad/structs/network.go) walks the node's task networks
//! (`NodeResources.Networks` with a device, in report order) and each one's
//! addresses ([`crate::structs::network_offers`]), and takes the first
//! address where the device has the bandwidth and none of the asked static
//! ports is used *on that address*. Ports are per IP (`UsedPorts[ip]`),
//! bandwidth per device (`UsedBandwidth[device]` against the device's
//! `MBits`, the last entry of the device winning `AvailBandwidth`); the
//! client's global reserved ports are reserved on each entry's own IP.
//!
//! Before 0.12 a group's `network` is offered the same way (rank.go, the
//! group's before its tasks'); from 0.12 it is placed on a host network.
//!
//! So a dual-stack node whose IPv4 address holds a static port still
//! offers it on its IPv6 address. What an allocation holds on an address
//! or device the node does not report (a stand-in, a port without an IP)
//! counts against every offer, as a node-wide count would.

use super::net_held::Held;
use crate::cluster::{AllocNetwork, Node};
use crate::ids::Id;
use crate::structs::network_offers::first_free;

/// What an earlier task network of the same allocation took (Nomad adds
/// each offer to the index before the next task asks).
#[derive(Debug, Clone, Default)]
pub struct Taken {
    pub device: Id,
    pub ip: Id,
    pub mbits: i64,
    pub ports: Vec<u16>,
    /// How many dynamic ports it drew there (values unknown until
    /// materialised, but each one a free port of the range).
    pub dynamic: usize,
}

impl Taken {
    /// What the network `net` takes at (`device`, `ip`).
    pub fn new(device: Id, ip: Id, net: &AllocNetwork) -> Taken {
        Taken {
            device,
            ip,
            mbits: net.mbits,
            ports: net.reserved_ports.iter().map(|(_, p)| *p).collect(),
            dynamic: net.dynamic_ports.len(),
        }
    }
}

/// What a group network placed on a host network (0.12+) takes before
/// the tasks' networks are offered: its static ports, reserved at each
/// mapping's `HostIP` (`AddReservedPorts`). Those on an alias the node's
/// own address carries are on the IP its task networks are offered on;
/// an alias on another address holds them where no task asks. `net` is
/// the group's ask, its ports in the order of `g`'s.
pub fn group_taken(
    n: &Node,
    g: &crate::jobspec::Network,
    net: &AllocNetwork,
    v: crate::version::NomadVersion,
) -> Option<Taken> {
    let home = n.networks.first()?;
    let ports: Vec<u16> = net
        .reserved_ports
        .iter()
        .zip(&g.reserved_ports)
        .filter(|(_, asked)| {
            super::network_check::port_alias(asked, n, v, v.at_least(1, 1, 0))
                .is_some_and(|alias| super::alloc_ports::on_first_address(n, &alias))
        })
        .map(|((_, p), _)| *p)
        .collect();
    let dynamic = g
        .dynamic_ports
        .iter()
        .filter(|asked| {
            super::network_check::port_alias(asked, n, v, v.at_least(1, 1, 0))
                .is_some_and(|alias| super::alloc_ports::on_first_address(n, &alias))
        })
        .count();
    (!ports.is_empty() || dynamic > 0).then(|| Taken {
        // No device: the group's ports ask no bandwidth.
        device: Id::default(),
        ip: Id::from(&home.ip),
        mbits: 0,
        ports,
        dynamic,
    })
}

/// Why no address fits: the last refusal of the walk, as Nomad's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    NoNetworks,
    Bandwidth,
    Collision(Id, u16),
    /// Too few free ports in the dynamic range ([`super::dynamic_ports`]).
    Dynamic,
    /// A static port out of range, as written
    /// ([`super::net_held::out_of_range_port`]).
    OutOfRange(i64),
}

impl Miss {
    /// The metric Nomad records (`network: ` and AssignNetwork's error;
    /// the port's label from 0.12.0, nomad/structs/network.go of
    /// e94690decb, #8321, first in v0.12.0-rc1).
    pub fn reason(&self, v: crate::version::NomadVersion) -> String {
        match self {
            Miss::NoNetworks => "network: no networks available".into(),
            Miss::Bandwidth => "network: bandwidth exceeded".into(),
            Miss::Collision(label, p) if v.at_least(0, 12, 0) => {
                format!("network: reserved port collision {label}={p}")
            }
            Miss::Collision(..) => "network: reserved port collision".into(),
            Miss::Dynamic => super::dynamic_ports::EXHAUSTED.into(),
            Miss::OutOfRange(p) => format!("network: invalid port {p} (out of range)"),
        }
    }
}

/// The (device, IP) the ask `net` is offered on node `n`, given the
/// networks the node's other allocations hold as the network index reads
/// them (`live`, [`super::net_held::indexed`]), what this allocation took
/// already (`earlier`) and the ports the node's address reserves itself
/// (`refuses`). An address with the static ports free must also have as
/// many free ports in the node's dynamic `range` as the ask's dynamic
/// ports (its own static ports taken out, `getDynamicPortsPrecise`), else
/// the walk goes on, failing with `dynamic port selection failed`.
/// `out_of_range` is the first static port as written that is out of
/// range (its position among the ask's static ports, its value): every
/// address with the bandwidth refuses it when its turn comes, the ports
/// before it checked for collisions first, in the ask's order.
pub fn assign<'a>(
    n: &Node,
    live: impl Iterator<Item = Held<'a>> + Clone,
    earlier: &[Taken],
    net: &AllocNetwork,
    refuses: impl Fn(u16) -> bool,
    range: (u16, u16),
    out_of_range: Option<(usize, i64)>,
) -> Result<(Id, Id), Miss> {
    let offers: Vec<_> = n.networks.iter().filter(|o| !o.device.is_empty()).collect();
    let known_device = |d: &str| offers.iter().any(|o| o.device == d);
    let known_ip = |ip: &str| offers.iter().any(|o| o.ip == ip);
    let mut miss = Miss::NoNetworks;
    // One walk of the held networks for what every offer below reads of
    // them as counts: how many there are (the walk's bound) and how many
    // ports they name at most (the dynamic ports' bound).
    let (held_nets, held_ports) = live.clone().fold((0usize, 0usize), |(nets, ports), h| {
        let named = h.net.reserved_ports.len() + h.net.dynamic_ports.len();
        (nets + 1, ports + named)
    });
    // Only the addresses something is held on can collide: walk no
    // further than one past them.
    let tries = held_nets + earlier.len() + 2;
    // At most this many distinct ports of the range can be taken on any
    // address (every port any candidate list below can name, counted
    // with repeats and whatever its address).
    let named_at_most = n.reserved_ports.len()
        + held_ports
        + net.reserved_ports.len()
        + earlier.iter().map(|t| t.ports.len()).sum::<usize>()
        + n.nets
            .addresses
            .iter()
            .flatten()
            .map(|(_, r)| r.len())
            .sum::<usize>();
    let (lo, hi) = range;
    let range_size = if hi < lo { 0 } else { usize::from(hi - lo) + 1 };
    for o in &offers {
        // AvailBandwidth: the device's last entry.
        let avail = offers
            .iter()
            .rev()
            .find(|x| x.device == o.device)
            .map_or(o.mbits, |x| x.mbits);
        let used_bw: i64 = live
            .clone()
            .filter(|h| h.on_device(&o.device, known_device))
            .map(|h| h.mbits)
            .chain(
                earlier
                    .iter()
                    .filter(|t| t.device.as_str() == o.device)
                    .map(|t| t.mbits),
            )
            .sum();
        if used_bw + net.mbits > avail {
            miss = Miss::Bandwidth;
            continue;
        }
        let collides = |ip: &str| {
            // Ports up to the one out of range, which ends the check.
            let checked = out_of_range.map_or(net.reserved_ports.len(), |(k, _)| k);
            net.reserved_ports.iter().take(checked).find(|(_, p)| {
                refuses(*p)
                    || (ip == o.ip && n.reserved_ports.contains(p))
                    || live.clone().map(|h| h.net).any(|x| {
                        (x.ip.as_str() == ip || !known_ip(&x.ip))
                            && x.reserved_ports
                                .iter()
                                .chain(x.dynamic_ports.iter())
                                .any(|(_, q)| q == p)
                    })
                    || earlier
                        .iter()
                        .any(|t| t.ip.as_str() == ip && t.ports.contains(p))
            })
        };
        let dynamic_fits = |ip: &str| {
            if net.dynamic_ports.is_empty() {
                return true;
            }
            let here = earlier.iter().filter(|t| t.ip.as_str() == ip);
            let need = net.dynamic_ports.len() + here.clone().map(|t| t.dynamic).sum::<usize>();
            // The count below can only find fewer free ports than the
            // range less every port named anywhere: when that already
            // leaves `need`, the answer is yes without it. The count
            // walked every held port into a set for each address tried,
            // a tenth of `plan --samples 1000` on the demo, where a
            // dozen held ports never come near the 12,001 of the range.
            if range_size.saturating_sub(named_at_most) >= need {
                return true;
            }
            let own: &[u16] = if ip == o.ip { &n.reserved_ports } else { &[] };
            let held = live
                .clone()
                .map(|h| h.net)
                .filter(|x| x.ip.as_str() == ip || !known_ip(&x.ip))
                .flat_map(|x| x.reserved_ports.iter().chain(x.dynamic_ports.iter()))
                .map(|(_, q)| *q);
            let address = n.nets.addresses.iter().flatten();
            let address = address
                .flat_map(|(_, r)| r.iter().copied())
                .filter(|q| refuses(*q));
            let ports = own
                .iter()
                .copied()
                .chain(held)
                .chain(net.reserved_ports.iter().map(|(_, q)| *q))
                .chain(here.flat_map(|t| t.ports.iter().copied()))
                .chain(address);
            super::dynamic_ports::free_in(range, ports, |_| true) >= need
        };
        let mut last = None;
        let free = first_free(&o.cidr, tries, |ip| {
            if let Some((label, p)) = collides(ip) {
                last = Some(Miss::Collision(label.clone(), *p));
                return true;
            }
            if let Some((_, p)) = out_of_range {
                last = Some(Miss::OutOfRange(p));
                return true;
            }
            if !dynamic_fits(ip) {
                last = Some(Miss::Dynamic);
                return true;
            }
            false
        });
        match (free, last) {
            (Some(ip), _) => return Ok((Id::from(&o.device), Id::from(&ip))),
            (None, Some(m)) => miss = m,
            (None, None) => {}
        }
    }
    Err(miss)
}

/// The (device, IP) network `i` of a placement takes: its offer, else the
/// node's first (a group network from 0.12 is recorded by
/// [`super::net_held`] instead).
pub fn at(offers: &[Option<(Id, Id)>], i: usize, first: (&Id, &Id)) -> (Id, Id) {
    let (d, ip) = offers
        .get(i)
        .and_then(Option::as_ref)
        .map_or(first, |(d, ip)| (d, ip));
    (d.clone(), ip.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::NodeNetwork;

    const DEFAULT: (u16, u16) = (20000, 32000);

    fn node(nets: &[(&str, &str, i64)]) -> Node {
        Node {
            networks: nets
                .iter()
                .map(|(d, ip, mbits)| NodeNetwork {
                    device: d.to_string(),
                    cidr: crate::structs::network_offers::host_cidr(ip),
                    ip: ip.to_string(),
                    mbits: *mbits,
                })
                .collect(),
            ..Node::default()
        }
    }

    fn held(device: &str, ip: &str, mbits: i64, port: u16) -> AllocNetwork {
        AllocNetwork {
            device: device.into(),
            ip: ip.into(),
            mbits,
            reserved_ports: vec![("http".into(), port)],
            ..AllocNetwork::default()
        }
    }

    /// Every network read with its own bandwidth (no group ports).
    fn h(nets: &[AllocNetwork]) -> impl Iterator<Item = Held<'_>> + Clone {
        nets.iter().map(|n| Held {
            net: n,
            mbits: n.mbits,
        })
    }

    fn ask(mbits: i64, port: u16) -> AllocNetwork {
        held("", "", mbits, port)
    }

    #[test]
    fn a_port_held_on_the_ipv4_address_is_offered_on_the_ipv6_one() {
        let n = node(&[("eth0", "10.0.0.1", 1000), ("eth0", "fd00::1", 1000)]);
        let live = [held("eth0", "10.0.0.1", 10, 8080)];
        let got = assign(&n, h(&live), &[], &ask(10, 8080), |_| false, DEFAULT, None);
        assert_eq!(got, Ok(("eth0".into(), "fd00::1".into())));
        // Free on the first address: it is taken.
        let got = assign(&n, h(&live), &[], &ask(10, 9090), |_| false, DEFAULT, None);
        assert_eq!(got, Ok(("eth0".into(), "10.0.0.1".into())));
        // Held on both: the last refusal is the collision.
        let both = [
            held("eth0", "10.0.0.1", 10, 8080),
            held("eth0", "fd00::1", 10, 8080),
        ];
        let got = assign(&n, h(&both), &[], &ask(10, 8080), |_| false, DEFAULT, None);
        assert_eq!(got, Err(Miss::Collision("http".into(), 8080)));
    }

    #[test]
    fn bandwidth_is_per_device_and_unknown_addresses_count_everywhere() {
        let n = node(&[("eth0", "10.0.0.1", 100), ("eth1", "10.0.1.1", 1000)]);
        let live = [held("eth0", "10.0.0.1", 90, 1)];
        let got = assign(&n, h(&live), &[], &ask(50, 8080), |_| false, DEFAULT, None);
        assert_eq!(got, Ok(("eth1".into(), "10.0.1.1".into())));
        // Held on an address the node does not report: it blocks every one.
        let unknown = [held("", "", 0, 8080)];
        let got = assign(
            &n,
            h(&unknown),
            &[],
            &ask(10, 8080),
            |_| false,
            DEFAULT,
            None,
        );
        assert_eq!(got, Err(Miss::Collision("http".into(), 8080)));
        // The earlier task of the same allocation holds its share.
        let earlier = [Taken {
            device: "eth1".into(),
            ip: "10.0.1.1".into(),
            mbits: 980,
            ports: vec![],
            dynamic: 0,
        }];
        let got = assign(
            &n,
            h(&[]),
            &earlier,
            &ask(50, 8080),
            |_| false,
            DEFAULT,
            None,
        );
        assert_eq!(got, Ok(("eth0".into(), "10.0.0.1".into())));
        let n = node(&[]);
        assert_eq!(
            assign(&n, h(&[]), &[], &ask(1, 1), |_| false, DEFAULT, None),
            Err(Miss::NoNetworks)
        );
    }

    #[test]
    fn the_clients_reserved_ports_hold_on_each_entrys_own_address() {
        let mut n = node(&[("eth0", "10.0.0.1", 1000), ("eth0", "fd00::1", 1000)]);
        n.reserved_ports = vec![22];
        let got = assign(&n, h(&[]), &[], &ask(1, 22), |_| false, DEFAULT, None);
        assert_eq!(got, Err(Miss::Collision("http".into(), 22)));
    }

    #[test]
    fn ports_named_twice_or_outside_the_range_leave_the_range_free() {
        // A 10-port range: the held ports name 12 ports in all, so the
        // quick "fewer named than free" answer cannot decide, and the
        // count must: 8 of them repeat one port and 2 are outside.
        let mut n = node(&[("eth0", "10.0.0.1", 1000)]);
        n.min_dynamic_port = 30000;
        n.max_dynamic_port = 30009;
        let range = (30000, 30009);
        let mut live: Vec<AllocNetwork> =
            (0..8).map(|_| held("eth0", "10.0.0.1", 1, 30000)).collect();
        live.push(held("eth0", "10.0.0.1", 1, 22));
        live.push(held("eth0", "10.0.0.1", 1, 40000));
        let mut ask9 = ask(1, 8080);
        ask9.dynamic_ports = (0..9).map(|_| ("d".into(), 0)).collect();
        assert!(assign(&n, h(&live), &[], &ask9, |_| false, range, None).is_ok());
        // A tenth dynamic port finds only 9 free.
        ask9.dynamic_ports.push(("d".into(), 0));
        assert_eq!(
            assign(&n, h(&live), &[], &ask9, |_| false, range, None),
            Err(Miss::Dynamic)
        );
        // Held on another address the node reports: free here.
        let mut n2 = node(&[("eth0", "10.0.0.1", 1000), ("eth0", "10.0.0.2", 1000)]);
        n2.min_dynamic_port = 30000;
        n2.max_dynamic_port = 30009;
        let full: Vec<AllocNetwork> = (30000..=30009)
            .map(|p| held("eth0", "10.0.0.1", 1, p))
            .collect();
        assert_eq!(
            assign(&n2, h(&full), &[], &ask9, |_| false, range, None),
            Ok(("eth0".into(), "10.0.0.2".into()))
        );
        // An empty range has no free port, whatever is held.
        assert_eq!(
            assign(&n, h(&[]), &[], &ask9, |_| false, (30009, 30000), None),
            Err(Miss::Dynamic)
        );
    }

    /// A static port out of range fails every address that has the
    /// bandwidth, unless a port before it collides first: Nomad's
    /// AssignTaskNetwork checks each port in turn.
    #[test]
    fn a_port_out_of_range_refuses_every_address() {
        let n = node(&[("eth0", "10.0.0.1", 1000), ("eth0", "fd00::1", 1000)]);
        let mut two = ask(10, 8080);
        two.reserved_ports.push(("bad".into(), 0));
        let got = assign(&n, h(&[]), &[], &two, |_| false, DEFAULT, Some((1, -1)));
        assert_eq!(got, Err(Miss::OutOfRange(-1)));
        let v = crate::version::NomadVersion::new(2, 0, 5);
        assert_eq!(
            Miss::OutOfRange(-1).reason(v),
            "network: invalid port -1 (out of range)"
        );
        // 8080 held on both addresses: its collision is met first.
        let live = [
            held("eth0", "10.0.0.1", 10, 8080),
            held("eth0", "fd00::1", 10, 8080),
        ];
        let got = assign(&n, h(&live), &[], &two, |_| false, DEFAULT, Some((1, -1)));
        assert_eq!(got, Err(Miss::Collision("http".into(), 8080)));
        // Bandwidth is checked before any port.
        let got = assign(
            &n,
            h(&[]),
            &[],
            &ask(2000, 0),
            |_| false,
            DEFAULT,
            Some((0, -1)),
        );
        assert_eq!(got, Err(Miss::Bandwidth));
    }

    #[test]
    fn an_exhausted_dynamic_range_refuses_the_address() {
        let mut n = node(&[("eth0", "10.0.0.1", 1000)]);
        n.reserved_ports = (20000..=31999).collect();
        let mut two = ask(1, 8080);
        two.dynamic_ports = vec![("a".into(), 0)];
        // 32000 is free (the precise pick's range is inclusive).
        assert!(assign(&n, h(&[]), &[], &two, |_| false, DEFAULT, None).is_ok());
        two.dynamic_ports.push(("b".into(), 0));
        let got = assign(&n, h(&[]), &[], &two, |_| false, DEFAULT, None);
        assert_eq!(got, Err(Miss::Dynamic));
        assert_eq!(
            Miss::Dynamic.reason("1.6.0".parse().expect("version")),
            "network: dynamic port selection failed"
        );
    }
}
