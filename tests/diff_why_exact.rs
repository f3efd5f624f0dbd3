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

use crate::common;

use common::field_json as field;
use common::why::{check, destructive, group_edited, leaf, obj, UNCHANGED_TASK};
use serde_json::{json, Value};

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
                leaf("Edited", "Strategy", json!([field("Edited", "MaxParallel", "1", "2")])),
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
            destructive(json!([
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
            ])),
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
            destructive(json!([
                leaf(
                    "Edited",
                    "Action",
                    json!([field("Edited", "Command", "bar", "baz")])
                ),
                obj(
                    "Added",
                    "Action",
                    json!([
                        field("Added", "Command", "", "echo"),
                        field("Added", "Name", "", "bar"),
                    ]),
                    json!([leaf(
                        "Added",
                        "Args",
                        json!([field("Added", "Args", "", "bar")])
                    )])
                ),
            ])),
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

/// diff.go `scheduleDiff` (no diff_test.go table): the cron block as a
/// primitive object named Schedule. job_endpoint_hooks.go adds
/// taskScheduleConstraint (`${attr.nomad.version}` semver `>= 1.8.0-dev`)
/// to the group; annotate.go: a Schedule object is destructive.
#[test]
fn schedule() {
    check(
        "schedule",
        group_edited(
            json!([leaf(
                "Added",
                "Constraint",
                json!([
                    field("Added", "LTarget", "", "${attr.nomad.version}"),
                    field("Added", "Operand", "", "semver"),
                    field("Added", "RTarget", "", ">= 1.8.0-dev"),
                ])
            )]),
            destructive(json!([leaf(
                "Added",
                "Schedule",
                json!([
                    field("Added", "End", "", "0 16"),
                    field("Added", "Start", "", "0 12 * * * *"),
                    field("Added", "Timezone", "", "America/New_York"),
                ])
            )])),
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
