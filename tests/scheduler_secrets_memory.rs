//! From Nomad 1.8.3 a task's `resources { secrets }` (the secrets tmpfs, MB)
//! is memory the scheduler reserves: the bin-packing iterator asks
//! `MemoryMB + SecretsMB` (and `MemoryMaxMB + SecretsMB` with a max) and the
//! allocation stores that figure (scheduler/rank.go:373-380@v1.8.3,
//! scheduler/feasible/rank.go:378-393@v2.0.5; absent at 1.8.0-1.8.2, whose
//! job parser refuses `secrets`). So `AllocsFit` (nomad/structs/funcs.go),
//! whatever a running allocation holds on its node, and quota usage all
//! count it. We counted `memory` alone: a false all-clear.
//!
//! The world: one docker client of 4000 MHz and 1000 MB.

use crate::common;

const CLUSTER: &str = "cpu        = 4000\n  memory     = 1000\n  drivers    = [\"docker\"]\n";

fn job(name: &str, namespace: &str, memory: u32, secrets: &str) -> String {
    format!(
        r#"job "{name}" {{
  datacenters = ["dc1"]
{namespace}  group "g" {{
    task "t" {{
      driver = "docker"
      config {{ image = "redis:7" }}
      resources {{
        cpu     = 100
        memory  = {memory}
{secrets}      }}
    }}
  }}
}}
"#
    )
}

/// The plan's text up to the job modify index, and its exit code.
fn plan(dir: &common::TempDir, file: &str) -> (String, Option<i32>) {
    let o = dir.run(&["plan", file]);
    let text = String::from_utf8_lossy(&o.stdout);
    let head = text.split("Job Modify Index").next().unwrap_or("");
    (head.to_string(), o.status.code())
}

/// Nomad's text for one placement the node's memory cannot take
/// (command/job_plan.go `formatDryRun` / `formatAllocMetrics`).
const NO_MEMORY: &str = "+ Job: \"web\"\n+ Task Group: \"g\" (1 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- WARNING: Failed to place all allocations.\n  Task Group \"g\" (failed to place 1 allocation):\n    * Resources exhausted on 1 nodes\n    * Dimension \"memory\" exhausted on 1 nodes\n\n";

const PLACED: &str = "+ Job: \"web\"\n+ Task Group: \"g\" (1 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n";

/// 900 MB + 200 MB of secrets is 1100 MB: more than the node's 1000.
#[test]
fn a_placement_asks_memory_plus_secrets_from_1_8_3() {
    let with = job("web", "", 900, "        secrets = 200\n");
    for v in ["1.8.3", "1.9.7", "2.0.5"] {
        let dir = common::one_client_project(&format!("secrets-{v}"), v, CLUSTER, &with);
        assert_eq!(
            plan(&dir, "jobs/web.nomad"),
            (NO_MEMORY.into(), Some(1)),
            "{v}"
        );
    }
    // The control: 900 MB alone fits.
    let without = job("web", "", 900, "");
    let dir = common::one_client_project("secrets-none", "2.0.5", CLUSTER, &without);
    assert_eq!(plan(&dir, "jobs/web.nomad"), (PLACED.into(), Some(1)));
    // Before 1.8.3 the job cannot ask for secrets at all.
    let dir = common::one_client_project("secrets-1.8.2", "1.8.2", CLUSTER, &with);
    let o = dir.run(&["plan", "jobs/web.nomad"]);
    assert_eq!(o.status.code(), Some(255));
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs Nomad 1.8.3 or later"));
}

/// A running allocation holds its secrets too: `old` (400 + 300 MB) leaves
/// 300 MB, less than the 400 MB `web` asks.
#[test]
fn a_running_allocation_holds_its_secrets() {
    let dir = common::one_client_project(
        "secrets-running",
        "1.8.3",
        CLUSTER,
        &job("web", "", 400, ""),
    );
    dir.put(
        "jobs/old.nomad",
        &job("old", "", 400, "        secrets = 300\n"),
    );
    let cluster = std::fs::read_to_string(dir.0.join("rules/cluster.hcl")).unwrap();
    dir.put(
        "rules/cluster.hcl",
        &format!("{cluster}running = [\"jobs/old.nomad\"]\n"),
    );
    assert_eq!(plan(&dir, "jobs/web.nomad"), (NO_MEMORY.into(), Some(1)));
    // Without its secrets it would leave room.
    dir.put("jobs/old.nomad", &job("old", "", 400, ""));
    assert_eq!(plan(&dir, "jobs/web.nomad"), (PLACED.into(), Some(1)));
}

/// A quota counts what the allocation stores: 500 + 200 MB against a
/// 600 MB limit, on a node with room for it (Enterprise's quota text as
/// tests/plan_quota_devices.rs has it).
#[test]
fn a_quota_counts_memory_plus_secrets() {
    let ns = "  namespace   = \"team\"\n";
    let dir = common::one_client_project(
        "secrets-quota",
        "2.0.5",
        CLUSTER,
        &job("web", ns, 500, "        secrets = 200\n"),
    );
    dir.put(
        "rules/namespaces/team.hcl",
        "name  = \"team\"\nquota = \"q\"\n",
    );
    dir.put(
        "rules/quotas/q.hcl",
        "name = \"q\"\nlimit {\n  region = \"global\"\n  region_limit {\n    cpu    = 4000\n    memory = 600\n  }\n}\n",
    );
    let (text, code) = plan(&dir, "jobs/web.nomad");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("Quota limit hit \"memory exhausted (700 needed > 600 limit)\""),
        "{text}"
    );
    // `check` counts the same: the quota rule, not the node's size.
    let o = dir.run(&["check", "jobs/web.nomad"]);
    let out = common::output_text(&o);
    assert!(!out.contains("NP201"), "{out}");
    assert!(out.contains("NP301"), "{out}");
    dir.put(
        "jobs/web.nomad",
        &job("web", ns, 900, "        secrets = 200\n"),
    );
    let o = dir.run(&["check", "jobs/web.nomad"]);
    let out = common::output_text(&o);
    assert!(
        out.contains(
            "NP201 [error] group \"g\" cannot fit on any client: memory 1100 MB > 1000 MB"
        ),
        "{out}"
    );
}
