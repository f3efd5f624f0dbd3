//! A service job's running allocation on a down client, planned at each
//! release. `filterByTainted`'s branch for a node whose status is terminal
//! (scheduler/reconcile_util.go v1.7.2:364-378 and v1.7.7,
//! `PreventRescheduleOnLost`; v1.8.0, v1.9.7 `PreventRescheduleOnDisconnect`;
//! v1.10.0, v1.10.5 `PreventReplaceOnDisconnect`; reconciler/filters.go
//! v1.11.0-v2.0.2 `!ReplaceOnDisconnect`, the classification rules
//! "Terminal node allocations ..." v2.0.3-v2.0.5): when the group of the
//! version it runs does not replace, a running one is `disconnecting`
//! (marked `unknown`, never printed); otherwise, and before 1.7.2, lost
//! (stopped and placed again: "1 create, 1 destroy"). What computeGroup
//! does with a `disconnecting` one is the same on a down node as on a
//! disconnected one, by the PLANNED group (reconcile.go v1.7.7:496-516,
//! v1.8.0:506-526, v1.10.5:507-520; reconcile_cluster.go v2.0.5:1618
//! `computeDisconnecting`): up to 1.11.1 kept (untainted) when it has a
//! window or (1.7.2-1.9.x) the field `prevent_reschedule_on_lost`, else
//! in no set, its slot placed again ("1 create", nothing stopped); from
//! 1.11.2 kept. The old code lost every allocation on a down node.

use crate::common;

use common::gone::{self, allocation};
use common::plan_out::{pairs, placed_tail, tg_updates};
use common::{Out, TempDir};

/// A world at `release` running `jobs/web.nomad` (group lines `running`)
/// with `web[0]` running on the down `gone-1` (then `extra` lines), and
/// `new.nomad` (group lines `planned`).
fn world(tag: &str, release: &str, running: &str, planned: &str, extra: &str) -> TempDir {
    let d = gone::world(
        &format!("down-node-{tag}"),
        release,
        "down",
        "jobs/web.nomad",
        &gone::web(1, running),
        &allocation(
            "a0000001-0000-4000-8000-000000000000",
            "web",
            Some(0),
            "gone-1",
            &format!("{}{extra}", gone::status("running")),
        ),
    );
    d.put("new.nomad", &gone::web(1, planned));
    d
}

fn plan(d: &TempDir, json: bool) -> Out {
    gone::plan(d, "new.nomad", "jobs/web.nomad", json)
}

/// The whole text of the unchanged job's plan, its group line reading
/// `(1 bucket)`, with Nomad's `warnings` before the index.
fn unchanged(bucket: &str, warnings: &str) -> String {
    format!(
        "Job: \"web\"\nTask Group: \"web\" ({bucket})\n  Task: \"web\"\n{}",
        placed_tail("new.nomad", 4, warnings)
    )
}

const PREVENT: &str = "    prevent_reschedule_on_lost = true\n";
const MCD: &str = "    max_client_disconnect = \"1h\"\n";
const NO_REPLACE: &str = "    disconnect {\n      replace = false\n    }\n";

/// Nomad's warning for `prevent_reschedule_on_lost` (1.8–1.9, the
/// group's `Warnings`, structs.go v1.8.0:7431), as `nomad job plan`
/// prints it.
const PREVENT_WARNING: &str = "Job Warnings:\n1 warning(s):\n\n* Group \"web\" has warnings: 1 error occurred:\n\t* PreventRescheduleOnLost will be deprecated favor of Disconnect.Replace\n\n\n\n";

/// The plan of `d`: exit `code`, Nomad's whole text `want`, no "cannot
/// tell".
fn assert_plan(d: &TempDir, release: &str, code: i32, want: &str) {
    let o = plan(d, false);
    assert_eq!(o.code, code, "{release}: {}{}", o.stdout, o.stderr);
    assert!(!o.stderr.contains("alloc-state"), "{release}: {}", o.stderr);
    assert_eq!(o.stdout, want, "{release}");
}

/// 1.7.2–1.9.x: `prevent_reschedule_on_lost` keeps it. Unchanged, the
/// planned group has the field too: untainted, ignored (exit 0). The
/// plan's `unknown` mark on the down node passes the applier's
/// isValidForDownNode (plan_apply.go v1.7.7:802-811): no warning.
#[test]
fn from_1_7_2_a_group_that_does_not_reschedule_keeps_it() {
    for (release, warnings) in [
        ("1.7.2", ""),
        ("1.7.7", ""),
        ("1.8.0", PREVENT_WARNING),
        ("1.9.7", PREVENT_WARNING),
    ] {
        let d = world("prevent", release, PREVENT, PREVENT, "");
        assert_plan(&d, release, 0, &unchanged("1 ignore", warnings));
        assert_eq!(
            tg_updates(&plan(&d, true), "web"),
            pairs(&[("Ignore", 1)]),
            "{release}"
        );
    }
}

/// `disconnect { replace = false }` (1.8 on) makes it `disconnecting`
/// too; without a window or the field the planned group of 1.8–1.11.1
/// leaves its slot vacant: placed again, nothing stopped ("1 create").
/// From 1.11.2 it is kept. A group without it replaces: lost, as before.
#[test]
fn replace_false_keeps_it_from_1_8_and_a_group_that_replaces_loses_it() {
    for (release, group, bucket) in [
        ("1.8.0", NO_REPLACE, "1 create"),
        ("1.10.5", NO_REPLACE, "1 create"),
        ("1.11.1", NO_REPLACE, "1 create"),
        ("1.11.2", NO_REPLACE, "1 ignore"),
        ("2.0.5", NO_REPLACE, "1 ignore"),
        ("2.0.5", "", "1 create, 1 destroy"),
    ] {
        let d = world("replace", release, group, group, "");
        assert_plan(&d, release, 0, &unchanged(bucket, ""));
    }
    let d = world("replace-json", "1.8.0", NO_REPLACE, NO_REPLACE, "");
    assert_eq!(tg_updates(&plan(&d, true), "web"), pairs(&[("Place", 1)]));
}

/// Before 1.7.2 a down node loses every allocation, whatever its group:
/// the field does not exist (v1.7.1's filterByTainted: `taintedNode ==
/// nil || taintedNode.TerminalStatus()` → lost). A guard: the old code
/// said the same.
#[test]
fn before_1_7_2_every_allocation_on_a_down_node_is_lost() {
    for release in ["1.6.9", "1.7.1"] {
        let d = world("before", release, MCD, MCD, "");
        assert_plan(&d, release, 0, &unchanged("1 create, 1 destroy", ""));
        assert_eq!(
            tg_updates(&plan(&d, true), "web"),
            pairs(&[("Place", 1), ("Stop", 1)]),
            "{release}"
        );
    }
}

/// Kept and updated in place on the down node (the planned group adds a
/// window: untainted), the plan puts a `running` copy there beside the
/// `unknown` mark: the applier's isValidForDownNode rejects the node
/// (every entry must be `lost`, or `unknown` of a group that does not
/// replace: plan_apply.go v1.7.7:802-811). Nomad's plan text stays; our
/// warning says `nomad job run` of it is rejected there, and how the run
/// ends after the worker's retries cannot be told (exit 255).
#[test]
fn an_in_place_update_of_the_kept_allocation_is_rejected_by_the_applier() {
    let d = world("inplace", "1.7.7", PREVENT, &format!("{PREVENT}{MCD}"), "");
    let o = plan(&d, false);
    assert!(
        o.stdout.starts_with(
            "+/- Job: \"web\"\n+/- Task Group: \"web\" (1 in-place update)\n  + MaxClientDisconnect: \"3600000000000\"\n    Task: \"web\"\n"
        ),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(
        o.stdout.contains("rejected by Nomad's plan applier on node \"gone-1\" (the node is down and the plan puts on it more than allocations marked lost, or unknown where their group does not replace them"),
        "{}",
        o.stdout
    );
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("\nerror: cannot tell how `nomad job run` of this plan ends: "),
        "{}",
        o.stderr
    );
}

/// Where the world cannot decide what the plan does with a
/// `disconnecting` one (its `reschedule_nodes`: a tracker whose delays
/// the world does not hold), the job's plan is "cannot tell", as on a
/// disconnected client: one line, exit 255.
#[test]
fn a_reschedule_tracker_the_world_does_not_hold_cannot_be_told() {
    let d = world(
        "tracker",
        "1.7.7",
        PREVENT,
        &format!("{PREVENT}{MCD}"),
        "  reschedule_nodes = [\"node-1\"]\n",
    );
    let o = plan(&d, false);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("alloc-state"), "{}", o.stderr);
    assert!(o.stderr.contains("on a down node"), "{}", o.stderr);
    assert!(!o.stdout.contains("successfully"), "{}", o.stdout);
}
