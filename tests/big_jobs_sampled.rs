//! Big jobs are sampled over as many node shuffles as the sampling budget
//! allows (groups × samples at most 10,000, the job's allocations ×
//! samples at most 2,000,000; src/scheduler/count_bound.rs), down to 10,
//! and the share names the number sampled. Before, a job past the budget
//! at 100 shuffles (more than 100 groups) was "too large to sample"
//! (cannot tell, exit 2) where fewer shuffles answer, and `plan --samples
//! N` was not budgeted at all: a job of 1,000 groups asked 100,000
//! shuffles planned for hours. Nomad bounds neither the groups
//! (`Job.Validate` refuses only a job without one, nomad/structs/
//! structs.go v2.0.5) nor the evaluations; the budget is ours, and said.

use crate::common::{self, TempDir};

const CLUSTER: &str = "nomad_version = \"1.7.7\"\nregion        = \"global\"\nclient \"web\" {\n  count         = 2\n  datacenter    = \"dc1\"\n  cpu           = 4000\n  memory        = 8000\n  disk          = 20000\n  network_mbits = 1000\n  drivers       = [\"docker\"]\n}\n";

/// A job of `groups` groups of count 1, written out (HCL's `range`
/// stops at 1,024 values).
fn many(groups: usize) -> String {
    let mut job = String::from("job \"many\" {\n  datacenters = [\"dc1\"]\n");
    for i in 0..groups {
        job.push_str(&format!(
            "  group \"g{i}\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      resources {{\n        cpu    = 1\n        memory = 10\n      }}\n    }}\n  }}\n"
        ));
    }
    job.push_str("}\n");
    job
}

/// `plan --samples 100000` of 1,000 groups samples the 10 shuffles the
/// budget allows and says so beside the shares (text and JSON), within
/// 60 s of CPU (the baseline planned 100,000 × 1,000 groups: SIGXCPU).
#[test]
fn plan_samples_of_a_big_job_are_cut_to_the_budget_and_said() {
    let d = TempDir::new("big-job-samples-cut");
    d.put("rules/cluster.hcl", CLUSTER);
    d.put("jobs/many.nomad", &many(1000));
    let o = common::run_cpu_limited(
        60,
        &d.0,
        &[
            "--no-color",
            "plan",
            "--samples",
            "100000",
            "jobs/many.nomad",
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    let flat = common::flat(&out);
    assert!(
        flat.contains("== nomad-preflight: outcomes over 10 node shuffles"),
        "{out}"
    );
    assert!(
        flat.contains(&common::flat("note: 100000 node shuffles asked; sampled 10, the most within what nomad-preflight samples of job \"many\" (1000 allocations in 1000 groups; at most 10000 group plans and 2000000 allocations per sampling run)")),
        "{out}"
    );
    // Each share is over the 10 sampled (the groups' default 300 MB disks
    // fill the clients, so which groups fail is drawn).
    assert!(flat.contains("/10)"), "{out}");
    assert!(!flat.contains("/100000)"), "{out}");
    let o = common::run_cpu_limited(
        60,
        &d.0,
        &[
            "plan",
            "--format",
            "json",
            "--samples",
            "100000",
            "jobs/many.nomad",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let s = &v["Preflight"]["Samples"];
    assert_eq!(s["Total"], 10, "{s}");
    assert_eq!(s["Asked"], 100000, "{s}");
    assert!(
        s["Budget"]
            .as_str()
            .is_some_and(|b| b.starts_with("100000 node shuffles asked; sampled 10,")),
        "{s}"
    );
}

/// 2,000 groups cannot be sampled even 10 times within the budget: `plan
/// --samples 100` says too large to sample (255), never a share over
/// fewer shuffles than a share is given over, and never a silent cut
/// (the baseline planned 100 × 2,000 groups: SIGXCPU at 60 s).
#[test]
fn plan_samples_past_the_budget_at_ten_are_too_large() {
    let d = TempDir::new("big-job-samples-too-large");
    d.put("rules/cluster.hcl", CLUSTER);
    d.put("jobs/many.nomad", &many(2000));
    let o = common::run_cpu_limited(
        60,
        &d.0,
        &["--no-color", "plan", "--samples", "100", "jobs/many.nomad"],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(255), "{out}{err}");
    assert!(
        common::flat(&err).contains(&common::flat("too large to sample: job \"many\" asks 2000 allocations in 2000 groups, 10 node shuffles of it (the fewest sampled) pass what nomad-preflight samples")),
        "{err}"
    );
    assert!(!out.contains("outcomes over"), "{out}");
}
