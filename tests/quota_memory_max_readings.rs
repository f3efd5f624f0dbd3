//! stop55-note item 3: a quota's `memory_max` limit against a task whose
//! `memory_max` Nomad ignores (oversubscription off) is "cannot tell"
//! (NP308, exit 255) only where the two readings of the ask (its memory,
//! as the allocation stores it, scheduler/feasible/rank.go:384@v2.0.5; or
//! its memory_max, which Enterprise's private quota stage might count) can
//! give different plans. Where the namespace's usage and the plan show
//! both fit, or both are refused by the same dimension with the same
//! figure, the plan is stated (src/scheduler/quota_memory_max.rs).
//!
//! And a finding of a simulation rule beside a plan that cannot tell is
//! marked at any level: `.nomad-preflight.hcl` raising an advice to an
//! error makes it a "cannot tell" (exit 2), as policy.hcl's level does,
//! never a definite failure (exit 1).

use crate::common;

use common::{run_in, TempDir};

const CLUSTER: &str = "nomad_version = \"2.0.5\"\nregion        = \"global\"\nedition       = \"enterprise\"\nsentinel      = \"none\"\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"exec\"]\n}\n";

/// Quota `q`: cpu 4000, `memory` as given, memory_max 1000.
fn quota(memory: u32) -> String {
    format!("name = \"q\"\nlimit {{\n  region = \"global\"\n  region_limit {{\n    cpu        = 4000\n    memory     = {memory}\n    memory_max = 1000\n  }}\n}}\n")
}

/// `count` allocations of one task with `memory` and, when given,
/// `memory_max`.
fn job(name: &str, count: u32, memory: u32, memory_max: Option<u32>) -> String {
    let max = memory_max.map_or(String::new(), |m| format!("        memory_max = {m}\n"));
    format!("job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = {count}\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n      resources {{\n        cpu        = 100\n        memory     = {memory}\n{max}      }}\n    }}\n  }}\n}}\n")
}

fn world(name: &str, quota_memory: u32, extra: &str) -> TempDir {
    let d = TempDir::new(&format!("mm-readings-{name}"));
    d.put("rules/cluster.hcl", &format!("{CLUSTER}{extra}"));
    d.put("rules/quotas/q.hcl", &quota(quota_memory));
    d.put(
        "rules/namespaces/default.hcl",
        "name  = \"default\"\nquota = \"q\"\n",
    );
    d
}

fn codes(d: &TempDir, file: &str) -> (i32, Vec<(String, bool)>) {
    let o = run_in(&d.0, &["check", file, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    let found = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["cannot_tell"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    (o.code, found)
}

/// 256 MB asked, 512 MB max, one allocation: 512 <= 1000 either way, so
/// the plan is Nomad's success, with Nomad's own warning, and check finds
/// nothing. Fails on c3b2303d: "cannot tell", exit 255, NP308.
#[test]
fn both_readings_fit_plans() {
    let d = world("fit", 4000, "");
    d.put("jobs/m.nomad", &job("m", 1, 256, Some(512)));
    let o = run_in(&d.0, &["plan", "jobs/m.nomad"]);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 1, "{all}");
    assert!(!o.stderr.contains("cannot tell"), "{all}");
    assert!(
        o.stdout.contains("All tasks successfully allocated"),
        "{all}"
    );
    assert!(
        o.stdout.contains("memory_max value will be ignored"),
        "{all}"
    );
    // Nomad's warning is `check`'s too (R17-53), with the note that the
    // world leaves oversubscription to Nomad's default: nothing fails.
    let (code, found) = codes(&d, "jobs/m.nomad");
    assert_eq!(
        found,
        vec![
            ("NP221".to_string(), false),
            ("jobspec::admission".to_string(), false)
        ]
    );
    assert_eq!(code, 0);
}

/// The namespace's usage decides: a running job holding 400 MB leaves room
/// for 512 more (912), one holding 600 MB does not (1112 > 1000) while the
/// memory reading still fits (856): stated, then cannot tell. The first
/// half fails on c3b2303d.
#[test]
fn the_quota_usage_decides() {
    let d = world("usage", 4000, "running = [\"jobs/r.nomad\"]\n");
    d.put("jobs/m.nomad", &job("m", 1, 256, Some(512)));
    d.put("jobs/r.nomad", &job("r", 1, 400, None));
    let o = run_in(&d.0, &["plan", "jobs/m.nomad"]);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert!(!all.contains("running-unplaced"), "{all}");
    assert!(!o.stderr.contains("cannot tell"), "{all}");
    assert!(
        o.stdout.contains("All tasks successfully allocated"),
        "{all}"
    );
    d.put("jobs/r.nomad", &job("r", 1, 600, None));
    let o = run_in(&d.0, &["plan", "jobs/m.nomad"]);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 255, "{all}");
    assert!(o.stderr.contains("memory_max 1000 MB"), "{all}");
    assert!(!o.stdout.contains("successfully allocated"), "{all}");
}

/// Guard: two allocations of 256 (512 max) fit by memory (512) but not by
/// memory_max (1024 > 1000): the readings differ, still cannot tell.
#[test]
fn readings_that_differ_still_cannot_tell() {
    let d = world("differ", 4000, "");
    d.put("jobs/m.nomad", &job("m", 2, 256, Some(512)));
    let o = run_in(&d.0, &["plan", "jobs/m.nomad"]);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 255, "{all}");
    let (code, found) = codes(&d, "jobs/m.nomad");
    assert!(found.contains(&("NP308".to_string(), true)), "{found:?}");
    assert_eq!(code, 2, "{found:?}");
}

/// The quota's memory (200 MB) refuses the ask under both readings, with
/// the same words: `memory` comes before `memory_max` and counts alike.
/// The refusal is stated (NP301, exit 1), not "cannot tell". Fails on
/// c3b2303d (NP308, plan exit 255).
#[test]
fn both_refused_by_memory_states_the_refusal() {
    let d = world("refused", 200, "");
    d.put("jobs/m.nomad", &job("m", 1, 256, Some(2048)));
    let o = run_in(&d.0, &["plan", "jobs/m.nomad"]);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert!(!o.stderr.contains("cannot tell"), "{all}");
    assert!(
        o.stdout
            .contains("Quota limit hit \"memory exhausted (256 needed > 200 limit)\""),
        "{all}"
    );
    let (code, found) = codes(&d, "jobs/m.nomad");
    let code_of = |c: &str| (c.to_string(), false);
    assert_eq!(
        found,
        vec![
            code_of("NP221"),
            code_of("NP301"),
            code_of("jobspec::admission")
        ]
    );
    assert_eq!(code, 1);
}

/// NP305 (advice) beside a plan that cannot tell, raised to an error by
/// `.nomad-preflight.hcl`: a "cannot tell" (exit 2), as when policy.hcl
/// raises it. Fails on c3b2303d: a definite error, exit 1.
#[test]
fn an_advice_raised_by_the_configuration_rests_on_the_untold_plan() {
    let d = world("raised", 540, "");
    d.put("jobs/m.nomad", &job("m", 2, 256, Some(512)));
    let (code, found) = codes(&d, "jobs/m.nomad");
    assert!(found.contains(&("NP305".to_string(), false)), "{found:?}");
    assert_eq!(code, 2);
    d.put(
        ".nomad-preflight.hcl",
        "lint {\n  rule \"NP305\" { severity = \"error\" }\n}\n",
    );
    let (code, found) = codes(&d, "jobs/m.nomad");
    assert!(found.contains(&("NP305".to_string(), true)), "{found:?}");
    assert_eq!(code, 2, "{found:?}");
}
