//! A device attribute the cluster reports with no value set (none of
//! `Int`, `Float`, `String`, `Bool`: plugins/shared/structs/attribute.go
//! v2.0.5 Attribute) is kept by the import. Nomad finds it
//! (resolveDeviceTarget's `d.Attributes[attr]`, scheduler/feasible/
//! feasible.go v2.0.5:1705-1709), so `is_set` holds, and it compares with
//! nothing (nullComparator), so `!=` fails (checkAttributeConstraint
//! :1717-1740). The import dropped it: `is_set` failed and `!=` passed, a
//! placement Nomad refuses. `import --write` keeps it as `null`.

use crate::common;
use crate::import_field_types::{edit, import, placed};

use common::run_in;
use serde_json::json;

const NODE: &str = "node-0a1b2c3d-0000-4000-8000-000000000001.json";

/// A one-instance GPU job whose device constraint is `operator`
/// (`value` when one is given) on attribute `ecc`.
fn gpu_job(operator: &str, value: Option<&str>) -> String {
    let value = value.map_or(String::new(), |v| {
        format!("\n          value     = \"{v}\"")
    });
    format!(
        "job \"probe\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n        device \"nvidia/gpu\" {{\n          count = 1\n          constraint {{\n            attribute = \"${{device.attr.ecc}}\"\n            operator  = \"{operator}\"{value}\n          }}\n        }}\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// The basic import with node 1 reporting one healthy T4 whose `ecc`
/// attribute has a unit and no value.
fn with_unset_attribute(tag: &str) -> common::TempDir {
    let d = import(tag);
    edit(&d, NODE, |v| {
        v["NodeResources"]["Devices"] = json!([{"Vendor": "nvidia", "Type": "gpu",
            "Name": "t4", "Instances": [{"ID": "GPU-1", "Healthy": true}],
            "Attributes": {"ecc": {"Unit": "MiB"}}}]);
    });
    // Without its device limit, which no plan can count (world::quota-devices).
    edit(&d, "quotas.json", |v| {
        v[0]["Limits"][0]["RegionLimit"]["Devices"] = json!(null);
    });
    d
}

fn plans(d: &common::TempDir, world: &str, job: &str) -> common::Out {
    d.put("probe.nomad", job);
    run_in(&d.0, &["plan", "--world", world, "probe.nomad"])
}

#[test]
fn an_attribute_with_no_value_is_set_and_equal_to_nothing() {
    let d = with_unset_attribute("device-unset");
    let set = plans(&d, "imp", &gpu_job("is_set", None));
    assert!(placed(&set), "{}{}", set.stdout, set.stderr);
    let not_set = plans(&d, "imp", &gpu_job("is_not_set", None));
    assert!(!placed(&not_set), "{}{}", not_set.stdout, not_set.stderr);
    // Found on both sides, compared with nothing: `!=` fails.
    let differs = plans(&d, "imp", &gpu_job("!=", Some("8 MiB")));
    assert_eq!(differs.code, 1, "{}{}", differs.stdout, differs.stderr);
    assert!(!placed(&differs), "{}{}", differs.stdout, differs.stderr);
}

#[test]
fn import_write_keeps_an_attribute_with_no_value() {
    let d = with_unset_attribute("device-unset-write");
    let w = run_in(&d.0, &["import", "imp", "--write", "w/rules"]);
    assert_eq!(w.code, 0, "{}{}", w.stdout, w.stderr);
    let cluster = std::fs::read_to_string(d.0.join("w/rules/cluster.hcl")).expect("written");
    assert!(cluster.contains("ecc = null"), "{cluster}");
    let set = plans(&d, "w/rules", &gpu_job("is_set", None));
    assert!(placed(&set), "{}{}", set.stdout, set.stderr);
    let differs = plans(&d, "w/rules", &gpu_job("!=", Some("8 MiB")));
    assert!(!placed(&differs), "{}{}", differs.stdout, differs.stderr);
}

/// The basic import with node 1's T4 reporting `ecc` as JSON `null`: the
/// server holds a nil `*Attribute` (scheduler/nil_attribute.rs).
fn with_null_attribute(tag: &str) -> common::TempDir {
    let d = with_unset_attribute(tag);
    edit(&d, NODE, |v| {
        v["NodeResources"]["Devices"][0]["Attributes"] = json!({"ecc": null});
    });
    d
}

#[test]
fn a_null_attribute_read_as_a_string_panics_nomad_so_the_plan_cannot_tell() {
    // regexp and set_contains call GetString through the nil pointer
    // (checkAttributeConstraint, scheduler/feasible/feasible.go
    // v2.0.5:1786-1818): Nomad's scheduler panics, so no placement and no
    // refusal of ours; `!=` compares nil with nothing (Comparable's nil
    // check, plugins/shared/structs/attribute.go v2.0.5:283-286): refused.
    let d = with_null_attribute("device-null");
    for (operator, value) in [("regexp", "8.*"), ("set_contains", "a")] {
        let o = plans(&d, "imp", &gpu_job(operator, Some(value)));
        assert_eq!(o.code, 255, "{operator}: {}{}", o.stdout, o.stderr);
        assert!(!placed(&o), "{operator}: {}{}", o.stdout, o.stderr);
        assert!(
            common::flat(&o.stderr).contains("reports device attribute \"ecc\" as null"),
            "{operator}: {}",
            o.stderr
        );
    }
    let differs = plans(&d, "imp", &gpu_job("!=", Some("8 MiB")));
    assert_eq!(differs.code, 1, "{}{}", differs.stdout, differs.stderr);
    assert!(!placed(&differs), "{}{}", differs.stdout, differs.stderr);
    let set = plans(&d, "imp", &gpu_job("is_set", None));
    assert!(placed(&set), "{}{}", set.stdout, set.stderr);
    // The world format's `null` is an attribute with no value: not written.
    let w = run_in(&d.0, &["import", "imp", "--write", "w/rules"]);
    assert_eq!(w.code, 2, "{}{}", w.stdout, w.stderr);
    assert!(
        w.stderr.contains("null-attribute-not-written"),
        "{}",
        w.stderr
    );
    assert!(!d.0.join("w/rules/cluster.hcl").exists());
}

/// `with_null_attribute`, node 1 (the only one with the T4) moved out of
/// what a `datacenters = ["dc1"]` job reaches by `edit`, in its own file
/// and in nodes.json's list.
fn out_of_scope(tag: &str, edit_node: impl Fn(&mut serde_json::Value)) -> common::TempDir {
    let d = with_null_attribute(tag);
    edit(&d, NODE, |v| edit_node(v));
    edit(&d, "nodes.json", |v| {
        let list = v.as_array_mut().expect("a list");
        let node = (list.iter_mut())
            .find(|n| n["ID"] == "0a1b2c3d-0000-4000-8000-000000000001")
            .expect("node 1");
        edit_node(node);
    });
    d
}

#[test]
fn a_null_attribute_of_a_node_the_scheduler_never_reads_is_no_cannot_tell() {
    // readyNodesInDCsAndPool (scheduler/util.go v2.0.5:23-60) drops a node
    // outside the job's datacenters or not eligible before any checker
    // runs (scheduler/feasible/stack.go v2.0.5:394-446): its devices'
    // attributes are never read, so Nomad does not panic, and no other
    // node has the model: the placement fails, Nomad's own answer.
    let elsewhere = out_of_scope("device-null-dc", |n| n["Datacenter"] = json!("dc2"));
    let ineligible = out_of_scope("device-null-inel", |n| {
        n["SchedulingEligibility"] = json!("ineligible")
    });
    for d in [&elsewhere, &ineligible] {
        let o = plans(d, "imp", &gpu_job("regexp", Some("8.*")));
        assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
        assert!(!placed(&o), "{}{}", o.stdout, o.stderr);
        assert!(
            o.stdout.contains("failed to place 1 allocation"),
            "{}",
            o.stdout
        );
        assert!(!o.stderr.contains("as null"), "{}", o.stderr);
    }
    // In the job's datacenters again: cannot tell, as before.
    let job = gpu_job("regexp", Some("8.*")).replace("[\"dc1\"]", "[\"dc1\", \"dc2\"]");
    let o = plans(&elsewhere, "imp", &job);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        common::flat(&o.stderr).contains("reports device attribute \"ecc\" as null"),
        "{}",
        o.stderr
    );
}
