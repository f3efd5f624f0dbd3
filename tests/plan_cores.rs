//! Reserved cores (`resources { cores = N }`, Nomad 1.1+). Nomad places
//! such a task only on a node with that many usable cores not reserved by
//! its allocations, else `Dimension "cores" exhausted`, and charges the
//! cores' MHz as the task's cpu: `SharesPerCore() * cores`
//! (scheduler/rank.go:457-465@v1.1.0, 470-499@v1.6.0), the chosen cores'
//! MHz from the 1.7 topology (scheduler/rank.go:475-495@v1.7.0,
//! scheduler/feasible/rank.go:688-735@v2.0.5). A world states its
//! clients' cpu MHz, not their cores: we placed every such task and
//! counted it as 0 MHz, a false all-clear (redteam4 F4: a 2-core client
//! "placed" 3 cores, and 64). Now the plan says it cannot tell (one line,
//! exit 255, `Preflight.Cores` in JSON) and `check` reports NP218.

use crate::common;

const CLIENT: &str = "cpu        = 4600\n  memory     = 4000\n  drivers    = [\"docker\"]\n  attributes = { \"cpu.numcores\" = \"2\" }\n";

fn job(name: &str, resources: &str) -> String {
    format!(
        r#"job "{name}" {{
  datacenters = ["dc1"]
  group "g" {{
    task "t" {{
      driver = "docker"
      config {{ image = "redis:7" }}
      resources {{
{resources}      }}
    }}
  }}
}}
"#
    )
}

const CORES_3: &str = "        cores  = 3\n        memory = 128\n";
const CPU_100: &str = "        cpu    = 100\n        memory = 128\n";

fn run(dir: &common::TempDir, args: &[&str]) -> (String, String, Option<i32>) {
    let o = dir.run(args);
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr)
            .lines()
            .filter(|l| !l.starts_with("note: "))
            .map(|l| format!("{l}\n"))
            .collect(),
        o.status.code(),
    )
}

const ASKS: &str = "error: cannot tell whether job \"web\" can be placed: it reserves cores (3 cores (group \"g\", task \"t\")), and the world does not state its clients' cores, which Nomad checks and charges as cpu (`Dimension \"cores\" exhausted`); judge it on the cluster (`nomad job plan`)\n";

#[test]
fn a_job_asking_cores_cannot_be_told_from_1_1() {
    for v in ["1.1.0", "1.6.0", "1.7.0", "2.0.5"] {
        let dir =
            common::one_client_project(&format!("cores-{v}"), v, CLIENT, &job("web", CORES_3));
        let (stdout, stderr, code) = run(&dir, &["plan", "jobs/web.nomad"]);
        assert_eq!(
            (stdout.as_str(), stderr.as_str(), code),
            ("", ASKS, Some(255)),
            "{v}"
        );
        let (stdout, _, code) = run(&dir, &["plan", "--format", "json", "jobs/web.nomad"]);
        assert_eq!(code, Some(255), "{v}");
        let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
        assert_eq!(
            v["Preflight"]["Cores"]["Asks"][0],
            serde_json::json!({"Job": "web", "TaskGroup": "g", "Task": "t", "Cores": 3})
        );
        // `check` says the same, never a silent pass.
        let (stdout, stderr, code) = run(&dir, &["check", "jobs/web.nomad"]);
        // NP218 cannot tell: check exits 2.
        assert_eq!(code, Some(2), "{stdout}{stderr}");
        assert!(
            stdout.contains(
                "jobs/web.nomad:8:9: NP218 [error] cannot tell whether job \"web\" can be placed"
            ),
            "{stdout}{stderr}"
        );
    }
    // Before 1.1 the job parser refuses `cores`.
    let dir = common::one_client_project("cores-1.0", "1.0.18", CLIENT, &job("web", CORES_3));
    let (_, stderr, code) = run(&dir, &["plan", "jobs/web.nomad"]);
    assert_eq!(code, Some(255));
    assert!(
        stderr.contains("An argument named \"cores\" is not expected here."),
        "{stderr}"
    );
}

/// A hand-written world running a job that reserves cores: the cpu its
/// allocation holds is the cores' share, unknown, so no placement beside
/// it can be told. A job asking cpu alone plans as before without it.
#[test]
fn a_world_running_a_job_with_cores_cannot_tell_other_placements() {
    let dir = common::one_client_project("cores-running", "1.6.0", CLIENT, &job("web", CPU_100));
    let (stdout, _, code) = run(&dir, &["plan", "jobs/web.nomad"]);
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("- All tasks successfully allocated."),
        "{stdout}"
    );
    dir.put(
        "jobs/db.nomad",
        &job("db", "        cores  = 2\n        memory = 128\n"),
    );
    let cluster = std::fs::read_to_string(dir.0.join("rules/cluster.hcl")).expect("cluster");
    dir.put(
        "rules/cluster.hcl",
        &format!("{cluster}running = [\"jobs/db.nomad\"]\n"),
    );
    let (stdout, stderr, code) = run(&dir, &["plan", "jobs/web.nomad"]);
    assert_eq!(
        (stdout.as_str(), stderr.as_str(), code),
        (
            "",
            "error: cannot tell whether job \"web\" can be placed: the world runs jobs that reserve cores (2 cores (job \"db\", group \"g\", task \"t\")), whose cpu Nomad counts from their clients' cores, which the world does not state; judge it on the cluster (`nomad job plan`), or plan against an import of the cluster, whose allocations hold the cpu Nomad stored\n",
            Some(255)
        )
    );
    let (stdout, stderr, code) = run(&dir, &["check", "jobs/web.nomad"]);
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    assert!(stdout.contains("NP218 [error]"), "{stdout}{stderr}");

    // The planned job's own running version reserving cores: the update
    // may leave some of its allocations in place, holding unknown cpu.
    let dir = common::one_client_project("cores-own", "1.6.0", CLIENT, &job("web", CPU_100));
    dir.put(
        "old/web.nomad",
        &job("web", "        cores  = 1\n        memory = 128\n"),
    );
    let (stdout, stderr, code) = run(
        &dir,
        &["plan", "--running", "old/web.nomad", "jobs/web.nomad"],
    );
    assert_eq!(code, Some(255), "{stdout}{stderr}");
    assert!(
        stderr.contains("the world runs jobs that reserve cores (1 core (job \"web\""),
        "{stderr}"
    );
}
