//! A client whose dynamic port range is one port (`min_dynamic_port =
//! max_dynamic_port`, which the client's configuration check accepts):
//! Nomad's port draw starts with `min + rand.Intn(max - min)`
//! (`getDynamicPortsStochastic`, nomad/structs/network.go v1.4.10:749,
//! v1.5.6:747; the client's range read by `SetNode` from 1.2.0), and
//! `rand.Intn(0)` panics "invalid argument to Intn" (#17619, fixed in
//! 1.4.11, 1.5.7, 1.6.0). From 1.3.0 the scheduler recovers the panic into
//! its error (generic_sched.go, #12009), which `Job.Plan` returns; at 1.2
//! the server dies. rt22b R22-B-4: `plan` said "All tasks successfully
//! allocated." and `check --staged` passed.

use crate::common::{git, one_client_project, TempDir};

const CLIENT: &str = "  cpu = 4000\n  memory = 8192\n  drivers = [\"docker\"]\n  min_dynamic_port = 25000\n  max_dynamic_port = 25000\n";

const JOB: &str = "job \"p\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    network {\n      port \"http\" {}\n    }\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"x:1\" }\n      resources {\n        cpu = 100\n        memory = 200\n      }\n    }\n  }\n}\n";

fn project(version: &str) -> TempDir {
    one_client_project(&format!("one-port-range-{version}"), version, CLIENT, JOB)
}

const ERROR: &str =
    "Error during plan: Unexpected response code: 500 (failed to process eval: invalid argument to Intn)";

#[test]
fn the_recovered_panic_is_the_plans_error() {
    for version in ["1.3.0", "1.4.10", "1.5.6"] {
        let d = project(version);
        let o = d.run(&["plan", "jobs/web.nomad"]);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(all.contains(ERROR), "{version}: {all}");
        assert!(
            !all.contains("All tasks successfully allocated"),
            "{version}: {all}"
        );
        assert_eq!(o.status.code(), Some(255), "{version}: {all}");
    }
}

#[test]
fn before_the_recover_the_server_dies_and_nothing_is_told() {
    let d = project("1.2.5");
    let o = d.run(&["plan", "jobs/web.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "server panics on this plan (rand.Intn(0) in the dynamic port draw on node \"c-1\""
        ),
        "{err}"
    );
    assert!(err.contains("hashicorp/nomad#17619"), "{err}");
    assert_ne!(o.status.code(), Some(0));
    assert_ne!(o.status.code(), Some(1));
}

/// The hook refuses the job where Nomad's plan fails.
#[test]
fn the_hook_refuses_it() {
    let d = project("1.4.10");
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    let o = d.run(&["check", "--staged"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("invalid argument to Intn"), "{out}");
    assert_eq!(o.status.code(), Some(1), "{out}");
}

/// Guard: from the fix (and for a range of two ports) the job is placed.
#[test]
fn fixed_releases_and_wider_ranges_place_it() {
    for version in ["1.4.11", "1.5.7", "1.6.0"] {
        let d = project(version);
        let o = d.run(&["plan", "jobs/web.nomad"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains("All tasks successfully allocated"),
            "{version}: {out}"
        );
    }
    let d = one_client_project(
        "one-port-range-two",
        "1.4.10",
        &CLIENT.replace("max_dynamic_port = 25000", "max_dynamic_port = 25001"),
        JOB,
    );
    let o = d.run(&["plan", "jobs/web.nomad"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("All tasks successfully allocated"), "{out}");
}
