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

mod common;

use common::{run_in, Out, TempDir};
use serde_json::Value;

const CLUSTER: &str = r#"client "gone" {
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8192
  disk       = 10000
  drivers    = ["docker"]
  status     = "disconnected"
}
client "node" {
  count      = 2
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8192
  disk       = 10000
  drivers    = ["docker"]
}
"#;

const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"web\" {\n    count = 1\n    task \"web\" {\n      driver = \"docker\"\n      config { image = \"redis\" }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

/// A world at `release` running the job, whose only allocation, `web[0]`
/// on the disconnected `gone-1`, has `status` (and `extra` lines).
fn world(tag: &str, release: &str, status: &str, extra: &str) -> TempDir {
    let d = TempDir::new(&format!("disconnected-terminal-{tag}"));
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{release}\"\n{CLUSTER}running = [\"jobs/web.nomad\"]\n"),
    );
    d.put(
        "rules/allocations.hcl",
        &format!("allocation \"a0000001-0000-4000-8000-000000000000\" {{\n  job    = \"web\"\n  index  = 0\n  node   = \"gone-1\"\n  status = \"{status}\"\n{extra}}}\n"),
    );
    d.put("jobs/web.nomad", JOB);
    d
}

fn plan(d: &TempDir, json: bool) -> Out {
    let file = "jobs/web.nomad";
    let mut args = vec!["plan", "--world", "rules", file, "--running", file];
    if json {
        args.extend(["--format", "json"]);
    }
    run_in(&d.0, &args)
}

/// The unchanged job's plan (diff None: exit 0) whose group line reads
/// `counts` (command/job_plan.go).
fn unchanged(counts: &str) -> String {
    format!("Job: \"web\"\nTask Group: \"web\" ({counts})\n  Task: \"web\"\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\nJob Modify Index: 4\nTo submit the job with version verification run:\n\nnomad job run -check-index 4 jobs/web.nomad\n\nWhen running the job with the check-index flag, the job will only be run if the\njob modify index given matches the server-side version. If the index has\nchanged, another user has modified the job and the plan's results are\npotentially invalid.\n")
}

fn updates(d: &TempDir) -> Vec<(String, u64)> {
    let o = plan(d, true);
    let v: Value =
        serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", o.stdout, o.stderr));
    let mut got: Vec<(String, u64)> = v["Annotations"]["DesiredTGUpdates"]["web"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, n)| Some((k.clone(), n.as_u64()?)).filter(|(_, n)| *n > 0))
        .collect();
    got.sort();
    got
}

fn pairs(want: &[(&str, u64)]) -> Vec<(String, u64)> {
    want.iter().map(|(k, n)| (k.to_string(), *n)).collect()
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
        d.put(
            "jobs/web.nomad",
            &JOB.replace("    count = 1\n", &format!("    count = 1\n{group}")),
        );
        assert_eq!(updates(&d), pairs(&[("Place", 1)]), "{release}");
    }
}
