//! One evaluation: candidate nodes, the feasibility → rank → limit → max
//! score chain, and the in-memory plan later placements see.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::constraint::{escapes_class, holds, resolve};
use super::feasibility::{has_drivers, in_job_scope, schedulable};
use super::fit::{allocs_fit, preemption_score, score_fit, Comparable, MAX_FIT_SCORE};
use super::preempt::{Candidate, Preemptor};
use super::quota::exhausted;
use super::{AllocMetric, QuotaUsage};
use crate::cluster::ids::{hash_parts, uuid, SplitMix64};
use crate::cluster::usage::{quota_namespaces, usage_after};
use crate::cluster::{AllocResources, Allocation, Node, State};
use crate::jobspec::{Constraint, Job, JobType, TaskGroup};
use crate::world::World;

/// The lowest and highest dynamic port Nomad hands out (0.9 defaults).
const DYNAMIC_PORT_MIN: u16 = 20000;
const DYNAMIC_PORT_MAX: u16 = 32000;
/// LimitIterator: options scoring at or below this are set aside…
const SKIP_SCORE_THRESHOLD: f64 = 0.0;
/// …at most this many times per placement.
const MAX_SKIP: usize = 3;

/// The in-memory plan of one evaluation.
#[derive(Debug, Default)]
pub struct Plan {
    pub stops: Vec<Allocation>,
    /// (victim, preempting alloc id)
    pub preempted: Vec<(Allocation, String)>,
    /// New and in-place-updated allocations, per node position.
    pub placed: BTreeMap<usize, Vec<Allocation>>,
    gone: HashSet<String>,
    replaced: HashSet<String>,
}

/// A node that passed feasibility and fit, with its score.
#[derive(Debug, Clone)]
pub struct RankedNode {
    pub node: usize,
    pub score: f64,
    pub victims: Vec<String>,
}

/// What one placement asks for.
pub struct Ask<'j> {
    pub job: &'j Job,
    pub tg: &'j TaskGroup,
    pub res: AllocResources,
}

pub struct Engine<'w> {
    pub world: &'w World,
    pub state: &'w State,
    node_pos: HashMap<&'w str, usize>,
    /// Allocation ID → index in state.allocs.
    alloc_pos: HashMap<&'w str, usize>,
    /// Non-terminal allocations per node position: indexes into state.allocs.
    by_node: Vec<Vec<usize>>,
    pub plan: Plan,
    pub rng: SplitMix64,
    /// Circular node source: shuffled candidate positions and the offset
    /// the next placement starts from.
    source: Vec<usize>,
    offset: usize,
    job_class_ok: HashMap<u64, bool>,
    tg_class_ok: HashMap<(String, u64), bool>,
    /// Usage (resources, Mbit) of each node's stored allocations, and the
    /// nodes the plan has changed since: untouched nodes can be rejected
    /// without materialising their allocation list.
    base: Vec<(Comparable, i64)>,
    touched: HashSet<usize>,
    /// Computed node class per node position, filled on first use.
    class_of: Vec<Option<u64>>,
    /// Quota usage of the placing job's quota before this plan.
    quota_base: Option<(String, QuotaUsage)>,
    pub nondeterminism: Vec<String>,
    /// Namespace of the job being evaluated.
    pub current_namespace: String,
}

fn class_hash(n: &Node) -> u64 {
    let mut parts: Vec<String> = vec![
        n.datacenter.clone(),
        n.node_class.clone(),
        n.node_pool.clone(),
    ];
    for (k, v) in n
        .attributes
        .iter()
        .filter(|(k, _)| !k.starts_with("unique."))
    {
        parts.push(format!("a:{k}={v}"));
    }
    for (k, v) in n.meta.iter().filter(|(k, _)| !k.starts_with("unique.")) {
        parts.push(format!("m:{k}={v}"));
    }
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    hash_parts(0, &refs)
}

impl<'w> Engine<'w> {
    pub fn new(world: &'w World, state: &'w State, job: &Job, rng_seed: u64) -> Engine<'w> {
        let node_pos: HashMap<&str, usize> = state
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let mut by_node = vec![Vec::new(); state.nodes.len()];
        for (i, a) in state.allocs.iter().enumerate() {
            if a.client_status.is_terminal()
                || a.desired_status != crate::cluster::DesiredStatus::Run
            {
                continue;
            }
            if let Some(&p) = node_pos.get(a.node_id.as_str()) {
                by_node[p].push(i);
            }
        }
        let quota_base = world.quota_of(&job.namespace).map(|q| {
            (
                q.name.clone(),
                crate::cluster::usage::quota_usage(world, state, &q.name, &world.region),
            )
        });
        let alloc_pos = state
            .allocs
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        let mut e = Engine {
            world,
            state,
            node_pos,
            alloc_pos,
            by_node,
            plan: Plan::default(),
            rng: SplitMix64::new(rng_seed),
            source: Vec::new(),
            offset: 0,
            job_class_ok: HashMap::new(),
            tg_class_ok: HashMap::new(),
            class_of: vec![None; state.nodes.len()],
            base: Vec::new(),
            touched: HashSet::new(),
            quota_base,
            nondeterminism: Vec::new(),
            current_namespace: job.namespace.clone(),
        };
        e.base = e
            .by_node
            .iter()
            .map(|idx| {
                let mut used = Comparable::default();
                let mut bw = 0;
                for a in idx.iter().filter_map(|&i| state.allocs.get(i)) {
                    used.add(&Comparable::of(&a.resources));
                    bw += a.resources.networks.iter().map(|n| n.mbits).sum::<i64>();
                }
                (used, bw)
            })
            .collect();
        e.source = e.ready_nodes(job);
        let mut src = std::mem::take(&mut e.source);
        e.rng.shuffle(&mut src);
        e.source = src;
        e
    }

    /// Ready, eligible, not draining, in the job's datacenters and pool.
    pub fn ready_nodes(&self, job: &Job) -> Vec<usize> {
        let v = self.world.nomad_version;
        self.state
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| schedulable(n) && in_job_scope(v, job, n))
            .map(|(i, _)| i)
            .collect()
    }

    pub fn node(&self, pos: usize) -> Option<&'w Node> {
        self.state.nodes.get(pos)
    }

    pub fn node_position(&self, id: &str) -> Option<usize> {
        self.node_pos.get(id).copied()
    }

    pub fn candidate_count(&self) -> usize {
        self.source.len()
    }

    /// Allocations the node would hold if the plan so far were applied.
    pub fn proposed(&self, pos: usize) -> Vec<&Allocation> {
        let mut out: Vec<&Allocation> = self
            .by_node
            .get(pos)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.state.allocs.get(i))
            .filter(|a| !self.plan.gone.contains(&a.id) && !self.plan.replaced.contains(&a.id))
            .collect();
        if let Some(placed) = self.plan.placed.get(&pos) {
            out.extend(placed.iter());
        }
        out
    }

    fn stored(&self, id: &str) -> Option<&'w Allocation> {
        self.alloc_pos
            .get(id)
            .and_then(|&i| self.state.allocs.get(i))
    }

    fn touch(&mut self, node_id: &str) {
        if let Some(p) = self.node_position(node_id) {
            self.touched.insert(p);
        }
    }

    /// Fast rejection for a node the plan has not changed, with the same
    /// dimension the full check would report; None = run the full check.
    fn quick_reject(&self, ask: &Ask<'_>, pos: usize, n: &Node) -> Option<String> {
        if self.touched.contains(&pos)
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
            for net in &ask.res.networks {
                if acc + net.mbits > dev.mbits {
                    return Some("network: bandwidth exceeded".into());
                }
                acc += net.mbits;
            }
        }
        let mut total = used;
        total.add(&Comparable::of(&ask.res));
        Comparable::node_usable(n)
            .superset(&total)
            .err()
            .map(str::to_string)
    }

    pub fn stop(&mut self, a: &Allocation) {
        self.touch(&a.node_id);
        self.plan.gone.insert(a.id.clone());
        self.plan.stops.push(a.clone());
    }

    /// Undo a stop (a destructive update whose replacement failed).
    pub fn unstop(&mut self, id: &str) {
        self.plan.gone.remove(id);
        self.plan.stops.retain(|a| a.id != id);
    }

    pub fn place(&mut self, pos: usize, alloc: Allocation, victims: &[String]) {
        self.touched.insert(pos);
        for v in victims {
            if let Some(a) = self.stored(v) {
                self.plan.gone.insert(v.clone());
                self.plan.preempted.push((a.clone(), alloc.id.clone()));
            }
        }
        if self.stored(&alloc.id).is_some() {
            self.plan.replaced.insert(alloc.id.clone());
        }
        self.plan.placed.entry(pos).or_default().push(alloc);
    }

    /// The quota hit this ask would cause, in Nomad's words, if any: the
    /// first exhausted dimension of the usage after the plan so far.
    fn quota_hit(&self, ask: &Ask<'_>) -> Option<String> {
        let (name, base) = self.quota_base.as_ref()?;
        let quota = self.world.quotas.get(name)?;
        let limit = quota.limit_for(&self.world.region)?;
        let nss: Vec<&str> = quota_namespaces(self.world, name).collect();
        let removed = self
            .plan
            .stops
            .iter()
            .chain(self.plan.preempted.iter().map(|(a, _)| a));
        let placed = self.plan.placed.values().flatten().map(|a| {
            let old = self
                .plan
                .replaced
                .contains(&a.id)
                .then(|| self.stored(&a.id))
                .flatten();
            (a, old)
        });
        let u = usage_after(base, |ns| nss.contains(&ns), removed, placed);
        exhausted(
            &limit.region_limit,
            self.world.nomad_version,
            &u,
            &QuotaUsage::of(&ask.res),
        )
        .first()
        .map(ToString::to_string)
    }

    fn quota_before_constraints(&self) -> bool {
        let v = self.world.nomad_version;
        // GH-10753 moved the quota check after feasibility in 1.1.2 and 1.0.8.
        !(v.at_least(1, 1, 2) || (v.at_least(1, 0, 8) && !v.at_least(1, 1, 0)))
    }

    /// Job- and group-level feasibility for one node; the failing reason.
    fn infeasible(&mut self, ask: &Ask<'_>, pos: usize, n: &Node, cache: bool) -> Option<String> {
        let class = match self.class_of.get(pos).copied().flatten() {
            Some(c) => c,
            None => {
                let c = class_hash(n);
                if let Some(slot) = self.class_of.get_mut(pos) {
                    *slot = Some(c);
                }
                c
            }
        };
        let job_cs: Vec<&Constraint> = ask
            .job
            .constraints
            .iter()
            .filter(|c| c.operand != "distinct_hosts" && c.operand != "distinct_property")
            .collect();
        let job_escapes = job_cs
            .iter()
            .any(|c| escapes_class(&c.ltarget) || escapes_class(&c.rtarget));
        if cache && !job_escapes {
            if let Some(ok) = self.job_class_ok.get(&class) {
                if !ok {
                    return Some("computed class ineligible".into());
                }
            }
        }
        let mut job_fail = None;
        if !(cache && !job_escapes && self.job_class_ok.get(&class) == Some(&true)) {
            for c in &job_cs {
                if !holds(&c.operand, &c.ltarget, &c.rtarget, n) {
                    job_fail = Some(c.metric_key());
                    break;
                }
            }
            if cache && !job_escapes {
                self.job_class_ok.insert(class, job_fail.is_none());
            }
        }
        if job_fail.is_some() {
            return job_fail;
        }
        let tg_cs: Vec<&Constraint> = ask
            .tg
            .constraints
            .iter()
            .chain(ask.tg.tasks.iter().flat_map(|t| t.constraints.iter()))
            .filter(|c| c.operand != "distinct_hosts" && c.operand != "distinct_property")
            .collect();
        let tg_escapes = tg_cs
            .iter()
            .any(|c| escapes_class(&c.ltarget) || escapes_class(&c.rtarget));
        let key = (ask.tg.name.clone(), class);
        if cache && !tg_escapes {
            if let Some(ok) = self.tg_class_ok.get(&key) {
                if !ok {
                    return Some("computed class ineligible".into());
                }
                return self.transient(ask, pos, n);
            }
        }
        let mut fail = None;
        if !has_drivers(ask.tg, n) {
            fail = Some("missing drivers".to_string());
        }
        if fail.is_none() {
            for c in &tg_cs {
                if !holds(&c.operand, &c.ltarget, &c.rtarget, n) {
                    fail = Some(c.metric_key());
                    break;
                }
            }
        }
        // Simulated clients expose no devices.
        if fail.is_none() && ask.tg.tasks.iter().any(|t| !t.resources.devices.is_empty()) {
            fail = Some("missing devices".to_string());
        }
        if cache && !tg_escapes {
            self.tg_class_ok.insert(key, fail.is_none());
        }
        if fail.is_some() {
            return fail;
        }
        self.transient(ask, pos, n)
    }

    /// distinct_hosts / distinct_property: depend on what is already placed.
    fn transient(&self, ask: &Ask<'_>, pos: usize, n: &Node) -> Option<String> {
        let levels = [(&ask.job.constraints, true), (&ask.tg.constraints, false)];
        for (cs, job_level) in levels {
            for c in cs.iter() {
                let same = |a: &&Allocation| {
                    a.namespace == ask.job.namespace
                        && a.job_id == ask.job.id
                        && (job_level || a.task_group == ask.tg.name)
                };
                if c.operand == "distinct_hosts"
                    && c.rtarget != "false"
                    && self.proposed(pos).iter().any(&same)
                {
                    return Some("distinct_hosts".into());
                }
                if c.operand == "distinct_property" {
                    let Some(value) = resolve(&c.ltarget, n) else {
                        return Some(format!("missing property {:?}", c.ltarget));
                    };
                    let limit: usize = c.rtarget.parse().unwrap_or(1);
                    let mut used = 0;
                    for (p, other) in self.state.nodes.iter().enumerate() {
                        if resolve(&c.ltarget, other).as_deref() == Some(value.as_str()) {
                            used += self.proposed(p).iter().filter(|a| same(a)).count();
                        }
                    }
                    if used >= limit {
                        return Some(format!(
                            "distinct_property: {}={} used by {} allocs",
                            c.ltarget, value, used
                        ));
                    }
                }
            }
        }
        None
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

    fn rank(
        &self,
        ask: &Ask<'_>,
        pos: usize,
        n: &Node,
        evict: bool,
        system: bool,
    ) -> Result<RankedNode, String> {
        if !evict {
            if let Some(dim) = self.quick_reject(ask, pos, n) {
                return Err(dim);
            }
        }
        let proposed = self.proposed(pos);
        let mut victims: Vec<&Allocation> = Vec::new();
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
            Preemptor::new(
                n,
                proposed
                    .iter()
                    .filter(|a| !victims.iter().any(|v| v.id == a.id))
                    .map(|a| Candidate {
                        alloc: a,
                        max_parallel: max_parallel(a),
                    }),
                (&ask.job.namespace, &ask.job.id),
                ask.job.priority,
                &already,
            )
        };
        // Networks: bandwidth and static ports on the node's first device.
        let device = n.networks.first();
        // Earlier task networks of this same allocation hold their share
        // too (Nomad adds each offer to the network index before the next).
        let mut asked_bw = 0i64;
        let mut asked_ports: HashSet<u16> = HashSet::new();
        for net in &ask.res.networks {
            let live: Vec<&&Allocation> = proposed
                .iter()
                .filter(|a| !victims.iter().any(|v| v.id == a.id))
                .collect();
            let used_bw: i64 = live
                .iter()
                .flat_map(|a| a.resources.networks.iter())
                .map(|x| x.mbits)
                .sum::<i64>()
                + asked_bw;
            // Only static asks can collide; skip the set otherwise.
            let used_ports: HashSet<u16> = if net.reserved_ports.is_empty() {
                HashSet::new()
            } else {
                live.iter()
                    .flat_map(|a| a.resources.networks.iter())
                    .flat_map(|x| x.reserved_ports.iter().chain(x.dynamic_ports.iter()))
                    .map(|(_, p)| *p)
                    .chain(n.reserved_ports.iter().copied())
                    .chain(asked_ports.iter().copied())
                    .collect()
            };
            let Some(dev) = device else {
                return Err("network: no networks available".into());
            };
            let collision = net
                .reserved_ports
                .iter()
                .find(|(_, p)| used_ports.contains(p));
            let bw_short = used_bw + net.mbits > dev.mbits;
            asked_bw += net.mbits;
            asked_ports.extend(net.reserved_ports.iter().map(|(_, p)| *p));
            if collision.is_none() && !bw_short {
                continue;
            }
            let reason = match collision {
                Some((label, p)) if self.world.nomad_version.at_least(1, 0, 0) => {
                    format!("network: reserved port collision {label}={p}")
                }
                Some(_) => "network: reserved port collision".to_string(),
                None => "network: bandwidth exceeded".to_string(),
            };
            if !evict {
                return Err(reason);
            }
            let ports: Vec<u16> = net.reserved_ports.iter().map(|(_, p)| *p).collect();
            match make(&victims).for_network(dev.mbits, used_bw, net.mbits, &ports) {
                Some(v) if !v.is_empty() => victims.extend(v),
                _ => return Err(reason),
            }
        }
        let remaining: Vec<&AllocResources> = proposed
            .iter()
            .filter(|a| !victims.iter().any(|v| v.id == a.id))
            .map(|a| &a.resources)
            .collect();
        let util = match allocs_fit(n, remaining.iter().copied(), Some(&ask.res)) {
            Ok(u) => u,
            Err((dim, util)) => {
                if !evict {
                    return Err(dim.to_string());
                }
                let v = make(&victims).for_task_group(&Comparable::of(&ask.res));
                if v.is_empty() {
                    return Err(dim.to_string());
                }
                victims.extend(v);
                // Nomad scores a preempting node by its utilisation before
                // the eviction (nomad-scheduler.md 3.10).
                util
            }
        };
        let algorithm = self.world.scheduler.algorithm;
        let mut scores = vec![score_fit(n, &util, algorithm) / MAX_FIT_SCORE];
        if !system {
            let collisions = proposed
                .iter()
                .filter(|a| a.job_id == ask.job.id && a.task_group == ask.tg.name)
                .count();
            if collisions > 0 && ask.tg.count > 0 {
                scores.push(-((collisions + 1) as f64) / ask.tg.count as f64);
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
                    .filter(|a| holds(&a.operand, &a.ltarget, &a.rtarget, n))
                    .map(|a| a.weight)
                    .sum();
                if total > 0 {
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
        let score = scores.iter().sum::<f64>() / scores.len() as f64;
        Ok(RankedNode {
            node: pos,
            score,
            victims: victims.iter().map(|v| v.id.clone()).collect(),
        })
    }

    /// Spread scoring (`feasible/spread.go`), job and group spreads.
    fn spread_score(&self, ask: &Ask<'_>, n: &Node) -> Option<f64> {
        let spreads: Vec<&crate::jobspec::Spread> = ask
            .tg
            .spreads
            .iter()
            .chain(ask.job.spreads.iter())
            .collect();
        if spreads.is_empty() {
            return None;
        }
        let total_weight: i64 = spreads.iter().map(|s| s.weight).sum();
        let count = ask.tg.count.max(1) as f64;
        let mut total = 0.0;
        for s in spreads {
            let mut counts: BTreeMap<String, i64> = BTreeMap::new();
            for (p, other) in self.state.nodes.iter().enumerate() {
                let k = self
                    .proposed(p)
                    .iter()
                    .filter(|a| {
                        a.namespace == ask.job.namespace
                            && a.job_id == ask.job.id
                            && a.task_group == ask.tg.name
                    })
                    .count() as i64;
                if k > 0 {
                    if let Some(v) = resolve(&s.attribute, other) {
                        *counts.entry(v).or_insert(0) += k;
                    }
                }
            }
            let Some(value) = resolve(&s.attribute, n) else {
                total -= 1.0;
                continue;
            };
            let used = counts.get(&value).copied().unwrap_or(0) + 1;
            if s.targets.is_empty() {
                if counts.is_empty() {
                    continue;
                }
                let min = counts.values().copied().min().unwrap_or(0);
                let max = counts.values().copied().max().unwrap_or(0);
                let cur = counts.get(&value).copied().unwrap_or(0);
                total += if cur != min {
                    if min == 0 {
                        -1.0
                    } else {
                        (min - cur) as f64 / min as f64
                    }
                } else if min == max {
                    -1.0
                } else if min == 0 {
                    1.0
                } else {
                    (max - min) as f64 / min as f64
                };
                continue;
            }
            let mut desired: BTreeMap<&str, f64> = s
                .targets
                .iter()
                .map(|t| (t.value.as_str(), t.percent as f64 / 100.0 * count))
                .collect();
            let sum: f64 = desired.values().sum();
            if sum < count {
                desired.entry("*").or_insert(count - sum);
            }
            let Some(d) = desired.get(value.as_str()).or_else(|| desired.get("*")) else {
                total -= 1.0;
                continue;
            };
            if *d == 0.0 {
                total -= 1.0;
                continue;
            }
            let w = if total_weight > 0 {
                s.weight as f64 / total_weight as f64
            } else {
                0.0
            };
            total += (d - used as f64) / d * w;
        }
        (total != 0.0).then_some(total)
    }

    /// Limit for the generic stack: 2 for batch, log2(n) for service, and
    /// unlimited/max(count, 100) when affinities or spreads need every node.
    pub fn limit(&self, ask: &Ask<'_>) -> usize {
        let has_aff = !ask.job.affinities.is_empty()
            || !ask.tg.affinities.is_empty()
            || ask.tg.tasks.iter().any(|t| !t.affinities.is_empty())
            || !ask.job.spreads.is_empty()
            || !ask.tg.spreads.is_empty();
        if has_aff {
            return if self.world.nomad_version.at_least(1, 2, 4) {
                usize::try_from(ask.tg.count.max(100)).unwrap_or(usize::MAX)
            } else {
                usize::MAX
            };
        }
        if ask.job.job_type == JobType::Batch {
            return 2;
        }
        let n = self.source.len();
        let log = if n > 0 {
            (n as f64).log2().ceil() as usize
        } else {
            0
        };
        log.max(2)
    }

    /// One `Select`: walk the circular source from where the last one
    /// stopped, keep up to `limit` ranked options, return the best.
    pub fn select(
        &mut self,
        ask: &Ask<'_>,
        evict: bool,
        metric: &mut AllocMetric,
    ) -> Option<RankedNode> {
        let limit = self.limit(ask);
        let quota = self.quota_hit(ask);
        let quota_first = self.quota_before_constraints();
        let len = self.source.len();
        let mut seen = 0usize;
        let mut options: Vec<RankedNode> = Vec::new();
        let mut skipped: Vec<RankedNode> = Vec::new();
        let mut exhausted_source = true;
        while seen < len {
            if options.len() >= limit {
                exhausted_source = false;
                break;
            }
            if self.offset >= len {
                self.offset = 0;
            }
            let Some(&pos) = self.source.get(self.offset) else {
                break;
            };
            self.offset += 1;
            seen += 1;
            let Some(n) = self.node(pos) else { continue };
            metric.nodes_evaluated += 1;
            if quota_first {
                if let Some(q) = &quota {
                    push_unique(&mut metric.quota_exhausted, q);
                    continue;
                }
            }
            if let Some(reason) = self.infeasible(ask, pos, n, true) {
                metric.nodes_filtered += 1;
                if !n.node_class.is_empty() {
                    *metric
                        .class_filtered
                        .entry(n.node_class.clone())
                        .or_insert(0) += 1;
                }
                *metric.constraint_filtered.entry(reason).or_insert(0) += 1;
                continue;
            }
            if !quota_first {
                if let Some(q) = &quota {
                    push_unique(&mut metric.quota_exhausted, q);
                    continue;
                }
            }
            match self.rank(ask, pos, n, evict, false) {
                Ok(r) => {
                    if r.score <= SKIP_SCORE_THRESHOLD && skipped.len() < MAX_SKIP {
                        skipped.push(r);
                    } else {
                        options.push(r);
                    }
                }
                Err(dim) => exhaust(metric, n, dim),
            }
        }
        if exhausted_source {
            let room = limit.saturating_sub(options.len());
            options.extend(skipped.into_iter().take(room));
        } else {
            self.nondeterminism.push(format!(
                "group {:?}: more nodes fit than the {} Nomad examines per placement, so the node chosen depends on its shuffle",
                ask.tg.name, limit
            ));
        }
        let mut best: Option<RankedNode> = None;
        for o in options {
            match &best {
                Some(b) if o.score <= b.score => {
                    if (o.score - b.score).abs() < 1e-12 {
                        let what = if o.victims != b.victims {
                            "which allocations are preempted"
                        } else {
                            "which node is used"
                        };
                        self.nondeterminism.push(format!(
                            "group {:?}: nodes tie on score, Nomad's shuffle decides {what}",
                            ask.tg.name
                        ));
                    }
                }
                _ => best = Some(o),
            }
        }
        best
    }

    /// The system stack: one node, no limit, no competition.
    pub fn select_on(
        &mut self,
        ask: &Ask<'_>,
        pos: usize,
        evict: bool,
        metric: &mut AllocMetric,
    ) -> Result<RankedNode, bool> {
        let Some(n) = self.node(pos) else {
            return Err(true);
        };
        metric.nodes_evaluated += 1;
        let quota = self.quota_hit(ask);
        if let Some(reason) = self.infeasible(ask, pos, n, false) {
            metric.nodes_filtered += 1;
            if !n.node_class.is_empty() {
                *metric
                    .class_filtered
                    .entry(n.node_class.clone())
                    .or_insert(0) += 1;
            }
            *metric.constraint_filtered.entry(reason).or_insert(0) += 1;
            return Err(true);
        }
        if let Some(q) = quota {
            push_unique(&mut metric.quota_exhausted, &q);
            return Err(false);
        }
        match self.rank(ask, pos, n, evict, true) {
            Ok(r) => Ok(r),
            Err(dim) => {
                exhaust(metric, n, dim);
                Err(false)
            }
        }
    }

    /// Does the allocation still fit on its node once its old self is gone?
    pub fn fits_in_place(&mut self, ask: &Ask<'_>, old: &Allocation) -> bool {
        let Some(pos) = self.node_position(&old.node_id) else {
            return false;
        };
        let Some(n) = self.node(pos) else {
            return false;
        };
        if self.infeasible(ask, pos, n, false).is_some() {
            return false;
        }
        self.touched.insert(pos);
        self.plan.gone.insert(old.id.clone());
        let ok = self.rank(ask, pos, n, false, true).is_ok();
        self.plan.gone.remove(&old.id);
        ok
    }

    /// Build the allocation for a chosen node: IDs, network addresses and
    /// dynamic ports (random in Nomad; here drawn from the seeded RNG).
    pub fn materialize(
        &mut self,
        ask: &Ask<'_>,
        pos: usize,
        name: &str,
        eval_id: &str,
        job_version: u64,
    ) -> Allocation {
        let node = self.state.nodes.get(pos);
        let mut used: HashSet<u16> = self
            .proposed(pos)
            .iter()
            .flat_map(|a| a.resources.networks.iter())
            .flat_map(|x| x.reserved_ports.iter().chain(x.dynamic_ports.iter()))
            .map(|(_, p)| *p)
            .collect();
        if let Some(n) = node {
            used.extend(n.reserved_ports.iter().copied());
        }
        let mut res = ask.res.clone();
        let (device, ip) = node
            .and_then(|n| n.networks.first())
            .map(|d| (d.device.clone(), d.ip.clone()))
            .unwrap_or_default();
        for net in &mut res.networks {
            net.device.clone_from(&device);
            net.ip.clone_from(&ip);
            for (_, p) in net.reserved_ports.iter() {
                used.insert(*p);
            }
            for (_, p) in net.dynamic_ports.iter_mut() {
                let span = u64::from(DYNAMIC_PORT_MAX - DYNAMIC_PORT_MIN);
                for _ in 0..64 {
                    let cand = DYNAMIC_PORT_MIN + u16::try_from(self.rng.below(span)).unwrap_or(0);
                    if used.insert(cand) {
                        *p = cand;
                        break;
                    }
                }
            }
        }
        Allocation {
            id: uuid(hash_parts(self.rng.next_u64(), &[eval_id]), &[name]),
            name: name.to_string(),
            namespace: ask.job.namespace.clone(),
            job_id: ask.job.id.clone(),
            job_version,
            job_priority: ask.job.priority,
            job_type: ask.job.job_type,
            task_group: ask.tg.name.clone(),
            node_id: node.map(|n| n.id.clone()).unwrap_or_default(),
            resources: res,
            ..Allocation::default()
        }
    }
}

fn push_unique(list: &mut Vec<String>, s: &str) {
    if !list.iter().any(|x| x == s) {
        list.push(s.to_string());
    }
}

fn exhaust(metric: &mut AllocMetric, n: &Node, dim: String) {
    metric.nodes_exhausted += 1;
    if !n.node_class.is_empty() {
        *metric
            .class_exhausted
            .entry(n.node_class.clone())
            .or_insert(0) += 1;
    }
    *metric.dimension_exhausted.entry(dim).or_insert(0) += 1;
}
