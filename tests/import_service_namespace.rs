//! R13-12: `/v1/job/:id` returns the stored `structs.Job`, whose services
//! carry the `Namespace` that `structs.Service.Canonicalize` derives
//! (nomad/structs/services.go: "default" for a Consul service from 1.1.0,
//! the job's namespace for a Nomad one from 1.3.0). The same canonicalize
//! runs on the planned job (`jobCanonicalizer` in `Job.Plan`), so a job
//! file planned against its own stored form is unchanged: `Job: "web"`,
//! every allocation ignored, exit 0. The import read the field as a change
//! it does not model (a create/destroy update, exit 1).
//!
//! The JSON is the 1.6.0 fixture (tests/fixtures/import/stored-update-1.6)
//! with the web group given what `/v1/job/web` returns for [`WEB`] at
//! 1.6.0 and at 2.0.5 (the 2.0.5 task's default `Identity` and the
//! service's `Cluster` as that release stores them).

use crate::common;

use common::{run_in, TempDir};
use serde_json::{json, Value};

const WEB: &str = r#"job "web" {
  datacenters = ["dc1"]
  group "g" {
    count = 2
    network {
      port "http" {}
    }
    SERVICE
    task "t" {
      driver = "docker"
      config {
        image = "nginx:1.25"
      }
      TASK_SERVICE
    }
  }
}
"#;

const SERVICE: &str = "service {\n      name = \"web\"\n      port = \"http\"\n    }";

fn stored_service(provider: &str, namespace: &str, at_205: bool) -> Value {
    let mut s = json!({
        "Name": "web", "TaskName": "", "PortLabel": "http", "AddressMode": "auto",
        "Address": "", "EnableTagOverride": false, "Tags": null, "CanaryTags": null,
        "Checks": null, "Connect": null, "Meta": null, "CanaryMeta": null,
        "TaggedAddresses": null, "Namespace": namespace, "OnUpdate": "require_healthy",
        "Provider": provider
    });
    if at_205 {
        s["Cluster"] = json!("default");
        s["Kind"] = json!("");
        s["Identity"] = Value::Null;
        s["Weights"] = Value::Null;
    }
    s
}

/// The fixture with the web job's group (or its task) holding `service`,
/// at `build`.
fn project(tag: &str, build: &str, service: Value, in_task: bool) -> TempDir {
    let d = TempDir::new(tag);
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/stored-update-1.6");
    let imp = d.0.join("imp");
    common::copy_dir(&src, &imp);
    let edit = |rel: &str, f: &dyn Fn(&mut Value)| {
        let p = imp.join(rel);
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        f(&mut v);
        std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    };
    edit("agent-self.json", &|v| {
        v["member"]["Tags"]["build"] = json!(build);
        v["member"]["Tags"]["role"] = json!("nomad");
        // The servers' Consul and Vault blocks: no identities to add.
        v["config"] = json!({
            "Consuls": [{"Name": "default", "AllowUnauthenticated": true}],
            "Vaults": [{"Name": "default", "Enabled": false}],
            "Server": {}, "ACL": {"Enabled": false}
        });
    });
    edit("nodes.json", &|v| {
        for n in v.as_array_mut().unwrap() {
            n["Attributes"]["consul.version"] = json!("1.18.0");
        }
    });
    let at_205 = build.starts_with('2');
    edit("jobs/default/web.json", &|v| {
        let g = &mut v["TaskGroups"][0];
        g["Networks"] = json!([{
            "Mode": "", "Device": "", "CIDR": "", "IP": "", "Hostname": "", "MBits": 0,
            "DNS": null, "ReservedPorts": null,
            "DynamicPorts": [{"Label": "http", "Value": 0, "To": 0, "HostNetwork": "default"}]
        }]);
        let mut s = service.clone();
        if in_task {
            s["TaskName"] = json!("t");
            g["Tasks"][0]["Services"] = json!([s]);
        } else {
            g["Services"] = json!([s]);
        }
        if at_205 {
            g["Consul"] = Value::Null;
            g["Tasks"][0]["Identity"] = json!({
                "Name": "default", "Audience": ["nomadproject.io"], "ChangeMode": "",
                "ChangeSignal": "", "Env": false, "File": false, "Filepath": "",
                "ServiceName": "", "TTL": 0, "ExtraClaims": null
            });
        }
    });
    d
}

fn plan(d: &TempDir, text: &str) -> (i32, String, String) {
    d.put("web.nomad", text);
    let o = run_in(&d.0, &["plan", "--no-color", "--world", "imp", "web.nomad"]);
    let head = o.stdout.split("Scheduler dry-run").next().unwrap_or("");
    (o.code, head.to_string(), o.stderr)
}

const UNCHANGED: &str = "Job: \"web\"\nTask Group: \"g\" (2 ignore)\n  Task: \"t\"\n\n";

#[test]
fn a_consul_service_stored_in_default_is_unchanged() {
    for build in ["1.6.0", "2.0.5"] {
        let at_205 = build.starts_with('2');
        let group = project(
            "svcns-group",
            build,
            stored_service("consul", "default", at_205),
            false,
        );
        let group_text = WEB.replace("TASK_SERVICE", "").replace("SERVICE", SERVICE);
        assert_eq!(
            plan(&group, &group_text),
            (0, UNCHANGED.to_string(), String::new()),
            "group service at {build}"
        );
        let task = project(
            "svcns-task",
            build,
            stored_service("consul", "default", at_205),
            true,
        );
        let task_text = WEB
            .replace("TASK_SERVICE", &SERVICE.replace("\n    ", "\n      "))
            .replacen("    SERVICE\n", "", 1);
        assert_eq!(
            plan(&task, &task_text),
            (0, UNCHANGED.to_string(), String::new()),
            "task service at {build}"
        );
    }
}

/// A Nomad-provider service stores the job's namespace (1.3+).
#[test]
fn a_nomad_service_stored_in_the_jobs_namespace_is_unchanged() {
    let d = project(
        "svcns-nomad",
        "1.6.0",
        stored_service("nomad", "default", false),
        false,
    );
    let text = WEB.replace("TASK_SERVICE", "").replace(
        "SERVICE",
        "service {\n      name     = \"web\"\n      port     = \"http\"\n      provider = \"nomad\"\n    }",
    );
    assert_eq!(plan(&d, &text), (0, UNCHANGED.to_string(), String::new()));
}

/// A namespace the servers would not derive is still a change nomad-preflight
/// does not model, said as such (a guard: the baseline says the same).
#[test]
fn another_stored_namespace_is_still_flagged() {
    let d = project(
        "svcns-other",
        "1.6.0",
        stored_service("consul", "other", false),
        false,
    );
    let text = WEB.replace("TASK_SERVICE", "").replace("SERVICE", SERVICE);
    let (code, _, stderr) = plan(&d, &text);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("changed but not modelled (Services)"),
        "{stderr}"
    );
}
