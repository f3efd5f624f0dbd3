//! A job-level `update`, `reschedule` or `migrate` block that restates
//! Nomad's defaults is the same job to `Job.SpecChanged`: the stored
//! job has no Reschedule or Migrate (api `TaskGroup.Canonicalize` merges
//! them into the groups, where they equal the defaults) and keeps of
//! `update` only Stagger and MaxParallel (command/agent/job_endpoint.go
//! `ApiJobToStructJob` v2.0.5:1151-1163), the pair a service job without
//! `update` gets from api `DefaultUpdateStrategy()` (api/jobs.go
//! v2.0.5:1228-1232, from v0.10.0:754). So Job.Plan finds no spec change
//! (nomad/job_endpoint.go v2.0.5:1835-1842) and every allocation is
//! ignored. Before 0.10 a service job had no default strategy and an
//! explicit block's pair was stored (job_endpoint.go v0.9.3:617-625): a
//! change, updated in place. We compared the blocks as written: "2 in-place
//! update" at every release.

use crate::common;

use common::edit_plan::{self, code_and_text, DC1};

const CLUSTER: &str = r#"region = "global"

client "c" {
  count      = 3
  datacenter = "dc1"
  cpu        = 8000
  memory     = 16000
  disk       = 50000
  drivers    = ["docker"]
}
"#;

fn job(job_lines: &str) -> String {
    let lines = if job_lines.is_empty() {
        DC1.to_string()
    } else {
        format!("{DC1}{job_lines}\n")
    };
    edit_plan::web(&lines, "    count = 2\n", "")
}

fn plan(tag: &str, version: &str, job_lines: &str) -> (i32, String) {
    code_and_text(&edit_plan::plan(
        &format!("job-level-defaults-{tag}-{version}"),
        CLUSTER,
        version,
        &job(""),
        &job(job_lines),
    ))
}

fn counted(counts: &str) -> String {
    format!(
        "Job: \"web\"\nTask Group: \"g\" ({counts})\n  Task: \"t\"\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n"
    )
}

#[test]
fn a_job_level_update_restating_the_defaults_is_no_change_from_0_10() {
    let update = "  update {\n    stagger      = \"30s\"\n    max_parallel = 1\n  }";
    for version in ["0.10.0", "1.6.0", "2.0.5"] {
        assert_eq!(
            plan("update", version, update),
            (0, counted("2 ignore")),
            "{version}"
        );
    }
    // 0.9.3: the group gains the strategy too (no default then), shown.
    let (code, text) = plan("update", "0.9.3", update);
    assert!(
        code == 0
            && text.starts_with(
                "+/- Job: \"web\"\n+/- Task Group: \"g\" (2 in-place update)\n  + Update {\n"
            ),
        "{text}"
    );
    // One field of the block restated: the same.
    let promote = "  update {\n    auto_promote = false\n  }";
    assert_eq!(plan("promote", "2.0.5", promote), (0, counted("2 ignore")));
    // A stagger of its own is stored at job level: a new version.
    let slow = "  update {\n    stagger = \"1m\"\n  }";
    let (code, text) = plan("slow", "2.0.5", slow);
    assert!(code == 0 && text.contains("(2 in-place update)"), "{text}");
}

#[test]
fn job_level_reschedule_and_migrate_blocks_are_never_stored() {
    let blocks = "  reschedule {\n    delay          = \"30s\"\n    delay_function = \"exponential\"\n    max_delay      = \"1h\"\n    unlimited      = true\n  }\n  migrate {\n    max_parallel = 1\n  }";
    for version in ["0.9.3", "1.6.0", "2.0.5"] {
        assert_eq!(
            plan("resched", version, blocks),
            (0, counted("2 ignore")),
            "{version}"
        );
    }
}
