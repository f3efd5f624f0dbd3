//! What `nomad node status` and `nomad job status` print of an imported
//! cluster that no plan reads: the allocations' `CreateTime` and
//! `ModifyTime`, each node's `Events` and `Drivers` health, and when the
//! import was saved. Kept apart from the scheduler's node and allocation
//! values so that a status view shows the cluster's own facts, never ones
//! derived from the simulation (redteam14 R14-31).

use crate::world::api_json::Fields as _;
use std::collections::BTreeMap;

use serde_json::Value;

use super::api_json::{b, i, s};

/// An import's status facts. A hand-written world has none (`None` on
/// [`super::World::status_facts`]): its times are the simulation's.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StatusFacts {
    /// `saved-at.txt`, Unix nanoseconds: "now" for the relative times.
    pub saved_at: Option<i128>,
    /// By allocation ID, as `allocations.json` lists them.
    pub allocs: BTreeMap<String, AllocTimes>,
    /// By node ID: the per-node file's (`/v1/node/:id`), else the list's.
    pub nodes: BTreeMap<String, NodeFacts>,
    /// Each job's latest deployment (highest `CreateIndex`, as
    /// `/v1/job/:id/deployment` answers, state `LatestDeploymentByJobID`),
    /// by (namespace, job ID). `None`: deployments.json is not saved.
    pub deployments: Option<BTreeMap<(String, String), DeploymentFacts>>,
    /// Every allocation allocations.json lists, as saved; `None`: it is
    /// not saved, so no job's allocations can be told.
    pub alloc_rows: Option<Vec<super::status_jobs::SavedAlloc>>,
    /// Each job's summary by (namespace, job ID). `None`: the
    /// `job-summaries/` folder is not saved.
    pub summaries: Option<BTreeMap<(String, String), super::status_jobs::JobSummary>>,
    /// Each registered job as its saved file (`/v1/job/:id`) holds it, by
    /// (namespace, job ID): what `nomad job status JOB` prints of the job
    /// itself, read without the simulation (which derives a status of its
    /// own from the allocations it places).
    #[serde(default)]
    pub jobs: BTreeMap<(String, String), SavedJob>,
}

impl StatusFacts {
    /// The import's clock when it was saved, in Unix nanoseconds:
    /// `saved-at.txt`, else the newest time its files hold (a job's
    /// `SubmitTime`, an allocation's `CreateTime` / `ModifyTime`); `None`
    /// when they hold none. A rehearsal of the import dates its own
    /// writes from it (`cluster::State::import_clock`).
    pub fn clock_at_save(&self) -> Option<i128> {
        if let Some(at) = self.saved_at {
            return Some(at);
        }
        let submits = self.jobs.values().filter_map(|j| j.indexes.submit_time);
        let allocs = self.allocs.values().flat_map(|t| [t.create, t.modify]);
        // 0 is Go's zero time, printed as no time at all.
        let times = submits.chain(allocs.flatten()).filter(|&t| t != 0);
        times.map(i128::from).max()
    }
}

/// A registered job's indexes and `Status` as its saved file holds them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SavedJob {
    pub indexes: super::model::JobIndexes,
    /// `Job.Status` (`getStatusString`'s argument, command/job_status.go
    /// v2.0.5:261); `None` when the file holds none of Nomad's three.
    pub status: Option<crate::structs::JobStatus>,
}

impl SavedJob {
    pub fn from_api(v: &Value) -> SavedJob {
        use crate::structs::JobStatus;
        let status = match v.typed_str("Status") {
            Some("pending") => Some(JobStatus::Pending),
            Some("running") => Some(JobStatus::Running),
            Some("dead") => Some(JobStatus::Dead),
            _ => None,
        };
        SavedJob {
            indexes: super::api_alloc::job_indexes(v),
            status,
        }
    }
}

/// A deployment as `nomad job status` prints it (formatDeployment,
/// command/job_status.go v1.9.7 :486-512).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeploymentFacts {
    pub id: String,
    pub status: String,
    pub description: String,
    /// `IsMultiregion`: the CLI then fetches the other regions' too.
    pub multiregion: bool,
    pub groups: BTreeMap<String, DeploymentGroupFacts>,
}

/// One group's `DeploymentState`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeploymentGroupFacts {
    pub auto_revert: bool,
    pub promoted: bool,
    pub desired_canaries: i64,
    pub desired_total: i64,
    pub placed: i64,
    pub healthy: i64,
    pub unhealthy: i64,
    /// Nanoseconds; 0 is none.
    pub progress_deadline: i64,
    /// `RequireProgressBy` (seconds, written offset); `None`: Go's zero
    /// time, printed `N/A`.
    pub require_progress_by: Option<(i64, i32)>,
}

/// A job's latest deployment, from deployments.json's entry.
pub fn deployment_facts(d: &Value) -> DeploymentFacts {
    let groups = d
        .typed_object("TaskGroups")
        .into_iter()
        .flatten()
        .map(|(name, g)| {
            let by = g
                .typed_str("RequireProgressBy")
                .and_then(event_time)
                .filter(|(secs, _)| *secs != crate::gotime::ZERO_UNIX_SECS);
            let facts = DeploymentGroupFacts {
                auto_revert: b(g, "AutoRevert"),
                promoted: b(g, "Promoted"),
                desired_canaries: i(g, "DesiredCanaries"),
                desired_total: i(g, "DesiredTotal"),
                placed: i(g, "PlacedAllocs"),
                healthy: i(g, "HealthyAllocs"),
                unhealthy: i(g, "UnhealthyAllocs"),
                progress_deadline: i(g, "ProgressDeadline"),
                require_progress_by: by,
            };
            (name.clone(), facts)
        })
        .collect();
    DeploymentFacts {
        id: s(d, "ID"),
        status: s(d, "Status"),
        description: s(d, "StatusDescription"),
        multiregion: b(d, "IsMultiregion"),
        groups,
    }
}

/// An allocation's `CreateTime` and `ModifyTime` (Unix nanoseconds);
/// `None` when the saved JSON has no such number (the API always sends
/// one: a trimmed import).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AllocTimes {
    pub create: Option<i64>,
    pub modify: Option<i64>,
}

/// A node's `Events` as the import holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Events {
    /// Oldest first, as the API lists them.
    Listed(Vec<NodeEvent>),
    /// Only the list's stub was saved (`NodeListStub` has no events).
    #[default]
    NotSaved,
    /// Not a list of events whose `Timestamp` Go's client decodes.
    Unreadable,
}

/// One `NodeEvent`: its time (Unix seconds, and the UTC offset its JSON
/// text carries, which Go's decoding keeps and `formatTime` prints), its
/// subsystem, message and `Details["driver"]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NodeEvent {
    pub unix_secs: i64,
    pub offset_secs: i32,
    pub subsystem: String,
    pub message: String,
    pub driver: String,
}

/// One entry of a node's `Drivers` map.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DriverHealth {
    pub name: String,
    pub detected: bool,
    pub healthy: bool,
}

/// What a node's JSON (list stub or full node) tells of its status view.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NodeFacts {
    pub events: Events,
    /// `None`: the node reports no `Drivers` map (a pre-0.8 client).
    pub drivers: Option<Vec<DriverHealth>>,
    /// The short view's `Drivers` row, sorted: [`attribute_drivers`].
    /// `None`: only the list's stub was saved, which has no attributes.
    pub attribute_drivers: Option<Vec<String>>,
}

impl StatusFacts {
    /// Read the allocations' times from `allocations.json`'s list.
    pub fn read_allocs(&mut self, list: &Value) {
        let time = |a: &Value, k: &str| a.typed_i64(k);
        let rows = self.alloc_rows.get_or_insert_with(Vec::new);
        for a in crate::world::api_json::objects(
            list.as_array().map_or(&[], Vec::as_slice),
            "allocations",
        ) {
            let times = AllocTimes {
                create: time(a, "CreateTime"),
                modify: time(a, "ModifyTime"),
            };
            self.allocs.insert(s(a, "ID"), times);
            rows.push(super::status_jobs::SavedAlloc::from_api(a));
        }
    }

    /// Read one node's facts; a full node's replace its stub's.
    pub fn read_node(&mut self, v: &Value) {
        self.nodes.insert(s(v, "ID"), node_facts(v));
    }
}

fn node_facts(v: &Value) -> NodeFacts {
    let events = match v.get("Events") {
        None => Events::NotSaved,
        // A nil slice: Go prints the header alone.
        Some(Value::Null) => Events::Listed(Vec::new()),
        Some(Value::Array(list)) => list
            .iter()
            .map(node_event)
            .collect::<Option<Vec<_>>>()
            .map_or(Events::Unreadable, Events::Listed),
        Some(_) => Events::Unreadable,
    };
    let drivers = v.typed_object("Drivers").map(|m| {
        m.iter()
            .map(|(name, info)| DriverHealth {
                name: name.clone(),
                detected: b(info, "Detected"),
                healthy: b(info, "Healthy"),
            })
            .collect()
    });
    NodeFacts {
        events,
        drivers,
        attribute_drivers: attribute_drivers(v),
    }
}

/// Nomad's `nodeDrivers` (command/node_status.go, the same v0.9.0-v2.0.5),
/// which `nomad node status -short` prints as `Drivers`: every attribute
/// `driver.NAME` (two dot-separated parts) whose value is exactly "1",
/// sorted. Clients set it for each detected driver, healthy or not
/// (client/node_updater.go v2.0.5:304-312, "COMPAT Remove in Nomad
/// 0.10"), so it is not the Drivers map's list. `None` for a node list
/// stub (`NodeListStub` has no attributes, or only `os.name`).
fn attribute_drivers(v: &Value) -> Option<Vec<String>> {
    let attrs = v.typed_object("Attributes")?;
    if attrs.keys().all(|k| k == "os.name") {
        return None;
    }
    let mut drivers: Vec<String> = attrs
        .iter()
        .filter(|(_, val)| val.as_str() == Some("1"))
        .filter_map(|(k, _)| match k.split('.').collect::<Vec<_>>()[..] {
            ["driver", name] => Some(name.to_string()),
            _ => None,
        })
        .collect();
    // Go's sort.Strings: byte order, as Rust's String order is.
    drivers.sort();
    Some(drivers)
}

fn node_event(e: &Value) -> Option<NodeEvent> {
    let (unix_secs, offset_secs) = match e.get("Timestamp") {
        // Absent or null: Go's zero time, which `formatTime` prints empty.
        None | Some(Value::Null) => (i64::MIN, 0),
        Some(t) => event_time(t.as_str()?)?,
    };
    let driver = crate::world::api_json::path_s(e, &["Details", "driver"])
        .unwrap_or_default()
        .to_string();
    Some(NodeEvent {
        unix_secs,
        offset_secs,
        subsystem: s(e, "Subsystem"),
        message: s(e, "Message"),
        driver,
    })
}

/// A `time.Time`'s JSON as whole seconds (as `formatTime` prints it:
/// truncated) and the offset written.
fn event_time(text: &str) -> Option<(i64, i32)> {
    crate::gotime::parse_json_time(text).map(|(t, offset)| (t.as_second(), offset))
}

/// Nomad's `outputTruncatedNodeDriverInfo` (command/node_status.go, the
/// same v0.9.0–v2.0.5): the detected drivers, `NAME (unhealthy)` for one
/// whose health check fails, sorted, comma-joined.
pub fn driver_status(drivers: &[DriverHealth]) -> String {
    let mut shown: Vec<String> = drivers
        .iter()
        .filter(|d| d.detected)
        .map(|d| {
            if d.healthy {
                d.name.clone()
            } else {
                format!("{} (unhealthy)", d.name)
            }
        })
        .collect();
    shown.sort();
    shown.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn driver_status_marks_unhealthy_and_skips_undetected() {
        let f = node_facts(&json!({"Drivers": {
            "exec": {"Detected": true, "Healthy": false},
            "docker": {"Detected": true, "Healthy": true},
            "raw_exec": {"Detected": false, "Healthy": false}}}));
        let d = f.drivers.unwrap_or_default();
        assert_eq!(driver_status(&d), "docker,exec (unhealthy)");
    }

    #[test]
    fn attribute_drivers_are_the_flags_set_to_1_and_a_stub_has_none() {
        let f = node_facts(&json!({"Attributes": {
            "driver.exec": "1", "driver.docker": "1", "driver.raw_exec": "0",
            "driver.docker.version": "1", "driver.qemu": "true", "kernel.name": "linux"}}));
        let want = Some(vec!["docker".to_string(), "exec".to_string()]);
        assert_eq!(f.attribute_drivers, want);
        let stub = node_facts(&json!({"Attributes": {"os.name": "ubuntu"}}));
        assert_eq!(stub.attribute_drivers, None);
        assert_eq!(node_facts(&json!({})).attribute_drivers, None);
    }

    #[test]
    fn events_keep_their_written_offset_and_absent_ones_are_not_saved() {
        let f = node_facts(&json!({"Events": [
            {"Timestamp": "2024-11-30T20:50:00.9+05:30", "Subsystem": "Cluster",
             "Message": "Node registered"},
            {"Timestamp": "2024-11-30T21:00:00Z", "Subsystem": "Driver",
             "Message": "Healthy", "Details": {"driver": "docker"}}]}));
        let Events::Listed(e) = f.events else {
            panic!("events not read: {:?}", f.events)
        };
        assert_eq!((e[0].unix_secs, e[0].offset_secs), (1_732_980_000, 19_800));
        assert_eq!(e[1].driver, "docker");
        assert_eq!(node_facts(&json!({})).events, Events::NotSaved);
        let bad = node_facts(&json!({"Events": [{"Timestamp": "yesterday"}]}));
        assert_eq!(bad.events, Events::Unreadable);
    }

    #[test]
    fn the_clock_at_save_is_saved_at_else_the_newest_time_held() {
        let mut f = StatusFacts::default();
        assert_eq!(f.clock_at_save(), None);
        let t = AllocTimes {
            create: Some(1_700_000_000_000_000_000),
            modify: Some(1_700_000_100_000_000_000),
        };
        f.allocs.insert("a".into(), t);
        // Go's zero time is no time.
        let zero = AllocTimes {
            create: Some(0),
            modify: None,
        };
        f.allocs.insert("b".into(), zero);
        assert_eq!(f.clock_at_save(), Some(1_700_000_100_000_000_000));
        f.saved_at = Some(1_600_000_000_400_000_000);
        assert_eq!(f.clock_at_save(), Some(1_600_000_000_400_000_000));
    }
}
