//! The ranking stage of an evaluation (`scheduler/feasible/rank.go`,
//! `spread.go`): fit on the node with the plan so far, evicting
//! lower-priority allocations when preemption is on (the BinPackIterator),
//! then the score chain (bin-packing fit, job anti-affinity, node affinity,
//! spread, preemption) averaged into the node's final score.

use std::collections::HashSet;

use super::constraint::holds;
use super::engine::{Ask, Engine};
use super::fit::{preemption_score, score_fit, Comparable, Mean, MAX_FIT_SCORE};
use super::net_held;
use super::preempt::{Candidate, Preemptor};
use crate::cluster::{AllocNetwork, Allocation, Node};
use crate::ids::Id;

/// A node that passed feasibility and fit, with its score.
#[derive(Debug, Clone)]
pub struct RankedNode {
    pub node: usize,
    pub score: f64,
    pub victims: Vec<Id>,
    /// Device instances offered to the placement on this node.
    pub devices: Vec<crate::structs::device::AllocDevice>,
    /// Each walked network's (device, IP), by ask position ([`super::task_offer`]).
    pub task_offers: Vec<Option<(Id, Id)>>,
    /// The group's ports placed on an address other than the node's own
    /// (`Shared.Ports[].HostIP`), by label, where the node's addresses
    /// have IPs ([`super::alloc_ports::Held::place`]).
    pub port_ips: Vec<(Id, Id)>,
    /// Go's map order chose the network victims: the note saying so.
    pub chance: Option<String>,
    /// Go's map order drew the task group's victims among equally close
    /// ones ([`super::preempt::GroupPick`]): the note saying so.
    pub drawn: Option<String>,
}

impl Engine<'_> {
    /// Fast rejection for a node the plan has not changed, with the same
    /// dimension the full check would report; None = run the full check.
    pub(super) fn quick_reject(&self, ask: &Ask<'_>, pos: usize, n: &Node) -> Option<String> {
        // Devices are offered before the fit test, so a device shortage is
        // the dimension Nomad reports even when memory is short too.
        // A node with `node_max_allocs` is counted in the full check.
        // The port draw, before the fit test, may panic on this node.
        if self.touched.contains(&pos)
            || n.max_allocs != 0
            || super::one_port_range::crash(self.world.nomad_version, n).is_some()
            || ask.tg.tasks.iter().any(|t| !t.resources.devices.is_empty())
            || ask
                .res
                .networks
                .iter()
                .any(|x| !x.reserved_ports.is_empty())
        {
            return None;
        }
        let (used, bw) = self.base.get(pos).copied()?;
        if !ask.res.networks.is_empty() {
            let dev = n.networks.first()?;
            let mut acc = bw;
            let asked = ask.res.networks.len();
            for (i, net) in ask.res.networks.iter().enumerate() {
                // A group network asks bandwidth only where it is offered
                // like a task's (before 0.12), and then its job's `mbits`.
                let mbits = match net_held::group_network(ask.tg, asked, i) {
                    Some(_) if net_held::on_host_network(self.world.nomad_version) => continue,
                    Some(g) => g.mbits,
                    None => net.mbits,
                };
                if acc + mbits > dev.mbits {
                    return Some("network: bandwidth exceeded".into());
                }
                acc += mbits;
            }
        }
        let mut total = used;
        total.add(&Comparable::of(&ask.res));
        Comparable::node_usable(n)
            .superset(&total)
            .err()
            .map(str::to_string)
    }

    /// Fit (with preemption when `evict`), then the score chain.
    /// Rank one node by position (bin-packing with optional eviction):
    /// what Nomad's BinPackIterator yields for it, or the exhausted dimension.
    pub fn rank_node(&self, ask: &Ask<'_>, pos: usize, evict: bool) -> Result<RankedNode, String> {
        let n = self
            .node(pos)
            .ok_or_else(|| "network: invalid node".to_string())?;
        self.rank(ask, pos, n, evict, false)
    }

    pub(super) fn rank(
        &self,
        ask: &Ask<'_>,
        pos: usize,
        n: &Node,
        evict: bool,
        system: bool,
    ) -> Result<RankedNode, String> {
        // The group network's ports are assigned before anything else is
        // fitted. Eviction frees no address: the preemptor finds nothing
        // for an ask without bandwidth or reserved ports it could free.
        let version = self.world.nomad_version;
        // Nomad's binpack reads the node's proposed list first (0.9-0.10):
        // it panics where the plan already both stops a live allocation
        // and preempts one on the node. Both schedulers place in Nomad's
        // order (the system one: every stop before any placement), so the
        // plan holds here what Nomad's holds at that read.
        self.crash_if(self.evicted_and_preempted(pos, n));
        // `SetNode` first: a node whose own reserved ports collide is
        // skipped before anything is asked of it (1.0.16–1.3.1).
        if super::address_ports::set_node_collides(n, version) {
            return Err("network: port collision".to_string());
        }
        // `AddAllocs` next: a node whose allocations already collide on a
        // port is skipped too (1.0.16–1.0.18, 1.1.10+, 1.2.4+). Where only
        // Go's map order makes them collide, it is ranked with a note.
        use super::alloc_ports::{order_note, Collision};
        let by_order = match self.node_collision(pos, n) {
            Collision::Certain => return Err("network: port collision".to_string()),
            Collision::ByOrder(b) => Some(b),
            Collision::None => None,
        };
        // A later dynamic port's missing address is met after the first
        // port's draw, which may panic: kept for after it.
        let mut late_no_address = None;
        if let Some(dim) = super::network_check::no_addresses(ask.tg, n, version) {
            if super::one_port_range::draws_first(version, n, ask.tg) {
                late_no_address = Some(dim);
            } else if evict && !super::network_check::records_failed_network_preemption(version) {
                return Err(super::rank_device::UNRECORDED.to_string());
            } else {
                return Err(dim);
            }
        }
        if !evict && late_no_address.is_none() {
            if let Some(dim) = self.quick_reject(ask, pos, n) {
                return Err(dim);
            }
        }
        // Walked in place each time it is read (see `proposed_iter`).
        let proposed = || self.proposed_iter(pos);
        let spared =
            |victims: &[&Allocation], a: &Allocation| !victims.iter().any(|v| v.id == a.id);
        let mut victims: Vec<&Allocation> = Vec::new();
        // Where Go's map order chose the network victims.
        let mut chance: Vec<super::preempt::Chance<'_>> = Vec::new();
        let already: Vec<&Allocation> = Vec::new();
        let max_parallel = |a: &Allocation| -> i64 {
            self.state
                .job(&a.namespace, &a.job_id)
                .and_then(|r| r.job.group(&a.task_group))
                .and_then(|g| g.migrate.as_ref())
                .map_or(0, |m| m.max_parallel)
        };
        // Nomad's plan records victims without their task group, so the
        // max_parallel penalty never sees earlier victims in a real run
        // (nomad-scheduler.md 3.6): `already` stays empty on purpose.
        let make = |victims: &[&Allocation]| {
            // Preemption is evaluated here: a priority unknown may decide it.
            self.note_priority_unknown(proposed().filter(|a| spared(victims, a)), ask.job);
            Preemptor::new(
                n,
                proposed()
                    .filter(|a| spared(victims, a))
                    .map(|a| Candidate {
                        alloc: a,
                        max_parallel: max_parallel(a),
                    }),
                (&ask.job.namespace, &ask.job.id),
                ask.job.priority,
                &already,
            )
        };
        // Where each allocation sits in ProposedAllocs' map (only read when
        // Go's map order decides).
        let position = |a: &Allocation| self.proposed_slot(pos, a);
        let shape = || self.proposed_shape(pos);
        let proposed_order = super::preempt::ProposedOrder {
            position: &position,
            shape: &shape,
        };
        // Networks: task networks are offered on a device; a group's (from
        // 0.12) is placed on a host network, ports only ([`super::net_held`]).
        let device = n.networks.first();
        // The ports this allocation's earlier networks took (Nomad adds each
        // offer to the network index before the next).
        let mut asked_ports: HashSet<u16> = HashSet::new();
        // Where each walked network landed (device, IP), by ask position.
        let mut taken: Vec<Option<super::task_offer::Taken>> = vec![None; ask.res.networks.len()];
        // The group networks come after the task networks in the ask, and
        // are assigned first (rank.go, 0.10-2.0.5; 2.0 feasible/rank.go):
        // before 0.12 offered as task networks are (AssignNetwork), from
        // 0.12 placed on a host network, its ports reserved before a task
        // asks (`AddReservedPorts`), so where both want one port the
        // task's is refused, with its label.
        let asked = ask.res.networks.len();
        let first_group = asked.saturating_sub(ask.tg.networks.len());
        let walked = !net_held::on_host_network(version);
        // What the group's network took on the node's own address.
        let mut group_taken: Option<super::task_offer::Taken> = None;
        let mut port_ips: Vec<(Id, Id)> = Vec::new();
        for i in (first_group..asked).chain(0..first_group) {
            let Some(res_net) = ask.res.networks.get(i) else {
                continue;
            };
            let group_net = net_held::group_network(ask.tg, asked, i);
            // A group network asks for the job's `mbits`, which the group's
            // resources leave out.
            let group_ask = group_net.map(|g| net_held::group_ask(res_net, g));
            let net = group_ask.as_ref().unwrap_or(res_net);
            let address_holds = |k: usize, port: u16| {
                let Some(g) = group_net else {
                    // A task network is offered on the node's own address.
                    return super::address_ports::task_address_refuses(n, port, version);
                };
                let Some(p) = g.reserved_ports.get(k) else {
                    return false;
                };
                super::network_check::port_alias(p, n, version, version.at_least(1, 1, 0))
                    .is_some_and(|alias| {
                        super::address_ports::address_refuses(n, &alias, port, version)
                    })
            };
            let live = || proposed().filter(|a| spared(&victims, a));
            let earlier: Vec<_> = taken
                .iter()
                .flatten()
                .chain(&group_taken)
                .cloned()
                .collect();
            if group_net.is_none() || walked {
                let offer = |victims: &[&Allocation]| {
                    // What the network index reads of the allocations left.
                    let held = proposed()
                        .filter(|a| spared(victims, a))
                        .flat_map(|a| net_held::indexed(&a.resources.networks, version));
                    let refuses = |p| super::address_ports::task_address_refuses(n, p, version);
                    let range = super::dynamic_ports::range(n, version);
                    let written = net_held::written_network(ask.tg, asked, i);
                    let out_of_range = written.and_then(net_held::out_of_range_port);
                    let assign = |net: &AllocNetwork| {
                        let (held, at) = (held.clone(), &earlier);
                        super::task_offer::assign(n, held, at, net, refuses, range, out_of_range)
                    };
                    // The draw panics at the first address the static checks pass.
                    let on = |statics: &AllocNetwork| assign(statics).is_ok();
                    self.crash_if(super::one_port_range::task_draw(version, n, net, on));
                    assign(net)
                };
                let (device, ip) = match offer(&victims) {
                    Ok(at) => at,
                    Err(miss) if !evict => return Err(miss.reason(version)),
                    // PreemptForNetwork, then the offer again without the
                    // victims (rank.go): either failing drops the node.
                    Err(miss) => {
                        let p = make(&victims);
                        let kept = p.networkless_kept();
                        self.crash_if(super::server_crash::networkless_victim(version, kept, n));
                        let pick = p.for_network(
                            net,
                            |d| device_bandwidth(n, live(), &earlier, d, version),
                            &proposed_order,
                        );
                        let Some(pick) = pick.filter(|p| !p.victims.is_empty()) else {
                            return Err(failed_preemption(miss.reason(version), version));
                        };
                        chance.extend(pick.chance);
                        victims.extend(pick.victims);
                        offer(&victims)
                            .map_err(|m| failed_preemption(m.reason(version), version))?
                    }
                };
                asked_ports.extend(net.reserved_ports.iter().map(|(_, p)| *p));
                taken[i] = Some(super::task_offer::Taken::new(device, ip, net));
                continue;
            }
            if device.is_none() {
                return Err("network: no networks available".into());
            }
            // A group port that ignores collisions (1.9+) is assigned
            // without looking at the address's used ports (AssignPorts).
            let ignores = |k: usize| {
                version.at_least(1, 9, 0)
                    && group_net
                        .and_then(|g| g.reserved_ports.get(k))
                        .is_some_and(|p| p.ignore_collision)
            };
            // AssignPorts: the first asked static port some allocation, the
            // node or this allocation's earlier networks hold. Bandwidth is
            // not asked.
            let collision = |victims: &[&Allocation]| {
                if net.reserved_ports.is_empty() {
                    return None;
                }
                let held = super::alloc_ports::Held::of(
                    n,
                    proposed().filter(|a| spared(victims, a)),
                    version,
                );
                let used = |k: usize, p: &u16| {
                    let asked = group_net.and_then(|g| g.reserved_ports.get(k));
                    n.reserved_ports.contains(p)
                        || asked_ports.contains(p)
                        || held.holds(n, asked, *p, version)
                };
                // The port as the job wrote it: AssignPorts refuses one
                // below 0 before it looks at the address's ports
                // (network.go@v1.0.0:333, @v2.0.5:486-488); validation lets
                // a `reserved_ports` block's negative `static` through
                // (redteam11 R11-10).
                let written = |k: usize| group_net.and_then(|g| g.reserved_ports.get(k));
                net.reserved_ports
                    .iter()
                    .enumerate()
                    .find_map(|(k, (label, p))| match written(k) {
                        Some(w) if w.value < 0 => {
                            Some(format!("network: invalid port {} (out of range)", w.value))
                        }
                        _ if !ignores(k) && (used(k, p) || address_holds(k, *p)) => {
                            Some(format!("network: reserved port collision {label}={p}"))
                        }
                        _ => None,
                    })
            };
            if let Some(reason) = collision(&victims) {
                if !evict {
                    return Err(reason);
                }
                let pick = make(&victims).for_network(
                    net,
                    |d| device_bandwidth(n, live(), &earlier, d, version),
                    &proposed_order,
                );
                match pick {
                    Some(p) if !p.victims.is_empty() => {
                        chance.extend(p.chance);
                        victims.extend(p.victims);
                    }
                    _ => return Err(failed_preemption(reason, version)),
                }
                // AssignPorts again without the victims: a port another
                // device's allocation holds is still taken.
                if let Some(reason) = collision(&victims) {
                    return Err(failed_preemption(reason, version));
                }
            }
            // Then its dynamic ports: too few free ones in the node's range
            // fail the node (AssignPorts; rank.go records `network: ` and
            // the error, or tries preemption).
            if let Some(g) = group_net.filter(|g| !g.dynamic_ports.is_empty()) {
                self.crash_if(super::one_port_range::group_draw(version, n, g));
                if let Some(dim) = late_no_address.take() {
                    return Err(dim);
                }
                let live = proposed().filter(|a| spared(&victims, a));
                let held = super::alloc_ports::Held::of(n, live, version);
                if let Some(reason) =
                    super::dynamic_ports::group_miss(n, g, &held, &asked_ports, version)
                {
                    return Err(if evict {
                        failed_preemption(reason.to_string(), version)
                    } else {
                        reason.to_string()
                    });
                }
            }
            asked_ports.extend(net.reserved_ports.iter().map(|(_, p)| *p));
            group_taken =
                group_net.and_then(|g| super::task_offer::group_taken(n, g, net, version));
            if let Some(g) = group_net.filter(|_| n.nets.addresses_known()) {
                let live = proposed().filter(|a| spared(&victims, a));
                let held = super::alloc_ports::Held::of(n, live, version);
                port_ips = super::address_ports::landings(n, &held, g, net, version);
            }
        }
        // Where Go's map order drew the victims among equally good ones.
        let mut drawn = None;
        let assigned = self.assign_devices(ask, n, evict, &mut victims, &make, &mut drawn);
        let met = assigned
            .as_ref()
            .err()
            .and_then(super::rank_device::Unassigned::panic);
        self.crash_if(super::server_crash::nan_attribute(version, n, met));
        let (devices, device_score) = assigned.map_err(super::rank_device::Unassigned::reason)?;
        // What the network and device preemption took off the cached list.
        let removed = victims.len();
        let util = match self.fit_proposed(pos, n, &ask.res, &victims) {
            Ok(u) => u,
            Err((dim, util)) => {
                if !evict {
                    return Err(dim.to_string());
                }
                let pick = make(&victims).for_task_group_drawn(
                    &Comparable::of(&ask.res),
                    &proposed_order,
                    &mut |shape| self.draw_map_order_in(shape),
                );
                if pick.victims.is_empty() {
                    return Err(dim.to_string());
                }
                drawn = super::preempt::group_order_note(
                    &n.name,
                    &format!("group {:?}", ask.tg.name),
                    &pick,
                );
                victims.extend(pick.victims);
                // Nomad scores a preempting node by its utilisation before
                // the eviction (nomad-scheduler.md 3.10).
                util
            }
        };
        let algorithm = self.world.scheduler.algorithm;
        // The scores' mean, summed as they come (in the order a list of
        // them was summed: the same float result), with no list per node.
        let mut scores = Mean::of(score_fit(n, &util, algorithm) / MAX_FIT_SCORE);
        if let Some(s) = device_score {
            scores.push(s);
        }
        if !system {
            let collisions = self.proposed_of_group(pos, &ask.job.id, &ask.tg.name);
            if collisions > 0 && ask.tg.count > 0 {
                scores.push(-((collisions + 1) as f64) / ask.tg.count as f64);
            }
            // NodeReschedulingPenaltyIterator, after the job anti-affinity.
            if ask.penalty.iter().any(|id| id.as_str() == n.id.as_str()) {
                scores.push(-1.0);
            }
            let affinities: Vec<&crate::jobspec::Affinity> = ask
                .job
                .affinities
                .iter()
                .chain(ask.tg.affinities.iter())
                .chain(ask.tg.tasks.iter().flat_map(|t| t.affinities.iter()))
                .collect();
            if !affinities.is_empty() {
                let total: i64 = affinities.iter().map(|a| a.weight.abs()).sum();
                let matched: i64 = affinities
                    .iter()
                    .filter(|a| {
                        holds(
                            &a.operand,
                            &a.ltarget,
                            &a.rtarget,
                            n,
                            self.world.nomad_version,
                        )
                    })
                    .map(|a| a.weight)
                    .sum();
                // A node matching none scores 0, which only releases
                // with #25800 average in (`Fix::AffinityZeroScored`).
                let scored = matched != 0 || version.has(crate::version::Fix::AffinityZeroScored);
                if total > 0 && scored {
                    scores.push(matched as f64 / total as f64);
                }
            }
            if let Some(s) = self.spread_score(ask, n) {
                scores.push(s);
            }
            if !victims.is_empty() {
                let prios: Vec<i64> = victims.iter().map(|v| v.job_priority).collect();
                scores.push(preemption_score(&prios));
            }
        }
        let score = scores.mean();
        if !system {
            self.crash_if(super::server_crash::cached_proposed(version, removed, n));
        }
        Ok(RankedNode {
            node: pos,
            score,
            victims: victims.iter().map(|v| v.id.clone()).collect(),
            devices,
            port_ips,
            task_offers: taken
                .into_iter()
                .map(|t| t.map(|t| (t.device, t.ip)))
                .collect(),
            drawn,
            chance: chance_note(n, &chance).or_else(|| {
                let at = |k| proposed().nth(k).filter(|a| self.stored(&a.id).is_some());
                let at = |k| at(k).map(position);
                by_order.map(|b| order_note(n, &b, at, shape(), version))
            }),
        })
    }
}

/// A network index's (`AvailBandwidth`, `UsedBandwidth`) for `device`:
/// the node's last entry of the device (0 for a device it does not
/// report, as for a group network's empty one), and what the allocations
/// (as the index reads them, [`net_held::indexed`]) and this placement's
/// earlier networks hold on it.
fn device_bandwidth<'x>(
    n: &Node,
    live: impl Iterator<Item = &'x Allocation>,
    earlier: &[super::task_offer::Taken],
    device: &str,
    version: crate::version::NomadVersion,
) -> (i64, i64) {
    let avail = n
        .networks
        .iter()
        .rev()
        .find(|o| !o.device.is_empty() && o.device == device)
        .map_or(0, |o| o.mbits);
    let used = live
        .flat_map(|a| net_held::indexed(&a.resources.networks, version))
        .filter(|h| h.net.device.as_str() == device)
        .map(|h| h.mbits)
        .chain(
            earlier
                .iter()
                .filter(|t| t.device.as_str() == device)
                .map(|t| t.mbits),
        )
        .sum();
    (avail, used)
}

/// The metric of a node whose network ask preemption cannot meet: Nomad
/// records it from 1.7.5 (1.6.8, 1.5.15), and drops the node silently
/// before.
fn failed_preemption(reason: String, version: crate::version::NomadVersion) -> String {
    if super::network_check::records_failed_network_preemption(version) {
        reason
    } else {
        super::rank_device::UNRECORDED.to_string()
    }
}

/// The note a plan carries when Go's map order chose network victims.
fn chance_note(n: &Node, chance: &[super::preempt::Chance<'_>]) -> Option<String> {
    use super::preempt::Chance;
    let first = chance.first()?;
    let short = |a: &Allocation| a.id.get(..8).unwrap_or(&a.id).to_string();
    Some(match first {
        Chance::Holder {
            port,
            held,
            taken,
            odds,
        } => {
            let names: Vec<String> = held.iter().map(|a| short(a)).collect();
            let list = match names.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => names.join(""),
            };
            let odds = match odds {
                Some(o) => names
                    .iter()
                    .zip(o)
                    .map(|(a, p)| format!("{a} {:.1}%", p * 100.0))
                    .collect::<Vec<_>>()
                    .join(", "),
                None => super::preempt::NOT_ESTABLISHED.to_string(),
            };
            format!(
                "node {:?}: allocations {list} hold static port {port} on one device; Nomad preempts the one its proposed list (a Go map) yields last ({odds}), and this plan takes {}",
                n.name,
                short(taken)
            )
        }
        Chance::Devices(taken, other) => format!(
            "node {:?}: preempting on device {taken:?} or {other:?} would each make room; Nomad tries the devices in Go's map order, and this plan takes {taken:?}",
            n.name
        ),
    })
}
