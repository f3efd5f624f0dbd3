//! rt17e R17-53: `plan` prints the servers' Job Warning `Memory
//! oversubscription is not enabled; Task "g.t" memory_max value will be
//! ignored.` (nomad/job_endpoint_hooks.go v1.7.7:496-520
//! `memoryOversubscriptionValidate`) but `check` said nothing, though
//! docs/validation-coverage.md says it reports the Job Warnings. It is
//! `jobspec::admission` now, located at `memory_max`, and where the world
//! does not state the setting NP221 says the plan assumed Nomad's default
//! (off), as it does for preemption.

use crate::common;

const JOB: &str = "job \"maxmem\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = 1\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25\"\n      }\n      resources {\n        cpu        = 100\n        memory     = 100\n        memory_max = 9000\n      }\n    }\n  }\n}\n";

const WARNING: &str = "Memory oversubscription is not enabled; Task \"g.t\" memory_max value will be ignored. Update the Scheduler Configuration to allow oversubscription.";

fn project(tag: &str, scheduler: &str) -> common::TempDir {
    let d = common::one_client_project(
        &format!("admission-warn-{tag}"),
        "1.7.7",
        "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"docker\"]\n",
        JOB,
    );
    if !scheduler.is_empty() {
        let cluster = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).unwrap();
        d.put(
            "rules/cluster.hcl",
            &format!("{cluster}\nscheduler {{\n{scheduler}}}\n"),
        );
    }
    d
}

fn check(d: &common::TempDir) -> (Option<i32>, String) {
    let o = d.run(&["check", "--output-format", "concise", "jobs/web.nomad"]);
    (o.status.code(), common::output_text(&o))
}

#[test]
fn check_reports_the_memory_max_warning_plan_prints() {
    let d = project("unstated", "");
    let plan = common::output_text(&d.run(&["plan", "jobs/web.nomad"]));
    assert!(plan.contains(WARNING), "{plan}");
    let (code, text) = check(&d);
    assert!(
        text.contains(&format!(
            "jobs/web.nomad:13:9: jobspec::admission [warning] {WARNING}"
        )),
        "{text}"
    );
    assert!(
        text.contains("NP221 [advice] planned with Nomad's default memory oversubscription setting (off): the world does not state it"),
        "{text}"
    );
    // A warning, as Nomad admits the job: the default threshold passes.
    assert_eq!(code, Some(0), "{text}");
}

/// Stated off: the warning stays, the note goes.
#[test]
fn a_stated_setting_needs_no_note() {
    let d = project("off", "  memory_oversubscription = false\n");
    let (_, text) = check(&d);
    assert!(text.contains("jobspec::admission [warning]"), "{text}");
    assert!(!text.contains("NP221"), "{text}");
}

/// Guard (passes on the baseline too): oversubscription on, no warning.
#[test]
fn oversubscription_on_warns_of_nothing() {
    let d = project("on", "  memory_oversubscription = true\n");
    let plan = common::output_text(&d.run(&["plan", "jobs/web.nomad"]));
    assert!(!plan.contains("Memory oversubscription"), "{plan}");
    let (code, text) = check(&d);
    assert!(!text.contains("jobspec::admission"), "{text}");
    assert_eq!(code, Some(0), "{text}");
}
