//! A field of an import file holding a JSON type Nomad's Go struct cannot
//! hold is never read as absent or as Nomad's default (redteam R15-52):
//! it is an `import::shape` error naming the file and the field, exit 255
//! from `plan`, and `import` refuses it (writing nothing).
//! - quotas.json: `RegionLimit` figures are `*int` (api/resources.go
//!   v1.7.2 Resources, api/quota.go v1.7.2 QuotaLimit.RegionLimit);
//! - namespaces.json: `Capabilities.DisabledTaskDrivers` and the other
//!   lists are `[]string` (api/namespace.go v1.7.2, v2.0.5);
//! - scheduler.json: the four `PreemptionConfig` flags are plain bools
//!   (api/operator.go v2.0.5 PreemptionConfig), never null;
//! - nodes.json and node-ID.json: `NodeResources.Cpu.CpuShares` is an
//!   int64 of a struct held by value (api/nodes.go v2.0.5).
//!
//! Where Nomad's field is a pointer or slice, null stays "unset".

use crate::common;

use common::{copy_dir, flat, run_in, TempDir};
use serde_json::Value;

const JOB: &str = "job \"probe\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

/// tests/fixtures/import/basic (Nomad 1.7.2+ent) as `imp`, the job beside it.
pub(crate) fn import(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/basic"),
        &d.0.join("imp"),
    );
    d.put("probe.nomad", JOB);
    d
}

/// `imp/file` with `edit` applied to its JSON.
pub(crate) fn edit(d: &TempDir, file: &str, edit: impl FnOnce(&mut Value)) {
    let p = d.0.join("imp").join(file);
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

pub(crate) fn plan(d: &TempDir) -> common::Out {
    run_in(&d.0, &["plan", "--world", "imp", "probe.nomad"])
}

/// Refused naming `words`: no Nomad text, exit 255 from `plan`, 2 from
/// `import --write`, which writes no world.
pub(crate) fn assert_refused(d: &TempDir, words: &str) {
    let o = plan(d);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    let err = flat(&o.stderr);
    assert!(err.contains("import::shape"), "{err}");
    assert!(err.contains(words), "{err}");
    let i = run_in(&d.0, &["import", "imp", "--write", "w/rules"]);
    assert_eq!(i.code, 2, "{}{}", i.stdout, i.stderr);
    assert!(!d.0.join("w/rules/cluster.hcl").exists());
}

pub(crate) fn placed(o: &common::Out) -> bool {
    (o.code == 0 || o.code == 1) && o.stdout.contains("- All tasks successfully allocated.")
}

#[test]
fn a_quota_figure_held_as_a_string_is_no_missing_limit() {
    let d = import("types-quota");
    edit(&d, "quotas.json", |v| {
        v[0]["Limits"][0]["RegionLimit"]["CPU"] = "50".into();
    });
    assert_refused(
        &d,
        "cannot tell what the quotas limit: quotas.json holds item 1's Limits[0].RegionLimit.CPU as a string, and Nomad's API answers it as a whole number or null",
    );
}

#[test]
fn a_quota_figure_with_a_fraction_is_refused_and_a_null_one_unset() {
    let d = import("types-quota-null");
    // `*int`: null is Go's nil, no limit; the fixture plans.
    edit(&d, "quotas.json", |v| {
        v[0]["Limits"][0]["RegionLimit"]["MemoryMaxMB"] = Value::Null;
        v[0]["Limits"][0]["RegionLimit"]["Devices"] = Value::Null;
    });
    let o = plan(&d);
    assert!(placed(&o), "{}{}", o.stdout, o.stderr);
    edit(&d, "quotas.json", |v| {
        v[0]["Limits"][0]["RegionLimit"]["MemoryMB"] = serde_json::json!(9500.5);
    });
    assert_refused(
        &d,
        "Limits[0].RegionLimit.MemoryMB as a number with a fraction",
    );
}

#[test]
fn a_namespace_driver_list_held_as_a_string_is_no_missing_restriction() {
    let d = import("types-ns");
    edit(&d, "namespaces.json", |v| {
        v[1]["Capabilities"]["DisabledTaskDrivers"] = "docker".into();
    });
    assert_refused(
        &d,
        "namespaces.json holds item 2's Capabilities.DisabledTaskDrivers as a string, and Nomad's API answers it as a list or null",
    );
    edit(&d, "namespaces.json", |v| {
        v[1]["Capabilities"]["DisabledTaskDrivers"] = serde_json::json!(["raw_exec"]);
        v[1]["Capabilities"]["DisabledNetworkModes"] = serde_json::json!([true]);
    });
    assert_refused(&d, "Capabilities.DisabledNetworkModes[0] as a boolean");
}

#[test]
fn a_preemption_flag_held_as_a_string_or_null_is_no_default() {
    let d = import("types-sched");
    for bad in [Value::from("false"), Value::Null] {
        edit(&d, "scheduler.json", |v| {
            v["SchedulerConfig"]["PreemptionConfig"]["SystemSchedulerEnabled"] = bad.clone();
        });
        assert_refused(
            &d,
            "cannot tell the scheduler configuration (algorithm, preemption): scheduler.json holds PreemptionConfig.SystemSchedulerEnabled as",
        );
    }
    edit(&d, "scheduler.json", |v| {
        v["SchedulerConfig"]["PreemptionConfig"]["SystemSchedulerEnabled"] = true.into();
        v["SchedulerConfig"]["MemoryOversubscriptionEnabled"] = "true".into();
    });
    assert_refused(&d, "scheduler.json holds MemoryOversubscriptionEnabled as a string, and Nomad's API answers it as true or false");
}

#[test]
fn a_node_field_held_as_another_type_is_no_zero_value() {
    // A figure held as a string is already outside resource-bound's
    // range (world/bounds.rs); a struct held by value as null, or a
    // bool as a string, read as 0 / false.
    let d = import("types-node");
    edit(&d, "nodes.json", |v| {
        v[0]["NodeResources"]["Memory"] = Value::Null;
    });
    assert_refused(
        &d,
        "cannot tell what the client node offers: nodes.json holds item 1's NodeResources.Memory as null, and Nomad's API answers it as an object",
    );
    let d = import("types-node-file");
    let file = "node-0a1b2c3d-0000-4000-8000-000000000001.json";
    edit(&d, file, |v| {
        v["Drain"] = "true".into();
    });
    assert_refused(
        &d,
        &format!("{file} holds Drain as a string, and Nomad's API answers it as true or false"),
    );
}
