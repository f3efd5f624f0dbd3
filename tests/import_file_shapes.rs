//! An import file that is valid JSON but not what Nomad's endpoint
//! answers is never read as "none" or as Nomad's defaults (redteam15b
//! R15-20..23): each is a located error that says it cannot tell, exit
//! 255 from `plan`, and `import` refuses it.
//! - namespaces.json, quotas.json, node-pools.json: Nomad answers a list
//!   of named objects; `{}`, `null`, `true`, `[1]`, `[{}]` and one object
//!   (`nomad namespace inspect`, `/v1/namespace/default`) are not it;
//! - scheduler.json: `SchedulerGetConfiguration` always answers a whole
//!   configuration (nomad/operator_endpoint.go v2.0.5), whose
//!   `PreemptionConfig` is a struct (nomad/structs/operator.go v0.9.0,
//!   v2.0.5);
//! - a namespace's quota missing from quotas.json: Nomad refuses such a
//!   namespace (nomad/state/state_store.go v2.0.5 upsertNamespaceImpl);
//! - a job under jobs/<ns>/ of a namespace namespaces.json does not list:
//!   Nomad deletes no namespace holding a job that is not dead
//!   (nomad/state/state_store.go v2.0.5 DeleteNamespaces), so the job is
//!   said, never dropped.

use crate::common;

use common::{copy_dir, flat, run_in, TempDir};

const JOB: &str = "job \"probe\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

/// tests/fixtures/import/basic (Nomad 1.7.2+ent) as `imp`, the job beside it.
fn import(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/basic"),
        &d.0.join("imp"),
    );
    d.put("probe.nomad", JOB);
    d
}

fn plan(d: &TempDir) -> common::Out {
    run_in(&d.0, &["plan", "--world", "imp", "probe.nomad"])
}

fn placed(o: &common::Out) -> bool {
    (o.code == 0 || o.code == 1) && o.stdout.contains("- All tasks successfully allocated.")
}

/// `file` holding `body` is refused with `code` and `words`: no Nomad
/// text, exit 255 from `plan`, 2 from `import`.
fn assert_refused(d: &TempDir, file: &str, body: &str, code: &str, words: &str) {
    d.put(&format!("imp/{file}"), body);
    let o = plan(d);
    assert_eq!(o.code, 255, "{file} = {body}: {}{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "{file} = {body}: {}", o.stdout);
    let err = flat(&o.stderr);
    assert!(err.contains(code), "{file} = {body}: {err}");
    assert!(err.contains(words), "{file} = {body}: {err}");
    let i = run_in(&d.0, &["import", "imp"]);
    assert_eq!(i.code, 2, "{file} = {body}: {}{}", i.stdout, i.stderr);
    assert!(!i.stdout.contains("running jobs"), "{}", i.stdout);
}

#[test]
fn the_fixture_plans() {
    // The guard of every test here: the unchanged import is read.
    let d = import("shapes-whole");
    let o = plan(&d);
    assert!(placed(&o), "{}{}", o.stdout, o.stderr);
}

#[test]
fn a_namespace_list_of_another_shape_cannot_tell() {
    let d = import("shapes-ns");
    for body in ["{}", "null", "true", "[1]", "[{}]", r#"[{"Name": ""}]"#] {
        assert_refused(
            &d,
            "namespaces.json",
            body,
            "import::shape",
            "cannot tell which namespaces exist",
        );
    }
    // One namespace, as `nomad namespace inspect default` saves it: the
    // others are unknown, so the list is not taken to be this one alone.
    assert_refused(
        &d,
        "namespaces.json",
        r#"{"Name": "default", "Description": "Default shared namespace", "Quota": "", "Capabilities": {"DisabledTaskDrivers": ["docker"]}}"#,
        "import::shape",
        "holds one namespace, as `nomad namespace inspect` or `/v1/namespace/NAME` saves it, not the list",
    );
}

#[test]
fn a_job_of_a_namespace_not_listed_is_said_never_dropped() {
    let d = import("shapes-ns-unlisted");
    // The fixture's list without `monitor`, whose job agent runs.
    let ns =
        r#"[{"Name": "default", "Description": "Default shared namespace", "Quota": "default"}]"#;
    assert_refused(
        &d,
        "namespaces.json",
        ns,
        "import::unknown-namespace",
        "cannot tell which jobs run: jobs/monitor/agent.json holds job \"agent\" of namespace \"monitor\", which namespaces.json does not list",
    );
    // A dead job may outlive its namespace: read as it is.
    let p = d.0.join("imp/jobs/monitor/agent.json");
    let t = std::fs::read_to_string(&p).unwrap();
    let dead = t.replacen('{', "{\"Status\": \"dead\", ", 1);
    std::fs::write(&p, dead).unwrap();
    let o = plan(&d);
    assert!(placed(&o), "{}{}", o.stdout, o.stderr);
    let i = run_in(&d.0, &["import", "imp"]);
    assert!(
        i.stdout.contains("3 running jobs"),
        "{}{}",
        i.stdout,
        i.stderr
    );
}

#[test]
fn a_quota_list_of_another_shape_or_without_a_namespaces_quota_cannot_tell() {
    let d = import("shapes-quotas");
    for body in ["{}", "true", "[1]", "[{}]"] {
        assert_refused(
            &d,
            "quotas.json",
            body,
            "import::shape",
            "cannot tell which quotas exist",
        );
    }
    // Namespace `default` uses quota `default`, which the list lacks.
    for body in ["[]", r#"[{"Name": "other", "Limits": []}]"#] {
        assert_refused(
            &d,
            "quotas.json",
            body,
            "import::unknown-quota",
            "cannot tell namespace \"default\"'s quota: it uses quota \"default\", which quotas.json does not hold",
        );
    }
}

#[test]
fn a_scheduler_file_without_its_settings_cannot_tell() {
    let d = import("shapes-scheduler");
    for body in [
        "{}",
        "true",
        "[1]",
        r#"{"Index": 5}"#,
        r#"{"SchedulerConfig": null, "Index": 5}"#,
        r#"{"SchedulerConfig": {"SchedulerAlgorithm": "binpack"}}"#,
        r#"{"SchedulerConfig": {"SchedulerAlgorithm": "spreed", "PreemptionConfig": {"SystemSchedulerEnabled": true}}}"#,
    ] {
        assert_refused(
            &d,
            "scheduler.json",
            body,
            "import::shape",
            "cannot tell the scheduler configuration (algorithm, preemption)",
        );
    }
}

#[test]
fn the_configuration_alone_as_get_config_prints_it_is_read() {
    // Guard: `nomad operator scheduler get-config -json` prints the
    // configuration without its `SchedulerConfig` wrapper.
    let d = import("shapes-scheduler-bare");
    d.put(
        "imp/scheduler.json",
        r#"{"SchedulerAlgorithm": "binpack", "MemoryOversubscriptionEnabled": false, "PreemptionConfig": {"SystemSchedulerEnabled": true, "SysBatchSchedulerEnabled": false, "BatchSchedulerEnabled": false, "ServiceSchedulerEnabled": false}}"#,
    );
    let o = plan(&d);
    assert!(placed(&o), "{}{}", o.stdout, o.stderr);
}

#[test]
fn a_node_pool_list_of_another_shape_cannot_tell() {
    let d = import("shapes-pools");
    for body in ["{}", "true", "[1]"] {
        assert_refused(
            &d,
            "node-pools.json",
            body,
            "import::shape",
            "cannot tell whether a node pool sets its own scheduler configuration",
        );
    }
}

#[test]
fn a_node_list_item_without_an_id_cannot_tell() {
    // The fixture's four nodes and one item that is no node: not read as
    // a fifth client of no resources, nor skipped.
    let d = import("shapes-nodes");
    let p = d.0.join("imp/nodes.json");
    let t = std::fs::read_to_string(&p).unwrap();
    let at = t.rfind(']').unwrap();
    for item in ["{}", "1", r#"{"Name": "ghost", "Status": "ready"}"#] {
        let body = format!("{}, {item}]", &t[..at]);
        assert_refused(
            &d,
            "nodes.json",
            &body,
            "import::shape",
            "cannot tell which nodes the cluster holds: nodes.json must hold the list of nodes `/v1/nodes` answers, and holds an item without an ID",
        );
    }
}

#[test]
fn the_summary_counts_node_pools_not_client_shapes() {
    let d = import("shapes-summary");
    let o = run_in(&d.0, &["import", "imp"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    // Four nodes of two shapes, all in node pool `default`.
    assert!(
        o.stdout
            .contains("Nomad 1.7.2 region global: 4 nodes (2 client shapes) in 1 node pool, "),
        "{}",
        o.stdout
    );
}

/// A refused namespaces.json says so once: the jobs of the namespaces it
/// did not get to list are not each "of a namespace namespaces.json does
/// not list" (rv-a: every live job got that untrue error too).
#[test]
fn a_refused_namespace_list_is_not_said_again_for_every_job() {
    let d = import("shapes-ns-once");
    d.put("imp/namespaces.json", "{}");
    let o = plan(&d);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    let err = flat(&o.stderr);
    assert!(err.contains("import::shape"), "{err}");
    assert!(!err.contains("import::unknown-namespace"), "{err}");
}

/// A folder under jobs/ that cannot be read (a link out of the import
/// folder) may hold a job of a namespace the list leaves out: an error,
/// never a folder left unread (rv-a: a link anywhere under jobs/ emptied
/// the walk that finds unlisted namespaces' folders, without a word).
#[test]
fn a_jobs_folder_that_cannot_be_read_is_said() {
    let d = import("shapes-jobs-link");
    let outside = TempDir::new("shapes-jobs-link-out");
    outside.put("agent.json", "{}");
    std::os::unix::fs::symlink(&outside.0, d.0.join("imp/jobs/elsewhere")).expect("symlink");
    let o = plan(&d);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    let err = flat(&o.stderr);
    assert!(err.contains("import::unreadable"), "{err}");
    assert!(!err.contains(&outside.0.display().to_string()), "{err}");
    let i = run_in(&d.0, &["import", "imp"]);
    assert_eq!(i.code, 2, "{}{}", i.stdout, i.stderr);
}
