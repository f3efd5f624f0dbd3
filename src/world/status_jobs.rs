//! What `nomad job status JOB` prints of an imported job that the
//! scheduler's model does not hold: every allocation of the job as the
//! cluster lists it (terminal ones, and `unknown` ones, with their saved
//! client and desired status), and the job's summary, which is the state
//! store's running count and not a count of the allocations that remain
//! (nomad/state/state_store.go keeps it as allocations change status and
//! does not lower it when they are garbage collected). A status view of an
//! import reads these, never the simulation's re-placement of the job
//! (redteam16 R16-24).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::api_json::{i, s};
use super::import::{read_saved, Saved};
use crate::diag::{Diag, Diags};
use crate::vfs::Vfs;

/// The folder `import --print-commands` saves each job's summary in
/// (`/v1/job/:id/summary?namespace=NS` into `job-summaries/NS/ID.json`).
pub const SUMMARIES_DIR: &str = "job-summaries";

/// One allocation as `formatAllocListStubs` prints it
/// (command/job_status.go v2.0.5): the values saved, not simulated.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SavedAlloc {
    pub id: String,
    pub namespace: String,
    pub job_id: String,
    pub node_id: String,
    pub task_group: String,
    pub job_version: i64,
    pub desired_status: String,
    pub client_status: String,
    pub create_index: i64,
}

impl SavedAlloc {
    pub fn from_api(a: &Value) -> SavedAlloc {
        SavedAlloc {
            id: s(a, "ID"),
            namespace: s(a, "Namespace"),
            job_id: s(a, "JobID"),
            node_id: s(a, "NodeID"),
            task_group: s(a, "TaskGroup"),
            job_version: i(a, "JobVersion"),
            desired_status: s(a, "DesiredStatus"),
            client_status: s(a, "ClientStatus"),
            create_index: i(a, "CreateIndex"),
        }
    }
}

/// One task group's `TaskGroupSummary` (api/jobs.go v2.0.5); `Unknown`
/// from 1.3.0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GroupSummary {
    pub queued: i64,
    pub starting: i64,
    pub running: i64,
    pub failed: i64,
    pub complete: i64,
    pub lost: i64,
    pub unknown: i64,
}

/// A periodic or parameterized job's `JobChildrenSummary`: its children
/// by status, which a child's garbage collection moves to `Dead` and
/// never takes off (nomad/state/state_store.go v2.0.5 `DeleteJobTxn`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChildrenSummary {
    pub pending: i64,
    pub running: i64,
    pub dead: i64,
}

/// A job's saved summary: its task groups by name, and its children's
/// counts (`None` when `Children` is null: a job that launches none).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JobSummary {
    pub groups: BTreeMap<String, GroupSummary>,
    pub children: Option<ChildrenSummary>,
}

/// Every `job-summaries/NS/*.json`, by (namespace, job ID) as each file
/// holds them (never from its name). `None`: the folder is not saved (an
/// import saved before the printed commands saved it), so no summary can
/// be told. A file that is not a JSON summary is an error, never "none".
pub fn load_summaries(
    vfs: &dyn Vfs,
    dir: &Path,
    namespaces: impl Iterator<Item = String>,
    diags: &mut Diags,
) -> Option<BTreeMap<(String, String), JobSummary>> {
    let root = dir.join(SUMMARIES_DIR);
    if !vfs.is_dir(&root) {
        return None;
    }
    let mut out = BTreeMap::new();
    for p in super::import::namespace_json_files(vfs, &root, namespaces) {
        let Some(Saved::Read(src, v)) = read_saved(vfs, &p, false, diags) else {
            continue;
        };
        let Some(groups) = v.get("Summary").and_then(Value::as_object) else {
            diags.push(
                Diag::error(
                    "import::shape",
                    "this file holds no job summary (a `Summary` object of task groups)",
                )
                .in_source(&src)
                .help("save it with `nomad operator api '/v1/job/<id>/summary?namespace=<ns>'`"),
            );
            continue;
        };
        let groups = groups
            .iter()
            .map(|(g, c)| {
                let n = |k: &str| i(c, k);
                let counts = GroupSummary {
                    queued: n("Queued"),
                    starting: n("Starting"),
                    running: n("Running"),
                    failed: n("Failed"),
                    complete: n("Complete"),
                    lost: n("Lost"),
                    unknown: n("Unknown"),
                };
                (g.clone(), counts)
            })
            .collect();
        let children = v
            .get("Children")
            .filter(|c| c.is_object())
            .map(|c| ChildrenSummary {
                pending: i(c, "Pending"),
                running: i(c, "Running"),
                dead: i(c, "Dead"),
            });
        let summary = JobSummary { groups, children };
        out.insert((s(&v, "Namespace"), s(&v, "JobID")), summary);
    }
    Some(out)
}
