//! From 1.7.0 moving a Connect service to another Consul cluster replaces
//! the allocation: `connectServiceUpdated` compares `Cluster`
//! (scheduler/util.go v1.7.0:411, v2.0.5:366: `difference("connect service
//! cluster", ...)`; absent at v1.6.10). Job files can name the cluster
//! from 1.7.3 (the api Service's `hcl:"cluster,optional` tag lacked its
//! closing quote before), which is where a plan can show it. We updated it
//! in place: "1 in-place update", exit 0, where Nomad 1.7+ (Enterprise)
//! destroys and recreates it. A service of another cluster is also
//! constrained on that cluster's fingerprint (`${attr.consul.east.version}`,
//! consulConstraintFn, nomad/job_endpoint_hooks.go v1.7.0+), which the
//! clients here report.

use crate::common;

use common::edit_plan::{self, DC1};

const CLUSTER: &str = r#"edition = "enterprise"
region  = "global"

client "c" {
  count         = 3
  datacenter    = "dc1"
  cpu           = 8000
  memory        = 16000
  disk          = 50000
  drivers       = ["docker"]
  network_modes = ["host", "bridge"]
  attributes    = { "consul.east.version" = "1.20.1" }
}
"#;

fn job(cluster: &str) -> String {
    edit_plan::web(
        DC1,
        &format!("    network {{\n      mode = \"bridge\"\n    }}\n    service {{\n      name    = \"api\"\n      cluster = \"{cluster}\"\n      port    = \"8080\"\n      connect {{\n        sidecar_service {{}}\n      }}\n    }}\n"),
        "",
    )
}

fn plan(version: &str, old: &str, new: &str) -> common::Out {
    edit_plan::plan(
        &format!("connect-cluster-{version}"),
        CLUSTER,
        version,
        &job(old),
        &job(new),
    )
}

#[test]
fn a_connect_service_cluster_change_is_destructive() {
    let o = plan("2.0.5", "default", "east");
    let text = o
        .stdout
        .split("Job Modify Index")
        .next()
        .unwrap_or_default();
    assert_eq!(
        (o.code, text),
        (
            1,
            r#"+/- Job: "web"
+/- Task Group: "g" (1 create/destroy update)
  +   Constraint {
      + LTarget: "${attr.consul.east.version}"
      + Operand: "semver"
      + RTarget: ">= 1.8.0"
      }
  -   Constraint {
      - LTarget: "${attr.consul.version}"
      - Operand: "semver"
      - RTarget: ">= 1.8.0"
      }
  +/- Service {
        Address:           ""
        AddressMode:       "auto"
    +/- Cluster:           "default" => "east"
        EnableTagOverride: "false"
        Kind:              ""
        Name:              "api"
        Namespace:         "default"
        OnUpdate:          "require_healthy"
        PortLabel:         "8080"
        Provider:          "consul"
        TaskName:          ""
      }
      Task: "connect-proxy-api"
      Task: "t"

Scheduler dry-run:
- All tasks successfully allocated.

"#
        ),
        "{}",
        o.stderr
    );
    // The first release whose job files name the cluster, and the same
    // service unchanged (in place: nothing to do).
    let o = plan("1.7.3", "default", "east");
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .starts_with("+/- Job: \"web\"\n+/- Task Group: \"g\" (1 create/destroy update)\n"),
        "{}",
        o.stdout
    );
    let o = plan("1.7.3", "east", "east");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .starts_with("Job: \"web\"\nTask Group: \"g\" (1 ignore)\n"),
        "{}",
        o.stdout
    );
}
