//! `status` of an imported cluster prints the cluster's own facts
//! (redteam14 R14-31), never simulated ones:
//! - an allocation's Created/Modified are `prettyTimeDiff(time.Unix(0,
//!   CreateTime), now)` (command/job_status.go v1.9.7 formatAllocListStubs
//!   :560-563; formatAllocList :600-603), both times rounded to the second,
//!   a zero time empty (`<none>`; command/helpers.go prettyTimeDiff);
//!   "now" is the import's saved-at.txt, else this machine's clock, said in
//!   a note;
//! - `Node Events` are the node's own `Events`, newest first, a driver's
//!   as `Driver: NAME` (command/node_status.go v1.9.7 outputNodeEvent
//!   :754-775), each time in the offset its JSON carries (formatTime);
//! - `Driver Status` lists the detected drivers, `NAME (unhealthy)` for a
//!   failing one (outputTruncatedNodeDriverInfo :605-620).
//!
//! A hand-written world keeps its simulated times, with a note saying so.

use crate::common;

use common::TempDir;
use serde_json::{json, Value};

/// 2024-12-01T12:00:00Z.
const SAVED: i64 = 1_733_054_400;
const NODE: &str = "0c1b2c3d-0000-4000-8000-000000000001";

fn ns(secs: i64) -> i64 {
    secs * 1_000_000_000
}

fn read(p: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json")
}

fn write(p: &std::path::Path, v: &Value) {
    std::fs::write(p, serde_json::to_string_pretty(v).expect("json")).expect("write");
}

/// tests/fixtures/import/stored-update-1.6 with allocation times, the
/// node's events and an unhealthy `exec` driver, saved at [`SAVED`]
/// unless `saved_at` is false.
fn project(tag: &str, saved_at: bool) -> TempDir {
    let d = TempDir::new(tag);
    let imp = d.0.join("imp");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/stored-update-1.6");
    common::copy_dir(&src, &imp);
    if saved_at {
        d.put("imp/saved-at.txt", "2024-12-01T12:00:00Z\n");
    }
    let mut allocs = read(&imp.join("allocations.json"));
    for a in allocs.as_array_mut().expect("list") {
        let (create, modify) = match a["ID"].as_str() {
            // 2h5m before; 29.4s before, which rounds to 29s.
            Some("a0000001-0000-4000-8000-000000000000") => {
                (ns(SAVED - 7500), ns(SAVED - 30) + 600_000_000)
            }
            // A zero ModifyTime is printed empty.
            Some("a0000002-0000-4000-8000-000000000000") => (ns(SAVED - 3 * 86_400 - 3600), 0),
            _ => (ns(SAVED - 60), ns(SAVED - 60)),
        };
        a["CreateTime"] = json!(create);
        a["ModifyTime"] = json!(modify);
    }
    write(&imp.join("allocations.json"), &allocs);
    let mut nodes = read(&imp.join("nodes.json"));
    let drivers = json!({
        "docker": {"Detected": true, "Healthy": true},
        "exec": {"Detected": true, "Healthy": false, "HealthDescription": "failed"},
        "raw_exec": {"Detected": false, "Healthy": false}
    });
    nodes[0]["Drivers"] = drivers;
    write(&imp.join("nodes.json"), &nodes);
    let mut node = nodes[0].clone();
    node["Events"] = json!([
        {"Timestamp": "2024-11-30T20:50:00.5+01:00", "Subsystem": "Cluster",
         "Message": "Node registered", "Details": null},
        {"Timestamp": "2024-11-30T21:10:00Z", "Subsystem": "Driver",
         "Message": "Driver exec is not detected", "Details": {"driver": "exec"}}
    ]);
    write(&imp.join(format!("node-{NODE}.json")), &node);
    d
}

fn status(d: &TempDir, args: &[&str]) -> (i32, String, String) {
    let o = std::process::Command::new(common::bin())
        .current_dir(&d.0)
        .args(["--no-color", "status", "--world", "imp"])
        .args(args)
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .env_remove("NOMAD_NAMESPACE")
        .env_remove("NOMAD_REGION")
        .output()
        .expect("run the binary");
    (
        o.status.code().expect("exit code"),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn section<'a>(out: &'a str, title: &str) -> &'a str {
    let start = out
        .find(&format!("\n{title}\n"))
        .unwrap_or_else(|| panic!("no {title} in:\n{out}"));
    let rest = &out[start + title.len() + 2..];
    rest.split("\n\n").next().unwrap_or_default().trim_end()
}

#[test]
fn job_allocations_are_dated_by_the_import_from_its_save_time() {
    let d = project("status-facts-job", true);
    let (code, out, err) = status(&d, &["job", "web"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        section(&out, "Allocations"),
        "ID        Node ID   Task Group  Version  Desired  Status   Created   Modified\n\
         a0000001  0c1b2c3d  g           0        run      running  2h5m ago  29s ago\n\
         a0000002  0c1b2c3d  g           0        run      running  3d1h ago  <none>"
    );
    assert!(
        err.contains("note: relative times are counted from when the import was saved (2024-12-01T12:00:00Z, saved-at.txt)"),
        "{err}"
    );
}

#[test]
fn node_shows_its_own_events_and_unhealthy_driver() {
    let d = project("status-facts-node", true);
    let (code, out, err) = status(&d, &["node", "n1"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("\nDriver Status   = docker,exec (unhealthy)\n"),
        "{out}"
    );
    assert_eq!(
        section(&out, "Node Events"),
        "Time                       Subsystem     Message\n\
         2024-11-30T21:10:00Z       Driver: exec  Driver exec is not detected\n\
         2024-11-30T20:50:00+01:00  Cluster       Node registered"
    );
}

#[test]
fn node_without_saved_events_says_it_cannot_tell() {
    let d = project("status-facts-no-events", true);
    std::fs::remove_file(d.0.join(format!("imp/node-{NODE}.json"))).expect("rm");
    let (code, out, err) = status(&d, &["node", "n1"]);
    assert_eq!(code, 1, "{out}{err}");
    let events = section(&out, "Node Events");
    assert!(events.starts_with("cannot tell:"), "{out}");
    assert!(!out.contains("Node registered"), "{out}");
}

#[test]
fn without_saved_at_now_is_the_clock_and_a_note_says_so() {
    let d = project("status-facts-clock", false);
    let (code, out, err) = status(&d, &["job", "web"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("note: relative times are counted from this machine's clock now"),
        "{err}"
    );
    // Two years on at least: never the simulated "1m ago".
    let table = section(&out, "Allocations");
    assert!(!table.contains("1m ago"), "{table}");
    assert!(table.contains("y") && table.contains(" ago"), "{table}");
}

#[test]
fn hand_written_world_says_its_times_are_simulated() {
    let d = common::one_client_project(
        "status-facts-written",
        "1.9.7",
        "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"docker\"]\n",
        "",
    );
    let o = d.run(&["status", "node", "c-1"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("note: this world is hand-written: its times (allocations' Created/Modified, node events, the next periodic launch) are simulated"),
        "{err}"
    );
}

/// `nomad job status` prints the job's latest deployment (highest
/// CreateIndex; command/job_status.go v1.9.7 :404, :470-473, formatted by
/// formatDeployment :486-512 and formatDeploymentGroups,
/// deployment_status.go :602-672), its RequireProgressBy in the offset
/// its JSON carries.
#[test]
fn job_shows_the_imported_latest_deployment() {
    let d = project("status-facts-deploy", true);
    let group = |status: &str, by: &str| {
        json!({"g": {"AutoRevert": true, "Promoted": false, "DesiredCanaries": 0,
            "DesiredTotal": 2, "PlacedAllocs": 2,
            "HealthyAllocs": if status == "failed" { 0 } else { 2 },
            "UnhealthyAllocs": if status == "failed" { 2 } else { 0 },
            "ProgressDeadline": 600_000_000_000_i64, "RequireProgressBy": by}})
    };
    let deployments = json!([
        {"ID": "d0000002-0000-4000-8000-000000000000", "Namespace": "default",
         "JobID": "web", "JobVersion": 0, "JobCreateIndex": 11, "Status": "successful",
         "StatusDescription": "Deployment completed successfully", "CreateIndex": 40,
         "IsMultiregion": false,
         "TaskGroups": group("successful", "2024-11-30T21:03:20.5+01:00")},
        {"ID": "d0000001-0000-4000-8000-000000000000", "Namespace": "default",
         "JobID": "web", "JobVersion": 0, "JobCreateIndex": 11, "Status": "failed",
         "StatusDescription": "Failed due to unhealthy allocations", "CreateIndex": 20,
         "IsMultiregion": false,
         "TaskGroups": group("failed", "0001-01-01T00:00:00Z")}
    ]);
    write(&d.0.join("imp/deployments.json"), &deployments);
    let (code, out, err) = status(&d, &["job", "web"]);
    assert_eq!(code, 0, "{out}{err}");
    let at = out
        .find("\nLatest Deployment\n")
        .expect("a Latest Deployment");
    let shown = out[at..]
        .split("\nAllocations\n")
        .next()
        .unwrap_or_default();
    assert_eq!(
        shown,
        "\nLatest Deployment\n\
         ID          = d0000002\n\
         Status      = successful\n\
         Description = Deployment completed successfully\n\
         \n\
         Deployed\n\
         Task Group  Auto Revert  Desired  Placed  Healthy  Unhealthy  Progress Deadline\n\
         g           true         2        2       2        0          2024-11-30T21:03:20+01:00\n"
    );
}

#[test]
fn job_without_saved_deployments_says_it_cannot_tell() {
    let d = project("status-facts-no-deploy", true);
    std::fs::remove_file(d.0.join("imp/deployments.json")).expect("rm");
    let (code, out, err) = status(&d, &["job", "web"]);
    assert_eq!(code, 1, "{out}{err}");
    let events = section(&out, "Latest Deployment");
    assert!(events.starts_with("cannot tell:"), "{out}");
}

/// `nomad node status -short` prints `Drivers` from the node's attributes
/// (nodeDrivers, command/node_status.go v2.0.5:388-406, the same since
/// v0.9.0): each `driver.NAME` whose value is exactly "1", which a client
/// sets for every detected driver, healthy or not (client/node_updater.go
/// v2.0.5:304-312). `exec` is detected but unhealthy: listed; `raw_exec`'s
/// "0" and `driver.docker.version` are not flags.
#[test]
fn short_node_lists_the_drivers_of_its_own_attributes() {
    let d = project("status-facts-short-drivers", true);
    let file = d.0.join(format!("imp/node-{NODE}.json"));
    let mut node = read(&file);
    node["Attributes"] = json!({"kernel.name": "linux", "driver.docker": "1",
        "driver.exec": "1", "driver.raw_exec": "0", "driver.docker.version": "1"});
    write(&file, &node);
    let (code, out, err) = status(&d, &["node", "n1", "--short"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("\nDrivers         = docker,exec\n"), "{out}");
}

/// A node known from nodes.json's stub alone has no attributes: the row
/// cannot be told, said in its place and in the exit code.
#[test]
fn short_node_without_saved_attributes_says_it_cannot_tell() {
    let d = project("status-facts-short-stub", true);
    std::fs::remove_file(d.0.join(format!("imp/node-{NODE}.json"))).expect("rm");
    let mut nodes = read(&d.0.join("imp/nodes.json"));
    nodes[0]
        .as_object_mut()
        .expect("a node")
        .remove("Attributes");
    write(&d.0.join("imp/nodes.json"), &nodes);
    let (code, out, err) = status(&d, &["node", "n1", "--short"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("\nDrivers         = cannot tell: the import holds no Attributes for node n1"),
        "{out}"
    );
    assert!(
        err.contains("the Drivers row of node n1 cannot be told"),
        "{err}"
    );
}
