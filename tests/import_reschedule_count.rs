//! A failed allocation whose reschedule is due, in a group scaled down
//! (issue 13). Nomad's generic reconciler places a due reschedule under
//! its own name whatever its index, and counts it as existing; it stops
//! only `len(untainted) + len(migrate) - count` allocations, the highest
//! names of the name index first (which holds the due one's name too),
//! then any other in Go's map order (scheduler/reconcile.go
//! `computeStop` / `computePlacements`, v0.9.0–v1.10.5;
//! scheduler/reconciler/reconcile_cluster.go, v1.11.0–v2.0.5). From
//! v1.11.0 the placements are capped at the count (7c6c1ed0d3, #26239)
//! and a group scaled to zero stops everything it has (`filterAndStopAll`,
//! 333dd94362, #26292).
//!
//! The world: the job `web` of tests/common/batch.rs as a service job
//! (a batch job's terminal allocations of another version are only
//! ignored, `filterOldTerminalAllocs`), registered with a higher count
//! than its file's (`count` 1 or 0), on one node.

use crate::common;

use common::batch::{assert_allocs_read, assert_plan};
use common::service::{due, file, job_at, running, world};

/// 3 → 1: `web.g[0]` and `[1]` running, `[2]` due. One of the running
/// ones is stopped (Highest(1) names the due one's index, so Go's map
/// order picks), the other updated in place, and `[2]` replaced: its
/// replacement counts toward the one wanted. Before 0.9.4 the failed one
/// is not stopped.
#[test]
fn a_due_reschedule_above_the_count_is_placed() {
    for (release, group) in [
        ("0.9.3", "1 create, 1 destroy, 1 in-place update"),
        ("0.9.4", "1 create, 2 destroy, 1 in-place update"),
        ("1.5.6", "1 create, 2 destroy, 1 in-place update"),
        ("1.10.5", "1 create, 2 destroy, 1 in-place update"),
        ("2.0.5", "1 create, 2 destroy, 1 in-place update"),
    ] {
        let job = job_at(release, 3);
        let allocs = [running(1, 0, &job), running(2, 1, &job), due(3, 2, &job)];
        let d = world(
            &format!("resched-above-{release}"),
            release,
            &job,
            &allocs,
            1,
        );
        assert_allocs_read(&d, "web.nomad");
        assert_plan(&d, "web.nomad", 1, group);
    }
}

/// 3 → 1: `[0]` due, `[1]` and `[2]` running. Only one is too many
/// (the due one is not counted in `remove`): `[2]`, the highest, is
/// stopped; `[1]` stays beside `[0]`'s replacement.
#[test]
fn a_due_reschedule_below_the_count_keeps_one_more_running() {
    for (release, group) in [
        ("0.9.4", "1 create, 2 destroy, 1 in-place update"),
        ("2.0.5", "1 create, 2 destroy, 1 in-place update"),
    ] {
        let job = job_at(release, 3);
        let allocs = [due(1, 0, &job), running(2, 1, &job), running(3, 2, &job)];
        let d = world(
            &format!("resched-below-{release}"),
            release,
            &job,
            &allocs,
            1,
        );
        assert_plan(&d, "web.nomad", 1, group);
    }
}

/// 2 → 1, both due: both replaced before 1.11; from 1.11 the placements
/// are capped at the count, both failed ones still stopped
/// (`placeAllocs` stops every due one).
#[test]
fn due_reschedules_beyond_the_count_are_capped_from_1_11() {
    for (release, group) in [
        ("1.5.6", "2 create, 2 destroy"),
        ("1.10.5", "2 create, 2 destroy"),
        ("1.11.0", "1 create, 2 destroy"),
        ("2.0.5", "1 create, 2 destroy"),
    ] {
        let job = job_at(release, 2);
        let allocs = [due(1, 0, &job), due(2, 1, &job)];
        let d = world(&format!("resched-cap-{release}"), release, &job, &allocs, 1);
        assert_plan(&d, "web.nomad", 1, group);
    }
}

/// 2 → 0: `[0]` running, `[1]` due. Before 1.11 the due one is still
/// replaced; from 1.11 a group scaled to zero stops all it has.
#[test]
fn a_group_scaled_to_zero_replaces_a_due_reschedule_before_1_11() {
    for (release, group) in [
        ("1.5.6", "1 create, 2 destroy"),
        ("1.10.5", "1 create, 2 destroy"),
        ("1.11.0", "2 destroy"),
        ("2.0.5", "2 destroy"),
    ] {
        let job = job_at(release, 2);
        let allocs = [running(1, 0, &job), due(2, 1, &job)];
        let d = world(
            &format!("resched-zero-{release}"),
            release,
            &job,
            &allocs,
            0,
        );
        assert_plan(&d, "web.nomad", 1, group);
    }
}

/// 2 → 3 with a new image, the service's default `update` (max_parallel
/// 1): the new allocation takes the one the limit allows, so neither
/// running one is replaced this evaluation (`computeLimit`, then
/// `limit -= min(len(place), limit)`; 1.11's `computeUnderProvisionedBy`).
/// Before 0.10 a service job without an `update` block has none: the
/// limit is the count, both are replaced.
/// With `canary = 1` the deployment is not place ready: one canary, and
/// the allocation the group is short of waits for the promotion
/// (reconcile_test.go TestReconciler_NewCanaries_ScaleUp: `Canary: 2,
/// Ignore: 10`, no `Place`).
#[test]
fn placements_come_out_of_the_rolling_update_limit() {
    for release in ["0.9.4", "1.5.6", "1.10.5", "2.0.5"] {
        let job = job_at(release, 2);
        let allocs = [running(1, 0, &job), running(2, 1, &job)];
        let d = world(
            &format!("resched-limit-{release}"),
            release,
            &job,
            &allocs,
            3,
        );
        let image = file(3).replace("nginx:1.25", "nginx:1.26");
        d.put("web.nomad", &image);
        let limited = if release == "0.9.4" {
            "1 create, 2 create/destroy update"
        } else {
            "1 create, 2 ignore"
        };
        assert_plan(&d, "web.nomad", 1, limited);
        let canary = image.replace(
            "    count = 3\n",
            "    count = 3\n    update {\n      canary = 1\n    }\n",
        );
        d.put("web.nomad", &canary);
        assert_plan(&d, "web.nomad", 1, "1 canary, 2 ignore");
    }
}
