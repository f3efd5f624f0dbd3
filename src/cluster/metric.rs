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
    /// Of the failures (the first and the coalesced), how many were
    /// placements of a canarying group downgraded to an older job version
    /// (scheduler/downgrade.rs), and each task's cpu and memory asks of
    /// that version summed over them: `ExhaustResources(tg)` adds the group
    /// each placement was tried with (nomad/structs/alloc.go
    /// v2.0.5:1155-1183; generic_sched.go v2.0.5:544, 696). Always
    /// written: the caches' postcard is not self-describing, so a field
    /// skipped when empty would misalign every entry after it (the world
    /// cache's replays were never read back).
    #[serde(default)]
    pub downgraded_failures: u64,
    #[serde(default)]
    pub downgraded_asks: BTreeMap<String, (i64, i64)>,
}

impl AllocMetric {
    /// Count `n` failures of placements tried with an older version's
    /// group, whose tasks ask `tasks` (name, cpu, memory) each.
    pub fn add_downgraded<'a>(&mut self, n: u64, tasks: impl Iterator<Item = (&'a str, i64, i64)>) {
        let times = i64::try_from(n).unwrap_or(i64::MAX);
        self.downgraded_failures = self.downgraded_failures.saturating_add(n);
        for (name, cpu, memory) in tasks {
            let e = self.downgraded_asks.entry(name.to_string()).or_default();
            e.0 = e.0.wrapping_add(cpu.wrapping_mul(times));
            e.1 = e.1.wrapping_add(memory.wrapping_mul(times));
        }
    }
}
