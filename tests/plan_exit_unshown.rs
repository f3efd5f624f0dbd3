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
    let cluster = format!("nomad_version = \"{version}\"\n{WORLD}");
    let dir = edit_plan::project(
        &format!("exit-unshown-{tag}"),
        &cluster,
        &web(&spread(50), "", ""),
        &web(&spread(80), "", ""),
    );
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
            o.stderr
                .contains("job changed in fields Nomad's diff does not show; planned as edited"),
            "{version}: {}",
            o.stderr
        );
    }
    let o = plan("json", "1.9.7", &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(v["Preflight"]["ExitCode"], 0, "{}", o.stdout);
    assert_eq!(o.code, 0);
}
