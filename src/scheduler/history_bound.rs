//! Can where the world's running allocations sit change whether a plan
//! places everything? Nomad shuffles the nodes at every evaluation
//! (`shuffleNodes`, scheduler/stack.go v0.9.3:68 and util.go:329-335;
//! `ShuffleNodes`, scheduler/feasible/stack.go v2.0.5:82), so a written
//! world's running jobs land on other nodes in other evaluations of its
//! history, and a change that fits after one history may not fit after
//! another (redteam18 R18-C1). Sampling the histories answers it, at the
//! cost of replaying the world; this bound answers "no failure in any
//! history" without a replay when room is plain to see, so a change that
//! cannot be affected (the pre-commit hook's usual case) costs no more.
//!
//! The bound, and why it is sound. When this replay's history placed every
//! allocation and evicted none, every other history holds at most the same
//! live allocations (the reconcilers' counts do not read node order; a
//! failed or evicted allocation only frees room), somewhere. Each group
//! the plan places asks the same resources `a` for each of its `k`
//! placements; it is placed unless no feasible node fits one more (the
//! walk passes over nodes that do not fit: `BinPackIterator`, feasible's
//! `LimitIterator` only caps the options that fit). A node of capacity `C`
//! holds `M = min_d floor(C_d / a_d)` of them when empty. Usage `w` in
//! dimension `d` takes `j` of those away only if `w > C_d - (M-j+1) a_d`:
//! the first costs `r_d + 1` (`r_d = C_d - M a_d`), each further `a_d`.
//! Whatever the arrangement of the usage `W_d` (every live allocation,
//! pinned or not, and the plan's other placements, all treated as free to
//! land on this group's nodes), dimension `d` takes away at most
//! `max_m [m + min((W_d - P_m) / a_d, F_m)]` slots (`P_m` the `m`
//! cheapest first slots, `F_m` the most further slots `m` nodes hold: a
//! node's further slot goes only after its first), and the dimensions
//! together at most their sum (a node loses the most any one dimension
//! takes). A group with
//! static ports holds one slot per node at most, and each other holder of
//! one of its ports (a live allocation, another placement) takes at most
//! the node it sits on; where one of its static ports is inside a node's
//! dynamic range, so does each allocation holding dynamic ports (drawn at
//! random from that range). If what is left is at least `k` in every
//! group, no history fails the plan.
//!
//! The job's own live allocations are there in every history only where
//! the world's replay order shows it ([`own`]); elsewhere a history may
//! have left one unplaced, and the plan places it anew there, so each
//! counts among its group's `k`, whether the plan updates it in place or
//! leaves it as it is (an unchanged group).
//!
//! Anything the bound does not model answers "may vary" (the caller then
//! samples): a per-node job that places, devices, reserved cores, volumes,
//! `distinct_*` constraints, a node feasible only by a check that reads what
//! is placed or by a draw of Go's map order, clients of one computed class
//! that a class-cached check judges apart, a group without a network of
//! its own where the network of the group placed before it may change a
//! verdict, a node with several networks,
//! preemption (another history's plan may evict, which the applier may
//! reject), a history that left something unplaced or evicted it, or a
//! plan that fails, errs or is rejected.

use super::engine::{Ask, Engine};
use super::feasibility::{in_job_scope, placement_bound, schedulable};
use super::fit::Comparable;
use super::{PlanResult, Simulation};
use crate::cluster::Node;
use crate::jobspec::Job;
use crate::structs::AllocResources;

#[path = "history_bound_arrange.rs"]
mod arrange;
#[path = "history_bound_distinct.rs"]
mod distinct;
#[path = "history_bound_in_place.rs"]
mod in_place;
#[path = "history_bound_load.rs"]
mod live;
#[path = "history_bound_own.rs"]
mod own;
use live::{load, Holder, Load};

/// Dimensions of room: cpu, memory, disk, network mbits, ports, allocations.
const DIMS: usize = 6;
type Room = [i64; DIMS];

/// Where a node sets no `node_max_allocs`: more than any cluster holds.
const NO_LIMIT: i64 = 1 << 40;

/// Does every history of the world's running jobs let `plan` (of `job` as
/// planned, the admission mutators applied, in `sim`) place everything it
/// places here, failing nothing? True only where the bound above shows
/// it; false where it cannot. The bound does not model preemption: the
/// caller rules out a plan that may preempt first (the rules' own
/// `preemption_possible`, which this layer does not import).
pub fn fits_every_history(sim: &Simulation, job: &Job, plan: &PlanResult) -> bool {
    unproven(sim, job, plan).is_none()
}

/// Why [`fits_every_history`] cannot show it (`None`: it does).
fn unproven(sim: &Simulation, job: &Job, plan: &PlanResult) -> Option<&'static str> {
    let world = &*sim.world;
    let state = &sim.state;
    if !plan.failed_tg_allocs.is_empty()
        || plan.error.is_some()
        || plan.crashed.is_some()
        || plan.priority_unknown.is_some()
        || !plan.rejected.is_empty()
        || !plan.preempted_allocs.is_empty()
        || !state.blocked.is_empty()
        || state.allocs.iter().any(|a| a.preempted_by.is_some())
    {
        return Some("the plan or the history is one the bound does not model");
    }
    let mut engine = Engine::with_history(world, state, &sim.job_versions, job, sim.seed);
    // Every live allocation, and for a per-node job's group the nodes it
    // does not hold yet (another history may place it where this one
    // could not).
    let Some(Load {
        mut usage,
        mut holders,
        mut items,
        base,
    }) = load(sim, &engine.by_node, |_| true)
    else {
        return Some("a live allocation reserves cores");
    };
    // Each live allocation and its room, by ID: an in-place update asking
    // no more keeps its node and its room, where its node still takes it.
    let mut live: std::collections::HashMap<&str, (&crate::cluster::Allocation, Room)> =
        Default::default();
    let mut own = Vec::new();
    for a in engine
        .by_node
        .iter()
        .flatten()
        .filter_map(|&i| state.allocs.get(i))
    {
        let Some(r) = room_of(&a.resources, false) else {
            return Some("a live allocation reserves cores");
        };
        live.insert(&*a.id, (a, r));
        if (&*a.namespace, &*a.job_id) == (&*job.namespace, &*job.id) {
            own.push((a, r));
        }
    }
    // Are the job's own live allocations there in every history (its
    // registration in the world's replay places them whatever the node
    // shuffles, and nothing later evicts them: [`own::placed_everywhere`])?
    // Where not, a history may have left one unplaced, and there the plan
    // places it anew, whether this plan updates it in place or ignores
    // it: Nomad's reconciler places a group's missing allocations in the
    // same evaluation (reconcile_cluster.go v2.0.5:791
    // `computeUnderProvisionedBy`; reconcile_node.go :108 for a per-node
    // job). So each of them needs its slot (rt19c R19-C-1; bound20: an
    // unchanged group of the job asked none, and `check` passed an edit of
    // another group that the plan fails in some histories).
    let everywhere = !own.is_empty() && own::placed_everywhere(sim, job);
    let carried = network_order_matters(sim, job);
    // The plan's groups: how many allocations each needs a slot for.
    let mut groups: Vec<Need> = Vec::new();
    let mut statics: Vec<(&str, Vec<u16>)> = Vec::new();
    let mut kept_memo = Vec::new();
    for p in &plan.placements {
        let Some(r) = room_of(&p.alloc.resources, true) else {
            return Some("a placement asks devices or cores");
        };
        // An in-place update (same allocation ID) of the same room stays
        // where it is in every history, the live allocation already
        // counting it, only where whichever node holds it in a history
        // still takes the new version (redteam19 R19-B-1:
        // [`in_place::stays_put`]). Any other is a placement needing room
        // anywhere.
        let in_place::Kept { stays: kept, as_is } = match live.get(&*p.alloc.id) {
            Some(&(a, lr)) if p.in_place && lr == r => {
                in_place::stays_put(sim, &mut engine, job, a, carried, &mut kept_memo)
            }
            _ => in_place::Kept::default(),
        };
        // Kept, and there in every history: it needs no room.
        if kept && everywhere {
            continue;
        }
        // A kept one still needs its slot where another history may have
        // left it unplaced (see above); its room and ports are in `usage`
        // and `holders` already, as a live allocation's.
        let ports = static_ports(&p.alloc.resources);
        statics.push((&p.alloc.task_group, ports.clone()));
        // The whole allocation this slot's room is counted in (the
        // arrangement search's item): the live one where it is kept.
        let item = if kept {
            items.iter().position(|(id, _)| *id == &*p.alloc.id)
        } else {
            add(&mut usage, &r, 1);
            holders.push(Holder::of(&p.alloc.resources));
            items.push((&p.alloc.id, r));
            Some(items.len() - 1)
        };
        // One kept with its old resources (2.0.3's `max_run_duration`
        // shortcut) is placed anew with the new group's: its slot asks the
        // larger of the two, while `usage` holds what it holds.
        let mut ask = r;
        if as_is {
            let Some(tg) = job.group(&p.alloc.task_group) else {
                return Some("a placement of no group of the job");
            };
            let res = crate::scheduler::quota::placed_resources(tg, world);
            let Some(fresh) = room_of(&res, true) else {
                return Some("a placement asks devices or cores");
            };
            for (m, x) in ask.iter_mut().zip(fresh) {
                *m = (*m).max(x);
            }
        }
        Need::add(&mut groups, &p.alloc.task_group, ask, r, item);
    }
    // The job's live allocations this plan neither updates nor stops (an
    // unchanged group, or one a rolling update holds back) need their
    // slots too, unless they are there in every history.
    if !everywhere {
        let touched: std::collections::HashSet<&str> = plan
            .placements
            .iter()
            .map(|p| &*p.alloc.id)
            .chain(plan.stops.iter().map(|s| &**s))
            .collect();
        for &(a, r) in own.iter().filter(|(a, _)| !touched.contains(&*a.id)) {
            statics.push((&a.task_group, static_ports(&a.resources)));
            let item = items.iter().position(|(id, _)| *id == &*a.id);
            Need::add(&mut groups, &a.task_group, r, r, item);
        }
    }
    // A plan with no placement at all (in-place updates count: see
    // above) cannot fail in another history, whatever the job's type or constraints: a placement fails
    // only when no node has room or passes the checks, and there is none
    // to make. The reconcilers decide what is placed from the job and
    // its allocations' names and versions, never node order
    // (scheduler/reconcile.go and util.go `diffSystemAllocs` v0.9.3;
    // scheduler/reconciler/reconcile_cluster.go and reconcile_node.go
    // v2.0.5), and
    // preemption, the applier's rejections and failures were ruled out
    // above.
    //
    // Not so for a per-node job with any placement, in place or not: which
    // nodes hold its allocations is itself history (a node another job
    // filled first holds none in that history), so its plan there places
    // anew on that node where this one updates in place (rv19-3:
    // scheduler_system.go `computeJobAllocs` diffs per node). Its room
    // bound is not modelled either (each placement is tied to its node).
    // Nor for a running one placing nothing here whose allocations are
    // not shown to be on every node they can be in every history.
    if job.job_type.is_per_node() && !plan.placements.is_empty() {
        return Some("a per-node job that places");
    }
    if job.job_type.is_per_node() && !own.is_empty() && !everywhere {
        return Some("a per-node job not shown to be everywhere in every history");
    }
    if groups.is_empty() {
        return None;
    }
    // Nor a job-level constraint that reads what is placed, but for a
    // `distinct_hosts` that only this plan's placements can meet
    // ([`distinct::apart`]).
    let apart = distinct::apart(sim, job);
    if job.constraints.iter().any(placement_bound) && !apart.job {
        return Some("a job with distinct constraints that places");
    }
    let load = Load {
        usage,
        holders,
        items,
        base,
    };
    groups.iter().find_map(|need| {
        // The group's static ports: one allocation per node at most.
        let ports: Vec<u16> = statics
            .iter()
            .filter(|(g, _)| *g == need.name)
            .flat_map(|(_, p)| p.iter().copied())
            .collect();
        // Under the job's `distinct_hosts`, each placement of its other
        // groups keeps this group off the one node it lands on.
        let others = if apart.job {
            groups
                .iter()
                .filter(|g| g.name != need.name)
                .map(|g| g.k)
                .sum()
        } else {
            0
        };
        let spread = job
            .group(need.name)
            .map(|tg| (distinct::Spread::of(apart, tg, others), apart.ids_free));
        group_short(sim, &mut engine, job, need, &ports, &load, carried, spread)
    })
}

/// Can Nomad judge a group of `job` without a network of its own with
/// another group's network on some client ([`order_matters`]: the stack
/// keeps the network of the group it judged before, in Go's map order)?
/// Then where that group may go, and whether an in-place update of it
/// stays, is a draw the bound does not model (rt21b R21-B-1).
///
/// [`order_matters`]: super::network_check::order_matters
fn network_order_matters(sim: &Simulation, job: &Job) -> bool {
    super::network_check::order_matters(job, sim.state.nodes.iter(), sim.world.nomad_version)
}

/// What one group needs slots for: `k` allocations, each asking at most
/// `most`; `sum` is what of them `usage` already counts, `items` which of
/// [`Load::items`] they are (`None`: one is not an item).
struct Need<'a> {
    name: &'a str,
    k: usize,
    most: Room,
    sum: Room,
    items: Option<Vec<usize>>,
}

impl<'a> Need<'a> {
    /// One more allocation in group `name`, asking `ask` of a slot and
    /// holding `held` in `usage`, as [`Load::items`]' `item`.
    fn add(groups: &mut Vec<Need<'a>>, name: &'a str, ask: Room, held: Room, item: Option<usize>) {
        let i = match groups.iter().position(|g| g.name == name) {
            Some(i) => i,
            None => {
                groups.push(Need {
                    name,
                    k: 0,
                    most: [0; DIMS],
                    sum: [0; DIMS],
                    items: Some(Vec::new()),
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[i];
        g.k += 1;
        for (m, x) in g.most.iter_mut().zip(ask) {
            *m = (*m).max(x);
        }
        add(&mut g.sum, &held, 1);
        match (&mut g.items, item) {
            (Some(items), Some(i)) => items.push(i),
            (items, _) => *items = None,
        }
    }
}

/// Why the bound cannot show that group `need` of `job` (whose static
/// ports are `own`) finds `need.k` slots whatever the arrangement of
/// `load` (which counts `need.sum` of its own), or `None` where it does.
/// `carried`: [`network_order_matters`] of `job`; `spread`: the group's
/// `distinct_hosts` ([`distinct::Spread`]) and whether the job's ID is
/// free ([`distinct::Apart::ids_free`]).
#[allow(clippy::too_many_arguments)]
fn group_short(
    sim: &Simulation,
    engine: &mut Engine<'_>,
    job: &Job,
    need: &Need,
    own: &[u16],
    load: &Load,
    carried: bool,
    spread: Option<(distinct::Spread, bool)>,
) -> Option<&'static str> {
    let world = &*sim.world;
    let version = world.nomad_version;
    let (Some(tg), Some((spread, ids_free))) = (job.group(need.name), spread) else {
        return Some("a placement of no group of the job");
    };
    if distinct::reads_beyond(tg, ids_free) {
        return Some("a group with volumes or distinct constraints");
    }
    if carried && tg.networks.is_empty() {
        return Some("a group judged with the network of the group placed before it");
    }
    let ask = Ask::of_group(job, tg, world);
    let mut capacities = Vec::new();
    // Is one of its static ports inside a feasible node's dynamic range?
    let mut in_range = false;
    for (pos, n) in sim.state.nodes.iter().enumerate() {
        if !schedulable(n)
            || !in_job_scope(version, job, n)
            || n.reserved_ports.iter().any(|p| own.contains(p))
        {
            continue;
        }
        // Judged as Nomad judges it, by its computed class (`cache`):
        // where the clients of a class differ on a check Nomad caches per
        // class, the first one a shuffle checks decides for all, and the
        // engine notes that as drawn (rt21b R21-B-2), which the bound
        // declines below; where they agree, each is judged as on its own.
        match engine.infeasible(&ask, pos, n, true) {
            None => match capacity(n, version) {
                Some(c) => {
                    let (lo, hi) = super::dynamic_ports::range(n, version);
                    in_range |= own.iter().any(|p| (lo..=hi).contains(p));
                    capacities.push(c);
                }
                None => return Some("a node with several networks"),
            },
            // Filtered by what is placed: another history may not.
            Some(f) if f.reads_placed => return Some("a node filtered by what is placed"),
            Some(_) => {}
        }
    }
    // A feasibility verdict Go's map order or a class's first client drew
    // is no fact of the node.
    if !engine.drawn.is_empty() {
        return Some("a feasibility verdict drawn by Go's map order or the node shuffle");
    }
    // None on a node that reserves one of its static ports, and each
    // other allocation that may hold one takes at most its node (the
    // group's own allocations take one slot each).
    let held = load
        .holders
        .iter()
        .filter(|h| h.blocks(own, in_range))
        .count()
        .saturating_sub(if own.is_empty() { 0 } else { need.k })
        + spread.others;
    // Usage besides this group's own allocations (they take one slot
    // each, each asking at most `most`).
    let mut others = load.usage;
    add(&mut others, &need.sum, -1);
    let per_node = if own.is_empty() && !spread.apart {
        NO_LIMIT
    } else {
        1
    };
    let k = need.k as i64 + held as i64;
    if slots_left(&capacities, &need.most, &others, per_node) >= k {
        return None;
    }
    // The per-dimension bound lets one allocation's memory and bandwidth
    // take two nodes; arranging whole allocations may show the room.
    let (Some(base), Some(mine)) = (load.base, need.items.as_ref()) else {
        return Some("no room in some history");
    };
    let items: Vec<Room> = (load.items.iter().enumerate())
        .filter(|(i, _)| !mine.contains(i))
        .map(|(_, (_, r))| *r)
        .collect();
    let room = arrange::Nodes {
        capacities: &capacities,
        base,
        per_node,
    };
    (!room.always_leaves(&items, &need.most, k)).then_some("no room in some history")
}

/// Does the group read what is placed (host or CSI volumes, a
/// `distinct_*` constraint of its own or its tasks'), which differs by
/// history?
fn reads_placed(tg: &crate::jobspec::TaskGroup) -> bool {
    !tg.volumes.is_empty()
        || tg.constraints.iter().any(placement_bound)
        || tg
            .tasks
            .iter()
            .any(|t| t.constraints.iter().any(placement_bound))
}

/// The static ports an allocation holds.
fn static_ports(r: &AllocResources) -> Vec<u16> {
    r.networks
        .iter()
        .flat_map(|n| n.reserved_ports.iter().map(|(_, p)| *p))
        .collect()
}

/// An allocation's room, or `None` where it holds what the bound does not
/// model: reserved cores (a set of cores, not a quantity), and for a
/// placement (`placing`) devices, which only some nodes' free ones can
/// take. Every static port counts against the ports too (taking one from
/// the dynamic range at worst); a live allocation's devices do not matter
/// to a placement that asks none.
fn room_of(r: &AllocResources, placing: bool) -> Option<Room> {
    if r.cores > 0 || (placing && !r.devices.is_empty()) {
        return None;
    }
    let c = Comparable::of(r);
    let mbits = r.networks.iter().map(|n| n.mbits).sum();
    let ports = r
        .networks
        .iter()
        .map(|n| (n.dynamic_ports.len() + n.reserved_ports.len()) as i64)
        .sum();
    Some([c.cpu, c.memory, c.disk, mbits, ports, 1])
}

/// A node's room when empty, or `None` where it has several networks
/// (each with its own bandwidth and addresses).
fn capacity(n: &Node, version: crate::version::NomadVersion) -> Option<Room> {
    if n.networks.len() > 1 {
        return None;
    }
    let c = Comparable::node_usable(n);
    let mbits = n.networks.first().map_or(0, |net| net.mbits);
    let (lo, hi) = super::dynamic_ports::range(n, version);
    let ports = i64::from(hi) - i64::from(lo) + 1 - n.reserved_ports.len() as i64;
    let allocs = if n.max_allocs > 0 {
        n.max_allocs
    } else {
        NO_LIMIT
    };
    Some([c.cpu, c.memory, c.disk, mbits, ports.max(0), allocs])
}

fn add(to: &mut Room, r: &Room, times: i64) {
    for (t, x) in to.iter_mut().zip(r) {
        *t = t.saturating_add(x.saturating_mul(times));
    }
}

/// The fewest allocations asking `a` that nodes of `capacities` still hold
/// under usage `w`, however it is spread (see the module's bound).
fn slots_left(capacities: &[Room], a: &Room, w: &Room, per_node: i64) -> i64 {
    let asked: Vec<usize> = (0..DIMS).filter(|&d| a[d] > 0).collect();
    let most = |c: &Room| {
        asked
            .iter()
            .map(|&d| c[d] / a[d])
            .min()
            .unwrap_or(NO_LIMIT)
            .clamp(0, per_node)
    };
    // Each node's slots when empty, once (not once per dimension and use).
    let mosts: Vec<i64> = capacities.iter().map(most).collect();
    let whole: i64 = mosts.iter().sum();
    // A further slot of a node is taken only once its first is: with `m`
    // first slots paid, at most the `m` largest nodes' further slots (each
    // bound taken at its extreme, so still a bound).
    let mut further: Vec<i64> = mosts.iter().map(|m| (m - 1).max(0)).collect();
    further.sort_unstable_by(|x, y| y.cmp(x));
    let mut taken = 0i64;
    for &d in &asked {
        // The first slot of each node in dimension d, cheapest first.
        let mut firsts: Vec<i64> = capacities
            .iter()
            .zip(&mosts)
            .filter(|(_, &m)| m > 0)
            .map(|(c, &m)| c[d] - m * a[d] + 1)
            .collect();
        firsts.sort_unstable();
        let (mut best, mut paid, mut reach) = (0i64, 0i64, 0i64);
        for (m, cost) in std::iter::once(0).chain(firsts).enumerate() {
            paid = paid.saturating_add(cost);
            if paid > w[d] {
                break;
            }
            if m > 0 {
                reach = reach.saturating_add(further.get(m - 1).copied().unwrap_or(0));
            }
            let more = ((w[d] - paid) / a[d]).min(reach);
            best = best.max(m as i64 + more);
        }
        taken = taken.saturating_add(best);
    }
    whole - taken
}

#[cfg(test)]
#[path = "history_bound_property.rs"]
mod property;
#[cfg(test)]
#[path = "history_bound_tests.rs"]
mod tests;
