//! `validate --format json` (stop 57's Left 6): one document on stdout
//! for CI to gate on, each file named with its verdict (valid, invalid,
//! cannot tell), its exit code, Nomad's text and each diagnostic with
//! its location and code; the process's exit code is text's (Nomad's
//! validate: 0 valid, 1 invalid, command/job_validate.go v2.0.5; ours 255
//! when what Nomad says is not known). The document is read with
//! serde_json, never by substring.

use crate::common;

use serde_json::Value;

const VALID: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25\"\n      }\n    }\n  }\n}\n";

/// Job.Validate refuses a priority above 100 (nomad/structs/structs.go
/// v2.0.5, JobMaxPriority's default).
fn invalid() -> String {
    VALID.replace("  datacenters", "  priority = 500\n  datacenters")
}

/// A file a function reads outside the project: Nomad's CLI reads it,
/// we refuse to, so what Nomad says is not known.
fn untold() -> String {
    VALID.replace(
        "  datacenters",
        "  meta {\n    x = file(\"/etc/hostname\")\n  }\n  datacenters",
    )
}

fn project(tag: &str) -> common::TempDir {
    let d = common::one_client_project(
        tag,
        "2.0.5",
        "  cpu = 4000\n  memory = 4000\n  drivers = [\"docker\"]\n",
        VALID,
    );
    d.put("jobs/bad.nomad", &invalid());
    d.put("jobs/untold.nomad", &untold());
    d
}

fn validate(d: &common::TempDir, args: &[&str]) -> (common::Out, Value) {
    let mut all = vec!["validate"];
    all.extend_from_slice(args);
    let o = common::run_in(&d.0, &all);
    let v: Value = serde_json::from_str(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is no JSON ({e}):\n{}\n{}", o.stdout, o.stderr));
    (o, v)
}

#[test]
fn each_file_has_its_verdict_text_and_located_diagnostics() {
    let d = project("validate-json-files");
    let files = ["jobs/web.nomad", "jobs/bad.nomad", "jobs/untold.nomad"];
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(&files);
    let (o, v) = validate(&d, &args);
    // As text exits: the worst file's code.
    let text = common::run_in(&d.0, &[&["validate"][..], &files].concat());
    assert_eq!(o.code, text.code, "{}", o.stderr);
    assert_eq!(o.code, 255, "{}", o.stderr);
    assert_eq!(v["version"], 1);
    assert_eq!(v["nomad_version"], "2.0.5");
    let got: Vec<(&str, &str, i64)> = v["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or(""),
                f["verdict"].as_str().unwrap_or(""),
                f["exit_code"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("jobs/web.nomad", "valid", 0),
            ("jobs/bad.nomad", "invalid", 1),
            ("jobs/untold.nomad", "cannot_tell", 255),
        ],
        "{v:#}"
    );
    let [ok, bad, unknown] = [0, 1, 2].map(|i| &v["files"][i]);
    assert_eq!(ok["nomad_output"], "Job validation successful\n", "{v:#}");
    assert_eq!(ok["diagnostics"], Value::Array(vec![]), "{v:#}");
    // Nomad's own list, and the error located where the file says it.
    assert_eq!(
        bad["nomad_output"],
        "Job validation errors:\n1 error occurred:\n\t* job priority must be between [1, 100]\n\n\n",
        "{v:#}"
    );
    let range = bad["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == "jobspec::range"))
        .unwrap_or_else(|| panic!("no jobspec::range in {v:#}"));
    assert_eq!(range["file"], "jobs/bad.nomad");
    assert_eq!(range["line"], 2);
    assert_eq!(range["column"], 3);
    assert_eq!(range["severity"], "error");
    assert_eq!(range["message"], "Job priority must be between [1, 100]");
    // Never Nomad's words where they are not known: our line, and the
    // refused read located.
    assert_eq!(unknown["nomad_output"], "", "{v:#}");
    let lines = unknown["messages"].as_array().expect("messages");
    assert!(
        lines.iter().any(|l| l
            .as_str()
            .is_some_and(|l| l.starts_with("error: cannot tell what Nomad says of this job file"))),
        "{v:#}"
    );
    let access = &unknown["diagnostics"][0];
    assert_eq!(access["code"], "jobspec::file-access", "{v:#}");
    assert_eq!((&access["line"], &access["column"]), (&3.into(), &9.into()));
    assert_eq!(
        v["summary"],
        serde_json::json!({"files": 3, "valid": 1, "invalid": 1, "cannot_tell": 1})
    );
}

#[test]
fn a_valid_file_alone_exits_0_with_one_valid_entry() {
    let d = project("validate-json-valid");
    let (o, v) = validate(&d, &["--format", "json", "jobs/web.nomad"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(v["files"][0]["verdict"], "valid", "{v:#}");
    assert_eq!(
        v["summary"],
        serde_json::json!({"files": 1, "valid": 1, "invalid": 0, "cannot_tell": 0})
    );
}

#[test]
fn a_world_that_does_not_load_is_a_cannot_tell_document() {
    let d = project("validate-json-world");
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"2.0.5\"\nclient \"c\" {\n",
    );
    let (o, v) = validate(&d, &["--format", "json", "jobs/web.nomad"]);
    assert_eq!(o.code, 255, "{}", o.stderr);
    assert_eq!(v["cannot_tell"], true, "{v:#}");
    assert_eq!(v["files"], Value::Array(vec![]), "{v:#}");
    assert_eq!(v["summary"]["valid"], 0, "{v:#}");
    let error = v["error"].as_str().expect("error");
    assert!(
        error.starts_with("error: cannot tell what `nomad job validate` says: rules/cluster.hcl:"),
        "{error}"
    );
    assert_eq!(v["diagnostics"][0]["file"], "rules/cluster.hcl", "{v:#}");
}
