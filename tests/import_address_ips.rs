//! An imported node keeps its ports per real address, as Nomad's
//! `NetworkIndex` does (nomad/structs/network.go 0.12.0-2.0.5: `SetNode`
//! keys each `NodeNetworks` address by its `Address`, `AddAllocs` each
//! group port mapping by its `HostIP`, `AssignPorts` looks a static port up
//! at the addresses of its alias: before 1.8.3 only the first, from 1.8.3
//! each in turn). The import gives each address a stand-in in the pool's
//! shape (so nodes alike but for their addresses group) and each node the
//! real address behind each stand-in; before, an import's addresses had no
//! IP, and a port held on any of them refused the ask on all.
//!
//! The node: eth0 10.0.0.1 (`default`), eth1 203.0.113.10 and eth2
//! 203.0.113.11 (both `public`). `old` holds 8080 at `HELD`.

use crate::common;

use serde_json::json;

const NODE: &str = "0c1b2c3d-0000-4000-8000-000000000001";
const PLACED: &str = "- All tasks successfully allocated.";
const REFUSED: &str =
    "    * Dimension \"network: reserved port collision p=8080\" exhausted on 1 nodes\n";

fn address(device: &str, alias: &str, ip: &str) -> serde_json::Value {
    json!({"Mode": "host", "Device": device,
        "Addresses": [{"Family": "ipv4", "Alias": alias, "Address": ip}]})
}

/// An import of the node at Nomad `version`, `old` holding 8080 at `held`.
fn import(version: &str, held: &str) -> common::TempDir {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/import-registered/web-2.0.5.json"
    );
    let job: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    let alloc = json!({
        "ID": "a0000001-0000-4000-8000-000000000000",
        "Namespace": "default", "Name": "web.g[0]", "NodeID": NODE,
        "JobID": "web", "Job": job, "TaskGroup": "g", "JobVersion": job["Version"],
        "AllocatedResources": {"Tasks": {"t": {"Cpu": {"CpuShares": 100}, "Memory": {"MemoryMB": 300}}},
            "TaskLifecycles": {"t": null},
            "Shared": {"DiskMB": 300,
                "Networks": [{"Mode": "host", "IP": held, "ReservedPorts": [{"Label": "http", "Value": 8080}]}],
                "Ports": [{"Label": "http", "Value": 8080, "To": 0, "HostIP": held}]}},
        "DesiredStatus": "run", "ClientStatus": "running",
        "CreateIndex": 30, "ModifyIndex": 30
    });
    let node = json!({"ID": NODE, "Name": "n1", "Datacenter": "dc1",
        "NodePool": "default", "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
        "Attributes": {"kernel.name": "linux", "cpu.arch": "amd64"},
        "Drivers": {"docker": {"Detected": true, "Healthy": true}},
        "NodeResources": {"Cpu": {"CpuShares": 4000}, "Memory": {"MemoryMB": 4000},
            "Disk": {"DiskMB": 10000},
            "Networks": [{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "MBits": 1000}],
            "NodeNetworks": [
                address("eth0", "default", "10.0.0.1"),
                address("eth1", "public", "203.0.113.10"),
                address("eth2", "public", "203.0.113.11")]}});
    let d = common::TempDir::new(&format!("import-address-ips-{version}-{held}"));
    d.put("import/nodes.json", &json!([node]).to_string());
    d.put(
        "import/agent-self.json",
        &json!({"member": {"Tags": {"build": version, "region": "global"}}}).to_string(),
    );
    d.put("import/jobs/default/web.json", &job.to_string());
    d.put("import/allocations.json", &json!([alloc]).to_string());
    d.put("import/deployments.json", "[]");
    d.import_rest("import");
    d.put(
        "edge.nomad",
        "job \"edge\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    network {\n      port \"p\" {\n        static       = 8080\n        host_network = \"public\"\n      }\n    }\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1\"\n      }\n    }\n  }\n}\n",
    );
    d
}

/// The plan of `edge` against `world` (the import, or a written world).
fn plan(d: &common::TempDir, world: &str) -> String {
    let o = common::run_in(&d.0, &["plan", "--world", world, "edge.nomad"]);
    // A plan: Nomad's exit code, or 255 where only how `nomad job run`
    // of it ends cannot be told (the applier's rejected retries).
    let run_untold = o.code == 255 && o.stderr.contains("cannot tell how `nomad job run`");
    assert!(
        o.code == 0 || o.code == 1 || run_untold,
        "{}{}",
        o.stdout,
        o.stderr
    );
    o.stdout
}

/// 8080 held at public's first address: refused before 1.8.3, placed on
/// the second from 1.8.3. Before the change both refused.
#[test]
fn a_port_held_at_an_aliass_first_address_is_refused_before_1_8_3_only() {
    for (version, placed) in [("1.8.2", false), ("1.8.3", true), ("2.0.5", true)] {
        let d = import(version, "203.0.113.10");
        let text = plan(&d, "import");
        assert_eq!(text.contains(PLACED), placed, "{version}: {text}");
        assert_eq!(text.contains(REFUSED), !placed, "{version}: {text}");
    }
    // Held at the second address, the first is free at every release.
    let d = import("1.8.2", "203.0.113.11");
    assert!(plan(&d, "import").contains(PLACED));
}

/// 8080 held at the node's own address leaves public free: placed at
/// every release (before, refused).
#[test]
fn a_port_held_at_the_default_address_leaves_public_free() {
    for version in ["1.6.2", "1.8.2", "2.0.5"] {
        let d = import(version, "10.0.0.1");
        let text = plan(&d, "import");
        assert!(text.contains(PLACED), "{version}: {text}");
    }
}

/// `import --write` writes each node's real addresses (`address_ips`), so
/// the written world plans as the import does.
#[test]
fn a_written_world_keeps_the_real_addresses() {
    let d = import("1.8.2", "203.0.113.10");
    let w = common::run_in(&d.0, &["import", "import", "--write", "out"]);
    assert_eq!(w.code, 0, "{}{}", w.stdout, w.stderr);
    let cluster = std::fs::read_to_string(d.0.join("out/cluster.hcl")).expect("cluster.hcl");
    assert!(
        cluster.contains(
            r#"address_ips = { "10.0.0.1" = "10.0.0.1", "10.0.0.2" = "203.0.113.10", "10.0.0.3" = "203.0.113.11" }"#
        ),
        "{cluster}"
    );
    assert!(plan(&d, "out").contains(REFUSED));
    let d = import("1.8.2", "10.0.0.1");
    let w = common::run_in(&d.0, &["import", "import", "--write", "out"]);
    assert_eq!(w.code, 0, "{}{}", w.stdout, w.stderr);
    assert!(plan(&d, "out").contains(PLACED));
}
