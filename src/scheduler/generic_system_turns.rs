//! The order the system and sysbatch schedulers act on a job's allocations
//! in (sys14). The node diff (`diffSystemAllocs`; from 1.11
//! `NodeReconciler.Compute`) walks the nodes and, on each, the job's
//! groups, sorting each group's turn into buckets: a new placement
//! (`place`) or an update (`update`). `computeJobAllocs` then tries every
//! update in place (`inplaceUpdate`), stops the destructive ones the update
//! budget allows and appends them to `place` AFTER every new placement
//! (`evictAndPlace`), and `computePlacements` places that list in order.
//! So on a node where one group is new and another is replaced, the new
//! one is placed first, with the replaced allocation already stopped:
//! where room is tight the replacement is the one that fails (or
//! preempts), whatever the node's group order.
//!
//! scheduler/system_sched.go@v0.9.3:228,244,262 with scheduler/util.go
//! @v0.9.3:176 (diffSystemAllocs), :458 (inplaceUpdate), :571
//! (evictAndPlace); scheduler/scheduler_system.go@v1.6.0:288,304,322 with
//! scheduler/system_util.go@v1.6.0:338-343; @v1.10.5:289,309,331 with
//! system_util.go@v1.10.5:338; scheduler/scheduler_system.go@v2.0.5:290,
//! 346, 365 with its own evictAndPlace (:692-745, `reconciled.Place =
//! append(...)` at :731).

use std::collections::HashSet;

use super::super::system_disconnect::{read as disconnect, Read};
use super::super::{AllocMetric, DesiredUpdates, PlanResult};
use super::carry_ports;
use super::system_sched::{is_destructive, Cx, Pass};
use crate::cluster::Allocation;
use crate::scheduler::engine::Engine;
use crate::scheduler::nil_filtered_map;

/// One group's turn on one node that places something: a new placement
/// (`alloc` none) or an update of `alloc` (`terminal`: a finished sysbatch
/// allocation, which `inplaceUpdate` keeps without a select).
struct Turn<'a> {
    pass: usize,
    /// The name's index (`job.group[index]`).
    index: u32,
    pos: usize,
    alloc: Option<&'a Allocation>,
    terminal: bool,
}

/// The diff's bucket for one group on one node, where it places anything.
enum Bucket<'a> {
    Place,
    /// An update of the allocation; true for a finished sysbatch one.
    Update(&'a Allocation, bool),
    /// A reconnecting allocation (`diff.reconnecting`).
    Reconnect(&'a Allocation),
}

/// What a placement came to.
enum Tried {
    Placed,
    Failed,
    /// Not wanted on the node (filtered, or a vanished node); true where
    /// a distinct_property constraint filtered it.
    Filtered(bool),
}

/// Every group's turn on every node in Nomad's order; true when a
/// placement failed on a node after one of the same bucket (new or
/// replacement) placed there, where the node's group order decided it.
/// `shared`: the job's update budget before 1.11 (from 1.11 each pass
/// carries its own).
pub(super) fn run<'a>(
    engine: &mut Engine<'_>,
    cx: &Cx<'_>,
    result: &mut PlanResult,
    passes: &mut [Pass<'a>],
    nodes: &[usize],
    shared: &mut usize,
) -> bool {
    // The diff: node by node, each node's allocation names (every group's
    // `count` of them, in group order) in the order its own range over
    // them yields (see [`super::super::group_order`]).
    let counts: Vec<u32> = passes.iter().map(|p| p.count).collect();
    let total = counts.iter().map(|&c| c as usize).sum();
    let (mut news, mut updates, mut reconnecting) = (Vec::new(), Vec::new(), Vec::new());
    for &pos in nodes {
        for k in super::super::group_order::per_node(engine, total) {
            let Some((pass, index)) = name_at(&counts, k) else {
                continue;
            };
            let Some(p) = passes.get_mut(pass) else {
                continue;
            };
            let Some(bucket) = diff(engine, cx, p, pos, index) else {
                continue;
            };
            let turn = |alloc, terminal| Turn {
                pass,
                index,
                pos,
                alloc,
                terminal,
            };
            match bucket {
                Bucket::Place => news.push(turn(None, false)),
                Bucket::Update(a, terminal) => updates.push(turn(Some(a), terminal)),
                Bucket::Reconnect(a) => {
                    // `Reconnecting`: 1.11's `Reconnect` count (util.go
                    // v2.0.5:741), besides its update below.
                    p.du.reconnect += 1;
                    reconnecting.push(turn(Some(a), false));
                }
            }
        }
    }
    let destructive = in_place(engine, cx, passes, tried_order(updates, reconnecting));
    // evictAndPlace: the stops within the budget, in the updates' order.
    let mut replaced = Vec::new();
    // Per budget (the job's, or from 1.11 each group's): did it spend on
    // some updates and leave others? Then the diff's node order picked
    // which ones ([`super::budget_note`]).
    // A cut of the job's budget draws both the groups it spent on and
    // those it left.
    let (mut shared_spent, mut shared_left) = (Vec::new(), Vec::new());
    let mut own_spent = vec![false; passes.len()];
    for t in destructive {
        let (Some(p), Some(a)) = (passes.get_mut(t.pass), t.alloc) else {
            continue;
        };
        let mut own = p.evictions_left.take();
        let has_own = own.is_some();
        let left = own.as_mut().unwrap_or(&mut *shared);
        let spent = spend_update(&mut p.du, left, result, cx);
        p.evictions_left = own;
        match (spent, has_own) {
            (true, true) => {
                if let Some(s) = own_spent.get_mut(t.pass) {
                    *s = true;
                }
            }
            (true, false) => shared_spent.push(t.pass),
            (false, true) => {
                p.budget_drawn |= own_spent.get(t.pass).copied().unwrap_or(false);
            }
            (false, false) => shared_left.push(t.pass),
        }
        if spent {
            engine.stop(a);
            replaced.push(t);
        }
    }
    if !shared_spent.is_empty() && !shared_left.is_empty() {
        for pass in shared_spent.into_iter().chain(shared_left) {
            if let Some(p) = passes.get_mut(pass) {
                p.budget_drawn = true;
            }
        }
    }
    // computePlacements: every new placement, then every replacement.
    // Which name of one group fails where its names cannot all fit a node
    // changes nothing the plan shows; another group placed first does.
    let mut placed: HashSet<(usize, bool, usize)> = HashSet::new();
    let mut order_decided = false;
    let groups = passes.len();
    for t in news.into_iter().chain(replaced) {
        let Some(p) = passes.get_mut(t.pass) else {
            continue;
        };
        let (pos, replacing) = (t.pos, t.alloc.is_some());
        match place(engine, cx, p, t.pos, t.index) {
            Tried::Placed => {
                placed.insert((pos, replacing, t.pass));
            }
            Tried::Failed => {
                order_decided |=
                    (0..groups).any(|q| q != t.pass && placed.contains(&(pos, replacing, q)));
                // On a node whose property value another node took first
                // in another order, it would have been filtered: not a
                // failure (see `place`).
                p.node_order_drawn |= p.distinct_property && nodes.len() > 1;
            }
            // Filtered by what this evaluation placed on other nodes:
            // visited first, the node would have had the value.
            Tried::Filtered(distinct) => p.node_order_drawn |= distinct && !placed.is_empty(),
        }
    }
    order_decided
}

/// The `k`th name of the per-node map, whose names were inserted group by
/// group (`counts[g]` each): its group and index.
fn name_at(counts: &[u32], mut k: usize) -> Option<(usize, u32)> {
    for (pass, &c) in counts.iter().enumerate() {
        match u32::try_from(k) {
            Ok(i) if i < c => return Some((pass, i)),
            _ => k -= c as usize,
        }
    }
    None
}

/// Group `p`'s bucket on the node at `pos`: `None` when nothing is placed
/// (ignored, migrating, read as disconnected: counted here).
fn diff<'a>(
    engine: &mut Engine<'_>,
    cx: &Cx<'_>,
    p: &mut Pass<'a>,
    pos: usize,
    index: u32,
) -> Option<Bucket<'a>> {
    let node = engine.node(pos)?;
    let name = super::super::reconcile_names::indexed_name(&p.prefix, index);
    let key = (node.id.as_str(), name.as_str());
    let here = p.live.get(&key).copied();
    if let (None, Some(&t)) = (here, p.finished.get(&key)) {
        // Unchanged: it is not run again. Changed: an update (see
        // [`in_place`]).
        let same = t.runs_version(cx.new_version)
            && t.batch_terminal != Some(crate::structs::BatchTerminal::Superseded);
        if same {
            p.du.ignore += 1;
            return None;
        }
        return Some(Bucket::Update(t, true));
    }
    let Some(a) = here else {
        // Wrapping: an evicted allocation filtered below may have taken
        // the count below zero already (see `place`'s `Err(true)` arm).
        p.du.place = p.du.place.wrapping_add(1);
        p.new_places += 1;
        return Some(Bucket::Place);
    };
    // Its name still exists this evaluation: no placement here.
    if a.migrate {
        return None;
    }
    let r = disconnect(a, Some(node));
    if let Some(r) = r.filter(|r| *r != Read::Update) {
        r.apply(engine, a, &mut p.du);
        return None;
    }
    if a.runs_version(cx.new_version) && r.is_none() {
        p.du.ignore += 1;
        return None;
    }
    Some(match r {
        Some(_) => Bucket::Reconnect(a),
        None => Bucket::Update(a, false),
    })
}

/// `inplaceUpdate`: each update in turn, kept in place where its group is
/// not changed destructively and, for a live allocation, it still fits its
/// node (a finished sysbatch one is kept without a select: nothing is
/// placed). Go swaps each one kept with the last one not yet looked at and
/// looks at the swapped one next, so the destructive ones come back in
/// that order, the order `evictAndPlace` spends the budget and places in
/// (scheduler/util.go@v0.9.3:458, @v1.6.0 and @v2.0.5:571 `doInplace`).
fn in_place<'a>(
    engine: &mut Engine<'_>,
    cx: &Cx<'_>,
    passes: &mut [Pass<'a>],
    updates: Vec<Turn<'a>>,
) -> Vec<Turn<'a>> {
    go_in_place_walk(updates, |t| {
        let (Some(p), Some(a)) = (passes.get_mut(t.pass), t.alloc) else {
            return false;
        };
        p.ask.alloc_name.clear();
        p.ask.alloc_name.push_str(&a.name);
        let kept = !is_destructive(engine, cx, p.tg, a)
            && (t.terminal || engine.fits_in_place(&p.ask, a, cx.class_cache));
        if !kept {
            return false;
        }
        p.du.in_place_update += 1;
        if !t.terminal {
            let mut updated = a.clone();
            updated.job_version = cx.new_version;
            updated.job_priority = cx.job.priority;
            updated.resources = carry_ports(&p.ask.res, &a.resources);
            engine.record(Some(t.pos), updated, Vec::new(), true);
        }
        true
    })
}

/// The list `inplaceUpdate` walks: the reconnecting allocations after
/// every update (scheduler_system.go@v1.6.0:285-288, @v2.0.5:287-290,
/// before its `inplaceUpdate` at :290).
fn tried_order<T>(mut updates: Vec<T>, mut reconnecting: Vec<T>) -> Vec<T> {
    updates.append(&mut reconnecting);
    updates
}

/// `inplaceUpdate`'s walk over `items`: one that `kept` keeps is swapped
/// with the last one not yet looked at, which is looked at next (`i--`,
/// `n--`); what is left, in that order, is returned (Go's `updates[:n]`).
/// So the destructive ones do not keep the diff's order: after a kept one
/// the last one comes forward (scheduler/util.go@v0.9.3:458,
/// scheduler/util.go@v2.0.5 `inplaceUpdate`).
fn go_in_place_walk<T>(mut items: Vec<T>, mut kept: impl FnMut(&T) -> bool) -> Vec<T> {
    let (mut i, mut n) = (0, items.len());
    while i < n {
        let Some(t) = items.get(i) else {
            break;
        };
        if !kept(t) {
            i += 1;
            continue;
        }
        n -= 1;
        items.swap(i, n);
    }
    items.truncate(n);
    items
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

/// Group `p`'s select on the node at `pos`, for a new placement or a
/// replacement whose old allocation is stopped already.
fn place(engine: &mut Engine<'_>, cx: &Cx<'_>, p: &mut Pass<'_>, pos: usize, index: u32) -> Tried {
    p.tried += 1;
    let mut metric = AllocMetric::default();
    let name = super::super::reconcile_names::indexed_name(&p.prefix, index);
    p.ask.alloc_name.clone_from(&name);
    match engine.select_on(&p.ask, pos, cx.evict, cx.class_cache, &mut metric) {
        Ok(r) => {
            let alloc = engine.materialize(&p.ask, &r, &name, cx.eval_id, cx.new_version);
            p.du.preemptions += r.victims.len() as u64;
            engine.record(Some(pos), alloc, r.victims, false);
            Tried::Placed
        }
        // A node removed by constraints is no failure by itself for
        // a system job: the placement is not wanted there (unless
        // every node is, see `all_filtered_fails`).
        Err(true) => {
            // 1.2.0-1.2.1 panic merging it where the first filtered
            // node's metric lacked a map this one fills.
            let v = engine.world.nomad_version;
            if let Some(n) = engine.node(pos) {
                let merged = &p.filtered_metric;
                engine.crash_if(nil_filtered_map::crash(v, merged, &metric, n, &p.tg.name));
            }
            p.filtered_fills.push(nil_filtered_map::filled(&metric));
            let distinct = metric
                .constraint_filtered
                .keys()
                .any(|k| k.starts_with("distinct_property:"));
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
            Tried::Filtered(distinct)
        }
        // A replacement that does not fit leaves its allocation stopped:
        // `evictAndPlace` appended the stop before `computePlacements`
        // tried the node, and nothing takes it back (unlike the service
        // scheduler's `PopUpdate`): system_sched.go@v0.9.3
        // computePlacements, scheduler_system.go@v1.7.2:304,383-470,
        // @v1.10.5:309, @v2.0.5:346,487-545 (from 1.11 only the
        // deployment's own destructive count is taken back).
        Err(false) => {
            p.failed_selects += 1;
            p.failures += 1;
            if !metric.quota_exhausted.is_empty() {
                p.quota_failures += 1;
                // Refused before the constraints ran (before 1.0.8 and
                // 1.1.2): one they filter is a failure only when visited
                // after the room ran out.
                p.quota_hid_filter |=
                    super::super::quota::quota_before_feasibility(engine.world.nomad_version)
                        && engine.filtered_quietly(&p.ask, pos);
            }
            // Each later failure is only counted: where its metric differs
            // from the first one's (another dimension or class, quota
            // failures aside: see `quota_order`), the failure Nomad prints
            // is the first failing node's in Go's map order.
            let first = p.first_failure.get_or_insert_with(|| metric.clone());
            p.failure_shown_drawn |= *first != metric
                && first.quota_exhausted.is_empty()
                && metric.quota_exhausted.is_empty();
            Tried::Failed
        }
    }
}

/// `mergeNodeFiltered` (scheduler_system.go v1.6.0:325-347): a filtered
/// select's counts added to the group's.
fn merge_filtered(acc: &mut AllocMetric, m: &AllocMetric) {
    acc.filtered_merged += 1;
    acc.nodes_evaluated += m.nodes_evaluated;
    acc.nodes_filtered += m.nodes_filtered;
    for (k, v) in &m.class_filtered {
        *acc.class_filtered.entry(k.clone()).or_insert(0) += v;
    }
    for (k, v) in &m.constraint_filtered {
        *acc.constraint_filtered.entry(k.clone()).or_insert(0) += v;
    }
}

#[cfg(test)]
mod tests {
    use super::{go_in_place_walk, name_at, tried_order};

    /// Updates named by node, `K…` kept in place: the destructive ones in
    /// the order `evictAndPlace` spends the budget and places them.
    fn walk(updates: &[&'static str]) -> Vec<&'static str> {
        go_in_place_walk(updates.to_vec(), |u| u.starts_with('K'))
    }

    /// The swap: a kept update brings the last one forward, so with a
    /// budget of one (1.11+'s default max_parallel) D, not T, is replaced
    /// after K; with K last nothing moves.
    #[test]
    fn a_kept_update_swaps_the_last_one_forward() {
        assert_eq!(walk(&["K", "T", "D"]), ["D", "T"]);
        assert_eq!(walk(&["T", "K", "D"]), ["T", "D"]);
        assert_eq!(walk(&["T", "D", "K"]), ["T", "D"]);
        assert_eq!(walk(&["K1", "T", "K2", "D"]), ["D", "T"]);
        assert_eq!(walk(&["K1", "K2", "T"]), ["T"]);
        assert_eq!(walk(&["T", "D", "E"]), ["T", "D", "E"]);
        assert!(walk(&["K1", "K2"]).is_empty());
    }

    /// Reconnecting allocations are appended after every update before the
    /// walk (scheduler_system.go@v1.6.0:285-288, @v2.0.5:287-290): one kept
    /// in place at the end moves nothing, where the same one first would
    /// have put the last update first.
    #[test]
    fn reconnecting_allocations_come_after_the_updates() {
        let tried = tried_order(vec!["T", "D"], vec!["K-reconnecting"]);
        assert_eq!(tried, ["T", "D", "K-reconnecting"]);
        assert_eq!(walk(&tried), ["T", "D"]);
        // Tried first instead, it would have put D before T.
        assert_eq!(walk(&["K-reconnecting", "T", "D"]), ["D", "T"]);
    }

    #[test]
    fn map_entries_are_read_group_by_group() {
        let counts = [2, 0, 1];
        assert_eq!(name_at(&counts, 0), Some((0, 0)));
        assert_eq!(name_at(&counts, 1), Some((0, 1)));
        assert_eq!(name_at(&counts, 2), Some((2, 0)));
        assert_eq!(name_at(&counts, 3), None);
        assert_eq!(name_at(&[], 0), None);
    }
}
