//! A client whose dynamic port range is one port (`min_dynamic_port =
//! max_dynamic_port`: the agent refuses only `min > max`,
//! command/agent/command.go v1.4.10:383). Nomad's port draw starts with
//! `min + rand.Intn(max - min)` (`getDynamicPortsStochastic`,
//! nomad/structs/network.go v1.4.10:749, v1.5.6:747), and `rand.Intn(0)`
//! panics "invalid argument to Intn". The draw reads the client's range
//! from 1.2.0 (`SetNode` stores it from 1.1.15, but until 1.1.18 the draw
//! still reads the package's 20000-32000: network.go v1.1.18:733); it is
//! guarded by `max - min > 0` from 1.4.11, 1.5.7 and 1.6.0 (#17619) and
//! never on 1.3.x. Both of the binpack's draws reach it: a group
//! network's dynamic ports (`AssignPorts`, after its static ports are
//! checked: v1.4.10:504-596, one draw per port, the first port that has
//! an address on the node draws first) and a task network's
//! (`AssignTaskNetwork`, at the first address whose bandwidth and static
//! ports pass, when it asks any dynamic port: v1.4.10:606-682).
//!
//! From 1.3.0 the scheduler's `Process` recovers the panic into its
//! error (scheduler/generic_sched.go v1.3.0:146-150, #12009), which
//! `Job.Plan` returns: `nomad job plan` fails with it. Before, the server
//! dies ([`super::server_crash`]; the error is
//! [`super::server_crash::recovered`]'s). A service or batch job ranks only the
//! first nodes of its shuffle that fit (the limit iterator), so with
//! other clients to fill the limit, whether Nomad meets the one-port
//! client is the shuffle's draw: noted as drawn, so `check` and the gates
//! sample it (rt22b R22-B-4; reviewer rv22-1).

use super::engine::{Ask, Engine, Note};
use super::server_crash::{CrashBug, ServerCrash};
use crate::cluster::{AllocNetwork, Node};
use crate::version::{Fix, NomadVersion};

/// Does Nomad `version`'s port draw panic on node `n`? From 1.2.0 until
/// the fix, where `n`'s range holds one port.
pub(super) fn crash(version: NomadVersion, n: &Node) -> Option<ServerCrash> {
    if !version.at_least(1, 2, 0) || version.has(Fix::OnePortRangeDrawn) {
        return None;
    }
    let (lo, hi) = super::dynamic_ports::range(n, version);
    (lo == hi).then(|| ServerCrash {
        bug: CrashBug::OnePortRange,
        version,
        node: n.name.clone(),
        detail: lo.to_string(),
    })
}

/// The group network `g`'s dynamic ports reach the draw (its static
/// ports assigned): `AssignPorts` draws for the first dynamic port when
/// the node has an address for its host network (with none it returns
/// "no addresses available" first, and draws for no later port).
pub(super) fn group_draw(
    version: NomadVersion,
    n: &Node,
    g: &crate::jobspec::Network,
) -> Option<ServerCrash> {
    let first = g.dynamic_ports.first()?;
    super::network_check::port_alias(first, n, version, version.at_least(1, 1, 0))?;
    crash(version, n)
}

/// Does `AssignPorts` reach the draw on `n` for `tg`'s group network
/// before the port whose host network `n` has no address (the
/// `NetworkChecker` filters such a node, but its verdict is cached per
/// computed class, which hashes no networks)? Ports are assigned static
/// ones first, then dynamic ones in order, each returning "no addresses
/// available" when its host network has none (network.go
/// v1.4.10:511-592): the draw is reached, and panics, when every static
/// port and the first dynamic port have an address and a later dynamic
/// port has none. (Whether a static port collides is judged after, where
/// [`group_draw`] is called in order.)
pub(super) fn draws_first(version: NomadVersion, n: &Node, tg: &crate::jobspec::TaskGroup) -> bool {
    let Some(g) = tg.networks.first() else {
        return false;
    };
    let has = |p: &crate::jobspec::Port| {
        super::network_check::port_alias(p, n, version, version.at_least(1, 1, 0))
            .is_some_and(|alias| n.nets.has_alias(&alias))
    };
    crash(version, n).is_some()
        && g.reserved_ports.iter().all(has)
        && g.dynamic_ports.first().is_some_and(has)
}

/// The task network `net` reaches the draw: it asks dynamic ports and
/// some address passes the walk's bandwidth and static-port checks, which
/// `offered` tells of the ask without its dynamic ports (the walk's first
/// such address is where `AssignTaskNetwork` draws).
pub(super) fn task_draw(
    version: NomadVersion,
    n: &Node,
    net: &AllocNetwork,
    offered: impl FnOnce(&AllocNetwork) -> bool,
) -> Option<ServerCrash> {
    if net.dynamic_ports.is_empty() {
        return None;
    }
    let c = crash(version, n)?;
    let statics = AllocNetwork {
        dynamic_ports: Vec::new(),
        ..net.clone()
    };
    offered(&statics).then_some(c)
}

/// The drawn note's own words (see [`Engine::note_one_port_draw`]), by
/// which [`settle`] finds it among the plan's notes.
const DRAW_WORDS: &str = "'s port draw on it panics (rand.Intn(0), hashicorp/nomad#17619)";

/// Does `r` fail by a one-port range's panic (recovered or not)?
fn fails_by_it(r: &super::PlanResult) -> bool {
    let by = |c: &Option<ServerCrash>| c.as_ref().is_some_and(|c| c.bug == CrashBug::OnePortRange);
    by(&r.crashed) || by(&r.recovered)
}

/// A group's walks continue round the shuffle where the last one stopped
/// (`StaticIterator`'s offset, which only `SetNodes` resets:
/// scheduler/feasible.go v1.4.10:93-121), so
/// where one walk may stop before the one-port client, the walks of all
/// the evaluation's placements together may still reach it in every
/// shuffle (count 2, three other clients, a limit of 2: the second walk
/// wraps round). [`Engine::note_one_port_draw`] judges each walk alone:
/// here the evaluation `shown`, failed by the panic and noted as a draw,
/// is run `again` with every one-port client last in the shuffle, the
/// order that reaches them latest. Where that order fails too, every
/// order does: the failure is certain and the draw's notes go.
///
/// That holds where a placement changes only its own node for the walks
/// after it (its fit, job anti-affinity, distinct_hosts: the select
/// path's iterators read the node and the plan's allocations on it,
/// NewGenericStack, scheduler/stack.go v1.4.10:346-446): in the
/// latest order every walk before the one-port client pulls nodes no
/// walk has placed on, so none finds fewer options (nor skips more,
/// `LimitIterator`'s skip of a score at or below 0, select.go
/// v1.4.10:35-64) than in another order. A `distinct_property`
/// (`DistinctPropertyIterator`, before the binpack's draw: feasible.go
/// v1.4.10:638-720) or a `spread` (`SpreadIterator`, which scores every
/// node of the property's value: spread.go v1.4.10:125-200) lets one
/// placement change other nodes: with `distinct_property = "${meta.rack}"`
/// the latest order's first walk may pick another rack than the one-port
/// client's, which the second walk then reaches, where another order's
/// first walk picks a node of its rack and the second walk filters it
/// (rv24-4: "certain" was a confident wrong refusal). There the draw
/// stays drawn, and `check`, the gates and `--samples` measure it.
pub(super) fn settle(
    shown: &mut super::PlanResult,
    job: &crate::jobspec::Job,
    again: impl FnOnce(fn(&mut Engine<'_>)) -> super::PlanResult,
) {
    let noted = |t: &String| t.contains(DRAW_WORDS);
    if !fails_by_it(shown) || !shown.drawn.iter().any(noted) || reaches_other_nodes(job) {
        return;
    }
    if fails_by_it(&again(one_port_clients_last)) {
        shown.drawn.retain(|t| !noted(t));
        shown.nondeterminism.retain(|t| !noted(t));
    }
}

/// Can a placement of `job` change, for the walks after it, nodes other
/// than its own: a `distinct_property` constraint or a `spread`, of the
/// job or of a group ([`settle`])?
fn reaches_other_nodes(job: &crate::jobspec::Job) -> bool {
    let distinct =
        |cs: &[crate::jobspec::Constraint]| cs.iter().any(|c| c.operand == "distinct_property");
    distinct(&job.constraints)
        || !job.spreads.is_empty()
        || job
            .groups
            .iter()
            .any(|g| distinct(&g.constraints) || !g.spreads.is_empty())
}

/// The shuffle with the clients whose draw panics moved to its end, the
/// others in their order; no notes are made.
fn one_port_clients_last(e: &mut Engine<'_>) {
    let version = e.world.nomad_version;
    let source = std::mem::take(&mut e.source);
    let panics = |p: &usize| e.node(*p).is_some_and(|n| crash(version, n).is_some());
    let (last, first): (Vec<usize>, Vec<usize>) = source.into_iter().partition(panics);
    e.source = first.into_iter().chain(last).collect();
    e.notes_read = false;
}

impl Engine<'_> {
    /// After a generic select's walk for `ask`: is whether Nomad meets a
    /// client whose port draw panics the shuffle's draw? Where at least
    /// `limit` other nodes fit, some shuffle fills the limit iterator
    /// before the walk reaches one (another may not), so the plan shown,
    /// failed or placed, is one outcome of several: noted as drawn, once
    /// per group. Where fewer fit, every walk meets it: no draw. Judged
    /// quietly (no notes, no crash of the walk's own), so the evaluation
    /// is unchanged.
    pub(super) fn note_one_port_draw(&mut self, ask: &Ask<'_>, evict: bool, limit: usize) {
        let version = self.world.nomad_version;
        // Most releases cannot panic here: ask nothing of the walk then
        // (rv23-7: the copy of the node list and the quota check below ran
        // on every select).
        if !version.at_least(1, 2, 0) || version.has(Fix::OnePortRangeDrawn) {
            return;
        }
        if !self.wants_note(Note::OnePortDraw, &ask.tg.name) || self.quota_hit(ask).is_some() {
            return;
        }
        let nodes: Vec<usize> = self.source.clone();
        if !nodes
            .iter()
            .any(|&p| self.node(p).is_some_and(|n| crash(version, n).is_some()))
        {
            return;
        }
        let (panics, others) = self.quietly(|e| {
            let (mut panics, mut others) = (Vec::new(), 0usize);
            for &pos in &nodes {
                let Some(n) = e.node(pos) else { continue };
                if e.infeasible(ask, pos, n, false).is_some() {
                    continue;
                }
                let ranked = e.rank(ask, pos, n, evict, false);
                let crashed = e.crash.borrow_mut().take();
                if crashed.is_some_and(|c| c.bug == CrashBug::OnePortRange) {
                    panics.push(crate::gotext::go_quote(&n.name));
                } else if ranked.is_ok() {
                    others += 1;
                }
            }
            (panics, others)
        });
        if panics.is_empty() || others < limit {
            return;
        }
        let what = if version.at_least(1, 3, 0) {
            "fails the plan with the recovered panic"
        } else {
            "takes the server down"
        };
        self.note_drawn(Note::OnePortDraw, &ask.tg.name, || format!(
            "group {:?}: the dynamic port range of client {} is one port, and Nomad {version}{DRAW_WORDS}, which {what}; Nomad ranks only the first {limit} nodes that fit of its shuffle ({others} others fit), so whether it reaches that client is random and this plan is one of its outcomes (--samples gives their shares)",
            ask.tg.name,
            panics.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(lo: u16, hi: u16) -> Node {
        Node {
            name: "c".into(),
            min_dynamic_port: lo,
            max_dynamic_port: hi,
            ..Node::default()
        }
    }

    #[test]
    fn the_draw_panics_from_1_2_0_until_the_fix() {
        let v = NomadVersion::new;
        for at in [v(1, 2, 0), v(1, 3, 16), v(1, 4, 10), v(1, 5, 6)] {
            assert!(crash(at, &node(25000, 25000)).is_some(), "{at}");
            assert!(crash(at, &node(25000, 25001)).is_none(), "{at}");
        }
        // Before 1.2.0 the draw reads 20000-32000; from the fix it is
        // guarded.
        for at in [v(1, 1, 18), v(1, 4, 11), v(1, 5, 7), v(1, 6, 0), v(2, 0, 5)] {
            assert!(crash(at, &node(25000, 25000)).is_none(), "{at}");
        }
        // One bound set: the other is the default's (32000 here).
        assert!(crash(v(1, 4, 10), &node(32000, 0)).is_some());
    }
}
