//! rt14e R14-41: a quota's `memory_max` limit against a task whose
//! `memory_max` Nomad ignores (memory oversubscription off). The ranker
//! stores no `MemoryMaxMB` then (scheduler/feasible/rank.go:384@v2.0.5)
//! and `AllocatedMemoryResources.Add` counts the memory in its place
//! (nomad/structs/structs.go:4117@v2.0.5), but Enterprise's quota stage
//! sizes the ask before the ranker, in private code. So such a job is
//! "cannot tell" (NP308, exit 255 from `plan`), never a definite refusal
//! beside Nomad's own "memory_max value will be ignored" warning; with
//! oversubscription on the quota refuses it as before; and allocations
//! placed with oversubscription off count their memory.

use crate::common;

use common::{run_in, TempDir};

const CLUSTER: &str = "nomad_version = \"2.0.5\"\nregion        = \"global\"\nedition       = \"enterprise\"\nsentinel      = \"none\"\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"exec\"]\n}\n";

const QUOTA: &str = "name = \"q\"\nlimit {\n  region = \"global\"\n  region_limit {\n    cpu        = 4000\n    memory     = 4000\n    memory_max = 1000\n  }\n}\n";

/// One task: `memory` and, when given, `memory_max`.
fn job(name: &str, memory: u32, memory_max: Option<u32>) -> String {
    let max = memory_max.map_or(String::new(), |m| format!("        memory_max = {m}\n"));
    format!("job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n      resources {{\n        cpu        = 100\n        memory     = {memory}\n{max}      }}\n    }}\n  }}\n}}\n")
}

/// rt14e's w3: one client, quota `q` on `default`, `extra` appended to
/// the cluster file.
fn world(name: &str, extra: &str) -> TempDir {
    let d = TempDir::new(&format!("mm-ignored-{name}"));
    d.put("rules/cluster.hcl", &format!("{CLUSTER}{extra}"));
    d.put("rules/quotas/q.hcl", QUOTA);
    d.put(
        "rules/namespaces/default.hcl",
        "name  = \"default\"\nquota = \"q\"\n",
    );
    d.put("jobs/m.nomad", &job("m", 256, Some(2048)));
    d
}

const OVERSUBSCRIBED: &str = "scheduler {\n  memory_oversubscription = true\n}\n";

#[test]
fn w3_plan_says_cannot_tell_not_quota_limit_hit() {
    let d = world("plan", "");
    let o = run_in(&d.0, &["plan", "jobs/m.nomad"]);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 255, "{all}");
    assert!(!all.contains("Quota limit hit"), "{all}");
    assert!(!o.stdout.contains("successfully allocated"), "{all}");
    let lines: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: cannot tell"))
        .collect();
    assert_eq!(lines.len(), 1, "{all}");
    assert!(
        lines[0].contains("memory_max 1000 MB, against a task memory_max that Nomad ignores with memory oversubscription off"),
        "{all}"
    );
}

#[test]
fn w3_check_is_np308_not_np301() {
    let d = world("check", "");
    let o = run_in(&d.0, &["check", "jobs/m.nomad", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"NP308"), "{codes:?} {}", o.stderr);
    assert!(!codes.contains(&"NP301"), "{codes:?}");
    assert!(!codes.contains(&"NP304"), "{codes:?}");
    assert_eq!(o.code, 2, "{codes:?} {}", o.stderr);
}

/// Guard: with oversubscription on, the allocation holds its memory_max
/// and the quota refuses it, as before.
#[test]
fn with_oversubscription_on_the_quota_refuses_it() {
    let d = world("on", OVERSUBSCRIBED);
    let o = run_in(&d.0, &["plan", "jobs/m.nomad"]);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("memory_max exhausted (2048 needed > 1000 limit)"),
        "{all}"
    );
    assert!(!o.stderr.contains("cannot tell"), "{all}");
    let o = run_in(&d.0, &["check", "jobs/m.nomad"]);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 1, "{all}");
    assert!(all.contains("memory_max 2048 MB > 1000 MB"), "{all}");
}

/// A running job's allocation, placed with oversubscription off, holds its
/// memory as its max: it is placed (no `world::running-unplaced`), and the
/// quota's memory_max usage is its 256 MB, so a job asking 700 MB and no
/// memory_max fits beside it and one asking 800 MB does not (1056 > 1000).
#[test]
fn a_running_allocation_placed_without_oversubscription_counts_its_memory() {
    let d = world("running", "running = [\"jobs/m.nomad\"]\n");
    d.put("jobs/n.nomad", &job("n", 700, None));
    let o = run_in(&d.0, &["plan", "jobs/n.nomad"]);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert!(!all.contains("running-unplaced"), "{all}");
    assert!(
        o.stdout.contains("All tasks successfully allocated"),
        "{all}"
    );
    assert!(!o.stderr.contains("cannot tell"), "{all}");
    d.put("jobs/n.nomad", &job("n", 800, None));
    let o = run_in(&d.0, &["plan", "jobs/n.nomad"]);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("memory_max exhausted (1056 needed > 1000 limit)"),
        "{all}"
    );
    assert!(!o.stderr.contains("cannot tell"), "{all}");
}

/// The same for a running system job: the system scheduler places what
/// Nomad stores too (its memory, no max), so a 700 MB job fits beside it
/// and an 800 MB one does not. Fails on 69f2b426: the system allocation
/// held its 2048 MB memory_max, and the 700 MB job hit the quota.
#[test]
fn a_running_system_allocation_counts_its_memory_too() {
    let d = world("running-sys", "running = [\"jobs/s.nomad\"]\n");
    d.put(
        "jobs/s.nomad",
        &job("s", 256, Some(2048)).replacen(
            "  datacenters = [\"dc1\"]\n",
            "  datacenters = [\"dc1\"]\n  type = \"system\"\n",
            1,
        ),
    );
    d.put("jobs/n.nomad", &job("n", 700, None));
    let o = run_in(&d.0, &["plan", "jobs/n.nomad"]);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert!(!all.contains("running-unplaced"), "{all}");
    assert!(
        o.stdout.contains("All tasks successfully allocated"),
        "{all}"
    );
    d.put("jobs/n.nomad", &job("n", 800, None));
    let o = run_in(&d.0, &["plan", "jobs/n.nomad"]);
    assert!(
        o.stdout
            .contains("memory_max exhausted (1056 needed > 1000 limit)"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}
