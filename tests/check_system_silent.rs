//! A system or sysbatch job places one allocation per eligible client, and
//! its plan says nothing of the clients it cannot use where a service
//! job's plan reports the group unplaced: with no client in its
//! datacenters it places nothing (system_sched.go v0.9.3:106,
//! scheduler_system.go v2.0.5:133), and before 1.2.0 the clients its
//! drivers or constraints filter are dropped without a word
//! (system_sched.go v1.1.0:296-308; mergeNodeFiltered from v1.2.0). So
//! `nomad job plan` says "All tasks successfully allocated." and exits 0,
//! and `check` made NP206/NP202/NP203 errors of it: the two commands
//! disagreed on the same file and world (redteam R18-C2, R18-C3). They
//! are warnings for such a job now; the job runs nowhere, and says so.

use crate::common;

use common::has_finding as has;

const CLIENT: &str = "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"docker\"]\n  attributes = {\n    \"kernel.name\" = \"linux\"\n  }\n";

fn job(ty: &str, dc: &str, task: &str) -> String {
    format!(
        "job \"agent\" {{\n  datacenters = [\"{dc}\"]\n  type        = \"{ty}\"\n  group \"g\" {{\n    task \"t\" {{\n{task}      config {{\n        image = \"busybox:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"
    )
}

const DOCKER: &str = "      driver = \"docker\"\n";
const RAW_EXEC: &str = "      driver = \"raw_exec\"\n";
const WINDOWS: &str = "      driver = \"docker\"\n      constraint {\n        attribute = \"${attr.kernel.name}\"\n        value     = \"windows\"\n      }\n";

/// `check`'s exit code and (code, severity) of each finding, and whether
/// `plan` printed success, with its exit code.
fn run(tag: &str, version: &str, text: &str) -> (i32, Vec<(String, String)>, bool, i32, String) {
    let d = common::one_client_project(tag, version, CLIENT, text);
    let o = d.run(&["check", "--format", "json", "jobs/web.nomad"]);
    let all = common::output_text(&o);
    let found = common::finding_codes(&o.stdout);
    let p = d.run(&["plan", "jobs/web.nomad"]);
    let plan = common::output_text(&p);
    let ok = plan.contains("All tasks successfully allocated.");
    (
        o.status.code().unwrap_or(-1),
        found,
        ok,
        p.status.code().unwrap_or(-1),
        format!("{all}\n--- plan:\n{plan}"),
    )
}

#[test]
fn a_system_job_in_no_clients_datacenter_is_a_warning_as_its_plan_passes() {
    for (ty, version) in [
        ("system", "0.9.3"),
        ("system", "1.6.0"),
        ("system", "2.0.5"),
        ("sysbatch", "2.0.5"),
    ] {
        let (code, found, ok, plan_code, text) = run(
            &format!("sys-nodc-{ty}-{version}"),
            version,
            &job(ty, "dc2", DOCKER),
        );
        assert!(ok && plan_code == 0, "{ty} {version}: {text}");
        assert!(has(&found, "NP206", "warning"), "{ty} {version}: {text}");
        assert!(text.contains("runs nowhere"), "{ty} {version}: {text}");
        assert_eq!(code, 0, "{ty} {version}: {text}");
    }
    // Guard: a service job's plan fails the group; NP206 stays an error.
    let (code, found, ok, _, text) = run("svc-nodc", "2.0.5", &job("service", "dc2", DOCKER));
    assert!(!ok, "{text}");
    assert!(has(&found, "NP206", "error"), "{text}");
    assert_eq!(code, 1, "{text}");
}

#[test]
fn a_system_job_every_node_filters_is_a_warning_before_1_2() {
    for (rule, task) in [("NP202", RAW_EXEC), ("NP203", WINDOWS)] {
        for version in ["0.9.3", "1.1.0"] {
            let (code, found, ok, plan_code, text) = run(
                &format!("sys-filtered-{rule}-{version}"),
                version,
                &job("system", "dc1", task),
            );
            assert!(ok && plan_code == 0, "{rule} {version}: {text}");
            assert!(has(&found, rule, "warning"), "{rule} {version}: {text}");
            assert!(
                !found.iter().any(|(_, s)| s == "error"),
                "{rule} {version}: {text}"
            );
            assert_eq!(code, 0, "{rule} {version}: {text}");
        }
        // From 1.2.0 the plan reports the failure, and so does check.
        let (code, found, ok, _, text) = run(
            &format!("sys-filtered-{rule}-1.2.0"),
            "1.2.0",
            &job("system", "dc1", task),
        );
        assert!(!ok, "{rule}: {text}");
        assert!(has(&found, rule, "error"), "{rule}: {text}");
        assert_eq!(code, 1, "{rule}: {text}");
    }
}

/// The demo committed, monitoring given room in default's quota so the
/// base is clean (as tests/precommit_framework.rs), at `version`.
fn demo_repo(tag: &str, version: &str) -> common::TempDir {
    let d = common::TempDir::demo(tag);
    let read = |rel: &str| std::fs::read_to_string(d.0.join(rel)).expect("demo file");
    d.put(
        "jobs/monitoring.nomad",
        &read("jobs/monitoring.nomad").replace("cpu    = 2000", "cpu    = 1000"),
    );
    let cluster = read("rules/cluster.hcl");
    let at = cluster.replace(
        "nomad_version = \"0.9.3\"",
        &format!("nomad_version = \"{version}\""),
    );
    assert!(at.contains(version), "the demo states its release");
    d.put("rules/cluster.hcl", &at);
    common::git(&d.0, &["init", "-q", "-b", "main"]);
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "demo"]);
    d
}

/// A RUNNING system job's plan is not silent: its allocations are evicted
/// from the nodes it no longer takes, so the finding stays an error and
/// the hook fails (redteam R18-E-1: a constraint typo in the protected
/// sockshopui passed `check --staged` as a warning).
#[test]
fn a_running_system_job_that_no_node_takes_stays_an_error() {
    for (version, from, to, rule) in [
        (
            "0.9.3",
            "value     = \"linux\"",
            "value     = \"windows\"",
            "NP203",
        ),
        (
            "1.9.7",
            "datacenters = [\"dc1\"]",
            "datacenters = [\"dc2\"]",
            "NP206",
        ),
    ] {
        let d = demo_repo(&format!("sys-running-{rule}"), version);
        let text = std::fs::read_to_string(d.0.join("jobs/sockshopui.nomad")).expect("demo");
        assert!(text.contains(from), "{text}");
        d.put("jobs/sockshopui.nomad", &text.replace(from, to));
        common::git(&d.0, &["add", "-A"]);
        let o = d.run(&["check", "--staged", "--format", "json"]);
        let found = common::finding_codes(&o.stdout);
        let all = common::output_text(&o);
        assert!(has(&found, rule, "error"), "{version}: {all}");
        assert_eq!(o.status.code(), Some(1), "{version}: {all}");
    }
}
