//! A hand-written world's allocation pinned on a disconnected client
//! (`status = "disconnected"`), planned as the release's reconciler reads
//! it, by the rule an import's is read by (`structs::disconnected_node`,
//! `world::alloc_disconnected`).
//!
//! Up to 1.11.1 `nomad job plan` runs the scheduler without
//! disconnected-client support: Job.Plan's planner is
//! `scheduler.Harness{State: ...}` (nomad/job_endpoint.go v1.5.0:1818),
//! whose `ServersMeetMinimumVersion` returns its unset field
//! (scheduler/testing.go v1.5.0:64, :253), passed on as
//! `supportsDisconnectedClients` (scheduler/generic_sched.go v1.5.0:383,
//! scheduler_system.go v1.3.0:233, v1.10.5:259, v1.11.1:253); #27265
//! removed the check in v1.11.2. So the group's window is never read there.
//!
//! The generic reconciler's `filterByTainted` (scheduler/reconcile_util.go
//! v1.3.0:269, v1.7.2:279, v1.10.5:280; scheduler/reconciler/filters.go at
//! v1.11.1:159 and v2.0.5):
//! - up to 1.11.1: `lost` (stopped and placed again: "1 create, 1
//!   destroy") whatever the window, unless the group does not replace
//!   (1.7.2–1.7.7 `prevent_reschedule_on_lost`, `PreventRescheduleOnLost`;
//!   1.8–1.9 it or `disconnect { replace = false }`,
//!   `PreventRescheduleOnDisconnect`; 1.10 on `replace = false`): then a
//!   pending one is untainted (ignored, unchanged) and a running one
//!   `disconnecting`, not simulated: "cannot tell" (exit 255);
//! - from 1.11.2 (#27053) a group without `disconnect.lost_after` loses it
//!   at once (`DisconnectTimeout(now) == now`), `replace = false` or not;
//!   with it a running one is `disconnecting`: "cannot tell".
//!
//! The system scheduler's `diffSystemAllocsForNode`
//! (scheduler/system_util.go v1.5.10, v1.7.2:167–192): up to 1.11.1 a
//! running allocation is ignored (`node.TerminalStatus()` is false for a
//! disconnected node), not stopped, whatever its group.
//!
//! Plan text and exit code per command/job_plan.go (`getExitCode`: 0 when
//! the job diff is `None`).

use crate::common;

use common::gone::{self, allocation, job};
use common::plan_out::{pairs, placed_tail, tg_updates, unchanged_one_task};
use common::{Out, TempDir};
use serde_json::Value;

const ALLOC: &str = "a0000001-0000-4000-8000-000000000000";

/// A world at `release` running `job` (of type `kind`, group lines
/// `group`) with one allocation of `status` pinned on the disconnected
/// `gone-1`.
fn world(tag: &str, release: &str, kind: &str, group: &str, status: &str) -> TempDir {
    let (type_line, group, index) = if kind == "web" {
        ("", format!("    count = 1\n{group}"), Some(0))
    } else {
        ("  type        = \"system\"\n", group.to_string(), None)
    };
    let file = format!("jobs/{kind}.nomad");
    gone::world(
        &format!("disconnected-{tag}"),
        release,
        "disconnected",
        &file,
        &job(kind, type_line, &group, "redis"),
        &allocation(ALLOC, kind, index, "gone-1", &gone::status(status)),
    )
}

fn plan(d: &TempDir, kind: &str, json: bool) -> Out {
    let file = format!("jobs/{kind}.nomad");
    gone::plan(d, &file, &file, json)
}

/// Nomad's plan of the unchanged job `kind` whose group line reads
/// `counts` (command/job_plan.go: the diff `None`, every task placed).
fn unchanged(kind: &str, counts: &str, index: u32) -> String {
    warned(kind, counts, index, "")
}

/// [`unchanged`] with the job's `warnings` (command/job_plan.go prints
/// them after the dry-run: "Job Warnings:").
fn warned(kind: &str, counts: &str, index: u32, warnings: &str) -> String {
    let tail = placed_tail(&format!("jobs/{kind}.nomad"), index.into(), warnings);
    unchanged_one_task(kind, kind, kind, counts, &tail)
}

/// The group's non-zero `DesiredTGUpdates` in the plan's JSON.
fn updates(d: &TempDir, kind: &str) -> Vec<(String, u64)> {
    tg_updates(&plan(d, kind, true), kind)
}

const WHY: &str = "allocation a0000001-0000-4000-8000-000000000000 is live on a disconnected node, which Nomad's reconciler marks `unknown` and replaces as the group's disconnect and reschedule rules allow (disconnecting), and nomad-preflight does not simulate";

/// Up to 1.11.1 the plan reads no window: a running allocation of a group
/// with one is lost (filterByTainted's `else` branch, reconcile_util.go
/// v1.3.0:269, v1.10.5:280; filters.go v1.11.1:159), stopped
/// (`computeStop`: 1 destroy) and placed again (`computePlacements`: 1
/// create). The old code read it as disconnecting: "cannot tell".
#[test]
fn up_to_1_11_1_a_plan_loses_a_running_allocation_whatever_its_window() {
    let lost_after = "    disconnect {\n      lost_after = \"1h\"\n    }\n";
    for (tag, release, group) in [
        ("mcd-13", "1.3.0", "    max_client_disconnect = \"1h\"\n"),
        ("mcd", "1.5.10", "    max_client_disconnect = \"1h\"\n"),
        ("lost-after", "1.8.0", lost_after),
        ("lost-after-111", "1.11.1", lost_after),
    ] {
        let d = world(tag, release, "web", group, "running");
        let o = plan(&d, "web", false);
        // command/job_plan.go v1.3.0:346 `getExitCode` exits 1 for any
        // stop or place; v1.5.10:394 first returns 0 for a `None` diff.
        let code = i32::from(release == "1.3.0");
        assert_eq!(o.code, code, "{release}: {}{}", o.stdout, o.stderr);
        assert_eq!(
            o.stdout,
            unchanged("web", "1 create, 1 destroy", 4),
            "{release}"
        );
        assert_eq!(updates(&d, "web"), pairs(&[("Place", 1), ("Stop", 1)]));
    }
}

/// From 1.11.2 (#27053) a running allocation of a group with `lost_after`
/// is disconnecting (filters.go v1.11.2:111), and `computeDisconnecting`
/// keeps it untainted in the plan: `updateByReschedulable` (filters.go
/// v1.11.2:399, v2.0.5 the same) places it now only when
/// `NextRescheduleTimeByTime(now)` is within 1s, and with no reschedule
/// tracker the delay is the policy's (service default 30s). Unchanged, it
/// is ignored; the follow-up evaluations are never printed
/// (command/job_plan.go `formatDryRun`). The old code: "cannot tell".
#[test]
fn from_1_11_2_a_running_allocation_with_lost_after_is_kept_in_a_plan() {
    let group = "    disconnect {\n      lost_after = \"1h\"\n    }\n";
    for release in ["1.11.2", "2.0.5"] {
        let d = world("late-kept", release, "web", group, "running");
        let o = plan(&d, "web", false);
        assert_eq!(o.code, 0, "{release}: {}{}", o.stdout, o.stderr);
        assert_eq!(o.stdout, unchanged("web", "1 ignore", 4), "{release}");
        assert!(!o.stderr.contains("alloc-state"), "{release}: {}", o.stderr);
        // Marked `unknown`: 1.11's `Disconnect` count in the JSON
        // (`computeDisconnecting`, reconcile_cluster.go v2.0.5:1646), and
        // its reschedule waits (the policy's 30s, no follow-up yet):
        // `RescheduleLater` (:1648; tests/plan_disconnecting_later.rs).
        assert_eq!(
            updates(&d, "web"),
            pairs(&[("Disconnect", 1), ("Ignore", 1), ("RescheduleLater", 1)]),
            "{release}"
        );
    }
}

/// Up to 1.11.1 a running allocation of a group that does not replace is
/// `disconnecting`, and the planned group (here the same job) decides
/// (reconcile.go v1.7.2:497, v1.10.5:507; tests/world_disconnecting_plan.rs
/// has the changed jobs): 1.7.2 `prevent_reschedule_on_lost` keeps it,
/// "1 ignore"; 1.10.5 `replace = false` without `lost_after` leaves its
/// slot vacant, placed again, "1 create" (nothing stopped). A
/// `reschedule_nodes` list (a tracker whose delays the world does not
/// hold) could place it now: "cannot tell". The old code: "cannot tell"
/// for all three.
#[test]
fn a_running_allocation_a_plan_disconnects_is_planned_by_the_planned_group() {
    let prevent = "    prevent_reschedule_on_lost = true\n";
    let no_replace = "    disconnect {\n      replace = false\n    }\n";
    for (tag, release, group, counts) in [
        ("prevent-172", "1.7.2", prevent, "1 ignore"),
        ("no-replace", "1.10.5", no_replace, "1 create"),
    ] {
        let d = world(tag, release, "web", group, "running");
        let o = plan(&d, "web", false);
        assert_eq!(o.code, 0, "{release}: {}{}", o.stdout, o.stderr);
        assert_eq!(o.stdout, unchanged("web", counts, 4), "{release}");
        assert!(!o.stderr.contains("alloc-state"), "{release}: {}", o.stderr);
    }
    let d = world("tracked", "1.7.2", "web", prevent, "running");
    let tracked = "allocation \"a0000001-0000-4000-8000-000000000000\" {\n  job    = \"web\"\n  index  = 0\n  node   = \"gone-1\"\n  status = \"running\"\n  reschedule_nodes = [\"node-1\"]\n}\n";
    d.put("rules/allocations.hcl", tracked);
    let o = plan(&d, "web", false);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, "");
    let line = format!("error: job \"web\" has an allocation in a state nomad-preflight does not simulate ({WHY}), so its plan cannot be known\n");
    assert!(o.stderr.ends_with(&line), "{}", o.stderr);
    assert!(
        o.stderr.contains("world::alloc-state: 1 jobs have a running allocation on a disconnected client, which Nomad's reconciler marks `unknown` and replaces as the group's disconnect and reschedule rules allow, and nomad-preflight does not simulate: default/web [the jobs it concerns are reported as unknown]\n"),
        "{}",
        o.stderr
    );
    let j = plan(&d, "web", true);
    assert_eq!(j.code, 255, "{}{}", j.stdout, j.stderr);
    let v: Value =
        serde_json::from_str(&j.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", j.stdout, j.stderr));
    assert_eq!(
        v["Preflight"]["WorldGuess"],
        serde_json::json!({"Kind": "AllocState", "Warning": WHY})
    );
    assert!(v["Annotations"].is_null(), "no plan: {v}");
}

#[test]
fn a_pending_allocation_a_group_keeps_is_lost_and_placed_again() {
    let d = world(
        "pending",
        "1.5.10",
        "web",
        "    max_client_disconnect = \"1h\"\n",
        "pending",
    );
    let o = plan(&d, "web", false);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, unchanged("web", "1 create, 1 destroy", 4));
    assert_eq!(updates(&d, "web"), pairs(&[("Place", 1), ("Stop", 1)]));
}

/// Nomad's warning for `prevent_reschedule_on_lost` (1.8+, the group's
/// `Warnings`), as `nomad job plan` prints it.
const PREVENT_WARNING: &str = "Job Warnings:\n1 warning(s):\n\n* Group \"web\" has warnings: 1 error occurred:\n\t* PreventRescheduleOnLost will be deprecated favor of Disconnect.Replace\n\n\n\n";

#[test]
fn from_1_8_a_group_that_does_not_replace_keeps_a_pending_allocation() {
    // 1.7.2–1.7.7 read `prevent_reschedule_on_lost`
    // (`PreventRescheduleOnLost`, structs.go v1.7.2:11040), 1.8.0–1.9.x
    // read it as not replacing (`PreventRescheduleOnDisconnect`,
    // structs.go v1.8.0:11315): a pending one untainted, 1 ignore (the
    // old code lost it at 1.7.2).
    let prevent = "    prevent_reschedule_on_lost = true\n";
    let replace = "    disconnect {\n      replace = false\n    }\n";
    for (tag, release, group, warnings) in [
        ("keep-172", "1.7.2", prevent, ""),
        ("keep-18", "1.8.0", prevent, PREVENT_WARNING),
        ("keep-19", "1.9.0", replace, ""),
    ] {
        let d = world(tag, release, "web", group, "pending");
        let o = plan(&d, "web", false);
        assert_eq!(o.code, 0, "{release}: {}{}", o.stdout, o.stderr);
        assert_eq!(
            o.stdout,
            warned("web", "1 ignore", 4, warnings),
            "{release}"
        );
        assert_eq!(updates(&d, "web"), pairs(&[("Ignore", 1)]), "{release}");
    }
    // 1.10.0 no longer does (`PreventReplaceOnDisconnect` reads
    // `disconnect.replace` only): lost, stopped and placed again. (Only the
    // counts here: 1.10's own warning for the field, "PreventRescheduleOnLost
    // is deprecated and ignored in favor of Disconnect.Replace", is the job
    // file's, src/jobspec/warnings.rs.)
    let d = world("lost-110", "1.10.0", "web", prevent, "pending");
    assert_eq!(updates(&d, "web"), pairs(&[("Place", 1), ("Stop", 1)]));
}

#[test]
fn from_1_11_2_a_group_without_lost_after_loses_a_running_allocation() {
    let group = "    disconnect {\n      replace = false\n    }\n";
    for release in ["1.11.2", "2.0.5"] {
        let d = world("late-lost", release, "web", group, "running");
        let o = plan(&d, "web", false);
        assert_eq!(o.code, 0, "{release}: {}{}", o.stdout, o.stderr);
        assert_eq!(
            o.stdout,
            unchanged("web", "1 create, 1 destroy", 4),
            "{release}"
        );
        assert_eq!(updates(&d, "web"), pairs(&[("Place", 1), ("Stop", 1)]));
    }
}

#[test]
fn up_to_1_11_1_a_system_allocation_on_a_disconnected_client_is_ignored() {
    let d = world("sys", "1.5.10", "sys", "", "running");
    let o = plan(&d, "sys", false);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, unchanged("sys", "2 create, 1 ignore", 4));
    assert_eq!(updates(&d, "sys"), pairs(&[("Ignore", 1), ("Place", 2)]));
    let keeps = world(
        "sys-keeps",
        "1.5.10",
        "sys",
        "    max_client_disconnect = \"1h\"\n",
        "running",
    );
    // The plan's system scheduler reads no window up to 1.11.1
    // (scheduler_system.go v1.5.0 passes the Harness's false;
    // system_util.go v1.7.2:167 needs it): ignored as any (the old code
    // counted it nowhere, "2 create").
    let o = plan(&keeps, "sys", false);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, unchanged("sys", "2 create, 1 ignore", 4));
    assert_eq!(
        updates(&keeps, "sys"),
        pairs(&[("Ignore", 1), ("Place", 2)])
    );
}
