//! `namespace=*` is answered with `[]` by servers before 0.12.0
//! (allocations, jobs: nomad/alloc_endpoint.go v0.11.8 looks the namespace
//! up exactly) and before 1.2.4 (deployments). An empty list saved so is
//! no evidence: the allocations are refused as unknown, the deployments
//! read as not saved. The printed commands save the lists one namespace at
//! a time and say so in namespaces-listed.txt (redteam8 I6).

use crate::common;

use common::{run_in, TempDir};

const NODE: &str = r#"[{"ID": "0c1b2c3d-0000-4000-8000-000000000001", "Name": "n1", "Datacenter": "dc1",
  "NodePool": "default", "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
  "Attributes": {"kernel.name": "linux", "cpu.arch": "amd64", "driver.docker": "1"},
  "Drivers": {"docker": {"Detected": true, "Healthy": true}},
  "NodeResources": {"Cpu": {"CpuShares": 4000}, "Memory": {"MemoryMB": 4000}, "Disk": {"DiskMB": 10000},
    "Networks": [{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "MBits": 1000}]}}]"#;

const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

fn import(tag: &str, build: &str, per_namespace: bool) -> TempDir {
    let d = TempDir::new(tag);
    d.put("import/nodes.json", NODE);
    d.put(
        &format!(
            "import/node-{}.json",
            "0c1b2c3d-0000-4000-8000-000000000001"
        ),
        &NODE[1..NODE.len() - 1],
    );
    d.put(
        "import/agent-self.json",
        &format!(r#"{{"member": {{"Tags": {{"build": "{build}", "region": "global"}}}}}}"#),
    );
    d.import_rest("import");
    if !per_namespace {
        std::fs::remove_file(d.0.join("import/namespaces-listed.txt")).unwrap();
    }
    d.put("web.nomad", JOB);
    d
}

#[test]
fn an_empty_wildcard_allocation_list_before_0_12_cannot_tell() {
    let d = import("wild-0-11", "0.11.8", false);
    let o = run_in(
        &d.0,
        &["plan", "--no-color", "--world", "import", "web.nomad"],
    );
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains("successfully"), "{}", o.stdout);
    let err = common::flat(&o.stderr);
    assert!(
        err.contains("import::wildcard-list") && err.contains("allocations.json is an empty list, and Nomad 0.11.8 answers `namespace=*` with an empty list whatever runs"),
        "{err}"
    );
}

#[test]
fn an_empty_list_is_the_clusters_when_saved_per_namespace_or_from_0_12() {
    for (build, per_ns) in [("0.11.8", true), ("0.12.0", false)] {
        let d = import("wild-ok", build, per_ns);
        let o = run_in(
            &d.0,
            &["plan", "--no-color", "--world", "import", "web.nomad"],
        );
        assert!(
            o.stdout.contains("- All tasks successfully allocated."),
            "{build}: {}{}",
            o.stdout,
            o.stderr
        );
    }
}
