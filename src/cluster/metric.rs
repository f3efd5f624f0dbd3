//! Why a task group could not be placed: Nomad's `AllocMetric`. Kept with
//! the state because a failed evaluation's metrics outlive the scheduler
//! run (`nomad job status` prints them under `Placement Failure`).

use std::collections::BTreeMap;

/// Nomad's `AllocMetric` for a failed placement. Maps are ordered (BTreeMap)
/// where Nomad iterates Go maps in random order: our order is sorted by key.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AllocMetric {
    pub nodes_evaluated: u64,
    pub nodes_filtered: u64,
    pub nodes_in_pool: u64,
    pub nodes_available: BTreeMap<String, u64>,
    pub class_filtered: BTreeMap<String, u64>,
    pub constraint_filtered: BTreeMap<String, u64>,
    pub nodes_exhausted: u64,
    pub class_exhausted: BTreeMap<String, u64>,
    pub dimension_exhausted: BTreeMap<String, u64>,
    pub quota_exhausted: Vec<String>,
    pub coalesced_failures: u64,
}
