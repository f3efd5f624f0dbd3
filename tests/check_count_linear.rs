//! One group of many allocations is checked in time linear in its count
//! (issue 17). Ranking a node summed the node's proposed allocations for
//! the fit (`AllocsFit`, structs/funcs.go v2.0.5:142) and walked them
//! again for the job anti-affinity's count (scheduler/feasible/rank.go
//! v2.0.5:850), and each placement walked them for the ports it holds:
//! count = 20,000 over 50 clients took about 12 s of CPU in a debug
//! build. Each node's use and group counts are kept as the plan changes.

use crate::common;

// The scheduler's settings stated: an unstated one is planned again under
// its other value (and history), which this linear-time bound is not about.
const WORLD: &str = "nomad_version = \"2.0.5\"\nscheduler {\n  algorithm = \"binpack\"\n  preemption {\n    service = false\n  }\n}\nclient \"c\" {\n  count      = 50\n  datacenter = \"dc1\"\n  cpu        = 400000\n  memory     = 400000\n  disk       = 1000000\n  drivers    = [\"docker\"]\n}\n";

#[test]
fn a_group_of_twenty_thousand_is_checked_in_linear_time() {
    let d = common::TempDir::new("count-linear");
    d.put("rules/cluster.hcl", WORLD);
    d.put(
        "jobs/j.nomad",
        "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = 20000\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"busybox:1.36\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n",
    );
    // About 1 s of CPU now in a debug build, 12 s before.
    let out = common::run_cpu_limited(5, &d.0, &["--no-color", "check", "jobs/j.nomad"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "over 5 s of CPU for one group of 20,000, or not clean: {stdout}"
    );
    // All 20,000 fit (50 clients of 4,000 allocations' room): placed.
    assert!(
        stdout.contains("0 errors, 0 warnings, 0 advices in 1 file"),
        "{stdout}"
    );
}
