//! The simulation API every command uses: build a cluster from a world,
//! replay its running jobs, then plan or run job submissions against it.

mod evaluation;
mod planned;
mod submitted;

use self::evaluation::{creates_deployment, Unblock};
use crate::cluster::build::build_node;
use crate::ids::{hash_parts, uuid};
use std::collections::{HashMap, HashSet};

use crate::cluster::{Allocation, JobRecord, JobStatus, State};
use crate::diag::{Diag, Diags};
use crate::jobspec::Job;
use crate::scheduler::generic::{evaluate, Evaluated, JobHistory};
use crate::scheduler::PlanResult;
use crate::structs::spec_changed::same_spec;
use crate::world::{Namespace, World};

pub use crate::cluster::usage::QuotaUsage;
pub use planned::Planned;
pub use submitted::{Submission, Submitted};

/// What `nomad job run` did.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// UUID-shaped, deterministic.
    pub eval_id: String,
    /// The plan the scheduler applied (same shape as a dry run).
    pub plan: PlanResult,
    /// The blocked evaluation created for what could not be placed.
    pub blocked_eval_id: Option<String>,
    /// The job's new modify index after registration.
    pub job_modify_index: u64,
    pub job_version: u64,
    /// The deployment the evaluation created (the monitor prints
    /// `Evaluation within deployment`).
    pub deployment_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// `-check-index` did not match: Nomad's message text
    /// (`job exists with conflicting job modify index: 6` ...).
    CheckIndex { given: u64, message: String },
    /// Server-side validation or namespace errors, as Nomad words them.
    Rejected(String),
}

/// Placements unblocked by a cluster change (a client added, an allocation stopped).
#[derive(Debug, Clone, Default)]
pub struct UnblockOutcome {
    /// (namespace, job id, plan) for each blocked evaluation that ran again.
    pub evaluations: Vec<(String, String, PlanResult)>,
}

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
    let (clients, allocs) = super::disk_cache::size(world, &jobs);
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

/// A simulated cluster: world + state + the deterministic RNG behind node shuffles.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// Shared between copies (samples clone a replayed simulation many
    /// times); the few cluster changes that edit it copy it first.
    pub world: std::sync::Arc<World>,
    pub state: State,
    pub seed: u64,
    /// Every registered job version, so the reconciler can compare the
    /// spec an allocation runs with the new one.
    pub job_versions: JobHistory,
}

impl Simulation {
    /// Build nodes from the world's client pools and register the world's
    /// `running` jobs in order through the scheduler. `seed` drives the node
    /// shuffle; the same world and seed always give the same state.
    /// With the placement cache on (the CLI's default, see
    /// [`super::disk_cache`]) an unchanged world and seed are read back
    /// rather than scheduled again; pinned worlds are never scheduled, so
    /// they are not cached.
    pub fn new(world: &World, seed: u64) -> Result<Simulation, Diags> {
        let jobs = running_jobs(world);
        match super::disk_cache::active() {
            Some(dir) if world.pinned.is_none() => {
                super::disk_cache::replay_cached(dir, world, &jobs, seed)
            }
            _ => Simulation::replay(std::sync::Arc::new(world.clone()), &jobs, seed),
        }
    }

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
            for (k, job) in &p.history {
                sim.job_versions
                    .entry(k.clone())
                    .or_insert_with(|| std::sync::Arc::new(job.clone()));
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
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
        let mut ix = pinned.versions.get(&key).copied().unwrap_or_default();
        if ix.job_modify_index == 0 {
            let next = self.state.index + 1;
            ix.create_index = next;
            ix.modify_index = next;
            ix.job_modify_index = next;
        }
        let mut top = self
            .state
            .index
            .max(ix.modify_index)
            .max(ix.job_modify_index);
        let record = JobRecord {
            job: job.clone(),
            version: ix.version,
            create_index: ix.create_index,
            modify_index: ix.modify_index,
            job_modify_index: ix.job_modify_index,
            // The cluster's own date when it reported one; else simulated
            // seconds, one per index.
            submit_time: ix.submit_time.map_or_else(
                || i64::try_from(ix.job_modify_index).unwrap_or(i64::MAX),
                crate::cluster::sim_seconds,
            ),
            // Derived below, once its allocations are in.
            status: JobStatus::Pending,
            unfinished_eval: ix.unfinished_eval,
        };
        self.job_versions
            .insert((key.0.clone(), key.1.clone(), ix.version), job.clone());
        self.state.jobs.insert(key.clone(), record);
        self.state.allocs.reserve(allocs.len());
        for a in allocs {
            let mut a = a.clone();
            // A hand-written network without a device is held where Nomad
            // places a task's network: on the node's first device (which
            // PreemptForNetwork groups allocations by). A group's, from 0.12,
            // keeps the device its job names, usually none (super::net_held).
            let host_network = super::net_held::on_host_network(self.world.nomad_version);
            let g = job.group(&a.task_group).and_then(|g| g.networks.first());
            if let (Some(n), Some(g), true) = (self.state.node(&a.node_id), g, host_network) {
                for net in a.resources.networks.iter_mut().filter(|x| x.group) {
                    super::address_ports::default_port_ips(n, g, net, self.world.nomad_version);
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

    fn eval_id(&self, index: u64, what: &str) -> String {
        uuid(self.seed, &["eval", what, &index.to_string()])
    }

    fn shuffle_seed(&self, index: u64) -> u64 {
        hash_parts(self.seed, &["shuffle", &index.to_string()])
    }

    /// The version a submission would get: unchanged spec keeps it
    /// (`same` compares the registered spec with the submitted one, as
    /// `Job.SpecChanged` does: [`same_spec`]).
    fn next_version(
        &self,
        job: &Job,
        same: impl FnOnce(&std::sync::Arc<Job>) -> bool,
    ) -> (u64, u64) {
        match self.state.job(&job.namespace, &job.id) {
            Some(r) if same(&r.job) => (r.version, r.job_modify_index),
            Some(r) => (r.version + 1, r.job_modify_index),
            None => (0, 0),
        }
    }

    /// `nomad job plan`: what would happen, without changing state.
    pub fn plan(&self, job: &Job) -> PlanResult {
        self.plan_admitted(&crate::mutators::applied(
            job,
            self.world.nomad_version,
            &self.world.server,
        ))
    }

    /// [`Simulation::plan`] of a job the admission mutators already ran on
    /// (`mutators::applied`): a caller planning one job under many replays
    /// mutates it once, not once per replay.
    pub fn plan_admitted(&self, job: &Job) -> PlanResult {
        let v = self.world.nomad_version;
        let (version, modify_index) = self.next_version(job, |r| same_spec(r, job, v));

        // The plan evaluates against a snapshot that already holds the new
        // version, as Nomad's Job.Plan does.
        let index = self.state.index + 1;
        let Evaluated {
            mut result, plan, ..
        } = evaluate(
            &self.world,
            &self.state,
            &self.job_versions,
            job,
            version,
            &self.eval_id(index, "plan"),
            self.shuffle_seed(index),
            true,
        );
        result.job_modify_index = modify_index;
        result.placements = plan.into_placements();
        result
    }

    /// [`Simulation::plan_admitted`] of a job planned against many
    /// replays: its comparison with each registered spec, and whether
    /// each group's change is destructive, are judged once.
    pub fn plan_planned(&self, planned: &Planned) -> PlanResult {
        let (version, modify_index) = self.next_version(&planned.job, |r| planned.same_as(r));
        let index = self.state.index + 1;
        let Evaluated {
            mut result, plan, ..
        } = crate::scheduler::generic::evaluate_planned(
            &self.world,
            &self.state,
            &self.job_versions,
            planned,
            version,
            &self.eval_id(index, "plan"),
            self.shuffle_seed(index),
        );
        result.job_modify_index = modify_index;
        result.placements = plan.into_placements();
        result
    }

    /// `nomad job run [-check-index N]`: register and apply the plan.
    pub fn run(&mut self, job: &Job, check_index: Option<u64>) -> Result<RunOutcome, RunError> {
        // Agent first (mutators::run_refusal); Vault: hook from 1.3, Register before; reject_job_
        // registration after admission to 1.6.x, first from 1.7.0; validateJobUpdate last.
        let (w, registration) = (&self.world, crate::mutators::registration::run_error);
        use crate::mutators::run_refusal as register;
        let old = self.state.job(&job.namespace, &job.id).map(|r| &*r.job);
        let refusal = (register::agent_refusal(job, w.nomad_version).map(|r| r.0))
            .or_else(|| registration(w, true))
            .or_else(|| crate::mutators::vault::plan_refusal(w, job))
            .or_else(|| registration(w, false))
            .or_else(|| crate::mutators::vault::run_refusal(w, job))
            .or_else(|| register::update_refusal(old, job).map(|r| r.0));
        if let Some(error) = refusal {
            return Err(RunError::Rejected(error));
        }
        self.run_shared(&std::sync::Arc::new(job.clone()), check_index)
    }

    /// [`Simulation::run`] of a job spec shared with the caller.
    pub fn run_shared(
        &mut self,
        shared: &std::sync::Arc<Job>,
        check_index: Option<u64>,
    ) -> Result<RunOutcome, RunError> {
        // What is registered is the job as the admission mutators leave it.
        let mutated;
        let shared =
            match crate::mutators::applied(shared, self.world.nomad_version, &self.world.server) {
                m if m == **shared => shared,
                m => {
                    mutated = std::sync::Arc::new(m);
                    &mutated
                }
            };
        self.run_admitted(shared, check_index, true)
    }

    /// [`Simulation::run_shared`] of a job the admission mutators already
    /// ran on, as [`running_jobs`] gives them. The outcome's plan lists its
    /// placements only when `placements` (a replay reads none of them).
    fn run_admitted(
        &mut self,
        shared: &std::sync::Arc<Job>,
        check_index: Option<u64>,
        placements: bool,
    ) -> Result<RunOutcome, RunError> {
        let job: &Job = shared;
        let existing = self.state.job(&job.namespace, &job.id);
        if let Some(given) = check_index {
            let message = match existing {
                None if given != 0 => Some("job does not exist".to_string()),
                Some(_) if given == 0 => Some("job already exists".to_string()),
                Some(r) if r.job_modify_index != given => Some(format!(
                    "job exists with conflicting job modify index: {}",
                    r.job_modify_index
                )),
                _ => None,
            };
            if let Some(message) = message {
                return Err(RunError::CheckIndex { given, message });
            }
        }
        if !self.state.namespaces.iter().any(|n| n == &job.namespace) {
            return Err(RunError::Rejected(format!(
                "job {} is in nonexistent namespace {}",
                crate::gotext::go_quote(&job.id),
                crate::gotext::go_quote(&job.namespace)
            )));
        }
        self.state.index += 1;
        let index = self.state.index;
        let key = (job.namespace.clone(), job.id.clone());
        let record = match self.state.jobs.get(&key) {
            Some(r) if same_spec(&r.job, job, self.world.nomad_version) => JobRecord {
                modify_index: index,
                ..r.clone()
            },
            Some(r) => JobRecord {
                job: shared.clone(),
                version: r.version + 1,
                create_index: r.create_index,
                modify_index: index,
                job_modify_index: index,
                submit_time: index as i64,
                status: r.status,
                unfinished_eval: false,
            },
            None => JobRecord {
                job: shared.clone(),
                version: 0,
                create_index: index,
                modify_index: index,
                job_modify_index: index,
                submit_time: index as i64,
                status: JobStatus::Pending,
                unfinished_eval: false,
            },
        };
        let (version, jmi) = (record.version, record.job_modify_index);
        self.job_versions
            .insert((key.0.clone(), key.1.clone(), version), record.job.clone());
        self.state.jobs.insert(key.clone(), record);
        let eval_id = self.eval_id(index, &job.id);
        let plan = self.evaluate_and_apply(&key, &eval_id, placements);
        // Deployments here become healthy at once, so a rolling update
        // carries on until every allocation runs the new version.
        self.finish_rollout(&key);
        let blocked_eval_id = self
            .state
            .blocked
            .iter()
            .find(|b| b.namespace == key.0 && b.job_id == key.1)
            .map(|b| b.id.clone());
        self.reschedule_preempted(&plan);
        self.refresh_statuses();
        let deployment_id = creates_deployment(job, &plan).then(|| {
            let id = uuid(self.seed, &["deployment", &eval_id]);
            self.record_deployment(&id, &key, version, job, index);
            id
        });
        Ok(RunOutcome {
            eval_id,
            plan,
            blocked_eval_id,
            job_modify_index: jmi,
            job_version: version,
            deployment_id,
        })
    }
}

impl Simulation {
    /// `nomad job stop`: stop every allocation of the job and re-run blocked evaluations.
    pub fn stop_job(&mut self, namespace: &str, job_id: &str) -> UnblockOutcome {
        let key = (namespace.to_string(), job_id.to_string());
        let Some(record) = self.state.jobs.get_mut(&key) else {
            return UnblockOutcome::default();
        };
        self.state.index += 1;
        std::sync::Arc::make_mut(&mut record.job).stop = true;
        record.version += 1;
        record.modify_index = self.state.index;
        record.job_modify_index = self.state.index;
        let (job, version) = (record.job.clone(), record.version);
        self.job_versions
            .insert((key.0.clone(), key.1.clone(), version), job);
        let eval_id = self.eval_id(self.state.index, &format!("stop-{job_id}"));
        self.evaluate_and_apply(&key, &eval_id, false);
        self.state
            .blocked
            .retain(|b| !(b.namespace == key.0 && b.job_id == key.1));
        self.refresh_statuses();
        self.unblock(Unblock::Freed)
    }

    /// Add `count` clients to an existing pool (named NAME-k after the
    /// existing ones), then re-run blocked evaluations as Nomad does.
    pub fn add_clients(&mut self, pool: &str, count: u32) -> UnblockOutcome {
        let Some(pos) = self.world.clients.iter().position(|p| p.name == pool) else {
            return UnblockOutcome::default();
        };
        let Some(spec) = self.world.clients.get(pos).cloned() else {
            return UnblockOutcome::default();
        };
        let start = spec.count;
        for i in start + 1..=start + count {
            self.state.index += 1;
            let node = build_node(&self.world, &spec, pos, i, self.state.index);
            self.state.nodes.push(node);
        }
        if let Some(p) = std::sync::Arc::make_mut(&mut self.world)
            .clients
            .get_mut(pos)
        {
            p.count = start + count;
        }
        self.unblock(Unblock::Capacity)
    }

    /// `nomad namespace apply`: create or update a namespace.
    pub fn apply_namespace(&mut self, namespace: Namespace) {
        self.state.index += 1;
        if !self.state.namespaces.contains(&namespace.name) {
            self.state.namespaces.push(namespace.name.clone());
        }
        std::sync::Arc::make_mut(&mut self.world)
            .namespaces
            .insert(namespace.name.clone(), namespace);
    }

    /// Current usage of a quota in a region.
    pub fn quota_usage(
        &self,
        quota: &str,
        region: &str,
    ) -> Result<QuotaUsage, crate::cluster::usage::UsageOverflow> {
        crate::cluster::usage::quota_usage(&self.world, &self.state, quota, region)
    }
}
