//! Issue 13's "Why" items that earlier tests checked only in part, each
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

mod common;

use common::{field_json as field, load_job, to_json};
use nomad_preflight::diff::{job_diff_with, JobDiff};
use nomad_preflight::render::diff_text::render_diff;
use nomad_preflight::version::NomadVersion;
use serde_json::{json, Value};

fn fixture(item: &str, side: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff/why")
        .join(format!("{item}.{side}.nomad"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The diff `nomad job plan` computes between the stored (mutated) old job
/// and the mutated new one.
fn plan_diff(item: &str, contextual: bool) -> JobDiff {
    let v = NomadVersion::new(2, 0, 5);
    let admit = |side: &str| {
        nomad_preflight::mutators::apply(&load_job(&fixture(item, side), v), v)
            .unwrap_or_else(|e| panic!("{item}.{side}: {e}"))
    };
    let (old, new) = (admit("old"), admit("new"));
    let mut d = job_diff_with(Some(&old), Some(&new), v, contextual);
    nomad_preflight::planner::annotate::annotate(&mut d, &Default::default());
    assert!(d.unmodelled.is_empty(), "{item}: {:?}", d.unmodelled);
    d
}

fn obj(ty: &str, name: &str, fields: Value, objects: Value) -> Value {
    json!({"Type": ty, "Name": name, "Fields": fields, "Objects": objects})
}

fn task(ty: &str, objects: Value, fields: Value, annotations: Value) -> Value {
    json!({"Type": ty, "Name": "t", "Fields": fields, "Objects": objects, "Annotations": annotations})
}

const UNCHANGED_TASK: &str =
    r#"{"Type": "None", "Name": "t", "Fields": null, "Objects": null, "Annotations": null}"#;

/// The job `j` edited in group `g` only.
fn group_edited(objects: Value, t: Value) -> Value {
    json!({"Type": "Edited", "ID": "j", "Fields": null, "Objects": null, "TaskGroups": [{
        "Type": "Edited", "Name": "g", "Fields": null, "Objects": objects,
        "Tasks": [t], "Updates": {},
    }]})
}

fn check(item: &str, want_json: Value, want_text: &str) {
    assert_eq!(to_json(&plan_diff(item, false)), want_json, "{item} JSON");
    assert_eq!(
        render_diff(&plan_diff(item, true), false, false),
        want_text,
        "{item} text"
    );
}

const DESTRUCTIVE: &str = "forces create/destroy update";

/// TestJobDiff "Multiregion: region added": the west region edited (count,
/// datacenters as a string set), east added, the strategy edited. With
/// context, multiregionRegionDiff lists the region's unchanged fields too
/// (NodePool "" included: flatmap keeps empty strings) and the strategy
/// its OnFailure.
#[test]
fn multiregion() {
    let dcs = |ty: &str, fields: Value| obj(ty, "Datacenters", fields, json!(null));
    check(
        "multiregion",
        json!({"Type": "Edited", "ID": "j", "Fields": null,
            "Objects": [obj("Edited", "Multiregion", json!([]), json!([
                obj("Edited", "Region", json!([field("Edited", "Count", "1", "3")]), json!([
                    dcs("Edited", json!([
                        field("Added", "Datacenters", "", "west-2"),
                        field("Deleted", "Datacenters", "west-1", ""),
                    ])),
                ])),
                obj("Added", "Region", json!([
                    field("Added", "Count", "", "2"),
                    field("Added", "Meta[region_code]", "", "E"),
                    field("Added", "Name", "", "east"),
                ]), json!([
                    dcs("Added", json!([
                        field("Added", "Datacenters", "", "east-1"),
                        field("Added", "Datacenters", "", "east-2"),
                    ])),
                ])),
                obj("Edited", "Strategy", json!([field("Edited", "MaxParallel", "1", "2")]), json!(null)),
            ]))],
            "TaskGroups": [{"Type": "None", "Name": "g", "Fields": null, "Objects": null,
                "Tasks": [serde_json::from_str::<Value>(UNCHANGED_TASK).unwrap()], "Updates": {}}],
        }),
        r#"+/- Job: "j"
+/- Multiregion {
  +/- Region {
    +/- Count:             "1" => "3"
        Meta[region_code]: "W"
        Name:              "west"
        NodePool:          ""
    +/- Datacenters {
      + Datacenters: "west-2"
      - Datacenters: "west-1"
        }
      }
  +   Region {
      + Count:             "2"
      + Meta[region_code]: "E"
      + Name:              "east"
        NodePool:          ""
      + Datacenters {
        + Datacenters: "east-1"
        + Datacenters: "east-2"
        }
      }
  +/- Strategy {
    +/- MaxParallel: "1" => "2"
        OnFailure:   "fail_all"
      }
    }
    Task Group: "g"
      Task: "t""#,
    );
}

/// TestTaskDiff "Alternate identities edited": named identities matched by
/// name (idSliceDiffs); `consul` edited (Audience a string set), `vault`
/// deleted, `vault-dev` added. The default identity Task.Canonicalize adds
/// is the same on both sides. annotate.go: an Identity object is
/// destructive.
#[test]
fn identities() {
    let aud = |ty: &str, fields: Value| json!([obj(ty, "Audience", fields, json!(null))]);
    check(
        "identities",
        group_edited(
            json!(null),
            task(
                "Edited",
                json!([
                    obj(
                        "Edited",
                        "Identity",
                        json!([
                            field("Edited", "Env", "true", "false"),
                            field("Edited", "File", "false", "true"),
                            field("Edited", "TTL", "3600000000000", "7200000000000"),
                        ]),
                        aud(
                            "Edited",
                            json!([
                                field("Added", "Audience", "", "consul-prod.io"),
                                field("Deleted", "Audience", "consul.io", ""),
                            ])
                        )
                    ),
                    obj(
                        "Added",
                        "Identity",
                        json!([
                            field("Added", "Env", "", "false"),
                            field("Added", "File", "", "true"),
                            field("Added", "Name", "", "vault-dev"),
                            field("Added", "TTL", "", "3600000000000"),
                        ]),
                        aud("Added", json!([field("Added", "Audience", "", "vault.io")]))
                    ),
                    obj(
                        "Deleted",
                        "Identity",
                        json!([
                            field("Deleted", "Env", "false", ""),
                            field("Deleted", "File", "true", ""),
                            field("Deleted", "Name", "vault", ""),
                            field("Deleted", "TTL", "0", ""),
                        ]),
                        aud(
                            "Deleted",
                            json!([field("Deleted", "Audience", "vault.io", "")])
                        )
                    ),
                ]),
                json!(null),
                json!([DESTRUCTIVE]),
            ),
        ),
        r#"+/- Job: "j"
+/- Task Group: "g"
  +/- Task: "t" (forces create/destroy update)
    +/- Identity {
          ChangeMode:   ""
          ChangeSignal: ""
      +/- Env:          "true" => "false"
      +/- File:         "false" => "true"
          Filepath:     ""
          Name:         "consul"
          ServiceName:  ""
      +/- TTL:          "3600000000000" => "7200000000000"
      +/- Audience {
        + Audience: "consul-prod.io"
        - Audience: "consul.io"
          }
        }
    +   Identity {
          ChangeMode:   ""
          ChangeSignal: ""
        + Env:          "false"
        + File:         "true"
          Filepath:     ""
        + Name:         "vault-dev"
          ServiceName:  ""
        + TTL:          "3600000000000"
        + Audience {
          + Audience: "vault.io"
          }
        }
    -   Identity {
          ChangeMode:   ""
          ChangeSignal: ""
        - Env:          "false"
        - File:         "true"
          Filepath:     ""
        - Name:         "vault"
          ServiceName:  ""
        - TTL:          "0"
        - Audience {
          - Audience: "vault.io"
          }
        }"#,
    );
}

/// TestTaskDiff "Actions edited" (the first action, by position) and
/// "Actions added" (a second one). With context, actionDiff keeps the
/// unchanged Args set as a None object (it appends any non-nil
/// stringSetDiff). annotate.go: an Action object is destructive.
#[test]
fn action() {
    check(
        "action",
        group_edited(
            json!(null),
            task(
                "Edited",
                json!([
                    obj(
                        "Edited",
                        "Action",
                        json!([field("Edited", "Command", "bar", "baz")]),
                        json!(null)
                    ),
                    obj(
                        "Added",
                        "Action",
                        json!([
                            field("Added", "Command", "", "echo"),
                            field("Added", "Name", "", "bar"),
                        ]),
                        json!([obj(
                            "Added",
                            "Args",
                            json!([field("Added", "Args", "", "bar")]),
                            json!(null)
                        )])
                    ),
                ]),
                json!(null),
                json!([DESTRUCTIVE]),
            ),
        ),
        r#"+/- Job: "j"
+/- Task Group: "g"
  +/- Task: "t" (forces create/destroy update)
    +/- Action {
      +/- Command: "bar" => "baz"
          Name:    "foo"
          Args {
            Args: "hello world"
          }
        }
    +   Action {
        + Command: "echo"
        + Name:    "bar"
        + Args {
          + Args: "bar"
          }
        }"#,
    );
}

/// TestTaskDiff "Secret edited" and "Secret deleted": the task's own
/// secret `foo` edited (Config flattened whole: secretsDiff flattens
/// without primitiveOnly; the provider kept, as Secret.Validate refuses a
/// config block for a custom provider), the job-level secret `top`
/// (jobspec2 parse_job.go appends it to every task) removed. The implied
/// constraint of its provider (job_endpoint_hooks.go secretsConstraintFn,
/// `is_set`) goes with it.
#[test]
fn secret_job_and_task() {
    check(
        "secret",
        group_edited(
            json!([obj(
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
                ]),
                json!(null)
            )]),
            task(
                "Edited",
                json!([
                    obj(
                        "Edited",
                        "Secret",
                        json!([
                            field("Edited", "Config[foo]", "bar", "bar1"),
                            field("Edited", "Path", "/foo/bar", "/foo/bar1"),
                        ]),
                        json!(null)
                    ),
                    obj(
                        "Deleted",
                        "Secret",
                        json!([
                            field("Deleted", "Name", "top", ""),
                            field("Deleted", "Path", "top", ""),
                            field("Deleted", "Provider", "nomad", ""),
                        ]),
                        json!(null)
                    ),
                ]),
                json!(null),
                json!([DESTRUCTIVE]),
            ),
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
            json!([obj(
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
                ]),
                json!(null)
            )]),
            task(
                "Edited",
                json!([obj(
                    "Added",
                    "Secret",
                    json!([
                        field("Added", "Name", "", "grp"),
                        field("Added", "Path", "", "grp"),
                        field("Added", "Provider", "", "nomad"),
                    ]),
                    json!(null)
                )]),
                json!(null),
                json!([DESTRUCTIVE]),
            ),
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

/// diff.go `scheduleDiff` (no diff_test.go table): the cron block as a
/// primitive object named Schedule. job_endpoint_hooks.go adds
/// taskScheduleConstraint (`${attr.nomad.version}` semver `>= 1.8.0-dev`)
/// to the group; annotate.go: a Schedule object is destructive.
#[test]
fn schedule() {
    check(
        "schedule",
        group_edited(
            json!([obj(
                "Added",
                "Constraint",
                json!([
                    field("Added", "LTarget", "", "${attr.nomad.version}"),
                    field("Added", "Operand", "", "semver"),
                    field("Added", "RTarget", "", ">= 1.8.0-dev"),
                ]),
                json!(null)
            )]),
            task(
                "Edited",
                json!([obj(
                    "Added",
                    "Schedule",
                    json!([
                        field("Added", "End", "", "0 16"),
                        field("Added", "Start", "", "0 12 * * * *"),
                        field("Added", "Timezone", "", "America/New_York"),
                    ]),
                    json!(null)
                )]),
                json!(null),
                json!([DESTRUCTIVE]),
            ),
        ),
        r#"+/- Job: "j"
+/- Task Group: "g"
  +   Constraint {
      + LTarget: "${attr.nomad.version}"
      + Operand: "semver"
      + RTarget: ">= 1.8.0-dev"
      }
  +/- Task: "t" (forces create/destroy update)
    + Schedule {
      + End:      "0 16"
      + Start:    "0 12 * * * *"
      + Timezone: "America/New_York"
      }"#,
    );
}

/// TestTaskGroupDiff "Consul updated", from files: api/consul.go
/// Consul.Canonicalize makes the unset cluster "default", so the cluster is
/// edited rather than added. A group object: the task is unchanged.
#[test]
fn consul_group() {
    check(
        "consul_group",
        group_edited(
            json!([obj(
                "Edited",
                "Consul",
                json!([
                    field("Edited", "Cluster", "default", "us-east-1"),
                    field("Edited", "Namespace", "team1", "team2"),
                    field("Added", "Partition", "", "us-east-1a"),
                ]),
                json!(null)
            )]),
            serde_json::from_str(UNCHANGED_TASK).unwrap(),
        ),
        r#"+/- Job: "j"
+/- Task Group: "g"
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
            task(
                "Edited",
                json!([obj(
                    "Added",
                    "Consul",
                    json!([
                        field("Added", "Cluster", "", "default"),
                        field("Added", "Namespace", "", "apps"),
                    ]),
                    json!(null)
                )]),
                json!(null),
                json!([DESTRUCTIVE]),
            ),
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
/// a group without a network, hence the fixture's `network`). serviceDiff
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
                json!([obj(
                    "Added",
                    "ConsulConnect",
                    json!([field("Added", "Native", "", "true")]),
                    json!(null)
                ),])
            )]),
            task(
                "Edited",
                json!([
                    obj(
                        "Added",
                        "Constraint",
                        json!([
                            field("Added", "LTarget", "", "${attr.consul.version}"),
                            field("Added", "Operand", "", "semver"),
                            field("Added", "RTarget", "", ">= 1.8.0"),
                        ]),
                        json!(null)
                    ),
                    obj(
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
                        ]),
                        json!(null)
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
      PortLabel:         ""
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
