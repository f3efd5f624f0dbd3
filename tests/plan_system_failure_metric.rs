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
