//! A system job under a quota (sysb16, stop 56 Left 3). The system stack
//! has one node per select; Enterprise's QuotaIterator adds the plan so far
//! to the quota's usage on every select and refuses the node with
//! `ExhaustQuota`, never `FilterNode` (scheduler/stack_ent.go at c0c735dd1d
//! of the mirror), which `computePlacements` counts as a failure
//! (system_sched.go v0.9.3:286-327). Before 1.0.8 and 1.1.2 the quota is
//! the source of the feasibility checks (scheduler/stack.go v0.9.3:191-211,
//! v1.0.7:212, v1.1.1:213); from then it comes after them (v1.1.2:252,
//! v1.9.7:279, feasible/stack.go v2.0.5:295, GH-10753). So on 0.9.3 a node
//! the constraints filter fails by the quota once it is spent, and the
//! nodes visited first (Go's map order, scheduler/util.go v0.9.3:196) take
//! the room: whether the job fails at all is one draw.

use crate::common::TempDir;

/// Two `web` clients and one `db` client; the job runs on `web` only (the
/// constraint filters `db`), 200 MHz each, in a namespace whose quota has
/// `limit` MHz; `running` lists the world's running jobs (`base` holds
/// 200 MHz of it).
fn project(tag: &str, version: &str, limit: u32, running: &str) -> TempDir {
    let d = TempDir::new(tag);
    let client = |name: &str, count: u32, role: &str| {
        format!("client \"{name}\" {{\n  count = {count}\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 20000\n  drivers = [\"docker\"]\n  meta = {{ role = \"{role}\" }}\n}}\n")
    };
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nregion = \"global\"\nedition = \"enterprise\"\nsentinel = \"none\"\n{}{}running = [{running}]\n",
            client("web", 2, "web"),
            client("db", 1, "db"),
        ),
    );
    d.put(
        "rules/namespaces/default.hcl",
        "name = \"default\"\nquota = \"q\"\n",
    );
    d.put(
        "rules/quotas/q.hcl",
        &format!("name = \"q\"\nlimit {{\n  region = \"global\"\n  region_limit {{\n    cpu = {limit}\n    memory = 4000\n  }}\n}}\n"),
    );
    let task = "    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"x:1\"\n      }\n      resources {\n        cpu = 200\n        memory = 100\n      }\n    }\n";
    d.put(
        "jobs/agent.nomad",
        &format!("job \"agent\" {{\n  datacenters = [\"dc1\"]\n  type = \"system\"\n  constraint {{\n    attribute = \"${{meta.role}}\"\n    value = \"web\"\n  }}\n  group \"g\" {{\n{task}  }}\n}}\n"),
    );
    d.put(
        "jobs/base.nomad",
        &format!("job \"base\" {{\n  datacenters = [\"dc1\"]\n  group \"b\" {{\n{task}  }}\n}}\n"),
    );
    d
}

const BASE: &str = "\"jobs/base.nomad\"";

const NOTE: &str = "group \"g\": the quota \"q\" has room for only some of its allocations, which the nodes visited first take, and Nomad visits the nodes in Go's map order, random per evaluation: ";

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `plan --format json` of the job with `seed`.
fn json_plan(d: &TempDir, seed: &str) -> serde_json::Value {
    let args = [
        "plan",
        "--no-cache",
        "--seed",
        seed,
        "--format",
        "json",
        "jobs/agent.nomad",
    ];
    let o = d.run(&args);
    serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)))
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A quota spent before the job (100 MHz, each allocation asks 200): on
/// 0.9.3 the `db` node, which the constraint would filter, is refused by
/// the quota first, a failure like the others: "(3 create)", "failed to
/// place 3 allocations". From 1.1.2 it is filtered: 2 and 2.
#[test]
fn before_1_1_2_the_quota_refuses_a_node_the_constraints_filter() {
    let d = project("system-quota-first", "0.9.3", 100, "");
    let want = |n: u32| {
        format!("+ Task Group: \"g\" ({n} create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- WARNING: Failed to place allocations on all nodes.\n  Task Group \"g\" (failed to place {n} allocations):\n    * Quota limit hit \"cpu exhausted (200 needed > 100 limit)\"\n\n")
    };
    for (version, n) in [
        ("0.9.3", 3),
        ("1.0.7", 3),
        ("1.1.1", 3),
        ("1.1.2", 2),
        ("1.9.7", 2),
    ] {
        let o = d.run(&[
            "plan",
            "--no-cache",
            "--nomad-version",
            version,
            "jobs/agent.nomad",
        ]);
        assert!(
            stdout(&o).contains(&want(n)),
            "{version}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        assert_eq!(o.status.code(), Some(1), "{version}");
    }
}

/// Room for two of the three nodes (600 MHz, `base` holds 200): on 0.9.3
/// the job fails when `db` comes after both `web` nodes, one order in
/// three. Every draw says so (text and JSON), whatever the seed.
#[test]
fn the_plan_says_the_node_order_draws_who_gets_the_quota() {
    let d = project("system-quota-order-note", "0.9.3", 600, BASE);
    let mut outcomes = std::collections::BTreeSet::new();
    for seed in ["1", "2", "3", "4", "5", "6", "7", "8"] {
        let o = d.run(&["plan", "--no-cache", "--seed", seed, "jobs/agent.nomad"]);
        let (out, err) = (stdout(&o), stderr(&o));
        outcomes.insert(out.contains("Quota limit hit"));
        let note = format!("note: {NOTE}which nodes are filtered and which fail, and how, is one draw of several (--samples gives their shares)");
        assert!(err.contains(&note), "seed {seed}: {out}{err}");
        let v = json_plan(&d, seed);
        let notes = v["Preflight"]["Nondeterminism"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            notes
                .iter()
                .any(|n| n.as_str().is_some_and(|n| n.starts_with(NOTE))),
            "seed {seed}: {v}"
        );
    }
    // Both outcomes are Nomad's: the draws differ.
    assert_eq!(outcomes.len(), 2, "{outcomes:?}");
    let o = d.run(&["plan", "--no-cache", "--samples", "300", "jobs/agent.nomad"]);
    let out = stdout(&o);
    assert!(
        !out.contains(" certain  every allocation is placed"),
        "{out}"
    );
    assert!(
        out.contains("%  quota limit hit: cpu exhausted (800 needed > 600 limit)"),
        "{out}"
    );
}

/// `check` gives the share (NP304, the quota's rule) whichever draw its own
/// plan took: never a silent pass.
#[test]
fn check_gives_the_odds_the_quota_refuses_the_job() {
    let d = project("system-quota-order-check", "0.9.3", 600, BASE);
    let o = d.run(&["check", "--no-cache", "jobs/agent.nomad"]);
    let out = stdout(&o);
    assert!(out.contains("NP304 [error]"), "{out}");
    // An error as NP207's (R17-51): the default threshold fails it.
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("other evaluations sampled"), "{out}");
    let o = d.run(&[
        "check",
        "--no-cache",
        "--deny",
        "warnings",
        "jobs/agent.nomad",
    ]);
    assert_ne!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// Guard (passes on the baseline too): from 1.1.2 a filtered node never
/// reaches the quota, both `web` nodes fit, and nothing is drawn.
#[test]
fn after_1_1_2_a_filtered_node_never_reaches_the_quota() {
    let d = project("system-quota-order-late", "1.9.7", 600, BASE);
    for seed in ["1", "2", "3", "4"] {
        let o = d.run(&["plan", "--no-cache", "--seed", seed, "jobs/agent.nomad"]);
        let (out, err) = (stdout(&o), stderr(&o));
        assert!(out.contains("+ Task Group: \"g\" (2 create)\n"), "{out}");
        assert!(
            out.contains("- All tasks successfully allocated.\n"),
            "{out}"
        );
        assert!(!err.contains("Go's map order"), "{err}");
    }
}

/// Room for one of the two `web` nodes (400 MHz, `base` holds 200) on
/// 1.9.7: one fails by the quota in every order, with the same text; only
/// which node runs the job is drawn: the JSON's note says so (as for the
/// other draws the text cannot show), without odds.
#[test]
fn only_the_winner_is_drawn_when_every_order_prints_the_same() {
    let d = project("system-quota-order-winner", "1.9.7", 400, BASE);
    for seed in ["1", "2", "3"] {
        let o = d.run(&["plan", "--no-cache", "--seed", seed, "jobs/agent.nomad"]);
        let (out, err) = (stdout(&o), stderr(&o));
        assert!(out.contains("Task Group \"g\" (failed to place 1 allocation):\n    * Quota limit hit \"cpu exhausted (600 needed > 400 limit)\"\n"), "{out}");
        assert!(!err.contains("Go's map order"), "seed {seed}: {err}");
        let v = json_plan(&d, seed);
        let note = format!("{NOTE}which nodes get the allocations is one draw; the plan's text is the same in every draw");
        assert_eq!(
            v["Preflight"]["Nondeterminism"],
            serde_json::json!([note]),
            "seed {seed}"
        );
    }
    let o = d.run(&["check", "--no-cache", "jobs/agent.nomad"]);
    let out = stdout(&o);
    // The quota failure is certain: an error (as NP207's) without odds.
    assert!(out.contains("NP304 [error] Quota limit hit"), "{out}");
    assert!(!out.contains("other evaluations sampled"), "{out}");
}

/// NP301 (the job alone exceeds its quota) counts a system group's
/// allocations as Nomad places them: `count` names on every client no
/// constraint refuses (materializeSystemTaskGroups, system_util.go
/// v1.9.7:21-34; a filtered node is no placement, scheduler_system.go
/// v1.9.7:383-432). It counted one per eligible client, the `db` client the
/// constraint filters included: a false error for a system job that fits
/// (2 × 200 MHz in 500), and none for a sysbatch group of count 2 that
/// cannot (2 × 2 × 200 MHz in 700).
#[test]
fn the_job_alone_counts_the_clients_its_constraints_allow_times_its_count() {
    let d = project("system-quota-job-total", "1.9.7", 500, "");
    let o = d.run(&["check", "--no-cache", "jobs/agent.nomad"]);
    let out = stdout(&o);
    assert!(!out.contains("NP301"), "{out}");
    assert_eq!(o.status.code(), Some(0), "{out}");
    let d = project("sysbatch-quota-job-total", "1.9.7", 700, "");
    let job = std::fs::read_to_string(d.0.join("jobs/agent.nomad")).expect("job");
    let job = job
        .replace("type = \"system\"", "type = \"sysbatch\"")
        .replace("group \"g\" {\n", "group \"g\" {\n    count = 2\n");
    d.put("jobs/agent.nomad", &job);
    let o = d.run(&["check", "--no-cache", "jobs/agent.nomad"]);
    let out = stdout(&o);
    assert!(
        out.contains("NP301 [error] job \"agent\" alone exceeds quota \"q\" in region \"global\": cpu 800 MHz > 700 MHz"),
        "{out}"
    );
    assert_ne!(o.status.code(), Some(0), "{out}");
}
