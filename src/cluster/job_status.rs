//! A job's `Status` as Nomad's state store derives it each time the job,
//! one of its allocations or one of its evaluations is written
//! (nomad/state/state_store.go `setJobStatus` → `getJobStatus`).
//!
//! The rule, per release:
//! - system, periodic and parameterized (not dispatched) jobs are `running`
//!   until stopped, then `dead`, whatever their allocations;
//! - 2.0.1+: a non-terminal deployment keeps the job `running`;
//! - a non-terminal allocation makes it `running`;
//! - else an unfinished evaluation makes it `pending`;
//! - else it is `dead` when any evaluation of it exists (or was just
//!   garbage-collected), before 1.9.6 also when any (terminal) allocation
//!   exists, from 1.9.6 also when the job is stopped; else `pending`.
//!
//! Evaluations are read through the `job_prefix` index: from 1.9.6 until
//! 1.11.3 the exact-ID filter was missing, so an unfinished evaluation of
//! `web-2` also holds `web` pending.

use super::{Allocation, JobStatus};
use crate::jobspec::{Job, JobType};
use crate::version::{Fix, NomadVersion};

/// What `getJobStatus` reads of the job's evaluations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evals {
    /// Some evaluation of the job exists (or its deletion is being written).
    pub any: bool,
    /// One of them is not `complete`, `failed` or `cancelled` (a blocked
    /// evaluation waiting for capacity, for instance).
    pub unfinished: bool,
}

/// Does the evaluation index hand `getJobStatus` an evaluation of
/// `eval_job` when it looks up `job_id`? Exact match, and in 1.9.6–1.11.2
/// any job whose ID starts with it (`job_prefix` without the filter).
pub fn eval_counts(v: NomadVersion, job_id: &str, eval_job: &str) -> bool {
    eval_job == job_id
        || (v.has(Fix::JobStatusByVersion)
            && !v.has(Fix::JobStatusPrefixFiltered)
            && eval_job.starts_with(job_id))
}

/// The job's status; `allocs` are all of its allocations, terminal ones
/// included, and `active_deployment` whether one of its deployments is not
/// yet cancelled, failed or successful.
pub fn derive<'a>(
    v: NomadVersion,
    job: &Job,
    allocs: impl IntoIterator<Item = &'a Allocation>,
    evals: Evals,
    active_deployment: bool,
) -> JobStatus {
    let runs_until_stopped = job.job_type == JobType::System
        || job.periodic.is_some()
        || (job.parameterized.is_some() && !job.dispatched);
    if runs_until_stopped {
        return if job.stop {
            JobStatus::Dead
        } else {
            JobStatus::Running
        };
    }
    if v.has(Fix::DeploymentKeepsRunning) && active_deployment {
        return JobStatus::Running;
    }
    let mut has_alloc = false;
    for a in allocs {
        if a.is_live() {
            return JobStatus::Running;
        }
        has_alloc = true;
    }
    if evals.unfinished {
        return JobStatus::Pending;
    }
    let dead = if v.has(Fix::JobStatusByVersion) {
        evals.any || job.stop
    } else {
        evals.any || has_alloc
    };
    if dead {
        JobStatus::Dead
    } else {
        JobStatus::Pending
    }
}

/// A deployment status `Deployment.IsTerminal` does not count as over.
pub fn deployment_active(status: &str) -> bool {
    !matches!(status, "cancelled" | "failed" | "successful")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structs::{ClientStatus, DesiredStatus};

    fn job(kind: JobType) -> Job {
        Job {
            id: "web".into(),
            job_type: kind,
            ..Job::default()
        }
    }

    fn alloc(client: ClientStatus) -> Allocation {
        Allocation {
            desired_status: DesiredStatus::Run,
            client_status: client,
            ..Allocation::default()
        }
    }

    const V16: NomadVersion = NomadVersion::new(1, 6, 0);
    const DONE: Evals = Evals {
        any: true,
        unfinished: false,
    };

    #[test]
    fn a_batch_job_whose_allocations_all_finished_is_dead() {
        let done = [alloc(ClientStatus::Complete), alloc(ClientStatus::Failed)];
        for v in [NomadVersion::new(0, 9, 3), V16, NomadVersion::CURRENT] {
            assert_eq!(
                derive(v, &job(JobType::Batch), &done, DONE, false),
                JobStatus::Dead
            );
        }
        let mut one_left = done.to_vec();
        one_left.push(alloc(ClientStatus::Running));
        assert_eq!(
            derive(V16, &job(JobType::Batch), &one_left, DONE, false),
            JobStatus::Running
        );
    }

    #[test]
    fn an_unfinished_evaluation_keeps_it_pending() {
        let blocked = Evals {
            any: true,
            unfinished: true,
        };
        let done = [alloc(ClientStatus::Complete)];
        assert_eq!(
            derive(V16, &job(JobType::Batch), &done, blocked, false),
            JobStatus::Pending
        );
    }

    #[test]
    fn terminal_allocations_count_only_before_1_9_6() {
        let done = [alloc(ClientStatus::Complete)];
        let none = Evals::default();
        let j = job(JobType::Service);
        assert_eq!(derive(V16, &j, &done, none, false), JobStatus::Dead);
        let v = NomadVersion::new(1, 9, 6);
        assert_eq!(derive(v, &j, &done, none, false), JobStatus::Pending);
        let stopped = Job { stop: true, ..j };
        assert_eq!(derive(v, &stopped, &done, none, false), JobStatus::Dead);
    }

    #[test]
    fn system_periodic_and_parameterized_jobs_run_until_stopped() {
        let periodic = Job {
            periodic: Some(Default::default()),
            ..job(JobType::Batch)
        };
        let parameterized = Job {
            parameterized: Some(Default::default()),
            ..job(JobType::Batch)
        };
        for j in [job(JobType::System), periodic, parameterized.clone()] {
            assert_eq!(
                derive(V16, &j, &[], Evals::default(), false),
                JobStatus::Running
            );
            let stopped = Job { stop: true, ..j };
            assert_eq!(derive(V16, &stopped, &[], DONE, false), JobStatus::Dead);
        }
        // A dispatched child is judged by its allocations.
        let child = Job {
            dispatched: true,
            ..parameterized
        };
        assert_eq!(derive(V16, &child, &[], DONE, false), JobStatus::Dead);
    }

    #[test]
    fn an_active_deployment_runs_the_job_from_2_0_1() {
        let j = job(JobType::Service);
        assert_eq!(
            derive(NomadVersion::new(2, 0, 1), &j, &[], DONE, true),
            JobStatus::Running
        );
        assert_eq!(
            derive(NomadVersion::new(2, 0, 0), &j, &[], DONE, true),
            JobStatus::Dead
        );
    }

    #[test]
    fn prefix_evaluations_count_in_1_9_6_to_1_11_2() {
        assert!(eval_counts(NomadVersion::new(1, 10, 0), "web", "web-2"));
        assert!(!eval_counts(NomadVersion::new(1, 9, 5), "web", "web-2"));
        assert!(!eval_counts(NomadVersion::new(1, 11, 3), "web", "web-2"));
        assert!(eval_counts(NomadVersion::new(1, 11, 3), "web", "web"));
    }
}
