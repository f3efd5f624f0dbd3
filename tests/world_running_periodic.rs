//! A hand-written world's periodic and parameterized `running` jobs
//! (redteam9 R9-7): Job.Register creates no evaluation for either
//! (nomad/job_endpoint.go Register, v0.9.3:205-208, v1.7.2:351,
//! v2.0.5:301), so the parent job holds no allocation; only its launches
//! and dispatches, other jobs, run. Job.Plan still runs the scheduler on
//! the parent, which finds none of its allocations: an unchanged periodic
//! job plans its whole count as `create`.

use crate::common;
use common::{run_in, TempDir};

/// Two clients of 8192 MB; `running`: the parameterized `disp` (64 MB),
/// the periodic `rep` (2 × 7000 MB) and the plain batch job `plain`
/// (64 MB); `api.nomad` (2000 MB) is not running.
fn world(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        r#"nomad_version = "1.7.2"
edition       = "community"
region        = "global"
client "c" {
  count      = 2
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8192
  disk       = 20000
  drivers    = ["docker"]
}
running = ["jobs/disp.nomad", "jobs/rep.nomad", "jobs/plain.nomad"]
"#,
    );
    let job = |id: &str, kind: &str, block: &str, count: u32, memory: u32| {
        format!(
            r#"job "{id}" {{
  datacenters = ["dc1"]
  type        = "{kind}"
{block}  group "g" {{
    count = {count}
    task "t" {{
      driver = "docker"
      config {{ image = "redis:7" }}
      resources {{
        cpu    = 100
        memory = {memory}
      }}
    }}
  }}
}}
"#
        )
    };
    d.put(
        "jobs/disp.nomad",
        &job(
            "disp",
            "batch",
            "  parameterized {\n    payload = \"optional\"\n  }\n",
            1,
            64,
        ),
    );
    d.put(
        "jobs/rep.nomad",
        &job(
            "rep",
            "batch",
            "  periodic {\n    cron = \"0 3 * * *\"\n  }\n",
            2,
            7000,
        ),
    );
    d.put("jobs/plain.nomad", &job("plain", "batch", "", 1, 64));
    d.put("api.nomad", &job("api", "service", "", 1, 2000));
    // The same jobs outside `running`, to plan them as edits of
    // themselves.
    d.put(
        "rep.nomad",
        &job(
            "rep",
            "batch",
            "  periodic {\n    cron = \"0 3 * * *\"\n  }\n",
            2,
            7000,
        ),
    );
    d.put("plain.nomad", &job("plain", "batch", "", 1, 64));
    d
}

fn run(d: &TempDir, args: &[&str]) -> common::Out {
    let mut all = vec![args[0], "--no-cache", "--world", "rules"];
    all.extend_from_slice(&args[1..]);
    run_in(&d.0, &all)
}

/// The periodic job's 2 × 7000 MB are not held: `api` fits.
#[test]
fn periodic_and_parameterized_parents_hold_no_capacity() {
    let d = world("r9-7-capacity");
    let o = run(&d, &["plan", "api.nomad"]);
    assert!(
        o.stdout
            .contains("Scheduler dry-run:\n- All tasks successfully allocated.\n"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert_eq!(o.code, 1, "{}", o.stdout);
    let s = run(&d, &["status"]);
    for parent in ["rep.g[", "disp.g["] {
        assert!(!s.stdout.contains(parent), "{}", s.stdout);
    }
}

/// An unchanged periodic job: nothing of it is found, so its count is
/// placed (exit 0 all the same, the diff being None: command/job_plan.go
/// getExitCode).
#[test]
fn an_unchanged_periodic_job_plans_its_count_as_create() {
    let d = world("r9-7-rep");
    let o = run(&d, &["plan", "--now", "2026-11-30T19:27:00Z", "rep.nomad"]);
    assert!(
        o.stdout.starts_with(
            "Job: \"rep\"\nTask Group: \"g\" (2 create)\n  Task: \"t\"\n\nScheduler dry-run:\n- All tasks successfully allocated.\n- If submitted now, next periodic launch would be at "
        ),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert_eq!(o.code, 0, "{}", o.stdout);
}

/// Guard (right before this stop too): a plain batch job in `running` is
/// scheduled, and its unchanged plan ignores its allocation.
#[test]
fn guard_a_plain_batch_job_still_runs() {
    let d = world("r9-7-plain");
    let s = run(&d, &["status"]);
    assert!(s.stdout.contains("plain.g[0]"), "{}", s.stdout);
    let o = run(&d, &["plan", "plain.nomad"]);
    assert!(
        o.stdout
            .starts_with("Job: \"plain\"\nTask Group: \"g\" (1 ignore)\n"),
        "{}",
        o.stdout
    );
}
