//! From 1.10 `structs.Vault` has no `Policies` and the HTTP agent does not
//! copy the api's (ApiTaskToStructsTask, command/agent/job_endpoint.go
//! @v1.10.0:1456-1466, the same at v2.0.5): a running job's `policies`
//! edited is the same job to the servers, so the plan shows no change and
//! exits 0. np11 planned a create/destroy update with an empty
//! `+/- Vault {}` (redteam11 R11-4). Before 1.10 the edit is an update.

use crate::common;

fn job(policy: &str) -> String {
    format!(
        r#"job "web" {{
  datacenters = ["dc1"]
  group "g" {{
    count = 2
    task "t" {{
      driver = "docker"
      config {{
        image = "nginx:1"
      }}
      vault {{
        policies = ["{policy}"]
      }}
      resources {{
        cpu    = 100
        memory = 128
      }}
    }}
  }}
}}
"#
    )
}

/// `jobs/web.nomad` committed with policy `a` and running, then edited to
/// `b`, planned under Nomad `version`.
fn plan(version: &str) -> common::Out {
    let d = common::TempDir::new(&format!("vault-policies-{version}"));
    d.put(
        "rules/cluster.hcl",
        &format!(
            r#"nomad_version = "{version}"
region = "global"
server {{
  vault {{
    enabled = true
  }}
}}
client "c" {{
  count      = 1
  datacenter = "dc1"
  cpu        = 8000
  memory     = 16000
  disk       = 50000
  drivers    = ["docker"]
  attributes = {{
    "vault.version" = "1.15.0"
  }}
}}
running = ["jobs/web.nomad"]
"#
        ),
    );
    d.put("rules/namespaces/default.hcl", "name = \"default\"\n");
    d.put("jobs/web.nomad", &job("a"));
    common::git(&d.0, &["init", "-q"]);
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "running"]);
    d.put("jobs/web.nomad", &job("b"));
    common::run_in(&d.0, &["plan", "jobs/web.nomad"])
}

#[test]
fn a_policies_edit_is_no_change_from_1_10() {
    for version in ["1.10.0", "2.0.5"] {
        let out = plan(version);
        assert_eq!(out.code, 0, "{version}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stdout.contains("Task Group: \"g\" (2 ignore)"),
            "{version}: {}",
            out.stdout
        );
        assert!(!out.stdout.contains("Vault"), "{version}: {}", out.stdout);
    }
    // Before 1.10 the servers keep the policies: an update.
    let out = plan("1.9.7");
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("+/- Vault {"), "{}", out.stdout);
}
