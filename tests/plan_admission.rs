//! Admission as Nomad's Plan RPC does it, per version: a job in a namespace
//! that does not exist (nomad/job_endpoint.go, the state store's job upsert
//! and, from 1.3, the namespace validator), a namespace's task-driver
//! capabilities (1.3+) and the job's node pool (1.6+). `check` agrees.

use crate::common;

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

/// What `plan` and `check` say about monitoring in one project.
struct Agreement {
    /// `plan` exited 255 with `Error during plan: ...`.
    plan_refused: bool,
    plan_stderr: String,
    plan_exit: i32,
    /// Admission codes `check --format json` reported, with their messages.
    check: Vec<(String, String)>,
    check_exit: i32,
}

fn agreement(dir: &Path) -> Agreement {
    let plan = run(dir, &["plan", "jobs/monitoring.nomad"]);
    let check = run(
        dir,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "NP208,NP302,NP306",
            "jobs/monitoring.nomad",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&check.stdout)
        .unwrap_or_else(|e| panic!("check JSON: {e}\n{}{}", check.stdout, check.stderr));
    let found = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    Agreement {
        plan_refused: plan.code == 255 && plan.stderr.starts_with("Error during plan: "),
        plan_stderr: plan.stderr,
        plan_exit: plan.code,
        check: found,
        check_exit: check.code,
    }
}

/// Case name, version, monitor's namespace file (none: no namespace), the
/// job's node pool (none: unset), and the rule `check` must report (none:
/// admitted).
type Case<'a> = (
    &'a str,
    &'a str,
    Option<String>,
    Option<&'a str>,
    Option<&'a str>,
);

/// For each admission refusal, under releases that refuse it and releases
/// that do not: `plan` refuses exactly when `check` reports the refusal's
/// rule, `check` fails exactly then, and every driver/pool message `check`
/// prints is the one in Nomad's error.
#[test]
fn check_and_plan_agree_on_every_admission_refusal() {
    let monitor_ns = |caps: &str| format!("name = \"monitor\"\n{caps}");
    let only_exec = "capabilities {\n  enabled_task_drivers = [\"exec\"]\n}\n";
    let no_docker = "capabilities {\n  disabled_task_drivers = [\"docker\"]\n}\n";
    let cases: &[Case] = &[
        ("ns", "0.12.2", None, None, Some("NP302")),
        ("ns", "1.3.0", None, None, Some("NP302")),
        ("ns", "2.0.0", None, None, Some("NP302")),
        ("drv", "1.2.0", Some(monitor_ns(only_exec)), None, None),
        (
            "drv",
            "1.3.0",
            Some(monitor_ns(only_exec)),
            None,
            Some("NP306"),
        ),
        (
            "drv",
            "2.0.0",
            Some(monitor_ns(no_docker)),
            None,
            Some("NP306"),
        ),
        ("ok", "2.0.0", Some(monitor_ns("")), None, None),
        (
            "pool",
            "1.6.0",
            Some(monitor_ns("")),
            Some("gpu"),
            Some("NP208"),
        ),
        (
            "pool",
            "2.0.0",
            Some(monitor_ns("")),
            Some("gpu"),
            Some("NP208"),
        ),
        ("pool", "2.0.0", Some(monitor_ns("")), Some("all"), None),
    ];
    for (i, (case, version, ns, pool, code)) in cases.iter().enumerate() {
        let dir = demo(&format!("agree{i}-{case}"), version);
        if let Some(ns) = ns {
            std::fs::write(dir.join("rules/namespaces/monitor.hcl"), ns).expect("write");
        }
        if let Some(pool) = pool {
            rewrite(
                &dir,
                "jobs/monitoring.nomad",
                "  type = \"service\"",
                &format!("  type = \"service\"\n  node_pool = \"{pool}\""),
            );
        }
        let a = agreement(&dir);
        let what = format!(
            "{case} under {version}: plan {} {}check {:?}",
            a.plan_exit, a.plan_stderr, a.check
        );
        assert_eq!(a.plan_refused, code.is_some(), "{what}");
        let codes: Vec<&str> = a.check.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, code.iter().copied().collect::<Vec<_>>(), "{what}");
        assert_eq!(a.check_exit, if code.is_some() { 1 } else { 0 }, "{what}");
        for (c, message) in &a.check {
            if c != "NP302" {
                assert!(a.plan_stderr.contains(message.as_str()), "{what}");
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
