//! 1.11's `RescheduleLater` (stop 60 Left 4: it was always 0). Nomad's
//! generic reconciler sorts a failed allocation whose reschedule is
//! eligible but not due within `rescheduleWindowSize` (1s) into
//! `rescheduleLater` only while it has no follow-up evaluation
//! (`updateByReschedulable`, scheduler/reconciler/filters.go
//! v2.0.5:526-570: `eligible && alloc.FollowupEvalID == ""`), keeps it
//! untainted (:436-441), and counts them
//! (`createRescheduleLaterEvals`, reconcile_cluster.go v2.0.5:1442;
//! v1.11.0:1449). The field is in the API from 1.11.0 (structs.go
//! v1.11.0 `DesiredUpdates`); `nomad job plan`'s text never prints it
//! (command/job_plan.go, scheduler/annotate.go v2.0.5), so the group
//! line stays what it was.
//!
//! The world: the service job `web` of tests/common/service.rs, count 2:
//! `web.g[0]` running, `web.g[1]` failed at 12:00:00, its reschedule due
//! at 12:00:30 (the service policy's first 30s), the import saved at
//! 12:00:10.

use crate::common;

use common::service::{job_at, running, world};
use serde_json::{json, Value};

/// The plan's JSON of `web.nomad` at `release`, the failed allocation's
/// `FollowupEvalID` as given.
fn plan_json(tag: &str, release: &str, followup: &str) -> (Value, String) {
    let job = job_at(release, 2);
    let failed = common::batch::alloc(
        2,
        1,
        &job,
        json!({"ClientStatus": "failed", "JobType": "service",
            "TaskStates": common::batch::finished(true), "RescheduleTracker": null,
            "FollowupEvalID": followup}),
    );
    let d = world(tag, release, &job, &[running(1, 0, &job), failed], 2);
    d.put("import/saved-at.txt", "2024-06-01T12:00:10Z\n");
    let o = common::run_in(
        &d.0,
        &["plan", "--world", "import", "--format", "json", "web.nomad"],
    );
    let text = common::run_in(&d.0, &["plan", "--world", "import", "web.nomad"]);
    let v: Value = serde_json::from_str(&o.stdout)
        .unwrap_or_else(|e| panic!("{release}: {e}: {}{}", o.stdout, o.stderr));
    (
        v["Annotations"]["DesiredTGUpdates"]["g"].clone(),
        text.stdout,
    )
}

#[test]
fn a_waiting_reschedule_without_its_followup_is_counted_later() {
    for release in ["1.11.0", "2.0.5"] {
        let (g, text) = plan_json(&format!("later-{release}"), release, "");
        assert_eq!(g["RescheduleLater"], 1, "{release}: {g}");
        assert_eq!(g["RescheduleNow"], 0, "{release}: {g}");
        // Nothing is placed for it: it stays in the count.
        assert_eq!(g["Place"], 0, "{release}: {g}");
        assert!(!text.contains("create"), "{release}: {text}");
    }
}

/// Once its follow-up evaluation is made, the reconciler keeps it
/// untainted alone: nothing counted.
#[test]
fn a_waiting_reschedule_with_its_followup_is_not_counted() {
    let (g, _) = plan_json(
        "later-followup",
        "2.0.5",
        "f0000000-0000-4000-8000-000000000000",
    );
    assert_eq!(g["RescheduleLater"], 0, "{g}");
    assert_eq!(g["Place"], 0, "{g}");
}

/// Before 1.11.0 the API has no such field.
#[test]
fn before_1_11_the_field_is_absent() {
    let (g, _) = plan_json("later-1.10", "1.10.5", "");
    assert!(g.get("RescheduleLater").is_none(), "{g}");
}
