//! A service job's allocation that is not live (complete, failed, or told
//! to stop) on a disconnected client, planned up to 1.11.1: Job.Plan's
//! scheduler reads every allocation of the job (`AllocsByJob(ws, ns, id,
//! true)`, scheduler/generic_sched.go v1.7.2:367) and, without
//! disconnected-client support (Job.Plan's Harness: see
//! tests/world_disconnected.rs), `filterByTainted` sorts a disconnected
//! node's allocations into `lost` BEFORE its terminal check
//! (scheduler/reconcile_util.go v1.3.0:257–272, v1.5.10:267–283; from
//! v1.7.2:279–292 unless the group does not replace; reconciler/filters.go
//! v1.11.1:159). `computeStop` stops every lost one (`stop.union(lost)`,
//! reconcile.go v1.5.10 `computeStop`): "1 destroy"; `computePlacements`
//! places its name again when the group is short. 1.11.0–1.11.1 drop a
//! service job's server-terminal allocations first
//! (`filterServerTerminalAllocs`, reconcile_cluster.go v1.11.1:404); from
//! 1.11.2 the terminal check comes first (filters.go v1.11.2:139).
//!
//! The old code dropped the complete one and counted the failed one as
//! any: "1 create" and "1 ignore" where Nomad prints "1 create, 1
//! destroy".

use crate::common;

use common::gone::{self, allocation};
use common::plan_out::{pairs, placed_tail, tg_updates, unchanged_one_task};
use common::{Out, TempDir};

/// A world at `release` running the job, whose only allocation, `web[0]`
/// on the disconnected `gone-1`, has `status` (and `extra` lines).
fn world(tag: &str, release: &str, status: &str, extra: &str) -> TempDir {
    gone::world(
        &format!("disconnected-terminal-{tag}"),
        release,
        "disconnected",
        "jobs/web.nomad",
        &gone::web(1, ""),
        &allocation(
            "a0000001-0000-4000-8000-000000000000",
            "web",
            Some(0),
            "gone-1",
            &format!("{}{extra}", gone::status(status)),
        ),
    )
}

fn plan(d: &TempDir, json: bool) -> Out {
    gone::plan(d, "jobs/web.nomad", "jobs/web.nomad", json)
}

/// The unchanged job's plan (diff None: exit 0) whose group line reads
/// `counts` (command/job_plan.go).
fn unchanged(counts: &str) -> String {
    unchanged_one_task(
        "web",
        "web",
        "web",
        counts,
        &placed_tail("jobs/web.nomad", 4, ""),
    )
}

fn updates(d: &TempDir) -> Vec<(String, u64)> {
    tg_updates(&plan(d, true), "web")
}

const STOPPED: &str = "  desired = \"stop\"\n";

#[test]
fn up_to_1_11_1_a_terminal_allocation_there_is_lost_unless_nomad_drops_it_first() {
    for (release, status, extra) in [
        ("1.3.0", "complete", ""),
        ("1.5.10", "complete", ""),
        ("1.5.10", "failed", ""),
        ("1.7.2", "complete", STOPPED),
        ("1.10.5", "complete", STOPPED),
        ("1.11.1", "complete", ""),
        ("1.11.1", "failed", ""),
    ] {
        let d = world("lost", release, status, extra);
        let o = plan(&d, false);
        // command/job_plan.go v1.3.0 `getExitCode` exits 1 for any stop
        // or place; from v1.5.0 a diff of type None exits 0 first.
        let code = i32::from(release == "1.3.0");
        assert_eq!(o.code, code, "{release} {status}: {}{}", o.stdout, o.stderr);
        assert_eq!(
            o.stdout,
            unchanged("1 create, 1 destroy"),
            "{release} {status} {extra}"
        );
        assert_eq!(
            updates(&d),
            pairs(&[("Place", 1), ("Stop", 1)]),
            "{release} {status} {extra}"
        );
    }
    // Where Nomad reads it as anywhere else only the placement prints:
    // 1.11.0–1.11.1 drop a service job's server-terminal allocation
    // first (`filterServerTerminalAllocs`); from 1.11.2 the terminal
    // check precedes the node's (a complete one dropped by
    // `filterByRescheduleable`); from 1.7.2 a group that does not replace
    // keeps it untainted, dropped the same way: only the placement.
    let prevent = "    prevent_reschedule_on_lost = true\n";
    for (tag, release, extra, group) in [
        ("stopped-111", "1.11.1", STOPPED, ""),
        ("late", "1.11.2", "", ""),
        ("late-205", "2.0.5", "", ""),
        ("prevent", "1.7.2", "", prevent),
    ] {
        let d = world(tag, release, "complete", extra);
        d.put("jobs/web.nomad", &gone::web(1, group));
        assert_eq!(updates(&d), pairs(&[("Place", 1)]), "{release}");
    }
}
