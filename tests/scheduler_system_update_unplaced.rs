//! A system job's destructive update whose replacement does not fit its
//! node: Nomad keeps the old allocation's stop. `evictAndPlace` appends the
//! stop to the plan and queues the placement; `computePlacements` reports
//! the failed select and never takes the stop back (the service
//! scheduler's `PopUpdate` has no system counterpart):
//! scheduler/system_sched.go@v0.9.3 computeJobAllocs/computePlacements,
//! scheduler/scheduler_system.go@v1.7.2:304,383-470, @v1.10.5:309,
//! @v2.0.5:346,487-545. The plan's counts and failure text stay as they
//! were; what changes is the plan's stops (JSON `Preflight.Stops`), what a
//! later file of the same change set is planned against, and the gate's
//! note that a protected job loses allocations with no replacement.

use crate::common;
use common::{git, run_in, TempDir};

/// Two clients of 1024 MB; `agent` (system, 512 MB) and `filler` (service,
/// count 2, 400 MB, one per client) run. Growing `agent` to 700 MB leaves
/// 624 MB once its old allocation is stopped: its replacement fits nowhere.
fn world(tag: &str, version: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!(
            r#"nomad_version = "{version}"
edition = "community"
region = "global"
client "c" {{
  count      = 2
  datacenter = "dc1"
  cpu        = 4000
  memory     = 1024
  disk       = 20000
  drivers    = ["docker"]
}}
running = ["jobs/agent.nomad", "jobs/filler.nomad"]
"#
        ),
    );
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs       = [\"agent\"]\n  namespaces = []\n}\n",
    );
    d.put("jobs/agent.nomad", &job("agent", "system", "", 512));
    d.put(
        "jobs/filler.nomad",
        &job("filler", "service", "    count = 2\n", 400),
    );
    d.put("grow.nomad", &job("agent", "system", "", 700));
    d
}

fn job(id: &str, kind: &str, count: &str, memory: u32) -> String {
    format!(
        r#"job "{id}" {{
  datacenters = ["dc1"]
  type        = "{kind}"
  group "g" {{
{count}    task "t" {{
      driver = "docker"
      config {{ image = "redis:7" }}
      resources {{
        cpu    = 100
        memory = {memory}
      }}
    }}
  }}
}}
"#
    )
}

fn plan(d: &TempDir, args: &[&str]) -> common::Out {
    let mut all = vec!["plan", "--no-cache", "--world", "rules"];
    all.extend_from_slice(args);
    run_in(&d.0, &all)
}

fn stops(d: &TempDir, file: &str) -> usize {
    let j = plan(d, &["--format", "json", file]);
    let v: serde_json::Value =
        serde_json::from_str(&j.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", j.stdout, j.stderr));
    v["Preflight"]["Stops"].as_array().map_or(0, Vec::len)
}

/// Nomad's text is unchanged (2 destructive updates, both failing); the
/// plan now stops both old allocations, as Nomad's does.
#[test]
fn a_replacement_that_does_not_fit_leaves_its_allocation_stopped() {
    for v in ["0.9.3", "1.7.2", "1.10.5"] {
        let d = world(&format!("sys-unplaced-{v}"), v);
        let o = plan(&d, &["grow.nomad"]);
        assert!(
            o.stdout
                .contains("+/- Task Group: \"g\" (2 create/destroy update)\n"),
            "{v}: {}{}",
            o.stdout,
            o.stderr
        );
        assert!(
            o.stdout.contains(
                "- WARNING: Failed to place allocations on all nodes.\n  Task Group \"g\" (failed to place 2 allocations):\n"
            ),
            "{v}: {}",
            o.stdout
        );
        assert_eq!(o.code, 1, "{v}");
        assert_eq!(stops(&d, "grow.nomad"), 2, "{v}");
    }
}

/// From 1.11 a system job without `update` rolls one allocation per
/// evaluation (DefaultUpdateStrategy, max_parallel 1): the one it evicts
/// stays stopped.
#[test]
fn from_1_11_the_one_evicted_stays_stopped() {
    let d = world("sys-unplaced-2.0.5", "2.0.5");
    assert_eq!(stops(&d, "grow.nomad"), 1);
}

/// `plan --changed`: a job added after the failed update is planned against
/// a cluster where the old allocations are stopped (the plan applier
/// commits a plan of stops alone), so it fits; and the gate refuses the
/// protected job left unplaced and notes, in one line, the allocations it
/// loses with no replacement.
#[test]
fn the_change_set_sees_the_stops_and_the_gate_notes_them() {
    let d = world("sys-unplaced-changed", "1.7.2");
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "base"]);
    d.put("jobs/agent.nomad", &job("agent", "system", "", 700));
    d.put(
        "jobs/extra.nomad",
        &job("extra", "service", "    count = 2\n", 500),
    );
    git(&d.0, &["add", "-A"]);
    let o = run_in(&d.0, &["plan", "--no-cache", "--changed", "--staged"]);
    let extra = o
        .stdout
        .split("==> jobs/extra.nomad")
        .nth(1)
        .unwrap_or_else(|| panic!("{}{}", o.stdout, o.stderr));
    assert!(
        extra.contains("Scheduler dry-run:\n- All tasks successfully allocated.\n"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("==> note: jobs/agent.nomad stops 2 allocation(s) of protected job default/agent with no replacement (not refused: it is the job's own plan)\n"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("==> refused by policy: jobs/agent.nomad leaves"),
        "{}",
        o.stdout
    );
    assert_eq!(o.code, 1);
}

/// R9-10's case at the gate: a protected system job whose new constraint
/// excludes a node loses that node's allocation, with no replacement. Not
/// refused (the change asks it), but said in the text summary, the
/// markdown summary and the JSON.
#[test]
fn a_protected_job_evicted_by_its_own_constraint_is_noted_not_refused() {
    let d = TempDir::new("sys-gate-notice");
    let client = |name: &str, count: u32| {
        format!(
            "client \"{name}\" {{\n  count      = {count}\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 8192\n  disk       = 20000\n  drivers    = [\"docker\"]\n  meta       = {{ \"role\" = \"{name}\" }}\n}}\n"
        )
    };
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"1.10.5\"\nedition = \"community\"\nregion = \"global\"\n{}{}running = [\"jobs/agent.nomad\"]\n",
            client("web", 2),
            client("db", 1)
        ),
    );
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs       = [\"agent\"]\n  namespaces = []\n}\n",
    );
    d.put("jobs/agent.nomad", &job("agent", "system", "", 64));
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "base"]);
    let constrained = job("agent", "system", "", 64).replacen(
        "  group",
        "  constraint {\n    attribute = \"${meta.role}\"\n    value     = \"web\"\n  }\n  group",
        1,
    );
    d.put("jobs/agent.nomad", &constrained);
    git(&d.0, &["add", "-A"]);
    let line = "jobs/agent.nomad stops 1 allocation(s) of protected job default/agent with no replacement (not refused: it is the job's own plan)";

    let o = run_in(
        &d.0,
        &["plan", "--no-cache", "--changed", "--staged", "--gate"],
    );
    assert!(
        o.stdout.contains(&format!("==> note: {line}\n")),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(!o.stdout.contains("refused by policy"), "{}", o.stdout);
    assert_eq!(o.code, 0, "{}", o.stdout);

    let md = run_in(
        &d.0,
        &[
            "plan",
            "--no-cache",
            "--changed",
            "--staged",
            "--gate",
            "--format",
            "markdown",
        ],
    );
    assert!(
        md.stdout.contains(
            "**Noted, not refused** (`protected` in policy.hcl):\n\n- `jobs/agent.nomad`: stops 1 allocation(s) of protected job default/agent with no replacement (not refused: it is the job's own plan)\n"
        ),
        "{}",
        md.stdout
    );
    assert!(!md.stdout.contains("Refused by policy"), "{}", md.stdout);

    let js = run_in(
        &d.0,
        &[
            "plan",
            "--no-cache",
            "--changed",
            "--staged",
            "--gate",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&js.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", js.stdout, js.stderr));
    let notice = &v["Plans"][0]["Notices"][0];
    assert_eq!(notice["Notice"], "stops-unreplaced", "{v:#}");
    assert_eq!(notice["Count"], 1, "{v:#}");
    assert_eq!(notice["Job"], "agent", "{v:#}");
    assert_eq!(v["Plans"][0]["Refused"], serde_json::json!([]), "{v:#}");
    assert!(
        v["Notes"]
            .as_array()
            .is_some_and(|n| n.iter().any(|l| l == line)),
        "{v:#}"
    );
    assert_eq!(js.code, 0);
}

/// Guard (right before this stop too): a protected system job's ordinary
/// destructive update replaces every allocation it stops: no note.
#[test]
fn guard_a_replaced_allocation_is_no_note() {
    let d = world("sys-gate-replaced", "1.7.2");
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "base"]);
    d.put("jobs/agent.nomad", &job("agent", "system", "", 600));
    git(&d.0, &["add", "-A"]);
    let o = run_in(&d.0, &["plan", "--no-cache", "--changed", "--staged"]);
    assert!(
        o.stdout.contains("(2 create/destroy update)"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(
        o.stdout.contains("- All tasks successfully allocated."),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("with no replacement"), "{}", o.stdout);
}
