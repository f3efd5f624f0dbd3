//! A system job edited so that one of its nodes no longer meets its
//! constraints (redteam9 R9-10): Nomad's update evicts the allocation on
//! that node and does not replace it. diffSystemAllocs puts every ready
//! node in the update set without a feasibility test, inplaceUpdate's
//! select on the node fails, so the update is destructive; evictAndPlace
//! stops the allocation and queues its placement, which computePlacements
//! filters, taking `desired.Place` (a `uint64` that never counted it) one
//! below zero before 1.11 (system_sched.go@v0.9.3, scheduler_system.go
//! @v1.7.2:288-304, :383-405, @v1.10.5:289-309, :390-417). From 1.11 the
//! group's `Place` is its candidate count (scheduler_system.go@v2.0.5:370).

use crate::common;
use common::{run_in, TempDir};

/// Two `web` clients and one `db` (by `meta.role`); the system job
/// `agent` runs on all three; `con.nomad` adds a `meta.role = web`
/// constraint, `svc.nomad` is a service job given the same constraint.
fn world(tag: &str, version: &str) -> TempDir {
    let d = TempDir::new(tag);
    let client = |name: &str, count: u32| {
        format!(
            r#"client "{name}" {{
  count      = {count}
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8192
  disk       = 20000
  drivers    = ["docker"]
  meta       = {{ "role" = "{name}" }}
}}
"#
        )
    };
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nedition = \"community\"\nregion = \"global\"\n{}{}running = [\"jobs/agent.nomad\", \"jobs/api.nomad\"]\n",
            client("web", 2),
            client("db", 1),
        ),
    );
    let job = |id: &str, kind: &str, constraint: &str| {
        format!(
            r#"job "{id}" {{
  datacenters = ["dc1"]
  type        = "{kind}"
{constraint}  group "web" {{
{count}    task "web" {{
      driver = "docker"
      config {{ image = "redis:7" }}
      resources {{
        cpu    = 100
        memory = 64
      }}
    }}
  }}
}}
"#,
            count = if kind == "service" {
                "    count = 2\n"
            } else {
                ""
            },
        )
    };
    let web = "  constraint {\n    attribute = \"${meta.role}\"\n    value     = \"web\"\n  }\n";
    d.put("jobs/agent.nomad", &job("agent", "system", ""));
    d.put("con.nomad", &job("agent", "system", web));
    d.put("jobs/api.nomad", &job("api", "service", ""));
    d.put("svc.nomad", &job("api", "service", web));
    d
}

fn plan(d: &TempDir, args: &[&str]) -> common::Out {
    let mut all = vec!["plan", "--no-cache", "--world", "rules"];
    all.extend_from_slice(args);
    run_in(&d.0, &all)
}

/// The plan up to the check-index part.
fn dry(o: &common::Out) -> &str {
    o.stdout
        .split("Job Modify Index")
        .next()
        .unwrap_or_default()
}

fn text(updates: &str, outcome: &str) -> String {
    format!(
        "+/- Job: \"agent\"
+ Constraint {{
  + LTarget: \"${{meta.role}}\"
  + Operand: \"=\"
  + RTarget: \"web\"
  }}
  Task Group: \"web\" ({updates})
    Task: \"web\"

Scheduler dry-run:
{outcome}
"
    )
}

const WRAPPED: &str = "18446744073709551615 create, 1 create/destroy update, 2 in-place update";

const FILTERED_1_7: &str = "- WARNING: Failed to place allocations on all nodes.
  Task Group \"web\" (failed to place 1 allocation):
    * Constraint \"computed class ineligible\": 1 nodes excluded by filter
";

/// Before 1.11 the count wraps; the plan exits 0, as Nomad's getExitCode
/// sums the `uint64` counts (2^64-1 + 1 = 0). Before 1.2 filtered nodes
/// are no failure; 1.2-1.10.1 report the group (every placement it tried
/// was filtered); from 1.10.2 not, as allocations of the group are
/// updated in place. The db node's allocation is stopped either way.
#[test]
fn the_allocation_on_a_node_the_constraint_excludes_is_stopped_not_replaced() {
    for (v, outcome) in [
        ("0.9.3", "- All tasks successfully allocated.\n"),
        ("1.7.2", FILTERED_1_7),
        ("1.10.5", "- All tasks successfully allocated.\n"),
    ] {
        let d = world("r9-10-evict", v);
        let o = plan(&d, &["con.nomad"]);
        assert_eq!(dry(&o), text(WRAPPED, outcome), "{v}: {}", o.stderr);
        assert_eq!(o.code, 0, "{v}");
        let j = plan(&d, &["--format", "json", "con.nomad"]);
        let v_: serde_json::Value = serde_json::from_str(&j.stdout).expect("json");
        let stops = v_["Preflight"]["Stops"].as_array().map_or(0, Vec::len);
        assert_eq!(stops, 1, "{v}: {}", j.stdout);
    }
}

/// From 1.11 `Place` is the candidate count (2 updated in place + 1
/// replaced − 1 filtered): no wrap, and the stop stays in the plan.
#[test]
fn from_1_11_the_count_is_the_candidates_and_the_stop_stays() {
    let d = world("r9-10-evict-111", "2.0.5");
    let o = plan(&d, &["con.nomad"]);
    assert_eq!(
        dry(&o),
        text(
            "2 create, 1 create/destroy update, 2 in-place update",
            "- All tasks successfully allocated.\n"
        ),
        "{}",
        o.stderr
    );
    let j = plan(&d, &["--format", "json", "con.nomad"]);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).expect("json");
    let stops = v["Preflight"]["Stops"].as_array().map_or(0, Vec::len);
    assert_eq!(stops, 1, "{}", j.stdout);
}

/// Guard (right before this stop too): a service job given the same
/// constraint replaces its allocations on the db node elsewhere.
#[test]
fn guard_a_service_job_with_a_new_constraint_is_unchanged() {
    let d = world("r9-10-svc", "1.7.2");
    let o = plan(&d, &["svc.nomad"]);
    assert!(!dry(&o).contains("18446744073709551615"), "{}", o.stdout);
    assert!(
        dry(&o).contains("- All tasks successfully allocated."),
        "{}",
        o.stdout
    );
}
