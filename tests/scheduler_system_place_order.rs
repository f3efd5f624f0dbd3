//! A system (or sysbatch) job places every new placement before any
//! destructive update's replacement, on every node, whatever the node's
//! group order: `evictAndPlace` appends the replacements to the place list
//! after the new placements and `computePlacements` places the list in
//! order (scheduler/util.go@v0.9.3:571 with system_sched.go@v0.9.3:244,262;
//! scheduler/system_util.go@v1.6.0:338-343 with scheduler_system.go
//! @v1.6.0:304,322 and @v1.10.5:309,331; scheduler_system.go@v2.0.5:346,
//! 365, 731). Where a node has room for only one of the two, the
//! replacement is the one that fails, and no group-order note applies.

use crate::common;
use common::{run_in, TempDir};

/// One client of 1024 MB running `agent` (group `a`, 600 MB). The new
/// version changes `a`'s image (a destructive update) and adds group `b`
/// (600 MB): once the old `a` stops there is room for one of them.
fn world(tag: &str, version: &str, kind: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!(
            r#"nomad_version = "{version}"
edition = "community"
region = "global"
client "c" {{
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 1024
  disk       = 20000
  drivers    = ["docker"]
}}
running = ["jobs/agent.nomad"]
"#
        ),
    );
    d.put("jobs/agent.nomad", &job(kind, &[("a", "redis:6")]));
    d.put(
        "new.nomad",
        &job(kind, &[("a", "redis:7"), ("b", "redis:7")]),
    );
    d
}

fn job(kind: &str, groups: &[(&str, &str)]) -> String {
    let groups: String = groups
        .iter()
        .map(|(name, image)| {
            format!(
                r#"  group "{name}" {{
    task "t" {{
      driver = "docker"
      config {{ image = "{image}" }}
      resources {{
        cpu    = 100
        memory = 600
      }}
    }}
  }}
"#
            )
        })
        .collect();
    format!("job \"agent\" {{\n  datacenters = [\"dc1\"]\n  type        = \"{kind}\"\n{groups}}}\n")
}

/// Nomad's failure text for `a`; the header is the system job's own
/// (command/job_plan.go@v1.6.0:437-440: sysbatch gets the generic one).
fn failed_a(kind: &str) -> String {
    let header = if kind == "system" {
        "Failed to place allocations on all nodes."
    } else {
        "Failed to place all allocations."
    };
    format!(
        "Scheduler dry-run:
- WARNING: {header}
  Task Group \"a\" (failed to place 1 allocation):
    * Resources exhausted on 1 nodes
    * Dimension \"memory\" exhausted on 1 nodes
"
    )
}

fn check(tag: &str, version: &str, kind: &str, a_line: &str, b_line: &str) {
    let d = world(tag, version, kind);
    let o = run_in(
        &d.0,
        &["plan", "--no-cache", "--world", "rules", "new.nomad"],
    );
    let all = format!("{version} {kind}:\n{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains(a_line), "{all}");
    assert!(o.stdout.contains(b_line), "{all}");
    assert!(o.stdout.contains(&failed_a(kind)), "{all}");
    assert!(
        !o.stderr.contains("groups are placed in the order"),
        "{all}"
    );
    assert_eq!(o.code, 1, "{all}");
}

/// Before 1.11 the annotation's counts are the diff's: `a` one destructive
/// update, `b` one create; `a`'s replacement fails.
#[test]
fn the_new_group_is_placed_before_the_replacement() {
    for v in ["0.9.3", "1.6.0", "1.10.5"] {
        check(
            &format!("sys-order-{v}"),
            v,
            "system",
            "+/- Task Group: \"a\" (1 create/destroy update)\n",
            "+   Task Group: \"b\" (1 create)\n",
        );
    }
}

/// From 1.11 `Place` is the candidate count less the failed selects
/// (scheduler_system.go@v2.0.5:507 `tgCandidateNodeCounts[tgName]--`):
/// `a`'s failed replacement takes its one candidate away, `b` keeps its.
#[test]
fn from_1_11_the_failed_replacement_loses_its_candidate() {
    check(
        "sys-order-2.0.5",
        "2.0.5",
        "system",
        "+/- Task Group: \"a\" (1 create/destroy update)\n",
        "+   Task Group: \"b\" (1 create)\n",
    );
}

/// The sysbatch scheduler is the same code (`NewSysBatchScheduler`).
#[test]
fn sysbatch_places_in_the_same_order() {
    check(
        "sysbatch-order-1.6.0",
        "1.6.0",
        "sysbatch",
        "+/- Task Group: \"a\" (1 create/destroy update)\n",
        "+   Task Group: \"b\" (1 create)\n",
    );
}
