//! The system and sysbatch scheduler's pass over a job's groups, node by
//! node (`scheduler_system.go` computeJobAllocs / diffSystemAllocs; from
//! 1.11 `scheduler/reconciler/reconcile_node.go`): a child of
//! [`super`] for the helpers both schedulers share.

use std::collections::HashMap;

use super::super::engine::Ask;
use super::super::system_disconnect::{read as disconnect, Read};
use super::super::system_off_node::{off_node, unfound, OffNode};
use super::super::{AllocMetric, DesiredUpdates, PlanResult};
use super::{carry_ports, old_spec, JobHistory};
use crate::cluster::Allocation;
use crate::cluster::State;
use crate::jobspec::{Job, TaskGroup};
use crate::scheduler::engine::{Engine, Note};
use crate::scheduler::preempt::preemption_on;

/// A sysbatch group's terminal allocations by node: the latest
/// (`CreateIndex`) on each, as `structs.TerminalByNodeByName` keeps them.
/// A sysbatch group places one allocation per node, so one name.
fn finished_sysbatch<'s>(
    state: &'s State,
    job: &Job,
    tg: &TaskGroup,
) -> HashMap<&'s str, &'s Allocation> {
    let mut out: HashMap<&str, &Allocation> = HashMap::new();
    if job.job_type != crate::jobspec::JobType::Sysbatch {
        return out;
    }
    let terminal = state.allocs.iter().filter(|a| {
        a.batch_terminal.is_some()
            && a.namespace == job.namespace
            && a.job_id == job.id
            && a.task_group == tg.name
    });
    for a in terminal {
        let slot = out.entry(a.node_id.as_str()).or_insert(a);
        if slot.create_index < a.create_index {
            *slot = a;
        }
    }
    out
}

/// The system scheduler; the groups that failed because every node was
/// filtered.
pub(super) fn system(
    engine: &mut Engine<'_>,
    history: &JobHistory,
    job: &Job,
    new_version: u64,
    eval_id: &str,
    result: &mut PlanResult,
) -> Vec<String> {
    let mut all_filtered = Vec::new();
    let mut passes: Vec<Pass<'_>> = Vec::with_capacity(job.groups.len());
    let state = engine.state;
    let world = engine.world;
    let evict = preemption_on(world, job.job_type);
    // Nomad's node order ([`Engine::system_order`]) decides which node of
    // a computed class its cached verdict comes from.
    let nodes = engine.system_order();
    let class_cache = engine.system_class_cache();
    // Before 1.11 a rolling system update (stagger and max_parallel set)
    // replaces at most max_parallel allocations per evaluation; the
    // annotation still counts every destructive update, and a follow-up
    // evaluation waits `stagger` (scheduler_system.go computeJobAllocs).
    // From 1.11 see [`super::system_nodes`].
    let node_reconciler = world.nomad_version.at_least(1, 11, 0);
    let rolling = job
        .update
        .as_ref()
        .or_else(|| job.groups.first().and_then(|g| g.update.as_ref()))
        .filter(|u| !node_reconciler && u.stagger.nanos() > 0 && u.max_parallel > 0);
    let mut shared_evictions = rolling.map_or(usize::MAX, |u| {
        usize::try_from(u.max_parallel).unwrap_or(usize::MAX)
    });
    for tg in &job.groups {
        let evictions_left = super::super::system_nodes::group_limit(job, tg);
        // Placements of a missing allocation asked, and selects that
        // failed (filtered or not): from 1.11 the "create" count is the
        // group's candidate nodes less those.
        let (new_places, failed_selects) = (0u64, 0u64);
        // A system job's allocations are all `job.group[0]`.
        let ask = Ask {
            job,
            tg,
            res: crate::scheduler::quota::placed_resources(tg, world),
            alloc_name: format!("{}.{}[0]", job.id, tg.name),
            penalty: Vec::new(),
        };
        let mut du = DesiredUpdates::default();
        // Each select starts a fresh metric (`SystemStack.Select` resets
        // the context): the group's failure reports the first failing
        // node's alone, later ones only counted as coalesced
        // (scheduler/system_sched.go v0.9.3:308-326,
        // scheduler_system.go v1.6.0:411-431, v2.0.5:537-561); filtered
        // nodes' metrics are merged apart (`mergeNodeFiltered`, 1.2+).
        let filtered_metric = AllocMetric::default();
        let first_failure: Option<AllocMetric> = None;
        let failures = 0u64;
        // Placements tried (Nomad's queuedAllocs) and those filtered.
        let (tried, filtered) = (0u64, 0u64);
        let existing: Vec<&Allocation> = state
            .job_allocs(&job.namespace, &job.id)
            .filter(|a| a.task_group == tg.name)
            .collect();
        // Allocations off the candidate nodes (diffSystemAllocs): marked to
        // migrate → stopped, counted as migrations; on a down or vanished
        // node → lost: stopped, counted nowhere; the others as the release
        // reads them ([`off_node`]).
        for a in &existing {
            let pos = engine.node_position(&a.node_id);
            if !job.stop && pos.is_some_and(|p| nodes.contains(&p)) && !a.migrate {
                continue;
            }
            let node = pos.and_then(|p| engine.node(p));
            if job.stop {
                engine.stop(a);
                du.stop += 1;
            } else if a.migrate {
                engine.stop(a);
                du.migrate += 1;
            } else if let Some(r) = disconnect(a, node).filter(|r| *r != Read::Update) {
                r.apply(engine, a, &mut du);
            } else if node.is_none_or(|n| n.status == crate::cluster::NodeStatus::Down) {
                // The system rule's own: lost only on a vanished node or
                // one whose `TerminalStatus()` is true (`down`), never by
                // the service reconciler's taint (a disconnected node's
                // allocations are read above, by their group's window).
                // diffSystemAllocsForNode, scheduler/util.go v1.3.0 and
                // system_util.go v1.4.14-v1.10.5; computeForNode,
                // scheduler/reconciler/reconcile_node.go v1.11.0-v2.0.5.
                engine.stop(a);
            } else if let Some(n) = node {
                let changed = a.job_version != new_version;
                match off_node(world.nomad_version, job, n, changed) {
                    OffNode::Ignore => du.ignore += 1,
                    OffNode::Stop => {
                        engine.stop(a);
                        du.stop += 1;
                    }
                    OffNode::Update => {
                        let destructive = match old_spec(history, state, a) {
                            Some((oj, og)) => engine.destructive(oj, og, job, tg),
                            None => true,
                        };
                        if !destructive && engine.fits_in_place(&ask, a, class_cache) {
                            du.in_place_update += 1;
                            let mut updated = (*a).clone();
                            updated.job_version = new_version;
                            updated.job_priority = job.priority;
                            updated.resources = carry_ports(&ask.res, &a.resources);
                            engine.record(pos, updated, Vec::new(), true);
                        } else {
                            // Its re-placement fails the evaluation (the
                            // first in Go's map order names its node).
                            du.destructive_update += 1;
                            result.error.get_or_insert_with(|| unfound(&n.id));
                        }
                    }
                }
            }
        }
        if job.stop {
            result.desired_tg_updates.insert(tg.name.clone(), du);
            continue;
        }
        // A sysbatch group's finished allocations, read where no live one
        // holds the name (`TerminalByNodeByName`: the latest per node).
        let finished = finished_sysbatch(state, job, tg);
        passes.push(Pass {
            tg,
            ask,
            du,
            new_places,
            failed_selects,
            filtered_metric,
            first_failure,
            failures,
            tried,
            filtered,
            existing,
            finished,
            evictions_left: node_reconciler.then_some(evictions_left),
            ranked: None,
        });
    }
    let cx = Cx {
        job,
        state,
        history,
        new_version,
        eval_id,
        evict,
        class_cache,
        rolling,
    };
    // Node by node, in Nomad's node order, each node's groups in the order
    // its own range over the job's groups yields them (see
    // [`super::super::group_order`]); a group whose placement fails on a
    // node after another group placed there may have failed by that order.
    // (A stopped job has no passes: its groups only stop.)
    let mut order_decided = false;
    let crashable = !world
        .nomad_version
        .has(crate::version::Fix::ProposedAllocsTrimmed);
    for &pos in &nodes {
        let mut placed_here = false;
        let mut ranks: Vec<(bool, bool)> = Vec::new();
        for i in super::super::group_order::per_node(engine, passes.len()) {
            let Some(p) = passes.get_mut(i) else {
                continue;
            };
            let mut own = p.evictions_left.take();
            let left = match own.as_mut() {
                Some(l) => l,
                None => &mut shared_evictions,
            };
            let tried = place_on(engine, &cx, result, p, left, pos);
            p.evictions_left = own;
            // Only the releases with the panic read them (a list per node
            // of a 5,000-client plan otherwise).
            ranks.extend(p.ranked.take().filter(|_| crashable));
            match tried {
                Tried::Placed => placed_here = true,
                Tried::Failed => order_decided |= placed_here,
                Tried::Other => {}
            }
        }
        if ranked_after_preempting(ranks) {
            if let Some(n) = engine.node(pos) {
                engine.crash_if(engine.evicted_and_preempted(pos, n));
            }
        }
    }
    if order_decided {
        let names: Vec<&str> = job.groups.iter().map(|g| g.name.as_str()).collect();
        engine.note_drawn(Note::GroupOrder, "", || {
            super::super::group_order::per_node_note(&names)
        });
    }
    for p in passes {
        let Pass {
            tg,
            mut du,
            new_places,
            failed_selects,
            filtered_metric,
            first_failure,
            failures,
            tried,
            filtered,
            ..
        } = p;
        if node_reconciler {
            du.place = super::super::system_nodes::candidates(&du, new_places, failed_selects);
        }
        if let Some(mut metric) = first_failure {
            metric.coalesced_failures = failures - 1;
            result.failed_tg_allocs.insert(tg.name.clone(), metric);
        } else if tried > 0
            && filtered == tried
            && super::super::system_nodes::all_filtered_fails(world.nomad_version, &du)
        {
            result
                .failed_tg_allocs
                .insert(tg.name.clone(), filtered_metric);
            all_filtered.push(tg.name.clone());
        }
        result.desired_tg_updates.insert(tg.name.clone(), du);
    }
    all_filtered
}

/// One group's pass over the nodes: its ask and what its placements add up
/// to.
struct Pass<'a> {
    tg: &'a TaskGroup,
    ask: Ask<'a>,
    du: DesiredUpdates,
    new_places: u64,
    failed_selects: u64,
    filtered_metric: AllocMetric,
    first_failure: Option<AllocMetric>,
    failures: u64,
    tried: u64,
    filtered: u64,
    existing: Vec<&'a Allocation>,
    finished: HashMap<&'a str, &'a Allocation>,
    /// From 1.11 each group's own update budget; before, the job's.
    evictions_left: Option<usize>,
    /// Its last turn's rank of a node, if it got that far: (a destructive
    /// update's replacement, it preempted) ([`ranked_after_preempting`]).
    ranked: Option<(bool, bool)>,
}

/// What every group's placement on a node reads.
struct Cx<'a> {
    job: &'a Job,
    state: &'a State,
    history: &'a JobHistory,
    new_version: u64,
    eval_id: &'a str,
    evict: bool,
    class_cache: bool,
    rolling: Option<&'a crate::jobspec::UpdateStrategy>,
}

/// What a group's turn on a node came to.
enum Tried {
    Placed,
    Failed,
    Other,
}

/// Does the allocation's own job version differ destructively from the
/// new job's group (no version on record: it does)?
fn is_destructive(engine: &Engine<'_>, cx: &Cx<'_>, tg: &TaskGroup, a: &Allocation) -> bool {
    match old_spec(cx.history, cx.state, a) {
        Some((oj, og)) => engine.destructive(oj, og, cx.job, tg),
        None => true,
    }
}

/// Counts a destructive update and takes it from the rolling budget
/// `left`; false when the budget is spent (the update waits a stagger).
fn spend_update(
    du: &mut DesiredUpdates,
    left: &mut usize,
    result: &mut PlanResult,
    cx: &Cx<'_>,
) -> bool {
    du.destructive_update += 1;
    if *left == 0 {
        result.rolling_update_wait = cx.rolling.map(|u| u.stagger);
        return false;
    }
    *left -= 1;
    true
}

/// Group `p`'s turn on the node at `pos` (`left`: the update budget).
fn place_on(
    engine: &mut Engine<'_>,
    cx: &Cx<'_>,
    result: &mut PlanResult,
    p: &mut Pass<'_>,
    left: &mut usize,
    pos: usize,
) -> Tried {
    let Some(node) = engine.node(pos) else {
        return Tried::Other;
    };
    let here = p.existing.iter().find(|a| a.node_id == node.id).copied();
    if let (None, Some(t)) = (here, p.finished.get(node.id.as_str())) {
        // Unchanged: it is not run again. Changed: an update, in
        // place (nothing placed: `inplaceUpdate` keeps a terminal
        // allocation out of the plan) or replaced on its node.
        let same = t.job_version == cx.new_version
            && t.batch_terminal != Some(crate::structs::BatchTerminal::Superseded);
        if same {
            p.du.ignore += 1;
            return Tried::Other;
        }
        if !is_destructive(engine, cx, p.tg, t) {
            p.du.in_place_update += 1;
            return Tried::Other;
        }
        if !spend_update(&mut p.du, left, result, cx) {
            return Tried::Other;
        }
        engine.stop(t);
    } else if let Some(a) = here {
        // Its name still exists this evaluation: no placement here.
        if a.migrate {
            return Tried::Other;
        }
        let r = disconnect(a, Some(node));
        if let Some(r) = r.filter(|r| *r != Read::Update) {
            r.apply(engine, a, &mut p.du);
            return Tried::Other;
        }
        if a.job_version == cx.new_version && r.is_none() {
            p.du.ignore += 1;
            return Tried::Other;
        }
        if !is_destructive(engine, cx, p.tg, a) && engine.fits_in_place(&p.ask, a, cx.class_cache) {
            p.du.in_place_update += 1;
            let mut updated = (*a).clone();
            updated.job_version = cx.new_version;
            updated.job_priority = cx.job.priority;
            updated.resources = carry_ports(&p.ask.res, &a.resources);
            engine.record(Some(pos), updated, Vec::new(), true);
            return Tried::Other;
        }
        if !spend_update(&mut p.du, left, result, cx) {
            return Tried::Other;
        }
        engine.stop(a);
    } else {
        // Wrapping: an evicted allocation filtered below may have taken
        // the count below zero already (see the `Err(true)` arm).
        p.du.place = p.du.place.wrapping_add(1);
        p.new_places += 1;
    }
    // Reached by an update only after its stop (the new placement's
    // branch has none).
    let update = here.is_some() || p.finished.contains_key(node.id.as_str());
    let name = format!("{}.{}[0]", cx.job.id, p.tg.name);
    p.tried += 1;
    let mut metric = AllocMetric::default();
    match engine.select_on(&p.ask, pos, cx.evict, cx.class_cache, &mut metric) {
        Ok(r) => {
            p.ranked = Some((update, !r.victims.is_empty()));
            let alloc = engine.materialize(&p.ask, &r, &name, cx.eval_id, cx.new_version);
            p.du.preemptions += r.victims.len() as u64;
            engine.record(Some(pos), alloc, r.victims, false);
            Tried::Placed
        }
        // A node removed by constraints is no failure by itself for
        // a system cx.job: the placement is not wanted there (unless
        // every node is, see `all_filtered_fails`).
        Err(true) => {
            merge_filtered(&mut p.filtered_metric, &metric);
            p.filtered += 1;
            p.failed_selects += 1;
            // An allocation updated destructively on a node that no longer
            // meets the job's constraints stays evicted (`evictAndPlace`
            // stopped it before `computePlacements` filters its
            // replacement) and is not replaced; the annotation keeps its
            // destructive update (`desiredUpdates` ran first). Before 1.11
            // `desired.Place -= 1` runs for it as for a new node, on a
            // `uint64` that never counted it: Nomad prints the wrapped
            // count (`18446744073709551615 create` when nothing else is
            // placed). system_sched.go@v0.9.3 computePlacements,
            // scheduler_system.go@v1.7.2:383-405, @v1.10.5:390-417; from
            // 1.11 `Place` is the candidate count instead
            // (scheduler_system.go@v2.0.5:346, :370, :507).
            p.du.place = p.du.place.wrapping_sub(1);
            Tried::Other
        }
        // A replacement that does not fit leaves its allocation stopped:
        // `evictAndPlace` appended the stop before `computePlacements`
        // tried the node, and nothing takes it back (unlike the service
        // scheduler's `PopUpdate`): system_sched.go@v0.9.3
        // computePlacements, scheduler_system.go@v1.7.2:304,383-470,
        // @v1.10.5:309, @v2.0.5:346,487-545 (from 1.11 only the
        // deployment's own destructive count is taken back).
        Err(false) => {
            p.ranked = Some((update, false));
            p.failed_selects += 1;
            p.failures += 1;
            p.first_failure.get_or_insert(metric);
            Tried::Failed
        }
    }
}

/// `mergeNodeFiltered` (scheduler_system.go v1.6.0:325-347): a filtered
/// select's counts added to the group's.
fn merge_filtered(acc: &mut AllocMetric, m: &AllocMetric) {
    acc.nodes_evaluated += m.nodes_evaluated;
    acc.nodes_filtered += m.nodes_filtered;
    for (k, v) in &m.class_filtered {
        *acc.class_filtered.entry(k.clone()).or_insert(0) += v;
    }
    for (k, v) in &m.constraint_filtered {
        *acc.constraint_filtered.entry(k.clone()).or_insert(0) += v;
    }
}

/// Does Nomad's system scheduler rank a node again after a placement there
/// preempted? `ranks`: each ranking turn on the node, in this plan's
/// order, as (a destructive update's replacement, it preempted). Nomad
/// stops every updated allocation first and places the updates after
/// every new placement (`evictAndPlace` appends them to `diff.place`,
/// scheduler/util.go v0.9.3; system_sched.go v0.9.3 computeJobAllocs),
/// each select reading the node's proposed list (`ProposedAllocs`): before
/// 0.9.7 and 0.10.2 that read panics where the plan also stops a live
/// allocation on the node ([`super::super::server_crash`]).
fn ranked_after_preempting(mut ranks: Vec<(bool, bool)>) -> bool {
    // New placements first, each kind in this plan's order (stable).
    ranks.sort_by_key(|(update, _)| *update);
    ranks
        .iter()
        .position(|(_, preempted)| *preempted)
        .is_some_and(|i| i + 1 < ranks.len())
}
