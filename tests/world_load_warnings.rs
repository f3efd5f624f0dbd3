//! What loading a world warns of reaches every command that loads it: one
//! line each on stderr (`plan`, `check`, `validate`, `status`), in
//! `plan`'s JSON (`Preflight.World`) and as `check` findings. A warning
//! that records a guess (no release stated, a quota's network limit, a
//! host network the loader could not evaluate) makes the jobs it concerns
//! unknown: `plan` and `validate` exit 255 with one `error:` line, `check`
//! reports NP216. Before, such worlds planned with Nomad's success text.

use crate::common;

use common::{run_in, TempDir};

const CLIENT: &str = "client \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}\n";

fn job(network: &str) -> String {
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{network}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    )
}

const PORT: &str = "    network {\n      port \"http\" {}\n    }\n";

fn project(tag: &str, cluster: &str, job_text: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put("rules/cluster.hcl", cluster);
    d.put("jobs/web.nomad", job_text);
    d
}

fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(needle)).collect()
}

#[test]
fn a_world_without_a_release_makes_every_verdict_unknown_until_one_is_given() {
    let d = project("warn-no-version", CLIENT, &job(""));
    let warning = "warning: world: ";
    let plan = run_in(&d.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(plan.code, 255, "{}{}", plan.stdout, plan.stderr);
    assert!(plan.stdout.is_empty(), "no Nomad text: {}", plan.stdout);
    let w = lines_with(&plan.stderr, warning);
    assert_eq!(w.len(), 1, "{}", plan.stderr);
    assert!(
        w[0].contains("world::no-version: cluster.hcl sets no nomad_version"),
        "{}",
        w[0]
    );
    assert!(plan.stderr.contains(
        "error: the world does not say which Nomad release it runs (cluster.hcl sets no nomad_version; simulating Nomad"
    ), "{}", plan.stderr);
    // The one line says how to state it: the error is the user's to fix.
    let error = lines_with(&plan.stderr, "error: ");
    assert_eq!(error.len(), 1, "{}", plan.stderr);
    assert!(
        error[0].ends_with("or pass --nomad-version"),
        "{}",
        error[0]
    );

    let json = run_in(&d.0, &["plan", "jobs/web.nomad", "--format", "json"]);
    assert_eq!(json.code, 255);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(v["Preflight"]["WorldGuess"]["Kind"], "Version");
    assert_eq!(v["Preflight"]["World"][0]["Code"], "world::no-version");
    assert_eq!(v["Preflight"]["World"][0]["ChangesVerdict"], true);

    let check = run_in(&d.0, &["check", "--output-format", "concise"]);
    // NP216 cannot tell: check exits 2.
    assert_eq!(check.code, 2, "{}{}", check.stdout, check.stderr);
    assert!(check.stdout.contains("NP216 [error]"), "{}", check.stdout);
    assert!(
        check.stdout.contains("world::no-version [warning]"),
        "{}",
        check.stdout
    );
    assert_eq!(lines_with(&check.stderr, warning).len(), 1);

    let validate = run_in(&d.0, &["validate", "jobs/web.nomad"]);
    assert_eq!(validate.code, 255, "{}{}", validate.stdout, validate.stderr);
    assert!(!validate.stdout.contains("Job validation successful"));

    let status = run_in(&d.0, &["status"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert_eq!(lines_with(&status.stderr, warning).len(), 1);

    // The flag states the release: no warning, no guess.
    for args in [
        &["plan", "jobs/web.nomad", "--nomad-version", "1.6.0"][..],
        &["validate", "jobs/web.nomad", "--nomad-version", "1.6.0"][..],
        &["check", "--nomad-version", "1.6.0"][..],
    ] {
        let o = run_in(&d.0, args);
        assert!(
            o.code == 0 || o.code == 1,
            "{args:?}: {}{}",
            o.stdout,
            o.stderr
        );
        assert!(!o.stderr.contains(warning), "{args:?}: {}", o.stderr);
        assert!(!o.stdout.contains("NP216"), "{args:?}: {}", o.stdout);
    }
}

#[test]
fn a_warning_that_guesses_nothing_is_shown_and_changes_no_exit_code() {
    let cluster = format!(
        "nomad_version = \"1.6.0\"\n{CLIENT}client \"bare\" {{\n  count      = 1\n  datacenter = \"dc2\"\n  cpu        = 100\n  memory     = 100\n  disk       = 100\n}}\n"
    );
    let d = project("warn-no-drivers", &cluster, &job(""));
    let plan = run_in(&d.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(
        plan.code, 1,
        "a new job: allocations change: {}",
        plan.stderr
    );
    assert!(plan.stdout.contains("All tasks successfully allocated."));
    let w = lines_with(&plan.stderr, "warning: world: ");
    assert_eq!(w.len(), 1, "{}", plan.stderr);
    assert!(w[0].contains("world::no-drivers"), "{}", w[0]);
    assert!(!w[0].contains("reported as unknown"), "{}", w[0]);
    let json = run_in(&d.0, &["plan", "jobs/web.nomad", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(v["Preflight"]["World"][0]["Code"], "world::no-drivers");
    assert_eq!(v["Preflight"]["World"][0]["ChangesVerdict"], false);
    let check = run_in(&d.0, &["check", "--output-format", "concise"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert!(
        check.stdout.contains("world::no-drivers [warning]"),
        "{}",
        check.stdout
    );
    let denied = run_in(
        &d.0,
        &["check", "--deny", "warnings", "--output-format", "concise"],
    );
    assert_eq!(denied.code, 1, "{}", denied.stdout);
}

/// Nomad 0.10–0.12 quotas limit network bandwidth; the world drops the
/// limit, so a job asking for a network in a namespace it binds is
/// unknown, and a job without one is judged as before.
#[test]
fn a_dropped_network_quota_makes_jobs_with_networks_unknown() {
    let cluster = format!("nomad_version = \"0.12.5\"\n{CLIENT}");
    let quota = "name = \"q\"\nlimit {\n  region = \"global\"\n  region_limit {\n    cpu    = 4000\n    memory = 4000\n    network {\n      mbits = 10\n    }\n  }\n}\n";
    let d = project("warn-network-quota", &cluster, &job(PORT));
    d.put("rules/quotas/q.hcl", quota);
    d.put(
        "rules/namespaces/default.hcl",
        "name = \"default\"\nquota = \"q\"\n",
    );
    let plan = run_in(&d.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(plan.code, 255, "{}{}", plan.stdout, plan.stderr);
    assert!(
        plan.stderr.contains("error: quota \"q\" of namespace \"default\" limits network bandwidth, which nomad-preflight does not simulate, and job \"web\" asks for a network"),
        "{}",
        plan.stderr
    );
    assert_eq!(
        lines_with(&plan.stderr, "world::not-simulated").len(),
        1,
        "{}",
        plan.stderr
    );
    let check = run_in(&d.0, &["check", "--output-format", "concise"]);
    assert!(check.stdout.contains("NP216 [error]"), "{}", check.stdout);
    // NP216 cannot tell: check exits 2.
    assert_eq!(check.code, 2);

    d.put("jobs/web.nomad", &job(""));
    let plan = run_in(&d.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(plan.code, 1, "{}{}", plan.stdout, plan.stderr);
    assert!(plan.stdout.contains("All tasks successfully allocated."));
    let check = run_in(&d.0, &["check", "--output-format", "concise"]);
    assert!(!check.stdout.contains("NP216"), "{}", check.stdout);
}

/// A go-sockaddr template in a host network's `interface` is not
/// evaluated: taken as matching, a guess, so a job with ports is unknown.
#[test]
fn a_host_network_taken_as_matching_makes_jobs_with_ports_unknown() {
    let cluster = "nomad_version = \"1.6.0\"\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n  interface \"eth0\" {\n    addresses     = [\"10.0.0.5\"]\n    default_route = true\n  }\n  host_network \"public\" {\n    interface = \"{{ GetDefaultInterfaces | attr \\\"name\\\" }}\"\n  }\n}\n";
    let d = project("warn-host-network", cluster, &job(PORT));
    let plan = run_in(&d.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(plan.code, 255, "{}{}", plan.stdout, plan.stderr);
    assert!(
        plan.stderr.contains("world::host-network-unknown"),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stderr
            .contains("and job \"web\" has ports: where they can be placed cannot be known"),
        "{}",
        plan.stderr
    );
    d.put("jobs/web.nomad", &job(""));
    let plan = run_in(&d.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(plan.code, 1, "no ports: {}{}", plan.stdout, plan.stderr);
}
