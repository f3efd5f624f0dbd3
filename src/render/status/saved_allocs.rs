//! The allocations an imported cluster's status views list: every one
//! allocations.json holds for the job or node, with its saved statuses,
//! never the simulation's placements (redteam16 R16-24). `nomad job
//! status JOB` lists the job's (`Jobs().Allocations`, command/job_status.go
//! v2.0.5:431-435) and `nomad node status ID` the node's
//! (`Nodes().Allocations`, command/node_status.go v2.0.5:487, printed by
//! outputAllocInfo :629-631), both newest first (`CreateIndex`:
//! AllocIndexSort, api/nodes.go v2.0.5:962-975 AllocationSort).

use super::facts::saved_time_cells;
use super::format_list;
use crate::cluster::{Allocation, State};
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

/// The Allocations table (formatAllocListStubs / formatAllocList,
/// non-verbose): every saved allocation of `whose`, newest first, with
/// its saved statuses, or the line that says it cannot be told.
pub(super) fn alloc_table(facts: &StatusFacts, whose: Whose<'_>, now: i64) -> String {
    let Some(mut allocs) = rows(facts, whose) else {
        return untold(whose);
    };
    if allocs.is_empty() {
        return "No allocations placed".to_string();
    }
    allocs.sort_by(|a, b| b.create_index.cmp(&a.create_index).then(a.id.cmp(&b.id)));
    let mut rows = vec![super::ALLOC_HEADER.to_string()];
    for a in allocs {
        let [created, modified] = saved_time_cells(facts, &a.id, now);
        rows.push(super::AllocRow::saved(a).line(&created, &modified));
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

/// The node's allocations whose saved `ClientStatus` is `running`, the
/// ones `nomad node status` sums into Allocated Resources and counts
/// (formatNode's runningAllocs, command/node_status.go v2.0.5:493-498:
/// an `unknown` allocation is not among them), with the resources the
/// import read for each; `Err` with the line that says they cannot be
/// told: allocations.json not saved, or a running allocation whose
/// resources the import holds no allocation for.
pub(super) fn node_running<'s>(
    facts: &StatusFacts,
    state: &'s State,
    node_id: &str,
) -> Result<Vec<&'s Allocation>, String> {
    let whose = Whose::Node(node_id);
    let Some(rows) = rows(facts, whose) else {
        return Err(untold(whose));
    };
    let by_id: std::collections::HashMap<&str, &Allocation> = state
        .allocs
        .iter()
        .filter(|a| a.node_id == node_id)
        .map(|a| (a.id.as_str(), a))
        .collect();
    rows.iter()
        .filter(|a| a.client_status == "running")
        .map(|a| {
            by_id.get(a.id.as_str()).copied().ok_or_else(|| {
                format!(
                    "cannot tell: the import holds no resources of running allocation {}",
                    crate::escape::one_line(&a.id)
                )
            })
        })
        .collect()
}
