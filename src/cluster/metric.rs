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
    /// How many filtered selects a system group's metric merges when every
    /// node filtered it (`mergeNodeFiltered`, scheduler/util.go
    /// v2.0.5:943-963): 0 for the metric of a ranked select. Nomad's first
    /// merge copies the select's metric (`maps.Clone` keeps a nil map nil)
    /// and each later one makes the class and constraint maps, so the API
    /// writes `{}` or `null` by it (render/plan_json_api.rs); such a metric
    /// never gets `NodesAvailable`, `NodesInPool` or `NodePool`.
    #[serde(default)]
    pub filtered_merged: u64,
}
