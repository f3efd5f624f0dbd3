//! Nomad's own text where it is Nomad's, per version: the errors `nomad job
//! plan` prints for a file that does not load (and their exit code), the
//! fields `--format json` carries, and the note that marks a line we infer.

use crate::common;

use common::TempDir;

/// The demo in a temp dir, its world set to `version`.
fn demo_at(name: &str, version: &str) -> TempDir {
    let d = TempDir::demo(name);
    let path = d.0.join("rules/cluster.hcl");
    let text = std::fs::read_to_string(&path).expect("cluster.hcl");
    assert!(text.contains("nomad_version = \"0.9.3\""));
    std::fs::write(
        &path,
        text.replace(
            "nomad_version = \"0.9.3\"",
            &format!("nomad_version = \"{version}\""),
        ),
    )
    .expect("write");
    d
}

const NO_DATACENTERS: &str = "job \"web\" {\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n      config {\n        command = \"/bin/true\"\n      }\n    }\n  }\n}\n";

#[test]
fn a_server_side_validation_error_is_nomads_error_during_plan() {
    for (version, list) in [
        (
            "0.9.3",
            "1 error(s) occurred:\n\n* Missing job datacenters)",
        ),
        (
            "1.4.0",
            "1 error occurred:\n\t* Missing job datacenters\n\n)",
        ),
    ] {
        let d = demo_at(&format!("plan-validation-{version}"), version);
        std::fs::write(d.0.join("jobs/web.nomad"), NO_DATACENTERS).expect("write");
        let out = d.run(&["plan", "jobs/web.nomad"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(255), "{version}: {stderr}");
        assert!(
            stderr.starts_with(&format!(
                "Error during plan: Unexpected response code: 500 ({list}\n"
            )),
            "{version}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "no plan text after an error");
    }
}

#[test]
fn a_file_the_parser_refuses_is_an_error_getting_the_job_struct() {
    let d = demo_at("plan-parse", "0.9.3");
    std::fs::write(
        d.0.join("jobs/web.nomad"),
        "job \"web\" {\n  datacenters = [\n",
    )
    .expect("write");
    let out = d.run(&["plan", "jobs/web.nomad"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(255), "{stderr}");
    assert!(
        stderr
            .starts_with("Error getting job struct: Error parsing job file from jobs/web.nomad: "),
        "{stderr}"
    );
    // validate words it the same and exits 1, as `nomad job validate` does.
    let out = d.run(&["validate", "jobs/web.nomad"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("Error getting job struct: Error parsing job file from "),
        "{stderr}"
    );
}

/// FluentD in `default` fails on the cpu quota: the metric JSON has
/// `NodesInPool` only where Nomad's API has it (1.6+), and the inferred
/// wording of the cpu quota line is flagged on stderr and in JSON.
#[test]
fn json_fields_follow_the_version_and_the_inferred_quota_line_is_flagged() {
    for (version, in_pool) in [("0.9.3", false), ("1.5.6", false), ("1.6.0", true)] {
        let d = demo_at(&format!("plan-json-{version}"), version);
        let out = d.run(&["plan", "--format", "json", "jobs/monitoring.nomad"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let v: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        let metric = &v["FailedTGAllocs"]["foundation"];
        assert!(metric.is_object(), "{version}: {v}");
        assert_eq!(
            metric.get("NodesInPool").is_some(),
            in_pool,
            "{version}: {metric}"
        );
        let quota = metric["QuotaExhausted"][0].as_str().unwrap_or_default();
        assert!(quota.starts_with("cpu exhausted ("), "{version}: {quota}");
        let inferred = v["Preflight"]["Inferred"].as_array().expect("Inferred");
        assert_eq!(inferred.len(), 1, "{version}: {inferred:?}");
        assert!(
            stderr.contains("note: the wording of Quota limit hit \"cpu exhausted ("),
            "{version}: {stderr}"
        );
    }
}
