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
//! the node it sits on. If what is left is at least `k` in every group, no
//! history fails the plan.
//!
//! Anything the bound does not model answers "may vary" (the caller then
//! samples): a per-node job that places, devices, reserved cores, volumes,
//! `distinct_*` constraints, a node feasible only by a check that reads what
//! is placed or by a draw of Go's map order, a node with several networks,
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

#[path = "history_bound_in_place.rs"]
mod in_place;

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
    let mut usage: Room = [0; DIMS];
    // Each live allocation's and placement's static ports (a holder of
    // one of a group's static ports blocks at most its own node).
    let mut holders: Vec<Vec<u16>> = Vec::new();
    // Each live allocation and its room, by ID: an in-place update asking
    // no more keeps its node and its room, where its node still takes it.
    let mut live: std::collections::HashMap<&str, (&crate::cluster::Allocation, Room)> =
        Default::default();
    let mut per_node: std::collections::BTreeMap<(&str, &str, &str), (usize, Room)> =
        Default::default();
    for list in &engine.by_node {
        for a in list.iter().filter_map(|&i| state.allocs.get(i)) {
            let Some(r) = room_of(&a.resources, false) else {
                return Some("a live allocation reserves cores");
            };
            add(&mut usage, &r, 1);
            live.insert(&*a.id, (a, r));
            holders.push(static_ports(&a.resources));
            if a.job_type.is_per_node() {
                let e = per_node
                    .entry((&a.namespace, &a.job_id, &a.task_group))
                    .or_insert((0, r));
                e.0 += 1;
            }
        }
    }
    for (held, r) in per_node.values() {
        add(
            &mut usage,
            r,
            state.nodes.len().saturating_sub(*held) as i64,
        );
    }
    // A per-node job's static ports on the nodes it does not hold yet.
    let missing: usize = per_node
        .values()
        .map(|(held, _)| state.nodes.len().saturating_sub(*held))
        .sum();
    let unheld: Vec<u16> = state
        .allocs
        .iter()
        .filter(|a| a.job_type.is_per_node())
        .flat_map(|a| static_ports(&a.resources))
        .collect();
    holders.extend(std::iter::repeat_n(unheld, missing));
    // The plan's placements by group: how many, and the most each asks.
    let mut groups: Vec<(&str, usize, Room)> = Vec::new();
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
        let in_place::Kept {
            stays: kept,
            unchanged,
        } = match live.get(&*p.alloc.id) {
            Some(&(a, lr)) if p.in_place && lr == r => {
                in_place::stays_put(sim, &mut engine, job, a, &mut kept_memo)
            }
            _ => in_place::Kept::default(),
        };
        // A group whose spec and node scope did not change (a comment
        // edit, which our plan still updates in place) risks in another
        // history only what its running version risks, as an ignored
        // group does: no slot is asked of it (the hook's common case).
        if kept && unchanged {
            continue;
        }
        // A kept one still needs its slot: in another history the world's
        // replay may have left it unplaced (a node another job filled
        // first), and there the plan places it anew (rt19c R19-C-1:
        // reconcile_cluster.go v2.0.5:791 `computeUnderProvisionedBy`).
        // So it counts among its group's placements; its room and ports are
        // in `usage` and `holders` already, as a live allocation's.
        let ports = static_ports(&p.alloc.resources);
        statics.push((&p.alloc.task_group, ports.clone()));
        if !kept {
            add(&mut usage, &r, 1);
            holders.push(ports);
        }
        match groups.iter_mut().find(|(g, ..)| *g == &*p.alloc.task_group) {
            Some((_, k, most)) => {
                *k += 1;
                for (m, x) in most.iter_mut().zip(r) {
                    *m = (*m).max(x);
                }
            }
            None => groups.push((&p.alloc.task_group, 1, r)),
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
    if job.job_type.is_per_node() && !plan.placements.is_empty() {
        return Some("a per-node job that places");
    }
    if groups.is_empty() {
        return None;
    }
    // Nor a job-level constraint that reads what is placed.
    if job.constraints.iter().any(placement_bound) {
        return Some("a job with distinct constraints that places");
    }
    let version = world.nomad_version;
    groups.iter().find_map(|&(name, k, a)| {
        let Some(tg) = job.group(name) else {
            return Some("a placement of no group of the job");
        };
        if tg.constraints.iter().any(placement_bound)
            || tg
                .tasks
                .iter()
                .any(|t| t.constraints.iter().any(placement_bound))
            || !tg.volumes.is_empty()
        {
            return Some("a group with volumes or distinct constraints");
        }
        let ask = Ask {
            job,
            tg,
            res: crate::scheduler::quota::placed_resources(tg, world),
            alloc_name: String::new(),
            penalty: Vec::new(),
        };
        // The group's static ports: one allocation per node at most, none
        // on a node that reserves one, and each other holder of one takes
        // at most its node (the group's own placements take one slot each).
        let own: Vec<u16> = statics
            .iter()
            .filter(|(g, _)| *g == name)
            .flat_map(|(_, p)| p.iter().copied())
            .collect();
        let held = holders
            .iter()
            .filter(|h| h.iter().any(|p| own.contains(p)))
            .count()
            .saturating_sub(if own.is_empty() { 0 } else { k });
        let mut capacities = Vec::new();
        for (pos, n) in state.nodes.iter().enumerate() {
            if !schedulable(n)
                || !in_job_scope(version, job, n)
                || n.reserved_ports.iter().any(|p| own.contains(p))
            {
                continue;
            }
            match engine.infeasible(&ask, pos, n, false) {
                None => match capacity(n, version) {
                    Some(c) => capacities.push(c),
                    None => return Some("a node with several networks"),
                },
                // Filtered by what is placed: another history may not.
                Some(f) if f.reads_placed => return Some("a node filtered by what is placed"),
                Some(_) => {}
            }
        }
        // A feasibility verdict Go's map order drew is no fact of the node.
        if !engine.drawn.is_empty() {
            return Some("a feasibility verdict drawn by Go's map order");
        }
        // Usage besides this group's own placements (they take one slot each).
        let mut others = usage;
        add(&mut others, &a, -(k as i64));
        let per_node = if own.is_empty() { NO_LIMIT } else { 1 };
        let left = slots_left(&capacities, &a, &others, per_node) - held as i64;
        (left < k as i64).then_some("no room in some history")
    })
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
    let whole: i64 = capacities.iter().map(most).sum();
    let mut taken = 0i64;
    for &d in &asked {
        // The first slot of each node in dimension d, cheapest first.
        let mut firsts: Vec<i64> = capacities
            .iter()
            .filter(|c| most(c) > 0)
            .map(|c| c[d] - most(c) * a[d] + 1)
            .collect();
        firsts.sort_unstable();
        // A further slot of a node is taken only once its first is: with
        // `m` first slots paid, at most the `m` largest nodes' further
        // slots (each bound taken at its extreme, so still a bound).
        let mut further: Vec<i64> = capacities.iter().map(|c| (most(c) - 1).max(0)).collect();
        further.sort_unstable_by(|x, y| y.cmp(x));
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
mod tests {
    use super::*;

    /// The embedded demo, its files edited by `edits` (path, from, to), and
    /// sockshop's carts given `count = 2` and `memory` MB: does the bound
    /// show the plan fits after every history, for several seeds?
    fn demo_carts(
        edits: &[(&str, &str, &str)],
        extra: &[(&str, &str)],
        memory: &str,
    ) -> Vec<Option<&'static str>> {
        let mut vfs = crate::embedded::demo();
        use crate::vfs::Vfs;
        let read = |vfs: &crate::vfs::MemVfs, p: &str| {
            vfs.read(std::path::Path::new(p))
                .map(|s| s.text.to_string())
                .expect("demo file")
        };
        for (path, from, to) in edits {
            let text = read(&vfs, path);
            assert!(text.contains(from), "{path}: {from}");
            vfs.insert(path, text.replacen(from, to, 1));
        }
        for (path, text) in extra {
            vfs.insert(path, *text);
        }
        let text = read(&vfs, "jobs/sockshop.nomad");
        let (head, carts) = text.split_once("group \"carts\"").expect("carts");
        let carts = carts.replacen("count = 1", "count = 2", 1).replacen(
            "memory = 1024",
            &format!("memory = {memory}"),
            1,
        );
        answers(
            &vfs,
            "jobs/sockshop.nomad",
            &format!("{head}group \"carts\"{carts}"),
        )
    }

    /// Carts 1 -> 2 in the demo: the carts group changed, so its running
    /// allocation needs its slot beside the new one (R19-C-1); sockshop's
    /// other groups are unchanged and ask none (as ignored groups). It
    /// has room in every history, whatever this replay's; R18-C1's
    /// 1728 MB carts beside the running monitoring job has not.
    #[test]
    fn the_demo_carts_step_is_shown_to_fit_and_r18_c1_is_not() {
        assert_eq!(demo_carts(&[], &[], "1024"), [None; 4]);
        let monitor = [
            (
                "jobs/monitoring.nomad",
                "#namespace= \"monitor\"",
                "namespace = \"monitor\"",
            ),
            (
                "jobs/monitoring.nomad",
                "priority    = 10",
                "priority    = 41",
            ),
            (
                "rules/cluster.hcl",
                "  \"jobs/sockshopui.nomad\",",
                "  \"jobs/sockshopui.nomad\",\n  \"jobs/monitoring.nomad\",",
            ),
        ];
        let ns = [("rules/namespaces/monitor.hcl", "name = \"monitor\"\n")];
        assert_eq!(
            demo_carts(&monitor, &ns, "1600"),
            [Some("no room in some history"); 4]
        );
    }

    /// `text` planned in the embedded demo world (sockshop and the UI
    /// running, their histories redrawn by each seed): why the bound
    /// cannot show it fits after every history, for several seeds.
    fn demo_job(text: &str) -> Vec<Option<&'static str>> {
        answers(&crate::embedded::demo(), "j.nomad", text)
    }

    /// `text`, read as the file `path`, planned in the world of `vfs` under
    /// seeds 1 to 4: why the bound cannot show each plan fits.
    fn answers(vfs: &crate::vfs::MemVfs, path: &str, text: &str) -> Vec<Option<&'static str>> {
        let world = match crate::world::load(vfs, std::path::Path::new("rules")) {
            Ok((w, _)) => w,
            Err(d) => panic!("demo world: {d:?}"),
        };
        let parsed = crate::rules::testing::load_at(path, text, world.nomad_version);
        let job = parsed.job.expect("job");
        let job =
            crate::mutators::apply(&job, world.nomad_version, &world.server).expect("admitted");
        (1..=4)
            .map(|seed| {
                let sim = Simulation::new(&world, seed).expect("simulates");
                let plan = sim.plan_admitted(&job);
                unproven(&sim, &job, &plan)
            })
            .collect()
    }

    /// A job whose groups ask `count` each, `kind` its type, with a
    /// job-level `distinct_hosts` (a check that reads what is placed).
    fn distinct_job(kind: &str, count: u32) -> String {
        format!(
            "job \"j\" {{\n  datacenters = [\"dc1\"]\n  type = \"{kind}\"\n  constraint {{\n    operator = \"distinct_hosts\"\n    value = \"true\"\n  }}\n  group \"g\" {{\n    count = {count}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"busybox:1.36\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
        )
    }

    /// A plan that places nothing cannot fail in another history, even
    /// where the job's constraints read what is placed (the corpus's
    /// distinct_hosts and distinct_property fixtures, count 0, sampled a
    /// hundred plans each before); one that places does not get the
    /// shortcut.
    #[test]
    fn a_plan_placing_nothing_fits_every_history_and_one_placing_is_not_shown() {
        assert_eq!(demo_job(&distinct_job("service", 0)), [None; 4]);
        assert_eq!(
            demo_job(&distinct_job("service", 1)),
            [Some("a job with distinct constraints that places"); 4]
        );
    }

    /// A per-node job that places (one allocation on each client, whose
    /// room another history's running jobs may have taken) is not shown
    /// to fit: its bound is not modelled.
    #[test]
    fn a_per_node_job_that_places_is_not_shown_to_fit() {
        let text = distinct_job("system", 1).replace(
            "  constraint {\n    operator = \"distinct_hosts\"\n    value = \"true\"\n  }\n",
            "",
        );
        assert_eq!(demo_job(&text), [Some("a per-node job that places"); 4]);
    }

    /// rv19-3: the running system job (the demo's UI) updated in place
    /// only (its priority) is not shown to fit either: another history
    /// may hold no UI allocation on a node sockshop filled first, and there
    /// its plan places anew.
    #[test]
    fn a_running_per_node_job_updated_in_place_is_not_shown_to_fit() {
        use crate::vfs::Vfs;
        let vfs = crate::embedded::demo();
        let text = vfs
            .read(std::path::Path::new("jobs/sockshopui.nomad"))
            .map(|s| s.text.to_string())
            .expect("demo file");
        assert!(text.contains("type = \"system\""), "{text}");
        let edited = text.replacen("type = \"system\"", "type = \"system\"\n  priority = 51", 1);
        assert_eq!(demo_job(&edited), [Some("a per-node job that places"); 4]);
    }

    fn node(memory: i64) -> Room {
        [4600, memory, 18000, 300, 12001, NO_LIMIT]
    }

    /// The demo's carts (1152 MB) on three 3951 MB clients: 5584 MB of
    /// sockshop and the UI leave at least one slot however they sit; the
    /// 1728 MB carts of R18-C1 beside monitoring's 3072 MB may find none.
    #[test]
    fn the_bound_keeps_room_that_no_arrangement_can_take() {
        let nodes = [node(3951), node(3951), node(3951)];
        let carts = [200, 1152, 300, 20, 2, 1];
        let used = [1500, 5584, 3900, 150, 24, 15];
        assert!(slots_left(&nodes, &carts, &used, NO_LIMIT) >= 1);
        let big = [200, 1728, 300, 20, 2, 1];
        let more = [3500, 8656 + 1728, 7200, 190, 28, 17];
        assert!(slots_left(&nodes, &big, &more, NO_LIMIT) < 1);
        // Usage that cannot block a node in any one dimension takes nothing.
        assert_eq!(slots_left(&nodes, &carts, &[0; DIMS], NO_LIMIT), 9);
    }

    /// The demo's payment (16 MB, 10 Mbit) beside the rest of sockshop:
    /// 5184 MB can pass one node's first slot in memory, and then take
    /// only that node's further slots, not every node's (it took 88 of 90
    /// slots, so with the mbits' 13 the bound found none left).
    #[test]
    fn usage_takes_further_slots_only_of_nodes_whose_first_it_took() {
        let nodes = [node(3951), node(3951), node(3951)];
        let payment = [100, 16, 300, 10, 1, 1];
        let others = [1100, 5184, 1500, 110, 11, 5];
        assert_eq!(slots_left(&nodes, &payment, &others, NO_LIMIT), 47);
    }

    /// Brute force over every split of whole allocations of one size on
    /// two nodes: the bound never promises more than the worst split.
    #[test]
    fn the_bound_is_never_above_the_worst_split() {
        for cap in [1000i64, 1500, 2300] {
            for size in [100i64, 300, 700] {
                for items in 0..8i64 {
                    for ask in [200i64, 450, 1000] {
                        let nodes = [[0, cap, 0, 0, 0, NO_LIMIT]; 2];
                        let a = [0, ask, 0, 0, 0, 1];
                        let bound =
                            slots_left(&nodes, &a, &[0, size * items, 0, 0, 0, items], NO_LIMIT);
                        let worst = (0..=items)
                            .filter(|i| i * size <= cap && (items - i) * size <= cap)
                            .map(|i| {
                                ((cap - i * size) / ask).max(0)
                                    + ((cap - (items - i) * size) / ask).max(0)
                            })
                            .min();
                        if let Some(worst) = worst {
                            assert!(
                                bound <= worst,
                                "cap {cap} size {size} x{items} ask {ask}: {bound} > {worst}"
                            );
                        }
                    }
                }
            }
        }
    }
}
