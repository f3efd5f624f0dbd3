//! `nomad job plan`'s exit code from 1.5.0 is 0 whenever Nomad's own
//! JobDiff has `Type` None (command/job_plan.go v1.5.0 getExitCode), and
//! Job.Diff makes the job Edited only when a field, object or group diff
//! shows a change (nomad/structs/diff.go v1.9.7 Job.Diff). A job-level
//! `spread` has no diff object, yet before 1.10 it still replaces every
//! allocation (scheduler/util.go v1.9.7 tasksUpdated: spreadsUpdated). The
//! plan marks such a job edited so it never reads as "no change", but the
//! exit code is Nomad's: 0 (redteam R18-A1).

use crate::common;

use common::edit_plan::{self, web, DC1};

const WORLD: &str = "client \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}\n";

fn spread(weight: u32) -> String {
    format!("{DC1}  spread {{\n    attribute = \"${{node.datacenter}}\"\n    weight    = {weight}\n  }}\n")
}

fn plan(tag: &str, version: &str, extra: &[&str]) -> common::Out {
    plan_files(
        tag,
        version,
        &web(&spread(50), "", ""),
        &web(&spread(80), "", ""),
        extra,
    )
}

fn plan_files(tag: &str, version: &str, old: &str, new: &str, extra: &[&str]) -> common::Out {
    let cluster = format!("nomad_version = \"{version}\"\n{WORLD}");
    let dir = edit_plan::project(&format!("exit-unshown-{tag}"), &cluster, old, new);
    edit_plan::run(&dir, version, extra)
}

#[test]
fn a_job_spread_edit_exits_as_nomad_does_from_1_5() {
    for (version, update, code) in [
        // getExitCode has no "None means 0" rule before 1.5.0.
        ("1.4.0", "create/destroy update", 1),
        ("1.5.0", "create/destroy update", 0),
        ("1.9.7", "create/destroy update", 0),
        // 1.10 no longer counts spreads in tasksUpdated.
        ("2.0.5", "in-place update", 0),
    ] {
        let o = plan(version, version, &[]);
        let shown = edit_plan::head(&o);
        assert!(
            shown.contains(&format!("Task Group: \"g\" (1 {update})")),
            "{version}:\n{}{}",
            o.stdout,
            o.stderr
        );
        assert_eq!(o.code, code, "{version}:\n{}{}", o.stdout, o.stderr);
        // Still never "no change": the note says why.
        assert!(
            o.stderr.contains(
                "job changed in fields Nomad's diff does not show; Nomad's Diff.Type stays None"
            ),
            "{version}: {}",
            o.stderr
        );
    }
    let o = plan("json", "1.9.7", &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(v["Preflight"]["ExitCode"], 0, "{}", o.stdout);
    assert_eq!(o.code, 0);
}

/// The JSON `Diff` and the text are Nomad's own: Job.Diff leaves `Type`
/// None when no field, object or group diff shows a change (diff.go v0.9.3
/// and v2.0.5 Job.Diff, "Check to see if there is a diff"; no diff_test.go
/// case has an unshown job change), and formatJobDiff prints such a job
/// with no marker (command/job_plan.go v2.0.5 getDiffString). Our own
/// `Preflight` says the job changed, and where.
#[test]
fn a_job_spread_edit_is_nomads_type_none_in_json_and_text() {
    for (version, update) in [
        ("1.4.0", "create/destroy update"),
        ("1.9.7", "create/destroy update"),
        ("2.0.5", "in-place update"),
    ] {
        let o = plan(&format!("type-{version}"), version, &["--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
        assert_eq!(
            v["Diff"],
            serde_json::json!({
                "Type": "None", "ID": "web", "Fields": null, "Objects": null,
                "TaskGroups": [{
                    "Type": "None", "Name": "g", "Fields": null, "Objects": null,
                    "Tasks": [{
                        "Type": "None", "Name": "t", "Fields": null, "Objects": null,
                        "Annotations": null
                    }],
                    "Updates": {update: 1}
                }]
            }),
            "{version}"
        );
        assert_eq!(v["Preflight"]["Changed"], true, "{version}");
        assert_eq!(
            v["Preflight"]["Unmodelled"],
            serde_json::json!([{"Group": null, "Task": null, "Fields": []}]),
            "{version}"
        );
        let o = plan(&format!("text-{version}"), version, &[]);
        assert_eq!(
            edit_plan::head(&o),
            format!(
                "Job: \"web\"\nTask Group: \"g\" (1 {update})\n  Task: \"t\"\n\n\
                 Scheduler dry-run:\n- All tasks successfully allocated.\n\n"
            ),
            "{version}: {}",
            o.stderr
        );
    }
}

/// A group or task whose only change is one its diff does not show is
/// Edited in Nomad too: TaskGroup.Diff and Task.Diff start from
/// reflect.DeepEqual (diff.go v2.0.5), so the job is Edited through its
/// group. diff.go has no Spread object at any release, so a group `spread`
/// edit keeps both marked with nothing under them. Guard: main does the
/// same.
#[test]
fn a_group_spread_edit_stays_edited_as_in_nomad() {
    let group = |w: u32| {
        format!("    spread {{\n      attribute = \"${{node.datacenter}}\"\n      weight    = {w}\n    }}\n")
    };
    let o = plan_files(
        "group-spread",
        "2.0.5",
        &web(DC1, &group(50), ""),
        &web(DC1, &group(80), ""),
        &["--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(v["Diff"]["Type"], "Edited", "{}", o.stdout);
    assert_eq!(v["Diff"]["TaskGroups"][0]["Type"], "Edited");
    assert_eq!(
        v["Diff"]["TaskGroups"][0]["Fields"],
        serde_json::Value::Null
    );
    assert_eq!(
        v["Diff"]["TaskGroups"][0]["Objects"],
        serde_json::Value::Null
    );
    assert!(
        o.stderr.contains(
            "group \"g\" changed in fields Nomad's diff does not show; planned as edited"
        ),
        "{}",
        o.stderr
    );
}
