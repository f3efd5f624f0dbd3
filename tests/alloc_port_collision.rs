//! A node whose running allocations already hold one port twice on one
//! address. The BinPackIterator (scheduler/rank.go; 2.0:
//! scheduler/feasible/rank.go) indexes the node's proposed allocations
//! (`NetworkIndex.AddAllocs`, nomad/structs/network.go, keyed per IP) and,
//! in 1.0.16–1.0.18, 1.1.10+ and 1.2.4+ (every release from 1.3.0 to
//! 2.0.5), skips the node on a collision with the dimension
//! `network: port collision`; before, it placed on it. We placed on it in
//! every release: a plan reported placed where Nomad fails it.
//!
//! The world: two pinned allocations of `old` on node-1 (10.1.0.2) each
//! holding group port 8080, as a real cluster's import can show; the job
//! planned must run on node-1 and asks no port.

use crate::common;

use common::one_node;

const PLACED: &str = "- All tasks successfully allocated.";

const SKIPPED: &str = "- WARNING: Failed to place all allocations.
  Task Group \"web\" (failed to place 1 allocation):
    * Resources exhausted on 1 nodes
    * Dimension \"network: port collision\" exhausted on 1 nodes
";

/// The world at `version`, the second holder of 8080 on `second_ip`
/// (`extra`: more of its network block).
fn plan(version: &str, second_ip: &str) -> (i32, String) {
    plan_with(version, second_ip, "")
}

/// Both holders on other addresses than the node's.
fn plan_away(version: &str, extra: &str) -> (i32, String) {
    plan_with(version, "10.9.9.9", &format!("{extra}#away\n"))
}

/// The first holder's address: the node's, unless `#away`.
fn first_ip(extra: &str) -> &'static str {
    if extra.contains("#away") {
        "10.9.9.8"
    } else {
        "10.1.0.2"
    }
}

fn plan_with(version: &str, second_ip: &str, extra: &str) -> (i32, String) {
    let tag = format!("{version}-{second_ip}-{}", extra.len());
    let tmp = common::TempDir::new(&format!("alloc-port-collision-{tag}"));
    let alloc = |n: u32, ip: &str, extra: &str| {
        format!(
            r#"allocation "a000000{n}-0000-4000-8000-000000000000" {{
  job   = "old"
  index = {i}
  node  = "node-1"
  cpu    = 100
  memory = 64
  network {{
    ip             = "{ip}"
    reserved_ports = {{ http = 8080 }}
    group          = true
{extra}  }}
}}
"#,
            i = n - 1
        )
    };
    let allocations = format!(
        "{}{}",
        alloc(1, first_ip(extra), ""),
        alloc(2, second_ip, extra)
    );
    // `#static`: the placed group asks static port 8080 itself.
    let network = if extra.contains("#static") {
        "    network {\n      port \"http\" { static = 8080 }\n    }\n"
    } else {
        ""
    };
    // The notes on Go's map order are in the JSON form (`Preflight`).
    let json: &[&str] = if extra.contains("#json") {
        &["--format", "json"]
    } else {
        &[]
    };
    let out = one_node::plan(
        &tmp,
        &one_node::cluster(version, 4000, ""),
        &allocations,
        &one_node::redis_job("old", "    count = 2\n", 100, ""),
        &one_node::redis_job("placing", network, 100, ""),
        json,
    );
    (out.code, out.stdout)
}

#[test]
fn a_node_whose_allocations_collide_is_skipped_per_release() {
    for (version, skipped) in [
        ("0.12.12", false),
        ("1.0.15", false),
        ("1.0.16", true),
        ("1.1.9", false),
        ("1.1.10", true),
        ("1.2.3", false),
        ("1.2.4", true),
        ("1.3.0", true),
        ("1.8.4", true),
        ("2.0.5", true),
    ] {
        let (code, text) = plan(version, "10.1.0.2");
        if skipped {
            assert!(text.contains(SKIPPED), "{version}: {text}");
            assert_ne!(code, 0, "{version}: {text}");
        } else {
            assert!(text.contains(PLACED), "{version}: {text}");
        }
    }
}

/// The index keeps one bitmap per IP: the same port on two addresses of
/// the node is no collision. A network without an IP is read at the
/// node's first address.
#[test]
fn the_same_port_on_another_address_is_no_collision() {
    let (_, text) = plan("1.6.0", "10.9.9.9");
    assert!(text.contains(PLACED), "{text}");
    let (_, text) = plan("1.6.0", "");
    assert!(text.contains(SKIPPED), "{text}");
}

/// A mapping on another host network (`Shared.Ports[].HostIP`, written as
/// `port_ips`) is keyed there. From 1.9.0 a mapping with
/// `ignore_collision` on a held port does not collide, but the allocation
/// holding the port without it does when indexed second: Go's map order
/// decides, and the plan says so with the odds. The map holds the two
/// allocations in slots 0 (a0000001, strict) and 1 (a0000002, ignoring)
/// of 8 and its walk starts at a random slot: a0000002 comes first only
/// from slot 1, 1 in 8.
#[test]
fn a_mapping_elsewhere_or_ignoring_collisions_is_no_collision() {
    let elsewhere = "    port_ips = { http = \"10.9.9.9\" }\n";
    let (_, text) = plan_with("1.6.0", "10.1.0.2", elsewhere);
    assert!(text.contains(PLACED), "{text}");
    let ignoring = "    ignore_collision = [\"http\"]\n";
    let (_, text) = plan_with("1.8.4", "10.1.0.2", ignoring);
    assert!(text.contains(SKIPPED), "{text}");
    let (_, text) = plan_with("1.9.0", "10.1.0.2", ignoring);
    assert!(text.contains(PLACED), "{text}");
    let (_, json) = plan_with("1.9.0", "10.1.0.2", &format!("{ignoring}#json\n"));
    assert!(
        json.contains("when its proposed list (a Go map) indexes an ignoring one first (12.5%)"),
        "{json}"
    );
}

/// `AssignPorts` refuses a group port where its address's bitmap holds it
/// (`UsedPorts[ip]`): a port held on another address of the node does not
/// refuse it (0.12.0 on). With both holders of 8080 on other addresses the
/// ask is placed; we refused it for a holder on any address.
#[test]
fn a_group_port_meets_only_the_ports_held_on_its_own_address() {
    // The first holder stays on the node's address: move it away too.
    let elsewhere = "#static\n";
    for version in ["0.12.0", "1.6.0", "2.0.5"] {
        let (_, text) = plan_away(version, elsewhere);
        assert!(text.contains(PLACED), "{version}: {text}");
    }
    let (_, text) = plan_with("1.6.0", "10.1.0.2", "#static\n");
    assert!(text.contains(SKIPPED), "{text}");
    let (_, text) = plan_with("1.2.3", "10.9.9.9", "#static\n");
    assert!(
        text.contains("Dimension \"network: reserved port collision http=8080\""),
        "{text}"
    );
}
