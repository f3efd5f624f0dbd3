//! The nodes a replacement avoids (issue 13): generic_sched.go
//! `getSelectOptions` gives the stack the replaced allocation's node and
//! the nodes its earlier reschedules left (`RescheduleTracker.Events[]
//! .PrevNodeID`); `NodeReschedulingPenaltyIterator` (scheduler/rank.go,
//! feasible/rank.go from 1.11) scores them -1 beside the job
//! anti-affinity. Up to 0.10.3 any replaced allocation's node is
//! penalised, a destructive update's too; from 0.10.4 a failed one's only
//! (3716a67b30, #6781). We penalised none: a rescheduled allocation went
//! back to the node it failed on where bin packing preferred it.
//!
//! The world: the service job `web` (tests/common/service.rs), count 1,
//! on two nodes: `small` (1000 MHz, bin packing's choice) and `big`
//! (4000 MHz). Which one a placement takes is read from the JSON plan.

use crate::common;

use common::service::{due, job_at, running, world};
use serde_json::{json, Value};

const SMALL: &str = "0c1b2c3d-0000-4000-8000-000000000001";
const BIG: &str = "0c1b2c3d-0000-4000-8000-000000000002";

fn node(id: &str, name: &str, mhz: u32) -> Value {
    json!({"ID": id, "Name": name, "Datacenter": "dc1",
        "NodePool": "default", "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
        "Attributes": {"kernel.name": "linux", "cpu.arch": "amd64"},
        "Drivers": {"docker": {"Detected": true, "Healthy": true}},
        "NodeResources": {"Cpu": {"CpuShares": mhz}, "Memory": {"MemoryMB": mhz}, "Disk": {"DiskMB": 10000},
            "Networks": [{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "MBits": 1000}]}})
}

/// The import of `release` holding `alloc` on the two nodes, the job
/// file `web.nomad` (`file`, else the registered job's).
fn two_nodes(tag: &str, release: &str, alloc: Value, file: Option<&str>) -> common::TempDir {
    let job = job_at(release, 1);
    let d = world(tag, release, &job, &[alloc], 1);
    let nodes = json!([node(SMALL, "small", 1000), node(BIG, "big", 4000)]);
    d.put("import/nodes.json", &nodes.to_string());
    d.put("import/saved-at.txt", "2024-06-01T12:05:00Z\n");
    if let Some(f) = file {
        d.put("web.nomad", f);
    }
    d
}

/// The node the plan of `web.nomad` places on, with the group line.
fn placed_on(tag: &str, release: &str, alloc: Value, file: Option<&str>) -> (String, String) {
    let d = two_nodes(tag, release, alloc, file);
    placed_in(&d.0, "import", release)
}

/// The node `web.nomad` in `dir` is placed on against `world`.
fn placed_in(dir: &std::path::Path, world: &str, release: &str) -> (String, String) {
    let o = common::run_in(
        dir,
        &["plan", "--world", world, "--format", "json", "web.nomad"],
    );
    let v: Value = serde_json::from_str(&o.stdout).unwrap_or(Value::Null);
    let placements = v["Preflight"]["Placements"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let [p] = placements.as_slice() else {
        panic!("{release}: one placement: {}{}", o.stdout, o.stderr);
    };
    let tg = v["Annotations"]["DesiredTGUpdates"]["g"].to_string();
    (p["NodeID"].as_str().unwrap_or("").to_string(), tg)
}

fn on(alloc: Value, node: &str, fields: Value) -> Value {
    let mut a = alloc;
    a["NodeID"] = json!(node);
    if let (Some(o), Value::Object(f)) = (a.as_object_mut(), fields) {
        o.extend(f);
    }
    a
}

#[test]
fn a_rescheduled_allocation_avoids_the_node_it_failed_on() {
    for release in ["0.9.4", "1.5.6", "2.0.5"] {
        let job = job_at(release, 1);
        let failed = on(due(1, 0, &job), SMALL, json!({}));
        let (node, tg) = placed_on(&format!("penalty-failed-{release}"), release, failed, None);
        assert_eq!(node, BIG, "{release}: {tg}");
    }
}

/// Its earlier reschedules left `big`: both nodes are penalised, bin
/// packing decides again.
#[test]
fn the_nodes_earlier_reschedules_left_are_avoided_too() {
    let job = job_at("1.5.6", 1);
    let tracker = json!({"RescheduleTracker": {"Events": [{
        "RescheduleTime": 1_717_243_000_000_000_000_i64, "Delay": 30_000_000_000_i64,
        "PrevAllocID": "a0000009-0000-4000-8000-000000000000", "PrevNodeID": BIG}]}});
    let failed = on(due(1, 0, &job), SMALL, tracker);
    let (node, tg) = placed_on("penalty-tracker", "1.5.6", failed, None);
    assert_eq!(node, SMALL, "{tg}");
}

/// A destructive update (a new image) of a running allocation on
/// `small`: penalised up to 0.10.3, not from 0.10.4.
#[test]
fn a_destructive_update_avoids_its_node_before_0_10_4() {
    let service = common::service::file(1).replace("nginx:1.25", "nginx:1.26");
    for (release, want) in [("0.9.4", BIG), ("1.5.6", SMALL), ("2.0.5", SMALL)] {
        let job = job_at(release, 1);
        let alloc = on(running(1, 0, &job), SMALL, json!({}));
        let tag = format!("penalty-update-{release}");
        let (node, tg) = placed_on(&tag, release, alloc, Some(&service));
        assert_eq!(node, want, "{release}: {tg}");
    }
}

/// A running allocation that an earlier reschedule put back on `small`:
/// its destructive update avoids `small` (1.5.6: the tracker's node, not
/// its own), in the import and in the world `import --write` makes of it
/// (allocations.hcl `reschedule_nodes`).
#[test]
fn a_replacement_avoids_the_tracker_nodes_in_a_written_world_too() {
    let job = job_at("1.5.6", 1);
    let tracker = json!({"RescheduleTracker": {"Events": [{
        "RescheduleTime": 1_717_243_000_000_000_000_i64, "Delay": 30_000_000_000_i64,
        "PrevAllocID": "a0000009-0000-4000-8000-000000000000", "PrevNodeID": SMALL}]}});
    let alloc = on(running(1, 0, &job), SMALL, tracker);
    let update = common::service::file(1).replace("nginx:1.25", "nginx:1.26");
    let d = two_nodes("penalty-written", "1.5.6", alloc, Some(&update));
    let (node, tg) = placed_in(&d.0, "import", "1.5.6");
    assert_eq!(node, BIG, "{tg}");
    let w = common::run_in(&d.0, &["import", "import", "--write", "out/rules"]);
    assert_eq!(w.code, 0, "{}{}", w.stdout, w.stderr);
    let written =
        std::fs::read_to_string(d.0.join("out/rules/allocations.hcl")).unwrap_or_default();
    assert!(
        written.contains(&format!("reschedule_nodes = [\"{SMALL}\"]")),
        "{written}"
    );
    d.put("out/web.nomad", &update);
    let (node, tg) = placed_in(&d.0.join("out"), "rules", "1.5.6");
    assert_eq!(node, BIG, "{tg}");
}
