//! Scheduler behaviour that changed between releases, each gated as Nomad
//! gates it (redteam5 R4, R18, R19, R6, R9; issue 13).

use crate::common;
use common::{flat, run_in, TempDir};

fn job(name: &str, extra: &str, priority: i64, memory: i64, count: i64) -> String {
    format!(
        r#"job "{name}" {{
  datacenters = ["dc1"]
  priority    = {priority}
{extra}
  group "g" {{
    count = {count}
    task "t" {{
      driver = "docker"
      config {{ image = "x:1" }}
      resources {{
        cpu    = 100
        memory = {memory}
      }}
    }}
  }}
}}
"#
    )
}

/// One 4000 MB client full of a priority-20 job, scheduler preemption on
/// for service jobs; `svc.nomad` (priority 60) needs room.
fn preemption_world(tag: &str, version: &str, edition: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!(
            r#"nomad_version = "{version}"
{edition}
region = "global"
scheduler {{
  preemption {{
    service = true
  }}
}}
client "c" {{
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 4000
  disk       = 50000
  drivers    = ["docker"]
}}
running = ["jobs/low.nomad"]
"#
        ),
    );
    d.put("jobs/low.nomad", &job("low", "", 20, 3500, 1));
    d.put("svc.nomad", &job("svc", "", 60, 1100, 1));
    d
}

const MEMORY_EXHAUSTED: &str = "- WARNING: Failed to place all allocations.
  Task Group \"g\" (failed to place 1 allocation):
    * Resources exhausted on 1 nodes
    * Dimension \"memory\" exhausted on 1 nodes
";

/// R4: before 0.12.0 the community build never preempts for service
/// jobs (scheduler/generic_sched_oss.go@v0.11.8); Enterprise and 0.12+ do;
/// an unstated edition is "cannot tell" once the plan preempts.
#[test]
fn service_preemption_before_0_12_needs_enterprise() {
    let plan = ["plan", "--no-cache", "--world", "rules", "svc.nomad"];
    let d = preemption_world("ver5-pre-ce", "0.11.8", "edition = \"community\"");
    let o = run_in(&d.0, &plan);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains(MEMORY_EXHAUSTED), "{}", o.stdout);
    assert!(!o.stdout.contains("Preemptions"), "{}", o.stdout);

    let d = preemption_world("ver5-pre-unk", "0.11.8", "");
    let o = run_in(&d.0, &plan);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        flat(&o.stderr).contains("cannot tell whether Nomad 0.11.8's servers place job \"svc\": the plan preempts 1 allocation(s), and before 0.12.0 only Nomad Enterprise preempts for service jobs (the community edition ignores the scheduler configuration's preemption setting); the world does not say which edition the servers run"),
        "{}",
        o.stderr
    );
    assert!(!o.stdout.contains("All tasks successfully allocated"));

    for (v, edition) in [
        ("0.11.8", "edition = \"enterprise\""),
        ("0.12.0", "edition = \"community\""),
    ] {
        let d = preemption_world("ver5-pre-ok", v, edition);
        let o = run_in(&d.0, &plan);
        assert_eq!(o.code, 1, "{v}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stdout.contains("- All tasks successfully allocated."),
            "{v}: {}",
            o.stdout
        );
        assert!(o.stdout.contains("Preemptions:"), "{v}: {}", o.stdout);
    }
}

/// Two clients; `team/web` (a group-level distinct_hosts job) runs one
/// allocation on each; `web.nomad` is job "web" in namespace default with
/// a job-level distinct_hosts constraint.
fn namespace_world(version: &str) -> TempDir {
    let d = TempDir::new("ver5-dh-ns");
    d.put(
        "rules/cluster.hcl",
        &format!(
            r#"nomad_version = "{version}"
edition = "community"
region = "global"
client "c" {{
  count      = 2
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8000
  disk       = 50000
  drivers    = ["docker"]
}}
running = ["jobs/team-web.nomad"]
"#
        ),
    );
    d.put("rules/namespaces/team.hcl", "name = \"team\"\n");
    let distinct =
        "  constraint {\n    operator = \"distinct_hosts\"\n    value    = \"true\"\n  }\n";
    d.put(
        "jobs/team-web.nomad",
        &job(
            "web",
            &format!("  namespace = \"team\"\n{distinct}"),
            50,
            100,
            2,
        ),
    );
    d.put("web.nomad", &job("web", distinct, 50, 100, 1));
    d
}

/// R18: before #19004 (v1.7.0, v1.6.4, v1.5.11) distinct_hosts collides
/// with the same job ID in any namespace (scheduler/feasible.go:629@v1.6.0).
#[test]
fn distinct_hosts_counts_other_namespaces_before_19004() {
    let plan = ["plan", "--no-cache", "--world", "rules", "web.nomad"];
    for v in ["1.4.14", "1.5.10", "1.6.3"] {
        let o = run_in(&namespace_world(v).0, &plan);
        assert_eq!(o.code, 1, "{v}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stdout.contains(
                "- WARNING: Failed to place all allocations.
  Task Group \"g\" (failed to place 1 allocation):
    * Constraint \"distinct_hosts\": 2 nodes excluded by filter
"
            ),
            "{v}: {}",
            o.stdout
        );
    }
    for v in ["1.5.11", "1.6.4", "1.7.0", "2.0.5"] {
        let o = run_in(&namespace_world(v).0, &plan);
        assert!(
            o.stdout.contains("- All tasks successfully allocated."),
            "{v}: {}{}",
            o.stdout,
            o.stderr
        );
    }
}

/// Two clients; `big` runs one allocation; `small.nomad` follows.
fn algorithm_world(version: &str, algorithm: &str) -> TempDir {
    let d = TempDir::new("ver5-alg");
    d.put(
        "rules/cluster.hcl",
        &format!(
            r#"nomad_version = "{version}"
region = "global"
scheduler {{
  algorithm = "{algorithm}"
}}
client "c" {{
  count      = 2
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8000
  disk       = 50000
  drivers    = ["docker"]
}}
running = ["jobs/big.nomad"]
"#
        ),
    );
    d.put("jobs/big.nomad", &job("big", "", 50, 6000, 1));
    d.put("small.nomad", &job("small", "", 50, 500, 1));
    d
}

/// R6: `algorithm = "spread"` exists from 0.11.2; before, Nomad bin-packs
/// (scheduler/rank.go:433@v0.10.0), and the world says so on stderr.
#[test]
fn spread_algorithm_needs_0_11_2() {
    let plan = [
        "plan",
        "--no-cache",
        "--world",
        "rules",
        "small.nomad",
        "--format",
        "json",
    ];
    let placements = |v: &str, a: &str| {
        let o = run_in(&algorithm_world(v, a).0, &plan);
        let json: serde_json::Value = serde_json::from_str(&o.stdout).expect("json plan");
        (json["Preflight"]["Placements"].clone(), o.stderr)
    };
    let (binpack, quiet) = placements("0.10.0", "binpack");
    assert!(
        binpack.as_array().is_some_and(|a| a.len() == 1),
        "{binpack}"
    );
    assert!(!quiet.contains("0.11.2"), "{quiet}");
    let (spread, warned) = placements("0.10.0", "spread");
    assert_eq!(spread, binpack);
    assert!(
        flat(&warned).contains("scheduler algorithm \"spread\" is a Nomad 0.11.2+ setting; Nomad 0.10.0 only bin-packs, so the plan bin-packs"),
        "{warned}"
    );
    let (binpack, _) = placements("0.11.2", "binpack");
    let (spread, _) = placements("0.11.2", "spread");
    assert_ne!(spread, binpack);
}

/// Two clients running the "ebs" CSI plugin; volume "shared" registered in
/// namespace "team"; `sysv.nomad` a system job of that namespace mounting it.
fn csi_system_world(version: &str) -> TempDir {
    let d = TempDir::new("ver5-csi-sys");
    d.put(
        "rules/cluster.hcl",
        &format!(
            r#"nomad_version = "{version}"
edition = "community"
region = "global"
client "c" {{
  count      = 2
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8000
  disk       = 50000
  drivers    = ["docker"]
  csi_plugin "ebs" {{
    type        = "monolith"
    max_volumes = 0
  }}
}}
running = []
"#
        ),
    );
    d.put("rules/namespaces/team.hcl", "name = \"team\"\n");
    d.put(
        "rules/csi_volumes.hcl",
        r#"csi_volume "shared" {
  namespace = "team"
  plugin_id = "ebs"
  capability {
    access_mode     = "multi-node-multi-writer"
    attachment_mode = "file-system"
  }
}
"#,
    );
    d.put(
        "sysv.nomad",
        r#"job "sysv" {
  namespace   = "team"
  datacenters = ["dc1"]
  type        = "system"
  group "g" {
    volume "d" {
      type            = "csi"
      source          = "shared"
      access_mode     = "multi-node-multi-writer"
      attachment_mode = "file-system"
    }
    task "t" {
      driver = "docker"
      config { image = "x" }
      resources {
        cpu    = 100
        memory = 100
      }
    }
  }
}
"#,
    );
    d
}

/// R19: before #15372 (v1.5.0, v1.4.5, v1.3.10) the system stack's CSI
/// checker has no namespace (scheduler/stack.go@v1.4.0): the volume is
/// looked up in namespace "" and every node is filtered.
#[test]
fn system_csi_volume_lookup_before_15372() {
    let plan = ["plan", "--no-cache", "--world", "rules", "sysv.nomad"];
    for v in ["1.3.9", "1.4.4"] {
        let o = run_in(&csi_system_world(v).0, &plan);
        // Nothing placed: Nomad's getExitCode says 0.
        assert_eq!(o.code, 0, "{v}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stdout.contains(
                "- WARNING: Failed to place allocations on all nodes.
  Task Group \"g\" (failed to place 1 allocation):
    * Constraint \"missing CSI Volume shared\": 2 nodes excluded by filter
"
            ),
            "{v}: {}",
            o.stdout
        );
    }
    for v in ["1.3.10", "1.4.5", "1.5.0"] {
        let o = run_in(&csi_system_world(v).0, &plan);
        assert!(
            o.stdout.contains("+ Task Group: \"g\" (2 create)")
                && o.stdout.contains("- All tasks successfully allocated."),
            "{v}: {}{}",
            o.stdout,
            o.stderr
        );
    }
}
