//! What each node holds at the start of an evaluation (the live
//! allocations of the state, by node position) and which of them the
//! evaluation's plan takes off their node: the engine's proposed
//! allocations and the applier's re-check read both.

use std::collections::HashMap;

use super::engine::{Engine, IdHash};
use super::fit::{allocs_fit, fit_total, Comparable};
use crate::cluster::{AllocResources, Allocation, Node, State};
use crate::version::NomadVersion;

/// Each node's position, by node ID (IDs are unique in a state: a world
/// refuses a node declared twice).
pub(super) fn node_positions(state: &State) -> HashMap<&str, usize, IdHash> {
    state
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect()
}

/// The allocations each node position holds under `v` (live, and from
/// 1.4.0 those told to stop that still run: `Allocation::holds_node`), as
/// indexes into state.allocs in their order.
pub(super) fn live_on(
    state: &State,
    node_pos: &HashMap<&str, usize, IdHash>,
    v: NomadVersion,
) -> Vec<Vec<usize>> {
    let mut by_node = vec![Vec::new(); state.nodes.len()];
    for (i, a) in state.allocs.iter().enumerate() {
        if !a.holds_node(v) {
            continue;
        }
        if let Some(list) = node_pos
            .get(a.node_id.as_str())
            .and_then(|&p| by_node.get_mut(p))
        {
            list.push(i);
        }
    }
    by_node
}

impl Engine<'_> {
    /// What [`Engine::proposed_iter`]'s allocations ask together, and how
    /// many they are: the node's stored use, less what the plan dropped of
    /// it, plus what it placed there, each kept as it changes. Summing the
    /// list for every node ranked made a group of n allocations cost n²
    /// (count = 15,000: a third of `check`).
    pub(super) fn proposed_use(&self, pos: usize) -> (Comparable, usize) {
        let stored = self.base.get(pos).map_or_else(Comparable::default, |b| b.0);
        let held = self.by_node.get(pos).map_or(0, Vec::len);
        let (dropped, gone) = self.dropped.use_on(pos);
        let (placed, made) = self.plan.placed.use_on(pos);
        let used = stored.wrapping_sub(&dropped).wrapping_add(&placed);
        (used, held.saturating_sub(gone) + made)
    }

    /// How many of the node's proposed allocations are of `job_id`'s
    /// group `group` (the job anti-affinity's collisions): its stored ones
    /// walked, its placements counted as they were made.
    pub(super) fn proposed_of_group(&self, pos: usize, job_id: &str, group: &str) -> usize {
        let state = self.state;
        let stored = self
            .by_node
            .get(pos)
            .into_iter()
            .flatten()
            .filter(|&&i| !self.dropped.has(i))
            .filter_map(|&i| state.allocs.get(i))
            .filter(|a| a.job_id == job_id && a.task_group == group)
            .count();
        stored + self.plan.placed.of_group_on(pos, job_id, group)
    }

    /// Nomad's `AllocsFit` of `ask` on the node at `pos` with the plan so
    /// far, less `victims` (allocations of its proposed list this ranking
    /// evicts): the utilisation with it, or the dimension it exhausts.
    pub(super) fn fit_proposed(
        &self,
        pos: usize,
        n: &Node,
        ask: &AllocResources,
        victims: &[&Allocation],
    ) -> Result<Comparable, (&'static str, Comparable)> {
        if victims.is_empty() {
            let (used, count) = self.proposed_use(pos);
            return fit_total(n, used.wrapping_add(&Comparable::of(ask)), count + 1);
        }
        // Evictions are rare and few: the list is walked without them.
        let spared = |a: &&Allocation| !victims.iter().any(|v| v.id == a.id);
        let remaining = self.proposed_iter(pos).filter(spared).map(|a| &a.resources);
        allocs_fit(n, remaining, Some(ask))
    }
}

/// The engine's `by_node` for `state`, built without an engine.
#[cfg(test)]
pub(super) fn live_by_node(state: &State) -> Vec<Vec<usize>> {
    live_on(state, &node_positions(state), NomadVersion::new(2, 0, 5))
}

/// Two flags per stored allocation (see [`Engine`](super::engine::Engine)'s `dropped`): taken
/// off its node (`GONE`: stopped, preempted, or set aside while its
/// in-place fit is checked) and replaced by its in-place update
/// (`REPLACED`), kept apart as the two ID sets they replace were, so
/// putting a stop back never puts back a replaced allocation. Allocated
/// on the first drop: most evaluations of a large cluster drop nothing.
#[derive(Debug, Default)]
pub(super) struct Dropped {
    flags: Vec<u8>,
    /// Per node position: the resources of its stored allocations that
    /// are dropped (either flag), summed as they are dropped and taken
    /// back out as they are put back, and how many: the part of the
    /// node's stored use its proposed allocations no longer hold
    /// ([`super::engine::Engine::proposed_use`]).
    per_node: Vec<(Comparable, usize)>,
}

pub(super) const GONE: u8 = 1;
pub(super) const REPLACED: u8 = 2;

/// A stored allocation as [`Dropped::set`] needs it: its index in
/// state.allocs, its node's position among `nodes` nodes, and what it asks.
pub(super) struct Stored {
    pub index: usize,
    pub allocs: usize,
    pub pos: usize,
    pub nodes: usize,
    pub asks: Comparable,
}

impl Dropped {
    pub(super) fn has(&self, i: usize) -> bool {
        self.flags.get(i).is_some_and(|f| *f != 0)
    }

    /// Taken off its node (stopped or preempted), not only replaced.
    pub(super) fn gone(&self, i: usize) -> bool {
        self.flags.get(i).is_some_and(|f| *f & GONE != 0)
    }

    /// What the node at `pos` no longer holds of its stored allocations.
    pub(super) fn use_on(&self, pos: usize) -> (Comparable, usize) {
        self.per_node.get(pos).copied().unwrap_or_default()
    }

    pub(super) fn set(&mut self, s: &Stored, flag: u8, on: bool) {
        if self.flags.is_empty() {
            if !on {
                return;
            }
            self.flags = vec![0; s.allocs];
            self.per_node = vec![(Comparable::default(), 0); s.nodes];
        }
        let Some(f) = self.flags.get_mut(s.index) else {
            return;
        };
        let was = *f != 0;
        if on {
            *f |= flag;
        } else {
            *f &= !flag;
        }
        let now = *f != 0;
        // Only a change between held and not held moves the node's use:
        // the second flag on an allocation already dropped does not.
        if let Some((sum, count)) = self.per_node.get_mut(s.pos).filter(|_| was != now) {
            if now {
                *sum = sum.wrapping_add(&s.asks);
                *count += 1;
            } else {
                *sum = sum.wrapping_sub(&s.asks);
                *count = count.saturating_sub(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::{ClientStatus, DesiredStatus};
    use crate::ids::SplitMix64;
    use crate::jobspec::Job;

    fn node(i: usize) -> Node {
        Node {
            id: format!("n{i}"),
            cpu: 5000,
            memory_mb: 5000,
            disk_mb: 5000,
            eligible: true,
            // Node 2 caps its allocations: the count decides its fit.
            max_allocs: if i == 2 { 9 } else { 0 },
            ..Node::default()
        }
    }

    fn alloc(id: String, node: usize, rng: &mut SplitMix64) -> Allocation {
        let mut draw = |m: u64| i64::try_from(rng.next_u64() % m).unwrap_or(0);
        let job = ["a", "b"][usize::from(draw(2) == 1)];
        let group = ["g", "h"][usize::from(draw(2) == 1)];
        Allocation {
            id: id.into(),
            job_id: job.into(),
            task_group: group.into(),
            node_id: format!("n{node}").into(),
            desired_status: DesiredStatus::Run,
            client_status: ClientStatus::Running,
            resources: AllocResources {
                cpu: draw(900),
                cores: draw(3),
                memory_mb: draw(900),
                disk_mb: draw(900),
                ..AllocResources::default()
            },
            ..Allocation::default()
        }
    }

    /// Each node's proposed list summed and counted as `allocs_fit` sums
    /// it, against the running total, the fit of an ask both ways, and
    /// each group's allocations on it (the job anti-affinity's count).
    fn agrees(e: &Engine<'_>, ask: &AllocResources, step: usize) {
        for pos in 0..e.state.nodes.len() {
            let mut sum = Comparable::default();
            let mut count = 0;
            for a in e.proposed_iter(pos) {
                sum.add(&Comparable::of(&a.resources));
                count += 1;
            }
            assert_eq!(e.proposed_use(pos), (sum, count), "step {step} node {pos}");
            let Some(n) = e.node(pos) else { continue };
            let walked = allocs_fit(n, e.proposed_iter(pos).map(|a| &a.resources), Some(ask));
            assert_eq!(e.fit_proposed(pos, n, ask, &[]), walked, "step {step}");
            for (job, group) in [("a", "g"), ("a", "h"), ("b", "g"), ("c", "g")] {
                let of = |a: &&Allocation| a.job_id == job && a.task_group == group;
                let walked = e.proposed_iter(pos).filter(of).count();
                let got = e.proposed_of_group(pos, job, group);
                assert_eq!(got, walked, "step {step} node {pos} {job}.{group}");
            }
        }
    }

    /// The running total of each node's proposed allocations equals the
    /// sum Nomad's `AllocsFit` takes of them (structs/funcs.go v2.0.5
    /// `AllocsFit`, over `ProposedAllocs`: scheduler/context.go v2.0.5,
    /// the node's allocations less the plan's `NodeUpdate` and
    /// `NodePreemptions`, plus its `NodeAllocation`) after every step of
    /// random sequences of placements, in-place updates, preemptions,
    /// stops, stops put back and nodes the applier takes out; and so do
    /// the counts `JobAntiAffinityIterator` takes of a group's
    /// allocations among them (scheduler/feasible/rank.go v2.0.5).
    #[test]
    fn running_totals_equal_the_sum_over_random_plans() {
        let world = crate::rules::testing::world();
        for seed in 0..30u64 {
            let mut rng = SplitMix64::new(seed);
            let nodes: Vec<Node> = (0..4).map(node).collect();
            let stored: Vec<Allocation> = (0..24)
                .map(|i| {
                    let at = usize::try_from(rng.next_u64() % 5).unwrap_or(0);
                    let mut a = alloc(format!("s{i}"), at, &mut rng);
                    // Some terminal, on no proposed list; node 4 unknown.
                    if i % 7 == 3 {
                        a.client_status = ClientStatus::Complete;
                    }
                    a
                })
                .collect();
            let state = State {
                nodes: nodes.into(),
                allocs: stored.clone(),
                ..State::default()
            };
            let job = Job::default();
            let mut e = Engine::new(&world, &state, &job, seed);
            let ask = alloc("ask".into(), 0, &mut rng).resources;
            agrees(&e, &ask, 0);
            let pick = |rng: &mut SplitMix64| {
                let k = usize::try_from(rng.next_u64() % 24).unwrap_or(0);
                stored.get(k).cloned().unwrap_or_default()
            };
            for step in 1..=60 {
                let pos = usize::try_from(rng.next_u64() % 4).unwrap_or(0);
                match rng.next_u64() % 6 {
                    0 | 1 => {
                        let a = alloc(format!("p{step}"), pos, &mut rng);
                        e.place(pos, a, &[], false);
                    }
                    2 => {
                        // An in-place update of a stored allocation, on its node.
                        let old = pick(&mut rng);
                        let at = e.node_position(&old.node_id).unwrap_or(pos);
                        let a = alloc(old.id.to_string(), at, &mut rng);
                        e.place(at, a, &[], true);
                    }
                    3 => {
                        let victim = pick(&mut rng);
                        let a = alloc(format!("v{step}"), pos, &mut rng);
                        e.place(pos, a, std::slice::from_ref(&victim.id), false);
                    }
                    4 => {
                        let a = pick(&mut rng);
                        if rng.next_u64() % 2 == 0 {
                            e.stop(&a);
                        } else {
                            e.unstop(&a);
                        }
                    }
                    _ => e.plan.placed.remove_node(pos),
                }
                agrees(&e, &ask, step);
            }
        }
    }
}
