//! An allocation told to stop that its client still runs (desired `stop`,
//! client `running`). From 1.4.0 the scheduler counts what it holds until
//! its client stops it: `EvalContext.ProposedAllocs` reads every
//! allocation of the node and drops only the client-terminal ones, and
//! `AllocsFit`, `NetworkIndex.AddAllocs` and `DeviceAccounter.AddAllocs`
//! skip `ClientTerminalStatus` (scheduler/context.go, nomad/structs/
//! funcs.go, network.go, devices.go; "stopped-yet-running allocs are still
//! running", #10446, 757c3c94f2, first in v1.4.0). Before, `TerminalStatus`
//! skipped it. We dropped it at every release: a placement on capacity it
//! still holds, a false all-clear.
//!
//! The world: one node of 1000 MHz whose allocation of `old` (900 MHz,
//! port 8080) is told to stop; the job planned asks 500 MHz, or port 8080.

use crate::common;

use common::one_node;

const PLACED: &str = "- All tasks successfully allocated.";

fn plan(version: &str, desired: &str, network: &str) -> String {
    let tmp = common::TempDir::new(&format!(
        "stopping-alloc-{version}-{desired}-{}",
        network.len()
    ));
    let allocations = format!(
        r#"allocation "a0000001-0000-4000-8000-000000000000" {{
  job     = "old"
  index   = 0
  node    = "node-1"
  status  = "running"
  desired = "{desired}"
  cpu     = 900
  memory  = 64
  network {{
    ip             = "10.1.0.2"
    reserved_ports = {{ http = 8080 }}
    group          = true
  }}
}}
"#
    );
    let cpu = if network.is_empty() { 500 } else { 50 };
    one_node::plan(
        &tmp,
        &one_node::cluster(version, 1000, ""),
        &allocations,
        &one_node::redis_job("old", "", 900, ""),
        &one_node::redis_job("placing", network, cpu, ""),
        &[],
    )
    .stdout
}

fn exhausted(dimension: &str) -> String {
    format!(
        "    * Resources exhausted on 1 nodes\n    * Dimension \"{dimension}\" exhausted on 1 nodes\n"
    )
}

#[test]
fn an_allocation_told_to_stop_holds_its_cpu_from_1_4_0() {
    for (version, held) in [
        ("1.3.16", false),
        ("1.4.0", true),
        ("1.8.4", true),
        ("2.0.5", true),
    ] {
        let text = plan(version, "stop", "");
        if held {
            assert!(text.contains(&exhausted("cpu")), "{version}: {text}");
        } else {
            assert!(text.contains(PLACED), "{version}: {text}");
        }
    }
    // Evicted by a preemption and still running: the same.
    let text = plan("1.4.0", "evict", "");
    assert!(text.contains(&exhausted("cpu")), "{text}");
    // Desired to run, it holds the node at every release.
    let text = plan("1.3.16", "run", "");
    assert!(text.contains(&exhausted("cpu")), "{text}");
}

#[test]
fn an_allocation_told_to_stop_holds_its_ports_from_1_4_0() {
    let network = "    network {\n      port \"http\" { static = 8080 }\n    }\n";
    let text = plan("1.3.16", "stop", network);
    assert!(text.contains(PLACED), "{text}");
    let text = plan("1.4.0", "stop", network);
    assert!(
        text.contains(&exhausted("network: reserved port collision http=8080")),
        "{text}"
    );
}

/// The job file whose stored form tests/fixtures/import-registered/
/// web-2.0.5.json is (as tests/import_registered_state.rs uses it).
const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25\"\n      }\n    }\n  }\n}\n";

/// A 2.0.5 import: the job `web` stopped (`nomad job stop`), its one
/// allocation (3950 of the node's 4000 MHz) told to stop and still
/// running. Its file's plan runs it again: one placement that does not
/// fit beside it. The import kept no such allocation.
#[test]
fn an_import_keeps_an_allocation_told_to_stop_that_still_runs() {
    use serde_json::{json, Value};
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/import-registered/web-2.0.5.json"
    );
    let mut job: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    let running_job = job.clone();
    if let Some(o) = job.as_object_mut() {
        o.extend(
            json!({"Stop": true, "Status": "dead", "Version": 1, "ModifyIndex": 45, "JobModifyIndex": 42})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        );
    }
    let node = "0c1b2c3d-0000-4000-8000-000000000001";
    let alloc = json!({
        "ID": "a0000001-0000-4000-8000-000000000000",
        "Namespace": "default", "Name": "web.g[0]", "NodeID": node,
        "JobID": "web", "Job": running_job, "TaskGroup": "g", "JobVersion": 0,
        "AllocatedResources": {"Tasks": {"t": {"Cpu": {"CpuShares": 3950}, "Memory": {"MemoryMB": 300}}},
            "TaskLifecycles": {"t": null}, "Shared": {"DiskMB": 300}},
        "DesiredStatus": "stop", "ClientStatus": "running",
        "CreateIndex": 30, "ModifyIndex": 44
    });
    let d = common::TempDir::new("stopping-alloc-import");
    d.put(
        "import/nodes.json",
        &format!(
            r#"[{{"ID": "{node}", "Name": "n1", "Datacenter": "dc1",
  "NodePool": "default", "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
  "Attributes": {{"kernel.name": "linux", "cpu.arch": "amd64"}},
  "Drivers": {{"docker": {{"Detected": true, "Healthy": true}}}},
  "NodeResources": {{"Cpu": {{"CpuShares": 4000}}, "Memory": {{"MemoryMB": 4000}}, "Disk": {{"DiskMB": 10000}},
    "Networks": [{{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "MBits": 1000}}]}}}}]"#
        ),
    );
    d.put(
        "import/agent-self.json",
        r#"{"member": {"Tags": {"build": "2.0.5", "region": "global"}}}"#,
    );
    d.put("import/jobs/default/web.json", &job.to_string());
    d.put("import/allocations.json", &json!([alloc]).to_string());
    d.put("import/deployments.json", "[]");
    d.import_rest("import");
    d.put("web.nomad", JOB);
    let want = exhausted("cpu");
    let o = common::run_in(&d.0, &["plan", "--world", "import", "web.nomad"]);
    assert!(o.stdout.contains(&want), "{}{}", o.stdout, o.stderr);
    // Written back, it is written as told to stop, and plans the same.
    let w = common::run_in(&d.0, &["import", "import", "--write", "out/rules"]);
    assert_eq!(w.code, 0, "{}{}", w.stdout, w.stderr);
    let allocs = std::fs::read_to_string(d.0.join("out/rules/allocations.hcl")).expect("written");
    assert!(
        allocs.contains("  status      = \"running\"\n  desired     = \"stop\"\n"),
        "{allocs}"
    );
    d.put("out/web.nomad", JOB);
    let o = common::run_in(&d.0.join("out"), &["plan", "--world", "rules", "web.nomad"]);
    assert!(o.stdout.contains(&want), "{}{}", o.stdout, o.stderr);
}
