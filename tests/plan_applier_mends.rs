//! Review mends of the plan applier's verdict (reviewer rv-a, stop 57).
//!
//! A group the quota refuses in part and whose placed part the applier
//! rejects is still an error: NP304 alone is a warning, and `check` exited
//! 0 for a plan Nomad rejects every time (nomad/plan_apply.go v2.0.5
//! evaluateNodePlan; the quota is checked by the scheduler, not there).
//!
//! A job with `all_at_once` loses its whole plan to one rejected node:
//! `Evaluation.MakePlan` copies AllAtOnce into the plan
//! (nomad/structs/eval.go v2.0.5:420) and the applier then empties
//! NodeAllocation, NodeUpdate, NodePreemptions and Deployment
//! (nomad/plan_apply.go v2.0.5:626-635), so a group planned on a free node
//! is not created either.

use crate::common::applier::{commit, out};
use crate::common::TempDir;

/// A job pinned to node `node`, of `groups` (name, count, memory MB).
fn job(
    name: &str,
    namespace: &str,
    priority: u32,
    extra: &str,
    groups: &[(&str, u32, u32, &str)],
) -> String {
    let body: String = groups
        .iter()
        .map(|(g, count, memory, node)| {
            format!("  group \"{g}\" {{\n    count = {count}\n    constraint {{\n      attribute = \"${{node.unique.name}}\"\n      value = \"{node}\"\n    }}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"redis:3\" }}\n      resources {{\n        cpu = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n")
        })
        .collect();
    format!("job \"{name}\" {{\n  namespace = \"{namespace}\"\n  datacenters = [\"dc1\"]\n  priority = {priority}\n{extra}{body}}}\n")
}

/// Two clients "c-1" and "d-1" of 4000 MHz and 4000 MB, service
/// preemption on, Nomad 2.0.5 `edition`, running `running`.
fn cluster(edition: &str, running: &str) -> String {
    // Named in a `node` block, as the jobs pin it by name (a hand-written
    // pool's names are made up); the ID is the one the pool derives.
    let client = |n: &str, id: &str| {
        format!("client \"{n}\" {{\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 100000\n  drivers = [\"docker\"]\n  node \"{n}-1\" {{\n    id = \"{id}\"\n  }}\n}}\n")
    };
    format!(
        "nomad_version = \"2.0.5\"\nregion = \"global\"\nedition = \"{edition}\"\nscheduler {{\n  algorithm = \"binpack\"\n  preemption {{\n    system = true\n    sysbatch = false\n    batch = false\n    service = true\n  }}\n}}\n{}{}running = [{running}]\n",
        client("c", "eae0d007-d997-ac91-3059-9bbe7208e4b7"),
        client("d", "5645eb38-42de-2c61-8e38-fed17402efac")
    )
}

/// rv-a's q1: R16-10's node (`high` 1 × 1800 MB beside `low` 2 × 1000 MB
/// on c-1) with `high` in a namespace whose quota has room for one more
/// allocation; `high` scaled 1 -> 3. The scheduler places one (preempting
/// one of `low`'s), the quota refuses the third, and the applier rejects
/// c-1's part (1800 × 2 + 1000 > 4000 MB).
fn quota_world(tag: &str) -> TempDir {
    let d = TempDir::new(&format!("mend-quota-{tag}"));
    d.put(
        "rules/cluster.hcl",
        &cluster(
            "enterprise",
            "\"jobs/other.nomad\", \"jobs/high.nomad\", \"jobs/low.nomad\"",
        ),
    );
    d.put(
        "rules/namespaces/default.hcl",
        "name = \"default\"\nquota = \"q\"\n",
    );
    d.put("rules/namespaces/b.hcl", "name = \"b\"\n");
    d.put(
        "rules/quotas/q.hcl",
        "name = \"q\"\nlimit {\n  region = \"global\"\n  region_limit {\n    cpu = 4000\n    memory = 5400\n  }\n}\n",
    );
    d.put(
        "jobs/other.nomad",
        &job("other", "default", 50, "", &[("g", 1, 1800, "d-1")]),
    );
    d.put(
        "jobs/low.nomad",
        &job("low", "b", 20, "", &[("g", 2, 1000, "c-1")]),
    );
    d.put(
        "jobs/high.nomad",
        &job("high", "default", 50, "", &[("g", 1, 1800, "c-1")]),
    );
    commit(&d);
    d.put(
        "jobs/high.nomad",
        &job("high", "default", 50, "", &[("g", 3, 1800, "c-1")]),
    );
    d
}

/// `check` fails the job with NP207 (an error), beside NP304's error,
/// and says NP304's share in the quota's words.
#[test]
fn check_fails_a_quota_limited_group_the_applier_rejects() {
    let d = quota_world("check");
    let (code, stdout, stderr) = out(&d.run(&["check", "jobs/high.nomad"]));
    let text = format!("{stdout}{stderr}");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("NP207 [error] group \"g\" is planned as allocated, but `nomad job run` of this plan is rejected by Nomad's plan applier on node \"c-1\""),
        "{text}"
    );
    assert!(text.contains("NP304 [error]"), "{text}");
}

/// NP304's sampled share says the quota refuses the group, not that the
/// group fails to place.
#[test]
fn np304_share_says_the_quota_refuses_it() {
    let d = quota_world("np304");
    let (_, stdout, stderr) = out(&d.run(&["check", "jobs/high.nomad"]));
    let text = format!("{stdout}{stderr}");
    let np304 = text
        .lines()
        .find(|l| l.contains("NP304"))
        .expect("NP304 fires");
    assert!(np304.contains("; the quota refuses it in all "), "{np304}");
    assert!(!np304.contains("; it fails in"), "{np304}");
}

/// rv-a's aao: `high` (all_at_once) grows g on c-1 past what the applier
/// holds and adds h on the free d-1.
fn all_at_once_world(tag: &str) -> TempDir {
    let d = TempDir::new(&format!("mend-aao-{tag}"));
    d.put(
        "rules/cluster.hcl",
        &cluster("community", "\"jobs/high.nomad\", \"jobs/low.nomad\""),
    );
    let aao = "  all_at_once = true\n";
    d.put(
        "jobs/low.nomad",
        &job("low", "default", 20, "", &[("g", 2, 1000, "c-1")]),
    );
    d.put(
        "jobs/high.nomad",
        &job("high", "default", 50, aao, &[("g", 1, 1800, "c-1")]),
    );
    d.put(
        "rehearsals/r.hcl",
        "rehearsal \"r\" {\n  description = \"x\"\n}\nstep \"run\" {\n  command = \"nomad job run jobs/high.nomad\"\n}\nstep \"status\" {\n  command = \"nomad job status high\"\n}\n",
    );
    commit(&d);
    let edited = job(
        "high",
        "default",
        50,
        aao,
        &[("g", 2, 1800, "c-1"), ("h", 1, 500, "d-1")],
    );
    d.put("jobs/high.nomad", &edited);
    d
}

const WHOLE: &str = "the whole plan is rejected (all_at_once): none of its placements, in-place updates, stops or preemptions on any node is committed (groups \"g\", \"h\")";

/// The plan's warning and its JSON say the whole plan is rejected and
/// name both groups, h (on the free node) too; how the run ends after the
/// retries cannot be told (exit 255, `CannotTell`: rv17 4).
#[test]
fn plan_says_the_whole_all_at_once_plan_is_rejected() {
    let d = all_at_once_world("plan");
    let (code, stdout, stderr) = out(&d.run(&["plan", "jobs/high.nomad"]));
    assert_eq!(code, Some(255), "{stdout}{stderr}");
    assert!(stdout.contains(WHOLE), "{stdout}");
    let (_, stdout, stderr) = out(&d.run(&["plan", "--format", "json", "jobs/high.nomad"]));
    let v: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    let fails = &v["Preflight"]["Applier"]["CannotTell"];
    assert!(fails.as_str().is_some_and(|s| s.contains(WHOLE)), "{fails}");
}

/// `check`'s NP207 names h as well: it is dropped with the whole plan.
/// How the run ends cannot be told, as `plan` says (exit 255): `check`'s
/// "cannot tell", exit 2 (stop 59 Left 3; it was a sure error, exit 1).
#[test]
fn check_names_the_bystander_group() {
    let d = all_at_once_world("check");
    let (code, stdout, stderr) = out(&d.run(&["check", "jobs/high.nomad"]));
    let text = format!("{stdout}{stderr}");
    assert_eq!(code, Some(2), "{text}");
    assert!(
        stderr.contains("error: cannot tell: 2 finding(s) (NP207)"),
        "{text}"
    );
    assert!(
        text.contains("NP207 [error] group \"h\" is planned as allocated, but `nomad job run` of this plan is rejected"),
        "{text}"
    );
}

/// Rehearse's run step creates nothing (no allocation of h on d-1, no
/// deployment), and the status step lists no allocation of h.
#[test]
fn rehearse_run_step_creates_nothing() {
    let d = all_at_once_world("rehearse");
    let (_, stdout, stderr) = out(&d.run(&["rehearse", "--samples", "2", "rehearsals/r.hcl"]));
    let step = stdout
        .split("$ nomad job run jobs/high.nomad\n")
        .nth(1)
        .unwrap_or_else(|| panic!("the run step: {stdout}{stderr}"));
    let (run, status) = step
        .split_once("$ nomad job status high\n")
        .unwrap_or_else(|| panic!("the status step: {step}"));
    assert!(!run.contains("Allocation \""), "{run}");
    assert!(!run.contains("within deployment"), "{run}");
    // Every retry rejected whole: whether Nomad's worker fails the
    // evaluation cannot be told (stop 59 Left 3), and it is not said so.
    assert!(!run.contains("\"failed\""), "{run}");
    assert!(
        run.contains("\nnomad-preflight: cannot tell how `nomad job run` of this plan ends: in the model the retries end after"),
        "{run}"
    );
    let allocs = status
        .split("\nAllocations\n")
        .nth(1)
        .unwrap_or_else(|| panic!("allocations: {status}"));
    assert!(
        !allocs
            .lines()
            .any(|l| l.split_whitespace().nth(2) == Some("h")),
        "{allocs}"
    );
}
