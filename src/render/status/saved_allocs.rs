//! The allocations an imported cluster's status views list: every one
//! allocations.json holds for the job or node, with its saved statuses,
//! never the simulation's placements (redteam16 R16-24). `nomad job
//! status JOB` lists the job's (`Jobs().Allocations`, command/job_status.go
//! v2.0.5:431-435) and `nomad node status ID` the node's
//! (`Nodes().Allocations`, command/node_status.go v2.0.5:487, printed by
//! outputAllocInfo :629-631), both newest first (`CreateIndex`:
//! AllocIndexSort, api/nodes.go v2.0.5:962-975 AllocationSort).
//!
//! In a rehearsal of the import, both read the state as the steps left
//! it: an allocation a step wrote (placed, updated, stopped, preempted)
//! is listed as written, the saved rows of the others as saved
//! ([`listed`]). Listing the saved rows alone showed a node's stopped
//! allocations still running after a step changed them.
//!
//! Times are on one clock: the saved `CreateTime` / `ModifyTime`, and for
//! what a step wrote its index on the import's clock
//! ([`crate::cluster::State::time_at`]), never the simulation's 2019 epoch
//! beside a saved date.

use super::facts::saved_time_cells;
use super::{format_list, pretty_time_diff};
use crate::cluster::{Allocation, ClientStatus, State};
use crate::world::status_facts::StatusFacts;
use crate::world::status_jobs::SavedAlloc;

/// Whose allocations a view lists.
#[derive(Debug, Clone, Copy)]
pub enum Whose<'a> {
    /// A job's, by namespace and ID.
    Job(&'a str, &'a str),
    /// A node's, by its full ID.
    Node(&'a str),
}

impl Whose<'_> {
    fn holds(self, a: &SavedAlloc) -> bool {
        match self {
            Whose::Job(ns, id) => a.namespace == ns && a.job_id == id,
            Whose::Node(id) => a.node_id == id,
        }
    }

    fn holds_live(self, a: &Allocation) -> bool {
        match self {
            Whose::Job(ns, id) => a.namespace == ns && a.job_id == id,
            Whose::Node(id) => a.node_id == id,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Whose::Job(..) => "job",
            Whose::Node(_) => "node",
        }
    }
}

/// The saved allocations of `whose`; `None`: allocations.json is not
/// saved, so they cannot be told.
fn rows<'a>(facts: &'a StatusFacts, whose: Whose<'_>) -> Option<Vec<&'a SavedAlloc>> {
    let rows = facts.alloc_rows.as_ref()?;
    Some(rows.iter().filter(|a| whose.holds(a)).collect())
}

/// The line said in place of the Allocations table when
/// allocations.json is not saved: never "No allocations placed", which is
/// Nomad's text for a job or node with none.
fn untold(whose: Whose<'_>) -> String {
    format!(
        "cannot tell: allocations.json is not saved, so the {}'s allocations are unknown",
        whose.noun()
    )
}

/// One allocation of an import's list as it stands now.
#[derive(Debug, Clone, Copy)]
pub(super) enum Listed<'a> {
    /// As allocations.json saved it: no step wrote it.
    Saved(&'a SavedAlloc),
    /// As a rehearsal's step wrote it (above [`State::imported_at`]), with
    /// its saved row when the import listed it.
    Written(&'a Allocation, Option<&'a SavedAlloc>),
}

impl Listed<'_> {
    /// The `CreateIndex` the list is sorted by (a written allocation the
    /// import listed keeps its saved one).
    fn create_index(&self) -> i64 {
        match self {
            Listed::Saved(b) | Listed::Written(_, Some(b)) => b.create_index,
            Listed::Written(a, None) => i64::try_from(a.create_index).unwrap_or(i64::MAX),
        }
    }

    fn id(&self) -> &str {
        match self {
            Listed::Saved(b) => &b.id,
            Listed::Written(a, _) => &a.id,
        }
    }
}

/// Every allocation of `whose` now: the saved rows no step wrote, and the
/// allocations the steps wrote; `None`: allocations.json is not saved.
/// Outside a rehearsal nothing is written, and this is the saved list.
pub(super) fn listed<'a>(
    state: &'a State,
    facts: &'a StatusFacts,
    whose: Whose<'_>,
) -> Option<Vec<Listed<'a>>> {
    let saved = rows(facts, whose)?;
    let at = state.imported_at.unwrap_or(u64::MAX);
    let written: Vec<&Allocation> = state
        .allocs
        .iter()
        .filter(|a| a.modify_index > at && whose.holds_live(a))
        .collect();
    let before = |id: &str| saved.iter().copied().find(|b| b.id == id);
    let mut out: Vec<Listed<'a>> = written
        .iter()
        .map(|a| Listed::Written(a, before(&a.id)))
        .collect();
    out.extend(
        saved
            .iter()
            .filter(|b| !written.iter().any(|a| a.id.as_str() == b.id))
            .map(|b| Listed::Saved(b)),
    );
    Some(out)
}

/// The Allocations table (formatAllocListStubs / formatAllocList,
/// non-verbose): every allocation of `whose` now ([`listed`]), newest
/// first, or the line that says it cannot be told.
pub(super) fn alloc_table(
    state: &State,
    facts: &StatusFacts,
    whose: Whose<'_>,
    now: i64,
) -> String {
    let Some(mut allocs) = listed(state, facts, whose) else {
        return untold(whose);
    };
    if allocs.is_empty() {
        return "No allocations placed".to_string();
    }
    allocs.sort_by(|a, b| {
        b.create_index()
            .cmp(&a.create_index())
            .then(a.id().cmp(b.id()))
    });
    let mut rows = vec![super::ALLOC_HEADER.to_string()];
    for listed in allocs {
        rows.push(match listed {
            Listed::Saved(b) => {
                let [created, modified] = saved_time_cells(facts, &b.id, now);
                super::AllocRow::saved(b).line(&created, &modified)
            }
            Listed::Written(a, before) => {
                let at = |index| pretty_time_diff(state.time_at(index), now);
                let created = match before {
                    Some(b) => saved_time_cells(facts, &b.id, now)[0].clone(),
                    None => at(a.create_index),
                };
                super::AllocRow::live(a).line(&created, &at(a.modify_index))
            }
        });
    }
    format_list(&rows)
}

/// Does a view of the import say its Allocations cannot be told?
pub fn allocs_unknown(facts: &StatusFacts) -> bool {
    facts.alloc_rows.is_none()
}

/// The saved allocations of `whose` shown without both times.
pub fn rows_without_times(facts: &StatusFacts, whose: Whose<'_>) -> usize {
    rows(facts, whose)
        .unwrap_or_default()
        .into_iter()
        .filter(|a| {
            facts
                .allocs
                .get(a.id.as_str())
                .is_none_or(|t| t.create.is_none() || t.modify.is_none())
        })
        .count()
}

/// The node's allocations whose `ClientStatus` is `running` now (saved,
/// or as a rehearsal's step wrote it), the ones `nomad node status` sums
/// into Allocated Resources and counts (formatNode's runningAllocs,
/// command/node_status.go v2.0.5:493-498: an `unknown` allocation is not
/// among them), with the resources the import read for each; `Err` with
/// the line that says they cannot be told: allocations.json not saved, or
/// a running allocation whose resources the import holds no allocation
/// for.
pub(super) fn node_running<'s>(
    facts: &'s StatusFacts,
    state: &'s State,
    node_id: &str,
) -> Result<Vec<&'s Allocation>, String> {
    let whose = Whose::Node(node_id);
    let Some(listed) = listed(state, facts, whose) else {
        return Err(untold(whose));
    };
    let by_id: std::collections::HashMap<&str, &Allocation> = state
        .allocs
        .iter()
        .filter(|a| a.node_id == node_id)
        .map(|a| (a.id.as_str(), a))
        .collect();
    let mut out = Vec::new();
    for l in listed {
        match l {
            Listed::Written(a, _) if a.client_status == ClientStatus::Running => out.push(a),
            Listed::Written(..) => {}
            Listed::Saved(b) if b.client_status == "running" => {
                let a = by_id.get(b.id.as_str()).copied().ok_or_else(|| {
                    format!(
                        "cannot tell: the import holds no resources of running allocation {}",
                        crate::escape::one_line(&b.id)
                    )
                })?;
                out.push(a);
            }
            Listed::Saved(_) => {}
        }
    }
    Ok(out)
}
