//! An affinity or spread moved between the job, the group and a task is
//! the same placement preference to Nomad 0.10.2-1.9.x: `affinitiesUpdated`
//! and `spreadsUpdated` (scheduler/util.go v0.10.2:457-510,
//! v1.6.0:505-560, v1.9.7:583-640) compare the concatenation of the job's,
//! the group's and the tasks' lists, not each level, so the move is an
//! in-place update. From 1.5.2 affinities compare as a set
//! (`Affinities.Equal`), so reordering them is in place too; before, as
//! `reflect.DeepEqual`, in order. We compared level by level: "1
//! create/destroy update, 1 ignore" (exit 1) for the move.

use crate::common;

use common::edit_plan::{self, group_counts, DC1};

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

fn affinity(indent: &str, value: &str) -> String {
    format!(
        "{indent}affinity {{\n{indent}  attribute = \"${{attr.kernel.name}}\"\n{indent}  value     = \"{value}\"\n{indent}  weight    = 50\n{indent}}}\n"
    )
}

fn spread(indent: &str) -> String {
    format!("{indent}spread {{\n{indent}  attribute = \"${{node.datacenter}}\"\n{indent}}}\n")
}

/// The job with `job`, `group` and `task` blocks at each level.
fn job(job: &str, group: &str, task: &str) -> String {
    edit_plan::web(
        &format!("{DC1}{job}"),
        &format!("    count = 2\n{group}"),
        task,
    )
}

/// Exit code and the counts line of the group (stderr may add that Nomad's
/// diff shows no spread, nor a reordering: not this test's matter).
fn plan(tag: &str, version: &str, old: &str, new: &str) -> (i32, String) {
    let tag = format!("placement-levels-{tag}-{version}");
    let (code, line) = group_counts(&edit_plan::plan(&tag, CLUSTER, version, old, new), "g");
    (code, format!("{line}\n"))
}

const IN_PLACE: &str = "+/- Task Group: \"g\" (2 in-place update)\n";
const REPLACED: &str = "+/- Task Group: \"g\" (1 create/destroy update, 1 ignore)\n";

#[test]
fn an_affinity_moved_from_job_to_group_or_task_is_updated_in_place() {
    let at_job = job(&affinity("  ", "linux"), "", "");
    let at_group = job("", &affinity("    ", "linux"), "");
    let at_task = job("", "", &affinity("      ", "linux"));
    for version in ["0.10.2", "1.0.0", "1.5.1", "1.6.0", "1.9.7", "2.0.5"] {
        assert_eq!(
            plan("jg", version, &at_job, &at_group),
            (0, IN_PLACE.to_string()),
            "{version}"
        );
        assert_eq!(
            plan("gt", version, &at_group, &at_task),
            (0, IN_PLACE.to_string()),
            "{version}"
        );
    }
    // The moved affinity with another value is a replacement (0.10.2-1.9).
    let other = job("", &affinity("    ", "darwin"), "");
    assert_eq!(
        plan("jg2", "1.6.0", &at_job, &other),
        (1, REPLACED.to_string())
    );
}

#[test]
fn reordered_affinities_are_replaced_until_1_5_2() {
    let two = |a: &str, b: &str| {
        job(
            "",
            &format!("{}{}", affinity("    ", a), affinity("    ", b)),
            "",
        )
    };
    let (ab, ba) = (two("a", "b"), two("b", "a"));
    assert_eq!(plan("o1", "1.5.1", &ab, &ba), (1, REPLACED.to_string()));
    assert_eq!(plan("o2", "1.5.2", &ab, &ba), (0, IN_PLACE.to_string()));
}

#[test]
fn a_spread_moved_from_job_to_group_is_updated_in_place() {
    let at_job = job(&spread("  "), "", "");
    let at_group = job("", &spread("    "), "");
    for version in ["0.10.2", "1.6.0", "1.9.7"] {
        assert_eq!(
            plan("sp", version, &at_job, &at_group),
            (0, IN_PLACE.to_string()),
            "{version}"
        );
    }
}
