//! The import files read without a type table (stop 58 Left 3):
//! deployments.json, the CSI files, jobs.json, a job's services, templates
//! and identities, and the limits a quota sets that are not simulated. A
//! field of a type Nomad's struct cannot hold is an `import::shape` "cannot
//! tell" naming the file, the item and the field (import/typed_lists.rs,
//! typed_job.rs, typed_specs.rs), never a silent default:
//! - a quota's `SecretsMB` is api/quota.go v2.0.5 QuotaResources `*int`
//!   and its `NodePools` `[]*NodePoolLimit`: `false` or `{}`, read as Go's
//!   zero, was "no limit" (quota_limits.rs `is_zero`), so the plan said all
//!   clear under a quota it could not read;
//! - jobs.json's `Status` (JobListStub, nomad/structs/structs.go v2.0.5)
//!   was not read at all;
//! - deployments (nomad/structs/deployment.go), CSI volumes and plugins
//!   (nomad/structs/csi.go), services (structs/services.go), templates
//!   (structs.go Template) and identities (structs/workload_id.go) were
//!   refused for the whole import without saying which file.

use crate::import_field_types::{assert_refused, edit, import, placed, plan};

use serde_json::json;

#[test]
fn a_quota_limit_of_another_type_is_no_missing_limit() {
    let d = import("typed-quota-secrets");
    assert!(placed(&plan(&d)), "the probe fits the quota as saved");
    for (key, bad, said) in [
        ("SecretsMB", json!(false), "SecretsMB as a boolean"),
        ("SecretsMB", json!(""), "SecretsMB as a string"),
        ("NodePools", json!({}), "NodePools as an object"),
        ("Storage", json!([]), "Storage as a list"),
    ] {
        edit(&d, "quotas.json", |v| {
            let rl = &mut v[0]["Limits"][0]["RegionLimit"];
            for k in ["SecretsMB", "NodePools", "Storage"] {
                rl[k] = serde_json::Value::Null;
            }
            rl[key] = bad;
        });
        assert_refused(
            &d,
            &format!("quotas.json holds item 1's Limits[0].RegionLimit.{said}"),
        );
    }
    edit(&d, "quotas.json", |v| {
        v[0]["Limits"][0]["RegionLimit"]["Storage"] = serde_json::Value::Null;
        v[0]["Limits"][0]["VariablesLimit"] = json!(false);
    });
    assert_refused(
        &d,
        "quotas.json holds item 1's Limits[0].VariablesLimit as a boolean",
    );
}

#[test]
fn a_job_lists_status_of_another_type_is_named() {
    let d = import("typed-jobs-list");
    d.put(
        "imp/jobs.json",
        &json!([{"ID": "web", "Namespace": "default", "Status": 1, "Stop": false}]).to_string(),
    );
    assert_refused(
        &d,
        "cannot tell which jobs the cluster registers: jobs.json holds item 1's Status as a number, and Nomad's API answers it as a string",
    );
}

#[test]
fn a_deployment_of_another_type_is_named_where_it_is() {
    let d = import("typed-deployments");
    d.put(
        "imp/deployments.json",
        r#"[{"ID": "d1", "Namespace": "default", "JobID": "web", "Status": "running", "JobVersion": "3", "JobCreateIndex": 40}]"#,
    );
    assert_refused(
        &d,
        "deployments.json holds item 1's JobVersion as a string, and Nomad's API answers it as a whole number from 0",
    );
    d.put(
        "imp/deployments.json",
        r#"[{"ID": "d1", "Namespace": "default", "JobID": "web", "Status": "running", "JobVersion": 3,
            "TaskGroups": {"frontend": {"DesiredTotal": "2"}}}]"#,
    );
    assert_refused(
        &d,
        "deployments.json holds item 1's TaskGroups.frontend.DesiredTotal as a string",
    );
}

#[test]
fn a_csi_volume_or_plugin_of_another_type_is_named_where_it_is() {
    let d = import("typed-csi");
    let vol = json!({"ID": "vol1", "Name": "vol1", "Namespace": "default", "PluginID": "ebs",
        "AccessMode": "single-node-writer", "AttachmentMode": "file-system",
        "Schedulable": "true", "CurrentWriters": 0});
    d.put("imp/csi-volumes.json", &json!([vol]).to_string());
    assert_refused(
        &d,
        "csi-volumes.json holds item 1's Schedulable as a string, and Nomad's API answers it as true or false",
    );
    let mut vol = vol;
    vol["Schedulable"] = json!(true);
    d.put("imp/csi-volumes.json", &json!([vol]).to_string());
    vol["WriteAllocs"] = json!(["a1"]);
    d.put("imp/volumes/default/vol1.json", &vol.to_string());
    assert_refused(&d, "vol1.json holds WriteAllocs as a list");
    std::fs::remove_dir_all(d.0.join("imp/volumes")).unwrap();
    d.put(
        "imp/plugins/ebs.json",
        r#"{"ID": "ebs", "Nodes": {"n1": {"Healthy": "yes", "NodeInfo": null}}}"#,
    );
    assert_refused(&d, "ebs.json holds Nodes.n1.Healthy as a string");
}

#[test]
fn a_service_template_or_identity_of_another_type_is_named_where_it_is() {
    let d = import("typed-job-parts");
    edit(&d, "jobs/default/web.json", |v| {
        v["TaskGroups"][0]["Services"] =
            json!([{"Name": "web", "PortLabel": 8080, "Provider": "nomad"}]);
    });
    assert_refused(
        &d,
        "cannot tell what the job runs: web.json holds TaskGroups[0].Services[0].PortLabel as a number, and Nomad's API answers it as a string",
    );
    edit(&d, "jobs/default/web.json", |v| {
        v["TaskGroups"][0]["Services"] = serde_json::Value::Null;
        v["TaskGroups"][0]["Tasks"][0]["Templates"] =
            json!([{"DestPath": "local/a", "EmbeddedTmpl": "x", "Splay": "5s"}]);
    });
    assert_refused(
        &d,
        "web.json holds TaskGroups[0].Tasks[0].Templates[0].Splay as a string",
    );
    edit(&d, "jobs/default/web.json", |v| {
        v["TaskGroups"][0]["Tasks"][0]["Templates"] = serde_json::Value::Null;
        v["TaskGroups"][0]["Tasks"][0]["Identities"] = json!([{"Name": "vault", "TTL": "1h"}]);
    });
    assert_refused(
        &d,
        "web.json holds TaskGroups[0].Tasks[0].Identities[0].TTL as a string",
    );
}
