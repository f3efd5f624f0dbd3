//! What an import reads from a node is what the scheduler reads from it
//! (the sweep in docs/world-format.md, "What an import keeps"):
//! - a driver counts only when `Detected` and `Healthy` (`DriverChecker.
//!   hasDrivers`, scheduler/feasible.go 0.8.0-1.9, scheduler/feasible/
//!   feasible.go 2.0.5); before, either did, and a detected driver whose
//!   health check failed placed the job Nomad filters (`missing drivers`);
//! - an imported node has the attributes it reported, not the stock
//!   client's Consul and Vault ones: a Vault job on a cluster without Vault
//!   is not placed (the implied `${attr.vault.version}` constraint,
//!   nomad/job_endpoint_hooks.go `vaultConstraint`, 1.6.0);
//! - each node keeps its `unique.*` attributes (its hostname may not be
//!   its name), which the pool's shape leaves out;
//! - a node whose own file is not saved has unknown attributes and meta:
//!   every job is unknown, never judged against a node with none.

use crate::common;

use common::{run_in, TempDir};
use serde_json::json;

const PLACED: &str = "- All tasks successfully allocated.";
const ID: &str = "0c1b2c3d-0000-4000-8000-000000000001";

fn node(docker: serde_json::Value, attributes: serde_json::Value) -> serde_json::Value {
    json!({"ID": ID, "Name": "n1", "Datacenter": "dc1",
        "NodePool": "default", "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
        "Attributes": attributes,
        "Drivers": {"docker": docker},
        "NodeResources": {"Cpu": {"CpuShares": 4000}, "Memory": {"MemoryMB": 4000},
            "Disk": {"DiskMB": 10000},
            "Networks": [{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "MBits": 1000}]}})
}

fn attributes() -> serde_json::Value {
    json!({"kernel.name": "linux", "cpu.arch": "amd64", "nomad.version": "1.6.0",
        "unique.hostname": "ip-10-0-0-1", "driver.docker": "1"})
}

fn healthy() -> serde_json::Value {
    json!({"Detected": true, "Healthy": true})
}

/// An import of `node` (in nodes.json, and as its own file when `own`),
/// at 1.6.0, and `web.nomad` with `extra` in its task.
fn import(tag: &str, node: serde_json::Value, own: bool, extra: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put("import/nodes.json", &json!([node]).to_string());
    if own {
        d.put(&format!("import/node-{ID}.json"), &node.to_string());
    }
    // Servers with Vault enabled (so the job's `vault` block is theirs to
    // accept) and Vault tokens allowed without a check.
    d.put(
        "import/agent-self.json",
        r#"{"member": {"Tags": {"build": "1.6.0", "region": "global", "role": "nomad"}},
  "config": {"Vault": {"Enabled": true, "AllowUnauthenticated": true}}}"#,
    );
    d.import_rest("import");
    d.put(
        "web.nomad",
        &format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1\"\n      }}\n{extra}    }}\n  }}\n}}\n"),
    );
    d
}

fn plan(d: &TempDir) -> common::Out {
    run_in(&d.0, &["plan", "--world", "import", "web.nomad"])
}

#[test]
fn a_detected_driver_that_is_not_healthy_places_nothing() {
    let unhealthy = json!({"Detected": true, "Healthy": false});
    let d = import(
        "node-fields-driver",
        node(unhealthy, attributes()),
        true,
        "",
    );
    let o = plan(&d);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("    * Constraint \"missing drivers\": 1 nodes excluded by filter\n"),
        "{}",
        o.stdout
    );
    let d = import(
        "node-fields-driver-ok",
        node(healthy(), attributes()),
        true,
        "",
    );
    assert!(plan(&d).stdout.contains(PLACED));
}

#[test]
fn an_imported_node_has_no_vault_it_did_not_report() {
    let vault = "      vault {\n        policies = [\"web\"]\n      }\n";
    let d = import(
        "node-fields-vault",
        node(healthy(), attributes()),
        true,
        vault,
    );
    let o = plan(&d);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let want =
        "    * Constraint \"${attr.vault.version} semver >= 0.6.1\": 1 nodes excluded by filter\n";
    assert!(o.stdout.contains(want), "{}", o.stdout);
    let mut with_vault = attributes();
    with_vault["vault.version"] = json!("1.15.0");
    with_vault["vault.accessible"] = json!("true");
    let d = import(
        "node-fields-vault-ok",
        node(healthy(), with_vault),
        true,
        vault,
    );
    let o = plan(&d);
    assert!(o.stdout.contains(PLACED), "{}{}", o.stdout, o.stderr);
}

#[test]
fn a_constraint_reads_the_nodes_own_hostname() {
    let on = |host: &str| {
        format!("      constraint {{\n        attribute = \"${{attr.unique.hostname}}\"\n        value     = \"{host}\"\n      }}\n")
    };
    let d = import(
        "node-fields-host",
        node(healthy(), attributes()),
        true,
        &on("ip-10-0-0-1"),
    );
    let o = plan(&d);
    assert!(o.stdout.contains(PLACED), "{}{}", o.stdout, o.stderr);
    // And a written world keeps it.
    let w = run_in(&d.0, &["import", "import", "--write", "out"]);
    assert_eq!(w.code, 0, "{}{}", w.stdout, w.stderr);
    let o = run_in(&d.0, &["plan", "--world", "out", "web.nomad"]);
    assert!(o.stdout.contains(PLACED), "{}{}", o.stdout, o.stderr);
    let d = import(
        "node-fields-host-name",
        node(healthy(), attributes()),
        true,
        &on("n1"),
    );
    assert!(!plan(&d).stdout.contains(PLACED));
}

#[test]
fn a_node_known_from_the_list_alone_is_a_guess() {
    let mut stub = node(healthy(), json!(null));
    stub.as_object_mut().map(|o| o.remove("Attributes"));
    let d = import("node-fields-stub", stub, false, "");
    let o = plan(&d);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    assert!(
        o.stderr.contains(
            "node-<id>.json is not saved for node \"n1\", so their attributes and meta are unknown"
        ),
        "{}",
        o.stderr
    );
    // Its own file saved: judged.
    let d = import(
        "node-fields-stub-own",
        node(healthy(), attributes()),
        true,
        "",
    );
    assert!(plan(&d).stdout.contains(PLACED));
}

/// A dynamic host volume (1.10+: the node reports its `ID`) is judged by
/// the volume object (`HostVolumeChecker`, scheduler/feasible/feasible.go
/// 2.0.5: its namespace, access modes, claims), which the import does not
/// hold: a job asking for it cannot be told; a static one is judged.
#[test]
fn a_dynamic_host_volume_is_a_guess_for_the_jobs_asking_for_it() {
    let volume = |id: &str| {
        let mut n = node(healthy(), attributes());
        n["HostVolumes"] = json!({"data": {"Path": "/srv/data", "ReadOnly": false, "ID": id}});
        n
    };
    let ask = "    volume \"data\" {\n      type   = \"host\"\n      source = \"data\"\n    }\n";
    let put = |d: &TempDir| {
        d.put(
            "web.nomad",
            &format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{ask}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1\"\n      }}\n    }}\n  }}\n}}\n"),
        );
    };
    let d = import(
        "node-fields-dhv",
        volume("9b2c0a5e-0000-4000-8000-000000000001"),
        true,
        "",
    );
    put(&d);
    let o = plan(&d);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    assert!(
        o.stderr.contains("\"data\" as a dynamic host volume, whose namespace, access modes and claims are not simulated"),
        "{}",
        o.stderr
    );
    // The written world keeps it dynamic.
    let w = run_in(&d.0, &["import", "import", "--write", "out"]);
    assert_eq!(w.code, 0, "{}{}", w.stdout, w.stderr);
    let o = run_in(&d.0, &["plan", "--world", "out", "web.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    let d = import("node-fields-shv", volume(""), true, "");
    put(&d);
    let o = plan(&d);
    assert!(o.stdout.contains(PLACED), "{}{}", o.stdout, o.stderr);
}
