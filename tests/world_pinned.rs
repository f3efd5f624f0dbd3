//! Allocations pinned in `rules/allocations.hcl`: an exact cluster written by
//! hand. Pinned allocations sit where the file puts them (nothing running is
//! re-scheduled), a higher-priority job preempts exactly the ones Nomad's
//! rules choose on those nodes, and `running` jobs without pinned
//! allocations are scheduled as before.

use crate::common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn fixture(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pinned")
        .join(case)
}

/// `plan --format json`; a job of `running` is planned unchanged (outside
/// git its running version is named: the file itself).
fn plan_json(world: &Path, job: &Path, running: bool) -> Value {
    let mut cmd = std::process::Command::new(common::bin());
    cmd.arg("plan").arg("--world").arg(world).arg(job);
    if running {
        cmd.arg("--running").arg(job);
    }
    let out = cmd
        .args(["--format", "json"])
        .output()
        .expect("binary runs");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn victims(plan: &Value) -> Vec<String> {
    let mut v: Vec<String> = plan["Annotations"]["PreemptedAllocs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["ID"].as_str().map(str::to_string))
        .collect();
    v.sort();
    v
}

fn alloc(n: u32) -> String {
    format!("a{n:07}-0000-4000-8000-000000000000")
}

/// TestPreemption (v0.9.3 `scheduler/preemption_test.go`), "one alloc meets
/// static port need, another meets remaining mbits needed", written as a
/// rules/ world: a2 holds static port 88, a3 frees the rest of the 800 Mbit
/// ask, a1 is priority 100, a4 is complete and holds nothing.
#[test]
fn a_pinned_world_preempts_the_victims_nomads_rules_choose() {
    let dir = fixture("ports");
    let plan = plan_json(&dir.join("rules"), &dir.join("placing.nomad"), false);
    assert_eq!(victims(&plan), [alloc(2), alloc(3)], "{plan}");
    let on: Vec<&str> = plan["Annotations"]["PreemptedAllocs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["NodeID"].as_str())
        .collect();
    let status = common::run_in(
        Path::new("."),
        &["status", "--world", &dir.join("rules").to_string_lossy()],
    );
    let node_1 = status
        .stdout
        .lines()
        .find(|l| l.contains(" node-1 "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_default()
        .to_string();
    assert!(
        on.iter().all(|n| n.starts_with(&node_1)) && on.len() == 2,
        "{on:?} not on node-1 ({node_1}): {}",
        status.stdout
    );
    assert!(plan["FailedTGAllocs"].is_null(), "{plan}");
}

/// The pinned allocations are where the file says; the one job without a
/// pinned allocation (`fresh`) is scheduled; the complete one is nowhere.
#[test]
fn pinned_allocations_stay_put_and_unpinned_jobs_are_scheduled() {
    let dir = fixture("ports");
    let status = common::run_in(
        Path::new("."),
        &["status", "--world", &dir.join("rules").to_string_lossy()],
    );
    let text = status.stdout;
    let block = |node: &str| {
        text.split("\n\n")
            .find(|b| b.lines().any(|l| l.starts_with(&format!("{node} "))))
            .unwrap_or_default()
            .to_string()
    };
    let (n1, n2) = (block("node-1"), block("node-2"));
    for short in ["a0000001", "a0000002", "a0000003"] {
        assert!(n1.contains(short), "{short} not on node-1: {text}");
    }
    assert!(n2.contains("a0000099"), "{text}");
    assert!(!text.contains("a0000004"), "a terminal allocation: {text}");
    assert!(
        text.contains("fresh.web[0]"),
        "an unpinned running job is scheduled: {text}"
    );
}

/// A world written to a temp folder: cluster.hcl with `clients` blocks,
/// allocations.hcl, and job files.
fn world(tag: &str, cluster: &str, allocs: &str, jobs: &[(&str, &str)]) -> common::TempDir {
    let tmp = common::TempDir::new(&format!("pinned-{tag}"));
    let rules = tmp.0.join("rules");
    std::fs::create_dir_all(rules.join("../jobs")).expect("mkdir");
    std::fs::write(rules.join("cluster.hcl"), cluster).expect("write");
    std::fs::write(rules.join("allocations.hcl"), allocs).expect("write");
    for (name, text) in jobs {
        std::fs::write(tmp.0.join("jobs").join(name), text).expect("write");
    }
    tmp
}

const WEB: &str = r#"job "web" {
  datacenters = ["dc1"]
  priority    = 50
  group "web" {
    count = 4
    task "web" {
      driver = "docker"
      config { image = "redis" }
      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}
"#;

fn cluster(node_1_state: &str) -> String {
    format!(
        r#"nomad_version = "1.6.0"
client "drained" {{
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8192
  disk       = 10000
  drivers    = ["docker"]
  {node_1_state}
}}
client "node" {{
  count      = 2
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8192
  disk       = 10000
  drivers    = ["docker"]
}}
running = ["jobs/web.nomad"]
"#
    )
}

fn four_on_drained(migrate: &[bool]) -> String {
    (0..4)
        .map(|k| {
            format!(
                "allocation \"a{:07}-0000-4000-8000-000000000000\" {{\n  job = \"web\"\n  index = {k}\n  node = \"drained-1\"\n  migrate = {}\n}}\n",
                k + 1,
                migrate[k]
            )
        })
        .collect()
}

fn tg_updates(plan: &Value) -> Vec<(String, u64)> {
    plan["Annotations"]["DesiredTGUpdates"]["web"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), v.as_u64()?)).filter(|(_, n)| *n > 0))
        .collect()
}

/// TestServiceSched_NodeDrain (v0.9.3 `scheduler/generic_sched_test.go`):
/// allocations the drainer marked (`migrate = true`) on a draining node are
/// stopped and placed on the ready nodes; unmarked ones are left alone
/// until the drainer reaches them. A down node's allocations are lost
/// (TestServiceSched_NodeDown): stopped and placed again.
#[test]
fn drain_marked_allocations_migrate_and_a_down_nodes_are_lost() {
    let marked = world(
        "drain",
        &cluster("drain = true"),
        &four_on_drained(&[true, true, true, false]),
        &[("web.nomad", WEB)],
    );
    let rules = marked.0.join("rules");
    let plan = plan_json(&rules, &marked.0.join("jobs/web.nomad"), true);
    let mut got = tg_updates(&plan);
    got.sort();
    assert_eq!(
        got,
        [("Ignore".to_string(), 1), ("Migrate".to_string(), 3)],
        "{plan}"
    );
    let text = common::run_in(
        Path::new("."),
        &[
            "plan",
            "--world",
            &rules.to_string_lossy(),
            &marked.0.join("jobs/web.nomad").to_string_lossy(),
            "--running",
            &marked.0.join("jobs/web.nomad").to_string_lossy(),
        ],
    )
    .stdout;
    assert!(
        text.contains("Task Group: \"web\" (1 ignore, 3 migrate)"),
        "{text}"
    );

    let down = world(
        "down",
        &cluster("status = \"down\""),
        &four_on_drained(&[false; 4]),
        &[("web.nomad", WEB)],
    );
    let plan = plan_json(&down.0.join("rules"), &down.0.join("jobs/web.nomad"), true);
    let mut got = tg_updates(&plan);
    got.sort();
    assert_eq!(
        got,
        [("Place".to_string(), 4), ("Stop".to_string(), 4)],
        "{plan}"
    );
}

fn load_errors(tag: &str, allocs: &str) -> String {
    let w = world(tag, &cluster(""), allocs, &[("web.nomad", WEB)]);
    let out = common::run_in(
        Path::new("."),
        &["status", "--world", &w.0.join("rules").to_string_lossy()],
    );
    assert_ne!(out.code, 0, "{tag}: accepted: {}", out.stdout);
    out.stderr
}

/// A pinned allocation naming what the world does not hold is a located
/// error, never an allocation silently dropped or re-scheduled.
#[test]
fn pinned_allocations_naming_unknown_things_are_located_errors() {
    for (tag, allocs, want) in [
        (
            "node",
            "allocation \"a1\" {\n  job = \"web\"\n  node = \"node-9\"\n}\n",
            "names node `node-9`, which no client block declares",
        ),
        (
            "job",
            "allocation \"a1\" {\n  job = \"api\"\n  node = \"node-1\"\n}\n",
            "`api` (namespace `default`) is not a running job",
        ),
        (
            "group",
            "allocation \"a1\" {\n  job = \"web\"\n  group = \"wbe\"\n  node = \"node-1\"\n}\n",
            "did you mean `web`?",
        ),
        (
            "dup",
            "allocation \"a1\" {\n  job = \"web\"\n  node = \"node-1\"\n}\nallocation \"a1\" {\n  job = \"web\"\n  node = \"node-2\"\n}\n",
            "allocation `a1` is pinned twice",
        ),
        (
            "device",
            "allocation \"a1\" {\n  job = \"web\"\n  node = \"node-1\"\n  device \"nvidia/gpu/1080ti\" { instance_ids = [\"x\"] }\n}\n",
            "the allocation's node has no device `nvidia/gpu/1080ti`",
        ),
        (
            "status",
            "allocation \"a1\" {\n  job = \"web\"\n  node = \"node-1\"\n  status = \"sleeping\"\n}\n",
            "unknown allocation status `sleeping`",
        ),
    ] {
        let err = load_errors(tag, allocs);
        assert!(err.contains(want), "{tag}: {err}");
        assert!(err.contains("allocations.hcl"), "{tag}: not located: {err}");
    }
}
