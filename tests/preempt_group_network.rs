//! A group `network` asking a port a lower-priority allocation holds.
//! From 0.12.0 to 2.0.5 Nomad places a group network with `AssignPorts`
//! (ports only) and records it as a copy of the ask
//! (`AllocatedPortsToNetworkResouce`, nomad/structs/network.go): on the
//! ask's device, none unless the job names one. `PreemptForNetwork`
//! (scheduler/preemption.go; scheduler/feasible/preemption.go from 2.0)
//! groups victims by the device of their first network and skips a device
//! whose bandwidth is below the ask's `mbits`: device "" has none, so an
//! ask of any Mbits cannot preempt a victim holding only a group network.
//! We recorded group networks on the node's first device and preempted:
//! a placement reported where Nomad fails it.
//!
//! Fixtures: tests/fixtures/import-allocs/net-group-victim*,
//! net-task-victim (gen.py): node-1 holds a priority-100 allocation and a
//! priority-30 one holding static port 88; node-2 is full of priority-100
//! work.

use crate::common;

use std::path::PathBuf;

use serde_json::Value;

fn fixture(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import-allocs")
        .join(case)
}

fn plan(case: &str, file: &str, json: bool) -> (i32, String) {
    let dir = fixture(case);
    let mut cmd = std::process::Command::new(common::bin());
    cmd.arg("plan").arg("--world").arg(&dir).arg(dir.join(file));
    if json {
        cmd.args(["--format", "json"]);
    }
    let out = cmd.output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn victims(case: &str, file: &str) -> Vec<String> {
    let (_, text) = plan(case, file, true);
    let v: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{case}: not JSON ({e}): {text}"));
    v["Annotations"]["PreemptedAllocs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| a["ID"].as_str().unwrap_or_default().to_string())
        .collect()
}

const LOW: &str = "a0000002-0000-4000-8000-000000000000";

const PLACED: &str = "- All tasks successfully allocated.";

fn preempts_low(case: &str, file: &str) {
    let (code, text) = plan(case, file, false);
    assert_eq!(code, 1, "{case} {file}: {text}");
    assert!(text.contains(PLACED), "{case} {file}: {text}");
    assert!(
        text.contains(&format!("{LOW}  low     web\n")),
        "{case} {file}: {text}"
    );
    assert_eq!(victims(case, file), vec![LOW.to_string()], "{case} {file}");
}

fn fails(case: &str, file: &str, block: &str) {
    let (code, text) = plan(case, file, false);
    assert_eq!(code, 1, "{case} {file}: {text}");
    assert!(
        text.contains(block),
        "{case} {file}: want\n{block}\ngot\n{text}"
    );
    assert!(!text.contains("Preemptions:"), "{case} {file}: {text}");
    assert!(victims(case, file).is_empty(), "{case} {file}");
}

/// node-1 fails on the port (the metric recorded from 1.7.5), node-2 on cpu.
const NODE_1_REFUSED: &str = "- WARNING: Failed to place all allocations.
  Task Group \"web\" (failed to place 1 allocation):
    * Resources exhausted on 2 nodes
    * Dimension \"cpu\" exhausted on 1 nodes
    * Dimension \"network: reserved port collision db=88\" exhausted on 1 nodes
";

/// 2.0.5: the group asks `mbits = 10` (deprecated, still asked of
/// PreemptForNetwork); the victim's group network sits on device "".
#[test]
fn a_group_network_asking_mbits_cannot_preempt_a_group_networks_holder() {
    fails("net-group-victim", "placing.nomad", NODE_1_REFUSED);
}

/// A task network asking Mbits meets the same device "": the victim's
/// port is in the index (Shared.Ports), its network on no device.
#[test]
fn a_task_network_asking_mbits_cannot_either() {
    fails("net-group-victim", "placing-task.nomad", NODE_1_REFUSED);
}

/// With no `mbits` (none by default from 1.0) the ask fits device "":
/// the holder of the port is preempted.
#[test]
fn a_group_network_asking_no_mbits_preempts_it() {
    preempts_low("net-group-victim", "placing-nombits.nomad");
}

/// The same ask of 10 Mbits, the port held by a task network on eth0:
/// preempted as before.
#[test]
fn a_task_networks_holder_is_still_preempted() {
    preempts_low("net-task-victim", "placing.nomad");
}

/// One job file (no `mbits`) against the same cluster per release:
/// - 0.11.8: the victim's group network was offered on eth0 (AssignNetwork)
///   and is preempted there;
/// - 0.12.0: the network defaults to 10 Mbits (api Canonicalize until
///   1.0), device "" cannot give them, and before 1.7.5 the node is
///   dropped without a metric: only node-2's cpu is reported;
/// - 1.0.0: no default Mbits, the holder is preempted.
#[test]
fn the_same_job_preempts_at_0_11_fails_at_0_12_and_preempts_from_1_0() {
    preempts_low("net-group-victim-0118", "placing.nomad");
    fails(
        "net-group-victim-0120",
        "placing.nomad",
        "- WARNING: Failed to place all allocations.
  Task Group \"web\" (failed to place 1 allocation):
    * Resources exhausted on 1 nodes
    * Dimension \"cpu\" exhausted on 1 nodes
",
    );
    preempts_low("net-group-victim-100", "placing.nomad");
}

/// `import --write` keeps the victim's network the group's
/// (`network { group = true }` in allocations.hcl): the written world
/// plans as the import does.
#[test]
fn a_written_import_keeps_the_group_network_apart() {
    let dir = fixture("net-group-victim");
    let (tmp, rules) = common::written_import(
        &dir,
        "net-group",
        &["placing.nomad", "placing-nombits.nomad"],
    );
    let written = std::fs::read_to_string(rules.join("allocations.hcl")).unwrap_or_default();
    assert!(written.contains("group  = true"), "{written}");
    let run = |job: &str| {
        common::run_in(
            std::path::Path::new("."),
            &[
                "plan",
                "--world",
                &rules.to_string_lossy(),
                &tmp.0.join(job).to_string_lossy(),
            ],
        )
        .stdout
    };
    let refused = run("placing.nomad");
    assert!(refused.contains(NODE_1_REFUSED), "{refused}");
    let placed = run("placing-nombits.nomad");
    assert!(placed.contains(PLACED), "{placed}");
    assert!(
        placed.contains(&format!("{LOW}  low     web\n")),
        "{placed}"
    );
}

/// A 0.11 world (`rules/`) whose pinned allocation holds its group's ask:
/// before 0.12 the group network was offered on eth0 with its `mbits`
/// (rank.go AssignNetwork) and the index counts them. The pinned
/// allocation held 0 Mbits, so a task asking the rest of the device was
/// placed where Nomad finds the bandwidth exceeded.
#[test]
fn a_pinned_allocation_holds_its_groups_mbits_before_0_12() {
    let tmp = common::TempDir::new("pinned-group-mbits");
    tmp.put(
        "rules/cluster.hcl",
        r#"nomad_version = "0.11.8"
client "node" {
  count         = 1
  datacenter    = "dc1"
  cpu           = 4000
  memory        = 8192
  disk          = 10000
  network_mbits = 1000
  drivers       = ["docker"]
}
running = ["jobs/old.nomad"]
"#,
    );
    tmp.put(
        "rules/allocations.hcl",
        r#"allocation "a0000001-0000-4000-8000-000000000000" {
  job  = "old"
  node = "node-1"
}
"#,
    );
    let job = |name: &str, group_net: &str, task_net: &str| {
        format!(
            "job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  group \"web\" {{\n{group_net}    task \"web\" {{\n      driver = \"docker\"\n      config {{ image = \"redis\" }}\n      resources {{\n        cpu    = 100\n        memory = 64\n{task_net}      }}\n    }}\n  }}\n}}\n"
        )
    };
    tmp.put(
        "jobs/old.nomad",
        &job("old", "    network {\n      mbits = 900\n    }\n", ""),
    );
    tmp.put(
        "placing.nomad",
        &job(
            "placing",
            "",
            "        network {\n          mbits = 200\n        }\n",
        ),
    );
    let out = common::run_in(&tmp.0, &["plan", "--world", "rules", "placing.nomad"]);
    assert!(
        out.stdout
            .contains("    * Dimension \"network: bandwidth exceeded\" exhausted on 1 nodes\n"),
        "{}{}",
        out.stdout,
        out.stderr
    );
}

/// 1.0.0: port 88 held on node-1's address by a group network (device "")
/// and by a task network (eth0). PreemptForNetwork frees the holder on one
/// device only; rank.go's second AssignPorts still finds the other's port
/// and drops the node (without a metric before 1.7.5). We preempted one
/// holder and placed.
#[test]
fn a_port_held_on_two_devices_is_still_taken_after_one_holder_goes() {
    fails(
        "net-group-two-holders",
        "placing.nomad",
        "- WARNING: Failed to place all allocations.
  Task Group \"web\" (failed to place 1 allocation):
    * Resources exhausted on 1 nodes
    * Dimension \"cpu\" exhausted on 1 nodes
",
    );
}
