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

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
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
