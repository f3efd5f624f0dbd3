//! `nomad job status JOB` of an imported job a rehearsal has changed (a
//! step ran or stopped it, or placed, stopped or preempted one of its
//! allocations). Nomad's CLI reads the live job, its summary and its
//! allocations (command/job_status.go v2.0.5 outputJobInfo), so the view
//! follows the rehearsal's state; the import's saved files hold only what
//! was there before. Showing them would keep a stopped job "running": a
//! false all-clear (rv18, stop 59 Left 4).
//!
//! The summary is the state store's running count, which garbage
//! collection never lowers, so it is the saved summary moved by each
//! allocation the rehearsal wrote, as `updateSummaryWithAlloc` moves it
//! (nomad/state/state_store.go v2.0.5:6046-6140: a new allocation counts in
//! its status, a changed one leaves its old status's bin, never below
//! zero, for its new one), with any group a new version adds
//! (`updateSummaryWithJob`, :5653-5690) and `Queued` from the rehearsal's
//! own evaluation. What the import does not hold stays "cannot tell".

use std::collections::BTreeMap;

use super::saved_allocs::Listed;
use crate::cluster::{JobRecord, State};
use crate::world::status_facts::StatusFacts;
use crate::world::status_jobs::GroupSummary;

/// Has the rehearsal written job `r`, one of its allocations or a blocked
/// evaluation of it since the import ([`State::imported_at`])? Always
/// `false` outside a rehearsal of an import.
pub(super) fn changed(state: &State, r: &JobRecord) -> bool {
    let Some(at) = state.imported_at else {
        return false;
    };
    let (ns, id) = (r.job.namespace.as_str(), r.job.id.as_str());
    r.modify_index > at
        || r.job_modify_index > at
        || state.every_job_alloc(ns, id).any(|a| a.modify_index > at)
        || state
            .blocked
            .iter()
            .any(|b| b.namespace == ns && b.job_id == id && b.create_index > at)
}

/// The bin of a summary a client status counts in.
fn bin<'g>(g: &'g mut GroupSummary, status: &str) -> Option<&'g mut i64> {
    match status {
        "pending" => Some(&mut g.starting),
        "running" => Some(&mut g.running),
        "failed" => Some(&mut g.failed),
        "complete" => Some(&mut g.complete),
        "lost" => Some(&mut g.lost),
        "unknown" => Some(&mut g.unknown),
        _ => None,
    }
}

/// The job's summary now, by group; `Err` with the line that says it
/// cannot be told (no saved summary, or no saved allocations to move it
/// from).
pub(super) fn summary(
    state: &State,
    facts: &StatusFacts,
    r: &JobRecord,
) -> Result<BTreeMap<String, GroupSummary>, String> {
    let key = (r.job.namespace.clone(), r.job.id.clone());
    let Some(saved) = facts.summaries.as_ref().and_then(|s| s.get(&key)) else {
        return Err(super::saved_job::no_summary_line(&key.0, &key.1));
    };
    let whose = super::saved_allocs::Whose::Job(&key.0, &key.1);
    let Some(listed) = super::saved_allocs::listed(state, facts, whose) else {
        return Err(format!(
            "cannot tell: allocations.json is not saved, so how this rehearsal's steps moved job {}'s summary is unknown",
            crate::gotext::go_quote(&r.job.id)
        ));
    };
    let mut groups = saved.groups.clone();
    for g in &r.job.groups {
        groups.entry(g.name.to_string()).or_default();
    }
    for l in listed {
        let Listed::Written(a, before) = l else {
            continue;
        };
        let g = groups.entry(a.task_group.to_string()).or_default();
        if let Some(n) = before.and_then(|b| bin(g, &b.client_status)) {
            *n = (*n - 1).max(0);
        }
        if let Some(n) = bin(g, a.client_status.as_str()) {
            *n += 1;
        }
    }
    // Each evaluation sets Queued from its own placements: the
    // rehearsal's blocked evaluation keeps the missing ones queued.
    let blocked = state
        .blocked
        .iter()
        .any(|b| b.namespace == key.0 && b.job_id == key.1);
    for (name, g) in &mut groups {
        g.queued = 0;
        if blocked {
            let desired = r.job.group(name).map_or(0, |tg| tg.count);
            let live = state
                .job_allocs(&key.0, &key.1)
                .filter(|a| a.task_group == name.as_str())
                .count();
            let live = i64::try_from(live).unwrap_or(i64::MAX);
            g.queued = desired.saturating_sub(live).max(0);
        }
    }
    Ok(groups)
}

/// Does the changed job's view say its Summary or Allocations cannot be told?
pub(super) fn untold(
    state: &State,
    facts: &StatusFacts,
    r: &JobRecord,
) -> Vec<super::facts::Untold> {
    use super::facts::Untold;
    let mut out = Vec::new();
    if summary(state, facts, r).is_err() {
        out.push(Untold::Summary);
    }
    if facts.alloc_rows.is_none() {
        out.push(Untold::Allocations);
    }
    out
}
