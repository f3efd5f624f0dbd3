//! Issue 13's "Why" items that earlier tests checked only in part (the
//! secret, Consul and service ones; diff_why_exact.rs has the others), each
//! from a pair of job files (tests/fixtures/diff/why/ITEM.{old,new}.nomad)
//! as `nomad job plan` sees them: loaded, put through 2.0.5's admission
//! mutators (the Plan RPC stores and diffs the mutated job, so an implied
//! constraint is part of what Nomad prints), diffed and annotated. Each
//! test compares the whole JobDiff JSON (without context, as diff_test.go
//! tables are written) and the whole diff text (with context, as the Plan
//! RPC asks for it, formatted by command/job_plan.go formatJobDiff).
//!
//! Expected values are written from Nomad v2.0.5's nomad/structs/diff.go,
//! diff_test.go (the table entry is named), api/ canonicalisation,
//! nomad/job_endpoint_hooks.go and scheduler/annotate.go, as cited.

use crate::common;

use common::field_json as field;
use common::why::{check, destructive, group_edited, leaf, obj, task, DESTRUCTIVE, UNCHANGED_TASK};
use serde_json::json;

/// TestTaskDiff "Secret edited" and "Secret deleted": the task's own
/// secret `foo` edited (Config flattened whole: secretsDiff flattens
/// without primitiveOnly; the provider kept, as Secret.Validate refuses a
/// config block for a custom provider, with the vault block a vault secret
/// needs), the job-level secret `top`
/// (jobspec2 parse_job.go appends it to every task) removed. The implied
/// constraint of its provider (job_endpoint_hooks.go secretsConstraintFn,
/// `is_set`) goes with it.
#[test]
fn secret_job_and_task() {
    check(
        "secret",
        group_edited(
            json!([leaf(
                "Deleted",
                "Constraint",
                json!([
                    field(
                        "Deleted",
                        "LTarget",
                        "${attr.plugins.secrets.nomad.version}",
                        ""
                    ),
                    field("Deleted", "Operand", "is_set", ""),
                ])
            )]),
            destructive(json!([
                leaf(
                    "Edited",
                    "Secret",
                    json!([
                        field("Edited", "Config[foo]", "bar", "bar1"),
                        field("Edited", "Path", "/foo/bar", "/foo/bar1"),
                    ])
                ),
                leaf(
                    "Deleted",
                    "Secret",
                    json!([
                        field("Deleted", "Name", "top", ""),
                        field("Deleted", "Path", "top", ""),
                        field("Deleted", "Provider", "nomad", ""),
                    ])
                ),
            ])),
        ),
        r#"+/- Job: "j"
+/- Task Group: "g"
  -   Constraint {
      - LTarget: "${attr.plugins.secrets.nomad.version}"
      - Operand: "is_set"
        RTarget: ""
      }
  +/- Task: "t" (forces create/destroy update)
    +/- Secret {
      +/- Config[foo]: "bar" => "bar1"
          Name:        "foo"
      +/- Path:        "/foo/bar" => "/foo/bar1"
          Provider:    "vault"
        }
    -   Secret {
        - Name:     "top"
        - Path:     "top"
        - Provider: "nomad"
        }"#,
    );
}

/// TestTaskDiff "Secret added", the secret written in the group: jobspec2
/// hcl_conversions.go gives a group's secrets to each task that has none.
#[test]
fn secret_group() {
    check(
        "secret_group",
        group_edited(
            json!([leaf(
                "Added",
                "Constraint",
                json!([
                    field(
                        "Added",
                        "LTarget",
                        "",
                        "${attr.plugins.secrets.nomad.version}"
                    ),
                    field("Added", "Operand", "", "is_set"),
                ])
            )]),
            destructive(json!([leaf(
                "Added",
                "Secret",
                json!([
                    field("Added", "Name", "", "grp"),
                    field("Added", "Path", "", "grp"),
                    field("Added", "Provider", "", "nomad"),
                ])
            )])),
        ),
        r#"+/- Job: "j"
+/- Task Group: "g"
  +   Constraint {
      + LTarget: "${attr.plugins.secrets.nomad.version}"
      + Operand: "is_set"
        RTarget: ""
      }
  +/- Task: "t" (forces create/destroy update)
    + Secret {
      + Name:     "grp"
      + Path:     "grp"
      + Provider: "nomad"
      }"#,
    );
}

/// TestTaskGroupDiff "Consul updated", from files: api/consul.go
/// Consul.Canonicalize makes the unset cluster "default", so the cluster is
/// edited rather than added. A group object: the task is unchanged. The
/// plan also shows the partition constraint the Consul hook adds.
#[test]
fn consul_group() {
    check(
        "consul_group",
        group_edited(
            json!([
                // jobConsulHook's partition constraint
                // (job_endpoint_hook_consul.go:37-92@v2.0.5), on the
                // non-default cluster's attribute.
                leaf(
                    "Added",
                    "Constraint",
                    json!([
                        field("Added", "LTarget", "", "${attr.consul.us-east-1.partition}"),
                        field("Added", "Operand", "", "="),
                        field("Added", "RTarget", "", "us-east-1a"),
                    ])
                ),
                leaf(
                    "Edited",
                    "Consul",
                    json!([
                        field("Edited", "Cluster", "default", "us-east-1"),
                        field("Edited", "Namespace", "team1", "team2"),
                        field("Added", "Partition", "", "us-east-1a"),
                    ])
                )
            ]),
            serde_json::from_str(UNCHANGED_TASK).unwrap(),
        ),
        r#"+/- Job: "j"
+/- Task Group: "g"
  +   Constraint {
      + LTarget: "${attr.consul.us-east-1.partition}"
      + Operand: "="
      + RTarget: "us-east-1a"
      }
  +/- Consul {
    +/- Cluster:   "default" => "us-east-1"
    +/- Namespace: "team1" => "team2"
    +   Partition: "us-east-1a"
      }
      Task: "t""#,
    );
}

/// diff.go Task.Diff's `Consul` primitive object (no diff_test.go table
/// for the task's): added with api/consul.go's default cluster; with
/// context the empty Partition shows. annotate.go: destructive.
#[test]
fn consul_task() {
    check(
        "consul_task",
        group_edited(
            json!(null),
            destructive(json!([leaf(
                "Added",
                "Consul",
                json!([
                    field("Added", "Cluster", "", "default"),
                    field("Added", "Namespace", "", "apps"),
                ])
            )])),
        ),
        r#"+/- Job: "j"
+/- Task Group: "g"
  +/- Task: "t" (forces create/destroy update)
    + Consul {
      + Cluster:   "default"
      + Namespace: "apps"
        Partition: ""
      }"#,
    );
}

/// A service's TaskName, set by Nomad in two ways. A task service gets
/// its task's name (structs/services.go Service.Canonicalize: "Set the
/// task name if not already set", task services only), so an added task
/// service shows TaskName "t"; its implied Consul constraint
/// (job_endpoint_hooks.go consulServiceDiscoveryConstraint) lands on the
/// task. A Connect native group service whose task is inferred (the
/// group's only task) gets TaskName from job_endpoint_hook_connect.go,
/// which also gives the task the Kind `connect-native:svc` (the hook skips
/// a group without a network, hence the fixture's `network`; from 1.9.2
/// Service.Validate wants a native service's port, hence `port`). serviceDiff
/// shows TaskName and the ConsulConnect object (TestTaskGroupDiff
/// "TaskGroup Services edited" has TaskName as a service field); the Kind
/// field makes the task destructive (annotate.go: any field but
/// KillTimeout). With context a service lists its canonical fields
/// (api/services.go: AddressMode "auto", OnUpdate "require_healthy",
/// Provider "consul", Cluster "default"; Service.Canonicalize: a Consul
/// service's empty Namespace is "default").
#[test]
fn service_task_name() {
    check(
        "service_task_name",
        group_edited(
            json!([obj(
                "Edited",
                "Service",
                json!([field("Added", "TaskName", "", "t")]),
                json!([leaf(
                    "Added",
                    "ConsulConnect",
                    json!([field("Added", "Native", "", "true")])
                ),])
            )]),
            task(
                "Edited",
                json!([
                    leaf(
                        "Added",
                        "Constraint",
                        json!([
                            field("Added", "LTarget", "", "${attr.consul.version}"),
                            field("Added", "Operand", "", "semver"),
                            field("Added", "RTarget", "", ">= 1.8.0"),
                        ])
                    ),
                    leaf(
                        "Added",
                        "Service",
                        json!([
                            field("Added", "AddressMode", "", "auto"),
                            field("Added", "Cluster", "", "default"),
                            field("Added", "EnableTagOverride", "", "false"),
                            field("Added", "Name", "", "web"),
                            field("Added", "Namespace", "", "default"),
                            field("Added", "OnUpdate", "", "require_healthy"),
                            field("Added", "Provider", "", "consul"),
                            field("Added", "TaskName", "", "t"),
                        ])
                    ),
                ]),
                json!([field("Added", "Kind", "", "connect-native:svc")]),
                json!([DESTRUCTIVE]),
            ),
        ),
        r#"+/- Job: "j"
+/- Task Group: "g"
  +/- Service {
      Address:           ""
      AddressMode:       "auto"
      Cluster:           "default"
      EnableTagOverride: "false"
      Kind:              ""
      Name:              "svc"
      Namespace:         "default"
      OnUpdate:          "require_healthy"
      PortLabel:         "http"
      Provider:          "consul"
    + TaskName:          "t"
    + ConsulConnect {
      + Native: "true"
      }
      }
  +/- Task: "t" (forces create/destroy update)
    + Kind: "connect-native:svc"
    + Constraint {
      + LTarget: "${attr.consul.version}"
      + Operand: "semver"
      + RTarget: ">= 1.8.0"
      }
    + Service {
        Address:           ""
      + AddressMode:       "auto"
      + Cluster:           "default"
      + EnableTagOverride: "false"
        Kind:              ""
      + Name:              "web"
      + Namespace:         "default"
      + OnUpdate:          "require_healthy"
        PortLabel:         ""
      + Provider:          "consul"
      + TaskName:          "t"
      }"#,
    );
}
