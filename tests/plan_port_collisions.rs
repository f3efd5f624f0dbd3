//! Static ports against what a client reserves, beyond the group network
//! on a named host network (tests/plan_address_ports.rs):
//! - `ignore_collision` (1.9+, group ports in host mode): `AssignPorts`
//!   skips the used-port check (nomad/structs/network.go), so a port the
//!   client or an address reserves is assigned anyway. It was refused;
//! - a task's `resources { network }` is offered on the node's device
//!   address (`AssignTaskNetwork`, `yieldIP`), whose used ports include
//!   what a host network sharing that address reserves. Only the
//!   client-wide ports were counted;
//! - `check`'s NP204 (a static port reserved on every client) counts the
//!   ports an address reserves, and a port that ignores collisions
//!   collides with nothing.

mod common;

use std::path::Path;

use common::{run_in, TempDir};

fn world(tag: &str, version: &str, client: &str, job: &str) -> TempDir {
    let tmp = TempDir::new(&format!("portcoll-{tag}"));
    tmp.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nclient \"edge\" {{\n  cpu        = 4000\n  memory     = 8192\n  disk       = 10000\n  drivers    = [\"exec\"]\n{client}}}\n"
        ),
    );
    tmp.put("job.nomad", job);
    tmp
}

/// A service job with `group_net` as its group's network and
/// `task_net` inside its task's resources.
fn job(group_net: &str, task_net: &str) -> String {
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"web\" {{\n{group_net}    task \"web\" {{\n      driver = \"exec\"\n      config {{ command = \"/bin/date\" }}\n      resources {{\n        cpu    = 100\n        memory = 64\n{task_net}      }}\n    }}\n  }}\n}}\n"
    )
}

/// A group network asking static `port` as `http` with `extra` lines.
fn group_port(port: u16, extra: &str) -> String {
    format!("    network {{\n      port \"http\" {{\n        static = {port}\n{extra}      }}\n    }}\n")
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

fn refused(dimension: &str) -> String {
    format!(
        "- WARNING: Failed to place all allocations.\n  Task Group \"web\" (failed to place 1 allocation):\n    * Resources exhausted on 1 nodes\n    * Dimension \"{dimension}\" exhausted on 1 nodes\n"
    )
}

fn assert_has(text: &str, want: &str) {
    assert!(text.contains(want), "want:\n{want}\ngot:\n{text}");
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
                &job(&group_port(port, &extra), ""),
            );
            assert_has(
                &plan(&w, version),
                &refused(&format!("network: reserved port collision http={port}")),
            );
            let w = world(
                &format!("{tag}-ignored-{version}"),
                version,
                CLIENT,
                &job(&group_port(port, &format!("{extra}{ignore}")), ""),
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
    let lan = r#"  host_network "lan" {
    interface      = "eth0"
    reserved_ports = "8500"
  }
  interface "eth0" {
    addresses     = ["10.0.0.5/24"]
    default_route = true
  }
"#;
    let task_port = |p: u16| {
        format!("        network {{\n          port \"http\" {{\n            static = {p}\n          }}\n        }}\n")
    };
    for version in ["1.7.0", "2.0.5"] {
        let w = world(
            &format!("task-{version}"),
            version,
            lan,
            &job("", &task_port(8500)),
        );
        assert_has(
            &plan(&w, version),
            &refused("network: reserved port collision http=8500"),
        );
        let w = world(
            &format!("task-free-{version}"),
            version,
            lan,
            &job("", &task_port(8501)),
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
        &job(&group_port(8080, on_public), ""),
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
        &job(&group_port(8080, ""), ""),
    );
    assert!(!check(&w).stdout.contains("NP204"), "{}", check(&w).stdout);
    let ignored = format!("{on_public}        ignore_collision = true\n");
    let w = world(
        "np204-ignored",
        "2.0.5",
        CLIENT,
        &job(&group_port(8080, &ignored), ""),
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
            &job(&format!("    network {{\n{ports}    }}\n"), ""),
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
