//! A deployment in progress or a CSI volume of a namespace a complete
//! namespaces.json does not list is "cannot tell", located at the item, as
//! a live allocation is (src/world/api_alloc_namespace.rs): the files were
//! saved at different times, so what runs cannot be told. Both were read
//! silently and the plan said all clear.
//! - A job with a non-terminal deployment is `running` from 2.0.1
//!   (nomad/state/state_store.go v2.0.5:5596-5606 getJobStatus), and
//!   Nomad deletes no namespace whose jobs are not dead (DeleteNamespaces,
//!   v2.0.5:7110-7180). A finished deployment may outlive its namespace.
//! - From 1.1.16, 1.2.10 and 1.3.3 Nomad deletes no namespace that holds a
//!   CSI volume (DeleteNamespaces, v1.3.3 backport #13887); an earlier
//!   release left the volume behind, so there it is read as it is.

use crate::common;

use common::batch::{alloc, import, job_json};
use common::TempDir;
use serde_json::json;

/// An import of `build` whose management token makes namespaces.json the
/// cluster's whole list (`default` alone), with one running allocation.
fn whole_list(tag: &str, build: &str) -> TempDir {
    let job = job_json(json!({"Status": "running"}));
    let a = alloc(1, 0, &job, json!({"ClientStatus": "running"}));
    let d = import(tag, build, &job, &[a]);
    d.put(
        "import/acl-token-self.json",
        r#"{"AccessorID": "x", "Type": "management"}"#,
    );
    d
}

/// The diagnostics' text unwrapped: a message's lines joined by a space.
fn unwrapped(stderr: &str) -> String {
    stderr
        .lines()
        .map(|l| l.trim_start().trim_start_matches('│').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

fn deployment(status: &str) -> String {
    json!([{
        "ID": "d0000001-0000-4000-8000-000000000000", "Namespace": "other",
        "JobID": "ghost", "JobVersion": 0, "JobCreateIndex": 10,
        "Status": status, "StatusDescription": "", "TaskGroups": {},
        "CreateIndex": 20, "ModifyIndex": 21
    }])
    .to_string()
}

#[test]
fn a_deployment_in_progress_in_an_unlisted_namespace_cannot_be_told() {
    let d = whole_list("import-deployment-unlisted-ns", "2.0.5");
    d.put("import/deployments.json", &deployment("running"));
    let o = common::batch::plan(&d, "web2.nomad");
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    assert!(
        unwrapped(&o.stderr).contains("deployments.json holds deployment d0000001")
            && unwrapped(&o.stderr).contains("(status \"running\") of job \"ghost\" in namespace \"other\", which namespaces.json does not list"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("import/deployments.json:"),
        "located: {}",
        o.stderr
    );
    // A finished deployment may outlive its job and namespace.
    for done in ["successful", "failed", "cancelled"] {
        d.put("import/deployments.json", &deployment(done));
        let o = common::batch::plan(&d, "web2.nomad");
        assert!(
            !o.stderr.contains("import::unknown-namespace"),
            "{done}: {}",
            o.stderr
        );
        // Nomad's plan of an update exits 1.
        assert_eq!(o.code, 1, "{done}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stdout.contains("All tasks successfully allocated."),
            "{}",
            o.stdout
        );
    }
}

fn volume() -> serde_json::Value {
    json!({
        "ID": "vol1", "Name": "vol1", "Namespace": "other", "PluginID": "ebs",
        "AccessMode": "single-node-writer", "AttachmentMode": "file-system",
        "Schedulable": true, "CurrentWriters": 0, "CurrentReaders": 0,
        "ReadAllocs": {}, "WriteAllocs": {}, "Allocations": [],
        "CreateIndex": 5, "ModifyIndex": 6
    })
}

#[test]
fn a_csi_volume_in_an_unlisted_namespace_cannot_be_told() {
    let d = whole_list("import-csi-unlisted-ns", "2.0.5");
    d.put("import/csi-volumes.json", &json!([volume()]).to_string());
    let o = common::batch::plan(&d, "web2.nomad");
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    let said = "CSI volume \"vol1\" in namespace \"other\", which namespaces.json does not list";
    assert!(unwrapped(&o.stderr).contains(said), "{}", o.stderr);
    assert!(
        o.stderr.contains("import/csi-volumes.json:"),
        "located: {}",
        o.stderr
    );
    // Its full file stands for its stub: said once, there.
    d.put("import/volumes/other/vol1.json", &volume().to_string());
    let o = common::batch::plan(&d, "web2.nomad");
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert_eq!(
        unwrapped(&o.stderr).matches(said).count(),
        1,
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("import/volumes/other/vol1.json:"),
        "located: {}",
        o.stderr
    );
}

/// Before the backport (1.3.2) a namespace was deleted with its volumes
/// left behind: the volume is the cluster's, read as it is.
#[test]
fn a_csi_volume_outlives_its_namespace_before_1_3_3() {
    let d = whole_list("import-csi-unlisted-ns-old", "1.3.2");
    d.put("import/csi-volumes.json", &json!([volume()]).to_string());
    let o = common::batch::plan(&d, "web2.nomad");
    assert!(
        !o.stderr.contains("import::unknown-namespace"),
        "{}",
        o.stderr
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("All tasks successfully allocated."),
        "{}",
        o.stdout
    );
}
