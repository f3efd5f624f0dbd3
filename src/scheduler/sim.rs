//! The simulation API every command uses: build a cluster from a world,
//! replay its running jobs, then plan or run job submissions against it.

use crate::cluster::build::build_node;
use crate::cluster::ids::{hash_parts, uuid};
use crate::cluster::{BlockedEval, ClientStatus, DesiredStatus, JobRecord, JobStatus, State};
use crate::diag::{Diag, Diags};
use crate::jobspec::Job;
use crate::scheduler::applier::reject_overcommitted;
use crate::scheduler::engine::Plan;
use crate::scheduler::generic::{evaluate, Evaluated, JobHistory};
use crate::scheduler::PlanResult;
use crate::world::{Namespace, World};

pub use crate::cluster::usage::QuotaUsage;

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

/// A simulated cluster: world + state + the deterministic RNG behind node shuffles.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub world: World,
    pub state: State,
    pub seed: u64,
    /// Every registered job version, so the reconciler can compare the
    /// spec an allocation runs with the new one.
    pub job_versions: JobHistory,
}

/// Why a cluster change re-runs blocked evaluations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unblock {
    /// Node capacity appeared: before 1.6.3 this did not unblock
    /// quota-blocked evaluations (GH-18838).
    Capacity,
    /// Allocations stopped: frees both capacity and quota.
    Freed,
}

impl Simulation {
    /// Build nodes from the world's client pools and register the world's
    /// `running` jobs in order through the scheduler. `seed` drives the node
    /// shuffle; the same world and seed always give the same state.
    pub fn new(world: &World, seed: u64) -> Result<Simulation, Diags> {
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
        let mut sim = Simulation {
            world: world.clone(),
            state,
            seed,
            job_versions: JobHistory::new(),
        };
        if let Some(pinned) = &world.pinned {
            sim.pin(pinned);
            return Ok(sim);
        }
        let mut diags = Diags::new();
        for running in &world.running {
            if let Err(e) = sim.run(&running.job, None) {
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
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(sim)
    }

    /// The cluster as it is: register every job at its reported version and
    /// put each allocation where it runs. One pass over the allocations, no
    /// scheduling.
    fn pin(&mut self, pinned: &crate::world::Pinned) {
        let with_allocs: std::collections::HashSet<(&str, &str)> = pinned
            .allocs
            .iter()
            .filter(|a| a.is_live())
            .map(|a| (a.namespace.as_str(), a.job_id.as_str()))
            .collect();
        let mut top = self.state.index;
        for running in &self.world.running {
            let job = &running.job;
            let key = (job.namespace.clone(), job.id.clone());
            let ix = pinned.versions.get(&key).copied().unwrap_or_default();
            top = top.max(ix.modify_index).max(ix.job_modify_index);
            let live = with_allocs.contains(&(key.0.as_str(), key.1.as_str()));
            let record = JobRecord {
                job: job.clone(),
                version: ix.version,
                create_index: ix.create_index,
                modify_index: ix.modify_index,
                job_modify_index: ix.job_modify_index,
                submit_time: i64::try_from(ix.job_modify_index).unwrap_or(i64::MAX),
                status: if job.stop {
                    JobStatus::Dead
                } else if live {
                    JobStatus::Running
                } else {
                    JobStatus::Pending
                },
            };
            self.job_versions
                .insert((key.0.clone(), key.1.clone(), ix.version), job.clone());
            self.state.jobs.insert(key, record);
        }
        for (k, job) in &pinned.history {
            self.job_versions
                .entry(k.clone())
                .or_insert_with(|| job.clone());
        }
        for a in &pinned.allocs {
            top = top.max(a.create_index).max(a.modify_index);
        }
        self.state.allocs.extend(pinned.allocs.iter().cloned());
        self.state.index = top;
    }

    fn eval_id(&self, index: u64, what: &str) -> String {
        uuid(self.seed, &["eval", what, &index.to_string()])
    }

    fn shuffle_seed(&self, index: u64) -> u64 {
        hash_parts(self.seed, &["shuffle", &index.to_string()])
    }

    /// The version a submission would get: unchanged spec keeps it.
    fn next_version(&self, job: &Job) -> (u64, u64) {
        match self.state.job(&job.namespace, &job.id) {
            Some(r) if r.job == *job => (r.version, r.job_modify_index),
            Some(r) => (r.version + 1, r.job_modify_index),
            None => (0, 0),
        }
    }

    /// `nomad job plan`: what would happen, without changing state.
    pub fn plan(&self, job: &Job) -> PlanResult {
        let (version, modify_index) = self.next_version(job);
        // The plan evaluates against a snapshot that already holds the new
        // version, as Nomad's Job.Plan does.
        let index = self.state.index + 1;
        let Evaluated { mut result, .. } = evaluate(
            &self.world,
            &self.state,
            &self.job_versions,
            job,
            version,
            &self.eval_id(index, "plan"),
            self.shuffle_seed(index),
        );
        result.job_modify_index = modify_index;
        result
    }

    /// `nomad job run [-check-index N]`: register and apply the plan.
    pub fn run(&mut self, job: &Job, check_index: Option<u64>) -> Result<RunOutcome, RunError> {
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
                "job {:?} is in nonexistent namespace {:?}",
                job.id, job.namespace
            )));
        }
        self.state.index += 1;
        let index = self.state.index;
        let key = (job.namespace.clone(), job.id.clone());
        let record = match self.state.jobs.get(&key) {
            Some(r) if r.job == *job => JobRecord {
                modify_index: index,
                ..r.clone()
            },
            Some(r) => JobRecord {
                job: job.clone(),
                version: r.version + 1,
                create_index: r.create_index,
                modify_index: index,
                job_modify_index: index,
                submit_time: index as i64,
                status: r.status,
            },
            None => JobRecord {
                job: job.clone(),
                version: 0,
                create_index: index,
                modify_index: index,
                job_modify_index: index,
                submit_time: index as i64,
                status: JobStatus::Pending,
            },
        };
        let (version, jmi) = (record.version, record.job_modify_index);
        self.job_versions
            .insert((key.0.clone(), key.1.clone(), version), job.clone());
        self.state.jobs.insert(key.clone(), record);
        let eval_id = self.eval_id(index, &job.id);
        let plan = self.evaluate_and_apply(&key, &eval_id);
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

/// Nomad's reconciler creates a deployment for a service job when a group
/// with an update strategy places, or updates in place or destructively
/// (`scheduler/reconcile.go`: "updating a job specification" or "first time
/// running a job"). Deployments finish at once here, so there is never an
/// existing one to join.
fn creates_deployment(job: &Job, plan: &PlanResult) -> bool {
    job.job_type == crate::jobspec::JobType::Service
        && job.groups.iter().any(|g| {
            let strategy = g.update.as_ref().is_some_and(|u| u.max_parallel > 0);
            let changes = plan
                .desired_tg_updates
                .get(&g.name)
                .is_some_and(|u| u.place + u.in_place_update + u.destructive_update + u.canary > 0);
            strategy && changes && g.count > 0
        })
}

impl Simulation {
    /// A finished deployment: every allocation it placed or updated is healthy.
    fn record_deployment(
        &mut self,
        id: &str,
        key: &(String, String),
        version: u64,
        job: &Job,
        index: u64,
    ) {
        let mut groups = std::collections::BTreeMap::new();
        for g in &job.groups {
            let Some(u) = g.update.as_ref().filter(|u| u.max_parallel > 0) else {
                continue;
            };
            let deadline = u.progress_deadline.nanos() / 1_000_000_000;
            groups.insert(
                g.name.clone(),
                crate::cluster::DeploymentGroup {
                    auto_revert: u.auto_revert,
                    desired_canaries: u64::try_from(u.canary).unwrap_or(0),
                    desired_total: u64::try_from(g.count).unwrap_or(0),
                    progress_deadline: deadline,
                    ..Default::default()
                },
            );
        }
        self.state.deployments.push(crate::cluster::Deployment {
            id: id.to_string(),
            namespace: key.0.clone(),
            job_id: key.1.clone(),
            job_version: version,
            status: "running".into(),
            description: "Deployment is running".into(),
            groups,
            create_index: index,
        });
        self.progress_deployment(key, index);
    }

    /// Count what a job's running deployment has placed (allocations of its
    /// version that run), as Nomad's state store does on every placement;
    /// simulated allocations are healthy at once, so the deployment
    /// succeeds when every group has placed its desired total. A group with
    /// nothing placed keeps no progress deadline (Nomad starts it with the
    /// first placement), and a blocked job's deployment stays running.
    fn progress_deployment(&mut self, key: &(String, String), index: u64) {
        let Some(pos) = self
            .state
            .deployments
            .iter()
            .rposition(|d| d.namespace == key.0 && d.job_id == key.1)
        else {
            return;
        };
        let version = self.state.deployments[pos].job_version;
        let mut placed_by_group: std::collections::BTreeMap<String, u64> = Default::default();
        for a in self.state.job_allocs(&key.0, &key.1) {
            if a.job_version == version && a.is_live() {
                *placed_by_group.entry(a.task_group.clone()).or_default() += 1;
            }
        }
        let d = &mut self.state.deployments[pos];
        if d.status != "running" {
            return;
        }
        for (name, g) in &mut d.groups {
            let placed = placed_by_group.get(name).copied().unwrap_or(0);
            // Placements only add up: an allocation lost later stays counted.
            g.placed = g.placed.max(placed);
            g.healthy = g.placed;
            if g.placed > 0 && g.progress_deadline > 0 && g.require_progress_by.is_none() {
                g.require_progress_by = Some(index as i64 + g.progress_deadline);
            }
        }
        if d.groups.values().all(|g| g.healthy >= g.desired_total) {
            d.status = "successful".into();
            d.description = "Deployment completed successfully".into();
        }
    }

    /// Evaluate a registered job and apply the result to the state.
    fn evaluate_and_apply(&mut self, key: &(String, String), eval_id: &str) -> PlanResult {
        let Some(record) = self.state.jobs.get(key) else {
            return PlanResult::default();
        };
        let job = record.job.clone();
        let (version, jmi) = (record.version, record.job_modify_index);
        // Nomad retries a partially rejected plan against the refreshed
        // state: up to 5 times for service/system jobs, 2 for batch.
        let attempts = if job.job_type == crate::jobspec::JobType::Batch {
            2
        } else {
            5
        };
        let mut first: Option<PlanResult> = None;
        let mut blocked = false;
        let mut quota = None;
        let mut failed = std::collections::BTreeMap::new();
        for attempt in 0..attempts {
            let Evaluated {
                mut result,
                mut plan,
            } = evaluate(
                &self.world,
                &self.state,
                &self.job_versions,
                &job,
                version,
                eval_id,
                self.shuffle_seed(self.state.index),
            );
            result.job_modify_index = jmi;
            let rejected = reject_overcommitted(&self.state, &mut plan);
            self.apply_plan(plan);
            blocked = result.blocked || (rejected && attempt + 1 == attempts);
            quota.clone_from(&result.quota_limit_reached);
            failed.clone_from(&result.failed_tg_allocs);
            if first.is_none() {
                first = Some(result);
            }
            if !rejected {
                break;
            }
        }
        self.state
            .blocked
            .retain(|b| !(b.namespace == key.0 && b.job_id == key.1));
        if blocked {
            self.state.index += 1;
            let id = uuid(
                self.seed,
                &["blocked", &key.0, &key.1, &self.state.index.to_string()],
            );
            self.state.blocked.push(BlockedEval {
                id,
                namespace: key.0.clone(),
                job_id: key.1.clone(),
                quota_limit_reached: quota,
                create_index: self.state.index,
                failed_eval_id: eval_id.to_string(),
                failed_tg_allocs: failed,
            });
        }
        // Placements of a later evaluation (an unblocked one) count toward
        // the job's running deployment.
        self.progress_deployment(key, self.state.index);
        first.unwrap_or_default()
    }

    /// Commit a (verified) plan to the state at a new index.
    fn apply_plan(&mut self, plan: Plan) {
        self.state.index += 1;
        let index = self.state.index;
        let pos: std::collections::HashMap<String, usize> = self
            .state
            .allocs
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), i))
            .collect();
        for stopped in &plan.stops {
            if let Some(a) = pos
                .get(&stopped.id)
                .and_then(|&i| self.state.allocs.get_mut(i))
            {
                a.desired_status = DesiredStatus::Stop;
                a.client_status = ClientStatus::Complete;
                a.modify_index = index;
            }
        }
        for (victim, by) in &plan.preempted {
            if let Some(a) = pos
                .get(&victim.id)
                .and_then(|&i| self.state.allocs.get_mut(i))
            {
                a.desired_status = DesiredStatus::Evict;
                a.desired_description = format!("Preempted by alloc ID {by}");
                a.client_status = ClientStatus::Complete;
                a.preempted_by = Some(by.clone());
                a.modify_index = index;
            }
        }
        for mut alloc in plan.placed.into_values().flatten() {
            alloc.modify_index = index;
            alloc.client_status = ClientStatus::Running;
            alloc.desired_status = DesiredStatus::Run;
            if let Some(a) = pos
                .get(&alloc.id)
                .and_then(|&i| self.state.allocs.get_mut(i))
            {
                *a = alloc;
            } else {
                alloc.create_index = index;
                self.state.allocs.push(alloc);
            }
        }
    }

    fn finish_rollout(&mut self, key: &(String, String)) {
        let Some(count) = self.state.jobs.get(key).map(|r| r.job.groups.len()) else {
            return;
        };
        // Each round replaces at least one allocation or stops; bound it by
        // the number of allocations that could still be on an old version.
        let bound = self.state.job_allocs(&key.0, &key.1).count() + count + 1;
        for round in 0..bound {
            let Some(r) = self.state.jobs.get(key) else {
                return;
            };
            let version = r.version;
            let pending = self
                .state
                .job_allocs(&key.0, &key.1)
                .any(|a| a.job_version != version);
            let canary = r
                .job
                .groups
                .iter()
                .any(|g| g.update.as_ref().is_some_and(|u| u.canary > 0));
            if !pending || canary {
                return;
            }
            let eval_id = self.eval_id(self.state.index, &format!("rollout-{round}"));
            let res = self.evaluate_and_apply(key, &eval_id);
            if !res.changes_allocations() {
                return;
            }
        }
    }

    /// Nomad creates an evaluation for every job that lost allocations to
    /// preemption; it places replacements or blocks.
    fn reschedule_preempted(&mut self, plan: &PlanResult) {
        let mut jobs: Vec<(String, String)> = plan
            .preempted_allocs
            .iter()
            .map(|p| (p.namespace.clone(), p.job_id.clone()))
            .collect();
        jobs.sort();
        jobs.dedup();
        for key in jobs {
            let eval_id = self.eval_id(self.state.index, &format!("preemption-{}", key.1));
            let res = self.evaluate_and_apply(&key, &eval_id);
            self.reschedule_preempted(&res);
        }
    }

    fn refresh_statuses(&mut self) {
        let keys: Vec<(String, String)> = self.state.jobs.keys().cloned().collect();
        for key in keys {
            let running = self.state.job_allocs(&key.0, &key.1).next().is_some();
            if let Some(r) = self.state.jobs.get_mut(&key) {
                r.status = if r.job.stop {
                    JobStatus::Dead
                } else if running {
                    JobStatus::Running
                } else {
                    JobStatus::Pending
                };
            }
        }
    }

    fn unblock(&mut self, why: Unblock) -> UnblockOutcome {
        let mut out = UnblockOutcome::default();
        let mut blocked = self.state.blocked.clone();
        blocked.sort_by_key(|b| b.create_index);
        let quota_waits_for_capacity = self.world.nomad_version.at_least(1, 6, 3);
        for b in blocked {
            if why == Unblock::Capacity
                && b.quota_limit_reached.is_some()
                && !quota_waits_for_capacity
            {
                continue;
            }
            let key = (b.namespace.clone(), b.job_id.clone());
            let res = self.evaluate_and_apply(&key, &b.id);
            self.reschedule_preempted(&res);
            out.evaluations.push((b.namespace, b.job_id, res));
        }
        self.refresh_statuses();
        out
    }

    /// `nomad job stop`: stop every allocation of the job and re-run blocked evaluations.
    pub fn stop_job(&mut self, namespace: &str, job_id: &str) -> UnblockOutcome {
        let key = (namespace.to_string(), job_id.to_string());
        let Some(record) = self.state.jobs.get_mut(&key) else {
            return UnblockOutcome::default();
        };
        self.state.index += 1;
        record.job.stop = true;
        record.version += 1;
        record.modify_index = self.state.index;
        record.job_modify_index = self.state.index;
        let (job, version) = (record.job.clone(), record.version);
        self.job_versions
            .insert((key.0.clone(), key.1.clone(), version), job);
        let eval_id = self.eval_id(self.state.index, &format!("stop-{job_id}"));
        self.evaluate_and_apply(&key, &eval_id);
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
        if let Some(p) = self.world.clients.get_mut(pos) {
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
        self.world
            .namespaces
            .insert(namespace.name.clone(), namespace);
    }

    /// Current usage of a quota in a region.
    pub fn quota_usage(&self, quota: &str, region: &str) -> QuotaUsage {
        crate::cluster::usage::quota_usage(&self.world, &self.state, quota, region)
    }
}
