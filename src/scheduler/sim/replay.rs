//! Building a simulation's state from its world: the clients built from
//! the pools, then each running job registered through the scheduler, or
//! pinned where an import says its allocations run.

use std::collections::{HashMap, HashSet};

use super::{RunError, Simulation};
use crate::cluster::build::build_node;
use crate::cluster::{Allocation, JobRecord, JobStatus, State};
use crate::diag::{Diag, Diags};
use crate::jobspec::Job;
use crate::scheduler::generic::JobHistory;
use crate::world::model::JobIndexes;
use crate::world::World;

/// The world's `running` jobs, each shared (see [`Simulation::replay`]).
/// Every simulation starts here, so here a big cluster turns huge pages
/// back on before its nodes and allocations are built.
pub fn running_jobs(world: &World) -> Vec<std::sync::Arc<Job>> {
    let jobs: Vec<_> = world
        .running
        .iter()
        .map(|r| {
            std::sync::Arc::new(crate::mutators::applied(
                &r.job,
                world.nomad_version,
                &world.server,
            ))
        })
        .collect();
    let (clients, allocs) = crate::scheduler::disk_cache::size(world, &jobs);
    let pinned = world.pinned.as_ref().map_or(0, |p| p.allocs.len() as u64);
    if clients + allocs + pinned >= BIG_STATE {
        crate::huge_pages::allow();
    }
    jobs
}

/// Clients plus allocations from which a simulation's memory is worth
/// huge pages ([`crate::huge_pages`]): the 500-client, 10,000-allocation
/// plan took ~8 ms with them and ~11 without, the demo (3 clients, a
/// dozen allocations) touches a few hundred KB, where zeroing whole huge
/// pages cost more than its small faults.
const BIG_STATE: u64 = 1_000;

/// A registered job's record at its saved indexes `ix`; a job saved
/// without them takes the index after `index`, as a registration would.
/// Its submit time is the cluster's own date when it reported one, else
/// simulated seconds, one per index.
pub(super) fn record_at(
    job: std::sync::Arc<Job>,
    mut ix: JobIndexes,
    index: u64,
    status: JobStatus,
) -> JobRecord {
    if ix.job_modify_index == 0 {
        let next = index + 1;
        (ix.create_index, ix.modify_index, ix.job_modify_index) = (next, next, next);
    }
    JobRecord {
        job,
        version: ix.version,
        create_index: ix.create_index,
        modify_index: ix.modify_index,
        job_modify_index: ix.job_modify_index,
        submit_time: ix.submit_time.map_or_else(
            || i64::try_from(ix.job_modify_index).unwrap_or(i64::MAX),
            crate::cluster::sim_seconds,
        ),
        status,
        unfinished_eval: ix.unfinished_eval,
    }
}

impl Simulation {
    /// [`Simulation::new`] from a shared world and its `running` jobs (as
    /// [`running_jobs`] gives them): replays under many seeds share both
    /// rather than copy them each time.
    pub fn replay(
        world: std::sync::Arc<World>,
        running: &[std::sync::Arc<Job>],
        seed: u64,
    ) -> Result<Simulation, Diags> {
        let state = Simulation::base_state(&world);
        Simulation::replay_from(world, state, running, seed)
    }

    /// The state every replay of `world` starts from, whatever its seed:
    /// the clients built from the pools (node IDs and indexes come from
    /// the world alone) and the namespaces.
    pub fn base_state(world: &World) -> State {
        let mut state = State::default();
        for (pos, pool) in world.clients.iter().enumerate() {
            for i in 1..=pool.count {
                state.index += 1;
                let node = build_node(world, pool, pos, i, state.index);
                state.nodes.push(node);
            }
        }
        state.namespaces = world.namespaces.keys().cloned().collect();
        if !state.namespaces.iter().any(|n| n == "default") {
            state.namespaces.insert(0, "default".to_string());
        }
        state
    }

    /// [`Simulation::replay`] from `state`, which is
    /// [`Simulation::base_state`] of `world` (a caller replaying many seeds
    /// builds it once and copies it).
    pub fn replay_from(
        world: std::sync::Arc<World>,
        state: State,
        running: &[std::sync::Arc<Job>],
        seed: u64,
    ) -> Result<Simulation, Diags> {
        let mut sim = Simulation {
            world: world.clone(),
            state,
            seed,
            job_versions: JobHistory::new(),
            alternatives: super::alternative::Alternatives::new(&world, 0),
        };
        let mut diags = Diags::new();
        let pinned = world.pinned.as_ref();
        // A job is pinned by an allocation or by its registered indexes
        // (an import's job with no allocation has none, and stays so).
        let held: HashSet<(&str, &str)> = pinned
            .into_iter()
            .flat_map(|p| {
                let by_alloc = p
                    .allocs
                    .iter()
                    .map(|a| (a.namespace.as_str(), a.job_id.as_str()));
                let by_job = p.versions.keys().map(|(ns, id)| (ns.as_str(), id.as_str()));
                by_alloc.chain(by_job)
            })
            .collect();
        let mut by_job: HashMap<(&str, &str), Vec<&Allocation>> = HashMap::new();
        for a in pinned.into_iter().flat_map(|p| p.allocs.iter()) {
            by_job
                .entry((a.namespace.as_str(), a.job_id.as_str()))
                .or_default()
                .push(a);
        }
        for (running, job) in world.running.iter().zip(running) {
            let key = (running.job.namespace.as_str(), running.job.id.as_str());
            match pinned {
                Some(p) if !p.schedule_unpinned || held.contains(&key) => {
                    let allocs = by_job.remove(&key).unwrap_or_default();
                    sim.pin(job, p, allocs);
                    continue;
                }
                _ => {}
            }
            // A group past the simulation's bound would be left unplaced
            // (or clamped): the world is not known, never a cluster with
            // the room that job holds (rv19-5). Pinned jobs above keep
            // their allocations as read.
            if let Some(d) = crate::scheduler::count_bound::running_unknown(&world, running, job) {
                diags.push(d);
                continue;
            }
            // `running` holds admitted specs (see `running_jobs`): the
            // mutators are idempotent, so running them again per replay
            // only copied and compared every job spec.
            if let Err(e) = sim.run_admitted(job, None, false) {
                let text = match e {
                    RunError::CheckIndex { message, .. } | RunError::Rejected(message) => message,
                };
                let mut d = Diag::error(
                    "world::running",
                    format!(
                        "running job {:?} could not be registered: {text}",
                        running.job.id
                    ),
                )
                .help(format!("listed in `running` as {}", running.path.display()));
                if let Some(src) = running.job.source.0.as_ref() {
                    d = d.in_source(src);
                }
                diags.push(d);
            }
        }
        if let Some(p) = pinned {
            sim.hold_orphans(p);
            for (k, job) in &p.history {
                sim.job_versions
                    .entry(k.clone())
                    .or_insert_with(|| std::sync::Arc::new(job.clone()));
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        // What a rehearsal writes from here on is its own, not the import's.
        if let Some(facts) = &world.status_facts {
            sim.state.imported_at = Some(sim.state.index);
            let saved = facts.clock_at_save();
            sim.state.import_clock = saved.map(crate::cluster::rounded_sim_seconds);
        }
        sim.alternatives = super::alternative::Alternatives::new(&world, sim.state.index);
        Ok(sim)
    }

    /// One job as it is: registered at its reported version (or, without
    /// one, at the next index as a registration would be) with its
    /// allocations where they run. One pass over them, no scheduling.
    fn pin(
        &mut self,
        job: &std::sync::Arc<Job>,
        pinned: &crate::world::Pinned,
        allocs: Vec<&Allocation>,
    ) {
        // What is registered is the job as the admission mutators leave it.
        let mutated;
        let job = match crate::mutators::applied(job, self.world.nomad_version, &self.world.server)
        {
            m if m == **job => job,
            m => {
                mutated = std::sync::Arc::new(m);
                &mutated
            }
        };
        let key = (job.namespace.clone(), job.id.clone());
        let ix = pinned.versions.get(&key).copied().unwrap_or_default();
        // Its status is derived below, once its allocations are in.
        let record = record_at(job.clone(), ix, self.state.index, JobStatus::Pending);
        let ix = JobIndexes {
            create_index: record.create_index,
            modify_index: record.modify_index,
            job_modify_index: record.job_modify_index,
            ..ix
        };
        let mut top = self
            .state
            .index
            .max(ix.modify_index)
            .max(ix.job_modify_index);
        self.job_versions
            .insert((key.0.clone(), key.1.clone(), ix.version), job.clone());
        self.state.jobs.insert(key.clone(), record);
        self.state.allocs.reserve(allocs.len());
        for a in allocs {
            let mut a = a.clone();
            let group = job.group(&a.task_group);
            self.seat(&mut a, group);
            if a.create_index == 0 {
                a.create_index = ix.job_modify_index;
                a.modify_index = ix.job_modify_index;
            }
            top = top.max(a.create_index).max(a.modify_index);
            self.state.allocs.push(a);
        }
        let status = self.derive_status(&key);
        if let Some(r) = self.state.jobs.get_mut(&key) {
            r.status = status;
        }
        self.state.index = top;
    }

    /// The networks of an allocation as its node holds them. A
    /// hand-written network without a device is held where Nomad places a
    /// task's network: on the node's first device (which PreemptForNetwork
    /// groups allocations by). A group's, from 0.12, keeps the device its
    /// job names, usually none (crate::scheduler::net_held); `group` is
    /// the allocation's group in the job that names its addresses.
    fn seat(&self, a: &mut Allocation, group: Option<&crate::jobspec::TaskGroup>) {
        let v = self.world.nomad_version;
        let host_network = crate::scheduler::net_held::on_host_network(v);
        let g = group.and_then(|g| g.networks.first());
        if let (Some(n), Some(g), true) = (self.state.node(&a.node_id), g, host_network) {
            for net in a.resources.networks.iter_mut().filter(|x| x.group) {
                crate::scheduler::address_ports::default_port_ips(n, g, net, v);
            }
        }
        if let Some(first) = self.state.node(&a.node_id).and_then(|n| n.networks.first()) {
            for net in a
                .resources
                .networks
                .iter_mut()
                .filter(|n| n.device.is_empty() && !(n.group && host_network))
            {
                net.device = first.device.as_str().into();
            }
        }
    }

    /// The allocations of jobs the cluster no longer registers (a job
    /// purged, `nomad job stop -purge`, while its clients still run them):
    /// up to 1.5.12, 1.6.5 and 1.7.2 Nomad's state store keeps each, with
    /// its own copy of its `Job`, until it is collected
    /// (nomad/state/state_store.go `upsertAllocsImpl` re-attaches
    /// `exist.Job`; `DeleteJobTxn` leaves allocations; later releases
    /// delete them with the job: world/api_alloc_purged.rs), and every
    /// evaluation counts what it holds on its node
    /// (scheduler/context.go `ProposedAllocs`: the node's allocations not
    /// terminal on their client, v1.4.0+; not terminal at all before),
    /// and may preempt it by that `Job`'s priority
    /// (scheduler/preemption.go `filterAndGroupPreemptibleAllocs`). They
    /// enter the state without a job record, so no evaluation places,
    /// reschedules or lists them as a job; only those that hold their node
    /// under the world's release ([`Allocation::holds_node`]) enter. In
    /// `pinned.allocs` order.
    fn hold_orphans(&mut self, pinned: &crate::world::Pinned) {
        let v = self.world.nomad_version;
        let registered: HashSet<(&str, &str)> = (self.world.running.iter())
            .map(|r| (r.job.namespace.as_str(), r.job.id.as_str()))
            .collect();
        let orphans = (pinned.allocs.iter())
            .filter(|a| !registered.contains(&(a.namespace.as_str(), a.job_id.as_str())))
            .filter(|a| a.holds_node(v));
        let mut top = self.state.index;
        for a in orphans {
            let mut a = a.clone();
            let key = (
                a.namespace.as_str().to_string(),
                a.job_id.as_str().to_string(),
                a.job_version,
            );
            let own = pinned
                .history
                .get(&key)
                .and_then(|j| j.group(&a.task_group));
            self.seat(&mut a, own);
            top = top.max(a.create_index).max(a.modify_index);
            self.state.allocs.push(a);
        }
        self.state.index = top;
    }
}
