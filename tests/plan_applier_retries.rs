//! The worker's retries of a plan the applier rejects in part (stop 57
//! Left 3; rv-a 4). After a partial commit the scheduler plans again
//! against the refreshed state (scheduler/generic_sched.go `process`,
//! v2.0.5:292-320), and `retryMax` (scheduler/util.go v0.9.3:268-298,
//! v1.0.0:277, v1.4.0:391, v2.0.5:67-97: the same rule at each) resets its
//! count whenever a submission made progress (`progressMade`). A draw
//! whose first plan the applier rejects on one node may so end with every
//! allocation placed, or with only what the scheduler cannot place left
//! to a blocked evaluation, not "maximum attempts reached".
//!
//! The world: four clients of 4000 MB. c-1 holds `high`'s group `a`
//! (1800 MB) and `low` (2 × 1000 MB); c-2 and c-4 hold `low2`/`low3`
//! (2 × 1500 MB) of priority 20; c-3 is full of `fill` (priority 60).
//! `high` (priority 50) adds group `b` (1 × 1800 MB). On c-1 the
//! preemptor leaves `a` out (scheduler/feasible/preemption.go v2.0.5) and
//! evicts one `low` too few: the applier rejects it
//! (nomad/plan_apply.go v2.0.5:776-843). On c-2 or c-4 the eviction is
//! right. Which node a plan takes is its shuffle's.
//!
//! From 1.3.0 the shuffle is seeded by the evaluation ID and the state's
//! latest index (scheduler/util.go v1.3.0:464; scheduler/feasible/
//! feasible.go v2.0.5:135-161), and a rejected plan that commits nothing is
//! answered without a Raft write (nomad/plan_apply.go v2.0.5:207 IsNoOp):
//! the retry draws the same order and is rejected the same way (R17-61).
//! Only a committed part (here the new Deployment, which the applier
//! copies whatever it rejects) moves the index and so the next draw.

use crate::common::applier::{commit, out};
use crate::common::TempDir;

/// The cluster (its clients named in `node` blocks, as the jobs pin
/// them by name: a hand-written pool's names are made up), its running jobs `pads` (registered first: each moves the
/// state's index, and so the shuffles, on) and the five above.
fn cluster(pads: &[String]) -> String {
    let running = pads
        .iter()
        .map(String::as_str)
        .chain(["low", "low2", "low3", "fill", "high"])
        .map(|j| format!("\"jobs/{j}.nomad\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!("nomad_version = \"2.0.5\"\nregion = \"global\"\nedition = \"community\"\nscheduler {{\n  algorithm = \"binpack\"\n  preemption {{\n    system = true\n    sysbatch = false\n    batch = false\n    service = true\n  }}\n}}\nclient \"c\" {{\n  count = 4\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 100000\n  drivers = [\"docker\"]\n  node \"c-1\" {{\n    id = \"eae0d007-d997-ac91-3059-9bbe7208e4b7\"\n  }}\n  node \"c-2\" {{\n    id = \"3b665e58-087d-8e84-aabd-f706d1cc13c9\"\n  }}\n  node \"c-3\" {{\n    id = \"acee1352-696c-e85e-e6b9-ea0482265fa1\"\n  }}\n  node \"c-4\" {{\n    id = \"8f35a790-0b3b-6f48-9d5b-8d0982d6ac61\"\n  }}\n}}\nrunning = [{running}]\n")
}

/// A job of `groups` (name, count, memory MB, node it is pinned to or "").
fn job(name: &str, priority: u32, groups: &[(&str, u32, u32, &str)]) -> String {
    let body: String = groups
        .iter()
        .map(|(g, count, memory, node)| {
            let pin = if node.is_empty() {
                String::new()
            } else {
                format!("    constraint {{\n      attribute = \"${{node.unique.name}}\"\n      value = \"{node}\"\n    }}\n")
            };
            format!("  group \"{g}\" {{\n{pin}    count = {count}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"redis:3\" }}\n      resources {{\n        cpu = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n")
        })
        .collect();
    format!("job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  priority = {priority}\n{body}}}\n")
}

/// The world, committed, then `high` edited to `groups` beside its `a`.
fn world(tag: &str, added: &[(&str, u32, u32, &str)]) -> TempDir {
    world_padded(tag, added, 0)
}

/// [`world`] with `pads` empty jobs registered before the others (NP207's
/// draws, np207_untold_draws.rs).
pub(crate) fn world_padded(tag: &str, added: &[(&str, u32, u32, &str)], pads: usize) -> TempDir {
    let d = TempDir::new(&format!("applier-retries-{tag}"));
    let pads: Vec<String> = (1..=pads).map(|i| format!("pad{i}")).collect();
    for p in &pads {
        d.put(
            &format!("jobs/{p}.nomad"),
            &job(p, 50, &[("g", 0, 100, "")]),
        );
    }
    d.put("rules/cluster.hcl", &cluster(&pads));
    d.put("jobs/low.nomad", &job("low", 20, &[("g", 2, 1000, "c-1")]));
    d.put(
        "jobs/low2.nomad",
        &job("low2", 20, &[("g", 2, 1500, "c-2")]),
    );
    d.put(
        "jobs/low3.nomad",
        &job("low3", 20, &[("g", 2, 1500, "c-4")]),
    );
    d.put(
        "jobs/fill.nomad",
        &job("fill", 60, &[("g", 1, 3500, "c-3")]),
    );
    let a = ("a", 1, 1800, "c-1");
    d.put(
        "jobs/high.nomad",
        &job("high", 50, &[a, ("b", 0, 1800, "")]),
    );
    commit(&d);
    let mut groups = vec![a];
    groups.extend_from_slice(added);
    d.put("jobs/high.nomad", &job("high", 50, &groups));
    d
}

const REJECTED_FIRST: &str = "`nomad job run` of this plan is rejected in part by Nomad's plan applier on node \"c-1\" (memory exhausted: the plan needs 4600 MB there, the node gives 4000 MB); the worker plans again against the refreshed state";

/// Seed 4 draws c-1 (rejected); the rejected plan still commits the new
/// Deployment (progress), so the retry draws a new order, takes c-2 or
/// c-4 and places everything: the gate passes, with a note that says this
/// is one possible run.
#[test]
fn a_deployment_is_progress_and_the_reshuffled_retry_may_place_it() {
    let d = world("placed", &[("b", 1, 1800, "")]);
    let (code, stdout, stderr) = out(&d.run(&["plan", "--gate", "--seed", "4", "jobs/high.nomad"]));
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("== nomad-preflight: note (not part of Nomad's output) =="),
        "{stdout}"
    );
    assert!(stdout.contains(REJECTED_FIRST), "{stdout}");
    assert!(
        stdout.contains("in this draw every allocation is placed after 2 plans. Each retry's node order comes from the run's own evaluation ID, so this is one possible run"),
        "{stdout}"
    );
    assert!(!stdout.contains("maximum attempts reached"), "{stdout}");
    let (_, json, stderr) =
        out(&d.run(&["plan", "--seed", "4", "--format", "json", "jobs/high.nomad"]));
    let v: serde_json::Value = serde_json::from_str(&json).expect(&stderr);
    let applier = &v["Preflight"]["Applier"];
    assert_eq!(applier["RejectedFirst"][0]["Node"], "c-1", "{applier}");
    assert_eq!(applier["Plans"], 2, "{applier}");
    assert!(applier.get("SubmissionFails").is_none(), "{applier}");
}

/// Seed 1's retry, after the Deployment moved the index once, draws c-1
/// again and commits nothing: in the model every later retry is the same
/// plan until the worker's limit, where Nomad fails the evaluation (R17-61:
/// the loop drew afresh and placed it on the fourth plan). Whether
/// Nomad's run gets there depends on what is not modelled (other
/// evaluations' plans between the retries, the blocked evaluation's later
/// run): the plan says what the model found and "cannot tell", in one
/// line, in JSON and with exit 255, also as a gate (rv17 4; it said
/// "maximum attempts reached" as the outcome and exited 1).
#[test]
fn from_1_3_0_a_retry_that_commits_nothing_runs_out_and_the_end_cannot_be_told() {
    let d = world("exhausted", &[("b", 1, 1800, "")]);
    let (code, stdout, stderr) = out(&d.run(&["plan", "--gate", "--seed", "1", "jobs/high.nomad"]));
    assert_eq!(code, Some(255), "{stdout}{stderr}");
    let found = "in the model the retries end after 6 plans, the last 5 rejected in a row without progress, where Nomad's worker fails the evaluation (\"maximum attempts reached (5)\") and leaves a blocked evaluation, but whether Nomad's run ends so depends on what nomad-preflight does not model";
    assert!(stdout.contains(found), "{stdout}");
    let line = format!("error: cannot tell how `nomad job run` of this plan ends: {found}");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with(&line)).count(),
        1,
        "{stderr}"
    );
    assert!(!stdout.contains("placed after"), "{stdout}");
    let (code, json, stderr) =
        out(&d.run(&["plan", "--seed", "1", "--format", "json", "jobs/high.nomad"]));
    assert_eq!(code, Some(255), "{json}{stderr}");
    let v: serde_json::Value = serde_json::from_str(&json).expect(&stderr);
    let applier = &v["Preflight"]["Applier"];
    assert!(
        applier["CannotTell"]
            .as_str()
            .is_some_and(|s| s.contains(found)),
        "{applier}"
    );
    assert!(applier.get("SubmissionFails").is_none(), "{applier}");
    assert_eq!(applier["Attempts"], 5, "{applier}");
    assert_eq!(applier["Plans"], 6, "{applier}");
}

/// Over the shuffles, a draw counts as unplaced only when its retries
/// fail too: some first plans that take c-1 are placed by a retry.
#[test]
fn samples_count_a_draw_the_retries_place_as_placed() {
    let d = world("samples", &[("b", 1, 1800, "")]);
    let (_, stdout, stderr) = out(&d.run(&["plan", "--samples", "200", "jobs/high.nomad"]));
    let placed = stdout
        .lines()
        .find(|l| l.contains("every allocation is placed ("))
        .and_then(|l| l.split('(').nth(1)?.split('/').next()?.parse::<u32>().ok())
        .unwrap_or(0);
    // The first plan takes c-1 in about two draws of three; a retry
    // reshuffles once (the Deployment), then repeats its order: about
    // three draws in five end placed, not the nine in ten of a fresh draw
    // each retry (R17-61).
    assert!((90..=150).contains(&placed), "{placed}: {stdout}{stderr}");
}

/// A group no client can hold (5000 MB) fails in every plan: the
/// retries place `b` and leave `c` to a blocked evaluation; the
/// evaluation completes, it does not fail.
#[test]
fn a_draw_whose_retries_leave_only_the_unplaceable_group_blocks() {
    let d = world("blocked", &[("b", 1, 1800, ""), ("c", 1, 5000, "")]);
    let (code, stdout, stderr) = out(&d.run(&["plan", "--seed", "4", "jobs/high.nomad"]));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(stdout.contains(REJECTED_FIRST), "{stdout}");
    assert!(
        stdout.contains("every allocation is placed but those of groups \"c\" (which the scheduler cannot place: the evaluation completes and leaves a blocked evaluation)"),
        "{stdout}"
    );
    assert!(!stdout.contains("maximum attempts reached"), "{stdout}");
}

/// The retry that places `b` preempts on c-2 or c-4: every allocation the
/// applier commits as preempted is the run's (nomad/plan_apply.go
/// v2.0.5:323-382 PreemptionEvals gives its job an evaluation), so the
/// rehearsal's expectation that nothing is preempted fails (R17-62: only
/// the first plan's preemptions were kept, and it passed).
#[test]
fn a_retrys_preemption_is_the_runs() {
    let d = world("rehearse", &[("b", 1, 1800, "")]);
    d.put(
        "rehearsals/r.hcl",
        "rehearsal \"r\" {\n  description = \"retry\"\n}\nstep \"run\" {\n  command = \"nomad job run jobs/high.nomad\"\n  expect {\n    placed   = true\n    preempts = []\n  }\n}\n",
    );
    let (code, stdout, stderr) = out(&d.run(&[
        "rehearse",
        "--samples",
        "0",
        "--seed",
        "4",
        "rehearsals/r.hcl",
    ]));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("✓ as expected: every allocation is placed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("✗ not as expected: expected nothing is preempted, but preempted: low3/g"),
        "{stdout}"
    );
}
