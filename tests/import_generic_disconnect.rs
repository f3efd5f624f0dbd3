//! A service job's `unknown` allocation (its client disconnected), in an
//! import, planned as `nomad job plan` reads it rather than called
//! unknown (issue 13). Nomad's rules (`filterByTainted` then
//! `computeGroup`: scheduler/reconcile_util.go and scheduler/reconcile.go
//! at v1.3.0, v1.7.1, v1.10.5; scheduler/reconciler/filters.go and
//! reconcile_cluster.go at v1.11.1):
//! - up to 1.11.1 Job.Plan runs the scheduler without disconnected-client
//!   support (nomad/job_endpoint.go v1.10.5:1896 `scheduler.Harness{State:
//!   ...}`, whose `ServersMeetMinimumVersion` is false: scheduler/testing.go
//!   v1.10.5:262; v1.11.1's `sstructs.PlanBuilder` the same), so the
//!   window is never read (the cluster's workers read it): on a
//!   disconnected node lost, unless the group does not replace (from
//!   1.7.2: untainted); on a ready one untainted, counted and updated as
//!   any, and from "when there are unknown allocs, dont ignore them"
//!   (d3f30f44d7, #18701: v1.4.14, v1.5.10, v1.6.3, v1.7.0) not counted
//!   among the ones too many (computeStop's `knownUntainted`);
//! - v1.11.2 and 2.0 (bdf5b27410, #27053; 0cef49eb41, #27264) read it
//!   by its node within its window: kept on a disconnected node, lost on
//!   a down one unless the group does not replace, reconnecting on a
//!   ready one (not simulated: "cannot tell"); past it, lost whatever
//!   the group.
//!
//! The world: the service job of tests/common/service.rs (count 1) with
//! a one-hour window, node `n1` ready and `n2` disconnected at 11:30:00;
//! the import saved at 12:00:31 (within the window) or 12:30:00 (past).

use crate::common;

use common::batch::{alloc, NODE_ID};
use common::plan_out::{placed_tail, tg_update_fields};
use common::service::{file, job_at, running};
use common::{run_in, Out, TempDir};
use serde_json::{json, Value};

const NODE2: &str = "0c1b2c3d-0000-4000-8000-000000000002";

/// An hour, in nanoseconds.
const HOUR: i64 = 3_600_000_000_000;

/// Past the window: an hour after the client disconnected.
const PAST: &str = "2024-06-01T12:30:00Z\n";

/// The group's window in the job's file and stored form at `release`:
/// `max_client_disconnect` before 1.8, a `disconnect` block from it,
/// `replace = false` when `keep` (api/tasks.go
/// `DisconnectStrategy.Canonicalize` sets the rest).
fn window(release: &str, keep: bool) -> (String, Value) {
    if release.starts_with("1.5.") {
        let text = "    max_client_disconnect = \"1h\"\n".to_string();
        return (text, json!({"MaxClientDisconnect": HOUR}));
    }
    let replace = if keep { "      replace = false\n" } else { "" };
    let text = format!("    disconnect {{\n      lost_after = \"1h\"\n{replace}    }}\n");
    let block = json!({"LostAfter": HOUR, "StopOnClientAfter": null, "Replace": !keep,
        "Reconcile": "best_score"});
    (text, json!({ "Disconnect": block }))
}

fn node(id: &str, name: &str, status: &str) -> Value {
    json!({"ID": id, "Name": name, "Datacenter": "dc1", "NodePool": "default",
        "Status": status, "SchedulingEligibility": "eligible", "Drain": false,
        "Attributes": {"kernel.name": "linux", "cpu.arch": "amd64"},
        "Drivers": {"docker": {"Detected": true, "Healthy": true}},
        "NodeResources": {"Cpu": {"CpuShares": 4000}, "Memory": {"MemoryMB": 4000},
            "Disk": {"DiskMB": 10000},
            "Networks": [{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "MBits": 1000}]}})
}

/// `web.g[0]` on `n2`, `unknown` since 11:30:00.
fn unknown(job: &Value) -> Value {
    let states = json!([
        {"Field": 0, "Value": "running", "Time": "2024-06-01T11:00:00Z"},
        {"Field": 0, "Value": "unknown", "Time": "2024-06-01T11:30:00Z"}]);
    alloc(
        9,
        0,
        job,
        json!({"ClientStatus": "unknown", "JobType": "service", "NodeID": NODE2,
            "TaskStates": {"t": {"State": "running", "Failed": false}},
            "AllocStates": states}),
    )
}

/// A service job at `release` with the window, its allocations: the
/// `unknown` one and, when `replaced`, its replacement running on `n1`.
fn import(tag: &str, release: &str, keep: bool, replaced: bool) -> TempDir {
    import_with(tag, release, keep, "disconnected", |job| {
        let mut allocs = vec![unknown(job)];
        if replaced {
            allocs.push(running(1, 0, job));
        }
        allocs
    })
}

/// A service job at `release` with the window and the allocations
/// `allocs` makes of its stored form.
fn import_with(
    tag: &str,
    release: &str,
    keep: bool,
    node2: &str,
    allocs: impl Fn(&Value) -> Vec<Value>,
) -> TempDir {
    let (text, stored) = window(release, keep);
    let mut job = job_at(release, 1);
    if let (Some(Value::Object(g)), Value::Object(p)) = (job.pointer_mut("/TaskGroups/0"), stored) {
        g.extend(p);
    }
    let allocs = allocs(&job);
    let d = TempDir::new(tag);
    let nodes = json!([node(NODE_ID, "n1", "ready"), node(NODE2, "n2", node2)]);
    d.put("import/nodes.json", &nodes.to_string());
    d.put(
        "import/agent-self.json",
        &format!(r#"{{"member": {{"Tags": {{"build": "{release}", "region": "global"}}}}}}"#),
    );
    d.put("import/jobs/default/web.json", &job.to_string());
    d.put("import/allocations.json", &Value::Array(allocs).to_string());
    d.put("import/deployments.json", "[]");
    d.put("import/saved-at.txt", "2024-06-01T12:00:31Z\n");
    d.import_rest("import");
    let with_window = file(1).replace("group \"g\" {\n", &format!("group \"g\" {{\n{text}"));
    d.put("web.nomad", &with_window);
    d.put(
        "web2.nomad",
        &with_window.replace("nginx:1.25", "nginx:1.26"),
    );
    let kill = "      driver = \"docker\"\n      kill_timeout = \"9s\"\n";
    d.put(
        "web3.nomad",
        &with_window.replace("      driver = \"docker\"\n", kill),
    );
    d
}

fn plan(d: &TempDir, file: &str) -> Out {
    run_in(&d.0, &["plan", "--world", "import", file])
}

/// `file` plans with exit `code`, read (no `import::alloc-state`), with
/// the group line `group`.
fn assert_plan(d: &TempDir, file: &str, code: i32, group: &str) {
    let o = plan(d, file);
    assert!(!o.stderr.contains("alloc-state"), "{}", o.stderr);
    assert_eq!(o.code, code, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains(&format!("Task Group: \"g\" ({group})\n")),
        "want ({group}), got:\n{}{}",
        o.stdout,
        o.stderr
    );
}

/// The fixtures are the job file: the unchanged file plans as the
/// registered job (no diff), whatever the release.
#[test]
fn the_fixtures_are_the_job_file() {
    for release in ["1.5.6", "1.10.5"] {
        let d = import(&format!("gen-fixture-{release}"), release, false, true);
        let o = plan(&d, "web.nomad");
        assert!(
            o.stdout.starts_with("Job: \"web\"\n"),
            "{release}: {}{}",
            o.stdout,
            o.stderr
        );
    }
}

/// Within its window on the disconnected node. From 1.11.2 it is kept
/// (untainted), beside its replacement or alone. Up to 1.11.1 the plan
/// reads no window: lost (filterByTainted's `else` branch,
/// reconcile_util.go v1.5.6, v1.10.5:280; filters.go v1.11.1:163),
/// stopped, and placed again when its replacement does not run (the old
/// code: "2 ignore", or "1 create, 1 ignore" / "1 ignore" alone).
#[test]
fn within_its_window_it_is_lost_on_a_disconnected_node_until_1_11_2() {
    for (release, replaced, group) in [
        ("1.5.6", true, "1 destroy, 1 ignore"),
        ("1.5.17", true, "1 destroy, 1 ignore"),
        ("1.10.5", true, "1 destroy, 1 ignore"),
        ("1.11.1", true, "1 destroy, 1 ignore"),
        ("1.11.2", true, "2 ignore"),
        ("2.0.5", true, "2 ignore"),
        ("2.0.5", false, "1 ignore"),
        ("1.5.6", false, "1 create, 1 destroy"),
        ("1.5.10", false, "1 create, 1 destroy"),
        ("1.10.5", false, "1 create, 1 destroy"),
    ] {
        let tag = format!("gen-waiting-{release}-{replaced}");
        let d = import(&tag, release, false, replaced);
        assert_plan(&d, "web.nomad", 0, group);
    }
}

/// On a ready node (its client back, not reconciled yet), within its
/// window or past it, up to 1.11.1: untainted (`!nodeIsTainted`,
/// reconcile_util.go v1.5.6, v1.10.5; filters.go v1.11.1:134), counted.
/// Beside its replacement the group has one too many: before #18701
/// computeStop stops one; from it the `unknown` one is not counted among
/// the ones too many (`knownUntainted`, reconcile.go v1.10.5:1039). The
/// old code read the window: "2 ignore" and "1 create, 1 ignore" before
/// #18701, lost past it.
#[test]
fn on_a_ready_node_it_is_counted_until_1_11_2() {
    for (release, replaced, past, group) in [
        ("1.5.6", false, false, "1 ignore"),
        ("1.5.9", true, false, "1 destroy, 1 ignore"),
        ("1.5.10", true, false, "2 ignore"),
        ("1.5.6", false, true, "1 ignore"),
        ("1.10.5", false, true, "1 ignore"),
        ("1.10.5", true, true, "2 ignore"),
        ("1.11.1", false, true, "1 ignore"),
    ] {
        let tag = format!("gen-ready-{release}-{replaced}-{past}");
        let d = import_with(&tag, release, false, "ready", |job| {
            let mut allocs = vec![unknown(job)];
            if replaced {
                allocs.push(running(1, 0, job));
            }
            allocs
        });
        if past {
            d.put("import/saved-at.txt", PAST);
        }
        assert_plan(&d, "web.nomad", 0, group);
    }
}

/// A new image (web2) or kill timeout (web3), on a ready node, no
/// replacement: untainted at every release up to 1.11.1 (before #18701
/// too: the plan never ignores it), so updated as any allocation of an
/// older version, in place on its node when the change allows. The old
/// code, at 1.5.6: "1 create, 1 ignore" for both.
#[test]
fn on_a_ready_node_a_job_change_updates_it() {
    for (release, image, kill) in [
        ("1.5.6", "1 create/destroy update", "1 in-place update"),
        ("1.5.17", "1 create/destroy update", "1 in-place update"),
        ("1.10.5", "1 create/destroy update", "1 in-place update"),
    ] {
        let tag = format!("gen-change-{release}");
        let d = import_with(&tag, release, false, "ready", |job| vec![unknown(job)]);
        assert_plan(&d, "web2.nomad", 1, image);
        let code = i32::from(kill.contains("create"));
        assert_plan(&d, "web3.nomad", code, kill);
    }
}

/// Past its window on the disconnected node: lost, stopped, and replaced
/// under its name when the group is short (not when its replacement
/// runs); up to 1.11.1 as within it (the plan reads no window), from
/// 1.11.2 as `expiring`.
#[test]
fn past_its_window_it_is_lost_and_replaced() {
    for (release, replaced, group) in [
        ("1.5.6", false, "1 create, 1 destroy"),
        ("1.5.6", true, "1 destroy, 1 ignore"),
        ("1.10.5", false, "1 create, 1 destroy"),
        ("1.10.5", true, "1 destroy, 1 ignore"),
        ("1.11.1", false, "1 create, 1 destroy"),
        ("1.11.2", false, "1 create, 1 destroy"),
        ("2.0.5", true, "1 destroy, 1 ignore"),
    ] {
        let tag = format!("gen-past-{release}-{replaced}");
        let d = import(&tag, release, false, replaced);
        d.put("import/saved-at.txt", PAST);
        assert_plan(&d, "web.nomad", 0, group);
    }
}

/// Past its window with `disconnect { replace = false }`, on the
/// disconnected node: up to 1.11.1 kept as it is, counted (the plan reads
/// no window: filterByTainted's `else` branch keeps it untainted,
/// `PreventReplaceOnDisconnect`, reconcile_util.go v1.10.5:297); from
/// 1.11.2 (#27053) lost whatever the group.
#[test]
fn past_its_window_a_group_that_does_not_replace_keeps_it_until_1_11_2() {
    for (release, group, code) in [
        ("1.10.5", "1 ignore", 0),
        ("1.11.1", "1 ignore", 0),
        ("1.11.2", "1 create, 1 destroy", 0),
        ("2.0.5", "1 create, 1 destroy", 0),
    ] {
        let d = import(&format!("gen-keep-{release}"), release, true, false);
        d.put("import/saved-at.txt", PAST);
        assert_plan(&d, "web.nomad", code, group);
    }
}

/// Within its window on a down node: lost unless the group of the
/// version it runs does not replace (then kept, untainted). Up to 1.11.1
/// the window is not read at all: Job.Plan's scheduler runs without
/// disconnected-client support (its Harness/PlanBuilder,
/// nomad/job_endpoint.go v1.10.5; scheduler/testing.go
/// `ServersMeetMinimumVersion` false), so filterByTainted skips the
/// "acknowledge unknown" check and reaches the down node's branch
/// (reconcile_util.go v1.10.5 `PreventReplaceOnDisconnect`); from 1.11.2
/// filters.go's "Terminal node allocations that cannot be replaced". The
/// old code kept it at 1.10.5 by its window ("1 ignore").
#[test]
fn on_a_down_node_it_is_lost_unless_not_replaced() {
    for (release, keep, group) in [
        ("1.10.5", false, "1 create, 1 destroy"),
        ("1.10.5", true, "1 ignore"),
        ("2.0.5", false, "1 create, 1 destroy"),
        ("2.0.5", true, "1 ignore"),
    ] {
        let tag = format!("gen-down-{release}-{keep}");
        let d = import_with(&tag, release, keep, "down", |job| vec![unknown(job)]);
        assert_plan(&d, "web.nomad", 0, group);
    }
}

/// An import's RUNNING allocation (not `unknown` yet: the node's own
/// evaluation has not run) on a down node (stop 59 Left 3). Nomad's
/// `filterByTainted` for a node whose status is terminal
/// (scheduler/reconcile_util.go v1.7.2:364-378; reconciler/filters.go
/// v2.0.5:268-292, "Terminal node allocations ..."): lost, stopped and
/// placed again ("1 create, 1 destroy"), unless the group of the version
/// it runs does not replace (1.10+ `replace = false`), then
/// `disconnecting`: marked `unknown`, kept by the planned group's window
/// ("1 ignore"). Before 1.7.2 (v1.7.1: `TerminalStatus()` → lost) always
/// lost. From 1.11.0 the `disconnecting` one is counted in the JSON's
/// `DesiredTGUpdates` as `Disconnect` (reconcile_cluster.go
/// v1.11.0:1655, v2.0.5:1646), a field 1.10.5 does not have.
#[test]
fn a_running_allocation_on_a_down_node_is_lost_unless_not_replaced() {
    let on_n2 = |job: &Value| {
        let mut a = running(1, 0, job);
        a["NodeID"] = json!(NODE2);
        vec![a]
    };
    for (release, keep, group, disconnect) in [
        ("1.5.6", false, "1 create, 1 destroy", None),
        ("1.10.5", false, "1 create, 1 destroy", None),
        ("1.10.5", true, "1 ignore", None),
        ("2.0.5", false, "1 create, 1 destroy", Some(0)),
        ("2.0.5", true, "1 ignore", Some(1)),
    ] {
        let tag = format!("gen-run-down-{release}-{keep}");
        let d = import_with(&tag, release, keep, "down", on_n2);
        assert_plan(&d, "web.nomad", 0, group);
        let u = tg_update_fields(&d.0, "import", "web.nomad", "g");
        let (marked, now) = match disconnect {
            None => (Value::Null, Value::Null),
            Some(n) => (json!(n), json!(0)),
        };
        assert_eq!(u["Disconnect"], marked, "{release} {keep}: {u}");
        assert_eq!(u["RescheduleNow"], now, "{release} {keep}: {u}");
    }
}

/// What is not read stays "cannot tell", in one line and the exit code:
/// from 1.11.2 an `unknown` allocation on a ready node (reconnecting),
/// and an allocation saved without `AllocStates` (which a plan up to
/// 1.11.1 does not read: lost there, on the disconnected node).
#[test]
fn what_is_not_modelled_still_cannot_be_told() {
    for release in ["1.11.2", "2.0.5"] {
        let tag = format!("gen-later-{release}");
        let d = import_with(&tag, release, false, "ready", |job| vec![unknown(job)]);
        let o = plan(&d, "web.nomad");
        assert!(o.stderr.contains("alloc-state"), "{release}: {}", o.stderr);
        assert!(o.stderr.contains("reconnecting"), "{release}: {}", o.stderr);
        assert_ne!(o.code, 0, "{release}: {}{}", o.stdout, o.stderr);
    }
    for release in ["1.5.6", "1.11.2"] {
        let d = import(&format!("gen-no-states-{release}"), release, false, true);
        let saved = std::fs::read_to_string(d.0.join("import/allocations.json")).expect("saved");
        let mut allocs: Value = serde_json::from_str(&saved).expect("json");
        allocs[0]["AllocStates"] = Value::Null;
        d.put("import/allocations.json", &allocs.to_string());
        if release == "1.5.6" {
            assert_plan(&d, "web.nomad", 0, "1 destroy, 1 ignore");
            continue;
        }
        let o = plan(&d, "web.nomad");
        assert!(o.stderr.contains("alloc-state"), "{}", o.stderr);
        assert!(o.stderr.contains("AllocStates"), "{}", o.stderr);
        assert_ne!(o.code, 0, "{}{}", o.stdout, o.stderr);
    }
}

/// Running on the disconnected node, not marked `unknown` yet (the
/// node's own evaluation has not run). Up to 1.11.1 `nomad job plan`
/// runs the reconciler without disconnected-client support (Job.Plan's
/// `scheduler.Harness`, nomad/job_endpoint.go v1.5.0:1818; its
/// `ServersMeetMinimumVersion` is false, scheduler/testing.go v1.5.0:253),
/// so `filterByTainted` (reconcile_util.go v1.3.0:269, v1.10.5:280) loses
/// it whatever the window: stopped and placed again, "1 create, 1
/// destroy" (the old code: "cannot tell"). A group that does not replace
/// (1.10.5 `replace = false`), or from 1.11.2 one with `lost_after`, has it
/// `disconnecting`: kept untainted when the planned group has a window
/// (computeGroup, scheduler/reconcile.go v1.10.5:508), "cannot tell" only
/// when its reschedule tracker could place it now.
#[test]
fn a_running_allocation_on_a_disconnected_node_is_lost_in_a_plan_until_1_11_2() {
    let on_n2 = |job: &Value| {
        let mut a = running(1, 0, job);
        a["NodeID"] = json!(NODE2);
        vec![a]
    };
    for release in ["1.5.6", "1.10.5", "1.11.1"] {
        let tag = format!("gen-disc-{release}");
        let d = import_with(&tag, release, false, "disconnected", on_n2);
        assert_plan(&d, "web.nomad", 0, "1 create, 1 destroy");
    }
    // From 1.11.2 kept (untainted) in the plan: `updateByReschedulable`
    // (filters.go v1.11.2:399, v2.0.5 the same) places it now only within
    // 1s of its next reschedule time, and with no tracker the delay is the
    // policy's (30s): unchanged, "1 ignore" (the old code: "cannot tell").
    for release in ["1.11.2", "2.0.5"] {
        let tag = format!("gen-disc-kept-{release}");
        let d = import_with(&tag, release, false, "disconnected", on_n2);
        assert_plan(&d, "web.nomad", 0, "1 ignore");
        // Changed: updated as any untainted allocation (computeUpdates,
        // `genericAllocUpdateFn` does not read the node's status).
        assert_plan(&d, "web2.nomad", 1, "1 create/destroy update");
    }
    // A tracker event of 0s: exponential `NextDelay` doubles it, 0s, so
    // it could be placed now: not told.
    let quick = |job: &Value| {
        let mut a = on_n2(job);
        a[0]["RescheduleTracker"] = json!({"Events": [{"PrevAllocID": "x",
            "PrevNodeID": NODE_ID, "RescheduleTime": 0, "Delay": 0}]});
        a
    };
    // 1.10.5, `replace = false` with `lost_after`: disconnecting, and the
    // planned group's `lost_after` keeps it untainted
    // (`RescheduleTimeOnDisconnect` gives `(now, false)`, structs.go
    // v1.10.5:11365): "1 ignore" (the old code: "cannot tell").
    let d = import_with(
        "gen-disc-kept-1.10.5",
        "1.10.5",
        true,
        "disconnected",
        on_n2,
    );
    assert_plan(&d, "web.nomad", 0, "1 ignore");
    {
        let release = "2.0.5";
        let d = import_with("gen-disc-told-2.0.5", release, false, "disconnected", quick);
        let o = plan(&d, "web.nomad");
        assert!(o.stderr.contains("alloc-state"), "{release}: {}", o.stderr);
        assert!(
            o.stderr.contains("live on a disconnected node"),
            "{release}: {}",
            o.stderr
        );
        assert_ne!(o.code, 0, "{release}: {}{}", o.stdout, o.stderr);
    }
}

/// The whole text of the unchanged file's plan at 1.5.6, the `unknown`
/// allocation within its window on the disconnected node and no
/// replacement: lost and placed again (command/job_plan.go: the diff is
/// None, so exit 0 and no `+`). The old code: "(1 create, 1 ignore)".
#[test]
fn the_plan_text_with_an_unknown_allocation() {
    let d = import("gen-text", "1.5.6", false, false);
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let want = format!(
        "Job: \"web\"\nTask Group: \"g\" (1 create, 1 destroy)\n  Task: \"t\"\n{}",
        placed_tail("web.nomad", 11, "")
    );
    assert_eq!(o.stdout, want);
}

/// Past its window in 1.8.0–1.9.x, on the disconnected node, with
/// `replace = false`. The cluster's workers reach computeGroup's
/// `expiring` branch, which reads `tg.PreventRescheduleOnLost` only
/// (scheduler/reconcile.go v1.8.0), and replace it; `nomad job plan` reads
/// no window up to 1.11.1, and filterByTainted's `else` branch asks
/// `PreventRescheduleOnDisconnect`, `replace = false` or
/// `prevent_reschedule_on_lost` (nomad/structs/structs.go v1.8.0:11315;
/// reconcile_util.go v1.8.0:280): kept, untainted, "1 ignore" (the old
/// code: "1 create, 1 destroy", the workers' reading).
#[test]
fn past_its_window_1_8_and_1_9_keep_it_by_replace_in_a_plan() {
    for (release, group) in [
        ("1.8.0", "1 ignore"),
        ("1.9.0", "1 ignore"),
        ("1.10.0", "1 ignore"),
    ] {
        let d = import(&format!("gen-quirk-{release}"), release, true, false);
        d.put("import/saved-at.txt", PAST);
        assert_plan(&d, "web.nomad", 0, group);
    }
    // The whole text at 1.9.0 (command/job_plan.go: the diff is None, so
    // exit 0 and no `+`), and its JSON counts.
    let d = import("gen-quirk-text", "1.9.0", true, false);
    d.put("import/saved-at.txt", PAST);
    let o = plan(&d, "web.nomad");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let want = format!(
        "Job: \"web\"\nTask Group: \"g\" (1 ignore)\n  Task: \"t\"\n{}",
        placed_tail("web.nomad", 11, "")
    );
    assert_eq!(o.stdout, want);
    let j = run_in(
        &d.0,
        &["plan", "--world", "import", "web.nomad", "--format", "json"],
    );
    let v: Value = serde_json::from_str(&j.stdout).unwrap_or_else(|e| panic!("{e}: {}", j.stderr));
    let du = &v["Annotations"]["DesiredTGUpdates"]["g"];
    assert_eq!(
        (du["Place"].as_u64(), du["Stop"].as_u64()),
        (Some(0), Some(0)),
        "{v}"
    );
    assert_eq!(du["Ignore"].as_u64(), Some(1), "{v}");
    // `prevent_reschedule_on_lost = true`, its window `max_client_disconnect`
    // (1.9.0 refuses the field beside a `disconnect` block, whose `replace`
    // api/tasks.go always sets: "using both prevent_reschedule_on_lost and
    // replace is not allowed"): kept at 1.9.0, counted and ignored.
    let d = import_with("gen-quirk-prevent", "1.9.0", false, "disconnected", |job| {
        vec![unknown(job)]
    });
    d.put("import/saved-at.txt", PAST);
    let fix = |g: &mut Value| {
        if let Value::Object(g) = g {
            g.remove("Disconnect");
            g.insert("MaxClientDisconnect".into(), json!(HOUR));
            g.insert("PreventRescheduleOnLost".into(), json!(true));
        }
    };
    let jobs = d.0.join("import/jobs/default/web.json");
    let mut stored: Value =
        serde_json::from_str(&std::fs::read_to_string(&jobs).expect("saved")).expect("json");
    fix(&mut stored["TaskGroups"][0]);
    d.put("import/jobs/default/web.json", &stored.to_string());
    let mut allocs: Value = serde_json::from_str(
        &std::fs::read_to_string(d.0.join("import/allocations.json")).expect("saved"),
    )
    .expect("json");
    fix(&mut allocs[0]["Job"]["TaskGroups"][0]);
    d.put("import/allocations.json", &allocs.to_string());
    let text = std::fs::read_to_string(d.0.join("web.nomad")).expect("file");
    let window = "    disconnect {\n      lost_after = \"1h\"\n    }\n";
    assert!(text.contains(window), "{text}");
    d.put(
        "web.nomad",
        &text.replace(
            window,
            "    max_client_disconnect = \"1h\"\n    prevent_reschedule_on_lost = true\n",
        ),
    );
    assert_plan(&d, "web.nomad", 0, "1 ignore");
}

/// A complete service allocation on the disconnected node, beside the
/// group's running one on `n1`. Up to 1.11.1 the plan's `filterByTainted`
/// sorts a disconnected node's allocations into `lost` before its terminal
/// check (reconcile_util.go v1.5.6 `filterByTainted`'s
/// `NodeStatusDisconnected` case; reconciler/filters.go v1.11.1:159), and
/// `computeStop` stops it: "1 destroy, 1 ignore" (the group is not short,
/// so nothing is placed). The old code dropped it as Nomad does on a ready
/// node: "1 ignore". From 1.11.2 the terminal check comes first
/// (filters.go v1.11.2:139): dropped.
#[test]
fn up_to_1_11_1_a_complete_allocation_on_a_disconnected_node_is_stopped() {
    let done = |job: &Value| {
        let a = alloc(
            8,
            0,
            job,
            json!({"ClientStatus": "complete", "JobType": "service", "NodeID": NODE2}),
        );
        vec![running(1, 0, job), a]
    };
    for release in ["1.5.6", "1.10.5", "1.11.1"] {
        let d = import_with(
            &format!("gen-done-{release}"),
            release,
            false,
            "disconnected",
            done,
        );
        assert_plan(&d, "web.nomad", 0, "1 destroy, 1 ignore");
    }
    let d = import_with("gen-done-late", "1.11.2", false, "disconnected", done);
    assert_plan(&d, "web.nomad", 0, "1 ignore");
}
