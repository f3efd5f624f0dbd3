//! `validate`, `plan` and `check` on the same file and world give the same
//! verdict: a job the world's Nomad release refuses (a feature it predates,
//! a server-side validation error, an admission refusal) is refused by all
//! three, with the same Nomad text from `validate` and `plan` where Nomad's
//! two commands print the same; a job it accepts is refused by none. Each
//! case runs in a temporary project whose `rules/` gives the version, and
//! `validate` takes that version from the world as the other two do.

mod common;

use common::{run_in, TempDir};

/// A 1-client cluster in dc1 under `version`, with namespace `default`
/// (allowing only `docker` when `docker_only`).
fn project(name: &str, version: &str, docker_only: bool, job: &str) -> TempDir {
    let dir = TempDir::new(&format!("agree-{name}"));
    let rules = dir.0.join("rules");
    std::fs::create_dir_all(rules.join("namespaces")).expect("mkdir");
    std::fs::write(
        rules.join("cluster.hcl"),
        format!(
            "nomad_version = \"{version}\"\nregion = \"global\"\nclient \"web\" {{\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 20000\n  network_mbits = 1000\n  drivers = [\"docker\", \"exec\"]\n}}\n"
        ),
    )
    .expect("cluster");
    let caps = if docker_only {
        "capabilities {\n  enabled_task_drivers = [\"docker\"]\n}\n"
    } else {
        ""
    };
    std::fs::write(
        rules.join("namespaces/default.hcl"),
        format!("name = \"default\"\n{caps}"),
    )
    .expect("namespace");
    std::fs::write(dir.0.join("job.nomad"), job).expect("job");
    dir
}

/// A job: `head` goes at the job's top, `group` into its one group, `task`
/// into its one task.
fn job(head: &str, group: &str, task: &str) -> String {
    format!(
        "job \"app\" {{\n  datacenters = [\"dc1\"]\n{head}  group \"g\" {{\n{group}    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 128\n      }}\n{task}    }}\n  }}\n}}\n"
    )
}

#[derive(Debug)]
struct Verdicts {
    validate: i32,
    validate_err: String,
    plan: i32,
    plan_err: String,
    check: i32,
    /// `check` reported an error from the front end or an admission rule.
    check_refused: bool,
}

fn verdicts(dir: &TempDir) -> Verdicts {
    let v = run_in(&dir.0, &["validate", "job.nomad"]);
    let p = run_in(&dir.0, &["plan", "job.nomad"]);
    let c = run_in(&dir.0, &["check", "--format", "json", "job.nomad"]);
    let doc: serde_json::Value = serde_json::from_str(&c.stdout)
        .unwrap_or_else(|e| panic!("check JSON: {e}\n{}{}", c.stdout, c.stderr));
    let refusing =
        |code: &str| code.starts_with("jobspec::") || ["NP208", "NP302", "NP306"].contains(&code);
    let check_refused = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["severity"] == "error" && f["code"].as_str().is_some_and(refusing));
    Verdicts {
        validate: v.code,
        validate_err: v.stderr,
        plan: p.code,
        plan_err: p.stderr,
        check: c.code,
        check_refused,
    }
}

/// The first lines of Nomad's own text (before our located diagnostics).
fn nomad_text(stderr: &str) -> String {
    stderr
        .split("\njobspec::")
        .next()
        .unwrap_or_default()
        .to_string()
}

struct Case {
    name: &'static str,
    version: &'static str,
    docker_only: bool,
    job: String,
    refused: bool,
}

fn cases() -> Vec<Case> {
    let case = |name, version, docker_only, job: String, refused| Case {
        name,
        version,
        docker_only,
        job,
        refused,
    };
    let pool = job("  node_pool = \"default\"\n", "", "");
    let missing_pool = job("  node_pool = \"gpu\"\n", "", "");
    let sysbatch = job("  type = \"sysbatch\"\n", "", "");
    let network = job("", "    network {\n      port \"http\" {}\n    }\n", "");
    let connect = job(
        "",
        "",
        "      service {\n        name = \"api\"\n        connect {\n          native = true\n        }\n      }\n",
    );
    let star = job("", "", "").replace("[\"dc1\"]", "[\"*\"]");
    let plain = job("", "", "");
    vec![
        case("pool-1.5", "1.5.6", false, pool.clone(), true),
        case("pool-0.12", "0.12.9", false, pool.clone(), true),
        case("pool-1.6", "1.6.0", false, pool, false),
        case(
            "missing-pool-1.6",
            "1.6.0",
            false,
            missing_pool.clone(),
            true,
        ),
        case("missing-pool-2.0", "2.0.5", false, missing_pool, true),
        case("sysbatch-1.1", "1.1.0", false, sysbatch.clone(), true),
        case("sysbatch-1.2", "1.2.0", false, sysbatch, false),
        case("network-0.9", "0.9.3", false, network.clone(), true),
        case("network-0.10", "0.10.0", false, network, false),
        case("connect-0.9", "0.9.3", false, connect.clone(), true),
        case("connect-0.10", "0.10.0", false, connect, false),
        // Not refused before 1.5: a datacenter named "*" (nothing placed).
        case("star-1.4", "1.4.0", false, star.clone(), false),
        case("star-1.5", "1.5.0", false, star, false),
        case("driver-1.2", "1.2.0", true, plain.clone(), false),
        case("driver-1.3", "1.3.0", true, plain.clone(), true),
        case("driver-2.0", "2.0.5", true, plain, true),
    ]
}

#[test]
fn validate_plan_and_check_agree_on_every_case() {
    for c in cases() {
        let dir = project(c.name, c.version, c.docker_only, &c.job);
        let v = verdicts(&dir);
        let what = format!("{} (Nomad {}): {v:#?}", c.name, c.version);
        // validate: 1 refused, 0 accepted.
        assert_eq!(v.validate, if c.refused { 1 } else { 0 }, "{what}");
        // plan: 255 when refused (Nomad's error); otherwise it plans.
        assert_eq!(v.plan == 255, c.refused, "{what}");
        // check: a refusing error exactly when refused; it fails then.
        assert_eq!(v.check_refused, c.refused, "{what}");
        if c.refused {
            assert_eq!(v.check, 1, "{what}");
        }
        // Where Nomad's plan and validate both stop at the CLI's parser,
        // they print the same text.
        let plan_text = nomad_text(&v.plan_err);
        if plan_text.starts_with("Error getting job struct: ") {
            assert_eq!(plan_text, nomad_text(&v.validate_err), "{what}");
        }
    }
}

/// Nomad's text for the gated features, byte for byte, at the release that
/// refuses them.
#[test]
fn refusals_are_worded_as_each_release_words_them() {
    let by_name = |name: &str| cases().into_iter().find(|c| c.name == name).expect("case");
    let run = |name: &str| {
        let c = by_name(name);
        let dir = project(&format!("text-{name}"), c.version, c.docker_only, &c.job);
        verdicts(&dir)
    };
    let v = run("pool-1.5");
    assert!(v.plan_err.starts_with("Error getting job struct: Error parsing job file from job.nomad:\njob.nomad:3,3-12: Unsupported argument; An argument named \"node_pool\" is not expected here.\n"), "{}", v.plan_err);
    let v = run("pool-0.12");
    assert!(v.plan_err.starts_with("Error getting job struct: Error parsing job file from job.nomad: error parsing 'job': 1 error occurred:\n\t* job: invalid key: node_pool\n\n"), "{}", v.plan_err);
    let v = run("network-0.9");
    assert!(v.plan_err.starts_with("Error getting job struct: Error parsing job file from job.nomad: error parsing 'job': 1 error(s) occurred:\n\n* group: 'g' -> invalid key: network\n"), "{}", v.plan_err);
    let v = run("connect-0.9");
    assert!(v.plan_err.starts_with("Error getting job struct: Error parsing job file from job.nomad: error parsing 'job': 1 error(s) occurred:\n\n* group: 'g', task: 't', service (0) -> invalid key: connect\n"), "{}", v.plan_err);
    let v = run("sysbatch-1.1");
    assert!(v.plan_err.starts_with("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* Invalid job type: \"sysbatch\"\n\n)\n"), "{}", v.plan_err);
    assert!(
        v.validate_err.starts_with(
            "Job validation errors:\n1 error occurred:\n\t* Invalid job type: \"sysbatch\"\n\n"
        ),
        "{}",
        v.validate_err
    );
    let v = run("driver-1.3");
    assert!(v.validate_err.starts_with("Job validation errors:\n1 error occurred:\n\t* used task driver \"exec\" is not allowed in namespace \"default\"\n\n"), "{}", v.validate_err);
    let v = run("missing-pool-2.0");
    assert_eq!(v.plan_err, "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* job \"app\" is in nonexistent node pool \"gpu\")\n");
    // Before 1.5 "*" is a name: the hint says so on every command.
    let v = run("star-1.4");
    assert!(
        v.validate_err
            .contains("matches every datacenter only from Nomad 1.5.0"),
        "{}",
        v.validate_err
    );
    assert!(
        v.plan_err
            .contains("matches every datacenter only from Nomad 1.5.0"),
        "{}",
        v.plan_err
    );
}
