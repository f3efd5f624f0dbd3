//! rt17e R17-51: a job the quota leaves unplaced passed `check --base`
//! (exit 0, NP304 a warning) while `plan --changed` refused it by policy.
//! Nomad blocks the evaluation as it does for capacity
//! (scheduler/generic_sched.go v1.7.7:213,235, `CreateBlockedEval` with
//! `QuotaLimitReached`), so NP304 is an error as NP207 is, and the gate and
//! `check` agree (docs/ci.md).

use crate::common;

const CLUSTER: &str = "nomad_version = \"1.7.7+ent\"\nedition       = \"enterprise\"\nregion        = \"global\"\nsentinel      = \"none\"\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}\nrunning = [\"jobs/api.nomad\"]\n";

fn job(name: &str, memory: u32) -> String {
    format!(
        "job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = 1\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = 500\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// q1: quota "team" (memory 2000) on `default`, api (1500) running; the
/// change adds worker (1000), protected.
fn repo(tag: &str) -> common::TempDir {
    let d = common::TempDir::new(&format!("quota-blocks-{tag}"));
    d.put("rules/cluster.hcl", CLUSTER);
    d.put(
        "rules/namespaces/default.hcl",
        "name  = \"default\"\nquota = \"team\"\n",
    );
    d.put(
        "rules/quotas/team.hcl",
        "name = \"team\"\nlimit {\n  region = \"global\"\n  region_limit {\n    cpu    = 4000\n    memory = 2000\n  }\n}\n",
    );
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs       = [\"worker\", \"api\"]\n  namespaces = []\n}\n",
    );
    d.put("jobs/api.nomad", &job("api", 1500));
    common::git(&d.0, &["init", "-q", "-b", "main"]);
    common::git(&d.0, &["add", "."]);
    common::git(&d.0, &["commit", "-qm", "base"]);
    d.put("jobs/worker.nomad", &job("worker", 1000));
    d
}

#[test]
fn check_fails_a_job_the_quota_leaves_unplaced_as_the_gate_refuses_it() {
    let d = repo("agree");
    let o = d.run(&["check", "--base", "main", "--output-format", "concise"]);
    let text = common::output_text(&o);
    assert!(
        text.contains("jobs/worker.nomad:1:5: NP304 [error] Quota limit hit \"team\": 1 allocation(s) of group \"g\" would not be placed (memory exhausted (2500 needed > 2000 limit))"),
        "{text}"
    );
    assert_eq!(o.status.code(), Some(1), "{text}");
    // The policy gate refuses the same plan: the two never disagree.
    let o = d.run(&["plan", "--changed", "--base", "main"]);
    let plan = common::output_text(&o);
    assert!(
        plan.contains(
            "refused by policy: jobs/worker.nomad leaves allocations of protected job \"worker\""
        ),
        "{plan}"
    );
    assert_eq!(o.status.code(), Some(1), "{plan}");
}

/// With room in the quota, neither fails (guard: passes on the baseline).
#[test]
fn a_job_the_quota_holds_passes_both() {
    let d = repo("room");
    d.put("jobs/worker.nomad", &job("worker", 400));
    let o = d.run(&["check", "--base", "main"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::output_text(&o));
    let o = d.run(&["plan", "--changed", "--base", "main"]);
    let plan = common::output_text(&o);
    assert!(!plan.contains("refused by policy"), "{plan}");
}
