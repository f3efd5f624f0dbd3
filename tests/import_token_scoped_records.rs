//! One rule for every record kind of namespace a saved namespace list
//! lacks (src/world/api_alloc_namespace.rs `listed_without`): a job that
//! is not dead, a live allocation, a deployment in progress or a CSI
//! volume of such a namespace is "cannot tell", whether the list is the
//! cluster's whole one or token-scoped. A token that may read a
//! namespace's records sees the namespace in `/v1/namespaces`
//! (ListNamespaces lists what `aclObj.AllowNamespace` allows: any
//! capability, nomad/namespace_endpoint.go v2.0.5:441-475, acl/acl.go
//! v2.0.5:403-430), so such a record beside a list without its namespace
//! says the files were saved apart (or with another token). Jobs already
//! took a token-scoped list as evidence; allocations, deployments and CSI
//! volumes were read silently beside one and the plan said all clear.

use crate::common;

use common::batch::{alloc, import, job_json};
use common::TempDir;
use serde_json::json;

/// An import of 2.0.5 whose agent-self.json does not say ACLs are off and
/// which saved no token: namespaces.json (`default` alone) is
/// token-scoped.
fn token_scoped(tag: &str) -> TempDir {
    let job = job_json(json!({"Status": "running"}));
    let a = alloc(1, 0, &job, json!({"ClientStatus": "running"}));
    import(tag, "2.0.5", &job, &[a])
}

fn refused(d: &TempDir, said: &str) {
    let o = common::batch::plan(d, "web2.nomad");
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    let err = common::flat(&o.stderr);
    assert!(err.contains("import::unknown-namespace"), "{err}");
    assert!(err.contains(said), "{err}");
    assert!(err.contains("or with another token"), "{err}");
}

#[test]
fn a_live_allocation_beside_a_token_scoped_list_without_its_namespace_cannot_be_told() {
    let d = token_scoped("token-scoped-alloc");
    let job = job_json(json!({"Status": "running"}));
    let live = alloc(1, 0, &job, json!({"ClientStatus": "running"}));
    let mut other = alloc(2, 0, &job, json!({"ClientStatus": "running"}));
    other["Namespace"] = json!("other");
    other["JobID"] = json!("ghost");
    d.put("import/allocations.json", &json!([live, other]).to_string());
    refused(
        &d,
        "of job \"ghost\" in namespace \"other\", which namespaces.json does not list",
    );
}

#[test]
fn a_deployment_in_progress_beside_a_token_scoped_list_cannot_be_told() {
    let d = token_scoped("token-scoped-deployment");
    d.put(
        "import/deployments.json",
        &json!([{
            "ID": "d0000001-0000-4000-8000-000000000000", "Namespace": "other",
            "JobID": "ghost", "JobVersion": 0, "JobCreateIndex": 10,
            "Status": "running", "StatusDescription": "", "TaskGroups": {},
            "CreateIndex": 20, "ModifyIndex": 21
        }])
        .to_string(),
    );
    refused(&d, "deployments.json holds deployment d0000001");
}

#[test]
fn a_csi_volume_beside_a_token_scoped_list_cannot_be_told() {
    let d = token_scoped("token-scoped-csi");
    let volume = json!({
        "ID": "vol1", "Name": "vol1", "Namespace": "other", "PluginID": "ebs",
        "AccessMode": "single-node-writer", "AttachmentMode": "file-system",
        "Schedulable": true, "CurrentWriters": 0, "CurrentReaders": 0,
        "ReadAllocs": {}, "WriteAllocs": {}, "Allocations": [],
        "CreateIndex": 5, "ModifyIndex": 6
    });
    d.put("import/csi-volumes.json", &json!([volume]).to_string());
    refused(&d, "CSI volume \"vol1\" in namespace \"other\"");
}
