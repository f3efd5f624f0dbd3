//! Preemption odds among equally close victims rest on how Nomad's
//! `ProposedAllocs` makes its Go map (rt16a R16-11, R16-12):
//! `make(map[string]*structs.Allocation, len(proposed))`, where from 1.4.0
//! `proposed` is every allocation the state lists on the node, those its
//! client finished included (scheduler/context.go v1.4.0:176-208,
//! scheduler/feasible/context.go v2.0.5:143-184), and the state lists them
//! live first, then those told to stop, each part by ID (the `node`
//! index's ConditionalIndex on `TerminalStatus()`, nomad/state/schema.go
//! v2.0.5:742-767). A hint above 8 spreads two entries over buckets
//! (Go before 1.24: 68.75% in insertion order for a hint of 10) or a
//! 16-slot swiss table (Go 1.24 on: 23/32), benches/gomap's measurements.

use crate::common::TempDir;

/// Two priority-20 allocations of 1000 MB on one 4000 MB client (`a`
/// sorts first by ID), a priority-50 job asking 2500 MB: one of the two
/// goes. `hint`: eight `complete` allocations on the node too; `stop`:
/// `a` is told to stop and still runs.
fn world(tag: &str, version: &str, mode: &str) -> TempDir {
    let d = TempDir::new(tag);
    let done = if mode == "hint" {
        ", \"jobs/done.nomad\""
    } else {
        ""
    };
    d.put(
        "rules/cluster.hcl",
        &format!(
            r#"nomad_version = "{version}"
region = "global"
edition = "community"
scheduler {{
  preemption {{
    system = true
    service = true
  }}
}}
client "c" {{
  count = 1
  datacenter = "dc1"
  cpu = 4000
  memory = 4000
  disk = 100000
  drivers = ["docker"]
}}
running = ["jobs/a.nomad", "jobs/b.nomad"{done}]
"#
        ),
    );
    let job = |name: &str, kind: &str, priority: u32, count: u32, memory: u32| {
        format!(
            "job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  type = \"{kind}\"\n  priority = {priority}\n  group \"g\" {{\n    count = {count}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"redis:3\" }}\n      resources {{\n        cpu = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n"
        )
    };
    d.put("jobs/a.nomad", &job("a", "service", 20, 1, 1000));
    d.put("jobs/b.nomad", &job("b", "service", 20, 1, 1000));
    d.put("jobs/done.nomad", &job("done", "batch", 50, 8, 10));
    d.put("high.nomad", &job("high", "service", 50, 1, 2500));
    let desired = if mode == "stop" { "stop" } else { "run" };
    let alloc = |id: &str, job: &str, status: &str, desired: &str| {
        format!("allocation \"{id}\" {{\n  job = \"{job}\"\n  group = \"g\"\n  node = \"c-1\"\n  status = \"{status}\"\n  desired = \"{desired}\"\n}}\n")
    };
    let mut allocs = alloc(
        "11111111-0000-4000-8000-000000000001",
        "a",
        "running",
        desired,
    );
    allocs += &alloc(
        "99999999-0000-4000-8000-000000000002",
        "b",
        "running",
        "run",
    );
    if mode == "hint" {
        for i in 0..8 {
            let id = format!("5555555{i}-0000-4000-8000-00000000000{i}");
            allocs += &alloc(&id, "done", "complete", "run")
                .replace("  node", &format!("  index = {i}\n  node"));
        }
    }
    d.put("rules/allocations.hcl", &allocs);
    d
}

fn note_of(d: &TempDir, args: &[&str]) -> String {
    let o = d.run(args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    err.lines()
        .find(|l| l.contains("which allocations are preempted for group"))
        .unwrap_or_else(|| panic!("no note of the random victim: {err}"))
        .to_string()
}

/// Before Go 1.24 (Nomad 1.9.6, Go 1.23): 2 buckets, 11/16.
#[test]
fn finished_allocations_widen_the_map_before_go_1_24() {
    let d = world("pmh-hmap", "1.9.6", "hint");
    let note = note_of(&d, &["plan", "--no-cache", "high.nomad"]);
    assert!(
        note.contains("(a/g 11111111 68.8%, b/g 99999999 31.2%)"),
        "{note}"
    );
}

/// From Go 1.24 (Nomad 2.0.5, Go 1.26): one 16-slot table, 23/32; the
/// JSON carries the same odds.
#[test]
fn finished_allocations_widen_the_swiss_table() {
    let d = world("pmh-swiss", "2.0.5", "hint");
    let note = note_of(&d, &["plan", "--no-cache", "high.nomad"]);
    assert!(
        note.contains("(a/g 11111111 71.9%, b/g 99999999 28.1%)"),
        "{note}"
    );
    let o = d.run(&["plan", "--no-cache", "high.nomad", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let notes = v["Preflight"]["Nondeterminism"].to_string();
    assert!(
        notes.contains("a/g 11111111 71.9%, b/g 99999999 28.1%"),
        "{notes}"
    );
}

/// Before 1.4.0 the state is read for live allocations only: the hint is
/// 2, one bucket, 7 in 8.
#[test]
fn before_1_4_finished_allocations_are_not_counted() {
    let d = world("pmh-old", "1.3.10", "hint");
    let note = note_of(&d, &["plan", "--no-cache", "high.nomad"]);
    assert!(
        note.contains("(a/g 11111111 87.5%, b/g 99999999 12.5%)"),
        "{note}"
    );
}

/// The sampled plans draw from the same model: a's share of 400 lies
/// near 68.75%, not 87.5%.
#[test]
fn samples_follow_the_hinted_odds() {
    let d = world("pmh-samples", "1.9.6", "hint");
    let o = d.run(&["plan", "--no-cache", "high.nomad", "--samples", "400"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let line = out
        .lines()
        .find(|l| l.contains("preempts an allocation of a/g ("))
        .unwrap_or_else(|| panic!("{out}"));
    let count: f64 = line
        .rsplit('(')
        .next()
        .and_then(|t| t.split('/').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    let share = count / 400.0;
    // 4.3 standard errors of 400 draws at 68.75% either side.
    assert!((share - 0.6875).abs() < 0.1, "{line}");
}

/// An allocation told to stop that still runs comes after every live one
/// in the state's node index (1.4.0 on): the live `b` is yielded first 7
/// in 8, though `a` sorts first by ID.
#[test]
fn stopping_allocations_come_after_live_ones() {
    let d = world("pmh-stop", "2.0.5", "stop");
    let note = note_of(&d, &["plan", "--no-cache", "high.nomad"]);
    assert!(
        note.contains("(b/g 99999999 87.5%, a/g 11111111 12.5%)"),
        "{note}"
    );
}

/// The same through an import: the finished allocations are not kept,
/// yet the state lists them, and the hint counts them.
#[test]
fn an_import_counts_the_finished_allocations() {
    let d = TempDir::new("pmh-import");
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import-map-hint");
    crate::common::copy_dir(&fixture, &d.0);
    let note = note_of(&d, &["plan", "--no-cache", "--world", ".", "placing.nomad"]);
    assert!(
        note.contains("(low/web a0000001 71.9%, low/web a0000002 28.1%)"),
        "{note}"
    );
}

/// `check`'s NP403 replays the plan with the same model: a/g's share of
/// its shuffles lies near 68.75%, not 87.5%.
#[test]
fn np403_follows_the_hinted_odds() {
    let d = world("pmh-np403", "1.9.6", "hint");
    std::fs::rename(d.0.join("high.nomad"), d.0.join("jobs/high.nomad")).expect("moved");
    crate::common::git(&d.0, &["init", "-q", "."]);
    crate::common::git(&d.0, &["add", "-A"]);
    crate::common::git(&d.0, &["commit", "-qm", "world"]);
    let o = d.run(&["check", "--no-cache", "jobs/high.nomad"]);
    let err = crate::common::output_text(&o);
    let line = err
        .lines()
        .find(|l| l.contains("NP403") && l.contains("preempts a/g"))
        .unwrap_or_else(|| panic!("{err}"));
    let share: f64 = line
        .split(" in ")
        .nth(1)
        .and_then(|t| t.split('%').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!((share - 68.75).abs() < 15.0, "{line}");
}
