//! Edits judged after Nomad's evaluation and canonicalisation, planned from
//! two versions of one job file (the committed one running, the edited one
//! planned), under a Nomad 2.0.5 world. These are the cases the corpus
//! mutation sweep (tests/diff_mutation.rs) sorts apart:
//! - an edit outside the evaluated `job` block (a variable's description)
//!   and a removed block that restates what canonicalisation fills in are no
//!   change to Nomad either: its plan prints the unchanged job;
//! - an edit of a modelled field that diff.go has no object for (a task's
//!   `scaling "cpu"` policy: `Task.ScalingPolicies`, which `Task.Diff` does
//!   not visit) marks the task edited and says so, never "no change";
//! - a batch job's `update` block, which canonicalisation used to drop, is
//!   refused as `TaskGroup.Validate` refuses it.

use crate::common;

use common::{git, run_in, Out, TempDir};

const WORLD: &str = r#"nomad_version = "2.0.5"
client "c" {
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8192
  disk       = 20000
  drivers    = ["docker"]
}
running = ["jobs/j.nomad"]
"#;

const JOB: &str = r#"variable "image" {
  description = "the image to run"
  default     = "redis:7"
}

job "j" {
  datacenters = ["dc1"]
  group "g" {
    restart {
      attempts = 2
      interval = "30m"
      delay    = "15s"
      mode     = "fail"
    }
    task "t" {
      driver = "docker"
      config {
        image = var.image
      }
      scaling "cpu" {
        enabled = true
        max     = 1000
        policy {
          cooldown = "1m"
        }
      }
    }
  }
}
"#;

/// `nomad job plan`'s closing lines for a job at modify index 2 (the
/// world's running version), from command/job_plan.go's formatJobModifyIndex.
const TAIL: &str = "Job Modify Index: 2
To submit the job with version verification run:

nomad job run -check-index 2 jobs/j.nomad

When running the job with the check-index flag, the job will only be run if the
job modify index given matches the server-side version. If the index has
changed, another user has modified the job and the plan's results are
potentially invalid.
";

/// A repository whose HEAD runs `JOB`; the working tree holds `edited`.
fn plan_edit(name: &str, edited: &str, json: bool) -> Out {
    let dir = TempDir::new(&format!("canonical-{name}"));
    dir.put("rules/cluster.hcl", WORLD);
    dir.put("jobs/j.nomad", JOB);
    git(&dir.0, &["init", "-q"]);
    git(&dir.0, &["add", "."]);
    git(&dir.0, &["commit", "-qm", "running"]);
    dir.put("jobs/j.nomad", edited);
    let mut args = vec!["plan", "jobs/j.nomad", "--base", "HEAD"];
    if json {
        args.extend(["--format", "json"]);
    }
    run_in(&dir.0, &args)
}

fn unchanged_plan() -> String {
    format!(
        "Job: \"j\"\nTask Group: \"g\" (1 ignore)\n  Task: \"t\"\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n{TAIL}"
    )
}

#[test]
fn a_variable_description_is_not_part_of_the_job() {
    let edited = JOB.replace("the image to run", "which image runs");
    let out = plan_edit("description", &edited, false);
    assert_eq!(out.stdout, unchanged_plan(), "{}", out.stderr);
    assert_eq!(out.code, 0);
}

/// structs.go `NewRestartPolicy("service")` is attempts 2, interval 30m,
/// delay 15s, mode "fail": the removed block said exactly that.
#[test]
fn removing_a_restart_block_that_restates_the_defaults_is_no_change() {
    let start = JOB.find("    restart {").expect("restart block");
    let end = start + JOB[start..].find("    }\n").expect("its end") + "    }\n".len();
    let edited = format!("{}{}", &JOB[..start], &JOB[end..]);
    let out = plan_edit("restart", &edited, false);
    assert_eq!(out.stdout, unchanged_plan(), "{}", out.stderr);
    assert_eq!(out.code, 0);

    // One value away from the defaults is Nomad's RestartPolicy object
    // (diff.go primitiveObjectDiff, non-contextual fields listed in full
    // because the plan asks for a contextual diff).
    let edited = JOB.replace("mode     = \"fail\"", "mode     = \"delay\"");
    let out = plan_edit("restart-mode", &edited, false);
    let want = format!(
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- RestartPolicy {{\n        Attempts:        \"2\"\n        Delay:           \"15000000000\"\n        Interval:        \"1800000000000\"\n    +/- Mode:            \"fail\" => \"delay\"\n        RenderTemplates: \"false\"\n      }}\n  +/- Task: \"t\" (forces in-place update)\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n{TAIL}"
    );
    assert_eq!(out.stdout, want, "{}", out.stderr);
}

/// Task.Diff (diff.go 2.0.5) has no object for `ScalingPolicies`, so
/// Nomad's own diff of this edit is empty; the job did change (a new
/// version, an in-place update), so the plan marks the task edited and
/// says why on stderr and in JSON instead of printing "no change".
#[test]
fn a_task_scaling_policy_edit_marks_the_task_edited() {
    let edited = JOB.replace("cooldown = \"1m\"", "cooldown = \"2m\"");
    let out = plan_edit("scaling", &edited, false);
    let want = format!(
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 in-place update)\n  +/- Task: \"t\" (forces in-place update)\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n{TAIL}"
    );
    assert_eq!(out.stdout, want, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "warning: jobs/j.nomad: group \"g\" task \"t\" changed in fields Nomad's diff does not show; planned as edited"
        ),
        "{}",
        out.stderr
    );

    let out = plan_edit("scaling-json", &edited, true);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(
        v["Diff"]["TaskGroups"][0]["Tasks"][0],
        serde_json::json!({
            "Type": "Edited", "Name": "t", "Fields": null, "Objects": null,
            "Annotations": ["forces in-place update"]
        })
    );
    assert_eq!(
        v["Preflight"]["Unmodelled"],
        serde_json::json!([{"Group": "g", "Task": "t", "Fields": []}])
    );

    // The same file with the policy unchanged plans as unchanged.
    let out = plan_edit("scaling-same", JOB, false);
    assert_eq!(out.stdout, unchanged_plan(), "{}", out.stderr);
}

/// structs.go `TaskGroup.Validate`: only service and system jobs may have
/// an update strategy, and api/tasks.go hands a job-level `update` to
/// every group, so a batch job with either is refused.
#[test]
fn a_batch_job_with_an_update_block_is_refused() {
    let dir = TempDir::new("canonical-batch-update");
    for (name, update_at_job) in [("job.nomad", true), ("group.nomad", false)] {
        let update = "update {\n    max_parallel = 2\n  }\n";
        let (job_level, group_level) = if update_at_job {
            (update, "")
        } else {
            ("", update)
        };
        dir.put(
            name,
            &format!(
                "job \"b\" {{\n  type = \"batch\"\n  datacenters = [\"dc1\"]\n  {job_level}  group \"g\" {{\n    {group_level}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"busybox\"\n      }}\n    }}\n  }}\n}}\n"
            ),
        );
        let out = run_in(&dir.0, &["validate", "--nomad-version", "2.0.5", name]);
        assert_eq!(out.code, 1, "{name}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stderr
                .contains("Job type \"batch\" does not allow update block"),
            "{name}: {}",
            out.stderr
        );
    }
    // Without the block the same job validates.
    dir.put(
        "plain.nomad",
        "job \"b\" {\n  type = \"batch\"\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"busybox\"\n      }\n    }\n  }\n}\n",
    );
    let out = run_in(
        &dir.0,
        &["validate", "--nomad-version", "2.0.5", "plain.nomad"],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}
