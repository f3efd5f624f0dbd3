//! Preemption reads each allocation's own job version's priority
//! (`alloc.Job.Priority`: scheduler/preemption.go v0.9.3:310,
//! scheduler/feasible/preemption.go v2.0.5:339; rt16e R16-50). In the list
//! form of /v1/allocations no Job is embedded: where the import does not
//! hold the version an allocation runs, its priority is unknown, and a plan
//! that evaluates preemption on its node cannot tell, never the registered
//! version's priority and "All tasks successfully allocated".

use crate::common;

use common::{copy_dir, TempDir};
use serde_json::{json, Value};

/// The `list-form` fixture with job `low` registered at version 1 while its
/// allocations run version 0, which job-versions/ does not hold (Nomad
/// tracks only version 1). `v0` adds version 0 at that priority.
fn world(name: &str, v0: Option<i64>) -> TempDir {
    let d = TempDir::new(name);
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import-allocs/list-form");
    copy_dir(&fixture, &d.0.join("w"));
    let low_path = d.0.join("w/jobs/default/low.json");
    let text = std::fs::read_to_string(&low_path).expect("fixture");
    let mut low: Value = serde_json::from_str(&text).expect("fixture json");
    low["Version"] = json!(1);
    low["JobModifyIndex"] = json!(low["JobModifyIndex"].as_u64().unwrap_or(0) + 50);
    d.put("w/jobs/default/low.json", &low.to_string());
    d.put(
        "w/jobs.json",
        r#"[{"ID":"low","Namespace":"default"},{"ID":"high","Namespace":"default"}]"#,
    );
    let mut versions = vec![low.clone()];
    if let Some(p) = v0 {
        let mut old = low.clone();
        old["Version"] = json!(0);
        old["Priority"] = json!(p);
        versions.push(old);
    }
    let saved = json!({"Versions": versions, "Diffs": null});
    d.put("w/job-versions/default/low.json", &saved.to_string());
    d
}

fn run(d: &TempDir, args: &[&str]) -> (Option<i32>, String) {
    let out = d.run(args);
    (out.status.code(), common::output_text(&out))
}

#[test]
fn plan_cannot_tell_when_preemption_meets_an_unknown_version_priority() {
    let d = world("prio-plan", None);
    let (code, text) = run(&d, &["plan", "--world", "w", "w/placing.nomad"]);
    assert_eq!(code, Some(255), "{text}");
    assert!(!text.contains("All tasks successfully allocated"), "{text}");
    assert!(
        text.contains("cannot tell") && text.contains("\"default/low\" at version 0"),
        "{text}"
    );
    let out = d.run(&[
        "plan",
        "--world",
        "w",
        "w/placing.nomad",
        "--format",
        "json",
    ]);
    let plan: Value = serde_json::from_slice(&out.stdout).expect("json");
    let unknown = &plan["Preflight"]["AllocPriority"];
    assert_eq!(unknown["JobID"], "low", "{plan}");
    assert_eq!(unknown["JobVersion"], 0, "{plan}");
    assert_eq!(plan["Preflight"]["CannotTell"], true, "{plan}");
}

#[test]
fn check_cannot_tell_when_preemption_meets_an_unknown_version_priority() {
    let d = world("prio-check", None);
    let (code, text) = run(&d, &["check", "--world", "w", "w/placing.nomad"]);
    assert_ne!(code, Some(0), "{text}");
    assert!(
        text.contains("NP225") && text.contains("at version 0"),
        "{text}"
    );
}

#[test]
fn the_version_held_decides_the_plan() {
    // Guard: with version 0 held at priority 95, the plan is known and
    // fails (95 is not 10 below 100).
    let d = world("prio-held", Some(95));
    let (code, text) = run(&d, &["plan", "--world", "w", "w/placing.nomad"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("Failed to place all allocations"), "{text}");
}

#[test]
fn an_unknown_priority_no_preemption_reads_changes_nothing() {
    // Guard: a job that fits without evicting, and one whose priority is
    // within 10 of the lowest (preempts nothing whatever the priority),
    // are planned as before.
    let d = world("prio-unread", None);
    let small = std::fs::read_to_string(d.0.join("w/placing.nomad"))
        .expect("fixture")
        .replace("cpu    = 1100", "cpu    = 10")
        .replace("memory = 1000", "memory = 10")
        .replace("mbits = 840", "mbits = 1");
    d.put("w/small.nomad", &small);
    let (code, text) = run(&d, &["plan", "--world", "w", "w/small.nomad"]);
    // Exit 1: the plan creates an allocation (`nomad job plan`'s code).
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("All tasks successfully allocated"), "{text}");
    let low = std::fs::read_to_string(d.0.join("w/placing.nomad"))
        .expect("fixture")
        .replace("priority    = 100", "priority    = 10");
    d.put("w/low.nomad", &low);
    let (code, text) = run(&d, &["plan", "--world", "w", "w/low.nomad"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("Failed to place all allocations"), "{text}");
}

/// Every view of an allocation whose running version's priority is unknown
/// says "unknown" (stop 57 Left 4), never the registered job's 30: NP403's
/// victim, `status usage`'s row, and NP405's preemption-disabled advice.
#[test]
fn the_views_say_an_unknown_priority_is_unknown() {
    let d = world("prio-views", None);
    let (_, text) = run(&d, &["check", "--world", "w", "w/placing.nomad"]);
    assert!(
        text.contains("preempts low/web (namespace \"default\", priority unknown)"),
        "{text}"
    );
    assert!(!text.contains("priority 30"), "{text}");
    let (code, text) = run(&d, &["status", "--world", "w", "usage"]);
    assert_eq!(code, Some(0), "{text}");
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("low.web[0]")).collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(
        rows.iter().all(|r| r.ends_with("priority unknown")),
        "{text}"
    );
    // Preemption off for service jobs: the advice names the candidate
    // without a number it does not know.
    let config = std::fs::read_to_string(d.0.join("w/scheduler.json")).expect("fixture");
    d.put(
        "w/scheduler.json",
        &config.replace(
            "\"ServiceSchedulerEnabled\": true",
            "\"ServiceSchedulerEnabled\": false",
        ),
    );
    let (_, text) = run(&d, &["check", "--world", "w", "w/placing.nomad"]);
    assert!(
        text.contains("NP405") && text.contains("low/web (priority unknown)"),
        "{text}"
    );
    assert!(!text.contains("priority 30"), "{text}");
}
