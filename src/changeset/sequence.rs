//! A change set's steps applied one after another to the simulated
//! cluster: what each later step is judged after.

use super::{changes_what_runs, Action, FileChange, Step};
use crate::jobspec::Job;
use crate::planner::assumed::{replaced_job_running, Assumption};
use crate::scheduler::sim::{Simulation, Submission, Submitted};

/// The state of the cluster as the steps of a change set are applied one
/// after another.
#[derive(Clone)]
pub struct Sequence {
    sim: Simulation,
    done: Vec<Submitted>,
    /// The notes of the replaced jobs left running ([`Sequence::apply`]).
    kept: Vec<Assumption>,
}

/// What a step is judged after: the earlier steps applied to the cluster,
/// and the notes of the jobs their files no longer define, left running.
#[derive(Clone, Copy, Default)]
pub struct Before<'e> {
    pub applied: &'e [Submitted],
    pub kept: &'e [Assumption],
}

impl Sequence {
    pub fn new(sim: Simulation) -> Sequence {
        Sequence {
            sim,
            done: Vec::new(),
            kept: Vec::new(),
        }
    }

    /// The cluster with every earlier step applied.
    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    /// The earlier steps that changed the cluster, in order.
    pub fn earlier(&self) -> &[Submitted] {
        &self.done
    }

    /// The jobs left running although their files define another job now:
    /// one note for each, which every later plan rests on.
    pub fn kept(&self) -> &[Assumption] {
        &self.kept
    }

    /// [`Self::earlier`] and [`Self::kept`].
    pub fn before(&self) -> Before<'_> {
        Before {
            applied: &self.done,
            kept: &self.kept,
        }
    }

    /// Apply one step. A file that changes nothing, an invalid one, or a
    /// submission the server refuses (NP302, NP306, NP208) changes nothing.
    /// Nor does the stop of a job whose file now defines another job
    /// (R22-A-1): the deploy submits the file with `nomad job run`, which
    /// registers the new job by its own namespace and ID and stops no other
    /// (nomad/job_endpoint.go v2.0.5:93 Job.Register, :219 JobByID; only
    /// Job.Deregister, `nomad job stop`, stops one), so the later steps are
    /// judged with the old job still holding its room, and say so.
    pub fn apply(&mut self, step: &Step) {
        let what = match &step.action {
            Action::Invalid | Action::CannotTell(_) => return,
            Action::Submit(job) => {
                let sim = &self.sim;
                let admitted =
                    crate::planner::admission::refusals(&sim.world, &sim.state, job).is_empty();
                if !changes_what_runs(job, sim) || !admitted || self.sim.run(job, None).is_err() {
                    return;
                }
                Submission::Run(Box::new(Job::clone(job)))
            }
            Action::Stop { namespace, id } => {
                if self.sim.state.job(namespace, id).is_none() {
                    return;
                }
                if step.change == FileChange::JobReplaced {
                    let path = crate::escape::one_line(&step.path.display().to_string());
                    self.kept.push(replaced_job_running(&path, namespace, id));
                    return;
                }
                self.sim.stop_job(namespace, id);
                Submission::Stop {
                    namespace: namespace.clone(),
                    id: id.clone(),
                }
            }
        };
        self.done.push(Submitted::new(step.path.clone(), what));
    }
}
