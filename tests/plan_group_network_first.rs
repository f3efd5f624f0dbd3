//! The BinPackIterator (scheduler/rank.go 0.10-1.11, 2.0: scheduler/
//! feasible/rank.go) assigns a group's `network` (`AssignPorts` from
//! 0.12, `AssignNetwork` before) before any task's `resources { network }`
//! (`AssignTaskNetwork`), and reserves the group's ports
//! (`AddReservedPorts`) before the tasks ask. So when both asks meet ports
//! the node's allocations hold, the metric names the group's port; we
//! offered the tasks' networks first from 0.12 and named the task's.
//!
//! The world: one node (10.1.0.2) whose allocation of `old` holds 8080 and
//! 9090 there; the job planned asks group port http = 8080 and task port
//! t = 9090.

use crate::common;

use common::one_node;

/// The plan's text; the old allocation holds `held` (HCL map of ports).
fn plan(version: &str, group_port: u16, group_alias: &str, held: &str) -> String {
    let tmp = common::TempDir::new(&format!(
        "group-network-first-{version}-{group_port}-{group_alias}-{}",
        held.len()
    ));
    // `lan`: a host network on the node's own address (a block with
    // neither cidr nor interface matches the default-route interface).
    let lan = if group_alias.is_empty() {
        ""
    } else {
        "  host_network \"lan\" {\n  }\n"
    };
    let allocations = r#"allocation "a0000001-0000-4000-8000-000000000000" {
  job    = "old"
  index  = 0
  node   = "node-1"
  cpu    = 100
  memory = 64
  network {
    ip             = "10.1.0.2"
    reserved_ports = HELD
  }
}
"#
    .replace("HELD", held);
    let host_network = if group_alias.is_empty() {
        String::new()
    } else {
        format!("\n        host_network = \"{group_alias}\"")
    };
    let group_network = format!(
        "    network {{\n      port \"http\" {{\n        static = {group_port}{host_network}\n      }}\n    }}\n"
    );
    let task_network = "        network {\n          mbits = 10\n          port \"t\" {\n            static = 9090\n          }\n        }\n";
    one_node::plan(
        &tmp,
        &one_node::cluster(version, 4000, lan),
        &allocations,
        &one_node::redis_job("old", "", 100, ""),
        &one_node::redis_job("placing", &group_network, 100, task_network),
        &[],
    )
    .stdout
}

/// The old allocation holds both asked ports.
const BOTH: &str = "{ a = 8080, b = 9090 }";

fn dimension(metric: &str) -> String {
    format!("    * Dimension \"{metric}\" exhausted on 1 nodes\n")
}

#[test]
fn the_group_network_is_assigned_before_the_tasks() {
    for version in ["0.12.0", "1.0.0", "1.6.0", "2.0.5"] {
        let text = plan(version, 8080, "", BOTH);
        let want = dimension("network: reserved port collision http=8080");
        assert!(text.contains(&want), "{version}: {text}");
    }
    // Before 0.12 the group's network is offered as a task's, first too.
    let text = plan("0.11.8", 8080, "", BOTH);
    assert!(
        text.contains(&dimension("network: reserved port collision")),
        "{text}"
    );
}

/// A group port on a free port leaves the task's collision to say so.
#[test]
fn a_free_group_port_leaves_the_tasks_collision() {
    let text = plan("1.6.0", 7070, "", BOTH);
    let want = dimension("network: reserved port collision t=9090");
    assert!(text.contains(&want), "{text}");
}

/// The group's ports are reserved before the task asks: a group port on a
/// host network at the node's own address (`lan` beside `default`, 1.6.2+)
/// takes 9090 from the task, which validation lets through (its static
/// ports are keyed by host network). The task is refused, with its label.
#[test]
fn the_groups_ports_are_reserved_before_the_task_asks() {
    let text = plan("2.0.5", 9090, "lan", "{ a = 8080 }");
    let want = dimension("network: reserved port collision t=9090");
    assert!(text.contains(&want), "{text}");
}
