//! Dynamic ports are judged (issue 13, redteam5 R1). Nomad draws each
//! dynamic port at random and falls back to a precise pick among the free
//! ports of the node's dynamic range, both bounds included
//! (`getDynamicPortsPrecise`, nomad/structs/network.go:320-350@v0.9.3,
//! :693-721@v1.6.0); too few free ports fail the node with `dynamic port
//! selection failed`, which rank.go records as `network: ...`
//! (scheduler/rank.go:241-246@v0.9.3, :307-314@v1.6.0). The range is
//! 20000-32000 before 1.2.0 and the client's `min_dynamic_port` /
//! `max_dynamic_port` from it (network.go SetNode, :146-152@v1.2.0).
//! The tool placed such groups anyway: "All tasks successfully
//! allocated." where Nomad fails.

use crate::common;

use std::path::Path;

use common::{run_in, TempDir};

fn world(tag: &str, cluster: &str, job: &str) -> TempDir {
    let tmp = TempDir::new(&format!("dynports-{tag}"));
    tmp.put("rules/cluster.hcl", cluster);
    tmp.put("jobs/dp.nomad", job);
    tmp
}

fn plan(w: &TempDir, version: &str) -> String {
    let rules = w.0.join("rules").to_string_lossy().into_owned();
    let job = w.0.join("jobs/dp.nomad").to_string_lossy().into_owned();
    let o = run_in(
        Path::new("."),
        &[
            "plan",
            "--no-cache",
            "--world",
            &rules,
            &job,
            "--nomad-version",
            version,
        ],
    );
    assert!(
        o.code == 0 || o.code == 1,
        "{version}: {}{}",
        o.stdout,
        o.stderr
    );
    o.stdout
}

/// The red team's world (/tmp/rt5/wdp/rules/cluster.hcl), with `extra`
/// lines in the client and `count` clients.
fn cluster(count: u32, reserved: &str, extra: &str) -> String {
    format!(
        r#"nomad_version = "1.6.0"
edition = "community"
region = "global"
server {{
  vault {{ enabled = true }}
}}
client "c" {{
  count = {count}
  datacenter = "dc1"
  cpu = 4000
  memory = 8000
  disk = 50000
  drivers = ["docker", "exec", "raw_exec"]
  attributes = {{ "kernel.name" = "linux" }}
{extra}  reserved {{
    ports = "{reserved}"
  }}
}}
running = []
"#
    )
}

/// The red team's job (/tmp/rt5/wdp/jobs/dp.nomad) with `count` and
/// `ports` dynamic group ports.
fn job(count: u32, ports: &[&str]) -> String {
    let ports: String = ports
        .iter()
        .map(|p| format!("      port \"{p}\" {{}}\n"))
        .collect();
    format!(
        "job \"dp\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = {count}\n    network {{\n{ports}    }}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"x\" }}\n    }}\n  }}\n}}\n"
    )
}

/// The same ask as a task network (`resources { network }`), the only
/// network 0.9 has for dynamic ports offered per task.
fn task_job(ports: &[&str]) -> String {
    let ports: String = ports
        .iter()
        .map(|p| format!("          port \"{p}\" {{}}\n"))
        .collect();
    format!(
        "job \"dp\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"x\" }}\n      resources {{\n        network {{\n{ports}        }}\n      }}\n    }}\n  }}\n}}\n"
    )
}

const PLACED: &str = "- All tasks successfully allocated.\n";

fn failed(placements: u32, nodes: u32) -> String {
    let s = if placements == 1 { "" } else { "s" };
    format!(
        "- WARNING: Failed to place all allocations.\n  Task Group \"g\" (failed to place {placements} allocation{s}):\n    * Resources exhausted on {nodes} nodes\n    * Dimension \"network: dynamic port selection failed\" exhausted on {nodes} nodes\n"
    )
}

fn assert_has(text: &str, want: &str) {
    assert!(text.contains(want), "want:\n{want}\ngot:\n{text}");
}

#[test]
fn the_red_teams_exhausted_range_fails_at_every_release_with_group_networks() {
    // Exact repro: the whole default range reserved on both clients.
    let w = world("rt5", &cluster(2, "20000-32000", ""), &job(1, &["http"]));
    for version in ["0.12.0", "1.0.0", "1.1.0", "1.6.0", "1.8.0", "2.0.5"] {
        let out = plan(&w, version);
        assert_has(&out, &failed(1, 2));
        assert!(!out.contains(PLACED), "{version}: {out}");
    }
}

#[test]
fn both_bounds_of_the_range_are_drawn() {
    // 31999 and 32000 stay free: two allocations fit, a third does not.
    let w = world(
        "bounds2",
        &cluster(1, "20000-31998", ""),
        &job(2, &["http"]),
    );
    assert_has(&plan(&w, "1.6.0"), PLACED);
    let w = world(
        "bounds3",
        &cluster(1, "20000-31998", ""),
        &job(3, &["http"]),
    );
    assert_has(&plan(&w, "1.6.0"), &failed(1, 1));
}

#[test]
fn the_clients_own_range_counts_from_1_2() {
    let narrow = "  min_dynamic_port = 40000\n  max_dynamic_port = 40001\n";
    let w = world("narrow", &cluster(1, "22", narrow), &job(3, &["http"]));
    // Two ports in the client's range: the third allocation fails.
    assert_has(&plan(&w, "1.2.0"), &failed(1, 1));
    assert_has(&plan(&w, "2.0.5"), &failed(1, 1));
    // Before 1.2 the range is 20000-32000 whatever the client says.
    assert_has(&plan(&w, "1.1.0"), PLACED);
}

#[test]
fn two_ports_of_one_group_need_two_free_ports_from_16401() {
    // One free port: before #16401 (v1.3.11, v1.4.6, v1.5.1) each
    // dynamic port draws alone and both take it; after, the offer's own
    // ports are excluded and the second finds none.
    let w = world("self", &cluster(1, "20000-31999", ""), &job(1, &["a", "b"]));
    for version in ["1.3.10", "1.4.5", "1.5.0"] {
        assert_has(&plan(&w, version), PLACED);
    }
    for version in ["1.3.11", "1.4.6", "1.5.1", "1.6.0", "2.0.5"] {
        assert_has(&plan(&w, version), &failed(1, 1));
    }
}

#[test]
fn a_task_network_needs_as_many_free_ports_as_it_asks() {
    let w = world("task1", &cluster(1, "20000-31999", ""), &task_job(&["a"]));
    assert_has(&plan(&w, "0.9.3"), PLACED);
    let w = world(
        "task2",
        &cluster(1, "20000-31999", ""),
        &task_job(&["a", "b"]),
    );
    for version in ["0.9.3", "0.12.0", "1.6.0"] {
        assert_has(&plan(&w, version), &failed(1, 1));
    }
}
