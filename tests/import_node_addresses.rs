//! An imported client's host networks come from the addresses its
//! fingerprint reported (`NodeResources.NodeNetworks[].Addresses`: the
//! alias each address carries), so it is judged as a declared client with
//! those addresses is. Before, the import kept the aliases without their
//! addresses and took every node to carry `default`: a port without
//! `host_network` was placed on a node whose only address a host network
//! had taken (Nomad before 1.6.2 gives it no `default`), which Nomad
//! refuses.

use crate::common;

use common::{run_in, TempDir};

fn node(id: &str, name: &str, addresses: &str) -> String {
    format!(
        r#"{{"ID": "{id}", "Name": "{name}", "Datacenter": "dc1", "NodePool": "default",
  "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
  "Attributes": {{"kernel.name": "linux", "cpu.arch": "amd64", "nomad.version": "1.6.0"}},
  "Drivers": {{"docker": {{"Detected": true, "Healthy": true}}}},
  "NodeResources": {{
    "Cpu": {{"CpuShares": 4000}}, "Memory": {{"MemoryMB": 4000}}, "Disk": {{"DiskMB": 10000}},
    "Networks": [{{"Mode": "host", "Device": "eth0", "MBits": 1000}}],
    "NodeNetworks": [{{"Mode": "host", "Device": "eth0", "Addresses": [{addresses}]}}]
  }}}}"#
    )
}

fn addr(alias: &str, address: &str) -> String {
    format!(r#"{{"Family": "ipv4", "Alias": "{alias}", "Address": "{address}"}}"#)
}

fn job(port: &str) -> String {
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    network {{\n      {port}\n    }}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    )
}

const PLACED: &str = "- All tasks successfully allocated.";
/// The constraint as the plan names it (`%q` inside Nomad's quotes).
const NO_DEFAULT: &str = r#"missing host network \"default\" for port \"http\""#;

/// An import of one 1.6.0 node with `addresses`, and the two jobs.
fn import(tag: &str, addresses: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "import/nodes.json",
        &format!(
            "[{}]",
            node("0a1b2c3d-0000-4000-8000-000000000001", "n1", addresses)
        ),
    );
    d.put(
        "import/agent-self.json",
        r#"{"member": {"Tags": {"build": "1.6.0", "region": "global"}}}"#,
    );
    d.import_rest("import");
    d.put("plain.nomad", &job("port \"http\" {}"));
    d.put(
        "public.nomad",
        &job("port \"http\" {\n        host_network = \"public\"\n      }"),
    );
    d
}

fn plan(d: &TempDir, file: &str) -> String {
    let o = run_in(&d.0, &["plan", "--world", "import", file]);
    assert!(o.code == 0 || o.code == 1, "{}{}", o.stdout, o.stderr);
    o.stdout
}

#[test]
fn a_node_whose_only_address_a_host_network_took_has_no_default() {
    let d = import("import-addr-taken", &addr("public", "10.0.1.1"));
    let plain = plan(&d, "plain.nomad");
    assert!(!plain.contains(PLACED), "{plain}");
    assert!(plain.contains(NO_DEFAULT), "{plain}");
    assert!(plan(&d, "public.nomad").contains(PLACED));
}

#[test]
fn a_node_reporting_both_aliases_takes_both_ports() {
    let both = format!(
        "{}, {}",
        addr("default", "10.0.1.1"),
        addr("public", "10.0.1.1")
    );
    let d = import("import-addr-both", &both);
    assert!(plan(&d, "plain.nomad").contains(PLACED));
    assert!(plan(&d, "public.nomad").contains(PLACED));
    let d = import("import-addr-default", &addr("default", "10.0.1.1"));
    assert!(plan(&d, "plain.nomad").contains(PLACED));
    assert!(!plan(&d, "public.nomad").contains(PLACED));
}
