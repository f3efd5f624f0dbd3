//! redteam8 I12: a client's `node_max_allocs` (client config, 1.10.2+,
//! #25785, command/agent/config.go:424-426@v1.10.2). The client reports it
//! as `Node.NodeMaxAllocs`, and `AllocsFit` refuses a node whose proposed
//! allocations with the one placed outnumber it, before any resource:
//! "max allocation exceeded" (nomad/structs/funcs.go:144-148@v1.10.2,
//! :145-149@v2.0.5), which the BinPackIterator counts as an exhausted
//! dimension (scheduler/rank.go:738-744@v1.10.2). We ignored the field: a
//! plan Nomad refuses passed.
//!
//! The world: one client with `node_max_allocs = 2` running two small
//! allocations of `old`; `placing` asks for one more.

use std::path::PathBuf;

use crate::common::{self, one_node, TempDir};

const EXHAUSTED: &str = "    * Resources exhausted on 1 nodes\n    * Dimension \"max allocation exceeded\" exhausted on 1 nodes\n";
const PLACED: &str = "- All tasks successfully allocated.";

fn world(tag: &str, version: &str, cap: &str) -> TempDir {
    let tmp = TempDir::new(&format!("max-allocs-{tag}"));
    tmp.put("rules/cluster.hcl", &one_node::cluster(version, 4000, cap));
    tmp.put(
        "jobs/old.nomad",
        &one_node::redis_job("old", "    count = 2\n", 100, ""),
    );
    tmp.put(
        "placing.nomad",
        &one_node::redis_job("placing", "", 100, ""),
    );
    tmp
}

fn run(tmp: &TempDir, args: &[&str]) -> common::Out {
    let rules = tmp.0.join("rules").to_string_lossy().into_owned();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--world", rules.as_str()]);
    common::run_in(&tmp.0, &all)
}

fn dimension(out: &common::Out) -> serde_json::Value {
    let plan: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", out.stdout, out.stderr));
    plan["FailedTGAllocs"]["web"]["DimensionExhausted"]["max allocation exceeded"].clone()
}

const CAP: &str = "  node_max_allocs = 2\n";

#[test]
fn a_written_client_refuses_a_third_allocation_from_1_10_2() {
    for v in ["1.10.2", "1.11.0", "2.0.5"] {
        let tmp = world("cap", v, CAP);
        let out = run(&tmp, &["plan", "--no-color", "placing.nomad"]);
        assert!(
            out.stdout.contains(EXHAUSTED),
            "{v}: {}{}",
            out.stdout,
            out.stderr
        );
        assert_eq!(out.code, 1, "{v}");
        let json = run(&tmp, &["plan", "placing.nomad", "--format", "json"]);
        assert_eq!(dimension(&json), 1, "{v}");
        // Without the cap the same client takes it.
        let tmp = world("no-cap", v, "");
        let out = run(&tmp, &["plan", "--no-color", "placing.nomad"]);
        assert!(out.stdout.contains(PLACED), "{v}: {}", out.stdout);
    }
}

/// Before 1.10.2 the agent has no such option: its config parser refuses
/// the key and the agent does not start, so the world is refused.
#[test]
fn a_world_before_1_10_2_cannot_state_it() {
    for v in ["1.9.7", "1.10.1"] {
        let tmp = world("old", v, CAP);
        let out = run(&tmp, &["plan", "--no-color", "placing.nomad"]);
        let text = common::flat(&out.stderr);
        assert!(
            text.contains(&format!(
                "`node_max_allocs` is a Nomad 1.10.2+ client option; the world runs Nomad {v}, whose agent refuses to start with it: client unexpected keys node_max_allocs"
            )),
            "{v}: {text}"
        );
        assert!(!out.stdout.contains(PLACED), "{v}: {}", out.stdout);
        assert_ne!(out.code, 0, "{v}");
    }
}

/// `nomad node status` prints the count over the cap in its Alloc Count
/// column, which came with the option in 1.10.2 (command/node_status.go:
/// 959-965@v1.10.2); `status usage` shows the cap beside the bars.
#[test]
fn status_shows_the_count_over_the_cap() {
    let tmp = world("status", "1.10.2", CAP);
    let node = run(&tmp, &["status", "node", "node-1"]);
    assert!(
        node.stdout
            .contains("CPU           Memory           Disk             Alloc Count\n200/4000 MHz  128 MiB/8.0 GiB  600 MiB/9.8 GiB  2/2\n"),
        "{}{}",
        node.stdout,
        node.stderr
    );
    let usage = run(&tmp, &["status", "usage"]);
    assert!(
        usage.stdout.contains("  2 / 2 (node_max_allocs)\n"),
        "{}{}",
        usage.stdout,
        usage.stderr
    );
    // Without a cap, the count alone; before 1.10.2, no column.
    let tmp = world("status-uncapped", "1.10.2", "");
    let node = run(&tmp, &["status", "node", "node-1"]);
    assert!(node.stdout.contains("Alloc Count\n"), "{}", node.stdout);
    assert!(node.stdout.contains("9.8 GiB  2\n"), "{}", node.stdout);
    let tmp = world("status-1.10.1", "1.10.1", "");
    let node = run(&tmp, &["status", "node", "node-1"]);
    assert!(!node.stdout.contains("Alloc Count"), "{}", node.stdout);
}

fn fixture(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import-allocs")
        .join(case)
}

fn plan_import(world: &std::path::Path, job: &std::path::Path, version: &str) -> common::Out {
    common::run_in(
        world,
        &[
            "plan",
            "--no-color",
            "--world",
            &world.to_string_lossy(),
            "--nomad-version",
            version,
            &job.to_string_lossy(),
        ],
    )
}

/// An imported node reports `NodeMaxAllocs` (2, holding two allocations
/// of a priority-30 job): refused from 1.10.2, and after `import --write`;
/// servers before 1.10.2 have no such field and place it.
#[test]
fn an_imported_node_reports_its_cap() {
    let dir = fixture("max-allocs");
    let job = dir.join("placing.nomad");
    for v in ["1.10.2", "2.0.5"] {
        let out = plan_import(&dir, &job, v);
        assert!(
            out.stdout.contains(EXHAUSTED),
            "{v}: {}{}",
            out.stdout,
            out.stderr
        );
    }
    let out = plan_import(&dir, &job, "1.10.1");
    assert!(out.stdout.contains(PLACED), "{}{}", out.stdout, out.stderr);
    let (tmp, rules) = common::written_import(&dir, "max-allocs", &["placing.nomad"]);
    let written = std::fs::read_to_string(rules.join("cluster.hcl")).expect("cluster.hcl");
    assert!(written.contains("  node_max_allocs = 2\n"), "{written}");
    let out = common::run_in(
        &tmp.0,
        &[
            "plan",
            "--no-color",
            "--world",
            &rules.to_string_lossy(),
            "placing.nomad",
        ],
    );
    assert!(
        out.stdout.contains(EXHAUSTED),
        "{}{}",
        out.stdout,
        out.stderr
    );
}

/// With preemption on, a node past its cap goes to the preemptor like any
/// exhausted node (rank.go:747-761@v1.10.2): a job 10 or more priority
/// points above the holders evicts one (the preemptor adds a victim before
/// it checks the resources, preemption.go `filterSuperset`); a job less
/// than 10 points above finds none and the node stays exhausted.
#[test]
fn preemption_frees_a_slot_only_for_a_job_that_outranks_the_holders() {
    let tmp = TempDir::new("max-allocs-preempt");
    common::copy_dir(&fixture("max-allocs"), &tmp.0);
    let on = r#"{"SchedulerConfig": {"SchedulerAlgorithm": "binpack", "MemoryOversubscriptionEnabled": false, "PreemptionConfig": {"SystemSchedulerEnabled": true, "SysBatchSchedulerEnabled": false, "BatchSchedulerEnabled": true, "ServiceSchedulerEnabled": true}}, "Index": 4}"#;
    tmp.put("scheduler.json", on);
    let job = |prio: u32| {
        std::fs::read_to_string(fixture("max-allocs").join("placing.nomad"))
            .expect("placing.nomad")
            .replace("priority    = 50", &format!("priority    = {prio}"))
    };
    tmp.put("high.nomad", &job(100));
    let out = plan_import(&tmp.0, &tmp.0.join("high.nomad"), "2.0.5");
    assert!(
        out.stdout.contains(PLACED) && out.stdout.contains("Preemptions:"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    tmp.put("near.nomad", &job(35));
    let out = plan_import(&tmp.0, &tmp.0.join("near.nomad"), "2.0.5");
    assert!(
        out.stdout.contains(EXHAUSTED),
        "{}{}",
        out.stdout,
        out.stderr
    );
}
