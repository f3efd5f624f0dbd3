//! A written world that does not state a job type's preemption plans with
//! Nomad's default (only system jobs preempt: nomad/structs/operator.go
//! PreemptionConfig, the servers' default_scheduler_config), and a plan
//! that rests on it says so: it preempted, or a group failed where a node
//! was exhausted. Operators change it on a live cluster (`nomad operator
//! scheduler set-config`, 1.4+; the HTTP API before), so a silent default
//! is a possible false all-clear. Fails on cb9694e8: no note; the
//! cannot-tell forms fail on /work/np67 (a note and Nomad's text there).

use crate::common;

use common::TempDir;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn job(name: &str, ty: &str, priority: u32, memory: u32) -> String {
    format!(
        "job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  type = \"{ty}\"\n  priority = {priority}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"redis:3\" }}\n      resources {{\n        cpu = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// One 4000 MB client full of a priority-10 batch job; `scheduler` is
/// the world's scheduler block (empty: none).
fn world(tag: &str, version: &str, scheduler: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nregion = \"global\"\nedition = \"community\"\n{scheduler}\nclient \"c\" {{\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 100000\n  drivers = [\"docker\"]\n  attributes = {{ \"kernel.name\" = \"linux\" }}\n}}\nrunning = [\"jobs/low.nomad\"]\n"
        ),
    );
    d.put("jobs/low.nomad", &job("low", "batch", 10, 3000));
    d.put("high.nomad", &job("high", "service", 80, 3000));
    d.put("sys.nomad", &job("sys", "system", 80, 3000));
    d
}

/// A verdict that rests on the unstated setting (the other value places
/// what this plan leaves unplaced, or preempts what it does not) is "cannot
/// tell" (redteam27 R27-1: one mechanism with the scheduler algorithm,
/// `scheduler::unstated`), no longer a note beside Nomad's text.
const SERVICE_BLOCKS: &str = "state `scheduler { preemption { service = false } }` or `scheduler { preemption { service = true } }` in rules/cluster.hcl";

#[test]
fn a_failure_preemption_could_change_says_the_default_is_assumed() {
    let d = world("ap-service", "1.6.0", "");
    let o = d.run(&["plan", "high.nomad"]);
    let err = common::flat(&text(&o.stderr));
    assert_eq!(o.status.code(), Some(255), "{err}");
    assert!(
        err.contains("a cluster changed with `nomad operator scheduler set-config -preempt-service-scheduler=true` answers otherwise"),
        "{err}"
    );
    assert!(err.contains(SERVICE_BLOCKS), "{err}");
    assert!(
        !text(&o.stdout).contains("Dimension \"memory\" exhausted"),
        "{}",
        text(&o.stdout)
    );
    let o = d.run(&["plan", "--format", "json", "high.nomad"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        v["Preflight"]["UnstatedSetting"]["Setting"], "scheduler_preemption",
        "{v}"
    );
    // check says it as NP225 (cannot tell).
    let o = d.run(&["check", "high.nomad"]);
    assert!(text(&o.stdout).contains("NP225"), "{}", text(&o.stdout));
}

#[test]
fn a_preemption_by_default_says_so_with_the_old_api_before_1_4() {
    let d = world("ap-system", "1.3.0", "");
    let o = d.run(&["plan", "sys.nomad"]);
    let err = common::flat(&text(&o.stderr));
    assert_eq!(o.status.code(), Some(255), "{err}");
    assert!(
        err.contains("a cluster changed with the scheduler configuration API (`PUT /v1/operator/scheduler/configuration`) answers otherwise"),
        "{err}"
    );
    assert!(
        err.contains("state `scheduler { preemption { system = true } }` or `scheduler { preemption { system = false } }` in rules/cluster.hcl (`GET /v1/operator/scheduler/configuration` shows it)"),
        "{err}"
    );
}

/// Guards (pass before and after): a stated setting, a plan that places
/// without preempting, and community 0.11 (no service preemption at all,
/// whatever the setting) say nothing.
#[test]
fn a_stated_or_irrelevant_setting_says_nothing() {
    let stated = "scheduler {\n  preemption {\n    service = false\n  }\n}\n";
    let d = world("ap-stated", "1.6.0", stated);
    let o = d.run(&["plan", "high.nomad"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        !text(&o.stderr).contains("default preemption"),
        "{}",
        text(&o.stderr)
    );
    let d = world("ap-fits", "1.6.0", "");
    d.put("high.nomad", &job("high", "service", 80, 500));
    let o = d.run(&["plan", "high.nomad"]);
    assert!(
        !text(&o.stderr).contains("default preemption"),
        "{}",
        text(&o.stderr)
    );
    let d = world("ap-011", "0.11.8", "");
    let o = d.run(&["plan", "high.nomad"]);
    assert!(
        !text(&o.stderr).contains("default preemption"),
        "{}",
        text(&o.stderr)
    );
}
