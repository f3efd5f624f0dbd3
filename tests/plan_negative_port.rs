//! A group network's `reserved_ports "x" { static = -1 }` (HCL2's block
//! form; jobspec2 re-sorts only `port` blocks, parse_job.go@v2.0.5:99-125)
//! passes `Job.Validate`, which refuses a static port only above 65535
//! (structs.go@v2.0.5:7303-7345). Placement then fails on every node:
//! `AssignPorts` refuses a port below 0 before it looks at the address
//! (network.go@v1.0.0:333, @v2.0.5:486-488), and the BinPackIterator
//! marks the node exhausted with `network: ` and that error (rank.go).
//! np11 placed it (redteam11 R11-10).
//!
//! A task's `resources { network { reserved_ports ... } }` (1.0+: the
//! block form is HCL2's) meets the same guard in `AssignTaskNetwork`
//! (`AssignNetwork` before 1.0; network.go@v1.0.0:424-427,
//! @v2.0.5:594-597), and rank.go marks the node exhausted the same way
//! (rank.go@v1.0.0:312-318, feasible/rank.go@v2.0.5). np12 placed it.
//! Beside a `port` block, jobspec2's normalizeNetworkPorts drops a
//! network's `reserved_ports` blocks (parse_job.go@v1.0.0:69-95,
//! @v2.0.5:99-125): nothing out of range is left, and Nomad places.

use crate::common;

use common::one_node;

fn plan(version: &str, port: i64) -> String {
    let group_network =
        format!("    network {{\n      reserved_ports \"x\" {{\n        static = {port}\n      }}\n    }}\n");
    plan_with(
        &format!("negative-port-{version}-{port}"),
        version,
        &group_network,
        "",
    )
}

/// `placing` with `group_lines` before its task and `task_lines` in its
/// resources.
fn plan_with(tag: &str, version: &str, group_lines: &str, task_lines: &str) -> String {
    let tmp = common::TempDir::new(tag);
    let out = one_node::plan(
        &tmp,
        &one_node::cluster(version, 4000, ""),
        "",
        &one_node::redis_job("old", "", 100, ""),
        &one_node::redis_job("placing", group_lines, 100, task_lines),
        &[],
    );
    format!("{}{}", out.stdout, out.stderr)
}

/// A task network with `reserved_ports "x" { static = port }`, and
/// `extra` lines after it.
fn task_plan(version: &str, port: i64, extra: &str) -> String {
    let task_network = format!(
        "        network {{\n          mbits = 10\n          reserved_ports \"x\" {{\n            static = {port}\n          }}\n{extra}        }}\n"
    );
    let tag = format!("negative-task-port-{version}-{port}-{}", extra.len());
    plan_with(&tag, version, "", &task_network)
}

#[test]
fn a_negative_static_port_fails_every_node() {
    for version in ["1.0.0", "1.6.0", "2.0.5"] {
        let text = plan(version, -1);
        assert!(
            text.contains("- WARNING: Failed to place all allocations."),
            "{version}: {text}"
        );
        assert!(
            text.contains(
                "* Dimension \"network: invalid port -1 (out of range)\" exhausted on 1 nodes"
            ),
            "{version}: {text}"
        );
    }
    // A guard: a valid static port places.
    let text = plan("2.0.5", 8080);
    assert!(
        text.contains("- All tasks successfully allocated."),
        "{text}"
    );
}

/// A task network's negative static port fails every node with the same
/// words, at each release with the block form. Fails on np12 (placed).
#[test]
fn a_task_networks_negative_static_port_fails_every_node() {
    for version in ["1.0.0", "1.6.0", "2.0.5"] {
        let text = task_plan(version, -1, "");
        assert!(
            text.contains("- WARNING: Failed to place all allocations."),
            "{version}: {text}"
        );
        assert!(
            text.contains(
                "* Dimension \"network: invalid port -1 (out of range)\" exhausted on 1 nodes"
            ),
            "{version}: {text}"
        );
    }
    // A guard (passes both ways): a valid static port places.
    let text = task_plan("2.0.5", 8080, "");
    assert!(
        text.contains("- All tasks successfully allocated."),
        "{text}"
    );
}

/// Beside a `port` block the `reserved_ports` blocks are dropped, so
/// nothing is out of range: the group network's case fails on np12 (it
/// said "invalid port -1"); the task network's is a guard np12 passes
/// (it placed every negative task port).
#[test]
fn a_port_block_drops_the_reserved_ports_blocks() {
    let port = "          port \"y\" {}\n";
    for version in ["1.0.0", "2.0.5"] {
        let text = task_plan(version, -1, port);
        assert!(
            text.contains("- All tasks successfully allocated."),
            "{version}: {text}"
        );
        let group = "    network {\n      port \"y\" {}\n      reserved_ports \"x\" {\n        static = -1\n      }\n    }\n";
        let text = plan_with(
            &format!("negative-port-dropped-{version}"),
            version,
            group,
            "",
        );
        assert!(
            text.contains("- All tasks successfully allocated."),
            "{version}: {text}"
        );
    }
}
