//! A node pool's own scheduler settings (Enterprise 1.6+, redteam27 R27-2;
//! src/world/node_pools.rs): Nomad plans a job with its pool's
//! `scheduler_config` over the global one (scheduler/generic_sched.go
//! v1.10.5:768-786, nomad/structs/operator.go:260-276 `WithNodePool`). A
//! hand-written world could not state a pool, so a job in one was planned
//! with the global settings: the red team's pool set to spread leaves
//! "big" unplaced in 87% of shuffles where the baseline said all placed
//! (exit 0 at the gate). Each test fails on the baseline (no `node_pool`
//! block; the unstated pool planned as the global one).

use crate::common::applier::{commit, out};
use crate::common::TempDir;

/// An Enterprise 1.10.5 world with binpack stated globally, two clients
/// in node pool "gpu" (1000 MB each, 600 MB held by a running job), the
/// extra cluster.hcl `lines`, and jobs/app.nomad in pool "gpu".
fn project(tag: &str, edition: &str, lines: &str) -> TempDir {
    let d = TempDir::new(tag);
    let sentinel = if edition == "enterprise" {
        "sentinel = \"none\"\n"
    } else {
        ""
    };
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"1.10.5\"\nedition = \"{edition}\"\n{sentinel}region = \"global\"\nscheduler {{\n  algorithm = \"binpack\"\n}}\nserver {{\n  vault {{ enabled = false }}\n}}\nclient \"c\" {{\n  count = 2\n  datacenter = \"dc1\"\n  node_pool = \"gpu\"\n  cpu = 4000\n  memory = 1000\n  disk = 20000\n  drivers = [\"docker\"]\n}}\n{lines}running = [\"jobs/base.nomad\"]\n"),
    );
    d.put("rules/namespaces/default.hcl", "name = \"default\"\n");
    d.put("jobs/base.nomad", &job("base", &[("b", 600)]));
    d.put(
        "jobs/app.nomad",
        &job("app", &[("small", 400), ("big", 1000)]),
    );
    d
}

fn job(id: &str, groups: &[(&str, u32)]) -> String {
    let mut s = format!("job \"{id}\" {{\n  datacenters = [\"dc1\"]\n  node_pool = \"gpu\"\n");
    for (g, mem) in groups {
        s += &format!("  group \"{g}\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"nginx\" }}\n      resources {{\n        cpu = 100\n        memory = {mem}\n      }}\n    }}\n  }}\n");
    }
    s + "}\n"
}

fn plan(d: &TempDir) -> (Option<i32>, String, String) {
    out(&d.run(&["--no-cache", "plan", "jobs/app.nomad"]))
}

#[test]
fn an_unstated_pool_whose_algorithm_decides_cannot_be_told() {
    let d = project("np-unstated", "enterprise", "");
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(!out.contains("All tasks successfully allocated"), "{out}");
    assert!(
        err.contains("error: job \"app\" runs in node pool \"gpu\", which may set its own scheduler algorithm (Nomad Enterprise: `scheduler_config` of `nomad node pool apply`), and the world does not state the pool: where it is placed cannot be known"),
        "{err}"
    );
    let o = d.run(&["--no-cache", "plan", "--format", "json", "jobs/app.nomad"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("\"NodePoolConfig\""), "{text}");
    let o = d.run(&["--no-cache", "check", "jobs/app.nomad"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("NP216"));
}

#[test]
fn a_stated_pool_plans_or_says_what_is_not_simulated() {
    // No settings of its own: the global binpack, planned exactly.
    let d = project("np-none", "enterprise", "node_pool \"gpu\" {}\n");
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("- All tasks successfully allocated."), "{out}");
    assert!(!err.contains("cannot"), "{err}");
    // The same algorithm stated again is no change.
    let same = "node_pool \"gpu\" {\n  description = \"GPUs\"\n  scheduler_config {\n    scheduler_algorithm = \"binpack\"\n  }\n}\n";
    let (code, out, _) = plan(&project("np-same", "enterprise", same));
    assert_eq!(code, Some(1), "{out}");
    // Spread, as the red team's cluster: not simulated, said.
    let spread =
        "node_pool \"gpu\" {\n  scheduler_config {\n    scheduler_algorithm = \"spread\"\n  }\n}\n";
    let (code, out, err) = plan(&project("np-spread", "enterprise", spread));
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(
        err.contains("node pool \"gpu\" sets its own scheduler algorithm (Nomad Enterprise), which nomad-preflight does not simulate"),
        "{err}"
    );
}

#[test]
fn the_servers_refusals() {
    let cfg = "node_pool \"gpu\" {\n  scheduler_config {\n    memory_oversubscription_enabled = true\n  }\n}\n";
    let (code, out, err) = plan(&project("np-ce", "community", cfg));
    assert_ne!(code, Some(1), "{out}{err}");
    assert!(
        err.contains("invalid node pool \"gpu\": Node Pools Governance is unlicensed."),
        "{err}"
    );
    let (code, _, err) = plan(&project(
        "np-default",
        "enterprise",
        "node_pool \"default\" {}\n",
    ));
    assert_ne!(code, Some(1));
    assert!(
        err.contains("modifying node pool \"default\" is not allowed"),
        "{err}"
    );
    // A community pool without settings is stated as any.
    let (code, out, err) = plan(&project(
        "np-ce-none",
        "community",
        "node_pool \"gpu\" {}\n",
    ));
    assert_eq!(code, Some(1), "{out}{err}");
}

/// The red team's gate: a staged job in the unstated pool is refused as
/// cannot tell, not let through.
#[test]
fn the_gate_refuses_a_job_in_an_unstated_pool() {
    let d = project("np-gate", "enterprise", "");
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs = [\"app\"]\n  namespaces = []\n}\n",
    );
    let app = std::fs::read_to_string(d.0.join("jobs/app.nomad")).expect("read");
    std::fs::remove_file(d.0.join("jobs/app.nomad")).expect("remove");
    commit(&d);
    d.put("jobs/app.nomad", &app);
    crate::common::git(&d.0, &["add", "jobs/app.nomad"]);
    let (code, out, err) = out(&d.run(&["--no-cache", "plan", "--changed", "--staged", "--gate"]));
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(
        format!("{out}{err}").contains("node pool \"gpu\""),
        "{out}{err}"
    );
}

/// `project` with `edition = "..."` taken out: the world does not say
/// which edition its servers run.
fn unstated(tag: &str, lines: &str) -> TempDir {
    let d = project(tag, "community", lines);
    let path = d.0.join("rules/cluster.hcl");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("edition = \"community\"\n", "")).expect("write");
    d
}

/// fix28b (rv27-4): an unstated edition is one rule, admission's: where
/// the verdict rests on it, cannot tell. The baseline planned the job in
/// the unstated pool as a community world's (exit 1, all placed).
#[test]
fn an_unstated_edition_leaves_an_unstated_pool_open() {
    let d = unstated("np-unstated-ed", "");
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(!out.contains("All tasks successfully allocated"), "{out}");
    assert!(
        err.contains("job \"app\" runs in node pool \"gpu\", which may set its own scheduler algorithm if the servers run Nomad Enterprise (`scheduler_config` of `nomad node pool apply`); the world states neither the edition nor the pool: where it is placed cannot be known"),
        "{err}"
    );
    let o = d.run(&["--no-cache", "plan", "--format", "json", "jobs/app.nomad"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("\"EditionKnown\": false"), "{text}");
    // A stated pool, or a stated community edition, decides (guards).
    let (code, out, err) = plan(&unstated("np-unstated-none", "node_pool \"gpu\" {}\n"));
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("- All tasks successfully allocated."), "{out}");
    let (code, out, err) = plan(&project("np-stated-ce", "community", ""));
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(!err.contains("cannot"), "{err}");
}

/// fix28b (node27 Left): clients whose `node` blocks give `id` (read as
/// a real cluster's, as `import --write` writes them) in a world folder
/// say nothing of their pool's settings either: `import --write` never
/// writes a `node_pool` block. The baseline skipped them (exit 1).
#[test]
fn a_pool_of_nodes_with_ids_leaves_its_settings_open_too() {
    let d = project("np-ids", "enterprise", "");
    let path = d.0.join("rules/cluster.hcl");
    let text = std::fs::read_to_string(&path).expect("read");
    let nodes = "  node \"c-1\" {\n    id = \"8d6f8a49-7c8e-4f3d-9c1b-2a5e6f7a8b9c\"\n  }\n  node \"c-2\" {\n    id = \"0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f\"\n  }\n";
    let text = text.replace(
        "  drivers = [\"docker\"]\n",
        &format!("  drivers = [\"docker\"]\n{nodes}"),
    );
    std::fs::write(&path, text).expect("write");
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(
        err.contains(
            "job \"app\" runs in node pool \"gpu\", which may set its own scheduler algorithm"
        ),
        "{err}"
    );
}
