//! A system job's distinct_property outcome rests on the order Nomad visits
//! the nodes in (rt15a R15-10): a Go map of them, random per evaluation
//! (`for nodeID, allocs := range nodeAllocs`, scheduler/util.go v0.9.3:196,
//! scheduler/system_util.go v1.9.7:327, reconciler/reconcile_node.go
//! v2.0.5:65). The system stack checks distinct_property before binpack
//! (scheduler/stack.go v1.9.7 NewSystemStack, feasible/stack.go
//! v2.0.5:288) and a filtered node is no failure (computePlacements,
//! scheduler_system.go v1.9.7:383-432): a node too small for the job
//! visited before its rack's other node fails; visited after, it is
//! filtered. The plan is one draw of several: it says so (a note, JSON
//! `Preflight.Nondeterminism`) and `check` gives the odds and fails.

use crate::common::TempDir;

/// Rack r1: `tiny` (100 MHz) and `a`; rack r2: `b`. The job asks 200 MHz.
fn project(tag: &str, constraint: &str) -> TempDir {
    let d = TempDir::new(tag);
    let client = |name: &str, cpu: u32, rack: &str| {
        format!("client \"{name}\" {{\n  count = 1\n  datacenter = \"dc1\"\n  cpu = {cpu}\n  memory = 4000\n  disk = 20000\n  drivers = [\"docker\"]\n  meta = {{ rack = \"{rack}\" }}\n  attributes = {{ \"kernel.name\" = \"linux\" }}\n}}\n")
    };
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"1.9.7\"\nregion = \"global\"\nedition = \"community\"\nsentinel = \"none\"\nscheduler {{\n  algorithm = \"binpack\"\n  preemption {{\n    system = true\n    sysbatch = false\n    batch = false\n    service = false\n  }}\n}}\n{}{}{}running = []\n",
            client("tiny", 100, "r1"),
            client("a", 4000, "r1"),
            client("b", 4000, "r2")
        ),
    );
    d.put(
        "jobs/agent.nomad",
        &format!("job \"agent\" {{\n  datacenters = [\"dc1\"]\n  type = \"system\"\n{constraint}  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"x:1\"\n      }}\n      resources {{\n        cpu = 200\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"),
    );
    d
}

const DISTINCT: &str = "  constraint {\n    distinct_property = \"${meta.rack}\"\n  }\n";

const NOTE: &str = "group \"g\": its distinct_property constraint counts what this evaluation placed on other nodes, and Nomad visits the nodes in Go's map order";

/// Every draw says the node order decides (both the one that places
/// everywhere and the one that fails on `tiny`), in the text's notes and
/// the JSON, whatever the seed.
#[test]
fn the_plan_says_the_node_order_draws_it() {
    let d = project("system-node-order-note", DISTINCT);
    for seed in ["1", "2", "3", "4", "5", "6"] {
        let o = d.run(&["plan", "--no-cache", "--seed", seed, "jobs/agent.nomad"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(&format!("note: {NOTE}")), "seed {seed}: {err}");
        let o = d.run(&[
            "plan",
            "--no-cache",
            "--seed",
            seed,
            "--format",
            "json",
            "jobs/agent.nomad",
        ]);
        let out = String::from_utf8_lossy(&o.stdout);
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        let notes = v["Preflight"]["Nondeterminism"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            notes
                .iter()
                .any(|n| n.as_str().is_some_and(|n| n.starts_with(NOTE))),
            "seed {seed}: {out}"
        );
    }
}

/// `check` fails the job: some evaluations fail to place "g" (NP207 with
/// the share), whichever draw its own plan took.
#[test]
fn check_fails_a_job_some_node_orders_fail() {
    let d = project("system-node-order-check", DISTINCT);
    let o = d.run(&["check", "--no-cache", "jobs/agent.nomad"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("NP207 [error]"), "{out}");
    assert!(out.contains("other evaluations sampled"), "{out}");
    assert_ne!(o.status.code(), Some(0), "{out}");
}

/// Guard (passes on the baseline too): without distinct_property the node
/// order cannot change a system job's fate, and nothing is said.
#[test]
fn without_distinct_property_nothing_is_said() {
    let d = project("system-node-order-none", "");
    let o = d.run(&["plan", "--no-cache", "jobs/agent.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("Go's map order"), "{err}");
    let o = d.run(&["check", "--no-cache", "jobs/agent.nomad"]);
    let out = String::from_utf8_lossy(&o.stdout);
    // `tiny` fails in every order: an error, never a share.
    assert!(out.contains("NP207 [error]"), "{out}");
    assert!(!out.contains("other evaluations sampled"), "{out}");
}
