//! Ports are held per IP (`NetworkIndex.UsedPorts[ip]`, nomad/structs/
//! network.go 0.12.0-2.0.5): `SetNode` marks each host network address's
//! `ReservedPorts` at its `Address`, `AddAllocs` each group port mapping
//! at its `HostIP`, and `AssignPorts` looks a static port up at the
//! addresses of its alias. Where the pool's `interface` blocks give each
//! address its IP, the plan now keys them so; before, a host network
//! address other than the one carrying `default` had no IP: a port an
//! allocation held anywhere refused an ask there (a wrong failure), and
//! the ports the address reserves never met the allocations' (a false
//! all-clear where Nomad skips the node, 1.2.4+).
//!
//! The world: one node, eth0 10.0.0.5 (`default`, the node's own address
//! 10.1.0.2 in the model) and eth1 203.0.113.10 (`public`). `old` holds
//! port 8080 on the node's own address, and `PUBLIC_HELD` on public.

use crate::common;

use common::one_node;

const PLACED: &str = "- All tasks successfully allocated.";

fn plan(version: &str, reserved: &str, public_held: u16, ask: &str, count: u32) -> String {
    let alloc_net = format!(
        "    ip             = \"10.1.0.2\"\n    reserved_ports = {{ http = 8080, pub = {public_held} }}\n    group          = true\n    port_ips       = {{ pub = \"203.0.113.10\" }}\n"
    );
    plan_world(version, reserved, &alloc_net, "", ask, count)
}

/// The world with `old`'s network block body `alloc_net` and its job's
/// group `old_net`.
fn plan_world(
    version: &str,
    reserved: &str,
    alloc_net: &str,
    old_net: &str,
    ask: &str,
    count: u32,
) -> String {
    let tmp = common::TempDir::new(&format!(
        "address-ips-{version}-{}-{}-{}-{count}",
        reserved.len(),
        alloc_net.len() + old_net.len(),
        ask.len()
    ));
    // `public`: a host network on eth1's address, not the node's own.
    let node_lines = PUBLIC.replace("RESERVED", reserved);
    let allocations = format!(
        r#"allocation "a0000001-0000-4000-8000-000000000000" {{
  job    = "old"
  index  = 0
  node   = "node-1"
  cpu    = 100
  memory = 64
  network {{
{alloc_net}  }}
}}
"#
    );
    one_node::plan(
        &tmp,
        &one_node::cluster(version, 4000, &node_lines),
        &allocations,
        &one_node::redis_job("old", old_net, 100, ""),
        &one_node::redis_job("placing", &format!("    count = {count}\n{ask}"), 100, ""),
        &[],
    )
    .stdout
}

/// The node's host network `public` (`RESERVED`: its reserved ports
/// line) and the interfaces giving each address its IP.
const PUBLIC: &str = r#"  host_network "public" {
    cidr = "203.0.113.0/24"
RESERVED  }
  interface "eth0" {
    addresses     = ["10.0.0.5/24"]
    default_route = true
  }
  interface "eth1" {
    addresses = ["203.0.113.10/24"]
  }
"#;

fn port(value: u16, alias: &str) -> String {
    format!(
        "    network {{\n      port \"p\" {{\n        static       = {value}\n        host_network = \"{alias}\"\n      }}\n    }}\n"
    )
}

fn dimension(metric: &str) -> String {
    format!("    * Dimension \"{metric}\" exhausted on 1 nodes\n")
}

/// 8080 is held on the node's own address only: public offers it.
#[test]
fn a_port_held_on_another_address_leaves_the_ask_free() {
    for version in ["0.12.0", "1.6.2", "2.0.5"] {
        let text = plan(version, "", 443, &port(8080, "public"), 1);
        assert!(text.contains(PLACED), "{version}: {text}");
        // Held on public itself: refused there, free on default.
        let text = plan(version, "", 443, &port(443, "public"), 1);
        let want = dimension("network: reserved port collision p=443");
        assert!(text.contains(&want), "{version}: {text}");
        let text = plan(version, "", 443, &port(443, "default"), 1);
        assert!(text.contains(PLACED), "{version}: {text}");
    }
}

/// A placement records its mapping at public's address: the next
/// placement of the plan on the same node meets it there.
#[test]
fn a_placement_holds_its_port_at_its_address() {
    let text = plan("2.0.5", "", 443, &port(8081, "public"), 2);
    assert!(
        text.contains("Task Group \"web\" (failed to place 1 allocation):"),
        "{text}"
    );
    assert!(
        text.contains(&dimension("network: reserved port collision p=8081")),
        "{text}"
    );
}

/// Public reserves 9000 and `old` holds 9000 there: `AddAllocs`
/// collides, and the node is skipped where that skips it (1.2.4+).
#[test]
fn an_allocation_on_a_port_its_address_reserves_collides() {
    let reserved = "    reserved_ports = \"9000\"\n";
    let skipped = dimension("network: port collision");
    for (version, skips) in [("1.2.3", false), ("1.2.4", true), ("2.0.5", true)] {
        let text = plan(version, reserved, 9000, "", 1);
        assert_eq!(text.contains(&skipped), skips, "{version}: {text}");
        assert_eq!(text.contains(PLACED), !skips, "{version}: {text}");
    }
    // On the node's own address 9000 is no collision.
    let text = plan("2.0.5", reserved, 443, "", 1);
    assert!(text.contains(PLACED), "{text}");
}

/// An import's host network addresses are stand-ins while its
/// allocations' mappings name the real ones: a port held at public's real
/// address refuses an ask on public, as Nomad does. Keyed by the stand-in
/// IPs, the plan placed it; each node's real addresses key them now
/// (tests/import_address_ips.rs).
#[test]
fn an_imports_addresses_are_not_keyed_by_their_stand_ins() {
    use serde_json::json;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/import-registered/web-2.0.5.json"
    );
    let job: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    let node = "0c1b2c3d-0000-4000-8000-000000000001";
    let alloc = json!({
        "ID": "a0000001-0000-4000-8000-000000000000",
        "Namespace": "default", "Name": "web.g[0]", "NodeID": node,
        "JobID": "web", "Job": job, "TaskGroup": "g", "JobVersion": job["Version"],
        "AllocatedResources": {"Tasks": {"t": {"Cpu": {"CpuShares": 100}, "Memory": {"MemoryMB": 300}}},
            "TaskLifecycles": {"t": null},
            "Shared": {"DiskMB": 300,
                "Networks": [{"Mode": "host", "IP": "203.0.113.10", "ReservedPorts": [{"Label": "http", "Value": 8080}]}],
                "Ports": [{"Label": "http", "Value": 8080, "To": 0, "HostIP": "203.0.113.10"}]}},
        "DesiredStatus": "run", "ClientStatus": "running",
        "CreateIndex": 30, "ModifyIndex": 30
    });
    let d = common::TempDir::new("address-ips-import");
    d.put(
        "import/nodes.json",
        &format!(
            r#"[{{"ID": "{node}", "Name": "n1", "Datacenter": "dc1",
  "NodePool": "default", "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
  "Attributes": {{"kernel.name": "linux", "cpu.arch": "amd64"}},
  "Drivers": {{"docker": {{"Detected": true, "Healthy": true}}}},
  "NodeResources": {{"Cpu": {{"CpuShares": 4000}}, "Memory": {{"MemoryMB": 4000}}, "Disk": {{"DiskMB": 10000}},
    "Networks": [{{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "MBits": 1000}}],
    "NodeNetworks": [
      {{"Mode": "host", "Device": "eth0", "Addresses": [{{"Family": "ipv4", "Alias": "default", "Address": "10.0.0.1"}}]}},
      {{"Mode": "host", "Device": "eth1", "Addresses": [{{"Family": "ipv4", "Alias": "public", "Address": "203.0.113.10"}}]}}]}}}}]"#
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
    d.put(
        "edge.nomad",
        &format!(
            "job \"edge\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1\"\n      }}\n    }}\n  }}\n}}\n",
            port(8080, "public")
        ),
    );
    let o = common::run_in(&d.0, &["plan", "--world", "import", "edge.nomad"]);
    let want = dimension("network: reserved port collision p=8080");
    assert!(o.stdout.contains(&want), "{}{}", o.stdout, o.stderr);
}

/// A pinned group network written without `ip` or `port_ips`: each port
/// is held where Nomad records its mapping, at its alias's address (the
/// job's port `pub` on public), not at the node's own address.
#[test]
fn a_written_mapping_without_an_address_is_held_at_its_alias() {
    let alloc_net = "    reserved_ports = { pub = 443 }\n    group          = true\n";
    let old_net = port(443, "public").replace("\"p\"", "\"pub\"");
    let text = plan_world("2.0.5", "", alloc_net, &old_net, &port(443, "public"), 1);
    let want = dimension("network: reserved port collision p=443");
    assert!(text.contains(&want), "{text}");
    let text = plan_world("2.0.5", "", alloc_net, &old_net, &port(443, "default"), 1);
    assert!(text.contains(PLACED), "{text}");
}
