//! Choosing allocations to evict (`scheduler/feasible/preemption.go`):
//! lowest priority first, closest in size first, then trimmed to the
//! smallest prefix that still makes room.

use std::collections::BTreeMap;

mod device;
mod group_order;
mod network;
pub use group_order::{note as group_order_note, GroupPick, MapOdds, NOT_ESTABLISHED};
pub use network::{Chance, NetworkPick, ProposedOrder};

use super::fit::{resource_distance, Comparable};
use crate::cluster::{Allocation, Node};
use crate::ids::Id;
use crate::jobspec::JobType;
use crate::version::NomadVersion;
use crate::world::World;

/// Nomad preempts only allocations at least this many priority points lower.
pub const PRIORITY_GAP: i64 = 10;

/// May a job of `priority` evict an allocation of `victim_priority`?
pub fn outranks(priority: i64, victim_priority: i64) -> bool {
    priority.saturating_sub(victim_priority) >= PRIORITY_GAP
}

mod edition;
mod unknown_priority;
pub use edition::{community_lacks_preemption, edition_unknown, PreemptionEditionUnknown};
pub use unknown_priority::PriorityUnknown;

/// Can this job type preempt in this world and release? Before 0.12 the
/// community build never preempts for service or batch jobs, whatever the
/// scheduler configuration says ([`community_lacks_preemption`]); under an
/// unstated edition the plan preempts as Enterprise would and says
/// "cannot tell" when it did ([`PreemptionEditionUnknown`]).
pub fn preemption_on(world: &World, t: JobType) -> bool {
    preemption_released(world.nomad_version, t)
        && world.preemption_enabled(t)
        && !(community_lacks_preemption(world.nomad_version, t)
            && world.edition() == Some(crate::version::Edition::Community))
}

/// Did this release ship preemption for the job type at all?
pub fn preemption_released(v: NomadVersion, t: JobType) -> bool {
    match t {
        JobType::System => v.at_least(0, 9, 0),
        // Service/batch preemption: Enterprise 0.9.2, open source 0.12.
        JobType::Service | JobType::Batch => v.at_least(0, 9, 2),
        JobType::Sysbatch => v.at_least(1, 2, 0),
    }
}

/// Penalty per preemption beyond a victim group's `migrate.max_parallel`.
const MAX_PARALLEL_PENALTY: f64 = 50.0;

/// A potential victim with what Nomad looks up about it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub alloc: &'a Allocation,
    /// The victim group's `migrate.max_parallel` (0 without a migrate block).
    pub max_parallel: i64,
}

/// The preemption search on one node.
pub struct Preemptor<'a> {
    job_priority: i64,
    /// Node capacity minus everything the candidates use.
    remaining: Comparable,
    candidates: Vec<Candidate<'a>>,
    /// Victims already chosen in this plan, by (namespace, job, group): the
    /// count feeds the max_parallel penalty.
    current: BTreeMap<(Id, Id, Id), i64>,
}

impl<'a> Preemptor<'a> {
    /// `proposed` is every allocation the node would hold; the placing job's
    /// own allocations are never candidates and (as in Nomad) are not
    /// subtracted from the node's remaining capacity either.
    pub fn new(
        node: &Node,
        proposed: impl IntoIterator<Item = Candidate<'a>>,
        job: (&str, &str),
        job_priority: i64,
        already_preempted: &[&Allocation],
    ) -> Self {
        let candidates: Vec<Candidate<'a>> = proposed
            .into_iter()
            .filter(|c| !(c.alloc.namespace == job.0 && c.alloc.job_id == job.1))
            .collect();
        let mut remaining = Comparable::node_usable(node);
        for c in &candidates {
            remaining.sub(&Comparable::of(&c.alloc.resources));
        }
        let mut current = BTreeMap::new();
        for a in already_preempted {
            *current
                .entry((a.namespace.clone(), a.job_id.clone(), a.task_group.clone()))
                .or_insert(0) += 1;
        }
        Preemptor {
            job_priority,
            remaining,
            candidates,
            current,
        }
    }

    fn penalty(&self, c: &Candidate<'_>) -> f64 {
        if self.current.is_empty() {
            return 0.0;
        }
        let key = (
            c.alloc.namespace.clone(),
            c.alloc.job_id.clone(),
            c.alloc.task_group.clone(),
        );
        let n = self.current.get(&key).copied().unwrap_or(0);
        if c.max_parallel > 0 && n >= c.max_parallel {
            (n + 1 - c.max_parallel) as f64 * MAX_PARALLEL_PENALTY
        } else {
            0.0
        }
    }

    /// Eligible candidates grouped by job priority, lowest first, each
    /// group in the order `candidates` gives them.
    fn by_priority(&self, candidates: &[Candidate<'a>]) -> Vec<Vec<Candidate<'a>>> {
        let mut groups: BTreeMap<i64, Vec<Candidate<'a>>> = BTreeMap::new();
        for c in candidates {
            if outranks(self.job_priority, c.alloc.job_priority) {
                groups.entry(c.alloc.job_priority).or_default().push(*c);
            }
        }
        groups.into_values().collect()
    }

    /// Victims that free enough cpu, memory and disk for `ask`, walking
    /// the candidates in this preemptor's order; empty when evicting every
    /// eligible allocation would still not be enough. Where that order
    /// matters (Nomad's is Go's map order), see
    /// [`Preemptor::for_task_group_drawn`].
    pub fn for_task_group(&self, ask: &Comparable) -> Vec<&'a Allocation> {
        self.task_group_from(&self.candidates, ask).0
    }

    /// `PreemptForTaskGroup` over `candidates` in the order given (Nomad's:
    /// the proposed list, read from a Go map): per priority, lowest first,
    /// the first candidate of strictly smallest distance (plus the
    /// max_parallel penalty), removed by swapping in the last one, until
    /// the ask fits. Also says whether a pick tied with another candidate,
    /// so that another order could have chosen other victims.
    fn task_group_from(
        &self,
        candidates: &[Candidate<'a>],
        ask: &Comparable,
    ) -> (Vec<&'a Allocation>, bool) {
        let mut needed = *ask;
        let mut available = self.remaining;
        let mut chosen: Vec<Candidate<'a>> = Vec::new();
        let mut met = false;
        let mut tied = false;
        for mut group in self.by_priority(candidates) {
            while !group.is_empty() && !met {
                let mut best = 0;
                let mut best_score = f64::MAX;
                for (i, c) in group.iter().enumerate() {
                    let score = resource_distance(&needed, &Comparable::of(&c.alloc.resources))
                        + self.penalty(c);
                    if score < best_score {
                        best_score = score;
                        best = i;
                    }
                }
                let close = |c: &Candidate<'_>| {
                    resource_distance(&needed, &Comparable::of(&c.alloc.resources))
                        + self.penalty(c)
                        == best_score
                };
                tied |= group.iter().filter(|c| close(c)).nth(1).is_some();
                // Nomad removes by swapping in the last element.
                let c = group.swap_remove(best);
                let res = Comparable::of(&c.alloc.resources);
                available.add(&res);
                met = available.superset(ask).is_ok();
                needed.sub(&res);
                chosen.push(c);
            }
            if met {
                break;
            }
        }
        if !met {
            return (Vec::new(), false);
        }
        (self.filter_superset(chosen, ask), tied)
    }

    /// Keep the shortest prefix, largest-distance first, that still fits.
    fn filter_superset(
        &self,
        mut chosen: Vec<Candidate<'a>>,
        ask: &Comparable,
    ) -> Vec<&'a Allocation> {
        let dist = |c: &Candidate<'_>| resource_distance(ask, &Comparable::of(&c.alloc.resources));
        chosen.sort_by(|a, b| {
            dist(b)
                .partial_cmp(&dist(a))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let mut available = self.remaining;
        let mut out = Vec::new();
        for c in chosen {
            available.add(&Comparable::of(&c.alloc.resources));
            out.push(c.alloc);
            if available.superset(ask).is_ok() {
                break;
            }
        }
        out
    }
}
