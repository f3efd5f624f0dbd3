//! A hand-written world's live allocation on a down (or disconnected)
//! client, in a group that stops its allocations after a disconnect.
//! Nomad's reconciler stops the lost allocation ("destroy") but takes the
//! stop as delayed (`delayByStopAfterClientDisconnect`,
//! scheduler/reconcile_util.go v1.5.10; `delayByStopAfter`, v1.10.5:582,
//! scheduler/reconciler/ at v1.11.1 and v2.0.5) when `ShouldClientStop`
//! (nomad/structs/structs.go v1.3.0:9892, v1.8.0:11234, v1.10.5:11376;
//! nomad/structs/alloc.go v1.11.1:500, v2.0.5:550) finds a non-zero stop
//! timeout: `stop_after_client_disconnect` up to 1.7; it, else
//! `disconnect.stop_on_client_after`, in 1.8–1.9; the latter alone from
//! 1.10. `WaitClientStop` counts from the allocation's lost transition,
//! which a hand-written allocation has none of, so from now: always
//! later. Then nothing is placed for the group (`if len(lostLater) == 0`
//! around computePlacements: reconcile.go v1.3.0, v1.5.10:543;
//! reconcile_cluster.go v1.11.1:529, v2.0.5:522); the follow-up
//! evaluation ("alloc-failure") is never printed (command/job_plan.go
//! `formatDryRun` prints only a `rolling-update` one), and no printed
//! value depends on the clock. The old code said "cannot tell" (exit 255).

use crate::common;

use common::gone::{self, allocation};
use common::plan_out::{placed_tail, unchanged_one_task};
use common::{run_in, TempDir};

fn job(extra: &str, image: &str) -> String {
    gone::job("web", "", &format!("    count = 2\n{extra}"), image)
}

/// A world at `release` running `web` (count 2): `web[0]` on the ready
/// `node-1`, `web[1]` on `gone-1` (status `gone`); `new.nomad` the same
/// job, `changed.nomad` with another image.
fn world(tag: &str, release: &str, gone: &str, extra: &str) -> TempDir {
    let d = gone::world(
        &format!("stop-after-{tag}"),
        release,
        gone,
        "jobs/web.nomad",
        &job(extra, "redis"),
        &format!(
            "{}{}",
            allocation(
                "a0000001-0000-4000-8000-000000000000",
                "web",
                Some(0),
                "node-1",
                ""
            ),
            allocation(
                "a0000002-0000-4000-8000-000000000000",
                "web",
                Some(1),
                "gone-1",
                ""
            )
        ),
    );
    d.put("new.nomad", &job(extra, "redis"));
    d.put("changed.nomad", &job(extra, "redis:7"));
    d
}

/// command/job_plan.go's text for the unchanged job (diff None), with the
/// job's `warnings`.
fn unchanged(counts: &str, warnings: &str) -> String {
    unchanged_one_task(
        "web",
        "web",
        "web",
        counts,
        &placed_tail("new.nomad", 4, warnings),
    )
}

const STOP_AFTER: &str = "    stop_after_client_disconnect = \"30s\"\n";
/// 1.8–1.9's group warning for the old field (structs.go v1.8.0:7427), as
/// `nomad job plan` prints it.
const DEPRECATED: &str = "Job Warnings:\n1 warning(s):\n\n* Group \"web\" has warnings: 1 error occurred:\n\t* StopAfterClientDisconnect will be deprecated favor of Disconnect.StopOnClientAfter\n\n\n\n";
const STOP_ON_CLIENT: &str = "    disconnect {\n      stop_on_client_after = \"30s\"\n    }\n";

#[test]
fn a_lost_allocation_whose_stop_is_delayed_holds_back_the_groups_placements() {
    for (release, gone, extra) in [
        ("1.3.0", "down", STOP_AFTER),
        ("1.5.10", "down", STOP_AFTER),
        // Up to 1.11.1 the plan loses a disconnected client's allocation
        // too (no disconnected-client support in Job.Plan's scheduler).
        ("1.5.10", "disconnected", STOP_AFTER),
        ("1.8.0", "down", STOP_AFTER),
        ("1.9.7", "down", STOP_ON_CLIENT),
        ("1.10.5", "down", STOP_ON_CLIENT),
        ("1.11.1", "disconnected", STOP_ON_CLIENT),
        // From 1.11.2 a group without `lost_after` loses it at once
        // (filters.go v1.11.2:190, `DisconnectTimeout(now) == now`).
        ("1.11.2", "disconnected", STOP_ON_CLIENT),
        ("2.0.5", "down", STOP_ON_CLIENT),
    ] {
        let d = world("held", release, gone, extra);
        let o = run_in(&d.0, &["plan", "--world", "rules", "new.nomad"]);
        // command/job_plan.go v1.3.0 `getExitCode` exits 1 for any stop;
        // from v1.5.0 a diff of type None exits 0 first.
        let code = i32::from(release == "1.3.0");
        assert_eq!(o.code, code, "{release} {gone}: {}{}", o.stdout, o.stderr);
        let warnings = if release == "1.8.0" { DEPRECATED } else { "" };
        assert_eq!(
            o.stdout,
            unchanged("1 destroy, 1 ignore", warnings),
            "{release} {gone}"
        );
        assert!(!o.stderr.contains("alloc-state"), "{}", o.stderr);
    }
    // Where the release reads no stop timeout the lost allocation is
    // replaced: 1.10 no longer converts `stop_after_client_disconnect`
    // (command/agent/job_endpoint.go v1.10.5), and a group without either
    // setting never waits.
    for (release, extra) in [("1.5.10", ""), ("1.10.5", STOP_AFTER)] {
        let d = world("unset", release, "down", extra);
        let o = run_in(&d.0, &["plan", "--world", "rules", "new.nomad"]);
        // Exit 0: the job itself is unchanged (getExitCode, command/job_plan.go
        // v1.5.10, returns 0 for a diff of type None before it counts).
        assert_eq!(o.code, 0, "{release}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stdout
                .contains("Task Group: \"web\" (1 create, 1 destroy, 1 ignore)"),
            "{release}: {}",
            o.stdout
        );
    }
}

/// The hold is on placements only: a changed job's destructive update of
/// the ready allocation is made (computeDestructiveUpdates runs whatever
/// `lostLater`, reconcile.go v1.5.10:560).
#[test]
fn a_changed_job_still_updates_the_live_allocation() {
    let d = world("changed", "1.5.10", "down", STOP_AFTER);
    let o = run_in(&d.0, &["plan", "--world", "rules", "changed.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("Task Group: \"web\" (1 create/destroy update, 1 destroy)\n"),
        "{}",
        o.stdout
    );
}
