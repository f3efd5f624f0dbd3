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

/// A sysbatch group's terminal allocations by node and name: the latest
/// (`CreateIndex`) of each, as `structs.TerminalByNodeByName` keeps them
/// (a group of count 2 has two names on every node).
fn finished_sysbatch<'s>(
    state: &'s State,
    job: &Job,
    tg: &TaskGroup,
) -> HashMap<(&'s str, &'s str), &'s Allocation> {
    let mut out: HashMap<(&str, &str), &Allocation> = HashMap::new();
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
        let key = (a.node_id.as_str(), a.name.as_str());
        let slot = out.entry(key).or_insert(a);
        if slot.create_index < a.create_index {
            *slot = a;
        }
    }
    out
}

/// How many allocation names the group asks on every node:
/// `materializeSystemTaskGroups` makes `job.group[0]` to
/// `job.group[count-1]` for each group, none for a stopped job
/// (scheduler/util.go v0.9.3:22-35 materializeTaskGroups,
/// scheduler/system_util.go v1.9.7:21-34,
/// scheduler/reconciler/reconcile_node.go v2.0.5:549-560). A system
/// group's count above 1 is refused at admission (nomad/structs/structs.go
/// v1.9.7:4920, v2.0.5:4839), so only a sysbatch group has several, and
/// `count = 0` has none: every allocation of the group is stopped.
/// Clamped to the simulation's bound (a larger one is said not to be
/// known before any plan is shown, [`crate::scheduler::count_bound`]).
fn names_per_node(job: &Job, tg: &TaskGroup, nodes: usize) -> u32 {
    if job.stop {
        return 0;
    }
    let bound = super::super::count_bound::per_node_bound(nodes);
    u32::try_from(tg.count.clamp(0, i64::from(bound))).unwrap_or(0)
}

/// What the per-node map of names holds, as the group-order note lists
/// it, and how many names it holds: the groups where each asks one name;
/// a sysbatch group's names (`g[0]`, `g[1]`) where one asks several and
/// they are few enough to list; past 8 the groups, whose orders are then
/// not the map's (the note says its odds are not established).
fn map_entries(passes: &[Pass<'_>]) -> (Vec<String>, usize) {
    let total: u64 = passes.iter().map(|p| u64::from(p.count)).sum();
    let entries = usize::try_from(total).unwrap_or(usize::MAX);
    if passes.iter().all(|p| p.count == 1) || total > 8 {
        return (passes.iter().map(|p| p.tg.name.clone()).collect(), entries);
    }
    let names = passes
        .iter()
        .flat_map(|p| (0..p.count).map(move |i| format!("{}[{i}]", p.tg.name)))
        .collect();
    (names, entries)
}

/// Does a distinct_property constraint (job or group level, those the
/// DistinctPropertyIterator reads) bind the group?
fn distinct_property(job: &Job, tg: &TaskGroup) -> bool {
    job.constraints
        .iter()
        .chain(&tg.constraints)
        .any(|c| c.operand == "distinct_property")
}

/// The note of a group whose fate on some node the node order decided,
/// by what `reads` says the node's verdict read of the nodes before it.
/// The system scheduler visits the nodes in the order it ranges over a Go
/// map of them (`for nodeID, allocs := range nodeAllocs`,
/// scheduler/util.go v0.9.3:196, scheduler/system_util.go v1.9.7:327,
/// scheduler/reconciler/reconcile_node.go v2.0.5:65): random per
/// evaluation. Its stack checks distinct_property before it ranks a node
/// (scheduler/stack.go v1.9.7 NewSystemStack, scheduler/feasible/stack.go
/// v2.0.5:288), so a node whose value an earlier node took is filtered,
/// which is no failure for a system job, while the same node visited
/// first takes the value and may then run out of room, which is one
/// (`computePlacements`, scheduler_system.go v1.9.7:383-432). The quota
/// likewise: see [`quota_order`]. `outcome` says what the draw decides.
fn node_order_note(group: &str, reads: &str, outcome: &str) -> String {
    format!(
        "group {group:?}: {reads}, and Nomad visits the nodes in Go's map order, random per evaluation: {outcome}"
    )
}

/// The note of a group whose destructive updates the update budget
/// (`max_parallel`) cuts: `evictAndPlace` stops and re-places the first
/// `limit` of the diff's updates and leaves the rest for a later
/// evaluation (scheduler/util.go v0.9.3:571-590, system_util.go
/// v1.10.5:338-351, scheduler_system.go v2.0.5:692-745), and the diff
/// lists them in the order it ranges over its map of nodes. So which
/// nodes' allocations are replaced now is random per evaluation, and
/// where the new version fits only some of those nodes, whether this
/// evaluation places it is too (R22-B-2).
fn budget_note(group: &str) -> String {
    node_order_note(
        group,
        "its update budget (max_parallel) replaces only some of its allocations this evaluation, those of the nodes visited first",
        "which nodes' allocations are replaced, and whether the new version fits them, is one draw of several (--samples gives their shares)",
    )
}

/// What a distinct_property group's verdict on a node reads.
const READS_DISTINCT: &str =
    "its distinct_property constraint counts what this evaluation placed on other nodes";

/// A drawn outcome: the plan's text may differ by the draw.
const DRAWN: &str = "which nodes are filtered and which fail, and how, is one draw of several (--samples gives their shares)";

/// Where only the nodes the allocations are placed on differ by the draw.
const WINNERS: &str =
    "which nodes get the allocations is one draw; the plan's text is the same in every draw";

/// The note of a group whose nodes failed with different metrics: Nomad
/// keeps the first failing node's and only counts the others
/// (`CoalescedFailures`, system_sched.go v0.9.3:308-326,
/// scheduler_system.go v1.6.0:411-431, v2.0.5:537-561), in Go's map order.
fn failure_shown_note(group: &str) -> String {
    node_order_note(
        group,
        "its allocations fail on several nodes for different reasons, of which Nomad prints the first failing node's",
        "which reason the plan prints is one draw of several (--samples gives their shares)",
    )
}

/// Notes of the groups whose nodes share the room left in the quota
/// ([`Engine::quota_ran_out_here`]): each placement's quota check counts
/// the plan so far (Enterprise's QuotaIterator.Reset adds the plan to
/// the usage, `UpdateUsageFromPlan`, scheduler/stack_ent.go at
/// c0c735dd1d of the mirror), so the nodes visited first take the room
/// and later ones fail with `Quota limit hit`. The plan's text differs
/// by the draw (a drawn note, NP207's and NP304's odds) where a node
/// visited later would have failed otherwise or not at all: one the
/// constraints filter where the quota comes first (before 1.0.8 and
/// 1.1.2, [`super::super::quota::quota_before_feasibility`]), one out of
/// room (the failure metric is the first failing node's), preemptions
/// (which free quota), or several groups taking the same room. Otherwise
/// only which nodes run the job is drawn, which the JSON's placements show.
fn quota_order(engine: &mut Engine<'_>, passes: &[Pass<'_>]) {
    let quota_first = super::super::quota::quota_before_feasibility(engine.world.nomad_version);
    let preempted = passes.iter().any(|p| p.du.preemptions > 0);
    let placed = |p: &Pass<'_>| p.tried > p.filtered + p.failures;
    let sharing = passes.iter().filter(|p| placed(p)).count() > 1;
    for p in passes {
        if !engine.quota_ran_out_here(&p.ask) {
            continue;
        }
        let other_failures = p.failures > p.quota_failures;
        let filtered = p.filtered > 0 || p.quota_hid_filter;
        let drawn = (quota_first && filtered) || other_failures || preempted || sharing;
        if !drawn && p.quota_failures == 0 {
            continue;
        }
        let name = &p.tg.name;
        let quota = engine
            .quota_base
            .as_ref()
            .map(|(q, _)| q.clone())
            .unwrap_or_default();
        let reads = format!(
            "the quota {quota:?} has room for only some of its allocations, which the nodes visited first take"
        );
        let text = || node_order_note(name, &reads, if drawn { DRAWN } else { WINNERS });
        if drawn {
            engine.note_drawn(Note::NodeOrder("quota"), name, text);
        } else {
            engine.note(Note::NodeOrder("quota"), name, text);
        }
    }
}

/// Is `a` one of the names the group asks (`required[name]`)? One that is
/// not is stopped wherever it runs, before any other reading of it
/// (system_util.go v1.9.7:60-75; reconcile_node.go v2.0.5:143-152).
fn required(a: &Allocation, prefix: &str, count: u32) -> bool {
    let Some(index) = a
        .name
        .as_str()
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('['))
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|d| d.parse::<u32>().ok())
    else {
        return false;
    };
    // Go's `%d` never pads: "g[01]" is no name Nomad made.
    index < count && a.name.as_str() == super::super::reconcile_names::indexed_name(prefix, index)
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
        // `job.Name`, not the ID the service reconciler names by
        // (materializeSystemTaskGroups, system_util.go v1.9.7:29).
        let prefix = [job.name.as_str(), ".", tg.name.as_str()].concat();
        let count = names_per_node(job, tg, nodes.len());
        // Each placement names its own allocation (see `place`).
        let ask = Ask {
            alloc_name: super::super::reconcile_names::indexed_name(&prefix, 0),
            ..Ask::of_group(job, tg, world)
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
        let (failures, quota_failures) = (0u64, 0u64);
        // Placements tried (Nomad's queuedAllocs) and those filtered.
        let (tried, filtered) = (0u64, 0u64);
        let mut existing: Vec<&Allocation> = state
            .job_allocs(&job.namespace, &job.id)
            .filter(|a| a.task_group == tg.name)
            .collect();
        // Allocations off the candidate nodes (diffSystemAllocs): marked to
        // migrate → stopped, counted as migrations; on a down or vanished
        // node → lost: stopped, counted nowhere; the others as the release
        // reads them ([`off_node`]).
        // A name the group no longer asks (a stopped job asks none, a
        // group scaled to 0 none of its own) is stopped first, on any node.
        let (live, not_needed): (Vec<&Allocation>, Vec<&Allocation>) =
            existing.iter().partition(|a| required(a, &prefix, count));
        for a in not_needed {
            engine.stop(a);
            du.stop += 1;
        }
        existing = live;
        for a in &existing {
            let pos = engine.node_position(&a.node_id);
            if pos.is_some_and(|p| nodes.contains(&p)) && !a.migrate {
                continue;
            }
            let node = pos.and_then(|p| engine.node(p));
            if a.migrate {
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
                let changed = !a.runs_version(new_version);
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
        let live = existing
            .iter()
            .map(|a| ((a.node_id.as_str(), a.name.as_str()), *a))
            .collect();
        passes.push(Pass {
            tg,
            prefix,
            count,
            distinct_property: distinct_property(job, tg),
            node_order_drawn: false,
            ask,
            du,
            new_places,
            failed_selects,
            filtered_metric,
            first_failure,
            failures,
            quota_failures,
            quota_hid_filter: false,
            failure_shown_drawn: false,
            filtered_fills: Vec::new(),
            tried,
            filtered,
            live,
            finished,
            evictions_left: node_reconciler.then_some(evictions_left),
            budget_drawn: false,
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
        let (names, entries) = map_entries(&passes);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        engine.note_drawn(Note::GroupOrder, "", || {
            super::super::group_order::per_node_note(&names, entries)
        });
    }
    for p in passes.iter().filter(|p| p.node_order_drawn) {
        let name = &p.tg.name;
        engine.note_drawn(Note::NodeOrder("distinct_property"), name, || {
            node_order_note(name, READS_DISTINCT, DRAWN)
        });
    }
    for p in passes.iter().filter(|p| p.budget_drawn) {
        let name = &p.tg.name;
        engine.note_drawn(Note::NodeOrder("update budget"), name, || budget_note(name));
    }
    for p in passes.iter().filter(|p| p.failure_shown_drawn) {
        let name = &p.tg.name;
        engine.note_drawn(Note::NodeOrder("failure"), name, || {
            failure_shown_note(name)
        });
    }
    quota_order(engine, &passes);
    // Another node order may panic the server (1.2.0-1.2.1) where this
    // one did not.
    if engine.crash.borrow().is_none() {
        let v = world.nomad_version;
        for p in &passes {
            let name = &p.tg.name;
            if let Some(text) = super::super::nil_filtered_map::note(v, name, &p.filtered_fills) {
                engine.note_drawn(Note::NodeOrder("nil map"), name, || text);
            }
        }
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
    /// `job_name.group`, its allocations' names without the `[index]`.
    pub(super) prefix: String,
    /// The names it asks on every node ([`names_per_node`]).
    pub(super) count: u32,
    /// Does a distinct_property constraint of the job or the group bind
    /// it (its verdict on a node reads what was placed on the others)?
    pub(super) distinct_property: bool,
    /// Did the order Nomad visits the nodes in decide where it fails or
    /// is filtered ([`node_order_note`])?
    pub(super) node_order_drawn: bool,
    pub(super) ask: Ask<'a>,
    pub(super) du: DesiredUpdates,
    pub(super) new_places: u64,
    pub(super) failed_selects: u64,
    pub(super) filtered_metric: AllocMetric,
    pub(super) first_failure: Option<AllocMetric>,
    pub(super) failures: u64,
    /// Those of `failures` the quota refused.
    pub(super) quota_failures: u64,
    /// Did the quota refuse a node the constraints would have filtered?
    pub(super) quota_hid_filter: bool,
    /// Did nodes fail with different metrics, of which Nomad prints the
    /// first failing node's?
    pub(super) failure_shown_drawn: bool,
    /// Each filtered select's class and constraint maps filled
    /// ([`super::super::nil_filtered_map`]).
    pub(super) filtered_fills: Vec<(bool, bool)>,
    pub(super) tried: u64,
    pub(super) filtered: u64,
    /// Its live allocations of a name it asks, by node ID and name.
    pub(super) live: HashMap<(&'a str, &'a str), &'a Allocation>,
    /// Its finished sysbatch allocations, by node ID and name.
    pub(super) finished: HashMap<(&'a str, &'a str), &'a Allocation>,
    /// From 1.11 each group's own update budget; before, the job's.
    pub(super) evictions_left: Option<usize>,
    /// Did the update budget leave some of its destructive updates for a
    /// later evaluation, after spending on others ([`budget_note`])?
    pub(super) budget_drawn: bool,
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

#[cfg(test)]
mod tests {
    use super::required;
    use crate::cluster::Allocation;

    #[test]
    fn a_name_is_required_only_below_the_count_and_as_go_prints_it() {
        let named = |n: &str| Allocation {
            name: n.into(),
            ..Allocation::default()
        };
        assert!(required(&named("j.g[0]"), "j.g", 1));
        assert!(required(&named("j.g[1]"), "j.g", 2));
        assert!(!required(&named("j.g[1]"), "j.g", 1));
        assert!(!required(&named("j.g[0]"), "j.g", 0));
        assert!(!required(&named("j.g[01]"), "j.g", 2));
        assert!(!required(&named("j.gg[0]"), "j.g", 2));
        assert!(!required(&named("k.g[0]"), "j.g", 2));
    }
}
