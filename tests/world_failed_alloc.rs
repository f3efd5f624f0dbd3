//! A hand-written world's failed allocation not replaced yet (stop 60
//! Left 4). Nomad's generic reconciler decides it by when it failed and
//! by its reschedule tracker (`filterByRescheduleable` /
//! `updateByReschedulable`, scheduler/reconciler/filters.go
//! v2.0.5:395-445, 526-570; `Allocation.NextRescheduleTime`,
//! nomad/structs/alloc.go v2.0.5:503-536): due within 1s it is replaced
//! now (`1 create, 1 destroy`), eligible later it stays in the count (and
//! from 1.11.0 is counted `RescheduleLater`), spent it stays. A group
//! that does not reschedule (`attempts = 0`, not `unlimited`:
//! `NextRescheduleTime` returns not eligible) keeps it whatever the time.
//! rules/allocations.hcl holds neither time nor tracker: we printed
//! "2 ignore" and "All tasks successfully allocated" (exit 0) for a group
//! that reschedules, where Nomad may replace it.
//!
//! The world: one node running `old` (count 2): `old.web[0]` running,
//! `old.web[1]` failed; `old`'s own file planned again.

use crate::common;

use common::one_node;

const FAILED: &str = r#"allocation "a0000001-0000-4000-8000-000000000000" {
  job    = "old"
  index  = 0
  node   = "node-1"
  status = "running"
  cpu    = 100
  memory = 64
}
allocation "a0000002-0000-4000-8000-000000000000" {
  job    = "old"
  index  = 1
  node   = "node-1"
  status = "failed"
  cpu    = 100
  memory = 64
}
"#;

fn plan(tag: &str, version: &str, reschedule: &str) -> common::Out {
    let tmp = common::TempDir::new(&format!("world-failed-{tag}"));
    let group = format!("    count = 2\n{reschedule}");
    let job = one_node::redis_job("old", &group, 100, "");
    one_node::plan(
        &tmp,
        &one_node::cluster(version, 1000, ""),
        FAILED,
        &job,
        &job,
        &[],
    )
}

/// A group that reschedules (the service default: unlimited, 30s
/// exponential): cannot tell, in one line, exit 255, at any release.
#[test]
fn a_failed_allocation_of_a_group_that_reschedules_cannot_tell() {
    for version in ["0.12.12", "1.10.5", "2.0.5"] {
        let o = plan(&format!("resched-{version}"), version, "");
        assert_eq!(o.code, 255, "{version}: {}{}", o.stdout, o.stderr);
        assert!(
            !o.stdout.contains("All tasks successfully allocated"),
            "{version}: {}",
            o.stdout
        );
        let lines: Vec<&str> = o
            .stderr
            .lines()
            .filter(|l| l.starts_with("error: job \"old\" has an allocation in a state"))
            .collect();
        assert_eq!(lines.len(), 1, "{version}: {}", o.stderr);
        assert!(
            lines[0].contains("allocation a0000002-0000-4000-8000-000000000000 is failed and not replaced yet, in a group that reschedules"),
            "{}",
            lines[0]
        );
        assert!(o.stderr.contains("world::alloc-state"), "{}", o.stderr);
    }
}

/// A group that never reschedules keeps it in the count: simulated.
#[test]
fn a_failed_allocation_of_a_group_that_never_reschedules_is_kept() {
    let never = "    reschedule {\n      attempts  = 0\n      unlimited = false\n    }\n";
    let o = plan("never", "2.0.5", never);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("Task Group: \"web\" (2 ignore)"),
        "{}",
        o.stdout
    );
    assert!(!o.stderr.contains("world::alloc-state"), "{}", o.stderr);
}
