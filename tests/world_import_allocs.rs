//! Allocations as they are: `plan --world DIR` on an import folder holding
//! `allocations.json` places nothing already running again; a higher-priority
//! job preempts exactly the imported allocations Nomad's rules choose.
//!
//! The fixtures under `tests/fixtures/import-allocs/` are API JSON written by
//! hand from Nomad's API documentation and `nomad/structs` (Node with
//! `NodeResources`/`ReservedResources`, Allocation with `AllocatedResources`
//! and its embedded `Job`), with the numbers of Nomad's own tests:
//! - `ports`, `bandwidth`, `list-form`: hashicorp/nomad v0.9.3
//!   `scheduler/preemption_test.go` `TestPreemption`, cases "one alloc meets
//!   static port need, another meets remaining mbits needed" and "preempt
//!   allocs with network devices", on node-1 of two nodes (node-2 is full of
//!   priority-100 work, so every victim must come from node-1);
//! - `system`: v0.9.3 `scheduler/system_sched_test.go`
//!   `TestSystemSched_Preemption`.

use crate::common;

use std::path::{Path, PathBuf};

use common::written_import;
use serde_json::Value;

fn fixture(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import-allocs")
        .join(case)
}

fn plan_json(case: &str, job: &str) -> Value {
    let dir = fixture(case);
    let out = std::process::Command::new(common::bin())
        .arg("plan")
        .arg("--world")
        .arg(&dir)
        .arg(dir.join(job))
        .args(["--format", "json"])
        .output()
        .expect("binary runs");
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "{case}: not JSON ({e}): {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn victims(plan: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = plan["Annotations"]["PreemptedAllocs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            (
                a["ID"].as_str().unwrap_or_default().to_string(),
                a["NodeID"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn alloc(n: u32) -> String {
    format!("a{n:07}-0000-4000-8000-000000000000")
}

const NODE_1: &str = "00000001-0000-4000-8000-000000000001";

fn on_node_1(ids: &[u32]) -> Vec<(String, String)> {
    ids.iter()
        .map(|n| (alloc(*n), NODE_1.to_string()))
        .collect()
}

#[test]
fn static_port_and_remaining_bandwidth_pick_two_imported_victims() {
    // a2 holds static port 88, a3 frees the rest of the 800 Mbit ask; a4 is
    // complete (terminal) and holds nothing, or the cpu ask would not fit.
    let plan = plan_json("ports", "placing.nomad");
    assert_eq!(victims(&plan), on_node_1(&[2, 3]));
    assert!(plan["FailedTGAllocs"].is_null());
}

/// A dual-stack node (its fingerprint reports `NodeResources.Networks`
/// per address: 192.168.0.100, then fd00::100): a low-priority allocation
/// holds static port 88 on the IPv4 address only. Nomad's
/// `AssignTaskNetwork` (nomad/structs/network.go, per-IP `UsedPorts`)
/// offers port 88 on the IPv6 address, so the task network is placed and
/// nothing is preempted; counting ports per node, we preempted it.
#[test]
fn a_port_held_on_one_address_is_offered_on_the_nodes_other_address() {
    let plan = plan_json("dual-stack", "placing.nomad");
    assert_eq!(victims(&plan), vec![]);
    assert!(plan["FailedTGAllocs"].is_null(), "{plan}");
    // Without the IPv6 entry (the `ports` node), the port is preempted.
    let plan = plan_json("ports", "placing.nomad");
    assert!(victims(&plan).contains(&(alloc(2), NODE_1.to_string())));
}

/// Before 0.12 a group network is offered through the same walk
/// (v0.11.8 scheduler/rank.go: `AssignNetwork` of the group's network,
/// then the tasks'): the same dual-stack node, saved from 0.11.8, places
/// the group's static port 88 on its IPv6 address; without that address
/// the allocation holding 88 is preempted.
#[test]
fn before_0_12_a_group_network_is_offered_on_each_address_too() {
    let plan = plan_json("dual-stack-0118", "placing.nomad");
    assert_eq!(victims(&plan), vec![]);
    assert!(plan["FailedTGAllocs"].is_null(), "{plan}");
    let tmp = common::TempDir::new("dual-stack-0118-v4");
    common::copy_dir(&fixture("dual-stack-0118"), &tmp.0.join("w"));
    let nodes = tmp.0.join("w/nodes.json");
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(&nodes).expect("nodes")).expect("json");
    if let Some(nets) = v[0]["NodeResources"]["Networks"].as_array_mut() {
        nets.retain(|n| n["IP"] != "fd00::100");
    }
    std::fs::write(&nodes, v.to_string()).expect("write");
    let o = common::run_in(
        &tmp.0,
        &[
            "plan",
            "--world",
            "w",
            "w/placing.nomad",
            "--format",
            "json",
        ],
    );
    let plan: Value =
        serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stderr));
    assert_eq!(victims(&plan), on_node_1(&[2]));
}

/// `${attr.unique.network.ip-address}` is the node's first network's IP
/// (client/fingerprint/network.go, 0.9-2.0.5): an imported node's own
/// (192.168.0.100 in the dual-stack fixture), not a stand-in, so a
/// constraint on it holds where it holds on the cluster.
#[test]
fn an_imported_nodes_ip_address_attribute_is_its_own() {
    let tmp = common::TempDir::new("dual-stack-ip-attr");
    common::copy_dir(&fixture("dual-stack"), &tmp.0.join("w"));
    let job = |op: &str| {
        format!(
            "job \"pinned\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    constraint {{\n      attribute = \"${{attr.unique.network.ip-address}}\"\n      operator  = \"{op}\"\n      value     = \"192.168.0.100\"\n    }}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"redis\" }}\n      resources {{\n        cpu    = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"
        )
    };
    for (op, placed) in [("=", true), ("!=", false)] {
        tmp.put("pinned.nomad", &job(op));
        let o = common::run_in(
            &tmp.0,
            &["plan", "--world", "w", "pinned.nomad", "--format", "json"],
        );
        let plan: Value =
            serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", o.stderr));
        assert_eq!(plan["FailedTGAllocs"].is_null(), placed, "{op}: {plan}");
    }
}

#[test]
fn bandwidth_alone_picks_the_allocation_holding_it() {
    let plan = plan_json("bandwidth", "placing.nomad");
    assert_eq!(victims(&plan), on_node_1(&[2]));
}

#[test]
fn list_form_takes_priorities_from_the_job_specs() {
    // Same cluster as `bandwidth`, saved as /v1/allocations stubs + jobs/.
    let plan = plan_json("list-form", "placing.nomad");
    assert_eq!(victims(&plan), on_node_1(&[2]));
}

#[test]
fn system_job_preempts_the_three_lower_priority_allocations_on_the_full_node() {
    let plan = plan_json("system", "sys.nomad");
    assert_eq!(victims(&plan), on_node_1(&[1, 2, 3]));
    let placements = plan["Annotations"]["DesiredTGUpdates"]["web"]["Place"].as_u64();
    assert_eq!(placements, Some(2), "one allocation per node");
}

#[test]
fn nothing_running_is_rescheduled_and_status_shows_the_imported_allocations() {
    let dir = fixture("ports");
    let out = common::run_in(
        Path::new("."),
        &["status", "--world", &dir.to_string_lossy()],
    );
    let text = out.stdout.clone();
    // Every live imported allocation is listed under its own node, the
    // complete one (a0000004) nowhere.
    for (short, node) in [
        ("a0000001", "node-1"),
        ("a0000002", "node-1"),
        ("a0000003", "node-1"),
        ("a0000099", "node-2"),
    ] {
        let block = text
            .split("\n\n")
            .find(|b| b.lines().any(|l| l.starts_with(&format!("{node} "))))
            .unwrap_or_else(|| panic!("no {node} block in {text}"));
        assert!(block.contains(short), "{short} not on {node}: {text}");
    }
    assert!(
        !text.contains("a0000004"),
        "a terminal allocation is shown: {text}"
    );
}

/// Nodes placed by a system job: one per schedulable node.
fn system_placements(world: &Path, job: &Path) -> Vec<String> {
    let out = std::process::Command::new(common::bin())
        .arg("plan")
        .arg("--world")
        .arg(world)
        .arg(job)
        .args(["--format", "json"])
        .output()
        .expect("binary runs");
    let plan: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    let mut nodes: Vec<String> = plan["Preflight"]["Placements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["NodeID"].as_str().map(str::to_string))
        .collect();
    nodes.sort();
    nodes
}

/// `readyNodesInDCs` (scheduler/util.go): a draining node (DrainStrategy
/// set), a down node and an ineligible node are not scheduled on; only
/// node-1 gets the system job. The same holds after `import --write`, where
/// the states become `drain`, `status` and `eligibility` in cluster.hcl.
#[test]
fn only_ready_eligible_nodes_that_are_not_draining_are_scheduled_on() {
    let dir = fixture("node-state");
    assert_eq!(
        system_placements(&dir, &dir.join("sys.nomad")),
        [NODE_1.to_string()]
    );
    let status = common::run_in(
        Path::new("."),
        &["status", "--world", &dir.to_string_lossy()],
    );
    let row = |name: &str| {
        status
            .stdout
            .lines()
            .find(|l| l.contains(&format!(" {name} ")))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    assert!(
        row("node-2").ends_with("true ineligible ready"),
        "{}",
        status.stdout
    );
    assert!(
        row("node-3").ends_with("false eligible down"),
        "{}",
        status.stdout
    );
    assert!(
        row("node-4").ends_with("false ineligible ready"),
        "{}",
        status.stdout
    );

    let (tmp, rules) = written_import(&dir, "node-state", &["sys.nomad"]);
    let hcl = std::fs::read_to_string(rules.join("cluster.hcl")).expect("cluster.hcl");
    for line in [
        "drain         = true",
        "status        = \"down\"",
        "eligibility   = \"ineligible\"",
    ] {
        assert!(hcl.contains(line), "{line} missing from:\n{hcl}");
    }
    let written = system_placements(&rules, &tmp.0.join("sys.nomad"));
    assert_eq!(written.len(), 1, "{written:?}");
}

/// `HostVolumeChecker` (scheduler/feasible.go): node-1 exposes `data`
/// read-write, node-2 read-only, node-3 nothing. A read-write ask fits
/// node-1 only, a read-only ask both; a volume no node has fails with
/// Nomad's metric. The same after `import --write` (`host_volume` blocks).
#[test]
fn host_volumes_filter_nodes_with_nomads_metric() {
    let dir = fixture("host-volumes");
    let (tmp, rules) = written_import(
        &dir,
        "host-volumes",
        &["rw.nomad", "ro.nomad", "missing.nomad"],
    );
    for (world, root) in [(&dir, &dir), (&rules, &tmp.0)] {
        assert_eq!(system_placements(world, &root.join("rw.nomad")).len(), 1);
        assert_eq!(system_placements(world, &root.join("ro.nomad")).len(), 2);
        let out = common::run_in(
            Path::new("."),
            &[
                "plan",
                "--world",
                &world.to_string_lossy(),
                &root.join("missing.nomad").to_string_lossy(),
            ],
        );
        assert!(
            out.stdout.contains(
                "    * Constraint \"missing compatible host volumes\": 3 nodes excluded by filter\n"
            ),
            "{}",
            out.stdout
        );
    }
    assert_eq!(
        system_placements(&dir, &dir.join("rw.nomad")),
        [NODE_1.to_string()]
    );
}

/// TestPreemption's device cases (hashicorp/nomad v0.9.3
/// `scheduler/preemption_test.go`, unchanged in v2.0.5
/// `scheduler/feasible/preemption_test.go`): node-1 holds 1080ti dev0..3,
/// 2080ti dev4..8 and an F100 FPGA; node-2 has no devices. Each case plans
/// a priority-100 job asking for GPUs against the imported allocations.
#[test]
fn device_preemption_picks_the_victims_nomads_tests_expect() {
    for (case, want) in [
        // "Preemption with one device instance per alloc"
        ("devices-one-instance", vec![0, 1]),
        // "Preemption multiple devices used": the FPGA holder is spared.
        ("devices-multiple", vec![0]),
        // "Preemption with allocs across multiple devices that match": the
        // 1080ti cannot be freed (a high-priority alloc holds dev2), so both
        // victims come from the 2080ti.
        ("devices-across", vec![2, 3]),
        // "Preemption with lower/higher priority combinations": the 2080ti
        // option (net priority 30) beats the 1080ti one (30 + 40).
        ("devices-priorities", vec![2, 3]),
    ] {
        let plan = plan_json(case, "placing.nomad");
        assert_eq!(victims(&plan), on_node_1(&want), "{case}");
        assert!(plan["FailedTGAllocs"].is_null(), "{case}: {plan}");
    }
}

/// "Device preemption not possible due to more instances needed than
/// available": 6 GPUs of one model do not exist. Before 1.8 Nomad drops the
/// node without a metric; since, it reports the offer's error.
#[test]
fn impossible_device_preemption_reports_per_version() {
    let metric = |case: &str| {
        let plan = plan_json(case, "placing.nomad");
        assert_eq!(victims(&plan), vec![], "{case}");
        plan["FailedTGAllocs"]["web"].clone()
    };
    let old = metric("devices-impossible-093");
    assert_eq!(old["NodesExhausted"], 0, "{old}");
    // No node ran out of anything: Nomad never makes the map, its API
    // writes null (`ExhaustedNode`, nomad/structs/structs.go v0.9.3:8061-8075).
    assert_eq!(old["DimensionExhausted"], serde_json::Value::Null, "{old}");
    let new = metric("devices-impossible-205");
    assert_eq!(new["NodesExhausted"], 1, "{new}");
    assert_eq!(
        new["DimensionExhausted"]["devices: no devices match request"], 1,
        "{new}"
    );
}

fn plan_text(world: &Path, job: &Path) -> String {
    common::run_in(
        Path::new("."),
        &[
            "plan",
            "--world",
            &world.to_string_lossy(),
            &job.to_string_lossy(),
        ],
    )
    .stdout
}

/// Device constraints compare attributes with units (`memory >= 2 GiB` and
/// `< 8192 MiB` hold for the 4 GiB FPGA only); unhealthy instances never
/// count; a second allocation sees the first one's instances taken. The
/// same after `import --write` (`device` blocks in cluster.hcl).
#[test]
fn device_feasibility_units_health_and_accounting() {
    let dir = fixture("devices-constraint");
    let jobs = ["placing.nomad", "two.nomad", "big.nomad", "pair.nomad"];
    let (tmp, rules) = written_import(&dir, "devices", &jobs);
    let hcl = std::fs::read_to_string(rules.join("cluster.hcl")).expect("cluster.hcl");
    assert!(
        hcl.contains("  device \"intel/fpga/F100\" {\n    count      = 1\n    unhealthy  = 1\n"),
        "{hcl}"
    );
    assert!(hcl.contains("memory = \"4GiB\""), "{hcl}");
    for (world, root) in [(&dir, &dir), (&rules, &tmp.0)] {
        let ok = plan_text(world, &root.join("placing.nomad"));
        assert!(ok.contains("- All tasks successfully allocated."), "{ok}");
        for job in ["two.nomad", "big.nomad"] {
            let out = plan_text(world, &root.join(job));
            assert!(
                out.contains("    * Constraint \"missing devices\": 2 nodes excluded by filter\n"),
                "{job}: {out}"
            );
        }
        let pair = plan_text(world, &root.join("pair.nomad"));
        assert!(
            pair.contains("(failed to place 1 allocation)")
                && pair.contains(
                    "    * Dimension \"devices: no devices match request\" exhausted on 1 nodes\n"
                ),
            "{pair}"
        );
    }
}

fn tg_updates(plan: &Value, group: &str) -> Vec<(String, u64)> {
    plan["Annotations"]["DesiredTGUpdates"][group]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), v.as_u64()?)).filter(|(_, n)| *n > 0))
        .collect()
}

fn counts(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

/// TestServiceSched_NodeDown (v0.9.3 `scheduler/generic_sched_test.go`):
/// on a down node, the three allocations the drainer marked migrate and the
/// four others are lost: all seven are stopped, the lost ones counted as
/// stops and placed again by name, the marked ones counted as migrations.
/// TestServiceSched_NodeDrain: every allocation marked on a draining node
/// migrates to the ready nodes.
#[test]
fn lost_and_migrating_allocations_are_stopped_and_replaced() {
    let plan = plan_json("node-down", "web.nomad");
    assert_eq!(
        tg_updates(&plan, "web"),
        counts(&[("Migrate", 3), ("Place", 4), ("Stop", 4)])
    );
    let placed: Vec<&str> = plan["Preflight"]["Placements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["NodeID"].as_str())
        .collect();
    assert_eq!(placed.len(), 7, "every replacement found a node: {plan}");
    assert!(
        placed.iter().all(|n| *n != NODE_1),
        "nothing on the down node"
    );
    let text = plan_text(
        &fixture("node-down"),
        &fixture("node-down").join("web.nomad"),
    );
    assert!(
        text.contains("Task Group: \"web\" (4 create, 4 destroy, 3 migrate)"),
        "{text}"
    );
    let drain = plan_json("node-drain", "web.nomad");
    assert_eq!(tg_updates(&drain, "web"), counts(&[("Migrate", 4)]));
}

/// diffSystemAllocs (v0.9.3 `scheduler/util.go`, v2.0.5
/// `scheduler/reconciler/reconcile_node.go`): a system job's allocation on a
/// down node is lost (stopped, counted nowhere), the one on a draining node
/// is ignored, the marked one migrates without a placement on its node.
/// The fixture is 2.0.5's: from 1.11 the annotation's Place is the group's
/// candidate nodes (scheduler_system.go `tgCandidateNodeCounts`): the
/// ignored allocation and the updated one (node 3), not the lost or
/// migrating ones.
#[test]
fn system_allocations_on_tainted_nodes() {
    let plan = plan_json("system-tainted", "sys.nomad");
    let mut got = tg_updates(&plan, "web");
    got.retain(|(k, _)| k != "DestructiveUpdate");
    assert_eq!(got, counts(&[("Ignore", 1), ("Migrate", 1), ("Place", 2)]));
    let placed: Vec<&str> = plan["Preflight"]["Placements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["NodeID"].as_str())
        .collect();
    assert_eq!(placed, ["00000003-0000-4000-8000-000000000003"]);
}

/// What a plan decides: victims (with their nodes), per-group updates and
/// failures, and the nodes placed on.
fn decisions(plan: &Value) -> String {
    let mut placed: Vec<&str> = plan["Preflight"]["Placements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["NodeID"].as_str())
        .collect();
    placed.sort_unstable();
    format!(
        "victims {:?}\nupdates {}\nfailed {}\nplaced {placed:?}",
        victims(plan),
        plan["Annotations"]["DesiredTGUpdates"],
        plan["FailedTGAllocs"]
    )
}

/// `import --write` writes the allocations too (`allocations.hcl`, and each
/// pool's nodes with their IDs and device instances): every fixture above
/// plans the same against the written world as against the import, the
/// same victims on the same nodes, the same updates, failures and nodes.
#[test]
fn a_written_import_plans_exactly_as_the_import() {
    for (case, job) in [
        ("ports", "placing.nomad"),
        ("dual-stack", "placing.nomad"),
        ("bandwidth", "placing.nomad"),
        ("list-form", "placing.nomad"),
        ("system", "sys.nomad"),
        ("devices-one-instance", "placing.nomad"),
        ("devices-multiple", "placing.nomad"),
        ("devices-across", "placing.nomad"),
        ("devices-priorities", "placing.nomad"),
        ("devices-impossible-093", "placing.nomad"),
        ("devices-impossible-205", "placing.nomad"),
        ("devices-constraint", "pair.nomad"),
        ("node-down", "web.nomad"),
        ("node-drain", "web.nomad"),
        // Not `system-tainted`: its embedded Job is hand-written without the
        // defaults the API returns, so the import sees a changed spec where
        // the written job file (defaults applied) does not.
    ] {
        let dir = fixture(case);
        let (tmp, rules) = written_import(&dir, case, &[job]);
        assert!(rules.join("allocations.hcl").is_file(), "{case}");
        let imported = decisions(&plan_json(case, job));
        let out = std::process::Command::new(common::bin())
            .arg("plan")
            .arg("--world")
            .arg(&rules)
            .arg(tmp.0.join(job))
            .args(["--format", "json"])
            .output()
            .expect("binary runs");
        let written: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{case}: not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        assert_eq!(decisions(&written), imported, "{case}");
    }
}

/// `status` shows each node's devices: healthy instances held by live
/// allocations out of the healthy ones offered (unhealthy ones said
/// apart), and the instances each allocation holds.
#[test]
fn status_shows_device_use_per_node_and_allocation() {
    let dir = fixture("devices-across");
    let out = common::run_in(
        Path::new("."),
        &["status", "usage", "--world", &dir.to_string_lossy()],
    );
    for line in [
        "  device [#######################.......]  75%  3 / 4 nvidia/gpu/1080ti\n",
        "  device [########################......]  80%  4 / 5 nvidia/gpu/2080ti\n",
        "  device [##############################] 100%  1 / 1 intel/fpga/F100 (1 unhealthy)\n",
    ] {
        assert!(
            out.stdout.contains(line),
            "{line:?} missing: {}",
            out.stdout
        );
    }
    let row = out
        .stdout
        .lines()
        .find(|l| l.contains("a0000000"))
        .unwrap_or_default();
    assert!(row.ends_with("nvidia/gpu/1080ti[dev0,dev1]"), "{row}");
}
