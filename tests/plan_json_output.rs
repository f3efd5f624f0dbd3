//! Nomad 2.0.5's `job plan -json-output` and `-t` (command/job_plan.go
//! v2.0.5:157-170, 236-248; CHANGELOG 2.0.5 GH-27369). `-json-output`
//! prints `Format(true, "", resp)`: the api.JobPlanResponse (api/jobs.go
//! v2.0.5:1534-1545) through command/data_format.go's codec JsonHandle
//! (4-space indent), and exits getExitCode(resp). Both flags together:
//! "Both -json-output and -t formatting are not allowed", 255. Before
//! 2.0.5 Go's flag package refuses either ("flag provided but not
//! defined"), 255. `-t` needs a Go template engine we do not have: refused.

use crate::common;

use common::{run_in, Out};

/// The demo's plan of jobs/sockshop.nomad as Nomad `version` with `flags`.
fn demo(version: &str, flags: &[&str]) -> Out {
    let mut args = vec!["--no-color", "plan", "--nomad-version", version];
    args.extend_from_slice(flags);
    args.push("jobs/sockshop.nomad");
    run_in(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), &args)
}

#[test]
fn json_output_prints_nomads_document_and_exit_code() {
    for flag in ["-json-output", "--json-output"] {
        let out = demo("2.0.5", &[flag]);
        let ours = demo("2.0.5", &["--format", "json"]);
        assert_eq!(
            out.code, ours.code,
            "{flag}: getExitCode, as the plan's: {}",
            out.stderr
        );
        let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("one JSON document");
        let mut full: serde_json::Value =
            serde_json::from_str(&ours.stdout).expect("--format json");
        full.as_object_mut().map(|o| o.remove("Preflight"));
        assert_eq!(
            doc, full,
            "{flag}: --format json's document without Preflight"
        );
        // api.JobPlanResponse's fields and no other, in the codec's order.
        let keys: Vec<&str> = doc
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "Annotations",
                "CreatedEvals",
                "Diff",
                "FailedTGAllocs",
                "JobModifyIndex",
                "NextPeriodicLaunch",
                "Warnings"
            ]
        );
        assert!(
            out.stdout
                .starts_with("{\n    \"Annotations\": {\n        \"DesiredTGUpdates\""),
            "{}",
            out.stdout
        );
        crate::assert_snap!("plan_json_output_demo", out.stdout);
    }
}

#[test]
fn json_output_and_t_are_refused_before_2_0_5() {
    for (flag, value) in [("-json-output", None), ("-t", Some("{{.JobModifyIndex}}"))] {
        let mut flags = vec![flag];
        flags.extend(value);
        let out = demo("2.0.4", &flags);
        assert_eq!(out.code, 255, "{flag}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{flag}: {}", out.stdout);
        assert!(
            out.stderr
                .contains(&format!("flag provided but not defined: {flag}")),
            "{flag}: {}",
            out.stderr
        );
    }
}

#[test]
fn t_is_refused_with_its_reason_at_2_0_5() {
    let out = demo("2.0.5", &["-t", "{{.JobModifyIndex}}"]);
    assert_eq!(out.code, 255, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains("no Go template engine"),
        "{}",
        out.stderr
    );
}

#[test]
fn json_output_with_t_is_nomads_error() {
    let out = demo("2.0.5", &["-json-output", "-t", "{{.JobModifyIndex}}"]);
    assert_eq!(out.code, 255, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("Both -json-output and -t formatting are not allowed"),
        "{}",
        out.stderr
    );
}
