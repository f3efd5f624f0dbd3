//! A change already submitted to a simulation (a job run or stopped), kept
//! so that it can be submitted again to another: the rules sample other
//! seeds after the earlier steps of a change set (see
//! [`crate::changeset`]), so this sits below both.

use std::path::PathBuf;

use super::Simulation;
use crate::jobspec::Job;

/// A step already applied, for what a later file's result depends on.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub path: PathBuf,
    pub what: Submission,
    /// Unique to this submission and shared by its copies, so a replay
    /// that already submitted it is known without comparing jobs
    /// ([`crate::scheduler::replay_after`]).
    stamp: u64,
}

#[derive(Debug, Clone)]
pub enum Submission {
    Run(Box<Job>),
    Stop { namespace: String, id: String },
}

impl Submitted {
    pub fn new(path: PathBuf, what: Submission) -> Submitted {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Submitted {
            path,
            what,
            stamp: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// See the field: equal stamps are copies of one submission.
    pub fn stamp(&self) -> u64 {
        self.stamp
    }

    /// Apply it to another simulation (a sample under another seed).
    pub fn replay(&self, sim: &mut Simulation) {
        match &self.what {
            // A rejected submission is rejected under every seed.
            Submission::Run(job) => {
                let _ = sim.run(job, None);
            }
            Submission::Stop { namespace, id } => {
                sim.stop_job(namespace, id);
            }
        }
    }

    /// `jobs/a.nomad`, or `the stop of "a"`: short, for headers.
    pub fn short(&self) -> String {
        match &self.what {
            Submission::Run(_) => self.path.display().to_string(),
            Submission::Stop { id, .. } => {
                format!("the stop of {}", crate::gotext::go_quote(id))
            }
        }
    }

    /// `jobs/a.nomad (job "a")`, for messages.
    pub fn describe(&self) -> String {
        let (verb, id) = match &self.what {
            Submission::Run(j) => ("job", j.id.as_str()),
            Submission::Stop { id, .. } => ("stop of job", id.as_str()),
        };
        format!(
            "{} ({verb} {})",
            self.path.display(),
            crate::gotext::go_quote(id)
        )
    }
}
