//! An explicit `region = ""` or `namespace = ""` (or `name = ""`): api
//! `Canonicalize` fills only absent fields, so Nomad's endpoints meet the
//! empty string, and treat it apart:
//! - `Job.Validate` (structs.go) refuses an empty region (`Missing job
//!   region`) and name (`Missing job name`), first in its list;
//! - from 0.9.5 the HTTP agent gives a plan or run the agent's region
//!   (command/agent/job_endpoint.go@v0.9.5:148-152 jobPlan, regionForJob
//!   from 0.12.0) but not a validation (ValidateJobRequest), so only
//!   `validate` refuses the empty region;
//! - from 0.10.0 the Validate RPC refuses a job whose namespace is not the
//!   request's (`mismatched request namespace in request: "default", ""`),
//!   and the CLI then validates locally (command/job_validate.go
//!   validateLocal, after its `Driver configuration not validated` notice),
//!   where Job.Canonicalize makes the namespace `default`: it passes. The
//!   plan passes too; until 1.2.0 the run fails (Job.Register's same check;
//!   1.2.0's namespaceForJob gives both `default`).

use crate::common;

use common::{go_multierror, run_in, TempDir};

const NOTICE: &str = "Driver configuration not validated since connection to Nomad agent couldn't be established.\n\n";

/// A valid one-task job with `head` at its top.
fn job(head: &str) -> String {
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n{head}  group \"g\" {{\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 128\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn project(tag: &str, version: &str, head: &str) -> TempDir {
    common::one_client_project(
        &format!("empty-{tag}"),
        version,
        "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"exec\"]\n",
        &job(head),
    )
}

fn validate(dir: &TempDir) -> common::Out {
    run_in(&dir.0, &["validate", "jobs/web.nomad"])
}

fn plan(dir: &TempDir) -> common::Out {
    run_in(&dir.0, &["plan", "jobs/web.nomad"])
}

/// `validate` exits 1 with Job.Validate's list `items`.
fn assert_refused_by_validate(o: &common::Out, v: &str, items: &[&str]) {
    let items: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    let want = format!("Job validation errors:\n{}\n", go_multierror(v, &items));
    assert_eq!(o.code, 1, "{v}: {}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.starts_with(&want),
        "{v}:\nwant {want:?}\ngot  {:?}",
        o.stderr
    );
}

#[test]
fn an_empty_region_is_refused_by_validate_and_from_0_9_5_filled_by_plan() {
    for v in [
        "2.0.5", "1.6.0", "1.0.0", "0.12.0", "0.11.0", "0.10.0", "0.9.5",
    ] {
        let dir = project(&format!("region-{v}"), v, "  region = \"\"\n");
        assert_refused_by_validate(&validate(&dir), v, &["Missing job region"]);
        let o = plan(&dir);
        assert_ne!(o.code, 255, "{v}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stdout.contains("+ Job: \"web\""),
            "{v}: {}{}",
            o.stdout,
            o.stderr
        );
        let o = run_in(&dir.0, &["check", "jobs/web.nomad"]);
        assert!(
            !o.stdout.contains("Missing job region"),
            "{v}: check judges as plan: {}",
            o.stdout
        );
    }
    // Before 0.9.5 the plan sends the empty region too.
    for v in ["0.9.4", "0.9.3"] {
        let dir = project(&format!("region-{v}"), v, "  region = \"\"\n");
        assert_refused_by_validate(&validate(&dir), v, &["Missing job region"]);
        let o = plan(&dir);
        assert_eq!(o.code, 255, "{v}: {}{}", o.stdout, o.stderr);
        let list = go_multierror(v, &["Missing job region".to_string()]);
        let want = format!("Error during plan: Unexpected response code: 500 ({list})\n");
        assert!(
            o.stderr.starts_with(&want),
            "{v}:\nwant {want:?}\ngot  {:?}",
            o.stderr
        );
    }
}

#[test]
fn an_empty_name_is_refused_by_every_endpoint() {
    let v = "2.0.5";
    let dir = project("name-2.0.5", v, "  name = \"\"\n");
    assert_refused_by_validate(&validate(&dir), v, &["Missing job name"]);
    let o = plan(&dir);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.starts_with("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* Missing job name)\n"),
        "{:?}",
        o.stderr
    );
}

#[test]
fn an_empty_namespace_is_validated_locally_and_planned_as_default() {
    for v in ["2.0.5", "1.6.0", "1.2.0"] {
        let dir = project(&format!("ns-{v}"), v, "  namespace = \"\"\n");
        let o = validate(&dir);
        assert_eq!(o.code, 0, "{v}: {}{}", o.stdout, o.stderr);
        assert_eq!(
            o.stdout,
            format!("{NOTICE}Job validation successful\n"),
            "{v}"
        );
        let o = plan(&dir);
        assert_ne!(o.code, 255, "{v}: {}{}", o.stdout, o.stderr);
        assert!(!o.stdout.contains("mismatched"), "{v}: {}", o.stdout);
    }
    // 0.10.0 to 1.1.x: validate and plan pass, and our warning says the run
    // fails (so neither is an all-clear).
    let run_fails =
        "`nomad job run` will fail: mismatched request namespace in request: \"default\", \"\"";
    for v in ["1.1.0", "1.0.0", "0.10.0"] {
        let dir = project(&format!("ns-{v}"), v, "  namespace = \"\"\n");
        let o = validate(&dir);
        let success = format!("{NOTICE}Job validation successful\n");
        assert!(o.stdout.starts_with(&success), "{v}: {:?}", o.stdout);
        assert!(o.stdout.contains(run_fails), "{v}: {}", o.stdout);
        assert_eq!(o.code, 1, "{v}: {}{}", o.stdout, o.stderr);
        let o = plan(&dir);
        assert!(
            o.stdout.contains(run_fails),
            "{v}: {}{}",
            o.stdout,
            o.stderr
        );
        assert_ne!(o.code, 0, "{v}: the warning fails the gate");
    }
    // 0.9.3 has no such check: a plain validation.
    let dir = project("ns-0.9.3", "0.9.3", "  namespace = \"\"\n");
    let o = validate(&dir);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, "Job validation successful\n");
    // With an empty region too, the local validation refuses the region.
    let v = "2.0.5";
    let dir = project(
        "ns-region-2.0.5",
        v,
        "  namespace = \"\"\n  region = \"\"\n",
    );
    let o = validate(&dir);
    assert!(o.stdout.starts_with(NOTICE), "{:?}", o.stdout);
    assert_refused_by_validate(&o, v, &["Missing job region"]);
}
