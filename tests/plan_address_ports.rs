//! Ports a client reserves per address: `host_network "x" { reserved_ports
//! = "..." }` in the client's config, reported as
//! `NodeNetworks[].Addresses[].ReservedPorts`, on top of the client-wide
//! `reserved { reserved_ports }`. Nomad's `NetworkIndex`
//! (nomad/structs/network.go) keeps one port set per IP and refuses a
//! group network's static port on the address it gets. Before, the world
//! had no such set, so a job asking such a port was placed where Nomad
//! refuses it. Driven through `plan` on cluster.hcl worlds and an import.

mod common;

use std::path::Path;

use common::{run_in, TempDir};

fn world(tag: &str, version: &str, client: &str, job: &str) -> TempDir {
    let tmp = TempDir::new(&format!("addrports-{tag}"));
    tmp.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nclient \"edge\" {{\n  cpu        = 4000\n  memory     = 8192\n  disk       = 10000\n  drivers    = [\"exec\"]\n{client}}}\n"
        ),
    );
    tmp.put("job.nomad", job);
    tmp
}

/// A service job whose group network asks static port `port` as `http`
/// on `host_network` (none when empty), or no network when `port` is 0.
fn job(port: u16, host_network: &str) -> String {
    let network = match (port, host_network) {
        (0, _) => String::new(),
        (p, "") => format!("    network {{\n      port \"http\" {{ static = {p} }}\n    }}\n"),
        (p, hn) => format!(
            "    network {{\n      port \"http\" {{\n        static       = {p}\n        host_network = \"{hn}\"\n      }}\n    }}\n"
        ),
    };
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"web\" {{\n{network}    task \"web\" {{\n      driver = \"exec\"\n      config {{ command = \"/bin/date\" }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn plan(w: &TempDir, version: &str) -> String {
    let rules = w.0.join("rules").to_string_lossy().into_owned();
    let job = w.0.join("job.nomad").to_string_lossy().into_owned();
    let o = run_in(
        Path::new("."),
        &["plan", "--world", &rules, &job, "--nomad-version", version],
    );
    assert!(
        o.code == 0 || o.code == 1,
        "{version}: {}{}",
        o.stdout,
        o.stderr
    );
    o.stdout
}

const PLACED: &str = "- All tasks successfully allocated.\n";

/// The failure block `nomad job plan` prints for one exhausted node.
fn refused(dimension: &str) -> String {
    format!(
        "- WARNING: Failed to place all allocations.\n  Task Group \"web\" (failed to place 1 allocation):\n    * Resources exhausted on 1 nodes\n    * Dimension \"{dimension}\" exhausted on 1 nodes\n"
    )
}

fn assert_has(text: &str, want: &str) {
    assert!(text.contains(want), "want:\n{want}\ngot:\n{text}");
}

/// eth0 on the default route; eth1's address carries `public`, which
/// reserves 8080 there.
const PUBLIC: &str = r#"  host_network "public" {
    cidr           = "203.0.113.0/24"
    reserved_ports = "8080,9000-9001"
  }
  interface "eth0" {
    addresses     = ["10.0.0.5/24"]
    default_route = true
  }
  interface "eth1" {
    addresses = ["203.0.113.10/24"]
  }
"#;

#[test]
fn a_port_the_address_reserves_is_refused_on_its_alias_only() {
    for (version, dim) in [
        ("0.12.0", "network: reserved port collision"),
        ("1.0.0", "network: reserved port collision http=8080"),
        ("1.6.0", "network: reserved port collision http=8080"),
        ("2.0.5", "network: reserved port collision http=8080"),
    ] {
        let w = world(
            &format!("public-{version}"),
            version,
            PUBLIC,
            &job(8080, "public"),
        );
        assert_has(&plan(&w, version), &refused(dim));
        // A range's inner port too.
        let w = world(
            &format!("range-{version}"),
            version,
            PUBLIC,
            &job(9001, "public"),
        );
        assert_has(&plan(&w, version), &refused(&dim.replace("8080", "9001")));
        // Another port on the same alias, and the same port on `default`
        // (another IP), are free.
        let w = world(
            &format!("free-{version}"),
            version,
            PUBLIC,
            &job(8081, "public"),
        );
        assert_has(&plan(&w, version), PLACED);
        let w = world(
            &format!("default-{version}"),
            version,
            PUBLIC,
            &job(8080, ""),
        );
        assert_has(&plan(&w, version), PLACED);
    }
}

/// From 1.6.2 the default route's address carries `default` besides a
/// block that matches it: one IP, so `default` holds the block's ports.
#[test]
fn aliases_sharing_an_ip_share_its_reserved_ports() {
    let lan = r#"  host_network "lan" {
    interface      = "eth0"
    reserved_ports = "8500"
  }
  interface "eth0" {
    addresses     = ["10.0.0.5/24"]
    default_route = true
  }
"#;
    let w = world("shared", "2.0.5", lan, &job(8500, ""));
    assert_has(
        &plan(&w, "2.0.5"),
        &refused("network: reserved port collision http=8500"),
    );
    let w = world("shared-free", "2.0.5", lan, &job(8501, ""));
    assert_has(&plan(&w, "2.0.5"), PLACED);
}

/// Before 1.8.3 `AssignPorts` looks only at the alias's first address;
/// from 1.8.3 it takes the first address that is free.
#[test]
fn the_first_address_decides_until_1_8_3() {
    let two = r#"  host_network "public" {
    cidr = "203.0.113.0/24"
  }
  host_network "vip" {
    cidr           = "203.0.113.10/32"
    reserved_ports = "9000"
  }
  interface "eth0" {
    addresses     = ["10.0.0.5/24"]
    default_route = true
  }
  interface "eth1" {
    addresses = ["203.0.113.10/24", "203.0.113.11/24"]
  }
"#;
    let w = world("first-182", "1.8.2", two, &job(9000, "public"));
    assert_has(
        &plan(&w, "1.8.2"),
        &refused("network: reserved port collision http=9000"),
    );
    assert_has(&plan(&w, "1.8.3"), PLACED);
    assert_has(&plan(&w, "2.0.5"), PLACED);
}

/// 1.0.16–1.3.1 (and their 1.1 and 1.2 lines) skip a node whose
/// client-wide reserved ports an address reserves again (`SetNode`'s
/// collision), whatever the job asks.
#[test]
fn a_client_wide_port_reserved_again_skips_the_node_in_1_0_16_to_1_3_1() {
    let again = format!(
        "  reserved {{\n    ports = \"22\"\n  }}\n{}",
        PUBLIC.replace("8080,", "22,8080,")
    );
    for (version, skipped) in [
        ("1.0.15", false),
        ("1.0.16", true),
        ("1.2.8", true),
        ("1.2.9", false),
        ("1.3.1", true),
        ("1.3.2", false),
        ("2.0.5", false),
    ] {
        let w = world(&format!("again-{version}"), version, &again, &job(0, ""));
        let out = plan(&w, version);
        if skipped {
            assert_has(&out, &refused("network: port collision"));
        } else {
            assert_has(&out, PLACED);
        }
    }
}

/// An import reads each address's `ReservedPorts`; `import --write` keeps
/// them, so the written world plans the same.
#[test]
fn an_import_reads_each_address_reserved_ports() {
    let d = TempDir::new("addrports-import");
    d.put(
        "import/nodes.json",
        r#"[{"ID": "0d1b2c3d-0000-4000-8000-000000000001", "Name": "n1", "Datacenter": "dc1",
  "NodePool": "default", "Status": "ready", "SchedulingEligibility": "eligible",
  "Attributes": {"kernel.name": "linux", "cpu.arch": "amd64", "nomad.version": "1.7.2"},
  "Drivers": {"exec": {"Detected": true, "Healthy": true}},
  "NodeResources": {"Cpu": {"CpuShares": 4000}, "Memory": {"MemoryMB": 4000}, "Disk": {"DiskMB": 10000},
    "Networks": [{"Mode": "host", "Device": "eth0", "IP": "10.0.0.5", "MBits": 1000}],
    "NodeNetworks": [
      {"Mode": "host", "Device": "eth0", "Addresses": [
        {"Family": "ipv4", "Alias": "default", "Address": "10.0.0.5", "ReservedPorts": ""},
        {"Family": "ipv4", "Alias": "lan", "Address": "10.0.0.5", "ReservedPorts": "8500"}]},
      {"Mode": "host", "Device": "eth1", "Addresses": [
        {"Family": "ipv4", "Alias": "public", "Address": "203.0.113.10", "ReservedPorts": "8080"}]}]}}]"#,
    );
    d.put(
        "import/agent-self.json",
        r#"{"member": {"Tags": {"build": "1.7.2", "region": "global"}}}"#,
    );
    d.import_rest("import");
    let cases = [
        (8080, "public", false),
        (8081, "public", true),
        (8080, "", true),
        (8500, "", false),
        (8500, "lan", false),
        (8501, "lan", true),
    ];
    let w = run_in(&d.0, &["import", "import", "--write", "out/rules"]);
    assert_eq!(w.code, 0, "{}{}", w.stdout, w.stderr);
    for (port, hn, placed) in cases {
        d.put("job.nomad", &job(port, hn));
        d.put("out/job.nomad", &job(port, hn));
        for (at, world) in [("", "import"), ("out", "rules")] {
            let o = run_in(&d.0.join(at), &["plan", "--world", world, "job.nomad"]);
            assert!(o.code == 0 || o.code == 1, "{}{}", o.stdout, o.stderr);
            let want = if placed {
                PLACED.to_string()
            } else {
                refused(&format!("network: reserved port collision http={port}"))
            };
            assert!(
                o.stdout.contains(&want),
                "{port} {hn:?} on {world}: want\n{want}\ngot\n{}",
                o.stdout
            );
        }
    }
}
