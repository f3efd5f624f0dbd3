//! Admission as Nomad's Plan RPC does it, per version: a job in a namespace
//! that does not exist (nomad/job_endpoint.go, the state store's job upsert
//! and, from 1.3, the namespace validator), a namespace's task-driver
//! capabilities (1.3+) and the job's node pool (1.6+). `check` agrees.

mod common;

use std::path::{Path, PathBuf};

use common::run_in as run;

/// The demo with monitoring's namespace line uncommented and no namespace
/// `monitor`, under `version`.
fn demo(name: &str, version: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("np-admission-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let src = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::copy_dir(&src.join("jobs"), &dir.join("jobs"));
    common::copy_dir(&src.join("rules"), &dir.join("rules"));
    rewrite(&dir, "jobs/monitoring.nomad", "#namespace", "namespace");
    rewrite(
        &dir,
        "rules/cluster.hcl",
        "nomad_version = \"0.9.3\"",
        &format!("nomad_version = \"{version}\""),
    );
    dir
}

fn rewrite(dir: &Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).expect("read");
    assert!(text.contains(from), "{file} holds {from:?}");
    std::fs::write(&p, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn missing_namespace_under_2_0_is_nomads_plan_error() {
    let dir = demo("v2", "2.0.0");
    let o = run(&dir, &["plan", "jobs/monitoring.nomad"]);
    assert_eq!(o.code, 255);
    assert_eq!(o.stdout, "");
    // 1.3+: the namespace validator's error in the validators' multierror;
    // 1.6+: the API client trims the body.
    assert_eq!(
        o.stderr,
        "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* job \"monitoring\" is in nonexistent namespace \"monitor\")\n"
    );
    let o = run(&dir, &["plan", "--format", "json", "jobs/monitoring.nomad"]);
    assert_eq!(o.code, 255);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(v["Preflight"]["Admission"]["Admitted"], false);
    // check agrees: the namespace does not exist.
    let o = run(&dir, &["check", "jobs/monitoring.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("NP302"), "{}", o.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_namespace_from_0_12_2_to_1_5_words_it_as_that_version_did() {
    for (version, body) in [
        // The snapshot upsert's plain error.
        (
            "0.12.2",
            "job \"monitoring\" is in nonexistent namespace \"monitor\"",
        ),
        (
            "1.2.0",
            "job \"monitoring\" is in nonexistent namespace \"monitor\"",
        ),
        // The validators' multierror, body untrimmed before 1.6.
        (
            "1.3.0",
            "1 error occurred:\n\t* job \"monitoring\" is in nonexistent namespace \"monitor\"\n\n",
        ),
    ] {
        let dir = demo(&format!("v{version}"), version);
        let o = run(&dir, &["plan", "jobs/monitoring.nomad"]);
        assert_eq!(o.code, 255, "{version}");
        assert_eq!(
            o.stderr,
            format!("Error during plan: Unexpected response code: 500 ({body})\n"),
            "{version}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn missing_namespace_under_0_9_3_plans_nothing_and_warns() {
    let dir = demo("v093", "0.9.3");
    let o = run(&dir, &["plan", "jobs/monitoring.nomad"]);
    // Nomad 0.9.3 ignored the failed snapshot upsert: the scheduler saw no
    // job, so no group has updates and nothing fails to place.
    let (nomad, ours) = o
        .stdout
        .split_once("\n== nomad-preflight: warning (not part of Nomad's output) ==\n")
        .expect("our warning after Nomad's text");
    assert_eq!(
        nomad,
        "+ Job: \"monitoring\"\n+ Task Group: \"foundation\"\n  + Task: \"fluentd\" (forces create)\n\n\
Scheduler dry-run:\n- All tasks successfully allocated.\n\n\
Job Modify Index: 0\nTo submit the job with version verification run:\n\n\
nomad job run -check-index 0 jobs/monitoring.nomad\n\n\
When running the job with the check-index flag, the job will only be run if the\n\
server side version matches the job modify index returned. If the index has\n\
changed, another user has modified the job and the plan's results are\n\
potentially invalid.\n"
    );
    assert!(
        ours.contains(
            "`nomad job run` will fail: job \"monitoring\" is in nonexistent namespace \"monitor\""
        ),
        "{ours}"
    );
    // Nomad exits 0 here; the submission cannot succeed, so we do not.
    assert_eq!(o.code, 1);
    let o = run(&dir, &["plan", "--gate", "jobs/monitoring.nomad"]);
    assert_eq!(o.code, 1, "a gate never passes a submission that will fail");
    let o = run(&dir, &["check", "jobs/monitoring.nomad"]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("NP302"), "{}", o.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn with_the_namespace_the_plan_places_under_every_version() {
    for version in ["0.9.3", "2.0.0"] {
        let dir = demo(&format!("ok{version}"), version);
        std::fs::write(
            dir.join("rules/namespaces/monitor.hcl"),
            "name = \"monitor\"\n",
        )
        .expect("write");
        let o = run(&dir, &["plan", "jobs/monitoring.nomad"]);
        assert_eq!(o.code, 1, "{version}: {}", o.stderr);
        assert!(o.stdout.contains("(1 create)"), "{version}");
        assert!(!o.stdout.contains("nomad-preflight: warning"), "{version}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn namespace_drivers_and_node_pools_are_checked_where_the_version_does() {
    let dir = demo("caps", "1.6.0");
    std::fs::write(
        dir.join("rules/namespaces/monitor.hcl"),
        "name = \"monitor\"\ncapabilities {\n  enabled_task_drivers = [\"exec\"]\n}\n",
    )
    .expect("write");
    rewrite(
        &dir,
        "jobs/monitoring.nomad",
        "  type = \"service\"",
        "  type = \"service\"\n  node_pool = \"gpu\"",
    );
    let o = run(&dir, &["plan", "jobs/monitoring.nomad"]);
    assert_eq!(o.code, 255, "{}", o.stdout);
    assert_eq!(
        o.stderr,
        "Error during plan: Unexpected response code: 500 (2 errors occurred:\n\t* used task driver \"docker\" is not allowed in namespace \"monitor\"\n\t* job \"monitoring\" is in nonexistent node pool \"gpu\")\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
