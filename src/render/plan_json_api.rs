//! The api types of a plan response that the simulation fills from its own
//! records: a failed group's `AllocationMetric` and a preempted
//! allocation's `AllocationListStub`, with every field Nomad's CLI writes.
//!
//! How Nomad writes them: the servers' scheduler fills `structs.AllocMetric`
//! and `structs.AllocListStub`; the HTTP API encodes them with go-msgpack's
//! JsonHandle; the CLI decodes the body into the api types (api/jobs.go
//! v2.0.5:1534-1545, api/allocations.go v2.0.5:293-311 and 392-419) and
//! `-json-output` encodes those again (command/data_format.go). So every api
//! field is written: one the server's struct has with its value (a Go
//! zero value as `0`, `""`), one it does not as `null`; a nil map or slice
//! stays `null` and an empty one `{}`/`[]` through both encodings. Struct
//! fields come sorted by name (go-msgpack v2.1.5 codec/encode.go:707-709
//! `fti.sfiSort` when encoding a struct as a map), which serde_json's sorted
//! map gives; map keys come in Go's random map order (encode.go:846-890,
//! `Canonical` unset), which no output can match: ours are sorted.
//!
//! What no simulation can know is said by [`unknown_fields`], and printed
//! as Go's zero value so the document keeps Nomad's shape.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::jobspec::{Job, TaskGroup};
use crate::scheduler::{AllocMetric, PlanResult, PreemptedAlloc};
use crate::version::NomadVersion;

/// A failed group's `api.AllocationMetric` as release `version` writes it.
///
/// - `AllocationTime` is the servers' wall time of the last select
///   (scheduler/feasible/stack.go v2.0.5:204 `time.Since(start)`, a
///   `time.Duration`: integer nanoseconds): unknowable, written 0 and said
///   by [`unknown_fields`].
/// - `Scores` (deprecated) is never filled by a 2.0.5 scheduler, and
///   `ScoreMetaData` only from nodes that reached score normalization
///   (`AllocMetric.ScoreNode`/`PopulateScoreMetaData`, nomad/structs/
///   alloc.go v2.0.5:1187-1225). A failed placement had none: any node
///   normalized passes the limit and max-score iterators (scheduler/
///   feasible/select.go v2.0.5:38-59, 97-114), so the select would have
///   returned it. Both are `null` for every failed group, in every node
///   order: no random node order shows here.
/// - The maps Nomad makes lazily (`FilterNode`, `ExhaustedNode`, alloc.go
///   v2.0.5:1113-1143) are `null` until a node adds a key;
///   `NodesAvailable` is always made for a ranked select (scheduler/util.go
///   v2.0.5:25 `make`, generic_sched.go :583) and never for a system
///   group's merged filter metric ([`AllocMetric::filtered_merged`]).
pub(super) fn alloc_metric(
    m: &AllocMetric,
    job: &Job,
    group: &str,
    version: NomadVersion,
) -> Value {
    let ranked = m.filtered_merged == 0;
    // `mergeNodeFiltered` makes both filter maps from its second merge
    // (scheduler/util.go v2.0.5:948-958).
    let merged_twice = m.filtered_merged >= 2;
    let lazy = |map: &BTreeMap<String, u64>, made: bool| {
        if map.is_empty() && !made {
            Value::Null
        } else {
            json!(map)
        }
    };
    let mut o = Map::new();
    o.insert("AllocationTime".into(), json!(0));
    o.insert("ClassExhausted".into(), lazy(&m.class_exhausted, false));
    o.insert(
        "ClassFiltered".into(),
        lazy(&m.class_filtered, merged_twice),
    );
    o.insert("CoalescedFailures".into(), json!(m.coalesced_failures));
    o.insert(
        "ConstraintFiltered".into(),
        lazy(&m.constraint_filtered, merged_twice),
    );
    o.insert(
        "DimensionExhausted".into(),
        lazy(&m.dimension_exhausted, false),
    );
    // api.AllocationMetric.NodePool and the schedulers' `NodePool =
    // s.job.NodePool` came in 1.10.4 (absent at v1.10.3); the job endpoint
    // gives a job without a pool "default" (nomad/
    // job_endpoint_hook_node_pool_ce.go v2.0.5:27), as the simulation reads
    // it (scheduler/feasibility.rs `in_job_scope`).
    if version.at_least(1, 10, 4) {
        let pool = match (ranked, job.node_pool.as_str()) {
            (false, _) => "",
            (true, "") => "default",
            (true, p) => p,
        };
        o.insert("NodePool".into(), json!(pool));
    }
    o.insert(
        "NodesAvailable".into(),
        if ranked {
            json!(m.nodes_available)
        } else {
            Value::Null
        },
    );
    o.insert("NodesEvaluated".into(), json!(m.nodes_evaluated));
    o.insert("NodesExhausted".into(), json!(m.nodes_exhausted));
    o.insert("NodesFiltered".into(), json!(m.nodes_filtered));
    // Node pools, and this count, came in 1.6.0 (docs/nomad-reference.md).
    if version.at_least(1, 6, 0) {
        o.insert("NodesInPool".into(), json!(m.nodes_in_pool));
    }
    // `ExhaustQuota` makes the slice only when a quota refuses (alloc.go
    // v2.0.5:1145-1151).
    o.insert(
        "QuotaExhausted".into(),
        if m.quota_exhausted.is_empty() {
            Value::Null
        } else {
            json!(m.quota_exhausted)
        },
    );
    // api.AllocationMetric.ResourcesExhausted came in 1.1.0 (absent at
    // v1.0.18).
    if version.at_least(1, 1, 0) {
        let tg = job.groups.iter().find(|g| g.name == group);
        o.insert(
            "ResourcesExhausted".into(),
            resources_exhausted(m, tg, version),
        );
    }
    o.insert("ScoreMetaData".into(), Value::Null);
    o.insert("Scores".into(), Value::Null);
    Value::Object(o)
}

/// `ResourcesExhausted`: `ExhaustResources(tg)` runs for the first failure
/// and again for each coalesced one (scheduler/generic_sched.go
/// v2.0.5:543-544, 696; scheduler_system.go :540, :558), on the first
/// failure's metric: nothing while `DimensionExhausted` is nil, else each
/// task's `Resources{}` adding its `MemoryMB` when memory was exhausted and
/// its `CPU` when cpu was (nomad/structs/alloc.go v2.0.5:1155-1183), so a
/// task's sum is its ask times the failures. Go's `int` wraps; so do we.
fn resources_exhausted(m: &AllocMetric, tg: Option<&TaskGroup>, version: NomadVersion) -> Value {
    let Some(tg) = tg.filter(|_| !m.dimension_exhausted.is_empty()) else {
        return Value::Null;
    };
    let failures = i64::try_from(m.coalesced_failures)
        .unwrap_or(i64::MAX)
        .wrapping_add(1);
    let hit = |dim: &str| m.dimension_exhausted.get(dim).is_some_and(|n| *n > 0);
    // Failures downgraded to an older version's group added that group's
    // asks instead (scheduler/downgrade.rs).
    let planned = failures.wrapping_sub(i64::try_from(m.downgraded_failures).unwrap_or(0));
    let mut sums: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for t in &tg.tasks {
        let e = sums.entry(t.name.as_str()).or_default();
        e.0 = t.resources.cpu.wrapping_mul(planned);
        e.1 = t.resources.memory_mb.wrapping_mul(planned);
    }
    for (name, (cpu, memory)) in &m.downgraded_asks {
        let e = sums.entry(name.as_str()).or_default();
        e.0 = e.0.wrapping_add(*cpu);
        e.1 = e.1.wrapping_add(*memory);
    }
    let tasks: Map<String, Value> = sums
        .into_iter()
        .map(|(name, (cpu, memory))| {
            let cpu = if hit("cpu") { cpu } else { 0 };
            let memory = if hit("memory") { memory } else { 0 };
            (name.to_string(), api_resources(cpu, memory, version))
        })
        .collect();
    Value::Object(tasks)
}

/// An `api.Resources` holding only CPU and memory, decoded from the
/// server's `structs.Resources` (every int field written, so 0; slices and
/// the NUMA pointer nil): fields as the release's api has them (Cores and
/// MemoryMaxMB 1.1.0, NUMA 1.7.0, SecretsMB 1.8.3; api/resources.go).
fn api_resources(cpu: i64, memory_mb: i64, version: NomadVersion) -> Value {
    let mut o = Map::new();
    o.insert("CPU".into(), json!(cpu));
    if version.at_least(1, 1, 0) {
        o.insert("Cores".into(), json!(0));
        o.insert("MemoryMaxMB".into(), json!(0));
    }
    o.insert("Devices".into(), Value::Null);
    o.insert("DiskMB".into(), json!(0));
    o.insert("IOPS".into(), json!(0));
    o.insert("MemoryMB".into(), json!(memory_mb));
    if version.at_least(1, 7, 0) {
        o.insert("NUMA".into(), Value::Null);
    }
    o.insert("Networks".into(), Value::Null);
    if version.at_least(1, 8, 3) {
        o.insert("SecretsMB".into(), json!(0));
    }
    Value::Object(o)
}

/// A preempted allocation's `api.AllocationListStub`: Nomad annotates
/// `stop.Stub(nil)` of the allocation in the state (scheduler/
/// generic_sched.go v2.0.5:950, scheduler_system.go :634; nomad/structs/
/// alloc.go v2.0.5:765-805), so `AllocatedResources` stays nil and is
/// omitted (`json:",omitempty"`). A preemption candidate is a live
/// allocation: never replaced (`NextAllocation`, `FollowupEvalID` empty),
/// never preempted (`PreemptedByAllocation` empty). The fields the world
/// does not hold are Go's zero values here, named by [`unknown_fields`].
pub(super) fn preempted_stub(p: &PreemptedAlloc, version: NomadVersion) -> Value {
    let mut o = Map::new();
    o.insert("ClientDescription".into(), json!(""));
    o.insert("ClientStatus".into(), json!(p.client_status));
    o.insert("CreateIndex".into(), json!(p.create_index));
    o.insert("CreateTime".into(), json!(0));
    o.insert("DeploymentStatus".into(), Value::Null);
    o.insert("DesiredDescription".into(), json!(p.desired_description));
    o.insert("DesiredStatus".into(), json!(p.desired_status));
    o.insert("EvalID".into(), json!(""));
    o.insert("FollowupEvalID".into(), json!(""));
    o.insert("ID".into(), json!(p.id));
    o.insert("JobID".into(), json!(p.job_id));
    o.insert("JobType".into(), json!(p.job_type));
    o.insert("JobVersion".into(), json!(p.job_version));
    o.insert("ModifyIndex".into(), json!(p.modify_index));
    o.insert("ModifyTime".into(), json!(0));
    o.insert("Name".into(), json!(p.name));
    o.insert("Namespace".into(), json!(p.namespace));
    // api.AllocationListStub.NextAllocation came in 1.6.0 (absent at
    // v1.5.17).
    if version.at_least(1, 6, 0) {
        o.insert("NextAllocation".into(), json!(""));
    }
    o.insert("NodeID".into(), json!(p.node_id));
    o.insert("NodeName".into(), json!(p.node_name));
    o.insert("PreemptedAllocations".into(), Value::Null);
    o.insert("PreemptedByAllocation".into(), json!(""));
    o.insert("RescheduleTracker".into(), Value::Null);
    o.insert("TaskGroup".into(), json!(p.task_group));
    o.insert("TaskStates".into(), Value::Null);
    Value::Object(o)
}

/// The fields of the document Nomad's servers and clients fill from what
/// no simulation holds, printed as Go's zero values: named exactly, for
/// the `note:` beside `-json-output`. `None` when the plan writes none.
pub fn unknown_fields(r: &PlanResult) -> Option<String> {
    let mut gaps = Vec::new();
    if !r.failed_tg_allocs.is_empty() {
        gaps.push(
            "FailedTGAllocs' AllocationTime (the servers' wall time for the select, in nanoseconds) is 0"
                .to_string(),
        );
    }
    if !r.preempted_allocs.is_empty() {
        let mut fields = vec![
            "EvalID",
            "ClientDescription",
            "TaskStates",
            "DeploymentStatus",
            "PreemptedAllocations",
            "CreateTime",
            "ModifyTime",
        ];
        if r.preempted_allocs.iter().any(|p| p.rescheduled) {
            fields.push("RescheduleTracker");
        }
        if r.preempted_allocs.iter().any(|p| p.node_name.is_empty()) {
            fields.push("NodeName");
        }
        gaps.push(format!(
            "PreemptedAllocs' {} (the servers' and clients' records of each allocation) are empty, and their IDs and indexes are the world's",
            fields.join(", ")
        ));
    }
    (!gaps.is_empty()).then(|| {
        format!(
            "-json-output: the simulation cannot know what Nomad writes here: {}",
            gaps.join("; ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{Resources, Task};

    fn keys(v: &Value) -> Vec<&str> {
        v.as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect()
    }

    /// Group "g" of two tasks, 100 MHz / 256 MB and 500 MHz / 64 MB.
    fn job(pool: &str) -> Job {
        let task = |name: &str, cpu, memory_mb| Task {
            name: name.into(),
            resources: Resources {
                cpu,
                memory_mb,
                ..Resources::default()
            },
            ..Task::default()
        };
        Job {
            node_pool: pool.into(),
            groups: vec![TaskGroup {
                name: "g".into(),
                tasks: vec![task("a", 100, 256), task("b", 500, 64)],
                ..TaskGroup::default()
            }],
            ..Job::default()
        }
    }

    fn memory_exhausted() -> AllocMetric {
        AllocMetric {
            nodes_evaluated: 3,
            nodes_exhausted: 3,
            nodes_in_pool: 3,
            nodes_available: [("dc1".to_string(), 3)].into(),
            dimension_exhausted: [("memory".to_string(), 3)].into(),
            coalesced_failures: 2,
            ..AllocMetric::default()
        }
    }

    const V2_0_5: NomadVersion = NomadVersion::new(2, 0, 5);

    /// api.AllocationMetric's fields at v2.0.5 (api/allocations.go
    /// :293-311), sorted as the codec writes them; the lazily made maps
    /// null, `NodesAvailable` made; each task's ask times the three
    /// failures, memory only (`ExhaustResources`).
    #[test]
    fn a_failed_group_has_every_api_field() {
        let v = alloc_metric(&memory_exhausted(), &job(""), "g", V2_0_5);
        // Their names: tests/plan_json_output_fields.rs `METRIC_FIELDS`.
        assert_eq!(keys(&v).len(), 16, "{v}");
        for null in [
            "ClassExhausted",
            "ClassFiltered",
            "ConstraintFiltered",
            "QuotaExhausted",
            "ScoreMetaData",
            "Scores",
        ] {
            assert_eq!(v[null], Value::Null, "{null}: {v}");
        }
        assert_eq!(v["NodePool"], "default");
        assert_eq!(v["NodesAvailable"], json!({"dc1": 3}));
        assert_eq!(v["AllocationTime"], 0);
        let a = &v["ResourcesExhausted"]["a"];
        assert_eq!(
            keys(a),
            [
                "CPU",
                "Cores",
                "Devices",
                "DiskMB",
                "IOPS",
                "MemoryMB",
                "MemoryMaxMB",
                "NUMA",
                "Networks",
                "SecretsMB"
            ]
        );
        assert_eq!(
            (a["MemoryMB"].clone(), a["CPU"].clone()),
            (json!(768), json!(0))
        );
        assert_eq!(v["ResourcesExhausted"]["b"]["MemoryMB"], 192);
        // cpu too when both ran out; nothing when no dimension did.
        let mut m = memory_exhausted();
        m.dimension_exhausted.insert("cpu".into(), 1);
        let v = alloc_metric(&m, &job("gpu"), "g", V2_0_5);
        assert_eq!(v["ResourcesExhausted"]["b"]["CPU"], 1500);
        assert_eq!(v["NodePool"], "gpu");
        m.dimension_exhausted.clear();
        m.quota_exhausted = vec!["cpu exhausted (3500 needed > 3000 limit)".into()];
        let v = alloc_metric(&m, &job(""), "g", V2_0_5);
        assert_eq!(v["ResourcesExhausted"], Value::Null);
        assert_eq!(v["DimensionExhausted"], Value::Null);
        assert_eq!(
            v["QuotaExhausted"][0],
            "cpu exhausted (3500 needed > 3000 limit)"
        );
    }

    /// NodesInPool from 1.6.0, ResourcesExhausted (and Cores, MemoryMaxMB)
    /// from 1.1.0, NUMA from 1.7.0, SecretsMB from 1.8.3, NodePool from
    /// 1.10.4.
    #[test]
    fn fields_by_release() {
        let m = memory_exhausted();
        let at = |v| alloc_metric(&m, &job(""), "g", v);
        let old = at(NomadVersion::DEMO);
        for absent in ["NodesInPool", "ResourcesExhausted", "NodePool"] {
            assert!(old.get(absent).is_none(), "{absent}: {old}");
        }
        assert!(at(NomadVersion::new(1, 5, 6)).get("NodesInPool").is_none());
        assert_eq!(at(NomadVersion::new(1, 6, 0))["NodesInPool"], 3);
        assert!(at(NomadVersion::new(1, 0, 18))
            .get("ResourcesExhausted")
            .is_none());
        let r = |v| at(v)["ResourcesExhausted"]["a"].clone();
        assert!(r(NomadVersion::new(1, 1, 0)).get("Cores").is_some());
        assert!(r(NomadVersion::new(1, 6, 10)).get("NUMA").is_none());
        assert!(r(NomadVersion::new(1, 7, 0)).get("NUMA").is_some());
        assert!(r(NomadVersion::new(1, 8, 2)).get("SecretsMB").is_none());
        assert!(r(NomadVersion::new(1, 8, 3)).get("SecretsMB").is_some());
        assert!(at(NomadVersion::new(1, 10, 3)).get("NodePool").is_none());
        assert_eq!(at(NomadVersion::new(1, 10, 4))["NodePool"], "default");
    }

    /// A system group every node filtered: `mergeNodeFiltered`'s copy of
    /// the first select keeps nil maps nil, the second merge makes them;
    /// no pool, no available nodes (scheduler/util.go v2.0.5:943-963).
    #[test]
    fn a_merged_filter_metric() {
        let mut m = AllocMetric {
            nodes_evaluated: 1,
            nodes_filtered: 1,
            filtered_merged: 1,
            ..AllocMetric::default()
        };
        let v = alloc_metric(&m, &job(""), "g", V2_0_5);
        assert_eq!(v["NodePool"], "");
        assert_eq!(v["NodesAvailable"], Value::Null);
        assert_eq!(v["ClassFiltered"], Value::Null);
        m.filtered_merged = 2;
        let v = alloc_metric(&m, &job(""), "g", V2_0_5);
        assert_eq!(v["ClassFiltered"], json!({}));
        assert_eq!(v["ConstraintFiltered"], json!({}));
        assert_eq!(v["ClassExhausted"], Value::Null);
    }

    /// api.AllocationListStub's 26 fields at v2.0.5 (api/allocations.go
    /// :392-419) but the omitted nil `AllocatedResources`; NextAllocation
    /// from 1.6.0.
    #[test]
    fn a_preempted_stub_has_every_api_field() {
        let p = PreemptedAlloc {
            id: "i".into(),
            name: "monitoring.foundation[0]".into(),
            node_name: "aws-1".into(),
            desired_status: "run".into(),
            client_status: "running".into(),
            ..PreemptedAlloc::default()
        };
        let v = preempted_stub(&p, V2_0_5);
        // Their names: tests/plan_json_output_fields.rs `STUB_FIELDS`.
        assert_eq!(keys(&v).len(), 25, "{v}");
        assert_eq!(v["Name"], "monitoring.foundation[0]");
        assert_eq!(v["NodeName"], "aws-1");
        let old = preempted_stub(&p, NomadVersion::new(1, 5, 17));
        assert!(old.get("NextAllocation").is_none(), "{old}");
        assert_eq!(keys(&old).len(), 24, "{old}");
    }

    #[test]
    fn the_unknown_fields_are_named() {
        let mut r = PlanResult::default();
        assert_eq!(unknown_fields(&r), None);
        r.failed_tg_allocs
            .insert("g".into(), AllocMetric::default());
        let note = unknown_fields(&r).expect("a note");
        assert!(note.contains("AllocationTime"), "{note}");
        assert!(!note.contains("PreemptedAllocs"), "{note}");
        r.preempted_allocs.push(PreemptedAlloc {
            rescheduled: true,
            ..PreemptedAlloc::default()
        });
        let note = unknown_fields(&r).expect("a note");
        assert!(
            note.contains("EvalID, ClientDescription, TaskStates, DeploymentStatus, PreemptedAllocations, CreateTime, ModifyTime, RescheduleTracker, NodeName"),
            "{note}"
        );
        assert!(!note.contains('\n'), "one line: {note}");
    }
}
