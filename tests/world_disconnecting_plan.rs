//! A running allocation on a disconnected client whose group does not
//! replace it, planned up to 1.11.1: `filterByTainted` makes it
//! `disconnecting` (the plan's scheduler has no disconnected-client
//! support, Job.Plan's Harness/PlanBuilder: nomad/job_endpoint.go
//! v1.7.2:1916, v1.10.5:1896, v1.11.1:1895), and the PLANNED group decides
//! what computeGroup does with it (scheduler/reconcile.go v1.7.2:497–524,
//! v1.8.0:506–526, v1.10.5:507–520; scheduler/reconciler/reconcile_cluster.go
//! v1.11.1:1636 `computeDisconnecting`):
//! - a window (1.7.2–1.7.7 `max_client_disconnect` set; 1.8–1.9
//!   `GetDisconnectLostTimeout() != 0`; 1.10–1.11.1 `disconnect.lost_after`
//!   non-zero): `filterByRescheduleable(isDisconnecting)`, untainted (no
//!   reschedule tracker: the policy's delay, 30s, is past the 1s window of
//!   `updateByReschedulable`, reconcile_util.go v1.7.2:490; 1.8+
//!   `RescheduleTimeOnDisconnect` gives `(now, false)` for `replace =
//!   false`, structs.go v1.8.0:11223);
//! - else 1.7.2–1.9.x the field `prevent_reschedule_on_lost`: untainted;
//! - else in no set: not counted, not stopped, its name left out of
//!   `nameIndex` (reconcile.go v1.7.2:540), so `computePlacements` places
//!   the group's count again ("1 create").
//!
//! Untainted, it is ignored when the job is unchanged and updated as any
//! when it changed (`computeUpdates`; the group fields changed here are
//! not task fields, `tasksUpdated`: in place). The old code said "cannot
//! tell" (exit 255) for every one of these.

use crate::common;

use common::gone::{self, allocation};
use common::plan_out::{pairs, placed_tail, tg_updates};
use common::{Out, TempDir};

/// A world at `release` running `jobs/web.nomad` (group lines `running`)
/// with `web[0]` running on the disconnected `gone-1`, and `new.nomad`
/// (group lines `planned`).
fn world(tag: &str, release: &str, running: &str, planned: &str) -> TempDir {
    let d = gone::world(
        &format!("disconnecting-plan-{tag}"),
        release,
        "disconnected",
        "jobs/web.nomad",
        &gone::web(1, running),
        &allocation(
            "a0000001-0000-4000-8000-000000000000",
            "web",
            Some(0),
            "gone-1",
            &gone::status("running"),
        ),
    );
    d.put("new.nomad", &gone::web(1, planned));
    d
}

fn plan(d: &TempDir, json: bool) -> Out {
    gone::plan(d, "new.nomad", "jobs/web.nomad", json)
}

/// command/job_plan.go's text after the group lines.
fn tail(warnings: &str) -> String {
    placed_tail("new.nomad", 4, warnings)
}

/// The plan of a job whose group keeps its one allocation as it was:
/// exit 0, only the group's `(1 bucket)` line, then Nomad's tail.
fn assert_unchanged(d: &TempDir, release: &str, bucket: &str, warnings: &str) -> Out {
    let o = plan(d, false);
    assert_eq!(o.code, 0, "{release}: {}{}", o.stdout, o.stderr);
    assert_eq!(
        o.stdout,
        format!(
            "Job: \"web\"\nTask Group: \"web\" (1 {bucket})\n  Task: \"web\"\n{}",
            tail(warnings)
        ),
        "{release}"
    );
    o
}

/// The group's non-zero `DesiredTGUpdates` in the plan's JSON.
fn updates(d: &TempDir) -> Vec<(String, u64)> {
    tg_updates(&plan(d, true), "web")
}

const PREVENT: &str = "    prevent_reschedule_on_lost = true\n";
const MCD: &str = "    max_client_disconnect = \"1h\"\n";
const NO_REPLACE: &str = "    disconnect {\n      replace = false\n    }\n";
const NO_REPLACE_WINDOW: &str =
    "    disconnect {\n      lost_after = \"1h\"\n      replace    = false\n    }\n";

/// Nomad's warning for `prevent_reschedule_on_lost` (1.8–1.9, the
/// group's `Warnings`, structs.go v1.8.0:7431), as `nomad job plan`
/// prints it.
const PREVENT_WARNING: &str = "Job Warnings:\n1 warning(s):\n\n* Group \"web\" has warnings: 1 error occurred:\n\t* PreventRescheduleOnLost will be deprecated favor of Disconnect.Replace\n\n\n\n";

/// 1.7.2–1.7.7 (reconcile.go v1.7.2:497 `if tg.MaxClientDisconnect !=
/// nil` ... `else if tg.PreventRescheduleOnLost`): the planned group keeps
/// the allocation or leaves its slot vacant.
#[test]
fn at_1_7_the_planned_group_keeps_it_or_places_its_slot_again() {
    for release in ["1.7.2", "1.7.7"] {
        // Unchanged: the planned group prevents, untainted, ignored. Exit
        // 0: the diff is None (command/job_plan.go getExitCode).
        let d = world("172-same", release, PREVENT, PREVENT);
        let o = assert_unchanged(&d, release, "ignore", "");
        assert!(!o.stderr.contains("alloc-state"), "{}", o.stderr);
        // The planned group drops the field: in no set, its name placed
        // again, nothing stopped.
        let d = world("172-vacant", release, PREVENT, "");
        let o = plan(&d, false);
        assert_eq!(o.code, 1, "{release}: {}{}", o.stdout, o.stderr);
        assert_eq!(
            o.stdout,
            format!("+/- Job: \"web\"\n+/- Task Group: \"web\" (1 create)\n  +/- PreventRescheduleOnLost: \"true\" => \"false\"\n      Task: \"web\"\n{}", tail("")),
            "{release}"
        );
        assert_eq!(updates(&d), pairs(&[("Place", 1)]), "{release}");
        // It swaps the field for max_client_disconnect: the window's
        // branch, untainted, updated in place (exit 0: getExitCode counts
        // no in-place update).
        let d = world("172-window", release, PREVENT, MCD);
        let o = plan(&d, false);
        assert_rejected_on_the_disconnected_node(&o, release);
        assert_eq!(
            nomads_text(&o.stdout),
            format!("+/- Job: \"web\"\n+/- Task Group: \"web\" (1 in-place update)\n  +   MaxClientDisconnect:     \"3600000000000\"\n  +/- PreventRescheduleOnLost: \"true\" => \"false\"\n      Task: \"web\"\n{}", tail("")),
            "{release}"
        );
        assert_eq!(updates(&d), pairs(&[("InPlaceUpdate", 1)]), "{release}");
    }
}

/// 1.8–1.9 (reconcile.go v1.8.0:510 `tg.GetDisconnectLostTimeout() != 0`,
/// :521 `else if tg.PreventRescheduleOnLost`): `disconnect { replace =
/// false }` without `lost_after` keeps no window and sets no field, so
/// even the unchanged job places the slot again; the field keeps it.
#[test]
fn at_1_8_and_1_9_replace_false_without_a_window_leaves_the_slot_vacant() {
    for release in ["1.8.0", "1.9.7"] {
        let d = world("18-vacant", release, NO_REPLACE, NO_REPLACE);
        assert_unchanged(&d, release, "create", "");
        assert_eq!(updates(&d), pairs(&[("Place", 1)]), "{release}");
        let d = world("18-window", release, NO_REPLACE_WINDOW, NO_REPLACE_WINDOW);
        assert_eq!(updates(&d), pairs(&[("Ignore", 1)]), "{release}");
        let d = world("18-prevent", release, PREVENT, PREVENT);
        assert_unchanged(&d, release, "ignore", PREVENT_WARNING);
    }
}

/// 1.10–1.11.1 (reconcile.go v1.10.5:508, reconcile_cluster.go
/// v1.11.1:1636: `GetDisconnectLostTimeout`, `lost_after` only, and no
/// `prevent_reschedule_on_lost` branch).
#[test]
fn from_1_10_to_1_11_1_only_the_planned_lost_after_keeps_it() {
    for release in ["1.10.5", "1.11.1"] {
        // Disconnecting whatever the planned group then does: 1.11's
        // `Disconnect` count (reconcile_cluster.go v1.11.1:1655), a field
        // 1.10.5 does not have.
        let marked = |p: &[(&'static str, u64)]| {
            let mut v = p.to_vec();
            if release == "1.11.1" {
                v.insert(0, ("Disconnect", 1));
            }
            pairs(&v)
        };
        let d = world("110-vacant", release, NO_REPLACE, NO_REPLACE);
        assert_unchanged(&d, release, "create", "");
        let d = world("110-kept", release, NO_REPLACE_WINDOW, NO_REPLACE_WINDOW);
        assert_eq!(updates(&d), marked(&[("Ignore", 1)]), "{release}");
        // The planned job adds the window: untainted, updated in place.
        let d = world("110-added", release, NO_REPLACE, NO_REPLACE_WINDOW);
        let o = plan(&d, false);
        assert_rejected_on_the_disconnected_node(&o, release);
        assert_eq!(
            nomads_text(&o.stdout),
            format!("+/- Job: \"web\"\n+/- Task Group: \"web\" (1 in-place update)\n  +/- Disconnect {{\n    +/- LostAfter:         \"0\" => \"3600000000000\"\n        Reconcile:         \"best_score\"\n        Replace:           \"false\"\n        StopOnClientAfter: \"nil\"\n      }}\n      Task: \"web\"\n{}", tail("")),
            "{release}"
        );
        // It drops the window: vacant, placed again.
        let d = world("110-dropped", release, NO_REPLACE_WINDOW, NO_REPLACE);
        assert_eq!(updates(&d), marked(&[("Place", 1)]), "{release}");
    }
}

/// Nomad's plan text, without the warnings of ours that follow it.
fn nomads_text(stdout: &str) -> &str {
    stdout
        .split("\n== nomad-preflight: warning")
        .next()
        .unwrap_or(stdout)
}

/// The allocation stays `running` on its disconnected client in this
/// world, and an in-place update of it is a plan that puts more than
/// allocations marked `unknown` on a disconnected node: Nomad's plan
/// applier rejects it (isValidForDisconnectedNode, nomad/plan_apply.go
/// v1.3.0 through v2.0.5:848-856), though `job plan` prints the update.
///
/// Checked for 1.7.2-1.7.7, the releases tested (PreventRescheduleOnLost
/// is new in 1.7.2), against each tag's source (stop 58; stop 57's
/// reading confirmed):
/// - isValidForDisconnectedNode is the same loop at v1.7.0
///   (nomad/plan_apply.go:784-792) and v1.7.7 (:789-797): any entry of
///   the node's NodeAllocation whose ClientStatus is not `unknown` fails.
/// - `nomad job run`'s worker reaches the same plan as Job.Plan here,
///   though its planner meets the minimum version and Job.Plan's Harness
///   does not (nomad/job_endpoint.go v1.7.7:1916, scheduler/testing.go
///   :256): Allocation.SupportsDisconnectedClients reads the allocation's
///   own group's MaxClientDisconnect (structs.go v1.7.0:11008-11020,
///   v1.7.7:11045-11057), which the running version lacks, so
///   filterByTainted takes the PreventRescheduleOnLost branch in both
///   (scheduler/reconcile_util.go v1.7.7:265-292): `disconnecting`.
/// - computeGroup then both marks it unknown
///   (appendUnknownDisconnectingUpdates, reconcile.go v1.7.7:1499-1507)
///   and, the planned group having max_client_disconnect, unions it into
///   `untainted` (:496-516), whose in-place update is a shallow copy of
///   the running allocation (genericAllocUpdateFn, scheduler/util.go
///   v1.7.7:993-994: ClientStatus stays `running`). Both are appended to
///   the node's NodeAllocation (generic_sched.go v1.7.7:420-437;
///   AppendUnknownAlloc and AppendAlloc append, structs.go), so the
///   applier sees a `running` entry and rejects the node.
///
/// How `nomad job run` then ends after the worker's retries cannot be
/// told (exit 255, rv17 4).
fn assert_rejected_on_the_disconnected_node(o: &Out, release: &str) {
    assert_eq!(o.code, 255, "{release}: {}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains(
            "is rejected by Nomad's plan applier on node \"gone-1\" (the node is disconnected"
        ),
        "{release}: {}",
        o.stdout
    );
}
