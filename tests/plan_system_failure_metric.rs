//! A system job that fails on several nodes reports the FIRST failing
//! node's metric, the others only counted as coalesced failures: each
//! select resets the context (`SystemStack.Select`), the first failure's
//! metric is stored and each later one does `CoalescedFailures += 1`
//! (scheduler/system_sched.go v0.9.3:308-326; scheduler_system.go
//! v1.6.0:411-431, v2.0.5:537-561). So `nomad job plan` prints
//! "exhausted on 1 nodes" under "failed to place 3 allocations". We
//! summed every failing node into one metric: "on 3 nodes" (redteam5 R10).

use crate::common;

use common::{run_in, TempDir};

const CLUSTER: &str = "region = \"global\"\nclient \"c\" {\n  count      = 3\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 1000\n  disk       = 50000\n  drivers    = [\"docker\"]\n}\n";

const JOB: &str = "job \"sx\" {\n  datacenters = [\"dc1\"]\n  type        = \"system\"\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"x:1\"\n      }\n      resources {\n        cpu    = 100\n        memory = 2000\n      }\n    }\n  }\n}\n";

#[test]
fn a_system_job_reports_the_first_failing_nodes_metric() {
    let dir = TempDir::new("system-failure-metric");
    dir.put("rules/cluster.hcl", CLUSTER);
    dir.put("sx.nomad", JOB);
    for version in ["0.9.3", "1.6.0", "2.0.5"] {
        let o = run_in(&dir.0, &["plan", "--nomad-version", version, "sx.nomad"]);
        assert!(
            o.stdout.contains("  Task Group \"g\" (failed to place 3 allocations):\n    * Resources exhausted on 1 nodes\n    * Dimension \"memory\" exhausted on 1 nodes\n\n"),
            "{version}: {}{}",
            o.stdout,
            o.stderr
        );
        let j = run_in(
            &dir.0,
            &[
                "plan",
                "--nomad-version",
                version,
                "--format",
                "json",
                "sx.nomad",
            ],
        );
        let v: serde_json::Value = serde_json::from_str(&j.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", j.stdout, j.stderr));
        let m = &v["FailedTGAllocs"]["g"];
        assert_eq!(m["NodesEvaluated"], 1, "{version}: {m}");
        assert_eq!(m["NodesExhausted"], 1, "{version}: {m}");
        assert_eq!(m["CoalescedFailures"], 2, "{version}: {m}");
    }
}

/// Nodes failing for different reasons (one out of memory, one out of
/// cpu): the failure printed is the first failing node's in Go's map order
/// (scheduler/util.go v0.9.3:196, system_util.go v1.9.7:327,
/// reconcile_node.go v2.0.5:65), so which dimension `plan` names is one
/// draw. Each draw says so (text and JSON); the count and exit code stay.
#[test]
fn which_failing_nodes_metric_is_printed_is_a_draw() {
    let dir = TempDir::new("system-failure-metric-drawn");
    let client = |name: &str, cpu: u32, memory: u32| {
        format!("client \"{name}\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = {cpu}\n  memory     = {memory}\n  disk       = 50000\n  drivers    = [\"docker\"]\n}}\n")
    };
    dir.put(
        "rules/cluster.hcl",
        &format!(
            "region = \"global\"\n{}{}{}",
            client("lowmem", 4000, 50),
            client("lowcpu", 100, 4000),
            client("big", 4000, 4000)
        ),
    );
    dir.put(
        "sx.nomad",
        &JOB.replace("memory = 2000", "memory = 100")
            .replace("cpu    = 100", "cpu    = 200"),
    );
    let note = "group \"g\": its allocations fail on several nodes for different reasons, of which Nomad prints the first failing node's, and Nomad visits the nodes in Go's map order, random per evaluation: which reason the plan prints is one draw of several (--samples gives their shares)";
    let mut dims = std::collections::BTreeSet::new();
    for version in ["0.9.3", "1.6.0", "2.0.5"] {
        for seed in ["1", "2", "3", "4", "5", "6"] {
            let o = run_in(
                &dir.0,
                &[
                    "plan",
                    "--nomad-version",
                    version,
                    "--seed",
                    seed,
                    "sx.nomad",
                ],
            );
            assert!(o.stdout.contains("  Task Group \"g\" (failed to place 2 allocations):\n    * Resources exhausted on 1 nodes\n"), "{version} {seed}: {}{}", o.stdout, o.stderr);
            dims.insert(o.stdout.contains("Dimension \"cpu\""));
            assert!(
                o.stderr.contains(&format!("note: {note}")),
                "{version} {seed}: {}",
                o.stderr
            );
            assert_eq!(o.code, 1, "{version} {seed}");
        }
        let j = run_in(
            &dir.0,
            &[
                "plan",
                "--nomad-version",
                version,
                "--format",
                "json",
                "sx.nomad",
            ],
        );
        let v: serde_json::Value =
            serde_json::from_str(&j.stdout).unwrap_or_else(|e| panic!("{e}: {}", j.stdout));
        let notes = v["Preflight"]["Nondeterminism"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(notes.iter().any(|n| n == note), "{version}: {notes:?}");
    }
    // Both reasons are Nomad's: the draws differ.
    assert_eq!(dims.len(), 2);
}
