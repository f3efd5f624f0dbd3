//! A system job's allocations on a client that disconnected, in an
//! import, planned as the release's system scheduler reads them rather
//! than called unknown (issue 13). Nomad's rules
//! (`diffSystemAllocsForNode`, scheduler/system_util.go at v1.5.6;
//! `computeForNode`, scheduler/reconciler/reconcile_node.go at v2.0.5,
//! the same order):
//! - `unknown`, desired `run`, in a group that keeps disconnected clients
//!   and within its window: ignored, and not updated when the job
//!   changes;
//! - `unknown` past its window (`Allocation.Expired`): lost, stopped,
//!   counted in no field `nomad job plan` prints;
//! - running on a disconnected node: from 1.11.2 marked `unknown`
//!   (`disconnecting`), counted nowhere; up to 1.11.1 `nomad job plan`
//!   runs the scheduler without disconnected-client support (Job.Plan's
//!   `scheduler.Harness`), so the node is tainted but not down: ignored;
//! - running after its client reconnected (`NeedsToReconnect`: the last
//!   `AllocStates` client status is `unknown`) on a ready node: from
//!   1.11.2 reconnecting, updated in place; up to 1.11.1 (no such
//!   support in the plan) any running allocation.
//!
//! The job JSON is the system job's stored form at each release: the
//! sysbatch fixtures (tests/fixtures/import-batch, 1.5.6 and 2.0.5) with
//! the system `Type` and a service or system job's restart policy
//! (api/tasks.go `defaultServiceJobRestartPolicy`: 2 attempts in 30m, 15s
//! delay), and the group's window: `MaxClientDisconnect` at 1.5.6, a
//! `Disconnect` block at 2.0.5 (`LostAfter`, with `Replace` and
//! `Reconcile` as api/tasks.go `DisconnectStrategy.Canonicalize` sets
//! them).

use crate::common;

use common::batch::{job_json_in, NODE_ID};
use common::plan_out::{placed_tail, tg_update_fields};
use common::{run_in, Out, TempDir};
use serde_json::{json, Value};

pub(crate) const NODE2: &str = "0c1b2c3d-0000-4000-8000-000000000002";

/// An hour, in nanoseconds.
const HOUR: i64 = 3_600_000_000_000;

/// The job file, with `window` in its group.
pub(crate) fn job_file(window: &str, image: &str) -> String {
    format!("job \"web\" {{\n  type = \"system\"\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{window}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"{image}\"\n      }}\n    }}\n  }}\n}}\n")
}

/// Whether `release` stores the job as 2.0.5 does here: from 1.11 (a
/// system job's update strategy, the window in a `disconnect` block, as
/// 1.11 reads no `max_client_disconnect`).
fn modern(release: &str) -> bool {
    release.starts_with("2.") || release.starts_with("1.11.")
}

/// The group's window in the job file at `release`, or none.
fn window(release: &str, keeps: bool) -> &'static str {
    match (keeps, modern(release)) {
        (false, _) => "",
        (true, false) => "    max_client_disconnect = \"1h\"\n",
        (true, true) => "    disconnect {\n      lost_after = \"1h\"\n    }\n",
    }
}

/// The stored form of [`job_file`] at `release`.
pub(crate) fn job_json(release: &str, keeps: bool) -> Value {
    let fixture = if modern(release) { "2.0.5" } else { release };
    let file = format!("web-sysbatch-{fixture}.json");
    let mut job = job_json_in(&file, json!({"Type": "system"}));
    let mut restart = json!({"Attempts": 2, "Interval": 1_800_000_000_000_i64,
        "Delay": 15_000_000_000_i64, "Mode": "fail"});
    if modern(release) {
        // api/jobs.go Canonicalize: a system job's update strategy is
        // DefaultUpdateStrategy (from 1.11, system deployments); the job
        // keeps its stagger and max_parallel (ApiJobToStructJob).
        let second = 1_000_000_000_i64;
        job["TaskGroups"][0]["Update"] = json!({"Stagger": 30 * second, "MaxParallel": 1, "HealthCheck": "checks",
            "MinHealthyTime": 10 * second, "HealthyDeadline": 300 * second,
            "ProgressDeadline": 600 * second, "Canary": 0, "AutoRevert": false, "AutoPromote": false});
        job["Update"]["Stagger"] = json!(30 * second);
        job["Update"]["MaxParallel"] = json!(1);
        restart["RenderTemplates"] = json!(false);
        if keeps {
            job["TaskGroups"][0]["Disconnect"] = json!({"LostAfter": HOUR, "StopOnClientAfter": null,
                "Replace": true, "Reconcile": "best_score"});
        }
    } else if keeps {
        job["TaskGroups"][0]["MaxClientDisconnect"] = json!(HOUR);
    }
    let g = &mut job["TaskGroups"][0];
    g["RestartPolicy"] = restart.clone();
    g["Tasks"][0]["RestartPolicy"] = restart;
    job
}

pub(crate) fn node(id: &str, name: &str, status: &str) -> Value {
    json!({"ID": id, "Name": name, "Datacenter": "dc1", "NodePool": "default",
        "Status": status, "SchedulingEligibility": "eligible", "Drain": false,
        "Attributes": {"kernel.name": "linux", "cpu.arch": "amd64"},
        "Drivers": {"docker": {"Detected": true, "Healthy": true}},
        "NodeResources": {"Cpu": {"CpuShares": 4000}, "Memory": {"MemoryMB": 4000},
            "Disk": {"DiskMB": 10000},
            "Networks": [{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "MBits": 1000}]}})
}

/// Allocation `n` of `job` on `node`, running, `fields` merged in.
pub(crate) fn alloc(n: u32, node: &str, job: &Value, fields: Value) -> Value {
    let mut a = json!({
        "ID": format!("a{n:07}-0000-4000-8000-000000000000"),
        "Namespace": "default", "Name": "web.g[0]", "NodeID": node,
        "JobID": "web", "Job": job, "TaskGroup": "g", "JobType": "system",
        "JobVersion": job["Version"],
        "AllocatedResources": {"Tasks": {"t": {"Cpu": {"CpuShares": 100}, "Memory": {"MemoryMB": 300}}},
            "TaskLifecycles": {"t": null}, "Shared": {"DiskMB": 300}},
        "DesiredStatus": "run", "ClientStatus": "running",
        "TaskStates": {"t": {"State": "running", "Failed": false}},
        "NextAllocation": "", "FollowupEvalID": "",
        "CreateIndex": 30 + n, "ModifyIndex": 40 + n,
        "AllocStates": null
    });
    if let (Some(o), Value::Object(p)) = (a.as_object_mut(), fields) {
        o.extend(p);
    }
    a
}

/// The client status entries an allocation of a client that disconnected
/// at 11:30:00 (and, when `back`, came back at 11:45:00) holds.
fn states(back: bool) -> Value {
    let mut s = vec![json!({"Field": 0, "Value": "unknown", "Time": "2024-06-01T11:30:00Z"})];
    if back {
        s.push(json!({"Field": 0, "Value": "running", "Time": "2024-06-01T11:45:00Z"}));
    }
    Value::Array(s)
}

/// An import of `release` with node 1 ready, node 2 `node2`, the job and
/// `allocs`, saved at `saved`.
fn import(tag: &str, release: &str, keeps: bool, node2: &str, allocs: &[Value]) -> TempDir {
    let d = TempDir::new(tag);
    let nodes = json!([node(NODE_ID, "n1", "ready"), node(NODE2, "n2", node2)]);
    d.put("import/nodes.json", &nodes.to_string());
    d.put(
        "import/agent-self.json",
        &format!(r#"{{"member": {{"Tags": {{"build": "{release}", "region": "global"}}}}}}"#),
    );
    d.put(
        "import/jobs/default/web.json",
        &job_json(release, keeps).to_string(),
    );
    d.put(
        "import/allocations.json",
        &Value::Array(allocs.to_vec()).to_string(),
    );
    d.put("import/deployments.json", "[]");
    d.put("import/saved-at.txt", "2024-06-01T12:00:31Z\n");
    d.import_rest("import");
    let w = window(release, keeps);
    d.put("web.nomad", &job_file(w, "nginx:1.25"));
    d.put("web2.nomad", &job_file(w, "nginx:1.26"));
    d
}

fn plan(d: &TempDir, file: &str) -> Out {
    run_in(&d.0, &["plan", "--world", "import", file])
}

/// `file` plans with exit `code`, its job unchanged or not as the file
/// says, and the group line `group`.
fn assert_plan(d: &TempDir, file: &str, code: i32, group: &str) {
    let o = plan(d, file);
    assert_eq!(o.code, code, "{}{}", o.stdout, o.stderr);
    assert!(!o.stderr.contains("alloc-state"), "{}", o.stderr);
    assert!(
        o.stdout.contains(&format!("Task Group: \"g\" ({group})\n")),
        "want ({group}), got:\n{}{}",
        o.stdout,
        o.stderr
    );
}

const RELEASES: [&str; 2] = ["1.5.6", "2.0.5"];

/// The group line at `release`: `before` up to 1.10, `from` 1.11 on,
/// whose annotation's `Place` is the group's candidate nodes
/// (scheduler_system.go `tgCandidateNodeCounts`: every allocation placed,
/// updated in place or destructively, or ignored; not a lost or
/// disconnecting one).
fn by<'a>(release: &str, before: &'a str, from: &'a str) -> &'a str {
    if !modern(release) {
        before
    } else {
        from
    }
}

/// The fixtures are the job file: with a running allocation on the ready
/// node, the unchanged file plans as the registered job.
#[test]
fn the_fixtures_are_the_job_file() {
    for release in RELEASES {
        let job = job_json(release, true);
        let allocs = [alloc(1, NODE_ID, &job, json!({}))];
        let d = import(
            &format!("sys-fixture-{release}"),
            release,
            true,
            "down",
            &allocs,
        );
        let o = plan(&d, "web.nomad");
        assert!(
            o.stdout.starts_with("Job: \"web\"\n"),
            "{}{}",
            o.stdout,
            o.stderr
        );
        assert_plan(
            &d,
            "web.nomad",
            0,
            by(release, "1 ignore", "1 create, 1 ignore"),
        );
    }
}

/// `unknown` within its window: ignored, even when the job changes; past
/// it: lost, stopped, counted nowhere. Was "cannot tell".
#[test]
fn an_unknown_allocation_is_ignored_then_lost() {
    for release in RELEASES {
        let job = job_json(release, true);
        let unknown = json!({"ClientStatus": "unknown", "AllocStates": states(false)});
        let allocs = [
            alloc(1, NODE_ID, &job, json!({})),
            alloc(2, NODE2, &job, unknown),
        ];
        let tag = format!("sys-unknown-{release}");
        let d = import(&tag, release, true, "disconnected", &allocs);
        let group = by(release, "2 ignore", "2 create, 2 ignore");
        assert_plan(&d, "web.nomad", 0, group);
        let group = by(
            release,
            "1 create/destroy update, 1 ignore",
            "2 create, 1 create/destroy update, 1 ignore",
        );
        assert_plan(&d, "web2.nomad", 1, group);
        // Saved at 12:30:00: the window (11:30 + 1h) has passed.
        d.put("import/saved-at.txt", "2024-06-01T12:30:00Z");
        let group = by(release, "1 ignore", "1 create, 1 ignore");
        assert_plan(&d, "web.nomad", 0, group);
    }
}

/// The whole text of the unchanged file's plan at 1.5.6, one allocation
/// running and one `unknown`: Nomad's command/job_plan.go output.
#[test]
fn the_plan_text_with_an_unknown_allocation() {
    let job = job_json("1.5.6", true);
    let unknown = json!({"ClientStatus": "unknown", "AllocStates": states(false)});
    let allocs = [
        alloc(1, NODE_ID, &job, json!({})),
        alloc(2, NODE2, &job, unknown),
    ];
    let d = import("sys-unknown-text", "1.5.6", true, "disconnected", &allocs);
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let want = format!(
        "Job: \"web\"\nTask Group: \"g\" (2 ignore)\n  Task: \"t\"\n{}",
        placed_tail("web.nomad", 11, "")
    );
    assert_eq!(o.stdout, want);
}

/// Without `AllocStates` (the list form of /v1/allocations) or without
/// saved-at.txt, whether the window has passed is not known: unknown.
#[test]
fn an_unknown_allocation_without_its_states_or_the_time_is_unknown() {
    let job = job_json("1.5.6", true);
    let bare = alloc(2, NODE2, &job, json!({"ClientStatus": "unknown"}));
    let d = import("sys-unknown-bare", "1.5.6", true, "disconnected", &[bare]);
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("without `AllocStates`"), "{}", o.stderr);
    let unknown = json!({"ClientStatus": "unknown", "AllocStates": states(false)});
    let a = alloc(2, NODE2, &job, unknown);
    let d = import("sys-unknown-untimed", "1.5.6", true, "disconnected", &[a]);
    std::fs::remove_file(d.0.join("import/saved-at.txt")).expect("remove");
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("saved-at.txt is absent"), "{}", o.stderr);
}

/// Running on a disconnected node. Up to 1.11.1 `nomad job plan` runs
/// the system scheduler without disconnected-client support (Job.Plan's
/// `scheduler.Harness`, nomad/job_endpoint.go v1.5.0:1818, whose
/// `ServersMeetMinimumVersion` is false, scheduler/testing.go v1.5.0:253;
/// scheduler_system.go v1.5.0 passes it on), so whatever the group's
/// window the node is tainted, not down: ignored, not stopped nor updated
/// (system_util.go v1.5.6 `goto IGNORE`; the old code counted it nowhere,
/// "1 ignore"). From 1.11.2 every group keeps them: marked `unknown`,
/// counted nowhere.
#[test]
fn a_running_allocation_on_a_disconnected_node() {
    for release in RELEASES {
        let job = job_json(release, true);
        let allocs = [
            alloc(1, NODE_ID, &job, json!({})),
            alloc(2, NODE2, &job, json!({})),
        ];
        let d = import(
            &format!("sys-disc-{release}"),
            release,
            true,
            "disconnected",
            &allocs,
        );
        assert_plan(
            &d,
            "web.nomad",
            0,
            by(release, "2 ignore", "1 create, 1 ignore"),
        );
        let group = by(
            release,
            "1 create/destroy update, 1 ignore",
            "1 create, 1 create/destroy update",
        );
        assert_plan(&d, "web2.nomad", 1, group);
    }
    let job = job_json("1.5.6", false);
    let allocs = [
        alloc(1, NODE_ID, &job, json!({})),
        alloc(2, NODE2, &job, json!({})),
    ];
    let d = import("sys-disc-none", "1.5.6", false, "disconnected", &allocs);
    assert_plan(&d, "web.nomad", 0, "2 ignore");
    assert_plan(&d, "web2.nomad", 1, "1 create/destroy update, 1 ignore");
}

/// Running after its client came back (the last client status entry
/// `unknown`, not reconciled yet) on a ready node: from 1.11.2
/// reconnecting, updated in place at its own version. Up to 1.11.1 the
/// plan's scheduler has no disconnected-client support, so
/// `NeedsToReconnect` is never asked (system_util.go v1.5.6:82
/// `supportsDisconnectedClients &&`): any running allocation, ignored
/// (the old code: "1 ignore, 1 in-place update"). Once reconciled (a
/// `running` entry follows), it is any running allocation.
#[test]
fn a_reconnecting_allocation_is_updated_in_place() {
    for release in RELEASES {
        let job = job_json(release, true);
        let back = json!({"AllocStates": states(false)});
        let allocs = [
            alloc(1, NODE_ID, &job, back),
            alloc(2, NODE2, &job, json!({})),
        ];
        let d = import(
            &format!("sys-back-{release}"),
            release,
            true,
            "ready",
            &allocs,
        );
        let group = by(release, "2 ignore", "2 create, 1 ignore, 1 in-place update");
        assert_plan(&d, "web.nomad", 0, group);
        // 1.11's `Reconnect` count in the JSON (nomad/structs/structs.go
        // v1.11.0; absent at v1.10.5), besides the in-place update
        // (scheduler/util.go v2.0.5:741): absent at 1.5.6.
        let u = tg_update_fields(&d.0, "import", "web.nomad", "g");
        let reconnect = if modern(release) {
            json!(1)
        } else {
            Value::Null
        };
        assert_eq!(u["Reconnect"], reconnect, "{release}: {u}");
        let done = json!({"AllocStates": states(true)});
        let allocs = [
            alloc(1, NODE_ID, &job, done),
            alloc(2, NODE2, &job, json!({})),
        ];
        let d = import(
            &format!("sys-back-done-{release}"),
            release,
            true,
            "ready",
            &allocs,
        );
        assert_plan(
            &d,
            "web.nomad",
            0,
            by(release, "2 ignore", "2 create, 2 ignore"),
        );
    }
}

/// 1.11.2 and 1.11.3 read disconnects as 2.0 does (#27053, bdf5b27410,
/// reached 1.11.2 by its backport 0cef49eb41, #27264:
/// scheduler/reconciler/reconcile_node.go `computeForNode` no longer
/// reads `SupportsDisconnectedClients`; nomad/structs/alloc.go
/// `LastUnknown` is the start of the last run of `unknown` entries), 1.11.1
/// as before:
/// - a group without a window keeps disconnected clients from 1.11.2: a
///   running allocation on a disconnected node is disconnecting, counted
///   nowhere (1.11.1: the node tainted, not down, ignored), and an
///   `unknown` one is past its zero window, lost (1.11.1: "cannot tell",
///   the group keeps none);
/// - `unknown` at 11:30 and again at 12:00 with no reconnect between, an
///   hour's window, saved at 12:40: 1.11.1 times the window from the
///   latest entry (ignored), 1.11.2 from the first of the run (lost).
///
/// From 1.11 the annotation's `Place` is the group's candidate nodes
/// (`tgCandidateNodeCounts`): the ignored ones, not a lost or
/// disconnecting one.
#[test]
fn from_1_11_2_every_group_keeps_disconnected_clients_and_the_run_times_the_window() {
    for (release, late) in [("1.11.1", false), ("1.11.2", true), ("1.11.3", true)] {
        let job = job_json(release, false);
        let allocs = [
            alloc(1, NODE_ID, &job, json!({})),
            alloc(2, NODE2, &job, json!({})),
        ];
        let tag = format!("sys-late-run-{release}");
        let d = import(&tag, release, false, "disconnected", &allocs);
        let group = if late {
            "1 create, 1 ignore"
        } else {
            "2 create, 2 ignore"
        };
        assert_plan(&d, "web.nomad", 0, group);

        let unknown = json!({"ClientStatus": "unknown", "AllocStates": states(false)});
        let allocs = [
            alloc(1, NODE_ID, &job, json!({})),
            alloc(2, NODE2, &job, unknown),
        ];
        let tag = format!("sys-late-unknown-{release}");
        let d = import(&tag, release, false, "disconnected", &allocs);
        if late {
            assert_plan(&d, "web.nomad", 0, "1 create, 1 ignore");
        } else {
            let o = plan(&d, "web.nomad");
            assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
            assert!(
                o.stderr.contains("keeps no disconnected clients"),
                "{}",
                o.stderr
            );
        }

        let job = job_json(release, true);
        let twice = json!([
            {"Field": 0, "Value": "unknown", "Time": "2024-06-01T11:30:00Z"},
            {"Field": 0, "Value": "unknown", "Time": "2024-06-01T12:00:00Z"}]);
        let unknown = json!({"ClientStatus": "unknown", "AllocStates": twice});
        let allocs = [
            alloc(1, NODE_ID, &job, json!({})),
            alloc(2, NODE2, &job, unknown),
        ];
        let tag = format!("sys-late-twice-{release}");
        let d = import(&tag, release, true, "disconnected", &allocs);
        d.put("import/saved-at.txt", "2024-06-01T12:40:00Z\n");
        let group = if late {
            "1 create, 1 ignore"
        } else {
            "2 create, 2 ignore"
        };
        assert_plan(&d, "web.nomad", 0, group);
    }
    // The whole text at 1.11.2 of the `unknown` allocation in a group
    // without a window (command/job_plan.go: the diff None, exit 0).
    let job = job_json("1.11.2", false);
    let unknown = json!({"ClientStatus": "unknown", "AllocStates": states(false)});
    let allocs = [
        alloc(1, NODE_ID, &job, json!({})),
        alloc(2, NODE2, &job, unknown),
    ];
    let d = import("sys-late-text", "1.11.2", false, "disconnected", &allocs);
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let want = format!(
        "Job: \"web\"\nTask Group: \"g\" (1 create, 1 ignore)\n  Task: \"t\"\n{}",
        placed_tail("web.nomad", 11, "")
    );
    assert_eq!(o.stdout, want);
}

/// A node `disconnected` in an import whose agent-self.json names a
/// release before 1.3, which has no such status: refused as a
/// hand-written world saying so is (`world::version-gate`), by plan,
/// validate and check; it had been simulated by 1.3's rules.
#[test]
fn a_disconnected_node_before_1_3_is_refused() {
    let job = job_json("1.5.6", false);
    let allocs = [alloc(1, NODE_ID, &job, json!({}))];
    let d = import("sys-gate-1.2", "1.5.6", false, "disconnected", &allocs);
    d.put(
        "import/agent-self.json",
        r#"{"member": {"Tags": {"build": "1.2.17", "region": "global"}}}"#,
    );
    for cmd in ["plan", "validate", "check"] {
        let o = run_in(&d.0, &[cmd, "--world", "import", "web.nomad"]);
        assert_ne!(o.code, 0, "{cmd}: {}{}", o.stdout, o.stderr);
        // miette wraps the line: its words, joined again.
        let words = o.stderr.replace('│', " ");
        let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            o.stderr.contains("world::version-gate"),
            "{cmd}: {}",
            o.stderr
        );
        assert!(
            words.contains(&format!(
                "node {NODE2} is `disconnected`, a Nomad 1.3+ node status; the import's agent-self.json says the servers run Nomad 1.2.17"
            )),
            "{cmd}: {}{}",
            o.stdout,
            o.stderr
        );
    }
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, "");
    // At 1.3.0 the same import plans.
    d.put(
        "import/agent-self.json",
        r#"{"member": {"Tags": {"build": "1.3.0", "region": "global"}}}"#,
    );
    let o = plan(&d, "web.nomad");
    assert_ne!(o.code, 255, "{}{}", o.stdout, o.stderr);
}
