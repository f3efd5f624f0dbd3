//! What a hand-written client's host reports that the pool does not state
//! (redteam27 R27-5, R27-4; src/cluster/reported_host.rs): the cloud's
//! attributes (client/fingerprint/env_aws.go v1.10.5:93-137, env_gce.go
//! :154-265), `kernel.landlock` (landlock.go:36-42, 1.5.0+), a hybrid
//! CPU's core counts (cpu.go:138-141), the bridge's hairpin mode (every
//! client with the bridge module, bridge_linux.go:44, 1.5.0+, the agent's
//! setting), and `memory.totalbytes`, the host's bytes within the MiB the
//! pool's `memory` rounds down to (memory.go:30-55). A read whose answer
//! depends on the host cannot be told (exit 255, NP225); stating the value
//! makes it known. Each test fails on the baseline, which read the host
//! values as absent (`!=`, `is_not_set` placed all: a gate opened) and
//! the bytes as exactly `memory` × 2^20.

use crate::common::applier::{commit, out};
use crate::common::TempDir;

/// Two hand-written clients of `version` in pool "web" (8000 MiB) with the
/// extra `lines`, and `job.nomad` whose group holds `group_body`.
fn project(tag: &str, version: &str, lines: &str, group_body: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{version}\"\nedition = \"community\"\nregion = \"global\"\nsentinel = \"none\"\nserver {{\n}}\nclient \"web\" {{\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 20000\n  drivers = [\"exec\"]\n{lines}}}\n"),
    );
    d.put("job.nomad", &job(group_body));
    d
}

fn job(group_body: &str) -> String {
    format!("job \"api\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = 2\n{group_body}    task \"t\" {{\n      driver = \"exec\"\n      config {{ command = \"/bin/true\" }}\n      resources {{\n        cpu = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n")
}

fn constraint(target: &str, operator: &str, value: &str) -> String {
    format!("    constraint {{\n      attribute = \"{target}\"\n      operator = \"{operator}\"\n      value = \"{value}\"\n    }}\n")
}

fn plan(d: &TempDir) -> (Option<i32>, String, String) {
    out(&d.run(&["plan", "job.nomad"]))
}

fn placed(d: &TempDir) {
    let (code, out, err) = plan(d);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("- All tasks successfully allocated."), "{out}");
    assert!(!err.contains("cannot tell"), "{err}");
}

fn filtered(d: &TempDir) {
    let (code, out, err) = plan(d);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        out.contains("- WARNING: Failed to place all allocations."),
        "{out}"
    );
}

fn untold(d: &TempDir, read: &str) {
    let (code, out, err) = plan(d);
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(!out.contains("All tasks successfully allocated"), "{out}");
    assert!(err.contains(read), "{err}");
}

#[test]
fn cloud_landlock_and_hybrid_cpu_values_are_untold() {
    for (target, op, value) in [
        (
            "${attr.platform.aws.placement.availability-zone}",
            "!=",
            "us-east-1a",
        ),
        ("${attr.unique.platform.aws.instance-id}", "is_not_set", ""),
        ("${attr.platform.gce.zone}", "is_not_set", ""),
        ("${attr.platform.gce.tag.web}", "is_not_set", ""),
        ("${attr.platform.azure.location}", "!=", "westeurope"),
        ("${attr.platform.digitalocean.region}", "!=", "ams3"),
        ("${attr.kernel.landlock}", "is_not_set", ""),
        ("${attr.cpu.numcores.efficiency}", "is_not_set", ""),
        ("${attr.cpu.frequency.performance}", "!=", "4000"),
        ("${attr.numa.node0.cores}", "is_not_set", ""),
        ("${attr.plugins.cni.version.macvlan}", "is_not_set", ""),
    ] {
        let d = project("cvh-host", "1.10.5", "", &constraint(target, op, value));
        untold(
            &d,
            &format!("reads {target} (a constraint `{op}`; which a real client reports when its host has it), and client pool \"web\" does not state it"),
        );
    }
    let o = project(
        "cvh-check",
        "1.10.5",
        "",
        &constraint("${attr.kernel.landlock}", "is_not_set", ""),
    )
    .run(&["check", "job.nomad"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("NP225 [error]"));
    // Stated: the pool's clients run in us-east-1a.
    let stated = "  attributes = {\n    \"platform.aws.placement.availability-zone\" = \"us-east-1a\"\n  }\n";
    let ne = constraint(
        "${attr.platform.aws.placement.availability-zone}",
        "!=",
        "us-east-1a",
    );
    filtered(&project("cvh-aws-stated", "1.10.5", stated, &ne));
    // Releases before a fingerprint report nothing: a fact.
    let landlock = constraint("${attr.kernel.landlock}", "is_not_set", "");
    placed(&project("cvh-landlock-old", "1.4.14", "", &landlock));
    let azure = constraint("${attr.platform.azure.location}", "!=", "westeurope");
    placed(&project("cvh-azure-old", "0.12.12", "", &azure));
    // Before 1.7.0 the hybrid CPU's big cores were `power`.
    let power = constraint("${attr.cpu.numcores.power}", "is_not_set", "");
    untold(
        &project("cvh-power", "1.6.5", "", &power),
        "${attr.cpu.numcores.power}",
    );
    placed(&project("cvh-power-new", "1.7.0", "", &power));
}

#[test]
fn the_bridge_hairpin_mode_is_set_with_the_agents_value() {
    let hairpin = "${attr.nomad.bridge.hairpin_mode}";
    // The baseline had no such attribute: `= "false"` filtered every client.
    let eq = constraint(hairpin, "=", "false");
    untold(
        &project("cvh-hairpin-eq", "1.10.5", "", &eq),
        &format!("reads {hairpin} (a constraint `=`; a value the world makes up for its clients)"),
    );
    // Every client with the bridge reports it: set, as on the cluster.
    placed(&project(
        "cvh-hairpin-set",
        "1.10.5",
        "",
        &constraint(hairpin, "is_set", ""),
    ));
    let unset = constraint(hairpin, "is_not_set", "");
    filtered(&project("cvh-hairpin-unset", "1.10.5", "", &unset));
    // Without the bridge module, or before 1.5.0, no client reports it.
    let host_only = "  network_modes = [\"host\"]\n";
    placed(&project("cvh-hairpin-host", "1.10.5", host_only, &unset));
    placed(&project("cvh-hairpin-old", "1.4.14", "", &unset));
    // Stated true: the agent set `bridge_network_hairpin_mode`.
    let stated = "  attributes = {\n    \"nomad.bridge.hairpin_mode\" = \"true\"\n  }\n";
    filtered(&project("cvh-hairpin-stated", "1.10.5", stated, &eq));
}

#[test]
fn memory_bytes_lie_within_the_mib_the_pool_states() {
    let bytes = "${attr.memory.totalbytes}";
    // 8000 MiB: 8388608000 up to 8389656575.
    let why = "a real client reports its host's bytes, anywhere within the MiB the pool's `memory` rounds them down to";
    for (op, value) in [
        (">", "8388608000"),
        ("=", "8388608000"),
        ("<", "8389000000"),
    ] {
        let d = project("cvh-mem", "1.10.5", "", &constraint(bytes, op, value));
        untold(&d, &format!("reads {bytes} (a constraint `{op}`; {why})"));
    }
    // Answered the same anywhere in the window: told.
    for (op, value) in [(">=", "8388608000"), ("<", "8389656576"), ("!=", "1")] {
        placed(&project(
            "cvh-mem-told",
            "1.10.5",
            "",
            &constraint(bytes, op, value),
        ));
    }
    filtered(&project(
        "cvh-mem-over",
        "1.10.5",
        "",
        &constraint(bytes, ">", "8389656575"),
    ));
    // Stated exactly (the agent's `memory_total_mb`).
    let stated = "  attributes = {\n    \"memory.totalbytes\" = \"8388608000\"\n  }\n";
    filtered(&project(
        "cvh-mem-stated",
        "1.10.5",
        stated,
        &constraint(bytes, ">", "8388608000"),
    ));
    // Before 1.1.0 a client whose agent sets `cpu_total_compute` reports
    // no `cpu.totalcompute`.
    let tc = constraint("${attr.cpu.totalcompute}", ">=", "4000");
    untold(
        &project("cvh-tc-old", "1.0.18", "", &tc),
        "${attr.cpu.totalcompute}",
    );
    placed(&project("cvh-tc-new", "1.1.0", "", &tc));
}

/// The gate the red team opened: a staged job reading a cloud attribute a
/// hand-written pool does not state is refused as cannot tell.
#[test]
fn a_gate_refuses_a_staged_job_reading_a_cloud_value() {
    let d = project("cvh-gate", "1.10.5", "", "");
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs = [\"api\"]\n  namespaces = []\n}\n",
    );
    d.put("rules/namespaces/default.hcl", "name = \"default\"\n");
    std::fs::remove_file(d.0.join("job.nomad")).expect("remove");
    commit(&d);
    let ne = constraint(
        "${attr.platform.aws.placement.availability-zone}",
        "!=",
        "us-east-1a",
    );
    d.put("jobs/api.nomad", &job(&ne));
    crate::common::git(&d.0, &["add", "jobs/api.nomad"]);
    let (code, out, err) = out(&d.run(&["--no-cache", "plan", "--changed", "--staged", "--gate"]));
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(!out.contains("All tasks successfully allocated"), "{out}");
    assert!(
        format!("{out}{err}").contains("${attr.platform.aws.placement.availability-zone}"),
        "{out}{err}"
    );
}
