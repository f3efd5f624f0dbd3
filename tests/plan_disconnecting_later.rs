//! 1.11's `RescheduleLater` for a running allocation on a disconnected
//! client (stop 61 Left 4). From 1.11.2 (#27053: bdf5b27410, backported by
//! 0cef49eb41, #27264) every such allocation of a group with
//! `disconnect.lost_after` is `disconnecting` in a plan, and
//! `computeDisconnecting` sends it through
//! `updateByReschedulable(isDisconnecting)` (scheduler/reconciler/filters.go
//! v1.11.2:399-438, v2.0.5:526-570): unless its own group does not replace
//! (`ReplaceOnDisconnect`), `NextRescheduleTimeByTime(now)` with no
//! tracker is the policy's delay (30s for a service job), eligible when the
//! policy allows attempts, not due within 1s, and with no follow-up
//! evaluation it is `rescheduleLater`, counted `RescheduleLater`
//! (reconcile_cluster.go v1.11.2:1648 and :1442). Up to 1.11.1 the plan
//! reads only a group that does not replace as disconnecting, and
//! `RescheduleTimeOnDisconnect` (nomad/structs/alloc.go v1.11.1:489) gives
//! it `(now, false)`: never later. The field is JSON only (the plan's text
//! never prints it); the tool counted 0 at every release.

use crate::common;

use common::gone::{self, allocation};
use common::plan_out::tg_updates;
use common::TempDir;

/// `web` (count 1, `group` lines) at `release`, its one allocation running
/// on the disconnected `gone-1`.
fn world(tag: &str, release: &str, group: &str) -> TempDir {
    gone::world(
        &format!("disconnecting-later-{tag}"),
        release,
        "disconnected",
        "jobs/web.nomad",
        &gone::web(1, group),
        &allocation(
            "a0000001-0000-4000-8000-000000000000",
            "web",
            Some(0),
            "gone-1",
            &gone::status("running"),
        ),
    )
}

/// The group's `RescheduleLater` (0 when absent or zero).
fn later(d: &TempDir) -> u64 {
    let o = gone::plan(d, "jobs/web.nomad", "jobs/web.nomad", true);
    tg_updates(&o, "web")
        .into_iter()
        .find(|(k, _)| k == "RescheduleLater")
        .map_or(0, |(_, n)| n)
}

const LOST_AFTER: &str = "    disconnect {\n      lost_after = \"1h\"\n    }\n";

#[test]
fn from_1_11_2_a_disconnecting_allocation_waits_for_its_reschedule() {
    for release in ["1.11.2", "2.0.5"] {
        let d = world(&format!("waits-{release}"), release, LOST_AFTER);
        assert_eq!(later(&d), 1, "{release}");
    }
    // `replace = false`: kept untainted, no reschedule.
    let keep = "    disconnect {\n      lost_after = \"1h\"\n      replace    = false\n    }\n";
    assert_eq!(later(&world("keeps", "2.0.5", keep)), 0);
    // A policy that allows no attempt: not eligible.
    let none = format!(
        "{LOST_AFTER}    reschedule {{\n      attempts  = 0\n      unlimited = false\n    }}\n"
    );
    assert_eq!(later(&world("no-attempts", "2.0.5", &none)), 0);
    // Up to 1.11.1 the plan loses it (a group that replaces): nothing waits.
    assert_eq!(later(&world("lost-1111", "1.11.1", LOST_AFTER)), 0);
}
