//! A group network's `reserved_ports "x" { static = -1 }` (HCL2's block
//! form; jobspec2 re-sorts only `port` blocks, parse_job.go@v2.0.5:99-125)
//! passes `Job.Validate`, which refuses a static port only above 65535
//! (structs.go@v2.0.5:7303-7345). Placement then fails on every node:
//! `AssignPorts` refuses a port below 0 before it looks at the address
//! (network.go@v1.0.0:333, @v2.0.5:486-488), and the BinPackIterator
//! marks the node exhausted with `network: ` and that error (rank.go).
//! np11 placed it (redteam11 R11-10).

use crate::common;

use common::one_node;

fn plan(version: &str, port: i64) -> String {
    let tmp = common::TempDir::new(&format!("negative-port-{version}-{port}"));
    let group_network =
        format!("    network {{\n      reserved_ports \"x\" {{\n        static = {port}\n      }}\n    }}\n");
    let out = one_node::plan(
        &tmp,
        &one_node::cluster(version, 4000, ""),
        "",
        &one_node::redis_job("old", "", 100, ""),
        &one_node::redis_job("placing", &group_network, 100, ""),
        &[],
    );
    format!("{}{}", out.stdout, out.stderr)
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
