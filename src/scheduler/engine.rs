//! One evaluation's state: the shuffled candidate nodes, what each node
//! holds, and the in-memory plan later placements see (stops, preemptions,
//! placements), plus building the allocation for a chosen node. The stages
//! that read it live beside it, as Nomad's scheduler splits them:
//! [`feasibility`](super::feasibility) (constraints, drivers, computed
//! classes), [`quota`](super::quota), [`rank`](super::rank) (fit, eviction
//! and scores), [`select`](super::select) (limit and max score) and
//! [`preempt`](super::preempt) (choosing victims).

use std::collections::{HashMap, HashSet};

use super::feasibility::{in_job_scope, schedulable};
use super::fit::Comparable;
use super::node_allocs::{live_on, node_positions, Dropped, Stored, GONE, REPLACED};
use super::QuotaUsage;
use crate::cluster::usage::UsageOverflow;
use crate::cluster::{AllocResources, Allocation, Node, State};
use crate::ids::{Id, SplitMix64};
use crate::jobspec::{Job, JobType, TaskGroup};
use crate::world::World;

pub use super::eval_plan::Plan;
use super::eval_plan::{Made, Slot};
pub use super::rank::RankedNode;

/// What one placement asks for.
#[derive(Clone)]
pub struct Ask<'j> {
    pub job: &'j Job,
    pub tg: &'j TaskGroup,
    pub res: AllocResources,
    /// The allocation's name (`job.group[3]`): a `per_alloc` volume is the
    /// volume named with its index (`source[3]`, `structs.AllocSuffix`).
    pub alloc_name: String,
    /// Nodes the placement avoids (`NodeReschedulingPenaltyIterator`'s
    /// penalty nodes): see `generic_placing.rs` `penalty_nodes`.
    pub penalty: Vec<String>,
}

impl<'j> Ask<'j> {
    /// What group `tg` of `job` asks of a node, as placed in `world`
    /// (`quota::placed_resources`), for no allocation name in particular
    /// and avoiding no node.
    pub fn of_group(job: &'j Job, tg: &'j TaskGroup, world: &crate::world::World) -> Ask<'j> {
        Ask {
            job,
            tg,
            res: crate::scheduler::quota::placed_resources(tg, world),
            alloc_name: String::new(),
            penalty: Vec::new(),
        }
    }

    /// `structs.AllocSuffix`: the `[index]` tail of the allocation's name.
    pub fn alloc_suffix(&self) -> &str {
        self.alloc_name
            .rfind('[')
            .and_then(|i| self.alloc_name.get(i..))
            .unwrap_or("")
    }
}

/// The hasher of the engine's ID lookups (node and allocation IDs, 36
/// bytes each): SipHash over 100,000 allocation IDs and their node IDs was
/// over a third of a 5,000-client plan's own work. foldhash is several
/// times cheaper and still seeded at random per process, since IDs from an
/// imported cluster are input.
pub(super) type IdHash = foldhash::fast::RandomState;

pub struct Engine<'w> {
    pub world: &'w World,
    pub state: &'w State,
    pub(super) node_pos: HashMap<&'w str, usize, IdHash>,
    /// Allocation ID → index in state.allocs, built on first use: only
    /// a placement that preempts asks, and hashing every allocation's ID
    /// for every evaluation was a tenth of a plan on a large cluster.
    pub(super) alloc_pos: std::cell::OnceCell<HashMap<&'w str, usize, IdHash>>,
    /// Non-terminal allocations per node position: indexes into state.allocs.
    pub by_node: Vec<Vec<usize>>,
    /// The stored allocations the plan so far takes off their node
    /// (stopped, preempted, replaced in place, or set aside while an
    /// in-place fit is checked), by index into state.allocs.
    /// `proposed_iter` asks for every allocation of every node it ranks:
    /// hashing each one's 36-byte ID into two ID sets was a twentieth of
    /// `plan --samples 1000`. Allocation IDs are unique in a state (a
    /// world refuses a pinned ID twice; new ones are seeded UUIDs), so a
    /// bit per stored allocation says what a set of their IDs said.
    pub(super) dropped: Dropped,
    pub plan: Plan,
    pub rng: SplitMix64,
    /// Circular node source: shuffled candidate positions and the offset
    /// the next placement starts from.
    pub(super) source: Vec<usize>,
    pub(super) offset: usize,
    /// The LimitIterator's limit: set from the node count when the nodes
    /// are set, raised by a group with affinities or spreads and kept so
    /// for the evaluation's later selects ([`Engine::limit`]).
    pub(super) limit: usize,
    pub(super) job_class_ok: HashMap<u64, bool, IdHash>,
    /// Per computed class, each group's verdict by name: looked up by
    /// `&str`, where a `(String, class)` key cloned the group's name on
    /// every feasibility check.
    pub(super) tg_class_ok: HashMap<u64, Vec<(String, bool)>, IdHash>,
    /// Per group name: do the job's and the group's constraints name a
    /// unique node value (so their verdicts are not cached per class)?
    /// Scanning every target for it on every check was a twentieth of
    /// `plan --samples 1000`.
    pub(super) escapes: Vec<(String, bool, bool)>,
    /// Usage (resources, Mbit) of each node's stored allocations, and the
    /// nodes the plan has changed since: untouched nodes can be rejected
    /// without materialising their allocation list.
    pub(super) base: Vec<(Comparable, i64)>,
    pub(super) touched: HashSet<usize, IdHash>,
    /// Whether an untouched node's stored allocations collide on a port
    /// ([`super::alloc_ports`]), worked out the first time it is ranked.
    pub(super) base_collision: Vec<std::sync::OnceLock<super::alloc_ports::Collision>>,
    /// Does any allocation a node's proposed list can hold (stored live,
    /// or placed by this plan) hold a port? Without one no node's
    /// allocations can collide, and ranking skips the walk.
    pub(super) ports_held: bool,
    /// Quota usage of the placing job's quota before this plan.
    /// An overflow (only from allocations a world could not hold) fails
    /// the quota stage with the bound it passed.
    pub(super) quota_base: Option<(String, Result<QuotaUsage, UsageOverflow>)>,
    /// The quota usage after the plan so far, as last worked out
    /// ([`super::quota::UsageMemo`]).
    pub(super) quota_memo: std::cell::RefCell<Option<super::quota::UsageMemo>>,
    pub nondeterminism: Vec<String>,
    /// Notes of outcomes drawn by Go's map order or a class split (the
    /// text says them too).
    pub drawn: Vec<String>,
    /// Go's map orders' own stream ([`super::map_order`]), a cell as
    /// ranking draws (`&self`); only a draw advances it.
    pub(super) map_draws: std::cell::RefCell<super::map_order::MapDraws>,
    /// The notes already written, by kind and group: a note's text
    /// follows from these alone, and formatting it again on every
    /// placement (the evaluation keeps one of each) was a hundredth of
    /// `plan --samples 1000`.
    noted: Vec<(Note, String)>,
    /// Does the caller read the notes? Replays and sampled plans read only
    /// placements and failures, and formatting their notes was 2% of
    /// `plan --samples`.
    pub(super) notes_read: bool,
    /// Did a select filter a node by a check that reads what is placed
    /// ([`super::filtered::Filtered::reads_placed`])?
    pub(super) filtered_by_placed: bool,
    /// Namespace of the job being evaluated.
    pub current_namespace: String,
    /// The evaluated job's namespace and ID, and its groups' names (see
    /// [`Engine::group_id`]), shared by every allocation it places.
    job_ids: (Id, Id),
    group_ids: Vec<Id>,
    /// Per node position placed on: its ID, and its first network's device
    /// and IP, shared by its placements. Indexed by position: a list
    /// searched for the node made every placement's lookup as long as the
    /// nodes placed on so far, and a copy of the node's ID per allocation
    /// was 100,000 small blocks of a 5,000-client replay.
    node_ids: Vec<NodeIds>,
    /// What the CSI checker reads of the state (`None`: no CSI volumes).
    pub(super) csi: Option<super::csi::CsiIndex>,
    /// The network the stack's `NetworkChecker` holds (set by the last
    /// group that has one).
    pub(super) net_ask: super::network_check::NetworkAsk,
    /// The job under evaluation when it is planned against many replays:
    /// it remembers verdicts that depend on the specs alone.
    pub(super) planned: Option<&'w super::sim::Planned>,
    /// What the SpreadIterator keeps across the evaluation's selects.
    pub(super) spread: super::spread::SpreadState,
    /// The first panic of Nomad's server the evaluation reaches
    /// ([`super::server_crash`]); a cell as ranking reads (`&self`).
    pub(super) crash: std::cell::RefCell<Option<super::server_crash::ServerCrash>>,
    /// The first allocation of unknown priority a preemption considered
    /// where its priority decides it ([`super::preempt::PriorityUnknown`]).
    pub(super) priority_unknown: std::cell::RefCell<Option<super::preempt::PriorityUnknown>>,
}

/// A node's IDs its placements share ([`Engine::materialize`]), each made
/// the first time one asks.
#[derive(Debug, Default, Clone)]
struct NodeIds {
    id: Option<Id>,
    net: Option<(Id, Id)>,
}

/// What a nondeterminism note says about its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Note {
    /// More nodes fit than the stack's limit.
    Limit(usize),
    /// Nodes tie on score; what the tie decides.
    Tie(&'static str),
    /// The NetworkChecker holds another group's network.
    Network,
    /// A port's host network alias is Go's map order's pick (0.12–1.0).
    Alias,
    /// Go's map order chose which allocations free a network ask.
    NetworkVictims,
    /// Go's map order chose which allocations a shrinking group stops.
    StopOrder,
    /// An even spread's minimum was read in Go's map order.
    SpreadOrder,
    /// Clients of one computed class differ on a check Nomad caches per
    /// class: the first one checked decides for the others.
    ClassCache,
    /// Go's map order chose among equally close preemption victims.
    PreemptOrder,
    /// Go's map order chose the order groups are placed in.
    GroupOrder,
    /// Go's map order chose the order a system job visits the nodes in, which
    /// what it names reads: a distinct_property constraint, the quota's room.
    NodeOrder(&'static str),
    Device(&'static str), // Go's map order chose a device model: "check" or "offer".
    Drivers,     // Go's map order chose the driver answering the driver check (0.8.0–0.9.5).
    OnePortDraw, // The shuffle decides whether a client whose port draw panics is met.
}

impl<'w> Engine<'w> {
    /// Record the note `kind` about `group` once per evaluation (the
    /// result keeps each text once): `text` is made only the first time.
    pub(super) fn note(&mut self, kind: Note, group: &str, text: impl FnOnce() -> String) {
        if !self.notes_read || self.noted.iter().any(|(k, g)| *k == kind && g == group) {
            return;
        }
        self.noted.push((kind, group.to_string()));
        self.nondeterminism.push(text());
    }

    /// Were notes written, all of them of the order the groups are
    /// placed in (nothing else of the plan is known to rest on chance)?
    pub(super) fn only_group_order_noted(&self) -> bool {
        !self.noted.is_empty() && self.noted.iter().all(|(k, _)| *k == Note::GroupOrder)
    }

    /// Would a note of `kind` about `group` be written now (the caller
    /// reads notes and none is written yet)? For notes whose evidence
    /// costs work to gather.
    pub(super) fn wants_note(&self, kind: Note, group: &str) -> bool {
        self.notes_read && !self.noted.iter().any(|(k, g)| *k == kind && g == group)
    }

    /// An engine for `job` against `state` (the job versions its
    /// allocations run are looked up in the world's pinned history and the
    /// registered jobs; see [`Engine::with_history`]).
    pub fn new(world: &'w World, state: &'w State, job: &Job, rng_seed: u64) -> Engine<'w> {
        static NONE: super::generic::JobHistory = std::collections::BTreeMap::new();
        Engine::with_history(world, state, &NONE, job, rng_seed)
    }

    /// [`Engine::new`] reading the job version each allocation runs from
    /// `history` (every version the simulation registered).
    pub fn with_history(
        world: &'w World,
        state: &'w State,
        history: &super::generic::JobHistory,
        job: &Job,
        rng_seed: u64,
    ) -> Engine<'w> {
        let node_pos = node_positions(state);
        let by_node = live_on(state, &node_pos, world.nomad_version);
        let quota_base = world.quota_of(&job.namespace).map(|q| {
            (
                q.name.clone(),
                crate::cluster::usage::quota_usage(world, state, &q.name, &world.region),
            )
        });
        let mut e = Engine {
            world,
            state,
            node_pos,
            alloc_pos: std::cell::OnceCell::new(),
            by_node,
            dropped: Dropped::default(),
            plan: Plan::default(),
            rng: SplitMix64::new(rng_seed),
            source: Vec::new(),
            offset: 0,
            limit: 2,
            job_class_ok: HashMap::default(),
            tg_class_ok: HashMap::default(),
            escapes: Vec::new(),
            base: Vec::new(),
            touched: HashSet::default(),
            base_collision: Vec::new(),
            ports_held: false,
            quota_base,
            quota_memo: std::cell::RefCell::new(None),
            nondeterminism: Vec::new(),
            drawn: Vec::new(),
            map_draws: super::map_order::MapDraws::cell(rng_seed),
            noted: Vec::new(),
            notes_read: true,
            filtered_by_placed: false,
            current_namespace: job.namespace.clone(),
            job_ids: (Id::from(&job.namespace), Id::from(&job.id)),
            group_ids: Vec::new(),
            node_ids: Vec::new(),
            net_ask: Default::default(),
            planned: None,
            spread: Default::default(),
            crash: Default::default(),
            priority_unknown: Default::default(),
            // `CSIVolumesByNodeID` reads each allocation's own job
            // (`a.Job`): the version it runs, not the registered one, which
            // a `job run` has already replaced when its evaluation runs.
            csi: super::csi::CsiIndex::build(world, &state.nodes, &state.allocs, |a| {
                let key = a.spec_key();
                history
                    .get(&key)
                    .map(|j| j.as_ref())
                    .or_else(|| world.pinned.as_ref().and_then(|p| p.history.get(&key)))
                    .or_else(|| {
                        state
                            .job(&a.namespace, &a.job_id)
                            .filter(|r| a.runs_version(r.version))
                            .map(|r| r.job.as_ref())
                    })
            }),
        };
        e.base_collision = e.by_node.iter().map(|_| Default::default()).collect();
        e.ports_held = e
            .by_node
            .iter()
            .flatten()
            .filter_map(|&i| state.allocs.get(i))
            .any(super::alloc_ports::holds_any);
        e.base = e
            .by_node
            .iter()
            .enumerate()
            .map(|(pos, idx)| {
                let mut used = Comparable::default();
                let mut bw = 0;
                // The bandwidth the index counts on the node's first device.
                let nets = state.nodes.get(pos).map_or(&[][..], |n| &n.networks[..]);
                let first = nets.first().map_or("", |d| d.device.as_str());
                let reported = |d: &str| nets.iter().any(|o| !o.device.is_empty() && o.device == d);
                for a in idx.iter().filter_map(|&i| state.allocs.get(i)) {
                    used.add(&Comparable::of(&a.resources));
                    bw += super::net_held::indexed(&a.resources.networks, world.nomad_version)
                        .filter(|h| h.on_device(first, reported))
                        .map(|h| h.mbits)
                        .sum::<i64>();
                }
                (used, bw)
            })
            .collect();
        e.source = e.ready_nodes(job);
        let mut src = std::mem::take(&mut e.source);
        e.rng.shuffle(&mut src);
        e.source = src;
        e.limit = e.nodes_limit(job);
        e
    }

    /// Does moving an allocation of `old_job`'s `old` to `job`'s `tg` need a
    /// new allocation ([`super::reconcile`]; 1.11+: [`super::secret_compare`])?
    pub(super) fn destructive(
        &self,
        old_job: &std::sync::Arc<Job>,
        old: &TaskGroup,
        job: &Job,
        tg: &TaskGroup,
    ) -> bool {
        self.secret_compare(old_job, old, job, tg);
        let version = self.world.nomad_version;
        let judge = || super::reconcile::destructive_change(old_job, old, job, tg, version);
        match self.planned {
            Some(p) => p.destructive(old_job, &tg.name, version, judge),
            None => judge(),
        }
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
        self.proposed_iter(pos).collect()
    }

    /// [`Engine::proposed`], walked in place: ranking a node reads them
    /// several times, and collecting them into a list for each node ranked
    /// was a thirtieth of `plan --samples`.
    pub(super) fn proposed_iter(&self, pos: usize) -> impl Iterator<Item = &Allocation> + Clone {
        let plan = &self.plan;
        let dropped = &self.dropped;
        let state = self.state;
        self.by_node
            .get(pos)
            .into_iter()
            .flatten()
            .filter(move |&&i| !dropped.has(i))
            .filter_map(move |&i| state.allocs.get(i))
            .chain(plan.placed.on_node(pos))
    }

    /// How many of the node's stored allocations the plan so far has
    /// taken off it (stopped or preempted: Nomad's `RemoveAllocs`).
    pub(super) fn gone_on(&self, pos: usize) -> usize {
        let dropped = &self.dropped;
        self.by_node
            .get(pos)
            .map_or(0, |list| list.iter().filter(|&&i| dropped.gone(i)).count())
    }

    pub(super) fn stored(&self, id: &str) -> Option<&'w Allocation> {
        let state = self.state;
        self.alloc_pos
            .get_or_init(|| {
                state
                    .allocs
                    .iter()
                    .enumerate()
                    .map(|(i, a)| (a.id.as_str(), i))
                    .collect()
            })
            .get(id)
            .and_then(|&i| state.allocs.get(i))
    }

    pub(super) fn touch(&mut self, node_id: &str) {
        if let Some(p) = self.node_position(node_id) {
            self.touched.insert(p);
        }
    }

    /// Where the stored allocation `a` sits among its node's live ones
    /// (`None`: not live, or its node is unknown, so no node's proposed
    /// list holds it and there is nothing to drop).
    fn live_index(&self, a: &Allocation) -> Option<usize> {
        let pos = self.node_position(&a.node_id)?;
        let state = self.state;
        self.by_node
            .get(pos)?
            .iter()
            .copied()
            .find(|&i| state.allocs.get(i).is_some_and(|s| s.id == a.id))
    }

    /// Take (or, with `on` false, put back) a stored allocation off its
    /// node in the plan so far, as `flag` says why.
    fn set_dropped(&mut self, a: &Allocation, flag: u8, on: bool) {
        let Some(pos) = self.node_position(&a.node_id) else {
            return;
        };
        let Some(i) = self.live_index(a) else {
            return;
        };
        // The stored allocation's own resources: the ones `proposed_iter`
        // yields for it.
        let asks = self
            .state
            .allocs
            .get(i)
            .map_or_else(Comparable::default, |s| Comparable::of(&s.resources));
        let stored = Stored {
            index: i,
            allocs: self.state.allocs.len(),
            pos,
            nodes: self.by_node.len(),
            asks,
        };
        self.dropped.set(&stored, flag, on);
    }

    pub fn stop(&mut self, a: &Allocation) {
        self.touch(&a.node_id);
        self.set_dropped(a, GONE, true);
        self.plan.stops.push(a.clone());
        self.plan.use_memo.clear();
    }

    /// Undo the stop of `a` (a destructive update whose replacement failed).
    pub fn unstop(&mut self, a: &Allocation) {
        self.set_dropped(a, GONE, false);
        self.plan.stops.retain(|s| s.id != a.id);
        self.plan.use_memo.clear();
        // The quota's running usage only extends by what the plan adds.
        self.quota_memo.replace(None);
    }

    /// Place `alloc` on the node at `pos` (or, with none, only list it)
    /// and record the placement for the result.
    pub fn record(
        &mut self,
        pos: Option<usize>,
        alloc: Allocation,
        preempts: Vec<Id>,
        in_place: bool,
    ) {
        let slot = match pos {
            Some(node) => Slot::Placed {
                at: self.place(node, alloc, &preempts, in_place),
            },
            None => Slot::Own(Box::new(alloc)),
        };
        self.plan.made.push(Made {
            slot,
            preempts,
            in_place,
        });
    }

    /// Place `alloc` on the node at `pos`, evicting `victims`. Only an
    /// in-place update can carry a stored allocation's ID (a new one's is
    /// drawn fresh by [`Engine::materialize`]), so only it is looked up:
    /// finding every new allocation's ID among the stored ones hashed all
    /// 100,000 allocation IDs of a large cluster for each plan. Returns
    /// its index among the plan's placements.
    pub fn place(
        &mut self,
        pos: usize,
        alloc: Allocation,
        victims: &[Id],
        in_place: bool,
    ) -> usize {
        self.touched.insert(pos);
        for v in victims {
            if let Some(a) = self.stored(v) {
                self.set_dropped(a, GONE, true);
                self.plan.preempted.push((a.clone(), alloc.id.clone()));
            }
        }
        if in_place {
            if let Some(old) = self.stored(&alloc.id) {
                self.set_dropped(old, REPLACED, true);
                self.plan.replaced.insert(alloc.id.clone());
            }
        }
        self.ports_held |= super::alloc_ports::holds_any(&alloc);
        self.plan.use_memo.clear();
        self.plan.placed.push(pos, alloc)
    }

    /// Does the allocation still fit on its node once its old self is gone?
    /// Nomad stages its stop before the whole select (`AppendStoppedAlloc`,
    /// `stack.Select`, `PopUpdate`: `genericAllocUpdateFn` and
    /// `inplaceUpdate`, scheduler/util.go v0.9.3:786-792 and 510-516,
    /// v2.0.5:868-874 and 632-639), so the feasibility checks too (its
    /// distinct_hosts and distinct_property among them) see the node
    /// without it. Its select reads and keeps the evaluation's per-class
    /// verdicts as any other (`class_cache`: the generic stack's always,
    /// the system stack's before 1.11, [`Engine::system_class_cache`]).
    pub fn fits_in_place(&mut self, ask: &Ask<'_>, old: &Allocation, class_cache: bool) -> bool {
        let Some(pos) = self.node_position(&old.node_id) else {
            return false;
        };
        let Some(n) = self.node(pos) else {
            return false;
        };
        // The system scheduler's `inplaceUpdate` refuses a node out of the
        // job's scope before trying the fit (the generic one decided it in
        // the reconciler: `update_kind`).
        if !super::feasibility::keeps_node_in_place(self.world.nomad_version, ask.job, n) {
            return false;
        }
        // `stack.Select` sets the group on the SpreadIterator (a service
        // or batch job's; the system stack has none), which scores the
        // node that fits: its lowest boost carries to later placements.
        let generic = matches!(ask.job.job_type, JobType::Service | JobType::Batch);
        if generic {
            self.spread_set_group(ask);
        }
        // Staged as a stop of the plan, as Nomad stages it: distinct_property
        // counts the plan's stops ([`Engine::combined_use`]).
        self.stop(old);
        let ok = self.infeasible(ask, pos, n, class_cache).is_none()
            && self.rank(ask, pos, n, false, true).is_ok();
        if ok && generic {
            let _ = self.spread_score(ask, n);
            self.spread.by_map_order.set(false);
        }
        self.unstop(old);
        ok
    }
}

#[path = "engine_materialize.rs"]
mod materialize;
