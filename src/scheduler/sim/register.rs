//! `nomad job run`: a submission registered (its refusals first, then
//! `-check-index` and the namespace), evaluated and applied.

use super::evaluation::creates_deployment;
use super::{RunError, RunOutcome, Simulation};
use crate::cluster::{JobRecord, JobStatus};
use crate::ids::uuid;
use crate::jobspec::Job;
use crate::structs::spec_changed::same_spec;

impl Simulation {
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
    pub(super) fn run_admitted(
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
        let (key, index, version, jmi) = self.register(shared);
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
        // An all_at_once plan the applier rejects loses its Deployment
        // with the rest (nomad/plan_apply.go v2.0.5:626-635).
        let deployment_id = (creates_deployment(job, &plan) && plan.rejected_whole.is_empty())
            .then(|| {
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

    /// Job.Register's write: the job at a new index, its version kept for
    /// an unchanged spec (`same_spec`) or the next one. (key, index,
    /// version, job modify index).
    pub(super) fn register(
        &mut self,
        shared: &std::sync::Arc<Job>,
    ) -> ((String, String), u64, u64, u64) {
        let job: &Job = shared;
        self.state.index += 1;
        let index = self.state.index;
        // Dated on the state's one clock (an import's continues its own).
        let submit_time = self.state.time_at(index);
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
                submit_time,
                status: r.status,
                unfinished_eval: false,
            },
            None => JobRecord {
                job: shared.clone(),
                version: 0,
                create_index: index,
                modify_index: index,
                job_modify_index: index,
                submit_time,
                status: JobStatus::Pending,
                unfinished_eval: false,
            },
        };
        let (version, jmi) = (record.version, record.job_modify_index);
        self.job_versions
            .insert((key.0.clone(), key.1.clone(), version), record.job.clone());
        self.state.jobs.insert(key.clone(), record);
        (key, index, version, jmi)
    }
}
