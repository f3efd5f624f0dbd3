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
    // Nomad's order: the diff node by node, updates in place, the
    // destructive ones' stops, then every new placement before any
    // replacement ([`super::system_turns`]). A group whose placement fails
    // on a node after another of the same bucket placed there may have
    // failed by the node's group order. (A stopped job has no passes: its
    // groups only stop.)
    let order_decided = super::system_turns::run(
        engine,
        &cx,
        result,
        &mut passes,
        &nodes,
        &mut shared_evictions,
    );
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
pub(super) struct Pass<'a> {
    pub(super) tg: &'a TaskGroup,
    pub(super) ask: Ask<'a>,
    pub(super) du: DesiredUpdates,
    pub(super) new_places: u64,
    pub(super) failed_selects: u64,
    pub(super) filtered_metric: AllocMetric,
    pub(super) first_failure: Option<AllocMetric>,
    pub(super) failures: u64,
    pub(super) tried: u64,
    pub(super) filtered: u64,
    pub(super) existing: Vec<&'a Allocation>,
    pub(super) finished: HashMap<&'a str, &'a Allocation>,
    /// From 1.11 each group's own update budget; before, the job's.
    pub(super) evictions_left: Option<usize>,
}

/// What every group's placement on a node reads.
pub(super) struct Cx<'a> {
    pub(super) job: &'a Job,
    pub(super) state: &'a State,
    pub(super) history: &'a JobHistory,
    pub(super) new_version: u64,
    pub(super) eval_id: &'a str,
    pub(super) evict: bool,
    pub(super) class_cache: bool,
    pub(super) rolling: Option<&'a crate::jobspec::UpdateStrategy>,
}

/// Does the allocation's own job version differ destructively from the
/// new job's group (no version on record: it does)?
pub(super) fn is_destructive(
    engine: &Engine<'_>,
    cx: &Cx<'_>,
    tg: &TaskGroup,
    a: &Allocation,
) -> bool {
    match old_spec(cx.history, cx.state, a) {
        Some((oj, og)) => engine.destructive(oj, og, cx.job, tg),
        None => true,
    }
}
