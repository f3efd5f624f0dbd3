//! `check`'s refusal of a protected job stopped by its file now defining
//! another job (redteam6 G7): the stop step of a [`FileChange::JobReplaced`]
//! file, judged as `plan --changed --gate` judges it
//! (cli/plan/policy.rs `judge`), in the same words
//! ([`crate::changeset::stops_replaced`]). Deleting the file stays a
//! decision, not refused; a job the cluster does not run is no stop.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{FileResult, Loaded};
use crate::changeset::{Action, FileChange, Step, STOPS_REPLACED};
use crate::diag::Diag;
use crate::scheduler::Simulation;
use crate::world::World;

/// The finding for stop step `steps[i]`, when it stops a protected job
/// `sim` (the cluster before the stop) runs because its file defines
/// another job now. Located at the new job's label when the file loaded.
pub(super) fn refusal(
    steps: &[Step],
    i: usize,
    loaded: &BTreeMap<PathBuf, Loaded>,
    sim: Option<&Simulation>,
    world: &World,
) -> Option<FileResult> {
    let step = steps.get(i)?;
    let (Action::Stop { namespace, id }, FileChange::JobReplaced) = (&step.action, &step.change)
    else {
        return None;
    };
    if !world.policy.protected.covers(namespace, id) || sim?.state.job(namespace, id).is_none() {
        return None;
    }
    // The job the file defines now: the submission at the same path.
    let now = steps.iter().find_map(|s| match &s.action {
        Action::Submit(job) if s.path == step.path => {
            Some((job.namespace.as_str(), job.id.as_str()))
        }
        _ => None,
    });
    let message = crate::changeset::stops_replaced(namespace, id, now);
    let mut d = Diag::error(STOPS_REPLACED, message).help(
        "keep the job's ID and namespace in this file; to stop the protected job, delete its file (a decision the policy leaves to you) and define the new job in another; or take it out of `protected` in policy.hcl first",
    );
    if let Some(Loaded::Job(parsed)) = loaded.get(&step.path) {
        if let Some(span) = parsed.job.as_ref().and_then(|j| j.spans.label) {
            d = d.at(&parsed.source, span, "defines another job now");
        }
    }
    Some(FileResult {
        path: step.path.clone(),
        diags: vec![d],
        crashed: false,
    })
}
