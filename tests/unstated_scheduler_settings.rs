//! Settings a hand-written world leaves unstated that a real cluster has
//! its own value for (redteam27 R27-1, R27-3): the scheduler algorithm
//! (`nomad operator scheduler set-config -scheduler-algorithm=spread`,
//! command/operator_scheduler_set_config.go v1.10.5:67; binpack only when
//! the configuration leaves it empty, nomad/structs/operator.go
//! v1.10.5:250-252) and a client pool's link speed (client/fingerprint/
//! network.go v1.10.5:90-99; env_aws.go v1.10.5:34-50,220-238: an m5.large
//! is 500 Mbit/s). Where the verdict rests on one, every command says
//! "cannot tell" (exit 255, JSON, one line naming what to state), never
//! Nomad's success text. Each test but the guards fails on /work/np67:
//! there the gates opened (exit 0).

use crate::common;

use common::{flat, git, output_text, TempDir};

const BASE: &str = "job \"base\" {\n  datacenters = [\"dc1\"]\n  group \"b\" {\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"nginx:1\" }\n      resources {\n        cpu = 100\n        memory = 600\n      }\n    }\n  }\n}\n";

const APP: &str = "job \"app\" {\n  datacenters = [\"dc1\"]\n  group \"small\" {\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"nginx:1\" }\n      resources {\n        cpu = 100\n        memory = 400\n      }\n    }\n  }\n  group \"big\" {\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"nginx:1\" }\n      resources {\n        cpu = 100\n        memory = 1000\n      }\n    }\n  }\n}\n";

/// Two 1000 MB clients, one running a 600 MB job; `scheduler` is the
/// world's scheduler block (empty: none). Binpack puts "small" beside
/// "base" and "big" on the empty client; spread puts "small" on the empty
/// client and "big" fits nowhere (R27-1: 87% of shuffles).
fn algorithm_world(tag: &str, scheduler: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"1.10.5\"\nedition = \"community\"\nregion = \"global\"\nserver {{\n  vault {{ enabled = false }}\n}}\n{scheduler}\nclient \"c\" {{\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 1000\n  disk = 20000\n  drivers = [\"docker\"]\n}}\nrunning = [\"jobs/base.nomad\"]\n"),
    );
    d.put("rules/namespaces/default.hcl", "name = \"default\"\n");
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs       = [\"app\"]\n  namespaces = []\n}\n",
    );
    d.put("jobs/base.nomad", BASE);
    git(&d.0, &["init", "-q", "."]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "init"]);
    d.put("jobs/app.nomad", APP);
    git(&d.0, &["add", "jobs/app.nomad"]);
    d
}

const STATE_ALGORITHM: &str =
    "`scheduler { algorithm = \"binpack\" }` or `scheduler { algorithm = \"spread\" }`";

#[test]
fn an_unstated_algorithm_the_verdict_rests_on_cannot_be_told() {
    let d = algorithm_world("us-algo", "");
    // The pre-commit gate: cannot tell, never the success text.
    let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let all = flat(&output_text(&o));
    assert_eq!(o.status.code(), Some(255), "{all}");
    assert!(all.contains(STATE_ALGORITHM), "{all}");
    assert!(!all.contains("All tasks successfully allocated"), "{all}");
    // `plan FILE --gate` and `plan --samples` alike.
    for args in [
        &["plan", "--gate", "jobs/app.nomad"][..],
        &["plan", "--samples", "50", "jobs/app.nomad"][..],
    ] {
        let o = d.run(args);
        let all = output_text(&o);
        assert_eq!(o.status.code(), Some(255), "{args:?}: {all}");
        assert!(
            !all.contains("certain  every allocation is placed"),
            "{all}"
        );
    }
    // JSON names the setting.
    let o = d.run(&["plan", "--format", "json", "jobs/app.nomad"]);
    assert_eq!(o.status.code(), Some(255), "{}", output_text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let u = &v["Preflight"]["UnstatedSetting"];
    assert_eq!(u["Setting"], "scheduler_algorithm", "{v}");
    assert_eq!(u["Other"], "\"spread\"", "{v}");
    // `check` says it as NP225.
    let o = d.run(&["check", "--staged"]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("NP225"),
        "{}",
        output_text(&o)
    );
}

/// Guard: a world stating either algorithm is planned as before (binpack
/// places everything, spread refuses "big"), with no word of the setting.
#[test]
fn a_stated_algorithm_is_planned_as_stated() {
    let d = algorithm_world("us-binpack", "scheduler {\n  algorithm = \"binpack\"\n}\n");
    let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let all = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{all}");
    assert!(!all.contains("algorithm"), "{all}");
    let d = algorithm_world("us-spread", "scheduler {\n  algorithm = \"spread\"\n}\n");
    let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let all = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{all}");
}

/// Guard: where the other algorithm gives the same verdict (room for
/// everything either way), nothing changes: the plan passes, silent.
#[test]
fn an_unstated_algorithm_the_verdict_does_not_rest_on_says_nothing() {
    let d = algorithm_world("us-roomy", "");
    d.put(
        "jobs/app.nomad",
        &APP.replace("memory = 1000", "memory = 300"),
    );
    git(&d.0, &["add", "jobs/app.nomad"]);
    // `nomad job plan` exits 1 for a plan that creates allocations.
    let o = d.run(&["plan", "jobs/app.nomad"]);
    let all = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{all}");
    assert!(all.contains("All tasks successfully allocated."), "{all}");
    assert!(!all.contains("algorithm"), "{all}");
}

fn link_world(tag: &str, mbits: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"1.10.5\"\nedition = \"community\"\nregion = \"global\"\nserver {{\n  vault {{ enabled = false }}\n}}\nscheduler {{\n  algorithm = \"binpack\"\n  preemption {{\n    system = true\n    sysbatch = false\n    batch = false\n    service = false\n  }}\n}}\nclient \"aws\" {{\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8192\n  disk = 20000\n{mbits}  drivers = [\"docker\"]\n  attributes = {{ \"platform.aws.instance-type\" = \"m5.large\" }}\n}}\nrunning = []\n"),
    );
    d.put("rules/namespaces/default.hcl", "name = \"default\"\n");
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs = [\"app\"]\n  namespaces = []\n}\n",
    );
    git(&d.0, &["init", "-q", "."]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "init"]);
    d
}

fn bandwidth_job(mbits: u32) -> String {
    format!("job \"app\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = 2\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"nginx:1\" }}\n      resources {{\n        cpu    = 100\n        memory = 128\n        network {{\n          mbits = {mbits}\n        }}\n      }}\n    }}\n  }}\n}}\n")
}

#[test]
fn a_bandwidth_ask_on_an_unstated_link_cannot_be_told() {
    let d = link_world("us-link", "");
    d.put("jobs/app.nomad", &bandwidth_job(600));
    git(&d.0, &["add", "jobs/app.nomad"]);
    let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let all = flat(&output_text(&o));
    assert_eq!(o.status.code(), Some(255), "{all}");
    assert!(
        all.contains("client pool \"aws\" does not state `network_mbits`"),
        "{all}"
    );
    assert!(!all.contains("All tasks successfully allocated"), "{all}");
    let o = d.run(&["plan", "--format", "json", "jobs/app.nomad"]);
    assert_eq!(o.status.code(), Some(255), "{}", output_text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["Preflight"]["LinkSpeed"]["Pool"], "aws", "{v}");
    let o = d.run(&["check", "--staged"]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("NP225"),
        "{}",
        output_text(&o)
    );
}

/// Guards: a stated link speed is planned as stated (an m5.large's 500
/// refuses two 600 Mbit/s asks), and asks that fit the slowest link a
/// client fingerprints (10 Mbit/s) are told on an unstated one.
#[test]
fn a_stated_link_or_a_tiny_ask_is_told() {
    let d = link_world("us-link-500", "  network_mbits = 500\n");
    d.put("jobs/app.nomad", &bandwidth_job(600));
    let o = d.run(&["plan", "jobs/app.nomad"]);
    let all = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{all}");
    assert!(all.contains("network: bandwidth exceeded"), "{all}");
    let d = link_world("us-link-tiny", "");
    d.put("jobs/app.nomad", &bandwidth_job(5));
    let o = d.run(&["plan", "jobs/app.nomad"]);
    let all = output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{all}");
    assert!(all.contains("All tasks successfully allocated."), "{all}");
}
