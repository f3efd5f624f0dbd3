//! Issue 13: the errors of jobspec2's own pass beside gohcl's. decodeJob
//! (jobspec2/types.config.go) takes the job's `vault`, `secret` and `task`
//! blocks with a PartialContent and decodes them (decodeTopLevelExtras)
//! before it hands the rest of the job to gohcl; decodeTask
//! (jobspec2/hcl_conversions.go) does the same with the task's `scaling`
//! (decodeTaskScalingPolicies). Identical at v1.0.0, v1.6.0 and v2.0.5 (and
//! every tag between, read for this test). So their errors come first,
//! wherever the file puts those blocks; we used to say "cannot tell".

use crate::common;

/// Only Nomad's lines: what validate prints before our own diagnostics.
fn nomad_text(err: &str) -> String {
    let text = err.split("\njobspec::").next().unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with("note: "))
        .collect::<Vec<_>>()
        .join("\n")
}

fn refused(tag: &str, text: &str, v: &str) -> String {
    let (code, _, err) = common::run_job(tag, text, &["validate", "--nomad-version", v, "j.nomad"]);
    assert_eq!(code, 1, "{v}: {err}");
    let (code, out, plan_err) =
        common::run_job(tag, text, &["plan", "--nomad-version", v, "j.nomad"]);
    assert_eq!(code, 255, "{v}: {out}{plan_err}");
    let said = nomad_text(&err);
    assert!(plan_err.contains(&said), "{v}: {plan_err}");
    said
}

/// A group's count (gohcl's walk of the job) above a job-level task's
/// value (decodeTopLevelExtras, before it).
const JOB_TASK: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = \"x\"\n    task \"a\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n  task \"t\" {\n    driver = \"docker\"\n    leader = \"maybe\"\n  }\n}\n";

#[test]
fn a_job_level_tasks_errors_come_before_the_rest_of_the_job() {
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        assert_eq!(
            refused(&format!("own-pass-job-{v}"), JOB_TASK, v),
            "Error getting job struct: Error parsing job file from j.nomad:\n\
             j.nomad:14,15-20: Unsuitable value type; Unsuitable value: a bool is required\n\
             j.nomad:4,14-15: Unsuitable value type; Unsuitable value: a number is required",
            "{v}"
        );
    }
}

/// A task's `leader` (gohcl's walk of the task) above its `scaling`'s
/// `enabled` (decodeTaskScalingPolicies, before it).
const TASK_SCALING: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"a\" {\n      driver = \"docker\"\n      leader = \"maybe\"\n      config {\n        image = \"redis:7\"\n      }\n      scaling \"cpu\" {\n        enabled = \"often\"\n        max     = 500\n      }\n    }\n  }\n}\n";

#[test]
fn a_tasks_scaling_errors_come_before_the_rest_of_the_task() {
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        assert_eq!(
            refused(&format!("own-pass-scaling-{v}"), TASK_SCALING, v),
            "Error getting job struct: Error parsing job file from j.nomad:\n\
             j.nomad:11,20-25: Unsuitable value type; Unsuitable value: a bool is required\n\
             j.nomad:6,17-22: Unsuitable value type; Unsuitable value: a bool is required",
            "{v}"
        );
    }
}

/// A group's `vault` with a label: decodeTaskGroup returns at its
/// PartialContent's error (jobspec2/hcl_conversions.go, 1.0.0 to 2.0.5),
/// so that group's count and its task's value are never reported; the
/// next group's count is, after it (gohcl walks groups in source order).
const GROUP_VAULT_LABEL: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"a\" {\n    count = \"x\"\n    vault \"v\" {\n      policies = [\"p\"]\n    }\n    task \"t\" {\n      driver = \"docker\"\n      leader = \"maybe\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n  group \"b\" {\n    count = \"y\"\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n}\n";

#[test]
fn a_groups_vault_label_error_hides_the_rest_of_that_group() {
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        assert_eq!(
            refused(&format!("own-pass-group-{v}"), GROUP_VAULT_LABEL, v),
            "Error getting job struct: Error parsing job file from j.nomad:\n\
             j.nomad:5,11-14: Extraneous label for vault; No labels are expected for vault blocks.\n\
             j.nomad:17,14-15: Unsuitable value type; Unsuitable value: a number is required",
            "{v}"
        );
    }
}

/// `meta` written both as an argument and as a block: decodeAsAttribute
/// (1.0.4+) refuses the block before anything else of the job is decoded
/// (decodeJob), then gohcl's walk: the job's priority (an attribute), then
/// the group's count (a block). In a group it is decodeTaskGroup's return:
/// nothing else of that group is printed, the next group's count is.
const META_TWICE: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  priority    = \"high\"\n  meta = {\n    a = \"1\"\n  }\n  meta {\n    b = \"2\"\n  }\n  group \"g\" {\n    count = \"x\"\n    task \"a\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n}\n";

const GROUP_META_TWICE: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = \"x\"\n    meta = {\n      a = \"1\"\n    }\n    meta {\n      b = \"2\"\n    }\n    task \"a\" {\n      driver = \"docker\"\n      leader = \"maybe\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n  group \"h\" {\n    count = \"y\"\n  }\n}\n";

#[test]
fn meta_as_argument_and_block_is_refused_first() {
    assert_eq!(
        refused("meta-twice-job", META_TWICE, "2.0.5"),
        "Error getting job struct: Error parsing job file from j.nomad:\n\
         j.nomad:7,3-7: Duplicate meta block; meta may not be defined more than once. Another definition is defined at j.nomad:4,3-6,4.\n\
         j.nomad:3,18-22: Unsuitable value type; Unsuitable value: a number is required\n\
         j.nomad:11,14-15: Unsuitable value type; Unsuitable value: a number is required"
    );
    assert_eq!(
        refused("meta-twice-group", GROUP_META_TWICE, "2.0.5"),
        "Error getting job struct: Error parsing job file from j.nomad:\n\
         j.nomad:8,5-9: Duplicate meta block; meta may not be defined more than once. Another definition is defined at j.nomad:5,5-7,6.\n\
         j.nomad:20,14-15: Unsuitable value type; Unsuitable value: a number is required"
    );
}

/// A group's `meta` argument of the wrong type. From 1.0.4 decodeTaskGroup
/// returns at decodeAsAttribute's error: the group's count is never
/// reported. Before, gohcl refuses the argument's name (its Content) and
/// never reads its value, then reports the count.
const GROUP_META_VALUE: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = \"x\"\n    meta = 301\n    task \"a\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n    }\n  }\n}\n";

#[test]
fn a_groups_meta_argument_error_is_all_nomad_prints_of_it() {
    let head = "Error getting job struct: Error parsing job file from j.nomad:\n";
    assert_eq!(
        refused("group-meta-value-103", GROUP_META_VALUE, "1.0.3"),
        format!("{head}j.nomad:5,5-9: Unsupported argument; An argument named \"meta\" is not expected here. Did you mean to define a block of type \"meta\"?\nj.nomad:4,14-15: Unsuitable value type; Unsuitable value: a number is required")
    );
    assert_eq!(
        refused("group-meta-value-104", GROUP_META_VALUE, "1.0.4"),
        format!("{head}j.nomad:5,12-15: Unsuitable value type; Unsuitable value: map of string required")
    );
    assert_eq!(
        refused("group-meta-value-205", GROUP_META_VALUE, "2.0.5"),
        format!("{head}j.nomad:5,12-15: Unsuitable value type; Unsuitable value: map of string required, but have number")
    );
}
