//! A system job's rolling update replaces only the first `max_parallel` of
//! its destructive updates per evaluation (`evictAndPlace`,
//! scheduler/util.go v0.9.3:571-590, scheduler/system_util.go
//! v1.10.5:338-351, scheduler_system.go v2.0.5:692-745), and the node diff
//! lists them in Go's map order of the nodes (system_util.go v1.10.5:309-330,
//! reconciler/reconcile_node.go v2.0.5:65): which nodes' allocations are
//! replaced is random per evaluation. Where the new version fits only some
//! nodes, whether this evaluation places it is too (rt22b R22-B-2: a third
//! of evaluations here). The plan shows one draw: it must say so, in the
//! text's notes and the JSON, not only in `check`'s odds.

use crate::common::{git, TempDir};

/// Two large clients and one small; the running system job is edited to
/// ask more memory than the small one has, with `max_parallel`.
fn project(tag: &str, version: &str, max_parallel: u32) -> TempDir {
    let d = TempDir::new(tag);
    let client = |name: &str, count: u32, memory: u32| {
        format!("client \"{name}\" {{\n  count = {count}\n  cpu = 4000\n  memory = {memory}\n  disk = 20000\n  drivers = [\"docker\"]\n}}\n")
    };
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nedition = \"community\"\nregion = \"global\"\nrunning = [\"jobs/s.nomad\"]\nscheduler {{\n  preemption {{\n    system = false\n    service = false\n    batch = false\n    sysbatch = false\n  }}\n}}\n{}{}",
            client("a", 2, 8192),
            client("b", 1, 1000)
        ),
    );
    let job = |image: &str, memory: u32| {
        format!("job \"s\" {{\n  datacenters = [\"dc1\"]\n  type = \"system\"\n  update {{\n    max_parallel = {max_parallel}\n    stagger = \"45s\"\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"{image}\" }}\n      resources {{\n        cpu = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n")
    };
    d.put("jobs/s.nomad", &job("x:1", 200));
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    d.put("jobs/s.nomad", &job("x:2", 2000));
    d
}

const NOTE: &str = "group \"g\": its update budget (max_parallel) replaces only some of its allocations this evaluation, those of the nodes visited first, and Nomad visits the nodes in Go's map order, random per evaluation";

fn json_notes(d: &TempDir, seed: &str) -> Vec<String> {
    let o = d.run(&[
        "plan",
        "--no-cache",
        "--seed",
        seed,
        "--format",
        "json",
        "jobs/s.nomad",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    v["Preflight"]["Nondeterminism"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect()
}

/// Before 1.11 (the job's budget) and from 1.11 (each group's), every draw
/// says the budget's pick is one draw of several.
#[test]
fn a_cut_update_budget_is_noted_in_every_draw() {
    for version in ["1.10.5", "2.0.5"] {
        let d = project(&format!("system-budget-note-{version}"), version, 1);
        for seed in ["1", "2", "3", "4"] {
            let o = d.run(&["plan", "--no-cache", "--seed", seed, "jobs/s.nomad"]);
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains(&format!("note: {NOTE}")),
                "{version} seed {seed}: {err}"
            );
            let notes = json_notes(&d, seed);
            assert!(
                notes.iter().any(|n| n.starts_with(NOTE)),
                "{version} seed {seed}: {notes:?}"
            );
        }
    }
}

/// Guard: a budget that covers every update draws nothing.
#[test]
fn a_budget_covering_every_update_is_not_noted() {
    let d = project("system-budget-whole", "1.10.5", 3);
    for seed in ["1", "2"] {
        let notes = json_notes(&d, seed);
        assert!(
            !notes.iter().any(|n| n.starts_with(NOTE)),
            "seed {seed}: {notes:?}"
        );
    }
}
