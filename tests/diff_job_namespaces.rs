//! A stored job's `ConsulNamespace` / `VaultNamespace` (set by `job run
//! -consul-namespace` / `-vault-namespace`; no job file key sets them) are
//! primitive fields of structs.Job (1.1.0+ / 0.12.2+), which Job.Diff
//! flattens as any other (nomad/structs/diff.go v1.6.0:76-102): a plan of
//! the file prints `- ConsulNamespace: "team-a"`, never "changed but not
//! modelled" (redteam14 R14-33). `job plan -vault-namespace` (1.3.4+,
//! command/job_plan.go v1.6.0:115-116, :234-237) stores the namespace in
//! the planned job, so a plan that repeats the stored one is unchanged.
//!
//! The field's marker widens the groups' indent (formatJobDiff,
//! command/job_plan.go v1.6.0: `longestMarker` over the job's fields).
//!
//! The import is tests/fixtures/import/stored-update-1.6 (Nomad 1.6.0),
//! whose `web` job is the file below, stored.

use crate::common;

use common::{run_in, TempDir};

const WEB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = 2\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25\"\n      }\n    }\n  }\n}\n";

/// The fixture, with `web` stored with `field` = `value`.
fn project(tag: &str, field: &str, value: &str) -> TempDir {
    let d = TempDir::new(tag);
    let imp = d.0.join("imp");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/stored-update-1.6");
    common::copy_dir(&src, &imp);
    let path = imp.join("jobs/default/web.json");
    let text = std::fs::read_to_string(&path).expect("read");
    let mut job: serde_json::Value = serde_json::from_str(&text).expect("json");
    job[field] = serde_json::json!(value);
    std::fs::write(&path, job.to_string()).expect("write");
    d.put("web.nomad", WEB);
    d
}

fn plan(d: &TempDir, extra: &[&str]) -> common::Out {
    let mut args = vec!["plan", "--no-color", "--world", "imp"];
    args.extend_from_slice(extra);
    args.push("web.nomad");
    run_in(&d.0, &args)
}

fn head(o: &common::Out) -> &str {
    o.stdout
        .split("\nScheduler dry-run")
        .next()
        .unwrap_or_default()
}

#[test]
fn stored_consul_namespace_is_a_job_field_line() {
    let d = project("ns-diff-consul", "ConsulNamespace", "team-a");
    let o = plan(&d, &[]);
    assert_eq!(
        head(&o),
        "+/- Job: \"web\"\n- ConsulNamespace: \"team-a\"\n  Task Group: \"g\" (2 in-place update)\n    Task: \"t\"\n",
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("not modelled"), "{}", o.stderr);
}

#[test]
fn stored_vault_namespace_is_a_job_field_line() {
    let d = project("ns-diff-vault", "VaultNamespace", "team-v");
    let o = plan(&d, &[]);
    assert_eq!(
        head(&o),
        "+/- Job: \"web\"\n- VaultNamespace: \"team-v\"\n  Task Group: \"g\" (2 in-place update)\n    Task: \"t\"\n",
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("not modelled"), "{}", o.stderr);
}

#[test]
fn plan_vault_namespace_flag_stores_it_in_the_planned_job() {
    // The stored namespace, repeated: the same spec.
    let d = project("ns-flag-same", "VaultNamespace", "team-v");
    let o = plan(&d, &["-vault-namespace", "team-v"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_eq!(
        head(&o),
        "Job: \"web\"\nTask Group: \"g\" (2 ignore)\n  Task: \"t\"\n",
        "{}",
        o.stderr
    );
    // A new one: Nomad's diff shows it added.
    let d = project("ns-flag-new", "VaultNamespace", "");
    let o = plan(&d, &["-vault-namespace=team-v"]);
    assert_eq!(
        head(&o),
        "+/- Job: \"web\"\n+ VaultNamespace: \"team-v\"\n  Task Group: \"g\" (2 in-place update)\n    Task: \"t\"\n",
        "{}",
        o.stderr
    );
}
