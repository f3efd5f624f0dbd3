//! A job file of many groups is answered (past the 10,000 groups one job
//! is simulated with: cannot tell) in time linear in its groups. Before
//! the group bound answers, the loader attached each group block's
//! unmodelled arguments to its group by searching the job's groups from
//! the front (and the job diff paired each group with the other side's
//! the same way): quadratic. Nomad takes any number of groups
//! (`Job.Validate` refuses only a job without one, nomad/structs/
//! structs.go v2.0.5), so the answer stays cannot tell, in linear time.
//! Debug build, load 9: 20,000 / 40,000 groups 6.3 / 15.4 s of CPU
//! before, 5.0 / 8.8 s now (the rest is parsing and lowering each group).

use crate::common::{self, TempDir};

const CLUSTER: &str = "nomad_version = \"1.7.7\"\nregion        = \"global\"\nclient \"web\" {\n  count      = 2\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 8000\n  disk       = 20000\n  drivers    = [\"docker\"]\n}\n";

/// A job of `groups` groups of one task, written out.
fn job(groups: usize) -> String {
    let mut job = String::from("job \"many\" {\n  datacenters = [\"dc1\"]\n");
    for i in 0..groups {
        job.push_str(&format!(
            "  group \"g{i}\" {{\n    task \"t\" {{\n      driver = \"docker\"\n    }}\n  }}\n"
        ));
    }
    job.push_str("}\n");
    job
}

const LINE: &str = "cannot tell what Nomad 1.7.7 plans for job \"many\": it has 40000 groups, and nomad-preflight simulates at most 10000 groups per job";

/// `plan` and `check` of 40,000 groups: 255 / 2 with the one line, each
/// under 12 s of CPU (the baseline: SIGXCPU).
#[test]
fn forty_thousand_groups_are_answered_in_linear_time() {
    let d = TempDir::new("many-groups-linear");
    d.put("rules/cluster.hcl", CLUSTER);
    d.put("jobs/many.nomad", &job(40_000));
    let o = common::run_cpu_limited(12, &d.0, &["--no-color", "plan", "jobs/many.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(255),
        "over 12 s of CPU, or not 255: {err}"
    );
    assert!(common::flat(&err).contains(&common::flat(LINE)), "{err}");
    let o = common::run_cpu_limited(12, &d.0, &["--no-color", "check", "jobs/many.nomad"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(2),
        "over 12 s of CPU, or not 2: {out}"
    );
    assert!(common::flat(&out).contains(&common::flat(LINE)), "{out}");
}
