//! The selection stage of an evaluation (`scheduler/stack.go`,
//! `feasible/select.go`): walk the shuffled node source, filter by
//! feasibility and quota, rank what passes, keep up to the stack's limit
//! (LimitIterator) and take the best score (MaxScoreIterator), recording
//! Nomad's AllocMetric for what failed.

use super::engine::{Ask, Engine, Note, RankedNode};
use super::AllocMetric;
use crate::cluster::Node;
use crate::jobspec::JobType;

/// LimitIterator: options scoring at or below this are set aside…
const SKIP_SCORE_THRESHOLD: f64 = 0.0;
/// …at most this many times per placement.
const MAX_SKIP: usize = 3;

impl Engine<'_> {
    /// The order the system scheduler selects nodes in: Go's map order of
    /// `diffSystemAllocs`' `nodeAllocs` (`for nodeID, allocs := range
    /// nodeAllocs`, scheduler/util.go v0.9.3, scheduler/system_util.go
    /// v1.6.0:309-330; reconciler/reconcile_node.go v1.11.0:65), the
    /// placements then made in that order (`computePlacements`). We take
    /// the evaluation's node shuffle, the one model of Nomad's node order
    /// the generic stack's walk uses, so `--seed` picks one order and
    /// `--samples` measures the others.
    pub fn system_order(&self) -> Vec<usize> {
        self.source.clone()
    }

    /// Does the system stack keep its per-class feasibility verdicts from
    /// one node's select to the next? Its `EvalEligibility` is made once
    /// per evaluation (`SystemStack.SetJob`) and `ctx.Reset()` resets only
    /// the metrics (scheduler/context.go v1.6.0:172-174), so before 1.11
    /// the first node of a computed class decides for every later node of
    /// it; from 1.11.0 `SystemStack.Select` resets it for every node
    /// ("previous eligibility information is not applicable",
    /// scheduler/feasible/stack.go v1.11.0:355-359, d55ab6c1ed; absent at
    /// v1.10.5).
    pub fn system_class_cache(&self) -> bool {
        !self.world.nomad_version.at_least(1, 11, 0)
    }

    /// The limit `GenericStack.SetNodes` sets: 2 for batch, else
    /// ceil(log2 n), at least 2, over the nodes it is given. Taken once per
    /// evaluation: `computePlacements` sets the nodes once (the preferred
    /// node's own walk replaces only the source's nodes, not the limit).
    pub(super) fn nodes_limit(&self, job: &crate::jobspec::Job) -> usize {
        if job.job_type == JobType::Batch {
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

    /// The limit for this select. A group with affinities or spreads sets
    /// it to max(count, 100) (from 1.2.4, 1.1.10 and 1.0.16; before,
    /// MaxInt32), and nothing
    /// but `SetNodes` lowers it again: every later group of the evaluation
    /// examines that many nodes too (`GenericStack.Select`,
    /// scheduler/stack.go v0.9.3:147, v1.6.0:176-184;
    /// scheduler/feasible/stack.go v2.0.5:185-193, whose 100 is the
    /// default `NodeLimitForFeasibilityChecks`).
    pub fn limit(&mut self, ask: &Ask<'_>) -> usize {
        let has_aff = !ask.job.affinities.is_empty()
            || !ask.tg.affinities.is_empty()
            || ask.tg.tasks.iter().any(|t| !t.affinities.is_empty())
            || !ask.job.spreads.is_empty()
            || !ask.tg.spreads.is_empty();
        if has_aff {
            self.limit = if self
                .world
                .nomad_version
                .has(crate::version::Fix::SpreadLimitCount)
            {
                usize::try_from(ask.tg.count.max(100)).unwrap_or(usize::MAX)
            } else {
                usize::MAX
            };
        }
        self.limit
    }

    /// Would one of the `unseen` nodes the walk stopped before (the limit
    /// reached) have been an option too? Only then do more nodes fit than
    /// the limit, and another shuffle could leave out the one chosen: when
    /// no more than `limit` nodes fit, the circular walk meets all of them
    /// in any order (the demo's carts: the monitoring client never holds
    /// one, so both others are always examined). Judged without notes or
    /// the class cache, so the evaluation itself is unchanged.
    fn an_unseen_node_fits(&mut self, ask: &Ask<'_>, evict: bool, unseen: usize) -> bool {
        let len = self.source.len();
        if len == 0 || self.quota_hit(ask).is_some() {
            return false;
        }
        self.quietly(|e| {
            (0..unseen).any(|i| {
                let Some(&pos) = e.source.get((e.offset + i) % len) else {
                    return false;
                };
                let Some(n) = e.node(pos) else { return false };
                e.infeasible(ask, pos, n, false).is_none()
                    && e.rank(ask, pos, n, evict, false).is_ok()
            })
        })
    }

    /// Would the feasibility checks filter the node at `pos` for `ask`?
    /// Asked of a node the quota refused before they ran (before 1.0.8 and
    /// 1.1.2, see [`Engine::select_on`]): visited before the room ran
    /// out, it would have been filtered, no failure.
    pub(super) fn filtered_quietly(&mut self, ask: &Ask<'_>, pos: usize) -> bool {
        self.quietly(|e| {
            e.node(pos)
                .is_none_or(|n| e.infeasible(ask, pos, n, false).is_some())
        })
    }

    /// `judge` run on what Nomad never asks in this evaluation: without
    /// notes, and a panic it meets is not Nomad's (the caller passes no
    /// class cache), so the evaluation itself is unchanged.
    pub(super) fn quietly<T>(&mut self, judge: impl FnOnce(&mut Self) -> T) -> T {
        let read = std::mem::replace(&mut self.notes_read, false);
        let crash = self.crash.take();
        let unknown = self.priority_unknown.take();
        let out = judge(self);
        self.notes_read = read;
        self.crash.replace(crash);
        self.priority_unknown.replace(unknown);
        out
    }

    /// One `Select`: walk the circular source from where the last one
    /// stopped, keep up to `limit` ranked options, return the best.
    pub fn select(
        &mut self,
        ask: &Ask<'_>,
        evict: bool,
        metric: &mut AllocMetric,
    ) -> Option<RankedNode> {
        self.spread_set_group(ask);
        let limit = self.limit(ask);
        let quota = self.quota_hit(ask);
        let quota_first = super::quota::quota_before_feasibility(self.world.nomad_version);
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
            if let Some(f) = self.infeasible(ask, pos, n, true) {
                self.filtered_by_placed |= f.reads_placed;
                filtered(metric, n, f.reason);
                if f.ends_walk {
                    // The wrapper's nil: to the stack, the source is
                    // exhausted (the limit iterator returns what it set
                    // aside).
                    break;
                }
                continue;
            }
            if !quota_first {
                if let Some(q) = &quota {
                    push_unique(&mut metric.quota_exhausted, q);
                    continue;
                }
            }
            let ranked = self.rank(ask, pos, n, evict, false);
            self.note_device_offers();
            match ranked {
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
        } else if self.wants_note(Note::Limit(limit), &ask.tg.name)
            && self.an_unseen_node_fits(ask, evict, len - seen)
        {
            self.note(Note::Limit(limit), &ask.tg.name, || format!(
                "group {:?}: more nodes fit than the {} Nomad examines per placement, so the node chosen depends on its shuffle",
                ask.tg.name, limit
            ));
        }
        self.note_one_port_draw(ask, evict, limit);
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
                        self.note(Note::Tie(what), &ask.tg.name, || {
                            format!(
                                "group {:?}: nodes tie on score, Nomad's shuffle decides {what}",
                                ask.tg.name
                            )
                        });
                    }
                }
                _ => best = Some(o),
            }
        }
        if let Some(text) = best.as_ref().and_then(|b| b.chance.clone()) {
            self.note(Note::NetworkVictims, &ask.tg.name, || text);
        }
        if self.spread.by_map_order.take() {
            self.note(Note::SpreadOrder, &ask.tg.name, || format!(
                "group {:?}: every allocation on one value of its even spread's attribute is stopped; Nomad reads the spread's least-used count in Go's map order, so the nodes' spread scores depend on it",
                ask.tg.name
            ));
        }
        if let Some(text) = best.as_ref().and_then(|b| b.drawn.clone()) {
            self.note_drawn(Note::PreemptOrder, &ask.tg.name, || text);
        }
        best
    }

    /// The system stack: one node, no limit, no competition. With
    /// `class_cache` the evaluation's per-class verdicts are read and kept
    /// ([`Engine::system_class_cache`]). The quota stage stands where the
    /// release put it: before 1.0.8 and 1.1.2 the QuotaIterator is the
    /// source of the feasibility checks (scheduler/stack.go v0.9.3:187-211,
    /// v1.0.7:212, v1.1.1:213 `NewQuotaIterator(ctx, s.source)`), so a node
    /// the constraints would filter is first refused by an exhausted quota:
    /// `ExhaustQuota` and no node, never `FilterNode` (Enterprise's
    /// QuotaIterator.Next, scheduler/stack_ent.go at c0c735dd1d of the
    /// mirror), which `computePlacements` counts as a failure, not a
    /// filtered node (system_sched.go v0.9.3:286-327). From then it comes
    /// after distinct_property (stack.go v1.1.2:252, v1.9.7:279,
    /// feasible/stack.go v2.0.5:295).
    pub fn select_on(
        &mut self,
        ask: &Ask<'_>,
        pos: usize,
        evict: bool,
        class_cache: bool,
        metric: &mut AllocMetric,
    ) -> Result<RankedNode, bool> {
        let Some(n) = self.node(pos) else {
            return Err(true);
        };
        metric.nodes_evaluated += 1;
        let quota = self.quota_hit(ask);
        if super::quota::quota_before_feasibility(self.world.nomad_version) {
            if let Some(q) = &quota {
                push_unique(&mut metric.quota_exhausted, q);
                return Err(false);
            }
        }
        if let Some(f) = self.infeasible(ask, pos, n, class_cache) {
            self.filtered_by_placed |= f.reads_placed;
            filtered(metric, n, f.reason);
            return Err(true);
        }
        if let Some(q) = quota {
            push_unique(&mut metric.quota_exhausted, &q);
            return Err(false);
        }
        let ranked = self.rank(ask, pos, n, evict, true);
        self.note_device_offers();
        match ranked {
            Ok(r) => {
                if let Some(text) = r.chance.clone() {
                    self.note(Note::NetworkVictims, &ask.tg.name, || text);
                }
                if let Some(text) = r.drawn.clone() {
                    self.note_drawn(Note::PreemptOrder, &ask.tg.name, || text);
                }
                Ok(r)
            }
            Err(dim) => {
                exhaust(metric, n, dim);
                Err(false)
            }
        }
    }
}

fn push_unique(list: &mut Vec<String>, s: &str) {
    if !list.iter().any(|x| x == s) {
        list.push(s.to_string());
    }
}

/// A node a feasibility check removed (`AllocMetric.FilterNode`).
fn filtered(metric: &mut AllocMetric, n: &Node, reason: String) {
    metric.nodes_filtered += 1;
    if !n.node_class.is_empty() {
        *metric
            .class_filtered
            .entry(n.node_class.clone())
            .or_insert(0) += 1;
    }
    *metric.constraint_filtered.entry(reason).or_insert(0) += 1;
}

/// A node that ran out of a resource (`AllocMetric.ExhaustedNode`).
fn exhaust(metric: &mut AllocMetric, n: &Node, dim: String) {
    if dim == super::rank_device::UNRECORDED {
        return;
    }
    metric.nodes_exhausted += 1;
    if !n.node_class.is_empty() {
        *metric
            .class_exhausted
            .entry(n.node_class.clone())
            .or_insert(0) += 1;
    }
    *metric.dimension_exhausted.entry(dim).or_insert(0) += 1;
}
