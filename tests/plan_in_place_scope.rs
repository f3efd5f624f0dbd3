//! An allocation whose node the edited job no longer covers is not updated
//! in place: the reconciler's update function (`genericAllocUpdateFn`,
//! scheduler/util.go) makes it destructive, so it is replaced within the
//! group's `max_parallel` and placed in the new datacenters or pool (or
//! fails to be):
//! - out of the job's datacenters: util.go v1.0.9:977 and v1.1.3:993
//!   (`SliceStringContains(newJob.Datacenters, node.Datacenter)`), absent
//!   at v1.0.8 and v1.1.2, `slices.Contains` at v1.5.0:805, `IsInAnyDC`
//!   (globs) from v1.5.1 and at v2.0.5:838;
//! - out of its node pool: v1.6.0:890, v2.0.5:841 (`IsInPool`).
//!
//! We kept such allocations "in place" on nodes the job no longer names:
//! "All tasks successfully allocated.", exit 0, where Nomad moves them.
//!
//! The world: clients `a` (2, dc1, pool default) and `b` (2, dc2, pool
//! `batch`); `old.nomad` runs 2 allocations of "web" (max_parallel 1, the
//! default) on the `a` clients.

use crate::common;

use common::edit_plan::{self, code_and_text};

const CLUSTER: &str = r#"region = "global"

client "a" {
  count      = 2
  datacenter = "dc1"
  cpu        = 8000
  memory     = 16000
  disk       = 50000
  drivers    = ["docker"]
}

client "b" {
  count      = 2
  datacenter = "dc2"
  node_pool  = "batch"
  cpu        = 8000
  memory     = 16000
  disk       = 50000
  drivers    = ["docker"]
}
"#;

/// "web" with `head` as its first lines, its task killed after `kill`
/// seconds (an edit Nomad makes in place).
fn job(head: &str, kill: &str) -> String {
    edit_plan::web(
        &format!("{head}\n"),
        "    count = 2\n",
        &format!("      kill_timeout = \"{kill}s\"\n"),
    )
}

/// `plan --running old.nomad new.nomad` at `version`: the exit code and
/// the output up to the check-index paragraph.
fn plan(tag: &str, version: &str, old: &str, new: &str) -> (i32, String) {
    code_and_text(&edit_plan::plan(
        &format!("in-place-scope-{tag}-{version}"),
        CLUSTER,
        version,
        old,
        new,
    ))
}

const DC1: &str = r#"  datacenters = ["dc1"]"#;
const DC3: &str = r#"  datacenters = ["dc3"]"#;

/// Nomad 1.0.8 and 1.1.2 kept the allocations where they were (no
/// datacenter check in genericAllocUpdateFn); 1.0.9, 1.1.3 and every later
/// release replace them, one at a time (max_parallel 1: the other is
/// ignored), and dc3 has no node. Up to 1.4 the metric names the empty
/// datacenter (`readyNodesInDCs` starts every job datacenter at 0,
/// util.go v1.0.9:238); from 1.5 only datacenters with nodes are listed.
#[test]
fn moving_out_of_the_datacenters_is_destructive_from_1_0_9_and_1_1_3() {
    let diff = "+/- Job: \"web\"\n+/- Datacenters {\n  + Datacenters: \"dc3\"\n  - Datacenters: \"dc1\"\n    }\n";
    let kept = format!(
        "{diff}    Task Group: \"g\" (2 in-place update)\n      Task: \"t\"\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n"
    );
    let moved = |empty_dc: bool| {
        format!(
            "{diff}    Task Group: \"g\" (1 create/destroy update, 1 ignore)\n      Task: \"t\"\n\nScheduler dry-run:\n- WARNING: Failed to place all allocations.\n  Task Group \"g\" (failed to place 1 allocation):\n    * No nodes were eligible for evaluation\n{}\n",
            if empty_dc {
                "    * No nodes are available in datacenter \"dc3\"\n"
            } else {
                ""
            }
        )
    };
    for (version, want) in [
        ("1.0.8", (0, kept.clone())),
        ("1.0.9", (1, moved(true))),
        ("1.1.2", (0, kept.clone())),
        ("1.1.3", (1, moved(true))),
        ("1.4.0", (1, moved(true))),
        ("1.6.0", (1, moved(false))),
        ("2.0.5", (1, moved(false))),
    ] {
        let got = plan("dc", version, &job(DC1, "1"), &job(DC3, "1"));
        assert_eq!(got, want, "{version}");
    }
}

/// From 1.6 a node outside the job's new pool loses its allocations to
/// the pool's nodes (`IsInPool`): one moved now to a `batch` client.
#[test]
fn moving_to_another_node_pool_is_destructive_from_1_6() {
    let all = r#"  datacenters = ["*"]"#;
    let batch = "  datacenters = [\"*\"]\n  node_pool = \"batch\"";
    let want = "+/- Job: \"web\"\n+/- NodePool: \"default\" => \"batch\"\n    Task Group: \"g\" (1 create/destroy update, 1 ignore)\n      Task: \"t\"\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n";
    // A community world: an unstated edition leaves the `batch` pool's
    // own scheduler settings open (Enterprise's; fix28b, one rule with
    // admission's), and this test is about the in-place scope.
    let cluster = format!("edition = \"community\"\n{CLUSTER}");
    for version in ["1.6.0", "2.0.5"] {
        let got = code_and_text(&edit_plan::plan(
            &format!("in-place-scope-pool-{version}"),
            &cluster,
            version,
            &job(all, "1"),
            &job(batch, "1"),
        ));
        assert_eq!(got, (1, want.to_string()), "{version}");
    }
}

/// Nomad 1.5.0 matched the allocation's datacenter against the job's
/// literally (`slices.Contains`), so a job whose datacenters are a glob
/// (here `*`) replaces every allocation on any edit, even one Nomad
/// otherwise updates in place (the task's kill_timeout); 1.5.1 matches globs
/// (`IsInAnyDC`, #16362, "allocs of system jobs with wildcard datacenters
/// would be destructively updated").
#[test]
fn a_glob_datacenter_replaced_every_allocation_at_1_5_0_only() {
    let all = r#"  datacenters = ["*"]"#;
    let head = "+/- Job: \"web\"\n+/- Task Group: \"g\" (";
    let rest = ")\n  +/- Task: \"t\" (forces in-place update)\n    +/- KillTimeout: \"1000000000\" => \"2000000000\"\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n";
    for (version, want) in [
        ("1.4.14", None),
        ("1.5.0", Some("1 create/destroy update, 1 ignore")),
        ("1.5.1", Some("2 in-place update")),
        ("2.0.5", Some("2 in-place update")),
    ] {
        let (code, text) = plan("glob", version, &job(all, "1"), &job(all, "2"));
        match want {
            // Before 1.5 "*" is a datacenter's name: no client runs the job.
            None => assert!(
                text.contains("No nodes were eligible for evaluation"),
                "{version}: {text}"
            ),
            Some(counts) => {
                let exit = i32::from(counts.contains("create/destroy"));
                // 1.5.0-1.5.6 send an omitted priority as 0, so the
                // servers' default decides it (tests/plan_server_job_settings.rs).
                let note = if version.starts_with("1.5.") {
                    format!("note: planned as if the servers set no job_default_priority: Nomad {version} gives a job submitted without a priority their default (50 unless set), which decides what it may preempt (state it in a `server` block of rules/cluster.hcl)\n")
                } else {
                    String::new()
                };
                assert_eq!(
                    (code, text),
                    (exit, format!("{head}{counts}{rest}{note}")),
                    "{version}"
                );
            }
        }
    }
}
