//! Ports a client reserves per address: `host_network "x" { reserved_ports
//! = "..." }` in the client's config, reported as
//! `NodeNetworks[].Addresses[].ReservedPorts`, on top of the client-wide
//! `reserved { reserved_ports }`. Nomad's `NetworkIndex`
//! (nomad/structs/network.go) keeps one port set per IP and refuses a
//! group network's static port on the address it gets. Before, the world
//! had no such set, so a job asking such a port was placed where Nomad
//! refuses it. Driven through `plan` on cluster.hcl worlds and an import.
//!
//! Also, beyond a group port on a named host network:
//! - `ignore_collision` (1.9+, group ports in host mode): `AssignPorts`
//!   skips the used-port check, so a port the client or an address
//!   reserves is assigned anyway. It was refused;
//! - a task's `resources { network }` is offered on the node's device
//!   address (`AssignTaskNetwork`, `yieldIP`), whose used ports include
//!   what a host network sharing that address reserves. Only the
//!   client-wide ports were counted;
//! - `check`'s NP204 (a static port reserved on every client) counts the
//!   ports an address reserves, and a port that ignores collisions
//!   collides with nothing; `validate` refuses a later port of the number
//!   an ignoring port reserved first.

use crate::common;

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
    job_with(&network, "")
}

fn plan(w: &TempDir, version: &str) -> String {
    let rules = w.0.join("rules").to_string_lossy().into_owned();
    let job = w.0.join("job.nomad").to_string_lossy().into_owned();
    let o = run_in(
        Path::new("."),
        &["plan", "--world", &rules, &job, "--nomad-version", version],
    );
    // A plan: Nomad's exit code, or 255 where only how `nomad job run`
    // of it ends cannot be told (the applier's rejected retries).
    let run_untold = o.code == 255 && o.stderr.contains("cannot tell how `nomad job run`");
    assert!(
        o.code == 0 || o.code == 1 || run_untold,
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
        // AssignPorts names the port from 0.12.0 (nomad/structs/network.go,
        // e94690decb, first in v0.12.0-rc1).
        ("0.12.0", "network: reserved port collision http=8080"),
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

/// `lan` on the default route's interface, reserving 8500 there.
const LAN: &str = r#"  host_network "lan" {
    interface      = "eth0"
    reserved_ports = "8500"
  }
  interface "eth0" {
    addresses     = ["10.0.0.5/24"]
    default_route = true
  }
"#;

/// From 1.6.2 the default route's address carries `default` besides a
/// block that matches it: one IP, so `default` holds the block's ports.
#[test]
fn aliases_sharing_an_ip_share_its_reserved_ports() {
    let w = world("shared", "2.0.5", LAN, &job(8500, ""));
    assert_has(
        &plan(&w, "2.0.5"),
        &refused("network: reserved port collision http=8500"),
    );
    let w = world("shared-free", "2.0.5", LAN, &job(8501, ""));
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
  "NodePool": "default", "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
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

/// A service job with `group_net` as its group's network and
/// `task_net` inside its task's resources.
fn job_with(group_net: &str, task_net: &str) -> String {
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"web\" {{\n{group_net}    task \"web\" {{\n      driver = \"exec\"\n      config {{ command = \"/bin/date\" }}\n      resources {{\n        cpu    = 100\n        memory = 64\n{task_net}      }}\n    }}\n  }}\n}}\n"
    )
}

/// A group network asking static `port` as `http` with `extra` lines.
fn group_port(port: u16, extra: &str) -> String {
    format!("    network {{\n      port \"http\" {{\n        static = {port}\n{extra}      }}\n    }}\n")
}

/// eth0 on the default route carries `default`; eth1's address carries
/// `public`, which reserves 8080 there; the client reserves 22.
const CLIENT: &str = r#"  reserved {
    ports = "22"
  }
  host_network "public" {
    cidr           = "203.0.113.0/24"
    reserved_ports = "8080"
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
fn a_port_that_ignores_collisions_is_assigned_where_it_is_reserved() {
    let ignore = "        ignore_collision = true\n";
    let on_public = "        host_network = \"public\"\n";
    for version in ["1.9.0", "2.0.5"] {
        for (tag, extra, port) in [
            ("address", on_public.to_string(), 8080),
            ("client", String::new(), 22),
        ] {
            let w = world(
                &format!("{tag}-{version}"),
                version,
                CLIENT,
                &job_with(&group_port(port, &extra), ""),
            );
            assert_has(
                &plan(&w, version),
                &refused(&format!("network: reserved port collision http={port}")),
            );
            let w = world(
                &format!("{tag}-ignored-{version}"),
                version,
                CLIENT,
                &job_with(&group_port(port, &format!("{extra}{ignore}")), ""),
            );
            assert_has(&plan(&w, version), PLACED);
        }
    }
}

/// From 1.6.2 the default route's address carries `default` besides `lan`
/// (one IP), so a task network, offered on that address, meets `lan`'s
/// reserved port.
#[test]
fn a_task_network_meets_the_ports_its_address_reserves() {
    let task_port = |p: u16| {
        format!("        network {{\n          port \"http\" {{\n            static = {p}\n          }}\n        }}\n")
    };
    for version in ["1.7.0", "2.0.5"] {
        let w = world(
            &format!("task-{version}"),
            version,
            LAN,
            &job_with("", &task_port(8500)),
        );
        assert_has(
            &plan(&w, version),
            &refused("network: reserved port collision http=8500"),
        );
        let w = world(
            &format!("task-free-{version}"),
            version,
            LAN,
            &job_with("", &task_port(8501)),
        );
        assert_has(&plan(&w, version), PLACED);
    }
}

/// `check` reports a static port every client reserves on its address
/// (NP204), and none for a port that ignores collisions.
#[test]
fn np204_counts_the_ports_an_address_reserves() {
    let check = |w: &TempDir| {
        let rules = w.0.join("rules").to_string_lossy().into_owned();
        let job = w.0.join("job.nomad").to_string_lossy().into_owned();
        run_in(
            Path::new("."),
            &[
                "check",
                "--world",
                &rules,
                "--output-format",
                "concise",
                &job,
            ],
        )
    };
    let on_public = "        host_network = \"public\"\n";
    let w = world(
        "np204",
        "2.0.5",
        CLIENT,
        &job_with(&group_port(8080, on_public), ""),
    );
    let o = check(&w);
    assert!(
        o.stdout.contains("NP204 [error]")
            && o.stdout.contains(
                "static port 8080 (\"http\") is reserved on every client in the job's datacenters"
            ),
        "{}{}",
        o.stdout,
        o.stderr
    );
    // On `default` (another address) it is free.
    let w = world(
        "np204-default",
        "2.0.5",
        CLIENT,
        &job_with(&group_port(8080, ""), ""),
    );
    assert!(!check(&w).stdout.contains("NP204"), "{}", check(&w).stdout);
    let ignored = format!("{on_public}        ignore_collision = true\n");
    let w = world(
        "np204-ignored",
        "2.0.5",
        CLIENT,
        &job_with(&group_port(8080, &ignored), ""),
    );
    let o = check(&w);
    assert!(!o.stdout.contains("NP204"), "{}{}", o.stdout, o.stderr);
}

/// structs.go `validateNetworks` (1.9+): a group port that ignores
/// collisions is refused nothing, but reserves its number when it comes
/// first, so a later port of that number that does not ignore them is
/// refused. It reserved nothing, and the job validated.
#[test]
fn a_port_that_ignores_collisions_still_reserves_its_number_first() {
    let port = |label: &str, ignore: bool| {
        let extra = if ignore {
            "        ignore_collision = true\n"
        } else {
            ""
        };
        format!("      port \"{label}\" {{\n        static = 8080\n{extra}      }}\n")
    };
    let validate = |ports: String| {
        let w = world(
            "validate",
            "2.0.5",
            "",
            &job_with(&format!("    network {{\n{ports}    }}\n"), ""),
        );
        let job = w.0.join("job.nomad").to_string_lossy().into_owned();
        run_in(
            Path::new("."),
            &["validate", "--nomad-version", "2.0.5", &job],
        )
    };
    let o = validate(format!("{}{}", port("a", true), port("b", false)));
    assert_eq!(o.code, 1, "code {}: {}{}", o.code, o.stdout, o.stderr);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert!(
        all.contains("* Static port 8080 already reserved by taskgroup network:a\n"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    let o = validate(format!("{}{}", port("a", false), port("b", true)));
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}
