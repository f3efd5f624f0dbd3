//! Choosing allocations to evict (`scheduler/feasible/preemption.go`):
//! lowest priority first, closest in size first, then trimmed to the
//! smallest prefix that still makes room.

use std::collections::BTreeMap;

mod network;
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
pub use edition::{community_lacks_preemption, edition_unknown, PreemptionEditionUnknown};

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

    /// Eligible candidates grouped by job priority, lowest first.
    fn by_priority(&self, filter: impl Fn(&Candidate<'a>) -> bool) -> Vec<Vec<Candidate<'a>>> {
        let mut groups: BTreeMap<i64, Vec<Candidate<'a>>> = BTreeMap::new();
        for c in &self.candidates {
            if outranks(self.job_priority, c.alloc.job_priority) && filter(c) {
                groups.entry(c.alloc.job_priority).or_default().push(*c);
            }
        }
        groups.into_values().collect()
    }

    /// Victims that free enough cpu, memory and disk for `ask`; empty when
    /// evicting every eligible allocation would still not be enough.
    pub fn for_task_group(&self, ask: &Comparable) -> Vec<&'a Allocation> {
        let mut needed = *ask;
        let mut available = self.remaining;
        let mut chosen: Vec<Candidate<'a>> = Vec::new();
        let mut met = false;
        for mut group in self.by_priority(|_| true) {
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
                // Nomad removes by swapping in the last element; keep that
                // order so ties resolve the same way.
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
            return Vec::new();
        }
        self.filter_superset(chosen, ask)
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

    /// Victims holding instances of one device model that matches `req`
    /// (`PreemptForDevice`): per model, lowest priority first until the
    /// taken instances plus the model's free ones cover the count; then,
    /// of the models that can, the one whose victims (largest holders
    /// first, trimmed once the count is covered without the free ones) have
    /// the smallest sum of distinct job priorities. Victims never span models.
    pub fn for_device(
        &self,
        req: &crate::jobspec::RequestedDevice,
        devices: &super::device::DeviceAllocator<'_>,
        version: NomadVersion,
    ) -> Option<Vec<&'a Allocation>> {
        use crate::structs::device::DeviceId;
        // Per model: the candidates holding it (once per holding task, as
        // Nomad lists them) and how many instances each holds in all.
        let mut models: Vec<(DeviceId, Vec<Candidate<'a>>, BTreeMap<&str, usize>)> = Vec::new();
        for c in &self.candidates {
            for d in &c.alloc.resources.devices {
                let Some(model) = devices.model(&d.id) else {
                    continue;
                };
                if !super::device::device_matches(model, req, version) {
                    continue;
                }
                let k = match models.iter().position(|m| m.0 == d.id) {
                    Some(k) => k,
                    None => {
                        models.push((d.id.clone(), Vec::new(), BTreeMap::new()));
                        models.len() - 1
                    }
                };
                if let Some((_, holders, counts)) = models.get_mut(k) {
                    holders.push(*c);
                    *counts.entry(c.alloc.id.as_str()).or_insert(0) += d.instance_ids.len();
                }
            }
        }
        let needed = usize::try_from(req.count).unwrap_or(0);
        let mut options: Vec<(Vec<Candidate<'a>>, &BTreeMap<&str, usize>)> = Vec::new();
        for (id, holders, counts) in &models {
            let free = devices.free_count(id);
            let mut taken = 0;
            let mut chosen = Vec::new();
            let mut groups: BTreeMap<i64, Vec<Candidate<'a>>> = BTreeMap::new();
            for c in holders {
                if outranks(self.job_priority, c.alloc.job_priority) {
                    groups.entry(c.alloc.job_priority).or_default().push(*c);
                }
            }
            'model: for group in groups.into_values() {
                for c in group {
                    taken += counts.get(c.alloc.id.as_str()).copied().unwrap_or(0);
                    chosen.push(c);
                    if taken + free >= needed {
                        options.push((std::mem::take(&mut chosen), counts));
                        break 'model;
                    }
                }
            }
        }
        let mut best: Option<(i64, Vec<&'a Allocation>)> = None;
        for (mut chosen, counts) in options {
            let count = |c: &Candidate<'_>| counts.get(c.alloc.id.as_str()).copied().unwrap_or(0);
            chosen.sort_by_key(|c| std::cmp::Reverse(count(c)));
            let mut kept = Vec::new();
            let mut priorities = Vec::new();
            let mut covered = 0;
            for c in chosen {
                if covered >= needed {
                    break;
                }
                covered += count(&c);
                if !priorities.contains(&c.alloc.job_priority) {
                    priorities.push(c.alloc.job_priority);
                }
                if !kept.iter().any(|a: &&Allocation| a.id == c.alloc.id) {
                    kept.push(c.alloc);
                }
            }
            let net: i64 = priorities.iter().sum();
            if best.as_ref().is_none_or(|b| net < b.0) {
                best = Some((net, kept));
            }
        }
        best.map(|(_, v)| v)
    }
}
